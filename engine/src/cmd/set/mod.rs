//! Set commands. Their rows are in [`rows`], their COMMAND DOCS text in
//! [`docs::set`](crate::cmd::docs::set).

pub mod rows;

use crate::ctx::Handler;

pub static HANDLERS: &[(&str, Handler)] = &[];
