//! Transactions in the model: MULTI queues, EXEC runs the queue at once
//! (the model applies the queued commands together, so the checker sees
//! every reply of the transaction in one array and no other client's
//! command between them), DISCARD, WATCH and UNWATCH.
//!
//! # WATCH outcomes
//! Redis marks a watcher dirty on every touch of its key, even a write
//! that leaves the same value; the model does not track touches exactly.
//! It knows two bounds instead:
//! - EXEC must abort (null array) when a watched key visibly changed since
//!   WATCH: alive then and expired or gone now (an expiry after WATCH, as
//!   Redis's `isWatchedKeyExpired`), gone then and alive now, another
//!   type, another string value (but for zero padding: see
//!   [`surely_touched`]) or another expire time;
//! - EXEC must run when no command that may write named the key since
//!   WATCH (any command of any client outside a read-only list, naming it
//!   among its arguments in the key's database; FLUSHALL, FLUSHDB, SWAPDB,
//!   MOVE and COPY touch every watch).
//!
//! In between, the engine's reply decides ([`super::Exec::observed`]), and
//! the model follows it: a run is then checked command by command.

use super::{arity_ok, eq_ic, lower, spec_packed, unknown_command, Data, Exec, Model, Out, Prop};
use crate::cmd::Cmd;
use crate::resp::Val;

/// A session's transaction.
#[derive(Clone, Debug, Default)]
pub struct TxM {
    /// `Some` in MULTI: the queued commands.
    pub queued: Option<Vec<Cmd>>,
    /// A command was refused while queueing: EXEC aborts.
    pub dirty_exec: bool,
}

/// One watched key of one session.
#[derive(Clone, Debug)]
pub struct WatchM {
    /// The session (connection id).
    pub id: i64,
    pub db: usize,
    pub key: Vec<u8>,
    /// What the key looked like at WATCH.
    pub seen: Seen,
    /// A command that may write named it since.
    pub touched: bool,
}

/// The visible state of a key, for "did it change".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    Gone,
    Alive { type_name: &'static [u8], string: Option<Vec<u8>>, expire_ms: Option<i64> },
}

fn seen(m: &Model, db: usize, key: &[u8], now_ms: i64) -> Seen {
    match m.dbs[db].get(key, now_ms) {
        None => Seen::Gone,
        Some(e) => Seen::Alive {
            type_name: e.type_name(),
            string: match &e.data {
                Data::Str { val, .. } => Some(val.clone()),
                _ => None,
            },
            expire_ms: e.expire_ms,
        },
    }
}

/// Whether a key that looked like `then` at WATCH and like `now` at EXEC
/// was surely touched. A string only padded with zero bytes may not have
/// been: Redis's BITFIELD grows the string for a write that then fails
/// (OVERFLOW FAIL) and counts no change, so it signals nothing.
fn surely_touched(then: &Seen, now: &Seen) -> bool {
    if then == now {
        return false;
    }
    match (then, now) {
        (
            Seen::Alive { type_name: t0, string: Some(s0), expire_ms: e0 },
            Seen::Alive { type_name: t1, string: Some(s1), expire_ms: e1 },
        ) if t0 == t1 && e0 == e1 && s1.starts_with(s0) => s1[s0.len()..].iter().any(|&b| b != 0),
        _ => true,
    }
}

