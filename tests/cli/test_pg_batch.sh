#!/bin/bash
# test_pg_batch.sh - the PostgreSQL store's batched, pipelined writes
# (issue 11), against a real PostgreSQL 15 (tests/pg/cluster.sh).  The
# writer sends a batch's statements ahead and waits once, keeps the log's
# size, the Merkle frontier, the nodes and events it wrote and the
# checkpoint it signed, and answers receipts from them; so a batch that
# mixes kinds of events and projections is where a mistake would show.
# One `council serve` takes, all at once, positions and comments from the
# 32 delegations on two proposals, an extension of a silence procedure,
# and the conclusion of a meeting that opens an office (registry events,
# "registry_seq"); then a second burst on the stores' other proposal.
#
#  - the writes were grouped: fewer checkpoints than acknowledged writes;
#  - every acknowledged position's receipt verifies with the log's key;
#  - `council verify` passes on the database (events, stored tree,
#    checkpoints, projections against the replay);
#  - `council migrate` to a SQLite file passes (it replays the log there
#    and compares the root and every projection row before committing),
#    and the two stores give the same checkpoint root and size, registry,
#    offices, proposals and positions.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_pg.sh"
DB=$(newdb batch)
unset COUNCIL_DB
export COUNCIL_KEY="$T/log.key"

declare -A tok
init_with_tokens "$DB"

start_serve "$DB"
check "the server answers" test -n "$up"
api() { # METHOD PATH TOKEN [BODY]: the answer's body; its status into $T/status.N
	curl -s -o - -w '\n%{http_code}' -X "$1" -H "Authorization: Bearer $3" \
		-H "Content-Type: application/json" "$base$2" ${4:+-d "$4"}
}
status_of() { tail -n 1 <<<"$1"; }
body_of() { sed '$d' <<<"$1"; }

r=$(api POST /api/v1/proposals "$sec" '{"body":"NAC","title":"Open a NATO liaison office in Tokyo","effects":[{"type":"open-office","id":"nlo-tokyo","name":"NATO Liaison Office Tokyo","city":"Tokyo","country":"JP","lat":"35.68","lon":"139.69"}]}')
p1=$(body_of "$r" | jq .id)
deadline=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
extended=$(date -u -d '+40 days' +%Y-%m-%dT%H:%M:%SZ)
r=$(api POST /api/v1/proposals "$sec" "{\"body\":\"NAC\",\"title\":\"A statement\",\"text\":\"v1\",\"procedure\":\"silence\",\"deadline\":\"$deadline\"}")
p2=$(body_of "$r" | jq .id)
check "two proposals opened" test "$p1" -ge 1 -a "$p2" -gt "$p1"

# A burst: every delegation concurs on p1 and writes on p2 (a comment from
# some, a footnote from others), the secretariat extends p2; all at once.
mkdir "$T/w"
# later FILE METHOD PATH TOKEN [BODY]: a write in the background, its
# answer into $T/w/FILE; wait_all: the writes started since the last (not
# the server)
writes=""
later() { api "${@:2}" >"$T/w/$1" & writes="$writes $!"; }
wait_all() { for w in $writes; do wait "$w"; done; writes=""; }
i=0
for m in $members; do
	i=$((i + 1))
	later "p1.$m" POST "/api/v1/proposals/$p1/positions" "${tok[$m]}" '{"position":"concur"}'
	if [ $((i % 3)) = 0 ]; then
		later "p2.$m" POST "/api/v1/proposals/$p2/positions" "${tok[$m]}" "{\"position\":\"comment\",\"text\":\"note $m\"}"
	else
		later "p2.$m" POST "/api/v1/proposals/$p2/positions" "${tok[$m]}" "{\"position\":\"footnote\",\"text\":\"fn $m\"}"
	fi
done
later extend POST "/api/v1/proposals/$p2/extend" "$sec" "{\"deadline\":\"$extended\"}"
wait_all
# Then the conclusion (an office opened: registry events) amid a second
# burst of footnotes on p2.
for m in $members; do
	later "q2.$m" POST "/api/v1/proposals/$p2/positions" "${tok[$m]}" "{\"position\":\"footnote\",\"text\":\"again $m\"}"
done
later conclude POST "/api/v1/proposals/$p1/conclude" "$sec" '{}'
wait_all

bad=0
for f in "$T"/w/*; do
	[ "$(status_of "$(cat "$f")")" = 200 ] || { bad=$((bad + 1)); echo "# $(basename "$f"): $(head -c 300 "$f")"; }
done
check "every write of the bursts acknowledged (200)" test "$bad" = 0
check "the conclusion adopted p1" test "$(body_of "$(cat "$T/w/conclude")" | jq -r .outcome)" = adopted
nw=$(ls "$T/w" | wc -l)
cps=$("${PSQL[@]}" -At -d batch -c "SELECT count(*) FROM checkpoints WHERE size > (SELECT min(seq) FROM events WHERE proposal = $p2)")
check "the writes were grouped: $cps checkpoints for $nw writes" test "$cps" -ge 1 -a "$cps" -lt "$nw"

# Every position's receipt verifies with the log key.
vkey=$("$COUNCIL" --db "$DB" log key)
rbad=0 rn=0
for f in "$T"/w/p1.* "$T"/w/p2.* "$T"/w/q2.*; do
	body_of "$(cat "$f")" | jq .receipt >"$T/r.json"
	rn=$((rn + 1))
	"$COUNCIL" receipt verify "$T/r.json" --log-key "$vkey" >/dev/null 2>"$T/r.err" ||
		{ rbad=$((rbad + 1)); echo "# $(basename "$f"): $(cat "$T/r.err")"; }
done
check "all $rn receipts of the batched writes verify" test "$rbad" = 0

kill "$srv" && wait "$srv" 2>/dev/null
srv=""
c --db "$DB" verify
expect_rc "the database verifies (tree, checkpoints, projections against the replay)" 0

S="$T/copy.db"
c migrate --from "$DB" --to "$S"
expect_rc "migrated to SQLite: the replay there gives the same root and projections" 0
for q in "log checkpoint" "members --json" "offices --json" "proposals --json"; do
	# shellcheck disable=SC2086
	a=$("$COUNCIL" --db "$DB" $q 2>&1) b=$("$COUNCIL" --db "$S" $q 2>&1)
	if [ -n "$a" ] && [ "$a" = "$b" ]; then ok "$q: the same on both"; else not_ok "$q: the same on both" "$(diff <(echo "$a") <(echo "$b") | head -5)"; fi
done
for p in "$p1" "$p2"; do
	a=$("$COUNCIL" --db "$DB" show "$p" --json) b=$("$COUNCIL" --db "$S" show "$p" --json)
	check "proposal $p with its positions: the same on both" test -n "$a" -a "$a" = "$b"
done
tokyo=$("$COUNCIL" --db "$S" offices --json 2>/dev/null | jq '[.offices[] | select(.id == "nlo-tokyo")] | length' 2>/dev/null)
check "the office the conclusion opened is in the copy's registry" test "$tokyo" = 1

