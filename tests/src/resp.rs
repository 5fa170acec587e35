//! A tiny raw RESP client: it sends bytes and returns the exact bytes of each
//! reply, found by parsing only the RESP framing. Nothing is decoded, so two
//! servers' replies can be compared byte for byte.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// How long [`RespConn::read_reply`] waits for a reply before giving up. Long
/// enough for a debug build on a loaded 2-core machine and for blocking
/// commands with a timeout of a few seconds.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(10);

/// Deepest aggregate nesting we follow; a reply deeper than this is a bug in
/// the server under test, not something to recurse into forever.
const NESTING_MAX: usize = 1024;

/// One connection to a server under test.
pub struct RespConn {
    stream: TcpStream,
    /// Bytes received but not yet returned as part of a reply.
    pending: Vec<u8>,
    /// The server closed the connection (read returned 0).
    closed: bool,
    /// A reply did not come in time: whatever arrives later belongs to an
    /// earlier request, so this connection's replies no longer line up.
    stalled: bool,
}

impl RespConn {
    pub fn connect(addr: SocketAddr) -> io::Result<RespConn> {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
        stream.set_nodelay(true)?;
        Ok(RespConn { stream, pending: Vec::new(), closed: false, stalled: false })
    }

    /// Sends raw bytes as they are.
    pub fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)
    }

    /// Sends one command encoded as a RESP array of bulk strings, as
    /// `redis-cli` and client libraries do.
    pub fn send_command(&mut self, args: &[Vec<u8>]) -> io::Result<()> {
        self.send(&encode_command(args))
    }

    /// Sends a command and returns the raw bytes of its one reply.
    pub fn command(&mut self, args: &[Vec<u8>]) -> io::Result<Vec<u8>> {
        self.send_command(args)?;
        self.read_reply()
    }

    /// Convenience for tests: `conn.cmd(&["SET", "k", "v"])`.
    pub fn cmd(&mut self, args: &[&str]) -> io::Result<Vec<u8>> {
        let args: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
        self.command(&args)
    }

    /// Reads exactly one complete reply and returns its bytes; anything after
    /// it stays buffered for the next call.
    pub fn read_reply(&mut self) -> io::Result<Vec<u8>> {
        self.read_reply_within(REPLY_TIMEOUT)
    }

    /// As [`RespConn::read_reply`], giving up after `wait`: for a reply that
    /// may never come (a pub/sub message), so a missing one fails fast.
    pub fn read_reply_within(&mut self, wait: Duration) -> io::Result<Vec<u8>> {
        let deadline = Instant::now() + wait;
        loop {
            match reply_len(&self.pending) {
                Ok(Some(len)) => return Ok(self.pending.drain(..len).collect()),
                Ok(None) => {}
                Err(why) => {
                    let got = crate::args::escape(&self.pending);
                    return Err(io::Error::new(ErrorKind::InvalidData, format!("bad RESP framing ({why}): {got}")));
                }
            }
            if self.closed {
                let got = crate::args::escape(&self.pending);
                return Err(io::Error::new(
                    ErrorKind::UnexpectedEof,
                    format!("connection closed; partial reply {got}"),
                ));
            }
            let now = Instant::now();
            if now >= deadline {
                self.stalled = true;
                let got = crate::args::escape(&self.pending);
                return Err(io::Error::new(ErrorKind::TimedOut, format!("no complete reply; partial reply {got}")));
            }
            self.fill(deadline - now)?;
        }
    }

    /// Reads until `len` bytes have arrived (or the connection closed, or
    /// [`REPLY_TIMEOUT`] passed) and returns at most `len` bytes: for tests
    /// that know the exact bytes they expect, so a wrong reply shows up as
    /// itself rather than as a framing error.
    pub fn read_bytes(&mut self, len: usize) -> io::Result<Vec<u8>> {
        let deadline = Instant::now() + REPLY_TIMEOUT;
        while self.pending.len() < len && !self.closed {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            self.fill(deadline - now)?;
        }
        let take = len.min(self.pending.len());
        Ok(self.pending.drain(..take).collect())
    }

    /// Reads whatever arrives until nothing has arrived for `quiet`, the
    /// server closes the connection, or `max` has passed. Returns the bytes
    /// and whether the connection was closed. Used for raw protocol input,
    /// where the number of replies is the thing under test.
    pub fn read_until_quiet(&mut self, quiet: Duration, max: Duration) -> io::Result<(Vec<u8>, bool)> {
        let deadline = Instant::now() + max;
        while !self.closed {
            let before = self.pending.len();
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            self.fill(quiet.min(deadline - now))?;
            if self.pending.len() == before && !self.closed {
                break;
            }
        }
        Ok((std::mem::take(&mut self.pending), self.closed))
    }

    /// Waits up to `max` for the server to close the connection, discarding
    /// nothing: returns the bytes that arrived first, and whether it closed.
    pub fn read_until_closed(&mut self, max: Duration) -> io::Result<(Vec<u8>, bool)> {
        let deadline = Instant::now() + max;
        while !self.closed {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            self.fill(deadline - now)?;
        }
        Ok((std::mem::take(&mut self.pending), self.closed))
    }

    /// One read with a timeout. A timeout is not an error here; a reset
    /// connection counts as closed (a server may reset rather than FIN when
    /// it closes with unread input, which is still "closed" to a client).
    fn fill(&mut self, wait: Duration) -> io::Result<()> {
        self.stream.set_read_timeout(Some(wait.max(Duration::from_millis(1))))?;
        let mut chunk = [0u8; 16 * 1024];
        match self.stream.read(&mut chunk) {
            Ok(0) => self.closed = true,
            Ok(n) => self.pending.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted) => {}
            Err(e) if matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted) => {
                self.closed = true
            }
            Err(e) => return Err(e),
        }
        Ok(())
    }

    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// A [`RespConn::read_reply`] timed out on this connection.
    pub fn is_stalled(&self) -> bool {
        self.stalled
    }
}

