//! Unit tests of the parser. Every expected error text and every quirk here
//! was checked against a real Redis 7.0.15 with raw bytes over a socket.

use super::*;
use crate::limits::PROTO_MAX_BULK_LEN_DEFAULT;

fn parser() -> Parser {
    Parser::new(ParserLimits { proto_max_bulk_len: PROTO_MAX_BULK_LEN_DEFAULT })
}

/// What a stream of bytes parses into, fed in chunks of `chunk` bytes.
#[derive(Debug, PartialEq, Eq)]
struct Parsed {
    commands: Vec<Vec<Vec<u8>>>,
    error: Option<ProtocolError>,
    /// Bytes left unconsumed at the end.
    rest: usize,
}

fn parse_chunked(input: &[u8], chunk: usize) -> Parsed {
    let mut p = parser();
    let mut buf = BytesMut::new();
    let mut commands = Vec::new();
    for piece in input.chunks(chunk.max(1)) {
        buf.extend_from_slice(piece);
        loop {
            match p.parse(&mut buf) {
                ParseOutcome::Command(args) => {
                    assert!(!args.is_empty());
                    commands.push(args.iter().map(|a| a.to_vec()).collect());
                }
                ParseOutcome::Incomplete => break,
                ParseOutcome::Error(e) => return Parsed { commands, error: Some(e), rest: buf.len() },
            }
        }
    }
    Parsed { commands, error: None, rest: buf.len() }
}

/// Parses `input` whole and in 1-, 2-, 3- and 7-byte chunks; all must agree.
fn parse(input: &[u8]) -> Parsed {
    let whole = parse_chunked(input, input.len());
    for chunk in [1, 2, 3, 7] {
        let split = parse_chunked(input, chunk);
        assert_eq!(split.commands, whole.commands, "chunk {chunk}");
        assert_eq!(split.error, whole.error, "chunk {chunk}");
    }
    whole
}

fn cmds(list: &[&[&[u8]]]) -> Vec<Vec<Vec<u8>>> {
    list.iter().map(|c| c.iter().map(|a| a.to_vec()).collect()).collect()
}

fn error_of(input: &[u8]) -> (usize, Option<ProtocolError>) {
    let p = parse(input);
    (p.commands.len(), p.error)
}

