#!/usr/bin/env bash
# Throughput and memory of ferrodis-server against redis-server, same run,
# same machine, same settings (no persistence, loopback).
#
#   tests/bench/bench.sh            # from anywhere inside the checkout
#
# Environment:
#   BENCH_ROUNDS=5      samples of each server per row (default 5)
#   BENCH_SECONDS=2     target length of one sample in seconds (default 2)
#   BENCH_SCALE=2       multiply every sample length (default 1; 0.1 for a
#                       smoke run)
#   BENCH_KEYS=1000000  keys loaded for the memory figure
#   BENCH_PIN=0         do not pin servers and client to separate cores
#   BENCH_IO_THREADS=1  add rows with ours at --io-threads 2 against redis at
#                       io-threads 2 (off by default)
#   BENCH_GROW_KEYS=8000000  keys the growth probe loads (0 skips the probe)
#   BENCH_GROW_ROUNDS=2 growth probe runs per server (default 2)
#   BENCH_STORM=5000    connections opened at once by the storm rows (0 skips
#                       them; needs python3 and `ulimit -n` above it, which
#                       the script raises when it may)
#   BENCH_TYPE_ELEMENTS=1000000  size of the big collections (sorted set
#                       rows, bytes per element)
#   BENCH_SKIP_BUILD=1  use the already-built release binary
#   FERRODIS_SERVER_BIN=path  benchmark this binary instead of building one
#   FERRODIS_ARGS="..." extra arguments for ferrodis-server
#   BENCH_ONLY="aof types"  run only these sections (throughput types memory
#                       growth storm aof; default all)
#   BENCH_AOF_KEYS=1000000  keys in the rewrite measurement (0 skips it)
#
# Method. One sample of a `-P 1` row on a small shared machine swings by about
# +-30% between runs of the same binary, so a single pair of samples says
# little. For each row the script first runs a short warm-up sample against
# each server and sizes the request count so that one sample lasts about
# BENCH_SECONDS; then it runs BENCH_ROUNDS rounds, each one sample of ours and
# one of redis with the same request count, alternating which server goes
# first (so a slow phase of the machine hits both). It prints the median ops/s
# of each server, the ratio of the medians, and the min..max of the per-round
# ratios, which shows how noisy the row was: trust a ratio only as far as the
# spread allows.
#
# Pinning. When `taskset` exists and at least two CPUs are allowed, both
# servers run on the second allowed CPU and redis-benchmark on the first, for
# every row (both servers get the same treatment). Unpinned, the scheduler
# sometimes puts client and server on one core, where `-P 1` ping-pong runs
# much faster (no cross-core wake-ups), and sometimes on two: the samples are
# bimodal and the per-round ratio jumped from 0.74 to 1.29 between two rounds
# here. Pinned, every sample has the same layout (server alone on a core, as in
# a real deployment), at the cost of lower absolute numbers when other
# processes load the server's core. The --io-threads rows are never pinned:
# confining a multi-threaded server to one core would defeat the threads.
# Redis gets io-threads-do-reads yes there (ours reads and parses on its I/O
# threads too); note that Redis's I/O threads busy-wait for work, so with the
# client on the same two cores its numbers there collapse.
# redis-benchmark runs in its default single-event-loop mode: `--threads 1`
# runs the same single client loop on a thread (plus atomic counters), and more
# client threads would take the second core from the server.
#
# Growth probe (tests/bench/growth_probe.rs, built here with a bare rustc):
# one connection sends PING every 0.5 ms while `redis-cli --pipe` loads
# BENCH_GROW_KEYS new keys (`SET grow:N v`), so the table grows through every
# resize; it prints p50/p99/p99.9/max of the PING round trips. Then a control
# run: the same flood over 1,000 keys (no growth). Each round runs both
# servers, alternating which goes first, after a FLUSHALL.
#
# Needs: cargo, rustc, redis-server, redis-cli, redis-benchmark, awk, sort
# (taskset optional).
set -euo pipefail

