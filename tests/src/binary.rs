//! Finding an up-to-date `ferrodis-server` binary from a test in this crate.
//!
//! # Why a nested `cargo build`
//!
//! `CARGO_BIN_EXE_<name>` only exists for binaries of the test's own package,
//! and `ferrodis-server` lives in `ferrodis-net`. Looking for
//! `target/<profile>/ferrodis-server` next to the test executable is not
//! enough either: `cargo test` does not rebuild another package's binary, so a
//! file found there may be stale (or missing on a fresh checkout).
//!
//! So, once per test process, we run
//! `cargo build -p ferrodis-net --bin ferrodis-server` with the same target
//! directory and profile as the running test, and take the path cargo reports
//! for the binary. When the binary is fresh that is a no-op of well under a
//! second. It does not deadlock: `cargo test` (and nextest) release the build
//! directory lock once compilation is done, before the test binaries run (this
//! is checked by this crate's own tests running at all). Concurrent test
//! processes simply take turns on that lock.
//!
//! With this, `cargo test --workspace` alone is the whole test command.
//! `FERRODIS_SERVER_BIN=/path/to/ferrodis-server` skips the build and uses
//! that binary (for testing a release build, or a build from elsewhere).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const PACKAGE: &str = "ferrodis-net";
const BIN_NAME: &str = "ferrodis-server";

/// The `ferrodis-server` binary to test, built if needed. Panics with the
/// build's output when it cannot be had: every test that calls this needs it.
pub fn server_binary() -> PathBuf {
    static BINARY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match BINARY.get_or_init(locate_or_build) {
        Ok(path) => path.clone(),
        Err(why) => panic!("cannot get the {BIN_NAME} binary: {why}"),
    }
}

fn locate_or_build() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("FERRODIS_SERVER_BIN") {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!("FERRODIS_SERVER_BIN={} is not a file", path.display()))
        };
    }
    build()
}

/// Where the running test executable was built: `(target dir, profile dir name)`.
/// The executable is `<target>/<profile>/deps/<name>-<hash>` (or
/// `<target>/<triple>/<profile>/deps/...`); cargo marks the target directory
/// root with a `CACHEDIR.TAG` file.
fn test_build_location() -> (Option<PathBuf>, Option<String>) {
    let Ok(exe) = std::env::current_exe() else { return (None, None) };
    let mut dir = exe.parent();
    if dir.and_then(Path::file_name).is_some_and(|n| n == "deps") {
        dir = dir.and_then(Path::parent);
    }
    let profile = dir.and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned());
    let target_dir = dir.and_then(|d| d.ancestors().find(|a| a.join("CACHEDIR.TAG").is_file())).map(Path::to_path_buf);
    (target_dir, profile)
}

fn build() -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
    let (target_dir, profile) = test_build_location();
    let mut command = Command::new(cargo);
    command.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "build",
        "-p",
        PACKAGE,
        "--bin",
        BIN_NAME,
        "--message-format=json-render-diagnostics",
    ]);
    // `cargo test` builds with the `test` profile into `target/debug`; asking
    // for the same profile reuses the libraries it has just compiled.
    match profile.as_deref() {
        Some("debug") | None => command.args(["--profile", "test"]),
        Some("release") => command.arg("--release"),
        Some(other) => command.args(["--profile", other]),
    };
    if let Some(dir) = &target_dir {
        command.arg("--target-dir").arg(dir);
    }
    let output = command.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("`cargo build -p {PACKAGE} --bin {BIN_NAME}` failed:\n{stderr}"));
    }
    stdout
        .lines()
        .filter(|line| line.contains("\"reason\":\"compiler-artifact\""))
        .find_map(executable_field)
        .filter(|path| path.file_name().is_some_and(|n| n == BIN_NAME))
        .ok_or_else(|| format!("cargo did not report the {BIN_NAME} executable:\n{stdout}\n{stderr}"))
}

/// Pulls `"executable":"..."` out of one line of cargo's JSON messages
/// without a JSON dependency. Paths from cargo only escape `\` and `"`.
fn executable_field(line: &str) -> Option<PathBuf> {
    let start = line.find("\"executable\":\"")? + "\"executable\":\"".len();
    let mut path = String::new();
    let mut chars = line[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(PathBuf::from(path)),
            '\\' => path.push(chars.next()?),
            c => path.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_executable_field() {
        let line = r#"{"reason":"compiler-artifact","executable":"/t/debug/ferrodis-server","fresh":true}"#;
        assert_eq!(executable_field(line), Some(PathBuf::from("/t/debug/ferrodis-server")));
        assert_eq!(executable_field(r#"{"executable":null}"#), None);
        assert_eq!(executable_field(r#"{"executable":"/a \"b\"/c"}"#), Some(PathBuf::from("/a \"b\"/c")));
    }
}
