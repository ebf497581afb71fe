#!/bin/bash
# The writer's world from a snapshot (issue 14 item 1): writes store
# snapshots beside the log, a write opens from the newest and folds only
# the events after it, and a snapshot that does not match the log (a byte
# changed, another seq, another event's hash) is not trusted: the command
# still works on the world folded from the log, a warning says why,
# `verify` names the snapshot, and the next write replaces it.
. "$(dirname "$0")/lib.sh"

# A snapshot every 5 events, so a short history has several.
export COUNCIL_SNAPSHOT_EVERY=5
snaps() { sqlite3 "$COUNCIL_DB" "SELECT group_concat(seq, ' ') FROM (SELECT seq FROM snapshots ORDER BY seq DESC)"; }
last() { sqlite3 "$COUNCIL_DB" "SELECT max(seq) FROM events"; }
newest() { sqlite3 "$COUNCIL_DB" "SELECT max(seq) FROM snapshots"; }

c init --at 2024-01-01
expect_rc "init" 0
day=2
for i in 1 2 3 4; do
	c propose --body NAC --title "Matter $i" --at 2024-01-0$day
	day=$((day + 1))
	c respond "$i" --member FR --concur --at 2024-01-0$day
done
expect_rc "a history of writes" 0
check "the newest two snapshots are kept" test "$(snaps | wc -w)" = 2
check "the newest is fewer than 5 events behind the log" \
	test $(($(last) - $(newest))) -lt 5
c verify
expect_rc "verify checks the snapshots against the replay" 0
check "and names none" test -z "$err"

# Writes from the snapshot give what the whole log gives: verify compares
# every projection the write made with a replay of the log.
c respond 1 --member DE --object --reason "No" --at 2024-01-09
expect_rc "a write opened from a snapshot" 0
check "no warning when the snapshot is trusted" test -z "$err"
c verify
expect_rc "its projections are the replay's" 0

# A snapshot is stored in parts (src/store/snapparts.h): its row holds
# "CNPARTS1" and per part a SHA-256 and a 4-byte length, each part a row of
# snapshot_parts.  These read the newest snapshot whole and store bytes in
# its place (as one part: how bytes are cut is not checked, only that the
# parts put together are the snapshot).
SNAPIO='
import hashlib, sqlite3, struct, sys
db = sqlite3.connect(sys.argv[1])
def load():
    seq, m = db.execute("SELECT seq, bytes FROM snapshots ORDER BY seq DESC LIMIT 1").fetchone()
    assert m[:8] == b"CNPARTS1", "a list of parts"
    out = b""
    for i in range(8, len(m), 36):
        h, n = m[i:i + 32], struct.unpack(">I", m[i + 32:i + 36])[0]
        part = db.execute("SELECT bytes FROM snapshot_parts WHERE hash = ?", (h,)).fetchone()[0]
        assert len(part) == n
        out += part
    return seq, out
def store(seq, b):
    assert len(b) <= 256 * 1024
    h = hashlib.sha256(b).digest()
    db.execute("INSERT OR REPLACE INTO snapshot_parts(hash, bytes) VALUES(?, ?)", (h, b))
    db.execute("UPDATE snapshots SET bytes = ? WHERE seq = ?",
               (b"CNPARTS1" + h + struct.pack(">I", len(b)), seq))
    db.commit()
