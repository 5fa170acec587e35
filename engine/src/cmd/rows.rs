//! The command table: one row per command (and per subcommand), written by
//! hand from Redis 7.0's COMMAND INFO. Each row holds the name, arity,
//! flags, `(first_key, last_key, key_step)`, ACL categories, then whatever
//! else the command has (tips, key specs, subcommands) and a reference to its
//! COMMAND DOCS text in [`docs`](super::docs). See [`def`](super::def) for
//! the builders.
//!
//! To add a command: add its row here (alphabetically), its [`Docs`] in the
//! group's file under `docs/`, and its handler to a family module's
//! `HANDLERS`. Copy the values from Redis 7.0's `src/commands/<name>.json`
//! or from `COMMAND INFO name` / `COMMAND DOCS name` of a Redis 7.0 (the
//! optional `engine/tools/row_from_redis.py PORT name` prints both in this
//! form, ready to paste); the differential suite compares our replies with
//! theirs.
//!
//! [`Docs`]: super::def::Docs
use super::def::flag::*;
use super::def::{row, BeginSearch, CommandDef, FindKeys, KeySpec};
use super::docs::{bitmap, connection, generic, server, string};

/// Every command, alphabetically (the order COMMAND lists them).
pub static COMMANDS: &[CommandDef] = &[
    row("acl", -2, NONE, (0, 0, 0), &["@slow"]).subcommands(ACL_SUBCOMMANDS).docs(&server::ACL),
    row("append", 3, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@string", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "insert"])])
        .docs(&string::APPEND),
    row("auth", -2, NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY, (0, 0, 0), &["@fast", "@connection"])
        .docs(&connection::AUTH),
    row("bgrewriteaof", 1, ADMIN | NOSCRIPT | NO_ASYNC_LOADING, (0, 0, 0), &["@admin", "@slow", "@dangerous"])
        .docs(&server::BGREWRITEAOF),
    row("bitcount", -2, READONLY, (1, 1, 1), &["@read", "@bitmap", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&bitmap::BITCOUNT),
    row("bitfield", -2, WRITE | DENYOOM, (1, 1, 1), &["@write", "@bitmap", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "update", "variable_flags"])
            .notes("This command allows both access and modification of the key")])
        .docs(&bitmap::BITFIELD),
    row("bitfield_ro", -2, READONLY | FAST, (1, 1, 1), &["@read", "@bitmap", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&bitmap::BITFIELD_RO),
    row("bitop", -4, WRITE | DENYOOM, (2, -1, 1), &["@write", "@bitmap", "@slow"])
        .key_specs(&[KeySpec::index(2, &["OW", "update"]), KeySpec::index(3, &["RO", "access"]).range(-1, 1, 0)])
        .docs(&bitmap::BITOP),
    row("bitpos", -3, READONLY, (1, 1, 1), &["@read", "@bitmap", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&bitmap::BITPOS),
    row("client", -2, NONE, (0, 0, 0), &["@slow"]).subcommands(CLIENT_SUBCOMMANDS).docs(&connection::CLIENT),
    row("command", -1, LOADING | STALE, (0, 0, 0), &["@slow", "@connection"])
        .tips(&["nondeterministic_output_order"])
        .subcommands(COMMAND_SUBCOMMANDS)
        .docs(&server::COMMAND),
    row("config", -2, NONE, (0, 0, 0), &["@slow"]).subcommands(CONFIG_SUBCOMMANDS).docs(&server::CONFIG),
    row("copy", -3, WRITE | DENYOOM, (1, 2, 1), &["@keyspace", "@write", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"]), KeySpec::index(2, &["OW", "update"])])
        .docs(&generic::COPY),
    row("dbsize", 1, READONLY | FAST, (0, 0, 0), &["@keyspace", "@read", "@fast"])
        .tips(&["request_policy:all_shards", "response_policy:agg_sum"])
        .docs(&server::DBSIZE),
    row("debug", -2, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous"])
        .docs(&server::DEBUG),
    row("decr", 2, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@string", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "update"])])
        .docs(&string::DECR),
    row("decrby", 3, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@string", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "update"])])
        .docs(&string::DECRBY),
    row("del", -2, WRITE, (1, -1, 1), &["@keyspace", "@write", "@slow"])
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .key_specs(&[KeySpec::index(1, &["RM", "delete"]).range(-1, 1, 0)])
        .docs(&generic::DEL),
    row("echo", 2, LOADING | STALE | FAST, (0, 0, 0), &["@fast", "@connection"]).docs(&connection::ECHO),
    row("exists", -2, READONLY | FAST, (1, -1, 1), &["@keyspace", "@read", "@fast"])
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .key_specs(&[KeySpec::index(1, &["RO"]).range(-1, 1, 0)])
        .docs(&generic::EXISTS),
    row("expire", -3, WRITE | FAST, (1, 1, 1), &["@keyspace", "@write", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "update"])])
        .docs(&generic::EXPIRE),
    row("expireat", -3, WRITE | FAST, (1, 1, 1), &["@keyspace", "@write", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "update"])])
        .docs(&generic::EXPIREAT),
    row("expiretime", 2, READONLY | FAST, (1, 1, 1), &["@keyspace", "@read", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&generic::EXPIRETIME),
    row("flushall", -1, WRITE, (0, 0, 0), &["@keyspace", "@write", "@slow", "@dangerous"])
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .docs(&server::FLUSHALL),
    row("flushdb", -1, WRITE, (0, 0, 0), &["@keyspace", "@write", "@slow", "@dangerous"])
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .docs(&server::FLUSHDB),
    row("get", 2, READONLY | FAST, (1, 1, 1), &["@read", "@string", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&string::GET),
    row("getbit", 3, READONLY | FAST, (1, 1, 1), &["@read", "@bitmap", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&bitmap::GETBIT),
    row("getdel", 2, WRITE | FAST, (1, 1, 1), &["@write", "@string", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "delete"])])
        .docs(&string::GETDEL),
    row("getex", -2, WRITE | FAST, (1, 1, 1), &["@write", "@string", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "update"]).notes("RW and UPDATE because it changes the TTL")])
        .docs(&string::GETEX),
    row("getrange", 4, READONLY, (1, 1, 1), &["@read", "@string", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&string::GETRANGE),
    row("getset", 3, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@string", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "update"])])
        .docs(&string::GETSET),
    row("hello", -1, NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY, (0, 0, 0), &["@fast", "@connection"])
        .docs(&connection::HELLO),
    row("incr", 2, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@string", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "update"])])
        .docs(&string::INCR),
    row("incrby", 3, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@string", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "update"])])
        .docs(&string::INCRBY),
    row("incrbyfloat", 3, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@string", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "update"])])
        .docs(&string::INCRBYFLOAT),
    row("info", -1, LOADING | STALE, (0, 0, 0), &["@slow", "@dangerous"])
        .tips(&["nondeterministic_output", "request_policy:all_shards", "response_policy:special"])
        .docs(&server::INFO),
    row("keys", 2, READONLY, (0, 0, 0), &["@keyspace", "@read", "@slow", "@dangerous"])
        .tips(&["request_policy:all_shards", "nondeterministic_output_order"])
        .docs(&generic::KEYS),
    row("lastsave", 1, LOADING | STALE | FAST, (0, 0, 0), &["@admin", "@fast", "@dangerous"])
        .tips(&["nondeterministic_output"])
        .docs(&server::LASTSAVE),
    row("latency", -2, NONE, (0, 0, 0), &["@slow"]).subcommands(LATENCY_SUBCOMMANDS).docs(&server::LATENCY),
    row("lcs", -3, READONLY, (1, 2, 1), &["@read", "@string", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"]).range(1, 1, 0)])
        .docs(&string::LCS),
    row("lolwut", -1, READONLY | FAST, (0, 0, 0), &["@read", "@fast"]).docs(&server::LOLWUT),
    row("memory", -2, NONE, (0, 0, 0), &["@slow"]).subcommands(MEMORY_SUBCOMMANDS).docs(&server::MEMORY),
    row("mget", -2, READONLY | FAST, (1, -1, 1), &["@read", "@string", "@fast"])
        .tips(&["request_policy:multi_shard"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"]).range(-1, 1, 0)])
        .docs(&string::MGET),
    row("monitor", 1, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous"])
        .docs(&server::MONITOR),
    row("move", 3, WRITE | FAST, (1, 1, 1), &["@keyspace", "@write", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "update"])])
        .docs(&generic::MOVE),
    row("mset", -3, WRITE | DENYOOM, (1, -1, 2), &["@write", "@string", "@slow"])
        .tips(&["request_policy:multi_shard", "response_policy:all_succeeded"])
        .key_specs(&[KeySpec::index(1, &["OW", "update"]).range(-1, 2, 0)])
        .docs(&string::MSET),
    row("msetnx", -3, WRITE | DENYOOM, (1, -1, 2), &["@write", "@string", "@slow"])
        .tips(&["request_policy:multi_shard", "response_policy:agg_min"])
        .key_specs(&[KeySpec::index(1, &["OW", "insert"]).range(-1, 2, 0)])
        .docs(&string::MSETNX),
    row("object", -2, NONE, (0, 0, 0), &["@slow"]).subcommands(OBJECT_SUBCOMMANDS).docs(&generic::OBJECT),
    row("persist", 2, WRITE | FAST, (1, 1, 1), &["@keyspace", "@write", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "update"])])
        .docs(&generic::PERSIST),
    row("pexpire", -3, WRITE | FAST, (1, 1, 1), &["@keyspace", "@write", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "update"])])
        .docs(&generic::PEXPIRE),
    row("pexpireat", -3, WRITE | FAST, (1, 1, 1), &["@keyspace", "@write", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "update"])])
        .docs(&generic::PEXPIREAT),
    row("pexpiretime", 2, READONLY | FAST, (1, 1, 1), &["@keyspace", "@read", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&generic::PEXPIRETIME),
    row("ping", -1, FAST, (0, 0, 0), &["@fast", "@connection"])
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .docs(&connection::PING),
    row("psetex", 4, WRITE | DENYOOM, (1, 1, 1), &["@write", "@string", "@slow"])
        .key_specs(&[KeySpec::index(1, &["OW", "update"])])
        .docs(&string::PSETEX),
    row("pttl", 2, READONLY | FAST, (1, 1, 1), &["@keyspace", "@read", "@fast"])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&generic::PTTL),
    row("quit", -1, NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY, (0, 0, 0), &["@fast", "@connection"])
        .docs(&connection::QUIT),
    row("randomkey", 1, READONLY, (0, 0, 0), &["@keyspace", "@read", "@slow"])
        .tips(&["request_policy:all_shards", "nondeterministic_output"])
        .docs(&generic::RANDOMKEY),
    row("rename", 3, WRITE, (1, 2, 1), &["@keyspace", "@write", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "delete"]), KeySpec::index(2, &["OW", "update"])])
        .docs(&generic::RENAME),
    row("renamenx", 3, WRITE | FAST, (1, 2, 1), &["@keyspace", "@write", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "delete"]), KeySpec::index(2, &["OW", "insert"])])
        .docs(&generic::RENAMENX),
    row("reset", 1, NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY, (0, 0, 0), &["@fast", "@connection"])
        .docs(&connection::RESET),
    row("role", 1, NOSCRIPT | LOADING | STALE | FAST, (0, 0, 0), &["@admin", "@fast", "@dangerous"])
        .docs(&server::ROLE),
    row("scan", -2, READONLY, (0, 0, 0), &["@keyspace", "@read", "@slow"])
        .tips(&["nondeterministic_output", "request_policy:special"])
        .docs(&generic::SCAN),
    row("select", 2, LOADING | STALE | FAST, (0, 0, 0), &["@fast", "@connection"]).docs(&connection::SELECT),
    row("set", -3, WRITE | DENYOOM, (1, 1, 1), &["@write", "@string", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "update", "variable_flags"])
            .notes("RW and ACCESS due to the optional `GET` argument")])
        .docs(&string::SET),
    row("setbit", 4, WRITE | DENYOOM, (1, 1, 1), &["@write", "@bitmap", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RW", "access", "update"])])
        .docs(&bitmap::SETBIT),
    row("setex", 4, WRITE | DENYOOM, (1, 1, 1), &["@write", "@string", "@slow"])
        .key_specs(&[KeySpec::index(1, &["OW", "update"])])
        .docs(&string::SETEX),
    row("setnx", 3, WRITE | DENYOOM | FAST, (1, 1, 1), &["@write", "@string", "@fast"])
        .key_specs(&[KeySpec::index(1, &["OW", "insert"])])
        .docs(&string::SETNX),
    row("setrange", 4, WRITE | DENYOOM, (1, 1, 1), &["@write", "@string", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RW", "update"])])
        .docs(&string::SETRANGE),
    row(
        "shutdown",
        -1,
        ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | ALLOW_BUSY,
        (0, 0, 0),
        &["@admin", "@slow", "@dangerous"],
    )
    .docs(&server::SHUTDOWN),
    row("slowlog", -2, NONE, (0, 0, 0), &["@slow"]).subcommands(SLOWLOG_SUBCOMMANDS).docs(&server::SLOWLOG),
    row(
        "sort",
        -2,
        WRITE | DENYOOM | MOVABLEKEYS,
        (1, 1, 1),
        &["@write", "@set", "@sortedset", "@list", "@slow", "@dangerous"],
    )
    .key_specs(&[
        KeySpec::index(1, &["RO", "access"]),
        unknown_keys(&["RO", "access"]).notes(
            "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content \
                of the key we sort",
        ),
        unknown_keys(&["OW", "update"]).notes(
            "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the \
                argument array",
        ),
    ])
    .docs(&generic::SORT),
    row(
        "sort_ro",
        -2,
        READONLY | MOVABLEKEYS,
        (1, 1, 1),
        &["@read", "@set", "@sortedset", "@list", "@slow", "@dangerous"],
    )
    .key_specs(&[
        KeySpec::index(1, &["RO", "access"]),
        unknown_keys(&["RO", "access"]).notes(
            "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content \
                of the key we sort",
        ),
    ])
    .docs(&generic::SORT_RO),
    row("strlen", 2, READONLY | FAST, (1, 1, 1), &["@read", "@string", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO"])])
        .docs(&string::STRLEN),
    row("substr", 4, READONLY, (1, 1, 1), &["@read", "@string", "@slow"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&string::SUBSTR),
    row("swapdb", 3, WRITE | FAST, (0, 0, 0), &["@keyspace", "@write", "@fast", "@dangerous"]).docs(&server::SWAPDB),
    row("time", 1, LOADING | STALE | FAST, (0, 0, 0), &["@fast"])
        .tips(&["nondeterministic_output"])
        .docs(&server::TIME),
    row("touch", -2, READONLY | FAST, (1, -1, 1), &["@keyspace", "@read", "@fast"])
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .key_specs(&[KeySpec::index(1, &["RO"]).range(-1, 1, 0)])
        .docs(&generic::TOUCH),
    row("ttl", 2, READONLY | FAST, (1, 1, 1), &["@keyspace", "@read", "@fast"])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::index(1, &["RO", "access"])])
        .docs(&generic::TTL),
    row("type", 2, READONLY | FAST, (1, 1, 1), &["@keyspace", "@read", "@fast"])
        .key_specs(&[KeySpec::index(1, &["RO"])])
        .docs(&generic::TYPE),
    row("unlink", -2, WRITE | FAST, (1, -1, 1), &["@keyspace", "@write", "@fast"])
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .key_specs(&[KeySpec::index(1, &["RM", "delete"]).range(-1, 1, 0)])
        .docs(&generic::UNLINK),
    row("wait", 3, NOSCRIPT, (0, 0, 0), &["@slow", "@connection"])
        .tips(&["request_policy:all_shards", "response_policy:agg_min"])
        .docs(&generic::WAIT),
];

/// A key spec Redis marks unknown (SORT's BY/GET keys, named by the data,
/// and its STORE key, after a keyword that can be anywhere).
const fn unknown_keys(flags: &'static [&'static str]) -> KeySpec {
    KeySpec { begin_search: BeginSearch::Unknown, find_keys: FindKeys::Unknown, ..KeySpec::index(0, flags) }
}

/// CLIENT's subcommands, in the order COMMAND lists them.
static CLIENT_SUBCOMMANDS: &[CommandDef] = &[
    row("id", 2, NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@slow", "@connection"]).docs(&connection::CLIENT_ID),
    row("setname", 3, NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@slow", "@connection"])
        .docs(&connection::CLIENT_SETNAME),
    row("getname", 2, NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@slow", "@connection"])
        .docs(&connection::CLIENT_GETNAME),
    row("list", -2, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous", "@connection"])
        .tips(&["nondeterministic_output"])
        .docs(&connection::CLIENT_LIST),
    row("info", 2, NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@slow", "@connection"])
        .tips(&["nondeterministic_output"])
        .docs(&connection::CLIENT_INFO),
    row("help", 2, LOADING | STALE, (0, 0, 0), &["@slow", "@connection"]).docs(&connection::CLIENT_HELP),
    row(
        "unblock",
        -3,
        ADMIN | NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        &["@admin", "@slow", "@dangerous", "@connection"],
    )
    .docs(&connection::CLIENT_UNBLOCK),
    row("kill", -3, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous", "@connection"])
        .docs(&connection::CLIENT_KILL),
    row("pause", -3, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous", "@connection"])
        .docs(&connection::CLIENT_PAUSE),
    row("unpause", 2, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous", "@connection"])
        .docs(&connection::CLIENT_UNPAUSE),
    row("reply", 3, NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@slow", "@connection"]).docs(&connection::CLIENT_REPLY),
    row(
        "no-evict",
        3,
        ADMIN | NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        &["@admin", "@slow", "@dangerous", "@connection"],
    )
    .docs(&connection::CLIENT_NO_EVICT),
    row("tracking", -3, NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@slow", "@connection"])
        .docs(&connection::CLIENT_TRACKING),
];

/// ACL's subcommands we run (the only user is `default`; see `cmd/auth.rs`),
/// in the order COMMAND lists them.
static ACL_SUBCOMMANDS: &[CommandDef] = &[
    row("help", 2, LOADING | STALE, (0, 0, 0), &["@slow"]).docs(&server::ACL_HELP),
    row("cat", -2, NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@slow"]).docs(&server::ACL_CAT),
    row("whoami", 2, NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@slow"]).docs(&server::ACL_WHOAMI),
];

/// COMMAND's subcommands, in the order COMMAND lists them.
static COMMAND_SUBCOMMANDS: &[CommandDef] = &[
    row("count", 2, LOADING | STALE, (0, 0, 0), &["@slow", "@connection"]).docs(&server::COMMAND_COUNT),
    row("info", -2, LOADING | STALE, (0, 0, 0), &["@slow", "@connection"])
        .tips(&["nondeterministic_output_order"])
        .docs(&server::COMMAND_INFO),
    row("docs", -2, LOADING | STALE, (0, 0, 0), &["@slow", "@connection"])
        .tips(&["nondeterministic_output_order"])
        .docs(&server::COMMAND_DOCS),
    row("help", 2, LOADING | STALE, (0, 0, 0), &["@slow", "@connection"]).docs(&server::COMMAND_HELP),
    row("list", -2, LOADING | STALE, (0, 0, 0), &["@slow", "@connection"])
        .tips(&["nondeterministic_output_order"])
        .docs(&server::COMMAND_LIST),
    row("getkeys", -4, LOADING | STALE, (0, 0, 0), &["@slow", "@connection"]).docs(&server::COMMAND_GETKEYS),
];

/// CONFIG's subcommands, in the order COMMAND lists them.
static CONFIG_SUBCOMMANDS: &[CommandDef] = &[
    row("get", -3, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous"])
        .docs(&server::CONFIG_GET),
    row("set", -4, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous"])
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .docs(&server::CONFIG_SET),
    row("resetstat", 2, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous"])
        .docs(&server::CONFIG_RESETSTAT),
    row("rewrite", 2, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous"])
        .docs(&server::CONFIG_REWRITE),
    row("help", 2, LOADING | STALE, (0, 0, 0), &["@slow"]).docs(&server::CONFIG_HELP),
];

/// MEMORY's subcommands, in the order COMMAND lists them. Redis 7.0 also
/// has DOCTOR and MALLOC-STATS, which print its own allocator's (jemalloc)
/// reports: they are not here, so they answer "unknown subcommand" (MEMORY
/// HELP still prints Redis's full text).
static MEMORY_SUBCOMMANDS: &[CommandDef] = &[
    row("usage", -3, READONLY, (2, 2, 1), &["@read", "@slow"])
        .key_specs(&[KeySpec::index(2, &["RO"])])
        .docs(&server::MEMORY_USAGE),
    row("stats", 2, NONE, (0, 0, 0), &["@slow"])
        .tips(&["nondeterministic_output", "request_policy:all_shards", "response_policy:special"])
        .docs(&server::MEMORY_STATS),
    row("help", 2, LOADING | STALE, (0, 0, 0), &["@slow"]).docs(&server::MEMORY_HELP),
    row("purge", 2, NONE, (0, 0, 0), &["@slow"])
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .docs(&server::MEMORY_PURGE),
];

/// OBJECT's subcommands, in the order COMMAND lists them.
static OBJECT_SUBCOMMANDS: &[CommandDef] = &[
    row("encoding", 3, READONLY, (2, 2, 1), &["@keyspace", "@read", "@slow"])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::index(2, &["RO"])])
        .docs(&generic::OBJECT_ENCODING),
    row("freq", 3, READONLY, (2, 2, 1), &["@keyspace", "@read", "@slow"])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::index(2, &["RO"])])
        .docs(&generic::OBJECT_FREQ),
    row("idletime", 3, READONLY, (2, 2, 1), &["@keyspace", "@read", "@slow"])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::index(2, &["RO"])])
        .docs(&generic::OBJECT_IDLETIME),
    row("refcount", 3, READONLY, (2, 2, 1), &["@keyspace", "@read", "@slow"])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::index(2, &["RO"])])
        .docs(&generic::OBJECT_REFCOUNT),
    row("help", 2, LOADING | STALE, (0, 0, 0), &["@keyspace", "@slow"]).docs(&generic::OBJECT_HELP),
];

/// SLOWLOG's subcommands, in the order COMMAND lists them.
static SLOWLOG_SUBCOMMANDS: &[CommandDef] = &[
    row("get", -2, ADMIN | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous"])
        .tips(&["request_policy:all_nodes", "nondeterministic_output"])
        .docs(&server::SLOWLOG_GET),
    row("len", 2, ADMIN | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous"])
        .tips(&["request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"])
        .docs(&server::SLOWLOG_LEN),
    row("reset", 2, ADMIN | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous"])
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .docs(&server::SLOWLOG_RESET),
    row("help", 2, LOADING | STALE, (0, 0, 0), &["@slow"]).docs(&server::SLOWLOG_HELP),
];

/// LATENCY's subcommands we have, in the order COMMAND lists them (Redis
/// 7.0 also has GRAPH).
static LATENCY_SUBCOMMANDS: &[CommandDef] = &[
    row("latest", 2, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous"])
        .tips(&["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"])
        .docs(&server::LATENCY_LATEST),
    row("history", 3, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous"])
        .tips(&["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"])
        .docs(&server::LATENCY_HISTORY),
    row("reset", -2, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous"])
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .docs(&server::LATENCY_RESET),
    row("help", 2, LOADING | STALE, (0, 0, 0), &["@slow"]).docs(&server::LATENCY_HELP),
    row("doctor", 2, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous"])
        .tips(&["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"])
        .docs(&server::LATENCY_DOCTOR),
    row("histogram", -2, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@admin", "@slow", "@dangerous"])
        .tips(&["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"])
        .docs(&server::LATENCY_HISTOGRAM),
];
