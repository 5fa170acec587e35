//! The engine under test, in either composition a seed chooses:
//!
//! - [`Machine::One`]: [`Engine`], the one-thread composition
//!   (`--io-threads 1`): every input runs to quiescence, so commands
//!   execute while their bytes are delivered.
//! - [`Machine::Split`]: the halves apart, as `--io-threads N` runs them:
//!   `sides` [`ConnSide`]s and one [`Executor`] joined by a [`Ring`] whose
//!   queues may hold a single item each way. Delivering bytes only parses
//!   and pushes; the world steps the executor ([`Split::exec_one`],
//!   [`Split::flush`]) and each side ([`Split::side_step`]) as separate
//!   actors, in an order the seed draws, so every interleaving I/O threads
//!   can produce is reachable.
//!
//! Both expose the same connection-facing calls to the world.

use std::sync::Arc;

use ferrodis_engine::aof::{StorageEvent, StorageOp};
use ferrodis_engine::conn_side::ConnSide;
use ferrodis_engine::exec::{Executor, RingSink};
use ferrodis_engine::ring::{ClientInfo, RequestKind, Ring};
use ferrodis_engine::{Config, ConnId, Engine};

pub struct Split {
    pub sides: Vec<ConnSide>,
    pub exec: Executor,
    pub ring: Arc<Ring>,
    /// `side_of[conn]`: which side owns each connection ever opened (ids
    /// count up from 1).
    side_of: Vec<u8>,
}

/// What an executed request was, as far as the model cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReqKind {
    Command,
    Close,
    Other,
}

pub enum Machine {
    /// Boxed (both): the compositions are large and of different sizes.
    One(Box<Engine>),
    Split(Box<Split>),
}

impl Machine {
    /// The one-thread engine.
    pub fn one(config: Config, now_ms: u64) -> Machine {
        Machine::One(Box::new(Engine::new(config, now_ms)))
    }

    /// The split halves: `sides` connection sides, a ring with
    /// `config.ring_capacity` requests and `msg_capacity` messages per side.
    pub fn split(config: Config, sides: usize, msg_capacity: usize, now_ms: u64) -> Machine {
        let ring = Arc::new(Ring::new(sides, config.ring_capacity, msg_capacity));
        let sides_v = (0..sides).map(|i| ConnSide::new(i, Arc::clone(&ring), &config)).collect();
        let exec = Executor::new(config, sides, now_ms);
        Machine::Split(Box::new(Split { sides: sides_v, exec, ring, side_of: vec![0] }))
    }

    pub fn executor(&self) -> &Executor {
        match self {
            Machine::One(e) => e.executor(),
            Machine::Split(s) => &s.exec,
        }
    }

    /// The next storage op (AOF runs).
    pub fn poll_storage(&mut self) -> Option<StorageOp> {
        match self {
            Machine::One(e) => e.poll_storage(),
            Machine::Split(s) => s.exec.poll_storage(),
        }
    }

    /// A storage op's outcome. The one-thread engine runs to quiescence;
    /// split, the executor's released replies and waiting requests wait
    /// for the scheduler's next executor step, as on an I/O thread's wake.
    pub fn handle_storage(&mut self, ev: StorageEvent, now_ms: u64) {
        match self {
            Machine::One(e) => e.handle_storage(ev, now_ms),
            Machine::Split(s) => s.exec.handle_storage(ev, now_ms),
        }
    }

    /// Log lines the engine produced (dropped by the world: only a driver
    /// prints them).
    pub fn take_log(&mut self) -> Vec<String> {
        match self {
            Machine::One(e) => e.take_log(),
            Machine::Split(s) => s.exec.take_log(),
        }
    }

    /// A client connects (the simulator never reaches maxclients).
    pub fn open(&mut self, now_ms: u64) -> ConnId {
        match self {
            Machine::One(e) => e.handle_open(ClientInfo::default(), now_ms).expect("below maxclients"),
            Machine::Split(s) => {
                let a = s.exec.handle_accept().expect("below maxclients");
                assert_eq!(a.conn.0 as usize, s.side_of.len(), "ids count up from 1");
                s.side_of.push(a.side as u8);
                s.sides[a.side].handle_open(a.conn, ClientInfo::default());
                a.conn
            }
        }
    }

    /// `bytes` arrive on `conn` as one read; false if the connection does
    /// not read now (a driver would not have read them).
    pub fn feed(&mut self, conn: ConnId, bytes: &[u8], now_ms: u64) -> bool {
        match self {
            Machine::One(e) => match e.read_buf_mut(conn) {
                Some(buf) => {
                    buf.extend_from_slice(bytes);
                    e.handle_read(conn, now_ms);
                    // Resume hints are for drivers that stop reading sockets.
                    while e.poll_resumed().is_some() {}
                    true
                }
                None => false,
            },
            Machine::Split(s) => {
                let side = s.side_mut(conn);
                match side.read_buf_mut(conn) {
                    Some(buf) => {
                        buf.extend_from_slice(bytes);
                        side.handle_read(conn, now_ms);
                        true
                    }
                    None => false,
                }
            }
        }
    }

