//! Propagation is deterministic: what an engine appends to its AOF,
//! replayed later (another clock, another RNG seed) into a fresh engine,
//! rebuilds exactly the dataset the first engine holds.
//!
//! The test is the driver: it performs every append at once and keeps the
//! bytes, parses them back into commands with its own RESP reader, and
//! loads them with `handle_load_command` as AOF loading does. The datasets
//! are compared value by value (type, content, absolute TTL) at one
//! instant, so a key whose TTL has passed counts as gone on both sides.
//! Where Redis 7.0.15 was watched writing an AOF for the same commands
//! (`appendonly yes`, its incr file read back), the forms are checked
//! against what it wrote.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use common::{encode, exchange, open, split, take_output};
use ferrodis_engine::aof::{Aof, FsyncPolicy, Manifest, StorageEvent, StorageOp};
use ferrodis_engine::db::Value;
use ferrodis_engine::{Config, ConnId, Engine};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const T0_MS: u64 = 1_700_000_000_000;
/// How much later than the recording the replay runs.
const REPLAY_DELAY_MS: u64 = 5_000;

/// An engine with the AOF on, the clock the test moves, and every byte it
/// appended.
struct Rig {
    e: Engine,
    now_ms: u64,
    aof: Vec<u8>,
}

impl Rig {
    fn new(seed: u64) -> Rig {
        let config = Config { appendonly: true, appendfsync: FsyncPolicy::No, seed, ..Config::default() };
        let mut e = Engine::new(config, T0_MS);
        let mut m = Manifest::empty("appendonly.aof");
        m.base = Some(m.next_base());
        m.incrs = vec![m.next_incr()];
        e.attach_aof(Aof::attach(m, 0, 0));
        Rig { e, now_ms: T0_MS, aof: Vec::new() }
    }

    /// Performs every storage op at once, keeping the appended bytes.
    fn drain(&mut self) {
        while let Some(op) = self.e.poll_storage() {
            match op {
                StorageOp::Append { bytes, end, .. } => {
                    self.aof.extend_from_slice(&bytes);
                    self.e.handle_storage(StorageEvent::Appended { end }, self.now_ms);
                }
                StorageOp::Fsync { through, .. } => {
                    self.e.handle_storage(StorageEvent::Synced { through }, self.now_ms)
                }
                other => panic!("unexpected op {other:?}"),
            }
        }
    }

    fn open(&mut self) -> ConnId {
        open(&mut self.e, self.now_ms)
    }

    /// Sends one command; returns its reply (empty while it blocks).
    fn args(&mut self, conn: ConnId, args: &[Vec<u8>]) -> String {
        let out = exchange(&mut self.e, conn, &encode(args), self.now_ms);
        self.drain();
        self.e.check_invariants();
        String::from_utf8_lossy(&out).into_owned()
    }

    fn cmd(&mut self, conn: ConnId, line: &str) -> String {
        self.args(conn, &split(line))
    }

    fn take(&mut self, conn: ConnId) -> String {
        String::from_utf8_lossy(&take_output(&mut self.e, conn, self.now_ms)).into_owned()
    }

    fn tick(&mut self) {
        self.e.handle_tick(self.now_ms);
        self.drain();
    }

    /// The AOF text appended since `mark` (a byte offset), one command a
    /// line, arguments separated by spaces; SELECTs left out (the random
    /// test covers them).
    fn text_since(&self, mark: usize) -> Vec<String> {
        let cmds = parse_aof(&self.aof[mark..]);
        cmds.iter().filter(|c| !c[0].eq_ignore_ascii_case(b"select")).map(|c| line_of(c)).collect()
    }
}

fn line_of(args: &[Bytes]) -> String {
    args.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect::<Vec<_>>().join(" ")
}

/// A RESP reader for what the AOF holds: arrays of bulk strings, nothing
/// else, nothing torn.
fn parse_aof(mut bytes: &[u8]) -> Vec<Vec<Bytes>> {
    fn line<'a>(bytes: &mut &'a [u8]) -> &'a [u8] {
        let end = bytes.windows(2).position(|w| w == b"\r\n").expect("a line ends in CRLF");
        let (l, rest) = bytes.split_at(end);
        *bytes = &rest[2..];
        l
    }
    fn number(l: &[u8], sigil: u8) -> usize {
        assert_eq!(l.first(), Some(&sigil), "expected {:?} in {:?}", sigil as char, String::from_utf8_lossy(l));
        std::str::from_utf8(&l[1..]).expect("ascii").parse().expect("a length")
    }
    let mut cmds = Vec::new();
    while !bytes.is_empty() {
        let n = number(line(&mut bytes), b'*');
        assert!(n > 0, "an empty command in the AOF");
        let mut args = Vec::with_capacity(n);
        for _ in 0..n {
            let len = number(line(&mut bytes), b'$');
            assert!(bytes.len() >= len + 2 && &bytes[len..len + 2] == b"\r\n", "a torn bulk string");
            args.push(Bytes::copy_from_slice(&bytes[..len]));
            bytes = &bytes[len + 2..];
        }
        cmds.push(args);
    }
    cmds
}

