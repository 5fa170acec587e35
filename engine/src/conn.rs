//! One client connection's I/O-side state: the read buffer, parser state,
//! output buffer and flow control. [`crate::conn_side::ConnSide`] owns
//! every connection of one I/O thread and is what drivers talk to; this
//! type holds the rules of a single connection.
//!
//! # API (for `ConnSide`)
//! - inputs: [`Connection::read_buf_mut`] then [`Connection::handle_read`],
//!   [`Connection::handle_peer_closed`], [`Connection::handle_reply`];
//! - work: [`Connection::push_requests`] moves parsed requests into the ring;
//! - outputs: [`Connection::pending_output`] / [`Connection::consume_output`],
//!   [`Connection::wants_read`], [`Connection::close_when_flushed`],
//!   [`Connection::is_finished`].
//!
//! # Closing
//! - protocol error: the parser's error is pushed after every command before
//!   it (so their replies come first); nothing more is read; the executor
//!   replies and answers with `close_after`.
//! - `client-query-buffer-limit`: when the one incomplete command left in
//!   the buffer passes it (or the buffer does while the driver should not be
//!   reading), the connection gives up: `Close` is pushed and
//!   [`Connection::close_when_flushed`] turns true, with no reply, as in
//!   Redis.
//! - peer closed: complete commands still go to the executor, a partial one
//!   is dropped, then `Close`.
//! - `client-output-buffer-limit` (see [`crate::obuf`]): when the output not
//!   yet written passes the client's limit, the output and the unparsed
//!   input are dropped, `OutputLimit` is pushed instead of further
//!   commands, later replies are discarded, and the socket closes, as
//!   Redis frees such a client without flushing it.

use bytes::BytesMut;

use crate::limits;
use crate::obuf::{OutputGauge, OutputLimits, ReplyTag};
use crate::planted::{Plant, PlantedBug};
use crate::resp::parser::{ParseOutcome, Parser, ParserLimits};
use crate::ring::{ClientInfo, QueryBufStats, Request, RequestKind, Ring, Route};
use crate::ConnId;

/// Limits a connection enforces, from the config. The executor announces
/// CONFIG SET changes ([`crate::ring::ConnMsg::Limits`]) and every side
/// applies them to its live connections at once, as in Redis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnLimits {
    pub parser: ParserLimits,
    pub query_buffer_limit: usize,
    pub output_pause_bytes: usize,
    pub output: OutputLimits,
}

impl ConnLimits {
    pub fn from_config(c: &crate::Config) -> ConnLimits {
        ConnLimits {
            parser: ParserLimits { proto_max_bulk_len: c.proto_max_bulk_len },
            query_buffer_limit: c.client_query_buffer_limit,
            output_pause_bytes: limits::CONN_OUTPUT_PAUSE_BYTES,
            output: c.client_output_buffer_limit,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Reading and parsing.
    Open,
    /// The peer closed, or we gave up on it: push what is complete, then `Close`.
    PeerClosed,
    /// A protocol error was pushed: nothing more is read; the executor will
    /// answer with `close_after`.
    Errored,
    /// `Close` was pushed, or the executor said `close_after`: only writing
    /// what remains of the output.
    Done,
}

/// What [`Connection::push_requests`] achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pushed {
    pub requests: usize,
    /// The ring filled up before everything parsable was pushed.
    pub ring_full: bool,
}

#[derive(Debug)]
pub struct Connection {
    pub id: ConnId,
    /// Pushed as the first request (`Open`), then `None`.
    info: Option<Box<(ClientInfo, Route, OutputGauge)>>,
    read_buf: BytesMut,
    parser: Parser,
    /// A request that did not fit in the ring; pushed first next time so
    /// the client's order holds.
    stalled: Option<Request>,
    out: Vec<u8>,
    out_pos: usize,
    phase: Phase,
    /// The executor asked to close after the output is written.
    close_after_output: bool,
    limits: ConnLimits,
    plant: Plant,
    /// When the output first reached the soft limit (Unix ms), while it stays there.
    soft_limit_since_ms: Option<u64>,
    /// The output passed its limit: everything after is discarded.
    output_cut: bool,
    /// Shared with the executor's client: the executor adds what it hands
    /// over (replies for a live client), this connection subtracts those
    /// bytes as they are written or dropped (see `obuf.rs`).
    gauge: OutputGauge,
    /// How many bytes of `out` (from its unwritten end) the gauge counts:
    /// the last reply of a client the executor already forgot is not.
    gauged: usize,
}

impl Connection {
    /// Changed limits (CONFIG SET of proto-max-bulk-len or
    /// client-query-buffer-limit).
    pub fn set_limits(&mut self, limits: ConnLimits) {
        self.limits = limits;
        self.parser.set_limits(limits.parser);
    }

