//! The determinism gate: the same seed twice gives the same trace, step by
//! step, in either composition; a difference names the first diverging step.

use ferrodis_sim::determinism_check;
use ferrodis_sim::swarm::Mode;

#[test]
fn same_seed_same_trace() {
    for mode in [Mode::One, Mode::Split] {
        for seed in [0u64, 1, 7, 123, 9_999] {
            if let Err(e) = determinism_check(seed, 1_000, mode) {
                panic!("{mode:?}: {e}");
            }
        }
    }
}

#[test]
fn different_seeds_differ() {
    for mode in [Mode::One, Mode::Split] {
        let a = determinism_check(1, 300, mode).expect("deterministic");
        let b = determinism_check(2, 300, mode).expect("deterministic");
        assert_ne!(a, b, "{mode:?}");
    }
}

/// The two compositions really run differently: the same seed's traces differ.
#[test]
fn modes_differ() {
    let one = determinism_check(5, 300, Mode::One).expect("deterministic");
    let split = determinism_check(5, 300, Mode::Split).expect("deterministic");
    assert_ne!(one, split);
}
