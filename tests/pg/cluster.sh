#!/bin/bash
# cluster.sh - a throwaway PostgreSQL 15 cluster for the tests of the
# PostgreSQL store: made with Debian's initdb and pg_ctl in a directory of
# its own, listening only on a Unix socket in that directory.
#
#   cluster.sh start DIR   create DIR (it must not exist), initdb (or copy
#                          $CLUSTER_TEMPLATE's, below), start; prints the
#                          libpq keyword string of database "council"
#                          (superuser "council", trust auth)
#   cluster.sh standby PRIMARY DIR
#                          a hot standby of the cluster started in PRIMARY:
#                          pg_basebackup -R (streaming replication, a
#                          standby.signal) into DIR, its own Unix socket in
#                          DIR; prints the keyword string of its "council"
#   cluster.sh down DIR    stop the server, keeping DIR (a standby to
#                          bring back)
#   cluster.sh up DIR      start it again
#   cluster.sh stop DIR    stop the server and remove DIR
#
# initdb refuses to run as root: as root, the cluster belongs to the
# "postgres" user that Debian's postgresql-15 package creates, and DIR is
# given to it.  pg_ctl -w waits for the server to accept connections, with
# a generous timeout, so a loaded machine is slow but never flaky.  fsync
# is off: the cluster lives only as long as the test run (CLUSTER_FSYNC=on
# turns it on, for a benchmark of durable writes: bench/pg.sh).
set -eu
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:?usage: cluster.sh start|stop DIR}
dir=${2:?usage: cluster.sh start|stop DIR}

as_owner() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start DIR: start DIR's server on its own socket, waiting for it
pg_start() {
	as_owner "$BIN/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 300 \
		-o "-k $1 -c listen_addresses= -c fsync=${CLUSTER_FSYNC:-off} -c max_connections=200" \
		start >/dev/null ||
		{ cat "$1/server.log" >&2; exit 1; }
}

# new_dir DIR: DIR made, the cluster's user's own
new_dir() {
	mkdir "$1"
	chmod 700 "$1"
	if [ "$(id -u)" = 0 ]; then chown postgres: "$1"; fi
}

# new_cluster DIR: a new cluster in DIR/data, started, with its database
# "council"
new_cluster() {
	[ -x "$BIN/initdb" ] || { echo "cluster.sh: $BIN/initdb missing (apt-get install postgresql-15)" >&2; exit 1; }
	as_owner "$BIN/initdb" -D "$1/data" -U council --auth=trust -E UTF8 \
		--locale=C --no-sync >"$1/initdb.log" 2>&1 ||
		{ cat "$1/initdb.log" >&2; exit 1; }
	pg_start "$1"
	"$BIN/psql" -X -q -h "$1" -U council -d postgres \
		-c "CREATE DATABASE council ENCODING 'UTF8'" >/dev/null
}

# CLUSTER_TEMPLATE=DIR (tests/run.sh sets it for a run): the first start
# makes a new cluster in DIR, with its database, and stops it; every start
# copies it.  A run starts about 33 clusters; an initdb and a CREATE
# DATABASE cost about 1.8 s of CPU, and 12 s on a loaded machine, where
# a copy of the stopped cluster's 40 MB costs 0.3 s (3.8 s loaded).  The
# copy is the cluster initdb would make, shut down cleanly.  Several test
# files start clusters at once: the first makes the template under a
# lock, and the others wait for it.
template() {
	local t=$CLUSTER_TEMPLATE
	exec 9>>"$t.lock"
	flock 9
	if [ ! -f "$t/made" ]; then
		rm -rf "$t"
		new_dir "$t"
		new_cluster "$t"
		as_owner "$BIN/pg_ctl" -D "$t/data" -m fast -w -t 300 stop >/dev/null
		touch "$t/made"
	fi
	exec 9>&-
}

case $cmd in
start)
	new_dir "$dir"
	if [ -n "${CLUSTER_TEMPLATE:-}" ]; then
		template
		cp -a "$CLUSTER_TEMPLATE/data" "$dir/data"
		pg_start "$dir"
	else
		new_cluster "$dir"
	fi
	echo "host=$dir user=council dbname=council"
	;;
standby)
	primary=$dir
	dir=${3:?usage: cluster.sh standby PRIMARY DIR}
	new_dir "$dir"
	# initdb's trust rules admit local replication connections.
	as_owner "$BIN/pg_basebackup" -h "$primary" -U council -D "$dir/data" -R \
		--checkpoint=fast --no-sync >"$dir/basebackup.log" 2>&1 ||
		{ cat "$dir/basebackup.log" >&2; exit 1; }
	# hot_standby is on by default: the standby answers reads.
	pg_start "$dir"
	echo "host=$dir user=council dbname=council"
	;;
down)
	as_owner "$BIN/pg_ctl" -D "$dir/data" -m fast -w -t 300 stop >/dev/null
	;;
up)
	pg_start "$dir"
	;;
stop)
	[ -d "$dir/data" ] && as_owner "$BIN/pg_ctl" -D "$dir/data" -m fast -w -t 300 stop >/dev/null 2>&1
	rm -rf "$dir"
	;;
*)
	echo "usage: cluster.sh start|down|up|stop DIR, or standby PRIMARY DIR" >&2
	exit 2
	;;
esac
