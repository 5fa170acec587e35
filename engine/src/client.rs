//! Per-client state the executor keeps (the connection layer keeps the
//! bytes), and the registry of clients. Handlers reach it through
//! [`Ctx`](crate::ctx::Ctx).

use std::collections::HashMap;

use foldhash::fast::FixedState;

use crate::ring::{ClientInfo, Route};
use crate::ConnId;

#[derive(Debug)]
pub struct Client {
    pub id: ConnId,
    pub info: ClientInfo,
    /// Where its connection lives (side and slot): replies go there.
    pub route: Route,
    /// Selected database index.
    pub db: usize,
    pub name: Option<Vec<u8>>,
    pub created_ms: u64,
    pub last_interaction_ms: u64,
    /// Full name of the last command run ("client|list"), for CLIENT LIST.
    pub last_cmd: String,
    /// RESP protocol version (HELLO); only 2 for now.
    pub resp: u8,
    /// Reply bytes produced but not yet handed to the connection layer.
    pub out: Vec<u8>,
    /// Close the connection after `out` is written (QUIT, CLIENT KILL).
    pub close_after_reply: bool,
    /// Waiting in a blocking command (BLPOP...): the executor holds its
    /// later requests until it is served, times out or is unblocked.
    pub blocked: bool,
    /// Replies the durability gate holds until the AOF is fsynced through
    /// `held_until` (see `exec/durability.rs`); they follow `out`.
    pub held: Vec<u8>,
    pub held_until: u64,
    /// MULTI/EXEC/WATCH: queued commands, watched keys, the dirty flags
    /// (see `exec/multi.rs`).
    pub tx: crate::exec::multi::TxState,
    // Pub/Sub (see `pubsub.rs`): what it listens to, and Redis's
    // CLIENT_PUBSUB flag: set by every (P|S)SUBSCRIBE, cleared when an
    // unsubscribe leaves nothing. It picks the output buffer class and, for
    // a RESP2 client, limits the commands it may send.
    pub subs: crate::pubsub::ClientSubs,
    pub subscriber: bool,
    /// Output handed to its connection and not yet written (shared with
    /// the connection; see `obuf.rs`).
    pub out_gauge: crate::obuf::OutputGauge,
    // Authentication and CLIENT controls (see cmd/auth.rs, cmd/client_ctl.rs).
    /// Authenticated as the default user (Redis `c->authenticated`).
    pub authenticated: bool,
    /// CLIENT REPLY: whether this client's replies are sent.
    pub reply_mode: ReplyMode,
    /// CLIENT NO-EVICT on (Redis `CLIENT_NO_EVICT`; we never evict clients).
    pub no_evict: bool,
    /// Bytes of the arguments of the command it ran last (or runs now):
    /// CLIENT LIST `argv-mem` while the command runs.
    pub argv_bytes: usize,
    /// What its connection side reported with its last command (CLIENT
    /// LIST `qbuf`, `qbuf-free`).
    pub query_buf: crate::ring::QueryBufStats,
    /// Bytes of that command as the protocol carried it (multibulk form).
    pub query_cmd_bytes: usize,
    /// The largest reply buffer it has had (CLIENT LIST `rbp`).
    pub out_peak_bytes: usize,
    /// Its command waits for CLIENT PAUSE to end (Redis counts it blocked:
    /// flag `b`).
    pub postponed: bool,
    /// In MONITOR mode (see `observe/monitor.rs`).
    pub monitor: bool,
    /// When the command it is blocked in started (µs of the driver's
    /// clock): its stats are counted when it is served or released.
    pub block_started_us: u64,
}

/// A CLIENT PAUSE in force (Redis `client_pause_type`, `client_pause_end_time`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientPause {
    /// When it ends by itself, Unix ms.
    pub end_ms: u64,
    /// ALL (every command waits) rather than WRITE (commands that may
    /// write or replicate wait).
    pub all: bool,
}

/// CLIENT REPLY's modes (Redis `CLIENT_REPLY_OFF`, `CLIENT_REPLY_SKIP_NEXT`,
/// `CLIENT_REPLY_SKIP`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReplyMode {
    #[default]
    On,
    Off,
    /// CLIENT REPLY SKIP is running: the next command's reply is dropped.
    SkipNext,
    /// The reply of the command running now is dropped.
    Skip,
}

