//! Expiry commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME
//! PEXPIRETIME PERSIST.
//!
//! Ports of Redis 7.0's `expireGenericCommand` and `ttlGenericCommand`
//! (`expire.c`). Expire times are absolute Unix milliseconds; the Db stores
//! them as `u64`, which is enough because a time at or before `now` deletes
//! the key instead of being stored, and `now` is positive.

use bytes::Bytes;

use super::{parse_i64, CmdError, CmdResult, Handler};
use crate::ctx::Ctx;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("expire", expire),
    ("pexpire", pexpire),
    ("expireat", expireat),
    ("pexpireat", pexpireat),
    ("ttl", ttl),
    ("pttl", pttl),
    ("expiretime", expiretime),
    ("pexpiretime", pexpiretime),
    ("persist", persist),
];

/// The unit of the time argument.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Seconds,
    Millis,
}

/// # Format
/// ```text
/// EXPIRE key seconds [NX | XX | GT | LT]
/// ```
fn expire(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let now = ctx.now_ms() as i64;
    expire_generic(ctx, args, "expire", now, Unit::Seconds)
}

/// # Format
/// ```text
/// PEXPIRE key milliseconds [NX | XX | GT | LT]
/// ```
fn pexpire(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let now = ctx.now_ms() as i64;
    expire_generic(ctx, args, "pexpire", now, Unit::Millis)
}

/// # Format
/// ```text
/// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
/// ```
fn expireat(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    expire_generic(ctx, args, "expireat", 0, Unit::Seconds)
}

/// # Format
/// ```text
/// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
/// ```
fn pexpireat(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    expire_generic(ctx, args, "pexpireat", 0, Unit::Millis)
}

/// The NX/XX/GT/LT conditions (Redis's `parseExtendedExpireArgumentsOrReply`).
#[derive(Default, Clone, Copy)]
struct Conditions {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
}

fn parse_conditions(options: &[Bytes]) -> Result<Conditions, CmdError> {
    let mut c = Conditions::default();
    for opt in options {
        if opt.eq_ignore_ascii_case(b"nx") {
            c.nx = true;
        } else if opt.eq_ignore_ascii_case(b"xx") {
            c.xx = true;
        } else if opt.eq_ignore_ascii_case(b"gt") {
            c.gt = true;
        } else if opt.eq_ignore_ascii_case(b"lt") {
            c.lt = true;
        } else {
            return Err(CmdError::msg(format!("ERR Unsupported option {}", String::from_utf8_lossy(opt))));
        }
    }
    if c.nx && (c.xx || c.gt || c.lt) {
        return Err(CmdError::msg("ERR NX and XX, GT or LT options at the same time are not compatible"));
    }
    if c.gt && c.lt {
        return Err(CmdError::msg("ERR GT and LT options at the same time are not compatible"));
    }
    Ok(c)
}

/// Redis's `expireGenericCommand`. `base_ms` is now for the relative forms
/// and 0 for the absolute ones; `name` goes into the overflow error.
fn expire_generic(ctx: &mut Ctx<'_>, args: &[Bytes], name: &str, base_ms: i64, unit: Unit) -> CmdResult {
    let key = &args[1];
    let cond = parse_conditions(&args[3..])?;
    let mut when = parse_i64(&args[2])?;
    let invalid = || CmdError::msg(format!("ERR invalid expire time in '{name}' command"));
    if unit == Unit::Seconds {
        // C's LLONG_MIN / 1000 truncates toward zero, as Rust's does.
        if !(i64::MIN / 1000..=i64::MAX / 1000).contains(&when) {
            return Err(invalid());
        }
        when *= 1000;
    }
    if when > i64::MAX - base_ms {
        return Err(invalid());
    }
    when += base_ms;

    let now = ctx.now_ms();
    let db = ctx.db();
    if db.lookup(key, now).is_none() {
        ctx.propagate_nothing();
        ctx.reply.int(0);
        return Ok(());
    }
    // -1 is "no expire", as in Redis's getExpire.
    let current = db.expire_at(key).map_or(-1, |at| at as i64);
    let refused = (cond.nx && current != -1)
        || (cond.xx && current == -1)
        || (cond.gt && (when <= current || current == -1))
        || (cond.lt && current != -1 && when >= current);
    if refused {
        ctx.propagate_nothing();
        ctx.reply.int(0);
        return Ok(());
    }
    // The AOF gets the outcome, not the call: a relative time would mean
    // another deadline when replayed later (Redis rewrites the command the
    // same way, keeping the condition arguments).
    // While an AOF loads, a past deadline is stored, not acted on (Redis
    // `checkAlreadyExpired`): later commands in the file may still touch
    // the key, and expiry removes it once loading is over. (A deadline
    // before 1970 fits no clock: it deletes even then.)
    if when <= now as i64 && (!db.expiry_paused() || when <= 0) {
        db.remove(key);
        ctx.also_propagate(vec![Bytes::from_static(b"DEL"), key.clone()]);
    } else {
        db.set_expire(key, when as u64);
        let mut out = vec![Bytes::from_static(b"PEXPIREAT"), key.clone(), Bytes::from(when.to_string())];
        out.extend(args[3..].iter().cloned());
        ctx.also_propagate(out);
    }
    ctx.srv.stats.dirty += 1;
    ctx.reply.int(1);
    Ok(())
}

