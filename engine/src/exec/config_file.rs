//! CONFIG REWRITE: the config file is the driver's, so the executor asks
//! for the rewrite through an output and waits for the answer, the shape
//! of `listen.rs` (Redis rewrites synchronously inside the command).
//!
//! The handler records the request ([`ConfigRewrite`]); while it is out
//! ([`Executor::is_waiting`]) no request runs. The driver polls it
//! ([`Executor::poll_config_rewrite`]), reads the file (empty text if it
//! is gone), turns it into the new text with
//! [`Executor::config_rewrite_text`] (the pure
//! [`crate::config_rewrite::rewrite`]), writes it (a temp file, fsync,
//! rename) and answers [`Executor::handle_config_rewrite_result`]: `+OK`,
//! or Redis's `ERR Rewriting config file: <strerror>`.

pub use crate::config_rewrite::ConfigRewrite;

use super::Executor;

impl Executor {
    /// The config file to rewrite now (its absolute path), once per CONFIG
    /// REWRITE.
    pub fn poll_config_rewrite(&mut self) -> Option<String> {
        let pending = self.srv.config_rewrite.as_mut()?;
        if pending.polled {
            return None;
        }
        pending.polled = true;
        Some(pending.path.clone())
    }

    /// The new text of the config file whose old text is `old`.
    pub fn config_rewrite_text(&self, old: &str) -> String {
        crate::config_rewrite::rewrite(old, &self.srv.config)
    }

    /// The driver wrote the file (`Ok`) or could not (`Err(strerror)`):
    /// the waiting CONFIG REWRITE replies.
    pub fn handle_config_rewrite_result(&mut self, result: Result<(), String>, now_ms: u64) {
        let pending = self.srv.config_rewrite.take().expect("a config rewrite is out");
        assert!(pending.polled, "answered before it was asked");
        self.srv.now_ms = now_ms;
        match result {
            Ok(()) => self.reply.ok(),
            Err(why) => {
                let msg = format!("ERR Rewriting config file: {why}");
                self.srv.stats.count_error(&msg);
                self.reply.error_bytes(msg.as_bytes());
            }
        }
        let slot = self.clients.slot_of(&pending.conn).expect("the waiting client is registered");
        self.finish_reply(pending.conn, slot);
    }
}
