//! String commands: GET SET (NX XX GET EX PX EXAT PXAT KEEPTTL) SETNX SETEX
//! PSETEX GETSET GETDEL GETEX MGET MSET MSETNX APPEND STRLEN INCR DECR INCRBY
//! DECRBY INCRBYFLOAT GETRANGE SUBSTR SETRANGE LCS.

use super::float::{self, Sum};
use super::{
    arity_error, eq_ic, int_arg, parse_ll, Data, Db, Enc, Entry, Exec, Model, Out, WrongType, STRING_MAX_BYTES, SYNTAX,
    WRONGTYPE,
};
use crate::cmd::Cmd;

const TOO_BIG: &str = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

/// Stores `val` under `key` as SET does, whatever type was there: the key
/// keeps its SCAN stamp if it was alive with the same type, and its TTL only
/// with `keep_ttl`.
pub fn set_key(db: &mut Db, key: &[u8], val: Vec<u8>, enc: Enc, keep_ttl: bool, now_ms: i64, seq: u64) {
    set_data(db, key, Data::Str { val, enc }, keep_ttl, now_ms, seq)
}

/// [`set_key`] for a value of any type.
pub fn set_data(db: &mut Db, key: &[u8], data: Data, keep_ttl: bool, now_ms: i64, seq: u64) {
    match db.map.get_mut(key) {
        Some(e) if e.alive(now_ms) => {
            if !keep_ttl {
                e.expire_ms = None;
            }
            // A key that changes type is new to a SCAN filtering by TYPE.
            if std::mem::discriminant(&e.data) != std::mem::discriminant(&data) {
                e.stamp = seq;
            }
            e.data = data;
            e.uncertain = false;
        }
        Some(e) => *e = Entry::new(data, seq),
        None => {
            db.map.insert(key.to_vec(), Entry::new(data, seq));
        }
    }
}

/// Replies with the string `e` (bulk, or "any" if uncertain), or WRONGTYPE.
fn reply_value(e: Result<Option<&Entry>, WrongType>, out: &mut Out<'_>) {
    match e {
        Err(WrongType) => out.w.err(WRONGTYPE),
        Ok(None) => out.w.nil(),
        Ok(Some(e)) if e.uncertain => out.any(),
        Ok(Some(e)) => out.w.bulk(e.bytes()),
    }
}

pub fn get(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    reply_value(m.db(cx).get_str(cmd.arg(1), now), out);
}

mod flag {
    pub const NX: u32 = 1;
    pub const XX: u32 = 2;
    pub const GET: u32 = 4;
    pub const KEEPTTL: u32 = 8;
    pub const PERSIST: u32 = 16;
    pub const EX: u32 = 32;
    pub const PX: u32 = 64;
    pub const EXAT: u32 = 128;
    pub const PXAT: u32 = 256;
    pub const ANY_EXPIRE: u32 = EX | PX | EXAT | PXAT;
}

/// Redis `parseExtendedStringArgumentsOrReply`; returns the flags and the
/// index of the expire argument.
fn parse_flags(cmd: &Cmd, first: usize, is_set: bool, out: &mut Out<'_>) -> Option<(u32, Option<usize>)> {
    use flag::*;
    let mut f = 0u32;
    let mut expire = None;
    let mut j = first;
    while j < cmd.argc() {
        let opt = cmd.arg(j);
        let has_next = j + 1 < cmd.argc();
        let expire_ok = |f: u32, own: u32| f & (KEEPTTL | PERSIST) == 0 && f & (ANY_EXPIRE & !own) == 0 && has_next;
        if eq_ic(opt, "nx") && f & XX == 0 && is_set {
            f |= NX;
        } else if eq_ic(opt, "xx") && f & NX == 0 && is_set {
            f |= XX;
        } else if eq_ic(opt, "get") && is_set {
            f |= GET;
        } else if eq_ic(opt, "keepttl") && f & (PERSIST | ANY_EXPIRE) == 0 && is_set {
            f |= KEEPTTL;
        } else if eq_ic(opt, "persist") && !is_set && f & (ANY_EXPIRE | KEEPTTL) == 0 {
            f |= PERSIST;
        } else if let Some(own) = [("ex", EX), ("px", PX), ("exat", EXAT), ("pxat", PXAT)]
            .iter()
            .find(|(name, own)| eq_ic(opt, name) && expire_ok(f, *own))
            .map(|(_, own)| *own)
        {
            f |= own;
            expire = Some(j + 1);
            j += 1;
        } else {
            out.w.err(SYNTAX);
            return None;
        }
        j += 1;
    }
    Some((f, expire))
}

