//! Random differential sequences: proptest generates command sequences over
//! every data type (a few keys and members, so commands collide: WRONGTYPE,
//! empty-key deletion, encoding conversions and cross-type STOREs are all
//! reached), runs each sequence on a real `redis-server` (the oracle) and on
//! `ferrodis-server`, and requires every reply to be byte-identical. On a
//! failure proptest shrinks the sequence to a minimal one.
//!
//! Replies whose order Redis itself does not fix (members of a hashtable
//! set or hash, which Redis orders by a randomly seeded hash) are compared
//! as sorted multisets; commands whose replies are random by design (SPOP,
//! SRANDMEMBER, RANDOMKEY, ...) or depend on the clock (TTL) are not
//! generated. Everything else is compared as is.
//!
//! Each sequence picks its protocol: it starts with `HELLO 2` or `HELLO 3`
//! on both connections, so RESP3's maps, sets, doubles and nulls are
//! compared as often as RESP2's replies.

use proptest::prelude::*;
use proptest::test_runner::{Config as PropConfig, TestCaseError, TestRunner};

use ferrodis_tests::resp::RespConn;
use ferrodis_tests::{Kind, Server};

/// Each family mostly uses its own keys (so values grow and convert
/// encodings) and sometimes the shared ones (so types collide).
const SHARED_KEYS: &[&str] = &["k0", "k1"];
const MEMBERS: &[&str] = &["a", "b", "c", "1", "2", "10", "-3", "x y", ""];

/// One generated command and how to compare its reply.
#[derive(Clone, Debug)]
struct Cmd {
    args: Vec<String>,
    /// Compare the (flat) array reply as a sorted multiset of its
    /// elements, or of its `pair`-sized groups.
    unordered: Option<usize>,
}

fn key_of(family: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0u8..2).prop_map(move |i| format!("{family}{i}")),
        1 => prop::sample::select(SHARED_KEYS).prop_map(str::to_string),
    ]
}

fn any_key() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["k0", "k1", "s0", "l0", "h0", "t0", "z0"]).prop_map(str::to_string)
}

fn member() -> impl Strategy<Value = String> {
    prop::sample::select(MEMBERS).prop_map(str::to_string)
}

fn int() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (-3i64..6).prop_map(|n| n.to_string()),
        1 => Just("x".to_string()),
        1 => Just("1.5".to_string()),
    ]
}

fn score() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (-5i64..6).prop_map(|n| n.to_string()),
        1 => Just("1.5".to_string()),
        1 => Just("-inf".to_string()),
        1 => Just("+inf".to_string()),
        1 => Just("(1".to_string()),
        1 => Just("nan".to_string()),
    ]
}

fn members(max: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(member(), 1..=max)
}

fn ordered(args: Vec<String>) -> Cmd {
    Cmd { args, unordered: None }
}

fn unordered(args: Vec<String>, group: usize) -> Cmd {
    Cmd { args, unordered: Some(group) }
}

fn cat(head: &[&str], rest: Vec<String>) -> Vec<String> {
    head.iter().map(|s| s.to_string()).chain(rest).collect()
}

fn string_cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        (key_of("s"), member(), prop::sample::select(vec!["", "NX", "XX", "GET"]))
            .prop_map(|(k, v, f)| ordered(cat(&["SET", &k, &v], if f.is_empty() { vec![] } else { vec![f.into()] }))),
        key_of("s").prop_map(|k| ordered(cat(&["GET", &k], vec![]))),
        (key_of("s"), member()).prop_map(|(k, v)| ordered(cat(&["APPEND", &k, &v], vec![]))),
        key_of("s").prop_map(|k| ordered(cat(&["INCR", &k], vec![]))),
        (key_of("s"), int()).prop_map(|(k, n)| ordered(cat(&["INCRBY", &k, &n], vec![]))),
        (key_of("s"), score()).prop_map(|(k, n)| ordered(cat(&["INCRBYFLOAT", &k, &n], vec![]))),
        key_of("s").prop_map(|k| ordered(cat(&["STRLEN", &k], vec![]))),
        (key_of("s"), int(), int()).prop_map(|(k, a, b)| ordered(cat(&["GETRANGE", &k, &a, &b], vec![]))),
        (key_of("s"), 0u8..4, member())
            .prop_map(|(k, o, v)| ordered(cat(&["SETRANGE", &k, &o.to_string(), &v], vec![]))),
        key_of("s").prop_map(|k| ordered(cat(&["GETDEL", &k], vec![]))),
        (key_of("s"), key_of("s")).prop_map(|(a, b)| ordered(cat(&["MGET", &a, &b], vec![]))),
    ]
}

