//! One hash-table entry in one heap allocation: `[next | value | key_len+flag | aux | key bytes]`.
//!
//! # Why
//!
//! Memory per key is a headline figure. A `Box<(Box<[u8]>, V)>` costs two
//! allocations and a 16-byte fat pointer; Redis 7 costs three (dictEntry, sds
//! key, robj). Here the key bytes sit right after a small header in the same
//! allocation, and the owning pointer ([`EntryBox`]) is thin (8 bytes, and
//! `Option<EntryBox>` is 8 bytes too, null meaning `None`), so a chain link and
//! a bucket slot each cost one word.
//!
//! # Layout and invariants
//!
//! The allocation starts with a `#[repr(C)] Header<V>` holding `next` (the
//! chain link, owned), `value` (owned), `meta` (key length in the low 31
//! bits, one caller-defined flag in the top bit) and `aux` (a caller-defined
//! word: the keyspace keeps the LRU clock there, as Redis keeps it in the
//! robj header; it fills what would otherwise be padding for an 8-aligned
//! value). The key bytes start right after `aux`, at [`key_offset`], which may lie inside the header's trailing
//! padding: that is why no `&Header` is ever created; fields are reached by
//! raw field projections, and the allocation is at least `size_of::<Header>()`
//! bytes so every projection stays in bounds. The key never changes after
//! creation; the value and the flag may.
//!
//! Dropping an entry drops its value and then the rest of its chain
//! *iteratively*, so a long chain cannot overflow the stack.

use std::alloc::{alloc, alloc_zeroed, dealloc, handle_alloc_error, Layout};
use std::marker::PhantomData;
use std::mem::{align_of, offset_of, size_of};
use std::ptr::{addr_of, addr_of_mut, NonNull};

/// Longest key an entry can hold: its length shares a `u32` with the flag.
pub const KEY_MAX_BYTES: usize = (1 << 31) - 1;
const FLAG_BIT: u32 = 1 << 31;

// Keys up to the default proto-max-bulk-len always fit.
const _: () = assert!(crate::limits::PROTO_MAX_BULK_LEN_DEFAULT as usize <= KEY_MAX_BYTES);

#[repr(C)]
struct Header<V> {
    next: Option<EntryBox<V>>,
    value: V,
    meta: u32,
    aux: u32,
}

/// The owning thin pointer to one entry. Like `Box`, it is unique: the chain
/// link or bucket slot holding it is the entry's only owner.
#[repr(transparent)]
pub struct EntryBox<V> {
    ptr: NonNull<Header<V>>,
    _owns: PhantomData<Header<V>>,
}

// SAFETY: an EntryBox uniquely owns its allocation (like Box<Header<V>>), so
// it is Send/Sync exactly when the owned data is.
unsafe impl<V: Send> Send for EntryBox<V> {}
// SAFETY: as above; shared access only hands out `&V` and `&[u8]`.
unsafe impl<V: Sync> Sync for EntryBox<V> {}

/// Offset of the first key byte from the start of the allocation.
pub fn key_offset<V>() -> usize {
    offset_of!(Header<V>, aux) + size_of::<u32>()
}

/// Bytes requested from the allocator for an entry with a key of `key_len` bytes.
pub fn alloc_bytes<V>(key_len: usize) -> usize {
    (key_offset::<V>() + key_len).max(size_of::<Header<V>>())
}

fn layout<V>(key_len: usize) -> Layout {
    // The size is at most KEY_MAX_BYTES plus a small header, so it never overflows isize.
    Layout::from_size_align(alloc_bytes::<V>(key_len), align_of::<Header<V>>()).expect("entry layout")
}

