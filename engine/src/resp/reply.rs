//! Reply encoding. Handlers append RESP straight into a byte buffer; there
//! is no intermediate reply tree, so a reply costs one copy of its payload.
//!
//! # Protocols
//! One handler serves RESP2 and RESP3 clients: it calls the method that
//! names what Redis's `addReply*` names (a map, a set, a double, a null, a
//! push...), and [`Reply::resp3`], set by the executor from the calling
//! client's `HELLO` version before each command, picks the encoding, as
//! Redis's `c->resp` does:
//!
//! | method | RESP2 | RESP3 | Redis |
//! |---|---|---|---|
//! | [`Reply::map`] | `*2n` | `%n` | addReplyMapLen |
//! | [`Reply::set`] | `*n` | `~n` | addReplySetLen |
//! | [`Reply::push`] | `*n` | `>n` | addReplyPushLen |
//! | [`Reply::null`] | `$-1` | `_` | addReplyNull |
//! | [`Reply::null_array`] | `*-1` | `_` | addReplyNullArray |
//! | [`Reply::double`] | `$len` `%.17g` | `,%.17g` | addReplyDouble |
//! | [`Reply::bool`] | `:1` / `:0` | `#t` / `#f` | addReplyBool |
//! | [`Reply::verbatim`] | `$len` text | `=len` `txt:`text | addReplyVerbatim |

/// An output buffer that knows how to write RESP2 and RESP3 values.
#[derive(Default, Debug)]
pub struct Reply {
    pub buf: Vec<u8>,
    /// Encode for a RESP3 client (see the module's table).
    pub resp3: bool,
}

impl Reply {
    pub fn new() -> Reply {
        Reply { buf: Vec::new(), resp3: false }
    }

    /// Sets the protocol from a client's HELLO version (2 or 3).
    pub fn set_protocol(&mut self, resp: u8) {
        debug_assert!(resp == 2 || resp == 3, "RESP version {resp}");
        self.resp3 = resp == 3;
    }

    /// `+OK\r\n`
    pub fn ok(&mut self) {
        self.buf.extend_from_slice(b"+OK\r\n");
    }

    /// A status reply: `+<s>\r\n`. `s` must not contain CR or LF.
    pub fn simple(&mut self, s: &str) {
        debug_assert!(!s.contains(['\r', '\n']));
        self.buf.push(b'+');
        self.buf.extend_from_slice(s.as_bytes());
        self.buf.extend_from_slice(b"\r\n");
    }

    /// An error reply. `msg` carries its own code (`ERR ...`, `WRONGTYPE ...`);
    /// like Redis's addReplyError, CR and LF inside become spaces so the
    /// reply stays one line whatever the client sent.
    pub fn error(&mut self, msg: &str) {
        self.error_bytes(msg.as_bytes());
    }

