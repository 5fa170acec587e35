//! AUTH / requirepass, protected mode and the CLIENT commands that act on
//! connections (KILL, PAUSE, UNPAUSE, REPLY, NO-EVICT), driven through both
//! compositions: the one-thread `Engine` and connection sides joined to an
//! executor by the ring. Expected texts are Redis 7.0.15's.

mod common;

use std::sync::Arc;

use common::{encode, split};
use ferrodis_engine::conn_side::ConnSide;
use ferrodis_engine::exec::{Executor, RingSink};
use ferrodis_engine::ring::{ClientInfo, Ring};
use ferrodis_engine::{Config, ConnId, Engine};

const T0_MS: u64 = 1_700_000_000_000;

const NOAUTH: &str = "-NOAUTH Authentication required.\r\n";
const WRONGPASS: &str = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";

trait Drive {
    fn open_from(&mut self, addr: &str) -> ConnId;
    fn send_raw(&mut self, conn: ConnId, bytes: &[u8]);
    fn output(&mut self, conn: ConnId) -> Vec<u8>;
    /// Connections whose socket the driver was asked to close since the last call.
    fn closed(&mut self) -> Vec<ConnId>;
    fn tick(&mut self, now_ms: u64);
    fn deadline(&self) -> u64;
    fn check(&self);

    fn open(&mut self) -> ConnId {
        self.open_from("127.0.0.1:40000")
    }

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
    fn open_from(&mut self, addr: &str) -> ConnId {
        let info = ClientInfo { addr: addr.into(), laddr: "127.0.0.1:6379".into(), fd: 7 };
        self.engine.handle_open(info, self.now_ms).expect("below maxclients")
    }
    fn send_raw(&mut self, conn: ConnId, bytes: &[u8]) {
        self.engine.read_buf_mut(conn).expect("open").extend_from_slice(bytes);
        self.engine.handle_read(conn, self.now_ms);
    }
    fn output(&mut self, conn: ConnId) -> Vec<u8> {
        common::take_output(&mut self.engine, conn, self.now_ms)
    }
    fn closed(&mut self) -> Vec<ConnId> {
        common::closed(&mut self.engine)
    }
    fn tick(&mut self, now_ms: u64) {
        self.now_ms = now_ms;
        self.engine.handle_tick(now_ms);
    }
    fn deadline(&self) -> u64 {
        self.engine.poll_deadline()
    }
    fn check(&self) {
        self.engine.check_invariants();
    }
}

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
            }
            if !moved {
                break;
            }
        }
    }
}

impl Drive for Split {
    fn open_from(&mut self, addr: &str) -> ConnId {
        let a = self.exec.handle_accept().expect("below maxclients");
        let info = ClientInfo { addr: addr.into(), laddr: "127.0.0.1:6379".into(), fd: 7 };
        self.sides[a.side].handle_open(a.conn, info);
        self.side_of.push((a.conn, a.side));
        self.settle();
        a.conn
    }
    fn send_raw(&mut self, conn: ConnId, bytes: &[u8]) {
        let s = self.side(conn);
        if let Some(buf) = self.sides[s].read_buf_mut(conn) {
            buf.extend_from_slice(bytes);
            self.sides[s].handle_read(conn, self.now_ms);
        }
        self.settle();
    }
    fn output(&mut self, conn: ConnId) -> Vec<u8> {
        let s = self.side(conn);
        let out = self.sides[s].pending_output(conn).to_vec();
        self.sides[s].consume_output(conn, out.len());
        out
    }
    fn closed(&mut self) -> Vec<ConnId> {
        let mut all = Vec::new();
        for side in &mut self.sides {
            all.extend(std::iter::from_fn(|| side.poll_close()));
        }
        all
    }
    fn tick(&mut self, now_ms: u64) {
        self.now_ms = now_ms;
        self.exec.handle_tick(now_ms);
        self.settle();
    }
    fn deadline(&self) -> u64 {
        self.exec.poll_deadline()
    }
    fn check(&self) {
        self.exec.check_invariants();
        self.sides.iter().for_each(ConnSide::check_invariants);
    }
}

fn both_with(config: Config, scenario: fn(&mut dyn Drive)) {
    scenario(&mut One { engine: Engine::new(config.clone(), T0_MS), now_ms: T0_MS });
    let ring = Arc::new(Ring::new(2, config.ring_capacity, 16));
    let sides = (0..2).map(|i| ConnSide::new(i, Arc::clone(&ring), &config)).collect();
    scenario(&mut Split { exec: Executor::new(config, 2, T0_MS), sides, ring, side_of: Vec::new(), now_ms: T0_MS });
}

