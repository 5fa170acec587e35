//! Storage faults: a simulated disk implementing
//! [`ferrodis_persistence::Storage`] for the AOF directory, modelled on
//! turmoil's simulated file system and FoundationDB's
//! `AsyncFileNonDurable`. Each file is an inode with the bytes the
//! process sees and the length of its durable prefix; the directory has
//! the entries the process sees, the entries as of the last `fsync_dir`,
//! and the log of entry changes (create, rename, remove) since then.
//!
//! This source may inject exactly:
//! - **power loss**: before a mutating call (create, append, fsync,
//!   truncate, rename, remove, fsync_dir) the disk may die: that call and
//!   every later one fail and change nothing, until the world applies the
//!   crash ([`SimDisk::crash`]). A crash keeps, of each file, its durable
//!   bytes plus a random prefix of the bytes appended since its last
//!   fsync (cut anywhere, mid-command included), sometimes with the end of
//!   that kept tail zero-filled (the size grew, the data never landed); a
//!   file truncated or recreated since its last fsync comes back either as
//!   it was durably or as its new content cut the same way. Directory
//!   changes since the last `fsync_dir` survive as a random prefix of
//!   their log, in order: a rename is atomic (the name points at the old
//!   inode or the new one, never at nothing when it replaced a file), a
//!   create or rename not covered by a directory fsync may be lost, and a
//!   file that no surviving entry names is gone;
//! - **failed fsync**: `fsync` reports an I/O error and makes nothing
//!   durable (the pages stay pending: a crash may still keep them);
//! - **failed append**: `append` writes a random prefix of its bytes
//!   (possibly none) and reports "no space left on device".
//!
//! Faults are injected only while the disk is armed ([`SimDisk::arm`]):
//! the world disarms it while an engine loads (startup is not a step the
//! simulator crashes in). Reads never fail.

use std::collections::BTreeMap;
use std::io;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use ferrodis_persistence::Storage;

/// How hard a seed's disk fails (swarm-drawn; zero: never).
#[derive(Clone, Debug, Default)]
pub struct DiskOptions {
    /// Chance, per mutating call, that the power goes before it, per 10,000.
    pub power_loss_per_10k: u32,
    /// Chance that an fsync (an append) fails, per 10,000.
    pub fail_fsync_per_10k: u32,
    pub fail_append_per_10k: u32,
    /// Percent of crashed files whose kept tail ends in zeros.
    pub zero_tail_pct: u32,
}

/// What the disk injected (summed into the run's fault counts).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DiskCounts {
    pub crashes: u64,
    /// Files that lost some (not all) of their pending bytes in a crash.
    pub torn_tails: u64,
    pub zeroed_tails: u64,
    /// Directory changes a crash undid.
    pub lost_dir_ops: u64,
    pub failed_fsyncs: u64,
    pub failed_appends: u64,
}

#[derive(Clone, Debug, Default)]
struct Inode {
    data: Vec<u8>,
    /// `data[..durable]` survives any crash.
    durable: usize,
    /// The durable content when the file was cut (truncate, recreate)
    /// since its last fsync: a crash may bring it back whole.
    before_cut: Option<Vec<u8>>,
}

#[derive(Clone, Debug)]
enum DirOp {
    Link(String, u64),
    Rename(String, String),
    Unlink(String),
}

fn apply_dir_op(entries: &mut BTreeMap<String, u64>, op: &DirOp) {
    match op {
        DirOp::Link(name, ino) => {
            entries.insert(name.clone(), *ino);
        }
        DirOp::Rename(from, to) => {
            if let Some(ino) = entries.remove(from) {
                entries.insert(to.clone(), ino);
            }
        }
        DirOp::Unlink(name) => {
            entries.remove(name);
        }
    }
}

