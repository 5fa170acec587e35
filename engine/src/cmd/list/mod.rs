//! List commands: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX
//! LSET LINSERT LREM LTRIM here; LPOS in [`pos`]; RPOPLPUSH LMOVE LMPOP in
//! [`moves`]; the blocking BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP in
//! [`blocking`]. Their rows are in [`rows`], their COMMAND DOCS text in
//! [`docs::list`](crate::cmd::docs::list).
//!
//! Each handler follows Redis 7.0's `t_list.c` in the order of its checks
//! (argument parsing before or after the key lookup differs per command and
//! decides which error a client sees). A list whose last element goes is
//! deleted with it: Redis never keeps an empty list.

pub mod blocking;
pub mod moves;
pub mod pos;
pub mod rows;

use bytes::Bytes;

use super::string::lookup_read;
use super::{parse_i64, CmdError, CmdResult, Handler};
use crate::ctx::{Ctx, Server};
use crate::db::value::{normalize_index, End, ListValue};
use crate::db::{Db, Value};
use crate::resp::Reply;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("lpush", lpush),
    ("rpush", rpush),
    ("lpushx", lpushx),
    ("rpushx", rpushx),
    ("lpop", lpop),
    ("rpop", rpop),
    ("llen", llen),
    ("lrange", lrange),
    ("lindex", lindex),
    ("lset", lset),
    ("linsert", linsert),
    ("lrem", lrem),
    ("ltrim", ltrim),
    ("lpos", pos::lpos),
    ("rpoplpush", moves::rpoplpush),
    ("lmove", moves::lmove),
    ("lmpop", moves::lmpop),
    ("blpop", blocking::blpop),
    ("brpop", blocking::brpop),
    ("brpoplpush", blocking::brpoplpush),
    ("blmove", blocking::blmove),
    ("blmpop", blocking::blmpop),
];

/// Redis `lookupKeyRead` + `checkType` for a list: None if missing.
pub(crate) fn read_list<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Result<Option<&'a ListValue>, CmdError> {
    match lookup_read(srv, db, key) {
        None => Ok(None),
        Some(v) => v.as_list().map(Some).ok_or(CmdError::WrongType),
    }
}

/// Redis `lookupKeyWrite` + `checkType` for a list (no hit/miss counting).
/// The type is checked through a read lookup first: a mutable lookup marks
/// a COPY-made integer as shared again (OBJECT REFCOUNT), which a command
/// that only answers WRONGTYPE must not do.
pub(crate) fn write_list<'a>(db: &'a mut Db, key: &[u8], now_ms: u64) -> Result<Option<&'a mut ListValue>, CmdError> {
    match db.lookup(key, now_ms) {
        None => return Ok(None),
        Some(v) if v.as_list().is_none() => return Err(CmdError::WrongType),
        Some(_) => {}
    }
    Ok(db.lookup_mut(key, now_ms).and_then(Value::as_list_mut))
}

/// The null array, `*-1` / RESP3 `_` (Redis `shared.nullarray[c->resp]`).
pub(crate) fn null_array(reply: &mut Reply) {
    reply.null_array();
}

/// A `LEFT`/`RIGHT` argument (Redis `getListPositionFromObjectOrReply`).
pub(crate) fn parse_end(arg: &[u8]) -> Result<End, CmdError> {
    if arg.eq_ignore_ascii_case(b"left") {
        Ok(End::Head)
    } else if arg.eq_ignore_ascii_case(b"right") {
        Ok(End::Tail)
    } else {
        Err(CmdError::Syntax)
    }
}

/// Replies with `list[start..=end]` after Redis's range normalization
/// (`addListRangeReply`): negative indexes count from the tail, the range
/// is clipped to the list, an empty range is an empty array.
fn reply_range(reply: &mut Reply, list: &ListValue, start: i64, end: i64) {
    let len = list.len() as i64;
    let mut start = if start < 0 { len + start } else { start };
    let mut end = if end < 0 { len + end } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= len {
        reply.array(0);
        return;
    }
    if end >= len {
        end = len - 1;
    }
    let (start, end) = (start as usize, end as usize);
    reply.array(end - start + 1);
    list.range(start, end).for_each(|e| reply.bulk(e));
}

