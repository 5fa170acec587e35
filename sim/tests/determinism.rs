//! The determinism gate: the same seed twice gives the same trace, step by
//! step; a difference names the first diverging step.

use ferrodis_sim::determinism_check;

#[test]
fn same_seed_same_trace() {
    for seed in [0u64, 1, 7, 123, 9_999] {
        if let Err(e) = determinism_check(seed, 1_000) {
            panic!("{e}");
        }
    }
}

#[test]
fn different_seeds_differ() {
    let a = determinism_check(1, 300).expect("deterministic");
    let b = determinism_check(2, 300).expect("deterministic");
    assert_ne!(a, b);
}
