//! An exact software model of the x87 80-bit `long double`, the type Redis
//! 7.0 on x86-64 computes INCRBYFLOAT in (and HINCRBYFLOAT too).
//!
//! Redis parses both operands with `strtold`, adds them in the FPU and
//! prints the sum with `%.17Lf`. Every step is correctly rounded (glibc's
//! `strtold` and `printf` work on the exact binary value; the FPU adds with
//! a 64-bit significand, round to nearest, ties to even), so the replies are
//! a pure function of the inputs that `f64` cannot reproduce
//! (`-9223372036854775807 + 0.5` is `-9223372036854775806.5` in Redis).
//! This module redoes each step exactly with big integers.
//!
//! # The format
//! A finite value is `significand * 2^exp2` with a 64-bit significand whose
//! top bit is explicit: normal values have it set; the smallest exponent
//! holds the denormals (no top bit, down to 2^-16445); the largest finite
//! value is `(2^64 - 1) * 2^16320`, about 1.19e4932.
//!
//! # Cost
//! Ordinary operands are a few machine words; the worst case (5 KB of
//! digits, exponents near the format's limits) divides numbers of about
//! 35,000 bits, a bounded fraction of a millisecond. Exponent fields are
//! clamped before any power is computed, and magnitudes that certainly
//! overflow or underflow are decided from the digit count alone.

use num_bigint::BigUint;

/// `MAX_LONG_DOUBLE_CHARS`: Redis refuses to parse text this long or longer.
pub const TEXT_MAX_BYTES: usize = 5 * 1024;

/// Weight of the last significand bit of the denormals (and of the smallest
/// normal binade).
const MIN_EXP2: i64 = -16445;
/// Weight of the last significand bit of the largest finite binade.
const MAX_EXP2: i64 = 16320;
const SIGNIFICAND_BITS: i64 = 64;
/// Exponent fields are saturated here: any text of at most
/// [`TEXT_MAX_BYTES`] with a larger exponent overflows or underflows anyway.
const EXPONENT_CLAMP: i64 = 1_000_000;
/// `%.17Lf`: digits printed after the point.
const FIXED_DECIMALS: usize = 17;
const TEN_POW_FIXED_DECIMALS: u128 = 100_000_000_000_000_000;

/// A finite `long double`: `(-1)^negative * significand * 2^exp2`.
///
/// Canonical: either `exp2 == MIN_EXP2` (zero, denormals and the smallest
/// normal binade) or the significand's top bit is set; `exp2 <= MAX_EXP2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Finite {
    negative: bool,
    significand: u64,
    exp2: i64,
}

/// A `long double` as `string2ld` can return it: NaN is refused there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LongDouble {
    Finite(Finite),
    /// `inf` or `infinity` spelled out (a finite text that overflows is
    /// refused); its sign never matters, as any sum with it is refused.
    Infinite,
}

/// The result of rounding an exact value to the format.
#[derive(Debug, PartialEq, Eq)]
enum Rounded {
    Value(Finite),
    /// Rounded to infinity (`strtold` sets ERANGE and returns HUGE_VALL).
    Overflow,
    /// A nonzero value rounded to zero (ERANGE with a zero result).
    Underflow,
}

impl Finite {
    pub const ZERO: Finite = Finite { negative: false, significand: 0, exp2: MIN_EXP2 };

    /// The value of an integer (exact: 64 significand bits hold any i64).
    pub fn from_i64(n: i64) -> Finite {
        match round(n < 0, &BigUint::from(n.unsigned_abs()), 0, false) {
            Rounded::Value(v) => v,
            // Unreachable: an i64 is far inside the range.
            Rounded::Overflow | Rounded::Underflow => Finite::ZERO,
        }
    }
}

