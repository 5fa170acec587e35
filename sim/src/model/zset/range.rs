//! The model's ZCOUNT ZLEXCOUNT, ZRANGE family, ZRANGESTORE and
//! ZREMRANGEBY*: filter the sorted members, as plainly as possible.

use super::{drop_if_empty, get_z, get_z_mut, store, write_items, ZSetM};
use crate::cmd::Cmd;
use crate::model::{eq_ic, parse_ll, Exec, Model, Out, WrongType, NOT_INTEGER, SYNTAX, WRONGTYPE};

/// A score bound: `(` for exclusive, then a number `strtod` reads whole.
fn score_bound(s: &[u8]) -> Option<(f64, bool)> {
    let (text, excl) = match s.strip_prefix(b"(") {
        Some(rest) => (rest, true),
        None => (s, false),
    };
    // Unlike ZADD, ranges take overflow (to +-inf) and underflow.
    let v = super::parse_score(text).or_else(|| {
        let t = std::str::from_utf8(text).ok()?;
        let v: f64 = t.parse().ok()?;
        (!v.is_nan() && t.bytes().all(|c| c.is_ascii_digit() || b".eE+-".contains(&c))).then_some(v)
    })?;
    Some((v, excl))
}

#[derive(Clone, Copy)]
struct ScoreR {
    min: (f64, bool),
    max: (f64, bool),
}

impl ScoreR {
    fn contains(&self, s: f64) -> bool {
        let lo = if self.min.1 { s > self.min.0 } else { s >= self.min.0 };
        let hi = if self.max.1 { s < self.max.0 } else { s <= self.max.0 };
        lo && hi
    }
}

fn score_range(cmd: &Cmd, a: usize, b: usize, out: &mut Out<'_>) -> Option<ScoreR> {
    match (score_bound(cmd.arg(a)), score_bound(cmd.arg(b))) {
        (Some(min), Some(max)) => Some(ScoreR { min, max }),
        _ => {
            out.w.err("ERR min or max is not a float");
            None
        }
    }
}

/// A lex bound: None for `-`, Some(None) for `+`... kept as an enum-free
/// pair: (kind, bytes) with kind 0 = -inf, 1 = +inf, 2 = inclusive, 3 = exclusive.
type LexB = (u8, Vec<u8>);

fn lex_bound(s: &[u8]) -> Option<LexB> {
    match s {
        b"-" => Some((0, vec![])),
        b"+" => Some((1, vec![])),
        [b'[', rest @ ..] => Some((2, rest.to_vec())),
        [b'(', rest @ ..] => Some((3, rest.to_vec())),
        _ => None,
    }
}

#[derive(Clone)]
struct LexR {
    min: LexB,
    max: LexB,
}

impl LexR {
    fn contains(&self, m: &[u8]) -> bool {
        let lo = match &self.min {
            (0, _) => true,
            (1, _) => false,
            (2, b) => m >= &b[..],
            (_, b) => m > &b[..],
        };
        let hi = match &self.max {
            (0, _) => false,
            (1, _) => true,
            (2, b) => m <= &b[..],
            (_, b) => m < &b[..],
        };
        lo && hi
    }
}

fn lex_range(cmd: &Cmd, a: usize, b: usize, out: &mut Out<'_>) -> Option<LexR> {
    match (lex_bound(cmd.arg(a)), lex_bound(cmd.arg(b))) {
        (Some(min), Some(max)) => Some(LexR { min, max }),
        _ => {
            out.w.err("ERR min or max not valid string range item");
            None
        }
    }
}

pub fn zcount(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(r) = score_range(cmd, 2, 3, out) else { return };
    match get_z(m.db(cx), cmd.arg(1), cx.now_ms) {
        Err(WrongType) => out.w.err(WRONGTYPE),
        Ok(z) => out.w.int(z.map_or(0, |z| z.scores.values().filter(|s| r.contains(**s)).count()) as i64),
    }
}

