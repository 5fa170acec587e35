//! SetValue: the set type, in Redis 7.0's two encodings.
//!
//! # Design
//!
//! - `intset`: every member is a canonical integer that fits an i64 (Redis
//!   `string2ll`: no leading zeros, no '+', no spaces, "-0" is not one), and
//!   there are at most `set-max-intset-entries` (default 512) of them. Held as
//!   a sorted `Vec<i64>` (8 bytes a member, binary search), which is also
//!   the order Redis replies in (SMEMBERS of an intset is ascending).
//! - `hashtable`: anything else. The keyspace's own [`Dict`] with unit
//!   values, so a big set grows and shrinks by incremental rehash and never
//!   pauses, and SSCAN keeps SCAN's guarantee across resizes
//!   ([`Dict::scan`]). The table owns copies of the member bytes.
//! - Conversion is one way, as in Redis 7.0: an intset becomes a hashtable
//!   when a non-integer member arrives or it grows past the limit; a
//!   hashtable never becomes an intset again (a command that builds a new
//!   set, such as SINTERSTORE or SPOP's rebuild, starts a fresh intset).
//!   There is no listpack set in 7.0.
//!
//! # Invariants (checked by [`SetValue::check_invariants`])
//! An intset is strictly ascending (so sorted and unique); the table's own
//! invariants hold. A stored set is never empty (the commands delete the key
//! with its last member; checked by the database).

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::parse_strict_i64;
use crate::db::Dict;

/// Redis `set-max-intset-entries` default.
pub const SET_MAX_INTSET_ENTRIES_DEFAULT: usize = 512;

/// A set of byte strings.
pub enum SetValue {
    /// Strictly ascending members.
    Intset(Vec<i64>),
    /// Members as table keys; `seed` is the table's hash seed, kept so a
    /// clone builds an equal table.
    Hashtable { dict: Dict<()>, seed: u64 },
}

/// A member as the set sees it: an integer an intset can hold, or bytes.
#[derive(Clone, Copy, Debug)]
pub enum Member<'a> {
    Int(i64),
    Bytes(&'a [u8]),
}

impl Member<'_> {
    /// Calls `f` with the member's bytes (an integer rendered on the stack).
    pub fn with_bytes<R>(self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            Member::Int(n) => f(crate::resp::reply::itoa_buf(n).as_str().as_bytes()),
            Member::Bytes(b) => f(b),
        }
    }
}

impl SetValue {
    /// Lazy free: removes up to `*budget` members of a hashtable (an
    /// intset is one buffer, freed at once). See `db::lazyfree`.
    pub(crate) fn free_some(&mut self, cursor: &mut u64, budget: &mut usize) -> bool {
        match self {
            SetValue::Intset(_) => true,
            SetValue::Hashtable { dict, .. } => crate::db::lazyfree::free_dict_some(dict, cursor, budget),
        }
    }

    /// An empty set that suits `first` (Redis `setTypeCreate`): an intset
    /// if it is an integer, else a hashtable seeded with `seed`.
    pub fn new_for(first: &[u8], seed: u64) -> SetValue {
        if parse_strict_i64(first).is_some() {
            SetValue::Intset(Vec::new())
        } else {
            SetValue::new_hashtable(seed)
        }
    }

    /// An empty intset (Redis `createIntsetObject`: where SINTERSTORE,
    /// SUNIONSTORE and SDIFFSTORE build their result).
    pub fn new_intset() -> SetValue {
        SetValue::Intset(Vec::new())
    }

    pub fn new_hashtable(seed: u64) -> SetValue {
        SetValue::Hashtable { dict: Dict::new(seed), seed }
    }

