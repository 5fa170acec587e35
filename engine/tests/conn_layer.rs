//! The connection layer driven by hand: a `Connection`, a tiny ring and a
//! stand-in executor, so backpressure, limits, closes and output handling
//! can be stepped one request at a time. The last tests go through `Engine`.

mod common;

use ferrodis_engine::conn::{ConnLimits, Connection};
use ferrodis_engine::resp::parser::ParserLimits;
use ferrodis_engine::ring::{ClientInfo, Request, RequestKind, Ring, Route};
use ferrodis_engine::{Config, ConnId, Engine};

const ID: ConnId = ConnId(7);

fn limits() -> ConnLimits {
    ConnLimits {
        parser: ParserLimits { proto_max_bulk_len: 512 * 1024 * 1024 },
        query_buffer_limit: 1024,
        output_pause_bytes: 100,
        output: Default::default(),
    }
}

fn conn() -> Connection {
    Connection::new(ID, ClientInfo::default(), Route { side: 0, slot: 0 }, limits())
}

fn ring(capacity: usize) -> Ring {
    Ring::new(1, capacity, 1)
}

/// One read of `bytes`.
fn feed(c: &mut Connection, bytes: &[u8]) {
    if let Some(buf) = c.read_buf_mut() {
        buf.extend_from_slice(bytes);
    }
    c.handle_read();
}

fn push(c: &mut Connection, ring: &Ring) -> ferrodis_engine::conn::Pushed {
    c.push_requests(ring, 0, &mut Vec::new())
}

/// A reply from the executor.
fn reply(c: &mut Connection, mut bytes: Vec<u8>, close_after: bool) {
    c.handle_reply(&mut bytes, close_after, Default::default());
    assert!(bytes.is_empty(), "the reply was taken");
}

/// A short readable form of a request, for comparisons.
fn show(r: &Request) -> String {
    assert_eq!(r.conn, ID);
    match &r.kind {
        RequestKind::Open(_) => "open".into(),
        RequestKind::Command(args) => {
            args.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect::<Vec<_>>().join(" ")
        }
        RequestKind::ProtocolError(e) => format!("error: {}", e.message()),
        RequestKind::Close => "close".into(),
        RequestKind::OutputLimit => "output-limit".into(),
    }
}

fn drain(ring: &Ring) -> Vec<String> {
    std::iter::from_fn(|| ring.pop_request()).map(|r| show(&r)).collect()
}

fn echo(s: &str) -> String {
    format!("*2\r\n$4\r\nECHO\r\n${}\r\n{}\r\n", s.len(), s)
}

#[test]
fn full_ring_stalls_without_dropping_or_reordering() {
    let ring = ring(2);
    let mut c = conn();
    let input: String = (0..10).map(|i| echo(&i.to_string())).collect();
    feed(&mut c, input.as_bytes());
    let mut seen = Vec::new();
    for _ in 0..20 {
        let pushed = push(&mut c, &ring);
        assert!(pushed.requests <= 2);
        if pushed.ring_full {
            assert!(!c.wants_read(), "must not read while a request is stalled");
        }
        // The executor takes one request per step: the ring stays full.
        if let Some(r) = ring.pop_request() {
            seen.push(show(&r));
        }
    }
    seen.extend(drain(&ring));
    let mut want = vec!["open".to_string()];
    want.extend((0..10).map(|i| format!("ECHO {i}")));
    assert_eq!(seen, want);
    assert!(c.wants_read());
}

#[test]
fn a_stalled_close_keeps_its_place() {
    let ring = ring(1);
    let mut c = conn();
    feed(&mut c, echo("a").as_bytes());
    c.handle_peer_closed();
    let mut seen = Vec::new();
    for _ in 0..5 {
        push(&mut c, &ring);
        seen.extend(drain(&ring));
    }
    assert_eq!(seen, ["open", "ECHO a", "close"]);
    assert!(c.is_finished());
}