# want SECTION: whether BENCH_ONLY (default: every section) names it.
want() {
    [[ -z "${BENCH_ONLY:-}" || " ${BENCH_ONLY//,/ } " == *" $1 "* ]]
}

scale=${BENCH_SCALE:-1}
keys=${BENCH_KEYS:-1000000}
rounds=${BENCH_ROUNDS:-5}
seconds=${BENCH_SECONDS:-2}

grow_keys=${BENCH_GROW_KEYS:-8000000}
grow_rounds=${BENCH_GROW_ROUNDS:-2}
storm=${BENCH_STORM:-5000}
# The storm rows open $storm sockets at once, and both servers must accept
# them: raise the descriptor limit for this shell and what it starts.
ulimit -n $((storm * 2 + 1024)) 2>/dev/null || true

for tool in cargo rustc redis-server redis-cli redis-benchmark awk sort; do
    command -v "$tool" >/dev/null || { echo "bench.sh: $tool not found on PATH" >&2; exit 1; }
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: BENCH_ROUNDS must be a positive integer" >&2; exit 1; }

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work_dir=$(mktemp -d -t ferrodis-bench.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work_dir"
}
trap cleanup EXIT

# --- the binary ---------------------------------------------------------------
if [[ -n "${FERRODIS_SERVER_BIN:-}" ]]; then
    ours_bin=$FERRODIS_SERVER_BIN
else
    if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
        (cd "$repo_root" && cargo build --release -p ferrodis-net --bin ferrodis-server)
    fi
    target_dir=$(cd "$repo_root" && cargo metadata --format-version 1 --no-deps |
        grep -o '"target_directory":"[^"]*"' | cut -d'"' -f4)
    ours_bin=$target_dir/release/ferrodis-server
fi
[[ -x "$ours_bin" ]] || { echo "bench.sh: no executable at $ours_bin" >&2; exit 1; }

# --- cores ----------------------------------------------------------------------
# The first two CPUs this process may run on, from `taskset -p`'s list
# ("0,1", "0-3", "4-5,8"); empty when pinning is off or impossible.
client_cpu='' server_cpu=''
if [[ "${BENCH_PIN:-1}" != 0 ]] && command -v taskset >/dev/null; then
    read -r client_cpu server_cpu < <(taskset -pc $$ 2>/dev/null | sed 's/.*: *//' | awk -F, '{
        n = 0
        for (i = 1; i <= NF && n < 2; i++) {
            split($i, r, "-"); hi = (r[2] == "" ? r[1] : r[2])
            for (c = r[1]; c <= hi && n < 2; c++) cpu[n++] = c
        }
        if (n == 2) print cpu[0], cpu[1]
    }') || true
    if [[ -n "$server_cpu" ]] && ! taskset -c "$server_cpu" true 2>/dev/null; then
        client_cpu='' server_cpu=''
    fi
fi
# pinned CPU COMMAND...: runs COMMAND on CPU, or unpinned when CPU is empty.
pinned() {
    local cpu=$1
    shift
    if [[ -n "$cpu" ]]; then
        taskset -c "$cpu" "$@"
    else
        "$@"
    fi
}

