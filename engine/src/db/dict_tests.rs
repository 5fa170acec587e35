//! The table's budgets and thresholds, pinned exactly: how far one rehash
//! step may move and how many empty buckets it may visit, when a table grows
//! or shrinks and to what size, when a resize is staged and how much of the
//! staged array each step zeroes, how far a random draw ranges and when it
//! stops drawing, and that every byte the table allocates is accounted for
//! and given back. They read private state (the rehash index, the staged
//! array, the bucket arrays), so they live next to the table.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::BTreeSet;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

/// The test binary's allocator: the system one, plus a per-thread count of
/// live bytes, so a test can check its own allocations while others run.
struct CountingAlloc;

thread_local! {
    static LIVE_BYTES: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    // During thread teardown the counter may be gone: nothing to count then.
    let _ = LIVE_BYTES.try_with(|c| c.set(c.get() + delta));
}

fn live_bytes() -> isize {
    LIVE_BYTES.with(Cell::get)
}

// SAFETY: every call is forwarded unchanged to `System`; the counting
// touches only a thread-local `Cell` and never allocates.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        // SAFETY: the caller's contract is forwarded as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as isize - layout.size() as isize);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

fn key(i: u64) -> Vec<u8> {
    format!("k{i}").into_bytes()
}

/// Most loop turns a test waits for a resize to progress: a step that does
/// nothing fails the test at once instead of hanging it.
const SETTLE_TURNS_MAX: usize = 100_000;

/// Runs tick steps of `budget` until no resize is under way.
fn settle<V>(d: &mut Dict<V>, budget: usize) {
    for _ in 0..SETTLE_TURNS_MAX {
        if !d.rehash_step(budget) {
            return;
        }
    }
    panic!("resize still under way after {SETTLE_TURNS_MAX} steps: {d:?}");
}

/// Chain length of every bucket of `ht[0]`.
fn chains<V>(d: &Dict<V>) -> Vec<usize> {
    d.ht[0]
        .buckets
        .iter()
        .map(|b| {
            let (mut n, mut cur) = (0, b.as_ref());
            while let Some(e) = cur {
                n += 1;
                cur = e.next().as_ref();
            }
            n
        })
        .collect()
}

/// What Redis's `dictRehash(d, n)` does from bucket `idx` of a table whose
/// chains have these lengths: the index it leaves (None when the last entry
/// moved), the entries it moves, and whether the empty-visit budget
/// (`n * 10`) stopped it.
fn reference_rehash(chains: &[usize], idx: usize, n: usize) -> (Option<usize>, usize, bool) {
    let mut left: usize = chains[idx..].iter().sum();
    let (mut idx, mut n, mut empty_visits, mut moved) = (idx, n, n * EMPTY_VISITS_PER_BUCKET, 0);
    while n > 0 && left > 0 {
        n -= 1;
        while chains[idx] == 0 {
            idx += 1;
            empty_visits -= 1;
            if empty_visits == 0 {
                return (Some(idx), moved, true);
            }
        }
        moved += chains[idx];
        left -= chains[idx];
        idx += 1;
    }
    ((left > 0).then_some(idx), moved, false)
}

/// Runs `step`, which must do exactly one `dictRehash(n)`, and checks the
/// index, the entries moved and both tables' counts against the reference.
/// Returns whether the empty-visit budget ended the step.
fn check_rehash<V>(d: &mut Dict<V>, n: usize, step: impl FnOnce(&mut Dict<V>)) -> bool {
    let idx = d.rehash_idx.expect("rehashing");
    let (chains, used0, used1, len) = (chains(d), d.ht[0].used, d.ht[1].used, d.len());
    let new_size = d.ht[1].buckets.len();
    step(d);
    let (want_idx, moved, by_budget) = reference_rehash(&chains, idx, n);
    assert_eq!(d.len(), len);
    match want_idx {
        Some(i) => {
            assert_eq!(d.rehash_idx, Some(i), "step of {n} from bucket {idx}");
            assert_eq!((d.ht[0].used, d.ht[1].used), (used0 - moved, used1 + moved));
        }
        None => {
            assert_eq!(d.rehash_idx, None, "the last bucket moved: rehash over");
            assert_eq!((d.ht[0].buckets.len(), d.ht[0].used, d.bucket_counts()[1]), (new_size, len, 0));
        }
    }
    by_budget
}

