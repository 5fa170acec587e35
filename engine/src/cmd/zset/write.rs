//! ZADD ZINCRBY ZREM ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX.

use bytes::Bytes;

use super::parse::{lex_range, score_arg, score_range};
use super::{delete_if_empty, limits, write_zset};
use crate::cmd::{parse_i64, CmdError, CmdResult};
use crate::ctx::Ctx;
use crate::db::value::ZSetValue;
use crate::db::Value;

#[derive(Default, Clone, Copy)]
struct AddFlags {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
    ch: bool,
    incr: bool,
}

/// # Format
/// ```text
/// ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
/// ```
pub fn zadd(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    zadd_generic(ctx, args, AddFlags::default())
}

/// # Format
/// ```text
/// ZINCRBY key increment member
/// ```
pub fn zincrby(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    zadd_generic(ctx, args, AddFlags { incr: true, ..AddFlags::default() })
}

/// Redis `zaddGenericCommand`: options, then the pairs' count, the option
/// conflicts, every score, and only then the key.
fn zadd_generic(ctx: &mut Ctx<'_>, args: &[Bytes], mut f: AddFlags) -> CmdResult {
    let mut idx = 2;
    while idx < args.len() {
        let opt = &args[idx][..];
        let is = |name: &[u8]| opt.eq_ignore_ascii_case(name);
        if is(b"nx") {
            f.nx = true;
        } else if is(b"xx") {
            f.xx = true;
        } else if is(b"ch") {
            f.ch = true;
        } else if is(b"incr") {
            f.incr = true;
        } else if is(b"gt") {
            f.gt = true;
        } else if is(b"lt") {
            f.lt = true;
        } else {
            break;
        }
        idx += 1;
    }
    let rest = &args[idx..];
    if rest.is_empty() || !rest.len().is_multiple_of(2) {
        return Err(CmdError::Syntax);
    }
    if f.nx && f.xx {
        return Err(CmdError::msg("ERR XX and NX options at the same time are not compatible"));
    }
    if (f.nx && (f.gt || f.lt)) || (f.gt && f.lt) {
        return Err(CmdError::msg("ERR GT, LT, and/or NX options at the same time are not compatible"));
    }
    if f.incr && rest.len() > 2 {
        return Err(CmdError::msg("ERR INCR option supports a single increment-element pair"));
    }
    let scores = rest.chunks_exact(2).map(|p| score_arg(&p[0])).collect::<Result<Vec<f64>, _>>()?;
    let key = &args[1][..];
    let lim = limits(ctx.srv);
    if write_zset(ctx, key)?.is_none() {
        if f.xx {
            return reply_zadd(ctx, f, 0, 0, None);
        }
        // Redis picks the encoding from the first member alone, then
        // converts while adding.
        let listpack = lim.entries != 0 && rest[1].len() as u64 <= lim.value_bytes;
        let z = ZSetValue::new(ctx.db().hash_seed(), listpack);
        ctx.db().set(key, Value::ZSet(Box::new(z)), false);
    }
    let z = write_zset(ctx, key)?.expect("created above");
    let (mut added, mut updated) = (0i64, 0i64);
    let mut last_score = None;
    for (pair, &score) in rest.chunks_exact(2).zip(&scores) {
        let member = &pair[1][..];
        match z.score(member) {
            Some(current) => {
                if f.nx {
                    continue;
                }
                let mut new = score;
                if f.incr {
                    new += current;
                    if new.is_nan() {
                        return Err(CmdError::msg("ERR resulting score is not a number (NaN)"));
                    }
                }
                if (f.lt && new >= current) || (f.gt && new <= current) {
                    continue;
                }
                if new != current {
                    z.insert(member, new, lim);
                    updated += 1;
                }
                last_score = Some(new);
            }
            None if !f.xx => {
                z.insert(member, score, lim);
                added += 1;
                last_score = Some(score);
            }
            None => {}
        }
    }
    crate::cmd::count_changes(ctx, (added + updated) as u64);
    reply_zadd(ctx, f, added, updated, last_score)
}

