//! COMMAND DOCS text of the sorted_set commands (Redis group `sorted-set`), one `static` per command.

use crate::cmd::def::{Arg, Docs};

pub static BZMPOP: Docs = Docs::new(
    "Remove and return members with scores in a sorted set or block until one is available",
    "7.0.0",
    "sorted-set",
)
.complexity(
    "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of \
        elements in the sorted set, and M being the number of elements popped.",
)
.args(&[
    Arg::double("timeout"),
    Arg::integer("numkeys"),
    Arg::key("key", 0).multiple(),
    Arg::oneof("where", &[Arg::pure_token("min", "MIN"), Arg::pure_token("max", "MAX")]),
    Arg::integer("count").token("COUNT").optional(),
]);
pub static BZPOPMAX: Docs = Docs::new(
    "Remove and return the member with the highest score from one or more sorted sets, or \
        block until one is available",
    "5.0.0",
    "sorted-set",
)
.complexity("O(log(N)) with N being the number of elements in the sorted set.")
.history(&[("6.0.0", "`timeout` is interpreted as a double instead of an integer.")])
.args(&[Arg::key("key", 0).multiple(), Arg::double("timeout")]);
pub static BZPOPMIN: Docs = Docs::new(
    "Remove and return the member with the lowest score from one or more sorted sets, or \
        block until one is available",
    "5.0.0",
    "sorted-set",
)
.complexity("O(log(N)) with N being the number of elements in the sorted set.")
.history(&[("6.0.0", "`timeout` is interpreted as a double instead of an integer.")])
.args(&[Arg::key("key", 0).multiple(), Arg::double("timeout")]);
pub static ZADD: Docs = Docs::new(
    "Add one or more members to a sorted set, or update its score if it already exists",
    "1.2.0",
    "sorted-set",
)
.complexity("O(log(N)) for each item added, where N is the number of elements in the sorted set.")
.history(&[
    ("2.4.0", "Accepts multiple elements."),
    ("3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options."),
    ("6.2.0", "Added the `GT` and `LT` options."),
])
.args(&[
    Arg::key("key", 0),
    Arg::oneof("condition", &[Arg::pure_token("nx", "NX"), Arg::pure_token("xx", "XX")]).optional().since("3.0.2"),
    Arg::oneof("comparison", &[Arg::pure_token("gt", "GT"), Arg::pure_token("lt", "LT")]).optional().since("6.2.0"),
    Arg::pure_token("change", "CH").optional().since("3.0.2"),
    Arg::pure_token("increment", "INCR").optional().since("3.0.2"),
    Arg::block("score_member", &[Arg::double("score"), Arg::string("member")]).multiple(),
]);
pub static ZCARD: Docs = Docs::new("Get the number of members in a sorted set", "1.2.0", "sorted-set")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0)]);
pub static ZCOUNT: Docs =
    Docs::new("Count the members in a sorted set with scores within the given values", "2.0.0", "sorted-set")
        .complexity("O(log(N)) with N being the number of elements in the sorted set.")
        .args(&[Arg::key("key", 0), Arg::double("min"), Arg::double("max")]);
pub static ZDIFF: Docs = Docs::new("Subtract multiple sorted sets", "6.2.0", "sorted-set")
    .complexity(
        "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, \
        N is the size of the first set, and K is the size of the result set.",
    )
    .args(&[
        Arg::integer("numkeys"),
        Arg::key("key", 0).multiple(),
        Arg::pure_token("withscores", "WITHSCORES").optional(),
    ]);
pub static ZDIFFSTORE: Docs =
    Docs::new("Subtract multiple sorted sets and store the resulting sorted set in a new key", "6.2.0", "sorted-set")
        .complexity(
            "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, \
        N is the size of the first set, and K is the size of the result set.",
        )
        .args(&[Arg::key("destination", 0), Arg::integer("numkeys"), Arg::key("key", 1).multiple()]);
pub static ZINCRBY: Docs = Docs::new("Increment the score of a member in a sorted set", "1.2.0", "sorted-set")
    .complexity("O(log(N)) where N is the number of elements in the sorted set.")
    .args(&[Arg::key("key", 0), Arg::integer("increment"), Arg::string("member")]);