# --- servers ----------------------------------------------------------------------
# A port nobody listens on: try random ports until a connect fails. Below
# Linux's ephemeral range (32768+), where redis-benchmark's own sockets,
# many in TIME_WAIT, would make a bind fail though no one listens.
free_port() {
    local port
    for _ in $(seq 1 100); do
        port=$((10000 + RANDOM % 22000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "bench.sh: no free port found" >&2
    exit 1
}

# start_server NAME CPU BINARY [EXTRA ARGS...]: starts it in its own directory
# (on CPU unless empty), waits for PING, sets ${NAME}_port and ${NAME}_pid.
# A port taken between the check and the bind is retried on another one.
start_server() {
    local name=$1 cpu=$2 bin=$3
    shift 3
    local port dir cmd=("$bin")
    [[ -n "$cpu" ]] && cmd=(taskset -c "$cpu" "$bin")
    dir=$work_dir/$name
    mkdir -p "$dir"
    for _attempt in 1 2 3 4 5; do
        port=$(free_port)
        (cd "$dir" && exec "${cmd[@]}" --port "$port" --bind 127.0.0.1 --save '' --appendonly no "$@" \
            >"$dir/server.log" 2>&1) &
        local pid=$!
        pids+=("$pid")
        for _ in $(seq 1 300); do
            if [[ "$(redis-cli -p "$port" ping 2>/dev/null)" == PONG ]]; then
                printf -v "${name}_port" '%s' "$port"
                printf -v "${name}_pid" '%s' "$pid"
                return
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        grep -q "in use" "$dir/server.log" || break
    done
    echo "bench.sh: $name did not start; its log:" >&2
    cat "$dir/server.log" >&2
    exit 1
}

# stop_server NAME: kills a server started by start_server.
stop_server() {
    local pid_var=${1}_pid
    kill -9 "${!pid_var}" 2>/dev/null || true
    wait "${!pid_var}" 2>/dev/null || true
}

# shellcheck disable=SC2086 # FERRODIS_ARGS is a list of words on purpose
start_server ours "$server_cpu" "$ours_bin" ${FERRODIS_ARGS:-}
start_server redis "$server_cpu" redis-server

echo "ferrodis-server: $ours_bin (port $ours_port, pid $ours_pid)"
echo "redis-server:    $(redis-server --version | cut -d' ' -f3) (port $redis_port, pid $redis_pid)"
if [[ -n "$server_cpu" ]]; then
    pinning="servers on cpu $server_cpu, redis-benchmark on cpu $client_cpu"
else
    pinning="none"
fi
echo "cores: $(nproc), pinning: $pinning"
echo "rounds: $rounds, sample: ~$(awk -v s="$seconds" -v k="$scale" 'BEGIN { print s * k }')s, scale: $scale"
echo

# --- throughput ---------------------------------------------------------------
# rps CPU PORT TEST CLIENTS PIPELINE REQUESTS: requests per second from
# redis-benchmark's CSV line for TEST (empty on failure). TEST is one of
# redis-benchmark's own tests (`get`, `lrange_100`: its CSV names them
# `GET`, `LRANGE_100 (first 100 elements)`), or a command line with `+` for
# spaces (`zrank+bigz+m:__rand_int__`), run as given with keys and members
# drawn from 0..999999 (`-r 1000000`).
rps() {
    local test=$3 args
    if [[ $test == *+* ]]; then
        read -r -a args <<<"${test//+/ }"
        pinned "$1" redis-benchmark -p "$2" -c "$4" -P "$5" -n "$6" -r 1000000 --csv "${args[@]}" 2>/dev/null |
            awk -F'"' 'NR == 2 { print $4 }' || true
        return
    fi
    pinned "$1" redis-benchmark -p "$2" -t "$test" -c "$4" -P "$5" -n "$6" -r 100000 --csv 2>/dev/null |
        awk -F'"' -v test="$(echo "$test" | tr '[:lower:]' '[:upper:]')" '$2 == test || index($2, test " (") == 1 { print $4 }' || true
}

# median: the median of the numbers on stdin, one a line.
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_rows LABEL OURS REDIS CPU [CONFIGS [TESTS]]: the table for servers
# named OURS and REDIS, redis-benchmark on CPU (unpinned when empty), one row
# per test per config ("clients pipeline nominal-requests", comma-separated).
bench_rows() {
    local label=$1 a=$2 b=$3 cpu=$4
    local configs=${5:-50 1 200000,50 32 2000000,500 1 200000} tests=${6:-set get}
    local a_port_var=${a}_port b_port_var=${b}_port
    local a_port=${!a_port_var} b_port=${!b_port_var}
    echo "$label"
    printf '%-5s %-14s %12s %12s %7s %12s\n' test config "ours ops/s" "redis ops/s" ratio "round range"
    local row clients pipeline base test warm_a warm_b requests round first x y ours theirs failed
    local IFS_rows
    IFS=',' read -r -a IFS_rows <<<"$configs"
    for row in "${IFS_rows[@]}"; do
        read -r clients pipeline base <<<"$row"
        for test in $tests; do
            # Warm-up: a tenth of the nominal count against each server, and
            # the mean of the two rates sizes the samples to ~$seconds each.
            warm_a=$(rps "$cpu" "$a_port" "$test" "$clients" "$pipeline" $((base / 10)))
            warm_b=$(rps "$cpu" "$b_port" "$test" "$clients" "$pipeline" $((base / 10)))
            requests=$(awk -v a="${warm_a:-0}" -v b="${warm_b:-0}" -v s="$seconds" -v k="$scale" -v c="$clients" \
                'BEGIN { n = (a + b) / 2 * s * k; if (n < 20 * c) n = 20 * c; printf "%d", n }')
            : >"$work_dir/ours.rps" && : >"$work_dir/redis.rps" && : >"$work_dir/ratio"
            failed=''
            for round in $(seq 1 "$rounds"); do
                if ((round % 2)); then first=a; else first=b; fi
                if [[ $first == a ]]; then
                    x=$(rps "$cpu" "$a_port" "$test" "$clients" "$pipeline" "$requests")
                    y=$(rps "$cpu" "$b_port" "$test" "$clients" "$pipeline" "$requests")
                else
                    y=$(rps "$cpu" "$b_port" "$test" "$clients" "$pipeline" "$requests")
                    x=$(rps "$cpu" "$a_port" "$test" "$clients" "$pipeline" "$requests")
                fi
                if [[ -z "$x" || -z "$y" ]]; then
                    failed=1
                    continue
                fi
                echo "$x" >>"$work_dir/ours.rps"
                echo "$y" >>"$work_dir/redis.rps"
                awk -v a="$x" -v b="$y" 'BEGIN { if (b > 0) print a / b }' >>"$work_dir/ratio"
            done
            if [[ -n "$failed" ]]; then
                printf '%-5s %-14s %12s %12s %7s %12s\n' "${test//+/ }" "-c $clients -P $pipeline" fail fail n/a n/a
                continue
            fi
            ours=$(median <"$work_dir/ours.rps")
            theirs=$(median <"$work_dir/redis.rps")
            printf '%-5s %-14s %12.0f %12.0f %7s %12s\n' "${test//+/ }" "-c $clients -P $pipeline" "$ours" "$theirs" \
                "$(awk -v a="$ours" -v b="$theirs" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')" \
                "$(sort -g "$work_dir/ratio" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f..%.2f", lo, hi }')"
        done
    done
    echo
}

if want throughput; then
bench_rows "io-threads 1 (medians of $rounds rounds)" ours redis "$client_cpu"

if [[ "${BENCH_IO_THREADS:-}" == 1 ]]; then
    # Redis threads only its writes unless io-threads-do-reads is on; ours
    # reads and parses on its I/O threads, so redis gets reads too.
    # shellcheck disable=SC2086 # FERRODIS_ARGS is a list of words on purpose
    start_server ours_io '' "$ours_bin" ${FERRODIS_ARGS:-} --io-threads 2
    start_server redis_io '' redis-server --io-threads 2 --io-threads-do-reads yes
    bench_rows "io-threads 2, unpinned (ours --io-threads 2, redis io-threads 2 + io-threads-do-reads yes)" \
        ours_io redis_io ''
    stop_server ours_io
    stop_server redis_io
fi
fi

# --- memory -------------------------------------------------------------------
rss_bytes() {
    awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"
}

# gen_load KIND N: RESP commands building one collection of N elements (100
# per command), for redis-cli --pipe. Members are `m:` and 12 digits, the
# form redis-benchmark gives `m:__rand_int__`.
gen_load() {
    awk -v kind="$1" -v n="$2" 'function bulk(s) { return sprintf("$%d\r\n%s\r\n", length(s), s) }
    BEGIN {
        if (kind == "smallhash") {
            for (i = 0; i < n; i++) {
                printf "*22\r\n%s%s", bulk("HSET"), bulk(sprintf("h:%08d", i))
                for (f = 0; f < 10; f++) printf "%s%s", bulk("field" f), bulk(sprintf("value%d", f))
            }
            exit
        }
        cmd = kind == "zset" ? "ZADD" : kind == "set" ? "SADD" : kind == "hash" ? "HSET" : "RPUSH"
        per = (kind == "zset" || kind == "hash") ? 2 : 1
        for (i = 0; i < n; i += 100) {
            k = (n - i < 100) ? n - i : 100
            printf "*%d\r\n%s%s", 2 + k * per, bulk(cmd), bulk("big" kind)
            for (j = i; j < i + k; j++) {
                m = sprintf("m:%012d", j)
                if (kind == "zset") printf "%s%s", bulk(j), bulk(m)
                else if (kind == "hash") printf "%s%s", bulk(m), bulk(sprintf("v:%d", j))
                else printf "%s", bulk(m)
            }
        }
    }'
}

# --- data types -------------------------------------------------------------------
# The issue's rows: list, set, hash and sorted-set commands at -c 50 -P 1,
# then ZRANK, ZRANGE 0 9 and ZADD on a 1M-member sorted set loaded into both.
if want types; then
types_elements=${BENCH_TYPE_ELEMENTS:-1000000}
bench_rows "data types (medians of $rounds rounds)" ours redis "$client_cpu" "50 1 200000" \
    "lpush lpop rpush lrange_100 sadd spop hset zadd"
gen_load zset "$types_elements" >"$work_dir/zset.resp"
for name in ours redis; do
    port_var=${name}_port
    redis-cli -p "${!port_var}" flushall >/dev/null
    redis-cli -p "${!port_var}" --pipe <"$work_dir/zset.resp" >/dev/null
done
bench_rows "sorted set of $types_elements members (medians of $rounds rounds)" ours redis "$client_cpu" "50 1 200000" \
    "zrank+bigzset+m:__rand_int__ zrange+bigzset+0+9 zadd+bigzset+__rand_int__+n:__rand_int__"

# Bytes per element: RSS growth while one collection loads into an emptied,
# purged server.
echo "memory per element (RSS growth / elements), $types_elements-element collections, 100k hashes of 10 fields"
printf '%-22s %12s %12s %7s\n' structure ours redis ratio
for kind in zset set hash list smallhash; do
    count=$types_elements
    [[ $kind == smallhash ]] && count=100000
    gen_load "$kind" "$count" >"$work_dir/$kind.resp"
    for name in ours redis; do
        port_var=${name}_port pid_var=${name}_pid
        redis-cli -p "${!port_var}" flushall >/dev/null
        redis-cli -p "${!port_var}" memory purge >/dev/null
        sleep 0.5
        before=$(rss_bytes "${!pid_var}")
        redis-cli -p "${!port_var}" --pipe <"$work_dir/$kind.resp" >/dev/null
        after=$(rss_bytes "${!pid_var}")
        printf -v "${name}_per" '%s' "$(awk -v a="$after" -v b="$before" -v n="$count" 'BEGIN { printf "%.1f", (a - b) / n }')"
    done
    if [[ $kind == smallhash ]]; then label="100k hashes, per hash"; else label="$kind, per element"; fi
    printf '%-22s %12s %12s %7s\n' "$label" "$ours_per" "$redis_per" \
        "$(awk -v a="$ours_per" -v b="$redis_per" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
    rm -f "$work_dir/$kind.resp"
done
for name in ours redis; do
    port_var=${name}_port
    redis-cli -p "${!port_var}" flushall >/dev/null
done
echo
fi

if want memory; then
# key:0000000001 -> val:0000000001 as RESP SET commands, for redis-cli --pipe.
awk -v n="$keys" 'BEGIN {
    for (i = 1; i <= n; i++) {
        k = sprintf("key:%010d", i); v = sprintf("val:%010d", i)
        printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v
    }
}' >"$work_dir/load.resp"

