//! Connection commands: PING ECHO QUIT SELECT HELLO RESET.
//!
//! `HELLO 2|3` switches the connection's protocol (`Client::resp`, which
//! the executor hands the reply encoder before each command); HELLO's own
//! reply is already in the new one, RESET goes back to RESP2. There are no
//! ACL users: the only user is `default`, whose password is `requirepass`
//! (see `auth.rs`, which checks HELLO's AUTH option).

use bytes::Bytes;

use super::client::{set_name, validate_name};
use super::{parse_i64, CmdError, CmdResult, Handler};
use crate::ctx::Ctx;
use crate::REDIS_COMPAT_VERSION;

pub static HANDLERS: &[(&str, Handler)] =
    &[("ping", ping), ("echo", echo), ("quit", quit), ("select", select), ("hello", hello), ("reset", reset)];

/// # Format
/// ```text
/// PING [message]
/// ```
///
/// A RESP2 client in subscriber mode gets `["pong", message or ""]`.
fn ping(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    if args.len() <= 2 && ctx.client().subscriber && ctx.client().resp == 2 {
        ctx.reply.array(2);
        ctx.reply.bulk(b"pong");
        ctx.reply.bulk(args.get(1).map_or(&b""[..], |m| &m[..]));
        return Ok(());
    }
    match args.len() {
        1 => ctx.reply.simple("PONG"),
        2 => ctx.reply.bulk(&args[1]),
        _ => return Err(CmdError::msg("ERR wrong number of arguments for 'ping' command")),
    }
    Ok(())
}

/// # Format
/// ```text
/// ECHO message
/// ```
fn echo(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    ctx.reply.bulk(&args[1]);
    Ok(())
}

/// # Format
/// ```text
/// QUIT
/// ```
///
/// Replies OK, then the connection closes. Extra arguments are ignored (arity
/// -1, as Redis).
fn quit(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    ctx.reply.ok();
    ctx.client().close_after_reply = true;
    Ok(())
}

/// # Format
/// ```text
/// SELECT index
/// ```
///
/// The index is parsed as Redis's getIntFromObject does (a 64-bit integer that
/// must fit 32 bits), then checked against `databases`.
fn select(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let index = parse_i64(&args[1])?;
    if i32::try_from(index).is_err() {
        return Err(CmdError::msg("ERR value is out of range, value must between -2147483648 and 2147483647"));
    }
    if index < 0 || index as usize >= ctx.srv.dbs.len() {
        return Err(CmdError::DbIndexOutOfRange);
    }
    ctx.db_index = index as usize;
    ctx.client().db = index as usize;
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// HELLO [protover [AUTH username password] [SETNAME clientname]]
/// ```
///
/// Switches to protocol `protover` (2 or 3; without it the protocol stays)
/// and replies with the server's handshake map, in the new protocol:
/// server, version, proto, id, mode, role, modules.
fn hello(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let mut protocol: Option<u8> = None;
    if args.len() >= 2 {
        let version =
            parse_i64(&args[1]).map_err(|_| CmdError::msg("ERR Protocol version is not an integer or out of range"))?;
        if !(2..=3).contains(&version) {
            return Err(CmdError::msg("NOPROTO unsupported protocol version"));
        }
        protocol = Some(version as u8);
    }
    let mut auth: Option<(&Bytes, &Bytes)> = None;
    let mut name: Option<&Bytes> = None;
    let mut j = 2;
    while j < args.len() {
        let more = args.len() - 1 - j;
        let opt = &args[j];
        if opt.eq_ignore_ascii_case(b"auth") && more >= 2 {
            auth = Some((&args[j + 1], &args[j + 2]));
            j += 3;
        } else if opt.eq_ignore_ascii_case(b"setname") && more >= 1 {
            validate_name(&args[j + 1])?;
            name = Some(&args[j + 1]);
            j += 2;
        } else {
            return Err(CmdError::msg(format!("ERR Syntax error in HELLO option '{}'", String::from_utf8_lossy(opt))));
        }
    }
    super::auth::hello_auth(ctx, auth)?;
    let id = ctx.conn.0 as i64;
    let client = ctx.client();
    if let Some(name) = name {
        set_name(client, name);
    }
    if let Some(protocol) = protocol {
        client.resp = protocol;
    }
    let protocol = client.resp;
    let r = &mut *ctx.reply;
    r.set_protocol(protocol);
    r.map(7);
    r.bulk(b"server");
    r.bulk(b"redis");
    r.bulk(b"version");
    r.bulk(REDIS_COMPAT_VERSION.as_bytes());
    r.bulk(b"proto");
    r.int(i64::from(protocol));
    r.bulk(b"id");
    r.int(id);
    r.bulk(b"mode");
    r.bulk(b"standalone");
    r.bulk(b"role");
    r.bulk(b"master");
    r.bulk(b"modules");
    r.array(0);
    Ok(())
}

/// # Format
/// ```text
/// RESET
/// ```
///
/// Back to a fresh connection's state (database 0, no name, RESP2), replying
/// `+RESET`. A transaction is discarded, every key unwatched and every
/// subscription dropped.
fn reset(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    crate::cmd::multi::discard_transaction(ctx.srv, ctx.clients.at_mut(ctx.slot));
    ctx.db_index = 0;
    let client = ctx.client();
    client.db = 0;
    client.name = None;
    client.resp = 2;
    super::pubsub::reset_client(ctx);
    super::auth::reset_auth(ctx);
    super::client_ctl::reset_reply_mode(ctx);
    super::diag::reset_client(ctx);
    ctx.reply.simple("RESET");
    Ok(())
}
