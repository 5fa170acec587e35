//! The zset type in the model: a `BTreeMap` from member to score, sorted
//! into a `Vec` by (score, member) whenever order matters (the sets the
//! simulator makes are small). Shares no code with the engine: scores are
//! parsed by the grammar the generator produces and printed by this
//! module's own `%.17g`. The encoding name is tracked by Redis 7.0's rules
//! (listpack while at most 128 members of at most 64 bytes; one-way).
//!
//! Lex-range commands are exact only when every score is equal (Redis's own
//! result is unspecified otherwise); the generator aims them at keys that
//! only ever get score 0, and the model answers "any reply" otherwise.

mod algebra;
mod range;

use std::collections::BTreeMap;

use super::{eq_ic, int_arg, parse_ll, Data, Db, Entry, Exec, Model, Out, Prop, Spec, WrongType, SYNTAX, WRONGTYPE};
use crate::cmd::Cmd;

/// `zset-max-listpack-entries` and `zset-max-listpack-value` defaults (the
/// simulator never changes them).
pub const LISTPACK_ENTRIES: usize = 128;
pub const LISTPACK_VALUE_BYTES: usize = 64;

/// The family's commands (joined with the others by [`super::all_specs`]).
pub static SPECS: &[Spec] = &[
    Spec::new("zadd", -4, zadd),
    Spec::new("zincrby", 4, zincrby),
    Spec::new("zrem", -3, zrem),
    Spec::new("zcard", 2, zcard),
    Spec::new("zscore", 3, zscore),
    Spec::new("zmscore", -3, zmscore),
    Spec::new("zrank", 3, zrank),
    Spec::new("zrevrank", 3, zrevrank),
    Spec::new("zcount", 4, range::zcount),
    Spec::new("zlexcount", 4, range::zlexcount),
    Spec::new("zrange", -4, range::zrange),
    Spec::new("zrangestore", -5, range::zrangestore),
    Spec::new("zrevrange", -4, range::zrevrange),
    Spec::new("zrangebyscore", -4, range::zrangebyscore),
    Spec::new("zrevrangebyscore", -4, range::zrevrangebyscore),
    Spec::new("zrangebylex", -4, range::zrangebylex),
    Spec::new("zrevrangebylex", -4, range::zrevrangebylex),
    Spec::new("zremrangebyrank", 4, range::zremrangebyrank),
    Spec::new("zremrangebyscore", 4, range::zremrangebyscore),
    Spec::new("zremrangebylex", 4, range::zremrangebylex),
    Spec::new("zpopmin", -2, zpopmin),
    Spec::new("zpopmax", -2, zpopmax),
    Spec::new("zmpop", -4, zmpop),
    Spec::new("zrandmember", -2, zrandmember),
    Spec::new("zscan", -3, zscan),
    Spec::new("zunion", -3, algebra::zunion),
    Spec::new("zinter", -3, algebra::zinter),
    Spec::new("zdiff", -3, algebra::zdiff),
    Spec::new("zunionstore", -4, algebra::zunionstore),
    Spec::new("zinterstore", -4, algebra::zinterstore),
    Spec::new("zdiffstore", -4, algebra::zdiffstore),
    Spec::new("zintercard", -3, algebra::zintercard),
];

/// The family's commands the model leaves out, each with the reason.
/// Every sorted-set command is modelled (the blocking ones in [`super::blocking`]).
pub static NOT_MODELLED: &[(&str, &str)] = &[];

#[derive(Clone, Debug, Default)]
pub struct ZSetM {
    pub scores: BTreeMap<Vec<u8>, f64>,
    /// Redis would report `listpack` (else `skiplist`).
    pub listpack: bool,
}

