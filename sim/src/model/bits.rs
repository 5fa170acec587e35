//! SETBIT GETBIT BITCOUNT BITPOS BITOP. Bit 0 is the most significant bit of byte
//! 0. Ranges are computed as plain bit intervals, then counted or searched
//! one bit at a time.

use super::{eq_ic, int_arg, parse_ll, Enc, Exec, Model, Out, WrongType, STRING_MAX_BYTES, SYNTAX, WRONGTYPE};
use crate::cmd::Cmd;

const BAD_OFFSET: &str = "ERR bit offset is not an integer or out of range";

fn bit_offset(cmd: &Cmd, i: usize, out: &mut Out<'_>) -> Option<u64> {
    match parse_ll(cmd.arg(i)) {
        Some(v) if v >= 0 && (v >> 3) < STRING_MAX_BYTES => Some(v as u64),
        _ => {
            out.w.err(BAD_OFFSET);
            None
        }
    }
}

fn bit_at(s: &[u8], bit: u64) -> bool {
    let byte = (bit >> 3) as usize;
    byte < s.len() && s[byte] & (0x80 >> (bit & 7)) != 0
}

pub fn setbit(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(offset) = bit_offset(cmd, 2, out) else {
        return;
    };
    let on = match parse_ll(cmd.arg(3)) {
        Some(v @ (0 | 1)) => v == 1,
        _ => return out.w.err("ERR bit is not an integer or out of range"),
    };
    let (now, seq) = (cx.now_ms, m.seq);
    let db = m.db(cx);
    let key = cmd.arg(1);
    match db.get_str(key, now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => super::strings::set_key(db, key, Vec::new(), Enc::Raw, false, now, seq),
        Ok(Some(_)) => {}
    }
    let e = db.get_mut(key, now).expect("exists");
    let uncertain = e.uncertain;
    let (val, enc) = e.str_mut();
    let byte = (offset >> 3) as usize;
    if val.len() <= byte {
        val.resize(byte + 1, 0);
    }
    *enc = Enc::Raw;
    let mask = 0x80u8 >> (offset & 7);
    let old = val[byte] & mask != 0;
    if on {
        val[byte] |= mask;
    } else {
        val[byte] &= !mask;
    }
    if uncertain {
        out.any()
    } else {
        out.w.int(old as i64)
    }
}

pub fn getbit(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(offset) = bit_offset(cmd, 2, out) else {
        return;
    };
    let now = cx.now_ms;
    match m.db(cx).get_str(cmd.arg(1), now) {
        Err(WrongType) => out.w.err(WRONGTYPE),
        Ok(None) => out.w.int(0),
        Ok(Some(e)) if e.uncertain => out.any(),
        Ok(Some(e)) => out.w.int(bit_at(e.bytes(), offset) as i64),
    }
}

/// Redis's index conversion: negative from the end, clamped to the string.
/// Returns the inclusive bit interval, or None if it is empty.
fn bit_range(start: i64, end: i64, len_bytes: usize, in_bits: bool) -> Option<(u64, u64)> {
    let total = if in_bits { len_bytes as i64 * 8 } else { len_bytes as i64 };
    let (mut s, mut e) = (start, end);
    if s < 0 {
        s += total;
    }
    if e < 0 {
        e += total;
    }
    s = s.max(0);
    e = e.max(0).min(total - 1);
    if s > e {
        return None;
    }
    Some(if in_bits { (s as u64, e as u64) } else { (s as u64 * 8, e as u64 * 8 + 7) })
}

/// BYTE or BIT; None after writing the syntax error.
fn unit(arg: &[u8], out: &mut Out<'_>) -> Option<bool> {
    if eq_ic(arg, "bit") {
        Some(true)
    } else if eq_ic(arg, "byte") {
        Some(false)
    } else {
        out.w.err(SYNTAX);
        None
    }
}

pub fn bitcount(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    let s: &[u8] = match m.db(cx).get_str(cmd.arg(1), now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => return out.w.int(0),
        Ok(Some(e)) if e.uncertain => return out.any(),
        Ok(Some(e)) => e.bytes(),
    };
    let range = match cmd.argc() {
        2 => bit_range(0, -1, s.len(), false),
        4 | 5 => {
            let Some(start) = int_arg(cmd, 2, out) else {
                return;
            };
            let Some(end) = int_arg(cmd, 3, out) else {
                return;
            };
            if start < 0 && end < 0 && start > end {
                return out.w.int(0);
            }
            let in_bits = if cmd.argc() == 5 {
                match unit(cmd.arg(4), out) {
                    Some(b) => b,
                    None => return,
                }
            } else {
                false
            };
            bit_range(start, end, s.len(), in_bits)
        }
        _ => return out.w.err(SYNTAX),
    };
    let n = range.map_or(0, |(a, b)| (a..=b).filter(|&i| bit_at(s, i)).count());
    out.w.int(n as i64);
}

