//! APPEND STRLEN GETRANGE SUBSTR SETRANGE: commands that read or write a
//! byte range of a string.
//!
//! Growth is bounded: every command that makes a string longer checks the
//! new length against `proto-max-bulk-len` before it allocates, so a client
//! offset cannot make us allocate more than that.

use bytes::Bytes;

use super::{check_string_length, read_string, write_string};
use crate::cmd::{parse_i64, CmdError, CmdResult};
use crate::ctx::Ctx;
use crate::db::{StrValue, Value};
use crate::planted::{Plant, PlantedBug};

/// # Format
/// ```text
/// APPEND key value
/// ```
///
/// Replies with the new length. A new key gets the client's encoding rules (int/embstr/raw);
/// an existing one becomes raw.
pub fn append(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let (key, tail) = (&args[1][..], &args[2][..]);
    let now_ms = ctx.now_ms();
    let max_bytes = ctx.srv.config.proto_max_bulk_len;
    let db = ctx.db();
    let len = match write_string(db, key, now_ms)? {
        Some(s) => {
            check_string_length(max_bytes, s.len() as u64, tail.len() as u64)?;
            s.append(tail)
        }
        None => {
            db.set(key, Value::Str(StrValue::from_client(tail)), false);
            tail.len()
        }
    };
    ctx.srv.stats.dirty += 1;
    ctx.reply.int(len as i64);
    Ok(())
}

/// # Format
/// ```text
/// STRLEN key
/// ```
///
/// Replies 0 for a missing key.
pub fn strlen(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let len = read_string(ctx.srv, ctx.db_index, &args[1])?.map_or(0, StrValue::len);
    ctx.reply.int(len as i64);
    Ok(())
}

/// # Format
/// ```text
/// GETRANGE key start end
/// SUBSTR key start end
/// ```
///
/// Inclusive, negative indexes count from the end, out-of-range parts are
/// clipped.
pub fn getrange(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let start = parse_i64(&args[2])?;
    let end = parse_i64(&args[3])?;
    let exclusive_end = Plant::from_config(&ctx.srv.config).is(PlantedBug::GetrangeExclusiveEnd);
    let reply = &mut *ctx.reply;
    let Some(s) = read_string(ctx.srv, ctx.db_index, &args[1])? else {
        reply.bulk(b"");
        return Ok(());
    };
    s.with_bytes(|b| match clip_range(start, end, b.len() as i64) {
        Some((from, to)) if exclusive_end => reply.bulk(&b[from..to]),
        Some((from, to)) => reply.bulk(&b[from..=to]),
        None => reply.bulk(b""),
    });
    Ok(())
}

/// GETRANGE's index rules (Redis `getrangeCommand`): the inclusive byte
/// range to return, or None for an empty reply.
fn clip_range(mut start: i64, mut end: i64, len: i64) -> Option<(usize, usize)> {
    if start < 0 && end < 0 && start > end {
        return None;
    }
    if start < 0 {
        start += len;
    }
    if end < 0 {
        end += len;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if start > end || len == 0 {
        return None;
    }
    Some((start as usize, end as usize))
}

/// # Format
/// ```text
/// SETRANGE key offset value
/// ```
///
/// Replies with the new length. Missing bytes before `offset` are zero. An empty value
/// changes nothing (and creates no key).
pub fn setrange(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let (key, value) = (&args[1][..], &args[3][..]);
    let offset = parse_i64(&args[2])?;
    if offset < 0 {
        return Err(CmdError::msg("ERR offset is out of range"));
    }
    let now_ms = ctx.now_ms();
    let max_bytes = ctx.srv.config.proto_max_bulk_len;
    let db = &mut ctx.srv.dbs[ctx.db_index];
    let existing = write_string(db, key, now_ms)?;
    if value.is_empty() {
        ctx.reply.int(existing.map_or(0, |s| s.len()) as i64);
        return Ok(());
    }
    check_string_length(max_bytes, offset as u64, value.len() as u64)?;
    // Within proto-max-bulk-len, so it fits in usize.
    let offset = offset as usize;
    let end = offset + value.len();
    let new_len = match existing {
        Some(s) => {
            let bytes = s.raw_mut(end);
            bytes[offset..end].copy_from_slice(value);
            bytes.len()
        }
        None => {
            let mut s = StrValue::raw(b"");
            s.raw_mut(end)[offset..].copy_from_slice(value);
            db.set(key, Value::Str(s), false);
            end
        }
    };
    ctx.srv.stats.dirty += 1;
    ctx.reply.int(new_len as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::clip_range;

    #[test]
    fn ranges() {
        assert_eq!(clip_range(0, -1, 5), Some((0, 4)));
        assert_eq!(clip_range(-3, -1, 5), Some((2, 4)));
        assert_eq!(clip_range(-1, -3, 5), None);
        assert_eq!(clip_range(3, 1, 5), None);
        assert_eq!(clip_range(-100, 100, 5), Some((0, 4)));
        assert_eq!(clip_range(0, 0, 0), None);
        assert_eq!(clip_range(i64::MIN, i64::MAX, 5), Some((0, 4)));
        assert_eq!(clip_range(10, 20, 5), None);
    }
}
