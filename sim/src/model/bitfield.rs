//! BITFIELD and BITFIELD_RO. A field is read and written one bit at a time
//! (bit 0 is the most significant bit of byte 0), and every sum is done in
//! `i128`, where no i64 operand can overflow: a value is then in range or
//! not, and WRAP / SAT / FAIL act on the exact sum.
//!
//! Observed Redis 7.0 behaviour the model follows: all subcommands are
//! parsed before anything runs (the first bad one is the only reply);
//! BITFIELD_RO refuses SET/INCRBY after parsing; only-GET commands never
//! create the key; a command with a write creates or zero-extends the
//! string to the last bit any write reaches, raw-encoded, even when each
//! write then fails under OVERFLOW FAIL. An unsigned SET takes its value as
//! a u64 (so -1 is 2^64-1: SAT stores the maximum, WRAP the low bits); a
//! signed SET under SAT of a value at or below `i64::MIN + max` (types
//! narrower than 64 bits) stores the maximum, not the minimum.

use super::bits::c_string;
use super::{eq_ic, parse_ll, Enc, Exec, Model, Out, WrongType, STRING_MAX_BYTES, SYNTAX, WRONGTYPE};
use crate::cmd::Cmd;

const BAD_TYPE: &str =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
const BAD_OFFSET: &str = "ERR bit offset is not an integer or out of range";
const NOT_INTEGER: &str = super::NOT_INTEGER;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Wrap,
    Sat,
    Fail,
}

#[derive(Clone, Copy, PartialEq)]
enum What {
    Get,
    Set,
    Incr,
}

struct Field {
    what: What,
    signed: bool,
    width: u32,
    offset: i64,
    arg: i64,
    mode: Mode,
}

impl Field {
    /// Smallest and largest value the field holds.
    fn range(&self) -> (i128, i128) {
        if self.signed {
            (-(1i128 << (self.width - 1)), (1i128 << (self.width - 1)) - 1)
        } else {
            (0, (1i128 << self.width) - 1)
        }
    }

    fn read(&self, s: &[u8]) -> i128 {
        let mut v: i128 = 0;
        for k in 0..self.width as i64 {
            let bit = self.offset + k;
            let byte = (bit / 8) as usize;
            let one = byte < s.len() && (s[byte] >> (7 - bit % 8)) & 1 == 1;
            v = v * 2 + one as i128;
        }
        if self.signed && v > self.range().1 {
            v -= 1i128 << self.width;
        }
        v
    }

    /// Stores `v` (in range) as the field's bits, two's complement.
    fn write(&self, s: &mut [u8], v: i128) {
        let bits = v.rem_euclid(1i128 << self.width);
        for k in 0..self.width as i64 {
            let bit = self.offset + k;
            let byte = (bit / 8) as usize;
            let mask = 1u8 << (7 - bit % 8);
            if (bits >> (self.width as i64 - 1 - k)) & 1 == 1 {
                s[byte] |= mask;
            } else {
                s[byte] &= !mask;
            }
        }
    }

    /// What an out-of-range `v` becomes: None under FAIL.
    fn fit(&self, v: i128) -> Option<i128> {
        let (lo, hi) = self.range();
        if (lo..=hi).contains(&v) {
            return Some(v);
        }
        match self.mode {
            Mode::Fail => None,
            Mode::Sat => Some(if v > hi { hi } else { lo }),
            Mode::Wrap => {
                let r = v.rem_euclid(1i128 << self.width);
                Some(if r > hi { r - (1i128 << self.width) } else { r })
            }
        }
    }
}

/// `i8`, `u63`...: the sign letter, then the width read as a C string.
fn parse_type(a: &[u8]) -> Option<(bool, u32)> {
    let signed = match a.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return None,
    };
    let w = parse_ll(c_string(&a[1..]))?;
    let max = if signed { 64 } else { 63 };
    (1..=max).contains(&w).then_some((signed, w as u32))
}

/// A bit offset, or `#n` meaning n fields of `width` (Redis multiplies in
/// wrapping 64-bit arithmetic).
fn parse_offset(a: &[u8], width: u32) -> Option<i64> {
    let off = match a.strip_prefix(b"#") {
        Some(n) => parse_ll(n)?.wrapping_mul(width as i64),
        None => parse_ll(a)?,
    };
    (off >= 0 && off / 8 < STRING_MAX_BYTES).then_some(off)
}

