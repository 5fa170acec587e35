//! The reference model: an independent, obviously-correct implementation of
//! every command the simulator drives, written from Redis 7.0's documented
//! and observed behaviour (each reply and error text checked against a real
//! redis-server 7.0.15 with `ferrodis-sim --oracle PORT`). It shares no code
//! with `engine`: plain std `HashMap`s and `Vec`s, no incremental rehash, no
//! encodings beyond the name OBJECT ENCODING reports.
//!
//! # Expiry
//! A key with expire time `at` is logically gone once `now > at` (Redis
//! `keyIsExpired`: `now > when`); EXPIRE-family commands and GETEX EXAT/PXAT
//! delete at once when `at <= now` (`checkAlreadyExpired`). The model never
//! removes an expired entry on a read: the engine may or may not have
//! removed it (lazy or active expiry), so DBSIZE is checked as a range
//! `[live, stored]`. Writes replace expired entries.
//!
//! # Uncertain values
//! INCRBYFLOAT computes in x87 `long double`; where the model cannot prove
//! its decimal result equals what `%.17Lf` prints (see [`strings`]), the
//! entry is marked `uncertain` and every reply that shows its bytes is
//! checked only for being one well-formed reply. Overwrites clear the mark.
//!
//! # Layout
//! - this file: data types, dispatch, arity, shared parsing helpers;
//! - [`keys`]: connection, server and generic keyspace commands;
//! - [`expire`]: EXPIRE family, TTL family, PERSIST;
//! - [`strings`]: string commands;
//! - [`bits`]: SETBIT GETBIT BITCOUNT BITPOS BITOP;
//! - [`bitfield`]: BITFIELD BITFIELD_RO;
//! - [`hash`]: the hash type and its commands, [`hash_random`]: HRANDFIELD HSCAN;
//! - [`server`]: TIME CLIENT RESET COMMAND;
//! - [`multi`]: MULTI EXEC DISCARD WATCH UNWATCH (the queue runs at EXEC;
//!   WATCH outcomes bounded, the engine's reply deciding in between);
//! - [`glob`]: Redis `stringmatchlen` for KEYS and SCAN MATCH.

pub mod auth_client;
pub mod bitfield;
pub mod bits;
pub mod blocking;
pub mod expire;
pub mod float;
pub mod glob;
pub mod hash;
pub mod hash_random;
pub mod keys;
pub mod lcs;
pub mod list;
pub mod multi;
pub mod pubsub;
pub mod server;
pub mod set;
pub mod sort;
pub mod strings;
pub mod zset;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::cmd::Cmd;
use crate::resp::Writer;

/// Databases the model (and the engine's default config) has.
pub const DATABASES: usize = 16;
/// Redis `proto-max-bulk-len` default: the largest string value.
pub const STRING_MAX_BYTES: i64 = 512 * 1024 * 1024;

/// The OBJECT ENCODING a string value has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enc {
    /// An integer; 0..=9999 is Redis's shared integer object.
    Int,
    /// An integer that is its own object even in 0..=9999: COPY's
    /// `dupStringObject` (OBJECT REFCOUNT says 1, not 2147483647).
    IntPrivate,
    Emb,
    Raw,
}

impl Enc {
    pub fn name(self) -> &'static [u8] {
        match self {
            Enc::Int | Enc::IntPrivate => b"int",
            Enc::Emb => b"embstr",
            Enc::Raw => b"raw",
        }
    }

    /// Redis `tryObjectEncoding` on a value received from a client.
    pub fn of_client_value(b: &[u8]) -> Enc {
        if b.len() <= 20 && parse_ll(b).is_some() {
            Enc::Int
        } else if b.len() <= 44 {
            Enc::Emb
        } else {
            Enc::Raw
        }
    }
}

/// One key's value, of one of Redis's types.
#[derive(Clone, Debug)]
pub enum Data {
    Str { val: Vec<u8>, enc: Enc },
    List(list::ListM),
    Hash(hash::HashM),
    Set(set::SetM),
    ZSet(zset::ZSetM),
}

