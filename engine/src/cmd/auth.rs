//! Authentication as Redis 7.0 does it without ACL users: the only user is
//! `default`, whose password is `requirepass` (none when empty). Owns AUTH,
//! ACL WHOAMI / CAT / HELP, the NOAUTH gate the executor runs before every
//! command, HELLO's `AUTH user pass` check, RESET's part, and the
//! protected-mode decision for a new connection.
//!
//! # Redis 7.0's rules, as kept here
//! - A client is authenticated from birth when the default user has no
//!   password (`c->authenticated` in `createClient`); AUTH or HELLO ... AUTH
//!   with the right password authenticates it; a failed attempt changes
//!   nothing. CONFIG SET requirepass affects later AUTHs and new clients
//!   only: clients already authenticated stay so.
//! - A command needs authentication while the default user has a password
//!   and the client is not authenticated (`authRequired`); commands flagged
//!   `no_auth` (AUTH, HELLO, QUIT, RESET) run anyway. Unknown commands and
//!   arity errors are answered before the gate, as `processCommand` does.
//! - Failed attempts are counted where Redis 7.0 counts them: as `WRONGPASS`
//!   error replies (INFO errorstats `errorstat_WRONGPASS`, and
//!   `total_error_replies`); 7.0 has no `acl_access_denied_auth` field.
//! - Protected mode (`clientAcceptHandler`): with `protected-mode yes` and
//!   no password, a client whose peer is not `127.0.0.1` or `::1` gets the
//!   DENIED text and is closed; `bind` plays no part in 7.0.

use bytes::Bytes;

use super::def::flag::NO_AUTH;
use super::server::help_reply;
use super::{CmdError, CmdResult, Handler};
use crate::client::Client;
use crate::config::Config;
use crate::ctx::{Ctx, Server};
use crate::ring::ClientInfo;

pub static HANDLERS: &[(&str, Handler)] =
    &[("auth", auth), ("acl|cat", acl_cat), ("acl|whoami", acl_whoami), ("acl|help", acl_help)];

/// The reply to a command refused by the gate.
pub const NOAUTH: &str = "NOAUTH Authentication required.";
const WRONGPASS: &str = "WRONGPASS invalid username-password pair or user is disabled.";
const HELLO_NOAUTH: &str = "NOAUTH HELLO must be called with the client already authenticated, otherwise the \
                            HELLO AUTH <user> <pass> option can be used to authenticate the client and select the \
                            RESP protocol version at the same time";

/// Redis 7.0's text (with its typo "Setup a an"), sent before closing a
/// client refused by protected mode.
pub const PROTECTED_MODE_DENIED: &[u8] = b"-DENIED Redis is running in protected mode because protected mode is \
enabled and no password is set for the default user. In this mode connections are only accepted from the loopback \
interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: \
1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by \
connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible \
from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable \
the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then \
restarting the server. 3) If you started the server manually just for testing, restart it with the \
'--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to \
do one of the above things in order for the server to start accepting connections from the outside.\r\n";

/// The ACL categories, in Redis 7.0's order (ACL CAT).
pub const CATEGORIES: &[&str] = &[
    "keyspace",
    "read",
    "write",
    "set",
    "sortedset",
    "list",
    "hash",
    "string",
    "bitmap",
    "hyperloglog",
    "geo",
    "stream",
    "pubsub",
    "admin",
    "fast",
    "slow",
    "blocking",
    "dangerous",
    "connection",
    "transaction",
    "scripting",
];

/// Whether the default user has no password (Redis `USER_FLAG_NOPASS`).
pub fn default_user_nopass(config: &Config) -> bool {
    config.requirepass.is_empty()
}

/// Whether a client born now starts authenticated.
pub fn authenticated_at_birth(config: &Config) -> bool {
    default_user_nopass(config)
}

/// The NOAUTH gate, run after the command is resolved: the error to answer
/// instead of running a command with `flags`, if any.
pub fn gate(config: &Config, client: &Client, flags: u32) -> Option<&'static str> {
    let required = !default_user_nopass(config) && !client.authenticated;
    (required && flags & NO_AUTH == 0).then_some(NOAUTH)
}

/// Whether protected mode refuses a client connecting from `info.addr`
/// (then the caller writes [`PROTECTED_MODE_DENIED`] and closes it).
pub fn protected_mode_refuses(config: &Config, info: &ClientInfo) -> bool {
    config.protected_mode && default_user_nopass(config) && !is_loopback_peer(&info.addr)
}

/// Redis `connIsLocal`: the peer's IP is exactly `127.0.0.1` or `::1`
/// (or `::ffff:127.0.0.1`: a dual-stack listener of ours sees an IPv4
/// loopback peer so, where Redis's separate IPv4 socket sees `127.0.0.1`).
/// `addr` is `ip:port` (`[v6]:port` for IPv6); a peer we cannot tell is
/// not local, as in Redis.
fn is_loopback_peer(addr: &str) -> bool {
    let Some((ip, _port)) = addr.rsplit_once(':') else { return false };
    let ip = ip.strip_prefix('[').and_then(|i| i.strip_suffix(']')).unwrap_or(ip);
    matches!(ip, "127.0.0.1" | "::1" | "::ffff:127.0.0.1")
}

/// Redis `ACLAuthenticateUser` for the default-user-only world: checks
/// `user`/`password`, authenticates the client on success.
fn authenticate(srv: &mut Server, client: &mut Client, user: &[u8], password: &[u8]) -> Result<(), CmdError> {
    let ok = user == b"default" && (default_user_nopass(&srv.config) || password == srv.config.requirepass.as_bytes());
    if ok {
        client.authenticated = true;
        Ok(())
    } else {
        Err(CmdError::msg(WRONGPASS))
    }
}

