//! `--io-threads N` with N > 1: N I/O threads and one executor thread.
//!
//! ```text
//!  listener ─accept─▶ executor thread ──Inbound::Open──▶ I/O thread (id-1) % N
//!                        ▲   │                            │ read, parse
//!         exec Waker ────┘   └─Inbound::Response─▶ inbox  │ Connection::push_requests
//!                        ▲                        + Waker ▼
//!                        └──────────── pop ◀──────── Ring (ArrayQueue, bounded)
//! ```
//!
//! - Each I/O thread owns its sockets and their `engine::conn::Connection`s:
//!   it reads straight into the connection's buffer, pushes parsed requests
//!   into the shared ring, and writes replies.
//! - The executor thread (the main thread) owns the `Executor` and the
//!   listeners. It pops requests, executes them, and hands each `Response`
//!   to the owning I/O thread through that thread's lock-free inbox
//!   (`SegQueue`) plus a `mio::Waker`. Nothing it does waits for an I/O
//!   thread: pushing to an inbox and waking never block.
//! - Backpressure: when the ring is full a connection keeps the request it
//!   could not push (`Connection` retries the same one first, so per-client
//!   order holds) and its thread stops reading it. The thread then sets its
//!   `wants_ring_room` flag and retries once (so a drain that happened just
//!   before the flag was set is not missed); the executor, after each drain,
//!   wakes every thread whose flag is set.

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use crossbeam_queue::SegQueue;
use ferrodis_engine::conn::{ConnLimits, Connection};
use ferrodis_engine::exec::Executor;
use ferrodis_engine::ring::{new_ring, ClientInfo, Response, Ring};
use ferrodis_engine::{Config, ConnId};
use foldhash::fast::FixedState;
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};

use crate::host::HostProbe;
use crate::server::{listener_index, listener_token, poll_events, Signals, StopReason, SIGNAL_TOKEN, WAKER_TOKEN};
use crate::sock::{self, ReadOutcome, WriteOutcome};

/// What the executor thread sends an I/O thread.
enum Inbound {
    /// A new client this thread now owns.
    Open(ConnId, TcpStream, ClientInfo),
    Response(Response),
    /// CONFIG SET changed the connection limits: apply to every connection.
    Limits(ConnLimits),
}

struct IoShared {
    waker: Waker,
    inbox: SegQueue<Inbound>,
    /// Some connection of this thread is waiting for room in the ring.
    wants_ring_room: AtomicBool,
}

struct Shared {
    ring: Ring,
    exec_waker: Waker,
    io: Vec<IoShared>,
    stop: AtomicBool,
    /// Accepted sockets not yet closed (for maxclients).
    clients: AtomicUsize,
}

impl Shared {
    fn owner(&self, conn: ConnId) -> usize {
        (conn.0.wrapping_sub(1) % self.io.len() as u64) as usize
    }
}

/// Runs the executor on this thread and `config.io_threads` I/O threads
/// until a signal or SHUTDOWN; then stops and joins the I/O threads.
pub fn run(config: Config, listeners: Vec<TcpListener>, signals: Signals, host: HostProbe) -> io::Result<StopReason> {
    let threads = config.io_threads.max(1);
    let poll = Poll::new()?;
    let exec_waker = Waker::new(poll.registry(), WAKER_TOKEN)?;
    let mut io_polls = Vec::with_capacity(threads);
    let mut io = Vec::with_capacity(threads);
    for _ in 0..threads {
        let p = Poll::new()?;
        let waker = Waker::new(p.registry(), WAKER_TOKEN)?;
        io_polls.push(p);
        io.push(IoShared { waker, inbox: SegQueue::new(), wants_ring_room: AtomicBool::new(false) });
    }
    let shared = Arc::new(Shared {
        ring: new_ring(config.ring_capacity),
        exec_waker,
        io,
        stop: AtomicBool::new(false),
        clients: AtomicUsize::new(0),
    });
    let limits = ConnLimits::from_config(&config);
    let mut handles = Vec::with_capacity(threads);
    for (index, poll) in io_polls.into_iter().enumerate() {
        let t = IoThread::new(index, poll, Arc::clone(&shared), limits);
        let spawned = thread::Builder::new().name(format!("io_thd_{index}")).spawn(move || t.run());
        match spawned {
            Ok(h) => handles.push(h),
            Err(e) => {
                stop_all(&shared, handles);
                return Err(e);
            }
        }
    }
    let mut exec_loop = ExecLoop {
        executor: Executor::new(config.clone(), sock::now_ms()),
        poll,
        listeners,
        signals,
        shared: Arc::clone(&shared),
        next_conn: 1,
        maxclients: config.maxclients,
        to_wake: vec![false; threads],
        host,
        limits,
    };
    let result = exec_loop.run();
    stop_all(&shared, handles);
    result
}

