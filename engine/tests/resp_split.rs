//! Property tests of the request path (parser + connection layer + engine):
//!
//! 1. any split of a valid pipelined stream (multibulk and inline commands
//!    with arbitrary binary arguments, empty commands between them) parses
//!    to the same commands and gets byte-identical replies from `Engine`;
//! 2. arbitrary bytes in arbitrary chunks never panic, and what a
//!    connection holds stays within its limits;
//! 3. every protocol error reaches the client as Redis 7.0.15 sends it
//!    (golden bytes captured from a real redis-server over a socket).

mod common;

use bytes::BytesMut;
use ferrodis_engine::conn::{ConnLimits, Connection};
use ferrodis_engine::limits::{PARSER_ARGS_PREALLOC_MAX, PROTO_INLINE_MAX_SIZE};
use ferrodis_engine::resp::parser::{ParseOutcome, Parser, ParserLimits};
use ferrodis_engine::ring::{ClientInfo, RequestKind, Ring, Route};
use ferrodis_engine::{Config, ConnId, Engine};
use proptest::prelude::*;

/// How one command is written on the wire.
#[derive(Debug, Clone)]
enum Wire {
    Multibulk,
    /// Inline, with this ending (`\n` or `\r\n`) and this blank run between
    /// arguments; each argument is written the way its own `ArgStyle` says.
    Inline {
        crlf: bool,
        blanks: &'static str,
        styles: Vec<ArgStyle>,
    },
}

#[derive(Debug, Clone, Copy)]
enum ArgStyle {
    /// Bare if the bytes allow it, else double-quoted.
    Bare,
    Double,
    /// Single-quoted if the bytes allow it, else double-quoted.
    Single,
}

#[derive(Debug, Clone)]
struct Cmd {
    args: Vec<Vec<u8>>,
    wire: Wire,
    /// Empty commands written before this one (`*0`, `*-1`, blank lines).
    empties_before: Vec<&'static [u8]>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn write_double(out: &mut Vec<u8>, arg: &[u8]) {
    out.push(b'"');
    for &b in arg {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x20..=0x7e => out.push(b),
            _ => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
        }
    }
    out.push(b'"');
}

fn write_inline_arg(out: &mut Vec<u8>, arg: &[u8], style: ArgStyle) {
    let bare_ok = !arg.is_empty() && arg.iter().all(|&b| b != 0 && !is_space(b) && b != b'"' && b != b'\'');
    let single_ok = arg.iter().all(|&b| b != 0 && b != b'\n') && arg.last() != Some(&b'\\');
    match style {
        ArgStyle::Bare if bare_ok => out.extend_from_slice(arg),
        ArgStyle::Single if single_ok => {
            out.push(b'\'');
            for &b in arg {
                if b == b'\'' {
                    out.push(b'\\');
                }
                out.push(b);
            }
            out.push(b'\'');
        }
        _ => write_double(out, arg),
    }
}

fn encode(cmds: &[Cmd]) -> Vec<u8> {
    let mut out = Vec::new();
    for c in cmds {
        for e in &c.empties_before {
            out.extend_from_slice(e);
        }
        match &c.wire {
            Wire::Multibulk => out.extend_from_slice(&common::encode(&c.args)),
            Wire::Inline { crlf, blanks, styles } => {
                for (i, a) in c.args.iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(blanks.as_bytes());
                    }
                    // A line starting with '*' would be read as multibulk.
                    let style =
                        if i == 0 && a.first() == Some(&b'*') { ArgStyle::Double } else { styles[i % styles.len()] };
                    write_inline_arg(&mut out, a, style);
                }
                out.extend_from_slice(if *crlf { b"\r\n" } else { b"\n" });
            }
        }
    }
    out
}

fn arg() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => proptest::collection::vec(any::<u8>(), 0..24),
        2 => "[a-z0-9]{1,8}".prop_map(|s| s.into_bytes()),
        1 => proptest::collection::vec(prop_oneof![Just(b'"'), Just(b'\''), Just(b'\\'), Just(b' '), Just(0u8), Just(b'\r'), Just(b'\n'), Just(b'x')], 0..8),
    ]
}

/// Commands that exist now, with arbitrary arguments where they take any.
fn args() -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop_oneof![
        Just(vec![b"PING".to_vec()]),
        arg().prop_map(|a| vec![b"ping".to_vec(), a]),
        arg().prop_map(|a| vec![b"ECHO".to_vec(), a]),
        (arg(), arg()).prop_map(|(k, v)| vec![b"SET".to_vec(), k, v]),
        arg().prop_map(|k| vec![b"get".to_vec(), k]),
        prop_oneof!["[0-9]{1,2}".prop_map(String::into_bytes), arg()].prop_map(|n| vec![b"SELECT".to_vec(), n]),
        proptest::collection::vec(arg(), 1..4),
    ]
}

fn style() -> impl Strategy<Value = ArgStyle> {
    prop_oneof![Just(ArgStyle::Bare), Just(ArgStyle::Double), Just(ArgStyle::Single)]
}

