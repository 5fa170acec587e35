#!/usr/bin/env python3
"""Records INCRBYFLOAT replies from a real redis-server into golden.txt.

Usage: record_golden.py PORT > golden.txt   (Redis 7.0 on x86-64)

Each case is `SET k <old>` (or `DEL k` when old is absent) then
`INCRBYFLOAT k <incr>`; the reply is recorded byte for byte. The cases are
drawn from a fixed seed, so re-running gives the same file. Line format,
tab separated: old (`@` absent, else `=` + escaped bytes), incr (escaped),
reply (`+` bulk text or `!` error text). Bytes other than printable ASCII
(space, tab and backslash included) are written as `\\xHH`.
"""
import random
import socket
import sys

PORT = int(sys.argv[1])
rng = random.Random(20240707)


def esc(b: bytes) -> str:
    return "".join(chr(c) if 0x20 < c < 0x7F and c != 0x5C else "\\x%02x" % c for c in b)


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def send(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)

    def line(self):
        while b"\r\n" not in self.buf:
            self.buf += self.s.recv(1 << 16)
        l, self.buf = self.buf.split(b"\r\n", 1)
        return l

    def read(self):
        l = self.line()
        if l[:1] == b"$":
            n = int(l[1:])
            while len(self.buf) < n + 2:
                self.buf += self.s.recv(1 << 16)
            data, self.buf = self.buf[:n], self.buf[n + 2 :]
            return ("+", data)
        if l[:1] == b"-":
            return ("!", l[1:])
        return ("?", l)


cases = []  # (old or None, incr)


def add(old, incr):
    if isinstance(old, str):
        old = old.encode()
    if isinstance(incr, str):
        incr = incr.encode()
    cases.append((old, incr))


I64_MAX = 2**63 - 1

def rand_decimal(max_digits=25, exp_range=None):
    n = rng.randint(1, max_digits)
    digits = "".join(rng.choice("0123456789") for _ in range(n))
    point = rng.randint(0, n)
    s = digits[:point] + "." + digits[point:] if rng.random() < 0.8 else digits
    if s.startswith(".") and rng.random() < 0.5:
        s = "0" + s
    if exp_range:
        s += rng.choice("eE") + str(rng.randint(*exp_range))
    return rng.choice(["", "-", "+"] if rng.random() < 0.2 else ["", "-"]) + s


def rand_hex(max_digits=20, exp_range=(-100, 100)):
    n = rng.randint(1, max_digits)
    digits = "".join(rng.choice("0123456789abcdefABCDEF") for _ in range(n))
    point = rng.randint(0, n)
    s = digits[:point] + "." + digits[point:] if rng.random() < 0.5 else digits
    s = rng.choice(["0x", "0X"]) + s
    if rng.random() < 0.8:
        s += rng.choice("pP") + str(rng.randint(*exp_range))
    return rng.choice(["", "-"]) + s


# 1. Integers near the i64 limits and powers of two, with fractional increments.
for _ in range(400):
    base = rng.choice([I64_MAX, -I64_MAX, -I64_MAX - 1, 2**53, 2**63, 2**64, 2**62, 10**18, -(10**19)])
    old = str(base + rng.randint(-1000, 1000))
    incr = rng.choice(["0.5", "-0.5", "0.25", "0.1", "-0.1", "1", "-1", "0.75", "1.5", rand_decimal(6)])
    add(old, incr)
# 2. Decimals with many digits, with and without exponents.
for _ in range(800):
    add(rand_decimal(30) if rng.random() < 0.9 else None, rand_decimal(30))
for _ in range(500):
    add(rand_decimal(22, (-40, 40)), rand_decimal(22, (-40, 40)))
# 3. Ordinary short decimals (the common case).
for _ in range(500):
    add(rand_decimal(6), rand_decimal(6))
# 4. Hex floats.
for _ in range(300):
    add(rng.choice([None, rand_decimal(10), rand_hex()]), rand_hex())
for _ in range(60):
    add(None, rand_hex(30, (-16520, -16380)))
for _ in range(40):
    add(rand_hex(18, (16300, 16400)) if rng.random() < 0.5 else None, rand_hex(18, (16300, 16400)))
# 5. Tiny and huge magnitudes (huge results are ~4,900 bytes: keep few).
for _ in range(80):
    add(None, rand_decimal(25, (-4975, -4925)))
for _ in range(40):
    add(rand_decimal(10, (-4960, -4940)), rand_decimal(10, (-4960, -4940)))
for _ in range(25):
    add(rand_decimal(25, (4925, 4934)) if rng.random() < 0.5 else None, rand_decimal(25, (4925, 4934)))
for m in ["1.18973149535723176502", "1.18973149535723176503", "1.18973149535723176508", "1.189731495357231765085759"]:
    add(None, m + "e4932")
    add("-" + m + "e4932", "-1e4913")