fn stop_all(shared: &Shared, handles: Vec<thread::JoinHandle<io::Result<()>>>) {
    shared.stop.store(true, Ordering::SeqCst);
    for io in &shared.io {
        let _ = io.waker.wake();
    }
    for h in handles {
        match h.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => crate::log::warning(&format!("I/O thread failed: {e}")),
            Err(_) => crate::log::warning("I/O thread panicked"),
        }
    }
}

struct ExecLoop {
    executor: Executor,
    poll: Poll,
    listeners: Vec<TcpListener>,
    signals: Signals,
    shared: Arc<Shared>,
    next_conn: u64,
    maxclients: usize,
    /// I/O threads to wake at the end of this pass.
    to_wake: Vec<bool>,
    host: HostProbe,
    /// The connection limits the I/O threads were last told.
    limits: ConnLimits,
}

impl ExecLoop {
    fn run(&mut self) -> io::Result<StopReason> {
        for (i, l) in self.listeners.iter_mut().enumerate() {
            self.poll.registry().register(l, listener_token(i), Interest::READABLE)?;
        }
        self.signals.register(self.poll.registry(), SIGNAL_TOKEN)?;
        let mut events = Events::with_capacity(256);
        loop {
            let timeout = if self.shared.ring.is_empty() {
                sock::timeout_until(self.executor.poll_deadline(), sock::now_ms())
            } else {
                std::time::Duration::ZERO
            };
            poll_events(&mut self.poll, &mut events, Some(timeout))?;
            let now_ms = sock::now_ms();
            for event in events.iter() {
                let token = event.token();
                if token == SIGNAL_TOKEN {
                    if let Some(reason) = self.signals.drain() {
                        return Ok(reason);
                    }
                } else if let Some(index) = listener_index(token, self.listeners.len()) {
                    self.accept(index);
                }
                // WAKER_TOKEN: requests are waiting; drained below.
            }
            // One ring's worth per pass, so replies go out and timers run
            // even while clients keep the ring busy.
            for _ in 0..self.shared.ring.capacity() {
                let Some(req) = self.shared.ring.pop() else {
                    break;
                };
                self.executor.handle_request(req, now_ms);
            }
            if now_ms >= self.executor.poll_deadline() {
                self.executor.handle_host_stats(self.host.sample());
                self.executor.handle_tick(now_ms);
            }
            let live = ConnLimits::from_config(&self.executor.srv.config);
            if live != self.limits {
                self.limits = live;
                for (t, io) in self.shared.io.iter().enumerate() {
                    io.inbox.push(Inbound::Limits(live));
                    self.to_wake[t] = true;
                }
            }
            while let Some(resp) = self.executor.poll_response() {
                let t = self.shared.owner(resp.conn);
                self.shared.io[t].inbox.push(Inbound::Response(resp));
                self.to_wake[t] = true;
            }
            for (t, io) in self.shared.io.iter().enumerate() {
                if io.wants_ring_room.swap(false, Ordering::SeqCst) {
                    self.to_wake[t] = true;
                }
                if std::mem::take(&mut self.to_wake[t]) {
                    io.waker.wake()?;
                }
            }
            if self.executor.shutdown_requested() {
                return Ok(StopReason::ShutdownCommand);
            }
        }
    }