fn key_cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        any_key().prop_map(|k| ordered(cat(&["DEL", &k], vec![]))),
        (any_key(), any_key()).prop_map(|(a, b)| ordered(cat(&["EXISTS", &a, &b], vec![]))),
        any_key().prop_map(|k| ordered(cat(&["TYPE", &k], vec![]))),
        any_key().prop_map(|k| ordered(cat(&["OBJECT", "ENCODING", &k], vec![]))),
        (any_key(), any_key()).prop_map(|(a, b)| ordered(cat(&["RENAME", &a, &b], vec![]))),
        (any_key(), any_key()).prop_map(|(a, b)| ordered(cat(&["RENAMENX", &a, &b], vec![]))),
        (any_key(), any_key()).prop_map(|(a, b)| ordered(cat(&["COPY", &a, &b, "REPLACE"], vec![]))),
        any_key().prop_map(|k| ordered(cat(&["EXPIRE", &k, "1000"], vec![]))),
        any_key().prop_map(|k| ordered(cat(&["PERSIST", &k], vec![]))),
        Just(ordered(cat(&["DBSIZE"], vec![]))),
        any_key().prop_map(|k| ordered(cat(&["SORT", &k, "ALPHA"], vec![]))),
        any_key().prop_map(|k| ordered(cat(&["SORT", &k], vec![]))),
    ]
}

fn list_cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        (key_of("l"), members(3)).prop_map(|(k, m)| ordered(cat(&["LPUSH", &k], m))),
        (key_of("l"), members(3)).prop_map(|(k, m)| ordered(cat(&["RPUSH", &k], m))),
        (key_of("l"), prop::option::of(0u8..3))
            .prop_map(|(k, n)| ordered(cat(&["LPOP", &k], n.map(|n| n.to_string()).into_iter().collect()))),
        (key_of("l"), prop::option::of(0u8..3))
            .prop_map(|(k, n)| ordered(cat(&["RPOP", &k], n.map(|n| n.to_string()).into_iter().collect()))),
        (key_of("l"), int(), int()).prop_map(|(k, a, b)| ordered(cat(&["LRANGE", &k, &a, &b], vec![]))),
        key_of("l").prop_map(|k| ordered(cat(&["LLEN", &k], vec![]))),
        (key_of("l"), int()).prop_map(|(k, i)| ordered(cat(&["LINDEX", &k, &i], vec![]))),
        (key_of("l"), int(), member()).prop_map(|(k, i, v)| ordered(cat(&["LSET", &k, &i, &v], vec![]))),
        (key_of("l"), prop::sample::select(vec!["BEFORE", "AFTER"]), member(), member())
            .prop_map(|(k, w, p, v)| ordered(cat(&["LINSERT", &k, w, &p, &v], vec![]))),
        (key_of("l"), int(), member()).prop_map(|(k, n, v)| ordered(cat(&["LREM", &k, &n, &v], vec![]))),
        (key_of("l"), int(), int()).prop_map(|(k, a, b)| ordered(cat(&["LTRIM", &k, &a, &b], vec![]))),
        (key_of("l"), member()).prop_map(|(k, v)| ordered(cat(&["LPOS", &k, &v, "COUNT", "0"], vec![]))),
        (
            key_of("l"),
            key_of("l"),
            prop::sample::select(vec!["LEFT", "RIGHT"]),
            prop::sample::select(vec!["LEFT", "RIGHT"])
        )
            .prop_map(|(a, b, x, y)| ordered(cat(&["LMOVE", &a, &b, x, y], vec![]))),
        (key_of("l"), key_of("l"))
            .prop_map(|(a, b)| ordered(cat(&["LMPOP", "2", &a, &b, "RIGHT", "COUNT", "2"], vec![]))),
    ]
}

