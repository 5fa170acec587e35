//! Incremental RESP2 request parser: multibulk (`*2\r\n$3\r\nGET\r\n...`)
//! and inline (`GET k\r\n`) commands, with Redis 7.0's exact rules and
//! errors (networking.c `processMultibulkBuffer`, `processInlineBuffer`).
//!
//! # Contract
//! [`Parser::parse`] looks at the unconsumed bytes at the front of `buf`.
//! Between calls the caller may only append to `buf`. If the bytes hold a
//! whole command, it removes exactly those bytes and returns the arguments
//! as `Bytes` slices of them; if not, it returns `Incomplete` and remembers
//! how far it got, so the next call resumes there: a 100 MB bulk arriving
//! one byte at a time costs O(1) per call, not a rescan. Empty commands
//! (`*0`, `*-1`, a blank inline line) are consumed and skipped, as Redis does.
//! After an error the parser keeps answering with that error.
//!
//! # Zero copy
//! While a multibulk command is incomplete only offsets are kept (`spans`,
//! reused across commands). Once it is complete, the command's bytes are
//! `split_to(..).freeze()`d and every argument is a refcounted slice of them.
//! Inline arguments are slices too, unless quoted (escapes need new bytes).
//!
//! # Redis quirks kept on purpose
//! - Header lines end at the first `\r`; the byte after it is skipped
//!   without a check, and so are the two bytes after a bulk's data.
//!   Inline lines end at `\n`, with an optional `\r` before it.
//! - Redis finds line ends with `strchr`, which stops at a NUL byte: a NUL
//!   before the end of a header or inline line means the line never ends,
//!   and only the "too big" error can follow, once more than
//!   [`PROTO_INLINE_MAX_SIZE`] bytes are buffered from the line's start.
//! - Numbers follow `string2ll`: optional `-`, no `+`, no leading zeros, at
//!   most 20 characters.
//!
//! # Limits, independent of how the bytes were split
//! Redis checks "too big" (more than [`PROTO_INLINE_MAX_SIZE`] bytes without
//! a line end) only while the line end has not arrived, so whether a long
//! line passes depends on its read sizes. We check the line's length
//! whether or not its end has arrived, which is what Redis does when the
//! bytes come one at a time: a line with more than `PROTO_INLINE_MAX_SIZE`
//! bytes before its terminator is always "too big". The scan for a line end
//! never looks further than that, so it is bounded too.

use bytes::{Buf, Bytes, BytesMut};
use memchr::memchr2;

use super::inline::{split_args, InlineArg};
use crate::limits::{PARSER_ARGS_PREALLOC_MAX, PARSER_WHOLE_ARGS_MAX, PROTO_INLINE_MAX_SIZE, PROTO_MAX_MULTIBULK_LEN};
use crate::planted::{Plant, PlantedBug};

/// A protocol violation. The connection gets `-ERR Protocol error: <text>`
/// and is closed after the reply, as in Redis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProtocolError {
    InvalidMultibulkLength,
    InvalidBulkLength,
    /// The byte found where a bulk header's `$` should be.
    ExpectedDollar(u8),
    UnbalancedQuotes,
    TooBigInlineRequest,
    TooBigMultibulkCount,
    TooBigBulkCount,
}

impl ProtocolError {
    /// The full error line Redis sends, without the leading `-` and CRLF.
    /// Redis puts the raw byte of [`ProtocolError::ExpectedDollar`] in the
    /// line; where that byte is not ASCII, this `String` form cannot, so
    /// the executor should send [`ProtocolError::message_bytes`].
    pub fn message(&self) -> String {
        String::from_utf8_lossy(&self.message_bytes()).into_owned()
    }