/// One key: its value and what the keyspace keeps beside it.
#[derive(Clone, Debug)]
pub struct Entry {
    pub data: Data,
    /// Absolute expire time, Unix ms.
    pub expire_ms: Option<i64>,
    /// Model sequence number when the key last appeared (SCAN's "present
    /// throughout" property).
    pub stamp: u64,
    pub uncertain: bool,
}

/// Redis's reply to a command run on a key of another type.
pub const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

impl Entry {
    pub fn new(data: Data, stamp: u64) -> Entry {
        Entry { data, expire_ms: None, stamp, uncertain: false }
    }

    pub fn alive(&self, now_ms: i64) -> bool {
        self.expire_ms.is_none_or(|at| now_ms <= at)
    }

    pub fn is_str(&self) -> bool {
        matches!(self.data, Data::Str { .. })
    }

    /// The string's bytes. Only for an entry known to be a string (found
    /// through [`Db::get_str`]).
    pub fn bytes(&self) -> &[u8] {
        match &self.data {
            Data::Str { val, .. } => val,
            _ => panic!("model: string access to a non-string entry"),
        }
    }

    /// The string's bytes and encoding for modification; as [`Entry::bytes`].
    pub fn str_mut(&mut self) -> (&mut Vec<u8>, &mut Enc) {
        match &mut self.data {
            Data::Str { val, enc } => (val, enc),
            _ => panic!("model: string access to a non-string entry"),
        }
    }

    /// The name TYPE replies with.
    pub fn type_name(&self) -> &'static [u8] {
        match self.data {
            Data::Str { .. } => b"string",
            Data::List(_) => b"list",
            Data::Hash(_) => b"hash",
            Data::Set(_) => b"set",
            Data::ZSet(_) => b"zset",
        }
    }

    /// The name OBJECT ENCODING replies with.
    pub fn encoding_name(&self) -> &'static [u8] {
        match &self.data {
            Data::Str { enc, .. } => enc.name(),
            Data::List(l) => l.encoding_name(),
            Data::Hash(h) => h.encoding_name(),
            Data::Set(s) => s.encoding_name(),
            Data::ZSet(z) => z.encoding_name(),
        }
    }
}

/// A key of another type than the command needs (the caller replies
/// [`WRONGTYPE`]).
#[derive(Debug)]
pub struct WrongType;

/// A fixed, seedless hasher for the model's key maps: lookups are the
/// model's hottest path, and a hash table with a fixed hasher behaves the
/// same in every run. Any hash function is correct here; this one mixes
/// eight bytes per multiply. Nothing may depend on the map's iteration
/// order: code that needs an order sorts (KEYS, RANDOMKEY, SCAN).
#[derive(Clone, Copy, Default)]
pub struct KeyHasher(u64);

impl KeyHasher {
    #[inline]
    fn mix(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(26);
    }
}

impl Hasher for KeyHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        crate::trace::le_words(bytes, |w| self.mix(w));
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // hashbrown takes its control bits from the top byte: fold the
        // well-mixed high bits down as well.
        self.0 ^ (self.0 >> 32)
    }
}

/// The model's key -> entry map (unordered: see [`KeyHasher`]).
pub type KeyMap = HashMap<Vec<u8>, Entry, BuildHasherDefault<KeyHasher>>;

#[derive(Clone, Debug, Default)]
pub struct Db {
    pub map: KeyMap,
    /// Set to the model's `seq` by FLUSHDB/FLUSHALL/SWAPDB (so no two
    /// database states share one): a SCAN across it promises nothing.
    pub epoch: u64,
}

impl Db {
    pub fn get(&self, key: &[u8], now_ms: i64) -> Option<&Entry> {
        self.map.get(key).filter(|e| e.alive(now_ms))
    }

