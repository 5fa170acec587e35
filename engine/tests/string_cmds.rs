//! String and bit commands through the engine: size limits, statistics and
//! hostile inputs. Their replies are compared with a real Redis by the
//! differential harness (`tests/diff/strings.txt`, `tests/diff/bits.txt`).

mod common;

use common::{encode, exchange, split};
use ferrodis_engine::{Config, Engine};

fn escape(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&c| if (0x20..0x7f).contains(&c) && c != b'\\' { (c as char).to_string() } else { format!("\\x{c:02x}") })
        .collect()
}

/// Runs commands written like redis-cli lines and returns each reply,
/// escaped as in the golden files.
fn run_lines(engine: &mut Engine, lines: &[&str]) -> Vec<String> {
    let now_ms = 1_700_000_000_000u64;
    let conn = common::open(engine, now_ms);
    let replies = lines.iter().map(|line| escape(&exchange(engine, conn, &encode(&split(line)), now_ms))).collect();
    engine.check_invariants();
    replies
}

/// Every growth is checked against `proto-max-bulk-len` (here Redis's
/// smallest allowed value, 1 MB); expected replies are Redis 7.0.15's.
#[test]
fn size_limits_follow_proto_max_bulk_len() {
    let config = Config { proto_max_bulk_len: 1024 * 1024, ..Config::default() };
    let mut engine = Engine::new(config, 1_700_000_000_000);
    let too_big = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\\x0d\\x0a";
    let bad_offset = "-ERR bit offset is not an integer or out of range\\x0d\\x0a";
    let lcs_too_big = "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\\x0d\\x0a";
    let cases: &[(&str, &str)] = &[
        ("setrange k 1048575 a", ":1048576\\x0d\\x0a"),
        ("append k x", too_big),
        ("setrange k 1048576 a", too_big),
        ("setrange k 1048575 ab", too_big),
        ("setbit k2 8388607 1", ":0\\x0d\\x0a"),
        ("setbit k2 8388608 1", bad_offset),
        ("getbit k2 8388608", bad_offset),
        ("setrange a1 599 x", ":600\\x0d\\x0a"),
        ("setrange a2 599 y", ":600\\x0d\\x0a"),
        ("lcs a1 a2", lcs_too_big),
        ("lcs a1 a2 len", lcs_too_big),
        ("setrange a3 510 x", ":511\\x0d\\x0a"),
        ("setrange a4 510 y", ":511\\x0d\\x0a"),
        ("lcs a3 a4 len", ":510\\x0d\\x0a"),
    ];
    let lines: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let got = run_lines(&mut engine, &lines);
    for ((line, want), got) in cases.iter().zip(&got) {
        assert_eq!(got, want, "{line}");
    }
}

/// keyspace_hits/misses follow Redis's lookupKeyRead and `dirty` its
/// server.dirty; the expected counts are what Redis 7.0.15 reports
/// (INFO stats, rdb_changes_since_last_save) for the same commands.
#[test]
fn stats_count_like_redis() {
    let mut engine = Engine::new(Config::default(), 1_700_000_000_000);
    let lines = [
        "get k",
        "set k v",
        "get k",
        "mget k nokey",
        "strlen k",
        "bitcount k",
        "lcs k nokey",
        "set k v2 get",
        "getex k",
        "getdel k",
        "incr n",
        "incrbyfloat f 1",
        "append a x",
        "setrange a 0 y",
        "setbit a 0 1",
        "setbit a 0 1",
        "setbit a 100 0",
        "getbit a 0",
        "bitpos a 1",
        "getrange a 0 1",
        "getset a z",
        "mset a 1 b 2 c 3",
        "msetnx a 1",
        "msetnx d 1 e 2",
        "setnx d 1",
        "getex d persist",
        "set d 1 ex 100",
        "getex d persist",
        "getex d ex 100",
        // The value is the two bytes `""` (an empty one would not be a write).
        "setrange a 0 '\"\"'",
    ];
    run_lines(&mut engine, &lines);
    let stats = &engine.executor().srv.stats;
    assert_eq!((stats.keyspace_hits, stats.keyspace_misses, stats.dirty), (15, 3, 19));
}

/// Hostile argument mixes never panic and keep the invariants: a fixed
/// pseudo-random walk over the family's commands with edge-case arguments
/// (limit kept at 1 MB so the walk stays small).
#[test]
fn random_commands_never_panic() {
    let config = Config { proto_max_bulk_len: 1024 * 1024, ..Config::default() };
    let mut engine = Engine::new(config, 1_700_000_000_000);
    let names = [
        "get",
        "set",
        "setnx",
        "setex",
        "psetex",
        "getset",
        "getdel",
        "getex",
        "mget",
        "mset",
        "msetnx",
        "append",
        "strlen",
        "incr",
        "decr",
        "incrby",
        "decrby",
        "incrbyfloat",
        "getrange",
        "setrange",
        "substr",
        "lcs",
        "setbit",
        "getbit",
        "bitcount",
        "bitpos",
    ];
    let words: &[&[u8]] = &[
        b"k",
        b"k2",
        b"0",
        b"1",
        b"-1",
        b"7",
        b"100",
        b"8388607",
        b"8388608",
        b"1048575",
        b"9223372036854775807",
        b"-9223372036854775808",
        b"1.5",
        b"1e308",
        b"inf",
        b"0x1p3",
        b"",
        b"\xe2\x82\xac1",
        b"\x00",
        b"ex",
        b"px",
        b"exat",
        b"pxat",
        b"nx",
        b"xx",
        b"get",
        b"keepttl",
        b"persist",
        b"bit",
        b"byte",
        b"idx",
        b"len",
        b"minmatchlen",
        b"withmatchlen",
        b"abcdefghijklmnopqrstuvwxyz0123456789",
    ];
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let conn = common::open(&mut engine, 1_700_000_000_000);
    for step in 0..3000u64 {
        let mut args = vec![names[next(names.len())].as_bytes().to_vec()];
        for _ in 0..next(7) {
            args.push(words[next(words.len())].to_vec());
        }
        let now_ms = 1_700_000_000_000 + step * 10;
        let out = exchange(&mut engine, conn, &encode(&args), now_ms);
        assert!(!out.is_empty(), "no reply to {args:?}");
    }
    engine.check_invariants();
}