pub static ZINTER: Docs = Docs::new("Intersect multiple sorted sets", "6.2.0", "sorted-set")
    .complexity(
        "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the \
        number of input sorted sets and M being the number of elements in the resulting sorted \
        set.",
    )
    .args(&[
        Arg::integer("numkeys"),
        Arg::key("key", 0).multiple(),
        Arg::integer("weight").token("WEIGHTS").optional().multiple(),
        Arg::oneof(
            "aggregate",
            &[Arg::pure_token("sum", "SUM"), Arg::pure_token("min", "MIN"), Arg::pure_token("max", "MAX")],
        )
        .token("AGGREGATE")
        .optional(),
        Arg::pure_token("withscores", "WITHSCORES").optional(),
    ]);
pub static ZINTERCARD: Docs =
    Docs::new("Intersect multiple sorted sets and return the cardinality of the result", "7.0.0", "sorted-set")
        .complexity(
            "O(N*K) worst case with N being the smallest input sorted set, K being the number of \
        input sorted sets.",
        )
        .args(&[
            Arg::integer("numkeys"),
            Arg::key("key", 0).multiple(),
            Arg::integer("limit").token("LIMIT").optional(),
        ]);
pub static ZINTERSTORE: Docs =
    Docs::new("Intersect multiple sorted sets and store the resulting sorted set in a new key", "2.0.0", "sorted-set")
        .complexity(
            "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the \
        number of input sorted sets and M being the number of elements in the resulting sorted \
        set.",
        )
        .args(&[
            Arg::key("destination", 0),
            Arg::integer("numkeys"),
            Arg::key("key", 1).multiple(),
            Arg::integer("weight").token("WEIGHTS").optional().multiple(),
            Arg::oneof(
                "aggregate",
                &[Arg::pure_token("sum", "SUM"), Arg::pure_token("min", "MIN"), Arg::pure_token("max", "MAX")],
            )
            .token("AGGREGATE")
            .optional(),
        ]);
pub static ZLEXCOUNT: Docs = Docs::new(
    "Count the number of members in a sorted set between a given lexicographical range",
    "2.8.9",
    "sorted-set",
)
.complexity("O(log(N)) with N being the number of elements in the sorted set.")
.args(&[Arg::key("key", 0), Arg::string("min"), Arg::string("max")]);
pub static ZMPOP: Docs = Docs::new("Remove and return members with scores in a sorted set", "7.0.0", "sorted-set")
    .complexity(
        "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of \
        elements in the sorted set, and M being the number of elements popped.",
    )
    .args(&[
        Arg::integer("numkeys"),
        Arg::key("key", 0).multiple(),
        Arg::oneof("where", &[Arg::pure_token("min", "MIN"), Arg::pure_token("max", "MAX")]),
        Arg::integer("count").token("COUNT").optional(),
    ]);
pub static ZMSCORE: Docs =
    Docs::new("Get the score associated with the given members in a sorted set", "6.2.0", "sorted-set")
        .complexity("O(N) where N is the number of members being requested.")
        .args(&[Arg::key("key", 0), Arg::string("member").multiple()]);
pub static ZPOPMAX: Docs =
    Docs::new("Remove and return members with the highest scores in a sorted set", "5.0.0", "sorted-set")
        .complexity(
            "O(log(N)*M) with N being the number of elements in the sorted set, and M being the \
        number of elements popped.",
        )
        .args(&[Arg::key("key", 0), Arg::integer("count").optional()]);
pub static ZPOPMIN: Docs =
    Docs::new("Remove and return members with the lowest scores in a sorted set", "5.0.0", "sorted-set")
        .complexity(
            "O(log(N)*M) with N being the number of elements in the sorted set, and M being the \
        number of elements popped.",
        )
        .args(&[Arg::key("key", 0), Arg::integer("count").optional()]);
pub static ZRANDMEMBER: Docs =
    Docs::new("Get one or multiple random elements from a sorted set", "6.2.0", "sorted-set")
        .complexity("O(N) where N is the number of elements returned")
        .args(&[
            Arg::key("key", 0),
            Arg::block("options", &[Arg::integer("count"), Arg::pure_token("withscores", "WITHSCORES").optional()])
                .optional(),
        ]);
