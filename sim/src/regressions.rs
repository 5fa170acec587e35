//! Seeds that once failed (or are otherwise worth keeping), as
//! `(seed, ops, why)`. `cargo test` replays every one (`tests/regressions.rs`).
//! Add a seed here when a failure it found is fixed.

pub static SEEDS: &[(u64, u64, &str)] = &[
    // Placeholders until the first real failure is fixed: seeds that
    // exercise the tiny ring (capacity 1..3) with split sends.
    (1, 2_000, "baseline"),
    (42, 2_000, "baseline"),
];
