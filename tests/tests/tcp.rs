//! Byte-level TCP tests in the style of mini-redis `tests/server.rs`: exact
//! bytes in, exact bytes out, against the real `ferrodis-server` binary
//! (`FERRODIS_TEST_TARGET=redis` runs them against a real Redis: they state
//! Redis 7 behaviour, so they must pass there too).

use std::time::Duration;

use ferrodis_tests::args::escape;
use ferrodis_tests::{RespConn, Server};

/// Sends `input` in one write and checks that exactly `expected` comes back,
/// with nothing after it.
fn roundtrip(conn: &mut RespConn, input: &[u8], expected: &[u8]) {
    conn.send(input).unwrap();
    expect(conn, expected);
}

/// Checks that exactly `expected` arrives next, with nothing after it.
fn expect(conn: &mut RespConn, expected: &[u8]) {
    let got = conn.read_bytes(expected.len()).unwrap();
    assert_eq!(escape(&got), escape(expected), "reply bytes differ");
    let (extra, _) = conn.read_until_quiet(Duration::from_millis(50), Duration::from_millis(200)).unwrap();
    assert!(extra.is_empty(), "unexpected bytes after the reply: {}", escape(&extra));
}

/// Checks that `expected` arrives and then the server closes the connection.
fn expect_then_closed(conn: &mut RespConn, expected: &[u8]) {
    let (got, closed) = conn.read_until_closed(Duration::from_secs(5)).unwrap();
    assert_eq!(escape(&got), escape(expected), "reply bytes differ");
    assert!(closed, "the server did not close the connection");
}

#[test]
fn ping_as_multibulk_and_inline() {
    let server = Server::start_target();
    let mut conn = server.connect();
    roundtrip(&mut conn, b"*1\r\n$4\r\nPING\r\n", b"+PONG\r\n");
    roundtrip(&mut conn, b"PING\r\n", b"+PONG\r\n");
    roundtrip(&mut conn, b"*2\r\n$4\r\nPING\r\n$5\r\nhello\r\n", b"$5\r\nhello\r\n");
}

#[test]
fn set_then_get_exact_bytes() {
    let server = Server::start_target();
    let mut conn = server.connect();
    roundtrip(&mut conn, b"*3\r\n$3\r\nSET\r\n$5\r\nhello\r\n$5\r\nworld\r\n", b"+OK\r\n");
    roundtrip(&mut conn, b"*2\r\n$3\r\nGET\r\n$5\r\nhello\r\n", b"$5\r\nworld\r\n");
    roundtrip(&mut conn, b"*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n", b"$-1\r\n");
}