/// Redis `string2ld`: `strtold` over the whole text, refusing empty or too
/// long text, a leading space, anything `strtold` leaves unconsumed (an
/// embedded NUL included: C stops there), ERANGE results that are infinite
/// or zero, and NaN. Denormal results (ERANGE but nonzero) are accepted.
///
/// The grammar (glibc, C locale): `[+-]` then `inf`, `infinity` (any
/// case), or a decimal `digits[.digits][e[+-]digits]` / `.digits...`, or a
/// hexadecimal `0x hexdigits[.hexdigits][p[+-]digits]`; NaN in any
/// spelling is refused by Redis.
pub fn parse(text: &[u8]) -> Option<LongDouble> {
    if text.is_empty() || text.len() >= TEXT_MAX_BYTES {
        return None;
    }
    // C `isspace` in the C locale.
    if matches!(text[0], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        return None;
    }
    let (negative, body) = match text[0] {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
        return Some(LongDouble::Infinite);
    }
    // After "0x" strtold wants a hex mantissa; without one it stops after
    // the "0", leaving text unconsumed, which Redis refuses.
    let rounded = if body.len() >= 2 && body[0] == b'0' && body[1] | 0x20 == b'x' {
        parse_hex(negative, &body[2..])?
    } else {
        parse_decimal(negative, body)?
    };
    match rounded {
        Rounded::Value(v) => Some(LongDouble::Finite(v)),
        Rounded::Overflow | Rounded::Underflow => None,
    }
}

/// `value += incr` in the FPU; None when the sum is infinite or NaN (an
/// infinite operand, or an overflow), which Redis refuses.
pub fn add(a: LongDouble, b: LongDouble) -> Option<Finite> {
    let (LongDouble::Finite(a), LongDouble::Finite(b)) = (a, b) else {
        return None;
    };
    let low = a.exp2.min(b.exp2);
    // Both exponents lie in [MIN_EXP2, MAX_EXP2]: shifts below 33,000 bits.
    let wide_a = BigUint::from(a.significand) << ((a.exp2 - low) as u64);
    let wide_b = BigUint::from(b.significand) << ((b.exp2 - low) as u64);
    let (negative, exact) = if a.negative == b.negative {
        (a.negative, wide_a + wide_b)
    } else if wide_a >= wide_b {
        (a.negative, wide_a - wide_b)
    } else {
        (b.negative, wide_b - wide_a)
    };
    // IEEE: an exact zero sum of opposite signs is +0 (only -0 + -0 is -0).
    let negative = negative && (exact.bits() != 0 || (a.negative && b.negative));
    match round(negative, &exact, low, false) {
        Rounded::Value(v) => Some(v),
        // An exact sum of multiples of 2^MIN_EXP2 never underflows.
        Rounded::Overflow | Rounded::Underflow => None,
    }
}

