//! Reading an AOF file (a stream of RESP commands, `*N\r\n$len\r\n...`)
//! command by command through [`Storage::read_at`], with bounded memory:
//! header lines are short, and a bulk is allocated only once the file is
//! known to hold all its bytes, so a corrupted length (`$99999999999`)
//! reads as a short file, never as a huge allocation. Lines starting with
//! `#` between commands are annotations and skipped, as Redis does.
//!
//! [`scan_file`] classifies how a file ends, shared by the loader and
//! `--check-aof`:
//! - clean: the last byte ends a command;
//! - torn: the last command is cut short (a crash mid-append), or the file
//!   ends in a run of zero bytes (a power loss after the size grew but
//!   before the data reached the disk) preceded by complete commands or a
//!   cut one;
//! - an open `MULTI` at the end: its commands never ran (Redis reverts it);
//! - garbage: bytes that are not the protocol, with the offset.

use std::io;

use bytes::Bytes;

use crate::Storage;

/// How much is read from storage at a time.
const CHUNK_BYTES: usize = 64 * 1024;
/// Redis's `AOF_ANNOTATION_LINE_MAX_LEN`: the longest header or
/// annotation line.
const LINE_MAX_BYTES: usize = 1024;

/// What the next read found.
#[derive(Debug)]
enum Next {
    Command {
        args: Vec<Bytes>,
        start: u64,
    },
    /// The end, at a command boundary.
    End,
    /// The file ends inside a command.
    Truncated,
    Bad {
        at: u64,
        why: String,
    },
}

/// A line read from the file, as its first byte and the number after it.
enum Line {
    /// `kind` is the first byte; `len` the decimal after it, if it is one.
    Full {
        kind: u8,
        len: Option<u64>,
    },
    /// No byte left.
    Eof,
    /// The file ends before the line's newline.
    Partial,
    TooLong,
}

/// A buffered reader over `storage`'s file `name`, reading bytes `[0, limit)`.
struct Reader<'a, S: Storage> {
    storage: &'a mut S,
    name: &'a str,
    limit: u64,
    max_bulk_bytes: u64,
    /// Bytes of the file from offset `buf_start`; `pos` is the next unread.
    buf: Vec<u8>,
    buf_start: u64,
    pos: u64,
}

