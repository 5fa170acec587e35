//! The command table the executor dispatches through: the rows
//! ([`rows::COMMANDS`](super::rows::COMMANDS)) joined with the handlers
//! each command family module supplies per full name (`"get"`,
//! `"config|get"`). The rows are the single source of truth for every
//! command's name, arity, flags, key positions and documentation: `COMMAND`,
//! the arity check, and later AOF propagation, MULTI queueing and the
//! simulator's generator all read them.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

pub use super::def::CommandDef;
use crate::ctx::Handler;

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
    pub fn build(defs: &[&'static CommandDef], handlers: &[(&'static str, Handler)]) -> CommandTable {
        let mut by_name: HashMap<&str, Handler> = HashMap::new();
        for &(name, h) in handlers {
            assert!(by_name.insert(name, h).is_none(), "two handlers for {name}");
        }
        let mut used = 0usize;
        let mut missing = Vec::new();
        let mut commands = NameMap::default();
        let mut order = Vec::new();
        for &def in defs {
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

    /// Finds "name" or "container|sub", case-insensitively, as Redis's
    /// lookupCommandBySds does (COMMAND INFO and DOCS take such names).
    pub fn lookup_full_name(&self, name: &[u8]) -> Option<&Command> {
        let mut parts = name.split(|&b| b == b'|');
        let cmd = self.lookup(parts.next()?)?;
        match (parts.next(), parts.next()) {
            (None, _) => Some(cmd),
            (Some(sub), None) => cmd.subcommand(sub),
            _ => None,
        }
    }

    /// Every command that has a handler, by full name: each top-level
    /// command, then its subcommands in row order ("config|get"). What the
    /// executor can run, and what the simulator's model must cover.
    pub fn handled(&self) -> impl Iterator<Item = &Command> {
        self.iter().flat_map(|cmd| cmd.handler.is_some().then_some(cmd).into_iter().chain(cmd.subcommands_in_order()))
    }
}

impl Command {
    /// Finds a subcommand by name, case-insensitively.
    pub fn subcommand(&self, name: &[u8]) -> Option<&Command> {
        let mut lower = [0u8; NAME_MAX];
        let lower = ascii_lower(name, &mut lower)?;
        self.subcommands.get(lower)
    }

    /// The implemented subcommands in row order (the map holding them has
    /// no order of its own).
    pub fn subcommands_in_order(&self) -> impl Iterator<Item = &Command> {
        self.def.subcommands.iter().filter_map(|def| self.subcommands.get(def.name.as_bytes()))
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
