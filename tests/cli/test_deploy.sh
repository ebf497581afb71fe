#!/bin/bash
# test_deploy.sh - deploy/'s reverse-proxy example in front of two servers
# on one PostgreSQL database, as council@.service runs them.
#
# A throwaway cluster (tests/pg/cluster.sh) holds the store; the servers
# read the log's key from a read-only file (0400), as council@PORT does
# /etc/council/log.key; nginx runs
# deploy/nginx-council.conf as shipped but for its ports (the servers'
# free ones instead of 8081/8082, a free one instead of 80) and its temp
# and log paths.  Through nginx: requests reach both servers, the page and
# the API answer, a write through the proxy is read back through it, and
# the event stream brings an event committed by the CLI while it is open,
# within a bound, so nothing between holds it back.
. "$(dirname "$0")/lib.sh"

declare -a pid
ngx=""
before_cleanup() {
	[ -n "$ngx" ] && kill "$ngx" 2>/dev/null && wait "$ngx" 2>/dev/null
	[ -n "${stream:-}" ] && kill "$stream" 2>/dev/null && wait "$stream" 2>/dev/null
	for p in "${pid[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
}
. "$(dirname "$0")/lib_pg.sh"
DB=$(newdb deploy)
unset COUNCIL_DB

COUNCIL_KEY="$T/log.key" c --db "$DB" init
expect_rc "init on the database, the key where COUNCIL_KEY says" 0
check "the key is made 0600" test "$(stat -c %a "$T/log.key")" = 600
sec=$(COUNCIL_KEY="$T/log.key" "$COUNCIL" --db "$DB" token issue --role secretariat 2>/dev/null)

# Two servers on one read-only key.
declare -a port
chmod 0400 "$T/log.key"
for k in 1 2; do
	port[$k]=$(free_port)
	COUNCIL_KEY="$T/log.key" "$COUNCIL" --db "$DB" serve \
		--listen "127.0.0.1:${port[$k]}" --threads 2 --web "$ROOT/web/dist" \
		2>"$T/serve$k.err" &
	pid[$k]=$!
	srv="$srv ${pid[$k]}"
	wait_up "http://127.0.0.1:${port[$k]}/healthz" "${pid[$k]}"
	check "server $k serves with the key read-only" test -n "$up"
done

# nginx: the example, with this test's ports; a main file around it.
P=$(free_port)
mkdir -p "$T/ngx"
sed -e "s/127\.0\.0\.1:8081/127.0.0.1:${port[1]}/; s/127\.0\.0\.1:8082/127.0.0.1:${port[2]}/" \
	-e "s/^\tlisten 80;/\tlisten 127.0.0.1:$P;/; /listen \[::\]:80;/d" \
	"$ROOT/deploy/nginx-council.conf" >"$T/ngx/site.conf"
check "the example's upstreams were rewritten" \
	test "$(grep -c "127.0.0.1:${port[1]}\|127.0.0.1:${port[2]}\|listen 127.0.0.1:$P;" "$T/ngx/site.conf")" = 3
cat >"$T/ngx/nginx.conf" <<EOF
daemon off;
master_process off;
pid $T/ngx/nginx.pid;
error_log $T/ngx/error.log;
events { worker_connections 256; }
http {
	access_log $T/ngx/access.log;
	client_body_temp_path $T/ngx/body;
	proxy_temp_path $T/ngx/proxy;
	fastcgi_temp_path $T/ngx/fastcgi;
	uwsgi_temp_path $T/ngx/uwsgi;
	scgi_temp_path $T/ngx/scgi;
	include $T/ngx/site.conf;
}
EOF
run nginx -t -c "$T/ngx/nginx.conf" -p "$T/ngx"
expect_rc "nginx -t accepts the example" 0
nginx -c "$T/ngx/nginx.conf" -p "$T/ngx" 2>"$T/ngx/stderr" &
ngx=$!
base="http://127.0.0.1:$P"
wait_up "$base/healthz" "$ngx"
check "nginx answers /healthz from the servers" test -n "$up"

# Both servers answer through the proxy: one leads the clock, the other
# does not, so both answers show among a few requests.
: >"$T/leaders"
for _ in $(seq 12); do
	curl -sf "$base/healthz" | jq -r .clock_leader >>"$T/leaders"
done
check "requests are spread over both servers (one leads, one follows)" \
	test "$(sort -u "$T/leaders" | tr '\n' ' ')" = "false true "

run curl -sf "$base/"
check "the page through the proxy" grep -q '<html' "$T/.out"
n=$(curl -sf "$base/api/v1/members" | jq '.members | length')
check "the API through the proxy ($n members)" test "${n:-0}" -ge 30

# A write through the proxy, read back through it: any server may serve
# either request.
run curl -sf -X POST "$base/api/v1/proposals" -H "Authorization: Bearer $sec" \
	-H 'Content-Type: application/json' \
	-d '{"body":"NAC","title":"Deploy check","text":"Through nginx."}'
id=$(printf '%s' "$out" | jq -r '.id // empty')
check "a write through the proxy is answered with its id" test -n "$id"
for _ in 1 2 3 4; do
	t=$(curl -sf "$base/api/v1/proposals/$id" -H "Authorization: Bearer $sec" | jq -r .title)
	[ "$t" = "Deploy check" ] || break
done
check "and read back through the proxy, from either server" test "$t" = "Deploy check"

# The stream through the proxy: open it after the last event, then commit
# one with the CLI (no server wrote it: the servers see it by the change
# signal), and wait for it to come through.
last=$("$COUNCIL" --db "$DB" log --json | tail -1 | jq .seq)
curl -sN "$base/api/v1/events/stream?after=$last" -H "Authorization: Bearer $sec" \
	>"$T/stream" 2>/dev/null &
stream=$!
COUNCIL_KEY="$T/log.key" c --db "$DB" propose --body NAC --title "Streamed" --text "Via nginx."
expect_rc "the CLI commits an event beside the servers" 0
got=""
for _ in $(seq 300); do
	grep -q '"Streamed"' "$T/stream" && { got=1; break; }
	sleep 0.1
done
check "the stream brings it through the proxy within 30 s" test -n "$got"
check "as the next event, $((last + 1))" grep -qx "id: $((last + 1))" "$T/stream"
