//! Startup, as Redis 7.0's `aofLoadManifestFromDisk`, `loadAppendOnlyFiles`
//! and `aofOpenIfNeededOnServerStart` do it: read the manifest, replay the
//! base file then every incr file through [`LoadTarget::load_command`],
//! create what is missing (the directory, an empty base, the incr file to
//! append to, the manifest: each durable before the manifest names it),
//! then attach the AOF.
//!
//! # What may end a file, and what happens
//! - A torn last command, or a zero-filled tail (what a power loss
//!   leaves), in the LAST file: with `aof-load-truncated yes` the file is
//!   cut to its last complete command, logged with the offset, and the
//!   server starts; with `no` it refuses.
//! - The same in a file that is not the last: refused (the files after it
//!   were written after the lost bytes).
//! - Bytes that are not the protocol: refused, naming the file and offset.
//! - A `MULTI` without `EXEC` at the end: its commands are not applied and
//!   it is cut away (Redis "Revert incomplete MULTI/EXEC transaction").
//! - An unknown command: refused. Any other command error is logged and
//!   loading goes on, as Redis's fake client ignores replies.
//!
//! Nothing is dropped without a log line; nothing but a torn tail of the
//! last file is ever cut.
//!
//! # Where this differs from Redis 7.0, on purpose
//! - A zero-filled tail: Redis refuses ("Bad file format"); it is what a
//!   power loss leaves, so it is cut like any torn tail.
//! - A cut inside a transaction: Redis truncates after the last whole
//!   queued command, leaving a MULTI without EXEC for later appends to
//!   land in; the cut here goes before the MULTI.
//! - A torn file that is not the last: Redis truncates it, then refuses;
//!   here it is refused untouched.
//! - A length that is not a number, or a bulk not followed by CRLF, is bad
//!   format (Redis reads `atoi` of it, and skips two bytes unchecked).
//!
//! # Upgrading from a single-file AOF (Redis 6 and older)
//! As Redis 7.0's `aofUpgradePrepare`: when `<dir>/<appendfilename>` exists
//! and the AOF directory has no manifest naming other files (or only a
//! manifest naming that file as its base, not yet moved: a crash between
//! the two steps below), the directory is created, a manifest naming the
//! old file as base `seq 1` is made durable, then the old file is moved
//! in. A crash between the steps repeats the upgrade at the next start.
//! An old file that starts with an RDB preamble (`REDIS`, Redis 6's
//! default) is refused with a message saying so until RDB lands.

use std::fmt;
use std::io;

use bytes::Bytes;
use ferrodis_engine::aof::{Aof, AofFile, FileKind, Manifest};
use ferrodis_engine::exec::Executor;
use ferrodis_engine::planted::{Plant, PlantedBug};
use ferrodis_engine::{Config, Engine};

use crate::perform::write_manifest;
use crate::reader::{scan_file, Scan, Tail};
use crate::rewrite::write_base_file;
use crate::Storage;

/// What loading replays commands into (the engine, single- or
/// multi-threaded).
pub trait LoadTarget {
    /// Runs one command as the AOF loading client; the error reply, if any.
    fn load_command(&mut self, args: &[Bytes], now_ms: u64) -> Result<(), String>;
    fn finish_loading(&mut self);
    fn attach_aof(&mut self, aof: Aof);
    /// Keys in every database (for the startup log).
    fn key_count(&self) -> u64;
}

impl LoadTarget for Executor {
    fn load_command(&mut self, args: &[Bytes], now_ms: u64) -> Result<(), String> {
        self.handle_load_command(args, now_ms)
    }
    fn finish_loading(&mut self) {
        Executor::finish_loading(self);
    }
    fn attach_aof(&mut self, aof: Aof) {
        Executor::attach_aof(self, aof);
    }
    fn key_count(&self) -> u64 {
        self.dbs().iter().map(|db| db.len() as u64).sum()
    }
}

