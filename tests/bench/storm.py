#!/usr/bin/env python3
"""Connection storm: opens N connections to a server at once, sends PING on
each as soon as it connects, and reports how long until every one has its
PONG. Run by bench.sh against ours and redis-server in the same run.

    storm.py PORT [N]     prints: connections=N seconds=S refused=R

A connection the server refuses or resets counts as refused (the figure is
then not comparable; the caller prints it). Needs `ulimit -n` above N.
"""
import errno
import selectors
import socket
import sys
import time


def storm(port: int, n: int, timeout_s: float = 60.0):
    sel = selectors.DefaultSelector()
    started = time.monotonic()
    socks = []
    refused = 0
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        err = s.connect_ex(("127.0.0.1", port))
        if err not in (0, errno.EINPROGRESS):
            refused += 1
            s.close()
            continue
        socks.append(s)
        sel.register(s, selectors.EVENT_WRITE, b"")
    waiting = len(socks)
    deadline = started + timeout_s
    while waiting and time.monotonic() < deadline:
        for key, mask in sel.select(timeout=1.0):
            s = key.fileobj
            if mask & selectors.EVENT_WRITE:
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                    refused += 1
                    waiting -= 1
                    sel.unregister(s)
                    continue
                try:
                    s.send(b"PING\r\n")
                except OSError:
                    refused += 1
                    waiting -= 1
                    sel.unregister(s)
                    continue
                sel.modify(s, selectors.EVENT_READ, b"")
            elif mask & selectors.EVENT_READ:
                try:
                    got = key.data + s.recv(64)
                except OSError:
                    got = b""
                if not got:
                    refused += 1
                    waiting -= 1
                    sel.unregister(s)
                elif got.endswith(b"\r\n"):
                    waiting -= 1
                    sel.unregister(s)
                else:
                    sel.modify(s, selectors.EVENT_READ, got)
    seconds = time.monotonic() - started
    for s in socks:
        s.close()
    return seconds, refused + waiting


def main():
    port = int(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    seconds, refused = storm(port, n)
    print(f"connections={n} seconds={seconds:.3f} refused={refused}")


if __name__ == "__main__":
    main()
