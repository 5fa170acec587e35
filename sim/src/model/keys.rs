//! Connection, server and generic keyspace commands: PING ECHO QUIT SELECT
//! SWAPDB DBSIZE FLUSHDB FLUSHALL DEL UNLINK EXISTS TOUCH TYPE RENAME
//! RENAMENX MOVE COPY KEYS SCAN RANDOMKEY OBJECT (ENCODING REFCOUNT FREQ).

use super::{
    arity_error, eq_ic, glob, int_arg, key_hash, parse_ll, Data, Db, Enc, Entry, Exec, Model, Out, Prop, Sub,
    DATABASES, SYNTAX,
};
use crate::cmd::Cmd;

const SAME_OBJECT: &str = "ERR source and destination objects are the same";
const DB_RANGE: &str = "ERR DB index is out of range";

pub fn ping(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if cmd.argc() <= 2 && m.pubsub.is_subscriber(cx.sess.id) {
        // In subscriber mode (RESP2): ["pong", message or ""].
        out.w.array(2);
        out.w.bulk(b"pong");
        return out.w.bulk(if cmd.argc() == 2 { cmd.arg(1) } else { b"" });
    }
    match cmd.argc() {
        1 => out.w.simple(b"PONG"),
        2 => out.w.bulk(cmd.arg(1)),
        _ => arity_error(b"ping", out),
    }
}

pub fn echo(_m: &mut Model, cmd: &Cmd, _cx: &mut Exec<'_>, out: &mut Out<'_>) {
    out.w.bulk(cmd.arg(1));
}

pub fn quit(m: &mut Model, _cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    // The engine forgets the client as QUIT runs.
    m.pubsub.forget(cx.sess.id);
    out.w.ok();
    out.close = true;
}

/// `getIntFromObjectOrReply` with a custom message: an i64 that fits in a C int.
fn int32_arg(cmd: &Cmd, i: usize) -> Option<i64> {
    parse_ll(cmd.arg(i)).filter(|v| *v >= i32::MIN as i64 && *v <= i32::MAX as i64)
}

/// `getIntFromObjectOrReply` without one: the value or the error written.
fn int32_or_reply(cmd: &Cmd, i: usize, out: &mut Out<'_>) -> Option<i64> {
    match parse_ll(cmd.arg(i)) {
        None => out.w.err(super::NOT_INTEGER),
        Some(v) if v < i32::MIN as i64 || v > i32::MAX as i64 => {
            out.w.err("ERR value is out of range, value must between -2147483648 and 2147483647")
        }
        Some(v) => return Some(v),
    }
    None
}

fn db_index(v: i64) -> Option<usize> {
    (v >= 0 && (v as usize) < DATABASES).then_some(v as usize)
}

pub fn select(_m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(v) = int32_or_reply(cmd, 1, out) else {
        return;
    };
    let Some(db) = db_index(v) else {
        return out.w.err(DB_RANGE);
    };
    cx.sess.db = db;
    out.w.ok();
}

pub fn swapdb(m: &mut Model, cmd: &Cmd, _cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(a) = int32_arg(cmd, 1) else {
        return out.w.err("ERR invalid first DB index");
    };
    let Some(b) = int32_arg(cmd, 2) else {
        return out.w.err("ERR invalid second DB index");
    };
    let (Some(a), Some(b)) = (db_index(a), db_index(b)) else {
        return out.w.err(DB_RANGE);
    };
    m.dbs.swap(a, b);
    // Epochs are sequence numbers, unique across databases: a per-database
    // counter would let a swapped-in database match a scan's start epoch.
    m.dbs[a].epoch = m.seq;
    m.dbs[b].epoch = m.seq;
    out.w.ok();
}

pub fn dbsize(m: &mut Model, _cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let db = m.db(cx);
    let lo = db.live_count(cx.now_ms) as i64;
    out.prop = Some(Prop::IntRange { lo, hi: db.map.len() as i64 });
}

/// FLUSHDB/FLUSHALL's optional ASYNC|SYNC.
fn flush_flags_ok(cmd: &Cmd, out: &mut Out<'_>) -> bool {
    let ok = match cmd.argc() {
        1 => true,
        2 => eq_ic(cmd.arg(1), "sync") || eq_ic(cmd.arg(1), "async"),
        _ => false,
    };
    if !ok {
        out.w.err(SYNTAX);
    }
    ok
}

fn flush(db: &mut Db, seq: u64) {
    db.map.clear();
    db.epoch = seq;
}

pub fn flushdb(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if flush_flags_ok(cmd, out) {
        let seq = m.seq;
        flush(m.db(cx), seq);
        out.w.ok();
    }
}

