//! The Pub/Sub registry: who listens to which channel, pattern and shard
//! channel, from both directions.
//!
//! # Design
//! The server side maps a name to its subscribers in subscription order
//! (a `Vec`, as Redis 7.0 keeps a list per channel), so a PUBLISH delivers
//! to a channel's subscribers in the order they subscribed. Each client
//! keeps the set of names it subscribed to ([`ClientSubs`]), which answers
//! the counts in (un)subscribe replies, CLIENT LIST's `sub=`/`psub=`/
//! `ssub=`, and what to remove when the client goes.
//!
//! Both sides are `BTree`s: iteration order (PUBSUB CHANNELS, patterns
//! tried by PUBLISH, UNSUBSCRIBE with no argument) is then a function of
//! the names alone, never of a hash seed, so the simulator stays
//! deterministic. Redis iterates dicts there, whose order is unspecified.
//!
//! # Invariants ([`PubSub::check_invariants`])
//! - no name maps to an empty subscriber list (an entry goes with its
//!   last subscriber, as Redis frees it);
//! - `(name, client)` is in the registry exactly when `name` is in that
//!   client's set of the same kind; a client appears once per name;
//! - a client that left has nothing left behind.

use std::collections::{BTreeMap, BTreeSet};

use crate::ConnId;

/// The three subscription namespaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// SUBSCRIBE / PUBLISH.
    Channel,
    /// PSUBSCRIBE: a glob over channel names.
    Pattern,
    /// SSUBSCRIBE / SPUBLISH (7.0 shard channels; no patterns).
    Shard,
}

/// What one client is subscribed to.
#[derive(Debug, Default, Clone)]
pub struct ClientSubs {
    channels: BTreeSet<Vec<u8>>,
    patterns: BTreeSet<Vec<u8>>,
    shard: BTreeSet<Vec<u8>>,
}

impl ClientSubs {
    fn set(&self, kind: Kind) -> &BTreeSet<Vec<u8>> {
        match kind {
            Kind::Channel => &self.channels,
            Kind::Pattern => &self.patterns,
            Kind::Shard => &self.shard,
        }
    }

    fn set_mut(&mut self, kind: Kind) -> &mut BTreeSet<Vec<u8>> {
        match kind {
            Kind::Channel => &mut self.channels,
            Kind::Pattern => &mut self.patterns,
            Kind::Shard => &mut self.shard,
        }
    }

    /// How many names of `kind` (CLIENT LIST `sub=`, `psub=`, `ssub=`).
    pub fn count(&self, kind: Kind) -> usize {
        self.set(kind).len()
    }

    /// The count an (un)subscribe reply carries for `kind`: channels and
    /// patterns together for those two, shard channels alone (Redis's
    /// `clientSubscriptionsCount` and `clientShardSubscriptionsCount`).
    pub fn reply_count(&self, kind: Kind) -> usize {
        match kind {
            Kind::Channel | Kind::Pattern => self.channels.len() + self.patterns.len(),
            Kind::Shard => self.shard.len(),
        }
    }

    /// Subscriptions of every kind.
    pub fn total(&self) -> usize {
        self.channels.len() + self.patterns.len() + self.shard.len()
    }

    pub fn contains(&self, kind: Kind, name: &[u8]) -> bool {
        self.set(kind).contains(name)
    }

    /// The names of `kind`, in the order UNSUBSCRIBE with no argument
    /// leaves them.
    pub fn names(&self, kind: Kind) -> Vec<Vec<u8>> {
        self.set(kind).iter().cloned().collect()
    }
}

/// The server's registry.
#[derive(Debug, Default)]
pub struct PubSub {
    channels: BTreeMap<Vec<u8>, Vec<ConnId>>,
    patterns: BTreeMap<Vec<u8>, Vec<ConnId>>,
    shard: BTreeMap<Vec<u8>, Vec<ConnId>>,
}

impl PubSub {
    fn map(&self, kind: Kind) -> &BTreeMap<Vec<u8>, Vec<ConnId>> {
        match kind {
            Kind::Channel => &self.channels,
            Kind::Pattern => &self.patterns,
            Kind::Shard => &self.shard,
        }
    }

    fn map_mut(&mut self, kind: Kind) -> &mut BTreeMap<Vec<u8>, Vec<ConnId>> {
        match kind {
            Kind::Channel => &mut self.channels,
            Kind::Pattern => &mut self.patterns,
            Kind::Shard => &mut self.shard,
        }
    }

    /// Subscribes `conn` (whose set is `subs`) to `name`; false if it was
    /// already subscribed (nothing changes then).
    pub fn subscribe(&mut self, kind: Kind, conn: ConnId, subs: &mut ClientSubs, name: &[u8]) -> bool {
        if !subs.set_mut(kind).insert(name.to_vec()) {
            return false;
        }
        self.map_mut(kind).entry(name.to_vec()).or_default().push(conn);
        true
    }

