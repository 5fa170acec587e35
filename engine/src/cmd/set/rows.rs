//! The set family's command rows, sorted by name (see [`crate::cmd::rows`]
//! for the row format).

use crate::cmd::def::CommandDef;

pub static ROWS: &[CommandDef] = &[];