fn reply_zadd(ctx: &mut Ctx<'_>, f: AddFlags, added: i64, updated: i64, last_score: Option<f64>) -> CmdResult {
    if f.incr {
        match last_score {
            Some(s) => ctx.reply.double(s),
            None => ctx.reply.null(),
        }
    } else {
        ctx.reply.int(if f.ch { added + updated } else { added });
    }
    Ok(())
}

/// # Format
/// ```text
/// ZREM key member [member ...]
/// ```
pub fn zrem(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let key = &args[1][..];
    let Some(z) = write_zset(ctx, key)? else {
        ctx.propagate_nothing();
        ctx.reply.int(0);
        return Ok(());
    };
    let mut deleted = 0;
    for member in &args[2..] {
        if z.remove(member).is_some() {
            deleted += 1;
            if z.is_empty() {
                break;
            }
        }
    }
    if deleted > 0 {
        delete_if_empty(ctx, key);
    }
    crate::cmd::count_changes(ctx, deleted as u64);
    ctx.reply.int(deleted);
    Ok(())
}

/// Which members a ZREMRANGEBY* removes: a range of ranks `[first, last)`.
enum RemoveRange {
    Rank(i64, i64),
    Score(super::parse::ScoreRange),
    Lex(super::parse::LexRange),
}

/// # Format
/// ```text
/// ZREMRANGEBYRANK key start stop
/// ```
pub fn zremrangebyrank(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let range = RemoveRange::Rank(parse_i64(&args[2])?, parse_i64(&args[3])?);
    zremrange_generic(ctx, &args[1], range)
}

/// # Format
/// ```text
/// ZREMRANGEBYSCORE key min max
/// ```
pub fn zremrangebyscore(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let range = RemoveRange::Score(score_range(&args[2], &args[3])?);
    zremrange_generic(ctx, &args[1], range)
}

/// # Format
/// ```text
/// ZREMRANGEBYLEX key min max
/// ```
pub fn zremrangebylex(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let range = RemoveRange::Lex(lex_range(&args[2], &args[3])?);
    zremrange_generic(ctx, &args[1], range)
}

/// Redis `zremrangeGenericCommand`: the range is parsed before the key is
/// looked up; the removed members are a run of consecutive ranks, found in
/// O(log n), removed one by one.
fn zremrange_generic(ctx: &mut Ctx<'_>, key: &[u8], range: RemoveRange) -> CmdResult {
    let Some(z) = write_zset(ctx, key)? else {
        ctx.propagate_nothing();
        ctx.reply.int(0);
        return Ok(());
    };
    let len = z.len() as i64;
    let (first, end) = match &range {
        RemoveRange::Rank(start, stop) => {
            let mut start = if *start < 0 { len + start } else { *start };
            let mut stop = if *stop < 0 { len + stop } else { *stop };
            start = start.max(0);
            if start > stop || start >= len {
                ctx.propagate_nothing();
                ctx.reply.int(0);
                return Ok(());
            }
            stop = stop.min(len - 1);
            (start as usize, stop as usize + 1)
        }
        RemoveRange::Score(r) => {
            if r.is_empty() {
                (0, 0)
            } else {
                (z.count_before(|s, _| r.gte_min(s)), z.count_before(|s, _| !r.lte_max(s)))
            }
        }
        RemoveRange::Lex(r) => {
            if r.is_empty() {
                (0, 0)
            } else {
                (z.count_before(|_, m| r.gte_min(m)), z.count_before(|_, m| !r.lte_max(m)))
            }
        }
    };
    let removed = end.saturating_sub(first);
    for _ in 0..removed {
        z.remove_at(first);
    }
    if removed > 0 {
        delete_if_empty(ctx, key);
    }
    crate::cmd::count_changes(ctx, removed as u64);
    ctx.reply.int(removed as i64);
    Ok(())
}