    pub fn new(id: ConnId, info: ClientInfo, route: Route, limits: ConnLimits) -> Connection {
        let gauge = OutputGauge::default();
        Connection {
            id,
            info: Some(Box::new((info, route, gauge.clone()))),
            read_buf: BytesMut::new(),
            parser: Parser::new(limits.parser),
            stalled: None,
            out: Vec::new(),
            out_pos: 0,
            phase: Phase::Open,
            close_after_output: false,
            limits,
            plant: Plant::default(),
            soft_limit_since_ms: None,
            output_cut: false,
            gauge,
            gauged: 0,
        }
    }

    /// The connection with `plant` selected, in its parser too (see [`crate::planted`]).
    pub fn with_plant(mut self, plant: Plant) -> Connection {
        self.plant = plant;
        self.parser = self.parser.with_plant(plant);
        self
    }

    /// Bytes were appended to [`Connection::read_buf_mut`].
    ///
    /// While the connection is not parsing (output paused or a request
    /// stalled on a full ring) a driver should not read at all (see
    /// [`Connection::wants_read`]); if one does anyway, the query buffer limit
    /// still bounds what is kept, as Redis checks it right after each read.
    pub fn handle_read(&mut self) {
        if self.phase == Phase::Open && !self.wants_read() && self.read_buf.len() > self.limits.query_buffer_limit {
            self.give_up();
        }
    }

    /// The read buffer: drivers read from the socket straight into it, then
    /// call [`Connection::handle_read`]. `None` once the connection stopped
    /// reading (protocol error, peer closed, closing): what the peer sends
    /// then is not read at all.
    pub fn read_buf_mut(&mut self) -> Option<&mut BytesMut> {
        (self.phase == Phase::Open).then_some(&mut self.read_buf)
    }

    /// Whether the read buffer is empty but holds memory (a connection at rest).
    pub fn read_buf_idle(&self) -> bool {
        self.read_buf.is_empty() && self.read_buf.capacity() > 0
    }

    /// Frees the read buffer if it is empty (a driver's next read allocates
    /// it again).
    pub fn free_idle_read_buf(&mut self) {
        if self.read_buf.is_empty() {
            self.read_buf = BytesMut::new();
        }
    }

    /// Frees the read buffer if it is empty and grew past
    /// [`limits::READ_BUF_RETAIN_BYTES`] (it held a big argument).
    pub fn free_big_read_buf(&mut self) {
        if self.read_buf.is_empty() && self.read_buf.capacity() > limits::READ_BUF_RETAIN_BYTES {
            self.read_buf = BytesMut::new();
        }
    }

    /// The peer closed its end (or the socket failed).
    pub fn handle_peer_closed(&mut self) {
        if self.phase == Phase::Open {
            self.phase = Phase::PeerClosed;
        }
    }

