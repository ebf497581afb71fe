#!/bin/bash
# The verifiable record (issue 5): signed checkpoints, receipts checked
# offline, exported logs verified without the store, and each way of
# tampering detected and named; blinded leaves and exports per audience
# (issue 9).
. "$(dirname "$0")/lib.sh"

# An event's leaf as an outsider computes it (core/event.h), with OpenSSL
# and coreutils: SHA-256(0x00 || HMAC-SHA256(key = salt, bytes)).
# leaf SALT_HEX BYTES -> 64 hex digits
leaf() {
	local c
	c=$(printf '%s' "$2" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$1" | sed 's/.*= //')
	{ printf '\0'; printf '%s' "$c" | xxd -r -p; } | sha256sum | cut -c1-64
}

c init --at 2024-01-01
check "init writes the log key beside the store, private" \
	test "$(stat -c %a "$COUNCIL_DB.key")" = 600
c log key
expect_rc "log key prints the public key" 0
echo "$out" > "$T/vkey"
check "the vkey names its key" grep -q '^council-log-[0-9a-f]*+[0-9a-f]*+' "$T/vkey"
c propose --body NAC --title "A" --at 2024-01-02
c respond 1 --member FR --object --reason "letter" --at 2024-01-03 --receipt "$T/receipt.json"
expect_rc "a position with a receipt" 0
c receipt verify "$T/receipt.json" --log-key "$T/vkey"
expect_rc "the receipt verifies offline" 0
check "and says which event it proves" grep -q "position.stated by delegation:FR" "$T/.out"
c log checkpoint
check "the checkpoint is a C2SP signed note" grep -q "^— council-log-" "$T/.out"
cp "$T/.out" "$T/cp1.note"

# a receipt checked with another log's key, or with a changed event, fails
"$COUNCIL" --db "$T/other.db" init >/dev/null 2>&1
"$COUNCIL" --db "$T/other.db" log key > "$T/otherkey"
c receipt verify "$T/receipt.json" --log-key "$T/otherkey"
expect_err "a receipt does not verify under another log's key" 1 "checkpoint"
jq '.event |= sub("letter"; "lettre")' "$T/receipt.json" > "$T/forged.json"
c receipt verify "$T/forged.json" --log-key "$T/vkey"
expect_err "a receipt whose event was changed does not verify" 1 "does not verify"
c receipt verify "$T/receipt.json"
expect_err "a receipt needs the published key" 1 "--log-key"
check "the receipt carries the event's salt" test "$(jq -r .salt "$T/receipt.json" | base64 -d | wc -c)" = 32
salt=$(jq -r .salt "$T/receipt.json" | base64 -d | xxd -p -c 64)
idx=$(jq -r .index "$T/receipt.json")
check "its leaf is SHA-256(0x00 || HMAC(salt, event)), as an outsider computes it" \
	test "$(leaf "$salt" "$(jq -r .event "$T/receipt.json")")" = \
	"$(sqlite3 "$COUNCIL_DB" "SELECT lower(hex(hash)) FROM events WHERE seq = $((idx + 1))")"
jq --arg s "$(head -c 32 /dev/urandom | base64)" '.salt = $s' "$T/receipt.json" > "$T/forged.json"
c receipt verify "$T/forged.json" --log-key "$T/vkey"
expect_err "a receipt with another salt does not verify" 1 "does not verify"
jq 'del(.salt)' "$T/receipt.json" > "$T/forged.json"
c receipt verify "$T/forged.json" --log-key "$T/vkey"
expect_err "a receipt without its salt is refused" 1 "not a council receipt"
jq '.council_receipt = 1' "$T/receipt.json" > "$T/forged.json"
c receipt verify "$T/forged.json" --log-key "$T/vkey"
expect_err "a receipt of the old format is refused, saying why" 1 "format 2 (blinded leaves)"

# export and verify without the database
c respond 1 --member DE --concur --at 2024-01-04
c log export "$T/log.jsonl"
expect_rc "log export" 0
# a file the disk cannot take: the write fails, whether when stdio's
# buffer fills or when the file is closed, and says so
c log export /dev/full
expect_err "log export to a full disk fails, saying so" 1 "writing the export failed"
mv "$COUNCIL_DB" "$T/away.db"
c verify --export "$T/log.jsonl" --log-key "$T/vkey"
expect_rc "an exported log verifies with no store at all" 0
# the seed (the alliance and one event per dataset record) and 3 events
events=$(jq '1 + ([.members, .bodies, .partners, .offices] | map(length) | add) + 3' \
	"$ROOT/data/nato.json")
check "every event and checkpoint counted" grep -q "ok: $events events" "$T/.out"
check "and none of them as commitments" grep -q "export for all, 0 of them checked only as commitments" "$T/.out"
check "every event of a full export has its salt" \
	test "$(grep -c '^{"salt":"[A-Za-z0-9+/]\{43\}=","event":{' "$T/log.jsonl")" = "$events"
mv "$T/away.db" "$COUNCIL_DB"
sed '50s/"name":"/"name":"X/' "$T/log.jsonl" > "$T/bad.jsonl"
c verify --export "$T/bad.jsonl" --log-key "$T/vkey"
expect_err "a changed event of an export is named itself (line 50 holds event 49)" 1 "line 50 (event 49): changed"
# A NUL byte inside a line: an export is text, and the rest of the line
# is not skipped (fuzz_export found a header followed by NULs and junk
# verifying as the empty log).
{ head -n 1 "$T/log.jsonl" | tr -d '\n'; printf '\0\0junk\n'; } > "$T/nul1.jsonl"
c verify --export "$T/nul1.jsonl"
expect_err "a NUL byte after the header is refused, naming line 1" 1 "line 1: a NUL byte"
{ head -n 49 "$T/log.jsonl"; sed -n '50p' "$T/log.jsonl" | sed 's/"name":"/"name":"\x00/'; tail -n +51 "$T/log.jsonl"; } > "$T/nul50.jsonl"
c verify --export "$T/nul50.jsonl" --log-key "$T/vkey"
expect_err "a NUL byte inside an event is refused, naming its line" 1 "line 50 (event 49): a NUL byte"
# An event the fold refuses is named by its line, and before a later line
# that is wrong by itself: the earliest fault in the file, whichever part
# of the verifier finds each.
sed '3s/"type":"member.admitted"/"type":"member.admittex"/' "$T/log.jsonl" > "$T/early.jsonl"
c verify --export "$T/early.jsonl" --log-key "$T/vkey"
expect_err "an event of a type no council knows is refused, naming its line" 1 \
	"line 3: event 2 (member.admittex): unknown event type"
sed '3s/"type":"member.admitted"/"type":"member.admittex"/; 60s/^{"salt":"./{"salt":"-/' \
	"$T/log.jsonl" > "$T/early.jsonl"
c verify --export "$T/early.jsonl" --log-key "$T/vkey"
expect_err "and it is named first when line 60 is malformed too" 1 \
	"line 3: event 2 (member.admittex): unknown event type"
head -n 60 "$T/log.jsonl" > "$T/short.jsonl"
grep '^{"checkpoint"' "$T/log.jsonl" >> "$T/short.jsonl"
c verify --export "$T/short.jsonl" --log-key "$T/vkey"
expect_err "a truncated export fails against its checkpoints" 1 "truncated"
# A checkpoint line is the note as the exporter writes it, byte for byte:
# the same note in another JSON spelling is refused, whichever of the
# reader's two ways (export_verify.c: the exporter's narrow form read
# directly, any other line by jansson) reads it.
lastcp=$(wc -l < "$T/log.jsonl")
respelled() {
	sed "${lastcp}s|$1|$2|" "$T/log.jsonl" > "$T/spelt.jsonl"
	if cmp -s "$T/spelt.jsonl" "$T/log.jsonl"; then not_ok "$3" "the edit changed nothing"; return; fi
	c verify --export "$T/spelt.jsonl" --log-key "$T/vkey"
	expect_err "$3" 1 "line $lastcp: bad checkpoint line"
}
respelled '\\n' '\\u000a' "a newline of a note spelt \\u000a is refused"
respelled '—' '\\u2014' "the signature's dash spelt \\u2014 is refused"
respelled '^{"checkpoint":' '{"checkpoint": ' "a space after the key is refused"
respelled 'council-log-' '\\u0063ouncil-log-' "a letter spelt \\u0063 is refused"
respelled '"}$' '","x":1}' "a second key is refused"
respelled '\\n' '\\q' "an escape JSON does not have is refused"
# A note JSON reads (jansson's way) but with a character the exporter's
# narrow form has not: read, then its signature fails.
sed "${lastcp}s/council-log-/conseil-log-é/" "$T/log.jsonl" > "$T/spelt.jsonl"
c verify --export "$T/spelt.jsonl" --log-key "$T/vkey"
expect_err "a note with an accent reads, and its signature does not verify" 1 "line $lastcp: checkpoint"
check "and it is not called a bad line" sh -c "! grep -q 'bad checkpoint line' '$T/.err'"

# A regular file is mapped whole and read in place (export_verify.c), and
# anything else, a pipe here, is read through stdio: every file above
# gets the same answer either way, word for word but for its name.
head -c -1 "$T/log.jsonl" > "$T/unended.jsonl"
c verify --export "$T/unended.jsonl" --log-key "$T/vkey"
expect_err "an export whose last line has no newline is refused, naming it" 1 \
	"line $lastcp: the line does not end with a newline"
for f in log bad nul1 nul50 early short spelt unended; do
	a=$("$COUNCIL" verify --export "$T/$f.jsonl" --log-key "$T/vkey" 2>&1; echo "exit $?")
	b=$(cat "$T/$f.jsonl" | "$COUNCIL" verify --export /dev/stdin --log-key "$T/vkey" 2>&1; echo "exit $?")
	check "$f.jsonl gets the same answer read through a pipe" \
		test "${a//$T\/$f.jsonl/FILE}" = "${b//\/dev\/stdin/FILE}"
done
check "and those answers differ from one another" \
	test "$(for f in log bad nul1 early short unended; do "$COUNCIL" verify --export "$T/$f.jsonl" \
		--log-key "$T/vkey" 2>&1 | sed "s|$T/$f.jsonl|FILE|"; done | sort -u | wc -l)" = 6
# A file cut in the middle of a line at the end of a page: the last line
# is read to the mapping's end and no further, and named.
head -c 8192 "$T/log.jsonl" > "$T/page.jsonl"
cut=$(($(wc -l < "$T/page.jsonl") + 1))
check "the file ends in the middle of line $cut" test "$(tail -c 1 "$T/page.jsonl" | xxd -p)" != 0a
c verify --export "$T/page.jsonl" --log-key "$T/vkey"
expect_err "an export cut at a page's end names its last line" 1 "line $cut (event $((cut - 1))): malformed event entry"
cat "$T/page.jsonl" | "$COUNCIL" verify --export /dev/stdin --log-key "$T/vkey" > "$T/.out" 2> "$T/.err"
rc=$?
expect_err "and so does the same file through a pipe" 1 "/dev/stdin: line $cut (event $((cut - 1))): malformed event entry"

# the store: append-only, and each tamper named
sqlite3 "$COUNCIL_DB" "DELETE FROM checkpoints" 2>"$T/.trig"
check "checkpoints refuse DELETE" grep -q "append-only" "$T/.trig"
sqlite3 "$COUNCIL_DB" "UPDATE merkle_nodes SET hash = hash" 2>"$T/.trig"
check "the Merkle tree refuses UPDATE" grep -q "append-only" "$T/.trig"
c verify --log-key "$T/vkey"
expect_rc "the store verifies against the published key" 0
c verify --log-key "$T/otherkey"
expect_err "and not against another log's key" 1 "checkpoint at size"
cp "$COUNCIL_DB" "$T/clean.db"
tamper() { tamper_copy "$T/clean.db" "$1"; }
tamper "$(swap_events_sql 30 31)"
c verify --log-key "$T/vkey"
expect_err "two swapped events are named" 1 "event 30"
tamper "UPDATE merkle_nodes SET hash = zeroblob(32) WHERE level = 2 AND idx = 3"
c verify --log-key "$T/vkey"
expect_err "a changed Merkle node is named" 1 "Merkle node (2, 3)"
tamper "UPDATE checkpoints SET note = replace(note, substr(note, -10, 4), 'AAAA') WHERE size = (SELECT max(size) FROM checkpoints)"
c verify --log-key "$T/vkey"
expect_err "a replaced checkpoint is named" 1 "checkpoint at size"
# a rollback: an older copy of the store, checked against a checkpoint kept later
cp "$T/clean.db" "$COUNCIL_DB"
cp "$T/clean.db" "$T/old.db"
c respond 1 --member US --concur --at 2024-01-05
c log checkpoint
cp "$T/.out" "$T/later.note"
cp "$T/old.db" "$COUNCIL_DB"
rm -f "$COUNCIL_DB-wal" "$COUNCIL_DB-shm"
c verify --log-key "$T/vkey"
expect_rc "a rolled-back copy is consistent in itself" 0
c verify --log-key "$T/vkey" --checkpoint "$T/later.note"
expect_err "but not with a checkpoint kept from later" 1 "rolled back"
c verify --log-key "$T/vkey" --checkpoint "$T/cp1.note"
expect_rc "and is consistent with an earlier one" 0

# delegation keys: a signed objection, a refused forgery, a forged
# signature in the store named by verify
cp "$T/clean.db" "$COUNCIL_DB"
rm -f "$COUNCIL_DB-wal" "$COUNCIL_DB-shm"
c keygen --name FR-2024 --out "$T/fr.key"
expect_rc "keygen" 0
check "the secret key file is private" test "$(stat -c %a "$T/fr.key")" = 600
c key register --member FR --vkey "$T/fr.key.pub" --at 2024-01-06
expect_rc "the secretariat registers FR's key" 0
c key register --member JP --vkey "$T/fr.key.pub" --at 2024-01-06
expect_err "a partner has no delegation key to register" 1 "unknown member code 'JP'"
c propose --body NAC --title "Signed" --procedure silence --deadline 2024-02-01 --at 2024-01-07
id=$out
c keygen --name someone-else --out "$T/evil.key"
c respond "$id" --member FR --object --reason "letter" --sign "$T/evil.key" --at 2024-01-08
expect_err "a position signed with another key is refused" 1 "does not verify with its registered key FR-2024"
c respond "$id" --member FR --object --reason "letter of objection" --sign "$T/fr.key" --at 2024-01-08 --receipt "$T/signed.json"
expect_rc "FR breaks silence with a signed letter" 0
check "the signature is in the event" grep -q 'signature' "$T/signed.json"
c verify --log-key "$T/vkey"
expect_rc "signed positions verify" 0
# the operator rewrites the letter and fixes up the hash: the signature betrays it
seq=$(sqlite3 "$COUNCIL_DB" "SELECT max(seq) FROM events WHERE type = 'silence.broken'")
forged=$(sqlite3 "$COUNCIL_DB" "SELECT replace(bytes, 'letter of objection', 'letter of support') FROM events WHERE seq = $seq")
hash=$(leaf "$(sqlite3 "$COUNCIL_DB" "SELECT hex(salt) FROM events WHERE seq = $seq")" "$forged")
sqlite3 "$COUNCIL_DB" "DROP TRIGGER events_no_update; UPDATE events SET bytes = '$forged', hash = X'$hash' WHERE seq = $seq"
c verify --log-key "$T/vkey"
expect_err "a forged delegation signature is named" 1 "event $seq (silence.broken): delegation signature does not verify"

# an exported log: lines after the last checkpoint are refused; a signed
# lift after an unsigned reservation verifies
cp "$T/clean.db" "$COUNCIL_DB"
rm -f "$COUNCIL_DB-wal" "$COUNCIL_DB-shm"
c key register --member FR --vkey "$T/fr.key.pub" --at 2024-01-06
c propose --body NAC --title "Held" --at 2024-01-07
id=$out
c respond "$id" --member FR --reserve --at 2024-01-08
c respond "$id" --member FR --lift --sign "$T/fr.key" --at 2024-01-09
expect_rc "a signed lift" 0
c log export "$T/lift.jsonl"
c verify --export "$T/lift.jsonl" --log-key "$T/vkey"
expect_rc "an export with a signed lift after an unsigned reservation verifies" 0
last=$(grep -v '^{"checkpoint"' "$T/lift.jsonl" | tail -1)
lastsalt=$(printf '%s' "$last" | cut -c10-53 | base64 -d | xxd -p -c 64)
lasthash=$(leaf "$lastsalt" "$(printf '%s' "$last" | cut -c64- | sed 's/}$//')")
nseq=$(( $(grep -vc '^{"checkpoint"' "$T/lift.jsonl") ))
ev=$(printf '{"actor":"delegation:FR","payload":{"member":"FR","proposal":%d},"prev":"%s","seq":%d,"time":"2024-01-10T00:00:00Z","type":"comment.made"}' "$id" "$lasthash" "$nseq")
{ grep -v '^{"checkpoint"' "$T/lift.jsonl"
  printf '{"salt":"%s","event":%s}\n' "$(head -c 32 /dev/urandom | base64)" "$ev"
  grep '^{"checkpoint"' "$T/lift.jsonl"; } > "$T/appended.jsonl"
c verify --export "$T/appended.jsonl" --log-key "$T/vkey"
expect_err "an event appended after the last checkpoint is refused" 1 "not covered by any signed checkpoint"

# exports per audience: what the principal may see in full, with salts;
# the rest as leaf hashes.  An NPG item (France does not sit on the NPG)
# with positions; the earlier NAC proposal is open.
c propose --body NPG --title "Nuclear planning item" --at 2024-01-11
npg=$out
c respond "$npg" --member DE --object --reason "no" --at 2024-01-12
c respond "$npg" --member US --concur --at 2024-01-12
hidden=$(sqlite3 "$COUNCIL_DB" "SELECT count(*) FROM events WHERE proposal = $npg")
nac=$(sqlite3 "$COUNCIL_DB" "SELECT count(*) FROM events WHERE proposal IS NOT NULL AND proposal <> $npg")
total=$(sqlite3 "$COUNCIL_DB" "SELECT count(*) FROM events")
c log key
for who in public partner:JP member:FR member:DE all; do
	c log export "$T/for.jsonl" --for "$who"
	expect_rc "log export --for $who" 0
	cp "$T/for.jsonl" "$T/for-${who/:/-}.jsonl"
	mv "$COUNCIL_DB" "$T/away.db"
	c verify --export "$T/for.jsonl" --log-key "$T/vkey"
	expect_rc "the export for $who verifies with no store and the public key" 0
	mv "$T/away.db" "$COUNCIL_DB"
	case $who in
	public|partner:JP) want=$((hidden + nac)) ;; # nothing adopted, nothing shared
	member:FR) want=$hidden ;;                   # FR sits on the NAC, not the NPG
	member:DE|all) want=0 ;;                     # DE sits on both
	esac
	check "verify --export counts $want entries of the export for $who as commitments only" \
		grep -q "export for $who, $want of them checked only as commitments" "$T/.out"
	check "the export for $who has one entry per event" \
		test "$(grep -vc '^{"checkpoint"\|^{"council_log"' "$T/for.jsonl")" = "$total"
