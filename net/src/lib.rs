//! ferrodis-net: the mio shell around the engine, and the production binary
//! `ferrodis-server`.
//!
//! This crate only moves bytes and time. Every behaviour (parsing, commands,
//! limits, replies) lives in `ferrodis_engine`; a driver here reads sockets
//! into the engine's buffers, writes out what the engine has to say, passes
//! `now_ms` (Unix time read once per event batch) and calls the timed work
//! when the engine's deadline passes.
//!
//! One deliberate difference from redis-server: `--port 0` (which Redis
//! takes as "no TCP listener") binds a port the kernel picks, and the
//! start-up log line names it (`port=N`). Tests use it to never race for
//! ports.
//!
//! # Layout
//!
//! - [`aof`]: the AOF's storage ops on real files (loading, appends, the
//!   background fsync thread, the rewrite's fork, shutdown), for both
//!   compositions.
//! - [`check_aof`]: `--check-aof [--fix]`.
//! - [`storage`]: `FsStorage`, the persistence `Storage` on real files.
//! - [`args`]: command line and redis.conf parsing into `engine::Config`.
//! - [`host`]: the process's own figures for INFO (live allocated bytes
//!   through a counting allocator, RSS, CPU time).
//! - [`listen`]: switching the listening sockets (CONFIG SET port/bind).
//! - [`log`]: Redis-format log lines.
//! - [`purge`]: handing freed memory back to the OS when the engine asks.
//! - [`sock`]: binding, accepting (maxclients), reading into a connection's
//!   buffer, writing until `WouldBlock`.
//! - [`server`]: startup (seed, fd limit, listeners, signals), the choice of
//!   driver, shutdown.
//! - [`single`]: `--io-threads 1`: one thread drives `engine::Engine`.
//! - [`threaded`]: `--io-threads N`: N I/O threads own the connections, one
//!   executor thread owns the `Executor`, joined by the ring.

pub mod aof;
pub mod args;
pub mod check_aof;
pub mod config_file;
pub mod host;
pub mod listen;
pub mod log;
pub mod purge;
pub mod server;
pub mod single;
pub mod sock;
pub mod storage;
pub mod threaded;
