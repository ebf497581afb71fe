#!/bin/bash
# test_dl.sh - libpq, libcurl, libmicrohttpd and libcrypto are loaded when
# first needed, not at start-up (src/store/dl.h): a command on an SQLite store
# loads none of them, nor the libraries linked in from static archives
# (SQLite, libsodium, jansson, nettle); a library that is missing or lacks a function
# council calls is a clear error naming it, and changes nothing.
. "$(dirname "$0")/lib.sh"

c init
expect_rc "init an SQLite store" 0

# What the dynamic loader opens, in its own words (LD_DEBUG=files).
loaded() { LD_DEBUG=files "$@" 2>&1 >/dev/null | sed -n 's/.*file=\([^ ]*\) \[0\];  needed by.*/\1/p; s/.*file=\([^ ]*\) \[0\];  dynamically loaded by.*/\1/p' | sort -u; }
libs=$(loaded "$COUNCIL" members)
check "the dynamic loader's list is read (libc is in it)" grep -q '^libc\.so' <<<"$libs"
# SQLite, libsodium, jansson and nettle are linked from their static
# archives, or, built with -Dlibs=shared, loaded: as the build was
# configured (meson_options.txt)
mode=$(meson introspect --buildoptions "$(dirname "$COUNCIL")" |
	"$PYTHON" -c 'import json, sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "libs"][0])')
check "the build's -Dlibs is read ($mode)" grep -qx 'static\|shared' <<<"$mode"
for lib in libsqlite3 libsodium libjansson libnettle; do
	if [ "$mode" = static ]; then
		check "council members does not load $lib (linked in)" \
			bash -c "! grep -q '^$lib[.-]' <<<\"\$1\"" _ "$libs"
	else
		check "council members loads $lib (-Dlibs=shared)" \
			grep -q "^$lib[.-]" <<<"$libs"
	fi
done
for lib in libpq libcurl libmicrohttpd libcrypto libssl libgssapi_krb5 libldap libgnutls; do
	check "council members on an SQLite store does not load $lib" \
		bash -c "! grep -q '^$lib[.-]' <<<\"\$1\"" _ "$libs"
done

# A stand-in libpq.so.5, built here, that defines none of libpq's
# functions: the dynamic loader finds it first (LD_LIBRARY_PATH).
mkdir -p "$T/standin"
echo 'int council_test_standin;' >"$T/standin/standin.c"
cc -shared -fPIC -o "$T/standin/libpq.so.5" "$T/standin/standin.c"
check "a stand-in libpq.so.5 is built" test -f "$T/standin/libpq.so.5"
run env LD_LIBRARY_PATH="$T/standin" "$COUNCIL" --db "host=/nonexistent user=council dbname=council" members
expect_err "a libpq without PQclear is refused, naming the library and the function" 1 \
	"libpq.so.5 has no function PQclear"
# The same for the server's libraries: `council serve` stops at once,
# saying which one.  libcrypto first: libcurl would load it too.
cp "$T/standin/libpq.so.5" "$T/standin/libcrypto.so.3"
run timeout 60 env LD_LIBRARY_PATH="$T/standin" "$COUNCIL" serve --listen 127.0.0.1:0 --web ''
expect_err "serve with a libcrypto lacking its functions stops, naming it" 1 \
	"libcrypto.so.3 has no function"
rm "$T/standin/libcrypto.so.3"
cp "$T/standin/libpq.so.5" "$T/standin/libmicrohttpd.so.12"
run timeout 60 env LD_LIBRARY_PATH="$T/standin" "$COUNCIL" serve --listen 127.0.0.1:0 --web ''
expect_err "serve with a libmicrohttpd lacking its functions stops, naming it" 1 \
	"libmicrohttpd.so.12 has no function"
rm "$T/standin/libmicrohttpd.so.12"
cp "$T/standin/libpq.so.5" "$T/standin/libcurl.so.4"
run timeout 60 env LD_LIBRARY_PATH="$T/standin" "$COUNCIL" serve --listen 127.0.0.1:0 --web ''
expect_err "serve with a libcurl lacking its functions stops, naming it" 1 \
	"libcurl.so.4 has no function"
# The SQLite store is as it was.
c members
expect_rc "the SQLite store still reads after those refusals" 0
