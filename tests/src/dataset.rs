//! Whole datasets over the wire, to compare two servers (or one server
//! before and after a restart): every key of every database with its type,
//! its content in a canonical order, and its absolute expiry
//! (`PEXPIRETIME`, so a reload at another moment compares equal).
//!
//! And [`fill_all_types`], a dataset with every data type, both encodings
//! of each, TTLs, several databases and the commands whose AOF form differs
//! from what the client sent (relative expiries, INCRBYFLOAT, SPOP, ...).

use std::collections::BTreeMap;

use crate::resp::RespConn;

/// Databases the snapshot reads (both servers' default `databases 16`).
pub const DATABASES: usize = 16;

/// One key as the snapshot sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: String,
    /// The content: a string's bytes, a list's elements in order, a hash's
    /// field/value pairs and a set's members in byte order, a sorted set's
    /// member/score pairs in rank order.
    pub value: Vec<Vec<u8>>,
    /// `PEXPIRETIME`: -1 without a TTL.
    pub expire_at_ms: i64,
}

/// Every key: (database, key) -> entry.
pub type Dataset = BTreeMap<(usize, Vec<u8>), Entry>;

/// Reads the whole dataset; leaves the connection in database 0.
pub fn snapshot(conn: &mut RespConn) -> Dataset {
    let mut out = Dataset::new();
    for db in 0..DATABASES {
        ok(&cmd(conn, &["SELECT", &db.to_string()]));
        let keys = bulks(&cmd(conn, &["KEYS", "*"]));
        for key in keys {
            let k = |c: &str| vec![c.as_bytes().to_vec(), key.clone()];
            let kind = simple(&command(conn, &k("TYPE")));
            let value = match kind.as_str() {
                "string" => bulks(&command(conn, &k("GET"))),
                "list" => bulks(&command(conn, &[b"LRANGE".to_vec(), key.clone(), b"0".to_vec(), b"-1".to_vec()])),
                "hash" => sorted_pairs(bulks(&command(conn, &k("HGETALL")))),
                "set" => {
                    let mut m = bulks(&command(conn, &k("SMEMBERS")));
                    m.sort();
                    m
                }
                "zset" => bulks(&command(
                    conn,
                    &[b"ZRANGE".to_vec(), key.clone(), b"0".to_vec(), b"-1".to_vec(), b"WITHSCORES".to_vec()],
                )),
                other => panic!("snapshot: key {:?} has type {other}", String::from_utf8_lossy(&key)),
            };
            let expire_at_ms = integer(&command(conn, &k("PEXPIRETIME")));
            out.insert((db, key), Entry { kind, value, expire_at_ms });
        }
    }
    ok(&cmd(conn, &["SELECT", "0"]));
    out
}

/// Panics with the first differences when the datasets differ.
pub fn assert_same(expected: &Dataset, got: &Dataset, what: &str) {
    if expected == got {
        return;
    }
    let mut diffs = Vec::new();
    for (k, e) in expected {
        match got.get(k) {
            None => diffs.push(format!("missing db{} {:?}", k.0, String::from_utf8_lossy(&k.1))),
            Some(g) if g != e => {
                diffs.push(format!("db{} {:?}: {}", k.0, String::from_utf8_lossy(&k.1), describe_difference(e, g)))
            }
            _ => {}
        }
    }
    for k in got.keys().filter(|k| !expected.contains_key(*k)) {
        diffs.push(format!("extra db{} {:?}", k.0, String::from_utf8_lossy(&k.1)));
    }
    let total = diffs.len();
    diffs.truncate(20);
    panic!(
        "{what}: datasets differ ({} vs {} keys, {total} differences):\n{}",
        expected.len(),
        got.len(),
        diffs.join("\n")
    );
}

/// The first way `got` differs from `want`, in a line.
fn describe_difference(want: &Entry, got: &Entry) -> String {
    if want.kind != got.kind {
        return format!("type {} instead of {}", got.kind, want.kind);
    }
    if want.expire_at_ms != got.expire_at_ms {
        return format!("PEXPIRETIME {} instead of {}", got.expire_at_ms, want.expire_at_ms);
    }
    if want.value.len() != got.value.len() {
        return format!("{} elements instead of {}", got.value.len(), want.value.len());
    }
    let i = want.value.iter().zip(&got.value).position(|(a, b)| a != b).unwrap_or(0);
    format!(
        "element {i} is {:?} instead of {:?}",
        String::from_utf8_lossy(&got.value[i]),
        String::from_utf8_lossy(&want.value[i])
    )
}

