//! BITFIELD and BITFIELD_RO: integers of 1 to 64 bits (unsigned: 1 to 63)
//! at any bit offset of a string.
//!
//! Redis 7.0's `bitfieldGeneric`, in its observable order: every
//! subcommand is parsed first (type, offset, value; the first bad argument
//! answers its error and nothing is read or written), then BITFIELD_RO
//! refuses a SET or INCRBY, then the key is looked up once. With only GETs
//! it is read as GET reads it (hit/miss counted, never created); with a
//! write it is created or grown with zero bytes up to the last bit any
//! write reaches, and becomes raw-encoded, before the first subcommand runs
//! -- so a write that then fails under OVERFLOW FAIL still leaves the key
//! created or grown.
//!
//! Offsets: `N` is a bit offset, `#N` is N times the type's width (the
//! multiplication wraps as Redis's C does). Either is refused once its
//! byte (`offset / 8`) reaches `proto-max-bulk-len`; a write there grows
//! the string to at most 8 bytes past that limit, as in Redis.
//!
//! Overflow (per the OVERFLOW in effect when the subcommand was parsed):
//! WRAP keeps the low bits (two's complement for signed types), SAT clamps
//! to the type's range, FAIL writes nothing and answers nil. A SET value
//! is checked as if added to zero; for an unsigned type Redis reads the
//! value as a u64, so a negative one is an overflow upwards (SAT stores the
//! maximum).

use bytes::Bytes;

use super::super::string::{read_string, write_string};
use super::super::{CmdError, CmdResult};
use super::c_str;
use crate::ctx::Ctx;
use crate::db::value::parse_strict_i64;
use crate::db::{StrValue, Value};

const BAD_TYPE: &str =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
const BAD_OFFSET: &str = "ERR bit offset is not an integer or out of range";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Get,
    Set(i64),
    IncrBy(i64),
}

/// A field type: `i1`..`i64` or `u1`..`u63`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FieldType {
    signed: bool,
    bits: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Op {
    kind: Kind,
    ty: FieldType,
    offset_bits: u64,
    overflow: Overflow,
}

/// Redis `getBitfieldTypeFromArgument`: the sign letter is case-sensitive
/// and the width is read as a C string (up to a NUL).
fn parse_type(arg: &[u8]) -> Result<FieldType, CmdError> {
    let signed = match arg.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return Err(CmdError::msg(BAD_TYPE)),
    };
    match parse_strict_i64(c_str(&arg[1..])) {
        Some(bits @ 1..=64) if signed || bits <= 63 => Ok(FieldType { signed, bits: bits as u32 }),
        _ => Err(CmdError::msg(BAD_TYPE)),
    }
}

/// Redis `getBitOffsetFromArgument` with the `#N` form.
fn parse_offset(arg: &[u8], bits: u32, max_bytes: u64) -> Result<u64, CmdError> {
    let (digits, times) = match arg.first() {
        Some(b'#') => (&arg[1..], bits as i64),
        _ => (arg, 1),
    };
    match parse_strict_i64(digits).map(|n| n.wrapping_mul(times)) {
        Some(n) if n >= 0 && ((n as u64) >> 3) < max_bytes => Ok(n as u64),
        _ => Err(CmdError::msg(BAD_OFFSET)),
    }
}

/// Every subcommand of `args[2..]`, in order.
fn parse_ops(args: &[Bytes], max_bytes: u64) -> Result<Vec<Op>, CmdError> {
    let mut ops = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut j = 2;
    while j < args.len() {
        let rest = args.len() - j - 1;
        let sub = c_str(&args[j]);
        let is = |name: &str| sub.eq_ignore_ascii_case(name.as_bytes());
        let (writes, needs) = if is("get") {
            (false, 2)
        } else if is("set") || is("incrby") {
            (true, 3)
        } else if is("overflow") && rest >= 1 {
            let mode = c_str(&args[j + 1]);
            let is_mode = |name: &str| mode.eq_ignore_ascii_case(name.as_bytes());
            overflow = if is_mode("wrap") {
                Overflow::Wrap
            } else if is_mode("sat") {
                Overflow::Sat
            } else if is_mode("fail") {
                Overflow::Fail
            } else {
                return Err(CmdError::msg("ERR Invalid OVERFLOW type specified"));
            };
            j += 2;
            continue;
        } else {
            return Err(CmdError::Syntax);
        };
        if rest < needs {
            return Err(CmdError::Syntax);
        }
        let ty = parse_type(&args[j + 1])?;
        let offset_bits = parse_offset(&args[j + 2], ty.bits, max_bytes)?;
        let kind = match (writes, is("set")) {
            (false, _) => Kind::Get,
            (true, true) => Kind::Set(super::super::parse_i64(&args[j + 3])?),
            (true, false) => Kind::IncrBy(super::super::parse_i64(&args[j + 3])?),
        };
        ops.push(Op { kind, ty, offset_bits, overflow });
        j += 1 + needs;
    }
    Ok(ops)
}

