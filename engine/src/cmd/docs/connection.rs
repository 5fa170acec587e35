//! COMMAND DOCS of the `connection` group, as Redis 7.0 has them.

use crate::cmd::def::{Arg, Docs};

pub static CLIENT: Docs =
    Docs::new("A container for client connection commands", "2.4.0", "connection").complexity("Depends on subcommand.");

pub static CLIENT_ID: Docs =
    Docs::new("Returns the client ID for the current connection", "5.0.0", "connection").complexity("O(1)");

pub static CLIENT_SETNAME: Docs = Docs::new("Set the current connection name", "2.6.9", "connection")
    .complexity("O(1)")
    .args(&[Arg::string("connection-name")]);

pub static CLIENT_GETNAME: Docs =
    Docs::new("Get the current connection name", "2.6.9", "connection").complexity("O(1)");

pub static CLIENT_LIST: Docs = Docs::new("Get the list of client connections", "2.4.0", "connection")
    .complexity("O(N) where N is the number of client connections")
    .history(&[
        ("2.8.12", "Added unique client `id` field."),
        ("5.0.0", "Added optional `TYPE` filter."),
        ("6.0.0", "Added `user` field."),
        ("6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter."),
        ("7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."),
        ("7.0.3", "Added `ssub` field."),
    ])
    .args(&[
        Arg::oneof(
            "normal_master_replica_pubsub",
            &[
                Arg::pure_token("normal", "NORMAL"),
                Arg::pure_token("master", "MASTER"),
                Arg::pure_token("replica", "REPLICA"),
                Arg::pure_token("pubsub", "PUBSUB"),
            ],
        )
        .token("TYPE")
        .optional()
        .since("5.0.0"),
        Arg::block("id", &[Arg::integer("client-id").multiple()]).token("ID").optional().since("6.2.0"),
    ]);

pub static CLIENT_INFO: Docs =
    Docs::new("Returns information about the current client connection.", "6.2.0", "connection").complexity("O(1)");

pub static CLIENT_HELP: Docs =
    Docs::new("Show helpful text about the different subcommands", "5.0.0", "connection").complexity("O(1)");

pub static ECHO: Docs =
    Docs::new("Echo the given string", "1.0.0", "connection").complexity("O(1)").args(&[Arg::string("message")]);

pub static HELLO: Docs = Docs::new("Handshake with Redis", "6.0.0", "connection")
    .complexity("O(1)")
    .history(&[(
        "6.2.0",
        "`protover` made optional; when called without arguments the command reports the current \
            connection's context.",
    )])
    .args(&[Arg::block(
        "arguments",
        &[
            Arg::integer("protover"),
            Arg::block("username_password", &[Arg::string("username"), Arg::string("password")])
                .token("AUTH")
                .optional(),
            Arg::string("clientname").token("SETNAME").optional(),
        ],
    )
    .optional()]);

pub static PING: Docs =
    Docs::new("Ping the server", "1.0.0", "connection").complexity("O(1)").args(&[Arg::string("message").optional()]);

pub static QUIT: Docs = Docs::new("Close the connection", "1.0.0", "connection").complexity("O(1)");

pub static RESET: Docs = Docs::new("Reset the connection", "6.2.0", "connection").complexity("O(1)");

pub static SELECT: Docs = Docs::new("Change the selected database for the current connection", "1.0.0", "connection")
    .complexity("O(1)")
    .args(&[Arg::integer("index")]);

pub static CLIENT_UNBLOCK: Docs =
    Docs::new("Unblock a client blocked in a blocking command from a different connection", "5.0.0", "connection")
        .complexity("O(log N) where N is the number of client connections")
        .args(&[
            Arg::integer("client-id"),
            Arg::oneof("timeout_error", &[Arg::pure_token("timeout", "TIMEOUT"), Arg::pure_token("error", "ERROR")])
                .optional(),
        ]);

