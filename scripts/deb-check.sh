#!/bin/bash
# deb-check.sh DIR - test the .deb `make deb` left in DIR, installed with
# dpkg as on a real machine, without touching this one (`make deb-check`).
#
# How: in a private mount namespace (unshare; nothing leaves it), /usr,
# /etc and /var are overlays whose changes go to a tmpfs, and the source
# tree is hidden under an empty tmpfs.  There `dpkg -i` runs the package's
# maintainer scripts for real: the user council, /var/lib/council and its
# store.  Then the static archives it holds (named, and not loaded),
# and the installed paths are what runs: council --version and
# council init from /usr/bin, the unit files checked by systemd-analyze
# verify, the service's command run as its user (this machine runs no
# systemd to start it), the page and the API answering, the bash
# completion, the man page; then dpkg -i again (an upgrade keeps the
# store) and last dpkg --purge.  Prints "ok - ..." or
# "FAIL - ..." per check and "N passed, M failed"; exits 1 on a failure.
# Needs root (dpkg -i), or fails saying so.
set -u
dir=${1:?usage: deb-check.sh DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
deb=$(ls "$dir"/council_*_*.deb 2>/dev/null | grep -v dbgsym | head -1)
[ -n "$deb" ] || { echo "deb-check: no council_*.deb in $dir (make deb)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "deb-check: dpkg -i needs root" >&2; exit 1; }
S=$(mktemp -d)
trap 'rm -rf "$S"' EXIT
# a copy, as the source tree (and DIR in it) will be hidden
cp "$deb" "$S/" && deb=$S/$(basename "$deb")
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

cat >"$S/inside.sh" <<'EOF'
set -u
pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; shift; printf '    %s\n' "$@"; fail=$((fail + 1)); }
check() { local n=$1; shift; if "$@"; then ok "$n"; else bad "$n" "failed: $*"; fi; }

mount -t tmpfs none "$S/ov" && for d in usr etc var; do
	mkdir -p "$S/ov/$d.up" "$S/ov/$d.work" &&
	mount -t overlay overlay -o "lowerdir=/$d,upperdir=$S/ov/$d.up,workdir=$S/ov/$d.work" "/$d" ||
		{ echo "FAIL - overlay over /$d"; exit 1; }
done
mount -t tmpfs none "$ROOT" || { echo "FAIL - hide the source tree"; exit 1; }
check "the source tree is hidden" test ! -e "$ROOT/meson.build"
check "council is not installed before" test ! -e /usr/bin/council

if ! dpkg -i "$DEB" >"$S/dpkg.out" 2>&1; then
	bad "dpkg -i installs the package" "$(tail -8 "$S/dpkg.out")"
	echo "$pass passed, $fail failed"
	exit 1
fi
ok "dpkg -i installs the package"
sed 's/^/    dpkg: /' "$S/dpkg.out"
check "dpkg says it is installed" \
	test "$(dpkg-query -W -f='${Status}' council 2>/dev/null)" = "install ok installed"

# SQLite, libsodium, jansson and nettle are linked from their static
# archives (debian/rules): the package says which versions, and the binary
# loads none of them
# (dpkg sorts the field's list: compared as sets)
sbu=$(dpkg-query -W -f='${Static-Built-Using}' council)
want=$(dpkg-query -W -f='${source:Package} (= ${source:Version})\n' \
	libsqlite3-dev libsodium-dev libjansson-dev nettle-dev | sort)
check "Static-Built-Using names the archives linked ($sbu)" \
	test "$(printf '%s\n' "$sbu" | sed 's/, /\n/g' | sort)" = "$want"
check "... and /usr/bin/council loads none of them" \
	sh -c '! readelf -d /usr/bin/council | grep -E "NEEDED.*(sqlite|sodium|jansson|nettle)"'

v=$(cd / && council --version 2>&1)
check "council --version from /usr/bin" test "$(printf '%s\n' "$v" | head -1)" = "council $VERSION"
check "it reads /usr/share/council" \
	test "$(printf '%s\n' "$v" | sed -n 2,3p | tr '\n' ' ')" = "datasets: /usr/share/council/data web page: /usr/share/council/web "
mkdir "$S/w"
out=$(cd "$S/w" && council init 2>&1)
check "council init in an empty directory, from the installed dataset" \
	grep -q "North Atlantic Treaty Organization" <<<"$out"
check "... makes ./council.db and its key, 0600" \
	test -s "$S/w/council.db" -a "$(stat -c %a "$S/w/council.db.key" 2>/dev/null)" = 600

check "postinst made the system user council" \
	test "$(getent passwd council | cut -d: -f6,7)" = "/var/lib/council:/usr/sbin/nologin"
check "/var/lib/council is council's alone (0700)" \
	test "$(stat -c '%U %a' /var/lib/council)" = "council 700"
check "postinst seeded the store, owned by council" \
	test "$(stat -c %U /var/lib/council/council.db 2>/dev/null)" = council
check "its signing key is council's, 0600" \
	test "$(stat -c '%U %a' /var/lib/council/council.db.key 2>/dev/null)" = "council 600"
check "the store verifies" runuser -u council -- council --db /var/lib/council/council.db verify
check "council.service is enabled" test -L /etc/systemd/system/multi-user.target.wants/council.service
check "council@.service is installed, not enabled" \
	test -f /lib/systemd/system/council@.service -a ! -e /etc/systemd/system/council-servers.target.wants
check "/etc/default/council is a conffile" grep -qx /etc/default/council /var/lib/dpkg/info/council.conffiles

# The units as systemd reads them (council@.service as an instance).
out=$(systemd-analyze verify /lib/systemd/system/council.service \
	/lib/systemd/system/council@8081.service /lib/systemd/system/council-servers.target 2>&1)
check "systemd-analyze verify: the units are clean" test -z "$out"
[ -n "$out" ] && printf '    %s\n' "$out"

# What council.service runs, run as the service would run it: its user,
# its environment (the unit's defaults, then /etc/default/council), its
# working directory, its command.
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/council.service)
check "ExecStart is the installed binary" test "${exec_start%% *}" = /usr/bin/council
(
	cd /var/lib/council &&
	eval "$(sed -n 's/^Environment=//p' /lib/systemd/system/council.service | sed 's/^/export /')" &&
	set -a && . /etc/default/council && set +a &&
	COUNCIL_LISTEN=127.0.0.1:$PORT &&
	exec runuser -u council -- \
		/usr/bin/council serve --listen "$COUNCIL_LISTEN" $COUNCIL_SERVE_OPTS
) 2>"$S/serve.err" &
srv=$!
wait_up "http://127.0.0.1:$PORT/healthz" "$srv"
check "the service's command serves, as council" test -n "$up"
[ -z "$up" ] && sed 's/^/    serve: /' "$S/serve.err"
n=$(curl -sf "http://127.0.0.1:$PORT/api/v1/members" | jq '.members | length')
check "the API answers from the store postinst made ($n members)" test "${n:-0}" -ge 30
curl -sf "http://127.0.0.1:$PORT/" -o "$S/index.html"
check "/ is the installed page" cmp -s "$S/index.html" /usr/share/council/web/index.html
check "the server runs as council" \
	test "$(ps -o user=,comm= -p "$srv" --ppid "$srv" | awk '$2 == "council" {print $1}')" = council
