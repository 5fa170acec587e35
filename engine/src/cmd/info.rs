//! INFO, and [`HostStats`]: the facts about the host process INFO reports but
//! the engine cannot read (it touches no allocator, `/proc` or clock).
//!
//! The field names and their order are Redis 7.0.15's, section by section,
//! so tools that scrape INFO find what they expect. Values we know are real
//! (uptime, clients, commands, keyspace, hits, expiries, errors, config);
//! memory and process figures come from the driver through
//! [`HostStats`]; everything we have no counterpart for (replication
//! backlog, forks, defrag, Lua) is a constant zero.
//!
//! Sections: server clients memory persistence stats replication cpu modules
//! commandstats errorstats latencystats cluster keyspace (the last three
//! from [`crate::observe`]). Commands appear in name order where Redis
//! walks its command dict.

use std::fmt::Write;

use bytes::Bytes;

use super::{CmdResult, Handler};
use crate::ctx::Ctx;
/// Re-exported for drivers, which name it here.
pub use crate::ctx::HostStats;
use crate::REDIS_COMPAT_VERSION;

pub static HANDLERS: &[(&str, Handler)] = &[("info", info)];

/// The sections a request asked for (Redis's genInfoSectionDict).
#[derive(Debug, Default)]
struct Sections {
    all: bool,
    names: Vec<String>,
}

/// What `INFO` alone and `INFO default` print (not commandstats nor
/// latencystats, as Redis).
const DEFAULT_SECTIONS: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "module_list",
    "errorstats",
    "cluster",
    "keyspace",
];

impl Sections {
    fn parse(args: &[Bytes]) -> Sections {
        let mut s = Sections::default();
        if args.is_empty() {
            s.names = DEFAULT_SECTIONS.iter().map(|n| n.to_string()).collect();
            return s;
        }
        for a in args {
            let lower = String::from_utf8_lossy(a).to_ascii_lowercase();
            match lower.as_str() {
                "default" => s.names.extend(DEFAULT_SECTIONS.iter().map(|n| n.to_string())),
                // "everything" adds module-generated sections to "all"; we
                // have no modules, so the two are the same.
                "all" | "everything" => s.all = true,
                _ => s.names.push(lower),
            }
        }
        s
    }

    fn wants(&self, name: &str) -> bool {
        self.all || self.names.iter().any(|n| n == name)
    }
}

/// # Format
/// ```text
/// INFO [section [section ...]]
/// ```
///
/// A bulk string of `# Section` blocks of `field:value` lines, CRLF-terminated,
/// blocks separated by an empty line.
fn info(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let sections = Sections::parse(&args[1..]);
    let text = render(ctx, &sections);
    ctx.reply.verbatim("txt", text.as_bytes());
    Ok(())
}

