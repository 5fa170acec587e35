//! `ferrodis-server --check-aof [--fix]`: for every file the manifest
//! loads (base, then incr files), its size, how much of it is complete
//! commands, and how it ends (see `reader`). `--fix` cuts a torn tail (or
//! an unfinished `MULTI`) of the LAST file only, as loading with
//! `aof-load-truncated yes` would; garbage in the middle, or damage in a
//! file that is not the last, is reported and never cut (that would drop
//! the commands after it).

use ferrodis_engine::aof::Manifest;
use ferrodis_engine::limits::PROTO_MAX_BULK_LEN_DEFAULT;

use crate::load::read_manifest;
use crate::reader::{scan_file, Tail};
use crate::Storage;

/// How a file ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    Ok,
    /// The last command is cut short (`zero_filled`: the file ends in
    /// zero bytes).
    Torn {
        zero_filled: bool,
    },
    /// A `MULTI` without `EXEC` at the end.
    OpenMulti,
    /// Not the protocol at byte `at`.
    Garbage {
        at: u64,
        why: String,
    },
    /// An RDB-format base (`aof-use-rdb-preamble yes`), not read here.
    Rdb,
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCheck {
    pub name: String,
    pub size_bytes: u64,
    /// Where the last complete (and closed) command ends.
    pub valid_bytes: u64,
    pub commands: u64,
    pub state: FileState,
    /// Cut to `valid_bytes` by `--fix`.
    pub fixed: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    pub files: Vec<FileCheck>,
    /// What redis-check-aof would print, line by line.
    pub log: Vec<String>,
    /// Why no file could be checked (no manifest, a bad one, I/O).
    pub error: Option<String>,
}

impl CheckReport {
    /// Every file loads as it is (after any fix).
    pub fn is_ok(&self) -> bool {
        self.error.is_none() && self.files.iter().all(|f| f.state == FileState::Ok || f.fixed)
    }
}

/// Checks the AOF directory in `storage` whose files are named after
/// `prefix` (`appendfilename`); with `fix`, cuts a torn tail of the last
/// file.
pub fn check_aof(storage: &mut impl Storage, prefix: &str, fix: bool) -> CheckReport {
    let mut report = CheckReport::default();
    let manifest = match read_manifest(storage, prefix) {
        Ok(Some(m)) => m,
        Ok(None) => {
            report.error = Some(format!("Cannot open the AOF manifest {}", Manifest::file_name(prefix)));
            return report;
        }
        Err(e) => {
            report.error = Some(format!("Invalid AOF manifest {}: {e}", Manifest::file_name(prefix)));
            return report;
        }
    };
    let files: Vec<String> = manifest.load_order().map(|f| f.name.clone()).collect();
    report.log.push(format!("Start checking Multi Part AOF ({} files)", files.len()));
    for (i, name) in files.iter().enumerate() {
        let last_file = i + 1 == files.len();
        match check_file(storage, name, last_file && fix) {
            Ok(check) => {
                report.log.push(describe(&check));
                report.files.push(check);
            }
            Err(e) => {
                report.error = Some(format!("Error reading {name}: {e}"));
                return report;
            }
        }
    }
    let damaged_before_last = report.files.iter().rev().skip(1).any(|f| f.state != FileState::Ok);
    if damaged_before_last {
        report.log.push("A file that is not the last one is damaged: it can't be fixed by truncation".to_string());
    }
    report.log.push(if report.is_ok() {
        "All AOF files are valid".to_string()
    } else {
        "AOF is not valid".to_string()
    });
    report
}

fn check_file(storage: &mut impl Storage, name: &str, fix: bool) -> std::io::Result<FileCheck> {
    let Some(size_bytes) = storage.len(name)? else {
        return Ok(FileCheck {
            name: name.to_string(),
            size_bytes: 0,
            valid_bytes: 0,
            commands: 0,
            state: FileState::Missing,
            fixed: false,
        });
    };
    let mut sig = [0u8; 5];
    if size_bytes >= 5 && storage.read_at(name, 0, &mut sig)? == 5 && &sig == b"REDIS" {
        return Ok(FileCheck {
            name: name.to_string(),
            size_bytes,
            valid_bytes: 0,
            commands: 0,
            state: FileState::Rdb,
            fixed: false,
        });
    }
    let scan = scan_file::<_, std::io::Error>(storage, name, size_bytes, PROTO_MAX_BULK_LEN_DEFAULT, |_, _| Ok(()))?;
    let state = match scan.tail {
        Tail::Clean => FileState::Ok,
        Tail::Torn { zero_filled } => FileState::Torn { zero_filled },
        Tail::OpenMulti => FileState::OpenMulti,
        Tail::Garbage { at, why } => FileState::Garbage { at, why },
    };
    let fixable = matches!(state, FileState::Torn { .. } | FileState::OpenMulti);
    let mut fixed = false;
    if fix && fixable {
        storage.truncate(name, scan.valid_bytes)?;
        storage.fsync(name)?;
        fixed = true;
    }
    Ok(FileCheck {
        name: name.to_string(),
        size_bytes,
        valid_bytes: scan.valid_bytes,
        commands: scan.commands,
        state,
        fixed,
    })
}