fn cmd() -> impl Strategy<Value = Cmd> {
    let wire = prop_oneof![
        Just(Wire::Multibulk),
        (
            any::<bool>(),
            prop_oneof![Just(" "), Just("  "), Just("\t"), Just(" \t ")],
            proptest::collection::vec(style(), 1..4)
        )
            .prop_map(|(crlf, blanks, styles)| Wire::Inline { crlf, blanks, styles }),
    ];
    let empty = prop_oneof![
        Just(&b"*0\r\n"[..]),
        Just(&b"*-1\r\n"[..]),
        Just(&b"\r\n"[..]),
        Just(&b"\n"[..]),
        Just(&b"  \t\r\n"[..])
    ];
    (args(), wire, proptest::collection::vec(empty, 0..2)).prop_map(|(args, wire, empties_before)| Cmd {
        args,
        wire,
        empties_before,
    })
}

/// Split points: chunk sizes drawn until the input is used up.
fn chunk_sizes() -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(prop_oneof![3 => 1usize..4, 2 => 1usize..40, 1 => 1usize..400], 1..64)
}

fn chunks<'a>(input: &'a [u8], sizes: &'a [usize]) -> impl Iterator<Item = &'a [u8]> {
    let mut rest = input;
    let mut i = 0;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let n = sizes[i % sizes.len()].min(rest.len());
        i += 1;
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Some(head)
    })
}

fn parse_all<'a>(pieces: impl Iterator<Item = &'a [u8]>) -> Vec<Vec<Vec<u8>>> {
    let mut p = Parser::new(ParserLimits { proto_max_bulk_len: 512 * 1024 * 1024 });
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for piece in pieces {
        buf.extend_from_slice(piece);
        loop {
            match p.parse(&mut buf) {
                ParseOutcome::Command(a) => out.push(a.iter().map(|b| b.to_vec()).collect()),
                ParseOutcome::Incomplete => break,
                ParseOutcome::Error(e) => panic!("valid stream rejected: {e:?}"),
            }
        }
    }
    assert!(buf.is_empty(), "a valid stream is consumed entirely");
    out
}

/// Reply bytes of a fresh engine fed `pieces`, output drained after each.
fn replies<'a>(pieces: impl Iterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut e = Engine::new(Config::default(), 1_000);
    let c = common::open(&mut e, 1_000);
    let mut out = Vec::new();
    for piece in pieces {
        out.extend_from_slice(&common::exchange(&mut e, c, piece, 1_000));
    }
    e.check_invariants();
    assert!(!common::closed(&mut e).contains(&c));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn any_split_parses_and_replies_the_same(cmds in proptest::collection::vec(cmd(), 1..16), sizes in chunk_sizes()) {
        let input = encode(&cmds);
        let want: Vec<Vec<Vec<u8>>> = cmds.iter().map(|c| c.args.clone()).collect();
        prop_assert_eq!(&parse_all(std::iter::once(&input[..])), &want);
        prop_assert_eq!(&parse_all(chunks(&input, &sizes)), &want);
        let whole = replies(std::iter::once(&input[..]));
        prop_assert_eq!(replies(chunks(&input, &sizes)), whole.clone());
        prop_assert_eq!(replies(input.chunks(1)), whole);
    }

    #[test]
    fn random_bytes_never_panic_and_stay_bounded(
        pieces in proptest::collection::vec(noise(), 1..40),
        sizes in chunk_sizes(),
    ) {
        let input: Vec<u8> = pieces.concat();
        let limits = ConnLimits {
            parser: ParserLimits { proto_max_bulk_len: 1000 },
            query_buffer_limit: 4096,
            output_pause_bytes: 1 << 20,
            output: Default::default(),
        };
        let ring = Ring::new(1, 8, 1);
        let mut c = Connection::new(ConnId(1), ClientInfo::default(), Route { side: 0, slot: 0 }, limits);
        let mut ended = false;
        for piece in chunks(&input, &sizes) {
            if let Some(buf) = c.read_buf_mut() {
                buf.extend_from_slice(piece);
            }
            c.handle_read();
            loop {
                let pushed = c.push_requests(&ring, 0, &mut Vec::new());
                while let Some(r) = ring.pop_request() {
                    match r.kind {
                        RequestKind::Command(args) => prop_assert!(!args.is_empty()),
                        RequestKind::ProtocolError(_) | RequestKind::Close | RequestKind::OutputLimit => {
                            prop_assert!(!ended, "nothing after the last request");
                            ended = true;
                        }
                        RequestKind::Open(_) => {}
                    }
                }
                if !pushed.ring_full {
                    break;
                }
            }
            prop_assert!(c.buffered_bytes() <= limits.query_buffer_limit);
            prop_assert!(c.parser_heap_bytes() <= 48 * PARSER_ARGS_PREALLOC_MAX + 8 * c.buffered_bytes());
        }
        // The same bytes through the whole engine, with a small query limit.
        let cfg = Config { client_query_buffer_limit: 4096, proto_max_bulk_len: 1000, ..Config::default() };
        let mut e = Engine::new(cfg, 1_000);
        let id = common::open(&mut e, 1_000);
        for piece in chunks(&input, &sizes) {
            common::feed(&mut e, id, piece, 1_000);
            let n = e.pending_output(id).len();
            e.consume_output(id, n, 1_000);
        }
        e.handle_peer_closed(id, 1_000);
        e.check_invariants();
        prop_assert_eq!(e.connection_count(), 0);
    }
}

