//! DEBUG: SLEEP, SET-ACTIVE-EXPIRE and OBJECT, behind Redis 7.0's
//! `enable-debug-command` (no by default: refused; `local`: loopback
//! clients only). Every other subcommand (JMAP, which 7.0 does not have
//! either, RELOAD, POPULATE...) answers Redis's unknown-subcommand error.
//!
//! DEBUG SLEEP blocks the whole server, as in Redis, without the engine
//! sleeping: the executor takes no request until the tick at the deadline
//! ([`DebugState::sleep`]; `exec/mod.rs` waits on it), then replies `+OK`.

use bytes::Bytes;

use super::{CmdError, CmdResult, Handler};
use crate::ctx::Ctx;
use crate::ConnId;

pub static HANDLERS: &[(&str, Handler)] = &[("debug", debug)];

/// What DEBUG leaves for the executor.
#[derive(Debug, Default)]
pub struct DebugState {
    /// A DEBUG SLEEP in progress: the client and the Unix ms it ends.
    pub sleep: Option<(ConnId, u64)>,
    /// DEBUG SET-ACTIVE-EXPIRE 0: the tick's active expiry is off.
    pub active_expire_off: bool,
}

const NOT_ALLOWED: &str = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", \
                           you can run it from a local connection, otherwise you need to set this option in the \
                           configuration file, and then restart the server.";

fn is_local(addr: &str) -> bool {
    addr.starts_with("127.") || addr.starts_with("[::1]") || addr.starts_with("::1")
}

/// C's `atoi`/`strtod` leniency: the longest numeric prefix, else 0.
fn lenient_f64(arg: &[u8]) -> f64 {
    let s = String::from_utf8_lossy(arg);
    let s = s.trim_start();
    (1..=s.len()).rev().find_map(|n| s.get(..n).and_then(|p| p.parse::<f64>().ok())).unwrap_or(0.0)
}

/// # Format
/// ```text
/// DEBUG SLEEP seconds | SET-ACTIVE-EXPIRE 0|1 | OBJECT key
/// ```
fn debug(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let allowed = match ctx.srv.config.enable_debug_command.as_str() {
        "yes" => true,
        "local" => is_local(&ctx.clients.at(ctx.slot).info.addr),
        _ => false,
    };
    if !allowed {
        return Err(CmdError::msg(NOT_ALLOWED));
    }
    let sub = args[1].to_ascii_lowercase();
    match (sub.as_slice(), args.len()) {
        (b"sleep", 3) => {
            let secs = lenient_f64(&args[2]);
            let ms = (secs * 1000.0).max(0.0) as u64;
            if ms == 0 {
                ctx.reply.ok();
            } else {
                ctx.srv.debug.sleep = Some((ctx.conn, ctx.srv.now_ms + ms));
            }
            Ok(())
        }
        (b"set-active-expire", 3) => {
            ctx.srv.debug.active_expire_off = lenient_f64(&args[2]) as i64 == 0;
            ctx.reply.ok();
            Ok(())
        }
        (b"object", 3) => debug_object(ctx, &args[2]),
        _ => Err(CmdError::msg(format!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try DEBUG HELP.",
            String::from_utf8_lossy(&args[1])
        ))),
    }
}

/// `Value at:<addr> refcount:1 encoding:<enc> serializedlength:<n>
/// lru:<clock> lru_seconds_idle:<s>`. The address is a stand-in (the
/// value's place in our memory means nothing to a client), and
/// `serializedlength` is our estimate of the value's RDB size: exact for
/// short strings and integers, the payload bytes otherwise (we write no
/// RDB yet). Quicklists get Redis's extra `ql_*` fields, estimated.
fn debug_object(ctx: &mut Ctx<'_>, key: &[u8]) -> CmdResult {
    let now_ms = ctx.srv.now_ms;
    let db = &mut ctx.srv.dbs[ctx.db_index];
    let Some(value) = db.lookup_notouch(key, now_ms) else {
        return Err(CmdError::msg("ERR no such key"));
    };
    let encoding = value.encoding_name();
    let payload = crate::cmd::memory_usage::payload_bytes(value);
    let serialized = match value.as_str() {
        Some(s) => s.with_bytes(rdb_string_len),
        None => payload,
    };
    let elements = crate::cmd::memory_usage::element_count(value);
    let access_s = db.meta(key).map_or(now_ms / 1000, |m| m.access_s);
    let lru = access_s & ((1 << 24) - 1);
    let idle = (now_ms / 1000).saturating_sub(access_s);
    let addr = 0x7f00_0000_0000u64 + (stand_in_hash(key) & 0xffff_fff0);
    let mut text = format!(
        "Value at:{addr:#x} refcount:1 encoding:{encoding} serializedlength:{serialized} lru:{lru} lru_seconds_idle:{idle}"
    );
    if encoding == "quicklist" {
        text.push_str(&format!(
            " ql_nodes:1 ql_avg_node:{elements:.2} ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:{payload}"
        ));
    }
    ctx.reply.simple(&text);
    Ok(())
}

/// RDB's encoding of a string: integers that fit 8/16/32 bits in 2/3/5
/// bytes, else a length prefix and the bytes (no LZF).
fn rdb_string_len(b: &[u8]) -> usize {
    if let Some(n) = crate::db::value::parse_strict_i64(b) {
        if i8::try_from(n).is_ok() {
            return 2;
        } else if i16::try_from(n).is_ok() {
            return 3;
        } else if i32::try_from(n).is_ok() {
            return 5;
        }
    }
    let prefix = if b.len() < 64 {
        1
    } else if b.len() < 16384 {
        2
    } else {
        5
    };
    prefix + b.len()
}

/// A stable number from the key, for the stand-in address.
fn stand_in_hash(key: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}
