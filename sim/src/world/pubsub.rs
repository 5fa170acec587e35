//! The world's side of Pub/Sub: messages the model's publishes left in its
//! outbox go onto the subscribers' expected streams, as checker items of
//! their own, the moment the publish executes (see `model/pubsub.rs`). A
//! message for a connection the world has already closed goes nowhere, as
//! in the engine.

use super::World;
use crate::check::{Expect, Item};
use crate::trace::ScanStep;

impl World {
    /// Draws `pct` percent of commands from the extra templates
    /// (introspection and pub/sub) instead of what the seed drew.
    pub fn set_extra_pct(&mut self, pct: u32) {
        self.opts.extra_pct = if self.extra_mix.is_empty() { 0 } else { pct.min(100) };
    }

    /// Queues every message the last command published.
    pub(super) fn deliver_outbox(&mut self) {
        if self.model.pubsub.outbox.is_empty() {
            return;
        }
        for (id, bytes) in std::mem::take(&mut self.model.pubsub.outbox) {
            // The push sits in the executor's output like a reply.
            self.count_exec_reply(ferrodis_engine::ConnId(id as u64));
            let Some(c) = self.clients.iter_mut().find(|c| c.conn.is_some_and(|conn| conn.0 as i64 == id)) else {
                continue;
            };
            c.checker.exp.extend_from_slice(&bytes);
            let mut cmd = self.pool.pop().unwrap_or_default();
            cmd.clear();
            cmd.push(b"(pub/sub message)");
            let item = Item {
                expect: Expect::Exact(bytes.len()),
                cmd,
                step: self.step,
                time_sensitive: false,
                scan: ScanStep::None,
                seq: self.model.seq,
            };
            c.checker.items.push_back(item);
        }
    }
}