/// A section's body writer.
type SectionFn = fn(&Ctx<'_>, &mut String);

/// Every section in Redis's fixed order: the request names that select it,
/// its title, its body.
const SECTIONS: &[(&[&str], &str, SectionFn)] = &[
    (&["server"], "Server", server_section),
    (&["clients"], "Clients", clients_section),
    (&["memory"], "Memory", memory_section),
    (&["persistence"], "Persistence", persistence_section),
    (&["stats"], "Stats", stats_section),
    (&["replication"], "Replication", replication_section),
    (&["cpu"], "CPU", cpu_section),
    (&["module_list", "modules"], "Modules", |_, _| {}),
    (&["commandstats"], "Commandstats", commandstats_section),
    (&["errorstats"], "Errorstats", errorstats_section),
    (&["latencystats"], "Latencystats", latencystats_section),
    (&["cluster"], "Cluster", |_, out| out.push_str("cluster_enabled:0\r\n")),
    (&["keyspace"], "Keyspace", keyspace_section),
];

/// One INFO text; sections in Redis's fixed order whatever the request's,
/// separated by an empty line.
fn render(ctx: &Ctx<'_>, sections: &Sections) -> String {
    let mut out = String::new();
    for (names, title, body) in SECTIONS {
        if names.iter().any(|n| sections.wants(n)) {
            if !out.is_empty() {
                out.push_str("\r\n");
            }
            let _ = write!(out, "# {title}\r\n");
            body(ctx, &mut out);
        }
    }
    out
}

fn errorstats_section(ctx: &Ctx<'_>, out: &mut String) {
    for (code, n) in &ctx.srv.stats.error_codes {
        let _ = write!(out, "errorstat_{code}:count={n}\r\n");
    }
}

/// `cmdstat_<name>:calls=,usec=,usec_per_call=,rejected_calls=,failed_calls=`
/// for every command called, rejected or failed since the last RESETSTAT.
fn commandstats_section(ctx: &Ctx<'_>, out: &mut String) {
    for (name, st) in ctx.srv.observe.commands_sorted() {
        if st.calls == 0 && st.rejected_calls == 0 && st.failed_calls == 0 {
            continue;
        }
        let per_call = if st.calls == 0 { 0.0 } else { st.usec as f64 / st.calls as f64 };
        let _ = write!(
            out,
            "cmdstat_{name}:calls={},usec={},usec_per_call={per_call:.2},rejected_calls={},failed_calls={}\r\n",
            st.calls, st.usec, st.rejected_calls, st.failed_calls
        );
    }
}

/// `latency_percentiles_usec_<name>:p50=,p99=,p99.9=` (the percentiles of
/// `latency-tracking-info-percentiles`) for every command timed.
fn latencystats_section(ctx: &Ctx<'_>, out: &mut String) {
    let percentiles = &ctx.srv.config.latency_tracking_info_percentiles;
    for (name, st) in ctx.srv.observe.commands_sorted() {
        if st.hist.is_empty() {
            continue;
        }
        let _ = write!(out, "latency_percentiles_usec_{name}:");
        for (i, p) in percentiles.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            let _ = write!(out, "{sep}p{p}={:.3}", st.hist.value_at_percentile(*p) as f64 / 1000.0);
        }
        out.push_str("\r\n");
    }
}

fn keyspace_section(ctx: &Ctx<'_>, out: &mut String) {
    for (i, db) in ctx.srv.dbs.iter().enumerate() {
        if !db.is_empty() {
            let _ = write!(out, "db{i}:keys={},expires={},avg_ttl=0\r\n", db.len(), db.expires_len());
        }
    }
}

/// Appends `name:value\r\n` for each pair.
macro_rules! fields {
    ($out:expr, $($name:literal => $value:expr),* $(,)?) => {
        $( let _ = write!($out, concat!($name, ":{}\r\n"), $value); )*
    };
}

fn server_section(ctx: &Ctx<'_>, out: &mut String) {
    let srv = &*ctx.srv;
    let h = &srv.host;
    let uptime_s = srv.now_ms.saturating_sub(srv.start_ms) / 1000;
    fields!(out,
        "redis_version" => REDIS_COMPAT_VERSION,
        "redis_git_sha1" => "00000000",
        "redis_git_dirty" => 0,
        "redis_build_id" => "0",
        "redis_mode" => "standalone",
        "os" => h.os,
        "arch_bits" => h.arch_bits,
        "monotonic_clock" => "POSIX clock_gettime",
        "multiplexing_api" => h.multiplexing_api,
        "atomicvar_api" => "c11-builtin",
        // What Redis prints when not built by GCC.
        "gcc_version" => "0.0.0",
        "process_id" => h.process_id,
        "process_supervised" => "no",
        "run_id" => srv.run_id,
        "tcp_port" => srv.config.port,
        "server_time_usec" => srv.now_ms * 1000,
        "uptime_in_seconds" => uptime_s,
        "uptime_in_days" => uptime_s / 86400,
        "hz" => srv.config.hz,
        "configured_hz" => srv.config.hz,
        // Redis's LRU clock: seconds, 24 bits.
        "lru_clock" => (srv.now_ms / 1000) & ((1 << 24) - 1),
        "executable" => h.executable,
        "config_file" => h.config_file,
        "io_threads_active" => h.io_threads_active as u8,
    );
}

fn clients_section(ctx: &Ctx<'_>, out: &mut String) {
    fields!(out,
        "connected_clients" => ctx.clients.len(),
        "cluster_connections" => 0,
        "maxclients" => ctx.srv.config.maxclients,
        "client_recent_max_input_buffer" => 0,
        "client_recent_max_output_buffer" => 0,
        "blocked_clients" => ctx.clients.values().filter(|c| c.blocked || c.postponed).count(),
        "tracking_clients" => 0,
        "clients_in_timeout_table" => 0,
    );
}

