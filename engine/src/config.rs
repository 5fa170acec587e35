//! Runtime configuration. One table ([`PARAMS`]) lists every parameter with
//! its getter and setter; `CONFIG GET/SET`, the command line and the config
//! file all go through it, so they cannot disagree.

use crate::aof::FsyncPolicy;
use crate::limits;

/// Everything configurable. Defaults match Redis 7.0's.
#[derive(Clone, Debug)]
pub struct Config {
    pub port: u16,
    pub bind: String,
    pub dir: String,
    pub io_threads: usize,
    pub maxclients: usize,
    pub databases: usize,
    pub hz: u64,
    pub proto_max_bulk_len: u64,
    pub client_query_buffer_limit: usize,
    /// `client-output-buffer-limit`, per client class (see [`crate::obuf`]).
    pub client_output_buffer_limit: crate::obuf::OutputLimits,
    /// Seconds of idleness after which a client is closed; 0 = never.
    pub timeout_s: u64,
    pub tcp_keepalive_s: u64,
    /// The listen(2) backlog of the listening sockets (`tcp-backlog`).
    pub tcp_backlog: u32,
    pub loglevel: String,
    pub logfile: String,
    pub daemonize: bool,
    pub protected_mode: bool,
    /// `requirepass`: the default user's password; empty means none (the
    /// default user is `nopass`, and every new client starts authenticated).
    pub requirepass: String,
    pub appendonly: bool,
    pub appendfsync: FsyncPolicy,
    /// `appenddirname`: the AOF directory inside `dir`.
    pub appenddirname: String,
    /// `appendfilename`: the prefix of every AOF file's name.
    pub appendfilename: String,
    pub auto_aof_rewrite_percentage: u64,
    pub auto_aof_rewrite_min_size_bytes: u64,
    /// Start on an AOF whose last file ends in a cut command (truncating it).
    pub aof_load_truncated: bool,
    /// Skip fsyncs while a rewrite runs (and release gated replies at once).
    pub no_appendfsync_on_rewrite: bool,
    pub save: String,
    pub maxmemory: u64,
    /// A sorted set reports `listpack` while it has at most this many
    /// members (`zset-max-listpack-entries`, alias `zset-max-ziplist-entries`).
    pub zset_max_listpack_entries: u64,
    /// ... and every member is at most this many bytes
    /// (`zset-max-listpack-value`, alias `zset-max-ziplist-value`).
    pub zset_max_listpack_value_bytes: u64,
    /// `hash-max-listpack-entries`: a hash with more pairs is a hashtable.
    pub hash_max_listpack_entries: usize,
    /// `hash-max-listpack-value`: a hash holding a longer field or value is a hashtable.
    pub hash_max_listpack_value_bytes: usize,
    /// Most members an intset-encoded set holds (Redis `set-max-intset-entries`).
    pub set_max_intset_entries: usize,
    /// The largest `set_max_intset_entries` ever in effect: lowering the
    /// limit does not convert existing intsets, so this bounds them all
    /// (the invariant checks hold intsets to it).
    pub set_max_intset_entries_peak: usize,
    /// Server observation (see `crate::observe`): the slow log's
    /// threshold (µs; -1 logs nothing, 0 everything) and length, the
    /// latency monitor's threshold (ms; 0 is off), per-command latency
    /// histograms and the percentiles INFO latencystats prints, and who
    /// may run DEBUG ("no", "yes", "local").
    pub slowlog_log_slower_than_us: i64,
    pub slowlog_max_len: usize,
    pub latency_monitor_threshold_ms: u64,
    pub latency_tracking: bool,
    pub latency_tracking_info_percentiles: Vec<f64>,
    pub enable_debug_command: String,
    /// Capacity of the request ring (not a Redis parameter; ours).
    pub ring_capacity: usize,
    /// Seeds the executor's RNG and the hash tables. Production draws it
    /// from the OS in the driver; the simulator uses the run's seed.
    pub seed: u64,
    /// The bug this run plants (simulator tests only; see [`crate::planted`]).
    #[cfg(feature = "planted-bugs")]
    pub planted_bug: Option<crate::planted::PlantedBug>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            port: 6379,
            bind: "127.0.0.1".into(),
            dir: ".".into(),
            io_threads: 1,
            maxclients: 10000,
            databases: limits::DATABASES_DEFAULT,
            hz: 10,
            proto_max_bulk_len: limits::PROTO_MAX_BULK_LEN_DEFAULT,
            client_query_buffer_limit: limits::CLIENT_QUERY_BUFFER_LIMIT_DEFAULT,
            client_output_buffer_limit: Default::default(),
            timeout_s: 0,
            tcp_keepalive_s: 300,
            tcp_backlog: 511,
            loglevel: "notice".into(),
            logfile: String::new(),
            daemonize: false,
            protected_mode: true,
            requirepass: String::new(),
            appendonly: false,
            appendfsync: FsyncPolicy::EverySec,
            appenddirname: "appendonlydir".into(),
            appendfilename: "appendonly.aof".into(),
            auto_aof_rewrite_percentage: 100,
            auto_aof_rewrite_min_size_bytes: 64 << 20,
            aof_load_truncated: true,
            no_appendfsync_on_rewrite: false,
            save: String::new(),
            maxmemory: 0,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value_bytes: 64,
            // Redis 7.0's built-in defaults (its sample redis.conf says 128).
            hash_max_listpack_entries: 512,
            hash_max_listpack_value_bytes: 64,
            set_max_intset_entries: crate::db::value::SET_MAX_INTSET_ENTRIES_DEFAULT,
            set_max_intset_entries_peak: crate::db::value::SET_MAX_INTSET_ENTRIES_DEFAULT,
            slowlog_log_slower_than_us: 10_000,
            slowlog_max_len: 128,
            latency_monitor_threshold_ms: 0,
            latency_tracking: true,
            latency_tracking_info_percentiles: vec![50.0, 99.0, 99.9],
            enable_debug_command: "no".into(),
            ring_capacity: limits::RING_CAPACITY_DEFAULT,
            seed: 0,
            #[cfg(feature = "planted-bugs")]
            planted_bug: None,
        }
    }
}

