//! The list type in the model: a plain `Vec` of elements, head first, and
//! the list commands LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX
//! LSET LINSERT LREM LTRIM LPOS RPOPLPUSH LMOVE LMPOP, written from Redis
//! 7.0's documented and observed behaviour. O(n) everywhere: the model is
//! for being obviously right, not fast.

use super::strings::set_data;
use super::{eq_ic, int_arg, parse_ll, Data, Db, Exec, Model, Out, Spec, WrongType, NOT_INTEGER, SYNTAX, WRONGTYPE};
use crate::cmd::Cmd;

/// The family's commands (joined with the others by [`super::all_specs`]).
pub static SPECS: &[Spec] = &[
    Spec::new("lpush", -3, lpush),
    Spec::new("rpush", -3, rpush),
    Spec::new("lpushx", -3, lpushx),
    Spec::new("rpushx", -3, rpushx),
    Spec::new("lpop", -2, lpop),
    Spec::new("rpop", -2, rpop),
    Spec::new("llen", 2, llen),
    Spec::new("lrange", 4, lrange),
    Spec::new("lindex", 3, lindex),
    Spec::new("lset", 4, lset),
    Spec::new("linsert", 5, linsert),
    Spec::new("lrem", 4, lrem),
    Spec::new("ltrim", 4, ltrim),
    Spec::new("lpos", -3, lpos),
    Spec::new("rpoplpush", 3, rpoplpush),
    Spec::new("lmove", 5, lmove),
    Spec::new("lmpop", -4, lmpop),
];

/// The family's commands the model leaves out, each with the reason.
/// Every list command is modelled (the blocking ones in [`super::blocking`]).
pub static NOT_MODELLED: &[(&str, &str)] = &[];

#[derive(Clone, Debug, Default)]
pub struct ListM {
    /// Head first. Never empty while stored.
    pub items: Vec<Vec<u8>>,
}

impl ListM {
    /// The name OBJECT ENCODING replies with: Redis 7.0 has quicklists only.
    pub fn encoding_name(&self) -> &'static [u8] {
        b"quicklist"
    }
}

/// The live list under `key`: None if missing, [`WrongType`] for another type.
fn get_list<'a>(db: &'a mut Db, key: &[u8], now_ms: i64) -> Result<Option<&'a mut ListM>, WrongType> {
    match db.get_mut(key, now_ms) {
        None => Ok(None),
        Some(e) => match &mut e.data {
            Data::List(l) => Ok(Some(l)),
            _ => Err(WrongType),
        },
    }
}

/// Drops `key` if its list is empty (Redis keeps no empty list).
fn drop_if_empty(db: &mut Db, key: &[u8], now_ms: i64) {
    if matches!(get_list(db, key, now_ms), Ok(Some(l)) if l.items.is_empty()) {
        db.remove(key, now_ms);
    }
}

/// The list under `key`, created empty when missing (the caller fills it).
fn list_or_create<'a>(db: &'a mut Db, key: &[u8], now_ms: i64, seq: u64) -> Result<&'a mut ListM, WrongType> {
    if get_list(db, key, now_ms)?.is_none() {
        set_data(db, key, Data::List(ListM::default()), false, now_ms, seq);
    }
    Ok(get_list(db, key, now_ms)?.expect("created above"))
}

fn push(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, head: bool, only_existing: bool) {
    let (now, seq) = (cx.now_ms, m.seq);
    let db = m.db(cx);
    let key = cmd.arg(1);
    let list = match get_list(db, key, now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) if only_existing => return out.w.int(0),
        Ok(_) => list_or_create(db, key, now, seq).expect("type checked"),
    };
    for i in 2..cmd.argc() {
        let e = cmd.arg(i).to_vec();
        if head {
            list.items.insert(0, e);
        } else {
            list.items.push(e);
        }
    }
    out.w.int(list.items.len() as i64);
}

pub fn lpush(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    push(m, cmd, cx, out, true, false)
}
pub fn rpush(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    push(m, cmd, cx, out, false, false)
}
pub fn lpushx(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    push(m, cmd, cx, out, true, true)
}
pub fn rpushx(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    push(m, cmd, cx, out, false, true)
}

