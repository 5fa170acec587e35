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
//! close within one input.

use super::{encode, Aof};

/// The open unit, if any.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Unit {
    open: bool,
    /// Commands propagated in it so far.
    ops: u32,
    /// Where the first one starts in the buffer (after its `SELECT`).
    first_at: usize,
}

const MULTI: &[u8] = b"*1\r\n$5\r\nMULTI\r\n";

impl Aof {
    /// Opens a unit; false (and nothing changes) if one is open already:
    /// the caller that got true closes it with [`Aof::end_unit`].
    pub fn begin_unit(&mut self) -> bool {
        if self.unit.open {
            return false;
        }
        self.unit = Unit { open: true, ops: 0, first_at: 0 };
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
