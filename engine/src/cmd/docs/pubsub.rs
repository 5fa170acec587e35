//! COMMAND DOCS of the `pubsub` group, as Redis 7.0 has them.

use crate::cmd::def::{Arg, Docs};

pub static PSUBSCRIBE: Docs =
    Docs::new("Listen for messages published to channels matching the given patterns", "2.0.0", "pubsub")
        .complexity("O(N) where N is the number of patterns the client is already subscribed to.")
        .args(&[Arg::block("pattern", &[Arg::pattern("pattern")]).multiple()]);

pub static PUBLISH: Docs = Docs::new("Post a message to a channel", "2.0.0", "pubsub")
    .complexity(
        "O(N+M) where N is the number of clients subscribed to the receiving channel and M is \
        the total number of subscribed patterns (by any client).",
    )
    .args(&[Arg::string("channel"), Arg::string("message")]);

pub static PUBSUB: Docs =
    Docs::new("A container for Pub/Sub commands", "2.8.0", "pubsub").complexity("Depends on subcommand.");

pub static PUBSUB_CHANNELS: Docs = Docs::new("List active channels", "2.8.0", "pubsub")
    .complexity(
        "O(N) where N is the number of active channels, and assuming constant time pattern \
        matching (relatively short channels and patterns)",
    )
    .args(&[Arg::pattern("pattern").optional()]);

pub static PUBSUB_NUMPAT: Docs =
    Docs::new("Get the count of unique patterns pattern subscriptions", "2.8.0", "pubsub").complexity("O(1)");

pub static PUBSUB_NUMSUB: Docs = Docs::new("Get the count of subscribers for channels", "2.8.0", "pubsub")
    .complexity("O(N) for the NUMSUB subcommand, where N is the number of requested channels")
    .args(&[Arg::string("channel").optional().multiple()]);

pub static PUBSUB_SHARDCHANNELS: Docs = Docs::new("List active shard channels", "7.0.0", "pubsub")
    .complexity(
        "O(N) where N is the number of active shard channels, and assuming constant time pattern \
        matching (relatively short shard channels).",
    )
    .args(&[Arg::pattern("pattern").optional()]);

pub static PUBSUB_SHARDNUMSUB: Docs = Docs::new("Get the count of subscribers for shard channels", "7.0.0", "pubsub")
    .complexity("O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels")
    .args(&[Arg::string("shardchannel").optional().multiple()]);

pub static PUBSUB_HELP: Docs =
    Docs::new("Show helpful text about the different subcommands", "6.2.0", "pubsub").complexity("O(1)");

pub static PUNSUBSCRIBE: Docs =
    Docs::new("Stop listening for messages posted to channels matching the given patterns", "2.0.0", "pubsub")
        .complexity(
            "O(N+M) where N is the number of patterns the client is already subscribed and M is the \
        number of total patterns subscribed in the system (by any client).",
        )
        .args(&[Arg::pattern("pattern").optional().multiple()]);

pub static SPUBLISH: Docs = Docs::new("Post a message to a shard channel", "7.0.0", "pubsub")
    .complexity("O(N) where N is the number of clients subscribed to the receiving shard channel.")
    .args(&[Arg::string("shardchannel"), Arg::string("message")]);

pub static SSUBSCRIBE: Docs = Docs::new("Listen for messages published to the given shard channels", "7.0.0", "pubsub")
    .complexity("O(N) where N is the number of shard channels to subscribe to.")
    .args(&[Arg::string("shardchannel").multiple()]);

pub static SUBSCRIBE: Docs = Docs::new("Listen for messages published to the given channels", "2.0.0", "pubsub")
    .complexity("O(N) where N is the number of channels to subscribe to.")
    .args(&[Arg::string("channel").multiple()]);

pub static SUNSUBSCRIBE: Docs =
    Docs::new("Stop listening for messages posted to the given shard channels", "7.0.0", "pubsub")
        .complexity("O(N) where N is the number of clients already subscribed to a shard channel.")
        .args(&[Arg::string("shardchannel").optional().multiple()]);

pub static UNSUBSCRIBE: Docs = Docs::new("Stop listening for messages posted to the given channels", "2.0.0", "pubsub")
    .complexity("O(N) where N is the number of clients already subscribed to a channel.")
    .args(&[Arg::string("channel").optional().multiple()]);
