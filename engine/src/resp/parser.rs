//! Incremental RESP2 request parser (multibulk and inline).
//!
//! INTERFACE STUB: the full parser replaces this file. The contract:
//! - [`Parser::parse`] looks at the unconsumed bytes in `buf`. If they hold a
//!   whole command it removes exactly those bytes from `buf` and returns its
//!   arguments as `Bytes` slices of them (no copy per argument for
//!   multibulk); if not, it returns `Incomplete` and keeps whatever state
//!   lets the next call resume without rescanning.
//! - Empty commands (`*0\r\n`, `*-1\r\n`, a blank inline line) are consumed and
//!   skipped, as Redis does.
//! - Every limit is checked before allocating.

use bytes::{Bytes, BytesMut};

/// A protocol violation. The connection gets `-ERR Protocol error: <text>`
/// and is closed after the reply, as in Redis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProtocolError {
    InvalidMultibulkLength,
    InvalidBulkLength,
    ExpectedDollar(u8),
    UnbalancedQuotes,
    TooBigInlineRequest,
    TooBigMultibulkCount,
    TooBigBulkCount,
}

impl ProtocolError {
    /// The full error line Redis sends, without the leading `-` and CRLF.
    pub fn message(&self) -> String {
        match self {
            ProtocolError::InvalidMultibulkLength => "ERR Protocol error: invalid multibulk length".into(),
            ProtocolError::InvalidBulkLength => "ERR Protocol error: invalid bulk length".into(),
            ProtocolError::ExpectedDollar(b) => {
                format!("ERR Protocol error: expected '$', got '{}'", *b as char)
            }
            ProtocolError::UnbalancedQuotes => "ERR Protocol error: unbalanced quotes in request".into(),
            ProtocolError::TooBigInlineRequest => "ERR Protocol error: too big inline request".into(),
            ProtocolError::TooBigMultibulkCount => "ERR Protocol error: too big mbulk count string".into(),
            ProtocolError::TooBigBulkCount => "ERR Protocol error: too big bulk count string".into(),
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum ParseOutcome {
    Command(Vec<Bytes>),
    Incomplete,
    Error(ProtocolError),
}

/// Parser limits, taken from the config when the connection is created.
#[derive(Debug, Clone, Copy)]
pub struct ParserLimits {
    pub proto_max_bulk_len: u64,
}

#[derive(Debug)]
pub struct Parser {
    limits: ParserLimits,
}

impl Parser {
    pub fn new(limits: ParserLimits) -> Parser {
        Parser { limits }
    }

    pub fn parse(&mut self, buf: &mut BytesMut) -> ParseOutcome {
        let _ = self.limits;
        // Stub: multibulk only, no resumption, minimal checks.
        if buf.is_empty() || buf[0] != b'*' {
            return ParseOutcome::Incomplete;
        }
        let Some(nl) = buf.iter().position(|&b| b == b'\n') else {
            return ParseOutcome::Incomplete;
        };
        let n: usize = std::str::from_utf8(&buf[1..nl - 1]).ok().and_then(|s| s.parse().ok()).unwrap_or(0);
        let mut pos = nl + 1;
        let mut spans = Vec::new();
        for _ in 0..n {
            let Some(rel) = buf[pos..].iter().position(|&b| b == b'\n') else {
                return ParseOutcome::Incomplete;
            };
            let len: usize =
                std::str::from_utf8(&buf[pos + 1..pos + rel - 1]).ok().and_then(|s| s.parse().ok()).unwrap_or(0);
            let start = pos + rel + 1;
            if buf.len() < start + len + 2 {
                return ParseOutcome::Incomplete;
            }
            spans.push((start, len));
            pos = start + len + 2;
        }
        let frame = buf.split_to(pos).freeze();
        ParseOutcome::Command(spans.into_iter().map(|(s, l)| frame.slice(s..s + l)).collect())
    }
}