impl ZSetM {
    /// The name OBJECT ENCODING replies with.
    pub fn encoding_name(&self) -> &'static [u8] {
        if self.listpack {
            b"listpack"
        } else {
            b"skiplist"
        }
    }

    /// Members by (score, member).
    pub fn sorted(&self) -> Vec<(Vec<u8>, f64)> {
        let mut v: Vec<(Vec<u8>, f64)> = self.scores.iter().map(|(m, s)| (m.clone(), *s)).collect();
        v.sort_by(|a, b| a.1.partial_cmp(&b.1).expect("no NaN").then_with(|| a.0.cmp(&b.0)));
        v
    }

    /// Sets a score (Redis `zsetAdd`'s write): a new member that would
    /// outgrow the listpack converts it first; a listpack stores -0 as 0.
    pub fn put(&mut self, member: &[u8], score: f64) {
        if !self.scores.contains_key(member)
            && (self.scores.len() + 1 > LISTPACK_ENTRIES || member.len() > LISTPACK_VALUE_BYTES)
        {
            self.listpack = false;
        }
        let score = if self.listpack && score == 0.0 { 0.0 } else { score };
        self.scores.insert(member.to_vec(), score);
    }

    /// A stored result (ZRANGESTORE, ZUNIONSTORE...): listpack when it fits.
    pub fn from_items(items: Vec<(Vec<u8>, f64)>) -> ZSetM {
        let fits = items.len() <= LISTPACK_ENTRIES && items.iter().all(|(m, _)| m.len() <= LISTPACK_VALUE_BYTES);
        let mut z = ZSetM { scores: BTreeMap::new(), listpack: fits };
        for (m, s) in items {
            z.put(&m, s);
        }
        z
    }

    pub fn same_scores(&self) -> bool {
        let mut it = self.scores.values();
        let first = it.next();
        it.all(|s| Some(s) == first)
    }
}

/// The sorted set under `key`: None if missing, Err for another type.
pub fn get_z<'a>(db: &'a Db, key: &[u8], now_ms: i64) -> Result<Option<&'a ZSetM>, WrongType> {
    match db.get(key, now_ms) {
        None => Ok(None),
        Some(Entry { data: Data::ZSet(z), .. }) => Ok(Some(z)),
        Some(_) => Err(WrongType),
    }
}

pub fn get_z_mut<'a>(db: &'a mut Db, key: &[u8], now_ms: i64) -> Result<Option<&'a mut ZSetM>, WrongType> {
    match db.get_mut(key, now_ms) {
        None => Ok(None),
        Some(Entry { data: Data::ZSet(z), .. }) => Ok(Some(z)),
        Some(_) => Err(WrongType),
    }
}

/// Removes `key` if its sorted set is empty.
pub fn drop_if_empty(db: &mut Db, key: &[u8], now_ms: i64) {
    if matches!(get_z(db, key, now_ms), Ok(Some(z)) if z.scores.is_empty()) {
        db.map.remove(key);
    }
}

/// A score as `strtod` plus Redis's checks read it, for the forms the
/// generator makes: `[+-]digits[.digits][e[+-]digits]`, `.5`, `7.`, and
/// `[+-]inf`/`infinity`. Overflow and underflow to zero are refused.
pub fn parse_score(s: &[u8]) -> Option<f64> {
    let body = s.strip_prefix(b"-").or_else(|| s.strip_prefix(b"+")).unwrap_or(s);
    if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
        return Some(if s[0] == b'-' { f64::NEG_INFINITY } else { f64::INFINITY });
    }
    let (mant, exp) = match body.iter().position(|&c| c == b'e' || c == b'E') {
        Some(p) => (&body[..p], Some(&body[p + 1..])),
        None => (body, None),
    };
    let digits = mant.iter().filter(|c| c.is_ascii_digit()).count();
    let dots = mant.iter().filter(|&&c| c == b'.').count();
    if digits == 0 || dots > 1 || digits + dots != mant.len() {
        return None;
    }
    if let Some(e) = exp {
        let e = e.strip_prefix(b"-").or_else(|| e.strip_prefix(b"+")).unwrap_or(e);
        if e.is_empty() || !e.iter().all(u8::is_ascii_digit) {
            return None;
        }
    }
    let v: f64 = std::str::from_utf8(s).ok()?.parse().ok()?;
    let nonzero = mant.iter().any(|c| (b'1'..=b'9').contains(c));
    if v.is_infinite() || (nonzero && v == 0.0) {
        return None;
    }
    Some(v)
}

