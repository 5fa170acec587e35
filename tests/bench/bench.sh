#!/usr/bin/env bash
# Throughput and memory of ferrodis-server against redis-server, same run,
# same machine, same settings (no persistence, loopback).
#
#   tests/bench/bench.sh            # from anywhere inside the checkout
#
# Environment:
#   BENCH_SCALE=2       multiply every request count (default 1: a few
#                       seconds per row on a 2-core machine; 0.1 for a smoke run)
#   BENCH_KEYS=1000000  keys loaded for the memory figure
#   BENCH_SKIP_BUILD=1  use the already-built release binary
#   FERRODIS_SERVER_BIN=path  benchmark this binary instead of building one
#   FERRODIS_ARGS="..." extra arguments for ferrodis-server (e.g. --io-threads 2)
#
# Needs: cargo, redis-server, redis-cli, redis-benchmark, awk.
set -euo pipefail

scale=${BENCH_SCALE:-1}
keys=${BENCH_KEYS:-1000000}

for tool in cargo redis-server redis-cli redis-benchmark awk; do
    command -v "$tool" >/dev/null || { echo "bench.sh: $tool not found on PATH" >&2; exit 1; }
done

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

# --- servers ----------------------------------------------------------------------
# A port nobody listens on: try random high ports until a connect fails.
free_port() {
    local port
    for _ in $(seq 1 100); do
        port=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "bench.sh: no free port found" >&2
    exit 1
}

# start_server NAME BINARY [EXTRA ARGS...]: starts it in its own directory,
# waits for PING, sets ${NAME}_port and ${NAME}_pid.
start_server() {
    local name=$1 bin=$2
    shift 2
    local port dir
    port=$(free_port)
    dir=$work_dir/$name
    mkdir -p "$dir"
    (cd "$dir" && exec "$bin" --port "$port" --bind 127.0.0.1 --save '' --appendonly no "$@" \
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
    echo "bench.sh: $name did not start; its log:" >&2
    cat "$dir/server.log" >&2
    exit 1
}

# shellcheck disable=SC2086 # FERRODIS_ARGS is a list of words on purpose
start_server ours "$ours_bin" ${FERRODIS_ARGS:-}
start_server redis redis-server

echo "ferrodis-server: $ours_bin (port $ours_port, pid $ours_pid)"
echo "redis-server:    $(redis-server --version | cut -d' ' -f3) (port $redis_port, pid $redis_pid)"
echo "cores: $(nproc), scale: $scale"
echo

# --- throughput ---------------------------------------------------------------
# rps PORT TEST CLIENTS PIPELINE REQUESTS: requests per second from
# redis-benchmark's CSV line for TEST.
rps() {
    redis-benchmark -p "$1" -t "$2" -c "$3" -P "$4" -n "$5" -r 100000 --csv 2>/dev/null |
        awk -F'"' -v test="$(echo "$2" | tr '[:lower:]' '[:upper:]')" '$2 == test { print $4 }'
}

printf '%-5s %-14s %14s %14s %8s\n' test config "ours ops/s" "redis ops/s" ratio
for row in "50 1 200000" "50 32 2000000" "500 1 200000"; do
    read -r clients pipeline requests <<<"$row"
    requests=$(awk -v r="$requests" -v s="$scale" 'BEGIN { printf "%d", r * s }')
    for test in set get; do
        ours=$(rps "$ours_port" "$test" "$clients" "$pipeline" "$requests")
        theirs=$(rps "$redis_port" "$test" "$clients" "$pipeline" "$requests")
        printf '%-5s %-14s %14s %14s %8s\n' "$test" "-c $clients -P $pipeline" "${ours:-fail}" "${theirs:-fail}" \
            "$(awk -v a="${ours:-0}" -v b="${theirs:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
    done
done
echo

# --- memory -------------------------------------------------------------------
rss_bytes() {
    awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"
}

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
