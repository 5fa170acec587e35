//! CLIENT ID / SETNAME / GETNAME / LIST / INFO / HELP / UNBLOCK.
//!
//! Only these subcommands are in the table (KILL, PAUSE, TRACKING, ... answer
//! "unknown subcommand"); CLIENT HELP still prints Redis's whole text.

use std::fmt::Write;

use bytes::Bytes;

use super::server::help_reply;
use super::{CmdError, CmdResult, Handler};
use crate::client::Client;
use crate::ctx::{Ctx, UnblockHow};
use crate::ConnId;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("client|id", client_id),
    ("client|setname", client_setname),
    ("client|getname", client_getname),
    ("client|list", client_list),
    ("client|info", client_info),
    ("client|help", client_help),
    ("client|unblock", client_unblock),
];

/// # Format
/// ```text
/// CLIENT UNBLOCK client-id [TIMEOUT | ERROR]
/// ```
///
/// Releases a client blocked in BLPOP & co. (1), or does nothing (0). The
/// executor sends the released client its reply after this command.
fn client_unblock(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let how = match args.get(3) {
        _ if args.len() > 4 => {
            return Err(CmdError::msg(
                "ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.",
            ))
        }
        None => UnblockHow::Timeout,
        Some(a) if a.eq_ignore_ascii_case(b"timeout") => UnblockHow::Timeout,
        Some(a) if a.eq_ignore_ascii_case(b"error") => UnblockHow::Error,
        Some(_) => return Err(CmdError::msg("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")),
    };
    let id = super::parse_i64(&args[2])?;
    let target = ConnId(id as u64);
    let blocked = id > 0 && ctx.clients.get(&target).is_some_and(|c| c.blocked);
    if blocked {
        ctx.effects.unblock.push((target, how));
    }
    ctx.reply.int(i64::from(blocked));
    Ok(())
}

/// # Format
/// ```text
/// CLIENT ID
/// ```
fn client_id(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    let id = ctx.conn.0 as i64;
    ctx.reply.int(id);
    Ok(())
}

/// Redis's validateClientName: printable ASCII without spaces.
pub fn validate_name(name: &[u8]) -> Result<(), CmdError> {
    if name.iter().all(|&b| (b'!'..=b'~').contains(&b)) {
        Ok(())
    } else {
        Err(CmdError::msg("ERR Client names cannot contain spaces, newlines or special characters."))
    }
}

/// Sets (or with an empty name, clears) the calling client's name; the
/// name has been validated.
pub fn set_name(client: &mut Client, name: &[u8]) {
    client.name = if name.is_empty() { None } else { Some(name.to_vec()) };
}