pub struct SimDisk {
    inodes: BTreeMap<u64, Inode>,
    next_ino: u64,
    entries: BTreeMap<String, u64>,
    durable_entries: BTreeMap<String, u64>,
    dir_log: Vec<DirOp>,
    dir_exists: bool,
    rng: ChaCha8Rng,
    pub opts: DiskOptions,
    armed: bool,
    dead: bool,
    /// An fsync or append failed since the last [`SimDisk::take_failed`].
    failed: bool,
    pub counts: DiskCounts,
}

fn power_loss() -> io::Error {
    io::Error::other("simulated power loss")
}

fn not_found(name: &str) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, format!("{name}: No such file or directory"))
}

impl SimDisk {
    pub fn new(opts: DiskOptions, rng: ChaCha8Rng) -> SimDisk {
        SimDisk {
            inodes: BTreeMap::new(),
            next_ino: 1,
            entries: BTreeMap::new(),
            durable_entries: BTreeMap::new(),
            dir_log: Vec::new(),
            dir_exists: false,
            rng,
            opts,
            armed: false,
            dead: false,
            failed: false,
            counts: DiskCounts::default(),
        }
    }

    /// Faults on (`true`) or off.
    pub fn arm(&mut self, on: bool) {
        self.armed = on;
    }

    /// The power is gone: the world must [`SimDisk::crash`] now.
    pub fn is_dead(&self) -> bool {
        self.dead
    }

    /// Whether an fsync or append failed since the last call.
    pub fn take_failed(&mut self) -> bool {
        std::mem::take(&mut self.failed)
    }

    /// The file's current content (tests, failure reports).
    pub fn content(&self, name: &str) -> Option<&[u8]> {
        self.entries.get(name).map(|ino| self.inodes[ino].data.as_slice())
    }

    /// Whether `name`'s content and entry are both durable.
    pub fn is_durable(&self, name: &str) -> bool {
        let Some(ino) = self.entries.get(name) else { return false };
        let i = &self.inodes[ino];
        self.durable_entries.get(name) == Some(ino) && i.durable == i.data.len() && i.before_cut.is_none()
    }

    /// Entry point of every mutating call: may lose the power first.
    fn mutate(&mut self) -> io::Result<()> {
        if !self.dead && self.draw(self.opts.power_loss_per_10k) {
            self.dead = true;
        }
        if self.dead {
            return Err(power_loss());
        }
        Ok(())
    }

    fn draw(&mut self, per_10k: u32) -> bool {
        self.armed && per_10k > 0 && self.rng.gen_range(0..10_000) < per_10k
    }

    fn inode_mut(&mut self, name: &str) -> io::Result<&mut Inode> {
        let ino = *self.entries.get(name).ok_or_else(|| not_found(name))?;
        Ok(self.inodes.get_mut(&ino).expect("entries name live inodes"))
    }

    /// The power comes back: what the crash left is on disk (see the
    /// module doc), and it is all durable now.
    pub fn crash(&mut self) {
        self.counts.crashes += 1;
        self.dead = false;
        self.failed = false;
        let keep = self.rng.gen_range(0..=self.dir_log.len());
        self.counts.lost_dir_ops += (self.dir_log.len() - keep) as u64;
        let mut entries = std::mem::take(&mut self.durable_entries);
        for op in &self.dir_log[..keep] {
            apply_dir_op(&mut entries, op);
        }
        self.dir_log.clear();
        let live: std::collections::BTreeSet<u64> = entries.values().copied().collect();
        self.inodes.retain(|ino, _| live.contains(ino));
        for inode in self.inodes.values_mut() {
            if let Some(old) = inode.before_cut.take() {
                if self.rng.gen_bool(0.5) {
                    inode.data = old;
                    inode.durable = inode.data.len();
                    continue;
                }
            }
            let pending = inode.data.len() - inode.durable;
            let kept = self.rng.gen_range(0..=pending);
            if kept < pending && kept > 0 {
                self.counts.torn_tails += 1;
            }
            let end = inode.durable + kept;
            inode.data.truncate(end);
            if kept > 0 && self.rng.gen_range(0..100) < self.opts.zero_tail_pct {
                let zeros = self.rng.gen_range(1..=kept);
                inode.data[end - zeros..].fill(0);
                self.counts.zeroed_tails += 1;
            }
            inode.durable = end;
        }
        self.entries = entries.clone();
        self.durable_entries = entries;
    }
}