fn low_mask(bits: u32) -> u64 {
    u64::MAX >> (64 - bits)
}

/// The `bits`-wide field at bit `offset` of `b`, as an unsigned number;
/// bits past the end of `b` read as zero. A field spans at most 9 bytes.
fn read_field(b: &[u8], offset: u64, bits: u32) -> u64 {
    let first = (offset >> 3) as usize;
    let window = (0..9).fold(0u128, |w, i| (w << 8) | b.get(first + i).copied().unwrap_or(0) as u128);
    let shift = 72 - (offset & 7) as u32 - bits;
    (window >> shift) as u64 & low_mask(bits)
}

/// Stores the low `bits` of `value` at bit `offset` of `b`, which is long
/// enough (the caller grew it).
fn write_field(b: &mut [u8], offset: u64, bits: u32, value: u64) {
    let first = (offset >> 3) as usize;
    let span = ((offset & 7) as usize + bits as usize).div_ceil(8);
    let bytes = &mut b[first..first + span];
    let window = bytes.iter().fold(0u128, |w, &x| (w << 8) | x as u128);
    let shift = span as u32 * 8 - (offset & 7) as u32 - bits;
    let mask = (low_mask(bits) as u128) << shift;
    let window = (window & !mask) | (((value & low_mask(bits)) as u128) << shift);
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = (window >> (8 * (span - 1 - i))) as u8;
    }
}

/// Sign-extends the low `bits` of `raw`.
fn sign_extend(raw: u64, bits: u32) -> i64 {
    ((raw << (64 - bits)) as i64) >> (64 - bits)
}

/// The field's value as the reply shows it.
fn get_value(b: &[u8], offset: u64, ty: FieldType) -> i64 {
    let raw = read_field(b, offset, ty.bits);
    if ty.signed {
        sign_extend(raw, ty.bits)
    } else {
        raw as i64
    }
}

/// `old + incr` for a field of type `ty` under `mode`: the stored value's
/// bits, or None when FAIL refuses it. `old` is the field's current value
/// (sign-extended for a signed type).
fn add_checked(old: i64, incr: i64, ty: FieldType, mode: Overflow) -> Option<i64> {
    // Which side the exact sum leaves the type's range on: Some(true) above
    // the maximum, Some(false) below the minimum.
    let (max, min) = if ty.signed {
        let max = (low_mask(ty.bits) >> 1) as i64;
        (max, -max - 1)
    } else {
        (low_mask(ty.bits) as i64, 0)
    };
    let (sum, wrapped) = old.overflowing_add(incr);
    let out_of_range = if wrapped {
        Some(incr > 0)
    } else if sum > max {
        Some(true)
    } else if sum < min {
        Some(false)
    } else {
        None
    };
    match (out_of_range, mode) {
        (None, _) | (Some(_), Overflow::Wrap) => {
            let low = (sum as u64) & low_mask(ty.bits);
            Some(if ty.signed { sign_extend(low, ty.bits) } else { low as i64 })
        }
        (Some(above), Overflow::Sat) => Some(if above { max } else { min }),
        (Some(_), Overflow::Fail) => None,
    }
}

