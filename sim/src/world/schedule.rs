//! The scheduler: which event comes next, drawn from the seed (client
//! actions, clock moves, extra ticks, and in split mode the executor and
//! side steps of `split.rs`).

use rand::Rng;

use super::{ScanSession, ScanState, World};
use crate::fault::clock::ClockMove;
use crate::trace::{Event, ScanStep};
use crate::workload::{self, Gen};

impl World {
    /// The scheduler: the next event the seed chooses, or None once `ops`
    /// commands have been sent (the caller then drains).
    pub fn next_event(&mut self, ops: u64) -> Option<Event> {
        for _ in 0..1000 {
            if let Some(ev) = self.try_next_event(ops) {
                return Some(ev);
            }
            if self.sent >= ops {
                return None;
            }
        }
        // Every client is waiting on something only time can bring.
        Some(Event::Clock { delta_ms: 1 })
    }

    fn try_next_event(&mut self, ops: u64) -> Option<Event> {
        if let Some(ev) = self.next_split_event() {
            return Some(ev);
        }
        if let Some(mv) = self.opts.clock.next(&mut self.rng) {
            return Some(Event::Clock {
                delta_ms: match mv {
                    ClockMove::Step(d) => d,
                    ClockMove::JumpForward(d) => {
                        self.stats.faults.clock_jumps_forward += 1;
                        d
                    }
                    ClockMove::JumpBack(d) => {
                        self.stats.faults.clock_jumps_backward += 1;
                        -d
                    }
                },
            });
        }
        if self.opts.clock.extra_tick(&mut self.rng) {
            self.stats.faults.extra_ticks += 1;
            return Some(Event::Tick);
        }
        let ci = self.rng.gen_range(0..self.clients.len());
        let client = ci as u8;
        let c = &self.clients[ci];
        let Some(conn) = c.conn else {
            return (self.sent < ops).then_some(Event::Open { client });
        };
        if self.sent < ops && self.opts.net.disconnect_now(&mut self.rng) {
            return Some(Event::Close { client });
        }
        let scan_ready = matches!(c.scan, Some(ScanSession { state: ScanState::Ready(_), .. }));
        let scan_waiting = matches!(c.scan, Some(ScanSession { state: ScanState::Waiting, .. }));
        let can_send = self.sent < ops && !c.quit_sent && c.in_flight() < self.opts.pipeline_max && !scan_waiting;
        let undelivered = c.undelivered();
        let unread = self.machine.pending_output(conn).len();
        let w_send = if can_send { 3 } else { 0 };
        // A split side that stopped reading (full ring) is not read from,
        // as an I/O thread would not read it.
        let reading = self.split.is_none() || self.machine.wants_read(conn);
        let w_deliver = if undelivered > 0 && reading { 3 } else { 0 };
        let w_read = if unread > 0 { self.opts.net.read_weight } else { 0 };
        let total = w_send + w_deliver + w_read;
        if total == 0 {
            return None;
        }
        let x = self.rng.gen_range(0..total);
        if x < w_send {
            self.sent += 1;
            return Some(self.make_send(ci, scan_ready));
        }
        if x < w_send + w_deliver {
            let len = self.opts.net.send_len(&mut self.rng, undelivered);
            return Some(Event::Deliver { client, len });
        }
        let len = self.opts.net.read_len(&mut self.rng, unread);
        Some(Event::Read { client, len })
    }

    fn make_send(&mut self, ci: usize, scan_ready: bool) -> Event {
        let client = ci as u8;
        let mut cmd = self.pool.pop().unwrap_or_default();
        cmd.clear();
        if scan_ready {
            // The continuation: the world fills in the cursor when applying;
            // keep the options of the session's first call.
            cmd.push(b"SCAN");
            cmd.push(b"?");
            return Event::Send { client, cmd, scan: ScanStep::Continue, inline: false };
        }
        if self.aof.as_mut().is_some_and(|a| a.bgrewrite_now()) {
            cmd.push(b"BGREWRITEAOF");
            return Event::Send { client, cmd, scan: ScanStep::None, inline: false };
        }
        if self.tx_next(ci, &mut cmd) {
            return Event::Send { client, cmd, scan: ScanStep::None, inline: false };
        }
        let mut g = Gen {
            rng: &mut self.rng,
            keyspace: self.opts.keyspace,
            dbs_used: self.opts.dbs_used,
            now_ms: self.now_ms,
            bad_pct: self.opts.bad_pct,
            short_expiry_pct: self.opts.short_expiry_pct,
        };
        let mut scan = ScanStep::None;
        if self.blocking_pct > 0 && self.blocking_rng.gen_range(0..100) < self.blocking_pct {
            let t = self.blocking_mix.draw(&mut self.blocking_rng);
            let mut g = Gen { rng: &mut self.blocking_rng, ..g };
            (t.gen)(&mut g, &mut cmd);
        } else if self.opts.extra_pct > 0 && self.extra_rng.gen_range(0..100) < self.opts.extra_pct {
            let t = self.extra_mix.draw(&mut self.extra_rng);
            let mut g = Gen { rng: &mut self.extra_rng, ..g };
            (t.gen)(&mut g, &mut cmd);
        } else if g.rng.gen_range(0..100) < self.mix.malformed_pct {
            workload::malformed(&mut g, &self.mix, &mut cmd);
        } else {
            let t = self.mix.draw(g.rng);
            (t.gen)(&mut g, &mut cmd);
            // SCAN and HSCAN (cursor 0 first) start a session the world continues.
            if t.name == "scan" || t.name == "hscan" {
                scan = ScanStep::Start;
            }
        }
        let inline = self.opts.inline_pct > 0 && self.rng.gen_range(0..100) < self.opts.inline_pct;
        Event::Send { client, cmd, scan, inline }
    }
}