/// Loads `aof` into a fresh engine (its own seed) at `now_ms`, as AOF
/// loading does. Every command must succeed: a propagated command that
/// fails on replay means the AOF does not say what happened.
fn replay(aof: &[u8], seed: u64, now_ms: u64, label: &str) -> Engine {
    let mut e = Engine::new(Config { seed, ..Config::default() }, now_ms);
    for cmd in parse_aof(aof) {
        if let Err(err) = e.handle_load_command(&cmd, now_ms) {
            panic!("{label}: replaying {:?} failed: {err}", line_of(&cmd));
        }
    }
    e.finish_loading();
    e.check_invariants();
    e
}

/// Every live key at `at_ms`, one line each: db, key, absolute TTL, type
/// and full content (sets and hashes sorted, sorted sets in order with
/// exact scores).
fn snapshot(e: &Engine, at_ms: u64) -> Vec<String> {
    let mut out = Vec::new();
    for (i, db) in e.executor().dbs().iter().enumerate() {
        db.for_each(|key, value| {
            if db.is_expired(key, at_ms) {
                return;
            }
            let show = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            let content = match value {
                Value::Str(s) => format!("string {:?}", s.with_bytes(show)),
                Value::List(l) => format!("list {:?}", l.iter().map(show).collect::<Vec<_>>()),
                Value::Hash(h) => {
                    let mut m = BTreeMap::new();
                    h.for_each(|f, v| {
                        m.insert(show(f), show(v));
                    });
                    format!("hash {m:?}")
                }
                Value::Set(s) => format!("set {:?}", s.members().iter().map(|m| show(m)).collect::<BTreeSet<_>>()),
                Value::ZSet(z) => {
                    let pairs: Vec<_> = (0..z.len()).map(|r| z.at(r)).map(|(m, s)| (show(m), s.to_bits())).collect();
                    format!("zset {pairs:?}")
                }
            };
            out.push(format!("db{i} {:?} ttl={:?} {content}", show(key), db.expire_at(key)));
        });
    }
    out.sort();
    out
}

/// Replays the rig's AOF twice, at two later clocks with two other seeds,
/// and checks both datasets against the rig's.
fn assert_replays(rig: &Rig, label: &str) {
    for (delay_ms, seed) in [(REPLAY_DELAY_MS, 0xdead), (REPLAY_DELAY_MS * 40, 0xbeef)] {
        let at_ms = rig.now_ms + delay_ms;
        let replayed = replay(&rig.aof, seed, at_ms, label);
        let (want, got) = (snapshot(&rig.e, at_ms), snapshot(&replayed, at_ms));
        assert_eq!(got, want, "{label}: replay at +{delay_ms} ms differs");
    }
}

#[test]
fn expire_family_goes_out_as_pexpireat_or_del() {
    let mut r = Rig::new(1);
    let c = r.open();
    let now = r.now_ms;
    r.cmd(c, "SET a 1");
    let mark = r.aof.len();
    assert_eq!(r.cmd(c, "EXPIRE a 100"), ":1\r\n");
    assert_eq!(r.cmd(c, "EXPIRE a 100 NX"), ":0\r\n", "NX refused: nothing propagated");
    assert_eq!(r.cmd(c, "EXPIRE a 200 GT"), ":1\r\n");
    assert_eq!(r.cmd(c, "PEXPIRE a 300000 XX"), ":1\r\n");
    assert_eq!(r.cmd(c, "EXPIRE missing 10"), ":0\r\n");
    assert_eq!(r.cmd(c, &format!("EXPIREAT a {}", now / 1000 + 1000)), ":1\r\n");
    assert_eq!(r.cmd(c, &format!("PEXPIREAT a {}", now + 2000)), ":1\r\n");
    assert_eq!(r.cmd(c, "PERSIST a"), ":1\r\n");
    assert_eq!(r.cmd(c, "PERSIST a"), ":0\r\n", "nothing to remove: nothing propagated");
    r.cmd(c, "SET b 1");
    assert_eq!(r.cmd(c, "EXPIRE b -1"), ":1\r\n");
    r.cmd(c, "SET d 1");
    assert_eq!(r.cmd(c, "EXPIREAT d 1"), ":1\r\n");
    r.cmd(c, "SET e 1");
    assert_eq!(r.cmd(c, "PEXPIRE e 700"), ":1\r\n");
    // Redis 7.0.15 wrote the same, save the command's case for PEXPIREAT
    // as called (it keeps the caller's spelling there).
    let want = [
        format!("PEXPIREAT a {}", now + 100_000),
        format!("PEXPIREAT a {} GT", now + 200_000),
        format!("PEXPIREAT a {} XX", now + 300_000),
        format!("PEXPIREAT a {}", (now / 1000 + 1000) * 1000),
        format!("PEXPIREAT a {}", now + 2000),
        "PERSIST a".to_string(),
        "SET b 1".to_string(),
        "DEL b".to_string(),
        "SET d 1".to_string(),
        "DEL d".to_string(),
        "SET e 1".to_string(),
        format!("PEXPIREAT e {}", now + 700),
    ];
    assert_eq!(r.text_since(mark), want);
    assert_replays(&r, "replay");
}

