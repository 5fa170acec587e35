//! [`MemStorage`]: the AOF directory in memory, for tests. Every call that
//! changes something (or makes it durable) is recorded in order, so a test
//! can check that a file was fsynced before the manifest naming it, and any
//! call can be made to fail once. It models no crash: what was written is
//! simply there (the simulator's disk models losing unsynced bytes).

use std::collections::BTreeMap;
use std::io;

use crate::Storage;

/// The kinds of [`Storage`] calls, for the call log and failure injection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageCall {
    EnsureDir,
    List,
    Len,
    ReadAt,
    Create,
    Append,
    Fsync,
    Truncate,
    Rename,
    Remove,
    FsyncDir,
    LegacyExists,
    AdoptLegacy,
}

/// An injected failure: the next call of `call` (on `name`, if given)
/// fails with `message`.
#[derive(Debug, Clone)]
struct Failure {
    call: StorageCall,
    name: Option<String>,
    message: String,
}

#[derive(Debug, Default, Clone)]
pub struct MemStorage {
    pub dir_exists: bool,
    pub files: BTreeMap<String, Vec<u8>>,
    /// Files in the data directory (the AOF directory's parent).
    pub parent_files: BTreeMap<String, Vec<u8>>,
    /// Calls other than reads, in order, with the name(s) they were given
    /// (`from -> to` for a rename).
    pub calls: Vec<(StorageCall, String)>,
    failures: Vec<Failure>,
}

impl MemStorage {
    /// No directory yet.
    pub fn new() -> MemStorage {
        MemStorage::default()
    }

    /// A directory holding these files.
    pub fn with_files<N: Into<String>, B: Into<Vec<u8>>>(files: impl IntoIterator<Item = (N, B)>) -> MemStorage {
        MemStorage {
            dir_exists: true,
            files: files.into_iter().map(|(n, b)| (n.into(), b.into())).collect(),
            ..MemStorage::default()
        }
    }

    /// The next `call` (on `name`, if given) fails once.
    pub fn fail_next(&mut self, call: StorageCall, name: Option<&str>) {
        self.failures.push(Failure {
            call,
            name: name.map(str::to_string),
            message: format!("injected {call:?} failure"),
        });
    }

    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files.get(name).map(Vec::as_slice)
    }

    /// Records the call, then fails it if a failure was injected for it.
    fn enter(&mut self, call: StorageCall, name: &str) -> io::Result<()> {
        if !matches!(call, StorageCall::List | StorageCall::Len | StorageCall::ReadAt | StorageCall::LegacyExists) {
            self.calls.push((call, name.to_string()));
        }
        let hit = self.failures.iter().position(|f| {
            let name_matches = match f.name.as_deref() {
                None => true,
                Some(n) => n == name || name.starts_with(&format!("{n} ->")),
            };
            f.call == call && name_matches
        });
        if let Some(i) = hit {
            let f = self.failures.remove(i);
            return Err(io::Error::other(f.message));
        }
        let outside_dir = matches!(call, StorageCall::EnsureDir | StorageCall::Len | StorageCall::LegacyExists);
        if !outside_dir && !self.dir_exists {
            return Err(io::Error::new(io::ErrorKind::NotFound, "no such directory"));
        }
        Ok(())
    }

    fn existing(&mut self, name: &str) -> io::Result<&mut Vec<u8>> {
        self.files.get_mut(name).ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("no such file {name}")))
    }
}

impl Storage for MemStorage {
    fn ensure_dir(&mut self) -> io::Result<()> {
        self.enter(StorageCall::EnsureDir, "")?;
        self.dir_exists = true;
        Ok(())
    }

    fn list(&mut self) -> io::Result<Vec<String>> {
        self.enter(StorageCall::List, "")?;
        Ok(self.files.keys().cloned().collect())
    }

    fn len(&mut self, name: &str) -> io::Result<Option<u64>> {
        self.enter(StorageCall::Len, name)?;
        Ok(self.files.get(name).map(|f| f.len() as u64))
    }

    fn read_at(&mut self, name: &str, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        self.enter(StorageCall::ReadAt, name)?;
        let file = self.existing(name)?;
        let start = usize::try_from(offset).unwrap_or(usize::MAX).min(file.len());
        let n = buf.len().min(file.len() - start);
        buf[..n].copy_from_slice(&file[start..start + n]);
        Ok(n)
    }

    fn create(&mut self, name: &str) -> io::Result<()> {
        self.enter(StorageCall::Create, name)?;
        self.files.insert(name.to_string(), Vec::new());
        Ok(())
    }

    fn append(&mut self, name: &str, bytes: &[u8]) -> io::Result<()> {
        self.enter(StorageCall::Append, name)?;
        self.existing(name)?.extend_from_slice(bytes);
        Ok(())
    }

    fn fsync(&mut self, name: &str) -> io::Result<()> {
        self.enter(StorageCall::Fsync, name)?;
        self.existing(name).map(|_| ())
    }

    fn truncate(&mut self, name: &str, len: u64) -> io::Result<()> {
        self.enter(StorageCall::Truncate, name)?;
        let file = self.existing(name)?;
        let len = usize::try_from(len).map_err(|_| io::Error::other("length too large"))?;
        file.resize(len, 0);
        Ok(())
    }

    fn rename(&mut self, from: &str, to: &str) -> io::Result<()> {
        self.enter(StorageCall::Rename, &format!("{from} -> {to}"))?;
        let content = self
            .files
            .remove(from)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("no such file {from}")))?;
        self.files.insert(to.to_string(), content);
        Ok(())
    }

    fn remove(&mut self, name: &str) -> io::Result<()> {
        self.enter(StorageCall::Remove, name)?;
        self.files.remove(name);
        Ok(())
    }

    fn fsync_dir(&mut self) -> io::Result<()> {
        self.enter(StorageCall::FsyncDir, "")
    }

    fn legacy_exists(&mut self, name: &str) -> io::Result<bool> {
        self.enter(StorageCall::LegacyExists, name)?;
        Ok(self.parent_files.contains_key(name))
    }

    fn adopt_legacy(&mut self, name: &str) -> io::Result<()> {
        self.enter(StorageCall::AdoptLegacy, name)?;
        let content = self
            .parent_files
            .remove(name)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("no such file {name}")))?;
        self.files.insert(name.to_string(), content);
        Ok(())
    }
}
