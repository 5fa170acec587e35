//! Handing freed memory back to the OS when the engine asks
//! (`poll_memory_purge`: MEMORY PURGE, or its timed rule; see
//! `ferrodis_engine::memory`).
//!
//! - mimalloc (feature `mimalloc`, the binary's global allocator):
//!   `mi_collect(true)` frees the calling thread's empty pages and
//!   decommits every free arena range now, instead of after mimalloc's
//!   purge delay (a delay it acts on only when it is called again, which
//!   an idle server never does). A page is freed only by the thread that
//!   owns it, so with I/O threads each of them collects too
//!   ([`purge_thread`]).
//! - the system allocator (glibc): `malloc_trim(0)` returns the free memory
//!   at the top of every arena and the free pages inside them
//!   (process-wide).

// The mimalloc crate links mimalloc's static library (its `-sys` crate)
// but exposes `mi_collect` only behind a feature that pulls in another
// crate; the symbol is in that library either way, so it is declared here,
// and the crate is named so that the library is linked into every binary of
// this crate (the lib's tests too), not only the one that installs it.
#[cfg(feature = "mimalloc")]
extern crate mimalloc as _;

#[cfg(feature = "mimalloc")]
extern "C" {
    fn mi_collect(force: bool);
}

#[cfg(all(not(feature = "mimalloc"), target_os = "linux", target_env = "gnu"))]
extern "C" {
    fn malloc_trim(pad: usize) -> std::ffi::c_int;
}

/// Returns freed memory to the OS. The executor thread (or the one
/// thread) calls it when the engine asks.
pub fn purge_process() {
    #[cfg(feature = "mimalloc")]
    // SAFETY: mi_collect takes no pointers and may be called from any
    // thread at any time.
    unsafe {
        mi_collect(true);
    }
    #[cfg(all(not(feature = "mimalloc"), target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers and is thread-safe (it locks
    // each arena in turn).
    unsafe {
        malloc_trim(0);
    }
}

/// An I/O thread's part of a purge: with mimalloc, frees the pages this
/// thread owns, which the executor's purge cannot; glibc's trim is
/// process-wide and already done.
pub fn purge_thread() {
    #[cfg(feature = "mimalloc")]
    // SAFETY: as in `purge_process`.
    unsafe {
        mi_collect(true);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn purging_is_safe_from_any_thread() {
        let big = vec![7u8; 8 << 20];
        drop(big);
        super::purge_process();
        std::thread::spawn(super::purge_thread).join().expect("purge on another thread");
    }
}
