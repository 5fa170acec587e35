//! One logical database: keys to values, plus expiry.
//!
//! # Design
//!
//! - `keys`: a [`Dict<Value>`]: our own table with incremental rehash (see
//!   [`dict`]), one allocation per key holding the key bytes, the value and
//!   the chain link (see [`entry`]). The entry's flag bit means "this key has
//!   a TTL", so a key without one costs nothing more and a lookup of it never
//!   touches `expires`.
//! - `expires`: a second [`Dict<u64>`] holding only the volatile keys (key ->
//!   absolute expire time in Unix ms), as Redis's `db->expires`. It has its
//!   own copy of the key bytes (one allocation per volatile key), which keeps
//!   the two tables free of pointers into each other. Both dicts use the same
//!   seed, so the layout is a function of the seed and the operations.
//! - Invariant: a key is in `expires` iff it is in `keys` with the flag set.
//! - Each `keys` entry's aux word holds what Redis keeps in the robj header
//!   besides the value: the LRU clock (last access, Unix seconds modulo
//!   2^31, for OBJECT IDLETIME) and the "unshared integer" bit (see
//!   [`KeyMeta`]). It costs no memory: it fills the header's padding.
//!
//! Expiry is lazy on every access that goes through [`Db::lookup`] /
//! [`Db::lookup_mut`] / [`Db::contains`], plus the active cycle in
//! [`Db::active_expire_cycle`]. A key whose expire time is `< now_ms` is
//! logically gone (Redis `keyIsExpired`: `now > when`; at `now == when` the
//! key still lives and PTTL says 0).

pub mod dict;
pub mod entry;
pub mod lazyfree;
pub mod value;
pub mod watch;

#[cfg(test)]
mod tests;

use rand_chacha::ChaCha8Rng;

pub use dict::Dict;
pub use value::{StrValue, Value};

use crate::limits;
use crate::planted::{Plant, PlantedBug};

/// Expired keys [`Db::random_key`] may delete while looking for a live one
/// before it gives up (Redis loops until it finds one; we bound the pause).
pub const RANDOM_KEY_MAX_EXPIRED: usize = 1000;
/// Scan steps over `expires` per active-expire loop, as a multiple of the
/// keys it samples (Redis: `num*20` buckets).
pub const ACTIVE_EXPIRE_STEPS_PER_KEY: usize = 20;

#[derive(Debug)]
pub struct Db {
    keys: Dict<Value>,
    expires: Dict<u64>,
    /// Where the active expire cycle resumes its walk over `expires`.
    expires_cursor: u64,
    /// Keys removed by expiry (lazy or active) since start: INFO's expired_keys.
    pub expired_keys: u64,
    /// The latest `now_ms` this database was told about; new keys take it as
    /// their access time (`set` has no clock argument).
    clock_ms: u64,
    /// The seed of this database's tables, for the collections that keep
    /// their own [`Dict`] (hashes, sets).
    hash_seed: u64,
    /// Big values that left the keyspace, freed in steps from `tick`.
    lazy: lazyfree::LazyFree,
    /// Keys removed by expiry, kept while the AOF is on so the executor
    /// can propagate them as DEL (Redis `propagateDeletion`).
    pub expired_log: Option<Vec<Vec<u8>>>,
    /// While an AOF loads, nothing expires (Redis `keyIsExpired` answers
    /// no while `server.loading`): the file replays a history whose
    /// deadlines may have passed since, and a key it later renames,
    /// persists or pops from must still be there.
    expiry_paused: bool,
    plant: Plant,
    /// WATCH: the watched keys of this database and the changes to them
    /// (see [`watch`]); every primitive that changes a key notes it.
    pub watch: watch::WatchedKeys,
}

impl Default for Db {
    fn default() -> Db {
        Db::new(0)
    }
}

impl Db {
    pub fn new(hash_seed: u64) -> Db {
        Db {
            keys: Dict::new(hash_seed),
            expires: Dict::new(hash_seed),
            expires_cursor: 0,
            expired_keys: 0,
            clock_ms: 0,
            hash_seed,
            lazy: lazyfree::LazyFree::default(),
            expired_log: None,
            expiry_paused: false,
            plant: Plant::default(),
            watch: Default::default(),
        }
    }

    /// Selects a planted bug for this database and its tables (see [`crate::planted`]).
    /// The seed collections stored in this database give their own tables.
    pub fn hash_seed(&self) -> u64 {
        self.hash_seed
    }

