//! Memory goes back to the OS: after a big value is deleted, or a client
//! that left megabytes of unread replies disconnects, the server's resident
//! set falls back within a few seconds while it is idle, and at once on
//! `MEMORY PURGE`; INFO memory reports the figures truthfully.
//!
//! RSS is read from `/proc/<pid>/status` (Linux). Every wait polls against
//! a generous deadline and every bound is loose, so a loaded machine slows
//! these tests down but does not fail them. `FERRODIS_TEST_TARGET=redis`
//! runs them against a real Redis, which passes them too.

use std::time::{Duration, Instant};

use ferrodis_tests::{Kind, RespConn, Server};

const MB: u64 = 1024 * 1024;
/// The big value.
const BIG_BYTES: usize = 100 * 1024 * 1024;
/// How long RSS may take to fall back (the rule asks within about a second
/// of an idle server; the rest is for a busy machine).
const FALL_BACK_WITHIN: Duration = Duration::from_secs(20);
/// RSS may stay this far above what it was before the big value.
const RSS_SLACK_BYTES: u64 = 40 * MB;

fn rss_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read /proc/<pid>/status");
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/<pid>/status");
    kb * 1024
}

/// Polls `rss_bytes(pid)` until it is at most `bound`; returns the last
/// reading and whether it got there before the deadline.
fn wait_for_rss_at_most(pid: u32, bound: u64) -> (u64, bool) {
    let deadline = Instant::now() + FALL_BACK_WITHIN;
    loop {
        let rss = rss_bytes(pid);
        if rss <= bound {
            return (rss, true);
        }
        if Instant::now() >= deadline {
            return (rss, false);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn set_big(conn: &mut RespConn) {
    let args = [b"SET".to_vec(), b"big".to_vec(), vec![b'x'; BIG_BYTES]];
    assert_eq!(conn.command(&args).unwrap(), b"+OK\r\n");
}

/// INFO memory's fields as (name, value) pairs.
fn info_memory(conn: &mut RespConn) -> Vec<(String, String)> {
    let reply = conn.cmd(&["INFO", "memory"]).unwrap();
    let text = String::from_utf8(reply).expect("INFO is text");
    text.lines().filter_map(|l| l.split_once(':')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn field<T: std::str::FromStr>(info: &[(String, String)], name: &str) -> T {
    let (_, v) = info.iter().find(|(k, _)| k == name).unwrap_or_else(|| panic!("INFO memory has no {name}"));
    v.parse().unwrap_or_else(|_| panic!("{name}:{v} does not parse"))
}

#[test]
fn rss_falls_back_after_a_big_del_while_idle() {
    big_del_falls_back(Server::start_target());
}

#[test]
fn rss_falls_back_after_a_big_del_with_io_threads() {
    // The value's bytes are read on an I/O thread and stored by the
    // executor thread: both threads' freed pages must go back.
    big_del_falls_back(Server::start_with(Kind::target_from_env(), &["--io-threads", "2"]));
}

fn big_del_falls_back(server: Server) {
    let pid = server.pid();
    let mut conn = server.connect();
    let before = rss_bytes(pid);
    set_big(&mut conn);
    let with_value = rss_bytes(pid);
    assert!(with_value >= before + 80 * MB, "the value is resident: {} MB -> {} MB", before / MB, with_value / MB);
    assert_eq!(conn.cmd(&["DEL", "big"]).unwrap(), b":1\r\n");
    // Nothing else happens: the server is idle.
    let (rss, fell) = wait_for_rss_at_most(pid, before + RSS_SLACK_BYTES);
    assert!(
        fell,
        "RSS stayed at {} MB for {FALL_BACK_WITHIN:?} after DEL (was {} MB before SET, {} MB with the value)",
        rss / MB,
        before / MB,
        with_value / MB
    );
}

#[test]
fn memory_purge_returns_freed_memory_at_once() {
    let server = Server::start_target();
    let pid = server.pid();
    let mut conn = server.connect();
    let before = rss_bytes(pid);
    set_big(&mut conn);
    assert_eq!(conn.cmd(&["DEL", "big"]).unwrap(), b":1\r\n");
    assert_eq!(conn.cmd(&["MEMORY", "PURGE"]).unwrap(), b"+OK\r\n");
    // No waiting: the purge is done before the reply is written.
    let rss = rss_bytes(pid);
    assert!(
        rss <= before + RSS_SLACK_BYTES,
        "RSS is {} MB right after MEMORY PURGE ({} MB before SET)",
        rss / MB,
        before / MB
    );
}

#[test]
fn rss_falls_back_after_a_client_with_unread_replies_leaves() {
    let server = Server::start_target();
    let pid = server.pid();
    let mut conn = server.connect();
    let value = vec![b'v'; MB as usize];
    assert_eq!(conn.command(&[b"SET".to_vec(), b"m".to_vec(), value]).unwrap(), b"+OK\r\n");
    let before = rss_bytes(pid);
    // 300 GETs of the 1 MB value, pipelined, never read: the replies pile
    // up in the server.
    let mut greedy = server.connect();
    let get = ferrodis_tests::resp::encode_command(&[b"GET".to_vec(), b"m".to_vec()]);
    greedy.send(&get.repeat(300)).unwrap();
    let deadline = Instant::now() + FALL_BACK_WITHIN;
    while rss_bytes(pid) < before + 100 * MB {
        assert!(Instant::now() < deadline, "the unread replies never reached 100 MB");
        std::thread::sleep(Duration::from_millis(50));
    }
    let peak = rss_bytes(pid);
    drop(greedy);
    let (rss, fell) = wait_for_rss_at_most(pid, before + RSS_SLACK_BYTES);
    assert!(
        fell,
        "RSS stayed at {} MB for {FALL_BACK_WITHIN:?} after the client left ({} MB before, {} MB with its replies)",
        rss / MB,
        before / MB,
        peak / MB
    );
    // The server still serves.
    assert_eq!(conn.cmd(&["STRLEN", "m"]).unwrap(), b":1048576\r\n");
}

#[test]
fn info_memory_follows_a_big_value_and_its_purge() {
    let server = Server::start_target();
    let pid = server.pid();
    let mut conn = server.connect();
    set_big(&mut conn);
    // INFO's figures are sampled by the server's timer (Redis's too): poll.
    let deadline = Instant::now() + FALL_BACK_WITHIN;
    loop {
        let info = info_memory(&mut conn);
        let used: u64 = field(&info, "used_memory");
        let rss: u64 = field(&info, "used_memory_rss");
        if used >= BIG_BYTES as u64 && rss >= BIG_BYTES as u64 {
            let peak: u64 = field(&info, "used_memory_peak");
            assert!(peak >= used, "used_memory_peak {peak} < used_memory {used}");
            break;
        }
        assert!(Instant::now() < deadline, "INFO never showed the value: used_memory {used}, used_memory_rss {rss}");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(conn.cmd(&["DEL", "big"]).unwrap(), b":1\r\n");
    assert_eq!(conn.cmd(&["MEMORY", "PURGE"]).unwrap(), b"+OK\r\n");
    loop {
        let info = info_memory(&mut conn);
        let used: u64 = field(&info, "used_memory");
        let rss: u64 = field(&info, "used_memory_rss");
        let ratio: f64 = field(&info, "mem_fragmentation_ratio");
        let proc_rss = rss_bytes(pid);
        let agrees = rss.abs_diff(proc_rss) <= 8 * MB;
        // Redis's ratio: RSS over used memory, both from the timer's sample
        // (used_memory itself is read live, so it may be newer).
        let expected = rss as f64 / used.max(1) as f64;
        let consistent = ratio >= expected / 2.0 && ratio <= expected * 2.0;
        if used < 20 * MB && rss < 60 * MB && agrees && consistent {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "INFO after DEL and MEMORY PURGE: used_memory {used}, used_memory_rss {rss} (/proc says {proc_rss}), \
             mem_fragmentation_ratio {ratio}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
