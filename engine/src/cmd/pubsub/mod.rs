//! Pub/Sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE
//! SSUBSCRIBE SUNSUBSCRIBE PUBLISH SPUBLISH PUBSUB, with Redis 7.0's reply
//! shapes (src/pubsub.c), plus the two rules other commands consult: the
//! RESP2 subscriber context ([`denied_in_subscriber_context`]) and RESET's
//! part ([`reset_client`]).
//!
//! The registry is [`crate::pubsub`]. A (un)subscribe answers with one
//! `[kind, name, count]` push per name, in argument order, into the
//! caller's own reply; a publish writes each message into the subscriber's
//! output through [`Ctx::deliver`], channel subscribers first (in the order
//! they subscribed), then every matching pattern's subscribers, so a client
//! that listens both ways gets both, as in Redis.

pub mod rows;

use bytes::Bytes;

use super::glob;
use super::server::help_reply;
use super::{CmdError, CmdResult, Handler};
use crate::client::Client;
use crate::ctx::Ctx;
use crate::pubsub::Kind;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("subscribe", subscribe),
    ("unsubscribe", unsubscribe),
    ("psubscribe", psubscribe),
    ("punsubscribe", punsubscribe),
    ("ssubscribe", ssubscribe),
    ("sunsubscribe", sunsubscribe),
    ("publish", publish),
    ("spublish", spublish),
    ("pubsub|channels", pubsub_channels),
    ("pubsub|numsub", pubsub_numsub),
    ("pubsub|numpat", pubsub_numpat),
    ("pubsub|shardchannels", pubsub_shardchannels),
    ("pubsub|shardnumsub", pubsub_shardnumsub),
    ("pubsub|help", pubsub_help),
];

