//! COMMAND DOCS of the `server` group, as Redis 7.0 has them.

use crate::cmd::def::{Arg, Docs};

pub static COMMAND: Docs = Docs::new("Get array of Redis command details", "2.8.13", "server")
    .complexity("O(N) where N is the total number of Redis commands");

pub static COMMAND_COUNT: Docs = Docs::new("Get total number of Redis commands", "2.8.13", "server").complexity("O(1)");

pub static COMMAND_INFO: Docs =
    Docs::new("Get array of specific Redis command details, or all when no argument is given.", "2.8.13", "server")
        .complexity("O(N) where N is the number of commands to look up")
        .history(&[("7.0.0", "Allowed to be called with no argument to get info on all commands.")])
        .args(&[Arg::string("command-name").optional().multiple()]);

pub static COMMAND_DOCS: Docs = Docs::new("Get array of specific Redis command documentation", "7.0.0", "server")
    .complexity("O(N) where N is the number of commands to look up")
    .args(&[Arg::string("command-name").optional().multiple()]);

pub static COMMAND_HELP: Docs =
    Docs::new("Show helpful text about the different subcommands", "5.0.0", "server").complexity("O(1)");

pub static COMMAND_LIST: Docs = Docs::new("Get an array of Redis command names", "7.0.0", "server")
    .complexity("O(N) where N is the total number of Redis commands")
    .args(&[Arg::oneof(
        "filterby",
        &[
            Arg::string("module-name").token("MODULE"),
            Arg::string("category").token("ACLCAT"),
            Arg::pattern("pattern").token("PATTERN"),
        ],
    )
    .token("FILTERBY")
    .optional()]);

pub static COMMAND_GETKEYS: Docs = Docs::new("Extract keys given a full Redis command", "2.8.13", "server")
    .complexity("O(N) where N is the number of arguments to the command");

pub static CONFIG: Docs =
    Docs::new("A container for server configuration commands", "2.0.0", "server").complexity("Depends on subcommand.");

pub static CONFIG_GET: Docs = Docs::new("Get the values of configuration parameters", "2.0.0", "server")
    .complexity("O(N) when N is the number of configuration parameters provided")
    .history(&[("7.0.0", "Added the ability to pass multiple pattern parameters in one call")])
    .args(&[Arg::block("parameter", &[Arg::string("parameter")]).multiple()]);

pub static CONFIG_SET: Docs = Docs::new("Set configuration parameters to the given values", "2.0.0", "server")
    .complexity("O(N) when N is the number of configuration parameters provided")
    .history(&[("7.0.0", "Added the ability to set multiple parameters in one call.")])
    .args(&[Arg::block("parameter_value", &[Arg::string("parameter"), Arg::string("value")]).multiple()]);

pub static CONFIG_RESETSTAT: Docs = Docs::new("Reset the stats returned by INFO", "2.0.0", "server").complexity("O(1)");

pub static CONFIG_HELP: Docs =
    Docs::new("Show helpful text about the different subcommands", "5.0.0", "server").complexity("O(1)");

pub static BGREWRITEAOF: Docs =
    Docs::new("Asynchronously rewrite the append-only file", "1.0.0", "server").complexity("O(1)");

pub static DBSIZE: Docs =
    Docs::new("Return the number of keys in the selected database", "1.0.0", "server").complexity("O(1)");

pub static FLUSHALL: Docs = Docs::new("Remove all keys from all databases", "1.0.0", "server")
    .complexity("O(N) where N is the total number of keys in all databases")
    .history(&[
        ("4.0.0", "Added the `ASYNC` flushing mode modifier."),
        ("6.2.0", "Added the `SYNC` flushing mode modifier."),
    ])
    .args(&[Arg::oneof(
        "async",
        &[Arg::pure_token("async", "ASYNC").since("4.0.0"), Arg::pure_token("sync", "SYNC").since("6.2.0")],
    )
    .optional()]);

pub static FLUSHDB: Docs = Docs::new("Remove all keys from the current database", "1.0.0", "server")
    .complexity("O(N) where N is the number of keys in the selected database")
    .history(&[
        ("4.0.0", "Added the `ASYNC` flushing mode modifier."),
        ("6.2.0", "Added the `SYNC` flushing mode modifier."),
    ])
    .args(&[Arg::oneof(
        "async",
        &[Arg::pure_token("async", "ASYNC").since("4.0.0"), Arg::pure_token("sync", "SYNC").since("6.2.0")],
    )
    .optional()]);

pub static INFO: Docs = Docs::new("Get information and statistics about the server", "1.0.0", "server")
    .complexity("O(1)")
    .history(&[("7.0.0", "Added support for taking multiple section arguments.")])
    .args(&[Arg::string("section").optional().multiple()]);

pub static MEMORY: Docs =
    Docs::new("A container for memory diagnostics commands", "4.0.0", "server").complexity("Depends on subcommand.");

pub static MEMORY_HELP: Docs =
    Docs::new("Show helpful text about the different subcommands", "4.0.0", "server").complexity("O(1)");

pub static MEMORY_PURGE: Docs = Docs::new("Ask the allocator to release memory", "4.0.0", "server")
    .complexity("Depends on how much memory is allocated, could be slow");

