//! [`Engine`]: one connection side, the ring and the executor composed on
//! one thread. The simulator and `ferrodis-server --io-threads 1` drive
//! this; with I/O threads the driver runs the same [`ConnSide`] and
//! [`Executor`] apart, joined by the same [`Ring`], and the simulator's
//! split mode does that too.
//!
//! # The engine's two halves
//! - [`ConnSide`] (`conn_side.rs`): connections, parsing, output buffers,
//!   flow control, limits. What may run on an I/O thread.
//! - [`Executor`] (`exec/`): admission (`maxclients`, ids), databases,
//!   commands, timed work. One thread.
//! - [`Ring`] (`ring.rs`): [`crate::ring::Request`]s one way,
//!   [`crate::ring::ConnMsg`]s the other, every queue bounded.
//!
//! # API
//! Inputs (each takes `now_ms`, Unix time in ms, from the driver's clock,
//! where time matters):
//! - [`Engine::handle_open`]: a client connected; returns its id, or
//!   [`Rejected`] at `maxclients`.
//! - [`Engine::read_buf_mut`] then [`Engine::handle_read`]: bytes arrived
//!   on a connection, any split.
//! - [`Engine::handle_peer_closed`]: the peer went away or its socket failed.
//! - [`Engine::consume_output`]: the driver wrote pending output.
//! - [`Engine::handle_tick`]: timed work is due (see [`Engine::poll_deadline`]).
//! - [`Engine::handle_host_stats`]: fresh host facts (memory, pid) for INFO.
//!
//! Outputs:
//! - [`Engine::poll_writable`]: the next connection with new reply bytes;
//!   then [`Engine::pending_output`].
//! - [`Engine::poll_close`]: a socket to close now (QUIT, protocol error,
//!   query buffer limit), everything it had to say consumed.
//! - [`Engine::wants_read`]: whether to read a connection now;
//!   [`Engine::poll_resumed`]: a connection that may read again.
//! - [`Engine::poll_listen`]: listeners to switch to (CONFIG SET port or
//!   bind); the driver answers with [`Engine::handle_listen_result`].
//! - [`Engine::poll_config_rewrite`]: the config file to rewrite (CONFIG
//!   REWRITE); the driver answers with [`Engine::handle_config_rewrite_result`].
//! - [`Engine::poll_storage`]: AOF work (append, fsync, rewrite steps);
//!   the driver answers with [`Engine::handle_storage`]. Before serving,
//!   [`Engine::handle_load_command`] replays the AOF and
//!   [`Engine::attach_aof`] hands the engine its files.
//! - [`Engine::poll_deadline`]: when `handle_tick` is next due.
//! - [`Engine::shutdown_requested`]: SHUTDOWN was executed.
//! - [`Engine::poll_memory_purge`]: hand freed memory back to the OS now.
//!
//! Every input runs the machine to quiescence before returning: all
//! complete commands are parsed, pushed through the ring (in ring-sized
//! batches when it fills up) and executed, and their replies delivered.

use std::sync::Arc;

use bytes::Bytes;

use crate::aof::{Aof, StorageEvent, StorageOp};
use crate::conn_side::ConnSide;
use crate::exec::{Executor, HostStats, ListenFailure, ListenRequest, Rejected};
use crate::ring::{ClientInfo, Ring};
use crate::{Config, ConnId};

pub struct Engine {
    side: ConnSide,
    executor: Executor,
    ring: Arc<Ring>,
}

impl Engine {
    pub fn new(config: Config, now_ms: u64) -> Engine {
        // The reply direction is never used here (replies go to the side
        // directly), so its queue is the smallest there is.
        let ring = Arc::new(Ring::new(1, config.ring_capacity, 1));
        let side = ConnSide::new(0, Arc::clone(&ring), &config);
        Engine { executor: Executor::new(config, 1, now_ms), side, ring }
    }

