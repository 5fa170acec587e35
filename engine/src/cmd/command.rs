//! COMMAND, COMMAND COUNT / INFO / DOCS / LIST / GETKEYS / HELP: the command
//! table rendered the way Redis 7.0 renders its own.
//!
//! The rows are copied from Redis's COMMAND INFO and COMMAND DOCS, so for a
//! command we implement whole, its INFO and DOCS replies are byte-identical
//! to Redis's. A container (CLIENT, CONFIG, COMMAND, OBJECT) lists only the
//! subcommands we implement. Redis lists commands in its hash table's order
//! (which changes with every process); we list them in table order.

use bytes::Bytes;

use super::def::{Arg, BeginSearch, CommandDef, FindKeys, KeySpec, ARG_FLAG_NAMES, FLAG_NAMES};
use super::glob;
use super::server::help_reply;
use super::table::Command;
use super::{CmdError, CmdResult, Handler};
use crate::ctx::Ctx;
use crate::resp::Reply;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("command", command),
    ("command|count", command_count),
    ("command|info", command_info),
    ("command|docs", command_docs),
    ("command|list", command_list),
    ("command|getkeys", command_getkeys),
    ("command|help", command_help),
];

/// # Format
/// ```text
/// COMMAND
/// ```
///
/// COMMAND INFO of every command.
fn command(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    let table = &ctx.srv.table;
    ctx.reply.array(table.len());
    for cmd in table.iter() {
        info_reply(ctx.reply, cmd);
    }
    Ok(())
}

/// # Format
/// ```text
/// COMMAND COUNT
/// ```
///
/// How many top-level commands there are.
fn command_count(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    let n = ctx.srv.table.len() as i64;
    ctx.reply.int(n);
    Ok(())
}

/// # Format
/// ```text
/// COMMAND INFO [command-name [command-name ...]]
/// ```
///
/// One entry per name, nil for an unknown one; every command without names.
fn command_info(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let table = &ctx.srv.table;
    if args.len() == 2 {
        ctx.reply.array(table.len());
        for cmd in table.iter() {
            info_reply(ctx.reply, cmd);
        }
        return Ok(());
    }
    ctx.reply.array(args.len() - 2);
    for name in &args[2..] {
        match table.lookup_full_name(name) {
            Some(cmd) => info_reply(ctx.reply, cmd),
            None => ctx.reply.null(),
        }
    }
    Ok(())
}

/// # Format
/// ```text
/// COMMAND DOCS [command-name [command-name ...]]
/// ```
///
/// A map of name to docs; unknown names are left out.
fn command_docs(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let table = &ctx.srv.table;
    let found: Vec<&Command> = if args.len() == 2 {
        table.iter().collect()
    } else {
        args[2..].iter().filter_map(|name| table.lookup_full_name(name)).collect()
    };
    ctx.reply.map(found.len());
    for cmd in found {
        ctx.reply.bulk(cmd.full_name.as_bytes());
        docs_reply(ctx.reply, cmd);
    }
    Ok(())
}

/// Which commands COMMAND LIST keeps.
enum Filter<'a> {
    All,
    /// We have no modules: nothing matches.
    Module,
    /// An ACL category name without `@`; an unknown one matches nothing.
    AclCat(&'a [u8]),
    Pattern(&'a [u8]),
}

impl Filter<'_> {
    fn keeps(&self, cmd: &Command) -> bool {
        match self {
            Filter::All => true,
            Filter::Module => false,
            Filter::AclCat(cat) => cmd.def.acl_categories.iter().any(|c| c.as_bytes()[1..].eq_ignore_ascii_case(cat)),
            Filter::Pattern(p) => glob::matches_nocase(p, cmd.full_name.as_bytes()),
        }
    }
}

