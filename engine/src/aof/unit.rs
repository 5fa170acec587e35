//! Execution units: what one top-level command propagates goes out
//! together, wrapped in `MULTI` ... `EXEC` when it is more than one
//! command (Redis 7.0 `propagatePendingCommands`). A transaction's writes,
//! an SPOP's SREMs, a lazily expired key's DEL with the write that found
//! it: a replica or a reload applies all or none of them.
//!
//! Redis buffers the unit's commands and emits them at its end; here they
//! are encoded as they come, and `MULTI` is inserted before the first one
//! when a second arrives (after the first one's `SELECT`: Redis gives
//! `MULTI` the first command's database). `EXEC` follows the last one, in
//! its database. The bytes never leave the buffer mid-unit: units open and
//! close within one input, and a rewrite asked for inside one (BGREWRITEAOF
//! queued in a transaction) starts when it closes, so the whole unit goes
//! to the incr file the rewrite supersedes (as Redis, whose unit is still
//! pending in `also_propagate` when the rewrite opens its new incr file).

use super::{encode, Aof};

/// The open unit, if any.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Unit {
    open: bool,
    /// Commands propagated in it so far.
    ops: u32,
    /// Where the first one starts in the buffer (after its `SELECT`).
    first_at: usize,
    /// A rewrite asked for meanwhile, and when.
    deferred_rewrite: Option<u64>,
}

const MULTI: &[u8] = b"*1\r\n$5\r\nMULTI\r\n";

impl Aof {
    /// Opens a unit; false (and nothing changes) if one is open already:
    /// the caller that got true closes it with [`Aof::end_unit`].
    pub fn begin_unit(&mut self) -> bool {
        if self.unit.open {
            return false;
        }
        self.unit = Unit { open: true, ..Unit::default() };
        true
    }

    /// Closes the unit opened by the [`Aof::begin_unit`] that returned
    /// `opened` (a no-op for `false`).
    pub fn end_unit(&mut self, opened: bool) {
        if !opened {
            return;
        }
        let unit = std::mem::take(&mut self.unit);
        if unit.ops > 1 && self.on {
            encode(&mut self.buf, &[b"EXEC".as_slice()]);
        }
        if let Some(at_ms) = unit.deferred_rewrite {
            let _ = self.start_rewrite(at_ms);
        }
    }

    /// Inside a unit, a rewrite waits for its end (see the module doc):
    /// true when this one was deferred (or one already is).
    pub(super) fn defer_rewrite(&mut self, now_ms: u64) -> Result<bool, super::RewriteRefused> {
        if !self.unit.open {
            return Ok(false);
        }
        if self.unit.deferred_rewrite.is_some() {
            return Err(super::RewriteRefused::InProgress);
        }
        self.unit.deferred_rewrite = Some(now_ms);
        Ok(true)
    }

    /// Called by `propagate` before it encodes a command (its `SELECT`
    /// written already).
    pub(super) fn note_unit_op(&mut self) {
        let u = &mut self.unit;
        if !u.open {
            return;
        }
        u.ops += 1;
        match u.ops {
            1 => u.first_at = self.buf.len(),
            2 => {
                let at = u.first_at;
                self.buf.splice(at..at, MULTI.iter().copied());
            }
            _ => {}
        }
    }
}
