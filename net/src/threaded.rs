//! `--io-threads N` with N > 1: N I/O threads, each driving one
//! [`ConnSide`], and one executor thread driving the [`Executor`], joined by
//! the engine's [`Ring`].
//!
//! ```text
//!  listener ─accept─▶ executor thread ──(socket)──▶ I/O thread `side`
//!                       ▲    │                          │ read, write
//!                       │    └─ ConnMsg queue[side] ──▶ │ ConnSide
//!                       └──────── Request queue ◀───────┘
//! ```
//!
//! This file only moves sockets, bytes and the ring's messages between
//! threads, and wakes the thread on the other end: admission, ids and the
//! owning side come from `Executor::handle_accept`; parsing, pausing,
//! closing, limits and buffer reuse from `ConnSide`, exactly as on the
//! one-thread path and in the simulator's split mode.
//!
//! Waking: a side that pushed requests wakes the executor; the executor
//! wakes every side it sent messages to, and (through the ring's "room
//! wanted" marks) every side that waited for room in the request queue; a
//! side that drained its message queue while the executor waited for room
//! there wakes the executor.

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;

use crossbeam_queue::SegQueue;
use ferrodis_engine::conn_side::ConnSide;
use ferrodis_engine::exec::{Executor, RingSink};
use ferrodis_engine::limits::{POLL_EVENTS_MAX, READS_PER_PASS};
use ferrodis_engine::ring::{ClientInfo, Ring};
use ferrodis_engine::{Config, ConnId};
use foldhash::fast::FixedState;
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};

use crate::aof::AofDriver;
use crate::host::HostProbe;
use crate::server::{listener_index, listener_token, poll_events, Signals, StopReason, SIGNAL_TOKEN, WAKER_TOKEN};
use crate::sock::{self, ReadOutcome, WriteOutcome};

/// A socket the executor admitted, on its way to the I/O thread that owns it.
struct Handoff {
    conn: ConnId,
    stream: TcpStream,
    info: ClientInfo,
}

struct IoShared {
    waker: Waker,
    /// Accepted sockets for this thread (sockets are the driver's; the
    /// engine's messages travel in the ring).
    sockets: SegQueue<Handoff>,
}

struct Shared {
    ring: Arc<Ring>,
    exec_waker: Waker,
    io: Vec<IoShared>,
    stop: AtomicBool,
    /// Counts the executor's memory purges; an I/O thread that sees it
    /// move purges its own pages.
    purge_epoch: AtomicU64,
}

/// Runs the executor on this thread and `config.io_threads` I/O threads
/// until a signal or SHUTDOWN; then stops and joins the I/O threads.
/// The executor loads the AOF first and logs `ready`.
pub fn run(
    config: Config,
    listeners: Vec<TcpListener>,
    signals: Signals,
    host: HostProbe,
    ready: &str,
) -> io::Result<StopReason> {
    let mut executor = Executor::new(config.clone(), config.io_threads.max(1), sock::now_ms());
    executor.set_clock_us(sock::monotonic_us);
    let storage = match crate::aof::load(&config, &mut executor, sock::now_ms()) {
        Ok(s) => s,
        Err(e) => {
            crate::log::warning(&e);
            return Ok(StopReason::LoadFailed);
        }
    };
    crate::log::notice(ready);
    let threads = config.io_threads.max(1);
    let poll = Poll::new()?;
    let exec_waker = Waker::new(poll.registry(), WAKER_TOKEN)?;
    let mut io_polls = Vec::with_capacity(threads);
    let mut io = Vec::with_capacity(threads);
    for _ in 0..threads {
        let p = Poll::new()?;
        let waker = Waker::new(p.registry(), WAKER_TOKEN)?;
        io_polls.push(p);
        io.push(IoShared { waker, sockets: SegQueue::new() });
    }
    let ring = Arc::new(Ring::new(threads, config.ring_capacity, config.ring_capacity));
    let shared = Arc::new(Shared {
        ring: Arc::clone(&ring),
        exec_waker,
        io,
        stop: AtomicBool::new(false),
        purge_epoch: AtomicU64::new(0),
    });
    let mut handles = Vec::with_capacity(threads);
    for (index, poll) in io_polls.into_iter().enumerate() {
        let side = ConnSide::new(index, Arc::clone(&ring), &config);
        let t = IoThread {
            index,
            poll,
            shared: Arc::clone(&shared),
            side,
            socks: HashMap::default(),
            pending: BTreeSet::new(),
            purge_epoch: 0,
        };
        let spawned = thread::Builder::new().name(format!("io_thd_{index}")).spawn(move || t.run());
        match spawned {
            Ok(h) => handles.push(h),
            Err(e) => {
                stop_all(&shared, handles);
                return Err(e);
            }
        }
    }
    let backlog = config.tcp_backlog;
    let waking = Arc::clone(&shared);
    let aof = match AofDriver::new(storage, Arc::new(move || drop(waking.exec_waker.wake()))) {
        Ok(aof) => aof,
        Err(e) => {
            stop_all(&shared, handles);
            return Err(e);
        }
    };
    let mut exec_loop = ExecLoop {
        backlog,
        executor,
        aof,
        poll,
        listeners,
        signals,
        shared: Arc::clone(&shared),
        to_wake: vec![false; threads],
        host,
    };
    let result = exec_loop.run();
    exec_loop.aof.shutdown(&mut exec_loop.executor, sock::now_ms());
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
    /// Performs the executor's storage ops.
    aof: AofDriver,
    poll: Poll,
    listeners: Vec<TcpListener>,
    signals: Signals,
    shared: Arc<Shared>,
    /// I/O threads to wake at the end of this pass.
    to_wake: Vec<bool>,
    host: HostProbe,
    /// `tcp-backlog`, for listeners bound later (CONFIG SET port/bind).
    backlog: u32,
}

