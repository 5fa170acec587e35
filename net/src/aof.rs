//! The AOF's storage ops performed on real files, for both compositions
//! (`single` drives an `Engine`, `threaded` an `Executor` on its executor
//! thread; both are an [`AofTarget`]).
//!
//! - Loading ([`load`]): `ferrodis_persistence::load::startup` on an
//!   [`FsStorage`], before the first client is served.
//! - [`AofDriver::pump`], after each batch of input: reports that arrived
//!   (a finished fsync, a finished rewrite child), then every op the engine
//!   has, in order:
//!   - `Append`: written at once on this thread (the engine allows one
//!     outstanding append; reporting at once lets the next batch go).
//!   - `Fsync`: on the background fsync thread (Redis's `bio` AOF fsync
//!     job); at most one runs (the engine asks for the next one only after
//!     the report). The report comes back through a channel and wakes the
//!     event loop, which meanwhile goes on executing requests: under
//!     `always` their replies wait, and the next fsync covers all of them
//!     (group commit across clients).
//!   - `SwitchIncr`, `InstallRewrite`, `Remove`: `ferrodis_persistence::
//!     perform`, synchronously (a few small files and a rename).
//!   - `Fork`: a `fork()` child writes the base file from its copy of the
//!     keyspace and leaves with `_exit`; the parent reaps it on every pump
//!     (the loop wakes at least once a tick).
//! - [`AofDriver::shutdown`]: kills a running child, waits for the fsync in
//!   flight, then performs the engine's last append and fsync synchronously.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use ferrodis_engine::aof::{StorageEvent, StorageOp};
use ferrodis_engine::db::Db;
use ferrodis_engine::exec::Executor;
use ferrodis_engine::{Config, Engine};
use ferrodis_persistence::load::LoadTarget;
use ferrodis_persistence::Storage;
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{fork, ForkResult, Pid};

use crate::log;
use crate::storage::FsStorage;

/// Ops performed at shutdown at most (the last append, its fsync, and a
/// rewrite's switch if one was under way): a bound, not a count we expect.
const SHUTDOWN_OPS_MAX: usize = 64;
/// The rewrite child's write buffer.
const CHILD_BUFFER_BYTES: usize = 1 << 20;

/// What the driver needs of the engine, in either composition.
pub trait AofTarget: LoadTarget {
    fn poll_storage(&mut self) -> Option<StorageOp>;
    fn handle_storage(&mut self, ev: StorageEvent, now_ms: u64);
    /// The keyspace, for the fork's point-in-time view.
    fn dbs(&self) -> &[Db];
    fn take_log(&mut self) -> Vec<String>;
    fn flush_aof_for_shutdown(&mut self);
}

impl AofTarget for Engine {
    fn poll_storage(&mut self) -> Option<StorageOp> {
        Engine::poll_storage(self)
    }
    fn handle_storage(&mut self, ev: StorageEvent, now_ms: u64) {
        Engine::handle_storage(self, ev, now_ms)
    }
    fn dbs(&self) -> &[Db] {
        self.executor().dbs()
    }
    fn take_log(&mut self) -> Vec<String> {
        Engine::take_log(self)
    }
    fn flush_aof_for_shutdown(&mut self) {
        Engine::flush_aof_for_shutdown(self)
    }
}

impl AofTarget for Executor {
    fn poll_storage(&mut self) -> Option<StorageOp> {
        Executor::poll_storage(self)
    }
    fn handle_storage(&mut self, ev: StorageEvent, now_ms: u64) {
        Executor::handle_storage(self, ev, now_ms)
    }
    fn dbs(&self) -> &[Db] {
        Executor::dbs(self)
    }
    fn take_log(&mut self) -> Vec<String> {
        Executor::take_log(self)
    }
    fn flush_aof_for_shutdown(&mut self) {
        Executor::flush_aof_for_shutdown(self)
    }
}

/// Wakes the event loop that owns the target (a `mio::Waker`).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// Loads the AOF (or, with `appendonly no`, reads its manifest) into
/// `target` and returns the storage to keep performing ops on. The error
/// is the message Redis would log before exiting 1.
pub fn load(config: &Config, target: &mut impl AofTarget, now_ms: u64) -> Result<FsStorage, String> {
    let mut storage = FsStorage::new(&config.dir, &config.appenddirname);
    let started = Instant::now();
    let startup = ferrodis_persistence::load::startup(&mut storage, config, target, now_ms)
        .map_err(|e| format!("Fatal error loading the DB: {e}. Exiting."))?;
    for line in &startup.log {
        log::notice(line);
    }
    // As Redis: not when there was nothing to load (the files were just
    // created).
    if config.appendonly && startup.created.is_empty() {
        log::notice(&format!("DB loaded from append only file: {:.3} seconds", started.elapsed().as_secs_f64()));
    }
    flush_log(target);
    Ok(storage)
}

