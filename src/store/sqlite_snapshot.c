/*
 * sqlite_snapshot.c - the SQLite backend's snapshots of the writer's world
 * (store.h): table snapshots(seq, hash, bytes), made on the first
 * writable open of a store that has none (a store from before snapshots
 * gains the table, not a new schema version: nothing else changes, and an
 * older council ignores it).
 */
#include "sqlite.h"

#include <stdio.h>
#include <stdlib.h>

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

/* Whether the table is there: a read-only open of a store no writer of
 * this version has opened yet has none (no snapshot).  -1 on failure. */
static int have_table(struct cn_store_backend *b, struct cn_err *err)
{
	int64_t have = 0;
	sqlite3_stmt *s = cn_sq_stmt(b, "SELECT count(*) FROM sqlite_schema"
				     " WHERE type = 'table' AND name = 'snapshots'",
				     err);

	if (!s || cn_sq_one(b, s, cn_sq_int64, &have, "reading the schema",
			    "no schema", err))
		return -1;
	return have != 0;
}

int cn_sq_snapshots(struct cn_store_backend *b, cn_snapshot_fn fn, void *ctx,
		    struct cn_err *err)
{
	struct snap_scan ss = {fn, ctx};
	int have = have_table(b, err);
	sqlite3_stmt *s;

	if (have <= 0)
		return have ? CN_EIO : 0;
	if (!(s = cn_sq_fresh(b, "SELECT seq, hash, bytes FROM snapshots"
			      " ORDER BY seq DESC", err)))
		return CN_EIO;
	return cn_sq_each(b, s, snapshot_row, &ss, "reading snapshots", err);
}

/* ---- a piece at a time: SQLite's incremental blob I/O --------------------- *
 * The query asks for length(bytes), which SQLite answers from the record
 * header without reading the blob's overflow pages; the bytes are then
 * read 64 KiB at a time through a blob handle on the row (seq is the
 * rowid), in the caller's read transaction. */
#define PIECE (64 * 1024)

struct snap_pieces {
	cn_snapshot_fn head;
	cn_snapshot_piece_fn piece;
	void *ctx;
	struct cn_store_backend *b;
	uint8_t *buf;
};

static int pieces_row(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct snap_pieces *p = ctx;
	static const uint8_t none[1];
	struct cn_snapshot_row row = {
		.seq = sqlite3_column_int64(s, 0),
		.hash = sqlite3_column_blob(s, 1),
		.hashlen = (size_t)sqlite3_column_bytes(s, 1),
		.len = (size_t)sqlite3_column_int64(s, 2),
	};
	sqlite3_blob *blob = NULL;
	int rc;

	if (!row.hash)
		row.hash = none;
	if ((rc = p->head(p->ctx, &row, err)) || !row.len)
		return rc;
	if (sqlite3_blob_open(p->b->db, "main", "snapshots", "bytes", row.seq, 0,
			      &blob) != SQLITE_OK) {
		rc = cn_err_set(err, CN_EIO, "reading the snapshot at event %lld: "
				"%s", (long long)row.seq, sqlite3_errmsg(p->b->db));
		sqlite3_blob_close(blob);
		return rc;
	}
	if ((size_t)sqlite3_blob_bytes(blob) != row.len)
		rc = cn_err_set(err, CN_EIO, "reading the snapshot at event %lld: "
				"its length changed", (long long)row.seq);
	for (size_t at = 0; rc == 0 && at < row.len; at += PIECE) {
		int n = (int)(row.len - at < PIECE ? row.len - at : PIECE);
		if (sqlite3_blob_read(blob, p->buf, n, (int)at) != SQLITE_OK)
			rc = cn_err_set(err, CN_EIO, "reading the snapshot at event "
					"%lld: %s", (long long)row.seq,
					sqlite3_errmsg(p->b->db));
		else
			rc = p->piece(p->ctx, p->buf, (size_t)n, err);
	}
	sqlite3_blob_close(blob);
	return rc;
}

int cn_sq_snapshot_pieces(struct cn_store_backend *b, cn_snapshot_fn head,
			  cn_snapshot_piece_fn piece, void *ctx,
			  struct cn_err *err)
{
	struct snap_pieces p = {head, piece, ctx, b, NULL};
	int have = have_table(b, err), rc;
	sqlite3_stmt *s;

	if (have <= 0)
		return have ? CN_EIO : 0;
	if (!(p.buf = malloc(PIECE)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if (!(s = cn_sq_fresh(b, "SELECT seq, hash, length(bytes) FROM snapshots"
			      " ORDER BY seq DESC", err)))
		rc = CN_EIO;
	else
		rc = cn_sq_each(b, s, pieces_row, &p, "reading snapshots", err);
	free(p.buf);
	return rc;
}
