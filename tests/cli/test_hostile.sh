#!/bin/bash
# Hostile and careless input through the CLI: nothing may make a store
# unreadable or put into the registry what it should refuse, and an
# interrupted `council init` leaves either nothing or a whole store.
#   - times past the range the log can read back (issue 10, defect 1)
#   - registry codes and effect values (defect 4)
#   - init killed at many points (defect 6), with strace's fault injection
. "$(dirname "$0")/lib.sh"

# --- times: accepted exactly when the log can read them back ----------------
c init --at 2024-01-01
before=$(fingerprint)
c propose --body NAC --title T --at 9999-12-31T23:59:59-23:59
expect_err "a time that is year 10000 in UTC is refused, naming --at" 1 "--at: '9999-12-31T23:59:59-23:59' is outside"
c propose --body NAC --title T --at 1000-01-01T00:00:00+01:00
expect_err "a time that is year 999 in UTC is refused" 1 "is outside the times council records"
c propose --body NAC --title T --procedure silence --deadline 9999-12-31T23:59:59-23:59 --at 2024-01-02
expect_err "a deadline past the range is refused, naming it" 1 "deadline: '9999-12-31T23:59:59-23:59' is outside"
check "the refused commands changed nothing" test "$(fingerprint)" = "$before"
c propose --body NAC --title "Silence" --procedure silence --deadline 2024-02-01 --at 2024-01-02
id=$out
c extend "$id" --deadline 9999-12-31T23:59:59-23:59 --at 2024-01-03
expect_err "extend to year 10000 is refused, naming the deadline" 1 "deadline: '9999-12-31T23:59:59-23:59'"
# An event is never dated after the clock (issue 15), so the edge of the
# range is written as a deadline.
c propose --body NAC --title "Edge" --at 9999-12-31T00:00:59-23:59
expect_err "an event at the last second of 9999 is in the future" 1 "is in the future"
c propose --body NAC --title "Edge" --procedure silence \
	--deadline 9999-12-31T00:00:59-23:59 --at 2024-01-03
expect_rc "the last second of 9999 in UTC is accepted" 0
c log --json
check "and written as 9999-12-31T23:59:59Z" grep -q '"deadline":"9999-12-31T23:59:59Z"' "$T/.out"
c verify
expect_rc "the store verifies" 0
c log export "$T/export.jsonl"
expect_rc "and exports" 0
c propose --body NAC --title "Still writable" --at 2024-01-04
expect_rc "and takes the next write" 0

cat >"$T/far.json" <<'EOF'
{"scenario": "far", "title": "A step past the range", "sources": [],
 "steps": [{"at": "9999-12-31T23:59:59-23:59", "do": "propose", "body": "NAC", "title": "T"}]}
EOF
run "$COUNCIL" replay "$T/far.json"
expect_err "a scenario's time past the range is refused, naming 'at'" 1 "at: '9999-12-31T23:59:59-23:59' is outside"

mkdir -p "$T/range"
run "$COUNCIL" --db "$T/range/a.db" init --at 1000-01-01T00:00:00+01:00
expect_err "init --at past the range is refused" 1 "--at: '1000-01-01T00:00:00+01:00' is outside"
check "and creates nothing" test -z "$(ls -A "$T/range")"

