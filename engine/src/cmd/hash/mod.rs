//! Hash commands (Redis 7.0 `t_hash.c`): HSET HSETNX HGET HMGET HMSET HDEL
//! HLEN HSTRLEN HEXISTS HKEYS HVALS HGETALL here, HINCRBY HINCRBYFLOAT in
//! [`incr`], HRANDFIELD HSCAN in [`random`]. Their rows are in [`rows`],
//! their COMMAND DOCS text in [`docs::hash`](crate::cmd::docs::hash).
//!
//! The type and its encoding rules are [`HashValue`]'s. Each handler checks
//! in Redis's order (arguments it parses up front, then the key's type,
//! then the field), and a hash whose last field goes is deleted with it.

pub mod incr;
pub mod random;
pub mod rows;

use bytes::Bytes;

use super::{CmdError, CmdResult};
use crate::cmd::string::lookup_read;
use crate::ctx::{Ctx, Handler, Server};
use crate::db::value::{HashLimits, HashValue};
use crate::db::Value;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("hset", hset),
    ("hsetnx", hsetnx),
    ("hget", hget),
    ("hmget", hmget),
    ("hmset", hmset),
    ("hdel", hdel),
    ("hlen", hlen),
    ("hstrlen", hstrlen),
    ("hexists", hexists),
    ("hkeys", hkeys),
    ("hvals", hvals),
    ("hgetall", hgetall),
    ("hincrby", incr::hincrby),
    ("hincrbyfloat", incr::hincrbyfloat),
    ("hrandfield", random::hrandfield),
    ("hscan", random::hscan),
];

/// Redis `lookupKeyRead` + `checkType`: the hash under `key`, None if
/// missing, WRONGTYPE for another type. Counts a hit or miss.
pub(crate) fn read_hash<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Result<Option<&'a HashValue>, CmdError> {
    match lookup_read(srv, db, key) {
        None => Ok(None),
        Some(v) => v.as_hash().map(Some).ok_or(CmdError::WrongType),
    }
}

/// The thresholds and table seed a write to the calling client's database uses.
pub(crate) fn limits(ctx: &mut Ctx<'_>) -> HashLimits {
    let c = &ctx.srv.config;
    let (entries_max, value_max) = (c.hash_max_listpack_entries, c.hash_max_listpack_value_bytes);
    HashLimits { entries_max, value_max, seed: ctx.db().hash_seed() }
}

/// Redis `hashTypeLookupWriteOrCreate` and what follows it: runs `f` on the
/// hash under `key` (an empty new one if missing; WRONGTYPE for another
/// type). A new hash is stored only if `f` left it non-empty, an existing
/// one that `f` emptied is deleted, so no empty hash is ever stored.
pub(crate) fn write_hash<R>(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    f: impl FnOnce(&mut HashValue, &HashLimits) -> Result<R, CmdError>,
) -> Result<R, CmdError> {
    let lim = limits(ctx);
    let now_ms = ctx.now_ms();
    let db = ctx.db();
    match db.lookup_mut(key, now_ms) {
        Some(v) => {
            let h = v.as_hash_mut().ok_or(CmdError::WrongType)?;
            let r = f(h, &lim);
            if h.is_empty() {
                db.remove(key);
            }
            r
        }
        None => {
            let mut h = HashValue::new();
            let r = f(&mut h, &lim);
            if !h.is_empty() {
                db.set(key, Value::Hash(Box::new(h)), false);
            }
            r
        }
    }
}

/// HSET and HMSET: the pairs after the key, converted up front if any
/// argument is too long (Redis `hashTypeTryConversion`). Returns how many
/// fields were new.
fn set_pairs(ctx: &mut Ctx<'_>, args: &[Bytes], cmd_name: &str) -> Result<i64, CmdError> {
    if args.len() % 2 == 1 {
        return Err(CmdError::msg(format!("ERR wrong number of arguments for '{cmd_name}' command")));
    }
    let created = write_hash(ctx, &args[1], |h, lim| {
        h.convert_for_args(args[2..].iter().map(|a| &a[..]), lim);
        Ok(args[2..].chunks_exact(2).filter(|fv| h.set(&fv[0], &fv[1], lim)).count() as i64)
    })?;
    ctx.srv.stats.dirty += (args.len() as u64 - 2) / 2;
    Ok(created)
}

/// # Format
/// ```text
/// HSET key field value [field value ...]
/// ```
///
/// Replies with how many fields were new.
fn hset(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let created = set_pairs(ctx, args, "hset")?;
    ctx.reply.int(created);
    Ok(())
}