#[test]
fn set_family_goes_out_with_an_absolute_deadline() {
    let mut r = Rig::new(2);
    let c = r.open();
    let now = r.now_ms;
    let mark = r.aof.len();
    assert_eq!(r.cmd(c, "SET c v EX 100 NX GET"), "$-1\r\n");
    assert_eq!(r.cmd(c, "SET d v PX 1000 XX"), "$-1\r\n", "XX refused: nothing propagated");
    assert_eq!(r.cmd(c, "SET e v PXAT 99999999999999 GET"), "$-1\r\n");
    assert_eq!(r.cmd(c, "SET f v GET NX"), "$-1\r\n");
    assert_eq!(r.cmd(c, "SET f v2 GET"), "$1\r\nv\r\n");
    assert_eq!(r.cmd(c, "SETEX g 100 v"), "+OK\r\n");
    assert_eq!(r.cmd(c, "PSETEX h 1000 v"), "+OK\r\n");
    assert_eq!(r.cmd(c, "SET i v EXAT 1800000000"), "+OK\r\n");
    assert_eq!(r.cmd(c, "SET i v KEEPTTL"), "+OK\r\n");
    assert_eq!(r.cmd(c, "SETNX i w"), ":0\r\n");
    assert_eq!(r.cmd(c, "MSETNX i w j w"), ":0\r\n");
    assert_eq!(r.cmd(c, "GETEX i"), "$1\r\nv\r\n", "a plain GETEX changes nothing");
    assert_eq!(r.cmd(c, "GETEX i EX 100"), "$1\r\nv\r\n");
    assert_eq!(r.cmd(c, "GETEX i PERSIST"), "$1\r\nv\r\n");
    assert_eq!(r.cmd(c, "GETEX i PERSIST"), "$1\r\nv\r\n", "no TTL to remove");
    assert_eq!(r.cmd(c, "GETEX i PX 50"), "$1\r\nv\r\n");
    assert_eq!(r.cmd(c, "GETEX i EXAT 1"), "$1\r\nv\r\n");
    assert_eq!(r.cmd(c, "GETDEL i"), "$-1\r\n");
    // Redis 7.0.15 wrote the same (the test typed "set" in lower case
    // there; a command that goes as called keeps the caller's spelling).
    let want = [
        format!("SET c v PXAT {}", now + 100_000),
        "SET e v PXAT 99999999999999".to_string(),
        "SET f v NX".to_string(),
        "SET f v2".to_string(),
        format!("SET g v PXAT {}", now + 100_000),
        format!("SET h v PXAT {}", now + 1000),
        "SET i v PXAT 1800000000000".to_string(),
        "SET i v KEEPTTL".to_string(),
        format!("PEXPIREAT i {}", now + 100_000),
        "PERSIST i".to_string(),
        format!("PEXPIREAT i {}", now + 50),
        "DEL i".to_string(),
    ];
    assert_eq!(r.text_since(mark), want);
    assert_replays(&r, "replay");
}

#[test]
fn floats_go_out_as_their_results() {
    let mut r = Rig::new(3);
    let c = r.open();
    let mark = r.aof.len();
    assert_eq!(r.cmd(c, "INCRBYFLOAT j 1.5"), "$3\r\n1.5\r\n");
    assert_eq!(r.cmd(c, "SET j2 10 EX 100"), "+OK\r\n");
    assert_eq!(r.cmd(c, "INCRBYFLOAT j2 0.5"), "$4\r\n10.5\r\n");
    // A long double holds 1e400: Redis 7.0.15 replies (and writes) its
    // 401 digits.
    let big = r.cmd(c, "INCRBYFLOAT j3 1e400");
    assert!(big.starts_with("$401\r\n10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880\r\n"), "{big}");
    assert_eq!(r.cmd(c, "INCRBYFLOAT j3 abc"), "-ERR value is not a valid float\r\n");
    assert_eq!(r.cmd(c, "HINCRBYFLOAT k f 2.5"), "$3\r\n2.5\r\n");
    assert_eq!(r.cmd(c, "HINCRBYFLOAT k f 0.1"), "$3\r\n2.6\r\n");
    let want = [
        "SET j 1.5 KEEPTTL".to_string(),
        format!("SET j2 10 PXAT {}", T0_MS + 100_000),
        "SET j2 10.5 KEEPTTL".to_string(),
        format!("SET j3 {} KEEPTTL", big.split("\r\n").nth(1).unwrap()),
        "HSET k f 2.5".to_string(),
        "HSET k f 2.6".to_string(),
    ];
    assert_eq!(r.text_since(mark), want);
    assert_replays(&r, "replay");
}

