//! Values stored in the keyspace.
//!
//! A string remembers which of Redis's three encodings it has, because
//! `OBJECT ENCODING` reports it and the rules for which one a value gets
//! (set from a client, made by INCR, grown by APPEND) are part of Redis's
//! observable behaviour.

/// A value of any type. Later data types add variants.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(StrValue),
}

#[derive(Debug, Clone, PartialEq)]
pub enum StrValue {
    /// Redis `OBJ_ENCODING_INT`.
    Int(i64),
    /// Redis `OBJ_ENCODING_EMBSTR`: short, never modified in place.
    Emb(Box<[u8]>),
    /// Redis `OBJ_ENCODING_RAW`.
    Raw(Vec<u8>),
}

/// Longest string Redis stores as embstr.
pub const EMBSTR_MAX_BYTES: usize = 44;

impl StrValue {
    /// The encoding Redis gives a string value received from a client
    /// (`tryObjectEncoding`).
    pub fn from_client(bytes: &[u8]) -> StrValue {
        if bytes.len() <= 20 {
            if let Some(n) = parse_strict_i64(bytes) {
                return StrValue::Int(n);
            }
        }
        if bytes.len() <= EMBSTR_MAX_BYTES {
            StrValue::Emb(bytes.into())
        } else {
            StrValue::Raw(bytes.to_vec())
        }
    }

    pub fn encoding_name(&self) -> &'static str {
        match self {
            StrValue::Int(_) => "int",
            StrValue::Emb(_) => "embstr",
            StrValue::Raw(_) => "raw",
        }
    }

    /// Calls `f` with the value's bytes (an integer is rendered on the stack).
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            StrValue::Int(n) => f(crate::resp::reply::itoa_buf(*n).as_str().as_bytes()),
            StrValue::Emb(b) => f(b),
            StrValue::Raw(v) => f(v),
        }
    }

    pub fn len(&self) -> usize {
        self.with_bytes(|b| b.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Value {
    /// The name TYPE replies with.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
        }
    }
}

/// Redis `string2ll`: optional '-', digits, no leading zeros (except "0"),
/// no '+', no spaces, fits in i64.
pub fn parse_strict_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = if s[0] == b'-' { (true, &s[1..]) } else { (false, s) };
    if digits.is_empty() || digits[0] == b'0' || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in digits {
        v = v.checked_mul(10)?.checked_add((d - b'0') as u64)?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else {
        i64::try_from(v).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_i64() {
        assert_eq!(parse_strict_i64(b"0"), Some(0));
        assert_eq!(parse_strict_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_strict_i64(b"9223372036854775808"), None);
        assert_eq!(parse_strict_i64(b"01"), None);
        assert_eq!(parse_strict_i64(b"-0"), None);
        assert_eq!(parse_strict_i64(b"+1"), None);
        assert_eq!(parse_strict_i64(b" 1"), None);
    }

    #[test]
    fn encodings() {
        assert_eq!(StrValue::from_client(b"123").encoding_name(), "int");
        assert_eq!(StrValue::from_client(b"abc").encoding_name(), "embstr");
        assert_eq!(StrValue::from_client(&[b'a'; 45]).encoding_name(), "raw");
    }
}
