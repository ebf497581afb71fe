#!/bin/bash
# run.sh BUILD_DIR - run every test of council and print "N passed, M failed".
#
# Counts individual test cases: cmocka unit tests (each case), CLI tests
# (each assertion of tests/cli/*.sh, run against the real binary), HTTP and
# browser tests (each node:test case), the web page's lint (each file) and
# unit tests (each case), and fuzz smoke runs (each target).  Exits non-zero
# when anything failed.
set -u
BUILD=${1:-build-check}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
pass=0
fail=0
skipped=0 # reported, never counted as passed
log=$(mktemp)
# A test file that hangs fails, after FILE_TIMEOUT seconds (default 900),
# instead of holding the run for ever (a stream route once did).
FILE_TIMEOUT=${FILE_TIMEOUT:-900}
bounded() {
	timeout -k 30 "$FILE_TIMEOUT" "$@"
	local rc=$?
	[ "$rc" = 124 ] && echo "FAIL - timed out after ${FILE_TIMEOUT}s: $*" && echo "not ok - timed out after ${FILE_TIMEOUT}s"
	return "$rc"
}
trap 'rm -f "$log"' EXIT

# skip_note N LOG PATTERN: ", N skipped (names)" into $skipnote when N > 0,
# and N added to the skipped total.
skip_note() {
	skipnote=""
	[ "$1" = 0 ] && return
	skipped=$((skipped + $1))
	skipnote=", $1 skipped ($(grep -E "$3" "$2" | sed 's/^.*\] //; s/^ok [0-9]* - //; s/ # SKIP.*//' | awk '!seen[$0]++' | tr '\n' ' ' | sed 's/ $//'))"
}

echo "== unit tests (cmocka, $BUILD)"
for t in "$BUILD"/test_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	bounded "$t" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\..*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$log" | tail -1)
	k=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s).*/\1/p' "$log" | tail -1)
	p=${p:-0}
	f=${f:-0}
	k=${k:-0}
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		# crashed or a sanitizer fired outside a test case
		f=1
	fi
	skip_note "$k" "$log" '^\[  SKIPPED \] test_'
	echo "$(basename "$t"): $p passed, $f failed$skipnote"
	if [ "$f" != 0 ]; then
		grep -E 'FAILED|ERROR|error|Sanitizer|runtime error' "$log" | head -30 | sed 's/^/    /'
	fi
	pass=$((pass + p))
	fail=$((fail + f))
done

echo "== CLI tests (real binary)"
for s in tests/cli/test_*.sh; do
	COUNCIL="$ROOT/$BUILD/council" bounded bash "$s" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok - ' "$log")
	f=$(grep -c '^FAIL - ' "$log")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
	echo "$(basename "$s"): $p passed, $f failed"
	if [ "$f" != 0 ]; then
		grep -A6 '^FAIL - ' "$log" | head -60 | sed 's/^/    /'
		[ "$rc" != 0 ] && tail -5 "$log" | sed 's/^/    /'
	fi
	pass=$((pass + p))
	fail=$((fail + f))
done

# node_test FILE LABEL: one node:test file, each case counted.
node_test() {
	COUNCIL="$ROOT/$BUILD/council" bounded node --test --test-reporter=tap "$1" >"$log" 2>&1
	local rc=$?
	local p f
	p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -1)
	k=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$log" | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
	skip_note "${k:-0}" "$log" '^ *ok [0-9]+ - .* # SKIP'
	echo "$2: $p passed, $f failed$skipnote"
	if [ "$f" != 0 ]; then
		grep -B2 -A25 '^not ok' "$log" | head -80 | sed 's/^/    /'
		[ "$rc" != 0 ] && tail -5 "$log" | sed 's/^/    /'
	fi
	pass=$((pass + p))
	fail=$((fail + f))
}

echo "== HTTP and browser tests (real server; node --test, Playwright + chromium)"
for s in tests/http/*.test.mjs tests/web/*.test.mjs; do
	[ -f "$s" ] || continue
	node_test "$s" "$(basename "$s")"
done

echo "== web lint and unit tests (eslint over web/; node --test tests/web/unit)"
# Lint: one test per file eslint checks, passed when it reports nothing in
# it (web/eslint.config.js: recommended rules, unused variables, 120 columns).
(cd web && npx --no-install eslint --format json .) >"$log" 2>&1
# First line "CLEAN WITH_PROBLEMS", then one line per problem.
lint=$(node -e '
	const { relative } = require("path");
	let files;
	try { files = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); } catch { process.exit(2); }
	const bad = files.filter((r) => r.messages.length);
	console.log(`${files.length - bad.length} ${bad.length}`);
	for (const r of bad) {
		const file = relative(process.cwd(), r.filePath);
		for (const m of r.messages) console.log(`    ${file}:${m.line}:${m.column}: ${m.message} (${m.ruleId || "parse"})`);
	}
' "$log")
if [ $? = 0 ]; then
	read -r p f <<<"$(head -1 <<<"$lint")"
	echo "eslint: $p files clean, $f with problems"
	tail -n +2 <<<"$lint" | head -60
	pass=$((pass + p))
	fail=$((fail + f))
else
	echo "eslint: did not run (make web installs it in web/node_modules)"
	head -20 "$log" | sed 's/^/    /'
	fail=$((fail + 1))
fi
for s in tests/web/unit/*.test.mjs; do
	[ -f "$s" ] || continue
	node_test "$s" "unit/$(basename "$s")"
done

echo "== fuzz smoke (libFuzzer, ${FUZZ_SMOKE_SECONDS:-10}s each)"
FUZZ_SMOKE=1 FUZZ_SECONDS=${FUZZ_SMOKE_SECONDS:-10} tests/fuzz/run.sh >"$log" 2>&1
p=$(grep -c '^ok - ' "$log")
f=$(grep -c '^FAIL - ' "$log")
grep -E '^(ok|FAIL) - ' "$log" | sed 's/^/    /'
[ "$f" != 0 ] && grep -B2 -A20 'ERROR' "$log" | head -40 | sed 's/^/    /'
pass=$((pass + p))
fail=$((fail + f))

[ "$skipped" != 0 ] && echo "$skipped skipped, not counted as passed (named above)"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
