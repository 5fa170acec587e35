//! String commands (to be completed): GET SET.

use bytes::Bytes;

use super::{CmdError, CmdResult, Handler};
use crate::db::{StrValue, Value};
use crate::exec::Ctx;

pub static HANDLERS: &[(&str, Handler)] = &[("get", get), ("set", set)];

/// # Format
/// `GET key`
fn get(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let now = ctx.now_ms();
    match ctx.srv.dbs[ctx.db_index].lookup(&args[1], now) {
        None => {
            ctx.srv.stats.keyspace_misses += 1;
            ctx.reply.null();
        }
        Some(Value::Str(s)) => {
            let reply = &mut *ctx.reply;
            s.with_bytes(|b| reply.bulk(b));
            ctx.srv.stats.keyspace_hits += 1;
        }
        #[allow(unreachable_patterns)]
        Some(_) => return Err(CmdError::WrongType),
    }
    Ok(())
}

/// # Format
/// `SET key value` (options to come)
fn set(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    if args.len() != 3 {
        return Err(CmdError::Syntax);
    }
    ctx.db().set(&args[1], Value::Str(StrValue::from_client(&args[2])), false);
    ctx.srv.stats.dirty += 1;
    ctx.reply.ok();
    Ok(())
}
