//! Server commands through real tools and files: `redis-cli MONITOR`
//! prints against ours what it prints against Redis, and CONFIG REWRITE
//! rewrites the file the server was started with as Redis does.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use ferrodis_tests::{Kind, Server};

/// What `redis-cli MONITOR` printed while `commands` ran on another
/// connection, with the timestamps and the client ports masked.
fn monitor_output(server: &Server, commands: &[&[&str]]) -> String {
    let mut child = Command::new("redis-cli")
        .args(["-p", &server.port().to_string(), "monitor"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-cli runs");
    // Until the MONITOR has run: the CLIENT LIST shows its last command.
    let mut c = server.connect();
    for _ in 0..200 {
        let list = c.cmd(&["client", "list"]).unwrap();
        if String::from_utf8_lossy(&list).contains("cmd=monitor") {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    for args in commands {
        c.cmd(args).unwrap();
    }
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    child.wait().unwrap();
    out.lines().map(mask).collect::<Vec<_>>().join("\n")
}

/// `1700000000.123456 [0 127.0.0.1:5555] ...` -> `T [0 127.0.0.1:P] ...`.
fn mask(line: &str) -> String {
    let Some((stamp, rest)) = line.split_once(' ') else { return line.to_string() };
    if !stamp.contains('.') || !stamp.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return line.to_string();
    }
    let rest = match (rest.find(':'), rest.find(']')) {
        (Some(colon), Some(close)) if colon < close => format!("{}P{}", &rest[..=colon], &rest[close..]),
        _ => rest.to_string(),
    };
    format!("T {rest}")
}

#[test]
fn redis_cli_monitor_prints_what_it_prints_against_redis() {
    let commands: &[&[&str]] = &[
        &["set", "k", "a b\"c\x01\u{7f}"],
        &["get", "k"],
        &["select", "2"],
        &["rpush", "l", "1", "", "\n"],
        &["config", "get", "hz"],
        &["nosuchcommand", "x"],
        &["incrby", "n", "12"],
        &["ping"],
    ];
    let ours = monitor_output(&Server::start_target(), commands);
    let redis = monitor_output(&Server::start(Kind::Redis), commands);
    assert_eq!(ours, redis);
    assert!(ours.starts_with("OK\nT [0 127.0.0.1:P] \"set\" \"k\" \"a b\\\"c\\x01\\x7f\""), "{ours}");
}

/// A free loopback port (bound, then released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

const CONFIG_TEXT: &str =
    "# a test config\nport PORT\nsave \"\"\nappendonly no\n\n\nhz 10\nHZ 11\ntimeout 0\n  # indented comment  \n";

/// Starts `program` on a config file in a fresh directory; runs CONFIG SET
/// and CONFIG REWRITE; returns the rewritten text with the port masked.
fn rewrite_with(program: &std::path::Path) -> String {
    let dir = std::env::temp_dir().join(format!("ferrodis-rewrite-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let conf = dir.join("server.conf");
    std::fs::write(&conf, CONFIG_TEXT.replace("PORT", &port.to_string())).unwrap();
    let mut child = Command::new(program)
        .arg(&conf)
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server runs");
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut conn = None;
    for _ in 0..300 {
        if let Ok(c) = ferrodis_tests::RespConn::connect(addr) {
            conn = Some(c);
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut c = conn.expect("server answers");
    let set = c.cmd(&["config", "set", "hz", "12", "timeout", "5", "slowlog-max-len", "7"]);
    assert_eq!(set.unwrap(), b"+OK\r\n");
    assert_eq!(c.cmd(&["config", "rewrite"]).unwrap(), b"+OK\r\n");
    let text = std::fs::read_to_string(&conf).unwrap();
    let _ = c.cmd(&["shutdown", "nosave"]);
    let _ = child.wait();
    // The rewritten file starts the server again with the new values.
    let port2 = free_port();
    let mut child = Command::new(program)
        .arg(&conf)
        .args(["--port", &port2.to_string()])
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port2));
    let mut conn = None;
    for _ in 0..300 {
        if let Ok(c) = ferrodis_tests::RespConn::connect(addr) {
            conn = Some(c);
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut c = conn.expect("server restarts from the rewritten file");
    assert_eq!(c.cmd(&["config", "get", "slowlog-max-len"]).unwrap(), b"*2\r\n$15\r\nslowlog-max-len\r\n$1\r\n7\r\n");
    assert_eq!(c.cmd(&["config", "get", "hz"]).unwrap(), b"*2\r\n$2\r\nhz\r\n$2\r\n12\r\n");
    let _ = c.cmd(&["shutdown", "nosave"]);
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    text.replace(&port.to_string(), "PORT")
}

#[test]
fn config_rewrite_keeps_the_file_and_rewrites_in_place_as_redis() {
    let ours = match Kind::target_from_env() {
        Kind::Redis => rewrite_with(&ferrodis_tests::server::redis_server_program().unwrap()),
        _ => rewrite_with(&ferrodis_tests::binary::server_binary()),
    };
    let redis = rewrite_with(&ferrodis_tests::server::redis_server_program().unwrap());
    // Everything up to the signature is the old file rewritten in place
    // (comments kept and trimmed, the duplicate `HZ 11` blanked, blank
    // runs collapsed): byte for byte Redis's.
    let head = |t: &str| t[..t.find("# Generated by CONFIG REWRITE\n").expect("signature") + 30].to_string();
    assert_eq!(head(&ours), head(&redis));
    assert_eq!(
        head(&ours),
        "# a test config\nport PORT\nsave \"\"\nappendonly no\n\nhz 12\n\ntimeout 5\n# indented comment\n\n\
         # Generated by CONFIG REWRITE\n"
    );
    // Below it, the non-default options. Redis also writes its ACL user
    // and its absolute `dir`, and it orders the lines by its hash table.
    let tail = |t: &str| -> Vec<String> {
        let mut lines: Vec<String> = t[head(t).len()..]
            .lines()
            .filter(|l| !l.starts_with("user ") && !l.starts_with("dir "))
            .map(String::from)
            .collect();
        lines.sort();
        lines
    };
    assert_eq!(tail(&ours), tail(&redis));
    assert!(tail(&ours).contains(&"slowlog-max-len 7".to_string()), "{ours}");
}
