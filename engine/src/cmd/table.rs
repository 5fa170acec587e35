//! The command table: the single source of truth for every command's name,
//! arity, flags, key positions and documentation.
//!
//! The rows ([`defs::COMMANDS`](super::defs::COMMANDS)) are data describing
//! each command as Redis 7.0 does; each command family module supplies a
//! handler per full name (`"get"`, `"config|get"`). `COMMAND`, the arity
//! check, and later AOF propagation, MULTI queueing and the simulator's
//! generator all read this table.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use bytes::Bytes;

use super::error::CmdError;
use crate::exec::Ctx;

/// Executes one command. Arity has been checked. Writes the reply into
/// `ctx.reply`, or returns an error (then nothing may have been written).
pub type Handler = fn(&mut Ctx<'_>, &[Bytes]) -> Result<(), CmdError>;

/// Command flags as bits; [`FLAG_NAMES`] gives their COMMAND INFO names in
/// the order Redis prints them.
pub mod flag {
    pub const WRITE: u32 = 1 << 0;
    pub const READONLY: u32 = 1 << 1;
    pub const DENYOOM: u32 = 1 << 2;
    pub const MODULE: u32 = 1 << 3;
    pub const ADMIN: u32 = 1 << 4;
    pub const PUBSUB: u32 = 1 << 5;
    pub const NOSCRIPT: u32 = 1 << 6;
    pub const BLOCKING: u32 = 1 << 7;
    pub const LOADING: u32 = 1 << 8;
    pub const STALE: u32 = 1 << 9;
    pub const SKIP_MONITOR: u32 = 1 << 10;
    pub const SKIP_SLOWLOG: u32 = 1 << 11;
    pub const ASKING: u32 = 1 << 12;
    pub const FAST: u32 = 1 << 13;
    pub const NO_AUTH: u32 = 1 << 14;
    pub const MAY_REPLICATE: u32 = 1 << 15;
    pub const SENTINEL: u32 = 1 << 16;
    pub const ONLY_SENTINEL: u32 = 1 << 17;
    pub const NO_MANDATORY_KEYS: u32 = 1 << 18;
    pub const PROTECTED: u32 = 1 << 19;
    pub const NO_ASYNC_LOADING: u32 = 1 << 20;
    pub const NO_MULTI: u32 = 1 << 21;
    pub const MOVABLEKEYS: u32 = 1 << 22;
    pub const ALLOW_BUSY: u32 = 1 << 23;
}

/// `(bit, name)` in the order Redis's `addCommandFlags` prints them.
pub const FLAG_NAMES: &[(u32, &str)] = &[
    (flag::WRITE, "write"),
    (flag::READONLY, "readonly"),
    (flag::DENYOOM, "denyoom"),
    (flag::MODULE, "module"),
    (flag::ADMIN, "admin"),
    (flag::PUBSUB, "pubsub"),
    (flag::NOSCRIPT, "noscript"),
    (flag::BLOCKING, "blocking"),
    (flag::LOADING, "loading"),
    (flag::STALE, "stale"),
    (flag::SKIP_MONITOR, "skip_monitor"),
    (flag::SKIP_SLOWLOG, "skip_slowlog"),
    (flag::ASKING, "asking"),
    (flag::FAST, "fast"),
    (flag::NO_AUTH, "no_auth"),
    (flag::MAY_REPLICATE, "may_replicate"),
    (flag::SENTINEL, "sentinel"),
    (flag::ONLY_SENTINEL, "only_sentinel"),
    (flag::NO_MANDATORY_KEYS, "no_mandatory_keys"),
    (flag::PROTECTED, "protected"),
    (flag::NO_ASYNC_LOADING, "no_async_loading"),
    (flag::NO_MULTI, "no_multi"),
    (flag::MOVABLEKEYS, "movablekeys"),
    (flag::ALLOW_BUSY, "allow_busy"),
];

/// How a key spec finds its first key (Redis 7 key specs).
#[derive(Debug, Clone, Copy)]
pub enum BeginSearch {
    Index(i32),
    Keyword { keyword: &'static str, startfrom: i32 },
    Unknown,
}

/// How a key spec finds the rest of its keys.
#[derive(Debug, Clone, Copy)]
pub enum FindKeys {
    Range { lastkey: i32, keystep: i32, limit: i32 },
    Keynum { keynumidx: i32, firstkey: i32, keystep: i32 },
    Unknown,
}

#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    pub notes: Option<&'static str>,
    /// Key spec flag names, as COMMAND INFO prints them ("RW", "ACCESS", ...).
    pub flags: &'static [&'static str],
    pub begin_search: BeginSearch,
    pub find_keys: FindKeys,
}

