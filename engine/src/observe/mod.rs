//! What the server observes about the commands it runs, after each one
//! (Redis's `call()` bookkeeping): per-command calls, time, rejections and
//! failures (INFO commandstats), latency histograms (INFO latencystats),
//! the slow log, the latency monitor and the MONITOR feed.
//!
//! # Time
//! The engine reads no clock. A command's duration comes from a
//! microsecond clock the driver hands over once
//! ([`crate::exec::Executor::set_clock_us`]: the net driver gives a
//! monotonic clock, `Instant` since start); the executor reads it before
//! and after the handler. Without one (the simulator) durations are
//! derived from `now_ms`, which does not move within a request, so they
//! are 0: deterministic, and still truthful about what the engine knows.
//! MONITOR's and the slow log's timestamps are the request's `now_ms`.
//!
//! # Hooks
//! [`before_call`] (the start time; a MONITOR client may not touch the
//! keyspace) and [`after_call`] run from `Executor::execute`;
//! [`Observe::reject`] counts a command refused before it ran; the tick
//! samples the instantaneous rates ([`instant`]).

pub mod hist;
pub mod instant;
pub mod latency;
pub mod monitor;
pub mod slowlog;

use std::collections::HashMap;

use foldhash::fast::FixedState;

use bytes::Bytes;

use crate::client::Client;
use crate::cmd::def::flag;
use crate::cmd::CmdError;
use crate::ctx::{Ctx, Server};

/// One command's counters (Redis's per-command stats).
#[derive(Debug, Default, Clone)]
pub struct CommandStats {
    pub calls: u64,
    pub usec: u64,
    pub rejected_calls: u64,
    pub failed_calls: u64,
    /// Latencies in ns, while `latency-tracking` is on.
    pub hist: hist::Histogram,
}

#[derive(Debug, Default)]
pub struct Observe {
    /// The driver's µs clock (see the module doc).
    clock_us: Option<fn() -> u64>,
    /// When the running command started, µs of the same clock, and its
    /// full name (a buffer reused for every command).
    started_us: u64,
    current: String,
    /// By full name ("client|list"), as INFO prints them (a fixed-seed
    /// hash: one lookup per command; [`Observe::commands_sorted`] orders).
    pub commands: HashMap<String, CommandStats, FixedState>,
    pub slowlog: slowlog::SlowLog,
    pub latency: latency::LatencyMonitor,
    /// INFO's instantaneous rates, sampled by the tick.
    pub instant: instant::Instantaneous,
    /// Clients in MONITOR mode, in the order they entered it.
    pub monitors: Vec<crate::ConnId>,
}

impl Observe {
    pub fn set_clock_us(&mut self, clock: fn() -> u64) {
        self.clock_us = Some(clock);
    }

    fn now_us(&self, now_ms: u64) -> u64 {
        self.clock_us.map_or(now_ms * 1000, |f| f())
    }

    /// A command refused before it ran (arity, MISCONF, NOAUTH...).
    pub fn reject(&mut self, full_name: &str) {
        self.stats_of(full_name).rejected_calls += 1;
    }

    fn stats_of(&mut self, full_name: &str) -> &mut CommandStats {
        if !self.commands.contains_key(full_name) {
            self.commands.insert(full_name.to_string(), CommandStats::default());
        }
        self.commands.get_mut(full_name).expect("inserted")
    }

    /// Every command's stats, by name.
    pub fn commands_sorted(&self) -> Vec<(&str, &CommandStats)> {
        let mut all: Vec<(&str, &CommandStats)> = self.commands.iter().map(|(k, v)| (k.as_str(), v)).collect();
        all.sort_unstable_by_key(|&(k, _)| k);
        all
    }

    /// CONFIG RESETSTAT: the per-command counters and histograms.
    pub fn reset_stats(&mut self) {
        self.commands.clear();
    }
}

