//! A client's connection in the world: sending a command (and continuing
//! a SCAN session), delivering bytes to the engine and executing what
//! arrived whole in the model, and closing the connection (by the client,
//! or all of them at a crash).

use std::collections::BTreeSet;

use super::{Failure, Pending, ScanSession, ScanState, World};
use crate::check::{Expect, Item};
use crate::cmd::Cmd;
use crate::model::{Exec, Out, ScanCtx, Session};
use crate::resp::Writer;
use crate::trace::ScanStep;

impl World {
    pub(super) fn send(&mut self, ci: usize, mut cmd: Cmd, scan: ScanStep, inline: bool) {
        let c = &mut self.clients[ci];
        if c.conn.is_none() || c.quit_sent {
            self.pool.push(cmd);
            return;
        }
        let mut scan = scan;
        match scan {
            ScanStep::None => {}
            // A shrunk trace may start a session while another is in
            // flight (the scheduler never does): the call is then a plain
            // SCAN, checked for its keys only.
            ScanStep::Start if c.scan.is_some() => scan = ScanStep::None,
            ScanStep::Start => {
                c.scan = Some(ScanSession {
                    first: cmd.clone(),
                    ctx: ScanCtx { start_seq: 0, start_epoch: 0 },
                    state: ScanState::Waiting,
                    seen: BTreeSet::new(),
                    calls: 0,
                })
            }
            ScanStep::Continue => {
                let Some(ScanSession { state: ScanState::Ready(cursor), first, .. }) = &c.scan else {
                    self.pool.push(cmd);
                    return;
                };
                let mut next = Cmd::new();
                // `SCAN cursor ...` or `HSCAN key cursor ...`: the cursor
                // follows the key in a collection's scan.
                let cursor_at = if first.arg(0).eq_ignore_ascii_case(b"scan") { 1 } else { 2 };
                for i in 0..cursor_at {
                    next.push(first.arg(i));
                }
                next.push_int(*cursor as i64);
                for i in cursor_at + 1..first.argc() {
                    next.push(first.arg(i));
                }
                cmd = next;
                c.scan.as_mut().expect("checked").state = ScanState::Waiting;
            }
        }
        if cmd.argc() > 0 && cmd.arg(0).eq_ignore_ascii_case(b"quit") {
            c.quit_sent = true;
        }
        let start = c.sendbuf.len();
        if inline && self.inline_ok && cmd.inline_safe() {
            cmd.encode_inline(&mut c.sendbuf);
        } else {
            cmd.encode_resp(&mut c.sendbuf);
        }
        self.hash.bytes(&c.sendbuf[start..]);
        c.pending.push_back(Pending { end: c.sendbuf.len(), cmd, scan });
    }

    pub(super) fn deliver(&mut self, ci: usize, len: usize) -> Result<(), Failure> {
        let now = self.now_ms;
        let c = &mut self.clients[ci];
        let Some(conn) = c.conn else {
            return Ok(());
        };
        let n = len.min(c.undelivered());
        if n == 0 {
            return Ok(());
        }
        if n < c.undelivered() || c.pending.front().is_some_and(|p| p.end > c.delivered + n) {
            self.stats.faults.split_sends += (n < c.undelivered()) as u64;
        }
        let fed = self.machine.feed(conn, &c.sendbuf[c.delivered..c.delivered + n], now as u64);
        // The bytes were hashed when sent: the split is what is new.
        self.hash.u64(2);
        self.hash.u64(n as u64);
        c.delivered += n;
        let split = self.split.is_some();
        loop {
            let c = &mut self.clients[ci];
            if c.pending.front().is_none_or(|p| p.end > c.delivered) {
                break;
            }
            let p = c.pending.pop_front().expect("front exists");
            if c.closing || !fed {
                // The engine drops what follows QUIT.
                self.pool.push(p.cmd);
                continue;
            }
            if split {
                // It executes when the executor takes it from the ring.
                c.parsed.push_back(p);
                continue;
            }
            if self.aof.is_some() {
                // It executes when the engine's count says so.
                self.unexec.push_back((ci, p));
                continue;
            }
            self.process_request(conn, p);
        }
        let c = &mut self.clients[ci];
        if c.pending.is_empty() && c.delivered == c.sendbuf.len() {
            c.sendbuf.clear();
            c.delivered = 0;
        }
        if split {
            return Ok(());
        }
        if self.aof.is_some() {
            return self.catch_up();
        }
        self.check_executed_count(ci)
    }