/// Writes a dataset of every type into databases 0 and 3; `tag` makes the
/// keys of two calls distinct (a second call adds to the first).
pub fn fill_all_types(conn: &mut RespConn, tag: &str) {
    let far_s = "3600";
    for db in ["0", "3"] {
        ok(&cmd(conn, &["SELECT", db]));
        let t = |name: &str| format!("{tag}:{name}");
        // Strings: plain, integer, binary-ish, with TTLs in every form.
        ok(&cmd(conn, &["SET", &t("s"), "hello world"]));
        ok(&cmd(conn, &["SET", &t("n"), "12345"]));
        cmd(conn, &["INCRBY", &t("n"), "5"]);
        cmd(conn, &["INCRBYFLOAT", &t("f"), "1.1"]);
        cmd(conn, &["INCRBYFLOAT", &t("f"), "2.25"]);
        cmd(conn, &["APPEND", &t("s"), " again"]);
        cmd(conn, &["SETRANGE", &t("s"), "0", "J"]);
        ok(&cmd(conn, &["SET", &t("ex"), "v", "EX", far_s]));
        ok(&cmd(conn, &["SETEX", &t("setex"), far_s, "v"]));
        ok(&cmd(conn, &["SET", &t("persisted"), "v", "PX", "3600000"]));
        cmd(conn, &["PERSIST", &t("persisted")]);
        ok(&cmd(conn, &["SET", &t("gone"), "v", "PX", "30"]));
        ok(&cmd(conn, &["SET", &t("deleted"), "v"]));
        cmd(conn, &["DEL", &t("deleted")]);
        // Lists: small and big, pops from both ends.
        let mut rpush = vec!["RPUSH".to_string(), t("list")];
        rpush.extend((0..10).map(|i| format!("e{i}")));
        command(conn, &to_args(&rpush));
        cmd(conn, &["LPOP", &t("list")]);
        cmd(conn, &["RPOP", &t("list")]);
        cmd(conn, &["LPUSH", &t("list"), "front"]);
        let mut big = vec!["RPUSH".to_string(), t("biglist")];
        big.extend((0..300).map(|i| format!("element-{i}")));
        command(conn, &to_args(&big));
        cmd(conn, &["EXPIRE", &t("biglist"), far_s]);
        // Hashes: listpack and hashtable, float increments.
        cmd(conn, &["HSET", &t("hash"), "a", "1", "b", "2", "c", "3"]);
        cmd(conn, &["HINCRBYFLOAT", &t("hash"), "fl", "0.5"]);
        cmd(conn, &["HDEL", &t("hash"), "b"]);
        let mut bighash = vec!["HSET".to_string(), t("bighash")];
        for i in 0..200 {
            bighash.push(format!("field{i}"));
            bighash.push(format!("value{i}"));
        }
        command(conn, &to_args(&bighash));
        // Sets: intset, listpack/hashtable, SPOP's outcome.
        cmd(conn, &["SADD", &t("intset"), "1", "2", "3", "100"]);
        cmd(conn, &["SADD", &t("set"), "x", "y", "z", "w"]);
        cmd(conn, &["SPOP", &t("set")]);
        let mut bigset = vec!["SADD".to_string(), t("bigset")];
        bigset.extend((0..600).map(|i| format!("member{i}")));
        command(conn, &to_args(&bigset));
        cmd(conn, &["SREM", &t("bigset"), "member7"]);
        // Sorted sets: small and big, float scores, increments.
        cmd(conn, &["ZADD", &t("zset"), "1", "a", "2.5", "b", "-3", "c"]);
        cmd(conn, &["ZINCRBY", &t("zset"), "0.25", "a"]);
        let mut bigz = vec!["ZADD".to_string(), t("bigzset")];
        for i in 0..300 {
            bigz.push(format!("{}.5", i * 3));
            bigz.push(format!("m{i}"));
        }
        command(conn, &to_args(&bigz));
        cmd(conn, &["PEXPIRE", &t("bigzset"), "7200000"]);
    }
    ok(&cmd(conn, &["SELECT", "0"]));
    // Let the 30 ms key expire (its DEL reaches the AOF too).
    std::thread::sleep(std::time::Duration::from_millis(100));
}

fn to_args(v: &[String]) -> Vec<Vec<u8>> {
    v.iter().map(|s| s.as_bytes().to_vec()).collect()
}

fn cmd(conn: &mut RespConn, args: &[&str]) -> Vec<u8> {
    command(conn, &args.iter().map(|a| a.as_bytes().to_vec()).collect::<Vec<_>>())
}

fn command(conn: &mut RespConn, args: &[Vec<u8>]) -> Vec<u8> {
    let reply = conn.command(args).unwrap_or_else(|e| panic!("{:?}: {e}", String::from_utf8_lossy(&args[0])));
    assert!(
        reply.first() != Some(&b'-'),
        "{:?} failed: {}",
        String::from_utf8_lossy(&args[0]),
        String::from_utf8_lossy(&reply)
    );
    reply
}

fn ok(reply: &[u8]) {
    assert_eq!(String::from_utf8_lossy(reply), "+OK\r\n");
}

fn simple(reply: &[u8]) -> String {
    let s = String::from_utf8_lossy(reply);
    s.strip_prefix('+').and_then(|s| s.strip_suffix("\r\n")).unwrap_or_else(|| panic!("not a status: {s}")).to_string()
}

fn integer(reply: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(reply);
    s.strip_prefix(':')
        .and_then(|s| s.strip_suffix("\r\n"))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an integer: {s}"))
}

/// The bulk strings of a bulk reply or of a flat array of bulks.
pub fn bulks(reply: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut pos = 0;
    let line = |pos: &mut usize| -> String {
        let end = reply[*pos..].windows(2).position(|w| w == b"\r\n").expect("CRLF") + *pos;
        let l = String::from_utf8_lossy(&reply[*pos..end]).into_owned();
        *pos = end + 2;
        l
    };
    let head = line(&mut pos);
    let count = match head.as_bytes()[0] {
        b'*' => head[1..].parse::<i64>().expect("array length"),
        b'$' => {
            pos = 0;
            1
        }
        _ => panic!("not bulks: {}", String::from_utf8_lossy(reply)),
    };
    for _ in 0..count.max(0) {
        let h = line(&mut pos);
        let len: i64 = h.strip_prefix('$').and_then(|n| n.parse().ok()).expect("bulk header");
        if len < 0 {
            continue;
        }
        out.push(reply[pos..pos + len as usize].to_vec());
        pos += len as usize + 2;
    }
    out
}

fn sorted_pairs(flat: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = flat.chunks(2).map(|c| (c[0].clone(), c[1].clone())).collect();
    pairs.sort();
    pairs.into_iter().flat_map(|(a, b)| [a, b]).collect()
}