/// Takes up to `n` elements off one end, in the order they come off.
fn take(list: &mut ListM, n: usize, head: bool) -> Vec<Vec<u8>> {
    let n = n.min(list.items.len());
    if head {
        list.items.drain(..n).collect()
    } else {
        let start = list.items.len() - n;
        list.items.drain(start..).rev().collect()
    }
}

fn pop(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, head: bool) {
    if cmd.argc() > 3 {
        let name: &[u8] = if head { b"lpop" } else { b"rpop" };
        return super::arity_error(name, out);
    }
    let count = if cmd.argc() == 3 {
        match parse_ll(cmd.arg(2)) {
            Some(n) if n >= 0 => Some(n),
            _ => return out.w.err("ERR value is out of range, must be positive"),
        }
    } else {
        None
    };
    let now = cx.now_ms;
    let db = m.db(cx);
    let key = cmd.arg(1);
    let list = match get_list(db, key, now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => {
            if count.is_some() {
                out.w.buf.extend_from_slice(b"*-1\r\n");
            } else {
                out.w.nil();
            }
            return;
        }
        Ok(Some(l)) => l,
    };
    match count {
        Some(0) => out.w.array(0),
        None => out.w.bulk(&take(list, 1, head)[0]),
        Some(n) => {
            let got = take(list, usize::try_from(n).unwrap_or(usize::MAX), head);
            out.w.array(got.len());
            got.iter().for_each(|e| out.w.bulk(e));
        }
    }
    drop_if_empty(db, key, now);
}

pub fn lpop(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    pop(m, cmd, cx, out, true)
}
pub fn rpop(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    pop(m, cmd, cx, out, false)
}

pub fn llen(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    match get_list(m.db(cx), cmd.arg(1), now) {
        Err(WrongType) => out.w.err(WRONGTYPE),
        Ok(l) => out.w.int(l.map_or(0, |l| l.items.len() as i64)),
    }
}

/// The index range `start..=end` of a list of `len` after Redis's rules
/// (negative from the tail, clipped), or None when empty. Computed in i128
/// so no input overflows.
fn clip(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i128;
    let mut s = start as i128;
    let mut e = end as i128;
    if s < 0 {
        s += len;
    }
    if e < 0 {
        e += len;
    }
    s = s.max(0);
    e = e.min(len - 1);
    (s <= e && s < len).then_some((s as usize, e as usize))
}

pub fn lrange(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(start) = int_arg(cmd, 2, out) else { return };
    let Some(end) = int_arg(cmd, 3, out) else { return };
    let now = cx.now_ms;
    match get_list(m.db(cx), cmd.arg(1), now) {
        Err(WrongType) => out.w.err(WRONGTYPE),
        Ok(None) => out.w.array(0),
        Ok(Some(l)) => match clip(start, end, l.items.len()) {
            None => out.w.array(0),
            Some((s, e)) => {
                out.w.array(e - s + 1);
                l.items[s..=e].iter().for_each(|x| out.w.bulk(x));
            }
        },
    }
}

/// A single index (negative from the tail) into a list of `len`.
fn index_of(index: i64, len: usize) -> Option<usize> {
    let i = if index < 0 { index as i128 + len as i128 } else { index as i128 };
    (0..len as i128).contains(&i).then_some(i as usize)
}

pub fn lindex(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    // The key is checked before the index is parsed.
    let l = match get_list(m.db(cx), cmd.arg(1), now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => return out.w.nil(),
        Ok(Some(l)) => l,
    };
    let Some(index) = int_arg(cmd, 2, out) else { return };
    match index_of(index, l.items.len()) {
        Some(i) => out.w.bulk(&l.items[i]),
        None => out.w.nil(),
    }
}