fn both(scenario: fn(&mut dyn Drive)) {
    both_with(Config::default(), scenario);
}

fn with_password(pw: &str) -> Config {
    Config { requirepass: pw.into(), ..Config::default() }
}

/// The value of `field` in a CLIENT LIST / INFO line.
fn field<'a>(line: &'a str, field: &str) -> &'a str {
    let at = line.find(&format!(" {field}=")).unwrap_or_else(|| panic!("no {field} in {line}")) + field.len() + 2;
    line[at..].split([' ', '\n', '\r']).next().unwrap()
}

#[test]
fn requirepass_gates_commands_until_auth() {
    both_with(with_password("s3cret"), |d| {
        let c = d.open();
        assert_eq!(d.call(c, "ping"), NOAUTH);
        assert_eq!(d.call(c, "client id"), NOAUTH);
        // Unknown commands and arity errors are answered before the gate.
        assert_eq!(d.call(c, "nosuch"), "-ERR unknown command 'nosuch', with args beginning with: \r\n");
        assert_eq!(d.call(c, "get"), "-ERR wrong number of arguments for 'get' command\r\n");
        assert_eq!(d.call(c, "auth a b c"), "-ERR syntax error\r\n");
        assert_eq!(d.call(c, "auth wrong"), WRONGPASS);
        assert_eq!(d.call(c, "auth nobody s3cret"), WRONGPASS);
        assert_eq!(
            d.call(c, "hello 2"),
            "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH \
             <user> <pass> option can be used to authenticate the client and select the RESP protocol version \
             at the same time\r\n"
        );
        assert_eq!(d.call(c, "hello 2 auth default nope"), WRONGPASS);
        assert_eq!(d.call(c, "quit x"), "+OK\r\n");
        assert!(d.closed().contains(&c));

        let c = d.open();
        assert!(d.call(c, "hello 2 auth default s3cret setname n").starts_with("*14\r\n"));
        assert_eq!(d.call(c, "client getname"), "$1\r\nn\r\n");
        // RESET goes back to the default user's state: not authenticated.
        assert_eq!(d.call(c, "reset"), "+RESET\r\n");
        assert_eq!(d.call(c, "ping"), NOAUTH);
        assert_eq!(d.call(c, "auth default s3cret"), "+OK\r\n");
        // A failed attempt does not undo a success.
        assert_eq!(d.call(c, "auth bad"), WRONGPASS);
        assert_eq!(d.call(c, "ping"), "+PONG\r\n");
        assert_eq!(d.call(c, "acl whoami"), "$7\r\ndefault\r\n");
        // Failed attempts are counted as WRONGPASS errors (7.0 has no other counter).
        let info = d.call(c, "info errorstats");
        assert!(info.contains("errorstat_WRONGPASS:count=4\r\n"), "{info}");
        assert!(info.contains("errorstat_NOAUTH:count=4\r\n"), "{info}");
        assert_eq!(d.call(c, "config get requirepass"), "*2\r\n$11\r\nrequirepass\r\n$6\r\ns3cret\r\n");
    });
}

#[test]
fn config_set_requirepass_applies_to_later_auths() {
    both(|d| {
        let a = d.open();
        assert_eq!(
            d.call(a, "auth pw"),
            "-ERR AUTH <password> called without any password configured for the default user. Are you sure your \
             configuration is correct?\r\n"
        );
        // With no password the default user takes any password.
        assert_eq!(d.call(a, "auth default anything"), "+OK\r\n");
        assert_eq!(d.call(a, "config set requirepass pw2"), "+OK\r\n");
        // Already authenticated: stays so.
        assert_eq!(d.call(a, "ping"), "+PONG\r\n");
        let b = d.open();
        assert_eq!(d.call(b, "ping"), NOAUTH);
        assert_eq!(d.call(b, "auth default anything"), WRONGPASS);
        assert_eq!(d.call(b, "auth pw2"), "+OK\r\n");
        let c = d.open();
        assert_eq!(d.call(a, "config set requirepass \"\""), "+OK\r\n");
        // No password: nothing is required of anyone, even a client born under one.
        assert_eq!(d.call(c, "ping"), "+PONG\r\n");
    });
}

