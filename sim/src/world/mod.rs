//! The world: one engine (in the composition the seed chooses, see
//! [`crate::machine`]), the reference model, simulated clients on a
//! simulated network, and a simulated clock, stepped one [`Event`] at a
//! time. Events come from the seed (the scheduler below) or from a recorded
//! trace (replay and shrinking); applying them is the same code either way.
//!
//! One thread: the engine runs every input to quiescence, so when a
//! delivery completes commands, exactly those commands have executed by the
//! time the read is handled: the model executes them right then, at the
//! same simulated time, and queues the replies they must produce. Split
//! ([`split`]): delivered commands wait in the ring, and the model executes
//! each when the executor takes its request. Either way the engine's
//! command counter cross-checks the model's count after every step that
//! can execute.
//!
//! `conns.rs` sends, delivers, executes and closes; `schedule.rs` draws
//! the next event; `split.rs` holds split mode's steps; `replies.rs` reads
//! and checks what the engine answered; `blocking.rs`, `pubsub.rs` and
//! `txgen.rs` drive blocked clients, published messages and transactions;
//! `aof.rs` drives AOF runs on the simulated disk (crashes, restarts) and
//! `durable.rs` holds what their checks compare.

pub mod aof;
mod blocking;
mod conns;
pub mod durable;
mod pubsub;
mod replies;
mod schedule;
mod split;
mod txgen;

use std::collections::{BTreeSet, VecDeque};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use ferrodis_engine::{Config, ConnId};

use crate::check::Checker;
use crate::cmd::Cmd;
use crate::fault::FaultCounts;
use crate::machine::Machine;
use crate::model::{Model, ScanCtx, Session};
use crate::swarm::{Mode, Options, SplitOptions};
use crate::trace::{Event, ScanStep, TraceHash};
use crate::workload::{self, Mix};

/// Simulated Unix time at which every run starts (plus a seed-drawn offset).
pub const EPOCH_MS: i64 = 1_700_000_000_000;
/// The random stream (of the seed's ChaCha8) the extra templates draw from.
const EXTRA_STREAM: u64 = 2;
/// The random stream split mode draws from (the choice of mode, then its
/// schedule): a seed that runs one-thread never touches it.
const SPLIT_STREAM: u64 = 3;
/// The random stream AOF runs draw from (options, delays, the disk): a run
/// without AOF never touches it.
const AOF_STREAM: u64 = 4;
/// The random stream the blocking templates draw from.
const BLOCKING_STREAM: u64 = 5;
/// Templates AOF runs leave out: INCRBYFLOAT's results may be uncertain in
/// the model (x87 long double), and a crash checks states by exact content;
/// OBJECT shows encodings and shared integers, which a reload rebuilds its
/// own way (Redis's too), not data.
/// Pub/sub: a crash loses subscriptions the model's history does not track.
const AOF_EXCLUDED: &[&str] =
    &["incrbyfloat", "hincrbyfloat", "object", "subscribe", "psubscribe", "ssubscribe", "publish", "spublish"];
/// A scan session longer than this many calls has not terminated.
const SCAN_CALLS_MAX: u32 = 100_000;

/// Why a run failed.
#[derive(Clone, Debug)]
pub struct Failure {
    pub step: u64,
    pub message: String,
}

/// Counters of one run.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunStats {
    pub steps: u64,
    pub commands: u64,
    pub faults: FaultCounts,
}

struct Pending {
    /// Offset in the client's send buffer just past this command.
    end: usize,
    cmd: Cmd,
    scan: ScanStep,
}

impl Pending {
    /// A copy to run again (a parked blocking command).
    fn clone_for_rerun(&self) -> Pending {
        Pending { end: self.end, cmd: self.cmd.clone(), scan: self.scan }
    }
}

enum ScanState {
    /// The last SCAN's reply has not been read yet.
    Waiting,
    /// The next call uses this cursor.
    Ready(u64),
}

struct ScanSession {
    /// The session's first call: later calls repeat its options.
    first: Cmd,
    ctx: ScanCtx,
    state: ScanState,
    /// [`crate::model::key_hash`]es of the keys returned so far.
    seen: BTreeSet<u64>,
    calls: u32,
}

#[derive(Default)]
struct Client {
    conn: Option<ConnId>,
    sess: Session,
    sendbuf: Vec<u8>,
    delivered: usize,
    pending: VecDeque<Pending>,
    checker: Checker,
    /// QUIT was sent: nothing more is sent on this connection.
    quit_sent: bool,
    /// QUIT executed: the engine will close once the reply is read.
    closing: bool,
    scan: Option<ScanSession>,
    /// Split mode: commands delivered whole, waiting for the executor.
    parsed: VecDeque<Pending>,
    /// The transaction this client is sending (see `txgen.rs`).
    tx: Option<txgen::TxStage>,
}

