//! Blocked clients: BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP (and, through the
//! same door, the sorted-set BZPOPMIN BZPOPMAX BZMPOP).
//!
//! # The protocol a blocking handler follows
//! A blocking command is one handler, written as its non-blocking twin:
//! 1. parse and check its arguments (errors as usual);
//! 2. if some key has data, serve it and reply, exactly as LPOP/ZPOPMIN
//!    would (WRONGTYPE as usual);
//! 3. otherwise call [`Ctx::block`] with the keys, the [`BlockKind`] (the
//!    value type it waits for) and the deadline (`None`: forever), write
//!    no reply and return `Ok(())`.
//!
//! The executor then parks the client. When a later command leaves one of
//! its keys holding a value of that kind, the executor runs the parked
//! command again (`Effects::rerun` is set) and the handler goes through the
//! same steps: it replies if it can, or calls [`Ctx::block`] again to stay
//! parked in its place. So a sorted-set blocking command needs nothing
//! here: one handler using `BlockKind::ZSet`.
//!
//! # Redis 7.0's rules, as kept here
//! - Which keys become ready: after every write command, the keys it names
//!   (its first/last/step key range); for commands whose keys move
//!   (MOVABLEKEYS), that name none (EXEC, SWAPDB) or that write another
//!   database (MOVE, COPY ... DB), every key someone waits on. A key is
//!   ready when it holds a value of a waiter's kind (a BLPOP waiter does not
//!   wake for a string; a list does not wake a BZPOPMIN waiter).
//! - Ready keys are served in the order they became ready; each key's
//!   waiters in the order they blocked (FIFO), each by re-running its
//!   command, until the key runs dry. A waiter served through another key
//!   meanwhile is skipped. Commands run by served clients (BLMOVE pushing
//!   onto its destination) make more keys ready, served in the same pass.
//! - A timeout (`handle_tick`, at [`Blocking::next_deadline_ms`]) and CLIENT
//!   UNBLOCK ... TIMEOUT reply a null array (`*-1`, RESP3 `_`), as Redis 7.0 does for
//!   every list and sorted-set block; CLIENT UNBLOCK ... ERROR replies
//!   `-UNBLOCKED client unblocked via CLIENT UNBLOCK`.
//! - Per-client order: requests that arrive from a blocked client wait here,
//!   in order, and run once it is released (then they may block again).
//! - A blocked client that goes away leaves nothing behind (checked by
//!   [`Blocking::check_invariants`]); its waiting requests are dropped, as
//!   Redis drops a freed client's query buffer.
//!
//! # Bounds
//! The waiting requests of one client are bounded by
//! `client-query-buffer-limit` (bytes of arguments): past it the client is
//! closed, as Redis closes a client whose query buffer passes the limit.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use bytes::Bytes;

use super::Executor;
use crate::ctx::{BlockKind, BlockOn, Effects, UnblockHow};
use crate::db::Value;
use crate::ring::{Request, RequestKind};
use crate::ConnId;

/// Error reply of CLIENT UNBLOCK ... ERROR.
const UNBLOCKED_ERROR: &[u8] = b"UNBLOCKED client unblocked via CLIENT UNBLOCK";

/// One parked client.
#[derive(Debug)]
struct Parked {
    db: usize,
    keys: Vec<Vec<u8>>,
    kind: BlockKind,
    deadline_ms: Option<u64>,
    /// The command, copied out of the read buffer (see DESIGN: storage
    /// never pins a request buffer).
    args: Vec<Bytes>,
}

/// The registry of blocked clients and the requests held behind them.
#[derive(Debug, Default)]
pub struct Blocking {
    parked: BTreeMap<ConnId, Parked>,
    /// (db, key) -> parked clients, in the order they blocked.
    waiters: BTreeMap<(usize, Vec<u8>), VecDeque<ConnId>>,
    /// (deadline, client) of every parked client with a deadline.
    timeouts: BTreeSet<(u64, ConnId)>,
    /// Requests that arrived after a client blocked, in order, and their
    /// argument bytes.
    held: BTreeMap<ConnId, (VecDeque<Request>, usize)>,
    /// Clients released whose held requests are still to run.
    resumable: VecDeque<ConnId>,
    /// Keys that may have become ready, in order.
    ready: Vec<(usize, Vec<u8>)>,
    /// Effects of the command being executed (handed to its Ctx).
    pub(super) effects: Effects,
    /// Clients whose command CLIENT PAUSE postponed, in the order they were
    /// postponed; the command waits at the front of their `held` queue
    /// (see `client_ctl.rs`).
    pub(super) postponed: VecDeque<ConnId>,
    /// Set by the pause gate: the command being executed is postponed.
    pub(super) postpone_now: bool,
}