/// Commands that never write (the rest may: they touch the watches of the
/// keys they name).
const READ_ONLY: &[&str] = &[
    "ping",
    "echo",
    "get",
    "mget",
    "exists",
    "type",
    "ttl",
    "pttl",
    "expiretime",
    "pexpiretime",
    "strlen",
    "getrange",
    "substr",
    "lrange",
    "llen",
    "lindex",
    "lpos",
    "hget",
    "hmget",
    "hgetall",
    "hkeys",
    "hvals",
    "hlen",
    "hexists",
    "hstrlen",
    "hrandfield",
    "hscan",
    "smembers",
    "sismember",
    "smismember",
    "scard",
    "srandmember",
    "sinter",
    "sunion",
    "sdiff",
    "sintercard",
    "sscan",
    "zscore",
    "zmscore",
    "zrange",
    "zrangebyscore",
    "zrevrange",
    "zrevrangebyscore",
    "zrangebylex",
    "zrevrangebylex",
    "zcard",
    "zcount",
    "zlexcount",
    "zrank",
    "zrevrank",
    "zrandmember",
    "zscan",
    "zinter",
    "zunion",
    "zdiff",
    "zintercard",
    "dbsize",
    "keys",
    "scan",
    "randomkey",
    "time",
    "object",
    "command",
    "client",
    "select",
    "bitcount",
    "bitpos",
    "getbit",
    "bitfield_ro",
    "lcs",
    "sort_ro",
    "dump",
    "touch",
    "multi",
    "exec",
    "discard",
    "watch",
    "unwatch",
    "reset",
    "quit",
    "info",
    "config",
    "memory",
    "lastsave",
];

/// Commands that may write keys they do not name, or in another database.
const TOUCH_ALL: &[&str] = &["flushall", "flushdb", "swapdb", "move", "copy"];

/// The commands that run at once even in MULTI (Redis processCommand).
fn runs_in_multi(name: &[u8]) -> bool {
    matches!(name, b"exec" | b"discard" | b"multi" | b"watch" | b"quit" | b"reset")
}

impl Model {
    /// Before `cmd` runs (checked and about to execute) in database `db`:
    /// the watches it may touch.
    pub(super) fn note_write(&mut self, name: &str, cmd: &Cmd, db: usize) {
        if self.watches.is_empty() || READ_ONLY.contains(&name) {
            return;
        }
        let all = TOUCH_ALL.contains(&name);
        for w in &mut self.watches {
            if all || (w.db == db && (1..cmd.argc()).any(|i| cmd.arg(i) == w.key.as_slice())) {
                w.touched = true;
            }
        }
    }

    /// In MULTI, a command other than EXEC DISCARD MULTI WATCH QUIT RESET
    /// is queued (or refused, which dooms the transaction). True when it
    /// was taken.
    pub(super) fn queue(&mut self, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) -> bool {
        if cx.sess.tx.queued.is_none() {
            return false;
        }
        let mut buf = [0u8; 16];
        let name = lower(cmd.arg(0), &mut buf);
        if runs_in_multi(name) {
            return false;
        }
        let Some(spec) = spec_packed(u128::from_be_bytes(buf)) else {
            cx.sess.tx.dirty_exec = true;
            unknown_command(cmd, out);
            return true;
        };
        if !arity_ok(spec.arity, cmd.argc()) {
            cx.sess.tx.dirty_exec = true;
            super::arity_error(spec.name.as_bytes(), out);
            return true;
        }
        if !spec.subs.is_empty() && cmd.argc() >= 2 {
            let Some(sub) = spec.subs.iter().find(|s| eq_ic(cmd.arg(1), s.name())) else {
                cx.sess.tx.dirty_exec = true;
                super::unknown_subcommand(&spec.name.to_ascii_uppercase(), cmd, out);
                return true;
            };
            if !arity_ok(sub.arity, cmd.argc()) {
                cx.sess.tx.dirty_exec = true;
                super::arity_error(sub.full.as_bytes(), out);
                return true;
            }
        }
        if !cx.sess.tx.dirty_exec {
            cx.sess.tx.queued.as_mut().expect("in MULTI").push(cmd.clone());
        }
        out.w.simple(b"QUEUED");
        true
    }

    /// The session's watches go (UNWATCH, EXEC, DISCARD, RESET).
    pub fn unwatch_session(&mut self, id: i64) {
        self.watches.retain(|w| w.id != id);
    }
}