for name in ours redis; do
    port_var=${name}_port pid_var=${name}_pid
    port=${!port_var} pid=${!pid_var}
    redis-cli -p "$port" flushall >/dev/null
    before=$(rss_bytes "$pid")
    redis-cli -p "$port" --pipe <"$work_dir/load.resp" >"$work_dir/$name.pipe.log"
    size=$(redis-cli -p "$port" dbsize)
    if [[ "$size" != "$keys" ]]; then
        echo "bench.sh: $name has DBSIZE $size after loading $keys keys" >&2
        cat "$work_dir/$name.pipe.log" >&2
        exit 1
    fi
    after=$(rss_bytes "$pid")
    printf -v "${name}_before" '%s' "$before"
    printf -v "${name}_after" '%s' "$after"
done

printf '%-8s %14s %14s %14s\n' server "RSS before" "RSS after" "bytes/key"
for name in ours redis; do
    before_var=${name}_before after_var=${name}_after
    printf '%-8s %14s %14s %14s\n' "$name" "${!before_var}" "${!after_var}" \
        "$(awk -v a="${!after_var}" -v b="${!before_var}" -v n="$keys" 'BEGIN { printf "%.1f", (a - b) / n }')"
done
awk -v oa="$ours_after" -v ob="$ours_before" -v ra="$redis_after" -v rb="$redis_before" \
    'BEGIN { printf "memory ratio ours/redis (bytes per key): %.2f\n", (oa - ob) / (ra - rb) }'
