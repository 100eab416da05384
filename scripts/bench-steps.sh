# bench-steps.sh — the steps of scripts/bench-all.sh (sourced after
# bench-lib.sh). Each step runs in its own subshell through run_step, adds
# rows with `row` and details with `detail`; globals: BIN, DATA, BENCH_KEY,
# BENCH_TMP, DURATION, WARMUP, SOURCES, ROWS, DETAILS, GO, REDIS_URL.

# row FIGURE MEASURED TARGET MET REFERENCE RATIO: one line of the table.
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "${3:-—}" "${4:-—}" "${5:-—}" "${6:-—}" >>"$ROWS"; }
# detail LINE: one line of the details section (markdown).
detail() { printf '%s\n' "$*" >>"$DETAILS"; }

# Number formatting and checks.
commas() { printf '%.0f' "$1" | sed -E ':a;s/([0-9])([0-9]{3})($|,)/\1,\2\3/;ta'; }
fmt() { awk -v v="$2" -v f="$1" 'BEGIN { printf f, v }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b) ? "yes" : "no" }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? "yes" : "no" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "×%.2f", a / b; else print "—" }'; }
now_ms() { date +%s%3N; }
j() { jq -r "$1" "$2"; }

# run_step NAME FUNCTION ARGS…: runs the step in a subshell that stops its
# own processes; a failure is recorded, and the suite goes on.
run_step() {
	local name=$1 t0=$SECONDS rc=0 sp
	shift
	if [ -n "${BENCH_ONLY:-}" ] && ! grep -Eiq -- "$BENCH_ONLY" <<<"$name"; then
		return 0
	fi
	log "== $name"
	(
		BENCH_PIDS=()
		trap kill_tracked EXIT
		trap 'exit 130' INT TERM
		set -e
		"$@"
	) &
	sp=$!
	track "$sp"
	wait "$sp" || rc=$?
	untrack "$sp"
	if [ "$rc" -ne 0 ]; then
		FAILED+=("$name")
		row "$name" "**failed** (exit $rc; the log names the step)" "" "no" ""
		log "   $name FAILED (exit $rc)"
	else
		log "   done in $((SECONDS - t0))s (load average $(cut -d' ' -f1 /proc/loadavg))"
	fi
}

# run_tracked CMD…: runs CMD in the foreground but tracked, so that an exit
# of the suite stops it too.
run_tracked() {
	local p rc=0
	"$@" &
	p=$!
	track "$p"
	wait "$p" || rc=$?
	untrack "$p"
	return "$rc"
}

# bench_json OUT ARGS…: `vnstock-api bench --json ARGS` into OUT.
bench_json() {
	local out=$1
	shift
	run_tracked "$BIN" bench --json --sources "$SOURCES" "$@" >"$out" 2>"$out.err" ||
		{ tail -5 "$out.err" >&2; die "vnstock-api bench $*"; }
	jq -e .clients "$out" >/dev/null || die "vnstock-api bench wrote no report"
}

# REF_PID is set by start_reference.
REF_PID=
# start_reference PORT RATE: the bare broadcast loop of `bench reference`.
start_reference() {
	"$BIN" bench reference --addr "127.0.0.1:$1" --rate "$2" >>"$BENCH_TMP/reference.log" 2>&1 &
	REF_PID=$!
	track "$REF_PID"
	wait_ready "$1" "$REF_PID" || die "the reference server did not start"
}

endpoint() {
	case $1 in
	ws) echo "ws://127.0.0.1:$2/v1/ws" ;;
	sse) echo "http://127.0.0.1:$2/v1/sse" ;;
	graphql) echo "ws://127.0.0.1:$2/v1/graphql" ;;
	esac
}

