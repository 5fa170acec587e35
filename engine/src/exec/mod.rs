//! The executor: owns the databases and the client registry, executes
//! requests in ring order, runs timed work, and produces responses.
//!
//! # API (quinn-proto shape)
//! - inputs: [`Executor::handle_accept`] (a connection arrived: admit it
//!   under `maxclients` and give it an id and a side),
//!   [`Executor::handle_request`] (one request from the ring),
//!   [`Executor::handle_tick`], [`Executor::handle_host_stats`]; each with
//!   `now_ms` where time matters (Unix ms, from the driver);
//! - outputs: [`Executor::poll_output`] (replies and limit changes, into a
//!   [`ConnSink`]: a connection side directly, or the ring's queues),
//!   [`Executor::poll_deadline`] (when `handle_tick` is next due),
//!   [`Executor::shutdown_requested`], [`Executor::poll_memory_purge`];
//! - checks: [`Executor::check_invariants`].

pub mod blocking;
mod client_ctl;
pub mod config_file;
pub mod durability;
pub mod listen;
pub mod multi;
pub mod output;

use bytes::Bytes;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use crate::client::{Client, Clients};
use crate::cmd::{self, CmdError, CommandTable};
use crate::conn::ConnLimits;
pub use crate::ctx::{Ctx, HostStats, Server, Stats};
use crate::db::Db;
use crate::limits;
use crate::planted::{Plant, PlantedBug};
use crate::resp::Reply;
use crate::ring::{Request, RequestKind};
use crate::{Config, ConnId};
pub use listen::{ListenChange, ListenFailure, ListenRequest};
pub use output::{Accepted, ConnSink, Rejected, RingSink};

#[derive(Debug)]
pub struct Executor {
    pub srv: Server,
    pub clients: Clients,
    /// Clients with reply bytes not yet handed over (id and slot).
    pending: Vec<(ConnId, usize)>,
    /// Last replies of clients already gone from the registry (QUIT,
    /// protocol error), to hand over with `close_after`.
    closing: Vec<output::Closing>,
    reply: Reply,
    next_tick_ms: u64,
    /// Connection sides the executor serves (one per I/O thread).
    sides: usize,
    /// The next connection id (ids are never reused: CLIENT ID counts up).
    next_conn: u64,
    /// Connections accepted whose `Open` has not been executed yet (they
    /// count against `maxclients` already).
    opening: usize,
    /// The connection limits last announced to the sides, and the sides
    /// still owed the announcement.
    limits: ConnLimits,
    limits_owed: Vec<bool>,
    /// Blocked clients and the requests held behind them.
    blocking: blocking::Blocking,
    /// Clients with replies the durability gate holds (see `durability.rs`).
    gated: Vec<ConnId>,
    /// Log lines for the driver.
    log: Vec<String>,
    /// Whether the databases log expired keys for the AOF (see
    /// `durability.rs`): false while the AOF is off.
    expired_logs_on: bool,
}

impl Executor {
    /// An executor serving `sides` connection sides.
    pub fn new(config: Config, sides: usize, now_ms: u64) -> Executor {
        assert!(sides >= 1, "an executor serves at least one connection side");
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let aof_prefix = config.appendfilename.clone();
        let plant = Plant::from_config(&config);
        let dbs = (0..config.databases)
            .map(|_| {
                let mut db = Db::new(rand::Rng::gen(&mut rng));
                db.set_plant(plant);
                db
            })
            .collect();
        let run_id = random_hex40(&mut rng);
        let replid = random_hex40(&mut rng);
        let limits = ConnLimits::from_config(&config);
        Executor {
            srv: Server {
                dbs,
                config,
                rng,
                now_ms,
                start_ms: now_ms,
                stats: Stats::default(),
                shutdown: false,
                shutdown_flags: Default::default(),
                table: cmd::build_table(),
                host: HostStats::default(),
                memory: Default::default(),
                run_id,
                replid,
                listen_change: None,
                config_rewrite: None,
                observe: Default::default(),
                debug: Default::default(),
                aof: crate::aof::Aof::new(crate::aof::Manifest::empty(&aof_prefix)),
                pubsub: Default::default(),
                pause: None,
            },
            clients: Clients::new(),
            pending: Vec::new(),
            closing: Vec::new(),
            reply: Reply::new(),
            next_tick_ms: now_ms,
            sides,
            next_conn: 1,
            opening: 0,
            limits,
            limits_owed: vec![false; sides],
            blocking: Default::default(),
            gated: Vec::new(),
            log: Vec::new(),
            expired_logs_on: false,
        }
    }

