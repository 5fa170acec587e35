//! MEMORY PURGE and MEMORY HELP.
//!
//! MEMORY PURGE asks the driver to hand freed memory back to the OS (see
//! [`crate::memory`]): the engine cannot call the allocator, so the handler
//! only raises the request, and the driver purges before it writes the
//! reply out. Redis's other subcommands (DOCTOR, MALLOC-STATS, STATS,
//! USAGE) report its own allocator's and object layout's figures, which
//! ours cannot reproduce byte for byte, so they are not in the table.

use bytes::Bytes;

use super::server::help_reply;
use super::{CmdResult, Handler};
use crate::ctx::Ctx;

pub static HANDLERS: &[(&str, Handler)] = &[("memory|purge", memory_purge), ("memory|help", memory_help)];

/// # Format
/// ```text
/// MEMORY PURGE
/// ```
///
/// Replies `+OK`; the driver returns freed pages to the OS before the
/// reply is written.
fn memory_purge(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    let now_ms = ctx.now_ms();
    ctx.srv.memory.handle_command(now_ms);
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// MEMORY HELP
/// ```
///
/// Redis 7.0.15's text, line for line.
fn memory_help(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    help_reply(
        ctx,
        "MEMORY",
        &[
            "DOCTOR",
            "    Return memory problems reports.",
            "MALLOC-STATS",
            "    Return internal statistics report from the memory allocator.",
            "PURGE",
            "    Attempt to purge dirty pages for reclamation by the allocator.",
            "STATS",
            "    Return information about the memory usage of the server.",
            "USAGE <key> [SAMPLES <count>]",
            "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
        ],
    );
    Ok(())
}
