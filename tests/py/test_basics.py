"""redis-py's everyday calls: strings, expiry, a hash, a pipeline."""
import os

import redis

r = redis.Redis(port=int(os.environ["FERRODIS_PORT"]))
assert r.ping() is True
assert r.set("greeting", "hello") is True
assert r.get("greeting") == b"hello"
assert r.set("greeting", "again", nx=True) is None
assert r.incrby("counter", 5) == 5
assert r.expire("counter", 100) is True
assert 0 < r.ttl("counter") <= 100
assert r.hset("h", mapping={"a": "1", "b": "2"}) == 2
assert r.hgetall("h") == {b"a": b"1", b"b": b"2"}
pipe = r.pipeline(transaction=False)
pipe.set("p", 1).incr("p").get("p")
assert pipe.execute() == [True, 2, b"2"]
assert r.delete("greeting", "counter", "h", "p", "nope") == 4
print("ok")
