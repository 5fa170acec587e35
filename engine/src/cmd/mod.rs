//! Commands: the table and one module per family. Each family module
//! exports `HANDLERS: &[(&str, Handler)]`, keyed by full command name; the
//! rows live in [`rows`] (their shape in [`def`], their COMMAND DOCS text in
//! [`docs`]). Handlers see the server through [`Ctx`](crate::ctx::Ctx).
//!
//! # Adding a command
//! 1. Its row in [`rows::COMMANDS`] (alphabetically; a subcommand goes in
//!    its container's `<NAME>_SUBCOMMANDS`), and its [`def::Docs`] in
//!    `docs/<group>.rs`. The values are Redis 7.0's (`COMMAND INFO` /
//!    `COMMAND DOCS`; `engine/tools/row_from_redis.py` prints both).
//! 2. Its handler in the family module, with a `# Format` block in its doc,
//!    and a `("name", handler)` entry in that module's `HANDLERS`
//!    (`"container|sub"` for a subcommand).
//! 3. In the simulator, a model function and its `Spec` in
//!    `sim/src/model/mod.rs` (a subcommand: a `Sub` in its container's
//!    list), or a reason in `NOT_MODELLED`.
//!
//! Tests hold these together: a row without a handler or a handler without
//! a row, a row without docs, a handler without `# Format`, and a command
//! with neither a model function nor a reason each fail a test.

pub mod auth;
pub mod bits;
pub mod client;
pub mod client_ctl;
pub mod command;
pub mod connection;
pub mod debug;
pub mod def;
pub mod diag;
pub mod docs;
pub mod error;
pub mod expire;
pub mod glob;
pub mod hash;
pub mod info;
pub mod keys;
pub mod lcs;
pub mod list;
pub mod memory;
pub mod memory_usage;
pub mod multi;
pub mod pubsub;
pub mod rows;
pub mod server;
pub mod server_facts;
pub mod set;
pub mod sort;
pub mod string;
pub mod strtod;
pub mod table;
pub mod zset;

pub use crate::ctx::Handler;
pub use error::{CmdError, CmdResult};
pub use table::{CommandDef, CommandTable};

/// Every family's handlers.
pub fn all_handlers() -> Vec<(&'static str, Handler)> {
    [
        connection::HANDLERS,
        client::HANDLERS,
        client_ctl::HANDLERS,
        auth::HANDLERS,
        command::HANDLERS,
        info::HANDLERS,
        server::HANDLERS,
        diag::HANDLERS,
        debug::HANDLERS,
        server_facts::HANDLERS,
        keys::HANDLERS,
        expire::HANDLERS,
        string::HANDLERS,
        bits::HANDLERS,
        lcs::HANDLERS,
        memory::HANDLERS,
        pubsub::HANDLERS,
        list::HANDLERS,
        hash::HANDLERS,
        set::HANDLERS,
        zset::HANDLERS,
        sort::HANDLERS,
        multi::HANDLERS,
    ]
    .iter()
    .flat_map(|h| h.iter().copied())
    .collect()
}

/// Every family's rows: [`rows::COMMANDS`] for the families written before
/// the data types, then one `ROWS` per data-type family (each sorted by
/// name, in its own module so families grow without touching each other).
pub static ROW_GROUPS: &[&[CommandDef]] = &[
    rows::COMMANDS,
    list::rows::ROWS,
    hash::rows::ROWS,
    set::rows::ROWS,
    zset::rows::ROWS,
    multi::ROWS,
    pubsub::rows::ROWS,
];

/// Every row of every group, sorted by name (the order COMMAND lists them).
pub fn all_rows() -> Vec<&'static CommandDef> {
    let mut rows: Vec<&'static CommandDef> = ROW_GROUPS.iter().flat_map(|g| g.iter()).collect();
    rows.sort_by_key(|d| d.name);
    rows
}

pub fn build_table() -> CommandTable {
    CommandTable::build(&all_rows(), &all_handlers())
}

/// Adds `changes` to the write count (Redis `server.dirty`). None means
/// the command changed nothing, and then it goes nowhere: Redis propagates
/// a command only when it moved `server.dirty`.
pub(crate) fn count_changes(ctx: &mut crate::ctx::Ctx<'_>, changes: u64) {
    ctx.srv.stats.dirty += changes;
    if changes == 0 {
        ctx.propagate_nothing();
    }
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

    #[test]
    fn rows_are_sorted_unique_and_documented() {
        for group in super::ROW_GROUPS {
            for pair in group.windows(2) {
                assert!(
                    pair[0].name < pair[1].name,
                    "rows out of order or repeated: {} {}",
                    pair[0].name,
                    pair[1].name
                );
            }
        }
        let rows = super::all_rows();
        for pair in rows.windows(2) {
            assert!(pair[0].name != pair[1].name, "a row in two groups: {}", pair[0].name);
        }
        for def in rows.iter().copied().chain(rows.iter().flat_map(|d| d.subcommands)) {
            assert_eq!(def.name, def.name.to_ascii_lowercase());
            assert!(def.arity != 0, "{} has arity 0", def.name);
            let d = def.docs;
            assert!(!d.summary.is_empty() && !d.since.is_empty() && !d.group.is_empty(), "{} has no docs", def.name);
            assert!(def.subcommands.iter().all(|s| s.subcommands.is_empty()), "{}: nested too deep", def.name);
        }
    }
}