/// A dict of `n` keys that has just started growing.
fn growing(seed: u64, n: u64) -> Dict<u64> {
    let mut d = Dict::new(seed);
    for i in 0..n {
        d.insert_new(&key(i), i, false);
    }
    assert!(d.is_rehashing(), "{n} keys: no rehash under way");
    d
}

#[test]
fn a_rehash_step_moves_n_buckets_and_visits_at_most_ten_empty_per_bucket() {
    for seed in 0..4 {
        // Growing 1024 -> 2048: about a third of the buckets are empty.
        let mut d = growing(seed, 1025);
        assert_eq!(d.bucket_counts(), [1024, 2048]);
        let mut steps = 0;
        while d.is_rehashing() {
            assert!(steps < SETTLE_TURNS_MAX, "rehash makes no progress");
            let n = [1, 2, 3, 7, 0, 40][steps % 6];
            check_rehash(&mut d, n, |d| {
                d.rehash(n);
            });
            steps += 1;
        }
        d.check_invariants();
        // A sparse table shrinking (4096 buckets, 30 keys): long empty runs,
        // so steps end on the empty-visit budget.
        let mut d: Dict<u64> = Dict::new(seed);
        for i in 0..3000 {
            d.insert_new(&key(i), i, false);
        }
        settle(&mut d, 1000);
        d.set_resize_allowed(false);
        for i in 30..3000 {
            d.remove(&key(i));
        }
        d.set_resize_allowed(true);
        d.shrink_if_needed();
        assert_eq!(d.bucket_counts(), [4096, 32]);
        let (mut by_budget, mut steps) = (0, 0);
        while d.is_rehashing() {
            assert!(steps < SETTLE_TURNS_MAX, "rehash makes no progress");
            let n = [1, 2, 3][steps % 3];
            by_budget += check_rehash(&mut d, n, |d| {
                d.rehash(n);
            }) as usize;
            steps += 1;
        }
        assert!(by_budget > 10, "seed {seed}: only {by_budget} of {steps} steps hit the budget");
        d.check_invariants();
    }
}

#[test]
fn each_operation_pays_one_bucket_and_the_tick_its_budget() {
    let mut d = growing(9, 513);
    let mut i = 0;
    while d.is_rehashing() {
        assert!(i < SETTLE_TURNS_MAX, "rehash makes no progress");
        match i % 4 {
            0 => check_rehash(&mut d, 1, |d| assert!(d.get_mut(b"absent").is_none())),
            1 => check_rehash(&mut d, 1, |d| assert!(d.remove(b"absent").is_none())),
            2 => check_rehash(&mut d, 3, |d| {
                d.rehash_step(3);
            }),
            _ => {
                // Reads through `&self` do no rehash work.
                let idx = d.rehash_idx;
                assert_eq!(d.get(&key(5)), Some(&5));
                assert_eq!(d.get_with_flag(&key(6)), Some((&6, false)));
                assert_eq!(d.rehash_idx, idx);
                false
            }
        };
        i += 1;
    }
    assert_eq!(d.bucket_counts(), [1024, 0]);
}

/// Inserts `n` keys one at a time and lists each resize an insert starts:
/// (keys after the insert, old size, new size).
fn resizes_while_inserting(d: &mut Dict<u64>, n: u64) -> Vec<(usize, usize, usize)> {
    let mut seen = Vec::new();
    for i in 0..n {
        let before = d.bucket_counts();
        let was_resizing = d.is_resizing();
        d.insert_new(&key(i), i, false);
        let after = d.bucket_counts();
        if !was_resizing && d.is_rehashing() {
            seen.push((d.len(), before[0], after[1]));
        }
    }
    seen
}

