//! MEMORY USAGE's estimate: what Redis 7.0's objectComputeSize (with its
//! jemalloc size classes) reports for a key of the same shape. Our values
//! are laid out differently, but their encodings follow Redis's (int,
//! embstr, raw, listpack, quicklist, intset, hashtable, skiplist), so the
//! figure is Redis's for the same data: exact for strings, intsets and
//! single-node listpacks; for hash tables and skiplists it samples the
//! first `samples` elements (0: all) and extrapolates, as Redis does (its
//! sample is in its own hash order, ours in ours). Raw strings grown by
//! APPEND/SETRANGE are counted without Redis's greedy spare room.

use crate::db::value::parse_strict_i64;
use crate::db::Value;

/// jemalloc's size class for a request of `n` bytes.
pub fn jemalloc_size(n: usize) -> usize {
    if n <= 8 {
        return 8;
    }
    if n <= 128 {
        return n.div_ceil(16) * 16;
    }
    // Four classes per doubling above 128.
    let pow = usize::BITS - 1 - (n - 1).leading_zeros(); // 2^pow < n <= 2^(pow+1)
    let spacing = 1usize << (pow - 2);
    n.div_ceil(spacing) * spacing
}

/// sds header bytes for a string of `len` (`type5_ok`: sdsnewlen may pick
/// the 1-byte TYPE_5 header, as for keys).
fn sds_header(len: usize, type5_ok: bool) -> usize {
    match len {
        0..=31 if type5_ok => 1,
        0..=255 => 3,
        256..=65535 => 5,
        _ if len as u64 <= u32::MAX as u64 => 9,
        _ => 17,
    }
}

fn sds_alloc(len: usize, type5_ok: bool) -> usize {
    jemalloc_size(sds_header(len, type5_ok) + len + 1)
}

/// Bytes a listpack entry of `b` takes (encoding + data + backlen).
fn listpack_entry(b: &[u8]) -> usize {
    let enc = match parse_strict_i64(b) {
        Some(n) if (0..=127).contains(&n) => 1,
        Some(n) if (-4096..=4095).contains(&n) => 2,
        Some(n) if i16::try_from(n).is_ok() => 3,
        Some(n) if (-(1 << 23)..(1 << 23)).contains(&n) => 4,
        Some(n) if i32::try_from(n).is_ok() => 5,
        Some(_) => 9,
        None if b.len() <= 63 => 1 + b.len(),
        None if b.len() <= 4095 => 2 + b.len(),
        None => 5 + b.len(),
    };
    let backlen = match enc {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2097150 => 3,
        2097151..=268435454 => 4,
        _ => 5,
    };
    enc + backlen
}

/// A listpack holding `entries` (header 6, terminator 1).
fn listpack_bytes<'a>(entries: impl Iterator<Item = &'a [u8]>) -> usize {
    6 + entries.map(listpack_entry).sum::<usize>() + 1
}

/// Redis's `%.17g` of a score, as a listpack stores it.
fn score_bytes(score: f64) -> Vec<u8> {
    crate::resp::reply::format_double_g17(score).into_bytes()
}

const ROBJ: usize = 16;
const DICT: usize = 56;
const DICT_ENTRY: usize = 24;
const QUICKLIST: usize = 48;
const QUICKLIST_NODE: usize = 32;
/// A listpack node's limit under Redis's default `list-max-listpack-size -2`.
const QUICKLIST_NODE_BYTES: usize = 8192;

fn dict_slots(len: usize) -> usize {
    len.next_power_of_two().max(4)
}

/// `sum` over `sampled` of `n` elements, extrapolated to all `n`.
fn extrapolate(sum: usize, sampled: usize, n: usize) -> usize {
    if sampled == 0 {
        0
    } else {
        (sum as f64 / sampled as f64 * n as f64) as usize
    }
}

