//! Checks the reference model itself against a real redis-server: one
//! client sends generated commands one at a time over TCP and compares each
//! reply with the model's, exactly as the simulator compares the engine's.
//! The clock is the wall clock here, so replies that depend on the exact
//! millisecond (TTL family) get a small tolerance. Used by
//! `ferrodis-sim --oracle PORT`; never by `cargo test` (it needs a server).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{SystemTime, UNIX_EPOCH};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::check::check_prop;
use crate::cmd::Cmd;
use crate::model::{Exec, Model, Out, Session};
use crate::resp::{self, Parsed, Val, Writer};
use crate::workload::{self, Gen, Mix};

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    fn call(&mut self, cmd: &Cmd) -> std::io::Result<Val> {
        let mut out = Vec::new();
        cmd.encode_resp(&mut out);
        self.stream.write_all(&out)?;
        loop {
            match resp::parse(&self.buf) {
                Parsed::Done(v, n) => {
                    self.buf.drain(..n);
                    return Ok(v);
                }
                Parsed::Malformed(e) => return Err(std::io::Error::other(e)),
                Parsed::Incomplete => {
                    let mut tmp = [0u8; 65536];
                    let n = self.stream.read(&mut tmp)?;
                    if n == 0 {
                        return Err(std::io::Error::other("connection closed"));
                    }
                    self.buf.extend_from_slice(&tmp[..n]);
                }
            }
        }
    }
}

/// Runs `ops` commands of seed `seed` against the server at `addr`;
/// returns the mismatches found (stops after `max_mismatches`).
pub fn run(addr: &str, seed: u64, ops: u64, max_mismatches: usize) -> std::io::Result<Vec<String>> {
    let mut conn = Conn { stream: TcpStream::connect(addr)?, buf: Vec::new() };
    conn.call(&Cmd::from_args(&[b"FLUSHALL"]))?;
    // The hash limits the model assumes (the simulator's engine runs with them).
    let entries = crate::model::hash::LISTPACK_ENTRIES_MAX.to_string();
    let value = crate::model::hash::LISTPACK_VALUE_MAX.to_string();
    let set_limits: [&[u8]; 6] = [
        b"CONFIG",
        b"SET",
        b"hash-max-listpack-entries",
        entries.as_bytes(),
        b"hash-max-listpack-value",
        value.as_bytes(),
    ];
    conn.call(&Cmd::from_args(&set_limits))?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Every template except QUIT (it would end the session).
    let mix = Mix::new(&|t| t.name != "quit", &mut rng, true);
    let mut model = Model::new();
    let mut sess = Session::default();
    let mut mismatches = Vec::new();
    let keyspace = [3u64, 8, 40][rng.gen_range(0..3)];
    for _ in 0..ops {
        let mut cmd = Cmd::new();
        let now = now_ms();
        let mut g = Gen { rng: &mut rng, keyspace, dbs_used: 3, now_ms: now, bad_pct: 5, short_expiry_pct: 0 };
        if g.rng.gen_range(0..100) < 2 {
            workload::malformed(&mut g, &mix, &mut cmd);
        } else {
            (mix.draw(g.rng).gen)(&mut g, &mut cmd);
        }
        if cmd.arg(0).eq_ignore_ascii_case(b"quit") {
            continue;
        }
        let mut expected = Vec::new();
        let mut out = Out { w: Writer { buf: &mut expected }, prop: None, time_sensitive: false, close: false };
        // The server answers first: a command whose effect the model learns
        // from the reply (SPOP) needs it.
        let actual = conn.call(&cmd)?;
        let observed = crate::model::observes(&cmd).then(|| actual.clone());
        model.apply(&cmd, &mut Exec { sess: &mut sess, now_ms: now, scan: None, observed }, &mut out);
        let (prop, time_sensitive) = (out.prop.take(), out.time_sensitive);
        let verdict = match &prop {
            Some(p) => check_prop(p, &actual).err(),
            None => match resp::parse(&expected) {
                Parsed::Done(exp, _) if exp == actual => None,
                Parsed::Done(Val::Int(e), _) if time_sensitive => match actual {
                    Val::Int(a) if (a - e).abs() <= 5 => None,
                    _ => Some(format!("expected :{e}")),
                },
                Parsed::Done(exp, _) => Some(format!("expected {}", exp.render())),
                _ => Some("model wrote a malformed reply".into()),
            },
        };
        if let Some(why) = verdict {
            mismatches.push(format!("`{}`: {why}, redis said {}", cmd.render(), actual.render()));
            if mismatches.len() >= max_mismatches {
                break;
            }
        }
    }
    Ok(mismatches)
}
