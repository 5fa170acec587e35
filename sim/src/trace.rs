//! The trace: what happened in a run, as [`Event`]s that can be replayed
//! (shrinking) and as a running hash (the determinism gate).

use crate::cmd::Cmd;

/// Which part a SCAN command plays in a scan session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanStep {
    /// Not part of a session.
    None,
    /// `SCAN 0 ...`: starts a session.
    Start,
    /// The next call, with the cursor the previous reply returned (filled in
    /// when the event is applied).
    Continue,
}

/// One input of the world. Lengths are clamped when applied, so that a
/// shrunk trace (events removed) still replays.
#[derive(Clone, Debug)]
pub enum Event {
    Open {
        client: u8,
    },
    /// The client writes a command into its send buffer.
    Send {
        client: u8,
        cmd: Cmd,
        scan: ScanStep,
        inline: bool,
    },
    /// Up to `len` buffered bytes reach the engine.
    Deliver {
        client: u8,
        len: u32,
    },
    /// The client reads up to `len` reply bytes.
    Read {
        client: u8,
        len: u32,
    },
    /// The client closes its connection (whatever it was doing).
    Close {
        client: u8,
    },
    /// The clock moves by `delta_ms` (backward moves are clamped).
    Clock {
        delta_ms: i64,
    },
    Tick,
}

impl Event {
    pub fn render(&self) -> String {
        match self {
            Event::Open { client } => format!("c{client} open"),
            Event::Send { client, cmd, scan, inline } => {
                let mut s = format!("c{client} send {}", cmd.render());
                if *scan != ScanStep::None {
                    s.push_str(&format!(" [{scan:?}]"));
                }
                if *inline {
                    s.push_str(" [inline]");
                }
                s
            }
            Event::Deliver { client, len } => format!("c{client} deliver {len}"),
            Event::Read { client, len } => format!("c{client} read {len}"),
            Event::Close { client } => format!("c{client} close"),
            Event::Clock { delta_ms } => format!("clock {delta_ms:+}ms"),
            Event::Tick => "tick".into(),
        }
    }

    /// Whether the shrinker may drop this event. Every event may go; kept
    /// as a hook for events that later fault sources must keep paired.
    pub fn removable(&self) -> bool {
        true
    }
}

/// FNV-1a, 64 bit: stable across builds and platforms, unlike std's hasher.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceHash(pub u64);

impl Default for TraceHash {
    fn default() -> TraceHash {
        TraceHash(0xcbf2_9ce4_8422_2325)
    }
}

impl TraceHash {
    pub fn bytes(&mut self, b: &[u8]) {
        let mut h = self.0;
        for &x in b {
            h ^= x as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }

    pub fn u64(&mut self, v: u64) {
        self.bytes(&v.to_le_bytes());
    }
}
