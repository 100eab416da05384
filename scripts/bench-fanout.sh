#!/usr/bin/env bash
# bench-fanout.sh TRANSPORT CLIENTS RATE DURATION
# Starts the server with the sim feed at RATE VN30 quote updates/s (keys
# mode, with a benchmark key whose plan lifts the per-key stream and rate
# limits), then runs `vnstock-api bench` with CLIENTS clients subscribed to
# quote:@VN30 (TRANSPORT ws or sse; graphql runs quotes(group: "VN30"))
# over loopback, and prints the report and the server's RSS.
# Env: BIN (bin/vnstock-api), PORT (a free one), SERVER_FLAGS, BENCH_FLAGS.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench-lib.sh
. "$here/bench-lib.sh"

transport=${1:-ws} clients=${2:-1000} rate=${3:-2000} duration=${4:-20s}
port=${PORT:-$(free_port)}
case $transport in
ws) url="ws://127.0.0.1:$port/v1/ws" ;;
sse) url="http://127.0.0.1:$port/v1/sse" ;;
graphql) url="ws://127.0.0.1:$port/v1/graphql" ;;
*) die "transport must be ws, sse or graphql" ;;
esac
make_key "$BENCH_TMP/data"
# shellcheck disable=SC2086 # SERVER_FLAGS and BENCH_FLAGS are word lists
start_server server "$port" "$BENCH_TMP/data" --feeds sim --sim-rate "$rate" ${SERVER_FLAGS:-}
# shellcheck disable=SC2086
"$BIN" bench --url "$url" --clients "$clients" --topics quote:@VN30 --duration "$duration" \
	--sources 127.0.0.1-127.0.0.8 --server-pid "$SERVER_PID" --api-key "$BENCH_KEY" ${BENCH_FLAGS:-}