/// Redis `getExpireMillisecondsOrReply`: the absolute expire time.
fn expire_ms(arg: &[u8], f: u32, name: &[u8], now_ms: i64, out: &mut Out<'_>) -> Option<i64> {
    let Some(mut ms) = parse_ll(arg) else {
        out.w.err(super::NOT_INTEGER);
        return None;
    };
    let seconds = f & (flag::EX | flag::EXAT) != 0;
    let invalid = |out: &mut Out<'_>| out.w.err_parts(&[b"ERR invalid expire time in '", name, b"' command"]);
    if ms <= 0 || (seconds && ms > i64::MAX / 1000) {
        invalid(out);
        return None;
    }
    if seconds {
        ms *= 1000;
    }
    if f & (flag::EX | flag::PX) != 0 {
        ms = ms.wrapping_add(now_ms);
    }
    if ms <= 0 {
        invalid(out);
        return None;
    }
    Some(ms)
}

/// Redis `setGenericCommand`.
#[allow(clippy::too_many_arguments)]
fn set_generic(
    m: &mut Model,
    cx: &mut Exec<'_>,
    out: &mut Out<'_>,
    name: &[u8],
    key: &[u8],
    val: &[u8],
    f: u32,
    expire_arg: Option<&[u8]>,
    int_reply: bool,
) {
    let now = cx.now_ms;
    let when = match expire_arg {
        Some(a) => match expire_ms(a, f, name, now, out) {
            Some(w) => Some(w),
            None => return,
        },
        None => None,
    };
    let seq = m.seq;
    let db = m.db(cx);
    if f & flag::GET != 0 {
        let old = db.get_str(key, now);
        let wrong = old.is_err();
        reply_value(old, out);
        if wrong {
            return;
        }
    }
    let found = db.exists(key, now);
    if (f & flag::NX != 0 && found) || (f & flag::XX != 0 && !found) {
        if f & flag::GET == 0 {
            if int_reply {
                out.w.int(0)
            } else {
                out.w.nil()
            }
        }
        return;
    }
    set_key(db, key, val.to_vec(), Enc::of_client_value(val), f & flag::KEEPTTL != 0, now, seq);
    if let Some(w) = when {
        db.map.get_mut(key).expect("just set").expire_ms = Some(w);
    }
    if f & flag::GET == 0 {
        if int_reply {
            out.w.int(1)
        } else {
            out.w.ok()
        }
    }
}

pub fn set(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some((f, exp)) = parse_flags(cmd, 3, true, out) else {
        return;
    };
    set_generic(m, cx, out, b"set", cmd.arg(1), cmd.arg(2), f, exp.map(|i| cmd.arg(i)), false);
}

pub fn setnx(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    set_generic(m, cx, out, b"setnx", cmd.arg(1), cmd.arg(2), flag::NX, None, true);
}

pub fn setex(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    set_generic(m, cx, out, b"setex", cmd.arg(1), cmd.arg(3), flag::EX, Some(cmd.arg(2)), false);
}

pub fn psetex(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    set_generic(m, cx, out, b"psetex", cmd.arg(1), cmd.arg(3), flag::PX, Some(cmd.arg(2)), false);
}

pub fn getset(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let (now, seq) = (cx.now_ms, m.seq);
    let db = m.db(cx);
    let old = db.get_str(cmd.arg(1), now);
    let wrong = old.is_err();
    reply_value(old, out);
    if wrong {
        return;
    }
    let val = cmd.arg(2);
    set_key(db, cmd.arg(1), val.to_vec(), Enc::of_client_value(val), false, now, seq);
}

pub fn getdel(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    let db = m.db(cx);
    let old = db.get_str(cmd.arg(1), now);
    let wrong = old.is_err();
    reply_value(old, out);
    if !wrong {
        db.remove(cmd.arg(1), now);
    }
}

pub fn getex(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some((f, exp)) = parse_flags(cmd, 2, false, out) else {
        return;
    };
    let now = cx.now_ms;
    let key = cmd.arg(1);
    match m.db(cx).get_str(key, now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => return out.w.nil(),
        Ok(Some(_)) => {}
    }
    let when = match exp {
        Some(i) => match expire_ms(cmd.arg(i), f, b"getex", now, out) {
            Some(w) => Some(w),
            None => return,
        },
        None => None,
    };
    let db = m.db(cx);
    reply_value(db.get_str(key, now), out);
    match when {
        Some(w) if f & (flag::EXAT | flag::PXAT) != 0 && w <= now => {
            db.map.remove(key);
        }
        Some(w) => db.map.get_mut(key).expect("exists").expire_ms = Some(w),
        None if f & flag::PERSIST != 0 => db.map.get_mut(key).expect("exists").expire_ms = None,
        None => {}
    }
}

