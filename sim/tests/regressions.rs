//! Replays every seed in the regression list.

use ferrodis_sim::regressions::SEEDS;
use ferrodis_sim::{replay_command, run, RunConfig, KNOWN_ENGINE_GAPS};

#[test]
fn regression_seeds() {
    let mut failures = Vec::new();
    for &(seed, ops, why) in SEEDS {
        let cfg = RunConfig { exclude: KNOWN_ENGINE_GAPS, ..RunConfig::new(seed, ops) };
        if let Err(f) = run(&cfg, None).result {
            failures.push(format!(
                "seed {seed} ({why}) step {}: {}\n  replay: {}",
                f.step,
                f.message,
                replay_command(&cfg)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
