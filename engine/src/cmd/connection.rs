//! Connection commands: PING ECHO QUIT SELECT.

use bytes::Bytes;

use super::{parse_i64, CmdError, CmdResult, Handler};
use crate::exec::Ctx;

pub static HANDLERS: &[(&str, Handler)] = &[("ping", ping), ("echo", echo), ("quit", quit), ("select", select)];

/// # Format
/// `PING [message]`
fn ping(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    match args.len() {
        1 => ctx.reply.simple("PONG"),
        2 => ctx.reply.bulk(&args[1]),
        _ => return Err(CmdError::msg("ERR wrong number of arguments for 'ping' command")),
    }
    Ok(())
}

/// # Format
/// `ECHO message`
fn echo(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    ctx.reply.bulk(&args[1]);
    Ok(())
}

/// # Format
/// `QUIT`: replies OK, then the connection closes.
fn quit(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    ctx.reply.ok();
    ctx.client().close_after_reply = true;
    Ok(())
}

/// # Format
/// `SELECT index`
fn select(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let index = parse_i64(&args[1]).map_err(|_| CmdError::msg("ERR value is not an integer or out of range"))?;
    if index < 0 || index as usize >= ctx.srv.dbs.len() {
        return Err(CmdError::DbIndexOutOfRange);
    }
    ctx.db_index = index as usize;
    ctx.client().db = index as usize;
    ctx.reply.ok();
    Ok(())
}
