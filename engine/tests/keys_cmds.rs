//! Keyspace and expiry commands driven through the whole engine.
//!
//! Fixed expectations with a fake clock. The diff-case files
//! `tests/diff/keys.txt` and `tests/diff/expire.txt` are compared with a real
//! redis-server by the differential harness.

mod common;

use common::Client;
use ferrodis_engine::resp::inline;

const T0: u64 = 1_700_000_000_000;

#[test]
fn expired_keys_are_absent_everywhere() {
    let mut c = Client::new(T0);
    c.cmd("SET a 1", T0);
    c.cmd("SET b 2", T0);
    assert_eq!(c.cmd("PEXPIRE a 100", T0), ":1\r\n");
    assert_eq!(c.cmd("TTL a", T0), ":0\r\n");
    assert_eq!(c.cmd("PTTL a", T0 + 40), ":60\r\n");
    assert_eq!(c.cmd("PTTL a", T0 + 100), ":0\r\n", "alive at its expire time, as in Redis");
    let later = T0 + 101;
    assert_eq!(c.cmd("KEYS *", later), "*1\r\n$1\r\nb\r\n");
    assert_eq!(c.cmd("DBSIZE", later), ":2\r\n", "KEYS does not delete");
    assert_eq!(c.cmd("EXISTS a a b", later), ":1\r\n");
    assert_eq!(c.cmd("TYPE a", later), "+none\r\n");
    assert_eq!(c.cmd("TTL a", later), ":-2\r\n");
    assert_eq!(c.cmd("DBSIZE", later), ":1\r\n");
    assert_eq!(c.cmd("RENAME a c", later), "-ERR no such key\r\n");
}

