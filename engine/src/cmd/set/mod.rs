//! Set commands: SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SMOVE SSCAN
//! here; SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE
//! in [`algebra`]; SPOP SRANDMEMBER in [`random`]. Their rows are in
//! [`rows`], their COMMAND DOCS text in [`docs::set`](crate::cmd::docs::set),
//! the type itself in [`SetValue`].
//!
//! Each handler follows Redis 7.0's `t_set.c` step by step, because the
//! order of the checks is observable: which error wins when several
//! arguments are bad, whether a missing key answers before a wrong type,
//! which lookups count keyspace hits. A set that loses its last member is
//! deleted with it (Redis never stores an empty collection).

pub mod algebra;
pub mod random;
pub mod rows;

use bytes::Bytes;

use super::string::lookup_read;
use super::{glob, keys, CmdError, CmdResult, Handler};
use crate::ctx::{Ctx, Server};
use crate::db::value::{Member, SetValue};
use crate::db::{Db, Value};
use crate::resp::Reply;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("sadd", sadd),
    ("srem", srem),
    ("scard", scard),
    ("sismember", sismember),
    ("smismember", smismember),
    ("smembers", smembers),
    ("smove", smove),
    ("sscan", sscan),
    ("spop", random::spop),
    ("srandmember", random::srandmember),
    ("sinter", algebra::sinter),
    ("sintercard", algebra::sintercard),
    ("sinterstore", algebra::sinterstore),
    ("sunion", algebra::sunion),
    ("sunionstore", algebra::sunionstore),
    ("sdiff", algebra::sdiff),
    ("sdiffstore", algebra::sdiffstore),
];

/// Redis `lookupKeyRead` + `checkType`: the set under `key` (counting a
/// keyspace hit or miss), None if missing.
pub(crate) fn read_set<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Result<Option<&'a SetValue>, CmdError> {
    match lookup_read(srv, db, key) {
        None => Ok(None),
        Some(v) => v.as_set().map(Some).ok_or(CmdError::WrongType),
    }
}

/// Redis `lookupKeyWrite` + `checkType`: the set under `key` for change, None
/// if missing.
pub(crate) fn write_set<'a>(db: &'a mut Db, key: &[u8], now_ms: u64) -> Result<Option<&'a mut SetValue>, CmdError> {
    match db.lookup_mut(key, now_ms) {
        None => Ok(None),
        Some(v) => v.as_set_mut().map(Some).ok_or(CmdError::WrongType),
    }
}

/// Deletes `key` if its set is now empty (after a removal).
pub(crate) fn delete_if_empty(db: &mut Db, key: &[u8]) {
    if db.peek(key).and_then(Value::as_set).is_some_and(SetValue::is_empty) {
        db.remove(key);
    }
}

/// One member as a bulk string.
pub(crate) fn reply_member(reply: &mut Reply, m: Member<'_>) {
    match m {
        Member::Int(n) => reply.bulk_int(n),
        Member::Bytes(b) => reply.bulk(b),
    }
}

/// Every member of `set` as a set reply (an array in RESP2), in its
/// iteration order.
pub(crate) fn reply_set(reply: &mut Reply, set: &SetValue) {
    reply.set(set.len());
    set.for_each(|m| reply_member(reply, m));
}

/// # Format
/// ```text
/// SADD key member [member ...]
/// ```
fn sadd(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let now = ctx.now_ms();
    let max = ctx.srv.config.set_max_intset_entries;
    let db = &mut ctx.srv.dbs[ctx.db_index];
    let seed = db.hash_seed();
    let key = &args[1];
    if write_set(db, key, now)?.is_none() {
        db.set(key, Value::Set(Box::new(SetValue::new_for(&args[2], seed))), false);
    }
    let set = write_set(db, key, now)?.expect("created above");
    let added = args[2..].iter().filter(|m| set.add(m, max, seed)).count();
    crate::cmd::count_changes(ctx, added as u64);
    ctx.reply.int(added as i64);
    Ok(())
}

/// # Format
/// ```text
/// SREM key member [member ...]
/// ```
fn srem(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let now = ctx.now_ms();
    let db = &mut ctx.srv.dbs[ctx.db_index];
    let key = &args[1];
    let Some(set) = write_set(db, key, now)? else {
        ctx.propagate_nothing();
        ctx.reply.int(0);
        return Ok(());
    };
    let mut removed = 0i64;
    for m in &args[2..] {
        if set.remove(m) {
            removed += 1;
            if set.is_empty() {
                break;
            }
        }
    }
    delete_if_empty(db, key);
    crate::cmd::count_changes(ctx, removed as u64);
    ctx.reply.int(removed);
    Ok(())
}

