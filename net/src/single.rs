//! `--io-threads 1`: one thread drives [`Engine`] (parse and execute on the
//! same thread, the composition the simulator runs too).
//!
//! The loop only moves bytes, sockets and time: each socket event feeds the
//! engine (reading straight into the connection's buffer), then every
//! connection the engine reports writable is written until done or
//! `WouldBlock`, and every socket it asks to close is closed. WRITABLE
//! interest is registered only while a connection has output the kernel
//! refused. What the socket knows (readiness, hang-up) is the driver's;
//! every rule about connections is the engine's.

use std::collections::HashMap;
use std::io;
use std::sync::Arc;

use ferrodis_engine::limits::{POLL_EVENTS_MAX, READS_PER_PASS};
use ferrodis_engine::{Config, ConnId, Engine};
use foldhash::fast::FixedState;
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};

use crate::aof::AofDriver;
use crate::host::HostProbe;
use crate::server::{listener_index, listener_token, poll_events, Signals, StopReason, SIGNAL_TOKEN, WAKER_TOKEN};
use crate::sock::{self, ReadOutcome, WriteOutcome};

struct Sock {
    stream: TcpStream,
    /// The socket may have unread bytes (edge-triggered: set by a READABLE
    /// event, cleared by `WouldBlock` or a short read).
    may_read: bool,
    /// The peer's hang-up (or an error) was reported: read until EOF even
    /// after a short read, as no further event will come.
    hup: bool,
    /// WRITABLE interest is registered.
    write_interest: bool,
    /// Listed in `SingleThread::pending_reads`.
    read_queued: bool,
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
    now_ms: u64,
    host: HostProbe,
    /// `tcp-backlog`, for listeners bound later (CONFIG SET port/bind).
    backlog: u32,
    /// Performs the engine's storage ops; set once the AOF is loaded.
    aof: Option<AofDriver>,
    /// Woken by the background fsync thread.
    waker: Arc<Waker>,
    /// The startup configuration, for loading the AOF.
    config: Config,
}