/// # Format
/// ```text
/// COMMAND LIST [FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>]
/// ```
///
/// Full names, subcommands after their container.
fn command_list(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let mut filter = Filter::All;
    let mut i = 2;
    while i < args.len() {
        let more = args.len() - 1 - i;
        if !(args[i].eq_ignore_ascii_case(b"filterby") && more == 2) {
            return Err(CmdError::Syntax);
        }
        let arg = &args[i + 2][..];
        filter = match args[i + 1].to_ascii_lowercase().as_slice() {
            b"module" => Filter::Module,
            b"aclcat" => Filter::AclCat(arg),
            b"pattern" => Filter::Pattern(arg),
            _ => return Err(CmdError::Syntax),
        };
        i += 3;
    }
    let mut names: Vec<&str> = Vec::new();
    for cmd in ctx.srv.table.iter() {
        if filter.keeps(cmd) {
            names.push(&cmd.full_name);
        }
        for sub in cmd.subcommands_in_order() {
            if filter.keeps(sub) {
                names.push(&sub.full_name);
            }
        }
    }
    ctx.reply.array(names.len());
    for n in names {
        ctx.reply.bulk(n.as_bytes());
    }
    Ok(())
}

/// # Format
/// ```text
/// COMMAND GETKEYS command [arg [arg ...]]
/// ```
///
/// The key arguments of a full command, found through its key specs.
fn command_getkeys(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let argv = &args[2..];
    let table = &ctx.srv.table;
    let Some(base) = table.lookup(&argv[0]) else {
        return Err(CmdError::msg("ERR Invalid command specified"));
    };
    let cmd = if !base.def.subcommands.is_empty() && argv.len() >= 2 {
        base.subcommand(&argv[1]).ok_or_else(|| CmdError::msg("ERR Invalid command specified"))?
    } else {
        base
    };
    let def = cmd.def;
    if !def.key_specs.iter().any(|s| !s.flags.contains(&"not_key")) {
        return Err(CmdError::msg("ERR The command has no key arguments"));
    }
    if !def.arity_ok(argv.len()) {
        return Err(CmdError::msg("ERR Invalid number of arguments specified for command"));
    }
    // SORT's BY/GET/STORE keys have no usable key spec: Redis finds them
    // with a function of their own (sortGetKeys / sortROGetKeys).
    let keys = match def.name {
        "sort" | "sort_ro" => super::sort::key_positions(argv, def.name == "sort_ro"),
        _ => keys_from_specs(def, argv),
    };
    if keys.is_empty() {
        if def.has_flag(super::def::flag::NO_MANDATORY_KEYS) {
            ctx.reply.array(0);
            return Ok(());
        }
        return Err(CmdError::msg("ERR Invalid arguments specified for command"));
    }
    ctx.reply.array(keys.len());
    for k in keys {
        ctx.reply.bulk(&argv[k]);
    }
    Ok(())
}

/// The positions of the keys in `argv` (the command name at 0), as Redis's
/// getKeysUsingKeySpecs finds them; empty if a spec does not fit `argv`.
pub fn keys_from_specs(def: &CommandDef, argv: &[Bytes]) -> Vec<usize> {
    let mut keys = Vec::new();
    for spec in def.key_specs.iter().filter(|s| !s.flags.contains(&"not_key")) {
        match spec_keys(spec, argv, def.arity) {
            Some(found) => keys.extend(found),
            None => return Vec::new(),
        }
    }
    keys
}

/// One spec's key positions; None when the spec does not fit (Redis's
/// `invalid_spec`). A keyword spec whose keyword is absent yields no keys.
fn spec_keys(spec: &KeySpec, argv: &[Bytes], arity: i32) -> Option<Vec<usize>> {
    let argc = argv.len() as i64;
    let first: i64 = match spec.begin_search {
        BeginSearch::Index(pos) => pos as i64,
        BeginSearch::Keyword { keyword, startfrom } => {
            let from = startfrom as i64;
            let (start, end) = if from > 0 { (from, argc - 1) } else { (argc + from, 1) };
            let step = if start <= end { 1 } else { -1 };
            let mut i = start;
            let mut found = 0;
            while i != end + step && (1..argc).contains(&i) {
                if argv[i as usize].eq_ignore_ascii_case(keyword.as_bytes()) {
                    found = i + 1;
                    break;
                }
                i += step;
            }
            if found == 0 {
                return Some(Vec::new());
            }
            found
        }
        BeginSearch::Unknown => return None,
    };
    let (first, last, step) = match spec.find_keys {
        FindKeys::Range { lastkey, keystep, limit } => {
            let (lastkey, limit) = (lastkey as i64, limit as i64);
            let last = if lastkey >= 0 {
                first + lastkey
            } else if limit == 0 {
                argc + lastkey
            } else {
                first + ((argc - first) / limit + lastkey)
            };
            (first, last, keystep as i64)
        }
        FindKeys::Keynum { keynumidx, firstkey, keystep } => {
            let idx = first + keynumidx as i64;
            if keynumidx as i64 >= argc || idx >= argc {
                return None;
            }
            let numkeys = crate::db::value::parse_strict_i64(&argv[idx as usize]).filter(|&n| n >= 0)?;
            let first = first + firstkey as i64;
            (first, first + numkeys - 1, keystep as i64)
        }
        FindKeys::Unknown => return None,
    };
    if last >= argc || last < first || first >= argc || step <= 0 {
        return None;
    }
    let mut keys = Vec::new();
    let mut i = first;
    while i <= last {
        // Only commands with a variable arity can get here with too few
        // arguments; their handler reports it.
        if i >= argc && arity < 0 {
            i += step;
            continue;
        }
        keys.push(i as usize);
        i += step;
    }
    Some(keys)
}

