//! `redis-cli SUBSCRIBE` and `PSUBSCRIBE` as a child process, against our
//! server and against `redis-server`: the same messages published to both,
//! and what redis-cli prints must be the same bytes.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ferrodis_tests::server::Kind;
use ferrodis_tests::Server;

/// Runs `redis-cli -p <port> <args>`, waits until it is subscribed
/// (`probe` is the PUBSUB query that turns to `subscribed`), publishes
/// `messages`, then stops redis-cli and returns what it printed.
fn cli_output(server: &Server, args: &[&str], probe: &[&str], subscribed: &[u8], messages: &[(&str, &str)]) -> String {
    let mut child = Command::new("redis-cli")
        .arg("-p")
        .arg(server.port().to_string())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-cli runs");
    let mut conn = server.connect();
    let deadline = Instant::now() + Duration::from_secs(10);
    while conn.cmd(probe).unwrap() != subscribed {
        assert!(Instant::now() < deadline, "{}: redis-cli never subscribed", server.kind().name());
        std::thread::sleep(Duration::from_millis(20));
    }
    for (channel, message) in messages {
        conn.cmd(&["PUBLISH", channel, message]).unwrap();
    }
    // Let redis-cli print the last message, then stop it.
    std::thread::sleep(Duration::from_millis(300));
    child.kill().expect("redis-cli stops");
    let mut out = String::new();
    child.stdout.take().expect("piped").read_to_string(&mut out).unwrap();
    child.wait().unwrap();
    out
}

fn compare(args: &[&str], probe: &[&str], subscribed: &[u8], messages: &[(&str, &str)]) {
    let ours = Server::start_target();
    let redis = Server::start(Kind::Redis);
    let got = cli_output(&ours, args, probe, subscribed, messages);
    let want = cli_output(&redis, args, probe, subscribed, messages);
    assert_eq!(got, want, "redis-cli {args:?} printed differently");
    assert!(!want.is_empty());
}

#[test]
fn redis_cli_subscribe_prints_what_it_prints_against_redis() {
    compare(
        &["SUBSCRIBE", "ch1", "ch 2"],
        &["PUBSUB", "NUMSUB", "ch 2"],
        b"*2\r\n$4\r\nch 2\r\n:1\r\n",
        &[("ch1", "hello"), ("ch 2", "two words"), ("other", "unseen"), ("ch1", "")],
    );
}

#[test]
fn redis_cli_psubscribe_prints_what_it_prints_against_redis() {
    compare(
        &["PSUBSCRIBE", "c*", "n?ws"],
        &["PUBSUB", "NUMPAT"],
        b":2\r\n",
        &[("ch1", "a"), ("news", "b"), ("x", "c")],
    );
}
