//! Pub/Sub across connections, in both compositions: the one-thread
//! `Engine` and the two halves driven apart (`ConnSide` + `Executor`
//! joined by a `Ring`). The expected bytes are Redis 7.0.15's (taken from a
//! redis-server with two raw connections); the engine's invariants (a
//! client that leaves leaves no subscription behind) are checked after
//! every step. The last tests cut a subscriber that never reads at its
//! `client-output-buffer-limit`.

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
    /// What `conn` has waiting, left unread (a subscriber that never reads).
    fn peek(&self, conn: ConnId) -> usize;
    fn output(&mut self, conn: ConnId) -> Vec<u8>;
    fn close(&mut self, conn: ConnId);
    /// Sockets the engine asked to close.
    fn closed(&mut self) -> Vec<ConnId>;
    fn log(&mut self) -> Vec<String>;
    fn tick(&mut self, now_ms: u64);
    fn check(&self);

    fn send(&mut self, conn: ConnId, line: &str) {
        self.send_raw(conn, &encode(&split(line)));
        self.check();
    }

    fn call(&mut self, conn: ConnId, line: &str) -> String {
        self.send(conn, line);
        self.out(conn)
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
    fn peek(&self, conn: ConnId) -> usize {
        self.engine.pending_output(conn).len()
    }
    fn output(&mut self, conn: ConnId) -> Vec<u8> {
        common::take_output(&mut self.engine, conn, self.now_ms)
    }
    fn close(&mut self, conn: ConnId) {
        self.engine.handle_peer_closed(conn, self.now_ms);
    }
    fn closed(&mut self) -> Vec<ConnId> {
        common::closed(&mut self.engine)
    }
    fn log(&mut self) -> Vec<String> {
        self.engine.take_log()
    }
    fn tick(&mut self, now_ms: u64) {
        self.now_ms = now_ms;
        self.engine.handle_tick(now_ms);
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
    fn peek(&self, conn: ConnId) -> usize {
        self.sides[self.side(conn)].pending_output(conn).len()
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
    fn closed(&mut self) -> Vec<ConnId> {
        self.sides.iter_mut().flat_map(|s| std::iter::from_fn(|| s.poll_close()).collect::<Vec<_>>()).collect()
    }
    fn log(&mut self) -> Vec<String> {
        self.exec.take_log()
    }
    fn tick(&mut self, now_ms: u64) {
        self.now_ms = now_ms;
        self.exec.handle_tick(now_ms);
        self.settle();
    }
    fn check(&self) {
        self.exec.check_invariants();
        self.sides.iter().for_each(ConnSide::check_invariants);
    }
}

fn one(config: Config) -> One {
    One { engine: Engine::new(config, T0_MS), now_ms: T0_MS }
}

fn split_halves(config: Config) -> Split {
    let ring = Arc::new(Ring::new(2, config.ring_capacity, 16));
    let sides = (0..2).map(|i| ConnSide::new(i, Arc::clone(&ring), &config)).collect();
    Split { exec: Executor::new(config, 2, T0_MS), sides, ring, side_of: Vec::new(), now_ms: T0_MS }
}

/// Runs `scenario` in both compositions with `config`.
fn both_with(config: Config, scenario: fn(&mut dyn Drive)) {
    scenario(&mut one(config.clone()));
    scenario(&mut split_halves(config));
}

fn both(scenario: fn(&mut dyn Drive)) {
    both_with(Config::default(), scenario);
}

/// `*3 $<word> $<name> :<count>`, a (un)subscribe confirmation.
fn sub_reply(word: &str, name: &str, count: i64) -> String {
    format!("*3\r\n${}\r\n{word}\r\n${}\r\n{name}\r\n:{count}\r\n", word.len(), name.len())
}

fn message(channel: &str, msg: &str) -> String {
    format!("*3\r\n$7\r\nmessage\r\n${}\r\n{channel}\r\n${}\r\n{msg}\r\n", channel.len(), msg.len())
}

fn pmessage(pattern: &str, channel: &str, msg: &str) -> String {
    format!(
        "*4\r\n$8\r\npmessage\r\n${}\r\n{pattern}\r\n${}\r\n{channel}\r\n${}\r\n{msg}\r\n",
        pattern.len(),
        channel.len(),
        msg.len()
    )
}

#[test]
fn channel_and_pattern_subscribers_get_every_message_in_order() {
    both(|w| {
        let (a, b, p) = (w.open(), w.open(), w.open());
        assert_eq!(
            w.call(a, "SUBSCRIBE news.a news.a x"),
            sub_reply("subscribe", "news.a", 1).repeat(2) + &sub_reply("subscribe", "x", 2)
        );
        assert_eq!(
            w.call(b, "PSUBSCRIBE news.* n*"),
            sub_reply("psubscribe", "news.*", 1) + &sub_reply("psubscribe", "n*", 2)
        );
        assert_eq!(w.call(b, "SUBSCRIBE news.a"), sub_reply("subscribe", "news.a", 3));
        assert_eq!(w.call(p, "PUBLISH news.a m1"), ":4\r\n", "a once, b by name and by two patterns");
        assert_eq!(w.call(p, "PUBLISH news.a m2"), ":4\r\n");
        assert_eq!(w.call(p, "PUBLISH other m3"), ":0\r\n");
        assert_eq!(w.out(a), message("news.a", "m1") + &message("news.a", "m2"));
        let per_msg = |m: &str| message("news.a", m) + &pmessage("n*", "news.a", m) + &pmessage("news.*", "news.a", m);
        assert_eq!(w.out(b), per_msg("m1") + &per_msg("m2"));
        assert_eq!(
            w.call(p, "PUBSUB NUMSUB news.a x nope"),
            "*6\r\n$6\r\nnews.a\r\n:2\r\n$1\r\nx\r\n:1\r\n$4\r\nnope\r\n:0\r\n"
        );
        assert_eq!(w.call(p, "PUBSUB NUMPAT"), ":2\r\n");
        assert_eq!(w.call(p, "PUBSUB CHANNELS news*"), "*1\r\n$6\r\nnews.a\r\n");
    });
}

#[test]
fn subscriber_context_ping_unsubscribe_all_and_reset() {
    both(|w| {
        let (a, p) = (w.open(), w.open());
        assert_eq!(w.call(a, "SSUBSCRIBE s1"), sub_reply("ssubscribe", "s1", 1));
        assert_eq!(
            w.call(a, "CLIENT ID"),
            "-ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"
        );
        assert_eq!(w.call(a, "PING"), "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
        assert_eq!(w.call(a, "PING hi"), "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
        // Shard subscriptions keep the client in subscriber mode.
        assert_eq!(w.call(a, "UNSUBSCRIBE"), "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
        assert!(w.call(a, "GET k").starts_with("-ERR Can't execute 'get'"));
        assert_eq!(w.call(p, "SPUBLISH s1 hello"), ":1\r\n");
        assert_eq!(w.call(p, "PUBLISH s1 hello"), ":0\r\n", "shard channels are their own namespace");
        assert_eq!(w.out(a), "*3\r\n$8\r\nsmessage\r\n$2\r\ns1\r\n$5\r\nhello\r\n");
        assert_eq!(w.call(a, "SUNSUBSCRIBE"), sub_reply("sunsubscribe", "s1", 0));
        assert_eq!(w.call(a, "GET k"), "$-1\r\n", "out of subscriber mode");
        assert_eq!(w.call(a, "PSUBSCRIBE p*"), sub_reply("psubscribe", "p*", 1));
        assert!(w.call(p, "CLIENT LIST TYPE pubsub").contains("flags=P db=0 sub=0 psub=1 ssub=0"));
        assert_eq!(w.call(p, "PUBLISH pq m"), ":1\r\n");
        // RESET: the message already queued comes first; no notifications.
        assert_eq!(w.call(a, "RESET"), pmessage("p*", "pq", "m") + "+RESET\r\n");
        assert_eq!(w.call(p, "PUBSUB NUMPAT"), ":0\r\n");
        assert_eq!(w.call(a, "GET k"), "$-1\r\n");
    });
}

#[test]
fn a_subscriber_that_leaves_leaves_nothing_behind() {
    both(|w| {
        let (a, b, p) = (w.open(), w.open(), w.open());
        w.send(a, "SUBSCRIBE c");
        w.send(a, "PSUBSCRIBE c*");
        w.send(b, "SUBSCRIBE c");
        w.out(a);
        w.out(b);
        w.close(a);
        w.check();
        assert_eq!(w.call(p, "PUBLISH c x"), ":1\r\n");
        assert_eq!(w.out(b), message("c", "x"));
        assert_eq!(w.call(p, "PUBSUB NUMPAT"), ":0\r\n");
        w.send(b, "QUIT");
        w.check();
        assert_eq!(w.call(p, "PUBSUB NUMSUB c"), "*2\r\n$1\r\nc\r\n:0\r\n");
        assert_eq!(w.call(p, "PUBSUB CHANNELS"), "*0\r\n");
    });
}

/// A subscriber that never reads while a publisher floods is cut at its
/// hard limit: its socket is closed, Redis's line is logged, and what it
/// held is freed; the publisher's next message reaches nobody.
#[test]
fn a_subscriber_that_never_reads_is_cut_at_its_hard_limit() {
    let mut config = Config::default();
    config.set_runtime("client-output-buffer-limit", "pubsub 64kb 0 0").unwrap();
    both_with(config, |w| {
        let (s, p) = (w.open(), w.open());
        w.send(s, "SUBSCRIBE flood");
        let payload = "x".repeat(1000);
        let mut cut_after = None;
        for i in 0..200 {
            let n = w.call(p, &format!("PUBLISH flood {payload}"));
            assert!(w.peek(s) < 80 * 1024 + 1100, "held at most the limit (+16 KB uncounted) plus one message");
            if n == ":0\r\n" {
                cut_after = Some(i);
                break;
            }
            assert_eq!(n, ":1\r\n");
        }
        let cut_after = cut_after.expect("the subscriber was cut");
        assert!(
            (75..85).contains(&cut_after),
            "cut after {cut_after} messages of ~1 KB (limit 64 KB + 16 KB uncounted)"
        );
        assert_eq!(w.closed(), [s]);
        assert_eq!(w.peek(s), 0);
        let log = w.log();
        assert_eq!(log.len(), 1, "{log:?}");
        assert!(log[0].starts_with(&format!("Client id={} addr=", s.0)), "{}", log[0]);
        assert!(log[0].contains(" flags=P ") && log[0].contains(" sub=1 "), "{}", log[0]);
        assert!(log[0].ends_with("scheduled to be closed ASAP for overcoming of output buffer limits."));
        assert_eq!(w.call(p, "PUBSUB NUMSUB flood"), "*2\r\n$5\r\nflood\r\n:0\r\n");
        w.check();
    });
}

/// The soft limit: over it for longer than its seconds cuts the client;
/// a publisher that stays under the hard limit is not enough to keep it.
#[test]
fn a_subscriber_over_its_soft_limit_for_too_long_is_cut() {
    let mut config = Config::default();
    config.set_runtime("client-output-buffer-limit", "pubsub 0 8kb 2").unwrap();
    both_with(config, |w| {
        let (s, p) = (w.open(), w.open());
        w.send(s, "SUBSCRIBE c");
        let payload = "y".repeat(1000);
        for _ in 0..26 {
            assert_eq!(w.call(p, &format!("PUBLISH c {payload}")), ":1\r\n");
        }
        w.tick(T0_MS + 2_000);
        assert_eq!(w.call(p, &format!("PUBLISH c {payload}")), ":1\r\n", "2 s over is not more than 2 s");
        w.tick(T0_MS + 3_000);
        // Redis counts the receiver whose output this message pushed over.
        assert_eq!(w.call(p, &format!("PUBLISH c {payload}")), ":1\r\n");
        assert_eq!(w.closed(), [s]);
        assert_eq!(w.call(p, &format!("PUBLISH c {payload}")), ":0\r\n");
        // A normal client has no limit by default.
        let n = w.open();
        for _ in 0..100 {
            w.send(n, &format!("ECHO {payload}"));
        }
        assert!(w.closed().is_empty());
    });
}

/// A pipelined burst: the executor runs every PUBLISH of one read before it
/// hands output over, so the subscriber's output piles up in the executor;
/// its share is held to the hard limit too, and the client is cut there.
#[test]
fn a_pipelined_flood_is_cut_before_it_leaves_the_executor() {
    let mut config = Config::default();
    config.set_runtime("client-output-buffer-limit", "pubsub 64kb 0 0").unwrap();
    both_with(config, |w| {
        let (s, p) = (w.open(), w.open());
        w.send(s, "SUBSCRIBE flood");
        w.out(s);
        let one = encode(&split(&format!("PUBLISH flood {}", "z".repeat(1000))));
        w.send_raw(p, &one.repeat(200));
        w.check();
        let replies = w.out(p);
        let delivered = replies.matches(":1\r\n").count();
        assert_eq!(delivered + replies.matches(":0\r\n").count(), 200, "{replies}");
        assert!(
            (75..85).contains(&delivered),
            "cut after {delivered} messages of ~1 KB (limit 64 KB + 16 KB uncounted)"
        );
        assert_eq!(w.peek(s), 0, "the cut client's output is dropped, not flushed");
        assert_eq!(w.closed(), [s]);
        let log = w.log();
        assert_eq!(log.len(), 1, "{log:?}");
        assert!(log[0].ends_with("scheduled to be closed ASAP for overcoming of output buffer limits."));
        assert_eq!(w.call(p, "PUBSUB NUMSUB flood"), "*2\r\n$5\r\nflood\r\n:0\r\n");
    });
}

/// With I/O threads, output can wait in the ring, where neither the
/// executor's buffer nor the connection's sees it: the shared gauge counts
/// it, so a subscriber whose side does not drain its messages is still
/// cut at the limit (and what waits in the ring is at most about it).
#[test]
fn output_waiting_in_the_ring_counts_toward_the_limit() {
    let mut config = Config::default();
    config.set_runtime("client-output-buffer-limit", "pubsub 64kb 0 0").unwrap();
    let ring = Arc::new(Ring::new(2, config.ring_capacity, 4096));
    let mut sides: Vec<ConnSide> = (0..2).map(|i| ConnSide::new(i, Arc::clone(&ring), &config)).collect();
    let mut exec = Executor::new(config, 2, T0_MS);
    let open = |exec: &mut Executor, sides: &mut Vec<ConnSide>| {
        let a = exec.handle_accept().unwrap();
        sides[a.side].handle_open(a.conn, ClientInfo::default());
        let req = ring.pop_request().unwrap();
        exec.handle_request(req, T0_MS);
        a
    };
    let s = open(&mut exec, &mut sides);
    let p = open(&mut exec, &mut sides);
    assert_ne!(s.side, p.side);
    let send = |exec: &mut Executor, sides: &mut Vec<ConnSide>, side: usize, conn: ConnId, line: &str| {
        sides[side].read_buf_mut(conn).unwrap().extend_from_slice(&encode(&split(line)));
        sides[side].handle_read(conn, T0_MS);
        while let Some(req) = ring.pop_request() {
            exec.handle_request(req, T0_MS);
        }
        exec.poll_output(&mut RingSink { ring: &ring, woken: |_| {} });
        // Only the publisher's side takes its messages.
        while let Some(msg) = ring.pop_msg(p.side) {
            sides[p.side].handle_msg(msg);
        }
    };
    send(&mut exec, &mut sides, s.side, s.conn, "SUBSCRIBE c");
    let mut receivers = Vec::new();
    for _ in 0..200 {
        send(&mut exec, &mut sides, p.side, p.conn, &format!("PUBLISH c {}", "w".repeat(1000)));
        let out = sides[p.side].pending_output(p.conn).to_vec();
        sides[p.side].consume_output(p.conn, out.len());
        receivers.push(String::from_utf8(out).unwrap());
        exec.check_invariants();
    }
    let delivered = receivers.iter().filter(|r| *r == ":1\r\n").count();
    assert!((75..85).contains(&delivered), "cut after {delivered} messages of ~1 KB in the ring (limit 64 KB + 16 KB)");
    assert_eq!(exec.take_log().len(), 1);
    // The side learns it last: it drops what waited and closes.
    while let Some(msg) = ring.pop_msg(s.side) {
        sides[s.side].handle_msg(msg);
    }
    assert_eq!(sides[s.side].pending_output(s.conn), b"");
    assert_eq!(sides[s.side].poll_close(), Some(s.conn));
    sides[s.side].check_invariants();
}