fn hash_cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        (key_of("h"), member(), member()).prop_map(|(k, f, v)| ordered(cat(&["HSET", &k, &f, &v], vec![]))),
        (key_of("h"), member()).prop_map(|(k, f)| ordered(cat(&["HGET", &k, &f], vec![]))),
        (key_of("h"), members(2)).prop_map(|(k, f)| ordered(cat(&["HDEL", &k], f))),
        key_of("h").prop_map(|k| ordered(cat(&["HLEN", &k], vec![]))),
        (key_of("h"), member(), int()).prop_map(|(k, f, n)| ordered(cat(&["HINCRBY", &k, &f, &n], vec![]))),
        (key_of("h"), member(), score()).prop_map(|(k, f, n)| ordered(cat(&["HINCRBYFLOAT", &k, &f, &n], vec![]))),
        key_of("h").prop_map(|k| unordered(cat(&["HGETALL", &k], vec![]), 2)),
        key_of("h").prop_map(|k| unordered(cat(&["HKEYS", &k], vec![]), 1)),
        key_of("h").prop_map(|k| unordered(cat(&["HVALS", &k], vec![]), 1)),
        (key_of("h"), members(3)).prop_map(|(k, f)| ordered(cat(&["HMGET", &k], f))),
        (key_of("h"), member(), member()).prop_map(|(k, f, v)| ordered(cat(&["HSETNX", &k, &f, &v], vec![]))),
        (key_of("h"), member()).prop_map(|(k, f)| ordered(cat(&["HSTRLEN", &k, &f], vec![]))),
    ]
}

