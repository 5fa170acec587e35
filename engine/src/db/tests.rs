//! Tests of the keyspace: the table against a `BTreeMap` model, the SCAN
//! guarantee across resizes, determinism, expiry, and the memory layout.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::dict::{Dict, INITIAL_SIZE};
use super::entry;
use super::{Db, StrValue, Value};

fn int(n: i64) -> Value {
    Value::Str(StrValue::from_int(n))
}

fn key(i: u64) -> Vec<u8> {
    format!("key:{i:012}").into_bytes()
}

/// Calls `step` (a tick's rehash step) until it says the resize is over;
/// a step that makes no progress fails the test instead of hanging it.
fn settle(mut step: impl FnMut() -> bool) {
    for _ in 0..100_000 {
        if !step() {
            return;
        }
    }
    panic!("resize still under way after 100,000 steps");
}

/// glibc malloc's chunk for a request: size + 8 rounded up to 16, at least 32.
fn glibc_chunk_bytes(request: usize) -> usize {
    (request + 8).div_ceil(16).max(2) * 16
}

#[test]
fn memory_per_key_layout() {
    let value_bytes = std::mem::size_of::<Value>();
    let key_len = 16;
    let entry_bytes = entry::alloc_bytes::<Value>(key_len);
    let chunk = glibc_chunk_bytes(entry_bytes);
    // The load factor lies in (0.5, 1] right after a grow completes, so a key
    // costs 8 to 16 bytes of bucket array; count the midpoint.
    let bucket_bytes = 12;
    println!(
        "size_of::<Value>() = {value_bytes}, key offset = {}, entry alloc for a {key_len}-byte key = {entry_bytes} \
         bytes (glibc chunk {chunk}), bucket array ~{bucket_bytes} bytes/key => ~{} bytes/key before the value's own \
         heap; expires entry for a volatile key = {} bytes (glibc chunk {})",
        entry::key_offset::<Value>(),
        chunk + bucket_bytes,
        entry::alloc_bytes::<u64>(key_len),
        glibc_chunk_bytes(entry::alloc_bytes::<u64>(key_len)),
    );
    assert_eq!(std::mem::size_of::<Option<entry::EntryBox<Value>>>(), 8);
    // Header is next (8) + value + key length/flag (4) + aux (4), with no padding before the key.
    assert_eq!(entry::key_offset::<Value>(), 8 + value_bytes + 4 + 4);
    // Redis 7.0 spends ~90-100 bytes per such key; stay well under with a
    // short value whose bytes live inside `Value` (an integer).
    assert!(chunk + bucket_bytes <= 80, "per-key estimate {} too high", chunk + bucket_bytes);
}

#[test]
fn dict_grows_incrementally_and_shrinks() {
    let mut d: Dict<u64> = Dict::new(7);
    for i in 0..10_000 {
        assert_eq!(d.insert(&key(i), i), None);
    }
    d.check_invariants();
    assert_eq!(d.len(), 10_000);
    // Growth happens in steps: at some insert a rehash starts and lasts
    // across later operations instead of completing at once.
    let mut saw_rehash_across_ops = 0;
    let mut d2: Dict<u64> = Dict::new(7);
    for i in 0..5_000 {
        let before = d2.is_rehashing();
        d2.insert(&key(i), i);
        if before && d2.is_rehashing() {
            saw_rehash_across_ops += 1;
        }
    }
    assert!(saw_rehash_across_ops > 100);
    for i in 0..10_000 {
        assert_eq!(d.get(&key(i)), Some(&i));
    }
    for i in 0..9_990 {
        assert_eq!(d.remove(&key(i)), Some((i, false)));
    }
    settle(|| d.rehash_step(100));
    d.check_invariants();
    assert!(d.bucket_counts()[0] <= 16, "not shrunk: {:?}", d.bucket_counts());
    for i in 9_990..10_000 {
        assert_eq!(d.get(&key(i)), Some(&i));
    }
    for i in 9_990..10_000 {
        d.remove(&key(i));
    }
    settle(|| d.rehash_step(100));
    assert_eq!(d.bucket_counts(), [INITIAL_SIZE, 0]);
    d.clear();
    assert_eq!(d.bucket_counts(), [0, 0]);
    d.check_invariants();
}

