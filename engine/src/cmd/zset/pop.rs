//! ZPOPMIN ZPOPMAX ZMPOP ZRANDMEMBER ZSCAN. (Their blocking twins are in
//! [`super::blocking`].)

use bytes::Bytes;
use rand::Rng;

use super::{delete_if_empty, read_zset, reply_pair, reply_scored, reply_scored_len};
use crate::cmd::keys::{parse_cursor, parse_scan_options, reply_empty_scan, ScanOptions};
use crate::cmd::{glob, parse_i64, CmdError, CmdResult};
use crate::ctx::Ctx;
use crate::db::Value;

/// Redis `getRangeLongFromObjectOrReply`: an integer in `lo..=hi`, else
/// `msg` (or Redis's generic texts when there is none).
fn ranged_i64(arg: &[u8], lo: i64, hi: i64, msg: Option<&'static str>) -> Result<i64, CmdError> {
    let fail = |generic: CmdError| match msg {
        Some(m) => CmdError::msg(m),
        None => generic,
    };
    let n = parse_i64(arg).map_err(|_| fail(CmdError::NotInteger))?;
    if n < lo || n > hi {
        return Err(fail(CmdError::msg(format!("ERR value is out of range, value must between {lo} and {hi}"))));
    }
    Ok(n)
}

/// # Format
/// ```text
/// ZPOPMIN key [count]
/// ```
pub fn zpopmin(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    zpop_command(ctx, args, false)
}

/// # Format
/// ```text
/// ZPOPMAX key [count]
/// ```
pub fn zpopmax(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    zpop_command(ctx, args, true)
}

fn zpop_command(ctx: &mut Ctx<'_>, args: &[Bytes], max: bool) -> CmdResult {
    if args.len() > 3 {
        return Err(CmdError::Syntax);
    }
    let count = match args.get(2) {
        Some(a) => Some(ranged_i64(a, 0, i64::MAX, Some("ERR value is out of range, must be positive"))?),
        None => None,
    };
    let key = &args[1][..];
    if write_exists(ctx, key)?.is_none() {
        ctx.propagate_nothing();
        ctx.reply.array(0);
        return Ok(());
    }
    let popped = pop_n(ctx, key, count.unwrap_or(1) as u64, max);
    if popped.is_empty() {
        ctx.propagate_nothing();
    }
    // Without a count the reply is one flat [member, score] in both
    // protocols; with one, RESP3 nests pairs (Redis `use_nested_array`).
    if count.is_some() {
        reply_scored_len(ctx.reply, popped.len(), true);
    } else {
        ctx.reply.array(popped.len() * 2);
    }
    for (m, s) in &popped {
        if count.is_some() {
            reply_scored(ctx.reply, m, *s, true);
        } else {
            reply_pair(ctx.reply, m, *s, true);
        }
    }
    Ok(())
}

/// Redis `lookupKeyWrite` + `checkType`: the length of the sorted set under `key`.
pub(super) fn write_exists(ctx: &mut Ctx<'_>, key: &[u8]) -> Result<Option<usize>, CmdError> {
    Ok(super::write_zset(ctx, key)?.map(|z| z.len()))
}

/// Pops up to `count` members from the low end (or the high end if `max`),
/// deleting the key once empty.
pub(super) fn pop_n(ctx: &mut Ctx<'_>, key: &[u8], count: u64, max: bool) -> Vec<(Vec<u8>, f64)> {
    let Ok(Some(z)) = super::write_zset(ctx, key) else { return Vec::new() };
    let n = (z.len() as u64).min(count) as usize;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let rank = if max { z.len() - 1 } else { 0 };
        out.push(z.remove_at(rank));
    }
    if n > 0 {
        delete_if_empty(ctx, key);
        ctx.srv.stats.dirty += n as u64;
    }
    out
}

/// # Format
/// ```text
/// ZMPOP numkeys key [key ...] <MIN | MAX> [COUNT count]
/// ```
///
/// Pops from the first key that holds a sorted set; a null array if none.
pub fn zmpop(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let m = parse_zmpop(args, 1)?;
    if !zmpop_first(ctx, &m)? {
        ctx.propagate_nothing();
        ctx.reply.null_array();
    }
    Ok(())
}

