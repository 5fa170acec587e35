//! INCR DECR INCRBY DECRBY INCRBYFLOAT.
//!
//! # INCRBYFLOAT and `long double`
//! Redis parses and adds in C `long double` (80-bit x87 on x86-64) and
//! formats with `%.17Lf`, trailing zeros removed. We compute in `f64`, which
//! cannot reproduce every case, and format so that ordinary decimal inputs
//! give Redis's text: 15 significant digits (f64 arithmetic noise lives in
//! the 16th and 17th, where long double has none: `10.5 + 0.1 -> 10.6`,
//! `1 + -1.1 -> -0.1`), in fixed notation with at most 17 decimals
//! (`1e-20 -> 0`), integers printed whole (`3.0e3 -> 3000`).
//!
//! Known differences from Redis, all outside ordinary use:
//! - inputs with more than 15 significant digits (`0.333333333333333333`:
//!   Redis keeps 17 decimals, we print 15 significant digits);
//! - large non-integers where Redis shows long double noise
//!   (`17179869184 + 0.1`: Redis `17179869184.09999999962747097`, we
//!   `17179869184.1`), and integers beyond 2^53 or huge magnitudes, whose
//!   exact binary expansions differ between the two types;
//! - magnitudes beyond f64's range (1e309 .. 1e4932) that long double holds:
//!   we answer `ERR value is not a valid float` or `ERR increment would
//!   produce NaN or Infinity` where Redis computes a value.

use bytes::Bytes;

use super::write_string;
use crate::cmd::{parse_i64, CmdError, CmdResult};
use crate::db::{StrValue, Value};
use crate::exec::Ctx;

/// # Format
/// `INCR key`
pub fn incr(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    incr_decr(ctx, &args[1], 1)
}

/// # Format
/// `DECR key`
pub fn decr(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    incr_decr(ctx, &args[1], -1)
}

/// # Format
/// `INCRBY key increment`: the increment is parsed before the key is looked at.
pub fn incrby(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let by = parse_i64(&args[2])?;
    incr_decr(ctx, &args[1], by)
}

/// # Format
/// `DECRBY key decrement`
pub fn decrby(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let by = parse_i64(&args[2])?;
    if by == i64::MIN {
        return Err(CmdError::msg("ERR decrement would overflow"));
    }
    incr_decr(ctx, &args[1], -by)
}

/// Redis `incrDecrCommand`: the key keeps its TTL; the result is
/// int-encoded.
fn incr_decr(ctx: &mut Ctx<'_>, key: &[u8], by: i64) -> CmdResult {
    let now_ms = ctx.now_ms();
    let db = ctx.db();
    let value = match write_string(db, key, now_ms)? {
        Some(s) => {
            let old = s.as_i64().ok_or(CmdError::NotInteger)?;
            let new = old.checked_add(by).ok_or(CmdError::Overflow)?;
            *s = StrValue::from_int(new);
            new
        }
        None => {
            db.set(key, Value::Str(StrValue::from_int(by)), false);
            by
        }
    };
    ctx.srv.stats.dirty += 1;
    ctx.reply.int(value);
    Ok(())
}

/// # Format
/// `INCRBYFLOAT key increment`: replies with the new value as a bulk
/// string, stored embstr-encoded. The key keeps its TTL. See the module
/// doc for how our f64 differs from Redis's long double.
pub fn incrbyfloat(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let key = &args[1][..];
    let now_ms = ctx.now_ms();
    let db = ctx.db();
    let existing = write_string(db, key, now_ms)?;
    let old = match &existing {
        None => 0.0,
        Some(s) => s.with_bytes(parse_long_double).ok_or(CmdError::NotFloat)?,
    };
    let by = parse_long_double(&args[2]).ok_or(CmdError::NotFloat)?;
    let value = old + by;
    if !value.is_finite() {
        return Err(CmdError::msg("ERR increment would produce NaN or Infinity"));
    }
    let text = format_human(value);
    let new = StrValue::from_computed(text.as_bytes());
    match existing {
        Some(s) => *s = new,
        None => {
            db.set(key, Value::Str(new), false);
        }
    }
    ctx.srv.stats.dirty += 1;
    ctx.reply.bulk(text.as_bytes());
    Ok(())
}

/// Longest text Redis parses as a long double (`MAX_LONG_DOUBLE_CHARS`).
const LONG_DOUBLE_TEXT_MAX_BYTES: usize = 5 * 1024;

