//! [`HashValue`]: the hash type, in Redis 7.0's two encodings.
//!
//! # Design
//! - Small form ([`Packed`], OBJECT ENCODING `listpack`): all pairs in one
//!   byte buffer in insertion order, the order Redis's listpack replies in
//!   (HGETALL, HKEYS, HSCAN). One allocation per hash: 100k hashes of ten
//!   short fields cost about what Redis's listpacks cost.
//! - Big form (`hashtable`): the keyspace's own [`Dict`], so a growing hash
//!   resizes incrementally (never an O(n) pause) and HSCAN keeps SCAN's
//!   guarantee across resizes through [`Dict::scan`]. The field bytes live in
//!   the dict entry; the value is a [`ThinBytes`] (one 8-byte pointer).
//!
//! # Conversion (Redis 7.0 `t_hash.c`, checked against redis-server 7.0.15)
//! One-way, small to big, never back (HDEL leaves a big hash big):
//! - before a write, a command that carries fields and values (HSET, HMSET,
//!   HSETNX when the field is new) converts if any of them is longer than
//!   `hash-max-listpack-value` ([`HashValue::convert_for_args`], Redis
//!   `hashTypeTryConversion`), even when the field already exists;
//! - every store ([`HashValue::set`], Redis `hashTypeSet`) converts first
//!   if its field or value is longer than that (HINCRBY's field,
//!   HINCRBYFLOAT's field or a long result), and afterwards if the hash has
//!   more than `hash-max-listpack-entries` pairs, even when it only updated
//!   one (a lowered limit takes effect at the next write).
//!
//! # Invariants
//! A stored hash is never empty (commands delete the key with its last
//! field); the small form's buffer is well formed without repeated fields;
//! the big form's dict keeps its own invariants. [`HashValue::check_invariants`]
//! asserts them.

mod packed;
#[cfg(test)]
mod tests;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub use packed::Packed;

use super::ThinBytes;
use crate::db::Dict;

/// The thresholds a write needs (from the config) and the seed a new table gets.
#[derive(Clone, Copy, Debug)]
pub struct HashLimits {
    /// `hash-max-listpack-entries`.
    pub entries_max: usize,
    /// `hash-max-listpack-value`, bytes.
    pub value_max: usize,
    pub seed: u64,
}

#[derive(Clone)]
pub enum HashValue {
    Packed(Packed),
    /// Boxed: a [`Dict`] is over a hundred bytes, which every small hash
    /// would pay for if the enum held it inline.
    Table(Box<Table>),
}

/// The big form: a [`Dict`] (which has no `Clone`; cloned by iterating).
pub struct Table {
    dict: Dict<ThinBytes>,
    seed: u64,
}

impl Clone for Table {
    fn clone(&self) -> Table {
        let mut dict = Dict::new(self.seed);
        self.dict.for_each(|f, v, _| {
            dict.insert_new(f, v.clone(), false);
        });
        Table { dict, seed: self.seed }
    }
}

impl Default for HashValue {
    fn default() -> HashValue {
        HashValue::Packed(Packed::default())
    }
}

impl HashValue {
    /// Lazy free: removes up to `*budget` fields of a hashtable (a packed
    /// hash is one buffer, freed at once). See `db::lazyfree`.
    pub(crate) fn free_some(&mut self, cursor: &mut u64, budget: &mut usize) -> bool {
        match self {
            HashValue::Packed(_) => true,
            HashValue::Table(t) => crate::db::lazyfree::free_dict_some(&mut t.dict, cursor, budget),
        }
    }

    /// An empty small hash (a command adds its first field right away).
    pub fn new() -> HashValue {
        HashValue::default()
    }

