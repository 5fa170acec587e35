//! Connection and server introspection: TIME, CLIENT ID/SETNAME/GETNAME,
//! RESET, COMMAND COUNT. Their replies follow from the world's clock, the
//! connection's open order and the model's own session state, except
//! COMMAND COUNT (see [`Model::command_count`]).

use super::{eq_ic, subcommand, Exec, Model, Out, Sub};
use crate::cmd::Cmd;

/// Server observation and facts the model leaves out (see
/// [`super::NOT_MODELLED`]), with the reason for each.
pub static NOT_MODELLED: &[(&str, &str)] = &[
    ("config|rewrite", "writes the config file through the driver, which the simulator has none of (no config file: an error)"),
    ("slowlog|get", "lists commands by their measured duration; the simulator's clock gives every command 0 µs"),
    ("slowlog|len", "counts commands by their measured duration, which the model does not keep"),
    ("slowlog|reset", "clears the slow log, which the model does not keep"),
    ("slowlog|help", "fixed text: compared with Redis's by the differential suite"),
    ("latency|latest", "reports latency spikes by wall-clock duration, which the simulator's commands do not have"),
    ("latency|history", "reports latency spikes by wall-clock duration, which the simulator's commands do not have"),
    ("latency|reset", "clears latency events, which the model does not keep"),
    ("latency|doctor", "a report over latency events, which the model does not keep"),
    ("latency|help", "fixed text: compared with Redis's by the differential suite"),
    ("latency|histogram", "reports measured command durations; the simulator's clock gives every command 0 µs"),
    ("monitor", "turns the connection into a feed of every client's commands; checked by engine tests and redis-cli"),
    ("debug", "refused unless enable-debug-command is set; DEBUG SLEEP stops the whole server for wall-clock time"),
    ("memory|usage", "an estimate of Redis's allocation sizes, which the model does not keep; checked against Redis's figures in engine tests"),
    ("memory|stats", "reports the driver's allocator figures, which the simulator does not have"),
    ("lastsave", "the engine's start time, which the model does not keep"),
    ("wait", "replication acknowledgements: always 0 (no replicas), compared with Redis's by the differential suite"),
    ("role", "fixed reply (a master, offset 0, no replicas): compared with Redis's by the differential suite"),
    ("lolwut", "fixed text: compared with Redis's by the differential suite"),
];

/// `TIME`: `[seconds, microseconds]` of the simulated clock, which has
/// millisecond resolution (so the microseconds are a multiple of 1000).
pub fn time(_m: &mut Model, _cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let (secs, micros) = (cx.now_ms.div_euclid(1000), cx.now_ms.rem_euclid(1000) * 1000);
    out.w.array(2);
    out.w.bulk(secs.to_string().as_bytes());
    out.w.bulk(micros.to_string().as_bytes());
}

/// `BGREWRITEAOF`: started, or refused while a rewrite runs. Which one
/// depends on the engine's storage state, not on data: any one reply (the
/// simulated disk's AOF runs check what the rewrite leaves after a crash).
pub fn bgrewriteaof(_m: &mut Model, _cmd: &Cmd, _cx: &mut Exec<'_>, out: &mut Out<'_>) {
    out.any();
}

/// Redis `validateClientName`: printable ASCII, no space.
fn name_ok(name: &[u8]) -> bool {
    name.iter().all(|b| (b'!'..=b'~').contains(b))
}

/// The CLIENT subcommands [`client`] implements; the others are in
/// [`super::NOT_MODELLED`].
pub static CLIENT_SUBS: &[Sub] = &[
    Sub { full: "client|id", arity: 2 },
    Sub { full: "client|setname", arity: 3 },
    Sub { full: "client|getname", arity: 2 },
    Sub { full: "client|unblock", arity: -3 },
];

/// `CLIENT ID | SETNAME name | GETNAME`; other subcommands are not generated.
pub fn client(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(sub) = subcommand("CLIENT", CLIENT_SUBS, cmd, out) else {
        return;
    };
    match sub.full {
        "client|id" => out.w.int(cx.sess.id),
        "client|getname" => match &cx.sess.name {
            Some(name) => out.w.bulk(name),
            None => out.w.nil(),
        },
        "client|unblock" => super::blocking::client_unblock(m, cmd, out),
        _ => {
            let name = cmd.arg(2);
            if !name_ok(name) {
                return out.w.err("ERR Client names cannot contain spaces, newlines or special characters.");
            }
            cx.sess.name = (!name.is_empty()).then(|| name.to_vec());
            out.w.ok();
        }
    }
}

