//! SORT and SORT_RO in the model (sources: list, sorted set; BY/GET on
//! strings and hash fields), written from Redis 7.0's `sort.c` and
//! observed behaviour: the same option loop, LIMIT clamping and ordering
//! rules, over plain `Vec`s. Shares no code with the engine (its own
//! `strtod` check below).
//!
//! A set sorted BY nosort (without STORE) comes out in Redis's hash order,
//! which the model does not know: that reply is checked by a [`Prop`].

use super::list::ListM;
use super::strings::set_data;
use super::{eq_ic, parse_ll, Data, Db, Exec, Model, Out, Prop, NOT_INTEGER, SYNTAX, WRONGTYPE};
use crate::cmd::Cmd;

pub fn sort(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    sort_generic(m, cmd, cx, out, false)
}

pub fn sort_ro(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    sort_generic(m, cmd, cx, out, true)
}

/// Bytes up to the first NUL: what Redis's C string functions see.
fn c_str(b: &[u8]) -> &[u8] {
    &b[..b.iter().position(|&x| x == 0).unwrap_or(b.len())]
}

/// glibc `strtod` as SORT checks it: Some(score) unless something follows
/// the number, the result is out of range (ERANGE: overflow, or an
/// underflow that loses bits) or NaN.
fn score_of(raw: &[u8]) -> Option<f64> {
    let s = c_str(raw);
    if s.is_empty() {
        return Some(0.0); // no conversion, and eptr points at the NUL
    }
    // C isspace: Rust's ASCII white space plus the vertical tab.
    let body = &s[s.iter().take_while(|c| c.is_ascii_whitespace() || **c == 0x0b).count()..];
    let (neg, body) = match body.first() {
        Some(b'-') => (true, &body[1..]),
        Some(b'+') => (false, &body[1..]),
        _ => (false, body),
    };
    let lower = body.to_ascii_lowercase();
    let v = if lower == b"inf" || lower == b"infinity" {
        f64::INFINITY
    } else if lower.starts_with(b"nan") {
        return None;
    } else if lower.starts_with(b"0x") && lower.len() > 2 {
        hex_value(&lower[2..])?
    } else {
        // digits [. digits] [e [sign] digits], at least one digit
        let ok = {
            let (mant, exp) = match lower.iter().position(|&c| c == b'e') {
                Some(p) => (&lower[..p], Some(&lower[p + 1..])),
                None => (&lower[..], None),
            };
            let dots = mant.iter().filter(|&&c| c == b'.').count();
            let digits = mant.iter().filter(|c| c.is_ascii_digit()).count();
            let exp_ok = exp.is_none_or(|e| {
                let e = e.strip_prefix(b"-").or_else(|| e.strip_prefix(b"+")).unwrap_or(e);
                !e.is_empty() && e.iter().all(u8::is_ascii_digit)
            });
            dots <= 1 && digits >= 1 && digits + dots == mant.len() && exp_ok
        };
        if !ok {
            return None;
        }
        let v: f64 = std::str::from_utf8(&lower).ok()?.parse().ok()?;
        let mant_end = lower.iter().position(|&c| c == b'e').unwrap_or(lower.len());
        let nonzero = lower[..mant_end].iter().any(|c| (b'1'..=b'9').contains(c));
        if v.is_infinite() || (nonzero && v < f64::MIN_POSITIVE) {
            return None;
        }
        v
    };
    Some(if neg { -v } else { v })
}