pub static ZRANGE: Docs = Docs::new("Return a range of members in a sorted set", "1.2.0", "sorted-set")
    .complexity(
        "O(log(N)+M) with N being the number of elements in the sorted set and M the number of \
        elements returned.",
    )
    .history(&[("6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.")])
    .args(&[
        Arg::key("key", 0),
        Arg::string("start"),
        Arg::string("stop"),
        Arg::oneof("sortby", &[Arg::pure_token("byscore", "BYSCORE"), Arg::pure_token("bylex", "BYLEX")])
            .optional()
            .since("6.2.0"),
        Arg::pure_token("rev", "REV").optional().since("6.2.0"),
        Arg::block("offset_count", &[Arg::integer("offset"), Arg::integer("count")])
            .token("LIMIT")
            .optional()
            .since("6.2.0"),
        Arg::pure_token("withscores", "WITHSCORES").optional(),
    ]);
pub static ZRANGEBYLEX: Docs =
    Docs::new("Return a range of members in a sorted set, by lexicographical range", "2.8.9", "sorted-set")
        .complexity(
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of \
        elements being returned. If M is constant (e.g. always asking for the first 10 elements \
        with LIMIT), you can consider it O(log(N)).",
        )
        .doc_flags(&["deprecated"])
        .deprecated("6.2.0", "`ZRANGE` with the `BYLEX` argument")
        .args(&[
            Arg::key("key", 0),
            Arg::string("min"),
            Arg::string("max"),
            Arg::block("offset_count", &[Arg::integer("offset"), Arg::integer("count")]).token("LIMIT").optional(),
        ]);
pub static ZRANGEBYSCORE: Docs =
    Docs::new("Return a range of members in a sorted set, by score", "1.0.5", "sorted-set")
        .complexity(
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of \
        elements being returned. If M is constant (e.g. always asking for the first 10 elements \
        with LIMIT), you can consider it O(log(N)).",
        )
        .doc_flags(&["deprecated"])
        .deprecated("6.2.0", "`ZRANGE` with the `BYSCORE` argument")
        .history(&[("2.0.0", "Added the `WITHSCORES` modifier.")])
        .args(&[
            Arg::key("key", 0),
            Arg::double("min"),
            Arg::double("max"),
            Arg::pure_token("withscores", "WITHSCORES").optional().since("2.0.0"),
            Arg::block("offset_count", &[Arg::integer("offset"), Arg::integer("count")]).token("LIMIT").optional(),
        ]);
pub static ZRANGESTORE: Docs =
    Docs::new("Store a range of members from sorted set into another key", "6.2.0", "sorted-set")
        .complexity(
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of \
        elements stored into the destination key.",
        )
        .args(&[
            Arg::key("dst", 0),
            Arg::key("src", 1),
            Arg::string("min"),
            Arg::string("max"),
            Arg::oneof("sortby", &[Arg::pure_token("byscore", "BYSCORE"), Arg::pure_token("bylex", "BYLEX")])
                .optional(),
            Arg::pure_token("rev", "REV").optional(),
            Arg::block("offset_count", &[Arg::integer("offset"), Arg::integer("count")]).token("LIMIT").optional(),
        ]);
pub static ZRANK: Docs = Docs::new("Determine the index of a member in a sorted set", "2.0.0", "sorted-set")
    .complexity("O(log(N))")
    .args(&[Arg::key("key", 0), Arg::string("member")]);
pub static ZREM: Docs = Docs::new("Remove one or more members from a sorted set", "1.2.0", "sorted-set")
    .complexity(
        "O(M*log(N)) with N being the number of elements in the sorted set and M the number of \
        elements to be removed.",
    )
    .history(&[("2.4.0", "Accepts multiple elements.")])
    .args(&[Arg::key("key", 0), Arg::string("member").multiple()]);
pub static ZREMRANGEBYLEX: Docs =
    Docs::new("Remove all members in a sorted set between the given lexicographical range", "2.8.9", "sorted-set")
        .complexity(
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of \
        elements removed by the operation.",
        )
        .args(&[Arg::key("key", 0), Arg::string("min"), Arg::string("max")]);
pub static ZREMRANGEBYRANK: Docs =
    Docs::new("Remove all members in a sorted set within the given indexes", "2.0.0", "sorted-set")
        .complexity(
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of \
        elements removed by the operation.",
        )
        .args(&[Arg::key("key", 0), Arg::integer("start"), Arg::integer("stop")]);
