//! HRANDFIELD and HSCAN in the model: exact where Redis's reply is
//! determined (a missing key, errors, a count covering a listpack hash,
//! HSCAN of a listpack), a [`Prop`] elsewhere.

use super::hash::{get_hash, HashM};
use super::keys::parse_cursor;
use super::{eq_ic, glob, key_hash, parse_ll, Exec, Model, Out, Prop, NOT_INTEGER, SYNTAX, WRONGTYPE};
use crate::cmd::Cmd;

/// The engine's bound on a negative count's reply (its
/// `RANDOM_REPLY_ELEMENTS_MAX`); Redis itself runs out of memory there, and
/// the generator never sends such a count to a real server.
pub const RANDOM_REPLY_ELEMENTS_MAX: u64 = 1 << 24;

/// The hash under `key` for a read; writes WRONGTYPE and returns Err.
fn read<'a>(
    m: &'a mut Model,
    cx: &Exec<'_>,
    key: &[u8],
    out: &mut Out<'_>,
) -> Result<Option<(&'a HashM, bool, u64)>, ()> {
    let now = cx.now_ms;
    match get_hash(m.db(cx), key, now) {
        Err(super::WrongType) => {
            out.w.err(WRONGTYPE);
            Err(())
        }
        Ok(found) => Ok(found.map(|(h, e)| (h, e.uncertain, e.stamp))),
    }
}

pub fn hrandfield(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if cmd.argc() == 2 {
        let Ok(found) = read(m, cx, cmd.arg(1), out) else { return };
        let mut fields: Vec<u64> =
            found.map_or(Vec::new(), |(h, _, _)| h.fields.iter().map(|f| key_hash(&f.name)).collect());
        fields.sort_unstable();
        out.prop = Some(Prop::OneOf(fields));
        return;
    }
    let Some(count) = parse_ll(cmd.arg(2)) else { return out.w.err(NOT_INTEGER) };
    if count == i64::MIN {
        return out.w.err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    }
    if cmd.argc() > 4 || (cmd.argc() == 4 && !eq_ic(cmd.arg(3), "withvalues")) {
        return out.w.err(SYNTAX);
    }
    let with_values = cmd.argc() == 4;
    if with_values && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
        return out.w.err("ERR value is out of range");
    }
    let Ok(found) = read(m, cx, cmd.arg(1), out) else { return };
    let Some((h, uncertain, _)) = found else { return out.w.array(0) };
    if count == 0 {
        return out.w.array(0);
    }
    let step = 1 + with_values as u64;
    if count < 0 && count.unsigned_abs().saturating_mul(step) > RANDOM_REPLY_ELEMENTS_MAX {
        return out.w.err("ERR value is out of range");
    }
    if uncertain {
        return out.any();
    }
    let len = h.fields.len();
    if count > 0 && count as u64 >= len as u64 {
        // The whole hash: in listpack order, or any order for a hashtable.
        if h.big {
            let pairs = h.sorted_pairs(|_| true);
            out.prop = Some(if with_values {
                Prop::SortedPairs(pairs)
            } else {
                Prop::SortedArray(pairs.into_iter().map(|p| p.0).collect())
            });
            return;
        }
        out.w.array(len * step as usize);
        for f in &h.fields {
            out.w.bulk(&f.name);
            if with_values {
                out.w.bulk(&f.value);
            }
        }
        return;
    }
    let picks = count.unsigned_abs() as usize;
    out.prop = Some(Prop::RandomPairs { pairs: h.sorted_pairs(|_| true), picks, with_values, distinct: count > 0 });
}

pub fn hscan(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    if parse_cursor(cmd.arg(2)).is_none() {
        return out.w.err("ERR invalid cursor");
    }
    // A session across FLUSHDB or SWAPDB promises nothing.
    let epoch = m.db(cx).epoch;
    let scan = cx.scan.filter(|s| s.start_epoch == epoch);
    let Ok(found) = read(m, cx, cmd.arg(1), out) else { return };
    let Some((h, uncertain, key_stamp)) = found else {
        out.w.array(2);
        out.w.bulk(b"0");
        return out.w.array(0);
    };
    let mut pattern: Option<&[u8]> = None;
    let mut i = 3;
    while i < cmd.argc() {
        let has_value = i + 1 < cmd.argc();
        if eq_ic(cmd.arg(i), "count") && has_value {
            let Some(n) = parse_ll(cmd.arg(i + 1)) else { return out.w.err(NOT_INTEGER) };
            if n < 1 {
                return out.w.err(SYNTAX);
            }
        } else if eq_ic(cmd.arg(i), "match") && has_value {
            pattern = Some(cmd.arg(i + 1));
        } else {
            return out.w.err(SYNTAX);
        }
        i += 2;
    }
    if uncertain {
        return out.any();
    }
    let wanted = |name: &[u8]| pattern.is_none_or(|p| glob::matches(p, name));
    if !h.big {
        // A listpack answers everything at once, in its order.
        let hits: Vec<_> = h.fields.iter().filter(|f| wanted(&f.name)).collect();
        out.w.array(2);
        out.w.bulk(b"0");
        out.w.array(hits.len() * 2);
        for f in hits {
            out.w.bulk(&f.name);
            out.w.bulk(&f.value);
        }
        return;
    }
    // Fields present since before the session's first call must be returned
    // by the time it ends (the key too must have been there all along).
    let must_from = scan.map(|s| s.start_seq).filter(|&start| key_stamp < start);
    let must = match must_from {
        Some(start) => {
            h.fields.iter().filter(|f| f.stamp < start && wanted(&f.name)).map(|f| key_hash(&f.name)).collect()
        }
        None => Vec::new(),
    };
    out.prop = Some(Prop::PairScan { allowed: h.sorted_pairs(|f| wanted(&f.name)), must });
}
