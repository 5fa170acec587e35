//! Pub/Sub templates: a few channels and patterns that overlap, so a
//! message often reaches several subscribers, and one client by name and
//! by pattern at once. Drawn with the extra templates (their own random
//! stream, see `World::new`); the unsubscribes weigh more than the
//! subscribes, so a RESP2 client does not stay in subscriber mode (where
//! everything else it sends is refused) for long.

use rand::Rng;

use super::templates::{t, Template};
use super::Gen;
use crate::cmd::Cmd;

const CHANNELS: &[&[u8]] = &[b"ch0", b"ch1", b"ch2", b"news.a", b"news.b"];
const PATTERNS: &[&[u8]] = &[b"ch*", b"ch[01]", b"c?2", b"news.*", b"*", b"n[^e]*"];

fn names(g: &mut Gen<'_>, c: &mut Cmd, from: &[&[u8]], lo: usize, hi: usize) {
    for _ in 0..g.rng.gen_range(lo..=hi) {
        c.push(from[g.rng.gen_range(0..from.len())]);
    }
}

macro_rules! sub {
    ($name:literal, $sub:literal, $w:expr, $gen:expr) => {
        Template { name: $name, sub: Some($sub), requires: None, weight: $w, gen: $gen }
    };
}

pub static TEMPLATES: &[Template] = &[
    t!("subscribe", 2, |g, c| {
        c.push(b"SUBSCRIBE");
        names(g, c, CHANNELS, 1, 2);
    }),
    t!("psubscribe", 1, |g, c| {
        c.push(b"PSUBSCRIBE");
        names(g, c, PATTERNS, 1, 2);
    }),
    t!("ssubscribe", 1, |g, c| {
        c.push(b"SSUBSCRIBE");
        names(g, c, CHANNELS, 1, 1);
    }),
    t!("unsubscribe", 4, |g, c| {
        c.push(b"UNSUBSCRIBE");
        names(g, c, CHANNELS, 0, 2);
    }),
    t!("punsubscribe", 3, |g, c| {
        c.push(b"PUNSUBSCRIBE");
        names(g, c, PATTERNS, 0, 1);
    }),
    t!("sunsubscribe", 2, |g, c| {
        c.push(b"SUNSUBSCRIBE");
        names(g, c, CHANNELS, 0, 1);
    }),
    t!("publish", 5, |g, c| {
        c.push(b"PUBLISH");
        names(g, c, CHANNELS, 1, 1);
        g.value(c);
        if g.bad() {
            c.push(b"extra");
        }
    }),
    t!("spublish", 1, |g, c| {
        c.push(b"SPUBLISH");
        names(g, c, CHANNELS, 1, 1);
        g.value(c);
    }),
    sub!("pubsub", "numsub", 1, |g, c| {
        c.push(b"PUBSUB");
        c.push(b"NUMSUB");
        names(g, c, CHANNELS, 0, 3);
    }),
    sub!("pubsub", "numpat", 1, |_, c| {
        c.push(b"PUBSUB");
        c.push(b"NUMPAT");
    }),
    sub!("pubsub", "channels", 1, |g, c| {
        c.push(b"PUBSUB");
        c.push(b"CHANNELS");
        names(g, c, PATTERNS, 0, 1);
    }),
];
