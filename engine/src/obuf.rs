//! Output buffer limits (`client-output-buffer-limit`): the per-class hard
//! and soft limits, their config syntax, and the one rule that decides when
//! a client whose output piles up is cut off.
//!
//! # Where the rule runs
//! Output piles up where it waits for the socket: in the connection layer
//! ([`crate::conn::Connection`]), which both compositions (the one-thread
//! [`crate::Engine`] and the threaded sides) share. The executor tags every
//! reply it hands over with the client's [`OutputClass`] and its time
//! ([`ReplyTag`]); the connection checks the hard limit before appending
//! (so its buffer never grows past it) and [`OutputLimits::exceeded`]
//! after, and on a breach drops its output and input and tells the
//! executor ([`crate::ring::RequestKind::OutputLimit`]), which logs Redis's
//! line and forgets the client.
//!
//! Output also waits in the executor (between the command that produced it
//! and the next hand-over: a batch of pipelined PUBLISHes piles up there)
//! and, with I/O threads, in the ring. [`OutputGauge`] counts what was
//! handed over and not yet written, so [`crate::ctx::Ctx::deliver`] checks
//! the client's whole output (held + in the ring + in the connection)
//! against the hard limit; past it, the executor cuts the client after the
//! command and the connection drops what it has on a tag with `cut`. A
//! subscriber that never reads therefore costs about its hard limit (plus
//! one message) before it is cut, whatever the publishers do and however
//! late the I/O thread drains the ring.
//!
//! Redis counts only its reply list, not the 16 KB static buffer in front
//! of it; we count every byte not yet written beyond the first
//! [`UNCOUNTED_BYTES`], so a tiny limit does not cut a client for an
//! ordinary reply, as in Redis.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::config::parse_memory;

/// Bytes of one connection's output that the executor handed over and the
/// connection has not yet written or dropped: what waits in the ring plus
/// what waits for the socket. The executor adds what it hands over, the
/// connection subtracts what it writes or drops; the two halves may be on
/// two threads, hence the atomic. The executor's limit check adds it to
/// what it still holds itself, so the whole output of a client counts,
/// wherever it waits.
#[derive(Debug, Clone, Default)]
pub struct OutputGauge(Arc<AtomicUsize>);

impl OutputGauge {
    pub fn add(&self, n: usize) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }

    pub fn sub(&self, n: usize) {
        self.0.fetch_sub(n, Ordering::Relaxed);
    }

    pub fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

/// Which limits apply to a client (Redis `getClientType`; a master counts
/// as normal, and a MONITOR client as normal too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputClass {
    #[default]
    Normal,
    Replica,
    /// A client in subscriber mode (Redis's `CLIENT_PUBSUB` flag).
    Pubsub,
}

/// One class's limits. 0 disables a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputLimit {
    pub hard_bytes: u64,
    pub soft_bytes: u64,
    pub soft_seconds: u64,
}

/// The limits of every class, in Redis's defaults
/// (`normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputLimits {
    pub normal: OutputLimit,
    pub replica: OutputLimit,
    pub pubsub: OutputLimit,
}

impl Default for OutputLimits {
    fn default() -> OutputLimits {
        OutputLimits {
            normal: OutputLimit { hard_bytes: 0, soft_bytes: 0, soft_seconds: 0 },
            replica: OutputLimit { hard_bytes: 256 << 20, soft_bytes: 64 << 20, soft_seconds: 60 },
            pubsub: OutputLimit { hard_bytes: 32 << 20, soft_bytes: 8 << 20, soft_seconds: 60 },
        }
    }
}

/// What the executor tells the connection layer with each reply: which
/// limits apply to the client now, and the time to run the soft limit's
/// clock by (Unix ms; the connection layer reads no clock of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReplyTag {
    pub class: OutputClass,
    pub now_ms: u64,
    /// The executor cut the client (its own share of the output passed the
    /// hard limit) and forgot it: drop everything and close.
    pub cut: bool,
}

/// Output not counted against the limits: the size of Redis's static
/// reply buffer (`PROTO_REPLY_CHUNK_BYTES`), which its limits do not see.
pub const UNCOUNTED_BYTES: usize = 16 * 1024;

/// Redis's error texts for a bad value.
pub const ERR_ARG_COUNT: &str = "Wrong number of arguments in buffer limit configuration.";
pub const ERR_CLASS: &str = "Invalid client class specified in buffer limit configuration.";
pub const ERR_VALUE: &str = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";

impl OutputLimits {
    pub fn get(&self, class: OutputClass) -> OutputLimit {
        match class {
            OutputClass::Normal => self.normal,
            OutputClass::Replica => self.replica,
            OutputClass::Pubsub => self.pubsub,
        }
    }

    fn get_mut(&mut self, class: OutputClass) -> &mut OutputLimit {
        match class {
            OutputClass::Normal => &mut self.normal,
            OutputClass::Replica => &mut self.replica,
            OutputClass::Pubsub => &mut self.pubsub,
        }
    }

    /// CONFIG GET's form.
    pub fn format(&self) -> String {
        let one = |name: &str, l: OutputLimit| format!("{name} {} {} {}", l.hard_bytes, l.soft_bytes, l.soft_seconds);
        format!("{} {} {}", one("normal", self.normal), one("slave", self.replica), one("pubsub", self.pubsub))
    }

