//! Server observation end to end through the engine: INFO commandstats,
//! errorstats and latencystats, CONFIG RESETSTAT, SLOWLOG, LATENCY,
//! MONITOR, CONFIG REWRITE's driver round trip, DEBUG, MEMORY USAGE.
//! Expected texts are Redis 7.0.15's where the value is not ours.

mod common;

use std::cell::Cell;

use ferrodis_engine::exec::HostStats;
use ferrodis_engine::ring::ClientInfo;
use ferrodis_engine::{Config, ConnId, Engine};

const T0_MS: u64 = 1_700_000_000_000;

thread_local! {
    static CLOCK_US: Cell<u64> = const { Cell::new(0) };
    static STEP_US: Cell<u64> = const { Cell::new(5) };
}

/// A fake µs clock: every reading is `STEP_US` later than the last, so
/// every command takes exactly `STEP_US` (one reading before, one after).
fn fake_clock() -> u64 {
    CLOCK_US.with(|c| {
        let t = c.get() + STEP_US.with(Cell::get);
        c.set(t);
        t
    })
}

/// Clients here come from several addresses, some not loopback: protected
/// mode (tested in `auth_client.rs`) is off.
fn engine_with(config: Config) -> Engine {
    let mut e = Engine::new(Config { protected_mode: false, ..config }, T0_MS);
    e.set_clock_us(fake_clock);
    e
}

fn open(e: &mut Engine, addr: &str) -> ConnId {
    let info = ClientInfo { addr: addr.into(), laddr: "127.0.0.1:6379".into(), fd: 9 };
    e.handle_open(info, T0_MS).expect("below maxclients")
}

fn call(e: &mut Engine, c: ConnId, line: &str) -> String {
    let out = common::exchange(e, c, &common::encode(&common::split(line)), T0_MS);
    e.check_invariants();
    String::from_utf8_lossy(&out).into_owned()
}

fn info(e: &mut Engine, c: ConnId, section: &str) -> String {
    call(e, c, &format!("info {section}"))
}

#[test]
fn commandstats_errorstats_latencystats_and_resetstat() {
    let mut e = engine_with(Config::default());
    let c = open(&mut e, "127.0.0.1:5000");
    call(&mut e, c, "set k v");
    call(&mut e, c, "set k v2");
    call(&mut e, c, "get");
    call(&mut e, c, "config get");
    call(&mut e, c, "lpush k x");
    call(&mut e, c, "client list");
    let text = info(&mut e, c, "commandstats");
    assert!(text.contains("# Commandstats\r\n"), "{text}");
    assert!(text.contains("\r\ncmdstat_set:calls=2,usec=10,usec_per_call=5.00,rejected_calls=0,failed_calls=0\r\n"));
    assert!(text.contains("\r\ncmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0\r\n"));
    assert!(text.contains("\r\ncmdstat_config|get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0"));
    assert!(text.contains("\r\ncmdstat_lpush:calls=1,usec=5,usec_per_call=5.00,rejected_calls=0,failed_calls=1\r\n"));
    assert!(text.contains("\r\ncmdstat_client|list:calls=1,"), "subcommands by full name: {text}");
    let text = info(&mut e, c, "errorstats latencystats");
    assert!(text.contains("errorstat_ERR:count=2\r\nerrorstat_WRONGTYPE:count=1\r\n"), "{text}");
    // 5 µs = 5000 ns lands in HdrHistogram's [4992, 5023] bucket, as in
    // Redis, which prints its top.
    assert!(text.contains("\r\nlatency_percentiles_usec_set:p50=5.023,p99=5.023,p99.9=5.023\r\n"), "{text}");
    assert_eq!(call(&mut e, c, "config set latency-tracking-info-percentiles \"0 50.5\""), "+OK\r\n");
    assert!(info(&mut e, c, "latencystats").contains("latency_percentiles_usec_set:p0=4.992,p50.5=5.023\r\n"));
    // 5 µs: hdr's 8192 ns level, whose bucket tops at 8223 ns.
    assert_eq!(
        call(&mut e, c, "latency histogram set nosuch SET"),
        "*2\r\n$3\r\nset\r\n*4\r\n$5\r\ncalls\r\n:2\r\n$14\r\nhistogram_usec\r\n*2\r\n:8\r\n:2\r\n"
    );
    assert_eq!(call(&mut e, c, "latency histogram nosuch"), "*0\r\n");
    // Not in the default sections, as in Redis.
    let default = call(&mut e, c, "info");
    assert!(!default.contains("Commandstats") && !default.contains("Latencystats") && default.contains("Errorstats"));
    let everything = call(&mut e, c, "info everything");
    let titles: Vec<&str> = everything.split("\r\n").filter(|l| l.starts_with("# ")).collect();
    assert_eq!(
        titles,
        [
            "# Server",
            "# Clients",
            "# Memory",
            "# Persistence",
            "# Stats",
            "# Replication",
            "# CPU",
            "# Modules",
            "# Commandstats",
            "# Errorstats",
            "# Latencystats",
            "# Cluster",
            "# Keyspace"
        ]
    );
    assert_eq!(call(&mut e, c, "config resetstat"), "+OK\r\n");
    let text = info(&mut e, c, "commandstats errorstats stats");
    let cmdstats: Vec<&str> = text.split("\r\n").filter(|l| l.starts_with("cmdstat_")).collect();
    assert_eq!(
        cmdstats,
        ["cmdstat_config|resetstat:calls=1,usec=5,usec_per_call=5.00,rejected_calls=0,failed_calls=0"]
    );
    assert!(!text.contains("errorstat_"), "{text}");
    assert!(text.contains("\r\ntotal_error_replies:0\r\n"), "{text}");
    assert!(text.contains("\r\ntotal_commands_processed:1\r\n"), "{text}");
}

