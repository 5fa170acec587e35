//! Bitmap commands on strings: SETBIT GETBIT BITCOUNT BITPOS here; BITOP in
//! [`bitop`]; BITFIELD and BITFIELD_RO in [`bitfield`].
//!
//! Bits are numbered from the most significant bit of byte 0, as Redis
//! does. A bit offset is bounded by `proto-max-bulk-len` (offset / 8 must be
//! below it) before SETBIT grows the string, so no client offset allocates
//! more than that limit.
//!
//! Redis 7.0's order of checks is kept: BITCOUNT looks the key up before it
//! parses its range (a missing key answers 0 whatever the arguments), BITPOS
//! parses the bit first and the range after the lookup.

pub mod bitfield;
pub mod bitop;

use bytes::Bytes;

use super::string::{check_string_length, lookup_read, read_string};
use super::{CmdError, CmdResult, Handler};
use crate::ctx::Ctx;
use crate::db::value::parse_strict_i64;
use crate::db::{StrValue, Value};

pub static HANDLERS: &[(&str, Handler)] = &[
    ("setbit", setbit),
    ("getbit", getbit),
    ("bitcount", bitcount),
    ("bitpos", bitpos),
    ("bitop", bitop::bitop),
    ("bitfield", bitfield::bitfield),
    ("bitfield_ro", bitfield::bitfield_ro),
];

/// The bytes of `arg` up to its first NUL: what Redis's C-string functions
/// (`strcasecmp`, `strlen`) see of an argument.
fn c_str(arg: &[u8]) -> &[u8] {
    arg.iter().position(|&b| b == 0).map_or(arg, |end| &arg[..end])
}

const BIT_OFFSET_ERR: &str = "ERR bit offset is not an integer or out of range";

/// Redis `getBitOffsetFromArgument` (without the `#` form, which only
/// BITFIELD uses).
fn parse_bit_offset(arg: &[u8], max_bytes: u64) -> Result<u64, CmdError> {
    match parse_strict_i64(arg) {
        Some(n) if n >= 0 && ((n as u64) >> 3) < max_bytes => Ok(n as u64),
        _ => Err(CmdError::msg(BIT_OFFSET_ERR)),
    }
}

/// # Format
/// ```text
/// SETBIT key offset value
/// ```
///
/// Replies with the bit's previous value. The string grows with zero bytes to reach `offset`
/// and becomes raw-encoded.
fn setbit(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let max_bytes = ctx.srv.config.proto_max_bulk_len;
    let offset = parse_bit_offset(&args[2], max_bytes)?;
    let on = match parse_strict_i64(&args[3]) {
        Some(b @ (0 | 1)) => b as u8,
        _ => return Err(CmdError::msg("ERR bit is not an integer or out of range")),
    };
    let byte = (offset >> 3) as usize;
    let mask = 1u8 << (7 - (offset & 7));
    check_string_length(max_bytes, byte as u64, 1)?;
    let now_ms = ctx.now_ms();
    let db = &mut ctx.srv.dbs[ctx.db_index];
    let (old, changed) = match super::string::write_string(db, &args[1], now_ms)? {
        Some(s) => {
            let grew = s.len() <= byte;
            let bytes = s.raw_mut(byte + 1);
            let old = bytes[byte] & mask != 0;
            bytes[byte] = (bytes[byte] & !mask) | (on * mask);
            (old, grew || old != (on == 1))
        }
        None => {
            let mut s = StrValue::raw(b"");
            s.raw_mut(byte + 1)[byte] = on * mask;
            db.set(&args[1], Value::Str(s), false);
            (false, true)
        }
    };
    crate::cmd::count_changes(ctx, changed as u64);
    ctx.reply.int(old as i64);
    Ok(())
}

/// # Format
/// ```text
/// GETBIT key offset
/// ```
///
/// Replies 0 past the end or for a missing key.
fn getbit(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let offset = parse_bit_offset(&args[2], ctx.srv.config.proto_max_bulk_len)?;
    let bit = match read_string(ctx.srv, ctx.db_index, &args[1])? {
        None => false,
        Some(s) => s.with_bytes(|b| {
            let byte = (offset >> 3) as usize;
            byte < b.len() && b[byte] & (1 << (7 - (offset & 7))) != 0
        }),
    };
    ctx.reply.int(bit as i64);
    Ok(())
}

/// A range over the bits of a string after Redis's index rules: whole bytes
/// `start..=end`, with the bits outside the range in the first and last
/// byte masked off (`first_mask`/`last_mask` have a 1 for each bit to drop).
struct BitRange {
    start: usize,
    end: usize,
    first_mask: u8,
    last_mask: u8,
}

/// Resolves `start`/`end` (bytes, or bits if `is_bit`) against a string of
/// `len` bytes, as BITCOUNT and BITPOS do. None for an empty range.
fn resolve_range(mut start: i64, mut end: i64, is_bit: bool, len: usize) -> Option<BitRange> {
    let total = if is_bit { (len as i64) << 3 } else { len as i64 };
    if start < 0 {
        start = start.saturating_add(total);
    }
    if end < 0 {
        end = end.saturating_add(total);
    }
    start = start.max(0);
    end = end.max(0);
    if end >= total {
        end = total - 1;
    }
    if start > end {
        return None;
    }
    if is_bit {
        let first_mask = !((1u16 << (8 - (start & 7))) - 1) as u8;
        let last_mask = ((1u16 << (7 - (end & 7))) - 1) as u8;
        Some(BitRange { start: (start >> 3) as usize, end: (end >> 3) as usize, first_mask, last_mask })
    } else {
        Some(BitRange { start: start as usize, end: end as usize, first_mask: 0, last_mask: 0 })
    }
}