    pub fn get_mut(&mut self, key: &[u8], now_ms: i64) -> Option<&mut Entry> {
        self.map.get_mut(key).filter(|e| e.alive(now_ms))
    }

    /// The live string under `key`, None if missing, [`WrongType`] for
    /// another type.
    pub fn get_str(&self, key: &[u8], now_ms: i64) -> Result<Option<&Entry>, WrongType> {
        match self.get(key, now_ms) {
            Some(e) if !e.is_str() => Err(WrongType),
            found => Ok(found),
        }
    }

    /// [`Db::get_str`] for modification.
    pub fn get_str_mut(&mut self, key: &[u8], now_ms: i64) -> Result<Option<&mut Entry>, WrongType> {
        match self.get_mut(key, now_ms) {
            Some(e) if !e.is_str() => Err(WrongType),
            found => Ok(found),
        }
    }

    pub fn exists(&self, key: &[u8], now_ms: i64) -> bool {
        self.get(key, now_ms).is_some()
    }

    /// Removes `key`; returns its entry if it was alive.
    pub fn remove(&mut self, key: &[u8], now_ms: i64) -> Option<Entry> {
        self.map.remove(key).filter(|e| e.alive(now_ms))
    }

    /// Keys alive now, in no particular order.
    pub fn live_keys(&self, now_ms: i64) -> impl Iterator<Item = (&Vec<u8>, &Entry)> {
        self.map.iter().filter(move |(_, e)| e.alive(now_ms))
    }

    pub fn live_count(&self, now_ms: i64) -> usize {
        self.live_keys(now_ms).count()
    }
}

/// A 64-bit hash of a key, for SCAN's key sets (collisions are
/// negligible next to the few thousand keys a run makes).
pub fn key_hash(key: &[u8]) -> u64 {
    let mut h = crate::trace::TraceHash::default();
    h.bytes(key);
    h.0
}

/// A check that is not a byte comparison, for replies that legitimately vary.
#[derive(Clone, Debug)]
pub enum Prop {
    /// An integer in `lo..=hi` (DBSIZE).
    IntRange { lo: i64, hi: i64 },
    /// An array equal to this one (held sorted) once sorted (KEYS).
    SortedArray(Vec<Vec<u8>>),
    /// Nil if `candidates` is empty, else a bulk whose [`key_hash`] is one
    /// of them (RANDOMKEY): sorted hashes, no key copied.
    OneOf(Vec<u64>),
    /// `[cursor, [keys]]` with every key in `allowed`; `must` lists the
    /// keys a session must have returned by the time a call answers cursor
    /// 0 (present since before the session began). Both hold
    /// [`key_hash`]es, `allowed` sorted (it is searched), `must` in the
    /// map's order (it is only walked): a SCAN call costs one pass over
    /// the database and no allocation per key.
    Scan { allowed: Vec<u64>, must: Vec<u64> },
    /// A flat array of field, value, field, value... equal to these pairs
    /// (held sorted) once sorted (HGETALL of a hashtable-encoded hash).
    SortedPairs(Vec<(Vec<u8>, Vec<u8>)>),
    /// HRANDFIELD with a count: `picks` fields (each followed by its value
    /// if `with_values`), every one drawn from `pairs` (sorted by field),
    /// pairwise distinct if `distinct`.
    RandomPairs { pairs: Vec<(Vec<u8>, Vec<u8>)>, picks: usize, with_values: bool, distinct: bool },
    /// `[cursor, [field, value, ...]]` (HSCAN of a hashtable): every pair
    /// in `allowed` (sorted); `must` as in [`Prop::Scan`], over the fields.
    PairScan { allowed: Vec<(Vec<u8>, Vec<u8>)>, must: Vec<u64> },
    /// An array of `len` bulk strings, each one of `pool` (sorted
    /// [`key_hash`]es), all different if `distinct` (SRANDMEMBER and SPOP
    /// with a count).
    Draw { pool: Vec<u64>, len: usize, distinct: bool },
    /// Any one well-formed reply (uncertain value).
    Any,
    /// ZRANDMEMBER with a count: exactly `count` draws, each a member of
    /// `allowed` (sorted), flat `[member, score]` pairs when the entries
    /// carry a score; all different when `distinct`.
    Sample { allowed: Vec<(Vec<u8>, Option<Vec<u8>>)>, count: usize, distinct: bool },
    /// ZSCAN of a hash-table-encoded sorted set: `[cursor, [member, score,
    /// ...]]` with every pair in `allowed` (sorted).
    ZScan { allowed: Vec<(Vec<u8>, Option<Vec<u8>>)> },
}