/// # Format
/// ```text
/// SCARD key
/// ```
fn scard(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let n = read_set(ctx.srv, ctx.db_index, &args[1])?.map_or(0, SetValue::len);
    ctx.reply.int(n as i64);
    Ok(())
}

/// # Format
/// ```text
/// SISMEMBER key member
/// ```
fn sismember(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let found = read_set(ctx.srv, ctx.db_index, &args[1])?.is_some_and(|s| s.contains(&args[2]));
    ctx.reply.int(found as i64);
    Ok(())
}

/// # Format
/// ```text
/// SMISMEMBER key member [member ...]
/// ```
fn smismember(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let set = read_set(ctx.srv, ctx.db_index, &args[1])?;
    ctx.reply.array(args.len() - 2);
    for m in &args[2..] {
        ctx.reply.int(set.is_some_and(|s| s.contains(m)) as i64);
    }
    Ok(())
}

/// # Format
/// ```text
/// SMEMBERS key
/// ```
///
/// An intset replies in ascending order, a hashtable in table order.
fn smembers(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    match read_set(ctx.srv, ctx.db_index, &args[1])? {
        None => ctx.reply.set(0),
        Some(set) => reply_set(ctx.reply, set),
    }
    Ok(())
}

/// # Format
/// ```text
/// SMOVE source destination member
/// ```
///
/// Redis `smoveCommand`: both keys are looked up first; a missing source
/// answers 0 before any type check; then the source's type, then the
/// destination's.
fn smove(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let now = ctx.now_ms();
    let max = ctx.srv.config.set_max_intset_entries;
    let db = &mut ctx.srv.dbs[ctx.db_index];
    let seed = db.hash_seed();
    let (src, dst, member) = (&args[1], &args[2], &args[3]);
    let src_type = db.lookup_mut(src, now).map(|v| v.as_set().is_some());
    let dst_type = db.lookup_mut(dst, now).map(|v| v.as_set().is_some());
    let Some(src_is_set) = src_type else {
        ctx.propagate_nothing();
        ctx.reply.int(0);
        return Ok(());
    };
    if !src_is_set || dst_type == Some(false) {
        return Err(CmdError::WrongType);
    }
    let source = write_set(db, src, now)?.expect("checked above");
    if src == dst {
        let found = source.contains(member);
        ctx.propagate_nothing();
        ctx.reply.int(found as i64);
        return Ok(());
    }
    if !source.remove(member) {
        ctx.propagate_nothing();
        ctx.reply.int(0);
        return Ok(());
    }
    delete_if_empty(db, src);
    if dst_type.is_none() {
        db.set(dst, Value::Set(Box::new(SetValue::new_for(member, seed))), false);
    }
    let target = write_set(db, dst, now)?.expect("present above");
    target.add(member, max, seed);
    ctx.srv.stats.dirty += 1;
    ctx.reply.int(1);
    Ok(())
}

/// # Format
/// ```text
/// SSCAN key cursor [MATCH pattern] [COUNT count]
/// ```
///
/// Redis `sscanCommand` + `scanGenericCommand`: the cursor is parsed first,
/// then the key (missing: an empty scan, before the options are read), then
/// the options. An intset answers whole with cursor 0 whatever the cursor;
/// a hashtable walks the table's reverse-binary cursor, so a member present
/// for the whole scan is returned at least once across resizes.
fn sscan(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let cursor = keys::parse_cursor(&args[2])?;
    let Some(set) = read_set(ctx.srv, ctx.db_index, &args[1])? else {
        keys::reply_empty_scan(ctx.reply);
        return Ok(());
    };
    let keys::ScanOptions { count, pattern } = keys::parse_scan_options(args, 3, |_, _| false)?;
    let mut body = Reply::new();
    let mut n = 0usize;
    let mut emit = |m: &[u8]| {
        if pattern.is_none_or(|p| glob::matches(p, m)) {
            body.bulk(m);
            n += 1;
        }
    };
    let next = if set.is_intset() {
        set.scan_step(0, &mut emit)
    } else {
        // Redis: step until `count` members were collected (before MATCH
        // filters them), the scan ends, or `count * 10` steps were taken.
        let mut steps_left = count.saturating_mul(10);
        let mut collected = 0usize;
        let mut cursor = cursor;
        loop {
            cursor = set.scan_step(cursor, |m| {
                collected += 1;
                emit(m)
            });
            if cursor == 0 || steps_left == 0 || collected >= count {
                break cursor;
            }
            steps_left -= 1;
        }
    };
    ctx.reply.array(2);
    ctx.reply.bulk(next.to_string().as_bytes());
    ctx.reply.array(n);
    ctx.reply.buf.extend_from_slice(&body.buf);
    Ok(())
}
