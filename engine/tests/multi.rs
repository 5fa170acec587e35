//! Transactions through the engine: what an EXEC propagates (checked
//! against the AOF Redis 7.0.15 wrote for the same commands, its incr file
//! read back), the durability gate holding a whole EXEC for one fsync,
//! WATCH invalidated across clients by writes, expiry and a served
//! blocking pop, and the transaction state a closing client leaves behind.

mod common;

use common::{encode, exchange, feed, open, split, take_output};
use ferrodis_engine::aof::{Aof, FsyncPolicy, Manifest, StorageEvent, StorageOp};
use ferrodis_engine::{Config, ConnId, Engine};

const T0_MS: u64 = 1_700_000_000_000;

fn engine(policy: FsyncPolicy) -> Engine {
    let config = Config { appendonly: true, appendfsync: policy, ..Config::default() };
    let mut e = Engine::new(config, T0_MS);
    let mut m = Manifest::empty("appendonly.aof");
    m.base = Some(m.next_base());
    m.incrs = vec![m.next_incr()];
    e.attach_aof(Aof::attach(m, 0, 0));
    e
}

/// Performs every op: appends reported done, fsyncs returned unanswered.
fn drain(e: &mut Engine) -> (Vec<u8>, Vec<u64>) {
    let (mut bytes, mut fsyncs) = (Vec::new(), Vec::new());
    while let Some(op) = e.poll_storage() {
        match op {
            StorageOp::Append { bytes: b, end, .. } => {
                bytes.extend_from_slice(&b);
                e.handle_storage(StorageEvent::Appended { end }, T0_MS);
            }
            StorageOp::Fsync { through, .. } => fsyncs.push(through),
            other => panic!("unexpected op {other:?}"),
        }
    }
    (bytes, fsyncs)
}

/// The AOF bytes as lines, one command a line (SELECT included).
fn lines(mut bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let mut line = || {
            let end = bytes.windows(2).position(|w| w == b"\r\n").expect("a CRLF");
            let l = bytes[..end].to_vec();
            bytes = &bytes[end + 2..];
            l
        };
        let n: usize = String::from_utf8(line()[1..].to_vec()).unwrap().parse().unwrap();
        let args: Vec<String> = (0..n)
            .map(|_| {
                line();
                String::from_utf8(line()).unwrap()
            })
            .collect();
        out.push(args.join(" "));
    }
    out
}

fn run(e: &mut Engine, c: ConnId, cmds: &[&str], now_ms: u64) -> String {
    let input: Vec<u8> = cmds.iter().flat_map(|l| encode(&split(l))).collect();
    String::from_utf8_lossy(&exchange(e, c, &input, now_ms)).into_owned()
}

/// Each case ran on Redis 7.0.15 (`appendonly yes`); its incr file held
/// exactly these lines.
#[test]
fn exec_propagates_as_redis_does() {
    let mut e = engine(FsyncPolicy::No);
    let c = open(&mut e, T0_MS);
    let t = T0_MS;
    let cases: &[(&[&str], &[&str])] = &[
        // One write: no wrapping.
        (&["MULTI", "SET a 1", "EXEC"], &["SELECT 0", "SET a 1"]),
        // Two writes (and a read): wrapped.
        (&["MULTI", "SET a 1", "GET a", "SET b 2", "EXEC"], &["MULTI", "SET a 1", "SET b 2", "EXEC"]),
        // Reads only: nothing.
        (&["MULTI", "GET a", "EXEC"], &[]),
        // MULTI goes in the first write's database, EXEC in the last's.
        (
            &["MULTI", "SELECT 3", "SET x 1", "SELECT 0", "SET y 2", "EXEC"],
            &["SELECT 3", "MULTI", "SET x 1", "SELECT 0", "SET y 2", "EXEC"],
        ),
        // A run-time error propagates nothing of its own.
        (&["SET nonint abc", "MULTI", "INCR a", "INCR nonint", "EXEC"], &["SET nonint abc", "INCR a"]),
        // A doomed transaction propagates nothing.
        (&["MULTI", "SET a 9", "NOSUCH", "EXEC"], &[]),
        // SPOP with a count inside EXEC: its SREMs join the one unit.
        (&["SADD s2 a b c d", "MULTI", "SPOP s2 4", "SET q 1", "EXEC"], &["SADD s2 a b c d", "DEL s2", "SET q 1"]),
    ];
    drain(&mut e);
    for (cmds, want) in cases {
        run(&mut e, c, cmds, t);
        let got = lines(&drain(&mut e).0);
        // The last case's DEL s2 and SET q 1 are one unit: wrapped.
        let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        if cmds.contains(&"SPOP s2 4") {
            assert_eq!(got, ["SADD s2 a b c d", "MULTI", "DEL s2", "SET q 1", "EXEC"], "{cmds:?}");
        } else {
            assert_eq!(got, want, "{cmds:?}");
        }
    }
    // SPOP with a count alone: one SREM per member, in MULTI/EXEC.
    run(&mut e, c, &["SADD s a b c d e", "SPOP s 2"], t);
    let got = lines(&drain(&mut e).0);
    assert_eq!(got.len(), 5, "{got:?}");
    assert_eq!((got[1].as_str(), got[4].as_str()), ("MULTI", "EXEC"), "{got:?}");
    assert!(got[2].starts_with("SREM s ") && got[3].starts_with("SREM s "), "{got:?}");
    // A lazily expired key's DEL and the write that found it: one unit,
    // inside EXEC or not.
    run(&mut e, c, &["SET e 1 PX 1", "SET e3 1 PX 1"], t);
    drain(&mut e);
    let later = t + 10;
    run(&mut e, c, &["SET e 2"], later);
    assert_eq!(lines(&drain(&mut e).0), ["MULTI", "DEL e", "SET e 2", "EXEC"]);
    run(&mut e, c, &["MULTI", "GET e3", "SET z 1", "EXEC"], later);
    assert_eq!(lines(&drain(&mut e).0), ["MULTI", "DEL e3", "SET z 1", "EXEC"]);
    e.check_invariants();
}

