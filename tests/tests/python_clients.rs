//! Real clients in Python: every `tests/py/test_*.py` runs, unmodified
//! redis-py code, against a fresh `ferrodis-server` (and, with
//! `FERRODIS_TEST_TARGET=redis`, against a real Redis). A script gets the
//! server's port in `FERRODIS_PORT`, asserts what it sees, and exits 0; any
//! other exit fails the test with the script's output.
//!
//! The scripts need `python3` with the `redis` package (redis-py); `.ci/run`
//! installs it. A missing package fails the test: a real-client check that
//! quietly did not run would be a check that cannot fail.

use std::path::PathBuf;
use std::process::Command;

use ferrodis_tests::Server;

fn scripts() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("py");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("test_") && name.ends_with(".py")
        })
        .collect();
    found.sort();
    found
}

#[test]
fn redis_py_scripts_pass() {
    let scripts = scripts();
    let mut failures = Vec::new();
    for script in &scripts {
        let server = Server::start_target();
        let out = Command::new("python3")
            .arg(script)
            .env("FERRODIS_PORT", server.port().to_string())
            .output()
            .expect("python3 runs");
        if !out.status.success() {
            failures.push(format!(
                "{} ({}): {}\n--- stdout\n{}\n--- stderr\n{}\n--- server log\n{}",
                script.display(),
                server.kind().name(),
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                server.log(),
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} scripts failed:\n{}", failures.len(), scripts.len(), failures.join("\n\n"));
}
