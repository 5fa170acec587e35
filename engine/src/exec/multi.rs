//! Transactions in the executor: the MULTI queue, EXEC, rejected commands
//! (Redis `rejectCommand`), and the WATCH bookkeeping that turns the
//! databases' "key modified" notes (`db/watch.rs`) into dirty clients.
//!
//! # Redis 7.0's rules, as kept here
//! - In MULTI every command but EXEC DISCARD MULTI WATCH QUIT RESET is
//!   queued and answered `+QUEUED` (not even stored once the transaction
//!   is doomed). A command rejected before that point (unknown, arity,
//!   MISCONF, `no-multi`...) flags the transaction: EXEC then answers
//!   `-EXECABORT Transaction discarded because of previous errors.`. An
//!   EXEC rejected itself discards the transaction with `-EXECABORT
//!   Transaction discarded because of: <reason>`.
//! - EXEC runs the queued commands one after the other through the same
//!   call path as any command (errors at run time are their replies; no
//!   rollback), with blocking denied: a blocking command that would wait
//!   answers as its timeout would (a null array; BLMOVE and BRPOPLPUSH a
//!   null bulk). What they propagate is one execution unit
//!   (`aof/unit.rs`), so the AOF gets MULTI ... EXEC around two or more.
//! - A watched key touched by any write, by FLUSHDB/FLUSHALL/SWAPDB, by an
//!   expiry deletion, or found expired at EXEC, makes EXEC answer a null
//!   array. A key already expired when WATCHed is no change when expiry
//!   removes it (the `expired` mark of Redis's `watchedKey`).

use bytes::Bytes;

use super::{resolve, Executor};
use crate::cmd::def::flag;
use crate::cmd::multi::{discard_transaction, unwatch_all};
use crate::ConnId;

/// A client's transaction state.
#[derive(Debug, Default)]
pub struct TxState {
    /// `Some` while in MULTI: the commands queued (copied out of the read
    /// buffer), in order.
    pub queued: Option<Vec<Vec<Bytes>>>,
    /// A watched key changed (Redis `CLIENT_DIRTY_CAS`).
    pub dirty_cas: bool,
    /// A command was rejected while queueing (Redis `CLIENT_DIRTY_EXEC`).
    pub dirty_exec: bool,
    /// The keys watched, in WATCH order.
    pub watched: Vec<Watched>,
}

/// One watched key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watched {
    pub db: usize,
    pub key: Vec<u8>,
    /// The key had already expired (still stored) when WATCHed.
    pub expired: bool,
}

impl TxState {
    pub fn in_multi(&self) -> bool {
        self.queued.is_some()
    }

    /// CLIENT LIST's `multi`: the commands queued, or -1 outside MULTI.
    pub fn queued_count(&self) -> i64 {
        self.queued.as_ref().map_or(-1, |q| q.len() as i64)
    }
}

/// How a command meets a transaction (Redis processCommand).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TxRole {
    Exec,
    /// Runs at once even in MULTI: DISCARD MULTI WATCH QUIT RESET.
    Immediate,
    /// Queued in MULTI.
    Queued,
}

impl TxRole {
    pub(super) fn of(name: &str) -> TxRole {
        match name {
            "exec" => TxRole::Exec,
            "discard" | "multi" | "watch" | "quit" | "reset" => TxRole::Immediate,
            _ => TxRole::Queued,
        }
    }
}

impl Executor {
    /// Redis `rejectCommand`: writes the error of a command refused before
    /// it ran; in MULTI the transaction is flagged, and a refused EXEC
    /// discards it (`EXECABORT ... because of: <reason>`).
    pub(super) fn reject(&mut self, slot: usize, msg: &[u8], is_exec: bool) {
        let client = self.clients.at_mut(slot);
        if client.tx.in_multi() {
            client.tx.dirty_exec = true;
        }
        if is_exec {
            discard_transaction(&mut self.srv, client);
            let reason = msg.strip_prefix(b"ERR ").unwrap_or(msg);
            let mut text = b"EXECABORT Transaction discarded because of: ".to_vec();
            text.extend_from_slice(reason);
            self.error_reply(&text);
        } else {
            self.error_reply(msg);
        }
    }

    fn error_reply(&mut self, msg: &[u8]) {
        self.srv.stats.count_error(&String::from_utf8_lossy(msg));
        self.reply.error_bytes(msg);
    }

    /// The transaction step of processing a command, after every check:
    /// runs EXEC, or queues the command in MULTI. True when it took the
    /// command (then nothing else runs it).
    pub(super) fn multi_step(&mut self, conn: ConnId, slot: usize, args: &[Bytes], role: TxRole, flags: u32) -> bool {
        if role == TxRole::Exec {
            self.exec_transaction(conn, slot);
            return true;
        }
        if !self.clients.at(slot).tx.in_multi() || role == TxRole::Immediate {
            return false;
        }
        if flags & flag::NO_MULTI != 0 {
            self.reject(slot, b"ERR Command not allowed inside a transaction", false);
            return true;
        }
        let tx = &mut self.clients.at_mut(slot).tx;
        // A doomed transaction stores nothing more (Redis queueMultiCommand).
        if !tx.dirty_cas && !tx.dirty_exec {
            let copy = args.iter().map(|a| Bytes::copy_from_slice(a)).collect();
            tx.queued.as_mut().expect("in MULTI").push(copy);
        }
        self.reply.simple("QUEUED");
        true
    }

