//! CLIENT subcommands that act on connections: KILL, PAUSE, UNPAUSE, REPLY,
//! NO-EVICT and TRACKING. The handlers decide and record; the executor acts
//! after the command (closing killed clients, postponing commands under a
//! pause, dropping replies): see `exec/client_ctl.rs`.

use bytes::Bytes;

use super::{CmdError, CmdResult, Handler};
use crate::client::{Client, ClientPause, ReplyMode};
use crate::ctx::Ctx;
use crate::ConnId;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("client|kill", client_kill),
    ("client|pause", client_pause),
    ("client|unpause", client_unpause),
    ("client|reply", client_reply),
    ("client|no-evict", client_no_evict),
    ("client|tracking", client_tracking),
];

/// RESET's part (Redis `clearClientConnectionState`): replies on.
/// NO-EVICT stays as it was, as in Redis 7.0; tracking is never on.
pub fn reset_reply_mode(ctx: &mut Ctx<'_>) {
    ctx.client().reply_mode = ReplyMode::On;
}

/// Redis's client types (`getClientTypeByName`), for CLIENT KILL and CLIENT
/// LIST's TYPE filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientType {
    Normal,
    Replica,
    Master,
    Pubsub,
}

impl ClientType {
    /// `normal`, `slave`/`replica`, `master`, `pubsub`, any case.
    pub fn parse(name: &[u8]) -> Option<ClientType> {
        match name.to_ascii_lowercase().as_slice() {
            b"normal" => Some(ClientType::Normal),
            b"slave" | b"replica" => Some(ClientType::Replica),
            b"master" => Some(ClientType::Master),
            b"pubsub" => Some(ClientType::Pubsub),
            _ => None,
        }
    }

    /// The type of `c` (Redis `getClientType`): `pubsub` in subscriber
    /// mode (Redis's CLIENT_PUBSUB flag), else `normal` (no replication).
    pub fn of(c: &Client) -> ClientType {
        if c.subscriber {
            ClientType::Pubsub
        } else {
            ClientType::Normal
        }
    }

    pub fn unknown_error(name: &[u8]) -> CmdError {
        CmdError::msg(format!("ERR Unknown client type '{}'", String::from_utf8_lossy(name)))
    }
}

/// CLIENT KILL's filters (Redis `clientKillCommand`); `None` matches all.
#[derive(Debug, Default)]
struct KillFilter<'a> {
    addr: Option<&'a [u8]>,
    laddr: Option<&'a [u8]>,
    kind: Option<ClientType>,
    id: Option<u64>,
    /// USER matches every client: `default` is the only user.
    skip_me: bool,
}

impl KillFilter<'_> {
    fn matches(&self, c: &Client, caller: ConnId) -> bool {
        self.addr.is_none_or(|a| a == c.info.addr.as_bytes())
            && self.laddr.is_none_or(|a| a == c.info.laddr.as_bytes())
            && self.kind.is_none_or(|k| k == ClientType::of(c))
            && self.id.is_none_or(|id| id == c.id.0)
            && !(self.skip_me && c.id == caller)
    }
}

/// # Format
/// ```text
/// CLIENT KILL ip:port
/// CLIENT KILL [ID client-id] [TYPE NORMAL|MASTER|SLAVE|REPLICA|PUBSUB]
///     [USER username] [ADDR ip:port] [LADDR ip:port] [SKIPME yes|no] ...
/// ```
///
/// The old form kills the client at that address (the caller included)
/// and answers OK or `No such client`; the new form answers how many it
/// killed and skips the caller unless `SKIPME no`. A killed caller gets its
/// reply first, then is closed; the others are closed at once (see
/// `Executor::apply_kills` for what happens to their output). Redis 7.0 has no MAXAGE filter (7.4 added it): it is a
/// syntax error here too.
fn client_kill(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let old_form = args.len() == 3;
    let mut f = KillFilter { skip_me: !old_form, ..KillFilter::default() };
    if old_form {
        f.addr = Some(&args[2]);
    } else {
        let mut i = 2;
        while i < args.len() {
            let Some(value) = args.get(i + 1) else { return Err(CmdError::Syntax) };
            let opt = args[i].to_ascii_lowercase();
            match opt.as_slice() {
                b"id" => {
                    let id = super::parse_i64(value)
                        .ok()
                        .filter(|&id| id >= 1)
                        .ok_or_else(|| CmdError::msg("ERR client-id should be greater than 0"))?;
                    f.id = Some(id as u64);
                }
                b"type" => f.kind = Some(ClientType::parse(value).ok_or_else(|| ClientType::unknown_error(value))?),
                b"addr" => f.addr = Some(value),
                b"laddr" => f.laddr = Some(value),
                b"user" => {
                    if value.as_ref() != b"default" {
                        return Err(CmdError::msg(format!("ERR No such user '{}'", String::from_utf8_lossy(value))));
                    }
                }
                b"skipme" if value.eq_ignore_ascii_case(b"yes") => f.skip_me = true,
                b"skipme" if value.eq_ignore_ascii_case(b"no") => f.skip_me = false,
                _ => return Err(CmdError::Syntax),
            }
            i += 2;
        }
    }
    let caller = ctx.conn;
    let victims: Vec<ConnId> = ctx.clients.values().filter(|c| f.matches(c, caller)).map(|c| c.id).collect();
    for &v in &victims {
        if v == caller {
            ctx.client().close_after_reply = true;
        } else {
            ctx.effects.kill.push(v);
        }
    }
    if old_form {
        if victims.is_empty() {
            return Err(CmdError::msg("ERR No such client"));
        }
        ctx.reply.ok();
    } else {
        ctx.reply.int(victims.len() as i64);
    }
    Ok(())
}

