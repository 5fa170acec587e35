//! Diagnostics over what [`crate::observe`] records: SLOWLOG, LATENCY
//! (LATEST, HISTORY, RESET, DOCTOR, HELP) and MONITOR.

use bytes::Bytes;

use super::server::help_reply;
use super::{CmdError, CmdResult, Handler};
use crate::ctx::Ctx;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("slowlog|get", slowlog_get),
    ("slowlog|len", slowlog_len),
    ("slowlog|reset", slowlog_reset),
    ("slowlog|help", slowlog_help),
    ("latency|latest", latency_latest),
    ("latency|history", latency_history),
    ("latency|reset", latency_reset),
    ("latency|doctor", latency_doctor),
    ("latency|help", latency_help),
    ("latency|histogram", latency_histogram),
    ("monitor", monitor),
];

/// Redis's addReplySubcommandSyntaxError.
fn subcommand_syntax(container: &str, sub: &[u8]) -> CmdError {
    CmdError::msg(format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try {container} HELP.",
        String::from_utf8_lossy(sub)
    ))
}

/// # Format
/// ```text
/// SLOWLOG GET [count]
/// ```
///
/// The newest `count` entries (default 10, -1 all), each `[id, unix
/// seconds, µs, [args...], "ip:port", name]`.
fn slowlog_get(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let count = match args.len() {
        2 => 10,
        3 => {
            let n = std::str::from_utf8(&args[2]).ok().and_then(|s| s.parse::<i64>().ok());
            match n {
                Some(n) if n >= -1 => n,
                _ => return Err(CmdError::msg("ERR count should be greater than or equal to -1")),
            }
        }
        _ => return Err(subcommand_syntax("SLOWLOG", &args[1])),
    };
    let log = &ctx.srv.observe.slowlog.entries;
    let n = if count < 0 { log.len() } else { log.len().min(count as usize) };
    ctx.reply.array(n);
    for e in log.iter().take(n) {
        ctx.reply.array(6);
        ctx.reply.int(e.id as i64);
        ctx.reply.int(e.time_s as i64);
        ctx.reply.int(e.duration_us as i64);
        ctx.reply.array(e.args.len());
        for a in &e.args {
            ctx.reply.bulk(a);
        }
        ctx.reply.bulk(e.peer.as_bytes());
        ctx.reply.bulk(&e.name);
    }
    Ok(())
}

/// # Format
/// ```text
/// SLOWLOG LEN
/// ```
fn slowlog_len(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    ctx.reply.int(ctx.srv.observe.slowlog.entries.len() as i64);
    Ok(())
}

