//! ZUNION ZINTER ZDIFF, ZUNIONSTORE ZINTERSTORE ZDIFFSTORE and ZINTERCARD:
//! Redis 7.0's `zunionInterDiffGenericCommand`, one function for all.
//!
//! The accumulation order is Redis's (inputs sorted by size, stably, for
//! union and intersection; the first input stays first for difference),
//! because floating-point sums depend on it. Results are collected in a
//! `BTreeMap` by member and sorted by (score, member) at the end.

use std::collections::BTreeMap;

use bytes::Bytes;

use super::parse::parse_score;
use super::{reply_scored, reply_scored_len, store_result};
use crate::cmd::string::lookup_read;
use crate::cmd::{parse_i64, CmdError, CmdResult};
use crate::ctx::Ctx;
use crate::db::Value;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

/// # Format
/// ```text
/// ZUNION numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]
/// ```
pub fn zunion(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    generic(ctx, args, None, 1, Op::Union, false)
}

/// # Format
/// ```text
/// ZINTER numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]
/// ```
pub fn zinter(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    generic(ctx, args, None, 1, Op::Inter, false)
}

/// # Format
/// ```text
/// ZDIFF numkeys key [key ...] [WITHSCORES]
/// ```
pub fn zdiff(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    generic(ctx, args, None, 1, Op::Diff, false)
}

/// # Format
/// ```text
/// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]
/// ```
pub fn zunionstore(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    generic(ctx, args, Some(&args[1]), 2, Op::Union, false)
}

/// # Format
/// ```text
/// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]
/// ```
pub fn zinterstore(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    generic(ctx, args, Some(&args[1]), 2, Op::Inter, false)
}

/// # Format
/// ```text
/// ZDIFFSTORE destination numkeys key [key ...]
/// ```
pub fn zdiffstore(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    generic(ctx, args, Some(&args[1]), 2, Op::Diff, false)
}

/// # Format
/// ```text
/// ZINTERCARD numkeys key [key ...] [LIMIT limit]
/// ```
pub fn zintercard(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    generic(ctx, args, None, 1, Op::Inter, true)
}

/// One input: its members with scores in set order (None: missing key),
/// and its weight.
struct Source {
    items: Option<Vec<(Vec<u8>, f64)>>,
    weight: f64,
}

impl Source {
    fn len(&self) -> usize {
        self.items.as_ref().map_or(0, Vec::len)
    }
}

