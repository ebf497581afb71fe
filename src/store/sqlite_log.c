/*
 * sqlite_log.c - the SQLite backend's event log: append, scans, one event's
 * bytes.  The events table refuses UPDATE and DELETE (triggers,
 * sqlite_open.c); seq is its primary key, so a seq is stored once.
 */
#include "sqlite.h"

int cn_sq_append(struct cn_store_backend *b, const struct cn_raw_event *ev,
		 struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "INSERT INTO events(seq, bytes, hash)"
				     " VALUES(?,?,?)", err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, ev->seq);
	sqlite3_bind_text(s, 2, ev->bytes, (int)ev->len, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, ev->hash, (int)ev->hashlen, SQLITE_STATIC);
	return cn_sq_done(b, s, "appending event", err);
}

struct scan {
	cn_raw_event_fn fn;
	void *ctx;
	int with_seq; /* the query's first column is seq */
};

static int event_row(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct scan *sc = ctx;
	int c = sc->with_seq;
	struct cn_raw_event ev = {
		.seq = c ? sqlite3_column_int64(s, 0) : 0,
		.bytes = (const char *)sqlite3_column_text(s, c),
		.len = (size_t)sqlite3_column_bytes(s, c),
		.hash = c ? sqlite3_column_blob(s, 2) : NULL,
		.hashlen = c ? (size_t)sqlite3_column_bytes(s, 2) : 0,
	};
	if (!ev.bytes)
		ev.bytes = "";
	return sc->fn(sc->ctx, &ev, err);
}

int cn_sq_events(struct cn_store_backend *b, int64_t from, cn_raw_event_fn fn,
		 void *ctx, struct cn_err *err)
{
	struct scan sc = {fn, ctx, 1};
	sqlite3_stmt *s = cn_sq_fresh(b, "SELECT seq, bytes, hash FROM events"
				      " WHERE seq >= ? ORDER BY seq", err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, from);
	return cn_sq_each(b, s, event_row, &sc, "reading the log", err);
}

int cn_sq_proposal_events(struct cn_store_backend *b, int64_t id,
			  cn_raw_event_fn fn, void *ctx, struct cn_err *err)
{
	struct scan sc = {fn, ctx, 0};
	sqlite3_stmt *s = cn_sq_fresh(b, "SELECT bytes FROM events"
				      " WHERE proposal = ? ORDER BY seq", err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, id);
	return cn_sq_each(b, s, event_row, &sc, "reading the log", err);
}

int cn_sq_last_seq(struct cn_store_backend *b, int64_t *out, struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "SELECT coalesce(max(seq), 0) FROM events",
				     err);
	return s ? cn_sq_one(b, s, cn_sq_int64, out, "reading the log",
			     "no events", err)
		 : CN_EIO;
}

int cn_sq_event_bytes(struct cn_store_backend *b, int64_t seq, char **bytes,
		      struct cn_err *err)
{
	struct cn_sq_text out = {bytes, NULL};
	return cn_sq_by_id(b, "SELECT bytes FROM events WHERE seq = ?", seq,
			   "event", cn_sq_dup_text, &out, err);
}