pub static SHUTDOWN: Docs =
    Docs::new("Synchronously save the dataset to disk and then shut down the server", "1.0.0", "server")
        .complexity(
            "O(N) when saving, where N is the total number of keys in all databases when saving \
        data, otherwise O(1)",
        )
        .history(&[("7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers.")])
        .args(&[
            Arg::oneof("nosave_save", &[Arg::pure_token("nosave", "NOSAVE"), Arg::pure_token("save", "SAVE")])
                .optional(),
            Arg::pure_token("now", "NOW").optional().since("7.0.0"),
            Arg::pure_token("force", "FORCE").optional().since("7.0.0"),
            Arg::pure_token("abort", "ABORT").optional().since("7.0.0"),
        ]);

pub static SWAPDB: Docs = Docs::new("Swaps two Redis databases", "4.0.0", "server")
    .complexity("O(N) where N is the count of clients watching or blocking on keys from both databases.")
    .args(&[Arg::integer("index1"), Arg::integer("index2")]);

pub static TIME: Docs = Docs::new("Return the current server time", "2.6.0", "server").complexity("O(1)");

pub static ACL: Docs =
    Docs::new("A container for Access List Control commands ", "6.0.0", "server").complexity("Depends on subcommand.");

pub static ACL_CAT: Docs = Docs::new("List the ACL categories or the commands inside a category", "6.0.0", "server")
    .complexity("O(1) since the categories and commands are a fixed set.")
    .args(&[Arg::string("categoryname").optional()]);

pub static ACL_WHOAMI: Docs =
    Docs::new("Return the name of the user associated to the current connection", "6.0.0", "server").complexity("O(1)");

pub static ACL_HELP: Docs =
    Docs::new("Show helpful text about the different subcommands", "6.0.0", "server").complexity("O(1)");

pub static CONFIG_REWRITE: Docs =
    Docs::new("Rewrite the configuration file with the in memory configuration", "2.8.0", "server").complexity("O(1)");

pub static SLOWLOG: Docs =
    Docs::new("A container for slow log commands", "2.2.12", "server").complexity("Depends on subcommand.");

pub static SLOWLOG_GET: Docs = Docs::new("Get the slow log's entries", "2.2.12", "server")
    .complexity("O(N) where N is the number of entries returned")
    .history(&[("4.0.0", "Added client IP address, port and name to the reply.")])
    .args(&[Arg::integer("count").optional()]);

pub static SLOWLOG_LEN: Docs = Docs::new("Get the slow log's length", "2.2.12", "server").complexity("O(1)");

pub static SLOWLOG_RESET: Docs = Docs::new("Clear all entries from the slow log", "2.2.12", "server")
    .complexity("O(N) where N is the number of entries in the slowlog");

pub static SLOWLOG_HELP: Docs =
    Docs::new("Show helpful text about the different subcommands", "6.2.0", "server").complexity("O(1)");

pub static LATENCY: Docs =
    Docs::new("A container for latency diagnostics commands", "2.8.13", "server").complexity("Depends on subcommand.");

pub static LATENCY_LATEST: Docs =
    Docs::new("Return the latest latency samples for all events.", "2.8.13", "server").complexity("O(1)");

pub static LATENCY_HISTORY: Docs = Docs::new("Return timestamp-latency samples for the event.", "2.8.13", "server")
    .complexity("O(1)")
    .args(&[Arg::string("event")]);

pub static LATENCY_RESET: Docs = Docs::new("Reset latency data for one or more events.", "2.8.13", "server")
    .complexity("O(1)")
    .args(&[Arg::string("event").optional().multiple()]);

pub static LATENCY_HELP: Docs =
    Docs::new("Show helpful text about the different subcommands.", "2.8.13", "server").complexity("O(1)");

pub static LATENCY_HISTOGRAM: Docs =
    Docs::new("Return the cumulative distribution of latencies of a subset of commands or all.", "7.0.0", "server")
        .complexity("O(N) where N is the number of commands with latency information being retrieved.")
        .args(&[Arg::string("command").optional().multiple()]);

pub static LATENCY_DOCTOR: Docs =
    Docs::new("Return a human readable latency analysis report.", "2.8.13", "server").complexity("O(1)");

pub static MONITOR: Docs = Docs::new("Listen for all requests received by the server in real time", "1.0.0", "server");

pub static DEBUG: Docs = Docs::new("A container for debugging commands", "1.0.0", "server")
    .complexity("Depends on subcommand.")
    .doc_flags(&["syscmd"]);

pub static MEMORY_USAGE: Docs = Docs::new("Estimate the memory usage of a key", "4.0.0", "server")
    .complexity("O(N) where N is the number of samples.")
    .args(&[Arg::key("key", 0), Arg::integer("count").token("SAMPLES").optional()]);

pub static MEMORY_STATS: Docs = Docs::new("Show memory usage details", "4.0.0", "server").complexity("O(1)");

pub static LASTSAVE: Docs =
    Docs::new("Get the UNIX time stamp of the last successful save to disk", "1.0.0", "server").complexity("O(1)");

pub static ROLE: Docs =
    Docs::new("Return the role of the instance in the context of replication", "2.8.12", "server").complexity("O(1)");

pub static LOLWUT: Docs = Docs::new("Display some computer art and the Redis version", "5.0.0", "server")
    .args(&[Arg::integer("version").token("VERSION").optional()]);
