//! The list family's command rows, sorted by name (see [`crate::cmd::rows`]
//! for the row format).

use crate::cmd::def::flag::*;
use crate::cmd::def::{row, CommandDef, KeySpec};
use crate::cmd::docs::list;

pub static ROWS: &[CommandDef] = &[
    row("lindex", 3, READONLY, (1, 1, 1), &["@read", "@list", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&list::LINDEX),
    row("linsert", 5, WRITE | DENYOOM, (1, 1, 1), &["@write", "@list", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RW", "insert"])])
        .docs(&list::LINSERT),
    row("llen", 2, READONLY | FAST, (1, 1, 1), &["@read", "@list", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO"])])
        .docs(&list::LLEN),
    row("lmove", 5, WRITE | DENYOOM, (1, 2, 1), &["@write", "@list", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "delete"]), KeySpec::index(2, &["RW", "insert"])])
        .docs(&list::LMOVE),
    row("lmpop", -4, WRITE | MOVABLEKEYS, (0, 0, 0), &["@write", "@list", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "delete"]).keynum(0, 1, 1)])
        .docs(&list::LMPOP),
    row("lpop", -2, WRITE | FAST, (1, 1, 1), &["@write", "@list", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "delete"])])
        .docs(&list::LPOP),
    row("lpos", -3, READONLY, (1, 1, 1), &["@read", "@list", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&list::LPOS),
    row("lpush", -3, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@list", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "insert"])])
        .docs(&list::LPUSH),
    row("lpushx", -3, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@list", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "insert"])])
        .docs(&list::LPUSHX),
    row("lrange", 4, READONLY, (1, 1, 1), &["@read", "@list", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&list::LRANGE),
    row("lrem", 4, WRITE, (1, 1, 1), &["@write", "@list", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RW", "delete"])])
        .docs(&list::LREM),
    row("lset", 4, WRITE | DENYOOM, (1, 1, 1), &["@write", "@list", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RW", "update"])])
        .docs(&list::LSET),
    row("ltrim", 4, WRITE, (1, 1, 1), &["@write", "@list", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RW", "delete"])])
        .docs(&list::LTRIM),
    row("rpop", -2, WRITE | FAST, (1, 1, 1), &["@write", "@list", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "delete"])])
        .docs(&list::RPOP),
    row("rpoplpush", 3, WRITE | DENYOOM, (1, 2, 1), &["@write", "@list", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "delete"]), KeySpec::index(2, &["RW", "insert"])])
        .docs(&list::RPOPLPUSH),
    row("rpush", -3, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@list", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "insert"])])
        .docs(&list::RPUSH),
    row("rpushx", -3, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@list", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "insert"])])
        .docs(&list::RPUSHX),
];
