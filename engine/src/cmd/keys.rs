//! Keyspace commands: DBSIZE FLUSHDB FLUSHALL SWAPDB DEL UNLINK EXISTS TYPE
//! RENAME RENAMENX MOVE COPY KEYS SCAN RANDOMKEY TOUCH OBJECT.
//!
//! Each handler follows its Redis 7.0 counterpart in `db.c` / `object.c`
//! step by step, because the order of checks decides which error a client
//! sees when several apply, and which lookups count as keyspace hits/misses:
//! Redis counts them for read lookups (`lookupKeyRead*`: EXISTS, TYPE,
//! TOUCH, COPY's source, OBJECT, SCAN's TYPE filter) and not for write
//! lookups (RENAME, MOVE, DEL) nor for KEYS, SCAN and RANDOMKEY.
//!
//! Keys that are logically expired behave as absent everywhere: lookups
//! expire them lazily; KEYS skips them without deleting (Redis's
//! `keyIsExpired`); SCAN deletes them as it filters (`expireIfNeeded`).

use bytes::Bytes;

use super::{glob, parse_i64, CmdError, CmdResult, Handler};
use crate::ctx::Ctx;
use crate::db::{Db, Value};
use crate::resp::Reply;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("dbsize", dbsize),
    ("flushdb", flushdb),
    ("flushall", flushall),
    ("swapdb", swapdb),
    ("del", del),
    ("unlink", del),
    ("exists", exists),
    ("type", type_),
    ("rename", rename),
    ("renamenx", renamenx),
    ("move", move_),
    ("copy", copy),
    ("keys", keys),
    ("scan", scan),
    ("randomkey", randomkey),
    ("touch", touch),
    ("object|encoding", object_encoding),
    ("object|freq", object_freq),
    ("object|idletime", object_idletime),
    ("object|refcount", object_refcount),
    ("object|help", object_help),
];

/// Redis's `shared.sameobjecterr`.
const SAME_OBJECT: &str = "ERR source and destination objects are the same";

/// Redis shares one object per integer 0..OBJ_SHARED_INTEGERS; OBJECT
/// REFCOUNT reports such objects as OBJ_SHARED_REFCOUNT (INT_MAX).
const SHARED_INTEGERS: i64 = 10_000;
const SHARED_REFCOUNT: i64 = i32::MAX as i64;

/// SCAN's COUNT is a hint; we cap it so the table's visit budget
/// (`count * 10` buckets) cannot overflow. Far above any database size.
pub(crate) const SCAN_COUNT_MAX: usize = 1 << 32;

/// A read lookup (`lookupKeyReadWithFlags`): lazy expiry plus the keyspace
/// hit/miss counters. `touch` is false for LOOKUP_NOTOUCH callers.
fn read_lookup<'a>(ctx: &'a mut Ctx<'_>, db_index: usize, key: &[u8], touch: bool) -> Option<&'a Value> {
    let now = ctx.srv.now_ms;
    let db = &mut ctx.srv.dbs[db_index];
    let found = if touch { db.lookup(key, now) } else { db.lookup_notouch(key, now) };
    if found.is_some() {
        ctx.srv.stats.keyspace_hits += 1;
    } else {
        ctx.srv.stats.keyspace_misses += 1;
    }
    found
}

/// Redis's `getIntFromObjectOrReply`: a strict i64 that must fit an int.
/// `msg` replaces both errors when given (SWAPDB's "invalid first DB index").
fn parse_int_arg(arg: &[u8], msg: Option<&'static str>) -> Result<i32, CmdError> {
    let n = parse_i64(arg).map_err(|e| msg.map_or(e, CmdError::msg))?;
    i32::try_from(n).map_err(|_| {
        CmdError::msg(msg.unwrap_or("ERR value is out of range, value must between -2147483648 and 2147483647"))
    })
}

/// A database index for MOVE and COPY, checked like Redis's `selectDb`.
fn db_index_arg(ctx: &Ctx<'_>, arg: &[u8]) -> Result<usize, CmdError> {
    let id = parse_int_arg(arg, None)?;
    usize::try_from(id).ok().filter(|&i| i < ctx.srv.dbs.len()).ok_or(CmdError::DbIndexOutOfRange)
}