/// Redis `string2ld` (strtold on a C string), approximated in f64: no
/// leading space, nothing after the number, no NaN; text after an embedded
/// NUL is ignored as C ignores it. Hexadecimal floats (`0x1p3`) are accepted
/// as strtold accepts them.
pub fn parse_long_double(text: &[u8]) -> Option<f64> {
    if text.is_empty() || text.len() >= LONG_DOUBLE_TEXT_MAX_BYTES {
        return None;
    }
    let text = text.split(|&b| b == 0).next().unwrap_or(&[]);
    let first = *text.first()?;
    if matches!(first, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        return None;
    }
    let s = std::str::from_utf8(text).ok()?;
    let (negative, unsigned) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = if unsigned.len() > 2 && unsigned.as_bytes()[..2].eq_ignore_ascii_case(b"0x") {
        parse_hex_float(&unsigned[2..])?
    } else {
        // Rust's grammar is strtold's for decimals, inf and infinity, except
        // that it also takes a sign we have already removed.
        if unsigned.starts_with(['+', '-']) {
            return None;
        }
        unsigned.parse::<f64>().ok()?
    };
    let explicit_inf = unsigned.eq_ignore_ascii_case("inf") || unsigned.eq_ignore_ascii_case("infinity");
    if magnitude.is_nan() || (magnitude.is_infinite() && !explicit_inf) {
        return None;
    }
    Some(if negative { -magnitude } else { magnitude })
}

/// The part of a hexadecimal float after `0x`: hex digits with an optional
/// point, then an optional binary exponent `p[+-]digits`.
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mantissa, exponent) = match s.find(['p', 'P']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut value = 0.0f64;
    for c in int_part.chars() {
        value = value * 16.0 + c.to_digit(16)? as f64;
    }
    let mut scale = 1.0 / 16.0;
    for c in frac_part.chars() {
        value += c.to_digit(16)? as f64 * scale;
        scale /= 16.0;
    }
    let exp = match exponent {
        None => 0,
        Some(e) => {
            let (negative, digits) = match e.as_bytes().first() {
                Some(b'-') => (true, &e[1..]),
                Some(b'+') => (false, &e[1..]),
                _ => (false, e),
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            // Past +-10000 the result is 0 or infinite either way.
            let n = digits.parse::<i32>().unwrap_or(i32::MAX).min(10_000);
            if negative {
                -n
            } else {
                n
            }
        }
    };
    Some(value * 2f64.powi(exp))
}

/// Redis's "human" long double text (`%.17Lf`, trailing zeros and point
/// removed, "-0" as "0"), reproduced from an f64 as the module doc says.
pub fn format_human(value: f64) -> String {
    if value == 0.0 {
        return "0".into();
    }
    // The decimal exponent of the leading digit once rounded to 15 digits.
    let sci = format!("{:.14e}", value);
    let exp: i32 = sci.split_once('e').and_then(|(_, e)| e.parse().ok()).unwrap_or(0);
    let decimals = if exp >= 14 {
        0
    } else if exp >= -3 {
        (14 - exp) as usize
    } else {
        17
    };
    let mut text = format!("{:.*}", decimals, value);
    if text.contains('.') {
        let trimmed = text.trim_end_matches('0').trim_end_matches('.').len();
        text.truncate(trimmed);
    }
    if text == "-0" {
        text = "0".into();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_format_matches_redis_on_ordinary_values() {
        // Expected texts are Redis 7.0's replies.
        assert_eq!(format_human(10.5 + 0.1), "10.6");
        assert_eq!(format_human(0.1 + 0.2), "0.3");
        assert_eq!(format_human(1.0 - 1.1), "-0.1");
        assert_eq!(format_human(3000.0), "3000");
        assert_eq!(format_human(1e-20), "0");
        assert_eq!(format_human(-1e-20), "0");
        assert_eq!(format_human(100.00001), "100.00001");
        assert_eq!(format_human(0.5), "0.5");
        assert_eq!(format_human(1e15 + 1.0), "1000000000000001");
        assert_eq!(format_human(-2.5), "-2.5");
        assert_eq!(format_human(0.0001), "0.0001");
        assert_eq!(format_human(1.5e-5), "0.000015");
    }

    #[test]
    fn long_double_parsing() {
        let p = |s: &str| parse_long_double(s.as_bytes());
        assert_eq!(p("1.5"), Some(1.5));
        assert_eq!(p("+1.5"), Some(1.5));
        assert_eq!(p(".5"), Some(0.5));
        assert_eq!(p("1."), Some(1.0));
        assert_eq!(p("3.0e3"), Some(3000.0));
        assert_eq!(p("0x10"), Some(16.0));
        assert_eq!(p("-0x1p3"), Some(-8.0));
        assert_eq!(p("0x.8"), Some(0.5));
        assert_eq!(p("inf"), Some(f64::INFINITY));
        assert_eq!(p("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(p("1\0abc"), Some(1.0));
        for bad in
            ["\u{20ac}1", "0\u{20ac}", "", " 1", "1 ", "1e", "abc", "nan", "--1", "+-1", "0x", "1e400", "0xp3", "0x1p"]
        {
            assert_eq!(p(bad), None, "{bad:?}");
        }
    }
}