    pub fn set_plant(&mut self, plant: Plant) {
        self.plant = plant;
        self.keys.set_plant(plant);
        self.expires.set_plant(plant);
    }

    /// Keys stored, including expired ones not yet removed (as Redis's DBSIZE).
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Keys with a time to live.
    pub fn expires_len(&self) -> usize {
        self.expires.len()
    }

    /// Removes `key` if it has expired at `now_ms`. Returns true if it did.
    pub fn expire_if_needed(&mut self, key: &[u8], now_ms: u64) -> bool {
        if self.is_expired(key, now_ms) {
            self.remove(key);
            self.expired_keys += 1;
            if let Some(log) = &mut self.expired_log {
                log.push(key.to_vec());
            }
            true
        } else {
            false
        }
    }

    /// Lazy expiry for a key the caller is about to access: only a key whose
    /// entry carries the TTL flag costs a probe of `expires`. Returns whether
    /// the key is present (and live) afterwards. Pays one rehash step.
    fn live(&mut self, key: &[u8], now_ms: u64) -> bool {
        match self.keys.get_mut(key).map(|e| e.flag()) {
            None => false,
            Some(false) => true,
            Some(true) => !self.expire_if_needed(key, now_ms),
        }
    }

    /// Looks `key` up and, like Redis's lookupKey without LOOKUP_NOTOUCH,
    /// updates its access time (OBJECT IDLETIME).
    pub fn lookup(&mut self, key: &[u8], now_ms: u64) -> Option<&Value> {
        // With no volatile key at all, one probe of `keys` is the whole lookup.
        if !self.expires.is_empty() && !self.live(key, now_ms) {
            return None;
        }
        self.keys.get_mut(key).map(|mut e| {
            e.set_aux(lru_touch(e.aux(), now_ms));
            &*e.into_value_mut()
        })
    }

    /// As [`Db::lookup`], for a value the caller may change in place (a
    /// list, hash, set or sorted set command: a string found there is
    /// WRONGTYPE and keeps its metadata).
    pub fn lookup_mut(&mut self, key: &[u8], now_ms: u64) -> Option<&mut Value> {
        self.lookup_mut_inner(key, now_ms, false)
    }

    /// [`Db::lookup_mut`] for a string command: a string found (which the
    /// caller may change) stops counting as a COPY-made unshared integer
    /// (see [`KeyMeta`]).
    pub fn lookup_mut_string(&mut self, key: &[u8], now_ms: u64) -> Option<&mut Value> {
        self.lookup_mut_inner(key, now_ms, true)
    }

    fn lookup_mut_inner(&mut self, key: &[u8], now_ms: u64, string_write: bool) -> Option<&mut Value> {
        if !self.expires.is_empty() && !self.live(key, now_ms) {
            return None;
        }
        let watch = &mut self.watch;
        self.keys.get_mut(key).map(|mut e| {
            watch.note_candidate(key);
            let shares = string_write && matches!(e.value_mut(), Value::Str(_));
            let aux = lru_touch(e.aux(), now_ms);
            e.set_aux(if shares { aux & !UNSHARED_INT_BIT } else { aux });
            e.into_value_mut()
        })
    }

    pub fn contains(&mut self, key: &[u8], now_ms: u64) -> bool {
        self.live(key, now_ms)
    }

    /// Stores `value` under `key`, replacing any value. The key's TTL is
    /// cleared unless `keep_ttl` (SET's KEEPTTL). Returns the old value.
    pub fn set(&mut self, key: &[u8], value: Value, keep_ttl: bool) -> bool {
        self.watch.note(key);
        if let Some(mut e) = self.keys.get_mut(key) {
            let old = std::mem::replace(e.value_mut(), value);
            // A new value is a new object: a small integer is the shared one
            // again, even over a COPY-made private integer.
            e.set_aux(e.aux() & !UNSHARED_INT_BIT);
            if !keep_ttl && e.flag() {
                e.set_flag(false);
                let had = self.expires.remove(key);
                assert!(had.is_some(), "flagged key missing from expires");
            }
            self.lazy.discard(old);
            return true;
        }
        let aux = lru_touch(0, self.clock_ms);
        self.keys.insert_new(key, value, false).set_aux(aux);
        false
    }