#[test]
fn rehash_step_is_bounded() {
    let mut d: Dict<u64> = Dict::new(1);
    let mut i = 0;
    while !d.is_rehashing() || d.len() < 1000 {
        assert!(i < 100_000, "no rehash started");
        d.insert(&key(i), i);
        i += 1;
    }
    let [old, new] = d.bucket_counts();
    assert!(new > old);
    // One step of one bucket moves one chain: the table is still rehashing.
    assert!(d.rehash_step(1));
    d.check_invariants();
}

#[test]
fn resize_disallowed_only_grows_when_overfull() {
    let mut d: Dict<u64> = Dict::new(3);
    d.set_resize_allowed(false);
    for i in 0..100 {
        d.insert(&key(i), i);
    }
    settle(|| d.rehash_step(100));
    d.check_invariants();
    let buckets = d.bucket_counts()[0];
    assert!(100 / buckets <= 6, "{buckets}");
    for i in 0..100 {
        d.remove(&key(i));
    }
    assert_eq!(d.bucket_counts()[0], buckets, "shrank while resize was disallowed");
    d.set_resize_allowed(true);
    settle(|| d.rehash_step(100));
    assert_eq!(d.bucket_counts()[0], INITIAL_SIZE);
}

#[derive(Debug, Clone)]
enum DictOp {
    Insert(u8, u64),
    Remove(u8),
    Get(u8),
    Rehash(u8),
    Scan(u64),
    Random(u64),
}

fn dict_op() -> impl Strategy<Value = DictOp> {
    prop_oneof![
        4 => (any::<u8>(), any::<u64>()).prop_map(|(k, v)| DictOp::Insert(k, v)),
        3 => any::<u8>().prop_map(DictOp::Remove),
        2 => any::<u8>().prop_map(DictOp::Get),
        1 => (0u8..20).prop_map(DictOp::Rehash),
        1 => any::<u64>().prop_map(DictOp::Scan),
        1 => any::<u64>().prop_map(DictOp::Random),
    ]
}

/// Keys of varied lengths (0 to 40 bytes) from a small domain, so inserts
/// often replace and removes often hit.
fn small_key(k: u8) -> Vec<u8> {
    vec![k; (k % 41) as usize]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn dict_matches_btreemap(seed in any::<u64>(), ops in proptest::collection::vec(dict_op(), 1..400)) {
        let mut d: Dict<u64> = Dict::new(seed);
        let mut model: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
        for op in ops {
            match op {
                DictOp::Insert(k, v) => {
                    prop_assert_eq!(d.insert(&small_key(k), v), model.insert(small_key(k), v));
                }
                DictOp::Remove(k) => {
                    prop_assert_eq!(d.remove(&small_key(k)).map(|(v, _)| v), model.remove(&small_key(k)));
                }
                DictOp::Get(k) => {
                    prop_assert_eq!(d.get(&small_key(k)), model.get(&small_key(k)));
                    prop_assert_eq!(d.get_mut(&small_key(k)).map(|e| *e.into_value_mut()), model.get(&small_key(k)).copied());
                }
                DictOp::Rehash(n) => {
                    d.rehash_step(n as usize);
                }
                DictOp::Scan(cursor) => {
                    d.scan(cursor, |k, v, _| assert_eq!(model.get(k), Some(v)));
                }
                DictOp::Random(rng_seed) => {
                    let mut rng = ChaCha8Rng::seed_from_u64(rng_seed);
                    let got = d.random_entry(&mut rng).map(|(k, v, _)| (k.to_vec(), *v));
                    match got {
                        None => prop_assert!(model.is_empty()),
                        Some((k, v)) => prop_assert_eq!(model.get(&k), Some(&v)),
                    }
                }
            }
            d.check_invariants();
            prop_assert_eq!(d.len(), model.len());
        }
        let mut all = BTreeMap::new();
        d.for_each(|k, v, _| { all.insert(k.to_vec(), *v); });
        prop_assert_eq!(all, model);
    }
}

#[derive(Debug, Clone)]
enum DbOp {
    Set(u8, i64, bool),
    Remove(u8),
    Lookup(u8),
    Expire(u8, u64),
    Persist(u8),
    Rename(u8, u8),
    Tick(u64, u16),
    RandomKey(u64),
    Advance(u64),
}

