//! The sans-IO rule, enforced: no source file under `engine/src` or
//! `persistence/src` may name sockets, files, clocks, threads or OS
//! randomness (see `ferrodis_tests::sans_io::FORBIDDEN`). Comments may say
//! why; code may not do it.

use std::path::Path;

use ferrodis_tests::sans_io::scan_dirs;

#[test]
fn engine_and_persistence_do_no_io() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dirs = [root.join("engine").join("src"), root.join("persistence").join("src")];
    let (violations, files_scanned) = scan_dirs(&dirs).unwrap_or_else(|why| panic!("{why}"));
    assert!(files_scanned > 0, "no source files found under {dirs:?}");
    let report: Vec<String> =
        violations.iter().map(|v| format!("{}:{}: names `{}`", v.file.display(), v.line, v.name)).collect();
    assert!(
        report.is_empty(),
        "I/O in an I/O-free crate (time, randomness and bytes must come in through the API):\n{}",
        report.join("\n")
    );
}