impl<V> EntryBox<V> {
    /// Allocates an entry holding a copy of `key`, with no successor.
    pub fn new(key: &[u8], value: V, flag: bool) -> EntryBox<V> {
        assert!(key.len() <= KEY_MAX_BYTES, "key longer than KEY_MAX_BYTES");
        let layout = layout::<V>(key.len());
        // SAFETY: the layout has a non-zero size (the header holds a pointer).
        let raw = unsafe { alloc(layout) };
        let Some(base) = NonNull::new(raw) else { handle_alloc_error(layout) };
        let ptr = base.cast::<Header<V>>();
        let meta = key.len() as u32 | if flag { FLAG_BIT } else { 0 };
        // SAFETY: `ptr` is a fresh allocation of at least size_of::<Header<V>>()
        // bytes with Header's alignment; each write targets one field, and the
        // key bytes land at key_offset..key_offset+len, inside the allocation
        // and disjoint from the fields.
        unsafe {
            addr_of_mut!((*ptr.as_ptr()).next).write(None);
            addr_of_mut!((*ptr.as_ptr()).value).write(value);
            addr_of_mut!((*ptr.as_ptr()).meta).write(meta);
            addr_of_mut!((*ptr.as_ptr()).aux).write(0);
            std::ptr::copy_nonoverlapping(key.as_ptr(), raw.add(key_offset::<V>()), key.len());
        }
        EntryBox { ptr, _owns: PhantomData }
    }

    fn meta(&self) -> u32 {
        // SAFETY: `ptr` is live and `meta` was initialised in `new`.
        unsafe { addr_of!((*self.ptr.as_ptr()).meta).read() }
    }

    pub fn key(&self) -> &[u8] {
        let len = (self.meta() & !FLAG_BIT) as usize;
        // SAFETY: `new` copied exactly `len` bytes to key_offset, inside the
        // allocation; they are never written again, and the borrow of `self`
        // keeps the allocation alive.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr().cast::<u8>().add(key_offset::<V>()), len) }
    }

    pub fn value(&self) -> &V {
        // SAFETY: the value field is initialised and owned by this entry;
        // `&self` makes this a shared borrow.
        unsafe { &*addr_of!((*self.ptr.as_ptr()).value) }
    }

    pub fn value_mut(&mut self) -> &mut V {
        // SAFETY: as `value`, and `&mut self` makes the borrow unique.
        unsafe { &mut *addr_of_mut!((*self.ptr.as_ptr()).value) }
    }

    /// The caller-defined flag (the keyspace uses it for "has a TTL").
    pub fn flag(&self) -> bool {
        self.meta() & FLAG_BIT != 0
    }

    pub fn set_flag(&mut self, flag: bool) {
        let meta = (self.meta() & !FLAG_BIT) | if flag { FLAG_BIT } else { 0 };
        // SAFETY: `&mut self` gives unique access to the live `meta` field.
        unsafe { addr_of_mut!((*self.ptr.as_ptr()).meta).write(meta) }
    }

    /// The caller-defined word (0 for a new entry).
    pub fn aux(&self) -> u32 {
        // SAFETY: `ptr` is live and `aux` was initialised in `new`.
        unsafe { addr_of!((*self.ptr.as_ptr()).aux).read() }
    }

    pub fn set_aux(&mut self, aux: u32) {
        // SAFETY: `&mut self` gives unique access to the live `aux` field.
        unsafe { addr_of_mut!((*self.ptr.as_ptr()).aux).write(aux) }
    }

    pub(super) fn next(&self) -> &Option<EntryBox<V>> {
        // SAFETY: the link field is initialised; shared borrow through `&self`.
        unsafe { &*addr_of!((*self.ptr.as_ptr()).next) }
    }

    pub(super) fn next_mut(&mut self) -> &mut Option<EntryBox<V>> {
        // SAFETY: the link field is initialised; unique borrow through `&mut self`.
        unsafe { &mut *addr_of_mut!((*self.ptr.as_ptr()).next) }
    }

    /// Frees the entry and returns its value. The entry must be unlinked
    /// (no successor): a chain is never dropped by accident this way.
    pub fn into_value(mut self) -> V {
        assert!(self.next_mut().is_none(), "into_value on a linked entry");
        let key_len = self.key().len();
        let ptr = self.ptr;
        std::mem::forget(self);
        // SAFETY: we own the allocation (self was forgotten, so no double
        // free); the value is read out exactly once, `next` is None so nothing
        // else needs dropping, and the layout is the one `new` allocated with.
        unsafe {
            let value = addr_of!((*ptr.as_ptr()).value).read();
            dealloc(ptr.as_ptr().cast::<u8>(), layout::<V>(key_len));
            value
        }
    }
}

