//! Startup and shutdown around the drivers: OS seed, file-descriptor limit,
//! listeners, signals, the start-up log line, and the exit status.

use std::io::{self, Read};

use ferrodis_engine::{Config, FERRODIS_VERSION, REDIS_COMPAT_VERSION};
use mio::{Interest, Registry, Token};
use signal_hook::consts::{SIGCHLD, SIGINT, SIGTERM};

use crate::args::Startup;
use crate::log;

/// The signal pipe's token.
pub const SIGNAL_TOKEN: Token = Token(usize::MAX);
/// A thread's `mio::Waker`.
pub const WAKER_TOKEN: Token = Token(usize::MAX - 1);
/// Listener `i` has token `LISTENER_TOKEN_BASE - i`. Connection tokens are
/// connection ids, which count up from 1 and never get near these.
pub const LISTENER_TOKEN_BASE: usize = usize::MAX - 2;

/// The token of listener `index`.
pub fn listener_token(index: usize) -> Token {
    Token(LISTENER_TOKEN_BASE - index)
}

/// Which of `listeners` listeners `token` names, if it names one.
pub fn listener_index(token: Token, listeners: usize) -> Option<usize> {
    (token.0 <= LISTENER_TOKEN_BASE && token.0 > LISTENER_TOKEN_BASE - listeners).then(|| LISTENER_TOKEN_BASE - token.0)
}

/// Waits for events; a wait interrupted by a signal is an empty batch (the
/// signal itself arrives through its own token).
pub fn poll_events(
    poll: &mut mio::Poll,
    events: &mut mio::Events,
    timeout: Option<std::time::Duration>,
) -> io::Result<()> {
    match poll.poll(events, timeout) {
        Err(e) if e.kind() != io::ErrorKind::Interrupted => Err(e),
        _ => Ok(()),
    }
}
/// Most addresses `bind` may list (Redis `CONFIG_BINDADDR_MAX`).
pub const BIND_ADDRESSES_MAX: usize = 16;
/// File descriptors kept for purposes other than clients (Redis
/// `CONFIG_MIN_RESERVED_FDS`).
const RESERVED_FDS: u64 = 32;

/// Why a driver returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    Signal(&'static str),
    ShutdownCommand,
    /// The AOF could not be loaded: the server never served (exit 1, as
    /// Redis).
    LoadFailed,
}

/// SIGTERM and SIGINT, delivered through signal-hook's self-pipe so the
/// event loop sees them as a readable token (the handler itself only writes
/// a byte, which is async-signal-safe). SIGCHLD too: it only wakes the
/// loop, whose AOF pump then reaps the rewrite child at once instead of at
/// the next tick.
pub struct Signals(signal_hook_mio::v1_0::Signals);

impl Signals {
    pub fn new() -> io::Result<Signals> {
        Ok(Signals(signal_hook_mio::v1_0::Signals::new([SIGTERM, SIGINT, SIGCHLD])?))
    }

    pub fn register(&mut self, registry: &Registry, token: Token) -> io::Result<()> {
        registry.register(&mut self.0, token, Interest::READABLE)
    }

    /// The stop request among the signals received, if any.
    pub fn drain(&mut self) -> Option<StopReason> {
        let mut reason = None;
        for sig in self.0.pending() {
            reason = match sig {
                SIGTERM => Some(StopReason::Signal("SIGTERM")),
                SIGINT => Some(StopReason::Signal("SIGINT")),
                _ => reason,
            };
        }
        reason
    }
}

/// 64 bits from the OS for the engine's RNG and hash seeds.
fn os_seed() -> u64 {
    let mut bytes = [0u8; 8];
    if std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes)).is_ok() {
        return u64::from_le_bytes(bytes);
    }
    // std seeds RandomState from the OS too.
    use std::hash::{BuildHasher, Hasher};
    std::collections::hash_map::RandomState::new().build_hasher().finish()
}

/// Raises the open-files limit to fit maxclients, or lowers maxclients to
/// fit the limit, as Redis `adjustOpenFilesLimit` does.
fn adjust_open_files_limit(config: &mut Config) {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let wanted = config.maxclients as u64 + RESERVED_FDS;
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return;
    };
    if soft >= wanted {
        return;
    }
    let target = wanted.min(hard);
    let limit = if setrlimit(Resource::RLIMIT_NOFILE, target, hard).is_ok() { target } else { soft };
    if limit < wanted {
        let old = config.maxclients;
        let fit = limit.saturating_sub(RESERVED_FDS).max(1);
        config.maxclients = fit as usize;
        log::warning(&format!("You requested maxclients of {old} requiring at least {wanted} max file descriptors."));
        log::warning(&format!(
            "Server can't set maximum open files to {wanted} because of OS error: limit is {limit}."
        ));
        log::warning(&format!(
            "Current maximum open files is {limit}. maxclients has been reduced to {fit} to compensate for \
             low ulimit. If you need higher maxclients increase 'ulimit -n'."
        ));
    }
}

/// Runs the server; returns the process exit status.
pub fn run(startup: Startup, allocator: &str) -> i32 {
    let Startup { mut config, config_file } = startup;
    config.seed = os_seed();
    adjust_open_files_limit(&mut config);
    let bind_count = config.bind.split_whitespace().count();
    if bind_count > BIND_ADDRESSES_MAX {
        log::warning(&format!("Too many bind addresses specified ({bind_count}, at most {BIND_ADDRESSES_MAX})."));
        return 1;
    }
    let (listeners, port) = match crate::sock::bind_all(&config.bind, config.port, config.tcp_backlog) {
        Ok(bound) => bound,
        Err(e) => {
            log::warning(&format!("Warning: {e}"));
            log::warning(&format!("Failed listening on port {} (TCP), aborting.", config.port));
            return 1;
        }
    };
    let signals = match Signals::new() {
        Ok(s) => s,
        Err(e) => {
            log::warning(&format!("Can't install signal handlers: {e}"));
            return 1;
        }
    };
    // With `--port 0` the kernel picked the port: this line says which. The
    // driver logs it once the AOF is loaded.
    let ready = format!(
        "ferrodis version={FERRODIS_VERSION} (Redis {REDIS_COMPAT_VERSION} compatible), malloc={allocator}, pid={}, \
         port={port}, io-threads={}, config={}: ready to accept connections",
        std::process::id(),
        config.io_threads,
        config_file.as_deref().unwrap_or("none"),
    );
    let host = crate::host::HostProbe::new(allocator, config_file.as_deref(), config.io_threads > 1);
    let result = if config.io_threads <= 1 {
        crate::single::SingleThread::new(config, listeners, signals, host).and_then(|d| d.run(&ready))
    } else {
        crate::threaded::run(config, listeners, signals, host, &ready)
    };
    match result {
        Ok(reason) => {
            match reason {
                StopReason::Signal(name) => log::warning(&format!("Received {name} scheduling shutdown...")),
                StopReason::ShutdownCommand => log::warning("User requested shutdown..."),
                // Logged where it failed.
                StopReason::LoadFailed => return 1,
            }
            log::warning("ferrodis is now ready to exit, bye bye...");
            0
        }
        Err(e) => {
            log::warning(&format!("Event loop failed: {e}"));
            1
        }
    }
}
