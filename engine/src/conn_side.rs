//! [`ConnSide`]: every connection one I/O thread owns (or, in [`Engine`],
//! every connection), and every rule about them that a driver would
//! otherwise have to repeat: when a connection closes, when output pauses
//! reading and resumes it, retrying a request the full ring refused,
//! applying CONFIG SET limits, reusing argument lists, and freeing idle
//! read buffers.
//!
//! A driver only moves bytes, sockets and messages: it reads into
//! [`ConnSide::read_buf_mut`] and calls [`ConnSide::handle_read`], writes
//! what [`ConnSide::poll_writable`] names, closes the sockets
//! [`ConnSide::poll_close`] names, and hands over the executor's messages
//! ([`ConnSide::handle_msg`]).
//!
//! # API
//! Inputs:
//! - [`ConnSide::handle_open`]: the executor accepted a connection for this side.
//! - [`ConnSide::read_buf_mut`] + [`ConnSide::handle_read`]: bytes arrived.
//! - [`ConnSide::handle_peer_closed`]: the peer went away (or its socket failed).
//! - [`ConnSide::handle_msg`]: a message from the executor (replies, limits).
//! - [`ConnSide::handle_ring_room`]: the executor drained the request queue.
//! - [`ConnSide::consume_output`]: the driver wrote pending output.
//! - [`ConnSide::handle_tick`]: timed work (idle read buffers), due at
//!   [`ConnSide::poll_deadline`].
//!
//! Outputs:
//! - [`ConnSide::poll_writable`] then [`ConnSide::pending_output`]: reply
//!   bytes to write.
//! - [`ConnSide::poll_close`]: a socket to close now (everything it had to
//!   say is written); the side has already forgotten the connection.
//! - [`ConnSide::wants_read`]: whether to read that connection now.
//! - [`ConnSide::poll_resumed`]: a connection that stopped reading (full
//!   ring, paused output) may read again.
//! - [`ConnSide::poll_pushed`]: requests went into the ring since the last
//!   call (a threaded driver wakes the executor).
//!
//! [`Engine`]: crate::Engine

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use foldhash::fast::FixedState;

use crate::conn::{ConnLimits, Connection};
use crate::limits;
use crate::obuf::ReplyTag;
use crate::planted::{Plant, PlantedBug};
use crate::ring::{ClientInfo, ConnMsg, Ring, Route};
use crate::{Config, ConnId};

/// A connection and what the side tracks about it.
#[derive(Debug)]
struct Slot {
    conn: Connection,
    /// Listed in `ConnSide::writable`.
    writable: bool,
    /// Listed in `ConnSide::stalled`.
    stalled: bool,
    /// Listed in `ConnSide::resting`.
    resting: bool,
    /// Listed in `ConnSide::resumed`.
    resumed: bool,
    /// The driver reported the peer gone: output is discarded, and the
    /// driver needs no close request.
    peer_gone: bool,
    /// Time of the last read, Unix ms.
    last_read_ms: u64,
}

#[derive(Debug)]
pub struct ConnSide {
    /// Which side this is (the ring's side index).
    index: usize,
    ring: Arc<Ring>,
    /// Connections by slot ([`Route::slot`]); freed slots are reused.
    slots: Vec<Option<Slot>>,
    free: Vec<u32>,
    /// Slot by id, for the driver's calls (fixed-seed hash; nothing iterates it).
    by_id: HashMap<ConnId, u32, FixedState>,
    /// Connections with reply bytes not yet polled, each once.
    writable: VecDeque<ConnId>,
    /// Sockets to close, for [`ConnSide::poll_close`].
    closing: VecDeque<ConnId>,
    /// Connections that may read again, for [`ConnSide::poll_resumed`].
    resumed: VecDeque<ConnId>,
    /// Connections holding a request the full ring refused.
    stalled: Vec<u32>,
    /// Connections whose read buffer is empty but allocated, oldest first;
    /// the tick frees the buffers that stay idle.
    resting: VecDeque<ConnId>,
    limits: ConnLimits,
    plant: Plant,
    /// Emptied argument lists for the parser to reuse (at most
    /// [`limits::ARGS_SPARE_VECS_MAX`]).
    spare_args: Vec<Vec<Bytes>>,
    /// Requests were pushed since [`ConnSide::poll_pushed`] last said so.
    pushed: bool,
    /// When [`ConnSide::handle_tick`] is next due, Unix ms.
    next_tick_ms: u64,
}