impl<S: Storage> Reader<'_, S> {
    fn buffered(&self) -> &[u8] {
        let skip = (self.pos - self.buf_start) as usize;
        &self.buf[skip..]
    }

    /// Reads another chunk into the buffer; false at `limit`.
    fn fill(&mut self) -> io::Result<bool> {
        let end = self.buf_start + self.buf.len() as u64;
        if end >= self.limit {
            return Ok(false);
        }
        // Drop what was consumed before growing.
        let consumed = (self.pos - self.buf_start) as usize;
        self.buf.drain(..consumed);
        self.buf_start = self.pos;
        let want = CHUNK_BYTES.min((self.limit - end) as usize);
        let old = self.buf.len();
        self.buf.resize(old + want, 0);
        let n = self.storage.read_at(self.name, end, &mut self.buf[old..])?;
        self.buf.truncate(old + n);
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("{} is shorter than its length {}", self.name, self.limit),
            ));
        }
        Ok(true)
    }

    /// Reads one line (up to `\n`, a `\r` before it dropped) and parses
    /// it as a type byte and a decimal, without copying it.
    fn read_line(&mut self) -> io::Result<Line> {
        loop {
            let avail = self.buffered();
            if let Some(nl) = avail.iter().position(|&b| b == b'\n') {
                if nl > LINE_MAX_BYTES {
                    return Ok(Line::TooLong);
                }
                let mut line = &avail[..nl];
                if line.last() == Some(&b'\r') {
                    line = &line[..line.len() - 1];
                }
                let parsed = match line.split_first() {
                    Some((&kind, rest)) => Line::Full { kind, len: parse_len(rest) },
                    None => Line::Full { kind: b'\n', len: None },
                };
                self.pos += nl as u64 + 1;
                return Ok(parsed);
            }
            if avail.len() > LINE_MAX_BYTES {
                return Ok(Line::TooLong);
            }
            if !self.fill()? {
                return Ok(if self.buffered().is_empty() { Line::Eof } else { Line::Partial });
            }
        }
    }

    /// `n` bytes, or `None` when the file ends first (nothing allocated).
    fn read_exact(&mut self, n: u64) -> io::Result<Option<Vec<u8>>> {
        if self.limit - self.pos < n {
            return Ok(None);
        }
        let n = n as usize;
        let mut out = Vec::with_capacity(n);
        let avail = self.buffered();
        let from_buf = avail.len().min(n);
        out.extend_from_slice(&avail[..from_buf]);
        self.pos += from_buf as u64;
        if out.len() < n {
            // A big bulk: read the rest straight into place.
            self.buf.clear();
            out.resize(n, 0);
            let mut filled = from_buf;
            while filled < n {
                let got = self.storage.read_at(self.name, self.pos, &mut out[filled..])?;
                if got == 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!("{} shrank while read", self.name),
                    ));
                }
                filled += got;
                self.pos += got as u64;
            }
            self.buf_start = self.pos;
        }
        Ok(Some(out))
    }

    fn next(&mut self) -> io::Result<Next> {
        loop {
            let start = self.pos;
            let bad = |at: u64, why: &str| Ok(Next::Bad { at, why: why.to_string() });
            let (kind, argc) = match self.read_line()? {
                Line::Eof => return Ok(Next::End),
                Line::Partial => return Ok(Next::Truncated),
                Line::TooLong => return bad(start, "line too long"),
                Line::Full { kind, len } => (kind, len),
            };
            if kind == b'#' {
                continue;
            }
            if kind != b'*' {
                return bad(start, "expected '*'");
            }
            let argc = match argc {
                Some(n) if n >= 1 => n,
                _ => return bad(start, "invalid multibulk length"),
            };
            let mut args = Vec::with_capacity(argc.min(1024) as usize);
            for _ in 0..argc {
                let at = self.pos;
                let (kind, len) = match self.read_line()? {
                    Line::Eof | Line::Partial => return Ok(Next::Truncated),
                    Line::TooLong => return bad(at, "line too long"),
                    Line::Full { kind, len } => (kind, len),
                };
                if kind != b'$' {
                    return bad(at, "expected '$'");
                }
                let len = match len {
                    Some(n) if n <= self.max_bulk_bytes => n,
                    _ => return bad(at, "invalid bulk length"),
                };
                let Some(mut arg) = self.read_exact(len + 2)? else {
                    return Ok(Next::Truncated);
                };
                if !arg.ends_with(b"\r\n") {
                    return bad(self.pos - 2, "expected CRLF after a bulk");
                }
                arg.truncate(len as usize);
                args.push(Bytes::from(arg));
            }
            return Ok(Next::Command { args, start });
        }
    }
}

/// A decimal length: digits only.
fn parse_len(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &d| d.is_ascii_digit().then(|| n * 10 + u64::from(d - b'0')))
}

/// How a file ends (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tail {
    Clean,
    /// Cut short; `zero_filled` when a run of zero bytes ends the file.
    Torn {
        zero_filled: bool,
    },
    /// A `MULTI` without its `EXEC` at the end.
    OpenMulti,
    /// Not the protocol at byte `at`.
    Garbage {
        at: u64,
        why: String,
    },
}

/// What [`scan_file`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub len_bytes: u64,
    /// Where the complete, closed commands end: the length to truncate a
    /// torn file (or one ending in an open `MULTI`) to. For garbage, where
    /// the last complete command before it ends.
    pub valid_bytes: u64,
    /// Where the last complete command begins (the simulator's planted
    /// torn-tail bug cuts there).
    pub last_start: u64,
    pub commands: u64,
    pub tail: Tail,
}

/// Reads file `name` (of `len_bytes`) command by command, calling
/// `on_command(args, start_offset)` for each complete one (`MULTI` and
/// `EXEC` included: the caller applies transactions), and says how it
/// ends. An error from `on_command` stops the scan and is returned.
pub fn scan_file<S: Storage, E: From<io::Error>>(
    storage: &mut S,
    name: &str,
    len_bytes: u64,
    max_bulk_bytes: u64,
    mut on_command: impl FnMut(Vec<Bytes>, u64) -> Result<(), E>,
) -> Result<Scan, E> {
    let content_end = zero_tail_start(storage, name, len_bytes)?;
    let zero_filled = content_end < len_bytes;
    let mut reader =
        Reader { storage, name, limit: content_end, max_bulk_bytes, buf: Vec::new(), buf_start: 0, pos: 0 };
    let mut valid_bytes = 0;
    let mut last_start = 0;
    let mut commands = 0;
    let mut open_multi: Option<u64> = None;
    let tail = loop {
        match reader.next()? {
            Next::Command { args, start } => {
                if args[0].eq_ignore_ascii_case(b"multi") {
                    open_multi.get_or_insert(start);
                } else if args[0].eq_ignore_ascii_case(b"exec") || args[0].eq_ignore_ascii_case(b"discard") {
                    open_multi = None;
                }
                commands += 1;
                on_command(args, start)?;
                last_start = start;
                valid_bytes = reader.pos;
            }
            Next::End => break if zero_filled { Tail::Torn { zero_filled } } else { Tail::Clean },
            Next::Truncated => break Tail::Torn { zero_filled },
            Next::Bad { at, why } => {
                return Ok(Scan { len_bytes, valid_bytes, last_start, commands, tail: Tail::Garbage { at, why } });
            }
        }
    };
    match open_multi {
        Some(multi_at) => {
            let tail = if tail == Tail::Clean { Tail::OpenMulti } else { tail };
            Ok(Scan { len_bytes, valid_bytes: multi_at, last_start, commands, tail })
        }
        None => Ok(Scan { len_bytes, valid_bytes, last_start, commands, tail }),
    }
}

