//! Pub/Sub under the simulator: seeds whose commands are 30% extras
//! (introspection and pub/sub), in both compositions, with every fault
//! class the seed draws (disconnects mid-stream included). The world
//! queues each published message on every subscriber's expected stream
//! when the publish executes, so a run passes only if every message
//! reached every client subscribed at that moment, once, in publish
//! order, and nothing reached anyone else (`model/pubsub.rs`).

use ferrodis_sim::swarm::Mode;
use ferrodis_sim::{replay_command, run, RunConfig, KNOWN_ENGINE_GAPS};

fn seeds(mode: Mode) {
    let mut failures = Vec::new();
    for seed in 0..30 {
        let cfg = RunConfig { exclude: KNOWN_ENGINE_GAPS, mode, extra_pct: Some(30), ..RunConfig::new(seed, 2_000) };
        if let Err(f) = run(&cfg, None).result {
            failures.push(format!("seed {seed} step {}: {}\n  replay: {}", f.step, f.message, replay_command(&cfg)));
        }
    }
    assert!(failures.is_empty(), "{} failing seeds:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn pubsub_seeds_one_thread() {
    seeds(Mode::One);
}

#[test]
fn pubsub_seeds_split() {
    seeds(Mode::Split);
}