pub fn multi(_m: &mut Model, _cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if cx.sess.tx.queued.is_some() {
        return out.w.err("ERR MULTI calls can not be nested");
    }
    cx.sess.tx.queued = Some(Vec::new());
    out.w.ok();
}

pub fn discard(m: &mut Model, _cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if cx.sess.tx.queued.is_none() {
        return out.w.err("ERR DISCARD without MULTI");
    }
    discard_transaction(m, cx);
    out.w.ok();
}

/// Out of MULTI, flags cleared, keys unwatched.
pub fn discard_transaction(m: &mut Model, cx: &mut Exec<'_>) {
    cx.sess.tx = TxM::default();
    m.unwatch_session(cx.sess.id);
}

pub fn watch(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if cx.sess.tx.queued.is_some() {
        return out.w.err("ERR WATCH inside MULTI is not allowed");
    }
    let (id, db) = (cx.sess.id, cx.sess.db);
    for i in 1..cmd.argc() {
        let key = cmd.arg(i);
        if m.watches.iter().any(|w| w.id == id && w.db == db && w.key == key) {
            continue;
        }
        let seen = seen(m, db, key, cx.now_ms);
        m.watches.push(WatchM { id, db, key: key.to_vec(), seen, touched: false });
    }
    out.w.ok();
}

pub fn unwatch(m: &mut Model, _cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    m.unwatch_session(cx.sess.id);
    out.w.ok();
}

