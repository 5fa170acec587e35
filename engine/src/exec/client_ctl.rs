//! The executor's side of connection control: admitting an opened client
//! (authentication state, protected mode), the CLIENT PAUSE gate of
//! `execute` (its NOAUTH gate is `cmd::auth::gate`, called there), CLIENT
//! REPLY's suppression of replies, CLIENT KILL's closes, and the
//! per-request figures CLIENT LIST prints. The commands themselves are in
//! `cmd/auth.rs` and `cmd/client_ctl.rs`.
//!
//! For the other gates and bookkeeping around `execute`: a postponed
//! command returns from `execute` before it runs (no reply, not counted in
//! `total_commands_processed`); it goes through everything again when it
//! runs after the pause.
//!
//! # CLIENT PAUSE, as Redis 7.0 does it
//! While a pause is in force, a command that must wait (every command
//! under ALL, CLIENT UNPAUSE included; under WRITE those flagged `write` or
//! `may_replicate`) is postponed instead of run: it waits at the front of
//! its client's held requests (the holding of `blocking.rs`), and that
//! client's later requests wait behind it. When the pause ends (its time
//! passes at a tick, or CLIENT UNPAUSE), the postponed clients run again in
//! the order they were postponed, each command going through the gates
//! again. A blocked client served by a write is not a new command and is
//! not paused (no write runs under a pause anyway). The tick's active
//! expiry stops during a pause, as in Redis. Not done: Redis's lazy expiry
//! also keeps expired keys (answering as if deleted) during a pause, and
//! Redis postpones an EXEC whose queue holds writes.

use bytes::Bytes;

use super::Executor;
use crate::client::ReplyMode;
use crate::cmd::auth;
use crate::cmd::def::flag::{MAY_REPLICATE, WRITE};
use crate::ring::{QueryBufStats, Request, RequestKind};
use crate::ConnId;

impl Executor {
    /// A client just registered at `slot`: its authentication state, and
    /// protected mode's verdict (a refused client gets Redis's DENIED text
    /// and is closed, counted in `rejected_connections`).
    pub(super) fn admit_opened(&mut self, conn: ConnId, slot: usize) {
        let client = self.clients.at_mut(slot);
        client.authenticated = auth::authenticated_at_birth(&self.srv.config);
        if auth::protected_mode_refuses(&self.srv.config, &client.info) {
            client.out.extend_from_slice(auth::PROTECTED_MODE_DENIED);
            self.srv.stats.rejected_connections += 1;
            self.close_client(conn);
        }
    }

    /// Before a command runs: what CLIENT LIST reports while it runs.
    pub(super) fn note_request(&mut self, slot: usize, query_buf: QueryBufStats, args: &[Bytes]) {
        let client = self.clients.at_mut(slot);
        client.query_buf = query_buf;
        client.argv_bytes = args.iter().map(|a| a.len()).sum();
        client.query_cmd_bytes = multibulk_len(args);
        if client.reply_mode == ReplyMode::SkipNext {
            client.reply_mode = ReplyMode::Skip;
        }
    }

    /// Whether a command with `flags` waits for the pause to end (sets the
    /// mark `run` acts on). A blocked client's rerun never waits.
    pub(super) fn pause_gate(&mut self, flags: u32) -> bool {
        let Some(pause) = self.srv.pause else { return false };
        if self.blocking.effects.rerun || pause.end_ms <= self.srv.now_ms {
            return false;
        }
        let waits = pause.all || flags & (WRITE | MAY_REPLICATE) != 0;
        if waits {
            self.blocking.postpone_now = true;
            // Counted when it really runs.
            self.srv.stats.total_commands_processed -= 1;
        }
        waits
    }

    /// After `execute`: whether the command was postponed; if so it is kept
    /// (with its query buffer figures) to run again after the pause.
    pub(super) fn take_postponed(&mut self, conn: ConnId, args: &mut Vec<Bytes>, query_buf: QueryBufStats) -> bool {
        if !std::mem::take(&mut self.blocking.postpone_now) {
            return false;
        }
        let args = std::mem::take(args);
        self.blocking.postpone(Request { conn, kind: RequestKind::Command(args), query_buf });
        if let Some(c) = self.clients.get_mut(&conn) {
            c.postponed = true;
        }
        true
    }

    /// Ends the pause once its time has passed (or CLIENT UNPAUSE cleared
    /// it) and lets the postponed clients run again.
    pub(super) fn check_pause_end(&mut self) {
        if let Some(p) = self.srv.pause {
            if p.end_ms > self.srv.now_ms {
                return;
            }
            self.srv.pause = None;
        }
        for conn in &self.blocking.postponed {
            if let Some(c) = self.clients.get_mut(conn) {
                c.postponed = false;
            }
        }
        self.blocking.release_postponed();
    }

    /// Each client's `postponed` flag agrees with the postponed queue.
    pub(super) fn check_ctl_invariants(&self) {
        for c in self.clients.values() {
            assert_eq!(c.postponed, self.blocking.is_postponed(c.id), "client {:?}: postponed flag out of step", c.id);
        }
    }

    /// When the pause ends by itself, if one is in force.
    pub(super) fn pause_deadline(&self) -> Option<u64> {
        self.srv.pause.map(|p| p.end_ms)
    }

    /// CLIENT REPLY: drops the reply of a client whose replies are off or
    /// skipped, then moves SKIP on. Called when a command's reply is final:
    /// a blocked command keeps its SKIP until it is served or times out,
    /// and that reply is the one dropped (as Redis resets the client only
    /// then).
    pub(super) fn apply_reply_mode(&mut self, slot: usize) {
        let client = self.clients.at_mut(slot);
        match client.reply_mode {
            ReplyMode::On | ReplyMode::SkipNext => {}
            ReplyMode::Off => self.reply.buf.clear(),
            ReplyMode::Skip => {
                self.reply.buf.clear();
                client.reply_mode = ReplyMode::On;
            }
        }
    }

    /// CLIENT KILL's other victims: each is closed now (Redis `freeClient`).
    /// Replies the executor still holds for it are dropped, as Redis drops
    /// a freed client's buffers; bytes its connection side already has are
    /// written before the socket closes (the side closes only when flushed).
    pub(super) fn apply_kills(&mut self) {
        for victim in std::mem::take(&mut self.blocking.effects.kill) {
            let Some(slot) = self.clients.slot_of(&victim) else { continue };
            let client = self.clients.at_mut(slot);
            client.out.clear();
            client.held.clear();
            self.gated.retain(|&c| c != victim);
            self.close_client(victim);
        }
    }
}

/// Bytes of `args` as a RESP multibulk (`*N\r\n` then `$len\r\n<arg>\r\n`
/// each): what the command took in the query buffer (an inline command
/// took a little less).
fn multibulk_len(args: &[Bytes]) -> usize {
    let digits = |n: usize| n.checked_ilog10().map_or(1, |d| d as usize + 1);
    3 + digits(args.len()) + args.iter().map(|a| 5 + digits(a.len()) + a.len()).sum::<usize>()
}
