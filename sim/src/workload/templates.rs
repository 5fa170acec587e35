//! The template table: one row per kind of command the generator makes.

use rand::Rng;

use super::{Gen, FLOATS};
use crate::cmd::Cmd;

type GenFn = fn(&mut Gen<'_>, &mut Cmd);

/// One kind of command the generator makes.
#[derive(Clone, Copy)]
pub struct Template {
    /// The engine command (lowercase) that must exist for this to be drawn.
    pub name: &'static str,
    /// A subcommand that must exist too.
    pub sub: Option<&'static str>,
    /// Another command that must exist: marks a template needing more than
    /// the bare command (SET's options arrive with the string family).
    pub requires: Option<&'static str>,
    pub weight: u32,
    pub gen: GenFn,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.name, self.sub.map_or(String::new(), |s| format!("|{s}")))
    }
}

/// A template row: `t!("name", weight, generator)`, optionally with
/// `requires "other"`. Shared with the family tables (`workload/*.rs`).
macro_rules! t {
    ($name:literal, $w:expr, $gen:expr) => {
        $crate::workload::Template { name: $name, sub: None, requires: None, weight: $w, gen: $gen }
    };
    ($name:literal, requires $req:literal, $w:expr, $gen:expr) => {
        $crate::workload::Template { name: $name, sub: None, requires: Some($req), weight: $w, gen: $gen }
    };
}
#[allow(unused_imports)] // used by the family tables as they fill in
pub(crate) use t;

fn keys_n(g: &mut Gen<'_>, c: &mut Cmd, lo: usize, hi: usize) {
    for _ in 0..g.rng.gen_range(lo..=hi) {
        g.key(c);
    }
}

fn expire_cmd(g: &mut Gen<'_>, c: &mut Cmd, name: &[u8], t: fn(&mut Gen<'_>, &mut Cmd)) {
    c.push(name);
    g.key(c);
    t(g, c);
    g.expire_flags(c);
}

fn set_options(g: &mut Gen<'_>, c: &mut Cmd) {
    if g.pct(40) {
        c.push(if g.pct(50) { b"NX" } else { b"xx" });
    }
    if g.pct(25) {
        c.push(b"GET");
    }
    match g.rng.gen_range(0..10) {
        0 | 1 => {
            c.push(b"EX");
            g.seconds(c)
        }
        2 | 3 => {
            c.push(b"px");
            g.millis(c)
        }
        4 => {
            c.push(b"EXAT");
            g.unix_s(c)
        }
        5 => {
            c.push(b"PXAT");
            g.unix_ms(c)
        }
        6 => c.push(b"KEEPTTL"),
        _ => {}
    }
    if g.bad() {
        let bad: [&[u8]; 3] = [b"EX", b"NX", b"PERSIST"];
        c.push(bad[g.rng.gen_range(0..bad.len())]);
    }
}

/// One BITFIELD subcommand (a write only if `writes`): types, offsets and
/// values around the overflow edges, and bad arguments on a bad draw.
fn bitfield_sub(g: &mut Gen<'_>, c: &mut Cmd, writes: bool) {
    const TYPES: [&[u8]; 12] =
        [b"u1", b"i1", b"u8", b"i8", b"i5", b"u13", b"i16", b"u63", b"i64", b"u2", b"i32", b"u31"];
    const BAD_TYPES: [&[u8]; 5] = [b"u64", b"i65", b"i0", b"x8", b"I8"];
    const EDGES: [i64; 13] =
        [0, 1, -1, 127, -128, -129, 255, 256, i64::MAX, i64::MIN, i64::MIN + 127, i64::MIN + 128, (1 << 62) + 5];
    if g.pct(20) {
        c.push(b"OVERFLOW");
        let modes: [&[u8]; 4] = [b"WRAP", b"sat", b"FAIL", b"bogus"];
        let n_modes = if g.bad() { 4 } else { 3 };
        c.push(modes[g.rng.gen_range(0..n_modes)]);
    }
    let sub: &[u8] = match g.rng.gen_range(0..if writes { 3 } else { 1 }) {
        0 => b"GET",
        1 => b"set",
        _ => b"INCRBY",
    };
    c.push(if g.bad() && g.pct(20) { b"foo" } else { sub });
    let bad_type = g.bad();
    c.push(if bad_type { BAD_TYPES[g.rng.gen_range(0..5)] } else { TYPES[g.rng.gen_range(0..12)] });
    if g.bad() {
        let bad: [&[u8]; 4] = [b"-1", b"x", b"#", b"4294967296"];
        c.push(bad[g.rng.gen_range(0..bad.len())]);
    } else if g.pct(3) {
        // Redis multiplies in wrapping 64-bit arithmetic: offset 0 for
        // 8 and 64 bits, refused (negative or too far) for the others.
        c.push(b"#2305843009213693952");
    } else if g.pct(25) {
        c.push_parts(b"#", g.rng.gen_range(0..8));
    } else {
        let hi = if g.pct(3) { 30_000 } else { 100 };
        g.int(c, 0, hi);
    }
    if sub != b"GET" {
        if g.pct(40) {
            c.push_int(EDGES[g.rng.gen_range(0..EDGES.len())]);
        } else {
            g.int_or_bad(c, -300, 300);
        }
    }
}