pub fn mget(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    let db = m.db(cx);
    if (1..cmd.argc()).any(|i| db.get(cmd.arg(i), now).is_some_and(|e| e.uncertain)) {
        return out.any();
    }
    out.w.array(cmd.argc() - 1);
    for i in 1..cmd.argc() {
        // MGET answers nil for a key of another type.
        reply_value(Ok(db.get(cmd.arg(i), now).filter(|e| e.is_str())), out);
    }
}

fn mset_generic(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, nx: bool) {
    if cmd.argc().is_multiple_of(2) {
        return arity_error(if nx { b"msetnx" } else { b"mset" }, out);
    }
    let (now, seq) = (cx.now_ms, m.seq);
    let db = m.db(cx);
    if nx && (1..cmd.argc()).step_by(2).any(|i| db.exists(cmd.arg(i), now)) {
        return out.w.int(0);
    }
    for i in (1..cmd.argc()).step_by(2) {
        let val = cmd.arg(i + 1);
        set_key(db, cmd.arg(i), val.to_vec(), Enc::of_client_value(val), false, now, seq);
    }
    if nx {
        out.w.int(1)
    } else {
        out.w.ok()
    }
}

pub fn mset(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    mset_generic(m, cmd, cx, out, false)
}

pub fn msetnx(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    mset_generic(m, cmd, cx, out, true)
}

pub fn append(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let (now, seq) = (cx.now_ms, m.seq);
    let db = m.db(cx);
    let add = cmd.arg(2);
    match db.get_str_mut(cmd.arg(1), now) {
        Err(WrongType) => out.w.err(WRONGTYPE),
        Ok(None) => {
            set_key(db, cmd.arg(1), add.to_vec(), Enc::of_client_value(add), false, now, seq);
            out.w.int(add.len() as i64);
        }
        Ok(Some(e)) => {
            let uncertain = e.uncertain;
            let (val, enc) = e.str_mut();
            if val.len() as i64 + add.len() as i64 > STRING_MAX_BYTES {
                return out.w.err(TOO_BIG);
            }
            val.extend_from_slice(add);
            *enc = Enc::Raw;
            if uncertain {
                out.any()
            } else {
                out.w.int(val.len() as i64)
            }
        }
    }
}

pub fn strlen(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    match m.db(cx).get_str(cmd.arg(1), now) {
        Err(WrongType) => out.w.err(WRONGTYPE),
        Ok(None) => out.w.int(0),
        Ok(Some(e)) if e.uncertain => out.any(),
        Ok(Some(e)) => out.w.int(e.bytes().len() as i64),
    }
}

/// Redis `incrDecrCommand`.
fn incr_by(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, incr: i64) {
    let (now, seq) = (cx.now_ms, m.seq);
    let db = m.db(cx);
    let key = cmd.arg(1);
    let old = match db.get_str(key, now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => 0,
        Ok(Some(e)) if e.uncertain => return out.any(),
        Ok(Some(e)) => match parse_ll(e.bytes()) {
            Some(v) => v,
            None => return out.w.err(super::NOT_INTEGER),
        },
    };
    let Some(new) = old.checked_add(incr) else {
        return out.w.err("ERR increment or decrement would overflow");
    };
    let mut text = Vec::with_capacity(20);
    crate::cmd::write_i64(&mut text, new);
    let keep = db.exists(key, now);
    set_key(db, key, text, Enc::Int, keep, now, seq);
    out.w.int(new);
}

pub fn incr(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    incr_by(m, cmd, cx, out, 1)
}

pub fn decr(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    incr_by(m, cmd, cx, out, -1)
}

pub fn incrby(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if let Some(n) = int_arg(cmd, 2, out) {
        incr_by(m, cmd, cx, out, n)
    }
}

pub fn decrby(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(n) = int_arg(cmd, 2, out) else {
        return;
    };
    if n == i64::MIN {
        return out.w.err("ERR decrement would overflow");
    }
    incr_by(m, cmd, cx, out, -n)
}

