//! SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE:
//! Redis 7.0's `sinterGenericCommand` and `sunionDiffGenericCommand`.
//!
//! What is observable, and so followed exactly:
//! - every key is looked up (a keyspace hit or miss each) and type-checked
//!   before anything else; a missing key is an empty set, and the first
//!   key of another type answers WRONGTYPE even after a missing one;
//! - SINTER walks the smallest set (a stable sort by size, as glibc's
//!   merge-sorting `qsort` does) and keeps the members every other set has,
//!   so an intset smallest set answers in ascending order;
//! - SUNION and SDIFF build the result as Redis does, in a fresh intset that
//!   converts to a hashtable on the first non-integer or past
//!   `set-max-intset-entries`, and reply in its order; SDIFF picks Redis's
//!   algorithm by the same cost estimate, because the second one adds the
//!   first set whole and then removes, so the result's encoding (and
//!   SDIFFSTORE's OBJECT ENCODING) depends on that choice;
//! - the *STORE commands replace the destination (dropping its TTL), delete
//!   it when the result is empty, and reply the result's size.

use bytes::Bytes;

use super::{reply_member, reply_set};
use crate::cmd::string::lookup_read;
use crate::cmd::{CmdError, CmdResult};
use crate::ctx::Ctx;
use crate::db::value::SetValue;
use crate::db::Value;
use crate::resp::Reply;

/// Looks every key up (Redis `lookupKeyRead`, in order) and checks its
/// type. Returns, per key, whether it holds a set (false: missing).
fn check_keys(ctx: &mut Ctx<'_>, keys: &[Bytes]) -> Result<Vec<bool>, CmdError> {
    let mut present = Vec::with_capacity(keys.len());
    for key in keys {
        match lookup_read(ctx.srv, ctx.db_index, key) {
            None => present.push(false),
            Some(v) if v.as_set().is_some() => present.push(true),
            Some(_) => return Err(CmdError::WrongType),
        }
    }
    Ok(present)
}

/// The sets under `keys` (None for a missing key), after [`check_keys`].
fn gather<'a>(db: &'a crate::db::Db, keys: &[Bytes], present: &[bool]) -> Vec<Option<&'a SetValue>> {
    keys.iter().zip(present).map(|(k, &p)| if p { db.peek(k).and_then(Value::as_set) } else { None }).collect()
}

/// What an intersection produces.
enum InterOut<'r> {
    Reply(&'r mut Reply),
    Count { limit: usize },
    Store,
}

