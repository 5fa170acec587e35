//! The shape of a command row and the `const fn` builders the rows in
//! [`rows`](super::rows) and [`docs`](super::docs) are written with.
//!
//! A row says what Redis 7.0's COMMAND INFO says about a command (name,
//! arity, flags, key positions, ACL categories, tips, key specs); its
//! [`Docs`] say what COMMAND DOCS says. Builders leave every optional part
//! empty, so a row names only what it has:
//!
//! ```text
//! row("getdel", 2, WRITE | FAST, (1, 1, 1), &["@write", "@string", "@fast"])
//!     .key_specs(&[KeySpec::index(1, &["RW", "access", "delete"])])
//!     .docs(&string::GETDEL)
//! ```

/// Command flags as bits; [`FLAG_NAMES`] gives their COMMAND INFO names in
/// the order Redis prints them.
pub mod flag {
    /// No flags.
    pub const NONE: u32 = 0;
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

/// One command (or subcommand) as Redis 7.0 describes it: one row.
#[derive(Debug, Clone, Copy)]
pub struct CommandDef {
    /// Lowercase. For a subcommand, the part after `|` ("get" of "config|get").
    pub name: &'static str,
    /// Positive: exactly that many arguments including the name; negative:
    /// at least `-arity`.
    pub arity: i32,
    /// [`flag`] bits.
    pub flags: u32,
    pub first_key: i32,
    pub last_key: i32,
    pub key_step: i32,
    /// As COMMAND INFO prints them: "@read", "@string", ...
    pub acl_categories: &'static [&'static str],
    /// Request/response policy and output tips ("nondeterministic_output").
    pub tips: &'static [&'static str],
    pub key_specs: &'static [KeySpec],
    /// The subcommands of a container (CONFIG, CLIENT, ...), in the order
    /// COMMAND lists them.
    pub subcommands: &'static [CommandDef],
    pub docs: &'static Docs,
}

/// A row with no tips, key specs, subcommands or docs yet: `keys` is
/// `(first_key, last_key, key_step)`.
pub const fn row(
    name: &'static str,
    arity: i32,
    flags: u32,
    keys: (i32, i32, i32),
    acl_categories: &'static [&'static str],
) -> CommandDef {
    CommandDef {
        name,
        arity,
        flags,
        first_key: keys.0,
        last_key: keys.1,
        key_step: keys.2,
        acl_categories,
        tips: &[],
        key_specs: &[],
        subcommands: &[],
        docs: &Docs::NONE,
    }
}

impl CommandDef {
    pub const fn tips(mut self, tips: &'static [&'static str]) -> CommandDef {
        self.tips = tips;
        self
    }

    pub const fn key_specs(mut self, specs: &'static [KeySpec]) -> CommandDef {
        self.key_specs = specs;
        self
    }

    pub const fn subcommands(mut self, subs: &'static [CommandDef]) -> CommandDef {
        self.subcommands = subs;
        self
    }

    pub const fn docs(mut self, docs: &'static Docs) -> CommandDef {
        self.docs = docs;
        self
    }

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
    /// Key spec flag names, as COMMAND INFO prints them ("RW", "access", ...).
    pub flags: &'static [&'static str],
    pub begin_search: BeginSearch,
    pub find_keys: FindKeys,
}