#[test]
fn peer_close_mid_command_runs_the_complete_ones_and_drops_the_rest() {
    let ring = ring(16);
    let mut c = conn();
    feed(&mut c, format!("{}{}*2\r\n$4\r\nECHO\r\n$5\r\nab", echo("x"), "PING\r\n").as_bytes());
    push(&mut c, &ring);
    assert_eq!(drain(&ring), ["open", "ECHO x", "PING"]);
    c.handle_peer_closed();
    assert!(!c.wants_read());
    feed(&mut c, b"cde\r\n");
    push(&mut c, &ring);
    assert_eq!(drain(&ring), ["close"]);
    assert!(c.is_finished());
    assert!(!c.close_when_flushed());
    push(&mut c, &ring);
    assert!(ring.is_empty(), "close is the last request");
}

#[test]
fn protocol_error_follows_the_commands_before_it() {
    let ring = ring(16);
    let mut c = conn();
    feed(&mut c, format!("{}PING\r\n*1\r\nx\r\n{}", echo("a"), echo("b")).as_bytes());
    push(&mut c, &ring);
    assert_eq!(drain(&ring), ["open", "ECHO a", "PING", "error: ERR Protocol error: expected '$', got 'x'"]);
    assert!(!c.wants_read());
    feed(&mut c, echo("c").as_bytes());
    push(&mut c, &ring);
    assert!(ring.is_empty());
    // The executor answers and asks to close.
    reply(&mut c, b"-ERR ...\r\n".to_vec(), true);
    assert!(c.close_when_flushed());
    assert!(c.is_finished());
    c.handle_peer_closed();
    push(&mut c, &ring);
    assert!(ring.is_empty(), "the executor already forgot the client: no close");
}

#[test]
fn query_buffer_limit_closes_without_a_reply() {
    let ring = ring(16);
    let mut c = conn();
    feed(&mut c, echo("a").as_bytes());
    // A command whose bytes pass the limit (1024) before it is complete.
    feed(&mut c, b"*2\r\n$4\r\nECHO\r\n$5000\r\n");
    feed(&mut c, &[b'x'; 1100]);
    push(&mut c, &ring);
    assert_eq!(drain(&ring), ["open", "ECHO a", "close"]);
    assert!(c.close_when_flushed());
    assert!(c.is_finished());
    assert_eq!(c.buffered_bytes(), 0);
    feed(&mut c, &[b'x'; 1000]);
    assert_eq!(c.buffered_bytes(), 0);
}

#[test]
fn query_buffer_limit_counts_only_the_incomplete_command() {
    // Many complete commands in one read pass the limit together, but each
    // is parsed before the check: nothing is closed.
    let ring = ring(4096);
    let mut c = conn();
    let input: String = (0..200).map(|i| echo(&i.to_string())).collect();
    assert!(input.len() > limits().query_buffer_limit);
    feed(&mut c, input.as_bytes());
    push(&mut c, &ring);
    assert_eq!(drain(&ring).len(), 201);
    assert!(c.wants_read());
}

#[test]
fn reading_while_stalled_is_bounded_by_the_query_buffer_limit() {
    let ring = ring(1);
    let mut c = conn();
    feed(&mut c, b"PING\r\n");
    push(&mut c, &ring); // open fits, PING stalls
    assert!(!c.wants_read());
    // A driver that ignores wants_read is cut off at the limit.
    for _ in 0..300 {
        feed(&mut c, b"PING\r\n");
    }
    assert!(c.buffered_bytes() <= limits().query_buffer_limit);
    assert!(c.close_when_flushed());
}

