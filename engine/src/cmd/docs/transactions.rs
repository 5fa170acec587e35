//! COMMAND DOCS of the `transactions` group, as Redis 7.0 has them.

use crate::cmd::def::{Arg, Docs};

pub static DISCARD: Docs = Docs::new("Discard all commands issued after MULTI", "2.0.0", "transactions")
    .complexity("O(N), when N is the number of queued commands");

pub static EXEC: Docs = Docs::new("Execute all commands issued after MULTI", "1.2.0", "transactions")
    .complexity("Depends on commands in the transaction");

pub static MULTI: Docs = Docs::new("Mark the start of a transaction block", "1.2.0", "transactions").complexity("O(1)");

pub static UNWATCH: Docs = Docs::new("Forget about all watched keys", "2.2.0", "transactions").complexity("O(1)");

pub static WATCH: Docs =
    Docs::new("Watch the given keys to determine execution of the MULTI/EXEC block", "2.2.0", "transactions")
        .complexity("O(1) for every key.")
        .args(&[Arg::key("key", 0).multiple()]);
