//! Values stored in the keyspace.
//!
//! # String encodings
//! A string remembers which of Redis's three encodings it has, because
//! `OBJECT ENCODING` reports it and the rules for which one a value gets are
//! part of Redis's observable behaviour (checked against Redis 7.0):
//! - set from a client (SET, MSET, GETSET, APPEND/SETRANGE creating the key
//!   with the client's bytes...): `int` if it is a canonical i64 of at most
//!   20 bytes, `embstr` if at most 44 bytes, `raw` otherwise
//!   ([`StrValue::from_client`], Redis `tryObjectEncoding`);
//! - INCR/DECR/INCRBY/DECRBY results: `int` ([`StrValue::from_int`]);
//! - INCRBYFLOAT results: `embstr` (or `raw` past 44 bytes), never `int`
//!   ([`StrValue::from_computed`]);
//! - modified in place (APPEND on an existing key, SETRANGE with a non-empty
//!   value, SETBIT): `raw`, whatever the length ([`StrValue::raw_mut`]).
//!
//! # Representation
//! `Value` is 16 bytes, paid once per key. A string is an `i64`, up to
//! [`INLINE_MAX_BYTES`] bytes stored inline, or a [`ThinBytes`] (one 8-byte
//! pointer to a block with the length in front). The encoding Redis would
//! report is kept apart from the representation: a short `raw` string stays
//! inline. Other data types add `Value` variants holding one `Box` each, so
//! the enum stays 16 bytes (the tag reuses the niche in `StrValue`'s tag).

mod hash;
mod list;
mod set;
mod thin;
mod zset;

pub use hash::{HashLimits, HashValue};
pub use list::{normalize_index, End, ListValue};
pub use set::{Member, SetValue, SET_MAX_INTSET_ENTRIES_DEFAULT};
pub use thin::ThinBytes;
pub use zset::{ListpackLimits, ZSetValue};

/// A value of any type. Each collection is one `Box`, so the enum stays 16
/// bytes. Each type's module owns its representation and reports the
/// encoding name Redis would (`OBJECT ENCODING`).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(StrValue),
    List(Box<ListValue>),
    Hash(Box<HashValue>),
    Set(Box<SetValue>),
    ZSet(Box<ZSetValue>),
}

/// A string value. See the module doc for the encoding rules.
#[derive(Clone)]
pub struct StrValue(Repr);

/// Longest string kept inside the value itself.
pub const INLINE_MAX_BYTES: usize = 14;

#[derive(Clone, Copy)]
struct Inline {
    len: u8,
    buf: [u8; INLINE_MAX_BYTES],
}

#[derive(Clone)]
enum Repr {
    /// Redis `OBJ_ENCODING_INT`.
    Int(i64),
    /// `OBJ_ENCODING_EMBSTR`, short enough to live inline.
    InlineEmb(Inline),
    /// `OBJ_ENCODING_RAW`, short enough to live inline.
    InlineRaw(Inline),
    /// `OBJ_ENCODING_EMBSTR` on the heap.
    Emb(ThinBytes),
    /// `OBJ_ENCODING_RAW` on the heap.
    Raw(ThinBytes),
}

/// Longest string Redis stores as embstr.
pub const EMBSTR_MAX_BYTES: usize = 44;

impl Inline {
    fn new(bytes: &[u8]) -> Inline {
        assert!(bytes.len() <= INLINE_MAX_BYTES);
        let mut buf = [0u8; INLINE_MAX_BYTES];
        buf[..bytes.len()].copy_from_slice(bytes);
        Inline { len: bytes.len() as u8, buf }
    }

    fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len as usize]
    }
}

impl StrValue {
    /// The encoding Redis gives a string value received from a client
    /// (`tryObjectEncoding`).
    pub fn from_client(bytes: &[u8]) -> StrValue {
        if bytes.len() <= 20 {
            if let Some(n) = parse_strict_i64(bytes) {
                return StrValue(Repr::Int(n));
            }
        }
        StrValue::from_computed(bytes)
    }

