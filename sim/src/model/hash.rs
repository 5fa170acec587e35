//! The hash type in the model: a `Vec` of pairs in insertion order plus
//! the encoding Redis 7.0 would report, with its conversion rules written
//! out plainly (checked against redis-server 7.0.15):
//! - a write carrying a field or value longer than [`LISTPACK_VALUE_MAX`]
//!   converts before storing (HSET/HMSET check every argument; HSETNX only
//!   for a new field; HINCRBY/HINCRBYFLOAT their field and result);
//! - a store that leaves more than [`LISTPACK_ENTRIES_MAX`] pairs converts,
//!   even an update;
//! - nothing converts back; the key goes with its last field.
//!
//! The simulator runs the engine with these limits (a small entry limit, so
//! runs cross it); `--oracle` sets them on the real server.
//!
//! Uncertain values (a HINCRBYFLOAT result the model cannot prove, see
//! [`super::float`]) make the whole entry uncertain: the field set stays
//! exact (every reply about fields is checked), replies showing values,
//! order or encoding are accepted as any well-formed reply.
//!
//! Commands with random or order-dependent replies on a hashtable
//! (HRANDFIELD, HSCAN, HGETALL...) are checked by [`Prop`]s; HRANDFIELD and
//! HSCAN are in [`super::hash_random`].

use super::float::{self, Sum};
use super::hash_random::{hrandfield, hscan};
use super::strings::set_data;
use super::{int_arg, parse_ll, Data, Db, Entry, Exec, Model, Out, Prop, Spec, WrongType, WRONGTYPE};
use crate::cmd::Cmd;

/// `hash-max-listpack-entries` in simulator runs (Redis's default is 512).
pub const LISTPACK_ENTRIES_MAX: usize = 4;
/// `hash-max-listpack-value` in simulator runs (Redis's default).
pub const LISTPACK_VALUE_MAX: usize = 64;

/// The family's commands (joined with the others by [`super::all_specs`]).
pub static SPECS: &[Spec] = &[
    Spec::new("hset", -4, hset),
    Spec::new("hmset", -4, hmset),
    Spec::new("hsetnx", 4, hsetnx),
    Spec::new("hget", 3, hget),
    Spec::new("hmget", -3, hmget),
    Spec::new("hdel", -3, hdel),
    Spec::new("hlen", 2, hlen),
    Spec::new("hstrlen", 3, hstrlen),
    Spec::new("hexists", 3, hexists),
    Spec::new("hkeys", 2, hkeys),
    Spec::new("hvals", 2, hvals),
    Spec::new("hgetall", 2, hgetall),
    Spec::new("hincrby", 4, hincrby),
    Spec::new("hincrbyfloat", 4, hincrbyfloat),
    Spec::new("hrandfield", -2, hrandfield),
    Spec::new("hscan", -3, hscan),
];

/// The family's commands the model leaves out, each with the reason.
pub static NOT_MODELLED: &[(&str, &str)] = &[];

/// One field: name, value, and the model sequence number when it was added
/// (HSCAN's "present for the whole scan").
#[derive(Clone, Debug)]
pub struct Field {
    pub name: Vec<u8>,
    pub value: Vec<u8>,
    pub stamp: u64,
}

#[derive(Clone, Debug, Default)]
pub struct HashM {
    /// In insertion order (a listpack's order).
    pub fields: Vec<Field>,
    /// Encoded as a hashtable (else listpack).
    pub big: bool,
}

impl HashM {
    /// The name OBJECT ENCODING replies with.
    pub fn encoding_name(&self) -> &'static [u8] {
        if self.big {
            b"hashtable"
        } else {
            b"listpack"
        }
    }

    fn position(&self, name: &[u8]) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    pub fn get(&self, name: &[u8]) -> Option<&[u8]> {
        self.position(name).map(|i| self.fields[i].value.as_slice())
    }

    /// Converts if any of `args` is too long for a listpack.
    fn convert_for(&mut self, args: &[&[u8]]) {
        self.big |= args.iter().any(|a| a.len() > LISTPACK_VALUE_MAX);
    }

    /// Stores `value` under `name` (conversion rules in the module doc).
    /// Returns true if the field is new.
    fn store(&mut self, name: &[u8], value: &[u8], seq: u64) -> bool {
        self.convert_for(&[name, value]);
        let added = match self.position(name) {
            Some(i) => {
                self.fields[i].value = value.to_vec();
                false
            }
            None => {
                self.fields.push(Field { name: name.to_vec(), value: value.to_vec(), stamp: seq });
                true
            }
        };
        self.big |= self.fields.len() > LISTPACK_ENTRIES_MAX;
        added
    }

    fn remove(&mut self, name: &[u8]) -> bool {
        let Some(i) = self.position(name) else { return false };
        self.fields.remove(i);
        true
    }

    /// Pairs sorted by field (for properties).
    pub fn sorted_pairs(&self, keep: impl Fn(&Field) -> bool) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut v: Vec<(Vec<u8>, Vec<u8>)> =
            self.fields.iter().filter(|f| keep(f)).map(|f| (f.name.clone(), f.value.clone())).collect();
        v.sort_unstable();
        v
    }
}

