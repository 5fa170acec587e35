//! ferrodis-engine: the whole behaviour of the server as an I/O-free state
//! machine.
//!
//! Nothing in this crate opens a socket, reads a file, reads a clock, spawns a
//! thread or asks the OS for randomness (`tests/sans_io.rs` enforces it).
//! Time arrives as `now_ms` on every call; randomness comes from a seeded
//! `rand_chacha` generator; bytes come in and go out through buffers the
//! driver owns the other end of.
//!
//! # Layout
//!
//! - [`limits`]: every bound the engine enforces, with compile-time checks of
//!   the relations between them.
//! - [`config`]: the runtime configuration (`CONFIG GET/SET` reads and writes it).
//! - [`resp`]: the incremental RESP2 request parser and the reply encoder.
//! - [`conn`]: one connection: the read buffer, parser state, output buffer
//!   and flow control.
//! - [`conn_side`]: the connection side: every connection of one I/O
//!   thread and every rule about opening, pausing and closing them. May
//!   live on an I/O thread.
//! - [`ring`]: the bounded queues between the connection sides and the
//!   executor, and the message type of each direction.
//! - [`exec`]: the executor: admission, dispatch through the command
//!   table, timed work. One thread.
//! - [`ctx`]: what a command handler sees ([`ctx::Ctx`], the server state,
//!   stats, host facts), below both `cmd` and `exec`; [`client`]: the
//!   client registry it includes.
//! - [`aof`]: the append-only file as the engine sees it: propagation,
//!   offsets, the fsync policy, the rewrite's steps, and the storage ops
//!   and events the driver performs and reports.
//! - [`db`]: the keyspace: our own incrementally rehashed hash table, values,
//!   expiry, SCAN.
//! - [`cmd`]: the command table and one module per command family.
//! - [`machine`]: [`Engine`], the one-thread composition of a side, the
//!   ring and the executor that `--io-threads 1` and the simulator drive.
//! - [`memory`]: when the driver should hand freed memory back to the OS
//!   (`MEMORY PURGE`, and a timed rule over the driver's memory figures).
//! - [`pubsub`]: the Pub/Sub registry (channels, patterns, shard channels
//!   and each client's subscriptions); [`obuf`]: output buffer limits
//!   (`client-output-buffer-limit`) and the rule that cuts a client off.
//! - [`planted`]: test-only planted bugs (feature `planted-bugs`).

pub mod aof;
pub mod client;
pub mod cmd;
pub mod config;
pub mod config_rewrite;
pub mod conn;
pub mod conn_side;
pub mod ctx;
pub mod db;
pub mod exec;
pub mod limits;
pub mod machine;
pub mod memory;
pub mod observe;
pub mod obuf;
pub mod planted;
pub mod pubsub;
pub mod resp;
pub mod ring;

pub use config::Config;
pub use machine::Engine;

/// Identifies one client connection for its whole life. Never reused within
/// one engine: the executor allocates them in increasing order
/// ([`exec::Executor::handle_accept`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnId(pub u64);

/// The Redis version we report and whose behaviour we match byte for byte.
pub const REDIS_COMPAT_VERSION: &str = "7.0.15";
/// Our own version.
pub const FERRODIS_VERSION: &str = env!("CARGO_PKG_VERSION");
