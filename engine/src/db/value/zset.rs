//! ZSetValue: a sorted set, members (byte strings) each with a score (a
//! non-NaN f64), ordered by (score, member).
//!
//! # Design
//! Two views over one set of nodes, as Redis's `zset` pairs a dict with a
//! skiplist (`t_zset.c`):
//! - an AVL tree ([`avl`]) ordered by (score, member), every node holding
//!   its subtree's size, so ZRANK, ZRANGE by index, ZCOUNT, ZLEXCOUNT and
//!   the start of any range are O(log n), and walking m results from there
//!   is O(m) (an explicit stack, no parent links);
//! - a hash index ([`index`]) from member to node, so ZSCORE, ZADD's
//!   existence check and ZREM find a member in O(1) without knowing its
//!   score.
//!
//! Nodes live in an arena (`Vec` with `u32` links and a free list): one
//! slot per member, no per-node allocation besides the member bytes. Each
//! member is stored once, in its node; the tree orders node indices and the
//! hash index chains node indices through the nodes, so neither holds a
//! copy. The index grows and shrinks incrementally (like the keyspace
//! `Dict`), so no insert pauses O(n).
//!
//! Redis 7.0 stores a small set as a listpack and converts it, one way, to
//! a skiplist. The representation here is always the tree; `listpack`
//! only remembers which name `OBJECT ENCODING` would report, and the rules
//! for when it flips live with the commands that cause it (see
//! [`ZSetValue::insert`] and the `cmd::zset` family).
//!
//! # Invariants (checked by [`ZSetValue::check_invariants`])
//! The tree is an AVL tree (balance in -1..=1, heights and subtree sizes
//! exact) in strictly increasing (score, member) order with no NaN score;
//! the index holds exactly the tree's nodes, each in its hash's bucket; the
//! index finds every node under its own member; every arena slot is either
//! in the tree or on the free list.

mod avl;
mod index;

#[cfg(test)]
use avl::cmp_key;
use avl::{Tree, NIL};
use index::Index;

pub use avl::Iter;

/// The thresholds under which Redis keeps a sorted set as a listpack
/// (`zset-max-listpack-entries`, `zset-max-listpack-value`).
#[derive(Clone, Copy, Debug)]
pub struct ListpackLimits {
    pub entries: u64,
    pub value_bytes: u64,
}

impl ListpackLimits {
    /// Whether a set of `len` members whose longest is `max_member_bytes`
    /// fits a listpack.
    pub fn fits(&self, len: usize, max_member_bytes: usize) -> bool {
        len as u64 <= self.entries && max_member_bytes as u64 <= self.value_bytes
    }
}

#[derive(Clone, Debug)]
pub struct ZSetValue {
    tree: Tree,
    index: Index,
    /// Redis would report `listpack` (else `skiplist`).
    listpack: bool,
}

impl ZSetValue {
    /// Lazy free: drops up to `*budget` nodes (and their members) from the
    /// arena's end, leaving links that point nowhere: the value is only
    /// ever dropped after this. See `db::lazyfree`.
    pub(crate) fn free_some(&mut self, budget: &mut usize) -> bool {
        let nodes = &mut self.tree.nodes;
        let n = nodes.len().min(*budget);
        nodes.truncate(nodes.len() - n);
        *budget -= n;
        nodes.is_empty()
    }

    /// An empty set hashing with `seed` (the database's), reported as
    /// `listpack` or `skiplist`.
    pub fn new(seed: u64, listpack: bool) -> ZSetValue {
        ZSetValue { tree: Tree::new(), index: Index::new(seed), listpack }
    }

