//! What a command handler sees, below both [`cmd`](crate::cmd) (the
//! handlers) and [`exec`](crate::exec) (which runs them): [`Ctx`], the
//! [`Handler`] signature, the [`Server`] state a command may touch, its
//! [`Stats`], the driver's [`HostStats`] and SHUTDOWN's [`ShutdownFlags`].
//!
//! Handlers import this module, never `exec`; the executor builds a `Ctx`
//! per command and calls the handler the table gives it. This module names
//! only two things from `cmd`: the table the server owns
//! ([`CommandTable`], which COMMAND reads) and a handler's error
//! ([`CmdError`]).

use std::collections::BTreeMap;

use bytes::Bytes;
use rand_chacha::ChaCha8Rng;

use crate::client::{Client, Clients};
use crate::cmd::{CmdError, CommandTable};
use crate::db::Db;
use crate::limits;
use crate::resp::Reply;
use crate::{Config, ConnId};

/// Executes one command. Arity has been checked. Writes the reply into
/// `ctx.reply`, or returns an error (then nothing may have been written).
pub type Handler = fn(&mut Ctx<'_>, &[Bytes]) -> Result<(), CmdError>;

/// Counters INFO reports.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub total_connections_received: u64,
    pub total_commands_processed: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    pub expired_keys_active: u64,
    pub rejected_connections: u64,
    /// Writes since start (Redis `server.dirty` grows the same way).
    pub dirty: u64,
    /// Error replies sent to clients (INFO `total_error_replies`).
    pub total_error_replies: u64,
    /// Error replies by their code ("ERR", "WRONGTYPE"), for INFO
    /// errorstats. At most [`limits::ERROR_CODES_TRACKED_MAX`] codes, as
    /// Redis caps its table: further codes are counted only in the total.
    pub error_codes: BTreeMap<String, u64>,
    /// What the driver's byte counters read at the last CONFIG RESETSTAT
    /// (INFO reports the difference).
    pub net_input_bytes_base: u64,
    pub net_output_bytes_base: u64,
}

impl Stats {
    /// Counts one error reply whose text (without `-`) is `msg`.
    pub fn count_error(&mut self, msg: &str) {
        self.total_error_replies += 1;
        let code = msg.split(' ').next().unwrap_or(msg);
        if let Some(n) = self.error_codes.get_mut(code) {
            *n += 1;
        } else if self.error_codes.len() < limits::ERROR_CODES_TRACKED_MAX {
            self.error_codes.insert(code.to_string(), 1);
        }
    }
}

/// Everything a command may touch except the client registry.
#[derive(Debug)]
pub struct Server {
    pub dbs: Vec<Db>,
    pub config: Config,
    pub rng: ChaCha8Rng,
    /// Time of the current input, Unix ms.
    pub now_ms: u64,
    pub start_ms: u64,
    pub stats: Stats,
    /// Set by SHUTDOWN; the driver stops once it sees it.
    pub shutdown: bool,
    /// The options SHUTDOWN was given, for the driver (NOSAVE, NOW, FORCE).
    pub shutdown_flags: ShutdownFlags,
    pub table: CommandTable,
    /// Facts about the host process only the driver can know (memory, pid,
    /// executable); INFO reports them. Zeros until the driver feeds them.
    pub host: HostStats,
    /// When to hand freed memory back to the OS (MEMORY PURGE, the tick).
    pub memory: crate::memory::PurgePolicy,
    /// 40 hex characters naming this run (INFO `run_id`), drawn from the
    /// seeded RNG at startup.
    pub run_id: String,
    /// Replication ID (INFO `master_replid`), drawn the same way.
    pub replid: String,
    /// A CONFIG SET of `port` or `bind` waiting for the driver to rebind
    /// (see `exec/listen.rs`); the executor takes no request meanwhile.
    pub listen_change: Option<ListenChange>,
    /// A CONFIG REWRITE waiting for the driver (see `exec/config_file.rs`).
    pub config_rewrite: Option<crate::config_rewrite::ConfigRewrite>,
    /// Per-command stats, slow log, latency monitor, MONITOR clients
    /// (see `observe/`).
    pub observe: crate::observe::Observe,
    /// DEBUG SLEEP in progress, DEBUG SET-ACTIVE-EXPIRE (see `cmd/debug.rs`).
    pub debug: crate::cmd::debug::DebugState,
    /// The AOF: propagation, offsets, rewrite state (see `aof/`).
    pub aof: crate::aof::Aof,
    /// Who listens to which channel and pattern (see `pubsub.rs`).
    pub pubsub: crate::pubsub::PubSub,
    /// CLIENT PAUSE in force, if any (see `exec/client_ctl.rs`).
    pub pause: Option<crate::client::ClientPause>,
}

