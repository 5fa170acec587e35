//! One logical database: keys to values, plus expiry.
//!
//! INTERIM IMPLEMENTATION over std maps, with the API the commands use. The
//! real one is built on [`dict`] (incremental rehash, reverse-binary SCAN)
//! with the same API.
//!
//! Expiry is lazy on every access that goes through [`Db::lookup`] /
//! [`Db::lookup_mut`] / [`Db::contains`], plus the active cycle in
//! [`Db::active_expire_cycle`]. A key whose expire time is `<= now_ms` is
//! logically gone.

pub mod dict;
pub mod value;

use std::collections::{BTreeMap, HashMap};

use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub use value::{StrValue, Value};

#[derive(Debug, Default)]
pub struct Db {
    map: HashMap<Box<[u8]>, Value>,
    expires: BTreeMap<Box<[u8]>, u64>,
    /// Keys removed by expiry (lazy or active) since start: INFO's expired_keys.
    pub expired_keys: u64,
    /// Per-key metadata Redis keeps in the value object (see the keyspace
    /// commands' block at the end of this file).
    meta: HashMap<Box<[u8]>, KeyMeta>,
    /// The latest `now_ms` this database was told about; new keys take it as
    /// their access time (`set` has no clock argument).
    clock_ms: u64,
}

impl Db {
    pub fn new(_hash_seed: u64) -> Db {
        Db::default()
    }

    /// Keys stored, including expired ones not yet removed (as Redis's DBSIZE).
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Keys with a time to live.
    pub fn expires_len(&self) -> usize {
        self.expires.len()
    }

    /// Removes `key` if it has expired at `now_ms`. Returns true if it did.
    pub fn expire_if_needed(&mut self, key: &[u8], now_ms: u64) -> bool {
        self.set_clock(now_ms);
        match self.expires.get(key) {
            Some(&at) if at <= now_ms => {
                self.expires.remove(key);
                self.map.remove(key);
                self.meta.remove(key);
                self.expired_keys += 1;
                true
            }
            _ => false,
        }
    }

    /// Looks `key` up and, like Redis's lookupKey without LOOKUP_NOTOUCH,
    /// updates its access time (OBJECT IDLETIME).
    pub fn lookup(&mut self, key: &[u8], now_ms: u64) -> Option<&Value> {
        self.expire_if_needed(key, now_ms);
        self.touch_access(key, now_ms);
        self.map.get(key)
    }

    /// As [`Db::lookup`], for a value the caller may change in place. A
    /// COPY-made integer stops counting as unshared (see `KeyMeta`).
    pub fn lookup_mut(&mut self, key: &[u8], now_ms: u64) -> Option<&mut Value> {
        self.expire_if_needed(key, now_ms);
        self.touch_access(key, now_ms);
        if let Some(m) = self.meta.get_mut(key) {
            m.unshared_int = false;
        }
        self.map.get_mut(key)
    }

    pub fn contains(&mut self, key: &[u8], now_ms: u64) -> bool {
        self.lookup(key, now_ms).is_some()
    }

    /// Stores `value` under `key`, replacing any value. The key's TTL is
    /// cleared unless `keep_ttl` (SET's KEEPTTL). Returns the old value.
    pub fn set(&mut self, key: &[u8], value: Value, keep_ttl: bool) -> Option<Value> {
        if !keep_ttl {
            self.expires.remove(key);
        }
        self.meta.insert(key.into(), KeyMeta { access_s: self.clock_ms / 1000, unshared_int: false });
        self.map.insert(key.into(), value)
    }

    /// Removes `key` and its TTL. Does not check expiry: callers look up first.
    pub fn remove(&mut self, key: &[u8]) -> Option<Value> {
        self.expires.remove(key);
        self.meta.remove(key);
        self.map.remove(key)
    }

    /// The absolute expire time of `key` in ms, if it has one.
    pub fn expire_at(&self, key: &[u8]) -> Option<u64> {
        self.expires.get(key).copied()
    }

    /// Sets the absolute expire time of an existing key.
    pub fn set_expire(&mut self, key: &[u8], at_ms: u64) {
        assert!(self.map.contains_key(key), "expire set on a missing key");
        self.expires.insert(key.into(), at_ms);
    }

    /// Removes the TTL of `key`; true if it had one.
    pub fn persist(&mut self, key: &[u8]) -> bool {
        self.expires.remove(key).is_some()
    }

    pub fn clear(&mut self) {
        self.map.clear();
        self.expires.clear();
        self.meta.clear();
    }

