//! RPOPLPUSH, LMOVE and LMPOP: the non-blocking halves of BRPOPLPUSH,
//! BLMOVE and BLMPOP, which call these once data is there.

use bytes::Bytes;

use super::{null_array, parse_end, write_list};
use crate::cmd::{parse_i64, CmdError, CmdResult};
use crate::ctx::Ctx;
use crate::db::value::End;
use crate::db::Value;

/// Redis `lmoveGenericCommand`: pops from `source` at `from` and pushes
/// onto `target` at `to`, replying with the element (null if `source` is
/// missing). The target's type is checked before anything is popped; the
/// same key as source and target rotates the list.
pub(crate) fn lmove_generic(ctx: &mut Ctx<'_>, source: &[u8], target: &[u8], from: End, to: End) -> CmdResult {
    let now = ctx.now_ms();
    let db = &mut ctx.srv.dbs[ctx.db_index];
    if write_list(db, source, now)?.is_none() {
        ctx.propagate_nothing();
        ctx.reply.null();
        return Ok(());
    }
    let target_exists = write_list(db, target, now)?.is_some();
    let list = write_list(db, source, now)?.expect("checked above");
    let element = list.pop_shrinking(from).expect("stored lists are never empty");
    ctx.reply.bulk(element.as_slice());
    if source == target {
        list.push_owned(to, element);
    } else {
        let source_empty = list.is_empty();
        if source_empty {
            db.remove(source);
        }
        if !target_exists {
            db.set(target, Value::List(Box::default()), false);
        }
        write_list(db, target, now)?.expect("exists now").push_owned(to, element);
    }
    ctx.srv.stats.dirty += 1;
    Ok(())
}

/// # Format
/// ```text
/// RPOPLPUSH source destination
/// ```
pub fn rpoplpush(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    lmove_generic(ctx, &args[1], &args[2], End::Tail, End::Head)
}

/// # Format
/// ```text
/// LMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT>
/// ```
pub fn lmove(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let from = parse_end(&args[3])?;
    let to = parse_end(&args[4])?;
    lmove_generic(ctx, &args[1], &args[2], from, to)
}

/// What LMPOP and BLMPOP were asked: the keys, the end and the count.
pub(crate) struct MpopArgs<'a> {
    pub keys: &'a [Bytes],
    pub end: End,
    pub count: usize,
}

/// Redis `lmpopGenericCommand`'s parsing: `numkeys` at `args[numkeys_at]`
/// (1 to i64::MAX, one text for every error), that many keys, LEFT or
/// RIGHT, then at most one `COUNT n` (n >= 1).
pub(crate) fn parse_mpop(args: &[Bytes], numkeys_at: usize) -> Result<MpopArgs<'_>, CmdError> {
    let numkeys = match parse_i64(&args[numkeys_at]) {
        Ok(n) if n >= 1 => n as u64,
        _ => return Err(CmdError::msg("ERR numkeys should be greater than 0")),
    };
    let where_at = numkeys_at as u64 + numkeys + 1;
    if where_at >= args.len() as u64 {
        return Err(CmdError::Syntax);
    }
    let where_at = where_at as usize;
    let end = parse_end(&args[where_at])?;
    let mut count: Option<usize> = None;
    let mut j = where_at + 1;
    while j < args.len() {
        if count.is_none() && args[j].eq_ignore_ascii_case(b"count") && j + 1 < args.len() {
            j += 1;
            count = match parse_i64(&args[j]) {
                Ok(n) if n >= 1 => Some(usize::try_from(n).unwrap_or(usize::MAX)),
                _ => return Err(CmdError::msg("ERR count should be greater than 0")),
            };
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    Ok(MpopArgs { keys: &args[numkeys_at + 1..where_at], end, count: count.unwrap_or(1) })
}

/// Redis `mpopGenericCommand` for lists: pops from the first key holding a
/// list and replies `[key, [elements]]`; WRONGTYPE if a key before it holds
/// another type. Returns false (nothing written) when every key is missing.
/// The AOF gets `LPOP|RPOP key <count popped>` (Redis's rewrite): which key
/// had data is a fact of this run, and of a blocked client's wake-up.
pub(crate) fn mpop_first(ctx: &mut Ctx<'_>, m: &MpopArgs<'_>) -> Result<bool, CmdError> {
    let now = ctx.now_ms();
    let db = &mut ctx.srv.dbs[ctx.db_index];
    for key in m.keys {
        let Some(list) = write_list(db, key, now)? else { continue };
        let n = m.count.min(list.len());
        let reply = &mut *ctx.reply;
        reply.array(2);
        reply.bulk(key);
        reply.array(n);
        for i in 0..n {
            let popped = if i + 1 == n { list.pop_shrinking(m.end) } else { list.pop(m.end) };
            reply.bulk(popped.expect("n <= len").as_slice());
        }
        if list.is_empty() {
            db.remove(key);
        }
        ctx.srv.stats.dirty += 1;
        let pop = if m.end == End::Head { "LPOP" } else { "RPOP" };
        ctx.also_propagate(vec![Bytes::from_static(pop.as_bytes()), key.clone(), Bytes::from(n.to_string())]);
        return Ok(true);
    }
    Ok(false)
}

/// # Format
/// ```text
/// LMPOP numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
/// ```
pub fn lmpop(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let m = parse_mpop(args, 1)?;
    if !mpop_first(ctx, &m)? {
        ctx.propagate_nothing();
        null_array(ctx.reply);
    }
    Ok(())
}