impl<V> Drop for EntryBox<V> {
    fn drop(&mut self) {
        // Unlink the rest of the chain first and drop it one entry at a time.
        let mut rest = self.next_mut().take();
        while let Some(mut e) = rest {
            rest = e.next_mut().take();
            drop(e);
        }
        let key_len = self.key().len();
        // SAFETY: we own the allocation; the value is dropped once, `next` is
        // None (taken above), and the layout is the one `new` allocated with.
        unsafe {
            std::ptr::drop_in_place(addr_of_mut!((*self.ptr.as_ptr()).value));
            dealloc(self.ptr.as_ptr().cast::<u8>(), layout::<V>(key_len));
        }
    }
}

/// A bucket array of `n` empty slots, from zeroed memory: for a large table
/// the allocator hands out fresh zero pages without touching them, so a
/// resize does not pay an O(n) memset on the request path.
pub fn empty_buckets<V>(n: usize) -> Box<[Option<EntryBox<V>>]> {
    if n == 0 {
        return Box::new([]);
    }
    let layout = Layout::array::<Option<EntryBox<V>>>(n).expect("bucket array layout");
    // SAFETY: `layout` has a non-zero size. `Option<EntryBox<V>>` is
    // `Option` of a repr(transparent) wrapper of `NonNull`, for which Rust
    // guarantees that the all-zero bit pattern is `None`; so the zeroed
    // memory is `n` valid `None`s, and Box<[T]> will free it with the same
    // array layout.
    unsafe {
        let raw = alloc_zeroed(layout);
        if raw.is_null() {
            handle_alloc_error(layout);
        }
        Box::from_raw(std::ptr::slice_from_raw_parts_mut(raw.cast::<Option<EntryBox<V>>>(), n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    #[test]
    fn thin_links() {
        assert_eq!(size_of::<Option<EntryBox<u64>>>(), 8);
        assert_eq!(size_of::<EntryBox<[u64; 3]>>(), 8);
    }

    #[test]
    fn key_value_flag_roundtrip() {
        for len in [0usize, 1, 3, 4, 5, 16, 100] {
            let key: Vec<u8> = (0..len as u8).collect();
            let mut e = EntryBox::new(&key, vec![1u8, 2], len % 2 == 0);
            assert_eq!(e.key(), &key[..]);
            assert_eq!(e.flag(), len % 2 == 0);
            e.set_flag(len % 2 != 0);
            assert_eq!(e.flag(), len % 2 != 0);
            assert_eq!(e.key(), &key[..]);
            assert_eq!(e.aux(), 0);
            e.set_aux(0xdead_beef);
            assert_eq!(e.aux(), 0xdead_beef);
            assert_eq!(e.key(), &key[..]);
            e.value_mut().push(3);
            assert_eq!(e.value(), &vec![1, 2, 3]);
            assert_eq!(e.into_value(), vec![1, 2, 3]);
        }
    }

    #[test]
    fn drops_values_and_long_chains() {
        let counter = Rc::new(());
        let mut head: Option<EntryBox<Rc<()>>> = None;
        for i in 0..200_000u32 {
            let mut e = EntryBox::new(&i.to_le_bytes(), counter.clone(), false);
            *e.next_mut() = head.take();
            head = Some(e);
        }
        assert_eq!(Rc::strong_count(&counter), 200_001);
        drop(head);
        assert_eq!(Rc::strong_count(&counter), 1);
    }

    #[test]
    fn zeroed_buckets_are_none() {
        let b = empty_buckets::<u64>(1024);
        assert!(b.iter().all(Option::is_none));
        assert_eq!(empty_buckets::<u64>(0).len(), 0);
    }
}