impl Client {
    fn in_flight(&self) -> usize {
        self.pending.len() + self.checker.items.len()
    }

    fn undelivered(&self) -> usize {
        self.sendbuf.len() - self.delivered
    }
}

pub struct World {
    pub machine: Machine,
    pub model: Model,
    clients: Vec<Client>,
    pub opts: Options,
    mix: Mix,
    rng: ChaCha8Rng,
    /// The extra templates ([`workload::extra_templates`]) and their own
    /// random stream: a seed whose `opts.extra_pct` is 0 never touches
    /// either, so it draws what it drew before they existed.
    extra_mix: Mix,
    extra_rng: ChaCha8Rng,
    /// Connections opened so far: the engine numbers them 1, 2, ...
    opened: i64,
    pub now_ms: i64,
    pub step: u64,
    /// Commands generated so far (seed mode).
    sent: u64,
    pub stats: RunStats,
    pub hash: TraceHash,
    /// Every applied event, when recording.
    pub trace: Option<Vec<Event>>,
    /// The trace hash after every step, when recording them.
    pub step_hashes: Option<Vec<u64>>,
    inline_ok: bool,
    commands_seen: u64,
    pool: Vec<Cmd>,
    /// Split mode: how it is scheduled, its own random stream, and the
    /// connections clients closed while commands of theirs were still in
    /// the ring (they execute, and their replies go nowhere).
    split: Option<SplitOptions>,
    split_rng: ChaCha8Rng,
    gone: std::collections::BTreeMap<ConnId, split::Gone>,
    /// Scratch list of connections the engine asked to close.
    closed: Vec<ConnId>,
    /// Run the engine's invariant checks every this many steps.
    pub check_every: u64,
    /// Steps since the last invariant check.
    steps_since_check: u64,
    /// AOF runs: the driver, the disk, the crash checker's history.
    pub aof: Option<aof::AofSim>,
    /// AOF runs: commands delivered whole, in the order the engine queued
    /// them, that it has not executed yet (it executes nothing while a
    /// rewrite waits for its fork).
    unexec: VecDeque<(usize, Pending)>,
    /// Blocked connections' commands and held requests (`blocking.rs`).
    waiting: blocking::Waiting,
    /// Split mode: replies the model has produced per connection that are
    /// still in the executor's buffers (`replies.rs`, observing a reply).
    exec_replies: std::collections::BTreeMap<ConnId, usize>,
    /// The blocking templates' share of sends (percent), their mix and
    /// their own random stream: a seed that draws 0 never touches either.
    blocking_pct: u32,
    blocking_mix: Mix,
    blocking_rng: ChaCha8Rng,
    /// Percent of sends that start a transaction, and the stream it and
    /// the transactions draw from (see `txgen.rs`).
    tx_pct: u32,
    tx_rng: ChaCha8Rng,
}

/// Whether this engine parses inline commands yet.
fn probe_inline() -> bool {
    let mut m = Machine::one(Config::default(), 0);
    let c = m.open(0);
    m.feed(c, b"PING\r\n", 0);
    m.pending_output(c) == b"+PONG\r\n"
}