fn db_op() -> impl Strategy<Value = DbOp> {
    prop_oneof![
        4 => (any::<u8>(), any::<i64>(), any::<bool>()).prop_map(|(k, v, keep)| DbOp::Set(k, v, keep)),
        2 => any::<u8>().prop_map(DbOp::Remove),
        3 => any::<u8>().prop_map(DbOp::Lookup),
        3 => (any::<u8>(), 0u64..200).prop_map(|(k, dt)| DbOp::Expire(k, dt)),
        1 => any::<u8>().prop_map(DbOp::Persist),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(a, b)| DbOp::Rename(a, b)),
        1 => (0u64..20, any::<u16>()).prop_map(|(n, b)| DbOp::Tick(n, b)),
        1 => any::<u64>().prop_map(DbOp::RandomKey),
        2 => (0u64..50).prop_map(DbOp::Advance),
    ]
}

/// The reference: key -> (value, expire time).
type Model = BTreeMap<Vec<u8>, (i64, Option<u64>)>;

fn model_live(model: &mut Model, k: &[u8], now_ms: u64) -> Option<(i64, Option<u64>)> {
    match model.get(k) {
        Some(&(_, Some(at))) if at < now_ms => {
            model.remove(k);
            None
        }
        other => other.copied(),
    }
}

/// After work that may delete any expired keys (active cycle, RANDOMKEY):
/// drop from the model the keys the db dropped, which must all be expired.
fn reconcile(db: &Db, model: &mut Model, now_ms: u64) {
    let mut present = BTreeSet::new();
    db.for_each(|k, _| {
        present.insert(k.to_vec());
    });
    model.retain(|k, (_, at)| {
        if present.contains(k) {
            return true;
        }
        assert!(matches!(at, Some(at) if *at < now_ms), "db lost live key {k:?}");
        false
    });
    assert_eq!(present.len(), model.len(), "db holds keys the model lacks");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn db_matches_model(seed in any::<u64>(), ops in proptest::collection::vec(db_op(), 1..400)) {
        let mut db = Db::new(seed);
        let mut model = Model::new();
        let mut now_ms = 1_000u64;
        for op in ops {
            match op {
                DbOp::Set(k, v, keep_ttl) => {
                    let key = small_key(k);
                    let live = model_live(&mut model, &key, now_ms);
                    db.expire_if_needed(&key, now_ms);
                    prop_assert_eq!(db.lookup(&key, now_ms).cloned(), live.map(|(v, _)| int(v)));
                    let existed = db.set(&key, int(v), keep_ttl);
                    prop_assert_eq!(existed, live.is_some());
                    let at = if keep_ttl { live.and_then(|(_, at)| at) } else { None };
                    model.insert(key, (v, at));
                }
                DbOp::Remove(k) => {
                    let key = small_key(k);
                    let live = model_live(&mut model, &key, now_ms);
                    prop_assert_eq!(db.lookup(&key, now_ms).cloned(), live.map(|(v, _)| int(v)));
                    prop_assert_eq!(db.remove(&key), live.is_some());
                    model.remove(&key);
                }
                DbOp::Lookup(k) => {
                    let key = small_key(k);
                    let was_expired = matches!(model.get(&key), Some((_, Some(at))) if *at < now_ms);
                    prop_assert_eq!(db.is_expired(&key, now_ms), was_expired);
                    let live = model_live(&mut model, &key, now_ms);
                    prop_assert_eq!(db.lookup(&key, now_ms).cloned(), live.map(|(v, _)| int(v)));
                    prop_assert_eq!(db.expire_at(&key), live.and_then(|(_, at)| at));
                }
                DbOp::Expire(k, dt) => {
                    let key = small_key(k);
                    if model_live(&mut model, &key, now_ms).is_some() {
                        prop_assert!(db.contains(&key, now_ms));
                        db.set_expire(&key, now_ms + dt);
                        if let Some(e) = model.get_mut(&key) { e.1 = Some(now_ms + dt); }
                    } else {
                        prop_assert!(!db.contains(&key, now_ms));
                    }
                }
                DbOp::Persist(k) => {
                    let key = small_key(k);
                    let live = model_live(&mut model, &key, now_ms);
                    db.expire_if_needed(&key, now_ms);
                    let had_ttl = live.is_some_and(|(_, at)| at.is_some());
                    prop_assert_eq!(db.persist(&key), had_ttl);
                    if let Some(e) = model.get_mut(&key) { e.1 = None; }
                }
                DbOp::Rename(a, b) => {
                    let (from, to) = (small_key(a), small_key(b));
                    let live = model_live(&mut model, &from, now_ms);
                    model_live(&mut model, &to, now_ms);
                    db.expire_if_needed(&from, now_ms);
                    db.expire_if_needed(&to, now_ms);
                    prop_assert_eq!(db.rename(&from, &to), live.is_some());
                    if let Some(entry) = live {
                        model.remove(&from);
                        model.insert(to, entry);
                    }
                }
                DbOp::Tick(steps, budget) => {
                    let before = db.expired_keys;
                    let removed = db.active_expire_cycle(now_ms, budget as usize);
                    prop_assert_eq!(db.expired_keys - before, removed as u64);
                    db.rehash_step(steps as usize);
                    reconcile(&db, &mut model, now_ms);
                }
                DbOp::RandomKey(rng_seed) => {
                    let mut rng = ChaCha8Rng::seed_from_u64(rng_seed);
                    let got = db.random_key(&mut rng, now_ms);
                    reconcile(&db, &mut model, now_ms);
                    match got {
                        Some(k) => prop_assert!(model_live(&mut model, &k, now_ms).is_some()),
                        None => prop_assert!(model.values().all(|(_, at)| matches!(at, Some(at) if *at < now_ms))),
                    }
                }
                DbOp::Advance(dt) => now_ms += dt,
            }
            db.check_invariants();
            prop_assert_eq!(db.len(), model.len());
            prop_assert_eq!(db.expires_len(), model.values().filter(|(_, at)| at.is_some()).count());
        }
    }
}

