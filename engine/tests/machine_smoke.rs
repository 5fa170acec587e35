//! The engine driven with no socket: bytes in, reply bytes out.

mod common;

use ferrodis_engine::ring::ClientInfo;
use ferrodis_engine::{Config, Engine};

fn run(engine: &mut Engine, input: &[u8]) -> Vec<u8> {
    let c = common::open(engine, 1_000);
    let out = common::exchange(engine, c, input, 1_000);
    engine.check_invariants();
    out
}

#[test]
fn ping_set_get_pipelined() {
    let mut e = Engine::new(Config::default(), 1_000);
    let out = run(&mut e, b"*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nget\r\n$1\r\nk\r\n*1\r\n$3\r\nfoo\r\n");
    assert_eq!(
        String::from_utf8_lossy(&out),
        "+PONG\r\n+OK\r\n$1\r\nv\r\n-ERR unknown command 'foo', with args beginning with: \r\n"
    );
}

#[test]
fn tiny_ring_keeps_order() {
    let mut e = Engine::new(Config { ring_capacity: 1, ..Config::default() }, 1_000);
    let mut input = Vec::new();
    for i in 0..50 {
        input.extend_from_slice(format!("*2\r\n$4\r\nECHO\r\n${}\r\n{}\r\n", i.to_string().len(), i).as_bytes());
    }
    let out = run(&mut e, &input);
    let expected: String = (0..50).map(|i| format!("${}\r\n{}\r\n", i.to_string().len(), i)).collect();
    assert_eq!(String::from_utf8_lossy(&out), expected);
}

#[test]
fn close_in_the_same_batch_as_replies_is_fine() {
    // A reply-producing command and the Close of the same client are
    // executed before responses are polled (I/O threads drain the ring in
    // batches): the reply is dropped, not polled for a forgotten client.
    use ferrodis_engine::exec::Executor;
    use ferrodis_engine::ring::{Request, RequestKind, Route};
    let mut x = Executor::new(Config::default(), 1, 1_000);
    let conn = x.handle_accept().expect("below maxclients").conn;
    let opened = Box::new((ClientInfo::default(), Route { side: 0, slot: 0 }, Default::default()));
    x.handle_request(Request { conn, kind: RequestKind::Open(opened), query_buf: Default::default() }, 1_000);
    let ping = vec![bytes::Bytes::from_static(b"PING")];
    x.handle_request(Request { conn, kind: RequestKind::Command(ping), query_buf: Default::default() }, 1_000);
    x.handle_request(Request { conn, kind: RequestKind::Close, query_buf: Default::default() }, 1_000);
    assert!(!x.has_output());
    x.check_invariants();
}

/// CONFIG SET of proto-max-bulk-len reaches a client that was already
/// connected, as in Redis (its next bulk header is checked against it).
#[test]
fn config_set_limits_reach_live_connections() {
    let mut e = Engine::new(Config::default(), 1_000);
    let early = common::open(&mut e, 1_000);
    let admin = common::open(&mut e, 1_000);
    let set = b"*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$18\r\nproto-max-bulk-len\r\n$7\r\n1048576\r\n";
    assert_eq!(common::exchange(&mut e, admin, set, 1_000), b"+OK\r\n");
    let big = b"*2\r\n$4\r\nECHO\r\n$1048577\r\n";
    assert_eq!(common::exchange(&mut e, early, big, 1_000), b"-ERR Protocol error: invalid bulk length\r\n");
    e.check_invariants();
}