done
check "the header names the audience" grep -q '^{"council_log":2,"vkey":"council-log-[^"]*","audience":"partner:JP"}$' "$T/for-partner-JP.jsonl"
check "a hidden position is a leaf hash only: no salt, no bytes" \
	sh -c "! grep -q '\"proposal\":$npg' '$T/for-public.jsonl' && ! grep -q 'delegation:DE' '$T/for-public.jsonl'"
pos=$(sqlite3 "$COUNCIL_DB" "SELECT seq FROM events WHERE proposal = $npg AND type = 'position.stated' LIMIT 1")
check "which is the event's leaf, in its place" \
	grep -q "^{\"leaf\":\"$(sqlite3 "$COUNCIL_DB" "SELECT hex(hash) FROM events WHERE seq = $pos" | xxd -r -p | base64 -w0)\",\"seq\":$pos}$" "$T/for-public.jsonl"
check "the registry is everyone's: its events are in full in the public export" \
	test "$(grep -c '^{"salt":' "$T/for-public.jsonl")" = $((total - hidden - nac))
first=$(awk '/^{"leaf"/ { l = NR } /^{"salt"/ && l == NR - 1 { print l; exit }' "$T/for-public.jsonl")
last=$(grep -n '^{"leaf"' "$T/for-public.jsonl" | tail -1 | cut -d: -f1)
check "the last entries of the public export are the hidden positions" test "$last" = $((total + 1))
# edited SED NAME MESSAGE: the public export edited by SED fails to verify,
# saying MESSAGE
edited() {
	sed "$1" "$T/for-public.jsonl" > "$T/bad.jsonl"
	if cmp -s "$T/bad.jsonl" "$T/for-public.jsonl"; then not_ok "$2" "the edit changed nothing"; return; fi
	c verify --export "$T/bad.jsonl" --log-key "$T/vkey"
	expect_err "$2" 1 "$3"
}
edited "${first}s/^{\"leaf\":\"[A-Za-z0-9+\/]\{4\}/{\"leaf\":\"AAAA/" \
	"a changed commitment-only entry breaks the chain of the full event after it, which names it" \
	"line $first (event $((first - 1))): changed: its hash is not the one event $first records"