/// Encodes a command as a RESP array of bulk strings.
pub fn encode_command(args: &[Vec<u8>]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for arg in args {
        out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// The length of the first complete reply in `buf`: `Ok(None)` if more bytes
/// are needed, `Err` if the bytes are not RESP (2 or 3).
pub fn reply_len(buf: &[u8]) -> Result<Option<usize>, String> {
    // Each entry counts the elements still to read at one nesting level; an
    // explicit stack so a hostile reply cannot overflow ours.
    let mut remaining: Vec<u64> = vec![1];
    let mut pos = 0;
    while let Some(top) = remaining.last_mut() {
        if *top == 0 {
            remaining.pop();
            continue;
        }
        *top -= 1;
        let Some(line_end) = find_crlf(buf, pos) else { return Ok(None) };
        let kind = buf[pos];
        let header = &buf[pos + 1..line_end];
        pos = line_end + 2;
        match kind {
            b'+' | b'-' | b':' | b'_' | b',' | b'#' | b'(' => {}
            b'$' | b'!' | b'=' => {
                let len = parse_len(header)?;
                if len >= 0 {
                    let end = pos + len as usize;
                    if buf.len() < end + 2 {
                        return Ok(None);
                    }
                    if &buf[end..end + 2] != b"\r\n" {
                        return Err("bulk string not followed by CRLF".to_string());
                    }
                    pos = end + 2;
                }
            }
            b'*' | b'~' | b'>' | b'%' | b'|' => {
                let count = parse_len(header)?;
                if count > 0 {
                    let mut children = count as u64;
                    if matches!(kind, b'%' | b'|') {
                        children *= 2;
                    }
                    if kind == b'|' {
                        // An attribute map is followed by the reply it annotates.
                        children += 1;
                    }
                    if remaining.len() >= NESTING_MAX {
                        return Err("aggregate nesting too deep".to_string());
                    }
                    remaining.push(children);
                }
            }
            other => return Err(format!("unknown RESP type byte {}", crate::args::escape(&[other]))),
        }
    }
    Ok(Some(pos))
}

fn find_crlf(buf: &[u8], from: usize) -> Option<usize> {
    buf.get(from..)?.windows(2).position(|w| w == b"\r\n").map(|i| from + i)
}

fn parse_len(header: &[u8]) -> Result<i64, String> {
    std::str::from_utf8(header)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|&n| n >= -1)
        .ok_or_else(|| format!("bad length {}", crate::args::escape(header)))
}

/// The frames of a complete reply, in order: each is one header line with
/// its CRLF, plus the payload and CRLF for a bulk, verbatim or blob error
/// (`$`, `=`, `!`). Bytes that do not frame end the list (the caller has
/// checked the reply with [`reply_len`]).
pub fn frames(reply: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < reply.len() {
        let Some(line_end) = find_crlf(reply, pos) else { break };
        let mut end = line_end + 2;
        if matches!(reply[pos], b'$' | b'=' | b'!') {
            if let Ok(len) = parse_len(&reply[pos + 1..line_end]) {
                if len >= 0 {
                    end = (end + len as usize + 2).min(reply.len());
                }
            }
        }
        out.push(&reply[pos..end]);
        pos = end;
    }
    out
}

/// The text a string frame carries (`+text`, `$n text`), or `None` for
/// other frames.
fn frame_text(frame: &[u8]) -> Option<&[u8]> {
    let body = frame.strip_suffix(b"\r\n")?;
    match body.first()? {
        b'+' => Some(&body[1..]),
        b'$' => Some(&body[find_crlf(frame, 0)? + 2..]),
        _ => None,
    }
}

/// A `HELLO` reply with the values that differ between any two servers
/// replaced by `<masked>`: `version` (ours names the Redis version it
/// follows, which may not be the oracle's patch level) and `id` (the
/// connection counter). Everything else (the map or array header, server,
/// proto, mode, role, modules) stays to be compared. Replies that are not a
/// HELLO map (errors) come back unchanged.
pub fn mask_hello(reply: &[u8]) -> Vec<u8> {
    let parts = frames(reply);
    let mut out = Vec::with_capacity(reply.len());
    let mut mask_next = false;
    for frame in parts {
        if mask_next {
            out.extend_from_slice(b"<masked>\r\n");
            mask_next = false;
            continue;
        }
        mask_next = matches!(frame_text(frame), Some(b"version" | b"id"));
        out.extend_from_slice(frame);
    }
    out
}

/// The first byte of a reply and, for aggregates, the element count: what
/// `!type-only` compares when the content itself varies (TIME, INFO, ...).
pub fn reply_shape(reply: &[u8]) -> String {
    let Some(&kind) = reply.first() else { return "<empty>".to_string() };
    match kind {
        b'*' | b'~' | b'>' | b'%' | b'|' => {
            let end = find_crlf(reply, 0).unwrap_or(reply.len());
            String::from_utf8_lossy(&reply[..end]).into_owned()
        }
        _ => (kind as char).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_of_each_type() {
        assert_eq!(reply_len(b"+OK\r\nrest"), Ok(Some(5)));
        assert_eq!(reply_len(b"-ERR x\r\n"), Ok(Some(8)));
        assert_eq!(reply_len(b":12\r\n"), Ok(Some(5)));
        assert_eq!(reply_len(b"$3\r\na\r\n\r\n"), Ok(Some(9)));
        assert_eq!(reply_len(b"$-1\r\n"), Ok(Some(5)));
        assert_eq!(reply_len(b"*-1\r\n"), Ok(Some(5)));
        assert_eq!(reply_len(b"*0\r\n"), Ok(Some(4)));
        assert_eq!(reply_len(b"*2\r\n$1\r\na\r\n*1\r\n:1\r\n+x"), Ok(Some(19)));
        assert_eq!(reply_len(b"%1\r\n+a\r\n:1\r\n"), Ok(Some(12)));
        assert_eq!(reply_len(b"_\r\n"), Ok(Some(3)));
    }

    #[test]
    fn framing_of_resp3_types() {
        assert_eq!(reply_len(b"_\r\nx"), Ok(Some(3)));
        assert_eq!(reply_len(b",1.5\r\n"), Ok(Some(6)));
        assert_eq!(reply_len(b",inf\r\n"), Ok(Some(6)));
        assert_eq!(reply_len(b"#t\r\n"), Ok(Some(4)));
        assert_eq!(reply_len(b"(12345678901234567890\r\n"), Ok(Some(23)));
        assert_eq!(reply_len(b"=7\r\ntxt:a\r\n\r\n"), Ok(Some(13)));
        assert_eq!(reply_len(b"!5\r\nERR x\r\n"), Ok(Some(11)));
        assert_eq!(reply_len(b"~2\r\n:1\r\n:2\r\n"), Ok(Some(12)));
        assert_eq!(reply_len(b"%0\r\n"), Ok(Some(4)));
        assert_eq!(reply_len(b">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n"), Ok(Some(31)));
        // A map of arrays of doubles: nesting counts pairs twice.
        assert_eq!(reply_len(b"%1\r\n$1\r\nk\r\n*2\r\n,1\r\n,2\r\n"), Ok(Some(23)));
        assert_eq!(reply_len(b"%1\r\n$1\r\nk\r\n*2\r\n,1\r\n"), Ok(None));
        // An attribute annotates the reply after it, which belongs to it.
        assert_eq!(reply_len(b"|1\r\n+a\r\n:1\r\n:7\r\n:8\r\n"), Ok(Some(16)));
        assert_eq!(reply_len(b"|1\r\n+a\r\n:1\r\n"), Ok(None));
        assert_eq!(reply_len(b"=7\r\ntxt:a\r"), Ok(None));
    }

    #[test]
    fn hello_masks_version_and_id_only() {
        let ours = b"%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:5\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";
        let theirs = String::from_utf8_lossy(ours).replace("$6\r\n7.0.15", "$5\r\n7.0.9").replace(":5\r\n", ":123\r\n");
        assert_eq!(mask_hello(ours), mask_hello(theirs.as_bytes()));
        let masked = String::from_utf8(mask_hello(ours)).unwrap();
        assert!(masked.contains("$7\r\nversion\r\n<masked>\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n<masked>"), "{masked}");
        let proto2 = String::from_utf8_lossy(ours).replace(":3\r\n", ":2\r\n");
        assert_ne!(mask_hello(ours), mask_hello(proto2.as_bytes()));
        assert_eq!(mask_hello(b"-NOPROTO x\r\n"), b"-NOPROTO x\r\n");
    }

    #[test]
    fn incomplete_and_bad() {
        assert_eq!(reply_len(b""), Ok(None));
        assert_eq!(reply_len(b"+OK\r"), Ok(None));
        assert_eq!(reply_len(b"$3\r\nab"), Ok(None));
        assert_eq!(reply_len(b"*2\r\n:1\r\n"), Ok(None));
        assert!(reply_len(b"?x\r\n").is_err());
        assert!(reply_len(b"$3\r\nabcd\r\n").is_err());
        assert!(reply_len(b"$-2\r\n").is_err());
    }

    #[test]
    fn shapes() {
        assert_eq!(reply_shape(b"*2\r\n$1\r\n1\r\n$1\r\n2\r\n"), "*2");
        assert_eq!(reply_shape(b"$3\r\nabc\r\n"), "$");
        assert_eq!(reply_shape(b"%1\r\n+a\r\n:1\r\n"), "%1");
        assert_eq!(reply_shape(b"=7\r\ntxt:a\r\n\r\n"), "=");
    }

    #[test]
    fn encoding() {
        assert_eq!(encode_command(&[b"GET".to_vec(), b"k".to_vec()]), b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    }
}
