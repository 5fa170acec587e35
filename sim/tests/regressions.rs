//! Replays every seed in the regression list, in both compositions.

use ferrodis_sim::regressions::SEEDS;
use ferrodis_sim::swarm::Mode;
use ferrodis_sim::{replay_command, run, RunConfig, KNOWN_ENGINE_GAPS};

#[test]
fn regression_seeds() {
    let mut failures = Vec::new();
    for (&(seed, ops, why), mode) in SEEDS.iter().flat_map(|s| [(s, Mode::One), (s, Mode::Split)]) {
        let cfg = RunConfig { exclude: KNOWN_ENGINE_GAPS, mode, ..RunConfig::new(seed, ops) };
        if let Err(f) = run(&cfg, None).result {
            failures.push(format!(
                "seed {seed} ({why}, {mode:?}) step {}: {}\n  replay: {}",
                f.step,
                f.message,
                replay_command(&cfg)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