#[test]
fn a_table_grows_at_load_factor_one_to_the_next_power_of_two() {
    let mut d: Dict<u64> = Dict::new(4);
    d.insert_new(b"first", 0, false);
    assert_eq!(d.bucket_counts(), [INITIAL_SIZE, 0], "the first key makes a table of the initial size");
    let mut d: Dict<u64> = Dict::new(4);
    let seen = resizes_while_inserting(&mut d, 20_000);
    // The insert that finds used == size starts the grow; each rehash is
    // over before the next one is due.
    let want: Vec<_> = (2..=14).map(|p| (1 << p) + 1).map(|n| (n, n - 1, 2 * (n - 1))).collect();
    assert_eq!(seen, want);
    d.check_invariants();
}

#[test]
fn with_resizing_disallowed_a_table_grows_only_past_five_per_bucket() {
    let mut d: Dict<u64> = Dict::new(4);
    d.set_resize_allowed(false);
    let seen = resizes_while_inserting(&mut d, 1000);
    // 4 buckets: used / size > 5 first at 24 keys, so the 25th insert grows
    // the table to 32; the next at 6 * 32 = 192 keys, to 256.
    assert_eq!(seen, vec![(25, 4, 32), (193, 32, 256)]);
    d.check_invariants();
}

#[test]
fn a_table_shrinks_under_ten_percent_fill_to_the_smallest_fit() {
    let mut d: Dict<u64> = Dict::new(6);
    for i in 0..40 {
        d.insert_new(&key(i), i, false);
    }
    settle(&mut d, 100);
    assert_eq!(d.bucket_counts(), [64, 0]);
    for i in 0..40 {
        d.remove(&key(i));
        let left = 40 - i as usize - 1;
        if left > 6 {
            // 7 keys in 64 buckets is 10.9% full: no shrink yet.
            assert_eq!(d.bucket_counts(), [64, 0], "{left} keys left");
        } else if left == 6 {
            assert_eq!(d.bucket_counts(), [64, 8], "6 of 64 (9.4%) shrinks to fit 6");
            break;
        }
    }
    settle(&mut d, 100);
    for i in 34..40 {
        d.remove(&key(i));
    }
    // A table of the initial size never shrinks, even when empty: same array.
    assert_eq!(d.bucket_counts(), [INITIAL_SIZE, 0]);
    let array = d.ht[0].buckets.as_ptr();
    for _ in 0..3 {
        assert!(!d.rehash_step(100));
        d.insert_new(b"x", 1, false);
        d.remove(b"x");
    }
    assert_eq!((d.ht[0].buckets.as_ptr(), d.bucket_counts()), (array, [INITIAL_SIZE, 0]));
    // Shrinking waits while resizing is disallowed, then fits the table to its keys.
    let mut d: Dict<u64> = Dict::new(6);
    for i in 0..600 {
        d.insert_new(&key(i), i, false);
    }
    settle(&mut d, 100);
    d.set_resize_allowed(false);
    for i in 0..590 {
        d.remove(&key(i));
    }
    assert_eq!(d.bucket_counts(), [1024, 0]);
    d.set_resize_allowed(true);
    assert!(d.rehash_step(0), "the tick starts the pending shrink");
    assert_eq!(d.bucket_counts(), [1024, 16]);
}

