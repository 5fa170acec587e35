//! Server commands: TIME, SHUTDOWN, CONFIG GET/SET/RESETSTAT/HELP.
//!
//! CONFIG works over the parameter table in [`crate::config`]; CONFIG
//! REWRITE asks the driver to rewrite the file (`exec/config_file.rs`).

use bytes::Bytes;

use super::{glob, CmdError, CmdResult, Handler};
use crate::config::{self, ConfigError, Mutability};
use crate::ctx::{Ctx, ListenChange, ListenRequest, ShutdownFlags};

pub static HANDLERS: &[(&str, Handler)] = &[
    ("time", time),
    ("bgrewriteaof", bgrewriteaof),
    ("shutdown", shutdown),
    ("config|get", config_get),
    ("config|set", config_set),
    ("config|resetstat", config_resetstat),
    ("config|rewrite", config_rewrite),
    ("config|help", config_help),
];

/// # Format
/// ```text
/// BGREWRITEAOF
/// ```
///
/// Starts a rewrite of the AOF (see `aof/mod.rs` for its steps); the
/// switch and fork happen as soon as this command's reply is out.
fn bgrewriteaof(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    let now_ms = ctx.now_ms();
    match ctx.srv.aof.start_rewrite(now_ms) {
        Ok(()) => ctx.reply.simple("Background append only file rewriting started"),
        Err(crate::aof::RewriteRefused::InProgress) => {
            return Err(CmdError::msg("ERR Background append only file rewriting already in progress"))
        }
    }
    Ok(())
}

/// # Format
/// ```text
/// TIME
/// ```
///
/// Replies `[unix seconds, microseconds]`, both as bulk strings. Our clock has
/// millisecond resolution, so the microseconds are a multiple of 1000.
fn time(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    let now_ms = ctx.now_ms();
    ctx.reply.array(2);
    ctx.reply.bulk_int((now_ms / 1000) as i64);
    ctx.reply.bulk_int(((now_ms % 1000) * 1000) as i64);
    Ok(())
}

/// # Format
/// ```text
/// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
/// ```
///
/// On success there is no reply: the connection closes and the driver
/// stops. `SAVE` asks for an RDB snapshot, which we cannot write, so it fails
/// the way Redis does when its save fails. `ABORT` has nothing to abort: our
/// shutdown never waits for replicas.
fn shutdown(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let mut flags = ShutdownFlags::default();
    let mut abort = false;
    for a in &args[1..] {
        match a.to_ascii_lowercase().as_slice() {
            b"nosave" => flags.nosave = true,
            b"save" => flags.save = true,
            b"now" => flags.now = true,
            b"force" => flags.force = true,
            b"abort" => abort = true,
            _ => return Err(CmdError::Syntax),
        }
    }
    if (abort && flags != ShutdownFlags::default()) || (flags.nosave && flags.save) {
        return Err(CmdError::Syntax);
    }
    if abort {
        return Err(CmdError::msg("ERR No shutdown in progress."));
    }
    if flags.save && !flags.force {
        return Err(CmdError::msg("ERR Errors trying to SHUTDOWN. Check logs."));
    }
    ctx.srv.shutdown = true;
    ctx.srv.shutdown_flags = flags;
    ctx.client().close_after_reply = true;
    Ok(())
}