#[test]
fn acl_cat_lists_categories_and_commands() {
    both(|d| {
        let c = d.open();
        let all = d.call(c, "acl cat");
        assert!(all.starts_with("*21\r\n$8\r\nkeyspace\r\n$4\r\nread\r\n"), "{all}");
        assert!(all.ends_with("$11\r\ntransaction\r\n$9\r\nscripting\r\n"), "{all}");
        let conn = d.call(c, "acl cat CONNECTION");
        for name in ["ping", "auth", "hello", "client|kill", "client|id"] {
            assert!(conn.contains(&format!("\r\n{name}\r\n")), "{name} missing from {conn}");
        }
        assert!(!conn.contains("\r\nget\r\n"));
        assert_eq!(d.call(c, "acl cat nope"), "-ERR Unknown category 'nope'\r\n");
        assert_eq!(
            d.call(c, "acl cat a b"),
            "-ERR unknown subcommand or wrong number of arguments for 'cat'. Try ACL HELP.\r\n"
        );
        assert_eq!(d.call(c, "acl whoami x"), "-ERR wrong number of arguments for 'acl|whoami' command\r\n");
    });
}

#[test]
fn protected_mode_refuses_remote_clients_without_a_password() {
    both(|d| {
        let remote = d.open_from("10.1.2.3:5555");
        let out = d.out(remote);
        assert!(out.starts_with("-DENIED Redis is running in protected mode because protected mode is enabled"));
        assert!(out.ends_with("accepting connections from the outside.\r\n"));
        assert!(d.closed().contains(&remote));
        let local = d.open_from("127.0.0.1:5555");
        let v6 = d.open_from("[::1]:5555");
        assert_eq!(d.call(v6, "ping"), "+PONG\r\n");
        assert!(d.call(local, "info stats").contains("\r\nrejected_connections:1\r\n"));
        // The remote client never became a client.
        assert_eq!(d.call(local, "client list").matches("id=").count(), 2);
        assert_eq!(d.call(local, "config set protected-mode no"), "+OK\r\n");
        let remote = d.open_from("10.1.2.3:5556");
        assert_eq!(d.call(remote, "ping"), "+PONG\r\n");
    });
    // A password lifts it: the remote client must authenticate instead.
    both_with(with_password("pw"), |d| {
        let remote = d.open_from("10.1.2.3:5555");
        assert_eq!(d.call(remote, "ping"), NOAUTH);
        assert!(d.closed().is_empty());
    });
}

#[test]
fn client_kill_filters_counts_and_closes() {
    both(|d| {
        let a = d.open_from("127.0.0.1:1001");
        let b = d.open_from("127.0.0.1:1002");
        let c = d.open_from("127.0.0.1:1003");
        assert_eq!(d.call(a, "client kill 127.0.0.1:9"), "-ERR No such client\r\n");
        assert_eq!(d.call(a, "client kill id 0"), "-ERR client-id should be greater than 0\r\n");
        assert_eq!(d.call(a, "client kill id x"), "-ERR client-id should be greater than 0\r\n");
        assert_eq!(d.call(a, "client kill type foo"), "-ERR Unknown client type 'foo'\r\n");
        assert_eq!(d.call(a, "client kill user nobody"), "-ERR No such user 'nobody'\r\n");
        assert_eq!(d.call(a, "client kill skipme maybe"), "-ERR syntax error\r\n");
        assert_eq!(d.call(a, "client kill maxage 10"), "-ERR syntax error\r\n");
        assert_eq!(d.call(a, "client kill id 5 type"), "-ERR syntax error\r\n");
        assert_eq!(d.call(a, "client kill id 999"), ":0\r\n");
        assert_eq!(d.call(a, "client kill type pubsub"), ":0\r\n");
        assert_eq!(d.call(a, "client kill laddr 127.0.0.1:1"), ":0\r\n");
        assert_eq!(d.call(b, "ping"), "+PONG\r\n");
        assert_eq!(d.call(a, &format!("client kill id {}", b.0)), ":1\r\n");
        assert_eq!(d.closed(), vec![b]);
        // The caller is skipped by default.
        assert_eq!(d.call(a, "client kill type normal user default laddr 127.0.0.1:6379"), ":1\r\n");
        assert_eq!(d.closed(), vec![c]);
        let e = d.open_from("127.0.0.1:1005");
        assert_eq!(d.call(e, "client kill addr 127.0.0.1:1001 skipme no"), ":1\r\n");
        assert_eq!(d.closed(), vec![a]);
        // The old form kills the caller too: the reply goes first.
        assert_eq!(d.call(e, "client kill 127.0.0.1:1005"), "+OK\r\n");
        assert_eq!(d.closed(), vec![e]);
        let f = d.open();
        assert_eq!(d.call(f, "client kill type normal skipme no"), ":1\r\n");
        assert_eq!(d.closed(), vec![f]);
    });
}

