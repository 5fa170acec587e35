//! The keyspace hash table: chained, power-of-two bucket arrays, incremental
//! rehash (the design of Redis `dict.c`).
//!
//! # Design
//!
//! - Two tables `ht[0]`, `ht[1]` and a rehash index. Outside a rehash only
//!   `ht[0]` is used. A grow or shrink allocates the new bucket array. Up to
//!   [`STAGE_MIN_BUCKETS`] slots it is zeroed at once ([`entry::empty_buckets`]);
//!   a larger one is *staged* ([`entry::StagedBuckets`]): allocated
//!   uninitialised and zeroed [`STAGE_ZERO_SLOTS_PER_OP`] slots per operation
//!   (more per tick), because zeroing 64 MB at once (and faulting its pages
//!   in) is a pause of tens of milliseconds. Once ready it becomes `ht[1]`
//!   and `rehash_idx = 0`; from then on every operation first moves one
//!   bucket of `ht[0]` (visiting at most [`EMPTY_VISITS_PER_BUCKET`] empty
//!   buckets), the tick moves more via [`Dict::rehash_step`], and new
//!   entries go to `ht[1]`. When `ht[0]` is empty, `ht[1]` becomes `ht[0]`
//!   and the old array is freed without a pass over it
//!   ([`entry::free_empty_buckets`]). No operation ever zeroes, moves or
//!   frees more than a bounded amount, so there is no O(n) pause.
//! - Grow when `used >= buckets` (load factor 1), to the next power of two
//!   above `used`; shrink when the fill drops under [`MIN_FILL_PERCENT`], to the
//!   smallest power of two holding `used` (Redis `htNeedsResize`/`dictResize`).
//!   While resizing is not allowed (a fork child shares the pages) the table
//!   only grows past [`FORCE_RESIZE_RATIO`] and never shrinks.
//! - Each entry is one allocation holding key bytes, value and chain link
//!   ([`EntryBox`]); the table owns its entries through the bucket slots and
//!   links. Keys are copied in: the table never borrows caller buffers.
//! - Hashing is foldhash with a fixed per-table seed: the bucket of a key, the
//!   chain order and therefore every iteration and SCAN order depend only on
//!   the seed and the sequence of operations, never on addresses.
//!
//! # Invariants (checked by [`Dict::check_invariants`])
//!
//! Table sizes are 0 or powers of two; `ht[1]` is empty unless rehashing;
//! while rehashing `ht[0].used > 0`, `rehash_idx < ht[0].size` and every
//! bucket of `ht[0]` below `rehash_idx` is empty; a staged array exists only
//! outside a rehash, next to a non-empty `ht[0]`, and is never fully zeroed
//! (a ready one becomes `ht[1]` at once); each entry sits in bucket
//! `hash & mask` of its table; `used` counts the entries of each table; a key
//! appears once in the whole dict.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::entry::{self, EntryBox, StagedBuckets};
use crate::planted::{Plant, PlantedBug};

/// Size of a table when the first key arrives (Redis `DICT_HT_INITIAL_SIZE`).
pub const INITIAL_SIZE: usize = 4;
/// A rehash step of `n` buckets gives up after `n * EMPTY_VISITS_PER_BUCKET` empty buckets.
pub const EMPTY_VISITS_PER_BUCKET: usize = 10;
/// Shrink when fewer than this percentage of buckets hold an entry (Redis `HASHTABLE_MIN_FILL`).
pub const MIN_FILL_PERCENT: usize = 10;
/// Grow even when resizing is disallowed once `used / size` exceeds this (Redis `dict_force_resize_ratio`).
pub const FORCE_RESIZE_RATIO: usize = 5;
/// Largest bucket array allocated zeroed in one go (512 KB); larger ones are
/// staged and zeroed in steps.
pub const STAGE_MIN_BUCKETS: usize = 1 << 16;
/// Slots of a staged array each operation zeroes (one 4 KB page): growing a
/// table of `n` buckets to `2n` takes `n / 256` inserts, which raise its load
/// factor from 1 to about 1.004 meanwhile.
pub const STAGE_ZERO_SLOTS_PER_OP: usize = 512;
/// Slots of a staged array [`Dict::rehash_step`] zeroes per bucket of its budget.
pub const STAGE_ZERO_SLOTS_PER_BUCKET: usize = 64;
/// Random bucket draws before [`Dict::random_entry`] falls back to walking from the last draw.
pub const RANDOM_BUCKET_DRAWS: usize = 64;