    pub fn wants_read(&self, conn: ConnId) -> bool {
        match self {
            Machine::One(e) => e.wants_read(conn),
            Machine::Split(s) => s.side(conn).wants_read(conn),
        }
    }

    pub fn pending_output(&self, conn: ConnId) -> &[u8] {
        match self {
            Machine::One(e) => e.pending_output(conn),
            Machine::Split(s) => s.side(conn).pending_output(conn),
        }
    }

    pub fn consume_output(&mut self, conn: ConnId, n: usize, now_ms: u64) {
        match self {
            Machine::One(e) => {
                e.consume_output(conn, n, now_ms);
                while e.poll_resumed().is_some() {}
            }
            Machine::Split(s) => s.side_mut(conn).consume_output(conn, n),
        }
    }

    pub fn peer_closed(&mut self, conn: ConnId, now_ms: u64) {
        match self {
            Machine::One(e) => e.handle_peer_closed(conn, now_ms),
            Machine::Split(s) => s.side_mut(conn).handle_peer_closed(conn),
        }
    }

    /// Every socket the engine asks to close, in order.
    pub fn poll_closes(&mut self, into: &mut Vec<ConnId>) {
        match self {
            Machine::One(e) => into.extend(std::iter::from_fn(|| e.poll_close())),
            Machine::Split(s) => {
                for side in &mut s.sides {
                    into.extend(std::iter::from_fn(|| side.poll_close()));
                }
            }
        }
    }

    pub fn tick(&mut self, now_ms: u64) {
        match self {
            Machine::One(e) => e.handle_tick(now_ms),
            Machine::Split(s) => {
                s.exec.handle_tick(now_ms);
                for side in &mut s.sides {
                    side.handle_tick(now_ms);
                }
            }
        }
    }

    pub fn poll_deadline(&self) -> u64 {
        self.executor().poll_deadline()
    }

    pub fn check_invariants(&self) {
        match self {
            Machine::One(e) => e.check_invariants(),
            Machine::Split(s) => {
                s.exec.check_invariants();
                for side in &s.sides {
                    side.check_invariants();
                }
            }
        }
    }
}

impl Split {
    fn side(&self, conn: ConnId) -> &ConnSide {
        &self.sides[self.side_of[conn.0 as usize] as usize]
    }

    fn side_mut(&mut self, conn: ConnId) -> &mut ConnSide {
        &mut self.sides[self.side_of[conn.0 as usize] as usize]
    }

    /// The executor takes the next request from the ring, if any, and
    /// executes it; returns whose it was and what kind (for the model).
    /// None while the executor waits for the driver (an AOF rewrite's
    /// first steps): an executor thread takes nothing from the ring then.
    pub fn exec_next(&mut self, now_ms: u64) -> Option<(ConnId, ReqKind)> {
        if self.exec.is_waiting() {
            return None;
        }
        let req = self.ring.pop_request()?;
        let kind = match req.kind {
            RequestKind::Command(_) => ReqKind::Command,
            RequestKind::Close | RequestKind::OutputLimit => ReqKind::Close,
            RequestKind::Open(_) | RequestKind::ProtocolError(_) => ReqKind::Other,
        };
        let conn = req.conn;
        self.exec.handle_request(req, now_ms);
        Some((conn, kind))
    }

    /// The executor hands its output to the sides' queues (what fits).
    pub fn flush(&mut self) {
        self.ring.take_request_room_wanted(|_| {});
        self.exec.poll_output(&mut RingSink { ring: &self.ring, woken: |_| {} });
    }

    /// Side `i` wakes up: retries what the full request queue refused, then
    /// takes up to `msgs` messages from its queue.
    pub fn side_step(&mut self, i: usize, msgs: usize) -> usize {
        let side = &mut self.sides[i];
        side.handle_ring_room();
        let mut taken = 0;
        while taken < msgs {
            let Some(msg) = self.ring.pop_msg(i) else {
                break;
            };
            side.handle_msg(msg);
            taken += 1;
        }
        // The simulated drivers need no wake-ups or resume hints: every
        // actor is stepped by the scheduler. Drain them so they stay bounded.
        while side.poll_resumed().is_some() {}
        side.poll_pushed();
        let _ = self.ring.take_msg_room_wanted(i);
        taken
    }

    /// Whether nothing is in flight between the halves.
    pub fn quiet(&self) -> bool {
        self.ring.is_empty() && !self.exec.has_output() && self.sides.iter().all(|s| !s.is_stalled())
    }
}