/// Redis `sinterGenericCommand`. Returns the stored set for `Store` (None
/// when empty), and the count for `Count`.
fn inter(ctx: &mut Ctx<'_>, keys: &[Bytes], out: InterOut<'_>) -> Result<(Option<SetValue>, usize), CmdError> {
    let present = check_keys(ctx, keys)?;
    let max = ctx.srv.config.set_max_intset_entries;
    let db = &ctx.srv.dbs[ctx.db_index];
    let seed = db.hash_seed();
    if present.contains(&false) {
        if let InterOut::Reply(r) = out {
            r.set(0);
        }
        return Ok((None, 0));
    }
    let mut sets: Vec<&SetValue> = gather(db, keys, &present).into_iter().flatten().collect();
    sets.sort_by_key(|s| s.len());
    let (first, rest) = sets.split_first().expect("at least one key (arity)");
    let mut body = Reply::new();
    let mut stored = SetValue::new_intset();
    let mut count = 0usize;
    let limit = match out {
        InterOut::Count { limit } => limit,
        _ => 0,
    };
    let store = matches!(out, InterOut::Store);
    first.for_each(|m| {
        if limit != 0 && count >= limit {
            return;
        }
        if rest.iter().all(|s| std::ptr::eq(*s, *first) || s.contains_member(m)) {
            count += 1;
            if store {
                m.with_bytes(|b| stored.add(b, max, seed));
            } else {
                reply_member(&mut body, m);
            }
        }
    });
    match out {
        InterOut::Reply(r) => {
            r.set(count);
            r.buf.extend_from_slice(&body.buf);
            Ok((None, count))
        }
        InterOut::Count { .. } => Ok((None, count)),
        InterOut::Store => Ok(((!stored.is_empty()).then_some(stored), count)),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Union,
    Diff,
}

/// Redis `sunionDiffGenericCommand`: the result set, built as Redis builds it.
fn union_diff(ctx: &mut Ctx<'_>, keys: &[Bytes], op: Op) -> Result<SetValue, CmdError> {
    let present = check_keys(ctx, keys)?;
    let max = ctx.srv.config.set_max_intset_entries;
    let db = &ctx.srv.dbs[ctx.db_index];
    let seed = db.hash_seed();
    let mut sets = gather(db, keys, &present);
    let mut dst = SetValue::new_intset();
    let add = |dst: &mut SetValue, s: &SetValue| {
        s.for_each(|m| {
            m.with_bytes(|b| dst.add(b, max, seed));
        })
    };
    match op {
        Op::Union => sets.iter().flatten().for_each(|s| {
            add(&mut dst, s);
        }),
        Op::Diff => {
            let Some(first) = sets[0] else { return Ok(dst) };
            // Redis's cost estimate: algorithm 1 (test each member of the
            // first set against the others) costs |first| per present set,
            // halved for its better constants; algorithm 2 (add the first
            // set, remove every other) costs the sum of the sizes.
            let present_sets = sets.iter().flatten().count();
            let algo_one_work = (first.len() * present_sets) / 2;
            let algo_two_work: usize = sets.iter().flatten().map(|s| s.len()).sum();
            if algo_one_work <= algo_two_work {
                // Redis sorts the others by size, largest first (only speed
                // depends on it).
                sets[1..].sort_by_key(|s| std::cmp::Reverse(s.map_or(0, SetValue::len)));
                first.for_each(|m| {
                    let elsewhere = sets[1..].iter().flatten().any(|s| std::ptr::eq(*s, first) || s.contains_member(m));
                    if !elsewhere {
                        m.with_bytes(|b| dst.add(b, max, seed));
                    }
                });
            } else {
                add(&mut dst, first);
                for s in sets[1..].iter().flatten() {
                    if dst.is_empty() {
                        break;
                    }
                    s.for_each(|m| {
                        m.with_bytes(|b| dst.remove(b));
                    });
                }
            }
        }
    }
    Ok(dst)
}

/// Stores `result` under `dst` (replacing it and its TTL), or deletes `dst`
/// when the result is empty; replies the result's size.
fn store(ctx: &mut Ctx<'_>, dst: &[u8], result: Option<SetValue>) {
    let db = &mut ctx.srv.dbs[ctx.db_index];
    match result.filter(|s| !s.is_empty()) {
        Some(set) => {
            let n = set.len();
            db.set(dst, Value::Set(Box::new(set)), false);
            ctx.reply.int(n as i64);
        }
        None => {
            db.remove(dst);
            ctx.reply.int(0);
        }
    }
    ctx.srv.stats.dirty += 1;
}

/// # Format
/// ```text
/// SINTER key [key ...]
/// ```
pub fn sinter(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let mut reply = Reply::new();
    reply.resp3 = ctx.reply.resp3;
    inter(ctx, &args[1..], InterOut::Reply(&mut reply))?;
    ctx.reply.buf.extend_from_slice(&reply.buf);
    Ok(())
}

/// # Format
/// ```text
/// SINTERCARD numkeys key [key ...] [LIMIT limit]
/// ```
pub fn sintercard(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let numkeys = crate::db::value::parse_strict_i64(&args[1])
        .filter(|&n| n >= 1)
        .ok_or_else(|| CmdError::msg("ERR numkeys should be greater than 0"))?;
    let keys_end = match usize::try_from(numkeys) {
        Ok(n) if n <= args.len() - 2 => 2 + n,
        _ => return Err(CmdError::msg("ERR Number of keys can't be greater than number of args")),
    };
    let mut limit = 0usize;
    let mut j = keys_end;
    while j < args.len() {
        if args[j].eq_ignore_ascii_case(b"limit") && j + 1 < args.len() {
            j += 1;
            let n = crate::db::value::parse_strict_i64(&args[j])
                .filter(|&n| n >= 0)
                .ok_or_else(|| CmdError::msg("ERR LIMIT can't be negative"))?;
            limit = usize::try_from(n).unwrap_or(usize::MAX);
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let (_, count) = inter(ctx, &args[2..keys_end], InterOut::Count { limit })?;
    ctx.reply.int(count as i64);
    Ok(())
}

/// # Format
/// ```text
/// SINTERSTORE destination key [key ...]
/// ```
pub fn sinterstore(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let (result, _) = inter(ctx, &args[2..], InterOut::Store)?;
    store(ctx, &args[1], result);
    Ok(())
}

/// # Format
/// ```text
/// SUNION key [key ...]
/// ```
pub fn sunion(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let result = union_diff(ctx, &args[1..], Op::Union)?;
    reply_set(ctx.reply, &result);
    Ok(())
}

/// # Format
/// ```text
/// SUNIONSTORE destination key [key ...]
/// ```
pub fn sunionstore(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let result = union_diff(ctx, &args[2..], Op::Union)?;
    store(ctx, &args[1], Some(result));
    Ok(())
}

/// # Format
/// ```text
/// SDIFF key [key ...]
/// ```
pub fn sdiff(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let result = union_diff(ctx, &args[1..], Op::Diff)?;
    reply_set(ctx.reply, &result);
    Ok(())
}

/// # Format
/// ```text
/// SDIFFSTORE destination key [key ...]
/// ```
pub fn sdiffstore(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let result = union_diff(ctx, &args[2..], Op::Diff)?;
    store(ctx, &args[1], Some(result));
    Ok(())
}

/// The whole of one set as Redis's SUNION of it would reply (SPOP and
/// SRANDMEMBER with a count covering the set): a fresh set built from it,
/// in that set's order. RESP3 gets a set reply `as_set` (SPOP: Redis
/// replies with SUNION itself), else an array (SRANDMEMBER: its own array
/// of SUNION's members).
pub(crate) fn reply_as_union(reply: &mut Reply, set: &SetValue, max_intset_entries: usize, seed: u64, as_set: bool) {
    let mut copy = SetValue::new_intset();
    let set = if set.is_intset() {
        // An intset copied into a fresh intset is itself.
        set
    } else {
        set.for_each(|m| {
            m.with_bytes(|b| copy.add(b, max_intset_entries, seed));
        });
        &copy
    };
    if as_set {
        reply_set(reply, set);
    } else {
        reply.array(set.len());
        set.for_each(|m| reply_member(reply, m));
    }
}