    /// One request from the ring. Hands back a command's argument list
    /// (emptied) for the parser to reuse.
    ///
    /// Not while [`Executor::is_waiting`]: the driver must answer first.
    pub fn handle_request(&mut self, req: Request, now_ms: u64) -> Option<Vec<Bytes>> {
        assert!(!self.is_waiting(), "a request while waiting for the driver");
        self.srv.now_ms = now_ms;
        let args = self.process(req);
        self.resume_released();
        self.cut_over_limit();
        args
    }

    /// One request, in its client's order: held while the client is
    /// blocked (see [`blocking`]), executed otherwise.
    fn process(&mut self, req: Request) -> Option<Vec<Bytes>> {
        if self.blocking.holds(req.conn) && !matches!(req.kind, RequestKind::Close | RequestKind::OutputLimit) {
            self.hold(req);
            return None;
        }
        self.run(req)
    }

    /// One request whose turn it is (not held).
    fn run(&mut self, req: Request) -> Option<Vec<Bytes>> {
        match req.kind {
            RequestKind::Open(opened) => {
                let (info, route, gauge) = *opened;
                assert!(self.opening > 0, "Open without an accept");
                self.opening -= 1;
                self.srv.stats.total_connections_received += 1;
                let mut client = Client::new(req.conn, info, route, self.srv.now_ms);
                client.out_gauge = gauge;
                let prev = self.clients.insert(req.conn, client);
                assert!(prev.is_none(), "connection id reused");
                let slot = self.clients.slot_of(&req.conn).expect("just inserted");
                self.admit_opened(req.conn, slot);
            }
            RequestKind::Close | RequestKind::OutputLimit => {
                if matches!(req.kind, RequestKind::OutputLimit) {
                    self.log_output_limit(req.conn);
                }
                // Replies not yet polled go nowhere: the peer is gone. A
                // blocked client leaves its block and held requests too.
                self.forget_blocked(req.conn);
                self.forget_tx(req.conn);
                if let Some(mut client) = self.clients.remove(&req.conn) {
                    self.srv.pubsub.remove_client(req.conn, &mut client.subs);
                    self.pending.retain(|&(c, _)| c != req.conn);
                }
            }
            RequestKind::ProtocolError(e) => {
                if let Some(slot) = self.clients.slot_of(&req.conn) {
                    self.reply.error_bytes(&e.message_bytes());
                    self.finish_reply(req.conn, slot);
                    self.close_client(req.conn);
                }
            }
            RequestKind::Command(mut args) => {
                // A client closed by QUIT or a kill may still have requests in
                // the ring: they are dropped, as Redis drops a freed client's
                // query buffer.
                // One lookup by id; from here on the client is reached by slot.
                if let Some(slot) = self.clients.slot_of(&req.conn) {
                    self.note_request(slot, req.query_buf, &args);
                    self.execute(req.conn, slot, &args);
                    if self.take_postponed(req.conn, &mut args, req.query_buf) {
                        return None;
                    }
                    let db = self.clients.at(slot).db;
                    if !self.settle(req.conn, slot, &args, false) {
                        self.apply_reply_mode(slot);
                        self.finish_reply(req.conn, slot);
                        if self.clients.at(slot).close_after_reply {
                            self.close_client(req.conn);
                        }
                    }
                    self.after_command(db, &args);
                    self.apply_kills();
                    self.check_pause_end();
                    self.apply_appendonly(self.srv.now_ms);
                }
                args.clear();
                return Some(args);
            }
        }
        None
    }

