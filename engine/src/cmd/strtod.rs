//! glibc's `strtod`, which Redis parses doubles with: it skips leading
//! white space, takes decimal and hexadecimal (`0x1.8p3`) forms and
//! `inf`/`infinity`/`nan`, reads the longest valid prefix, and sets
//! `ERANGE` on overflow, on underflow to zero and on an inexact subnormal
//! result (an exact one, like `0x1p-1074`, is not out of range).
//!
//! Its callers differ in what they refuse, as Redis's do:
//! - scores (ZADD & co, `getDoubleFromObject`): ERANGE only when the value
//!   became +-inf or zero ([`crate::cmd::zset::parse`]);
//! - SORT's weights (`sortCommandGeneric`): any ERANGE ([`sort_score`]).

/// C `strtod` on `text`: the value, how many bytes it consumed (0 when
/// nothing parses, and then the value is 0), and whether it set `ERANGE`.
pub fn strtod(text: &[u8]) -> (f64, usize, bool) {
    let mut i = text.iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')).count();
    let negative = match text.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let sign = if negative { -1.0 } else { 1.0 };
    let rest = &text[i..];
    if starts_with_ci(rest, b"inf") {
        let len = if starts_with_ci(rest, b"infinity") { 8 } else { 3 };
        return (sign * f64::INFINITY, i + len, false);
    }
    if starts_with_ci(rest, b"nan") {
        let mut len = 3;
        // nan(n-char-sequence)
        if rest.get(3) == Some(&b'(') {
            if let Some(close) = rest[3..].iter().position(|&c| c == b')') {
                if rest[4..3 + close].iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_') {
                    len += close + 1;
                }
            }
        }
        return (f64::NAN, i + len, false);
    }
    let parsed = if starts_with_ci(rest, b"0x") && hex_follows(&rest[2..]) {
        let (v, n, erange) = parse_hex(&rest[2..]);
        Some((v, n + 2, erange))
    } else {
        parse_decimal(rest)
    };
    match parsed {
        Some((v, n, erange)) => (sign * v, i + n, erange),
        None => (0.0, 0, false),
    }
}

/// The score of `s` as SORT computes it, or None where Redis answers "One
/// or more scores can't be converted into double": `strtod` of the value
/// as a C string (up to the first NUL), refused when it stops before the
/// end, sets ERANGE or gives NaN. A string with no number at all converts
/// to 0 with `eptr` at its start, so only the empty string passes that way.
pub(crate) fn sort_score(s: &[u8]) -> Option<f64> {
    let s = match s.iter().position(|&b| b == 0) {
        Some(nul) => &s[..nul],
        None => s,
    };
    if s.is_empty() {
        return Some(0.0);
    }
    let (v, used, erange) = strtod(s);
    (used == s.len() && !erange && !v.is_nan()).then_some(v)
}