    /// The name OBJECT ENCODING replies with.
    pub fn encoding_name(&self) -> &'static str {
        match self {
            HashValue::Packed(_) => "listpack",
            HashValue::Table(_) => "hashtable",
        }
    }

    pub fn len(&self) -> usize {
        match self {
            HashValue::Packed(p) => p.len(),
            HashValue::Table(t) => t.dict.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match self {
            HashValue::Packed(p) => p.get(field),
            HashValue::Table(t) => t.dict.get(field).map(ThinBytes::as_slice),
        }
    }

    pub fn contains(&self, field: &[u8]) -> bool {
        self.get(field).is_some()
    }

    /// Redis `hashTypeConvert(o, OBJ_ENCODING_HT)`: O(n) in the small form's
    /// size, which the thresholds bound.
    fn convert(&mut self, seed: u64) {
        let HashValue::Packed(p) = self else { return };
        let mut dict = Dict::new(seed);
        for (f, v) in p.iter() {
            dict.insert_new(f, ThinBytes::from_slice(v), false);
        }
        *self = HashValue::Table(Box::new(Table { dict, seed }));
    }

    /// Redis `hashTypeTryConversion`: converts a small hash if any argument
    /// a command is about to store is longer than `hash-max-listpack-value`.
    pub fn convert_for_args<'a>(&mut self, args: impl IntoIterator<Item = &'a [u8]>, lim: &HashLimits) {
        if matches!(self, HashValue::Packed(_)) && args.into_iter().any(|a| a.len() > lim.value_max) {
            self.convert(lim.seed);
        }
    }

    /// Redis `hashTypeSet`: stores `value` under `field`, converting as the
    /// module doc says. Returns true if the field is new.
    pub fn set(&mut self, field: &[u8], value: &[u8], lim: &HashLimits) -> bool {
        if field.len() > lim.value_max || value.len() > lim.value_max {
            self.convert(lim.seed);
        }
        match self {
            HashValue::Packed(p) => {
                let added = p.set(field, value);
                if p.len() > lim.entries_max {
                    self.convert(lim.seed);
                }
                added
            }
            HashValue::Table(t) => match t.dict.get_mut(field) {
                Some(mut e) => {
                    *e.value_mut() = ThinBytes::from_slice(value);
                    false
                }
                None => {
                    t.dict.insert_new(field, ThinBytes::from_slice(value), false);
                    true
                }
            },
        }
    }

    /// Removes `field`; true if it was there. Never converts.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self {
            HashValue::Packed(p) => p.remove(field),
            HashValue::Table(t) => t.dict.remove(field).is_some(),
        }
    }

    /// Calls `f` for every pair: insertion order in the small form, table
    /// order in the big one.
    pub fn for_each(&self, mut f: impl FnMut(&[u8], &[u8])) {
        match self {
            HashValue::Packed(p) => p.iter().for_each(|(k, v)| f(k, v)),
            HashValue::Table(t) => t.dict.for_each(|k, v, _| f(k, v.as_slice())),
        }
    }

    /// One HSCAN call (Redis `scanGenericCommand`): the small form emits
    /// everything and answers cursor 0; the big form runs [`Dict::scan`]
    /// steps until `count` items (a field and its value count two, as in
    /// Redis) were emitted, the cursor is back to 0, or `count * 10` steps
    /// were taken. Returns the next cursor.
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8], &[u8])) -> u64 {
        match self {
            HashValue::Packed(p) => {
                p.iter().for_each(|(k, v)| f(k, v));
                0
            }
            HashValue::Table(t) => {
                let mut max_steps = count.saturating_mul(10);
                let mut items = 0usize;
                let mut cursor = cursor;
                loop {
                    cursor = t.dict.scan(cursor, |k, v, _| {
                        items += 2;
                        f(k, v.as_slice())
                    });
                    if cursor == 0 || max_steps == 0 || items >= count {
                        return cursor;
                    }
                    max_steps -= 1;
                }
            }
        }
    }

    /// A uniformly drawn pair of the small form, or a [`Dict::random_entry`]
    /// of the big one; None if empty.
    pub fn random_pair(&mut self, rng: &mut ChaCha8Rng) -> Option<(&[u8], &[u8])> {
        match self {
            HashValue::Packed(p) => {
                if p.is_empty() {
                    return None;
                }
                let i = rng.gen_range(0..p.len());
                p.nth(i)
            }
            HashValue::Table(t) => t.dict.random_entry(rng).map(|(k, v, _)| (k, v.as_slice())),
        }
    }

    /// `count` distinct pairs drawn at random (`count < len`), in no
    /// particular order (HRANDFIELD with a positive count). O(len) in the
    /// small form and when `count` is more than a third of the hash (a
    /// partial shuffle of all pairs, as Redis's CASE 3 copies the whole
    /// hash); otherwise O(count) draws, deduplicated in a scratch [`Dict`].
    pub fn distinct_pairs(&mut self, count: usize, rng: &mut ChaCha8Rng, mut f: impl FnMut(&[u8], &[u8])) {
        debug_assert!(count < self.len());
        /// Emits the first `count` of `all` after a partial Fisher-Yates shuffle.
        fn shuffled<K: AsRef<[u8]>>(
            all: &mut [(K, K)],
            count: usize,
            rng: &mut ChaCha8Rng,
            f: &mut impl FnMut(&[u8], &[u8]),
        ) {
            for i in 0..count.min(all.len()) {
                let j = rng.gen_range(i..all.len());
                all.swap(i, j);
                f(all[i].0.as_ref(), all[i].1.as_ref());
            }
        }
        let len = self.len();
        match self {
            HashValue::Packed(p) => {
                let mut all: Vec<(&[u8], &[u8])> = p.iter().collect();
                shuffled(&mut all, count, rng, &mut f);
            }
            HashValue::Table(t) if count.saturating_mul(3) > len => {
                let mut all: Vec<(Vec<u8>, Vec<u8>)> = Vec::with_capacity(len);
                t.dict.for_each(|k, v, _| all.push((k.to_vec(), v.as_slice().to_vec())));
                shuffled(&mut all, count, rng, &mut f);
            }
            HashValue::Table(t) => {
                let mut picked: Dict<()> = Dict::new(t.seed);
                while picked.len() < count {
                    let Some((k, v, _)) = t.dict.random_entry(rng) else { return };
                    if picked.get(k).is_none() {
                        picked.insert_new(k, (), false);
                        f(k, v.as_slice());
                    }
                }
            }
        }
    }

    /// Panics on a broken invariant (see the module doc). O(n log n).
    pub fn check_invariants(&self) {
        assert!(!self.is_empty(), "an empty hash is stored");
        match self {
            HashValue::Packed(p) => p.check_invariants(),
            HashValue::Table(t) => {
                t.dict.check_invariants();
            }
        }
    }
}

impl PartialEq for HashValue {
    /// Same encoding and the same pairs (in the same order for the small
    /// form, where the order is observable).
    fn eq(&self, other: &HashValue) -> bool {
        match (self, other) {
            (HashValue::Packed(a), HashValue::Packed(b)) => a == b,
            (HashValue::Table(a), HashValue::Table(b)) => {
                let mut same = a.dict.len() == b.dict.len();
                a.dict.for_each(|k, v, _| same &= b.dict.get(k).is_some_and(|w| w.as_slice() == v.as_slice()));
                same
            }
            _ => false,
        }
    }
}

impl std::fmt::Debug for HashValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.encoding_name())?;
        let mut m = f.debug_map();
        self.for_each(|k, v| {
            m.entry(&String::from_utf8_lossy(k), &String::from_utf8_lossy(v));
        });
        m.finish()
    }
}
