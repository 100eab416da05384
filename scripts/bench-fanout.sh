#!/usr/bin/env bash
# bench-fanout.sh TRANSPORT CLIENTS RATE DURATION
# Starts the server with the sim feed at RATE VN30 quote updates/s, then runs
# `vnstock-api bench` with CLIENTS clients subscribed to quote:@VN30 over
# loopback, and prints the report and the server's RSS.
set -euo pipefail
transport=${1:-ws} clients=${2:-1000} rate=${3:-2000} duration=${4:-20s}
port=${PORT:-18090}
bin=${BIN:-bin/vnstock-api}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
"$bin" serve --addr "127.0.0.1:$port" --feeds sim --auth off --data-dir "$(mktemp -d)" --sim-rate "$rate" --log-level warn ${SERVER_FLAGS:-} &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.05; done
case $transport in
  ws)  url="ws://127.0.0.1:$port/v1/ws" ;;
  sse) url="http://127.0.0.1:$port/v1/sse" ;;
  *) echo "transport must be ws or sse" >&2; exit 2 ;;
esac
sources=127.0.0.1-127.0.0.8
"$bin" bench --url "$url" --clients "$clients" --topics quote:@VN30 --duration "$duration" \
  --sources "$sources" --server-pid "$server" ${BENCH_FLAGS:-}