/// The live hash entry under `key`: None if missing, Err for another type.
pub fn get_hash<'a>(db: &'a Db, key: &[u8], now_ms: i64) -> Result<Option<(&'a HashM, &'a Entry)>, WrongType> {
    match db.get(key, now_ms) {
        None => Ok(None),
        Some(e) => match &e.data {
            Data::Hash(h) => Ok(Some((h, e))),
            _ => Err(WrongType),
        },
    }
}

/// Runs `f` on the hash under `key` (a new empty one if missing), with
/// whether the entry is uncertain; deletes the key if `f` emptied it and
/// stores a new hash only if `f` filled it. None for another type.
fn write_hash<R>(m: &mut Model, cx: &Exec<'_>, key: &[u8], f: impl FnOnce(&mut HashM, bool) -> R) -> Option<R> {
    let (now, seq) = (cx.now_ms, m.seq);
    let db = m.db(cx);
    match db.get_mut(key, now) {
        Some(e) => {
            let uncertain = e.uncertain;
            let Data::Hash(h) = &mut e.data else { return None };
            let r = f(h, uncertain);
            if h.fields.is_empty() {
                db.map.remove(key);
            }
            Some(r)
        }
        None => {
            let mut h = HashM::default();
            let r = f(&mut h, false);
            if !h.fields.is_empty() {
                set_data(db, key, Data::Hash(h), false, now, seq);
            }
            Some(r)
        }
    }
}

/// Marks the entry under `key` uncertain (an unprovable HINCRBYFLOAT result).
fn mark_uncertain(m: &mut Model, cx: &Exec<'_>, key: &[u8]) {
    if let Some(e) = m.db(cx).map.get_mut(key) {
        e.uncertain = true;
    }
}

fn set_pairs(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, name: &str) -> Option<i64> {
    if cmd.argc() % 2 == 1 {
        out.w.err_parts(&[b"ERR wrong number of arguments for '", name.as_bytes(), b"' command"]);
        return None;
    }
    let seq = m.seq;
    let args: Vec<&[u8]> = (2..cmd.argc()).map(|i| cmd.arg(i)).collect();
    let created = write_hash(m, cx, cmd.arg(1), |h, _| {
        h.convert_for(&args);
        args.chunks(2).filter(|p| h.store(p[0], p[1], seq)).count() as i64
    });
    if created.is_none() {
        out.w.err(WRONGTYPE);
    }
    created
}

pub fn hset(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if let Some(n) = set_pairs(m, cmd, cx, out, "hset") {
        out.w.int(n);
    }
}

pub fn hmset(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if set_pairs(m, cmd, cx, out, "hmset").is_some() {
        out.w.ok();
    }
}

pub fn hsetnx(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let seq = m.seq;
    let (f, v) = (cmd.arg(2), cmd.arg(3));
    let set = write_hash(m, cx, cmd.arg(1), |h, _| {
        if h.position(f).is_some() {
            return false;
        }
        h.convert_for(&[f, v]);
        h.store(f, v, seq)
    });
    match set {
        None => out.w.err(WRONGTYPE),
        Some(set) => out.w.int(set as i64),
    }
}

/// Looks the hash up for a read: writes WRONGTYPE and returns Err, or the
/// hash (None if missing) and whether it is uncertain.
fn read<'a>(m: &'a mut Model, cx: &Exec<'_>, key: &[u8], out: &mut Out<'_>) -> Result<Option<(&'a HashM, bool)>, ()> {
    let now = cx.now_ms;
    match get_hash(m.db(cx), key, now) {
        Err(WrongType) => {
            out.w.err(WRONGTYPE);
            Err(())
        }
        Ok(found) => Ok(found.map(|(h, e)| (h, e.uncertain))),
    }
}

pub fn hget(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    match read(m, cx, cmd.arg(1), out) {
        Err(()) => {}
        Ok(Some((_, true))) => out.any(),
        Ok(found) => match found.and_then(|(h, _)| h.get(cmd.arg(2))) {
            Some(v) => out.w.bulk(v),
            None => out.w.nil(),
        },
    }
}

pub fn hmget(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    match read(m, cx, cmd.arg(1), out) {
        Err(()) => {}
        Ok(Some((_, true))) => out.any(),
        Ok(found) => {
            out.w.array(cmd.argc() - 2);
            for i in 2..cmd.argc() {
                match found.and_then(|(h, _)| h.get(cmd.arg(i))) {
                    Some(v) => out.w.bulk(v),
                    None => out.w.nil(),
                }
            }
        }
    }
}

pub fn hdel(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    if !m.db(cx).exists(cmd.arg(1), now) {
        return out.w.int(0);
    }
    let deleted = write_hash(m, cx, cmd.arg(1), |h, _| (2..cmd.argc()).filter(|&i| h.remove(cmd.arg(i))).count());
    match deleted {
        None => out.w.err(WRONGTYPE),
        Some(n) => out.w.int(n as i64),
    }
}