/// # Format
/// ```text
/// COMMAND HELP
/// ```
///
/// Redis 7.0.15's text, line for line.
fn command_help(ctx: &mut Ctx<'_>, _args: &[Bytes]) -> CmdResult {
    help_reply(
        ctx,
        "COMMAND",
        &[
            "(no subcommand)",
            "    Return details about all Redis commands.",
            "COUNT",
            "    Return the total number of commands in this Redis server.",
            "LIST",
            "    Return a list of all commands in this Redis server.",
            "INFO [<command-name> ...]",
            "    Return details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "DOCS [<command-name> ...]",
            "    Return documentation details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "GETKEYS <full-command>",
            "    Return the keys from a full Redis command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and the access flags from a full Redis command.",
        ],
    );
    Ok(())
}

/// Redis's addReplyCommandInfo: name, arity, flags, first key, last key,
/// key step, ACL categories, tips, key specs, subcommands.
fn info_reply(r: &mut Reply, cmd: &Command) {
    let def = cmd.def;
    r.array(10);
    r.bulk(cmd.full_name.as_bytes());
    r.int(def.arity as i64);
    let flags: Vec<&str> = FLAG_NAMES.iter().filter(|(bit, _)| def.flags & bit != 0).map(|(_, n)| *n).collect();
    statuses(r, &flags);
    r.int(def.first_key as i64);
    r.int(def.last_key as i64);
    r.int(def.key_step as i64);
    statuses(r, def.acl_categories);
    r.set(def.tips.len());
    for t in def.tips {
        r.bulk(t.as_bytes());
    }
    r.set(def.key_specs.len());
    for spec in def.key_specs {
        key_spec_reply(r, spec);
    }
    let subs: Vec<&Command> = cmd.subcommands_in_order().collect();
    r.set(subs.len());
    for sub in subs {
        info_reply(r, sub);
    }
}

/// A set of flag names (Redis's addReplyCommandFlags: a set in RESP3).
fn statuses(r: &mut Reply, items: &[&str]) {
    r.set(items.len());
    for s in items {
        r.simple(s);
    }
}

fn key_spec_reply(r: &mut Reply, spec: &KeySpec) {
    r.map(3 + spec.notes.is_some() as usize);
    if let Some(notes) = spec.notes {
        r.bulk(b"notes");
        r.bulk(notes.as_bytes());
    }
    r.bulk(b"flags");
    statuses(r, spec.flags);
    r.bulk(b"begin_search");
    r.map(2);
    r.bulk(b"type");
    match spec.begin_search {
        BeginSearch::Index(pos) => spec_part(r, "index", &[("index", pos as i64)]),
        BeginSearch::Keyword { keyword, startfrom } => {
            // The one part with a string field.
            r.bulk(b"keyword");
            r.bulk(b"spec");
            r.map(2);
            r.bulk(b"keyword");
            r.bulk(keyword.as_bytes());
            r.bulk(b"startfrom");
            r.int(startfrom as i64);
        }
        BeginSearch::Unknown => spec_part(r, "unknown", &[]),
    }
    r.bulk(b"find_keys");
    r.map(2);
    r.bulk(b"type");
    match spec.find_keys {
        FindKeys::Range { lastkey, keystep, limit } => {
            spec_part(r, "range", &[("lastkey", lastkey as i64), ("keystep", keystep as i64), ("limit", limit as i64)])
        }
        FindKeys::Keynum { keynumidx, firstkey, keystep } => spec_part(
            r,
            "keynum",
            &[("keynumidx", keynumidx as i64), ("firstkey", firstkey as i64), ("keystep", keystep as i64)],
        ),
        FindKeys::Unknown => spec_part(r, "unknown", &[]),
    }
}