/// Every reply of the SET/GET family and the `dirty` count each command
/// adds, as Redis 7.0.15 gives them (replies and
/// `rdb_changes_since_last_save` after each line; TTLs read at the same
/// instant, which our fixed clock makes exact).
#[test]
fn replies_and_dirty_follow_redis_line_by_line() {
    let now_ms = 1_700_000_000_000u64;
    let mut engine = Engine::new(Config::default(), now_ms);
    let conn = common::open(&mut engine, now_ms);
    let cases: &[(&str, &[u8], u64)] = &[
        ("set k v nx", b"+OK\r\n", 1),
        ("set k v2 nx", b"$-1\r\n", 0),
        ("set k v3 xx", b"+OK\r\n", 1),
        ("set nokey v xx", b"$-1\r\n", 0),
        ("set k v4 get", b"$2\r\nv3\r\n", 1),
        ("set k v5 nx get", b"$2\r\nv4\r\n", 0),
        ("get k", b"$2\r\nv4\r\n", 0),
        ("set nokey v xx get", b"$-1\r\n", 0),
        ("set k v6 xx get", b"$2\r\nv4\r\n", 1),
        ("set k v7 xx", b"+OK\r\n", 1),
        ("setnx k x", b":0\r\n", 0),
        ("setnx n1 x", b":1\r\n", 1),
        ("set e v ex 100", b"+OK\r\n", 1),
        ("ttl e", b":100\r\n", 0),
        ("set e v2 keepttl", b"+OK\r\n", 1),
        ("ttl e", b":100\r\n", 0),
        ("set e v3", b"+OK\r\n", 1),
        ("ttl e", b":-1\r\n", 0),
        ("setex e 10 v", b"+OK\r\n", 1),
        ("ttl e", b":10\r\n", 0),
        ("psetex e 5000 v", b"+OK\r\n", 1),
        ("pttl e", b":5000\r\n", 0),
        ("getex e", b"$1\r\nv\r\n", 0),
        ("ttl e", b":5\r\n", 0),
        ("getex e persist", b"$1\r\nv\r\n", 1),
        ("ttl e", b":-1\r\n", 0),
        ("getex e persist", b"$1\r\nv\r\n", 0),
        ("getex e ex 20", b"$1\r\nv\r\n", 1),
        ("ttl e", b":20\r\n", 0),
        ("getex e px 30000", b"$1\r\nv\r\n", 1),
        ("pttl e", b":30000\r\n", 0),
        ("getex e exat 1700000050", b"$1\r\nv\r\n", 1),
        ("ttl e", b":50\r\n", 0),
        ("getex e pxat 1700000000001", b"$1\r\nv\r\n", 1),
        ("pttl e", b":1\r\n", 0),
        // A PXAT/EXAT not after now deletes the key.
        ("getex e pxat 1700000000000", b"$1\r\nv\r\n", 1),
        ("exists e", b":0\r\n", 0),
        ("set e v", b"+OK\r\n", 1),
        ("getex e pxat 1", b"$1\r\nv\r\n", 1),
        ("exists e", b":0\r\n", 0),
        ("getex nokey", b"$-1\r\n", 0),
        ("getex nokey ex 0", b"$-1\r\n", 0),
        ("set w v", b"+OK\r\n", 1),
        ("getex w ex 0", b"-ERR invalid expire time in 'getex' command\r\n", 0),
        ("getex w ex abc", b"-ERR value is not an integer or out of range\r\n", 0),
        ("getex w foo", b"-ERR syntax error\r\n", 0),
        ("getex w keepttl", b"-ERR syntax error\r\n", 0),
        ("getset k new", b"$2\r\nv7\r\n", 1),
        ("get k", b"$3\r\nnew\r\n", 0),
        ("getset nokey3 x", b"$-1\r\n", 1),
        ("getdel k", b"$3\r\nnew\r\n", 1),
        ("get k", b"$-1\r\n", 0),
        ("getdel k", b"$-1\r\n", 0),
        ("mset a 1 b 2", b"+OK\r\n", 2),
        ("mset a 1 b", b"-ERR wrong number of arguments for 'mset' command\r\n", 0),
        ("msetnx a 1 c 3", b":0\r\n", 0),
        ("exists c", b":0\r\n", 0),
        ("msetnx c 3 d 4", b":1\r\n", 2),
        ("msetnx c 3 d", b"-ERR wrong number of arguments for 'msetnx' command\r\n", 0),
        ("mget a b c d nokey", b"*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$-1\r\n", 0),
        ("set x 1 px 100 pxat 5", b"-ERR syntax error\r\n", 0),
        ("set x 1 exat 99999999999 get", b"$-1\r\n", 1),
        ("set x 1 pxat 99999999999999 xx", b"+OK\r\n", 1),
    ];
    for &(line, want, dirty) in cases {
        let before = engine.executor().srv.stats.dirty;
        let got = exchange(&mut engine, conn, &encode(&split(line)), now_ms);
        assert_eq!(escape(&got), escape(want), "{line}");
        assert_eq!(engine.executor().srv.stats.dirty - before, dirty, "dirty after {line}");
    }
    engine.check_invariants();
}
