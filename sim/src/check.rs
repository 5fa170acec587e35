//! Checking replies: each client's expected replies queue up as the model
//! executes its commands; the bytes the client reads are compared with them
//! byte for byte as they arrive, or, for replies that legitimately vary
//! (DBSIZE, KEYS, RANDOMKEY, SCAN), parsed and checked for their properties.

use std::collections::VecDeque;

use crate::cmd::{render_bytes, Cmd};
use crate::model::Prop;
use crate::resp::{self, Parsed, Val};
use crate::trace::ScanStep;

pub enum Expect {
    /// The next `len` bytes of the expected stream.
    Exact(usize),
    /// Boxed: property replies are rare, and every [`Item`] (one per
    /// command, moved through a queue) stays small.
    Prop(Box<Prop>),
}

/// One reply the client waits for.
pub struct Item {
    pub expect: Expect,
    pub cmd: Cmd,
    /// World step at which the command executed.
    pub step: u64,
    pub time_sensitive: bool,
    pub scan: ScanStep,
    /// The model's `seq` after the command (AOF runs: the state its reply
    /// shows).
    pub seq: u64,
}

/// A reply that arrived and passed.
pub struct Checked {
    pub item: Item,
    /// The parsed reply, for property-checked items.
    pub val: Option<Val>,
}

#[derive(Default)]
pub struct Checker {
    /// Expected bytes of every `Exact` item, in order.
    pub exp: Vec<u8>,
    exp_pos: usize,
    pub items: VecDeque<Item>,
    inbox: Vec<u8>,
    inbox_pos: usize,
}

impl Checker {
    pub fn feed(&mut self, bytes: &[u8]) {
        self.inbox.extend_from_slice(bytes);
    }

    pub fn unread_inbox(&self) -> &[u8] {
        &self.inbox[self.inbox_pos..]
    }

    /// How many replies the items still awaited stand for: one per
    /// property item, and every whole reply in an exact item's bytes (an
    /// UNSUBSCRIBE of two channels expects two).
    pub fn awaited_replies(&self) -> usize {
        let mut pos = self.exp_pos;
        let mut n = 0;
        for item in &self.items {
            match &item.expect {
                Expect::Prop(_) => n += 1,
                Expect::Exact(len) => {
                    n += count_replies(&self.exp[pos..pos + len]);
                    pos += len;
                }
            }
        }
        n
    }

    /// Checks the next reply if it has arrived whole. `Err` describes a mismatch.
    pub fn next_reply(&mut self) -> Result<Option<Checked>, String> {
        let avail = &self.inbox[self.inbox_pos..];
        let Some(front) = self.items.front() else {
            if !avail.is_empty() {
                return Err(format!("reply bytes nobody asked for: {}", describe(avail)));
            }
            return Ok(None);
        };
        let checked = match &front.expect {
            Expect::Exact(len) => {
                let len = *len;
                let exp = &self.exp[self.exp_pos..self.exp_pos + len];
                let n = avail.len().min(len);
                if avail[..n] != exp[..n] {
                    return Err(format!("expected {}\n  actual   {}", describe(exp), describe(avail)));
                }
                if n < len {
                    return Ok(None);
                }
                self.exp_pos += len;
                self.inbox_pos += len;
                Checked { item: self.items.pop_front().expect("front exists"), val: None }
            }
            Expect::Prop(prop) => match resp::parse(avail) {
                Parsed::Incomplete => return Ok(None),
                Parsed::Malformed(e) => return Err(format!("malformed reply ({e}): {}", describe(avail))),
                Parsed::Done(v, used) => {
                    check_prop(prop, &v).map_err(|e| format!("{e}\n  actual   {}", v.render()))?;
                    self.inbox_pos += used;
                    Checked { item: self.items.pop_front().expect("front exists"), val: Some(v) }
                }
            },
        };
        if self.exp_pos == self.exp.len() {
            self.exp.clear();
            self.exp_pos = 0;
        }
        if self.inbox_pos == self.inbox.len() {
            self.inbox.clear();
            self.inbox_pos = 0;
        }
        Ok(Some(checked))
    }

    /// Forgets everything (the connection closed): returns the commands
    /// for reuse.
    pub fn reset(&mut self, pool: &mut Vec<Cmd>) {
        pool.extend(self.items.drain(..).map(|i| i.cmd));
        self.exp.clear();
        self.exp_pos = 0;
        self.inbox.clear();
        self.inbox_pos = 0;
    }
}

