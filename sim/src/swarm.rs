//! Everything a seed decides before the run starts (TigerBeetle's
//! `options_swarm`): clients, pipelining, ring capacity, key space, the
//! command mix, and for each fault class whether it is on and how hard.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::fault::clock::ClockOptions;
use crate::fault::network::NetOptions;

#[derive(Clone, Debug)]
pub struct Options {
    pub clients: usize,
    /// Commands a client may have sent and not yet seen answered.
    pub pipeline_max: usize,
    pub ring_capacity: usize,
    pub keyspace: u64,
    pub dbs_used: i64,
    /// Percent of template commands made malformed.
    pub bad_pct: u32,
    /// Percent of commands sent in the inline form (when the engine speaks it).
    pub inline_pct: u32,
    /// Percent of millisecond expiries set only a few ms ahead.
    pub short_expiry_pct: u32,
    pub net: NetOptions,
    pub clock: ClockOptions,
    /// Whether the command mix itself is swarmed (templates switched off).
    pub swarm_mix: bool,
    /// Percent of commands drawn from the extra templates (connection and
    /// server introspection). Set by `World::new` from a separate random
    /// stream, so that the draws above are the same with or without them.
    pub extra_pct: u32,
}

impl Options {
    /// Options for a seed with every fault class drawn.
    pub fn swarm(rng: &mut ChaCha8Rng) -> Options {
        Options {
            clients: rng.gen_range(1..=6),
            pipeline_max: *[1usize, 2, 8, 32].get(rng.gen_range(0..4)).expect("in range"),
            ring_capacity: *[1usize, 2, 3, 16, 4096].get(rng.gen_range(0..5)).expect("in range"),
            keyspace: *[3u64, 8, 40, 1000].get(rng.gen_range(0..4)).expect("in range"),
            dbs_used: rng.gen_range(1..=3),
            bad_pct: rng.gen_range(0..8),
            inline_pct: if rng.gen_bool(0.3) { rng.gen_range(1..50) } else { 0 },
            net: NetOptions::swarm(rng),
            short_expiry_pct: [0, 10, 40][rng.gen_range(0..3)],
            clock: ClockOptions::swarm(rng),
            swarm_mix: true,
            extra_pct: 0,
        }
    }

    /// No faults: one client, whole sends and reads, default ring, clock
    /// steps only. For throughput measurements.
    pub fn no_faults(_rng: &mut ChaCha8Rng) -> Options {
        Options {
            clients: 1,
            pipeline_max: 32,
            ring_capacity: 4096,
            keyspace: 1000,
            dbs_used: 1,
            bad_pct: 0,
            inline_pct: 0,
            short_expiry_pct: 10,
            net: NetOptions::none(),
            clock: ClockOptions::none(),
            swarm_mix: false,
            extra_pct: 0,
        }
    }
}

/// How a split run is scheduled (see `crate::machine`): drawn from its own
/// random stream, so one-thread runs draw exactly what they drew before
/// split mode existed.
#[derive(Clone, Debug)]
pub struct SplitOptions {
    /// Connection sides (I/O threads).
    pub sides: usize,
    /// Capacity of each side's message queue (the request queue takes
    /// `Options::ring_capacity`).
    pub msg_capacity: usize,
    /// Percent of scheduler steps that step the executor, and a side.
    pub exec_pct: u32,
    pub side_pct: u32,
    /// Most requests (messages) one executor (side) step takes.
    pub batch_max: u16,
}

impl SplitOptions {
    pub fn draw(rng: &mut ChaCha8Rng) -> SplitOptions {
        SplitOptions {
            sides: rng.gen_range(1..=3),
            msg_capacity: *[1usize, 2, 3, 16, 4096].get(rng.gen_range(0..5)).expect("in range"),
            exec_pct: [5, 15, 30][rng.gen_range(0..3)],
            side_pct: [5, 15, 30][rng.gen_range(0..3)],
            batch_max: [1, 4, 64][rng.gen_range(0..3)],
        }
    }
}

/// Which composition a run uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The seed decides (half of the seeds run split).
    Seed,
    /// `Engine`, the one-thread composition.
    One,
    /// Connection sides and executor apart.
    Split,
}