fi

# --- latency while the keyspace grows -------------------------------------------
if [[ "$grow_keys" != 0 ]] && want growth; then
    rustc -O --edition 2021 "$repo_root/tests/bench/growth_probe.rs" -o "$work_dir/growth_probe"
    echo
    echo "growth: PING round trips (ms), one every 0.5 ms, while redis-cli --pipe SETs $grow_keys keys"
    printf '%-8s %-9s %7s %8s %8s %8s %8s %8s\n' server load pings p50 p99 p99.9 max "load s"
    # probe_row NAME LABEL ARGS...: one probe run against server NAME, as a table row.
    probe_row() {
        local name=$1 label=$2 port_var=${1}_port
        shift 2
        redis-cli -p "${!port_var}" flushall >/dev/null
        pinned "$client_cpu" "$work_dir/growth_probe" --port "${!port_var}" "$@" |
            awk -v n="$name" -v l="$label" '{
                for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                printf "%-8s %-9s %7d %8.2f %8.2f %8.2f %8.2f %8.1f\n", n, l, v["pings"], v["p50_ms"], v["p99_ms"],
                    v["p999_ms"], v["max_ms"], v["load_s"]
            }'
    }
    for round in $(seq 1 "$grow_rounds"); do
        if ((round % 2)); then order="ours redis"; else order="redis ours"; fi
        for name in $order; do
            probe_row "$name" growing --keys "$grow_keys"
        done
    done
    for name in ours redis; do
        probe_row "$name" "1k keys" --keys "$grow_keys" --distinct 1000
    done
