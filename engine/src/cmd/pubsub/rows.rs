//! The Pub/Sub family's command rows, sorted by name (see
//! [`crate::cmd::rows`] for the row format).

use crate::cmd::def::flag::*;
use crate::cmd::def::{row, CommandDef, KeySpec};
use crate::cmd::docs::pubsub;

pub static ROWS: &[CommandDef] = &[
    row("psubscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@pubsub", "@slow"])
        .docs(&pubsub::PSUBSCRIBE),
    row("publish", 3, PUBSUB | LOADING | STALE | FAST, (0, 0, 0), &["@pubsub", "@fast"]).docs(&pubsub::PUBLISH),
    row("pubsub", -2, NONE, (0, 0, 0), &["@slow"]).subcommands(PUBSUB_SUBCOMMANDS).docs(&pubsub::PUBSUB),
    row("punsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@pubsub", "@slow"])
        .docs(&pubsub::PUNSUBSCRIBE),
    row("spublish", 3, PUBSUB | LOADING | STALE | FAST, (1, 1, 1), &["@pubsub", "@fast"])
        .key_specs(&[KeySpec::index(1, &["not_key"])])
        .docs(&pubsub::SPUBLISH),
    row("ssubscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE, (1, -1, 1), &["@pubsub", "@slow"])
        .key_specs(&[KeySpec::index(1, &["not_key"]).range(-1, 1, 0)])
        .docs(&pubsub::SSUBSCRIBE),
    row("subscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@pubsub", "@slow"])
        .docs(&pubsub::SUBSCRIBE),
    row("sunsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE, (1, -1, 1), &["@pubsub", "@slow"])
        .key_specs(&[KeySpec::index(1, &["not_key"]).range(-1, 1, 0)])
        .docs(&pubsub::SUNSUBSCRIBE),
    row("unsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE, (0, 0, 0), &["@pubsub", "@slow"])
        .docs(&pubsub::UNSUBSCRIBE),
];

/// PUBSUB's subcommands, in the order Redis 7.0.15's COMMAND lists them.
static PUBSUB_SUBCOMMANDS: &[CommandDef] = &[
    row("numsub", -2, PUBSUB | LOADING | STALE, (0, 0, 0), &["@pubsub", "@slow"]).docs(&pubsub::PUBSUB_NUMSUB),
    row("help", 2, LOADING | STALE, (0, 0, 0), &["@slow"]).docs(&pubsub::PUBSUB_HELP),
    row("channels", -2, PUBSUB | LOADING | STALE, (0, 0, 0), &["@pubsub", "@slow"]).docs(&pubsub::PUBSUB_CHANNELS),
    row("shardchannels", -2, PUBSUB | LOADING | STALE, (0, 0, 0), &["@pubsub", "@slow"])
        .docs(&pubsub::PUBSUB_SHARDCHANNELS),
    row("shardnumsub", -2, PUBSUB | LOADING | STALE, (0, 0, 0), &["@pubsub", "@slow"])
        .docs(&pubsub::PUBSUB_SHARDNUMSUB),
    row("numpat", 2, PUBSUB | LOADING | STALE, (0, 0, 0), &["@pubsub", "@slow"]).docs(&pubsub::PUBSUB_NUMPAT),
];