/// Every template. Weights are defaults; a seed rescales each.
pub static TEMPLATES: &[Template] = &[
    t!("ping", 2, |g, c| {
        c.push(b"PING");
        if g.pct(30) {
            g.value(c);
        }
        if g.bad() {
            c.push(b"extra");
        }
    }),
    t!("echo", 2, |g, c| {
        c.push(b"ECHO");
        g.value(c)
    }),
    t!("select", 3, |g, c| {
        c.push(b"SELECT");
        g.db(c)
    }),
    t!("quit", 1, |_, c| c.push(b"QUIT")),
    t!("swapdb", 1, |g, c| {
        c.push(b"SWAPDB");
        g.db(c);
        g.db(c)
    }),
    t!("dbsize", 2, |_, c| c.push(b"DBSIZE")),
    t!("flushdb", 1, |g, c| {
        c.push(b"FLUSHDB");
        if g.pct(30) {
            c.push(if g.bad() { b"LATER" as &[u8] } else { b"ASYNC" });
        }
    }),
    t!("flushall", 1, |g, c| {
        c.push(b"FLUSHALL");
        if g.pct(30) {
            c.push(b"sync");
        }
    }),
    t!("del", 5, |g, c| {
        c.push(b"DEL");
        keys_n(g, c, 1, 3)
    }),
    t!("unlink", 2, |g, c| {
        c.push(b"UNLINK");
        keys_n(g, c, 1, 3)
    }),
    t!("exists", 4, |g, c| {
        c.push(b"EXISTS");
        keys_n(g, c, 1, 3)
    }),
    t!("touch", 1, |g, c| {
        c.push(b"TOUCH");
        keys_n(g, c, 1, 3)
    }),
    t!("type", 2, |g, c| {
        c.push(b"TYPE");
        g.key(c)
    }),
    t!("rename", 3, |g, c| {
        c.push(b"RENAME");
        keys_n(g, c, 2, 2)
    }),
    t!("renamenx", 2, |g, c| {
        c.push(b"RENAMENX");
        keys_n(g, c, 2, 2)
    }),
    t!("move", 2, |g, c| {
        c.push(b"MOVE");
        g.key(c);
        g.db(c)
    }),
    t!("copy", 2, |g, c| {
        c.push(b"COPY");
        keys_n(g, c, 2, 2);
        if g.pct(40) {
            c.push(b"DB");
            g.db(c);
        }
        if g.pct(40) {
            c.push(b"REPLACE");
        }
        if g.bad() {
            c.push(b"DB");
        }
    }),
    t!("keys", 1, |g, c| {
        c.push(b"KEYS");
        g.pattern(c)
    }),
    t!("scan", 2, |g, c| {
        // The world turns this into a scan session (cursor 0, then each
        // returned cursor).
        c.push(b"SCAN");
        c.push(if g.bad() { b"abc" as &[u8] } else { b"0" });
        if g.pct(40) {
            c.push(b"MATCH");
            g.pattern(c);
        }
        if g.pct(50) {
            c.push(b"COUNT");
            let lo = if g.bad() { -1 } else { 1 };
            let n = g.rng.gen_range(lo..=20);
            c.push_int(n);
        }
        if g.pct(20) {
            c.push(b"TYPE");
            c.push(if g.pct(70) { b"string" } else { b"list" });
        }
    }),
    t!("randomkey", 1, |_, c| c.push(b"RANDOMKEY")),
    Template {
        name: "object",
        sub: Some("encoding"),
        requires: None,
        weight: 2,
        gen: |g, c| {
            c.push(b"OBJECT");
            c.push(b"ENCODING");
            g.key(c)
        },
    },
    t!("expire", 4, |g, c| expire_cmd(g, c, b"EXPIRE", |g, c| if g.pct(20) { g.int(c, -3, 0) } else { g.seconds(c) })),
    t!("pexpire", 3, |g, c| expire_cmd(g, c, b"PEXPIRE", |g, c| g.millis(c))),
    t!("expireat", 2, |g, c| expire_cmd(g, c, b"EXPIREAT", |g, c| g.unix_s(c))),
    t!("pexpireat", 2, |g, c| expire_cmd(g, c, b"PEXPIREAT", |g, c| g.unix_ms(c))),
    t!("ttl", 3, |g, c| {
        c.push(b"TTL");
        g.key(c)
    }),
    t!("pttl", 3, |g, c| {
        c.push(b"PTTL");
        g.key(c)
    }),
    t!("expiretime", 1, |g, c| {
        c.push(b"EXPIRETIME");
        g.key(c)
    }),
    t!("pexpiretime", 1, |g, c| {
        c.push(b"PEXPIRETIME");
        g.key(c)
    }),
    t!("persist", 2, |g, c| {
        c.push(b"PERSIST");
        g.key(c)
    }),
    t!("get", 10, |g, c| {
        c.push(b"GET");
        g.key(c)
    }),
    t!("set", 10, |g, c| {
        c.push(b"SET");
        g.key(c);
        g.value(c)
    }),
    t!("set", requires "setex", 6, |g, c| {
        c.push(b"SET");
        g.key(c);
        g.value(c);
        set_options(g, c)
    }),
    t!("setnx", 2, |g, c| {
        c.push(b"SETNX");
        g.key(c);
        g.value(c)
    }),
    t!("setex", 2, |g, c| {
        c.push(b"SETEX");
        g.key(c);
        g.seconds(c);
        g.value(c)
    }),
    t!("psetex", 2, |g, c| {
        c.push(b"PSETEX");
        g.key(c);
        g.millis(c);
        g.value(c)
    }),
    t!("getset", 2, |g, c| {
        c.push(b"GETSET");
        g.key(c);
        g.value(c)
    }),
    t!("getdel", 2, |g, c| {
        c.push(b"GETDEL");
        g.key(c)
    }),
    t!("getex", 3, |g, c| {
        c.push(b"GETEX");
        g.key(c);
        match g.rng.gen_range(0..6) {
            0 => {
                c.push(b"EX");
                g.seconds(c)
            }
            1 => {
                c.push(b"PX");
                g.millis(c)
            }
            2 => {
                c.push(b"EXAT");
                g.unix_s(c)
            }
            3 => {
                c.push(b"PXAT");
                g.unix_ms(c)
            }
            4 => c.push(b"PERSIST"),
            _ => {}
        }
        if g.bad() {
            c.push(b"KEEPTTL");
        }
    }),
    t!("mget", 3, |g, c| {
        c.push(b"MGET");
        keys_n(g, c, 1, 4)
    }),
    t!("mset", 2, |g, c| {
        c.push(b"MSET");
        for _ in 0..g.rng.gen_range(1..=3) {
            g.key(c);
            g.value(c);
        }
        if g.bad() {
            g.key(c);
        }
    }),
    t!("msetnx", 2, |g, c| {
        c.push(b"MSETNX");
        for _ in 0..g.rng.gen_range(1..=3) {
            g.key(c);
            g.value(c);
        }
    }),
    t!("append", 4, |g, c| {
        c.push(b"APPEND");
        g.key(c);
        g.value(c)
    }),
    t!("strlen", 2, |g, c| {
        c.push(b"STRLEN");
        g.key(c)
    }),
    t!("incr", 4, |g, c| {
        c.push(b"INCR");
        g.key(c)
    }),
    t!("decr", 2, |g, c| {
        c.push(b"DECR");
        g.key(c)
    }),
    t!("incrby", 3, |g, c| {
        c.push(b"INCRBY");
        g.key(c);
        if g.pct(10) {
            c.push_int(if g.pct(50) { i64::MAX } else { i64::MIN });
        } else {
            g.int_or_bad(c, -1000, 1000);
        }
    }),
    t!("decrby", 2, |g, c| {
        c.push(b"DECRBY");
        g.key(c);
        if g.pct(10) {
            c.push_int(if g.pct(50) { i64::MAX } else { i64::MIN });
        } else {
            g.int_or_bad(c, -1000, 1000);
        }
    }),
    t!("incrbyfloat", 3, |g, c| {
        c.push(b"INCRBYFLOAT");
        g.key(c);
        if g.bad() {
            c.push(b"abc");
        } else {
            c.push(FLOATS[g.rng.gen_range(0..FLOATS.len())]);
        }
    }),
    t!("getrange", 3, |g, c| {
        c.push(b"GETRANGE");
        g.key(c);
        g.range_arg(c);
        g.range_arg(c)
    }),
    t!("substr", 1, |g, c| {
        c.push(b"SUBSTR");
        g.key(c);
        g.range_arg(c);
        g.range_arg(c)
    }),
    t!("setrange", 3, |g, c| {
        c.push(b"SETRANGE");
        g.key(c);
        if g.bad() {
            let bad: [&[u8]; 3] = [b"-1", b"536870912", b"x"];
            c.push(bad[g.rng.gen_range(0..bad.len())]);
        } else {
            let hi = if g.pct(5) { 4000 } else { 40 };
            g.int(c, 0, hi);
        }
        g.value(c)
    }),
    t!("lcs", 2, |g, c| {
        c.push(b"LCS");
        keys_n(g, c, 2, 2);
        match g.rng.gen_range(0..4) {
            0 => c.push(b"LEN"),
            1 => {
                c.push(b"IDX");
                if g.pct(50) {
                    c.push(b"MINMATCHLEN");
                    g.int(c, -1, 4);
                }
                if g.pct(50) {
                    c.push(b"WITHMATCHLEN");
                }
            }
            _ => {}
        }
        if g.bad() {
            c.push(if g.pct(50) { b"LEN" as &[u8] } else { b"bogus" });
        }
    }),
    t!("setbit", 3, |g, c| {
        c.push(b"SETBIT");
        g.key(c);
        if g.bad() {
            let bad: [&[u8]; 3] = [b"-1", b"4294967296", b"x"];
            c.push(bad[g.rng.gen_range(0..bad.len())]);
        } else {
            let hi = if g.pct(5) { 30_000 } else { 200 };
            g.int(c, 0, hi);
        }
        if g.bad() {
            c.push(b"2");
        } else {
            g.int(c, 0, 1);
        }
    }),
    t!("getbit", 2, |g, c| {
        c.push(b"GETBIT");
        g.key(c);
        g.int_or_bad(c, 0, 300)
    }),
    t!("bitcount", 2, |g, c| {
        c.push(b"BITCOUNT");
        g.key(c);
        if g.pct(60) {
            g.range_arg(c);
            g.range_arg(c);
            if g.pct(50) {
                c.push(if g.pct(50) { b"BIT" as &[u8] } else { b"byte" });
            }
        }
        if g.bad() {
            c.push(b"BIT");
        }
    }),
    t!("bitpos", 2, |g, c| {
        c.push(b"BITPOS");
        g.key(c);
        g.int_or_bad(c, 0, 1);
        if g.pct(60) {
            g.range_arg(c);
            if g.pct(60) {
                g.range_arg(c);
                if g.pct(50) {
                    c.push(if g.pct(50) { b"BIT" as &[u8] } else { b"BYTE" });
                }
            }
        }
    }),
    t!("bitop", 2, |g, c| {
        c.push(b"BITOP");
        let ops: [&[u8]; 7] = [b"AND", b"or", b"XOR", b"Not", b"foo", b"an", b"not\0x"];
        let n_ops = if g.bad() { 7 } else { 4 };
        let op = g.rng.gen_range(0..n_ops);
        c.push(ops[op]);
        g.key(c);
        // NOT takes one source; with a bad draw, sometimes more.
        let n = if op == 3 && !g.bad() { 1 } else { g.rng.gen_range(1..=3) };
        keys_n(g, c, n, n)
    }),
    t!("bitfield", 3, |g, c| {
        c.push(b"BITFIELD");
        g.key(c);
        for _ in 0..g.rng.gen_range(0..=4) {
            bitfield_sub(g, c, true);
        }
    }),
    t!("bitfield_ro", 1, |g, c| {
        c.push(b"BITFIELD_RO");
        g.key(c);
        for _ in 0..g.rng.gen_range(0..=3) {
            let writes = g.bad();
            bitfield_sub(g, c, writes);
        }
    }),
    t!("sort", 3, |g, c| sort_cmd(g, c, b"SORT")),
    t!("sort_ro", 1, |g, c| sort_cmd(g, c, b"sort_ro")),
];