    /// Removes `key` and its TTL. Does not check expiry: callers look up first.
    pub fn remove(&mut self, key: &[u8]) -> bool {
        let Some((value, volatile)) = self.keys.remove(key) else { return false };
        self.watch.note(key);
        if volatile {
            let had = self.expires.remove(key);
            assert!(had.is_some(), "flagged key missing from expires");
        }
        self.lazy.discard(value);
        true
    }

    /// Frees up to `budget_elements` elements of the big values that left
    /// this database (see [`lazyfree`]).
    pub fn lazy_free_step(&mut self, budget_elements: usize) {
        self.lazy.step(budget_elements);
    }

    /// Big values waiting to be freed, and values freed that way so far.
    pub fn lazy_free_counts(&self) -> (usize, u64) {
        (self.lazy.pending(), self.lazy.freed_objects)
    }

    /// Moves the value and TTL of `from` to `to`, replacing whatever `to`
    /// held. Returns false (and changes nothing) if `from` is absent. Does not
    /// check expiry: callers look `from` up first.
    pub fn rename(&mut self, from: &[u8], to: &[u8]) -> bool {
        if from == to {
            return self.keys.get(from).is_some();
        }
        let Some(entry) = self.take_entry(from) else { return false };
        self.put_entry(to, entry);
        true
    }

    /// The absolute expire time of `key` in ms, if it has one.
    pub fn expire_at(&self, key: &[u8]) -> Option<u64> {
        self.expires.get(key).copied()
    }

    /// Sets the absolute expire time of an existing key.
    pub fn set_expire(&mut self, key: &[u8], at_ms: u64) {
        self.watch.note(key);
        let mut e = self.keys.get_mut(key).expect("expire set on a missing key");
        if e.flag() {
            let mut x = self.expires.get_mut(key).expect("flagged key missing from expires");
            *x.value_mut() = at_ms;
        } else {
            e.set_flag(true);
            self.expires.insert_new(key, at_ms, false);
        }
    }

    /// Removes the TTL of `key`; true if it had one.
    pub fn persist(&mut self, key: &[u8]) -> bool {
        let Some(mut e) = self.keys.get_mut(key) else { return false };
        if !e.flag() {
            return false;
        }
        e.set_flag(false);
        self.watch.note(key);
        let had = self.expires.remove(key);
        assert!(had.is_some(), "flagged key missing from expires");
        true
    }

    pub fn clear(&mut self) {
        self.note_all_held();
        self.keys.clear();
        self.expires.clear();
        self.expires_cursor = 0;
    }

    /// A random key that is not expired at `now_ms`, or None if there is
    /// none. Expired keys it draws are deleted (at most
    /// [`RANDOM_KEY_MAX_EXPIRED`] of them, then it gives up with None).
    pub fn random_key(&mut self, rng: &mut ChaCha8Rng, now_ms: u64) -> Option<Vec<u8>> {
        for _ in 0..=RANDOM_KEY_MAX_EXPIRED {
            let (key, _, volatile) = self.keys.random_entry(rng)?;
            let key = key.to_vec();
            if !volatile || !self.expire_if_needed(&key, now_ms) {
                return Some(key);
            }
        }
        None
    }

    /// Calls `f` for every key and value (for KEYS and the like). Expired
    /// keys are included: callers check [`Db::is_expired`].
    pub fn for_each(&self, mut f: impl FnMut(&[u8], &Value)) {
        self.keys.for_each(|k, v, _| f(k, v));
    }

    /// Pauses expiry (lazy and active) while an AOF loads; see the field.
    pub fn set_expiry_paused(&mut self, paused: bool) {
        self.expiry_paused = paused;
    }

    pub fn expiry_paused(&self) -> bool {
        self.expiry_paused
    }

    /// Whether `key` has expired at `now_ms` (without removing it); never
    /// while expiry is paused.
    pub fn is_expired(&self, key: &[u8], now_ms: u64) -> bool {
        if self.expiry_paused {
            return false;
        }
        let boundary_bug = self.plant.is(PlantedBug::ExpiryBoundary);
        !self.expires.is_empty()
            && matches!(self.expires.get(key), Some(&at) if at < now_ms || (boundary_bug && at == now_ms))
    }