pub fn lset(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    let l = match get_list(m.db(cx), cmd.arg(1), now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => return out.w.err("ERR no such key"),
        Ok(Some(l)) => l,
    };
    let Some(index) = int_arg(cmd, 2, out) else { return };
    match index_of(index, l.items.len()) {
        Some(i) => {
            l.items[i] = cmd.arg(3).to_vec();
            out.w.ok();
        }
        None => out.w.err("ERR index out of range"),
    }
}

pub fn linsert(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let after = if eq_ic(cmd.arg(2), "after") {
        true
    } else if eq_ic(cmd.arg(2), "before") {
        false
    } else {
        return out.w.err(SYNTAX);
    };
    let now = cx.now_ms;
    let l = match get_list(m.db(cx), cmd.arg(1), now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => return out.w.int(0),
        Ok(Some(l)) => l,
    };
    match l.items.iter().position(|x| x == cmd.arg(3)) {
        None => out.w.int(-1),
        Some(p) => {
            l.items.insert(if after { p + 1 } else { p }, cmd.arg(4).to_vec());
            out.w.int(l.items.len() as i64);
        }
    }
}

pub fn lrem(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(count) = int_arg(cmd, 2, out) else { return };
    let now = cx.now_ms;
    let db = m.db(cx);
    let key = cmd.arg(1);
    let l = match get_list(db, key, now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => return out.w.int(0),
        Ok(Some(l)) => l,
    };
    let target = cmd.arg(3);
    let mut positions: Vec<usize> = (0..l.items.len()).filter(|&i| l.items[i] == target).collect();
    if count < 0 {
        positions.reverse();
    }
    if count != 0 {
        positions.truncate(usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX));
    }
    positions.sort_unstable();
    for &i in positions.iter().rev() {
        l.items.remove(i);
    }
    out.w.int(positions.len() as i64);
    drop_if_empty(db, key, now);
}

pub fn ltrim(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(start) = int_arg(cmd, 2, out) else { return };
    let Some(end) = int_arg(cmd, 3, out) else { return };
    let now = cx.now_ms;
    let db = m.db(cx);
    let key = cmd.arg(1);
    let l = match get_list(db, key, now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => return out.w.ok(),
        Ok(Some(l)) => l,
    };
    l.items = match clip(start, end, l.items.len()) {
        None => Vec::new(),
        Some((s, e)) => l.items[s..=e].to_vec(),
    };
    out.w.ok();
    drop_if_empty(db, key, now);
}

pub fn lpos(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let mut rank: i64 = 1;
    let mut count: Option<i64> = None;
    let mut maxlen: i64 = 0;
    let mut j = 3;
    while j < cmd.argc() {
        let more = j + 1 < cmd.argc();
        let opt = cmd.arg(j);
        if eq_ic(opt, "rank") && more {
            j += 1;
            match parse_ll(cmd.arg(j)) {
                None => return out.w.err(NOT_INTEGER),
                Some(0) => {
                    return out.w.err(
                        "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... \
                         or use negative to start from the end of the list",
                    )
                }
                Some(r) => rank = r,
            }
        } else if eq_ic(opt, "count") && more {
            j += 1;
            match parse_ll(cmd.arg(j)) {
                Some(n) if n >= 0 => count = Some(n),
                _ => return out.w.err("ERR COUNT can't be negative"),
            }
        } else if eq_ic(opt, "maxlen") && more {
            j += 1;
            match parse_ll(cmd.arg(j)) {
                Some(n) if n >= 0 => maxlen = n,
                _ => return out.w.err("ERR MAXLEN can't be negative"),
            }
        } else {
            return out.w.err(SYNTAX);
        }
        j += 1;
    }
    let now = cx.now_ms;
    let l = match get_list(m.db(cx), cmd.arg(1), now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) if count.is_some() => return out.w.array(0),
        Ok(None) => return out.w.nil(),
        Ok(Some(l)) => l,
    };
    // Which match to start from, counting from 1; from the tail for a
    // negative rank. Redis negates i64::MIN in C: it stays negative, so
    // every match qualifies and COUNT's stop test never fires (unless 0).
    let from_tail = rank < 0;
    let len = l.items.len();
    let order: Vec<usize> = if from_tail { (0..len).rev().collect() } else { (0..len).collect() };
    let limit = if maxlen == 0 { len } else { (maxlen as usize).min(len) };
    let matches: Vec<usize> = order[..limit].iter().copied().filter(|&i| l.items[i] == cmd.arg(2)).collect();
    let skip = if rank == i64::MIN { 0 } else { (rank.unsigned_abs() - 1) as usize };
    let after: Vec<usize> = matches.into_iter().skip(skip).collect();
    match count {
        None => match after.first() {
            Some(&i) => out.w.int(i as i64),
            None => out.w.nil(),
        },
        Some(n) => {
            let n = if n == 0 || rank == i64::MIN { after.len() } else { (n as usize).min(after.len()) };
            out.w.array(n);
            after[..n].iter().for_each(|&i| out.w.int(i as i64));
        }
    }
}