fn aggregate(target: &mut f64, value: f64, how: Aggregate) {
    match how {
        Aggregate::Sum => {
            *target += value;
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => {
            if value < *target {
                *target = value;
            }
        }
        Aggregate::Max => {
            if value > *target {
                *target = value;
            }
        }
    }
}

fn generic(
    ctx: &mut Ctx<'_>,
    args: &[Bytes],
    dst: Option<&[u8]>,
    numkeys_idx: usize,
    op: Op,
    card_only: bool,
) -> CmdResult {
    let cmd_name = String::from_utf8_lossy(&args[0]).to_ascii_lowercase();
    let setnum = parse_i64(&args[numkeys_idx])?;
    if setnum < 1 {
        return Err(CmdError::msg(format!("ERR at least 1 input key is needed for '{cmd_name}' command")));
    }
    if setnum > (args.len() - numkeys_idx - 1) as i64 {
        return Err(CmdError::Syntax);
    }
    let setnum = setnum as usize;
    let keys = &args[numkeys_idx + 1..numkeys_idx + 1 + setnum];
    // The inputs are read (and type-checked) before the options are parsed.
    let mut sources = Vec::with_capacity(setnum);
    for key in keys {
        let items = match lookup_read(ctx.srv, ctx.db_index, key) {
            None => None,
            Some(Value::ZSet(z)) => Some(z.iter_from(0, false).map(|n| (n.member.to_vec(), n.score)).collect()),
            // A set is a sorted set whose every member scores 1.
            Some(Value::Set(set)) => Some(set.members().into_iter().map(|m| (m, 1.0)).collect()),
            Some(_) => return Err(CmdError::WrongType),
        };
        sources.push(Source { items, weight: 1.0 });
    }
    let mut how = Aggregate::Sum;
    let mut with_scores = false;
    let mut limit: u64 = 0;
    let mut j = numkeys_idx + 1 + setnum;
    while j < args.len() {
        let remaining = args.len() - j;
        let is = |name: &[u8]| args[j].eq_ignore_ascii_case(name);
        if op != Op::Diff && !card_only && remaining > setnum && is(b"weights") {
            j += 1;
            for s in sources.iter_mut() {
                s.weight = parse_score(&args[j]).ok_or_else(|| CmdError::msg("ERR weight value is not a float"))?;
                j += 1;
            }
        } else if op != Op::Diff && !card_only && remaining >= 2 && is(b"aggregate") {
            let v = &args[j + 1];
            how = if v.eq_ignore_ascii_case(b"sum") {
                Aggregate::Sum
            } else if v.eq_ignore_ascii_case(b"min") {
                Aggregate::Min
            } else if v.eq_ignore_ascii_case(b"max") {
                Aggregate::Max
            } else {
                return Err(CmdError::Syntax);
            };
            j += 2;
        } else if dst.is_none() && !card_only && is(b"withscores") {
            with_scores = true;
            j += 1;
        } else if card_only && remaining >= 2 && is(b"limit") {
            let n = parse_i64(&args[j + 1]).map_err(|_| CmdError::msg("ERR LIMIT can't be negative"))?;
            if n < 0 {
                return Err(CmdError::msg("ERR LIMIT can't be negative"));
            }
            limit = n as u64;
            j += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    if op != Op::Diff {
        sources.sort_by_key(Source::len);
    }
    let mut result: BTreeMap<Vec<u8>, f64> = BTreeMap::new();
    let mut cardinality: u64 = 0;
    match op {
        Op::Inter => {
            if let Some(first) = sources.first().and_then(|s| s.items.as_ref()) {
                let lookups: Vec<BTreeMap<&[u8], f64>> = sources[1..]
                    .iter()
                    .map(|s| s.items.iter().flatten().map(|(m, sc)| (&m[..], *sc)).collect())
                    .collect();
                'members: for (m, sc) in first {
                    let mut score = sources[0].weight * sc;
                    if score.is_nan() {
                        score = 0.0;
                    }
                    for (k, lookup) in lookups.iter().enumerate() {
                        match lookup.get(&m[..]) {
                            Some(v) => aggregate(&mut score, v * sources[k + 1].weight, how),
                            None => continue 'members,
                        }
                    }
                    if card_only {
                        cardinality += 1;
                        if limit != 0 && cardinality >= limit {
                            break;
                        }
                    } else {
                        result.insert(m.clone(), score);
                    }
                }
            }
        }
        Op::Union => {
            for s in &sources {
                for (m, sc) in s.items.iter().flatten() {
                    let mut score = s.weight * sc;
                    if score.is_nan() {
                        score = 0.0;
                    }
                    match result.get_mut(m) {
                        Some(t) => aggregate(t, score, how),
                        None => {
                            result.insert(m.clone(), score);
                        }
                    }
                }
            }
        }
        Op::Diff => {
            if let Some(first) = &sources[0].items {
                let others: Vec<BTreeMap<&[u8], ()>> = sources[1..]
                    .iter()
                    .map(|s| s.items.iter().flatten().map(|(m, _)| (&m[..], ())).collect())
                    .collect();
                for (m, sc) in first {
                    if !others.iter().any(|o| o.contains_key(&m[..])) {
                        result.insert(m.clone(), *sc);
                    }
                }
            }
        }
    }
    if card_only {
        ctx.reply.int(cardinality as i64);
        return Ok(());
    }
    let mut items: Vec<(Vec<u8>, f64)> = result.into_iter().collect();
    match dst {
        Some(dst) => store_result(ctx, dst, items),
        None => {
            items
                .sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal).then_with(|| a.0.cmp(&b.0)));
            reply_scored_len(ctx.reply, items.len(), with_scores);
            for (m, s) in &items {
                reply_scored(ctx.reply, m, *s, with_scores);
            }
        }
    }
    Ok(())
}
