//! The append-only file, as far as the engine is concerned: what is
//! propagated (the AOF buffer, `SELECT` tracking), the offsets that say
//! how much of it the driver has written and made durable, the fsync
//! policy, the rewrite's steps, and the figures INFO persistence reports.
//! No file is touched here: the work goes out as [`StorageOp`]s and comes
//! back as [`StorageEvent`]s (see [`storage`]).
//!
//! # Offsets
//! Every propagated byte gets the next offset (counting from 0 at
//! startup, across files). `handed` bytes went out in `Append` ops,
//! `written` of them were reported appended, `synced` are durable. The
//! durability gate (`exec/durability.rs`) holds a reply produced when
//! [`Aof::end_offset`] was N until `synced >= N`.
//!
//! # A rewrite, step by step
//! 1. `SyncOld`: the buffer is appended and the current incr file fsynced,
//!    so no later file can be durable while an earlier one has a hole.
//! 2. `Switch`: a new incr file is created and named in the manifest.
//! 3. `Fork`: the keyspace is snapshotted at this instant (no command runs
//!    between 1 and 3) and written as a base file in the background, while
//!    appends go to the new incr file.
//! 4. `Install`: the new base is renamed into place and the manifest lists
//!    it with the incr files opened since step 2; the older files go.
//!
//! A crash at any step leaves a manifest whose files load to a state the
//! dataset really had: before step 4's manifest, the old base with every
//! incr file; after it, the new base with the incr files since the fork.

pub mod manifest;
pub mod storage;
mod unit;

use std::collections::VecDeque;

pub use manifest::{AofFile, FileKind, Manifest};
pub use storage::{FsyncPolicy, StorageEvent, StorageOp};

/// Where a rewrite is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    Idle,
    /// Waiting for the fsync of the old incr file through this offset.
    SyncOld {
        through: u64,
    },
    /// Waiting for the new incr file and its manifest.
    Switch {
        new_incr: AofFile,
    },
    /// Waiting for the fork.
    Fork,
    /// The child is writing the base.
    Running,
    /// Waiting for the new base and manifest to be installed.
    Install {
        manifest: Manifest,
        base_bytes: u64,
    },
}

/// The AOF state machine (see the module doc).
#[derive(Debug)]
pub struct Aof {
    /// Writes are propagated (`appendonly yes`, or a rewrite that turns it
    /// on is running).
    on: bool,
    /// AOF was switched on at runtime and waits for its first rewrite:
    /// until that is installed nothing it appends is named in a manifest,
    /// so the gate does not hold replies for it (as in Redis's
    /// `AOF_WAIT_REWRITE`).
    waiting_first_rewrite: bool,
    manifest: Manifest,
    /// The incr file appends go to: none while AOF is off, or switched on
    /// and its first incr file not created yet.
    appending_to: Option<String>,
    /// Incr files (a prefix of `manifest.incrs`) that the running rewrite's
    /// base supersedes.
    superseded_incrs: usize,
    buf: Vec<u8>,
    /// The database the propagated stream has selected.
    selected_db: Option<usize>,
    handed: u64,
    written: u64,
    synced: u64,
    append_in_flight: bool,
    fsync_in_flight: Option<u64>,
    last_fsync_ms: u64,
    ops: VecDeque<StorageOp>,
    phase: Phase,
    rewrite_scheduled: bool,
    /// A scheduled rewrite waits until then after a failed one (backoff).
    retry_at_ms: u64,
    /// The last append or fsync failure; writes are refused until a
    /// rewrite installs fresh files.
    write_error: Option<String>,
    temp_seq: u64,
    log: Vec<String>,
    pub info: AofInfo,
    /// The execution unit being propagated (see [`unit`]).
    unit: unit::Unit,
}