add(None, "0x1.fffffffffffffffep16383")
add(None, "0x1.ffffffffffffffffp16383")
add("0x1.fffffffffffffffep16383", "0x1p16319")
add("0x1.fffffffffffffffep16383", "0x1p16318")
add("0x1.fffffffffffffffep16383", "0x1.0000000000001p16318")
for e in range(-16448, -16440):
    for m in ["1", "1.8", "1.4", "1.0000001", "3"]:
        add(None, "0x%sp%d" % (m, e))
for t in ["3.6451995318824746025e-4951", "1.8225997659412373012e-4951", "1.8225997659412373013e-4951",
          "1.822599765941237301e-4951", "3.3621031431120935063e-4932", "1e-4951", "2e-4951", "5e-4951"]:
    add(None, t)
    add(None, "-" + t)
# 6. Exact ties when printing 17 decimals (k * 2^-n).
for _ in range(200):
    n = rng.randint(18, 70)
    k = rng.randint(1, 2**20) | 1
    add(rng.choice([None, "0", str(rng.randint(-10**6, 10**6))]), "0x%xp-%d" % (k, n))
# 7. Chains: a value incremented repeatedly, as applications do.
for _ in range(60):
    old = rand_decimal(8)
    step = rand_decimal(5)
    for _ in range(8):
        cases.append((old.encode() if isinstance(old, str) else old, step.encode()))
        old = "CHAIN"
# 8. Grammar: what strtold and Redis refuse or accept.
specials = [
    "", " 1", "\t1", "\n1", "\x0b1", "\x0c1", "\r1", "1 ", "1\t", "1\x00", "1\x002", "\x001", "1e", "1e+", "1e-",
    "e5", ".", "-.", "+.", ".e1", "1.e1", ".5e-1", "1..2", "1.2.3", "--1", "+-1", "-+1", "++1", "0x", "0X",
    "0x.", "0x.p1", "0xp3", "0x1p", "0x1p+", "0x1p-", "0x1.8", "0x.8", "0x1P3", "0x1p3.5", "0xg", "0x1e3",
    "-0x1.8p1", "+0x10", "0x-1", "inf", "-inf", "+inf", "INF", "Inf", "infinity", "-Infinity", "INFINITY",
    "infin", "infinit", "infinityx", "nan", "-nan", "NaN", "nan(1)", "nan()", "nanx", "1,5", "1_000", "١",
    "\xc2\xa01", "0", "-0", "+0", "0.0", "-0.0", "00000", "-0e999999999", "0e-999999999", "0x0p-99999",
    "0x0p99999", "1e99999999999999999999", "1e-99999999999999999999", "1e0000000000000000000000000005",
    "0x1p00000000000000000000000000000003", "1e4933", "1e4932", "1e-4950", "5e-324", "1e-400", "1e400",
    "123456789012345678901234567890", "0.1", "0.2", "0.3", "1e-17", "5e-18", "4.9e-18", "5.1e-18", "-5e-18",
    "1.5e-17", "2.5e-17", "9223372036854775807", "9223372036854775808", "18446744073709551615",
    "18446744073709551616", "18446744073709551617", "36893488147419103231", "0.30000000000000000001",
    "1\r\n", "1\n", "0x1.8p1 ", "1e5\x00", "\xff", "1\xff", "true",
]
for sp in specials:
    add(None, sp)
    add(sp, "1")
    add(sp, "0.5")
# 9. Long texts: the 5 KB bound and long digit strings.
for n in [5117, 5118, 5119, 5120, 5121, 6000]:
    add(None, "1" + "0" * (n - 1))
    add(None, "0." + "0" * (n - 3) + "1")
    add("0." + "3" * (n - 2), "1")
for _ in range(30):
    n = rng.randint(100, 5100)
    add(rng.choice([None, "1", "0.5"]), "".join(rng.choice("0123456789") for _ in range(n)) + "e-" + str(n + rng.randint(-30, 30)))
for _ in range(20):
    n = rng.randint(100, 5000)
    add(None, "0." + "".join(rng.choice("0123456789") for _ in range(n)))
    add(None, "0x1." + "".join(rng.choice("0123456789abcdef") for _ in range(n)) + "p-3")

conn = Conn(PORT)
prev = None
print("# INCRBYFLOAT golden cases recorded from redis-server 7.0 (x86-64) by record_golden.py.")
for old, incr in cases:
    if old == b"CHAIN":
        old = prev
    if old is None:
        conn.send(b"DEL", b"k")
    else:
        conn.send(b"SET", b"k", old)
    conn.read()
    conn.send(b"INCRBYFLOAT", b"k", incr)
    kind, text = conn.read()
    assert kind in "+!", (old, incr, kind, text)
    prev = text if kind == "+" else old
    print("\t".join(["@" if old is None else "=" + esc(old), esc(incr), kind + esc(text)]))
