//! `ferrodis-sim`: runs the simulator.
//!
//! ```text
//! ferrodis-sim --seed N [--ops N]          replay one seed (verbose on failure)
//! ferrodis-sim --seeds A..B [--ops N]      sweep a range of seeds
//!              [--no-faults]               fault-free options (throughput)
//!              [--check-every N]           engine invariant checks every N steps (default 64;
//!                                          1 in `cargo test`; always at the end of a run)
//!              [--no-shrink]               skip shrinking a failure
//!              [--trace]                   print the whole (shrunk) trace
//!              [--exclude a,b]             never generate these commands (lowercase names)
//!              [--mode one|split]          force the engine's composition (default: each
//!                                          seed chooses; half run split)
//!              [--aof]                     AOF on a simulated disk: crashes at storage steps,
//!                                          restarts, and the durability check (one-thread)
//!              [--extra-pct N]             draw N% of commands from the extra templates
//!                                          (introspection and pub/sub) instead of the seed's draw
//! ferrodis-sim --oracle PORT [--seeds A..B] [--ops N]
//!                                          check the model against a real redis-server
//! ```
//! The first line printed is always `SEED=<n>` (the first seed of a sweep).
//! Standard output is a function of the arguments alone (the same command
//! prints the same bytes, `tests/binary.rs`); wall time and throughput go
//! to standard error. Exit status is nonzero on any failure.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;

use ferrodis_sim::fault::FaultCounts;
use ferrodis_sim::swarm::Mode;
use ferrodis_sim::{replay_command, run, shrink, RunConfig};

/// Engine invariant checks (O(keys) each) every this many steps in sweeps:
/// every step costs about 45% of the throughput, and a broken invariant
/// still shows within 64 steps (and at the end of every run). `cargo test`
/// checks every step.
const CHECK_EVERY_DEFAULT: u64 = 64;

struct Args {
    seeds: std::ops::Range<u64>,
    ops: u64,
    faults: bool,
    check_every: u64,
    shrink: bool,
    print_trace: bool,
    oracle: Option<u16>,
    exclude: Vec<String>,
    mode: Mode,
    aof: bool,
    extra_pct: Option<u32>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        seeds: 0..1,
        ops: 10_000,
        faults: true,
        check_every: CHECK_EVERY_DEFAULT,
        shrink: true,
        print_trace: false,
        oracle: None,
        exclude: Vec::new(),
        mode: Mode::Seed,
        aof: false,
        extra_pct: None,
    };
    let mut seed_given = false;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "--seed" => {
                let s: u64 = value("--seed")?.parse().map_err(|e| format!("--seed: {e}"))?;
                a.seeds = s..s + 1;
                seed_given = true;
            }
            "--seeds" => {
                let v = value("--seeds")?;
                let (lo, hi) = v.split_once("..").ok_or("--seeds wants A..B")?;
                a.seeds = lo.parse().map_err(|e| format!("--seeds: {e}"))?
                    ..hi.parse().map_err(|e| format!("--seeds: {e}"))?;
                seed_given = true;
            }
            "--ops" => a.ops = value("--ops")?.parse().map_err(|e| format!("--ops: {e}"))?,
            "--check-every" => a.check_every = value("--check-every")?.parse().map_err(|e| format!("{e}"))?,
            "--oracle" => a.oracle = Some(value("--oracle")?.parse().map_err(|e| format!("--oracle: {e}"))?),
            "--exclude" => a.exclude.extend(value("--exclude")?.split(',').map(|s| s.trim().to_ascii_lowercase())),
            "--mode" => {
                a.mode = match value("--mode")?.as_str() {
                    "one" => Mode::One,
                    "split" => Mode::Split,
                    "seed" => Mode::Seed,
                    other => return Err(format!("--mode: one, split or seed, not {other}")),
                }
            }
            "--no-faults" => a.faults = false,
            "--extra-pct" => {
                a.extra_pct = Some(value("--extra-pct")?.parse().map_err(|e| format!("--extra-pct: {e}"))?)
            }
            "--aof" => a.aof = true,
            "--no-shrink" => a.shrink = false,
            "--trace" => a.print_trace = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if !seed_given {
        // Without a seed, pick one from the wall clock: the binary may, the engine never does.
        let s = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
        a.seeds = s..s + 1;
    }
    Ok(a)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}\nusage: ferrodis-sim (--seed N | --seeds A..B) [--ops N] [--no-faults] [--check-every N] [--no-shrink] [--trace] [--exclude a,b] [--mode one|split] [--aof] [--extra-pct N] [--oracle PORT]");
            return ExitCode::from(2);
        }
    };
    println!("SEED={}", args.seeds.start);
    if let Some(port) = args.oracle {
        return oracle(port, &args);
    }
    let started = Instant::now();
    let (mut commands, mut faults, mut failed) = (0u64, FaultCounts::default(), Vec::new());
    let tty = std::io::stderr().is_terminal();
    let n_seeds = args.seeds.end - args.seeds.start;
    let exclude: Vec<&str> = args.exclude.iter().map(String::as_str).collect();
    for seed in args.seeds.clone() {
        let cfg = RunConfig {
            faults: args.faults,
            check_every: args.check_every,
            exclude: &exclude,
            mode: args.mode,
            aof: args.aof,
            extra_pct: args.extra_pct,
            ..RunConfig::new(seed, args.ops)
        };
        let outcome = run(&cfg, None);
        commands += outcome.stats.commands;
        faults.add(&outcome.stats.faults);
        if let Err(f) = outcome.result {
            report(&cfg, &f, &args);
            failed.push(seed);
        }
        if tty {
            eprint!("\r{}/{} seeds, {} failed", seed - args.seeds.start + 1, n_seeds, failed.len());
        }
    }
    if tty {
        eprintln!();
    }
    let secs = started.elapsed().as_secs_f64();
    println!("seeds={} failed={} commands={} faults: {}", n_seeds, failed.len(), commands, faults.summary());
    eprintln!("wall={:.2}s commands/s={:.0}", secs, commands as f64 / secs.max(1e-9));
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!("failing seeds: {failed:?}");
        ExitCode::FAILURE
    }
}

fn report(cfg: &RunConfig<'_>, f: &ferrodis_sim::Failure, args: &Args) {
    println!("FAILED seed={} step={}\n  {}", cfg.seed, f.step, f.message);
    println!("  replay: {}", replay_command(cfg));
    if !args.shrink {
        return;
    }
    let recorded = run(&RunConfig { record: true, ..*cfg }, None);
    let Err(f2) = recorded.result else {
        println!("  (the recorded rerun passed: nondeterminism!)");
        return;
    };
    let (events, f3) = shrink::shrink(cfg, &recorded.trace, f2);
    println!("  shrunk trace: {} of {} events, failing with:\n  {}", events.len(), recorded.trace.len(), f3.message);
    let shown = if args.print_trace { events.len() } else { events.len().min(60) };
    for ev in &events[events.len() - shown..] {
        println!("    {}", ev.render());
    }
}

fn oracle(port: u16, args: &Args) -> ExitCode {
    let addr = format!("127.0.0.1:{port}");
    let mut bad = 0;
    for seed in args.seeds.clone() {
        match ferrodis_sim::oracle::run(&addr, seed, args.ops, 20) {
            Ok(m) => {
                for line in &m {
                    println!("seed {seed}: {line}");
                }
                bad += m.len();
            }
            Err(e) => {
                println!("seed {seed}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("oracle: {} mismatches", bad);
    if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