# run_detail LABEL JSON: a details row for one fan-out report.
run_detail() {
	detail "$(jq -r --arg l "$1" 'def r1: . * 10 | round / 10;
		"| \($l) | \(.connected)/\(.clients) | \(.connect_seconds | r1) s | \(.events_per_sec | round) | " +
		"\(.latency_ms.p50 | r1) / \(.latency_ms.p90 | r1) / \(.latency_ms.p99 | r1) / \(.latency_ms.max | r1) | " +
		"\(.bytes_per_event | round) | \(if .server_rss_bytes then "\(.server_rss_bytes / 1048576 | round) MiB" else "—" end) | " +
		"\(if (.errors | length) == 0 then "none" else (.errors | tostring) end) |"' "$2")"
}

# step_fanout LABEL TRANSPORT CLIENTS RATE MIN_EPS MAX_P99 [ref]: the sim
# at RATE, CLIENTS subscribed to the VN30 quotes; with ref, the same load
# on the bare reference too.
step_fanout() {
	local label=$1 transport=$2 clients=$3 rate=$4 min_eps=$5 max_p99=$6 ref=${7:-} port json refjson=
	json=$BENCH_TMP/$label.json
	port=$(free_port)
	start_server "$label" "$port" "$DATA" --feeds sim --sim-rate "$rate"
	log "   $clients $transport clients, sim $rate/s"
	bench_json "$json" --url "$(endpoint "$transport" "$port")" --clients "$clients" --server-pid "$SERVER_PID" \
		--api-key "$BENCH_KEY" --duration "$DURATION" --warmup "$WARMUP"
	stop "$SERVER_PID" 30
	run_detail "$label" "$json"
	if [ -n "$ref" ]; then
		refjson=$BENCH_TMP/$label-ref.json
		start_reference "$port" "$rate"
		log "   $clients ws clients on the bare reference, $rate/s"
		bench_json "$refjson" --url "ws://127.0.0.1:$port/v1/ws" --clients "$clients" --server-pid "$REF_PID" \
			--duration "$DURATION" --warmup "$WARMUP"
		stop "$REF_PID"
		run_detail "$label reference" "$refjson"
	fi
	fanout_rows "$transport" "$clients" "$rate" "$min_eps" "$max_p99" "$json" "$refjson"
}

fanout_rows() {
	local transport=$1 clients=$2 rate=$3 min_eps=$4 max_p99=$5 json=$6 refjson=$7 name eps p50 p99 conn
	local target=— met=— ref=— rat=— refl=— note=
	case $transport in
	ws) name=WebSocket ;; sse) name=SSE ;; graphql) name='GraphQL `quotes(group: "VN30")`' ;;
	esac
	eps=$(j .events_per_sec "$json")
	p50=$(j .latency_ms.p50 "$json")
	p99=$(j .latency_ms.p99 "$json")
	conn=$(j .connected "$json")
	[ "$conn" = "$clients" ] || note=" ($conn of $clients connected)"
	[ "$(j .dropped "$json")" = 0 ] || note="$note ($(j .dropped "$json") closed by the server during the run: $(jq -c .errors "$json"))"
	if [ "$min_eps" != 0 ]; then target="≥ $(commas "$min_eps")/s" met=$(ge "$eps" "$min_eps"); fi
	if [ -n "$refjson" ]; then
		ref="$(commas "$(j .events_per_sec "$refjson")")/s"
		rat=$(ratio "$eps" "$(j .events_per_sec "$refjson")")
		refl="$(fmt %.1f "$(j .latency_ms.p50 "$refjson")") / $(fmt %.1f "$(j .latency_ms.p99 "$refjson")") ms"
	fi
	row "$name, $(commas "$clients") clients, sim $(commas "$rate")/s: delivered events/s" "$(commas "$eps")/s$note" "$target" "$met" "$ref" "$rat"
	row "$name, $(commas "$clients") clients, sim $(commas "$rate")/s: p50 / p99 publish→receive" \
		"$(fmt %.1f "$p50") / $(fmt %.1f "$p99") ms" "p99 ≤ $max_p99 ms" "$(le "$p99" "$max_p99")" "$refl" "—"
}

