//! Prints `seed commands steps hash` for each seed of a range (with and
//! without faults): a before/after gate for changes that must not alter
//! what any seed does (`cargo run --release -p ferrodis-sim --example
//! seed_hashes -- 1 300 > a.txt`, change, run again, `diff`). The runs
//! are one-thread unless `FERRODIS_SIM_MODE=split` (or `seed`) is set.

use ferrodis_sim::swarm::Mode;
use ferrodis_sim::{run, RunConfig};

fn main() {
    let args: Vec<u64> = std::env::args().skip(1).map(|a| a.parse().expect("numbers")).collect();
    let (lo, hi) = (args.first().copied().unwrap_or(1), args.get(1).copied().unwrap_or(40));
    let mode = match std::env::var("FERRODIS_SIM_MODE").as_deref() {
        Ok("split") => Mode::Split,
        Ok("seed") => Mode::Seed,
        _ => Mode::One,
    };
    for faults in [false, true] {
        for seed in lo..hi {
            let cfg = RunConfig { faults, check_every: 64, mode, ..RunConfig::new(seed, 10_000) };
            let o = run(&cfg, None);
            println!(
                "faults={faults} seed={seed} ok={} commands={} steps={} hash={:016x}",
                o.result.is_ok(),
                o.stats.commands,
                o.stats.steps,
                o.hash
            );
        }
    }
}
