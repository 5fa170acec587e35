//! Carries out the engine's synchronous storage ops on a [`Storage`] (see
//! the driver's contract in `ferrodis_engine::aof::storage`), and writes
//! the manifest durably. The drivers add what only they can do: an fsync
//! on a background thread, the fork.

use std::io;

use ferrodis_engine::aof::{Manifest, StorageEvent, StorageOp};
use ferrodis_engine::planted::{Plant, PlantedBug};

use crate::Storage;

/// Performs one synchronous op on `storage` and returns the event to feed
/// back (Append -> Appended/AppendFailed; Fsync -> Synced/SyncFailed;
/// SwitchIncr -> IncrSwitched; InstallRewrite -> RewriteInstalled;
/// Remove -> None). `Fork` is the driver's own: panics here.
pub fn perform(storage: &mut impl Storage, op: StorageOp) -> Option<StorageEvent> {
    perform_planted(storage, op, Plant::default())
}

/// [`perform`] with a planted bug (the simulator's tests; `Plant` is
/// always empty without the engine's `planted-bugs` feature).
pub fn perform_planted(storage: &mut impl Storage, op: StorageOp, plant: Plant) -> Option<StorageEvent> {
    match op {
        StorageOp::Append { file, bytes, end } => Some(match storage.append(&file, &bytes) {
            Ok(()) => StorageEvent::Appended { end },
            Err(e) => StorageEvent::AppendFailed { error: e.to_string() },
        }),
        StorageOp::Fsync { file, through } => Some(match storage.fsync(&file) {
            Ok(()) => StorageEvent::Synced { through },
            Err(e) => StorageEvent::SyncFailed { error: e.to_string() },
        }),
        StorageOp::SwitchIncr { new_incr, manifest } => {
            // A server started with `appendonly no` has no AOF directory
            // until `CONFIG SET appendonly yes` switches to its first incr.
            let switched = storage
                .ensure_dir()
                .map_err(|e| format!("can't create the AOF directory: {e}"))
                .and_then(|()| switch_incr(storage, &new_incr, manifest.as_deref()));
            Some(StorageEvent::IncrSwitched(switched))
        }
        StorageOp::InstallRewrite { temp_base, base, manifest, remove } => {
            Some(StorageEvent::RewriteInstalled(install(storage, &temp_base, &base, &manifest, &remove, plant)))
        }
        StorageOp::Remove { files } => {
            // A failed rewrite's leftovers: a file that cannot be removed
            // is named by no manifest, so it harms nothing.
            for f in files {
                let _ = storage.remove(&f);
            }
            None
        }
        StorageOp::Fork { .. } => panic!("Fork is performed by the driver, not by perform()"),
    }
}

/// The temp name a manifest is written under before its rename (Redis:
/// `temp-<appendfilename>.manifest`).
pub fn temp_manifest_name(prefix: &str) -> String {
    format!("temp-{}", Manifest::file_name(prefix))
}

/// Makes `text` the manifest durably: temp file, fsync, rename over
/// `<appendfilename>.manifest`, fsync of the directory. A crash at any
/// point leaves either the old manifest or the new one.
pub fn write_manifest(storage: &mut impl Storage, prefix: &str, text: &str) -> io::Result<()> {
    let temp = temp_manifest_name(prefix);
    let result = (|| {
        storage.create(&temp)?;
        storage.append(&temp, text.as_bytes())?;
        storage.fsync(&temp)?;
        storage.rename(&temp, &Manifest::file_name(prefix))?;
        storage.fsync_dir()
    })();
    if result.is_err() {
        let _ = storage.remove(&temp);
    }
    result
}

/// The `appendfilename` a file of the directory is named after
/// (`<prefix>.<seq>.base.aof`, `<prefix>.<seq>.incr.aof`, or a temp name
/// the engine gives a rewrite's base, `temp-<prefix>...`).
fn prefix_of(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(".base.aof").or_else(|| name.strip_suffix(".incr.aof"))?;
    let (prefix, seq) = stem.rsplit_once('.')?;
    (!seq.is_empty() && seq.bytes().all(|b| b.is_ascii_digit())).then_some(prefix)
}

