//! Blocked clients (BLPOP & co., CLIENT UNBLOCK) across connections, in
//! both compositions: the one-thread `Engine` and the two halves driven
//! apart (`ConnSide` + `Executor` joined by a `Ring`). Every scenario runs
//! in both; the expected replies are Redis 7.0.15's (checked by hand with
//! redis-cli on two connections), and the engine's invariants (a blocked
//! client that leaves leaves nothing behind) are checked after each step.

mod common;

use std::sync::Arc;

use common::{encode, split};
use ferrodis_engine::conn_side::ConnSide;
use ferrodis_engine::exec::{Executor, RingSink};
use ferrodis_engine::ring::{ClientInfo, Ring};
use ferrodis_engine::{Config, ConnId, Engine};

const T0_MS: u64 = 1_700_000_000_000;

/// What a scenario needs from a composition.
trait Drive {
    fn open(&mut self) -> ConnId;
    fn send_raw(&mut self, conn: ConnId, bytes: &[u8]);
    fn output(&mut self, conn: ConnId) -> Vec<u8>;
    fn close(&mut self, conn: ConnId);
    /// Sets the clock and runs timed work due by then.
    fn tick(&mut self, now_ms: u64);
    fn deadline(&self) -> u64;
    fn blocked(&self) -> usize;
    fn check(&self);

    fn send(&mut self, conn: ConnId, line: &str) {
        self.send_raw(conn, &encode(&split(line)));
        self.check();
    }

    /// Sends one command and returns what came back.
    fn call(&mut self, conn: ConnId, line: &str) -> String {
        self.send(conn, line);
        String::from_utf8_lossy(&self.output(conn)).into_owned()
    }

    fn out(&mut self, conn: ConnId) -> String {
        String::from_utf8_lossy(&self.output(conn)).into_owned()
    }
}

struct One {
    engine: Engine,
    now_ms: u64,
}

impl Drive for One {
    fn open(&mut self) -> ConnId {
        self.engine.handle_open(ClientInfo::default(), self.now_ms).expect("below maxclients")
    }
    fn send_raw(&mut self, conn: ConnId, bytes: &[u8]) {
        self.engine.read_buf_mut(conn).expect("open").extend_from_slice(bytes);
        self.engine.handle_read(conn, self.now_ms);
    }
    fn output(&mut self, conn: ConnId) -> Vec<u8> {
        common::take_output(&mut self.engine, conn, self.now_ms)
    }
    fn close(&mut self, conn: ConnId) {
        self.engine.handle_peer_closed(conn, self.now_ms);
    }
    fn tick(&mut self, now_ms: u64) {
        self.now_ms = now_ms;
        self.engine.handle_tick(now_ms);
    }
    fn deadline(&self) -> u64 {
        self.engine.poll_deadline()
    }
    fn blocked(&self) -> usize {
        self.engine.executor().blocked_clients()
    }
    fn check(&self) {
        self.engine.check_invariants();
    }
}

/// Two connection sides and the executor, every message moved by hand.
struct Split {
    ring: Arc<Ring>,
    sides: Vec<ConnSide>,
    exec: Executor,
    side_of: Vec<(ConnId, usize)>,
    now_ms: u64,
}

impl Split {
    fn side(&self, conn: ConnId) -> usize {
        self.side_of.iter().find(|(c, _)| *c == conn).expect("known connection").1
    }

    /// Runs executor and sides until nothing moves.
    fn settle(&mut self) {
        loop {
            let mut moved = false;
            while let Some(req) = self.ring.pop_request() {
                self.exec.handle_request(req, self.now_ms);
                moved = true;
            }
            self.exec.poll_output(&mut RingSink { ring: &self.ring, woken: |_| {} });
            for (i, side) in self.sides.iter_mut().enumerate() {
                while let Some(msg) = self.ring.pop_msg(i) {
                    side.handle_msg(msg);
                    moved = true;
                }
                if side.is_stalled() {
                    side.handle_ring_room();
                    moved = true;
                }
            }
            if !moved {
                break;
            }
        }
    }
}