#[test]
fn client_pause_write_holds_writers_in_order() {
    both(|d| {
        let admin = d.open();
        let w = d.open();
        assert_eq!(d.call(admin, "client pause 100 foo"), "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n");
        assert_eq!(d.call(admin, "client pause x"), "-ERR timeout is not an integer or out of range\r\n");
        assert_eq!(d.call(admin, "client pause -1"), "-ERR timeout is negative\r\n");
        assert_eq!(
            d.call(admin, "client pause 1 all x"),
            "-ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.\r\n"
        );
        assert_eq!(d.call(admin, "client pause 1000 write"), "+OK\r\n");
        d.tick(T0_MS);
        assert!(d.deadline() <= T0_MS + 1000);
        // Reads run; a write waits, and so does what the client sends after it.
        assert_eq!(d.call(w, "get k"), "$-1\r\n");
        assert_eq!(d.call(w, "set k v"), "");
        assert_eq!(d.call(w, "get k"), "");
        assert_eq!(d.call(admin, "get k"), "$-1\r\n");
        // The postponed client shows as blocked in its SET.
        let line = d.call(admin, &format!("client list id {}", w.0));
        assert_eq!((field(&line, "flags"), field(&line, "cmd")), ("b", "set"), "{line}");
        // ... and INFO counts it among the blocked clients, as Redis 7.0 does.
        assert!(d.call(admin, "info clients").contains("\r\nblocked_clients:1\r\n"));
        d.tick(T0_MS + 999);
        assert_eq!(d.out(w), "");
        d.tick(T0_MS + 1000);
        assert_eq!(d.out(w), "+OK\r\n$1\r\nv\r\n");
        // CLIENT UNPAUSE ends it early.
        assert_eq!(d.call(admin, "client pause 5000 write"), "+OK\r\n");
        assert_eq!(d.call(w, "del k"), "");
        assert_eq!(d.call(admin, "client unpause"), "+OK\r\n");
        assert_eq!(d.out(w), ":1\r\n");
    });
}

#[test]
fn client_pause_all_holds_everything_and_a_longer_pause_wins() {
    both(|d| {
        let admin = d.open();
        let other = d.open();
        assert_eq!(d.call(admin, "client pause 500 write"), "+OK\r\n");
        assert_eq!(d.call(admin, "client pause 200 all"), "+OK\r\n");
        // ALL now, until the later end.
        assert_eq!(d.call(other, "ping"), "");
        // Even CLIENT UNPAUSE waits under ALL, as in Redis.
        assert_eq!(d.call(admin, "client unpause"), "");
        d.tick(T0_MS + 499);
        assert_eq!(d.out(other), "");
        d.tick(T0_MS + 500);
        assert_eq!(d.out(other), "+PONG\r\n");
        assert_eq!(d.out(admin), "+OK\r\n");
        // Postponed clients run in the order they were postponed.
        assert_eq!(d.call(admin, "client pause 100"), "+OK\r\n");
        assert_eq!(d.call(other, "set a b"), "");
        assert_eq!(d.call(admin, &format!("client kill id {}", other.0)), "");
        d.tick(T0_MS + 600);
        // The SET ran first; its reply, not yet written, went with the
        // client the KILL closed next (Redis frees it with its buffers).
        assert_eq!(d.out(admin), ":1\r\n");
        assert_eq!(d.closed(), vec![other]);
        assert_eq!(d.call(admin, "exists a"), ":1\r\n");
        // A client killed while postponed leaves nothing behind: its
        // command never runs.
        let third = d.open();
        assert_eq!(d.call(admin, "client pause 100 write"), "+OK\r\n");
        assert_eq!(d.call(third, "del a"), "");
        assert_eq!(d.call(admin, &format!("client kill id {}", third.0)), ":1\r\n");
        assert_eq!(d.closed(), vec![third]);
        d.tick(T0_MS + 800);
        assert_eq!(d.call(admin, "exists a"), ":1\r\n");
    });
}

