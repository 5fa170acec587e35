//! The executor's side of the AOF: what each command propagates, the
//! durability gate, the storage API's executor half, and loading.
//!
//! # Propagation
//! After a command, in this order: the DEL of every key that expiry removed
//! while it ran (Redis `propagateDeletion`), then the command itself when
//! it is a write that did not fail, or what its handler asked for instead
//! (`Ctx::also_propagate`: relative expiries as absolute, random picks and
//! floats as their outcome, blocking pops as their plain forms). A client
//! that blocks propagates nothing until it is served.
//!
//! # The durability gate
//! With `appendfsync always`, a reply produced while the AOF holds bytes
//! not yet fsynced (the command's own, or anyone's before it) is held
//! until an fsync covers them: the client's `held` bytes wait for
//! `held_until`, and every later reply of that client queues behind them,
//! so per-client order holds. One fsync covers everything appended before
//! it, across clients and pipelines (group commit). Reads are held too:
//! a read must not show a client a write that a crash could still undo.
//!
//! # Failures
//! A failed append or fsync is never retried into success. Writes (and
//! PING, as in Redis) are refused with `-MISCONF` until a rewrite installs
//! fresh files; clients whose replies waited on the failed fsync are
//! disconnected without them (nothing they sent is acknowledged); reads go
//! on.

use bytes::Bytes;

use super::output::Closing;
use super::Executor;
use crate::aof::{Aof, RewriteTrigger, StorageEvent, StorageOp};
use crate::client::Client;
use crate::cmd::def::flag;
use crate::db::Db;
use crate::ring::{ClientInfo, Route};
use crate::ConnId;

/// `-MISCONF` for a write (or PING) while the AOF is failed.
pub(super) fn denied_by_aof(aof: &Aof, flags: u32, name: &str) -> Option<Vec<u8>> {
    let err = aof.write_error()?;
    if flags & flag::WRITE == 0 && name != "ping" {
        return None;
    }
    Some(format!("MISCONF Errors writing to the AOF file: {err}").into_bytes())
}

/// The pseudo-client AOF loading runs as (never a network client: their
/// ids start at 1).
pub const LOADING_CLIENT: ConnId = ConnId(0);

impl Executor {
    /// The next storage op for the driver (see `aof/storage.rs` for the
    /// contract). Call after every input until it returns `None`.
    pub fn poll_storage(&mut self) -> Option<StorageOp> {
        let policy = self.srv.config.appendfsync;
        let skip = self.srv.config.no_appendfsync_on_rewrite;
        self.srv.aof.poll_op(policy, skip)
    }

    /// A report about an op [`Executor::poll_storage`] handed out.
    pub fn handle_storage(&mut self, ev: StorageEvent, now_ms: u64) {
        self.srv.now_ms = now_ms;
        let had_error = self.srv.aof.write_error().is_some();
        self.srv.aof.handle_event(ev, now_ms);
        if !had_error && self.srv.aof.write_error().is_some() {
            self.drop_gated();
        }
        self.release_gated();
        for line in self.srv.aof.take_log() {
            self.log.push(line);
        }
    }

    /// Shutdown: queues the last append and its fsync; the driver performs
    /// every op [`Executor::poll_storage`] still hands out, then exits.
    pub fn flush_aof_for_shutdown(&mut self) {
        self.propagate_expired();
        self.srv.aof.flush_for_shutdown();
    }

    /// Log lines for the driver, oldest first (Redis's serverLog).
    pub fn take_log(&mut self) -> Vec<String> {
        for line in self.srv.aof.take_log() {
            self.log.push(line);
        }
        std::mem::take(&mut self.log)
    }

    /// The databases, for a rewrite's point-in-time view (the driver forks
    /// right after [`StorageOp::Fork`] is polled, before any other input).
    pub fn dbs(&self) -> &[Db] {
        &self.srv.dbs
    }

    /// Starts with the AOF the driver loaded (`appendonly yes`), or with
    /// the manifest of files from an earlier run (`appendonly no`).
    pub fn attach_aof(&mut self, aof: Aof) {
        self.srv.aof = aof;
        self.set_expired_logs();
    }

    /// One command read from an AOF file at startup, run as Redis's fake
    /// loading client: no reply goes anywhere, nothing is propagated.
    /// Returns the error reply, if the command failed.
    pub fn handle_load_command(&mut self, args: &[Bytes], now_ms: u64) -> Result<(), String> {
        assert!(!args.is_empty(), "an empty command");
        self.srv.now_ms = now_ms;
        let slot = match self.clients.slot_of(&LOADING_CLIENT) {
            Some(slot) => slot,
            None => {
                let info = ClientInfo { addr: "aof-loading".into(), ..ClientInfo::default() };
                self.clients.insert(
                    LOADING_CLIENT,
                    Client::new(LOADING_CLIENT, info, Route { side: 0, slot: u32::MAX }, now_ms),
                );
                // Nothing expires until loading is over (see `Db::set_expiry_paused`).
                for db in &mut self.srv.dbs {
                    db.set_expiry_paused(true);
                }
                self.clients.slot_of(&LOADING_CLIENT).expect("just inserted")
            }
        };
        let was_on = self.srv.aof.is_on();
        assert!(!was_on, "loading runs before the AOF is attached");
        self.execute(LOADING_CLIENT, slot, args);
        self.blocking.effects = Default::default();
        let reply = std::mem::take(&mut self.reply.buf);
        if reply.first() == Some(&b'-') {
            let end = reply.iter().position(|&b| b == b'\r').unwrap_or(reply.len());
            return Err(String::from_utf8_lossy(&reply[1..end]).into_owned());
        }
        Ok(())
    }

