//! Random damage to a valid incr file (bytes flipped, inserted, deleted,
//! the file cut, zeros appended), thousands of times: startup never
//! panics; what it does to the file is at most a cut (the file after is a
//! prefix of the damaged one); after an accepted start the directory loads
//! again cleanly to the same dataset; and a refusal leaves the file as it
//! was. Damage that the protocol can't see (a changed byte inside a value)
//! loads, as it does in Redis: the AOF has no checksums.

mod common;

use common::*;
use ferrodis_engine::Engine;
use ferrodis_persistence::startup;

const T0_MS: u64 = 1_700_000_000_000;

/// xorshift64*: a fixed, reproducible sequence.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn valid_file() -> Vec<u8> {
    let mut f = Vec::new();
    f.extend(encode(&["SELECT", "0"]));
    f.extend(encode(&["SET", "a", "1"]));
    f.extend(encode(&["RPUSH", "l", "x", "y", "z"]));
    f.extend(encode(&["MULTI"]));
    f.extend(encode(&["INCR", "a"]));
    f.extend(encode(&["SADD", "s", "1", "2"]));
    f.extend(encode(&["EXEC"]));
    f.extend(encode(&["ZADD", "z", "1.5", "m"]));
    f.extend(encode(&["SELECT", "1"]));
    f.extend(encode(&["HSET", "h", "f", "v"]));
    f
}

fn damage(rng: &mut Rng, file: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(file.len() + 1);
        match rng.below(5) {
            0 if at < file.len() => file[at] ^= 1 << rng.below(8),
            1 => {
                let pool = b"*$\r\n0123456789\x00";
                file.insert(at, pool[rng.below(pool.len())]);
            }
            2 if at < file.len() => {
                file.remove(at);
            }
            3 => file.truncate(at),
            _ => {
                let zeros = rng.below(300);
                file.resize(file.len() + zeros, 0);
            }
        }
    }
}

#[test]
fn damaged_files_are_cut_or_refused_never_mangled() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut accepted, mut refused, mut cut) = (0, 0, 0);
    for round in 0..3000 {
        let mut file = valid_file();
        damage(&mut rng, &mut file);
        let mut s = dir(b"", &file);
        let mut e = Engine::new(aof_config(), T0_MS);
        match startup(&mut s, &aof_config(), &mut e, T0_MS) {
            Ok(st) => {
                accepted += 1;
                let after = s.file(INCR).unwrap().to_vec();
                assert!(file.starts_with(&after), "round {round}: only a cut is allowed");
                if st.truncated.is_some() {
                    cut += 1;
                    assert!(after.len() < file.len());
                } else {
                    assert_eq!(after, file, "round {round}: untouched unless cut");
                }
                let mut again = Engine::new(aof_config(), T0_MS);
                let st2 = startup(&mut s, &aof_config(), &mut again, T0_MS).unwrap();
                assert_eq!(st2.truncated, None, "round {round}: a second start finds nothing to cut");
                assert_eq!(dump(&again), dump(&e), "round {round}");
            }
            Err(err) => {
                refused += 1;
                assert_eq!(s.file(INCR), Some(&file[..]), "round {round}: {err}");
                assert!(err.file.is_some(), "round {round}: {err}");
            }
        }
    }
    // The damage is varied enough to exercise every outcome.
    assert!(accepted > 300 && refused > 300 && cut > 300, "{accepted} {refused} {cut}");
}