/// The rest of a key spec's `begin_search` or `find_keys` map after its
/// `type` key: the type's name, then `spec`, a map of integer fields.
fn spec_part(r: &mut Reply, type_name: &str, fields: &[(&str, i64)]) {
    r.bulk(type_name.as_bytes());
    r.bulk(b"spec");
    r.map(fields.len());
    for (name, value) in fields {
        r.bulk(name.as_bytes());
        r.int(*value);
    }
}

/// Redis's addReplyCommandDocs: only the fields a command has, in Redis's
/// order.
fn docs_reply(r: &mut Reply, cmd: &Command) {
    let d = cmd.def.docs;
    let subs: Vec<&Command> = cmd.subcommands_in_order().collect();
    let has_subs = !cmd.def.subcommands.is_empty();
    let fields = 3
        + d.complexity.is_some() as usize
        + !d.doc_flags.is_empty() as usize
        + d.deprecated_since.is_some() as usize
        + d.replaced_by.is_some() as usize
        + !d.history.is_empty() as usize
        + !d.arguments.is_empty() as usize
        + has_subs as usize;
    r.map(fields);
    pair(r, "summary", d.summary);
    pair(r, "since", d.since);
    pair(r, "group", d.group);
    if let Some(c) = d.complexity {
        pair(r, "complexity", c);
    }
    if !d.doc_flags.is_empty() {
        r.bulk(b"doc_flags");
        statuses(r, d.doc_flags);
    }
    if let Some(v) = d.deprecated_since {
        pair(r, "deprecated_since", v);
    }
    if let Some(v) = d.replaced_by {
        pair(r, "replaced_by", v);
    }
    if !d.history.is_empty() {
        r.bulk(b"history");
        r.set(d.history.len());
        for (version, what) in d.history {
            r.array(2);
            r.bulk(version.as_bytes());
            r.bulk(what.as_bytes());
        }
    }
    if !d.arguments.is_empty() {
        r.bulk(b"arguments");
        args_reply(r, d.arguments);
    }
    if has_subs {
        r.bulk(b"subcommands");
        r.map(subs.len());
        for sub in subs {
            r.bulk(sub.full_name.as_bytes());
            docs_reply(r, sub);
        }
    }
}

fn pair(r: &mut Reply, key: &str, value: &str) {
    r.bulk(key.as_bytes());
    r.bulk(value.as_bytes());
}

/// Redis's addReplyCommandArgList.
fn args_reply(r: &mut Reply, args: &[Arg]) {
    r.array(args.len());
    for a in args {
        let nested = a.kind.nests();
        let fields = 2
            + a.display_text.is_some() as usize
            + a.key_spec_index.is_some() as usize
            + a.token.is_some() as usize
            + a.summary.is_some() as usize
            + a.since.is_some() as usize
            + a.deprecated_since.is_some() as usize
            + (a.flags != 0) as usize
            + nested as usize;
        r.map(fields);
        pair(r, "name", a.name);
        pair(r, "type", a.kind.name());
        // Redis 7.0's metadata has no display texts; kept for rows taken
        // from a later Redis.
        if let Some(t) = a.display_text {
            pair(r, "display_text", t);
        }
        if let Some(i) = a.key_spec_index {
            r.bulk(b"key_spec_index");
            r.int(i as i64);
        }
        for (k, v) in [("token", a.token), ("summary", a.summary), ("since", a.since)] {
            if let Some(v) = v {
                pair(r, k, v);
            }
        }
        if let Some(v) = a.deprecated_since {
            pair(r, "deprecated_since", v);
        }
        if a.flags != 0 {
            r.bulk(b"flags");
            let flags: Vec<&str> =
                ARG_FLAG_NAMES.iter().filter(|(bit, _)| a.flags & bit != 0).map(|(_, n)| *n).collect();
            statuses(r, &flags);
        }
        if nested {
            r.bulk(b"arguments");
            args_reply(r, a.arguments);
        }
    }
}