type Link<V> = Option<EntryBox<V>>;

struct Table<V> {
    buckets: Box<[Link<V>]>,
    used: usize,
}

impl<V> Default for Table<V> {
    fn default() -> Table<V> {
        Table { buckets: Box::new([]), used: 0 }
    }
}

impl<V> Table<V> {
    fn with_size(size: usize) -> Table<V> {
        Table { buckets: entry::empty_buckets(size), used: 0 }
    }

    fn mask(&self) -> usize {
        self.buckets.len().wrapping_sub(1)
    }

    fn find(&self, hash: u64, key: &[u8]) -> Option<&EntryBox<V>> {
        if self.buckets.is_empty() {
            return None;
        }
        let mut cur = self.buckets[hash as usize & self.mask()].as_ref();
        while let Some(e) = cur {
            if e.key() == key {
                return Some(e);
            }
            cur = e.next().as_ref();
        }
        None
    }

    /// The link that holds `key`'s entry, if present.
    fn find_link(&mut self, hash: u64, key: &[u8]) -> Option<&mut Link<V>> {
        if self.buckets.is_empty() {
            return None;
        }
        let mask = self.mask();
        let mut link = &mut self.buckets[hash as usize & mask];
        loop {
            let found = link.as_ref()?.key() == key;
            if found {
                return Some(link);
            }
            link = link.as_mut()?.next_mut();
        }
    }

    fn push(&mut self, hash: u64, mut e: EntryBox<V>) {
        let slot = &mut self.buckets[hash as usize & self.mask()];
        *e.next_mut() = slot.take();
        *slot = Some(e);
        self.used += 1;
    }
}

/// Unlinks the entry held by `link` and returns it.
fn unlink<V>(link: &mut Link<V>) -> Option<EntryBox<V>> {
    let mut e = link.take()?;
    *link = e.next_mut().take();
    Some(e)
}

/// A mutable view of one entry: value and flag may change, the key may not
/// (so the entry stays in the bucket its hash names).
pub struct EntryMut<'a, V>(&'a mut EntryBox<V>);

impl<'a, V> EntryMut<'a, V> {
    pub fn key(&self) -> &[u8] {
        self.0.key()
    }
    pub fn flag(&self) -> bool {
        self.0.flag()
    }
    pub fn set_flag(&mut self, flag: bool) {
        self.0.set_flag(flag)
    }
    pub fn value_mut(&mut self) -> &mut V {
        self.0.value_mut()
    }
    pub fn aux(&self) -> u32 {
        self.0.aux()
    }
    pub fn set_aux(&mut self, aux: u32) {
        self.0.set_aux(aux)
    }
    pub fn into_value_mut(self) -> &'a mut V {
        self.0.value_mut()
    }
}

pub struct Dict<V> {
    ht: [Table<V>; 2],
    /// Next bucket of `ht[0]` to move, while rehashing.
    rehash_idx: Option<usize>,
    /// The next bucket array while it is being zeroed (a large resize, before its rehash).
    staged: Option<StagedBuckets<V>>,
    hasher: FixedState,
    resize_allowed: bool,
    plant: Plant,
}

impl<V> Dict<V> {
    pub fn new(hash_seed: u64) -> Dict<V> {
        Dict {
            ht: [Table::default(), Table::default()],
            rehash_idx: None,
            staged: None,
            hasher: FixedState::with_seed(hash_seed),
            resize_allowed: true,
            plant: Plant::default(),
        }
    }

    /// Selects a planted bug (see [`crate::planted`]).
    pub fn set_plant(&mut self, plant: Plant) {
        self.plant = plant;
    }

