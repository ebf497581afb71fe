/*
 * sqlite_log.c - the SQLite backend's event log: append, scans, one event.
 * The events table refuses UPDATE and DELETE (triggers, sqlite_open.c);
 * seq is its primary key, so a seq is stored once.  type and proposal are
 * plain columns written at append (the layer above takes them from the
 * decoded event), so selecting a proposal's events reads an index, not
 * every event's JSON.
 */
#include "sqlite.h"

int cn_sq_append(struct cn_store_backend *b, const struct cn_raw_event *ev,
		 struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "INSERT INTO events(seq, bytes, salt,"
				     " hash, type, proposal) VALUES(?,?,?,?,?,?)",
				     err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, ev->seq);
	sqlite3_bind_text(s, 2, ev->bytes, (int)ev->len, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, ev->salt, (int)ev->saltlen, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, ev->hash, (int)ev->hashlen, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, ev->type, -1, SQLITE_STATIC);
	if (ev->proposal > 0)
		sqlite3_bind_int64(s, 6, ev->proposal);
	else
		sqlite3_bind_null(s, 6);
	return cn_sq_done(b, s, "appending event", err);
}

/* Every read selects these columns, in this order. */
#define EVENT_COLS "SELECT seq, bytes, salt, hash, type, proposal FROM events"

struct scan {
	cn_raw_event_fn fn;
	void *ctx;
};

static int event_row(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct scan *sc = ctx;
	struct cn_raw_event ev = {
		.seq = sqlite3_column_int64(s, 0),
		/* NULL: about no proposal; not an integer: none that is. */
		.proposal = sqlite3_column_type(s, 5) == SQLITE_NULL ? 0
			    : sqlite3_column_type(s, 5) == SQLITE_INTEGER
			    ? sqlite3_column_int64(s, 5) : -1,
	};
	const void *salt, *hash;
	int rc;

	/* A NULL type is judged with the row's other lookups (log.c,
	 * check_lookups: changed after it was written, naming the event). */
	if ((rc = cn_sq_col_text(s, 1, "events.bytes", CN_SQ_NOT_NULL,
				 &ev.bytes, &ev.len, err)) ||
	    (rc = cn_sq_col_blob(s, 2, "events.salt", CN_SQ_NOT_NULL, &salt,
				 &ev.saltlen, err)) ||
	    (rc = cn_sq_col_blob(s, 3, "events.hash", CN_SQ_NOT_NULL, &hash,
				 &ev.hashlen, err)) ||
	    (rc = cn_sq_col_text(s, 4, "events.type", CN_SQ_NULLABLE, &ev.type,
				 NULL, err)))
		return rc;
	ev.salt = salt;
	ev.hash = hash;
	return sc->fn(sc->ctx, &ev, err);
}

int cn_sq_events(struct cn_store_backend *b, int64_t from, int64_t to,
		 cn_raw_event_fn fn, void *ctx, struct cn_err *err)
{
	struct scan sc = {fn, ctx};
	sqlite3_stmt *s = cn_sq_fresh(b, EVENT_COLS " WHERE seq BETWEEN ? AND ?"
				      " ORDER BY seq", err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	return cn_sq_each(b, s, event_row, &sc, "reading the log", err);
}

int cn_sq_proposal_events(struct cn_store_backend *b, int64_t id,
			  cn_raw_event_fn fn, void *ctx, struct cn_err *err)
{
	struct scan sc = {fn, ctx};
	sqlite3_stmt *s = cn_sq_fresh(b, EVENT_COLS " WHERE proposal = ?"
				      " ORDER BY seq", err);
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

int cn_sq_event(struct cn_store_backend *b, int64_t seq, cn_raw_event_fn fn,
		void *ctx, struct cn_err *err)
{
	struct scan sc = {fn, ctx};
	return cn_sq_by_id(b, EVENT_COLS " WHERE seq = ?", seq, "event",
			   event_row, &sc, err);
}