    /// Applies `<class> <hard> <soft> <soft seconds>` groups (any number,
    /// classes not named keep their limits), all or nothing, as Redis's
    /// CONFIG SET, command line and config file do. Sizes take memory units.
    pub fn apply(&mut self, value: &str) -> Result<(), &'static str> {
        let words: Vec<&str> = value.split_ascii_whitespace().collect();
        if !words.len().is_multiple_of(4) {
            return Err(ERR_ARG_COUNT);
        }
        let mut next = *self;
        for group in words.chunks(4) {
            let class = match group[0].to_ascii_lowercase().as_str() {
                "normal" => OutputClass::Normal,
                "slave" | "replica" => OutputClass::Replica,
                "pubsub" => OutputClass::Pubsub,
                _ => return Err(ERR_CLASS),
            };
            let hard_bytes = parse_memory(group[1]).ok_or(ERR_VALUE)?;
            let soft_bytes = parse_memory(group[2]).ok_or(ERR_VALUE)?;
            let soft_seconds: i64 = group[3].parse().map_err(|_| ERR_VALUE)?;
            let soft_seconds = u64::try_from(soft_seconds).map_err(|_| ERR_VALUE)?;
            *next.get_mut(class) = OutputLimit { hard_bytes, soft_bytes, soft_seconds };
        }
        *self = next;
        Ok(())
    }

    /// How many unwritten bytes reach `class`'s hard limit (the uncounted
    /// ones included); None without a hard limit.
    pub fn hard_reached_at(&self, class: OutputClass) -> Option<usize> {
        let hard = self.get(class).hard_bytes;
        (hard != 0).then(|| (hard as usize).saturating_add(UNCOUNTED_BYTES))
    }

    /// Whether `bytes` reach `class`'s hard limit.
    pub fn reaches_hard(&self, class: OutputClass, bytes: usize) -> bool {
        let hard = self.get(class).hard_bytes;
        hard != 0 && bytes.saturating_sub(UNCOUNTED_BYTES) as u64 >= hard
    }

    /// Whether a client of `class` with `pending_bytes` unwritten has
    /// passed its limit now (Redis's `checkClientOutputBufferLimits`):
    /// at or past the hard limit, or at or past the soft one continuously
    /// for more than its seconds. `soft_since_ms` is the client's timer:
    /// set when the soft limit is first reached, cleared below it.
    pub fn exceeded(
        &self,
        class: OutputClass,
        pending_bytes: usize,
        now_ms: u64,
        soft_since_ms: &mut Option<u64>,
    ) -> bool {
        let limit = self.get(class);
        let used = pending_bytes.saturating_sub(UNCOUNTED_BYTES) as u64;
        let hard = limit.hard_bytes != 0 && used >= limit.hard_bytes;
        let mut soft = limit.soft_bytes != 0 && used >= limit.soft_bytes;
        if soft {
            match *soft_since_ms {
                None => {
                    *soft_since_ms = Some(now_ms);
                    soft = false;
                }
                // Redis compares whole seconds of its cached clock.
                Some(since) => soft = now_ms / 1000 - since / 1000 > limit.soft_seconds,
            }
        } else {
            *soft_since_ms = None;
        }
        hard || soft
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_syntax_as_redis() {
        let mut l = OutputLimits::default();
        assert_eq!(l.format(), "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
        assert_eq!(l.apply("pubsub 1mb 2mb 3 replica 10k 5k 6"), Ok(()));
        assert_eq!(l.format(), "normal 0 0 0 slave 10000 5000 6 pubsub 1048576 2097152 3");
        assert_eq!(l.apply("pubsub 5 5 5 foo 1 2 3"), Err(ERR_CLASS));
        assert_eq!(l.apply("master 1 1 1"), Err(ERR_CLASS));
        assert_eq!(l.apply("pubsub 1 2"), Err(ERR_ARG_COUNT));
        assert_eq!(l.apply("pubsub 1.5 1 1"), Err(ERR_VALUE));
        assert_eq!(l.apply("pubsub 1 1 -1"), Err(ERR_VALUE));
        assert_eq!(l.apply(""), Ok(()));
        assert_eq!(l.format(), "normal 0 0 0 slave 10000 5000 6 pubsub 1048576 2097152 3");
    }

    #[test]
    fn hard_and_soft_limits() {
        let l = OutputLimits::default();
        let mut since = None;
        assert!(!l.exceeded(OutputClass::Normal, usize::MAX, 0, &mut since));
        assert!(!l.exceeded(OutputClass::Pubsub, (32 << 20) + UNCOUNTED_BYTES - 1, 0, &mut since));
        assert!(l.exceeded(OutputClass::Pubsub, (32 << 20) + UNCOUNTED_BYTES, 0, &mut since));
        let mut since = None;
        assert!(!l.exceeded(OutputClass::Pubsub, (8 << 20) + UNCOUNTED_BYTES, 1_000, &mut since));
        assert_eq!(since, Some(1_000));
        assert!(!l.exceeded(OutputClass::Pubsub, (8 << 20) + UNCOUNTED_BYTES, 61_999, &mut since));
        assert!(l.exceeded(OutputClass::Pubsub, (8 << 20) + UNCOUNTED_BYTES, 62_000, &mut since));
        assert!(!l.exceeded(OutputClass::Pubsub, 100, 63_000, &mut since));
        assert_eq!(since, None);
    }
}