/// C's `%.17g` (what Redis 7.0 prints a score with), `inf`/`-inf`.
pub fn fmt_score(v: f64) -> Vec<u8> {
    if v.is_infinite() {
        return if v > 0.0 { b"inf".to_vec() } else { b"-inf".to_vec() };
    }
    if v == 0.0 {
        return if v.is_sign_negative() { b"-0".to_vec() } else { b"0".to_vec() };
    }
    // 17 significant digits and the decimal exponent after rounding.
    let sci = format!("{:.16e}", v.abs());
    let (m, e) = sci.split_once('e').expect("exponent");
    let exp: i32 = e.parse().expect("int");
    let digits: String = m.chars().filter(|c| *c != '.').collect();
    let sign = if v < 0.0 { "-" } else { "" };
    let s = if !(-4..17).contains(&exp) {
        let mut frac = digits[1..].trim_end_matches('0').to_string();
        if !frac.is_empty() {
            frac.insert(0, '.');
        }
        format!("{sign}{}{frac}e{}{:02}", &digits[..1], if exp < 0 { '-' } else { '+' }, exp.abs())
    } else if exp >= 0 {
        let point = exp as usize + 1;
        let frac = digits[point..].trim_end_matches('0');
        if frac.is_empty() {
            format!("{sign}{}", &digits[..point])
        } else {
            format!("{sign}{}.{frac}", &digits[..point])
        }
    } else {
        let zeros = "0".repeat((-exp - 1) as usize);
        format!("{sign}0.{zeros}{}", digits.trim_end_matches('0'))
    };
    s.into_bytes()
}

pub fn write_score(out: &mut Out<'_>, v: f64) {
    out.w.bulk(&fmt_score(v));
}

/// Writes members (and scores, RESP2 flat) as an array.
pub fn write_items(out: &mut Out<'_>, items: &[(Vec<u8>, f64)], with_scores: bool) {
    out.w.array(items.len() * if with_scores { 2 } else { 1 });
    for (m, s) in items {
        out.w.bulk(m);
        if with_scores {
            write_score(out, *s);
        }
    }
}

/// Stores a result under `dst` (or deletes `dst` when empty) and replies
/// with its size.
pub fn store(m: &mut Model, cx: &Exec<'_>, dst: &[u8], items: Vec<(Vec<u8>, f64)>, out: &mut Out<'_>) {
    let (now, seq) = (cx.now_ms, m.seq);
    let n = items.len();
    let db = m.db(cx);
    if n == 0 {
        db.remove(dst, now);
    } else {
        super::strings::set_data(db, dst, Data::ZSet(ZSetM::from_items(items)), false, now, seq);
    }
    out.w.int(n as i64);
}

struct AddFlags {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
    ch: bool,
    incr: bool,
}

pub fn zadd(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    add_generic(m, cmd, cx, out, false)
}

pub fn zincrby(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    add_generic(m, cmd, cx, out, true)
}