impl LoadTarget for Engine {
    fn load_command(&mut self, args: &[Bytes], now_ms: u64) -> Result<(), String> {
        self.handle_load_command(args, now_ms)
    }
    fn finish_loading(&mut self) {
        Engine::finish_loading(self);
    }
    fn attach_aof(&mut self, aof: Aof) {
        Engine::attach_aof(self, aof);
    }
    fn key_count(&self) -> u64 {
        self.executor().key_count()
    }
}

/// What startup did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Startup {
    /// Log lines (Redis's texts where it has one), oldest first.
    pub log: Vec<String>,
    /// Keys in the dataset after loading.
    pub keys_loaded: u64,
    /// Commands read from the files (`MULTI`/`EXEC` included).
    pub commands_loaded: u64,
    /// The file cut to its last complete command, and the length it was cut to.
    pub truncated: Option<(String, u64)>,
    /// Files created because they were missing (base, incr).
    pub created: Vec<String>,
    /// Size of the base and incr files after loading.
    pub total_bytes: u64,
    pub base_bytes: u64,
}

/// Why the server must not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: Option<String>,
    pub offset: Option<u64>,
    pub message: String,
    /// What was logged before the failure.
    pub log: Vec<String>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(offset) = self.offset {
            write!(f, " (at offset {offset}")?;
            if let Some(file) = &self.file {
                write!(f, " of {file}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

impl From<io::Error> for LoadError {
    fn from(e: io::Error) -> LoadError {
        LoadError { file: None, offset: None, message: e.to_string(), log: Vec::new() }
    }
}

fn fail(file: &str, offset: Option<u64>, message: String) -> LoadError {
    LoadError { file: Some(file.to_string()), offset, message, log: Vec::new() }
}

/// The longest manifest read (it lists a handful of files).
const MANIFEST_MAX_BYTES: u64 = 16 << 20;

/// Reads the whole of a small file; `None` if it does not exist.
fn read_small(storage: &mut impl Storage, name: &str, max_bytes: u64) -> Result<Option<Vec<u8>>, LoadError> {
    let Some(len) = storage.len(name)? else { return Ok(None) };
    if len > max_bytes {
        return Err(fail(name, None, format!("{name} is {len} bytes, more than a manifest can be")));
    }
    let mut buf = vec![0; len as usize];
    let mut filled = 0;
    while filled < buf.len() {
        let n = storage.read_at(name, filled as u64, &mut buf[filled..])?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    buf.truncate(filled);
    Ok(Some(buf))
}

/// Reads `<appendfilename>.manifest` if the directory has one.
pub fn read_manifest(storage: &mut impl Storage, prefix: &str) -> Result<Option<Manifest>, LoadError> {
    let name = Manifest::file_name(prefix);
    let Some(text) = read_small(storage, &name, MANIFEST_MAX_BYTES)? else { return Ok(None) };
    Manifest::parse(&text, prefix).map(Some).map_err(|e| fail(&name, None, e.0))
}

/// Redis 7.0 startup (see the module doc): with `appendonly yes` replay
/// the files (creating what is missing) and attach
/// `Aof::attach(manifest, total, base)`; with `appendonly no` only read the
/// manifest and attach `Aof::new(manifest)`.
pub fn startup(
    storage: &mut impl Storage,
    config: &Config,
    target: &mut impl LoadTarget,
    now_ms: u64,
) -> Result<Startup, LoadError> {
    let mut out = Startup::default();
    match run(storage, config, target, now_ms, &mut out) {
        Ok(()) => Ok(out),
        Err(mut e) => {
            e.log = std::mem::take(&mut out.log);
            Err(e)
        }
    }
}

fn run(
    storage: &mut impl Storage,
    config: &Config,
    target: &mut impl LoadTarget,
    now_ms: u64,
    out: &mut Startup,
) -> Result<(), LoadError> {
    let prefix = config.appendfilename.as_str();
    let found = read_manifest(storage, prefix)?;
    if !config.appendonly {
        target.finish_loading();
        target.attach_aof(Aof::new(found.unwrap_or_else(|| Manifest::empty(prefix))));
        return Ok(());
    }
    let mut manifest = found.unwrap_or_else(|| Manifest::empty(prefix));
    storage.ensure_dir().map_err(|e| {
        fail(&config.appenddirname, None, format!("Can't open or create append-only dir {}: {e}", config.appenddirname))
    })?;
    if storage.legacy_exists(prefix)? && upgrade_pending(storage, &manifest, prefix)? {
        upgrade_legacy(storage, config, &mut manifest, out)?;
    }

    // Every file the manifest names must exist (Redis: fatal otherwise).
    let files: Vec<AofFile> = manifest.load_order().cloned().collect();
    let mut sizes = Vec::with_capacity(files.len());
    for f in &files {
        match storage.len(&f.name)? {
            Some(len) => sizes.push(len),
            None => {
                return Err(fail(
                    &f.name,
                    None,
                    format!("Unable to obtain the AOF file {} length: it does not exist", f.name),
                ))
            }
        }
    }
    for (i, f) in files.iter().enumerate() {
        let last_file = i + 1 == files.len();
        replay_file(storage, config, target, now_ms, f, sizes[i], last_file, out).map_err(|mut e| {
            // An I/O error names no file: this one.
            if e.file.is_none() {
                e.message = format!("Unrecoverable error reading the append only file {}: {}", f.name, e.message);
                e.file = Some(f.name.clone());
            }
            e
        })?;
    }

    let mut changed = false;
    // aofDelHistoryFiles: files a finished rewrite superseded.
    if !manifest.history.is_empty() {
        for f in std::mem::take(&mut manifest.history) {
            out.log.push(format!("Removing the history file {} in the background", f.name));
            let _ = storage.remove(&f.name);
        }
        changed = true;
    }
    // aofOpenIfNeededOnServerStart: an empty dataset gets a base file,
    // and there is always an incr file to append to.
    if manifest.base.is_none() && manifest.incrs.is_empty() {
        let base = manifest.next_base();
        out.log.push(format!("Creating AOF base file {} on server start", base.name));
        // The dataset is empty here (nothing was loaded): the file is too.
        write_base_file(storage, &base.name, &[])
            .map_err(|e| fail(&base.name, None, format!("Can't create the AOF base file {}: {e}", base.name)))?;
        out.created.push(base.name.clone());
        manifest.base = Some(base);
        changed = true;
    }
    if manifest.incrs.is_empty() {
        let incr = manifest.next_incr();
        out.log.push(format!("Creating AOF incr file {} on server start", incr.name));
        storage
            .create(&incr.name)
            .and_then(|()| storage.fsync(&incr.name))
            .map_err(|e| fail(&incr.name, None, format!("Can't open the append-only file {}: {e}", incr.name)))?;
        out.created.push(incr.name.clone());
        manifest.incrs.push(incr);
        changed = true;
    }
    if changed {
        storage
            .fsync_dir()
            .map_err(|e| fail(&config.appenddirname, None, format!("Can't fsync the AOF directory: {e}")))?;
        let name = Manifest::file_name(prefix);
        write_manifest(storage, prefix, &manifest.to_text())
            .map_err(|e| fail(&name, None, format!("Can't persist the AOF manifest {name}: {e}")))?;
    }

    out.total_bytes = 0;
    out.base_bytes = 0;
    for f in manifest.load_order() {
        let len = storage.len(&f.name)?.unwrap_or(0);
        out.total_bytes += len;
        if manifest.base.as_ref() == Some(f) {
            out.base_bytes = len;
        }
    }
    target.finish_loading();
    out.keys_loaded = target.key_count();
    target.attach_aof(Aof::attach(manifest, out.total_bytes, out.base_bytes));
    Ok(())
}

/// Redis 7.0's three upgrade conditions (the old file exists in `dir`):
/// no AOF directory, or one whose manifest names no file, or one whose
/// manifest names only the old file as base while it is not there yet.
fn upgrade_pending(storage: &mut impl Storage, manifest: &Manifest, prefix: &str) -> Result<bool, LoadError> {
    if !manifest.incrs.is_empty() {
        return Ok(false);
    }
    Ok(match &manifest.base {
        None => true,
        Some(base) => base.name == prefix && storage.len(prefix)?.is_none(),
    })
}

/// Moves a single-file AOF into the AOF directory as its base (see the
/// module doc): the manifest first, then the file, each durable.
fn upgrade_legacy(
    storage: &mut impl Storage,
    config: &Config,
    manifest: &mut Manifest,
    out: &mut Startup,
) -> Result<(), LoadError> {
    let prefix = config.appendfilename.as_str();
    *manifest = Manifest::empty(prefix);
    manifest.base = Some(AofFile { name: prefix.to_string(), seq: 1, kind: FileKind::Base });
    manifest.base_seq = 1;
    let name = Manifest::file_name(prefix);
    write_manifest(storage, prefix, &manifest.to_text())
        .map_err(|e| fail(&name, None, format!("Can't persist the AOF manifest {name}: {e}")))?;
    storage.adopt_legacy(prefix).map_err(|e| {
        fail(
            prefix,
            None,
            format!("Error trying to move the old AOF file {prefix} into dir {}: {e}", config.appenddirname),
        )
    })?;
    out.log.push(format!(
        "Successfully migrated an old-style AOF file ({prefix}) into the AOF directory ({}).",
        config.appenddirname
    ));
    Ok(())
}

/// A transaction being read: its commands run at `EXEC`.
#[derive(Default)]
struct Multi {
    open: bool,
    queued: Vec<Vec<Bytes>>,
}

/// Replays one file; cuts a torn tail of the last file when allowed.
#[allow(clippy::too_many_arguments)]
fn replay_file(
    storage: &mut impl Storage,
    config: &Config,
    target: &mut impl LoadTarget,
    now_ms: u64,
    file: &AofFile,
    len_bytes: u64,
    last_file: bool,
    out: &mut Startup,
) -> Result<(), LoadError> {
    let name = file.name.as_str();
    if len_bytes == 0 {
        return Ok(());
    }
    let mut sig = [0u8; 5];
    let n = storage.read_at(name, 0, &mut sig)?;
    if n == 5 && &sig == b"REDIS" {
        return Err(fail(
            name,
            Some(0),
            format!("The AOF file {name} starts with an RDB preamble, which ferrodis does not read (aof-use-rdb-preamble yes is not supported)"),
        ));
    }
    let mut multi = Multi::default();
    let mut log = Vec::new();
    let scan = scan_file(storage, name, len_bytes, config.proto_max_bulk_len, |args, offset| {
        apply(target, now_ms, name, args, offset, &mut multi, &mut log)
    });
    out.log.append(&mut log);
    let scan = scan?;
    out.commands_loaded += scan.commands;
    let check_aof = format!(
        "make a backup of your AOF file, then use ./ferrodis-server --check-aof --fix {}",
        Manifest::file_name(&config.appendfilename)
    );
    match scan.tail {
        Tail::Clean => {}
        Tail::Garbage { at, why } => {
            let msg = format!("Bad file format reading the append only file {name}: {check_aof} ({why})");
            out.log.push(format!("{msg} at offset {at}"));
            return Err(fail(name, Some(at), msg));
        }
        Tail::OpenMulti | Tail::Torn { .. } => {
            if scan.tail == Tail::OpenMulti || multi.open {
                out.log.push(format!("Revert incomplete MULTI/EXEC transaction in AOF file {name}"));
            }
            let zero_filled = scan.tail == (Tail::Torn { zero_filled: true });
            if zero_filled {
                out.log.push(format!(
                    "!!! Warning: the AOF file {name} ends in zero bytes from offset {} (a power loss leaves them)!!!",
                    scan.valid_bytes
                ));
            } else {
                out.log.push(format!("!!! Warning: short read while loading the AOF file {name}!!!"));
            }
            if !last_file {
                let msg = format!(
                    "Fatal error: the truncated file {name} is not the last file (it is cut at offset {} of {len_bytes}): {check_aof}",
                    scan.valid_bytes
                );
                out.log.push(msg.clone());
                return Err(fail(name, Some(scan.valid_bytes), msg));
            }
            if !config.aof_load_truncated {
                let msg = format!(
                    "Unexpected end of file reading the append only file {name}. You can: 1) Make a backup of your AOF file, then use ./ferrodis-server --check-aof --fix {}. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.",
                    Manifest::file_name(&config.appendfilename)
                );
                out.log.push(msg.clone());
                return Err(fail(name, Some(scan.valid_bytes), msg));
            }
            let scan = if Plant::from_config(config).is(PlantedBug::AofTornTailOneTooFar) {
                Scan { valid_bytes: scan.last_start, ..scan }
            } else {
                scan
            };
            out.log.push(format!("!!! Truncating the AOF {name} at offset {} !!!", scan.valid_bytes));
            storage.truncate(name, scan.valid_bytes).and_then(|()| storage.fsync(name)).map_err(|e| {
                fail(name, Some(scan.valid_bytes), format!("Error truncating the AOF file {name}: {e}"))
            })?;
            out.log.push(format!("AOF {name} loaded anyway because aof-load-truncated is enabled"));
            out.truncated = Some((name.to_string(), scan.valid_bytes));
            return Ok(());
        }
    }
    let kind = if file.kind == ferrodis_engine::aof::FileKind::Base { "base" } else { "incr" };
    out.log.push(format!("DB loaded from {kind} file {name}"));
    Ok(())
}

/// One command read from `file` at `offset`: queued inside a transaction,
/// run otherwise.
fn apply(
    target: &mut impl LoadTarget,
    now_ms: u64,
    file: &str,
    args: Vec<Bytes>,
    offset: u64,
    multi: &mut Multi,
    log: &mut Vec<String>,
) -> Result<(), LoadError> {
    let name = &args[0];
    if name.eq_ignore_ascii_case(b"multi") {
        if multi.open {
            log.push(format!("MULTI calls can not be nested (AOF file {file}, offset {offset}): ignored"));
        }
        multi.open = true;
        return Ok(());
    }
    if name.eq_ignore_ascii_case(b"exec") || name.eq_ignore_ascii_case(b"discard") {
        if !multi.open {
            let what = String::from_utf8_lossy(name).to_uppercase();
            log.push(format!("{what} without MULTI in AOF file {file} at offset {offset}: ignored"));
            return Ok(());
        }
        multi.open = false;
        let queued = std::mem::take(&mut multi.queued);
        if name.eq_ignore_ascii_case(b"exec") {
            for cmd in queued {
                run_one(target, now_ms, file, &cmd, offset, log)?;
            }
        }
        return Ok(());
    }
    if multi.open {
        multi.queued.push(args);
        return Ok(());
    }
    run_one(target, now_ms, file, &args, offset, log)
}

fn run_one(
    target: &mut impl LoadTarget,
    now_ms: u64,
    file: &str,
    args: &[Bytes],
    offset: u64,
    log: &mut Vec<String>,
) -> Result<(), LoadError> {
    match target.load_command(args, now_ms) {
        Ok(()) => Ok(()),
        Err(e) if e.starts_with("ERR unknown command") => {
            let msg =
                format!("Unknown command '{}' reading the append only file {file}", String::from_utf8_lossy(&args[0]));
            log.push(format!("{msg} at offset {offset}"));
            Err(fail(file, Some(offset), msg))
        }
        Err(e) => {
            log.push(format!("Command in the AOF file {file} at offset {offset} failed, going on: {e}"));
            Ok(())
        }
    }
}
