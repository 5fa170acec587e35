#!/usr/bin/env python3
"""Generates engine/src/cmd/defs.rs from a running Redis 7.0's own metadata.

Redis's COMMAND INFO and COMMAND DOCS are the specification of every
command's arity, flags, key positions, key specs and documentation; copying
them as data (instead of retyping them) is what keeps our COMMAND replies and
arity checks identical to Redis's.

Usage: gen_defs.py PORT > engine/src/cmd/defs.rs
"""
import socket
import sys

# Every command we implement, with the subcommands we implement.
COMMANDS = {
    # connection
    "ping": [], "echo": [], "quit": [], "select": [], "hello": [], "reset": [],
    "client": ["id", "setname", "getname", "list", "info", "help"],
    # keyspace
    "swapdb": [], "dbsize": [], "flushdb": [], "flushall": [], "del": [], "unlink": [], "exists": [],
    "type": [], "rename": [], "renamenx": [], "move": [], "copy": [], "keys": [], "scan": [],
    "randomkey": [], "touch": [], "expire": [], "pexpire": [], "expireat": [], "pexpireat": [],
    "ttl": [], "pttl": [], "expiretime": [], "pexpiretime": [], "persist": [],
    "object": ["encoding", "freq", "idletime", "refcount", "help"],
    # strings
    "get": [], "set": [], "setnx": [], "setex": [], "psetex": [], "getset": [], "getdel": [], "getex": [],
    "mget": [], "mset": [], "msetnx": [], "append": [], "strlen": [], "incr": [], "decr": [], "incrby": [],
    "decrby": [], "incrbyfloat": [], "getrange": [], "setrange": [], "substr": [], "lcs": [],
    "setbit": [], "getbit": [], "bitcount": [], "bitpos": [],
    # server
    "time": [], "info": [], "shutdown": [],
    "config": ["get", "set", "resetstat", "help"],
    "command": ["count", "info", "docs", "help", "list", "getkeys"],
}


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def _line(self):
        while b"\r\n" not in self.buf:
            self.buf += self.s.recv(1 << 16)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            self.buf += self.s.recv(1 << 16)
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return ("status", rest.decode())
        if t == b"-":
            raise RuntimeError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n).decode()
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RuntimeError("bad reply %r" % line)

    def call(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)
        return self.read()


def s(v):
    """A status reply's text, or a bulk string."""
    return v[1] if isinstance(v, tuple) else v


def pairs(flat):
    return {flat[i]: flat[i + 1] for i in range(0, len(flat), 2)}


def rs(v):
    if v is None:
        return "None"
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def opt(v):
    return "None" if v is None else "Some(%s)" % rs(v)


def strs(vs):
    return "&[" + ", ".join(rs(s(v)) for v in vs) + "]"


FLAG_CONST = {
    "write": "WRITE", "readonly": "READONLY", "denyoom": "DENYOOM", "module": "MODULE", "admin": "ADMIN",
    "pubsub": "PUBSUB", "noscript": "NOSCRIPT", "blocking": "BLOCKING", "loading": "LOADING", "stale": "STALE",
    "skip_monitor": "SKIP_MONITOR", "skip_slowlog": "SKIP_SLOWLOG", "asking": "ASKING", "fast": "FAST",
    "no_auth": "NO_AUTH", "may_replicate": "MAY_REPLICATE", "sentinel": "SENTINEL",
    "only_sentinel": "ONLY_SENTINEL", "no_mandatory_keys": "NO_MANDATORY_KEYS", "protected": "PROTECTED",
    "no_async_loading": "NO_ASYNC_LOADING", "no_multi": "NO_MULTI", "movablekeys": "MOVABLEKEYS",
    "allow_busy": "ALLOW_BUSY",
}


