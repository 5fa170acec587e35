//! Unit tests of [`ListValue`](super::ListValue): every operation against a
//! plain `Vec`, with chunks tiny enough (16 bytes under test) that they split
//! and merge all the time.

use super::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Push(bool, Vec<u8>),
    Pop(bool),
    Set(usize, Vec<u8>),
    Insert(usize, Vec<u8>),
    Remove(usize),
    Trim(usize, usize),
    RemoveMatching(Vec<u8>, usize, bool),
}

/// Mostly short elements (many per chunk; chunks are 16 bytes under
/// test), sometimes one longer than a whole chunk.
fn elem() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        8 => prop::collection::vec(prop::sample::select(vec![b'a', b'b', b'c']), 0..3),
        1 => Just(vec![b'z'; CHUNK_BYTES_MAX + 4]),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<bool>(), elem()).prop_map(|(h, e)| Op::Push(h, e)),
        any::<bool>().prop_map(Op::Pop),
        (0..40usize, elem()).prop_map(|(i, e)| Op::Set(i, e)),
        (0..40usize, elem()).prop_map(|(i, e)| Op::Insert(i, e)),
        (0..40usize).prop_map(Op::Remove),
        (0..40usize, 0..40usize).prop_map(|(a, b)| Op::Trim(a, b)),
        (elem(), 0..4usize, any::<bool>()).prop_map(|(e, n, t)| Op::RemoveMatching(e, n, t)),
    ]
}

fn end(head: bool) -> End {
    if head {
        End::Head
    } else {
        End::Tail
    }
}

proptest! {
    /// Every operation agrees with the same operation on a plain Vec.
    #[test]
    fn matches_a_vec(ops in prop::collection::vec(op(), 0..200)) {
        let mut list = ListValue::new();
        let mut model: Vec<Vec<u8>> = Vec::new();
        for op in ops {
            match op {
                Op::Push(h, e) => {
                    list.push(end(h), &e);
                    if h { model.insert(0, e) } else { model.push(e) }
                }
                Op::Pop(h) => {
                    let got = list.pop_shrinking(end(h)).map(|t| t.as_slice().to_vec());
                    let want = if model.is_empty() { None } else if h { Some(model.remove(0)) } else { model.pop() };
                    prop_assert_eq!(got, want);
                }
                Op::Set(i, e) => {
                    let ok = list.set(i, &e);
                    prop_assert_eq!(ok, i < model.len());
                    if ok { model[i] = e; }
                }
                Op::Insert(i, e) => {
                    if i <= model.len() { list.insert(i, &e); model.insert(i, e); }
                }
                Op::Remove(i) => {
                    let got = list.remove(i).map(|t| t.as_slice().to_vec());
                    let want = (i < model.len()).then(|| model.remove(i));
                    prop_assert_eq!(got, want);
                }
                Op::Trim(a, b) => {
                    list.keep_range(a, b);
                    if a > b || a >= model.len() { model.clear() } else {
                        let b = b.min(model.len() - 1);
                        model = model[a..=b].to_vec();
                    }
                }
                Op::RemoveMatching(e, n, t) => {
                    let got = list.remove_matching(&e, n, t);
                    let mut idx: Vec<usize> = (0..model.len()).filter(|&i| model[i] == e).collect();
                    if t { idx.reverse(); }
                    if n > 0 { idx.truncate(n); }
                    idx.sort_unstable();
                    for &i in idx.iter().rev() { model.remove(i); }
                    prop_assert_eq!(got, idx.len());
                }
            }
            list.check_invariants();
            prop_assert_eq!(list.len(), model.len());
            let got: Vec<Vec<u8>> = list.iter().map(<[u8]>::to_vec).collect();
            prop_assert_eq!(&got, &model);
            let back: Vec<Vec<u8>> = list.iter().rev().map(<[u8]>::to_vec).collect();
            prop_assert_eq!(back.into_iter().rev().collect::<Vec<_>>(), model.clone());
            if !model.is_empty() {
                let (a, b) = (model.len() / 3, model.len() - 1 - model.len() / 4);
                let got: Vec<Vec<u8>> = list.range(a, b).map(<[u8]>::to_vec).collect();
                prop_assert_eq!(&got[..], &model[a..=b]);
                let got: Vec<Vec<u8>> = list.range(a, b).rev().map(<[u8]>::to_vec).collect();
                let want: Vec<Vec<u8>> = model[a..=b].iter().rev().cloned().collect();
                prop_assert_eq!(got, want);
            }
            let mut freed = list.clone();
            let mut budget = 3;
            let emptied = freed.free_some(&mut budget);
            prop_assert_eq!(emptied, model.len() <= 3);
            for (i, m) in model.iter().enumerate() {
                prop_assert_eq!(list.get(i), Some(&m[..]));
            }
        }
    }
}

#[test]
fn index_normalization() {
    assert_eq!(normalize_index(0, 3), Some(0));
    assert_eq!(normalize_index(-1, 3), Some(2));
    assert_eq!(normalize_index(-3, 3), Some(0));
    assert_eq!(normalize_index(-4, 3), None);
    assert_eq!(normalize_index(3, 3), None);
    assert_eq!(normalize_index(i64::MIN, 3), None);
    assert_eq!(normalize_index(0, 0), None);
}

#[test]
fn encoding_is_quicklist_at_every_size() {
    let mut l = ListValue::new();
    assert_eq!(l.encoding_name(), "quicklist");
    for i in 0..1000u32 {
        l.push(End::Tail, &i.to_le_bytes());
    }
    assert_eq!(l.encoding_name(), "quicklist");
}