pub fn flushall(m: &mut Model, cmd: &Cmd, _cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if flush_flags_ok(cmd, out) {
        let seq = m.seq;
        m.dbs.iter_mut().for_each(|db| flush(db, seq));
        out.w.ok();
    }
}

/// DEL and UNLINK.
pub fn del(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    let db = m.db(cx);
    let n = (1..cmd.argc()).filter(|&i| db.remove(cmd.arg(i), now).is_some()).count();
    out.w.int(n as i64);
}

/// EXISTS and TOUCH: every argument counts, repeated ones too.
pub fn exists(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    let db = m.db(cx);
    let n = (1..cmd.argc()).filter(|&i| db.exists(cmd.arg(i), now)).count();
    out.w.int(n as i64);
}

pub fn type_(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    let t: &[u8] = m.db(cx).get(cmd.arg(1), now).map_or(b"none", Entry::type_name);
    out.w.simple(t);
}

fn rename_generic(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, nx: bool) {
    let (now, seq) = (cx.now_ms, m.seq);
    let db = m.db(cx);
    let (src, dst) = (cmd.arg(1), cmd.arg(2));
    if !db.exists(src, now) {
        return out.w.err("ERR no such key");
    }
    if src == dst {
        return if nx { out.w.int(0) } else { out.w.ok() };
    }
    if nx && db.exists(dst, now) {
        return out.w.int(0);
    }
    let mut e = db.map.remove(src).expect("checked above");
    e.stamp = seq;
    db.map.insert(dst.to_vec(), e);
    if nx {
        out.w.int(1)
    } else {
        out.w.ok()
    }
}

pub fn rename(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    rename_generic(m, cmd, cx, out, false)
}

pub fn renamenx(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    rename_generic(m, cmd, cx, out, true)
}

pub fn move_(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let (now, seq, src_db) = (cx.now_ms, m.seq, cx.sess.db);
    let Some(v) = int32_or_reply(cmd, 2, out) else {
        return;
    };
    let Some(dst_db) = db_index(v) else {
        return out.w.err(DB_RANGE);
    };
    if dst_db == src_db {
        return out.w.err(SAME_OBJECT);
    }
    let key = cmd.arg(1);
    if !m.dbs[src_db].exists(key, now) || m.dbs[dst_db].exists(key, now) {
        return out.w.int(0);
    }
    let mut e = m.dbs[src_db].map.remove(key).expect("checked above");
    e.stamp = seq;
    m.dbs[dst_db].map.insert(key.to_vec(), e);
    out.w.int(1);
}

pub fn copy(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let (now, seq, src_db) = (cx.now_ms, m.seq, cx.sess.db);
    let mut dst_db = src_db;
    let mut replace = false;
    let mut j = 3;
    while j < cmd.argc() {
        let additional = cmd.argc() - j - 1;
        if eq_ic(cmd.arg(j), "replace") {
            replace = true;
        } else if eq_ic(cmd.arg(j), "db") && additional >= 1 {
            let Some(v) = int32_or_reply(cmd, j + 1, out) else {
                return;
            };
            let Some(d) = db_index(v) else {
                return out.w.err(DB_RANGE);
            };
            dst_db = d;
            j += 1;
        } else {
            return out.w.err(SYNTAX);
        }
        j += 1;
    }
    let (key, newkey) = (cmd.arg(1), cmd.arg(2));
    if src_db == dst_db && key == newkey {
        return out.w.err(SAME_OBJECT);
    }
    let Some(e) = m.dbs[src_db].get(key, now) else {
        return out.w.int(0);
    };
    let mut e = e.clone();
    if m.dbs[dst_db].exists(newkey, now) && !replace {
        return out.w.int(0);
    }
    // `dupStringObject`: a copied integer is its own object.
    if let Data::Str { enc: enc @ Enc::Int, .. } = &mut e.data {
        *enc = Enc::IntPrivate;
    }
    e.stamp = seq;
    m.dbs[dst_db].map.insert(newkey.to_vec(), e);
    out.w.int(1);
}

pub fn keys(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    let pat = cmd.arg(1);
    let mut found: Vec<Vec<u8>> =
        m.db(cx).live_keys(now).filter(|(k, _)| glob::matches(pat, k)).map(|(k, _)| k.clone()).collect();
    found.sort_unstable();
    out.prop = Some(Prop::SortedArray(found));
}