/// # Format
/// ```text
/// CONFIG GET parameter [parameter ...]
/// ```
///
/// A flat map of name, value.
///
/// A name without glob characters is looked up exactly (case-insensitively)
/// and answered under the spelling the client used, as Redis does; a glob
/// pattern matches case-insensitively and answers canonical names. Each
/// parameter appears once. Redis orders the pairs by its hash table (a
/// different order in every process); ours is request order, then table
/// order within one pattern.
fn config_get(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let mut found: Vec<(String, &'static config::Param)> = Vec::new();
    for pattern in &args[2..] {
        let seen = |found: &[(String, &config::Param)], p: &config::Param| found.iter().any(|(_, q)| q.name == p.name);
        if !pattern.iter().any(|b| matches!(b, b'[' | b'*' | b'?')) {
            let Ok(name) = std::str::from_utf8(pattern) else { continue };
            if let Some(p) = config::param(name) {
                if !seen(&found, p) {
                    found.push((name.to_string(), p));
                }
            }
            continue;
        }
        for p in config::PARAMS {
            if !seen(&found, p) && glob::matches_nocase(pattern, p.name.as_bytes()) {
                found.push((p.name.to_string(), p));
            }
        }
    }
    ctx.reply.map(found.len());
    for (name, p) in found {
        ctx.reply.bulk(name.as_bytes());
        ctx.reply.bulk((p.get)(&ctx.srv.config).as_bytes());
    }
    Ok(())
}

/// # Format
/// ```text
/// CONFIG SET parameter value [parameter value ...]
/// ```
///
/// All pairs are checked first (unknown, immutable, duplicate), then applied
/// to a copy of the configuration that replaces the live one only if every
/// value was accepted: all or nothing, as Redis 7.0.
fn config_set(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    if args.len() % 2 == 1 {
        return Err(CmdError::Syntax);
    }
    let pairs: Vec<(&Bytes, &Bytes)> = args[2..].chunks(2).map(|p| (&p[0], &p[1])).collect();
    let mut params: Vec<&'static config::Param> = Vec::with_capacity(pairs.len());
    // Redis reports the first problem, but an unknown name seen before any
    // other problem wins over it.
    let mut failure: Option<CmdError> = None;
    for (name, _) in &pairs {
        let p = std::str::from_utf8(name).ok().and_then(config::param);
        let Some(p) = p else {
            if failure.is_none() {
                return Err(CmdError::msg(format!(
                    "ERR Unknown option or number of arguments for CONFIG SET - '{}'",
                    String::from_utf8_lossy(name)
                )));
            }
            continue;
        };
        if failure.is_some() {
            continue;
        }
        let problem = if p.mutability == Mutability::StartupOnly {
            Some("can't set immutable config")
        } else if params.iter().any(|q| q.name == p.name) {
            Some("duplicate parameter")
        } else {
            None
        };
        if let Some(problem) = problem {
            failure = Some(set_failed(&String::from_utf8_lossy(name), problem));
        }
        params.push(p);
    }
    if let Some(e) = failure {
        return Err(e);
    }
    let mut next = ctx.srv.config.clone();
    for (p, (_, value)) in params.iter().zip(&pairs) {
        if let Err(e) = (p.set)(&mut next, &String::from_utf8_lossy(value)) {
            let why = match e {
                ConfigError::Invalid(why) => why,
                ConfigError::Immutable => "can't set immutable config".into(),
                ConfigError::UnknownParameter => "unknown parameter".into(),
            };
            return Err(set_failed(p.name, &why));
        }
    }
    let listen_changed = next.port != ctx.srv.config.port || next.bind != ctx.srv.config.bind;
    if listen_changed {
        // The driver rebinds; the reply waits for its answer (exec/listen.rs).
        let request =
            ListenRequest { bind: next.bind.clone(), port: next.port, bind_changed: next.bind != ctx.srv.config.bind };
        ctx.srv.listen_change = Some(ListenChange {
            conn: ctx.conn,
            request,
            previous_bind: ctx.srv.config.bind.clone(),
            previous_port: ctx.srv.config.port,
            polled: false,
        });
    } else {
        ctx.reply.ok();
    }
    ctx.srv.config = next;
    Ok(())
}

fn set_failed(name: &str, why: &str) -> CmdError {
    CmdError::msg(format!("ERR CONFIG SET failed (possibly related to argument '{name}') - {why}"))
}

/// # Format
/// ```text
/// CONFIG RESETSTAT
/// ```
///
/// Zeroes the counters INFO reports, as Redis's resetServerStats,
/// resetCommandTableStats and resetErrorTableStats: stats (not the dirty
/// count), errorstats, commandstats and latencystats, the network byte
/// counts. The slow log and the latency monitor stay (they have RESET
/// subcommands of their own).
fn config_resetstat(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    let dirty = ctx.srv.stats.dirty;
    ctx.srv.stats = Default::default();
    ctx.srv.stats.dirty = dirty;
    ctx.srv.stats.net_input_bytes_base = ctx.srv.host.total_net_input_bytes;
    ctx.srv.stats.net_output_bytes_base = ctx.srv.host.total_net_output_bytes;
    ctx.srv.observe.reset_stats();
    let now_ms = ctx.srv.now_ms;
    ctx.srv.observe.instant.reset(now_ms);
    for db in &mut ctx.srv.dbs {
        db.expired_keys = 0;
    }
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// CONFIG REWRITE
/// ```
///
/// `+OK` once the driver has rewritten the config file the server was
/// started with ([`crate::config_rewrite`] makes the text); Redis's errors
/// when there is none or it cannot be written.
fn config_rewrite(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    let path = ctx.srv.host.config_file.clone();
    if path.is_empty() {
        return Err(CmdError::msg("ERR The server is running without a config file"));
    }
    ctx.srv.config_rewrite = Some(crate::config_rewrite::ConfigRewrite { conn: ctx.conn, path, polled: false });
    Ok(())
}

/// # Format
/// ```text
/// CONFIG HELP
/// ```
///
/// Redis 7.0.15's text, line for line.
fn config_help(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    help_reply(
        ctx,
        "CONFIG",
        &[
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
            "REWRITE",
            "    Rewrite the configuration file.",
        ],
    );
    Ok(())
}

/// Redis's addReplyHelp: a header line, the lines, and the HELP entry, each
/// a status reply.
pub fn help_reply(ctx: &mut Ctx<'_>, command: &str, lines: &[&str]) {
    ctx.reply.array(lines.len() + 3);
    ctx.reply.simple(&format!("{command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
    for line in lines {
        ctx.reply.simple(line);
    }
    ctx.reply.simple("HELP");
    ctx.reply.simple("    Prints this help.");
}