/// `RESET`: back to database 0, unnamed, no transaction, no watches, no
/// subscriptions (RESP3, the other state RESET clears, the simulator does
/// not create).
pub fn reset(m: &mut Model, _cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    super::multi::discard_transaction(m, cx);
    m.pubsub.forget(cx.sess.id);
    cx.sess.db = 0;
    cx.sess.name = None;
    out.w.simple(b"RESET");
}

/// The COMMAND subcommands [`command`] implements.
pub static COMMAND_SUBS: &[Sub] = &[Sub { full: "command|count", arity: 2 }];

/// `COMMAND COUNT`; the rest of COMMAND is not generated (the bare form's
/// reply is the engine's whole table: accepted as any reply).
pub fn command(m: &mut Model, cmd: &Cmd, _cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if cmd.argc() == 1 || !eq_ic(cmd.arg(1), "count") {
        return out.any();
    }
    if subcommand("COMMAND", COMMAND_SUBS, cmd, out).is_none() {
        return;
    }
    out.w.int(m.command_count);
}

#[cfg(test)]
mod tests {
    use super::super::{Model, Session};
    use super::*;
    use crate::resp::Writer;

    fn run(m: &mut Model, sess: &mut Session, now_ms: i64, args: &[&[u8]]) -> Vec<u8> {
        let mut cmd = Cmd::new();
        for a in args {
            cmd.push(a);
        }
        let mut buf = Vec::new();
        let mut out = Out { w: Writer { buf: &mut buf }, prop: None, time_sensitive: false, close: false };
        m.apply(&cmd, &mut Exec { sess, now_ms, scan: None, observed: None }, &mut out);
        buf
    }

    #[test]
    fn time_splits_the_clock() {
        let (mut m, mut s) = (Model::new(), Session::default());
        assert_eq!(run(&mut m, &mut s, 1_700_000_123_045, &[b"TIME"]), b"*2\r\n$10\r\n1700000123\r\n$5\r\n45000\r\n");
        assert_eq!(run(&mut m, &mut s, 1_700_000_123_000, &[b"time"]), b"*2\r\n$10\r\n1700000123\r\n$1\r\n0\r\n");
    }

    #[test]
    fn names_are_per_session_and_reset_clears_them() {
        let (mut m, mut s) = (Model::new(), Session { id: 7, ..Session::default() });
        assert_eq!(run(&mut m, &mut s, 0, &[b"CLIENT", b"ID"]), b":7\r\n");
        assert_eq!(run(&mut m, &mut s, 0, &[b"CLIENT", b"SETNAME", b"a b"])[..22], *b"-ERR Client names cann");
        assert_eq!(run(&mut m, &mut s, 0, &[b"CLIENT", b"SETNAME", b"w1"]), b"+OK\r\n");
        assert_eq!(run(&mut m, &mut s, 0, &[b"client", b"getname"]), b"$2\r\nw1\r\n");
        assert_eq!(run(&mut m, &mut s, 0, &[b"SELECT", b"2"]), b"+OK\r\n");
        assert_eq!(run(&mut m, &mut s, 0, &[b"RESET"]), b"+RESET\r\n");
        assert_eq!((s.db, s.name.is_none()), (0, true));
        assert!(run(&mut m, &mut s, 0, &[b"CLIENT", b"GETNAME", b"x"]).starts_with(b"-ERR wrong number"));
    }

    #[test]
    fn refcount_is_shared_for_small_ints_unless_copied() {
        let (mut m, mut s) = (Model::new(), Session::default());
        run(&mut m, &mut s, 0, &[b"SET", b"a", b"5"]);
        run(&mut m, &mut s, 0, &[b"SET", b"b", b"10000"]);
        run(&mut m, &mut s, 0, &[b"COPY", b"a", b"c"]);
        assert_eq!(run(&mut m, &mut s, 0, &[b"OBJECT", b"REFCOUNT", b"a"]), b":2147483647\r\n");
        assert_eq!(run(&mut m, &mut s, 0, &[b"OBJECT", b"REFCOUNT", b"b"]), b":1\r\n");
        assert_eq!(run(&mut m, &mut s, 0, &[b"OBJECT", b"REFCOUNT", b"c"]), b":1\r\n");
        assert_eq!(run(&mut m, &mut s, 0, &[b"OBJECT", b"ENCODING", b"c"]), b"$3\r\nint\r\n");
        run(&mut m, &mut s, 0, &[b"INCR", b"c"]);
        assert_eq!(run(&mut m, &mut s, 0, &[b"OBJECT", b"REFCOUNT", b"c"]), b":2147483647\r\n");
        assert_eq!(run(&mut m, &mut s, 0, &[b"OBJECT", b"FREQ", b"nokey"]), b"$-1\r\n");
        assert!(run(&mut m, &mut s, 0, &[b"OBJECT", b"FREQ", b"a"]).starts_with(b"-ERR An LFU maxmemory policy"));
    }
}
