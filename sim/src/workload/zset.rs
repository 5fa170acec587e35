//! The zset family's templates (joined into the main mix by
//! [`super::main_templates`]).
//!
//! Members come from a small pool (`m0`..`m11`) so commands meet, with an
//! occasional 65-byte member and an occasional 130-member ZADD so sets cross
//! the listpack thresholds. Lex-range commands go to their own keys (`lz0`..
//! `lz2`, which only ever get score 0), because a lex range over mixed
//! scores is unspecified in Redis.

use rand::Rng;

use super::templates::t;
use super::{Gen, Template, FLOATS};
use crate::cmd::Cmd;

const SCORE_BOUNDS: &[&[u8]] = &[b"-inf", b"+inf", b"(0", b"1", b"(2.5", b"-3", b"5", b"(5", b"0", b"10"];
const LEX_BOUNDS: &[&[u8]] = &[b"-", b"+", b"[m1", b"(m3", b"[m5", b"(m", b"[m10", b"(m7"];

impl Gen<'_> {
    fn member(&mut self, c: &mut Cmd) {
        if self.pct(2) {
            let long = [b'L'; 65];
            c.push(&long);
        } else {
            c.push_parts(b"m", self.rng.gen_range(0..12));
        }
    }

    fn score(&mut self, c: &mut Cmd) {
        if self.bad() {
            let bad: [&[u8]; 4] = [b"abc", b"nan", b"", b"1e400"];
            return c.push(bad[self.rng.gen_range(0..bad.len())]);
        }
        match self.rng.gen_range(0..10) {
            0..=5 => c.push_int(self.rng.gen_range(-5..=10)),
            6..=8 => c.push(FLOATS[self.rng.gen_range(0..FLOATS.len())]),
            _ => c.push([&b"inf"[..], b"-inf", b"+inf", b"1e300"][self.rng.gen_range(0..4)]),
        }
    }

    fn score_bound(&mut self, c: &mut Cmd) {
        if self.bad() {
            return c.push(b"x");
        }
        c.push(SCORE_BOUNDS[self.rng.gen_range(0..SCORE_BOUNDS.len())]);
    }

    fn lex_bound(&mut self, c: &mut Cmd) {
        if self.bad() {
            return c.push(b"m1");
        }
        c.push(LEX_BOUNDS[self.rng.gen_range(0..LEX_BOUNDS.len())]);
    }

    fn lex_key(&mut self, c: &mut Cmd) {
        c.push_parts(b"lz", self.rng.gen_range(0..3));
    }

    fn limit(&mut self, c: &mut Cmd) {
        if self.pct(30) {
            c.push(b"LIMIT");
            self.int_or_bad(c, -1, 4);
            self.int(c, -1, 4);
        }
    }

    fn zkeys(&mut self, c: &mut Cmd) {
        let n = self.rng.gen_range(1..=3);
        if self.bad() {
            c.push_int(if self.pct(50) { 0 } else { n + 2 });
        } else {
            c.push_int(n);
        }
        for _ in 0..n {
            self.key(c);
        }
    }
}

fn zadd(g: &mut Gen<'_>, c: &mut Cmd) {
    c.push(b"ZADD");
    g.key(c);
    for (opt, p) in [(&b"NX"[..], 10), (b"xx", 10), (b"GT", 8), (b"lt", 8), (b"CH", 15), (b"INCR", 8)] {
        if g.pct(p) {
            c.push(opt);
        }
    }
    if g.pct(2) {
        // Crosses zset-max-listpack-entries (128).
        for i in 0..130 {
            c.push_int(i);
            c.push_parts(b"m", i as u64);
        }
        return;
    }
    for _ in 0..g.rng.gen_range(1..=3) {
        g.score(c);
        g.member(c);
    }
}

fn zrange(g: &mut Gen<'_>, c: &mut Cmd) {
    c.push(b"ZRANGE");
    match g.rng.gen_range(0..3) {
        0 => {
            g.key(c);
            g.int_or_bad(c, -4, 4);
            g.int(c, -4, 4);
        }
        1 => {
            g.key(c);
            g.score_bound(c);
            g.score_bound(c);
            c.push(b"BYSCORE");
            g.limit(c);
        }
        _ => {
            g.lex_key(c);
            g.lex_bound(c);
            g.lex_bound(c);
            c.push(b"bylex");
            g.limit(c);
        }
    }
    if g.pct(30) {
        c.push(b"REV");
    }
    if g.pct(40) {
        c.push(b"WITHSCORES");
    }
}

