//! A subscriber that never reads while a publisher floods its channel: the
//! server must cut it at its `client-output-buffer-limit` (the pubsub
//! class's default hard limit, 32 MB) and its memory must stay bounded.
//!
//! The same flood runs against `ferrodis-server` (one thread and with I/O
//! threads) and against `redis-server`; each run prints the server's peak
//! RSS growth over its RSS before the flood (from `/proc/<pid>/status`
//! VmRSS), so the figures can be compared. Both must cut the subscriber,
//! log Redis's line, and stay under the same bound.

use std::time::{Duration, Instant};

use ferrodis_tests::resp::encode_command;
use ferrodis_tests::server::Kind;
use ferrodis_tests::Server;

/// Payload of one message.
const MESSAGE_BYTES: usize = 8 * 1024;
/// PUBLISH commands sent before their replies are read.
const BATCH: usize = 64;
/// Give up (the subscriber was never cut) after publishing this much.
const FLOOD_MAX_BYTES: usize = 1 << 30;
/// The pubsub hard limit by default.
const HARD_LIMIT_BYTES: u64 = 32 << 20;
/// Bound on the RSS growth during the flood: the subscriber's output (the
/// hard limit plus 16 KB and one message, wherever it waits: executor,
/// ring or connection; see `engine/src/obuf.rs`), and as much again for
/// the allocator: with I/O threads, reply buffers are allocated on the
/// executor's thread and freed on an I/O thread, which mimalloc hands back
/// lazily.
const RSS_GROWTH_MAX_BYTES: u64 = 2 * HARD_LIMIT_BYTES;

fn rss_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/<pid>/status");
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("a VmRSS line");
    let kb: u64 = line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("VmRSS in kB");
    kb * 1024
}

/// What one flood measured.
struct Flood {
    published_bytes: usize,
    rss_before_bytes: u64,
    rss_peak_bytes: u64,
}

fn flood(server: &Server) -> Flood {
    let pid = server.pid();
    let mut sub = server.connect();
    assert_eq!(sub.cmd(&["SUBSCRIBE", "flood"]).unwrap(), b"*3\r\n$9\r\nsubscribe\r\n$5\r\nflood\r\n:1\r\n");
    let mut publisher = server.connect();
    let rss_before_bytes = rss_bytes(pid);
    let mut rss_peak_bytes = rss_before_bytes;
    let command = encode_command(&[b"PUBLISH".to_vec(), b"flood".to_vec(), vec![b'm'; MESSAGE_BYTES]]);
    let batch: Vec<u8> = command.repeat(BATCH);
    let mut published_bytes = 0;
    let started = Instant::now();
    'flood: loop {
        assert!(published_bytes < FLOOD_MAX_BYTES, "{}: the subscriber was never cut", server.kind().name());
        assert!(started.elapsed() < Duration::from_secs(120), "{}: the flood took too long", server.kind().name());
        publisher.send(&batch).unwrap();
        for _ in 0..BATCH {
            let reply = publisher.read_reply().unwrap();
            rss_peak_bytes = rss_peak_bytes.max(rss_bytes(pid));
            match reply.as_slice() {
                b":1\r\n" => published_bytes += MESSAGE_BYTES,
                b":0\r\n" => {
                    // Cut: read the replies of the rest of the batch.
                    for _ in 0..BATCH {
                        if publisher.read_reply_within(Duration::from_millis(200)).is_err() {
                            break;
                        }
                    }
                    break 'flood;
                }
                other => panic!("PUBLISH answered {}", String::from_utf8_lossy(other)),
            }
        }
    }
    // What the kernel buffered before the cut still arrives, then the end.
    let (_, closed) = sub.read_until_closed(Duration::from_secs(10)).unwrap();
    assert!(closed, "{}: the cut subscriber's socket was not closed", server.kind().name());
    assert_eq!(publisher.cmd(&["PUBSUB", "NUMSUB", "flood"]).unwrap(), b"*2\r\n$5\r\nflood\r\n:0\r\n");
    Flood { published_bytes, rss_before_bytes, rss_peak_bytes }
}

fn run(kind: Kind, args: &[&str], label: &str) -> u64 {
    let server = Server::start_with(kind, args);
    let f = flood(&server);
    let growth = f.rss_peak_bytes.saturating_sub(f.rss_before_bytes);
    println!(
        "{label}: subscriber cut after {:.1} MB published; RSS before {:.1} MB, peak {:.1} MB (+{:.1} MB)",
        f.published_bytes as f64 / 1048576.0,
        f.rss_before_bytes as f64 / 1048576.0,
        f.rss_peak_bytes as f64 / 1048576.0,
        growth as f64 / 1048576.0,
    );
    assert!(
        f.published_bytes as u64 >= HARD_LIMIT_BYTES - MESSAGE_BYTES as u64,
        "{label}: cut before the hard limit ({} bytes)",
        f.published_bytes
    );
    assert!(growth < RSS_GROWTH_MAX_BYTES, "{label}: RSS grew by {growth} bytes");
    let log = server.log();
    assert!(
        log.contains("scheduled to be closed ASAP for overcoming of output buffer limits."),
        "{label}: no cut logged:\n{log}"
    );
    growth
}

#[test]
fn a_subscriber_that_never_reads_is_cut_and_memory_stays_bounded() {
    let ours = run(Kind::target_from_env(), &[], "ours (one thread)");
    let ours_threaded = run(Kind::target_from_env(), &["--io-threads", "2"], "ours (--io-threads 2)");
    let redis = run(Kind::Redis, &[], "redis-server 7.0.15");
    println!(
        "peak RSS growth: ours {:.1} MB, ours threaded {:.1} MB, redis {:.1} MB",
        ours as f64 / 1048576.0,
        ours_threaded as f64 / 1048576.0,
        redis as f64 / 1048576.0
    );
}
