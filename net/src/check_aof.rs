//! `ferrodis-server --check-aof [--fix] DIR_OR_MANIFEST`: what
//! `redis-check-aof` does for a multi-part AOF, through
//! `ferrodis_persistence::check::check_aof` on the real files. Prints
//! every file's valid prefix (the report's lines, as redis-check-aof
//! words them); exit status 0 when every file loads as it is
//! (or was fixed), 1 otherwise.

use std::path::Path;

use crate::storage::FsStorage;

/// The manifest's name ends in this; what comes before is the prefix
/// (`appendfilename`).
const MANIFEST_SUFFIX: &str = ".manifest";
const DEFAULT_PREFIX: &str = "appendonly.aof";

/// Runs the check for the arguments after `--check-aof`; the exit status.
pub fn run(args: &[String]) -> i32 {
    let (fix, target) = match args {
        [flag, target] if flag == "--fix" => (true, target),
        [target] => (false, target),
        _ => {
            eprintln!("Usage: ferrodis-server --check-aof [--fix] <AOF directory or manifest file>");
            return 1;
        }
    };
    let (dir, prefix) = match locate(Path::new(target)) {
        Ok(found) => found,
        Err(e) => {
            println!("{e}");
            return 1;
        }
    };
    let mut storage = FsStorage::new(&dir, "");
    let report = ferrodis_persistence::check::check_aof(&mut storage, &prefix, fix);
    for line in &report.log {
        println!("{line}");
    }
    if let Some(e) = &report.error {
        println!("{e}");
    }
    if report.is_ok() {
        0
    } else {
        1
    }
}

/// The AOF directory and the files' prefix, from a directory (its one
/// `*.manifest`, or `appendonly.aof`) or a manifest's path.
fn locate(target: &Path) -> Result<(String, String), String> {
    let as_string = |p: &Path| p.to_str().map(str::to_string).ok_or_else(|| format!("not UTF-8: {}", p.display()));
    if target.is_dir() {
        let mut manifests = Vec::new();
        for entry in std::fs::read_dir(target).map_err(|e| format!("Cannot read {}: {e}", target.display()))? {
            let name = entry.map_err(|e| e.to_string())?.file_name();
            if let Some(prefix) = name.to_str().and_then(|n| n.strip_suffix(MANIFEST_SUFFIX)) {
                manifests.push(prefix.to_string());
            }
        }
        let prefix = match manifests.as_slice() {
            [one] => one.clone(),
            _ => DEFAULT_PREFIX.to_string(),
        };
        return Ok((as_string(target)?, prefix));
    }
    let name = target.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let Some(prefix) = name.strip_suffix(MANIFEST_SUFFIX) else {
        return Err(format!("{} is neither an AOF directory nor a manifest file", target.display()));
    };
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Ok((as_string(dir)?, prefix.to_string()))
}