pub fn hlen(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if let Ok(found) = read(m, cx, cmd.arg(1), out) {
        out.w.int(found.map_or(0, |(h, _)| h.fields.len() as i64));
    }
}

pub fn hstrlen(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    match read(m, cx, cmd.arg(1), out) {
        Err(()) => {}
        Ok(Some((_, true))) => out.any(),
        Ok(found) => out.w.int(found.and_then(|(h, _)| h.get(cmd.arg(2))).map_or(0, |v| v.len() as i64)),
    }
}

pub fn hexists(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if let Ok(found) = read(m, cx, cmd.arg(1), out) {
        out.w.int(found.is_some_and(|(h, _)| h.position(cmd.arg(2)).is_some()) as i64);
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Parts {
    Fields,
    Values,
    Both,
}

/// HKEYS HVALS HGETALL: exact in insertion order for a listpack, any order
/// for a hashtable.
fn get_all(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, parts: Parts) {
    let (h, uncertain) = match read(m, cx, cmd.arg(1), out) {
        Err(()) => return,
        Ok(None) => return out.w.array(0),
        Ok(Some(found)) => found,
    };
    if uncertain && parts != Parts::Fields {
        return out.any();
    }
    if h.big || uncertain {
        let pairs = h.sorted_pairs(|_| true);
        out.prop = Some(match parts {
            Parts::Fields => Prop::SortedArray(pairs.into_iter().map(|p| p.0).collect()),
            Parts::Values => {
                let mut values: Vec<Vec<u8>> = pairs.into_iter().map(|p| p.1).collect();
                values.sort_unstable();
                Prop::SortedArray(values)
            }
            Parts::Both => Prop::SortedPairs(pairs),
        });
        return;
    }
    out.w.array(h.fields.len() * if parts == Parts::Both { 2 } else { 1 });
    for f in &h.fields {
        if parts != Parts::Values {
            out.w.bulk(&f.name);
        }
        if parts != Parts::Fields {
            out.w.bulk(&f.value);
        }
    }
}

pub fn hkeys(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    get_all(m, cmd, cx, out, Parts::Fields)
}

pub fn hvals(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    get_all(m, cmd, cx, out, Parts::Values)
}

pub fn hgetall(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    get_all(m, cmd, cx, out, Parts::Both)
}

/// What an increment computed: a reply, an error text, or unknown.
enum Step {
    Int(i64),
    Text(Vec<u8>),
    Err(&'static str),
    Unknown,
}

/// Applies an increment to field `cmd.arg(2)`: `next` maps the old value
/// (None if the field is new) to the step. An uncertain entry whose field
/// exists gives an unknown step (the engine may have answered either way;
/// the field set is the same).
fn increment(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, next: impl FnOnce(Option<&[u8]>) -> Step) {
    let seq = m.seq;
    let field = cmd.arg(2);
    let step = write_hash(m, cx, cmd.arg(1), |h, uncertain| {
        let old = h.get(field);
        let step = if uncertain && old.is_some() { Step::Unknown } else { next(old) };
        match &step {
            Step::Int(n) => {
                h.store(field, n.to_string().as_bytes(), seq);
            }
            Step::Text(t) => {
                h.store(field, t, seq);
            }
            // Its value is unknown; "?" keeps the field set exact.
            Step::Unknown if old.is_none() => {
                h.store(field, b"?", seq);
            }
            Step::Unknown | Step::Err(_) => {}
        }
        step
    });
    match step {
        None => out.w.err(WRONGTYPE),
        Some(Step::Int(n)) => out.w.int(n),
        Some(Step::Text(t)) => out.w.bulk(&t),
        Some(Step::Err(e)) => out.w.err(e),
        Some(Step::Unknown) => {
            mark_uncertain(m, cx, cmd.arg(1));
            out.any();
        }
    }
}

pub fn hincrby(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(by) = int_arg(cmd, 3, out) else { return };
    increment(m, cmd, cx, out, |old| {
        let Some(old) = old.map_or(Some(0), parse_ll) else { return Step::Err("ERR hash value is not an integer") };
        match old.checked_add(by) {
            Some(n) => Step::Int(n),
            None => Step::Err("ERR increment or decrement would overflow"),
        }
    })
}

pub fn hincrbyfloat(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    // The generator sends no `inf`, so "value is NaN or Infinity" and a
    // non-finite sum never arise here (the differential file covers them).
    let Some(by) = float::parse(cmd.arg(3)) else { return out.w.err("ERR value is not a valid float") };
    increment(m, cmd, cx, out, |old| {
        let Some(old) = old.map_or(Some(float::Dec::Exact(0)), float::parse) else {
            return Step::Err("ERR hash value is not a float");
        };
        match float::add(old, by) {
            Sum::Known(text) => Step::Text(text),
            Sum::Unknown => Step::Unknown,
        }
    })
}
