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