/// What the model expects one command to produce.
pub struct Out<'a> {
    pub w: Writer<'a>,
    pub prop: Option<Prop>,
    /// The reply depends on the exact clock (TTL family): the oracle mode
    /// against a real server allows a small tolerance.
    pub time_sensitive: bool,
    /// The command closes the connection after its reply (QUIT).
    pub close: bool,
}

impl Out<'_> {
    pub fn any(&mut self) {
        self.prop = Some(Prop::Any);
    }
}

/// Per-connection state the model keeps.
#[derive(Clone, Debug, Default)]
pub struct Session {
    pub db: usize,
    /// CLIENT ID: the engine numbers connections in open order from 1.
    pub id: i64,
    /// CLIENT SETNAME's name (None: unnamed).
    pub name: Option<Vec<u8>>,
    /// MULTI's queue and flags (see [`multi`]).
    pub tx: multi::TxM,
}

/// What a SCAN belongs to, so the model can tell which keys it must cover.
#[derive(Clone, Copy, Debug)]
pub struct ScanCtx {
    pub start_seq: u64,
    pub start_epoch: u64,
}

#[derive(Clone, Debug)]
pub struct Model {
    pub dbs: Vec<Db>,
    /// Increases by one per command executed.
    pub seq: u64,
    /// COMMAND COUNT: the size of the engine's command table, which is
    /// configuration (what is implemented), not behaviour; the world reads
    /// it from the engine once at the start.
    pub command_count: i64,
    /// Set by a blocking command that found no data (see [`blocking`]):
    /// the world takes it right after the command.
    pub block_request: Option<blocking::BlockOn>,
    /// Blocked sessions, their keys and deadlines (driven by the world).
    pub blocks: blocking::Registry,
    /// Inside EXEC: a blocking command replies as a timeout instead.
    pub deny_blocking: bool,
    /// Every session's watched keys (see [`multi`]).
    pub watches: Vec<multi::WatchM>,
    /// Subscriptions and the messages to deliver (see `pubsub.rs`).
    pub pubsub: pubsub::PubSub,
}

impl Default for Model {
    fn default() -> Model {
        Model::new()
    }
}

/// Context one command executes in.
pub struct Exec<'a> {
    pub sess: &'a mut Session,
    pub now_ms: i64,
    pub scan: Option<ScanCtx>,
    /// The engine's reply to this command, for a command whose effect
    /// depends on the engine's random choice (SPOP: which members it
    /// removed). The world reads it from the engine's output before the
    /// model executes the command, only where [`observes`] says so; the
    /// model still checks it (it replies those exact bytes only if they are
    /// a valid answer).
    pub observed: Option<crate::resp::Val>,
}

/// Whether the model needs the engine's reply to `cmd` before executing it
/// ([`Exec::observed`]).
pub fn observes(cmd: &Cmd) -> bool {
    let mut buf = [0u8; 16];
    let name = lower(cmd.arg(0), &mut buf);
    set::observes(name) || name == b"exec"
}

impl Model {
    pub fn new() -> Model {
        Model {
            dbs: vec![Db::default(); DATABASES],
            seq: 0,
            command_count: 0,
            block_request: None,
            blocks: blocking::Registry::default(),
            deny_blocking: false,
            watches: Vec::new(),
            pubsub: Default::default(),
        }
    }