pub fn exec(m: &mut Model, _cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(queued) = cx.sess.tx.queued.take() else {
        return out.w.err("ERR EXEC without MULTI");
    };
    let dirty_exec = cx.sess.tx.dirty_exec;
    let id = cx.sess.id;
    let now = cx.now_ms;
    let mine: Vec<WatchM> = m.watches.iter().filter(|w| w.id == id).cloned().collect();
    discard_transaction(m, cx);
    if dirty_exec {
        return out.w.err("EXECABORT Transaction discarded because of previous errors.");
    }
    let must_abort = mine.iter().any(|w| surely_touched(&w.seen, &seen(m, w.db, &w.key, now)));
    let may_abort = must_abort || mine.iter().any(|w| w.touched);
    let observed = cx.observed.take();
    let engine_aborted = matches!(observed, Some(Val::Array(None)));
    if must_abort || (may_abort && engine_aborted) {
        out.w.buf.extend_from_slice(b"*-1\r\n");
        return;
    }
    let mut inner: Vec<Option<Val>> = match observed {
        Some(Val::Array(Some(v))) if v.len() == queued.len() => v.into_iter().map(Some).collect(),
        _ => vec![None; queued.len()],
    };
    out.w.array(queued.len());
    let mut by_prop = false;
    m.deny_blocking = true;
    for (q, obs) in queued.iter().zip(inner.iter_mut()) {
        cx.observed = obs.take();
        m.apply(q, cx, out);
        if out.prop.take().is_some() {
            by_prop = true;
        }
    }
    m.deny_blocking = false;
    cx.observed = None;
    if by_prop {
        // A reply inside is checked by a property: the transaction's reply
        // as a whole can only be checked for its shape.
        out.prop = Some(Prop::Any);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Model, Session};
    use super::*;
    use crate::resp::Writer;

    fn run(m: &mut Model, sess: &mut Session, now_ms: i64, line: &str, observed: Option<Val>) -> (Vec<u8>, bool) {
        let mut cmd = Cmd::new();
        for a in line.split(' ') {
            cmd.push(a.as_bytes());
        }
        let mut buf = Vec::new();
        let mut out = Out { w: Writer { buf: &mut buf }, prop: None, time_sensitive: false, close: false };
        m.apply(&cmd, &mut Exec { sess, now_ms, scan: None, observed }, &mut out);
        let by_prop = out.prop.is_some();
        (buf, by_prop)
    }

    fn text(m: &mut Model, sess: &mut Session, now_ms: i64, line: &str) -> String {
        String::from_utf8(run(m, sess, now_ms, line, None).0).unwrap()
    }

    #[test]
    fn exec_runs_the_queue_at_once_and_queue_errors_abort() {
        let (mut m, mut a) = (Model::new(), Session { id: 1, ..Session::default() });
        assert_eq!(text(&mut m, &mut a, 0, "MULTI"), "+OK\r\n");
        assert_eq!(text(&mut m, &mut a, 0, "SET k 1"), "+QUEUED\r\n");
        assert_eq!(text(&mut m, &mut a, 0, "INCR k"), "+QUEUED\r\n");
        assert_eq!(text(&mut m, &mut a, 0, "GET k"), "+QUEUED\r\n");
        assert!(m.dbs[0].get(b"k", 0).is_none(), "nothing ran before EXEC");
        assert_eq!(text(&mut m, &mut a, 0, "EXEC"), "*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n");
        assert_eq!(text(&mut m, &mut a, 0, "MULTI"), "+OK\r\n");
        assert_eq!(text(&mut m, &mut a, 0, "SET k"), "-ERR wrong number of arguments for 'set' command\r\n");
        assert_eq!(text(&mut m, &mut a, 0, "DEL k"), "+QUEUED\r\n");
        assert_eq!(text(&mut m, &mut a, 0, "EXEC"), "-EXECABORT Transaction discarded because of previous errors.\r\n");
        assert!(m.dbs[0].get(b"k", 0).is_some());
        assert_eq!(text(&mut m, &mut a, 0, "EXEC"), "-ERR EXEC without MULTI\r\n");
    }

    #[test]
    fn watch_outcomes_must_may_and_must_not_abort() {
        let mut m = Model::new();
        let (mut a, mut b) = (Session { id: 1, ..Session::default() }, Session { id: 2, ..Session::default() });
        text(&mut m, &mut a, 0, "SET k 1");
        // Nobody wrote k: EXEC must run, whatever the engine says.
        text(&mut m, &mut a, 0, "WATCH k");
        text(&mut m, &mut b, 0, "GET k");
        text(&mut m, &mut a, 0, "MULTI");
        let (r, _) = run(&mut m, &mut a, 0, "EXEC", Some(Val::Array(None)));
        assert_eq!(r, b"*0\r\n");
        // Another value: EXEC must abort.
        text(&mut m, &mut a, 0, "WATCH k");
        text(&mut m, &mut b, 0, "SET k 2");
        text(&mut m, &mut a, 0, "MULTI");
        text(&mut m, &mut a, 0, "SET k 3");
        let (r, _) = run(&mut m, &mut a, 0, "EXEC", Some(Val::Array(Some(vec![Val::Simple(b"OK".to_vec())]))));
        assert_eq!(r, b"*-1\r\n");
        assert_eq!(text(&mut m, &mut a, 0, "GET k"), "$1\r\n2\r\n");
        // The same value written again: the engine's answer decides.
        for (observed, want) in [(Val::Array(None), "*-1\r\n"), (Val::Array(Some(vec![])), "*0\r\n")] {
            text(&mut m, &mut a, 0, "WATCH k");
            text(&mut m, &mut b, 0, "SET k 2");
            text(&mut m, &mut a, 0, "MULTI");
            assert_eq!(String::from_utf8(run(&mut m, &mut a, 0, "EXEC", Some(observed)).0).unwrap(), want);
        }
        // Expired since WATCH: must abort.
        text(&mut m, &mut a, 0, "SET t 1 PX 100");
        text(&mut m, &mut a, 0, "WATCH t");
        text(&mut m, &mut a, 200, "MULTI");
        assert_eq!(run(&mut m, &mut a, 200, "EXEC", Some(Val::Array(Some(vec![])))).0, b"*-1\r\n");
        assert!(m.watches.is_empty(), "EXEC unwatches");
    }
}
