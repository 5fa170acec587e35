//! Socket plumbing both drivers share: binding the listeners, accepting with
//! the maxclients rule, reading straight into a connection's buffer, and
//! writing pending output until the kernel pushes back.

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::BytesMut;
use ferrodis_engine::ring::ClientInfo;
use mio::net::{TcpListener, TcpStream};

/// Bytes asked of the kernel per read (Redis `PROTO_IOBUF_LEN`). A larger
/// spare capacity already in the buffer (a big argument being received) is
/// used whole.
pub const READ_CHUNK_BYTES: usize = 16 * 1024;
/// Reads per connection per service pass before the loop moves on to other
/// clients (fairness); a connection with more to read is revisited with a
/// zero poll timeout. One, as Redis reads one `PROTO_IOBUF_LEN` chunk per
/// client per event-loop turn: with 16, a `redis-cli --pipe` client got up
/// to 16 x 32 KB (~15,000 SETs) executed per pass, and while the keyspace
/// grew (each SET a few cache misses) a PING on another connection waited
/// one to two such passes: p99.9 230-320 ms against Redis's 33-48 ms.
pub const READS_PER_PASS: usize = 1;
/// Ticks (`1000 / hz` ms each) a connection must go without reading before
/// its empty read buffer is freed (Redis frees an idle client's query
/// buffer in `clientsCron` after 2 s). Freeing it on every rest instead
/// costs a 16 KB allocation per request.
pub const READ_BUF_IDLE_TICKS: u64 = 2;
/// Resting connections one tick checks at most (a bounded sweep, as
/// `clientsCron` bounds its iterations).
pub const READ_BUF_SWEEP_MAX: usize = 1024;
/// Redis's reply to a connection past `maxclients`.
pub const MAXCLIENTS_ERROR: &[u8] = b"-ERR max number of clients reached\r\n";

/// Binds every address of the `bind` parameter (space-separated; a leading
/// `-` marks an address whose failure is not fatal, `*` means every IPv4
/// address, `::*` every IPv6 one). With port 0 the kernel picks a port for
/// the first address and the others reuse it. Returns the listeners and the
/// port bound.
pub fn bind_all(bind: &str, port: u16) -> io::Result<(Vec<TcpListener>, u16)> {
    let mut listeners = Vec::new();
    let mut port = port;
    for word in bind.split_whitespace() {
        let (optional, addr) = match word.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, word),
        };
        let ip: IpAddr = match addr {
            "*" => IpAddr::from([0, 0, 0, 0]),
            "::*" => IpAddr::from([0u16; 8]),
            other => match other.parse() {
                Ok(ip) => ip,
                Err(_) if optional => continue,
                Err(_) => {
                    return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("invalid bind address '{other}'")))
                }
            },
        };
        match TcpListener::bind(SocketAddr::new(ip, port)) {
            Ok(l) => {
                port = l.local_addr()?.port();
                listeners.push(l);
            }
            Err(_) if optional => continue,
            Err(e) => {
                return Err(io::Error::new(
                    e.kind(),
                    format!("Could not create server TCP listening socket {addr}:{port}: {e}"),
                ))
            }
        }
    }
    if listeners.is_empty() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "Failed listening on any bind address"));
    }
    Ok((listeners, port))
}

/// Accepts every pending connection of `listener` (mio is edge-triggered, so
/// the backlog must be drained). `admit` gets each new stream unless
/// `is_full()` says the server is at maxclients, in which case the client is
/// told so and closed, as Redis does (best effort, the write is not retried).
/// Returns how many were rejected.
pub fn accept_all(
    listener: &TcpListener,
    mut is_full: impl FnMut() -> bool,
    mut admit: impl FnMut(TcpStream, ClientInfo),
) -> u64 {
    let mut rejected = 0;
    loop {
        match listener.accept() {
            Ok((mut stream, peer)) => {
                if is_full() {
                    let _ = stream.write(MAXCLIENTS_ERROR);
                    rejected += 1;
                    continue;
                }
                // Replies are small and latency matters: no Nagle (Redis does the same).
                let _ = stream.set_nodelay(true);
                let info = ClientInfo {
                    addr: peer.to_string(),
                    laddr: stream.local_addr().map(|a| a.to_string()).unwrap_or_default(),
                    fd: stream.as_raw_fd() as i64,
                };
                admit(stream, info);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return rejected,
            Err(e) if e.kind() == io::ErrorKind::Interrupted || e.kind() == io::ErrorKind::ConnectionAborted => {}
            Err(e) => {
                // EMFILE and friends: Redis logs and goes on.
                crate::log::warning(&format!("Accepting client connection: {e}"));
                return rejected;
            }
        }
    }
}

/// What one read achieved.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadOutcome {
    /// This many bytes were appended to the buffer. `drained`: the kernel
    /// gave less than was asked, so the socket had nothing more at that
    /// moment; with edge-triggered readiness the next arrival raises a new
    /// event, so a driver may stop reading without a `WouldBlock` read
    /// (one syscall per request saved), unless the peer's hang-up was
    /// already reported (no new event will announce the EOF).
    Data { bytes: usize, drained: bool },
    /// Nothing more for now.
    WouldBlock,
    /// The peer closed, or the socket failed.
    Closed,
}

