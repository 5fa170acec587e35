//! The latency monitor (Redis latency.c): per event ("command",
//! "fast-command"), the last 160 seconds that had a spike of at least
//! `latency-monitor-threshold` ms (0: off), one sample per second (the
//! worst), and the all-time worst.

use std::collections::BTreeMap;

/// Samples kept per event (Redis `LATENCY_TS_LEN`).
pub const SAMPLES_MAX: usize = 160;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sample {
    /// Unix seconds.
    pub time_s: u64,
    pub latency_ms: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Series {
    /// Oldest first, at most [`SAMPLES_MAX`].
    pub samples: std::collections::VecDeque<Sample>,
    pub max_ms: u64,
}

#[derive(Debug, Default)]
pub struct LatencyMonitor {
    /// By event name. Redis keeps them in a dict (its order); ours is by name.
    pub events: BTreeMap<&'static str, Series>,
}

impl LatencyMonitor {
    /// Records `latency_ms` for `event` at `now_ms` if the threshold (ms,
    /// 0 = off) is met (Redis latencyAddSampleIfNeeded).
    pub fn add_if_needed(&mut self, threshold_ms: u64, event: &'static str, latency_ms: u64, now_ms: u64) {
        if threshold_ms == 0 || latency_ms < threshold_ms {
            return;
        }
        let now_s = now_ms / 1000;
        let series = self.events.entry(event).or_default();
        series.max_ms = series.max_ms.max(latency_ms);
        if let Some(last) = series.samples.back_mut() {
            if last.time_s == now_s {
                last.latency_ms = last.latency_ms.max(latency_ms);
                return;
            }
        }
        series.samples.push_back(Sample { time_s: now_s, latency_ms });
        if series.samples.len() > SAMPLES_MAX {
            series.samples.pop_front();
        }
    }

    /// Forgets `events` (all when empty); how many existed.
    pub fn reset(&mut self, events: &[&[u8]]) -> usize {
        if events.is_empty() {
            let n = self.events.len();
            self.events.clear();
            return n;
        }
        let mut n = 0;
        for e in events {
            let key = self.events.keys().find(|k| k.as_bytes() == *e).copied();
            if let Some(k) = key {
                self.events.remove(k);
                n += 1;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sample_per_second_and_threshold() {
        let mut m = LatencyMonitor::default();
        m.add_if_needed(0, "command", 100, 1000);
        assert!(m.events.is_empty(), "threshold 0 is off");
        m.add_if_needed(5, "command", 4, 1000);
        assert!(m.events.is_empty());
        m.add_if_needed(5, "command", 10, 1000);
        m.add_if_needed(5, "command", 20, 1500);
        m.add_if_needed(5, "command", 7, 1900);
        m.add_if_needed(5, "command", 6, 2000);
        let s = &m.events["command"];
        assert_eq!(s.samples, [Sample { time_s: 1, latency_ms: 20 }, Sample { time_s: 2, latency_ms: 6 }]);
        assert_eq!(s.max_ms, 20);
        assert_eq!(m.reset(&[b"command", b"nosuch"]), 1);
    }
}
