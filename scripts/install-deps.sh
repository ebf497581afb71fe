#!/bin/sh
# install-deps.sh - install what council needs to build and test, on Debian 12.
#
# Installs only what is missing, so a second run does nothing.  Needs root
# (or sudo) when something is missing.  Used by `make run` and `make check`.
set -eu

# build + run: compiler, meson/ninja, the libraries docs/ARCHITECTURE.md names
# (libpq-dev for the PostgreSQL store),
# iso-codes, whose ISO 3166-1 list becomes the country-code table at build
# time (scripts/gen_iso3166.py, run with meson's python3), curl and jq,
# which the README's API examples use, and libcurl4-openssl-dev, the HTTP
# client webhook deliveries are sent with (src/server/hooks.c), and
# libcbor-dev, which reads passkeys' CBOR (src/server/webauthn.c),
# libmimalloc-dev, the allocator the programs link (meson_options.txt),
# nettle-dev, whose SHA-256 hashes the log (src/core/sha256.h),
# libssl-dev, whose libcrypto checks passkeys' signatures, and zlib1g-dev,
# which the static link of SQLite asks for (its pkg-config --static)
PKGS="gcc make meson ninja-build pkg-config libsqlite3-dev libsodium-dev \
libjansson-dev libmicrohttpd-dev libssl-dev sqlite3 iso-codes curl jq \
libpq-dev libcurl4-openssl-dev libcbor-dev libmimalloc-dev nettle-dev \
zlib1g-dev"
# test: cmocka, clang with libFuzzer (make fuzz) and its sanitizer
# runtime; strace, which kills `council init` and `council migrate` at
# chosen system calls (tests/cli/test_hostile.sh, test_migrate.sh);
# postgresql-15, whose initdb and pg_ctl start the throwaway cluster the
# PostgreSQL store and migrate are tested on (tests/pg/cluster.sh);
# python3-icalendar, the RFC 5545 parser the calendar feed is read back with
# (tests/http/calendar.test.mjs); nginx, running deploy/'s reverse-proxy
# example (tests/cli/test_deploy.sh); groff-base and man-db, rendering the
# man page (tests/cli/test_manpage.sh, test_install.sh); gettext, whose
# msgfmt, msgcmp and msgcat check the message catalogues po/*.po
# (tests/web/unit/i18n.test.mjs; the build reads them with
# scripts/gen_i18n.py alone); python3-aiosmtpd, the SMTP listener that
# receives the e-mail notifications (tests/http/tools/smtp_sink.py,
# tests/http/mail.test.mjs), and openssl, whose req makes that listener's
# certificate for STARTTLS
if [ "${1:-}" = "--test" ]; then
	PKGS="$PKGS libcmocka-dev clang libclang-rt-14-dev jq curl strace postgresql-15 python3-icalendar python3-aiosmtpd openssl nginx groff-base man-db gettext"
fi

# package: what `make deb` builds the .deb with (dpkg-buildpackage, dh and
# its meson support), and what `make deb-check` tests it with: systemd's
# unit checker (systemd-analyze verify), man-db (man council)
if [ "${1:-}" = "--package" ]; then
	PKGS="$PKGS dpkg-dev debhelper fakeroot systemd man-db"
fi

# benchmark: wrk as the load, nginx as the yardstick; PostgreSQL 15 and
# its pgbench for bench/pg.sh
if [ "${1:-}" = "--bench" ]; then
	PKGS="$PKGS wrk nginx jq curl sqlite3 time postgresql-15"
fi

# the web page is bundled with npm; the HTTP and browser tests run on
# Node.js (Debian's nodejs and npm if none is installed), the browser tests
# drive Debian's chromium (never a downloaded browser)
if ! command -v node >/dev/null 2>&1; then
	PKGS="$PKGS nodejs"
fi
if ! command -v npm >/dev/null 2>&1; then
	PKGS="$PKGS npm"
fi
if [ "${1:-}" = "--test" ]; then
	PKGS="$PKGS chromium"
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "install-deps: need root to install:$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
# Two builds started together on a new machine (make check beside make
# run, say) both find packages missing: the second waits for the first's
# dpkg lock instead of failing on it.
WAIT="-o DPkg::Lock::Timeout=900"
# shellcheck disable=SC2086
$SUDO apt-get $WAIT update -qq
# shellcheck disable=SC2086
$SUDO apt-get $WAIT install -y -qq --no-install-recommends $missing >/dev/null
