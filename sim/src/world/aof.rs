//! AOF runs: the engine with `appendonly yes` on the simulated disk
//! ([`crate::fault::disk`]), its storage ops performed as a driver would,
//! crashes at any storage step, restarts that load from the disk, and the
//! check of what survived ([`super::durable`]).
//!
//! # The driver
//! After every world step the world polls the engine's storage ops and
//! performs them in order: appends at once; an fsync completes a seeded
//! number of steps later (appends go on meanwhile, so one fsync covers
//! several clients' writes: group commit); `Fork` writes the point-in-time
//! view ([`ferrodis_persistence::rewrite::write_base`] of the databases at
//! the fork instant) to the temp file in chunks over later steps, while the
//! parent keeps executing, then reports `RewriteDone`; every other op goes
//! through [`ferrodis_persistence::perform::perform`].
//!
//! # Crashes
//! The disk may lose power before any mutating call (so in the middle of
//! an op's steps: between an append and its fsync, inside a rewrite
//! before or after the incr switch, before or after the manifest's
//! rename). The world then drops the engine and every connection, applies
//! the crash to the disk, reads what the disk holds in its own code,
//! starts a new engine that loads with
//! [`ferrodis_persistence::load::startup`], checks both against the
//! model's history and each other, and continues the workload from the
//! recovered state. An injected append or fsync failure is followed by a
//! crash too, once the engine has seen it (the MISCONF replies that would
//! follow are not modelled).
//!
//! Both compositions run AOF. Split, the executor is one actor among the
//! sides: storage ops are performed after every world step as above,
//! requests wait in the ring while a rewrite's first steps hold the
//! executor, and each executed command's state gets its exact AOF offset.

use std::collections::VecDeque;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use ferrodis_engine::aof::{FsyncPolicy, StorageEvent, StorageOp};
use ferrodis_engine::Config;
use ferrodis_persistence::Storage;

use super::durable::{self, History};
use super::{Failure, World};
use crate::fault::disk::{DiskOptions, SimDisk};
use crate::machine::Machine;
use crate::swarm::SplitOptions;

/// What a seed's AOF run looks like (drawn from its own random stream).
#[derive(Clone, Debug)]
pub struct AofOptions {
    pub policy: FsyncPolicy,
    /// BGREWRITEAOF among the commands sent, per mille.
    pub bgrewrite_per_mille: u32,
    /// `auto-aof-rewrite-min-size` (None: the default 64 MB, never reached).
    pub auto_rewrite_min_bytes: Option<u64>,
    /// An fsync completes 0..=this many steps after it is polled.
    pub fsync_delay_steps_max: u32,
    /// The rewrite child writes one chunk of at most this many bytes per step.
    pub child_chunk_bytes: usize,
    pub disk: DiskOptions,
    /// Crashes after this many are not injected any more.
    pub crashes_max: u64,
}

impl AofOptions {
    pub fn draw(rng: &mut ChaCha8Rng) -> AofOptions {
        let policy =
            [FsyncPolicy::Always, FsyncPolicy::Always, FsyncPolicy::EverySec, FsyncPolicy::No][rng.gen_range(0..4)];
        let faults = rng.gen_bool(0.5);
        AofOptions {
            policy,
            bgrewrite_per_mille: [0, 2, 10][rng.gen_range(0..3)],
            auto_rewrite_min_bytes: rng.gen_bool(0.5).then(|| [1_000, 4_000, 20_000][rng.gen_range(0..3)]),
            fsync_delay_steps_max: [0, 3, 20][rng.gen_range(0..3)],
            child_chunk_bytes: [64, 1_000, 1 << 20][rng.gen_range(0..3)],
            disk: DiskOptions {
                power_loss_per_10k: [5, 20, 60][rng.gen_range(0..3)],
                fail_fsync_per_10k: if faults { rng.gen_range(0..20) } else { 0 },
                fail_append_per_10k: if faults { rng.gen_range(0..10) } else { 0 },
                zero_tail_pct: [0, 20, 60][rng.gen_range(0..3)],
            },
            crashes_max: [2, 5, 20][rng.gen_range(0..3)],
        }
    }