#[test]
fn large_resizes_are_staged_a_page_per_operation() {
    let s = STAGE_MIN_BUCKETS;
    let mut d: Dict<u64> = Dict::new(2);
    for i in 0..=(s / 2) as u64 {
        d.insert_new(&key(i), i, false);
    }
    // A new array of STAGE_MIN_BUCKETS slots is zeroed at once.
    assert_eq!((d.bucket_counts(), d.staged_slots()), ([s / 2, s], None));
    for i in (s / 2 + 1) as u64..s as u64 {
        d.insert_new(&key(i), i, false);
    }
    settle(&mut d, 1000);
    assert_eq!(d.bucket_counts(), [s, 0]);
    // One more key: the array of 2s slots is staged, not yet a table.
    d.insert_new(&key(s as u64), s as u64, false);
    assert_eq!((d.bucket_counts(), d.staged_slots()), ([s, 0], Some((0, 2 * s))));
    assert!(d.is_resizing() && !d.is_rehashing());
    d.check_invariants();
    // Each operation zeroes one page, the tick 64 slots per bucket of budget.
    assert!(d.get_mut(b"absent").is_none());
    assert_eq!(d.staged_slots(), Some((STAGE_ZERO_SLOTS_PER_OP, 2 * s)));
    assert!(d.rehash_step(3));
    assert_eq!(d.staged_slots(), Some((STAGE_ZERO_SLOTS_PER_OP + 3 * STAGE_ZERO_SLOTS_PER_BUCKET, 2 * s)));
    // No second resize starts meanwhile, however full the table gets.
    let mut n = s as u64 + 1;
    let mut inserts = 0;
    while d.staged_slots().is_some() {
        assert!(inserts < SETTLE_TURNS_MAX, "staging makes no progress");
        d.insert_new(&key(n), n, false);
        n += 1;
        inserts += 1;
        assert!(d.bucket_counts()[1] == 0 || d.staged_slots().is_none());
    }
    // The rest of the 2s slots at a page per insert: about s / 256 inserts.
    let rest = 2 * s - STAGE_ZERO_SLOTS_PER_OP - 3 * STAGE_ZERO_SLOTS_PER_BUCKET;
    assert_eq!(inserts, rest.div_ceil(STAGE_ZERO_SLOTS_PER_OP));
    // The op that zeroed the last page made it ht[1]; the rehash starts from 0.
    assert_eq!((d.bucket_counts(), d.rehash_idx), ([s, 2 * s], Some(0)));
    d.check_invariants();
    settle(&mut d, 1000);
    assert_eq!(d.bucket_counts(), [2 * s, 0]);
    for i in 0..n {
        assert_eq!(d.get(&key(i)), Some(&i));
    }
}

#[test]
fn a_staged_array_is_dropped_by_clear_and_skipped_by_an_emptied_table() {
    let s = STAGE_MIN_BUCKETS as u64;
    let mut d: Dict<u64> = Dict::new(3);
    for i in 0..=s {
        d.insert_new(&key(i), i, false);
    }
    for _ in 0..SETTLE_TURNS_MAX {
        if d.staged_slots().is_some() {
            break;
        }
        d.rehash_step(1000);
        d.insert_new(&key(d.len() as u64), 0, false);
    }
    d.clear();
    assert_eq!((d.bucket_counts(), d.staged_slots(), d.is_resizing()), ([0, 0], None, false));
    d.check_invariants();
    // Every key removed while the array is staged: when it is ready there
    // is nothing to move, so it replaces ht[0] at once.
    let mut d: Dict<u64> = Dict::new(3);
    for i in 0..s {
        d.insert_new(&key(i), i, false);
    }
    settle(&mut d, 1000);
    d.insert_new(b"more", 0, false);
    d.insert_new(b"more2", 0, false);
    assert!(d.staged_slots().is_some());
    d.set_resize_allowed(false);
    for i in 0..s {
        d.remove(&key(i));
    }
    d.remove(b"more");
    d.remove(b"more2");
    assert_eq!(d.staged_slots(), None);
    assert_eq!((d.bucket_counts(), d.is_resizing()), ([2 * s as usize, 0], false));
    d.check_invariants();
}

