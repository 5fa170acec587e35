//! SORT and SORT_RO (Redis 7.0 `sort.c`): sort the elements of a list, set
//! or sorted set numerically or by bytes (ALPHA), by the element itself or
//! by the value of other keys (BY pattern), take a LIMIT window, reply with
//! the elements or with other keys' values (GET pattern), or STORE the
//! result as a list. What SORT reads of each type is in [`source`]; the
//! number test Redis applies to a score is
//! [`crate::cmd::strtod::sort_score`].
//!
//! Order of checks (Redis's): every option is parsed first (a bad LIMIT
//! number or an unknown word answers before the key is looked up), then
//! the key (WRONGTYPE for a string or hash), then the scores; a score that
//! is not a number answers an error after all BY keys were read.
//!
//! Not reproduced: Redis tests `errno == ERANGE` after `strtod` without
//! clearing errno first, so once a score was out of range a later valid
//! non-integer score can be refused until some other call in the process
//! happens to reset errno. That depends on the server's system-call
//! history; here a score is judged on its own.
//!
//! Ties: a numeric sort breaks equal scores by comparing the elements'
//! bytes; an ALPHA sort BY a pattern does not break them, and keeps the
//! load order (glibc's qsort is a stable merge sort; Rust's `sort_by` is
//! stable too). Redis switches to its own unstable partial quicksort
//! (pqsort) when BY a pattern is combined with a LIMIT window: ties there
//! come out in pqsort's order, which this does not reproduce.

mod source;

use std::cmp::Ordering;

use bytes::Bytes;

use super::string::lookup_read;
use super::{parse_i64, CmdError, CmdResult, Handler};
use crate::ctx::Ctx;
use crate::db::value::ListValue;
use crate::db::Value;
use source::{c_str, has_star, lookup_by_pattern, Sortable};

pub static HANDLERS: &[(&str, Handler)] = &[("sort", sort), ("sort_ro", sort_ro)];

/// # Format
/// ```text
/// SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA] [STORE destination]
/// ```
pub(crate) fn sort(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    sort_generic(ctx, args, false)
}

/// # Format
/// ```text
/// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA]
/// ```
pub(crate) fn sort_ro(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    sort_generic(ctx, args, true)
}

/// Redis `sortGetKeys` / `sortROGetKeys` (COMMAND GETKEYS): the sorted
/// key, and for SORT the argument after the last STORE, found by a scan
/// that skips LIMIT's two arguments and GET's and BY's one (a STORE does
/// not skip its key, so a key named like an option is read as one).
pub(crate) fn key_positions(argv: &[Bytes], readonly: bool) -> Vec<usize> {
    let mut keys = vec![1];
    if readonly {
        return keys;
    }
    let mut store = None;
    let mut i = 2;
    while i < argv.len() {
        let word = &argv[i][..];
        if word.eq_ignore_ascii_case(b"limit") {
            i += 2;
        } else if word.eq_ignore_ascii_case(b"store") && i + 1 < argv.len() {
            store = Some(i + 1);
        } else if word.eq_ignore_ascii_case(b"get") || word.eq_ignore_ascii_case(b"by") {
            i += 1;
        }
        i += 1;
    }
    keys.extend(store);
    keys
}

/// The parsed options of one SORT call.
struct Options {
    desc: bool,
    alpha: bool,
    limit_start: i64,
    limit_count: i64,
    by: Option<Bytes>,
    /// Set by any BY pattern without `*` (and never cleared by a later
    /// BY, as in Redis).
    dont_sort: bool,
    gets: Vec<Bytes>,
    store: Option<Bytes>,
}

