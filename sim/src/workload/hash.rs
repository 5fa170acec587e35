//! The hash family's templates (joined into the main mix by
//! [`super::main_templates`]). Fields come from a pool of 14 names (more
//! than the simulator's listpack entry limit, so hashes convert) plus
//! random strings, some longer than the value limit; values from
//! [`Gen::value`] (some longer than it too).

use rand::Rng;

use super::templates::t;
use super::{Gen, Template, FLOATS};
use crate::cmd::Cmd;

/// Names in the field pool: `f0`..`f13`.
const FIELD_POOL: u64 = 14;

fn field(g: &mut Gen<'_>, c: &mut Cmd) {
    match g.rng.gen_range(0..100) {
        0..=89 => c.push_parts(b"f", g.rng.gen_range(0..FIELD_POOL)),
        90..=96 => g.random_string(c, 0, 6),
        _ => g.random_string(c, 60, 70),
    }
}

fn fields(g: &mut Gen<'_>, c: &mut Cmd, lo: usize, hi: usize) {
    for _ in 0..g.rng.gen_range(lo..=hi) {
        field(g, c);
    }
}

/// `name key field value [field value ...]`, sometimes missing a value.
fn set_pairs(g: &mut Gen<'_>, c: &mut Cmd, name: &[u8]) {
    c.push(name);
    g.key(c);
    for _ in 0..g.rng.gen_range(1..=4) {
        field(g, c);
        g.value(c);
    }
    if g.bad() {
        field(g, c);
    }
}

fn field_pattern(g: &mut Gen<'_>, c: &mut Cmd) {
    let pats: [&[u8]; 6] = [b"*", b"f1*", b"f?", b"f[0-3]*", b"*2", b"nomatch*"];
    c.push(pats[g.rng.gen_range(0..pats.len())]);
}

pub static TEMPLATES: &[Template] = &[
    t!("hset", 8, |g, c| set_pairs(g, c, b"HSET")),
    t!("hmset", 2, |g, c| set_pairs(g, c, b"HMSET")),
    t!("hsetnx", 2, |g, c| {
        c.push(b"HSETNX");
        g.key(c);
        field(g, c);
        g.value(c);
    }),
    t!("hget", 4, |g, c| {
        c.push(b"HGET");
        g.key(c);
        field(g, c);
    }),
    t!("hmget", 2, |g, c| {
        c.push(b"HMGET");
        g.key(c);
        fields(g, c, 1, 4);
    }),
    t!("hdel", 3, |g, c| {
        c.push(b"HDEL");
        g.key(c);
        fields(g, c, 1, 3);
    }),
    t!("hlen", 2, |g, c| {
        c.push(b"HLEN");
        g.key(c);
    }),
    t!("hstrlen", 1, |g, c| {
        c.push(b"HSTRLEN");
        g.key(c);
        field(g, c);
    }),
    t!("hexists", 2, |g, c| {
        c.push(b"HEXISTS");
        g.key(c);
        field(g, c);
    }),
    t!("hkeys", 1, |g, c| {
        c.push(b"HKEYS");
        g.key(c);
    }),
    t!("hvals", 1, |g, c| {
        c.push(b"HVALS");
        g.key(c);
    }),
    t!("hgetall", 2, |g, c| {
        c.push(b"HGETALL");
        g.key(c);
    }),
    t!("hincrby", 3, |g, c| {
        c.push(b"HINCRBY");
        g.key(c);
        field(g, c);
        if g.pct(10) {
            let edges = [i64::MAX, i64::MIN, i64::MAX - 1, -5];
            c.push_int(edges[g.rng.gen_range(0..edges.len())]);
        } else {
            g.int_or_bad(c, -10, 10);
        }
    }),
    t!("hincrbyfloat", 2, |g, c| {
        c.push(b"HINCRBYFLOAT");
        g.key(c);
        field(g, c);
        if g.bad() {
            c.push(b"x");
        } else if g.pct(50) {
            c.push(FLOATS[g.rng.gen_range(0..FLOATS.len())]);
        } else {
            g.int(c, -10, 10);
        }
    }),
    t!("hrandfield", 3, |g, c| {
        c.push(b"HRANDFIELD");
        g.key(c);
        if g.pct(25) {
            return;
        }
        if g.bad() {
            // Redis's range errors, and a count that covers any hash.
            let bad: [&[u8]; 4] = [b"-9223372036854775808", b"x", b"9223372036854775807", b"4611686018427387904"];
            c.push(bad[g.rng.gen_range(0..bad.len())]);
        } else {
            g.int(c, -12, 12);
        }
        if g.pct(50) {
            c.push(if g.bad() { b"withvalue" as &[u8] } else { b"WITHVALUES" });
        }
    }),
    t!("hscan", 4, |g, c| {
        // The world turns this into a scan session (cursor 0, then each
        // returned cursor).
        c.push(b"HSCAN");
        g.key(c);
        c.push(if g.bad() { b"abc" as &[u8] } else { b"0" });
        if g.pct(40) {
            c.push(b"MATCH");
            field_pattern(g, c);
        }
        if g.pct(50) {
            c.push(b"COUNT");
            let lo = if g.bad() { -1 } else { 1 };
            let n = g.rng.gen_range(lo..=8);
            c.push_int(n);
        }
    }),
];
