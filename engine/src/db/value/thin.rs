//! [`ThinBytes`]: an owned, growable byte buffer behind one thin pointer.
//!
//! # Why
//! A `Vec<u8>` is 24 bytes and a `Box<[u8]>` 16; either would make every
//! [`Value`](super::Value) 24-32 bytes, paid once per key. `ThinBytes` is 8
//! bytes: the length and capacity live in a header at the front of the heap
//! block (as Redis's sds keeps them in front of the characters), so a string
//! value fits in a 16-byte `Value` with room for the enum tag.
//!
//! # Invariants
//! - `ptr` points to a live block allocated with [`ThinBytes::layout`] for
//!   `header.cap`, holding a [`Header`] followed by `cap` bytes;
//! - `header.len <= header.cap`, and the first `len` data bytes are
//!   initialized (we zero the whole block's data on allocation and growth,
//!   so every byte up to `cap` is initialized);
//! - the block is owned by exactly one `ThinBytes`.

use std::alloc::{self, Layout};
use std::ptr::NonNull;

#[repr(C)]
struct Header {
    len: usize,
    cap: usize,
}

const HEADER_BYTES: usize = std::mem::size_of::<Header>();

pub struct ThinBytes {
    ptr: NonNull<Header>,
}

// SAFETY: ThinBytes uniquely owns its heap block (like Box<[u8]>); nothing is
// shared between instances, so moving or sharing references across threads
// is as safe as for a Vec<u8>.
unsafe impl Send for ThinBytes {}
// SAFETY: see above: &ThinBytes only gives out &[u8].
unsafe impl Sync for ThinBytes {}

impl ThinBytes {
    /// The block layout for `cap` data bytes. Panics only if `cap` is beyond
    /// `isize::MAX`, which callers exclude by checking the string size limit.
    fn layout(cap: usize) -> Layout {
        let size = HEADER_BYTES.checked_add(cap).expect("string capacity overflows usize");
        Layout::from_size_align(size, std::mem::align_of::<Header>()).expect("string capacity fits a layout")
    }

    /// An empty buffer with room for `cap` bytes, all zero.
    pub fn with_capacity(cap: usize) -> ThinBytes {
        let layout = Self::layout(cap);
        // SAFETY: the layout has a nonzero size (at least the header).
        let raw = unsafe { alloc::alloc_zeroed(layout) } as *mut Header;
        let Some(ptr) = NonNull::new(raw) else { alloc::handle_alloc_error(layout) };
        // SAFETY: freshly allocated, properly aligned for Header.
        unsafe { ptr.as_ptr().write(Header { len: 0, cap }) };
        ThinBytes { ptr }
    }

    pub fn from_slice(bytes: &[u8]) -> ThinBytes {
        let mut t = ThinBytes::with_capacity(bytes.len());
        t.extend_from_slice(bytes);
        t
    }

    fn header(&self) -> &Header {
        // SAFETY: invariant: ptr points to a live, initialized header.
        unsafe { self.ptr.as_ref() }
    }

    fn data_ptr(&self) -> *mut u8 {
        // SAFETY: the data starts right after the header inside the block.
        unsafe { (self.ptr.as_ptr() as *mut u8).add(HEADER_BYTES) }
    }

    pub fn len(&self) -> usize {
        self.header().len
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn capacity(&self) -> usize {
        self.header().cap
    }

    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: the first len data bytes are initialized and owned by self.
        unsafe { std::slice::from_raw_parts(self.data_ptr(), self.len()) }
    }

    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as above, and &mut self guarantees exclusive access.
        unsafe { std::slice::from_raw_parts_mut(self.data_ptr(), self.len()) }
    }

    /// Grows the capacity to at least `min_cap`, greedily as Redis's
    /// sdsMakeRoomFor does (double below 1 MB, then +1 MB), so repeated
    /// APPENDs are amortized O(1).
    fn reserve_total(&mut self, min_cap: usize) {
        let old_cap = self.capacity();
        if min_cap <= old_cap {
            return;
        }
        const GREEDY_LIMIT_BYTES: usize = 1024 * 1024;
        let new_cap =
            if min_cap < GREEDY_LIMIT_BYTES { min_cap * 2 } else { min_cap.saturating_add(GREEDY_LIMIT_BYTES) };
        let new_layout = Self::layout(new_cap);
        // SAFETY: ptr was allocated with layout(old_cap); the new size is nonzero.
        let raw = unsafe { alloc::realloc(self.ptr.as_ptr() as *mut u8, Self::layout(old_cap), new_layout.size()) };
        let Some(ptr) = NonNull::new(raw as *mut Header) else { alloc::handle_alloc_error(new_layout) };
        self.ptr = ptr;
        // SAFETY: the bytes from old_cap to new_cap are inside the new block;
        // zeroing them keeps every data byte initialized.
        unsafe {
            std::ptr::write_bytes(self.data_ptr().add(old_cap), 0, new_cap - old_cap);
            (*self.ptr.as_ptr()).cap = new_cap;
        }
    }

    pub fn extend_from_slice(&mut self, bytes: &[u8]) {
        let len = self.len();
        let new_len = len.checked_add(bytes.len()).expect("string length overflows usize");
        self.reserve_total(new_len);
        // SAFETY: capacity >= new_len after reserve; the ranges do not overlap
        // because `bytes` cannot borrow from self while self is &mut.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.data_ptr().add(len), bytes.len());
            (*self.ptr.as_ptr()).len = new_len;
        }
    }

    /// Grows the length to `new_len`, the new bytes zero; never shrinks.
    pub fn grow_zeroed(&mut self, new_len: usize) {
        let len = self.len();
        if new_len <= len {
            return;
        }
        self.reserve_total(new_len);
        // SAFETY: capacity >= new_len, so the range is inside the block.
        unsafe {
            std::ptr::write_bytes(self.data_ptr().add(len), 0, new_len - len);
            (*self.ptr.as_ptr()).len = new_len;
        }
    }
}

impl Drop for ThinBytes {
    fn drop(&mut self) {
        // SAFETY: ptr was allocated with layout(cap) and is owned by self.
        unsafe { alloc::dealloc(self.ptr.as_ptr() as *mut u8, Self::layout(self.capacity())) }
    }
}

impl Clone for ThinBytes {
    fn clone(&self) -> ThinBytes {
        ThinBytes::from_slice(self.as_slice())
    }
}

impl std::fmt::Debug for ThinBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_and_keeps_bytes() {
        let mut t = ThinBytes::from_slice(b"hello");
        assert_eq!(t.as_slice(), b"hello");
        for i in 0..1000u32 {
            t.extend_from_slice(&i.to_le_bytes());
        }
        assert_eq!(t.len(), 5 + 4000);
        assert_eq!(&t.as_slice()[..5], b"hello");
        assert_eq!(&t.as_slice()[5 + 4 * 999..], &999u32.to_le_bytes());
        t.grow_zeroed(5000);
        assert!(t.as_slice()[4005..].iter().all(|&b| b == 0));
        t.as_mut_slice()[4999] = 7;
        let c = t.clone();
        assert_eq!(c.as_slice(), t.as_slice());
        assert_eq!(std::mem::size_of::<ThinBytes>(), 8);
        assert_eq!(std::mem::size_of::<Option<ThinBytes>>(), 8);
    }

    #[test]
    fn empty() {
        let t = ThinBytes::with_capacity(0);
        assert!(t.is_empty());
        assert_eq!(t.as_slice(), b"");
    }
}
