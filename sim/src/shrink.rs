//! Shrinking a failing trace: remove chunks of events (halves, then
//! quarters, ... then single events) while the replay still fails. Events
//! replay robustly when others are gone (lengths are clamped, sends to a
//! closed client are dropped), so any subset is a valid trace.

use std::time::{Duration, Instant};

use crate::trace::Event;
use crate::{run, Failure, RunConfig};

/// Bounds on the work one shrink may do.
pub const SHRINK_ATTEMPTS_MAX: usize = 2_000;
pub const SHRINK_TIME_MAX: Duration = Duration::from_secs(60);

/// Returns a trace no longer than `trace` that still fails, and its failure.
pub fn shrink(cfg: &RunConfig<'_>, trace: &[Event], failure: Failure) -> (Vec<Event>, Failure) {
    let replay_cfg = RunConfig { record: false, step_hashes: false, ..*cfg };
    let fails = |events: &[Event]| run(&replay_cfg, Some(events)).result.err();
    let mut events = trace.to_vec();
    let mut best = failure;
    let start = Instant::now();
    let mut attempts = 0;
    let mut chunk = (events.len() / 2).max(1);
    loop {
        let mut progress = false;
        let mut i = 0;
        while i < events.len() {
            if attempts >= SHRINK_ATTEMPTS_MAX || start.elapsed() > SHRINK_TIME_MAX {
                return (events, best);
            }
            attempts += 1;
            let end = (i + chunk).min(events.len());
            if !events[i..end].iter().all(Event::removable) {
                i = end;
                continue;
            }
            let candidate: Vec<Event> = events[..i].iter().chain(&events[end..]).cloned().collect();
            match fails(&candidate) {
                Some(f) => {
                    events = candidate;
                    best = f;
                    progress = true;
                }
                None => i = end,
            }
        }
        if chunk == 1 && !progress {
            return (events, best);
        }
        chunk = (chunk / 2).max(1);
    }
}
