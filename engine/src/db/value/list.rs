//! [`ListValue`]: the list type.
//!
//! # Design
//! A ring buffer (`VecDeque`) of chunks, each holding up to
//! [`CHUNK_BYTES_MAX`] bytes of elements packed back to back plus one
//! 2-byte offset per element (Redis's quicklist of listpacks, with an
//! offset table instead of per-entry length headers so any element of a
//! chunk is found in O(1) and a chunk walks backwards as easily as
//! forwards). An element longer than a chunk gets a chunk of its own.
//! Per element that is its bytes plus 2, instead of a pointer to its own
//! allocation (8 + a 16-byte header + allocator rounding).
//!
//! Costs: a push or pop at either end moves at most one chunk's bytes
//! (as Redis's listpack does); LINDEX, LSET and LINSERT walk the chunk
//! lengths from the nearer end, O(N / elements per chunk), then touch one
//! chunk; LRANGE is O(S + N) with S that walk. A chunk that shrinks below
//! a quarter merges with a neighbour that has room, so deletions do not
//! leave a trail of near-empty chunks. The chunk at either end grows its
//! buffers as it fills; a chunk that stops being the end is trimmed to
//! size.
//!
//! Redis 7.0 stores every list as a quicklist (listpack lists came in 7.2),
//! so OBJECT ENCODING answers `quicklist` whatever the size: there is no
//! conversion threshold to mirror.
//!
//! # Invariants
//! - a list stored in the keyspace is never empty (the commands delete the
//!   key when they remove its last element; [`ListValue::check_invariants`]
//!   cannot see the key, callers assert it);
//! - no chunk is empty; the chunks' element counts add up to `len`;
//! - a chunk of more than one element holds at most [`CHUNK_BYTES_MAX`]
//!   bytes (so its offsets fit in `u16`), offsets increasing from 0;
//! - every element is owned by the list (copied in from the request, never
//!   a slice of a read buffer).

use std::collections::VecDeque;

use super::ThinBytes;

/// Bytes of packed elements one chunk holds at most (unless it holds a
/// single longer element). Redis's default listpack node is 8 KB; half
/// that keeps the memmove of a push at the head short. Tiny under test,
/// so the unit tests split and merge chunks constantly.
#[cfg(not(test))]
pub const CHUNK_BYTES_MAX: usize = 4096;
#[cfg(test)]
pub const CHUNK_BYTES_MAX: usize = 16;

/// Elements packed back to back, and where each starts.
#[derive(Clone, Debug, Default)]
struct Chunk {
    data: Vec<u8>,
    offs: Vec<u16>,
}

impl Chunk {
    fn single(element: &[u8]) -> Chunk {
        Chunk { data: element.to_vec(), offs: vec![0] }
    }

    fn len(&self) -> usize {
        self.offs.len()
    }

    /// Whether `extra` more bytes may go into this chunk.
    fn fits(&self, extra: usize) -> bool {
        self.offs.is_empty() || self.data.len() + extra <= CHUNK_BYTES_MAX
    }

    fn bounds(&self, i: usize) -> (usize, usize) {
        let start = self.offs[i] as usize;
        let end = self.offs.get(i + 1).map_or(self.data.len(), |&o| o as usize);
        (start, end)
    }

    fn entry(&self, i: usize) -> &[u8] {
        let (s, e) = self.bounds(i);
        &self.data[s..e]
    }

    /// Room for `extra` more bytes and one more offset, grown by a quarter
    /// at a time and never past a full chunk: doubling would leave up to
    /// half of every chunk unused, and trimming it later does not help
    /// (allocators keep a shrunk block in place when it is still at least
    /// half used).
    fn reserve(&mut self, extra: usize) {
        let need = self.data.len() + extra;
        if need > self.data.capacity() {
            let target = (need + need / 4).max(16).min(CHUNK_BYTES_MAX.max(need));
            self.data.reserve_exact(target - self.data.len());
        }
        if self.offs.len() == self.offs.capacity() {
            let n = self.offs.len() + 1;
            self.offs.reserve_exact((n + n / 4).max(4) - self.offs.len());
        }
    }

    /// Inserts at position `i` (`i <= len`); the caller checked `fits`.
    fn insert(&mut self, i: usize, element: &[u8]) {
        self.reserve(element.len());
        let at = if i == self.offs.len() { self.data.len() } else { self.offs[i] as usize };
        self.data.splice(at..at, element.iter().copied());
        let n = element.len() as u16;
        for o in &mut self.offs[i..] {
            *o += n;
        }
        self.offs.insert(i, at as u16);
        debug_assert!(self.offs.len() == 1 || self.data.len() <= CHUNK_BYTES_MAX);
    }

