//! COMMAND DOCS text of the list commands (Redis group `list`), one `static` per command.

use crate::cmd::def::{Arg, Docs};

pub static LPUSH: Docs = Docs::new("Prepend one or multiple elements to a list", "1.0.0", "list")
    .complexity(
        "O(1) for each element added, so O(N) to add N elements when the command is called with \
        multiple arguments.",
    )
    .history(&[("2.4.0", "Accepts multiple `element` arguments.")])
    .args(&[Arg::key("key", 0), Arg::string("element").multiple()]);
pub static RPUSH: Docs = Docs::new("Append one or multiple elements to a list", "1.0.0", "list")
    .complexity(
        "O(1) for each element added, so O(N) to add N elements when the command is called with \
        multiple arguments.",
    )
    .history(&[("2.4.0", "Accepts multiple `element` arguments.")])
    .args(&[Arg::key("key", 0), Arg::string("element").multiple()]);
pub static LPUSHX: Docs = Docs::new("Prepend an element to a list, only if the list exists", "2.2.0", "list")
    .complexity(
        "O(1) for each element added, so O(N) to add N elements when the command is called with \
        multiple arguments.",
    )
    .history(&[("4.0.0", "Accepts multiple `element` arguments.")])
    .args(&[Arg::key("key", 0), Arg::string("element").multiple()]);
pub static RPUSHX: Docs = Docs::new("Append an element to a list, only if the list exists", "2.2.0", "list")
    .complexity(
        "O(1) for each element added, so O(N) to add N elements when the command is called with \
        multiple arguments.",
    )
    .history(&[("4.0.0", "Accepts multiple `element` arguments.")])
    .args(&[Arg::key("key", 0), Arg::string("element").multiple()]);
pub static LPOP: Docs = Docs::new("Remove and get the first elements in a list", "1.0.0", "list")
    .complexity("O(N) where N is the number of elements returned")
    .history(&[("6.2.0", "Added the `count` argument.")])
    .args(&[Arg::key("key", 0), Arg::integer("count").optional().since("6.2.0")]);
pub static RPOP: Docs = Docs::new("Remove and get the last elements in a list", "1.0.0", "list")
    .complexity("O(N) where N is the number of elements returned")
    .history(&[("6.2.0", "Added the `count` argument.")])
    .args(&[Arg::key("key", 0), Arg::integer("count").optional().since("6.2.0")]);
pub static LLEN: Docs =
    Docs::new("Get the length of a list", "1.0.0", "list").complexity("O(1)").args(&[Arg::key("key", 0)]);
pub static LRANGE: Docs = Docs::new("Get a range of elements from a list", "1.0.0", "list")
    .complexity(
        "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest \
        end (HEAD or TAIL) for large lists; and N is the number of elements in the specified \
        range.",
    )
    .args(&[Arg::key("key", 0), Arg::integer("start"), Arg::integer("stop")]);
pub static LINDEX: Docs = Docs::new("Get an element from a list by its index", "1.0.0", "list")
    .complexity(
        "O(N) where N is the number of elements to traverse to get to the element at index. This \
        makes asking for the first or the last element of the list O(1).",
    )
    .args(&[Arg::key("key", 0), Arg::integer("index")]);
pub static LSET: Docs = Docs::new("Set the value of an element in a list by its index", "1.0.0", "list")
    .complexity(
        "O(N) where N is the length of the list. Setting either the first or the last element of \
        the list is O(1).",
    )
    .args(&[Arg::key("key", 0), Arg::integer("index"), Arg::string("element")]);
pub static LINSERT: Docs = Docs::new("Insert an element before or after another element in a list", "2.2.0", "list")
    .complexity(
        "O(N) where N is the number of elements to traverse before seeing the value pivot. This \
        means that inserting somewhere on the left end on the list (head) can be considered \
        O(1) and inserting somewhere on the right end (tail) is O(N).",
    )
    .args(&[
        Arg::key("key", 0),
        Arg::oneof("where", &[Arg::pure_token("before", "BEFORE"), Arg::pure_token("after", "AFTER")]),
        Arg::string("pivot"),
        Arg::string("element"),
    ]);
pub static LREM: Docs = Docs::new("Remove elements from a list", "1.0.0", "list")
    .complexity("O(N+M) where N is the length of the list and M is the number of elements removed.")
    .args(&[Arg::key("key", 0), Arg::integer("count"), Arg::string("element")]);
pub static LTRIM: Docs = Docs::new("Trim a list to the specified range", "1.0.0", "list")
    .complexity("O(N) where N is the number of elements to be removed by the operation.")
    .args(&[Arg::key("key", 0), Arg::integer("start"), Arg::integer("stop")]);
