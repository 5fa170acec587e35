//! When the driver should hand freed memory back to the OS.
//!
//! The engine frees what it no longer needs at once: a deleted value, the
//! read buffer that held a big argument, a big reply once written. The
//! allocator keeps the freed pages mapped to reuse them, and mimalloc
//! returns them to the OS only after a delay *and* only when it is called
//! again; an idle server never calls it, so the pages of a deleted 100 MB
//! value would stay resident until some later allocation. The engine
//! cannot call the allocator (the driver owns it), so it decides *when* and
//! the driver does it: [`crate::exec::Executor::poll_memory_purge`] says
//! "purge now", and the driver calls the allocator's purge
//! (`mi_collect(true)` for mimalloc, `malloc_trim(0)` for glibc), then
//! feeds fresh host figures.
//!
//! A purge is asked for:
//! - by `MEMORY PURGE`, at once;
//! - by the timed tick, when the process holds at least
//!   [`limits::MEMORY_PURGE_SLACK_BYTES`] more resident memory beyond what is
//!   allocated (RSS minus `used_memory`, from the driver's host figures)
//!   than it did right after the last purge, and the last purge is at least
//!   [`limits::MEMORY_PURGE_INTERVAL_MS`] old.
//!
//! Never per request: the read path frees and reallocates buffers all the
//! time, and a purge walks the allocator's pages and makes the next
//! allocations fault their pages in again. What a purge cannot give back
//! (partly used pages, the binary, stacks) stays in the next sample and
//! becomes the new baseline, so it does not trigger purge after purge.
//!
//! A driver that feeds no host figures (the simulator) gets purges only
//! from `MEMORY PURGE`.

use crate::limits;

/// The purge rule's state (see the module doc). Owned by the server, so a
/// command handler can ask for a purge.
#[derive(Debug, Clone, Default)]
pub struct PurgePolicy {
    /// A purge was asked for and the driver has not polled it yet.
    wanted: bool,
    /// RSS minus allocated bytes in the latest sample; `None` until one
    /// arrives after the last purge.
    unused_bytes: Option<u64>,
    /// The same in the first sample after the last purge (or at start:
    /// drivers feed fresh figures right after purging), lowered when a
    /// later sample is lower; `None` until that sample arrives.
    baseline_bytes: Option<u64>,
    /// When the last purge was asked for, Unix ms.
    last_ms: Option<u64>,
    /// Purges asked for since start (by the command and by the tick).
    pub purges: u64,
}

impl PurgePolicy {
    /// `MEMORY PURGE`: purge now.
    pub fn handle_command(&mut self, now_ms: u64) {
        self.ask(now_ms);
    }

    /// The driver's latest figures: resident bytes of the process and bytes
    /// allocated (a driver that feeds none leaves both 0: ignored).
    pub fn handle_sample(&mut self, rss_bytes: u64, used_bytes: u64) {
        if rss_bytes == 0 {
            return;
        }
        let unused = rss_bytes.saturating_sub(used_bytes);
        self.unused_bytes = Some(unused);
        self.baseline_bytes = Some(self.baseline_bytes.map_or(unused, |b| b.min(unused)));
    }

    /// The timed check, over the latest sample.
    pub fn handle_tick(&mut self, now_ms: u64) {
        let (Some(unused), Some(baseline)) = (self.unused_bytes, self.baseline_bytes) else {
            return;
        };
        let rested = self.last_ms.is_none_or(|last| now_ms >= last.saturating_add(limits::MEMORY_PURGE_INTERVAL_MS));
        if rested && unused >= baseline.saturating_add(limits::MEMORY_PURGE_SLACK_BYTES) {
            self.ask(now_ms);
        }
    }

    /// Whether the driver should purge now; true once per request.
    pub fn poll_purge(&mut self) -> bool {
        std::mem::take(&mut self.wanted)
    }

