//! The command rows (Redis 7.0's metadata for each command we implement).
//!
//! INTERIM: a few hand-written rows; the full table is generated from
//! Redis's own metadata by the table generator.

use super::table::flag::*;
use super::table::*;

const fn docs(summary: &'static str, since: &'static str, group: &'static str, complexity: &'static str) -> Docs {
    Docs {
        summary,
        since,
        group,
        complexity: Some(complexity),
        doc_flags: &[],
        deprecated_since: None,
        replaced_by: None,
        history: &[],
        arguments: &[],
    }
}

const KEY1_RO: &[KeySpec] = &[KeySpec {
    notes: None,
    flags: &["RO", "access"],
    begin_search: BeginSearch::Index(1),
    find_keys: FindKeys::Range { lastkey: 0, keystep: 1, limit: 0 },
}];
const KEY1_RW: &[KeySpec] = &[KeySpec {
    notes: None,
    flags: &["RW", "access", "update"],
    begin_search: BeginSearch::Index(1),
    find_keys: FindKeys::Range { lastkey: 0, keystep: 1, limit: 0 },
}];

pub static COMMANDS: &[CommandDef] = &[
    CommandDef {
        name: "echo",
        arity: 2,
        flags: FAST,
        first_key: 0,
        last_key: 0,
        key_step: 0,
        acl_categories: &["@fast", "@connection"],
        tips: &[],
        key_specs: &[],
        subcommands: &[],
        docs: docs("Echo the given string", "1.0.0", "connection", "O(1)"),
    },
    CommandDef {
        name: "get",
        arity: 2,
        flags: READONLY | FAST,
        first_key: 1,
        last_key: 1,
        key_step: 1,
        acl_categories: &["@read", "@string", "@fast"],
        tips: &[],
        key_specs: KEY1_RO,
        subcommands: &[],
        docs: docs("Get the value of a key", "1.0.0", "string", "O(1)"),
    },
    CommandDef {
        name: "ping",
        arity: -1,
        flags: FAST,
        first_key: 0,
        last_key: 0,
        key_step: 0,
        acl_categories: &["@fast", "@connection"],
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        key_specs: &[],
        subcommands: &[],
        docs: docs("Ping the server", "1.0.0", "connection", "O(1)"),
    },
    CommandDef {
        name: "quit",
        arity: -1,
        flags: NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
        first_key: 0,
        last_key: 0,
        key_step: 0,
        acl_categories: &["@fast", "@connection"],
        tips: &[],
        key_specs: &[],
        subcommands: &[],
        docs: docs("Close the connection", "1.0.0", "connection", "O(1)"),
    },
    CommandDef {
        name: "select",
        arity: 2,
        flags: LOADING | STALE | FAST,
        first_key: 0,
        last_key: 0,
        key_step: 0,
        acl_categories: &["@fast", "@connection"],
        tips: &[],
        key_specs: &[],
        subcommands: &[],
        docs: docs("Change the selected database for the current connection", "2.0.0", "connection", "O(1)"),
    },
    CommandDef {
        name: "set",
        arity: -3,
        flags: WRITE | DENYOOM,
        first_key: 1,
        last_key: 1,
        key_step: 1,
        acl_categories: &["@write", "@string", "@slow"],
        tips: &[],
        key_specs: KEY1_RW,
        subcommands: &[],
        docs: docs("Set the string value of a key", "1.0.0", "string", "O(1)"),
    },
];
