#!/usr/bin/env python3
"""Prints command-table rows and COMMAND DOCS text for commands, read from a
running Redis 7.0, in the form engine/src/cmd/rows.rs and
engine/src/cmd/docs/<group>.rs are written in. An optional helper for adding
commands: paste its output, run `cargo fmt`, and review it. The table itself
is plain source and never needs this script.

Usage: row_from_redis.py PORT NAME [NAME ...]
       NAME is a command ("lpush") or a container with the subcommands to
       include ("client:id,setname").
"""
import socket
import sys


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
            return rest.decode()
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


def pairs(flat):
    return {flat[i]: flat[i + 1] for i in range(0, len(flat), 2)}


def lit(s):
    """A Rust string literal; long ones are wrapped with `\\` continuations."""
    esc = '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    inner, width = esc[1:-1], 88
    if len(inner) <= width:
        return esc
    out, start = '"', 0
    while len(inner) - start > width:
        cut = next((i for i in range(min(start + width, len(inner) - 1) - 1, start + 19, -1)
                    if inner[i] == " " and inner[i + 1] not in " \t\n"), None)
        if cut is None:
            break
        out += inner[start:cut + 1] + "\\\n        "
        start = cut + 1
    return out + inner[start:] + '"'


def strs(vs):
    return "&[" + ", ".join(lit(v) for v in vs) + "]"


FLAGS = ["write", "readonly", "denyoom", "module", "admin", "pubsub", "noscript", "blocking", "loading", "stale",
         "skip_monitor", "skip_slowlog", "asking", "fast", "no_auth", "may_replicate", "sentinel", "only_sentinel",
         "no_mandatory_keys", "protected", "no_async_loading", "no_multi", "movablekeys", "allow_busy"]


def key_spec(flat):
    m = pairs(flat)
    bs, fk = pairs(m["begin_search"]), pairs(m["find_keys"])
    bspec = pairs(bs["spec"]) if bs["spec"] else {}
    fspec = pairs(fk["spec"]) if fk["spec"] else {}
    if bs["type"] == "index":
        out = "KeySpec::index(%d, %s)" % (bspec["index"], strs(m["flags"]))
    elif bs["type"] == "keyword":
        out = "KeySpec::keyword(%s, %d, %s)" % (lit(bspec["keyword"]), bspec["startfrom"], strs(m["flags"]))
    else:
        raise SystemExit("begin_search %r: write this key spec by hand" % bs["type"])
    if fk["type"] == "range":
        if (fspec["lastkey"], fspec["keystep"], fspec["limit"]) != (0, 1, 0):
            out += ".range(%d, %d, %d)" % (fspec["lastkey"], fspec["keystep"], fspec["limit"])
    elif fk["type"] == "keynum":
        out += ".keynum(%d, %d, %d)" % (fspec["keynumidx"], fspec["firstkey"], fspec["keystep"])
    else:
        raise SystemExit("find_keys %r: write this key spec by hand" % fk["type"])
    if "notes" in m:
        out += ".notes(%s)" % lit(m["notes"])
    return out


def arg(flat):
    m = pairs(flat)
    kind, name = m["type"], lit(m["name"])
    if kind == "key":
        out = "Arg::key(%s, %d)" % (name, m["key_spec_index"])
    elif kind == "pure-token":
        out = "Arg::pure_token(%s, %s)" % (name, lit(m["token"]))
    elif kind in ("oneof", "block"):
        out = "Arg::%s(%s, &[%s])" % (kind, name, ", ".join(arg(a) for a in m["arguments"]))
    else:
        out = "Arg::%s(%s)" % (kind.replace("-", "_"), name)
    if "token" in m and kind != "pure-token":
        out += ".token(%s)" % lit(m["token"])
    for f in ("optional", "multiple", "multiple_token"):
        if f in m.get("flags", []):
            out += ".%s()" % f
    for field, method in (("since", "since"), ("summary", "summary"), ("deprecated_since", "deprecated_since"),
                          ("display_text", "display_text")):
        if field in m:
            out += ".%s(%s)" % (method, lit(m[field]))
    return out


def docs(static, flat):
    m = pairs(flat)
    out = "pub static %s: Docs = Docs::new(%s, %s, %s)" % (static, lit(m["summary"]), lit(m["since"]), lit(m["group"]))
    if "complexity" in m:
        out += "\n    .complexity(%s)" % lit(m["complexity"])
    if m.get("doc_flags"):
        out += "\n    .doc_flags(%s)" % strs(m["doc_flags"])
    if "deprecated_since" in m:
        out += "\n    .deprecated(%s, %s)" % (lit(m["deprecated_since"]), lit(m["replaced_by"]))
    if m.get("history"):
        out += "\n    .history(&[%s])" % ", ".join("(%s, %s)" % (lit(v), lit(w)) for v, w in m["history"])
    if m.get("arguments"):
        out += "\n    .args(&[%s])" % ", ".join(arg(a) for a in m["arguments"])
    return out + ";"


def row(info, docs_path, subs_static=None):
    name, arity, flags, first, last, step, acl, tips, specs = info[:9]
    out = "row(%s, %d, %s, (%d, %d, %d), %s)" % (
        lit(name.split("|")[-1]), arity, " | ".join(f.upper() for f in FLAGS if f in flags) or "NONE",
        first, last, step, strs(acl))
    if tips:
        out += ".tips(%s)" % strs(tips)
    if specs:
        out += ".key_specs(&[%s])" % ", ".join(key_spec(k) for k in specs)
    if subs_static:
        out += ".subcommands(%s)" % subs_static
    return out + ".docs(&%s)," % docs_path


def main():
    c = Conn(int(sys.argv[1]))
    for spec in sys.argv[2:]:
        name, _, subs = spec.partition(":")
        info = c.call("COMMAND", "INFO", name)[0]
        if info is None:
            raise SystemExit("no command %s" % name)
        doc = pairs(c.call("COMMAND", "DOCS", name))[name]
        group, up = pairs(doc)["group"], name.upper().replace("-", "_")
        subs_static = "%s_SUBCOMMANDS" % up if subs else None
        print("// rows.rs, COMMANDS (keep it alphabetical):")
        print(row(info, "%s::%s" % (group, up), subs_static))
        if subs:
            by_name = {s[0].split("|")[1]: s for s in info[9]}
            sub_docs = pairs(pairs(doc)["subcommands"])
            print("// rows.rs:")
            print("static %s: &[CommandDef] = &[" % subs_static)
            for s in subs.split(","):
                sdoc = pairs(sub_docs[by_name[s][0]])
                print("    " + row(by_name[s], "%s::%s_%s" % (sdoc["group"], up, s.upper())))
            print("];")
        print("// docs/%s.rs:" % group)
        print(docs(up, doc))
        for s in subs.split(",") if subs else []:
            sflat = sub_docs[by_name[s][0]]
            print("// docs/%s.rs:" % pairs(sflat)["group"])
            print(docs("%s_%s" % (up, s.upper()), sflat))


main()