    /// The engine's config for these options.
    pub fn configure(&self, c: &mut Config) {
        c.appendonly = true;
        c.appendfsync = self.policy;
        if let Some(min) = self.auto_rewrite_min_bytes {
            c.auto_aof_rewrite_min_size_bytes = min;
        }
    }
}

/// The clock the simulator's own replay of AOF files runs at: before any
/// deadline, as nothing expires while Redis loads.
const LOAD_CLOCK_MS: i64 = 0;

struct Fsync {
    due_step: u64,
    file: String,
    through: u64,
}

/// The rewrite child: the snapshot's bytes, written over later steps.
struct Child {
    temp: String,
    bytes: Vec<u8>,
    written: usize,
    created: bool,
}

/// An AOF run's driver state.
pub struct AofSim {
    pub opts: AofOptions,
    pub disk: SimDisk,
    /// The engine's config, for restarts.
    config: Config,
    rng: ChaCha8Rng,
    fsyncs: VecDeque<Fsync>,
    child: Option<Child>,
    pub history: History,
    /// The latest the clock has been (it may jump back).
    high_ms: i64,
}

impl AofSim {
    pub fn new(opts: AofOptions, config: Config, mut rng: ChaCha8Rng) -> AofSim {
        let disk_rng = ChaCha8Rng::from_rng(&mut rng).expect("chacha seeds chacha");
        let disk = SimDisk::new(opts.disk.clone(), disk_rng);
        AofSim {
            opts,
            disk,
            config,
            rng,
            fsyncs: VecDeque::new(),
            child: None,
            history: History::default(),
            high_ms: i64::MIN,
        }
    }

    /// The driver's and the engine's AOF state, for failure reports.
    pub fn describe(&self, exec: &ferrodis_engine::exec::Executor) -> String {
        let aof = &exec.srv.aof;
        format!(
            "\n  AOF: end_offset={} synced={} fsync_in_flight={} rewrite={} waiting={} error={:?}; driver: {} fsyncs queued, child {}",
            aof.end_offset(),
            aof.synced(),
            aof.fsync_in_flight(),
            aof.rewrite_in_progress(),
            aof.is_waiting(),
            aof.write_error(),
            self.fsyncs.len(),
            self.child.as_ref().map_or("none".into(), |c| format!("{} of {} bytes", c.written, c.bytes.len())),
        )
    }

    /// Whether the next command sent is a BGREWRITEAOF.
    pub fn bgrewrite_now(&mut self) -> bool {
        self.opts.bgrewrite_per_mille > 0 && self.rng.gen_range(0..1000) < self.opts.bgrewrite_per_mille
    }

    /// A fresh machine of the composition `split` names (None: one
    /// thread), loaded from the disk (faults off while it loads).
    pub fn start(&mut self, split: Option<&SplitOptions>, now_ms: u64) -> Result<Machine, String> {
        self.disk.arm(false);
        let mut machine = match split {
            None => Machine::one(self.config.clone(), now_ms),
            Some(o) => Machine::split(self.config.clone(), o.sides, o.msg_capacity, now_ms),
        };
        let started = match &mut machine {
            Machine::One(e) => ferrodis_persistence::load::startup(&mut self.disk, &self.config, &mut **e, now_ms),
            Machine::Split(sp) => {
                ferrodis_persistence::load::startup(&mut self.disk, &self.config, &mut sp.exec, now_ms)
            }
        };
        self.disk.arm(self.disk.counts.crashes < self.opts.crashes_max);
        started.map_err(|e| e.to_string())?;
        self.fsyncs.clear();
        self.child = None;
        Ok(machine)
    }
}

