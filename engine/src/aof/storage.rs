//! The storage half of the engine's API: the work the engine asks of its
//! driver ([`StorageOp`], polled with `poll_storage`) and what the driver
//! reports back ([`StorageEvent`], fed with `handle_storage`). The
//! production driver performs the ops on real files (fsync on a
//! background thread for `everysec`, as Redis does); the simulator
//! performs them on its simulated disk. The engine never touches a file.
//!
//! # The driver's contract
//! - Ops are performed in the order they are polled. File names are
//!   relative to the AOF directory (`dir`/`appenddirname`).
//! - [`StorageOp::Append`]: write the bytes at the end of the file, then
//!   report [`StorageEvent::Appended`] (or `AppendFailed`). At most one
//!   append is outstanding: the next one is polled after the report.
//! - [`StorageOp::Fsync`]: make everything appended to the file durable,
//!   then report [`StorageEvent::Synced`] with the op's `through` (or
//!   `SyncFailed`). May complete later, on another thread; appends go on
//!   meanwhile (they are covered by the next fsync).
//! - [`StorageOp::SwitchIncr`] and [`StorageOp::Fork`] begin a rewrite;
//!   the engine executes nothing from the first until `Forked` is
//!   reported, so the snapshot the fork takes is the dataset at the
//!   switch: everything before it is in the snapshot, everything after in
//!   the new incr file.
//! - A failed step is reported as failed, never retried into success
//!   (an fsync that failed once says nothing about the pages it covered).

/// `appendfsync`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsyncPolicy {
    /// fsync before a write's reply is released (group commit).
    Always,
    /// fsync once a second in the background; replies go at once.
    EverySec,
    /// Never fsync; the OS flushes when it likes.
    No,
}

impl FsyncPolicy {
    pub fn name(self) -> &'static str {
        match self {
            FsyncPolicy::Always => "always",
            FsyncPolicy::EverySec => "everysec",
            FsyncPolicy::No => "no",
        }
    }

    pub fn parse(s: &str) -> Option<FsyncPolicy> {
        match s.to_ascii_lowercase().as_str() {
            "always" => Some(FsyncPolicy::Always),
            "everysec" => Some(FsyncPolicy::EverySec),
            "no" => Some(FsyncPolicy::No),
            _ => None,
        }
    }
}

/// Storage work for the driver, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageOp {
    /// Append `bytes` to `file` (created by an earlier op, or the incr
    /// file the engine was attached with). `end` is the engine's AOF
    /// offset after these bytes (offsets count every byte ever appended,
    /// across files).
    Append { file: String, bytes: Vec<u8>, end: u64 },
    /// fsync `file`: everything appended through offset `through` is then
    /// on disk.
    Fsync { file: String, through: u64 },
    /// A rewrite begins: create the empty file `new_incr` (and fsync it
    /// and the directory), then, if given, make `manifest` (its text) the
    /// manifest durably (temp file, fsync, rename, fsync of the
    /// directory). No manifest while AOF waits for its first rewrite: the
    /// files on disk are from an earlier run and the new incr file only
    /// joins a manifest with the new base. Report
    /// [`StorageEvent::IncrSwitched`].
    SwitchIncr { new_incr: String, manifest: Option<String> },
    /// Take a point-in-time view of the keyspace now (a `fork()` child in
    /// production) and write it in the background as a base file named
    /// `temp_base`, fsynced, through the rewrite visitor. Report
    /// [`StorageEvent::Forked`] at once, [`StorageEvent::RewriteDone`] when
    /// the child ends.
    Fork { temp_base: String },
    /// The rewrite child succeeded: rename `temp_base` to `base`, fsync the
    /// directory, make `manifest` the manifest durably, then delete
    /// `remove` (files the new manifest no longer names). Report
    /// [`StorageEvent::RewriteInstalled`].
    InstallRewrite { temp_base: String, base: String, manifest: String, remove: Vec<String> },
    /// Delete these files if they exist (a failed rewrite's output).
    Remove { files: Vec<String> },
}

/// What the driver reports about the ops it performed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageEvent {
    Appended {
        end: u64,
    },
    AppendFailed {
        error: String,
    },
    Synced {
        through: u64,
    },
    SyncFailed {
        error: String,
    },
    IncrSwitched(Result<(), String>),
    /// The fork happened (`fork_usec`: how long it took, for INFO
    /// `latest_fork_usec`) or failed.
    Forked(Result<u64, String>),
    /// The rewrite child ended: the base file's size, or why it failed.
    RewriteDone(Result<u64, String>),
    RewriteInstalled(Result<(), String>),
}
