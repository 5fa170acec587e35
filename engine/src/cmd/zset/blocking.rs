//! BZPOPMIN BZPOPMAX BZMPOP: ZPOPMIN/ZPOPMAX/ZMPOP when a key holds a
//! sorted set, else the client blocks (the protocol is in
//! `exec/blocking.rs`: a handler that finds nothing calls [`Ctx::block`]
//! and replies nothing; it runs again when a key gets a sorted set).
//! Redis 7.0's `blockingGenericZpopCommand`.
//!
//! Served, they go to the AOF as `ZPOPMIN|ZPOPMAX key` (BZMPOP as `...
//! key <count popped>`, see `zmpop_first`): a replay must not block.

use bytes::Bytes;

use super::pop::{parse_zmpop, pop_n, write_exists, zmpop_first};
use super::reply_pair;
use crate::cmd::list::blocking::parse_timeout;
use crate::cmd::CmdResult;
use crate::ctx::{BlockKind, Ctx};

/// BZPOPMIN/BZPOPMAX: the timeout first, then the keys in order; the first
/// holding a sorted set gives one member as `[key, member, score]`;
/// WRONGTYPE for a key of another type met before it.
fn bzpop(ctx: &mut Ctx<'_>, args: &[Bytes], max: bool) -> CmdResult {
    let deadline = parse_timeout(&args[args.len() - 1], ctx.now_ms())?;
    let keys = &args[1..args.len() - 1];
    for key in keys {
        if write_exists(ctx, key)?.is_none() {
            continue;
        }
        let popped = pop_n(ctx, key, 1, max);
        let (member, score) = popped.first().expect("stored sorted sets are never empty");
        ctx.reply.array(3);
        ctx.reply.bulk(key);
        reply_pair(ctx.reply, member, *score, true);
        let pop = if max { "ZPOPMAX" } else { "ZPOPMIN" };
        ctx.also_propagate(vec![Bytes::from_static(pop.as_bytes()), key.clone()]);
        return Ok(());
    }
    ctx.block(keys.iter().map(|k| k.to_vec()).collect(), BlockKind::ZSet, deadline);
    Ok(())
}

/// # Format
/// ```text
/// BZPOPMIN key [key ...] timeout
/// ```
pub fn bzpopmin(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    bzpop(ctx, args, false)
}

/// # Format
/// ```text
/// BZPOPMAX key [key ...] timeout
/// ```
pub fn bzpopmax(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    bzpop(ctx, args, true)
}

/// # Format
/// ```text
/// BZMPOP timeout numkeys key [key ...] <MIN | MAX> [COUNT count]
/// ```
///
/// Its other arguments are checked before the timeout (Redis's order).
pub fn bzmpop(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let m = parse_zmpop(args, 2)?;
    let deadline = parse_timeout(&args[1], ctx.now_ms())?;
    if !zmpop_first(ctx, &m)? {
        ctx.block(m.keys.iter().map(|k| k.to_vec()).collect(), BlockKind::ZSet, deadline);
    }
    Ok(())
}