pub static LPOS: Docs = Docs::new("Return the index of matching elements on a list", "6.0.6", "list")
    .complexity(
        "O(N) where N is the number of elements in the list, for the average case. When \
        searching for elements near the head or the tail of the list, or when the MAXLEN option \
        is provided, the command may run in constant time.",
    )
    .args(&[
        Arg::key("key", 0),
        Arg::string("element"),
        Arg::integer("rank").token("RANK").optional(),
        Arg::integer("num-matches").token("COUNT").optional(),
        Arg::integer("len").token("MAXLEN").optional(),
    ]);
pub static RPOPLPUSH: Docs =
    Docs::new("Remove the last element in a list, prepend it to another list and return it", "1.2.0", "list")
        .complexity("O(1)")
        .doc_flags(&["deprecated"])
        .deprecated("6.2.0", "`LMOVE` with the `RIGHT` and `LEFT` arguments")
        .args(&[Arg::key("source", 0), Arg::key("destination", 1)]);
pub static LMOVE: Docs =
    Docs::new("Pop an element from a list, push it to another list and return it", "6.2.0", "list")
        .complexity("O(1)")
        .args(&[
            Arg::key("source", 0),
            Arg::key("destination", 1),
            Arg::oneof("wherefrom", &[Arg::pure_token("left", "LEFT"), Arg::pure_token("right", "RIGHT")]),
            Arg::oneof("whereto", &[Arg::pure_token("left", "LEFT"), Arg::pure_token("right", "RIGHT")]),
        ]);
pub static LMPOP: Docs = Docs::new("Pop elements from a list", "7.0.0", "list")
    .complexity("O(N+M) where N is the number of provided keys and M is the number of elements returned.")
    .args(&[
        Arg::integer("numkeys"),
        Arg::key("key", 0).multiple(),
        Arg::oneof("where", &[Arg::pure_token("left", "LEFT"), Arg::pure_token("right", "RIGHT")]),
        Arg::integer("count").token("COUNT").optional(),
    ]);
pub static BLPOP: Docs =
    Docs::new("Remove and get the first element in a list, or block until one is available", "2.0.0", "list")
        .complexity("O(N) where N is the number of provided keys.")
        .history(&[("6.0.0", "`timeout` is interpreted as a double instead of an integer.")])
        .args(&[Arg::key("key", 0).multiple(), Arg::double("timeout")]);
pub static BRPOP: Docs =
    Docs::new("Remove and get the last element in a list, or block until one is available", "2.0.0", "list")
        .complexity("O(N) where N is the number of provided keys.")
        .history(&[("6.0.0", "`timeout` is interpreted as a double instead of an integer.")])
        .args(&[Arg::key("key", 0).multiple(), Arg::double("timeout")]);
pub static BRPOPLPUSH: Docs = Docs::new(
    "Pop an element from a list, push it to another list and return it; or block until one \
        is available",
    "2.2.0",
    "list",
)
.complexity("O(1)")
.doc_flags(&["deprecated"])
.deprecated("6.2.0", "`BLMOVE` with the `RIGHT` and `LEFT` arguments")
.history(&[("6.0.0", "`timeout` is interpreted as a double instead of an integer.")])
.args(&[Arg::key("source", 0), Arg::key("destination", 1), Arg::double("timeout")]);
pub static BLMOVE: Docs = Docs::new(
    "Pop an element from a list, push it to another list and return it; or block until one \
        is available",
    "6.2.0",
    "list",
)
.complexity("O(1)")
.args(&[
    Arg::key("source", 0),
    Arg::key("destination", 1),
    Arg::oneof("wherefrom", &[Arg::pure_token("left", "LEFT"), Arg::pure_token("right", "RIGHT")]),
    Arg::oneof("whereto", &[Arg::pure_token("left", "LEFT"), Arg::pure_token("right", "RIGHT")]),
    Arg::double("timeout"),
]);
pub static BLMPOP: Docs = Docs::new("Pop elements from a list, or block until one is available", "7.0.0", "list")
    .complexity("O(N+M) where N is the number of provided keys and M is the number of elements returned.")
    .args(&[
        Arg::double("timeout"),
        Arg::integer("numkeys"),
        Arg::key("key", 0).multiple(),
        Arg::oneof("where", &[Arg::pure_token("left", "LEFT"), Arg::pure_token("right", "RIGHT")]),
        Arg::integer("count").token("COUNT").optional(),
    ]);