fi

# --- connection storm -------------------------------------------------------------
if [[ "$storm" != 0 ]] && command -v python3 >/dev/null && want storm; then
    echo
    echo "storm: $storm connections opened at once, each sends PING; seconds until the last PONG"
    printf '%-8s %8s %8s\n' server seconds refused
    for round in $(seq 1 "$rounds"); do
        if ((round % 2)); then order="ours redis"; else order="redis ours"; fi
        for name in $order; do
            port_var=${name}_port
            pinned "$client_cpu" python3 "$repo_root/tests/bench/storm.py" "${!port_var}" "$storm" |
                awk -v n="$name" '{
                    for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                    printf "%-8s %8.3f %8d\n", n, v["seconds"], v["refused"]
                }'
        done
    done
fi

# --- AOF ----------------------------------------------------------------------------
# SET at -c 50 with the AOF on, both servers with the same settings (RESP
# AOF: redis with aof-use-rdb-preamble no), each in its own directory on the
# same file system: appendfsync everysec, then always (where ours commits
# every client waiting on one fsync together). Then a rewrite of
# BENCH_AOF_KEYS keys while redis-benchmark keeps writing: the fork time
# (INFO latest_fork_usec), the rewrite's wall time (BGREWRITEAOF until
# aof_rewrite_in_progress and aof_rewrite_scheduled are 0) and the parent's
# peak RSS above its RSS before the rewrite (sampled every 20 ms; the
# child's pages are not counted).
aof_keys=${BENCH_AOF_KEYS:-1000000}

