//! Transactions in the workload. A seed draws how often a client starts
//! one (`tx_pct`, from its own random stream: a seed that draws 0 runs as
//! before transactions existed). A transaction is sent one command per
//! send event, so other clients' commands interleave with it: sometimes
//! `WATCH` of a few hot keys first (sometimes of one just set to expire
//! within 200 ms, so that it may expire before EXEC), then `MULTI`, up to four commands
//! from [`TX_SAFE`] (or one refused at queue time: an arity error or an
//! unknown command), then `EXEC`, or `DISCARD`.
//!
//! The model runs the queue at EXEC (`model/multi.rs`), so the checker
//! sees every reply of the transaction at once, and the WATCH outcome is
//! checked against what other clients (and expiry) did meanwhile.

use rand::Rng;

use super::World;
use crate::cmd::Cmd;
use crate::workload::{self, Gen};

/// The random stream transactions draw from.
pub(super) const TX_STREAM: u64 = 6;

/// Where a client is in the transaction it is sending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TxStage {
    /// WATCH this hot key (just set with a short expiry).
    Watch(u64),
    Multi,
    /// Commands still to queue before EXEC or DISCARD.
    Body(u8),
}

/// Templates drawn inside a transaction: replies the model knows exactly
/// (no random picks, no scans, no blocking).
const TX_SAFE: &[&str] = &[
    "set",
    "get",
    "incr",
    "incrby",
    "decr",
    "append",
    "del",
    "exists",
    "mset",
    "mget",
    "strlen",
    "getset",
    "setnx",
    "lpush",
    "rpush",
    "lpop",
    "rpop",
    "llen",
    "lrange",
    "hset",
    "hget",
    "hdel",
    "hlen",
    "sadd",
    "srem",
    "scard",
    "sismember",
    "zadd",
    "zscore",
    "zcard",
    "zincrby",
    "expire",
    "pexpire",
    "persist",
    "type",
    "select",
];

impl World {
    /// The next command of client `ci`'s transaction, if it is sending one
    /// or starts one now.
    pub(super) fn tx_next(&mut self, ci: usize, cmd: &mut Cmd) -> bool {
        let stage = match self.clients[ci].tx {
            Some(stage) => stage,
            None => {
                if self.tx_pct == 0 || self.tx_rng.gen_range(0..100) >= self.tx_pct {
                    return false;
                }
                let hot = 4u64.min(self.opts.keyspace.max(1));
                if self.tx_rng.gen_range(0..10) < 3 {
                    let n = self.tx_rng.gen_range(0..hot);
                    cmd.push(b"SET");
                    cmd.push_parts(b"k", n);
                    cmd.push(b"v");
                    cmd.push(b"PX");
                    cmd.push_int(self.tx_rng.gen_range(1..=200));
                    self.clients[ci].tx = Some(TxStage::Watch(n));
                    return true;
                }
                if self.tx_rng.gen_bool(0.5) {
                    cmd.push(b"WATCH");
                    for _ in 0..self.tx_rng.gen_range(1..=3) {
                        let n = self.tx_rng.gen_range(0..hot);
                        cmd.push_parts(b"k", n);
                    }
                    self.clients[ci].tx = Some(TxStage::Multi);
                    return true;
                }
                TxStage::Multi
            }
        };
        match stage {
            TxStage::Watch(n) => {
                cmd.push(b"WATCH");
                cmd.push_parts(b"k", n);
                self.clients[ci].tx = Some(TxStage::Multi);
            }
            TxStage::Multi => {
                cmd.push(b"MULTI");
                self.clients[ci].tx = Some(TxStage::Body(self.tx_rng.gen_range(0..=4)));
            }
            TxStage::Body(0) => {
                cmd.push(if self.tx_rng.gen_range(0..10) == 0 { b"DISCARD".as_slice() } else { b"EXEC" });
                self.clients[ci].tx = None;
            }
            TxStage::Body(n) => {
                self.clients[ci].tx = Some(TxStage::Body(n - 1));
                match self.tx_rng.gen_range(0..100) {
                    0..=3 => {
                        cmd.push(b"SET");
                        cmd.push(b"k0");
                    }
                    4..=6 => {
                        cmd.push(b"NOSUCHCOMMAND");
                        cmd.push(b"k0");
                    }
                    _ => self.tx_command(cmd),
                }
            }
        }
        true
    }

    /// One command from a [`TX_SAFE`] template the engine has.
    fn tx_command(&mut self, cmd: &mut Cmd) {
        let table = &self.machine.executor().srv.table;
        let safe: Vec<&workload::Template> = workload::main_templates()
            .iter()
            .filter(|t| TX_SAFE.contains(&t.name) && t.sub.is_none() && workload::available(table, t))
            .collect();
        if safe.is_empty() {
            cmd.push(b"PING");
            return;
        }
        let t = safe[self.tx_rng.gen_range(0..safe.len())];
        let mut g = Gen {
            rng: &mut self.tx_rng,
            keyspace: self.opts.keyspace,
            dbs_used: self.opts.dbs_used,
            now_ms: self.now_ms,
            bad_pct: 0,
            short_expiry_pct: self.opts.short_expiry_pct,
        };
        (t.gen)(&mut g, cmd);
    }
}
