//! ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES), ZRANGESTORE and the older
//! ZREVRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX,
//! all one function as in Redis 7.0 (`zrangeGenericCommand`): the older
//! names fix the range type and direction, so the tokens that would set
//! them are syntax errors there.
//!
//! Every range starts with an O(log n) rank computation and walks its m
//! results in O(m).

use bytes::Bytes;

use super::parse::{lex_range, score_range, LexRange, ScoreRange};
use super::{read_zset, reply_scored, reply_scored_len, store_result};
use crate::cmd::{parse_i64, CmdError, CmdResult};
use crate::ctx::Ctx;
use crate::db::value::ZSetValue;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Auto,
    Rank,
    Score,
    Lex,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    Auto,
    Forward,
    Reverse,
}

/// # Format
/// ```text
/// ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
/// ```
pub fn zrange(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, args, 1, None, Kind::Auto, Dir::Auto)
}

/// # Format
/// ```text
/// ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
/// ```
pub fn zrangestore(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, args, 2, Some(&args[1]), Kind::Auto, Dir::Auto)
}

/// # Format
/// ```text
/// ZREVRANGE key start stop [WITHSCORES]
/// ```
pub fn zrevrange(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, args, 1, None, Kind::Rank, Dir::Reverse)
}

/// # Format
/// ```text
/// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
/// ```
pub fn zrangebyscore(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, args, 1, None, Kind::Score, Dir::Forward)
}

/// # Format
/// ```text
/// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
/// ```
pub fn zrevrangebyscore(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, args, 1, None, Kind::Score, Dir::Reverse)
}

/// # Format
/// ```text
/// ZRANGEBYLEX key min max [LIMIT offset count]
/// ```
pub fn zrangebylex(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, args, 1, None, Kind::Lex, Dir::Forward)
}

/// # Format
/// ```text
/// ZREVRANGEBYLEX key max min [LIMIT offset count]
/// ```
pub fn zrevrangebylex(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, args, 1, None, Kind::Lex, Dir::Reverse)
}

enum Range {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange),
}

/// Redis `zrangeGenericCommand`: options, their conflicts, the range, and
/// only then the key.
fn zrange_generic(
    ctx: &mut Ctx<'_>,
    args: &[Bytes],
    first_arg: usize,
    store: Option<&[u8]>,
    mut kind: Kind,
    mut dir: Dir,
) -> CmdResult {
    let key = &args[first_arg][..];
    let (mut min_idx, mut max_idx) = (first_arg + 1, first_arg + 2);
    let mut with_scores = false;
    let mut limit: Option<(i64, i64)> = None;
    let mut j = first_arg + 3;
    while j < args.len() {
        let left = args.len() - j - 1;
        let is = |name: &[u8]| args[j].eq_ignore_ascii_case(name);
        if store.is_none() && is(b"withscores") {
            with_scores = true;
        } else if is(b"limit") && left >= 2 {
            limit = Some((parse_i64(&args[j + 1])?, parse_i64(&args[j + 2])?));
            j += 2;
        } else if dir == Dir::Auto && is(b"rev") {
            dir = Dir::Reverse;
        } else if kind == Kind::Auto && is(b"bylex") {
            kind = Kind::Lex;
        } else if kind == Kind::Auto && is(b"byscore") {
            kind = Kind::Score;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let rev = dir == Dir::Reverse;
    if kind == Kind::Auto {
        kind = Kind::Rank;
    }
    // Redis keeps the default LIMIT count (-1) apart from "no LIMIT" only by
    // value, so `LIMIT 0 -1` passes where any LIMIT is refused.
    if limit.is_some_and(|(_, count)| count != -1) && kind == Kind::Rank {
        return Err(CmdError::msg(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if with_scores && kind == Kind::Lex {
        return Err(CmdError::msg("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
    }
    if rev && kind != Kind::Rank {
        std::mem::swap(&mut min_idx, &mut max_idx);
    }
    let range = match kind {
        Kind::Rank | Kind::Auto => Range::Rank(parse_i64(&args[min_idx])?, parse_i64(&args[max_idx])?),
        Kind::Score => Range::Score(score_range(&args[min_idx], &args[max_idx])?),
        Kind::Lex => Range::Lex(lex_range(&args[min_idx], &args[max_idx])?),
    };
    let (offset, count) = limit.unwrap_or((0, -1));
    let items = match read_zset(ctx.srv, ctx.db_index, key)? {
        None => Vec::new(),
        Some(z) => collect(z, &range, rev, offset, count),
    };
    match store {
        Some(dst) => store_result(ctx, dst, items),
        None => {
            let with = with_scores;
            reply_scored_len(ctx.reply, items.len(), with);
            for (m, s) in &items {
                reply_scored(ctx.reply, m, *s, with);
            }
        }
    }
    Ok(())
}

/// The members in `range`, in reply order, after skipping `offset` and
/// keeping at most `count` (negative: all), as Redis's walks do.
fn collect(z: &ZSetValue, range: &Range, rev: bool, offset: i64, count: i64) -> Vec<(Vec<u8>, f64)> {
    let len = z.len();
    let take = if count < 0 { usize::MAX } else { count as usize };
    let out = |it: &mut dyn Iterator<Item = (Vec<u8>, f64)>| it.collect::<Vec<_>>();
    match range {
        Range::Rank(start, stop) => {
            let len = len as i64;
            let mut start = if *start < 0 { len + start } else { *start };
            let mut stop = if *stop < 0 { len + stop } else { *stop };
            start = start.max(0);
            if start > stop || start >= len {
                return Vec::new();
            }
            stop = stop.min(len - 1);
            let n = (stop - start + 1) as usize;
            out(&mut z.iter_from(start as usize, rev).take(n).map(|n| (n.member.to_vec(), n.score)))
        }
        Range::Score(r) => {
            if r.is_empty() || (offset > 0 && offset as u64 >= len as u64) {
                return Vec::new();
            }
            // Redis skips the offset with no range check, then stops at the
            // first member past the far bound (the near one held at the
            // start); a negative offset skips everything.
            let skip = if offset < 0 { usize::MAX } else { offset as usize };
            let (start, r) = if rev {
                (len - z.count_before(|s, _| !r.lte_max(s)), *r)
            } else {
                (z.count_before(|s, _| r.gte_min(s)), *r)
            };
            out(&mut z
                .iter_from(start, rev)
                .skip(skip)
                .take_while(|n| if rev { r.gte_min(n.score) } else { r.lte_max(n.score) })
                .take(take)
                .map(|n| (n.member.to_vec(), n.score)))
        }
        Range::Lex(r) => {
            if r.is_empty() || (offset > 0 && offset as u64 >= len as u64) {
                return Vec::new();
            }
            let skip = if offset < 0 { usize::MAX } else { offset as usize };
            let start =
                if rev { len - z.count_before(|_, m| !r.lte_max(m)) } else { z.count_before(|_, m| r.gte_min(m)) };
            out(&mut z
                .iter_from(start, rev)
                .skip(skip)
                .take_while(|n| if rev { r.gte_min(&n.member) } else { r.lte_max(&n.member) })
                .take(take)
                .map(|n| (n.member.to_vec(), n.score)))
        }
    }
}