/// Redis `ld2string(..., LD_STR_HUMAN)`: `%.17Lf` (fixed notation, the
/// exact binary value rounded half to even at 17 decimals, as glibc does),
/// then trailing zeros and a trailing point removed, and `-0` as `0`.
/// The longest result (the largest finite value) is 4,952 bytes, inside
/// Redis's 5 KB buffer, so the overflow branch of `ld2string` never runs.
pub fn format_human(v: &Finite) -> String {
    let digits = if v.exp2 >= 0 {
        let scaled = BigUint::from(v.significand) * BigUint::from(TEN_POW_FIXED_DECIMALS);
        (scaled << (v.exp2 as u64)).to_string()
    } else {
        // significand * 10^17 < 2^121: shifting right by 122 or more leaves
        // less than half a unit, which rounds to 0.
        let scaled = v.significand as u128 * TEN_POW_FIXED_DECIMALS;
        let shift = v.exp2.unsigned_abs();
        let rounded = if shift >= 122 {
            0
        } else {
            let kept = scaled >> shift;
            let rest = scaled - (kept << shift);
            let half = 1u128 << (shift - 1);
            if rest > half || (rest == half && kept & 1 == 1) {
                kept + 1
            } else {
                kept
            }
        };
        rounded.to_string()
    };
    let padded = if digits.len() <= FIXED_DECIMALS {
        format!("{}{}", "0".repeat(FIXED_DECIMALS + 1 - digits.len()), digits)
    } else {
        digits
    };
    let (int, frac) = padded.split_at(padded.len() - FIXED_DECIMALS);
    let frac = frac.trim_end_matches('0');
    let mut out = String::with_capacity(padded.len() + 2);
    if v.negative && !(int == "0" && frac.is_empty()) {
        out.push('-');
    }
    out.push_str(int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Rounds `n * 2^exp2` (plus something below one unit of `n`'s last bit
/// when `sticky`) to the format, to nearest, ties to even.
///
/// Callers with `sticky` pass at least 66 significant bits, so the rounding
/// point always lies below `n`'s last bit and `sticky` only breaks ties.
fn round(negative: bool, n: &BigUint, exp2: i64, sticky: bool) -> Rounded {
    let bits = n.bits() as i64;
    if bits == 0 {
        return if sticky { Rounded::Underflow } else { Rounded::Value(Finite { negative, ..Finite::ZERO }) };
    }
    let mut target = (exp2 + bits - SIGNIFICAND_BITS).max(MIN_EXP2);
    let mut significand: u128 = if target <= exp2 {
        debug_assert!(!sticky, "exact rounding with a sticky bit");
        // n has at most 64 - (exp2 - target) bits: the shift stays in u64.
        let Ok(small) = u64::try_from(n) else {
            return Rounded::Overflow;
        };
        (small as u128) << (exp2 - target)
    } else {
        let shift = (target - exp2) as u64;
        let kept = u64::try_from(&(n >> shift)).map_or(u128::MAX, u128::from);
        let half_bit = n.bit(shift - 1);
        let below_half_nonzero = sticky || n.trailing_zeros().is_some_and(|zeros| zeros < shift - 1);
        if half_bit && (below_half_nonzero || kept & 1 == 1) {
            kept + 1
        } else {
            kept
        }
    };
    if significand == 1 << SIGNIFICAND_BITS {
        significand >>= 1;
        target += 1;
    }
    if target > MAX_EXP2 || significand > u64::MAX as u128 {
        return Rounded::Overflow;
    }
    if significand == 0 {
        return Rounded::Underflow;
    }
    Rounded::Value(Finite { negative, significand: significand as u64, exp2: target })
}

/// `[digits][.digits][X[+-]digits]` covering the whole text, with at least
/// one mantissa digit; `exponent_letter` is X in lower case. Returns the
/// integer digits, the fraction digits and the (clamped) exponent.
fn split_number(body: &[u8], is_digit: fn(&u8) -> bool, exponent_letter: u8) -> Option<(&[u8], &[u8], i64)> {
    let int_len = body.iter().take_while(|b| is_digit(b)).count();
    let (int, rest) = body.split_at(int_len);
    let (frac, rest) = match rest.split_first() {
        Some((b'.', after)) => after.split_at(after.iter().take_while(|b| is_digit(b)).count()),
        _ => (&rest[..0], rest),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let exponent = match rest.split_first() {
        None => 0,
        Some((&letter, digits)) if letter | 0x20 == exponent_letter => parse_exponent(digits)?,
        Some(_) => return None,
    };
    Some((int, frac, exponent))
}

/// `[+-]digits`, saturated at [`EXPONENT_CLAMP`].
fn parse_exponent(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let magnitude = digits.iter().fold(0i64, |acc, &d| (acc * 10 + i64::from(d - b'0')).min(EXPONENT_CLAMP));
    Some(if negative { -magnitude } else { magnitude })
}

/// The mantissa digits without leading and trailing zeros, and how many
/// trailing zeros were dropped.
fn significant_digits(int: &[u8], frac: &[u8]) -> (Vec<u8>, usize) {
    let mut digits: Vec<u8> = int.iter().chain(frac).copied().skip_while(|&d| d == b'0').collect();
    let trailing = digits.iter().rev().take_while(|&&d| d == b'0').count();
    digits.truncate(digits.len() - trailing);
    (digits, trailing)
}

fn parse_decimal(negative: bool, body: &[u8]) -> Option<Rounded> {
    let (int, frac, exponent) = split_number(body, u8::is_ascii_digit, b'e')?;
    let (digits, trailing_zeros) = significant_digits(int, frac);
    if digits.is_empty() {
        return Some(Rounded::Value(Finite { negative, ..Finite::ZERO }));
    }
    // value = digits * 10^exp10, and 10^(count-1+exp10) <= value < 10^(count+exp10).
    let exp10 = exponent - frac.len() as i64 + trailing_zeros as i64;
    let count = digits.len() as i64;
    if count - 1 + exp10 > 4933 {
        return Some(Rounded::Overflow); // >= 1e4934, past the largest finite ~1.19e4932
    }
    if count + exp10 < -4952 {
        return Some(Rounded::Underflow); // < 1e-4952, below half the smallest denormal ~3.6e-4951
    }
    let mantissa = BigUint::parse_bytes(&digits, 10)?;
    let ten = BigUint::from(10u32);
    if exp10 >= 0 {
        let n = mantissa * ten.pow(exp10 as u32);
        return Some(round(negative, &n, 0, false));
    }
    // Quotient with at least 66 bits: 64 for the significand, one to round
    // and one spare; the remainder becomes the sticky bit.
    let divisor = ten.pow(exp10.unsigned_abs() as u32);
    let scale = (SIGNIFICAND_BITS + 3 + divisor.bits() as i64 - mantissa.bits() as i64).max(0);
    let numerator = mantissa << (scale as u64);
    let quotient = &numerator / &divisor;
    let sticky = &quotient * &divisor != numerator;
    Some(round(negative, &quotient, -scale, sticky))
}

fn parse_hex(negative: bool, body: &[u8]) -> Option<Rounded> {
    let (int, frac, exponent) = split_number(body, u8::is_ascii_hexdigit, b'p')?;
    let (digits, trailing_zeros) = significant_digits(int, frac);
    if digits.is_empty() {
        return Some(Rounded::Value(Finite { negative, ..Finite::ZERO }));
    }
    let exp2 = exponent - 4 * frac.len() as i64 + 4 * trailing_zeros as i64;
    let mantissa = BigUint::parse_bytes(&digits, 16)?;
    // 2^top <= value < 2^(top+1).
    let top = mantissa.bits() as i64 - 1 + exp2;
    if top > 16384 {
        return Some(Rounded::Overflow); // >= 2^16385, past the largest finite < 2^16384
    }
    if top < -16447 {
        return Some(Rounded::Underflow); // < 2^-16447, below half the smallest denormal
    }
    Some(round(negative, &mantissa, exp2, false))
}

/// C's `(long long)(v * 1000.0)` for a `long double` on x86-64 (Redis
/// `getTimeoutFromObjectOrReply`, seconds to ms): the product is rounded to
/// the format, then truncated toward zero; a result outside the i64 range
/// (or infinite) is the x87 "integer indefinite", `i64::MIN`.
pub fn times_1000_truncated(v: LongDouble) -> i64 {
    let LongDouble::Finite(f) = v else { return i64::MIN };
    let product = match round(f.negative, &(BigUint::from(f.significand) * 1000u32), f.exp2, false) {
        Rounded::Value(p) => p,
        Rounded::Overflow => return i64::MIN,
        Rounded::Underflow => return 0,
    };
    let magnitude: u128 = if product.exp2 >= 0 {
        if product.exp2 >= 64 && product.significand != 0 {
            return i64::MIN;
        }
        (product.significand as u128).checked_shl(product.exp2 as u32).unwrap_or(u128::MAX)
    } else if product.exp2 <= -64 {
        0
    } else {
        (product.significand >> (-product.exp2)) as u128
    };
    match (product.negative, i64::try_from(magnitude)) {
        (false, Ok(n)) => n,
        (true, Ok(n)) => -n,
        _ => i64::MIN,
    }
}

#[cfg(test)]
mod tests;