/// Redis `parseScanCursorOrReply` (`strtoul`, whole string): the simulator
/// only sends decimal digits or words, so digits within u64 is the rule.
pub(crate) fn parse_cursor(b: &[u8]) -> Option<u64> {
    if b.is_empty() || !b.iter().all(|c| c.is_ascii_digit()) {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

pub fn scan(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if parse_cursor(cmd.arg(1)).is_none() {
        return out.w.err("ERR invalid cursor");
    }
    let mut pattern: Option<&[u8]> = None;
    let mut type_filter: Option<&[u8]> = None;
    let mut i = 2;
    while i < cmd.argc() {
        let left = cmd.argc() - i;
        let opt = cmd.arg(i);
        if eq_ic(opt, "count") && left >= 2 {
            let Some(n) = int_arg(cmd, i + 1, out) else {
                return;
            };
            if n < 1 {
                return out.w.err(SYNTAX);
            }
        } else if eq_ic(opt, "match") && left >= 2 {
            pattern = Some(cmd.arg(i + 1));
        } else if eq_ic(opt, "type") && left >= 2 {
            type_filter = Some(cmd.arg(i + 1));
        } else {
            return out.w.err(SYNTAX);
        }
        i += 2;
    }
    let now = cx.now_ms;
    let db = &m.dbs[cx.sess.db];
    // TYPE compares each key's type name, case-insensitively.
    let wanted = |k: &[u8], e: &Entry| {
        type_filter.is_none_or(|t| t.eq_ignore_ascii_case(e.type_name())) && pattern.is_none_or(|p| glob::matches(p, k))
    };
    // With TYPE, a key whose type changed mid-scan was rightly skipped when
    // its bucket was visited. `set_data` gives such a key a new stamp, but
    // not every store path goes through it, and the model keeps no type
    // history: with TYPE it promises nothing about which keys must come.
    let must_from = match cx.scan {
        Some(s) if s.start_epoch == db.epoch && type_filter.is_none() => Some(s.start_seq),
        _ => None,
    };
    // Sized once for the whole database: one allocation each, no regrowth.
    let mut allowed = Vec::with_capacity(db.map.len());
    let mut must = Vec::with_capacity(if must_from.is_some() { db.map.len() } else { 0 });
    for (k, e) in db.live_keys(now).filter(|(k, e)| wanted(k, e)) {
        let h = key_hash(k);
        allowed.push(h);
        if must_from.is_some_and(|start| e.stamp < start) {
            must.push(h);
        }
    }
    allowed.sort_unstable();
    out.prop = Some(Prop::Scan { allowed, must });
}

pub fn randomkey(m: &mut Model, _cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    let mut keys: Vec<u64> = m.db(cx).live_keys(now).map(|(k, _)| key_hash(k)).collect();
    keys.sort_unstable();
    out.prop = Some(Prop::OneOf(keys));
}

/// The OBJECT subcommands [`object`] implements; the others are in
/// [`super::NOT_MODELLED`].
pub static OBJECT_SUBS: &[Sub] = &[
    Sub { full: "object|encoding", arity: 3 },
    Sub { full: "object|refcount", arity: 3 },
    Sub { full: "object|freq", arity: 3 },
];

/// OBJECT ENCODING, REFCOUNT and FREQ; other subcommands are not generated.
pub fn object(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(sub) = super::subcommand("OBJECT", OBJECT_SUBS, cmd, out) else {
        return;
    };
    let full = sub.full.as_bytes();
    let now = cx.now_ms;
    let Some(e) = m.db(cx).get(cmd.arg(2), now) else {
        return out.w.nil();
    };
    match full {
        b"object|encoding" if e.uncertain => out.any(),
        b"object|encoding" => out.w.bulk(e.encoding_name()),
        // The encoding decides the count, and an uncertain value's
        // encoding is not known either.
        b"object|refcount" if e.uncertain => out.any(),
        b"object|refcount" => {
            let shared = matches!(&e.data, Data::Str { enc: Enc::Int, val } if parse_ll(val).is_some_and(|n| (0..SHARED_INTEGERS).contains(&n)));
            out.w.int(if shared { SHARED_REFCOUNT } else { 1 })
        }
        _ => out.w.err(NO_LFU),
    }
}

/// Redis's `OBJ_SHARED_INTEGERS`: 0..this are one shared object each.
const SHARED_INTEGERS: i64 = 10_000;
/// Redis's `OBJ_SHARED_REFCOUNT` (`INT_MAX`).
const SHARED_REFCOUNT: i64 = 2_147_483_647;
/// OBJECT FREQ on an existing key without an LFU maxmemory policy.
const NO_LFU: &str =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when \
                      switching between policies at runtime LRU and LFU data will take some time to adjust.";