/// # Format
/// ```text
/// CLIENT SETNAME connection-name
/// ```
///
/// An empty name removes the name.
fn client_setname(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    validate_name(&args[2])?;
    set_name(ctx.client(), &args[2]);
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// CLIENT GETNAME
/// ```
///
/// The name, or nil.
fn client_getname(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    match ctx.client().name.clone() {
        Some(name) => ctx.reply.bulk(&name),
        None => ctx.reply.null(),
    }
    Ok(())
}

/// # Format
/// ```text
/// CLIENT LIST [TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]
/// ```
///
/// As Redis 7.0: exactly one filter, `TYPE` with one argument or `ID` with
/// at least one; ids are listed in the order given (twice if given twice).
/// Every client of ours is a normal one: no replication, and subscriptions
/// are not tracked here yet.
fn client_list(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let mut out = String::new();
    let now_ms = ctx.now_ms();
    if args.len() == 4 && args[2].eq_ignore_ascii_case(b"type") {
        let kind = args[3].to_ascii_lowercase();
        match kind.as_slice() {
            b"normal" => {
                for c in ctx.clients.values() {
                    info_line(&mut out, c, now_ms);
                    out.push('\n');
                }
            }
            b"master" | b"replica" | b"slave" | b"pubsub" => {}
            _ => return Err(CmdError::msg(format!("ERR Unknown client type '{}'", String::from_utf8_lossy(&args[3])))),
        }
    } else if args.len() > 3 && args[2].eq_ignore_ascii_case(b"id") {
        for a in &args[3..] {
            let id = super::parse_i64(a).map_err(|_| CmdError::msg("ERR Invalid client ID"))?;
            if let Some(c) = u64::try_from(id).ok().and_then(|id| ctx.clients.get(&crate::ConnId(id))) {
                info_line(&mut out, c, now_ms);
                out.push('\n');
            }
        }
    } else if args.len() != 2 {
        return Err(CmdError::Syntax);
    } else {
        for c in ctx.clients.values() {
            info_line(&mut out, c, now_ms);
            out.push('\n');
        }
    }
    ctx.reply.verbatim("txt", out.as_bytes());
    Ok(())
}

/// # Format
/// ```text
/// CLIENT INFO
/// ```
///
/// The calling client's CLIENT LIST line.
fn client_info(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    let mut out = String::new();
    let now_ms = ctx.now_ms();
    info_line(&mut out, &ctx.clients[&ctx.conn], now_ms);
    out.push('\n');
    ctx.reply.verbatim("txt", out.as_bytes());
    Ok(())
}

/// One client's line, with Redis 7.0.15's fields in its order. Buffer and
/// memory figures belong to the connection layer, which the executor does
/// not see: they are zeros.
pub fn info_line(out: &mut String, c: &Client, now_ms: u64) {
    let name = c.name.as_deref().map(String::from_utf8_lossy).unwrap_or_default();
    let age_s = now_ms.saturating_sub(c.created_ms) / 1000;
    let idle_s = now_ms.saturating_sub(c.last_interaction_ms) / 1000;
    let _ = write!(
        out,
        "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub=0 psub=0 ssub=0 multi={} \
         qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd={} \
         user=default redir=-1 resp={}",
        c.id.0,
        c.info.addr,
        c.info.laddr,
        c.info.fd,
        name,
        age_s,
        idle_s,
        flags_of(c),
        c.db,
        c.tx.queued_count(),
        c.last_cmd,
        c.resp
    );
}

/// CLIENT LIST's `flags`, in Redis 7.0's order (x: in MULTI, b: blocked,
/// d: a watched key changed; N: none).
fn flags_of(c: &Client) -> String {
    let mut flags = String::new();
    if c.tx.in_multi() {
        flags.push('x');
    }
    if c.blocked {
        flags.push('b');
    }
    if c.tx.dirty_cas {
        flags.push('d');
    }
    if flags.is_empty() {
        flags.push('N');
    }
    flags
}

/// # Format
/// ```text
/// CLIENT HELP
/// ```
///
/// Redis 7.0.15's text, line for line.
fn client_help(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    help_reply(
        ctx,
        "CLIENT",
        &[
            "CACHING (YES|NO)",
            "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
            "GETREDIR",
            "    Return the client ID we are redirecting to when tracking is enabled.",
            "GETNAME",
            "    Return the name of the current connection.",
            "ID",
            "    Return the ID of the current connection.",
            "INFO",
            "    Return information about the current client connection.",
            "KILL <ip:port>",
            "    Kill connection made from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Kill connections. Options are:",
            "    * ADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made from the specified address",
            "    * LADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made to specified local address",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Kill connections by type.",
            "    * USER <username>",
            "      Kill connections authenticated by <username>.",
            "    * SKIPME (YES|NO)",
            "      Skip killing current connection (default: yes).",
            "LIST [options ...]",
            "    Return information about client connections. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Return clients of specified type.",
            "UNPAUSE",
            "    Stop the current client pause, resuming traffic.",
            "PAUSE <timeout> [WRITE|ALL]",
            "    Suspend all, or just write, clients for <timeout> milliseconds.",
            "REPLY (ON|OFF|SKIP)",
            "    Control the replies sent to the current connection.",
            "SETNAME <name>",
            "    Assign the name <name> to the current connection.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    Unblock the specified blocked client.",
            "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
            "         [OPTIN] [OPTOUT] [NOLOOP]",
            "    Control server assisted client side caching.",
            "TRACKINGINFO",
            "    Report tracking status for the current connection.",
            "NO-EVICT (ON|OFF)",
            "    Protect current client connection from eviction.",
        ],
    );
    Ok(())
}