#[test]
fn slowlog_get_len_reset_and_thresholds() {
    let mut e = engine_with(Config::default());
    let c = open(&mut e, "127.0.0.1:5000");
    // The default threshold is 10000 µs: 5 µs commands are not logged.
    call(&mut e, c, "set k v");
    assert_eq!(call(&mut e, c, "slowlog len"), ":0\r\n");
    call(&mut e, c, "config set slowlog-log-slower-than 0");
    call(&mut e, c, "client setname nm");
    call(&mut e, c, "set k v");
    assert_eq!(
        call(&mut e, c, "slowlog get 1"),
        "*1\r\n*6\r\n:2\r\n:1700000000\r\n:5\r\n*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n$14\r\n127.0.0.1:5000\r\n$2\r\nnm\r\n"
    );
    assert_eq!(call(&mut e, c, "slowlog len"), ":4\r\n", "config set, client setname, set, slowlog get");
    assert_eq!(call(&mut e, c, "slowlog get -2"), "-ERR count should be greater than or equal to -1\r\n");
    assert_eq!(
        call(&mut e, c, "slowlog get 1 2"),
        "-ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.\r\n"
    );
    assert_eq!(call(&mut e, c, "slowlog reset"), "+OK\r\n");
    assert_eq!(call(&mut e, c, "slowlog len"), ":1\r\n", "the RESET itself is logged after it ran");
    assert!(call(&mut e, c, "slowlog get").starts_with("*2\r\n*6\r\n:8\r\n"), "ids keep counting");
    call(&mut e, c, "config set slowlog-max-len 2");
    call(&mut e, c, "ping");
    call(&mut e, c, "ping");
    assert_eq!(call(&mut e, c, "slowlog len"), ":2\r\n");
    call(&mut e, c, "config set slowlog-log-slower-than -1");
    call(&mut e, c, "slowlog reset");
    call(&mut e, c, "ping");
    assert_eq!(call(&mut e, c, "slowlog len"), ":0\r\n");
}