impl Drive for Split {
    fn open(&mut self) -> ConnId {
        let a = self.exec.handle_accept().expect("below maxclients");
        self.sides[a.side].handle_open(a.conn, ClientInfo::default());
        self.side_of.push((a.conn, a.side));
        self.settle();
        a.conn
    }
    fn send_raw(&mut self, conn: ConnId, bytes: &[u8]) {
        let s = self.side(conn);
        self.sides[s].read_buf_mut(conn).expect("open").extend_from_slice(bytes);
        self.sides[s].handle_read(conn, self.now_ms);
        self.settle();
    }
    fn output(&mut self, conn: ConnId) -> Vec<u8> {
        let s = self.side(conn);
        let out = self.sides[s].pending_output(conn).to_vec();
        self.sides[s].consume_output(conn, out.len());
        out
    }
    fn close(&mut self, conn: ConnId) {
        let s = self.side(conn);
        self.sides[s].handle_peer_closed(conn);
        self.settle();
    }
    fn tick(&mut self, now_ms: u64) {
        self.now_ms = now_ms;
        self.exec.handle_tick(now_ms);
        self.settle();
    }
    fn deadline(&self) -> u64 {
        self.exec.poll_deadline()
    }
    fn blocked(&self) -> usize {
        self.exec.blocked_clients()
    }
    fn check(&self) {
        self.exec.check_invariants();
        self.sides.iter().for_each(ConnSide::check_invariants);
    }
}

fn one() -> One {
    One { engine: Engine::new(Config::default(), T0_MS), now_ms: T0_MS }
}

fn split_halves() -> Split {
    let config = Config::default();
    let ring = Arc::new(Ring::new(2, config.ring_capacity, 16));
    let sides = (0..2).map(|i| ConnSide::new(i, Arc::clone(&ring), &config)).collect();
    Split { exec: Executor::new(config, 2, T0_MS), sides, ring, side_of: Vec::new(), now_ms: T0_MS }
}

/// Runs `scenario` in both compositions.
fn both(scenario: fn(&mut dyn Drive)) {
    scenario(&mut one());
    scenario(&mut split_halves());
}