    /// A string built by the server from bytes (INCRBYFLOAT's result,
    /// Redis `createStringObject`): embstr up to 44 bytes, raw beyond, never int.
    pub fn from_computed(bytes: &[u8]) -> StrValue {
        if bytes.len() <= INLINE_MAX_BYTES {
            StrValue(Repr::InlineEmb(Inline::new(bytes)))
        } else if bytes.len() <= EMBSTR_MAX_BYTES {
            StrValue(Repr::Emb(ThinBytes::from_slice(bytes)))
        } else {
            StrValue(Repr::Raw(ThinBytes::from_slice(bytes)))
        }
    }

    /// An integer-encoded string (INCR and friends).
    pub fn from_int(n: i64) -> StrValue {
        StrValue(Repr::Int(n))
    }

    /// A raw-encoded string holding `bytes` (a value built by SETRANGE or
    /// SETBIT on a missing key).
    pub fn raw(bytes: &[u8]) -> StrValue {
        if bytes.len() <= INLINE_MAX_BYTES {
            StrValue(Repr::InlineRaw(Inline::new(bytes)))
        } else {
            StrValue(Repr::Raw(ThinBytes::from_slice(bytes)))
        }
    }

    pub fn encoding_name(&self) -> &'static str {
        match &self.0 {
            Repr::Int(_) => "int",
            Repr::InlineEmb(_) | Repr::Emb(_) => "embstr",
            Repr::InlineRaw(_) | Repr::Raw(_) => "raw",
        }
    }

    /// Calls `f` with the value's bytes (an integer is rendered on the stack).
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match &self.0 {
            Repr::Int(n) => f(crate::resp::reply::itoa_buf(*n).as_str().as_bytes()),
            Repr::InlineEmb(i) | Repr::InlineRaw(i) => f(i.as_slice()),
            Repr::Emb(t) | Repr::Raw(t) => f(t.as_slice()),
        }
    }

    /// The bytes, copied.
    pub fn to_vec(&self) -> Vec<u8> {
        self.with_bytes(|b| b.to_vec())
    }

    /// The value as an i64 if it is one in Redis's strict sense
    /// (`getLongLongFromObject`).
    pub fn as_i64(&self) -> Option<i64> {
        match &self.0 {
            Repr::Int(n) => Some(*n),
            _ => self.with_bytes(parse_strict_i64),
        }
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Int(n) => crate::resp::reply::itoa_buf(*n).as_str().len(),
            Repr::InlineEmb(i) | Repr::InlineRaw(i) => i.len as usize,
            Repr::Emb(t) | Repr::Raw(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Makes the value raw-encoded (Redis `dbUnshareStringValue`), at least
    /// `min_len` bytes long (new bytes zero), and returns its bytes for
    /// writing. The caller has checked `min_len` against the size limit.
    pub fn raw_mut(&mut self, min_len: usize) -> &mut [u8] {
        let len = self.len();
        let target = len.max(min_len);
        let keep_inline = matches!(self.0, Repr::InlineRaw(_)) && target <= INLINE_MAX_BYTES;
        let already_heap_raw = matches!(self.0, Repr::Raw(_));
        if !keep_inline && !already_heap_raw {
            self.0 = if target <= INLINE_MAX_BYTES {
                self.with_bytes(|b| Repr::InlineRaw(Inline::new(b)))
            } else {
                let mut t = ThinBytes::with_capacity(target);
                self.with_bytes(|b| t.extend_from_slice(b));
                Repr::Raw(t)
            };
        }
        match &mut self.0 {
            Repr::InlineRaw(i) => {
                // Bytes past len are zero: Inline::new zero-fills and raw
                // inline strings never shrink.
                i.len = target as u8;
                &mut i.buf[..target]
            }
            Repr::Raw(t) => {
                t.grow_zeroed(target);
                t.as_mut_slice()
            }
            _ => unreachable!("converted to raw above"),
        }
    }

    /// Appends `bytes`, making the value raw-encoded. Returns the new length.
    /// The caller has checked the new length against the size limit.
    pub fn append(&mut self, bytes: &[u8]) -> usize {
        let len = self.len();
        let new_len = len + bytes.len();
        self.raw_mut(new_len)[len..].copy_from_slice(bytes);
        new_len
    }
}

impl PartialEq for StrValue {
    /// Equal bytes and equal encoding (how the value was made is observable).
    fn eq(&self, other: &StrValue) -> bool {
        self.encoding_name() == other.encoding_name() && self.with_bytes(|a| other.with_bytes(|b| a == b))
    }
}

impl std::fmt::Debug for StrValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.with_bytes(|b| write!(f, "{}({:?})", self.encoding_name(), String::from_utf8_lossy(b)))
    }
}

