//! The differential harness: run a case file against two servers (the oracle,
//! a real Redis, and the target, normally ours) and compare raw reply bytes.
//!
//! # Case file format (`tests/diff/*.txt`)
//!
//! One command per line, split like `redis-cli` (see [`crate::args`]). Blank
//! lines and lines starting with `#` are ignored. Lines starting with `!` are
//! directives:
//!
//! - `!sleep <ms>`: sleep (for expiry cases).
//! - `!reconnect`: drop both connections and open new ones.
//! - `!raw <bytes>`: send the bytes (the rest of the line, one double-quoted
//!   style escaped string without the quotes: `\r\n`, `\xHH`, ...) as they
//!   are, then compare whatever arrives until a short quiet period, and
//!   whether the server closed the connection.
//! - `!type-only <command>`: compare only the reply's type byte and, for
//!   aggregates, the element count (TIME, RANDOMKEY, INFO, ...).
//!
//! Before each file both servers get `FLUSHALL` and each file runs on a fresh
//! connection. Each command is sent as a RESP array and exactly one reply is
//! read; a command that answers with several replies (SUBSCRIBE a b) belongs
//! in a `!raw` line.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::args::{escape, escape_command, split_args, unescape};
use crate::resp::{reply_shape, RespConn};

/// How long `!raw` waits for more bytes before it takes the reply as whole.
pub const RAW_QUIET: Duration = Duration::from_millis(150);
/// The longest `!raw` collects replies.
pub const RAW_MAX: Duration = Duration::from_secs(3);
/// After this many mismatches in one file the rest of it is skipped: once the
/// two keyspaces differ, later differences are mostly echoes of the first.
pub const MISMATCHES_PER_FILE_MAX: usize = 10;
/// `!sleep` bound, so a typo cannot stall the suite.
const SLEEP_MAX_MS: u64 = 10_000;

/// One step of a case file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Command(Vec<Vec<u8>>),
    TypeOnly(Vec<Vec<u8>>),
    Raw(Vec<u8>),
    Sleep(u64),
    Reconnect,
}

/// A step with the line it came from.
#[derive(Clone, Debug)]
pub struct Line {
    pub number: usize,
    pub text: String,
    pub step: Step,
}

/// Parses a case file; errors name the line.
pub fn parse_case_file(text: &str) -> Result<Vec<Line>, String> {
    let mut lines = Vec::new();
    for (index, raw_text) in text.lines().enumerate() {
        let number = index + 1;
        let text = raw_text.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let step = parse_line(text).map_err(|why| format!("line {number}: {why}: {text}"))?;
        lines.push(Line { number, text: text.to_string(), step });
    }
    Ok(lines)
}

fn parse_line(text: &str) -> Result<Step, String> {
    let Some(directive) = text.strip_prefix('!') else {
        return Ok(Step::Command(split_args(text)?));
    };
    let (name, rest) = directive.split_once(char::is_whitespace).unwrap_or((directive, ""));
    let rest = rest.trim();
    match name {
        "sleep" => {
            let ms: u64 = rest.parse().map_err(|_| format!("`!sleep` wants milliseconds, got `{rest}`"))?;
            if ms > SLEEP_MAX_MS {
                return Err(format!("`!sleep` is capped at {SLEEP_MAX_MS} ms"));
            }
            Ok(Step::Sleep(ms))
        }
        "reconnect" if rest.is_empty() => Ok(Step::Reconnect),
        "raw" => {
            // The bytes are written like the inside of a double-quoted argument.
            let bytes = unescape(rest);
            if bytes.is_empty() {
                return Err("`!raw` wants the bytes to send".to_string());
            }
            Ok(Step::Raw(bytes))
        }
        "type-only" => {
            let args = split_args(rest)?;
            if args.is_empty() {
                return Err("`!type-only` wants a command".to_string());
            }
            Ok(Step::TypeOnly(args))
        }
        _ => Err(format!("unknown directive `!{name}`")),
    }
}

/// One difference between the oracle and the target.
#[derive(Clone, Debug)]
pub struct Mismatch {
    pub file: PathBuf,
    pub line: usize,
    pub text: String,
    pub what: String,
    pub oracle: String,
    pub target: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}:{}: {}", self.file.display(), self.line, self.text)?;
        writeln!(f, "    sent:   {}", self.what)?;
        writeln!(f, "    redis:  {}", self.oracle)?;
        write!(f, "    target: {}", self.target)
    }
}

/// The two connections a file runs on.
struct Pair {
    oracle_addr: SocketAddr,
    target_addr: SocketAddr,
    oracle: RespConn,
    target: RespConn,
}

impl Pair {
    fn open(oracle_addr: SocketAddr, target_addr: SocketAddr) -> io::Result<Pair> {
        let oracle = RespConn::connect(oracle_addr)?;
        let target = RespConn::connect(target_addr)?;
        Ok(Pair { oracle_addr, target_addr, oracle, target })
    }

    fn reopen(&mut self) -> io::Result<()> {
        *self = Pair::open(self.oracle_addr, self.target_addr)?;
        Ok(())
    }
}

