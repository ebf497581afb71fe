#!/bin/bash
# run.sh BUILD_DIR - run every test of council and print "N passed, M failed".
#
# Counts individual test cases: cmocka unit tests (each case), CLI tests
# (each assertion of tests/cli/*.sh, run against the real binary), HTTP and
# browser tests (each node:test case), the web page's lint (each file) and
# unit tests (each case), and the fuzz targets over their seeds (each
# target).  Exits non-zero when anything failed.
#
# Each test file is one job, and JOBS jobs (default: one more than the
# CPU count, at most 4) run at a time: part of the suite's wall time is
# servers, browsers and PostgreSQL clusters waiting on one another, or on
# a deadline a few seconds ahead (reminders, silence), and every test file
# must pass on a loaded machine anyway.  More is no faster: the suite is
# CPU-bound past that (4 at a time on 2 CPUs took 923 s where 3 took
# 936 s, each file twice as long).  Files share nothing: each
# makes its own stores (mktemp), ports (free ones on 127.0.0.1) and
# PostgreSQL cluster.  A job writes its lines and its counts to a file of
# its own; they are printed in the order below, with the seconds each
# took, so the output reads the same whatever finished first.  JOBS=1
# WAITERS=0 runs them one after another.
set -u
BUILD=${1:-build-check}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
JOBS=${JOBS:-$(n=$(($(nproc 2>/dev/null || echo 2) + 1)); [ "$n" -gt 4 ] && n=4; echo "$n")}
# A test file that hangs fails, after FILE_TIMEOUT seconds (default 900),
# instead of holding the run for ever (a stream route once did).
FILE_TIMEOUT=${FILE_TIMEOUT:-900}
results=$(mktemp -d)
# The PostgreSQL clusters of the run's test files are copies of one made
# by the first (tests/pg/cluster.sh).  Not under $results: the cluster's
# user, postgres, must reach it.
export CLUSTER_TEMPLATE=${TMPDIR:-/tmp}/council-pg-template.$$
trap 'rm -rf "$results" "$CLUSTER_TEMPLATE" "$CLUSTER_TEMPLATE.lock"' EXIT

bounded() {
	timeout -k 30 "$FILE_TIMEOUT" "$@"
	local rc=$?
	[ "$rc" = 124 ] && echo "FAIL - timed out after ${FILE_TIMEOUT}s: $*" && echo "not ok - timed out after ${FILE_TIMEOUT}s"
	return "$rc"
}

# Each runner below is given its arguments and, last, a file for the raw
# log; it prints the lines to show, then "COUNT passed failed skipped".

# tail_of RC LOG: a failed file's last lines; 40 when the guard cut it off
# (what it finished before it hung), else 5.
tail_of() {
	if [ "$1" = 124 ]; then
		tail -40 "$2" | sed 's/^/    /'
	elif [ "$1" != 0 ]; then
		tail -5 "$2" | sed 's/^/    /'
	fi
}

# skip_names N LOG PATTERN: " (names)" of the N skipped cases, or nothing.
skip_names() {
	[ "$1" = 0 ] && return
	echo ", $1 skipped ($(grep -E "$3" "$2" | sed 's/^.*\] //; s/^ok [0-9]* - //; s/ # SKIP.*//' | awk '!seen[$0]++' | tr '\n' ' ' | sed 's/ $//'))"
}

# test_oom fails allocations of 48 operations in turn (43 on 2026-12-06):
# about 100 s of CPU on a slow host (170 s before fewer points were
# sampled; 22 to 31 s on a host 2.3x faster, 24 s with 47, 2026-12-07),
# which two suites at once on a slow 2-CPU host stretched to 906 s of wall time
# (2026-12-05), past the hang guard, with nothing hung.  Its guard is
# longer.
OOM_TIMEOUT=${OOM_TIMEOUT:-2700}

