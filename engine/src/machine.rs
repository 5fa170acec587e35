//! [`Engine`]: the connection layer, the ring and the executor composed on
//! one thread. The simulator and `ferrodis-server --io-threads 1` drive
//! this; with I/O threads the driver holds the same three parts apart.
//!
//! # API
//! Inputs (each takes `now_ms`, Unix time in ms, from the driver's clock):
//! - [`Engine::handle_open`]: a client connected; returns its id.
//! - [`Engine::handle_bytes`]: bytes arrived on a connection, any split
//!   (or [`Engine::read_buf_mut`] + [`Engine::handle_read`] to skip a copy).
//! - [`Engine::handle_close`]: the peer went away, or the driver closed it.
//! - [`Engine::handle_tick`]: timed work is due (see [`Engine::poll_deadline`]).
//! - [`Engine::handle_host_stats`]: fresh host facts (memory, pid) for INFO.
//!
//! Outputs:
//! - [`Engine::poll_writable`]: the next connection with new reply bytes;
//!   then [`Engine::pending_output`] / [`Engine::consume_output`].
//! - [`Engine::wants_close`]: the connection should be closed now that its
//!   output is written (QUIT, protocol error); call `handle_close` after.
//! - [`Engine::poll_deadline`]: when `handle_tick` is next due.
//! - [`Engine::shutdown_requested`]: SHUTDOWN was executed.
//!
//! Every input runs the machine to quiescence before returning: all
//! complete commands are parsed, pushed through the ring (in ring-sized
//! batches when it fills up) and executed.

use std::collections::{HashMap, VecDeque};

use foldhash::fast::FixedState;

use crate::conn::{ConnLimits, Connection};
use crate::exec::Executor;
use crate::limits;
use crate::planted::Plant;
use crate::ring::{new_ring, ClientInfo, Ring};
use crate::{Config, ConnId};

/// A connection and the engine's bookkeeping about it.
#[derive(Debug)]
struct Slot {
    conn: Connection,
    /// Listed in `Engine::writable`.
    writable: bool,
}

pub struct Engine {
    executor: Executor,
    ring: Ring,
    /// By id; a fixed-seed hash (no iteration depends on its order).
    conns: HashMap<ConnId, Slot, FixedState>,
    /// Connections that got reply bytes since the driver last polled them,
    /// in the order they got them, each once (`Slot::writable`).
    writable: VecDeque<ConnId>,
    next_conn: u64,
    limits: ConnLimits,
    plant: Plant,
    /// Emptied argument lists back from the executor, for the parser to
    /// reuse (at most [`limits::ARGS_SPARE_VECS_MAX`]).
    spare_args: Vec<Vec<bytes::Bytes>>,
}

impl Engine {
    pub fn new(config: Config, now_ms: u64) -> Engine {
        let limits = ConnLimits::from_config(&config);
        let plant = Plant::from_config(&config);
        let ring = new_ring(config.ring_capacity);
        Engine {
            executor: Executor::new(config, now_ms),
            ring,
            conns: HashMap::with_hasher(FixedState::default()),
            writable: VecDeque::new(),
            next_conn: 1,
            limits,
            plant,
            spare_args: Vec::new(),
        }
    }

    /// A client connected.
    pub fn handle_open(&mut self, info: ClientInfo, now_ms: u64) -> ConnId {
        let id = ConnId(self.next_conn);
        self.next_conn += 1;
        let conn = Connection::new(id, info, self.limits).with_plant(self.plant);
        self.conns.insert(id, Slot { conn, writable: false });
        self.pump(Some(id), now_ms);
        id
    }

    /// Bytes arrived on `conn`.
    pub fn handle_bytes(&mut self, conn: ConnId, bytes: &[u8], now_ms: u64) {
        let Some(s) = self.conns.get_mut(&conn) else {
            return;
        };
        s.conn.handle_bytes(bytes);
        self.pump(Some(conn), now_ms);
    }

    /// The read buffer of `conn`, for a driver that reads from the socket
    /// straight into it (no copy through a scratch buffer); follow with
    /// [`Engine::handle_read`]. `None` for an unknown connection.
    pub fn read_buf_mut(&mut self, conn: ConnId) -> Option<&mut bytes::BytesMut> {
        self.conns.get_mut(&conn).map(|s| s.conn.read_buf_mut())
    }

    /// Bytes were appended to `conn`'s buffer through [`Engine::read_buf_mut`]:
    /// parse and execute what is complete.
    pub fn handle_read(&mut self, conn: ConnId, now_ms: u64) {
        self.pump(Some(conn), now_ms);
    }

    /// The peer of `conn` went away or the driver closed it. Complete
    /// commands it sent are still executed; their replies are discarded.
    pub fn handle_close(&mut self, conn: ConnId, now_ms: u64) {
        let Some(s) = self.conns.get_mut(&conn) else {
            return;
        };
        s.conn.handle_peer_closed();
        self.pump(Some(conn), now_ms);
        if let Some(s) = self.conns.get(&conn) {
            if s.conn.is_finished() {
                if s.writable {
                    self.writable.retain(|&c| c != conn);
                }
                self.conns.remove(&conn);
            }
        }
    }