edited "${last}s/^{\"leaf\":\"[A-Za-z0-9+\/]\{4\}/{\"leaf\":\"AAAA/" \
	"and the last one, against the signed root, which names it" \
	"line $last (event $((last - 1))): changed: the signed checkpoint of size"
edited "${last}d" "a commitment-only entry removed is missed by the signed tree" "truncated"
# salts and leaves are canonical base64 of 32 bytes, nothing else
edited '2s/^{"salt":"./{"salt":"-/' "a salt in the URL alphabet is refused" "line 2 (event 1): malformed event entry"
edited "${last}s/^\({\"leaf\":\"[A-Za-z0-9+\/]\{42\}\)[AEIMQUYcgkosw048]=/\1B=/" \
	"a leaf whose last digit has unused bits set is refused" "line $last (event $((last - 1))): malformed commitment entry"
edited '2s/=","event"/","event"/' "a salt without its padding is refused" "line 2 (event 1): malformed event entry"
edited "${last}s/\"seq\":[0-9]*}\$/\"seq\":14000000000000000000000}/" \
	"a commitment's seq beyond what an integer holds is malformed, not an overflow" \
	"line $last (event $((last - 1))): malformed commitment entry"
# The header's audience, which no signature covers, must be one the file
# can be; judged last, after the chain and the checkpoints.
edited '1s/"audience":"public"/"audience":"member:XX"/' \
	"an export labelled for a member the log's registry does not know is refused" \
	"line 1: the audience names member XX, whom the log's registry does not know"