impl Client {
    /// Which output buffer limits apply (Redis `getClientType`).
    pub fn output_class(&self) -> crate::obuf::OutputClass {
        if self.subscriber {
            crate::obuf::OutputClass::Pubsub
        } else {
            crate::obuf::OutputClass::Normal
        }
    }

    pub fn new(id: ConnId, info: ClientInfo, route: Route, now_ms: u64) -> Client {
        Client {
            id,
            info,
            route,
            db: 0,
            name: None,
            created_ms: now_ms,
            last_interaction_ms: now_ms,
            last_cmd: "NULL".into(),
            resp: 2,
            out: Vec::new(),
            close_after_reply: false,
            blocked: false,
            held: Vec::new(),
            held_until: 0,
            tx: Default::default(),
            subs: Default::default(),
            subscriber: false,
            out_gauge: Default::default(),
            authenticated: true,
            reply_mode: ReplyMode::On,
            no_evict: false,
            argv_bytes: 0,
            query_buf: Default::default(),
            query_cmd_bytes: 0,
            out_peak_bytes: 0,
            postponed: false,
            monitor: false,
            block_started_us: 0,
        }
    }
}

/// The client registry: clients in a slab (a `Vec` of slots, freed slots
/// reused), found by id through a fixed-seed hash. The executor looks a
/// request's client up once and then reaches it by slot; handlers see a
/// map-like API (`get`, `values` in id order, ...).
#[derive(Debug, Default)]
pub struct Clients {
    slots: Vec<Option<Client>>,
    /// Free slots, reused last-freed first.
    free: Vec<usize>,
    /// By id; a fixed-seed hash (nothing iterates it).
    index: HashMap<ConnId, usize, FixedState>,
}

impl Clients {
    pub fn new() -> Clients {
        Clients::default()
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The slot of client `id`, stable until it is removed.
    #[inline]
    pub fn slot_of(&self, id: &ConnId) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The client in `slot` (from [`Clients::slot_of`], not removed since).
    #[inline]
    pub fn at(&self, slot: usize) -> &Client {
        self.slots[slot].as_ref().expect("slot of a registered client")
    }

    /// The client in `slot`, mutably (see [`Clients::at`]).
    #[inline]
    pub fn at_mut(&mut self, slot: usize) -> &mut Client {
        self.slots[slot].as_mut().expect("slot of a registered client")
    }

    pub fn contains_key(&self, id: &ConnId) -> bool {
        self.index.contains_key(id)
    }

    pub fn get(&self, id: &ConnId) -> Option<&Client> {
        self.slot_of(id).map(|s| self.at(s))
    }

    pub fn get_mut(&mut self, id: &ConnId) -> Option<&mut Client> {
        self.slot_of(id).map(|s| self.at_mut(s))
    }

    /// Registers `client` under `id`; returns the client it replaced, if any
    /// (the replaced one keeps no slot).
    pub fn insert(&mut self, id: ConnId, client: Client) -> Option<Client> {
        if let Some(s) = self.slot_of(&id) {
            return self.slots[s].replace(client);
        }
        let slot = match self.free.pop() {
            Some(s) => {
                self.slots[s] = Some(client);
                s
            }
            None => {
                self.slots.push(Some(client));
                self.slots.len() - 1
            }
        };
        self.index.insert(id, slot);
        None
    }

    pub fn remove(&mut self, id: &ConnId) -> Option<Client> {
        let slot = self.index.remove(id)?;
        self.free.push(slot);
        self.slots[slot].take()
    }

    /// Every client, in id order (as CLIENT LIST prints them).
    pub fn values(&self) -> impl Iterator<Item = &Client> {
        let mut all: Vec<&Client> = self.slots.iter().flatten().collect();
        all.sort_unstable_by_key(|c| c.id);
        all.into_iter()
    }
}

impl std::ops::Index<&ConnId> for Clients {
    type Output = Client;

    fn index(&self, id: &ConnId) -> &Client {
        self.get(id).expect("no client with that id")
    }
}
