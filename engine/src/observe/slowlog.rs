//! The slow log (Redis slowlog.c): commands that ran for at least
//! `slowlog-log-slower-than` µs (-1: none, 0: all), newest first, at most
//! `slowlog-max-len` entries. Entry ids keep counting across SLOWLOG RESET.

use std::collections::VecDeque;

use bytes::Bytes;

/// Arguments kept per entry; the last slot then says how many were left out.
pub const ARGS_MAX: usize = 32;
/// Bytes kept of a long argument; the rest is replaced by a count.
pub const ARG_BYTES_MAX: usize = 128;

#[derive(Debug, Clone)]
pub struct Entry {
    pub id: u64,
    /// Unix seconds when the command ended.
    pub time_s: u64,
    pub duration_us: u64,
    pub args: Vec<Vec<u8>>,
    /// The client's `ip:port`, and its name (empty if none).
    pub peer: String,
    pub name: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct SlowLog {
    /// Newest first.
    pub entries: VecDeque<Entry>,
    next_id: u64,
}

/// Redis's slowlogCreateEntry argument trimming.
fn trimmed_args(args: &[Bytes]) -> Vec<Vec<u8>> {
    let kept = args.len().min(ARGS_MAX);
    let mut out = Vec::with_capacity(kept);
    for (i, a) in args.iter().take(kept).enumerate() {
        if kept != args.len() && i == kept - 1 {
            out.push(format!("... ({} more arguments)", args.len() - kept + 1).into_bytes());
        } else if a.len() > ARG_BYTES_MAX {
            let mut s = a[..ARG_BYTES_MAX].to_vec();
            s.extend_from_slice(format!("... ({} more bytes)", a.len() - ARG_BYTES_MAX).as_bytes());
            out.push(s);
        } else {
            out.push(a.to_vec());
        }
    }
    out
}

impl SlowLog {
    /// Logs the command if it was slow enough under `slower_than_us`
    /// (negative: never), keeping at most `max_len` entries.
    #[allow(clippy::too_many_arguments)]
    pub fn push_if_slow(
        &mut self,
        slower_than_us: i64,
        max_len: usize,
        duration_us: u64,
        now_ms: u64,
        args: &[Bytes],
        peer: &str,
        name: &[u8],
    ) {
        if slower_than_us < 0 || duration_us < slower_than_us as u64 {
            return;
        }
        let entry = Entry {
            id: self.next_id,
            time_s: now_ms / 1000,
            duration_us,
            args: trimmed_args(args),
            peer: peer.to_string(),
            name: name.to_vec(),
        };
        self.next_id += 1;
        self.entries.push_front(entry);
        self.entries.truncate(max_len);
    }

    pub fn reset(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_like_redis_and_keeps_counting_ids() {
        let mut log = SlowLog::default();
        let mut args: Vec<Bytes> = vec![Bytes::from_static(b"rpush"), Bytes::from_static(b"l")];
        args.extend((1..=40).map(|i| Bytes::from(i.to_string())));
        log.push_if_slow(0, 128, 5, 1_700_000_000_123, &args, "127.0.0.1:1", b"");
        let e = &log.entries[0];
        assert_eq!(e.args.len(), 32);
        assert_eq!(e.args[31], b"... (11 more arguments)");
        assert_eq!(e.time_s, 1_700_000_000);
        let long = Bytes::from(vec![b'k'; 130]);
        log.push_if_slow(0, 128, 5, 0, &[Bytes::from_static(b"set"), long, Bytes::from_static(b"v")], "a", b"n");
        let mut want = vec![b'k'; 128];
        want.extend_from_slice(b"... (2 more bytes)");
        assert_eq!(log.entries[0].args[1], want);
        assert_eq!(log.entries[0].id, 1);
        log.push_if_slow(-1, 128, 1_000_000, 0, &args, "a", b"");
        log.push_if_slow(10, 128, 9, 0, &args, "a", b"");
        assert_eq!(log.entries.len(), 2, "-1 disables, faster than the threshold is not logged");
        log.reset();
        log.push_if_slow(0, 1, 0, 0, &args, "a", b"");
        log.push_if_slow(0, 1, 0, 0, &args, "a", b"");
        assert_eq!(log.entries.len(), 1);
        assert_eq!(log.entries[0].id, 3, "ids continue after a reset");
    }
}
