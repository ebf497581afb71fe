#!/bin/bash
# bench/run.sh - `make bench`: council serve against nginx and the disk,
# side by side in one run, on this machine.  Prints a table with ratios.
#
#   reads:  wrk on GET /api/v1/proposals/{id} (secretariat token, so every
#           request checks its token in SQLite) vs nginx serving the same
#           JSON bytes as a static file; both on 127.0.0.1.
#   writes: wrk posting durable position changes from 32 delegations (each
#           answered only after its transaction is fsynced), vs the
#           single-client fsync rate (8 KiB write + fdatasync) measured on
#           the same filesystem.
# DURATION (seconds per run, default 10) and CONNS (default 32) may be set.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DUR=${DURATION:-10}
CONNS=${CONNS:-32}
BUILD=build-bench

scripts/install-deps.sh --bench
test -f $BUILD/build.ninja || meson setup $BUILD -Dbuildtype=release -Db_ndebug=if-release >/dev/null
ninja -C $BUILD >/dev/null
cc -O2 -Wall -Wextra -o $BUILD/fsync_rate bench/fsync_rate.c

T=$(mktemp -d "$ROOT/build-bench/run.XXXXXX")
cleanup() {
	[ -n "${SRV:-}" ] && kill "$SRV" 2>/dev/null || true
	[ -n "${NGX:-}" ] && kill "$NGX" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT

C="$ROOT/$BUILD/council --db $T/council.db"
$C init >/dev/null
SEC=$($C token issue --role secretariat 2>/dev/null)
# one token a delegation, in one call ("CODE TOKEN" lines)
TOKENS=$($C token issue $($C members --json | jq -r '.members[] | "--member " + .code') 2>/dev/null |
	cut -d' ' -f2 | tr '\n' ' ')
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)); }
PA=$(port)
PB=$(port)
$C serve --listen 127.0.0.1:$PA --threads 2 --quiet &
SRV=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:$PA/healthz >/dev/null && break; sleep 0.1; done
AUTH="Authorization: Bearer $SEC"
ID=$(curl -sf -X POST -H "$AUTH" -H "Content-Type: application/json" http://127.0.0.1:$PA/api/v1/proposals \
	-d '{"body":"NAC","title":"Open a NATO liaison office in Tokyo","effects":[{"type":"open-office","id":"nlo-tokyo","name":"NATO Liaison Office Tokyo","city":"Tokyo","country":"JP","lat":"35.68","lon":"139.69"}]}' | jq .id)
