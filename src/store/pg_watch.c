/*
 * pg_watch.c - the PostgreSQL backend's watch (store.h, "watching the
 * store"): a connection of its own that LISTENs on the store's channel and
 * may hold the store's clock lead.
 *
 * The channel is "council_" and the store id (the marker row's), so two
 * stores in one database, or in two schemas of it, never hear each
 * other.  Every write transaction notifies it as it takes the write lock
 * (pg_open.c, lock_head); PostgreSQL delivers a notification only when
 * its transaction commits, and folds the notifications of one
 * transaction into one.
 *
 * The clock lead is pg_try_advisory_lock on a key made from the store id:
 * a session-level lock, so it lives exactly as long as the watch's
 * session.  When the leading process dies (kill -9 too) its sockets
 * close; PostgreSQL sees the end of its session at once on a Unix socket
 * or a TCP connection from a live host, ends the session and releases the
 * lock, and another watch takes it at its next try.  A vanished host
 * sends nothing: the keepalives set on every session (pg_open.c) end it
 * within about 25 s.
 *
 * Ownership: the watch owns its connection and a copy of the connection
 * string; it borrows nothing from the store it was opened from, so it can
 * live on a thread of its own.
 */
#include "pg.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cn_watch_backend {
	/* Its own connection and label, so pg_exec.c's helpers serve it. */
	struct cn_store_backend b;
	char listen[96];  /* LISTEN "council_<store id>" */
	int64_t lead_key; /* the advisory lock of the clock lead */
	int leading;
};

static int id_row(void *ctx, const struct cn_pg_row *r, struct cn_err *err)
{
	(void)err;
	cn_pg_copy(r, 0, ctx, 40);
	return 0;
}

int cn_pg_watch_open(struct cn_store_backend *b, struct cn_watch_backend **out,
		     struct cn_err *err)
{
	struct cn_watch_backend *w;
	char id[40] = "";
	uint8_t key[8];
	int rc;

	if ((rc = cn_pg_one(b, "SELECT store_id FROM council", NULL, id_row, id,
			    "reading the store id", "no marker row", err)))
		return rc;
	/* The id goes into a LISTEN statement: as made by create_schema
	 * (hex), or the store is not ours to trust. */
	if (!*id || strspn(id, "0123456789abcdef") != strlen(id))
		return cn_err_set(err, CN_ECORRUPT, "%s: the store id '%s' is not "
				  "hexadecimal", b->label, id);
	if (!(w = calloc(1, sizeof(*w))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if (!(w->b.conninfo = strdup(b->conninfo))) {
		free(w);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	snprintf(w->b.label, sizeof(w->b.label), "%s", b->label);
	snprintf(w->listen, sizeof(w->listen), "LISTEN \"" CN_PG_CHANNEL "%s\"", id);
	/* A key of the whole id, in a space of its own ("clock "): the
	 * advisory locks of other programs on the database use theirs. */
	crypto_generichash(key, sizeof(key), (const uint8_t *)"clock ", 6,
			   (const uint8_t *)id, strlen(id));
	for (int k = 0; k < 8; k++)
		w->lead_key = (int64_t)(((uint64_t)w->lead_key << 8) | key[k]);
	*out = w;
	return 0;
}

/* Forget the connection; the session's lead ends with it. */
static void drop(struct cn_watch_backend *w)
{
	PQfinish(w->b.conn);
	w->b.conn = NULL;
	w->leading = 0;
}

static int watch_connect(struct cn_watch_backend *w, struct cn_err *err)
{
	int rc;

	w->b.conn = cn_pg_connect(w->b.conninfo);
	if (!w->b.conn || PQstatus(w->b.conn) != CONNECTION_OK) {
		rc = cn_err_set(err, CN_EIO, "%s: the watch cannot connect: %s",
				w->b.label, w->b.conn ? PQerrorMessage(w->b.conn)
						      : "out of memory");
		drop(w);
		return rc;
	}
	/* The server's side of keepalives too: a session whose host
	 * vanished must end, and release the lead, in seconds. */
	if ((rc = cn_pg_script(&w->b, "SET tcp_keepalives_idle = 10;"
			       " SET tcp_keepalives_interval = 5;"
			       " SET tcp_keepalives_count = 3;"
			       " SET application_name = 'council watch'",
			       "setting up the watch", err)) ||
	    (rc = cn_pg_script(&w->b, w->listen, "listening", err)))
		drop(w);
	return rc;
}

int cn_pg_watch_fd(const struct cn_watch_backend *w)
{
	return w->b.conn ? PQsocket(w->b.conn) : -1;
}

int cn_pg_watch_poll(struct cn_watch_backend *w, int try_lead, int *changed,
		     int *leading, struct cn_err *err)
{
	PGnotify *n;
	int rc;

	if (!w->b.conn) {
		if ((rc = watch_connect(w, err)))
			return rc;
		*changed = 1; /* whatever was committed while it was away */
	} else if (!PQconsumeInput(w->b.conn) ||
		   PQstatus(w->b.conn) != CONNECTION_OK) {
		rc = cn_pg_err(&w->b, err, "the watch's connection");
		drop(w);
		return rc;
	}
	if (try_lead && w->leading) {
		/* A session ended by the server may still look connected
		 * (its FATAL message read, not yet the end of the socket):
		 * the lead is only as alive as a query on it. */
		if ((rc = cn_pg_one(&w->b, "SELECT 1::int8", NULL, NULL, NULL,
				    "checking the clock lead", "no answer", err))) {
			drop(w);
			return rc;
		}
	} else if (try_lead) {
		struct cn_pg_params p = {0};
		int64_t got = 0;

		cn_pg_int(&p, w->lead_key);
		if ((rc = cn_pg_one(&w->b, "SELECT pg_try_advisory_lock($1)::int::int8",
				    &p, cn_pg_get_int64, &got, "trying the clock lead",
				    "no answer", err))) {
			drop(w);
			return rc;
		}
		w->leading = got == 1;
	}
	/* After any query too: libpq may have read notifications with its
	 * answer, and they no longer make the socket readable. */
	while ((n = PQnotifies(w->b.conn))) {
		*changed = 1;
		PQfreemem(n);
	}
	*leading = w->leading;
	return 0;
}

void cn_pg_watch_close(struct cn_watch_backend *w)
{
	if (!w)
		return;
	PQfinish(w->b.conn);
	free(w->b.conninfo);
	free(w);
}