#[test]
fn spop_goes_out_as_what_it_removed() {
    let mut r = Rig::new(4);
    let c = r.open();
    r.cmd(c, "SADD s a b c d e f g h i j");
    r.cmd(c, "SADD n 1 2 3 4 5 6 7 8 9 10 11 12");
    let mark = r.aof.len();
    let one = r.cmd(c, "SPOP s");
    let popped = one.split("\r\n").nth(1).unwrap().to_string();
    r.cmd(c, "SPOP s 2");
    r.cmd(c, "SPOP n 11"); // the rebuild strategy: few survivors
    r.cmd(c, "SPOP s 0");
    r.cmd(c, "SPOP nosuch");
    r.cmd(c, "SPOP nosuch 3");
    r.cmd(c, "SADD t x");
    r.cmd(c, "SPOP t");
    r.cmd(c, "SADD u x y");
    r.cmd(c, "SPOP u 5");
    // As Redis 7.0.15 writes it: one SREM per member, two or more wrapped
    // in MULTI/EXEC.
    let got = r.text_since(mark);
    assert_eq!(got[0], format!("SREM s {popped}"));
    assert_eq!(got[1], "MULTI");
    assert!(got[2..4].iter().all(|l| l.starts_with("SREM s ") && l.split(' ').count() == 3), "{got:?}");
    assert_eq!(got[4..6], ["EXEC", "MULTI"]);
    assert_eq!(got[6..17].iter().filter(|l| l.starts_with("SREM n ") && l.split(' ').count() == 3).count(), 11);
    assert_eq!(got[17..], ["EXEC", "SADD t x", "SREM t x", "SADD u x y", "DEL u"]);
    assert_replays(&r, "replay");
}

#[test]
fn blocking_pops_go_out_as_plain_pops_now_and_when_served_later() {
    let mut r = Rig::new(5);
    let c = r.open();
    r.cmd(c, "RPUSH l a b c d e");
    r.cmd(c, "ZADD z 1 a 2 b 3 c 4 d 5 e");
    let mark = r.aof.len();
    // Served at once.
    r.cmd(c, "BLPOP l 0");
    r.cmd(c, "BRPOP l 0");
    r.cmd(c, "BRPOPLPUSH l l2 0");
    r.cmd(c, "BLMOVE l l2 left right 0");
    r.cmd(c, "BLMPOP 0 1 l left COUNT 5");
    r.cmd(c, "LMPOP 1 l2 right COUNT 1");
    r.cmd(c, "BZPOPMIN z 0");
    r.cmd(c, "BZPOPMAX z 0");
    r.cmd(c, "BZMPOP 0 1 z min COUNT 10");
    r.cmd(c, "LMPOP 1 nosuch left");
    r.cmd(c, "ZMPOP 1 nosuch min");
    r.cmd(c, "ZPOPMIN nosuch");
    let now = [
        "LPOP l",
        "RPOP l",
        "RPOPLPUSH l l2",
        "LMOVE l l2 left right",
        "LPOP l 1",
        "RPOP l2 1",
        "ZPOPMIN z",
        "ZPOPMAX z",
        "ZPOPMIN z 3",
    ];
    assert_eq!(r.text_since(mark), now);
    // Served later, each by another client's push.
    let waiters: Vec<ConnId> = (0..7).map(|_| r.open()).collect();
    let blocking = [
        "BLPOP q1 0",
        "BRPOPLPUSH q2 d2 0",
        "BLMOVE q3 d3 right left 0",
        "BLMPOP 0 1 q4 right COUNT 3",
        "BZPOPMAX zq 0",
        "BZMPOP 0 1 zq2 max COUNT 5",
        "BRPOP q5 10",
    ];
    for (w, line) in waiters.iter().zip(blocking) {
        assert_eq!(r.cmd(*w, line), "", "{line} blocks");
    }
    let mark = r.aof.len();
    assert_eq!(r.text_since(mark), Vec::<String>::new(), "a blocked client propagates nothing");
    r.now_ms += 1_000;
    for line in [
        "RPUSH q1 a b",
        "LPUSH q2 x",
        "RPUSH q3 y",
        "RPUSH q4 1 2 3 4 5",
        "ZADD zq 1 a 2 b",
        "ZADD zq2 1 a 2 b",
        "RPUSH q5 z",
    ] {
        r.cmd(c, line);
    }
    for w in &waiters {
        assert!(!r.take(*w).is_empty(), "every waiter was served");
    }
    let later = [
        "RPUSH q1 a b",
        "LPOP q1",
        "LPUSH q2 x",
        "RPOPLPUSH q2 d2",
        "RPUSH q3 y",
        "LMOVE q3 d3 right left",
        "RPUSH q4 1 2 3 4 5",
        "RPOP q4 3",
        "ZADD zq 1 a 2 b",
        "ZPOPMAX zq",
        "ZADD zq2 1 a 2 b",
        "ZPOPMAX zq2 2",
        "RPUSH q5 z",
        "RPOP q5",
    ];
    assert_eq!(r.text_since(mark), later);
    assert_replays(&r, "replay");
}

