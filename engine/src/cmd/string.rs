//! String commands: GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET
//! MSETNX here; APPEND STRLEN GETRANGE SUBSTR SETRANGE in [`range`]; INCR
//! DECR INCRBY DECRBY INCRBYFLOAT in [`numeric`].
//!
//! Each handler follows Redis 7.0's `t_string.c` step by step, because the
//! order of the checks is observable: which error wins when several
//! arguments are bad, whether a failed command still counted a keyspace hit,
//! whether SET ... GET replied before NX stopped the write.
//!
//! Helpers shared by the family (and by `bits` and `lcs`): [`lookup_read`]
//! (Redis `lookupKeyRead`: lazy expiry plus the hit/miss counters) and
//! [`check_string_length`] (the `proto-max-bulk-len` bound on any string a
//! command would grow).

pub mod long_double;
pub mod numeric;
pub mod range;

use bytes::Bytes;

use super::{parse_i64, CmdError, CmdResult, Handler};
use crate::ctx::{Ctx, Server};
use crate::db::{Db, StrValue, Value};

pub static HANDLERS: &[(&str, Handler)] = &[
    ("get", get),
    ("set", set),
    ("setnx", setnx),
    ("setex", setex),
    ("psetex", psetex),
    ("getset", getset),
    ("getdel", getdel),
    ("getex", getex),
    ("mget", mget),
    ("mset", mset),
    ("msetnx", msetnx),
    ("append", range::append),
    ("strlen", range::strlen),
    ("getrange", range::getrange),
    ("substr", range::getrange),
    ("setrange", range::setrange),
    ("incr", numeric::incr),
    ("decr", numeric::decr),
    ("incrby", numeric::incrby),
    ("decrby", numeric::decrby),
    ("incrbyfloat", numeric::incrbyfloat),
];

/// Redis `lookupKeyRead`: the value under `key` in database `db` after lazy
/// expiry, counting a keyspace hit or miss (a hit even if the type is wrong).
pub(crate) fn lookup_read<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Option<&'a Value> {
    let now_ms = srv.now_ms;
    let found = srv.dbs[db].lookup(key, now_ms);
    if found.is_some() {
        srv.stats.keyspace_hits += 1;
    } else {
        srv.stats.keyspace_misses += 1;
    }
    found
}

/// [`lookup_read`] for commands that need a string: None if missing,
/// WRONGTYPE for another type.
pub(crate) fn read_string<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Result<Option<&'a StrValue>, CmdError> {
    match lookup_read(srv, db, key) {
        None => Ok(None),
        Some(v) => v.as_str().map(Some).ok_or(CmdError::WrongType),
    }
}

/// Redis `lookupKeyWrite` + `checkType`: the string under `key` for
/// modification (no hit/miss counting), None if missing.
pub(crate) fn write_string<'a>(db: &'a mut Db, key: &[u8], now_ms: u64) -> Result<Option<&'a mut StrValue>, CmdError> {
    match db.lookup_mut_string(key, now_ms) {
        None => Ok(None),
        Some(v) => v.as_str_mut().map(Some).ok_or(CmdError::WrongType),
    }
}

/// Redis `checkStringLength`: a string of `size_bytes` growing by
/// `append_bytes` must stay within `max_bytes` (`proto-max-bulk-len`).
/// Checked before any allocation.
pub(crate) fn check_string_length(max_bytes: u64, size_bytes: u64, append_bytes: u64) -> CmdResult {
    match size_bytes.checked_add(append_bytes) {
        Some(total) if total <= max_bytes => Ok(()),
        _ => Err(CmdError::msg("ERR string exceeds maximum allowed size (proto-max-bulk-len)")),
    }
}

/// Redis `getGenericCommand`: replies with the value or null; WRONGTYPE
/// (with nothing written) for another type.
fn get_generic(ctx: &mut Ctx<'_>, key: &[u8]) -> CmdResult {
    let reply = &mut *ctx.reply;
    match read_string(ctx.srv, ctx.db_index, key)? {
        None => reply.null(),
        Some(s) => s.with_bytes(|b| reply.bulk(b)),
    }
    Ok(())
}