const TOKENS: &[&[u8]] = &[
    b"*",
    b"$",
    b"\r\n",
    b"\r",
    b"\n",
    b"\"",
    b"'",
    b"\\x4",
    b"\0",
    b" ",
    b"-1",
    b"0",
    b"3",
    b"999",
    b"2147483648",
    b"PING",
    b"ECHO",
    b"*1\r\n$4\r\nPING\r\n",
    b"*2\r\n$4\r\nECHO\r\n$3\r\n",
];

/// Bytes that look like the protocol often enough to reach deep states.
fn noise() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => proptest::collection::vec(any::<u8>(), 0..16),
        3 => proptest::sample::select(TOKENS).prop_map(|b| b.to_vec()),
        1 => (0usize..3000).prop_map(|n| vec![b'y'; n]),
        1 => (0usize..2).prop_map(|_| vec![b'z'; PROTO_INLINE_MAX_SIZE + 1]),
    ]
}

// ---- Golden error replies, captured from redis-server 7.0.15 ----

fn golden(input: &[u8], want: &[u8]) {
    for chunk in [input.len(), 1] {
        let mut e = Engine::new(Config::default(), 1_000);
        let c = common::open(&mut e, 1_000);
        let mut out = Vec::new();
        for piece in input.chunks(chunk) {
            out.extend_from_slice(&common::exchange(&mut e, c, piece, 1_000));
        }
        assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(want), "input {:?}", input);
        assert_eq!(out, want);
        let protocol_error = want.windows(15).any(|w| w == b"Protocol error:");
        assert_eq!(common::closed(&mut e).contains(&c), protocol_error, "close after {input:?}");
    }
}

#[test]
fn protocol_errors_match_redis() {
    golden(b"*1\r\n$4\r\nPING\r\n*x\r\n", b"+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n");
    golden(b"*3000000000\r\n", b"-ERR Protocol error: invalid multibulk length\r\n");
    golden(b"*1\r\n$-1\r\n", b"-ERR Protocol error: invalid bulk length\r\n");
    golden(b"*1\r\n$536870913\r\n", b"-ERR Protocol error: invalid bulk length\r\n");
    golden(b"*1\r\nx4\r\n", b"-ERR Protocol error: expected '$', got 'x'\r\n");
    golden(b"*1\r\n\xc3\r\n", b"-ERR Protocol error: expected '$', got '\xc3'\r\n");
    golden(b"*1\r\n\r\r\n", b"-ERR Protocol error: expected '$', got ' '\r\n");
    golden(b"PING\r\n\"foo\r\n", b"+PONG\r\n-ERR Protocol error: unbalanced quotes in request\r\n");
    golden(b"PING\r\n\"foo\"bar\r\n", b"+PONG\r\n-ERR Protocol error: unbalanced quotes in request\r\n");
    golden(b"SET k 'b'c\r\n", b"-ERR Protocol error: unbalanced quotes in request\r\n");
    let mut big = b"PING".to_vec();
    big.resize(PROTO_INLINE_MAX_SIZE + 1, b'x');
    golden(&big, b"-ERR Protocol error: too big inline request\r\n");
    let mut big = b"*".to_vec();
    big.resize(PROTO_INLINE_MAX_SIZE + 1, b'1');
    golden(&big, b"-ERR Protocol error: too big mbulk count string\r\n");
    let mut big = b"*1\r\n$".to_vec();
    big.resize(4 + PROTO_INLINE_MAX_SIZE + 1, b'1');
    golden(&big, b"-ERR Protocol error: too big bulk count string\r\n");
}

#[test]
fn quirks_match_redis() {
    golden(b"*-1\r\n*0\r\n\r\n  \r\nPING\r\n", b"+PONG\r\n");
    golden(b"*1\r\n$4\r\nPINGxx*1\rX$4\r\nPING\r\n", b"+PONG\r\n+PONG\r\n");
    golden(b"PING\x00\r\nPING\r\n", b"");
    golden(b"*1\r\n$4\x00\r\nPING\r\n", b"");
    golden(b"SET k \"a\\x41\\n\\q\\x4\"\r\nGET k\r\n", b"+OK\r\n$6\r\naA\nqx4\r\n");
    golden(b"SET k 'b\\'c\\d'\r\nGET k\r\n", b"+OK\r\n$5\r\nb'c\\d\r\n");
    golden(b"ECHO a\"b c\"\r\n", b"$4\r\nab c\r\n");
    golden(b"ECHO \x0bab\x0bc\r\n", b"$4\r\nab\x0bc\r\n");
    golden(b"SET k x\x0cy\r\nGET k\r\n", b"+OK\r\n$3\r\nx\x0cy\r\n");
    golden(b"SET k \"y\"\x0c\r\nGET k\r\n", b"+OK\r\n$1\r\ny\r\n");
    golden(b"PING\nPING\n", b"+PONG\r\n+PONG\r\n");
}
