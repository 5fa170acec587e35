"""redis-py's server introspection: INFO (parsed sections), CONFIG GET/SET,
CONFIG RESETSTAT, SLOWLOG, MEMORY USAGE, LASTSAVE, ROLE, WAIT, LATENCY."""
import os

import redis

r = redis.Redis(port=int(os.environ["FERRODIS_PORT"]))

# INFO: the sections and fields redis-py users (and exporters) read.
info = r.info()
for field in ["redis_version", "tcp_port", "uptime_in_seconds", "connected_clients", "used_memory",
              "total_commands_processed", "keyspace_hits", "rejected_connections", "role",
              "connected_slaves", "aof_enabled", "total_error_replies", "used_cpu_sys"]:
    assert field in info, field
assert info["role"] == "master" and info["connected_slaves"] == 0
assert info["redis_version"] == "7.0.15"
everything = r.info("everything")
assert "cmdstat_info" in everything, sorted(everything)
assert everything["cmdstat_info"]["calls"] >= 1
for key in ["calls", "usec", "usec_per_call", "rejected_calls", "failed_calls"]:
    assert key in everything["cmdstat_info"], everything["cmdstat_info"]
assert "latency_percentiles_usec_info" in everything
assert set(everything["latency_percentiles_usec_info"]) == {"p50", "p99", "p99.9"}
multi = r.info("server", "clients")
assert "redis_version" in multi and "connected_clients" in multi and "used_memory" not in multi

# Errors and rejected calls are counted, per command and per error code.
r.set("s", "v")
try:
    r.lpush("s", "x")
    raise AssertionError("WRONGTYPE expected")
except redis.ResponseError as e:
    assert str(e).startswith("WRONGTYPE")
try:
    r.execute_command("GET")
    raise AssertionError("arity error expected")
except redis.ResponseError:
    pass
stats = r.info("commandstats")
assert stats["cmdstat_lpush"]["failed_calls"] == 1, stats["cmdstat_lpush"]
assert stats["cmdstat_get"]["rejected_calls"] == 1, stats["cmdstat_get"]
assert r.info("errorstats")["errorstat_WRONGTYPE"] == {"count": 1}

# CONFIG GET with globs and several names; SET of several, atomically.
assert r.config_get("slowlog-max-len") == {"slowlog-max-len": "128"}
got = r.config_get("slowlog-*")
assert got == {"slowlog-max-len": "128", "slowlog-log-slower-than": "10000"}, got
assert r.config_set("slowlog-log-slower-than", 0) is True
assert r.execute_command("CONFIG SET", "slowlog-max-len", "3", "latency-tracking", "no") is True
try:
    r.execute_command("CONFIG SET", "slowlog-max-len", "10", "latency-tracking", "maybe")
    raise AssertionError("error expected")
except redis.ResponseError as e:
    assert "latency-tracking" in str(e)
assert r.config_get("slowlog-max-len") == {"slowlog-max-len": "3"}, "all or nothing"

# SLOWLOG: every command is logged now (threshold 0), newest first.
assert r.slowlog_reset() is True
r.client_setname("py")
r.set("k", "v")
log = r.slowlog_get(2)
assert len(log) == 2
assert log[0]["command"] == b"SET k v" and log[0]["client_name"] == b"py", log[0]
assert log[0]["id"] > log[1]["id"] and log[0]["duration"] >= 0
assert r.slowlog_len() == 3
assert r.config_set("slowlog-log-slower-than", -1) is True
r.slowlog_reset()
assert r.slowlog_len() == 0

# CONFIG RESETSTAT clears the counters INFO shows.
assert r.config_resetstat() is True
stats = r.info("stats")
assert stats["total_error_replies"] == 0 and stats["keyspace_hits"] == 0
assert "cmdstat_lpush" not in r.info("commandstats")

# Small facts.
assert r.memory_usage("k") == 64, "Redis 7.0 (jemalloc) figure for a one-byte key and value"
assert r.memory_usage("nosuch") is None
assert isinstance(r.lastsave().year, int)
assert r.execute_command("ROLE") == [b"master", 0, []]
assert r.wait(0, 0) == 0
assert r.execute_command("LATENCY LATEST") == []
assert r.config_set("slowlog-max-len", 128) is True
assert r.config_set("latency-tracking", "yes") is True
print("ok")