/// BYTE or BIT (case-insensitive), else a syntax error.
fn parse_unit(arg: &[u8]) -> Result<bool, CmdError> {
    if arg.eq_ignore_ascii_case(b"bit") {
        Ok(true)
    } else if arg.eq_ignore_ascii_case(b"byte") {
        Ok(false)
    } else {
        Err(CmdError::Syntax)
    }
}

/// # Format
/// ```text
/// BITCOUNT key [start end [BYTE | BIT]]
/// ```
fn bitcount(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let reply = &mut *ctx.reply;
    let Some(s) = read_string(ctx.srv, ctx.db_index, &args[1])? else {
        reply.int(0);
        return Ok(());
    };
    let count = s.with_bytes(|b| -> Result<u64, CmdError> {
        let range = match args.len() {
            2 => resolve_range(0, -1, false, b.len()),
            4 | 5 => {
                let start = super::parse_i64(&args[2])?;
                let end = super::parse_i64(&args[3])?;
                if start < 0 && end < 0 && start > end {
                    return Ok(0);
                }
                let is_bit = if args.len() == 5 { parse_unit(&args[4])? } else { false };
                resolve_range(start, end, is_bit, b.len())
            }
            _ => return Err(CmdError::Syntax),
        };
        let Some(r) = range else { return Ok(0) };
        let ones: u64 = b[r.start..=r.end].iter().map(|x| x.count_ones() as u64).sum();
        let dropped = (b[r.start] & r.first_mask).count_ones() + (b[r.end] & r.last_mask).count_ones();
        Ok(ones - dropped as u64)
    })?;
    reply.int(count as i64);
    Ok(())
}

/// # Format
/// ```text
/// BITPOS key bit [start [end [BYTE | BIT]]]
/// ```
///
/// Replies with the first bit equal to `bit`, -1 if none. Looking for 0 without an explicit
/// end, the string counts as padded with zeros on the right.
fn bitpos(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let want_one = match super::parse_i64(&args[2])? {
        0 => false,
        1 => true,
        _ => return Err(CmdError::msg("ERR The bit argument must be 1 or 0.")),
    };
    let reply = &mut *ctx.reply;
    let Some(value) = lookup_read(ctx.srv, ctx.db_index, &args[1]) else {
        reply.int(if want_one { -1 } else { 0 });
        return Ok(());
    };
    let s = value.as_str().ok_or(CmdError::WrongType)?;
    let pos = s.with_bytes(|b| -> Result<i64, CmdError> {
        let (range, end_given) = match args.len() {
            3 => (resolve_range(0, -1, false, b.len()), false),
            4..=6 => {
                let start = super::parse_i64(&args[3])?;
                let is_bit = if args.len() == 6 { parse_unit(&args[5])? } else { false };
                let end = if args.len() >= 5 { super::parse_i64(&args[4])? } else { -1 };
                (resolve_range(start, end, is_bit, b.len()), args.len() >= 5)
            }
            _ => return Err(CmdError::Syntax),
        };
        let Some(r) = range else { return Ok(-1) };
        Ok(find_bit(b, &r, want_one, end_given))
    })?;
    reply.int(pos);
    Ok(())
}

/// The first bit equal to `want_one` in the range, as an absolute bit
/// index, or -1. Masked-off bits count as not matching. Without an explicit
/// end, a search for 0 in an all-ones range answers the first bit past it.
fn find_bit(b: &[u8], r: &BitRange, want_one: bool, end_given: bool) -> i64 {
    for (i, &raw) in b.iter().enumerate().take(r.end + 1).skip(r.start) {
        let mut byte = raw;
        let mut skip = 0u8;
        if i == r.start {
            skip |= r.first_mask;
        }
        if i == r.end {
            skip |= r.last_mask;
        }
        // Make the skipped bits look like non-matches.
        byte = if want_one { byte & !skip } else { byte | skip };
        let candidate = if want_one { byte } else { !byte };
        if candidate != 0 {
            return (i as i64) * 8 + candidate.leading_zeros() as i64;
        }
    }
    if want_one || end_given {
        -1
    } else {
        (r.end as i64 + 1) * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_ranges() {
        let r = resolve_range(1, 10, true, 3).expect("non-empty");
        assert_eq!((r.start, r.end, r.first_mask, r.last_mask), (0, 1, 0b1000_0000, 0b0001_1111));
        assert!(resolve_range(5, 2, false, 10).is_none());
        assert!(resolve_range(0, -1, false, 0).is_none());
        let r = resolve_range(-2, -1, false, 4).expect("non-empty");
        assert_eq!((r.start, r.end), (2, 3));
        let r = resolve_range(i64::MIN, i64::MAX, true, 2).expect("non-empty");
        assert_eq!((r.start, r.end, r.first_mask, r.last_mask), (0, 1, 0, 0));
    }

    #[test]
    fn find_bits() {
        let whole = |b: &[u8]| resolve_range(0, -1, false, b.len()).expect("non-empty");
        assert_eq!(find_bit(b"\xff\xf0", &whole(b"\xff\xf0"), false, false), 12);
        assert_eq!(find_bit(b"\xff\xff", &whole(b"\xff\xff"), false, false), 16);
        assert_eq!(find_bit(b"\xff\xff", &whole(b"\xff\xff"), false, true), -1);
        assert_eq!(find_bit(b"\x00\x01", &whole(b"\x00\x01"), true, false), 15);
        assert_eq!(find_bit(b"\x00\x00", &whole(b"\x00\x00"), true, false), -1);
        let r = resolve_range(9, 14, true, 2).expect("non-empty");
        assert_eq!(find_bit(b"\x00\x01", &r, true, true), -1);
        assert_eq!(find_bit(b"\xff\xff", &r, false, true), -1);
    }
}