/// What performing one storage step led to.
enum Outcome {
    Event(StorageEvent),
    Nothing,
    /// The disk lost power: crash now.
    Crash,
}

impl World {
    /// Performs the engine's storage work due at this step (see the module
    /// doc); crashes and restarts when the disk loses power.
    pub(super) fn pump_storage(&mut self) -> Result<(), Failure> {
        if self.aof.is_none() {
            return Ok(());
        }
        for _ in 0..100_000 {
            match self.storage_step(false)? {
                true => continue,
                false => return Ok(()),
            }
        }
        self.fail("the storage ops did not settle".into())
    }

    /// Completes every fsync and the rewrite child now (the end of a run).
    pub(super) fn settle_storage(&mut self) -> Result<(), Failure> {
        if self.aof.is_none() {
            return Ok(());
        }
        for _ in 0..100_000 {
            if !self.storage_step(true)? {
                return Ok(());
            }
        }
        self.fail("the storage ops did not settle".into())
    }

    /// One storage step: a due fsync, a chunk of the child, or the next
    /// op. False when nothing was due.
    fn storage_step(&mut self, all_due: bool) -> Result<bool, Failure> {
        let now = self.now_ms as u64;
        let step = self.step;
        let a = self.aof.as_mut().expect("an AOF run");
        self.stats.faults.disk = a.disk.counts;
        a.high_ms = a.high_ms.max(self.now_ms);
        // A rewrite's first fsync completes at once: the engine executes
        // nothing until its fork, so commands never wait across steps.
        let all_due = all_due || self.machine.executor().srv.aof.is_waiting();
        let a = self.aof.as_mut().expect("an AOF run");
        let outcome = if a.fsyncs.front().is_some_and(|f| all_due || f.due_step <= step) {
            let f = a.fsyncs.pop_front().expect("front exists");
            match a.disk.fsync(&f.file) {
                _ if a.disk.is_dead() => Outcome::Crash,
                Ok(()) => {
                    a.history.durable_through(f.through);
                    Outcome::Event(StorageEvent::Synced { through: f.through })
                }
                Err(e) => Outcome::Event(StorageEvent::SyncFailed { error: e.to_string() }),
            }
        } else if a.child.is_some() && (all_due || a.rng.gen_bool(0.3)) {
            let chunk = a.opts.child_chunk_bytes;
            let c = a.child.as_mut().expect("checked");
            let r = if !c.created {
                c.created = true;
                a.disk.create(&c.temp)
            } else if c.written < c.bytes.len() {
                let end = (c.written + chunk).min(c.bytes.len());
                let r = a.disk.append(&c.temp, &c.bytes[c.written..end]);
                c.written = end;
                r
            } else {
                let r = a.disk.fsync(&c.temp);
                let len = c.bytes.len() as u64;
                a.child = None;
                match r {
                    _ if a.disk.is_dead() => return self.crash_restart().map(|()| true),
                    Ok(()) => {
                        self.engine_event(StorageEvent::RewriteDone(Ok(len)), now)?;
                        return Ok(true);
                    }
                    Err(e) => Err(e),
                }
            };
            match r {
                _ if a.disk.is_dead() => Outcome::Crash,
                Ok(()) => Outcome::Nothing,
                Err(e) => {
                    a.child = None;
                    Outcome::Event(StorageEvent::RewriteDone(Err(e.to_string())))
                }
            }
        } else {
            let Some(op) = self.machine.poll_storage() else {
                return Ok(false);
            };
            let a = self.aof.as_mut().expect("an AOF run");
            match op {
                StorageOp::Fsync { file, through } => {
                    let due_step = step + a.rng.gen_range(0..=a.opts.fsync_delay_steps_max) as u64;
                    a.fsyncs.push_back(Fsync { due_step, file, through });
                    Outcome::Nothing
                }
                StorageOp::Fork { temp_base } => {
                    let mut bytes = Vec::new();
                    let dbs = self.machine.executor().dbs();
                    ferrodis_persistence::rewrite::write_base(dbs, &mut bytes).expect("writing to a Vec");
                    let a = self.aof.as_mut().expect("an AOF run");
                    a.child = Some(Child { temp: temp_base, bytes, written: 0, created: false });
                    Outcome::Event(StorageEvent::Forked(Ok(100)))
                }
                op => {
                    let installs = matches!(op, StorageOp::InstallRewrite { .. });
                    let plant = ferrodis_engine::planted::Plant::from_config(&a.config);
                    let ev = ferrodis_persistence::perform::perform_planted(&mut a.disk, op, plant);
                    if a.disk.is_dead() {
                        Outcome::Crash
                    } else {
                        if installs && matches!(ev, Some(StorageEvent::RewriteInstalled(Ok(())))) {
                            self.stats.faults.rewrites += 1;
                        }
                        ev.map_or(Outcome::Nothing, Outcome::Event)
                    }
                }
            }
        };
        match outcome {
            Outcome::Crash => self.crash_restart()?,
            Outcome::Event(ev) => self.engine_event(ev, now)?,
            Outcome::Nothing => {}
        }
        Ok(true)
    }

