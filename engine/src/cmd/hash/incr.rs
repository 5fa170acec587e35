//! HINCRBY and HINCRBYFLOAT (Redis `hincrbyCommand`, `hincrbyfloatCommand`).
//!
//! The increment is parsed before the key is looked at; a new field counts
//! from 0. The result is stored through [`HashValue::set`], so a long field
//! or a long HINCRBYFLOAT result (more than `hash-max-listpack-value` bytes)
//! converts a small hash, as Redis 7.0's `hashTypeSet` does.

use bytes::Bytes;

use super::write_hash;
use crate::cmd::string::long_double::{self, Finite, LongDouble};
use crate::cmd::{parse_i64, CmdError, CmdResult};
use crate::ctx::Ctx;
use crate::db::value::{parse_strict_i64, HashValue};

/// # Format
/// ```text
/// HINCRBY key field increment
/// ```
pub fn hincrby(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let by = parse_i64(&args[3])?;
    let field = &args[2][..];
    let value = write_hash(ctx, &args[1], |h: &mut HashValue, lim| {
        let old = match h.get(field) {
            None => 0,
            Some(v) => parse_strict_i64(v).ok_or_else(|| CmdError::msg("ERR hash value is not an integer"))?,
        };
        let new = old.checked_add(by).ok_or(CmdError::Overflow)?;
        h.set(field, crate::resp::reply::itoa_buf(new).as_str().as_bytes(), lim);
        Ok(new)
    })?;
    ctx.srv.stats.dirty += 1;
    ctx.reply.int(value);
    Ok(())
}

/// # Format
/// ```text
/// HINCRBYFLOAT key field increment
/// ```
///
/// Computed in x87 `long double` as Redis on x86-64 does (see
/// [`long_double`]); replies with and stores the `%.17Lf` text without
/// trailing zeros. Errors in Redis's order: a bad increment, an infinite
/// one, WRONGTYPE, a stored value that is not a float, an infinite sum.
pub fn hincrbyfloat(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let by = long_double::parse(&args[3]).ok_or(CmdError::NotFloat)?;
    if by == LongDouble::Infinite {
        return Err(CmdError::msg("ERR value is NaN or Infinity"));
    }
    let field = &args[2][..];
    let text = write_hash(ctx, &args[1], |h: &mut HashValue, lim| {
        let old = match h.get(field) {
            None => LongDouble::Finite(Finite::ZERO),
            // Redis `string2ld`: the same parser as the increment's.
            Some(v) => long_double::parse(v).ok_or_else(|| CmdError::msg("ERR hash value is not a float"))?,
        };
        let Some(sum) = long_double::add(old, by) else {
            return Err(CmdError::msg("ERR increment would produce NaN or Infinity"));
        };
        let text = long_double::format_human(&sum);
        h.set(field, text.as_bytes(), lim);
        Ok(text)
    })?;
    ctx.srv.stats.dirty += 1;
    ctx.reply.bulk(text.as_bytes());
    // The result, not the increment, goes to the AOF (Redis's rewrite).
    let text = Bytes::from(text);
    ctx.also_propagate(vec![Bytes::from_static(b"HSET"), args[1].clone(), args[2].clone(), text]);
    Ok(())
}