/// One argument in COMMAND DOCS.
#[derive(Debug, Clone, Copy)]
pub struct Arg {
    pub name: &'static str,
    /// "key", "string", "integer", "double", "pattern", "unix-time",
    /// "pure-token", "oneof", "block".
    pub kind: &'static str,
    pub display_text: Option<&'static str>,
    pub key_spec_index: Option<i32>,
    pub token: Option<&'static str>,
    pub summary: Option<&'static str>,
    pub since: Option<&'static str>,
    pub deprecated_since: Option<&'static str>,
    /// "optional", "multiple", "multiple_token".
    pub flags: &'static [&'static str],
    pub arguments: &'static [Arg],
}

/// Documentation of a command, for COMMAND DOCS.
#[derive(Debug, Clone, Copy)]
pub struct Docs {
    pub summary: &'static str,
    pub since: &'static str,
    pub group: &'static str,
    pub complexity: Option<&'static str>,
    pub doc_flags: &'static [&'static str],
    pub deprecated_since: Option<&'static str>,
    pub replaced_by: Option<&'static str>,
    pub history: &'static [(&'static str, &'static str)],
    pub arguments: &'static [Arg],
}

/// One command (or subcommand) as Redis 7.0 describes it.
#[derive(Debug, Clone, Copy)]
pub struct CommandDef {
    /// Lowercase. For a subcommand, the part after `|` ("get" of "config|get").
    pub name: &'static str,
    /// Positive: exactly that many arguments including the name; negative:
    /// at least `-arity`.
    pub arity: i32,
    pub flags: u32,
    pub first_key: i32,
    pub last_key: i32,
    pub key_step: i32,
    pub acl_categories: &'static [&'static str],
    pub tips: &'static [&'static str],
    pub key_specs: &'static [KeySpec],
    pub subcommands: &'static [CommandDef],
    pub docs: Docs,
}

impl CommandDef {
    pub fn has_flag(&self, f: u32) -> bool {
        self.flags & f != 0
    }

    /// Whether `argc` (name included) satisfies the arity.
    pub fn arity_ok(&self, argc: usize) -> bool {
        let argc = argc as i64;
        let arity = self.arity as i64;
        if arity >= 0 {
            argc == arity
        } else {
            argc >= -arity
        }
    }
}

/// A resolved command: its row, its full name and its handler.
#[derive(Debug)]
pub struct Command {
    pub def: &'static CommandDef,
    /// "get", or "config|get" for a subcommand.
    pub full_name: String,
    /// None for a container (CONFIG, CLIENT, ...) that only dispatches.
    pub handler: Option<Handler>,
    /// Subcommands by lowercase name.
    pub subcommands: NameMap<Command>,
}

/// The lookup structure the executor dispatches through, built once from the
/// rows and the handler lists.
#[derive(Debug)]
pub struct CommandTable {
    commands: NameMap<Command>,
    /// Top-level names in table order, for COMMAND and COMMAND COUNT.
    order: Vec<&'static str>,
    missing: Vec<String>,
}