fn add_generic(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, incr: bool) {
    let mut f = AddFlags { nx: false, xx: false, gt: false, lt: false, ch: false, incr };
    let mut i = 2;
    while i < cmd.argc() {
        let a = cmd.arg(i);
        match () {
            _ if eq_ic(a, "nx") => f.nx = true,
            _ if eq_ic(a, "xx") => f.xx = true,
            _ if eq_ic(a, "gt") => f.gt = true,
            _ if eq_ic(a, "lt") => f.lt = true,
            _ if eq_ic(a, "ch") => f.ch = true,
            _ if eq_ic(a, "incr") => f.incr = true,
            _ => break,
        }
        i += 1;
    }
    let pairs = cmd.argc() - i;
    if pairs == 0 || pairs % 2 == 1 {
        return out.w.err(SYNTAX);
    }
    if f.nx && f.xx {
        return out.w.err("ERR XX and NX options at the same time are not compatible");
    }
    if (f.gt as u8 + f.lt as u8 + f.nx as u8) > 1 {
        return out.w.err("ERR GT, LT, and/or NX options at the same time are not compatible");
    }
    if f.incr && pairs > 2 {
        return out.w.err("ERR INCR option supports a single increment-element pair");
    }
    let mut scores = Vec::new();
    for j in (i..cmd.argc()).step_by(2) {
        match parse_score(cmd.arg(j)) {
            Some(s) => scores.push((s, cmd.arg(j + 1))),
            None => return out.w.err("ERR value is not a valid float"),
        }
    }
    let (now, seq) = (cx.now_ms, m.seq);
    let key = cmd.arg(1);
    let db = m.db(cx);
    let Ok(existing) = get_z(db, key, now) else {
        return out.w.err(WRONGTYPE);
    };
    if existing.is_none() {
        if f.xx {
            return if f.incr { out.w.nil() } else { out.w.int(0) };
        }
        let first_len = scores[0].1.len();
        let z = ZSetM { scores: BTreeMap::new(), listpack: first_len <= LISTPACK_VALUE_BYTES };
        super::strings::set_data(db, key, Data::ZSet(z), false, now, seq);
    }
    let z = get_z_mut(db, key, now).expect("type checked").expect("created");
    let (mut added, mut updated) = (0, 0);
    let mut last = None;
    for (score, member) in scores {
        match z.scores.get(member).copied() {
            Some(cur) => {
                if f.nx {
                    continue;
                }
                let new = if f.incr { score + cur } else { score };
                if new.is_nan() {
                    return out.w.err("ERR resulting score is not a number (NaN)");
                }
                if (f.lt && new >= cur) || (f.gt && new <= cur) {
                    continue;
                }
                if new != cur {
                    z.put(member, new);
                    updated += 1;
                }
                last = Some(new);
            }
            None if !f.xx => {
                z.put(member, score);
                added += 1;
                last = Some(score);
            }
            None => {}
        }
    }
    if f.incr {
        match last {
            Some(s) => write_score(out, s),
            None => out.w.nil(),
        }
    } else {
        out.w.int(if f.ch { added + updated } else { added });
    }
}

pub fn zrem(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    let key = cmd.arg(1);
    let db = m.db(cx);
    let z = match get_z_mut(db, key, now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => return out.w.int(0),
        Ok(Some(z)) => z,
    };
    let n = (2..cmd.argc()).filter(|&i| z.scores.remove(cmd.arg(i)).is_some()).count();
    drop_if_empty(db, key, now);
    out.w.int(n as i64);
}

pub fn zcard(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    match get_z(m.db(cx), cmd.arg(1), cx.now_ms) {
        Err(WrongType) => out.w.err(WRONGTYPE),
        Ok(z) => out.w.int(z.map_or(0, |z| z.scores.len()) as i64),
    }
}

pub fn zscore(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    match get_z(m.db(cx), cmd.arg(1), cx.now_ms) {
        Err(WrongType) => out.w.err(WRONGTYPE),
        Ok(z) => match z.and_then(|z| z.scores.get(cmd.arg(2))) {
            Some(s) => write_score(out, *s),
            None => out.w.nil(),
        },
    }
}

pub fn zmscore(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let z = match get_z(m.db(cx), cmd.arg(1), cx.now_ms) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(z) => z,
    };
    out.w.array(cmd.argc() - 2);
    for i in 2..cmd.argc() {
        match z.and_then(|z| z.scores.get(cmd.arg(i))) {
            Some(s) => write_score(out, *s),
            None => out.w.nil(),
        }
    }
}

pub fn zrank(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    rank(m, cmd, cx, out, false)
}

pub fn zrevrank(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    rank(m, cmd, cx, out, true)
}

fn rank(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, rev: bool) {
    let z = match get_z(m.db(cx), cmd.arg(1), cx.now_ms) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(z) => z,
    };
    let sorted = z.map(|z| z.sorted()).unwrap_or_default();
    match sorted.iter().position(|(mb, _)| mb == cmd.arg(2)) {
        Some(p) => out.w.int(if rev { sorted.len() - 1 - p } else { p } as i64),
        None => out.w.nil(),
    }
}