pub static TEMPLATES: &[Template] = &[
    t!("zadd", 10, zadd),
    t!("zadd", 3, |g, c| {
        c.push(b"ZADD");
        g.lex_key(c);
        for _ in 0..g.rng.gen_range(1..=4) {
            c.push(b"0");
            g.member(c);
        }
    }),
    t!("zincrby", 3, |g, c| {
        c.push(b"ZINCRBY");
        g.key(c);
        g.score(c);
        g.member(c);
    }),
    t!("zrem", 3, |g, c| {
        c.push(b"ZREM");
        if g.pct(20) {
            g.lex_key(c)
        } else {
            g.key(c)
        }
        for _ in 0..g.rng.gen_range(1..=3) {
            g.member(c);
        }
    }),
    t!("zcard", 2, |g, c| {
        c.push(b"ZCARD");
        g.key(c);
    }),
    t!("zscore", 2, |g, c| {
        c.push(b"ZSCORE");
        g.key(c);
        g.member(c);
    }),
    t!("zmscore", 1, |g, c| {
        c.push(b"ZMSCORE");
        g.key(c);
        g.member(c);
        g.member(c);
    }),
    t!("zrank", 2, |g, c| {
        c.push(if g.pct(50) { b"ZRANK" } else { b"zrevrank" });
        g.key(c);
        g.member(c);
    }),
    t!("zcount", 2, |g, c| {
        c.push(b"ZCOUNT");
        g.key(c);
        g.score_bound(c);
        g.score_bound(c);
    }),
    t!("zlexcount", 1, |g, c| {
        c.push(b"ZLEXCOUNT");
        g.lex_key(c);
        g.lex_bound(c);
        g.lex_bound(c);
    }),
    t!("zrange", 5, zrange),
    t!("zrangestore", 2, |g, c| {
        c.push(b"ZRANGESTORE");
        g.key(c);
        g.key(c);
        if g.pct(50) {
            g.int(c, -3, 3);
            g.int(c, -3, 3);
        } else {
            g.score_bound(c);
            g.score_bound(c);
            c.push(b"BYSCORE");
            g.limit(c);
        }
        if g.pct(30) {
            c.push(b"REV");
        }
    }),
    t!("zrevrange", 1, |g, c| {
        c.push(b"ZREVRANGE");
        g.key(c);
        g.int(c, -3, 3);
        g.int(c, -3, 3);
        if g.pct(50) {
            c.push(b"WITHSCORES");
        }
    }),
    t!("zrangebyscore", 2, |g, c| {
        c.push(if g.pct(50) { b"ZRANGEBYSCORE" } else { b"ZREVRANGEBYSCORE" });
        g.key(c);
        g.score_bound(c);
        g.score_bound(c);
        if g.pct(50) {
            c.push(b"WITHSCORES");
        }
        g.limit(c);
    }),
    t!("zrangebylex", 1, |g, c| {
        c.push(if g.pct(50) { b"ZRANGEBYLEX" } else { b"ZREVRANGEBYLEX" });
        g.lex_key(c);
        g.lex_bound(c);
        g.lex_bound(c);
        g.limit(c);
    }),
    t!("zremrangebyrank", 1, |g, c| {
        c.push(b"ZREMRANGEBYRANK");
        g.key(c);
        g.int_or_bad(c, -3, 3);
        g.int(c, -3, 3);
    }),
    t!("zremrangebyscore", 1, |g, c| {
        c.push(b"ZREMRANGEBYSCORE");
        g.key(c);
        g.score_bound(c);
        g.score_bound(c);
    }),
    t!("zremrangebylex", 1, |g, c| {
        c.push(b"ZREMRANGEBYLEX");
        g.lex_key(c);
        g.lex_bound(c);
        g.lex_bound(c);
    }),
    t!("zpopmin", 2, |g, c| {
        c.push(if g.pct(50) { b"ZPOPMIN" } else { b"zpopmax" });
        g.key(c);
        if g.pct(50) {
            g.int_or_bad(c, 0, 3);
        }
    }),
    t!("zmpop", 1, |g, c| {
        c.push(b"ZMPOP");
        g.zkeys(c);
        c.push(if g.pct(50) { b"MIN" } else { b"max" });
        if g.pct(50) {
            c.push(b"COUNT");
            g.int_or_bad(c, 1, 3);
        }
    }),
    t!("zrandmember", 2, |g, c| {
        c.push(b"ZRANDMEMBER");
        g.key(c);
        if g.pct(70) {
            g.int_or_bad(c, -5, 5);
            if g.pct(50) {
                c.push(b"WITHSCORES");
            }
        }
    }),
    t!("zscan", 1, |g, c| {
        c.push(b"ZSCAN");
        g.key(c);
        c.push_int(if g.pct(80) { 0 } else { g.rng.gen_range(1..64) });
        if g.pct(30) {
            c.push(b"MATCH");
            c.push(if g.pct(50) { b"m1*" } else { b"*" });
        }
        if g.pct(30) {
            c.push(b"COUNT");
            g.int_or_bad(c, 1, 5);
        }
    }),
    t!("zunion", 2, |g, c| {
        let store = g.pct(50);
        c.push([&b"ZUNION"[..], b"ZINTER", b"ZDIFF"][g.rng.gen_range(0..3)]);
        let diff = c.arg(0) == b"ZDIFF";
        if store {
            // The same generator makes the STORE forms.
            let name = [c.arg(0), b"STORE"].concat();
            c.clear();
            c.push(&name);
            g.key(c);
        }
        g.zkeys(c);
        if !diff && g.pct(30) {
            c.push(b"WEIGHTS");
            let n = crate::model::parse_ll(c.arg(if store { 2 } else { 1 })).unwrap_or(1).clamp(0, 3);
            for _ in 0..n {
                c.push([&b"1"[..], b"2", b"-1", b"0.5", b"inf", b"0"][g.rng.gen_range(0..6)]);
            }
        }
        if !diff && g.pct(30) {
            c.push(b"AGGREGATE");
            c.push([&b"SUM"[..], b"min", b"MAX"][g.rng.gen_range(0..3)]);
        }
        if !store && g.pct(50) {
            c.push(b"WITHSCORES");
        }
    }),
    t!("zintercard", 1, |g, c| {
        c.push(b"ZINTERCARD");
        g.zkeys(c);
        if g.pct(50) {
            c.push(b"LIMIT");
            g.int_or_bad(c, 0, 3);
        }
    }),
];