#[test]
fn random_draws_reach_every_entry_of_both_tables() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut d = growing(5, 65);
    d.rehash(10);
    assert!(d.ht[0].used > 10 && d.ht[1].used > 10, "{d:?}");
    for rehashing in [true, false] {
        let mut seen = BTreeSet::new();
        for _ in 0..20_000 {
            let (k, v, flag) = d.draw_entry(&mut rng).expect("an entry");
            assert_eq!((k, flag), (&key(*v)[..], false));
            seen.insert(*v);
        }
        assert_eq!(seen.len(), d.len(), "rehashing {rehashing}");
        settle(&mut d, 100);
    }
    let mut empty: Dict<u64> = Dict::new(1);
    assert!(empty.random_entry(&mut rng).is_none());
}

#[test]
fn a_random_draw_walks_after_sixty_four_misses() {
    // One key in 4096 buckets: nearly every draw misses.
    let mut d: Dict<u64> = Dict::new(8);
    for i in 0..3000 {
        d.insert_new(&key(i), i, false);
    }
    settle(&mut d, 1000);
    d.set_resize_allowed(false);
    for i in 1..3000 {
        d.remove(&key(i));
    }
    let size = d.bucket_counts()[0];
    assert_eq!(size, 4096);
    let home = d.hash(&key(0)) as usize & (size - 1);
    let mut walked = 0;
    for seed in 0..20 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut reference = rng.clone();
        // The reference: draw buckets until one holds the key or 64 missed.
        let mut draws = 0;
        while draws < RANDOM_BUCKET_DRAWS && reference.gen_range(0..size) != home {
            draws += 1;
        }
        if draws == RANDOM_BUCKET_DRAWS {
            walked += 1;
        }
        let _ = reference.gen_range(0..1);
        assert_eq!(d.random_entry(&mut rng).map(|(_, v, _)| *v), Some(0));
        assert_eq!(rng.get_word_pos(), reference.get_word_pos(), "seed {seed}: random words used");
    }
    assert!(walked > 15);
}

/// Bytes the table should hold: its entries and its live bucket arrays.
fn table_bytes(d: &Dict<u64>) -> isize {
    let mut bytes = 0;
    d.for_each(|k, _, _| bytes += entry::alloc_bytes::<u64>(k.len()));
    let slots = d.ht[0].buckets.len() + d.ht[1].buckets.len() + d.staged_slots().map_or(0, |(_, n)| n);
    (bytes + slots * std::mem::size_of::<Link<u64>>()) as isize
}

#[test]
fn every_allocated_byte_is_an_entry_or_a_live_array_and_comes_back() {
    let base = live_bytes();
    {
        let mut d: Dict<u64> = Dict::new(11);
        let n = STAGE_MIN_BUCKETS as u64 + 1;
        let mut checks = 0;
        for i in 0..n + 2000 {
            d.insert_new(&key(i), i, false);
            if i % 2003 == 0 || d.staged_slots().is_some_and(|(z, _)| z == 0) {
                assert_eq!(live_bytes() - base, table_bytes(&d), "after {} keys", i + 1);
                checks += 1;
            }
        }
        assert!(checks > 20 && d.is_rehashing());
        settle(&mut d, 1000);
        assert_eq!(live_bytes() - base, table_bytes(&d), "the old arrays were freed");
        for i in 0..n + 2000 - 10 {
            let (v, _) = d.remove(&key(i)).expect("present");
            assert_eq!(v, i);
        }
        settle(&mut d, 1000);
        assert_eq!(d.bucket_counts(), [16, 0]);
        assert_eq!(live_bytes() - base, table_bytes(&d), "shrunk");
        let e = d.remove_entry(&key(n + 1995)).expect("present");
        assert_eq!(e.into_value(), n + 1995);
        assert_eq!(live_bytes() - base, table_bytes(&d));
        d.clear();
        assert_eq!(live_bytes(), base, "clear frees everything");
        for i in 0..100 {
            d.insert_new(&key(i), i, false);
        }
    }
    assert_eq!(live_bytes(), base, "dropping the dict frees everything");
}