    /// A client connected: admitted (and its `Open` executed) unless the
    /// server is at `maxclients`.
    pub fn handle_open(&mut self, info: ClientInfo, now_ms: u64) -> Result<ConnId, Rejected> {
        let accepted = self.executor.handle_accept()?;
        self.side.handle_open(accepted.conn, info);
        self.pump(now_ms);
        Ok(accepted.conn)
    }

    /// The read buffer of `conn`: read from the socket straight into it,
    /// then call [`Engine::handle_read`]. `None` for an unknown connection.
    pub fn read_buf_mut(&mut self, conn: ConnId) -> Option<&mut bytes::BytesMut> {
        self.side.read_buf_mut(conn)
    }

    /// Bytes were appended to `conn`'s read buffer: parse and execute what
    /// is complete.
    pub fn handle_read(&mut self, conn: ConnId, now_ms: u64) {
        self.side.handle_read(conn, now_ms);
        self.pump(now_ms);
    }

    /// The peer of `conn` went away or its socket failed. Complete commands
    /// it sent are still executed; their replies are discarded.
    pub fn handle_peer_closed(&mut self, conn: ConnId, now_ms: u64) {
        self.side.handle_peer_closed(conn);
        self.pump(now_ms);
    }

    /// Timed work.
    pub fn handle_tick(&mut self, now_ms: u64) {
        self.executor.handle_tick(now_ms);
        self.side.handle_tick(now_ms);
        self.pump(now_ms);
    }

    /// The driver wrote `n` bytes of `conn`'s pending output.
    pub fn consume_output(&mut self, conn: ConnId, n: usize, now_ms: u64) {
        self.side.consume_output(conn, n);
        self.pump(now_ms);
    }

    /// Runs ring -> execute -> deliver until nothing moves. The side has
    /// already pushed what the input made complete; what the full ring
    /// refused is pushed again once the ring is drained.
    fn pump(&mut self, now_ms: u64) {
        loop {
            let mut executed = false;
            // A listener change waits for the driver: nothing else runs.
            while !self.executor.is_waiting() {
                let Some(req) = self.ring.pop_request() else {
                    break;
                };
                if let Some(args) = self.executor.handle_request(req, now_ms) {
                    self.side.give_back_args(args);
                }
                executed = true;
            }
            self.executor.poll_output(&mut self.side);
            if self.executor.is_waiting() {
                break;
            }
            if self.side.is_stalled() {
                self.side.handle_ring_room();
                assert!(executed || !self.ring.requests_empty(), "a stalled side with an empty ring");
            } else if self.ring.requests_empty() {
                break;
            }
            // Else a connection cut at its output limit by this output
            // pushed its last request: the executor forgets it now.
        }
        self.side.poll_pushed();
    }

    /// The next connection with reply bytes to write, if any.
    pub fn poll_writable(&mut self) -> Option<ConnId> {
        self.side.poll_writable()
    }

    /// Reply bytes waiting on `conn` (empty for an unknown connection).
    pub fn pending_output(&self, conn: ConnId) -> &[u8] {
        self.side.pending_output(conn)
    }

    /// Whether the driver should read more from `conn` now (false while it
    /// is backpressured or closing).
    pub fn wants_read(&self, conn: ConnId) -> bool {
        self.side.wants_read(conn)
    }

    /// The next connection that may read again (see [`ConnSide::poll_resumed`]).
    pub fn poll_resumed(&mut self) -> Option<ConnId> {
        self.side.poll_resumed()
    }

    /// The next socket to close (see [`ConnSide::poll_close`]).
    pub fn poll_close(&mut self) -> Option<ConnId> {
        self.side.poll_close()
    }

    /// The listeners to switch to now (CONFIG SET port/bind): rebind, then
    /// answer with [`Engine::handle_listen_result`]. Until then the engine
    /// executes nothing.
    pub fn poll_listen(&mut self) -> Option<ListenRequest> {
        self.executor.poll_listen()
    }

    /// The driver's answer to [`Engine::poll_listen`].
    pub fn handle_listen_result(&mut self, result: Result<(), ListenFailure>, now_ms: u64) {
        self.executor.handle_listen_result(result, now_ms);
        self.pump(now_ms);
    }

