//! The ordered half of a sorted set: an AVL tree over arena nodes, ordered
//! by (score, member bytes), each node keeping its subtree's size so rank
//! and select are O(log n).
//!
//! Nodes live in one `Vec` and name each other by `u32` index; index 0 is a
//! sentinel ([`NIL`]) so "no child" costs no `Option`. A removed node goes on
//! a free list (threaded through `left`) and its slot is reused. A node's
//! index never changes while it is in the tree: removal relinks nodes rather
//! than moving their contents, because the hash index (`index.rs`) names
//! members by node index. The node owns its member bytes; nothing else holds
//! a copy.

use std::cmp::Ordering;

/// "No node": the sentinel slot 0 of the arena.
pub const NIL: u32 = 0;

#[derive(Clone, Debug)]
pub struct Node {
    pub member: Box<[u8]>,
    pub score: f64,
    pub left: u32,
    pub right: u32,
    /// Next node in the same hash bucket (see `index.rs`).
    pub hash_next: u32,
    /// Nodes in this subtree, itself included.
    pub size: u32,
    /// Height of this subtree (a leaf is 1; NIL is 0).
    pub height: u8,
}

/// The order of the set: by score, then by member bytes (memcmp), as Redis
/// orders its skiplist. Scores are never NaN.
pub fn cmp_key(score_a: f64, member_a: &[u8], score_b: f64, member_b: &[u8]) -> Ordering {
    match score_a.partial_cmp(&score_b) {
        Some(Ordering::Equal) | None => member_a.cmp(member_b),
        Some(o) => o,
    }
}

#[derive(Clone, Debug)]
pub struct Tree {
    pub nodes: Vec<Node>,
    pub root: u32,
    free_head: u32,
}

impl Default for Tree {
    fn default() -> Tree {
        Tree::new()
    }
}

impl Tree {
    pub fn new() -> Tree {
        let sentinel =
            Node { member: Box::new([]), score: 0.0, left: NIL, right: NIL, hash_next: NIL, size: 0, height: 0 };
        Tree { nodes: vec![sentinel], root: NIL, free_head: NIL }
    }

    pub fn len(&self) -> usize {
        self.nodes[self.root as usize].size as usize
    }

    pub fn node(&self, i: u32) -> &Node {
        &self.nodes[i as usize]
    }

    /// Takes a slot for a new node (not yet linked into the tree).
    pub fn alloc(&mut self, member: &[u8], score: f64) -> u32 {
        let node = Node { member: member.into(), score, left: NIL, right: NIL, hash_next: NIL, size: 1, height: 1 };
        if self.free_head != NIL {
            let i = self.free_head;
            self.free_head = self.nodes[i as usize].left;
            self.nodes[i as usize] = node;
            i
        } else {
            assert!(self.nodes.len() < u32::MAX as usize, "sorted set arena full");
            self.nodes.push(node);
            (self.nodes.len() - 1) as u32
        }
    }

    /// Returns an unlinked node's slot to the free list, dropping its member.
    pub fn free(&mut self, i: u32) {
        let n = &mut self.nodes[i as usize];
        n.member = Box::new([]);
        n.left = self.free_head;
        n.right = NIL;
        n.size = 0;
        n.height = 0;
        self.free_head = i;
        // When the set empties, give the arena back entirely.
        if self.root == NIL {
            self.nodes.truncate(1);
            self.nodes.shrink_to_fit();
            self.free_head = NIL;
        }
    }

    fn h(&self, i: u32) -> i32 {
        self.nodes[i as usize].height as i32
    }

    fn sz(&self, i: u32) -> u32 {
        self.nodes[i as usize].size
    }

    fn update(&mut self, i: u32) {
        let (l, r) = (self.nodes[i as usize].left, self.nodes[i as usize].right);
        let height = 1 + self.h(l).max(self.h(r));
        let size = 1 + self.sz(l) + self.sz(r);
        let n = &mut self.nodes[i as usize];
        n.height = height as u8;
        n.size = size;
    }

    fn rotate_right(&mut self, i: u32) -> u32 {
        let l = self.nodes[i as usize].left;
        self.nodes[i as usize].left = self.nodes[l as usize].right;
        self.nodes[l as usize].right = i;
        self.update(i);
        self.update(l);
        l
    }

