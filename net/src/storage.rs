//! [`FsStorage`]: the persistence crate's [`Storage`] on real files, in
//! `<dir>/<appenddirname>/`.
//!
//! Append handles stay open (one `open` per file, not per write), opened
//! with `O_APPEND`. A failed write cuts the file back to its length before
//! the write when it can, so a short write does not leave half a command
//! for the next append to follow (as Redis's `flushAppendOnlyFile` does);
//! the failure is reported either way. Nothing here retries: an fsync that
//! failed once is reported failed, and the handle is dropped so that a
//! later fsync cannot succeed on a file whose dirty pages the kernel
//! already gave up on.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use ferrodis_persistence::Storage;

/// Files kept open for appending at once. The engine appends to one incr
/// file at a time; the bound only stops a stream of names from piling up
/// descriptors.
const APPEND_HANDLES_MAX: usize = 4;

struct Appender {
    file: File,
    /// The file's length as far as our writes know it.
    len_bytes: u64,
}

pub struct FsStorage {
    dir: PathBuf,
    appenders: HashMap<String, Appender>,
    /// The last file read (loading reads a file front to back in chunks).
    reader: Option<(String, File)>,
}

impl FsStorage {
    /// Storage on `<dir>/<appenddirname>`.
    pub fn new(dir: &str, appenddirname: &str) -> FsStorage {
        FsStorage { dir: Path::new(dir).join(appenddirname), appenders: HashMap::new(), reader: None }
    }

    /// The data directory (`dir`) the AOF directory lives in.
    fn data_dir(&self) -> PathBuf {
        match self.dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// The AOF directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path of `name` in the AOF directory. Names come from the engine
    /// and the manifest, which are plain file names: a separator would
    /// reach outside the directory.
    pub fn path(&self, name: &str) -> io::Result<PathBuf> {
        if name.is_empty() || name.contains('/') || name == "." || name == ".." {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("not a plain file name: {name:?}")));
        }
        Ok(self.dir.join(name))
    }

    /// A second handle on `name` for an fsync on another thread (the
    /// append handle itself stays here).
    pub fn sync_handle(&mut self, name: &str) -> io::Result<File> {
        self.appender(name)?.file.try_clone()
    }

    fn appender(&mut self, name: &str) -> io::Result<&mut Appender> {
        if !self.appenders.contains_key(name) {
            if self.appenders.len() >= APPEND_HANDLES_MAX {
                self.appenders.clear();
            }
            let file = OpenOptions::new().append(true).open(self.path(name)?)?;
            let len_bytes = file.metadata()?.len();
            self.appenders.insert(name.to_string(), Appender { file, len_bytes });
        }
        Ok(self.appenders.get_mut(name).expect("inserted above"))
    }

    /// Forgets every handle on `name` (the file was replaced or removed).
    fn forget(&mut self, name: &str) {
        self.appenders.remove(name);
        if self.reader.as_ref().is_some_and(|(n, _)| n == name) {
            self.reader = None;
        }
    }
}

impl Storage for FsStorage {
    fn ensure_dir(&mut self) -> io::Result<()> {
        if self.dir.is_dir() {
            return Ok(());
        }
        fs::create_dir_all(&self.dir)?;
        File::open(self.data_dir())?.sync_all()
    }