pub static ZREMRANGEBYSCORE: Docs =
    Docs::new("Remove all members in a sorted set within the given scores", "1.2.0", "sorted-set")
        .complexity(
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of \
        elements removed by the operation.",
        )
        .args(&[Arg::key("key", 0), Arg::double("min"), Arg::double("max")]);
pub static ZREVRANGE: Docs = Docs::new(
    "Return a range of members in a sorted set, by index, with scores ordered from high to \
        low",
    "1.2.0",
    "sorted-set",
)
.complexity(
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of \
        elements returned.",
)
.doc_flags(&["deprecated"])
.deprecated("6.2.0", "`ZRANGE` with the `REV` argument")
.args(&[
    Arg::key("key", 0),
    Arg::integer("start"),
    Arg::integer("stop"),
    Arg::pure_token("withscores", "WITHSCORES").optional(),
]);
pub static ZREVRANGEBYLEX: Docs = Docs::new(
    "Return a range of members in a sorted set, by lexicographical range, ordered from \
        higher to lower strings.",
    "2.8.9",
    "sorted-set",
)
.complexity(
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of \
        elements being returned. If M is constant (e.g. always asking for the first 10 elements \
        with LIMIT), you can consider it O(log(N)).",
)
.doc_flags(&["deprecated"])
.deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYLEX` arguments")
.args(&[
    Arg::key("key", 0),
    Arg::string("max"),
    Arg::string("min"),
    Arg::block("offset_count", &[Arg::integer("offset"), Arg::integer("count")]).token("LIMIT").optional(),
]);
pub static ZREVRANGEBYSCORE: Docs = Docs::new(
    "Return a range of members in a sorted set, by score, with scores ordered from high to \
        low",
    "2.2.0",
    "sorted-set",
)
.complexity(
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of \
        elements being returned. If M is constant (e.g. always asking for the first 10 elements \
        with LIMIT), you can consider it O(log(N)).",
)
.doc_flags(&["deprecated"])
.deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYSCORE` arguments")
.history(&[("2.1.6", "`min` and `max` can be exclusive.")])
.args(&[
    Arg::key("key", 0),
    Arg::double("max"),
    Arg::double("min"),
    Arg::pure_token("withscores", "WITHSCORES").optional(),
    Arg::block("offset_count", &[Arg::integer("offset"), Arg::integer("count")]).token("LIMIT").optional(),
]);
pub static ZREVRANK: Docs = Docs::new(
    "Determine the index of a member in a sorted set, with scores ordered from high to low",
    "2.0.0",
    "sorted-set",
)
.complexity("O(log(N))")
.args(&[Arg::key("key", 0), Arg::string("member")]);
pub static ZSCAN: Docs =
    Docs::new("Incrementally iterate sorted sets elements and associated scores", "2.8.0", "sorted-set")
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
pub static ZSCORE: Docs =
    Docs::new("Get the score associated with the given member in a sorted set", "1.2.0", "sorted-set")
        .complexity("O(1)")
        .args(&[Arg::key("key", 0), Arg::string("member")]);
pub static ZUNION: Docs = Docs::new("Add multiple sorted sets", "6.2.0", "sorted-set")
    .complexity(
        "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M \
        being the number of elements in the resulting sorted set.",
    )
    .args(&[
        Arg::integer("numkeys"),
        Arg::key("key", 0).multiple(),
        Arg::integer("weight").token("WEIGHTS").optional().multiple(),
        Arg::oneof(
            "aggregate",
            &[Arg::pure_token("sum", "SUM"), Arg::pure_token("min", "MIN"), Arg::pure_token("max", "MAX")],
        )
        .token("AGGREGATE")
        .optional(),
        Arg::pure_token("withscores", "WITHSCORES").optional(),
    ]);
pub static ZUNIONSTORE: Docs =
    Docs::new("Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0", "sorted-set")
        .complexity(
            "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M \
        being the number of elements in the resulting sorted set.",
        )
        .args(&[
            Arg::key("destination", 0),
            Arg::integer("numkeys"),
            Arg::key("key", 1).multiple(),
            Arg::integer("weight").token("WEIGHTS").optional().multiple(),
            Arg::oneof(
                "aggregate",
                &[Arg::pure_token("sum", "SUM"), Arg::pure_token("min", "MIN"), Arg::pure_token("max", "MAX")],
            )
            .token("AGGREGATE")
            .optional(),
        ]);