    /// The exact error line Redis sends, without the leading `-` and CRLF.
    /// (Redis then turns a `\r` or `\n` in it into a space, as the reply
    /// encoder does for every error.)
    pub fn message_bytes(&self) -> Vec<u8> {
        let text: &[u8] = match self {
            ProtocolError::InvalidMultibulkLength => b"ERR Protocol error: invalid multibulk length",
            ProtocolError::InvalidBulkLength => b"ERR Protocol error: invalid bulk length",
            ProtocolError::ExpectedDollar(b) => {
                let mut v = b"ERR Protocol error: expected '$', got '".to_vec();
                v.push(*b);
                v.push(b'\'');
                return v;
            }
            ProtocolError::UnbalancedQuotes => b"ERR Protocol error: unbalanced quotes in request",
            ProtocolError::TooBigInlineRequest => b"ERR Protocol error: too big inline request",
            ProtocolError::TooBigMultibulkCount => b"ERR Protocol error: too big mbulk count string",
            ProtocolError::TooBigBulkCount => b"ERR Protocol error: too big bulk count string",
        };
        text.to_vec()
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum ParseOutcome {
    /// One command; never empty.
    Command(Vec<Bytes>),
    Incomplete,
    Error(ProtocolError),
}

/// Parser limits, from the config; CONFIG SET changes reach live
/// connections through [`Parser::set_limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParserLimits {
    pub proto_max_bulk_len: u64,
}

/// `string2ll` rejects strings of `LONG_STR_SIZE` (21) characters or more.
const INT_STRING_LEN_MAX: usize = 20;

/// Where the parser is within the command at the front of the buffer.
/// Offsets are from the front of the buffer, which is where the current
/// command starts (nothing is consumed until the command is complete).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing of the next command has been looked at.
    Start,
    /// An inline line; the search for its `\n` resumes at `scan`.
    Inline,
    /// `*<count>\r`; the search for `\r` resumes at `scan`.
    MultibulkCount,
    /// A `$<len>\r` header starts at `pos`; `left` arguments are still to come.
    BulkLen {
        left: usize,
    },
    /// `len` data bytes plus two skipped bytes start at `pos`.
    BulkData {
        left: usize,
        len: usize,
    },
    /// A NUL came before the line end of the line starting at `line_start`:
    /// the line can never end (see the module doc).
    NulStuck {
        line_start: usize,
        error: ProtocolError,
    },
    Failed(ProtocolError),
}

#[derive(Debug)]
pub struct Parser {
    limits: ParserLimits,
    state: State,
    /// Offset of the next header or bulk of a multibulk command.
    pos: usize,
    /// Offset where the search for the current line's end resumes.
    scan: usize,
    /// `(offset, len)` of each argument read so far of the current multibulk
    /// command. Kept across commands so the hot path does not allocate.
    spans: Vec<(usize, usize)>,
    /// Scratch for inline splitting, kept across commands.
    inline_args: Vec<InlineArg>,
    plant: Plant,
}

impl Parser {
    /// New limits (CONFIG SET) for the commands parsed from now on; a bulk
    /// length already accepted stays accepted, as in Redis.
    pub fn set_limits(&mut self, limits: ParserLimits) {
        self.limits = limits;
    }

    pub fn new(limits: ParserLimits) -> Parser {
        Parser {
            limits,
            state: State::Start,
            pos: 0,
            scan: 0,
            spans: Vec::new(),
            inline_args: Vec::new(),
            plant: Plant::default(),
        }
    }

    /// The parser with `plant` selected (see [`crate::planted`]).
    pub fn with_plant(self, plant: Plant) -> Parser {
        Parser { plant, ..self }
    }

    /// Parses the next command at the front of `buf` (see the module doc).
    pub fn parse(&mut self, buf: &mut BytesMut) -> ParseOutcome {
        self.parse_reusing(buf, &mut Vec::new())
    }

    /// [`Parser::parse`], taking the command's argument list from `spare`
    /// (cleared vectors a caller got back from the executor) when it has one.
    ///
    /// One step per state until a step has an outcome; each step either
    /// returns one or moves to the next state.
    pub fn parse_reusing(&mut self, buf: &mut BytesMut, spare: &mut Vec<Vec<Bytes>>) -> ParseOutcome {
        loop {
            let outcome = match self.state {
                State::Start => self.start(buf, spare),
                State::Inline => self.inline(buf),
                State::MultibulkCount => self.multibulk_count(buf),
                State::BulkLen { left } => self.bulk_len(buf, left),
                State::BulkData { left, len } => self.bulk_data(buf, spare, left, len),
                State::NulStuck { line_start, error } => Some(self.nul_stuck(buf, line_start, error)),
                State::Failed(e) => Some(ParseOutcome::Error(e)),
            };
            if let Some(outcome) = outcome {
                return outcome;
            }
        }
    }