rss_bytes() { awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"; }

# step_idle N: N idle WebSocket connections subscribed to quote:@VN30 (the
# sim at 1 update/s), server RSS per connection; the same on the reference.
step_idle() {
	local n=$1 port json=$BENCH_TMP/idle.json refjson=$BENCH_TMP/idle-ref.json base refbase per above refper refabove
	port=$(free_port)
	start_server idle "$port" "$DATA" --feeds sim --sim-rate 1
	sleep 1
	base=$(rss_bytes "$SERVER_PID")
	log "   $n idle connections (server RSS before: $((base >> 20)) MiB)"
	bench_json "$json" --url "ws://127.0.0.1:$port/v1/ws" --clients "$n" --idle --server-pid "$SERVER_PID" \
		--api-key "$BENCH_KEY" --duration 3s --warmup 2s
	stop "$SERVER_PID" 30
	start_reference "$port" 1
	sleep 1
	refbase=$(rss_bytes "$REF_PID")
	log "   $n idle connections on the bare reference"
	bench_json "$refjson" --url "ws://127.0.0.1:$port/v1/ws" --clients "$n" --idle --server-pid "$REF_PID" --duration 3s --warmup 2s
	stop "$REF_PID"
	run_detail "idle $n" "$json"
	run_detail "idle $n reference" "$refjson"
	per=$(awk -v r="$(j .server_rss_bytes "$json")" -v n="$(j .open_at_end "$json")" 'BEGIN { printf "%.1f", r / n / 1024 }')
	above=$(awk -v r="$(j .server_rss_bytes "$json")" -v b="$base" -v n="$(j .open_at_end "$json")" 'BEGIN { printf "%.1f", (r - b) / n / 1024 }')
	refper=$(awk -v r="$(j .server_rss_bytes "$refjson")" -v n="$(j .open_at_end "$refjson")" 'BEGIN { printf "%.1f", r / n / 1024 }')
	refabove=$(awk -v r="$(j .server_rss_bytes "$refjson")" -v b="$refbase" -v n="$(j .open_at_end "$refjson")" 'BEGIN { printf "%.1f", (r - b) / n / 1024 }')
	row "Idle WebSocket connections on quote:@VN30: server RSS per connection at $(commas "$(j .open_at_end "$json")")" \
		"$per KiB ($above KiB above the idle server)" "≤ 24 KiB" "$(le "$per" 24)" "$refper KiB ($refabove above)" "$(ratio "$per" "$refper")"
}

# step_storm N: N resuming WebSocket clients; the server is stopped with
# SIGTERM (1001 to every client) and started again on the same port.
step_storm() {
	local n=$1 port json=$BENCH_TMP/storm.json bp t_kill t_restart t_ready t_end last deadline
	port=$(free_port)
	start_server storm "$port" "$DATA" --feeds sim --sim-rate 200
	log "   $n clients connecting"
	"$BIN" bench --json --sources "$SOURCES" --url "ws://127.0.0.1:$port/v1/ws" --clients "$n" --api-key "$BENCH_KEY" \
		--reconnect --until-resumed --duration 90s >"$json" 2>"$json.err" &
	bp=$!
	track "$bp"
	deadline=$((SECONDS + 90))
	# The tool says when every client has an event's seq to resume from.
	until grep -q 'waiting for the server to go away' "$json.err"; do
		kill -0 "$bp" 2>/dev/null || { cat "$json.err" >&2; die "the load tool ended before connecting"; }
		[ $SECONDS -lt $deadline ] || die "the clients did not connect within 90s"
		sleep 0.1
	done
	cat "$json.err" >&2
	t_kill=$(now_ms)
	stop "$SERVER_PID" 60
	t_restart=$(now_ms)
	log "   server stopped in $((t_restart - t_kill)) ms; starting it again"
	start_server storm "$port" "$DATA" --feeds sim --sim-rate 200
	t_ready=$(now_ms)
	wait "$bp" || { tail -5 "$json.err" >&2; die "the load tool failed"; }
	t_end=$(now_ms)
	untrack "$bp"
	tail -1 "$json.err" >&2
	last=$(j .reconnect.last_resume_unix_ms "$json")
	if [ "$(j .reconnect.all_resumed "$json")" = true ]; then
		row "Reconnect storm, $(commas "$n") WebSocket clients: server restart → all resumed" "$(commas $((last - t_restart))) ms" \
			"" "" "" ""
	else
		row "Reconnect storm, $(commas "$n") WebSocket clients: server restart → all resumed" \
			"not reached: $(commas "$(j .reconnect.resumed "$json")") of $(commas "$n") resumed when the tool gave up, $(((t_end - t_restart) / 1000)) s after the restart" \
			"" "no" "" ""
	fi
	detail "- reconnect storm: SIGTERM → exit $((t_restart - t_kill)) ms (every client closed with 1001); restart → /readyz $((t_ready - t_restart)) ms;" \
		"restart → last resume $((last - t_restart)) ms; $(jq -r '.reconnect | "\(.resumed) of \(.target) resumed; per client drop → resumed p50 \(.resume_ms.p50|round) ms, p99 \(.resume_ms.p99|round) ms; \(.reconnect_attempts) reconnect attempts; recovered: \(.recovered_complete) complete, \(.recovered_incomplete) incomplete (the memory hub loses its history on restart); ends: \(.ends|tostring)"' "$json")"
}

# wrk_json OUT ARGS…: wrk with a Lua script whose done() prints one JSON
# line; OUT gets it.
wrk_json() {
	local out=$1
	shift
	run_tracked wrk "$@" >"$out.txt" 2>&1 || { cat "$out.txt" >&2; die "wrk $*"; }
	grep '^{' "$out.txt" | tail -1 >"$out"
	jq -e .requests "$out" >/dev/null || { cat "$out.txt" >&2; die "wrk printed no summary"; }
}

# metric PORT NAME: the sum of a metric's samples on the server.
metric() { curl -fs "http://127.0.0.1:$1/metrics" | awk -v m="$2" 'index($0, m) == 1 { s += $NF } END { printf "%.0f", s }'; }

# write_lua DIR: the wrk scripts. Each prints its summary as one JSON line.
write_lua() {
	local done_fn
	done_fn='
function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("{\"requests\":%d,\"duration_us\":%d,\"errors\":%d,\"non2xx\":%d,\"p50_us\":%d,\"p90_us\":%d,\"p99_us\":%d,\"max_us\":%d}\n",
		summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
		latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end'
	# One URL, always the same: a year of daily bars of VNM, cached.
	cat >"$1/cached.lua" <<EOF
wrk.headers["X-API-Key"] = os.getenv("BENCH_KEY")
wrk.path = "/v1/market/equity/VNM/ohlcv?start=2024-11-21&end=2025-11-20&interval=1D"
$done_fn
EOF
	# Every request a miss: request i (numbered across the threads) asks
	# symbol i mod 30 for the year ending 7·k days before 2025-11-20
	# (k = i div 30, up to 900 weeks back: the sim history reaches 20 years),
	# so each reaches a week the store does not hold yet; 27,000 in all.
	cat >"$1/uncached.lua" <<EOF
local syms = {"ACB","BCM","BID","BVH","CTG","FPT","GAS","GVR","HDB","HPG","LPB","MBB","MSN","MWG","PLX",
	"SAB","SHB","SSB","SSI","STB","TCB","TPB","VCB","VHM","VIB","VIC","VJC","VNM","VPB","VRE"}
local anchor = os.time({year = 2025, month = 11, day = 20, hour = 12})
local threads = 0
function setup(thread) thread:set("tid", threads); threads = threads + 1 end
local n = 0
local headers = {["X-API-Key"] = os.getenv("BENCH_KEY")}
local stride = tonumber(os.getenv("BENCH_WRK_THREADS"))
function request()
	local i = n * stride + tid
	n = n + 1
	local k = math.floor(i / #syms) % 900
	local stop = anchor - k * 7 * 86400
	local path = "/v1/market/equity/" .. syms[i % #syms + 1] .. "/ohlcv?interval=1D&start=" ..
		os.date("!%Y-%m-%d", stop - 364 * 86400) .. "&end=" .. os.date("!%Y-%m-%d", stop)
	return wrk.format("GET", path, headers)
end
$done_fn
EOF
	# Through the fake upstream: a new symbol-year each request, paced under
	# the KBS client's politeness limit (5 requests/s).
	cat >"$1/upstream.lua" <<EOF
local syms = {"ACB","BCM","BID","BVH","CTG","FPT","GAS","GVR","HDB","HPG","LPB","MBB","MSN","MWG","PLX",
	"SAB","SHB","SSB","SSI","STB","TCB","TPB","VCB","VHM","VIB","VIC","VJC","VNM","VPB","VRE"}
local n = 0
local headers = {["X-API-Key"] = os.getenv("BENCH_KEY")}
function delay() return 250 end
function request()
	local year = 2024 - math.floor(n / #syms)
	local path = "/v1/market/equity/" .. syms[n % #syms + 1] .. "/ohlcv?interval=1D&start=" .. year .. "-01-01&end=" .. year .. "-12-31"
	n = n + 1
	return wrk.format("GET", path, headers)
end
$done_fn
EOF
}

# rest_rows LABEL JSON [MIN_RPS] [MAX_P99_MS] [NOTE]
rest_rows() {
	local label=$1 json=$2 min=${3:-0} max=${4:-0} note=${5:-} rps p50 p99 errs
	rps=$(jq -r '.requests / (.duration_us / 1e6)' "$json")
	p50=$(jq -r '.p50_us / 1000' "$json")
	p99=$(jq -r '.p99_us / 1000' "$json")
	errs=$(jq -r 'if .errors + .non2xx > 0 then " (\(.errors) errors, \(.non2xx) non-2xx)" else "" end' "$json")
	if [ "$min" != 0 ]; then
		row "$label: requests/s" "$(commas "$rps")/s$errs" "≥ $(commas "$min")/s" "$(ge "$rps" "$min")" "" ""
	else
		row "$label: requests/s" "$(commas "$rps")/s$errs$note" "" "" "" ""
	fi
	if [ "$max" != 0 ]; then
		row "$label: p50 / p99" "$(fmt %.2f "$p50") / $(fmt %.2f "$p99") ms" "p99 ≤ $max ms" "$(le "$p99" "$max")" "" ""
	else
		row "$label: p50 / p99" "$(fmt %.2f "$p50") / $(fmt %.2f "$p99") ms" "" "" "" ""
	fi
	detail "- $label: $(jq -c . "$json")"
}

# step_rest: wrk against the OHLCV route, cached and uncached (sim
# history), then uncached through cmd/fakeupstream with 20 ms latency.
step_rest() {
	if ! command -v wrk >/dev/null; then
		row "REST OHLCV" "skipped: wrk is not installed" "" "" "" ""
		return 0
	fi
	local port fport h0 m0 h1 m1 fake dir=$BENCH_TMP/rest u0 u1
	mkdir -p "$dir"
	cp -r "$DATA" "$dir/data-fake" # the key, and no bars yet
	write_lua "$dir"
	export BENCH_KEY
	port=$(free_port)
	start_server rest "$port" "$DATA" --feeds sim --sim-rate 200
	curl -fs -o /dev/null -H "X-API-Key: $BENCH_KEY" "http://127.0.0.1:$port/v1/market/equity/VNM/ohlcv?start=2024-11-21&end=2025-11-20&interval=1D" ||
		die "the OHLCV route does not answer"
	log "   cached: wrk -t2 -c50 for $DURATION"
	wrk_json "$dir/cached.json" -t2 -c50 -d"$DURATION" -s "$dir/cached.lua" "http://127.0.0.1:$port"
	h0=$(metric "$port" 'vnstock_cache_requests_total{result="hit"}')
	m0=$(metric "$port" 'vnstock_cache_requests_total{result="miss"}')
	log "   uncached (sim history): wrk -t2 -c2 for $DURATION"
	BENCH_WRK_THREADS=2 wrk_json "$dir/uncached.json" -t2 -c2 -d"$DURATION" -s "$dir/uncached.lua" "http://127.0.0.1:$port"
	h1=$(metric "$port" 'vnstock_cache_requests_total{result="hit"}')
	m1=$(metric "$port" 'vnstock_cache_requests_total{result="miss"}')
	stop "$SERVER_PID"
	rest_rows "REST cached OHLCV, 1 year daily (wrk, 50 connections)" "$dir/cached.json" 30000 5
	rest_rows "REST uncached OHLCV, sim history (no upstream latency; 2 connections, as the embedded store has one writer)" "$dir/uncached.json" 0 0 \
		" ($(awk -v h=$((h1 - h0)) -v m=$((m1 - m0)) 'BEGIN { printf "%.1f", (h + m) ? 100 * m / (h + m) : 0 }')% cache misses)"
	fport=$(free_port)
	"$BENCH_TMP/fakeupstream" --addr "127.0.0.1:$fport" --latency 20ms --ssi-recording "" >>"$BENCH_TMP/fake.log" 2>&1 &
	fake=$!
	track "$fake"
	for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$fport/healthz" && break; sleep 0.05; done
	port=$(free_port)
	local f=http://127.0.0.1:$fport
	start_server rest-fake "$port" "$dir/data-fake" --feeds kbs --kbs-url "$f/kbs" --vci-url "$f/vci" --vci-iq-url "$f/vciiq" \
		--msn-url "$f/msn" --fmarket-url "$f/fmarket" --sjc-url "$f/sjc" --btmc-url "$f/btmc" --vcb-url "$f/vcb" \
		--ssi-iboard-url "ws://127.0.0.1:$fport/ssi/realtime"
	u0=$(metric "$port" 'vnstock_upstream_request_duration_seconds_count{source="kbs"')
	log "   uncached through the fake upstream (20 ms): wrk -t1 -c1, paced, for $DURATION"
	wrk_json "$dir/upstream.json" -t1 -c1 -d"$DURATION" -s "$dir/upstream.lua" "http://127.0.0.1:$port"
	u1=$(metric "$port" 'vnstock_upstream_request_duration_seconds_count{source="kbs"')
	stop "$SERVER_PID"
	stop "$fake"
	rest_rows "REST uncached OHLCV through a 20 ms fake upstream (1 connection, paced under the KBS limit of 5 requests/s)" \
		"$dir/upstream.json" 0 40 " ($((u1 - u0)) upstream requests)"
}

# step_startup: process start → /readyz 200 with the embedded store, an
# existing one (5 runs) and a new one (3 runs: migrations, admin key).
step_startup() {
	local port json=$BENCH_TMP/startup.json worst=0 i ms
	port=$(free_port)
	run_tracked "$BIN" bench startup --json --runs 5 --url "http://127.0.0.1:$port/readyz" -- \
		"$BIN" serve --addr "127.0.0.1:$port" --data-dir "$DATA" --feeds sim --log-level warn >"$json" ||
		die "bench startup failed"
	for i in 1 2 3; do
		run_tracked "$BIN" bench startup --json --runs 1 --url "http://127.0.0.1:$port/readyz" -- \
			"$BIN" serve --addr "127.0.0.1:$port" --data-dir "$BENCH_TMP/fresh$i" --feeds sim --log-level warn >"$json.$i" ||
			die "bench startup (new store) failed"
		ms=$(j .max_ms "$json.$i")
		worst=$(awk -v a="$ms" -v b="$worst" 'BEGIN { print (a > b) ? a : b }')
	done
	row "Start → /readyz 200, embedded store (median of 5; max $(fmt %.0f "$(j .max_ms "$json")") ms)" \
		"$(fmt %.0f "$(j .median_ms "$json")") ms" "≤ 300 ms" "$(le "$(j .median_ms "$json")" 300)" "" ""
	row "Start → /readyz 200, new embedded store (migrations, admin key; worst of 3)" \
		"$(fmt %.0f "$worst") ms" "≤ 300 ms" "$(le "$worst" 300)" "" ""
}

# step_redis: the Redis path — the broker's Go benchmark beside
# redis-benchmark PUBLISH, then 2 instances sharing Redis with 5,000
# WebSocket clients spread over both.
step_redis() {
	if ! command -v redis-cli >/dev/null || [ "$(redis-cli -u "$REDIS_URL" ping 2>/dev/null)" != PONG ]; then
		row "Redis path" "skipped: no Redis answers at $REDIS_URL" "" "" "" ""
		return 0
	fi
	local out=$BENCH_TMP/redisbroker.txt pub async ref1=0 ref16=0 payload prefix pa pb ja ka json=$BENCH_TMP/redis-5k.json
	log "   go test -bench BenchmarkPublish ./hub/redisbroker"
	VNSTOCK_TEST_REDIS_URL=$REDIS_URL run_tracked "$GO" test -run '^$' -bench '^BenchmarkPublish' -benchtime 2s ./hub/redisbroker >"$out" 2>&1 ||
		{ tail -20 "$out" >&2; die "the broker benchmark failed"; }
	pub=$(awk '/^BenchmarkPublish-/ { for (i = 1; i < NF; i++) if ($(i + 1) == "published/s") print $i }' "$out")
	async=$(awk '/^BenchmarkPublishAsync-/ { for (i = 1; i < NF; i++) if ($(i + 1) == "delivered/s") print $i }' "$out")
	if command -v redis-benchmark >/dev/null; then
		payload=$(head -c 140 /dev/zero | tr '\0' x) # the size of the Go benchmark's payload
		ref1=$(redis-benchmark -u "$REDIS_URL" -n 200000 -c 50 -P 1 --csv publish vnbench:ref "$payload" 2>/dev/null | awk -F'"' 'NR == 2 { print $4 }')
		ref16=$(redis-benchmark -u "$REDIS_URL" -n 400000 -c 50 -P 16 --csv publish vnbench:ref "$payload" 2>/dev/null | awk -F'"' 'NR == 2 { print $4 }')
	fi
	row "Redis broker: events published/s, 1,024 concurrent publishers waiting for their seq (Go benchmark)" \
		"$(commas "${pub:-0}")/s" "" "" "$(commas "$ref1")/s (redis-benchmark PUBLISH, 50 clients)" "$(ratio "${pub:-0}" "$ref1")"
	row "Redis broker: events published and delivered back/s, pipelined (PublishAsync, Go benchmark)" \
		"$(commas "${async:-0}")/s" "≥ 100,000/s" "$(ge "${async:-0}" 100000)" "$(commas "$ref16")/s (redis-benchmark PUBLISH -P 16)" "$(ratio "${async:-0}" "$ref16")"
	detail "- redis broker benchmark: $(grep '^Benchmark' "$out" | tr -s ' \t' ' ' | paste -sd';' -)"
	prefix="vnbench:$$:$RANDOM:"
	echo "$prefix" >"$BENCH_TMP/redis-prefix"
	cp -r "$DATA" "$BENCH_TMP/data-a"
	cp -r "$DATA" "$BENCH_TMP/data-b"
	pa=$(free_port)
	start_server redis-a "$pa" "$BENCH_TMP/data-a" --feeds sim --sim-rate 200 --redis-url "$REDIS_URL" --redis-prefix "$prefix"
	ja=$SERVER_PID
	pb=$(free_port)
	start_server redis-b "$pb" "$BENCH_TMP/data-b" --feeds sim --sim-rate 200 --redis-url "$REDIS_URL" --redis-prefix "$prefix"
	ka=$SERVER_PID
	log "   $(n 5000) ws clients over 2 instances sharing Redis, sim 200/s"
	bench_json "$json" --url "ws://127.0.0.1:$pa/v1/ws,ws://127.0.0.1:$pb/v1/ws" --clients "$(n 5000)" \
		--api-key "$BENCH_KEY" --duration "$DURATION" --warmup "$WARMUP"
	stop "$ja" 30
	stop "$ka" 30
	run_detail "redis 2 instances 5k" "$json"
	local eps p50 p99
	eps=$(j .events_per_sec "$json") p50=$(j .latency_ms.p50 "$json") p99=$(j .latency_ms.p99 "$json")
	row "Redis, 2 instances, $(commas "$(j .clients "$json")") WebSocket clients over both, sim 200/s: delivered events/s" \
		"$(commas "$eps")/s" "≥ 300,000/s" "$(ge "$eps" 300000)" "" ""
	row "Redis, 2 instances, $(commas "$(j .clients "$json")") WebSocket clients: p50 / p99 publish→receive" \
		"$(fmt %.1f "$p50") / $(fmt %.1f "$p99") ms" "p99 ≤ 100 ms" "$(le "$p99" 100)" "" ""
}

# bench_extra_cleanup: remove the Redis keys of the 2-instance run.
bench_extra_cleanup() {
	local prefix
	[ -f "$BENCH_TMP/redis-prefix" ] || return 0
	prefix=$(cat "$BENCH_TMP/redis-prefix")
	redis-cli -u "$REDIS_URL" --scan --pattern "${prefix}*" 2>/dev/null | xargs -r redis-cli -u "$REDIS_URL" del >/dev/null 2>&1
	redis-cli -u "$REDIS_URL" del vnbench:ref >/dev/null 2>&1
}

# write_results FILE: the table, the run's context and the details.
write_results() {
	local f=$1 tmp
	tmp=$BENCH_TMP/results.md
	{
		echo "# Benchmark results (generated by \`make bench\`)"
		echo
		echo "Written by \`scripts/bench-all.sh\`; do not edit. Method: [BENCHMARKS.md](../../BENCHMARKS.md)."
		echo
		echo "- run: $started → $(date -u +%Y-%m-%dT%H:%M:%SZ) ($((SECONDS - t_start)) s), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' (work tree modified)')"
		echo "- machine: $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr), $("$GO" version 2>/dev/null | awk '{ print $3 }')"
		echo "- load average (1/5/15 min) at the start: $load_start; at the end: $load_end. **Server, load tool and every other process on the machine share these cores**; a load average above 0 at the start means other work was running during the measurements, so the figures are noisy and lower than on an idle machine."
		echo "- measured window per load: $DURATION after a $WARMUP warmup; server and load tool over loopback, client source addresses 127.0.0.1–8."
		echo
		echo "| figure | measured | target | met? | bare reference | ratio |"
		echo "|---|---|---|---|---|---|"
		awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$ROWS"
		echo
		echo "Bare reference: \`vnstock-api bench reference\`, a minimal coder/websocket broadcast loop (one goroutine and one frame per message per client, no batching, conflation, snapshots or resume) under the same load; ratio = measured / reference. Redis rows: \`redis-benchmark\` PUBLISH of a 140-byte message on the same Redis."
		echo
		echo "## Details"
		echo
		echo "| run | connected | connect | events/s | latency ms p50 / p90 / p99 / max | bytes/event | server RSS | errors |"
		echo "|---|---|---|---|---|---|---|---|"
		grep '^|' "$DETAILS" || true
		echo
		grep -v '^|' "$DETAILS" || true
	} >"$tmp"
	mv "$tmp" "$f"
}
