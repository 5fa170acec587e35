//! The ring: the bounded queues that join the connection sides to the
//! executor, and the one message type that crosses in each direction.
//!
//! ```text
//!  ConnSide 0 ──┐                       ┌──▶ ConnMsg queue 0 ──▶ ConnSide 0
//!  ConnSide 1 ──┼─▶ Request queue ─▶ Executor ─▶ ConnMsg queue 1 ──▶ ConnSide 1
//!      ...     ─┘   (one, shared)       └──▶ ...
//! ```
//!
//! - [`Request`]s flow from the connection sides to the executor through one
//!   `crossbeam_queue::ArrayQueue`. When it is full a side stops parsing
//!   (and so reading) that client: it never drops or reorders a client's
//!   requests, because every client is fed by exactly one side, which pushes
//!   that client's requests in order and retries the same one when full.
//! - [`ConnMsg`]s flow back through one bounded queue per side. When a
//!   side's queue is full the executor keeps the replies in the client's
//!   own buffer and hands them over later, still in order.
//! - The "room wanted" flags say who waits for room in a full queue, so a
//!   driver with threads knows whom to wake after a drain (see
//!   [`Ring::take_request_room_wanted`] and [`Ring::take_msg_room_wanted`]).
//!
//! `Engine` (one thread) uses only the request queue: it hands replies to
//! its one side directly. The threaded driver and the simulator's split
//! mode use all of it. Nothing here blocks.

use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use crossbeam_queue::ArrayQueue;

use crate::conn::ConnLimits;
use crate::obuf::{OutputGauge, ReplyTag};
use crate::resp::ProtocolError;
use crate::ConnId;

/// Where a connection lives: which connection side, and which slot there.
/// The executor learns it from [`RequestKind::Open`] and addresses every
/// reply with it, so a side finds the connection without a hash lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub side: u32,
    pub slot: u32,
}

/// One input for the executor, in the order the client produced it.
#[derive(Debug)]
pub struct Request {
    pub conn: ConnId,
    pub kind: RequestKind,
    /// The connection's query buffer when it parsed this request (CLIENT
    /// LIST `qbuf`, `qbuf-free`); zeros for requests that are not commands.
    pub query_buf: QueryBufStats,
}

/// A connection's query buffer as its side saw it when it parsed a command.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueryBufStats {
    /// Bytes buffered: the command itself and whatever was pipelined behind it
    /// (Redis 7.0 keeps a command in its query buffer while it runs).
    pub bytes: u32,
    /// Bytes of the buffer's capacity not in use (`qbuf-free`).
    pub free_bytes: u32,
}

#[derive(Debug)]
pub enum RequestKind {
    /// A new client; always the first request of a connection. Boxed so a
    /// request stays small: every command is moved through the ring.
    Open(Box<(ClientInfo, Route, OutputGauge)>),
    /// One parsed command (never empty).
    Command(Vec<Bytes>),
    /// The client broke the protocol after its earlier commands: reply with
    /// the error, then close.
    ProtocolError(ProtocolError),
    /// The peer went away (or the connection side gave up on it). The last
    /// request of a connection, unless the executor closed it first.
    Close,
    /// The connection's output passed its `client-output-buffer-limit`: the
    /// side dropped it and closes the socket; the executor logs it and
    /// forgets the client as for `Close`. The last request of a connection.
    OutputLimit,
}

/// What the executor knows of a client's transport. The default is a
/// loopback peer (what tests and the simulator stand for: protected mode
/// admits it).
#[derive(Debug, Clone)]
pub struct ClientInfo {
    /// `ip:port` of the peer.
    pub addr: String,
    /// `ip:port` of our end.
    pub laddr: String,
    /// The socket's file descriptor number for CLIENT LIST (0 in the simulator).
    pub fd: i64,
}

impl Default for ClientInfo {
    fn default() -> ClientInfo {
        ClientInfo { addr: "127.0.0.1:0".into(), laddr: "127.0.0.1:0".into(), fd: 0 }
    }
}

