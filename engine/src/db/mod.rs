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
        match self.expires.get(key) {
            Some(&at) if at <= now_ms => {
                self.expires.remove(key);
                self.map.remove(key);
                self.expired_keys += 1;
                true
            }
            _ => false,
        }
    }

    pub fn lookup(&mut self, key: &[u8], now_ms: u64) -> Option<&Value> {
        self.expire_if_needed(key, now_ms);
        self.map.get(key)
    }

    pub fn lookup_mut(&mut self, key: &[u8], now_ms: u64) -> Option<&mut Value> {
        self.expire_if_needed(key, now_ms);
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
        self.map.insert(key.into(), value)
    }

    /// Removes `key` and its TTL. Does not check expiry: callers look up first.
    pub fn remove(&mut self, key: &[u8]) -> Option<Value> {
        self.expires.remove(key);
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
        let end = (start + count.max(1)).min(keys.len());
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
    }
}