    /// [`State::Start`]: a whole small multibulk command in one pass, or
    /// else the first state of the incremental path.
    #[inline]
    fn start(&mut self, buf: &mut BytesMut, spare: &mut Vec<Vec<Bytes>>) -> Option<ParseOutcome> {
        let Some(&first) = buf.first() else {
            return Some(ParseOutcome::Incomplete);
        };
        if first == b'*' {
            if let Some(args) = self.parse_whole(buf, spare) {
                return Some(ParseOutcome::Command(args));
            }
        }
        self.pos = 0;
        self.scan = 0;
        self.state = if first == b'*' { State::MultibulkCount } else { State::Inline };
        None
    }

    /// [`State::Inline`]: waits for the line's `\n`, then splits the line.
    fn inline(&mut self, buf: &mut BytesMut) -> Option<ParseOutcome> {
        match self.find_line_end(buf, 0, b'\n', ProtocolError::TooBigInlineRequest) {
            Ok(newline) => self.finish_inline(buf, newline),
            Err(outcome) => Some(outcome),
        }
    }

    /// [`State::MultibulkCount`]: reads `*<count>\r\n`. A count of zero or
    /// less skips the command; any other starts reading its arguments.
    #[inline]
    fn multibulk_count(&mut self, buf: &mut BytesMut) -> Option<ParseOutcome> {
        let (count, cr) = match quick_number(&buf[1..]) {
            Some((n, at)) => (n as i64, 1 + at),
            None => match self.count_line(buf) {
                Ok(count_cr) => count_cr,
                Err(outcome) => return Some(outcome),
            },
        };
        if count > PROTO_MAX_MULTIBULK_LEN as i64 {
            return Some(self.fail(ProtocolError::InvalidMultibulkLength));
        }
        if count <= 0 {
            buf.advance(cr + 2);
            self.state = State::Start;
            return None;
        }
        // Bounded by PROTO_MAX_MULTIBULK_LEN, so it fits a usize.
        let count = count as usize;
        self.spans.clear();
        self.spans.reserve(count.min(PARSER_ARGS_PREALLOC_MAX));
        self.pos = cr + 2;
        self.scan = self.pos;
        self.state = State::BulkLen { left: count };
        None
    }

    /// The general path of the count line: the count and the offset of its
    /// `\r`, or the outcome to return (wait or error).
    fn count_line(&mut self, buf: &[u8]) -> Result<(i64, usize), ParseOutcome> {
        let cr = self.find_line_end(buf, 0, b'\r', ProtocolError::TooBigMultibulkCount)?;
        if buf.len() - cr < 2 {
            return Err(ParseOutcome::Incomplete);
        }
        match string2ll(&buf[1..cr]) {
            Some(n) => Ok((n, cr)),
            None => Err(self.fail(ProtocolError::InvalidMultibulkLength)),
        }
    }

    /// [`State::BulkLen`]: reads the `$<len>\r\n` header at `pos`; `left`
    /// arguments (this one included) are still to come.
    #[inline]
    fn bulk_len(&mut self, buf: &[u8], left: usize) -> Option<ParseOutcome> {
        let start = self.pos;
        let quick = match buf.get(start) {
            Some(b'$') => quick_number(&buf[start + 1..]),
            _ => None,
        };
        let (len, data) = match quick {
            Some((n, at)) => (n as i64, start + 1 + at + 2),
            None => match self.bulk_len_line(buf, start) {
                Ok(len_data) => len_data,
                Err(outcome) => return Some(outcome),
            },
        };
        if len < 0 || len as u64 > self.limits.proto_max_bulk_len {
            return Some(self.fail(ProtocolError::InvalidBulkLength));
        }
        let Ok(len) = usize::try_from(len) else {
            return Some(self.fail(ProtocolError::InvalidBulkLength));
        };
        self.pos = data;
        self.state = State::BulkData { left, len };
        None
    }

    /// The general path of the bulk header at `start`: the length and the
    /// offset of the data, or the outcome to return (wait or error).
    fn bulk_len_line(&mut self, buf: &[u8], start: usize) -> Result<(i64, usize), ParseOutcome> {
        let cr = self.find_line_end(buf, start, b'\r', ProtocolError::TooBigBulkCount)?;
        // The planted bug takes a line whose `\n` has not arrived as ending
        // at the `\r`.
        let crlf_len = if self.plant.is(PlantedBug::ParserCrlfSplit) && buf.get(cr + 1).is_none() { 1 } else { 2 };
        if buf.len() - cr < crlf_len {
            return Err(ParseOutcome::Incomplete);
        }
        if buf[start] != b'$' {
            return Err(self.fail(ProtocolError::ExpectedDollar(buf[start])));
        }
        match string2ll(&buf[start + 1..cr]) {
            Some(n) => Ok((n, cr + crlf_len)),
            None => Err(self.fail(ProtocolError::InvalidBulkLength)),
        }
    }