/// Redis `pushGenericCommand`: `xx` is LPUSHX/RPUSHX (no key, no push).
fn push_generic(ctx: &mut Ctx<'_>, args: &[Bytes], end: End, xx: bool) -> CmdResult {
    let now = ctx.now_ms();
    let key = &args[1];
    let db = ctx.db();
    let list = match write_list(db, key, now)? {
        Some(list) => list,
        None if xx => {
            ctx.propagate_nothing();
            ctx.reply.int(0);
            return Ok(());
        }
        None => {
            db.set(key, Value::List(Box::default()), false);
            write_list(db, key, now)?.expect("just created")
        }
    };
    for element in &args[2..] {
        list.push(end, element);
    }
    let len = list.len();
    ctx.srv.stats.dirty += (args.len() - 2) as u64;
    ctx.reply.int(len as i64);
    Ok(())
}

/// # Format
/// ```text
/// LPUSH key element [element ...]
/// ```
fn lpush(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    push_generic(ctx, args, End::Head, false)
}

/// # Format
/// ```text
/// RPUSH key element [element ...]
/// ```
fn rpush(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    push_generic(ctx, args, End::Tail, false)
}

/// # Format
/// ```text
/// LPUSHX key element [element ...]
/// ```
fn lpushx(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    push_generic(ctx, args, End::Head, true)
}

/// # Format
/// ```text
/// RPUSHX key element [element ...]
/// ```
fn rpushx(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    push_generic(ctx, args, End::Tail, true)
}

/// Redis `getPositiveLongFromObjectOrReply` with no message of its own:
/// one text for both a non-integer and a negative value.
fn parse_positive(arg: &[u8], msg: &'static str) -> Result<i64, CmdError> {
    match parse_i64(arg) {
        Ok(n) if n >= 0 => Ok(n),
        _ => Err(CmdError::msg(msg)),
    }
}

const MUST_BE_POSITIVE: &str = "ERR value is out of range, must be positive";

/// Redis `popGenericCommand`: without a count a bulk (null if missing);
/// with one an array (null array if missing, empty for a count of 0).
fn pop_generic(ctx: &mut Ctx<'_>, args: &[Bytes], end: End) -> CmdResult {
    if args.len() > 3 {
        let name = if end == End::Head { "lpop" } else { "rpop" };
        return Err(CmdError::msg(format!("ERR wrong number of arguments for '{name}' command")));
    }
    let count = match args.get(2) {
        Some(arg) => Some(parse_positive(arg, MUST_BE_POSITIVE)?),
        None => None,
    };
    let now = ctx.now_ms();
    let key = &args[1];
    let db = &mut ctx.srv.dbs[ctx.db_index];
    let Some(list) = write_list(db, key, now)? else {
        ctx.propagate_nothing();
        if count.is_some() {
            null_array(ctx.reply);
        } else {
            ctx.reply.null();
        }
        return Ok(());
    };
    match count {
        Some(0) => {
            ctx.propagate_nothing();
            ctx.reply.array(0);
            return Ok(());
        }
        None => {
            let popped = list.pop_shrinking(end).expect("stored lists are never empty");
            ctx.reply.bulk(popped.as_slice());
        }
        Some(n) => {
            let n = (n as u64).min(list.len() as u64) as usize;
            ctx.reply.array(n);
            for i in 0..n {
                let popped = if i + 1 == n { list.pop_shrinking(end) } else { list.pop(end) };
                ctx.reply.bulk(popped.expect("n <= len").as_slice());
            }
        }
    }
    if list.is_empty() {
        db.remove(key);
    }
    ctx.srv.stats.dirty += 1;
    Ok(())
}

/// # Format
/// ```text
/// LPOP key [count]
/// ```
fn lpop(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    pop_generic(ctx, args, End::Head)
}

/// # Format
/// ```text
/// RPOP key [count]
/// ```
fn rpop(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    pop_generic(ctx, args, End::Tail)
}

/// # Format
/// ```text
/// LLEN key
/// ```
fn llen(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let len = read_list(ctx.srv, ctx.db_index, &args[1])?.map_or(0, ListValue::len);
    ctx.reply.int(len as i64);
    Ok(())
}

