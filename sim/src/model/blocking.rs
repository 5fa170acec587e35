//! The blocking commands (BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP BZPOPMIN
//! BZPOPMAX BZMPOP) and CLIENT UNBLOCK, and the registry of blocked
//! sessions the world drives (`world/blocking.rs`).
//!
//! A blocking command is its non-blocking twin when a key has data: the
//! same pop, the same WRONGTYPE, in Redis 7.0's reply shape. When no key
//! has data it writes no reply and asks to block ([`Model::block_request`]);
//! the world parks the session here, and decides when it is served (after a
//! write leaves a waited key holding a value of its kind, by running the
//! command again), times out (`*-1`) or is unblocked by CLIENT UNBLOCK.
//!
//! Redis 7.0's order (`getTimeoutFromObjectOrReply` before the keys are
//! looked at; BLMOVE's directions before its timeout): the timeout is
//! `strtold(arg) * 1000` truncated to ms, negative refused, 0 forever.
//! The workload draws timeouts that are exact in binary (0.125, 0.5, 2),
//! where an f64 gives what a long double gives.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::list::{lmove, lmpop, lpop, rpop, rpoplpush};
use super::zset::{zmpop, zpopmax, zpopmin};
use super::{eq_ic, parse_ll, Data, Exec, Model, Out, Spec, SYNTAX, WRONGTYPE};
use crate::cmd::Cmd;
use crate::resp::Writer;

pub static SPECS: &[Spec] = &[
    Spec::new("blpop", -3, blpop),
    Spec::new("brpop", -3, brpop),
    Spec::new("brpoplpush", 4, brpoplpush),
    Spec::new("blmove", 6, blmove),
    Spec::new("blmpop", -5, blmpop),
    Spec::new("bzpopmin", -3, bzpopmin),
    Spec::new("bzpopmax", -3, bzpopmax),
    Spec::new("bzmpop", -5, bzmpop),
];

/// The value type a blocked session waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    List,
    ZSet,
}

impl Kind {
    /// Whether `data` wakes a waiter of this kind.
    pub fn wakes(self, data: &Data) -> bool {
        matches!((self, data), (Kind::List, Data::List(_)) | (Kind::ZSet, Data::ZSet(_)))
    }
}

/// What a blocking command that found no data asks for.
#[derive(Clone, Debug)]
pub struct BlockOn {
    pub keys: Vec<Vec<u8>>,
    pub kind: Kind,
    /// Simulated Unix ms of the timeout (None: forever).
    pub deadline_ms: Option<i64>,
}

/// How CLIENT UNBLOCK releases a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unblock {
    Timeout,
    Error,
}

/// One parked session.
#[derive(Clone, Debug)]
pub struct Parked {
    pub db: usize,
    pub on: BlockOn,
}

/// Blocked sessions by CLIENT ID, the keys they wait on, their deadlines.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    pub parked: BTreeMap<i64, Parked>,
    /// (db, key) -> sessions, in the order they blocked.
    pub waiters: BTreeMap<(usize, Vec<u8>), VecDeque<i64>>,
    pub timeouts: BTreeSet<(i64, i64)>,
    /// Keys that may have become ready, in order.
    pub ready: Vec<(usize, Vec<u8>)>,
    /// CLIENT UNBLOCK requests of the command just run.
    pub unblock: Vec<(i64, Unblock)>,
}

impl Registry {
    pub fn is_empty(&self) -> bool {
        self.parked.is_empty()
    }

    pub fn is_parked(&self, id: i64) -> bool {
        self.parked.contains_key(&id)
    }

    pub fn park(&mut self, id: i64, db: usize, on: BlockOn) {
        for key in &on.keys {
            let q = self.waiters.entry((db, key.clone())).or_default();
            if !q.contains(&id) {
                q.push_back(id);
            }
        }
        if let Some(at) = on.deadline_ms {
            self.timeouts.insert((at, id));
        }
        let prev = self.parked.insert(id, Parked { db, on });
        assert!(prev.is_none(), "session {id} parked twice");
    }

    pub fn unpark(&mut self, id: i64) -> Option<Parked> {
        let p = self.parked.remove(&id)?;
        for key in &p.on.keys {
            let k = (p.db, key.clone());
            if let Some(q) = self.waiters.get_mut(&k) {
                q.retain(|&c| c != id);
                if q.is_empty() {
                    self.waiters.remove(&k);
                }
            }
        }
        if let Some(at) = p.on.deadline_ms {
            self.timeouts.remove(&(at, id));
        }
        Some(p)
    }

    /// A key a write named: ready if someone waits on it.
    pub fn note_ready(&mut self, db: usize, key: &[u8]) {
        if self.waiters.contains_key(&(db, key.to_vec())) && !self.ready.iter().any(|(d, k)| *d == db && k == key) {
            self.ready.push((db, key.to_vec()));
        }
    }

    /// Every waited key (a write whose keys cannot be listed).
    pub fn note_all_ready(&mut self) {
        let all: Vec<(usize, Vec<u8>)> = self.waiters.keys().cloned().collect();
        for (db, key) in all {
            self.note_ready(db, &key);
        }
    }
}