    /// Executes `cmd` and writes what it must reply into `out`.
    pub fn apply(&mut self, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
        self.seq += 1;
        if self.queue(cmd, cx, out) {
            return;
        }
        let mut name_buf = [0u8; 16];
        lower(cmd.arg(0), &mut name_buf);
        // The zero-padded buffer is the packed name already (see `spec`).
        let Some(spec) = spec_packed(u128::from_be_bytes(name_buf)) else {
            return unknown_command(cmd, out);
        };
        if !arity_ok(spec.arity, cmd.argc()) {
            return arity_error(spec.name.as_bytes(), out);
        }
        if pubsub::denied(self, spec, cmd, cx, out) {
            return;
        }
        self.note_write(spec.name, cmd, cx.sess.db);
        (spec.run)(self, cmd, cx, out);
    }

    pub fn db(&mut self, cx: &Exec<'_>) -> &mut Db {
        &mut self.dbs[cx.sess.db]
    }

    /// The latest expire time not after `now_ms` among stored entries: a
    /// clock jump back must not go below it, or an expired key that the
    /// engine may or may not have removed would come back to life (Redis
    /// itself answers either way there).
    pub fn latest_expired_at(&self, now_ms: i64) -> Option<i64> {
        self.dbs.iter().flat_map(|d| d.map.values()).filter_map(|e| e.expire_ms).filter(|&at| at < now_ms).max()
    }

    /// Total entries stored (upper bound of what the engine holds).
    pub fn stored(&self) -> usize {
        self.dbs.iter().map(|d| d.map.len()).sum()
    }
}

/// One command the model knows: name, Redis arity, implementation, and for
/// a container (CLIENT, OBJECT, COMMAND) the subcommands its function
/// implements. Every arity is checked against the engine's command table
/// by `tests/model_table.rs`.
pub struct Spec {
    pub name: &'static str,
    pub arity: i32,
    pub run: fn(&mut Model, &Cmd, &mut Exec<'_>, &mut Out<'_>),
    pub subs: &'static [Sub],
}

impl Spec {
    const fn new(name: &'static str, arity: i32, run: fn(&mut Model, &Cmd, &mut Exec<'_>, &mut Out<'_>)) -> Spec {
        Spec { name, arity, run, subs: &[] }
    }

    const fn container(
        name: &'static str,
        arity: i32,
        subs: &'static [Sub],
        run: fn(&mut Model, &Cmd, &mut Exec<'_>, &mut Out<'_>),
    ) -> Spec {
        Spec { name, arity, run, subs }
    }
}

/// A subcommand a container's model function implements: its full name
/// ("client|id") and Redis arity.
pub struct Sub {
    pub full: &'static str,
    pub arity: i32,
}

impl Sub {
    /// The part after `|`.
    pub fn name(&self) -> &'static str {
        self.full.split_once('|').map_or(self.full, |(_, sub)| sub)
    }
}