'
flip() {
	"$PYTHON" - "$COUNCIL_DB" <<PY
$SNAPIO
seq, b = load()
b = bytearray(b)
b[len(b) // 2] ^= 0x20
store(seq, bytes(b))
PY
}

tamper_case() { # NAME CHANGE WARNING VERIFY
	local name=$1 change=$2 warning=$3 verify=$4 at
	if [ "$change" = flip ]; then flip; else sqlite3 "$COUNCIL_DB" "$change"; fi
	at=$(newest)
	c show 1
	expect_rc "$name: a read answers as before" 0
	c propose --body NAC --title "After $name" --procedure silence \
		--deadline 2024-03-01 --at 2024-02-0$((++month))
	expect_err "$name: the write works and the warning says why" 0 "$warning"
	check "$name: ... and that the world was folded from the log" \
		grep -q "is not trusted" "$T/.err"
	c verify
	expect_rc "$name: verify passes once the write replaced it" 0
	check "$name: the snapshot was replaced" test "$(newest)" = "$(last)"
	# Again, checked by verify before any write.
	if [ "$change" = flip ]; then flip; else sqlite3 "$COUNCIL_DB" "$change"; fi
	at=$(newest)
	c verify
	expect_err "$name: verify names the snapshot" 1 "snapshot at event $at"
	check "$name: ... and what is wrong with it" grep -q "$verify" "$T/.err"
	c respond "$(sqlite3 "$COUNCIL_DB" "SELECT max(id) FROM proposals")" \
		--member FR --concur --at 2024-02-0$((++month))
	expect_rc "$name: the next write replaces it" 0
	c verify
	expect_rc "$name: verify passes again" 0
}
month=0
tamper_case "a byte changed" flip "'digest'" "differs from the world replayed to it"
tamper_case "another seq" \
	"UPDATE snapshots SET seq = seq - 1 WHERE seq = (SELECT max(seq) FROM snapshots)" \
	"its bytes say event" "its hash is not the event's"
tamper_case "another event's hash" \
	"UPDATE snapshots SET hash = (SELECT hash FROM events WHERE seq = 2) WHERE seq = (SELECT max(seq) FROM snapshots)" \
	"another hash" "its hash is not the event's"

# Forged with its digest: someone who can write the database rewrites a
# title inside the newest snapshot and computes its SHA-256 again, with
# the writer's seal left as it was or cut off.  The digest then holds, so
# only the seal, keyed by the log's key outside the database, tells: the
# writer must not fold new events onto that world.
forge() { # keep|cut
	"$PYTHON" - "$COUNCIL_DB" "$1" <<PY
$SNAPIO
seq, b = load()
seal = b""
if b[-8:] == b"CNSEAL01":
    b, seal = b[:-40], b[-40:]
assert b.count(b"Matter 1") == 1, "the title is in the snapshot once"
core = b[:-32].replace(b"Matter 1", b"Mattex 1")
store(seq, core + hashlib.sha256(core).digest() + (seal if sys.argv[2] == "keep" else b""))
PY
}
sealed() {
	"$PYTHON" - "$COUNCIL_DB" <<PY
$SNAPIO
print(load()[1][-8:].decode("latin-1"))
PY
}
for how in keep cut; do
	if [ "$how" = keep ]; then who=IT; else who=ES; fi
	check "the writer seals its snapshots" test "$(sealed)" = CNSEAL01
	forge "$how"
	c respond 1 --member "$who" --concur --at 2024-02-1$((++month))
	if [ "$how" = keep ]; then why="its seal does not verify"; else why="carries no seal"; fi
	expect_err "forged with its digest, seal $how: the writer does not trust it" 0 "$why"
	c show 1 --json
	expect_json "forged, seal $how: the view the write made is the log's" .title "Matter 1"
	c verify
	expect_rc "forged, seal $how: verify passes once the write replaced it" 0
done
forge keep
c verify
expect_err "a forged snapshot is named by verify" 1 "differs from the world replayed to it"
c respond 1 --member NL --concur --at 2024-02-19
expect_rc "and the next write replaces it" 0

# Every snapshot gone or bad: the whole log is folded, and a store from
# before snapshots (no table) opens as well.
sqlite3 "$COUNCIL_DB" "UPDATE snapshots SET bytes = x'00'"
c propose --body NAC --title "All bad" --at 2024-02-20
expect_err "every snapshot bad: folded from the whole log" 0 "folded from the whole log"
sqlite3 "$COUNCIL_DB" "DROP TABLE snapshots"
c show 1
expect_rc "a store without the table reads" 0
c verify
expect_rc "a store without the table verifies" 0
c propose --body NAC --title "Table again" --at 2024-02-21
expect_rc "a write on it makes the table and a snapshot" 0
check "... the snapshot at its last event" test "$(newest)" = "$(last)"
c verify
expect_rc "and verifies" 0

# ---- a server's snapshots, made on a worker thread ---------------------------
# A server plans a snapshot at the commit that makes one due, a worker
# thread puts it together, and a later commit stores it.  After writes
# through the API: the newest snapshot is one the server stored, behind
# the log (it names the event it was planned at), an open starts from it
# without a warning, and verify compares it with the replay.
# (two events after the newest snapshot, which the server folds onto it)
COUNCIL_SNAPSHOT_EVERY=1000000 c propose --body NAC --title "After the snapshot" --at 2024-01-30
COUNCIL_SNAPSHOT_EVERY=1000000 c respond "$out" --member FR --concur --at 2024-01-30
before=$(newest)
logged=$(last)
check "the log is two events past its newest snapshot" test $((logged - before)) = 2
tok=$("$COUNCIL" token issue --role secretariat 2>/dev/null)
# A server started with its stderr in $1, N proposals posted through it
# (titled $2 and a number), then stopped; $posted says how many it kept.
through_server() {
	local log=$1 title=$2 n=$3 port i
	port=$(free_port)
	"$COUNCIL" serve --listen "127.0.0.1:$port" --threads 2 --web '' 2>"$log" &
	spid=$!
	wait_up "http://127.0.0.1:$port/healthz" "$spid"
	posted=0
	for i in $(seq 1 "$n"); do
		curl -sf -o /dev/null -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
			-d "{\"body\":\"NAC\",\"title\":\"$title $i\"}" \
			"http://127.0.0.1:$port/api/v1/proposals" && posted=$((posted + 1))
	done
	# each of its threads: name and nice value (/proc/PID/task/TID/stat,
	# field 19; the names have no spaces)
	for t in /proc/"$spid"/task/*; do
		echo "$(cat "$t/comm") $(cut -d' ' -f19 "$t/stat")"
	done > "$T/threads"
	kill "$spid"
	wait "$spid"
}
through_server "$T/serve.err" "Through the server" 30
check "the server started" test -n "$up"
check "its snapshot worker is behind its other threads for the processor (nice 19: $(tr '\n' ',' < "$T/threads"))" \
	sh -c "grep -qx 'snapshots 19' '$T/threads' && grep -qx 'council 0' '$T/threads'"
check "and said it started from the newest snapshot, then the $((logged - before)) events after it ($(grep world "$T/serve.err"))" \
	grep -Eq "^council: the world from the snapshot at event $before \([0-9.]+ MB\) in [0-9]+ ms, then $((logged - before)) events? in [0-9]+ ms$" "$T/serve.err"
check "30 proposals through the API" test "$posted" = 30
check "the server stored snapshots of its own ($before, then $(newest))" test "$(newest)" -gt "$before"
check "... each behind the log: planned at one commit, stored by a later one" \
	test "$(newest)" -lt "$(last)"
c show 1
expect_rc "an open after the server" 0
check "starts from the server's snapshot without a warning" test -z "$err"
c verify
expect_rc "the server's snapshots are the replay's" 0

# A snapshot that cannot be stored is not the write's failure: the store
# refuses the snapshot (here a trigger, as a full table or a constraint
# would), the write it rode in is kept, a warning says the snapshot was not
# stored, and it is not tried again at every commit but at the next interval.
sqlite3 "$COUNCIL_DB" "CREATE TRIGGER no_snapshots BEFORE INSERT ON snapshots BEGIN SELECT RAISE(ABORT, 'no room for snapshots'); END"
held=$(newest)
n0=$(last)
warned="" kept=0
for i in 1 2 3 4 5 6; do
	c propose --body NAC --title "After the trigger $i" --at 2024-02-0$i
	[ "$rc" = 0 ] && kept=$((kept + 1))
	warned+=$err
done
check "six CLI writes whose snapshot the store refuses, each kept ($kept)" test "$kept" = 6
check "the log has them" test "$(last)" -ge $((n0 + 6))
check "a warning says the snapshot was not stored ($warned)" grep -q "snapshot at event .* was not stored (the write was): .*no room for snapshots" <<<"$warned"
check "and no snapshot was" test "$(newest)" = "$held"
sqlite3 "$COUNCIL_DB" "DROP TRIGGER no_snapshots"
c verify
expect_rc "the log with the refused snapshot verifies" 0
# The server: its worker's snapshot refused at a later commit, which is kept.
sqlite3 "$COUNCIL_DB" "CREATE TRIGGER no_snapshots BEFORE INSERT ON snapshots BEGIN SELECT RAISE(ABORT, 'no room for snapshots'); END"
held=$(newest)
through_server "$T/serve2.err" "Refused snapshot" 20
check "every write through the server kept while its snapshots are refused ($posted)" test "$posted" = 20
check "the server warned ($(head -c 300 "$T/serve2.err"))" grep -q "snapshot at event .* was not stored (the write was): .*no room for snapshots" "$T/serve2.err"
w=$(grep -c 'was not stored' "$T/serve2.err")
check "tried once an interval (every 5 events), not at each of the 20 commits ($w)" test "$w" -ge 1 -a "$w" -le 5
check "and stored none" test "$(newest)" = "$held"
sqlite3 "$COUNCIL_DB" "DROP TRIGGER no_snapshots"
c verify
expect_rc "the log verifies" 0