impl SingleThread {
    pub fn new(
        config: Config,
        listeners: Vec<TcpListener>,
        signals: Signals,
        host: HostProbe,
    ) -> io::Result<SingleThread> {
        let poll = Poll::new()?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER_TOKEN)?);
        let now_ms = sock::now_ms();
        let backlog = config.tcp_backlog;
        Ok(SingleThread {
            poll,
            engine: {
                let mut engine = Engine::new(config.clone(), now_ms);
                engine.set_clock_us(sock::monotonic_us);
                engine
            },
            listeners,
            signals,
            socks: HashMap::with_hasher(FixedState::default()),
            pending_reads: Vec::new(),
            now_ms,
            host,
            backlog,
            aof: None,
            waker,
            config,
        })
    }

    /// Loads the AOF, logs `ready`, then serves until a signal or SHUTDOWN.
    pub fn run(mut self, ready: &str) -> io::Result<StopReason> {
        let storage = match crate::aof::load(&self.config, &mut self.engine, sock::now_ms()) {
            Ok(s) => s,
            Err(e) => {
                crate::log::warning(&e);
                return Ok(StopReason::LoadFailed);
            }
        };
        crate::log::notice(ready);
        let waker = Arc::clone(&self.waker);
        self.aof = Some(AofDriver::new(storage, Arc::new(move || drop(waker.wake())))?);
        let reason = self.serve()?;
        if let Some(aof) = &mut self.aof {
            aof.shutdown(&mut self.engine, sock::now_ms());
        }
        Ok(reason)
    }

    fn serve(&mut self) -> io::Result<StopReason> {
        for (i, l) in self.listeners.iter_mut().enumerate() {
            self.poll.registry().register(l, listener_token(i), Interest::READABLE)?;
        }
        self.signals.register(self.poll.registry(), SIGNAL_TOKEN)?;
        let mut events = Events::with_capacity(POLL_EVENTS_MAX);
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
                            self.queue_read(id);
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
            while let Some(req) = self.engine.poll_listen() {
                let result = crate::listen::switch(self.poll.registry(), &mut self.listeners, &req, self.backlog);
                self.engine.handle_listen_result(result, self.now_ms);
            }
            while let Some(path) = self.engine.poll_config_rewrite() {
                let result = crate::config_file::rewrite(&path, |old| self.engine.config_rewrite_text(old));
                self.engine.handle_config_rewrite_result(result, self.now_ms);
            }
            if self.now_ms >= self.engine.poll_deadline() {
                self.engine.handle_host_stats(self.host.sample());
                self.engine.handle_tick(self.now_ms);
            }
            if let Some(aof) = &mut self.aof {
                aof.pump(&mut self.engine, self.now_ms);
            }
            // Before the replies go out: MEMORY PURGE answers after the purge.
            if self.engine.poll_memory_purge() {
                crate::purge::purge_process();
                self.engine.handle_host_stats(self.host.sample());
            }
            while let Some(id) = self.engine.poll_writable() {
                self.flush(id);
            }
            while let Some(id) = self.engine.poll_resumed() {
                if self.socks.get(&id).is_some_and(|s| s.may_read) {
                    self.queue_read(id);
                }
            }
            self.close_finished();
            if self.engine.shutdown_requested() {
                return Ok(StopReason::ShutdownCommand);
            }
        }
    }

    fn accept(&mut self, index: usize) {
        let Self { engine, listeners, socks, poll, now_ms, .. } = self;
        sock::accept_all(&listeners[index], |mut stream, info| {
            let Ok(id) = engine.handle_open(info, *now_ms) else {
                sock::reject(stream);
                return;
            };
            if poll.registry().register(&mut stream, Token(id.0 as usize), Interest::READABLE).is_err() {
                engine.handle_peer_closed(id, *now_ms);
                return;
            }
            // A new socket with data already queued gets a READABLE event
            // on the next poll, so `may_read` starts false.
            socks.insert(id, Sock { stream, may_read: false, hup: false, write_interest: false, read_queued: false });
        });
    }

    /// Reads what `id` has (within the pass budget) into the engine.
    fn read(&mut self, id: ConnId) {
        for _ in 0..READS_PER_PASS {
            let Some(s) = self.socks.get_mut(&id) else {
                return;
            };
            if !s.may_read || !self.engine.wants_read(id) {
                return;
            }
            let Some(buf) = self.engine.read_buf_mut(id) else {
                return;
            };
            match sock::read_into(&s.stream, buf) {
                ReadOutcome::Data { drained, .. } => {
                    if drained && !s.hup {
                        s.may_read = false;
                    }
                    self.engine.handle_read(id, self.now_ms);
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
        self.queue_read(id);
    }

    /// Writes `id`'s pending output until done or the kernel pushes back.
    /// Output that consuming makes appear (parsing resumed) lists the
    /// connection as writable again; the pass's writable loop takes it.
    fn flush(&mut self, id: ConnId) {
        let Some(s) = self.socks.get_mut(&id) else {
            return;
        };
        let out = self.engine.pending_output(id);
        if !out.is_empty() {
            match sock::write_some(&s.stream, out) {
                WriteOutcome::Done(n) => self.engine.consume_output(id, n, self.now_ms),
                WriteOutcome::Blocked(n) => {
                    if !s.write_interest {
                        s.write_interest = true;
                        let rw = Interest::READABLE | Interest::WRITABLE;
                        if self.poll.registry().reregister(&mut s.stream, Token(id.0 as usize), rw).is_err() {
                            self.peer_closed(id);
                            return;
                        }
                    }
                    self.engine.consume_output(id, n, self.now_ms);
                    return;
                }
                WriteOutcome::Failed => {
                    self.peer_closed(id);
                    return;
                }
            }
        }
        let Some(s) = self.socks.get_mut(&id) else {
            return;
        };
        if s.write_interest {
            s.write_interest = false;
            if self.poll.registry().reregister(&mut s.stream, Token(id.0 as usize), Interest::READABLE).is_err() {
                self.peer_closed(id);
            }
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

    /// Closes the sockets the engine is done with.
    fn close_finished(&mut self) {
        while let Some(id) = self.engine.poll_close() {
            if let Some(mut s) = self.socks.remove(&id) {
                let _ = self.poll.registry().deregister(&mut s.stream);
            }
        }
    }

    /// The peer went away (or its socket failed): drop the socket and tell
    /// the engine.
    fn peer_closed(&mut self, id: ConnId) {
        if let Some(mut s) = self.socks.remove(&id) {
            let _ = self.poll.registry().deregister(&mut s.stream);
        }
        self.engine.handle_peer_closed(id, self.now_ms);
    }
}
