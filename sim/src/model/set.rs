//! The set type in the model: a `BTreeSet` of members plus the encoding
//! Redis 7.0 would report, tracked by its rules (intset while every member
//! is a canonical i64 and there are at most [`INTSET_MAX`]; one way to
//! hashtable; fresh result sets start as intsets; SPOP's rebuild).
//!
//! Reply order: an intset replies in ascending integer order (exact bytes);
//! a hashtable in table order, checked as [`Prop::SortedArray`]. Random
//! replies: SRANDMEMBER is checked by property (members drawn from the set,
//! the count, distinctness where Redis promises it); SPOP's reply is read
//! from the engine before the model executes it ([`Exec::observed`]): the
//! model checks it the same way and removes exactly the members it names.

use std::collections::BTreeSet;

use super::strings::set_data;
use super::{eq_ic, glob, int_arg, key_hash, parse_ll, Data, Db, Exec, Model, Out, Prop, Spec, SYNTAX, WRONGTYPE};
use crate::cmd::Cmd;
use crate::resp::Val;

/// `set-max-intset-entries` (the world runs with Redis's default).
pub const INTSET_MAX: usize = 512;

/// The family's commands (joined with the others by [`super::all_specs`]).
pub static SPECS: &[Spec] = &[
    Spec::new("sadd", -3, sadd),
    Spec::new("srem", -3, srem),
    Spec::new("scard", 2, scard),
    Spec::new("sismember", 3, sismember),
    Spec::new("smismember", -3, smismember),
    Spec::new("smembers", 2, smembers),
    Spec::new("smove", 4, smove),
    Spec::new("spop", -2, spop),
    Spec::new("srandmember", -2, srandmember),
    Spec::new("sinter", -2, sinter),
    Spec::new("sintercard", -3, sintercard),
    Spec::new("sinterstore", -3, sinterstore),
    Spec::new("sunion", -2, sunion),
    Spec::new("sunionstore", -3, sunionstore),
    Spec::new("sdiff", -2, sdiff),
    Spec::new("sdiffstore", -3, sdiffstore),
    Spec::new("sscan", -3, sscan),
];

/// The family's commands the model leaves out, each with the reason.
pub static NOT_MODELLED: &[(&str, &str)] = &[];

/// Commands whose reply the model must see before it executes them (the
/// members SPOP removed are the engine's random choice).
pub fn observes(lower_name: &[u8]) -> bool {
    lower_name == b"spop"
}

#[derive(Clone, Debug, Default)]
pub struct SetM {
    pub members: BTreeSet<Vec<u8>>,
    pub intset: bool,
}

fn is_int(m: &[u8]) -> bool {
    parse_ll(m).is_some()
}

impl SetM {
    /// An empty set suited to `first` (Redis `setTypeCreate`).
    pub fn new_for(first: &[u8]) -> SetM {
        SetM { members: BTreeSet::new(), intset: is_int(first) }
    }

    /// An empty intset (where SINTERSTORE & co build their result).
    pub fn new_intset() -> SetM {
        SetM { members: BTreeSet::new(), intset: true }
    }

    /// The name OBJECT ENCODING replies with.
    pub fn encoding_name(&self) -> &'static [u8] {
        if self.intset {
            b"intset"
        } else {
            b"hashtable"
        }
    }

    /// Redis `setTypeAdd`: true if new; an intset converts on a
    /// non-integer or past [`INTSET_MAX`].
    pub fn add(&mut self, m: &[u8]) -> bool {
        let added = self.members.insert(m.to_vec());
        if added && self.intset && (!is_int(m) || self.members.len() > INTSET_MAX) {
            self.intset = false;
        }
        added
    }

    /// The encoding a set built from scratch with these members has.
    fn rebuild_encoding(&mut self) {
        self.intset = self.members.len() <= INTSET_MAX && self.members.iter().all(|m| is_int(m));
    }

    /// Members in the order an intset replies: ascending integers.
    fn int_order(&self) -> Vec<&Vec<u8>> {
        let mut v: Vec<&Vec<u8>> = self.members.iter().collect();
        v.sort_by_key(|m| parse_ll(m).expect("intset members are integers"));
        v
    }
}