#[test]
fn latency_monitor_latest_history_reset_doctor() {
    let mut e = engine_with(Config::default());
    let c = open(&mut e, "127.0.0.1:5000");
    let off = call(&mut e, c, "latency doctor");
    assert!(off.starts_with("$288\r\nI'm sorry, Dave, I can't do that. Latency monitoring is disabled"), "{off}");
    call(&mut e, c, "config set latency-monitor-threshold 2");
    let none = call(&mut e, c, "latency doctor");
    assert!(none.starts_with("$196\r\nDave, no latency spike was observed"), "{none}");
    STEP_US.with(|s| s.set(3_000));
    call(&mut e, c, "set k v");
    call(&mut e, c, "ping");
    STEP_US.with(|s| s.set(1_000));
    call(&mut e, c, "set k v");
    STEP_US.with(|s| s.set(5));
    assert_eq!(
        call(&mut e, c, "latency latest"),
        "*2\r\n*4\r\n$7\r\ncommand\r\n:1700000000\r\n:3\r\n:3\r\n*4\r\n$12\r\nfast-command\r\n:1700000000\r\n:3\r\n:3\r\n"
    );
    assert_eq!(call(&mut e, c, "latency history command"), "*1\r\n*2\r\n:1700000000\r\n:3\r\n");
    assert_eq!(call(&mut e, c, "latency history nosuch"), "*0\r\n");
    assert!(call(&mut e, c, "latency doctor").contains("1. command: 1 latency spikes"));
    assert_eq!(call(&mut e, c, "latency reset command nosuch"), ":1\r\n");
    assert_eq!(call(&mut e, c, "latency reset"), ":1\r\n");
    assert_eq!(call(&mut e, c, "latency latest"), "*0\r\n");
}

#[test]
fn monitor_feeds_later_commands_of_every_client() {
    let mut e = engine_with(Config::default());
    let m = open(&mut e, "127.0.0.1:4000");
    let c = open(&mut e, "10.0.0.2:2000");
    assert_eq!(call(&mut e, m, "monitor"), "+OK\r\n");
    assert_eq!(call(&mut e, m, "monitor"), "", "a second MONITOR gets no reply");
    assert_eq!(call(&mut e, c, "set k \"a b\\x01\""), "+OK\r\n");
    call(&mut e, c, "select 3");
    call(&mut e, c, "config get hz");
    call(&mut e, c, "nosuchcommand");
    call(&mut e, c, "get");
    let fed = String::from_utf8(common::take_output(&mut e, m, T0_MS)).unwrap();
    assert_eq!(
        fed,
        "+1700000000.000000 [0 10.0.0.2:2000] \"set\" \"k\" \"a b\\x01\"\r\n\
         +1700000000.000000 [3 10.0.0.2:2000] \"select\" \"3\"\r\n",
        "admin commands, unknown ones and rejected ones are not fed"
    );
    assert_eq!(call(&mut e, m, "get k"), "-ERR Replica can't interact with the keyspace\r\n");
    assert_eq!(call(&mut e, m, "ping"), "+PONG\r\n+1700000000.000000 [0 127.0.0.1:4000] \"ping\"\r\n");
    assert_eq!(call(&mut e, m, "reset"), "+RESET\r\n");
    call(&mut e, c, "ping");
    assert!(common::take_output(&mut e, m, T0_MS).is_empty(), "RESET left MONITOR mode");
}

#[test]
fn config_rewrite_goes_through_the_driver() {
    let mut e = engine_with(Config::default());
    let c = open(&mut e, "127.0.0.1:5000");
    assert_eq!(call(&mut e, c, "config rewrite"), "-ERR The server is running without a config file\r\n");
    e.handle_host_stats(HostStats { config_file: "/etc/f.conf".into(), ..HostStats::default() });
    call(&mut e, c, "config set hz 11");
    assert_eq!(call(&mut e, c, "config rewrite"), "", "the reply waits for the driver");
    // Nothing else runs meanwhile.
    let other = open(&mut e, "127.0.0.1:5001");
    assert_eq!(call(&mut e, other, "ping"), "");
    assert_eq!(e.poll_config_rewrite().as_deref(), Some("/etc/f.conf"));
    assert_eq!(e.poll_config_rewrite(), None, "asked once");
    let text = e.config_rewrite_text("# mine\nhz 10\n");
    assert!(text.starts_with("# mine\nhz 11\n\n# Generated by CONFIG REWRITE\n"), "{text}");
    e.handle_config_rewrite_result(Ok(()), T0_MS);
    assert_eq!(String::from_utf8(common::take_output(&mut e, c, T0_MS)).unwrap(), "+OK\r\n");
    assert_eq!(String::from_utf8(common::take_output(&mut e, other, T0_MS)).unwrap(), "+PONG\r\n");
    call(&mut e, c, "config rewrite");
    assert!(e.poll_config_rewrite().is_some());
    e.handle_config_rewrite_result(Err("Permission denied".into()), T0_MS);
    assert_eq!(
        String::from_utf8(common::take_output(&mut e, c, T0_MS)).unwrap(),
        "-ERR Rewriting config file: Permission denied\r\n"
    );
}