impl KeySpec {
    /// One key at argument `pos` (Redis's most common spec: index `pos`,
    /// range lastkey 0, keystep 1, limit 0); change the range with
    /// [`KeySpec::range`].
    pub const fn index(pos: i32, flags: &'static [&'static str]) -> KeySpec {
        KeySpec {
            notes: None,
            flags,
            begin_search: BeginSearch::Index(pos),
            find_keys: FindKeys::Range { lastkey: 0, keystep: 1, limit: 0 },
        }
    }

    /// Keys after the keyword `keyword`, searched from `startfrom`; one
    /// key unless [`KeySpec::range`] or [`KeySpec::keynum`] says more.
    pub const fn keyword(keyword: &'static str, startfrom: i32, flags: &'static [&'static str]) -> KeySpec {
        KeySpec { begin_search: BeginSearch::Keyword { keyword, startfrom }, ..KeySpec::index(0, flags) }
    }

    pub const fn range(mut self, lastkey: i32, keystep: i32, limit: i32) -> KeySpec {
        self.find_keys = FindKeys::Range { lastkey, keystep, limit };
        self
    }

    pub const fn keynum(mut self, keynumidx: i32, firstkey: i32, keystep: i32) -> KeySpec {
        self.find_keys = FindKeys::Keynum { keynumidx, firstkey, keystep };
        self
    }

    pub const fn notes(mut self, notes: &'static str) -> KeySpec {
        self.notes = Some(notes);
        self
    }
}

/// Documentation of a command, for COMMAND DOCS.
#[derive(Debug, Clone, Copy)]
pub struct Docs {
    pub summary: &'static str,
    pub since: &'static str,
    /// "string", "generic", "connection", "server", "bitmap", ...
    pub group: &'static str,
    pub complexity: Option<&'static str>,
    /// "deprecated", "syscmd".
    pub doc_flags: &'static [&'static str],
    pub deprecated_since: Option<&'static str>,
    pub replaced_by: Option<&'static str>,
    /// `(version, what changed)`, oldest first.
    pub history: &'static [(&'static str, &'static str)],
    pub arguments: &'static [Arg],
}

impl Docs {
    /// What a row without `.docs(..)` has; a test fails on it.
    pub const NONE: Docs = Docs::new("", "", "");

    pub const fn new(summary: &'static str, since: &'static str, group: &'static str) -> Docs {
        Docs {
            summary,
            since,
            group,
            complexity: None,
            doc_flags: &[],
            deprecated_since: None,
            replaced_by: None,
            history: &[],
            arguments: &[],
        }
    }

    pub const fn complexity(mut self, complexity: &'static str) -> Docs {
        self.complexity = Some(complexity);
        self
    }

    pub const fn doc_flags(mut self, flags: &'static [&'static str]) -> Docs {
        self.doc_flags = flags;
        self
    }

    /// Deprecated since `version`, in favour of `replaced_by`.
    pub const fn deprecated(mut self, version: &'static str, replaced_by: &'static str) -> Docs {
        self.deprecated_since = Some(version);
        self.replaced_by = Some(replaced_by);
        self
    }

    pub const fn history(mut self, history: &'static [(&'static str, &'static str)]) -> Docs {
        self.history = history;
        self
    }

    pub const fn args(mut self, args: &'static [Arg]) -> Docs {
        self.arguments = args;
        self
    }
}

/// An argument's type in COMMAND DOCS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    Key,
    String,
    Integer,
    Double,
    Pattern,
    UnixTime,
    PureToken,
    /// Exactly one of the nested arguments.
    Oneof,
    /// All the nested arguments, in order.
    Block,
}

impl ArgKind {
    /// The name COMMAND DOCS prints.
    pub fn name(self) -> &'static str {
        match self {
            ArgKind::Key => "key",
            ArgKind::String => "string",
            ArgKind::Integer => "integer",
            ArgKind::Double => "double",
            ArgKind::Pattern => "pattern",
            ArgKind::UnixTime => "unix-time",
            ArgKind::PureToken => "pure-token",
            ArgKind::Oneof => "oneof",
            ArgKind::Block => "block",
        }
    }

    /// Whether the argument has nested arguments.
    pub fn nests(self) -> bool {
        matches!(self, ArgKind::Oneof | ArgKind::Block)
    }
}

/// Argument flags as bits; [`ARG_FLAG_NAMES`] gives their names in the
/// order Redis prints them.
pub mod arg_flag {
    pub const OPTIONAL: u8 = 1 << 0;
    pub const MULTIPLE: u8 = 1 << 1;
    pub const MULTIPLE_TOKEN: u8 = 1 << 2;
}