    /// Redis `processCommand`: the checks before a command runs, in
    /// Redis's order (a refused command goes through [`Executor::reject`]),
    /// then the transaction step, then [`Executor::call`].
    fn execute(&mut self, conn: ConnId, slot: usize, args: &[Bytes]) {
        debug_assert!(!args.is_empty());
        self.srv.stats.total_commands_processed += 1;
        let client = self.clients.at_mut(slot);
        client.last_interaction_ms = self.srv.now_ms;
        self.reply.set_protocol(client.resp);
        let (handler, full_name, flags) = match resolve(&self.srv.table, args) {
            Ok(found) => found,
            Err(e) => {
                crate::observe::rejected_lookup(&mut self.srv, args);
                self.reject(slot, e.message_bytes(), args[0].eq_ignore_ascii_case(b"exec"));
                return;
            }
        };
        if let Some(msg) = cmd::auth::gate(&self.srv.config, client, flags) {
            self.srv.observe.reject(full_name);
            self.reject(slot, msg.as_bytes(), full_name == "exec");
            return;
        }
        if let Some(msg) = durability::denied_by_aof(&self.srv.aof, flags, full_name) {
            self.srv.observe.reject(full_name);
            self.reject(slot, &msg, full_name == "exec");
            return;
        }
        if let Some(msg) = cmd::pubsub::denied_in_subscriber_context(self.clients.at(slot), full_name) {
            self.srv.observe.reject(full_name);
            self.reject(slot, msg.as_bytes(), full_name == "exec");
            return;
        }
        let now_ms = self.srv.now_ms;
        if let Err(e) =
            crate::observe::before_call(&mut self.srv.observe, now_ms, self.clients.at(slot), full_name, flags)
        {
            self.reject(slot, e.message_bytes(), full_name == "exec");
            return;
        }
        let client = self.clients.at_mut(slot);
        client.last_cmd.clear();
        client.last_cmd.push_str(full_name);
        let role = multi::TxRole::of(full_name);
        if self.pause_gate(flags) {
            return;
        }
        // Touches noted outside commands (the tick's expiry) reach the
        // watchers before this command looks at them.
        self.apply_touches();
        if self.multi_step(conn, slot, args, role, flags) {
            return;
        }
        // Keys expired since the last propagation (by the blocking layer's
        // lookups) are deleted before this command moves databases around.
        self.propagate_expired();
        let unit = self.srv.aof.begin_unit();
        self.call(conn, slot, args, handler, flags, false);
        self.srv.aof.end_unit(unit);
    }

    /// Redis `call`: runs one command's handler in the client's database,
    /// then propagates what it changed and signals its touched keys.
    /// `in_exec`: inside EXEC, where blocking is denied.
    fn call(&mut self, conn: ConnId, slot: usize, args: &[Bytes], handler: cmd::Handler, flags: u32, in_exec: bool) {
        let db_index = self.clients.at(slot).db;
        // New keys take the command's time as their access time (OBJECT IDLETIME).
        self.srv.dbs[db_index].set_clock(self.srv.now_ms);
        let dirty_before = self.srv.stats.dirty;
        self.blocking.effects.deny_blocking = in_exec;
        let mut ctx = Ctx {
            srv: &mut self.srv,
            clients: &mut self.clients,
            conn,
            slot,
            db_index,
            reply: &mut self.reply,
            effects: &mut self.blocking.effects,
        };
        let mark = ctx.reply.mark();
        let failed = match handler(&mut ctx, args) {
            Ok(()) => ctx.reply.buf.get(mark) == Some(&b'-'),
            Err(e) => {
                ctx.reply.truncate(mark);
                ctx.reply.error_bytes(e.message_bytes());
                ctx.srv.stats.count_error(e.message());
                true
            }
        };
        // Inside EXEC the queued commands are not timed or fed to MONITOR
        // one by one (EXEC is, as a whole).
        if !in_exec {
            crate::observe::after_call(&mut ctx, args, flags, failed);
        }
        if in_exec {
            self.blocking.effects.deny_blocking = false;
            self.deny_block(args);
        }
        // Output delivered to clients with none pending (pub/sub, MONITOR).
        self.pending.append(&mut self.blocking.effects.delivered);
        // SELECT and MOVE change which database the command ends in; what
        // it propagates belongs to the one it ran in.
        self.propagate(db_index, args, flags, failed);
        self.settle_touches(dirty_before);
    }

    /// Moves the scratch reply into the client's output.
    fn finish_reply(&mut self, conn: ConnId, slot: usize) {
        if self.reply.is_empty() || self.gate_reply(conn, slot) {
            return;
        }
        let client = self.clients.at_mut(slot);
        if client.out.is_empty() {
            self.pending.push((conn, slot));
            std::mem::swap(&mut client.out, &mut self.reply.buf);
        } else {
            if Plant::from_config(&self.srv.config).is(PlantedBug::ReplyOverwritesPending) {
                client.out.clear();
            }
            client.out.extend_from_slice(&self.reply.buf);
        }
        client.out_peak_bytes = client.out_peak_bytes.max(client.out.len());
        self.reply.buf.clear();
    }

    fn close_client(&mut self, conn: ConnId) {
        self.forget_blocked(conn);
        self.forget_tx(conn);
        let mut client = self.clients.remove(&conn).expect("closing a registered client");
        self.srv.pubsub.remove_client(conn, &mut client.subs);
        self.pending.retain(|&(c, _)| c != conn);
        self.gated.retain(|&c| c != conn);
        self.closing.push(Executor::closing_of(client));
    }