impl World {
    /// Builds the world a seed describes. `faults: false` draws the
    /// fault-free options (throughput runs); `tweak` adjusts the engine's
    /// config (phase 2: planted bugs); templates named in `exclude` are
    /// never drawn; `mode` picks the composition (or lets the seed pick).
    pub fn new(seed: u64, faults: bool, tweak: &dyn Fn(&mut Config), exclude: &[&str], mode: Mode, aof: bool) -> World {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let opts = if faults { Options::swarm(&mut rng) } else { Options::no_faults(&mut rng) };
        let now_ms = EPOCH_MS + rng.gen_range(0..1_000_000_000);
        let mut config = Config {
            ring_capacity: opts.ring_capacity,
            seed,
            hash_max_listpack_entries: crate::model::hash::LISTPACK_ENTRIES_MAX,
            hash_max_listpack_value_bytes: crate::model::hash::LISTPACK_VALUE_MAX,
            ..Config::default()
        };
        let aof_opts = aof.then(|| {
            let mut aof_rng = ChaCha8Rng::seed_from_u64(seed);
            aof_rng.set_stream(AOF_STREAM);
            let o = aof::AofOptions::draw(&mut aof_rng);
            o.configure(&mut config);
            // Requests queued while a rewrite waits must all fit.
            config.ring_capacity = 4096;
            (o, aof_rng)
        });
        tweak(&mut config);
        let mut split_rng = ChaCha8Rng::seed_from_u64(seed);
        split_rng.set_stream(SPLIT_STREAM);
        let split_drawn = split_rng.gen_bool(0.5);
        let split = match mode {
            Mode::Seed => split_drawn,
            Mode::One => false,
            Mode::Split => true,
        }
        .then(|| SplitOptions::draw(&mut split_rng));
        let mut aof_sim = aof_opts.map(|(o, r)| aof::AofSim::new(o, config.clone(), r));
        let machine = match (&split, aof_sim.as_mut()) {
            (_, Some(a)) => a.start(split.as_ref(), now_ms as u64).expect("an empty disk loads"),
            (Some(o), None) => Machine::split(config, o.sides, o.msg_capacity, now_ms as u64),
            (None, None) => Machine::one(config, now_ms as u64),
        };
        let table = &machine.executor().srv.table;
        let available = |t: &workload::Template| {
            workload::available(table, t) && !exclude.contains(&t.name) && !(aof && AOF_EXCLUDED.contains(&t.name))
        };
        let mix = Mix::new(&available, &mut rng, opts.swarm_mix);
        // Every draw for the extras comes from another stream of the seed,
        // independent of everything above: a seed that draws extra_pct 0
        // runs exactly as before the extras existed. Stream 2 is the first
        // under which the regression seeds (1, 3, 6: `regressions.rs`)
        // draw 0, so they still replay what they were recorded for.
        let mut extra_rng = ChaCha8Rng::seed_from_u64(seed);
        extra_rng.set_stream(EXTRA_STREAM);
        let mut opts = opts;
        opts.extra_pct = if faults { [0, 0, 1, 3][extra_rng.gen_range(0..4)] } else { 0 };
        let extra_mix = Mix::over(workload::extra_templates(), &available, &mut extra_rng, true);
        if extra_mix.is_empty() {
            opts.extra_pct = 0;
        }
        // The blocking templates draw from a stream of their own (a seed
        // drawing blocking_pct 0 runs as before they existed). Not in AOF
        // runs: those execute by the engine's command count (`catch_up`),
        // which re-runs of served clients and held requests would skew.
        let mut blocking_rng = ChaCha8Rng::seed_from_u64(seed);
        blocking_rng.set_stream(BLOCKING_STREAM);
        let mut blocking_pct = if faults && !aof { [0, 3, 8, 20][blocking_rng.gen_range(0..4)] } else { 0 };
        let blocking_mix = Mix::over(workload::BLOCKING_TEMPLATES, &available, &mut blocking_rng, false);
        if blocking_mix.is_empty() {
            blocking_pct = 0;
        }
        let mut tx_rng = ChaCha8Rng::seed_from_u64(seed);
        tx_rng.set_stream(txgen::TX_STREAM);
        let tx_pct = if table.lookup(b"multi").is_some() { [0, 2, 5, 10][tx_rng.gen_range(0..4)] } else { 0 };
        let mut model = Model::new();
        model.command_count = table.len() as i64;
        let clients = (0..opts.clients).map(|_| Client::default()).collect();
        let mut stats = RunStats::default();
        stats.faults.split_runs = split.is_some() as u64;
        stats.faults.aof_runs = aof as u64;
        if let Some(a) = aof_sim.as_mut() {
            a.history.reset(model.seq, &model.dbs);
        }
        World {
            machine,
            model,
            extra_mix,
            extra_rng,
            opened: 0,
            clients,
            opts,
            mix,
            rng,
            now_ms,
            step: 0,
            sent: 0,
            stats,
            hash: TraceHash::default(),
            trace: None,
            step_hashes: None,
            inline_ok: probe_inline(),
            commands_seen: 0,
            pool: Vec::new(),
            split,
            split_rng,
            gone: Default::default(),
            closed: Vec::new(),
            check_every: 1,
            steps_since_check: 0,
            aof: aof_sim,
            unexec: VecDeque::new(),
            waiting: Default::default(),
            exec_replies: Default::default(),
            blocking_pct,
            blocking_mix,
            blocking_rng,
            tx_pct,
            tx_rng,
        }
    }

    fn fail<T>(&self, message: String) -> Result<T, Failure> {
        Err(Failure { step: self.step, message })
    }

