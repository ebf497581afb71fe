#!/bin/bash
# test_readme.sh - the README's examples run as pasted.
#
# Every ```sh block of README.md that starts with `B=build/council` is run,
# in order, with bash -e -o pipefail, in a directory laid out as the
# repository is after `make run`: build/council (the binary under test),
# scenarios/, and council.db holding the NATO dataset and the Tokyo 2023
# case.  Nothing in a block is changed but the port of its server (8080
# becomes a free one, so the test never meets another server).  Each block
# must exit 0, and what its comments promise is checked in its output.
. "$(dirname "$0")/lib.sh"
unset COUNCIL_DB

W="$T/repo"
mkdir -p "$W/build"
ln -s "$COUNCIL" "$W/build/council"
ln -s "$ROOT/scenarios" "$W/scenarios"
ln -s "$ROOT/data" "$W/data"
(cd "$W" && build/council --db council.db init >/dev/null &&
	build/council --db council.db replay scenarios/tokyo-2023.json >/dev/null) ||
	not_ok "the store make run makes" "init or the Tokyo replay failed"

PORT=$(free_port)

# the blocks, one file each
"$PYTHON" - "$ROOT/README.md" "$T/block" "$PORT" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
n = 0
for m in re.finditer(r'^```sh\n(.*?)^```', text, re.S | re.M):
    body = m.group(1)
    if not body.startswith('B=build/council\n'):
        continue
    n += 1
    open(f'{sys.argv[2]}{n}.sh', 'w').write(body.replace('127.0.0.1:8080', f'127.0.0.1:{sys.argv[3]}'))

EOF
nblocks=$(ls "$T"/block*.sh 2>/dev/null | wc -l)
check "the README has its four example blocks" test "$nblocks" -ge 4

for i in $(seq 1 "$nblocks"); do
	title=$(sed -n '2p' "$T/block$i.sh" | cut -c1-60)
	(cd "$W" && timeout 120 bash -e -o pipefail "$T/block$i.sh") >"$T/.out" 2>"$T/.err"
	rc=$?
	out=$(cat "$T/.out")
	expect_rc "README block $i runs as pasted ($title)" 0
	cp "$T/.out" "$T/out$i"
done

# what the comments promise
check "block 1: the Tokyo case is blocked by France" grep -q "blocked: FR objects" "$T/out1"
check "block 1: Japan, a partner, is refused" grep -q "refused: Japan is a partner" "$T/out1"
check "block 1: the silence procedure is adopted at its (extended) deadline" grep -q "concluded at 2024-04-04T12:00:00Z: adopted" "$T/out1"
check "block 1: the store verifies" grep -q "^ok: " "$T/out1"
check "block 2: the public counts 31 members on 2023-04-04" grep -qx "31" "$T/out2"
check "block 2: the blocked proposal is 404 to the public" grep -qx "404" "$T/out2"
check "block 2: the chair's conclusion is blocked" grep -qx '"blocked"' "$T/out2"
check "block 3: the receipt verifies offline" grep -q "^ok: event" "$T/out3"
check "block 3: the export verifies" grep -q "^ok: " "$T/out3"
check "block 4: every ally a veto player under consensus" grep -q "veto players         BE, CA, DK, FR" "$T/out4"
check "block 4: without HU, the reinforced majority is measured on 26 members" grep -q "left out             HU" "$T/out4"
check "block 4: the Security Council's five veto players in 2011" grep -q "veto players         CN, FR, GB, RU, US" "$T/out4"
check "block 4: resolution 1973 adopted, and who could have blocked it" grep -q "can still block alone CN, FR, GB, RU, US" "$T/out4"
# the server the API block started is gone
check "block 2 stops its server" sh -c "! curl -sf http://127.0.0.1:$PORT/healthz >/dev/null"
