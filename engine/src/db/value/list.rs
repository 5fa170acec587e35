//! [`ListValue`]: the list type.
//!
//! # Design
//! A ring buffer (`VecDeque`) of [`ThinBytes`], one 8-byte pointer per
//! element, each pointing to a block with the element's length in front.
//! Pushes and pops at both ends are O(1) (amortized), LINDEX and LSET are
//! O(1) anywhere, LRANGE is O(S + N) with S = 0; LINSERT, LREM and a pop
//! from the middle shift elements (O(N), as Redis's are).
//!
//! Redis 7.0 stores every list as a quicklist (listpack lists came in 7.2),
//! so OBJECT ENCODING answers `quicklist` whatever the size: there is no
//! conversion threshold to mirror.
//!
//! # Invariants
//! - a list stored in the keyspace is never empty (the commands delete the
//!   key when they remove its last element; [`ListValue::check_invariants`]
//!   cannot see the key, callers assert it);
//! - every element is owned by the list (copied in from the request, never
//!   a slice of a read buffer).

use std::collections::VecDeque;

use super::ThinBytes;

#[derive(Clone, Debug, Default)]
pub struct ListValue {
    items: VecDeque<ThinBytes>,
}

impl PartialEq for ListValue {
    /// Same elements in the same order.
    fn eq(&self, other: &ListValue) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

/// Which end of a list (LMOVE's LEFT/RIGHT, LPUSH vs RPUSH).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Head,
    Tail,
}

impl ListValue {
    /// Lazy free: drops up to `*budget` elements (see `db::lazyfree`).
    pub(crate) fn free_some(&mut self, budget: &mut usize) -> bool {
        let n = self.items.len().min(*budget);
        self.items.truncate(self.items.len() - n);
        *budget -= n;
        self.items.is_empty()
    }

    pub fn new() -> ListValue {
        ListValue::default()
    }

    /// The name OBJECT ENCODING replies with (Redis 7.0: always quicklist).
    pub fn encoding_name(&self) -> &'static str {
        "quicklist"
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn push(&mut self, end: End, element: &[u8]) {
        let t = ThinBytes::from_slice(element);
        match end {
            End::Head => self.items.push_front(t),
            End::Tail => self.items.push_back(t),
        }
    }

    /// Pushes an element already owned (LMOVE moves it without a copy).
    pub fn push_owned(&mut self, end: End, element: ThinBytes) {
        match end {
            End::Head => self.items.push_front(element),
            End::Tail => self.items.push_back(element),
        }
    }

    pub fn pop(&mut self, end: End) -> Option<ThinBytes> {
        match end {
            End::Head => self.items.pop_front(),
            End::Tail => self.items.pop_back(),
        }
    }

    /// The element at `index` (0 = head).
    pub fn get(&self, index: usize) -> Option<&[u8]> {
        self.items.get(index).map(ThinBytes::as_slice)
    }

    /// Replaces the element at `index`; false if out of range.
    pub fn set(&mut self, index: usize, element: &[u8]) -> bool {
        match self.items.get_mut(index) {
            Some(slot) => {
                *slot = ThinBytes::from_slice(element);
                true
            }
            None => false,
        }
    }

    /// Inserts `element` so that it ends up at `index` (`index <= len`).
    pub fn insert(&mut self, index: usize, element: &[u8]) {
        assert!(index <= self.items.len(), "insert past the end");
        self.items.insert(index, ThinBytes::from_slice(element));
    }

    /// Removes the element at `index`.
    pub fn remove(&mut self, index: usize) -> Option<ThinBytes> {
        self.items.remove(index)
    }

    /// The elements from `start` to `end` inclusive (`start <= end < len`).
    pub fn range(&self, start: usize, end: usize) -> impl DoubleEndedIterator<Item = &[u8]> + '_ {
        self.items.range(start..=end).map(ThinBytes::as_slice)
    }

    /// Every element, head to tail.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &[u8]> + ExactSizeIterator + '_ {
        self.items.iter().map(ThinBytes::as_slice)
    }

    /// Keeps only the elements in `start..=end`, or none when `start > end`
    /// (LTRIM after its index normalization).
    pub fn keep_range(&mut self, start: usize, end: usize) {
        if start > end || start >= self.items.len() {
            self.items.clear();
            return;
        }
        let end = end.min(self.items.len() - 1);
        self.items.truncate(end + 1);
        self.items.drain(..start);
        self.shrink_if_sparse();
    }

    /// Removes up to `limit` elements equal to `element` (0: all), scanning
    /// from the head, or from the tail when `from_tail`. Returns how many.
    pub fn remove_matching(&mut self, element: &[u8], limit: usize, from_tail: bool) -> usize {
        let mut removed = 0;
        if from_tail {
            let mut i = self.items.len();
            while i > 0 && (limit == 0 || removed < limit) {
                i -= 1;
                if self.items[i].as_slice() == element {
                    self.items.remove(i);
                    removed += 1;
                }
            }
        } else {
            // One pass that compacts in place: O(N) however many match.
            let mut kept = VecDeque::with_capacity(self.items.len());
            for item in self.items.drain(..) {
                if item.as_slice() == element && (limit == 0 || removed < limit) {
                    removed += 1;
                } else {
                    kept.push_back(item);
                }
            }
            self.items = kept;
        }
        self.shrink_if_sparse();
        removed
    }

    /// Gives memory back once a list has shrunk to a quarter of its buffer,
    /// so a list that was once huge does not keep its peak forever.
    fn shrink_if_sparse(&mut self) {
        const MIN_CAPACITY: usize = 16;
        if self.items.capacity() > MIN_CAPACITY && self.items.len() < self.items.capacity() / 4 {
            self.items.shrink_to(self.items.len().max(MIN_CAPACITY) * 2);
        }
    }

    /// Like [`ListValue::pop`], then shrinks a sparse buffer.
    pub fn pop_shrinking(&mut self, end: End) -> Option<ThinBytes> {
        let popped = self.pop(end);
        self.shrink_if_sparse();
        popped
    }

    /// Checks the list's own invariants (see the module doc).
    pub fn check_invariants(&self) {
        assert!(self.items.len() <= self.items.capacity());
    }
}