    /// One SCAN call (Redis `scanGenericCommand` over `dictScan`): calls `f`
    /// for the keys of the buckets visited and returns the next cursor (0
    /// when done). Stops once about `count` keys were emitted or after
    /// `count * 10` bucket steps. Every key present for the whole scan is
    /// emitted at least once, across grows and shrinks; expired keys are
    /// included (callers check [`Db::is_expired`]).
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8], &Value)) -> u64 {
        let count = count.max(1);
        let mut max_steps = count.saturating_mul(10);
        let mut emitted = 0;
        let mut cursor = cursor;
        loop {
            cursor = self.keys.scan(cursor, |k, v, _| {
                emitted += 1;
                f(k, v)
            });
            if cursor == 0 || max_steps == 0 || emitted >= count {
                return cursor;
            }
            max_steps -= 1;
        }
    }

    /// Timed work: the active expire cycle (Redis 7 `activeExpireCycle`, which
    /// walks `expires` with a SCAN cursor that persists between calls). Each
    /// loop samples [`limits::ACTIVE_EXPIRE_KEYS_PER_LOOP`] volatile keys and
    /// deletes the expired ones; loops repeat while more than 25% of a sample
    /// was expired, until `budget_visits` keys and scan steps were spent.
    /// Returns how many keys it removed.
    pub fn active_expire_cycle(&mut self, now_ms: u64, budget_visits: usize) -> usize {
        let per_loop = limits::ACTIVE_EXPIRE_KEYS_PER_LOOP;
        let mut visits = 0;
        let mut removed_total = 0;
        while !self.expiry_paused && !self.expires.is_empty() && visits < budget_visits {
            let (mut sampled, mut expired, mut steps) = (0usize, 0usize, 0usize);
            let keys = &mut self.keys;
            let lazy = &mut self.lazy;
            let log = &mut self.expired_log;
            let watch = &mut self.watch;
            while sampled < per_loop && steps < per_loop * ACTIVE_EXPIRE_STEPS_PER_KEY {
                steps += 1;
                self.expires_cursor = self.expires.scan_remove(
                    self.expires_cursor,
                    |_, &at_ms| {
                        sampled += 1;
                        at_ms < now_ms
                    },
                    |e| {
                        if let Some(log) = log.as_mut() {
                            log.push(e.key().to_vec());
                        }
                        watch.note(e.key());
                        let gone = keys.remove(e.key());
                        assert!(matches!(gone, Some((_, true))), "expires held a key without a flagged entry");
                        if let Some((value, _)) = gone {
                            lazy.discard(value);
                        }
                        expired += 1;
                    },
                );
                if self.expires_cursor == 0 {
                    break;
                }
            }
            visits += sampled + steps;
            removed_total += expired;
            self.expired_keys += expired as u64;
            if expired * 4 <= sampled {
                break;
            }
        }
        removed_total
    }

    /// Timed work: starts pending shrinks and moves up to `budget` buckets
    /// of each table (each with at most ten empty-bucket visits per bucket).
    /// Returns whether a rehash is still in progress.
    pub fn rehash_step(&mut self, budget: usize) -> bool {
        let keys = self.keys.rehash_step(budget);
        let expires = self.expires.rehash_step(budget);
        keys || expires
    }

    /// Whether either table is mid-rehash.
    pub fn is_rehashing(&self) -> bool {
        self.keys.is_rehashing() || self.expires.is_rehashing()
    }

    /// Bucket counts of the keys table (both halves during a rehash).
    pub fn bucket_counts(&self) -> [usize; 2] {
        self.keys.bucket_counts()
    }

    /// While a fork child shares our pages, call with false: the tables stop
    /// shrinking and only grow when badly overfull (Redis `dict_can_resize`).
    pub fn set_resize_allowed(&mut self, allowed: bool) {
        self.keys.set_resize_allowed(allowed);
        self.expires.set_resize_allowed(allowed);
    }

    /// Checks every structural invariant; panics on a broken one. O(n).
    pub fn check_invariants(&self) {
        let flagged = self.keys.check_invariants();
        let expires_flagged = self.expires.check_invariants();
        assert_eq!(expires_flagged, 0, "flag set on an expires entry");
        assert_eq!(flagged, self.expires.len(), "TTL flags and expires disagree");
        self.expires.for_each(|k, _, _| {
            assert!(
                matches!(self.keys.get_with_flag(k), Some((_, true))),
                "expires holds a key the keyspace lacks or has unflagged"
            );
        });
        // Each collection checks its own structure; Redis never keeps an empty one.
        self.keys.for_each(|_, v, _| match v {
            Value::ZSet(z) => {
                assert!(!z.is_empty(), "an empty sorted set is stored");
                z.check_invariants();
            }
            Value::Hash(h) => h.check_invariants(),
            _ => {}
        });
    }
}