#[test]
fn expired_keys_go_out_as_del_and_ttls_survive_replay() {
    let mut r = Rig::new(6);
    let c = r.open();
    r.cmd(c, "SET a 1 PX 100");
    r.cmd(c, "SET b 1 PX 100000");
    r.cmd(c, "RPUSH l x");
    r.cmd(c, "PEXPIRE l 200");
    r.now_ms += 150;
    assert_eq!(r.cmd(c, "GET a"), "$-1\r\n");
    r.now_ms += 100;
    // Active expiry's DEL goes out with the tick that removed the key.
    r.tick();
    assert!(r.text_since(0).ends_with(&["DEL a".to_string(), "DEL l".to_string()]), "{:?}", r.text_since(0));
    assert_replays(&r, "replay");
}

/// A write that changed nothing goes nowhere, as in Redis (which
/// propagates a command only when it moved `server.dirty`). The whole
/// sequence ran on Redis 7.0.15; its AOF held exactly `want`.
#[test]
fn writes_that_change_nothing_propagate_nothing() {
    let mut r = Rig::new(8);
    let c = r.open();
    let mark = r.aof.len();
    let lines = [
        "SADD s a b",
        "SMOVE s s a",
        "SMOVE s t zz",
        "SMOVE nos t a",
        "HSET h f v",
        "HSETNX h f w",
        "ZADD z 1 a",
        "ZADD z 1 a",
        "ZADD z XX 2 b",
        "ZADD z INCR 0 a",
        "ZREMRANGEBYSCORE z 5 10",
        "ZREMRANGEBYRANK z 5 10",
        "ZREMRANGEBYLEX z [x [y",
        "ZREM z nope",
        "DEL nope1 nope2",
        "UNLINK nope",
        "LPUSH l a",
        "LREM l 0 zz",
        "LINSERT l BEFORE zz q",
        "LINSERT nol BEFORE a b",
        "RPUSHX nol a",
        "HDEL h nope",
        "SREM s nope",
        "SADD s a",
        "LTRIM l 0 -1",
        "SETBIT sb 1 0",
        "SETBIT sb 1 0",
        "RPOPLPUSH nol x",
        "LMOVE nol x LEFT LEFT",
        "RENAMENX s h",
        "COPY s h",
        "MOVE nope 1",
        "GETDEL nope",
        "LTRIM nol 0 1",
        "RENAME s s",
        "RENAMENX s s",
        "HSET h f v",
        "ZREMRANGEBYSCORE z 1 1",
        "LTRIM l 1 0",
        "SPOP nope",
        "LPOP nope",
        "ZPOPMIN nope",
        "PERSIST s",
        "EXPIRE nope 10",
        "SET nope v XX",
    ];
    for line in lines {
        assert!(!r.cmd(c, line).starts_with('-'), "{line} failed");
    }
    let want = [
        "SADD s a b",
        "HSET h f v",
        "ZADD z 1 a",
        "LPUSH l a",
        "SETBIT sb 1 0",
        "HSET h f v",
        "ZREMRANGEBYSCORE z 1 1",
        "LTRIM l 1 0",
    ];
    assert_eq!(r.text_since(mark), want);
    assert_replays(&r, "replay");
}

/// A key active expiry removed in one database must be deleted there in
/// the AOF, even when the next command swaps that database with another
/// (found by the random histories: the DEL went out after SWAPDB, under
/// the other index, and deleted a live key there on replay).
#[test]
fn expiry_dels_keep_their_database_across_swapdb() {
    let mut r = Rig::new(7);
    let c = r.open();
    r.cmd(c, "SELECT 1");
    r.cmd(c, "SET gone v PX 100");
    r.cmd(c, "SELECT 0");
    r.cmd(c, "SET gone live");
    r.now_ms += 500;
    r.tick();
    assert_eq!(r.e.executor().dbs()[1].len(), 0, "active expiry removed db 1's key");
    r.cmd(c, "SWAPDB 0 1");
    assert_eq!(r.cmd(c, "SELECT 1"), "+OK\r\n");
    assert_eq!(r.cmd(c, "GET gone"), "$4\r\nlive\r\n");
    let text: Vec<String> = parse_aof(&r.aof).iter().map(|c| line_of(c)).collect();
    let swap = text.iter().position(|l| l == "SWAPDB 0 1").expect("SWAPDB propagated");
    let del = text.iter().position(|l| l == "DEL gone").expect("the expiry propagated");
    let select = text[..del].iter().rposition(|l| l.starts_with("SELECT")).expect("a SELECT first");
    assert!(del < swap && text[select] == "SELECT 1", "the DEL goes to db 1 before the swap: {text:?}");
    assert_replays(&r, "replay");
}

