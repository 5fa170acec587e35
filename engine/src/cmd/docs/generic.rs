//! COMMAND DOCS of the `generic` group, as Redis 7.0 has them.

use crate::cmd::def::{Arg, Docs};

pub static COPY: Docs = Docs::new("Copy a key", "6.2.0", "generic")
    .complexity(
        "O(N) worst case for collections, where N is the number of nested items. O(1) for string \
        values.",
    )
    .args(&[
        Arg::key("source", 0),
        Arg::key("destination", 1),
        Arg::integer("destination-db").token("DB").optional(),
        Arg::pure_token("replace", "REPLACE").optional(),
    ]);

pub static DEL: Docs = Docs::new("Delete a key", "1.0.0", "generic")
    .complexity(
        "O(N) where N is the number of keys that will be removed. When a key to remove holds a \
        value other than a string, the individual complexity for this key is O(M) where M is \
        the number of elements in the list, set, sorted set or hash. Removing a single key that \
        holds a string value is O(1).",
    )
    .args(&[Arg::key("key", 0).multiple()]);

pub static EXISTS: Docs = Docs::new("Determine if a key exists", "1.0.0", "generic")
    .complexity("O(N) where N is the number of keys to check.")
    .history(&[("3.0.3", "Accepts multiple `key` arguments.")])
    .args(&[Arg::key("key", 0).multiple()]);

pub static EXPIRE: Docs = Docs::new("Set a key's time to live in seconds", "1.0.0", "generic")
    .complexity("O(1)")
    .history(&[("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")])
    .args(&[
        Arg::key("key", 0),
        Arg::integer("seconds"),
        Arg::oneof(
            "condition",
            &[
                Arg::pure_token("nx", "NX"),
                Arg::pure_token("xx", "XX"),
                Arg::pure_token("gt", "GT"),
                Arg::pure_token("lt", "LT"),
            ],
        )
        .optional()
        .since("7.0.0"),
    ]);

pub static EXPIREAT: Docs = Docs::new("Set the expiration for a key as a UNIX timestamp", "1.2.0", "generic")
    .complexity("O(1)")
    .history(&[("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")])
    .args(&[
        Arg::key("key", 0),
        Arg::unix_time("unix-time-seconds"),
        Arg::oneof(
            "condition",
            &[
                Arg::pure_token("nx", "NX"),
                Arg::pure_token("xx", "XX"),
                Arg::pure_token("gt", "GT"),
                Arg::pure_token("lt", "LT"),
            ],
        )
        .optional()
        .since("7.0.0"),
    ]);

pub static EXPIRETIME: Docs = Docs::new("Get the expiration Unix timestamp for a key", "7.0.0", "generic")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0)]);

pub static KEYS: Docs = Docs::new("Find all keys matching the given pattern", "1.0.0", "generic")
    .complexity(
        "O(N) with N being the number of keys in the database, under the assumption that the key \
        names in the database and the given pattern have limited length.",
    )
    .args(&[Arg::pattern("pattern")]);

pub static MOVE: Docs = Docs::new("Move a key to another database", "1.0.0", "generic")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0), Arg::integer("db")]);

pub static OBJECT: Docs =
    Docs::new("A container for object introspection commands", "2.2.3", "generic").complexity("Depends on subcommand.");

pub static OBJECT_ENCODING: Docs = Docs::new("Inspect the internal encoding of a Redis object", "2.2.3", "generic")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0)]);

pub static OBJECT_FREQ: Docs =
    Docs::new("Get the logarithmic access frequency counter of a Redis object", "4.0.0", "generic")
        .complexity("O(1)")
        .args(&[Arg::key("key", 0)]);

pub static OBJECT_IDLETIME: Docs = Docs::new("Get the time since a Redis object was last accessed", "2.2.3", "generic")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0)]);

pub static OBJECT_REFCOUNT: Docs =
    Docs::new("Get the number of references to the value of the key", "2.2.3", "generic")
        .complexity("O(1)")
        .args(&[Arg::key("key", 0)]);

pub static OBJECT_HELP: Docs =
    Docs::new("Show helpful text about the different subcommands", "6.2.0", "generic").complexity("O(1)");

pub static PERSIST: Docs =
    Docs::new("Remove the expiration from a key", "2.2.0", "generic").complexity("O(1)").args(&[Arg::key("key", 0)]);

pub static PEXPIRE: Docs = Docs::new("Set a key's time to live in milliseconds", "2.6.0", "generic")
    .complexity("O(1)")
    .history(&[("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")])
    .args(&[
        Arg::key("key", 0),
        Arg::integer("milliseconds"),
        Arg::oneof(
            "condition",
            &[
                Arg::pure_token("nx", "NX"),
                Arg::pure_token("xx", "XX"),
                Arg::pure_token("gt", "GT"),
                Arg::pure_token("lt", "LT"),
            ],
        )
        .optional()
        .since("7.0.0"),
    ]);

