//! INFO's instantaneous rates (Redis trackInstantaneousMetric): every 100
//! ms the tick samples a counter's growth per second; the rate is the mean
//! of the last 16 samples. Commands per second, and network input and
//! output bytes per second (printed in KB/s).

/// Samples kept per metric (Redis `STATS_METRIC_SAMPLES`).
pub const SAMPLES: usize = 16;
/// How often the tick samples (Redis's `run_with_period(100)`).
pub const PERIOD_MS: u64 = 100;

#[derive(Debug, Default, Clone)]
pub struct Metric {
    samples: [u64; SAMPLES],
    idx: usize,
    last_sample_ms: u64,
    last_count: u64,
}

impl Metric {
    fn track(&mut self, now_ms: u64, count: u64) {
        let dt = now_ms.saturating_sub(self.last_sample_ms);
        let delta = count.saturating_sub(self.last_count);
        self.samples[self.idx] = (delta * 1000).checked_div(dt).unwrap_or(0);
        self.idx = (self.idx + 1) % SAMPLES;
        self.last_sample_ms = now_ms;
        self.last_count = count;
    }

    /// The mean of the samples, per second.
    pub fn per_sec(&self) -> u64 {
        self.samples.iter().sum::<u64>() / SAMPLES as u64
    }
}

/// Commands, input bytes and output bytes.
#[derive(Debug, Default, Clone)]
pub struct Instantaneous {
    pub ops: Metric,
    pub net_input: Metric,
    pub net_output: Metric,
}

impl Instantaneous {
    /// Samples the three counters if a period has passed since the last.
    pub fn sample(&mut self, now_ms: u64, commands: u64, net_input_bytes: u64, net_output_bytes: u64) {
        if now_ms < self.ops.last_sample_ms + PERIOD_MS {
            return;
        }
        self.ops.track(now_ms, commands);
        self.net_input.track(now_ms, net_input_bytes);
        self.net_output.track(now_ms, net_output_bytes);
    }

    /// CONFIG RESETSTAT: no samples, counting from 0 at `now_ms`.
    pub fn reset(&mut self, now_ms: u64) {
        for m in [&mut self.ops, &mut self.net_input, &mut self.net_output] {
            *m = Metric { last_sample_ms: now_ms, ..Metric::default() };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_of_sixteen_samples_per_second() {
        let mut i = Instantaneous::default();
        i.reset(1000);
        // 50 commands per 100 ms = 500/s, sampled 16 times.
        for k in 1..=16u64 {
            i.sample(1000 + k * 100, k * 50, k * 1024, 0);
        }
        assert_eq!(i.ops.per_sec(), 500);
        assert_eq!(i.net_input.per_sec(), 10240);
        // Within a period nothing is sampled.
        i.sample(1000 + 16 * 100 + 50, 10_000, 0, 0);
        assert_eq!(i.ops.per_sec(), 500);
        i.sample(1000 + 17 * 100, 16 * 50, 16 * 1024, 0);
        assert_eq!(i.ops.per_sec(), 500 * 15 / 16, "an idle period lowers the mean");
    }
}