impl ExecLoop {
    fn run(&mut self) -> io::Result<StopReason> {
        for (i, l) in self.listeners.iter_mut().enumerate() {
            self.poll.registry().register(l, listener_token(i), Interest::READABLE)?;
        }
        self.signals.register(self.poll.registry(), SIGNAL_TOKEN)?;
        let mut events = Events::with_capacity(POLL_EVENTS_MAX);
        let ring = Arc::clone(&self.shared.ring);
        loop {
            // While a rewrite waits for the driver (an fsync on the
            // background thread), requests wait in the ring: the fsync's
            // report wakes this loop.
            let timeout = if ring.requests_empty() || self.executor.is_waiting() {
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
                // WAKER_TOKEN: requests (or room for messages) are waiting.
            }
            // One ring's worth per pass, so replies go out and timers run
            // even while clients keep the ring busy.
            for _ in 0..ring.request_capacity() {
                self.answer_listen(now_ms);
                if self.executor.is_waiting() {
                    // A rewrite's first steps: the executor takes nothing
                    // until the driver reports them.
                    self.aof.pump(&mut self.executor, now_ms);
                    if self.executor.is_waiting() {
                        break;
                    }
                }
                let Some(req) = ring.pop_request() else {
                    break;
                };
                self.executor.handle_request(req, now_ms);
            }
            self.answer_listen(now_ms);
            let to_wake = &mut self.to_wake;
            ring.take_request_room_wanted(|side| to_wake[side] = true);
            if now_ms >= self.executor.poll_deadline() {
                self.executor.handle_host_stats(self.host.sample());
                self.executor.handle_tick(now_ms);
            }
            self.aof.pump(&mut self.executor, now_ms);
            // Before the replies go out: MEMORY PURGE answers after the
            // purge. Each I/O thread frees the pages it owns once woken.
            if self.executor.poll_memory_purge() {
                crate::purge::purge_process();
                self.shared.purge_epoch.fetch_add(1, Ordering::SeqCst);
                to_wake.fill(true);
                self.executor.handle_host_stats(self.host.sample());
            }
            self.executor.poll_output(&mut RingSink { ring: &ring, woken: |side| to_wake[side] = true });
            for (side, io) in self.shared.io.iter().enumerate() {
                if std::mem::take(&mut self.to_wake[side]) {
                    io.waker.wake()?;
                }
            }
            if self.executor.shutdown_requested() {
                return Ok(StopReason::ShutdownCommand);
            }
        }
    }

    /// A CONFIG SET port/bind waits for new listeners: switch them now;
    /// a CONFIG REWRITE waits for its file: rewrite it.
    fn answer_listen(&mut self, now_ms: u64) {
        if let Some(req) = self.executor.poll_listen() {
            let result = crate::listen::switch(self.poll.registry(), &mut self.listeners, &req, self.backlog);
            self.executor.handle_listen_result(result, now_ms);
        }
        if let Some(path) = self.executor.poll_config_rewrite() {
            let result = crate::config_file::rewrite(&path, |old| self.executor.config_rewrite_text(old));
            self.executor.handle_config_rewrite_result(result, now_ms);
        }
    }

    fn accept(&mut self, index: usize) {
        let Self { listeners, shared, executor, to_wake, .. } = self;
        sock::accept_all(&listeners[index], |stream, info| match executor.handle_accept() {
            Ok(a) => {
                shared.io[a.side].sockets.push(Handoff { conn: a.conn, stream, info });
                to_wake[a.side] = true;
            }
            Err(_) => sock::reject(stream),
        });
    }
}

/// What the I/O thread knows of a socket.
struct IoSock {
    stream: TcpStream,
    /// The socket may have unread bytes (edge-triggered).
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
    side: ConnSide,
    socks: HashMap<ConnId, IoSock, FixedState>,
    /// Connections to read or write this pass.
    pending: BTreeSet<ConnId>,
    /// The last `Shared::purge_epoch` this thread purged for.
    purge_epoch: u64,
}

