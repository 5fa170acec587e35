//! A latency histogram with HdrHistogram's bucket layout at 2 significant
//! figures (what Redis 7.0 keeps per command for INFO latencystats): values
//! below 256 are exact, above that each power of two is split into 128
//! buckets. Percentiles answer the bucket's highest equivalent value, as
//! `hdr_value_at_percentile` does, so the figures print like Redis's.

use std::collections::BTreeMap;

/// Redis's bounds for a command's latency, in nanoseconds.
pub const MIN_NS: u64 = 1;
pub const MAX_NS: u64 = 1_000_000_000;

#[derive(Debug, Default, Clone)]
pub struct Histogram {
    /// Bucket (its lowest equivalent value, ns) -> samples in it.
    buckets: BTreeMap<u64, u64>,
    total: u64,
}

/// The bucket's shift for `v`: 0 below 256, then one per power of two.
fn shift_of(v: u64) -> u32 {
    (64 - (v | 255).leading_zeros()).saturating_sub(8)
}

fn lowest_equivalent(v: u64) -> u64 {
    let s = shift_of(v);
    (v >> s) << s
}

fn highest_equivalent(v: u64) -> u64 {
    lowest_equivalent(v) + (1u64 << shift_of(v)) - 1
}

impl Histogram {
    /// Records one sample, clamped to Redis's range.
    pub fn record_ns(&mut self, ns: u64) {
        let v = ns.clamp(MIN_NS, MAX_NS);
        *self.buckets.entry(lowest_equivalent(v)).or_insert(0) += 1;
        self.total += 1;
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Samples recorded.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The cumulative distribution as LATENCY HISTOGRAM reports it (hdr's
    /// log iterator from 1024 ns, base 2): for each power-of-two level
    /// whose cumulative count grew, (its bucket's highest value in µs,
    /// samples at or below it).
    pub fn log2_cdf_us(&self) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let (mut level, mut seen) = (1024u64, 0u64);
        let mut buckets = self.buckets.iter().peekable();
        while seen < self.total {
            let before = seen;
            while let Some((&low, &n)) = buckets.peek() {
                if low > level {
                    break;
                }
                seen += n;
                buckets.next();
            }
            if seen > before {
                out.push((highest_equivalent(level) / 1000, seen));
            }
            level = level.saturating_mul(2);
        }
        out
    }

    /// The value at `percentile` (0..=100), in ns.
    pub fn value_at_percentile(&self, percentile: f64) -> u64 {
        let p = percentile.min(100.0);
        let wanted = (((p / 100.0) * self.total as f64) + 0.5) as u64;
        let wanted = wanted.max(1);
        let mut seen = 0;
        for (&low, &n) in &self.buckets {
            seen += n;
            if seen >= wanted {
                return if p == 0.0 { low } else { highest_equivalent(low) };
            }
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_like_hdr_at_two_significant_figures() {
        assert_eq!(highest_equivalent(200), 200);
        assert_eq!(highest_equivalent(3000), 3007);
        assert_eq!(highest_equivalent(1000), 1003);
        assert_eq!(highest_equivalent(5000), 5023, "Redis prints p50=5.023 for a 5 µs command");
        let mut h = Histogram::default();
        for ns in [1000, 1000, 3000, 50_000] {
            h.record_ns(ns);
        }
        assert_eq!(h.value_at_percentile(50.0), 1003);
        assert_eq!(h.value_at_percentile(99.0), highest_equivalent(50_000));
        assert_eq!(h.value_at_percentile(75.0), 3007);
        // Redis: 3 SETs of ~10 µs answer {16: 3}; a 3 ms DEBUG SLEEP {4227: 1}.
        assert_eq!(h.log2_cdf_us(), [(1, 2), (4, 3), (66, 4)]);
        let mut h = Histogram::default();
        h.record_ns(3_100_000);
        assert_eq!(h.log2_cdf_us(), [(4227, 1)]);
    }
}