/// `getRangeLongFromObjectOrReply` with a custom message for both failures.
fn ranged(cmd: &Cmd, i: usize, lo: i64, msg: &str, out: &mut Out<'_>) -> Option<i64> {
    match parse_ll(cmd.arg(i)) {
        Some(n) if n >= lo => Some(n),
        _ => {
            out.w.err(msg);
            None
        }
    }
}

pub fn zpopmin(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    zpop(m, cmd, cx, out, false)
}

pub fn zpopmax(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    zpop(m, cmd, cx, out, true)
}

fn zpop(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, max: bool) {
    if cmd.argc() > 3 {
        return out.w.err(SYNTAX);
    }
    let mut count = 1;
    if cmd.argc() == 3 {
        match ranged(cmd, 2, 0, "ERR value is out of range, must be positive", out) {
            Some(n) => count = n,
            None => return,
        }
    }
    let now = cx.now_ms;
    let key = cmd.arg(1);
    match get_z(m.db(cx), key, now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => return out.w.array(0),
        Ok(Some(_)) => {}
    }
    let popped = pop_n(m.db(cx), key, now, count as u64, max);
    write_items(out, &popped, true);
}

fn pop_n(db: &mut Db, key: &[u8], now: i64, count: u64, max: bool) -> Vec<(Vec<u8>, f64)> {
    let z = get_z_mut(db, key, now).expect("checked").expect("checked");
    let mut sorted = z.sorted();
    if max {
        sorted.reverse();
    }
    sorted.truncate(count.min(sorted.len() as u64) as usize);
    for (mb, _) in &sorted {
        z.scores.remove(mb);
    }
    drop_if_empty(db, key, now);
    sorted
}

pub fn zmpop(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(numkeys) = ranged(cmd, 1, 1, "ERR numkeys should be greater than 0", out) else {
        return;
    };
    let where_idx = match (numkeys as u64).checked_add(2) {
        Some(w) if w < cmd.argc() as u64 => w as usize,
        _ => return out.w.err(SYNTAX),
    };
    let max = match cmd.arg(where_idx) {
        a if eq_ic(a, "min") => false,
        a if eq_ic(a, "max") => true,
        _ => return out.w.err(SYNTAX),
    };
    let mut count = None;
    let mut j = where_idx + 1;
    while j < cmd.argc() {
        if count.is_none() && eq_ic(cmd.arg(j), "count") && j + 1 < cmd.argc() {
            match ranged(cmd, j + 1, 1, "ERR count should be greater than 0", out) {
                Some(n) => count = Some(n),
                None => return,
            }
            j += 2;
        } else {
            return out.w.err(SYNTAX);
        }
    }
    let now = cx.now_ms;
    for k in 2..where_idx {
        let key = cmd.arg(k);
        match get_z(m.db(cx), key, now) {
            Err(WrongType) => return out.w.err(WRONGTYPE),
            Ok(None) => continue,
            Ok(Some(_)) => {}
        }
        let popped = pop_n(m.db(cx), key, now, count.unwrap_or(1) as u64, max);
        out.w.array(2);
        out.w.bulk(key);
        out.w.array(popped.len());
        for (mb, s) in &popped {
            out.w.array(2);
            out.w.bulk(mb);
            write_score(out, *s);
        }
        return;
    }
    out.w.buf.extend_from_slice(b"*-1\r\n");
}

