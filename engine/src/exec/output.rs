//! The executor's edges toward the connections: admitting a new connection
//! (`maxclients`, ids, which side owns it) and handing replies and limit
//! changes to the connection sides, directly or through the ring.

use crate::conn::ConnLimits;
use crate::conn_side::ConnSide;
use crate::limits;
use crate::obuf::ReplyTag;
use crate::ring::{ConnMsg, Ring, Route};
use crate::ConnId;

use super::Executor;

/// A connection the executor admitted: its id, and the connection side
/// (I/O thread) that owns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    pub conn: ConnId,
    pub side: usize,
}

/// A connection refused because the server is at `maxclients`: the driver
/// writes [`Rejected::REPLY`] (best effort) and closes the socket, as Redis
/// does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejected;

impl Rejected {
    /// Redis's reply to a connection past `maxclients`.
    pub const REPLY: &'static [u8] = b"-ERR max number of clients reached\r\n";
}

/// The last reply of a client the executor already closed.
#[derive(Debug)]
pub(super) struct Closing {
    pub conn: ConnId,
    pub route: Route,
    pub bytes: Vec<u8>,
    /// How many of `bytes` the durability gate does not hold.
    pub safe_len: usize,
    /// The AOF offset that must be fsynced before `bytes` go (0: none).
    pub until: u64,
    /// Cut at its output limit: the connection drops what it holds.
    pub cut: bool,
}

/// Where [`Executor::poll_output`] hands its output: a connection side
/// directly (one thread) or the ring's queues ([`RingSink`]).
pub trait ConnSink {
    /// Reply bytes for `conn` at `route`, lent: a sink that takes them
    /// leaves `bytes` empty and returns true; one with no room now returns
    /// false and leaves them (the executor offers them again later, with
    /// whatever the client produced meanwhile appended).
    fn reply(&mut self, conn: ConnId, route: Route, bytes: &mut Vec<u8>, close_after: bool, tag: ReplyTag) -> bool;
    /// New connection limits for side `side`; false when there is no room now.
    fn limits(&mut self, side: usize, limits: ConnLimits) -> bool;
}

impl ConnSink for ConnSide {
    fn reply(&mut self, conn: ConnId, route: Route, bytes: &mut Vec<u8>, close_after: bool, tag: ReplyTag) -> bool {
        self.handle_reply(conn, route.slot, bytes, close_after, tag);
        true
    }

    fn limits(&mut self, _side: usize, limits: ConnLimits) -> bool {
        self.handle_msg(ConnMsg::Limits(limits));
        true
    }
}

/// Output into the ring's per-side queues; `woken(side)` is called for
/// every side that got a message (a threaded driver wakes its thread).
pub struct RingSink<'a, F: FnMut(usize)> {
    pub ring: &'a Ring,
    pub woken: F,
}

impl<F: FnMut(usize)> ConnSink for RingSink<'_, F> {
    fn reply(&mut self, conn: ConnId, route: Route, bytes: &mut Vec<u8>, close_after: bool, tag: ReplyTag) -> bool {
        let side = route.side as usize;
        let msg = ConnMsg::Reply { conn, slot: route.slot, bytes: std::mem::take(bytes), close_after, tag };
        match self.ring.push_msg(side, msg) {
            Ok(()) => {
                (self.woken)(side);
                true
            }
            Err(ConnMsg::Reply { bytes: back, .. }) => {
                *bytes = back;
                false
            }
            Err(ConnMsg::Limits(_)) => unreachable!("the ring gives back what it was given"),
        }
    }

    fn limits(&mut self, side: usize, limits: ConnLimits) -> bool {
        let sent = self.ring.push_msg(side, ConnMsg::Limits(limits)).is_ok();
        if sent {
            (self.woken)(side);
        }
        sent
    }
}