#[test]
fn scan_skips_and_deletes_expired_keys() {
    let mut c = Client::new(T0);
    c.cmd("SET a 1", T0);
    c.cmd("SET b 2", T0);
    c.cmd("PEXPIRE a 10", T0);
    assert_eq!(c.cmd("SCAN 0 COUNT 100", T0 + 11), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nb\r\n");
    assert_eq!(c.cmd("DBSIZE", T0 + 11), ":1\r\n");
}

#[test]
fn idletime_follows_the_clock_and_touch() {
    let mut c = Client::new(T0);
    c.cmd("SET a 1", T0);
    assert_eq!(c.cmd("OBJECT IDLETIME a", T0 + 5_000), ":5\r\n");
    assert_eq!(c.cmd("TYPE a", T0 + 6_000), "+string\r\n");
    assert_eq!(c.cmd("OBJECT IDLETIME a", T0 + 7_000), ":7\r\n", "TYPE does not touch");
    assert_eq!(c.cmd("RENAME a b", T0 + 8_000), "+OK\r\n");
    assert_eq!(c.cmd("OBJECT IDLETIME b", T0 + 9_000), ":1\r\n", "RENAME's lookup touches");
    assert_eq!(c.cmd("TOUCH b", T0 + 10_000), ":1\r\n");
    assert_eq!(c.cmd("OBJECT IDLETIME b", T0 + 12_000), ":2\r\n");
}

#[test]
fn move_and_copy_carry_ttls() {
    let mut c = Client::new(T0);
    c.cmd("SET a x", T0);
    c.cmd("PEXPIREAT a 1700000100000", T0);
    assert_eq!(c.cmd("COPY a b DB 3", T0), ":1\r\n");
    assert_eq!(c.cmd("MOVE a 2", T0), ":1\r\n");
    assert_eq!(c.cmd("SELECT 3", T0), "+OK\r\n");
    assert_eq!(c.cmd("PEXPIRETIME b", T0), ":1700000100000\r\n");
    assert_eq!(c.cmd("SELECT 2", T0), "+OK\r\n");
    assert_eq!(c.cmd("PEXPIRETIME a", T0), ":1700000100000\r\n");
    assert_eq!(c.cmd("SWAPDB 2 0", T0), "+OK\r\n");
    assert_eq!(c.cmd("DBSIZE", T0), ":0\r\n");
    assert_eq!(c.cmd("SELECT 0", T0), "+OK\r\n");
    assert_eq!(c.cmd("GET a", T0), "$1\r\nx\r\n");
}

#[test]
fn pathological_keys_pattern_is_fast() {
    let mut c = Client::new(T0);
    let key = "a".repeat(5_000);
    c.cmd(&format!("SET {key} 1"), T0);
    let pattern = format!("{}b", "*a".repeat(200));
    assert_eq!(c.cmd(&format!("KEYS {pattern}"), T0), "*0\r\n");
}

#[test]
fn split_args_like_redis_cli() {
    assert_eq!(
        common::split(r#"a "b c" 'd e' "\x41\n""#),
        vec![b"a".to_vec(), b"b c".to_vec(), b"d e".to_vec(), b"A\n".to_vec()]
    );
    assert!(inline::split_args_owned(br#""a"b"#).is_err());
}

#[test]
fn keyspace_hits_and_misses_as_redis_counts_them() {
    // Expected counts recorded from redis-server 7.0.15 (INFO stats after
    // each command, starting from CONFIG RESETSTAT).
    let steps: &[(&str, u64, u64)] = &[
        ("EXISTS a nokey", 1, 1),
        ("TYPE a", 2, 1),
        ("TTL nokey", 2, 2),
        ("TOUCH a nokey", 3, 3),
        ("OBJECT ENCODING a", 4, 3),
        ("COPY a b", 5, 3),
        ("RENAME b c", 5, 3),
        ("MOVE c 1", 5, 3),
        ("SCAN 0 TYPE string", 7, 3),
        ("KEYS *", 7, 3),
        ("RANDOMKEY", 7, 3),
        ("EXPIRE a 100", 7, 3),
        ("PERSIST a", 7, 3),
        ("EXPIRETIME a", 8, 3),
        ("DEL z", 8, 3),
        ("OBJECT FREQ a", 9, 3),
        ("COPY nokey q", 9, 4),
        ("RENAMENX a a", 9, 4),
    ];
    let mut c = Client::new(T0);
    c.cmd("SET a 1", T0);
    c.cmd("SET z 1", T0);
    let base = c.engine.executor().srv.stats.clone();
    for &(line, hits, misses) in steps {
        c.cmd(line, T0);
        let s = &c.engine.executor().srv.stats;
        assert_eq!(
            (s.keyspace_hits - base.keyspace_hits, s.keyspace_misses - base.keyspace_misses),
            (hits, misses),
            "after {line}"
        );
    }
}

#[test]
fn scan_iteration_returns_every_key_once() {
    let mut c = Client::new(T0);
    for i in 0..100 {
        c.cmd(&format!("SET key:{i} {i}"), T0);
    }
    for count in [1, 7, 1000] {
        let mut cursor = "0".to_string();
        let mut seen = std::collections::BTreeSet::new();
        loop {
            let raw = c.raw(&[b"SCAN", cursor.as_bytes(), b"COUNT", count.to_string().as_bytes()], T0);
            let text = String::from_utf8(raw).expect("ascii reply");
            let lines: Vec<&str> = text.split("\r\n").collect();
            cursor = lines[2].to_string();
            for key in lines[4..].iter().skip(1).step_by(2) {
                assert!(seen.insert(key.to_string()), "{key} returned twice with COUNT {count}");
            }
            if cursor == "0" {
                break;
            }
        }
        assert_eq!(seen.len(), 100, "COUNT {count}");
    }
}

#[test]
fn scan_type_none_returns_a_key_that_just_expired() {
    // Redis 7.0's filter order: the TYPE check looks the key up (expiring
    // it, so its type is "none"), and the expiry check that follows finds
    // nothing left to expire.
    let mut c = Client::new(T0);
    c.cmd("SET gone 1", T0);
    c.cmd("PEXPIRE gone 10", T0);
    assert_eq!(c.cmd("SCAN 0 TYPE none", T0 + 11), "*2\r\n$1\r\n0\r\n*1\r\n$4\r\ngone\r\n");
    assert_eq!(c.cmd("DBSIZE", T0 + 11), ":0\r\n");
}
