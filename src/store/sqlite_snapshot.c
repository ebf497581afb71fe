/*
 * sqlite_snapshot.c - the SQLite backend's snapshots of the writer's world
 * (store.h): table snapshots(seq, hash, bytes), made on the first
 * writable open of a store that has none (a store from before snapshots
 * gains the table, not a new schema version: nothing else changes, and an
 * older council ignores it).
 */
#include "sqlite.h"

#include <stdio.h>

int cn_sq_create_snapshots(struct cn_store_backend *b, struct cn_err *err)
{
	return cn_sq_exec(b, "CREATE TABLE IF NOT EXISTS snapshots("
			  "  seq INTEGER PRIMARY KEY,"
			  "  hash BLOB NOT NULL CHECK(length(hash) = 32),"
			  "  bytes BLOB NOT NULL)", err);
}

int cn_sq_snapshot_put(struct cn_store_backend *b,
		       const struct cn_snapshot_row *s, unsigned keep,
		       struct cn_err *err)
{
	sqlite3_stmt *st = cn_sq_stmt(b, "INSERT OR REPLACE INTO snapshots"
				      "(seq, hash, bytes) VALUES(?, ?, ?)", err);
	int rc;

	if (!st)
		return CN_EIO;
	sqlite3_bind_int64(st, 1, s->seq);
	sqlite3_bind_blob(st, 2, s->hash, (int)s->hashlen, SQLITE_STATIC);
	sqlite3_bind_blob64(st, 3, s->bytes, s->len, SQLITE_STATIC);
	if ((rc = cn_sq_done(b, st, "writing a snapshot", err)))
		return rc;
	if (!(st = cn_sq_stmt(b, "DELETE FROM snapshots WHERE seq NOT IN"
			      " (SELECT seq FROM snapshots ORDER BY seq DESC"
			      " LIMIT ?)", err)))
		return CN_EIO;
	sqlite3_bind_int(st, 1, (int)keep);
	return cn_sq_done(b, st, "dropping old snapshots", err);
}

int cn_sq_snapshot_drop(struct cn_store_backend *b, int64_t seq,
			struct cn_err *err)
{
	sqlite3_stmt *st = cn_sq_stmt(b, "DELETE FROM snapshots WHERE seq = ?",
				      err);
	if (!st)
		return CN_EIO;
	sqlite3_bind_int64(st, 1, seq);
	return cn_sq_done(b, st, "dropping a snapshot", err);
}

struct snap_scan {
	cn_snapshot_fn fn;
	void *ctx;
};

static int snapshot_row(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct snap_scan *ss = ctx;
	struct cn_snapshot_row row = {
		.seq = sqlite3_column_int64(s, 0),
		.hash = sqlite3_column_blob(s, 1),
		.hashlen = (size_t)sqlite3_column_bytes(s, 1),
		.bytes = sqlite3_column_blob(s, 2),
		.len = (size_t)sqlite3_column_bytes(s, 2),
	};
	static const uint8_t none[1];

	/* An empty blob reads back as NULL: still zero bytes to look at. */
	if (!row.bytes)
		row.bytes = none;
	if (!row.hash)
		row.hash = none;
	return ss->fn(ss->ctx, &row, err);
}

int cn_sq_snapshots(struct cn_store_backend *b, cn_snapshot_fn fn, void *ctx,
		    struct cn_err *err)
{
	struct snap_scan ss = {fn, ctx};
	int64_t have = 0;
	sqlite3_stmt *s = cn_sq_stmt(b, "SELECT count(*) FROM sqlite_schema"
				     " WHERE type = 'table' AND name = 'snapshots'",
				     err);

	/* A read-only open of a store no writer of this version has opened
	 * yet has no table: no snapshot. */
	if (!s || cn_sq_one(b, s, cn_sq_int64, &have, "reading the schema",
			    "no schema", err))
		return CN_EIO;
	if (!have)
		return 0;
	if (!(s = cn_sq_fresh(b, "SELECT seq, hash, bytes FROM snapshots"
			      " ORDER BY seq DESC", err)))
		return CN_EIO;
	return cn_sq_each(b, s, snapshot_row, &ss, "reading snapshots", err);
}
