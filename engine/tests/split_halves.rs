//! The two halves driven apart by hand, as the threaded driver runs them:
//! one or two `ConnSide`s and an `Executor` joined by a `Ring`, with every
//! message moved explicitly. Admission, closing, limits, slot reuse and idle
//! buffers are the engine's rules; these tests pin them where a driver
//! would otherwise have to.

use std::sync::Arc;

use ferrodis_engine::conn_side::ConnSide;
use ferrodis_engine::exec::{Executor, Rejected, RingSink};
use ferrodis_engine::limits::READ_BUF_IDLE_MS;
use ferrodis_engine::ring::{ClientInfo, ConnMsg, Ring};
use ferrodis_engine::{Config, ConnId};

const T0_MS: u64 = 1_700_000_000_000;

struct Halves {
    ring: Arc<Ring>,
    sides: Vec<ConnSide>,
    exec: Executor,
}

impl Halves {
    fn new(config: Config, sides: usize, msg_capacity: usize) -> Halves {
        let ring = Arc::new(Ring::new(sides, config.ring_capacity, msg_capacity));
        let sides_v = (0..sides).map(|i| ConnSide::new(i, Arc::clone(&ring), &config)).collect();
        Halves { exec: Executor::new(config, sides, T0_MS), sides: sides_v, ring }
    }

    fn open(&mut self) -> Result<(ConnId, usize), Rejected> {
        let a = self.exec.handle_accept()?;
        self.sides[a.side].handle_open(a.conn, ClientInfo::default());
        Ok((a.conn, a.side))
    }

    fn send(&mut self, side: usize, conn: ConnId, bytes: &[u8]) {
        let s = &mut self.sides[side];
        let buf = s.read_buf_mut(conn).expect("reading");
        // As a driver reads: into spare capacity of a chunk's size.
        buf.reserve(ferrodis_engine::limits::READ_CHUNK_BYTES);
        buf.extend_from_slice(bytes);
        s.handle_read(conn, T0_MS);
    }

    /// The executor drains the ring and hands its output over.
    fn run_exec(&mut self) {
        while let Some(req) = self.ring.pop_request() {
            self.exec.handle_request(req, T0_MS);
        }
        self.exec.poll_output(&mut RingSink { ring: &self.ring, woken: |_| {} });
    }

    /// Side `side` takes its messages.
    fn run_side(&mut self, side: usize) {
        while let Some(msg) = self.ring.pop_msg(side) {
            self.sides[side].handle_msg(msg);
        }
    }

    fn take_output(&mut self, side: usize, conn: ConnId) -> Vec<u8> {
        let out = self.sides[side].pending_output(conn).to_vec();
        self.sides[side].consume_output(conn, out.len());
        out
    }
}

fn ping() -> &'static [u8] {
    b"*1\r\n$4\r\nPING\r\n"
}

#[test]
fn maxclients_is_the_executors_rule_and_counted() {
    let mut h = Halves::new(Config { maxclients: 2, ..Config::default() }, 2, 16);
    let (a, side_a) = h.open().expect("first");
    let (b, side_b) = h.open().expect("second");
    assert_ne!(side_a, side_b, "round robin over the sides");
    // Accepted but not yet opened counts already.
    assert_eq!(h.open(), Err(Rejected));
    h.run_exec();
    assert_eq!(h.open(), Err(Rejected));
    assert_eq!(h.exec.srv.stats.rejected_connections, 2);
    // A client leaves: room for one more.
    h.sides[side_a].handle_peer_closed(a);
    h.run_exec();
    let (c, _) = h.open().expect("room after a close");
    assert!(c > b, "ids are never reused");
    h.exec.check_invariants();
}

#[test]
fn a_reply_in_flight_for_a_closed_connection_goes_nowhere() {
    let mut h = Halves::new(Config::default(), 1, 16);
    let (a, side) = h.open().unwrap();
    h.send(side, a, ping());
    h.run_exec(); // PONG for `a` is now in side 0's queue
                  // The peer goes away before the side takes the reply; its Close is pushed.
    h.sides[side].handle_peer_closed(a);
    // A new connection takes the freed slot.
    let (b, _) = h.open().unwrap();
    h.run_side(side);
    assert_eq!(h.sides[side].pending_output(b), b"", "no bytes of `a` reach `b`");
    h.run_exec();
    h.run_side(side);
    h.send(side, b, ping());
    h.run_exec();
    h.run_side(side);
    assert_eq!(h.take_output(side, b), b"+PONG\r\n");
    h.sides[side].check_invariants();
}

