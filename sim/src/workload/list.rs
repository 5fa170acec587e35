//! The list family's templates (joined into the main mix by
//! [`super::main_templates`]). Elements come mostly from a tiny pool so
//! LPOS, LREM and LINSERT find matches; indexes stay near the list sizes a
//! run builds (a few to a few dozen) with the occasional extreme.

use rand::Rng;

use super::templates::t;
use super::{Gen, Template};
use crate::cmd::Cmd;

const POOL: &[&[u8]] = &[b"a", b"b", b"c", b"1", b"-2", b""];

fn element(g: &mut Gen<'_>, c: &mut Cmd) {
    if g.pct(70) {
        c.push(POOL[g.rng.gen_range(0..POOL.len())]);
    } else {
        g.value(c);
    }
}

fn elements(g: &mut Gen<'_>, c: &mut Cmd, lo: usize, hi: usize) {
    for _ in 0..g.rng.gen_range(lo..=hi) {
        element(g, c);
    }
}

fn side(g: &mut Gen<'_>, c: &mut Cmd) {
    if g.bad() {
        c.push(b"middle");
    } else {
        c.push(if g.pct(50) { b"LEFT" } else { b"right" });
    }
}

/// A count for LPOP/RPOP/LMPOP: small, zero, huge, or not a count.
fn count(g: &mut Gen<'_>, c: &mut Cmd) {
    match g.rng.gen_range(0..20) {
        0 => c.push_int(0),
        1 => c.push_int(i64::MAX),
        2 if g.bad() => c.push(b"-1"),
        3 if g.bad() => c.push(b"x"),
        _ => c.push_int(g.rng.gen_range(1..6)),
    }
}

fn push_cmd(g: &mut Gen<'_>, c: &mut Cmd, name: &[u8]) {
    c.push(name);
    g.key(c);
    elements(g, c, 1, 4);
}

fn pop_cmd(g: &mut Gen<'_>, c: &mut Cmd, name: &[u8]) {
    c.push(name);
    g.key(c);
    if g.pct(40) {
        count(g, c);
    }
}

pub static TEMPLATES: &[Template] = &[
    t!("lpush", 6, |g, c| push_cmd(g, c, b"LPUSH")),
    t!("rpush", 6, |g, c| push_cmd(g, c, b"RPUSH")),
    t!("lpushx", 2, |g, c| push_cmd(g, c, b"LPUSHX")),
    t!("rpushx", 2, |g, c| push_cmd(g, c, b"rpushx")),
    t!("lpop", 3, |g, c| pop_cmd(g, c, b"LPOP")),
    t!("rpop", 3, |g, c| pop_cmd(g, c, b"RPOP")),
    t!("llen", 2, |g, c| {
        c.push(b"LLEN");
        g.key(c)
    }),
    t!("lrange", 4, |g, c| {
        c.push(b"LRANGE");
        g.key(c);
        g.range_arg(c);
        g.range_arg(c)
    }),
    t!("lindex", 3, |g, c| {
        c.push(b"LINDEX");
        g.key(c);
        g.range_arg(c)
    }),
    t!("lset", 2, |g, c| {
        c.push(b"LSET");
        g.key(c);
        g.range_arg(c);
        element(g, c)
    }),
    t!("linsert", 2, |g, c| {
        c.push(b"LINSERT");
        g.key(c);
        c.push(if g.bad() {
            b"around"
        } else if g.pct(50) {
            b"BEFORE"
        } else {
            b"after"
        });
        element(g, c);
        element(g, c)
    }),
    t!("lrem", 2, |g, c| {
        c.push(b"LREM");
        g.key(c);
        g.int_or_bad(c, -3, 3);
        element(g, c)
    }),
    t!("ltrim", 2, |g, c| {
        c.push(b"LTRIM");
        g.key(c);
        g.range_arg(c);
        g.range_arg(c)
    }),
    t!("lpos", 3, |g, c| {
        c.push(b"LPOS");
        g.key(c);
        element(g, c);
        if g.pct(40) {
            c.push(b"RANK");
            match g.rng.gen_range(0..12) {
                0 => c.push_int(i64::MIN),
                1 if g.bad() => c.push_int(0),
                _ => c.push_int(g.rng.gen_range(-3..=3)),
            }
        }
        if g.pct(40) {
            c.push(b"COUNT");
            g.int_or_bad(c, 0, 4);
        }
        if g.pct(25) {
            c.push(b"MAXLEN");
            g.int_or_bad(c, 0, 6);
        }
    }),
    t!("rpoplpush", 2, |g, c| {
        c.push(b"RPOPLPUSH");
        g.key(c);
        g.key(c)
    }),
    t!("lmove", 3, |g, c| {
        c.push(b"LMOVE");
        g.key(c);
        g.key(c);
        side(g, c);
        side(g, c)
    }),
    t!("lmpop", 2, |g, c| {
        c.push(b"LMPOP");
        let n = g.rng.gen_range(1..=3);
        if g.bad() {
            c.push(b"0");
        } else {
            c.push_int(n);
        }
        for _ in 0..n {
            g.key(c);
        }
        side(g, c);
        if g.pct(50) {
            c.push(b"COUNT");
            count(g, c);
        }
    }),
];
