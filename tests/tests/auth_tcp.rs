//! AUTH from the command line and protected mode, end to end over TCP:
//! `ferrodis-server` and a real `redis-server` started with the same
//! options must send the same bytes. (CONFIG SET requirepass and the rest
//! of AUTH are in `tests/diff/auth.txt`.)

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::time::Duration;

use ferrodis_tests::{Kind, RespConn, Server};

/// The servers the comparison runs on, started with `args`.
fn pair(args: &[&str]) -> [Server; 2] {
    [Server::start_with(Kind::Redis, args), Server::start_with(Kind::target_from_env(), args)]
}

#[test]
fn requirepass_on_the_command_line() {
    let servers = pair(&["--requirepass", "pw"]);
    let replies: Vec<Vec<Vec<u8>>> = servers
        .iter()
        .map(|s| {
            let mut c = RespConn::connect(s.addr()).unwrap();
            let script: &[&[&str]] = &[
                &["PING"],
                &["AUTH", "nope"],
                &["AUTH", "default", "nope"],
                &["AUTH", "pw"],
                &["PING"],
                &["CONFIG", "GET", "requirepass"],
                &["ACL", "WHOAMI"],
            ];
            script.iter().map(|args| c.cmd(args).unwrap()).collect()
        })
        .collect();
    assert_eq!(replies[0], replies[1], "{} vs {}", servers[0].kind().name(), servers[1].kind().name());
    assert_eq!(replies[1][0], b"-NOAUTH Authentication required.\r\n");
    assert_eq!(replies[1][4], b"+PONG\r\n");
}

/// This host's address toward the outside (no packet is sent: a UDP
/// socket's connect only picks the route), if it has one.
fn non_loopback_ipv4() -> Option<IpAddr> {
    let s = UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[test]
fn protected_mode_refuses_a_remote_client() {
    let Some(ip) = non_loopback_ipv4() else {
        // Nothing but loopback: no client here can be remote.
        eprintln!("no non-loopback IPv4 address on this host: protected mode cannot be exercised");
        return;
    };
    let servers = pair(&["--bind", "0.0.0.0"]);
    let mut got = Vec::new();
    for s in &servers {
        let mut remote = RespConn::connect(SocketAddr::new(ip, s.port())).unwrap();
        remote.send(b"PING\r\n").unwrap();
        let (bytes, closed) = remote.read_until_closed(Duration::from_secs(5)).unwrap();
        assert!(closed, "{}: the refused connection stayed open", s.kind().name());
        let mut local = RespConn::connect(s.addr()).unwrap();
        assert_eq!(local.cmd(&["PING"]).unwrap(), b"+PONG\r\n");
        let stats = local.cmd(&["INFO", "stats"]).unwrap();
        assert!(
            String::from_utf8_lossy(&stats).contains("\r\nrejected_connections:1\r\n"),
            "{}: the refusal is not counted",
            s.kind().name()
        );
        got.push(bytes);
    }
    assert!(got[0].starts_with(b"-DENIED Redis is running in protected mode"));
    assert_eq!(String::from_utf8_lossy(&got[0]), String::from_utf8_lossy(&got[1]));
    // A password lifts it.
    let servers = pair(&["--bind", "0.0.0.0", "--requirepass", "pw"]);
    for s in &servers {
        let mut remote = RespConn::connect(SocketAddr::new(ip, s.port())).unwrap();
        assert_eq!(remote.cmd(&["AUTH", "pw"]).unwrap(), b"+OK\r\n", "{}", s.kind().name());
    }
}
