"""redis-py speaking RESP3 (`protocol=3`): the handshake, then the reply
types it decodes natively (maps, sets, doubles, nulls, verbatim text,
[member, score] pairs), and a RESP2 connection beside it unchanged."""
import os

import redis

port = int(os.environ["FERRODIS_PORT"])
r = redis.Redis(port=port, protocol=3)
assert r.ping() is True

hello = r.execute_command("HELLO")
assert isinstance(hello, dict), hello
assert hello[b"proto"] == 3 and hello[b"server"] == b"redis", hello
assert b"resp=3" in r.execute_command("CLIENT", "INFO"), "CLIENT INFO shows the protocol"

# Nulls
assert r.get("missing") is None
assert r.hget("missing", "f") is None
assert r.lpop("missing", 2) is None
assert r.zscore("missing", "m") is None
assert r.blpop(["missing"], timeout=0.05) is None

# Maps
assert r.hset("h", mapping={"a": "1", "b": "2"}) == 2
assert r.hgetall("h") == {b"a": b"1", b"b": b"2"}
assert r.hgetall("missing") == {}
assert r.config_get("databases") == {"databases": "16"}

# Sets
assert r.sadd("s", "x", "y", "z") == 3
assert r.smembers("s") == {b"x", b"y", b"z"}
assert r.sinter("s", "missing") == set()
assert r.sunion("s") == {b"x", b"y", b"z"}

# Doubles and scored pairs
assert r.zadd("z", {"a": 1.5, "b": 2, "c": 3}) == 3
assert r.zscore("z", "a") == 1.5
assert r.zincrby("z", 0.25, "b") == 2.25
assert r.zadd("z", {"a": 1}, incr=True) == 2.5
assert r.zmscore("z", ["a", "nope", "c"]) == [2.5, None, 3.0]
ranged = r.zrange("z", 0, -1, withscores=True)
assert [(bytes(m), float(s)) for m, s in ranged] == [(b"b", 2.25), (b"a", 2.5), (b"c", 3.0)], ranged
popped = r.zpopmin("z", 1)
assert [(bytes(m), float(s)) for m, s in popped] == [(b"b", 2.25)], popped
assert r.bzpopmin(["z"], timeout=1) == [b"z", b"a", 2.5]
assert r.zrange("z", 0, -1, withscores=True) == [[b"c", 3.0]]

# Verbatim text
info = r.info("server")
assert isinstance(info, dict) and "redis_version" in info, info
assert isinstance(r.client_list(), list)

# A RESP2 client on the same server sees RESP2 replies.
r2 = redis.Redis(port=port)
assert r2.zscore("z", "c") == 3.0
assert r2.hgetall("h") == {b"a": b"1", b"b": b"2"}
assert b"resp=2" in r2.execute_command("CLIENT", "INFO")

# RESET takes the connection back to RESP2 (checked on the wire: the
# client library keeps its RESP3 parser, which reads RESP2 too).
conn = r.connection_pool.get_connection("RESET")
conn.send_command("RESET")
assert conn.read_response() in (b"RESET", "RESET")
conn.send_command("CLIENT", "INFO")
assert b"resp=2" in conn.read_response()
conn.send_command("HELLO", "3")
assert conn.read_response()[b"proto"] == 3
r.connection_pool.release(conn)

r.flushall()
print("ok")
