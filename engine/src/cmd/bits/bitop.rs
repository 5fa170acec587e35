//! BITOP AND|OR|XOR|NOT destkey key [key ...].
//!
//! Redis 7.0's `bitopCommand`, in its observable order: the operation name
//! (a syntax error), NOT's single source, then each source looked up in turn
//! (a keyspace hit or miss counted for each, WRONGTYPE at the first
//! non-string, with nothing written). A missing source is an empty string,
//! and a shorter one counts as zero-padded to the longest.
//!
//! The result is as long as the longest source, so it never passes the
//! `proto-max-bulk-len` that bounded each source when it was written (Redis
//! 7.0 adds no check of its own: a limit lowered later does not refuse a
//! BITOP of older strings, and neither do we). An empty result deletes the
//! destination, whatever its type; otherwise the destination is overwritten
//! with a raw string, its TTL cleared (Redis `setKey`).
//!
//! Sources are read twice rather than copied: once for their types and
//! lengths, once to fold them into the result. Both passes see the same
//! keyspace (same clock, nothing written in between), so only the result
//! buffer is allocated, never a copy of a source.

use bytes::Bytes;

use super::super::string::lookup_read;
use super::super::{CmdError, CmdResult};
use super::c_str;
use crate::ctx::Ctx;
use crate::db::{StrValue, Value};

#[derive(Clone, Copy, PartialEq, Eq)]
enum BitOp {
    And,
    Or,
    Xor,
    Not,
}

/// The operation named by `arg`, compared as Redis's `strcasecmp` does (on
/// the C string: bytes after a NUL are not seen).
fn parse_op(arg: &[u8]) -> Option<BitOp> {
    let name = c_str(arg);
    [("and", BitOp::And), ("or", BitOp::Or), ("xor", BitOp::Xor), ("not", BitOp::Not)]
        .into_iter()
        .find(|(n, _)| name.eq_ignore_ascii_case(n.as_bytes()))
        .map(|(_, op)| op)
}

/// Folds one source (`src`, zero-padded to the result's length) into the
/// result. The first source initialises it (NOT inverts it).
fn fold(op: BitOp, first: bool, res: &mut [u8], src: &[u8]) {
    let (head, tail) = res.split_at_mut(src.len());
    match (op, first) {
        (BitOp::Not, _) => {
            for (r, s) in head.iter_mut().zip(src) {
                *r = !s;
            }
            tail.fill(0xff);
        }
        (_, true) => {
            head.copy_from_slice(src);
            tail.fill(0);
        }
        (BitOp::And, false) => {
            for (r, s) in head.iter_mut().zip(src) {
                *r &= s;
            }
            // AND with the zero padding.
            tail.fill(0);
        }
        (BitOp::Or, false) => {
            for (r, s) in head.iter_mut().zip(src) {
                *r |= s;
            }
        }
        (BitOp::Xor, false) => {
            for (r, s) in head.iter_mut().zip(src) {
                *r ^= s;
            }
        }
    }
}

/// # Format
/// ```text
/// BITOP <AND | OR | XOR | NOT> destkey key [key ...]
/// ```
///
/// Replies with the length of the stored result (the longest source); 0 deletes `destkey`.
pub(crate) fn bitop(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let op = parse_op(&args[1]).ok_or(CmdError::Syntax)?;
    if op == BitOp::Not && args.len() != 4 {
        return Err(CmdError::msg("ERR BITOP NOT must be called with a single source key."));
    }
    let sources = &args[3..];
    let mut max_len = 0usize;
    for key in sources {
        if let Some(v) = lookup_read(ctx.srv, ctx.db_index, key) {
            max_len = max_len.max(v.as_str().ok_or(CmdError::WrongType)?.len());
        }
    }
    let now_ms = ctx.now_ms();
    let dest = &args[2][..];
    let db = ctx.db();
    if max_len == 0 {
        // Redis `dbDelete`: no expiry check first, so an expired key still
        // stored counts as deleted (a change) like a live one.
        if db.remove(dest) {
            ctx.srv.stats.dirty += 1;
        }
        ctx.reply.int(0);
        return Ok(());
    }
    let mut res = vec![0u8; max_len];
    for (i, key) in sources.iter().enumerate() {
        // The first pass found each source missing or a string, and
        // nothing has changed since.
        match db.lookup_notouch(key, now_ms).and_then(Value::as_str) {
            Some(s) => s.with_bytes(|b| fold(op, i == 0, &mut res, b)),
            None => fold(op, i == 0, &mut res, &[]),
        }
    }
    db.set(dest, Value::Str(StrValue::raw(&res)), false);
    ctx.srv.stats.dirty += 1;
    ctx.reply.int(max_len as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(op: BitOp, sources: &[&[u8]]) -> Vec<u8> {
        let len = sources.iter().map(|s| s.len()).max().unwrap_or(0);
        let mut res = vec![0x5a; len];
        for (i, s) in sources.iter().enumerate() {
            fold(op, i == 0, &mut res, s);
        }
        res
    }

    #[test]
    fn ops_pad_shorter_sources_with_zeros() {
        assert_eq!(run(BitOp::And, &[b"\xff\xff", b"\x0f"]), b"\x0f\x00");
        assert_eq!(run(BitOp::And, &[b"\x0f", b"\xff\xff"]), b"\x0f\x00");
        assert_eq!(run(BitOp::Or, &[b"\xf0", b"\x0f\x01"]), b"\xff\x01");
        assert_eq!(run(BitOp::Xor, &[b"\xff\x01", b"\x0f", b""]), b"\xf0\x01");
        assert_eq!(run(BitOp::Not, &[b"\x0f\x00"]), b"\xf0\xff");
        assert_eq!(run(BitOp::And, &[b"", b"\xff"]), b"\x00");
    }

    #[test]
    fn op_names() {
        assert!(parse_op(b"AnD") == Some(BitOp::And));
        assert!(parse_op(b"not\0junk") == Some(BitOp::Not));
        assert!(parse_op(b"an").is_none());
        assert!(parse_op(b"").is_none());
    }
}