/// Redis's option loop: each word with its arguments, last one wins.
fn parse_options(args: &[Bytes], readonly: bool) -> Result<Options, CmdError> {
    let mut o = Options {
        desc: false,
        alpha: false,
        limit_start: 0,
        limit_count: -1,
        by: None,
        dont_sort: false,
        gets: Vec::new(),
        store: None,
    };
    let mut j = 2;
    while j < args.len() {
        let word = &args[j][..];
        let left = args.len() - j - 1;
        if word.eq_ignore_ascii_case(b"asc") {
            o.desc = false;
        } else if word.eq_ignore_ascii_case(b"desc") {
            o.desc = true;
        } else if word.eq_ignore_ascii_case(b"alpha") {
            o.alpha = true;
        } else if word.eq_ignore_ascii_case(b"limit") && left >= 2 {
            o.limit_start = parse_i64(&args[j + 1])?;
            o.limit_count = parse_i64(&args[j + 2])?;
            j += 2;
        } else if !readonly && word.eq_ignore_ascii_case(b"store") && left >= 1 {
            o.store = Some(args[j + 1].clone());
            j += 1;
        } else if word.eq_ignore_ascii_case(b"by") && left >= 1 {
            o.dont_sort |= !has_star(&args[j + 1]);
            o.by = Some(args[j + 1].clone());
            j += 1;
        } else if word.eq_ignore_ascii_case(b"get") && left >= 1 {
            o.gets.push(args[j + 1].clone());
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    Ok(o)
}

/// One element to sort with what it is sorted by (Redis `redisSortObject`).
struct Item {
    element: Bytes,
    score: f64,
    /// The BY key's value in an ALPHA sort by pattern; None when missing.
    by_value: Option<Bytes>,
}

fn sort_generic(ctx: &mut Ctx<'_>, args: &[Bytes], readonly: bool) -> CmdResult {
    let mut o = parse_options(args, readonly)?;
    let db = ctx.db_index;
    let now_ms = ctx.now_ms();
    let found = lookup_read(ctx.srv, db, &args[1]).map(|v| matches!(v, Value::ZSet(_)));
    if found == Some(true) {
        // Redis converts a listpack sorted set to a skiplist for SORT, for
        // good (OBJECT ENCODING shows it), even when SORT then fails.
        if let Some(Value::ZSet(zset)) = ctx.srv.dbs[db].lookup_mut(&args[1], now_ms) {
            zset.convert_to_skiplist();
        }
        // An encoding change, not a write: WATCH does not see it.
        ctx.srv.dbs[db].watch.drop_candidate(&args[1]);
    }
    let value = if found.is_some() { ctx.srv.dbs[db].lookup_notouch(&args[1], now_ms) } else { None };
    let empty = Value::List(Box::default());
    let source = match value {
        None => Sortable::of(&empty),
        Some(v) => Some(Sortable::of(v).ok_or(CmdError::WrongType)?),
    }
    .expect("an empty list is sortable");
    // A set's own order is its hash order: what is stored must not depend
    // on it, so a set stored BY nosort is sorted ALPHA instead.
    if o.dont_sort && !source.is_ordered() && o.store.is_some() {
        o.dont_sort = false;
        o.alpha = true;
        o.by = None;
    }
    let len = source.len() as i64;
    // Redis's LIMIT sanity checks, clamped to the length first (its fix
    // against overflow).
    let mut start = o.limit_start.clamp(0, len);
    let count = o.limit_count.clamp(-1, len);
    let mut end = if count < 0 { len - 1 } else { start + count - 1 };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    if end >= len {
        end = len - 1;
    }
    let mut items: Vec<Item>;
    if o.dont_sort && source.is_ordered() {
        // The window is read straight from the native order (from the tail
        // when DESC) and becomes the whole vector.
        items = if end >= start { source.range(start as usize, end as usize, o.desc) } else { Vec::new() }
            .into_iter()
            .map(|element| Item { element, score: 0.0, by_value: None })
            .collect();
        end -= start;
        start = 0;
    } else {
        items = source.elements().into_iter().map(|element| Item { element, score: 0.0, by_value: None }).collect();
    }
    let mut not_a_number = false;
    if !o.dont_sort {
        for item in &mut items {
            let by_value = match &o.by {
                Some(pattern) => match lookup_by_pattern(ctx.srv, db, pattern, &item.element) {
                    Some(v) => v,
                    None => continue,
                },
                None => item.element.clone(),
            };
            if o.alpha {
                if o.by.is_some() {
                    item.by_value = Some(by_value);
                }
            } else {
                match crate::cmd::strtod::sort_score(&by_value) {
                    Some(score) => item.score = score,
                    None => not_a_number = true,
                }
            }
        }
        if !not_a_number {
            let (alpha, by_pattern, binary, desc) = (o.alpha, o.by.is_some(), o.store.is_some(), o.desc);
            items.sort_by(|a, b| {
                let cmp = compare(a, b, alpha, by_pattern, binary);
                if desc {
                    cmp.reverse()
                } else {
                    cmp
                }
            });
        }
    }
    if not_a_number {
        return Err(CmdError::msg("ERR One or more scores can't be converted into double"));
    }
    let window = if end >= start { &items[start as usize..=end as usize] } else { &[][..] };
    let output_len = if o.gets.is_empty() { window.len() } else { o.gets.len() * window.len() };
    match &o.store {
        None => {
            ctx.reply.array(output_len);
            for item in window {
                if o.gets.is_empty() {
                    ctx.reply.bulk(&item.element);
                }
                for pattern in &o.gets {
                    match lookup_by_pattern(ctx.srv, db, pattern, &item.element) {
                        Some(v) => ctx.reply.bulk(&v),
                        None => ctx.reply.null(),
                    }
                }
            }
        }
        Some(dest) => {
            let mut list = ListValue::new();
            for item in window {
                if o.gets.is_empty() {
                    list.push(crate::db::value::End::Tail, &item.element);
                }
                for pattern in &o.gets {
                    let v = lookup_by_pattern(ctx.srv, db, pattern, &item.element).unwrap_or_default();
                    list.push(crate::db::value::End::Tail, &v);
                }
            }
            let dbm = ctx.db();
            if output_len > 0 {
                // Redis `setKey`: replaces whatever was there, TTL included.
                dbm.set(dest, Value::List(Box::new(list)), false);
                ctx.srv.stats.dirty += output_len as u64;
            } else if dbm.remove(dest) {
                // Redis `dbDelete`, no expiry check first.
                ctx.srv.stats.dirty += 1;
            }
            ctx.reply.int(output_len as i64);
        }
    }
    Ok(())
}

/// Redis `sortCompare` before DESC. `binary`: STORE compares with memcmp
/// (`compareStringObjects`), a reply with strcoll, which under the C locale
/// is strcmp: bytes up to the first NUL.
fn compare(a: &Item, b: &Item, alpha: bool, by_pattern: bool, binary: bool) -> Ordering {
    let text = |x: &[u8], y: &[u8]| if binary { x.cmp(y) } else { c_str(x).cmp(c_str(y)) };
    if !alpha {
        if a.score > b.score {
            Ordering::Greater
        } else if a.score < b.score {
            Ordering::Less
        } else {
            a.element.cmp(&b.element)
        }
    } else if by_pattern {
        match (&a.by_value, &b.by_value) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => text(x, y),
        }
    } else {
        text(&a.element, &b.element)
    }
}
