//! ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT: read-only, each
//! O(1) or O(log n).

use bytes::Bytes;

use super::parse::{lex_range, score_range};
use super::read_zset;
use crate::cmd::CmdResult;
use crate::ctx::Ctx;

/// # Format
/// ```text
/// ZCARD key
/// ```
pub fn zcard(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let n = read_zset(ctx.srv, ctx.db_index, &args[1])?.map_or(0, |z| z.len());
    ctx.reply.int(n as i64);
    Ok(())
}

/// # Format
/// ```text
/// ZSCORE key member
/// ```
pub fn zscore(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    match read_zset(ctx.srv, ctx.db_index, &args[1])?.and_then(|z| z.score(&args[2])) {
        Some(s) => ctx.reply.double(s),
        None => ctx.reply.null(),
    }
    Ok(())
}

/// # Format
/// ```text
/// ZMSCORE key member [member ...]
/// ```
pub fn zmscore(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let z = read_zset(ctx.srv, ctx.db_index, &args[1])?;
    ctx.reply.array(args.len() - 2);
    for member in &args[2..] {
        match z.and_then(|z| z.score(member)) {
            Some(s) => ctx.reply.double(s),
            None => ctx.reply.null(),
        }
    }
    Ok(())
}

/// # Format
/// ```text
/// ZRANK key member
/// ```
pub fn zrank(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    rank_generic(ctx, args, false)
}

/// # Format
/// ```text
/// ZREVRANK key member
/// ```
pub fn zrevrank(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    rank_generic(ctx, args, true)
}

fn rank_generic(ctx: &mut Ctx<'_>, args: &[Bytes], rev: bool) -> CmdResult {
    let found = read_zset(ctx.srv, ctx.db_index, &args[1])?
        .and_then(|z| z.rank(&args[2]).map(|r| if rev { z.len() - 1 - r } else { r }));
    match found {
        Some(r) => ctx.reply.int(r as i64),
        None => ctx.reply.null(),
    }
    Ok(())
}

/// # Format
/// ```text
/// ZCOUNT key min max
/// ```
///
/// The range is parsed before the key is looked up. O(log n).
pub fn zcount(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let r = score_range(&args[2], &args[3])?;
    let n = match read_zset(ctx.srv, ctx.db_index, &args[1])? {
        Some(z) if !r.is_empty() => {
            let first = z.count_before(|s, _| r.gte_min(s));
            let end = z.count_before(|s, _| !r.lte_max(s));
            end.saturating_sub(first)
        }
        _ => 0,
    };
    ctx.reply.int(n as i64);
    Ok(())
}

/// # Format
/// ```text
/// ZLEXCOUNT key min max
/// ```
///
/// Meaningful when all scores are equal (then members are in byte order),
/// as in Redis. O(log n).
pub fn zlexcount(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let r = lex_range(&args[2], &args[3])?;
    let n = match read_zset(ctx.srv, ctx.db_index, &args[1])? {
        Some(z) if !r.is_empty() => {
            let first = z.count_before(|_, m| r.gte_min(m));
            let end = z.count_before(|_, m| !r.lte_max(m));
            end.saturating_sub(first)
        }
        _ => 0,
    };
    ctx.reply.int(n as i64);
    Ok(())
}