impl Executor {
    /// A connection arrived. Admits it unless the server is at
    /// `maxclients` (counting connections accepted but not yet opened),
    /// gives it the next id and a side (round robin). The driver then hands
    /// the socket to that side, whose [`ConnSide::handle_open`] pushes the
    /// connection's `Open`.
    pub fn handle_accept(&mut self) -> Result<Accepted, Rejected> {
        if self.clients.len() + self.opening >= self.srv.config.maxclients {
            self.srv.stats.rejected_connections += 1;
            return Err(Rejected);
        }
        let conn = ConnId(self.next_conn);
        self.next_conn += 1;
        self.opening += 1;
        let side = ((conn.0 - 1) % self.sides as u64) as usize;
        Ok(Accepted { conn, side })
    }

    /// Hands every reply produced so far, and changed connection limits,
    /// to `sink`. Reply buffers are lent, so on the one-thread path a
    /// steady request/reply stream allocates nothing: the client's buffer
    /// keeps its capacity for the next reply. What the sink has no room for
    /// stays here, in order, for the next call.
    pub fn poll_output(&mut self, sink: &mut impl ConnSink) {
        let live = ConnLimits::from_config(&self.srv.config);
        if live != self.limits {
            self.limits = live;
            self.limits_owed.fill(true);
        }
        for (side, owed) in self.limits_owed.iter_mut().enumerate() {
            if *owed && sink.limits(side, live) {
                *owed = false;
            }
        }
        let mut i = 0;
        let synced = self.srv.aof.synced();
        while i < self.closing.len() {
            let c = &mut self.closing[i];
            if c.until > synced && self.srv.aof.is_on() {
                i += 1;
                continue;
            }
            let tag = ReplyTag { cut: c.cut, ..ReplyTag::default() };
            if sink.reply(c.conn, c.route, &mut c.bytes, true, tag) {
                self.closing.swap_remove(i);
            } else {
                i += 1;
            }
        }
        let mut i = 0;
        while i < self.pending.len() {
            let (conn, slot) = self.pending[i];
            let client = self.clients.at_mut(slot);
            let tag = ReplyTag { class: client.output_class(), now_ms: self.srv.now_ms, cut: false };
            let handed = client.out.len();
            client.out_gauge.add(handed);
            if !sink.reply(conn, client.route, &mut client.out, false, tag) {
                client.out_gauge.sub(handed);
                i += 1;
                continue;
            }
            if client.out.capacity() > limits::CONN_OUTPUT_RETAIN_BYTES {
                // A big reply was copied out: do not keep its memory for an idle client.
                client.out = Vec::new();
            } else {
                client.out.clear();
            }
            self.pending.swap_remove(i);
        }
    }

    /// Cuts the clients whose output held here reached their hard
    /// `client-output-buffer-limit` (flagged by [`crate::ctx::Ctx::deliver`]):
    /// logged and forgotten as Redis's closeClientAsync, and their
    /// connection told to drop its output and close.
    pub(super) fn cut_over_limit(&mut self) {
        for conn in std::mem::take(&mut self.blocking.effects.over_limit) {
            if !self.clients.contains_key(&conn) {
                continue;
            }
            self.log_output_limit(conn);
            self.forget_blocked(conn);
            let mut client = self.clients.remove(&conn).expect("checked above");
            self.srv.pubsub.remove_client(conn, &mut client.subs);
            self.pending.retain(|&(c, _)| c != conn);
            self.gated.retain(|&c| c != conn);
            let route = client.route;
            self.closing.push(Closing { conn, route, bytes: Vec::new(), safe_len: 0, until: 0, cut: true });
        }
    }

    /// Redis's line for a client cut off by `client-output-buffer-limit`.
    pub(super) fn log_output_limit(&mut self, conn: ConnId) {
        if let Some(client) = self.clients.get(&conn) {
            let mut line = String::new();
            crate::cmd::client::info_line(&mut line, client, client.id, self.srv.now_ms);
            self.log.push(format!("Client {line} scheduled to be closed ASAP for overcoming of output buffer limits."));
        }
    }

    /// Whether output is waiting for [`Executor::poll_output`].
    pub fn has_output(&self) -> bool {
        let synced = self.srv.aof.synced();
        let releasable = |c: &Closing| c.until <= synced || !self.srv.aof.is_on();
        !self.pending.is_empty() || self.closing.iter().any(releasable) || self.limits_owed.contains(&true)
    }
}
