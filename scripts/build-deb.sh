#!/bin/sh
# build-deb.sh DIR - build council's .deb in DIR (`make deb`).
#
# dpkg-buildpackage builds in the source tree and writes the .deb beside
# it, so it runs on a copy, DIR/council-VERSION: the files git knows (and
# new ones it does not ignore), as they are in the working tree, and the
# web page already bundled (web/dist, with its times, so the package's
# `make web` finds it up to date and needs no npm).  The .deb lands in
# DIR; the copy's build log in DIR/build.log.
set -eu
dir=${1:?usage: build-deb.sh DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(dpkg-parsechangelog -l "$root/debian/changelog" -S Version)
src="$dir/council-$version"

rm -rf "$src"
mkdir -p "$src"
(cd "$root" && git ls-files -co --exclude-standard -z |
	tar --null -T - -cf -) | tar -xf - -C "$src"
cp -a "$root/web/dist" "$src/web/dist"
rm -f "$dir"/council_*.deb "$dir"/council_*.buildinfo "$dir"/council_*.changes \
	"$dir"/council-dbgsym_*.deb
echo "build-deb: dpkg-buildpackage -us -uc -b in $src (log: $dir/build.log)"
if ! (cd "$src" && nice dpkg-buildpackage -us -uc -b) >"$dir/build.log" 2>&1; then
	tail -40 "$dir/build.log" >&2
	exit 1
fi
ls "$dir"/council_"$version"_*.deb