/// The parsed arguments of ZMPOP/BZMPOP.
pub(super) struct ZMpop<'a> {
    pub keys: &'a [Bytes],
    pub max: bool,
    pub count: u64,
}

/// Redis `zmpopGenericCommand`'s parsing, `numkeys` at `numkeys_idx`: the
/// numkeys, then MIN|MAX, then COUNT (each error in that order).
pub(super) fn parse_zmpop(args: &[Bytes], numkeys_idx: usize) -> Result<ZMpop<'_>, CmdError> {
    let numkeys = ranged_i64(&args[numkeys_idx], 1, i64::MAX, Some("ERR numkeys should be greater than 0"))? as u64;
    let where_idx = match numkeys.checked_add(numkeys_idx as u64 + 1) {
        Some(i) if i < args.len() as u64 => i as usize,
        _ => return Err(CmdError::Syntax),
    };
    let max = if args[where_idx].eq_ignore_ascii_case(b"min") {
        false
    } else if args[where_idx].eq_ignore_ascii_case(b"max") {
        true
    } else {
        return Err(CmdError::Syntax);
    };
    let mut count: Option<i64> = None;
    let mut j = where_idx + 1;
    while j < args.len() {
        if count.is_none() && args[j].eq_ignore_ascii_case(b"count") && j + 1 < args.len() {
            count = Some(ranged_i64(&args[j + 1], 1, i64::MAX, Some("ERR count should be greater than 0"))?);
            j += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    Ok(ZMpop { keys: &args[numkeys_idx + 1..where_idx], max, count: count.unwrap_or(1) as u64 })
}

/// Pops from the first of `m.keys` holding a sorted set and replies
/// `[key, [[member, score], ...]]`; false (no reply) when none does.
/// WRONGTYPE for a key of another type met first. The AOF gets
/// `ZPOPMIN|ZPOPMAX key <count popped>` (Redis's rewrite).
pub(super) fn zmpop_first(ctx: &mut Ctx<'_>, m: &ZMpop<'_>) -> Result<bool, CmdError> {
    for key in m.keys {
        if write_exists(ctx, key)?.is_none() {
            continue;
        }
        let popped = pop_n(ctx, key, m.count, m.max);
        let pop = if m.max { "ZPOPMAX" } else { "ZPOPMIN" };
        ctx.also_propagate(vec![
            Bytes::from_static(pop.as_bytes()),
            key.clone(),
            Bytes::from(popped.len().to_string()),
        ]);
        ctx.reply.array(2);
        ctx.reply.bulk(key);
        ctx.reply.array(popped.len());
        for (mem, s) in &popped {
            ctx.reply.array(2);
            reply_pair(ctx.reply, mem, *s, true);
        }
        return Ok(true);
    }
    Ok(false)
}

/// # Format
/// ```text
/// ZRANDMEMBER key [count [WITHSCORES]]
/// ```
///
/// Without a count: one random member (null if none). A positive count:
/// distinct members, the whole set (highest first) when it is no larger; a
/// negative one: that many independent draws. Draws come from the
/// server's seeded RNG.
pub fn zrandmember(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let key = &args[1][..];
    if args.len() < 3 {
        let Some(len) = read_zset(ctx.srv, ctx.db_index, key)?.map(|z| z.len()) else {
            ctx.reply.null();
            return Ok(());
        };
        let rank = ctx.srv.rng.gen_range(0..len);
        let srv = &mut *ctx.srv;
        if let Some(Value::ZSet(z)) = srv.dbs[ctx.db_index].lookup_notouch(key, srv.now_ms) {
            ctx.reply.bulk(z.at(rank).0);
        }
        return Ok(());
    }
    let count = ranged_i64(&args[2], -i64::MAX, i64::MAX, None)?;
    let with_scores = args.len() == 4;
    if args.len() > 4 || (with_scores && !args[3].eq_ignore_ascii_case(b"withscores")) {
        return Err(CmdError::Syntax);
    }
    if with_scores && !(-i64::MAX / 2..=i64::MAX / 2).contains(&count) {
        return Err(CmdError::msg("ERR value is out of range"));
    }
    let srv = &mut *ctx.srv;
    let now_ms = srv.now_ms;
    // lookup_read's counters, without holding the set across the RNG borrow.
    let Some(v) = srv.dbs[ctx.db_index].lookup(key, now_ms) else {
        srv.stats.keyspace_misses += 1;
        ctx.reply.array(0);
        return Ok(());
    };
    srv.stats.keyspace_hits += 1;
    let Value::ZSet(z) = v else { return Err(CmdError::WrongType) };
    let len = z.len();
    if count == 0 {
        ctx.reply.array(0);
    } else if count < 0 {
        let n = count.unsigned_abs() as usize;
        reply_scored_len(ctx.reply, n, with_scores);
        for _ in 0..n {
            let (m, s) = z.at(srv.rng.gen_range(0..len));
            reply_scored(ctx.reply, m, s, with_scores);
        }
    } else if count as u64 >= len as u64 {
        // Redis walks the set from its tail here (`zuiInitIterator`).
        reply_scored_len(ctx.reply, len, with_scores);
        for n in z.iter_from(0, true) {
            reply_scored(ctx.reply, &n.member, n.score, with_scores);
        }
    } else {
        let n = count as usize;
        reply_scored_len(ctx.reply, n, with_scores);
        for rank in distinct_ranks(&mut srv.rng, len, n) {
            let (m, s) = z.at(rank);
            reply_scored(ctx.reply, m, s, with_scores);
        }
    }
    Ok(())
}

/// `n` distinct ranks below `len` (n < len), in draw order: a partial
/// shuffle when they are a large share (Redis's CASE 3 copies the set
/// too), else draws with rejection (its CASE 4).
fn distinct_ranks(rng: &mut rand_chacha::ChaCha8Rng, len: usize, n: usize) -> Vec<usize> {
    if n * 3 > len {
        let mut all: Vec<usize> = (0..len).collect();
        for i in 0..n {
            let j = rng.gen_range(i..len);
            all.swap(i, j);
        }
        all.truncate(n);
        all
    } else {
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let r = rng.gen_range(0..len);
            if seen.insert(r) {
                out.push(r);
            }
        }
        out
    }
}

