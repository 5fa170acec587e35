//! The sorted set family's command rows, sorted by name (see [`crate::cmd::rows`]
//! for the row format).

use crate::cmd::def::flag::*;
use crate::cmd::def::{row, CommandDef, KeySpec};
use crate::cmd::docs::sorted_set;

pub static ROWS: &[CommandDef] = &[
    row("bzmpop", -5, WRITE | BLOCKING | MOVABLEKEYS, (0, 0, 0), &["@write", "@sortedset", "@slow", "@blocking"])
        .key_specs(&[KeySpec::index(2, &["RW", "access", "delete"]).keynum(0, 1, 1)])
        .docs(&sorted_set::BZMPOP),
    row(
        "bzpopmax",
        -3,
        WRITE | NOSCRIPT | BLOCKING | FAST,
        (1, -2, 1),
        &["@write", "@sortedset", "@fast", "@blocking"],
    )
    .key_specs(&[KeySpec::index(1, &["RW", "access", "delete"]).range(-2, 1, 0)])
    .docs(&sorted_set::BZPOPMAX),
    row(
        "bzpopmin",
        -3,
        WRITE | NOSCRIPT | BLOCKING | FAST,
        (1, -2, 1),
        &["@write", "@sortedset", "@fast", "@blocking"],
    )
    .key_specs(&[KeySpec::index(1, &["RW", "access", "delete"]).range(-2, 1, 0)])
    .docs(&sorted_set::BZPOPMIN),
    row("zadd", -4, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@sortedset", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "update"])])
        .docs(&sorted_set::ZADD),
    row("zcard", 2, READONLY | FAST, (1, 1, 1), &["@read", "@sortedset", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO"])])
        .docs(&sorted_set::ZCARD),
    row("zcount", 4, READONLY | FAST, (1, 1, 1), &["@read", "@sortedset", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&sorted_set::ZCOUNT),
    row("zdiff", -3, READONLY | MOVABLEKEYS, (0, 0, 0), &["@read", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"]).keynum(0, 1, 1)])
        .docs(&sorted_set::ZDIFF),
    row("zdiffstore", -4, WRITE | DENYOOM | MOVABLEKEYS, (1, 1, 1), &["@write", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["OW", "update"]), KeySpec::index(2, &["RO", "access"]).keynum(0, 1, 1)])
        .docs(&sorted_set::ZDIFFSTORE),
    row("zincrby", 4, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@sortedset", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "update"])])
        .docs(&sorted_set::ZINCRBY),
    row("zinter", -3, READONLY | MOVABLEKEYS, (0, 0, 0), &["@read", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"]).keynum(0, 1, 1)])
        .docs(&sorted_set::ZINTER),
    row("zintercard", -3, READONLY | MOVABLEKEYS, (0, 0, 0), &["@read", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"]).keynum(0, 1, 1)])
        .docs(&sorted_set::ZINTERCARD),
    row("zinterstore", -4, WRITE | DENYOOM | MOVABLEKEYS, (1, 1, 1), &["@write", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["OW", "update"]), KeySpec::index(2, &["RO", "access"]).keynum(0, 1, 1)])
        .docs(&sorted_set::ZINTERSTORE),
    row("zlexcount", 4, READONLY | FAST, (1, 1, 1), &["@read", "@sortedset", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&sorted_set::ZLEXCOUNT),
    row("zmpop", -4, WRITE | MOVABLEKEYS, (0, 0, 0), &["@write", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "delete"]).keynum(0, 1, 1)])
        .docs(&sorted_set::ZMPOP),
    row("zmscore", -3, READONLY | FAST, (1, 1, 1), &["@read", "@sortedset", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&sorted_set::ZMSCORE),
    row("zpopmax", -2, WRITE | FAST, (1, 1, 1), &["@write", "@sortedset", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "delete"])])
        .docs(&sorted_set::ZPOPMAX),
    row("zpopmin", -2, WRITE | FAST, (1, 1, 1), &["@write", "@sortedset", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "delete"])])
        .docs(&sorted_set::ZPOPMIN),
    row("zrandmember", -2, READONLY, (1, 1, 1), &["@read", "@sortedset", "@slow"])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&sorted_set::ZRANDMEMBER),
    row("zrange", -4, READONLY, (1, 1, 1), &["@read", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&sorted_set::ZRANGE),
    row("zrangebylex", -4, READONLY, (1, 1, 1), &["@read", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&sorted_set::ZRANGEBYLEX),
    row("zrangebyscore", -4, READONLY, (1, 1, 1), &["@read", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&sorted_set::ZRANGEBYSCORE),
    row("zrangestore", -5, WRITE | DENYOOM, (1, 2, 1), &["@write", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["OW", "update"]), KeySpec::index(2, &["RO", "access"])])
        .docs(&sorted_set::ZRANGESTORE),
    row("zrank", 3, READONLY | FAST, (1, 1, 1), &["@read", "@sortedset", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&sorted_set::ZRANK),
    row("zrem", -3, WRITE | FAST, (1, 1, 1), &["@write", "@sortedset", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "delete"])])
        .docs(&sorted_set::ZREM),
    row("zremrangebylex", 4, WRITE, (1, 1, 1), &["@write", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RW", "delete"])])
        .docs(&sorted_set::ZREMRANGEBYLEX),
    row("zremrangebyrank", 4, WRITE, (1, 1, 1), &["@write", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RW", "delete"])])
        .docs(&sorted_set::ZREMRANGEBYRANK),
    row("zremrangebyscore", 4, WRITE, (1, 1, 1), &["@write", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RW", "delete"])])
        .docs(&sorted_set::ZREMRANGEBYSCORE),
    row("zrevrange", -4, READONLY, (1, 1, 1), &["@read", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&sorted_set::ZREVRANGE),
    row("zrevrangebylex", -4, READONLY, (1, 1, 1), &["@read", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&sorted_set::ZREVRANGEBYLEX),
    row("zrevrangebyscore", -4, READONLY, (1, 1, 1), &["@read", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&sorted_set::ZREVRANGEBYSCORE),
    row("zrevrank", 3, READONLY | FAST, (1, 1, 1), &["@read", "@sortedset", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&sorted_set::ZREVRANK),
    row("zscan", -3, READONLY, (1, 1, 1), &["@read", "@sortedset", "@slow"])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&sorted_set::ZSCAN),
    row("zscore", 3, READONLY | FAST, (1, 1, 1), &["@read", "@sortedset", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&sorted_set::ZSCORE),
    row("zunion", -3, READONLY | MOVABLEKEYS, (0, 0, 0), &["@read", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"]).keynum(0, 1, 1)])
        .docs(&sorted_set::ZUNION),
    row("zunionstore", -4, WRITE | DENYOOM | MOVABLEKEYS, (1, 1, 1), &["@write", "@sortedset", "@slow"])
        .key_specs(&[KeySpec::index(1, &["OW", "update"]), KeySpec::index(2, &["RO", "access"]).keynum(0, 1, 1)])
        .docs(&sorted_set::ZUNIONSTORE),
];
