//! The member -> node half of a sorted set: a chained hash table whose
//! chains run through the arena nodes themselves (`Node::hash_next`), so it
//! stores no member bytes and no per-entry allocation, only one `u32` per
//! bucket.
//!
//! It grows and shrinks the way the keyspace `Dict` does (Redis `dict.c`):
//! two bucket arrays and a rehash index; every lookup, insert and remove
//! first moves one bucket (visiting at most [`EMPTY_VISITS_PER_STEP`] empty
//! ones), so no operation pays for the whole table. New bucket arrays are
//! allocated zeroed (`vec![NIL; n]` is `alloc_zeroed`, which for large
//! arrays maps fresh zero pages rather than writing them), so allocating
//! the bigger array does not touch its pages either.
//!
//! Invariants (checked by [`Index::check`]): sizes are 0 or powers of two;
//! `tables[1]` is empty unless rehashing; buckets of `tables[0]` below
//! `rehash_idx` are empty; every linked node sits in the bucket of its
//! member's hash; `used` counts the chained nodes.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;

use super::avl::{Tree, NIL};

/// First bucket array size.
const INITIAL_BUCKETS: usize = 4;
/// Empty buckets one rehash step may visit before it gives up.
const EMPTY_VISITS_PER_STEP: usize = 10;
/// Shrink when fewer than this percentage of buckets would be used.
const MIN_FILL_PERCENT: usize = 10;

#[derive(Clone, Debug)]
pub struct Index {
    hasher: FixedState,
    tables: [Box<[u32]>; 2],
    rehash_idx: Option<usize>,
    /// Nodes chained in each table.
    used: [usize; 2],
}

impl Index {
    pub fn new(seed: u64) -> Index {
        Index {
            hasher: FixedState::with_seed(seed),
            tables: [Box::new([]), Box::new([])],
            rehash_idx: None,
            used: [0, 0],
        }
    }

    pub fn len(&self) -> usize {
        self.used[0] + self.used[1]
    }

    fn hash(&self, member: &[u8]) -> usize {
        self.hasher.hash_one(member) as usize
    }

    /// The node holding `member`. Read-only: no rehash step.
    pub fn find(&self, tree: &Tree, member: &[u8]) -> Option<u32> {
        if self.len() == 0 {
            return None;
        }
        let h = self.hash(member);
        for t in 0..2 {
            let table = &self.tables[t];
            if table.is_empty() {
                continue;
            }
            let mut at = table[h & (table.len() - 1)];
            while at != NIL {
                let n = tree.node(at);
                if &*n.member == member {
                    return Some(at);
                }
                at = n.hash_next;
            }
            if self.rehash_idx.is_none() {
                break;
            }
        }
        None
    }

    /// Chains node `x` (whose member is not indexed yet).
    pub fn insert(&mut self, tree: &mut Tree, x: u32) {
        self.step(tree);
        if self.rehash_idx.is_none() && self.len() >= self.tables[0].len() {
            self.start_resize((self.len() + 1).max(INITIAL_BUCKETS).next_power_of_two());
        }
        let t = if self.rehash_idx.is_some() { 1 } else { 0 };
        let h = self.hash(&tree.node(x).member);
        let table = &mut self.tables[t];
        let b = h & (table.len() - 1);
        tree.nodes[x as usize].hash_next = table[b];
        table[b] = x;
        self.used[t] += 1;
    }

    /// Unchains node `x` (which is indexed).
    pub fn remove(&mut self, tree: &mut Tree, x: u32) {
        self.step(tree);
        let h = self.hash(&tree.node(x).member);
        let mut found = None;
        for t in 0..2 {
            let len = self.tables[t].len();
            if len == 0 {
                continue;
            }
            let b = h & (len - 1);
            let mut prev = NIL;
            let mut at = self.tables[t][b];
            while at != NIL {
                let next = tree.node(at).hash_next;
                if at == x {
                    if prev == NIL {
                        self.tables[t][b] = next;
                    } else {
                        tree.nodes[prev as usize].hash_next = next;
                    }
                    found = Some(t);
                    break;
                }
                prev = at;
                at = next;
            }
            if found.is_some() {
                break;
            }
        }
        let t = found.expect("removing a node the index does not hold");
        tree.nodes[x as usize].hash_next = NIL;
        self.used[t] -= 1;
        self.finish_if_done();
        if self.len() == 0 && self.rehash_idx.is_none() {
            self.tables = [Box::new([]), Box::new([])];
            return;
        }
        let size = self.tables[0].len();
        if self.rehash_idx.is_none() && size > INITIAL_BUCKETS && self.len() * 100 / size < MIN_FILL_PERCENT {
            self.start_resize(self.len().max(INITIAL_BUCKETS).next_power_of_two());
        }
    }

