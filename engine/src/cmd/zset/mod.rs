//! Sorted set commands. Their rows are in [`rows`], their COMMAND DOCS text in
//! [`docs::sorted_set`](crate::cmd::docs::sorted_set).

pub mod rows;

use crate::ctx::Handler;

pub static HANDLERS: &[(&str, Handler)] = &[];
