//! Connection, CLIENT, server-introspection and COMMAND commands, driven
//! through the whole engine with no socket. Expected bytes were taken from
//! Redis 7.0.15 where the value is not ours (ids, addresses, times are).

mod common;

use ferrodis_engine::exec::HostStats;
use ferrodis_engine::ring::ClientInfo;
use ferrodis_engine::{Config, ConnId, Engine};

const T0_MS: u64 = 1_700_000_000_000;

struct Harness {
    engine: Engine,
}

impl Harness {
    /// Clients come from non-loopback addresses, so protected mode is off
    /// (as a server reachable from them would have it).
    fn new() -> Harness {
        Harness { engine: Engine::new(Config { protected_mode: false, ..Config::default() }, T0_MS) }
    }

    fn open(&mut self, addr: &str) -> ConnId {
        let info = ClientInfo { addr: addr.into(), laddr: "127.0.0.1:6379".into(), fd: 9 };
        self.engine.handle_open(info, T0_MS).expect("below maxclients")
    }

    fn call_at(&mut self, c: ConnId, args: &[&str], now_ms: u64) -> String {
        let out = common::exchange(&mut self.engine, c, &common::encode(args), now_ms);
        self.engine.check_invariants();
        String::from_utf8(out).expect("ascii replies")
    }

    fn call(&mut self, c: ConnId, args: &[&str]) -> String {
        self.call_at(c, args, T0_MS)
    }
}

#[test]
fn hello_and_reset() {
    let mut h = Harness::new();
    let c = h.open("1.2.3.4:5");
    let expected = format!(
        "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:2\r\n$2\r\nid\r\n:{}\r\n\
         $4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n",
        c.0
    );
    assert_eq!(h.call(c, &["HELLO", "2", "AUTH", "default", "pw", "SETNAME", "n1"]), expected);
    assert_eq!(h.call(c, &["client", "getname"]), "$2\r\nn1\r\n");
    // HELLO 3 answers in RESP3 already; the connection stays there until
    // HELLO 2 or RESET, and CLIENT INFO shows it.
    let resp3 = format!(
        "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:{}\r\n\
         $4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n",
        c.0
    );
    assert_eq!(h.call(c, &["hello", "3"]), resp3);
    assert_eq!(h.call(c, &["hello"]), resp3);
    assert_eq!(h.call(c, &["get", "nokey"]), "_\r\n");
    assert!(h.call(c, &["client", "info"]).contains(" resp=3\n"));
    assert_eq!(h.call(c, &["hello", "4"]), "-NOPROTO unsupported protocol version\r\n");
    assert_eq!(h.call(c, &["select", "2"]), "+OK\r\n");
    assert_eq!(h.call(c, &["reset"]), "+RESET\r\n");
    assert_eq!(h.call(c, &["client", "getname"]), "$-1\r\n");
    let info = h.call(c, &["client", "info"]);
    assert!(info.starts_with('$') && info.contains(" db=0 ") && info.contains(" resp=2\n"), "{info}");
    assert_eq!(h.call(c, &["hello", "3"]), resp3);
    assert_eq!(h.call(c, &["hello", "2"]), expected);
}

