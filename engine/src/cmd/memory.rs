//! MEMORY PURGE, USAGE, STATS and HELP.
//!
//! MEMORY PURGE asks the driver to hand freed memory back to the OS (see
//! [`crate::memory`]): the engine cannot call the allocator, so the handler
//! only raises the request, and the driver purges before it writes the
//! reply out. MEMORY USAGE is Redis's estimate for the same data (see
//! [`super::memory_usage`]); MEMORY STATS reports the driver's figures
//! ([`crate::ctx::HostStats`]) in Redis's fields. DOCTOR and MALLOC-STATS
//! print jemalloc's own reports, which we do not have: not in the table.

use bytes::Bytes;

use super::server::help_reply;
use super::{parse_i64, CmdError, CmdResult, Handler};
use crate::ctx::Ctx;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("memory|purge", memory_purge),
    ("memory|help", memory_help),
    ("memory|usage", memory_usage),
    ("memory|stats", memory_stats),
];

/// # Format
/// ```text
/// MEMORY USAGE key [SAMPLES count]
/// ```
///
/// Bytes the key and its value take (nil when it does not exist); nested
/// values sample `count` elements (default 5, 0 all).
fn memory_usage(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let mut samples = 5usize;
    let mut j = 3;
    while j < args.len() {
        if args[j].eq_ignore_ascii_case(b"samples") && j + 1 < args.len() {
            let n = parse_i64(&args[j + 1])?;
            if n < 0 {
                return Err(CmdError::Syntax);
            }
            samples = n as usize;
            j += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let now_ms = ctx.srv.now_ms;
    let db = &mut ctx.srv.dbs[ctx.db_index];
    match db.lookup_notouch(&args[2], now_ms) {
        Some(v) => {
            let n = super::memory_usage::usage(&args[2], v, samples);
            ctx.reply.int(n as i64);
        }
        None => ctx.reply.null(),
    }
    Ok(())
}

/// # Format
/// ```text
/// MEMORY STATS
/// ```
///
/// A map of Redis 7.0's fields, in its order: allocation figures from the
/// driver, per-database hash table overheads (Redis's formula over our key
/// counts), ratios as doubles. Lua, functions, replication and cluster
/// figures are 0: we have none of those.
fn memory_stats(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    let h = &ctx.srv.host;
    let used = h.used_memory_now.map_or(h.used_memory_bytes, |now| now());
    let peak = h.used_memory_peak_bytes.max(used);
    let startup = h.used_memory_startup_bytes.min(used);
    let slots = |n: usize| if n == 0 { 0 } else { n.next_power_of_two().max(4) };
    let dbs: Vec<(usize, u64, u64)> = ctx
        .srv
        .dbs
        .iter()
        .enumerate()
        .filter(|(_, db)| !db.is_empty())
        .map(|(i, db)| {
            let main = db.len() * (24 + 16) + slots(db.len()) * 8;
            let expires = db.expires_len() * 24 + slots(db.expires_len()) * 8;
            (i, main as u64, expires as u64)
        })
        .collect();
    let aof_buffer = ctx.srv.aof.buffer_len() as u64;
    let overhead = startup + aof_buffer + dbs.iter().map(|d| d.1 + d.2).sum::<u64>();
    let keys: u64 = ctx.srv.dbs.iter().map(|db| db.len() as u64).sum();
    let net = used.saturating_sub(startup);
    let dataset = used.saturating_sub(overhead);
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let diff = |a: u64, b: u64| a as i64 - b as i64;
    let r = &mut *ctx.reply;
    r.map(27 + dbs.len());
    let int = |r: &mut crate::resp::Reply, k: &str, v: i64| {
        r.bulk(k.as_bytes());
        r.int(v);
    };
    let dbl = |r: &mut crate::resp::Reply, k: &str, v: f64| {
        r.bulk(k.as_bytes());
        r.double(v);
    };
    int(r, "peak.allocated", peak as i64);
    int(r, "total.allocated", used as i64);
    int(r, "startup.allocated", startup as i64);
    for k in ["replication.backlog", "clients.slaves", "clients.normal", "cluster.links"] {
        int(r, k, 0);
    }
    int(r, "aof.buffer", aof_buffer as i64);
    int(r, "lua.caches", 0);
    int(r, "functions.caches", 0);
    for (i, main, expires) in &dbs {
        r.bulk(format!("db.{i}").as_bytes());
        r.map(3);
        int(r, "overhead.hashtable.main", *main as i64);
        int(r, "overhead.hashtable.expires", *expires as i64);
        int(r, "overhead.hashtable.slot-to-keys", 0);
    }
    int(r, "overhead.total", overhead as i64);
    int(r, "keys.count", keys as i64);
    int(r, "keys.bytes-per-key", net.checked_div(keys).unwrap_or(0) as i64);
    int(r, "dataset.bytes", dataset as i64);
    dbl(r, "dataset.percentage", ratio(dataset * 100, net.max(1)));
    dbl(r, "peak.percentage", ratio(used * 100, peak));
    int(r, "allocator.allocated", h.allocator_allocated_bytes as i64);
    int(r, "allocator.active", h.allocator_active_bytes as i64);
    int(r, "allocator.resident", h.allocator_resident_bytes as i64);
    dbl(r, "allocator-fragmentation.ratio", ratio(h.allocator_active_bytes, h.allocator_allocated_bytes));
    int(r, "allocator-fragmentation.bytes", diff(h.allocator_active_bytes, h.allocator_allocated_bytes));
    dbl(r, "allocator-rss.ratio", ratio(h.allocator_resident_bytes, h.allocator_active_bytes));
    int(r, "allocator-rss.bytes", diff(h.allocator_resident_bytes, h.allocator_active_bytes));
    dbl(r, "rss-overhead.ratio", ratio(h.used_memory_rss_bytes, h.allocator_resident_bytes));
    int(r, "rss-overhead.bytes", diff(h.used_memory_rss_bytes, h.allocator_resident_bytes));
    dbl(r, "fragmentation", ratio(h.used_memory_rss_bytes, h.used_memory_bytes));
    int(r, "fragmentation.bytes", diff(h.used_memory_rss_bytes, h.used_memory_bytes));
    Ok(())
}

/// # Format
/// ```text
/// MEMORY PURGE
/// ```
///
/// Replies `+OK`; the driver returns freed pages to the OS before the
/// reply is written.
fn memory_purge(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    let now_ms = ctx.now_ms();
    ctx.srv.memory.handle_command(now_ms);
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// MEMORY HELP
/// ```
///
/// Redis 7.0.15's text, line for line.
fn memory_help(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    help_reply(
        ctx,
        "MEMORY",
        &[
            "DOCTOR",
            "    Return memory problems reports.",
            "MALLOC-STATS",
            "    Return internal statistics report from the memory allocator.",
            "PURGE",
            "    Attempt to purge dirty pages for reclamation by the allocator.",
            "STATS",
            "    Return information about the memory usage of the server.",
            "USAGE <key> [SAMPLES <count>]",
            "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
        ],
    );
    Ok(())
}