/// Runs one case file. Returns the mismatches (empty when the servers agree)
/// or an error when the file cannot be read or parsed, or a server cannot be
/// reached at all.
pub fn run_case_file(path: &Path, oracle_addr: SocketAddr, target_addr: SocketAddr) -> Result<Vec<Mismatch>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let lines = parse_case_file(&text).map_err(|why| format!("{}: {why}", path.display()))?;
    let connect_error = |e: io::Error| format!("{}: cannot connect: {e}", path.display());
    let mut pair = Pair::open(oracle_addr, target_addr).map_err(connect_error)?;
    for (conn, name) in [(&mut pair.oracle, "oracle"), (&mut pair.target, "target")] {
        let reply = conn.cmd(&["FLUSHALL"]).map_err(|e| format!("FLUSHALL on the {name}: {e}"))?;
        if reply != b"+OK\r\n" {
            return Err(format!("FLUSHALL on the {name} answered {}", escape(&reply)));
        }
    }
    // Each file starts on a connection that has done nothing yet.
    pair.reopen().map_err(connect_error)?;

    let mut mismatches = Vec::new();
    for line in &lines {
        if let Some((what, oracle, target)) = run_step(&mut pair, &line.step).map_err(connect_error)? {
            mismatches.push(Mismatch {
                file: path.to_path_buf(),
                line: line.number,
                text: line.text.clone(),
                what,
                oracle,
                target,
            });
            if mismatches.len() >= MISMATCHES_PER_FILE_MAX {
                break;
            }
        }
    }
    Ok(mismatches)
}

/// Runs one step on both connections; `Some((sent, oracle, target))` when
/// they differ.
fn run_step(pair: &mut Pair, step: &Step) -> io::Result<Option<(String, String, String)>> {
    let sends = !matches!(step, Step::Sleep(_) | Step::Reconnect);
    if sends && (pair.oracle.is_closed() || pair.target.is_closed()) {
        // Both closed: the case file forgot `!reconnect`. One closed: the
        // step that closed it was already reported.
        let state = |closed: bool| if closed { "<closed>" } else { "<open>" }.to_string();
        let what = "(a connection was closed by an earlier step: add `!reconnect`)".to_string();
        return Ok(Some((what, state(pair.oracle.is_closed()), state(pair.target.is_closed()))));
    }
    match step {
        Step::Sleep(ms) => std::thread::sleep(Duration::from_millis(*ms)),
        Step::Reconnect => pair.reopen()?,
        Step::Command(args) => {
            let oracle = exchange(&mut pair.oracle, args);
            let target = exchange(&mut pair.target, args);
            if oracle != target {
                return Ok(Some((escape_command(args), show(&oracle), show(&target))));
            }
        }
        Step::TypeOnly(args) => {
            let oracle = exchange(&mut pair.oracle, args);
            let target = exchange(&mut pair.target, args);
            let shape = |r: &Result<Vec<u8>, String>| match r {
                Ok(bytes) => reply_shape(bytes),
                Err(e) => format!("<{e}>"),
            };
            if shape(&oracle) != shape(&target) {
                let show_shape = |r: &Result<Vec<u8>, String>| format!("type {} in {}", shape(r), show(r));
                return Ok(Some((escape_command(args), show_shape(&oracle), show_shape(&target))));
            }
        }
        Step::Raw(bytes) => {
            let oracle = raw_exchange(&mut pair.oracle, bytes);
            let target = raw_exchange(&mut pair.target, bytes);
            if oracle != target {
                return Ok(Some((format!("raw {}", escape(bytes)), oracle, target)));
            }
        }
    }
    Ok(None)
}

/// Sends a command and reads one reply; a failure (timeout, closed
/// connection, garbage) is a result to compare, not an abort.
fn exchange(conn: &mut RespConn, args: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    conn.command(args).map_err(|e| e.to_string())
}

fn raw_exchange(conn: &mut RespConn, bytes: &[u8]) -> String {
    let result = conn.send(bytes).and_then(|()| conn.read_until_quiet(RAW_QUIET, RAW_MAX));
    match result {
        Ok((reply, closed)) => format!("{}{}", escape(&reply), if closed { " <closed>" } else { "" }),
        Err(e) => format!("<{e}>"),
    }
}

fn show(result: &Result<Vec<u8>, String>) -> String {
    match result {
        Ok(bytes) => escape(bytes),
        Err(e) => format!("<{e}>"),
    }
}

/// Every `*.txt` under `dir`, sorted; `FERRODIS_DIFF_FILTER=word` keeps only
/// the files whose name contains `word`.
pub fn case_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let filter = std::env::var("FERRODIS_DIFF_FILTER").unwrap_or_default();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "txt"))
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().contains(filter.as_str())))
        .collect();
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands_directives_and_skips_comments() {
        let text =
            "# comment\n\nSET k \"a b\"\n  !sleep 5\n!reconnect\n!raw *1\\r\\n$4\\r\\nPING\\r\\n\n!type-only TIME\n";
        let lines = parse_case_file(text).unwrap();
        let steps: Vec<Step> = lines.iter().map(|l| l.step.clone()).collect();
        assert_eq!(
            steps,
            vec![
                Step::Command(vec![b"SET".to_vec(), b"k".to_vec(), b"a b".to_vec()]),
                Step::Sleep(5),
                Step::Reconnect,
                Step::Raw(b"*1\r\n$4\r\nPING\r\n".to_vec()),
                Step::TypeOnly(vec![b"TIME".to_vec()]),
            ]
        );
        assert_eq!(lines[0].number, 3);
    }

    #[test]
    fn raw_keeps_quotes_and_spaces() {
        let lines = parse_case_file("!raw ECHO \"a b\"\\r\\n").unwrap();
        assert_eq!(lines[0].step, Step::Raw(b"ECHO \"a b\"\r\n".to_vec()));
    }

    #[test]
    fn bad_lines_name_their_number() {
        let err = parse_case_file("PING\n!bogus\n").unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
        assert!(parse_case_file("ECHO \"open").is_err());
        assert!(parse_case_file("!sleep soon").is_err());
        assert!(parse_case_file("!raw").is_err());
    }
}
