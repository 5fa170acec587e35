//! Sorted set commands. Their rows are in [`rows`], their COMMAND DOCS text in
//! [`docs::sorted_set`](crate::cmd::docs::sorted_set).
//!
//! Each handler follows Redis 7.0's `t_zset.c` in the order it checks
//! things (arguments, then the key, then the type), because which error
//! wins is observable. Modules: [`parse`] (scores and ranges), [`write`]
//! (ZADD ZINCRBY ZREM ZREMRANGEBY*), [`read`] (ZCARD ZSCORE ZMSCORE ZRANK
//! ZREVRANK ZCOUNT ZLEXCOUNT), [`range`] (the ZRANGE family and
//! ZRANGESTORE), [`pop`] (ZPOPMIN ZPOPMAX ZMPOP ZRANDMEMBER ZSCAN),
//! [`algebra`] (ZUNION ZINTER ZDIFF, their STORE forms, ZINTERCARD),
//! [`blocking`] (BZPOPMIN BZPOPMAX BZMPOP).

pub mod algebra;
pub mod blocking;
pub mod parse;
pub mod pop;
pub mod range;
pub mod read;
pub mod rows;
pub mod write;

use crate::cmd::string::lookup_read;
use crate::cmd::CmdError;
use crate::ctx::{Ctx, Handler, Server};
use crate::db::value::{ListpackLimits, ZSetValue};
use crate::db::Value;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("zadd", write::zadd),
    ("zincrby", write::zincrby),
    ("zrem", write::zrem),
    ("zremrangebyrank", write::zremrangebyrank),
    ("zremrangebyscore", write::zremrangebyscore),
    ("zremrangebylex", write::zremrangebylex),
    ("zcard", read::zcard),
    ("zscore", read::zscore),
    ("zmscore", read::zmscore),
    ("zrank", read::zrank),
    ("zrevrank", read::zrevrank),
    ("zcount", read::zcount),
    ("zlexcount", read::zlexcount),
    ("zrange", range::zrange),
    ("zrangestore", range::zrangestore),
    ("zrevrange", range::zrevrange),
    ("zrangebyscore", range::zrangebyscore),
    ("zrevrangebyscore", range::zrevrangebyscore),
    ("zrangebylex", range::zrangebylex),
    ("zrevrangebylex", range::zrevrangebylex),
    ("zpopmin", pop::zpopmin),
    ("zpopmax", pop::zpopmax),
    ("zmpop", pop::zmpop),
    ("zrandmember", pop::zrandmember),
    ("zscan", pop::zscan),
    ("bzpopmin", blocking::bzpopmin),
    ("bzpopmax", blocking::bzpopmax),
    ("bzmpop", blocking::bzmpop),
    ("zunion", algebra::zunion),
    ("zinter", algebra::zinter),
    ("zdiff", algebra::zdiff),
    ("zunionstore", algebra::zunionstore),
    ("zinterstore", algebra::zinterstore),
    ("zdiffstore", algebra::zdiffstore),
    ("zintercard", algebra::zintercard),
];

/// The listpack thresholds from the config.
pub(crate) fn limits(srv: &Server) -> ListpackLimits {
    ListpackLimits {
        entries: srv.config.zset_max_listpack_entries,
        value_bytes: srv.config.zset_max_listpack_value_bytes,
    }
}

/// Redis `lookupKeyRead` + `checkType`: the sorted set under `key`, None if
/// missing, WRONGTYPE for another type.
pub(crate) fn read_zset<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Result<Option<&'a ZSetValue>, CmdError> {
    match lookup_read(srv, db, key) {
        None => Ok(None),
        Some(v) => v.as_zset().map(Some).ok_or(CmdError::WrongType),
    }
}

/// Redis `lookupKeyWrite` + `checkType` (no hit/miss counting).
pub(crate) fn write_zset<'a>(ctx: &'a mut Ctx<'_>, key: &[u8]) -> Result<Option<&'a mut ZSetValue>, CmdError> {
    let now_ms = ctx.now_ms();
    match ctx.db().lookup_mut(key, now_ms) {
        None => Ok(None),
        Some(v) => v.as_zset_mut().map(Some).ok_or(CmdError::WrongType),
    }
}

/// Deletes `key` if its sorted set became empty (Redis never keeps one).
pub(crate) fn delete_if_empty(ctx: &mut Ctx<'_>, key: &[u8]) {
    let now_ms = ctx.now_ms();
    let empty = ctx.db().lookup_mut(key, now_ms).and_then(|v| v.as_zset()).is_some_and(|z| z.is_empty());
    if empty {
        ctx.db().remove(key);
    }
}

/// Stores `items` (distinct members, any order) under `dst` as a new
/// sorted set, replacing whatever was there, the way ZRANGESTORE and
/// ZUNIONSTORE do: an empty result deletes `dst` instead. The result is
/// a listpack when it fits the thresholds (Redis builds a skiplist and
/// `zsetConvertToListpackIfNeeded`). Replies with the count.
pub(crate) fn store_result(ctx: &mut Ctx<'_>, dst: &[u8], items: Vec<(Vec<u8>, f64)>) {
    let count = items.len();
    if count == 0 {
        if ctx.db().remove(dst) {
            ctx.srv.stats.dirty += 1;
        }
        ctx.reply.int(0);
        return;
    }
    let lim = limits(ctx.srv);
    let longest = items.iter().map(|(m, _)| m.len()).max().unwrap_or(0);
    let listpack = lim.fits(count, longest);
    let mut z = ZSetValue::new(ctx.db().hash_seed(), listpack);
    let wide = ListpackLimits { entries: u64::MAX, value_bytes: u64::MAX };
    for (m, s) in items {
        z.insert(&m, s, wide);
    }
    ctx.db().set(dst, Value::ZSet(Box::new(z)), false);
    ctx.srv.stats.dirty += 1;
    ctx.reply.int(count as i64);
}

/// Writes `member` and, if `with_scores`, its score, flat (BZPOPMIN's
/// `[key, member, score]`, ZPOPMIN without a count).
pub(crate) fn reply_pair(reply: &mut crate::resp::Reply, member: &[u8], score: f64, with_scores: bool) {
    reply.bulk(member);
    if with_scores {
        reply.double(score);
    }
}

/// The array header of a reply of `n` members (ZRANGE, ZUNION,
/// ZRANDMEMBER, ZPOPMIN with a count...): with scores, `2n` flat elements
/// in RESP2 but `n` `[member, score]` pairs in RESP3, as Redis's
/// `c->resp > 2` branches write them. Each member then goes through
/// [`reply_scored`].
pub(crate) fn reply_scored_len(reply: &mut crate::resp::Reply, n: usize, with_scores: bool) {
    reply.array(if with_scores && !reply.resp3 { n * 2 } else { n });
}

/// One member of a [`reply_scored_len`] reply: in RESP3 with scores, a
/// `[member, score]` pair.
pub(crate) fn reply_scored(reply: &mut crate::resp::Reply, member: &[u8], score: f64, with_scores: bool) {
    if with_scores && reply.resp3 {
        reply.array(2);
    }
    reply_pair(reply, member, score, with_scores);
}
