#!/usr/bin/env python3
"""Does freed memory go back to the OS? Resident memory (VmRSS) of
redis-server and of each ferrodis-server binary given, in the same run:

1. SET of a 100 MB value, then DEL: RSS right after, and 3 s later.
2. A client pipelines GETs of a 1 MB value (20,000 by default) without
   reading, for 2 s, then disconnects: RSS every 0.5 s for 8 s after.

Usage: tests/bench/memory_return.py FERRODIS_BIN [FERRODIS_BIN ...] [-- ARGS]
       (ARGS go to every ferrodis-server, e.g. -- --io-threads 2)
Environment: MEMORY_RETURN_GETS=N (default 20000). The pipelined GETs can
make a server hold several GB for a few seconds (Redis too): run it on a
machine with room.
"""
import os
import re
import socket
import subprocess
import sys
import time


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return -1


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_ready(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"no server on port {port}")


def start_ferrodis(binary, args):
    p = subprocess.Popen([binary, "--port", "0", "--save", "", "--appendonly", "no"] + args,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in p.stdout:
        m = re.search(r"port=(\d+)", line)
        if m:
            port = int(m.group(1))
            wait_ready(port)
            return p, port
    raise SystemExit(f"{binary} did not log its port")


def start_redis():
    port = free_port()
    p = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ready(port)
    return p, port


def command(sock, *args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    sock.sendall(out)


def reply(f):
    line = f.readline()
    if line[:1] == b"$" and int(line[1:]) >= 0:
        return f.read(int(line[1:]) + 2)[:-2]
    return line.rstrip()


def info_memory(sock, f):
    command(sock, "INFO", "memory")
    fields = dict(l.split(":", 1) for l in reply(f).decode().split("\r\n") if ":" in l)
    return "INFO used_memory=%.1fMB used_memory_rss=%.1fMB mem_fragmentation_ratio=%s" % (
        int(fields["used_memory"]) / 2**20, int(fields["used_memory_rss"]) / 2**20,
        fields["mem_fragmentation_ratio"])


def run(name, proc, port, gets):
    pid = proc.pid
    s = socket.create_connection(("127.0.0.1", port))
    f = s.makefile("rb")
    start = rss_mb(pid)
    command(s, "SET", "big", b"x" * 100_000_000)
    reply(f)
    with_value = rss_mb(pid)
    command(s, "DEL", "big")
    reply(f)
    del_now = rss_mb(pid)
    time.sleep(3)
    del_3s = rss_mb(pid)
    print(f"{name}: 100 MB SET+DEL: start {start} MB, with value {with_value} MB, "
          f"after DEL {del_now} MB, 3 s later {del_3s} MB; {info_memory(s, f)}", flush=True)
    command(s, "SET", "m", b"y" * 1_000_000)
    reply(f)
    greedy = socket.create_connection(("127.0.0.1", port))
    greedy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    greedy.setblocking(False)
    request = b"*2\r\n$3\r\nGET\r\n$1\r\nm\r\n" * gets
    sent, until = 0, time.time() + 2
    while time.time() < until:
        if sent < len(request):
            try:
                sent += greedy.send(request[sent:])
            except BlockingIOError:
                pass
        time.sleep(0.01)
    before_close = rss_mb(pid)
    greedy.close()
    series = []
    for _ in range(16):
        time.sleep(0.5)
        series.append(rss_mb(pid))
    print(f"{name}: {gets} pipelined GETs of 1 MB, unread: {before_close} MB at disconnect, "
          f"then every 0.5 s: {series}; {info_memory(s, f)}", flush=True)
    s.close()


def main():
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    bins = argv[:argv.index("--")] if "--" in argv else argv
    if not bins:
        raise SystemExit(__doc__)
    gets = int(os.environ.get("MEMORY_RETURN_GETS", "20000"))
    p, port = start_redis()
    try:
        run("redis-server", p, port, gets)
    finally:
        p.kill()
    for b in bins:
        p, port = start_ferrodis(b, extra)
        try:
            run(os.path.basename(b), p, port, gets)
        finally:
            p.kill()


if __name__ == "__main__":
    main()
