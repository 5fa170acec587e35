//! BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP: their non-blocking twins when a
//! key has data, else the client blocks (the protocol is in
//! `exec/blocking.rs`: a handler that finds nothing calls [`Ctx::block`]
//! and replies nothing; it runs again when a key gets data).
//!
//! Served at once or on a rerun, each goes to the AOF as the plain command
//! it amounted to (Redis's rewrite): BLPOP/BRPOP as `LPOP|RPOP key`,
//! BRPOPLPUSH as RPOPLPUSH, BLMOVE as LMOVE, BLMPOP as `LPOP|RPOP key
//! count`. A replay must neither block nor wait for a timeout.

use bytes::Bytes;

use super::moves::{lmove_generic, mpop_first, parse_mpop};
use super::{parse_end, write_list};
use crate::cmd::string::long_double;
use crate::cmd::{CmdError, CmdResult};
use crate::ctx::{BlockKind, Ctx};
use crate::db::value::End;

/// Redis `getTimeoutFromObjectOrReply` in seconds: a `long double`
/// (`strtold` syntax, hex included), times 1000, truncated as C casts it;
/// negative is refused, 0 is forever. Returns the deadline, Unix ms.
pub fn parse_timeout(arg: &[u8], now_ms: u64) -> Result<Option<u64>, CmdError> {
    let Some(seconds) = long_double::parse(arg) else {
        return Err(CmdError::msg("ERR timeout is not a float or out of range"));
    };
    let ms = long_double::times_1000_truncated(seconds);
    if ms < 0 {
        return Err(CmdError::msg("ERR timeout is negative"));
    }
    Ok((ms > 0).then(|| now_ms.saturating_add(ms as u64)))
}

/// Redis `blockingPopGenericCommand` for BLPOP/BRPOP: the first key
/// holding a list gives its element as `[key, element]`; WRONGTYPE for a
/// key of another type met before it.
fn bpop(ctx: &mut Ctx<'_>, args: &[Bytes], end: End) -> CmdResult {
    let deadline = parse_timeout(&args[args.len() - 1], ctx.now_ms())?;
    let keys = &args[1..args.len() - 1];
    let now = ctx.now_ms();
    let db = &mut ctx.srv.dbs[ctx.db_index];
    for key in keys {
        let Some(list) = write_list(db, key, now)? else { continue };
        let element = list.pop_shrinking(end).expect("stored lists are never empty");
        if list.is_empty() {
            db.remove(key);
        }
        ctx.reply.array(2);
        ctx.reply.bulk(key);
        ctx.reply.bulk(element.as_slice());
        ctx.srv.stats.dirty += 1;
        let pop = if end == End::Head { "LPOP" } else { "RPOP" };
        ctx.also_propagate(vec![Bytes::from_static(pop.as_bytes()), key.clone()]);
        return Ok(());
    }
    ctx.block(keys.iter().map(|k| k.to_vec()).collect(), BlockKind::List, deadline);
    Ok(())
}

/// # Format
/// ```text
/// BLPOP key [key ...] timeout
/// ```
pub fn blpop(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    bpop(ctx, args, End::Head)
}

/// # Format
/// ```text
/// BRPOP key [key ...] timeout
/// ```
pub fn brpop(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    bpop(ctx, args, End::Tail)
}

/// Redis `blmoveGenericCommand`: LMOVE if the source holds a list (then the
/// destination's type is checked too), else block on the source. `plain`
/// is what a served call propagates.
fn blmove_generic(
    ctx: &mut Ctx<'_>,
    args: &[Bytes],
    from: End,
    to: End,
    deadline: Option<u64>,
    plain: Vec<Bytes>,
) -> CmdResult {
    let now = ctx.now_ms();
    if write_list(ctx.db(), &args[1], now)?.is_none() {
        ctx.block(vec![args[1].to_vec()], BlockKind::List, deadline);
        return Ok(());
    }
    lmove_generic(ctx, &args[1], &args[2], from, to)?;
    ctx.also_propagate(plain);
    Ok(())
}

/// # Format
/// ```text
/// BRPOPLPUSH source destination timeout
/// ```
pub fn brpoplpush(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let deadline = parse_timeout(&args[3], ctx.now_ms())?;
    let plain = vec![Bytes::from_static(b"RPOPLPUSH"), args[1].clone(), args[2].clone()];
    blmove_generic(ctx, args, End::Tail, End::Head, deadline, plain)
}

/// # Format
/// ```text
/// BLMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout
/// ```
pub fn blmove(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let from = parse_end(&args[3])?;
    let to = parse_end(&args[4])?;
    let deadline = parse_timeout(&args[5], ctx.now_ms())?;
    let plain = [Bytes::from_static(b"LMOVE")].into_iter().chain(args[1..5].iter().cloned()).collect();
    blmove_generic(ctx, args, from, to, deadline, plain)
}

/// # Format
/// ```text
/// BLMPOP timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
/// ```
///
/// Its other arguments are checked before the timeout (Redis's order).
pub fn blmpop(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let m = parse_mpop(args, 2)?;
    let deadline = parse_timeout(&args[1], ctx.now_ms())?;
    if !mpop_first(ctx, &m)? {
        ctx.block(m.keys.iter().map(|k| k.to_vec()).collect(), BlockKind::List, deadline);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_timeout;

    /// The values Redis 7.0.15 was seen to accept or refuse (BLPOP k T).
    #[test]
    fn timeouts_as_redis_reads_them() {
        let now = 1_000_000;
        assert_eq!(parse_timeout(b"0", now), Ok(None));
        assert_eq!(parse_timeout(b"0.1", now), Ok(Some(now + 100)));
        assert_eq!(parse_timeout(b"1.5", now), Ok(Some(now + 1500)));
        assert_eq!(parse_timeout(b"0x10", now), Ok(Some(now + 16_000)));
        // -0.1 ms truncates to 0: forever.
        assert_eq!(parse_timeout(b"-0.0001", now), Ok(None));
        assert_eq!(parse_timeout(b"0.0009", now), Ok(None));
        assert_eq!(parse_timeout(b"9223372036854775", now), Ok(Some(now + 9_223_372_036_854_775_000)));
        let negative = Err(crate::cmd::CmdError::msg("ERR timeout is negative"));
        for t in [&b"-1"[..], b"inf", b"-inf", b"1e300", b"9223372036854775807"] {
            assert_eq!(parse_timeout(t, now), negative, "{}", String::from_utf8_lossy(t));
        }
        let not_float = Err(crate::cmd::CmdError::msg("ERR timeout is not a float or out of range"));
        for t in [&b"abc"[..], b"nan", b"", b" 1", b"1 "] {
            assert_eq!(parse_timeout(t, now), not_float, "{}", String::from_utf8_lossy(t));
        }
    }
}