/// One random write (or read) over a small key space, as a redis-cli line.
fn random_command(rng: &mut ChaCha8Rng, now_ms: u64) -> String {
    let arm = rng.gen_range(0..84);
    let family = family_of(arm);
    let key = |rng: &mut ChaCha8Rng| random_key(rng, family);
    let member = |rng: &mut ChaCha8Rng| format!("m{}", rng.gen_range(0..10));
    let num = |rng: &mut ChaCha8Rng| rng.gen_range(-5i64..20).to_string();
    let float = |rng: &mut ChaCha8Rng| format!("{:.3}", rng.gen_range(-10.0f64..10.0));
    let ttl_ms = |rng: &mut ChaCha8Rng| rng.gen_range(1u64..3000);
    let k = key(rng);
    match arm {
        0 => format!("SET {k} {}", num(rng)),
        1 => format!("SET {k} v{} EX {}", num(rng), rng.gen_range(1..4)),
        2 => format!("SET {k} v PX {} {}", ttl_ms(rng), ["NX", "XX", "GET", "KEEPTTL"][rng.gen_range(0..3)]),
        3 => format!("SET {k} v PXAT {} GET", now_ms + ttl_ms(rng) - 500),
        4 => format!("SETEX {k} {} x", rng.gen_range(1..4)),
        5 => format!("PSETEX {k} {} x", ttl_ms(rng)),
        6 => format!("EXPIRE {k} {} {}", rng.gen_range(-1..4), ["", "NX", "XX", "GT", "LT"][rng.gen_range(0..5)]),
        7 => format!("PEXPIRE {k} {}", ttl_ms(rng)),
        8 => format!("EXPIREAT {k} {}", (now_ms + ttl_ms(rng)) / 1000),
        9 => format!("PEXPIREAT {k} {} {}", now_ms + ttl_ms(rng) - 1000, ["", "GT", "LT"][rng.gen_range(0..3)]),
        10 => format!("PERSIST {k}"),
        11 => format!("GETEX {k} {}", ["", "PERSIST", "EX 2", "PX 700", "EXAT 1"][rng.gen_range(0..5)]),
        12 => format!("INCRBYFLOAT {k} {}", float(rng)),
        13 => format!("INCRBY {k} {}", num(rng)),
        14 => format!("APPEND {k} {}", member(rng)),
        15 => format!("HINCRBYFLOAT {k} {} {}", member(rng), float(rng)),
        16 => format!("HSET {k} {} {}", member(rng), num(rng)),
        17 => format!("HDEL {k} {}", member(rng)),
        18 => format!("SADD {k} {} {} {}", member(rng), member(rng), num(rng)),
        19 => format!("SPOP {k}"),
        20 => format!("SPOP {k} {}", rng.gen_range(0..6)),
        21 => format!("SREM {k} {}", member(rng)),
        22 => format!("SMOVE {k} {} {}", key(rng), member(rng)),
        23 => format!("RPUSH {k} {} {}", member(rng), member(rng)),
        24 => format!("LPUSH {k} {}", member(rng)),
        25 => format!("LPOP {k} {}", rng.gen_range(1..3)),
        26 => format!("LMOVE {k} {} LEFT RIGHT", key(rng)),
        27 => format!("LMPOP 2 {k} {} RIGHT COUNT {}", key(rng), rng.gen_range(1..4)),
        28 => format!("BLPOP {k} {} 0.01", key(rng)),
        29 => format!("BZPOPMIN {k} 0.01"),
        30 => format!("ZADD {k} {} {}", float(rng), member(rng)),
        31 => format!("ZINCRBY {k} {} {}", float(rng), member(rng)),
        32 => format!("ZPOPMAX {k} {}", rng.gen_range(0..3)),
        33 => format!("ZMPOP 1 {k} MIN COUNT {}", rng.gen_range(1..4)),
        34 => format!("DEL {k} {}", key(rng)),
        35 => format!("RENAME {k} {}", key(rng)),
        36 => format!("COPY {k} {} REPLACE", key(rng)),
        37 => format!("GETSET {k} {}", num(rng)),
        38 => format!("GETDEL {k}"),
        39 => format!("SUNIONSTORE {k} {} {}", key(rng), key(rng)),
        40 => format!("ZUNIONSTORE {k} 2 {} {} WEIGHTS 1.5 2", key(rng), key(rng)),
        41 => format!("MOVE {k} {}", rng.gen_range(0..3)),
        42 => format!("SELECT {}", rng.gen_range(0..3)),
        43 => format!("SORT {} ALPHA STORE {k}", key(rng)),
        // Ties (every weight missing, or equal) must not fall back on a
        // set's hash order.
        44 => format!("SORT {} BY w* LIMIT 0 {} STORE {k}", key(rng), rng.gen_range(1..4)),
        45 => format!("SET w{} {}", member(rng), rng.gen_range(0..3)),
        46 => format!("SETRANGE {k} {} {}", rng.gen_range(0..6), member(rng)),
        47 => format!("LSET {k} {} {}", rng.gen_range(-2..3), member(rng)),
        48 => format!("LINSERT {k} BEFORE {} {}", member(rng), member(rng)),
        49 => format!("LREM {k} {} {}", rng.gen_range(-2..3), member(rng)),
        50 => format!("LTRIM {k} {} {}", rng.gen_range(0..2), rng.gen_range(-2..4)),
        51 => format!("HSETNX {k} {} {}", member(rng), num(rng)),
        52 => format!("ZREM {k} {}", member(rng)),
        53 => format!("ZREMRANGEBYSCORE {k} {} +inf", float(rng)),
        54 => format!("ZRANGESTORE {k} {} 0 1", key(rng)),
        55 => format!("SINTERSTORE {k} {} {}", key(rng), key(rng)),
        56 => format!("SDIFFSTORE {k} {} {}", key(rng), key(rng)),
        57 => format!("SETBIT {k} {} 1", rng.gen_range(0..40)),
        58 => format!(
            "BITFIELD {k} INCRBY i5 {} {} OVERFLOW SAT INCRBY u4 0 {}",
            rng.gen_range(0..20),
            num(rng),
            num(rng)
        ),
        59 => format!("BITOP XOR {k} {} {}", key(rng), key(rng)),
        60 => format!("MSET {k} {} {} {}", num(rng), key(rng), member(rng)),
        61 => format!("MSETNX {k} {} {} {}", num(rng), key(rng), member(rng)),
        62 => format!("RENAMENX {k} {}", key(rng)),
        63 => format!("SWAPDB {} {}", rng.gen_range(0..3), rng.gen_range(0..3)),
        64 => {
            let flag = ["NX", "XX", "GT", "LT", "CH"][rng.gen_range(0..5)];
            format!("ZADD {k} {flag} {} {} {} {}", float(rng), member(rng), float(rng), member(rng))
        }
        65 => format!("ZADD {k} INCR {} {}", float(rng), member(rng)),
        66 => format!("ZINTERSTORE {k} 2 {} {} AGGREGATE MAX", key(rng), key(rng)),
        67 => format!("RPOPLPUSH {k} {}", key(rng)),
        68 => format!("SINTERCARD 2 {k} {}", key(rng)),
        69 => format!("HMSET {k} {} {} {} {}", member(rng), num(rng), member(rng), float(rng)),
        70 => format!("{} {k}", ["INCR", "DECR"][rng.gen_range(0..2)]),
        71 => format!("DECRBY {k} {}", num(rng)),
        72 => format!("{} {k} {}", ["LPUSHX", "RPUSHX"][rng.gen_range(0..2)], member(rng)),
        73 => format!("HINCRBY {k} {} {}", member(rng), num(rng)),
        74 => format!("ZREMRANGEBYRANK {k} 0 {}", rng.gen_range(-2..2)),
        75 => format!("ZREMRANGEBYLEX {k} [{} +", member(rng)),
        76 => format!("ZDIFFSTORE {k} 2 {} {}", key(rng), key(rng)),
        77 => format!("ZPOPMIN {k}"),
        78 => format!("RPOP {k}"),
        79 => format!("SETNX {k} {}", num(rng)),
        80 => format!("HSET {k} {} {} {} {}", member(rng), num(rng), member(rng), num(rng)),
        81 => format!("SMOVE {} {k} {}", key(rng), member(rng)),
        82 if rng.gen_range(0..20) == 0 => "FLUSHALL".to_string(),
        _ => {
            if rng.gen_range(0..10) == 0 {
                "FLUSHDB".to_string()
            } else {
                format!("UNLINK {k}")
            }
        }
    }
}