#[test]
fn multibulk_pipeline() {
    let p = parse(b"*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    assert_eq!(p.commands, cmds(&[&[b"PING"], &[b"SET", b"k", b""], &[b"GET", b"k"]]));
    assert_eq!((p.error, p.rest), (None, 0));
}

#[test]
fn binary_arguments() {
    let p = parse(b"*2\r\n$4\r\nECHO\r\n$6\r\n\r\n\0*$\n\r\n");
    assert_eq!(p.commands, cmds(&[&[b"ECHO", b"\r\n\0*$\n"]]));
}

#[test]
fn empty_multibulk_and_blank_lines_are_skipped() {
    let p = parse(b"*0\r\n*-1\r\n*-5\r\n\r\n\n  \t\r\nPING\r\n");
    assert_eq!(p.commands, cmds(&[&[b"PING"]]));
    assert_eq!(p.rest, 0);
}

#[test]
fn inline_commands() {
    let p = parse(b"PING\nSET k \"a b\\x41\"\r\nGET 'k'\r\necho a\rb\r\n");
    assert_eq!(p.commands, cmds(&[&[b"PING"], &[b"SET", b"k", b"a bA"], &[b"GET", b"k"], &[b"echo", b"a", b"b"]]));
}

#[test]
fn inline_then_multibulk() {
    let p = parse(b"PING\r\n*1\r\n$4\r\nPING\r\nPING");
    assert_eq!(p.commands, cmds(&[&[b"PING"], &[b"PING"]]));
    assert_eq!(p.rest, 4);
}

#[test]
fn bytes_after_cr_and_after_data_are_not_checked() {
    // Redis skips two bytes after a header's \r and after a bulk's data.
    let p = parse(b"*1\r\n$4\r\nPINGxx*1\rX$4\r\nPING\r\n*2\rx$4\ryECHO..$1\r\na\r\n");
    assert_eq!(p.commands, cmds(&[&[b"PING"], &[b"PING"], &[b"ECHO", b"a"]]));
}

#[test]
fn waits_for_the_byte_after_cr() {
    let mut p = parser();
    let mut buf = BytesMut::from(&b"*1\r"[..]);
    assert_eq!(p.parse(&mut buf), ParseOutcome::Incomplete);
    buf.extend_from_slice(b"\n$1\r");
    assert_eq!(p.parse(&mut buf), ParseOutcome::Incomplete);
    buf.extend_from_slice(b"\na\r");
    assert_eq!(p.parse(&mut buf), ParseOutcome::Incomplete);
    buf.extend_from_slice(b"\n");
    assert_eq!(p.parse(&mut buf), ParseOutcome::Command(vec![Bytes::from_static(b"a")]));
    assert!(buf.is_empty());
}

#[test]
fn multibulk_arguments_are_slices_of_the_buffer() {
    let mut p = parser();
    let mut buf = BytesMut::from(&b"*2\r\n$3\r\nGET\r\n$3\r\nkey\r\nrest"[..]);
    let base = buf.as_ptr() as usize;
    let ParseOutcome::Command(args) = p.parse(&mut buf) else { panic!("expected a command") };
    assert_eq!(args[0].as_ptr() as usize, base + 8);
    assert_eq!(args[1].as_ptr() as usize, base + 17);
    assert_eq!(&buf[..], b"rest");
}

#[test]
fn unquoted_inline_arguments_are_slices_of_the_buffer() {
    let mut p = parser();
    let mut buf = BytesMut::from(&b"GET key \"q\"\r\n"[..]);
    let base = buf.as_ptr() as usize;
    let ParseOutcome::Command(args) = p.parse(&mut buf) else { panic!("expected a command") };
    assert_eq!(args[1].as_ptr() as usize, base + 4);
    assert_eq!(args[2], Bytes::from_static(b"q"));
}

#[test]
fn big_bulk_one_byte_at_a_time_is_linear() {
    // Quadratic rescanning would take ~10^11 steps here and time the test out.
    let len = 400_000;
    let mut input = format!("*2\r\n$4\r\nECHO\r\n${len}\r\n").into_bytes();
    input.resize(input.len() + len, b'x');
    input.extend_from_slice(b"\r\n");
    let mut p = parser();
    let mut buf = BytesMut::new();
    let mut got = None;
    for &b in &input {
        buf.extend_from_slice(&[b]);
        match p.parse(&mut buf) {
            ParseOutcome::Incomplete => {}
            ParseOutcome::Command(args) => got = Some(args),
            ParseOutcome::Error(e) => panic!("{e:?}"),
        }
    }
    let args = got.expect("command");
    assert_eq!(args[1].len(), len);
}

#[test]
fn many_arguments_one_byte_at_a_time() {
    let n = 20_000;
    let mut input = format!("*{n}\r\n").into_bytes();
    for i in 0..n {
        let a = i.to_string();
        input.extend_from_slice(format!("${}\r\n{}\r\n", a.len(), a).as_bytes());
    }
    let p = parse_chunked(&input, 1);
    assert_eq!(p.commands.len(), 1);
    assert_eq!(p.commands[0].len(), n);
    assert_eq!(p.commands[0][n - 1], (n - 1).to_string().into_bytes());
}

#[test]
fn huge_declared_count_does_not_preallocate() {
    let mut p = parser();
    let mut buf = BytesMut::from(&b"*2147483647\r\n$1\r\na\r\n"[..]);
    assert_eq!(p.parse(&mut buf), ParseOutcome::Incomplete);
    assert!(p.heap_bytes() <= PARSER_ARGS_PREALLOC_MAX * 16 + 64, "{}", p.heap_bytes());
}

#[test]
fn error_texts() {
    let cases: &[(&[u8], &str)] = &[
        (b"*x\r\n", "ERR Protocol error: invalid multibulk length"),
        (b"*1\r\n$-1\r\n", "ERR Protocol error: invalid bulk length"),
        (b"*1\r\nx4\r\n", "ERR Protocol error: expected '$', got 'x'"),
        (b"\"foo\r\n", "ERR Protocol error: unbalanced quotes in request"),
        (b"*1\r\n$", "ERR Protocol error: too big bulk count string"),
        (b"*1", "ERR Protocol error: too big mbulk count string"),
        (b"PING", "ERR Protocol error: too big inline request"),
    ];
    for &(input, text) in cases {
        let mut input = input.to_vec();
        if !input.ends_with(b"\n") {
            input.resize(input.len() + PROTO_INLINE_MAX_SIZE, b'1');
        }
        let (_, e) = error_of(&input);
        let e = e.unwrap_or_else(|| panic!("no error for {text}"));
        assert_eq!(e.message(), text);
        assert_eq!(e.message_bytes(), text.as_bytes());
    }
}

#[test]
fn expected_dollar_carries_the_raw_byte() {
    let (_, e) = error_of(b"*1\r\n\xc3\r\n");
    assert_eq!(e, Some(ProtocolError::ExpectedDollar(0xc3)));
    assert_eq!(e.unwrap().message_bytes(), b"ERR Protocol error: expected '$', got '\xc3'");
    // Redis's error encoder turns this \r into a space.
    assert_eq!(error_of(b"*1\r\n\r\r\n").1, Some(ProtocolError::ExpectedDollar(b'\r')));
}

#[test]
fn invalid_multibulk_lengths() {
    for bad in [
        &b"*\r\n"[..],
        b"*-0\r\n",
        b"*01\r\n",
        b"*+1\r\n",
        b"*1 \r\n",
        b"* 1\r\n",
        b"*2147483648\r\n",
        b"*99999999999999999999\r\n",
        b"*123456789012345678901\r\n",
        b"*-\r\n",
    ] {
        assert_eq!(error_of(bad), (0, Some(ProtocolError::InvalidMultibulkLength)), "{bad:?}");
    }
    // The largest allowed count is accepted (and waits for its arguments).
    assert_eq!(error_of(b"*2147483647\r\n"), (0, None));
}

#[test]
fn invalid_bulk_lengths() {
    for bad in [
        &b"*1\r\n$\r\n"[..],
        b"*1\r\n$-1\r\n",
        b"*1\r\n$1x\r\n",
        b"*1\r\n$ 1\r\n",
        b"*1\r\n$01\r\n",
        b"*1\r\n$536870913\r\n",
        b"*1\r\n$9223372036854775807\r\n",
        b"*1\r\n$18446744073709551616\r\n",
    ] {
        assert_eq!(error_of(bad), (0, Some(ProtocolError::InvalidBulkLength)), "{bad:?}");
    }
    assert_eq!(error_of(b"*1\r\n$536870912\r\n"), (0, None));
    let mut p = Parser::new(ParserLimits { proto_max_bulk_len: 3 });
    assert_eq!(
        p.parse(&mut BytesMut::from(&b"*1\r\n$4\r\n"[..])),
        ParseOutcome::Error(ProtocolError::InvalidBulkLength)
    );
}

#[test]
fn errors_come_after_the_commands_before_them() {
    let p = parse(b"*1\r\n$4\r\nPING\r\nPING\r\n*x\r\n*1\r\n$4\r\nPING\r\n");
    assert_eq!(p.commands.len(), 2);
    assert_eq!(p.error, Some(ProtocolError::InvalidMultibulkLength));
}

#[test]
fn errors_are_sticky() {
    let mut p = parser();
    let mut buf = BytesMut::from(&b"*x\r\n"[..]);
    assert_eq!(p.parse(&mut buf), ParseOutcome::Error(ProtocolError::InvalidMultibulkLength));
    buf.extend_from_slice(b"*1\r\n$4\r\nPING\r\n");
    assert_eq!(p.parse(&mut buf), ParseOutcome::Error(ProtocolError::InvalidMultibulkLength));
}

#[test]
fn line_length_limits_are_exact() {
    let max = PROTO_INLINE_MAX_SIZE;
    // A count line of exactly the limit before its \r is parsed (and invalid).
    let mut line = b"*".to_vec();
    line.resize(max, b'1');
    line.extend_from_slice(b"\r\n");
    assert_eq!(error_of(&line).1, Some(ProtocolError::InvalidMultibulkLength));
    // One more byte before the \r is too big, however the bytes arrive.
    let mut line = b"*".to_vec();
    line.resize(max + 1, b'1');
    line.extend_from_slice(b"\r\n");
    assert_eq!(error_of(&line).1, Some(ProtocolError::TooBigMultibulkCount));
    // Unterminated: waits up to the limit, errors past it.
    assert_eq!(error_of(&vec![b'1'; max]), (0, None));
    assert_eq!(error_of(&vec![b'1'; max + 1]).1, Some(ProtocolError::TooBigInlineRequest));
    // An inline line of max bytes before its \n (counting a \r) is accepted.
    let mut line = b"ECHO ".to_vec();
    line.resize(max - 1, b'y');
    line.extend_from_slice(b"\r\n");
    let p = parse(&line);
    assert_eq!((p.commands.len(), p.error), (1, None));
    let mut line = b"ECHO ".to_vec();
    line.resize(max, b'y');
    line.extend_from_slice(b"\r\n");
    assert_eq!(error_of(&line).1, Some(ProtocolError::TooBigInlineRequest));
}

#[test]
fn nul_in_a_line_stalls_until_too_big() {
    let max = PROTO_INLINE_MAX_SIZE;
    // Redis's strchr stops at NUL: these lines never end.
    for (prefix, err) in [
        (&b"PING\0\r\nPING\r\n"[..], ProtocolError::TooBigInlineRequest),
        (b"*1\0\r\n$4\r\nPING\r\n", ProtocolError::TooBigMultibulkCount),
        (b"*1\r\n$4\0\r\nPING\r\n", ProtocolError::TooBigBulkCount),
    ] {
        let line_start = if err == ProtocolError::TooBigBulkCount { 4 } else { 0 };
        let mut input = prefix.to_vec();
        input.resize(line_start + max, b'x');
        assert_eq!(error_of(&input), (0, None), "{prefix:?}");
        input.push(b'x');
        assert_eq!(error_of(&input), (0, Some(err)), "{prefix:?}");
    }
    // A NUL inside bulk data is just data.
    assert_eq!(parse(b"*1\r\n$1\r\n\0\r\n").commands, cmds(&[&[b"\0"]]));
}

#[test]
fn unbalanced_quotes() {
    for bad in [&b"\"\r\n"[..], b"SET k \"\"x\r\n", b"SET k 'b'c\r\n", b"SET k \"b\\\"\n"] {
        assert_eq!(error_of(bad), (0, Some(ProtocolError::UnbalancedQuotes)), "{bad:?}");
    }
    let p = parse(b"PING\r\n\"foo\r\nPING\r\n");
    assert_eq!((p.commands.len(), p.error), (1, Some(ProtocolError::UnbalancedQuotes)));
}

#[test]
fn string2ll_matches_redis() {
    assert_eq!(string2ll(b"0"), Some(0));
    assert_eq!(string2ll(b"-1"), Some(-1));
    assert_eq!(string2ll(b"9223372036854775807"), Some(i64::MAX));
    assert_eq!(string2ll(b"-9223372036854775808"), Some(i64::MIN));
    for bad in [&b""[..], b"-", b"-0", b"00", b"01", b"+1", b" 1", b"1 ", b"9223372036854775808", b"1a"] {
        assert_eq!(string2ll(bad), None, "{bad:?}");
    }
    assert_eq!(string2ll(b"-9223372036854775809"), None);
}

#[test]
fn a_cr_before_the_inline_newline_changes_nothing() {
    // Redis strips it before splitting; the splitter gives the same result
    // with it (see `finish_inline`).
    for (with_cr, without) in [
        (&b"GET k\r\n"[..], &b"GET k\n"[..]),
        (b"SET k \"v\"\r\n", b"SET k \"v\"\n"),
        (b"SET k 'v'\r\n", b"SET k 'v'\n"),
        (b"\r\n", b"\n"),
        (b"SET k \"v\r\n", b"SET k \"v\n"),
        (b"SET k \"v\\\r\n", b"SET k \"v\\\n"),
    ] {
        let (with_cr, without) = (parse(with_cr), parse(without));
        assert_eq!((with_cr.commands, with_cr.error), (without.commands, without.error));
    }
    assert_eq!(parse(b"SET k \"v\"\r\n").commands, cmds(&[&[b"SET", b"k", b"v"]]));
    assert_eq!(error_of(b"SET k \"v\r\n"), (0, Some(ProtocolError::UnbalancedQuotes)));
}

#[test]
fn quick_number_reads_short_plain_numbers_only() {
    assert_eq!(quick_number(b"0\r\n"), Some((0, 1)));
    assert_eq!(quick_number(b"7\rx"), Some((7, 1)));
    assert_eq!(quick_number(b"1234\r\n"), Some((1234, 4)));
    assert_eq!(quick_number(b"987654321098765432\r\n"), Some((987_654_321_098_765_432, 18)));
    // Everything else is the general path's: it needs the byte after the
    // `\r`, a sign, a leading zero, more than 18 digits or another byte.
    for other in [
        &b""[..],
        b"1",
        b"12",
        b"12\r",
        b"-1\r\n",
        b"+1\r\n",
        b"01\r\n",
        b"00\r\n",
        b"\r\n",
        b"1x\r\n",
        b"1 \r\n",
        b"9876543210987654321\r\n",
    ] {
        assert_eq!(quick_number(other), None, "{other:?}");
    }
}

#[test]
fn nineteen_digit_numbers_take_the_general_path() {
    // Past i64::MAX: on the quick path it would wrap negative and be skipped.
    assert_eq!(error_of(b"*9999999999999999999\r\n"), (0, Some(ProtocolError::InvalidMultibulkLength)));
    assert_eq!(error_of(b"*1\r\n$9999999999999999999\r\n"), (0, Some(ProtocolError::InvalidBulkLength)));
}

/// Parses `input` in one call with a fresh parser whose bulk limit is
/// `max_bulk`; returns the command and whether the one-pass path took it.
/// That path never touches the incremental state, so it leaves `spans`
/// unallocated, while the incremental path reserves it for the arguments.
fn parse_once(input: &[u8], max_bulk: u64) -> (Vec<Vec<u8>>, bool) {
    let mut p = Parser::new(ParserLimits { proto_max_bulk_len: max_bulk });
    let mut buf = BytesMut::from(input);
    let ParseOutcome::Command(args) = p.parse(&mut buf) else { panic!("expected a command") };
    assert!(buf.is_empty());
    assert_eq!(p.state, State::Start);
    (args.iter().map(|a| a.to_vec()).collect(), p.heap_bytes() == 0)
}

fn multibulk(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

#[test]
fn one_pass_path_takes_whole_small_commands_exactly() {
    let long = vec![b'z'; 123];
    let eight: [&[u8]; PARSER_WHOLE_ARGS_MAX] = [b"MSET", b"", b"0123456789", &long, b"k", b"v", b"\r\n", b"x"];
    let default_max = PROTO_MAX_BULK_LEN_DEFAULT;
    // Taken: up to PARSER_WHOLE_ARGS_MAX arguments, multi-digit and empty
    // bulks, the buffer ending exactly at the command's end.
    for args in [&eight[..1], &eight[..2], &eight[..]] {
        let input = multibulk(args);
        let want: Vec<Vec<u8>> = args.iter().map(|a| a.to_vec()).collect();
        assert_eq!(parse_once(&input, default_max), (want, true), "{args:?}");
    }
    // A bulk of exactly the limit is taken too.
    assert_eq!(parse_once(&multibulk(&[b"GET", b"abc"]), 3), (vec![b"GET".to_vec(), b"abc".to_vec()], true));
    // One argument too many is declined, and parsed the same by the
    // incremental path.
    let nine: Vec<&[u8]> = eight.iter().copied().chain([&b"y"[..]]).collect();
    let want: Vec<Vec<u8>> = nine.iter().map(|a| a.to_vec()).collect();
    assert_eq!(parse_once(&multibulk(&nine), default_max), (want, false));
}

#[test]
fn one_pass_path_leaves_errors_and_waits_to_the_incremental_path() {
    let mut p = Parser::new(ParserLimits { proto_max_bulk_len: 3 });
    let mut buf = BytesMut::from(&multibulk(&[b"GET", b"abcd"])[..]);
    assert_eq!(p.parse(&mut buf), ParseOutcome::Error(ProtocolError::InvalidBulkLength));
    // A command one byte short waits, with nothing consumed.
    let input = multibulk(&[b"GET", b"k"]);
    let mut p = parser();
    let mut buf = BytesMut::from(&input[..input.len() - 1]);
    assert_eq!(p.parse(&mut buf), ParseOutcome::Incomplete);
    assert_eq!(buf.len(), input.len() - 1);
}

#[test]
fn set_limits_applies_to_the_next_command() {
    let mut p = parser();
    let mut buf = BytesMut::from(&multibulk(&[b"GET", b"abcd"])[..]);
    assert!(matches!(p.parse(&mut buf), ParseOutcome::Command(_)));
    p.set_limits(ParserLimits { proto_max_bulk_len: 3 });
    let mut buf = BytesMut::from(&multibulk(&[b"GET", b"abcd"])[..]);
    assert_eq!(p.parse(&mut buf), ParseOutcome::Error(ProtocolError::InvalidBulkLength));
}

#[test]
fn an_empty_multibulk_on_the_general_path_is_consumed() {
    for input in [&b"*-1\r\n"[..], b"*-7\r\n", b"*0\r\n"] {
        let p = parse(input);
        assert_eq!((p.commands.len(), p.error, p.rest), (0, None, 0), "{input:?}");
    }
}

#[test]
fn heap_bytes_counts_both_scratch_vectors() {
    let span_bytes = std::mem::size_of::<(usize, usize)>();
    let arg_bytes = std::mem::size_of::<InlineArg>();
    let mut p = parser();
    assert_eq!(p.heap_bytes(), 0);
    // 100 arguments on the incremental path, the last one still missing.
    let mut buf = BytesMut::from(&b"*100\r\n"[..]);
    for _ in 0..99 {
        buf.extend_from_slice(b"$1\r\na\r\n");
    }
    assert_eq!(p.parse(&mut buf), ParseOutcome::Incomplete);
    let spans = p.spans.capacity();
    assert!(spans >= 100);
    assert_eq!(p.heap_bytes(), spans * span_bytes);
    buf.extend_from_slice(b"$1\r\na\r\n");
    assert!(matches!(p.parse(&mut buf), ParseOutcome::Command(a) if a.len() == 100));
    // An inline command of ten arguments adds the inline scratch.
    buf.extend_from_slice(b"a b c d e f g h i j\r\n");
    assert!(matches!(p.parse(&mut buf), ParseOutcome::Command(a) if a.len() == 10));
    let inline = p.inline_args.capacity();
    assert!(inline >= 10);
    assert_eq!(p.spans.capacity(), spans);
    assert_eq!(p.heap_bytes(), spans * span_bytes + inline * arg_bytes);
    // An error frees both.
    buf.extend_from_slice(b"\"\r\n");
    assert_eq!(p.parse(&mut buf), ParseOutcome::Error(ProtocolError::UnbalancedQuotes));
    assert_eq!(p.heap_bytes(), 0);
}

#[test]
fn scratch_shrinks_back_after_a_long_command() {
    let n = 3 * PARSER_ARGS_PREALLOC_MAX;
    let mut p = parser();
    let mut buf = BytesMut::from(format!("*{n}\r\n").as_bytes());
    for _ in 0..n {
        buf.extend_from_slice(b"$1\r\na\r\n");
    }
    assert!(matches!(p.parse(&mut buf), ParseOutcome::Command(a) if a.len() == n));
    assert!(p.spans.capacity() <= PARSER_ARGS_PREALLOC_MAX, "{}", p.spans.capacity());
    buf.extend_from_slice(&b"a ".repeat(n));
    buf.extend_from_slice(b"\r\n");
    assert!(matches!(p.parse(&mut buf), ParseOutcome::Command(a) if a.len() == n));
    assert!(p.inline_args.capacity() <= PARSER_ARGS_PREALLOC_MAX, "{}", p.inline_args.capacity());
    assert!(p.heap_bytes() <= PARSER_ARGS_PREALLOC_MAX * (16 + std::mem::size_of::<InlineArg>()));
}

/// The planted bug bites only a bulk header split between `\r` and `\n`.
#[cfg(feature = "planted-bugs")]
#[test]
fn planted_crlf_split_bites_only_split_headers() {
    let config = crate::Config { planted_bug: Some(PlantedBug::ParserCrlfSplit), ..crate::Config::default() };
    let planted = || parser().with_plant(Plant::from_config(&config));
    for (first, rest, arg) in [
        (&b"*1\r\n$1\r"[..], &b"\na\r\n"[..], &b"\n"[..]),
        (b"*1\r\n$1", b"\r\na\r\n", b"a"),
        (b"*1\r\n$1\r\n", b"a\r\n", b"a"),
    ] {
        let mut p = planted();
        let mut buf = BytesMut::from(first);
        assert_eq!(p.parse(&mut buf), ParseOutcome::Incomplete);
        buf.extend_from_slice(rest);
        assert_eq!(p.parse(&mut buf), ParseOutcome::Command(vec![Bytes::copy_from_slice(arg)]), "{first:?}");
    }
}

#[test]
fn complete_headers_take_the_quick_path() {
    // Nine arguments, so not the one-pass path. The general path would
    // search the `$12` header for its `\r` and leave `scan` there; the
    // quick path reads it without a search.
    let mut p = parser();
    let mut buf = BytesMut::from(&b"*9\r\n$3\r\nSET\r\n$12\r\n"[..]);
    assert_eq!(p.parse(&mut buf), ParseOutcome::Incomplete);
    assert_eq!(p.state, State::BulkData { left: 8, len: 12 });
    assert_eq!((p.pos, p.scan), (18, 13));
}