impl Blocking {
    pub fn is_empty(&self) -> bool {
        self.parked.is_empty()
    }

    pub fn is_parked(&self, conn: ConnId) -> bool {
        self.parked.contains_key(&conn)
    }

    pub fn blocked_count(&self) -> usize {
        self.parked.len()
    }

    /// Whether requests of `conn` must wait (it is blocked, or requests
    /// held behind an earlier block have not all run yet).
    pub fn holds(&self, conn: ConnId) -> bool {
        self.parked.contains_key(&conn) || self.held.contains_key(&conn)
    }

    /// Whether `conn` waits: blocked on keys, or postponed by CLIENT PAUSE.
    pub fn stops(&self, conn: ConnId) -> bool {
        self.parked.contains_key(&conn) || self.postponed.contains(&conn)
    }

    pub fn is_postponed(&self, conn: ConnId) -> bool {
        self.postponed.contains(&conn)
    }

    /// The earliest timeout, Unix ms.
    pub fn next_deadline_ms(&self) -> Option<u64> {
        self.timeouts.first().map(|&(at, _)| at)
    }

    fn park(&mut self, conn: ConnId, db: usize, on: BlockOn, args: &[Bytes]) {
        for key in &on.keys {
            let q = self.waiters.entry((db, key.clone())).or_default();
            // BLPOP k k waits once on k.
            if !q.contains(&conn) {
                q.push_back(conn);
            }
        }
        if let Some(at) = on.deadline_ms {
            self.timeouts.insert((at, conn));
        }
        let args = args.iter().map(|a| Bytes::copy_from_slice(a)).collect();
        let prev =
            self.parked.insert(conn, Parked { db, keys: on.keys, kind: on.kind, deadline_ms: on.deadline_ms, args });
        assert!(prev.is_none(), "a client blocked twice");
    }

    /// Forgets `conn`'s block (not its held requests).
    fn unpark(&mut self, conn: ConnId) -> Option<Parked> {
        let p = self.parked.remove(&conn)?;
        for key in &p.keys {
            let k = (p.db, key.clone());
            if let Some(q) = self.waiters.get_mut(&k) {
                q.retain(|&c| c != conn);
                if q.is_empty() {
                    self.waiters.remove(&k);
                }
            }
        }
        if let Some(at) = p.deadline_ms {
            self.timeouts.remove(&(at, conn));
        }
        Some(p)
    }

    /// Holds `req` behind `conn`'s block; false when the held bytes would
    /// pass `limit_bytes` (the caller closes the client).
    fn hold(&mut self, req: Request, limit_bytes: usize) -> bool {
        let (q, total) = self.held.entry(req.conn).or_default();
        *total += held_bytes(&req);
        q.push_back(req);
        *total <= limit_bytes
    }

    /// Postpones `req`, the command `conn` was about to run: it goes back
    /// in front of the requests held behind it.
    pub(super) fn postpone(&mut self, req: Request) {
        let conn = req.conn;
        let (q, total) = self.held.entry(conn).or_default();
        *total += held_bytes(&req);
        q.push_front(req);
        if !self.postponed.contains(&conn) {
            self.postponed.push_back(conn);
        }
    }

    /// Every postponed client may run again (the pause ended).
    pub(super) fn release_postponed(&mut self) {
        while let Some(conn) = self.postponed.pop_front() {
            self.resumable.push_back(conn);
        }
    }

    /// Drops everything about `conn` (it went away).
    fn forget(&mut self, conn: ConnId) {
        self.unpark(conn);
        self.held.remove(&conn);
        self.resumable.retain(|&c| c != conn);
        self.postponed.retain(|&c| c != conn);
    }

    /// Notes keys that a write command may have made ready.
    fn note_ready(&mut self, db: usize, key: &[u8]) {
        if self.waiters.contains_key(&(db, key.to_vec())) && !self.ready.iter().any(|(d, k)| *d == db && k == key) {
            self.ready.push((db, key.to_vec()));
        }
    }

