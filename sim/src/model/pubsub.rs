//! Pub/Sub in the reference model: who listens to what (by session id, the
//! engine's connection number), the replies of the (un)subscribe commands
//! and PUBSUB, the RESP2 subscriber context, and the messages a publish
//! sends to *other* connections, left in [`PubSub::outbox`] for the world
//! to queue on their checkers. The world queues them the moment the model
//! executes the publish, which is the moment the engine does: so every
//! subscriber's expected stream holds each message once, in publish order,
//! between the replies of its own commands that ran before and after.
//!
//! Plain `BTreeMap`s and `Vec`s; nothing shared with the engine. A client
//! that leaves (Close, QUIT) or RESETs drops its subscriptions
//! ([`PubSub::forget`]). Stalled subscribers (cut at their output limit)
//! are not modelled: the world never stops reading a client.

use std::collections::{BTreeMap, BTreeSet};

use super::{arity_ok, glob, lower, Exec, Model, Out, Prop, Spec, Sub};
use crate::cmd::Cmd;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Channel,
    Pattern,
    Shard,
}

/// The model's registry.
#[derive(Clone, Debug, Default)]
pub struct PubSub {
    /// name -> subscriber ids in subscription order, per kind.
    channels: BTreeMap<Vec<u8>, Vec<i64>>,
    patterns: BTreeMap<Vec<u8>, Vec<i64>>,
    shard: BTreeMap<Vec<u8>, Vec<i64>>,
    /// Sessions in subscriber mode (Redis's CLIENT_PUBSUB flag).
    subscriber: BTreeSet<i64>,
    /// Messages for other sessions: (session id, RESP bytes), in order.
    pub outbox: Vec<(i64, Vec<u8>)>,
}

impl PubSub {
    fn map(&mut self, kind: Kind) -> &mut BTreeMap<Vec<u8>, Vec<i64>> {
        match kind {
            Kind::Channel => &mut self.channels,
            Kind::Pattern => &mut self.patterns,
            Kind::Shard => &mut self.shard,
        }
    }

    fn has(&mut self, kind: Kind, id: i64, name: &[u8]) -> bool {
        self.map(kind).get(name).is_some_and(|l| l.contains(&id))
    }

    /// Names of `kind` session `id` listens to, in byte order.
    fn names_of(&mut self, kind: Kind, id: i64) -> Vec<Vec<u8>> {
        self.map(kind).iter().filter(|(_, l)| l.contains(&id)).map(|(n, _)| n.clone()).collect()
    }

    fn count(&mut self, kind: Kind, id: i64) -> usize {
        self.map(kind).values().filter(|l| l.contains(&id)).count()
    }

    /// The count an (un)subscribe reply carries.
    fn reply_count(&mut self, kind: Kind, id: i64) -> i64 {
        match kind {
            Kind::Channel | Kind::Pattern => (self.count(Kind::Channel, id) + self.count(Kind::Pattern, id)) as i64,
            Kind::Shard => self.count(Kind::Shard, id) as i64,
        }
    }

    fn total(&mut self, id: i64) -> usize {
        self.count(Kind::Channel, id) + self.count(Kind::Pattern, id) + self.count(Kind::Shard, id)
    }

    fn remove(&mut self, kind: Kind, id: i64, name: &[u8]) {
        let map = self.map(kind);
        if let Some(list) = map.get_mut(name) {
            list.retain(|&c| c != id);
            if list.is_empty() {
                map.remove(name);
            }
        }
    }

    /// Session `id` is gone (Close, QUIT) or RESET: nothing of it stays.
    pub fn forget(&mut self, id: i64) {
        for kind in [Kind::Channel, Kind::Pattern, Kind::Shard] {
            for name in self.names_of(kind, id) {
                self.remove(kind, id, &name);
            }
        }
        self.subscriber.remove(&id);
    }

    /// Whether session `id` is in subscriber mode.
    pub fn is_subscriber(&self, id: i64) -> bool {
        self.subscriber.contains(&id)
    }
}