impl Storage for SimDisk {
    fn ensure_dir(&mut self) -> io::Result<()> {
        if !self.dir_exists {
            self.mutate()?;
            self.dir_exists = true;
        }
        Ok(())
    }

    fn list(&mut self) -> io::Result<Vec<String>> {
        if self.dead {
            return Err(power_loss());
        }
        Ok(self.entries.keys().cloned().collect())
    }

    fn len(&mut self, name: &str) -> io::Result<Option<u64>> {
        if self.dead {
            return Err(power_loss());
        }
        Ok(self.entries.get(name).map(|ino| self.inodes[ino].data.len() as u64))
    }

    fn read_at(&mut self, name: &str, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        if self.dead {
            return Err(power_loss());
        }
        let ino = self.entries.get(name).ok_or_else(|| not_found(name))?;
        let data = &self.inodes[ino].data;
        let start = (offset as usize).min(data.len());
        let n = buf.len().min(data.len() - start);
        buf[..n].copy_from_slice(&data[start..start + n]);
        Ok(n)
    }

    fn create(&mut self, name: &str) -> io::Result<()> {
        self.mutate()?;
        if !self.dir_exists {
            return Err(not_found(name));
        }
        if self.entries.contains_key(name) {
            return self.truncate(name, 0);
        }
        let ino = self.next_ino;
        self.next_ino += 1;
        self.inodes.insert(ino, Inode::default());
        self.entries.insert(name.to_string(), ino);
        self.dir_log.push(DirOp::Link(name.to_string(), ino));
        Ok(())
    }

    fn append(&mut self, name: &str, bytes: &[u8]) -> io::Result<()> {
        self.mutate()?;
        let fail = self.draw(self.opts.fail_append_per_10k);
        let written = if fail { self.rng.gen_range(0..=bytes.len()) } else { bytes.len() };
        self.inode_mut(name)?.data.extend_from_slice(&bytes[..written]);
        if fail {
            self.counts.failed_appends += 1;
            self.failed = true;
            return Err(io::Error::other("No space left on device"));
        }
        Ok(())
    }

    fn fsync(&mut self, name: &str) -> io::Result<()> {
        self.mutate()?;
        if self.draw(self.opts.fail_fsync_per_10k) {
            self.counts.failed_fsyncs += 1;
            self.failed = true;
            return Err(io::Error::other("Input/output error"));
        }
        let inode = self.inode_mut(name)?;
        inode.durable = inode.data.len();
        inode.before_cut = None;
        Ok(())
    }

    fn truncate(&mut self, name: &str, len: u64) -> io::Result<()> {
        self.mutate()?;
        let inode = self.inode_mut(name)?;
        let len = (len as usize).min(inode.data.len());
        if len < inode.durable && inode.before_cut.is_none() {
            inode.before_cut = Some(inode.data[..inode.durable].to_vec());
        }
        inode.data.truncate(len);
        inode.durable = inode.durable.min(len);
        Ok(())
    }

    fn rename(&mut self, from: &str, to: &str) -> io::Result<()> {
        self.mutate()?;
        let ino = self.entries.remove(from).ok_or_else(|| not_found(from))?;
        self.entries.insert(to.to_string(), ino);
        self.dir_log.push(DirOp::Rename(from.to_string(), to.to_string()));
        Ok(())
    }

    fn remove(&mut self, name: &str) -> io::Result<()> {
        self.mutate()?;
        if self.entries.remove(name).is_some() {
            self.dir_log.push(DirOp::Unlink(name.to_string()));
        }
        Ok(())
    }

    fn fsync_dir(&mut self) -> io::Result<()> {
        self.mutate()?;
        self.durable_entries = self.entries.clone();
        self.dir_log.clear();
        Ok(())
    }