#[test]
fn client_reply_off_skip_on() {
    both(|d| {
        let c = d.open();
        assert_eq!(d.call(c, "client reply maybe"), "-ERR syntax error\r\n");
        assert_eq!(d.call(c, "client reply skip"), "");
        assert_eq!(d.call(c, "set a 1"), "");
        assert_eq!(d.call(c, "get a"), "$1\r\n1\r\n");
        assert_eq!(d.call(c, "client reply off"), "");
        assert_eq!(d.call(c, "incr a"), "");
        assert_eq!(d.call(c, "nosuchcommand"), "");
        assert_eq!(d.call(c, "client reply skip"), "");
        assert_eq!(d.call(c, "get a"), "");
        assert_eq!(d.call(c, "client reply on"), "+OK\r\n");
        assert_eq!(d.call(c, "get a"), "$1\r\n2\r\n");
        // A blocked command's reply is the one skipped, whenever it comes.
        assert_eq!(d.call(c, "client reply skip"), "");
        assert_eq!(d.call(c, "blpop l 1"), "");
        assert_eq!(d.call(c, "ping"), "");
        d.tick(T0_MS + 1000);
        assert_eq!(d.out(c), "+PONG\r\n");
        assert_eq!(d.call(c, "client reply skip"), "");
        assert_eq!(d.call(c, "blpop l2 0"), "");
        let pusher = d.open();
        assert_eq!(d.call(pusher, "rpush l2 a"), ":1\r\n");
        assert_eq!(d.out(c), "");
        assert_eq!(d.call(c, "llen l2"), ":0\r\n");
        // RESET turns replies back on before it answers.
        d.send(c, "client reply off");
        assert_eq!(d.call(c, "reset"), "+RESET\r\n");
        assert_eq!(d.call(c, "ping"), "+PONG\r\n");
    });
}

#[test]
fn client_no_evict_and_tracking() {
    both(|d| {
        let c = d.open();
        assert_eq!(field(&d.call(c, "client info"), "flags"), "N");
        assert_eq!(d.call(c, "client no-evict maybe"), "-ERR syntax error\r\n");
        assert_eq!(d.call(c, "client no-evict on"), "+OK\r\n");
        assert_eq!(field(&d.call(c, "client info"), "flags"), "e");
        // RESET keeps it, as Redis 7.0 does.
        d.call(c, "reset");
        assert_eq!(field(&d.call(c, "client info"), "flags"), "e");
        assert_eq!(d.call(c, "client no-evict off"), "+OK\r\n");
        assert_eq!(field(&d.call(c, "client info"), "flags"), "N");
        assert_eq!(d.call(c, "client tracking off"), "+OK\r\n");
        assert!(d.call(c, "client tracking on").starts_with("-ERR CLIENT TRACKING is not supported"));
        assert_eq!(d.call(c, "client tracking maybe"), "-ERR syntax error\r\n");
    });
}

#[test]
fn client_list_reports_buffers() {
    both(|d| {
        let c = d.open();
        let other = d.open();
        // A pipelined command behind this one is in the query buffer too.
        let mut two = encode(&split("client info"));
        two.extend_from_slice(&encode(&split("ping")));
        d.send_raw(c, &two);
        let line = d.out(c);
        assert_eq!(field(&line, "qbuf"), (26 + 14).to_string(), "{line}");
        assert_eq!(field(&line, "argv-mem"), "10");
        assert!(line.ends_with("+PONG\r\n"));
        assert_eq!(d.call(c, "client list type normal").matches("id=").count(), 2);
        assert_eq!(d.call(c, "client list type master"), "$0\r\n\r\n");
        assert_eq!(d.call(c, "client list type x"), "-ERR Unknown client type 'x'\r\n");
        // Another client's line: its finished command is out of its buffer.
        d.send(other, "echo hello");
        d.out(other);
        let list = d.call(c, &format!("client list id {}", other.0));
        assert_eq!(field(&list, "qbuf"), "0");
        assert_eq!(field(&list, "argv-mem"), "0");
        assert_eq!(field(&list, "cmd"), "echo");
        assert!(field(&list, "rbp").parse::<usize>().unwrap() >= 11, "{list}");
    });
}

#[test]
fn the_tick_expires_nothing_while_paused() {
    both(|d| {
        let c = d.open();
        assert_eq!(d.call(c, "set k v px 10"), "+OK\r\n");
        assert_eq!(d.call(c, "client pause 1000 write"), "+OK\r\n");
        for at in (100..1000).step_by(100) {
            d.tick(T0_MS + at);
        }
        // Still stored (DBSIZE counts keys not yet removed, as Redis's does).
        assert_eq!(d.call(c, "dbsize"), ":1\r\n");
        d.tick(T0_MS + 1000);
        d.tick(T0_MS + 1100);
        assert_eq!(d.call(c, "dbsize"), ":0\r\n");
    });
}
