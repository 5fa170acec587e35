//! The client side of the world: reading what the engine answered,
//! checking each whole reply against what the model expected (SCAN
//! sessions included), and the cross-checks of what executed.

use ferrodis_engine::ConnId;

use super::{Failure, ScanState, World, SCAN_CALLS_MAX};
use crate::check::{scan_reply, Expect};
use crate::model::Prop;
use crate::trace::ScanStep;

impl World {
    /// The engine's reply to the command of client `ci` that has just
    /// executed and that the model is about to execute ([`Exec::observed`]).
    /// One thread: every reply of the delivery is already in the
    /// connection's output, after the replies still awaited by the checker
    /// (the unread part of its inbox, then the engine's unread output), so
    /// it is the reply after those. Split: it is the last whole reply in the
    /// executor's output for the connection ([`World::observe_exec`]).
    pub(super) fn observe(&self, ci: usize) -> Option<crate::resp::Val> {
        let c = &self.clients[ci];
        let conn = c.conn?;
        if self.split.is_some() {
            return self.observe_exec(conn);
        }
        let mut stream = c.checker.unread_inbox().to_vec();
        stream.extend_from_slice(self.machine.pending_output(conn));
        if self.aof.is_some() {
            stream.extend_from_slice(self.held_output(conn));
        }
        let mut rest = &stream[..];
        for _ in 0..c.checker.awaited_replies() {
            match crate::resp::parse(rest) {
                crate::resp::Parsed::Done(_, used) => rest = &rest[used..],
                _ => return None,
            }
        }
        match crate::resp::parse(rest) {
            crate::resp::Parsed::Done(v, _) => Some(v),
            _ => None,
        }
    }

    /// Split mode: the reply of the request the executor has just run for
    /// `conn`, in the executor's output for it (`out`, then the replies the
    /// durability gate holds). It follows the connection's replies the
    /// model counts as still there ([`World::exec_replies`]); replies after
    /// it come from requests run in the same cascade (a client released
    /// from a block runs its held requests).
    pub(super) fn observe_exec(&self, conn: ConnId) -> Option<crate::resp::Val> {
        let exec = self.machine.executor();
        let client = exec.clients.at(exec.clients.slot_of(&conn)?);
        let skip = self.exec_replies.get(&conn).copied().unwrap_or(0);
        // Both buffers hold whole replies: `out` first, then `held`.
        let in_out = crate::check::count_replies(&client.out);
        let (buf, skip) = if skip < in_out { (&client.out, skip) } else { (&client.held, skip - in_out) };
        let mut rest = &buf[..];
        for _ in 0..skip {
            match crate::resp::parse(rest) {
                crate::resp::Parsed::Done(_, used) => rest = &rest[used..],
                _ => return None,
            }
        }
        match crate::resp::parse(rest) {
            crate::resp::Parsed::Done(v, _) => Some(v),
            _ => None,
        }
    }

    /// Split mode: after the executor handed output to the ring, counts
    /// the replies still in its buffers for the connections it holds some.
    pub(super) fn recount_exec_replies(&mut self) {
        if self.exec_replies.is_empty() {
            return;
        }
        let exec = self.machine.executor();
        self.exec_replies.retain(|conn, n| {
            let Some(slot) = exec.clients.slot_of(conn) else { return false };
            let c = exec.clients.at(slot);
            *n = crate::check::count_replies(&c.out) + crate::check::count_replies(&c.held);
            *n > 0
        });
    }

    /// The engine's command counter must equal the model's.
    pub(super) fn check_executed_count(&self, ci: usize) -> Result<(), Failure> {
        let engine_count = self.machine.executor().srv.stats.total_commands_processed;
        if engine_count != self.commands_seen {
            return self.fail(format!(
                "c{ci}: the engine has executed {engine_count} commands, the simulator expected {} \
                 (an input did not run to quiescence, or a command was lost or duplicated)",
                self.commands_seen
            ));
        }
        Ok(())
    }

    pub(super) fn read(&mut self, ci: usize, len: usize) -> Result<(), Failure> {
        let now = self.now_ms as u64;
        let Some(conn) = self.clients[ci].conn else {
            return Ok(());
        };
        let out = self.machine.pending_output(conn);
        let n = len.min(out.len());
        if n > 0 {
            if n < out.len() {
                self.stats.faults.split_reads += 1;
            }
            self.hash.u64(3);
            self.hash.bytes(&out[..n]);
            self.clients[ci].checker.feed(&out[..n]);
            self.machine.consume_output(conn, n, now);
            self.check_replies(ci)?;
        }
        Ok(())
    }

    /// Checks every reply that has arrived whole.
    pub(super) fn check_replies(&mut self, ci: usize) -> Result<(), Failure> {
        loop {
            let c = &mut self.clients[ci];
            let checked = match c.checker.next_reply() {
                Ok(Some(ch)) => ch,
                Ok(None) => return Ok(()),
                Err(first) => {
                    // Show the whole actual reply: take everything the
                    // engine has for this client, then describe again.
                    let mut e = first;
                    if let Some(conn) = c.conn {
                        c.checker.feed(self.machine.pending_output(conn));
                        if let Err(full) = c.checker.next_reply() {
                            e = full;
                        }
                    }
                    let what = match c.checker.items.front() {
                        Some(item) => format!(
                            "c{ci}: wrong reply to `{}` (executed at step {})\n  {e}",
                            item.cmd.render(),
                            item.step
                        ),
                        None => format!("c{ci}: {e}"),
                    };
                    return self.fail(what);
                }
            };
            if checked.item.scan != ScanStep::None {
                let prop = match &checked.item.expect {
                    Expect::Prop(p) => Some(&**p),
                    Expect::Exact(_) => None,
                };
                // HSCAN's items are field, value pairs: only fields count as seen.
                let (must, pairs) = match prop {
                    Some(Prop::Scan { must, .. }) => (Some(must), false),
                    Some(Prop::PairScan { must, .. }) => (Some(must), true),
                    _ => (None, false),
                };
                if let (Some(s), Some(v), Some(must)) = (c.scan.as_mut(), checked.val.as_ref(), must) {
                    let (cursor, keys) = scan_reply(v).expect("checked by check_prop");
                    s.seen.extend(keys.iter().step_by(1 + pairs as usize).map(|k| crate::model::key_hash(k)));
                    s.calls += 1;
                    if cursor == 0 {
                        if let Some(h) = must.iter().find(|h| !s.seen.contains(*h)) {
                            let name = self.model.dbs[c.sess.db]
                                .map
                                .keys()
                                .find(|k| crate::model::key_hash(k) == *h)
                                .map_or(format!("the key with hash {h:#x}"), |k| crate::cmd::render_bytes(k));
                            let msg =
                                format!("c{ci}: SCAN finished without returning {name}, present for the whole scan");
                            return self.fail(msg);
                        }
                        c.scan = None;
                    } else if s.calls > SCAN_CALLS_MAX {
                        return self.fail(format!("c{ci}: SCAN did not finish after {SCAN_CALLS_MAX} calls"));
                    } else {
                        s.state = ScanState::Ready(cursor);
                    }
                } else if matches!(checked.val, Some(crate::resp::Val::Error(_))) || checked.val.is_none() {
                    // An invalid first call (bad cursor, bad option): no session.
                    c.scan = None;
                }
            }
            self.record_released(checked.item.seq);
            self.pool.push(checked.item.cmd);
        }
    }
}