#[test]
fn pipelined_commands_answer_in_order() {
    let server = Server::start_target();
    let mut conn = server.connect();
    let mut input = Vec::new();
    let mut expected = Vec::new();
    for i in 0..200 {
        let value = format!("v{i}");
        input.extend_from_slice(format!("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n${}\r\n{value}\r\n", value.len()).as_bytes());
        input.extend_from_slice(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
        expected.extend_from_slice(b"+OK\r\n");
        expected.extend_from_slice(format!("${}\r\n{value}\r\n", value.len()).as_bytes());
    }
    // Errors in the middle of a pipeline do not disturb the rest.
    input.extend_from_slice(b"*1\r\n$3\r\nGET\r\n*1\r\n$4\r\nPING\r\n");
    expected.extend_from_slice(b"-ERR wrong number of arguments for 'get' command\r\n+PONG\r\n");
    roundtrip(&mut conn, &input, &expected);
}

#[test]
fn a_command_split_across_many_writes() {
    let server = Server::start_target();
    let mut conn = server.connect();
    let input = b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$11\r\nhello world\r\n*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n";
    for byte in input {
        conn.send(std::slice::from_ref(byte)).unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
    expect(&mut conn, b"+OK\r\n$11\r\nhello world\r\n");
    // An inline command split mid-word and mid-CRLF.
    for chunk in [&b"PI"[..], b"NG\r", b"\n"] {
        conn.send(chunk).unwrap();
        std::thread::sleep(Duration::from_millis(20));
    }
    expect(&mut conn, b"+PONG\r\n");
}

#[test]
fn a_large_value_in_small_writes() {
    let server = Server::start_target();
    let mut conn = server.connect();
    let value: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let mut input = format!("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n${}\r\n", value.len()).into_bytes();
    input.extend_from_slice(&value);
    input.extend_from_slice(b"\r\n*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n");
    for chunk in input.chunks(7_919) {
        conn.send(chunk).unwrap();
    }
    let mut expected = format!("+OK\r\n${}\r\n", value.len()).into_bytes();
    expected.extend_from_slice(&value);
    expected.extend_from_slice(b"\r\n");
    let got = conn.read_bytes(expected.len()).unwrap();
    assert!(got == expected, "1 MB value did not round-trip ({} of {} bytes)", got.len(), expected.len());
}

#[test]
fn inline_commands() {
    let server = Server::start_target();
    let mut conn = server.connect();
    roundtrip(&mut conn, b"SET k \"a b\\x41\"\r\nGET k\r\n", b"+OK\r\n$4\r\na bA\r\n");
    roundtrip(&mut conn, b"set 'single' 'it\\'s'\r\nget single\r\n", b"+OK\r\n$4\r\nit's\r\n");
    // Bare LF ends a line too, and empty lines are ignored.
    roundtrip(&mut conn, b"PING\n\r\n\r\nPING\n", b"+PONG\r\n+PONG\r\n");
    // Empty multibulk requests are ignored as well.
    roundtrip(&mut conn, b"*0\r\n*-1\r\nPING\r\n", b"+PONG\r\n");
    roundtrip(&mut conn, b"nosuch a b\r\n", b"-ERR unknown command 'nosuch', with args beginning with: 'a' 'b' \r\n");
}

#[test]
fn errors_keep_the_connection_open() {
    let server = Server::start_target();
    let mut conn = server.connect();
    roundtrip(&mut conn, b"*1\r\n$3\r\nGET\r\n", b"-ERR wrong number of arguments for 'get' command\r\n");
    roundtrip(&mut conn, b"*1\r\n$3\r\nFOO\r\n", b"-ERR unknown command 'FOO', with args beginning with: \r\n");
    roundtrip(&mut conn, b"PING\r\n", b"+PONG\r\n");
}

#[test]
fn protocol_errors_reply_then_close() {
    let server = Server::start_target();
    let cases: [(&[u8], &[u8]); 6] = [
        (b"*1\r\n$abc\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
        (b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
        (b"*1\r\n$-1\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
        (b"*2\r\n$4\r\nECHO\r\nxx\r\n", b"-ERR Protocol error: expected '$', got 'x'\r\n"),
        (b"ECHO \"unbalanced\r\n", b"-ERR Protocol error: unbalanced quotes in request\r\n"),
        // Replies to the complete commands before the error still arrive.
        (b"PING\r\n*1\r\n$-5\r\nPING\r\n", b"+PONG\r\n-ERR Protocol error: invalid bulk length\r\n"),
    ];
    for (input, expected) in cases {
        let mut conn = server.connect();
        conn.send(input).unwrap();
        expect_then_closed(&mut conn, expected);
    }
    // The server itself is fine.
    roundtrip(&mut server.connect(), b"PING\r\n", b"+PONG\r\n");
}

#[test]
fn quit_replies_ok_then_closes_and_ignores_the_rest() {
    let server = Server::start_target();
    let mut conn = server.connect();
    conn.send(b"*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n").unwrap();
    expect_then_closed(&mut conn, b"+OK\r\n");
    let mut conn = server.connect();
    conn.send(b"PING\r\nQUIT\r\nPING\r\n").unwrap();
    expect_then_closed(&mut conn, b"+PONG\r\n+OK\r\n");
}

#[test]
fn many_clients_at_once() {
    let server = Server::start_target();
    let addr = server.addr();
    let workers: Vec<_> = (0..16)
        .map(|w| {
            std::thread::spawn(move || {
                let mut conn = RespConn::connect(addr).unwrap();
                for i in 0..50 {
                    let key = format!("w{w}:k{i}");
                    assert_eq!(escape(&conn.cmd(&["SET", &key, &key]).unwrap()), escape(b"+OK\r\n"));
                    let expected = format!("${}\r\n{key}\r\n", key.len());
                    assert_eq!(escape(&conn.cmd(&["GET", &key]).unwrap()), escape(expected.as_bytes()));
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let mut conn = server.connect();
    assert_eq!(escape(&conn.cmd(&["DBSIZE"]).unwrap()), escape(b":800\r\n"));
}
