//! The differential harness: run a case file against two servers (the oracle,
//! a real Redis, and the target, normally ours) and compare raw reply bytes.
//!
//! # Protocols
//!
//! Every file runs twice, once per [`Protocol`]: in the RESP3 run each
//! connection starts with `HELLO 3` on both servers (its reply compared,
//! with `version` and `id` masked, see [`crate::resp::mask_hello`]) before
//! the file's first step on it. A file that tests something only one
//! protocol has opts out of the other with `!protocols`.
//!
//! # Case file format (`tests/diff/*.txt`)
//!
//! One command per line, split like `redis-cli` (see [`crate::args`]). Blank
//! lines and lines starting with `#` are ignored. Lines starting with `!` are
//! directives:
//!
//! - `!sleep <ms>`: sleep (for expiry cases).
//! - `!reconnect`: drop the current connection on both servers and open new
//!   ones (in the run's protocol).
//! - `!raw <bytes>`: send the bytes (the rest of the line, one double-quoted
//!   style escaped string without the quotes: `\r\n`, `\xHH`, ...) as they
//!   are, then compare whatever arrives until a short quiet period, and
//!   whether the server closed the connection.
//! - `!type-only <command>`: compare only the reply's type byte and, for
//!   aggregates, the element count (TIME, RANDOMKEY, INFO, ...).
//! - `!conn <name>`: make `<name>` the current connection; it is opened on
//!   both servers at its first use (with `HELLO 3` in the RESP3 run). Every
//!   file starts on the connection `main`. Connections stay open until the
//!   file ends, so one can subscribe or block while another publishes or
//!   pushes.
//! - `!send <command>`: send a command without reading its reply (a
//!   blocking command another connection will wake); `!read` reads it.
//! - `!read`: read one more reply or push on the current connection and
//!   compare it; gives up after [`READ_TIMEOUT`], and a read where Redis
//!   itself sends nothing is reported as a bad case.
//! - `!protocols <2|3>...`: run the file only in these protocols; it must
//!   follow a `#` comment that says why the behaviour is protocol-specific.
//!
//! A command named `HELLO` is compared with `version` and `id` masked.
//!
//! Before each file both servers get `FLUSHALL` and each file runs on fresh
//! connections. Each command is sent as a RESP array and exactly one reply
//! is read; the further replies of a command that sends several (SUBSCRIBE a
//! b) are read with `!read`, or the command goes in a `!raw` line.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::args::{escape, escape_command, split_args, unescape};
use crate::resp::{mask_hello, reply_shape, RespConn};

/// How long `!raw` waits for more bytes before it takes the reply as whole.
pub const RAW_QUIET: Duration = Duration::from_millis(150);
/// The longest `!raw` collects replies.
pub const RAW_MAX: Duration = Duration::from_secs(3);
/// How long `!read` waits for a reply or push that may never come.
pub const READ_TIMEOUT: Duration = Duration::from_secs(3);
/// After this many mismatches in one file the rest of it is skipped: once the
/// two keyspaces differ, later differences are mostly echoes of the first.
pub const MISMATCHES_PER_FILE_MAX: usize = 10;
/// `!sleep` bound, so a typo cannot stall the suite.
const SLEEP_MAX_MS: u64 = 10_000;
/// The connection every file starts on.
pub const MAIN_CONN: &str = "main";

/// The protocol a run speaks: RESP2 (a fresh connection's) or RESP3 (after
/// `HELLO 3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Resp2,
    Resp3,
}

impl Protocol {
    pub const ALL: [Protocol; 2] = [Protocol::Resp2, Protocol::Resp3];

    /// The HELLO version: 2 or 3.
    pub fn version(self) -> u8 {
        match self {
            Protocol::Resp2 => 2,
            Protocol::Resp3 => 3,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Protocol::Resp2 => "RESP2",
            Protocol::Resp3 => "RESP3",
        }
    }
}