    /// [`State::BulkData`]: waits for `len` data bytes plus the two after
    /// them at `pos`; after the last argument, splits the command off.
    #[inline]
    fn bulk_data(
        &mut self,
        buf: &mut BytesMut,
        spare: &mut Vec<Vec<Bytes>>,
        left: usize,
        len: usize,
    ) -> Option<ParseOutcome> {
        // `len` is at most proto-max-bulk-len, far from overflowing.
        if buf.len() - self.pos < len + 2 {
            return Some(ParseOutcome::Incomplete);
        }
        self.spans.push((self.pos, len));
        self.pos += len + 2;
        if left > 1 {
            self.scan = self.pos;
            self.state = State::BulkLen { left: left - 1 };
            return None;
        }
        let args = take_command(buf, &self.spans, self.pos, spare);
        self.spans.clear();
        // A no-op unless a long command grew it past the bound.
        self.spans.shrink_to(PARSER_ARGS_PREALLOC_MAX);
        self.state = State::Start;
        Some(ParseOutcome::Command(args))
    }

    /// [`State::NulStuck`]: the line never ends; "too big" once it is.
    fn nul_stuck(&mut self, buf: &[u8], line_start: usize, error: ProtocolError) -> ParseOutcome {
        if buf.len() - line_start > PROTO_INLINE_MAX_SIZE {
            return self.fail(error);
        }
        ParseOutcome::Incomplete
    }

    /// The common case in one pass: a multibulk command of at most
    /// [`PARSER_WHOLE_ARGS_MAX`] arguments, all of it in `buf`, every header
    /// on the [`quick_number`] path and every bulk within the limit. Then the
    /// command is split off as the incremental path would (same bytes, same
    /// argument slices) and returned. Anything else returns `None` with
    /// nothing consumed and the state untouched, and the incremental path
    /// starts from the front, so errors and waits stay its business. The
    /// look-ahead is bounded: at most that many headers of at most 20 bytes.
    #[inline]
    fn parse_whole(&self, buf: &mut BytesMut, spare: &mut Vec<Vec<Bytes>>) -> Option<Vec<Bytes>> {
        let b: &[u8] = buf;
        let (count, at) = quick_number(b.get(1..)?)?;
        let count = usize::try_from(count).ok().filter(|&c| c > 0 && c <= PARSER_WHOLE_ARGS_MAX)?;
        let mut spans = [(0usize, 0usize); PARSER_WHOLE_ARGS_MAX];
        // quick_number saw the byte after the `\r`, so `pos <= b.len()`.
        let mut pos = 1 + at + 2;
        for span in &mut spans[..count] {
            if b.get(pos) != Some(&b'$') {
                return None;
            }
            let (len, at) = quick_number(&b[pos + 1..])?;
            if len > self.limits.proto_max_bulk_len {
                return None;
            }
            let len = usize::try_from(len).ok()?;
            let data = pos + 1 + at + 2;
            if b.len() - data < len.checked_add(2)? {
                return None;
            }
            *span = (data, len);
            pos = data + len + 2;
        }
        Some(take_command(buf, &spans[..count], pos, spare))
    }

    /// Bytes of heap the parser holds itself (the buffer is the caller's).
    /// While a command is incomplete this grows with its argument count only,
    /// which its received bytes bound (every argument takes at least 6).
    pub fn heap_bytes(&self) -> usize {
        self.spans.capacity() * std::mem::size_of::<(usize, usize)>()
            + self.inline_args.capacity() * std::mem::size_of::<InlineArg>()
    }

    fn fail(&mut self, e: ProtocolError) -> ParseOutcome {
        self.state = State::Failed(e);
        self.spans = Vec::new();
        self.inline_args = Vec::new();
        ParseOutcome::Error(e)
    }

