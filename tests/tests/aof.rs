//! The AOF outside the simulator, on real files with the real binary:
//! - SIGKILL in the middle of pipelined writes under `appendfsync always`,
//!   five rounds and more on one directory: no acknowledged write is lost.
//!   A killed process leaves its written pages in the page cache, so this
//!   proves the reply comes after the append and that the directory always
//!   reloads; that it also waits for the fsync (a power cut) is the
//!   simulator's to prove, with its disk that loses unsynced bytes.
//! - Interop with a real redis-server 7.0 (`aof-use-rdb-preamble no`): it
//!   loads our directory to our dataset, and we load its directory to its
//!   dataset, with and without a rewrite.
//! - BGREWRITEAOF while clients keep writing, then a restart.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use ferrodis_tests::dataset::{assert_same, bulks, fill_all_types, snapshot};
use ferrodis_tests::{DataDir, Kind, RespConn, Server};

const AOF_ON: [&str; 2] = ["--appendonly", "yes"];
/// Redis reads only the RESP form we write.
const REDIS_AOF: [&str; 4] = ["--appendonly", "yes", "--aof-use-rdb-preamble", "no"];
const REWRITE_TIMEOUT: Duration = Duration::from_secs(60);

fn args<'a>(parts: &[&'a [&'a str]]) -> Vec<&'a str> {
    parts.iter().flat_map(|p| p.iter().copied()).collect()
}

fn info_field(conn: &mut RespConn, field: &str) -> String {
    let reply = conn.cmd(&["INFO", "persistence"]).unwrap();
    let text = String::from_utf8_lossy(&reply).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")).map(str::to_string))
        .unwrap_or_else(|| panic!("INFO persistence has no {field}: {text}"))
}

/// BGREWRITEAOF, then waits until it is installed.
fn rewrite(conn: &mut RespConn) {
    let reply = conn.cmd(&["BGREWRITEAOF"]).unwrap();
    assert!(reply.starts_with(b"+Background append only file rewriting"), "{}", String::from_utf8_lossy(&reply));
    let deadline = Instant::now() + REWRITE_TIMEOUT;
    // The rewrite may not have begun its first step yet: wait for a rewrite
    // count to move, or both flags to clear after a short while.
    thread::sleep(Duration::from_millis(50));
    while info_field(conn, "aof_rewrite_in_progress") != "0" || info_field(conn, "aof_rewrite_scheduled") != "0" {
        assert!(Instant::now() < deadline, "the rewrite did not finish");
        thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(info_field(conn, "aof_last_bgrewrite_status"), "ok");
}

fn manifest(dir: &DataDir) -> String {
    std::fs::read_to_string(dir.path().join("appendonlydir/appendonly.aof.manifest")).unwrap()
}

// --- crash: SIGKILL mid-stream --------------------------------------------------

const CRASH_ROUNDS: usize = 6;
const CRASH_CLIENTS: usize = 4;
/// Commands each client has in flight at once.
const PIPELINE: usize = 32;

/// One client's writes until the server dies: `SET c:r:i v:r:i`, PIPELINE
/// at a time. Returns the keys whose `+OK` arrived.
fn write_until_killed(addr: std::net::SocketAddr, client: usize, round: usize) -> Vec<u64> {
    let mut acked = Vec::new();
    let Ok(mut conn) = RespConn::connect(addr) else { return acked };
    let mut next = 0u64;
    loop {
        let mut batch = Vec::new();
        for i in next..next + PIPELINE as u64 {
            let (k, v) = (format!("c{client}:r{round}:{i}"), format!("v{client}:{round}:{i}"));
            batch.extend_from_slice(&ferrodis_tests::resp::encode_command(&[
                b"SET".to_vec(),
                k.into_bytes(),
                v.into_bytes(),
            ]));
        }
        if conn.send(&batch).is_err() {
            return acked;
        }
        for i in next..next + PIPELINE as u64 {
            match conn.read_reply() {
                Ok(r) if r == b"+OK\r\n" => acked.push(i),
                Ok(r) => panic!("unexpected reply {}", String::from_utf8_lossy(&r)),
                Err(_) => return acked,
            }
        }
        next += PIPELINE as u64;
    }
}

fn crash_rounds(extra: &[&str]) {
    let dir = DataDir::new();
    let server_args = args(&[&AOF_ON, &["--appendfsync", "always"], extra]);
    // (round, client) -> acknowledged indexes.
    let mut acked: Vec<(usize, usize, Vec<u64>)> = Vec::new();
    for round in 0..CRASH_ROUNDS {
        let server = Server::start_in(Kind::Ferrodis, &dir, &server_args);
        check_acked(&server, &acked, round);
        let addr = server.addr();
        let writers: Vec<_> =
            (0..CRASH_CLIENTS).map(|c| thread::spawn(move || (c, write_until_killed(addr, c, round)))).collect();
        // Let writes flow, then SIGKILL mid-stream (drop kills with SIGKILL).
        thread::sleep(Duration::from_millis(300 + 70 * round as u64));
        drop(server);
        for w in writers {
            let (c, keys) = w.join().unwrap();
            acked.push((round, c, keys));
        }
    }
    let server = Server::start_in(Kind::Ferrodis, &dir, &server_args);
    let total = check_acked(&server, &acked, CRASH_ROUNDS);
    assert!(total > 1000, "too few writes were acknowledged ({total}) for the test to mean much");
}

/// Every acknowledged key is there with its value; returns how many.
fn check_acked(server: &Server, acked: &[(usize, usize, Vec<u64>)], at_round: usize) -> usize {
    let mut conn = server.connect();
    let mut total = 0;
    for (round, client, keys) in acked {
        for chunk in keys.chunks(500) {
            let mut mget = vec![b"MGET".to_vec()];
            mget.extend(chunk.iter().map(|i| format!("c{client}:r{round}:{i}").into_bytes()));
            let values = bulks(&conn.command(&mget).unwrap());
            assert_eq!(values.len(), chunk.len(), "restart {at_round}: acknowledged keys missing (round {round})");
            for (i, v) in chunk.iter().zip(values) {
                assert_eq!(v, format!("v{client}:{round}:{i}").into_bytes(), "restart {at_round}: key {i} of {round}");
            }
            total += chunk.len();
        }
    }
    total
}

#[test]
fn sigkill_mid_stream_loses_no_acknowledged_write_one_thread() {
    crash_rounds(&[]);
}

#[test]
fn sigkill_mid_stream_loses_no_acknowledged_write_io_threads() {
    crash_rounds(&["--io-threads", "2"]);
}

// --- interop with redis-server 7.0 ----------------------------------------------

/// `writer` fills a dataset (rewriting in the middle when asked) and shuts
/// down; `reader` starts on a copy of its AOF directory and must hold the
/// same dataset.
fn interop(writer: Kind, reader: Kind, with_rewrite: bool) {
    let dir = DataDir::new();
    let writer_args = match writer {
        Kind::Ferrodis => args(&[&AOF_ON]),
        Kind::Redis => args(&[&REDIS_AOF]),
    };
    let server = Server::start_in(writer, &dir, &writer_args);
    let mut conn = server.connect();
    fill_all_types(&mut conn, "first");
    if with_rewrite {
        rewrite(&mut conn);
        fill_all_types(&mut conn, "second");
    }
    let expected = snapshot(&mut conn);
    assert!(expected.len() >= 30, "the fill wrote {} keys", expected.len());
    drop(conn);
    assert_eq!(server.shutdown(), Some(0));
    let m = manifest(&dir);
    if with_rewrite {
        assert!(m.contains(".2.base.aof") || m.contains(".base.aof seq 2"), "no new base after the rewrite: {m}");
    }
    let copy = dir.copy_of("appendonlydir");
    let reader_args = match reader {
        Kind::Ferrodis => args(&[&AOF_ON]),
        Kind::Redis => args(&[&REDIS_AOF]),
    };
    let server = Server::start_in(reader, &copy, &reader_args);
    let got = snapshot(&mut server.connect());
    assert_same(&expected, &got, &format!("{} loading what {} wrote", reader.name(), writer.name()));
}

#[test]
fn redis_loads_our_aof() {
    interop(Kind::Ferrodis, Kind::Redis, false);
}

#[test]
fn redis_loads_our_aof_after_a_rewrite() {
    interop(Kind::Ferrodis, Kind::Redis, true);
}

#[test]
fn we_load_redis_aof() {
    interop(Kind::Redis, Kind::Ferrodis, false);
}

#[test]
fn we_load_redis_aof_after_a_rewrite() {
    interop(Kind::Redis, Kind::Ferrodis, true);
}

// --- rewrite under load -----------------------------------------------------------

#[test]
fn bgrewriteaof_while_clients_write_then_restart_one_thread() {
    rewrite_under_load(&[]);
}

#[test]
fn bgrewriteaof_while_clients_write_then_restart_io_threads() {
    rewrite_under_load(&["--io-threads", "2"]);
}

/// Keys before the rewrite: enough that the child runs while the writers
/// write, few enough that reading the whole dataset back twice (three
/// round trips a key) stays quick.
const BASE_KEYS: usize = 30_000;

fn rewrite_under_load(extra: &[&str]) {
    let dir = DataDir::new();
    let server_args = args(&[&AOF_ON, &["--appendfsync", "everysec"], extra]);
    let server = Server::start_in(Kind::Ferrodis, &dir, &server_args);
    let mut conn = server.connect();
    // A keyspace big enough that the child runs for a while.
    let mut load = Vec::new();
    for i in 0..BASE_KEYS {
        load.extend_from_slice(&ferrodis_tests::resp::encode_command(&[
            b"SET".to_vec(),
            format!("base:{i}").into_bytes(),
            format!("{i}").into_bytes(),
        ]));
    }
    conn.send(&load).unwrap();
    for _ in 0..BASE_KEYS {
        assert_eq!(conn.read_reply().unwrap(), b"+OK\r\n");
    }
    let stop = Arc::new(AtomicBool::new(false));
    let addr = server.addr();
    let writers: Vec<_> = (0..3)
        .map(|c| {
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                let mut conn = RespConn::connect(addr).unwrap();
                let mut n = 0u64;
                while !stop.load(Ordering::SeqCst) {
                    let key = format!("live:{c}:{}", n % 5000);
                    assert_eq!(conn.cmd(&["SET", &key, &n.to_string()]).unwrap(), b"+OK\r\n");
                    conn.cmd(&["INCR", &format!("counter:{c}")]).unwrap();
                    conn.cmd(&["RPUSH", &format!("list:{c}"), &n.to_string()]).unwrap();
                    n += 1;
                }
                n
            })
        })
        .collect();
    thread::sleep(Duration::from_millis(200));
    rewrite(&mut conn);
    thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::SeqCst);
    let written: u64 = writers.into_iter().map(|w| w.join().unwrap()).sum();
    assert!(written > 100, "the writers wrote {written} rounds");
    let expected = snapshot(&mut conn);
    drop(conn);
    assert!(server.log().contains("Background AOF rewrite finished successfully"), "{}", server.log());
    assert_eq!(server.shutdown(), Some(0));
    let m = manifest(&dir);
    assert!(m.contains("appendonly.aof.2.base.aof"), "{m}");
    assert!(!dir.path().join("appendonlydir/appendonly.aof.1.base.aof").exists(), "the old base stays");
    let server = Server::start_in(Kind::Ferrodis, &dir, &server_args);
    assert!(server.log().contains("DB loaded from append only file"), "{}", server.log());
    assert_same(&expected, &snapshot(&mut server.connect()), "after the rewrite and a restart");
}