/// Parses `cmd.arg(2..)`; None after writing the error.
fn parse(cmd: &Cmd, out: &mut Out<'_>) -> Option<Vec<Field>> {
    let mut fields = Vec::new();
    let mut mode = Mode::Wrap;
    let mut i = 2;
    while i < cmd.argc() {
        let left = cmd.argc() - i - 1;
        let name = c_string(cmd.arg(i));
        if eq_ic(name, "overflow") && left >= 1 {
            let m = c_string(cmd.arg(i + 1));
            mode = if eq_ic(m, "wrap") {
                Mode::Wrap
            } else if eq_ic(m, "sat") {
                Mode::Sat
            } else if eq_ic(m, "fail") {
                Mode::Fail
            } else {
                out.w.err("ERR Invalid OVERFLOW type specified");
                return None;
            };
            i += 2;
            continue;
        }
        let what = if eq_ic(name, "get") && left >= 2 {
            What::Get
        } else if eq_ic(name, "set") && left >= 3 {
            What::Set
        } else if eq_ic(name, "incrby") && left >= 3 {
            What::Incr
        } else {
            out.w.err(SYNTAX);
            return None;
        };
        let Some((signed, width)) = parse_type(cmd.arg(i + 1)) else {
            out.w.err(BAD_TYPE);
            return None;
        };
        let Some(offset) = parse_offset(cmd.arg(i + 2), width) else {
            out.w.err(BAD_OFFSET);
            return None;
        };
        let mut arg = 0;
        if what != What::Get {
            let Some(v) = parse_ll(cmd.arg(i + 3)) else {
                out.w.err(NOT_INTEGER);
                return None;
            };
            arg = v;
        }
        fields.push(Field { what, signed, width, offset, arg, mode });
        i += if what == What::Get { 3 } else { 4 };
    }
    Some(fields)
}

pub fn bitfield(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    generic(m, cmd, cx, out, false)
}

pub fn bitfield_ro(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    generic(m, cmd, cx, out, true)
}

fn generic(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, ro: bool) {
    let Some(fields) = parse(cmd, out) else {
        return;
    };
    let (now, seq) = (cx.now_ms, m.seq);
    let db = m.db(cx);
    let key = cmd.arg(1);
    let writes: Vec<&Field> = fields.iter().filter(|f| f.what != What::Get).collect();
    if writes.is_empty() {
        let s: &[u8] = match db.get_str(key, now) {
            Err(WrongType) => return out.w.err(WRONGTYPE),
            Ok(Some(e)) if e.uncertain => return out.any(),
            Ok(Some(e)) => e.bytes(),
            Ok(None) => &[],
        };
        out.w.array(fields.len());
        for f in &fields {
            out.w.int(f.read(s) as i64);
        }
        return;
    }
    if ro {
        return out.w.err("ERR BITFIELD_RO only supports the GET subcommand");
    }
    // Bytes needed to hold the last bit any write reaches.
    let need = writes.iter().map(|f| ((f.offset + f.width as i64 - 1) / 8 + 1) as usize).max().unwrap_or(0);
    match db.get_str(key, now) {
        Err(WrongType) => return out.w.err(WRONGTYPE),
        Ok(None) => super::strings::set_key(db, key, Vec::new(), Enc::Raw, false, now, seq),
        Ok(Some(_)) => {}
    }
    let e = db.get_mut(key, now).expect("exists");
    let uncertain = e.uncertain;
    let (s, enc) = e.str_mut();
    *enc = Enc::Raw;
    if s.len() < need {
        s.resize(need, 0);
    }
    if uncertain {
        out.any();
    } else {
        out.w.array(fields.len());
    }
    for f in &fields {
        let old = f.read(s);
        let reply = match f.what {
            What::Get => Some(old),
            What::Set => {
                // An unsigned field takes the value as Redis's u64 cast does.
                let mut v = if !f.signed && f.arg < 0 { f.arg as i128 + (1i128 << 64) } else { f.arg as i128 };
                // Observed: a signed field narrower than 64 bits saturates
                // a value at or below i64::MIN + max to its maximum (Redis
                // computes max - value in wrapping 64-bit arithmetic).
                let (_, hi) = f.range();
                if f.signed && f.width < 64 && f.mode == Mode::Sat && v <= i64::MIN as i128 + hi {
                    v = hi + 1;
                }
                f.fit(v).map(|new| {
                    f.write(s, new);
                    old
                })
            }
            What::Incr => f.fit(old + f.arg as i128).inspect(|&new| f.write(s, new)),
        };
        if !uncertain {
            match reply {
                Some(v) => out.w.int(v as i64),
                None => out.w.nil(),
            }
        }
    }
}
