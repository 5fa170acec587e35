//! The differential suite: every case file in `tests/diff/*.txt` runs against
//! a real `redis-server` (the oracle) and against `ferrodis-server` (the
//! target), and every reply must be byte-identical. The file format is
//! documented in `ferrodis_tests::diff`.
//!
//! A missing `redis-server` fails the suite: a skip would let a broken CI
//! look green.

use std::path::{Path, PathBuf};

use ferrodis_tests::diff::{case_files, run_case_file, Mismatch};
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

/// Runs `files` against a fresh oracle and `target`; returns the report of
/// every mismatch and every file that could not run.
fn run_files(files: &[PathBuf], oracle: &Server, target: &Server) -> (Vec<Mismatch>, Vec<String>) {
    let mut mismatches = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        match run_case_file(file, oracle.addr(), target.addr()) {
            Ok(found) => {
                eprintln!("{}: {}", file.display(), if found.is_empty() { "ok" } else { "MISMATCH" });
                mismatches.extend(found);
            }
            Err(why) => errors.push(why),
        }
    }
    (mismatches, errors)
}

#[test]
fn case_files_match_redis() {
    case_files_against(&[]);
}

/// The same case files against the threaded composition (I/O threads
/// parse and write, one thread executes): every reply must be the same.
/// The oracle gets the same option, so CONFIG GET io-threads agrees.
#[test]
fn case_files_match_redis_with_io_threads() {
    case_files_against(&["--io-threads", "2"]);
}

fn case_files_against(target_args: &[&str]) {
    require_redis();
    let files = case_files(&diff_dir()).unwrap_or_else(|why| panic!("{why}"));
    assert!(!files.is_empty(), "no case files in {}", diff_dir().display());
    let oracle = Server::start_with(Kind::Redis, target_args);
    let target = Server::start_with(Kind::target_from_env(), target_args);
    eprintln!("target: {} {target_args:?} ({} case files)", target.kind().name(), files.len());
    let (mismatches, errors) = run_files(&files, &oracle, &target);
    let mut report = String::new();
    for mismatch in &mismatches {
        report.push_str(&format!("{mismatch}\n"));
    }
    for error in &errors {
        report.push_str(&format!("error: {error}\n"));
    }
    assert!(
        report.is_empty(),
        "{} mismatches, {} files that could not run:\n{report}\n\
         (FERRODIS_TEST_TARGET=redis runs the case files redis against redis, to tell a bad case from a bug;\n\
         FERRODIS_DIFF_FILTER=word runs only the files whose name contains `word`)",
        mismatches.len(),
        errors.len()
    );
}

/// The harness must report a real difference, with the file, the line, the
/// command and both replies. Two real Redis servers, one with ECHO renamed
/// away, differ on exactly one line of a planted case file.
#[test]
fn a_planted_difference_is_reported() {
    require_redis();
    let dir = std::env::temp_dir().join(format!("ferrodis-diff-selftest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("planted.txt");
    std::fs::write(&file, "# planted\nSET k v\nGET k\nECHO \"a\\r\\nb\"\nGET k\n!raw PING\\r\\n\n").unwrap();
    let oracle = Server::start(Kind::Redis);
    let target = Server::start_with(Kind::Redis, &["--rename-command", "ECHO", ""]);
    let (mismatches, errors) = run_files(std::slice::from_ref(&file), &oracle, &target);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(mismatches.len(), 1, "{mismatches:?}");
    let report = mismatches[0].to_string();
    eprintln!("{report}");
    assert!(report.contains("planted.txt:4: ECHO \"a\\r\\nb\""), "{report}");
    assert!(report.contains("redis:  \"$4\\r\\na\\r\\nb\\r\\n\""), "{report}");
    assert!(report.contains("target: \"-ERR unknown command 'ECHO'"), "{report}");
}