edited '1s/"audience":"public"/"audience":"all"/' \
	"an export labelled for all that holds commitments is refused" \
	"line 1: the audience is all, yet $((hidden + nac)) entries are commitments only"
edited "1s/\"audience\":\"public\"/\"audience\":\"member:XX\"/; \$d" \
	"with a checkpoint gone as well, the checkpoints are named first" \
	"not covered by any signed checkpoint"
c log export "$T/x.jsonl" --for member:XX
expect_err "an export for a member the registry does not know is refused" 1 "unknown member code 'XX'"
c log export "$T/x.jsonl" --for delegation:FR
expect_err "an audience that is none is refused" 2 "want all, public, member:CODE or partner:CODE"

# a proposal the audience sees after ones it may not see: the proposal
# ids it is shown skip the hidden ones, and its export still verifies
c propose --body NAC --title "Silence after the NPG item" --procedure silence --deadline 2024-01-20T12:00:00Z --at 2024-01-13
after=$out
c conclude "$after" --at 2024-01-21
check "the later proposal is adopted (the clock concludes it at its deadline)" \
	grep -q "proposal $after was concluded on 2024-01-20T12:00:00Z (adopted" "$T/.err"
for who in member:FR partner:JP public; do
	c log export "$T/for.jsonl" --for "$who"
	c verify --export "$T/for.jsonl" --log-key "$T/vkey"
	expect_rc "an export for $who that skips hidden proposal ids verifies" 0
done
check "the adopted proposal is in full in the public export" \
	grep -q "\"id\":$after,\"level\"\|\"proposal\":$after" "$T/for.jsonl"

# a store of the format before blinded leaves is refused, saying why
cp "$COUNCIL_DB" "$T/v2.db"
sqlite3 "$T/v2.db" "PRAGMA user_version = 2"
"$COUNCIL" --db "$T/v2.db" show 1 >"$T/.out" 2>"$T/.err"; rc=$?
expect_err "a version-2 store is refused: the record format changed" 1 "the record format changed"
