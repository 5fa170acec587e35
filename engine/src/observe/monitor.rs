//! MONITOR: the line every monitoring client gets for every command run
//! after it entered the mode (Redis replicationFeedMonitors, fed after the
//! command as 7.0 does: not for rejected commands, nor admin ones).
//!
//! `+<unix s>.<µs> [<db> <ip:port>] "ARG" "arg" ...` with Redis's
//! `sdscatrepr` quoting, as a status line in RESP2 and RESP3 alike. The
//! timestamp is the request's `now_ms` (the engine's clock has ms
//! resolution, so the µs end in 000).

use bytes::Bytes;

use crate::ctx::Ctx;

/// Appends `s` quoted as Redis's sdscatrepr.
pub fn repr_into(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &c in s {
        match c {
            b'\\' | b'"' => out.extend_from_slice(&[b'\\', c]),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            7 => out.extend_from_slice(b"\\a"),
            8 => out.extend_from_slice(b"\\b"),
            0x20..=0x7e => out.push(c),
            _ => out.extend_from_slice(format!("\\x{c:02x}").as_bytes()),
        }
    }
    out.push(b'"');
}

/// The line for `args` run by the client at `peer` in database `db`.
pub fn line(now_ms: u64, db: usize, peer: &str, args: &[Bytes]) -> Vec<u8> {
    let mut out = format!("+{}.{:06} [{db} {peer}] ", now_ms / 1000, (now_ms % 1000) * 1000).into_bytes();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        repr_into(&mut out, a);
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// Sends the line of the command just run to every monitor; forgets
/// monitors that are gone.
pub fn feed(ctx: &mut Ctx<'_>, args: &[Bytes]) {
    let caller = ctx.clients.at(ctx.slot);
    let text = line(ctx.srv.now_ms, caller.db, &caller.info.addr, args);
    let monitors = std::mem::take(&mut ctx.srv.observe.monitors);
    let mut kept = Vec::with_capacity(monitors.len());
    for m in monitors {
        if m == ctx.conn {
            // The monitor's own command: its line follows its reply, as
            // Redis feeds monitors after the command wrote its reply.
            ctx.reply.buf.extend_from_slice(&text);
            kept.push(m);
        } else if ctx.deliver(m, |r| r.buf.extend_from_slice(&text)) {
            kept.push(m);
        }
    }
    // MONITOR run by a handler meanwhile cannot happen (no nesting), so
    // the list is ours to put back.
    ctx.srv.observe.monitors = kept;
}

#[cfg(test)]
mod tests {
    #[test]
    fn line_quotes_like_sdscatrepr() {
        let args =
            [bytes::Bytes::from_static(b"SET"), bytes::Bytes::from_static(b"k\"\n\x01\xff"), bytes::Bytes::new()];
        let l = super::line(1_700_000_000_123, 2, "127.0.0.1:5000", &args);
        assert_eq!(l, b"+1700000000.123000 [2 127.0.0.1:5000] \"SET\" \"k\\\"\\n\\x01\\xff\" \"\"\r\n");
    }
}