/// The commands a RESP2 client in subscriber mode may still send.
const ALLOWED_IN_SUBSCRIBER_CONTEXT: &[&str] =
    &["ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "quit", "reset"];

/// Redis's processCommand check: a RESP2 client in subscriber mode may only
/// (un)subscribe, PING, QUIT and RESET; anything else gets this error (a
/// RESP3 client may run anything). `full_name` is the command's table name
/// (`client|list` for a subcommand), as Redis prints it.
pub fn denied_in_subscriber_context(client: &Client, full_name: &str) -> Option<String> {
    if !client.subscriber || client.resp != 2 || ALLOWED_IN_SUBSCRIBER_CONTEXT.contains(&full_name) {
        return None;
    }
    Some(format!(
        "ERR Can't execute '{full_name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
    ))
}

/// RESET's part (Redis's clearClientConnectionState): every subscription
/// goes, without notifications, and the client leaves subscriber mode.
pub fn reset_client(ctx: &mut Ctx<'_>) {
    let client = ctx.clients.at_mut(ctx.slot);
    ctx.srv.pubsub.remove_client(ctx.conn, &mut client.subs);
    client.subscriber = false;
}

/// The word a subscription reply or message starts with, per kind.
fn words(kind: Kind) -> (&'static [u8], &'static [u8]) {
    match kind {
        Kind::Channel => (b"subscribe", b"unsubscribe"),
        Kind::Pattern => (b"psubscribe", b"punsubscribe"),
        Kind::Shard => (b"ssubscribe", b"sunsubscribe"),
    }
}

fn subscribe_to(ctx: &mut Ctx<'_>, kind: Kind, names: &[Bytes]) {
    let (word, _) = words(kind);
    let client = ctx.clients.at_mut(ctx.slot);
    for name in names {
        ctx.srv.pubsub.subscribe(kind, ctx.conn, &mut client.subs, name);
        ctx.reply.push(3);
        ctx.reply.bulk(word);
        ctx.reply.bulk(name);
        ctx.reply.int(client.subs.reply_count(kind) as i64);
    }
    client.subscriber = true;
}

/// Unsubscribes from `names`, or from everything of `kind` when there are
/// none (then a client subscribed to nothing still gets one reply, with a
/// null name).
fn unsubscribe_from(ctx: &mut Ctx<'_>, kind: Kind, names: &[Bytes]) {
    let (_, word) = words(kind);
    let client = ctx.clients.at_mut(ctx.slot);
    let all;
    let names: Vec<&[u8]> = if names.is_empty() {
        all = client.subs.names(kind);
        all.iter().map(Vec::as_slice).collect()
    } else {
        names.iter().map(|n| &n[..]).collect()
    };
    for name in &names {
        ctx.srv.pubsub.unsubscribe(kind, ctx.conn, &mut client.subs, name);
        ctx.reply.push(3);
        ctx.reply.bulk(word);
        ctx.reply.bulk(name);
        ctx.reply.int(client.subs.reply_count(kind) as i64);
    }
    if names.is_empty() {
        ctx.reply.push(3);
        ctx.reply.bulk(word);
        ctx.reply.null();
        ctx.reply.int(client.subs.reply_count(kind) as i64);
    }
    if client.subs.total() == 0 {
        client.subscriber = false;
    }
}

/// # Format
/// ```text
/// SUBSCRIBE channel [channel ...]
/// ```
fn subscribe(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    subscribe_to(ctx, Kind::Channel, &args[1..]);
    Ok(())
}

/// # Format
/// ```text
/// UNSUBSCRIBE [channel [channel ...]]
/// ```
fn unsubscribe(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    unsubscribe_from(ctx, Kind::Channel, &args[1..]);
    Ok(())
}

/// # Format
/// ```text
/// PSUBSCRIBE pattern [pattern ...]
/// ```
fn psubscribe(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    subscribe_to(ctx, Kind::Pattern, &args[1..]);
    Ok(())
}

/// # Format
/// ```text
/// PUNSUBSCRIBE [pattern [pattern ...]]
/// ```
fn punsubscribe(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    unsubscribe_from(ctx, Kind::Pattern, &args[1..]);
    Ok(())
}

/// # Format
/// ```text
/// SSUBSCRIBE shardchannel [shardchannel ...]
/// ```
///
/// Redis 7.0 refuses it inside EXEC ("isn't allowed for a DENY BLOCKING
/// client"); transactions are not here yet, so that case does not arise.
fn ssubscribe(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    // Inside EXEC (SUBSCRIBE stays allowed there, for old clients).
    if ctx.effects.deny_blocking {
        return Err(CmdError::msg("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client"));
    }
    subscribe_to(ctx, Kind::Shard, &args[1..]);
    Ok(())
}

/// # Format
/// ```text
/// SUNSUBSCRIBE [shardchannel [shardchannel ...]]
/// ```
fn sunsubscribe(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    unsubscribe_from(ctx, Kind::Shard, &args[1..]);
    Ok(())
}

/// Delivers `message` on `channel` (`kind` Channel or Shard) and returns
/// how many clients got it (a client subscribed twice, by name and by a
/// pattern, counts twice).
fn publish_message(ctx: &mut Ctx<'_>, kind: Kind, channel: &[u8], message: &[u8]) -> usize {
    let word: &[u8] = if kind == Kind::Shard { b"smessage" } else { b"message" };
    // The registry is taken out while messages are written into clients'
    // outputs (which `deliver` reaches through `ctx`); nothing in between
    // touches it.
    let registry = std::mem::take(&mut ctx.srv.pubsub);
    let mut receivers = 0;
    for &target in registry.subscribers(kind, channel) {
        ctx.deliver(target, |r| {
            r.push(3);
            r.bulk(word);
            r.bulk(channel);
            r.bulk(message);
        });
        receivers += 1;
    }
    if kind == Kind::Channel {
        for (pattern, subscribers) in registry.patterns() {
            if !glob::matches(pattern, channel) {
                continue;
            }
            for &target in subscribers {
                ctx.deliver(target, |r| {
                    r.push(4);
                    r.bulk(b"pmessage");
                    r.bulk(pattern);
                    r.bulk(channel);
                    r.bulk(message);
                });
                receivers += 1;
            }
        }
    }
    ctx.srv.pubsub = registry;
    receivers
}

/// # Format
/// ```text
/// PUBLISH channel message
/// ```
///
/// Replies with the number of clients that received it. Not written to the
/// AOF (Redis propagates it to replicas only).
fn publish(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let n = publish_message(ctx, Kind::Channel, &args[1], &args[2]);
    ctx.reply.int(n as i64);
    Ok(())
}

/// # Format
/// ```text
/// SPUBLISH shardchannel message
/// ```
fn spublish(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let n = publish_message(ctx, Kind::Shard, &args[1], &args[2]);
    ctx.reply.int(n as i64);
    Ok(())
}

/// Redis's addReplySubcommandSyntaxError for PUBSUB.
fn subcommand_syntax_error(args: &[Bytes]) -> CmdError {
    let mut msg = b"ERR unknown subcommand or wrong number of arguments for '".to_vec();
    msg.extend_from_slice(&args[1]);
    msg.extend_from_slice(b"'. Try PUBSUB HELP.");
    CmdError::Bytes(msg)
}

fn channel_list(ctx: &mut Ctx<'_>, kind: Kind, args: &[Bytes]) -> CmdResult {
    if args.len() > 3 {
        return Err(subcommand_syntax_error(args));
    }
    let pattern = args.get(2);
    let names: Vec<&[u8]> =
        ctx.srv.pubsub.names(kind).filter(|name| pattern.is_none_or(|p| glob::matches(p, name))).collect();
    ctx.reply.array(names.len());
    for name in names {
        ctx.reply.bulk(name);
    }
    Ok(())
}

fn numsub(ctx: &mut Ctx<'_>, kind: Kind, args: &[Bytes]) -> CmdResult {
    ctx.reply.array((args.len() - 2) * 2);
    for name in &args[2..] {
        ctx.reply.bulk(name);
        ctx.reply.int(ctx.srv.pubsub.subscribers(kind, name).len() as i64);
    }
    Ok(())
}

/// # Format
/// ```text
/// PUBSUB CHANNELS [pattern]
/// ```
///
/// Channels with at least one subscriber, in byte order (Redis lists them
/// in its dict's order).
fn pubsub_channels(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    channel_list(ctx, Kind::Channel, args)
}

/// # Format
/// ```text
/// PUBSUB NUMSUB [channel [channel ...]]
/// ```
fn pubsub_numsub(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    numsub(ctx, Kind::Channel, args)
}

/// # Format
/// ```text
/// PUBSUB NUMPAT
/// ```
///
/// The number of distinct patterns with subscribers.
fn pubsub_numpat(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    ctx.reply.int(ctx.srv.pubsub.len(Kind::Pattern) as i64);
    Ok(())
}

/// # Format
/// ```text
/// PUBSUB SHARDCHANNELS [pattern]
/// ```
fn pubsub_shardchannels(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    channel_list(ctx, Kind::Shard, args)
}

/// # Format
/// ```text
/// PUBSUB SHARDNUMSUB [shardchannel [shardchannel ...]]
/// ```
fn pubsub_shardnumsub(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    numsub(ctx, Kind::Shard, args)
}

/// # Format
/// ```text
/// PUBSUB HELP
/// ```
///
/// Redis 7.0.15's text, line for line.
fn pubsub_help(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    help_reply(
        ctx,
        "PUBSUB",
        &[
            "CHANNELS [<pattern>]",
            "    Return the currently active channels matching a <pattern> (default: '*').",
            "NUMPAT",
            "    Return number of subscriptions to patterns.",
            "NUMSUB [<channel> ...]",
            "    Return the number of subscribers for the specified channels, excluding",
            "    pattern subscriptions(default: no channels).",
            "SHARDCHANNELS [<pattern>]",
            "    Return the currently active shard level channels matching a <pattern> (default: '*').",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Return the number of subscribers for the specified shard level channel(s)",
        ],
    );
    Ok(())
}