/// `num / den` as Redis's `%.2f` ratios print it; 0.00 before the driver
/// has fed any figure.
fn ratio(num: u64, den: u64) -> String {
    if den == 0 {
        return "0.00".into();
    }
    format!("{:.2}", num as f64 / den as f64)
}

fn diff(a: u64, b: u64) -> i64 {
    a as i64 - b as i64
}

fn memory_section(ctx: &Ctx<'_>, out: &mut String) {
    let h = &ctx.srv.host;
    // Live, as Redis's zmalloc_used_memory(); the fragmentation figures
    // below divide the timer's sample instead, as Redis's do.
    let used = h.used_memory_now.map_or(h.used_memory_bytes, |now| now());
    let peak = h.used_memory_peak_bytes.max(used);
    let overhead = h.used_memory_startup_bytes.min(used);
    let dataset = used - overhead;
    let net_usage = used.saturating_sub(h.used_memory_startup_bytes).max(1);
    let (lazy_pending, lazy_freed) =
        ctx.srv.dbs.iter().map(|db| db.lazy_free_counts()).fold((0usize, 0u64), |(p, f), (dp, df)| (p + dp, f + df));
    let maxmemory = ctx.srv.config.maxmemory;
    fields!(out,
        "used_memory" => used,
        "used_memory_human" => bytes_to_human(used),
        "used_memory_rss" => h.used_memory_rss_bytes,
        "used_memory_rss_human" => bytes_to_human(h.used_memory_rss_bytes),
        "used_memory_peak" => peak,
        "used_memory_peak_human" => bytes_to_human(peak),
        "used_memory_peak_perc" => format!("{}%", ratio(used * 100, peak)),
        "used_memory_overhead" => overhead,
        "used_memory_startup" => h.used_memory_startup_bytes,
        "used_memory_dataset" => dataset,
        "used_memory_dataset_perc" => format!("{:.2}%", dataset as f64 * 100.0 / net_usage as f64),
        "allocator_allocated" => h.allocator_allocated_bytes,
        "allocator_active" => h.allocator_active_bytes,
        "allocator_resident" => h.allocator_resident_bytes,
        "total_system_memory" => h.total_system_memory_bytes,
        "total_system_memory_human" => bytes_to_human(h.total_system_memory_bytes),
        "used_memory_lua" => 0,
        "used_memory_vm_eval" => 0,
        "used_memory_lua_human" => "0B",
        "used_memory_scripts_eval" => 0,
        "number_of_cached_scripts" => 0,
        "number_of_functions" => 0,
        "number_of_libraries" => 0,
        "used_memory_vm_functions" => 0,
        "used_memory_vm_total" => 0,
        "used_memory_vm_total_human" => "0B",
        "used_memory_functions" => 0,
        "used_memory_scripts" => 0,
        "used_memory_scripts_human" => "0B",
        "maxmemory" => maxmemory,
        "maxmemory_human" => bytes_to_human(maxmemory),
        "maxmemory_policy" => "noeviction",
        "allocator_frag_ratio" => ratio(h.allocator_active_bytes, h.allocator_allocated_bytes),
        "allocator_frag_bytes" => diff(h.allocator_active_bytes, h.allocator_allocated_bytes),
        "allocator_rss_ratio" => ratio(h.allocator_resident_bytes, h.allocator_active_bytes),
        "allocator_rss_bytes" => diff(h.allocator_resident_bytes, h.allocator_active_bytes),
        "rss_overhead_ratio" => ratio(h.used_memory_rss_bytes, h.allocator_resident_bytes),
        "rss_overhead_bytes" => diff(h.used_memory_rss_bytes, h.allocator_resident_bytes),
        "mem_fragmentation_ratio" => ratio(h.used_memory_rss_bytes, h.used_memory_bytes),
        "mem_fragmentation_bytes" => diff(h.used_memory_rss_bytes, h.used_memory_bytes),
        "mem_not_counted_for_evict" => 0,
        "mem_replication_backlog" => 0,
        "mem_total_replication_buffers" => 0,
        "mem_clients_slaves" => 0,
        "mem_clients_normal" => 0,
        "mem_cluster_links" => 0,
        "mem_aof_buffer" => 0,
        "mem_allocator" => h.mem_allocator,
        "active_defrag_running" => 0,
        "lazyfree_pending_objects" => lazy_pending,
        "lazyfreed_objects" => lazy_freed,
    );
}