    /// Timed work, due at [`Executor::poll_deadline`]: active expiry and
    /// rehash steps, each within its budget.
    pub fn handle_tick(&mut self, now_ms: u64) {
        self.srv.now_ms = now_ms;
        self.end_debug_sleep(now_ms);
        self.handle_block_timeouts(now_ms);
        self.check_pause_end();
        self.resume_released();
        self.cut_over_limit();
        self.aof_tick(now_ms);
        if now_ms < self.next_tick_ms {
            return;
        }
        self.next_tick_ms = now_ms + 1000 / self.srv.config.hz.max(1);
        // No key expires by the tick while clients are paused (Redis 7.0),
        // nor while DEBUG SET-ACTIVE-EXPIRE 0 is in force.
        let expiring = self.srv.pause.is_none() && !self.srv.debug.active_expire_off;
        for db in &mut self.srv.dbs {
            let removed =
                if expiring { db.active_expire_cycle(now_ms, limits::ACTIVE_EXPIRE_VISITS_PER_TICK) } else { 0 };
            self.srv.stats.expired_keys_active += removed as u64;
            db.rehash_step(limits::REHASH_BUCKETS_PER_TICK);
            db.lazy_free_step(limits::LAZYFREE_ELEMENTS_PER_TICK);
        }
        // The cycle's DELs go out now, under the index their database has
        // now: a SWAPDB or FLUSHALL next would change what they mean.
        self.propagate_expired();
        self.srv.memory.handle_tick(now_ms);
        let (st, host) = (&self.srv.stats, &self.srv.host);
        // Since the last RESETSTAT, as INFO's totals.
        let net = (
            host.total_net_input_bytes.saturating_sub(st.net_input_bytes_base),
            host.total_net_output_bytes.saturating_sub(st.net_output_bytes_base),
        );
        self.srv.observe.instant.sample(now_ms, st.total_commands_processed, net.0, net.1);
    }

    /// The driver's latest facts about the host process (memory, pid, ...),
    /// reported by INFO. Call it as often as the figures should be fresh.
    pub fn handle_host_stats(&mut self, host: HostStats) {
        let peak = self.srv.host.used_memory_peak_bytes.max(host.used_memory_peak_bytes).max(host.used_memory_bytes);
        self.srv.memory.handle_sample(host.used_memory_rss_bytes, host.used_memory_bytes);
        self.srv.host = HostStats { used_memory_peak_bytes: peak, ..host };
    }

    /// The driver's monotonic microsecond clock, read before and after each
    /// command to time it (INFO commandstats, SLOWLOG, LATENCY; see
    /// `observe/`). Without one, durations are 0.
    pub fn set_clock_us(&mut self, clock: fn() -> u64) {
        self.srv.observe.set_clock_us(clock);
    }

    /// When [`Executor::handle_tick`] next has work, Unix ms.
    pub fn poll_deadline(&self) -> u64 {
        let at = self.blocking.next_deadline_ms().map_or(self.next_tick_ms, |at| at.min(self.next_tick_ms));
        let at = self.pause_deadline().map_or(at, |p| p.min(at));
        self.srv.debug.sleep.map_or(at, |(_, until)| until.min(at))
    }

    /// DEBUG SLEEP's end: its `+OK` once the deadline has passed (until
    /// then [`Executor::is_waiting`] holds every request back).
    fn end_debug_sleep(&mut self, now_ms: u64) {
        let Some((conn, until_ms)) = self.srv.debug.sleep else { return };
        if now_ms < until_ms {
            return;
        }
        self.srv.debug.sleep = None;
        if let Some(slot) = self.clients.slot_of(&conn) {
            self.reply.ok();
            self.finish_reply(conn, slot);
        }
    }

    /// Clients blocked now (BLPOP...), for tests and INFO.
    pub fn blocked_clients(&self) -> usize {
        self.blocking.blocked_count()
    }

    pub fn shutdown_requested(&self) -> bool {
        self.srv.shutdown
    }

    /// Whether the driver should hand freed memory back to the OS now
    /// (MEMORY PURGE, or the tick's rule in [`crate::memory`]); true once
    /// per request. The driver purges, then feeds fresh host stats.
    pub fn poll_memory_purge(&mut self) -> bool {
        self.srv.memory.poll_purge()
    }