/// `hexdigits[.hexdigits][p[sign]digits]` (lowercased, after `0x`), exact
/// or refused: the model handles up to 13 hex digits, as the workload
/// draws them.
fn hex_value(s: &[u8]) -> Option<f64> {
    let (mant, exp) = match s.iter().position(|&c| c == b'p') {
        Some(p) => (&s[..p], std::str::from_utf8(&s[p + 1..]).ok()?.parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (int, frac) = match mant.iter().position(|&c| c == b'.') {
        Some(p) => (&mant[..p], &mant[p + 1..]),
        None => (mant, &[][..]),
    };
    if int.len() + frac.len() == 0 || int.len() + frac.len() > 13 {
        return None;
    }
    let mut n: u64 = 0;
    for &c in int.iter().chain(frac) {
        n = n * 16 + (c as char).to_digit(16)? as u64;
    }
    let e = exp - 4 * frac.len() as i32;
    let v = n as f64 * 2f64.powi(e / 2) * 2f64.powi(e - e / 2);
    // Exact: scaling back gives n again (n has at most 52 bits).
    let exact = v * 2f64.powi(-(e / 2)) * 2f64.powi(-(e - e / 2)) == n as f64;
    if v.is_infinite() || (n != 0 && v < f64::MIN_POSITIVE && !exact) || (n != 0 && v == 0.0) {
        return None;
    }
    Some(v)
}

/// Redis `lookupKeyByPattern` over the model's database; sets `uncertain`
/// when it reads a string the model does not know exactly (INCRBYFLOAT).
fn by_pattern(db: &Db, now: i64, pattern: &[u8], elem: &[u8], uncertain: &mut bool) -> Option<Vec<u8>> {
    if c_str(pattern) == b"#" {
        return Some(elem.to_vec());
    }
    let vis = c_str(pattern);
    let star = vis.iter().position(|&c| c == b'*')?;
    let mut field = None;
    let mut key_end = pattern.len();
    if let Some(a) = vis[star + 1..].windows(2).position(|w| w == b"->") {
        let arrow = star + 1 + a;
        if pattern.get(arrow + 2).is_some_and(|&c| c != 0) {
            field = Some(&pattern[arrow + 2..]);
            key_end = arrow;
        }
    }
    let key = [&pattern[..star], elem, &pattern[star + 1..key_end]].concat();
    let e = db.get(&key, now)?;
    *uncertain |= e.uncertain && field.is_none();
    match (&e.data, field) {
        (Data::Str { val, .. }, None) => Some(val.clone()),
        (Data::Hash(h), Some(f)) => h.get(f).map(<[u8]>::to_vec),
        _ => None,
    }
}

fn sort_generic(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, readonly: bool) {
    let (mut desc, mut alpha, mut start, mut count) = (false, false, 0i64, -1i64);
    let (mut by, mut store): (Option<&[u8]>, Option<&[u8]>) = (None, None);
    let (mut dontsort, mut gets): (bool, Vec<&[u8]>) = (false, Vec::new());
    let n = cmd.argc();
    let mut j = 2;
    while j < n {
        let (w, left) = (cmd.arg(j), n - j - 1);
        if eq_ic(w, "asc") {
            desc = false;
        } else if eq_ic(w, "desc") {
            desc = true;
        } else if eq_ic(w, "alpha") {
            alpha = true;
        } else if eq_ic(w, "limit") && left >= 2 {
            match (parse_ll(cmd.arg(j + 1)), parse_ll(cmd.arg(j + 2))) {
                (Some(a), Some(b)) => (start, count) = (a, b),
                _ => return out.w.err(NOT_INTEGER),
            }
            j += 2;
        } else if !readonly && eq_ic(w, "store") && left >= 1 {
            store = Some(cmd.arg(j + 1));
            j += 1;
        } else if eq_ic(w, "by") && left >= 1 {
            by = Some(cmd.arg(j + 1));
            if !c_str(cmd.arg(j + 1)).contains(&b'*') {
                dontsort = true;
            }
            j += 1;
        } else if eq_ic(w, "get") && left >= 1 {
            gets.push(cmd.arg(j + 1));
            j += 1;
        } else {
            return out.w.err(SYNTAX);
        }
        j += 1;
    }
    let now = cx.now_ms;
    let seq = m.seq;
    let db = m.db(cx);
    // (elements in load order, whether that order is meaningful)
    // (elements, whether BY nosort keeps their order, whether Redis loads
    // them in that order when it sorts: a sorted set's are loaded from its
    // dict)
    let (elems, ordered, load_ordered): (Vec<Vec<u8>>, bool, bool) =
        match db.get_mut(cmd.arg(1), now).map(|e| &mut e.data) {
            None => (Vec::new(), true, true),
            Some(Data::List(l)) => (l.items.clone(), true, true),
            // Redis loads a set in its own iteration order (hash order for a
            // hashtable), which shows only among ties and with BY nosort:
            // replies with ties are checked loosely. The engine loads in
            // byte order (this order), so what a STORE keeps is exact.
            Some(Data::Set(s)) => (s.members.iter().cloned().collect(), false, false),
            Some(Data::ZSet(z)) => {
                // Redis turns a listpack sorted set into a skiplist for SORT.
                z.listpack = false;
                (z.sorted().into_iter().map(|(m, _)| m).collect(), true, false)
            }
            Some(_) => return out.w.err(WRONGTYPE),
        };
    if dontsort && !ordered && store.is_some() {
        (dontsort, alpha, by) = (false, true, None);
    }
    let mut uncertain = false;
    let mut hash_ties = false;
    let len = elems.len() as i64;
    let mut s = start.clamp(0, len);
    let c = count.clamp(-1, len);
    let mut e = if c < 0 { len - 1 } else { s + c - 1 };
    if s >= len {
        (s, e) = (len - 1, len - 2);
    }
    e = e.min(len - 1);
    let window: Vec<Vec<u8>> = if dontsort && e < s {
        Vec::new()
    } else if dontsort && ordered {
        let (s, e) = (s as usize, e as usize);
        if desc {
            elems.iter().rev().skip(s).take(e - s + 1).cloned().collect()
        } else {
            elems[s..=e].to_vec()
        }
    } else if dontsort {
        // A set's hash order: the reply is checked loosely below.
        elems[s as usize..=e as usize].to_vec()
    } else {
        let mut keyed: Vec<(Vec<u8>, f64, Option<Vec<u8>>)> = Vec::new();
        let mut bad = false;
        for el in &elems {
            let byv = match by {
                Some(p) => by_pattern(db, now, p, el, &mut uncertain),
                None => Some(el.clone()),
            };
            let (mut score, mut cmpv) = (0.0, None);
            if let Some(v) = byv {
                if alpha {
                    cmpv = by.map(|_| v);
                } else {
                    match score_of(&v) {
                        Some(x) => score = x,
                        None => bad = true,
                    }
                }
            }
            keyed.push((el.clone(), score, cmpv));
        }
        if bad && uncertain {
            return out.any();
        }
        if bad {
            return out.w.err("ERR One or more scores can't be converted into double");
        }
        let text = |a: &[u8], b: &[u8]| if store.is_some() { a.cmp(b) } else { c_str(a).cmp(c_str(b)) };
        let compare = |a: &(Vec<u8>, f64, Option<Vec<u8>>), b: &(Vec<u8>, f64, Option<Vec<u8>>)| {
            let o = if !alpha {
                a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal).then_with(|| a.0.cmp(&b.0))
            } else if by.is_some() {
                match (&a.2, &b.2) {
                    (Some(x), Some(y)) => text(x, y),
                    (x, y) => x.is_some().cmp(&y.is_some()),
                }
            } else {
                text(&a.0, &b.0)
            };
            if desc {
                o.reverse()
            } else {
                o
            }
        };
        keyed.sort_by(compare);
        // Equal sort keys keep the load order, which for a sorted set is
        // Redis's dict order (the model loads by rank).
        hash_ties = !load_ordered && keyed.windows(2).any(|w| compare(&w[0], &w[1]).is_eq());
        if e < s {
            Vec::new()
        } else {
            keyed[s as usize..=e as usize].iter().map(|k| k.0.clone()).collect()
        }
    };
    let rows: Vec<Option<Vec<u8>>> = if gets.is_empty() {
        window.iter().map(|x| Some(x.clone())).collect()
    } else {
        window
            .iter()
            .flat_map(|el| gets.iter().map(move |g| (g, el)))
            .map(|(g, el)| by_pattern(db, now, g, el, &mut uncertain))
            .collect()
    };
    match store {
        None => {
            if uncertain {
                // A BY or GET value the model does not know exactly: the
                // order or the bytes may differ.
                return out.any();
            }
            if hash_ties {
                out.prop = Some(if gets.is_empty() && window.len() == elems.len() {
                    let mut all = elems.clone();
                    all.sort();
                    Prop::SortedArray(all)
                } else {
                    Prop::Any
                });
            }
            if dontsort && !ordered {
                out.prop = Some(if gets.is_empty() && window.len() == elems.len() {
                    let mut all = elems.clone();
                    all.sort();
                    Prop::SortedArray(all)
                } else {
                    Prop::Any
                });
            }
            out.w.array(rows.len());
            for r in &rows {
                match r {
                    Some(v) => out.w.bulk(v),
                    None => out.w.nil(),
                }
            }
        }
        Some(dest) => {
            let n = rows.len();
            if n > 0 {
                let items = rows.into_iter().map(Option::unwrap_or_default).collect();
                set_data(db, dest, Data::List(ListM { items }), false, now, seq);
            } else {
                db.remove(dest, now);
            }
            // The stored bytes or order may be off when `uncertain`; the
            // count does not depend on them (list commands do not look at
            // the mark, a rare INCRBYFLOAT value read by GET then STORE).
            out.w.int(n as i64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::score_of;

    #[test]
    fn scores_as_redis_checks_them() {
        for (s, v) in
            [("", 0.0), (" 5", 5.0), ("0x10", 16.0), ("0x1.8p1", 3.0), ("5.", 5.0), ("-inf", f64::NEG_INFINITY)]
        {
            assert_eq!(score_of(s.as_bytes()), Some(v), "{s:?}");
        }
        for s in ["nan", "1e400", "1e-400", "1e-310", "1e", "0x", "  ", "5 ", "0x1p-1080"] {
            assert_eq!(score_of(s.as_bytes()), None, "{s:?}");
        }
        assert_eq!(score_of(b"0x1p-1074"), Some(f64::from_bits(1)));
    }
}