/// A template for a subcommand (`name sub`), which must exist too.
macro_rules! sub {
    ($name:literal, $sub:literal, $w:expr, $gen:expr) => {
        sub_template($name, $sub, $w, $gen)
    };
}

/// A subcommand's template (`CLIENT SETNAME`): drawn only if both exist.
pub(crate) const fn sub_template(name: &'static str, sub: &'static str, weight: u32, gen: GenFn) -> Template {
    Template { name, sub: Some(sub), requires: None, weight, gen }
}

/// Connection and server introspection: drawn from their own mix, switched
/// on per seed by a draw from a separate random stream (see
/// `World::new`), so that a seed without them draws exactly what it drew
/// before they existed (the regression seeds keep their meaning).
pub static EXTRA_TEMPLATES: &[Template] = &[
    t!("time", 2, |g, c| {
        c.push(b"TIME");
        if g.bad() {
            c.push(b"extra");
        }
    }),
    sub!("client", "setname", 3, |g, c| {
        c.push(b"CLIENT");
        c.push(b"SETNAME");
        // Valid names (the empty one clears), and names Redis refuses.
        let names: [&[u8]; 8] = [b"conn", b"a-b", b"x1", b"worker:7", b"", b"a b", b"tab\there", b"caf\xc3\xa9"];
        let n = if g.bad() { names.len() } else { 5 };
        c.push(names[g.rng.gen_range(0..n)]);
    }),
    sub!("client", "getname", 3, |g, c| {
        c.push(b"CLIENT");
        c.push(b"GETNAME");
        if g.bad() {
            c.push(b"extra");
        }
    }),
    sub!("client", "id", 2, |_, c| {
        c.push(b"CLIENT");
        c.push(b"ID");
    }),
    t!("reset", 1, |_, c| c.push(b"RESET")),
    sub!("object", "refcount", 2, |g, c| {
        c.push(b"OBJECT");
        c.push(b"REFCOUNT");
        g.key(c)
    }),
    sub!("object", "freq", 1, |g, c| {
        c.push(b"OBJECT");
        c.push(b"FREQ");
        g.key(c)
    }),
    sub!("command", "count", 1, |g, c| {
        c.push(b"COMMAND");
        c.push(b"COUNT");
        if g.bad() {
            c.push(b"extra");
        }
    }),
];