/// Runs a whole SCAN while `churn` changes the table between calls; returns
/// every key emitted.
fn full_scan(db: &mut Db, count: usize, mut churn: impl FnMut(&mut Db, usize)) -> BTreeSet<Vec<u8>> {
    let mut seen = BTreeSet::new();
    let mut cursor = 0;
    let mut calls = 0;
    loop {
        cursor = db.scan(cursor, count, |k, _| {
            seen.insert(k.to_vec());
        });
        db.check_invariants();
        if cursor == 0 {
            return seen;
        }
        churn(db, calls);
        calls += 1;
        assert!(calls < 1_000_000, "scan does not terminate");
    }
}

#[test]
fn scan_returns_every_stable_key_across_grow_and_shrink() {
    for seed in 0..8u64 {
        let mut db = Db::new(seed);
        let stable: Vec<Vec<u8>> = (0..100).map(key).collect();
        for k in &stable {
            db.set(k, int(1), false);
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut next_temp = 1_000_000u64;
        let mut temps: Vec<Vec<u8>> = Vec::new();
        let (mut grows, mut shrinks, mut mid_rehash) = (0, 0, 0);
        let mut last_size = db.bucket_counts()[0];
        let seen = full_scan(&mut db, 2, |db, call| {
            // Alternate phases: add many keys (grow), then delete them (shrink).
            let growing = (call / 6) % 2 == 0;
            for _ in 0..rng.gen_range(0..if growing { 200 } else { 500 }) {
                if growing {
                    let k = key(next_temp);
                    next_temp += 1;
                    db.set(&k, int(2), false);
                    temps.push(k);
                } else if let Some(k) = temps.pop() {
                    db.remove(&k);
                }
            }
            db.rehash_step(rng.gen_range(0..4));
            let size = db.bucket_counts()[0];
            grows += (size > last_size) as usize;
            shrinks += (size < last_size) as usize;
            mid_rehash += db.is_rehashing() as usize;
            last_size = size;
        });
        assert!(grows >= 2 && shrinks >= 2 && mid_rehash >= 10, "seed {seed}: {grows} {shrinks} {mid_rehash}");
        for k in &stable {
            assert!(seen.contains(k), "seed {seed}: scan missed {:?}", String::from_utf8_lossy(k));
        }
    }
}

#[test]
fn scan_of_a_quiet_table_returns_each_key_once() {
    let mut db = Db::new(99);
    for i in 0..1000 {
        db.set(&key(i), int(i as i64), false);
    }
    settle(|| db.rehash_step(100));
    let mut n = 0;
    let mut cursor = 0;
    loop {
        cursor = db.scan(cursor, 10, |_, _| n += 1);
        if cursor == 0 {
            break;
        }
    }
    assert_eq!(n, 1000);
    assert_eq!(Db::new(1).scan(0, 10, |_, _| panic!("empty db emitted")), 0);
}

fn scan_order(seed: u64) -> Vec<Vec<u8>> {
    let mut db = Db::new(seed);
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    for i in 0..2000u64 {
        let k = key(rng.gen_range(0..1500));
        if rng.gen_bool(0.7) {
            db.set(&k, int(i as i64), false);
        } else {
            db.remove(&k);
        }
        if i % 50 == 0 {
            db.rehash_step(3);
        }
    }
    let mut order = Vec::new();
    let mut cursor = 0;
    loop {
        cursor = db.scan(cursor, 7, |k, _| order.push(k.to_vec()));
        if cursor == 0 {
            return order;
        }
    }
}

#[test]
fn same_seed_same_scan_order() {
    assert_eq!(scan_order(5), scan_order(5));
    assert_ne!(scan_order(5), scan_order(6));
}

#[test]
fn lazy_and_active_expiry() {
    let mut db = Db::new(11);
    for i in 0..2000u64 {
        db.set(&key(i), int(0), false);
        if i % 2 == 0 {
            db.set_expire(&key(i), 500);
        } else if i % 3 == 0 {
            db.set_expire(&key(i), 10_000);
        }
    }
    db.check_invariants();
    assert!(!db.is_expired(&key(0), 499));
    assert!(!db.is_expired(&key(0), 500), "alive at its expire time, as in Redis");
    assert!(db.is_expired(&key(0), 501));
    assert!(db.lookup(&key(0), 501).is_none());
    assert_eq!(db.expired_keys, 1);
    // Bounded: one call with a small budget removes at most about the budget.
    let removed = db.active_expire_cycle(600, 100);
    assert!(removed > 0 && removed <= 200, "{removed}");
    let mut total = 1 + removed;
    for _ in 0..1000 {
        total += db.active_expire_cycle(600, 100);
        db.check_invariants();
    }
    assert_eq!(total, 1000);
    assert_eq!(db.expired_keys, 1000);
    assert_eq!(db.len(), 1000);
    assert_eq!(db.expires_len(), (0..2000).filter(|i| i % 2 == 1 && i % 3 == 0).count());
    // Nothing left to expire: one loop over a sample and done.
    assert_eq!(db.active_expire_cycle(600, 20_000), 0);
}

#[test]
fn ttl_bookkeeping() {
    let mut db = Db::new(2);
    db.set(b"a", int(1), false);
    db.set_expire(b"a", 100);
    db.set_expire(b"a", 200);
    assert_eq!(db.expire_at(b"a"), Some(200));
    db.set(b"a", int(2), true);
    assert_eq!(db.expire_at(b"a"), Some(200));
    db.set(b"a", int(3), false);
    assert_eq!(db.expire_at(b"a"), None);
    db.set_expire(b"a", 300);
    assert!(db.rename(b"a", b"b"));
    assert_eq!(db.expire_at(b"b"), Some(300));
    assert!(db.lookup(b"a", 0).is_none());
    assert!(db.persist(b"b"));
    assert!(!db.persist(b"b"));
    assert!(db.rename(b"b", b"b"));
    assert!(!db.rename(b"zz", b"b"));
    db.check_invariants();
    db.clear();
    assert!(db.is_empty() && db.expires_len() == 0);
    db.check_invariants();
}

#[test]
fn random_key_skips_expired_and_reaches_every_key() {
    let mut db = Db::new(4);
    for i in 0..50 {
        db.set(&key(i), int(0), false);
    }
    for i in 0..25 {
        db.set_expire(&key(i), 10);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut seen = BTreeSet::new();
    for _ in 0..2000 {
        let k = db.random_key(&mut rng, 11).expect("live keys exist");
        assert!(!db.is_expired(&k, 11));
        seen.insert(k);
    }
    assert_eq!(seen.len(), 25);
    assert_eq!(db.len(), 25, "drawn expired keys are deleted");
    let mut empty = Db::new(4);
    assert_eq!(empty.random_key(&mut rng, 0), None);
}

#[test]
fn random_entry_in_a_very_sparse_table() {
    let mut d: Dict<u64> = Dict::new(8);
    for i in 0..5000 {
        d.insert(&key(i), i);
    }
    settle(|| d.rehash_step(100));
    d.set_resize_allowed(false);
    for i in 1..5000 {
        d.remove(&key(i));
    }
    assert!(d.bucket_counts()[0] >= 4096);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    for _ in 0..20 {
        assert_eq!(d.random_entry(&mut rng).map(|(_, v, _)| *v), Some(0));
    }
    // Mid-shrink: ht[0] is sparse and partly moved.
    d.set_resize_allowed(true);
    d.rehash_step(1);
    for _ in 0..20 {
        assert_eq!(d.random_entry(&mut rng).map(|(_, v, _)| *v), Some(0));
        d.check_invariants();
    }
}