/// One step of a case file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Command(Vec<Vec<u8>>),
    TypeOnly(Vec<Vec<u8>>),
    Raw(Vec<u8>),
    Sleep(u64),
    Reconnect,
    Conn(String),
    Send(Vec<Vec<u8>>),
    Read,
    /// The HELLO versions the file runs in (file-wide).
    Protocols(Vec<u8>),
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
    let mut lines: Vec<Line> = Vec::new();
    let mut after_comment = false;
    for (index, raw_text) in text.lines().enumerate() {
        let number = index + 1;
        let text = raw_text.trim();
        if text.is_empty() {
            continue;
        }
        if text.starts_with('#') {
            after_comment = true;
            continue;
        }
        let step = parse_line(text).map_err(|why| format!("line {number}: {why}: {text}"))?;
        if matches!(step, Step::Protocols(_)) {
            if !after_comment {
                return Err(format!("line {number}: `!protocols` must follow a comment saying why: {text}"));
            }
            if lines.iter().any(|l| matches!(l.step, Step::Protocols(_))) {
                return Err(format!("line {number}: a second `!protocols`: {text}"));
            }
        }
        after_comment = false;
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
    let command = |what: &str| {
        let args = split_args(rest)?;
        if args.is_empty() {
            return Err(format!("`!{what}` wants a command"));
        }
        Ok(args)
    };
    match name {
        "sleep" => {
            let ms: u64 = rest.parse().map_err(|_| format!("`!sleep` wants milliseconds, got `{rest}`"))?;
            if ms > SLEEP_MAX_MS {
                return Err(format!("`!sleep` is capped at {SLEEP_MAX_MS} ms"));
            }
            Ok(Step::Sleep(ms))
        }
        "reconnect" if rest.is_empty() => Ok(Step::Reconnect),
        "read" if rest.is_empty() => Ok(Step::Read),
        "raw" => {
            // The bytes are written like the inside of a double-quoted argument.
            let bytes = unescape(rest);
            if bytes.is_empty() {
                return Err("`!raw` wants the bytes to send".to_string());
            }
            Ok(Step::Raw(bytes))
        }
        "type-only" => Ok(Step::TypeOnly(command("type-only")?)),
        "send" => Ok(Step::Send(command("send")?)),
        "conn" => {
            if rest.is_empty() || rest.contains(char::is_whitespace) {
                return Err("`!conn` wants one connection name".to_string());
            }
            Ok(Step::Conn(rest.to_string()))
        }
        "protocols" => {
            let mut versions = Vec::new();
            for word in rest.split_whitespace() {
                match word {
                    "2" => versions.push(2),
                    "3" => versions.push(3),
                    _ => return Err(format!("`!protocols` takes 2 and/or 3, got `{word}`")),
                }
            }
            if versions.is_empty() {
                return Err("`!protocols` wants 2, 3 or both".to_string());
            }
            Ok(Step::Protocols(versions))
        }
        _ => Err(format!("unknown directive `!{name}`")),
    }
}

/// One difference between the oracle and the target.
#[derive(Clone, Debug)]
pub struct Mismatch {
    pub file: PathBuf,
    pub line: usize,
    pub protocol: Protocol,
    pub text: String,
    pub what: String,
    pub oracle: String,
    pub target: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}:{} [{}]: {}", self.file.display(), self.line, self.protocol.name(), self.text)?;
        writeln!(f, "    sent:   {}", self.what)?;
        writeln!(f, "    redis:  {}", self.oracle)?;
        write!(f, "    target: {}", self.target)
    }
}

/// What one step sent and what each server answered, when they differ.
type Difference = (String, String, String);

/// One connection to each server.
struct Pair {
    oracle: RespConn,
    target: RespConn,
}

impl Pair {
    /// Connects to both servers; in RESP3 also sends `HELLO 3` on both and
    /// returns the difference between their (masked) answers, if any.
    fn open(addrs: (SocketAddr, SocketAddr), protocol: Protocol, name: &str) -> io::Result<(Pair, Option<Difference>)> {
        let mut pair = Pair { oracle: RespConn::connect(addrs.0)?, target: RespConn::connect(addrs.1)? };
        let mut difference = None;
        if protocol == Protocol::Resp3 {
            let hello = vec![b"HELLO".to_vec(), b"3".to_vec()];
            let oracle = exchange(&mut pair.oracle, &hello);
            let target = exchange(&mut pair.target, &hello);
            if masked(&oracle) != masked(&target) {
                let what = format!("HELLO 3 (opening connection `{name}`)");
                difference = Some((what, show(&oracle), show(&target)));
            }
        }
        Ok((pair, difference))
    }
}

/// A file's connections, opened at their first use.
struct Conns {
    addrs: (SocketAddr, SocketAddr),
    protocol: Protocol,
    current: String,
    open: Vec<(String, Pair)>,
}

