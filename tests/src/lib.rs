//! Helpers shared by the integration tests: they run the real
//! `ferrodis-server` binary, real clients, and a real `redis-server` as the
//! oracle.
//!
//! # Layout
//!
//! - [`binary`]: finds (building if needed) an up-to-date `ferrodis-server`,
//!   so `cargo test --workspace` alone is the whole test command.
//! - [`server`]: starts ours or `redis-server` on a free loopback port with
//!   persistence off, waits until it answers, kills it on drop.
//! - [`dataset`]: a whole dataset over the wire (to compare servers and
//!   restarts) and a fill with every data type.
//! - [`resp`]: a tiny raw RESP client that returns exact reply bytes.
//! - [`args`]: `redis-cli`-style argument splitting and byte escaping.
//! - [`diff`]: the differential harness behind `tests/differential.rs`.
//! - [`sans_io`]: the scanner behind `tests/sans_io.rs`.
//!
//! # Environment
//!
//! - `FERRODIS_TEST_TARGET=redis`: run the suites against a real Redis
//!   instead of ours (checks the suites themselves against the spec).
//! - `FERRODIS_SERVER_BIN=path`: test this binary instead of building one.
//! - `FERRODIS_DIFF_FILTER=word`: run only the case files whose name has `word`.

pub mod args;
pub mod binary;
pub mod dataset;
pub mod diff;
pub mod resp;
pub mod sans_io;
pub mod server;

pub use resp::RespConn;
pub use server::{DataDir, Kind, Server};