/// Which pool of keys an arm of [`random_command`] draws from: its type's
/// (s strings, h hashes, t sets, l lists, z sorted sets), so most commands
/// find a value to work on; `*` any pool.
fn family_of(arm: u32) -> &'static str {
    match arm {
        0..=5 | 11..=14 | 37 | 38 | 46 | 57..=61 | 70 | 71 | 79 => "s",
        15..=17 | 51 | 69 | 73 | 80 => "h",
        18..=22 | 39 | 44 | 55 | 56 | 68 | 81 => "t",
        23..=28 | 43 | 47..=50 | 67 | 72 | 78 => "l",
        29..=33 | 40 | 52..=54 | 64..=66 | 74..=77 => "z",
        _ => "*",
    }
}

/// A key of `family`'s pool; one draw in ten (and `*` always) from any
/// pool, so types still collide (WRONGTYPE, RENAME over another type).
fn random_key(rng: &mut ChaCha8Rng, family: &str) -> String {
    let family = if family == "*" || rng.gen_range(0..10) == 0 {
        ["s", "h", "t", "l", "z"][rng.gen_range(0..5)]
    } else {
        family
    };
    format!("{family}{}", rng.gen_range(0..3))
}

/// The commands that may block, sent by their own clients so a waiter can
/// be served by the main client's later pushes.
fn random_blocking(rng: &mut ChaCha8Rng) -> String {
    let arm = rng.gen_range(0..7);
    let family = if arm < 5 { "l" } else { "z" };
    let (k, k2) = (random_key(rng, family), random_key(rng, family));
    let timeout = ["0", "0.2", "1"][rng.gen_range(0..3)];
    match arm {
        0 => format!("BLPOP {k} {k2} {timeout}"),
        1 => format!("BRPOP {k} {timeout}"),
        2 => format!("BRPOPLPUSH {k} {k2} {timeout}"),
        3 => format!("BLMOVE {k} {k2} RIGHT LEFT {timeout}"),
        4 => format!("BLMPOP {timeout} 2 {k} {k2} LEFT COUNT {}", rng.gen_range(1..4)),
        5 => format!("BZPOPMAX {k} {k2} {timeout}"),
        _ => format!("BZMPOP {timeout} 1 {k} MAX COUNT {}", rng.gen_range(1..4)),
    }
}