    /// Unsubscribes `conn` from `name`; false if it was not subscribed.
    pub fn unsubscribe(&mut self, kind: Kind, conn: ConnId, subs: &mut ClientSubs, name: &[u8]) -> bool {
        if !subs.set_mut(kind).remove(name) {
            return false;
        }
        let map = self.map_mut(kind);
        let list = map.get_mut(name).expect("a client's subscription is in the registry");
        let at = list.iter().position(|&c| c == conn).expect("the subscriber is listed");
        list.remove(at);
        if list.is_empty() {
            map.remove(name);
        }
        true
    }

    /// Removes every subscription of a client that is going away (or
    /// RESET), without replies.
    pub fn remove_client(&mut self, conn: ConnId, subs: &mut ClientSubs) {
        for kind in [Kind::Channel, Kind::Pattern, Kind::Shard] {
            for name in subs.names(kind) {
                self.unsubscribe(kind, conn, subs, &name);
            }
        }
        debug_assert_eq!(subs.total(), 0);
    }

    /// Subscribers of `name`, in subscription order.
    pub fn subscribers(&self, kind: Kind, name: &[u8]) -> &[ConnId] {
        self.map(kind).get(name).map_or(&[], Vec::as_slice)
    }

    /// Every pattern with its subscribers (in subscription order).
    pub fn patterns(&self) -> impl Iterator<Item = (&[u8], &[ConnId])> {
        self.patterns.iter().map(|(p, l)| (p.as_slice(), l.as_slice()))
    }

    /// Names of `kind` with at least one subscriber.
    pub fn names(&self, kind: Kind) -> impl Iterator<Item = &[u8]> {
        self.map(kind).keys().map(Vec::as_slice)
    }

    /// How many names of `kind` have subscribers (INFO `pubsub_channels`,
    /// `pubsub_patterns`, `pubsubshard_channels`; PUBSUB NUMPAT).
    pub fn len(&self, kind: Kind) -> usize {
        self.map(kind).len()
    }

    /// Whether nobody is subscribed to anything.
    pub fn is_empty(&self) -> bool {
        self.channels.is_empty() && self.patterns.is_empty() && self.shard.is_empty()
    }

    /// Checks the registry against every live client's set (`clients`
    /// yields each live client's id and set); panics on a broken invariant.
    pub fn check_invariants<'a>(&self, clients: impl Iterator<Item = (ConnId, &'a ClientSubs)>) {
        let mut pairs = 0usize;
        for (id, subs) in clients {
            for kind in [Kind::Channel, Kind::Pattern, Kind::Shard] {
                for name in subs.set(kind) {
                    let list = self.subscribers(kind, name);
                    assert_eq!(
                        list.iter().filter(|&&c| c == id).count(),
                        1,
                        "client {id:?} listed once under its {kind:?}"
                    );
                    pairs += 1;
                }
            }
        }
        let mut listed = 0usize;
        for kind in [Kind::Channel, Kind::Pattern, Kind::Shard] {
            for (name, list) in self.map(kind) {
                assert!(!list.is_empty(), "{kind:?} {name:?} kept with no subscriber");
                listed += list.len();
            }
        }
        // Every listed pair was matched above from a live client's side, so
        // equal totals mean nothing is left behind by a gone client.
        assert_eq!(listed, pairs, "the registry names subscriptions no live client has");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscribe_unsubscribe_and_leave() {
        let mut ps = PubSub::default();
        let (a, b) = (ConnId(1), ConnId(2));
        let (mut sa, mut sb) = (ClientSubs::default(), ClientSubs::default());
        assert!(ps.subscribe(Kind::Channel, a, &mut sa, b"c"));
        assert!(!ps.subscribe(Kind::Channel, a, &mut sa, b"c"));
        assert!(ps.subscribe(Kind::Channel, b, &mut sb, b"c"));
        assert!(ps.subscribe(Kind::Pattern, b, &mut sb, b"c*"));
        assert_eq!(ps.subscribers(Kind::Channel, b"c"), &[a, b]);
        assert_eq!(sb.reply_count(Kind::Channel), 2);
        ps.check_invariants([(a, &sa), (b, &sb)].into_iter());
        assert!(ps.unsubscribe(Kind::Channel, a, &mut sa, b"c"));
        assert!(!ps.unsubscribe(Kind::Channel, a, &mut sa, b"c"));
        assert_eq!(ps.subscribers(Kind::Channel, b"c"), &[b]);
        ps.remove_client(b, &mut sb);
        assert!(ps.is_empty());
        ps.check_invariants([(a, &sa), (b, &sb)].into_iter());
    }

    #[test]
    #[should_panic(expected = "no live client has")]
    fn a_gone_client_left_behind_is_caught() {
        let mut ps = PubSub::default();
        let mut s = ClientSubs::default();
        ps.subscribe(Kind::Shard, ConnId(7), &mut s, b"x");
        ps.check_invariants(std::iter::empty());
    }
}
