//! COMMAND DOCS text of every row in [`rows`](super::rows), one file per
//! Redis command group, one `static` per command named after it
//! (`GET`, `CONFIG_GET` for a subcommand).

pub mod bitmap;
pub mod connection;
pub mod generic;
pub mod hash;
pub mod list;
pub mod pubsub;
pub mod server;
pub mod set;
pub mod sorted_set;
pub mod string;
pub mod transactions;