pub fn bitpos(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let Some(bit) = int_arg(cmd, 2, out) else {
        return;
    };
    if bit != 0 && bit != 1 {
        return out.w.err("ERR The bit argument must be 1 or 0.");
    }
    let want = bit == 1;
    let now = cx.now_ms;
    let s: &[u8] = match m.db(cx).get_str(cmd.arg(1), now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => return out.w.int(if want { -1 } else { 0 }),
        Ok(Some(e)) if e.uncertain => return out.any(),
        Ok(Some(e)) => e.bytes(),
    };
    let mut end_given = false;
    let range = match cmd.argc() {
        3 => bit_range(0, -1, s.len(), false),
        4..=6 => {
            let Some(start) = int_arg(cmd, 3, out) else {
                return;
            };
            let mut in_bits = false;
            if cmd.argc() == 6 {
                match unit(cmd.arg(5), out) {
                    Some(b) => in_bits = b,
                    None => return,
                }
            }
            let end = if cmd.argc() >= 5 {
                let Some(e) = int_arg(cmd, 4, out) else {
                    return;
                };
                end_given = true;
                e
            } else {
                -1
            };
            bit_range(start, end, s.len(), in_bits)
        }
        _ => return out.w.err(SYNTAX),
    };
    let Some((a, b)) = range else {
        return out.w.int(-1);
    };
    let pos = match (a..=b).find(|&i| bit_at(s, i) == want) {
        Some(p) => p as i64,
        None if !want && !end_given => b as i64 + 1,
        None => -1,
    };
    out.w.int(pos);
}

/// BITOP AND|OR|XOR|NOT: each result byte folds the sources' bytes at that
/// index, a source shorter than the index (or missing) giving 0.
pub fn bitop(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    // Redis compares the name with strcasecmp: a NUL ends it.
    let name = c_string(cmd.arg(1));
    let op = ["and", "or", "xor", "not"].iter().position(|n| eq_ic(name, n));
    let Some(op) = op else {
        return out.w.err(SYNTAX);
    };
    if op == 3 && cmd.argc() != 4 {
        return out.w.err("ERR BITOP NOT must be called with a single source key.");
    }
    let (now, seq) = (cx.now_ms, m.seq);
    let db = m.db(cx);
    let mut sources: Vec<Vec<u8>> = Vec::new();
    let mut uncertain = false;
    for i in 3..cmd.argc() {
        match db.get_str(cmd.arg(i), now) {
            Err(WrongType) => return out.w.err(WRONGTYPE),
            Ok(None) => sources.push(Vec::new()),
            Ok(Some(e)) => {
                uncertain |= e.uncertain;
                sources.push(e.bytes().to_vec());
            }
        }
    }
    let len = sources.iter().map(Vec::len).max().unwrap_or(0);
    let byte_at = |s: &Vec<u8>, i: usize| s.get(i).copied().unwrap_or(0);
    let result: Vec<u8> = (0..len)
        .map(|i| {
            let mut bytes = sources.iter().map(|s| byte_at(s, i));
            let first = bytes.next().unwrap_or(0);
            match op {
                0 => bytes.fold(first, |acc, b| acc & b),
                1 => bytes.fold(first, |acc, b| acc | b),
                2 => bytes.fold(first, |acc, b| acc ^ b),
                _ => !first,
            }
        })
        .collect();
    let dest = cmd.arg(2);
    if result.is_empty() {
        db.remove(dest, now);
    } else {
        super::strings::set_key(db, dest, result, Enc::Raw, false, now, seq);
        db.get_mut(dest, now).expect("just set").uncertain = uncertain;
    }
    if uncertain {
        out.any()
    } else {
        out.w.int(len as i64)
    }
}

/// The part of `arg` a C string function sees: up to the first NUL.
pub fn c_string(arg: &[u8]) -> &[u8] {
    match arg.iter().position(|&b| b == 0) {
        Some(end) => &arg[..end],
        None => arg,
    }
}
