//! List commands. Their rows are in [`rows`], their COMMAND DOCS text in
//! [`docs::list`](crate::cmd::docs::list).

pub mod rows;

use crate::ctx::Handler;

pub static HANDLERS: &[(&str, Handler)] = &[];
