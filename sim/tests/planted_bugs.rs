//! Planted bugs (engine feature `planted-bugs`): each realistic mistake in
//! `ferrodis_engine::planted` must make some seed fail within a bound, or
//! the simulator would miss its real-life twin; and the seed that catches
//! it must pass without the bug, so the failure is the bug's. Each bug is
//! hunted in both compositions (one thread, split), except the split-only
//! one, which must be caught split and cannot show one-thread. Prints seeds
//! and seconds to catch each:
//! `cargo test -p ferrodis-sim --test planted_bugs -- --nocapture`.

use std::time::Instant;

use ferrodis_engine::planted::PlantedBug;
use ferrodis_engine::Config;
use ferrodis_sim::swarm::Mode;
use ferrodis_sim::{first_failing_seed, run, RunConfig, KNOWN_ENGINE_GAPS};

/// Commands per seed: the batch's figure.
const OPS: u64 = 3_000;
/// Every planted bug must be caught by one of the first this many seeds.
const SEEDS_MAX: u64 = 50;

fn caught(bug: PlantedBug) {
    caught_in(bug, Mode::One);
    caught_in(bug, Mode::Split);
}

fn caught_in(bug: PlantedBug, mode: Mode) {
    let started = Instant::now();
    let tweak = move |c: &mut Config| c.planted_bug = Some(bug);
    let base = RunConfig { tweak: &tweak, exclude: KNOWN_ENGINE_GAPS, mode, ..RunConfig::new(0, OPS) };
    let found = first_failing_seed(0..SEEDS_MAX, &base);
    let secs = started.elapsed().as_secs_f64();
    let Some((seed, failure)) = found else {
        panic!("{bug:?} ({mode:?}): no failure within seeds 0..{SEEDS_MAX} ({secs:.2}s)");
    };
    let first_line = failure.message.lines().next().unwrap_or("");
    println!(
        "{bug:?} ({mode:?}): caught by seed {seed} ({} seeds run) at step {} in {secs:.2}s: {first_line}",
        seed + 1,
        failure.step
    );
    let control = run(&RunConfig { seed, exclude: KNOWN_ENGINE_GAPS, mode, ..RunConfig::new(seed, OPS) }, None);
    if let Err(f) = control.result {
        panic!("{bug:?} ({mode:?}): seed {seed} also fails without the bug (step {}): {}", f.step, f.message);
    }
}

#[test]
fn parser_crlf_split() {
    caught(PlantedBug::ParserCrlfSplit);
}

#[test]
fn getrange_exclusive_end() {
    caught(PlantedBug::GetrangeExclusiveEnd);
}

#[test]
fn expiry_boundary() {
    caught(PlantedBug::ExpiryBoundary);
}

#[test]
fn rehash_skips_bucket() {
    caught(PlantedBug::RehashSkipsBucket);
}

#[test]
fn ring_full_drops_request() {
    caught(PlantedBug::RingFullDropsRequest);
}

#[test]
fn reply_overwrites_pending() {
    caught(PlantedBug::ReplyOverwritesPending);
}

/// Only the split path has replies in flight when a connection closes: the
/// simulator catches the bug there, and one-thread runs cannot show it.
#[test]
fn blocked_served_newest_first() {
    caught(PlantedBug::BlockedServedNewestFirst);
}

#[test]
fn stale_reply_reaches_reused_slot() {
    let bug = PlantedBug::StaleReplyReachesReusedSlot;
    caught_in(bug, Mode::Split);
    let tweak = move |c: &mut Config| c.planted_bug = Some(bug);
    let one = RunConfig { tweak: &tweak, exclude: KNOWN_ENGINE_GAPS, mode: Mode::One, ..RunConfig::new(0, OPS) };
    if let Some((seed, f)) = first_failing_seed(0..10, &one) {
        panic!("{bug:?} showed in a one-thread run (seed {seed}, step {}): {}", f.step, f.message);
    }
}

/// Selecting nothing leaves the engine as it is without the feature: the
/// same seed gives the same trace hash with `planted_bug: None` as with no
/// tweak at all (the batch in `seeds.rs` runs with the feature on too).
#[test]
fn no_bug_selected_changes_nothing() {
    for seed in 0..3 {
        let plain = run(&RunConfig { exclude: KNOWN_ENGINE_GAPS, ..RunConfig::new(seed, 1_000) }, None);
        let tweak = |c: &mut Config| c.planted_bug = None;
        let none = run(&RunConfig { tweak: &tweak, exclude: KNOWN_ENGINE_GAPS, ..RunConfig::new(seed, 1_000) }, None);
        assert!(plain.result.is_ok() && none.result.is_ok(), "seed {seed}");
        assert_eq!(plain.hash, none.hash, "seed {seed}");
    }
}

/// The AOF's planted bugs, hunted in AOF runs on the simulated disk
/// (`world::aof`: crashes at storage steps, restarts, the durability
/// check), in each composition; each seed that catches one must pass
/// without it.
fn caught_aof(bug: PlantedBug) {
    caught_aof_in(bug, Mode::One);
    caught_aof_in(bug, Mode::Split);
}

fn caught_aof_in(bug: PlantedBug, mode: Mode) {
    let started = Instant::now();
    let tweak = move |c: &mut Config| c.planted_bug = Some(bug);
    let base = RunConfig { tweak: &tweak, exclude: KNOWN_ENGINE_GAPS, aof: true, mode, ..RunConfig::new(0, AOF_OPS) };
    let found = first_failing_seed(0..AOF_SEEDS_MAX, &base);
    let secs = started.elapsed().as_secs_f64();
    let Some((seed, failure)) = found else {
        panic!("{bug:?} (AOF, {mode:?}): no failure within seeds 0..{AOF_SEEDS_MAX} ({secs:.2}s)");
    };
    let first_line = failure.message.lines().next().unwrap_or("");
    println!(
        "{bug:?} (AOF, {mode:?}): caught by seed {seed} ({} seeds run) at step {} in {secs:.2}s: {first_line}",
        seed + 1,
        failure.step
    );
    let control =
        run(&RunConfig { seed, exclude: KNOWN_ENGINE_GAPS, aof: true, mode, ..RunConfig::new(seed, AOF_OPS) }, None);
    if let Err(f) = control.result {
        panic!("{bug:?} (AOF, {mode:?}): seed {seed} also fails without the bug (step {}): {}", f.step, f.message);
    }
}

/// Commands per AOF seed, and the bound on seeds for each AOF bug.
const AOF_OPS: u64 = 2_000;
const AOF_SEEDS_MAX: u64 = 100;

#[test]
fn aof_reply_before_fsync() {
    caught_aof(PlantedBug::AofReplyBeforeFsync);
}

#[test]
fn aof_manifest_before_base() {
    caught_aof(PlantedBug::AofManifestBeforeBase);
}

#[test]
fn aof_torn_tail_one_too_far() {
    caught_aof(PlantedBug::AofTornTailOneTooFar);
}