/// The set under `key`: None if missing, Err for another type.
fn get<'a>(db: &'a Db, key: &[u8], now: i64) -> Result<Option<&'a SetM>, ()> {
    match db.get(key, now).map(|e| &e.data) {
        None => Ok(None),
        Some(Data::Set(s)) => Ok(Some(s)),
        Some(_) => Err(()),
    }
}

fn get_mut<'a>(db: &'a mut Db, key: &[u8], now: i64) -> Result<Option<&'a mut SetM>, ()> {
    match db.get_mut(key, now).map(|e| &mut e.data) {
        None => Ok(None),
        Some(Data::Set(s)) => Ok(Some(s)),
        Some(_) => Err(()),
    }
}

/// Deletes `key` if its set is empty.
fn drop_if_empty(db: &mut Db, key: &[u8], now: i64) {
    if matches!(get(db, key, now), Ok(Some(s)) if s.members.is_empty()) {
        db.map.remove(key);
    }
}

/// The whole set as a reply: exact in an intset's order, else any order.
fn reply_set(s: &SetM, out: &mut Out<'_>) {
    if s.intset {
        let v = s.int_order();
        out.w.array(v.len());
        for m in v {
            out.w.bulk(m);
        }
    } else {
        out.prop = Some(Prop::SortedArray(s.members.iter().cloned().collect()));
    }
}

/// A fresh set holding `s`'s members, as SUNION of it builds one.
fn as_union(s: &SetM) -> SetM {
    let mut u = SetM::new_intset();
    for m in &s.members {
        u.add(m);
    }
    u
}

pub fn sadd(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let (now, seq) = (cx.now_ms, m.seq);
    let db = m.db(cx);
    let key = cmd.arg(1);
    match get(db, key, now) {
        Err(()) => return out.w.err(WRONGTYPE),
        Ok(None) => set_data(db, key, Data::Set(SetM::new_for(cmd.arg(2))), false, now, seq),
        Ok(Some(_)) => {}
    }
    let s = get_mut(db, key, now).ok().flatten().expect("created above");
    let added = (2..cmd.argc()).filter(|&i| s.add(cmd.arg(i))).count();
    out.w.int(added as i64);
}

pub fn srem(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    let db = m.db(cx);
    let key = cmd.arg(1);
    let s = match get_mut(db, key, now) {
        Err(()) => return out.w.err(WRONGTYPE),
        Ok(None) => return out.w.int(0),
        Ok(Some(s)) => s,
    };
    let removed = (2..cmd.argc()).filter(|&i| s.members.remove(cmd.arg(i))).count();
    drop_if_empty(db, key, now);
    out.w.int(removed as i64);
}

pub fn scard(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    match get(m.db(cx), cmd.arg(1), cx.now_ms) {
        Err(()) => out.w.err(WRONGTYPE),
        Ok(s) => out.w.int(s.map_or(0, |s| s.members.len()) as i64),
    }
}

pub fn sismember(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    match get(m.db(cx), cmd.arg(1), cx.now_ms) {
        Err(()) => out.w.err(WRONGTYPE),
        Ok(s) => out.w.int(s.is_some_and(|s| s.members.contains(cmd.arg(2))) as i64),
    }
}

pub fn smismember(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    match get(m.db(cx), cmd.arg(1), cx.now_ms) {
        Err(()) => out.w.err(WRONGTYPE),
        Ok(s) => {
            out.w.array(cmd.argc() - 2);
            for i in 2..cmd.argc() {
                out.w.int(s.is_some_and(|s| s.members.contains(cmd.arg(i))) as i64);
            }
        }
    }
}

pub fn smembers(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    match get(m.db(cx), cmd.arg(1), cx.now_ms) {
        Err(()) => out.w.err(WRONGTYPE),
        Ok(None) => out.w.array(0),
        Ok(Some(s)) => reply_set(s, out),
    }
}

