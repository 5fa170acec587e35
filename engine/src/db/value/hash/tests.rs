//! The hash type against a plain model: a `Vec` of pairs in insertion order
//! plus the encoding the conversion rules (module doc) predict.

use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::{HashLimits, HashValue};

#[derive(Clone, Debug)]
enum Op {
    Set(u8, usize),
    SetMany(Vec<(u8, usize)>),
    Remove(u8),
}

/// Field `i` (some longer than the value limit) and a value of `len` bytes.
fn field(i: u8) -> Vec<u8> {
    if i % 16 == 15 {
        vec![b'F'; 9]
    } else {
        format!("f{i}").into_bytes()
    }
}

fn value(len: usize) -> Vec<u8> {
    vec![b'v'; len]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..40, 0usize..10).prop_map(|(f, l)| Op::Set(f, l)),
        1 => proptest::collection::vec((0u8..40, 0usize..10), 1..4).prop_map(Op::SetMany),
        3 => (0u8..40).prop_map(Op::Remove),
    ]
}

struct Model {
    pairs: Vec<(Vec<u8>, Vec<u8>)>,
    big: bool,
}

impl Model {
    fn set(&mut self, f: &[u8], v: &[u8], lim: &HashLimits) -> bool {
        self.big |= f.len() > lim.value_max || v.len() > lim.value_max;
        let added = match self.pairs.iter_mut().find(|(k, _)| k == f) {
            Some(p) => {
                p.1 = v.to_vec();
                false
            }
            None => {
                self.pairs.push((f.to_vec(), v.to_vec()));
                true
            }
        };
        self.big |= self.pairs.len() > lim.entries_max;
        added
    }
}

fn check(h: &HashValue, m: &Model) {
    assert_eq!(h.len(), m.pairs.len());
    assert_eq!(h.encoding_name(), if m.big { "hashtable" } else { "listpack" });
    let mut got = Vec::new();
    h.for_each(|k, v| got.push((k.to_vec(), v.to_vec())));
    if m.big {
        got.sort();
        let mut want = m.pairs.clone();
        want.sort();
        assert_eq!(got, want);
    } else {
        assert_eq!(got, m.pairs, "the small form keeps insertion order");
    }
    for (k, v) in &m.pairs {
        assert_eq!(h.get(k), Some(&v[..]));
    }
    assert_eq!(h.get(b"absent"), None);
    if !h.is_empty() {
        h.check_invariants();
    }
    assert_eq!(h.clone(), *h);
}

proptest! {
    #[test]
    fn matches_a_plain_model(ops in proptest::collection::vec(op(), 1..120), entries_max in 0usize..12) {
        let lim = HashLimits { entries_max, value_max: 6, seed: 7 };
        let mut h = HashValue::new();
        let mut m = Model { pairs: Vec::new(), big: false };
        for op in ops {
            match op {
                Op::Set(f, l) => {
                    let (f, v) = (field(f), value(l));
                    prop_assert_eq!(h.set(&f, &v, &lim), m.set(&f, &v, &lim));
                }
                Op::SetMany(pairs) => {
                    let pairs: Vec<(Vec<u8>, Vec<u8>)> = pairs.into_iter().map(|(f, l)| (field(f), value(l))).collect();
                    let args = pairs.iter().flat_map(|(f, v)| [&f[..], &v[..]]);
                    h.convert_for_args(args, &lim);
                    m.big |= pairs.iter().any(|(f, v)| f.len() > lim.value_max || v.len() > lim.value_max);
                    for (f, v) in &pairs {
                        prop_assert_eq!(h.set(f, v, &lim), m.set(f, v, &lim));
                    }
                }
                Op::Remove(f) => {
                    let f = field(f);
                    let had = m.pairs.iter().position(|(k, _)| *k == f);
                    if let Some(i) = had {
                        m.pairs.remove(i);
                    }
                    prop_assert_eq!(h.remove(&f), had.is_some());
                }
            }
            check(&h, &m);
        }
    }
}

#[test]
fn scan_returns_every_field_across_resizes() {
    let lim = HashLimits { entries_max: 4, value_max: 64, seed: 3 };
    let mut h = HashValue::new();
    for i in 0..200 {
        h.set(format!("k{i}").as_bytes(), b"v", &lim);
    }
    // Fields 0..100 stay for the whole scan; the others come and go.
    let mut seen = std::collections::BTreeSet::new();
    let mut cursor = 0;
    let mut round = 0;
    loop {
        cursor = h.scan(cursor, 5, |k, _| {
            seen.insert(k.to_vec());
        });
        round += 1;
        for i in 0..40 {
            let n = 100 + (round * 37 + i) % 300;
            if round % 2 == 0 {
                h.set(format!("k{n}").as_bytes(), b"w", &lim);
            } else {
                h.remove(format!("k{n}").as_bytes());
            }
        }
        if cursor == 0 {
            break;
        }
        assert!(round < 10_000);
    }
    for i in 0..100 {
        assert!(seen.contains(format!("k{i}").as_bytes()), "k{i} missed");
    }
}

#[test]
fn random_draws_are_members_and_distinct() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    for (n, entries_max) in [(10usize, 512usize), (300, 16)] {
        let lim = HashLimits { entries_max, value_max: 64, seed: 5 };
        let mut h = HashValue::new();
        for i in 0..n {
            h.set(format!("k{i}").as_bytes(), format!("v{i}").as_bytes(), &lim);
        }
        for count in [1, 2, n / 4, n / 2, n - 1] {
            let mut got = Vec::new();
            h.distinct_pairs(count, &mut rng, |k, v| {
                assert_eq!(format!("v{}", &String::from_utf8_lossy(k)[1..]).as_bytes(), v);
                got.push(k.to_vec());
            });
            assert_eq!(got.len(), count);
            got.sort();
            got.dedup();
            assert_eq!(got.len(), count, "distinct");
        }
        let (k, _) = h.random_pair(&mut rng).expect("non-empty");
        assert!(k.starts_with(b"k"));
    }
}
