//! The failure path: a failing run is recorded, shrunk, and still fails.
//! A config tweak that makes the engine disagree with the model stands in
//! for a planted bug: with 2 databases, `SELECT 2` errors in the engine
//! while the model (16 databases) expects OK.

use ferrodis_sim::{first_failing_seed, run, shrink, RunConfig, KNOWN_ENGINE_GAPS};

#[test]
fn finds_shrinks_and_replays_a_failure() {
    let tweak = |c: &mut ferrodis_engine::Config| c.databases = 2;
    let base = RunConfig { tweak: &tweak, exclude: KNOWN_ENGINE_GAPS, ..RunConfig::new(0, 2_000) };
    let (seed, failure) = first_failing_seed(0..50, &base).expect("a seed fails within 50");
    let cfg = RunConfig { record: true, seed, ..base };
    let recorded = run(&cfg, None);
    let f2 = recorded.result.expect_err("the recorded rerun fails the same way");
    assert_eq!(f2.step, failure.step, "deterministic failure step");
    let (events, _) = shrink::shrink(&cfg, &recorded.trace, f2);
    assert!(events.len() < recorded.trace.len() && events.len() <= 10, "shrunk to {} events", events.len());
    let replay = run(&RunConfig { record: false, ..cfg }, Some(&events));
    assert!(replay.result.is_err(), "the shrunk trace still fails");
}