pub fn smove(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let (now, seq) = (cx.now_ms, m.seq);
    let db = m.db(cx);
    let (src, dst, member) = (cmd.arg(1), cmd.arg(2), cmd.arg(3));
    let src_set = get(db, src, now);
    let dst_set = get(db, dst, now);
    match (&src_set, &dst_set) {
        (Ok(None), _) => return out.w.int(0),
        (Err(()), _) | (_, Err(())) => return out.w.err(WRONGTYPE),
        _ => {}
    }
    let dst_missing = matches!(dst_set, Ok(None));
    if src == dst {
        let found = matches!(src_set, Ok(Some(s)) if s.members.contains(member));
        return out.w.int(found as i64);
    }
    let s = get_mut(db, src, now).ok().flatten().expect("checked above");
    if !s.members.remove(member) {
        return out.w.int(0);
    }
    drop_if_empty(db, src, now);
    if dst_missing {
        set_data(db, dst, Data::Set(SetM::new_for(member)), false, now, seq);
    }
    get_mut(db, dst, now).ok().flatten().expect("present above").add(member);
    out.w.int(1);
}

/// The sets under `keys` after Redis's checks: every key looked up in
/// order, the first of another type answering WRONGTYPE. None: already
/// answered.
fn gather<'a>(db: &'a Db, keys: &[&[u8]], now: i64, out: &mut Out<'_>) -> Option<Vec<Option<&'a SetM>>> {
    let mut sets = Vec::with_capacity(keys.len());
    for k in keys {
        match get(db, k, now) {
            Err(()) => {
                out.w.err(WRONGTYPE);
                return None;
            }
            Ok(s) => sets.push(s),
        }
    }
    Some(sets)
}

fn args_from(cmd: &Cmd, first: usize, end: usize) -> Vec<&[u8]> {
    (first..end).map(|i| cmd.arg(i)).collect()
}

/// Redis's intersection: the smallest set (stable sort by size) walked, so
/// the reply is in its order. Returns the result set (as SINTERSTORE
/// builds it) and whether the walked set was an intset; None if answered.
fn inter(db: &Db, keys: &[&[u8]], now: i64, out: &mut Out<'_>) -> Option<(SetM, bool)> {
    let sets = gather(db, keys, now, out)?;
    if sets.iter().any(Option::is_none) {
        return Some((SetM::new_intset(), true));
    }
    let mut sets: Vec<&SetM> = sets.into_iter().flatten().collect();
    sets.sort_by_key(|s| s.members.len());
    let mut result = SetM::new_intset();
    for m in &sets[0].members {
        if sets[1..].iter().all(|s| s.members.contains(m)) {
            result.add(m);
        }
    }
    Some((result, sets[0].intset))
}

pub fn sinter(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let keys = args_from(cmd, 1, cmd.argc());
    let Some((result, walked_intset)) = inter(m.db(cx), &keys, cx.now_ms, out) else { return };
    if walked_intset {
        let v = result.int_order();
        out.w.array(v.len());
        v.into_iter().for_each(|x| out.w.bulk(x));
    } else {
        out.prop = Some(Prop::SortedArray(result.members.into_iter().collect()));
    }
}

pub fn sintercard(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let numkeys = match parse_ll(cmd.arg(1)) {
        Some(n) if n >= 1 => n,
        _ => return out.w.err("ERR numkeys should be greater than 0"),
    };
    if numkeys > (cmd.argc() - 2) as i64 {
        return out.w.err("ERR Number of keys can't be greater than number of args");
    }
    let end = 2 + numkeys as usize;
    let mut limit = 0i64;
    let mut j = end;
    while j < cmd.argc() {
        if eq_ic(cmd.arg(j), "limit") && j + 1 < cmd.argc() {
            j += 1;
            match parse_ll(cmd.arg(j)) {
                Some(n) if n >= 0 => limit = n,
                _ => return out.w.err("ERR LIMIT can't be negative"),
            }
        } else {
            return out.w.err(SYNTAX);
        }
        j += 1;
    }
    let keys = args_from(cmd, 2, end);
    let Some((result, _)) = inter(m.db(cx), &keys, cx.now_ms, out) else { return };
    let n = result.members.len() as i64;
    out.w.int(if limit > 0 { n.min(limit) } else { n });
}

/// Stores `result` under `dst` (its TTL dropped), or deletes `dst` when
/// empty; replies the size.
fn store(m: &mut Model, cx: &Exec<'_>, dst: &[u8], result: SetM, out: &mut Out<'_>) {
    let (now, seq) = (cx.now_ms, m.seq);
    let db = &mut m.dbs[cx.sess.db];
    let n = result.members.len();
    if n == 0 {
        db.map.remove(dst);
    } else {
        set_data(db, dst, Data::Set(result), false, now, seq);
    }
    out.w.int(n as i64);
}