/// # Format
/// ```text
/// TTL key
/// ```
///
/// Seconds left (rounded), -1 without a TTL, -2 if missing.
fn ttl(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    ttl_generic(ctx, args, Unit::Seconds, false)
}

/// # Format
/// ```text
/// PTTL key
/// ```
fn pttl(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    ttl_generic(ctx, args, Unit::Millis, false)
}

/// # Format
/// ```text
/// EXPIRETIME key
/// ```
///
/// The absolute Unix time in seconds (rounded).
fn expiretime(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    ttl_generic(ctx, args, Unit::Seconds, true)
}

/// # Format
/// ```text
/// PEXPIRETIME key
/// ```
fn pexpiretime(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    ttl_generic(ctx, args, Unit::Millis, true)
}

/// Redis's `ttlGenericCommand`: a read lookup (counted as a hit or miss,
/// without touching the access time).
fn ttl_generic(ctx: &mut Ctx<'_>, args: &[Bytes], unit: Unit, absolute: bool) -> CmdResult {
    let key = &args[1];
    let now = ctx.now_ms();
    let db = ctx.db();
    if db.lookup_notouch(key, now).is_none() {
        ctx.srv.stats.keyspace_misses += 1;
        ctx.reply.int(-2);
        return Ok(());
    }
    let expire = db.expire_at(key);
    ctx.srv.stats.keyspace_hits += 1;
    let Some(at) = expire else {
        ctx.reply.int(-1);
        return Ok(());
    };
    let at = at as i64;
    let ttl = if absolute { at } else { (at - now as i64).max(0) };
    // Redis's (ttl+500)/1000 overflows a long long near i64::MAX; the
    // compiled code evidently does not wrap (EXPIRETIME of PEXPIREAT
    // 9223372036854775807 says 9223372036854776), so compute it wider.
    let out = match unit {
        Unit::Millis => ttl,
        Unit::Seconds => ((ttl as i128 + 500) / 1000) as i64,
    };
    ctx.reply.int(out);
    Ok(())
}

/// # Format
/// ```text
/// PERSIST key
/// ```
///
/// 1 if a TTL was removed.
fn persist(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let now = ctx.now_ms();
    let db = ctx.db();
    let removed = db.lookup(&args[1], now).is_some() && db.persist(&args[1]);
    if removed {
        ctx.srv.stats.dirty += 1;
    } else {
        ctx.propagate_nothing();
    }
    ctx.reply.int(removed as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(v: &[&str]) -> Vec<Bytes> {
        v.iter().map(|s| Bytes::copy_from_slice(s.as_bytes())).collect()
    }

    #[test]
    fn condition_errors_are_redis_texts() {
        let e = |v: &[&str]| parse_conditions(&b(v)).err().map(|e| e.message().to_string());
        assert_eq!(
            e(&["nx", "xx"]).as_deref(),
            Some("ERR NX and XX, GT or LT options at the same time are not compatible")
        );
        assert_eq!(e(&["gt", "LT"]).as_deref(), Some("ERR GT and LT options at the same time are not compatible"));
        assert_eq!(e(&["foo"]).as_deref(), Some("ERR Unsupported option foo"));
        assert_eq!(e(&["xx", "gt", "xx"]), None);
    }
}