fn prefix_for(name: &str) -> Result<&str, String> {
    prefix_of(name).ok_or_else(|| format!("can't tell the AOF file name prefix of {name}"))
}

/// A rewrite begins: the new incr file exists durably before the manifest
/// that names it.
fn switch_incr(storage: &mut impl Storage, new_incr: &str, manifest: Option<&str>) -> Result<(), String> {
    let step = |what: &str, e: io::Error| format!("{what} {new_incr}: {e}");
    storage.create(new_incr).map_err(|e| step("can't create the AOF incr file", e))?;
    storage.fsync(new_incr).map_err(|e| step("can't fsync the AOF incr file", e))?;
    storage.fsync_dir().map_err(|e| step("can't fsync the AOF directory after creating", e))?;
    if let Some(text) = manifest {
        let prefix = prefix_for(new_incr)?;
        write_manifest(storage, prefix, text).map_err(|e| format!("can't persist the AOF manifest: {e}"))?;
    }
    Ok(())
}

/// The rewrite's base goes into place, then the manifest naming it, then
/// the files it supersedes go.
fn install(
    storage: &mut impl Storage,
    temp_base: &str,
    base: &str,
    manifest: &str,
    remove: &[String],
    plant: Plant,
) -> Result<(), String> {
    let prefix = prefix_for(base)?;
    if plant.is(PlantedBug::AofManifestBeforeBase) {
        write_manifest(storage, prefix, manifest).map_err(|e| format!("can't persist the AOF manifest: {e}"))?;
    }
    storage
        .rename(temp_base, base)
        .map_err(|e| format!("Error trying to rename the temporary AOF base file {temp_base} into {base}: {e}"))?;
    storage.fsync_dir().map_err(|e| format!("can't fsync the AOF directory: {e}"))?;
    write_manifest(storage, prefix, manifest).map_err(|e| format!("can't persist the AOF manifest: {e}"))?;
    // Redis deletes history files in the background and only logs a
    // failure: the manifest no longer names them.
    for f in remove {
        let _ = storage.remove(f);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mem::{MemStorage, StorageCall};

    fn mem() -> MemStorage {
        MemStorage::with_files([("appendonly.aof.1.incr.aof", b"".to_vec())])
    }

    #[test]
    fn prefixes_are_read_back_from_names() {
        assert_eq!(prefix_of("appendonly.aof.12.incr.aof"), Some("appendonly.aof"));
        assert_eq!(prefix_of("my aof.3.base.aof"), Some("my aof"));
        assert_eq!(prefix_of("appendonly.aof.x.base.aof"), None);
        assert_eq!(prefix_of("appendonly.aof"), None);
    }

    #[test]
    fn append_and_fsync_report_their_offsets_or_failures() {
        let mut s = mem();
        let file = "appendonly.aof.1.incr.aof".to_string();
        let ev = perform(&mut s, StorageOp::Append { file: file.clone(), bytes: b"abc".to_vec(), end: 3 });
        assert_eq!(ev, Some(StorageEvent::Appended { end: 3 }));
        assert_eq!(s.file(&file), Some(&b"abc"[..]));
        let ev = perform(&mut s, StorageOp::Fsync { file: file.clone(), through: 3 });
        assert_eq!(ev, Some(StorageEvent::Synced { through: 3 }));
        s.fail_next(StorageCall::Append, None);
        let ev = perform(&mut s, StorageOp::Append { file: file.clone(), bytes: b"d".to_vec(), end: 4 });
        assert!(matches!(ev, Some(StorageEvent::AppendFailed { .. })), "{ev:?}");
        s.fail_next(StorageCall::Fsync, Some(&file));
        let ev = perform(&mut s, StorageOp::Fsync { file: file.clone(), through: 3 });
        assert!(matches!(ev, Some(StorageEvent::SyncFailed { .. })), "{ev:?}");
        assert_eq!(s.file(&file), Some(&b"abc"[..]), "a failed append leaves nothing");
    }

    #[test]
    fn switch_makes_the_file_durable_before_the_manifest() {
        let mut s = mem();
        let text = "file appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n";
        let ev = perform(
            &mut s,
            StorageOp::SwitchIncr { new_incr: "appendonly.aof.2.incr.aof".into(), manifest: Some(text.into()) },
        );
        assert_eq!(ev, Some(StorageEvent::IncrSwitched(Ok(()))));
        assert_eq!(s.file("appendonly.aof.manifest"), Some(text.as_bytes()));
        assert_eq!(s.file("temp-appendonly.aof.manifest"), None);
        let calls: Vec<_> = s.calls.iter().map(|(c, n)| format!("{c:?} {n}")).collect();
        assert_eq!(
            calls,
            [
                "EnsureDir ",
                "Create appendonly.aof.2.incr.aof",
                "Fsync appendonly.aof.2.incr.aof",
                "FsyncDir ",
                "Create temp-appendonly.aof.manifest",
                "Append temp-appendonly.aof.manifest",
                "Fsync temp-appendonly.aof.manifest",
                "Rename temp-appendonly.aof.manifest -> appendonly.aof.manifest",
                "FsyncDir ",
            ]
        );
    }

    #[test]
    fn a_failed_step_is_reported_and_the_old_manifest_stays() {
        let mut s = mem();
        s.files.insert("appendonly.aof.manifest".into(), b"old".to_vec());
        s.fail_next(StorageCall::Fsync, Some("temp-appendonly.aof.manifest"));
        let ev = perform(
            &mut s,
            StorageOp::SwitchIncr { new_incr: "appendonly.aof.2.incr.aof".into(), manifest: Some("new".into()) },
        );
        assert!(matches!(ev, Some(StorageEvent::IncrSwitched(Err(_)))), "{ev:?}");
        assert_eq!(s.file("appendonly.aof.manifest"), Some(&b"old"[..]));
        assert_eq!(s.file("temp-appendonly.aof.manifest"), None, "the temp file is cleaned up");
    }

    #[test]
    fn install_renames_writes_the_manifest_then_removes() {
        let mut s = mem();
        s.files.insert("temp-rewrite.aof".into(), b"*1\r\n$4\r\nPING\r\n".to_vec());
        s.files.insert("appendonly.aof.1.base.aof".into(), b"old".to_vec());
        let text = "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n";
        let ev = perform(
            &mut s,
            StorageOp::InstallRewrite {
                temp_base: "temp-rewrite.aof".into(),
                base: "appendonly.aof.2.base.aof".into(),
                manifest: text.into(),
                remove: vec!["appendonly.aof.1.base.aof".into(), "appendonly.aof.1.incr.aof".into()],
            },
        );
        assert_eq!(ev, Some(StorageEvent::RewriteInstalled(Ok(()))));
        let names: Vec<_> = s.files.keys().cloned().collect();
        assert_eq!(names, ["appendonly.aof.2.base.aof", "appendonly.aof.manifest"]);
        let rename = s.calls.iter().position(|(c, _)| *c == StorageCall::Rename).unwrap();
        let remove = s.calls.iter().position(|(c, _)| *c == StorageCall::Remove).unwrap();
        assert!(rename < remove);
        // A failed rename installs nothing.
        let ev = perform(
            &mut s,
            StorageOp::InstallRewrite {
                temp_base: "missing".into(),
                base: "appendonly.aof.3.base.aof".into(),
                manifest: "x".into(),
                remove: vec!["appendonly.aof.2.base.aof".into()],
            },
        );
        assert!(matches!(ev, Some(StorageEvent::RewriteInstalled(Err(_)))), "{ev:?}");
        assert_eq!(s.file("appendonly.aof.manifest"), Some(text.as_bytes()));
        assert!(s.file("appendonly.aof.2.base.aof").is_some());
    }

    #[test]
    fn remove_ignores_missing_files() {
        let mut s = mem();
        assert_eq!(
            perform(&mut s, StorageOp::Remove { files: vec!["nope".into(), "appendonly.aof.1.incr.aof".into()] }),
            None
        );
        assert!(s.files.is_empty());
    }
}