    /// Searches for `term` in the line starting at `line_start`, resuming at
    /// `self.scan`, never past the longest allowed line. Returns its offset,
    /// or the outcome to return (wait or "too big").
    fn find_line_end(
        &mut self,
        buf: &[u8],
        line_start: usize,
        term: u8,
        too_big: ProtocolError,
    ) -> Result<usize, ParseOutcome> {
        // `scan` never passes the window: it starts at `line_start` and only
        // moves to a byte inside it or to its end (and `buf` only grows).
        let window_end = buf.len().min(line_start + PROTO_INLINE_MAX_SIZE + 1);
        if let Some(found) = memchr2(term, 0, &buf[self.scan..window_end]) {
            let at = self.scan + found;
            // Resuming here finds the same end at once if the caller
            // has to wait for the byte after it.
            self.scan = at;
            if buf[at] != 0 {
                return Ok(at);
            }
            self.state = State::NulStuck { line_start, error: too_big };
            return Err(self.nul_stuck(buf, line_start, too_big));
        }
        self.scan = window_end;
        if buf.len() - line_start > PROTO_INLINE_MAX_SIZE {
            return Err(self.fail(too_big));
        }
        Err(ParseOutcome::Incomplete)
    }

    /// The inline line ends with the `\n` at `newline`. Returns the outcome,
    /// or `None` when the line was blank and has been skipped.
    ///
    /// Redis drops a `\r` before the `\n` first; we need not, because
    /// [`split_args`] already treats a last `\r` as a blank outside quotes
    /// and as an unterminated quote's content inside them (unbalanced
    /// either way), so the arguments and errors are the same.
    fn finish_inline(&mut self, buf: &mut BytesMut, newline: usize) -> Option<ParseOutcome> {
        self.inline_args.clear();
        if split_args(&buf[..newline], &mut self.inline_args).is_err() {
            return Some(self.fail(ProtocolError::UnbalancedQuotes));
        }
        self.state = State::Start;
        if self.inline_args.is_empty() {
            // Blank: nothing was pushed, so nothing to shrink.
            buf.advance(newline + 1);
            return None;
        }
        let frame = buf.split_to(newline + 1).freeze();
        let args = self
            .inline_args
            .drain(..)
            .map(|a| match a {
                InlineArg::Span(start, end) => frame.slice(start..end),
                InlineArg::Owned(v) => Bytes::from(v),
            })
            .collect();
        // A no-op unless a long line grew it past the bound.
        self.inline_args.shrink_to(PARSER_ARGS_PREALLOC_MAX);
        Some(ParseOutcome::Command(args))
    }
}

/// Splits a complete command off the front of `buf`: each `(offset, len)`
/// of `spans` becomes an argument, and everything up to `end` is consumed.
/// One refcount increment per argument: each is split off the buffer itself
/// (no intermediate frame to clone and drop).
#[inline]
fn take_command(buf: &mut BytesMut, spans: &[(usize, usize)], end: usize, spare: &mut Vec<Vec<Bytes>>) -> Vec<Bytes> {
    let mut args = spare.pop().unwrap_or_default();
    debug_assert!(args.is_empty());
    args.reserve(spans.len());
    let mut consumed = 0;
    for &(at, len) in spans {
        buf.advance(at - consumed);
        args.push(buf.split_to(len).freeze());
        consumed = at + len;
    }
    buf.advance(end - consumed);
    args
}

/// The hot path for a header number: 1 to 18 plain digits (no leading
/// zero) followed by `\r` and one more byte. Returns the value and the
/// offset of the `\r`; `None` sends the caller down the general path, which
/// gives the same answer for every line this accepts.
#[inline]
fn quick_number(b: &[u8]) -> Option<(u64, usize)> {
    let first = *b.first()?;
    if !first.is_ascii_digit() {
        return None;
    }
    let mut value = u64::from(first - b'0');
    let mut i = 1;
    while i < b.len() && i < 18 && b[i].is_ascii_digit() {
        value = value * 10 + u64::from(b[i] - b'0');
        i += 1;
    }
    if first == b'0' && i > 1 {
        return None;
    }
    if i + 1 < b.len() && b[i] == b'\r' {
        Some((value, i))
    } else {
        None
    }
}

/// Redis's `string2ll`: an optional `-`, then `0` alone or a digit 1-9 and
/// more digits, nothing else, at most 20 characters, within `i64`.
fn string2ll(s: &[u8]) -> Option<i64> {
    // An empty `s` fails the first-digit check below.
    if s.len() > INT_STRING_LEN_MAX {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    let mut v: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    if negative {
        if v > i64::MAX as u64 + 1 {
            return None;
        }
        Some((v as i64).wrapping_neg())
    } else {
        i64::try_from(v).ok()
    }
}

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;