    /// Replies from the executor, lent: the bytes are taken out of `bytes`
    /// (left empty, its capacity kept by the lender). Small replies are
    /// copied into the output buffer, whose capacity is reused from reply
    /// to reply; a big one arriving with nothing pending is adopted whole
    /// instead of copied.
    ///
    /// Returns true when these bytes took the output past the client's
    /// limit (`tag` names its class and the time): the connection is cut
    /// and has an `OutputLimit` request to push.
    pub fn handle_reply(&mut self, bytes: &mut Vec<u8>, close_after: bool, tag: ReplyTag) -> bool {
        // A live client's reply was counted by the executor as it was handed over.
        let incoming_gauged = if close_after { 0 } else { bytes.len() };
        if self.output_cut {
            self.gauge.sub(incoming_gauged);
            bytes.clear();
            return false;
        }
        if tag.cut {
            // The executor cut the client and forgot it: nothing to tell it.
            bytes.clear();
            self.cut_output();
            self.phase = Phase::Done;
            return false;
        }
        let pending = self.out.len() - self.out_pos;
        if !close_after && self.limits.output.reaches_hard(tag.class, pending + bytes.len()) {
            // Not appended: the buffer never grows past the hard limit.
            self.gauge.sub(incoming_gauged);
            bytes.clear();
            self.cut_output();
            return true;
        }
        self.gauged += incoming_gauged;
        if self.out_pos == self.out.len() && bytes.len() > limits::CONN_OUTPUT_RETAIN_BYTES {
            self.out.clear();
            std::mem::swap(&mut self.out, bytes);
            self.out_pos = 0;
        } else {
            self.reserve_output(bytes.len(), tag);
            self.out.extend_from_slice(bytes);
            bytes.clear();
        }
        if close_after {
            self.close_after_output = true;
            self.phase = Phase::Done;
            return false;
        }
        let pending = self.out.len() - self.out_pos;
        if !self.limits.output.exceeded(tag.class, pending, tag.now_ms, &mut self.soft_limit_since_ms) {
            return false;
        }
        self.cut_output();
        true
    }

    /// Past the output limit: output and unparsed input go, the socket
    /// closes once the executor has been told (see `next_request`).
    fn cut_output(&mut self) {
        self.gauge.sub(self.gauged);
        self.gauged = 0;
        self.output_cut = true;
        self.out = Vec::new();
        self.out_pos = 0;
        self.read_buf = BytesMut::new();
        self.close_after_output = true;
        if self.phase == Phase::Open {
            self.phase = Phase::PeerClosed;
        }
    }

    /// Makes room for `more` bytes of output. Past
    /// [`limits::CONN_OUTPUT_RETAIN_BYTES`] of a class with a hard limit,
    /// the written prefix is dropped and the buffer reserved up to the
    /// limit in one step: doubling its way there would leave every smaller
    /// buffer freed behind it, which the allocator may keep resident for a
    /// while (a flooded subscriber then costs a multiple of its limit).
    fn reserve_output(&mut self, more: usize, tag: ReplyTag) {
        let needed = self.out.len() + more;
        if needed <= self.out.capacity() || needed <= limits::CONN_OUTPUT_RETAIN_BYTES {
            return;
        }
        let Some(cut_at) = self.limits.output.hard_reached_at(tag.class) else {
            return;
        };
        self.out.drain(..self.out_pos);
        self.out_pos = 0;
        // The hard-limit check before appending keeps the output below
        // `cut_at`: this is the last reservation.
        let target = cut_at.max(self.out.len() + more);
        self.out.reserve_exact(target - self.out.len());
    }

    /// Checks the output bookkeeping; panics on a broken invariant.
    pub fn check_invariants(&self) {
        assert!(self.gauged <= self.out.len() - self.out_pos, "more output gauged than pending");
        assert!(self.gauge.get() >= self.gauged, "the shared gauge lost bytes this connection holds");
    }

    /// Whether the output passed its limit (see [`Connection::handle_reply`]).
    pub fn output_cut(&self) -> bool {
        self.output_cut
    }

    /// Parses what is buffered and pushes requests into `ring` (as side
    /// `side`) until nothing more is complete or the ring is full. Argument
    /// lists are taken from `spare` (see
    /// [`crate::resp::parser::Parser::parse_reusing`]).
    pub fn push_requests(&mut self, ring: &Ring, side: usize, spare: &mut Vec<Vec<bytes::Bytes>>) -> Pushed {
        let mut pushed = Pushed::default();
        loop {
            let next = match self.stalled.take() {
                Some(r) => r,
                None => match self.next_request(spare) {
                    Some(r) => r,
                    None => return pushed,
                },
            };
            let is_close = matches!(next.kind, RequestKind::Close);
            match ring.push_request(side, next) {
                Ok(()) => {
                    pushed.requests += 1;
                    if is_close {
                        self.phase = Phase::Done;
                        return pushed;
                    }
                }
                Err(back) => {
                    if !self.plant.is(PlantedBug::RingFullDropsRequest) {
                        self.stalled = Some(back);
                    }
                    pushed.ring_full = true;
                    return pushed;
                }
            }
        }
    }

