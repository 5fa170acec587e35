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

/// Frees a bucket array that holds no entry without walking it: dropping a
/// `Box<[Option<EntryBox>]>` runs the drop glue of every slot, an O(n) pass
/// over the array (32 MB for a 4M-bucket table) at the end of each rehash.
/// The caller knows the array is empty (its table's `used` is 0); debug
/// builds check it.
pub fn free_empty_buckets<V>(buckets: Box<[Option<EntryBox<V>>]>) {
    debug_assert!(buckets.iter().all(Option::is_none), "freeing a bucket array that holds entries");
    let n = buckets.len();
    if n == 0 {
        return;
    }
    let layout = Layout::array::<Option<EntryBox<V>>>(n).expect("bucket array layout");
    let raw = Box::into_raw(buckets);
    // SAFETY: `raw` came from a Box<[T]> of `n` elements, allocated with
    // `Layout::array::<T>(n)` (by `empty_buckets` or `StagedBuckets`); every
    // element is `None`, so there is nothing to drop, and the Box was
    // consumed, so this is the only free.
    unsafe { dealloc(raw.cast::<u8>(), layout) }
}

/// A bucket array being prepared in steps: allocated without zeroing, then
/// zeroed a bounded number of slots at a time ([`StagedBuckets::zero_some`])
/// until it can be handed out as a table ([`StagedBuckets::finish`]).
///
/// # Why
///
/// `alloc_zeroed` of a large array is not free: an allocator may memset it
/// (mimalloc does, through its aligned path), which also faults every page
/// in at once: 64 MB for an 8M-bucket table, tens of milliseconds in one
/// request. Zeroing in steps spreads that work (and the page faults) over the
/// operations and ticks that follow, as the rehash spreads the moves.
///
/// # Invariant
///
/// Slots `0..zeroed` are `None`; slots `zeroed..len` are uninitialised and
/// never read. Dropping an unfinished array only frees it.
pub struct StagedBuckets<V> {
    ptr: NonNull<Option<EntryBox<V>>>,
    len: usize,
    zeroed: usize,
}

impl<V> StagedBuckets<V> {
    /// Allocates an array of `n > 0` slots without initialising it.
    pub fn new(n: usize) -> StagedBuckets<V> {
        assert!(n > 0, "staging an empty bucket array");
        let layout = Layout::array::<Option<EntryBox<V>>>(n).expect("bucket array layout");
        // SAFETY: `layout` has a non-zero size (n > 0, 8-byte slots).
        let raw = unsafe { alloc(layout) };
        let Some(ptr) = NonNull::new(raw.cast::<Option<EntryBox<V>>>()) else { handle_alloc_error(layout) };
        StagedBuckets { ptr, len: n, zeroed: 0 }
    }

    /// Slots in the array.
    pub fn slots(&self) -> usize {
        self.len
    }

    /// Slots zeroed so far.
    pub fn zeroed(&self) -> usize {
        self.zeroed
    }

    /// Zeroes up to `max` more slots; returns whether the whole array is ready.
    pub fn zero_some(&mut self, max: usize) -> bool {
        let n = max.min(self.len - self.zeroed);
        // SAFETY: `zeroed + n <= len`, so the range lies inside the
        // allocation; all-zero bytes are a valid `None` (see `empty_buckets`).
        unsafe { std::ptr::write_bytes(self.ptr.as_ptr().add(self.zeroed), 0, n) };
        self.zeroed += n;
        self.zeroed == self.len
    }

    /// The finished array. Panics if a slot is still uninitialised.
    pub fn finish(self) -> Box<[Option<EntryBox<V>>]> {
        assert_eq!(self.zeroed, self.len, "finishing a staged bucket array before it is zeroed");
        let (ptr, len) = (self.ptr, self.len);
        std::mem::forget(self);
        // SAFETY: the allocation holds `len` initialised `None`s and was made
        // with `Layout::array::<T>(len)`, the layout Box<[T]> frees with;
        // `self` was forgotten, so ownership moves to the Box alone.
        unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr.as_ptr(), len)) }
    }
}

impl<V> Drop for StagedBuckets<V> {
    fn drop(&mut self) {
        let layout = Layout::array::<Option<EntryBox<V>>>(self.len).expect("bucket array layout");
        // SAFETY: allocated in `new` with this layout; slots hold no entries
        // (zeroed ones are None, the rest were never written), so freeing
        // without dropping any slot is right.
        unsafe { dealloc(self.ptr.as_ptr().cast::<u8>(), layout) }
    }
}

// SAFETY: a StagedBuckets owns its allocation and holds no entry (only
// `None`s or uninitialised slots), like a Box<[Option<EntryBox<V>>]>.
unsafe impl<V: Send> Send for StagedBuckets<V> {}
// SAFETY: as above; `&StagedBuckets` exposes only lengths.
unsafe impl<V: Sync> Sync for StagedBuckets<V> {}

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
    fn staged_buckets_zero_in_steps() {
        let mut s = StagedBuckets::<u64>::new(1000);
        assert_eq!((s.slots(), s.zeroed()), (1000, 0));
        assert!(!s.zero_some(300));
        assert_eq!(s.zeroed(), 300);
        assert!(!s.zero_some(699));
        assert!(s.zero_some(5));
        assert_eq!(s.zeroed(), 1000);
        assert!(s.zero_some(5));
        let mut b = s.finish();
        assert_eq!(b.len(), 1000);
        assert!(b.iter().all(Option::is_none));
        // The finished array is an ordinary one: it can hold and drop entries.
        b[999] = Some(EntryBox::new(b"k", 7, false));
        drop(b);
        // An unfinished array is only freed.
        let mut s = StagedBuckets::<Vec<u8>>::new(64);
        s.zero_some(10);
        drop(s);
        free_empty_buckets(empty_buckets::<u64>(16));
        free_empty_buckets(empty_buckets::<u64>(0));
    }

    #[test]
    #[should_panic(expected = "before it is zeroed")]
    fn staged_buckets_cannot_finish_early() {
        let mut s = StagedBuckets::<u64>::new(10);
        s.zero_some(9);
        drop(s.finish());
    }

    #[test]
    fn zeroed_buckets_are_none() {
        let b = empty_buckets::<u64>(1024);
        assert!(b.iter().all(Option::is_none));
        assert_eq!(empty_buckets::<u64>(0).len(), 0);
    }
}