    /// Applies one event.
    pub fn apply(&mut self, ev: Event) -> Result<(), Failure> {
        self.step += 1;
        self.stats.steps += 1;
        // Recorded before applying, so a failing trace ends with the
        // event that failed.
        if let Some(t) = &mut self.trace {
            t.push(ev.clone());
        }
        self.apply_inner(ev)?;
        // A counter rather than `step % check_every` (no division per
        // step); the same steps as long as `check_every` is set before the
        // first step, as `run` does.
        self.steps_since_check += 1;
        if self.steps_since_check >= self.check_every {
            self.steps_since_check = 0;
            self.machine.check_invariants();
            self.check_blocked()?;
        }
        if let Some(h) = &mut self.step_hashes {
            h.push(self.hash.0);
        }
        Ok(())
    }

    fn apply_inner(&mut self, ev: Event) -> Result<(), Failure> {
        match ev {
            Event::Open { client } => self.open(client as usize),
            Event::Send { client, cmd, scan, inline } => self.send(client as usize, cmd, scan, inline),
            Event::Deliver { client, len } => self.deliver(client as usize, len as usize)?,
            Event::Read { client, len } => self.read(client as usize, len as usize)?,
            Event::Close { client } => self.close(client as usize),
            Event::Clock { delta_ms } => self.clock(delta_ms),
            Event::Tick => {
                self.hash.u64(7);
                self.machine.tick(self.now_ms as u64);
                self.block_timeouts(self.now_ms);
            }
            Event::Exec { n } => self.exec_step(n as usize)?,
            Event::SideStep { side, n } => self.side_step(side as usize, n as usize),
        }
        if self.aof.is_some() {
            self.pump_storage()?;
            self.catch_up()?;
            if !self.unexec.is_empty() && !self.machine.executor().is_waiting() {
                return self.fail(format!("the engine left {} delivered commands unexecuted", self.unexec.len()));
            }
        }
        self.handle_closes()
    }

    /// Connections the engine closed: only after QUIT, and only once every
    /// reply was read.
    fn handle_closes(&mut self) -> Result<(), Failure> {
        self.machine.poll_closes(&mut self.closed);
        while let Some(conn) = self.closed.pop() {
            let Some(ci) = self.clients.iter().position(|c| c.conn == Some(conn)) else {
                continue;
            };
            let c = &self.clients[ci];
            if !c.closing {
                return self.fail(format!("c{ci}: the engine closed the connection, but no command asked for it"));
            }
            if let Some(item) = c.checker.items.front() {
                return self.fail(format!("c{ci}: connection closed before the reply to `{}`", item.cmd.render()));
            }
            self.close(ci);
        }
        Ok(())
    }

    fn open(&mut self, ci: usize) {
        let c = &mut self.clients[ci];
        if c.conn.is_some() {
            return;
        }
        c.conn = Some(self.machine.open(self.now_ms as u64));
        self.opened += 1;
        c.sess.id = self.opened;
        self.hash.u64(1);
        self.hash.u64(ci as u64);
    }

    fn clock(&mut self, delta_ms: i64) {
        let mut next = self.now_ms + delta_ms;
        if delta_ms < 0 {
            if let Some(at) = self.model.latest_expired_at(self.now_ms) {
                next = next.max(at + 1);
            }
            next = next.min(self.now_ms);
        }
        self.now_ms = next;
        self.hash.u64(5);
        self.hash.u64(next as u64);
        if self.now_ms as u64 >= self.machine.poll_deadline() {
            self.machine.tick(self.now_ms as u64);
            self.block_timeouts(self.now_ms);
        }
    }

    /// Delivers and reads everything outstanding, then checks that every
    /// reply arrived. Ends every run.
    pub fn drain(&mut self) -> Result<(), Failure> {
        let split = self.split.is_some();
        for _ in 0..4 {
            self.settle_storage()?;
            for ci in 0..self.clients.len() {
                let c = &self.clients[ci];
                let (undelivered, connected) = (c.undelivered(), c.conn.is_some());
                if connected {
                    self.apply(Event::Deliver { client: ci as u8, len: undelivered as u32 })?;
                    self.settle_storage()?;
                    if split {
                        self.settle_split()?;
                    }
                    self.apply(Event::Read { client: ci as u8, len: u32::MAX })?;
                }
            }
        }
        if split {
            self.settle_split()?;
        }
        for (ci, c) in self.clients.iter().enumerate() {
            if let Some(item) = c.checker.items.front() {
                let aof = self.aof.as_ref().map_or(String::new(), |a| a.describe(self.machine.executor()));
                return self.fail(format!(
                    "c{ci}: no reply to `{}` (executed at step {}); received {}{aof}",
                    item.cmd.render(),
                    item.step,
                    crate::check::describe(c.checker.unread_inbox())
                ));
            }
        }
        self.machine.check_invariants();
        Ok(())
    }
}
