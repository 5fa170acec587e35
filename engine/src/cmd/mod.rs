//! Commands: the table and one module per family. Each family module
//! exports `HANDLERS: &[(&str, Handler)]`, keyed by full command name; the
//! rows live in [`defs`].

pub mod bits;
pub mod client;
pub mod command;
pub mod connection;
pub mod defs;
pub mod error;
pub mod expire;
pub mod glob;
pub mod info;
pub mod keys;
pub mod lcs;
pub mod server;
pub mod string;
pub mod table;

pub use error::{CmdError, CmdResult};
pub use table::{CommandDef, CommandTable, Handler};

/// Every family's handlers.
pub fn all_handlers() -> Vec<(&'static str, Handler)> {
    [
        connection::HANDLERS,
        client::HANDLERS,
        command::HANDLERS,
        info::HANDLERS,
        server::HANDLERS,
        keys::HANDLERS,
        expire::HANDLERS,
        string::HANDLERS,
        bits::HANDLERS,
        lcs::HANDLERS,
    ]
    .iter()
    .flat_map(|h| h.iter().copied())
    .collect()
}

pub fn build_table() -> CommandTable {
    CommandTable::build(defs::COMMANDS, &all_handlers())
}

/// Parses a whole argument as an i64 the way Redis's getLongLongFromObject
/// does.
pub fn parse_i64(arg: &[u8]) -> Result<i64, CmdError> {
    crate::db::value::parse_strict_i64(arg).ok_or(CmdError::NotInteger)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_row_has_a_handler_and_every_handler_a_row() {
        // build() asserts that every handler has a row.
        let t = super::build_table();
        assert!(t.missing_handlers().is_empty(), "rows without a handler: {:?}", t.missing_handlers());
    }
}