#[test]
fn debug_is_refused_by_default_and_sleep_holds_the_server() {
    let mut e = engine_with(Config::default());
    let c = open(&mut e, "127.0.0.1:5000");
    assert!(call(&mut e, c, "debug sleep 0").starts_with("-ERR DEBUG command not allowed. If the enable-debug-command"));
    let config = Config { enable_debug_command: "local".into(), ..Config::default() };
    let mut e = engine_with(config);
    let remote = open(&mut e, "10.0.0.1:5000");
    assert!(call(&mut e, remote, "debug sleep 0").starts_with("-ERR DEBUG command not allowed."));
    let c = open(&mut e, "127.0.0.1:5000");
    let other = open(&mut e, "127.0.0.1:5001");
    assert_eq!(call(&mut e, c, "debug sleep 0"), "+OK\r\n");
    assert_eq!(
        call(&mut e, c, "debug jmap"),
        "-ERR unknown subcommand or wrong number of arguments for 'jmap'. Try DEBUG HELP.\r\n"
    );
    assert_eq!(call(&mut e, c, "debug sleep 0.5"), "");
    assert_eq!(call(&mut e, other, "ping"), "", "the whole server sleeps");
    assert!(e.poll_deadline() <= T0_MS + 500);
    e.handle_tick(T0_MS + 499);
    assert!(common::take_output(&mut e, c, T0_MS + 499).is_empty());
    e.handle_tick(T0_MS + 500);
    assert_eq!(common::take_output(&mut e, c, T0_MS + 500), b"+OK\r\n");
    assert_eq!(common::take_output(&mut e, other, T0_MS + 500), b"+PONG\r\n");
    call(&mut e, c, "set foo bar");
    let obj = call(&mut e, c, "debug object foo");
    assert!(obj.contains(" refcount:1 encoding:embstr serializedlength:4 lru:"), "{obj}");
    assert_eq!(call(&mut e, c, "debug object nokey"), "-ERR no such key\r\n");
    assert_eq!(call(&mut e, c, "debug set-active-expire 0"), "+OK\r\n");
    call(&mut e, c, "set gone v px 10");
    e.handle_tick(T0_MS + 5000);
    assert_eq!(call(&mut e, c, "dbsize"), ":2\r\n", "no active expiry: the key waits for a lookup");
}

#[test]
fn memory_usage_matches_redis_for_the_same_data() {
    let mut e = engine_with(Config::default());
    let c = open(&mut e, "127.0.0.1:5000");
    let x44 = "x".repeat(44);
    let x45 = "x".repeat(45);
    let x100 = "x".repeat(100);
    for line in [
        "set k v".to_string(),
        "set k2 12345".into(),
        format!("set k3 {x44}"),
        format!("set k4 {x45}"),
        format!("set k5 {x100}"),
        "rpush L a b c".into(),
        "hset H a b".into(),
        "sadd S 1 2 3".into(),
        "zadd Z 1 a".into(),
    ] {
        call(&mut e, c, &line);
    }
    // Redis 7.0.15 (jemalloc) answers these for the same commands.
    for (key, bytes) in
        [("k", 64), ("k2", 48), ("k3", 96), ("k4", 112), ("k5", 160), ("L", 144), ("H", 64), ("S", 64), ("Z", 64)]
    {
        assert_eq!(call(&mut e, c, &format!("memory usage {key}")), format!(":{bytes}\r\n"), "{key}");
    }
    assert_eq!(call(&mut e, c, "memory usage nokey"), "$-1\r\n");
    assert_eq!(call(&mut e, c, "memory usage k samples x"), "-ERR value is not an integer or out of range\r\n");
    assert_eq!(call(&mut e, c, "memory usage k samples -1"), "-ERR syntax error\r\n");
    assert_eq!(call(&mut e, c, "memory usage k samples"), "-ERR syntax error\r\n");
    assert_eq!(call(&mut e, c, "memory usage k samples 0"), ":64\r\n");
    let stats = call(&mut e, c, "memory stats");
    assert!(stats.starts_with("*56\r\n$14\r\npeak.allocated\r\n"), "{stats}");
    assert!(stats.contains("$4\r\ndb.0\r\n*6\r\n$23\r\noverhead.hashtable.main\r\n"), "{stats}");
}

