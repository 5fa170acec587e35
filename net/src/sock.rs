//! Socket plumbing both drivers share: binding the listeners (with
//! `tcp-backlog`), accepting until the listener would block, reading
//! straight into a connection's buffer, and writing pending output until
//! the kernel pushes back. Which connections are admitted is the engine's
//! rule (`Executor::handle_accept`).

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::BytesMut;
use ferrodis_engine::exec::Rejected;
use ferrodis_engine::limits::READ_CHUNK_BYTES;
use ferrodis_engine::ring::ClientInfo;
use mio::net::{TcpListener, TcpStream};

/// Binds every address of the `bind` parameter (space-separated; a leading
/// `-` marks an address whose failure is not fatal, `*` means every IPv4
/// address, `::*` every IPv6 one). With port 0 the kernel picks a port for
/// the first address and the others reuse it. Each listens with a backlog
/// of `backlog` (`tcp-backlog`; the kernel caps it at `somaxconn`). Returns
/// the listeners and the port bound.
pub fn bind_all(bind: &str, port: u16, backlog: u32) -> io::Result<(Vec<TcpListener>, u16)> {
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
                set_backlog(&l, backlog)?;
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

/// mio listens with std's backlog of 128; a second listen(2) on a listening
/// socket changes its backlog (Linux), so a storm of connections waits in
/// the kernel's queue instead of being refused.
fn set_backlog(listener: &TcpListener, backlog: u32) -> io::Result<()> {
    let backlog = i32::try_from(backlog).unwrap_or(i32::MAX);
    // SAFETY: listen(2) on a socket descriptor this listener owns; it only
    // reads its arguments.
    if unsafe { nix::libc::listen(listener.as_raw_fd(), backlog) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Accepts every pending connection of `listener` (mio is edge-triggered, so
/// the backlog must be drained) and hands each to `admit` with what the
/// engine knows of it.
pub fn accept_all(listener: &TcpListener, mut admit: impl FnMut(TcpStream, ClientInfo)) {
    loop {
        match listener.accept() {
            Ok((stream, peer)) => {
                // Replies are small and latency matters: no Nagle (Redis does the same).
                let _ = stream.set_nodelay(true);
                let info = ClientInfo {
                    addr: peer.to_string(),
                    laddr: stream.local_addr().map(|a| a.to_string()).unwrap_or_default(),
                    fd: stream.as_raw_fd() as i64,
                };
                admit(stream, info);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
            Err(e) if e.kind() == io::ErrorKind::Interrupted || e.kind() == io::ErrorKind::ConnectionAborted => {}
            Err(e) => {
                // EMFILE and friends: Redis logs and goes on.
                crate::log::warning(&format!("Accepting client connection: {e}"));
                return;
            }
        }
    }
}

/// Tells a client the engine refused (maxclients) why, best effort (the
/// write is not retried), as Redis does; the caller drops the socket.
pub fn reject(mut stream: TcpStream) {
    let _ = stream.write(Rejected::REPLY);
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

/// Microseconds of a monotonic clock (since its first reading): the
/// engine times each command with it (`Executor::set_clock_us`).
pub fn monotonic_us() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed().as_micros() as u64
}

/// Poll timeout until `deadline_ms`.
pub fn timeout_until(deadline_ms: u64, now_ms: u64) -> std::time::Duration {
    std::time::Duration::from_millis(deadline_ms.saturating_sub(now_ms))
}