/// Figures for INFO persistence and stats.
#[derive(Debug, Default, Clone)]
pub struct AofInfo {
    pub current_size: u64,
    pub base_size: u64,
    /// `aof_current_size` when the last rewrite finished (or at startup):
    /// the auto-rewrite trigger measures growth from it.
    pub rewrite_base_size: u64,
    pub last_bgrewrite_ok: bool,
    pub rewrites: u64,
    pub consecutive_failures: u64,
    pub last_rewrite_time_sec: i64,
    pub rewrite_started_ms: Option<u64>,
    pub latest_fork_usec: u64,
    /// The offset at the last incr switch, to size the incr files a
    /// rewrite keeps.
    written_at_switch: u64,
}

/// Why a rewrite cannot start now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RewriteRefused {
    InProgress,
}

impl Aof {
    /// AOF off; `manifest` is what the driver found on disk (files from an
    /// earlier run, not loaded) or empty.
    pub fn new(manifest: Manifest) -> Aof {
        Aof {
            on: false,
            waiting_first_rewrite: false,
            manifest,
            appending_to: None,
            superseded_incrs: 0,
            buf: Vec::new(),
            selected_db: None,
            handed: 0,
            written: 0,
            synced: 0,
            append_in_flight: false,
            fsync_in_flight: None,
            last_fsync_ms: 0,
            ops: VecDeque::new(),
            phase: Phase::Idle,
            rewrite_scheduled: false,
            retry_at_ms: 0,
            write_error: None,
            temp_seq: 0,
            log: Vec::new(),
            info: AofInfo { last_bgrewrite_ok: true, last_rewrite_time_sec: -1, ..AofInfo::default() },
            unit: Default::default(),
        }
    }

    /// AOF on, appending to the last incr file of `manifest`, which the
    /// driver loaded; `size_bytes` is the size of all its files.
    pub fn attach(manifest: Manifest, size_bytes: u64, base_bytes: u64) -> Aof {
        assert!(manifest.last_incr().is_some(), "an attached AOF has an incr file to append to");
        let file = manifest.last_incr().map(|f| f.name.clone());
        let mut aof = Aof::new(manifest);
        aof.appending_to = file;
        aof.on = true;
        aof.info.current_size = size_bytes;
        aof.info.base_size = base_bytes;
        aof.info.rewrite_base_size = size_bytes;
        aof
    }

