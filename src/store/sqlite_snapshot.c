/*
 * sqlite_snapshot.c - the SQLite backend's snapshots of the writer's world
 * (store.h): tables snapshots(seq, hash, bytes) and snapshot_parts(hash,
 * bytes) (snapparts.h: a snapshot's row holds the list of its parts), made
 * on the first writable open of a store that has none (a store from
 * before snapshots, or before parts, gains them, not a new schema
 * version: nothing else changes, and an older council ignores them; it
 * would find a list of parts where it expects a snapshot, not trust it,
 * and fold the whole log).
 */
#include "sqlite.h"

#include <stdio.h>
#include <stdlib.h>

int cn_sq_create_snapshots(struct cn_store_backend *b, struct cn_err *err)
{
	return cn_sq_exec(b, "CREATE TABLE IF NOT EXISTS snapshots("
			  "  seq INTEGER PRIMARY KEY,"
			  "  hash BLOB NOT NULL CHECK(length(hash) = 32),"
			  "  bytes BLOB NOT NULL);"
			  "CREATE TABLE IF NOT EXISTS snapshot_parts("
			  "  hash BLOB PRIMARY KEY CHECK(length(hash) = 32),"
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
	struct cn_snapshot_row row = {.seq = sqlite3_column_int64(s, 0)};
	const void *hash, *bytes;
	int rc;

	if ((rc = cn_sq_col_blob(s, 1, "snapshots.hash", CN_SQ_NOT_NULL, &hash,
				 &row.hashlen, err)) ||
	    (rc = cn_sq_col_blob(s, 2, "snapshots.bytes", CN_SQ_NOT_NULL,
				 &bytes, &row.len, err)))
		return rc;
	row.hash = hash;
	row.bytes = bytes;
	return ss->fn(ss->ctx, &row, err);
}

/* Whether the table is there: a read-only open of a store no writer of
 * this version has opened yet has none (no snapshot).  -1 on failure. */
static int have_table(struct cn_store_backend *b, const char *name,
		      struct cn_err *err)
{
	int64_t have = 0;
	sqlite3_stmt *s = cn_sq_stmt(b, "SELECT count(*) FROM sqlite_schema"
				     " WHERE type = 'table' AND name = ?", err);

	if (s)
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (!s || cn_sq_one(b, s, cn_sq_int64, &have, "reading the schema",
			    "no schema", err))
		return -1;
	return have != 0;
}

int cn_sq_snapshots(struct cn_store_backend *b, cn_snapshot_fn fn, void *ctx,
		    struct cn_err *err)
{
	struct snap_scan ss = {fn, ctx};
	int have = have_table(b, "snapshots", err);
	sqlite3_stmt *s;

	if (have <= 0)
		return have ? CN_EIO : 0;
	if (!(s = cn_sq_fresh(b, "SELECT seq, hash, bytes FROM snapshots"
			      " ORDER BY seq DESC", err)))
		return CN_EIO;
	return cn_sq_each(b, s, snapshot_row, &ss, "reading snapshots", err);
}

/* ---- parts (snapparts.h) ------------------------------------------------ */

int cn_sq_part_put(struct cn_store_backend *b, const uint8_t *hash,
		   const uint8_t *bytes, size_t len, int replace,
		   struct cn_err *err)
{
	sqlite3_stmt *st = cn_sq_stmt(b, replace
				      ? "INSERT OR REPLACE INTO snapshot_parts"
					"(hash, bytes) VALUES(?, ?)"
				      : "INSERT OR IGNORE INTO snapshot_parts"
					"(hash, bytes) VALUES(?, ?)", err);
	if (!st)
		return CN_EIO;
	sqlite3_bind_blob(st, 1, hash, CN_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob64(st, 2, bytes, len, SQLITE_STATIC);
	return cn_sq_done(b, st, "writing a snapshot's part", err);
}

struct part_out {
	cn_snapshot_piece_fn fn;
	void *ctx;
};

static int part_row(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	const struct part_out *o = ctx;
	const void *bytes;
	size_t n;
	int rc = cn_sq_col_blob(s, 0, "snapshot_parts.bytes", CN_SQ_NOT_NULL,
				&bytes, &n, err);

	return rc ? rc : o->fn(o->ctx, bytes, n, err);
}

int cn_sq_part_get(struct cn_store_backend *b, const uint8_t *hash,
		   cn_snapshot_piece_fn fn, void *ctx, struct cn_err *err)
{
	struct part_out o = {fn, ctx};
	sqlite3_stmt *s = cn_sq_stmt(b, "SELECT bytes FROM snapshot_parts"
				     " WHERE hash = ?", err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_blob(s, 1, hash, CN_HASH_LEN, SQLITE_STATIC);
	return cn_sq_one(b, s, part_row, &o, "reading a snapshot's part",
			 "no such part", err);
}

static int hash_row(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	const struct part_out *o = ctx;
	const void *h;
	size_t n;
	/* The primary key of a table with rowids may be NULL: such a row
	 * names no part (its length is judged by the caller). */
	int rc = cn_sq_col_blob(s, 0, "snapshot_parts.hash", CN_SQ_NULLABLE,
				&h, &n, err);

	return rc || !h ? rc : o->fn(o->ctx, h, n, err);
}

int cn_sq_part_hashes(struct cn_store_backend *b, cn_snapshot_piece_fn fn,
		      void *ctx, struct cn_err *err)
{
	struct part_out o = {fn, ctx};
	int have = have_table(b, "snapshot_parts", err);
	sqlite3_stmt *s;

	if (have <= 0)
		return have ? CN_EIO : 0;
	if (!(s = cn_sq_fresh(b, "SELECT hash FROM snapshot_parts", err)))
		return CN_EIO;
	return cn_sq_each(b, s, hash_row, &o, "reading a snapshot's parts", err);
}

int cn_sq_part_drop(struct cn_store_backend *b, const uint8_t *hash,
		    struct cn_err *err)
{
	sqlite3_stmt *st = cn_sq_stmt(b, "DELETE FROM snapshot_parts"
				      " WHERE hash = ?", err);
	if (!st)
		return CN_EIO;
	sqlite3_bind_blob(st, 1, hash, CN_HASH_LEN, SQLITE_STATIC);
	return cn_sq_done(b, st, "dropping a snapshot's part", err);
}