/// The background fsync thread and its one job in flight.
struct Fsyncer {
    jobs: Option<mpsc::Sender<(File, u64)>>,
    done: mpsc::Receiver<StorageEvent>,
    in_flight: bool,
    thread: Option<thread::JoinHandle<()>>,
}

impl Fsyncer {
    fn spawn(wake: Wake) -> std::io::Result<Fsyncer> {
        let (jobs, job_rx) = mpsc::channel::<(File, u64)>();
        let (done_tx, done) = mpsc::channel();
        let thread = thread::Builder::new().name("bio_aof".into()).spawn(move || {
            for (file, through) in job_rx {
                let ev = match file.sync_data() {
                    Ok(()) => StorageEvent::Synced { through },
                    Err(e) => StorageEvent::SyncFailed { error: e.to_string() },
                };
                drop(file);
                if done_tx.send(ev).is_err() {
                    return;
                }
                wake();
            }
        })?;
        Ok(Fsyncer { jobs: Some(jobs), done, in_flight: false, thread: Some(thread) })
    }

    fn start(&mut self, file: File, through: u64) -> Result<(), String> {
        assert!(!self.in_flight, "the engine asked for a second fsync while one runs");
        let jobs = self.jobs.as_ref().ok_or("the fsync thread is stopped")?;
        jobs.send((file, through)).map_err(|_| "the fsync thread is gone".to_string())?;
        self.in_flight = true;
        Ok(())
    }

    /// The finished fsync's report, if one arrived (waiting for it when
    /// `wait`).
    fn finished(&mut self, wait: bool) -> Option<StorageEvent> {
        if !self.in_flight {
            return None;
        }
        let ev = if wait {
            self.done.recv().unwrap_or_else(|_| StorageEvent::SyncFailed { error: "the fsync thread died".into() })
        } else {
            match self.done.try_recv() {
                Ok(ev) => ev,
                Err(mpsc::TryRecvError::Empty) => return None,
                Err(mpsc::TryRecvError::Disconnected) => {
                    StorageEvent::SyncFailed { error: "the fsync thread died".into() }
                }
            }
        };
        self.in_flight = false;
        Some(ev)
    }
}

impl Drop for Fsyncer {
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A running rewrite child.
struct Child {
    pid: Pid,
    temp_base: String,
}

pub struct AofDriver {
    storage: FsStorage,
    fsync: Fsyncer,
    child: Option<Child>,
}

impl AofDriver {
    pub fn new(storage: FsStorage, wake: Wake) -> std::io::Result<AofDriver> {
        Ok(AofDriver { storage, fsync: Fsyncer::spawn(wake)?, child: None })
    }

    /// Feeds finished work back and performs every op `target` has.
    pub fn pump(&mut self, target: &mut impl AofTarget, now_ms: u64) {
        if let Some(ev) = self.fsync.finished(false) {
            target.handle_storage(ev, now_ms);
        }
        self.reap(target, now_ms);
        while let Some(op) = target.poll_storage() {
            self.perform(op, target, now_ms);
        }
        flush_log(target);
    }

    fn perform(&mut self, op: StorageOp, target: &mut impl AofTarget, now_ms: u64) {
        match op {
            StorageOp::Fsync { file, through } => {
                let started = self.storage.sync_handle(&file).map_err(|e| e.to_string());
                if let Err(error) = started.and_then(|handle| self.fsync.start(handle, through)) {
                    target.handle_storage(StorageEvent::SyncFailed { error }, now_ms);
                }
            }
            StorageOp::Fork { temp_base } => {
                let result = self.fork(temp_base, target.dbs());
                target.handle_storage(StorageEvent::Forked(result), now_ms);
            }
            op => {
                if let Some(ev) = ferrodis_persistence::perform::perform(&mut self.storage, op) {
                    target.handle_storage(ev, now_ms);
                }
            }
        }
    }