    fn start_resize(&mut self, buckets: usize) {
        if self.tables[0].is_empty() {
            self.tables[0] = vec![NIL; buckets].into_boxed_slice();
            return;
        }
        if buckets == self.tables[0].len() {
            return;
        }
        self.tables[1] = vec![NIL; buckets].into_boxed_slice();
        self.rehash_idx = Some(0);
    }

    /// Moves one bucket of `tables[0]` to `tables[1]` if rehashing.
    fn step(&mut self, tree: &mut Tree) {
        let Some(mut idx) = self.rehash_idx else { return };
        let mut empty_visits = 0;
        while idx < self.tables[0].len() && self.tables[0][idx] == NIL {
            idx += 1;
            empty_visits += 1;
            if empty_visits == EMPTY_VISITS_PER_STEP {
                self.rehash_idx = Some(idx);
                self.finish_if_done();
                return;
            }
        }
        if idx < self.tables[0].len() {
            let mut at = std::mem::replace(&mut self.tables[0][idx], NIL);
            let mask = self.tables[1].len() - 1;
            while at != NIL {
                let next = tree.node(at).hash_next;
                let b = self.hash(&tree.node(at).member) & mask;
                tree.nodes[at as usize].hash_next = self.tables[1][b];
                self.tables[1][b] = at;
                self.used[0] -= 1;
                self.used[1] += 1;
                at = next;
            }
            idx += 1;
        }
        self.rehash_idx = Some(idx);
        self.finish_if_done();
    }

    /// Ends a rehash once `tables[0]` holds nothing.
    fn finish_if_done(&mut self) {
        if self.rehash_idx.is_some() && self.used[0] == 0 {
            self.tables[0] = std::mem::replace(&mut self.tables[1], Box::new([]));
            self.used = [self.used[1], 0];
            self.rehash_idx = None;
        }
    }

    /// One Redis `dictScan` step over the node chains: calls `f` for the
    /// nodes of the bucket(s) `cursor` names, returns the next cursor. The
    /// reverse-binary cursor visits every node present for the whole scan
    /// at least once, across grows, shrinks and rehashes.
    pub fn scan(&self, tree: &Tree, cursor: u64, mut f: impl FnMut(&[u8], f64)) -> u64 {
        if self.len() == 0 {
            return 0;
        }
        let mut visit = |table: &[u32], b: usize| {
            let mut at = table[b];
            while at != NIL {
                let n = tree.node(at);
                f(&n.member, n.score);
                at = n.hash_next;
            }
        };
        let next = |v: u64, mask: u64| (((v | !mask).reverse_bits()).wrapping_add(1)).reverse_bits();
        let mut v = cursor;
        if self.rehash_idx.is_none() {
            let m0 = self.tables[0].len() as u64 - 1;
            visit(&self.tables[0], (v & m0) as usize);
            return next(v, m0);
        }
        let (small, large) = if self.tables[0].len() <= self.tables[1].len() {
            (&self.tables[0], &self.tables[1])
        } else {
            (&self.tables[1], &self.tables[0])
        };
        let (m0, m1) = (small.len() as u64 - 1, large.len() as u64 - 1);
        visit(small, (v & m0) as usize);
        loop {
            visit(large, (v & m1) as usize);
            v = next(v, m1);
            if v & (m0 ^ m1) == 0 {
                return v;
            }
        }
    }

    /// Checks the invariants in the module doc against `tree`; returns the
    /// number of indexed nodes. O(n + buckets).
    pub fn check(&self, tree: &Tree) -> usize {
        let mut count = 0;
        for (t, table) in self.tables.iter().enumerate() {
            let before = count;
            assert!(table.is_empty() || table.len().is_power_of_two());
            if t == 1 {
                assert_eq!(table.is_empty(), self.rehash_idx.is_none(), "second table only while rehashing");
            }
            for (b, &head) in table.iter().enumerate() {
                if t == 0 {
                    if let Some(idx) = self.rehash_idx {
                        assert!(b >= idx || head == NIL, "moved bucket not empty");
                    }
                }
                let mut at = head;
                while at != NIL {
                    let n = tree.node(at);
                    assert_eq!(self.hash(&n.member) & (table.len() - 1), b, "node in the wrong bucket");
                    count += 1;
                    assert!(count <= tree.nodes.len(), "chain loops");
                    at = n.hash_next;
                }
            }
            assert_eq!(count - before, self.used[t], "used count of table {t}");
        }
        if self.rehash_idx.is_some() {
            assert!(self.used[0] > 0, "a rehash ends when the old table is empty");
        }
        count
    }
}