#[test]
fn client_list_line() {
    let mut h = Harness::new();
    let a = h.open("10.0.0.1:1000");
    let b = h.open("10.0.0.2:2000");
    h.call(b, &["client", "setname", "bee"]);
    h.call(b, &["select", "3"]);
    let out = h.call_at(a, &["client", "list"], T0_MS + 5_500);
    // The caller's command is still in its query buffer (26 bytes of
    // `*2\r\n$6\r\nclient\r\n$4\r\nlist\r\n`, as Redis 7.0 shows it) and its
    // arguments are 10 bytes; the other client's SELECT (23 bytes) has been
    // taken out of its buffer, and its +OK went through a reply buffer.
    let line_a = format!(
        "id={} addr=10.0.0.1:1000 laddr=127.0.0.1:6379 fd=9 name= age=5 idle=0 flags=N db=0 sub=0 psub=0 ssub=0 \
         multi=-1 qbuf=26 qbuf-free=0 argv-mem=10 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=T events=r \
         cmd=client|list user=default redir=-1 resp=2\n",
        a.0
    );
    let line_b = format!(
        "id={} addr=10.0.0.2:2000 laddr=127.0.0.1:6379 fd=9 name=bee age=5 idle=5 flags=N db=3 sub=0 psub=0 ssub=0 \
         multi=-1 qbuf=0 qbuf-free=38 argv-mem=0 multi-mem=0 rbs=8 rbp=5 obl=0 oll=0 omem=0 tot-mem=T events=r \
         cmd=select user=default redir=-1 resp=2\n",
        b.0
    );
    let body = format!("{line_a}{line_b}");
    let (masked, tot_mems) = mask_tot_mem(&out);
    assert_eq!(masked, format!("${}\r\n{}\r\n", body.len() + 2 * tot_mems[0].to_string().len() - 2, body));
    // tot-mem counts at least the buffers listed before it.
    assert!(tot_mems.iter().all(|&m| m > 26 + 10));
    // ID filter keeps the order given, duplicates included.
    let ids = h.call_at(a, &["client", "list", "id", &b.0.to_string(), "77", &b.0.to_string()], T0_MS + 5_500);
    assert_eq!(ids.matches("name=bee").count(), 2);
    assert_eq!(h.call(a, &["client", "list", "type", "pubsub"]), "$0\r\n\r\n");
}

/// Replaces each `tot-mem=<n>` (it counts the client's own struct, whose
/// size is the build's) by `tot-mem=T`; returns the text and the figures.
fn mask_tot_mem(out: &str) -> (String, Vec<usize>) {
    let mut masked = String::new();
    let mut figures = Vec::new();
    let mut rest = out;
    while let Some(at) = rest.find("tot-mem=") {
        masked.push_str(&rest[..at + 8]);
        let digits: String = rest[at + 8..].chars().take_while(char::is_ascii_digit).collect();
        figures.push(digits.parse().expect("a number"));
        masked.push('T');
        rest = &rest[at + 8 + digits.len()..];
    }
    masked.push_str(rest);
    (masked, figures)
}