    /// The model executes `p`, the next command of client `ci`'s
    /// connection, now, and queues the reply it must produce.
    /// Returns how many replies it produced (0 if it blocked; UNSUBSCRIBE
    /// of two channels produces two).
    pub(super) fn execute(&mut self, ci: usize, p: Pending) -> usize {
        let now = self.now_ms;
        let c = &mut self.clients[ci];
        let scan_ctx = match (p.scan, c.scan.as_mut()) {
            (ScanStep::Start, Some(s)) => {
                s.ctx = ScanCtx { start_seq: self.model.seq + 1, start_epoch: self.model.dbs[c.sess.db].epoch };
                Some(s.ctx)
            }
            (ScanStep::Continue, Some(s)) => Some(s.ctx),
            _ => None,
        };
        let observed = if crate::model::observes(&p.cmd) { self.observe(ci) } else { None };
        let c = &mut self.clients[ci];
        let mark = c.checker.exp.len();
        let mut out = Out { w: Writer { buf: &mut c.checker.exp }, prop: None, time_sensitive: false, close: false };
        let mut cx = Exec { sess: &mut c.sess, now_ms: now, scan: scan_ctx, observed };
        self.model.apply(&p.cmd, &mut cx, &mut out);
        if self.model.block_request.is_some() {
            // Blocked: its reply comes when it is served or released
            // (`blocking.rs` keeps the command).
            c.checker.exp.truncate(mark);
            self.pool.push(p.cmd);
            self.record_state();
            return 0;
        }
        let (prop, time_sensitive, close) = (out.prop.take(), out.time_sensitive, out.close);
        let (expect, replies) = match prop {
            Some(prop) => {
                c.checker.exp.truncate(mark);
                (Expect::Prop(Box::new(prop)), 1)
            }
            None => (Expect::Exact(c.checker.exp.len() - mark), crate::check::count_replies(&c.checker.exp[mark..])),
        };
        let seq = self.model.seq;
        c.checker.items.push_back(Item { expect, cmd: p.cmd, step: self.step, time_sensitive, scan: p.scan, seq });
        c.closing |= close;
        self.deliver_outbox();
        self.record_state();
        replies
    }

    /// AOF runs: the model executes, in queue order, the delivered
    /// commands the engine has executed since the last call.
    pub(super) fn catch_up(&mut self) -> Result<(), Failure> {
        let engine_count = self.machine.executor().srv.stats.total_commands_processed;
        let mut executed = 0;
        while self.commands_seen < engine_count {
            let Some((ci, p)) = self.unexec.pop_front() else {
                return self.fail(format!(
                    "the engine has executed {engine_count} commands, more than the {} delivered",
                    self.commands_seen
                ));
            };
            if self.clients[ci].closing {
                // The engine drops what follows QUIT.
                self.pool.push(p.cmd);
                continue;
            }
            let _ = self.execute(ci, p);
            self.commands_seen += 1;
            executed += 1;
        }
        // What follows a QUIT that ran is never executed.
        while self.unexec.front().is_some_and(|(ci, _)| self.clients[*ci].closing) {
            let (_, p) = self.unexec.pop_front().expect("front exists");
            self.pool.push(p.cmd);
        }
        self.stats.commands += executed;
        if executed > 0 {
            self.record_end();
        }
        Ok(())
    }

    /// A crash: the client's connection is gone with everything in flight.
    pub(super) fn forget_client(&mut self, ci: usize) {
        let c = &mut self.clients[ci];
        c.conn = None;
        self.pool.extend(c.parsed.drain(..).map(|p| p.cmd));
        self.reset_client(ci);
        self.pool.extend(self.unexec.drain(..).map(|(_, p)| p.cmd));
    }

    pub(super) fn close(&mut self, ci: usize) {
        let now = self.now_ms as u64;
        let c = &mut self.clients[ci];
        let Some(conn) = c.conn.take() else {
            return;
        };
        if !c.closing {
            self.stats.faults.disconnects += 1;
            if c.pending.front().is_some_and(|p| p.end - p.cmd.argc().min(1) > c.delivered && c.delivered > 0) {
                self.stats.faults.mid_command_disconnects += 1;
            }
        }
        self.machine.peer_closed(conn, now);
        self.hash.u64(4);
        if self.split.is_some() {
            self.keep_gone(conn, ci);
        } else {
            // One thread: the engine has executed the close already (its
            // block, held requests and subscriptions are gone).
            self.forget_blocked(conn);
            self.model.pubsub.forget(conn.0 as i64);
        }
        self.reset_client(ci);
    }

    /// What a closed connection leaves of client `ci`: nothing in flight,
    /// nothing awaited, a fresh session (its watches go with it: ids
    /// restart after a crash).
    fn reset_client(&mut self, ci: usize) {
        let c = &mut self.clients[ci];
        self.pool.extend(c.pending.drain(..).map(|p| p.cmd));
        c.checker.reset(&mut self.pool);
        c.sendbuf.clear();
        c.delivered = 0;
        self.model.unwatch_session(c.sess.id);
        c.sess = Session::default();
        c.quit_sent = false;
        c.closing = false;
        c.scan = None;
        c.tx = None;
    }
}
