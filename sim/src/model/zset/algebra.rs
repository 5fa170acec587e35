//! The model's ZUNION ZINTER ZDIFF, their STORE forms and ZINTERCARD.
//! Inputs are accumulated smallest first (Redis sorts them by size, which
//! decides the order floating-point sums happen in); a difference keeps its
//! first input first.

use std::collections::BTreeMap;

use super::{get_z, parse_score, store, write_items};
use crate::cmd::Cmd;
use crate::model::{eq_ic, parse_ll, Data, Exec, Model, Out, WrongType, NOT_INTEGER, SYNTAX, WRONGTYPE};

/// One input's members (None: missing key) and its weight.
type Input = (Option<Vec<(Vec<u8>, f64)>>, f64);

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Union,
    Inter,
    Diff,
}

pub fn zunion(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    generic(m, cmd, cx, out, Op::Union, false, false)
}
pub fn zinter(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    generic(m, cmd, cx, out, Op::Inter, false, false)
}
pub fn zdiff(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    generic(m, cmd, cx, out, Op::Diff, false, false)
}
pub fn zunionstore(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    generic(m, cmd, cx, out, Op::Union, true, false)
}
pub fn zinterstore(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    generic(m, cmd, cx, out, Op::Inter, true, false)
}
pub fn zdiffstore(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    generic(m, cmd, cx, out, Op::Diff, true, false)
}
pub fn zintercard(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    generic(m, cmd, cx, out, Op::Inter, false, true)
}

fn agg(t: &mut f64, v: f64, how: u8) {
    match how {
        0 => {
            *t += v;
            if t.is_nan() {
                *t = 0.0;
            }
        }
        1 => *t = t.min(v),
        _ => *t = t.max(v),
    }
}

fn generic(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, op: Op, is_store: bool, card: bool) {
    let ni = if is_store { 2 } else { 1 };
    let Some(n) = parse_ll(cmd.arg(ni)) else {
        return out.w.err(NOT_INTEGER);
    };
    if n < 1 {
        let name = String::from_utf8_lossy(cmd.arg(0)).to_ascii_lowercase();
        return out.w.err(&format!("ERR at least 1 input key is needed for '{name}' command"));
    }
    if n > (cmd.argc() - ni - 1) as i64 {
        return out.w.err(SYNTAX);
    }
    let n = n as usize;
    let now = cx.now_ms;
    let mut inputs: Vec<Input> = Vec::new();
    for k in ni + 1..ni + 1 + n {
        // A set is a sorted set whose every member scores 1.
        if let Some(Data::Set(set)) = m.db(cx).get(cmd.arg(k), now).map(|e| &e.data) {
            inputs.push((Some(set.members.iter().map(|member| (member.clone(), 1.0)).collect()), 1.0));
            continue;
        }
        match get_z(m.db(cx), cmd.arg(k), now) {
            Err(WrongType) => return out.w.err(WRONGTYPE),
            Ok(z) => inputs.push((z.map(|z| z.scores.iter().map(|(a, b)| (a.clone(), *b)).collect()), 1.0)),
        }
    }
    let (mut how, mut with, mut limit) = (0u8, false, 0i64);
    let mut j = ni + 1 + n;
    while j < cmd.argc() {
        let rem = cmd.argc() - j;
        let a = cmd.arg(j);
        if op != Op::Diff && !card && rem > n && eq_ic(a, "weights") {
            for (i, input) in inputs.iter_mut().enumerate() {
                match parse_score(cmd.arg(j + 1 + i)) {
                    Some(w) => input.1 = w,
                    None => return out.w.err("ERR weight value is not a float"),
                }
            }
            j += 1 + n;
        } else if op != Op::Diff && !card && rem >= 2 && eq_ic(a, "aggregate") {
            how = match cmd.arg(j + 1) {
                v if eq_ic(v, "sum") => 0,
                v if eq_ic(v, "min") => 1,
                v if eq_ic(v, "max") => 2,
                _ => return out.w.err(SYNTAX),
            };
            j += 2;
        } else if !is_store && !card && eq_ic(a, "withscores") {
            with = true;
            j += 1;
        } else if card && rem >= 2 && eq_ic(a, "limit") {
            match parse_ll(cmd.arg(j + 1)) {
                Some(l) if l >= 0 => limit = l,
                _ => return out.w.err("ERR LIMIT can't be negative"),
            }
            j += 2;
        } else {
            return out.w.err(SYNTAX);
        }
    }
    if op != Op::Diff {
        inputs.sort_by_key(|(items, _)| items.as_ref().map_or(0, Vec::len));
    }
    let mut result: BTreeMap<Vec<u8>, f64> = BTreeMap::new();
    match op {
        Op::Union => {
            for (items, w) in &inputs {
                for (mb, s) in items.iter().flatten() {
                    let mut v = w * s;
                    if v.is_nan() {
                        v = 0.0;
                    }
                    match result.get_mut(mb) {
                        Some(t) => agg(t, v, how),
                        None => {
                            result.insert(mb.clone(), v);
                        }
                    }
                }
            }
        }
        Op::Inter => {
            let maps: Vec<BTreeMap<Vec<u8>, f64>> =
                inputs.iter().map(|(items, _)| items.iter().flatten().cloned().collect()).collect();
            let mut count = 0i64;
            for (mb, s) in &maps[0] {
                let mut v = inputs[0].1 * s;
                if v.is_nan() {
                    v = 0.0;
                }
                let mut all = true;
                for (k, other) in maps.iter().enumerate().skip(1) {
                    match other.get(mb) {
                        Some(o) => agg(&mut v, o * inputs[k].1, how),
                        None => {
                            all = false;
                            break;
                        }
                    }
                }
                if all {
                    count += 1;
                    result.insert(mb.clone(), v);
                }
            }
            if card {
                return out.w.int(if limit > 0 { count.min(limit) } else { count });
            }
        }
        Op::Diff => {
            for (mb, s) in inputs[0].0.iter().flatten() {
                if !inputs[1..].iter().any(|(items, _)| items.iter().flatten().any(|(o, _)| o == mb)) {
                    result.insert(mb.clone(), *s);
                }
            }
        }
    }
    let mut items: Vec<(Vec<u8>, f64)> = result.into_iter().collect();
    items.sort_by(|a, b| a.1.partial_cmp(&b.1).expect("no NaN").then_with(|| a.0.cmp(&b.0)));
    if is_store {
        let dst = cmd.arg(1).to_vec();
        store(m, cx, &dst, items, out);
    } else {
        write_items(out, &items, with);
    }
}
