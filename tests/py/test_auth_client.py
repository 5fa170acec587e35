"""redis-py with a password, and CLIENT LIST / INFO / KILL / PAUSE as a
second client sees them."""
import os
import threading
import time

import redis

port = int(os.environ["FERRODIS_PORT"])

admin = redis.Redis(port=port)
assert admin.config_set("requirepass", "s3cret") is True
# Authenticated before the password was set: it stays so.
assert admin.ping() is True
assert admin.config_get("requirepass") == {"requirepass": "s3cret"}

# No password, a wrong one, a wrong user: redis-py raises AuthenticationError.
try:
    redis.Redis(port=port).ping()
    raise AssertionError("a command ran without AUTH")
except redis.exceptions.AuthenticationError as e:
    assert "Authentication required" in str(e), e
for kwargs in ({"password": "bad"}, {"username": "nobody", "password": "s3cret"}):
    try:
        redis.Redis(port=port, **kwargs).ping()
        raise AssertionError(f"AUTH succeeded with {kwargs}")
    except redis.exceptions.AuthenticationError as e:
        assert "invalid username-password pair" in str(e), e

worker = redis.Redis(port=port, password="s3cret", client_name="worker")
assert worker.ping() is True
assert redis.Redis(port=port, username="default", password="s3cret").acl_whoami() == "default"

# CLIENT INFO / LIST: every field Redis 7.0 prints, in its order (redis-py
# gives some values as ints, CLIENT LIST's as strings).
FIELDS = ("id addr laddr fd name age idle flags db sub psub ssub multi qbuf qbuf-free argv-mem multi-mem "
          "rbs rbp obl oll omem tot-mem events cmd user redir resp").split()
info = worker.client_info()
assert list(info.keys()) == FIELDS, list(info.keys())
assert info["name"] == "worker" and info["cmd"] == "client|info" and info["user"] == "default"
# Its own command is in its query buffer while it runs, as in Redis 7.0.
assert int(info["qbuf"]) == len(b"*2\r\n$6\r\nCLIENT\r\n$4\r\nINFO\r\n"), info
assert int(info["argv-mem"]) == len("CLIENTINFO"), info
assert int(info["tot-mem"]) > 0
listed = [c for c in admin.client_list(_type="normal") if c["name"] == "worker"]
assert len(listed) == 1 and listed[0]["cmd"] == "client|info" and str(listed[0]["id"]) == str(info["id"]), listed
assert admin.client_list(_type="pubsub") == []

# CLIENT KILL by ID from another client: the victim's connection is gone.
assert admin.client_kill_filter(_id=info["id"]) == 1
assert all(str(c["id"]) != str(info["id"]) for c in admin.client_list())
# redis-py's pool finds the connection closed and opens a new one
# (authenticating again): a new client id.
assert worker.ping() is True
new_info = worker.client_info()
assert new_info["id"] != info["id"]
# The old form: CLIENT KILL addr.
assert admin.client_kill(new_info["addr"]) is True
assert all(str(c["id"]) != str(new_info["id"]) for c in admin.client_list())


def timed(fn):
    start = time.monotonic()
    result = fn()
    return result, time.monotonic() - start


# CLIENT PAUSE WRITE: reads go on, a write waits for the pause to end.
writer = redis.Redis(port=port, password="s3cret")
assert writer.ping() is True
assert admin.client_pause(400, all=False) is True
value, took = timed(lambda: writer.get("k"))
assert value is None and took < 0.3, took
ok, took = timed(lambda: writer.set("k", "v"))
assert ok is True and took >= 0.25, took
assert admin.get("k") == b"v"

# CLIENT UNPAUSE releases a waiting writer early.
assert admin.client_pause(5000, all=False) is True
result = {}


def write_during_pause():
    result["value"], result["took"] = timed(lambda: writer.incr("n"))


t = threading.Thread(target=write_during_pause)
t.start()
time.sleep(0.2)
assert "value" not in result, "a write ran during CLIENT PAUSE WRITE"
assert admin.client_unpause() == b"OK"  # redis-py leaves this one raw
t.join(timeout=3)
assert result.get("value") == 1 and result["took"] < 3, result

# CLIENT PAUSE ALL holds reads too.
assert admin.client_pause(300) is True
value, took = timed(lambda: writer.get("n"))
assert value == b"1" and took >= 0.2, took

assert admin.config_set("requirepass", "") is True
assert redis.Redis(port=port).ping() is True
print("ok")
