//! ferrodis-persistence: the AOF format, the multi-part manifest, the
//! loader and the rewrite visitor, reaching files only through a `Storage`
//! trait. Built by the persistence issue; until then the server accepts only
//! `appendonly no` and `save ""`.
//!
//! Like `engine`, this crate may not touch sockets, clocks, threads or OS
//! randomness (`tests/sans_io.rs` checks it).