    fn remove(&mut self, i: usize) -> ThinBytes {
        let (s, e) = self.bounds(i);
        let out = ThinBytes::from_slice(&self.data[s..e]);
        self.data.drain(s..e);
        self.offs.remove(i);
        let n = (e - s) as u16;
        for o in &mut self.offs[i..] {
            *o -= n;
        }
        out
    }

    /// Moves the elements from `i` on into a new chunk.
    fn split_off(&mut self, i: usize) -> Chunk {
        if i == self.offs.len() {
            return Chunk::default();
        }
        let at = self.offs[i];
        let data = self.data.split_off(at as usize);
        let offs = self.offs.split_off(i).into_iter().map(|o| o - at).collect();
        Chunk { data, offs }
    }

    /// Drops the first `n` elements.
    fn drop_front(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        if n == self.offs.len() {
            self.data.clear();
            self.offs.clear();
            return;
        }
        let at = self.offs[n];
        self.data.drain(..at as usize);
        self.offs.drain(..n);
        for o in &mut self.offs {
            *o -= at;
        }
    }

    /// Keeps the first `n` elements.
    fn keep_front(&mut self, n: usize) {
        if n < self.offs.len() {
            self.data.truncate(self.offs[n] as usize);
            self.offs.truncate(n);
        }
    }

    /// Appends every element of `other` (the caller checked the size).
    fn append(&mut self, other: Chunk) {
        let base = self.data.len() as u16;
        self.data.extend_from_slice(&other.data);
        self.offs.extend(other.offs.iter().map(|o| o + base));
    }

    fn trim(&mut self) {
        self.data.shrink_to_fit();
        self.offs.shrink_to_fit();
    }
}

#[derive(Clone, Debug, Default)]
pub struct ListValue {
    chunks: VecDeque<Chunk>,
    len: usize,
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
    /// Lazy free: drops up to `*budget` elements (see `db::lazyfree`),
    /// whole chunks at a time from the tail.
    pub(crate) fn free_some(&mut self, budget: &mut usize) -> bool {
        while *budget > 0 {
            let Some(last) = self.chunks.back_mut() else { break };
            let n = last.len().min(*budget);
            last.keep_front(last.len() - n);
            if last.len() == 0 {
                self.chunks.pop_back();
            }
            self.len -= n;
            *budget -= n;
        }
        self.chunks.is_empty()
    }

    pub fn new() -> ListValue {
        ListValue::default()
    }

