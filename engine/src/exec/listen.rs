//! CONFIG SET of `port` or `bind`: the listening sockets are the driver's,
//! so the executor asks for them through an output and waits for the
//! answer, as Redis applies the change before it replies.
//!
//! While a change is out ([`Executor::is_waiting`]) the executor takes no
//! request at all: Redis rebinds synchronously inside CONFIG SET, so no
//! other command may run between the change and its reply. The driver
//! rebinds at once ([`Executor::poll_listen`], then
//! [`Executor::handle_listen_result`]); on failure the old addresses stay
//! bound, the parameters go back to their old values, and the client gets
//! Redis's error.

pub use crate::ctx::{ListenChange, ListenFailure, ListenRequest};

use super::Executor;

impl Executor {
    /// Whether the executor waits for the driver (a listener change): take
    /// no request from the ring until it is answered.
    pub fn is_waiting(&self) -> bool {
        self.srv.listen_change.is_some()
            || self.srv.config_rewrite.is_some()
            || self.srv.debug.sleep.is_some()
            || self.srv.aof.is_waiting()
    }

    /// The listeners the driver must switch to now, once per change.
    pub fn poll_listen(&mut self) -> Option<ListenRequest> {
        let change = self.srv.listen_change.as_mut()?;
        if change.polled {
            return None;
        }
        change.polled = true;
        Some(change.request.clone())
    }

    /// The driver switched listeners (`Ok`) or kept the old ones (`Err`):
    /// the waiting CONFIG SET replies, and the executor takes requests again.
    pub fn handle_listen_result(&mut self, result: Result<(), ListenFailure>, now_ms: u64) {
        let change = self.srv.listen_change.take().expect("a listener change is out");
        assert!(change.polled, "answered before it was asked");
        self.srv.now_ms = now_ms;
        match result {
            Ok(()) => self.reply.ok(),
            Err(failure) => {
                self.srv.config.bind = change.previous_bind;
                self.srv.config.port = change.previous_port;
                let (name, why) = match failure {
                    ListenFailure::Bind => ("bind", "Failed to bind to specified addresses."),
                    ListenFailure::Port => ("port", "Unable to listen on this port. Check server logs."),
                };
                let msg = format!("ERR CONFIG SET failed (possibly related to argument '{name}') - {why}");
                self.srv.stats.count_error(&msg);
                self.reply.error_bytes(msg.as_bytes());
            }
        }
        // Nothing ran since the CONFIG SET: its client is still there.
        let slot = self.clients.slot_of(&change.conn).expect("the waiting client is registered");
        self.finish_reply(change.conn, slot);
    }
}
