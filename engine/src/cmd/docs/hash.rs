//! COMMAND DOCS text of the hash commands (Redis group `hash`), one `static` per command.

use crate::cmd::def::{Arg, Docs};

pub static HSET: Docs = Docs::new("Set the string value of a hash field", "2.0.0", "hash")
    .complexity(
        "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the \
        command is called with multiple field/value pairs.",
    )
    .history(&[("4.0.0", "Accepts multiple `field` and `value` arguments.")])
    .args(&[Arg::key("key", 0), Arg::block("field_value", &[Arg::string("field"), Arg::string("value")]).multiple()]);
pub static HSETNX: Docs = Docs::new("Set the value of a hash field, only if the field does not exist", "2.0.0", "hash")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0), Arg::string("field"), Arg::string("value")]);
pub static HGET: Docs = Docs::new("Get the value of a hash field", "2.0.0", "hash")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0), Arg::string("field")]);
pub static HMGET: Docs = Docs::new("Get the values of all the given hash fields", "2.0.0", "hash")
    .complexity("O(N) where N is the number of fields being requested.")
    .args(&[Arg::key("key", 0), Arg::string("field").multiple()]);
pub static HMSET: Docs = Docs::new("Set multiple hash fields to multiple values", "2.0.0", "hash")
    .complexity("O(N) where N is the number of fields being set.")
    .doc_flags(&["deprecated"])
    .deprecated("4.0.0", "`HSET` with multiple field-value pairs")
    .args(&[Arg::key("key", 0), Arg::block("field_value", &[Arg::string("field"), Arg::string("value")]).multiple()]);
pub static HDEL: Docs = Docs::new("Delete one or more hash fields", "2.0.0", "hash")
    .complexity("O(N) where N is the number of fields to be removed.")
    .history(&[("2.4.0", "Accepts multiple `field` arguments.")])
    .args(&[Arg::key("key", 0), Arg::string("field").multiple()]);
pub static HLEN: Docs =
    Docs::new("Get the number of fields in a hash", "2.0.0", "hash").complexity("O(1)").args(&[Arg::key("key", 0)]);
pub static HSTRLEN: Docs = Docs::new("Get the length of the value of a hash field", "3.2.0", "hash")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0), Arg::string("field")]);
pub static HEXISTS: Docs = Docs::new("Determine if a hash field exists", "2.0.0", "hash")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0), Arg::string("field")]);
pub static HKEYS: Docs = Docs::new("Get all the fields in a hash", "2.0.0", "hash")
    .complexity("O(N) where N is the size of the hash.")
    .args(&[Arg::key("key", 0)]);
pub static HVALS: Docs = Docs::new("Get all the values in a hash", "2.0.0", "hash")
    .complexity("O(N) where N is the size of the hash.")
    .args(&[Arg::key("key", 0)]);
pub static HGETALL: Docs = Docs::new("Get all the fields and values in a hash", "2.0.0", "hash")
    .complexity("O(N) where N is the size of the hash.")
    .args(&[Arg::key("key", 0)]);
pub static HINCRBY: Docs =
    Docs::new("Increment the integer value of a hash field by the given number", "2.0.0", "hash")
        .complexity("O(1)")
        .args(&[Arg::key("key", 0), Arg::string("field"), Arg::integer("increment")]);
pub static HINCRBYFLOAT: Docs =
    Docs::new("Increment the float value of a hash field by the given amount", "2.6.0", "hash")
        .complexity("O(1)")
        .args(&[Arg::key("key", 0), Arg::string("field"), Arg::double("increment")]);
pub static HRANDFIELD: Docs = Docs::new("Get one or multiple random fields from a hash", "6.2.0", "hash")
    .complexity("O(N) where N is the number of fields returned")
    .args(&[
        Arg::key("key", 0),
        Arg::block("options", &[Arg::integer("count"), Arg::pure_token("withvalues", "WITHVALUES").optional()])
            .optional(),
    ]);
pub static HSCAN: Docs = Docs::new("Incrementally iterate hash fields and associated values", "2.8.0", "hash")
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
