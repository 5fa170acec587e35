//! `--io-threads 1`: one thread drives [`Engine`] (parse and execute on the
//! same thread, the composition the simulator runs too).
//!
//! The loop only moves bytes and time: each socket event feeds the engine
//! (reading straight into the connection's buffer), then every connection
//! the engine reports writable is written until done or `WouldBlock`.
//! WRITABLE interest is registered only while a connection has output the
//! kernel refused.

use std::collections::{HashMap, VecDeque};
use std::io;

use ferrodis_engine::{Config, ConnId, Engine};
use foldhash::fast::FixedState;
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};

use crate::host::HostProbe;
use crate::server::{listener_index, listener_token, poll_events, Signals, StopReason, SIGNAL_TOKEN};
use crate::sock::{self, ReadOutcome, WriteOutcome};

struct Sock {
    stream: TcpStream,
    /// The socket may have unread bytes (edge-triggered: set by a READABLE
    /// event, cleared by `WouldBlock`).
    may_read: bool,
    /// The peer's hang-up (or an error) was reported: read until EOF even
    /// after a short read, as no further event will come.
    hup: bool,
    /// WRITABLE interest is registered.
    write_interest: bool,
    /// Listed in `SingleThread::pending_reads`.
    read_queued: bool,
    /// `SingleThread::ticks` at the last read.
    read_tick: u64,
    /// Listed in `SingleThread::resting`.
    resting: bool,
}

pub struct SingleThread {
    poll: Poll,
    engine: Engine,
    listeners: Vec<TcpListener>,
    signals: Signals,
    socks: HashMap<ConnId, Sock, FixedState>,
    /// Connections to read this pass: a READABLE event came, the read budget
    /// was spent, or backpressure just lifted. Each at most once
    /// (`Sock::read_queued`); closed ones are skipped.
    pending_reads: Vec<ConnId>,
    maxclients: usize,
    now_ms: u64,
    /// Ticks run so far (the clock of the read-buffer sweep).
    ticks: u64,
    /// Connections that went to rest with an empty read buffer; the tick
    /// frees the buffers of those that stay idle (`sock::READ_BUF_IDLE_TICKS`).
    resting: VecDeque<ConnId>,
    host: HostProbe,
}

impl SingleThread {
    pub fn new(
        config: Config,
        listeners: Vec<TcpListener>,
        signals: Signals,
        host: HostProbe,
    ) -> io::Result<SingleThread> {
        let poll = Poll::new()?;
        let now_ms = sock::now_ms();
        let maxclients = config.maxclients;
        Ok(SingleThread {
            poll,
            engine: Engine::new(config, now_ms),
            listeners,
            signals,
            socks: HashMap::with_hasher(FixedState::default()),
            pending_reads: Vec::new(),
            maxclients,
            now_ms,
            ticks: 0,
            resting: VecDeque::new(),
            host,
        })
    }

    pub fn run(mut self) -> io::Result<StopReason> {
        for (i, l) in self.listeners.iter_mut().enumerate() {
            self.poll.registry().register(l, listener_token(i), Interest::READABLE)?;
        }
        self.signals.register(self.poll.registry(), SIGNAL_TOKEN)?;
        let mut events = Events::with_capacity(1024);
        loop {
            let timeout = if self.pending_reads.is_empty() {
                sock::timeout_until(self.engine.poll_deadline(), sock::now_ms())
            } else {
                std::time::Duration::ZERO
            };
            poll_events(&mut self.poll, &mut events, Some(timeout))?;
            self.now_ms = sock::now_ms();
            for event in events.iter() {
                let token = event.token();
                if token == SIGNAL_TOKEN {
                    if let Some(reason) = self.signals.drain() {
                        return Ok(reason);
                    }
                } else if let Some(index) = listener_index(token, self.listeners.len()) {
                    self.accept(index);
                } else {
                    let id = ConnId(token.0 as u64);
                    if event.is_readable() || event.is_read_closed() || event.is_error() {
                        if let Some(s) = self.socks.get_mut(&id) {
                            s.may_read = true;
                            s.hup |= event.is_read_closed() || event.is_error();
                            if !s.read_queued {
                                s.read_queued = true;
                                self.pending_reads.push(id);
                            }
                        }
                    }
                    if event.is_writable() {
                        self.flush(id);
                    }
                }
            }
            let mut ready = std::mem::take(&mut self.pending_reads);
            for &id in &ready {
                if let Some(s) = self.socks.get_mut(&id) {
                    s.read_queued = false;
                    self.read(id);
                }
            }
            // Keep the list's capacity (no allocation per pass).
            ready.clear();
            if self.pending_reads.is_empty() {
                self.pending_reads = ready;
            }
            if self.now_ms >= self.engine.poll_deadline() {
                self.engine.handle_host_stats(self.host.sample());
                self.engine.handle_tick(self.now_ms);
                self.ticks += 1;
                self.sweep_read_bufs();
            }
            while let Some(id) = self.engine.poll_writable() {
                self.flush(id);
            }
            if self.engine.shutdown_requested() {
                return Ok(StopReason::ShutdownCommand);
            }
        }
    }