    /// As [`Reply::error`], for messages that carry raw client bytes (Redis
    /// puts them in unchanged, e.g. "expected '$', got '\xc3'").
    pub fn error_bytes(&mut self, msg: &[u8]) {
        self.buf.push(b'-');
        self.buf.extend(msg.iter().map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }));
        self.buf.extend_from_slice(b"\r\n");
    }

    /// `:<n>\r\n`
    pub fn int(&mut self, n: i64) {
        self.buf.push(b':');
        self.push_decimal(n);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// `$<len>\r\n<bytes>\r\n`
    pub fn bulk(&mut self, bytes: &[u8]) {
        self.bulk_header(bytes.len());
        self.buf.extend_from_slice(bytes);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// The header of a bulk string whose payload the caller appends next,
    /// followed by [`Reply::bulk_end`].
    pub fn bulk_header(&mut self, len: usize) {
        self.buf.push(b'$');
        self.push_decimal(len as i64);
        self.buf.extend_from_slice(b"\r\n");
    }

    pub fn bulk_end(&mut self) {
        self.buf.extend_from_slice(b"\r\n");
    }

    /// A bulk string holding the decimal form of `n` (how Redis replies with
    /// an integer-encoded string value).
    pub fn bulk_int(&mut self, n: i64) {
        let tmp = itoa_buf(n);
        self.bulk(tmp.as_str().as_bytes());
    }

    /// The null bulk string: `$-1` (RESP2), `_` (RESP3).
    pub fn null(&mut self) {
        self.buf.extend_from_slice(if self.resp3 { b"_\r\n" } else { b"$-1\r\n" });
    }

    /// The null array: `*-1` (RESP2), `_` (RESP3).
    pub fn null_array(&mut self) {
        self.buf.extend_from_slice(if self.resp3 { b"_\r\n" } else { b"*-1\r\n" });
    }

    /// `*<n>\r\n`; the caller then writes `n` elements.
    pub fn array(&mut self, n: usize) {
        self.buf.push(b'*');
        self.push_decimal(n as i64);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// A map of `pairs` key/value pairs, which the caller writes next:
    /// `%pairs` (RESP3), an array of `2 * pairs` elements (RESP2).
    pub fn map(&mut self, pairs: usize) {
        if self.resp3 {
            self.header(b'%', pairs);
        } else {
            self.array(pairs * 2);
        }
    }

    /// A set of `n` elements: `~n` (RESP3), `*n` (RESP2).
    pub fn set(&mut self, n: usize) {
        if self.resp3 {
            self.header(b'~', n);
        } else {
            self.array(n);
        }
    }

    /// An out-of-band push of `n` elements (pub/sub messages): `>n`
    /// (RESP3), `*n` (RESP2).
    pub fn push(&mut self, n: usize) {
        if self.resp3 {
            self.header(b'>', n);
        } else {
            self.array(n);
        }
    }

    /// A double as Redis 7.0's addReplyDouble prints it (`%.17g`, with
    /// `inf`/`-inf`): a bulk string (RESP2) or `,` (RESP3).
    pub fn double(&mut self, d: f64) {
        let s = format_double_g17(d);
        if self.resp3 {
            self.buf.push(b',');
            self.buf.extend_from_slice(s.as_bytes());
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(s.as_bytes());
        }
    }

    /// A boolean: `:1` / `:0` (RESP2), `#t` / `#f` (RESP3).
    pub fn bool(&mut self, b: bool) {
        if self.resp3 {
            self.buf.extend_from_slice(if b { b"#t\r\n" } else { b"#f\r\n" });
        } else {
            self.int(i64::from(b));
        }
    }

    /// Text Redis marks as verbatim (INFO, CLIENT LIST, LOLWUT...): a bulk
    /// string (RESP2), or `=len` with the three-letter `kind` ("txt",
    /// "mkd") and a colon before the text (RESP3).
    pub fn verbatim(&mut self, kind: &str, text: &[u8]) {
        if self.resp3 {
            debug_assert_eq!(kind.len(), 3, "verbatim kinds are three letters");
            self.buf.push(b'=');
            self.push_decimal((text.len() + 4) as i64);
            self.buf.extend_from_slice(b"\r\n");
            self.buf.extend_from_slice(kind.as_bytes());
            self.buf.push(b':');
            self.buf.extend_from_slice(text);
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(text);
        }
    }

    fn header(&mut self, kind: u8, n: usize) {
        self.buf.push(kind);
        self.push_decimal(n as i64);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// The position where the next write lands; with [`Reply::truncate`] a
    /// handler can take back a partial reply before replying with an error.
    pub fn mark(&self) -> usize {
        self.buf.len()
    }

    pub fn truncate(&mut self, mark: usize) {
        self.buf.truncate(mark);
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    fn push_decimal(&mut self, n: i64) {
        let tmp = itoa_buf(n);
        self.buf.extend_from_slice(tmp.as_str().as_bytes());
    }
}

/// A decimal rendering of an i64 on the stack.
pub struct ItoaBuf {
    bytes: [u8; 20],
    start: usize,
}

impl ItoaBuf {
    pub fn as_str(&self) -> &str {
        // The bytes are ASCII digits and an optional '-', written below.
        std::str::from_utf8(&self.bytes[self.start..]).expect("ascii digits")
    }
}

/// Writes `n` in decimal without allocating.
pub fn itoa_buf(n: i64) -> ItoaBuf {
    let mut out = ItoaBuf { bytes: [0; 20], start: 20 };
    let negative = n < 0;
    let mut v = n.unsigned_abs();
    loop {
        out.start -= 1;
        out.bytes[out.start] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if negative {
        out.start -= 1;
        out.bytes[out.start] = b'-';
    }
    out
}

/// C's `%.17g` for finite doubles, `inf` / `-inf` / `nan` otherwise: what Redis
/// uses when it replies with a double in RESP2.
pub fn format_double_g17(d: f64) -> String {
    format_double_g(d, 17)
}

/// C's `%.<precision>g`.
pub fn format_double_g(d: f64, precision: usize) -> String {
    if d.is_nan() {
        return "nan".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if d == 0.0 {
        return if d.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    let p = precision.max(1);
    // Exponent of the value once rounded to p significant digits.
    let sci = format!("{:.*e}", p - 1, d);
    let (mantissa, exp) = sci.split_once('e').expect("{:e} always has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent is an integer");
    if exp < -4 || exp >= p as i32 {
        let mantissa = strip_trailing_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{}{:02}", mantissa, sign, exp.abs())
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        strip_trailing_zeros(&format!("{:.*}", decimals, d)).to_string()
    }
}

fn strip_trailing_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn itoa_edges() {
        for n in [0i64, 1, -1, 9, 10, 12345, i64::MAX, i64::MIN] {
            assert_eq!(itoa_buf(n).as_str(), n.to_string());
        }
    }

    #[test]
    fn g17_matches_c() {
        // Expected values are what C's printf("%.17g") prints.
        assert_eq!(format_double_g17(1.0), "1");
        assert_eq!(format_double_g17(0.1), "0.10000000000000001");
        assert_eq!(format_double_g17(1.5), "1.5");
        assert_eq!(format_double_g17(1e20), "1e+20");
        assert_eq!(format_double_g17(123456789.0), "123456789");
        assert_eq!(format_double_g17(1e-5), "1.0000000000000001e-05");
        assert_eq!(format_double_g17(-2.5), "-2.5");
        assert_eq!(format_double_g17(f64::INFINITY), "inf");
        assert_eq!(format_double_g(3.0, 17), "3");
        assert_eq!(format_double_g(0.0001, 17), "0.0001");
    }

    #[test]
    fn protocols_encode_each_kind() {
        let both = |f: fn(&mut Reply)| {
            let (mut two, mut three) = (Reply::new(), Reply::new());
            three.set_protocol(3);
            f(&mut two);
            f(&mut three);
            (String::from_utf8(two.buf).unwrap(), String::from_utf8(three.buf).unwrap())
        };
        assert_eq!(both(|r| r.map(2)), ("*4\r\n".into(), "%2\r\n".into()));
        assert_eq!(both(|r| r.set(3)), ("*3\r\n".into(), "~3\r\n".into()));
        assert_eq!(both(|r| r.push(3)), ("*3\r\n".into(), ">3\r\n".into()));
        assert_eq!(both(|r| r.null()), ("$-1\r\n".into(), "_\r\n".into()));
        assert_eq!(both(|r| r.null_array()), ("*-1\r\n".into(), "_\r\n".into()));
        assert_eq!(both(|r| r.double(1.5)), ("$3\r\n1.5\r\n".into(), ",1.5\r\n".into()));
        assert_eq!(both(|r| r.double(f64::NEG_INFINITY)), ("$4\r\n-inf\r\n".into(), ",-inf\r\n".into()));
        assert_eq!(both(|r| r.bool(true)), (":1\r\n".into(), "#t\r\n".into()));
        assert_eq!(both(|r| r.verbatim("txt", b"a\r\nb")), ("$4\r\na\r\nb\r\n".into(), "=8\r\ntxt:a\r\nb\r\n".into()));
    }

    #[test]
    fn error_replies_stay_one_line() {
        let mut r = Reply::new();
        r.error("ERR bad\r\nthing");
        assert_eq!(r.buf, b"-ERR bad  thing\r\n");
    }
}
