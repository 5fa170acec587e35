//! ferrodis-persistence: the AOF format, the multi-part directory, the
//! loader, the rewrite visitor and `--check-aof`, reaching files only
//! through the [`Storage`] trait. The production driver implements it on
//! real files (`net`), the simulator on its simulated disk (`sim`), the
//! tests here in memory.
//!
//! Like `engine`, this crate may not touch sockets, clocks, threads or OS
//! randomness (`tests/sans_io.rs` checks it).
//!
//! # Layout
//! - [`Storage`]: the file operations the AOF needs, on names relative to
//!   the AOF directory.
//! - `perform`: carries out the engine's synchronous storage ops
//!   (append, fsync, incr switch, install, remove) on a `Storage`; the
//!   drivers add what only they can do (a background fsync, the fork).
//! - `load`: startup: read (or create) the manifest, replay the base and
//!   incr files into the engine, truncate a torn tail, attach the AOF.
//! - `reader`: reads a file command by command with bounded memory and
//!   classifies how it ends (clean, torn, zero-filled, open `MULTI`,
//!   garbage at an offset); shared by `load` and `check`.
//! - `rewrite`: `accept(&mut impl DataVisitor)` over the databases and the
//!   visitor that writes the smallest RESP commands rebuilding them
//!   (`write_base`, `write_base_file` for a rewrite child).
//! - `check`: `ferrodis-server --check-aof [--fix]`.
//! - [`MemStorage`]: an in-memory `Storage` with injectable failures, for
//!   tests.

use std::io;

pub mod check;
pub mod load;
pub mod mem;
pub mod perform;
pub mod reader;
pub mod rewrite;

pub use check::{check_aof, CheckReport, FileCheck, FileState};
pub use load::{startup, LoadError, LoadTarget, Startup};
pub use mem::{MemStorage, StorageCall};
pub use perform::{perform, write_manifest};
pub use rewrite::{accept, write_base, write_base_file, DataVisitor};

/// File operations on the AOF directory. Names are plain file names
/// (never paths). Every method reports failure as an `io::Error`; none
/// retries.
pub trait Storage {
    /// Creates the AOF directory if it is missing (and fsyncs its parent).
    fn ensure_dir(&mut self) -> io::Result<()>;
    /// Names of the files in the directory.
    fn list(&mut self) -> io::Result<Vec<String>>;
    /// The file's length, `None` if it does not exist.
    fn len(&mut self, name: &str) -> io::Result<Option<u64>>;
    /// Reads up to `buf.len()` bytes at `offset`; 0 at the end.
    fn read_at(&mut self, name: &str, offset: u64, buf: &mut [u8]) -> io::Result<usize>;
    /// Creates the file empty (truncating an existing one).
    fn create(&mut self, name: &str) -> io::Result<()>;
    /// Appends at the end of an existing file.
    fn append(&mut self, name: &str, bytes: &[u8]) -> io::Result<()>;
    /// Makes the file's content durable.
    fn fsync(&mut self, name: &str) -> io::Result<()>;
    /// Cuts the file to `len` bytes.
    fn truncate(&mut self, name: &str, len: u64) -> io::Result<()>;
    /// Renames within the directory, replacing `to` (POSIX `rename`).
    fn rename(&mut self, from: &str, to: &str) -> io::Result<()>;
    /// Deletes the file (missing is not an error).
    fn remove(&mut self, name: &str) -> io::Result<()>;
    /// Makes the directory's entries (creates, renames, removes) durable.
    fn fsync_dir(&mut self) -> io::Result<()>;
    /// Whether `name` exists in the data directory itself (`dir`, the AOF
    /// directory's parent): a single-file AOF of Redis 6 or older, waiting
    /// for the upgrade `load` performs.
    fn legacy_exists(&mut self, name: &str) -> io::Result<bool>;
    /// Moves `name` from the data directory into the AOF directory (a
    /// rename) and makes both directories' entries durable.
    fn adopt_legacy(&mut self, name: &str) -> io::Result<()>;
}
