//! The set type against a plain `BTreeSet` of byte strings: both encodings,
//! the conversion thresholds, scanning, random draws and cloning.

use std::collections::BTreeSet;

use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::*;

const SEED: u64 = 7;

#[derive(Debug, Clone)]
enum Op {
    Add(Vec<u8>),
    Remove(Vec<u8>),
    Contains(Vec<u8>),
    Random,
}

/// Members that collide often and mix integers (canonical and not) with text.
fn member() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => (-20i64..20).prop_map(|n| n.to_string().into_bytes()),
        1 => Just(b"01".to_vec()),
        1 => Just(b"-0".to_vec()),
        1 => Just(b"+1".to_vec()),
        1 => Just(b"9223372036854775807".to_vec()),
        1 => Just(b"9223372036854775808".to_vec()),
        1 => Just(b"-9223372036854775808".to_vec()),
        1 => "[a-c]{0,2}".prop_map(String::into_bytes),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => member().prop_map(Op::Add),
        3 => member().prop_map(Op::Remove),
        2 => member().prop_map(Op::Contains),
        1 => Just(Op::Random),
    ]
}

/// What Redis 7.0 would report for a set that was built from `history`
/// (whether any non-integer member ever arrived, and the largest size).
fn expected_encoding(ever_text: bool, peak: usize, limit: usize) -> &'static str {
    if ever_text || peak > limit {
        "hashtable"
    } else {
        "intset"
    }
}

fn sorted_members(s: &SetValue) -> Vec<Vec<u8>> {
    let mut v = s.members();
    v.sort();
    v
}

proptest! {
    #[test]
    fn behaves_like_a_btreeset(ops in prop::collection::vec(op(), 1..200), limit in 0usize..12) {
        let mut s = SetValue::new_intset();
        let mut m: BTreeSet<Vec<u8>> = BTreeSet::new();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let (mut ever_text, mut peak) = (false, 0usize);
        for o in ops {
            match o {
                Op::Add(x) => {
                    ever_text |= parse_strict_i64(&x).is_none();
                    prop_assert_eq!(s.add(&x, limit, SEED), m.insert(x));
                    peak = peak.max(m.len());
                }
                Op::Remove(x) => prop_assert_eq!(s.remove(&x), m.remove(&x)),
                Op::Contains(x) => prop_assert_eq!(s.contains(&x), m.contains(&x)),
                Op::Random => {
                    let got = s.random_member(&mut rng);
                    match got {
                        None => prop_assert!(m.is_empty()),
                        Some(g) => prop_assert!(m.contains(&g)),
                    }
                }
            }
            s.check_invariants(limit);
            prop_assert_eq!(s.len(), m.len());
            prop_assert_eq!(s.encoding_name(), expected_encoding(ever_text, peak, limit));
        }
        let want: Vec<Vec<u8>> = m.iter().cloned().collect();
        prop_assert_eq!(sorted_members(&s), want.clone());
        if s.is_intset() {
            // An intset iterates in ascending integer order, as Redis replies.
            let ints: Vec<i64> = s.members().iter().map(|b| parse_strict_i64(b).unwrap()).collect();
            prop_assert!(ints.windows(2).all(|w| w[0] < w[1]));
        }
        let c = s.clone();
        prop_assert_eq!(&c, &s);
        prop_assert_eq!(sorted_members(&c), want.clone());
        // A full SSCAN returns every member.
        let mut seen = BTreeSet::new();
        let mut cursor = 0;
        loop {
            cursor = s.scan_step(cursor, |k| { seen.insert(k.to_vec()); });
            if cursor == 0 { break; }
        }
        prop_assert_eq!(seen, m.clone());
        // A rebuild is an intset exactly when every member is an integer and they fit.
        let r = s.rebuilt(limit, SEED);
        prop_assert_eq!(sorted_members(&r), want);
        let all_int = m.iter().all(|x| parse_strict_i64(x).is_some());
        prop_assert_eq!(r.is_intset(), all_int && m.len() <= limit);
    }
}

#[test]
fn intset_limit_is_inclusive() {
    let mut s = SetValue::new_for(b"1", SEED);
    for n in 1..=512 {
        s.add(n.to_string().as_bytes(), SET_MAX_INTSET_ENTRIES_DEFAULT, SEED);
    }
    assert_eq!(s.encoding_name(), "intset");
    s.add(b"513", SET_MAX_INTSET_ENTRIES_DEFAULT, SEED);
    assert_eq!(s.encoding_name(), "hashtable");
    // One way: shrinking back does not make it an intset again.
    s.remove(b"513");
    s.remove(b"1");
    assert_eq!(s.encoding_name(), "hashtable");
    s.check_invariants(SET_MAX_INTSET_ENTRIES_DEFAULT);
}

#[test]
fn new_for_picks_by_first_member() {
    assert!(SetValue::new_for(b"-9223372036854775808", SEED).is_intset());
    assert!(!SetValue::new_for(b"12345678901234567890", SEED).is_intset());
    assert!(!SetValue::new_for(b"01", SEED).is_intset());
    assert!(!SetValue::new_for(b"x", SEED).is_intset());
}

#[test]
fn big_set_scan_survives_growth() {
    // Members present for the whole scan are returned although the table
    // grows between the steps.
    let mut s = SetValue::new_hashtable(SEED);
    for n in 0..1000 {
        s.add(format!("m{n}").as_bytes(), 0, SEED);
    }
    let mut seen = BTreeSet::new();
    let mut cursor = 0;
    let mut extra = 0;
    loop {
        cursor = s.scan_step(cursor, |k| {
            seen.insert(k.to_vec());
        });
        // Grow through two doublings mid-scan, then let the scan finish.
        if extra < 3000 {
            for _ in 0..50 {
                s.add(format!("x{extra}").as_bytes(), 0, SEED);
                extra += 1;
            }
        }
        if cursor == 0 {
            break;
        }
    }
    for n in 0..1000 {
        assert!(seen.contains(format!("m{n}").as_bytes()), "m{n} missed");
    }
    s.check_invariants(0);
}