/// # Format
/// ```text
/// ZSCAN key cursor [MATCH pattern] [COUNT count]
/// ```
///
/// A listpack-sized set is returned whole in one call (cursor 0), in
/// order, as Redis does; a larger one is walked through its hash index
/// with Redis's reverse-binary cursor.
pub fn zscan(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let cursor = parse_cursor(&args[2])?;
    let Some(z) = read_zset(ctx.srv, ctx.db_index, &args[1])? else {
        reply_empty_scan(ctx.reply);
        return Ok(());
    };
    let ScanOptions { count, pattern } = parse_scan_options(args, 3, |_, _| false)?;
    let mut found: Vec<(Vec<u8>, f64)> = Vec::new();
    let mut next = 0;
    if z.is_listpack() {
        found.extend(z.iter_from(0, false).map(|n| (n.member.to_vec(), n.score)));
    } else {
        // Redis: up to count*10 bucket visits, until count members are found.
        let mut visits_left = count.saturating_mul(10);
        next = cursor;
        loop {
            next = z.scan_step(next, |m, s| found.push((m.to_vec(), s)));
            if next == 0 || visits_left == 0 || found.len() >= count {
                break;
            }
            visits_left -= 1;
        }
    }
    if let Some(p) = pattern {
        found.retain(|(m, _)| glob::matches(p, m));
    }
    ctx.reply.array(2);
    ctx.reply.bulk(next.to_string().as_bytes());
    ctx.reply.array(found.len() * 2);
    for (m, s) in &found {
        // Scores as bulk strings in both protocols (Redis 7.0's scan).
        ctx.reply.bulk(m);
        ctx.reply.bulk(crate::resp::reply::format_double_g17(*s).as_bytes());
    }
    Ok(())
}
