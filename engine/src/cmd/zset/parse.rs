//! Arguments of the sorted set family: scores (Redis parses them with C
//! `strtod`, see [`crate::cmd::strtod`], whose rules differ from Rust's
//! `f64::from_str`: leading whitespace, `infinity`, hex floats, a
//! longest-valid-prefix parse), score ranges (`(1.5`, `-inf`) and lex
//! ranges (`[a`, `(a`, `-`, `+`).

use std::cmp::Ordering;

use crate::cmd::strtod::strtod;
use crate::cmd::CmdError;

/// Redis `getDoubleFromObject`: the whole argument must parse, with no
/// leading space, no overflow or underflow to zero, and not NaN.
pub fn parse_score(arg: &[u8]) -> Option<f64> {
    if arg.is_empty() || matches!(arg[0], b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
        return None;
    }
    let (v, used, erange) = strtod(arg);
    if used != arg.len() || v.is_nan() || (erange && (v.is_infinite() || v == 0.0)) {
        return None;
    }
    Some(v)
}

/// [`parse_score`] answering `ERR value is not a valid float`.
pub fn score_arg(arg: &[u8]) -> Result<f64, CmdError> {
    parse_score(arg).ok_or(CmdError::NotFloat)
}

/// A score interval (Redis `zrangespec`).
#[derive(Clone, Copy, Debug)]
pub struct ScoreRange {
    pub min: f64,
    pub max: f64,
    pub min_exclusive: bool,
    pub max_exclusive: bool,
}

impl ScoreRange {
    pub fn gte_min(&self, score: f64) -> bool {
        if self.min_exclusive {
            score > self.min
        } else {
            score >= self.min
        }
    }

    pub fn lte_max(&self, score: f64) -> bool {
        if self.max_exclusive {
            score < self.max
        } else {
            score <= self.max
        }
    }

    /// Redis's early "empty range" test (`zslIsInRange` before the walk).
    pub fn is_empty(&self) -> bool {
        self.min > self.max || (self.min == self.max && (self.min_exclusive || self.max_exclusive))
    }
}

/// One bound of a score range (Redis `zslParseRange`): `(` makes it
/// exclusive; the rest goes through `strtod` with only a check that it
/// consumed everything and is not NaN (so `(` alone is an exclusive 0 and
/// leading spaces pass).
fn score_bound(arg: &[u8]) -> Option<(f64, bool)> {
    let (text, exclusive) = match arg.first() {
        Some(b'(') => (&arg[1..], true),
        _ => (arg, false),
    };
    let (v, used, _) = strtod(text);
    if used != text.len() || v.is_nan() {
        return None;
    }
    Some((v, exclusive))
}

/// A score range, or `ERR min or max is not a float`.
pub fn score_range(min: &[u8], max: &[u8]) -> Result<ScoreRange, CmdError> {
    let err = || CmdError::msg("ERR min or max is not a float");
    let (min, min_exclusive) = score_bound(min).ok_or_else(err)?;
    let (max, max_exclusive) = score_bound(max).ok_or_else(err)?;
    Ok(ScoreRange { min, max, min_exclusive, max_exclusive })
}

/// One end of a lex range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LexBound {
    /// `-`: below every member.
    MinusInf,
    /// `+`: above every member.
    PlusInf,
    Inclusive(Vec<u8>),
    Exclusive(Vec<u8>),
}

#[derive(Clone, Debug)]
pub struct LexRange {
    pub min: LexBound,
    pub max: LexBound,
}

impl LexRange {
    pub fn gte_min(&self, member: &[u8]) -> bool {
        match &self.min {
            LexBound::MinusInf => true,
            LexBound::PlusInf => false,
            LexBound::Inclusive(b) => member >= &b[..],
            LexBound::Exclusive(b) => member > &b[..],
        }
    }

    pub fn lte_max(&self, member: &[u8]) -> bool {
        match &self.max {
            LexBound::MinusInf => false,
            LexBound::PlusInf => true,
            LexBound::Inclusive(b) => member <= &b[..],
            LexBound::Exclusive(b) => member < &b[..],
        }
    }

    /// Redis's early empty test (`zslIsInLexRange`'s first checks).
    pub fn is_empty(&self) -> bool {
        use LexBound::*;
        let (lo, hi) = (&self.min, &self.max);
        match (lo, hi) {
            (PlusInf, _) | (_, MinusInf) => true,
            (MinusInf, _) | (_, PlusInf) => false,
            (Inclusive(a) | Exclusive(a), Inclusive(b) | Exclusive(b)) => match a.cmp(b) {
                Ordering::Greater => true,
                Ordering::Equal => matches!(lo, Exclusive(_)) || matches!(hi, Exclusive(_)),
                Ordering::Less => false,
            },
        }
    }
}

fn lex_bound(arg: &[u8]) -> Option<LexBound> {
    match arg.first()? {
        b'+' if arg.len() == 1 => Some(LexBound::PlusInf),
        b'-' if arg.len() == 1 => Some(LexBound::MinusInf),
        b'(' => Some(LexBound::Exclusive(arg[1..].to_vec())),
        b'[' => Some(LexBound::Inclusive(arg[1..].to_vec())),
        _ => None,
    }
}

/// A lex range, or `ERR min or max not valid string range item`.
pub fn lex_range(min: &[u8], max: &[u8]) -> Result<LexRange, CmdError> {
    let err = || CmdError::msg("ERR min or max not valid string range item");
    Ok(LexRange { min: lex_bound(min).ok_or_else(err)?, max: lex_bound(max).ok_or_else(err)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_follow_strtod() {
        // Expected values are what Redis 7.0 accepts or refuses in ZADD.
        for (text, want) in [
            ("1", Some(1.0)),
            ("0x10", Some(16.0)),
            (".5", Some(0.5)),
            ("5.", Some(5.0)),
            ("+inf", Some(f64::INFINITY)),
            ("-Infinity", Some(f64::NEG_INFINITY)),
            ("4.9e-324", Some(4.9e-324)),
            ("0x1p-1074", Some(f64::from_bits(1))),
            ("1e-320", Some(1e-320)),
            ("0x1.8p-1070", Some(f64::from_bits(24))),
            ("0x1p1024", None),
            ("1e400", None),
            ("1e-400", None),
            (" 1", None),
            ("1 ", None),
            ("nan", None),
            ("1e", None),
            ("0x", None),
            ("", None),
            ("-.e1", None),
        ] {
            assert_eq!(parse_score(text.as_bytes()), want, "{text}");
        }
    }

    #[test]
    fn range_bounds() {
        let r = score_range(b"(", b" 2").unwrap();
        assert!(r.min == 0.0 && r.min_exclusive && r.max == 2.0 && !r.max_exclusive);
        assert!(score_range(b"(1e400", b"1").is_ok(), "no ERANGE check in ranges");
        assert!(score_range(b"(nan", b"1").is_err());
        assert!(lex_range(b"-", b"+").is_ok());
        assert!(lex_range(b"a", b"+").is_err());
        assert!(lex_range(b"--", b"+").is_err());
        assert!(lex_range(b"[", b"(").is_ok());
    }
}