/// A reply for humans: parsed if whole, raw otherwise.
pub fn describe(b: &[u8]) -> String {
    match resp::parse(b) {
        Parsed::Done(v, _) => v.render(),
        _ => format!("raw {}", render_bytes(&b[..b.len().min(200)])),
    }
}

fn bulk_items(v: &Val) -> Option<Vec<&[u8]>> {
    match v {
        Val::Array(Some(items)) => items
            .iter()
            .map(|i| match i {
                Val::Bulk(Some(b)) => Some(b.as_slice()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

fn render_keys(keys: &[Vec<u8>]) -> String {
    let shown: Vec<String> = keys.iter().take(20).map(|k| render_bytes(k)).collect();
    format!("[{}{}]", shown.join(", "), if keys.len() > 20 { ", ..." } else { "" })
}

/// Checks a property reply.
pub fn check_prop(prop: &Prop, v: &Val) -> Result<(), String> {
    match prop {
        Prop::Any => Ok(()),
        Prop::IntRange { lo, hi } => match v {
            Val::Int(n) if lo <= n && n <= hi => Ok(()),
            _ => Err(format!("expected an integer in {lo}..={hi}")),
        },
        Prop::SortedArray(want) => {
            let mut got = bulk_items(v).ok_or("expected an array of bulk strings")?;
            got.sort();
            if got.len() == want.len() && got.iter().zip(want).all(|(a, b)| *a == b.as_slice()) {
                Ok(())
            } else {
                Err(format!("expected (any order) {}", render_keys(want)))
            }
        }
        Prop::OneOf(candidates) => match v {
            Val::Bulk(None) if candidates.is_empty() => Ok(()),
            Val::Bulk(Some(k)) if candidates.binary_search(&crate::model::key_hash(k)).is_ok() => Ok(()),
            _ => Err(format!("expected nil if none, else one of the {} live keys", candidates.len())),
        },
        Prop::Sample { allowed, count, distinct } => {
            let items = bulk_items(v).ok_or("expected an array of bulk strings")?;
            let pairs = check_pairs(allowed, &items)?;
            if pairs.len() != *count {
                return Err(format!("expected {count} random members"));
            }
            if *distinct && pairs.iter().collect::<std::collections::BTreeSet<_>>().len() != pairs.len() {
                return Err("expected distinct random members".into());
            }
            Ok(())
        }
        Prop::ZScan { allowed } => {
            let (_, items) = scan_reply(v).ok_or("expected [cursor, [member, score, ...]]")?;
            check_pairs(allowed, &items).map(|_| ())
        }
        Prop::SortedPairs(_) | Prop::RandomPairs { .. } | Prop::PairScan { .. } => {
            check_pairs_prop(prop, v).expect("a pairs property")
        }
        Prop::Draw { pool, len, distinct } => {
            let got = bulk_items(v).ok_or("expected an array of bulk strings")?;
            if got.len() != *len {
                return Err(format!("expected {len} members"));
            }
            let mut hashes: Vec<u64> = got.iter().map(|m| crate::model::key_hash(m)).collect();
            if let Some(m) = got.iter().find(|m| pool.binary_search(&crate::model::key_hash(m)).is_err()) {
                return Err(format!("{} is not a member", render_bytes(m)));
            }
            hashes.sort_unstable();
            if *distinct && hashes.windows(2).any(|w| w[0] == w[1]) {
                return Err("expected distinct members".into());
            }
            Ok(())
        }
        Prop::Scan { allowed, .. } => {
            let (_, keys) = scan_reply(v).ok_or("expected [cursor, [keys]]")?;
            match keys.iter().find(|k| allowed.binary_search(&crate::model::key_hash(k)).is_err()) {
                None => Ok(()),
                Some(k) => Err(format!("SCAN returned {} which is not a live matching key", render_bytes(k))),
            }
        }
    }
}

/// A member and, for replies with scores, its score.
type Pair<'a> = (&'a [u8], Option<&'a [u8]>);

/// Splits `items` into members (with their scores when `allowed` carries
/// them) and checks each against `allowed` (sorted).
fn check_pairs<'a>(allowed: &[(Vec<u8>, Option<Vec<u8>>)], items: &[&'a [u8]]) -> Result<Vec<Pair<'a>>, String> {
    let with_scores = allowed.first().is_some_and(|a| a.1.is_some());
    let pairs: Vec<(&[u8], Option<&[u8]>)> = if with_scores {
        if !items.len().is_multiple_of(2) {
            return Err("expected member, score pairs".into());
        }
        items.chunks(2).map(|c| (c[0], Some(c[1]))).collect()
    } else {
        items.iter().map(|m| (*m, None)).collect()
    };
    for (m, s) in &pairs {
        let found = allowed.binary_search_by(|(am, asc)| (am.as_slice(), asc.as_deref()).cmp(&(*m, *s))).is_ok();
        if !found {
            return Err(format!("{} is not a member with that score", render_bytes(m)));
        }
    }
    Ok(pairs)
}

/// Checks the hash properties ([`Prop::SortedPairs`], [`Prop::RandomPairs`],
/// [`Prop::PairScan`]); None for any other property.
fn check_pairs_prop(prop: &Prop, v: &Val) -> Option<Result<(), String>> {
    let pair_of = |pairs: &[(Vec<u8>, Vec<u8>)], f: &[u8]| {
        pairs.binary_search_by(|(k, _)| k.as_slice().cmp(f)).ok().map(|i| pairs[i].1.clone())
    };
    Some(match prop {
        Prop::SortedPairs(want) => {
            let items = bulk_items(v).ok_or("expected an array of bulk strings");
            items
                .and_then(|items| {
                    let mut got: Vec<(&[u8], &[u8])> =
                        items.chunks(2).map(|p| (p[0], *p.get(1).unwrap_or(&&b""[..]))).collect();
                    got.sort();
                    let same = items.len() == want.len() * 2
                        && got.iter().zip(want).all(|(a, b)| a.0 == b.0.as_slice() && a.1 == b.1.as_slice());
                    if same {
                        Ok(())
                    } else {
                        Err("expected (any order) the hash's pairs")
                    }
                })
                .map_err(str::to_string)
        }
        Prop::RandomPairs { pairs, picks, with_values, distinct } => (|| {
            let items = bulk_items(v).ok_or("expected an array of bulk strings")?;
            let step = 1 + *with_values as usize;
            if items.len() != picks * step {
                return Err(format!("expected {} elements", picks * step));
            }
            let mut fields: Vec<&[u8]> = Vec::with_capacity(*picks);
            for p in items.chunks(step) {
                let Some(value) = pair_of(pairs, p[0]) else {
                    return Err(format!("{} is not a field of the hash", render_bytes(p[0])));
                };
                if *with_values && value != p[1] {
                    return Err(format!("{} is not the value of {}", render_bytes(p[1]), render_bytes(p[0])));
                }
                fields.push(p[0]);
            }
            fields.sort_unstable();
            if *distinct && fields.windows(2).any(|w| w[0] == w[1]) {
                return Err("expected distinct fields".into());
            }
            Ok(())
        })(),
        Prop::PairScan { allowed, .. } => (|| {
            let (_, items) = scan_reply(v).ok_or("expected [cursor, [field, value, ...]]")?;
            if items.len() % 2 != 0 {
                return Err("expected field, value pairs".into());
            }
            for p in items.chunks(2) {
                if pair_of(allowed, p[0]).is_none_or(|value| value != p[1]) {
                    return Err(format!(
                        "HSCAN returned {} {} which is not a matching pair",
                        render_bytes(p[0]),
                        render_bytes(p[1])
                    ));
                }
            }
            Ok(())
        })(),
        _ => return None,
    })
}

/// Splits a SCAN reply into its cursor and keys.
pub fn scan_reply(v: &Val) -> Option<(u64, Vec<&[u8]>)> {
    let Val::Array(Some(parts)) = v else {
        return None;
    };
    let [Val::Bulk(Some(cursor)), keys] = parts.as_slice() else {
        return None;
    };
    let cursor = std::str::from_utf8(cursor).ok()?.parse().ok()?;
    Some((cursor, bulk_items(keys)?))
}

/// Whole replies at the start of `buf`.
pub fn count_replies(mut buf: &[u8]) -> usize {
    let mut n = 0;
    while let crate::resp::Parsed::Done(_, used) = crate::resp::parse(buf) {
        buf = &buf[used..];
        n += 1;
    }
    n
}
