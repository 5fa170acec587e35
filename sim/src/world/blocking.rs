//! The world's side of blocked clients: the model mirrors the executor's
//! rules for them (`engine/src/exec/blocking.rs`, which follows Redis 7.0)
//! request by request, so that the replies a blocked client gets, and
//! when, are checked like any other:
//!
//! - a request of a session that is blocked, or still has requests held
//!   behind a block, is held (not executed, not counted);
//! - otherwise it runs; if it blocked, the session is parked with the
//!   command kept for re-running; then the keys a write named become ready
//!   (every waited key for a command whose keys cannot be listed), CLIENT
//!   UNBLOCK releases what it asked for, and ready keys are served: each
//!   key's waiters in the order they blocked, by running their command
//!   again, while the key holds a value of their kind;
//! - after each request (and each tick), released sessions run their held
//!   requests in order, until they block again;
//! - at a tick, sessions whose deadline has passed get `*-1`.
//!
//! Which keys a command names comes from the engine's command table (data
//! copied from Redis's COMMAND INFO, compared with Redis's by the
//! differential suite), as the executor reads it. A session is found by
//! its connection: a live client's, or a closed one's whose requests still
//! run (split mode's [`super::split::Gone`]).

use std::collections::{BTreeMap, VecDeque};

use ferrodis_engine::ConnId;

use super::{Pending, World};
use crate::check::{Expect, Item};
use crate::model::blocking::Unblock;
use crate::model::{Exec, Out, Session};
use crate::resp::Writer;
use crate::trace::ScanStep;

/// What the world keeps of blocked connections beside the model's registry.
#[derive(Default)]
pub(super) struct Waiting {
    /// The command each parked connection runs again when served.
    parked: BTreeMap<ConnId, Pending>,
    /// Requests that arrived after a block, in order.
    held: BTreeMap<ConnId, VecDeque<Pending>>,
    /// Released connections whose held requests are still to run.
    resumable: VecDeque<ConnId>,
}

impl Waiting {
    pub(super) fn holds(&self, conn: ConnId) -> bool {
        self.parked.contains_key(&conn) || self.held.contains_key(&conn)
    }
}

fn id_of(conn: ConnId) -> i64 {
    conn.0 as i64
}

impl World {
    /// One request the engine takes (`handle_request`): held, or run and
    /// followed by what it released.
    pub(super) fn process_request(&mut self, conn: ConnId, p: Pending) {
        if self.waiting.holds(conn) {
            self.waiting.held.entry(conn).or_default().push_back(p);
            return;
        }
        self.run_request(conn, p);
        self.resume_released();
    }

    /// Runs one command (the executor's `run`): the model executes it,
    /// parks the session if it blocked, then serves what became ready.
    fn run_request(&mut self, conn: ConnId, p: Pending) {
        let cmd = p.cmd.clone();
        self.run_session(conn, p, false);
        if self.session_closing(conn) {
            // QUIT: the executor closes the client, dropping its held requests.
            self.forget_blocked(conn);
        }
        self.after_command(conn, &cmd);
    }

    /// The model runs `p` in `conn`'s session. False when it blocked: a
    /// first block parks the session (keeping `p`), a re-run that blocks
    /// again keeps its place.
    fn run_session(&mut self, conn: ConnId, p: Pending, rerun: bool) -> bool {
        self.stats.commands += 1;
        self.commands_seen += 1;
        let keep = p.clone_for_rerun();
        let replies = if let Some(ci) = self.clients.iter().position(|c| c.conn == Some(conn)) {
            self.execute(ci, p)
        } else {
            self.execute_gone(conn, p)
        };
        // Split, each command's state gets its exact AOF offset.
        self.record_end();
        let Some(on) = self.model.block_request.take() else {
            for _ in 0..replies {
                self.count_exec_reply(conn);
            }
            return true;
        };
        if !rerun {
            self.stats.faults.blocks += 1;
            let db = self.session(conn).map_or(0, |s| s.db);
            self.model.blocks.park(id_of(conn), db, on);
            self.waiting.parked.insert(conn, keep);
        } else {
            self.pool.push(keep.cmd);
        }
        false
    }