pub fn sinterstore(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let keys = args_from(cmd, 2, cmd.argc());
    let Some((result, _)) = inter(m.db(cx), &keys, cx.now_ms, out) else { return };
    store(m, cx, cmd.arg(1), result, out);
}

/// Redis's union or difference, built in a fresh intset as Redis builds it
/// (SDIFF's algorithm chosen by Redis's cost estimate, because the second
/// one adds the whole first set before removing, which decides the
/// result's encoding). None if answered.
fn union_diff(db: &Db, keys: &[&[u8]], diff: bool, now: i64, out: &mut Out<'_>) -> Option<SetM> {
    let sets = gather(db, keys, now, out)?;
    let mut result = SetM::new_intset();
    if !diff {
        for s in sets.iter().flatten() {
            for x in &s.members {
                result.add(x);
            }
        }
        return Some(result);
    }
    let Some(first) = sets[0] else { return Some(result) };
    let present = sets.iter().flatten().count();
    let algo_one = first.members.len() * present / 2;
    let algo_two: usize = sets.iter().flatten().map(|s| s.members.len()).sum();
    if algo_one <= algo_two {
        for x in &first.members {
            if !sets[1..].iter().flatten().any(|s| s.members.contains(x)) {
                result.add(x);
            }
        }
    } else {
        for x in &first.members {
            result.add(x);
        }
        for s in sets[1..].iter().flatten() {
            for x in &s.members {
                result.members.remove(x);
            }
        }
    }
    Some(result)
}

fn union_diff_reply(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, diff: bool) {
    let keys = args_from(cmd, 1, cmd.argc());
    if let Some(result) = union_diff(m.db(cx), &keys, diff, cx.now_ms, out) {
        reply_set(&result, out);
    }
}

fn union_diff_store(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, diff: bool) {
    let keys = args_from(cmd, 2, cmd.argc());
    if let Some(result) = union_diff(m.db(cx), &keys, diff, cx.now_ms, out) {
        store(m, cx, cmd.arg(1), result, out);
    }
}

pub fn sunion(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    union_diff_reply(m, cmd, cx, out, false)
}

pub fn sunionstore(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    union_diff_store(m, cmd, cx, out, false)
}

pub fn sdiff(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    union_diff_reply(m, cmd, cx, out, true)
}

pub fn sdiffstore(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    union_diff_store(m, cmd, cx, out, true)
}

/// Sorted [`key_hash`]es of the members (what a drawn member must be one of).
fn pool(s: &SetM) -> Vec<u64> {
    let mut v: Vec<u64> = s.members.iter().map(|m| key_hash(m)).collect();
    v.sort_unstable();
    v
}