/// Bytes of the key `key` holding `value`, as MEMORY USAGE reports them.
pub fn usage(key: &[u8], value: &Value, samples: usize) -> usize {
    let limit = if samples == 0 { usize::MAX } else { samples };
    let key_part = DICT_ENTRY + sds_alloc(key.len(), true);
    let value_part = match value {
        Value::Str(s) => match s.encoding_name() {
            "int" => ROBJ,
            "embstr" => jemalloc_size(ROBJ + 3 + s.len() + 1),
            _ => ROBJ + sds_alloc(s.len(), false),
        },
        Value::List(l) => {
            let lp = listpack_bytes(l.iter());
            let nodes = lp.div_ceil(QUICKLIST_NODE_BYTES).max(1);
            let per_node = QUICKLIST_NODE + jemalloc_size(lp.div_ceil(nodes));
            ROBJ + QUICKLIST + per_node * nodes
        }
        Value::Hash(h) if h.encoding_name() == "listpack" => {
            let mut items: Vec<Vec<u8>> = Vec::new();
            h.for_each(|f, v| {
                items.push(f.to_vec());
                items.push(v.to_vec());
            });
            ROBJ + jemalloc_size(listpack_bytes(items.iter().map(|v| v.as_slice())))
        }
        Value::Hash(h) => {
            let (mut sum, mut seen) = (0, 0);
            h.for_each(|f, v| {
                if seen < limit {
                    sum += sds_alloc(f.len(), false) + sds_alloc(v.len(), false) + DICT_ENTRY;
                    seen += 1;
                }
            });
            ROBJ + DICT + 8 * dict_slots(h.len()) + extrapolate(sum, seen, h.len())
        }
        Value::Set(s) if s.is_intset() => {
            let mut width = 2;
            s.for_each(|m| {
                if let crate::db::value::Member::Int(n) = m {
                    if i16::try_from(n).is_err() {
                        width = width.max(if i32::try_from(n).is_ok() { 4 } else { 8 });
                    }
                }
            });
            ROBJ + jemalloc_size(8 + width * s.len())
        }
        Value::Set(s) => {
            let (mut sum, mut seen) = (0, 0);
            s.for_each(|m| {
                if seen < limit {
                    sum += m.with_bytes(|b| sds_alloc(b.len(), false)) + DICT_ENTRY;
                    seen += 1;
                }
            });
            ROBJ + DICT + 8 * dict_slots(s.len()) + extrapolate(sum, seen, s.len())
        }
        Value::ZSet(z) if z.is_listpack() => {
            let mut items: Vec<Vec<u8>> = Vec::new();
            for n in z.iter_from(0, false) {
                items.push(n.member.to_vec());
                items.push(score_bytes(n.score));
            }
            ROBJ + jemalloc_size(listpack_bytes(items.iter().map(|v| v.as_slice())))
        }
        Value::ZSet(z) => {
            let header = jemalloc_size(32 + 32 * 16);
            let (mut sum, mut seen) = (0, 0);
            for n in z.iter_from(0, false).take(limit) {
                sum += sds_alloc(n.member.len(), false) + jemalloc_size(32 + 16) + DICT_ENTRY;
                seen += 1;
            }
            ROBJ + 16 + 32 + DICT + 8 * dict_slots(z.len()) + header + extrapolate(sum, seen, z.len())
        }
    };
    key_part + value_part
}

/// The value's payload bytes (its elements' bytes), for DEBUG OBJECT.
pub fn payload_bytes(value: &Value) -> usize {
    match value {
        Value::Str(s) => s.len(),
        Value::List(l) => l.iter().map(|e| e.len()).sum(),
        Value::Hash(h) => {
            let mut n = 0;
            h.for_each(|f, v| n += f.len() + v.len());
            n
        }
        Value::Set(s) => {
            let mut n = 0;
            s.for_each(|m| n += m.with_bytes(|b| b.len()));
            n
        }
        Value::ZSet(z) => z.iter_from(0, false).map(|n| n.member.len() + 8).sum(),
    }
}

/// How many elements the value holds (1 for a string).
pub fn element_count(value: &Value) -> usize {
    match value {
        Value::Str(_) => 1,
        Value::List(l) => l.len(),
        Value::Hash(h) => h.len(),
        Value::Set(s) => s.len(),
        Value::ZSet(z) => z.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jemalloc_classes() {
        let classes: Vec<usize> = [1, 9, 21, 49, 104, 129, 161, 257, 544].iter().map(|&n| jemalloc_size(n)).collect();
        assert_eq!(classes, [8, 16, 32, 64, 112, 160, 192, 320, 640]);
    }

    #[test]
    fn listpack_entries() {
        assert_eq!(listpack_entry(b"a"), 3);
        assert_eq!(listpack_entry(b"1"), 2);
        assert_eq!(listpack_entry(b"12345"), 4);
        // "a b c" list: 6 + 3*3 + 1.
        assert_eq!(listpack_bytes([&b"a"[..], b"b", b"c"].into_iter()), 16);
    }
}
