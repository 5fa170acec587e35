//! The batch of seeds `cargo test` runs: every reply of a few hundred
//! swarm-tested runs checked against the model.

use ferrodis_sim::{replay_command, run, RunConfig};

/// Seeds and commands per seed: a few hundred runs, well under two minutes.
const SEEDS: std::ops::Range<u64> = 0..300;
const OPS: u64 = 3_000;

#[test]
fn batch_of_seeds() {
    let mut failures = Vec::new();
    let mut commands = 0;
    for seed in SEEDS {
        let outcome = run(&RunConfig::new(seed, OPS), None);
        commands += outcome.stats.commands;
        if let Err(f) = outcome.result {
            failures.push(format!(
                "seed {seed} step {}: {}\n  replay: {}",
                f.step,
                f.message,
                replay_command(seed, OPS)
            ));
        }
    }
    println!("{} seeds, {commands} commands", SEEDS.end - SEEDS.start);
    assert!(failures.is_empty(), "{} failing seeds:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn fault_free_runs_pass() {
    for seed in 0..5 {
        let cfg = RunConfig { faults: false, ..RunConfig::new(seed, 5_000) };
        if let Err(f) = run(&cfg, None).result {
            panic!("seed {seed} step {}: {}", f.step, f.message);
        }
    }
}
