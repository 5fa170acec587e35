//! PING latency while `redis-cli --pipe` grows the keyspace.
//!
//! One connection sends `PING` and waits for `+PONG`, then sleeps
//! `--interval-us` (500 by default) and sends the next, for as long as a
//! `redis-cli -p PORT --pipe` child loads `--keys` `SET <prefix>:<n> v`
//! commands (generated here, streamed to its stdin). With `--distinct K` the
//! load cycles over K keys (no growth once they exist): the control run.
//! It prints one line:
//!
//! ```text
//! pings=N p50_ms=.. p99_ms=.. p999_ms=.. max_ms=.. load_s=..
//! ```
//!
//! Std only, so `tests/bench/bench.sh` builds it with a bare `rustc -O`:
//!
//! ```sh
//! rustc -O --edition 2021 tests/bench/growth_probe.rs -o /tmp/growth_probe
//! /tmp/growth_probe --port 7000 --keys 8000000
//! ```

use std::io::{BufWriter, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Args {
    port: u16,
    keys: u64,
    distinct: Option<u64>,
    prefix: String,
    interval_us: u64,
}

fn parse_args() -> Args {
    let mut a = Args { port: 0, keys: 8_000_000, distinct: None, prefix: "grow".into(), interval_us: 500 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let v = it.next().unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        let num = || v.parse::<u64>().unwrap_or_else(|_| usage(&format!("{flag}: not a number: {v}")));
        match flag.as_str() {
            "--port" => a.port = num() as u16,
            "--keys" => a.keys = num(),
            "--distinct" => a.distinct = Some(num().max(1)),
            "--prefix" => a.prefix = v.clone(),
            "--interval-us" => a.interval_us = num(),
            _ => usage(&format!("unknown option {flag}")),
        }
    }
    if a.port == 0 {
        usage("--port is required");
    }
    a
}

fn usage(msg: &str) -> ! {
    eprintln!("growth_probe: {msg}");
    eprintln!("usage: growth_probe --port P [--keys N] [--distinct K] [--prefix P] [--interval-us U]");
    std::process::exit(2)
}

/// Streams the SET commands into `out` (redis-cli's stdin).
fn write_load(out: impl Write, a: &Args) -> std::io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 20, out);
    let mut key = Vec::with_capacity(64);
    for i in 0..a.keys {
        let n = a.distinct.map_or(i, |k| i % k);
        key.clear();
        write!(key, "{}:{}", a.prefix, n)?;
        write!(w, "*3\r\n$3\r\nSET\r\n${}\r\n", key.len())?;
        w.write_all(&key)?;
        w.write_all(b"\r\n$1\r\nv\r\n")?;
    }
    w.flush()
}

/// Sends PING until `done`, returning each round trip in microseconds.
fn ping_loop(port: u16, interval: Duration, done: &AtomicBool) -> Vec<u64> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect for PING");
    s.set_nodelay(true).expect("nodelay");
    let mut rtts = Vec::with_capacity(1 << 16);
    let mut buf = [0u8; 64];
    while !done.load(Ordering::Relaxed) {
        let t0 = Instant::now();
        s.write_all(b"PING\r\n").expect("send PING");
        let mut got = 0;
        while got < 7 {
            let n = s.read(&mut buf[got..]).expect("read PONG");
            assert!(n > 0, "server closed the PING connection");
            got += n;
        }
        assert_eq!(&buf[..7], b"+PONG\r\n", "unexpected reply to PING");
        rtts.push(t0.elapsed().as_micros() as u64);
        std::thread::sleep(interval);
    }
    rtts
}

fn main() {
    let a = parse_args();
    let done = Arc::new(AtomicBool::new(false));
    let pinger = {
        let done = Arc::clone(&done);
        let (port, interval) = (a.port, Duration::from_micros(a.interval_us));
        std::thread::spawn(move || ping_loop(port, interval, &done))
    };
    // Let the pinger settle on an idle server first.
    std::thread::sleep(Duration::from_millis(200));
    let t0 = Instant::now();
    let mut child = Command::new("redis-cli")
        .args(["-p", &a.port.to_string(), "--pipe"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn redis-cli --pipe");
    let stdin = child.stdin.take().expect("child stdin");
    write_load(stdin, &a).expect("write the load to redis-cli");
    let status = child.wait().expect("wait for redis-cli");
    let load_s = t0.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let mut rtts = pinger.join().expect("pinger thread");
    assert!(status.success(), "redis-cli --pipe failed: {status}");
    rtts.sort_unstable();
    let pct = |p: f64| {
        let i = ((rtts.len() as f64 * p).ceil() as usize).clamp(1, rtts.len()) - 1;
        rtts[i] as f64 / 1000.0
    };
    println!(
        "pings={} p50_ms={:.3} p99_ms={:.3} p999_ms={:.3} max_ms={:.3} load_s={:.2}",
        rtts.len(),
        pct(0.50),
        pct(0.99),
        pct(0.999),
        pct(1.0),
        load_s
    );
}