/// Bytes read from and written to client sockets since start, for INFO's
/// `total_net_input_bytes` / `total_net_output_bytes` (process-wide, like
/// Redis's stat counters; relaxed adds, read once per tick).
static NET_INPUT_BYTES: AtomicU64 = AtomicU64::new(0);
static NET_OUTPUT_BYTES: AtomicU64 = AtomicU64::new(0);

/// `(input, output)` bytes moved through client sockets since start.
pub fn net_bytes() -> (u64, u64) {
    (NET_INPUT_BYTES.load(Ordering::Relaxed), NET_OUTPUT_BYTES.load(Ordering::Relaxed))
}

/// Reads once from `stream` straight into the spare capacity of `buf`
/// (reserving [`READ_CHUNK_BYTES`] first), so received bytes are copied
/// only by the kernel.
pub fn read_into(stream: &TcpStream, buf: &mut BytesMut) -> ReadOutcome {
    buf.reserve(READ_CHUNK_BYTES);
    let spare = buf.spare_capacity_mut();
    loop {
        // SAFETY: `spare` is writable memory owned by `buf` of exactly
        // `spare.len()` bytes; read(2) writes at most that many bytes into it
        // and touches nothing else.
        let n = unsafe { nix::libc::read(stream.as_raw_fd(), spare.as_mut_ptr().cast(), spare.len()) };
        if n > 0 {
            let n = n as usize;
            let drained = n < spare.len();
            // SAFETY: the kernel initialised the first `n` spare bytes.
            unsafe { buf.set_len(buf.len() + n) };
            NET_INPUT_BYTES.fetch_add(n as u64, Ordering::Relaxed);
            return ReadOutcome::Data { bytes: n, drained };
        }
        if n == 0 {
            return ReadOutcome::Closed;
        }
        let err = io::Error::last_os_error();
        match err.kind() {
            io::ErrorKind::Interrupted => continue,
            io::ErrorKind::WouldBlock => return ReadOutcome::WouldBlock,
            _ => return ReadOutcome::Closed,
        }
    }
}

/// What writing a connection's pending output achieved.
#[derive(Debug, PartialEq, Eq)]
pub enum WriteOutcome {
    /// This many bytes went out; the kernel took all that was offered.
    Done(usize),
    /// This many went out, then the socket buffer filled: wait for WRITABLE.
    Blocked(usize),
    /// The peer is gone.
    Failed,
}

/// Writes `out` (a slice of the connection's own buffer: large replies are
/// streamed from it without a copy) until it is all written or the kernel
/// pushes back.
pub fn write_some(mut stream: &TcpStream, out: &[u8]) -> WriteOutcome {
    let mut written = 0;
    while written < out.len() {
        match stream.write(&out[written..]) {
            Ok(0) => return WriteOutcome::Failed,
            Ok(n) => {
                written += n;
                NET_OUTPUT_BYTES.fetch_add(n as u64, Ordering::Relaxed);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return WriteOutcome::Blocked(written),
            Err(_) => return WriteOutcome::Failed,
        }
    }
    WriteOutcome::Done(written)
}

/// Unix time in ms, read once per event batch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// Poll timeout until `deadline_ms`.
pub fn timeout_until(deadline_ms: u64, now_ms: u64) -> std::time::Duration {
    std::time::Duration::from_millis(deadline_ms.saturating_sub(now_ms))
}