#[test]
fn output_is_adopted_then_appended_and_pauses_reading() {
    let ring = ring(16);
    let mut c = conn();
    // A big reply with nothing pending is adopted whole, not copied.
    let big = vec![b'y'; 70_000];
    let big_ptr = big.as_ptr();
    reply(&mut c, big, false);
    assert_eq!(c.pending_output().as_ptr(), big_ptr, "adopted, not copied");
    c.consume_output(70_000);
    // Small ones are copied into the buffer and appended.
    reply(&mut c, b"+PONG\r\n".to_vec(), false);
    reply(&mut c, b"+OK\r\n".to_vec(), false);
    assert_eq!(c.pending_output(), b"+PONG\r\n+OK\r\n");
    c.consume_output(3);
    assert_eq!(c.pending_output(), b"NG\r\n+OK\r\n");
    c.consume_output(9);
    assert!(c.pending_output().is_empty());

    // 100 or more bytes waiting: stop reading and parsing.
    push(&mut c, &ring);
    assert_eq!(drain(&ring), ["open"]);
    reply(&mut c, vec![b'x'; 150], false);
    assert!(!c.wants_read());
    feed(&mut c, b"PING\r\n");
    push(&mut c, &ring);
    assert!(ring.is_empty(), "no parsing while output is paused");
    c.consume_output(60);
    assert!(c.wants_read());
    push(&mut c, &ring);
    assert_eq!(drain(&ring), ["PING"]);
}

#[test]
fn quit_style_close_after_output() {
    let mut c = conn();
    reply(&mut c, b"+OK\r\n".to_vec(), true);
    assert!(c.close_when_flushed());
    assert!(!c.wants_read());
    assert_eq!(c.pending_output(), b"+OK\r\n");
}

#[test]
fn parser_state_does_not_outgrow_the_input() {
    let ring = ring(16);
    let mut c = conn();
    feed(&mut c, b"*2147483647\r\n");
    for _ in 0..100 {
        feed(&mut c, b"$0\r\n\r\n");
    }
    push(&mut c, &ring);
    assert!(c.parser_heap_bytes() <= 1024 * 16 + 64);
    assert_eq!(drain(&ring), ["open"]);
}

// ---- Through the engine ----

fn engine_with(limit: usize) -> Engine {
    Engine::new(Config { client_query_buffer_limit: limit, ..Config::default() }, 1_000)
}

#[test]
fn engine_query_buffer_limit_in_the_same_batch_as_a_command() {
    // A complete command and a too-big partial one arrive together: the
    // command runs, the client is closed without a reply, nothing panics.
    let mut e = engine_with(1024);
    let c = common::open(&mut e, 1_000);
    let mut input = b"PING\r\n*2\r\n$4\r\nECHO\r\n$9000\r\n".to_vec();
    input.resize(input.len() + 2000, b'x');
    common::feed(&mut e, c, &input, 1_000);
    e.check_invariants();
    assert!(common::closed(&mut e).contains(&c));
    assert!(!e.wants_read(c));
    e.handle_peer_closed(c, 1_000);
    assert_eq!(e.connection_count(), 0);
}

#[test]
fn engine_protocol_error_replies_after_earlier_replies_then_closes() {
    let mut e = engine_with(1 << 20);
    let c = common::open(&mut e, 1_000);
    common::feed(&mut e, c, b"PING\r\n*1\r\n\xc3\r\nPING\r\n", 1_000);
    assert_eq!(common::take_output(&mut e, c, 1_000), b"+PONG\r\n-ERR Protocol error: expected '$', got '\xc3'\r\n");
    assert!(common::closed(&mut e).contains(&c));
    e.handle_peer_closed(c, 1_000);
    assert_eq!(e.connection_count(), 0);
    e.check_invariants();
}

#[test]
fn engine_peer_close_with_buffered_commands() {
    // Output is never consumed, so reading pauses with commands buffered;
    // then the peer closes. Nothing may panic and the connection goes away.
    let mut e = Engine::new(Config { ring_capacity: 1, ..Config::default() }, 1_000);
    let c = common::open(&mut e, 1_000);
    let big = "x".repeat(1 << 20);
    let mut input = Vec::new();
    for _ in 0..70 {
        input.extend_from_slice(echo(&big).as_bytes());
    }
    common::feed(&mut e, c, &input, 1_000);
    assert!(!e.wants_read(c), "output passed the pause threshold");
    e.handle_peer_closed(c, 1_000);
    e.check_invariants();
    assert_eq!(e.connection_count(), 0);
}