/// # Format
/// ```text
/// DBSIZE
/// ```
///
/// Replies with the keys stored, including expired ones not yet removed.
fn dbsize(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    let n = ctx.db().len();
    ctx.reply.int(n as i64);
    Ok(())
}

/// FLUSHDB and FLUSHALL take one optional `ASYNC` or `SYNC`; we always flush
/// synchronously (there is no lazy-free thread).
fn check_flush_args(args: &[Bytes]) -> CmdResult {
    match args {
        [_] => Ok(()),
        [_, mode] if mode.eq_ignore_ascii_case(b"sync") || mode.eq_ignore_ascii_case(b"async") => Ok(()),
        _ => Err(CmdError::Syntax),
    }
}

/// # Format
/// ```text
/// FLUSHDB [ASYNC | SYNC]
/// ```
fn flushdb(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    check_flush_args(args)?;
    let db = ctx.db();
    let removed = db.len() as u64;
    db.clear();
    ctx.srv.stats.dirty += removed;
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// FLUSHALL [ASYNC | SYNC]
/// ```
fn flushall(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    check_flush_args(args)?;
    let mut removed = 0u64;
    for db in &mut ctx.srv.dbs {
        removed += db.len() as u64;
        db.clear();
    }
    ctx.srv.stats.dirty += removed + 1;
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// SWAPDB index1 index2
/// ```
///
/// Clients keep their index, so they see the other database's contents, as in
/// Redis.
fn swapdb(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let first = parse_int_arg(&args[1], Some("ERR invalid first DB index"))?;
    let second = parse_int_arg(&args[2], Some("ERR invalid second DB index"))?;
    let n = ctx.srv.dbs.len();
    let (Ok(a), Ok(b)) = (usize::try_from(first), usize::try_from(second)) else {
        return Err(CmdError::DbIndexOutOfRange);
    };
    if a >= n || b >= n {
        return Err(CmdError::DbIndexOutOfRange);
    }
    crate::db::watch::swap_dbs(&mut ctx.srv.dbs, a, b);
    ctx.srv.stats.dirty += 1;
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// DEL key [key ...]
/// UNLINK key [key ...]
/// ```
///
/// UNLINK frees the values synchronously here, so the two share one handler.
fn del(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let now = ctx.now_ms();
    let db = ctx.db();
    let mut deleted = 0i64;
    for key in &args[1..] {
        db.expire_if_needed(key, now);
        if db.remove(key) {
            deleted += 1;
        }
    }
    crate::cmd::count_changes(ctx, deleted as u64);
    ctx.reply.int(deleted);
    Ok(())
}

/// # Format
/// ```text
/// EXISTS key [key ...]
/// ```
///
/// A key named twice counts twice.
fn exists(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    reply_live_count(ctx, &args[1..], false)
}

/// EXISTS and TOUCH: one read lookup per key (a key named twice counts
/// twice); only TOUCH's lookups update access times.
fn reply_live_count(ctx: &mut Ctx<'_>, keys: &[Bytes], touch: bool) -> CmdResult {
    let mut count = 0i64;
    for key in keys {
        count += read_lookup(ctx, ctx.db_index, key, touch).is_some() as i64;
    }
    ctx.reply.int(count);
    Ok(())
}

/// # Format
/// ```text
/// TYPE key
/// ```
///
/// The type name, or `none`.
fn type_(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let name = read_lookup(ctx, ctx.db_index, &args[1], false).map_or("none", Value::type_name);
    ctx.reply.simple(name);
    Ok(())
}

/// # Format
/// ```text
/// RENAME key newkey
/// ```
fn rename(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    rename_generic(ctx, args, false)
}

/// # Format
/// ```text
/// RENAMENX key newkey
/// ```
fn renamenx(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    rename_generic(ctx, args, true)
}

/// Redis's `renameGenericCommand`: the value moves with its TTL and idle
/// time; renaming a key onto itself checks only that it exists.
fn rename_generic(ctx: &mut Ctx<'_>, args: &[Bytes], nx: bool) -> CmdResult {
    let (source, target) = (&args[1], &args[2]);
    let now = ctx.now_ms();
    let db = ctx.db();
    if db.lookup(source, now).is_none() {
        return Err(CmdError::NoSuchKey);
    }
    // A key renamed onto itself: OK for RENAME, 0 for RENAMENX.
    let done = if source == target {
        !nx
    } else if db.lookup(target, now).is_some() && nx {
        false
    } else {
        let entry = db.take_entry(source).expect("looked up above");
        db.put_entry(target, entry);
        ctx.srv.stats.dirty += 1;
        true
    };
    if !done || source == target {
        // Nothing moved: nothing to replay (Redis leaves `dirty` alone).
        ctx.propagate_nothing();
    }
    if nx {
        ctx.reply.int(done as i64);
    } else {
        ctx.reply.ok();
    }
    Ok(())
}

/// # Format
/// ```text
/// MOVE key db
/// ```
fn move_(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let key = &args[1];
    let target = db_index_arg(ctx, &args[2])?;
    if target == ctx.db_index {
        return Err(CmdError::msg(SAME_OBJECT));
    }
    let now = ctx.now_ms();
    if ctx.db().lookup(key, now).is_none() || ctx.srv.dbs[target].lookup(key, now).is_some() {
        ctx.propagate_nothing();
        ctx.reply.int(0);
        return Ok(());
    }
    let entry = ctx.db().take_entry(key).expect("looked up above");
    ctx.srv.dbs[target].put_entry(key, entry);
    ctx.srv.stats.dirty += 1;
    ctx.reply.int(1);
    Ok(())
}

/// # Format
/// ```text
/// COPY source destination [DB destination-db] [REPLACE]
/// ```
fn copy(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let (source, target) = (&args[1], &args[2]);
    let mut replace = false;
    let mut target_db = ctx.db_index;
    let mut i = 3;
    while i < args.len() {
        if args[i].eq_ignore_ascii_case(b"replace") {
            replace = true;
        } else if args[i].eq_ignore_ascii_case(b"db") && i + 1 < args.len() {
            target_db = db_index_arg(ctx, &args[i + 1])?;
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    if target_db == ctx.db_index && source == target {
        return Err(CmdError::msg(SAME_OBJECT));
    }
    let Some(value) = read_lookup(ctx, ctx.db_index, source, true).cloned() else {
        ctx.propagate_nothing();
        ctx.reply.int(0);
        return Ok(());
    };
    let expire_at_ms = ctx.db().expire_at(source);
    let now = ctx.now_ms();
    let dst = &mut ctx.srv.dbs[target_db];
    dst.set_clock(now);
    if dst.lookup(target, now).is_some() && !replace {
        ctx.propagate_nothing();
        ctx.reply.int(0);
        return Ok(());
    }
    // Redis duplicates the object, so a small integer stops being shared.
    let unshared = is_small_int(&value);
    dst.remove(target);
    dst.set(target, value, false);
    if let Some(at) = expire_at_ms {
        dst.set_expire(target, at);
    }
    if unshared {
        dst.mark_unshared_int(target);
    }
    ctx.srv.stats.dirty += 1;
    ctx.reply.int(1);
    Ok(())
}

/// # Format
/// ```text
/// KEYS pattern
/// ```
///
/// Every live key matching, in table order.
fn keys(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let pattern: &[u8] = &args[1];
    let all = pattern == b"*";
    let now = ctx.srv.now_ms;
    let db: &Db = &ctx.srv.dbs[ctx.db_index];
    let mut body = Reply::new();
    let mut n = 0usize;
    db.for_each(|key, _| {
        if (all || glob::matches(pattern, key)) && !db.is_expired(key, now) {
            body.bulk(key);
            n += 1;
        }
    });
    ctx.reply.array(n);
    ctx.reply.buf.extend_from_slice(&body.buf);
    Ok(())
}

/// The options every SCAN-family command takes (Redis
/// `scanGenericCommand`).
pub(crate) struct ScanOptions<'a> {
    /// COUNT: at least 1, capped at [`SCAN_COUNT_MAX`]; 10 when absent.
    pub count: usize,
    /// MATCH, None when absent or a lone `*` (which matches everything,
    /// the empty key included).
    pub pattern: Option<&'a [u8]>,
}

/// Parses COUNT and MATCH pairs from `args[first..]`. `other(name, value)`
/// takes any further option (SCAN's TYPE) and says whether it did; anything
/// else, or an option without its value, is a syntax error.
pub(crate) fn parse_scan_options<'a>(
    args: &'a [Bytes],
    first: usize,
    mut other: impl FnMut(&'a [u8], &'a [u8]) -> bool,
) -> Result<ScanOptions<'a>, CmdError> {
    let mut o = ScanOptions { count: 10, pattern: None };
    let mut i = first;
    while i < args.len() {
        let Some(value) = args.get(i + 1) else { return Err(CmdError::Syntax) };
        if args[i].eq_ignore_ascii_case(b"count") {
            let n = parse_i64(value)?;
            if n < 1 {
                return Err(CmdError::Syntax);
            }
            o.count = usize::try_from(n).unwrap_or(usize::MAX).min(SCAN_COUNT_MAX);
        } else if args[i].eq_ignore_ascii_case(b"match") {
            o.pattern = Some(&value[..]).filter(|p| *p != b"*");
        } else if !other(&args[i], value) {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    Ok(o)
}

/// The reply of a SCAN-family command on a missing key: cursor 0, nothing.
pub(crate) fn reply_empty_scan(reply: &mut crate::resp::Reply) {
    reply.array(2);
    reply.bulk(b"0");
    reply.array(0);
}

/// Redis's `parseScanCursorOrReply`: C `strtoul` in base 10 (so an optional
/// sign, a negative number wrapping around, and the empty string as 0), but
/// no leading space and nothing after the digits.
pub(crate) fn parse_cursor(arg: &[u8]) -> Result<u64, CmdError> {
    let invalid = || CmdError::msg("ERR invalid cursor");
    let (negative, digits) = match arg.first() {
        Some(b'-') => (true, &arg[1..]),
        Some(b'+') => (false, &arg[1..]),
        _ => (false, arg),
    };
    if digits.is_empty() {
        // strtoul converted nothing: the end pointer is the start, which is
        // the terminator only for an empty argument.
        return if arg.is_empty() { Ok(0) } else { Err(invalid()) };
    }
    let mut v: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return Err(invalid());
        }
        v = v.checked_mul(10).and_then(|v| v.checked_add((d - b'0') as u64)).ok_or_else(invalid)?;
    }
    Ok(if negative { v.wrapping_neg() } else { v })
}

/// # Format
/// ```text
/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
/// ```
fn scan(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let cursor = parse_cursor(&args[1])?;
    let mut type_name: Option<&[u8]> = None;
    let ScanOptions { count, pattern } = parse_scan_options(args, 2, |name, value| {
        let is_type = name.eq_ignore_ascii_case(b"type");
        if is_type {
            type_name = Some(value);
        }
        is_type
    })?;
    let mut found: Vec<Vec<u8>> = Vec::new();
    let next = ctx.db().scan(cursor, count, |key, _| found.push(key.to_vec()));
    let mut body = Reply::new();
    let mut n = 0usize;
    for key in &found {
        if pattern.is_some_and(|p| !glob::matches(p, key)) {
            continue;
        }
        if let Some(want) = type_name {
            // Redis looks the key up (counting a hit or miss, expiring it)
            // and compares the type name case-insensitively; an expired key
            // is "none", and is then not filtered again below.
            let have = read_lookup(ctx, ctx.db_index, key, false).map_or("none", Value::type_name);
            if !want.eq_ignore_ascii_case(have.as_bytes()) {
                continue;
            }
        }
        let now = ctx.now_ms();
        if ctx.db().expire_if_needed(key, now) {
            continue;
        }
        body.bulk(key);
        n += 1;
    }
    ctx.reply.array(2);
    ctx.reply.bulk(next.to_string().as_bytes());
    ctx.reply.array(n);
    ctx.reply.buf.extend_from_slice(&body.buf);
    Ok(())
}

/// # Format
/// ```text
/// RANDOMKEY
/// ```
///
/// A random live key, or a null bulk when there is none.
fn randomkey(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    let now = ctx.srv.now_ms;
    match ctx.srv.dbs[ctx.db_index].random_key(&mut ctx.srv.rng, now) {
        Some(key) => ctx.reply.bulk(&key),
        None => ctx.reply.null(),
    }
    Ok(())
}

/// # Format
/// ```text
/// TOUCH key [key ...]
/// ```
///
/// Updates access times; replies how many exist.
fn touch(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    reply_live_count(ctx, &args[1..], true)
}

/// # Format
/// ```text
/// OBJECT ENCODING key
/// ```
fn object_encoding(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let encoding = read_lookup(ctx, ctx.db_index, &args[2], false).map(Value::encoding_name);
    match encoding {
        Some(e) => ctx.reply.bulk(e.as_bytes()),
        None => ctx.reply.null(),
    }
    Ok(())
}

/// # Format
/// ```text
/// OBJECT FREQ key
/// ```
///
/// We have no LFU policy, so an existing key gets Redis's "not selected" error.
fn object_freq(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    if read_lookup(ctx, ctx.db_index, &args[2], false).is_none() {
        ctx.reply.null();
        return Ok(());
    }
    Err(CmdError::msg(
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when \
         switching between policies at runtime LRU and LFU data will take some time to adjust.",
    ))
}

/// # Format
/// ```text
/// OBJECT IDLETIME key
/// ```
///
/// Seconds since the key was last accessed.
fn object_idletime(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    if read_lookup(ctx, ctx.db_index, &args[2], false).is_none() {
        ctx.reply.null();
        return Ok(());
    }
    let now_s = ctx.now_ms() / 1000;
    let access_s = ctx.db().meta(&args[2]).map_or(now_s, |m| m.access_s);
    ctx.reply.int(now_s.saturating_sub(access_s) as i64);
    Ok(())
}

/// Whether Redis would hold `v` as one of its shared integer objects.
fn is_small_int(v: &Value) -> bool {
    match v {
        Value::Str(s) => s.encoding_name() == "int" && s.as_i64().is_some_and(|n| (0..SHARED_INTEGERS).contains(&n)),
        _ => false,
    }
}

/// # Format
/// ```text
/// OBJECT REFCOUNT key
/// ```
///
/// 2147483647 for Redis's shared integers 0..=9999, else 1 (we never share
/// values between keys).
fn object_refcount(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let small_int = match read_lookup(ctx, ctx.db_index, &args[2], false) {
        None => {
            ctx.reply.null();
            return Ok(());
        }
        Some(v) => is_small_int(v),
    };
    let shared = small_int && !ctx.db().meta(&args[2]).is_some_and(|m| m.unshared_int);
    ctx.reply.int(if shared { SHARED_REFCOUNT } else { 1 });
    Ok(())
}

/// Redis 7.0's OBJECT HELP lines, byte for byte.
const OBJECT_HELP: &[&str] = &[
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
    "    Prints this help.",
];

/// # Format
/// ```text
/// OBJECT HELP
/// ```
fn object_help(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    ctx.reply.array(OBJECT_HELP.len());
    for line in OBJECT_HELP {
        ctx.reply.simple(line);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_parses_like_strtoul() {
        assert_eq!(parse_cursor(b"0"), Ok(0));
        assert_eq!(parse_cursor(b""), Ok(0));
        assert_eq!(parse_cursor(b"+7"), Ok(7));
        assert_eq!(parse_cursor(b"-1"), Ok(u64::MAX));
        assert_eq!(parse_cursor(b"-0"), Ok(0));
        assert_eq!(parse_cursor(b"18446744073709551615"), Ok(u64::MAX));
        assert!(parse_cursor(b"18446744073709551616").is_err());
        assert!(parse_cursor(b" 1").is_err());
        assert!(parse_cursor(b"1 ").is_err());
        assert!(parse_cursor(b"-").is_err());
        assert!(parse_cursor(b"+").is_err());
        assert!(parse_cursor(b"1x").is_err());
    }

    #[test]
    fn int_args_like_get_int_from_object() {
        assert_eq!(parse_int_arg(b"5", None), Ok(5));
        assert_eq!(parse_int_arg(b"x", None), Err(CmdError::NotInteger));
        assert_eq!(
            parse_int_arg(b"2147483648", None).unwrap_err().message(),
            "ERR value is out of range, value must between -2147483648 and 2147483647"
        );
        assert_eq!(
            parse_int_arg(b"x", Some("ERR invalid first DB index")).unwrap_err().message(),
            "ERR invalid first DB index"
        );
    }
}
