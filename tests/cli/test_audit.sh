#!/bin/bash
# The record as an auditor checks it (issue 9): verify never cries wolf on
# an untouched store, needs only a copy of the database and the published
# key, and gives the same answer on a store being written as at rest.
. "$(dirname "$0")/lib.sh"

c init --at 2025-01-10
c log key
echo "$out" > "$T/vkey"

# A proposal's view reads the registry as of its date (the treaty-area
# check of an open-office effect).  XK admitted "effective 2025-01-01"
# after the office was decided: XK was a member on the office's date.
c propose --body NAC --title "Office in XK" \
	--effect "open-office:id=nlo-pristina,name=Office Pristina,city=Pristina,country=XK" \
	--at 2025-02-01
c conclude 1 --at 2025-02-02
c show 1 --json
expect_json "the office is out of area while XK is not a member" '.effects[0].out_of_area' true
c propose --body NAC --title "Admit XK" \
	--effect "admit-member:code=XK,name=Kosovo,effective=2025-01-01" --at 2025-03-01
c conclude 2 --at 2025-03-02
expect_rc "XK is admitted" 0
c verify --log-key "$T/vkey"
expect_rc "verify passes on the untouched store" 0
c show 1 --json
expect_json "the view now finds XK a member on the office's date" '.effects[0].out_of_area' false
stored=$(sqlite3 "$COUNCIL_DB" "SELECT doc FROM proposals WHERE id = 1" | jq -c '.effects[0].out_of_area')
check "and the stored view (the API's) says the same" test "$stored" = false

# An auditor's copy: the database alone, no .key file, read-only.
mkdir "$T/audit"
sqlite3 "$COUNCIL_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp "$COUNCIL_DB" "$T/audit/copy.db"
chmod 444 "$T/audit/copy.db"
check "the copy has no signing key beside it" test ! -e "$T/audit/copy.db.key"
run "$COUNCIL" --db "$T/audit/copy.db" verify --log-key "$T/vkey"
expect_rc "a copy without its .key verifies with the published key" 0
check "and says so" grep -q "projections match a replay" "$T/.out"
check "verify wrote no key beside the copy" test ! -e "$T/audit/copy.db.key"
run "$COUNCIL" --db "$T/audit/copy.db" verify --log-key "$T/vkey" --json
expect_json "the JSON answer agrees" .ok true

# A store being written: a server takes positions from several
# delegations while verify and log export run; each reads one snapshot.
export COUNCIL_DB="$T/live.db"
c init --at 2025-01-10
c log key
echo "$out" > "$T/livekey"
port=$(free_port)
members="BE CA DK FR DE IT NL NO"
declare -A tok
for m in $members; do
	tok[$m]=$("$COUNCIL" --db "$COUNCIL_DB" token issue --member "$m" 2>/dev/null)
done
sec=$("$COUNCIL" --db "$COUNCIL_DB" token issue --role secretariat 2>/dev/null)
"$COUNCIL" --db "$COUNCIL_DB" serve --listen "127.0.0.1:$port" --threads 2 \
	2>"$T/serve.err" &
srv=$!
trap 'kill $srv 2>/dev/null; wait $srv 2>/dev/null; rm -rf "$T"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 100); do
	curl -sf "$base/healthz" >/dev/null && break
	sleep 0.1
done
id=$(curl -sf -X POST -H "Authorization: Bearer $sec" -H "Content-Type: application/json" "$base/api/v1/proposals" \
	-d '{"body":"NAC","title":"Under load"}' | jq -r .id)
check "the server took a proposal" test -n "$id"
pids=""
for m in $members; do
	positions "${tok[$m]}" "$base" "$id" 40 &
	pids="$pids $!"
done
# Verify and export until the writers are done (at least three rounds).
# under: the rounds during which the log grew (its events counted before
# and after), so verify and export ran beside writes
events() { sqlite3 -readonly "$COUNCIL_DB" "SELECT count(*) FROM events"; }
rounds=0 bad=0 under=0
while [ $rounds -lt 3 ] || kill -0 $pids 2>/dev/null; do
	rounds=$((rounds + 1))
	n0=$(events)
	if ! "$COUNCIL" --db "$COUNCIL_DB" verify --log-key "$T/livekey" >"$T/v.out" 2>&1; then
		bad=$((bad + 1))
		cp "$T/v.out" "$T/v.bad"
	fi
	if ! "$COUNCIL" --db "$COUNCIL_DB" log export "$T/live.jsonl" 2>"$T/e.out" ||
	   ! "$COUNCIL" --db "$COUNCIL_DB" verify --export "$T/live.jsonl" \
		--log-key "$T/livekey" >>"$T/e.out" 2>&1; then
		bad=$((bad + 1))
		cp "$T/e.out" "$T/e.bad"
	fi
	[ "$(events)" -gt "$n0" ] && under=$((under + 1))
done
wrote=0
for p in $pids; do wait "$p" && wrote=$((wrote + 1)); done
check "every writer was answered" test "$wrote" = 8
check "verify and export agreed with themselves in all $rounds rounds, $under of them beside writes" \
	test "$bad" = 0 -a "$under" -ge 1
[ "$bad" = 0 ] || cat "$T/v.bad" "$T/e.bad" 2>/dev/null | head -5
n=$(sqlite3 "$COUNCIL_DB" "SELECT count(*) FROM events WHERE type = 'position.stated'")
check "the writers' 320 positions are on the record" test "$n" -ge 320
kill $srv
wait $srv 2>/dev/null
c verify --log-key "$T/livekey"
expect_rc "and the store verifies at rest" 0