/// redis-check-aof's summary line for a file.
fn describe(c: &FileCheck) -> String {
    let what = match &c.state {
        FileState::Ok => "ok".to_string(),
        FileState::Torn { zero_filled: false } => "truncated (the last command is incomplete)".to_string(),
        FileState::Torn { zero_filled: true } => "truncated (ends in zero bytes)".to_string(),
        FileState::OpenMulti => "ends inside a MULTI without EXEC".to_string(),
        FileState::Garbage { at, why } => format!("bad format at offset {at} ({why})"),
        FileState::Rdb => "RDB format, not checked".to_string(),
        FileState::Missing => "missing".to_string(),
    };
    let fixed = if c.fixed { format!("; Successfully truncated AOF {}", c.name) } else { String::new() };
    format!(
        "AOF analyzed: filename={}, size={}, ok_up_to={}, diff={}: {what}{fixed}",
        c.name,
        c.size_bytes,
        c.valid_bytes,
        c.size_bytes - c.valid_bytes
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemStorage;

    const MANIFEST: &str = "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n";
    const SET: &[u8] = b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";

    fn storage(base: &[u8], incr: &[u8]) -> MemStorage {
        MemStorage::with_files([
            ("appendonly.aof.manifest", MANIFEST.as_bytes().to_vec()),
            ("appendonly.aof.1.base.aof", base.to_vec()),
            ("appendonly.aof.1.incr.aof", incr.to_vec()),
        ])
    }

    fn cat(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    #[test]
    fn clean_files_are_valid() {
        let mut s = storage(SET, &cat(&[SET, SET]));
        let r = check_aof(&mut s, "appendonly.aof", true);
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(r.files.len(), 2);
        assert_eq!((r.files[1].size_bytes, r.files[1].valid_bytes, r.files[1].commands), (54, 54, 2));
        assert!(s.calls.iter().all(|(c, _)| *c != crate::StorageCall::Truncate), "nothing to fix");
    }

    #[test]
    fn a_torn_last_file_is_reported_then_fixed() {
        let torn = cat(&[SET, &SET[..10]]);
        let mut s = storage(SET, &torn);
        let r = check_aof(&mut s, "appendonly.aof", false);
        assert!(!r.is_ok());
        assert_eq!(r.files[1].state, FileState::Torn { zero_filled: false });
        assert_eq!(r.files[1].valid_bytes, SET.len() as u64);
        assert_eq!(s.file("appendonly.aof.1.incr.aof"), Some(&torn[..]), "no fix without --fix");
        let r = check_aof(&mut s, "appendonly.aof", true);
        assert!(r.is_ok() && r.files[1].fixed, "{r:?}");
        assert_eq!(s.file("appendonly.aof.1.incr.aof"), Some(SET));
        assert!(check_aof(&mut s, "appendonly.aof", false).is_ok());
    }

    #[test]
    fn zero_tail_and_open_multi_are_fixable() {
        let multi = b"*1\r\n$5\r\nMULTI\r\n";
        for (incr, valid) in [
            (cat(&[SET, &[0u8; 4096]]), SET.len()),
            (cat(&[SET, multi, SET]), SET.len()),
            (cat(&[SET, multi, &SET[..7], &[0u8; 10]]), SET.len()),
        ] {
            let mut s = storage(b"", &incr);
            let r = check_aof(&mut s, "appendonly.aof", true);
            assert!(r.is_ok(), "{r:?}");
            assert_eq!(s.file("appendonly.aof.1.incr.aof").map(<[u8]>::len), Some(valid));
        }
    }

    #[test]
    fn garbage_and_damage_before_the_last_file_are_never_cut() {
        let garbage = cat(&[SET, b"xx\r\n", SET]);
        let mut s = storage(SET, &garbage);
        let r = check_aof(&mut s, "appendonly.aof", true);
        assert!(!r.is_ok());
        assert!(matches!(r.files[1].state, FileState::Garbage { at: 27, .. }), "{r:?}");
        assert!(!r.files[1].fixed);
        assert_eq!(s.file("appendonly.aof.1.incr.aof"), Some(&garbage[..]));

        let torn_base = cat(&[SET, &SET[..5]]);
        let mut s = storage(&torn_base, SET);
        let r = check_aof(&mut s, "appendonly.aof", true);
        assert!(!r.is_ok(), "{r:?}");
        assert_eq!(r.files[0].state, FileState::Torn { zero_filled: false });
        assert!(!r.files[0].fixed);
        assert_eq!(s.file("appendonly.aof.1.base.aof"), Some(&torn_base[..]));
    }

    #[test]
    fn missing_manifest_or_file_is_an_error() {
        let mut s = MemStorage::new();
        assert!(check_aof(&mut s, "appendonly.aof", false).error.is_some());
        let mut s = storage(b"", b"");
        s.files.remove("appendonly.aof.1.base.aof");
        let r = check_aof(&mut s, "appendonly.aof", false);
        assert_eq!(r.files[0].state, FileState::Missing);
        assert!(!r.is_ok());
    }
}
