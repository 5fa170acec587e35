//! Reply encoding. Handlers append RESP2 straight into a byte buffer; there
//! is no intermediate reply tree, so a reply costs one copy of its payload.

/// An output buffer that knows how to write RESP2 values.
#[derive(Default, Debug)]
pub struct Reply {
    pub buf: Vec<u8>,
}

impl Reply {
    pub fn new() -> Reply {
        Reply { buf: Vec::new() }
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

    /// `$-1\r\n`
    pub fn null(&mut self) {
        self.buf.extend_from_slice(b"$-1\r\n");
    }

    /// `*<n>\r\n`; the caller then writes `n` elements.
    pub fn array(&mut self, n: usize) {
        self.buf.push(b'*');
        self.push_decimal(n as i64);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// A RESP2 "map": an array of `2 * pairs` elements.
    pub fn map(&mut self, pairs: usize) {
        self.array(pairs * 2);
    }

    /// A double as Redis's addReplyDouble prints it in RESP2 (`%.17g`, with
    /// `inf`/`-inf`), as a bulk string.
    pub fn double(&mut self, d: f64) {
        let s = format_double_g17(d);
        self.bulk(s.as_bytes());
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
    fn error_replies_stay_one_line() {
        let mut r = Reply::new();
        r.error("ERR bad\r\nthing");
        assert_eq!(r.buf, b"-ERR bad  thing\r\n");
    }
}
