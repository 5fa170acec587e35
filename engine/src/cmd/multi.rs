//! Transactions: MULTI DISCARD WATCH UNWATCH, EXEC's row, and the client
//! state they share with the executor. EXEC itself, and the queueing of
//! commands between MULTI and EXEC, are the executor's (`exec/multi.rs`):
//! running queued commands takes the executor's own call path.
//!
//! WATCH registers the key in the database's watch list
//! (`db/watch.rs`), whose "key modified" notes mark the watchers dirty.

use bytes::Bytes;

use super::def::flag::*;
use super::def::{row, CommandDef, KeySpec};
use super::docs::transactions;
use super::{CmdError, CmdResult, Handler};
use crate::client::Client;
use crate::ctx::{Ctx, Server};
use crate::db::Db;
use crate::exec::multi::Watched;

pub static HANDLERS: &[(&str, Handler)] =
    &[("discard", discard), ("exec", exec), ("multi", multi), ("unwatch", unwatch), ("watch", watch)];

/// The transaction commands' rows, sorted by name.
pub static ROWS: &[CommandDef] = &[
    row("discard", 1, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, (0, 0, 0), &["@fast", "@transaction"])
        .docs(&transactions::DISCARD),
    row("exec", 1, NOSCRIPT | LOADING | STALE | SKIP_SLOWLOG, (0, 0, 0), &["@slow", "@transaction"])
        .docs(&transactions::EXEC),
    row("multi", 1, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, (0, 0, 0), &["@fast", "@transaction"])
        .docs(&transactions::MULTI),
    row("unwatch", 1, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, (0, 0, 0), &["@fast", "@transaction"])
        .docs(&transactions::UNWATCH),
    row("watch", -2, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, (1, -1, 1), &["@fast", "@transaction"])
        .key_specs(&[KeySpec::index(1, &["RO"]).range(-1, 1, 0)])
        .docs(&transactions::WATCH),
];

/// # Format
/// ```text
/// MULTI
/// ```
///
/// Later commands are queued (`+QUEUED`) until EXEC or DISCARD.
fn multi(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    let tx = &mut ctx.client().tx;
    if tx.in_multi() {
        return Err(CmdError::msg("ERR MULTI calls can not be nested"));
    }
    tx.queued = Some(Vec::new());
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// DISCARD
/// ```
///
/// Drops the queued commands and unwatches every key.
fn discard(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    if !ctx.client().tx.in_multi() {
        return Err(CmdError::msg("ERR DISCARD without MULTI"));
    }
    discard_transaction(ctx.srv, ctx.clients.at_mut(ctx.slot));
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// EXEC
/// ```
///
/// The executor runs EXEC itself (`exec/multi.rs`) and never calls this
/// handler; it answers as EXEC does outside a transaction.
fn exec(_ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    Err(CmdError::msg("ERR EXEC without MULTI"))
}

/// # Format
/// ```text
/// WATCH key [key ...]
/// ```
///
/// EXEC will answer a null array if one of the keys changes before it.
fn watch(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    if ctx.client().tx.in_multi() {
        return Err(CmdError::msg("ERR WATCH inside MULTI is not allowed"));
    }
    let (db, now) = (ctx.db_index, ctx.now_ms());
    let client = ctx.clients.at_mut(ctx.slot);
    for key in &args[1..] {
        watch_key(&mut ctx.srv.dbs[db], db, client, key, now);
    }
    ctx.reply.ok();
    Ok(())
}

/// # Format
/// ```text
/// UNWATCH
/// ```
fn unwatch(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    let client = ctx.clients.at_mut(ctx.slot);
    unwatch_all(&mut ctx.srv.dbs, client);
    client.tx.dirty_cas = false;
    ctx.reply.ok();
    Ok(())
}

/// Redis `watchForKey`: once per (database, key); remembers whether the key
/// had already expired (a later deletion of it is then no change).
fn watch_key(db: &mut Db, db_index: usize, client: &mut Client, key: &[u8], now_ms: u64) {
    if client.tx.watched.iter().any(|w| w.db == db_index && w.key == key) {
        return;
    }
    let expired = db.is_expired(key, now_ms);
    db.watch.add(key, client.id);
    client.tx.watched.push(Watched { db: db_index, key: key.to_vec(), expired });
}

/// Redis `unwatchAllKeys`.
pub fn unwatch_all(dbs: &mut [Db], client: &mut Client) {
    for w in client.tx.watched.drain(..) {
        dbs[w.db].watch.remove(&w.key, client.id);
    }
}

/// Redis `discardTransaction`: out of MULTI, flags cleared, keys unwatched
/// (DISCARD, EXEC, RESET).
pub fn discard_transaction(srv: &mut Server, client: &mut Client) {
    client.tx.queued = None;
    client.tx.dirty_cas = false;
    client.tx.dirty_exec = false;
    unwatch_all(&mut srv.dbs, client);
}
