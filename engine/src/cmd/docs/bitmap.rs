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

pub static BITFIELD: Docs = Docs::new("Perform arbitrary bitfield integer operations on strings", "3.2.0", "bitmap")
    .complexity("O(1) for each subcommand specified")
    .args(&[
        Arg::key("key", 0),
        Arg::oneof(
            "operation",
            &[
                Arg::block("encoding_offset", &[Arg::string("encoding"), Arg::integer("offset")]).token("GET"),
                Arg::block(
                    "write",
                    &[
                        Arg::oneof(
                            "wrap_sat_fail",
                            &[
                                Arg::pure_token("wrap", "WRAP"),
                                Arg::pure_token("sat", "SAT"),
                                Arg::pure_token("fail", "FAIL"),
                            ],
                        )
                        .token("OVERFLOW")
                        .optional(),
                        Arg::oneof(
                            "write_operation",
                            &[
                                Arg::block(
                                    "encoding_offset_value",
                                    &[Arg::string("encoding"), Arg::integer("offset"), Arg::integer("value")],
                                )
                                .token("SET"),
                                Arg::block(
                                    "encoding_offset_increment",
                                    &[Arg::string("encoding"), Arg::integer("offset"), Arg::integer("increment")],
                                )
                                .token("INCRBY"),
                            ],
                        ),
                    ],
                ),
            ],
        )
        .optional()
        .multiple(),
    ]);

pub static BITFIELD_RO: Docs = Docs::new(
    "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
    "6.0.0",
    "bitmap",
)
.complexity("O(1) for each subcommand specified")
.args(&[
    Arg::key("key", 0),
    Arg::block("encoding_offset", &[Arg::string("encoding"), Arg::integer("offset")])
        .token("GET")
        .optional()
        .multiple()
        .multiple_token(),
]);

pub static BITOP: Docs = Docs::new("Perform bitwise operations between strings", "2.6.0", "bitmap")
    .complexity("O(N)")
    .args(&[Arg::string("operation"), Arg::key("destkey", 0), Arg::key("key", 1).multiple()]);

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
