//! The set family's command rows, sorted by name (see [`crate::cmd::rows`]
//! for the row format). Values from Redis 7.0's COMMAND INFO.

use crate::cmd::def::flag::*;
use crate::cmd::def::{row, CommandDef, KeySpec};
use crate::cmd::docs::set;

pub static ROWS: &[CommandDef] = &[
    row("sadd", -3, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@set", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "insert"])])
        .docs(&set::SADD),
    row("scard", 2, READONLY | FAST, (1, 1, 1), &["@read", "@set", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO"])])
        .docs(&set::SCARD),
    row("sdiff", -2, READONLY, (1, -1, 1), &["@read", "@set", "@slow"])
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"]).range(-1, 1, 0)])
        .docs(&set::SDIFF),
    row("sdiffstore", -3, WRITE | DENYOOM, (1, -1, 1), &["@write", "@set", "@slow"])
        .key_specs(&[KeySpec::index(1, &["OW", "update"]), KeySpec::index(2, &["RO", "access"]).range(-1, 1, 0)])
        .docs(&set::SDIFFSTORE),
    row("sinter", -2, READONLY, (1, -1, 1), &["@read", "@set", "@slow"])
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"]).range(-1, 1, 0)])
        .docs(&set::SINTER),
    row("sintercard", -3, READONLY | MOVABLEKEYS, (0, 0, 0), &["@read", "@set", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"]).keynum(0, 1, 1)])
        .docs(&set::SINTERCARD),
    row("sinterstore", -3, WRITE | DENYOOM, (1, -1, 1), &["@write", "@set", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RW", "update"]), KeySpec::index(2, &["RO", "access"]).range(-1, 1, 0)])
        .docs(&set::SINTERSTORE),
    row("sismember", 3, READONLY | FAST, (1, 1, 1), &["@read", "@set", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO"])])
        .docs(&set::SISMEMBER),
    row("smembers", 2, READONLY, (1, 1, 1), &["@read", "@set", "@slow"])
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&set::SMEMBERS),
    row("smismember", -3, READONLY | FAST, (1, 1, 1), &["@read", "@set", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&set::SMISMEMBER),
    row("smove", 4, WRITE | FAST, (1, 2, 1), &["@write", "@set", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "delete"]), KeySpec::index(2, &["RW", "insert"])])
        .docs(&set::SMOVE),
    row("spop", -2, WRITE | FAST, (1, 1, 1), &["@write", "@set", "@fast"])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "delete"])])
        .docs(&set::SPOP),
    row("srandmember", -2, READONLY, (1, 1, 1), &["@read", "@set", "@slow"])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&set::SRANDMEMBER),
    row("srem", -3, WRITE | FAST, (1, 1, 1), &["@write", "@set", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "delete"])])
        .docs(&set::SREM),
    row("sscan", -3, READONLY, (1, 1, 1), &["@read", "@set", "@slow"])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&set::SSCAN),
    row("sunion", -2, READONLY, (1, -1, 1), &["@read", "@set", "@slow"])
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"]).range(-1, 1, 0)])
        .docs(&set::SUNION),
    row("sunionstore", -3, WRITE | DENYOOM, (1, -1, 1), &["@write", "@set", "@slow"])
        .key_specs(&[KeySpec::index(1, &["OW", "update"]), KeySpec::index(2, &["RO", "access"]).range(-1, 1, 0)])
        .docs(&set::SUNIONSTORE),
];