    /// Checks the registry's invariants against the live clients.
    pub fn check_invariants(&self, is_client: impl Fn(ConnId) -> bool) {
        for (&conn, p) in &self.parked {
            assert!(is_client(conn), "a parked client is gone");
            for key in &p.keys {
                assert!(
                    self.waiters.get(&(p.db, key.clone())).is_some_and(|q| q.contains(&conn)),
                    "parked, not waiting"
                );
            }
            if let Some(at) = p.deadline_ms {
                assert!(self.timeouts.contains(&(at, conn)), "deadline not indexed");
            }
        }
        for ((db, key), q) in &self.waiters {
            assert!(!q.is_empty(), "an empty waiter queue is kept");
            for c in q {
                let p = self.parked.get(c).expect("a waiter that is not parked");
                assert!(p.db == *db && p.keys.contains(key), "waiting on a key it did not block on");
            }
        }
        for (_, c) in &self.timeouts {
            assert!(self.parked.contains_key(c), "a timeout for a client not parked");
        }
        for c in self.held.keys() {
            assert!(is_client(*c), "requests held for a client that is gone");
        }
        for c in &self.postponed {
            assert!(self.held.get(c).is_some_and(|(q, _)| !q.is_empty()), "postponed without its command");
        }
    }
}

/// What a held request counts against `client-query-buffer-limit`.
fn held_bytes(req: &Request) -> usize {
    match &req.kind {
        RequestKind::Command(args) => args.iter().map(|a| a.len() + 16).sum(),
        _ => 0,
    }
}

/// Whether `v` wakes a waiter of `kind`.
fn wakes(kind: BlockKind, v: &Value) -> bool {
    matches!((kind, v), (BlockKind::List, Value::List(_)) | (BlockKind::ZSet, Value::ZSet(_)))
}

impl Executor {
    /// After a handler ran for `conn`: parks the client if the handler
    /// blocked (then no reply was written). A rerun that blocks again keeps
    /// its place. Returns whether the client is (still) blocked.
    pub(super) fn settle(&mut self, conn: ConnId, slot: usize, args: &[Bytes], rerun: bool) -> bool {
        match self.blocking.effects.block.take() {
            None => false,
            Some(on) => {
                assert!(self.reply.is_empty(), "a handler blocked after replying");
                if !rerun {
                    let db = self.clients.at(slot).db;
                    self.clients.at_mut(slot).blocked = true;
                    self.blocking.park(conn, db, on, args);
                }
                true
            }
        }
    }

    /// After a command (its reply settled): notes the keys it may have made
    /// ready in database `db`, acts on CLIENT UNBLOCK, and serves ready keys.
    pub(super) fn after_command(&mut self, db: usize, args: &[Bytes]) {
        if !self.blocking.is_empty() {
            self.note_written_keys(db, args);
        }
        for (target, how) in std::mem::take(&mut self.blocking.effects.unblock) {
            self.release(target, Some(how));
        }
        self.serve_ready();
    }

    /// Redis `signalKeyAsReady` from the outside: the keys a write command
    /// may have filled (see the module doc).
    fn note_written_keys(&mut self, db: usize, args: &[Bytes]) {
        use crate::cmd::def::flag::{MOVABLEKEYS, WRITE};
        let Some(cmd) = self.srv.table.lookup(&args[0]) else { return };
        let def = cmd.def;
        // Only writes fill keys (EXEC, when it lands, runs writes inside).
        if def.flags & WRITE == 0 && def.name != "exec" {
            return;
        }
        let cross_db = matches!(def.name, "move" | "copy" | "swapdb");
        if def.flags & MOVABLEKEYS != 0 || def.first_key <= 0 || cross_db {
            let all: Vec<(usize, Vec<u8>)> = self.blocking.waiters.keys().cloned().collect();
            for (d, k) in all {
                self.blocking.note_ready(d, &k);
            }
            return;
        }
        let argc = args.len() as i32;
        let last = if def.last_key < 0 { argc + def.last_key } else { def.last_key.min(argc - 1) };
        let step = def.key_step.max(1);
        let mut i = def.first_key;
        while i <= last && i < argc {
            self.blocking.note_ready(db, &args[i as usize]);
            i += step;
        }
    }