/// Runs `steps` random commands with the clock moving, some clients
/// blocking and being served or timing out, active expiry ticking; then
/// replays the AOF and compares. Returns the names of the commands the
/// AOF holds, with how often.
fn random_run(seed: u64, steps: usize) -> BTreeMap<String, usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut r = Rig::new(seed);
    let main = r.open();
    let waiters: Vec<ConnId> = (0..3).map(|_| r.open()).collect();
    let mut blocked = vec![false; waiters.len()];
    // At a few points, the AOF so far and the dataset it must rebuild,
    // seen from an hour on (every TTL the histories set has passed).
    let far_ms = T0_MS + 3_600_000;
    let mut checkpoints = Vec::new();
    for step in 0..steps {
        if step % 97 == 96 {
            checkpoints.push((r.aof.len(), snapshot(&r.e, far_ms)));
        }
        r.now_ms += rng.gen_range(0..120);
        if rng.gen_range(0..10) == 0 {
            r.tick();
        }
        for (i, &w) in waiters.iter().enumerate() {
            if blocked[i] && !r.take(w).is_empty() {
                blocked[i] = false;
            }
        }
        if rng.gen_range(0..6) == 0 {
            let i = rng.gen_range(0..waiters.len());
            if !blocked[i] && rng.gen_range(0..4) == 0 {
                // Waiters block in every database the main client writes.
                r.cmd(waiters[i], &format!("SELECT {}", rng.gen_range(0..3)));
            } else if !blocked[i] {
                let line = random_blocking(&mut rng);
                blocked[i] = r.cmd(waiters[i], &line).is_empty();
            }
            continue;
        }
        let line = random_command(&mut rng, r.now_ms);
        let before = (snapshot(&r.e, r.now_ms), r.e.executor().srv.stats.dirty);
        r.cmd(main, &line);
        // Redis propagates a command only if it moved `server.dirty`; ours
        // must move it whenever it changed the dataset (else a rule like
        // Redis's would lose the write).
        if snapshot(&r.e, r.now_ms) != before.0 {
            assert!(r.e.executor().srv.stats.dirty > before.1, "seed {seed}: {line} changed the dataset, not dirty");
        }
    }
    r.now_ms += 2_000;
    r.tick();
    assert_replays(&r, &format!("history seed {seed}"));
    // Every prefix at a command boundary rebuilds the dataset of its time:
    // each command's effect is in the AOF, in order, before the next runs.
    for (len, want) in checkpoints {
        let replayed = replay(&r.aof[..len], seed ^ 1, far_ms, &format!("history seed {seed}"));
        assert_eq!(snapshot(&replayed, far_ms), want, "history seed {seed}: the prefix of {len} bytes");
    }
    let mut names = BTreeMap::new();
    for cmd in parse_aof(&r.aof) {
        *names.entry(line_of(&cmd[..1]).to_ascii_uppercase()).or_default() += 1;
    }
    names
}

/// How many random histories to run: `AOF_REPLAY_SEEDS` when set (a longer
/// search), else 40.
fn random_seeds() -> u64 {
    std::env::var("AOF_REPLAY_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(40)
}

#[test]
fn random_histories_replay_to_the_same_dataset() {
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for seed in 0..random_seeds() {
        for (name, n) in random_run(seed, 400) {
            *names.entry(name).or_default() += n;
        }
    }
    // The histories reach every rewritten form, and never a form that
    // depends on when or where it runs.
    for form in
        ["PEXPIREAT", "DEL", "SREM", "LPOP", "RPOP", "RPOPLPUSH", "LMOVE", "ZPOPMIN", "ZPOPMAX", "HSET", "PERSIST"]
    {
        assert!(names.get(form).is_some_and(|&n| n >= 5), "{form} seldom or never propagated: {names:?}");
    }
    for form in ["EXPIRE", "PEXPIRE", "EXPIREAT", "SETEX", "PSETEX", "GETEX", "INCRBYFLOAT", "HINCRBYFLOAT", "SPOP"] {
        assert!(!names.contains_key(form), "{form} propagated as called: {names:?}");
    }
    for form in ["BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "LMPOP", "ZMPOP"]
    {
        assert!(!names.contains_key(form), "{form} propagated as called: {names:?}");
    }
}
