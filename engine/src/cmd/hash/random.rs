//! HRANDFIELD and HSCAN: the hash commands whose replies vary (random
//! draws, table order), so the simulator checks them by property.

use bytes::Bytes;

use super::read_hash;
use crate::cmd::glob;
use crate::cmd::keys::{parse_cursor, parse_scan_options, reply_empty_scan, ScanOptions};
use crate::cmd::{parse_i64, CmdError, CmdResult};
use crate::ctx::{Ctx, Server};
use crate::db::value::HashValue;
use crate::db::Value;
use crate::resp::Reply;
use rand_chacha::ChaCha8Rng;

/// HRANDFIELD with a negative count answers `|count|` draws (twice as many
/// elements with WITHVALUES). Redis 7.0 tries to build any such reply and
/// runs out of memory on a huge one; we refuse a reply of more elements
/// than this with Redis's own "out of range" text (16M elements, far
/// beyond what a client asks for).
pub const RANDOM_REPLY_ELEMENTS_MAX: u64 = 1 << 24;

/// # Format
/// ```text
/// HRANDFIELD key [count [WITHVALUES]]
/// ```
///
/// Without a count: one random field, or null. With a count `n`: `n > 0`
/// gives `min(n, len)` distinct fields (the whole hash, in its order, when
/// `n >= len`); `n < 0` gives `|n|` independent draws. WITHVALUES puts each
/// value after its field (a flat array in RESP2).
pub fn hrandfield(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    if args.len() == 2 {
        if read_hash(ctx.srv, ctx.db_index, &args[1])?.is_none() {
            ctx.reply.null();
            return Ok(());
        }
        let (h, rng) = stored_hash_mut(ctx.srv, ctx.db_index, &args[1]);
        let (field, _) = h.random_pair(rng).expect("a stored hash is not empty");
        ctx.reply.bulk(field);
        return Ok(());
    }
    // Redis `getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX)`.
    let count = parse_i64(&args[2])?;
    if count == i64::MIN {
        return Err(CmdError::msg(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ));
    }
    if args.len() > 4 || (args.len() == 4 && !args[3].eq_ignore_ascii_case(b"withvalues")) {
        return Err(CmdError::Syntax);
    }
    let with_values = args.len() == 4;
    if with_values && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
        return Err(CmdError::msg("ERR value is out of range"));
    }
    let Some(h) = read_hash(ctx.srv, ctx.db_index, &args[1])? else {
        ctx.reply.array(0);
        return Ok(());
    };
    // RESP3 nests each field with its value (Redis `c->resp > 2`).
    let pairs = with_values && ctx.reply.resp3;
    let per_pick = if with_values && !pairs { 2 } else { 1 };
    let len = h.len();
    let unique = count > 0;
    let n = count.unsigned_abs();
    if n == 0 {
        ctx.reply.array(0);
        return Ok(());
    }
    if !unique && n.saturating_mul(1 + with_values as u64) > RANDOM_REPLY_ELEMENTS_MAX {
        return Err(CmdError::msg("ERR value is out of range"));
    }
    let reply = &mut *ctx.reply;
    let emit = |reply: &mut Reply, f: &[u8], v: &[u8]| {
        if pairs {
            reply.array(2);
        }
        reply.bulk(f);
        if with_values {
            reply.bulk(v);
        }
    };
    // Redis CASE 2: the whole hash, in its own order.
    if unique && n >= len as u64 {
        reply.array(len * per_pick);
        h.for_each(|f, v| emit(reply, f, v));
        return Ok(());
    }
    let n = n as usize;
    let (h, rng) = stored_hash_mut(ctx.srv, ctx.db_index, &args[1]);
    let reply = &mut *ctx.reply;
    reply.array(n * per_pick);
    if unique {
        h.distinct_pairs(n, rng, |f, v| emit(reply, f, v));
    } else {
        for _ in 0..n {
            let (f, v) = h.random_pair(rng).expect("a stored hash is not empty");
            emit(reply, f, v);
        }
    }
    Ok(())
}

/// The hash under `key`, which the caller has just looked up (so it is
/// there and live), for a draw that may move a rehash step; and the rng.
fn stored_hash_mut<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> (&'a mut HashValue, &'a mut ChaCha8Rng) {
    let now_ms = srv.now_ms;
    let h = srv.dbs[db].lookup_mut(key, now_ms).and_then(Value::as_hash_mut).expect("looked up just before");
    (h, &mut srv.rng)
}

/// # Format
/// ```text
/// HSCAN key cursor [MATCH pattern] [COUNT count]
/// ```
///
/// `[cursor, [field, value, ...]]`. A small hash answers everything with
/// cursor 0; a big one walks its table with SCAN's guarantee (a field
/// present for the whole scan is returned at least once). The cursor is
/// checked first, then the key, then the options (Redis's order).
pub fn hscan(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let cursor = parse_cursor(&args[2])?;
    let Some(h) = read_hash(ctx.srv, ctx.db_index, &args[1])? else {
        reply_empty_scan(ctx.reply);
        return Ok(());
    };
    let ScanOptions { count, pattern } = parse_scan_options(args, 3, |_, _| false)?;
    let mut body = Reply::new();
    let mut items = 0usize;
    let next = h.scan(cursor, count, |f, v| {
        if pattern.is_none_or(|p| glob::matches(p, f)) {
            body.bulk(f);
            body.bulk(v);
            items += 2;
        }
    });
    ctx.reply.array(2);
    ctx.reply.bulk(next.to_string().as_bytes());
    ctx.reply.array(items);
    ctx.reply.buf.extend_from_slice(&body.buf);
    Ok(())
}
