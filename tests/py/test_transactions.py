"""redis-py's transactions: pipeline(transaction=True), WATCH with the
WatchError retry loop against a second client's writes, queue-time and
run-time errors, DISCARD via reset()."""
import os
import time

import redis

port = int(os.environ["FERRODIS_PORT"])
r = redis.Redis(port=port)
other = redis.Redis(port=port)
r.flushall()

# A plain transaction: one reply per command, in order.
pipe = r.pipeline(transaction=True)
pipe.set("a", 1).incr("a").get("a").lpush("l", "x", "y").lrange("l", 0, -1)
assert pipe.execute() == [True, 2, b"2", 2, [b"y", b"x"]]

# A run-time error does not roll back: the other commands ran.
r.set("s", "abc")
pipe = r.pipeline(transaction=True)
pipe.incr("s").set("after", "yes")
results = pipe.execute(raise_on_error=False)
assert isinstance(results[0], redis.ResponseError), results
assert results[1] is True
assert r.get("after") == b"yes"
try:
    r.pipeline(transaction=True).incr("s").set("after2", "1").execute()
    raise AssertionError("the run-time error was not raised")
except redis.ResponseError as e:
    assert "not an integer" in str(e), e
assert r.get("after2") == b"1"

# A queue-time error aborts the whole transaction (EXECABORT).
pipe = r.pipeline(transaction=True)
pipe.set("never", 1).execute_command("NOSUCHCOMMAND", "x")
try:
    pipe.execute()
    raise AssertionError("EXECABORT was not raised")
except redis.exceptions.ExecAbortError:
    pass
except redis.ResponseError as e:
    assert "EXECABORT" in str(e) or "unknown command" in str(e), e
assert r.exists("never") == 0


# WATCH: a retry loop that loses its first round to another client.
def increment(key, interfere):
    rounds = 0
    with r.pipeline() as p:
        while True:
            try:
                p.watch(key)
                current = int(p.get(key) or 0)
                rounds += 1
                if interfere and rounds == 1:
                    other.incrby(key, 100)
                p.multi()
                p.set(key, current + 1)
                p.execute()
                return rounds
            except redis.WatchError:
                continue


r.set("counter", 0)
assert increment("counter", interfere=True) == 2
assert r.get("counter") == b"101"
assert increment("counter", interfere=False) == 1
assert r.get("counter") == b"102"

# transaction() helper: the same loop, with a write racing through it.
calls = []


def body(p):
    value = int(p.get("counter"))
    calls.append(value)
    if len(calls) == 1:
        other.set("counter", 500)
    p.multi()
    p.set("counter", value * 2)


r.transaction(body, "counter")
assert calls == [102, 500], calls
assert r.get("counter") == b"1000"

# A watched key that expires before EXEC makes it fail.
r.set("tmp", 1, px=100)
with r.pipeline() as p:
    p.watch("tmp")
    time.sleep(0.25)
    p.multi()
    p.set("x", 1)
    try:
        p.execute()
        raise AssertionError("an expired watched key did not fail EXEC")
    except redis.WatchError:
        pass

# reset() after multi() sends DISCARD; nothing ran.
with r.pipeline() as p:
    p.multi()
    p.set("discarded", 1)
    p.reset()
assert r.exists("discarded") == 0
# The raw replies on one connection.
conn = r.connection_pool.get_connection("MULTI")
for command, reply in [(("MULTI",), b"OK"), (("SET", "raw", "1"), b"QUEUED"), (("DISCARD",), b"OK")]:
    conn.send_command(*command)
    assert conn.read_response() == reply, command
r.connection_pool.release(conn)
assert r.exists("raw") == 0
print("ok")