mkdir -p "$T/www"
curl -sf -H "$AUTH" http://127.0.0.1:$PA/api/v1/proposals/$ID > "$T/www/proposal.json"
cat > "$T/nginx.conf" <<EOF2
worker_processes 2;
daemon off;
pid $T/nginx.pid;
error_log $T/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $T; proxy_temp_path $T; fastcgi_temp_path $T;
  uwsgi_temp_path $T; scgi_temp_path $T;
  server {
    listen 127.0.0.1:$PB;
    root $T/www;
    location / { default_type application/json; }
  }
}
EOF2
nginx -c "$T/nginx.conf" &
NGX=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:$PB/proposal.json >/dev/null && break; sleep 0.1; done
cmp -s "$T/www/proposal.json" <(curl -sf -H "$AUTH" http://127.0.0.1:$PA/api/v1/proposals/$ID) \
	|| { echo "bench: the two servers do not serve the same bytes" >&2; exit 1; }

rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$1"; }
p99() { # in ms
	awk '/^ +99%/ { v=$2; if (v ~ /us$/) { sub(/us/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms/,"",v) } else if (v ~ /s$/) { sub(/s/,"",v); v*=1000 } printf "%.2f", v }' "$1"
}
non2xx() { sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$1"; }

echo "bench: $DUR s per run, $CONNS connections, wrk and servers on this $(nproc)-core machine"
wrk -t2 -c"$CONNS" -d"${DUR}s" --latency -H "$AUTH" http://127.0.0.1:$PA/api/v1/proposals/$ID > "$T/read.council"
wrk -t2 -c"$CONNS" -d"${DUR}s" --latency http://127.0.0.1:$PB/proposal.json > "$T/read.nginx"
# The disk is shared: measure its fsync rate right before and right after
# the write runs, and compare with the lower (the ratio is then a floor).
FS1=$("$ROOT/$BUILD/fsync_rate" "$T" 3)
export TOKENS PROPOSAL=$ID
wrk -t1 -c1 -d"${DUR}s" --latency -s bench/positions.lua http://127.0.0.1:$PA > "$T/write.1"
wrk -t2 -c"$CONNS" -d"${DUR}s" --latency -s bench/positions.lua http://127.0.0.1:$PA > "$T/write.n"
FS2=$("$ROOT/$BUILD/fsync_rate" "$T" 3)
FS=$(( FS1 > FS2 ? FS1 : FS2 ))
kill "$SRV"; wait "$SRV" 2>/dev/null || true; SRV=
$C verify >/dev/null || { echo "bench: the store does not verify after the run" >&2; exit 1; }
EVENTS=$($C log --json | wc -l)

R_C=$(rps "$T/read.council"); R_N=$(rps "$T/read.nginx")
W_1=$(rps "$T/write.1"); W_N=$(rps "$T/write.n")
printf '\n%-44s %12s %10s %8s\n' "run" "req/s" "p99 ms" "non-2xx"
printf '%-44s %12s %10s %8s\n' "GET proposal, council" "$R_C" "$(p99 "$T/read.council")" "$(non2xx "$T/read.council")"
printf '%-44s %12s %10s %8s\n' "GET same bytes, nginx (static file)" "$R_N" "$(p99 "$T/read.nginx")" "$(non2xx "$T/read.nginx")"
printf '%-44s %12s\n' "fsync rate, 1 client, before writes" "$FS1"
printf '%-44s %12s\n' "fsync rate, 1 client, after writes" "$FS2"
printf '%-44s %12s %10s %8s\n' "position writes, council, 1 client" "$W_1" "$(p99 "$T/write.1")" "$(non2xx "$T/write.1")"
printf '%-44s %12s %10s %8s\n' "position writes, council, $CONNS clients" "$W_N" "$(p99 "$T/write.n")" "$(non2xx "$T/write.n")"
echo
awk -v a="$R_C" -v b="$R_N" 'BEGIN { printf "reads:  council / nginx          = %.2fx (target >= 0.5x)\n", a/b }'
awk -v a="$W_N" -v b="$FS" 'BEGIN { printf "writes: council %s clients / fsync = %.2fx (target >= 1x; against the higher of the two fsync rates)\n", "'"$CONNS"'", a/b }'
echo "writes: p99 at $CONNS clients = $(p99 "$T/write.n") ms (target <= 25 ms)"
echo "log after the run: $EVENTS events, verified"

# ---- council verify over 1,000,000 events vs sha256sum over the same bytes
NEV=${VERIFY_EVENTS:-1000000}
"$ROOT/$BUILD/gen_log" "$NEV" "$T/log.jsonl" "$T/log.vkey"
MB=$(awk -v b="$(stat -c %s "$T/log.jsonl")" 'BEGIN { printf "%.1f", b / 1e6 }')
t0=$(date +%s.%N)
"$ROOT/$BUILD/council" verify --export "$T/log.jsonl" --log-key "$T/log.vkey" >/dev/null
t1=$(date +%s.%N)
sha256sum "$T/log.jsonl" >/dev/null
t2=$(date +%s.%N)
echo
awk -v mb="$MB" -v a="$t0" -v b="$t1" -v c="$t2" -v n="$NEV" 'BEGIN {
	v = mb / (b - a); s = mb / (c - b);
	printf "verify: %d events, %s MB: council verify --export %.1f MB/s, sha256sum %.1f MB/s = %.2fx (target >= 0.5x)\n", n, mb, v, s, v / s }'

# Sight: can an answer's time tell a hidden proposal from none? (issue 9)
echo
COUNCIL="$ROOT/$BUILD/council" node bench/sight_timing.mjs "${SIGHT_SAMPLES:-3000}" "${SIGHT_ROUNDS:-5}"
