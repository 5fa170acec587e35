//! The sorted set against a sorted `Vec` of (score, member), under random
//! inserts, score updates, removals and rank queries, with the invariants
//! checked after every step.

use proptest::prelude::*;

use super::*;

const WIDE: ListpackLimits = ListpackLimits { entries: u64::MAX, value_bytes: u64::MAX };

#[derive(Debug, Clone)]
enum Op {
    Insert(u8, i8),
    Remove(u8),
    Rank(u8),
    At(u16),
    Iter(u16, bool),
    CountBelow(i8),
    RemoveAt(u16),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<u8>(), any::<i8>()).prop_map(|(m, s)| Op::Insert(m, s)),
        2 => any::<u8>().prop_map(Op::Remove),
        1 => any::<u8>().prop_map(Op::Rank),
        1 => any::<u16>().prop_map(Op::At),
        1 => (any::<u16>(), any::<bool>()).prop_map(|(r, rev)| Op::Iter(r, rev)),
        1 => any::<i8>().prop_map(Op::CountBelow),
        1 => any::<u16>().prop_map(Op::RemoveAt),
    ]
}

fn member(m: u8) -> Vec<u8> {
    // Varying lengths so byte order and length order differ.
    format!("m{}", m % 64).into_bytes().repeat(1 + (m as usize % 3))
}

/// The reference: sorted by (score, member).
fn sort(v: &mut [(f64, Vec<u8>)]) {
    v.sort_by(|a, b| cmp_key(a.0, &a.1, b.0, &b.1));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn matches_a_sorted_vec(ops in proptest::collection::vec(op(), 1..600)) {
        let mut z = ZSetValue::new(7, false);
        let mut model: Vec<(f64, Vec<u8>)> = Vec::new();
        for op in ops {
            match op {
                Op::Insert(m, s) => {
                    let (mem, score) = (member(m), s as f64 / 4.0);
                    let pos = model.iter().position(|e| e.1 == mem);
                    let was_new = z.insert(&mem, score, WIDE);
                    prop_assert_eq!(was_new, pos.is_none());
                    match pos {
                        Some(p) => model[p].0 = score,
                        None => model.push((score, mem)),
                    }
                    sort(&mut model);
                }
                Op::Remove(m) => {
                    let mem = member(m);
                    let pos = model.iter().position(|e| e.1 == mem);
                    prop_assert_eq!(z.remove(&mem), pos.map(|p| model[p].0));
                    if let Some(p) = pos {
                        model.remove(p);
                    }
                }
                Op::Rank(m) => {
                    let mem = member(m);
                    prop_assert_eq!(z.rank(&mem), model.iter().position(|e| e.1 == mem));
                    prop_assert_eq!(z.score(&mem), model.iter().find(|e| e.1 == mem).map(|e| e.0));
                }
                Op::At(r) if !model.is_empty() => {
                    let r = r as usize % model.len();
                    let (mem, score) = z.at(r);
                    prop_assert_eq!((score, mem), (model[r].0, &model[r].1[..]));
                }
                Op::Iter(r, rev) => {
                    let r = r as usize % (model.len() + 2);
                    let got: Vec<(f64, Vec<u8>)> = z.iter_from(r, rev).map(|n| (n.score, n.member.to_vec())).collect();
                    let want: Vec<(f64, Vec<u8>)> = if rev {
                        model.iter().rev().skip(r).cloned().collect()
                    } else {
                        model.iter().skip(r).cloned().collect()
                    };
                    prop_assert_eq!(got, want);
                }
                Op::CountBelow(s) => {
                    let bound = s as f64 / 4.0;
                    prop_assert_eq!(z.count_before(|sc, _| sc >= bound), model.iter().filter(|e| e.0 < bound).count());
                }
                Op::RemoveAt(r) if !model.is_empty() => {
                    let r = r as usize % model.len();
                    let (mem, score) = z.remove_at(r);
                    let (ms, mm) = model.remove(r);
                    prop_assert_eq!((score, mem), (ms, mm));
                }
                _ => {}
            }
            prop_assert_eq!(z.len(), model.len());
            z.check_invariants();
        }
        // A full scan sees every member exactly once when nothing changes.
        let mut seen = Vec::new();
        let mut cursor = 0;
        loop {
            cursor = z.scan_step(cursor, |m, s| seen.push((s, m.to_vec())));
            if cursor == 0 {
                break;
            }
        }
        sort(&mut seen);
        prop_assert_eq!(seen, model);
    }
}

#[test]
fn grows_and_shrinks_through_rehashes() {
    let mut z = ZSetValue::new(1, false);
    for i in 0..5000u32 {
        assert!(z.insert(&i.to_be_bytes(), (i % 97) as f64, WIDE));
        if i % 257 == 0 {
            z.check_invariants();
        }
    }
    assert_eq!(z.len(), 5000);
    for i in 0..5000u32 {
        assert_eq!(z.remove(&i.to_be_bytes()), Some((i % 97) as f64));
        if i % 257 == 0 {
            z.check_invariants();
        }
    }
    assert!(z.is_empty());
    z.check_invariants();
}

#[test]
fn listpack_name_flips_once() {
    let limits = ListpackLimits { entries: 2, value_bytes: 3 };
    let mut z = ZSetValue::new(1, true);
    z.insert(b"a", 1.0, limits);
    z.insert(b"b", 1.0, limits);
    assert_eq!(z.encoding_name(), "listpack");
    z.insert(b"c", 1.0, limits);
    assert_eq!(z.encoding_name(), "skiplist");
    z.remove(b"c");
    assert_eq!(z.encoding_name(), "skiplist", "conversion is one-way");
    let mut z = ZSetValue::new(1, true);
    z.insert(b"abcd", 1.0, limits);
    assert_eq!(z.encoding_name(), "skiplist");
}

#[test]
fn scan_returns_every_member_present_throughout_while_the_index_grows_and_shrinks() {
    let mut z = ZSetValue::new(3, false);
    for i in 0..200u32 {
        z.insert(format!("keep{i}").as_bytes(), i as f64, WIDE);
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut cursor = 0;
    let mut step = 0u32;
    loop {
        cursor = z.scan_step(cursor, |m, _| {
            seen.insert(m.to_vec());
        });
        // Churn between steps: grow far past the table, then shrink back,
        // so the scan crosses rehashes in both directions.
        if step < 40 {
            for j in 0..50u32 {
                z.insert(format!("tmp{step}-{j}").as_bytes(), 0.5, WIDE);
            }
        } else if step < 80 {
            for j in 0..50u32 {
                z.remove(format!("tmp{}-{j}", step - 40).as_bytes());
            }
        }
        z.check_invariants();
        step += 1;
        if cursor == 0 {
            break;
        }
        assert!(step < 100_000, "scan does not finish");
    }
    for i in 0..200u32 {
        assert!(seen.contains(format!("keep{i}").as_bytes()), "keep{i} missed");
    }
}