    pub fn is_on(&self) -> bool {
        self.on
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The offset after everything propagated so far.
    pub fn end_offset(&self) -> u64 {
        self.handed + self.buf.len() as u64
    }

    pub fn synced(&self) -> u64 {
        self.synced
    }

    /// Whether a reply produced now must wait for an fsync under `policy`.
    /// Not after a failure: nothing becomes durable until a rewrite
    /// installs fresh files, writes are refused meanwhile, and reads go on
    /// (they may show writes that were never acknowledged).
    pub fn gate_needed(&self, policy: FsyncPolicy, skip_during_rewrite: bool) -> bool {
        self.on
            && self.write_error.is_none()
            && !self.waiting_first_rewrite
            && policy == FsyncPolicy::Always
            && !(skip_during_rewrite && self.rewrite_in_progress())
            && self.end_offset() > self.synced
    }

    pub fn write_error(&self) -> Option<&str> {
        self.write_error.as_deref()
    }

    pub fn rewrite_in_progress(&self) -> bool {
        self.phase != Phase::Idle
    }

    pub fn rewrite_scheduled(&self) -> bool {
        self.rewrite_scheduled
    }

    /// The engine executes nothing while a rewrite is between its switch
    /// and its fork (see the module doc).
    pub fn is_waiting(&self) -> bool {
        matches!(self.phase, Phase::SyncOld { .. } | Phase::Switch { .. } | Phase::Fork)
    }

    pub fn buffer_len(&self) -> usize {
        self.buf.len()
    }

    pub fn fsync_in_flight(&self) -> bool {
        self.fsync_in_flight.is_some()
    }

    /// Log lines for the driver (Redis's serverLog), oldest first.
    pub fn take_log(&mut self) -> Vec<String> {
        std::mem::take(&mut self.log)
    }

    /// Appends one command, in RESP, to the buffer (preceded by SELECT when
    /// the stream is in another database).
    pub fn propagate<A: AsRef<[u8]>>(&mut self, db: usize, args: &[A]) {
        if !self.on {
            return;
        }
        if self.selected_db != Some(db) {
            let n = db.to_string();
            encode(&mut self.buf, &[b"SELECT".as_slice(), n.as_bytes()]);
            self.selected_db = Some(db);
        }
        self.note_unit_op();
        encode(&mut self.buf, args);
    }

    /// The next storage op, if any (the driver's `poll_storage`).
    pub fn poll_op(&mut self, policy: FsyncPolicy, skip_fsync: bool) -> Option<StorageOp> {
        if let Some(op) = self.ops.pop_front() {
            return Some(op);
        }
        if !self.on || self.append_in_flight || self.is_waiting() || self.write_error.is_some() {
            return None;
        }
        let file = self.appending_to.clone()?;
        if !self.buf.is_empty() {
            let bytes = std::mem::take(&mut self.buf);
            self.handed += bytes.len() as u64;
            self.append_in_flight = true;
            return Some(StorageOp::Append { file, bytes, end: self.handed });
        }
        let fsync_now = policy == FsyncPolicy::Always && !(skip_fsync && self.rewrite_in_progress());
        if fsync_now && self.fsync_in_flight.is_none() && self.handed > self.synced {
            self.fsync_in_flight = Some(self.handed);
            return Some(StorageOp::Fsync { file, through: self.handed });
        }
        None
    }

    /// Timed work: the `everysec` fsync, a scheduled or automatic rewrite.
    pub fn tick(&mut self, now_ms: u64, policy: FsyncPolicy, cfg: RewriteTrigger) {
        if self.on && policy == FsyncPolicy::EverySec && self.write_error.is_none() {
            let skip = cfg.no_fsync_on_rewrite && self.rewrite_in_progress();
            let due = now_ms >= self.last_fsync_ms + 1000;
            if !skip && due && self.fsync_in_flight.is_none() && self.handed > self.synced && !self.is_waiting() {
                if let Some(file) = self.appending_to.clone() {
                    self.fsync_in_flight = Some(self.handed);
                    self.last_fsync_ms = now_ms;
                    self.ops.push_back(StorageOp::Fsync { file, through: self.handed });
                }
            }
        }
        if self.phase != Phase::Idle {
            return;
        }
        let grown = {
            let base = self.info.rewrite_base_size.max(1);
            let growth = (self.info.current_size * 100 / base) as i64 - 100;
            cfg.percentage > 0 && self.info.current_size > cfg.min_size && growth >= cfg.percentage as i64
        };
        let retry_due = self.rewrite_scheduled && now_ms >= self.retry_at_ms;
        if retry_due || (self.on && !self.waiting_first_rewrite && grown && now_ms >= self.retry_at_ms) {
            self.rewrite_scheduled = false;
            if grown {
                self.log.push(format!(
                    "Starting automatic rewriting of AOF on {}% growth",
                    (self.info.current_size * 100 / self.info.rewrite_base_size.max(1)).saturating_sub(100)
                ));
            }
            let _ = self.start_rewrite(now_ms);
        }
    }

    /// BGREWRITEAOF, the automatic trigger, or AOF switched on.
    pub fn start_rewrite(&mut self, now_ms: u64) -> Result<(), RewriteRefused> {
        if self.phase != Phase::Idle {
            return Err(RewriteRefused::InProgress);
        }
        if self.defer_rewrite(now_ms)? {
            return Ok(());
        }
        self.info.rewrite_started_ms = Some(now_ms);
        let Some(file) = self.appending_to.clone() else {
            if self.on {
                // Switched on at runtime: the first incr file is created now.
                self.switch_incr();
            } else {
                // No incr file to switch: the base alone makes the new manifest.
                self.superseded_incrs = self.manifest.incrs.len();
                self.fork();
            }
            return Ok(());
        };
        // Everything propagated from now on goes to the new incr file,
        // which must not rely on a SELECT the old one holds (an expiry DEL
        // of this tick's active cycle went there without one: found by the
        // simulator's crash runs).
        self.selected_db = None;
        if self.write_error.is_some() {
            // The current incr file is suspect: the snapshot supersedes it
            // and whatever is buffered for it. (An append still in flight
            // reports later; its bytes are superseded too.)
            self.handed += self.buf.len() as u64;
            self.synced = self.handed;
            self.buf.clear();
            self.switch_incr();
            return Ok(());
        }
        if !self.buf.is_empty() {
            let bytes = std::mem::take(&mut self.buf);
            self.handed += bytes.len() as u64;
            self.append_in_flight = true;
            self.ops.push_back(StorageOp::Append { file: file.clone(), bytes, end: self.handed });
        }
        if self.synced < self.handed {
            if self.fsync_in_flight.is_none() {
                self.fsync_in_flight = Some(self.handed);
                self.ops.push_back(StorageOp::Fsync { file, through: self.handed });
            }
            self.phase = Phase::SyncOld { through: self.handed };
        } else {
            self.switch_incr();
        }
        Ok(())
    }

    /// Shutdown: everything buffered goes out and is fsynced (the driver
    /// performs the ops, then exits).
    pub fn flush_for_shutdown(&mut self) {
        let Some(file) = self.appending_to.clone() else { return };
        if self.write_error.is_some() {
            return;
        }
        if !self.buf.is_empty() {
            let bytes = std::mem::take(&mut self.buf);
            self.handed += bytes.len() as u64;
            self.append_in_flight = true;
            self.ops.push_back(StorageOp::Append { file: file.clone(), bytes, end: self.handed });
        }
        if self.handed > self.synced {
            self.fsync_in_flight = Some(self.handed);
            self.ops.push_back(StorageOp::Fsync { file, through: self.handed });
        }
    }

    /// Asks for a rewrite as soon as none is running.
    pub fn schedule_rewrite(&mut self) {
        self.rewrite_scheduled = true;
    }

    fn switch_incr(&mut self) {
        let new_incr = self.manifest.next_incr();
        let mut next = self.manifest.clone();
        next.incrs.push(new_incr.clone());
        let manifest = if self.waiting_first_rewrite { None } else { Some(next.to_text()) };
        self.ops.push_back(StorageOp::SwitchIncr { new_incr: new_incr.name.clone(), manifest });
        self.phase = Phase::Switch { new_incr };
    }

    fn fork(&mut self) {
        self.temp_seq += 1;
        self.ops.push_back(StorageOp::Fork { temp_base: self.temp_base() });
        self.phase = Phase::Fork;
    }

    fn temp_base(&self) -> String {
        format!("temp-rewriteaof-{}.aof", self.temp_seq)
    }

    /// AOF switched on at runtime (`CONFIG SET appendonly yes`): on at
    /// once, made durable by a rewrite.
    pub fn turn_on(&mut self, now_ms: u64) {
        if self.on {
            return;
        }
        self.on = true;
        self.waiting_first_rewrite = true;
        self.selected_db = None;
        if self.start_rewrite(now_ms).is_err() {
            self.rewrite_scheduled = true;
        }
    }

    /// `CONFIG SET appendonly no`: stop appending (what is buffered still
    /// goes out, and is fsynced).
    pub fn turn_off(&mut self) {
        if !self.on {
            return;
        }
        if let Some(file) = self.appending_to.take() {
            if !self.buf.is_empty() && self.write_error.is_none() {
                let bytes = std::mem::take(&mut self.buf);
                self.handed += bytes.len() as u64;
                self.append_in_flight = true;
                self.ops.push_back(StorageOp::Append { file: file.clone(), bytes, end: self.handed });
                // One fsync at a time: with one in flight, the last bytes
                // are left to the OS, as `appendonly no` leaves them.
                if self.fsync_in_flight.is_none() {
                    self.ops.push_back(StorageOp::Fsync { file, through: self.handed });
                    self.fsync_in_flight = Some(self.handed);
                }
            }
        }
        self.buf.clear();
        self.on = false;
        self.waiting_first_rewrite = false;
    }

    /// A report from the driver.
    pub fn handle_event(&mut self, ev: StorageEvent, now_ms: u64) {
        match ev {
            StorageEvent::Appended { end } => {
                assert!(self.append_in_flight, "Appended without an append");
                assert!(end <= self.handed, "Appended past what was handed out");
                self.append_in_flight = false;
                self.info.current_size += end.saturating_sub(self.written);
                self.written = self.written.max(end);
            }
            StorageEvent::AppendFailed { error } => {
                self.append_in_flight = false;
                self.fail(format!("Error writing to the AOF file: {error}"), error);
            }
            StorageEvent::Synced { through } => {
                assert!(through <= self.handed, "Synced past what was handed out");
                self.fsync_in_flight = None;
                self.last_fsync_ms = now_ms;
                self.synced = self.synced.max(through);
                if let Phase::SyncOld { through: want } = self.phase {
                    if self.synced >= want {
                        self.switch_incr();
                    } else if let Some(file) = self.appending_to.clone() {
                        // The fsync that just ended was handed out before
                        // the rewrite asked for one: one more covers the rest.
                        self.fsync_in_flight = Some(want);
                        self.ops.push_back(StorageOp::Fsync { file, through: want });
                    }
                }
            }
            StorageEvent::SyncFailed { error } => {
                self.fsync_in_flight = None;
                self.fail(format!("Can't persist AOF for fsync error when the AOF fsync policy is 'always' or 'everysec': {error}"), error);
                if matches!(self.phase, Phase::SyncOld { .. }) {
                    self.switch_incr();
                }
            }
            StorageEvent::IncrSwitched(result) => {
                let Phase::Switch { new_incr } = std::mem::replace(&mut self.phase, Phase::Idle) else {
                    panic!("IncrSwitched without a switch");
                };
                match result {
                    Ok(()) => {
                        // The snapshot about to be taken holds everything
                        // every earlier incr file holds.
                        self.superseded_incrs = self.manifest.incrs.len();
                        self.appending_to = self.on.then(|| new_incr.name.clone());
                        self.manifest.incrs.push(new_incr);
                        self.info.written_at_switch = self.written;
                        self.selected_db = None;
                        self.fork();
                    }
                    Err(e) => self.rewrite_failed(format!("Can't open the new incr AOF file: {e}"), now_ms),
                }
            }
            StorageEvent::Forked(result) => {
                assert_eq!(self.phase, Phase::Fork, "Forked without a fork");
                match result {
                    Ok(usec) => {
                        self.info.latest_fork_usec = usec;
                        self.phase = Phase::Running;
                        self.log.push("Background append only file rewriting started".into());
                    }
                    Err(e) => {
                        self.phase = Phase::Idle;
                        self.rewrite_failed(format!("Can't rewrite append only file in background: fork: {e}"), now_ms);
                    }
                }
            }
            StorageEvent::RewriteDone(result) => {
                assert_eq!(self.phase, Phase::Running, "RewriteDone without a running rewrite");
                match result {
                    Ok(base_bytes) => {
                        let mut next = self.manifest.clone();
                        let base = next.next_base();
                        let mut remove: Vec<String> = next.base.take().into_iter().map(|f| f.name).collect();
                        remove.extend(next.history.drain(..).map(|f| f.name));
                        remove.extend(next.incrs.drain(..self.superseded_incrs).map(|f| f.name));
                        next.base = Some(base.clone());
                        self.ops.push_back(StorageOp::InstallRewrite {
                            temp_base: self.temp_base(),
                            base: base.name,
                            manifest: next.to_text(),
                            remove,
                        });
                        self.phase = Phase::Install { manifest: next, base_bytes };
                    }
                    Err(e) => {
                        self.phase = Phase::Idle;
                        self.ops.push_back(StorageOp::Remove { files: vec![self.temp_base()] });
                        self.rewrite_failed(format!("Background AOF rewrite failed: {e}"), now_ms);
                    }
                }
            }
            StorageEvent::RewriteInstalled(result) => {
                let Phase::Install { manifest, base_bytes } = std::mem::replace(&mut self.phase, Phase::Idle) else {
                    panic!("RewriteInstalled without an install");
                };
                match result {
                    Ok(()) => {
                        self.manifest = manifest;
                        self.superseded_incrs = 0;
                        let incr_bytes = if self.on { self.written - self.info.written_at_switch } else { 0 };
                        self.info.base_size = base_bytes;
                        self.info.current_size = base_bytes + incr_bytes;
                        self.info.rewrite_base_size = self.info.current_size;
                        self.info.last_bgrewrite_ok = true;
                        self.info.rewrites += 1;
                        self.info.consecutive_failures = 0;
                        self.finish_timing(now_ms);
                        self.waiting_first_rewrite = false;
                        if self.write_error.take().is_some() {
                            self.log.push("AOF write error cleared by a successful rewrite".into());
                        }
                        self.log.push("Background AOF rewrite finished successfully".into());
                    }
                    Err(e) => self.rewrite_failed(format!("Can't install the rewritten AOF: {e}"), now_ms),
                }
            }
        }
        let _ = now_ms;
    }

    fn finish_timing(&mut self, now_ms: u64) {
        if let Some(start) = self.info.rewrite_started_ms.take() {
            self.info.last_rewrite_time_sec = (now_ms.saturating_sub(start) / 1000) as i64;
        }
    }

    fn fail(&mut self, log: String, error: String) {
        self.log.push(log);
        self.write_error = Some(error);
        // Fresh files are the only way back (see `write_error`).
        self.rewrite_scheduled = true;
    }

    fn rewrite_failed(&mut self, log: String, now_ms: u64) {
        self.log.push(log);
        self.info.last_bgrewrite_ok = false;
        self.info.consecutive_failures += 1;
        // Retried on its own after 1 s, 2 s, 4 s ... up to about a minute,
        // so a directory that cannot be written does not turn into a log
        // line every tick. BGREWRITEAOF still starts one at once.
        let backoff_s = 1u64 << (self.info.consecutive_failures - 1).min(6);
        self.retry_at_ms = now_ms + backoff_s * 1000;
        self.info.rewrite_started_ms = None;
        if self.write_error.is_some() || self.waiting_first_rewrite {
            self.rewrite_scheduled = true;
        }
    }

    /// Checks the offsets' order.
    pub fn check_invariants(&self) {
        assert!(self.synced <= self.handed, "synced past handed");
        assert!(self.written <= self.handed, "written past handed");
        if !self.on {
            assert!(self.buf.is_empty(), "buffered while off");
        }
    }
}

/// The automatic rewrite's configuration.
#[derive(Debug, Clone, Copy)]
pub struct RewriteTrigger {
    pub percentage: u64,
    pub min_size: u64,
    pub no_fsync_on_rewrite: bool,
}

/// One command in RESP, as Redis writes it to the AOF.
pub fn encode<A: AsRef<[u8]>>(out: &mut Vec<u8>, args: &[A]) {
    let len_line = |out: &mut Vec<u8>, prefix: u8, n: usize| {
        out.push(prefix);
        out.extend_from_slice(crate::resp::reply::itoa_buf(n as i64).as_str().as_bytes());
        out.extend_from_slice(b"\r\n");
    };
    len_line(out, b'*', args.len());
    for a in args {
        let a = a.as_ref();
        len_line(out, b'$', a.len());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}