/// `getTimeoutFromObjectOrReply` in seconds: the deadline, None for 0.
fn deadline(arg: &[u8], now_ms: i64) -> Result<Option<i64>, &'static str> {
    let secs = std::str::from_utf8(arg)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|v| v.is_finite())
        .ok_or("ERR timeout is not a float or out of range")?;
    let ms = (secs * 1000.0) as i64;
    if ms < 0 {
        return Err("ERR timeout is negative");
    }
    Ok((ms > 0).then(|| now_ms + ms))
}

/// Runs the non-blocking twin `cmd` into a buffer of its own.
fn twin(
    m: &mut Model,
    run: fn(&mut Model, &Cmd, &mut Exec<'_>, &mut Out<'_>),
    cmd: &Cmd,
    cx: &mut Exec<'_>,
) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut out = Out { w: Writer { buf: &mut buf }, prop: None, time_sensitive: false, close: false };
    run(m, cmd, cx, &mut out);
    buf
}

fn cmd_of(parts: &[&[u8]]) -> Cmd {
    let mut c = Cmd::new();
    for p in parts {
        c.push(p);
    }
    c
}

/// Which of `keys` has data of `kind`: Ok(Some(key)) for the first, Ok(None)
/// when none, Err for a key of another type met first (WRONGTYPE).
fn first_ready<'k>(m: &mut Model, cx: &Exec<'_>, keys: &[&'k [u8]], kind: Kind) -> Result<Option<&'k [u8]>, ()> {
    let db = m.db(cx);
    for &k in keys {
        match db.get(k, cx.now_ms) {
            None => continue,
            Some(e) if kind.wakes(&e.data) => return Ok(Some(k)),
            Some(_) => return Err(()),
        }
    }
    Ok(None)
}

/// Asks the world to block the session, or inside EXEC (Redis
/// `CLIENT_DENY_BLOCKING`) replies as a timeout would: a null bulk for
/// BRPOPLPUSH/BLMOVE (`null_bulk`), a null array for the others.
fn block(m: &mut Model, out: &mut Out<'_>, keys: Vec<Vec<u8>>, kind: Kind, deadline_ms: Option<i64>, null_bulk: bool) {
    if m.deny_blocking {
        if null_bulk {
            out.w.nil();
        } else {
            out.w.buf.extend_from_slice(b"*-1\r\n");
        }
        return;
    }
    m.block_request = Some(BlockOn { keys, kind, deadline_ms });
}

/// BLPOP/BRPOP and BZPOPMIN/BZPOPMAX: `NAME key [key ...] timeout`.
fn pop_first(
    m: &mut Model,
    cmd: &Cmd,
    cx: &mut Exec<'_>,
    out: &mut Out<'_>,
    kind: Kind,
    twin_name: &[u8],
    run: fn(&mut Model, &Cmd, &mut Exec<'_>, &mut Out<'_>),
) {
    let deadline_ms = match deadline(cmd.arg(cmd.argc() - 1), cx.now_ms) {
        Ok(d) => d,
        Err(e) => return out.w.err(e),
    };
    let keys: Vec<&[u8]> = (1..cmd.argc() - 1).map(|i| cmd.arg(i)).collect();
    match first_ready(m, cx, &keys, kind) {
        Err(()) => out.w.err(WRONGTYPE),
        Ok(None) => block(m, out, keys.iter().map(|k| k.to_vec()).collect(), kind, deadline_ms, false),
        Ok(Some(key)) => {
            let popped = twin(m, run, &cmd_of(&[twin_name, key]), cx);
            match kind {
                // LPOP's reply is one bulk: [key, element].
                Kind::List => {
                    out.w.array(2);
                    out.w.bulk(key);
                    out.w.buf.extend_from_slice(&popped);
                }
                // ZPOPMIN's is `*2` member score: [key, member, score].
                Kind::ZSet => {
                    let items = popped.strip_prefix(b"*2\r\n").expect("a one-member ZPOPMIN reply");
                    out.w.array(3);
                    out.w.bulk(key);
                    out.w.buf.extend_from_slice(items);
                }
            }
        }
    }
}

pub fn blpop(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    pop_first(m, cmd, cx, out, Kind::List, b"LPOP", lpop)
}

pub fn brpop(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    pop_first(m, cmd, cx, out, Kind::List, b"RPOP", rpop)
}

pub fn bzpopmin(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    pop_first(m, cmd, cx, out, Kind::ZSet, b"ZPOPMIN", zpopmin)
}

pub fn bzpopmax(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    pop_first(m, cmd, cx, out, Kind::ZSet, b"ZPOPMAX", zpopmax)
}

/// BRPOPLPUSH and BLMOVE: block on the source while it is missing.
fn move_from(m: &mut Model, cx: &mut Exec<'_>, out: &mut Out<'_>, twin_cmd: Cmd, timeout: &[u8], run: TwinFn) {
    let deadline_ms = match deadline(timeout, cx.now_ms) {
        Ok(d) => d,
        Err(e) => return out.w.err(e),
    };
    let src = twin_cmd.arg(1).to_vec();
    if m.db(cx).get(&src, cx.now_ms).is_none() {
        return block(m, out, vec![src], Kind::List, deadline_ms, true);
    }
    run(m, &twin_cmd, cx, out);
}

type TwinFn = fn(&mut Model, &Cmd, &mut Exec<'_>, &mut Out<'_>);

pub fn brpoplpush(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let twin_cmd = cmd_of(&[b"RPOPLPUSH", cmd.arg(1), cmd.arg(2)]);
    move_from(m, cx, out, twin_cmd, cmd.arg(3), rpoplpush)
}

pub fn blmove(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let side_ok = |a: &[u8]| eq_ic(a, "left") || eq_ic(a, "right");
    if !side_ok(cmd.arg(3)) || !side_ok(cmd.arg(4)) {
        return out.w.err(SYNTAX);
    }
    let twin_cmd = cmd_of(&[b"LMOVE", cmd.arg(1), cmd.arg(2), cmd.arg(3), cmd.arg(4)]);
    move_from(m, cx, out, twin_cmd, cmd.arg(5), lmove)
}

/// BLMPOP and BZMPOP: `NAME timeout numkeys key ... where [COUNT n]`, the
/// twin's syntax, errors and reply; blocks where the twin finds nothing.
fn mpop(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, kind: Kind, twin_name: &[u8], run: TwinFn) {
    let wheres = match kind {
        Kind::List => ["left", "right"],
        Kind::ZSet => ["min", "max"],
    };
    // Redis 7.0 parses numkeys, the direction and COUNT before the timeout.
    if let Err(e) = mpop_syntax(cmd, wheres) {
        return out.w.err(e);
    }
    let deadline_ms = match deadline(cmd.arg(1), cx.now_ms) {
        Ok(d) => d,
        Err(e) => return out.w.err(e),
    };
    let mut twin_cmd = cmd_of(&[twin_name]);
    for i in 2..cmd.argc() {
        twin_cmd.push(cmd.arg(i));
    }
    let reply = twin(m, run, &twin_cmd, cx);
    if reply != b"*-1\r\n" {
        out.w.buf.extend_from_slice(&reply);
        return;
    }
    // Nothing to pop, so numkeys parsed and names its keys.
    let numkeys = parse_ll(cmd.arg(2)).expect("the twin parsed numkeys") as usize;
    let keys = (3..3 + numkeys).map(|i| cmd.arg(i).to_vec()).collect();
    block(m, out, keys, kind, deadline_ms, false);
}

/// The errors `NAME timeout numkeys key ... <where> [COUNT n]` gets before
/// its timeout is read (as LMPOP/ZMPOP word them).
fn mpop_syntax(cmd: &Cmd, wheres: [&str; 2]) -> Result<(), &'static str> {
    let numkeys = match parse_ll(cmd.arg(2)) {
        Some(n) if n >= 1 => n as u64,
        _ => return Err("ERR numkeys should be greater than 0"),
    };
    let where_at = match numkeys.checked_add(3) {
        Some(w) if w < cmd.argc() as u64 => w as usize,
        _ => return Err(SYNTAX),
    };
    if !wheres.iter().any(|w| eq_ic(cmd.arg(where_at), w)) {
        return Err(SYNTAX);
    }
    let mut count_seen = false;
    let mut j = where_at + 1;
    while j < cmd.argc() {
        if !count_seen && eq_ic(cmd.arg(j), "count") && j + 1 < cmd.argc() {
            match parse_ll(cmd.arg(j + 1)) {
                Some(n) if n >= 1 => count_seen = true,
                _ => return Err("ERR count should be greater than 0"),
            }
            j += 2;
        } else {
            return Err(SYNTAX);
        }
    }
    Ok(())
}

pub fn blmpop(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    mpop(m, cmd, cx, out, Kind::List, b"LMPOP", lmpop)
}

pub fn bzmpop(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    mpop(m, cmd, cx, out, Kind::ZSet, b"ZMPOP", zmpop)
}

/// `CLIENT UNBLOCK id [TIMEOUT|ERROR]`: 1 when `id` is blocked (the world
/// releases it after this command), else 0.
pub fn client_unblock(m: &mut Model, cmd: &Cmd, out: &mut Out<'_>) {
    if cmd.argc() > 4 {
        return out.w.err("ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.");
    }
    let how = match cmd.argc() {
        4 if eq_ic(cmd.arg(3), "timeout") => Unblock::Timeout,
        4 if eq_ic(cmd.arg(3), "error") => Unblock::Error,
        4 => return out.w.err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"),
        _ => Unblock::Timeout,
    };
    let Some(id) = parse_ll(cmd.arg(2)) else {
        return out.w.err("ERR value is not an integer or out of range");
    };
    let blocked = m.blocks.is_parked(id);
    if blocked {
        m.blocks.unblock.push((id, how));
    }
    out.w.int(i64::from(blocked));
}
