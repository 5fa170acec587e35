//! INCRBYFLOAT's arithmetic. Redis adds two x87 `long double`s (64-bit
//! significand) parsed by `strtold` and prints the sum with `%.17Lf`,
//! trailing zeros trimmed. The model computes the exact decimal sum and
//! proves, with an error bound, that printing the rounded binary value at 17
//! decimals gives exactly that sum; when it cannot prove it the result is
//! [`Sum::Unknown`] and the caller marks the value uncertain.
//!
//! Inputs accepted as floats: `[+-]?(digits[.digits*] | .digits)`. `strtold`
//! also takes exponents, `inf`, hex floats; the generator never produces
//! values with those letters, so for everything it sends this grammar and
//! `strtold`-plus-Redis's-checks agree.

/// 10^17: the fixed-point scale (17 decimals, as `%.17Lf` prints).
const SCALE: i128 = 100_000_000_000_000_000;
const FIVE_POW_17: i128 = 762_939_453_125;

/// A parsed decimal: value = `units / 10^17`, or too precise/large to track.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dec {
    Exact(i128),
    Untracked,
}

/// Parses a float as `strtold` would accept it; None = not a valid float.
pub fn parse(s: &[u8]) -> Option<Dec> {
    let (neg, body) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = match body.iter().position(|&b| b == b'.') {
        Some(p) => (&body[..p], Some(&body[p + 1..])),
        None => (body, None),
    };
    let frac_digits = frac.unwrap_or(b"");
    if int.is_empty() && frac_digits.is_empty() {
        return None;
    }
    if !int.iter().chain(frac_digits).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int = trim_leading_zeros(int);
    if int.len() > 20 || frac_digits.iter().skip(17).any(|&b| b != b'0') {
        return Some(Dec::Untracked);
    }
    let mut units: i128 = 0;
    for &d in int {
        units = units * 10 + (d - b'0') as i128;
    }
    for k in 0..17 {
        units = units * 10 + frac_digits.get(k).map_or(0, |&d| (d - b'0') as i128);
    }
    Some(Dec::Exact(if neg { -units } else { units }))
}

fn trim_leading_zeros(mut d: &[u8]) -> &[u8] {
    while d.len() > 1 && d[0] == b'0' {
        d = &d[1..];
    }
    d
}

pub enum Sum {
    Known(Vec<u8>),
    Unknown,
}

/// Whether `units / 10^17` is exactly a `long double`, and if not, an upper
/// bound of its rounding error in units.
fn rounding_error_units(units: i128) -> f64 {
    let a = units.unsigned_abs();
    if a == 0 {
        return 0.0;
    }
    if units % FIVE_POW_17 == 0 {
        // units / 10^17 = (units / 5^17) / 2^17: a binary fraction.
        let q = a / FIVE_POW_17 as u128;
        let significant = 128 - q.leading_zeros() - q.trailing_zeros();
        if significant <= 64 {
            return 0.0;
        }
    }
    half_ulp_units(a)
}

/// Half an ulp of a 64-bit-significand float near `a` units, doubled for
/// safety (the exponent is estimated in f64).
fn half_ulp_units(a: u128) -> f64 {
    let value = a as f64 / SCALE as f64;
    let exp = value.log2().floor();
    2f64.powf(exp - 63.0) * SCALE as f64
}

/// `a + b` as Redis prints it, if provable.
pub fn add(a: Dec, b: Dec) -> Sum {
    let (Dec::Exact(a), Dec::Exact(b)) = (a, b) else {
        return Sum::Unknown;
    };
    let s = a + b;
    let mut err = rounding_error_units(a) + rounding_error_units(b);
    if err > 0.0 || rounding_error_units(s) > 0.0 {
        err += half_ulp_units(s.unsigned_abs().max(1));
    }
    // Printing rounds to the nearest unit; the exact sum is on the unit
    // grid, so an error below half a unit prints it exactly.
    if err >= 0.25 || s.unsigned_abs() >= 10u128.pow(20) * SCALE as u128 {
        return Sum::Unknown;
    }
    Sum::Known(format_units(s))
}

fn format_units(s: i128) -> Vec<u8> {
    let a = s.unsigned_abs();
    let (int, frac) = (a / SCALE as u128, a % SCALE as u128);
    let mut text = String::new();
    if s < 0 {
        text.push('-');
    }
    text.push_str(&int.to_string());
    if frac != 0 {
        let f = format!("{frac:017}");
        text.push('.');
        text.push_str(f.trim_end_matches('0'));
    }
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(a: &str, b: &str) -> Option<String> {
        match add(parse(a.as_bytes())?, parse(b.as_bytes())?) {
            Sum::Known(v) => Some(String::from_utf8(v).unwrap()),
            Sum::Unknown => Some("?".into()),
        }
    }

    #[test]
    fn sums() {
        assert_eq!(sum("10.5", "0.1").as_deref(), Some("10.6"));
        assert_eq!(sum("0", "1").as_deref(), Some("1"));
        assert_eq!(sum("-0.5", "0.5").as_deref(), Some("0"));
        assert_eq!(sum("5.0e3", "1"), None);
        assert_eq!(sum("abc", "1"), None);
        assert_eq!(sum(".5", "5.").as_deref(), Some("5.5"));
        assert_eq!(sum("9223372036854775807", "1").as_deref(), Some("9223372036854775808"));
        assert_eq!(sum("1000.1", "0.2").as_deref(), Some("?"));
    }
}
