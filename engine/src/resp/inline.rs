//! Splitting an inline command line into arguments, with the rules of
//! Redis's `sdssplitargs` (sds.c), byte for byte:
//!
//! - blanks between arguments are C `isspace` bytes (space, `\t`, `\n`,
//!   `\v`, `\f`, `\r`), but an unquoted argument ends only at space, `\t`,
//!   `\n`, `\r` or the end of the line (so `a\x0bb` is one argument);
//! - a `"` or `'` anywhere in an argument opens a quoted part that ends the
//!   argument when it closes; the closing quote must be followed by a blank
//!   or the end of the line, else the whole request is "unbalanced quotes";
//! - inside double quotes: `\xHH` (two hex digits) is that byte, `\n`, `\r`,
//!   `\t`, `\b`, `\a` are control bytes, and `\` before anything else is that
//!   thing;
//! - inside single quotes only `\'` is an escape;
//! - a quote still open at the end of the line is "unbalanced quotes".
//!
//! The C code works on a NUL-terminated string; [`split_args`] treats the end
//! of the slice, and a NUL byte, as that NUL. (The parser never passes a NUL;
//! a config-file line may, and Redis ignores the rest of such a line too.)
//!
//! Redis uses this one splitter for inline commands, `redis.conf` lines and
//! `--option` words; so do we ([`split_args_owned`] where nothing is
//! borrowed from a read buffer).

/// One argument of an inline command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InlineArg {
    /// Taken verbatim from the line: `line[start..end]`. The parser hands
    /// these out as zero-copy slices of the read buffer.
    Span(usize, usize),
    /// Built from a quoted part (escapes resolved), so it needed its own bytes.
    Owned(Vec<u8>),
}

/// The line has an unterminated quote or a closing quote followed by
/// something other than a blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnbalancedQuotes;

/// C `isspace` in the "C" locale.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The byte at `i`, or 0 past the end (the C string's terminator).
fn at(line: &[u8], i: usize) -> u8 {
    line.get(i).copied().unwrap_or(0)
}

/// Splits `line` (without its line ending) into `out`. On error `out` holds
/// the arguments before the bad one; the caller discards them.
pub fn split_args(line: &[u8], out: &mut Vec<InlineArg>) -> Result<(), UnbalancedQuotes> {
    let mut p = 0;
    loop {
        while at(line, p) != 0 && is_space(at(line, p)) {
            p += 1;
        }
        if at(line, p) == 0 {
            return Ok(());
        }
        let start = p;
        loop {
            match at(line, p) {
                b' ' | b'\n' | b'\r' | b'\t' | 0 => {
                    out.push(InlineArg::Span(start, p));
                    break;
                }
                quote @ (b'"' | b'\'') => {
                    let mut arg = line[start..p].to_vec();
                    p = quoted(line, p + 1, quote, &mut arg)?;
                    out.push(InlineArg::Owned(arg));
                    break;
                }
                _ => p += 1,
            }
        }
        // The separator (or the closing quote's follower) is a blank or the
        // end: the skip at the top of the loop handles both.
    }
}

/// Splits `line` into owned arguments: for callers that keep no read buffer
/// to slice (config-file lines, tests).
pub fn split_args_owned(line: &[u8]) -> Result<Vec<Vec<u8>>, UnbalancedQuotes> {
    let mut out = Vec::new();
    split_args(line, &mut out)?;
    Ok(out
        .into_iter()
        .map(|a| match a {
            InlineArg::Span(start, end) => line[start..end].to_vec(),
            InlineArg::Owned(bytes) => bytes,
        })
        .collect())
}

/// Reads a quoted part starting just after its opening `quote`; returns the
/// index just after the closing quote. The two quote kinds differ only in
/// their escapes (see [`escape_at`]).
fn quoted(line: &[u8], mut p: usize, quote: u8, arg: &mut Vec<u8>) -> Result<usize, UnbalancedQuotes> {
    loop {
        let c = at(line, p);
        if let Some((byte, len)) = escape_at(line, p, quote) {
            arg.push(byte);
            p += len;
        } else if c == quote {
            return closing_quote(line, p);
        } else if c == 0 {
            return Err(UnbalancedQuotes);
        } else {
            arg.push(c);
            p += 1;
        }
    }
}

