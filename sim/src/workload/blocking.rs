//! The blocking commands' templates, drawn from their own mix and random
//! stream (`World::new`: `blocking_pct`), so seeds that draw none run as
//! before they existed. Keys are the shared ones, so other clients' pushes
//! and ZADDs serve the blocked; timeouts are short and exact in binary
//! (see `model/blocking.rs`), with a rare `0` (forever) and bad ones.

use rand::Rng;

use super::templates::t;
use super::{Gen, Template};
use crate::cmd::Cmd;

/// A timeout argument.
fn timeout(g: &mut Gen<'_>, c: &mut Cmd) {
    if g.bad() {
        const BAD: &[&[u8]] = &[b"-1", b"x", b"-0.5", b"1e"];
        return c.push(BAD[g.rng.gen_range(0..BAD.len())]);
    }
    const OK: &[&[u8]] = &[b"0.125", b"0.5", b"1", b"2", b"5", b"10", b"30", b"0.0625"];
    if g.pct(2) {
        c.push(b"0");
    } else {
        c.push(OK[g.rng.gen_range(0..OK.len())]);
    }
}

/// Keys, mostly among the few (k0..k2) that every family's templates
/// write often, so blocked clients get served, not only timed out.
fn keys(g: &mut Gen<'_>, c: &mut Cmd, n: usize) {
    for _ in 0..n {
        if g.pct(70) {
            c.push_parts(b"k", g.rng.gen_range(0..3));
        } else {
            g.key(c);
        }
    }
}

fn side(g: &mut Gen<'_>, c: &mut Cmd) {
    if g.bad() {
        c.push(b"up");
    } else {
        c.push(if g.pct(50) { b"LEFT" } else { b"right" });
    }
}

/// `NAME timeout numkeys key ... <where> [COUNT n]`.
fn mpop(g: &mut Gen<'_>, c: &mut Cmd, name: &[u8], wheres: [&[u8]; 2]) {
    c.push(name);
    timeout(g, c);
    let n = g.rng.gen_range(1..=3);
    c.push_int(if g.bad() { 0 } else { n as i64 });
    keys(g, c, n);
    c.push(wheres[g.rng.gen_range(0..2)]);
    if g.pct(40) {
        c.push(b"COUNT");
        c.push_int(if g.bad() { 0 } else { g.rng.gen_range(1..4) });
    }
}

fn pop_first(g: &mut Gen<'_>, c: &mut Cmd, name: &[u8]) {
    c.push(name);
    let n = g.rng.gen_range(1..=3);
    keys(g, c, n);
    timeout(g, c);
}

pub static TEMPLATES: &[Template] = &[
    t!("blpop", 4, |g, c| pop_first(g, c, b"BLPOP")),
    t!("brpop", 3, |g, c| pop_first(g, c, b"BRPOP")),
    t!("brpoplpush", 2, |g, c| {
        c.push(b"BRPOPLPUSH");
        keys(g, c, 2);
        timeout(g, c);
    }),
    t!("blmove", 2, |g, c| {
        c.push(b"BLMOVE");
        keys(g, c, 2);
        side(g, c);
        side(g, c);
        timeout(g, c);
    }),
    t!("blmpop", 2, |g, c| mpop(g, c, b"BLMPOP", [b"LEFT", b"right"])),
    t!("bzpopmin", 3, |g, c| pop_first(g, c, b"BZPOPMIN")),
    t!("bzpopmax", 2, |g, c| pop_first(g, c, b"BZPOPMAX")),
    t!("bzmpop", 2, |g, c| mpop(g, c, b"BZMPOP", [b"MIN", b"max"])),
    super::templates::sub_template("client", "unblock", 2, |g, c| {
        c.push(b"CLIENT");
        c.push(b"UNBLOCK");
        // Connection ids count up from 1: small ones hit live clients.
        c.push_int(g.rng.gen_range(0..12));
        match g.rng.gen_range(0..10) {
            0..=3 => {}
            4..=6 => c.push(b"TIMEOUT"),
            7 | 8 => c.push(b"error"),
            _ if g.bad() => c.push(b"later"),
            _ => {}
        }
    }),
];
