//! The engine's side of giving memory back: MEMORY PURGE and the tick ask
//! the driver through `Engine::poll_memory_purge`, and INFO memory reports
//! the driver's figures the way Redis does.

mod common;

use ferrodis_engine::exec::HostStats;
use ferrodis_engine::limits::MEMORY_PURGE_INTERVAL_MS;
use ferrodis_engine::{Config, Engine};

const T0_MS: u64 = 1_700_000_000_000;
const MB: u64 = 1 << 20;

fn figures(rss_bytes: u64, used_bytes: u64) -> HostStats {
    HostStats { used_memory_bytes: used_bytes, used_memory_rss_bytes: rss_bytes, ..HostStats::default() }
}

#[test]
fn memory_purge_asks_the_driver_once() {
    let mut engine = Engine::new(Config::default(), T0_MS);
    let c = common::open(&mut engine, T0_MS);
    assert!(!engine.poll_memory_purge());
    let reply = common::exchange(&mut engine, c, &common::encode(&["MEMORY", "PURGE"]), T0_MS);
    assert_eq!(reply, b"+OK\r\n");
    assert!(engine.poll_memory_purge());
    assert!(!engine.poll_memory_purge(), "one purge per MEMORY PURGE");
}

#[test]
fn the_tick_asks_when_freed_memory_stays_resident() {
    let mut engine = Engine::new(Config::default(), T0_MS);
    engine.handle_host_stats(figures(11 * MB, MB));
    engine.handle_tick(T0_MS);
    assert!(!engine.poll_memory_purge());
    // A 100 MB value, resident and allocated: nothing to give back.
    engine.handle_host_stats(figures(111 * MB, 101 * MB));
    engine.handle_tick(T0_MS + MEMORY_PURGE_INTERVAL_MS);
    assert!(!engine.poll_memory_purge());
    // Deleted, still resident: the tick asks.
    engine.handle_host_stats(figures(111 * MB, MB));
    engine.handle_tick(T0_MS + 2 * MEMORY_PURGE_INTERVAL_MS);
    assert!(engine.poll_memory_purge());
    // The driver purged and fed fresh figures: nothing more to ask.
    engine.handle_host_stats(figures(11 * MB, MB));
    engine.handle_tick(T0_MS + 4 * MEMORY_PURGE_INTERVAL_MS);
    assert!(!engine.poll_memory_purge());
    // Without host figures (the simulator) only MEMORY PURGE asks.
    let mut quiet = Engine::new(Config::default(), T0_MS);
    for i in 0..10 {
        quiet.handle_tick(T0_MS + i * MEMORY_PURGE_INTERVAL_MS);
        assert!(!quiet.poll_memory_purge());
    }
}

#[test]
fn info_used_memory_is_live_and_the_ratio_is_the_samples() {
    fn live() -> u64 {
        3_000_000
    }
    let mut engine = Engine::new(Config::default(), T0_MS);
    let c = common::open(&mut engine, T0_MS);
    engine.handle_host_stats(HostStats { used_memory_now: Some(live), ..figures(8_000_000, 2_000_000) });
    let info = common::exchange(&mut engine, c, &common::encode(&["INFO", "memory"]), T0_MS);
    let info = String::from_utf8(info).expect("INFO is text");
    for want in [
        "\r\nused_memory:3000000\r\n",
        "\r\nused_memory_rss:8000000\r\n",
        "\r\nused_memory_peak:3000000\r\n",
        // Redis divides the cron sample: 8,000,000 / 2,000,000.
        "\r\nmem_fragmentation_ratio:4.00\r\n",
        "\r\nmem_fragmentation_bytes:6000000\r\n",
    ] {
        assert!(info.contains(want), "{want:?} missing from {info}");
    }
}
