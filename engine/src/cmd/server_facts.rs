//! Small server facts: LASTSAVE, WAIT, ROLE, LOLWUT. We are always a
//! master with no replicas and no RDB saves yet, so these answer what
//! Redis 7.0 answers in that state.

use bytes::Bytes;

use super::{parse_i64, CmdError, CmdResult, Handler};
use crate::ctx::Ctx;
use crate::REDIS_COMPAT_VERSION;

pub static HANDLERS: &[(&str, Handler)] = &[("lastsave", lastsave), ("wait", wait), ("role", role), ("lolwut", lolwut)];

/// # Format
/// ```text
/// LASTSAVE
/// ```
///
/// Unix seconds of the last successful save: nothing is saved to an RDB
/// yet, so the start time (Redis's `lastsave` before any save, and INFO's
/// `rdb_last_save_time`).
fn lastsave(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    ctx.reply.int((ctx.srv.start_ms / 1000) as i64);
    Ok(())
}

/// # Format
/// ```text
/// WAIT numreplicas timeout
/// ```
///
/// The number of replicas that acknowledged this client's writes: always
/// 0, answered at once. (Redis with no replicas answers 0 at once for
/// `numreplicas` 0, and after `timeout` ms otherwise; ours does not wait.)
fn wait(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    parse_i64(&args[1])?;
    let timeout = parse_i64(&args[2]).map_err(|_| CmdError::msg("ERR timeout is not an integer or out of range"))?;
    if timeout < 0 {
        return Err(CmdError::msg("ERR timeout is negative"));
    }
    ctx.reply.int(0);
    Ok(())
}

/// # Format
/// ```text
/// ROLE
/// ```
///
/// `["master", replication offset, [replicas]]`: `master`, 0, none.
fn role(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    ctx.reply.array(3);
    ctx.reply.bulk(b"master");
    ctx.reply.int(0);
    ctx.reply.array(0);
    Ok(())
}

/// # Format
/// ```text
/// LOLWUT [VERSION version [param ...]]
/// ```
///
/// A verbatim text ending in `Redis ver. 7.0.15`. For versions other than
/// 5 and 6 that line is all of it, as in Redis 7.0. Versions 5 and 6 draw
/// random art above their captions in Redis; we print the captions only.
fn lolwut(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let mut version = 7;
    if args.len() >= 3 && args[1].eq_ignore_ascii_case(b"version") {
        version = parse_i64(&args[2])?;
    }
    let text = match version {
        5 => format!("\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. {REDIS_COMPAT_VERSION}\n"),
        6 => format!(
            "\nDedicated to the 8 bit game developers of past and present.\n\
             Original 8 bit image from Plaguemon by hikikomori. Redis ver. {REDIS_COMPAT_VERSION}\n"
        ),
        _ => format!("Redis ver. {REDIS_COMPAT_VERSION}\n"),
    };
    ctx.reply.verbatim("txt", text.as_bytes());
    Ok(())
}