pub static AUTH: Docs = Docs::new("Authenticate to the server", "1.0.0", "connection")
    .complexity("O(N) where N is the number of passwords defined for the user")
    .history(&[("6.0.0", "Added ACL style (username and password).")])
    .args(&[Arg::string("username").optional().since("6.0.0"), Arg::string("password")]);

pub static CLIENT_KILL: Docs = Docs::new("Kill the connection of a client", "2.4.0", "connection")
    .complexity("O(N) where N is the number of client connections")
    .history(&[
        ("2.8.12", "Added new filter format."),
        ("2.8.12", "`ID` option."),
        ("3.2.0", "Added `master` type in for `TYPE` option."),
        ("5.0.0", "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility."),
        ("6.2.0", "`LADDR` option."),
    ])
    .args(&[Arg::oneof(
        "filter",
        &[
            Arg::string("ip:port").deprecated_since("2.8.12"),
            Arg::oneof(
                "new-format",
                &[
                    Arg::integer("client-id").token("ID").optional().since("2.8.12"),
                    Arg::oneof(
                        "normal_master_slave_pubsub",
                        &[
                            Arg::pure_token("normal", "NORMAL"),
                            Arg::pure_token("master", "MASTER").since("3.2.0"),
                            Arg::pure_token("slave", "SLAVE"),
                            Arg::pure_token("replica", "REPLICA").since("5.0.0"),
                            Arg::pure_token("pubsub", "PUBSUB"),
                        ],
                    )
                    .token("TYPE")
                    .optional()
                    .since("2.8.12"),
                    Arg::string("username").token("USER").optional(),
                    Arg::string("ip:port").token("ADDR").optional(),
                    Arg::string("ip:port").token("LADDR").optional().since("6.2.0"),
                    Arg::string("yes/no").token("SKIPME").optional(),
                ],
            )
            .multiple(),
        ],
    )]);

pub static CLIENT_PAUSE: Docs =
    Docs::new("Stop processing commands from clients for some time", "2.9.50", "connection")
        .complexity("O(1)")
        .history(&[("6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option.")])
        .args(&[
            Arg::integer("timeout"),
            Arg::oneof("mode", &[Arg::pure_token("write", "WRITE"), Arg::pure_token("all", "ALL")])
                .optional()
                .since("6.2.0"),
        ]);

pub static CLIENT_UNPAUSE: Docs = Docs::new("Resume processing of clients that were paused", "6.2.0", "connection")
    .complexity("O(N) Where N is the number of paused clients");

pub static CLIENT_REPLY: Docs = Docs::new("Instruct the server whether to reply to commands", "3.2.0", "connection")
    .complexity("O(1)")
    .args(&[Arg::oneof(
        "on_off_skip",
        &[Arg::pure_token("on", "ON"), Arg::pure_token("off", "OFF"), Arg::pure_token("skip", "SKIP")],
    )]);

pub static CLIENT_NO_EVICT: Docs =
    Docs::new("Set client eviction mode for the current connection", "7.0.0", "connection")
        .complexity("O(1)")
        .args(&[Arg::oneof("enabled", &[Arg::pure_token("on", "ON"), Arg::pure_token("off", "OFF")])]);

pub static CLIENT_TRACKING: Docs =
    Docs::new("Enable or disable server assisted client side caching support", "6.0.0", "connection")
        .complexity("O(1). Some options may introduce additional complexity.")
        .args(&[
            Arg::oneof("status", &[Arg::pure_token("on", "ON"), Arg::pure_token("off", "OFF")]),
            Arg::integer("client-id").token("REDIRECT").optional(),
            Arg::string("prefix").token("PREFIX").optional().multiple().multiple_token(),
            Arg::pure_token("bcast", "BCAST").optional(),
            Arg::pure_token("optin", "OPTIN").optional(),
            Arg::pure_token("optout", "OPTOUT").optional(),
            Arg::pure_token("noloop", "NOLOOP").optional(),
        ]);