    fn rotate_left(&mut self, i: u32) -> u32 {
        let r = self.nodes[i as usize].right;
        self.nodes[i as usize].right = self.nodes[r as usize].left;
        self.nodes[r as usize].left = i;
        self.update(i);
        self.update(r);
        r
    }

    /// Restores the AVL balance at `i` (children balanced, heights off by
    /// at most 2) and returns the subtree's new root.
    fn balance(&mut self, i: u32) -> u32 {
        self.update(i);
        let (l, r) = (self.nodes[i as usize].left, self.nodes[i as usize].right);
        let diff = self.h(l) - self.h(r);
        if diff > 1 {
            let (ll, lr) = (self.nodes[l as usize].left, self.nodes[l as usize].right);
            if self.h(ll) < self.h(lr) {
                self.nodes[i as usize].left = self.rotate_left(l);
            }
            return self.rotate_right(i);
        }
        if diff < -1 {
            let (rl, rr) = (self.nodes[r as usize].left, self.nodes[r as usize].right);
            if self.h(rr) < self.h(rl) {
                self.nodes[i as usize].right = self.rotate_right(r);
            }
            return self.rotate_left(i);
        }
        i
    }

    fn cmp_nodes(&self, a: u32, b: u32) -> Ordering {
        let (na, nb) = (&self.nodes[a as usize], &self.nodes[b as usize]);
        cmp_key(na.score, &na.member, nb.score, &nb.member)
    }

    /// Links the unlinked node `x` into the tree. Its key must not be there.
    pub fn link(&mut self, x: u32) {
        let n = &mut self.nodes[x as usize];
        n.left = NIL;
        n.right = NIL;
        n.size = 1;
        n.height = 1;
        self.root = self.link_at(self.root, x);
    }

    fn link_at(&mut self, at: u32, x: u32) -> u32 {
        if at == NIL {
            return x;
        }
        match self.cmp_nodes(x, at) {
            Ordering::Less => {
                let l = self.link_at(self.nodes[at as usize].left, x);
                self.nodes[at as usize].left = l;
            }
            Ordering::Greater => {
                let r = self.link_at(self.nodes[at as usize].right, x);
                self.nodes[at as usize].right = r;
            }
            Ordering::Equal => panic!("key linked twice"),
        }
        self.balance(at)
    }

    /// Unlinks node `x` (which is in the tree) without freeing it.
    pub fn unlink(&mut self, x: u32) {
        self.root = self.unlink_at(self.root, x);
    }

    fn unlink_at(&mut self, at: u32, x: u32) -> u32 {
        assert!(at != NIL, "unlinking a node that is not in the tree");
        match self.cmp_nodes(x, at) {
            Ordering::Less => {
                let l = self.unlink_at(self.nodes[at as usize].left, x);
                self.nodes[at as usize].left = l;
            }
            Ordering::Greater => {
                let r = self.unlink_at(self.nodes[at as usize].right, x);
                self.nodes[at as usize].right = r;
            }
            Ordering::Equal => {
                let (l, r) = (self.nodes[at as usize].left, self.nodes[at as usize].right);
                if l == NIL {
                    return r;
                }
                if r == NIL {
                    return l;
                }
                // Two children: the successor node itself takes `at`'s place.
                let (rest, succ) = self.take_min(r);
                self.nodes[succ as usize].left = l;
                self.nodes[succ as usize].right = rest;
                return self.balance(succ);
            }
        }
        self.balance(at)
    }

    /// Detaches the smallest node of the subtree at `at`; returns the new
    /// subtree root and the detached node.
    fn take_min(&mut self, at: u32) -> (u32, u32) {
        let l = self.nodes[at as usize].left;
        if l == NIL {
            return (self.nodes[at as usize].right, at);
        }
        let (rest, min) = self.take_min(l);
        self.nodes[at as usize].left = rest;
        (self.balance(at), min)
    }

    /// How many nodes come before the first node for which `at_or_after`
    /// holds. `at_or_after` must be monotone over the order (false, then
    /// true). O(log n).
    pub fn count_before(&self, at_or_after: impl Fn(&Node) -> bool) -> usize {
        let mut at = self.root;
        let mut before = 0usize;
        while at != NIL {
            let n = &self.nodes[at as usize];
            if at_or_after(n) {
                at = n.left;
            } else {
                before += self.sz(n.left) as usize + 1;
                at = n.right;
            }
        }
        before
    }

