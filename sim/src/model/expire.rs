//! EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX XX GT LT), TTL PTTL EXPIRETIME
//! PEXPIRETIME, PERSIST.

use super::{eq_ic, int_arg, Exec, Model, Out};
use crate::cmd::Cmd;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Seconds,
    Millis,
}

/// Redis `expireGenericCommand`: flags first, then the time, then the key.
fn expire_generic(
    m: &mut Model,
    cmd: &Cmd,
    cx: &mut Exec<'_>,
    out: &mut Out<'_>,
    name: &[u8],
    base_ms: i64,
    unit: Unit,
) {
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    for j in 3..cmd.argc() {
        let opt = cmd.arg(j);
        if eq_ic(opt, "nx") {
            nx = true;
        } else if eq_ic(opt, "xx") {
            xx = true;
        } else if eq_ic(opt, "gt") {
            gt = true;
        } else if eq_ic(opt, "lt") {
            lt = true;
        } else {
            return out.w.err_parts(&[b"ERR Unsupported option ", opt]);
        }
    }
    if nx && (xx || gt || lt) {
        return out.w.err("ERR NX and XX, GT or LT options at the same time are not compatible");
    }
    if gt && lt {
        return out.w.err("ERR GT and LT options at the same time are not compatible");
    }
    let Some(mut when) = int_arg(cmd, 2, out) else {
        return;
    };
    let invalid = |out: &mut Out<'_>| out.w.err_parts(&[b"ERR invalid expire time in '", name, b"' command"]);
    if unit == Unit::Seconds {
        if !(i64::MIN / 1000..=i64::MAX / 1000).contains(&when) {
            return invalid(out);
        }
        when *= 1000;
    }
    if when > i64::MAX - base_ms {
        return invalid(out);
    }
    when += base_ms;
    let now = cx.now_ms;
    let db = m.db(cx);
    let key = cmd.arg(1);
    let Some(e) = db.get_mut(key, now) else {
        return out.w.int(0);
    };
    let current = e.expire_ms;
    let refused = (nx && current.is_some())
        || (xx && current.is_none())
        || (gt && current.is_none_or(|c| when <= c))
        || (lt && current.is_some_and(|c| when >= c));
    if refused {
        return out.w.int(0);
    }
    if when <= now {
        db.map.remove(key);
    } else {
        e.expire_ms = Some(when);
    }
    out.w.int(1);
}

pub fn expire(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    expire_generic(m, cmd, cx, out, b"expire", now, Unit::Seconds)
}

pub fn pexpire(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    expire_generic(m, cmd, cx, out, b"pexpire", now, Unit::Millis)
}

pub fn expireat(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    expire_generic(m, cmd, cx, out, b"expireat", 0, Unit::Seconds)
}

pub fn pexpireat(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    expire_generic(m, cmd, cx, out, b"pexpireat", 0, Unit::Millis)
}

/// Redis `ttlGenericCommand`.
fn ttl_generic(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>, ms: bool, absolute: bool) {
    let now = cx.now_ms;
    out.time_sensitive = true;
    let Some(e) = m.db(cx).get(cmd.arg(1), now) else {
        return out.w.int(-2);
    };
    let Some(at) = e.expire_ms else {
        return out.w.int(-1);
    };
    let t = if absolute { at } else { (at - now).max(0) };
    out.w.int(if ms { t } else { (t + 500) / 1000 });
}

pub fn ttl(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    ttl_generic(m, cmd, cx, out, false, false)
}

pub fn pttl(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    ttl_generic(m, cmd, cx, out, true, false)
}

pub fn expiretime(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    ttl_generic(m, cmd, cx, out, false, true)
}

pub fn pexpiretime(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    ttl_generic(m, cmd, cx, out, true, true)
}

pub fn persist(m: &mut Model, cmd: &Cmd, cx: &mut Exec<'_>, out: &mut Out<'_>) {
    let now = cx.now_ms;
    let had = m.db(cx).get_mut(cmd.arg(1), now).and_then(|e| e.expire_ms.take()).is_some();
    out.w.int(had as i64);
}