pub static PEXPIREAT: Docs =
    Docs::new("Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0", "generic")
        .complexity("O(1)")
        .history(&[("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")])
        .args(&[
            Arg::key("key", 0),
            Arg::unix_time("unix-time-milliseconds"),
            Arg::oneof(
                "condition",
                &[
                    Arg::pure_token("nx", "NX"),
                    Arg::pure_token("xx", "XX"),
                    Arg::pure_token("gt", "GT"),
                    Arg::pure_token("lt", "LT"),
                ],
            )
            .optional()
            .since("7.0.0"),
        ]);

pub static PEXPIRETIME: Docs =
    Docs::new("Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", "generic")
        .complexity("O(1)")
        .args(&[Arg::key("key", 0)]);

pub static PTTL: Docs = Docs::new("Get the time to live for a key in milliseconds", "2.6.0", "generic")
    .complexity("O(1)")
    .history(&[("2.8.0", "Added the -2 reply.")])
    .args(&[Arg::key("key", 0)]);

pub static RANDOMKEY: Docs = Docs::new("Return a random key from the keyspace", "1.0.0", "generic").complexity("O(1)");

pub static RENAME: Docs =
    Docs::new("Rename a key", "1.0.0", "generic").complexity("O(1)").args(&[Arg::key("key", 0), Arg::key("newkey", 1)]);

pub static RENAMENX: Docs = Docs::new("Rename a key, only if the new key does not exist", "1.0.0", "generic")
    .complexity("O(1)")
    .history(&[("3.2.0", "The command no longer returns an error when source and destination names are the same.")])
    .args(&[Arg::key("key", 0), Arg::key("newkey", 1)]);

pub static SCAN: Docs = Docs::new("Incrementally iterate the keys space", "2.8.0", "generic")
    .complexity(
        "O(1) for every call. O(N) for a complete iteration, including enough command calls for \
        the cursor to return back to 0. N is the number of elements inside the collection.",
    )
    .history(&[("6.0.0", "Added the `TYPE` subcommand.")])
    .args(&[
        Arg::integer("cursor"),
        Arg::pattern("pattern").token("MATCH").optional(),
        Arg::integer("count").token("COUNT").optional(),
        Arg::string("type").token("TYPE").optional().since("6.0.0"),
    ]);

/// SORT's arguments; SORT_RO has the same without STORE.
const SORT_PATTERN: Arg = Arg { key_spec_index: Some(1), ..Arg::pattern("pattern") };
const SORT_ARGS_RO: [Arg; 6] = [
    Arg::key("key", 0),
    SORT_PATTERN.token("BY").optional(),
    Arg::block("offset_count", &[Arg::integer("offset"), Arg::integer("count")]).token("LIMIT").optional(),
    SORT_PATTERN.token("GET").optional().multiple().multiple_token(),
    Arg::oneof("order", &[Arg::pure_token("asc", "ASC"), Arg::pure_token("desc", "DESC")]).optional(),
    Arg::pure_token("sorting", "ALPHA").optional(),
];
const SORT_COMPLEXITY: &str = "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M \
    the number of returned elements. When the elements are not sorted, complexity is O(N).";

pub static SORT: Docs = Docs::new("Sort the elements in a list, set or sorted set", "1.0.0", "generic")
    .complexity(SORT_COMPLEXITY)
    .args(&[
        SORT_ARGS_RO[0],
        SORT_ARGS_RO[1],
        SORT_ARGS_RO[2],
        SORT_ARGS_RO[3],
        SORT_ARGS_RO[4],
        SORT_ARGS_RO[5],
        Arg::key("destination", 2).token("STORE").optional(),
    ]);

pub static SORT_RO: Docs =
    Docs::new("Sort the elements in a list, set or sorted set. Read-only variant of SORT.", "7.0.0", "generic")
        .complexity(SORT_COMPLEXITY)
        .args(&SORT_ARGS_RO);

pub static TOUCH: Docs = Docs::new(
    "Alters the last access time of a key(s). Returns the number of existing keys specified.",
    "3.2.1",
    "generic",
)
.complexity("O(N) where N is the number of keys that will be touched.")
.args(&[Arg::key("key", 0).multiple()]);

pub static TTL: Docs = Docs::new("Get the time to live for a key in seconds", "1.0.0", "generic")
    .complexity("O(1)")
    .history(&[("2.8.0", "Added the -2 reply.")])
    .args(&[Arg::key("key", 0)]);

pub static TYPE: Docs =
    Docs::new("Determine the type stored at key", "1.0.0", "generic").complexity("O(1)").args(&[Arg::key("key", 0)]);

pub static UNLINK: Docs = Docs::new(
    "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non \
    blocking.",
    "4.0.0",
    "generic",
)
.complexity(
    "O(1) for each key removed regardless of its size. Then the command does O(N) work in a \
        different thread in order to reclaim memory, where N is the number of allocations the \
        deleted objects where composed of.",
)
.args(&[Arg::key("key", 0).multiple()]);

pub static WAIT: Docs = Docs::new(
    "Wait for the synchronous replication of all the write commands sent in the context of the current connection",
    "3.0.0",
    "generic",
)
.complexity("O(1)")
.args(&[Arg::integer("numreplicas"), Arg::integer("timeout")]);