    fn accept(&mut self, index: usize) {
        let Self { listeners, shared, next_conn, maxclients, to_wake, .. } = self;
        let rejected = sock::accept_all(
            &listeners[index],
            || shared.clients.load(Ordering::SeqCst) >= *maxclients,
            |stream, info| {
                let id = ConnId(*next_conn);
                *next_conn += 1;
                shared.clients.fetch_add(1, Ordering::SeqCst);
                let t = shared.owner(id);
                shared.io[t].inbox.push(Inbound::Open(id, stream, info));
                to_wake[t] = true;
            },
        );
        self.executor.srv.stats.rejected_connections += rejected;
    }
}

struct IoConn {
    conn: Connection,
    /// `None` once the peer is gone; the `Connection` stays until its last
    /// request (`Close`) is in the ring.
    stream: Option<TcpStream>,
    may_read: bool,
    /// The peer's hang-up (or an error) was reported: read until EOF even
    /// after a short read, as no further event will come.
    hup: bool,
    write_interest: bool,
}

struct IoThread {
    index: usize,
    poll: Poll,
    shared: Arc<Shared>,
    limits: ConnLimits,
    conns: HashMap<ConnId, IoConn, FixedState>,
    /// Connections to service this pass.
    pending: BTreeSet<ConnId>,
    /// Connections holding a request the full ring refused.
    stalled: BTreeSet<ConnId>,
    /// Requests were pushed since the executor was last woken.
    pushed: bool,
}

impl IoThread {
    fn new(index: usize, poll: Poll, shared: Arc<Shared>, limits: ConnLimits) -> IoThread {
        IoThread {
            index,
            poll,
            shared,
            limits,
            conns: HashMap::with_hasher(FixedState::default()),
            pending: BTreeSet::new(),
            stalled: BTreeSet::new(),
            pushed: false,
        }
    }

    fn run(mut self) -> io::Result<()> {
        let mut events = Events::with_capacity(1024);
        loop {
            let timeout = if self.pending.is_empty() { None } else { Some(std::time::Duration::ZERO) };
            poll_events(&mut self.poll, &mut events, timeout)?;
            if self.shared.stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            for event in events.iter() {
                if event.token() == WAKER_TOKEN {
                    continue;
                }
                let id = ConnId(event.token().0 as u64);
                if let Some(c) = self.conns.get_mut(&id) {
                    if event.is_readable() || event.is_read_closed() || event.is_error() {
                        c.may_read = true;
                        c.hup |= event.is_read_closed() || event.is_error();
                    }
                    self.pending.insert(id);
                }
            }
            self.drain_inbox();
            // Ring room may have appeared: retry everyone who was refused.
            self.pending.append(&mut self.stalled);
            let work = std::mem::take(&mut self.pending);
            for id in work {
                self.service(id);
            }
            if !self.stalled.is_empty() {
                self.shared.io[self.index].wants_ring_room.store(true, Ordering::SeqCst);
                // Retry once after raising the flag: if the ring is still
                // full now, the executor has requests to pop and will see
                // the flag after popping them.
                let stalled = std::mem::take(&mut self.stalled);
                for id in stalled {
                    self.service(id);
                }
            }
            if std::mem::take(&mut self.pushed) {
                self.shared.exec_waker.wake()?;
            }
        }
    }

    fn drain_inbox(&mut self) {
        let shared = Arc::clone(&self.shared);
        let inbox = &shared.io[self.index].inbox;
        while let Some(msg) = inbox.pop() {
            match msg {
                Inbound::Open(id, mut stream, info) => {
                    if self.poll.registry().register(&mut stream, Token(id.0 as usize), Interest::READABLE).is_err() {
                        // The executor never hears of it: no Open was pushed.
                        self.shared.clients.fetch_sub(1, Ordering::SeqCst);
                        continue;
                    }
                    let conn = Connection::new(id, info, self.limits);
                    self.conns.insert(
                        id,
                        IoConn { conn, stream: Some(stream), may_read: true, hup: false, write_interest: false },
                    );
                    self.pending.insert(id);
                }
                Inbound::Limits(limits) => {
                    self.limits = limits;
                    for c in self.conns.values_mut() {
                        c.conn.set_limits(limits);
                    }
                }
                Inbound::Response(resp) => {
                    let id = resp.conn;
                    if let Some(c) = self.conns.get_mut(&id) {
                        c.conn.handle_response(resp);
                        self.pending.insert(id);
                    }
                }
            }
        }
    }