    /// Loading is over: the loading client goes.
    pub fn finish_loading(&mut self) {
        self.clients.remove(&LOADING_CLIENT);
        for db in &mut self.srv.dbs {
            db.expired_log = None;
            db.set_expiry_paused(false);
        }
        self.set_expired_logs();
    }

    /// Keys removed by expiry are logged only while the AOF is on.
    fn set_expired_logs(&mut self) {
        let on = self.srv.aof.is_on();
        self.expired_logs_on = on;
        for db in &mut self.srv.dbs {
            match (on, db.expired_log.is_some()) {
                (true, false) => db.expired_log = Some(Vec::new()),
                (false, true) => db.expired_log = None,
                _ => {}
            }
        }
    }

    /// What one executed command propagates (see the module doc);
    /// `failed`: its reply is an error.
    pub(super) fn propagate(&mut self, db: usize, args: &[Bytes], flags: u32, failed: bool) {
        let instead = self.blocking.effects.propagate.take();
        if !self.srv.aof.is_on() {
            return;
        }
        self.propagate_expired();
        if self.blocking.effects.block.is_some() {
            return;
        }
        match instead {
            Some(cmds) => {
                for c in &cmds {
                    self.srv.aof.propagate(db, c);
                }
            }
            None if flags & flag::WRITE != 0 && !failed => self.srv.aof.propagate(db, args),
            None => {}
        }
    }

    /// DEL for every key expiry removed since the last call.
    pub(super) fn propagate_expired(&mut self) {
        // Without the AOF no database logs expiries (`set_expired_logs`):
        // skip the walk over every database before every command.
        if !self.expired_logs_on {
            return;
        }
        for (i, db) in self.srv.dbs.iter_mut().enumerate() {
            let Some(log) = db.expired_log.as_mut() else { continue };
            for key in log.drain(..) {
                self.srv.aof.propagate(i, &[b"DEL".as_slice(), &key]);
            }
        }
    }

    /// Timed AOF work and `appendonly` changes (CONFIG SET).
    pub(super) fn aof_tick(&mut self, now_ms: u64) {
        self.apply_appendonly(now_ms);
        self.propagate_expired();
        let c = &self.srv.config;
        let trigger = RewriteTrigger {
            percentage: c.auto_aof_rewrite_percentage,
            min_size: c.auto_aof_rewrite_min_size_bytes,
            no_fsync_on_rewrite: c.no_appendfsync_on_rewrite,
        };
        self.srv.aof.tick(now_ms, c.appendfsync, trigger);
        self.release_gated();
    }

    /// Follows `appendonly` after a command changed it.
    pub(super) fn apply_appendonly(&mut self, now_ms: u64) {
        let want = self.srv.config.appendonly;
        if want == self.srv.aof.is_on() {
            return;
        }
        if want {
            self.srv.aof.turn_on(now_ms);
        } else {
            self.srv.aof.turn_off();
            self.release_gated();
        }
        self.set_expired_logs();
    }

    /// The gate's side of handing a reply over: true when the reply in the
    /// scratch buffer went to `held` (the caller hands it over otherwise).
    pub(super) fn gate_reply(&mut self, conn: ConnId, slot: usize) -> bool {
        let cfg = &self.srv.config;
        let gate = self.srv.aof.gate_needed(cfg.appendfsync, cfg.no_appendfsync_on_rewrite);
        let gate = gate && !crate::planted::Plant::from_config(cfg).is(crate::planted::PlantedBug::AofReplyBeforeFsync);
        let client = self.clients.at_mut(slot);
        if !gate && client.held.is_empty() {
            return false;
        }
        if client.held.is_empty() {
            self.gated.push(conn);
        }
        client.held.extend_from_slice(&self.reply.buf);
        client.held_until = client.held_until.max(self.srv.aof.end_offset());
        self.reply.buf.clear();
        true
    }

    /// Hands over the held replies the last fsync covers.
    pub(super) fn release_gated(&mut self) {
        let synced = self.srv.aof.synced();
        let off = !self.srv.aof.is_on();
        let mut i = 0;
        while i < self.gated.len() {
            let conn = self.gated[i];
            let Some(slot) = self.clients.slot_of(&conn) else {
                self.gated.swap_remove(i);
                continue;
            };
            let client = self.clients.at_mut(slot);
            if client.held_until > synced && !off {
                i += 1;
                continue;
            }
            if client.out.is_empty() {
                self.pending.push((conn, slot));
            }
            let held = std::mem::take(&mut client.held);
            client.out.extend_from_slice(&held);
            self.gated.swap_remove(i);
        }
    }

    /// After a failed append or fsync: every client whose replies waited on
    /// it is disconnected without them.
    fn drop_gated(&mut self) {
        for conn in std::mem::take(&mut self.gated) {
            if let Some(slot) = self.clients.slot_of(&conn) {
                self.clients.at_mut(slot).held.clear();
                self.log.push(format!("Closing client id={} whose replies waited on a failed AOF write", conn.0));
                self.close_client(conn);
            }
        }
        for c in &mut self.closing {
            c.bytes.truncate(c.safe_len);
            c.until = 0;
        }
    }

    /// The gate's part of closing a client: its held replies go with its
    /// last bytes, released with them.
    pub(super) fn closing_of(client: Client) -> Closing {
        let safe_len = client.out.len();
        let mut bytes = client.out;
        bytes.extend_from_slice(&client.held);
        let until = if client.held.is_empty() { 0 } else { client.held_until };
        Closing { conn: client.id, route: client.route, bytes, safe_len, until, cut: false }
    }

    pub(super) fn check_gate_invariants(&self) {
        self.srv.aof.check_invariants();
        for c in self.clients.values() {
            assert_eq!(!c.held.is_empty(), self.gated.contains(&c.id), "client {:?}: held replies out of step", c.id);
        }
    }
}
