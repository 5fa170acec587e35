//! What SORT reads: the elements of a sortable value (list, set, sorted
//! set) in the order Redis's `sortCommandGeneric` loads them, and the keys
//! its BY and GET patterns name (Redis `lookupKeyByPattern`).
//!
//! Each collection type plugs in here with a few lines: its length, its
//! elements in Redis's iteration order, and (for the types whose order
//! means something, list and sorted set) a range of that order.

use bytes::Bytes;

use crate::cmd::string::lookup_read;
use crate::ctx::Server;
use crate::db::Value;

/// A value SORT accepts, borrowed from the keyspace.
pub(super) enum Sortable<'a> {
    List(&'a crate::db::value::ListValue),
    Set(&'a crate::db::value::SetValue),
    ZSet(&'a crate::db::value::ZSetValue),
}

impl<'a> Sortable<'a> {
    /// None for a type SORT refuses (WRONGTYPE).
    pub(super) fn of(value: &'a Value) -> Option<Sortable<'a>> {
        match value {
            Value::List(list) => Some(Sortable::List(list)),
            Value::Set(set) => Some(Sortable::Set(set)),
            Value::ZSet(zset) => Some(Sortable::ZSet(zset)),
            _ => None,
        }
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Sortable::List(list) => list.len(),
            Sortable::Set(set) => set.len(),
            Sortable::ZSet(zset) => zset.len(),
        }
    }

    /// Whether BY nosort keeps a meaningful order (list, sorted set) that
    /// DESC reverses and LIMIT cuts directly; a set's is its hash order.
    pub(super) fn is_ordered(&self) -> bool {
        match self {
            Sortable::List(_) | Sortable::ZSet(_) => true,
            Sortable::Set(_) => false,
        }
    }

    /// Every element, in the order Redis iterates the value (a sorted
    /// set: by rank here; Redis walks its member dict, an order that only
    /// shows among ALPHA ties).
    pub(super) fn elements(&self) -> Vec<Bytes> {
        match self {
            Sortable::List(list) => list.iter().map(Bytes::copy_from_slice).collect(),
            // Redis loads a set in its hash order, which shows among ties
            // (ALPHA with BY) and nowhere else; ours is byte order, so a
            // STORE of a sort with ties is the same in every run and the
            // simulator's model can follow it.
            Sortable::Set(set) => {
                let mut members = set.members();
                members.sort_unstable();
                members.into_iter().map(Bytes::from).collect()
            }
            Sortable::ZSet(zset) => zset.iter_from(0, false).map(|n| Bytes::copy_from_slice(&n.member)).collect(),
        }
    }

    /// Elements `start..=end` of the native order, counted from the tail
    /// when `reverse` (an ordered value only; `end < len`).
    pub(super) fn range(&self, start: usize, end: usize, reverse: bool) -> Vec<Bytes> {
        let len = self.len();
        let (first, last) = if reverse { (len - 1 - end, len - 1 - start) } else { (start, end) };
        match self {
            Sortable::List(list) => {
                let mut out: Vec<Bytes> = list.range(first, last).map(Bytes::copy_from_slice).collect();
                if reverse {
                    out.reverse();
                }
                out
            }
            Sortable::Set(_) => unreachable!("range of a set: it has no native order (is_ordered is false)"),
            // Rank `start` counted from the top when reversed.
            Sortable::ZSet(zset) => zset
                .iter_from(start, reverse)
                .take(end - start + 1)
                .map(|n| Bytes::copy_from_slice(&n.member))
                .collect(),
        }
    }
}

/// The part of `bytes` a C string function sees (up to the first NUL):
/// Redis searches its patterns with `strchr`/`strstr`.
pub(super) fn c_str(bytes: &[u8]) -> &[u8] {
    match bytes.iter().position(|&b| b == 0) {
        Some(nul) => &bytes[..nul],
        None => bytes,
    }
}

/// Whether `pattern` has a `*` (before any NUL byte): a BY pattern without
/// one means "don't sort".
pub(super) fn has_star(pattern: &[u8]) -> bool {
    c_str(pattern).contains(&b'*')
}

/// Redis `lookupKeyByPattern`: `#` is the element itself; otherwise the
/// first `*` is replaced by the element and the key read (lookupKeyRead:
/// lazy expiry, hit/miss counted) as a string, or with `->field` as a hash
/// field. None for a pattern without `*`, a missing key or field, or a key
/// of another type.
pub(super) fn lookup_by_pattern(srv: &mut Server, db: usize, pattern: &[u8], element: &Bytes) -> Option<Bytes> {
    let visible = c_str(pattern);
    if visible == b"#" {
        return Some(element.clone());
    }
    let star = visible.iter().position(|&b| b == b'*')?;
    // "->" after the star (strstr, up to the next NUL) with something after
    // it: the field is everything from there to the pattern's real end.
    let after_star = &visible[star + 1..];
    let field_start = after_star
        .windows(2)
        .position(|w| w == b"->")
        .map(|at| star + 1 + at)
        .filter(|&arrow| pattern.get(arrow + 2).is_some_and(|&b| b != 0));
    let key_end = field_start.unwrap_or(pattern.len());
    let mut key = Vec::with_capacity(key_end - 1 + element.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(element);
    key.extend_from_slice(&pattern[star + 1..key_end]);
    let value = lookup_read(srv, db, &key)?;
    match field_start {
        None => value.as_str().map(|s| Bytes::from(s.to_vec())),
        Some(arrow) => hash_field(value, &pattern[arrow + 2..]),
    }
}

/// A hash field's value, None if `value` is not a hash or has no such field.
fn hash_field(value: &Value, field: &[u8]) -> Option<Bytes> {
    value.as_hash()?.get(field).map(Bytes::copy_from_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_is_searched_as_a_c_string() {
        assert!(has_star(b"w_*"));
        assert!(!has_star(b"nosort"));
        assert!(!has_star(b"a\0*"));
    }
}
