//! Hash commands. Their rows are in [`rows`], their COMMAND DOCS text in
//! [`docs::hash`](crate::cmd::docs::hash).

pub mod rows;

use crate::ctx::Handler;

pub static HANDLERS: &[(&str, Handler)] = &[];