    /// Reports `ev` to the engine; an injected failure that left the AOF
    /// failed is followed by a crash (see the module doc).
    fn engine_event(&mut self, ev: StorageEvent, now: u64) -> Result<(), Failure> {
        self.machine.handle_storage(ev, now);
        let _ = self.machine.take_log();
        if self.machine.executor().srv.aof.write_error().is_some() {
            return self.crash_restart();
        }
        Ok(())
    }

    /// The crash: drop the engine and the connections, apply the crash to
    /// the disk, check what it holds, restart and load, check what the
    /// engine loaded, continue from there.
    pub(super) fn crash_restart(&mut self) -> Result<(), Failure> {
        let a = self.aof.as_mut().expect("an AOF run");
        // Datasets are compared on the keys alive at the latest time the
        // clock has shown: a key that expired then may be deleted in the
        // files (its DEL went out, the write after it was cut off) though
        // alive again at a clock that jumped back since, and Redis is the
        // same there.
        let clock_ms = self.now_ms;
        let now = clock_ms.max(a.high_ms);
        a.disk.crash();
        self.stats.faults.restarts += 1;
        let prefix = a.config.appendfilename.clone();
        if let Ok(dir) = std::env::var("FERRODIS_SIM_AOF_DUMP") {
            // Debugging aid: the files the crash left, before loading.
            let _ = std::fs::create_dir_all(&dir);
            for name in a.disk.list().unwrap_or_default() {
                if let Some(c) = a.disk.content(&name) {
                    let _ = std::fs::write(format!("{dir}/{}.{name}", a.disk.counts.crashes), c);
                }
            }
        }
        // Replayed as the engine loads: nothing expires while a file loads
        // (Redis `keyIsExpired` during loading), so at a clock before every
        // deadline; the digests then look at the keys alive now.
        let on_disk = durable::replay_disk(&mut a.disk, &prefix, self.model.seq, LOAD_CLOCK_MS);
        let started = a.start(self.split.as_ref(), clock_ms as u64);
        let policy = a.opts.policy;
        let machine = match (on_disk.as_ref(), started) {
            (Ok(_), Ok(e)) => e,
            (Err(why), Err(e)) => {
                return self.fail(format!("after a crash the disk holds no loadable AOF ({why}); startup: {e}"))
            }
            (Ok(_), Err(e)) => return self.fail(format!("after a crash the engine failed to start: {e}")),
            (Err(why), Ok(_)) => {
                return self.fail(format!(
                    "after a crash the engine loaded files that replay to no history (the simulator's replay: {why})"
                ))
            }
        };
        let disk_model = on_disk.expect("matched above").model;
        let want = durable::digest(&disk_model.dbs).at(now);
        // What the engine loaded, read out through the rewrite visitor.
        let mut dump = Vec::new();
        ferrodis_persistence::rewrite::write_base(machine.executor().dbs(), &mut dump).expect("writing to a Vec");
        let mut loaded = durable::Replayer::new(0, LOAD_CLOCK_MS);
        let bad = match loaded.feed(&dump) {
            Ok((_, bad)) => bad,
            Err(e) => return self.fail(format!("the loaded dataset's dump: {e}")),
        };
        if bad {
            return self.fail("the loaded dataset's dump is not whole RESP commands".into());
        }
        if durable::digest(&loaded.model.dbs).at(now) != want {
            let d = durable::diff(&disk_model.dbs, &loaded.model.dbs, now, 8);
            return self.fail(format!(
                "after a crash the engine loaded another dataset than the files hold (disk vs engine):\n    {}",
                d.join("\n    ")
            ));
        }
        let a = self.aof.as_ref().expect("an AOF run");
        let (floor, latest) = (a.history.floor(), a.history.latest());
        if a.history.find(want, now).is_none() {
            let d = durable::diff(&self.model.dbs, &disk_model.dbs, now, 8);
            return self.fail(format!(
                "after crash {} ({}) the disk holds a dataset equal to no state the model had from command {floor} \
                 (the durable floor) to {latest}; vs the latest (model vs disk):\n    {}",
                a.disk.counts.crashes,
                policy.name(),
                d.join("\n    ")
            ));
        }
        // The engine's dataset is the model's from here on.
        self.model.dbs = disk_model.dbs;
        self.model.seq += 1;
        self.machine = machine;
        for ci in 0..self.clients.len() {
            self.forget_client(ci);
        }
        // Closed connections' commands still in the old ring died with it,
        // and every session's watches, blocks and held requests with them
        // (ids restart from 1 after a crash).
        let gone = std::mem::take(&mut self.gone);
        self.pool.extend(gone.into_values().flat_map(|g| g.into_cmds()));
        self.model.watches.clear();
        self.model.blocks = Default::default();
        self.reset_waiting();
        self.exec_replies.clear();
        self.opened = 0;
        self.commands_seen = self.machine.executor().srv.stats.total_commands_processed;
        let a = self.aof.as_mut().expect("an AOF run");
        a.history.reset(self.model.seq, &self.model.dbs);
        self.stats.faults.disk = a.disk.counts;
        self.hash.u64(10);
        self.hash.u64(want);
        Ok(())
    }