    /// Serves the ready keys (Redis `handleClientsBlockedOnKeys`): each
    /// key's waiters in order, by re-running their commands, while the key
    /// holds a value of their kind.
    fn serve_ready(&mut self) {
        while !self.blocking.ready.is_empty() {
            let ready = std::mem::take(&mut self.blocking.ready);
            for (db, key) in ready {
                let Some(queue) = self.blocking.waiters.get(&(db, key.clone())) else { continue };
                let mut queue = queue.clone();
                if crate::planted::Plant::from_config(&self.srv.config)
                    .is(crate::planted::PlantedBug::BlockedServedNewestFirst)
                {
                    queue.make_contiguous().reverse();
                }
                for conn in queue {
                    let Some(p) = self.blocking.parked.get(&conn) else { continue };
                    let now = self.srv.now_ms;
                    let (kind, args) = (p.kind, p.args.clone());
                    match self.srv.dbs[db].lookup_notouch(&key, now) {
                        Some(v) if wakes(kind, v) => {}
                        // A type only other waiters want.
                        Some(_) => continue,
                        // The key ran dry.
                        None => break,
                    }
                    self.rerun(conn, &args);
                }
            }
        }
    }

    /// Runs a parked client's command again; releases it if it replied.
    fn rerun(&mut self, conn: ConnId, args: &[Bytes]) {
        let Some(slot) = self.clients.slot_of(&conn) else { return };
        self.blocking.effects.rerun = true;
        self.execute(conn, slot, args);
        self.blocking.effects.rerun = false;
        let db = self.clients.at(slot).db;
        if !self.settle(conn, slot, args, true) {
            let failed = self.reply.buf.first() == Some(&b'-');
            crate::observe::unblocked(&mut self.srv, self.clients.at(slot), args, failed);
            self.apply_reply_mode(slot);
            self.finish_reply(conn, slot);
            self.blocking.unpark(conn);
            self.clients.at_mut(slot).blocked = false;
            self.blocking.resumable.push_back(conn);
        }
        if !self.blocking.is_empty() {
            self.note_written_keys(db, args);
        }
    }

    /// Releases a parked client without data: `None` when its timeout
    /// passed, or as CLIENT UNBLOCK asked. False if it was not blocked.
    pub(super) fn release(&mut self, conn: ConnId, how: Option<UnblockHow>) -> bool {
        let Some(slot) = self.clients.slot_of(&conn) else { return false };
        let Some(parked) = self.blocking.unpark(conn) else {
            return false;
        };
        self.clients.at_mut(slot).blocked = false;
        // Outside the command that blocked: the reply is in the client's protocol.
        self.reply.set_protocol(self.clients.at(slot).resp);
        if how == Some(UnblockHow::Error) {
            self.reply.error_bytes(UNBLOCKED_ERROR);
            self.srv.stats.count_error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
        } else {
            self.reply.null_array();
        }
        let failed = how == Some(UnblockHow::Error);
        crate::observe::unblocked(&mut self.srv, self.clients.at(slot), &parked.args, failed);
        self.apply_reply_mode(slot);
        self.finish_reply(conn, slot);
        self.blocking.resumable.push_back(conn);
        true
    }

    /// Times out the clients whose deadline is `now_ms` or earlier.
    pub(super) fn handle_block_timeouts(&mut self, now_ms: u64) {
        while let Some(&(at, conn)) = self.blocking.timeouts.first() {
            if at > now_ms {
                break;
            }
            self.release(conn, None);
        }
    }

    /// Holds a request of a client that is blocked (or still has held
    /// requests); closes the client if its held bytes pass the limit.
    pub(super) fn hold(&mut self, req: Request) {
        let conn = req.conn;
        if !self.blocking.hold(req, self.srv.config.client_query_buffer_limit) {
            self.blocking.forget(conn);
            if self.clients.contains_key(&conn) {
                self.close_client(conn);
            }
        }
    }

    /// Forgets a client that went away.
    pub(super) fn forget_blocked(&mut self, conn: ConnId) {
        self.blocking.forget(conn);
    }

    /// Runs the held requests of released clients, in order, until each
    /// has none left or blocks again.
    pub(super) fn resume_released(&mut self) {
        while let Some(conn) = self.blocking.resumable.pop_front() {
            while !self.blocking.stops(conn) {
                let Some((q, total)) = self.blocking.held.get_mut(&conn) else { break };
                let Some(req) = q.pop_front() else {
                    self.blocking.held.remove(&conn);
                    break;
                };
                *total -= held_bytes(&req);
                if q.is_empty() {
                    self.blocking.held.remove(&conn);
                }
                self.run(req);
            }
        }
    }
}
