//! COMMAND DOCS text of the set commands (Redis group `set`), one `static` per command.

use crate::cmd::def::{Arg, Docs};

pub static SADD: Docs = Docs::new("Add one or more members to a set", "1.0.0", "set")
    .complexity(
        "O(1) for each element added, so O(N) to add N elements when the command is called with \
        multiple arguments.",
    )
    .history(&[("2.4.0", "Accepts multiple `member` arguments.")])
    .args(&[Arg::key("key", 0), Arg::string("member").multiple()]);
pub static SCARD: Docs =
    Docs::new("Get the number of members in a set", "1.0.0", "set").complexity("O(1)").args(&[Arg::key("key", 0)]);
pub static SDIFF: Docs = Docs::new("Subtract multiple sets", "1.0.0", "set")
    .complexity("O(N) where N is the total number of elements in all given sets.")
    .args(&[Arg::key("key", 0).multiple()]);
pub static SDIFFSTORE: Docs = Docs::new("Subtract multiple sets and store the resulting set in a key", "1.0.0", "set")
    .complexity("O(N) where N is the total number of elements in all given sets.")
    .args(&[Arg::key("destination", 0), Arg::key("key", 1).multiple()]);
pub static SINTER: Docs = Docs::new("Intersect multiple sets", "1.0.0", "set")
    .complexity(
        "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of \
        sets.",
    )
    .args(&[Arg::key("key", 0).multiple()]);
pub static SINTERCARD: Docs =
    Docs::new("Intersect multiple sets and return the cardinality of the result", "7.0.0", "set")
        .complexity(
            "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of \
        sets.",
        )
        .args(&[
            Arg::integer("numkeys"),
            Arg::key("key", 0).multiple(),
            Arg::integer("limit").token("LIMIT").optional(),
        ]);
pub static SINTERSTORE: Docs =
    Docs::new("Intersect multiple sets and store the resulting set in a key", "1.0.0", "set")
        .complexity(
            "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of \
        sets.",
        )
        .args(&[Arg::key("destination", 0), Arg::key("key", 1).multiple()]);
pub static SISMEMBER: Docs = Docs::new("Determine if a given value is a member of a set", "1.0.0", "set")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0), Arg::string("member")]);
pub static SMEMBERS: Docs = Docs::new("Get all the members in a set", "1.0.0", "set")
    .complexity("O(N) where N is the set cardinality.")
    .args(&[Arg::key("key", 0)]);
pub static SMISMEMBER: Docs =
    Docs::new("Returns the membership associated with the given elements for a set", "6.2.0", "set")
        .complexity("O(N) where N is the number of elements being checked for membership")
        .args(&[Arg::key("key", 0), Arg::string("member").multiple()]);
pub static SMOVE: Docs = Docs::new("Move a member from one set to another", "1.0.0", "set").complexity("O(1)").args(&[
    Arg::key("source", 0),
    Arg::key("destination", 1),
    Arg::string("member"),
]);
pub static SPOP: Docs = Docs::new("Remove and return one or multiple random members from a set", "1.0.0", "set")
    .complexity(
        "Without the count argument O(1), otherwise O(N) where N is the value of the passed \
        count.",
    )
    .history(&[("3.2.0", "Added the `count` argument.")])
    .args(&[Arg::key("key", 0), Arg::integer("count").optional().since("3.2.0")]);
pub static SRANDMEMBER: Docs = Docs::new("Get one or multiple random members from a set", "1.0.0", "set")
    .complexity(
        "Without the count argument O(1), otherwise O(N) where N is the absolute value of the \
        passed count.",
    )
    .history(&[("2.6.0", "Added the optional `count` argument.")])
    .args(&[Arg::key("key", 0), Arg::integer("count").optional().since("2.6.0")]);
pub static SREM: Docs = Docs::new("Remove one or more members from a set", "1.0.0", "set")
    .complexity("O(N) where N is the number of members to be removed.")
    .history(&[("2.4.0", "Accepts multiple `member` arguments.")])
    .args(&[Arg::key("key", 0), Arg::string("member").multiple()]);
pub static SSCAN: Docs = Docs::new("Incrementally iterate Set elements", "2.8.0", "set")
    .complexity(
        "O(1) for every call. O(N) for a complete iteration, including enough command calls for \
        the cursor to return back to 0. N is the number of elements inside the collection..",
    )
    .args(&[
        Arg::key("key", 0),
        Arg::integer("cursor"),
        Arg::pattern("pattern").token("MATCH").optional(),
        Arg::integer("count").token("COUNT").optional(),
    ]);
pub static SUNION: Docs = Docs::new("Add multiple sets", "1.0.0", "set")
    .complexity("O(N) where N is the total number of elements in all given sets.")
    .args(&[Arg::key("key", 0).multiple()]);
pub static SUNIONSTORE: Docs = Docs::new("Add multiple sets and store the resulting set in a key", "1.0.0", "set")
    .complexity("O(N) where N is the total number of elements in all given sets.")
    .args(&[Arg::key("destination", 0), Arg::key("key", 1).multiple()]);
