#!/bin/bash
# test_install.sh - `meson install` gives a council that runs from its
# prefix alone.
#
# The build directory of $COUNCIL is installed (no rebuild) into a scratch
# DESTDIR; then, in a private mount namespace (unshare; the host's mounts
# are untouched), the scratch tree is bound over the prefix and the source
# tree is hidden under an empty tmpfs, so the installed binary can find its
# datasets and page only where the prefix puts them.  There it must print
# its version and paths, init a store from the installed NATO dataset,
# and serve the installed page.  The man page must render without a groff
# warning.  (Every option against the man page and the completion:
# test_manpage.sh.)
. "$(dirname "$0")/lib.sh"
unset COUNCIL_DB COUNCIL_DATASET COUNCIL_DATADIR COUNCIL_WEB

BUILD=$(dirname "$COUNCIL")
PREFIX=$(meson introspect --buildoptions "$BUILD" |
	"$PYTHON" -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"))')
D="$T/dest"
run meson install -C "$BUILD" --no-rebuild --quiet --destdir "$D"
expect_rc "meson install --destdir installs without rebuilding" 0
I="$D$PREFIX"

for f in bin/council share/man/man1/council.1 \
	share/bash-completion/completions/council \
	share/council/data/nato.json share/council/data/eu-council.json \
	share/council/data/osce.json share/council/data/unsc.json \
	share/council/scenarios/tokyo-2023.json share/council/web/index.html; do
	check "installed: $f" test -s "$I/$f"
done
check "the page's assets are installed beside it" \
	test -n "$(ls "$I/share/council/web/assets" 2>/dev/null)"
# The build tree's binary is the only one that names the source tree: the
# installed one's constant strings (.rodata) name the prefix instead.
objcopy -O binary --only-section=.rodata "$I/bin/council" "$T/rodata"
check "the installed binary's strings do not name the source tree" \
	bash -c "! grep -aqF '$ROOT/' '$T/rodata'"
check "the installed binary's strings name PREFIX/share/council/data" \
	grep -aqF "$PREFIX/share/council/data" "$T/rodata"

run groff -man -Tutf8 -ww -z "$I/share/man/man1/council.1"
check "council.1 renders with groff -man -ww without a warning" \
	test "$rc" = 0 -a -z "$err"

# The scratch tree as the prefix, the source tree unreachable.
cat >"$T/inside.sh" <<'EOF'
set -u
mount --bind "$I" "$PREFIX" || { echo "FAIL - bind the scratch tree over $PREFIX"; exit 1; }
mount -t tmpfs none "$ROOT" || { echo "FAIL - hide the source tree"; exit 1; }
[ -e "$ROOT/data/nato.json" ] && { echo "FAIL - the source tree is still there"; exit 1; }
echo "ok - the source tree is hidden, the scratch tree is $PREFIX"
cd "$W"
v=$("$PREFIX/bin/council" --version)
[ "$(printf '%s\n' "$v" | head -1)" = "council $VERSION" ] &&
	echo "ok - council --version: council $VERSION" ||
	echo "FAIL - council --version: $v"
printf '%s\n' "$v" | grep -qx "datasets: $PREFIX/share/council/data" &&
printf '%s\n' "$v" | grep -qx "web page: $PREFIX/share/council/web" &&
	echo "ok - --version names the prefix's datasets and page" ||
	echo "FAIL - --version names the prefix's datasets and page: $v"
if out=$("$PREFIX/bin/council" --db "$W/c.db" init 2>&1) &&
	printf '%s\n' "$out" | grep -q "North Atlantic Treaty Organization"; then
	echo "ok - council init seeds the installed NATO dataset"
else
	echo "FAIL - council init seeds the installed NATO dataset: $out"
fi
n=$("$PREFIX/bin/council" --db "$W/c.db" members --json 2>&1 | jq ".members | length")
[ "$n" -ge 30 ] 2>/dev/null && echo "ok - the installed store reads ($n members)" ||
	echo "FAIL - the installed store reads: $n"
"$PREFIX/bin/council" --db "$W/c.db" serve --listen "127.0.0.1:$PORT" --quiet &
srv=$!
wait_up "http://127.0.0.1:$PORT/healthz" "$srv"
[ -n "$up" ] && echo "ok - the installed council serves" || echo "FAIL - the installed council serves"
curl -sf "http://127.0.0.1:$PORT/" -o "$W/index.html"
cmp -s "$W/index.html" "$PREFIX/share/council/web/index.html" &&
	echo "ok - / is the installed page's index.html" ||
	echo "FAIL - / is the installed page's index.html"
kill "$srv" 2>/dev/null
wait "$srv"
EOF
PORT=$(free_port)
VERSION=$(meson introspect --projectinfo "$BUILD" | jq -r .version)
mkdir -p "$T/w"
# lib.sh's wait_up, for the script that runs where lib.sh is hidden
declare -f wait_up | cat - "$T/inside.sh" >"$T/inside.tmp" && mv "$T/inside.tmp" "$T/inside.sh"
NS=(unshare --mount)
[ "$(id -u)" = 0 ] || NS=(unshare --map-root-user --mount)
I=$I PREFIX=$PREFIX ROOT=$ROOT W=$T/w PORT=$PORT VERSION=$VERSION \
	"${NS[@]}" bash "$T/inside.sh" >"$T/inside.out" 2>"$T/inside.err"
cat "$T/inside.out"
grep -q '^ok - council init' "$T/inside.out" ||
	not_ok "the installed tree runs in a private mount namespace" \
		"$(head -c 600 "$T/inside.err")"