/// Under `appendfsync always` the replies of a whole EXEC are held for the
/// one fsync that covers all its writes.
#[test]
fn a_whole_exec_waits_for_one_fsync() {
    let mut e = engine(FsyncPolicy::Always);
    let c = open(&mut e, T0_MS);
    let input: Vec<u8> = ["MULTI", "SET a 1", "INCR a", "SET b 2"].iter().flat_map(|l| encode(&split(l))).collect();
    feed(&mut e, c, &input, T0_MS);
    // The replies before EXEC wait for nothing: MULTI and queueing wrote nothing.
    let (_, fsyncs) = drain(&mut e);
    assert!(fsyncs.is_empty());
    assert_eq!(take_output(&mut e, c, T0_MS), b"+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n");
    feed(&mut e, c, &encode(&split("EXEC")), T0_MS);
    let (bytes, fsyncs) = drain(&mut e);
    assert_eq!(lines(&bytes), ["SELECT 0", "MULTI", "SET a 1", "INCR a", "SET b 2", "EXEC"]);
    assert_eq!(fsyncs, [bytes.len() as u64], "one fsync covers the transaction");
    assert_eq!(take_output(&mut e, c, T0_MS), b"", "no reply before the fsync");
    e.handle_storage(StorageEvent::Synced { through: fsyncs[0] }, T0_MS);
    assert_eq!(take_output(&mut e, c, T0_MS), b"*3\r\n+OK\r\n:2\r\n+OK\r\n");
    e.check_invariants();
}