/// `client-output-buffer-limit`: a pubsub-class client whose unwritten
/// output reaches the hard limit is cut: its output and unparsed input are
/// dropped, `OutputLimit` takes the place of its next commands, later
/// replies are discarded and the socket is to be closed. A normal client
/// (limit 0) is never cut.
#[test]
fn output_past_the_hard_limit_cuts_the_connection() {
    use ferrodis_engine::obuf::{OutputClass, ReplyTag, UNCOUNTED_BYTES as U};
    let ring = ring(16);
    let mut l = limits();
    l.output.apply("pubsub 1000 0 0").unwrap();
    let mut c = Connection::new(ID, ClientInfo::default(), Route { side: 0, slot: 0 }, l);
    push(&mut c, &ring);
    assert_eq!(drain(&ring), ["open"]);
    let pubsub = ReplyTag { class: OutputClass::Pubsub, now_ms: 1_000, cut: false };
    let normal = ReplyTag { class: OutputClass::Normal, now_ms: 1_000, cut: false };
    assert!(!c.handle_reply(&mut vec![b'x'; U + 999], false, normal));
    assert!(!c.handle_reply(&mut vec![b'x'; 5000], false, normal), "normal clients have no limit by default");
    c.consume_output(c.pending_output().len());
    assert!(!c.handle_reply(&mut vec![b'x'; U + 999], false, pubsub), "the first 16 KB are not counted, as in Redis");
    feed(&mut c, b"PING\r\n*1\r\n$4\r\nPI");
    assert!(c.handle_reply(&mut vec![b'x'; 1], false, pubsub), "1000 bytes counted reach the limit");
    assert!(c.pending_output().is_empty(), "the output is dropped, not flushed");
    assert!(!c.wants_read());
    push(&mut c, &ring);
    assert_eq!(drain(&ring), ["output-limit"], "unparsed commands are dropped");
    let mut late = b"+OK\r\n".to_vec();
    assert!(!c.handle_reply(&mut late, false, pubsub));
    assert!(late.is_empty() && c.pending_output().is_empty(), "later replies are discarded");
    assert!(c.is_finished() && c.close_when_flushed());
}

/// The soft limit cuts only after the output stayed at or above it for more
/// than its seconds; going below resets the clock.
#[test]
fn output_over_the_soft_limit_for_too_long_cuts_the_connection() {
    use ferrodis_engine::obuf::{OutputClass, ReplyTag, UNCOUNTED_BYTES as U};
    let ring = ring(16);
    let mut l = limits();
    l.output.apply("pubsub 0 100 2").unwrap();
    let mut c = Connection::new(ID, ClientInfo::default(), Route { side: 0, slot: 0 }, l);
    push(&mut c, &ring);
    drain(&ring);
    let at = |s: u64| ReplyTag { class: OutputClass::Pubsub, now_ms: s * 1000, cut: false };
    assert!(!c.handle_reply(&mut vec![b'x'; U + 100], false, at(10)));
    assert!(!c.handle_reply(&mut vec![b'x'; 1], false, at(12)));
    c.consume_output(c.pending_output().len());
    assert!(!c.handle_reply(&mut vec![b'x'; 1], false, at(13)), "below the soft limit: the clock stops");
    assert!(!c.handle_reply(&mut vec![b'x'; U + 100], false, at(20)));
    assert!(!c.handle_reply(&mut vec![b'x'; 1], false, at(22)));
    assert!(c.handle_reply(&mut vec![b'x'; 1], false, at(23)), "over for 3 s > 2 s");
    push(&mut c, &ring);
    assert_eq!(drain(&ring), ["output-limit"]);
}
