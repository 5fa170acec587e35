//! The bounded queue between the connection layer and the executor.
//!
//! Requests flow connection layer -> executor through a
//! `crossbeam_queue::ArrayQueue`. When it is full the connection layer stops
//! parsing (and so reading) that client: it never drops or reorders a
//! client's requests, because every client is fed by exactly one producer
//! that pushes its requests in order and retries the same one when full.
//! Responses flow back as [`Response`]s; how they travel is the driver's
//! business (one thread: direct; I/O threads: a queue per thread).

use bytes::Bytes;
use crossbeam_queue::ArrayQueue;

use crate::resp::ProtocolError;
use crate::ConnId;

/// The ring type used by every driver, production and simulation alike.
pub type Ring = ArrayQueue<Request>;

pub fn new_ring(capacity: usize) -> Ring {
    assert!(capacity >= 1, "ring capacity must be positive");
    ArrayQueue::new(capacity)
}

/// One input for the executor, in the order the client produced it.
#[derive(Debug)]
pub struct Request {
    pub conn: ConnId,
    pub kind: RequestKind,
}

#[derive(Debug)]
pub enum RequestKind {
    /// A new client; always the first request of a connection. Boxed so a
    /// request stays small: every command is moved through the ring.
    Open(Box<ClientInfo>),
    /// One parsed command (never empty).
    Command(Vec<Bytes>),
    /// The client broke the protocol after its earlier commands: reply with
    /// the error, then close.
    ProtocolError(ProtocolError),
    /// The peer went away (or the connection layer gave up on it). Always the
    /// last request of a connection.
    Close,
}

/// What the executor knows of a client's transport.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// `ip:port` of the peer.
    pub addr: String,
    /// `ip:port` of our end.
    pub laddr: String,
    /// The socket's file descriptor number for CLIENT LIST (0 in the simulator).
    pub fd: i64,
}

/// Reply bytes for one connection, in order.
#[derive(Debug)]
pub struct Response {
    pub conn: ConnId,
    pub bytes: Vec<u8>,
    /// Close the connection once these bytes are written (QUIT, protocol
    /// error, CLIENT KILL). The executor has already forgotten the client.
    pub close_after: bool,
}