/// The bulk strings of an array reply, if it is one.
fn observed_bulks(v: Option<&Val>) -> Option<Vec<&[u8]>> {
    match v? {
        Val::Array(Some(items)) => items
            .iter()
            .map(|i| match i {
                Val::Bulk(Some(b)) => Some(b.as_slice()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

pub fn spop(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if cmd.argc() > 3 {
        return out.w.err(SYNTAX);
    }
    let count = if cmd.argc() == 3 {
        match parse_ll(cmd.arg(2)) {
            Some(n) if n >= 0 => Some(n as u64),
            _ => return out.w.err("ERR value is out of range, must be positive"),
        }
    } else {
        None
    };
    let now = cx.now_ms;
    let observed = cx.observed.take();
    let db = &mut m.dbs[cx.sess.db];
    let key = cmd.arg(1);
    let s = match get_mut(db, key, now) {
        Err(()) => return out.w.err(WRONGTYPE),
        Ok(None) if count.is_some() => return out.w.array(0),
        Ok(None) => return out.w.nil(),
        Ok(Some(s)) => s,
    };
    let Some(count) = count else {
        // One member: the engine's reply names it.
        match observed {
            Some(Val::Bulk(Some(x))) if s.members.remove(&x) => out.w.bulk(&x),
            _ => out.prop = Some(Prop::OneOf(pool(s))),
        }
        drop_if_empty(db, key, now);
        return;
    };
    let size = s.members.len() as u64;
    if count == 0 {
        return out.w.array(0);
    }
    if count >= size {
        reply_set(&as_union(s), out);
        db.map.remove(key);
        return;
    }
    let popped = observed_bulks(observed.as_ref());
    let valid = popped.as_ref().is_some_and(|p| {
        p.len() as u64 == count
            && p.iter().all(|x| s.members.contains(*x))
            && p.iter().collect::<BTreeSet<_>>().len() == p.len()
    });
    match popped {
        Some(p) if valid => {
            out.w.array(p.len());
            for x in &p {
                out.w.bulk(x);
                s.members.remove(*x);
            }
            // Redis rebuilds the set from its survivors when few remain.
            if (size - count) * 5 <= count {
                s.rebuild_encoding();
            }
        }
        _ => out.prop = Some(Prop::Draw { pool: pool(s), len: count as usize, distinct: true }),
    }
}

pub fn srandmember(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if cmd.argc() > 3 {
        return out.w.err(SYNTAX);
    }
    let count = if cmd.argc() == 3 {
        let Some(n) = int_arg(cmd, 2, out) else { return };
        if n == i64::MIN {
            return out
                .w
                .err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        }
        Some(n)
    } else {
        None
    };
    let s = match get(m.db(cx), cmd.arg(1), cx.now_ms) {
        Err(()) => return out.w.err(WRONGTYPE),
        Ok(None) if count.is_some() => return out.w.array(0),
        Ok(None) => return out.w.nil(),
        Ok(Some(s)) => s,
    };
    let Some(count) = count else {
        out.prop = Some(Prop::OneOf(pool(s)));
        return;
    };
    let size = s.members.len() as u64;
    let n = count.unsigned_abs();
    if n == 0 {
        out.w.array(0);
    } else if count < 0 {
        if n > REPEAT_MAX {
            return out.w.err(super::NOT_INTEGER);
        }
        out.prop = Some(Prop::Draw { pool: pool(s), len: n as usize, distinct: false });
    } else if n >= size {
        reply_set(&as_union(s), out);
    } else {
        out.prop = Some(Prop::Draw { pool: pool(s), len: n as usize, distinct: true });
    }
}

/// The engine's bound on SRANDMEMBER's negative count (Redis has none and
/// never finishes a huge one; see the engine's `SRANDMEMBER_REPEAT_MAX`).
const REPEAT_MAX: u64 = 1 << 24;

pub fn sscan(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if super::keys::parse_cursor(cmd.arg(2)).is_none() {
        return out.w.err("ERR invalid cursor");
    }
    let s = match get(m.db(cx), cmd.arg(1), cx.now_ms) {
        Err(()) => return out.w.err(WRONGTYPE),
        Ok(None) => {
            out.w.array(2);
            out.w.bulk(b"0");
            return out.w.array(0);
        }
        Ok(Some(s)) => s,
    };
    let mut pattern: Option<&[u8]> = None;
    let mut i = 3;
    while i < cmd.argc() {
        let has_value = i + 1 < cmd.argc();
        if eq_ic(cmd.arg(i), "count") && has_value {
            let Some(n) = int_arg(cmd, i + 1, out) else { return };
            if n < 1 {
                return out.w.err(SYNTAX);
            }
        } else if eq_ic(cmd.arg(i), "match") && has_value {
            pattern = Some(cmd.arg(i + 1));
        } else {
            return out.w.err(SYNTAX);
        }
        i += 2;
    }
    let wanted = |x: &[u8]| pattern.is_none_or(|p| glob::matches(p, x));
    if s.intset {
        let v: Vec<&Vec<u8>> = s.int_order().into_iter().filter(|x| wanted(x)).collect();
        out.w.array(2);
        out.w.bulk(b"0");
        out.w.array(v.len());
        v.into_iter().for_each(|x| out.w.bulk(x));
    } else {
        let mut allowed: Vec<u64> = s.members.iter().filter(|x| wanted(x)).map(|x| key_hash(x)).collect();
        allowed.sort_unstable();
        out.prop = Some(Prop::Scan { allowed, must: Vec::new() });
    }
}