fn set_cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        (key_of("t"), members(3)).prop_map(|(k, m)| ordered(cat(&["SADD", &k], m))),
        (key_of("t"), members(2)).prop_map(|(k, m)| ordered(cat(&["SREM", &k], m))),
        key_of("t").prop_map(|k| ordered(cat(&["SCARD", &k], vec![]))),
        (key_of("t"), member()).prop_map(|(k, m)| ordered(cat(&["SISMEMBER", &k, &m], vec![]))),
        (key_of("t"), members(3)).prop_map(|(k, m)| ordered(cat(&["SMISMEMBER", &k], m))),
        key_of("t").prop_map(|k| unordered(cat(&["SMEMBERS", &k], vec![]), 1)),
        (prop::sample::select(vec!["SINTER", "SUNION", "SDIFF"]), key_of("t"), key_of("t"))
            .prop_map(|(c, a, b)| unordered(cat(&[c, &a, &b], vec![]), 1)),
        (prop::sample::select(vec!["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), key_of("t"), key_of("t"), key_of("t"))
            .prop_map(|(c, d, a, b)| ordered(cat(&[c, &d, &a, &b], vec![]))),
        (key_of("t"), key_of("t"), member()).prop_map(|(a, b, m)| ordered(cat(&["SMOVE", &a, &b, &m], vec![]))),
        (key_of("t"), key_of("t")).prop_map(|(a, b)| ordered(cat(&["SINTERCARD", "2", &a, &b], vec![]))),
    ]
}

fn zset_cmd() -> impl Strategy<Value = Cmd> {
    let flags = prop::sample::select(vec!["", "NX", "XX", "GT", "LT", "CH", "INCR"]);
    prop_oneof![
        (key_of("z"), flags, score(), member()).prop_map(|(k, f, s, m)| {
            let mut a = cat(&["ZADD", &k], vec![]);
            if !f.is_empty() {
                a.push(f.into());
            }
            a.extend([s, m]);
            ordered(a)
        }),
        (key_of("z"), members(2)).prop_map(|(k, m)| ordered(cat(&["ZREM", &k], m))),
        (key_of("z"), member()).prop_map(|(k, m)| ordered(cat(&["ZSCORE", &k, &m], vec![]))),
        (key_of("z"), score(), member()).prop_map(|(k, s, m)| ordered(cat(&["ZINCRBY", &k, &s, &m], vec![]))),
        key_of("z").prop_map(|k| ordered(cat(&["ZCARD", &k], vec![]))),
        (key_of("z"), int(), int()).prop_map(|(k, a, b)| ordered(cat(&["ZRANGE", &k, &a, &b, "WITHSCORES"], vec![]))),
        (key_of("z"), score(), score())
            .prop_map(|(k, a, b)| ordered(cat(&["ZRANGE", &k, &a, &b, "BYSCORE", "LIMIT", "0", "3"], vec![]))),
        (key_of("z"), score(), score())
            .prop_map(|(k, a, b)| ordered(cat(&["ZRANGE", &k, &b, &a, "BYSCORE", "REV", "WITHSCORES"], vec![]))),
        (key_of("z"), member()).prop_map(|(k, m)| ordered(cat(&["ZRANK", &k, &m], vec![]))),
        (key_of("z"), member()).prop_map(|(k, m)| ordered(cat(&["ZREVRANK", &k, &m], vec![]))),
        (key_of("z"), score(), score()).prop_map(|(k, a, b)| ordered(cat(&["ZCOUNT", &k, &a, &b], vec![]))),
        key_of("z").prop_map(|k| ordered(cat(&["ZRANGEBYLEX", &k, "-", "+"], vec![]))),
        (key_of("z"), prop::sample::select(vec!["ZPOPMIN", "ZPOPMAX"]))
            .prop_map(|(k, c)| ordered(cat(&[c, &k, "2"], vec![]))),
        (prop::sample::select(vec!["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"]), key_of("z"), key_of("z"), key_of("z"))
            .prop_map(|(c, d, a, b)| ordered(cat(&[c, &d, "2", &a, &b], vec![]))),
        (key_of("z"), key_of("z")).prop_map(|(a, b)| ordered(cat(&["ZUNION", "2", &a, &b, "WITHSCORES"], vec![]))),
        (key_of("z"), members(2)).prop_map(|(k, m)| ordered(cat(&["ZMSCORE", &k], m))),
        (key_of("z"), int(), int()).prop_map(|(k, a, b)| ordered(cat(&["ZREMRANGEBYRANK", &k, &a, &b], vec![]))),
        (key_of("z"), score(), score()).prop_map(|(k, a, b)| ordered(cat(&["ZREMRANGEBYSCORE", &k, &a, &b], vec![]))),
    ]
}

fn command() -> impl Strategy<Value = Cmd> {
    prop_oneof![string_cmd(), key_cmd(), list_cmd(), hash_cmd(), set_cmd(), zset_cmd()]
}

/// Splits a reply into its top-level aggregate elements (each element's raw
/// bytes; a RESP3 map's keys and values in turn); `None` when it is not an
/// array, set or map.
fn array_elements(reply: &[u8]) -> Option<Vec<Vec<u8>>> {
    let per_entry = match reply.first() {
        Some(b'*' | b'~') => 1,
        Some(b'%') => 2,
        _ => return None,
    };
    let header_end = reply.windows(2).position(|w| w == b"\r\n")? + 2;
    let n: i64 = std::str::from_utf8(&reply[1..header_end - 2]).ok()?.parse().ok()?;
    let mut rest = &reply[header_end..];
    let mut out = Vec::new();
    for _ in 0..n.max(0) * per_entry {
        let len = ferrodis_tests::resp::reply_len(rest).ok()??;
        out.push(rest[..len].to_vec());
        rest = &rest[len..];
    }
    Some(out)
}

fn normalize(reply: Vec<u8>, unordered: Option<usize>) -> Vec<u8> {
    let (Some(group), Some(elems)) = (unordered, array_elements(&reply)) else { return reply };
    let mut groups: Vec<Vec<u8>> = elems.chunks(group).map(|g| g.concat()).collect();
    groups.sort();
    // The header as it came (type byte and count).
    let header_end = reply.windows(2).position(|w| w == b"\r\n").map_or(0, |i| i + 2);
    let mut out = reply[..header_end].to_vec();
    out.extend(groups.concat());
    out
}

fn run_sequence(oracle: &mut RespConn, target: &mut RespConn, cmds: &[Cmd], resp3: bool) -> Result<(), TestCaseError> {
    let protocol = if resp3 { "3" } else { "2" };
    for conn in [&mut *oracle, &mut *target] {
        conn.cmd(&["FLUSHALL"]).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let hello = conn.cmd(&["HELLO", protocol]).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(hello.starts_with(if resp3 { b"%" } else { b"*" }), "HELLO {}: {:?}", protocol, hello);
    }
    for (i, c) in cmds.iter().enumerate() {
        let args: Vec<Vec<u8>> = c.args.iter().map(|a| a.as_bytes().to_vec()).collect();
        let want = oracle.command(&args).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let got = target.command(&args).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let (want, got) = (normalize(want, c.unordered), normalize(got, c.unordered));
        prop_assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want),
            "command {} of the sequence (RESP{}): {:?}",
            i,
            protocol,
            c.args
        );
    }
    Ok(())
}

#[test]
fn random_sequences_match_redis() {
    let oracle_srv = Server::start(Kind::Redis);
    let target_srv = Server::start_target();
    // The runner takes an `Fn`: the connections are borrowed mutably per case.
    let conns = std::cell::RefCell::new((oracle_srv.connect(), target_srv.connect()));
    let cases = std::env::var("FERRODIS_RANDOM_DIFF_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let mut runner = TestRunner::new(PropConfig { cases, failure_persistence: None, ..PropConfig::default() });
    let result = runner.run(&(prop::collection::vec(command(), 20..200), any::<bool>()), |(cmds, resp3)| {
        let (oracle, target) = &mut *conns.borrow_mut();
        run_sequence(oracle, target, &cmds, resp3)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
