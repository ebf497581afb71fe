/*
 * pg_log.c - the PostgreSQL backend's event log: append, scans, one event.
 * The events table refuses UPDATE, DELETE and TRUNCATE and takes seq
 * n + 1 only after seq n (triggers, pg_open.c); seq is its primary key,
 * so a seq is stored once.  The bytes are bytea: stored and given back
 * exactly, whatever the session's encoding.  type and proposal are plain
 * columns written at append, so selecting a proposal's events reads an
 * index, not every event's JSON.
 */
#include "pg.h"

#include <stdio.h>

int cn_pg_append(struct cn_store_backend *b, const struct cn_raw_event *ev,
		 struct cn_err *err)
{
	struct cn_pg_params p = {0};

	cn_pg_int(&p, ev->seq);
	cn_pg_bytes(&p, ev->bytes, ev->len);
	cn_pg_bytes(&p, ev->salt, ev->saltlen);
	cn_pg_bytes(&p, ev->hash, ev->hashlen);
	cn_pg_str(&p, ev->type);
	if (ev->proposal > 0)
		cn_pg_int(&p, ev->proposal);
	else
		cn_pg_null(&p, CN_PG_INT8);
	if (b->writing && b->wseq >= 0)
		b->wseq = ev->seq; /* a failure fails the transaction */
	return cn_pg_send(b, "INSERT INTO events(seq, bytes, salt, hash, type,"
			  " proposal) VALUES($1, $2, $3, $4, $5, $6)", &p,
			  "appending event", err);
}

/* Every read selects these columns, in this order. */
#define EVENT_COLS "SELECT seq, bytes, salt, hash, type, proposal FROM events"

struct scan {
	cn_raw_event_fn fn;
	void *ctx;
};

static int event_row(void *ctx, const struct cn_pg_row *r, struct cn_err *err)
{
	struct scan *sc = ctx;
	struct cn_raw_event ev = {.seq = cn_pg_int64(r, 0)};

	ev.bytes = cn_pg_value(r, 1, &ev.len);
	ev.salt = (const uint8_t *)cn_pg_value(r, 2, &ev.saltlen);
	ev.hash = (const uint8_t *)cn_pg_value(r, 3, &ev.hashlen);
	/* The lookup columns, which verify checks against the bytes (log.c);
	 * libpq ends every value with a NUL, so the type is a C string.  A
	 * NULL proposal: the event is about none. */
	if (!cn_pg_isnull(r, 4)) {
		size_t tl;
		ev.type = cn_pg_value(r, 4, &tl);
	}
	ev.proposal = cn_pg_isnull(r, 5) ? 0 : cn_pg_int64(r, 5);
	return sc->fn(sc->ctx, &ev, err);
}

/* Events a page at a time by key (seq above the last page's), each page
 * a plain query held whole, rather than through a cursor: a cursor costs
 * a DECLARE, a FETCH and a CLOSE, and outside a transaction a
 * transaction of its own, five round trips where a writer folding the
 * few events another server committed needs one.  Committed events are
 * always a gap-free prefix of the log (appended in order under the write
 * lock, never changed), so pages read in successive snapshots outside a
 * transaction still give one chain, at most a longer one; inside a read
 * transaction they are all of its snapshot.  Held whole, a page lets its
 * callback run other queries (a scan inside a scan). */
#define EVENT_PAGE 256

struct page {
	struct scan *sc;
	int n;
	int64_t last;
};

static int page_row(void *ctx, const struct cn_pg_row *r, struct cn_err *err)
{
	struct page *pg = ctx;

	pg->n++;
	pg->last = cn_pg_int64(r, 0);
	return event_row(pg->sc, r, err);
}

int cn_pg_events(struct cn_store_backend *b, int64_t from, int64_t to,
		 cn_raw_event_fn fn, void *ctx, struct cn_err *err)
{
	struct scan sc = {fn, ctx};
	int rc;

	for (;;) {
		struct page pg = {&sc, 0, 0};
		struct cn_pg_params p = {0};

		cn_pg_int(&p, from);
		cn_pg_int(&p, to);
		cn_pg_int(&p, EVENT_PAGE);
		if ((rc = cn_pg_few(b, EVENT_COLS " WHERE seq BETWEEN $1 AND $2"
				    " ORDER BY seq LIMIT $3", &p, page_row, &pg,
				    "reading the log", err)))
			return rc;
		if (pg.n < EVENT_PAGE || pg.last >= to)
			return 0;
		from = pg.last + 1;
	}
}

int cn_pg_proposal_events(struct cn_store_backend *b, int64_t id,
			  cn_raw_event_fn fn, void *ctx, struct cn_err *err)
{
	struct scan sc = {fn, ctx};
	struct cn_pg_params p = {0};

	cn_pg_int(&p, id);
	return cn_pg_each(b, EVENT_COLS " WHERE proposal = $1 ORDER BY seq", &p,
			  event_row, &sc, "reading the log", err);
}

const char cn_pg_last_seq_sql[] = "SELECT coalesce(max(seq), 0)::int8 FROM events";

int cn_pg_last_seq(struct cn_store_backend *b, int64_t *out, struct cn_err *err)
{
	/* Inside the write lock: read with it (pg_begin), moved by appends. */
	if (b->writing && b->wseq >= 0) {
		*out = b->wseq;
		return 0;
	}
	return cn_pg_one(b, cn_pg_last_seq_sql, NULL, cn_pg_get_int64, out,
			 "reading the log", "no events", err);
}

int cn_pg_event(struct cn_store_backend *b, int64_t seq, cn_raw_event_fn fn,
		void *ctx, struct cn_err *err)
{
	struct scan sc = {fn, ctx};
	struct cn_pg_params p = {0};
	char notfound[48];

	cn_pg_int(&p, seq);
	snprintf(notfound, sizeof(notfound), "no event %lld", (long long)seq);
	return cn_pg_one(b, EVENT_COLS " WHERE seq = $1", &p, event_row, &sc,
			 "reading the log", notfound, err);
}