#[test]
fn lastsave_wait_role_lolwut() {
    let mut e = engine_with(Config::default());
    let c = open(&mut e, "127.0.0.1:5000");
    assert_eq!(call(&mut e, c, "lastsave"), ":1700000000\r\n");
    assert_eq!(call(&mut e, c, "wait 0 0"), ":0\r\n");
    assert_eq!(call(&mut e, c, "wait x y"), "-ERR value is not an integer or out of range\r\n");
    assert_eq!(call(&mut e, c, "wait 0 x"), "-ERR timeout is not an integer or out of range\r\n");
    assert_eq!(call(&mut e, c, "wait 0 -1"), "-ERR timeout is negative\r\n");
    assert_eq!(call(&mut e, c, "role"), "*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n");
    assert_eq!(call(&mut e, c, "lolwut"), "$18\r\nRedis ver. 7.0.15\n\r\n");
    assert_eq!(call(&mut e, c, "lolwut version 9 x"), "$18\r\nRedis ver. 7.0.15\n\r\n");
    assert_eq!(call(&mut e, c, "lolwut version x"), "-ERR value is not an integer or out of range\r\n");
    assert!(call(&mut e, c, "lolwut version 5")
        .ends_with("Georg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15\n\r\n"));
}

#[test]
fn instantaneous_ops_per_sec_is_the_mean_of_sixteen_100ms_samples() {
    let mut e = engine_with(Config::default());
    let c = open(&mut e, "127.0.0.1:5000");
    let mut now = T0_MS;
    e.handle_tick(now);
    for _ in 0..16 {
        for _ in 0..10 {
            common::exchange(&mut e, c, &common::encode(&["ping"]), now);
        }
        now += 100;
        e.handle_tick(now);
    }
    let text = String::from_utf8(common::exchange(&mut e, c, &common::encode(&["info", "stats"]), now)).unwrap();
    assert!(text.contains("\r\ninstantaneous_ops_per_sec:100\r\n"), "{text}");
    assert!(text.contains("\r\ninstantaneous_input_kbps:0.00\r\n"), "no driver byte counts here: {text}");
}

#[test]
fn a_blocked_command_is_counted_once_when_it_ends_with_the_time_it_waited() {
    let mut e = engine_with(Config::default());
    let c = open(&mut e, "127.0.0.1:5000");
    let other = open(&mut e, "127.0.0.1:5001");
    call(&mut e, other, "config set slowlog-log-slower-than 0");
    assert_eq!(call(&mut e, c, "blpop l 0"), "");
    assert!(!info(&mut e, other, "commandstats").contains("cmdstat_blpop"), "not counted while blocked");
    call(&mut e, other, "rpush l a");
    assert_eq!(String::from_utf8(common::take_output(&mut e, c, T0_MS)).unwrap(), "*2\r\n$1\r\nl\r\n$1\r\na\r\n");
    let text = info(&mut e, other, "commandstats");
    // The fake clock moves 5 µs per reading: after its start, 2 readings
    // per command the other client ran (INFO, RPUSH), 1 as the served
    // BLPOP runs again, 1 at its end: 30 µs, the time it waited.
    assert!(
        text.contains("\r\ncmdstat_blpop:calls=1,usec=30,usec_per_call=30.00,rejected_calls=0,failed_calls=0"),
        "{text}"
    );
    let log = call(&mut e, other, "slowlog get 2");
    assert!(log.contains("\r\n:30\r\n*3\r\n$5\r\nblpop\r\n"), "{log}");
    // A timeout ends it too.
    call(&mut e, c, "blpop l 0.1");
    e.handle_tick(T0_MS + 200);
    assert_eq!(common::take_output(&mut e, c, T0_MS + 200), b"*-1\r\n");
    assert!(info(&mut e, other, "commandstats").contains("\r\ncmdstat_blpop:calls=2,"));
}
