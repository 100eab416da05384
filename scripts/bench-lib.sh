# bench-lib.sh — sourced by scripts/bench-*.sh; not run by itself.
#
# Process bookkeeping (every process started here is killed on exit), a
# temporary directory that is removed on exit, free ports, servers in keys
# mode with a benchmark API key, and result rows.
#
# Needs: bash, curl, jq. Set BIN to the vnstock-api binary (default
# bin/vnstock-api, built by `make build`); SERVER_BIN, when set, is the
# binary the servers run (to compare two servers under the same load tool).

set -euo pipefail

BIN=${BIN:-bin/vnstock-api}
SERVER_BIN=${SERVER_BIN:-$BIN}
BENCH_TMP=$(mktemp -d -t vnstock-bench.XXXXXX)
BENCH_PIDS=()
BENCH_PIDFILE=$BENCH_TMP/pids # "pid starttime" of every process started, steps' included

# kill_tracked: stop the processes this shell started (TERM, then KILL
# after 5 s).
kill_tracked() {
	local pid
	for pid in "${BENCH_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${BENCH_PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	BENCH_PIDS=()
}

# starttime PID: the process's start time in clock ticks (field 22 of
# /proc/PID/stat), which tells a process from a later one with its id.
starttime() { awk '{ print $22 }' "/proc/$1/stat" 2>/dev/null || true; }

# bench_cleanup: on exit of the suite, stop whatever any step left running
# (a process is only signalled while its id still names the process that
# was started), then remove the temporary directory.
bench_cleanup() {
	local pid st left=()
	kill_tracked
	if [ -f "$BENCH_PIDFILE" ]; then
		while read -r pid st; do
			if [ -n "$st" ] && [ "$(starttime "$pid")" = "$st" ]; then
				kill -TERM "$pid" 2>/dev/null && left+=("$pid:$st")
			fi
		done <"$BENCH_PIDFILE"
		for p in "${left[@]}"; do
			pid=${p%%:*} st=${p#*:}
			for _ in $(seq 50); do [ "$(starttime "$pid")" = "$st" ] || break; sleep 0.1; done
			[ "$(starttime "$pid")" = "$st" ] && kill -KILL "$pid" 2>/dev/null
		done
	fi
	if declare -F bench_extra_cleanup >/dev/null; then bench_extra_cleanup || true; fi
	rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required${2:+ ($2)}"; }
need curl
need jq
[ -x "$BIN" ] || die "$BIN is not an executable (run make build, or set BIN)"

# Raise the soft open-file limit to the hard limit (20,000 here): servers
# and the load tool inherit it.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# track PID: stop it on exit.
track() {
	BENCH_PIDS+=("$1")
	echo "$1 $(starttime "$1")" >>"$BENCH_PIDFILE"
}

# untrack PID: it has exited (or been stopped).
untrack() {
	local keep=() p
	for p in "${BENCH_PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	BENCH_PIDS=("${keep[@]}")
	sed -i "/^$1 /d" "$BENCH_PIDFILE" 2>/dev/null || true
}

# free_port: a loopback TCP port nothing listens on, from BENCH_PORT (18400) up.
BENCH_NEXT_PORT=${BENCH_PORT:-18400}
free_port() {
	local p=$BENCH_NEXT_PORT
	while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
	BENCH_NEXT_PORT=$((p + 1))
	echo "$p"
}

# wait_ready PORT PID [SECONDS]: until /readyz answers 200; fails if PID exits.
wait_ready() {
	local port=$1 pid=$2 secs=${3:-30} i
	for i in $(seq $((secs * 50))); do
		curl -fs -o /dev/null "http://127.0.0.1:$port/readyz" && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.02
	done
	return 1
}

# stop PID [SECONDS]: SIGTERM, wait for the exit (SIGKILL after SECONDS, 15).
stop() {
	local pid=$1 secs=${2:-15} i
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq $((secs * 10))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	untrack "$pid"
}

# SERVER_PID is set by start_server.
SERVER_PID=
# start_server NAME PORT DATADIR [serve flags…]: the server in keys mode,
# logs in $BENCH_TMP/NAME.log, ready before it returns.
start_server() {
	local name=$1 port=$2 dir=$3
	shift 3
	"$SERVER_BIN" serve --addr "127.0.0.1:$port" --data-dir "$dir" --auth keys \
		--log-level warn "$@" >>"$BENCH_TMP/$name.log" 2>&1 &
	SERVER_PID=$!
	track "$SERVER_PID"
	wait_ready "$port" "$SERVER_PID" || { tail -20 "$BENCH_TMP/$name.log" >&2; die "$name did not become ready on :$port"; }
}

# BENCH_KEY is set by make_key.
BENCH_KEY=
# make_key DATADIR: create the store in DATADIR with an admin key (the
# server's bootstrap) and, through the admin API, a benchmark key whose plan
# lifts the per-key limits (requests/s, concurrent streams): BENCH_KEY.
make_key() {
	local dir=$1 port admin key
	port=$(free_port)
	mkdir -p "$dir"
	start_server keygen "$port" "$dir" --feeds sim
	admin=$(grep -o 'vk_live_[A-Za-z0-9_-]*' "$BENCH_TMP/keygen.log" | head -1)
	[ -n "$admin" ] || die "the server printed no admin key"
	key=$(curl -fsS -X POST -H "X-API-Key: $admin" "http://127.0.0.1:$port/v1/admin/keys" \
		-d '{"name":"bench","scopes":["read","stream"],"plan":{"rps":1000000,"burst":1000000,"max_streams":1000000,"max_topics":1024,"messages_per_s":1000}}' |
		jq -r .data.key)
	stop "$SERVER_PID"
	[ -n "$key" ] && [ "$key" != null ] || die "could not create the benchmark key"
	BENCH_KEY=$key
}