    /// The name OBJECT ENCODING replies with.
    pub fn encoding_name(&self) -> &'static str {
        if self.listpack {
            "listpack"
        } else {
            "skiplist"
        }
    }

    pub fn is_listpack(&self) -> bool {
        self.listpack
    }

    /// Redis would now report `skiplist` (conversion is one-way).
    pub fn convert_to_skiplist(&mut self) {
        self.listpack = false;
    }

    pub fn len(&self) -> usize {
        self.tree.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.index.find(&self.tree, member).map(|i| self.tree.node(i).score)
    }

    /// Sets `member`'s score, adding it if new (Redis `zsetAdd`'s last
    /// step); returns whether it was new. A new member converts a listpack
    /// that would outgrow `limits`. `score` must not be NaN.
    pub fn insert(&mut self, member: &[u8], score: f64, limits: ListpackLimits) -> bool {
        assert!(!score.is_nan(), "NaN score");
        if let Some(i) = self.index.find(&self.tree, member) {
            // Redis updates only a different score (so -0 keeps a stored 0).
            if self.tree.node(i).score != score {
                let score = if self.listpack && score == 0.0 { 0.0 } else { score };
                self.tree.unlink(i);
                self.tree.nodes[i as usize].score = score;
                self.tree.link(i);
            }
            return false;
        }
        if self.listpack && !limits.fits(self.len() + 1, member.len()) {
            self.listpack = false;
        }
        // A listpack stores scores as text that reads back -0 as 0.
        let score = if self.listpack && score == 0.0 { 0.0 } else { score };
        let i = self.tree.alloc(member, score);
        self.tree.link(i);
        self.index.insert(&mut self.tree, i);
        true
    }

    /// Removes `member`; returns its score.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let i = self.index.find(&self.tree, member)?;
        Some(self.remove_node(i))
    }

    fn remove_node(&mut self, i: u32) -> f64 {
        let score = self.tree.node(i).score;
        self.index.remove(&mut self.tree, i);
        self.tree.unlink(i);
        self.tree.free(i);
        score
    }

    /// Removes the member at 0-based ascending `rank` (< len); returns it.
    pub fn remove_at(&mut self, rank: usize) -> (Vec<u8>, f64) {
        let i = self.tree.select(rank);
        let member = self.tree.node(i).member.to_vec();
        let score = self.remove_node(i);
        (member, score)
    }

    /// The 0-based ascending rank of `member`.
    pub fn rank(&self, member: &[u8]) -> Option<usize> {
        self.index.find(&self.tree, member).map(|i| self.tree.rank_of(i))
    }

    /// The member and score at 0-based ascending `rank` (< len).
    pub fn at(&self, rank: usize) -> (&[u8], f64) {
        let n = self.tree.node(self.tree.select(rank));
        (&n.member, n.score)
    }

    /// Members in order from `rank`: ascending, or descending when `rev`
    /// (then `rank` 0 is the highest).
    pub fn iter_from(&self, rank: usize, rev: bool) -> Iter<'_> {
        self.tree.iter_from(rank, rev)
    }

    /// How many members come before the first one for which `at_or_after`
    /// holds (a predicate monotone over the order: false, then true).
    pub fn count_before(&self, at_or_after: impl Fn(f64, &[u8]) -> bool) -> usize {
        self.tree.count_before(|n| at_or_after(n.score, &n.member))
    }

    /// A hash-table walk step for ZSCAN (Redis `dictScan` order): calls `f`
    /// for the members in the bucket(s) `cursor` names; returns the next
    /// cursor, 0 when done.
    pub fn scan_step(&self, cursor: u64, f: impl FnMut(&[u8], f64)) -> u64 {
        self.index.scan(&self.tree, cursor, f)
    }

    /// Checks the invariants in the module doc; panics on a broken one. O(n).
    pub fn check_invariants(&self) {
        let count = self.tree.check();
        assert_eq!(self.index.check(&self.tree), count, "index and tree disagree");
        for n in self.tree.iter_from(0, false) {
            let i = self.index.find(&self.tree, &n.member).expect("tree member missing from the index");
            assert!(std::ptr::eq(self.tree.node(i), n), "index names another node");
        }
        assert!(self.tree.root != NIL || count == 0);
    }
}

impl PartialEq for ZSetValue {
    /// Same members with the same scores (bit for bit), same encoding name.
    fn eq(&self, other: &ZSetValue) -> bool {
        self.listpack == other.listpack
            && self.len() == other.len()
            && self
                .iter_from(0, false)
                .zip(other.iter_from(0, false))
                .all(|(a, b)| a.member == b.member && a.score.to_bits() == b.score.to_bits())
    }
}

#[cfg(test)]
mod tests;