    /// The driver's monotonic µs clock (see [`Executor::set_clock_us`]).
    pub fn set_clock_us(&mut self, clock: fn() -> u64) {
        self.executor.set_clock_us(clock);
    }

    /// The config file to rewrite now (CONFIG REWRITE): read it, write
    /// [`Engine::config_rewrite_text`] of it, then answer with
    /// [`Engine::handle_config_rewrite_result`]. Until then the engine
    /// executes nothing.
    pub fn poll_config_rewrite(&mut self) -> Option<String> {
        self.executor.poll_config_rewrite()
    }

    /// The new text of the config file whose old text is `old`.
    pub fn config_rewrite_text(&self, old: &str) -> String {
        self.executor.config_rewrite_text(old)
    }

    /// The driver's answer to [`Engine::poll_config_rewrite`].
    pub fn handle_config_rewrite_result(&mut self, result: Result<(), String>, now_ms: u64) {
        self.executor.handle_config_rewrite_result(result, now_ms);
        self.pump(now_ms);
    }

    /// The next storage op (AOF append, fsync, rewrite step) to perform;
    /// see `aof/storage.rs` for the contract. Poll after every input until
    /// `None`.
    pub fn poll_storage(&mut self) -> Option<StorageOp> {
        self.executor.poll_storage()
    }

    /// The driver's report on a storage op. Held replies an fsync covers
    /// are released, and a rewrite's fork lets execution go on.
    pub fn handle_storage(&mut self, ev: StorageEvent, now_ms: u64) {
        self.executor.handle_storage(ev, now_ms);
        self.pump(now_ms);
    }

    /// Starts with an AOF the driver loaded, or the manifest found on disk
    /// (see [`Executor::attach_aof`]).
    pub fn attach_aof(&mut self, aof: Aof) {
        self.executor.attach_aof(aof);
    }

    /// One command from an AOF file at startup (see
    /// [`Executor::handle_load_command`]).
    pub fn handle_load_command(&mut self, args: &[Bytes], now_ms: u64) -> Result<(), String> {
        self.executor.handle_load_command(args, now_ms)
    }

    /// Loading is over.
    pub fn finish_loading(&mut self) {
        self.executor.finish_loading();
    }

    /// Shutdown: the last append and fsync (see
    /// [`Executor::flush_aof_for_shutdown`]).
    pub fn flush_aof_for_shutdown(&mut self) {
        self.executor.flush_aof_for_shutdown();
    }

    /// Log lines for the driver, oldest first.
    pub fn take_log(&mut self) -> Vec<String> {
        self.executor.take_log()
    }

    /// When `handle_tick` is next due, Unix ms.
    pub fn poll_deadline(&self) -> u64 {
        self.executor.poll_deadline()
    }

    pub fn shutdown_requested(&self) -> bool {
        self.executor.shutdown_requested()
    }

    /// Whether to hand freed memory back to the OS now (see
    /// [`Executor::poll_memory_purge`]).
    pub fn poll_memory_purge(&mut self) -> bool {
        self.executor.poll_memory_purge()
    }

    /// Facts about the host process for INFO (memory, pid, executable, ...),
    /// which the engine cannot read itself.
    pub fn handle_host_stats(&mut self, host: HostStats) {
        self.executor.handle_host_stats(host);
    }

    /// Connections the engine still tracks.
    pub fn connection_count(&self) -> usize {
        self.side.connection_count()
    }

    /// The executor, for inspection by tests and the simulator.
    pub fn executor(&self) -> &Executor {
        &self.executor
    }

    /// Checks every invariant of the layers; panics on a broken one.
    pub fn check_invariants(&self) {
        self.executor.check_invariants();
        self.side.check_invariants();
        assert!(self.ring.is_empty() || self.executor.is_waiting(), "ring holds requests after pump");
        assert!(!self.executor.has_output(), "executor holds output after pump");
    }
}
