//! COMMAND DOCS of the `bitmap` group, as Redis 7.0 has them.

use crate::cmd::def::{Arg, Docs};

pub static BITCOUNT: Docs = Docs::new("Count set bits in a string", "2.6.0", "bitmap")
    .complexity("O(N)")
    .history(&[("7.0.0", "Added the `BYTE|BIT` option.")])
    .args(&[
        Arg::key("key", 0),
        Arg::block(
            "index",
            &[
                Arg::integer("start"),
                Arg::integer("end"),
                Arg::oneof("index_unit", &[Arg::pure_token("byte", "BYTE"), Arg::pure_token("bit", "BIT")])
                    .optional()
                    .since("7.0.0"),
            ],
        )
        .optional(),
    ]);

pub static BITPOS: Docs = Docs::new("Find first bit set or clear in a string", "2.8.7", "bitmap")
    .complexity("O(N)")
    .history(&[("7.0.0", "Added the `BYTE|BIT` option.")])
    .args(&[
        Arg::key("key", 0),
        Arg::integer("bit"),
        Arg::block(
            "index",
            &[
                Arg::integer("start"),
                Arg::block(
                    "end_index",
                    &[
                        Arg::integer("end"),
                        Arg::oneof("index_unit", &[Arg::pure_token("byte", "BYTE"), Arg::pure_token("bit", "BIT")])
                            .optional()
                            .since("7.0.0"),
                    ],
                )
                .optional(),
            ],
        )
        .optional(),
    ]);

pub static GETBIT: Docs =
    Docs::new("Returns the bit value at offset in the string value stored at key", "2.2.0", "bitmap")
        .complexity("O(1)")
        .args(&[Arg::key("key", 0), Arg::integer("offset")]);

pub static SETBIT: Docs =
    Docs::new("Sets or clears the bit at offset in the string value stored at key", "2.2.0", "bitmap")
        .complexity("O(1)")
        .args(&[Arg::key("key", 0), Arg::integer("offset"), Arg::integer("value")]);
