//! The set family's templates (joined into the main mix by
//! [`super::main_templates`]). Keys come from [`Gen::key`], so sets collide
//! with strings and the other types (WRONGTYPE paths); members are drawn
//! from a small pool mixing integers (intsets) with text (hashtables), and a
//! rare bulk SADD of integers crosses the 512-member intset limit.

use rand::Rng;

use super::templates::t;
use super::{Gen, Template};
use crate::cmd::Cmd;

/// A member: mostly small integers, sometimes text or non-canonical numbers
/// (which make a hashtable).
fn member(g: &mut Gen<'_>, c: &mut Cmd) {
    match g.rng.gen_range(0..100) {
        0..=54 => c.push_int(g.rng.gen_range(-3..=12)),
        55..=59 => {
            let edges = [i64::MAX, i64::MIN, 1 << 40];
            c.push_int(edges[g.rng.gen_range(0..edges.len())])
        }
        60..=64 => {
            let odd: [&[u8]; 5] = [b"01", b"-0", b"+1", b" 1", b"9223372036854775808"];
            c.push(odd[g.rng.gen_range(0..odd.len())])
        }
        65..=67 => c.push(b""),
        _ => {
            let words: [&[u8]; 8] = [b"a", b"b", b"c", b"x", b"yy", b"zzz", b"m1", b"m2"];
            c.push(words[g.rng.gen_range(0..words.len())])
        }
    }
}

fn members(g: &mut Gen<'_>, c: &mut Cmd, lo: usize, hi: usize) {
    for _ in 0..g.rng.gen_range(lo..=hi) {
        member(g, c);
    }
}

/// A count for SPOP/SRANDMEMBER: small, zero, negative, huge, or bad.
fn count(g: &mut Gen<'_>, c: &mut Cmd, negative_ok: bool) {
    match g.rng.gen_range(0..100) {
        0..=59 => c.push_int(g.rng.gen_range(0..=6)),
        60..=74 if negative_ok => c.push_int(g.rng.gen_range(-6..=-1)),
        60..=74 => c.push_int(-1),
        75..=84 => c.push_int(g.rng.gen_range(7..=40)),
        85..=89 => {
            let edges = [i64::MAX, i64::MIN, i64::MIN + 1, 1 << 40];
            c.push_int(edges[g.rng.gen_range(0..edges.len())])
        }
        _ => {
            let bad: [&[u8]; 3] = [b"x", b"1.5", b""];
            c.push(bad[g.rng.gen_range(0..bad.len())])
        }
    }
}

fn keys(g: &mut Gen<'_>, c: &mut Cmd, lo: usize, hi: usize) {
    for _ in 0..g.rng.gen_range(lo..=hi) {
        g.key(c);
    }
}

/// `NAME key member...`; a bad draw leaves the members out (arity error).
fn key_member_cmd(g: &mut Gen<'_>, c: &mut Cmd, name: &[u8], hi: usize) {
    let lo = if g.bad() { 0 } else { 1 };
    c.push(name);
    g.key(c);
    members(g, c, lo, hi);
}

pub static TEMPLATES: &[Template] = &[
    t!("sadd", 12, |g, c| key_member_cmd(g, c, b"SADD", 6)),
    t!("sadd", 1, |g, c| {
        // Crosses (or nears) the intset limit of 512 members.
        c.push(b"SADD");
        g.key(c);
        let start = g.rng.gen_range(0..40);
        for n in start..start + g.rng.gen_range(500..=530) {
            c.push_int(n);
        }
    }),
    t!("srem", 5, |g, c| key_member_cmd(g, c, b"SREM", 4)),
    t!("scard", 3, |g, c| {
        c.push(b"SCARD");
        g.key(c)
    }),
    t!("sismember", 3, |g, c| {
        c.push(b"SISMEMBER");
        g.key(c);
        member(g, c)
    }),
    t!("smismember", 2, |g, c| key_member_cmd(g, c, b"SMISMEMBER", 4)),
    t!("smembers", 3, |g, c| {
        c.push(b"SMEMBERS");
        g.key(c)
    }),
    t!("smove", 3, |g, c| {
        c.push(b"SMOVE");
        g.key(c);
        g.key(c);
        member(g, c)
    }),
    t!("spop", 4, |g, c| {
        c.push(b"SPOP");
        g.key(c);
        if g.pct(50) {
            count(g, c, false);
        }
        if g.bad() {
            c.push(b"1");
        }
    }),
    t!("srandmember", 3, |g, c| {
        c.push(b"SRANDMEMBER");
        g.key(c);
        if g.pct(60) {
            count(g, c, true);
        }
        if g.bad() {
            c.push(b"1");
        }
    }),
    t!("sinter", 2, |g, c| {
        c.push(b"SINTER");
        keys(g, c, 1, 3)
    }),
    t!("sintercard", 2, |g, c| {
        c.push(b"SINTERCARD");
        let n = g.rng.gen_range(1..=3);
        if g.bad() {
            let bad: [&[u8]; 4] = [b"0", b"-1", b"x", b"9"];
            c.push(bad[g.rng.gen_range(0..bad.len())]);
        } else {
            c.push_int(n);
        }
        keys(g, c, n as usize, n as usize);
        if g.pct(40) {
            c.push(b"LIMIT");
            if g.bad() {
                c.push(b"-1");
            } else {
                g.int(c, 0, 3);
            }
        }
    }),
    t!("sinterstore", 2, |g, c| {
        c.push(b"SINTERSTORE");
        keys(g, c, 2, 4)
    }),
    t!("sunion", 2, |g, c| {
        c.push(b"SUNION");
        keys(g, c, 1, 3)
    }),
    t!("sunionstore", 2, |g, c| {
        c.push(b"SUNIONSTORE");
        keys(g, c, 2, 4)
    }),
    t!("sdiff", 2, |g, c| {
        c.push(b"SDIFF");
        keys(g, c, 1, 4)
    }),
    t!("sdiffstore", 2, |g, c| {
        c.push(b"SDIFFSTORE");
        keys(g, c, 2, 5)
    }),
    t!("sscan", 2, |g, c| {
        c.push(b"SSCAN");
        g.key(c);
        if g.bad() {
            c.push(b"x");
        } else {
            g.int(c, 0, 8);
        }
        if g.pct(30) {
            c.push(b"MATCH");
            let pats: [&[u8]; 5] = [b"*", b"1*", b"[a-c]", b"?", b"-*"];
            c.push(pats[g.rng.gen_range(0..pats.len())]);
        }
        if g.pct(30) {
            c.push(b"COUNT");
            g.int_or_bad(c, 0, 20);
        }
    }),
];