#[test]
fn a_push_serves_the_blocked_client() {
    both(|w| {
        let (a, b) = (w.open(), w.open());
        w.send(a, "BLPOP q 0");
        assert_eq!(w.out(a), "", "blocked: no reply yet");
        assert_eq!(w.blocked(), 1);
        assert_eq!(w.call(b, "RPUSH q x y"), ":2\r\n");
        assert_eq!(w.out(a), "*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
        assert_eq!(w.blocked(), 0);
        assert_eq!(w.call(b, "LRANGE q 0 -1"), "*1\r\n$1\r\ny\r\n");
    });
}

#[test]
fn waiters_are_served_in_arrival_order_while_data_lasts() {
    both(|w| {
        let (a, b, c, d) = (w.open(), w.open(), w.open(), w.open());
        w.send(a, "BRPOP q 0");
        w.send(b, "BLPOP other q 0");
        w.send(c, "BLPOP q 0");
        assert_eq!(w.call(d, "LPUSH q 1 2"), ":2\r\n");
        // Redis 7.0 serves after LPUSH completes: a (BRPOP) takes the tail, b the head.
        assert_eq!(w.out(a), "*2\r\n$1\r\nq\r\n$1\r\n1\r\n");
        assert_eq!(w.out(b), "*2\r\n$1\r\nq\r\n$1\r\n2\r\n");
        assert_eq!(w.out(c), "", "nothing left for the third");
        assert_eq!(w.call(d, "EXISTS q"), ":0\r\n");
        assert_eq!(w.call(d, "RPUSH other z"), ":1\r\n");
        assert_eq!(w.out(c), "", "c waits on q only");
        assert_eq!(w.call(d, "RPUSH q last"), ":1\r\n");
        assert_eq!(w.out(c), "*2\r\n$1\r\nq\r\n$4\r\nlast\r\n");
    });
}

#[test]
fn data_arriving_by_lmove_and_rename_serves_too_and_chains() {
    both(|w| {
        let (a, b, c) = (w.open(), w.open(), w.open());
        // a moves from src to mid when src gets data; b waits on mid.
        w.send(a, "BLMOVE src mid RIGHT LEFT 0");
        w.send(b, "BRPOP mid 0");
        assert_eq!(w.call(c, "RPUSH src e"), ":1\r\n");
        assert_eq!(w.out(a), "$1\r\ne\r\n");
        assert_eq!(w.out(b), "*2\r\n$3\r\nmid\r\n$1\r\ne\r\n");
        assert_eq!(w.call(c, "EXISTS src mid"), ":0\r\n");
        // RENAME onto a waited key.
        w.send(a, "BLPOP dst 0");
        assert_eq!(w.call(c, "RPUSH tmp v"), ":1\r\n");
        assert_eq!(w.out(a), "");
        assert_eq!(w.call(c, "RENAME tmp dst"), "+OK\r\n");
        assert_eq!(w.out(a), "*2\r\n$3\r\ndst\r\n$1\r\nv\r\n");
        // A string under the key does not wake a list waiter.
        w.send(a, "BLPOP s 0");
        assert_eq!(w.call(c, "SET s v"), "+OK\r\n");
        assert_eq!(w.out(a), "");
        assert_eq!(w.call(c, "DEL s"), ":1\r\n");
        assert_eq!(w.call(c, "RPUSH s 1"), ":1\r\n");
        assert_eq!(w.out(a), "*2\r\n$1\r\ns\r\n$1\r\n1\r\n");
    });
}

#[test]
fn blmove_into_a_key_of_another_type_answers_wrongtype_when_served() {
    both(|w| {
        let (a, b) = (w.open(), w.open());
        w.send(a, "BLMOVE src dst LEFT LEFT 0");
        assert_eq!(w.call(b, "SET dst str"), "+OK\r\n");
        assert_eq!(w.call(b, "RPUSH src x"), ":1\r\n");
        assert_eq!(w.out(a), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
        assert_eq!(w.call(b, "LRANGE src 0 -1"), "*1\r\n$1\r\nx\r\n", "nothing popped");
        assert_eq!(w.blocked(), 0);
    });
}

#[test]
fn blmpop_served_replies_with_key_and_elements() {
    both(|w| {
        let (a, b) = (w.open(), w.open());
        w.send(a, "BLMPOP 0 2 k1 k2 RIGHT COUNT 2");
        assert_eq!(w.call(b, "RPUSH k2 a b c"), ":3\r\n");
        assert_eq!(w.out(a), "*2\r\n$2\r\nk2\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n");
    });
}

#[test]
fn timeouts_come_from_the_tick_and_set_the_deadline() {
    both(|w| {
        let (a, b) = (w.open(), w.open());
        w.send(a, "BLPOP q 0.25");
        w.send(b, "BRPOPLPUSH q d 0.1");
        assert!(w.deadline() <= T0_MS + 100, "poll_deadline covers the earliest timeout");
        w.tick(T0_MS + 99);
        assert_eq!(w.out(b), "");
        w.tick(T0_MS + 100);
        assert_eq!(w.out(b), "*-1\r\n", "BRPOPLPUSH times out with a null array in 7.0");
        assert_eq!(w.out(a), "");
        w.tick(T0_MS + 250);
        assert_eq!(w.out(a), "*-1\r\n");
        assert_eq!(w.blocked(), 0);
        w.check();
    });
}

#[test]
fn client_unblock_timeout_and_error() {
    both(|w| {
        let (a, b) = (w.open(), w.open());
        w.send(a, "BLPOP q 0");
        let id = a.0;
        assert_eq!(w.call(b, &format!("CLIENT UNBLOCK {id}")), ":1\r\n");
        assert_eq!(w.out(a), "*-1\r\n");
        assert_eq!(w.call(b, &format!("CLIENT UNBLOCK {id}")), ":0\r\n", "not blocked any more");
        w.send(a, "BLMOVE q d LEFT LEFT 0");
        assert_eq!(w.call(b, &format!("CLIENT UNBLOCK {id} ERROR")), ":1\r\n");
        assert_eq!(w.out(a), "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
        assert_eq!(w.call(b, &format!("CLIENT UNBLOCK {} TIMEOUT", b.0)), ":0\r\n");
        assert_eq!(w.blocked(), 0);
    });
}

#[test]
fn a_blocked_clients_later_commands_wait_behind_it() {
    both(|w| {
        let (a, b) = (w.open(), w.open());
        // One write: the block, then two pipelined commands.
        let mut pipeline = encode(&split("BLPOP q 0"));
        pipeline.extend(encode(&split("PING")));
        pipeline.extend(encode(&split("BLPOP q 0")));
        pipeline.extend(encode(&split("ECHO after")));
        w.send_raw(a, &pipeline);
        w.check();
        assert_eq!(w.out(a), "", "PING waits behind the block");
        assert_eq!(w.call(b, "RPUSH q 1"), ":1\r\n");
        // Served, then PING runs, then the second BLPOP blocks again.
        assert_eq!(w.out(a), "*2\r\n$1\r\nq\r\n$1\r\n1\r\n+PONG\r\n");
        assert_eq!(w.blocked(), 1);
        w.send(a, "ECHO more");
        assert_eq!(w.call(b, "RPUSH q 2 3"), ":2\r\n");
        assert_eq!(w.out(a), "*2\r\n$1\r\nq\r\n$1\r\n2\r\n$5\r\nafter\r\n$4\r\nmore\r\n");
        assert_eq!(w.call(b, "LRANGE q 0 -1"), "*1\r\n$1\r\n3\r\n");
    });
}

#[test]
fn a_blocked_client_that_leaves_leaves_nothing_behind() {
    both(|w| {
        let (a, b, c) = (w.open(), w.open(), w.open());
        w.send(a, "BLPOP q 5");
        w.send(a, "PING");
        w.send(b, "BLPOP q 0");
        w.close(a);
        w.check();
        assert_eq!(w.blocked(), 1);
        assert_eq!(w.call(c, "RPUSH q x"), ":1\r\n");
        assert_eq!(w.out(b), "*2\r\n$1\r\nq\r\n$1\r\nx\r\n", "the one left is served");
        w.close(b);
        assert_eq!(w.blocked(), 0);
        w.tick(T0_MS + 10_000);
        w.check();
        assert_eq!(w.call(c, "LLEN q"), ":0\r\n");
    });
}

#[test]
fn info_counts_blocked_clients() {
    both(|w| {
        let (a, b) = (w.open(), w.open());
        w.send(a, "BLPOP q 0");
        let info = w.call(b, "INFO clients");
        assert!(info.contains("blocked_clients:1\r\n"), "{info}");
        w.send(b, "CLIENT UNBLOCK 1");
        assert_eq!(w.out(a), "*-1\r\n");
        let info = w.call(b, "INFO clients");
        assert!(info.contains("blocked_clients:0\r\n"), "{info}");
    });
}

#[test]
fn requests_held_behind_a_block_are_bounded() {
    // A blocked client that keeps sending past client-query-buffer-limit
    // is closed, as Redis closes a client whose query buffer passes it.
    let config = Config { client_query_buffer_limit: 1024 * 1024, ..Config::default() };
    let mut w = One { engine: Engine::new(config, T0_MS), now_ms: T0_MS };
    let (a, b) = (w.open(), w.open());
    w.send(a, "BLPOP q 0");
    let big = "x".repeat(64 * 1024);
    let mut sent = 0;
    while w.engine.read_buf_mut(a).is_some() {
        assert!(sent < 20, "never closed");
        w.send(a, &format!("ECHO {big}"));
        sent += 1;
    }
    assert!(sent >= 15, "closed at the limit, not before ({sent} sent)");
    assert_eq!(w.blocked(), 0, "the client was closed and forgotten");
    assert_eq!(common::closed(&mut w.engine), vec![a]);
    assert_eq!(w.call(b, "RPUSH q 1"), ":1\r\n", "nobody is served");
    w.check();
}

#[test]
fn data_present_needs_no_block_and_multiple_keys_pick_the_first() {
    both(|w| {
        let a = w.open();
        assert_eq!(w.call(a, "RPUSH k2 v"), ":1\r\n");
        assert_eq!(w.call(a, "BLPOP k1 k2 0"), "*2\r\n$2\r\nk2\r\n$1\r\nv\r\n");
        assert_eq!(w.call(a, "SET s x"), "+OK\r\n");
        assert_eq!(w.call(a, "BLPOP s 0"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
        assert_eq!(w.blocked(), 0);
    });
}

// BZPOPMIN BZPOPMAX BZMPOP: the same machinery with `BlockKind::ZSet`
// (replies as Redis 7.0.15 gives them, checked with redis-cli).

#[test]
fn zadd_serves_zset_waiters_in_arrival_order_while_members_last() {
    both(|w| {
        let (a, b, c, d) = (w.open(), w.open(), w.open(), w.open());
        w.send(a, "BZPOPMIN z 0");
        w.send(b, "BZPOPMAX other z 0");
        w.send(c, "BZMPOP 0 1 z MIN COUNT 5");
        assert_eq!(w.blocked(), 3);
        assert_eq!(w.call(d, "ZADD z 1 a 2 b"), ":2\r\n");
        assert_eq!(w.out(a), "*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n");
        assert_eq!(w.out(b), "*3\r\n$1\r\nz\r\n$1\r\nb\r\n$1\r\n2\r\n");
        assert_eq!(w.out(c), "", "nothing left for the third");
        assert_eq!(w.call(d, "EXISTS z"), ":0\r\n", "the emptied key is deleted");
        // A list under a waited key does not wake a sorted-set waiter.
        assert_eq!(w.call(d, "RPUSH z x"), ":1\r\n");
        assert_eq!(w.out(c), "");
        assert_eq!(w.call(d, "DEL z"), ":1\r\n");
        assert_eq!(w.call(d, "ZADD z 3 x 1.5 y 4 w"), ":3\r\n");
        assert_eq!(w.out(c), "*2\r\n$1\r\nz\r\n*3\r\n*2\r\n$1\r\ny\r\n$3\r\n1.5\r\n*2\r\n$1\r\nx\r\n$1\r\n3\r\n*2\r\n$1\r\nw\r\n$1\r\n4\r\n");
        assert_eq!(w.blocked(), 0);
        // A sorted set does not wake a list waiter.
        w.send(a, "BLPOP k 0");
        assert_eq!(w.call(d, "ZADD k 1 m"), ":1\r\n");
        assert_eq!(w.out(a), "");
        assert_eq!(w.call(d, &format!("CLIENT UNBLOCK {}", a.0)), ":1\r\n");
        assert_eq!(w.out(a), "*-1\r\n");
    });
}

#[test]
fn zset_writes_that_create_a_waited_key_serve_it() {
    both(|w| {
        let (a, c) = (w.open(), w.open());
        assert_eq!(w.call(c, "ZADD src 1 a 2 b"), ":2\r\n");
        for (cmd, reply) in [
            ("ZINCRBY d 2.5 m", "$3\r\n2.5\r\n"),
            ("ZUNIONSTORE d 1 src", ":2\r\n"),
            ("ZINTERSTORE d 2 src src WEIGHTS 1 2", ":2\r\n"),
            ("ZDIFFSTORE d 1 src", ":2\r\n"),
            ("ZRANGESTORE d src 0 0", ":1\r\n"),
            ("COPY src d", ":1\r\n"),
        ] {
            w.send(a, "BZPOPMAX d 0");
            assert_eq!(w.out(a), "");
            assert_eq!(w.call(c, cmd), reply, "{cmd}");
            let served = w.out(a);
            assert!(served.starts_with("*3\r\n$1\r\nd\r\n"), "{cmd} serves: {served:?}");
            assert_eq!(
                w.call(c, "DEL d"),
                if cmd.starts_with("ZINCRBY") || cmd.starts_with("ZRANGE") { ":0\r\n" } else { ":1\r\n" },
                "{cmd}"
            );
        }
        // RENAME and MOVE onto the waited key.
        w.send(a, "BZPOPMIN d 0");
        assert_eq!(w.call(c, "RENAME src d"), "+OK\r\n");
        assert_eq!(w.out(a), "*3\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\n1\r\n");
        w.send(a, "BZPOPMIN m 0");
        assert_eq!(w.call(c, "SELECT 1"), "+OK\r\n");
        assert_eq!(w.call(c, "ZADD m 7 x"), ":1\r\n");
        assert_eq!(w.call(c, "MOVE m 0"), ":1\r\n");
        assert_eq!(w.out(a), "*3\r\n$1\r\nm\r\n$1\r\nx\r\n$1\r\n7\r\n");
        assert_eq!(w.blocked(), 0);
    });
}

#[test]
fn zset_blocks_time_out_unblock_and_leave_nothing_behind() {
    both(|w| {
        let (a, b, c) = (w.open(), w.open(), w.open());
        w.send(a, "BZPOPMIN z 0.25");
        w.send(b, "BZMPOP 0.1 2 z y MAX");
        assert!(w.deadline() <= T0_MS + 100, "poll_deadline covers the earliest timeout");
        w.tick(T0_MS + 99);
        assert_eq!(w.out(b), "");
        w.tick(T0_MS + 100);
        assert_eq!(w.out(b), "*-1\r\n");
        w.tick(T0_MS + 250);
        assert_eq!(w.out(a), "*-1\r\n");
        assert_eq!(w.blocked(), 0);
        // CLIENT UNBLOCK, both ways.
        w.send(a, "BZPOPMAX z 0");
        assert_eq!(w.call(c, &format!("CLIENT UNBLOCK {}", a.0)), ":1\r\n");
        assert_eq!(w.out(a), "*-1\r\n");
        w.send(a, "BZMPOP 0 1 z MIN");
        assert_eq!(w.call(c, &format!("CLIENT UNBLOCK {} ERROR", a.0)), ":1\r\n");
        assert_eq!(w.out(a), "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
        // A waiter that leaves: the one left is served, nothing else remains.
        w.send(a, "BZPOPMIN z 5");
        w.send(a, "PING");
        w.send(b, "BZPOPMIN z 0");
        w.close(a);
        w.check();
        assert_eq!(w.blocked(), 1);
        assert_eq!(w.call(c, "ZADD z 1 m"), ":1\r\n");
        assert_eq!(w.out(b), "*3\r\n$1\r\nz\r\n$1\r\nm\r\n$1\r\n1\r\n");
        w.close(b);
        w.tick(T0_MS + 10_000);
        w.check();
        assert_eq!(w.blocked(), 0);
        assert_eq!(w.call(c, "EXISTS z"), ":0\r\n");
    });
}