/// # Format
/// ```text
/// GET key
/// ```
fn get(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    get_generic(ctx, &args[1])
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ExpireUnit {
    /// EX: seconds from now.
    Ex,
    /// PX: milliseconds from now.
    Px,
    /// EXAT: Unix time in seconds.
    ExAt,
    /// PXAT: Unix time in milliseconds.
    PxAt,
}

/// The options of SET (`is_set`) or GETEX, as Redis's
/// `parseExtendedStringArgumentsOrReply` accepts them.
#[derive(Default)]
struct ExtOptions<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keep_ttl: bool,
    persist: bool,
    expire: Option<(ExpireUnit, &'a [u8])>,
}

/// Parses `args[first..]`. Redis's rules: an option may repeat (the last
/// expire value wins) but must not contradict another (NX with XX, two
/// different expire units, KEEPTTL or PERSIST with an expire); an expire
/// token needs a following argument; anything else is a syntax error.
fn parse_ext_options(args: &[Bytes], first: usize, is_set: bool) -> Result<ExtOptions<'_>, CmdError> {
    let mut o = ExtOptions::default();
    let mut j = first;
    while j < args.len() {
        let opt = &args[j][..];
        let next = args.get(j + 1);
        let unit = o.expire.map(|(u, _)| u);
        let expire_ok = |u: ExpireUnit| !o.keep_ttl && !o.persist && (unit.is_none() || unit == Some(u));
        let is = |name: &str| opt.eq_ignore_ascii_case(name.as_bytes());
        if is("nx") && !o.xx && is_set {
            o.nx = true;
        } else if is("xx") && !o.nx && is_set {
            o.xx = true;
        } else if is("get") && is_set {
            o.get = true;
        } else if is("keepttl") && unit.is_none() && is_set {
            // PERSIST is GETEX's and KEEPTTL SET's: neither meets the other.
            o.keep_ttl = true;
        } else if is("persist") && unit.is_none() && !is_set {
            o.persist = true;
        } else if let (Some(u), Some(value)) = (expire_token(opt), next) {
            if !expire_ok(u) {
                return Err(CmdError::Syntax);
            }
            o.expire = Some((u, &value[..]));
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    Ok(o)
}

fn expire_token(opt: &[u8]) -> Option<ExpireUnit> {
    [("ex", ExpireUnit::Ex), ("px", ExpireUnit::Px), ("exat", ExpireUnit::ExAt), ("pxat", ExpireUnit::PxAt)]
        .into_iter()
        .find(|(name, _)| opt.eq_ignore_ascii_case(name.as_bytes()))
        .map(|(_, u)| u)
}

/// Redis `getExpireMillisecondsOrReply`: the absolute expire time in Unix
/// ms, or `ERR invalid expire time in '<cmd>' command` for a value that is
/// not positive or overflows.
fn expire_at_ms(unit: ExpireUnit, value: &[u8], now_ms: u64, cmd_name: &str) -> Result<u64, CmdError> {
    let invalid = || CmdError::msg(format!("ERR invalid expire time in '{cmd_name}' command"));
    let mut ms = parse_i64(value)?;
    let seconds = matches!(unit, ExpireUnit::Ex | ExpireUnit::ExAt);
    if ms <= 0 || (seconds && ms > i64::MAX / 1000) {
        return Err(invalid());
    }
    if seconds {
        ms *= 1000;
    }
    if matches!(unit, ExpireUnit::Ex | ExpireUnit::Px) {
        // Redis adds in C and treats a wrapped (non-positive) sum as
        // overflow; both terms are positive, so it wraps exactly when
        // the sum overflows.
        ms = ms.checked_add(now_ms as i64).ok_or_else(invalid)?;
    }
    Ok(ms as u64)
}

/// Redis `setGenericCommand`. `on_set`/`on_abort` replace the OK and null
/// replies (SETNX answers 1 and 0).
struct SetArgs<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keep_ttl: bool,
    expire: Option<(ExpireUnit, &'a [u8])>,
    cmd_name: &'static str,
    on_set: Option<i64>,
    on_abort: Option<i64>,
}

/// Returns whether the key was set. A set with an expiry goes to the AOF
/// as `SET key value PXAT <ms>` (Redis's rewrite: the relative forms
/// would mean another deadline when replayed); an aborted one not at all.
fn set_generic(ctx: &mut Ctx<'_>, key: &Bytes, value: &Bytes, a: SetArgs<'_>) -> Result<bool, CmdError> {
    let now_ms = ctx.now_ms();
    let expire_ms = match a.expire {
        Some((unit, v)) => Some(expire_at_ms(unit, v, now_ms, a.cmd_name)?),
        None => None,
    };
    if a.get {
        get_generic(ctx, key)?;
    }
    let db = ctx.db();
    let found = db.contains(key, now_ms);
    if (a.nx && found) || (a.xx && !found) {
        ctx.propagate_nothing();
        if !a.get {
            match a.on_abort {
                Some(n) => ctx.reply.int(n),
                None => ctx.reply.null(),
            }
        }
        return Ok(false);
    }
    db.set(key, Value::Str(StrValue::from_client(value)), a.keep_ttl);
    if let Some(at_ms) = expire_ms {
        db.set_expire(key, at_ms);
        let at = Bytes::from(at_ms.to_string());
        ctx.also_propagate(vec![
            Bytes::from_static(b"SET"),
            key.clone(),
            value.clone(),
            Bytes::from_static(b"PXAT"),
            at,
        ]);
    }
    ctx.srv.stats.dirty += 1;
    if !a.get {
        match a.on_set {
            Some(n) => ctx.reply.int(n),
            None => ctx.reply.ok(),
        }
    }
    Ok(true)
}

/// # Format
/// ```text
/// SET key value [NX | XX] [GET]
///     [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
/// ```
fn set(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let o = parse_ext_options(args, 3, true)?;
    let a = SetArgs {
        nx: o.nx,
        xx: o.xx,
        get: o.get,
        keep_ttl: o.keep_ttl,
        expire: o.expire,
        cmd_name: "set",
        on_set: None,
        on_abort: None,
    };
    let (get, expire) = (o.get, o.expire.is_some());
    if set_generic(ctx, &args[1], &args[2], a)? && get && !expire {
        // GET only shapes the reply: Redis propagates the call without it.
        let rest = args[3..].iter().filter(|a| !a.eq_ignore_ascii_case(b"get"));
        ctx.also_propagate(args[..3].iter().chain(rest).cloned().collect());
    }
    Ok(())
}

fn plain_set_args(cmd_name: &'static str) -> SetArgs<'static> {
    SetArgs { nx: false, xx: false, get: false, keep_ttl: false, expire: None, cmd_name, on_set: None, on_abort: None }
}

/// # Format
/// ```text
/// SETNX key value
/// ```
///
/// Replies 1 if set, 0 if the key existed.
fn setnx(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let a = SetArgs { nx: true, on_set: Some(1), on_abort: Some(0), ..plain_set_args("setnx") };
    set_generic(ctx, &args[1], &args[2], a).map(drop)
}

/// # Format
/// ```text
/// SETEX key seconds value
/// ```
fn setex(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let a = SetArgs { expire: Some((ExpireUnit::Ex, &args[2][..])), ..plain_set_args("setex") };
    set_generic(ctx, &args[1], &args[3], a).map(drop)
}

/// # Format
/// ```text
/// PSETEX key milliseconds value
/// ```
fn psetex(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let a = SetArgs { expire: Some((ExpireUnit::Px, &args[2][..])), ..plain_set_args("psetex") };
    set_generic(ctx, &args[1], &args[3], a).map(drop)
}

/// # Format
/// ```text
/// GETSET key value
/// ```
///
/// Replies with the old value; the TTL is cleared.
fn getset(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    get_generic(ctx, &args[1])?;
    ctx.db().set(&args[1], Value::Str(StrValue::from_client(&args[2])), false);
    ctx.srv.stats.dirty += 1;
    Ok(())
}

/// # Format
/// ```text
/// GETDEL key
/// ```
fn getdel(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let Some(s) = read_string(ctx.srv, ctx.db_index, &args[1])? else {
        ctx.propagate_nothing();
        ctx.reply.null();
        return Ok(());
    };
    let reply = &mut *ctx.reply;
    s.with_bytes(|b| reply.bulk(b));
    ctx.db().remove(&args[1]);
    ctx.srv.stats.dirty += 1;
    Ok(())
}

/// # Format
/// ```text
/// GETEX key
///     [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]
/// ```
///
/// Errors come in Redis's order: syntax, then the key (null / WRONGTYPE),
/// then the expire value. An EXAT/PXAT already past deletes the key.
fn getex(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let o = parse_ext_options(args, 2, false)?;
    let key = &args[1][..];
    let now_ms = ctx.now_ms();
    // GETEX never goes to the AOF as called: its outcome does (Redis's
    // rewrite), and a plain read or a PERSIST that found no TTL nothing.
    ctx.propagate_nothing();
    let Some(s) = read_string(ctx.srv, ctx.db_index, key)? else {
        ctx.reply.null();
        return Ok(());
    };
    let expire = match o.expire {
        Some((unit, v)) => Some((unit, expire_at_ms(unit, v, now_ms, "getex")?)),
        None => None,
    };
    let reply = &mut *ctx.reply;
    s.with_bytes(|b| reply.bulk(b));
    let db = ctx.db();
    let key = args[1].clone();
    let outcome = match expire {
        Some((ExpireUnit::ExAt | ExpireUnit::PxAt, at_ms)) if at_ms <= now_ms && !db.expiry_paused() => {
            db.remove(&key);
            vec![Bytes::from_static(b"DEL"), key]
        }
        Some((_, at_ms)) => {
            db.set_expire(&key, at_ms);
            vec![Bytes::from_static(b"PEXPIREAT"), key, Bytes::from(at_ms.to_string())]
        }
        None if o.persist => {
            if !db.persist(&key) {
                return Ok(());
            }
            vec![Bytes::from_static(b"PERSIST"), key]
        }
        None => return Ok(()),
    };
    ctx.also_propagate(outcome);
    ctx.srv.stats.dirty += 1;
    Ok(())
}

/// # Format
/// ```text
/// MGET key [key ...]
/// ```
///
/// Null for a missing key or one of another type.
fn mget(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    ctx.reply.array(args.len() - 1);
    for key in &args[1..] {
        let reply = &mut *ctx.reply;
        match lookup_read(ctx.srv, ctx.db_index, key).and_then(Value::as_str) {
            Some(s) => s.with_bytes(|b| reply.bulk(b)),
            None => reply.null(),
        }
    }
    Ok(())
}

/// # Format
/// ```text
/// MSET key value [key value ...]
/// ```
fn mset(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    if args.len() & 1 == 0 {
        return Err(CmdError::msg("ERR wrong number of arguments for 'mset' command"));
    }
    mset_all(ctx, args);
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// MSETNX key value [key value ...]
/// ```
///
/// Replies 1 if all were set, 0 (and nothing set) if any key existed.
fn msetnx(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    if args.len() & 1 == 0 {
        return Err(CmdError::msg("ERR wrong number of arguments for 'msetnx' command"));
    }
    let now_ms = ctx.now_ms();
    let db = ctx.db();
    if args[1..].chunks_exact(2).any(|kv| db.contains(&kv[0], now_ms)) {
        ctx.propagate_nothing();
        ctx.reply.int(0);
        return Ok(());
    }
    mset_all(ctx, args);
    ctx.reply.int(1);
    Ok(())
}

fn mset_all(ctx: &mut Ctx<'_>, args: &[Bytes]) {
    let db = ctx.db();
    for kv in args[1..].chunks_exact(2) {
        db.set(&kv[0], Value::Str(StrValue::from_client(&kv[1])), false);
    }
    ctx.srv.stats.dirty += (args.len() as u64 - 1) / 2;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<Bytes> {
        s.split(' ').map(|a| Bytes::copy_from_slice(a.as_bytes())).collect()
    }

    #[test]
    fn ext_options_follow_redis() {
        let ok = |s: &str, is_set| parse_ext_options(&args(s), if is_set { 3 } else { 2 }, is_set).is_ok();
        assert!(ok("set k v ex 1 ex 2", true));
        assert!(ok("set k v nx nx get get", true));
        assert!(!ok("set k v nx xx", true));
        assert!(!ok("set k v ex 1 px 1", true));
        assert!(!ok("set k v keepttl ex 1", true));
        assert!(!ok("set k v ex 1 keepttl", true));
        assert!(!ok("set k v ex", true));
        assert!(!ok("set k v persist", true));
        assert!(ok("getex k persist persist", false));
        assert!(!ok("getex k persist ex 1", false));
        assert!(!ok("getex k nx", false));
        assert!(!ok("getex k keepttl", false));
    }

    #[test]
    fn expire_values() {
        let e = |u, v: &str| expire_at_ms(u, v.as_bytes(), 1_000, "set");
        assert_eq!(e(ExpireUnit::Ex, "2"), Ok(3_000));
        assert_eq!(e(ExpireUnit::Px, "2"), Ok(1_002));
        assert_eq!(e(ExpireUnit::ExAt, "2"), Ok(2_000));
        assert_eq!(e(ExpireUnit::PxAt, "2"), Ok(2));
        assert_eq!(e(ExpireUnit::Ex, "abc"), Err(CmdError::NotInteger));
        let invalid = Err(CmdError::msg("ERR invalid expire time in 'set' command"));
        assert_eq!(e(ExpireUnit::Ex, "0"), invalid);
        assert_eq!(e(ExpireUnit::Px, "-1"), invalid);
        assert_eq!(e(ExpireUnit::Ex, "9223372036854776"), invalid);
        assert_eq!(e(ExpireUnit::ExAt, "9223372036854776"), invalid);
        assert_eq!(e(ExpireUnit::ExAt, "9223372036854775"), Ok(9_223_372_036_854_775_000));
        assert_eq!(e(ExpireUnit::PxAt, "9223372036854775807"), Ok(i64::MAX as u64));
        assert_eq!(e(ExpireUnit::Px, "9223372036854775807"), invalid);
    }
}
