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
    /// Split mode: the executor takes up to `n` requests from the ring,
    /// then hands what output fits to the sides' queues.
    Exec {
        n: u16,
    },
    /// Split mode: connection side `side` retries what the full ring
    /// refused and takes up to `n` messages from its queue.
    SideStep {
        side: u8,
        n: u16,
    },
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
            Event::Exec { n } => format!("exec {n}"),
            Event::SideStep { side, n } => format!("side{side} step {n}"),
        }
    }

    /// Whether the shrinker may drop this event. Every event may go; kept
    /// as a hook for events that later fault sources must keep paired.
    pub fn removable(&self) -> bool {
        true
    }
}

/// A running hash of everything the world sent and received, eight bytes
/// per multiply (byte-at-a-time FNV cost a tenth of the simulator's time).
/// Stable across builds and platforms, unlike std's hasher; not for
/// adversaries, only for telling two runs apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceHash(pub u64);

impl Default for TraceHash {
    fn default() -> TraceHash {
        TraceHash(0xcbf2_9ce4_8422_2325)
    }
}

impl TraceHash {
    #[inline]
    fn mix(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    }

    pub fn bytes(&mut self, b: &[u8]) {
        // The length first, so that splits of the same bytes differ.
        self.mix(b.len() as u64);
        le_words(b, |w| self.mix(w));
    }

    pub fn u64(&mut self, v: u64) {
        self.mix(v);
    }
}

/// Calls `f` with `bytes` as little-endian 64-bit words, the last one
/// zero-padded (how the trace hash and the model's key hasher read bytes).
#[inline]
pub(crate) fn le_words(bytes: &[u8], mut f: impl FnMut(u64)) {
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        f(u64::from_le_bytes(c.try_into().expect("8 bytes")));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut tail = [0u8; 8];
        tail[..rest.len()].copy_from_slice(rest);
        f(u64::from_le_bytes(tail));
    }
}