    /// Checks every invariant the executor and its databases keep.
    pub fn check_invariants(&self) {
        for db in &self.srv.dbs {
            db.check_invariants();
            db.for_each(|_, v| {
                if let Some(s) = v.as_set() {
                    assert!(!s.is_empty(), "an empty set stored");
                    s.check_invariants(self.srv.config.set_max_intset_entries_peak);
                }
            });
        }
        for &(conn, slot) in &self.pending {
            assert_eq!(self.clients.slot_of(&conn), Some(slot), "pending client moved");
            assert!(!self.clients.at(slot).out.is_empty(), "pending client without output");
        }
        assert_eq!(self.srv.dbs.len(), self.srv.config.databases);
        for db in &self.srv.dbs {
            assert_eq!(db.expired_log.is_some(), self.expired_logs_on, "expiry log out of step with the AOF");
        }
        self.check_gate_invariants();
        self.check_tx_invariants();
        self.check_ctl_invariants();
        self.blocking.check_invariants(|c| self.clients.contains_key(&c));
        self.srv.pubsub.check_invariants(self.clients.values().map(|c| (c.id, &c.subs)));
        for c in self.clients.values() {
            assert!(c.subscriber || c.subs.total() == 0, "client {:?}: subscriptions outside subscriber mode", c.id);
            assert_eq!(c.blocked, self.blocking.is_parked(c.id), "client {:?}: blocked flag out of step", c.id);
        }
    }
}

/// Finds the handler for `args`, checking the name, subcommand and arity
/// with Redis 7.0's error texts.
fn resolve<'t>(table: &'t CommandTable, args: &[Bytes]) -> Result<(cmd::Handler, &'t str, u32), CmdError> {
    let Some(cmd) = table.lookup(&args[0]) else {
        return Err(CmdError::Bytes(unknown_command_message(args)));
    };
    // Like Redis's lookupCommand: a command with subcommands called with an
    // argument dispatches on it (COMMAND alone runs COMMAND's own handler,
    // CONFIG alone fails CONFIG's arity).
    if !cmd.def.subcommands.is_empty() && args.len() >= 2 {
        let Some(sub) = cmd.subcommand(&args[1]) else {
            let mut msg = b"ERR unknown subcommand '".to_vec();
            msg.extend_from_slice(c_str_prefix(&args[1], 128));
            msg.extend_from_slice(format!("'. Try {} HELP.", cmd.def.name.to_ascii_uppercase()).as_bytes());
            return Err(CmdError::Bytes(msg));
        };
        if !sub.def.arity_ok(args.len()) {
            return Err(arity_error(&sub.full_name));
        }
        return Ok((
            sub.handler.expect("subcommands always have handlers"),
            &sub.full_name,
            cmd.def.flags | sub.def.flags,
        ));
    }
    if !cmd.def.arity_ok(args.len()) {
        return Err(arity_error(&cmd.full_name));
    }
    match cmd.handler {
        Some(h) => Ok((h, &cmd.full_name, cmd.def.flags)),
        // A container whose arity admits a lone name (none in Redis 7.0).
        None => Err(arity_error(&cmd.full_name)),
    }
}

fn arity_error(full_name: &str) -> CmdError {
    CmdError::msg(format!("ERR wrong number of arguments for '{full_name}' command"))
}

/// 40 lowercase hex characters from the seeded RNG (Redis's run id shape).
fn random_hex40(rng: &mut ChaCha8Rng) -> String {
    (0..40).map(|_| char::from(b"0123456789abcdef"[rand::Rng::gen_range(rng, 0..16)])).collect()
}

/// What C's `%.<max>s` prints of an argument: up to the first NUL, at most
/// `max` bytes (Redis formats client bytes into errors that way).
fn c_str_prefix(b: &[u8], max: usize) -> &[u8] {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len()).min(max);
    &b[..end]
}

/// Redis's processCommand text: the name (at most 128 bytes) and the first
/// arguments, quoted, until 128 bytes of them have been printed.
fn unknown_command_message(args: &[Bytes]) -> Vec<u8> {
    let mut list = Vec::new();
    for a in &args[1..] {
        if list.len() >= 128 {
            break;
        }
        let room = 128 - list.len();
        list.push(b'\'');
        list.extend_from_slice(c_str_prefix(a, room));
        list.extend_from_slice(b"' ");
    }
    let mut msg = b"ERR unknown command '".to_vec();
    msg.extend_from_slice(c_str_prefix(&args[0], 128));
    msg.extend_from_slice(b"', with args beginning with: ");
    msg.extend_from_slice(&list);
    msg
}
