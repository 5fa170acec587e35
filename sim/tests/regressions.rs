//! Replays every seed in the regression list.

use ferrodis_sim::regressions::SEEDS;
use ferrodis_sim::{replay_command, run, RunConfig};

#[test]
fn regression_seeds() {
    let mut failures = Vec::new();
    for &(seed, ops, why) in SEEDS {
        if let Err(f) = run(&RunConfig::new(seed, ops), None).result {
            failures.push(format!(
                "seed {seed} ({why}) step {}: {}\n  replay: {}",
                f.step,
                f.message,
                replay_command(seed, ops)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
