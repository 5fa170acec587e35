//! Fault sources, one module each. Each module's doc lists exactly the
//! faults it may inject; its options are drawn per seed (swarm testing: a
//! class is switched on or off, then its intensity drawn) and it counts
//! what it injected. Adding a fault source is adding one module here and
//! one field in [`crate::swarm::Options`].
//!
pub mod clock;
pub mod disk;
pub mod network;

/// Faults injected during one run, per class (summed over a sweep).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultCounts {
    pub split_sends: u64,
    pub split_reads: u64,
    pub disconnects: u64,
    pub mid_command_disconnects: u64,
    pub clock_jumps_forward: u64,
    pub clock_jumps_backward: u64,
    pub extra_ticks: u64,
    /// Runs of the split composition (connection sides and executor apart).
    pub split_runs: u64,
    /// Executor steps and connection-side steps scheduled in split runs.
    pub exec_steps: u64,
    pub side_steps: u64,
    /// Runs with the AOF on a simulated disk, and what the disk injected.
    pub aof_runs: u64,
    pub disk: disk::DiskCounts,
    /// Rewrites installed and restarts (each after a crash) in AOF runs.
    pub rewrites: u64,
    pub restarts: u64,
    /// Blocking commands (not faults, coverage): clients that blocked, and
    /// how each block ended (served by another client's write, timed out,
    /// CLIENT UNBLOCK, or the connection closed while blocked).
    pub blocks: u64,
    pub blocks_served: u64,
    pub blocks_timed_out: u64,
    pub blocks_unblocked: u64,
    pub blocks_closed: u64,
}

impl FaultCounts {
    pub fn add(&mut self, o: &FaultCounts) {
        self.split_sends += o.split_sends;
        self.split_reads += o.split_reads;
        self.disconnects += o.disconnects;
        self.mid_command_disconnects += o.mid_command_disconnects;
        self.clock_jumps_forward += o.clock_jumps_forward;
        self.clock_jumps_backward += o.clock_jumps_backward;
        self.extra_ticks += o.extra_ticks;
        self.split_runs += o.split_runs;
        self.exec_steps += o.exec_steps;
        self.side_steps += o.side_steps;
        self.aof_runs += o.aof_runs;
        self.rewrites += o.rewrites;
        self.restarts += o.restarts;
        self.blocks += o.blocks;
        self.blocks_served += o.blocks_served;
        self.blocks_timed_out += o.blocks_timed_out;
        self.blocks_unblocked += o.blocks_unblocked;
        self.blocks_closed += o.blocks_closed;
        let (d, e) = (&mut self.disk, &o.disk);
        d.crashes += e.crashes;
        d.torn_tails += e.torn_tails;
        d.zeroed_tails += e.zeroed_tails;
        d.lost_dir_ops += e.lost_dir_ops;
        d.failed_fsyncs += e.failed_fsyncs;
        d.failed_appends += e.failed_appends;
    }

    pub fn total(&self) -> u64 {
        self.split_sends
            + self.split_reads
            + self.disconnects
            + self.clock_jumps_forward
            + self.clock_jumps_backward
            + self.extra_ticks
            + self.disk.crashes
            + self.disk.failed_fsyncs
            + self.disk.failed_appends
    }

    pub fn summary(&self) -> String {
        let mut s = format!(
            "split_sends={} split_reads={} disconnects={} (mid_command={}) clock_jumps_fwd={} clock_jumps_back={} extra_ticks={} split_runs={} exec_steps={} side_steps={}",
            self.split_sends,
            self.split_reads,
            self.disconnects,
            self.mid_command_disconnects,
            self.clock_jumps_forward,
            self.clock_jumps_backward,
            self.extra_ticks,
            self.split_runs,
            self.exec_steps,
            self.side_steps
        );
        if self.blocks > 0 {
            s.push_str(&format!(
                " blocks={} (served={} timed_out={} unblocked={} closed={})",
                self.blocks, self.blocks_served, self.blocks_timed_out, self.blocks_unblocked, self.blocks_closed
            ));
        }
        if self.aof_runs > 0 {
            let d = &self.disk;
            s.push_str(&format!(
                " aof_runs={} rewrites={} crashes={} restarts={} torn_tails={} zeroed_tails={} lost_dir_ops={} failed_fsyncs={} failed_appends={}",
                self.aof_runs, self.rewrites, d.crashes, self.restarts, d.torn_tails, d.zeroed_tails, d.lost_dir_ops, d.failed_fsyncs, d.failed_appends
            ));
        }
        s
    }
}