pub fn incrbyfloat(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let (now, seq) = (cx.now_ms, m.seq);
    let db = m.db(cx);
    let key = cmd.arg(1);
    let Ok(old) = db.get_str(key, now) else {
        return out.w.err(WRONGTYPE);
    };
    if old.is_some_and(|e| e.uncertain) {
        return out.any();
    }
    let parsed_old = old.map_or(Some(float::Dec::Exact(0)), |e| float::parse(e.bytes()));
    let (Some(a), Some(b)) = (parsed_old, float::parse(cmd.arg(2))) else {
        return out.w.err("ERR value is not a valid float");
    };
    let keep = old.is_some();
    match float::add(a, b) {
        Sum::Known(text) => {
            out.w.bulk(&text);
            let enc = if text.len() <= 44 { Enc::Emb } else { Enc::Raw };
            set_key(db, key, text, enc, keep, now, seq);
        }
        Sum::Unknown => {
            out.any();
            set_key(db, key, b"?".to_vec(), Enc::Emb, keep, now, seq);
            db.map.get_mut(key).expect("just set").uncertain = true;
        }
    }
}

pub fn getrange(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(mut start) = int_arg(cmd, 2, out) else {
        return;
    };
    let Some(mut end) = int_arg(cmd, 3, out) else {
        return;
    };
    let now = cx.now_ms;
    let s: &[u8] = match m.db(cx).get_str(cmd.arg(1), now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => return out.w.bulk(b""),
        Ok(Some(e)) if e.uncertain => return out.any(),
        Ok(Some(e)) => e.bytes(),
    };
    let len = s.len() as i64;
    if start < 0 && end < 0 && start > end {
        return out.w.bulk(b"");
    }
    if start < 0 {
        start += len;
    }
    if end < 0 {
        end += len;
    }
    start = start.max(0);
    end = end.max(0).min(len - 1);
    if start > end || len == 0 {
        return out.w.bulk(b"");
    }
    out.w.bulk(&s[start as usize..=end as usize]);
}

pub fn setrange(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(offset) = int_arg(cmd, 2, out) else {
        return;
    };
    if offset < 0 {
        return out.w.err("ERR offset is out of range");
    }
    let (now, seq) = (cx.now_ms, m.seq);
    let db = m.db(cx);
    let (key, val) = (cmd.arg(1), cmd.arg(3));
    let too_big = offset.saturating_add(val.len() as i64) > STRING_MAX_BYTES;
    let e = match db.get_str_mut(key, now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => {
            if val.is_empty() {
                return out.w.int(0);
            }
            if too_big {
                return out.w.err(TOO_BIG);
            }
            set_key(db, key, Vec::new(), Enc::Raw, false, now, seq);
            db.map.get_mut(key).expect("just set")
        }
        Ok(Some(e)) => {
            if val.is_empty() {
                return if e.uncertain { out.any() } else { out.w.int(e.bytes().len() as i64) };
            }
            if too_big {
                return out.w.err(TOO_BIG);
            }
            e
        }
    };
    let end = offset as usize + val.len();
    let uncertain = e.uncertain;
    let (bytes, enc) = e.str_mut();
    if bytes.len() < end {
        bytes.resize(end, 0);
    }
    bytes[offset as usize..end].copy_from_slice(val);
    *enc = Enc::Raw;
    if uncertain {
        out.any()
    } else {
        out.w.int(bytes.len() as i64)
    }
}

pub fn lcs(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    let db = m.db(cx);
    let (ea, eb) = (db.get(cmd.arg(1), now), db.get(cmd.arg(2), now));
    if ea.is_some_and(|e| !e.is_str()) || eb.is_some_and(|e| !e.is_str()) {
        return out.w.err("ERR The specified keys must contain string values");
    }
    let (mut getlen, mut getidx, mut withmatchlen, mut minmatchlen) = (false, false, false, 0i64);
    let mut j = 3;
    while j < cmd.argc() {
        let opt = cmd.arg(j);
        let more = cmd.argc() - 1 - j;
        if eq_ic(opt, "idx") {
            getidx = true;
        } else if eq_ic(opt, "len") {
            getlen = true;
        } else if eq_ic(opt, "withmatchlen") {
            withmatchlen = true;
        } else if eq_ic(opt, "minmatchlen") && more > 0 {
            let Some(n) = int_arg(cmd, j + 1, out) else {
                return;
            };
            minmatchlen = n.max(0);
            j += 1;
        } else {
            return out.w.err(SYNTAX);
        }
        j += 1;
    }
    if getidx && getlen {
        return out.w.err("ERR If you want both the length and indexes, please just use IDX.");
    }
    if ea.is_some_and(|e| e.uncertain) || eb.is_some_and(|e| e.uncertain) {
        return out.any();
    }
    let a: &[u8] = ea.map_or(b"", |e| e.bytes());
    let b: &[u8] = eb.map_or(b"", |e| e.bytes());
    super::lcs::reply(a, b, getlen, getidx, withmatchlen, minmatchlen, out);
}