/// The value SET stores for `value` under `mode`, or None when FAIL
/// refuses it. An unsigned type sees `value` as a u64 (Redis's cast).
fn set_checked(value: i64, ty: FieldType, mode: Overflow) -> Option<i64> {
    if ty.signed {
        // Redis computes `max - value` in wrapping 64-bit arithmetic and
        // tests it before the lower bound: for a narrower type, a value at
        // or below `i64::MIN + max` wraps it negative and counts as an
        // overflow upwards, so SAT stores the maximum (WRAP and FAIL do
        // not depend on the direction).
        let max = (low_mask(ty.bits) >> 1) as i64;
        if ty.bits < 64 && mode == Overflow::Sat && value <= i64::MIN + max {
            return Some(max);
        }
        return add_checked(value, 0, ty, mode);
    }
    let max = low_mask(ty.bits);
    match mode {
        _ if (value as u64) <= max => Some(value),
        Overflow::Wrap => Some(((value as u64) & max) as i64),
        Overflow::Sat => Some(max as i64),
        Overflow::Fail => None,
    }
}

/// Runs one write op on `b`; returns the reply (None: nil) and whether it
/// changed the field.
fn run_write(b: &mut [u8], op: &Op) -> (Option<i64>, bool) {
    let old = get_value(b, op.offset_bits, op.ty);
    let (new, reply) = match op.kind {
        Kind::Set(v) => match set_checked(v, op.ty, op.overflow) {
            Some(new) => (new, old),
            None => return (None, false),
        },
        Kind::IncrBy(incr) => match add_checked(old, incr, op.ty, op.overflow) {
            Some(new) => (new, new),
            None => return (None, false),
        },
        Kind::Get => unreachable!("GET is not a write"),
    };
    write_field(b, op.offset_bits, op.ty.bits, new as u64);
    (Some(reply), new != old)
}

/// # Format
/// ```text
/// BITFIELD key [GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>]
///     <SET encoding offset value | INCRBY encoding offset increment> [GET encoding offset | ...] ...]
/// ```
///
/// Replies with one integer per GET/SET/INCRBY (SET: the old value, INCRBY: the new one; nil
/// where OVERFLOW FAIL refused it).
pub(crate) fn bitfield(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    bitfield_generic(ctx, args, false)
}

/// # Format
/// ```text
/// BITFIELD_RO key [GET encoding offset [GET encoding offset ...]]
/// ```
pub(crate) fn bitfield_ro(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    bitfield_generic(ctx, args, true)
}