    /// The session of a live or gone connection.
    fn session(&self, conn: ConnId) -> Option<&Session> {
        match self.clients.iter().find(|c| c.conn == Some(conn)) {
            Some(c) => Some(&c.sess),
            None => self.gone.get(&conn).map(|g| g.session()),
        }
    }

    fn session_closing(&self, conn: ConnId) -> bool {
        match self.clients.iter().find(|c| c.conn == Some(conn)) {
            Some(c) => c.closing,
            None => self.gone.get(&conn).is_none_or(|g| g.is_closing()),
        }
    }

    /// A gone connection's command: run in its old session, reply dropped.
    fn execute_gone(&mut self, conn: ConnId, p: Pending) -> usize {
        let observed = if crate::model::observes(&p.cmd) { self.observe_exec(conn) } else { None };
        let Some(g) = self.gone.get_mut(&conn) else {
            self.pool.push(p.cmd);
            return 0;
        };
        let mut discarded = Vec::new();
        let mut out = Out { w: Writer { buf: &mut discarded }, prop: None, time_sensitive: false, close: false };
        let mut cx = Exec { sess: g.session_mut(), now_ms: self.now_ms, scan: None, observed };
        self.model.apply(&p.cmd, &mut cx, &mut out);
        let (close, by_prop) = (out.close, out.prop.is_some());
        g.set_closing(close);
        // A reply checked by property writes no bytes: it is still one.
        let replies = if by_prop { 1 } else { crate::check::count_replies(&discarded) };
        self.pool.push(p.cmd);
        self.deliver_outbox();
        self.record_state();
        replies
    }

    /// The executor's `after_command`: ready keys, CLIENT UNBLOCK, serving.
    fn after_command(&mut self, conn: ConnId, cmd: &crate::cmd::Cmd) {
        if !self.model.blocks.is_empty() {
            let db = self.session(conn).map_or(0, |s| s.db);
            self.note_written_keys(db, cmd);
        }
        for (id, how) in std::mem::take(&mut self.model.blocks.unblock) {
            self.release(ConnId(id as u64), Some(how));
        }
        self.serve_ready();
    }

    /// The keys a write command names (the executor's note_written_keys).
    fn note_written_keys(&mut self, db: usize, cmd: &crate::cmd::Cmd) {
        use ferrodis_engine::cmd::def::flag::{MOVABLEKEYS, WRITE};
        let table = &self.machine.executor().srv.table;
        let Some(found) = table.lookup(cmd.arg(0)) else { return };
        let def = found.def;
        if def.flags & WRITE == 0 && def.name != "exec" {
            return;
        }
        let cross_db = matches!(def.name, "move" | "copy" | "swapdb");
        if def.flags & MOVABLEKEYS != 0 || def.first_key <= 0 || cross_db {
            return self.model.blocks.note_all_ready();
        }
        let argc = cmd.argc() as i32;
        let last = if def.last_key < 0 { argc + def.last_key } else { def.last_key.min(argc - 1) };
        let step = def.key_step.max(1);
        let mut i = def.first_key;
        while i <= last && i < argc {
            let key = cmd.arg(i as usize).to_vec();
            self.model.blocks.note_ready(db, &key);
            i += step;
        }
    }

    /// Serves ready keys: each key's waiters in order, while it holds a
    /// value of their kind.
    fn serve_ready(&mut self) {
        while !self.model.blocks.ready.is_empty() {
            let ready = std::mem::take(&mut self.model.blocks.ready);
            for (db, key) in ready {
                let Some(queue) = self.model.blocks.waiters.get(&(db, key.clone())).cloned() else { continue };
                for id in queue {
                    let Some(parked) = self.model.blocks.parked.get(&id) else { continue };
                    let kind = parked.on.kind;
                    match self.model.dbs[db].get(&key, self.now_ms) {
                        Some(e) if kind.wakes(&e.data) => {}
                        Some(_) => continue,
                        None => break,
                    }
                    self.rerun(ConnId(id as u64));
                }
            }
        }
    }