    pub fn len(&self) -> usize {
        self.ht[0].used + self.ht[1].used
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether both tables are live (entries are being moved).
    pub fn is_rehashing(&self) -> bool {
        self.rehash_idx.is_some()
    }

    /// Whether a resize is under way: staging its bucket array or rehashing.
    pub fn is_resizing(&self) -> bool {
        self.rehash_idx.is_some() || self.staged.is_some()
    }

    /// Slots of the staged bucket array: (zeroed, total), if one is staged.
    pub fn staged_slots(&self) -> Option<(usize, usize)> {
        self.staged.as_ref().map(|s| (s.zeroed(), s.slots()))
    }

    /// Bucket counts of both tables (the second is 0 unless rehashing).
    pub fn bucket_counts(&self) -> [usize; 2] {
        [self.ht[0].buckets.len(), self.ht[1].buckets.len()]
    }

    /// While false (a fork child shares our pages), tables only grow when
    /// overfull past [`FORCE_RESIZE_RATIO`] and never shrink (Redis `dict_can_resize`).
    pub fn set_resize_allowed(&mut self, allowed: bool) {
        self.resize_allowed = allowed;
    }

    pub fn hash(&self, key: &[u8]) -> u64 {
        self.hasher.hash_one(key)
    }

    fn find_entry(&self, key: &[u8]) -> Option<&EntryBox<V>> {
        if self.is_empty() {
            return None;
        }
        let h = self.hash(key);
        self.ht[0].find(h, key).or_else(|| if self.is_rehashing() { self.ht[1].find(h, key) } else { None })
    }

    /// Looks `key` up without rehash work (for `&self` callers).
    pub fn get(&self, key: &[u8]) -> Option<&V> {
        self.find_entry(key).map(EntryBox::value)
    }

    /// The whole entry of `key`, without rehash work.
    pub fn get_entry(&self, key: &[u8]) -> Option<&EntryBox<V>> {
        self.find_entry(key)
    }

    /// The value and flag of `key`, without rehash work.
    pub fn get_with_flag(&self, key: &[u8]) -> Option<(&V, bool)> {
        self.find_entry(key).map(|e| (e.value(), e.flag()))
    }

    /// Looks `key` up for change, doing one rehash step first.
    pub fn get_mut(&mut self, key: &[u8]) -> Option<EntryMut<'_, V>> {
        self.op_step();
        if self.is_empty() {
            return None;
        }
        let h = self.hash(key);
        // Outside a rehash there is one table: walk its chain once.
        let t = if self.is_rehashing() && self.ht[0].find(h, key).is_none() { 1 } else { 0 };
        let link = self.ht[t].find_link(h, key)?;
        link.as_mut().map(EntryMut)
    }