fn bitfield_generic(ctx: &mut Ctx<'_>, args: &[Bytes], read_only: bool) -> CmdResult {
    let ops = parse_ops(args, ctx.srv.config.proto_max_bulk_len)?;
    let key = &args[1][..];
    let last_written_bit =
        ops.iter().filter(|op| op.kind != Kind::Get).map(|op| op.offset_bits + op.ty.bits as u64 - 1).max();
    let now_ms = ctx.now_ms();
    let reply = &mut *ctx.reply;
    let Some(last_bit) = last_written_bit else {
        let s = read_string(ctx.srv, ctx.db_index, key)?;
        reply.array(ops.len());
        for op in &ops {
            reply.int(s.map_or(0, |s| s.with_bytes(|b| get_value(b, op.offset_bits, op.ty))));
        }
        return Ok(());
    };
    if read_only {
        return Err(CmdError::msg("ERR BITFIELD_RO only supports the GET subcommand"));
    }
    let len_bytes = (last_bit >> 3) as usize + 1;
    let db = &mut ctx.srv.dbs[ctx.db_index];
    let mut created = None;
    let s = match write_string(db, key, now_ms)? {
        Some(s) => s,
        None => created.insert(StrValue::raw(b"")),
    };
    let grew = s.len() < len_bytes;
    let b = s.raw_mut(len_bytes);
    let mut changes = 0u64;
    reply.array(ops.len());
    for op in &ops {
        if op.kind == Kind::Get {
            reply.int(get_value(b, op.offset_bits, op.ty));
            continue;
        }
        let (value, changed) = run_write(b, op);
        match value {
            Some(v) => reply.int(v),
            None => reply.null(),
        }
        // Redis counts a write that ran as a change when the string grew.
        changes += (value.is_some() && (changed || grew)) as u64;
    }
    if let Some(s) = created {
        db.set(key, Value::Str(s), false);
    }
    ctx.srv.stats.dirty += changes;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const U8: FieldType = FieldType { signed: false, bits: 8 };
    const I8: FieldType = FieldType { signed: true, bits: 8 };
    const I64: FieldType = FieldType { signed: true, bits: 64 };
    const U63: FieldType = FieldType { signed: false, bits: 63 };

    #[test]
    fn fields_round_trip_at_any_alignment() {
        for bits in 1..=64u32 {
            for offset in 0..17u64 {
                let mut b = vec![0xa5u8; 12];
                let before = b.clone();
                let value = 0x8123_4567_89ab_cdefu64 & low_mask(bits);
                write_field(&mut b, offset, bits, value);
                assert_eq!(read_field(&b, offset, bits), value, "bits {bits} offset {offset}");
                // Bits outside the field are untouched.
                for bit in (0..96u64).filter(|&i| i < offset || i >= offset + bits as u64) {
                    assert_eq!(read_field(&b, bit, 1), read_field(&before, bit, 1), "bit {bit}");
                }
            }
        }
        assert_eq!(read_field(b"\x01", 7, 9), 0b1_0000_0000);
        assert_eq!(read_field(b"", 1000, 64), 0);
    }

    #[test]
    fn overflow_modes() {
        use Overflow::*;
        assert_eq!(add_checked(250, 10, U8, Wrap), Some(4));
        assert_eq!(add_checked(250, 10, U8, Sat), Some(255));
        assert_eq!(add_checked(250, 10, U8, Fail), None);
        assert_eq!(add_checked(5, -10, U8, Sat), Some(0));
        assert_eq!(add_checked(5, -10, U8, Wrap), Some(251));
        assert_eq!(add_checked(127, 1, I8, Wrap), Some(-128));
        assert_eq!(add_checked(-128, -1, I8, Sat), Some(-128));
        assert_eq!(add_checked(i64::MAX, 1, I64, Wrap), Some(i64::MIN));
        assert_eq!(add_checked(i64::MAX, 1, I64, Sat), Some(i64::MAX));
        assert_eq!(add_checked(i64::MIN, -1, I64, Sat), Some(i64::MIN));
        assert_eq!(add_checked(i64::MIN, i64::MAX, I64, Fail), Some(-1));
        assert_eq!(add_checked(i64::MAX >> 1, i64::MAX, U63, Sat), Some(i64::MAX));
        assert_eq!(add_checked(0, i64::MIN, U63, Wrap), Some(0));
        assert_eq!(set_checked(-1, U8, Sat), Some(255));
        assert_eq!(set_checked(-1, U8, Wrap), Some(255));
        assert_eq!(set_checked(-1, U8, Fail), None);
        assert_eq!(set_checked(200, I8, Wrap), Some(-56));
        assert_eq!(set_checked(-200, I8, Sat), Some(-128));
        // Redis 7.0's wrapped comparison (observed on redis-server 7.0.15).
        assert_eq!(set_checked(i64::MIN + 127, I8, Sat), Some(127));
        assert_eq!(set_checked(i64::MIN + 128, I8, Sat), Some(-128));
        assert_eq!(set_checked(i64::MIN, I8, Wrap), Some(0));
        assert_eq!(set_checked(i64::MIN, I64, Sat), Some(i64::MIN));
    }

    #[test]
    fn types_and_offsets() {
        assert_eq!(parse_type(b"i64"), Ok(I64));
        assert_eq!(parse_type(b"u63"), Ok(U63));
        assert_eq!(parse_type(b"i8\0junk"), Ok(I8));
        for bad in [&b"u64"[..], b"i65", b"i0", b"I8", b"i08", b"i", b"", b"u+1"] {
            assert!(parse_type(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_offset(b"#3", 8, 100), Ok(24));
        assert_eq!(parse_offset(b"#2305843009213693952", 64, 100), Ok(0));
        assert!(parse_offset(b"800", 8, 100).is_err());
        assert!(parse_offset(b"#", 8, 100).is_err());
        assert!(parse_offset(b"#-1", 8, 100).is_err());
    }
}