    /// Runs a parked session's command again; releases it if it replied.
    fn rerun(&mut self, conn: ConnId) {
        let p = self.waiting.parked.get(&conn).expect("a parked session keeps its command").clone_for_rerun();
        let cmd = p.cmd.clone();
        if self.run_session(conn, p, true) {
            self.stats.faults.blocks_served += 1;
            self.model.blocks.unpark(id_of(conn));
            let kept = self.waiting.parked.remove(&conn).expect("checked above");
            self.pool.push(kept.cmd);
            self.waiting.resumable.push_back(conn);
        }
        if !self.model.blocks.is_empty() {
            let db = self.session(conn).map_or(0, |s| s.db);
            self.note_written_keys(db, &cmd);
        }
    }

    /// Releases a parked session without data: its timeout passed (None),
    /// or CLIENT UNBLOCK asked.
    fn release(&mut self, conn: ConnId, how: Option<Unblock>) {
        if self.model.blocks.unpark(id_of(conn)).is_none() {
            return;
        }
        let p = self.waiting.parked.remove(&conn).expect("a parked session keeps its command");
        match how {
            None => self.stats.faults.blocks_timed_out += 1,
            Some(_) => self.stats.faults.blocks_unblocked += 1,
        }
        let reply: &[u8] = match how {
            Some(Unblock::Error) => b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n",
            _ => b"*-1\r\n",
        };
        match self.clients.iter().position(|c| c.conn == Some(conn)) {
            Some(ci) => {
                let (step, seq) = (self.step, self.model.seq);
                let c = &mut self.clients[ci];
                c.checker.exp.extend_from_slice(reply);
                let expect = Expect::Exact(reply.len());
                c.checker.items.push_back(Item {
                    expect,
                    cmd: p.cmd,
                    step,
                    time_sensitive: false,
                    scan: ScanStep::None,
                    seq,
                });
            }
            None => self.pool.push(p.cmd),
        }
        self.count_exec_reply(conn);
        self.waiting.resumable.push_back(conn);
    }

    /// Split mode: one more reply of `conn` in the executor's buffers.
    pub(super) fn count_exec_reply(&mut self, conn: ConnId) {
        if self.split.is_some() {
            *self.exec_replies.entry(conn).or_default() += 1;
        }
    }

    /// Runs the held requests of released sessions, in order, until each
    /// has none left or blocks again.
    fn resume_released(&mut self) {
        while let Some(conn) = self.waiting.resumable.pop_front() {
            while !self.model.blocks.is_parked(id_of(conn)) {
                let Some(q) = self.waiting.held.get_mut(&conn) else { break };
                let Some(p) = q.pop_front() else {
                    self.waiting.held.remove(&conn);
                    break;
                };
                if q.is_empty() {
                    self.waiting.held.remove(&conn);
                }
                self.run_request(conn, p);
            }
        }
    }

    /// The executor's tick: sessions whose deadline passed time out, then
    /// released sessions run their held requests.
    pub(super) fn block_timeouts(&mut self, now_ms: i64) {
        while let Some(&(at, id)) = self.model.blocks.timeouts.first() {
            if at > now_ms {
                break;
            }
            self.release(ConnId(id as u64), None);
        }
        self.resume_released();
    }

    /// `conn` is gone from the executor (closed, or QUIT ran): its block
    /// and held requests go.
    pub(super) fn forget_blocked(&mut self, conn: ConnId) {
        if self.model.blocks.unpark(id_of(conn)).is_some() {
            self.stats.faults.blocks_closed += 1;
        }
        if let Some(p) = self.waiting.parked.remove(&conn) {
            self.pool.push(p.cmd);
        }
        if let Some(q) = self.waiting.held.remove(&conn) {
            self.pool.extend(q.into_iter().map(|p| p.cmd));
        }
        self.waiting.resumable.retain(|&c| c != conn);
    }

    /// A crash: every parked command and held request is gone.
    pub(super) fn reset_waiting(&mut self) {
        let w = std::mem::take(&mut self.waiting);
        self.pool.extend(w.parked.into_values().map(|p| p.cmd));
        self.pool.extend(w.held.into_values().flatten().map(|p| p.cmd));
    }

    /// The engine's blocked clients are exactly the model's parked sessions.
    pub(super) fn check_blocked(&self) -> Result<(), super::Failure> {
        let engine = self.machine.executor().blocked_clients();
        let model = self.model.blocks.parked.len();
        if engine != model {
            return self.fail(format!("the engine has {engine} blocked clients, the model {model}"));
        }
        Ok(())
    }
}