    /// Pushes, reads (within the pass budget), writes, and drops the
    /// connection once it is finished.
    fn service(&mut self, id: ConnId) {
        let Some(c) = self.conns.get_mut(&id) else {
            return;
        };
        let ring = &self.shared.ring;
        let mut reads = 0;
        loop {
            let p = c.conn.push_requests(ring);
            self.pushed |= p.requests > 0;
            if p.ring_full {
                self.stalled.insert(id);
                break;
            }
            let Some(stream) = &c.stream else {
                break;
            };
            if !c.may_read || !c.conn.wants_read() {
                let buf = c.conn.read_buf_mut();
                if !c.may_read && buf.is_empty() {
                    // At rest a connection holds no read buffer.
                    *buf = bytes::BytesMut::new();
                }
                break;
            }
            if reads == sock::READS_PER_PASS {
                self.pending.insert(id);
                break;
            }
            reads += 1;
            let buf = c.conn.read_buf_mut();
            match sock::read_into(stream, buf) {
                // Loop to push what was read; a drained socket then stops.
                ReadOutcome::Data { drained, .. } => c.may_read = !drained || c.hup,
                ReadOutcome::WouldBlock => c.may_read = false,
                ReadOutcome::Closed => drop_stream(&self.poll, c),
            }
        }
        let was_paused = c.conn.pending_output().len() >= self.limits.output_pause_bytes;
        flush(&self.poll, c, id);
        if c.stream.is_none() {
            // The peer went away (maybe while writing): queue its Close.
            let p = c.conn.push_requests(ring);
            self.pushed |= p.requests > 0;
            if p.ring_full {
                self.stalled.insert(id);
            }
        } else if was_paused && c.conn.pending_output().len() < self.limits.output_pause_bytes {
            // Reading and parsing were paused on output that is now gone.
            self.pending.insert(id);
        }
        if c.conn.is_finished() && (c.stream.is_none() || c.conn.pending_output().is_empty()) {
            drop_stream(&self.poll, c);
            self.conns.remove(&id);
            self.pending.remove(&id);
            self.stalled.remove(&id);
            self.shared.clients.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn drop_stream(poll: &Poll, c: &mut IoConn) {
    if let Some(mut s) = c.stream.take() {
        let _ = poll.registry().deregister(&mut s);
    }
    c.conn.handle_peer_closed();
    c.may_read = false;
}

/// Writes `c`'s pending output until done or the kernel pushes back; a dead
/// peer's output is discarded.
fn flush(poll: &Poll, c: &mut IoConn, id: ConnId) {
    let pending = c.conn.pending_output().len();
    let Some(stream) = &mut c.stream else {
        c.conn.consume_output(pending);
        return;
    };
    if pending == 0 && !c.write_interest {
        return;
    }
    match sock::write_some(stream, c.conn.pending_output()) {
        WriteOutcome::Done(n) => {
            c.conn.consume_output(n);
            if c.write_interest {
                c.write_interest = false;
                if poll.registry().reregister(stream, Token(id.0 as usize), Interest::READABLE).is_err() {
                    drop_stream(poll, c);
                }
            }
        }
        WriteOutcome::Blocked(n) => {
            c.conn.consume_output(n);
            if !c.write_interest {
                c.write_interest = true;
                let rw = Interest::READABLE | Interest::WRITABLE;
                if poll.registry().reregister(stream, Token(id.0 as usize), rw).is_err() {
                    drop_stream(poll, c);
                }
            }
        }
        WriteOutcome::Failed => {
            drop_stream(poll, c);
            let rest = c.conn.pending_output().len();
            c.conn.consume_output(rest);
        }
    }
}