/// Every command the model implements, with Redis 7.0's arity.
pub static SPECS: &[Spec] = &[
    Spec::new("ping", -1, keys::ping),
    Spec::new("multi", 1, multi::multi),
    Spec::new("exec", 1, multi::exec),
    Spec::new("discard", 1, multi::discard),
    Spec::new("watch", -2, multi::watch),
    Spec::new("unwatch", 1, multi::unwatch),
    Spec::new("echo", 2, keys::echo),
    Spec::new("quit", -1, keys::quit),
    Spec::new("select", 2, keys::select),
    Spec::new("bgrewriteaof", 1, server::bgrewriteaof),
    Spec::new("swapdb", 3, keys::swapdb),
    Spec::new("dbsize", 1, keys::dbsize),
    Spec::new("flushdb", -1, keys::flushdb),
    Spec::new("flushall", -1, keys::flushall),
    Spec::new("del", -2, keys::del),
    Spec::new("unlink", -2, keys::del),
    Spec::new("exists", -2, keys::exists),
    Spec::new("touch", -2, keys::exists),
    Spec::new("type", 2, keys::type_),
    Spec::new("rename", 3, keys::rename),
    Spec::new("renamenx", 3, keys::renamenx),
    Spec::new("move", 3, keys::move_),
    Spec::new("copy", -3, keys::copy),
    Spec::new("keys", 2, keys::keys),
    Spec::new("scan", -2, keys::scan),
    Spec::new("randomkey", 1, keys::randomkey),
    Spec::container("object", -2, keys::OBJECT_SUBS, keys::object),
    Spec::new("time", 1, server::time),
    Spec::container("client", -2, server::CLIENT_SUBS, server::client),
    Spec::new("reset", 1, server::reset),
    Spec::container("command", -1, server::COMMAND_SUBS, server::command),
    Spec::new("expire", -3, expire::expire),
    Spec::new("pexpire", -3, expire::pexpire),
    Spec::new("expireat", -3, expire::expireat),
    Spec::new("pexpireat", -3, expire::pexpireat),
    Spec::new("ttl", 2, expire::ttl),
    Spec::new("pttl", 2, expire::pttl),
    Spec::new("expiretime", 2, expire::expiretime),
    Spec::new("pexpiretime", 2, expire::pexpiretime),
    Spec::new("persist", 2, expire::persist),
    Spec::new("get", 2, strings::get),
    Spec::new("set", -3, strings::set),
    Spec::new("setnx", 3, strings::setnx),
    Spec::new("setex", 4, strings::setex),
    Spec::new("psetex", 4, strings::psetex),
    Spec::new("getset", 3, strings::getset),
    Spec::new("getdel", 2, strings::getdel),
    Spec::new("getex", -2, strings::getex),
    Spec::new("mget", -2, strings::mget),
    Spec::new("mset", -3, strings::mset),
    Spec::new("msetnx", -3, strings::msetnx),
    Spec::new("append", 3, strings::append),
    Spec::new("strlen", 2, strings::strlen),
    Spec::new("incr", 2, strings::incr),
    Spec::new("decr", 2, strings::decr),
    Spec::new("incrby", 3, strings::incrby),
    Spec::new("decrby", 3, strings::decrby),
    Spec::new("incrbyfloat", 3, strings::incrbyfloat),
    Spec::new("getrange", 4, strings::getrange),
    Spec::new("substr", 4, strings::getrange),
    Spec::new("setrange", 4, strings::setrange),
    Spec::new("lcs", -3, strings::lcs),
    Spec::new("setbit", 4, bits::setbit),
    Spec::new("getbit", 3, bits::getbit),
    Spec::new("bitcount", -2, bits::bitcount),
    Spec::new("bitpos", -3, bits::bitpos),
    Spec::new("bitop", -4, bits::bitop),
    Spec::new("bitfield", -2, bitfield::bitfield),
    Spec::new("bitfield_ro", -2, bitfield::bitfield_ro),
    Spec::new("sort", -2, sort::sort),
    Spec::new("sort_ro", -2, sort::sort_ro),
];

