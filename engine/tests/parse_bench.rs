//! A parse-heavy workload for instruction counts, not a correctness test
//! (hence `#[ignore]`): the parser alone over a pipelined mix of commands
//! on its one-pass path (small whole multibulk), its incremental path
//! (more than `PARSER_WHOLE_ARGS_MAX` arguments, chunks that split
//! headers) and inline lines. Measure with
//!
//! ```sh
//! cargo test --release -p ferrodis-engine --test parse_bench --no-run
//! valgrind --tool=callgrind target/release/deps/parse_bench-<hash> --ignored --test-threads 1
//! ```

use bytes::BytesMut;
use ferrodis_engine::limits::PROTO_MAX_BULK_LEN_DEFAULT;
use ferrodis_engine::resp::parser::{ParseOutcome, Parser, ParserLimits};

fn multibulk(out: &mut Vec<u8>, args: &[&[u8]]) {
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

fn workload() -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let value = vec![b'v'; 100];
    let mut commands = 0;
    for i in 0..20_000 {
        let key = format!("key:{i:06}");
        multibulk(&mut out, &[b"SET", key.as_bytes(), &value]);
        multibulk(&mut out, &[b"GET", key.as_bytes()]);
        let mset: Vec<&[u8]> = std::iter::once(&b"MSET"[..]).chain([key.as_bytes(), b"x"].repeat(6)).collect();
        multibulk(&mut out, &mset);
        out.extend_from_slice(format!("GET {key}\r\n").as_bytes());
        commands += 4;
    }
    (out, commands)
}

/// Parses `input` fed in `chunk`-byte reads; returns (commands, arguments).
fn parse_all(input: &[u8], chunk: usize) -> (usize, usize) {
    let mut parser = Parser::new(ParserLimits { proto_max_bulk_len: PROTO_MAX_BULK_LEN_DEFAULT });
    let mut buf = BytesMut::new();
    let mut spare = Vec::new();
    let (mut commands, mut args) = (0, 0);
    for piece in input.chunks(chunk) {
        buf.extend_from_slice(piece);
        loop {
            match parser.parse_reusing(&mut buf, &mut spare) {
                ParseOutcome::Command(mut a) => {
                    commands += 1;
                    args += a.len();
                    a.clear();
                    spare.push(a);
                }
                ParseOutcome::Incomplete => break,
                ParseOutcome::Error(e) => panic!("{e:?}"),
            }
        }
    }
    (commands, args)
}

#[test]
#[ignore = "a workload for callgrind; run with --ignored"]
fn parse_workload() {
    let (input, commands) = workload();
    for chunk in [16 * 1024, 1500, 7] {
        let (got, args) = parse_all(&input, chunk);
        assert_eq!(got, commands, "chunk {chunk}");
        assert_eq!(args, 20_000 * (3 + 2 + 13 + 2), "chunk {chunk}");
    }
}