/// # Format
/// ```text
/// LRANGE key start stop
/// ```
fn lrange(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let start = parse_i64(&args[2])?;
    let end = parse_i64(&args[3])?;
    match read_list(ctx.srv, ctx.db_index, &args[1])? {
        None => ctx.reply.array(0),
        Some(list) => reply_range(ctx.reply, list, start, end),
    }
    Ok(())
}

/// # Format
/// ```text
/// LINDEX key index
/// ```
///
/// The key is looked up before the index is parsed (a missing key answers
/// null whatever the index).
fn lindex(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let reply = &mut *ctx.reply;
    let Some(list) = read_list(ctx.srv, ctx.db_index, &args[1])? else {
        reply.null();
        return Ok(());
    };
    let index = parse_i64(&args[2])?;
    match normalize_index(index, list.len()).and_then(|i| list.get(i)) {
        Some(e) => reply.bulk(e),
        None => reply.null(),
    }
    Ok(())
}

/// # Format
/// ```text
/// LSET key index element
/// ```
fn lset(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let now = ctx.now_ms();
    let Some(list) = write_list(ctx.db(), &args[1], now)? else {
        return Err(CmdError::NoSuchKey);
    };
    let index = parse_i64(&args[2])?;
    match normalize_index(index, list.len()) {
        Some(i) => {
            list.set(i, &args[3]);
        }
        None => return Err(CmdError::msg("ERR index out of range")),
    }
    ctx.srv.stats.dirty += 1;
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// LINSERT key <BEFORE | AFTER> pivot element
/// ```
fn linsert(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let after = if args[2].eq_ignore_ascii_case(b"after") {
        true
    } else if args[2].eq_ignore_ascii_case(b"before") {
        false
    } else {
        return Err(CmdError::Syntax);
    };
    let now = ctx.now_ms();
    let Some(list) = write_list(ctx.db(), &args[1], now)? else {
        ctx.propagate_nothing();
        ctx.reply.int(0);
        return Ok(());
    };
    let Some(at) = list.iter().position(|e| e == &args[3][..]) else {
        ctx.propagate_nothing();
        ctx.reply.int(-1);
        return Ok(());
    };
    list.insert(at + usize::from(after), &args[4]);
    let len = list.len();
    ctx.srv.stats.dirty += 1;
    ctx.reply.int(len as i64);
    Ok(())
}

/// # Format
/// ```text
/// LREM key count element
/// ```
///
/// A positive count removes from the head, a negative one from the tail,
/// zero removes every match.
fn lrem(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let count = parse_i64(&args[2])?;
    let now = ctx.now_ms();
    let db = &mut ctx.srv.dbs[ctx.db_index];
    let Some(list) = write_list(db, &args[1], now)? else {
        ctx.propagate_nothing();
        ctx.reply.int(0);
        return Ok(());
    };
    let limit = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
    let removed = list.remove_matching(&args[3], limit, count < 0);
    if list.is_empty() {
        db.remove(&args[1]);
    }
    crate::cmd::count_changes(ctx, removed as u64);
    ctx.reply.int(removed as i64);
    Ok(())
}

/// # Format
/// ```text
/// LTRIM key start stop
/// ```
fn ltrim(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let start = parse_i64(&args[2])?;
    let end = parse_i64(&args[3])?;
    let now = ctx.now_ms();
    let db = &mut ctx.srv.dbs[ctx.db_index];
    let Some(list) = write_list(db, &args[1], now)? else {
        ctx.propagate_nothing();
        ctx.reply.ok();
        return Ok(());
    };
    // Redis's ltrimCommand arithmetic: an empty range removes everything.
    let len = list.len() as i64;
    let len_before = list.len();
    let start = if start < 0 { (len + start).max(0) } else { start };
    let end = if end < 0 { len + end } else { end };
    if start > end || start >= len || end < 0 {
        list.keep_range(1, 0);
    } else {
        list.keep_range(start as usize, end.min(len - 1) as usize);
    }
    let trimmed = len_before - list.len();
    if list.is_empty() {
        db.remove(&args[1]);
    }
    // Redis `server.dirty += ltrim + rtrim`: a trim that kept everything
    // goes nowhere.
    crate::cmd::count_changes(ctx, trimmed as u64);
    ctx.reply.ok();
    Ok(())
}