/// `Value::as_x` / `as_x_mut`: the value of one type, or None for another
/// (the caller replies WRONGTYPE).
macro_rules! accessors {
    ($($variant:ident, $ty:ty, $get:ident, $get_mut:ident;)*) => {
        impl Value {
            $(
                pub fn $get(&self) -> Option<&$ty> {
                    match self {
                        Value::$variant(v) => Some(v),
                        _ => None,
                    }
                }

                pub fn $get_mut(&mut self) -> Option<&mut $ty> {
                    match self {
                        Value::$variant(v) => Some(v),
                        _ => None,
                    }
                }
            )*
        }
    };
}

accessors! {
    Str, StrValue, as_str, as_str_mut;
    List, ListValue, as_list, as_list_mut;
    Hash, HashValue, as_hash, as_hash_mut;
    Set, SetValue, as_set, as_set_mut;
    ZSet, ZSetValue, as_zset, as_zset_mut;
}

impl Value {
    /// The name TYPE replies with.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
        }
    }

    /// The name OBJECT ENCODING replies with.
    pub fn encoding_name(&self) -> &'static str {
        match self {
            Value::Str(s) => s.encoding_name(),
            Value::List(l) => l.encoding_name(),
            Value::Hash(h) => h.encoding_name(),
            Value::Set(s) => s.encoding_name(),
            Value::ZSet(z) => z.encoding_name(),
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
        assert_eq!(StrValue::from_client(&[b'a'; 44]).encoding_name(), "embstr");
        assert_eq!(StrValue::from_client(&[b'a'; 45]).encoding_name(), "raw");
        assert_eq!(StrValue::from_client(b"12345678901234567890").encoding_name(), "embstr");
        assert_eq!(StrValue::from_computed(b"3000").encoding_name(), "embstr");
        assert_eq!(StrValue::from_int(7).encoding_name(), "int");
    }

    #[test]
    fn value_is_small() {
        assert_eq!(std::mem::size_of::<StrValue>(), 16);
        assert_eq!(std::mem::size_of::<Value>(), 16);
        // A future variant holding one Box must not grow the enum.
        #[allow(dead_code)]
        enum Grown {
            Str(StrValue),
            List(Box<[u64; 4]>),
            Hash(Box<[u64; 4]>),
        }
        assert_eq!(std::mem::size_of::<Grown>(), 16);
    }

    #[test]
    fn mutation_makes_raw() {
        for start in [&b"12"[..], b"abc", &[b'x'; 20], &[b'y'; 50]] {
            let mut v = StrValue::from_client(start);
            let n = v.append(b"Z");
            assert_eq!(n, start.len() + 1);
            assert_eq!(v.encoding_name(), "raw");
            assert_eq!(&v.to_vec()[..start.len()], start);
            assert_eq!(v.to_vec()[start.len()], b'Z');
        }
        let mut v = StrValue::raw(b"ab");
        v.raw_mut(20)[19] = 1;
        assert_eq!(v.len(), 20);
        assert_eq!(&v.to_vec()[..3], b"ab\0");
        assert_eq!(v.to_vec()[19], 1);
        let mut v = StrValue::from_int(-5);
        assert_eq!(v.as_i64(), Some(-5));
        v.raw_mut(0);
        assert_eq!(v.encoding_name(), "raw");
        assert_eq!(v.to_vec(), b"-5");
        assert_eq!(v.as_i64(), Some(-5));
    }
}