#[test]
fn a_full_message_queue_keeps_replies_in_order() {
    // One message fits at a time: the executor keeps the rest in the
    // client's buffer and hands them over as room appears.
    let mut h = Halves::new(Config::default(), 1, 1);
    let (a, side) = h.open().unwrap();
    let (b, _) = h.open().unwrap();
    for i in 0..5 {
        let echo = format!("*2\r\n$4\r\nECHO\r\n$1\r\n{i}\r\n");
        h.send(side, a, echo.as_bytes());
        h.send(side, b, echo.as_bytes());
    }
    let (mut out_a, mut out_b) = (Vec::new(), Vec::new());
    for _ in 0..20 {
        h.run_exec();
        if let Some(msg) = h.ring.pop_msg(side) {
            h.sides[side].handle_msg(msg);
        }
        out_a.extend(h.take_output(side, a));
        out_b.extend(h.take_output(side, b));
    }
    let want: Vec<u8> = (0..5).flat_map(|i| format!("$1\r\n{i}\r\n").into_bytes()).collect();
    assert_eq!(out_a, want);
    assert_eq!(out_b, want);
    assert!(!h.exec.has_output());
}

#[test]
fn quit_closes_once_the_reply_is_written() {
    let mut h = Halves::new(Config::default(), 1, 16);
    let (a, side) = h.open().unwrap();
    h.send(side, a, b"*1\r\n$4\r\nQUIT\r\n");
    h.run_exec();
    h.run_side(side);
    assert_eq!(h.sides[side].poll_close(), None, "not before the reply is written");
    assert!(!h.sides[side].wants_read(a));
    let out = h.sides[side].pending_output(a).to_vec();
    h.sides[side].consume_output(a, 2);
    assert_eq!(h.sides[side].poll_close(), None, "not before all of it");
    h.sides[side].consume_output(a, out.len() - 2);
    assert_eq!(out, b"+OK\r\n");
    assert_eq!(h.sides[side].poll_close(), Some(a));
    assert_eq!(h.sides[side].connection_count(), 0);
}

#[test]
fn config_set_limits_reach_every_side() {
    let mut h = Halves::new(Config::default(), 2, 16);
    let (a, side_a) = h.open().unwrap();
    let (b, side_b) = h.open().unwrap();
    h.send(side_a, a, b"*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$18\r\nproto-max-bulk-len\r\n$7\r\n1048576\r\n");
    h.run_exec();
    h.run_side(side_a);
    h.run_side(side_b);
    assert_eq!(h.take_output(side_a, a), b"+OK\r\n");
    h.send(side_b, b, b"*2\r\n$4\r\nECHO\r\n$1048577\r\n");
    h.run_exec();
    h.run_side(side_b);
    assert_eq!(h.take_output(side_b, b), b"-ERR Protocol error: invalid bulk length\r\n");
    assert_eq!(h.sides[side_b].poll_close(), Some(b));
}

#[test]
fn an_idle_read_buffer_is_freed_by_the_tick() {
    let mut h = Halves::new(Config::default(), 1, 16);
    let (a, side) = h.open().unwrap();
    h.send(side, a, ping());
    assert!(h.sides[side].read_buf_mut(a).unwrap().capacity() > 0);
    h.sides[side].handle_tick(T0_MS + READ_BUF_IDLE_MS - 1);
    assert!(h.sides[side].read_buf_mut(a).unwrap().capacity() > 0, "kept while recently used");
    h.sides[side].handle_tick(T0_MS + READ_BUF_IDLE_MS);
    assert_eq!(h.sides[side].read_buf_mut(a).unwrap().capacity(), 0, "freed when idle");
    assert!(!h.sides[side].wants_tick());
}

#[test]
fn limits_message_is_owed_until_there_is_room() {
    // A full queue refuses the announcement; it goes out on a later poll.
    let mut h = Halves::new(Config::default(), 1, 1);
    let (a, side) = h.open().unwrap();
    h.send(side, a, b"*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$18\r\nproto-max-bulk-len\r\n$7\r\n1048576\r\n");
    h.run_exec(); // the limits take the one slot, the +OK waits
    assert!(h.exec.has_output());
    let first = h.ring.pop_msg(side).expect("a message");
    assert!(matches!(first, ConnMsg::Limits(_)));
    h.sides[side].handle_msg(first);
    h.run_exec();
    h.run_side(side);
    assert_eq!(h.take_output(side, a), b"+OK\r\n");
    assert!(!h.exec.has_output());
}

#[test]
fn a_read_buffer_grown_by_a_big_argument_is_freed_once_parsed() {
    let mut h = Halves::new(Config::default(), 1, 16);
    let (a, side) = h.open().unwrap();
    let big = "x".repeat(1 << 20);
    h.send(side, a, format!("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n${}\r\n{big}\r\n", big.len()).as_bytes());
    assert_eq!(h.sides[side].read_buf_mut(a).unwrap().capacity(), 0, "no 1 MB buffer kept");
    h.send(side, a, ping());
    assert!(h.sides[side].read_buf_mut(a).unwrap().capacity() > 0, "a small one stays for the next read");
}
