"""redis-py's pub/sub API, unmodified: PubSub.get_message, listen,
pattern and shard subscriptions, message handlers, numsub/numpat and
the unsubscribe-all forms."""
import os
import time

import redis

port = int(os.environ["FERRODIS_PORT"])
r = redis.Redis(port=port)


def next_message(p, timeout=2.0):
    """The next message (not None), waiting at most `timeout` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = p.get_message(timeout=0.1)
        if m is not None:
            return m
    raise AssertionError("no message within %.1fs" % timeout)


p = r.pubsub()
p.subscribe("news", "sport")
assert next_message(p) == {"type": "subscribe", "pattern": None, "channel": b"news", "data": 1}
assert next_message(p) == {"type": "subscribe", "pattern": None, "channel": b"sport", "data": 2}
p.psubscribe("ne*")
assert next_message(p) == {"type": "psubscribe", "pattern": None, "channel": b"ne*", "data": 3}

assert r.publish("news", "hello") == 2, "by name and by pattern"
assert next_message(p) == {"type": "message", "pattern": None, "channel": b"news", "data": b"hello"}
assert next_message(p) == {"type": "pmessage", "pattern": b"ne*", "channel": b"news", "data": b"hello"}
assert r.publish("nest", "egg") == 1
assert next_message(p) == {"type": "pmessage", "pattern": b"ne*", "channel": b"nest", "data": b"egg"}
assert r.publish("nobody", "x") == 0
assert p.get_message(timeout=0.2) is None

assert r.pubsub_numsub("news", "sport", "nobody") == [(b"news", 1), (b"sport", 1), (b"nobody", 0)]
assert r.pubsub_numpat() == 1
assert sorted(r.pubsub_channels()) == [b"news", b"sport"]
assert r.pubsub_channels("sp*") == [b"sport"]

# Message order per publisher is publish order.
for i in range(50):
    r.publish("sport", str(i))
assert [next_message(p)["data"] for _ in range(50)] == [str(i).encode() for i in range(50)]

# listen(): a generator over every message.
p2 = r.pubsub(ignore_subscribe_messages=True)
p2.subscribe("feed")
for i in range(3):
    r.publish("feed", "m%d" % i)
got = []
for m in p2.listen():
    if m["type"] == "message":
        got.append(m["data"])
    if len(got) == 3:
        break
assert got == [b"m0", b"m1", b"m2"], got
p2.close()

# Handlers: a callback per channel, run by get_message.
seen = []
p3 = r.pubsub(ignore_subscribe_messages=True)
p3.subscribe(**{"calls": lambda m: seen.append(m["data"])})
p3.get_message(timeout=0.5)
r.publish("calls", "cb")
deadline = time.time() + 2
while not seen and time.time() < deadline:
    p3.get_message(timeout=0.1)
assert seen == [b"cb"], seen
p3.close()

# Unsubscribing, one by one and all at once.
p.unsubscribe("news")
assert next_message(p) == {"type": "unsubscribe", "pattern": None, "channel": b"news", "data": 2}
p.punsubscribe()
assert next_message(p) == {"type": "punsubscribe", "pattern": None, "channel": b"ne*", "data": 1}
p.unsubscribe()
assert next_message(p) == {"type": "unsubscribe", "pattern": None, "channel": b"sport", "data": 0}
assert r.pubsub_numsub("news", "sport") == [(b"news", 0), (b"sport", 0)]
assert r.pubsub_numpat() == 0

# Shard channels.
p.ssubscribe("shard")
assert next_message(p) == {"type": "ssubscribe", "pattern": None, "channel": b"shard", "data": 1}
assert r.spublish("shard", "s") == 1
assert next_message(p) == {"type": "smessage", "pattern": None, "channel": b"shard", "data": b"s"}
assert r.pubsub_shardnumsub("shard") == [(b"shard", 1)]
p.sunsubscribe("shard")
assert next_message(p) == {"type": "sunsubscribe", "pattern": None, "channel": b"shard", "data": 0}

# A closed PubSub leaves nothing subscribed; the connection is reusable.
p.subscribe("again")
next_message(p)
p.close()
time.sleep(0.2)
assert r.pubsub_numsub("again") == [(b"again", 0)]
assert r.ping() is True
print("ok")