/// What a handler sees: the server, the clients, which client is calling,
/// and where its reply goes.
pub struct Ctx<'a> {
    pub srv: &'a mut Server,
    pub clients: &'a mut Clients,
    pub conn: ConnId,
    /// Where the calling client sits in `clients` (see [`Clients::slot_of`]).
    pub slot: usize,
    /// Selected database of the calling client (copied for speed; SELECT
    /// writes both).
    pub db_index: usize,
    pub reply: &'a mut Reply,
    /// What the handler asks of the executor beyond its reply: block the
    /// caller, unblock others (see `exec/blocking.rs` for the protocol).
    pub effects: &'a mut Effects,
}

/// Requests a handler leaves for the executor, acted on once it returns.
/// The blocking protocol is documented in `exec/blocking.rs`.
#[derive(Debug, Default)]
pub struct Effects {
    /// Block the calling client on these keys (the handler wrote no reply).
    pub block: Option<BlockOn>,
    /// CLIENT UNBLOCK: clients to release after this command, and how.
    pub unblock: Vec<(ConnId, UnblockHow)>,
    /// Set by the executor: the command runs again for a blocked client
    /// whose key got data (a handler that blocks again keeps its place).
    pub rerun: bool,
    /// What goes to the AOF instead of the command as it was called
    /// (`None`: a write command that did not fail goes as called). Set by
    /// handlers whose effect the call does not pin down: relative
    /// expiries, random picks, floats, blocking pops. `Some(vec![])`
    /// propagates nothing.
    pub propagate: Option<Vec<Vec<Bytes>>>,
    /// Clients (id, slot) whose output went from empty to not empty by
    /// [`Ctx::deliver`]; the executor schedules them for output.
    pub delivered: Vec<(ConnId, usize)>,
    /// Set by the executor while a command runs inside EXEC (Redis
    /// `CLIENT_DENY_BLOCKING`): MONITOR and SSUBSCRIBE refuse to run there.
    pub deny_blocking: bool,
    /// Clients whose output held here reached their hard
    /// `client-output-buffer-limit` by [`Ctx::deliver`]; the executor cuts
    /// them after the command (see `obuf.rs`).
    pub over_limit: Vec<ConnId>,
    /// CLIENT KILL: other clients to close after this command (the caller
    /// closes through `close_after_reply`).
    pub kill: Vec<ConnId>,
}

/// What a blocking handler waits for.
#[derive(Debug)]
pub struct BlockOn {
    /// The keys, in the calling client's database, in argument order.
    pub keys: Vec<Vec<u8>>,
    /// Which type of value makes a key ready for this client.
    pub kind: BlockKind,
    /// Unix ms after which the client gets the timeout reply (None: never).
    pub deadline_ms: Option<u64>,
}

/// The value type a blocked client waits for (Redis 7.0 `btype`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    List,
    ZSet,
}

/// How CLIENT UNBLOCK releases a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnblockHow {
    /// As if its timeout had passed.
    Timeout,
    /// With `-UNBLOCKED client unblocked via CLIENT UNBLOCK`.
    Error,
}

impl Ctx<'_> {
    /// Blocks the calling client (see `exec/blocking.rs`). The handler
    /// returns Ok without writing a reply.
    pub fn block(&mut self, keys: Vec<Vec<u8>>, kind: BlockKind, deadline_ms: Option<u64>) {
        self.effects.block = Some(BlockOn { keys, kind, deadline_ms });
    }

    /// Propagates `args` to the AOF in place of the command as called
    /// (called several times, propagates each in order).
    pub fn also_propagate(&mut self, args: Vec<Bytes>) {
        self.effects.propagate.get_or_insert_with(Vec::new).push(args);
    }

    /// Propagates nothing for this command (it changed nothing).
    pub fn propagate_nothing(&mut self) {
        self.effects.propagate = Some(Vec::new());
    }

    /// Writes out-of-band output for another client (or the caller):
    /// pub/sub messages, MONITOR lines. `write` encodes into a [`Reply`] set
    /// to the target's protocol; the bytes go after everything the target
    /// was already sent or is held (the durability gate keeps their order),
    /// and before the caller's own reply when the target is the caller, as
    /// in Redis. False when `target` is not a client (any more).
    pub fn deliver(&mut self, target: ConnId, write: impl FnOnce(&mut Reply)) -> bool {
        let Some(slot) = self.clients.slot_of(&target) else { return false };
        if self.effects.over_limit.contains(&target) {
            // Cut after this command: nothing more is kept for it.
            return true;
        }
        let client = self.clients.at_mut(slot);
        let into_held = !client.held.is_empty();
        let buf = if into_held { &mut client.held } else { &mut client.out };
        let was_empty = buf.is_empty();
        let mut r = Reply { buf: std::mem::take(buf), resp3: client.resp == 3 };
        write(&mut r);
        *buf = r.buf;
        if !into_held && was_empty && !buf.is_empty() {
            self.effects.delivered.push((target, slot));
        }
        let limits = &self.srv.config.client_output_buffer_limit;
        let whole = client.out.len() + client.held.len() + client.out_gauge.get();
        if limits.reaches_hard(client.output_class(), whole) {
            self.effects.over_limit.push(target);
        }
        true
    }

    pub fn now_ms(&self) -> u64 {
        self.srv.now_ms
    }

    /// The calling client's selected database.
    pub fn db(&mut self) -> &mut Db {
        &mut self.srv.dbs[self.db_index]
    }

    pub fn client(&mut self) -> &mut Client {
        self.clients.at_mut(self.slot)
    }
}