/// Why a parameter could not be set. The text is what Redis puts after
/// `ERR CONFIG SET failed (possibly related to argument '<name>') - `.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    UnknownParameter,
    /// The parameter exists but cannot change at runtime.
    Immutable,
    Invalid(String),
}

/// When a parameter may be changed.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Mutability {
    /// At startup and through CONFIG SET.
    Runtime,
    /// Only on the command line or in the config file (Redis `IMMUTABLE_CONFIG`).
    StartupOnly,
}

/// One row of the parameter table.
pub struct Param {
    pub name: &'static str,
    pub mutability: Mutability,
    pub get: fn(&Config) -> String,
    pub set: fn(&mut Config, &str) -> Result<(), ConfigError>,
}

fn parse_bool(v: &str) -> Result<bool, ConfigError> {
    match v.to_ascii_lowercase().as_str() {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(ConfigError::Invalid("argument must be 'yes' or 'no'".into())),
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

/// Parses an integer with Redis's memory units (`1k`, `1kb`, `1m`, `1mb`, `1g`, `1gb`).
pub fn parse_memory(v: &str) -> Option<u64> {
    let lower = v.to_ascii_lowercase();
    let (digits, mul) = [
        ("gb", 1u64 << 30),
        ("mb", 1 << 20),
        ("kb", 1 << 10),
        ("g", 1_000_000_000),
        ("m", 1_000_000),
        ("k", 1000),
        ("b", 1),
    ]
    .iter()
    .find_map(|(suffix, mul)| lower.strip_suffix(suffix).map(|d| (d.to_string(), *mul)))
    .unwrap_or((lower.clone(), 1));
    let n: u64 = digits.parse().ok()?;
    n.checked_mul(mul)
}

fn parse_num<T: std::str::FromStr>(v: &str) -> Result<T, ConfigError> {
    v.parse().map_err(|_| ConfigError::Invalid("argument couldn't be parsed into an integer".into()))
}

/// An integer parameter with Redis's bounds and its two error texts.
fn parse_ranged(v: &str, lo: i64, hi: i64) -> Result<i64, ConfigError> {
    let n: i64 = parse_num(v)?;
    if !(lo..=hi).contains(&n) {
        return Err(ConfigError::Invalid(format!("argument must be between {lo} and {hi} inclusive")));
    }
    Ok(n)
}

fn parse_mem_arg(v: &str) -> Result<u64, ConfigError> {
    parse_memory(v).ok_or_else(|| ConfigError::Invalid("argument must be a memory value".into()))
}

/// Values of features that later issues build are accepted only where they
/// mean "off", so a config written for Redis fails loudly instead of being
/// silently ignored.
fn not_yet(what: &str) -> ConfigError {
    ConfigError::Invalid(format!("{what} is not implemented yet by ferrodis"))
}

/// `hash-max-listpack-entries`: a plain integer (no memory units), 0..=LONG_MAX.
fn set_hash_entries(c: &mut Config, v: &str) -> Result<(), ConfigError> {
    c.hash_max_listpack_entries = parse_ranged(v, 0, i64::MAX)? as usize;
    Ok(())
}

/// `hash-max-listpack-value`: a memory value (`1k`, `1kb`...), 0..=LONG_MAX.
fn set_hash_value(c: &mut Config, v: &str) -> Result<(), ConfigError> {
    let n = parse_mem_arg(v)?;
    if n > i64::MAX as u64 {
        return Err(ConfigError::Invalid("argument must be between 0 and 9223372036854775807 inclusive".into()));
    }
    c.hash_max_listpack_value_bytes = n as usize;
    Ok(())
}

macro_rules! param {
    ($name:literal, $mutability:ident, |$c:ident| $get:expr, |$cs:ident, $v:ident| $set:expr) => {
        Param {
            name: $name,
            mutability: Mutability::$mutability,
            get: |$c: &Config| $get,
            set: |$cs: &mut Config, $v: &str| $set,
        }
    };
}

/// Every parameter we have, sorted by name.
pub static PARAMS: &[Param] = &[
    param!("aof-load-truncated", Runtime, |c| yes_no(c.aof_load_truncated), |c, v| {
        c.aof_load_truncated = parse_bool(v)?;
        Ok(())
    }),
    param!("aof-timestamp-enabled", Runtime, |_c| yes_no(false), |_c, v| {
        if parse_bool(v)? {
            return Err(not_yet("aof-timestamp-enabled yes"));
        }
        Ok(())
    }),
    // Redis 7.0 defaults to `yes` (an RDB preamble in the base file); we
    // write plain RESP until RDB lands, and say so instead of ignoring it.
    param!("aof-use-rdb-preamble", Runtime, |_c| yes_no(false), |_c, v| {
        if parse_bool(v)? {
            return Err(not_yet("aof-use-rdb-preamble yes"));
        }
        Ok(())
    }),
    param!("appenddirname", StartupOnly, |c| c.appenddirname.clone(), |c, v| {
        if v.contains('/') {
            return Err(ConfigError::Invalid("appenddirname can't be a path, just a dirname".into()));
        }
        c.appenddirname = v.to_string();
        Ok(())
    }),
    param!("appendfilename", StartupOnly, |c| c.appendfilename.clone(), |c, v| {
        if v.contains('/') {
            return Err(ConfigError::Invalid("appendfilename can't be a path, just a filename".into()));
        }
        c.appendfilename = v.to_string();
        Ok(())
    }),
    param!("appendfsync", Runtime, |c| c.appendfsync.name().to_string(), |c, v| {
        match FsyncPolicy::parse(v) {
            Some(p) => {
                c.appendfsync = p;
                Ok(())
            }
            None => Err(ConfigError::Invalid("argument(s) must be one of the following: everysec, always, no".into())),
        }
    }),
    // The executor sees the change after the command and starts (with a
    // rewrite) or stops appending, as Redis's startAppendOnly does.
    param!("appendonly", Runtime, |c| yes_no(c.appendonly), |c, v| {
        c.appendonly = parse_bool(v)?;
        Ok(())
    }),
    param!("auto-aof-rewrite-min-size", Runtime, |c| c.auto_aof_rewrite_min_size_bytes.to_string(), |c, v| {
        let n = parse_mem_arg(v)?;
        if n > i64::MAX as u64 {
            return Err(ConfigError::Invalid("argument must be between 0 and 9223372036854775807 inclusive".into()));
        }
        c.auto_aof_rewrite_min_size_bytes = n;
        Ok(())
    }),
    param!("auto-aof-rewrite-percentage", Runtime, |c| c.auto_aof_rewrite_percentage.to_string(), |c, v| {
        c.auto_aof_rewrite_percentage = parse_ranged(v, 0, i32::MAX as i64)? as u64;
        Ok(())
    }),
    param!("bind", Runtime, |c| c.bind.clone(), |c, v| {
        c.bind = v.to_string();
        Ok(())
    }),
    // Several `<class> <hard> <soft> <seconds>` groups in one value; each
    // config file line or CONFIG SET changes only the classes it names.
    param!("client-output-buffer-limit", Runtime, |c| c.client_output_buffer_limit.format(), |c, v| {
        c.client_output_buffer_limit.apply(v).map_err(|e| ConfigError::Invalid(e.into()))
    }),
    param!("client-query-buffer-limit", Runtime, |c| c.client_query_buffer_limit.to_string(), |c, v| {
        let n = parse_mem_arg(v)?;
        if !(1024 * 1024..=limits::CLIENT_QUERY_BUFFER_LIMIT_DEFAULT as u64 * 1024).contains(&n) {
            return Err(ConfigError::Invalid("argument must be between 1048576 and 1099511627776 inclusive".into()));
        }
        c.client_query_buffer_limit = n as usize;
        Ok(())
    }),
    param!("daemonize", StartupOnly, |c| yes_no(c.daemonize), |c, v| {
        if parse_bool(v)? {
            return Err(not_yet("daemonize yes"));
        }
        c.daemonize = false;
        Ok(())
    }),
    param!("databases", StartupOnly, |c| c.databases.to_string(), |c, v| {
        let n: usize = parse_num(v)?;
        if !(1..=1_000_000).contains(&n) {
            return Err(ConfigError::Invalid("argument must be between 1 and 2147483647 inclusive".into()));
        }
        c.databases = n;
        Ok(())
    }),
    param!("dir", StartupOnly, |c| c.dir.clone(), |c, v| {
        c.dir = v.to_string();
        Ok(())
    }),
    param!("enable-debug-command", StartupOnly, |c| c.enable_debug_command.clone(), |c, v| {
        match v.to_ascii_lowercase().as_str() {
            w @ ("no" | "yes" | "local") => {
                c.enable_debug_command = w.to_string();
                Ok(())
            }
            _ => Err(ConfigError::Invalid("argument(s) must be one of the following: no, yes, local".into())),
        }
    }),
    // Redis 7.0 keeps the 6.x `ziplist` names as aliases: CONFIG GET lists
    // both, and setting both in one CONFIG SET is not a duplicate.
    param!("hash-max-listpack-entries", Runtime, |c| c.hash_max_listpack_entries.to_string(), |c, v| {
        set_hash_entries(c, v)
    }),
    param!("hash-max-listpack-value", Runtime, |c| c.hash_max_listpack_value_bytes.to_string(), |c, v| {
        set_hash_value(c, v)
    }),
    param!("hash-max-ziplist-entries", Runtime, |c| c.hash_max_listpack_entries.to_string(), |c, v| {
        set_hash_entries(c, v)
    }),
    param!("hash-max-ziplist-value", Runtime, |c| c.hash_max_listpack_value_bytes.to_string(), |c, v| {
        set_hash_value(c, v)
    }),
    param!("hz", Runtime, |c| c.hz.to_string(), |c, v| {
        let n = parse_ranged(v, 0, i32::MAX as i64)?;
        c.hz = n.clamp(1, 500) as u64;
        Ok(())
    }),
    param!("io-threads", StartupOnly, |c| c.io_threads.to_string(), |c, v| {
        let n: usize = parse_num(v)?;
        if !(1..=128).contains(&n) {
            return Err(ConfigError::Invalid("argument must be between 1 and 128 inclusive".into()));
        }
        c.io_threads = n;
        Ok(())
    }),
    param!("latency-monitor-threshold", Runtime, |c| c.latency_monitor_threshold_ms.to_string(), |c, v| {
        c.latency_monitor_threshold_ms = parse_ranged(v, 0, i64::MAX)? as u64;
        Ok(())
    }),
    param!("latency-tracking", Runtime, |c| yes_no(c.latency_tracking), |c, v| {
        c.latency_tracking = parse_bool(v)?;
        Ok(())
    }),
    param!(
        "latency-tracking-info-percentiles",
        Runtime,
        |c| c.latency_tracking_info_percentiles.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(" "),
        |c, v| {
            c.latency_tracking_info_percentiles = parse_percentiles(v)?;
            Ok(())
        }
    ),
    param!("logfile", StartupOnly, |c| c.logfile.clone(), |c, v| {
        c.logfile = v.to_string();
        Ok(())
    }),
    param!("loglevel", Runtime, |c| c.loglevel.clone(), |c, v| {
        match v.to_ascii_lowercase().as_str() {
            "debug" | "verbose" | "notice" | "warning" => {
                c.loglevel = v.to_ascii_lowercase();
                Ok(())
            }
            _ => Err(ConfigError::Invalid(
                "argument(s) must be one of the following: debug, verbose, notice, warning".into(),
            )),
        }
    }),
    param!("maxclients", Runtime, |c| c.maxclients.to_string(), |c, v| {
        c.maxclients = parse_ranged(v, 1, u32::MAX as i64)? as usize;
        Ok(())
    }),
    param!("maxmemory", Runtime, |c| c.maxmemory.to_string(), |c, v| {
        let n = parse_mem_arg(v)?;
        if n != 0 {
            return Err(not_yet("maxmemory other than 0"));
        }
        c.maxmemory = n;
        Ok(())
    }),
    param!("no-appendfsync-on-rewrite", Runtime, |c| yes_no(c.no_appendfsync_on_rewrite), |c, v| {
        c.no_appendfsync_on_rewrite = parse_bool(v)?;
        Ok(())
    }),
    param!("port", Runtime, |c| c.port.to_string(), |c, v| {
        c.port = parse_ranged(v, 0, u16::MAX as i64)? as u16;
        Ok(())
    }),
    param!("protected-mode", Runtime, |c| yes_no(c.protected_mode), |c, v| {
        c.protected_mode = parse_bool(v)?;
        Ok(())
    }),
    param!("proto-max-bulk-len", Runtime, |c| c.proto_max_bulk_len.to_string(), |c, v| {
        let n = parse_mem_arg(v)?;
        if n < 1024 * 1024 {
            return Err(ConfigError::Invalid(
                "argument must be between 1048576 and 9223372036854775807 inclusive".into(),
            ));
        }
        c.proto_max_bulk_len = n;
        Ok(())
    }),
    // Redis 7.0 applies it to the default user at once: later AUTHs check
    // the new password; clients already authenticated stay so.
    param!("requirepass", Runtime, |c| c.requirepass.clone(), |c, v| {
        c.requirepass = v.to_string();
        Ok(())
    }),
    // Ours, not Redis's: the request ring's capacity (tests shrink it to
    // exercise backpressure through the real server).
    param!("ring-capacity", StartupOnly, |c| c.ring_capacity.to_string(), |c, v| {
        let n: usize = parse_num(v)?;
        if !(1..=1 << 20).contains(&n) {
            return Err(ConfigError::Invalid("argument must be between 1 and 1048576 inclusive".into()));
        }
        c.ring_capacity = n;
        Ok(())
    }),
    param!("save", Runtime, |c| c.save.clone(), |c, v| {
        if !v.trim().is_empty() {
            return Err(not_yet("save with snapshot points"));
        }
        c.save = String::new();
        Ok(())
    }),
    param!("set-max-intset-entries", Runtime, |c| c.set_max_intset_entries.to_string(), |c, v| {
        let n = parse_ranged(v, 0, i64::MAX)? as usize;
        c.set_max_intset_entries = n;
        c.set_max_intset_entries_peak = c.set_max_intset_entries_peak.max(n);
        Ok(())
    }),
    param!("slowlog-log-slower-than", Runtime, |c| c.slowlog_log_slower_than_us.to_string(), |c, v| {
        c.slowlog_log_slower_than_us = parse_ranged(v, -1, i64::MAX)?;
        Ok(())
    }),
    param!("slowlog-max-len", Runtime, |c| c.slowlog_max_len.to_string(), |c, v| {
        c.slowlog_max_len = parse_ranged(v, 0, i64::MAX)? as usize;
        Ok(())
    }),
    param!("tcp-backlog", StartupOnly, |c| c.tcp_backlog.to_string(), |c, v| {
        c.tcp_backlog = parse_ranged(v, 0, i32::MAX as i64)? as u32;
        Ok(())
    }),
    param!("tcp-keepalive", Runtime, |c| c.tcp_keepalive_s.to_string(), |c, v| {
        c.tcp_keepalive_s = parse_ranged(v, 0, i32::MAX as i64)? as u64;
        Ok(())
    }),
    param!("timeout", Runtime, |c| c.timeout_s.to_string(), |c, v| {
        c.timeout_s = parse_ranged(v, 0, i32::MAX as i64)? as u64;
        Ok(())
    }),
    // Redis registers each zset threshold under two names (the `ziplist`
    // one is the pre-7.0 alias); both read and write the same field.
    param!("zset-max-listpack-entries", Runtime, |c| c.zset_max_listpack_entries.to_string(), |c, v| {
        c.zset_max_listpack_entries = parse_ranged(v, 0, i64::MAX)? as u64;
        Ok(())
    }),
    param!("zset-max-listpack-value", Runtime, |c| c.zset_max_listpack_value_bytes.to_string(), |c, v| {
        c.zset_max_listpack_value_bytes = parse_zset_value_bytes(v)?;
        Ok(())
    }),
    param!("zset-max-ziplist-entries", Runtime, |c| c.zset_max_listpack_entries.to_string(), |c, v| {
        c.zset_max_listpack_entries = parse_ranged(v, 0, i64::MAX)? as u64;
        Ok(())
    }),
    param!("zset-max-ziplist-value", Runtime, |c| c.zset_max_listpack_value_bytes.to_string(), |c, v| {
        c.zset_max_listpack_value_bytes = parse_zset_value_bytes(v)?;
        Ok(())
    }),
];

/// `latency-tracking-info-percentiles`: space-separated doubles in
/// 0..=100 (none is allowed), with Redis's two error texts.
fn parse_percentiles(v: &str) -> Result<Vec<f64>, ConfigError> {
    let mut out = Vec::new();
    for word in v.split(' ').filter(|w| !w.is_empty()) {
        let p: f64 = word
            .parse()
            .map_err(|_| ConfigError::Invalid("Invalid latency-tracking-info-percentiles parameters".into()))?;
        if !(0.0..=100.0).contains(&p) {
            return Err(ConfigError::Invalid(
                "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]".into(),
            ));
        }
        out.push(p);
    }
    Ok(out)
}

/// `zset-max-listpack-value`: a memory value (`1kb`) up to LONG_MAX.
fn parse_zset_value_bytes(v: &str) -> Result<u64, ConfigError> {
    let n = parse_mem_arg(v)?;
    if n > i64::MAX as u64 {
        return Err(ConfigError::Invalid("argument must be between 0 and 9223372036854775807 inclusive".into()));
    }
    Ok(n)
}

/// Finds a parameter by name, case-insensitively.
pub fn param(name: &str) -> Option<&'static Param> {
    PARAMS.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

impl Config {
    /// Sets one parameter as the command line or the config file would.
    pub fn set_startup(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        let p = param(name).ok_or(ConfigError::UnknownParameter)?;
        (p.set)(self, value)
    }

    /// Sets one parameter as `CONFIG SET` would: startup-only ones refuse.
    pub fn set_runtime(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        let p = param(name).ok_or(ConfigError::UnknownParameter)?;
        if p.mutability == Mutability::StartupOnly {
            return Err(ConfigError::Immutable);
        }
        (p.set)(self, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_sorted_and_unique() {
        for w in PARAMS.windows(2) {
            assert!(w[0].name < w[1].name, "{} before {}", w[0].name, w[1].name);
        }
    }

    #[test]
    fn memory_units() {
        assert_eq!(parse_memory("1kb"), Some(1024));
        assert_eq!(parse_memory("1k"), Some(1000));
        assert_eq!(parse_memory("512mb"), Some(512 << 20));
        assert_eq!(parse_memory("12"), Some(12));
        assert_eq!(parse_memory("x"), None);
    }

    #[test]
    fn off_values_accepted_on_values_refused() {
        let mut c = Config::default();
        assert!(c.set_startup("appendonly", "yes").is_ok());
        assert!(c.set_startup("aof-use-rdb-preamble", "no").is_ok());
        assert!(c.set_startup("aof-use-rdb-preamble", "yes").is_err());
        assert!(c.set_startup("appendfilename", "a/b").is_err());
        assert!(c.set_startup("save", "").is_ok());
        assert!(c.set_startup("save", "3600 1").is_err());
        assert_eq!(c.set_startup("nosuch", "1"), Err(ConfigError::UnknownParameter));
        assert_eq!(c.set_runtime("databases", "1"), Err(ConfigError::Immutable));
        assert!(c.set_runtime("port", "1").is_ok(), "port changes at runtime (the driver rebinds)");
    }
}