/// SORT / SORT_RO with its options in random order: BY a key pattern
/// (keys are `k<n>`, so `k*` meets keys when elements are small numbers),
/// `nosort` or a hash field; LIMIT windows at and past the edges; GET
/// patterns and `#`; ASC/DESC; ALPHA; STORE (SORT only, SORT_RO answers a
/// syntax error); now and then a word SORT does not know.
fn sort_cmd(g: &mut Gen<'_>, c: &mut Cmd, name: &[u8]) {
    const PATTERNS: &[&[u8]] = &[b"k*", b"k*", b"*", b"nosort", b"k*->f", b"k1*", b"#"];
    c.push(name);
    g.key(c);
    for _ in 0..g.rng.gen_range(0..4) {
        match g.rng.gen_range(0..8) {
            0 => {
                c.push(b"BY");
                c.push(PATTERNS[g.rng.gen_range(0..PATTERNS.len())]);
            }
            1 => {
                c.push(b"limit");
                let edges = [i64::MIN, -1, 0, 1, 2, 5, 40, i64::MAX];
                for _ in 0..2 {
                    if g.pct(70) {
                        g.int_or_bad(c, -2, 6);
                    } else {
                        c.push_int(edges[g.rng.gen_range(0..edges.len())]);
                    }
                }
            }
            2 | 3 => {
                c.push(b"GET");
                c.push(PATTERNS[g.rng.gen_range(0..PATTERNS.len())]);
            }
            4 => c.push(if g.pct(50) { b"DESC" } else { b"asc" }),
            5 | 6 => c.push(b"ALPHA"),
            _ if g.pct(60) && name == b"SORT" => {
                c.push(b"STORE");
                g.key(c);
            }
            _ if g.bad() => c.push(b"bogus"),
            _ => c.push(b"alpha"),
        }
    }
}
