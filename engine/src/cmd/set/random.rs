//! SPOP and SRANDMEMBER: Redis 7.0's `spopCommand`,
//! `spopWithCountCommand` and `srandmemberWithCountCommand`.
//!
//! Every draw comes from the server's seeded generator (`Server::rng`), so a
//! simulated run replays. Which members come out is random, so only what
//! Redis guarantees is Redis's: how many, whether they are distinct, the
//! errors and their order, the key's deletion, and (observable through
//! OBJECT ENCODING) SPOP's rebuild: when few members stay, Redis moves the
//! survivors into a fresh set, which is an intset if they are all integers
//! and fit, even if the old set was a hashtable.
//!
//! SPOP's draw is not replayable, so the AOF gets what it removed: `SREM
//! key member` for each member, as Redis 7.0 does (the execution unit
//! wraps two or more in MULTI/EXEC: see `aof/unit.rs`), or `DEL key` when
//! the whole set went.

use std::collections::BTreeSet;

use bytes::Bytes;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::algebra::reply_as_union;
use super::{delete_if_empty, read_set, write_set};
use crate::cmd::{CmdError, CmdResult};
use crate::ctx::{Ctx, Server};
use crate::db::value::{parse_strict_i64, SetValue};

/// Redis `SPOP_MOVE_STRATEGY_MUL`: SPOP rebuilds the set from its survivors
/// when `remaining * 5 <= count`.
const SPOP_MOVE_STRATEGY_MUL: usize = 5;

/// # Format
/// ```text
/// SPOP key [count]
/// ```
pub fn spop(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    match args.len() {
        2 => spop_one(ctx, &args[1]),
        3 => spop_count(ctx, &args[1], &args[2]),
        _ => Err(CmdError::Syntax),
    }
}

fn spop_one(ctx: &mut Ctx<'_>, key: &[u8]) -> CmdResult {
    let now = ctx.now_ms();
    let db = &mut ctx.srv.dbs[ctx.db_index];
    let Some(set) = write_set(db, key, now)? else {
        ctx.propagate_nothing();
        ctx.reply.null();
        return Ok(());
    };
    let member = set.random_member(&mut ctx.srv.rng).expect("stored sets are not empty");
    set.remove(&member);
    delete_if_empty(db, key);
    ctx.srv.stats.dirty += 1;
    ctx.reply.bulk(&member);
    ctx.also_propagate(vec![Bytes::from_static(b"SREM"), Bytes::copy_from_slice(key), Bytes::from(member)]);
    Ok(())
}

fn spop_count(ctx: &mut Ctx<'_>, key: &[u8], count_arg: &[u8]) -> CmdResult {
    let count = parse_strict_i64(count_arg)
        .filter(|&n| n >= 0)
        .ok_or_else(|| CmdError::msg("ERR value is out of range, must be positive"))?;
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let now = ctx.now_ms();
    let max = ctx.srv.config.set_max_intset_entries;
    let db = &mut ctx.srv.dbs[ctx.db_index];
    let seed = db.hash_seed();
    let Some(set) = write_set(db, key, now)? else {
        ctx.propagate_nothing();
        ctx.reply.set(0);
        return Ok(());
    };
    if count == 0 {
        ctx.propagate_nothing();
        ctx.reply.set(0);
        return Ok(());
    }
    let size = set.len();
    // Redis adds the count asked for, however large (its counter is a C
    // long long that a huge count pushes toward overflow); we count the
    // members that go, so SPOP s 9223372036854775807 twice cannot overflow.
    ctx.srv.stats.dirty += count.min(size) as u64;
    if count >= size {
        // The whole set, as SUNION of it replies; then the key goes.
        reply_as_union(ctx.reply, set, max, seed, true);
        db.remove(key);
        ctx.also_propagate(vec![Bytes::from_static(b"DEL"), Bytes::copy_from_slice(key)]);
        return Ok(());
    }
    let remaining = size - count;
    ctx.reply.set(count);
    let mut srem = Vec::with_capacity(count);
    if remaining.saturating_mul(SPOP_MOVE_STRATEGY_MUL) > count {
        for _ in 0..count {
            let member = set.random_member(&mut ctx.srv.rng).expect("more members than popped");
            set.remove(&member);
            ctx.reply.bulk(&member);
            srem.push(Bytes::from(member));
        }
    } else {
        // Move the survivors into a fresh set (an intset if they allow),
        // then reply what is left in the old one.
        let mut survivors: Option<SetValue> = None;
        for _ in 0..remaining {
            let member = set.random_member(&mut ctx.srv.rng).expect("survivors are members");
            survivors.get_or_insert_with(|| SetValue::new_for(&member, seed)).add(&member, max, seed);
            set.remove(&member);
        }
        set.for_each(|m| {
            super::reply_member(ctx.reply, m);
            srem.push(m.with_bytes(Bytes::copy_from_slice));
        });
        // In place: the key keeps its TTL (Redis `dbOverwrite`).
        *set = survivors.expect("remaining > 0");
    }
    let key = Bytes::copy_from_slice(key);
    for member in srem {
        ctx.also_propagate(vec![Bytes::from_static(b"SREM"), key.clone(), member]);
    }
    Ok(())
}