    fn list(&mut self) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in fs::read_dir(&self.dir)? {
            let entry = entry?;
            if let Ok(name) = entry.file_name().into_string() {
                names.push(name);
            }
        }
        names.sort();
        Ok(names)
    }

    fn len(&mut self, name: &str) -> io::Result<Option<u64>> {
        match fs::metadata(self.path(name)?) {
            Ok(m) => Ok(Some(m.len())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn read_at(&mut self, name: &str, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let open = matches!(&self.reader, Some((n, _)) if n == name);
        if !open {
            let file = File::open(self.path(name)?)?;
            self.reader = Some((name.to_string(), file));
        }
        let (_, file) = self.reader.as_ref().expect("opened above");
        file.read_at(buf, offset)
    }

    fn create(&mut self, name: &str) -> io::Result<()> {
        self.forget(name);
        OpenOptions::new().write(true).create(true).truncate(true).open(self.path(name)?)?;
        Ok(())
    }

    fn append(&mut self, name: &str, bytes: &[u8]) -> io::Result<()> {
        let a = self.appender(name)?;
        match a.file.write_all(bytes) {
            Ok(()) => {
                a.len_bytes += bytes.len() as u64;
                Ok(())
            }
            Err(e) => {
                // Take back a partial write if we can; the error stands.
                let _ = a.file.set_len(a.len_bytes);
                self.forget(name);
                Err(e)
            }
        }
    }

    fn fsync(&mut self, name: &str) -> io::Result<()> {
        let result = match self.appenders.get(name) {
            Some(a) => a.file.sync_data(),
            None => File::open(self.path(name)?)?.sync_data(),
        };
        if result.is_err() {
            self.forget(name);
        }
        result
    }

    fn truncate(&mut self, name: &str, len: u64) -> io::Result<()> {
        self.forget(name);
        OpenOptions::new().write(true).open(self.path(name)?)?.set_len(len)
    }

    fn rename(&mut self, from: &str, to: &str) -> io::Result<()> {
        let (from_path, to_path) = (self.path(from)?, self.path(to)?);
        self.forget(from);
        self.forget(to);
        fs::rename(from_path, to_path)
    }

    fn remove(&mut self, name: &str) -> io::Result<()> {
        let path = self.path(name)?;
        self.forget(name);
        match fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    fn fsync_dir(&mut self) -> io::Result<()> {
        File::open(&self.dir)?.sync_all()
    }

    fn legacy_exists(&mut self, name: &str) -> io::Result<bool> {
        self.path(name)?; // a plain name, or an error
        Ok(self.data_dir().join(name).is_file())
    }

    fn adopt_legacy(&mut self, name: &str) -> io::Result<()> {
        let to = self.path(name)?;
        fs::rename(self.data_dir().join(name), to)?;
        File::open(&self.dir)?.sync_all()?;
        File::open(self.data_dir())?.sync_all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_storage(tag: &str) -> (PathBuf, FsStorage) {
        let root = std::env::temp_dir().join(format!("ferrodis-fs-storage-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let s = FsStorage::new(root.to_str().unwrap(), "appendonlydir");
        (root, s)
    }

    #[test]
    fn files_round_trip_through_the_directory() {
        let (root, mut s) = temp_storage("roundtrip");
        s.ensure_dir().unwrap();
        assert!(root.join("appendonlydir").is_dir());
        s.create("a.aof").unwrap();
        s.append("a.aof", b"hello ").unwrap();
        s.append("a.aof", b"world").unwrap();
        s.fsync("a.aof").unwrap();
        assert_eq!(s.len("a.aof").unwrap(), Some(11));
        assert_eq!(s.len("missing").unwrap(), None);
        let mut buf = [0u8; 5];
        assert_eq!(s.read_at("a.aof", 6, &mut buf).unwrap(), 5);
        assert_eq!(&buf, b"world");
        assert_eq!(s.read_at("a.aof", 11, &mut buf).unwrap(), 0);
        s.truncate("a.aof", 5).unwrap();
        // The append handle learns the new length: appends follow it.
        s.append("a.aof", b"!").unwrap();
        assert_eq!(fs::read(root.join("appendonlydir/a.aof")).unwrap(), b"hello!");
        // Create truncates an existing file.
        s.create("a.aof").unwrap();
        assert_eq!(s.len("a.aof").unwrap(), Some(0));
        s.append("a.aof", b"x").unwrap();
        s.rename("a.aof", "b.aof").unwrap();
        s.fsync_dir().unwrap();
        assert_eq!(s.list().unwrap(), vec!["b.aof".to_string()]);
        s.remove("b.aof").unwrap();
        s.remove("b.aof").unwrap();
        assert!(s.list().unwrap().is_empty());
        assert!(s.path("../x").is_err());
        assert!(s.append("missing", b"x").is_err(), "append does not create");
        fs::remove_dir_all(root).unwrap();
    }
}
