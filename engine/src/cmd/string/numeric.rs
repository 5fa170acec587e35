//! INCR DECR INCRBY DECRBY INCRBYFLOAT.
//!
//! INCRBYFLOAT computes exactly as Redis 7.0 on x86-64 does, in x87
//! `long double`, through the software model in [`super::long_double`].

use bytes::Bytes;

use super::long_double::{self, Finite, LongDouble};
use super::write_string;
use crate::cmd::{parse_i64, CmdError, CmdResult};
use crate::ctx::Ctx;
use crate::db::{StrValue, Value};

/// # Format
/// ```text
/// INCR key
/// ```
pub fn incr(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    incr_decr(ctx, &args[1], 1)
}

/// # Format
/// ```text
/// DECR key
/// ```
pub fn decr(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    incr_decr(ctx, &args[1], -1)
}

/// # Format
/// ```text
/// INCRBY key increment
/// ```
///
/// The increment is parsed before the key is looked at.
pub fn incrby(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let by = parse_i64(&args[2])?;
    incr_decr(ctx, &args[1], by)
}

/// # Format
/// ```text
/// DECRBY key decrement
/// ```
pub fn decrby(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let by = parse_i64(&args[2])?;
    if by == i64::MIN {
        return Err(CmdError::msg("ERR decrement would overflow"));
    }
    incr_decr(ctx, &args[1], -by)
}

/// Redis `incrDecrCommand`: the key keeps its TTL; the result is
/// int-encoded.
fn incr_decr(ctx: &mut Ctx<'_>, key: &[u8], by: i64) -> CmdResult {
    let now_ms = ctx.now_ms();
    let db = ctx.db();
    let value = match write_string(db, key, now_ms)? {
        Some(s) => {
            let old = s.as_i64().ok_or(CmdError::NotInteger)?;
            let new = old.checked_add(by).ok_or(CmdError::Overflow)?;
            *s = StrValue::from_int(new);
            new
        }
        None => {
            db.set(key, Value::Str(StrValue::from_int(by)), false);
            by
        }
    };
    ctx.srv.stats.dirty += 1;
    ctx.reply.int(value);
    Ok(())
}

/// # Format
/// ```text
/// INCRBYFLOAT key increment
/// ```
///
/// Replies with the new value as a bulk string (Redis `%.17Lf` text, trailing
/// zeros removed), stored as a plain string. The key keeps its TTL. The stored
/// value is parsed before the increment, so a bad stored value wins; both fail
/// with `ERR value is not a valid float`.
pub fn incrbyfloat(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let key = &args[1][..];
    let now_ms = ctx.now_ms();
    let db = ctx.db();
    let existing = write_string(db, key, now_ms)?;
    let old = match &existing {
        None => LongDouble::Finite(Finite::ZERO),
        Some(s) => s.with_bytes(long_double::parse).ok_or(CmdError::NotFloat)?,
    };
    let by = long_double::parse(&args[2]).ok_or(CmdError::NotFloat)?;
    let Some(value) = long_double::add(old, by) else {
        return Err(CmdError::msg("ERR increment would produce NaN or Infinity"));
    };
    let text = long_double::format_human(&value);
    let new = StrValue::from_computed(text.as_bytes());
    match existing {
        Some(s) => *s = new,
        None => {
            db.set(key, Value::Str(new), false);
        }
    }
    ctx.srv.stats.dirty += 1;
    ctx.reply.bulk(text.as_bytes());
    // The AOF gets the result (Redis's rewrite): long double arithmetic
    // and its formatting need not agree on another build or platform.
    let text = Bytes::from(text);
    ctx.also_propagate(vec![Bytes::from_static(b"SET"), args[1].clone(), text, Bytes::from_static(b"KEEPTTL")]);
    Ok(())
}