# --- effects: codes, names, keys ----------------------------------------------
# The silences above are past their deadlines today: a command the engine
# refuses still lets the clock record them (app.c), so record them first.
c tick
expect_rc "the clock concludes what is due" 0
before=$(fingerprint)
c propose --body NAC --title x --effect 'admit-member:code=fr,name=France,effective=2024-01-01'
expect_err "a lower-case member code is refused with its upper case form" 1 "code: 'fr' must be written in upper case: 'FR' (France)"
c propose --body NAC --title x --effect 'add-partner:code=jp,name=Japan,framework=pfp'
expect_err "a lower-case partner code too" 1 "'jp' must be written in upper case: 'JP'"
c propose --body NAC --title x --effect 'add-partner:code=JP,name=Japan,framework=pfp'
expect_err "a partner already in the registry is refused" 1 "JP is already a partner"
c propose --body NAC --title x --effect 'open-office:id=,name=,city=C,country=ZZ'
expect_err "an office with an empty id is refused" 1 "id: empty"
c propose --body NAC --title x --effect 'open-office:id=x,name= ,city=C,country=ZZ'
expect_err "an office with a blank name is refused" 1 "name: empty"
c propose --body NAC --title x --effect 'open-office:id=x,name=X,city=C,country=ZZ'
expect_err "an office in ZZ is refused" 1 "country: 'ZZ' is not an ISO 3166-1 alpha-2 country code"
c propose --body NAC --title x --effect 'add-partner:code=MX,name=Mexico,framework='
expect_err "an empty framework is refused" 1 "framework: empty"
c propose --body NAC --title x --effect "open-office:id=x,name=$(printf 'n%.0s' $(seq 201)),city=C,country=JP"
expect_err "a name over 200 bytes is refused" 1 "name: longer than 200 bytes"
c propose --body NAC --title x --effect 'open-office:id=x,id=y,name=X,city=C,country=JP'
expect_err "a key given twice is refused, naming it" 1 "duplicate key 'id'"
c propose --body NAC --title x --effect 'admit-member:code=CY,nmae=Cyprus,effective=2025'
expect_err "an unknown key is refused, naming it" 1 "unknown key 'nmae'"
c propose --body NAC --title x --effect '{"type":"add-partner","code":"MX","name":"Mexico","framework":"pfp","source":"me"}'
expect_err "a JSON effect may not write the record's source" 1 "source: set by the adoption"
check "the refused proposals changed nothing" test "$(fingerprint)" = "$before"
c propose --body NAC --title "Kosovo office" --effect 'open-office:id=x,name=X,city=Pristina,country=XK' --at 2024-01-05
expect_rc "XK (Kosovo, user-assigned) is accepted" 0
c propose --body NAC --title "Cyprus" --procedure ratification \
	--effect 'admit-member:code=CY,name=Cyprus,effective=2025' --at 2024-01-05
expect_rc "a real code is accepted" 0

# A dataset is held to the same codes.
jq '.partners[3].code |= ascii_downcase' "$ROOT/data/nato.json" >"$T/lower.json"
mkdir -p "$T/ds"
run "$COUNCIL" --db "$T/ds/a.db" init --dataset "$T/lower.json"
expect_err "a dataset with a lower-case code is refused" 1 "partners[3]"
check "and leaves nothing" test -z "$(ls -A "$T/ds")"

# --- init, killed at any point, leaves nothing or a whole store ---------------
# strace kills init at the Nth call of one system call (-e inject), which
# is deterministic: the same N stops the same step every run.  Covered:
# every open, sync, rename and unlink, and writes spread over the whole run.
if ! command -v strace >/dev/null || ! strace -qq -o /dev/null true 2>/dev/null; then
	not_ok "strace is needed (scripts/install-deps.sh --test installs it) and must be allowed to trace"
	exit 0