    /// A random key that is not expired at `now_ms`, or None if there is none.
    pub fn random_key(&mut self, rng: &mut ChaCha8Rng, now_ms: u64) -> Option<Vec<u8>> {
        for _ in 0..100 {
            if self.map.is_empty() {
                return None;
            }
            let mut keys: Vec<&Box<[u8]>> = self.map.keys().collect();
            keys.sort();
            let k = keys[rng.gen_range(0..keys.len())].to_vec();
            if !self.expire_if_needed(&k, now_ms) {
                return Some(k);
            }
        }
        None
    }

    /// Calls `f` for every key and value (for KEYS and the like). Expired
    /// keys are included: callers check [`Db::is_expired`].
    pub fn for_each(&self, mut f: impl FnMut(&[u8], &Value)) {
        for (k, v) in &self.map {
            f(k, v);
        }
    }

    /// Whether `key` has expired at `now_ms` (without removing it).
    pub fn is_expired(&self, key: &[u8], now_ms: u64) -> bool {
        matches!(self.expires.get(key), Some(&at) if at <= now_ms)
    }

    /// One SCAN step: calls `f` for the keys of the buckets visited, returns
    /// the next cursor (0 when done). `count` is a hint of keys to visit.
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8], &Value)) -> u64 {
        let mut keys: Vec<&Box<[u8]>> = self.map.keys().collect();
        keys.sort();
        let start = cursor as usize;
        let end = start.saturating_add(count.max(1)).min(keys.len());
        for k in &keys[start.min(keys.len())..end] {
            f(k, &self.map[*k]);
        }
        if end >= keys.len() {
            0
        } else {
            end as u64
        }
    }

    /// Timed work: one active-expire pass bounded by `budget_visits` sampled
    /// keys. Returns how many keys it removed.
    pub fn active_expire_cycle(&mut self, now_ms: u64, budget_visits: usize) -> usize {
        let due: Vec<Box<[u8]>> =
            self.expires.iter().filter(|(_, &at)| at <= now_ms).take(budget_visits).map(|(k, _)| k.clone()).collect();
        for k in &due {
            self.expire_if_needed(k, now_ms);
        }
        due.len()
    }

    /// Timed work: incremental rehash steps within a budget. Returns whether
    /// a rehash is still in progress.
    pub fn rehash_step(&mut self, _budget: usize) -> bool {
        false
    }

    /// Checks every structural invariant; panics on a broken one.
    pub fn check_invariants(&self) {
        for k in self.expires.keys() {
            assert!(self.map.contains_key(k), "expires holds a key the keyspace lacks");
        }
        assert_eq!(self.meta.len(), self.map.len(), "every key has its metadata");
    }
}

// ---------------------------------------------------------------------------
// Added for the keyspace and expiry commands (cmd/keys.rs, cmd/expire.rs).
// To be ported to the real table: per-key access time and the "unshared
// integer" bit (both live in Redis's robj header), whole-entry moves for
// RENAME/MOVE, and lookups that do not touch the access time.
// ---------------------------------------------------------------------------

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
    pub meta: KeyMeta,
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
        self.expire_if_needed(key, now_ms);
        self.map.get(key)
    }

    /// The key's metadata, if the key is stored (expired or not).
    pub fn meta(&self, key: &[u8]) -> Option<KeyMeta> {
        self.meta.get(key).copied()
    }

    /// Marks a stored key's value as a private (unshared) integer.
    pub fn mark_unshared_int(&mut self, key: &[u8]) {
        if let Some(m) = self.meta.get_mut(key) {
            m.unshared_int = true;
        }
    }

    /// Removes `key` with its TTL and metadata. Does not check expiry.
    pub fn take_entry(&mut self, key: &[u8]) -> Option<Entry> {
        let value = self.map.remove(key)?;
        let expire_at_ms = self.expires.remove(key);
        let meta = self.meta.remove(key).unwrap_or_default();
        Some(Entry { value, expire_at_ms, meta })
    }

    /// Stores a whole entry under `key`, replacing any existing one.
    pub fn put_entry(&mut self, key: &[u8], entry: Entry) {
        self.map.insert(key.into(), entry.value);
        self.meta.insert(key.into(), entry.meta);
        match entry.expire_at_ms {
            Some(at) => self.expires.insert(key.into(), at),
            None => self.expires.remove(key),
        };
    }

    fn touch_access(&mut self, key: &[u8], now_ms: u64) {
        if let Some(m) = self.meta.get_mut(key) {
            m.access_s = now_ms / 1000;
        }
    }
}