    /// Forks the rewrite child; the time the fork took, in µs.
    fn fork(&mut self, temp_base: String, dbs: &[Db]) -> Result<u64, String> {
        assert!(self.child.is_none(), "one rewrite at a time");
        // BGREWRITEAOF with the AOF off may be the first file of the directory.
        self.storage.ensure_dir().map_err(|e| format!("can't create the AOF directory: {e}"))?;
        let path = self.storage.path(&temp_base).map_err(|e| e.to_string())?;
        // Opened before the fork: the child only writes.
        let file = File::create(&path).map_err(|e| format!("can't create {temp_base}: {e}"))?;
        let mut out = BufWriter::with_capacity(CHILD_BUFFER_BYTES, file);
        let started = Instant::now();
        // SAFETY: the child has only this thread. It runs only
        // `write_child` (reads of the snapshot, writes to its own buffered
        // file, allocations from this thread's mimalloc heap, which takes
        // no lock another thread could have held at the fork) and leaves
        // with `_exit`: no destructors, no stdio flush, no logging.
        match unsafe { fork() } {
            Ok(ForkResult::Child) => {
                let code = write_child(dbs, &mut out);
                // SAFETY: `_exit` ends the process at once, as a forked
                // child must.
                unsafe { nix::libc::_exit(code) }
            }
            Ok(ForkResult::Parent { child }) => {
                let fork_usec = started.elapsed().as_micros() as u64;
                // The parent's copy of the buffer is empty: nothing to flush.
                drop(out.into_parts());
                self.child = Some(Child { pid: child, temp_base });
                Ok(fork_usec)
            }
            Err(e) => {
                drop(out.into_parts());
                let _ = self.storage.remove(&temp_base);
                Err(e.desc().to_string())
            }
        }
    }

    /// Reports the rewrite child's end, if it ended.
    fn reap(&mut self, target: &mut impl AofTarget, now_ms: u64) {
        let Some(child) = &self.child else { return };
        let result = match waitpid(child.pid, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::Exited(_, 0)) => match self.storage.len(&child.temp_base) {
                Ok(Some(size)) => Ok(size),
                Ok(None) => Err(format!("{} is missing", child.temp_base)),
                Err(e) => Err(e.to_string()),
            },
            Ok(WaitStatus::Exited(_, code)) => Err(format!("the rewrite child exited with code {code}")),
            Ok(WaitStatus::Signaled(_, sig, _)) => Err(format!("the rewrite child was killed by {sig}")),
            Ok(_) => return,
            Err(e) => Err(format!("waitpid: {e}")),
        };
        self.child = None;
        target.handle_storage(StorageEvent::RewriteDone(result), now_ms);
    }

    /// Shutdown: no rewrite survives it, and everything the engine still
    /// has goes to disk, fsynced, before the process exits.
    pub fn shutdown(&mut self, target: &mut impl AofTarget, now_ms: u64) {
        if let Some(child) = self.child.take() {
            log::warning("There is a child rewriting the AOF. Killing it!");
            let _ = kill(child.pid, Signal::SIGKILL);
            let _ = waitpid(child.pid, None);
            let _ = self.storage.remove(&child.temp_base);
        }
        if let Some(ev) = self.fsync.finished(true) {
            target.handle_storage(ev, now_ms);
        }
        target.flush_aof_for_shutdown();
        let mut fsynced = false;
        for _ in 0..SHUTDOWN_OPS_MAX {
            let Some(op) = target.poll_storage() else { break };
            let ev = match op {
                StorageOp::Fsync { file, through } => {
                    if !fsynced {
                        log::notice("Calling fsync() on the AOF file.");
                        fsynced = true;
                    }
                    match self.storage.fsync(&file) {
                        Ok(()) => Some(StorageEvent::Synced { through }),
                        Err(e) => Some(StorageEvent::SyncFailed { error: e.to_string() }),
                    }
                }
                // No new rewrite on the way out.
                StorageOp::Fork { .. } => break,
                op => ferrodis_persistence::perform::perform(&mut self.storage, op),
            };
            if let Some(ev) = ev {
                target.handle_storage(ev, now_ms);
            }
        }
        flush_log(target);
    }
}

/// The child's whole life: the base file from its copy of the keyspace,
/// flushed and fsynced. Its exit status: 0 written, 1 failed.
fn write_child(dbs: &[Db], out: &mut BufWriter<File>) -> i32 {
    if ferrodis_persistence::rewrite::write_base(dbs, out).is_err() || out.flush().is_err() {
        return 1;
    }
    if out.get_ref().sync_all().is_err() {
        return 1;
    }
    0
}

/// The engine's log lines, in Redis's format.
fn flush_log(target: &mut impl AofTarget) {
    for line in target.take_log() {
        log::notice(&line);
    }
}