/// # Format
/// ```text
/// CLIENT PAUSE timeout [WRITE | ALL]
/// ```
///
/// `timeout` in milliseconds. A pause already in force is extended, never
/// shortened, and ALL wins over WRITE (Redis `pauseClients`). As in Redis
/// 7.0.15, the end time is `now + timeout` in 64-bit arithmetic without an
/// overflow check: a timeout so large that it wraps ends the pause at once.
fn client_pause(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    if args.len() > 4 {
        return Err(CmdError::msg("ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP."));
    }
    let all = match args.get(3) {
        None => true,
        Some(m) if m.eq_ignore_ascii_case(b"all") => true,
        Some(m) if m.eq_ignore_ascii_case(b"write") => false,
        Some(_) => return Err(CmdError::msg("ERR CLIENT PAUSE mode must be WRITE or ALL")),
    };
    let timeout_ms =
        super::parse_i64(&args[2]).map_err(|_| CmdError::msg("ERR timeout is not an integer or out of range"))?;
    if timeout_ms < 0 {
        return Err(CmdError::msg("ERR timeout is negative"));
    }
    let now = ctx.now_ms() as i64;
    let end = if timeout_ms > 0 { timeout_ms.wrapping_add(now) } else { 0 };
    let end_ms = u64::try_from(end).unwrap_or(0);
    let pause = match ctx.srv.pause {
        Some(p) => ClientPause { end_ms: p.end_ms.max(end_ms), all: p.all || all },
        None => ClientPause { end_ms, all },
    };
    ctx.srv.pause = Some(pause);
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// CLIENT UNPAUSE
/// ```
///
/// Ends the pause; the postponed clients run after this command.
fn client_unpause(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    ctx.srv.pause = None;
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// CLIENT REPLY ON | OFF | SKIP
/// ```
///
/// ON answers OK; OFF and SKIP answer nothing. SKIP drops the next
/// command's reply (and does nothing while replies are off).
fn client_reply(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let mode = args[2].to_ascii_lowercase();
    let client = ctx.client();
    match mode.as_slice() {
        b"on" => {
            client.reply_mode = ReplyMode::On;
            ctx.reply.ok();
        }
        b"off" => client.reply_mode = ReplyMode::Off,
        b"skip" => {
            if client.reply_mode != ReplyMode::Off {
                client.reply_mode = ReplyMode::SkipNext;
            }
        }
        _ => return Err(CmdError::Syntax),
    }
    Ok(())
}

/// # Format
/// ```text
/// CLIENT NO-EVICT ON | OFF
/// ```
///
/// Sets the `e` flag CLIENT LIST shows. We never evict clients
/// (`maxmemory-clients` is not implemented), so it protects nothing more.
fn client_no_evict(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let on = if args[2].eq_ignore_ascii_case(b"on") {
        true
    } else if args[2].eq_ignore_ascii_case(b"off") {
        false
    } else {
        return Err(CmdError::Syntax);
    };
    ctx.client().no_evict = on;
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// CLIENT TRACKING ON | OFF [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]]
///     [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
/// ```
///
/// Client-side caching is not implemented: `OFF` (alone) answers OK, as
/// tracking is off; `ON` answers an error saying so, rather than an OK that
/// would promise invalidation messages that never come.
fn client_tracking(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    if args[2].eq_ignore_ascii_case(b"off") && args.len() == 3 {
        ctx.reply.ok();
        return Ok(());
    }
    if args[2].eq_ignore_ascii_case(b"on") || args[2].eq_ignore_ascii_case(b"off") {
        return Err(CmdError::msg("ERR CLIENT TRACKING is not supported by this server (no client-side caching)"));
    }
    Err(CmdError::Syntax)
}