    /// Records the model's state after the command it just executed.
    pub(super) fn record_state(&mut self) {
        if let Some(a) = self.aof.as_mut() {
            a.history.push(self.model.seq, &self.model.dbs);
        }
    }

    /// After commands executed: the latest state's offset.
    pub(super) fn record_end(&mut self) {
        if let Some(a) = self.aof.as_mut() {
            a.history.set_end(self.machine.executor().srv.aof.end_offset());
        }
    }

    /// A client read the reply to command `seq`.
    pub(super) fn record_released(&mut self, seq: u64) {
        if let Some(a) = self.aof.as_mut() {
            if a.opts.policy == FsyncPolicy::Always {
                a.history.raise_floor(seq);
            }
        }
    }

    /// The held replies of `conn` (under the gate), for observing replies.
    pub(super) fn held_output(&self, conn: ferrodis_engine::ConnId) -> &[u8] {
        let exec = self.machine.executor();
        exec.clients.slot_of(&conn).map_or(&[][..], |s| &exec.clients.at(s).held)
    }
}

/// The files of the AOF directory and their sizes (failure reports).
pub fn listing(disk: &mut SimDisk) -> String {
    let names = disk.list().unwrap_or_default();
    names.iter().map(|n| format!("{n}={}", disk.len(n).ok().flatten().unwrap_or(0))).collect::<Vec<_>>().join(" ")
}
