//! AOF runs on the simulated disk (`world::aof`): the engine with
//! `appendonly yes`, crashes at storage steps, restarts that load from the
//! disk, and every recovered dataset checked against the model's history.
//! A batch of seeds, every policy and the composition (one thread or
//! split) drawn per seed.

use std::time::Instant;

use ferrodis_sim::fault::FaultCounts;
use ferrodis_sim::{replay_command, run, RunConfig, KNOWN_ENGINE_GAPS};

/// 60 seeds of 2,000 commands: about 20 s of the test profile on one
/// core, split in two tests for two cores.
const SEEDS: std::ops::Range<u64> = 0..60;
const OPS: u64 = 2_000;

#[test]
fn aof_batch_with_crashes_first_half() {
    batch(SEEDS.start..SEEDS.end / 2);
}

#[test]
fn aof_batch_with_crashes_second_half() {
    batch(SEEDS.end / 2..SEEDS.end);
}

fn batch(seeds: std::ops::Range<u64>) {
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut faults = FaultCounts::default();
    for seed in seeds.clone() {
        let cfg = RunConfig { exclude: KNOWN_ENGINE_GAPS, aof: true, ..RunConfig::new(seed, OPS) };
        let outcome = run(&cfg, None);
        faults.add(&outcome.stats.faults);
        if let Err(f) = outcome.result {
            failures.push(format!("seed {seed} step {}: {}\n  replay: {}", f.step, f.message, replay_command(&cfg)));
        }
    }
    println!("{} seeds in {:.1}s: {}", seeds.end - seeds.start, started.elapsed().as_secs_f64(), faults.summary());
    assert!(failures.is_empty(), "{} failing seeds:\n{}", failures.len(), failures.join("\n"));
    assert!(faults.restarts > 0 && faults.rewrites > 0 && faults.disk.torn_tails > 0, "{}", faults.summary());
    let runs = seeds.end - seeds.start;
    assert!(faults.split_runs > 0 && faults.split_runs < runs, "both compositions run: {}", faults.summary());
}

/// An AOF run is a function of its seed: the disk's faults, the fsync
/// delays and the rewrite child's pace come from the seed's own stream.
#[test]
fn aof_runs_are_deterministic() {
    for seed in [3, 17, 29] {
        let cfg = RunConfig { aof: true, step_hashes: true, exclude: KNOWN_ENGINE_GAPS, ..RunConfig::new(seed, 1_000) };
        let (a, b) = (run(&cfg, None), run(&cfg, None));
        assert!(a.result.is_ok() && b.result.is_ok(), "seed {seed}");
        assert_eq!(a.stats.faults, b.stats.faults, "seed {seed}");
        let first = a.step_hashes.iter().zip(&b.step_hashes).position(|(x, y)| x != y);
        assert_eq!(first, None, "seed {seed}: runs diverge at step {first:?}");
        assert_eq!((a.hash, a.step_hashes.len()), (b.hash, b.step_hashes.len()), "seed {seed}");
    }
}