/// Redis `SRANDMEMBER_SUB_STRATEGY_MUL`.
const SRANDMEMBER_SUB_STRATEGY_MUL: usize = 3;

/// # Format
/// ```text
/// SRANDMEMBER key [count]
/// ```
pub fn srandmember(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    match args.len() {
        2 => srandmember_one(ctx, &args[1]),
        3 => srandmember_count(ctx, &args[1], &args[2]),
        _ => Err(CmdError::Syntax),
    }
}

/// Redis `lookupKeyRead` + `checkType` for a command that draws from the
/// set: counts the hit or miss and checks the type; true if a set is there.
/// The draw needs the table mutably (a rehash step), so the caller then
/// reaches the set through [`set_and_rng`].
fn read_for_draw(ctx: &mut Ctx<'_>, key: &[u8]) -> Result<bool, CmdError> {
    Ok(read_set(ctx.srv, ctx.db_index, key)?.is_some())
}

fn srandmember_one(ctx: &mut Ctx<'_>, key: &[u8]) -> CmdResult {
    if !read_for_draw(ctx, key)? {
        ctx.reply.null();
        return Ok(());
    }
    let (set, rng) = set_and_rng(ctx.srv, ctx.db_index, key);
    let member = set.random_member(rng).expect("stored sets are not empty");
    ctx.reply.bulk(&member);
    Ok(())
}

/// Most draws SRANDMEMBER with a negative count makes. Redis has no bound
/// and streams |count| members (a count near i64::MAX never finishes); we
/// answer Redis's out-of-range error past this instead of building an
/// unbounded reply.
pub const SRANDMEMBER_REPEAT_MAX: u64 = 1 << 24;

fn srandmember_count(ctx: &mut Ctx<'_>, key: &[u8], count_arg: &[u8]) -> CmdResult {
    let l = crate::cmd::parse_i64(count_arg)?;
    if l == i64::MIN {
        return Err(CmdError::msg(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ));
    }
    let (count, uniq) = (l.unsigned_abs() as usize, l >= 0);
    let max = ctx.srv.config.set_max_intset_entries;
    let seed = ctx.srv.dbs[ctx.db_index].hash_seed();
    if !read_for_draw(ctx, key)? || count == 0 {
        ctx.reply.array(0);
        return Ok(());
    }
    if !uniq && count as u64 > SRANDMEMBER_REPEAT_MAX {
        return Err(CmdError::NotInteger);
    }
    let reply = &mut *ctx.reply;
    let (set, rng) = set_and_rng(ctx.srv, ctx.db_index, key);
    if !uniq {
        // Draws with repetition.
        reply.array(count);
        for _ in 0..count {
            let member = set.random_member(rng).expect("stored sets are not empty");
            reply.bulk(&member);
        }
        return Ok(());
    }
    let size = set.len();
    if count >= size {
        reply_as_union(reply, set, max, seed, false);
        return Ok(());
    }
    // `count` distinct members: drop random ones from a copy of the whole
    // set when most are wanted, else draw until enough distinct ones came.
    // The scratch set is bounded by the set's own size.
    let mut picked: BTreeSet<Vec<u8>> = BTreeSet::new();
    if count.saturating_mul(SRANDMEMBER_SUB_STRATEGY_MUL) > size {
        let mut all = set.members();
        while all.len() > count {
            let i = rng.gen_range(0..all.len());
            all.swap_remove(i);
        }
        picked.extend(all);
    } else {
        while picked.len() < count {
            picked.insert(set.random_member(rng).expect("stored sets are not empty"));
        }
    }
    reply.array(count);
    for m in &picked {
        reply.bulk(m);
    }
    Ok(())
}

/// The set under `key` (known present) and the server's generator, borrowed
/// apart (the caller keeps the reply).
fn set_and_rng<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> (&'a mut SetValue, &'a mut ChaCha8Rng) {
    let now = srv.now_ms;
    let Server { dbs, rng, .. } = srv;
    let set = write_set(&mut dbs[db], key, now).ok().flatten().expect("checked by read_for_draw");
    (set, rng)
}