pub fn zlexcount(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(r) = lex_range(cmd, 2, 3, out) else { return };
    match get_z(m.db(cx), cmd.arg(1), cx.now_ms) {
        Err(WrongType) => out.w.err(WRONGTYPE),
        Ok(Some(z)) if !z.same_scores() => out.any(),
        Ok(z) => out.w.int(z.map_or(0, |z| z.scores.keys().filter(|k| r.contains(k)).count()) as i64),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Auto,
    Rank,
    Score,
    Lex,
}

pub fn zrange(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    generic(m, cmd, cx, out, 1, false, Kind::Auto, None)
}
pub fn zrangestore(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    generic(m, cmd, cx, out, 2, true, Kind::Auto, None)
}
pub fn zrevrange(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    generic(m, cmd, cx, out, 1, false, Kind::Rank, Some(true))
}
pub fn zrangebyscore(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    generic(m, cmd, cx, out, 1, false, Kind::Score, Some(false))
}
pub fn zrevrangebyscore(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    generic(m, cmd, cx, out, 1, false, Kind::Score, Some(true))
}
pub fn zrangebylex(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    generic(m, cmd, cx, out, 1, false, Kind::Lex, Some(false))
}
pub fn zrevrangebylex(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    generic(m, cmd, cx, out, 1, false, Kind::Lex, Some(true))
}

#[allow(clippy::too_many_arguments)]
fn generic(
    m: &mut Model,
    cmd: &Cmd,
    cx: &mut Exec<'_>,
    out: &mut Out<'_>,
    at: usize,
    is_store: bool,
    mut kind: Kind,
    fixed_rev: Option<bool>,
) {
    let mut rev = fixed_rev.unwrap_or(false);
    let (mut with, mut limit) = (false, None);
    let mut j = at + 3;
    while j < cmd.argc() {
        let a = cmd.arg(j);
        let left = cmd.argc() - j - 1;
        if !is_store && eq_ic(a, "withscores") {
            with = true;
        } else if eq_ic(a, "limit") && left >= 2 {
            let (Some(o), Some(c)) = (parse_ll(cmd.arg(j + 1)), parse_ll(cmd.arg(j + 2))) else {
                return out.w.err(NOT_INTEGER);
            };
            limit = Some((o, c));
            j += 2;
        } else if fixed_rev.is_none() && eq_ic(a, "rev") {
            rev = true;
        } else if kind == Kind::Auto && eq_ic(a, "bylex") {
            kind = Kind::Lex;
        } else if kind == Kind::Auto && eq_ic(a, "byscore") {
            kind = Kind::Score;
        } else {
            return out.w.err(SYNTAX);
        }
        j += 1;
    }
    if kind == Kind::Auto {
        kind = Kind::Rank;
    }
    if kind == Kind::Rank && limit.is_some_and(|(_, c)| c != -1) {
        return out.w.err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    }
    if with && kind == Kind::Lex {
        return out.w.err("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    }
    let (a, b) = if rev && kind != Kind::Rank { (at + 2, at + 1) } else { (at + 1, at + 2) };
    let key = cmd.arg(at);
    let now = cx.now_ms;
    let items: Vec<(Vec<u8>, f64)> = match kind {
        Kind::Rank | Kind::Auto => {
            let (Some(start), Some(stop)) = (parse_ll(cmd.arg(a)), parse_ll(cmd.arg(b))) else {
                return out.w.err(NOT_INTEGER);
            };
            let Some(mut sorted) = sorted_or_reply(m, cx, key, now, out) else { return };
            if rev {
                sorted.reverse();
            }
            let len = sorted.len() as i64;
            let s = if start < 0 { (len + start).max(0) } else { start };
            let e = if stop < 0 { len + stop } else { stop.min(len - 1) };
            if s > e || s >= len {
                vec![]
            } else {
                sorted[s as usize..=e as usize].to_vec()
            }
        }
        Kind::Score => {
            let Some(r) = score_range(cmd, a, b, out) else { return };
            let Some(mut sorted) = sorted_or_reply(m, cx, key, now, out) else { return };
            if rev {
                sorted.reverse();
            }
            let inside: Vec<_> = sorted.into_iter().filter(|(_, s)| r.contains(*s)).collect();
            window(inside, limit)
        }
        Kind::Lex => {
            let Some(r) = lex_range(cmd, a, b, out) else { return };
            match super::get_z(m.db(cx), key, now) {
                Ok(Some(z)) if !z.same_scores() => return out.any(),
                _ => {}
            }
            let Some(mut sorted) = sorted_or_reply(m, cx, key, now, out) else { return };
            if rev {
                sorted.reverse();
            }
            let inside: Vec<_> = sorted.into_iter().filter(|(mb, _)| r.contains(mb)).collect();
            window(inside, limit)
        }
    };
    if is_store {
        let dst = cmd.arg(1).to_vec();
        store(m, cx, &dst, items, out);
    } else {
        write_items(out, &items, with);
    }
}

/// LIMIT over the members in range: a negative offset gives nothing, a
/// negative count means all.
fn window(inside: Vec<(Vec<u8>, f64)>, limit: Option<(i64, i64)>) -> Vec<(Vec<u8>, f64)> {
    let (offset, count) = limit.unwrap_or((0, -1));
    if offset < 0 {
        return vec![];
    }
    let it = inside.into_iter().skip(offset as usize);
    if count < 0 {
        it.collect()
    } else {
        it.take(count as usize).collect()
    }
}

/// The sorted members (empty when missing), or WRONGTYPE written.
fn sorted_or_reply(
    m: &mut Model,
    cx: &Exec<'_>,
    key: &[u8],
    now: i64,
    out: &mut Out<'_>,
) -> Option<Vec<(Vec<u8>, f64)>> {
    match get_z(m.db(cx), key, now) {
        Err(WrongType) => {
            out.w.err(WRONGTYPE);
            None
        }
        Ok(z) => Some(z.map(ZSetM::sorted).unwrap_or_default()),
    }
}

pub fn zremrangebyrank(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let (Some(start), Some(stop)) = (parse_ll(cmd.arg(2)), parse_ll(cmd.arg(3))) else {
        return out.w.err(NOT_INTEGER);
    };
    remove_where(m, cmd, cx, out, |sorted| {
        let len = sorted.len() as i64;
        let s = if start < 0 { (len + start).max(0) } else { start };
        let e = if stop < 0 { len + stop } else { stop.min(len - 1) };
        if s > e || s >= len {
            vec![]
        } else {
            sorted[s as usize..=e as usize].iter().map(|(mb, _)| mb.clone()).collect()
        }
    })
}

pub fn zremrangebyscore(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(r) = score_range(cmd, 2, 3, out) else { return };
    remove_where(m, cmd, cx, out, |sorted| {
        sorted.iter().filter(|(_, s)| r.contains(*s)).map(|(mb, _)| mb.clone()).collect()
    })
}

pub fn zremrangebylex(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(r) = lex_range(cmd, 2, 3, out) else { return };
    // The generator keeps lex commands on equal-score sets (see the module doc).
    remove_where(m, cmd, cx, out, |sorted| {
        sorted.iter().filter(|(mb, _)| r.contains(mb)).map(|(mb, _)| mb.clone()).collect()
    })
}

fn remove_where(
    m: &mut Model,
    cmd: &Cmd,
    cx: &mut Exec<'_>,
    out: &mut Out<'_>,
    pick: impl Fn(&[(Vec<u8>, f64)]) -> Vec<Vec<u8>>,
) {
    let now = cx.now_ms;
    let key = cmd.arg(1);
    let db = m.db(cx);
    let z = match get_z_mut(db, key, now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => return out.w.int(0),
        Ok(Some(z)) => z,
    };
    let gone = pick(&z.sorted());
    for mb in &gone {
        z.scores.remove(mb);
    }
    drop_if_empty(db, key, now);
    out.w.int(gone.len() as i64);
}