/// One input for a connection side, from the executor.
#[derive(Debug)]
pub enum ConnMsg {
    /// Reply bytes for `conn`, in order. `close_after`: close the connection
    /// once these bytes are written (QUIT, protocol error); the executor has
    /// already forgotten the client. `tag`: the client's output buffer
    /// class and the executor's time, for the output limit.
    Reply { conn: ConnId, slot: u32, bytes: Vec<u8>, close_after: bool, tag: ReplyTag },
    /// CONFIG SET changed the connection limits: they apply to every live
    /// connection at once, as in Redis.
    Limits(ConnLimits),
}

/// The queues between the connection sides and the executor.
#[derive(Debug)]
pub struct Ring {
    requests: ArrayQueue<Request>,
    msgs: Box<[ArrayQueue<ConnMsg>]>,
    /// Side `i` holds a request the full request queue refused.
    request_room_wanted: Box<[AtomicBool]>,
    /// The executor holds messages that side `i`'s full queue refused.
    msg_room_wanted: Box<[AtomicBool]>,
}

impl Ring {
    /// A ring for `sides` connection sides; each queue is bounded.
    pub fn new(sides: usize, request_capacity: usize, msg_capacity: usize) -> Ring {
        assert!(sides >= 1, "a ring joins at least one connection side");
        assert!(request_capacity >= 1 && msg_capacity >= 1, "ring capacities must be positive");
        Ring {
            requests: ArrayQueue::new(request_capacity),
            msgs: (0..sides).map(|_| ArrayQueue::new(msg_capacity)).collect(),
            request_room_wanted: (0..sides).map(|_| AtomicBool::new(false)).collect(),
            msg_room_wanted: (0..sides).map(|_| AtomicBool::new(false)).collect(),
        }
    }

    pub fn sides(&self) -> usize {
        self.msgs.len()
    }

    /// Pushes `req` for side `side`; gives it back when the queue is full.
    /// A refused side is marked as wanting room first, then the push is
    /// retried once, so a drain that happened in between is not missed: if
    /// the queue is still full, the executor has requests to pop and sees
    /// the mark after popping them.
    pub fn push_request(&self, side: usize, req: Request) -> Result<(), Request> {
        let back = match self.requests.push(req) {
            Ok(()) => return Ok(()),
            Err(back) => back,
        };
        self.request_room_wanted[side].store(true, Ordering::SeqCst);
        self.requests.push(back)
    }

    /// The executor's next request, if any.
    pub fn pop_request(&self) -> Option<Request> {
        self.requests.pop()
    }

    pub fn request_capacity(&self) -> usize {
        self.requests.capacity()
    }

    pub fn requests_empty(&self) -> bool {
        self.requests.is_empty()
    }

    /// After a drain of the request queue: calls `wake` for every side that
    /// waited for room, clearing its mark.
    pub fn take_request_room_wanted(&self, mut wake: impl FnMut(usize)) {
        for (side, flag) in self.request_room_wanted.iter().enumerate() {
            if flag.swap(false, Ordering::SeqCst) {
                wake(side);
            }
        }
    }

    /// Pushes `msg` for side `side`; gives it back when that queue is full
    /// (marked and retried once, as [`Ring::push_request`]).
    pub fn push_msg(&self, side: usize, msg: ConnMsg) -> Result<(), ConnMsg> {
        let back = match self.msgs[side].push(msg) {
            Ok(()) => return Ok(()),
            Err(back) => back,
        };
        self.msg_room_wanted[side].store(true, Ordering::SeqCst);
        self.msgs[side].push(back)
    }

    /// Side `side`'s next message, if any.
    pub fn pop_msg(&self, side: usize) -> Option<ConnMsg> {
        self.msgs[side].pop()
    }

    /// After side `side` drained its queue: whether the executor waited for
    /// room there (and must be woken), clearing the mark.
    pub fn take_msg_room_wanted(&self, side: usize) -> bool {
        self.msg_room_wanted[side].swap(false, Ordering::SeqCst)
    }

    /// Whether nothing is in flight in either direction.
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty() && self.msgs.iter().all(ArrayQueue::is_empty)
    }
}