#[test]
fn watch_is_invalidated_by_other_clients_expiry_and_served_pops() {
    let mut e = Engine::new(Config::default(), T0_MS);
    let (a, b) = (open(&mut e, T0_MS), open(&mut e, T0_MS));
    let t = T0_MS;
    // Another client's write.
    run(&mut e, a, &["SET k 1", "WATCH k"], t);
    run(&mut e, b, &["SET k 2"], t);
    assert_eq!(run(&mut e, a, &["MULTI", "GET k", "EXEC"], t), "+OK\r\n+QUEUED\r\n*-1\r\n");
    // A write that changed nothing (DEL of a missing key, WRONGTYPE) is no touch.
    run(&mut e, a, &["WATCH k nokey"], t);
    run(&mut e, b, &["DEL nokey", "LPUSH k x", "SREM nokey m"], t);
    assert_eq!(run(&mut e, a, &["MULTI", "GET k", "EXEC"], t), "+OK\r\n+QUEUED\r\n*1\r\n$1\r\n2\r\n");
    // A key that expires after WATCH (found expired at EXEC, not removed yet).
    run(&mut e, a, &["SET k v PX 100", "WATCH k"], t);
    assert_eq!(run(&mut e, a, &["MULTI", "PING", "EXEC"], t + 200), "+OK\r\n+QUEUED\r\n*-1\r\n");
    // ... and removed by the active cycle before EXEC.
    run(&mut e, a, &["SET k v PX 100", "WATCH k"], t + 200);
    for step in 1..=20 {
        e.handle_tick(t + 300 + step * 100);
    }
    assert_eq!(run(&mut e, b, &["EXISTS k"], t + 2400), ":0\r\n");
    assert_eq!(run(&mut e, a, &["MULTI", "PING", "EXEC"], t + 2400), "+OK\r\n+QUEUED\r\n*-1\r\n");
    // A key already expired when watched: its removal is no change.
    let t = t + 3000;
    run(&mut e, a, &["SET k v PX 10"], t);
    run(&mut e, a, &["WATCH k"], t + 50);
    run(&mut e, b, &["GET k"], t + 60);
    assert_eq!(run(&mut e, a, &["MULTI", "PING", "EXEC"], t + 70), "+OK\r\n+QUEUED\r\n*1\r\n+PONG\r\n");
    // A blocking pop served on the watched key.
    let c = open(&mut e, t);
    run(&mut e, a, &["WATCH bl"], t);
    assert_eq!(run(&mut e, b, &["BLPOP bl 0"], t), "");
    run(&mut e, c, &["RPUSH bl x"], t);
    assert_eq!(take_output(&mut e, b, t), b"*2\r\n$2\r\nbl\r\n$1\r\nx\r\n");
    assert_eq!(run(&mut e, a, &["MULTI", "PING", "EXEC"], t), "+OK\r\n+QUEUED\r\n*-1\r\n");
    // FLUSHALL with the key held; SWAPDB bringing it in.
    run(&mut e, a, &["SET k 1", "WATCH k"], t);
    run(&mut e, b, &["FLUSHALL"], t);
    assert_eq!(run(&mut e, a, &["MULTI", "PING", "EXEC"], t), "+OK\r\n+QUEUED\r\n*-1\r\n");
    run(&mut e, b, &["SELECT 1", "SET k 1"], t);
    run(&mut e, a, &["WATCH k"], t);
    run(&mut e, b, &["SWAPDB 0 1"], t);
    assert_eq!(run(&mut e, a, &["MULTI", "PING", "EXEC"], t), "+OK\r\n+QUEUED\r\n*-1\r\n");
    e.check_invariants();
}

/// Inside EXEC a blocking command answers as its timeout would, and a
/// client that goes away in MULTI or watching leaves nothing behind.
#[test]
fn blocking_inside_exec_and_closing_clients() {
    let mut e = Engine::new(Config::default(), T0_MS);
    let (a, b) = (open(&mut e, T0_MS), open(&mut e, T0_MS));
    let got = run(&mut e, a, &["MULTI", "BLPOP nol 0", "BLMOVE nol d LEFT RIGHT 0", "BZPOPMIN noz 0", "EXEC"], T0_MS);
    assert_eq!(got, "+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n*-1\r\n$-1\r\n*-1\r\n");
    assert_eq!(e.executor().blocked_clients(), 0);
    run(&mut e, b, &["WATCH x y", "MULTI", "SET x 1"], T0_MS);
    e.check_invariants();
    e.handle_peer_closed(b, T0_MS);
    e.check_invariants();
    assert!(e.executor().dbs()[0].watch.pairs().next().is_none(), "the closed client's watches are gone");
    assert_eq!(run(&mut e, a, &["GET x"], T0_MS), "$-1\r\n");
}

/// BGREWRITEAOF queued in a transaction starts when the transaction's
/// unit is over: the whole MULTI ... EXEC goes to the incr file the
/// rewrite supersedes, never split across two files.
#[test]
fn a_rewrite_inside_exec_waits_for_the_unit() {
    let mut e = engine(FsyncPolicy::No);
    let c = open(&mut e, T0_MS);
    drain(&mut e);
    let got = run(&mut e, c, &["MULTI", "SET a 1", "BGREWRITEAOF", "SET b 2", "EXEC"], T0_MS);
    assert!(got.ends_with("*3\r\n+OK\r\n+Background append only file rewriting started\r\n+OK\r\n"), "{got}");
    let Some(StorageOp::Append { file, bytes, .. }) = e.poll_storage() else { panic!("the unit is appended first") };
    assert_eq!(file, "appendonly.aof.1.incr.aof");
    assert_eq!(lines(&bytes), ["SELECT 0", "MULTI", "SET a 1", "SET b 2", "EXEC"]);
}