/// Redis's index normalization: a negative index counts from the tail.
/// `None` when the index falls outside the list.
pub fn normalize_index(index: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let i = if index < 0 { len.checked_add(index)? } else { index };
    (0..len).contains(&i).then_some(i as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Push(bool, Vec<u8>),
        Pop(bool),
        Set(usize, Vec<u8>),
        Insert(usize, Vec<u8>),
        Remove(usize),
        Trim(usize, usize),
        RemoveMatching(Vec<u8>, usize, bool),
    }

    fn elem() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(prop::sample::select(vec![b'a', b'b', b'c']), 0..3)
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (any::<bool>(), elem()).prop_map(|(h, e)| Op::Push(h, e)),
            any::<bool>().prop_map(Op::Pop),
            (0..40usize, elem()).prop_map(|(i, e)| Op::Set(i, e)),
            (0..40usize, elem()).prop_map(|(i, e)| Op::Insert(i, e)),
            (0..40usize).prop_map(Op::Remove),
            (0..40usize, 0..40usize).prop_map(|(a, b)| Op::Trim(a, b)),
            (elem(), 0..4usize, any::<bool>()).prop_map(|(e, n, t)| Op::RemoveMatching(e, n, t)),
        ]
    }

    fn end(head: bool) -> End {
        if head {
            End::Head
        } else {
            End::Tail
        }
    }

    proptest! {
        /// Every operation agrees with the same operation on a plain Vec.
        #[test]
        fn matches_a_vec(ops in prop::collection::vec(op(), 0..200)) {
            let mut list = ListValue::new();
            let mut model: Vec<Vec<u8>> = Vec::new();
            for op in ops {
                match op {
                    Op::Push(h, e) => {
                        list.push(end(h), &e);
                        if h { model.insert(0, e) } else { model.push(e) }
                    }
                    Op::Pop(h) => {
                        let got = list.pop_shrinking(end(h)).map(|t| t.as_slice().to_vec());
                        let want = if model.is_empty() { None } else if h { Some(model.remove(0)) } else { model.pop() };
                        prop_assert_eq!(got, want);
                    }
                    Op::Set(i, e) => {
                        let ok = list.set(i, &e);
                        prop_assert_eq!(ok, i < model.len());
                        if ok { model[i] = e; }
                    }
                    Op::Insert(i, e) => {
                        if i <= model.len() { list.insert(i, &e); model.insert(i, e); }
                    }
                    Op::Remove(i) => {
                        let got = list.remove(i).map(|t| t.as_slice().to_vec());
                        let want = (i < model.len()).then(|| model.remove(i));
                        prop_assert_eq!(got, want);
                    }
                    Op::Trim(a, b) => {
                        list.keep_range(a, b);
                        if a > b || a >= model.len() { model.clear() } else {
                            let b = b.min(model.len() - 1);
                            model = model[a..=b].to_vec();
                        }
                    }
                    Op::RemoveMatching(e, n, t) => {
                        let got = list.remove_matching(&e, n, t);
                        let mut idx: Vec<usize> = (0..model.len()).filter(|&i| model[i] == e).collect();
                        if t { idx.reverse(); }
                        if n > 0 { idx.truncate(n); }
                        idx.sort_unstable();
                        for &i in idx.iter().rev() { model.remove(i); }
                        prop_assert_eq!(got, idx.len());
                    }
                }
                list.check_invariants();
                prop_assert_eq!(list.len(), model.len());
                let got: Vec<Vec<u8>> = list.iter().map(<[u8]>::to_vec).collect();
                prop_assert_eq!(&got, &model);
                for (i, m) in model.iter().enumerate() {
                    prop_assert_eq!(list.get(i), Some(&m[..]));
                }
            }
        }
    }

    #[test]
    fn index_normalization() {
        assert_eq!(normalize_index(0, 3), Some(0));
        assert_eq!(normalize_index(-1, 3), Some(2));
        assert_eq!(normalize_index(-3, 3), Some(0));
        assert_eq!(normalize_index(-4, 3), None);
        assert_eq!(normalize_index(3, 3), None);
        assert_eq!(normalize_index(i64::MIN, 3), None);
        assert_eq!(normalize_index(0, 0), None);
    }

    #[test]
    fn encoding_is_quicklist_at_every_size() {
        let mut l = ListValue::new();
        assert_eq!(l.encoding_name(), "quicklist");
        for i in 0..1000u32 {
            l.push(End::Tail, &i.to_le_bytes());
        }
        assert_eq!(l.encoding_name(), "quicklist");
    }
}
