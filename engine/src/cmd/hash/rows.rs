//! The hash family's command rows, sorted by name (see [`crate::cmd::rows`]
//! for the row format).

use crate::cmd::def::flag::*;
use crate::cmd::def::{row, CommandDef, KeySpec};
use crate::cmd::docs::hash;

pub static ROWS: &[CommandDef] = &[
    row("hdel", -3, WRITE | FAST, (1, 1, 1), &["@write", "@hash", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "delete"])])
        .docs(&hash::HDEL),
    row("hexists", 3, READONLY | FAST, (1, 1, 1), &["@read", "@hash", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO"])])
        .docs(&hash::HEXISTS),
    row("hget", 3, READONLY | FAST, (1, 1, 1), &["@read", "@hash", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&hash::HGET),
    row("hgetall", 2, READONLY, (1, 1, 1), &["@read", "@hash", "@slow"])
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&hash::HGETALL),
    row("hincrby", 4, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@hash", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "update"])])
        .docs(&hash::HINCRBY),
    row("hincrbyfloat", 4, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@hash", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "update"])])
        .docs(&hash::HINCRBYFLOAT),
    row("hkeys", 2, READONLY, (1, 1, 1), &["@read", "@hash", "@slow"])
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&hash::HKEYS),
    row("hlen", 2, READONLY | FAST, (1, 1, 1), &["@read", "@hash", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO"])])
        .docs(&hash::HLEN),
    row("hmget", -3, READONLY | FAST, (1, 1, 1), &["@read", "@hash", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&hash::HMGET),
    row("hmset", -4, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@hash", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "update"])])
        .docs(&hash::HMSET),
    row("hrandfield", -2, READONLY, (1, 1, 1), &["@read", "@hash", "@slow"])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&hash::HRANDFIELD),
    row("hscan", -3, READONLY, (1, 1, 1), &["@read", "@hash", "@slow"])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&hash::HSCAN),
    row("hset", -4, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@hash", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "update"])])
        .docs(&hash::HSET),
    row("hsetnx", 4, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@hash", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "insert"])])
        .docs(&hash::HSETNX),
    row("hstrlen", 3, READONLY | FAST, (1, 1, 1), &["@read", "@hash", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO"])])
        .docs(&hash::HSTRLEN),
    row("hvals", 2, READONLY, (1, 1, 1), &["@read", "@hash", "@slow"])
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&hash::HVALS),
];