impl ConnSide {
    /// Side `index` of `ring`.
    pub fn new(index: usize, ring: Arc<Ring>, config: &Config) -> ConnSide {
        assert!(index < ring.sides(), "side {index} is not on the ring");
        ConnSide {
            index,
            ring,
            slots: Vec::new(),
            free: Vec::new(),
            by_id: HashMap::with_hasher(FixedState::default()),
            writable: VecDeque::new(),
            closing: VecDeque::new(),
            resumed: VecDeque::new(),
            stalled: Vec::new(),
            resting: VecDeque::new(),
            limits: ConnLimits::from_config(config),
            plant: Plant::from_config(config),
            spare_args: Vec::new(),
            pushed: false,
            next_tick_ms: 0,
        }
    }

    /// The executor accepted `conn` for this side (see
    /// [`crate::exec::Executor::handle_accept`]). Its first request, `Open`,
    /// goes into the ring now.
    pub fn handle_open(&mut self, conn: ConnId, info: ClientInfo) {
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(None);
                (self.slots.len() - 1) as u32
            }
        };
        let route = Route { side: self.index as u32, slot };
        let c = Connection::new(conn, info, route, self.limits).with_plant(self.plant);
        let s = Slot {
            conn: c,
            writable: false,
            stalled: false,
            resting: false,
            resumed: false,
            peer_gone: false,
            last_read_ms: 0,
        };
        self.slots[slot as usize] = Some(s);
        let prev = self.by_id.insert(conn, slot);
        assert!(prev.is_none(), "connection id {conn:?} opened twice");
        self.push(slot);
    }

    /// The read buffer of `conn`: read from the socket straight into it,
    /// then call [`ConnSide::handle_read`]. `None` for an unknown connection.
    pub fn read_buf_mut(&mut self, conn: ConnId) -> Option<&mut BytesMut> {
        let slot = *self.by_id.get(&conn)?;
        self.slot_mut(slot).conn.read_buf_mut()
    }

    /// Bytes were appended to `conn`'s read buffer: parse and push what is
    /// complete.
    pub fn handle_read(&mut self, conn: ConnId, now_ms: u64) {
        let Some(&slot) = self.by_id.get(&conn) else {
            return;
        };
        let s = self.slot_mut(slot);
        s.last_read_ms = now_ms;
        s.conn.handle_read();
        self.push(slot);
        let s = self.slot_mut(slot);
        s.conn.free_big_read_buf();
        if !s.resting && s.conn.read_buf_idle() {
            s.resting = true;
            self.resting.push_back(conn);
        }
        self.settle(slot);
    }

    /// The peer of `conn` went away, or its socket failed: complete commands
    /// still go to the executor (their replies are discarded), then `Close`.
    /// The driver has dropped the socket; `conn` is never named by
    /// [`ConnSide::poll_close`].
    pub fn handle_peer_closed(&mut self, conn: ConnId) {
        let Some(&slot) = self.by_id.get(&conn) else {
            return;
        };
        let s = self.slot_mut(slot);
        s.peer_gone = true;
        s.conn.handle_peer_closed();
        let unread = s.conn.pending_output().len();
        s.conn.consume_output(unread);
        self.push(slot);
        self.settle(slot);
    }

    /// A message from the executor.
    pub fn handle_msg(&mut self, msg: ConnMsg) {
        match msg {
            ConnMsg::Reply { conn, slot, mut bytes, close_after, tag } => {
                self.handle_reply(conn, slot, &mut bytes, close_after, tag)
            }
            ConnMsg::Limits(limits) => self.set_limits(limits),
        }
    }

    /// Reply bytes for `conn` in `slot`, lent: the bytes are taken out of
    /// `bytes` (left empty, its capacity kept by the lender). [`Engine`]
    /// calls this directly; drivers go through [`ConnSide::handle_msg`].
    ///
    /// [`Engine`]: crate::Engine
    pub fn handle_reply(&mut self, conn: ConnId, slot: u32, bytes: &mut Vec<u8>, close_after: bool, tag: ReplyTag) {
        let Some(Some(s)) = self.slots.get_mut(slot as usize) else {
            bytes.clear();
            return;
        };
        // The slot may hold a newer connection: this one closed while its
        // reply was in flight, and the reply goes nowhere.
        if s.conn.id != conn && !self.plant.is(PlantedBug::StaleReplyReachesReusedSlot) {
            bytes.clear();
            return;
        }
        let id = s.conn.id;
        if s.conn.handle_reply(bytes, close_after, tag) {
            // Past its output limit: tell the executor now.
            self.push(slot);
        }
        let s = self.slot_mut(slot);
        if s.peer_gone {
            // Nobody will read it.
            let unread = s.conn.pending_output().len();
            s.conn.consume_output(unread);
        } else if !s.writable && !s.conn.pending_output().is_empty() {
            s.writable = true;
            self.writable.push_back(id);
        }
        self.settle(slot);
    }

    /// CONFIG SET changed the limits: every live connection takes them now.
    fn set_limits(&mut self, limits: ConnLimits) {
        self.limits = limits;
        for s in self.slots.iter_mut().flatten() {
            s.conn.set_limits(limits);
        }
    }

    /// The executor drained the request queue: push what the full ring
    /// refused before, in the order it was refused.
    pub fn handle_ring_room(&mut self) {
        let stalled = std::mem::take(&mut self.stalled);
        for &slot in &stalled {
            if let Some(Some(s)) = self.slots.get_mut(slot as usize) {
                s.stalled = false;
                self.push(slot);
                self.note_resumed(slot);
                self.settle(slot);
            }
        }
        if self.stalled.is_empty() {
            // Keep the list's capacity.
            self.stalled = stalled;
            self.stalled.clear();
        }
    }

    /// Whether some connection waits for room in the request queue.
    pub fn is_stalled(&self) -> bool {
        !self.stalled.is_empty()
    }

    /// Whether requests went into the ring since the last call.
    pub fn poll_pushed(&mut self) -> bool {
        std::mem::take(&mut self.pushed)
    }

    /// The next connection with reply bytes to write, if any.
    pub fn poll_writable(&mut self) -> Option<ConnId> {
        loop {
            let id = self.writable.pop_front()?;
            if let Some(&slot) = self.by_id.get(&id) {
                self.slot_mut(slot).writable = false;
                return Some(id);
            }
        }
    }

    /// Reply bytes waiting on `conn` (empty for an unknown connection).
    pub fn pending_output(&self, conn: ConnId) -> &[u8] {
        match self.by_id.get(&conn) {
            Some(&slot) => self.slots[slot as usize].as_ref().map_or(&[], |s| s.conn.pending_output()),
            None => &[],
        }
    }

    /// The driver wrote `n` bytes of `conn`'s pending output.
    pub fn consume_output(&mut self, conn: ConnId, n: usize) {
        let Some(&slot) = self.by_id.get(&conn) else {
            return;
        };
        let s = self.slot_mut(slot);
        let paused = !s.conn.wants_read();
        s.conn.consume_output(n);
        // Only output that is gone can let a paused connection parse again.
        if paused && s.conn.wants_read() {
            self.push(slot);
            self.note_resumed(slot);
        }
        self.settle(slot);
    }

    /// Whether the driver should read more from `conn` now (false while it
    /// is backpressured or closing).
    pub fn wants_read(&self, conn: ConnId) -> bool {
        self.by_id
            .get(&conn)
            .is_some_and(|&slot| self.slots[slot as usize].as_ref().is_some_and(|s| s.conn.wants_read()))
    }

    /// The next connection that stopped reading (full ring, paused output)
    /// and may read again: a driver that stopped reading its socket reads
    /// it again if it may have bytes.
    pub fn poll_resumed(&mut self) -> Option<ConnId> {
        loop {
            let id = self.resumed.pop_front()?;
            if let Some(&slot) = self.by_id.get(&id) {
                let s = self.slot_mut(slot);
                s.resumed = false;
                if s.conn.wants_read() {
                    return Some(id);
                }
            }
        }
    }

    /// The next socket to close: its connection is finished (QUIT, protocol
    /// error, query buffer limit) and everything it had to say was
    /// consumed. The side has forgotten it.
    pub fn poll_close(&mut self) -> Option<ConnId> {
        self.closing.pop_front()
    }

    /// Timed work: frees the read buffers of connections that have not
    /// read for [`limits::READ_BUF_IDLE_MS`] (a connection at rest holds no
    /// 16 KB buffer for long, as Redis frees an idle client's query buffer
    /// in `clientsCron`); checks at most [`limits::READ_BUF_SWEEP_MAX`].
    pub fn handle_tick(&mut self, now_ms: u64) {
        self.next_tick_ms = now_ms + limits::CONN_SIDE_TICK_INTERVAL_MS;
        for _ in 0..self.resting.len().min(limits::READ_BUF_SWEEP_MAX) {
            let Some(id) = self.resting.pop_front() else {
                return;
            };
            let Some(&slot) = self.by_id.get(&id) else {
                continue;
            };
            let s = self.slot_mut(slot);
            if s.last_read_ms + limits::READ_BUF_IDLE_MS > now_ms {
                self.resting.push_back(id);
                continue;
            }
            s.resting = false;
            s.conn.free_idle_read_buf();
        }
    }

    /// Whether [`ConnSide::handle_tick`] has work at some point.
    pub fn wants_tick(&self) -> bool {
        !self.resting.is_empty()
    }

    /// When [`ConnSide::handle_tick`] is next due (Unix ms), if it has work.
    pub fn poll_deadline(&self) -> Option<u64> {
        self.wants_tick().then_some(self.next_tick_ms)
    }

    /// Connections this side holds.
    pub fn connection_count(&self) -> usize {
        self.by_id.len()
    }

    /// Keeps an emptied argument list for the parser (the executor hands
    /// them back on the one-thread path).
    pub fn give_back_args(&mut self, args: Vec<Bytes>) {
        if self.spare_args.len() < limits::ARGS_SPARE_VECS_MAX && args.capacity() <= limits::ARGS_SPARE_CAPACITY_MAX {
            self.spare_args.push(args);
        }
    }

    /// Checks the side's bookkeeping; panics on a broken invariant.
    pub fn check_invariants(&self) {
        let live = self.slots.iter().flatten().count();
        assert_eq!(live, self.by_id.len(), "slots and index disagree");
        assert_eq!(live + self.free.len(), self.slots.len(), "a slot is neither live nor free");
        for (&id, &slot) in &self.by_id {
            let s = self.slots[slot as usize].as_ref().expect("indexed slot is live");
            assert_eq!(s.conn.id, id, "index names the wrong connection");
            assert!(!s.peer_gone || s.conn.pending_output().is_empty(), "output kept for a gone peer");
            assert_eq!(s.stalled, self.stalled.contains(&slot), "stalled flag and list disagree");
            s.conn.check_invariants();
        }
    }

    fn slot_mut(&mut self, slot: u32) -> &mut Slot {
        self.slots[slot as usize].as_mut().expect("slot of a live connection")
    }

    /// Lists `slot`'s connection for [`ConnSide::poll_resumed`] if it reads again.
    fn note_resumed(&mut self, slot: u32) {
        let s = self.slots[slot as usize].as_mut().expect("slot of a live connection");
        if !s.resumed && s.conn.wants_read() {
            s.resumed = true;
            self.resumed.push_back(s.conn.id);
        }
    }

    /// Pushes what `slot`'s connection has parsed; a refusal lists it as stalled.
    fn push(&mut self, slot: u32) {
        let Self { slots, ring, index, spare_args, pushed, stalled, .. } = self;
        let s = slots[slot as usize].as_mut().expect("slot of a live connection");
        let p = s.conn.push_requests(ring, *index, spare_args);
        *pushed |= p.requests > 0;
        if p.ring_full && !s.stalled {
            s.stalled = true;
            stalled.push(slot);
        }
    }

    /// Forgets `slot`'s connection once nothing more will happen on it, and
    /// asks the driver to close its socket if the peer is still there.
    fn settle(&mut self, slot: u32) {
        let s = self.slots[slot as usize].as_ref().expect("slot of a live connection");
        if !s.conn.is_finished() || s.stalled || !(s.peer_gone || s.conn.pending_output().is_empty()) {
            return;
        }
        let s = self.slots[slot as usize].take().expect("checked above");
        self.by_id.remove(&s.conn.id);
        self.free.push(slot);
        if !s.peer_gone {
            self.closing.push_back(s.conn.id);
        }
    }
}