// --- CONFIG SET appendonly yes at runtime ----------------------------------------

/// A server started without the AOF turns it on at runtime: the data it
/// already had reaches the files through the rewrite that starts it, later
/// writes through the new incr file, and a restart with `--appendonly yes`
/// loads both. The same steps run on Redis's server first, so the test
/// itself is checked against the spec (each server against its own
/// dataset: the fill pops random set members).
#[test]
fn config_set_appendonly_yes_starts_the_aof_with_a_rewrite() {
    for kind in [Kind::Redis, Kind::Ferrodis] {
        let dir = DataDir::new();
        let off: Vec<&str> = if kind == Kind::Redis {
            vec!["--appendonly", "no", "--aof-use-rdb-preamble", "no"]
        } else {
            vec!["--appendonly", "no"]
        };
        let server = Server::start_in(kind, &dir, &off);
        let mut conn = server.connect();
        fill_all_types(&mut conn, "before");
        assert_eq!(conn.cmd(&["CONFIG", "SET", "appendonly", "yes"]).unwrap(), b"+OK\r\n");
        assert_eq!(info_field(&mut conn, "aof_enabled"), "1");
        let deadline = Instant::now() + REWRITE_TIMEOUT;
        while info_field(&mut conn, "aof_rewrite_in_progress") != "0"
            || info_field(&mut conn, "aof_rewrite_scheduled") != "0"
        {
            assert!(Instant::now() < deadline, "{}: the first rewrite did not finish", kind.name());
            thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(info_field(&mut conn, "aof_last_bgrewrite_status"), "ok");
        fill_all_types(&mut conn, "after");
        let expected = snapshot(&mut conn);
        let text = manifest(&dir);
        assert!(text.contains(" type b\n") && text.contains(" type i\n"), "{}: manifest {text}", kind.name());
        assert_eq!(server.shutdown(), Some(0));
        let on: Vec<&str> = if kind == Kind::Redis { REDIS_AOF.to_vec() } else { AOF_ON.to_vec() };
        let server = Server::start_in(kind, &dir, &on);
        assert_same(&expected, &snapshot(&mut server.connect()), &format!("{}: after a restart", kind.name()));
    }
}

// --- upgrade: a Redis 6 single-file AOF -------------------------------------------

/// A directory as Redis 6 leaves it: one `appendonly.aof` in `dir` holding
/// every command (here: the base and incr files a Redis 7.0 wrote, joined,
/// which is the same RESP stream). Redis 7.0 and we must both upgrade it
/// to the same manifest and load the same dataset.
#[test]
fn both_upgrade_a_single_file_aof_alike() {
    let dir = DataDir::new();
    let server = Server::start_in(Kind::Redis, &dir, &args(&[&REDIS_AOF]));
    let mut conn = server.connect();
    fill_all_types(&mut conn, "old");
    let expected = snapshot(&mut conn);
    drop(conn);
    assert_eq!(server.shutdown(), Some(0));
    let aof_dir = dir.path().join("appendonlydir");
    let mut single = Vec::new();
    for line in manifest(&dir).lines() {
        let name = line.split(' ').nth(1).expect("file <name> ...");
        single.extend(std::fs::read(aof_dir.join(name)).unwrap());
    }
    let mut manifests = Vec::new();
    for kind in [Kind::Redis, Kind::Ferrodis] {
        let legacy = DataDir::new();
        std::fs::write(legacy.path().join("appendonly.aof"), &single).unwrap();
        let server = Server::start_in(kind, &legacy, &args(&[&REDIS_AOF]));
        let got = snapshot(&mut server.connect());
        assert_same(&expected, &got, &format!("{} upgrading a single-file AOF", kind.name()));
        assert!(!legacy.path().join("appendonly.aof").exists(), "{}: the old file moved in", kind.name());
        assert_eq!(std::fs::read(legacy.path().join("appendonlydir/appendonly.aof")).unwrap(), single);
        manifests.push(manifest(&legacy));
        assert_eq!(server.shutdown(), Some(0));
    }
    assert_eq!(manifests[0], manifests[1], "redis's manifest, then ours");
}