/// # Format
/// ```text
/// SLOWLOG RESET
/// ```
fn slowlog_reset(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    ctx.srv.observe.slowlog.reset();
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// SLOWLOG HELP
/// ```
///
/// Redis 7.0.15's text, line for line.
fn slowlog_help(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    help_reply(
        ctx,
        "SLOWLOG",
        &[
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog.",
        ],
    );
    Ok(())
}

/// # Format
/// ```text
/// LATENCY LATEST
/// ```
///
/// One `[event, unix seconds, latest ms, all-time max ms]` per event.
fn latency_latest(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    let events = &ctx.srv.observe.latency.events;
    ctx.reply.array(events.len());
    for (name, series) in events {
        let last = series.samples.back().copied().unwrap_or_default();
        ctx.reply.array(4);
        ctx.reply.bulk(name.as_bytes());
        ctx.reply.int(last.time_s as i64);
        ctx.reply.int(last.latency_ms as i64);
        ctx.reply.int(series.max_ms as i64);
    }
    Ok(())
}

/// # Format
/// ```text
/// LATENCY HISTORY event
/// ```
///
/// `[unix seconds, ms]` per sample, oldest first; empty for an unknown event.
fn latency_history(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let series = ctx.srv.observe.latency.events.iter().find(|(k, _)| k.as_bytes() == &args[2][..]).map(|(_, s)| s);
    let Some(series) = series else {
        ctx.reply.array(0);
        return Ok(());
    };
    ctx.reply.array(series.samples.len());
    for s in &series.samples {
        ctx.reply.array(2);
        ctx.reply.int(s.time_s as i64);
        ctx.reply.int(s.latency_ms as i64);
    }
    Ok(())
}

/// # Format
/// ```text
/// LATENCY RESET [event ...]
/// ```
///
/// How many of the events (all when none is named) had data.
fn latency_reset(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let names: Vec<&[u8]> = args[2..].iter().map(|a| &a[..]).collect();
    let n = ctx.srv.observe.latency.reset(&names);
    ctx.reply.int(n as i64);
    Ok(())
}

/// # Format
/// ```text
/// LATENCY DOCTOR
/// ```
///
/// A verbatim text. With the monitor off and nothing recorded, or no
/// spike recorded, it is Redis's text exactly;
/// otherwise a brief report: Redis's header, one line per event with its
/// spike count, average, mean deviation and worst (Redis's wording), and
/// no advice section.
fn latency_doctor(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    let events = &ctx.srv.observe.latency.events;
    let text = if events.is_empty() && ctx.srv.config.latency_monitor_threshold_ms == 0 {
        "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \
         \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep \
         space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n"
            .to_string()
    } else if events.is_empty() {
        "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. \
         I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n"
            .to_string()
    } else {
        let mut t = String::from(
            "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n",
        );
        for (i, (name, s)) in events.iter().enumerate() {
            let n = s.samples.len() as u64;
            let avg = s.samples.iter().map(|x| x.latency_ms).sum::<u64>() / n.max(1);
            let mad = s.samples.iter().map(|x| x.latency_ms.abs_diff(avg)).sum::<u64>() / n.max(1);
            let first = s.samples.front().map_or(0, |x| x.time_s);
            let last = s.samples.back().map_or(0, |x| x.time_s);
            let period = if n > 1 { (last - first) as f64 / (n - 1) as f64 } else { 1.0 };
            t.push_str(&format!(
                "{}. {name}: {n} latency spikes (average {avg}ms, mean deviation {mad}ms, period {period:.2} sec). \
                 Worst all time event {}ms.\n",
                i + 1,
                s.max_ms
            ));
        }
        t
    };
    ctx.reply.verbatim("txt", text.as_bytes());
    Ok(())
}

/// # Format
/// ```text
/// LATENCY HISTOGRAM [command ...]
/// ```
///
/// A map: for each named command (all, by name, when none is named) that
/// has latency samples, `{calls, histogram_usec: {µs: cumulative count}}`
/// (see [`crate::observe::hist::Histogram::log2_cdf_us`]). Unknown names
/// and commands without samples are left out.
fn latency_histogram(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let observe = &ctx.srv.observe;
    let picked: Vec<(&str, &crate::observe::hist::Histogram)> = if args.len() == 2 {
        observe.commands_sorted().into_iter().map(|(n, s)| (n, &s.hist)).filter(|(_, h)| !h.is_empty()).collect()
    } else {
        let mut v = Vec::new();
        for a in &args[2..] {
            let lower = String::from_utf8_lossy(a).to_ascii_lowercase();
            if let Some((name, st)) = observe.commands.get_key_value(lower.as_str()) {
                if !st.hist.is_empty() && !v.iter().any(|(n, _)| *n == name.as_str()) {
                    v.push((name.as_str(), &st.hist));
                }
            }
        }
        v
    };
    ctx.reply.map(picked.len());
    for (name, hist) in picked {
        ctx.reply.bulk(name.as_bytes());
        ctx.reply.map(2);
        ctx.reply.bulk(b"calls");
        ctx.reply.int(hist.total() as i64);
        ctx.reply.bulk(b"histogram_usec");
        let cdf = hist.log2_cdf_us();
        ctx.reply.map(cdf.len());
        for (us, n) in cdf {
            ctx.reply.int(us as i64);
            ctx.reply.int(n as i64);
        }
    }
    Ok(())
}

/// # Format
/// ```text
/// LATENCY HELP
/// ```
///
/// Redis 7.0.15's text, line for line (GRAPH is listed there but not
/// implemented here).
fn latency_help(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    help_reply(
        ctx,
        "LATENCY",
        &[
            "DOCTOR",
            "    Return a human readable latency analysis report.",
            "GRAPH <event>",
            "    Return an ASCII latency graph for the <event> class.",
            "HISTORY <event>",
            "    Return time-latency samples for the <event> class.",
            "LATEST",
            "    Return the latest latency samples for all events.",
            "RESET [<event> ...]",
            "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
            "HISTOGRAM [COMMAND ...]",
            "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
            "    If no commands are specified then all histograms are replied.",
        ],
    );
    Ok(())
}

/// # Format
/// ```text
/// MONITOR
/// ```
///
/// `+OK`, then a line for every command any client runs afterwards (see
/// `observe/monitor.rs`). A client already monitoring gets no reply, as
/// in Redis. RESET leaves the mode.
fn monitor(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    if ctx.effects.deny_blocking {
        return Err(CmdError::msg("ERR MONITOR isn't allowed for DENY BLOCKING client"));
    }
    let conn = ctx.conn;
    let client = ctx.client();
    if client.monitor {
        return Ok(());
    }
    client.monitor = true;
    ctx.srv.observe.monitors.push(conn);
    ctx.reply.ok();
    Ok(())
}

/// RESET's part: leave MONITOR mode.
pub fn reset_client(ctx: &mut Ctx<'_>) {
    let conn = ctx.conn;
    ctx.client().monitor = false;
    ctx.srv.observe.monitors.retain(|&m| m != conn);
}
