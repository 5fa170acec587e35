//! Splitting a command line into arguments the way `redis-cli` does
//! (`sdssplitargs` in Redis' `sds.c`), and printing bytes back the way
//! `redis-cli` shows them (`sdscatrepr`).
//!
//! The differential case files are written in this syntax so that a line can
//! be pasted into `redis-cli` and back unchanged.

/// Splits `line` into arguments like `sdssplitargs`.
///
/// - Outside quotes, whitespace separates arguments.
/// - `"..."` understands `\xHH`, `\n`, `\r`, `\t`, `\b`, `\a` and `\<any>` (the
///   character itself, so `\"` and `\\`).
/// - `'...'` understands only `\'`.
/// - A closing quote must be followed by whitespace or the end of the line,
///   and every quote must be closed; otherwise the line is an error, as in
///   `redis-cli` ("Invalid argument(s)").
/// - A quote that opens in the middle of a word continues that word
///   (`a"b c"` is the one argument `ab c`), which is what `sdssplitargs` does.
pub fn split_args(line: &str) -> Result<Vec<Vec<u8>>, String> {
    let bytes = line.as_bytes();
    let mut args = Vec::new();
    let mut pos = 0;
    loop {
        while pos < bytes.len() && is_space(bytes[pos]) {
            pos += 1;
        }
        if pos == bytes.len() {
            return Ok(args);
        }
        let mut current = Vec::new();
        // The quote character of the quoted part we are in, if any.
        let mut quote: Option<u8> = None;
        loop {
            if let Some(q) = quote {
                let kind = if q == b'"' { "double" } else { "single" };
                let Some(&c) = bytes.get(pos) else {
                    return Err(format!("unbalanced {kind} quotes"));
                };
                let escape = if q == b'"' {
                    double_quote_escape(bytes, pos)
                } else {
                    (c == b'\\' && bytes.get(pos + 1) == Some(&b'\'')).then_some((b'\'', 2))
                };
                if let Some((byte, len)) = escape {
                    current.push(byte);
                    pos += len;
                    continue;
                }
                if c == q {
                    pos = after_closing_quote(bytes, pos, kind)?;
                    break;
                }
                current.push(c);
                pos += 1;
            } else {
                match bytes.get(pos) {
                    None => break,
                    Some(&c) if is_space(c) || c == 0 => break,
                    Some(&q @ (b'"' | b'\'')) => quote = Some(q),
                    Some(&c) => current.push(c),
                }
                pos += 1;
            }
        }
        args.push(current);
    }
}

/// Decodes the escapes of a double-quoted argument (`\xHH`, `\n`, `\r`,
/// `\t`, `\b`, `\a`, `\<any>`) in text that is not itself quoted: quotes
/// and spaces are literal. Used for `!raw` lines.
pub fn unescape(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut pos = 0;
    while pos < bytes.len() {
        match double_quote_escape(bytes, pos) {
            Some((byte, len)) => {
                out.push(byte);
                pos += len;
            }
            None => {
                out.push(bytes[pos]);
                pos += 1;
            }
        }
    }
    out
}

/// The escape at `bytes[pos]` as a double-quoted argument reads it: (the
/// byte, its length), or `None` if `bytes[pos]` is not `\` or is the last
/// byte.
fn double_quote_escape(bytes: &[u8], pos: usize) -> Option<(u8, usize)> {
    if bytes.get(pos) != Some(&b'\\') {
        return None;
    }
    let next = *bytes.get(pos + 1)?;
    if next == b'x' {
        if let (Some(hi), Some(lo)) =
            (bytes.get(pos + 2).and_then(|&b| hex(b)), bytes.get(pos + 3).and_then(|&b| hex(b)))
        {
            return Some((hi * 16 + lo, 4));
        }
    }
    Some((unescape_char(next), 2))
}

/// The position after the closing quote at `pos`, which must be followed by
/// whitespace or the end of the line.
fn after_closing_quote(bytes: &[u8], pos: usize, kind: &str) -> Result<usize, String> {
    if bytes.get(pos + 1).is_some_and(|&next| !is_space(next)) {
        return Err(format!("closing {kind} quote must be followed by a space"));
    }
    Ok(pos + 1)
}

/// The byte `\<c>` stands for inside double quotes.
fn unescape_char(c: u8) -> u8 {
    match c {
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'b' => 0x08,
        b'a' => 0x07,
        other => other,
    }
}

/// `isspace` in the C locale, which is what `sdssplitargs` uses.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Shows bytes as a double-quoted string the way `redis-cli` does
/// (`sdscatrepr`): printable ASCII as is, `\\` and `\"` escaped, the common
/// control characters by name and everything else as `\xHH`.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

/// Shows a whole command, each argument escaped, separated by spaces.
pub fn escape_command(args: &[Vec<u8>]) -> String {
    args.iter().map(|a| escape(a)).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> Vec<Vec<u8>> {
        split_args(line).unwrap()
    }

    #[test]
    fn plain_words_and_whitespace() {
        assert_eq!(split("  SET  k\tv  "), vec![b"SET".to_vec(), b"k".to_vec(), b"v".to_vec()]);
        assert!(split("   ").is_empty());
    }

    #[test]
    fn double_quote_escapes() {
        assert_eq!(
            split(r#""a b" "\x41\x4a" "\n\r\t\"\\" "\q""#),
            vec![b"a b".to_vec(), b"AJ".to_vec(), b"\n\r\t\"\\".to_vec(), b"q".to_vec()]
        );
        // `\x` not followed by two hex digits is the letter x, as in sds.c.
        assert_eq!(split(r#""\xZZ""#), vec![b"xZZ".to_vec()]);
        assert_eq!(split(r#""""#), vec![Vec::<u8>::new()]);
    }

    #[test]
    fn single_quotes() {
        assert_eq!(split(r"'a \n b' 'it\'s'"), vec![b"a \\n b".to_vec(), b"it's".to_vec()]);
    }

    #[test]
    fn quote_inside_a_word_continues_it() {
        assert_eq!(split(r#"a"b c" d"#), vec![b"ab c".to_vec(), b"d".to_vec()]);
    }

    #[test]
    fn errors() {
        assert!(split_args(r#"ECHO "abc"#).is_err());
        assert!(split_args(r#"ECHO "abc"x"#).is_err());
        assert!(split_args("ECHO 'abc").is_err());
        assert!(split_args("ECHO 'abc'x").is_err());
    }

    #[test]
    fn unescape_leaves_quotes_and_spaces() {
        assert_eq!(unescape(r#"ECHO "a b"\r\n\x00\\"#), b"ECHO \"a b\"\r\n\x00\\".to_vec());
        assert_eq!(unescape(r"trailing\"), b"trailing\\".to_vec());
    }

    #[test]
    fn escape_round_trips_through_split() {
        let samples: [&[u8]; 4] = [b"plain", b"with \"quotes\" and \\", b"\x00\x01\xff\r\n\t", b""];
        for sample in samples {
            let shown = escape(sample);
            assert_eq!(split(&shown), vec![sample.to_vec()], "{shown}");
        }
    }
}
