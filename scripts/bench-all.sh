#!/usr/bin/env bash
# bench-all.sh [RESULTS] — the published benchmark suite (`make bench`).
#
# Runs every load of BENCHMARKS.md on this machine over loopback, each for
# a short measured window, and writes the table of figures (measured value,
# target, met?, bare reference and ratio) to RESULTS (docs/bench/latest.md).
# Every process it starts is stopped on exit; everything else it writes
# lives in a temporary directory that is removed on exit. A step that fails
# is reported in the table and makes the script exit 1 after writing it.
#
# Env: BIN (bin/vnstock-api), DURATION (10s measured per load), WARMUP (3s),
# BENCH_CLIENT_DIV (1; divides every client count, for a quick trial run),
# BENCH_ONLY (a regular expression: run only the steps whose name matches),
# BENCH_PORT (first port tried, 18400), BENCH_REDIS_URL
# (redis://127.0.0.1:6379/13), GO (go; builds cmd/fakeupstream and runs the
# Redis broker's Go benchmark). Needs curl and jq; wrk and redis-benchmark
# for their rows (skipped with a note when missing).
here=$(cd "$(dirname "$0")" && pwd)
RESULTS=${1:-docs/bench/latest.md}
case $RESULTS in /*) ;; *) RESULTS=$PWD/$RESULTS ;; esac
BIN=${BIN:-bin/vnstock-api}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
cd "$here/.." # the module root: go build and go test run here
# shellcheck source=bench-lib.sh
. "$here/bench-lib.sh"
# shellcheck source=bench-steps.sh
. "$here/bench-steps.sh"

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
GO=${GO:-go}
REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/13}
SOURCES=127.0.0.1-127.0.0.8
div=${BENCH_CLIENT_DIV:-1}
n() { echo $(($1 / div)); }
ROWS=$BENCH_TMP/rows.tsv
DETAILS=$BENCH_TMP/details.md
DATA=$BENCH_TMP/data
FAILED=()
: >"$ROWS"
: >"$DETAILS"
mkdir -p "$(dirname "$RESULTS")"
[ -w "$(dirname "$RESULTS")" ] || die "cannot write $RESULTS"

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
t_start=$SECONDS
log "benchmark suite: results to $RESULTS; load average $load_start on $(nproc) cores"
make_key "$DATA"
"$GO" build -o "$BENCH_TMP/fakeupstream" ./cmd/fakeupstream || die "cannot build cmd/fakeupstream"

run_step "WebSocket 1,000 clients" step_fanout ws-1k ws "$(n 1000)" 2000 1000000 50 ref
run_step "WebSocket 10,000 clients" step_fanout ws-10k ws "$(n 10000)" 200 500000 100 ref
run_step "SSE 1,000 clients, 200/s" step_fanout sse-1k-200 sse "$(n 1000)" 200 0 50
run_step "SSE 1,000 clients, 2,000/s" step_fanout sse-1k sse "$(n 1000)" 2000 1000000 50
run_step "SSE 10,000 clients" step_fanout sse-10k sse "$(n 10000)" 200 500000 100
run_step "GraphQL 1,000 subscribers" step_fanout graphql-1k graphql "$(n 1000)" 200 0 100
run_step "GraphQL 5,000 subscribers" step_fanout graphql-5k graphql "$(n 5000)" 200 0 100
run_step "Idle RSS at 15,000 connections" step_idle "$(n 15000)"
run_step "Reconnect storm of 10,000 clients" step_storm "$(n 10000)"
run_step "REST OHLCV" step_rest
run_step "Start to ready" step_startup
run_step "Redis path" step_redis

load_end=$(cut -d' ' -f1-3 /proc/loadavg)
write_results "$RESULTS"
log "wrote $RESULTS in $((SECONDS - t_start))s; load average now $load_end"
if [ ${#FAILED[@]} -gt 0 ]; then
	die "steps failed: ${FAILED[*]}"
fi
