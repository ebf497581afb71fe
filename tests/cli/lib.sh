# lib.sh - a small harness for CLI tests that run the real `council` binary.
# Each check prints "ok - NAME" or "FAIL - NAME" (and why); tests/run.sh
# counts them.  Sourced by tests/cli/test_*.sh.
set -u
COUNCIL=${COUNCIL:?set COUNCIL to the council binary}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export COUNCIL_DB="$T/council.db"

# Debian's python3, whose python3-* packages `make deps` installs: not
# whatever `python3` PATH finds first (a pyenv shim, on the VMs here, took
# 358 ms of CPU to start against 37 ms).
PYTHON=/usr/bin/python3

# free_port: a TCP port on 127.0.0.1 that nothing listens on now
free_port() {
	"$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# positions TOKEN BASE ID N: N positions stated over HTTP on proposal ID,
# abstain and concur in turn, each answered before the next is sent;
# fails at the first refused.  One curl for the N (--next), on one
# connection: a curl a write was half of test_audit's CPU.
positions() {
	local i pos args=()
	for i in $(seq "$4"); do
		if [ $((i % 2)) = 0 ]; then pos=concur; else pos=abstain; fi
		[ "$i" = 1 ] || args+=(--next)
		args+=(-sf -o /dev/null -X POST -H "Authorization: Bearer $1" -H "Content-Type: application/json"
			"$2/api/v1/proposals/$3/positions" -d "{\"position\":\"$pos\"}")
	done
	curl --fail-early "${args[@]}"
}

# run CMD...: sets $rc, $out, $err ($(<FILE): no cat started, twice a check)
run() {
	"$@" >"$T/.out" 2>"$T/.err"
	rc=$?
	out=$(<"$T/.out")
	err=$(<"$T/.err")
}
c() { run "$COUNCIL" "$@"; }

ok() { echo "ok - $1"; }
not_ok() {
	echo "FAIL - $1"
	shift
	printf '    %s\n' "$@"
	printf '    stdout: %s\n' "$(head -c 600 "$T/.out")"
	printf '    stderr: %s\n' "$(head -c 600 "$T/.err")"
}

# check NAME CONDITION... : CONDITION is a command (test, grep...)
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "condition failed: $*"; fi
}
# expect_rc NAME WANT : after c/run
expect_rc() {
	if [ "$rc" = "$2" ]; then ok "$1"; else not_ok "$1" "exit $rc, wanted $2"; fi
}
# expect_err NAME WANT_RC SUBSTRING : exit status and a message naming the problem
expect_err() {
	if [ "$rc" = "$2" ] && grep -qF -- "$3" "$T/.err"; then ok "$1"
	else not_ok "$1" "wanted exit $2 and stderr containing '$3'"; fi
}
# expect_json NAME JQ_FILTER EXPECTED : jq -r over $out
expect_json() {
	local got
	got=$(printf '%s' "$out" | jq -r "$2" 2>&1)
	if [ "$got" = "$3" ]; then ok "$1"; else not_ok "$1" "jq '$2' gave '$got', wanted '$3'"; fi
}
# tamper_copy CLEAN SQL: the store becomes a copy of CLEAN changed by SQL,
# run with the append-only triggers dropped
tamper_copy() {
	cp "$1" "$COUNCIL_DB"
	rm -f "$COUNCIL_DB-wal" "$COUNCIL_DB-shm"
	sqlite3 "$COUNCIL_DB" "DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;
		DROP TRIGGER IF EXISTS nodes_no_update; DROP TRIGGER IF EXISTS checkpoints_no_update; $2"
}
# swap_events_sql A B: SQL exchanging two events' bytes and hashes
swap_events_sql() {
	echo "CREATE TEMP TABLE sw AS SELECT seq, bytes, hash FROM events WHERE seq IN ($1, $2);
	UPDATE events SET bytes = (SELECT bytes FROM sw WHERE seq = $2), hash = (SELECT hash FROM sw WHERE seq = $2) WHERE seq = $1;
	UPDATE events SET bytes = (SELECT bytes FROM sw WHERE seq = $1), hash = (SELECT hash FROM sw WHERE seq = $1) WHERE seq = $2;"
}

# fingerprint of a store's whole state: the log bytes and every projection
fingerprint() {
	sqlite3 "$COUNCIL_DB" "SELECT group_concat(hex(hash)) FROM events;
		SELECT count(*), group_concat(doc) FROM proposals;
		SELECT group_concat(record) FROM offices;
		SELECT group_concat(record) FROM members;" | sha256sum
}

# wait_up URL PID: up=1 once URL answers, "" if it never does within a
# generous bound (60 s) or PID dies first.
# wait_port PORT PID: until something listens on 127.0.0.1:PORT (a
# receiver the test started in the background: python takes a while to
# start on a busy machine, and a delivery attempt made before it listens
# is refused), or PID has exited; $up says which.  At most 60 s.
wait_port() {
	up=""
	for _ in $(seq 600); do
		(: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null && { up=1; return; }
		kill -0 "$2" 2>/dev/null || return
		sleep 0.1
	done
}
wait_up() {
	up=""
	for _ in $(seq 600); do
		curl -sf "$1" >/dev/null && { up=1; return; }
		kill -0 "$2" 2>/dev/null || return
		sleep 0.1
	done
}
