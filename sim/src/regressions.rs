//! Seeds that once failed (or are otherwise worth keeping), as
//! `(seed, ops, why)`. `cargo test` replays every one (`tests/regressions.rs`).
//! Add a seed here when a failure it found is fixed.

pub static SEEDS: &[(u64, u64, &str)] = &[
    // Found when the engine computed INCRBYFLOAT in f64 (Redis uses x87
    // long double): each failed within 10,000 operations until
    // `cmd/string/long_double.rs` landed.
    (1, 10_000, "INCRBYFLOAT near i64::MIN: -9223372036854775808 for -9223372036854775798"),
    (3, 10_000, "INCRBYFLOAT on a value with a NUL byte: parsed the prefix instead of 'not a valid float'"),
    (6, 10_000, "INCRBYFLOAT printed 15 digits: 1099511627862.06 for 1099511627862.0625"),
];