/// The options SHUTDOWN was given. The driver reads them from
/// `Server::shutdown_flags` once `Server::shutdown` is set: NOSAVE means
/// "skip the final persistence step", NOW and FORCE are Redis's "don't wait
/// for replicas" and "exit even if saving fails".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShutdownFlags {
    pub nosave: bool,
    pub save: bool,
    pub now: bool,
    pub force: bool,
}

/// What the driver knows about the process and the host. Every field is a
/// plain number or string so the simulator can feed fixed values (and one
/// optional probe of a counter); a driver that feeds nothing leaves the
/// documented defaults (zeros, no probe).
#[derive(Debug, Clone)]
pub struct HostStats {
    /// Bytes the allocator has handed out (Redis `used_memory`), sampled
    /// with `used_memory_rss_bytes` (Redis's cron sample, which
    /// `mem_fragmentation_ratio` divides).
    pub used_memory_bytes: u64,
    /// Reads the same counter now, for INFO's `used_memory` (Redis reads
    /// `zmalloc_used_memory()` when INFO runs, not the cron sample). `None`:
    /// INFO reports the sample.
    pub used_memory_now: Option<fn() -> u64>,
    /// Resident set size of the process.
    pub used_memory_rss_bytes: u64,
    /// Highest `used_memory_bytes` seen; the executor keeps it monotonic.
    pub used_memory_peak_bytes: u64,
    /// `used_memory_bytes` right after startup.
    pub used_memory_startup_bytes: u64,
    /// Allocator-level figures (jemalloc's allocated / active / resident).
    pub allocator_allocated_bytes: u64,
    pub allocator_active_bytes: u64,
    pub allocator_resident_bytes: u64,
    pub total_system_memory_bytes: u64,
    /// "libc", "jemalloc-5.3.0", "mimalloc", ...
    pub mem_allocator: String,
    pub process_id: u64,
    /// Absolute path of the running binary.
    pub executable: String,
    /// Absolute path of the config file, empty if none.
    pub config_file: String,
    /// `uname -srm`, e.g. "Linux 6.1.0 x86_64".
    pub os: String,
    pub arch_bits: u32,
    /// "epoll", "kqueue", ...
    pub multiplexing_api: String,
    /// Whether I/O threads are running.
    pub io_threads_active: bool,
    /// CPU time of the process and of its children, in microseconds.
    pub used_cpu_sys_us: u64,
    pub used_cpu_user_us: u64,
    pub used_cpu_sys_children_us: u64,
    pub used_cpu_user_children_us: u64,
    /// CPU time of the executor thread, in microseconds.
    pub used_cpu_sys_main_thread_us: u64,
    pub used_cpu_user_main_thread_us: u64,
    /// Bytes read from and written to client sockets.
    pub total_net_input_bytes: u64,
    pub total_net_output_bytes: u64,
}

impl Default for HostStats {
    fn default() -> HostStats {
        HostStats {
            used_memory_bytes: 0,
            used_memory_now: None,
            used_memory_rss_bytes: 0,
            used_memory_peak_bytes: 0,
            used_memory_startup_bytes: 0,
            allocator_allocated_bytes: 0,
            allocator_active_bytes: 0,
            allocator_resident_bytes: 0,
            total_system_memory_bytes: 0,
            mem_allocator: "libc".into(),
            process_id: 0,
            executable: String::new(),
            config_file: String::new(),
            os: String::new(),
            arch_bits: 64,
            multiplexing_api: "epoll".into(),
            io_threads_active: false,
            used_cpu_sys_us: 0,
            used_cpu_user_us: 0,
            used_cpu_sys_children_us: 0,
            used_cpu_user_children_us: 0,
            used_cpu_sys_main_thread_us: 0,
            used_cpu_user_main_thread_us: 0,
            total_net_input_bytes: 0,
            total_net_output_bytes: 0,
        }
    }
}

/// What the driver is asked to listen on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenRequest {
    /// The `bind` parameter (space-separated addresses).
    pub bind: String,
    /// The port (0: the kernel picks one, as `--port 0` at startup).
    pub port: u16,
    /// Which of the two changed (a failure is reported against it).
    pub bind_changed: bool,
}

/// Why the driver could not listen as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenFailure {
    /// An address of `bind` is invalid or cannot be bound.
    Bind,
    /// The port cannot be bound (in use, not allowed).
    Port,
}

/// A change in flight: who asked, what, and what to restore on failure.
#[derive(Debug)]
pub struct ListenChange {
    pub conn: ConnId,
    pub request: ListenRequest,
    pub previous_bind: String,
    pub previous_port: u16,
    /// Handed to the driver already.
    pub polled: bool,
}