    /// Inserts `key`, which must be absent (checked in debug builds), with
    /// `value` and `flag`. Returns the new entry.
    pub fn insert_new(&mut self, key: &[u8], value: V, flag: bool) -> EntryMut<'_, V> {
        self.op_step();
        debug_assert!(self.find_entry(key).is_none(), "insert_new of a present key");
        self.expand_if_needed();
        let h = self.hash(key);
        let t = if self.is_rehashing() { 1 } else { 0 };
        self.ht[t].push(h, EntryBox::new(key, value, flag));
        let slot = &mut self.ht[t].buckets[h as usize & self.ht[t].mask()];
        EntryMut(slot.as_mut().expect("entry just pushed"))
    }

    /// Stores `value` under `key`: replaces the value (keeping the flag) if
    /// the key exists and returns the old one, else inserts with flag false.
    pub fn insert(&mut self, key: &[u8], value: V) -> Option<V> {
        if let Some(mut e) = self.get_mut(key) {
            return Some(std::mem::replace(e.value_mut(), value));
        }
        self.insert_new(key, value, false);
        None
    }

    /// Removes `key`, returning its value and flag. Does one rehash step and
    /// may start a shrink.
    pub fn remove(&mut self, key: &[u8]) -> Option<(V, bool)> {
        self.remove_entry(key).map(|e| {
            let flag = e.flag();
            (e.into_value(), flag)
        })
    }

    /// Removes `key` and returns its whole entry (key bytes included).
    pub fn remove_entry(&mut self, key: &[u8]) -> Option<EntryBox<V>> {
        self.op_step();
        if self.is_empty() {
            return None;
        }
        let h = self.hash(key);
        let mut removed = None;
        for t in 0..2 {
            if let Some(link) = self.ht[t].find_link(h, key) {
                removed = unlink(link);
                self.ht[t].used -= 1;
                break;
            }
        }
        removed.as_ref()?;
        self.finish_rehash_if_done();
        self.shrink_if_needed();
        removed
    }

    /// Drops every entry and both tables.
    pub fn clear(&mut self) {
        self.ht = [Table::default(), Table::default()];
        self.rehash_idx = None;
        self.staged = None;
    }

    /// The resize step every add, find and delete pays for (Redis
    /// `_dictRehashStep`): move one bucket, or zero a page of a staged array.
    fn op_step(&mut self) {
        if self.is_rehashing() {
            self.rehash(1);
        } else if self.staged.is_some() {
            self.stage_step(STAGE_ZERO_SLOTS_PER_OP);
        }
    }

    /// Timed work: starts a pending shrink, then either zeroes up to
    /// `buckets * STAGE_ZERO_SLOTS_PER_BUCKET` slots of a staged array or
    /// moves up to `buckets` non-empty buckets (visiting at most ten times
    /// as many empty ones). Returns whether a resize is still under way.
    pub fn rehash_step(&mut self, buckets: usize) -> bool {
        self.shrink_if_needed();
        if self.staged.is_some() {
            self.stage_step(buckets.saturating_mul(STAGE_ZERO_SLOTS_PER_BUCKET));
        } else {
            self.rehash(buckets);
        }
        // A finished shrink may leave the table sparse enough for another.
        self.shrink_if_needed();
        self.is_resizing()
    }

    /// Zeroes up to `slots` more of the staged array; once it is ready it
    /// becomes `ht[1]` and the rehash begins.
    fn stage_step(&mut self, slots: usize) {
        let Some(staged) = self.staged.as_mut() else { return };
        if staged.zero_some(slots) {
            let ready = self.staged.take().expect("staged array present");
            self.begin_rehash(ready.finish());
        }
    }

    /// Redis `dictRehash(d, n)`: moves up to `n` non-empty buckets, giving
    /// up after `n * EMPTY_VISITS_PER_BUCKET` empty ones.
    fn rehash(&mut self, n: usize) {
        let Some(mut idx) = self.rehash_idx else { return };
        let mut empty_visits = n.saturating_mul(EMPTY_VISITS_PER_BUCKET);
        let [t0, t1] = &mut self.ht;
        let mut n = n;
        while n > 0 && t0.used != 0 {
            n -= 1;
            assert!(idx < t0.buckets.len(), "rehash index past the table with entries left");
            while t0.buckets[idx].is_none() {
                idx += 1;
                empty_visits -= 1;
                if empty_visits == 0 {
                    self.rehash_idx = Some(idx);
                    return;
                }
            }
            let mut chain = t0.buckets[idx].take();
            while let Some(mut e) = chain {
                chain = e.next_mut().take();
                let h = self.hasher.hash_one(e.key());
                t0.used -= 1;
                t1.push(h, e);
            }
            idx += if self.plant.is(PlantedBug::RehashSkipsBucket) { 2 } else { 1 };
        }
        self.rehash_idx = Some(idx);
        self.finish_rehash_if_done();
    }

    fn finish_rehash_if_done(&mut self) {
        if self.is_rehashing() && self.ht[0].used == 0 {
            let next = std::mem::take(&mut self.ht[1]);
            let old = std::mem::replace(&mut self.ht[0], next);
            entry::free_empty_buckets(old.buckets);
            self.rehash_idx = None;
        }
    }

    fn start_resize(&mut self, size: usize) {
        debug_assert!(!self.is_resizing());
        if self.ht[0].buckets.is_empty() {
            self.ht[0] = Table::with_size(size);
        } else if size <= STAGE_MIN_BUCKETS {
            self.begin_rehash(entry::empty_buckets(size));
        } else {
            self.staged = Some(StagedBuckets::new(size));
        }
    }

    fn begin_rehash(&mut self, buckets: Box<[Link<V>]>) {
        self.ht[1] = Table { buckets, used: 0 };
        self.rehash_idx = Some(0);
        self.finish_rehash_if_done();
    }

    /// Redis `_dictExpandIfNeeded`, called before an insert.
    fn expand_if_needed(&mut self) {
        if self.is_resizing() {
            return;
        }
        let (size, used) = (self.ht[0].buckets.len(), self.ht[0].used);
        if size == 0 {
            self.start_resize(INITIAL_SIZE);
        } else if used >= size && (self.resize_allowed || used / size > FORCE_RESIZE_RATIO) {
            self.start_resize((used + 1).next_power_of_two());
        }
    }

    /// Redis `htNeedsResize` + `dictResize`: shrink a sparse table.
    fn shrink_if_needed(&mut self) {
        if self.is_resizing() || !self.resize_allowed {
            return;
        }
        let (size, used) = (self.ht[0].buckets.len(), self.ht[0].used);
        if size > INITIAL_SIZE && used * 100 / size < MIN_FILL_PERCENT {
            self.start_resize(used.max(INITIAL_SIZE).next_power_of_two());
        }
    }

    /// Calls `f` for every entry: key, value, flag. Order: `ht[0]` buckets
    /// then `ht[1]` buckets, each chain head first.
    pub fn for_each(&self, mut f: impl FnMut(&[u8], &V, bool)) {
        for t in &self.ht {
            for bucket in t.buckets.iter() {
                let mut cur = bucket.as_ref();
                while let Some(e) = cur {
                    f(e.key(), e.value(), e.flag());
                    cur = e.next().as_ref();
                }
            }
        }
    }

    /// One Redis `dictScan` step: calls `f` for every entry of the bucket(s)
    /// the cursor names and returns the next cursor (0 when the scan is done).
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&[u8], &V, bool)) -> u64 {
        if self.is_empty() {
            return 0;
        }
        scan_buckets(self.scan_sizes(), cursor, |t, b| {
            let mut cur = self.ht[t].buckets[b].as_ref();
            while let Some(e) = cur {
                f(e.key(), e.value(), e.flag());
                cur = e.next().as_ref();
            }
        })
    }

    /// Like [`Dict::scan`] but removes the entries for which `remove` says
    /// true, handing each removed entry to `removed`. Removal during a step
    /// keeps SCAN's guarantee for the other entries. No rehash work is done.
    pub fn scan_remove(
        &mut self,
        cursor: u64,
        mut remove: impl FnMut(&[u8], &V) -> bool,
        mut removed: impl FnMut(EntryBox<V>),
    ) -> u64 {
        if self.is_empty() {
            return 0;
        }
        let sizes = self.scan_sizes();
        let ht = &mut self.ht;
        let next = scan_buckets(sizes, cursor, |t, b| {
            let mut unlinked = 0;
            let mut link = &mut ht[t].buckets[b];
            while let Some(e) = link.as_ref() {
                if remove(e.key(), e.value()) {
                    // `link` now holds the next entry: test it without advancing.
                    if let Some(e) = unlink(link) {
                        unlinked += 1;
                        removed(e);
                    }
                    continue;
                }
                match link {
                    Some(e) => link = e.next_mut(),
                    None => break,
                }
            }
            ht[t].used -= unlinked;
        });
        self.finish_rehash_if_done();
        next
    }

    fn scan_sizes(&self) -> ScanSizes {
        if self.is_rehashing() {
            ScanSizes::Two(self.ht[0].buckets.len(), self.ht[1].buckets.len())
        } else {
            ScanSizes::One(self.ht[0].buckets.len())
        }
    }

    /// A random entry (Redis `dictGetRandomKey`): a random non-empty bucket,
    /// then a random element of its chain. Does one rehash step first.
    pub fn random_entry(&mut self, rng: &mut ChaCha8Rng) -> Option<(&[u8], &V, bool)> {
        self.op_step();
        self.draw_entry(rng)
    }

    /// The draw of [`Dict::random_entry`], without the rehash step.
    fn draw_entry(&self, rng: &mut ChaCha8Rng) -> Option<(&[u8], &V, bool)> {
        if self.is_empty() {
            return None;
        }
        // Buckets are numbered over both tables, skipping the moved part of ht[0].
        let first = self.rehash_idx.unwrap_or(0);
        let total = self.ht[0].buckets.len() + self.ht[1].buckets.len();
        let bucket = |i: usize| {
            if i < self.ht[0].buckets.len() {
                &self.ht[0].buckets[i]
            } else {
                &self.ht[1].buckets[i - self.ht[0].buckets.len()]
            }
        };
        let mut i = rng.gen_range(first..total);
        let mut draws = 1;
        while bucket(i).is_none() {
            if draws < RANDOM_BUCKET_DRAWS {
                i = rng.gen_range(first..total);
                draws += 1;
            } else {
                // A very sparse table (mid-shrink): walk on; bounded by its size.
                i = if i + 1 == total { first } else { i + 1 };
            }
        }
        let head = bucket(i).as_ref()?;
        let mut chain_len = 0;
        let mut cur = Some(head);
        while let Some(e) = cur {
            chain_len += 1;
            cur = e.next().as_ref();
        }
        let mut e = head;
        for _ in 0..rng.gen_range(0..chain_len) {
            e = e.next().as_ref()?;
        }
        Some((e.key(), e.value(), e.flag()))
    }

    /// Checks the invariants listed in the module doc; panics on a broken one.
    /// Returns how many entries carry the flag. O(n).
    pub fn check_invariants(&self) -> usize {
        let mut flagged = 0;
        for (t, table) in self.ht.iter().enumerate() {
            let size = table.buckets.len();
            assert!(size == 0 || size.is_power_of_two(), "table size {size} not a power of two");
            let mut count = 0;
            for (b, bucket) in table.buckets.iter().enumerate() {
                if t == 0 {
                    if let Some(idx) = self.rehash_idx {
                        assert!(b >= idx || bucket.is_none(), "entry below the rehash index");
                    }
                }
                let mut cur = bucket.as_ref();
                while let Some(e) = cur {
                    count += 1;
                    flagged += e.flag() as usize;
                    let h = self.hash(e.key());
                    assert_eq!(h as usize & table.mask(), b, "entry in the wrong bucket");
                    let mut later = e.next().as_ref();
                    while let Some(o) = later {
                        assert!(o.key() != e.key(), "duplicate key in a chain");
                        later = o.next().as_ref();
                    }
                    if t == 0 && self.is_rehashing() {
                        assert!(self.ht[1].find(h, e.key()).is_none(), "key in both tables");
                    }
                    cur = e.next().as_ref();
                }
            }
            assert_eq!(count, table.used, "table {t} used count");
        }
        if let Some(staged) = &self.staged {
            assert!(self.rehash_idx.is_none(), "staged array during a rehash");
            assert!(!self.ht[0].buckets.is_empty(), "staged array without a table to replace");
            assert!(staged.slots().is_power_of_two(), "staged size {} not a power of two", staged.slots());
            assert!(staged.zeroed() < staged.slots(), "a ready staged array was not made ht[1]");
        }
        match self.rehash_idx {
            None => assert!(self.ht[1].buckets.is_empty() && self.ht[1].used == 0, "ht[1] outside a rehash"),
            Some(idx) => {
                assert!(self.ht[0].used > 0, "rehash left running on an empty ht[0]");
                assert!(idx < self.ht[0].buckets.len(), "rehash index out of bounds");
                assert!(!self.ht[1].buckets.is_empty(), "rehash without a target table");
            }
        }
        flagged
    }
}