/// `(bit, name)` in the order Redis's `addReplyFlagsForArg` prints them.
pub const ARG_FLAG_NAMES: &[(u8, &str)] =
    &[(arg_flag::OPTIONAL, "optional"), (arg_flag::MULTIPLE, "multiple"), (arg_flag::MULTIPLE_TOKEN, "multiple_token")];

/// One argument in COMMAND DOCS, built with the constructor named after its
/// type and the modifiers below: `Arg::integer("seconds").token("EX")`.
#[derive(Debug, Clone, Copy)]
pub struct Arg {
    pub name: &'static str,
    pub kind: ArgKind,
    pub display_text: Option<&'static str>,
    pub key_spec_index: Option<i32>,
    pub token: Option<&'static str>,
    pub summary: Option<&'static str>,
    pub since: Option<&'static str>,
    pub deprecated_since: Option<&'static str>,
    /// [`arg_flag`] bits.
    pub flags: u8,
    /// The nested arguments of a [`ArgKind::Oneof`] or [`ArgKind::Block`].
    pub arguments: &'static [Arg],
}

impl Arg {
    const fn new(name: &'static str, kind: ArgKind) -> Arg {
        Arg {
            name,
            kind,
            display_text: None,
            key_spec_index: None,
            token: None,
            summary: None,
            since: None,
            deprecated_since: None,
            flags: 0,
            arguments: &[],
        }
    }

    /// A key, found by the row's key spec number `spec`.
    pub const fn key(name: &'static str, spec: i32) -> Arg {
        let mut a = Arg::new(name, ArgKind::Key);
        a.key_spec_index = Some(spec);
        a
    }

    pub const fn string(name: &'static str) -> Arg {
        Arg::new(name, ArgKind::String)
    }

    pub const fn integer(name: &'static str) -> Arg {
        Arg::new(name, ArgKind::Integer)
    }

    pub const fn double(name: &'static str) -> Arg {
        Arg::new(name, ArgKind::Double)
    }

    pub const fn pattern(name: &'static str) -> Arg {
        Arg::new(name, ArgKind::Pattern)
    }

    pub const fn unix_time(name: &'static str) -> Arg {
        Arg::new(name, ArgKind::UnixTime)
    }

    /// A keyword on its own (`NX`).
    pub const fn pure_token(name: &'static str, token: &'static str) -> Arg {
        Arg::new(name, ArgKind::PureToken).token(token)
    }

    pub const fn oneof(name: &'static str, args: &'static [Arg]) -> Arg {
        let mut a = Arg::new(name, ArgKind::Oneof);
        a.arguments = args;
        a
    }

    pub const fn block(name: &'static str, args: &'static [Arg]) -> Arg {
        let mut a = Arg::new(name, ArgKind::Block);
        a.arguments = args;
        a
    }

    /// The keyword that comes before the value (`EX seconds`).
    pub const fn token(mut self, token: &'static str) -> Arg {
        self.token = Some(token);
        self
    }

    pub const fn optional(mut self) -> Arg {
        self.flags |= arg_flag::OPTIONAL;
        self
    }

    pub const fn multiple(mut self) -> Arg {
        self.flags |= arg_flag::MULTIPLE;
        self
    }

    pub const fn multiple_token(mut self) -> Arg {
        self.flags |= arg_flag::MULTIPLE_TOKEN;
        self
    }

    pub const fn since(mut self, version: &'static str) -> Arg {
        self.since = Some(version);
        self
    }

    pub const fn summary(mut self, summary: &'static str) -> Arg {
        self.summary = Some(summary);
        self
    }

    pub const fn deprecated_since(mut self, version: &'static str) -> Arg {
        self.deprecated_since = Some(version);
        self
    }

    pub const fn display_text(mut self, text: &'static str) -> Arg {
        self.display_text = Some(text);
        self
    }
}