    /// Timed work.
    pub fn handle_tick(&mut self, now_ms: u64) {
        self.executor.handle_tick(now_ms);
        self.pump(None, now_ms);
    }

    /// Runs parse -> ring -> execute -> deliver until nothing moves.
    ///
    /// Only `conn` (the connection the input was about) can have requests
    /// to push: every other connection was left unable to push at the end
    /// of the pump that last touched it (nothing complete is buffered, or
    /// its output is paused, or it stopped reading), and only an input about
    /// it changes that. So there is no set of ready connections to walk.
    fn pump(&mut self, mut conn: Option<ConnId>, now_ms: u64) {
        loop {
            let mut progress = false;
            if let Some(id) = conn {
                match self.conns.get_mut(&id) {
                    Some(s) => {
                        let pushed = s.conn.push_requests_reusing(&self.ring, &mut self.spare_args);
                        progress |= pushed.requests > 0;
                        // A full ring: push the rest once it is drained.
                        if !pushed.ring_full {
                            conn = None;
                        }
                    }
                    None => conn = None,
                }
            }
            while let Some(req) = self.ring.pop() {
                if let Some(args) = self.executor.handle_request_reusing(req, now_ms) {
                    if self.spare_args.len() < limits::ARGS_SPARE_VECS_MAX
                        && args.capacity() <= limits::ARGS_SPARE_CAPACITY_MAX
                    {
                        self.spare_args.push(args);
                    }
                }
                progress = true;
            }
            let Engine { executor, conns, writable, .. } = self;
            executor.drain_responses(|id, bytes, close_after| {
                if let Some(s) = conns.get_mut(&id) {
                    s.conn.handle_reply(bytes, close_after);
                    if !s.writable {
                        s.writable = true;
                        writable.push_back(id);
                    }
                }
            });
            if !progress {
                break;
            }
        }
        // A CONFIG SET may have changed the parser or query-buffer limits:
        // they apply to every live connection at once, as in Redis.
        let live = ConnLimits::from_config(&self.executor.srv.config);
        if live != self.limits {
            self.limits = live;
            for s in self.conns.values_mut() {
                s.conn.set_limits(live);
            }
        }
    }

    /// The next connection with reply bytes to write, if any.
    pub fn poll_writable(&mut self) -> Option<ConnId> {
        let id = self.writable.pop_front()?;
        if let Some(s) = self.conns.get_mut(&id) {
            s.writable = false;
        }
        Some(id)
    }

    /// Reply bytes waiting on `conn` (empty for an unknown connection).
    pub fn pending_output(&self, conn: ConnId) -> &[u8] {
        self.conns.get(&conn).map_or(&[], |s| s.conn.pending_output())
    }

    /// The driver wrote `n` bytes of `conn`'s pending output.
    pub fn consume_output(&mut self, conn: ConnId, n: usize, now_ms: u64) {
        if let Some(s) = self.conns.get_mut(&conn) {
            let paused = !s.conn.wants_read();
            s.conn.consume_output(n);
            // Only output that is gone can let a paused connection parse again.
            if paused && s.conn.wants_read() {
                self.pump(Some(conn), now_ms);
            }
        }
    }

    /// Whether the driver should read more from `conn` now (false while it
    /// is backpressured or closing).
    pub fn wants_read(&self, conn: ConnId) -> bool {
        self.conns.get(&conn).is_some_and(|s| s.conn.wants_read())
    }

    /// Whether `conn` should be closed now: the executor asked for it (or the
    /// connection layer gave up on the client, e.g. its query buffer passed
    /// the limit) and everything it had to say has been consumed.
    pub fn wants_close(&self, conn: ConnId) -> bool {
        self.conns.get(&conn).is_some_and(|s| s.conn.is_finished() && s.conn.pending_output().is_empty())
    }

    /// When `handle_tick` is next due, Unix ms.
    pub fn poll_deadline(&self) -> u64 {
        self.executor.poll_deadline()
    }

    pub fn shutdown_requested(&self) -> bool {
        self.executor.shutdown_requested()
    }

    /// Facts about the host process for INFO (memory, pid, executable, ...),
    /// which the engine cannot read itself.
    pub fn handle_host_stats(&mut self, host: crate::exec::HostStats) {
        self.executor.handle_host_stats(host);
    }

    /// Connections the engine still tracks.
    pub fn connection_count(&self) -> usize {
        self.conns.len()
    }

    /// The executor, for inspection by tests and the simulator.
    pub fn executor(&self) -> &Executor {
        &self.executor
    }

    /// Checks every invariant of the layers; panics on a broken one.
    pub fn check_invariants(&self) {
        self.executor.check_invariants();
        assert!(self.ring.is_empty(), "ring holds requests after pump");
    }
}