/// Commands (full names, "config|get") the engine runs but the model does
/// not, each with the reason. `tests/model_table.rs` fails when the engine
/// has a handler for a command that is neither in [`SPECS`] (or a
/// container's `subs`) nor here: a new command needs a model function or a
/// written reason.
pub static NOT_MODELLED: &[(&str, &str)] = &[
    ("hello", "HELLO 3 switches the connection to RESP3, which the simulator's replies are not checked in"),
    ("info", "reports host facts, uptime and counters (memory, clients, commands) the model does not keep"),
    ("shutdown", "stops the engine: a run has nothing left to check after it"),
    ("client|list", "prints each connection's age, idle time and buffer sizes, which the model does not keep"),
    ("client|info", "prints the connection's age, idle time and buffer sizes, which the model does not keep"),
    ("client|help", "fixed text: compared with Redis's by the differential suite"),
    ("command|info", "renders the engine's own table: compared with Redis's by the differential suite"),
    ("command|docs", "renders the engine's own table: compared with Redis's by the differential suite"),
    ("command|list", "renders the engine's own table: compared with Redis's by the differential suite"),
    ("command|getkeys", "reads the table's key specs: compared with Redis's by the differential suite"),
    ("command|help", "fixed text: compared with Redis's by the differential suite"),
    ("config|get", "configuration, not data: a run keeps the config it was built with"),
    ("config|set", "changing limits mid-run changes what later commands may do; the world sets config at start"),
    ("config|resetstat", "resets INFO counters, which the model does not keep"),
    ("config|help", "fixed text: compared with Redis's by the differential suite"),
    ("memory|purge", "asks the driver to return freed memory to the OS, which the simulator does not model; the reply is always +OK, compared with Redis's by the differential suite"),
    ("memory|help", "fixed text: compared with Redis's by the differential suite"),
    ("object|idletime", "counts whole seconds since the engine's last access, a clock the model does not mirror"),
    ("object|help", "fixed text: compared with Redis's by the differential suite"),
];

/// Every family's specs: [`SPECS`] here, then one `SPECS` per data-type
/// family module (each family grows without touching the others).
pub static SPEC_GROUPS: &[&[Spec]] =
    &[SPECS, list::SPECS, hash::SPECS, set::SPECS, zset::SPECS, blocking::SPECS, pubsub::SPECS];

/// Every family's [`NOT_MODELLED`] list.
pub static NOT_MODELLED_GROUPS: &[&[(&str, &str)]] = &[
    NOT_MODELLED,
    server::NOT_MODELLED,
    list::NOT_MODELLED,
    hash::NOT_MODELLED,
    set::NOT_MODELLED,
    zset::NOT_MODELLED,
    pubsub::NOT_MODELLED,
    auth_client::NOT_MODELLED,
];

/// Every spec of every group.
pub fn all_specs() -> impl Iterator<Item = &'static Spec> {
    SPEC_GROUPS.iter().flat_map(|g| g.iter())
}

/// Every `(command, reason)` the model leaves out, from every group.
pub fn all_not_modelled() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    NOT_MODELLED_GROUPS.iter().flat_map(|g| g.iter())
}

/// Every spec keyed by its packed name, sorted by key.
static SORTED: std::sync::OnceLock<Vec<(u128, &'static Spec)>> = std::sync::OnceLock::new();

/// Finds a command by its lowercase name. Names are packed into a `u128`
/// (all are at most 16 bytes) so the lookup compares integers.
pub fn spec(lower_name: &[u8]) -> Option<&'static Spec> {
    if lower_name.len() > 16 {
        return None;
    }
    spec_packed(pack(lower_name))
}

/// [`spec`] for a name already packed.
fn spec_packed(key: u128) -> Option<&'static Spec> {
    let sorted = SORTED.get_or_init(|| {
        let mut v: Vec<(u128, &'static Spec)> = all_specs().map(|s| (pack(s.name.as_bytes()), s)).collect();
        v.sort_by_key(|&(k, _)| k);
        v
    });
    sorted.binary_search_by_key(&key, |&(k, _)| k).ok().map(|i| sorted[i].1)
}

fn pack(name: &[u8]) -> u128 {
    let mut b = [0u8; 16];
    b[..name.len()].copy_from_slice(name);
    u128::from_be_bytes(b)
}

pub fn arity_ok(arity: i32, argc: usize) -> bool {
    if arity >= 0 {
        argc == arity as usize
    } else {
        argc >= (-arity) as usize
    }
}

pub fn arity_error(full_name: &[u8], out: &mut Out<'_>) {
    out.w.err_parts(&[b"ERR wrong number of arguments for '", full_name, b"' command"]);
}