impl IoThread {
    fn run(mut self) -> io::Result<()> {
        let mut events = Events::with_capacity(POLL_EVENTS_MAX);
        loop {
            let timeout = if !self.pending.is_empty() {
                Some(std::time::Duration::ZERO)
            } else {
                self.side.poll_deadline().map(|at| sock::timeout_until(at, sock::now_ms()))
            };
            poll_events(&mut self.poll, &mut events, timeout)?;
            if self.shared.stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            let now_ms = sock::now_ms();
            for event in events.iter() {
                if event.token() == WAKER_TOKEN {
                    continue;
                }
                let id = ConnId(event.token().0 as u64);
                if let Some(s) = self.socks.get_mut(&id) {
                    if event.is_readable() || event.is_read_closed() || event.is_error() {
                        s.may_read = true;
                        s.hup |= event.is_read_closed() || event.is_error();
                    }
                    self.pending.insert(id);
                }
            }
            self.take_sockets();
            let purge_epoch = self.shared.purge_epoch.load(Ordering::SeqCst);
            if purge_epoch != self.purge_epoch {
                self.purge_epoch = purge_epoch;
                crate::purge::purge_thread();
            }
            self.take_msgs();
            self.side.handle_ring_room();
            for id in std::mem::take(&mut self.pending) {
                self.read(id, now_ms);
                self.flush(id);
            }
            while let Some(id) = self.side.poll_writable() {
                self.flush(id);
            }
            while let Some(id) = self.side.poll_resumed() {
                if self.socks.get(&id).is_some_and(|s| s.may_read) {
                    self.pending.insert(id);
                }
            }
            while let Some(id) = self.side.poll_close() {
                if let Some(mut s) = self.socks.remove(&id) {
                    let _ = self.poll.registry().deregister(&mut s.stream);
                }
            }
            if self.side.poll_deadline().is_some_and(|at| now_ms >= at) {
                self.side.handle_tick(now_ms);
            }
            if self.side.poll_pushed() {
                self.shared.exec_waker.wake()?;
            }
        }
    }

    /// Sockets the executor admitted for this thread.
    fn take_sockets(&mut self) {
        let shared = Arc::clone(&self.shared);
        while let Some(Handoff { conn, mut stream, info }) = shared.io[self.index].sockets.pop() {
            self.side.handle_open(conn, info);
            if self.poll.registry().register(&mut stream, Token(conn.0 as usize), Interest::READABLE).is_err() {
                self.side.handle_peer_closed(conn);
                continue;
            }
            self.socks.insert(conn, IoSock { stream, may_read: true, hup: false, write_interest: false });
            self.pending.insert(conn);
        }
    }

    /// The executor's messages for this side.
    fn take_msgs(&mut self) {
        let ring = &self.shared.ring;
        while let Some(msg) = ring.pop_msg(self.index) {
            self.side.handle_msg(msg);
        }
        if ring.take_msg_room_wanted(self.index) {
            let _ = self.shared.exec_waker.wake();
        }
    }

    /// Reads what `id` has (within the pass budget) into the side.
    fn read(&mut self, id: ConnId, now_ms: u64) {
        for _ in 0..READS_PER_PASS {
            let Some(s) = self.socks.get_mut(&id) else {
                return;
            };
            if !s.may_read || !self.side.wants_read(id) {
                return;
            }
            let Some(buf) = self.side.read_buf_mut(id) else {
                return;
            };
            match sock::read_into(&s.stream, buf) {
                ReadOutcome::Data { drained, .. } => {
                    s.may_read = !drained || s.hup;
                    self.side.handle_read(id, now_ms);
                }
                ReadOutcome::WouldBlock => {
                    s.may_read = false;
                    return;
                }
                ReadOutcome::Closed => {
                    self.peer_closed(id);
                    return;
                }
            }
        }
        // Budget spent with more to read: come back after the others.
        self.pending.insert(id);
    }

    /// Writes `id`'s pending output until done or the kernel pushes back.
    fn flush(&mut self, id: ConnId) {
        let Some(s) = self.socks.get_mut(&id) else {
            return;
        };
        let out = self.side.pending_output(id);
        if out.is_empty() && !s.write_interest {
            return;
        }
        let (n, blocked) = match sock::write_some(&s.stream, out) {
            WriteOutcome::Done(n) => (n, false),
            WriteOutcome::Blocked(n) => (n, true),
            WriteOutcome::Failed => {
                self.peer_closed(id);
                return;
            }
        };
        self.side.consume_output(id, n);
        if blocked != s.write_interest {
            s.write_interest = blocked;
            let interest = if blocked { Interest::READABLE | Interest::WRITABLE } else { Interest::READABLE };
            if self.poll.registry().reregister(&mut s.stream, Token(id.0 as usize), interest).is_err() {
                self.peer_closed(id);
            }
        }
    }

    /// The peer went away (or its socket failed): drop the socket and tell
    /// the side.
    fn peer_closed(&mut self, id: ConnId) {
        if let Some(mut s) = self.socks.remove(&id) {
            let _ = self.poll.registry().deregister(&mut s.stream);
        }
        self.side.handle_peer_closed(id);
    }
}