pub fn zrandmember(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    if cmd.argc() == 2 {
        return match get_z(m.db(cx), cmd.arg(1), now) {
            Err(WrongType) => out.w.err(WRONGTYPE),
            Ok(z) => {
                let mut hashes: Vec<u64> =
                    z.map(|z| z.scores.keys().map(|k| super::key_hash(k)).collect()).unwrap_or_default();
                hashes.sort_unstable();
                out.prop = Some(Prop::OneOf(hashes));
            }
        };
    }
    let count = match parse_ll(cmd.arg(2)) {
        Some(n) if n != i64::MIN => n,
        Some(_) => {
            return out
                .w
                .err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
        }
        None => return out.w.err(super::NOT_INTEGER),
    };
    let with = cmd.argc() == 4;
    if cmd.argc() > 4 || (with && !eq_ic(cmd.arg(3), "withscores")) {
        return out.w.err(SYNTAX);
    }
    if with && !(-i64::MAX / 2..=i64::MAX / 2).contains(&count) {
        return out.w.err("ERR value is out of range");
    }
    let z = match get_z(m.db(cx), cmd.arg(1), now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => return out.w.array(0),
        Ok(Some(z)) => z,
    };
    let len = z.scores.len() as i64;
    if count == 0 {
        return out.w.array(0);
    }
    if count >= len {
        let mut all = z.sorted();
        all.reverse();
        return write_items(out, &all, with);
    }
    let mut allowed: Vec<(Vec<u8>, Option<Vec<u8>>)> =
        z.scores.iter().map(|(mb, s)| (mb.clone(), with.then(|| fmt_score(*s)))).collect();
    allowed.sort();
    out.prop = Some(Prop::Sample { allowed, count: count.unsigned_abs() as usize, distinct: count > 0 });
}

pub fn zscan(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if super::keys::parse_cursor(cmd.arg(2)).is_none() {
        return out.w.err("ERR invalid cursor");
    }
    let z = match get_z(m.db(cx), cmd.arg(1), cx.now_ms) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => {
            out.w.array(2);
            out.w.bulk(b"0");
            return out.w.array(0);
        }
        Ok(Some(z)) => z,
    };
    let mut pattern = None;
    let mut i = 3;
    while i < cmd.argc() {
        let left = cmd.argc() - i;
        if eq_ic(cmd.arg(i), "count") && left >= 2 {
            match int_arg(cmd, i + 1, out) {
                Some(n) if n >= 1 => {}
                Some(_) => return out.w.err(SYNTAX),
                None => return,
            }
        } else if eq_ic(cmd.arg(i), "match") && left >= 2 {
            pattern = Some(cmd.arg(i + 1));
        } else {
            return out.w.err(SYNTAX);
        }
        i += 2;
    }
    let items: Vec<(Vec<u8>, f64)> =
        z.sorted().into_iter().filter(|(mb, _)| pattern.is_none_or(|p| super::glob::matches(p, mb))).collect();
    if z.listpack {
        out.w.array(2);
        out.w.bulk(b"0");
        return write_items(out, &items, true);
    }
    let mut allowed: Vec<(Vec<u8>, Option<Vec<u8>>)> =
        items.into_iter().map(|(mb, s)| (mb, Some(fmt_score(s)))).collect();
    allowed.sort();
    out.prop = Some(Prop::ZScan { allowed });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g17() {
        // What C's printf("%.17g") prints (and Redis 7.0 replies).
        for (v, s) in [
            (0.1, "0.10000000000000001"),
            (1e300, "1.0000000000000001e+300"),
            (3.0, "3"),
            (1.5e-7, "1.4999999999999999e-07"),
            (1e17, "1e+17"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (-2.5, "-2.5"),
            (0.0001, "0.0001"),
            (4.9e-324, "4.9406564584124654e-324"),
            (100.0, "100"),
            (1e16, "10000000000000000"),
        ] {
            assert_eq!(String::from_utf8(fmt_score(v)).unwrap(), s);
        }
    }

    #[test]
    fn scores() {
        assert_eq!(parse_score(b"1.5"), Some(1.5));
        assert_eq!(parse_score(b".5"), Some(0.5));
        assert_eq!(parse_score(b"7."), Some(7.0));
        assert_eq!(parse_score(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_score(b"nan"), None);
        assert_eq!(parse_score(b"1e400"), None);
        assert_eq!(parse_score(b"abc"), None);
        assert_eq!(parse_score(b""), None);
        assert_eq!(parse_score(b"."), None);
    }
}