/// Lookup by command name, keyed by bytes so a lookup needs no UTF-8 check.
/// A name is hashed on every command, so the hash is [`NameHasher`]: names
/// are short and the maps are fixed, so a few multiplies do (SipHash cost
/// more than the rest of the lookup, foldhash half of it). Nothing iterates
/// these maps, so their order does not matter.
pub type NameMap<V> = HashMap<&'static [u8], V, BuildHasherDefault<NameHasher>>;

/// A small multiplicative hash for command names (at most [`NAME_MAX`]
/// bytes). Input-derived names only probe the fixed table, so a poor
/// distribution for some crafted names could cost a few probes, no more.
#[derive(Default)]
pub struct NameHasher(u64);

impl Hasher for NameHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            h = (h ^ u64::from_le_bytes(word)).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(23);
        }
        self.0 = h;
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.0 ^= n as u64;
    }

    #[inline]
    fn finish(&self) -> u64 {
        let h = self.0.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 32)
    }
}

/// Longest command name we look up; longer names cannot match.
const NAME_MAX: usize = 32;

impl CommandTable {
    /// Builds the table. A handler without a row is a programming error and
    /// panics; a row without a handler (a command whose family is not written
    /// yet) is left out and listed in [`CommandTable::missing_handlers`].
    pub fn build(defs: &'static [CommandDef], handlers: &[(&'static str, Handler)]) -> CommandTable {
        let mut by_name: HashMap<&str, Handler> = HashMap::new();
        for &(name, h) in handlers {
            assert!(by_name.insert(name, h).is_none(), "two handlers for {name}");
        }
        let mut used = 0usize;
        let mut missing = Vec::new();
        let mut commands = NameMap::default();
        let mut order = Vec::new();
        for def in defs {
            assert!(def.name.len() <= NAME_MAX && def.name.bytes().all(|b| !b.is_ascii_uppercase()));
            let mut subcommands = NameMap::default();
            for sub in def.subcommands {
                let full_name = format!("{}|{}", def.name, sub.name);
                match by_name.get(full_name.as_str()) {
                    Some(&h) => {
                        used += 1;
                        let cmd = Command { def: sub, full_name, handler: Some(h), subcommands: NameMap::default() };
                        subcommands.insert(sub.name.as_bytes(), cmd);
                    }
                    None => missing.push(full_name),
                }
            }
            let handler = by_name.get(def.name).copied();
            used += handler.is_some() as usize;
            if handler.is_none() && subcommands.is_empty() {
                missing.push(def.name.to_string());
                continue;
            }
            order.push(def.name);
            commands
                .insert(def.name.as_bytes(), Command { def, full_name: def.name.to_string(), handler, subcommands });
        }
        assert_eq!(used, by_name.len(), "a handler has no command row");
        CommandTable { commands, order, missing }
    }

    /// Rows left out of the table for want of a handler.
    pub fn missing_handlers(&self) -> &[String] {
        &self.missing
    }

    /// Finds a top-level command by name, case-insensitively.
    pub fn lookup(&self, name: &[u8]) -> Option<&Command> {
        let mut lower = [0u8; NAME_MAX];
        let lower = ascii_lower(name, &mut lower)?;
        self.commands.get(lower)
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Every top-level command in table order.
    pub fn iter(&self) -> impl Iterator<Item = &Command> {
        self.order.iter().map(|n| &self.commands[n.as_bytes()])
    }
}

impl Command {
    /// Finds a subcommand by name, case-insensitively.
    pub fn subcommand(&self, name: &[u8]) -> Option<&Command> {
        let mut lower = [0u8; NAME_MAX];
        let lower = ascii_lower(name, &mut lower)?;
        self.subcommands.get(lower)
    }
}

fn ascii_lower<'a>(name: &[u8], buf: &'a mut [u8; NAME_MAX]) -> Option<&'a [u8]> {
    if name.len() > NAME_MAX {
        return None;
    }
    let out = &mut buf[..name.len()];
    for (o, b) in out.iter_mut().zip(name) {
        *o = b.to_ascii_lowercase();
    }
    Some(out)
}
