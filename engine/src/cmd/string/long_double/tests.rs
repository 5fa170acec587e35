//! The model against replies recorded from a real Redis 7.0 on x86-64
//! (`golden.txt`, written by `record_golden.py`), plus the properties the
//! recorded cases cannot show by themselves.

use super::*;

/// What INCRBYFLOAT answers for `old` (None: no key) plus `incr`: the bulk
/// text, or the error text.
fn incrbyfloat(old: Option<&[u8]>, incr: &[u8]) -> Result<String, &'static str> {
    const NOT_FLOAT: &str = "ERR value is not a valid float";
    let old = match old {
        None => LongDouble::Finite(Finite::ZERO),
        Some(text) => parse(text).ok_or(NOT_FLOAT)?,
    };
    let incr = parse(incr).ok_or(NOT_FLOAT)?;
    let sum = add(old, incr).ok_or("ERR increment would produce NaN or Infinity")?;
    Ok(format_human(&sum))
}

fn unescape(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            let hex = std::str::from_utf8(&bytes[i + 2..i + 4]).expect("escape");
            out.push(u8::from_str_radix(hex, 16).expect("hex escape"));
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn golden_cases_recorded_from_redis() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in include_str!("golden.txt").lines().filter(|l| !l.starts_with('#')) {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 3, "malformed golden line {line:?}");
        let old = fields[0].strip_prefix('=').map(unescape);
        let incr = unescape(fields[1]);
        let (kind, text) = fields[2].split_at(1);
        let expected = String::from_utf8(unescape(text)).expect("replies are ASCII");
        let got = incrbyfloat(old.as_deref(), &incr);
        let ok = match kind {
            "+" => got.as_deref() == Ok(expected.as_str()),
            "!" => got == Err(expected.as_str()),
            _ => panic!("malformed golden reply {line:?}"),
        };
        if !ok {
            failures.push(format!("{} + {} -> expected {kind}{expected:.80}, got {got:.80?}", fields[0], fields[1]));
        }
        checked += 1;
    }
    assert!(checked > 3000, "golden table too small: {checked}");
    assert!(failures.is_empty(), "{} of {checked} differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn examples_from_the_brief() {
    assert_eq!(incrbyfloat(Some(b"-9223372036854775807"), b"0.5").as_deref(), Ok("-9223372036854775806.5"));
    assert!(incrbyfloat(Some(b"1\0\0\0\0\0\0\0\0\0\x001.25"), b"1").is_err());
    assert_eq!(incrbyfloat(Some(b"10.5"), b"0.1").as_deref(), Ok("10.6"));
    assert_eq!(incrbyfloat(Some(b"17179869184"), b"0.1").as_deref(), Ok("17179869184.09999999962747097"));
    assert_eq!(incrbyfloat(None, b"1e-4940").as_deref(), Ok("0"));
    assert_eq!(incrbyfloat(None, b"-1e-20").as_deref(), Ok("0"));
}

#[test]
fn the_largest_value_prints_within_redis_buffer() {
    let max = match parse(b"-0x1.fffffffffffffffep16383") {
        Some(LongDouble::Finite(v)) => v,
        other => panic!("{other:?}"),
    };
    let text = format_human(&max);
    assert_eq!(text.len(), 4934);
    assert!(text.len() < TEXT_MAX_BYTES);
}

#[test]
fn integers_convert_exactly() {
    for n in [0, 1, -1, i64::MAX, i64::MIN, 1 << 53, -(1 << 62) + 3] {
        assert_eq!(format_human(&Finite::from_i64(n)), n.to_string());
        assert_eq!(parse(n.to_string().as_bytes()), Some(LongDouble::Finite(Finite::from_i64(n))));
    }
}

proptest::proptest! {
    /// No input makes the model panic, and whatever it accepts prints as
    /// text that parses back to the same value (%.17Lf keeps 17 decimals,
    /// so this holds for values whose binary expansion is that short).
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40)) {
        if let Some(v) = parse(&bytes) {
            if let Some(sum) = add(v, LongDouble::Finite(Finite::ZERO)) {
                let _ = format_human(&sum);
            }
        }
    }

    #[test]
    fn float_like_text_never_panics(text in "[-+]?(0[xX])?[0-9a-fA-F]{0,30}(\\.[0-9a-f]{0,30})?([eEpP][-+]?[0-9]{1,6})?") {
        if let (Some(a), Some(b)) = (parse(text.as_bytes()), parse(b"1.5")) {
            if let Some(sum) = add(a, b) {
                let _ = format_human(&sum);
            }
        }
    }

    #[test]
    fn sums_of_i64_are_exact_below_2_pow_64(a in -(1i64 << 62)..(1i64 << 62), b in -(1i64 << 62)..(1i64 << 62)) {
        let sum = add(LongDouble::Finite(Finite::from_i64(a)), LongDouble::Finite(Finite::from_i64(b)));
        proptest::prop_assert_eq!(sum.map(|s| format_human(&s)), Some((a + b).to_string()));
    }
}
