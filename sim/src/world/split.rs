//! The world's side of split mode (see [`crate::machine`]): scheduling the
//! executor and the connection sides as separate actors, and executing a
//! command in the model exactly when the executor takes its request.
//!
//! A client that disconnects may still have commands in the ring (or in its
//! side's buffer, complete): the engine executes them and drops their
//! replies, so the model must execute them too, in the old connection's
//! session. [`Gone`] keeps that session until they have run.

use std::collections::VecDeque;

use rand::Rng;

use ferrodis_engine::ConnId;

use super::{Failure, Pending, World};
use crate::machine::{Machine, ReqKind};
use crate::model::Session;
use crate::trace::Event;

/// A closed connection with commands still to execute.
pub(super) struct Gone {
    sess: Session,
    parsed: VecDeque<Pending>,
    /// QUIT executed: the executor forgot the client and drops the rest.
    closing: bool,
}

impl Gone {
    /// The commands it still held (a crash drops them).
    pub(super) fn into_cmds(self) -> impl Iterator<Item = crate::cmd::Cmd> {
        self.parsed.into_iter().map(|p| p.cmd)
    }

    pub(super) fn session(&self) -> &Session {
        &self.sess
    }

    pub(super) fn session_mut(&mut self) -> &mut Session {
        &mut self.sess
    }

    pub(super) fn is_closing(&self) -> bool {
        self.closing
    }

    /// QUIT ran: the executor forgets the client and drops the rest.
    pub(super) fn set_closing(&mut self, close: bool) {
        self.closing |= close;
    }
}

impl World {
    /// The scheduler's split-mode draw: an executor or side step, or None
    /// to let a client act. Draws nothing in one-thread mode.
    pub(super) fn next_split_event(&mut self) -> Option<Event> {
        let o = self.split.as_ref()?;
        let x = self.split_rng.gen_range(0..100);
        if x < o.exec_pct {
            return Some(Event::Exec { n: self.split_rng.gen_range(1..=o.batch_max) });
        }
        if x < o.exec_pct + o.side_pct {
            let side = self.split_rng.gen_range(0..o.sides) as u8;
            return Some(Event::SideStep { side, n: self.split_rng.gen_range(1..=o.batch_max) });
        }
        None
    }

    /// The executor takes up to `n` requests, then hands its output to the
    /// sides' queues.
    pub(super) fn exec_step(&mut self, n: usize) -> Result<(), Failure> {
        if !matches!(self.machine, Machine::Split(_)) {
            return Ok(());
        }
        self.stats.faults.exec_steps += 1;
        self.hash.u64(8);
        let now = self.now_ms as u64;
        let mut done = 0;
        while done < n {
            let Machine::Split(sp) = &mut self.machine else { unreachable!("checked above") };
            let Some((conn, kind)) = sp.exec_next(now) else {
                break;
            };
            done += 1;
            match kind {
                ReqKind::Command => self.executed_command(conn)?,
                ReqKind::Close => self.executed_close(conn)?,
                ReqKind::Other => {}
            }
        }
        if let Machine::Split(sp) = &mut self.machine {
            sp.flush();
        }
        self.recount_exec_replies();
        self.hash.u64(done as u64);
        Ok(())
    }

    /// Side `side` retries its refused pushes and takes up to `n` messages.
    pub(super) fn side_step(&mut self, side: usize, n: usize) {
        let Machine::Split(sp) = &mut self.machine else {
            return;
        };
        self.stats.faults.side_steps += 1;
        let side = side % sp.sides.len();
        let taken = sp.side_step(side, n);
        self.hash.u64(9);
        self.hash.u64(side as u64);
        self.hash.u64(taken as u64);
    }

    /// The executor ran a command of `conn`: the model runs the same one
    /// (or holds it, as the executor does behind a block).
    fn executed_command(&mut self, conn: ConnId) -> Result<(), Failure> {
        if let Some(ci) = self.clients.iter().position(|c| c.conn == Some(conn)) {
            let c = &mut self.clients[ci];
            let Some(p) = c.parsed.pop_front() else {
                return self.fail(format!("c{ci}: the executor ran a command the client never sent whole"));
            };
            if c.closing {
                // After QUIT the executor drops what the client sent.
                self.pool.push(p.cmd);
                return Ok(());
            }
            self.process_request(conn, p);
            return self.check_executed_count(ci);
        }
        let Some(g) = self.gone.get_mut(&conn) else {
            // A connection the executor forgot (QUIT) and the world too.
            return Ok(());
        };
        let Some(p) = g.parsed.pop_front() else {
            return self.fail(format!("{conn:?}: the executor ran a command of a closed connection it never got"));
        };
        if g.closing {
            self.pool.push(p.cmd);
        } else {
            self.process_request(conn, p);
        }
        if self.gone.get(&conn).is_some_and(|g| g.parsed.is_empty() && g.closing) {
            self.gone.remove(&conn);
        }
        self.check_executed_count(0)
    }

    /// The executor ran `conn`'s `Close`: every command delivered whole
    /// before the disconnect must have run by now.
    fn executed_close(&mut self, conn: ConnId) -> Result<(), Failure> {
        self.forget_blocked(conn);
        // The executor unwatches a client it closes.
        self.model.unwatch_session(conn.0 as i64);
        if let Some(g) = self.gone.remove(&conn) {
            if !g.closing && !g.parsed.is_empty() {
                let first = g.parsed.front().map(|p| p.cmd.render()).unwrap_or_default();
                return self.fail(format!("{conn:?}: closed before `{first}`, sent whole before the disconnect, ran"));
            }
            self.pool.extend(g.parsed.into_iter().map(|p| p.cmd));
        }
        Ok(())
    }

    /// Client `ci` closes `conn`: what it sent whole still runs (in its old
    /// session) unless QUIT already ran.
    pub(super) fn keep_gone(&mut self, conn: ConnId, ci: usize) {
        let blocked = self.waiting.holds(conn);
        let c = &mut self.clients[ci];
        let parsed = std::mem::take(&mut c.parsed);
        // A blocked session stays until the executor runs the close: a
        // write may still serve it (its reply goes nowhere).
        if c.closing || (parsed.is_empty() && !blocked) {
            self.pool.extend(parsed.into_iter().map(|p| p.cmd));
            return;
        }
        let sess = std::mem::take(&mut c.sess);
        self.gone.insert(conn, Gone { sess, parsed, closing: false });
    }

    /// Runs the executor and every side until nothing is in flight between
    /// them (the end of a run).
    pub(super) fn settle_split(&mut self) -> Result<(), Failure> {
        for _ in 0..10_000 {
            let sides = match &self.machine {
                Machine::Split(sp) if !sp.quiet() => sp.sides.len(),
                _ => return Ok(()),
            };
            self.apply(Event::Exec { n: u16::MAX })?;
            for side in 0..sides {
                self.apply(Event::SideStep { side: side as u8, n: u16::MAX })?;
            }
        }
        self.fail("the split halves did not settle in 10,000 rounds".into())
    }
}