/// LMOVE's core: `from_head`/`to_head` pick the ends.
fn lmove_generic(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, from_head: bool, to_head: bool) {
    let (now, seq) = (cx.now_ms, m.seq);
    let db = m.db(cx);
    let (src, dst) = (cmd.arg(1), cmd.arg(2));
    match get_list(db, src, now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => return out.w.nil(),
        Ok(Some(_)) => {}
    }
    if get_list(db, dst, now).is_err() {
        return out.w.err(WRONGTYPE);
    }
    let l = get_list(db, src, now).expect("checked").expect("checked");
    let e = take(l, 1, from_head).remove(0);
    out.w.bulk(&e);
    if src != dst {
        drop_if_empty(db, src, now);
    }
    let d = list_or_create(db, dst, now, seq).expect("checked");
    if to_head {
        d.items.insert(0, e);
    } else {
        d.items.push(e);
    }
}

fn side(arg: &[u8]) -> Option<bool> {
    if eq_ic(arg, "left") {
        Some(true)
    } else if eq_ic(arg, "right") {
        Some(false)
    } else {
        None
    }
}

pub fn rpoplpush(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    lmove_generic(m, cmd, cx, out, false, true)
}

pub fn lmove(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let (Some(from), Some(to)) = (side(cmd.arg(3)), side(cmd.arg(4))) else {
        return out.w.err(SYNTAX);
    };
    lmove_generic(m, cmd, cx, out, from, to)
}

pub fn lmpop(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let numkeys = match parse_ll(cmd.arg(1)) {
        Some(n) if n >= 1 => n as u64,
        _ => return out.w.err("ERR numkeys should be greater than 0"),
    };
    let where_at = 2 + numkeys;
    if where_at >= cmd.argc() as u64 {
        return out.w.err(SYNTAX);
    }
    let where_at = where_at as usize;
    let Some(head) = side(cmd.arg(where_at)) else { return out.w.err(SYNTAX) };
    let mut count: Option<u64> = None;
    let mut j = where_at + 1;
    while j < cmd.argc() {
        if count.is_none() && eq_ic(cmd.arg(j), "count") && j + 1 < cmd.argc() {
            j += 1;
            match parse_ll(cmd.arg(j)) {
                Some(n) if n >= 1 => count = Some(n as u64),
                _ => return out.w.err("ERR count should be greater than 0"),
            }
        } else {
            return out.w.err(SYNTAX);
        }
        j += 1;
    }
    let now = cx.now_ms;
    let db = m.db(cx);
    for k in 2..where_at {
        let key = cmd.arg(k);
        match get_list(db, key, now) {
            Err(WrongType) => return out.w.err(WRONGTYPE),
            Ok(None) => continue,
            Ok(Some(l)) => {
                let got = take(l, usize::try_from(count.unwrap_or(1)).unwrap_or(usize::MAX), head);
                out.w.array(2);
                out.w.bulk(key);
                out.w.array(got.len());
                got.iter().for_each(|e| out.w.bulk(e));
                drop_if_empty(db, key, now);
                return;
            }
        }
    }
    out.w.buf.extend_from_slice(b"*-1\r\n");
}