    fn next_request(&mut self, spare: &mut Vec<Vec<bytes::Bytes>>) -> Option<Request> {
        let id = self.id;
        let query_buf = QueryBufStats {
            bytes: u32::try_from(self.read_buf.len()).unwrap_or(u32::MAX),
            free_bytes: u32::try_from(self.read_buf.capacity() - self.read_buf.len()).unwrap_or(u32::MAX),
        };
        let make = |kind| Some(Request { conn: id, kind, query_buf });
        if let Some(info) = self.info.take() {
            return make(RequestKind::Open(info));
        }
        match self.phase {
            Phase::Done | Phase::Errored => return None,
            Phase::Open | Phase::PeerClosed => {}
        }
        if self.output_cut {
            // In place of every command not yet pushed.
            self.phase = Phase::Done;
            return make(RequestKind::OutputLimit);
        }
        if self.output_paused() && self.phase == Phase::Open {
            return None;
        }
        match self.parser.parse_reusing(&mut self.read_buf, spare) {
            ParseOutcome::Command(args) => make(RequestKind::Command(args)),
            ParseOutcome::Error(e) => {
                self.phase = Phase::Errored;
                self.read_buf = BytesMut::new();
                make(RequestKind::ProtocolError(e))
            }
            ParseOutcome::Incomplete => {
                // What is left is one incomplete command, so the limit
                // applies to it alone, however the bytes were split.
                if self.read_buf.len() > self.limits.query_buffer_limit {
                    self.give_up();
                }
                if self.phase == Phase::PeerClosed {
                    // A closed peer's partial command is dropped.
                    self.read_buf = BytesMut::new();
                    return make(RequestKind::Close);
                }
                None
            }
        }
    }

    /// The query buffer passed `client-query-buffer-limit`: Redis closes the
    /// client without a reply. Complete commands already pushed still run
    /// (their replies are discarded with the client); the driver learns to
    /// close through [`Connection::close_when_flushed`].
    fn give_up(&mut self) {
        self.read_buf = BytesMut::new();
        self.phase = Phase::PeerClosed;
        self.close_after_output = true;
    }

    fn output_paused(&self) -> bool {
        self.out.len() - self.out_pos >= self.limits.output_pause_bytes
    }

    /// Reply bytes waiting to be written.
    pub fn pending_output(&self) -> &[u8] {
        &self.out[self.out_pos..]
    }

    /// The driver wrote `n` bytes of [`Connection::pending_output`].
    pub fn consume_output(&mut self, n: usize) {
        assert!(n <= self.out.len() - self.out_pos, "consumed more than pending");
        // The gauged bytes come first: a forgotten client's last reply,
        // not gauged, is the last thing a connection gets.
        let written_gauged = n.min(self.gauged);
        self.gauge.sub(written_gauged);
        self.gauged -= written_gauged;
        self.out_pos += n;
        if self.out_pos == self.out.len() {
            self.out_pos = 0;
            if self.out.capacity() > limits::CONN_OUTPUT_RETAIN_BYTES {
                // An adopted big reply: do not keep its memory for an idle client.
                self.out = Vec::new();
            } else {
                self.out.clear();
            }
        }
    }

    /// Whether the driver should read more from the socket now.
    pub fn wants_read(&self) -> bool {
        self.phase == Phase::Open && self.stalled.is_none() && !self.output_paused()
    }

    /// Nothing more will happen on this connection: the driver may drop it
    /// and close the socket once [`Connection::pending_output`] is empty (or
    /// at once, if the peer is gone).
    pub fn is_finished(&self) -> bool {
        self.phase == Phase::Done && (self.close_after_output || self.stalled.is_none())
    }

    /// Whether the driver should close the socket once output is flushed
    /// (QUIT, protocol error, CLIENT KILL, query buffer limit).
    pub fn close_when_flushed(&self) -> bool {
        self.close_after_output
    }

    /// Bytes received and not yet parsed into pushed requests.
    pub fn buffered_bytes(&self) -> usize {
        self.read_buf.len()
    }

    /// Heap held by the parser itself, beyond [`Connection::buffered_bytes`].
    pub fn parser_heap_bytes(&self) -> usize {
        self.parser.heap_bytes()
    }
}