    fn accept(&mut self, index: usize) {
        let Self { engine, listeners, socks, poll, now_ms, maxclients, .. } = self;
        // Both closures need the client count; a Cell lets them share it.
        let clients = std::cell::Cell::new(socks.len());
        sock::accept_all(
            &listeners[index],
            || clients.get() >= *maxclients,
            |mut stream, info| {
                clients.set(clients.get() + 1);
                let id = engine.handle_open(info, *now_ms);
                if poll.registry().register(&mut stream, Token(id.0 as usize), Interest::READABLE).is_err() {
                    engine.handle_close(id, *now_ms);
                    return;
                }
                // A new socket with data already queued gets a READABLE event
                // on the next poll, so `may_read` starts false.
                socks.insert(
                    id,
                    Sock {
                        stream,
                        may_read: false,
                        hup: false,
                        write_interest: false,
                        read_queued: false,
                        read_tick: 0,
                        resting: false,
                    },
                );
            },
        );
    }

    /// Reads what `id` has (within the pass budget) into the engine.
    fn read(&mut self, id: ConnId) {
        for _ in 0..sock::READS_PER_PASS {
            let Some(s) = self.socks.get_mut(&id) else {
                return;
            };
            if !s.may_read || !self.engine.wants_read(id) {
                return;
            }
            let Some(buf) = self.engine.read_buf_mut(id) else {
                return;
            };
            s.read_tick = self.ticks;
            match sock::read_into(&s.stream, buf) {
                ReadOutcome::Data { drained, .. } => {
                    if drained && !s.hup {
                        s.may_read = false;
                    }
                    self.engine.handle_read(id, self.now_ms);
                    if self.engine.wants_close(id) {
                        // Given up without a reply (query buffer limit).
                        self.close(id);
                        return;
                    }
                    if drained && !self.socks.get(&id).is_some_and(|s| s.may_read) {
                        self.rest(id);
                        return;
                    }
                }
                ReadOutcome::WouldBlock => {
                    s.may_read = false;
                    self.rest(id);
                    return;
                }
                ReadOutcome::Closed => {
                    self.close(id);
                    return;
                }
            }
        }
        // Budget spent with more to read: come back after the others.
        self.queue_read(id);
    }

    /// `id` has nothing more to read for now: if its read buffer is empty,
    /// list it for the sweep that frees idle buffers.
    fn rest(&mut self, id: ConnId) {
        let Some(s) = self.socks.get_mut(&id) else {
            return;
        };
        if s.resting || !self.engine.read_buf_mut(id).is_some_and(|b| b.is_empty() && b.capacity() > 0) {
            return;
        }
        s.resting = true;
        self.resting.push_back(id);
    }

    /// Frees the read buffers of listed connections that have not read for
    /// `READ_BUF_IDLE_TICKS` ticks (a connection at rest holds no 16 KB
    /// buffer for long); checks at most `READ_BUF_SWEEP_MAX` of them.
    fn sweep_read_bufs(&mut self) {
        for _ in 0..self.resting.len().min(sock::READ_BUF_SWEEP_MAX) {
            let Some(id) = self.resting.pop_front() else {
                return;
            };
            let Some(s) = self.socks.get_mut(&id) else {
                continue;
            };
            if s.read_tick + sock::READ_BUF_IDLE_TICKS > self.ticks {
                self.resting.push_back(id);
                continue;
            }
            s.resting = false;
            if let Some(buf) = self.engine.read_buf_mut(id) {
                if buf.is_empty() {
                    *buf = bytes::BytesMut::new();
                }
            }
        }
    }

    /// Writes `id`'s pending output until done or the kernel pushes back.
    fn flush(&mut self, id: ConnId) {
        loop {
            let Some(s) = self.socks.get_mut(&id) else {
                return;
            };
            let out = self.engine.pending_output(id);
            if out.is_empty() {
                break;
            }
            match sock::write_some(&s.stream, out) {
                WriteOutcome::Done(n) => self.engine.consume_output(id, n, self.now_ms),
                WriteOutcome::Blocked(n) => {
                    if !s.write_interest {
                        s.write_interest = true;
                        let rw = Interest::READABLE | Interest::WRITABLE;
                        if self.poll.registry().reregister(&mut s.stream, Token(id.0 as usize), rw).is_err() {
                            self.close(id);
                            return;
                        }
                    }
                    self.engine.consume_output(id, n, self.now_ms);
                    return;
                }
                WriteOutcome::Failed => {
                    self.close(id);
                    return;
                }
            }
        }
        if self.engine.wants_close(id) {
            self.close(id);
            return;
        }
        let Some(s) = self.socks.get_mut(&id) else {
            return;
        };
        if s.write_interest {
            s.write_interest = false;
            if self.poll.registry().reregister(&mut s.stream, Token(id.0 as usize), Interest::READABLE).is_err() {
                self.close(id);
                return;
            }
        }
        // Output drained: reading may have been paused on it.
        if s.may_read && self.engine.wants_read(id) {
            self.queue_read(id);
        }
    }

    fn queue_read(&mut self, id: ConnId) {
        if let Some(s) = self.socks.get_mut(&id) {
            if !s.read_queued {
                s.read_queued = true;
                self.pending_reads.push(id);
            }
        }
    }

    fn close(&mut self, id: ConnId) {
        if let Some(mut s) = self.socks.remove(&id) {
            let _ = self.poll.registry().deregister(&mut s.stream);
        }
        self.engine.handle_close(id, self.now_ms);
    }
}