/// Lowercases a command name into `buf`; names longer than `buf` become
/// empty (no command has such a name).
pub fn lower<'b>(name: &[u8], buf: &'b mut [u8; 16]) -> &'b [u8] {
    if name.len() > buf.len() {
        return &buf[..0];
    }
    for (o, b) in buf.iter_mut().zip(name) {
        *o = b.to_ascii_lowercase();
    }
    &buf[..name.len()]
}

/// Redis `processCommand`'s text for an unknown command.
fn unknown_command(cmd: &Cmd, out: &mut Out<'_>) {
    let mut msg: Vec<u8> = b"ERR unknown command '".to_vec();
    let name = cmd.arg(0);
    msg.extend_from_slice(&name[..name.len().min(128)]);
    msg.extend_from_slice(b"', with args beginning with: ");
    let mut listed = 0usize;
    for i in 1..cmd.argc() {
        if listed >= 128 {
            break;
        }
        let a = cmd.arg(i);
        let take = a.len().min(128 - listed);
        msg.push(b'\'');
        msg.extend_from_slice(&a[..take]);
        msg.extend_from_slice(b"' ");
        listed += take + 3;
    }
    out.w.err_parts(&[&msg]);
}

/// Redis `string2ll`: optional '-', no leading zeros, no '+', no spaces.
pub fn parse_ll(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = if s[0] == b'-' { (true, &s[1..]) } else { (false, s) };
    if digits.is_empty() || !(b'1'..=b'9').contains(&digits[0]) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((d - b'0') as u64)?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else if v > i64::MAX as u64 {
        None
    } else {
        Some(v as i64)
    }
}

pub const NOT_INTEGER: &str = "ERR value is not an integer or out of range";
pub const SYNTAX: &str = "ERR syntax error";

/// `getLongLongFromObjectOrReply`: the value, or the error already written.
pub fn int_arg(cmd: &Cmd, i: usize, out: &mut Out<'_>) -> Option<i64> {
    let v = parse_ll(cmd.arg(i));
    if v.is_none() {
        out.w.err(NOT_INTEGER);
    }
    v
}

/// Finds the subcommand `cmd.arg(1)` of `container` ("CLIENT") among
/// `subs` and checks its arity; on failure writes Redis's error (unknown
/// subcommand first, then arity) and returns None.
pub fn subcommand(container: &str, subs: &'static [Sub], cmd: &Cmd, out: &mut Out<'_>) -> Option<&'static Sub> {
    let Some(sub) = subs.iter().find(|s| eq_ic(cmd.arg(1), s.name())) else {
        unknown_subcommand(container, cmd, out);
        return None;
    };
    if !arity_ok(sub.arity, cmd.argc()) {
        arity_error(sub.full.as_bytes(), out);
        return None;
    }
    Some(sub)
}

/// Redis's text for a subcommand its container does not have.
pub fn unknown_subcommand(container: &str, cmd: &Cmd, out: &mut Out<'_>) {
    let sub = cmd.arg(1);
    let sub = &sub[..sub.len().min(128)];
    out.w.err_parts(&[b"ERR unknown subcommand '", sub, b"'. Try ", container.as_bytes(), b" HELP."]);
}

pub fn eq_ic(a: &[u8], b: &str) -> bool {
    a.eq_ignore_ascii_case(b.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string2ll() {
        assert_eq!(parse_ll(b"0"), Some(0));
        assert_eq!(parse_ll(b"-0"), None);
        assert_eq!(parse_ll(b"007"), None);
        assert_eq!(parse_ll(b"+1"), None);
        assert_eq!(parse_ll(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_ll(b"9223372036854775808"), None);
        assert_eq!(parse_ll(b""), None);
    }

    #[test]
    fn specs_are_lowercase_and_unique() {
        let specs: Vec<&Spec> = all_specs().collect();
        for (i, s) in specs.iter().enumerate() {
            assert_eq!(s.name, s.name.to_ascii_lowercase());
            assert!(specs[..i].iter().all(|o| o.name != s.name), "{}", s.name);
        }
    }
}