    /// The simulated data directory holds only the AOF directory: no run
    /// starts from a Redis 6 single-file AOF (the upgrade is tested on
    /// `MemStorage` and real files).
    fn legacy_exists(&mut self, _name: &str) -> io::Result<bool> {
        Ok(false)
    }

    fn adopt_legacy(&mut self, name: &str) -> io::Result<()> {
        Err(io::Error::new(io::ErrorKind::NotFound, format!("no legacy file {name} in the simulated data directory")))
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    fn disk(seed: u64) -> SimDisk {
        let mut d =
            SimDisk::new(DiskOptions { zero_tail_pct: 30, ..DiskOptions::default() }, ChaCha8Rng::seed_from_u64(seed));
        d.ensure_dir().unwrap();
        d
    }

    #[test]
    fn fsynced_bytes_and_entries_survive_every_crash() {
        for seed in 0..200 {
            let mut d = disk(seed);
            d.create("a").unwrap();
            d.append("a", b"durable").unwrap();
            d.fsync("a").unwrap();
            d.fsync_dir().unwrap();
            d.append("a", b"pending").unwrap();
            d.create("b").unwrap();
            d.crash();
            let a = d.content("a").unwrap().to_vec();
            assert!(a.starts_with(b"durable") && a.len() <= 14, "seed {seed}: {a:?}");
            let tail = &a[7..];
            // The kept tail is a prefix of what was appended, maybe ending in zeros.
            let real = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
            assert!(b"pending".starts_with(&tail[..real]) && tail[real..].iter().all(|&b| b == 0), "seed {seed}");
            assert!(d.is_durable("a"));
        }
    }

    #[test]
    fn a_rename_without_a_directory_fsync_may_be_lost_but_never_loses_both_names() {
        let (mut lost, mut kept) = (0, 0);
        for seed in 0..100 {
            let mut d = disk(seed);
            for (name, body) in [("m", b"old".as_slice()), ("tmp", b"new")] {
                d.create(name).unwrap();
                d.append(name, body).unwrap();
                d.fsync(name).unwrap();
            }
            d.fsync_dir().unwrap();
            d.rename("tmp", "m").unwrap();
            d.crash();
            match d.content("m").unwrap() {
                b"old" => {
                    lost += 1;
                    assert_eq!(d.content("tmp"), Some(&b"new"[..]));
                }
                b"new" => {
                    kept += 1;
                    assert_eq!(d.content("tmp"), None);
                }
                other => panic!("seed {seed}: {other:?}"),
            }
        }
        assert!(lost > 0 && kept > 0);
    }

    #[test]
    fn power_loss_fails_every_later_call_until_the_crash() {
        let mut d = SimDisk::new(
            DiskOptions { power_loss_per_10k: 10_000, ..DiskOptions::default() },
            ChaCha8Rng::seed_from_u64(1),
        );
        d.arm(true);
        assert!(d.ensure_dir().is_err() && d.is_dead());
        assert!(d.list().is_err());
        d.arm(false);
        d.crash();
        d.ensure_dir().unwrap();
        d.create("x").unwrap();
        d.arm(true);
        assert!(d.append("x", b"1").is_err());
        d.crash();
        assert!(d.content("x").is_none_or(|c| c.is_empty()), "nothing in x was made durable");
    }

    #[test]
    fn a_cut_file_comes_back_whole_or_cut() {
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..50 {
            let mut d = disk(seed);
            d.create("f").unwrap();
            d.append("f", b"abcdef").unwrap();
            d.fsync("f").unwrap();
            d.fsync_dir().unwrap();
            d.truncate("f", 2).unwrap();
            d.append("f", b"XY").unwrap();
            d.crash();
            let c = d.content("f").unwrap().to_vec();
            assert!(c == b"abcdef" || (c.starts_with(b"ab") && c.len() <= 4), "{c:?}");
            seen.insert(c.len() == 6);
        }
        assert_eq!(seen.len(), 2);
    }
}