/// Before the handler: refuses what a MONITOR client may not run (Redis
/// treats it as a replica: nothing that reads or writes keys), then takes
/// the start time.
pub fn before_call(
    observe: &mut Observe,
    now_ms: u64,
    client: &Client,
    full_name: &str,
    flags: u32,
) -> Result<(), CmdError> {
    if client.monitor && flags & (flag::READONLY | flag::WRITE | flag::MAY_REPLICATE) != 0 {
        observe.reject(full_name);
        return Err(CmdError::msg("ERR Replica can't interact with the keyspace"));
    }
    observe.current.clear();
    observe.current.push_str(full_name);
    observe.started_us = observe.now_us(now_ms);
    Ok(())
}

/// Counts one call of `full_name` by `client` that took `duration_us`:
/// stats, latency histogram, slow log.
fn count(
    srv: &mut Server,
    client: &Client,
    full_name: &str,
    args: &[Bytes],
    flags: u32,
    duration_us: u64,
    failed: bool,
) {
    let tracking = srv.config.latency_tracking;
    let st = srv.observe.stats_of(full_name);
    st.calls += 1;
    st.usec += duration_us;
    if failed {
        st.failed_calls += 1;
    }
    if tracking {
        st.hist.record_ns(duration_us.saturating_mul(1000));
    }
    if flags & flag::SKIP_SLOWLOG == 0 {
        let name = client.name.as_deref().unwrap_or_default();
        let (slower_than, max_len) = (srv.config.slowlog_log_slower_than_us, srv.config.slowlog_max_len);
        srv.observe.slowlog.push_if_slow(slower_than, max_len, duration_us, srv.now_ms, args, &client.info.addr, name);
    }
}

/// A blocked command's end (served, timed out, or CLIENT UNBLOCK): its
/// call, with the time since it started (see [`after_call`]).
pub fn unblocked(srv: &mut Server, client: &Client, args: &[Bytes], failed: bool) {
    let duration_us = srv.observe.now_us(srv.now_ms).saturating_sub(client.block_started_us);
    let flags = srv.table.lookup(&args[0]).map_or(0, |c| c.def.flags);
    let name = client.last_cmd.clone();
    count(srv, client, &name, args, flags, duration_us, failed);
}

/// A command that failed lookup: when the name (and subcommand) exist,
/// it was the arity, and Redis counts a rejected call for it.
pub fn rejected_lookup(srv: &mut Server, args: &[Bytes]) {
    let Some(cmd) = srv.table.lookup(&args[0]) else { return };
    let name = if !cmd.def.subcommands.is_empty() && args.len() >= 2 {
        match cmd.subcommand(&args[1]) {
            Some(sub) => sub.full_name.clone(),
            None => return,
        }
    } else {
        cmd.full_name.clone()
    };
    srv.observe.reject(&name);
}

/// After the handler ran `args` (with `flags`; its name is from
/// [`before_call`]):
/// stats, latency histogram, latency monitor, slow log, MONITOR feed. A
/// blocked client's rerun and the AOF loader are not counted (Redis counts
/// a command once, and not while loading).
pub fn after_call(ctx: &mut Ctx<'_>, args: &[Bytes], flags: u32, failed: bool) {
    if ctx.effects.rerun || ctx.conn == crate::exec::durability::LOADING_CLIENT {
        return;
    }
    let srv = &mut *ctx.srv;
    if ctx.effects.block.is_some() {
        // Blocked: counted once, when served or released ([`unblocked`]),
        // with the time it waited, as Redis's updateStatsOnUnblock.
        ctx.clients.at_mut(ctx.slot).block_started_us = srv.observe.started_us;
    } else {
        let duration_us = srv.observe.now_us(srv.now_ms).saturating_sub(srv.observe.started_us);
        let full_name = std::mem::take(&mut srv.observe.current);
        count(srv, ctx.clients.at(ctx.slot), &full_name, args, flags, duration_us, failed);
        let event = if flags & flag::FAST != 0 { "fast-command" } else { "command" };
        let threshold_ms = srv.config.latency_monitor_threshold_ms;
        srv.observe.latency.add_if_needed(threshold_ms, event, duration_us / 1000, srv.now_ms);
        srv.observe.current = full_name;
    }
    if !srv.observe.monitors.is_empty() && flags & (flag::SKIP_MONITOR | flag::ADMIN) == 0 {
        monitor::feed(ctx, args);
    }
}