impl Conns {
    fn new(addrs: (SocketAddr, SocketAddr), protocol: Protocol) -> Conns {
        Conns { addrs, protocol, current: MAIN_CONN.to_string(), open: Vec::new() }
    }

    /// The current connection, opening it (and reporting its HELLO) first
    /// if this is its first use.
    fn current(&mut self, differences: &mut Vec<Difference>) -> io::Result<&mut Pair> {
        let index = match self.open.iter().position(|(name, _)| *name == self.current) {
            Some(index) => index,
            None => {
                let (pair, difference) = Pair::open(self.addrs, self.protocol, &self.current)?;
                differences.extend(difference);
                self.open.push((self.current.clone(), pair));
                self.open.len() - 1
            }
        };
        Ok(&mut self.open[index].1)
    }

    /// Drops the current connection; the next step opens it anew.
    fn drop_current(&mut self) {
        self.open.retain(|(name, _)| *name != self.current);
    }
}

/// Runs one case file in `protocol`. Returns `None` when the file opted out
/// of this protocol, the mismatches (empty when the servers agree), or an
/// error when the file cannot be read or parsed, or a server cannot be
/// reached at all.
pub fn run_case_file(
    path: &Path,
    oracle_addr: SocketAddr,
    target_addr: SocketAddr,
    protocol: Protocol,
) -> Result<Option<Vec<Mismatch>>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let lines = parse_case_file(&text).map_err(|why| format!("{}: {why}", path.display()))?;
    let opted_out = lines.iter().any(|l| matches!(&l.step, Step::Protocols(v) if !v.contains(&protocol.version())));
    if opted_out {
        return Ok(None);
    }
    let connect_error = |e: io::Error| format!("{}: cannot connect: {e}", path.display());
    for (addr, name) in [(oracle_addr, "oracle"), (target_addr, "target")] {
        let mut conn = RespConn::connect(addr).map_err(connect_error)?;
        let reply = conn.cmd(&["FLUSHALL"]).map_err(|e| format!("FLUSHALL on the {name}: {e}"))?;
        if reply != b"+OK\r\n" {
            return Err(format!("FLUSHALL on the {name} answered {}", escape(&reply)));
        }
    }
    // Each file starts on connections that have done nothing yet.
    let mut conns = Conns::new((oracle_addr, target_addr), protocol);

    let mut mismatches = Vec::new();
    for line in &lines {
        let mut differences = Vec::new();
        run_step(&mut conns, &line.step, &mut differences).map_err(connect_error)?;
        for (what, oracle, target) in differences {
            mismatches.push(Mismatch {
                file: path.to_path_buf(),
                line: line.number,
                protocol,
                text: line.text.clone(),
                what,
                oracle,
                target,
            });
        }
        if mismatches.len() >= MISMATCHES_PER_FILE_MAX {
            break;
        }
    }
    Ok(Some(mismatches))
}

