//! Helpers shared by the engine's integration tests: the RESP request
//! encoder, redis-cli-style line splitting and one client driving a whole
//! [`Engine`] with a clock the test controls.
//!
//! Each test binary includes this module with `mod common;` and uses a
//! different part of it, hence the `dead_code` allowance.
#![allow(dead_code)]

use ferrodis_engine::resp::inline;
use ferrodis_engine::ring::ClientInfo;
use ferrodis_engine::{Config, ConnId, Engine};

/// One request as a RESP multibulk of bulk strings.
pub fn encode<A: AsRef<[u8]>>(args: &[A]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        let a = a.as_ref();
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Splits a test line the way redis-cli and Redis's inline protocol do
/// (`sdssplitargs`, the engine's own splitter). Test lines are ours, so
/// unbalanced quotes are a bug in the test.
pub fn split(line: &str) -> Vec<Vec<u8>> {
    inline::split_args_owned(line.as_bytes()).unwrap_or_else(|_| panic!("unbalanced quotes in test line {line:?}"))
}

/// Takes (and consumes) everything `conn` has waiting to be sent.
pub fn take_output(engine: &mut Engine, conn: ConnId, now_ms: u64) -> Vec<u8> {
    let out = engine.pending_output(conn).to_vec();
    engine.consume_output(conn, out.len(), now_ms);
    out
}

/// Opens a connection (the tests never reach maxclients).
pub fn open(engine: &mut Engine, now_ms: u64) -> ConnId {
    engine.handle_open(ClientInfo::default(), now_ms).expect("below maxclients")
}

/// Feeds `input` to `conn` as one read.
pub fn feed(engine: &mut Engine, conn: ConnId, input: &[u8], now_ms: u64) {
    if let Some(buf) = engine.read_buf_mut(conn) {
        buf.extend_from_slice(input);
        engine.handle_read(conn, now_ms);
    }
}

/// Feeds `input` to `conn` and returns the reply bytes it produced.
pub fn exchange(engine: &mut Engine, conn: ConnId, input: &[u8], now_ms: u64) -> Vec<u8> {
    feed(engine, conn, input, now_ms);
    take_output(engine, conn, now_ms)
}

/// Every connection the engine asked to close since the last call.
pub fn closed(engine: &mut Engine) -> Vec<ConnId> {
    std::iter::from_fn(|| engine.poll_close()).collect()
}

/// One engine client; every call checks the engine's invariants after it.
pub struct Client {
    pub engine: Engine,
    pub conn: ConnId,
}

impl Client {
    pub fn new(now_ms: u64) -> Client {
        Client::with_config(Config::default(), now_ms)
    }

    pub fn with_config(config: Config, now_ms: u64) -> Client {
        let mut engine = Engine::new(config, now_ms);
        let conn = open(&mut engine, now_ms);
        Client { engine, conn }
    }

    /// Sends one command; returns the raw reply bytes.
    pub fn raw<A: AsRef<[u8]>>(&mut self, args: &[A], now_ms: u64) -> Vec<u8> {
        let out = exchange(&mut self.engine, self.conn, &encode(args), now_ms);
        self.engine.check_invariants();
        out
    }

    /// Runs a command written like a redis-cli line; returns the reply text.
    pub fn cmd(&mut self, line: &str, now_ms: u64) -> String {
        String::from_utf8_lossy(&self.raw(&split(line), now_ms)).into_owned()
    }
}