/// Where the run of zero bytes that ends the file starts (`len_bytes` if
/// the last byte is not zero). Reads only that run and one chunk.
fn zero_tail_start(storage: &mut impl Storage, name: &str, len_bytes: u64) -> io::Result<u64> {
    let mut end = len_bytes;
    let mut chunk = vec![0u8; CHUNK_BYTES];
    while end > 0 {
        let start = end.saturating_sub(CHUNK_BYTES as u64);
        let want = (end - start) as usize;
        let mut filled = 0;
        while filled < want {
            let n = storage.read_at(name, start + filled as u64, &mut chunk[filled..want])?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("{name} is shorter than {len_bytes}"),
                ));
            }
            filled += n;
        }
        if let Some(last) = chunk[..want].iter().rposition(|&b| b != 0) {
            return Ok(start + last as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemStorage;

    fn scan(content: &[u8]) -> (Scan, Vec<Vec<String>>) {
        let mut s = MemStorage::with_files([("f", content.to_vec())]);
        let mut seen = Vec::new();
        let scan = scan_file::<_, io::Error>(&mut s, "f", content.len() as u64, 1 << 20, |args, _| {
            seen.push(args.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect());
            Ok(())
        })
        .unwrap();
        (scan, seen)
    }

    #[test]
    fn commands_annotations_and_binary_bulks() {
        let (s, seen) = scan(b"#ts:1\r\n*2\r\n$3\r\nGET\r\n$3\r\na\nb\r\n*1\r\n$4\r\nPING\r\n");
        assert_eq!(seen, [vec!["GET".to_string(), "a\nb".into()], vec!["PING".into()]]);
        assert_eq!((s.tail, s.valid_bytes, s.commands), (Tail::Clean, s.len_bytes, 2));
    }

    #[test]
    fn a_huge_length_is_garbage_or_short_never_an_allocation() {
        let (s, _) = scan(b"*1\r\n$99999999999\r\nabc\r\n");
        assert!(matches!(s.tail, Tail::Garbage { at: 4, .. }), "{s:?}");
        // Within proto-max-bulk-len but past the end: a short read.
        let (s, _) = scan(b"*1\r\n$1000000\r\nabc\r\n");
        assert_eq!((s.tail, s.valid_bytes), (Tail::Torn { zero_filled: false }, 0));
        let (s, _) = scan(b"*99999999999999\r\n$1\r\na\r\n");
        assert_eq!(s.tail, Tail::Torn { zero_filled: false });
    }

    #[test]
    fn open_multi_and_zero_tail() {
        let cmd = b"*1\r\n$4\r\nPING\r\n";
        let mut f = cmd.to_vec();
        f.extend_from_slice(b"*1\r\n$5\r\nMULTI\r\n");
        f.extend_from_slice(cmd);
        let (s, _) = scan(&f);
        assert_eq!((s.tail, s.valid_bytes), (Tail::OpenMulti, cmd.len() as u64));
        let mut z = cmd.to_vec();
        z.extend_from_slice(&[0; 100_000]);
        let (s, _) = scan(&z);
        assert_eq!((s.tail, s.valid_bytes), (Tail::Torn { zero_filled: true }, cmd.len() as u64));
        // Zeros, then data: garbage in the middle.
        let mut g = z.clone();
        g.extend_from_slice(cmd);
        let (s, _) = scan(&g);
        assert!(matches!(s.tail, Tail::Garbage { at: 14, .. }), "{s:?}");
    }
}
