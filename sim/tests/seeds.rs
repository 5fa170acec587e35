//! The batch of seeds `cargo test` runs: every reply of a few hundred
//! swarm-tested runs checked against the model, with the engine's
//! invariants checked after every step. Split in two tests so that the two
//! halves run on two cores.

use ferrodis_sim::{replay_command, run, RunConfig, KNOWN_ENGINE_GAPS};

/// Seeds and commands per seed: 400 runs of 4,000 commands, about 30 s
/// of the test profile on one core of the reference machine.
const SEEDS: std::ops::Range<u64> = 0..400;
const OPS: u64 = 4_000;

fn batch(seeds: std::ops::Range<u64>) {
    let mut failures = Vec::new();
    let mut commands = 0;
    let n = seeds.end - seeds.start;
    for seed in seeds {
        let cfg = RunConfig { exclude: KNOWN_ENGINE_GAPS, ..RunConfig::new(seed, OPS) };
        let outcome = run(&cfg, None);
        commands += outcome.stats.commands;
        if let Err(f) = outcome.result {
            failures.push(format!("seed {seed} step {}: {}\n  replay: {}", f.step, f.message, replay_command(&cfg)));
        }
    }
    println!("{n} seeds, {commands} commands");
    assert!(failures.is_empty(), "{} failing seeds:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn batch_of_seeds_first_half() {
    batch(SEEDS.start..SEEDS.start + (SEEDS.end - SEEDS.start) / 2);
}

#[test]
fn batch_of_seeds_second_half() {
    batch(SEEDS.start + (SEEDS.end - SEEDS.start) / 2..SEEDS.end);
}

#[test]
fn fault_free_runs_pass() {
    for seed in 0..5 {
        let cfg = RunConfig { faults: false, exclude: KNOWN_ENGINE_GAPS, ..RunConfig::new(seed, 5_000) };
        if let Err(f) = run(&cfg, None).result {
            panic!("seed {seed} step {}: {}", f.step, f.message);
        }
    }
}