run_unit() { # cmocka binary
	local t=$1 log=$2 rc p f k
	if [[ $t == */test_oom ]]; then
		FILE_TIMEOUT=$OOM_TIMEOUT bounded "$t" >"$log" 2>&1
	else
		bounded "$t" >"$log" 2>&1
	fi
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\..*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$log" | tail -1)
	k=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s).*/\1/p' "$log" | tail -1)
	p=${p:-0} f=${f:-0} k=${k:-0}
	# crashed, or a sanitizer fired outside a test case
	[ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
	echo "$(basename "$t"): $p passed, $f failed$(skip_names "$k" "$log" '^\[  SKIPPED \] test_')"
	if [ "$f" != 0 ]; then
		grep -E 'FAILED|ERROR|error|Sanitizer|runtime error' "$log" | head -30 | sed 's/^/    /'
		[ "$rc" = 124 ] && tail_of "$rc" "$log"
	fi
	echo "COUNT $p $f $k"
}

run_cli() { # tests/cli/test_*.sh against the real binary
	local s=$1 log=$2 rc p f
	COUNCIL="$ROOT/$BUILD/council" bounded bash "$s" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok - ' "$log")
	f=$(grep -c '^FAIL - ' "$log")
	[ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
	echo "$(basename "$s"): $p passed, $f failed"
	if [ "$f" != 0 ]; then
		grep -A6 '^FAIL - ' "$log" | head -60 | sed 's/^/    /'
		tail_of "$rc" "$log"
	fi
	echo "COUNT $p $f 0"
}

# (A case of a node:test file that hangs is named, with what its
# servers were doing, by tests/http/lib.mjs's watchdog, well before the
# guard above cuts the file off.)
run_node() { # one node:test file, each case counted, named LABEL
	local s=$1 label=$2 log=$3 rc p f k
	COUNCIL="$ROOT/$BUILD/council" bounded node --test --test-reporter=tap "$s" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -1)
	k=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$log" | tail -1)
	p=${p:-0} f=${f:-0} k=${k:-0}
	[ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
	echo "$label: $p passed, $f failed$(skip_names "$k" "$log" '^ *ok [0-9]+ - .* # SKIP')"
	if [ "$f" != 0 ]; then
		grep -B2 -A25 '^not ok' "$log" | head -80 | sed 's/^/    /'
		# a case that hung, as the watchdog (tests/http/lib.mjs) saw it
		grep -A100 '^# HUNG: ' "$log" | grep '^#' | head -100 | sed 's/^/    /'
		tail_of "$rc" "$log"
	fi
	echo "COUNT $p $f $k"
}

run_node_pg() { # the same on a PostgreSQL store
	COUNCIL_TEST_BACKEND=postgresql run_node "$@"
}

run_lint() { # eslint over web/: one test per file, passed when it reports nothing in it
	local log=$1 lint p f
	# (web/eslint.config.js: recommended rules, unused variables, 120 columns)
	(cd web && npx --no-install eslint --format json .) >"$log" 2>&1
	# first line "CLEAN WITH_PROBLEMS", then one line per problem
	if ! lint=$(node -e '
		const { relative } = require("path");
		let files;
		try { files = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); } catch { process.exit(2); }
		const bad = files.filter((r) => r.messages.length);
		console.log(`${files.length - bad.length} ${bad.length}`);
		for (const r of bad) {
			const file = relative(process.cwd(), r.filePath);
			for (const m of r.messages) console.log(`    ${file}:${m.line}:${m.column}: ${m.message} (${m.ruleId || "parse"})`);
		}
	' "$log"); then
		echo "eslint: did not run (make web installs it in web/node_modules)"
		head -20 "$log" | sed 's/^/    /'
		echo "COUNT 0 1 0"
		return
	fi
	read -r p f <<<"$(head -1 <<<"$lint")"
	echo "eslint: $p files clean, $f with problems"
	tail -n +2 <<<"$lint" | head -60
	echo "COUNT $p $f 0"
}

run_fuzz() { # fuzz targets over their seeds, each target counted
	# without libFuzzer: each target's replay_NAME in this build
	# (tests/fuzz/replay.c, tests/fuzz/run.sh); `make fuzz` fuzzes.
	local log=$1 p f
	FUZZ_SMOKE=1 FUZZ_REPLAY_BUILD=$BUILD tests/fuzz/run.sh >"$log" 2>&1
	p=$(grep -c '^ok - ' "$log")
	f=$(grep -c '^FAIL - ' "$log")
	echo "fuzz targets: $p passed, $f failed"
	grep -E '^(ok|FAIL) - ' "$log" | sed 's/^/    /'
	# a failure: what the target said, and the input it was given last
	[ "$f" != 0 ] && grep -A40 '^FAIL - ' "$log" | head -60 | sed 's/^/    /'
	echo "COUNT $p $f 0"
}

# SUITE=check (make check, the default) runs every file below but the
# PostgreSQL duplicates of PG_HTTP_MORE; SUITE=pg (make check-pg) runs
# only what runs on PostgreSQL: every HTTP duplicate, both lists, and the
# files that start a cluster of their own (PG_FILES).
SUITE=${SUITE:-check}
PG_FILES='tests/cli/test_pg.sh tests/cli/test_pg_batch.sh tests/cli/test_multiserver.sh tests/cli/test_readdb.sh tests/http/stream_pg.test.mjs'
case $SUITE in check | pg) ;; *) echo "run.sh: SUITE=$SUITE: check or pg" >&2; exit 2 ;; esac
in_suite() { # FILE: is it run in this SUITE?
	[ "$SUITE" = check ] || [[ " $PG_FILES " == *" $1 "* ]]
}