/// Runs one step; pushes to `differences` what differed between the servers.
fn run_step(conns: &mut Conns, step: &Step, differences: &mut Vec<Difference>) -> io::Result<()> {
    match step {
        Step::Sleep(ms) => {
            std::thread::sleep(Duration::from_millis(*ms));
            return Ok(());
        }
        Step::Protocols(_) => return Ok(()),
        Step::Conn(name) => {
            conns.current = name.clone();
            return Ok(());
        }
        Step::Reconnect => {
            conns.drop_current();
            conns.current(differences)?;
            return Ok(());
        }
        _ => {}
    }
    let pair = conns.current(differences)?;
    if pair.oracle.is_closed() || pair.target.is_closed() {
        // Both closed: the case file forgot `!reconnect`. One closed: the
        // step that closed it was already reported.
        let state = |closed: bool| if closed { "<closed>" } else { "<open>" }.to_string();
        let what = "(a connection was closed by an earlier step: add `!reconnect`)".to_string();
        differences.push((what, state(pair.oracle.is_closed()), state(pair.target.is_closed())));
        return Ok(());
    }
    if pair.oracle.is_stalled() || pair.target.is_stalled() {
        // A reply that never came (reported at its step): later replies
        // would not line up, and each would wait out its timeout, so the
        // connection takes no more steps until `!reconnect`.
        let state = |stalled: bool| if stalled { "<stalled>" } else { "<answering>" }.to_string();
        let what = "(an earlier reply on this connection never came: skipped)".to_string();
        differences.push((what, state(pair.oracle.is_stalled()), state(pair.target.is_stalled())));
        return Ok(());
    }
    match step {
        Step::Command(args) => {
            let oracle = exchange(&mut pair.oracle, args);
            let target = exchange(&mut pair.target, args);
            let same = if args[0].eq_ignore_ascii_case(b"hello") {
                masked(&oracle) == masked(&target)
            } else {
                oracle == target
            };
            if !same {
                differences.push((escape_command(args), show(&oracle), show(&target)));
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
                differences.push((escape_command(args), show_shape(&oracle), show_shape(&target)));
            }
        }
        Step::Send(args) => {
            let oracle = pair.oracle.send_command(args).map_err(|e| e.to_string());
            let target = pair.target.send_command(args).map_err(|e| e.to_string());
            if oracle != target {
                let show_sent =
                    |r: &Result<(), String>| r.as_ref().err().cloned().unwrap_or_else(|| "<sent>".to_string());
                differences.push((format!("send {}", escape_command(args)), show_sent(&oracle), show_sent(&target)));
            }
        }
        Step::Read => {
            let oracle = pair.oracle.read_reply_within(READ_TIMEOUT).map_err(|e| e.to_string());
            let target = pair.target.read_reply_within(READ_TIMEOUT).map_err(|e| e.to_string());
            if oracle.is_err() {
                let what = "(read: Redis sent nothing, so the case expects a reply that never comes)".to_string();
                differences.push((what, show(&oracle), show(&target)));
            } else if oracle != target {
                differences.push(("(read one more reply)".to_string(), show(&oracle), show(&target)));
            }
        }
        Step::Raw(bytes) => {
            let oracle = raw_exchange(&mut pair.oracle, bytes);
            let target = raw_exchange(&mut pair.target, bytes);
            if oracle != target {
                differences.push((format!("raw {}", escape(bytes)), oracle, target));
            }
        }
        Step::Sleep(_) | Step::Protocols(_) | Step::Conn(_) | Step::Reconnect => unreachable!("handled above"),
    }
    let stalled = pair.oracle.is_stalled() || pair.target.is_stalled();
    if stalled && differences.is_empty() && !matches!(step, Step::Read) {
        // Even when both servers kept silent alike, a case that waits out
        // the reply timeout is a broken case (a pop that blocks forever).
        let state = |stalled: bool| if stalled { "<no reply>" } else { "<replied>" }.to_string();
        let what = "(no reply in time: a blocking command with no timeout?)".to_string();
        differences.push((what, state(pair.oracle.is_stalled()), state(pair.target.is_stalled())));
    }
    Ok(())
}

/// Sends a command and reads one reply; a failure (timeout, closed
/// connection, garbage) is a result to compare, not an abort.
fn exchange(conn: &mut RespConn, args: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    conn.command(args).map_err(|e| e.to_string())
}

/// A HELLO reply with its server-specific values masked.
fn masked(result: &Result<Vec<u8>, String>) -> Result<Vec<u8>, String> {
    result.as_ref().map(|bytes| mask_hello(bytes)).map_err(Clone::clone)
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
    fn connection_directives() {
        let text = "!conn sub\n!send BLPOP l 0\n!read\n# RESP2 only: the reason\n!protocols 2\n";
        let steps: Vec<Step> = parse_case_file(text).unwrap().into_iter().map(|l| l.step).collect();
        assert_eq!(
            steps,
            vec![
                Step::Conn("sub".to_string()),
                Step::Send(vec![b"BLPOP".to_vec(), b"l".to_vec(), b"0".to_vec()]),
                Step::Read,
                Step::Protocols(vec![2]),
            ]
        );
        assert!(parse_case_file("!protocols 2\n").unwrap_err().contains("comment"));
        assert!(parse_case_file("# why\n!protocols 4\n").is_err());
        assert!(parse_case_file("# why\n!protocols 2\n# again\n!protocols 3\n").is_err());
        assert!(parse_case_file("!conn\n").is_err());
        assert!(parse_case_file("!conn a b\n").is_err());
        assert!(parse_case_file("!read x\n").is_err());
        assert!(parse_case_file("!send\n").is_err());
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