/// # Format
/// ```text
/// HMSET key field value [field value ...]
/// ```
fn hmset(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    set_pairs(ctx, args, "hmset")?;
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// HSETNX key field value
/// ```
///
/// 1 if set, 0 if the field existed. An existing field converts nothing,
/// however long the value (Redis checks the lengths only before a store).
fn hsetnx(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let set = write_hash(ctx, &args[1], |h, lim| {
        if h.contains(&args[2]) {
            return Ok(false);
        }
        h.convert_for_args([&args[2][..], &args[3][..]], lim);
        h.set(&args[2], &args[3], lim);
        Ok(true)
    })?;
    crate::cmd::count_changes(ctx, set as u64);
    ctx.reply.int(set as i64);
    Ok(())
}

/// # Format
/// ```text
/// HGET key field
/// ```
fn hget(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let reply = &mut *ctx.reply;
    match read_hash(ctx.srv, ctx.db_index, &args[1])?.and_then(|h| h.get(&args[2])) {
        Some(v) => reply.bulk(v),
        None => reply.null(),
    }
    Ok(())
}

/// # Format
/// ```text
/// HMGET key field [field ...]
/// ```
///
/// A null for each missing field (all of them for a missing key).
fn hmget(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let reply = &mut *ctx.reply;
    let h = read_hash(ctx.srv, ctx.db_index, &args[1])?;
    reply.array(args.len() - 2);
    for field in &args[2..] {
        match h.and_then(|h| h.get(field)) {
            Some(v) => reply.bulk(v),
            None => reply.null(),
        }
    }
    Ok(())
}

/// # Format
/// ```text
/// HDEL key field [field ...]
/// ```
///
/// Replies with how many fields were removed; the key goes with its last field.
fn hdel(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let now_ms = ctx.now_ms();
    let db = ctx.db();
    let Some(v) = db.lookup_mut(&args[1], now_ms) else {
        ctx.propagate_nothing();
        ctx.reply.int(0);
        return Ok(());
    };
    let h = v.as_hash_mut().ok_or(CmdError::WrongType)?;
    let mut deleted = 0;
    for field in &args[2..] {
        if h.remove(field) {
            deleted += 1;
            if h.is_empty() {
                db.remove(&args[1]);
                break;
            }
        }
    }
    crate::cmd::count_changes(ctx, deleted as u64);
    ctx.reply.int(deleted);
    Ok(())
}

/// # Format
/// ```text
/// HLEN key
/// ```
fn hlen(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let n = read_hash(ctx.srv, ctx.db_index, &args[1])?.map_or(0, HashValue::len);
    ctx.reply.int(n as i64);
    Ok(())
}

/// # Format
/// ```text
/// HSTRLEN key field
/// ```
fn hstrlen(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let n = read_hash(ctx.srv, ctx.db_index, &args[1])?.and_then(|h| h.get(&args[2])).map_or(0, <[u8]>::len);
    ctx.reply.int(n as i64);
    Ok(())
}

/// # Format
/// ```text
/// HEXISTS key field
/// ```
fn hexists(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let found = read_hash(ctx.srv, ctx.db_index, &args[1])?.is_some_and(|h| h.contains(&args[2]));
    ctx.reply.int(found as i64);
    Ok(())
}

/// Which parts of each pair HKEYS, HVALS and HGETALL reply with.
#[derive(Clone, Copy)]
enum Parts {
    Fields,
    Values,
    Both,
}

/// Redis `genericHgetallCommand`: the small form in insertion order, the big
/// one in table order; an empty array (HGETALL: map) for a missing key.
fn get_all(ctx: &mut Ctx<'_>, key: &[u8], parts: Parts) -> CmdResult {
    let reply = &mut *ctx.reply;
    let len = read_hash(ctx.srv, ctx.db_index, key)?.map_or(0, |h| h.len());
    match parts {
        Parts::Both => reply.map(len),
        Parts::Fields | Parts::Values => reply.array(len),
    }
    let Some(h) = read_hash(ctx.srv, ctx.db_index, key)? else {
        return Ok(());
    };
    h.for_each(|f, v| match parts {
        Parts::Fields => reply.bulk(f),
        Parts::Values => reply.bulk(v),
        Parts::Both => {
            reply.bulk(f);
            reply.bulk(v);
        }
    });
    Ok(())
}

/// # Format
/// ```text
/// HKEYS key
/// ```
fn hkeys(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    get_all(ctx, &args[1], Parts::Fields)
}

/// # Format
/// ```text
/// HVALS key
/// ```
fn hvals(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    get_all(ctx, &args[1], Parts::Values)
}

/// # Format
/// ```text
/// HGETALL key
/// ```
///
/// Field, value, field, value... (a map in RESP3).
fn hgetall(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    get_all(ctx, &args[1], Parts::Both)
}
