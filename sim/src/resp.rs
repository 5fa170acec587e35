//! The simulator's own RESP2 reply codec: a writer for expected replies and a
//! parser for actual ones (used only where a reply is checked by property,
//! and to show a mismatching reply). Independent of `engine::resp`.

use crate::cmd::{render_bytes, write_i64, write_u64};

/// Appends RESP2 replies to an expected-bytes buffer.
pub struct Writer<'a> {
    pub buf: &'a mut Vec<u8>,
}

impl Writer<'_> {
    pub fn simple(&mut self, s: &[u8]) {
        self.buf.push(b'+');
        self.buf.extend_from_slice(s);
        self.buf.extend_from_slice(b"\r\n");
    }
    pub fn ok(&mut self) {
        self.buf.extend_from_slice(b"+OK\r\n");
    }
    /// `parts` are concatenated: lets callers build messages without `format!`.
    pub fn err_parts(&mut self, parts: &[&[u8]]) {
        self.buf.push(b'-');
        for p in parts {
            self.buf.extend_from_slice(p);
        }
        self.buf.extend_from_slice(b"\r\n");
    }
    pub fn err(&mut self, s: &str) {
        self.err_parts(&[s.as_bytes()]);
    }
    pub fn int(&mut self, n: i64) {
        self.buf.push(b':');
        write_i64(self.buf, n);
        self.buf.extend_from_slice(b"\r\n");
    }
    pub fn bulk(&mut self, b: &[u8]) {
        self.buf.push(b'$');
        write_u64(self.buf, b.len() as u64);
        self.buf.extend_from_slice(b"\r\n");
        self.buf.extend_from_slice(b);
        self.buf.extend_from_slice(b"\r\n");
    }
    pub fn nil(&mut self) {
        self.buf.extend_from_slice(b"$-1\r\n");
    }
    pub fn array(&mut self, n: usize) {
        self.buf.push(b'*');
        write_u64(self.buf, n as u64);
        self.buf.extend_from_slice(b"\r\n");
    }
}

/// One parsed reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    Simple(Vec<u8>),
    Error(Vec<u8>),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Array(Option<Vec<Val>>),
}

impl Val {
    pub fn render(&self) -> String {
        match self {
            Val::Simple(s) => format!("+{}", String::from_utf8_lossy(s)),
            Val::Error(s) => format!("-{}", String::from_utf8_lossy(s)),
            Val::Int(n) => format!(":{n}"),
            Val::Bulk(None) | Val::Array(None) => "(nil)".into(),
            Val::Bulk(Some(b)) => render_bytes(b),
            Val::Array(Some(items)) => {
                let inner: Vec<String> = items.iter().map(|v| v.render()).collect();
                format!("[{}]", inner.join(", "))
            }
        }
    }
}

/// Result of trying to parse one reply.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A whole reply and the bytes it took.
    Done(Val, usize),
    Incomplete,
    /// Not RESP2 at all: the engine broke the protocol.
    Malformed(String),
}

/// Parses one reply from the start of `buf`.
pub fn parse(buf: &[u8]) -> Parsed {
    let mut pos = 0;
    match parse_at(buf, &mut pos, 0) {
        Ok(Some(v)) => Parsed::Done(v, pos),
        Ok(None) => Parsed::Incomplete,
        Err(e) => Parsed::Malformed(e),
    }
}

fn line<'a>(buf: &'a [u8], pos: &mut usize) -> Result<Option<&'a [u8]>, String> {
    let rest = &buf[*pos..];
    let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
        return Ok(None);
    };
    if nl == 0 || rest[nl - 1] != b'\r' {
        return Err("line not ended by CRLF".into());
    }
    *pos += nl + 1;
    Ok(Some(&rest[..nl - 1]))
}

fn num(s: &[u8]) -> Result<i64, String> {
    std::str::from_utf8(s).ok().and_then(|s| s.parse().ok()).ok_or_else(|| format!("bad number {:?}", render_bytes(s)))
}

fn parse_at(buf: &[u8], pos: &mut usize, depth: usize) -> Result<Option<Val>, String> {
    if depth > 8 {
        return Err("nesting too deep".into());
    }
    if *pos >= buf.len() {
        return Ok(None);
    }
    let kind = buf[*pos];
    let start = *pos;
    *pos += 1;
    let Some(l) = line(buf, pos)? else {
        *pos = start;
        return Ok(None);
    };
    let v = match kind {
        b'+' => Val::Simple(l.to_vec()),
        b'-' => Val::Error(l.to_vec()),
        b':' => Val::Int(num(l)?),
        b'$' => {
            let n = num(l)?;
            if n < 0 {
                Val::Bulk(None)
            } else {
                let n = n as usize;
                if buf.len() < *pos + n + 2 {
                    *pos = start;
                    return Ok(None);
                }
                if &buf[*pos + n..*pos + n + 2] != b"\r\n" {
                    return Err("bulk not ended by CRLF".into());
                }
                let b = buf[*pos..*pos + n].to_vec();
                *pos += n + 2;
                Val::Bulk(Some(b))
            }
        }
        b'*' => {
            let n = num(l)?;
            if n < 0 {
                Val::Array(None)
            } else {
                let mut items = Vec::with_capacity((n as usize).min(1024));
                for _ in 0..n {
                    match parse_at(buf, pos, depth + 1)? {
                        Some(v) => items.push(v),
                        None => {
                            *pos = start;
                            return Ok(None);
                        }
                    }
                }
                Val::Array(Some(items))
            }
        }
        other => return Err(format!("unknown reply type byte {other:#x}")),
    };
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip() {
        let mut b = Vec::new();
        let mut w = Writer { buf: &mut b };
        w.array(2);
        w.bulk(b"0");
        w.array(1);
        w.int(-3);
        assert_eq!(parse(&b[..b.len() - 1]), Parsed::Incomplete);
        match parse(&b) {
            Parsed::Done(v, n) => {
                assert_eq!(n, b.len());
                assert_eq!(v.render(), "[0, [:-3]]");
            }
            other => panic!("{other:?}"),
        }
    }
}