kill "$srv" 2>/dev/null
wait "$srv"

out=$(bash -c '. /usr/share/bash-completion/completions/council
	COMP_WORDS=(council ser); COMP_CWORD=1; _council; echo "${COMPREPLY[*]}"')
check "the installed bash completion completes 'council ser'" test "$out" = serve
out=$(MANWIDTH=80 man council 2>&1 | grep -c '^   council ')
check "man council shows a section per command ($out)" test "$out" -ge 20

# An upgrade (the same version again runs the same scripts, as
# "configure" of an installed version): the store is kept, not made again.
before=$(sha256sum </var/lib/council/council.db)
dpkg -i "$DEB" >"$S/dpkg2.out" 2>&1
check "dpkg -i over the installed package (an upgrade's path)" test "$?" = 0
check "... keeps the store as it was" test "$(sha256sum </var/lib/council/council.db)" = "$before"

dpkg --purge council >"$S/purge.out" 2>&1
check "dpkg --purge removes it" test "$?" = 0
check "... with /usr/bin/council" test ! -e /usr/bin/council
check "... and the state directory" test ! -e /var/lib/council
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
EOF

# the CLI tests' wait_up (tests/cli/lib.sh), for the script that runs
# where the source tree is hidden
eval "$(sed -n '/^wait_up() {/,/^}/p' "$root/tests/cli/lib.sh")"
declare -f wait_up | cat - "$S/inside.sh" >"$S/inside.tmp" && mv "$S/inside.tmp" "$S/inside.sh"
mkdir -p "$S/ov"
S=$S ROOT=$root DEB=$deb PORT=$PORT \
	VERSION=$(dpkg-deb -f "$deb" Version) \
	unshare --mount bash "$S/inside.sh"