/// Bit of the aux word marking an integer 0..=9999 that is NOT one of
/// Redis's shared integer objects.
const UNSHARED_INT_BIT: u32 = 1 << 31;
/// Bits of the aux word holding the LRU clock.
const LRU_MASK: u32 = !UNSHARED_INT_BIT;

/// The aux word with its LRU clock set to `now_ms`.
fn lru_touch(aux: u32, now_ms: u64) -> u32 {
    (aux & UNSHARED_INT_BIT) | ((now_ms / 1000) as u32 & LRU_MASK)
}

/// What Redis keeps in a value's object header besides the value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyMeta {
    /// Last access, Unix seconds (Redis's LRU clock has 1 s resolution).
    pub access_s: u64,
    /// An integer 0..=9999 that is NOT Redis's shared integer object: COPY
    /// duplicates integers (`dupStringObject`), so OBJECT REFCOUNT on the copy
    /// says 1, not 2147483647.
    pub unshared_int: bool,
}

/// A key's whole entry, for moving it between names or databases with its
/// TTL and metadata (RENAME and MOVE keep the object, so its idle time too).
#[derive(Debug, Clone)]
pub struct Entry {
    pub value: Value,
    pub expire_at_ms: Option<u64>,
    aux: u32,
}

impl Db {
    /// Tells the database the current time (new keys take it as their access
    /// time). Never moves backwards.
    pub fn set_clock(&mut self, now_ms: u64) {
        self.clock_ms = self.clock_ms.max(now_ms);
    }

    /// Looks `key` up with lazy expiry but without touching its access time
    /// (Redis's LOOKUP_NOTOUCH: TYPE, EXISTS, TTL, OBJECT).
    pub fn lookup_notouch(&mut self, key: &[u8], now_ms: u64) -> Option<&Value> {
        if !self.expires.is_empty() && !self.live(key, now_ms) {
            return None;
        }
        self.keys.get(key)
    }

    /// The value stored under `key`, without expiry, access-time update or
    /// rehash work: for a command that already looked every key up this
    /// call (SINTER and friends hold several values at once).
    pub fn peek(&self, key: &[u8]) -> Option<&Value> {
        self.keys.get(key)
    }

    /// The key's metadata, if the key is stored (expired or not).
    pub fn meta(&self, key: &[u8]) -> Option<KeyMeta> {
        let aux = self.keys.get_entry(key)?.aux();
        // The clock is kept modulo 2^31 s; rebuild the absolute second
        // nearest before the database's clock.
        let now_s = self.clock_ms / 1000;
        let idle_s = (now_s as u32).wrapping_sub(aux & LRU_MASK) & LRU_MASK;
        Some(KeyMeta { access_s: now_s.saturating_sub(idle_s as u64), unshared_int: aux & UNSHARED_INT_BIT != 0 })
    }

    /// Marks a stored key's value as a private (unshared) integer.
    pub fn mark_unshared_int(&mut self, key: &[u8]) {
        if let Some(mut e) = self.keys.get_mut(key) {
            e.set_aux(e.aux() | UNSHARED_INT_BIT);
        }
    }

    /// Removes `key` with its TTL and metadata. Does not check expiry.
    pub fn take_entry(&mut self, key: &[u8]) -> Option<Entry> {
        let entry = self.keys.remove_entry(key)?;
        self.watch.note(key);
        let (volatile, aux) = (entry.flag(), entry.aux());
        let expire_at_ms = if volatile {
            let (at_ms, _) = self.expires.remove(key).expect("flagged key missing from expires");
            Some(at_ms)
        } else {
            None
        };
        Some(Entry { value: entry.into_value(), expire_at_ms, aux })
    }

    /// Stores a whole entry under `key`, replacing any existing one.
    pub fn put_entry(&mut self, key: &[u8], entry: Entry) {
        self.remove(key);
        self.watch.note(key);
        self.keys.insert_new(key, entry.value, false).set_aux(entry.aux);
        if let Some(at_ms) = entry.expire_at_ms {
            self.set_expire(key, at_ms);
        }
    }
}