# info_field PORT FIELD: one field of INFO.
info_field() {
    redis-cli -p "$1" info | tr -d '\r' | awk -F: -v f="$2" '$1 == f { print $2 }'
}

# rewrite_row NAME: loads $aof_keys keys into server NAME, rewrites under
# write load, prints one table row.
rewrite_row() {
    local name=$1 port_var=${1}_port pid_var=${1}_pid
    local port=${!port_var} pid=${!pid_var}
    redis-cli -p "$port" flushall >/dev/null
    redis-cli -p "$port" --pipe <"$work_dir/aof_load.resp" >/dev/null
    # Let the load's own rewrite (the automatic trigger) finish first.
    while [[ "$(info_field "$port" aof_rewrite_in_progress)" != 0 ||
        "$(info_field "$port" aof_rewrite_scheduled)" != 0 ]]; do sleep 0.1; done
    pinned "$client_cpu" redis-benchmark -p "$port" -t set -c 50 -n 100000000 -r 1000000 -q >/dev/null 2>&1 &
    local writer=$!
    sleep 1
    local before peak now start end
    before=$(rss_bytes "$pid")
    peak=$before
    start=$(date +%s.%N)
    redis-cli -p "$port" bgrewriteaof >/dev/null
    sleep 0.02
    while [[ "$(info_field "$port" aof_rewrite_in_progress)" != 0 ||
        "$(info_field "$port" aof_rewrite_scheduled)" != 0 ]]; do
        now=$(rss_bytes "$pid")
        ((now > peak)) && peak=$now
        sleep 0.02
    done
    end=$(date +%s.%N)
    kill "$writer" 2>/dev/null || true
    wait "$writer" 2>/dev/null || true
    printf '%-8s %10s %12s %10.2f %14.1f %10s\n' "$name" "$aof_keys" "$(info_field "$port" latest_fork_usec)" \
        "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" \
        "$(awk -v p="$peak" -v b="$before" 'BEGIN { printf "%.1f", (p - b) / 1048576 }')" \
        "$(info_field "$port" aof_last_bgrewrite_status)"
}

if want aof; then
    for policy in everysec always; do
        # shellcheck disable=SC2086 # FERRODIS_ARGS is a list of words on purpose
        start_server ours_aof "$server_cpu" "$ours_bin" ${FERRODIS_ARGS:-} --appendonly yes --appendfsync "$policy"
        start_server redis_aof "$server_cpu" redis-server --appendonly yes --appendfsync "$policy" \
            --aof-use-rdb-preamble no
        bench_rows "appendonly yes, appendfsync $policy (medians of $rounds rounds)" ours_aof redis_aof \
            "$client_cpu" "50 1 200000" "set"
        if [[ $policy == everysec && "$aof_keys" != 0 ]]; then
            awk -v n="$aof_keys" 'BEGIN {
                for (i = 1; i <= n; i++) {
                    k = sprintf("key:%010d", i); v = sprintf("val:%010d", i)
                    printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v
                }
            }' >"$work_dir/aof_load.resp"
            echo "rewrite of $aof_keys keys while redis-benchmark SETs at -c 50 (appendfsync everysec)"
            printf '%-8s %10s %12s %10s %14s %10s\n' server keys "fork usec" "rewrite s" "peak +RSS MB" status
            rewrite_row ours_aof
            rewrite_row redis_aof
            rm -f "$work_dir/aof_load.resp"
            echo
        fi
        stop_server ours_aof
        stop_server redis_aof
        rm -rf "$work_dir/ours_aof" "$work_dir/redis_aof"
    done
fi
