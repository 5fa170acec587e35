//! COMMAND DOCS of the `string` group, as Redis 7.0 has them.

use crate::cmd::def::{Arg, Docs};

pub static APPEND: Docs = Docs::new("Append a value to a key", "2.0.0", "string")
    .complexity(
        "O(1). The amortized time complexity is O(1) assuming the appended value is small and \
        the already present value is of any size, since the dynamic string library used by \
        Redis will double the free space available on every reallocation.",
    )
    .args(&[Arg::key("key", 0), Arg::string("value")]);

pub static DECR: Docs = Docs::new("Decrement the integer value of a key by one", "1.0.0", "string")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0)]);

pub static DECRBY: Docs = Docs::new("Decrement the integer value of a key by the given number", "1.0.0", "string")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0), Arg::integer("decrement")]);

pub static GET: Docs =
    Docs::new("Get the value of a key", "1.0.0", "string").complexity("O(1)").args(&[Arg::key("key", 0)]);

pub static GETDEL: Docs = Docs::new("Get the value of a key and delete the key", "6.2.0", "string")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0)]);

pub static GETEX: Docs = Docs::new("Get the value of a key and optionally set its expiration", "6.2.0", "string")
    .complexity("O(1)")
    .args(&[
        Arg::key("key", 0),
        Arg::oneof(
            "expiration",
            &[
                Arg::integer("seconds").token("EX"),
                Arg::integer("milliseconds").token("PX"),
                Arg::unix_time("unix-time-seconds").token("EXAT"),
                Arg::unix_time("unix-time-milliseconds").token("PXAT"),
                Arg::pure_token("persist", "PERSIST"),
            ],
        )
        .optional(),
    ]);

pub static GETRANGE: Docs = Docs::new("Get a substring of the string stored at a key", "2.4.0", "string")
    .complexity(
        "O(N) where N is the length of the returned string. The complexity is ultimately \
        determined by the returned length, but because creating a substring from an existing \
        string is very cheap, it can be considered O(1) for small strings.",
    )
    .args(&[Arg::key("key", 0), Arg::integer("start"), Arg::integer("end")]);

pub static GETSET: Docs = Docs::new("Set the string value of a key and return its old value", "1.0.0", "string")
    .complexity("O(1)")
    .doc_flags(&["deprecated"])
    .deprecated("6.2.0", "`SET` with the `!GET` argument")
    .args(&[Arg::key("key", 0), Arg::string("value")]);

pub static INCR: Docs = Docs::new("Increment the integer value of a key by one", "1.0.0", "string")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0)]);

pub static INCRBY: Docs = Docs::new("Increment the integer value of a key by the given amount", "1.0.0", "string")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0), Arg::integer("increment")]);

pub static INCRBYFLOAT: Docs = Docs::new("Increment the float value of a key by the given amount", "2.6.0", "string")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0), Arg::double("increment")]);

pub static LCS: Docs = Docs::new("Find longest common substring", "7.0.0", "string")
    .complexity("O(N*M) where N and M are the lengths of s1 and s2, respectively")
    .args(&[
        Arg::key("key1", 0),
        Arg::key("key2", 0),
        Arg::pure_token("len", "LEN").optional(),
        Arg::pure_token("idx", "IDX").optional(),
        Arg::integer("len").token("MINMATCHLEN").optional(),
        Arg::pure_token("withmatchlen", "WITHMATCHLEN").optional(),
    ]);

pub static MGET: Docs = Docs::new("Get the values of all the given keys", "1.0.0", "string")
    .complexity("O(N) where N is the number of keys to retrieve.")
    .args(&[Arg::key("key", 0).multiple()]);

pub static MSET: Docs = Docs::new("Set multiple keys to multiple values", "1.0.1", "string")
    .complexity("O(N) where N is the number of keys to set.")
    .args(&[Arg::block("key_value", &[Arg::key("key", 0), Arg::string("value")]).multiple()]);

pub static MSETNX: Docs =
    Docs::new("Set multiple keys to multiple values, only if none of the keys exist", "1.0.1", "string")
        .complexity("O(N) where N is the number of keys to set.")
        .args(&[Arg::block("key_value", &[Arg::key("key", 0), Arg::string("value")]).multiple()]);

pub static PSETEX: Docs = Docs::new("Set the value and expiration in milliseconds of a key", "2.6.0", "string")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0), Arg::integer("milliseconds"), Arg::string("value")]);

pub static SET: Docs = Docs::new("Set the string value of a key", "1.0.0", "string")
    .complexity("O(1)")
    .history(&[
        ("2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."),
        ("6.0.0", "Added the `KEEPTTL` option."),
        ("6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."),
        ("7.0.0", "Allowed the `NX` and `GET` options to be used together."),
    ])
    .args(&[
        Arg::key("key", 0),
        Arg::string("value"),
        Arg::oneof("condition", &[Arg::pure_token("nx", "NX"), Arg::pure_token("xx", "XX")]).optional().since("2.6.12"),
        Arg::pure_token("get", "GET").optional().since("6.2.0"),
        Arg::oneof(
            "expiration",
            &[
                Arg::integer("seconds").token("EX").since("2.6.12"),
                Arg::integer("milliseconds").token("PX").since("2.6.12"),
                Arg::unix_time("unix-time-seconds").token("EXAT").since("6.2.0"),
                Arg::unix_time("unix-time-milliseconds").token("PXAT").since("6.2.0"),
                Arg::pure_token("keepttl", "KEEPTTL").since("6.0.0"),
            ],
        )
        .optional(),
    ]);

pub static SETEX: Docs = Docs::new("Set the value and expiration of a key", "2.0.0", "string")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0), Arg::integer("seconds"), Arg::string("value")]);

pub static SETNX: Docs = Docs::new("Set the value of a key, only if the key does not exist", "1.0.0", "string")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0), Arg::string("value")]);

pub static SETRANGE: Docs =
    Docs::new("Overwrite part of a string at key starting at the specified offset", "2.2.0", "string")
        .complexity(
            "O(1), not counting the time taken to copy the new string in place. Usually, this string \
        is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M \
        being the length of the value argument.",
        )
        .args(&[Arg::key("key", 0), Arg::integer("offset"), Arg::string("value")]);

pub static STRLEN: Docs = Docs::new("Get the length of the value stored in a key", "2.2.0", "string")
    .complexity("O(1)")
    .args(&[Arg::key("key", 0)]);

pub static SUBSTR: Docs = Docs::new("Get a substring of the string stored at a key", "1.0.0", "string")
    .complexity(
        "O(N) where N is the length of the returned string. The complexity is ultimately \
        determined by the returned length, but because creating a substring from an existing \
        string is very cheap, it can be considered O(1) for small strings.",
    )
    .doc_flags(&["deprecated"])
    .deprecated("2.0.0", "`GETRANGE`")
    .args(&[Arg::key("key", 0), Arg::integer("start"), Arg::integer("end")]);