def key_spec(flat):
    m = pairs(flat)
    bs = pairs(m["begin_search"])
    bspec = pairs(bs["spec"]) if bs["spec"] else {}
    if bs["type"] == "index":
        begin = "BeginSearch::Index(%d)" % bspec["index"]
    elif bs["type"] == "keyword":
        begin = "BeginSearch::Keyword { keyword: %s, startfrom: %d }" % (rs(bspec["keyword"]), bspec["startfrom"])
    else:
        begin = "BeginSearch::Unknown"
    fk = pairs(m["find_keys"])
    fspec = pairs(fk["spec"]) if fk["spec"] else {}
    if fk["type"] == "range":
        find = "FindKeys::Range { lastkey: %d, keystep: %d, limit: %d }" % (
            fspec["lastkey"], fspec["keystep"], fspec["limit"])
    elif fk["type"] == "keynum":
        find = "FindKeys::Keynum { keynumidx: %d, firstkey: %d, keystep: %d }" % (
            fspec["keynumidx"], fspec["firstkey"], fspec["keystep"])
    else:
        find = "FindKeys::Unknown"
    return "KeySpec { notes: %s, flags: %s, begin_search: %s, find_keys: %s }" % (
        opt(m.get("notes")), strs(m["flags"]), begin, find)


def arg(flat, indent):
    m = pairs(flat)
    sub = ", ".join(arg(a, indent) for a in m.get("arguments", []))
    return ("Arg { name: %s, kind: %s, display_text: %s, key_spec_index: %s, token: %s, summary: %s, "
            "since: %s, deprecated_since: %s, flags: %s, arguments: &[%s] }") % (
        rs(m["name"]), rs(m["type"]), opt(m.get("display_text")),
        "None" if "key_spec_index" not in m else "Some(%d)" % m["key_spec_index"],
        opt(m.get("token")), opt(m.get("summary")), opt(m.get("since")), opt(m.get("deprecated_since")),
        strs(m.get("flags", [])), sub)


def docs(flat):
    m = pairs(flat)
    history = ", ".join("(%s, %s)" % (rs(h[0]), rs(h[1])) for h in m.get("history", []))
    args = ", ".join(arg(a, 2) for a in m.get("arguments", []))
    return ("Docs { summary: %s, since: %s, group: %s, complexity: %s, doc_flags: %s, deprecated_since: %s, "
            "replaced_by: %s, history: &[%s], arguments: &[%s] }") % (
        rs(m["summary"]), rs(m["since"]), rs(m["group"]), opt(m.get("complexity")), strs(m.get("doc_flags", [])),
        opt(m.get("deprecated_since")), opt(m.get("replaced_by")), history, args)


def command(info, doc, wanted_subs, all_sub_docs):
    name, arity, flags, first, last, step, acl, tips, specs, subs = info
    short = name.split("|")[-1]
    flag_expr = " | ".join(FLAG_CONST[s(f)] for f in flags) or "0"
    sub_rows = []
    by_name = {sub[0].split("|")[1]: sub for sub in subs}
    for w in wanted_subs:
        sub = by_name[w]
        sub_rows.append(command(sub, all_sub_docs[sub[0]], [], {}))
    return ("CommandDef { name: %s, arity: %d, flags: %s, first_key: %d, last_key: %d, key_step: %d, "
            "acl_categories: %s, tips: %s, key_specs: &[%s], subcommands: &[%s], docs: %s }") % (
        rs(short), arity, flag_expr, first, last, step, strs(acl), strs(tips),
        ", ".join(key_spec(k) for k in specs), ", ".join(sub_rows), docs(doc))


def main():
    c = Conn(int(sys.argv[1]))
    names = sorted(COMMANDS)
    infos = c.call("COMMAND", "INFO", *names)
    docs_flat = pairs(c.call("COMMAND", "DOCS", *names))
    out = ["//! The command rows: Redis 7.0's own metadata for every command we implement.",
           "//!",
           "//! GENERATED by `engine/tools/gen_defs.py` from a running Redis 7.0's COMMAND INFO and",
           "//! COMMAND DOCS; do not edit by hand. To add a command, add it to the script's list,",
           "//! regenerate, and write its handler.",
           "",
           "use super::table::flag::*;",
           "use super::table::*;",
           "",
           "pub static COMMANDS: &[CommandDef] = &["]
    for name, info in zip(names, infos):
        assert info is not None, name
        d = docs_flat[name]
        sub_docs = pairs(pairs(d).get("subcommands", []))
        out.append("    " + command(info, d, COMMANDS[name], sub_docs) + ",")
    out.append("];")
    print("\n".join(out))


main()