fn starts_with_ci(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// After `0x`, strtod takes the hex form only if a hex digit follows
/// (possibly after the point); otherwise it reads just the `0`.
fn hex_follows(s: &[u8]) -> bool {
    match s.first() {
        Some(b) if b.is_ascii_hexdigit() => true,
        Some(b'.') => s.get(1).is_some_and(u8::is_ascii_hexdigit),
        _ => false,
    }
}

/// Length of the exponent part at `s` (`e`/`p`, sign, digits), 0 when
/// there are no digits (strtod then stops before the letter).
fn exponent_len(s: &[u8], letter: u8) -> usize {
    if s.first().is_none_or(|b| b.to_ascii_lowercase() != letter) {
        return 0;
    }
    let sign = usize::from(matches!(s.get(1), Some(b'+' | b'-')));
    let digits = s[1 + sign..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        0
    } else {
        1 + sign + digits
    }
}

/// A decimal number at the start of `s`: (value, bytes consumed, ERANGE),
/// or None when there are no digits (no conversion).
fn parse_decimal(s: &[u8]) -> Option<(f64, usize, bool)> {
    let int_digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    let mut len = int_digits;
    let mut frac_digits = 0;
    if s.get(len) == Some(&b'.') {
        frac_digits = s[len + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        len += 1 + frac_digits;
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    let nonzero_mantissa = s[..len].iter().any(|b| (b'1'..=b'9').contains(b));
    len += exponent_len(&s[len..], b'e');
    let text = std::str::from_utf8(&s[..len]).expect("ASCII digits, '.', 'e' and a sign");
    // Rust's parser takes every form this scan admits (".5", "5.", "1e+7").
    let value: f64 = text.parse().expect("a decimal literal");
    // glibc: overflow, underflow to zero and (inexact) subnormal results
    // all set ERANGE; a decimal subnormal is exact only with hundreds of
    // digits, which this treats as inexact too.
    let erange = value.is_infinite() || (nonzero_mantissa && value < f64::MIN_POSITIVE);
    Some((value, len, erange))
}

/// A hex number after `0x`: (value, bytes consumed, ERANGE). Rounds to
/// nearest-even like glibc; an inexact subnormal sets ERANGE.
fn parse_hex(s: &[u8]) -> (f64, usize, bool) {
    let mut mantissa: u128 = 0;
    let mut exp2: i64 = 0;
    let mut sticky = false;
    let mut len = 0;
    let mut seen_point = false;
    while let Some(&b) = s.get(len) {
        if b == b'.' && !seen_point {
            seen_point = true;
        } else if let Some(d) = (b as char).to_digit(16) {
            if mantissa >> 120 == 0 {
                mantissa = mantissa << 4 | d as u128;
                if seen_point {
                    exp2 -= 4;
                }
            } else {
                sticky |= d != 0;
                if !seen_point {
                    exp2 += 4;
                }
            }
        } else {
            break;
        }
        len += 1;
    }
    let exp_len = exponent_len(&s[len..], b'p');
    if exp_len > 0 {
        let digits = std::str::from_utf8(&s[len + 1..len + exp_len]).expect("a sign and ASCII digits");
        // A huge exponent saturates: the value overflows or underflows.
        exp2 = exp2.saturating_add(digits.parse::<i64>().unwrap_or(if digits.starts_with('-') {
            -100_000
        } else {
            100_000
        }));
        len += exp_len;
    }
    if mantissa == 0 {
        return (0.0, len, false);
    }
    // value = mantissa * 2^exp2; keep 53 significant bits (fewer when
    // subnormal), rounding to nearest even.
    let top_bit = 127 - mantissa.leading_zeros() as i64; // value in [2^(top+exp2), 2^(top+exp2+1))
    let unbiased = top_bit + exp2;
    if unbiased > 1023 {
        return (f64::INFINITY, len, true);
    }
    let lowest_kept = (unbiased - 52).max(-1074); // exponent of the last kept bit
    let drop = lowest_kept - exp2; // bits of `mantissa` that do not fit
    let (kept, inexact) = if drop <= 0 {
        (mantissa << (-drop) as u32, sticky)
    } else if drop >= 128 {
        (0, true)
    } else {
        let dropped = mantissa & ((1u128 << drop) - 1);
        let half = 1u128 << (drop - 1);
        let mut kept = mantissa >> drop;
        if dropped > half || (dropped == half && (sticky || kept & 1 == 1)) {
            kept += 1;
        }
        (kept, dropped != 0 || sticky)
    };
    // Two steps so that 2^-1074 is never formed as one (unrepresentable)
    // factor; `kept` has at most 54 bits, so both products are exact.
    let e = lowest_kept as i32;
    let value = kept as f64 * 2f64.powi(e / 2) * 2f64.powi(e - e / 2);
    let erange = value.is_infinite() || (value < f64::MIN_POSITIVE && inexact);
    (value, len, erange)
}

#[cfg(test)]
mod tests {
    use super::{sort_score, strtod};

    /// Each case was checked against redis-server 7.0.15 (`SET x <s>`,
    /// `SORT m BY *` over a list holding `x`): accepted or refused.
    #[test]
    fn accepts_and_refuses_as_redis_does() {
        for s in [
            "",
            "5",
            " 5",
            "-0",
            "+5",
            ".5",
            "5.",
            "0x10",
            "0x1p3",
            "0x1.8p1",
            "inf",
            "INF",
            "infinity",
            "-inf",
            "0e-400",
            "2.2250738585072014e-308",
            "0x1p-1074",
            "5\0junk",
        ] {
            assert!(sort_score(s.as_bytes()).is_some(), "{s:?} should pass");
        }
        for s in [
            "nan",
            "nan(123)",
            "1e400",
            "1e-400",
            "1e-310",
            "4.9e-324",
            "1e-320",
            "1e",
            "0x",
            "  ",
            "1_0",
            "5 ",
            "1,5",
            "0x1p-1080",
            "\\t5",
        ] {
            assert!(sort_score(s.as_bytes()).is_none(), "{s:?} should fail");
        }
    }

    #[test]
    fn values() {
        assert_eq!(sort_score(b"0x1.8p1"), Some(3.0));
        assert_eq!(sort_score(b"0x1p-1074"), Some(f64::from_bits(1)));
        assert_eq!(sort_score(b" -12.5e1"), Some(-125.0));
        assert_eq!(sort_score(b"0x.8"), Some(0.5));
        assert_eq!(sort_score(b"0x1fffffffffffff"), Some(9007199254740991.0));
        assert_eq!(sort_score(b"0x20000000000001"), Some(9007199254740992.0));
        assert_eq!(sort_score(b"0x20000000000003"), Some(9007199254740996.0));
    }

    #[test]
    fn erange_and_prefixes_as_glibc() {
        assert_eq!(strtod(b"0x1p-1074"), (f64::from_bits(1), 9, false), "exact subnormal");
        assert_eq!(strtod(b"4.9e-324"), (f64::from_bits(1), 8, true), "inexact subnormal");
        assert_eq!(strtod(b"1e-400"), (0.0, 6, true));
        assert_eq!(strtod(b"-1e400"), (f64::NEG_INFINITY, 6, true));
        assert_eq!(strtod(b"0x1p1024"), (f64::INFINITY, 8, true));
        assert_eq!(strtod(b"  12abc"), (12.0, 4, false));
        assert_eq!(strtod(b"0x"), (0.0, 1, false), "the 0 only");
        assert_eq!(strtod(b"1e+"), (1.0, 1, false));
        assert_eq!(strtod(b"abc"), (0.0, 0, false));
        assert_eq!(strtod(b"-Infinityx").1, 9);
        let (v, n, e) = strtod(b"nan(1_a)z");
        assert!(v.is_nan() && n == 8 && !e);
    }
}