    /// The name OBJECT ENCODING replies with (Redis 7.0: always quicklist).
    pub fn encoding_name(&self) -> &'static str {
        "quicklist"
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, end: End, element: &[u8]) {
        match end {
            End::Head => self.insert(0, element),
            End::Tail => self.insert(self.len, element),
        }
    }

    /// Pushes an element already owned (LMOVE's popped element).
    pub fn push_owned(&mut self, end: End, element: ThinBytes) {
        self.push(end, element.as_slice());
    }

    pub fn pop(&mut self, end: End) -> Option<ThinBytes> {
        match end {
            _ if self.len == 0 => None,
            End::Head => self.remove(0),
            End::Tail => self.remove(self.len - 1),
        }
    }

    /// (chunk, position in it) of element `index` (`index < len`), walking
    /// the chunk lengths from the nearer end.
    fn locate(&self, index: usize) -> (usize, usize) {
        debug_assert!(index < self.len);
        if index < self.len / 2 {
            let mut i = index;
            for (ci, c) in self.chunks.iter().enumerate() {
                if i < c.len() {
                    return (ci, i);
                }
                i -= c.len();
            }
        } else {
            let mut from_end = self.len - index;
            for (ci, c) in self.chunks.iter().enumerate().rev() {
                if from_end <= c.len() {
                    return (ci, c.len() - from_end);
                }
                from_end -= c.len();
            }
        }
        unreachable!("index {index} within len {} but past the chunks", self.len)
    }

    /// The element at `index` (0 = head).
    pub fn get(&self, index: usize) -> Option<&[u8]> {
        (index < self.len).then(|| {
            let (ci, i) = self.locate(index);
            self.chunks[ci].entry(i)
        })
    }

    /// Replaces the element at `index`; false if out of range.
    pub fn set(&mut self, index: usize, element: &[u8]) -> bool {
        if index >= self.len {
            return false;
        }
        self.remove(index);
        self.insert(index, element);
        true
    }

    /// Inserts `element` so that it ends up at `index` (`index <= len`).
    pub fn insert(&mut self, index: usize, element: &[u8]) {
        assert!(index <= self.len, "insert past the end");
        if self.chunks.is_empty() {
            self.len = 1;
            self.chunks.push_back(Chunk::single(element));
            return;
        }
        let (ci, i) = if index == self.len {
            let last = self.chunks.len() - 1;
            (last, self.chunks[last].len())
        } else {
            self.locate(index)
        };
        self.len += 1;
        let n = element.len();
        if self.chunks[ci].fits(n) {
            self.chunks[ci].insert(i, element);
            return;
        }
        if i == 0 && ci > 0 && self.chunks[ci - 1].fits(n) {
            let prev = &mut self.chunks[ci - 1];
            prev.insert(prev.len(), element);
            return;
        }
        if i == self.chunks[ci].len() && ci + 1 < self.chunks.len() && self.chunks[ci + 1].fits(n) {
            self.chunks[ci + 1].insert(0, element);
            return;
        }
        // Split where the element goes; it joins the left part if that has
        // room, or sits in a chunk of its own between the two.
        let mut right = self.chunks[ci].split_off(i);
        let mut at = ci;
        if self.chunks[ci].len() == 0 {
            self.chunks[ci] = Chunk::single(element);
        } else if self.chunks[ci].fits(n) {
            let left = &mut self.chunks[ci];
            left.insert(left.len(), element);
        } else {
            self.chunks[ci].trim();
            at += 1;
            self.chunks.insert(at, Chunk::single(element));
        }
        if right.len() > 0 {
            right.trim();
            self.chunks.insert(at + 1, right);
        }
    }

    /// Removes the element at `index`.
    pub fn remove(&mut self, index: usize) -> Option<ThinBytes> {
        if index >= self.len {
            return None;
        }
        let (ci, i) = if index == 0 { (0, 0) } else { self.locate(index) };
        let out = self.chunks[ci].remove(i);
        self.len -= 1;
        if self.chunks[ci].len() == 0 {
            self.chunks.remove(ci);
        } else {
            self.merge_if_small(ci);
        }
        Some(out)
    }

    /// Merges chunk `ci` with a neighbour when both together fill at most
    /// half a chunk.
    fn merge_if_small(&mut self, ci: usize) {
        let small = |c: &Chunk| c.data.len() <= CHUNK_BYTES_MAX / 4;
        if !small(&self.chunks[ci]) {
            return;
        }
        for (left, right) in [(ci.wrapping_sub(1), ci), (ci, ci + 1)] {
            if left == usize::MAX || right >= self.chunks.len() {
                continue;
            }
            if self.chunks[left].data.len() + self.chunks[right].data.len() <= CHUNK_BYTES_MAX / 2 {
                let moved = self.chunks.remove(right).expect("in range");
                self.chunks[left].append(moved);
                return;
            }
        }
    }

    /// The elements from `start` to `end` inclusive (`start <= end < len`).
    pub fn range(&self, start: usize, end: usize) -> Iter<'_> {
        assert!(start <= end && end < self.len, "range {start}..={end} of {}", self.len);
        let (ec, ei) = self.locate(end);
        Iter { chunks: &self.chunks, front: self.locate(start), back: (ec, ei + 1), remaining: end - start + 1 }
    }

    /// Every element, head to tail.
    pub fn iter(&self) -> Iter<'_> {
        let back = (self.chunks.len().saturating_sub(1), self.chunks.back().map_or(0, Chunk::len));
        Iter { chunks: &self.chunks, front: (0, 0), back, remaining: self.len }
    }

    /// Keeps only the elements in `start..=end`, or none when `start > end`
    /// (LTRIM after its index normalization).
    pub fn keep_range(&mut self, start: usize, end: usize) {
        if start > end || start >= self.len {
            self.chunks.clear();
            self.len = 0;
            return;
        }
        let end = end.min(self.len - 1);
        // The tail first: whole chunks, then part of one.
        let mut drop_back = self.len - 1 - end;
        while drop_back > 0 {
            let last = self.chunks.back_mut().expect("elements left");
            if drop_back >= last.len() {
                drop_back -= last.len();
                self.chunks.pop_back();
            } else {
                last.keep_front(last.len() - drop_back);
                drop_back = 0;
            }
        }
        let mut drop_front = start;
        while drop_front > 0 {
            let first = self.chunks.front_mut().expect("elements left");
            if drop_front >= first.len() {
                drop_front -= first.len();
                self.chunks.pop_front();
            } else {
                first.drop_front(drop_front);
                drop_front = 0;
            }
        }
        self.len = end - start + 1;
        self.shrink_if_sparse();
    }

    /// Removes up to `limit` elements equal to `element` (0: all), scanning
    /// from the head, or from the tail when `from_tail`. Returns how many.
    /// One pass that rebuilds the chunks: O(N) however many match.
    pub fn remove_matching(&mut self, element: &[u8], limit: usize, from_tail: bool) -> usize {
        let mut hits: Vec<usize> = Vec::new();
        let wanted = |hits: &Vec<usize>| limit == 0 || hits.len() < limit;
        if from_tail {
            for (i, e) in self.iter().enumerate().rev() {
                if !wanted(&hits) {
                    break;
                }
                if e == element {
                    hits.push(i);
                }
            }
            hits.reverse();
        } else {
            for (i, e) in self.iter().enumerate() {
                if !wanted(&hits) {
                    break;
                }
                if e == element {
                    hits.push(i);
                }
            }
        }
        if hits.is_empty() {
            return 0;
        }
        let mut kept = ListValue::new();
        let mut next_hit = hits.iter().peekable();
        for (i, e) in self.iter().enumerate() {
            if next_hit.peek() == Some(&&i) {
                next_hit.next();
            } else {
                kept.push(End::Tail, e);
            }
        }
        if let Some(last) = kept.chunks.back_mut() {
            last.trim();
        }
        *self = kept;
        hits.len()
    }

    /// Gives memory back once a list has shrunk to a quarter of its chunk
    /// table, so a list that was once huge does not keep its peak forever.
    fn shrink_if_sparse(&mut self) {
        const MIN_CAPACITY: usize = 16;
        if self.chunks.capacity() > MIN_CAPACITY && self.chunks.len() < self.chunks.capacity() / 4 {
            self.chunks.shrink_to(self.chunks.len().max(MIN_CAPACITY) * 2);
        }
    }

    /// Like [`ListValue::pop`], then shrinks a sparse chunk table.
    pub fn pop_shrinking(&mut self, end: End) -> Option<ThinBytes> {
        let popped = self.pop(end);
        self.shrink_if_sparse();
        popped
    }

    /// Checks the list's own invariants (see the module doc).
    pub fn check_invariants(&self) {
        let mut total = 0;
        for c in &self.chunks {
            assert!(c.len() > 0, "an empty chunk");
            assert_eq!(c.offs[0], 0, "a chunk's first element starts at 0");
            assert!(c.offs.windows(2).all(|w| w[0] <= w[1]), "chunk offsets out of order");
            assert!(c.len() == 1 || c.data.len() <= CHUNK_BYTES_MAX, "an overfull chunk of {} bytes", c.data.len());
            total += c.len();
        }
        assert_eq!(total, self.len, "chunk counts do not add up to the length");
    }
}

/// Elements of a [`ListValue`] in order, from either end.
pub struct Iter<'a> {
    chunks: &'a VecDeque<Chunk>,
    /// The next element from the front: (chunk, position).
    front: (usize, usize),
    /// One past the next element from the back.
    back: (usize, usize),
    remaining: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.remaining == 0 {
            return None;
        }
        let (ci, i) = self.front;
        let chunk = &self.chunks[ci];
        self.front = if i + 1 == chunk.len() { (ci + 1, 0) } else { (ci, i + 1) };
        self.remaining -= 1;
        Some(chunk.entry(i))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        let (mut ci, mut i) = self.back;
        if i == 0 {
            ci -= 1;
            i = self.chunks[ci].len();
        }
        self.back = (ci, i - 1);
        self.remaining -= 1;
        Some(self.chunks[ci].entry(i - 1))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// Redis's index normalization: a negative index counts from the tail.
/// `None` when the index falls outside the list.
pub fn normalize_index(index: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let i = if index < 0 { len.checked_add(index)? } else { index };
    (0..len).contains(&i).then_some(i as usize)
}

#[cfg(test)]
#[path = "list_tests.rs"]
mod tests;
