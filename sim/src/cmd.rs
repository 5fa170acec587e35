//! [`Cmd`]: one command as the simulated client sends it, stored as one byte
//! buffer plus argument end offsets so that generating, encoding and
//! modelling a command allocates nothing once the buffers have grown.

/// The arguments of one command (name included).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Cmd {
    buf: Vec<u8>,
    ends: Vec<u32>,
}

impl Cmd {
    pub fn new() -> Cmd {
        Cmd::default()
    }

    pub fn from_args(args: &[&[u8]]) -> Cmd {
        let mut c = Cmd::new();
        for a in args {
            c.push(a);
        }
        c
    }

    pub fn clear(&mut self) {
        self.buf.clear();
        self.ends.clear();
    }

    pub fn push(&mut self, arg: &[u8]) {
        self.buf.extend_from_slice(arg);
        self.ends.push(self.buf.len() as u32);
    }

    pub fn push_int(&mut self, n: i64) {
        write_i64(&mut self.buf, n);
        self.ends.push(self.buf.len() as u32);
    }

    /// Appends bytes to the last argument (for building keys like `k17`).
    pub fn push_parts(&mut self, prefix: &[u8], n: u64) {
        self.buf.extend_from_slice(prefix);
        write_u64(&mut self.buf, n);
        self.ends.push(self.buf.len() as u32);
    }

    pub fn argc(&self) -> usize {
        self.ends.len()
    }

    pub fn arg(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.buf[start..self.ends[i] as usize]
    }

    pub fn args(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.argc()).map(|i| self.arg(i))
    }

    /// Removes the last argument.
    pub fn pop(&mut self) {
        if self.ends.pop().is_some() {
            let end = self.ends.last().copied().unwrap_or(0) as usize;
            self.buf.truncate(end);
        }
    }

    /// Appends the multibulk encoding to `out` (one reservation, small
    /// lengths written without division: this runs once per command). Each
    /// argument's header is written together with the CRLF that ends the
    /// previous line, as one fixed-size copy when the length is short.
    pub fn encode_resp(&self, out: &mut Vec<u8>) {
        out.reserve(16 + self.buf.len() + 8 * self.ends.len());
        out.push(b'*');
        write_u64(out, self.argc() as u64);
        let mut start = 0;
        for &end in &self.ends {
            let a = &self.buf[start..end as usize];
            start = end as usize;
            let n = a.len();
            if n < 10 {
                out.extend_from_slice(&[b'\r', b'\n', b'$', b'0' + n as u8, b'\r', b'\n']);
            } else if n < 100 {
                out.extend_from_slice(&[
                    b'\r',
                    b'\n',
                    b'$',
                    b'0' + (n / 10) as u8,
                    b'0' + (n % 10) as u8,
                    b'\r',
                    b'\n',
                ]);
            } else {
                out.extend_from_slice(b"\r\n$");
                write_u64(out, n as u64);
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(a);
        }
        out.extend_from_slice(b"\r\n");
    }

    /// Whether the inline encoding carries these arguments unchanged: every
    /// argument non-empty and free of whitespace, quotes and control bytes.
    pub fn inline_safe(&self) -> bool {
        self.argc() > 0
            && self.args().all(|a| {
                !a.is_empty() && a.iter().all(|&b| b > b' ' && b < 0x7f && b != b'"' && b != b'\'' && b != b'\\')
            })
    }

    /// Appends the inline encoding (`GET k\r\n`) to `out`.
    pub fn encode_inline(&self, out: &mut Vec<u8>) {
        for (i, a) in self.args().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            out.extend_from_slice(a);
        }
        out.extend_from_slice(b"\r\n");
    }

    /// Human-readable form for failure reports (not used on the hot path).
    pub fn render(&self) -> String {
        let mut s = String::new();
        for (i, a) in self.args().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(&render_bytes(a));
        }
        s
    }
}

impl std::fmt::Debug for Cmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

/// Quotes bytes the way redis-cli does for display.
pub fn render_bytes(a: &[u8]) -> String {
    let plain = !a.is_empty() && a.iter().all(|&b| b.is_ascii_graphic() && b != b'"' && b != b'\\');
    if plain {
        return String::from_utf8_lossy(a).into_owned();
    }
    let mut s = String::from("\"");
    for &b in a {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s.push('"');
    s
}

/// Writes the decimal form of `n` without going through `fmt`; one to
/// three digits (most lengths, counts and key numbers) without a loop.
#[inline]
pub fn write_u64(out: &mut Vec<u8>, n: u64) {
    if n < 10 {
        out.push(b'0' + n as u8);
    } else if n < 100 {
        out.extend_from_slice(&[b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]);
    } else if n < 1000 {
        // Keys of big keyspaces (`k123`) and most value lengths.
        out.extend_from_slice(&[b'0' + (n / 100) as u8, b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8]);
    } else {
        write_u64_long(out, n);
    }
}

fn write_u64_long(out: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&tmp[i..]);
}

pub fn write_i64(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    write_u64(out, n.unsigned_abs());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes() {
        let mut c = Cmd::new();
        c.push(b"SET");
        c.push_parts(b"k", 17);
        c.push_int(-5);
        let mut out = Vec::new();
        c.encode_resp(&mut out);
        assert_eq!(out, b"*3\r\n$3\r\nSET\r\n$3\r\nk17\r\n$2\r\n-5\r\n");
        c.pop();
        assert_eq!(c.argc(), 2);
        assert_eq!(c.arg(1), b"k17");
        let mut out = Vec::new();
        c.encode_inline(&mut out);
        assert_eq!(out, b"SET k17\r\n");
        assert_eq!(render_bytes(b"a b"), "\"a b\"");
    }

    #[test]
    fn encodes_every_length_class() {
        let long = vec![b'x'; 123];
        let args: [&[u8]; 5] = [b"", b"abcdefghi", b"abcdefghij", &long[..99], &long];
        let c = Cmd::from_args(&args);
        let mut want = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            want.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            want.extend_from_slice(a);
            want.extend_from_slice(b"\r\n");
        }
        let mut out = Vec::new();
        c.encode_resp(&mut out);
        assert_eq!(out, want);
        let mut out = Vec::new();
        Cmd::new().encode_resp(&mut out);
        assert_eq!(out, b"*0\r\n");
    }

    #[test]
    fn decimal() {
        for n in [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 123_456_789, u64::MAX] {
            let mut out = Vec::new();
            write_u64(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
        for n in [0, -1, -9, -10, -100, i64::MIN, i64::MAX] {
            let mut out = Vec::new();
            write_i64(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
    }
}