    fn ask(&mut self, now_ms: u64) {
        self.wanted = true;
        self.last_ms = Some(now_ms);
        // The next sample, taken after the purge, is the new baseline.
        self.unused_bytes = None;
        self.baseline_bytes = None;
        self.purges += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use limits::{MEMORY_PURGE_INTERVAL_MS as INTERVAL, MEMORY_PURGE_SLACK_BYTES as SLACK};

    const MB: u64 = 1 << 20;

    /// A driver's tick: fresh figures, then the timed work.
    fn tick(p: &mut PurgePolicy, now_ms: u64, rss_bytes: u64, used_bytes: u64) {
        p.handle_sample(rss_bytes, used_bytes);
        p.handle_tick(now_ms);
    }

    #[test]
    fn the_command_asks_once() {
        let mut p = PurgePolicy::default();
        assert!(!p.poll_purge());
        p.handle_command(5);
        assert!(p.poll_purge());
        assert!(!p.poll_purge(), "one purge per request");
        assert_eq!(p.purges, 1);
    }

    #[test]
    fn no_figures_no_timed_purge() {
        let mut p = PurgePolicy::default();
        for t in 0..100 {
            tick(&mut p, t * INTERVAL, 0, 0);
            assert!(!p.poll_purge());
        }
    }

    #[test]
    fn freed_memory_is_purged_once_it_passes_the_slack() {
        let mut p = PurgePolicy::default();
        // Start: 10 MB resident beyond 1 MB allocated is the baseline.
        tick(&mut p, 0, 11 * MB, MB);
        assert!(!p.poll_purge());
        // A big value is allocated: nothing unused yet.
        tick(&mut p, 100, 211 * MB, 201 * MB);
        assert!(!p.poll_purge());
        // Just under the slack: kept.
        tick(&mut p, 200, 10 * MB + SLACK - 1 + MB, MB);
        assert!(!p.poll_purge());
        // Deleted: 200 MB resident and unused.
        tick(&mut p, 300, 211 * MB, MB);
        assert!(p.poll_purge());
        assert!(!p.poll_purge());
    }

    #[test]
    fn what_a_purge_cannot_return_becomes_the_baseline() {
        let mut p = PurgePolicy::default();
        tick(&mut p, 0, 11 * MB, MB);
        tick(&mut p, 100, 211 * MB, MB);
        assert!(p.poll_purge());
        // The purge gave back only half: the rest is the new baseline, so
        // later ticks do not purge again and again.
        for t in 1..50 {
            tick(&mut p, 100 + t * INTERVAL, 111 * MB, MB);
            assert!(!p.poll_purge(), "tick {t}");
        }
        // More freed memory on top of it: purged again.
        tick(&mut p, 100 + 50 * INTERVAL, 111 * MB + SLACK, MB);
        assert!(p.poll_purge());
        assert_eq!(p.purges, 2);
    }

    #[test]
    fn the_baseline_is_the_sample_right_after_the_purge() {
        let mut p = PurgePolicy::default();
        tick(&mut p, 0, 11 * MB, MB);
        tick(&mut p, 100, 211 * MB, MB);
        assert!(p.poll_purge());
        // The driver purged and fed fresh figures at once.
        p.handle_sample(11 * MB, MB);
        // Memory freed right after the purge is purged once the interval
        // has passed (the baseline is not taken from a later sample).
        tick(&mut p, 200, 111 * MB, MB);
        assert!(!p.poll_purge());
        tick(&mut p, 100 + INTERVAL, 111 * MB, MB);
        assert!(p.poll_purge());
    }

    #[test]
    fn purges_are_at_least_an_interval_apart() {
        let mut p = PurgePolicy::default();
        tick(&mut p, 0, 11 * MB, MB);
        p.handle_command(1000);
        assert!(p.poll_purge());
        p.handle_sample(11 * MB, MB);
        // Freed memory right after a purge waits for the interval.
        tick(&mut p, 1000 + INTERVAL - 1, 11 * MB + 2 * SLACK, MB);
        assert!(!p.poll_purge());
        tick(&mut p, 1000 + INTERVAL, 11 * MB + 2 * SLACK, MB);
        assert!(p.poll_purge());
    }
}
