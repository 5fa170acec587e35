//! Network faults. This source may inject exactly:
//! - **split sends**: a client's bytes reach the engine in chunks of
//!   1..=`send_chunk_max` bytes (often a single byte), across command
//!   boundaries; without it each delivery carries all pending bytes;
//! - **split reads**: replies are read in chunks of 1..=`read_chunk_max`
//!   bytes; without it a read takes everything pending;
//! - **slow readers**: reads are rarer than sends, so replies pile up and
//!   clients pipeline deep;
//! - **disconnects**: a client closes its connection at a random point,
//!   possibly in the middle of a command and with replies unread, and
//!   reconnects later (QUIT is a workload command, not a fault).
//!
//! Interleaving of clients is not a fault: the world's scheduler always
//! picks a random client for each step.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

#[derive(Clone, Debug)]
pub struct NetOptions {
    pub split_sends: bool,
    pub send_chunk_max: u32,
    /// Percent of split sends that carry exactly one byte.
    pub one_byte_pct: u32,
    pub split_reads: bool,
    pub read_chunk_max: u32,
    /// Relative weight of reads against sends (slow readers: low).
    pub read_weight: u32,
    /// Chance per client step of a disconnect, per mille.
    pub disconnect_per_mille: u32,
}

impl NetOptions {
    /// No faults: whole sends, whole reads, no disconnects.
    pub fn none() -> NetOptions {
        NetOptions {
            split_sends: false,
            send_chunk_max: u32::MAX,
            one_byte_pct: 0,
            split_reads: false,
            read_chunk_max: u32::MAX,
            read_weight: 4,
            disconnect_per_mille: 0,
        }
    }

    pub fn swarm(rng: &mut ChaCha8Rng) -> NetOptions {
        let split_sends = rng.gen_bool(0.6);
        let split_reads = rng.gen_bool(0.5);
        NetOptions {
            split_sends,
            send_chunk_max: *[2u32, 7, 16, 64, 512].get(rng.gen_range(0..5)).expect("in range"),
            one_byte_pct: if split_sends { rng.gen_range(0..60) } else { 0 },
            split_reads,
            read_chunk_max: *[1u32, 5, 33, 300].get(rng.gen_range(0..4)).expect("in range"),
            read_weight: if rng.gen_bool(0.3) { 1 } else { 4 },
            disconnect_per_mille: if rng.gen_bool(0.4) { rng.gen_range(1..20) } else { 0 },
        }
    }

    /// How many of `available` bytes the next delivery carries.
    pub fn send_len(&self, rng: &mut ChaCha8Rng, available: usize) -> u32 {
        if !self.split_sends || available <= 1 {
            return available as u32;
        }
        if rng.gen_range(0..100) < self.one_byte_pct {
            return 1;
        }
        rng.gen_range(1..=self.send_chunk_max.min(available as u32))
    }

    /// How many of `available` reply bytes the next read takes.
    pub fn read_len(&self, rng: &mut ChaCha8Rng, available: usize) -> u32 {
        if !self.split_reads || available <= 1 {
            return available as u32;
        }
        rng.gen_range(1..=self.read_chunk_max.min(available as u32))
    }

    pub fn disconnect_now(&self, rng: &mut ChaCha8Rng) -> bool {
        self.disconnect_per_mille > 0 && rng.gen_range(0..1000) < self.disconnect_per_mille
    }
}