/// The escape starting at `line[p]` inside a `quote`d part, as (the byte it
/// stands for, its length), or `None` if there is none. Inside double
/// quotes: `\xHH`, the control letters and `\` before anything else but the
/// end; inside single quotes only `\'`.
fn escape_at(line: &[u8], p: usize, quote: u8) -> Option<(u8, usize)> {
    if at(line, p) != b'\\' {
        return None;
    }
    let next = at(line, p + 1);
    if quote == b'\'' {
        return (next == b'\'').then_some((b'\'', 2));
    }
    if next == b'x' {
        if let (Some(hi), Some(lo)) = (hex_value(at(line, p + 2)), hex_value(at(line, p + 3))) {
            return Some((hi * 16 + lo, 4));
        }
    }
    if next == 0 {
        return None;
    }
    let byte = match next {
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'b' => 0x08,
        b'a' => 0x07,
        other => other,
    };
    Some((byte, 2))
}

/// A closing quote at `p` must be followed by a blank or the end.
fn closing_quote(line: &[u8], p: usize) -> Result<usize, UnbalancedQuotes> {
    let next = at(line, p + 1);
    if next != 0 && !is_space(next) {
        return Err(UnbalancedQuotes);
    }
    Ok(p + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &[u8]) -> Result<Vec<Vec<u8>>, UnbalancedQuotes> {
        split_args_owned(line)
    }

    fn ok(line: &[u8], want: &[&[u8]]) {
        assert_eq!(split(line), Ok(want.iter().map(|a| a.to_vec()).collect()), "line {:?}", line);
    }

    #[test]
    fn plain_words_and_blanks() {
        ok(b"", &[]);
        ok(b"  \t \x0b\x0c\r ", &[]);
        ok(b"PING", &[b"PING"]);
        ok(b"  SET  k\tv  ", &[b"SET", b"k", b"v"]);
        ok(b"a\rb", &[b"a", b"b"]);
        // \v and \f are skipped as leading blanks but do not end a word.
        ok(b"SET k\x0c\x0by", &[b"SET", b"k\x0c\x0by"]);
        ok(b"\x0bk", &[b"k"]);
        ok(b"a\\b", &[b"a\\b"]);
    }

    #[test]
    fn spans_are_zero_copy() {
        let mut out = Vec::new();
        split_args(b" ab  c", &mut out).unwrap();
        assert_eq!(out, vec![InlineArg::Span(1, 3), InlineArg::Span(5, 6)]);
    }

    #[test]
    fn double_quotes() {
        ok(br#"SET k "a b""#, &[b"SET", b"k", b"a b"]);
        ok(br#""""#, &[b""]);
        ok(br#""a\x41\n\q\x4" x"#, &[b"aA\nqx4", b"x"]);
        ok(br#""a\x4g\xZZ\x41\t\b\a\r""#, &[b"ax4gxZZA\t\x08\x07\r"]);
        ok(br#""\x00\xff\xFf""#, &[b"\x00\xff\xff"]);
        ok(br#""\"'""#, &[b"\"'"]);
        // A quote inside a word starts a quoted part that ends the word.
        ok(br#"a"b c" d"#, &[b"ab c", b"d"]);
        // A closing quote followed by \v is fine: \v is a blank there.
        ok(b"\"y\"\x0cz", &[b"y", b"z"]);
        ok("\"\u{e9}\"".as_bytes(), &["\u{e9}".as_bytes()]);
    }

    #[test]
    fn single_quotes() {
        ok(br#"'b\'c\d'"#, &[b"b'c\\d"]);
        ok(br#"'a"b'"#, &[b"a\"b"]);
        ok(br#"x'\n'"#, &[b"x\\n"]);
        ok(b"''", &[b""]);
    }

    #[test]
    fn unbalanced() {
        for line in [
            &br#"""#[..],
            br#""foo"#,
            br#""foo"bar"#,
            br#"SET k ""x"#,
            br#"'b'c"#,
            br#"'abc"#,
            br#""b\""#,
            br#""\"#,
            br#"'\'"#,
            br#"a"b"c"#,
        ] {
            assert_eq!(split(line), Err(UnbalancedQuotes), "line {:?}", line);
        }
    }
}