    /// The name OBJECT ENCODING replies with.
    pub fn encoding_name(&self) -> &'static str {
        match self {
            SetValue::Intset(_) => "intset",
            SetValue::Hashtable { .. } => "hashtable",
        }
    }

    pub fn is_intset(&self) -> bool {
        matches!(self, SetValue::Intset(_))
    }

    pub fn len(&self) -> usize {
        match self {
            SetValue::Intset(v) => v.len(),
            SetValue::Hashtable { dict, .. } => dict.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds `member`; true if it was not there (Redis `setTypeAdd`). An
    /// intset converts to a hashtable (seeded with `seed`) for a
    /// non-integer member or once it holds more than `max_intset_entries`.
    pub fn add(&mut self, member: &[u8], max_intset_entries: usize, seed: u64) -> bool {
        match self {
            SetValue::Hashtable { dict, .. } => insert_absent(dict, member),
            SetValue::Intset(v) => match parse_strict_i64(member) {
                Some(n) => {
                    let Err(at) = v.binary_search(&n) else { return false };
                    v.insert(at, n);
                    if v.len() > max_intset_entries {
                        self.convert(seed);
                    }
                    true
                }
                None => {
                    self.convert(seed);
                    self.add(member, max_intset_entries, seed)
                }
            },
        }
    }

    /// Turns an intset into a hashtable holding the same members.
    fn convert(&mut self, seed: u64) {
        if let SetValue::Intset(v) = self {
            let mut dict = Dict::new(seed);
            for &n in v.iter() {
                dict.insert_new(crate::resp::reply::itoa_buf(n).as_str().as_bytes(), (), false);
            }
            *self = SetValue::Hashtable { dict, seed };
        }
    }

    /// Removes `member`; true if it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match self {
            SetValue::Hashtable { dict, .. } => dict.remove(member).is_some(),
            SetValue::Intset(v) => match parse_strict_i64(member).map(|n| v.binary_search(&n)) {
                Some(Ok(at)) => {
                    v.remove(at);
                    true
                }
                _ => false,
            },
        }
    }

    pub fn contains(&self, member: &[u8]) -> bool {
        match self {
            SetValue::Hashtable { dict, .. } => dict.get(member).is_some(),
            SetValue::Intset(v) => parse_strict_i64(member).is_some_and(|n| v.binary_search(&n).is_ok()),
        }
    }

    /// [`SetValue::contains`] for a member given as a [`Member`] (an intset
    /// member tested against another set needs no rendering there).
    pub fn contains_member(&self, m: Member<'_>) -> bool {
        match (self, m) {
            (SetValue::Intset(v), Member::Int(n)) => v.binary_search(&n).is_ok(),
            (_, m) => m.with_bytes(|b| self.contains(b)),
        }
    }

    /// Calls `f` for every member: an intset in ascending order, a
    /// hashtable in table order.
    pub fn for_each(&self, mut f: impl FnMut(Member<'_>)) {
        match self {
            SetValue::Intset(v) => v.iter().for_each(|&n| f(Member::Int(n))),
            SetValue::Hashtable { dict, .. } => dict.for_each(|k, _, _| f(Member::Bytes(k))),
        }
    }

    /// Every member's bytes, in [`SetValue::for_each`] order.
    pub fn members(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::with_capacity(self.len());
        self.for_each(|m| out.push(m.with_bytes(<[u8]>::to_vec)));
        out
    }

    /// A random member's bytes, None if empty. Draws from `rng` only (the
    /// server's seeded generator), so runs replay.
    pub fn random_member(&mut self, rng: &mut ChaCha8Rng) -> Option<Vec<u8>> {
        match self {
            SetValue::Intset(v) if v.is_empty() => None,
            SetValue::Intset(v) => {
                let n = v[rng.gen_range(0..v.len())];
                Some(crate::resp::reply::itoa_buf(n).as_str().as_bytes().to_vec())
            }
            SetValue::Hashtable { dict, .. } => dict.random_entry(rng).map(|(k, _, _)| k.to_vec()),
        }
    }

    /// One SSCAN step over a hashtable (Redis `dictScan`): calls `f` for the
    /// members of the buckets the cursor names, returns the next cursor (0
    /// when done). An intset has no cursor: the caller returns it whole.
    pub fn scan_step(&self, cursor: u64, mut f: impl FnMut(&[u8])) -> u64 {
        match self {
            SetValue::Intset(v) => {
                for &n in v {
                    f(crate::resp::reply::itoa_buf(n).as_str().as_bytes());
                }
                0
            }
            SetValue::Hashtable { dict, .. } => dict.scan(cursor, |k, _, _| f(k)),
        }
    }

    /// The set rebuilt from scratch as Redis builds a fresh one (SPOP's
    /// rebuild): an intset if every member is an integer and they fit,
    /// else a hashtable.
    pub fn rebuilt(&self, max_intset_entries: usize, seed: u64) -> SetValue {
        let mut out: Option<SetValue> = None;
        self.for_each(|m| {
            m.with_bytes(|b| {
                out.get_or_insert_with(|| SetValue::new_for(b, seed)).add(b, max_intset_entries, seed);
            })
        });
        out.unwrap_or_else(SetValue::new_intset)
    }

    /// Checks the invariants in the module doc; an intset must also hold at
    /// most `intset_max` members (the largest `set-max-intset-entries` ever
    /// in effect: lowering the limit does not convert existing intsets).
    pub fn check_invariants(&self, intset_max: usize) {
        match self {
            SetValue::Intset(v) => {
                assert!(v.windows(2).all(|w| w[0] < w[1]), "intset not strictly ascending");
                assert!(v.len() <= intset_max, "intset of {} members past its limit {intset_max}", v.len());
            }
            SetValue::Hashtable { dict, .. } => {
                assert_eq!(dict.check_invariants(), 0, "flag set on a set member");
            }
        }
    }
}

/// Inserts `member` into `dict` unless present; true if inserted.
fn insert_absent(dict: &mut Dict<()>, member: &[u8]) -> bool {
    if dict.get_mut(member).is_some() {
        return false;
    }
    dict.insert_new(member, (), false);
    true
}

impl Clone for SetValue {
    /// A hashtable is copied member by member into a fresh table with the
    /// same seed (the table has no Clone of its own).
    fn clone(&self) -> SetValue {
        match self {
            SetValue::Intset(v) => SetValue::Intset(v.clone()),
            SetValue::Hashtable { dict, seed } => {
                let mut copy = Dict::new(*seed);
                dict.for_each(|k, _, _| {
                    copy.insert_new(k, (), false);
                });
                SetValue::Hashtable { dict: copy, seed: *seed }
            }
        }
    }
}

impl PartialEq for SetValue {
    /// Same encoding and same members.
    fn eq(&self, other: &SetValue) -> bool {
        match (self, other) {
            (SetValue::Intset(a), SetValue::Intset(b)) => a == b,
            (SetValue::Hashtable { dict: a, .. }, SetValue::Hashtable { dict: b, .. }) => {
                let mut same = a.len() == b.len();
                a.for_each(|k, _, _| same &= b.get(k).is_some());
                same
            }
            _ => false,
        }
    }
}

impl std::fmt::Debug for SetValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetValue::Intset(v) => write!(f, "intset{v:?}"),
            SetValue::Hashtable { dict, .. } => write!(f, "hashtable({} members)", dict.len()),
        }
    }
}

#[cfg(test)]
#[path = "set_tests.rs"]
mod tests;