# The jobs, in the order they are reported: "heading" lines start a group.
queue=()
if [ "$SUITE" = check ]; then
	queue+=("heading == unit tests (cmocka, $BUILD)")
	for t in "$BUILD"/test_*; do
		[ -f "$t" ] && [ -x "$t" ] && queue+=("run_unit $t")
	done
fi
queue+=("heading == CLI tests (real binary)")
for s in tests/cli/test_*.sh; do in_suite "$s" && queue+=("run_cli $s"); done
queue+=("heading == HTTP and browser tests (real server; node --test, Playwright + chromium)")
for s in tests/http/*.test.mjs tests/web/*.test.mjs; do
	[ -f "$s" ] && in_suite "$s" && queue+=("run_node $s $(basename "$s")")
done
# The HTTP suites that go through the API and the CLI only, again on a
# PostgreSQL store (issue 11): each file starts a throwaway cluster of its
# own (tests/http/lib.mjs, COUNCIL_TEST_BACKEND).  Not at all: those
# about the HTTP layer alone (protocol, slowloris, routes), and stream,
# whose PostgreSQL side is stream_pg.  `make check` runs those whose
# outcome rests on the store's own SQL and transactions (PG_HTTP): bad
# input leaving the store as it was, a batch all or nothing, kill -9,
# cursors and pages, sight in the queries, the record's proofs, sessions.
# The rest (PG_HTTP_MORE) check the server and the app over the store's
# reads and writes that those, test_pg.sh (the store's unit tests and the
# CLI and server on PostgreSQL) and test_multiserver already cover; they
# cost a fifth of make check's CPU on a 2-CPU machine (2026-12-06: the 25
# files 159 CPU-s of about 830, access, attack and mail 43 of their 97 s
# counted), so `make check-pg` runs them.
PG_HTTP='badinput batch crash history keys log paging people record sight sight_floor truth'
PG_HTTP_MORE='access analysis attack calendar enums mail passkeys personsubs reminders server summary vote webhooks'
[ "$SUITE" = pg ] && PG_HTTP="$PG_HTTP $PG_HTTP_MORE"
queue+=("heading == the same HTTP tests on PostgreSQL (COUNCIL_TEST_BACKEND=postgresql)")
for n in $PG_HTTP; do queue+=("run_node_pg tests/http/$n.test.mjs pg/$n.test.mjs"); done
if [ "$SUITE" = check ]; then
	queue+=("heading == web lint and unit tests (eslint over web/; node --test tests/web/unit)")
	queue+=("run_lint")
	for s in tests/web/unit/*.test.mjs; do
		[ -f "$s" ] && queue+=("run_node $s unit/$(basename "$s")")
	done
	queue+=("heading == fuzz targets over their seeds (make fuzz fuzzes)")
	queue+=("run_fuzz")
fi

# job I CMD...: run one job, its report to $results/I.out, its time to I.time
job() {
	local i=$1 start
	shift
	start=$(date +%s)
	"$@" "$results/$i.log" >"$results/$i.out" 2>&1 || true
	# wall seconds, then the CPU seconds (user + system) of everything
	# the job ran: the suite's length on a 2-CPU machine is mostly CPU,
	# so that is what to cut when it grows.  (`times` in this subshell:
	# its second line is its children's.)
	times >"$results/$i.cpu"
	echo "$(($(date +%s) - start))s, cpu $(awk 'NR == 2 { split($1, u, "m"); split($2, s, "m")
		printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$results/$i.cpu")s" >"$results/$i.time"
}

# Files that mostly wait for the clock, not the CPU: a deadline or a
# reminder seconds ahead, a session's idle and absolute expiry, a stream's
# 20 s keep-alive, a slow client's timeout.  Measured on a 2-CPU machine
# (2026-12-03): 11-39 s each, a sixth or less of it on CPU.  They run
# beside the others, WAITERS at a time (default 2; 0: among the others),
# so that a CPU job's place is never held by a file that sleeps; they must
# pass on a loaded machine anyway.
WAITING='tests/http/(people|reminders|server|slowloris|stream|webhooks)\.test\.mjs'
WAITERS=${WAITERS:-2}

# Start order: the longest jobs first, longest first (measured on a
# 2-CPU machine, 3 at a time, 2026-12-06: 30-70 s each, where all but a
# few of the rest take under 25), so that no long job starts last and
# runs alone at the end; then the rest in report order.
LONG=('/a11y.test.mjs' ' votes.test.mjs' 'test_multiserver.sh' '/test_oom$' 'pg/access.test.mjs'
	'/test_pg.sh$' 'web/page.test.mjs' ' mail.test.mjs' 'pg/mail.test.mjs' 'pg/attack.test.mjs'
	'web/analysis.test.mjs' 'web/i18n.test.mjs' 'web/keyboard.test.mjs' 'web/propose.test.mjs')
order=()
waiting=()
queued=()
for pat in "${LONG[@]}" ''; do # '': every job, matched last
	for i in "${!queue[@]}"; do
		[[ ${queue[$i]} =~ ^heading ]] && continue
		[[ ${queue[$i]} =~ $pat ]] && [ -z "${queued[$i]:-}" ] || continue
		queued[$i]=1
		if [ "$WAITERS" -gt 0 ] && [[ ${queue[$i]} =~ $WAITING ]]; then waiting+=("$i"); else order+=("$i"); fi
	done
done

# run_all N I...: run the jobs I..., N at a time (`jobs` counts this
# shell's own, so two of these in two subshells keep apart).
run_all() {
	local n=$1 i
	shift
	for i in "$@"; do
		read -r -a cmd <<<"${queue[$i]}"
		while [ "$(jobs -rp | wc -l)" -ge "$n" ]; do wait -n; done
		job "$i" "${cmd[@]}" &
	done
	wait
}

echo "running $((${#order[@]} + ${#waiting[@]})) test files, $JOBS at a time" \
	"(and $WAITERS of the ${#waiting[@]} that mostly wait)"
t0=$(date +%s)
run_all "$WAITERS" "${waiting[@]}" &
run_all "$JOBS" "${order[@]}"
wait

pass=0
fail=0
skipped=0 # reported, never counted as passed
for i in "${!queue[@]}"; do
	read -r -a cmd <<<"${queue[$i]}"
	if [ "${cmd[0]}" = heading ]; then
		echo "${queue[$i]#heading }"
		continue
	fi
	if [ ! -f "$results/$i.out" ]; then
		echo "FAIL - ${queue[$i]}: no result"
		fail=$((fail + 1))
		continue
	fi
	read -r _ p f k <<<"$(grep '^COUNT ' "$results/$i.out" | tail -1)"
	# the first line names the file: its time goes beside it
	sed '/^COUNT /d' "$results/$i.out" | sed "1s/\$/ [$(cat "$results/$i.time" 2>/dev/null)]/"
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-1}))
	skipped=$((skipped + ${k:-0}))
done

[ "$skipped" != 0 ] && echo "$skipped skipped, not counted as passed (named above)"
echo "$pass passed, $fail failed ($(($(date +%s) - t0)) s, $JOBS at a time and $WAITERS waiting)"
[ "$fail" = 0 ]