#[test]
fn shutdown_closes_without_reply() {
    let mut h = Harness::new();
    let c = h.open("1.1.1.1:1");
    assert_eq!(h.call(c, &["shutdown", "abort"]), "-ERR No shutdown in progress.\r\n");
    assert_eq!(h.call(c, &["shutdown", "save"]), "-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
    assert_eq!(h.call(c, &["shutdown", "nosave", "save"]), "-ERR syntax error\r\n");
    assert!(!h.engine.shutdown_requested());
    assert_eq!(h.call(c, &["SHUTDOWN", "NOSAVE", "NOW"]), "");
    assert!(h.engine.shutdown_requested());
    let flags = h.engine.executor().srv.shutdown_flags;
    assert!(flags.nosave && flags.now && !flags.force);
    assert!(common::closed(&mut h.engine).contains(&c));
}

#[test]
fn time_and_info_use_the_engine_clock() {
    let mut h = Harness::new();
    let c = h.open("1.1.1.1:1");
    let later = T0_MS + 90_061_234;
    let time = h.call_at(c, &["time"], later);
    assert_eq!(time, format!("*2\r\n$10\r\n{}\r\n$6\r\n234000\r\n", later / 1000));
    h.call(c, &["set", "k", "v"]);
    h.engine.handle_host_stats(HostStats {
        used_memory_bytes: 1_189_352,
        used_memory_rss_bytes: 7_061_504,
        process_id: 42,
        ..HostStats::default()
    });
    let info = h.call_at(c, &["info"], later);
    for want in [
        "# Server\r\nredis_version:7.0.15\r\n",
        "\r\nprocess_id:42\r\n",
        "\r\nuptime_in_seconds:90061\r\nuptime_in_days:1\r\n",
        "\r\nconnected_clients:1\r\n",
        "\r\nused_memory:1189352\r\nused_memory_human:1.13M\r\nused_memory_rss:7061504\r\nused_memory_rss_human:6.73M\r\n",
        "\r\nused_memory_peak:1189352\r\n",
        "\r\nmem_fragmentation_ratio:5.94\r\n",
        "\r\n\r\n# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n\r\n",
    ] {
        assert!(info.contains(want), "{want:?} missing from {info}");
    }
    assert!(!info.contains("# Commandstats"));
    let only = h.call(c, &["info", "cluster", "modules"]);
    assert_eq!(only, "$43\r\n# Modules\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n");
}

#[test]
fn error_stats_count_and_reset() {
    let mut h = Harness::new();
    let c = h.open("1.1.1.1:1");
    h.call(c, &["nosuch"]);
    h.call(c, &["hello", "9"]);
    h.call(c, &["select", "x"]);
    let info = h.call(c, &["info", "errorstats", "stats"]);
    assert!(info.contains("\r\ntotal_error_replies:3\r\n"));
    assert!(info.contains("# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_NOPROTO:count=1\r\n"));
    assert_eq!(h.call(c, &["config", "resetstat"]), "+OK\r\n");
    let info = h.call(c, &["info", "errorstats", "stats"]);
    assert!(info.contains("\r\ntotal_error_replies:0\r\n"));
    assert!(info.contains("# Errorstats\r\n\r\n") || info.ends_with("# Errorstats\r\n\r\n"));
}

#[test]
fn config_set_is_all_or_nothing() {
    let mut h = Harness::new();
    let c = h.open("1.1.1.1:1");
    assert_eq!(
        h.call(c, &["config", "set", "hz", "20", "protected-mode", "maybe"]),
        "-ERR CONFIG SET failed (possibly related to argument 'protected-mode') - argument must be 'yes' or 'no'\r\n"
    );
    assert_eq!(h.call(c, &["config", "get", "hz"]), "*2\r\n$2\r\nhz\r\n$2\r\n10\r\n");
    assert_eq!(h.call(c, &["config", "set", "hz", "20", "timeout", "5"]), "+OK\r\n");
    assert_eq!(
        h.call(c, &["config", "get", "hz", "TIMEOUT", "hz*"]),
        "*4\r\n$2\r\nhz\r\n$2\r\n20\r\n$7\r\nTIMEOUT\r\n$1\r\n5\r\n"
    );
    assert_eq!(h.engine.executor().srv.config.hz, 20);
}

/// Patterns match with Redis's `stringmatch(..., nocase=1)`, quirks
/// included (replies checked against Redis 7.0.15).
#[test]
fn config_get_patterns_ignore_case_as_redis() {
    let mut h = Harness::new();
    let c = h.open("1.1.1.1:1");
    assert_eq!(h.call(c, &["config", "get", "PO*"]), "*2\r\n$4\r\nport\r\n$4\r\n6379\r\n");
    assert_eq!(h.call(c, &["config", "get", "\\P?RT"]), "*2\r\n$4\r\nport\r\n$4\r\n6379\r\n");
    assert_eq!(h.call(c, &["config", "get", "p[\\O]rt"]), "*0\r\n", "an escape in brackets keeps case");
    assert_eq!(h.call(c, &["config", "get", "[Z-a]ppendonly"]), "*0\r\n", "z..a after lowering is empty");
    assert_eq!(h.call(c, &["config", "get", "[A-b]ppendonly"]), "*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
    assert_eq!(h.call(c, &["command", "list", "filterby", "pattern", "CONFIG|G*"]), "*1\r\n$10\r\nconfig|get\r\n");
}

#[test]
fn command_table_replies() {
    let mut h = Harness::new();
    let c = h.open("1.1.1.1:1");
    let n = h.engine.executor().srv.table.len();
    assert_eq!(h.call(c, &["command", "count"]), format!(":{n}\r\n"));
    assert!(h.call(c, &["command"]).starts_with(&format!("*{n}\r\n*10\r\n")));
    // Redis 7.0.15's bytes.
    assert_eq!(
        h.call(c, &["command", "info", "get", "nosuch"]),
        "*2\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n\
         +@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n\
         $5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n\
         $4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n$-1\r\n"
    );
    assert_eq!(
        h.call(c, &["command", "docs", "client|id"]),
        "*2\r\n$9\r\nclient|id\r\n*8\r\n$7\r\nsummary\r\n$48\r\nReturns the client ID for the current connection\r\n\
         $5\r\nsince\r\n$5\r\n5.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n"
    );
    assert_eq!(h.call(c, &["command", "getkeys", "set", "k", "v", "get"]), "*1\r\n$1\r\nk\r\n");
    assert_eq!(h.call(c, &["command", "getkeys", "ping", "x"]), "-ERR The command has no key arguments\r\n");
    let listed = h.call(c, &["command", "list", "filterby", "pattern", "config|*"]);
    assert_eq!(
        listed,
        "*5\r\n$10\r\nconfig|get\r\n$10\r\nconfig|set\r\n$16\r\nconfig|resetstat\r\n$14\r\nconfig|rewrite\r\n\
         $11\r\nconfig|help\r\n"
    );
    assert_eq!(h.call(c, &["command", "nosuch"]), "-ERR unknown subcommand 'nosuch'. Try COMMAND HELP.\r\n");
    assert_eq!(h.call(c, &["config"]), "-ERR wrong number of arguments for 'config' command\r\n");
}

/// CONFIG SET port waits for the driver's rebind: nothing runs (not even a
/// pipelined PING of the same client) until it answers; a failure restores
/// the old value and answers with Redis's error.
#[test]
fn config_set_port_waits_for_the_driver() {
    use ferrodis_engine::exec::{ListenFailure, ListenRequest};
    let mut h = Harness::new();
    let c = h.open("1.1.1.1:1");
    let mut input = common::encode(&["CONFIG", "SET", "port", "7000"]);
    input.extend_from_slice(&common::encode(&["PING"]));
    assert_eq!(common::exchange(&mut h.engine, c, &input, T0_MS), b"");
    let asked = h.engine.poll_listen().expect("the engine asks for new listeners");
    assert_eq!(asked, ListenRequest { bind: "127.0.0.1".into(), port: 7000, bind_changed: false });
    assert_eq!(h.engine.poll_listen(), None, "asked once");
    h.engine.handle_listen_result(Ok(()), T0_MS);
    assert_eq!(common::take_output(&mut h.engine, c, T0_MS), b"+OK\r\n+PONG\r\n");
    assert_eq!(h.call(c, &["CONFIG", "GET", "port"]), "*2\r\n$4\r\nport\r\n$4\r\n7000\r\n");

    assert_eq!(h.call(c, &["CONFIG", "SET", "port", "7001", "bind", "10.0.0.1"]), "");
    let asked = h.engine.poll_listen().expect("asked");
    assert!(asked.bind_changed);
    h.engine.handle_listen_result(Err(ListenFailure::Bind), T0_MS);
    assert_eq!(
        String::from_utf8(common::take_output(&mut h.engine, c, T0_MS)).unwrap(),
        "-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\r\n"
    );
    assert_eq!(h.call(c, &["CONFIG", "GET", "port"]), "*2\r\n$4\r\nport\r\n$4\r\n7000\r\n");
    assert_eq!(h.call(c, &["CONFIG", "GET", "bind"]), "*2\r\n$4\r\nbind\r\n$9\r\n127.0.0.1\r\n");
    h.engine.check_invariants();
}