    /// EXEC (Redis `execCommand`).
    fn exec_transaction(&mut self, conn: ConnId, slot: usize) {
        self.apply_touches();
        let now = self.srv.now_ms;
        let client = self.clients.at_mut(slot);
        if !client.tx.in_multi() {
            self.error_reply(b"ERR EXEC without MULTI");
            return;
        }
        // Redis `isWatchedKeyExpired`: a key alive when watched that has
        // expired since (removed or not) is a change.
        let dbs = &self.srv.dbs;
        if client.tx.watched.iter().any(|w| !w.expired && dbs[w.db].is_expired(&w.key, now)) {
            client.tx.dirty_cas = true;
        }
        if client.tx.dirty_exec || client.tx.dirty_cas {
            let aborted = client.tx.dirty_exec;
            discard_transaction(&mut self.srv, client);
            if aborted {
                self.error_reply(b"EXECABORT Transaction discarded because of previous errors.");
            } else {
                self.reply.null_array();
            }
            return;
        }
        let queued = client.tx.queued.take().expect("in MULTI");
        unwatch_all(&mut self.srv.dbs, client);
        self.reply.array(queued.len());
        self.propagate_expired();
        let unit = self.srv.aof.begin_unit();
        // Each request counts once (`total_commands_processed`), queued
        // ones when they were queued: the inner calls add nothing.
        for args in &queued {
            match resolve(&self.srv.table, args) {
                Ok((handler, name, flags)) => {
                    let client = self.clients.at_mut(slot);
                    client.last_cmd.clear();
                    client.last_cmd.push_str(name);
                    self.call(conn, slot, args, handler, flags, true);
                }
                // Queued commands were resolved when queued: the table
                // does not change, so this is a bug's safety net only.
                Err(e) => self.error_reply(e.message_bytes()),
            }
        }
        self.srv.aof.end_unit(unit);
        let client = self.clients.at_mut(slot);
        discard_transaction(&mut self.srv, client);
    }

    /// Inside EXEC (blocking denied): a handler that asked to block gets
    /// its timeout's reply instead and propagates nothing (Redis
    /// `CLIENT_DENY_BLOCKING`).
    pub(super) fn deny_block(&mut self, args: &[Bytes]) {
        if self.blocking.effects.block.take().is_none() {
            return;
        }
        if args[0].eq_ignore_ascii_case(b"blmove") || args[0].eq_ignore_ascii_case(b"brpoplpush") {
            self.reply.null();
        } else {
            self.reply.null_array();
        }
        self.blocking.effects.propagate = Some(Vec::new());
    }

    /// Whether some client watches some key.
    fn watching(&self) -> bool {
        self.srv.dbs.iter().any(|d| d.watch.is_active())
    }

    /// After a command: its in-place changes count if it counted a change
    /// (`dirty_before`: the write count before it), then every touch is
    /// applied to the watchers.
    pub(super) fn settle_touches(&mut self, dirty_before: u64) {
        if !self.watching() {
            return;
        }
        let changed = self.srv.stats.dirty != dirty_before;
        for db in &mut self.srv.dbs {
            db.watch.settle_candidates(changed);
        }
        self.apply_touches();
    }

    /// Redis `touchWatchedKey` for every note since the last call: marks
    /// the clients watching a touched key dirty, except where the key was
    /// already expired when watched and is now gone (or, after SWAPDB,
    /// still expired): that is no change.
    pub(super) fn apply_touches(&mut self) {
        let now = self.srv.now_ms;
        for i in 0..self.srv.dbs.len() {
            if !self.srv.dbs[i].watch.has_touched() {
                continue;
            }
            let touches = self.srv.dbs[i].watch.take_touched();
            let db = &self.srv.dbs[i];
            for t in touches {
                let present = db.peek(&t.key).is_some();
                let expired_now = present && db.is_expired(&t.key, now);
                for c in db.watch.watchers(&t.key) {
                    let Some(slot) = self.clients.slot_of(c) else { continue };
                    let tx = &mut self.clients.at_mut(slot).tx;
                    let Some(w) = tx.watched.iter_mut().find(|w| w.db == i && w.key == t.key) else { continue };
                    if w.expired {
                        if !present {
                            w.expired = false;
                            continue;
                        }
                        if t.swap_absent && expired_now {
                            continue;
                        }
                    } else if t.swap_absent && expired_now {
                        // A missing key replaced by an expired one.
                        w.expired = true;
                        continue;
                    }
                    tx.dirty_cas = true;
                }
            }
        }
    }

    /// A client goes away: its watches go with it.
    pub(super) fn forget_tx(&mut self, conn: ConnId) {
        if let Some(slot) = self.clients.slot_of(&conn) {
            unwatch_all(&mut self.srv.dbs, self.clients.at_mut(slot));
        }
    }

    /// Every watch of a client is in its database's list and back.
    pub(super) fn check_tx_invariants(&self) {
        let mut pairs = 0;
        for (i, db) in self.srv.dbs.iter().enumerate() {
            for (key, conn) in db.watch.pairs() {
                pairs += 1;
                let c = self.clients.get(&conn).expect("a watcher that is not a client");
                assert!(c.tx.watched.iter().any(|w| w.db == i && w.key == key), "watch list out of step");
            }
        }
        let watched: usize = self.clients.values().map(|c| c.tx.watched.len()).sum();
        assert_eq!(pairs, watched, "client watches and database watch lists disagree");
    }
}