/// HELLO's part: `AUTH user pass` when given, then the requirement that the
/// client be authenticated before HELLO goes on (Redis 7.0's order).
pub fn hello_auth(ctx: &mut Ctx<'_>, auth: Option<(&Bytes, &Bytes)>) -> CmdResult {
    if let Some((user, password)) = auth {
        let client = ctx.clients.at_mut(ctx.slot);
        authenticate(ctx.srv, client, user, password)?;
    }
    if !ctx.clients.at(ctx.slot).authenticated {
        return Err(CmdError::msg(HELLO_NOAUTH));
    }
    Ok(())
}

/// RESET's part (Redis `clearClientConnectionState`): back to the default
/// user, authenticated only if it has no password.
pub fn reset_auth(ctx: &mut Ctx<'_>) {
    let fresh = authenticated_at_birth(&ctx.srv.config);
    ctx.client().authenticated = fresh;
}

/// # Format
/// ```text
/// AUTH [username] password
/// ```
///
/// `AUTH password` is for the default user and fails when it has no
/// password; `AUTH default password` succeeds for any password then.
fn auth(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    if args.len() > 3 {
        return Err(CmdError::Syntax);
    }
    let (user, password): (&[u8], &[u8]) = if args.len() == 2 {
        if default_user_nopass(&ctx.srv.config) {
            return Err(CmdError::msg(
                "ERR AUTH <password> called without any password configured for the default user. Are you sure \
                 your configuration is correct?",
            ));
        }
        (b"default", &args[1])
    } else {
        (&args[1], &args[2])
    };
    let client = ctx.clients.at_mut(ctx.slot);
    authenticate(ctx.srv, client, user, password)?;
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// ACL WHOAMI
/// ```
///
/// Always `default`: the only user.
fn acl_whoami(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    ctx.reply.bulk(b"default");
    Ok(())
}

/// # Format
/// ```text
/// ACL CAT [categoryname]
/// ```
///
/// Without a category: every category, in Redis's order. With one: the
/// full names of the commands (containers and subcommands alike) of our
/// table in that category, in table order (Redis lists its own commands in
/// its hash order).
fn acl_cat(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    match args.len() {
        2 => {
            ctx.reply.array(CATEGORIES.len());
            for c in CATEGORIES {
                ctx.reply.bulk(c.as_bytes());
            }
        }
        3 => {
            let wanted = String::from_utf8_lossy(&args[2]).to_ascii_lowercase();
            if !CATEGORIES.contains(&wanted.as_str()) {
                return Err(CmdError::msg(format!("ERR Unknown category '{}'", String::from_utf8_lossy(&args[2]))));
            }
            let tag = format!("@{wanted}");
            let names = commands_in_category(&ctx.srv.table, &tag);
            ctx.reply.array(names.len());
            for n in names {
                ctx.reply.bulk(n.as_bytes());
            }
        }
        _ => return Err(CmdError::msg("ERR unknown subcommand or wrong number of arguments for 'cat'. Try ACL HELP.")),
    }
    Ok(())
}

/// The full names of the commands the table runs whose categories include
/// `tag` ("@read").
pub fn commands_in_category(table: &super::CommandTable, tag: &str) -> Vec<String> {
    let mut out = Vec::new();
    for def in super::all_rows() {
        let Some(cmd) = table.lookup(def.name.as_bytes()) else { continue };
        if def.acl_categories.contains(&tag) {
            out.push(cmd.full_name.clone());
        }
        for sub in def.subcommands {
            if let Some(s) = cmd.subcommand(sub.name.as_bytes()) {
                if sub.acl_categories.contains(&tag) {
                    out.push(s.full_name.clone());
                }
            }
        }
    }
    out
}

/// # Format
/// ```text
/// ACL HELP
/// ```
///
/// Redis 7.0.15's text, line for line (the subcommands we do not run
/// answer "unknown subcommand").
fn acl_help(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    help_reply(
        ctx,
        "ACL",
        &[
            "CAT [<category>]",
            "    List all commands that belong to <category>, or all command categories",
            "    when no category is specified.",
            "DELUSER <username> [<username> ...]",
            "    Delete a list of users.",
            "DRYRUN <username> <command> [<arg> ...]",
            "    Returns whether the user can execute the given command without executing the command.",
            "GETUSER <username>",
            "    Get the user's details.",
            "GENPASS [<bits>]",
            "    Generate a secure 256-bit user password. The optional `bits` argument can",
            "    be used to specify a different size.",
            "LIST",
            "    Show users details in config file format.",
            "LOAD",
            "    Reload users from the ACL file.",
            "LOG [<count> | RESET]",
            "    Show the ACL log entries.",
            "SAVE",
            "    Save the current config to the ACL file.",
            "SETUSER <username> <attribute> [<attribute> ...]",
            "    Create or modify a user with the specified attributes.",
            "USERS",
            "    List all the registered usernames.",
            "WHOAMI",
            "    Return the current connection username.",
        ],
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_peers() {
        assert!(is_loopback_peer("127.0.0.1:5000"));
        assert!(is_loopback_peer("[::1]:5000"));
        assert!(is_loopback_peer("::1:5000"));
        assert!(!is_loopback_peer("127.0.0.2:5000"));
        assert!(!is_loopback_peer("10.1.2.3:5000"));
        assert!(!is_loopback_peer("[::2]:5000"));
        assert!(!is_loopback_peer(""));
    }
}