/// The commands a subscribed (RESP2) session may still send.
const ALLOWED: &[&str] =
    &["ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "quit", "reset"];

/// The subscriber-context error, if `cmd` (whose table entry is `spec`,
/// arity checked) may not run in session `cx` now. Redis checks it after
/// the command lookup (unknown subcommand) and arity, so those errors win.
pub fn denied(m: &Model, spec: &Spec, cmd: &Cmd, cx: &Exec<'_>, out: &mut Out<'_>) -> bool {
    if !m.pubsub.is_subscriber(cx.sess.id) || ALLOWED.contains(&spec.name) {
        return false;
    }
    let mut full = spec.name.to_string();
    if !spec.subs.is_empty() && cmd.argc() >= 2 {
        let mut buf = [0u8; 16];
        let sub = String::from_utf8_lossy(lower(cmd.arg(1), &mut buf)).into_owned();
        let name = format!("{}|{sub}", spec.name);
        match spec.subs.iter().find(|s| s.full == name) {
            Some(s) if !arity_ok(s.arity, cmd.argc()) => return false,
            Some(_) => {}
            None if super::all_not_modelled().any(|(n, _)| *n == name) => {}
            // An unknown subcommand: its error comes first.
            None => return false,
        }
        full = name;
    }
    let why = format!(
        "Can't execute '{full}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
    );
    // Redis's rejectCommand: EXEC refused aborts the transaction it would
    // run (a subscriber cannot be in MULTI: MULTI is refused here too).
    if spec.name == "exec" {
        out.w.err(&format!("EXECABORT Transaction discarded because of: {why}"));
    } else {
        out.w.err(&format!("ERR {why}"));
    }
    true
}

fn words(kind: Kind) -> (&'static [u8], &'static [u8]) {
    match kind {
        Kind::Channel => (b"subscribe", b"unsubscribe"),
        Kind::Pattern => (b"psubscribe", b"punsubscribe"),
        Kind::Shard => (b"ssubscribe", b"sunsubscribe"),
    }
}

fn push3(out: &mut Out<'_>, word: &[u8], name: Option<&[u8]>, count: i64) {
    out.w.array(3);
    out.w.bulk(word);
    match name {
        Some(n) => out.w.bulk(n),
        None => out.w.nil(),
    }
    out.w.int(count);
}

fn subscribe_kind(m: &mut Model, kind: Kind, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let id = cx.sess.id;
    for i in 1..cmd.argc() {
        let name = cmd.arg(i);
        if !m.pubsub.has(kind, id, name) {
            m.pubsub.map(kind).entry(name.to_vec()).or_default().push(id);
        }
        let n = m.pubsub.reply_count(kind, id);
        push3(out, words(kind).0, Some(name), n);
    }
    m.pubsub.subscriber.insert(id);
}

fn unsubscribe_kind(m: &mut Model, kind: Kind, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let id = cx.sess.id;
    let names: Vec<Vec<u8>> = if cmd.argc() == 1 {
        m.pubsub.names_of(kind, id)
    } else {
        (1..cmd.argc()).map(|i| cmd.arg(i).to_vec()).collect()
    };
    for name in &names {
        m.pubsub.remove(kind, id, name);
        let n = m.pubsub.reply_count(kind, id);
        push3(out, words(kind).1, Some(name), n);
    }
    if names.is_empty() {
        let n = m.pubsub.reply_count(kind, id);
        push3(out, words(kind).1, None, n);
    }
    if m.pubsub.total(id) == 0 {
        m.pubsub.subscriber.remove(&id);
    }
}

pub fn subscribe(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    subscribe_kind(m, Kind::Channel, cmd, cx, out)
}

pub fn psubscribe(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    subscribe_kind(m, Kind::Pattern, cmd, cx, out)
}

pub fn ssubscribe(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    // Inside EXEC (Redis CLIENT_DENY_BLOCKING); SUBSCRIBE is allowed there.
    if m.deny_blocking {
        return out.w.err("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    }
    subscribe_kind(m, Kind::Shard, cmd, cx, out)
}

pub fn unsubscribe(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    unsubscribe_kind(m, Kind::Channel, cmd, cx, out)
}

pub fn punsubscribe(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    unsubscribe_kind(m, Kind::Pattern, cmd, cx, out)
}

pub fn sunsubscribe(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    unsubscribe_kind(m, Kind::Shard, cmd, cx, out)
}

/// A message as RESP2 bytes: `[word, (pattern,) channel, payload]`.
fn message(word: &[u8], pattern: Option<&[u8]>, channel: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut w = crate::resp::Writer { buf: &mut buf };
    w.array(if pattern.is_some() { 4 } else { 3 });
    w.bulk(word);
    if let Some(p) = pattern {
        w.bulk(p);
    }
    w.bulk(channel);
    w.bulk(payload);
    buf
}

fn publish_kind(m: &mut Model, kind: Kind, cmd: &Cmd, out: &mut Out<'_>) {
    let (channel, payload) = (cmd.arg(1), cmd.arg(2));
    let word: &[u8] = if kind == Kind::Shard { b"smessage" } else { b"message" };
    let mut sent = Vec::new();
    for &id in m.pubsub.map(kind).get(channel).into_iter().flatten() {
        sent.push((id, message(word, None, channel, payload)));
    }
    if kind == Kind::Channel {
        for (pattern, ids) in &m.pubsub.patterns {
            if glob::matches(pattern, channel) {
                for &id in ids {
                    sent.push((id, message(b"pmessage", Some(pattern), channel, payload)));
                }
            }
        }
    }
    out.w.int(sent.len() as i64);
    m.pubsub.outbox.extend(sent);
}

pub fn publish(m: &mut Model, cmd: &Cmd, _cx: &mut Exec<'_>, out: &mut Out<'_>) {
    publish_kind(m, Kind::Channel, cmd, out)
}

pub fn spublish(m: &mut Model, cmd: &Cmd, _cx: &mut Exec<'_>, out: &mut Out<'_>) {
    publish_kind(m, Kind::Shard, cmd, out)
}

/// The PUBSUB subcommands [`pubsub`] implements.
pub static PUBSUB_SUBS: &[Sub] = &[
    Sub { full: "pubsub|channels", arity: -2 },
    Sub { full: "pubsub|numsub", arity: -2 },
    Sub { full: "pubsub|numpat", arity: 2 },
    Sub { full: "pubsub|shardchannels", arity: -2 },
    Sub { full: "pubsub|shardnumsub", arity: -2 },
];

pub fn pubsub(m: &mut Model, cmd: &Cmd, _cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(sub) = super::subcommand("PUBSUB", PUBSUB_SUBS, cmd, out) else {
        return;
    };
    let kind = if sub.full.starts_with("pubsub|shard") { Kind::Shard } else { Kind::Channel };
    match sub.full {
        "pubsub|numpat" => out.w.int(m.pubsub.patterns.len() as i64),
        "pubsub|channels" | "pubsub|shardchannels" => {
            if cmd.argc() > 3 {
                return out.w.err_parts(&[
                    b"ERR unknown subcommand or wrong number of arguments for '",
                    cmd.arg(1),
                    b"'. Try PUBSUB HELP.",
                ]);
            }
            let names = m
                .pubsub
                .map(kind)
                .keys()
                .filter(|n| cmd.argc() == 2 || glob::matches(cmd.arg(2), n))
                .cloned()
                .collect();
            // Redis lists them in its dict's order.
            out.prop = Some(Prop::SortedArray(names));
        }
        _ => {
            out.w.array((cmd.argc() - 2) * 2);
            for i in 2..cmd.argc() {
                out.w.bulk(cmd.arg(i));
                let n = m.pubsub.map(kind).get(cmd.arg(i)).map_or(0, Vec::len);
                out.w.int(n as i64);
            }
        }
    }
}

pub static SPECS: &[Spec] = &[
    Spec::new("psubscribe", -2, psubscribe),
    Spec::new("publish", 3, publish),
    Spec::container("pubsub", -2, PUBSUB_SUBS, pubsub),
    Spec::new("punsubscribe", -1, punsubscribe),
    Spec::new("spublish", 3, spublish),
    Spec::new("ssubscribe", -2, ssubscribe),
    Spec::new("subscribe", -2, subscribe),
    Spec::new("sunsubscribe", -1, sunsubscribe),
    Spec::new("unsubscribe", -1, unsubscribe),
];

pub static NOT_MODELLED: &[(&str, &str)] =
    &[("pubsub|help", "fixed text: compared with Redis's by the differential suite")];