#[cfg(test)]
#[path = "dict_tests.rs"]
mod tests;

enum ScanSizes {
    One(usize),
    Two(usize, usize),
}

/// Redis's reverse-binary cursor increment: add one to the bits not masked
/// off, counting from the most significant of them.
fn next_cursor(v: u64, mask: u64) -> u64 {
    let v = v | !mask;
    v.reverse_bits().wrapping_add(1).reverse_bits()
}

/// The bucket visits of one `dictScan` step: `visit(table, bucket)`. While
/// rehashing, the small table's bucket and every bucket of the large table
/// that expands it are visited, so no element is missed whichever table it is in.
fn scan_buckets(sizes: ScanSizes, cursor: u64, mut visit: impl FnMut(usize, usize)) -> u64 {
    match sizes {
        ScanSizes::One(size) => {
            let m0 = size as u64 - 1;
            visit(0, (cursor & m0) as usize);
            next_cursor(cursor, m0)
        }
        ScanSizes::Two(size0, size1) => {
            let (small, large) = if size0 <= size1 { (0, 1) } else { (1, 0) };
            let sizes = [size0, size1];
            let (m0, m1) = (sizes[small] as u64 - 1, sizes[large] as u64 - 1);
            let mut v = cursor;
            visit(small, (v & m0) as usize);
            loop {
                visit(large, (v & m1) as usize);
                v = next_cursor(v, m1);
                if v & (m0 ^ m1) == 0 {
                    break;
                }
            }
            v
        }
    }
}

impl<V> std::fmt::Debug for Dict<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dict")
            .field("len", &self.len())
            .field("buckets", &self.bucket_counts())
            .field("rehash_idx", &self.rehash_idx)
            .field("staged", &self.staged_slots())
            .finish()
    }
}
