//! Starting a server under test (ours or a real `redis-server`) on a free
//! loopback port, waiting until it answers, and killing it on drop.
//!
//! Both kinds get the same settings: `--bind 127.0.0.1 --port P --save ''
//! --appendonly no`, and a fresh temporary working directory, so nothing a
//! test does can reach the disk of the checkout or another test.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::resp::RespConn;

/// How long a server may take to answer its first PING.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
/// How often we retry with a new port when the server could not bind (another
/// process took the free port between our check and its bind).
const START_ATTEMPTS_MAX: usize = 3;

/// Which server a test talks to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Our `ferrodis-server`.
    Ferrodis,
    /// A real `redis-server` from `PATH`: the oracle.
    Redis,
}

impl Kind {
    /// The server the suites treat as "ours": `ferrodis-server`, unless
    /// `FERRODIS_TEST_TARGET=redis` asks for a real Redis instead. That is how
    /// the suites themselves are checked against the spec (and how the
    /// differential harness is checked: redis against redis).
    pub fn target_from_env() -> Kind {
        match std::env::var("FERRODIS_TEST_TARGET").as_deref() {
            Ok("redis") => Kind::Redis,
            Ok("ferrodis") | Ok("") | Err(_) => Kind::Ferrodis,
            Ok(other) => panic!("FERRODIS_TEST_TARGET={other}: expected `redis` or `ferrodis`"),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Ferrodis => "ferrodis-server",
            Kind::Redis => "redis-server",
        }
    }
}

/// A running server; killed (SIGKILL) and its directory removed on drop
/// (unless the test owns the directory: [`Server::start_in`]).
pub struct Server {
    kind: Kind,
    child: Child,
    addr: SocketAddr,
    dir: PathBuf,
    owns_dir: bool,
}

/// A working directory a test keeps across server restarts; removed on drop.
pub struct DataDir(PathBuf);

impl DataDir {
    pub fn new() -> DataDir {
        DataDir(fresh_dir().unwrap_or_else(|e| panic!("{e}")))
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }

    /// A new directory holding a copy of this one's `sub` directory (an
    /// AOF directory, to start another server on it).
    pub fn copy_of(&self, sub: &str) -> DataDir {
        let copy = DataDir::new();
        let to = copy.0.join(sub);
        std::fs::create_dir_all(&to).unwrap();
        for entry in std::fs::read_dir(self.0.join(sub)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
        copy
    }
}

impl Default for DataDir {
    fn default() -> DataDir {
        DataDir::new()
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Server {
    /// Starts `kind` with the default settings.
    pub fn start(kind: Kind) -> Server {
        Server::start_with(kind, &[])
    }

    /// Starts `kind` with extra `--option value` arguments after the defaults
    /// (later options win in both servers, as in Redis).
    pub fn start_with(kind: Kind, extra_args: &[&str]) -> Server {
        Server::start_maybe_in(kind, None, extra_args)
    }

    /// Starts `kind` in `dir` (which outlives the server: a restart on the
    /// same directory finds the files the last one left).
    pub fn start_in(kind: Kind, dir: &DataDir, extra_args: &[&str]) -> Server {
        Server::start_maybe_in(kind, Some(dir.path()), extra_args)
    }

    fn start_maybe_in(kind: Kind, dir: Option<&std::path::Path>, extra_args: &[&str]) -> Server {
        let mut last_error = String::new();
        for _ in 0..START_ATTEMPTS_MAX {
            match Server::try_start(kind, dir, extra_args) {
                Ok(server) => return server,
                Err(why) => last_error = why,
            }
        }
        panic!("cannot start {}: {last_error}", kind.name());
    }

    /// Starts the server the suites test (see [`Kind::target_from_env`]).
    pub fn start_target() -> Server {
        Server::start(Kind::target_from_env())
    }

    fn try_start(kind: Kind, given_dir: Option<&std::path::Path>, extra_args: &[&str]) -> Result<Server, String> {
        let program = match kind {
            Kind::Ferrodis => crate::binary::server_binary(),
            Kind::Redis => redis_server_program()?,
        };
        let port = free_port()?;
        let dir = match given_dir {
            Some(d) => d.to_path_buf(),
            None => fresh_dir()?,
        };
        let log_path = dir.join("server.log");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
        let log_err = log.try_clone().map_err(|e| e.to_string())?;
        let port_arg = port.to_string();
        let child = Command::new(&program)
            .args(["--port", &port_arg, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(extra_args)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let mut server = Server { kind, child, addr, dir, owns_dir: given_dir.is_none() };
        server.wait_until_ready().map_err(|why| {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            format!("{why}\n--- {} output ---\n{log}", program.display())
        })?;
        Ok(server)
    }

    fn wait_until_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("{} exited before answering ({status})", self.kind.name()));
            }
            if let Ok(mut conn) = RespConn::connect(self.addr) {
                if let Ok(reply) = conn.cmd(&["PING"]) {
                    // NOAUTH: up, started with `--requirepass`.
                    if reply == b"+PONG\r\n" || reply.starts_with(b"-NOAUTH ") {
                        return Ok(());
                    }
                }
            }
            if Instant::now() >= deadline {
                return Err(format!("{} did not answer PING within {STARTUP_TIMEOUT:?}", self.kind.name()));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// A new raw connection; panics if the server does not accept it.
    pub fn connect(&self) -> RespConn {
        RespConn::connect(self.addr).unwrap_or_else(|e| panic!("cannot connect to {}: {e}", self.kind.name()))
    }

    /// The server's process id (for RSS measurements and the like).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's output so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// Sends SHUTDOWN and waits for the process to exit; its exit code.
    pub fn shutdown(mut self) -> Option<i32> {
        let mut conn = self.connect();
        let _ = conn.cmd(&["SHUTDOWN"]);
        self.child.wait().ok().and_then(|s| s.code())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if self.owns_dir {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// `redis-server` from `PATH`, or an error that says how to get it: the
/// differential suite needs the real thing and must not silently skip.
pub fn redis_server_program() -> Result<PathBuf, String> {
    match Command::new("redis-server").arg("--version").output() {
        Ok(out) if out.status.success() => Ok(PathBuf::from("redis-server")),
        _ => Err("`redis-server` is not installed (not on PATH). The differential tests need a real Redis 7 \
                  as the oracle: install it (Debian/Ubuntu: `apt-get install redis-server`) and run again."
            .to_string()),
    }
}

/// The `redis-server --version` line, for the test log.
pub fn redis_server_version() -> Option<String> {
    let out = Command::new("redis-server").arg("--version").output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A port that was free a moment ago: the kernel picks it for a listener we
/// close at once. Ephemeral ports keep clear of fixed ports other servers on
/// the machine use; the retry in [`Server::start_with`] covers the race.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| format!("cannot find a free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// A new empty directory under the system temp dir, unique per process and call.
fn fresh_dir() -> Result<PathBuf, String> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("ferrodis-test-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}