fi
# LeakSanitizer cannot run under ptrace; the last setting wins
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
SYSCALLS=openat,write,pwrite64,fsync,fdatasync,rename,renameat,renameat2,unlink,ftruncate
mkdir -p "$T/probe"
strace -f -qq -c -o "$T/counts" -e trace=$SYSCALLS "$COUNCIL" --db "$T/probe/x.db" init >/dev/null 2>&1
points=""
for sc in ${SYSCALLS//,/ }; do
	n=$(awk -v s="$sc" '$NF == s {print $4}' "$T/counts")
	n=${n:-0}
	# every call of the rare ones, about 12 of the frequent ones
	step=$(( n > 24 ? n / 12 : 1 ))
	for ((k = 1; k <= n; k += step)); do points="$points $sc:$k"; done
	[ "$n" -gt 0 ] && [ $(( (n - 1) % step )) != 0 ] && points="$points $sc:$n"
done
npoints=0 nothing=0 whole=0 bad=0
for pt in $points; do
	sc=${pt%:*} k=${pt#*:}
	d="$T/kill-$sc-$k"
	mkdir -p "$d"
	( strace -f -qq -o /dev/null -e trace="$sc" -e inject="$sc":signal=KILL:when="$k" \
		"$COUNCIL" --db "$d/x.db" init ) >/dev/null 2>&1
	npoints=$((npoints + 1))
	if [ -e "$d/x.db" ]; then
		# a store is there: it must be whole
		if "$COUNCIL" --db "$d/x.db" verify >/dev/null 2>&1 &&
			[ "$(sqlite3 "$d/x.db" 'SELECT count(*) FROM events')" -gt 90 ] &&
			"$COUNCIL" --db "$d/x.db" propose --body NAC --title after >/dev/null 2>&1; then
			whole=$((whole + 1))
		else
			bad=$((bad + 1))
			not_ok "init killed at $sc #$k left a store that is not whole" \
				"$("$COUNCIL" --db "$d/x.db" verify 2>&1 | head -2)" "$(ls -A "$d")"
		fi
	else
		# nothing there: init must now work, and leave no litter
		if "$COUNCIL" --db "$d/x.db" init >/dev/null 2>&1 &&
			[ "$(ls -A "$d" | tr '\n' ' ')" = "x.db x.db.key " ] &&
			"$COUNCIL" --db "$d/x.db" verify >/dev/null 2>&1; then
			nothing=$((nothing + 1))
		else
			bad=$((bad + 1))
			not_ok "init killed at $sc #$k left no store, but init then failed or left litter" \
				"$(ls -A "$d" | tr '\n' ' ')"
		fi
	fi
	rm -rf "$d"
done
check "init killed at $npoints points: each left nothing ($nothing) or a whole store ($whole)" \
	test "$bad" = 0 -a "$npoints" -gt 30
check "both outcomes were reached (kills before and after the store was complete)" \
	test "$nothing" -gt 0 -a "$whole" -gt 0

# --- killed while it pages: no temporary file is left ----------------------
# verify keeps concluded proposals in a temporary file (src/app/pager.c).
# Made unnamed (O_TMPFILE), it is gone with the process however that
# ends; a named file unlinked at once stayed in TMPDIR when the process
# was killed between the two (here: at the unlink).
P=(--db "$T/paged.db")
c "${P[@]}" init --at 2024-01-01
c "${P[@]}" propose --body NAC --title "Concluded" --at 2024-01-02
c "${P[@]}" conclude 1 --at 2024-01-03
expect_rc "a concluded proposal to page out" 0
mkdir -p "$T/pagertmp"
{ ( TMPDIR="$T/pagertmp" COUNCIL_PAGER_SWEEP=1 strace -f -qq -o /dev/null -e trace=unlink \
	-e inject=unlink:signal=KILL:when=1 "$COUNCIL" "${P[@]}" verify ) >/dev/null 2>&1; } 2>/dev/null
check "verify killed at its first unlink leaves nothing in TMPDIR" \
	test -z "$(ls -A "$T/pagertmp")"
rm -rf "$T/pagertmp" && mkdir "$T/pagertmp"
TMPDIR="$T/pagertmp" COUNCIL_PAGER_SWEEP=1 strace -f -qq -o "$T/pager.trace" -e trace=openat \
	"$COUNCIL" "${P[@]}" verify >/dev/null 2>&1
check "verify made its temporary file in TMPDIR (so the case above means something)" \
	grep -q "pagertmp" "$T/pager.trace"
check "and left nothing there" test -z "$(ls -A "$T/pagertmp")"
