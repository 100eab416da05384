#!/usr/bin/env bash
# bench-fanout-redis.sh CLIENTS RATE DURATION
# The scale-out fan-out: INSTANCES (default 2) `serve` processes sharing
# Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/14; =none runs
# the memory broker, for comparison), the sim feed at RATE VN30 quote
# updates/s on each (with Redis only the lease holder publishes), and one
# `vnstock-api bench` per instance at the same time, CLIENTS/INSTANCES
# WebSocket clients each, subscribed to quote:@VN30. Prints each report and
# the sum.
set -euo pipefail
clients=${1:-5000} rate=${2:-200} duration=${3:-15s}
bin=${BIN:-bin/vnstock-api}
n=${INSTANCES:-2}
redis_url=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/14}
prefix="vnstockbench:$$:"
base=${PORT:-18091}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$redis_url" != none ]; then
    redis-cli -u "$redis_url" --scan --pattern "${prefix}*" 2>/dev/null | xargs -r redis-cli -u "$redis_url" del >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
redis_flags=()
[ "$redis_url" != none ] && redis_flags=(--redis-url "$redis_url" --redis-prefix "$prefix")
for ((i = 0; i < n; i++)); do
  "$bin" serve --addr "127.0.0.1:$((base + i))" --feeds sim --sim-rate "$rate" --data-dir "$tmp/data$i" \
    "${redis_flags[@]}" --log-level warn ${SERVER_FLAGS:-} > "$tmp/out$i" &
  pids+=($!)
done
keys=()
for ((i = 0; i < n; i++)); do
  port=$((base + i))
  for _ in $(seq 200); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.05; done
  # The first start prints an admin key; with it, a bench key whose plan
  # caps neither streams nor the connection ramp.
  admin=$(grep -o 'vk_[A-Za-z0-9_-]*' "$tmp/out$i" | head -1)
  keys[$i]=$(curl -fs -X POST "http://127.0.0.1:$port/v1/admin/keys" -H "X-API-Key: $admin" \
    -H 'Content-Type: application/json' \
    -d '{"name":"bench","scopes":["read","stream"],"plan":{"rps":100000,"burst":100000,"max_streams":100000,"max_topics":1024,"messages_per_s":100}}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["key"])')
done
benches=()
for ((i = 0; i < n; i++)); do
  # Each bench spreads its clients over its own 4 loopback source addresses.
  src="127.0.0.$((1 + 4 * i))-127.0.0.$((4 + 4 * i))"
  "$bin" bench --url "ws://127.0.0.1:$((base + i))/v1/ws" --clients "$((clients / n))" --topics quote:@VN30 \
    --duration "$duration" --sources "$src" --server-pid "${pids[$i]}" --api-key "${keys[$i]}" \
    --json ${BENCH_FLAGS:-} > "$tmp/rep$i.json" &
  benches+=($!)
done
wait "${benches[@]}"
for ((i = 0; i < n; i++)); do echo "instance $i:"; cat "$tmp/rep$i.json"; done
python3 - "$tmp"/rep*.json <<'PY'
import json, sys
reps = [json.load(open(p)) for p in sys.argv[1:]]
total = sum(r["events_per_sec"] for r in reps)
conn = sum(r["connected"] for r in reps)
print(f"total: {conn} clients connected, {total:,.0f} delivered events/s, "
      f"p50 {max(r['latency_ms']['p50'] for r in reps):.1f} ms, "
      f"p99 {max(r['latency_ms']['p99'] for r in reps):.1f} ms (worst instance), "
      f"server RSS {sum(r.get('server_rss_bytes', 0) for r in reps) / 2**20:.0f} MiB")
PY