fn persistence_section(ctx: &Ctx<'_>, out: &mut String) {
    let srv = &*ctx.srv;
    let aof = &srv.aof;
    let rewrite_secs = match aof.info.rewrite_started_ms {
        Some(start) if aof.rewrite_in_progress() => (srv.now_ms.saturating_sub(start) / 1000) as i64,
        _ => -1,
    };
    fields!(out,
        "loading" => 0,
        "async_loading" => 0,
        "current_cow_peak" => 0,
        "current_cow_size" => 0,
        "current_cow_size_age" => 0,
        "current_fork_perc" => "0.00",
        "current_save_keys_processed" => 0,
        "current_save_keys_total" => 0,
        // Nothing is ever saved yet: every write since start is unsaved.
        "rdb_changes_since_last_save" => srv.stats.dirty,
        "rdb_bgsave_in_progress" => 0,
        "rdb_last_save_time" => srv.start_ms / 1000,
        "rdb_last_bgsave_status" => "ok",
        "rdb_last_bgsave_time_sec" => -1,
        "rdb_current_bgsave_time_sec" => -1,
        "rdb_saves" => 0,
        "rdb_last_cow_size" => 0,
        "rdb_last_load_keys_expired" => 0,
        "rdb_last_load_keys_loaded" => 0,
        "aof_enabled" => srv.aof.is_on() as u8,
        "aof_rewrite_in_progress" => aof.rewrite_in_progress() as u8,
        "aof_rewrite_scheduled" => aof.rewrite_scheduled() as u8,
        "aof_last_rewrite_time_sec" => aof.info.last_rewrite_time_sec,
        "aof_current_rewrite_time_sec" => rewrite_secs,
        "aof_last_bgrewrite_status" => ok_err(aof.info.last_bgrewrite_ok),
        "aof_rewrites" => aof.info.rewrites,
        "aof_rewrites_consecutive_failures" => aof.info.consecutive_failures,
        "aof_last_write_status" => ok_err(aof.write_error().is_none()),
        "aof_last_cow_size" => 0,
        "module_fork_in_progress" => 0,
        "module_fork_last_cow_size" => 0,
    );
    if aof.is_on() {
        fields!(out,
            "aof_current_size" => aof.info.current_size,
            "aof_base_size" => aof.info.base_size,
            "aof_pending_rewrite" => aof.rewrite_scheduled() as u8,
            "aof_buffer_length" => aof.buffer_len(),
            "aof_pending_bio_fsync" => aof.fsync_in_flight() as u8,
            "aof_delayed_fsync" => 0,
        );
    }
}

fn ok_err(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "err"
    }
}

fn stats_section(ctx: &Ctx<'_>, out: &mut String) {
    let srv = &*ctx.srv;
    let st = &srv.stats;
    let expired_keys: u64 = srv.dbs.iter().map(|db| db.expired_keys).sum();
    fields!(out,
        "total_connections_received" => st.total_connections_received,
        "total_commands_processed" => st.total_commands_processed,
        "instantaneous_ops_per_sec" => srv.observe.instant.ops.per_sec(),
        "total_net_input_bytes" => srv.host.total_net_input_bytes.saturating_sub(st.net_input_bytes_base),
        "total_net_output_bytes" => srv.host.total_net_output_bytes.saturating_sub(st.net_output_bytes_base),
        "total_net_repl_input_bytes" => 0,
        "total_net_repl_output_bytes" => 0,
        "instantaneous_input_kbps" => format!("{:.2}", srv.observe.instant.net_input.per_sec() as f64 / 1024.0),
        "instantaneous_output_kbps" => format!("{:.2}", srv.observe.instant.net_output.per_sec() as f64 / 1024.0),
        "instantaneous_input_repl_kbps" => "0.00",
        "instantaneous_output_repl_kbps" => "0.00",
        "rejected_connections" => st.rejected_connections,
        "sync_full" => 0,
        "sync_partial_ok" => 0,
        "sync_partial_err" => 0,
        "expired_keys" => expired_keys,
        "expired_stale_perc" => "0.00",
        "expired_time_cap_reached_count" => 0,
        "expire_cycle_cpu_milliseconds" => 0,
        "evicted_keys" => 0,
        "evicted_clients" => 0,
        "total_eviction_exceeded_time" => 0,
        "current_eviction_exceeded_time" => 0,
        "keyspace_hits" => st.keyspace_hits,
        "keyspace_misses" => st.keyspace_misses,
        "pubsub_channels" => srv.pubsub.len(crate::pubsub::Kind::Channel),
        "pubsub_patterns" => srv.pubsub.len(crate::pubsub::Kind::Pattern),
        "pubsubshard_channels" => srv.pubsub.len(crate::pubsub::Kind::Shard),
        "latest_fork_usec" => srv.aof.info.latest_fork_usec,
        "total_forks" => 0,
        "migrate_cached_sockets" => 0,
        "slave_expires_tracked_keys" => 0,
        "active_defrag_hits" => 0,
        "active_defrag_misses" => 0,
        "active_defrag_key_hits" => 0,
        "active_defrag_key_misses" => 0,
        "total_active_defrag_time" => 0,
        "current_active_defrag_time" => 0,
        "tracking_total_keys" => 0,
        "tracking_total_items" => 0,
        "tracking_total_prefixes" => 0,
        "unexpected_error_replies" => 0,
        "total_error_replies" => st.total_error_replies,
        "dump_payload_sanitizations" => 0,
        "total_reads_processed" => 0,
        "total_writes_processed" => 0,
        "io_threaded_reads_processed" => 0,
        "io_threaded_writes_processed" => 0,
        "reply_buffer_shrinks" => 0,
        "reply_buffer_expands" => 0,
    );
}

