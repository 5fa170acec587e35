//! The differential suite: every case file in `tests/diff/*.txt` runs against
//! a real `redis-server` (the oracle) and against `ferrodis-server` (the
//! target), and every reply must be byte-identical. The file format is
//! documented in `ferrodis_tests::diff`. Every file runs in RESP2 and again
//! in RESP3 (each connection opened with `HELLO 3`).
//!
//! A missing `redis-server` fails the suite: a skip would let a broken CI
//! look green.

use std::path::{Path, PathBuf};

use ferrodis_tests::diff::{case_files, run_case_file, Mismatch, Protocol};
use ferrodis_tests::server::{redis_server_program, redis_server_version};
use ferrodis_tests::{Kind, Server};

fn diff_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("diff")
}

fn require_redis() {
    if let Err(why) = redis_server_program() {
        panic!("{why}");
    }
    let version = redis_server_version().unwrap_or_default();
    eprintln!("oracle: {version}");
    if !version.contains("v=7.") {
        eprintln!("warning: the spec is Redis 7.0; replies of {version} may differ");
    }
}

/// Runs `files` in `protocol` against `oracle` and `target`; returns the
/// mismatches and every file that could not run.
fn run_files(files: &[PathBuf], oracle: &Server, target: &Server, protocol: Protocol) -> (Vec<Mismatch>, Vec<String>) {
    let mut mismatches = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        let verdict = match run_case_file(file, oracle.addr(), target.addr(), protocol) {
            Ok(None) => "not in this protocol".to_string(),
            Ok(Some(found)) if found.is_empty() => "ok".to_string(),
            Ok(Some(found)) => {
                let verdict = format!("{} MISMATCHES", found.len());
                mismatches.extend(found);
                verdict
            }
            Err(why) => {
                errors.push(why);
                "ERROR".to_string()
            }
        };
        eprintln!("[{}] {}: {verdict}", protocol.name(), file.display());
    }
    (mismatches, errors)
}

#[test]
fn case_files_match_redis_in_resp2() {
    case_files_against(&[], &[Protocol::Resp2]);
}

#[test]
fn case_files_match_redis_in_resp3() {
    case_files_against(&[], &[Protocol::Resp3]);
}

/// The same case files against the threaded composition (I/O threads
/// parse and write, one thread executes): every reply must be the same.
/// The oracle gets the same option, so CONFIG GET io-threads agrees.
#[test]
fn case_files_match_redis_with_io_threads() {
    case_files_against(&["--io-threads", "2"], &Protocol::ALL);
}

fn case_files_against(target_args: &[&str], protocols: &[Protocol]) {
    require_redis();
    let files = case_files(&diff_dir()).unwrap_or_else(|why| panic!("{why}"));
    assert!(!files.is_empty(), "no case files in {}", diff_dir().display());
    let oracle = Server::start_with(Kind::Redis, target_args);
    let target = Server::start_with(Kind::target_from_env(), target_args);
    eprintln!("target: {} {target_args:?} ({} case files)", target.kind().name(), files.len());
    let mut report = String::new();
    let mut counts = Vec::new();
    for &protocol in protocols {
        let (mismatches, errors) = run_files(&files, &oracle, &target, protocol);
        for mismatch in &mismatches {
            report.push_str(&format!("{mismatch}\n"));
        }
        for error in &errors {
            report.push_str(&format!("error: {error}\n"));
        }
        counts.push(format!(
            "{}: {} mismatches, {} files that could not run",
            protocol.name(),
            mismatches.len(),
            errors.len()
        ));
    }
    assert!(
        report.is_empty(),
        "{}:\n{report}\n\
         (FERRODIS_TEST_TARGET=redis runs the case files redis against redis, to tell a bad case from a bug;\n\
         FERRODIS_DIFF_FILTER=word runs only the files whose name contains `word`)",
        counts.join("; ")
    );
}

