//! Clock faults. Time is simulated Unix milliseconds, compressed (nothing
//! sleeps). This source may inject exactly:
//! - **steps**: time advances 0..=`step_max_ms` between events (always on;
//!   not counted as a fault);
//! - **forward jumps**: up to `jump_forward_max_ms` at once, so that many
//!   keys expire together and active expiry and rehash steps run;
//! - **backward jumps**: the wall clock is set back up to
//!   `jump_back_max_ms` (Redis uses wall-clock time). The world clamps a
//!   jump so that no key already expired becomes alive again: whether the
//!   engine has removed such a key depends on active-expiry sampling, and
//!   Redis answers either way there;
//! - **extra ticks**: `handle_tick` is called at random moments as well as
//!   at the engine's deadline.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

#[derive(Clone, Debug)]
pub struct ClockOptions {
    pub step_max_ms: i64,
    /// Chance per world step that the clock moves, percent.
    pub move_pct: u32,
    pub jump_forward_per_mille: u32,
    pub jump_forward_max_ms: i64,
    pub jump_back_per_mille: u32,
    pub jump_back_max_ms: i64,
    pub extra_tick_per_mille: u32,
}

/// What the clock does at one world step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockMove {
    Step(i64),
    JumpForward(i64),
    JumpBack(i64),
}

impl ClockOptions {
    pub fn none() -> ClockOptions {
        ClockOptions {
            step_max_ms: 3,
            move_pct: 20,
            jump_forward_per_mille: 0,
            jump_forward_max_ms: 0,
            jump_back_per_mille: 0,
            jump_back_max_ms: 0,
            extra_tick_per_mille: 0,
        }
    }

    pub fn swarm(rng: &mut ChaCha8Rng) -> ClockOptions {
        ClockOptions {
            step_max_ms: *[1i64, 5, 20, 200].get(rng.gen_range(0..4)).expect("in range"),
            move_pct: rng.gen_range(5..50),
            jump_forward_per_mille: if rng.gen_bool(0.5) { rng.gen_range(1..20) } else { 0 },
            jump_forward_max_ms: *[1_000i64, 60_000, 3_600_000].get(rng.gen_range(0..3)).expect("in range"),
            jump_back_per_mille: if rng.gen_bool(0.3) { rng.gen_range(1..10) } else { 0 },
            jump_back_max_ms: *[10i64, 1_000, 120_000].get(rng.gen_range(0..3)).expect("in range"),
            extra_tick_per_mille: if rng.gen_bool(0.5) { rng.gen_range(1..50) } else { 0 },
        }
    }

    /// The clock's move at this step, if any.
    pub fn next(&self, rng: &mut ChaCha8Rng) -> Option<ClockMove> {
        if self.jump_forward_per_mille > 0 && rng.gen_range(0..1000) < self.jump_forward_per_mille {
            return Some(ClockMove::JumpForward(rng.gen_range(1..=self.jump_forward_max_ms)));
        }
        if self.jump_back_per_mille > 0 && rng.gen_range(0..1000) < self.jump_back_per_mille {
            return Some(ClockMove::JumpBack(rng.gen_range(1..=self.jump_back_max_ms)));
        }
        if rng.gen_range(0..100) < self.move_pct {
            return Some(ClockMove::Step(rng.gen_range(0..=self.step_max_ms)));
        }
        None
    }

    pub fn extra_tick(&self, rng: &mut ChaCha8Rng) -> bool {
        self.extra_tick_per_mille > 0 && rng.gen_range(0..1000) < self.extra_tick_per_mille
    }
}
