//! CONFIG REWRITE's file I/O: read the config file, write the engine's new
//! text for it in its place (a temp file beside it, fsync, rename, as
//! Redis 7.0's rewriteConfigOverwriteFile), keeping the file's mode.
//! The text itself is the engine's (`ferrodis_engine::config_rewrite`).

use std::io::Write;

/// Rewrites the file at `path` with `new_text(old_text)` (old text empty if
/// the file is gone). `Err` carries the `strerror` text Redis puts after
/// `Rewriting config file: `.
pub fn rewrite(path: &str, new_text: impl FnOnce(&str) -> String) -> Result<(), String> {
    let old = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(reason(&e)),
    };
    let text = new_text(&old);
    let tmp = format!("{path}.tmp-{}", std::process::id());
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        if let Ok(meta) = std::fs::metadata(path) {
            f.set_permissions(meta.permissions())?;
        }
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        reason(&e)
    })
}

/// `strerror`-style text of an I/O error (without Rust's " (os error N)").
fn reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rewrites_in_place_and_reports_errors() {
        let dir = std::env::temp_dir().join(format!("ferrodis-cfgrw-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.conf");
        std::fs::write(&path, "hz 10\n").unwrap();
        let p = path.to_str().unwrap();
        super::rewrite(p, |old| format!("{old}# more\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "hz 10\n# more\n");
        let bad = dir.join("nodir/b.conf");
        let err = super::rewrite(bad.to_str().unwrap(), |_| "x".into()).unwrap_err();
        assert_eq!(err, "No such file or directory");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