    /// The 0-based rank of node `x` (in the tree). O(log n).
    pub fn rank_of(&self, x: u32) -> usize {
        let nx = &self.nodes[x as usize];
        self.count_before(|n| cmp_key(n.score, &n.member, nx.score, &nx.member) != Ordering::Less)
    }

    /// The node at 0-based `rank` (< len). O(log n).
    pub fn select(&self, mut rank: usize) -> u32 {
        let mut at = self.root;
        loop {
            assert!(at != NIL, "rank out of range");
            let n = &self.nodes[at as usize];
            let left = self.sz(n.left) as usize;
            match rank.cmp(&left) {
                Ordering::Less => at = n.left,
                Ordering::Equal => return at,
                Ordering::Greater => {
                    rank -= left + 1;
                    at = n.right;
                }
            }
        }
    }

    /// Walks the nodes in order from `rank` (ascending, or descending when
    /// `rev`, where `rank` counts from the end): O(log n) to start, then
    /// amortised O(1) per node.
    pub fn iter_from(&self, rank: usize, rev: bool) -> Iter<'_> {
        let mut it = Iter { tree: self, stack: Vec::new(), rev };
        let len = self.len();
        if rank >= len {
            return it;
        }
        // Descend to the start node, stacking every ancestor still ahead of us.
        let mut target = if rev { len - 1 - rank } else { rank };
        let mut at = self.root;
        while at != NIL {
            let n = &self.nodes[at as usize];
            let left = self.sz(n.left) as usize;
            match target.cmp(&left) {
                Ordering::Less => {
                    if !rev {
                        it.stack.push(at);
                    }
                    at = n.left;
                }
                Ordering::Equal => {
                    it.stack.push(at);
                    break;
                }
                Ordering::Greater => {
                    if rev {
                        it.stack.push(at);
                    }
                    target -= left + 1;
                    at = n.right;
                }
            }
        }
        it
    }

    /// Checks balance, order and sizes; returns the node count. O(n).
    pub fn check(&self) -> usize {
        let count = self.check_at(self.root, None, None);
        assert_eq!(count, self.len());
        let mut free = 0;
        let mut f = self.free_head;
        while f != NIL {
            free += 1;
            assert!(free < self.nodes.len(), "free list loops");
            f = self.nodes[f as usize].left;
        }
        assert_eq!(count + free + 1, self.nodes.len(), "every slot is in the tree or free");
        count
    }

    fn check_at(&self, at: u32, lo: Option<u32>, hi: Option<u32>) -> usize {
        if at == NIL {
            return 0;
        }
        let n = &self.nodes[at as usize];
        assert!(!n.score.is_nan(), "NaN score");
        if let Some(lo) = lo {
            assert_eq!(self.cmp_nodes(lo, at), Ordering::Less, "order");
        }
        if let Some(hi) = hi {
            assert_eq!(self.cmp_nodes(at, hi), Ordering::Less, "order");
        }
        let l = self.check_at(n.left, lo, Some(at));
        let r = self.check_at(n.right, Some(at), hi);
        assert_eq!(n.size as usize, l + r + 1, "subtree size");
        let (hl, hr) = (self.h(n.left), self.h(n.right));
        assert_eq!(n.height as i32, 1 + hl.max(hr), "height");
        assert!((hl - hr).abs() <= 1, "balance");
        l + r + 1
    }
}

/// In-order walk (see [`Tree::iter_from`]). The stack holds the nodes still
/// to visit whose far subtree is unvisited; its depth is the tree's height.
pub struct Iter<'a> {
    tree: &'a Tree,
    stack: Vec<u32>,
    rev: bool,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Node;

    fn next(&mut self) -> Option<&'a Node> {
        let at = self.stack.pop()?;
        let n = &self.tree.nodes[at as usize];
        let mut next = if self.rev { n.left } else { n.right };
        while next != NIL {
            self.stack.push(next);
            let m = &self.tree.nodes[next as usize];
            next = if self.rev { m.right } else { m.left };
        }
        Some(n)
    }
}