fn replication_section(ctx: &Ctx<'_>, out: &mut String) {
    fields!(out,
        "role" => "master",
        "connected_slaves" => 0,
        "master_failover_state" => "no-failover",
        "master_replid" => ctx.srv.replid,
        "master_replid2" => "0000000000000000000000000000000000000000",
        "master_repl_offset" => 0,
        "second_repl_offset" => -1,
        "repl_backlog_active" => 0,
        "repl_backlog_size" => 1048576,
        "repl_backlog_first_byte_offset" => 0,
        "repl_backlog_histlen" => 0,
    );
}

/// Microseconds as Redis prints rusage times (`%ld.%06ld`).
fn cpu_s(us: u64) -> String {
    format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
}

fn cpu_section(ctx: &Ctx<'_>, out: &mut String) {
    let h = &ctx.srv.host;
    fields!(out,
        "used_cpu_sys" => cpu_s(h.used_cpu_sys_us),
        "used_cpu_user" => cpu_s(h.used_cpu_user_us),
        "used_cpu_sys_children" => cpu_s(h.used_cpu_sys_children_us),
        "used_cpu_user_children" => cpu_s(h.used_cpu_user_children_us),
        "used_cpu_sys_main_thread" => cpu_s(h.used_cpu_sys_main_thread_us),
        "used_cpu_user_main_thread" => cpu_s(h.used_cpu_user_main_thread_us),
    );
}

/// Redis's bytesToHuman: B below 1 KiB, then K/M/G/T/P with two decimals.
pub fn bytes_to_human(n: u64) -> String {
    const UNITS: &[(u64, &str)] = &[(1 << 10, "K"), (1 << 20, "M"), (1 << 30, "G"), (1 << 40, "T"), (1 << 50, "P")];
    if n < 1024 {
        return format!("{n}B");
    }
    for (i, &(scale, suffix)) in UNITS.iter().enumerate() {
        let next = UNITS.get(i + 1).map_or(u64::MAX, |u| u.0);
        if n < next {
            return format!("{:.2}{suffix}", n as f64 / scale as f64);
        }
    }
    format!("{n}B")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes_like_redis() {
        assert_eq!(bytes_to_human(0), "0B");
        assert_eq!(bytes_to_human(1023), "1023B");
        assert_eq!(bytes_to_human(1189352), "1.13M");
        assert_eq!(bytes_to_human(32768), "32.00K");
        assert_eq!(bytes_to_human(25276510208), "23.54G");
    }

    #[test]
    fn sections_parse() {
        let s = Sections::parse(&[Bytes::from_static(b"CLUSTER"), Bytes::from_static(b"default")]);
        assert!(!s.all && s.wants("cluster") && s.wants("server") && !s.wants("commandstats"));
        let s = Sections::parse(&[Bytes::from_static(b"everything")]);
        assert!(s.all);
        let s = Sections::parse(&[]);
        assert!(s.wants("keyspace") && !s.wants("commandstats"));
    }
}