/// Writes `text` as the one case file of a fresh directory, runs it against
/// `oracle` and `target` in both protocols, and returns what was found.
fn run_planted(text: &str, oracle: &Server, target: &Server) -> Vec<(Protocol, Vec<Mismatch>)> {
    let dir = std::env::temp_dir().join(format!("ferrodis-diff-selftest-{}-{}", std::process::id(), text.len()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("planted.txt");
    std::fs::write(&file, text).unwrap();
    let mut found = Vec::new();
    for protocol in Protocol::ALL {
        let (mismatches, errors) = run_files(std::slice::from_ref(&file), oracle, target, protocol);
        assert!(errors.is_empty(), "{errors:?}");
        found.push((protocol, mismatches));
    }
    let _ = std::fs::remove_dir_all(&dir);
    found
}

/// The harness must report a real difference, with the file, the line, the
/// protocol, the command and both replies. Two real Redis servers, one with
/// ECHO renamed away, differ on exactly one line of a planted case file, in
/// each protocol.
#[test]
fn a_planted_difference_is_reported() {
    require_redis();
    let oracle = Server::start(Kind::Redis);
    let target = Server::start_with(Kind::Redis, &["--rename-command", "ECHO", ""]);
    let text = "# planted\nSET k v\nGET k\nECHO \"a\\r\\nb\"\nGET k\n!raw PING\\r\\n\nHELLO\n";
    for (protocol, mismatches) in run_planted(text, &oracle, &target) {
        assert_eq!(mismatches.len(), 1, "{mismatches:?}");
        let report = mismatches[0].to_string();
        eprintln!("{report}");
        let head = format!("planted.txt:4 [{}]: ECHO \"a\\r\\nb\"", protocol.name());
        assert!(report.contains(&head), "{report}");
        assert!(report.contains("redis:  \"$4\\r\\na\\r\\nb\\r\\n\""), "{report}");
        assert!(report.contains("target: \"-ERR unknown command 'ECHO'"), "{report}");
    }
}

/// The connection directives, redis against redis: a subscriber on one
/// connection gets what another publishes (`!read`), a blocked pop sent
/// with `!send` is woken from another connection, and each protocol sees
/// its own encoding. Then a `!read` for a push that never comes is reported
/// within its timeout instead of hanging, and a file opted out of RESP3 does
/// not run there.
#[test]
fn connection_directives_drive_pubsub_and_blocking() {
    require_redis();
    let oracle = Server::start(Kind::Redis);
    let target = Server::start(Kind::Redis);
    let agree = "!conn sub\nSUBSCRIBE news\n!conn pub\nPUBLISH news hello\n!conn sub\n!read\n\
                 !conn waiter\n!send BLPOP jobs 5\n!conn main\nRPUSH jobs j1\n!conn waiter\n!read\nLLEN jobs\n";
    for (protocol, mismatches) in run_planted(agree, &oracle, &target) {
        assert!(mismatches.is_empty(), "[{}] {mismatches:?}", protocol.name());
    }

    let missing = "!conn sub\nSUBSCRIBE news\n!conn pub\nPUBLISH elsewhere hello\n!conn sub\n!read\n";
    let started = std::time::Instant::now();
    for (protocol, mismatches) in run_planted(missing, &oracle, &target) {
        assert_eq!(mismatches.len(), 1, "[{}] {mismatches:?}", protocol.name());
        assert_eq!(mismatches[0].line, 6);
        assert!(mismatches[0].what.contains("Redis sent nothing"), "{}", mismatches[0]);
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());

    // The renamed PUBLISH makes the target differ; in RESP2 only.
    let renamed = Server::start_with(Kind::Redis, &["--rename-command", "PUBLISH", ""]);
    let resp2_only = "# PUBLISH only matters here in RESP2 (a test of the directive)\n!protocols 2\nPUBLISH c m\n";
    let found = run_planted(resp2_only, &oracle, &renamed);
    assert_eq!(found[0].1.len(), 1, "{:?}", found[0]);
    assert!(found[1].1.is_empty(), "{:?}", found[1]);
}

/// A command that blocks forever on both servers (a case-file mistake) is
/// reported at its line once its reply timeout passes, and the connection
/// takes no more steps, so the file ends in bounded time instead of
/// waiting out a timeout per remaining line.
#[test]
fn a_reply_that_never_comes_stops_its_connection() {
    require_redis();
    let oracle = Server::start(Kind::Redis);
    let target = Server::start(Kind::Redis);
    let text = "# one protocol is enough to show it (each stalled read costs the reply timeout)\n!protocols 2\n\
                BLPOP nokey 0\nPING\nPING\n!conn other\nPING\n";
    let started = std::time::Instant::now();
    let found = run_planted(text, &oracle, &target);
    assert!(started.elapsed() < std::time::Duration::from_secs(40), "{:?}", started.elapsed());
    let (_, mismatches) = &found[0];
    let lines: Vec<usize> = mismatches.iter().map(|m| m.line).collect();
    assert_eq!(lines, vec![3, 4, 5], "{mismatches:?}");
    assert!(mismatches[0].what.contains("no reply in time"), "{}", mismatches[0]);
    assert!(mismatches[1].what.contains("never came"), "{}", mismatches[1]);
    assert!(found[1].1.is_empty(), "the file is RESP2 only: {:?}", found[1]);
}
