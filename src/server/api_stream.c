/*
 * api_stream.c - GET /api/v1/events/stream: the log as it grows, by
 * Server-Sent Events, through the caller's sight (docs/ARCHITECTURE.md,
 * "Streams").
 *
 * Each message is one event exactly as GET /api/v1/log shows it to the
 * same principal, made by the same code (log_page, api_log.c): `id` its
 * seq, `event` its type, `data` its JSON on one line.  A stream starts
 * after Last-Event-ID (the header a browser sends when it reconnects) or
 * ?after=SEQ, the header first; with neither, at the head of the record
 * the caller is shown, so it carries only what happens next.
 *
 * Bounded by design: a stream keeps a cursor (the last seq it has gone
 * past) and at most one page of text the socket has not taken yet.  The
 * HTTP layer asks for more only when the socket can take it (http.h), and
 * only then is the next page read from the store; so a client that reads
 * slowly falls behind in the log, not in the server's memory, and one that
 * reads nothing is closed by the idle timeout.
 *
 * Sight is applied as each event passes the cursor, with the token
 * resolved again at every read, event or heartbeat: a revoked token ends
 * the stream there (a stream is one request; its token is checked as a
 * new request's would be), and so is a person's session (session.h): a
 * session signed out, expired or disabled ends it.  A proposal that becomes visible later (the
 * public's, once adopted) shows its earlier events in /log; the stream,
 * past them already, does not send them again, but does send what follows.
 *
 * Threads: the reader runs on the pool thread serving the connection, with
 * that thread's cache (cache.h), one call at a time.  It is woken after
 * each commit (notify.h) and at least every NOTIFY_HEARTBEAT_S seconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/err.h"
#include "access.h"
#include "cache.h"
#include "handlers.h"
#include "notify.h"
#include "session.h"

/* Events read from the store at once, and the text a stream holds: it
 * stops taking a page's events past STREAM_TEXT_MAX bytes (one event
 * always fits, however large: at most API_MAX_BODY twice, bytes and
 * payload), and reads the rest again when the socket has taken these. */
#define STREAM_PAGE 16
#define STREAM_TEXT_MAX (64 * 1024)
/* What a client waits before reconnecting (the `retry:` field), ms. */
#define STREAM_RETRY_MS "3000"

struct stream {
	struct cn_api *api;
	char *authorization; /* the request's, copied; NULL for none */
	/* A person's session (session.h) opened it: its cookie's hash,
	 * resolved again at every read as a token is. */
	int session;
	uint8_t session_hash[CN_HASH_LEN];
	int64_t cursor;      /* every event up to here was sent or hidden */
	char *text;          /* messages not taken yet: text[off..len) */
	size_t len, off, cap;
	struct timespec last_sent; /* CLOCK_MONOTONIC */
};

static void stream_free(void *state)
{
	struct stream *s = state;
	free(s->authorization);
	free(s->text);
	free(s);
}

static int append(struct stream *s, const char *text, size_t n)
{
	if (s->len + n > s->cap) {
		size_t cap = (s->len + n) * 2;
		char *t = realloc(s->text, cap);
		if (!t)
			return -1;
		s->text = t;
		s->cap = cap;
	}
	memcpy(s->text + s->len, text, n);
	s->len += n;
	return 0;
}

/* One message: the event e of the log page. */
static int append_event(struct stream *s, json_t *e)
{
	char head[96];
	char *data = json_dumps(e, JSON_COMPACT);
	int n, rc;

	if (!data)
		return -1;
	n = snprintf(head, sizeof(head), "id: %lld\nevent: %s\ndata: ",
		     (long long)json_integer_value(json_object_get(e, "seq")),
		     json_string_value(json_object_get(e, "type")));
	/* Compact JSON holds no newline (jansson escapes them in strings),
	 * so the event is one data line. */
	rc = n > 0 && (size_t)n < sizeof(head) ? 0 : -1;
	if (!rc)
		rc = append(s, head, (size_t)n) || append(s, data, strlen(data)) ||
		     append(s, "\n\n", 2);
	free(data);
	return rc ? -1 : 0;
}

/* The request's context again, as it stands now: this thread's cache, the
 * token resolved anew.  -1 when the stream must end (the token is refused,
 * or the store cannot be read). */
static int context(struct stream *s, struct ctx *x)
{
	struct cn_err err = {0};
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	memset(x, 0, sizeof(*x));
	x->api = s->api;
	x->now = (int64_t)ts.tv_sec;
	if (!(x->cache = cache_get(s->api, &err)))
		return -1;
	x->rd = cache_reader(x->cache);
	x->reg = cn_reader_registry(x->rd);
	if (cache_principal(x->cache, s->authorization, &x->who, &err))
		return -1;
	/* Signed out, expired or disabled since: the stream ends there. */
	if (s->session) {
		struct cn_session se;
		const char *why;
		if (session_principal(x, s->session_hash, &se, &why, &err))
			return -1;
	}
	return 0;
}

/* The next page after the cursor into s->text.  -1: end the stream. */
static int next_page(struct stream *s, struct ctx *x)
{
	struct cn_err err = {0};
	struct cn_store *st;
	json_t *events, *e;
	int64_t next = 0;
	uint64_t upto;
	size_t i;
	int rc = 0;

	if (record_size(x, &upto, &err))
		return -1;
	if ((int64_t)upto <= s->cursor)
		return 0;
	if (!(st = cache_lists(x->cache, x->api, &err)) ||
	    !(events = json_array()))
		return -1;
	if (log_page(x, st, s->cursor + 1, (int64_t)upto, STREAM_PAGE, events,
		     &next, &err)) {
		json_decref(events);
		return -1;
	}
	json_array_foreach(events, i, e) {
		if (s->len >= STREAM_TEXT_MAX) {
			next = -1; /* the rest of the page next time */
			break;
		}
		if ((rc = append_event(s, e)))
			break;
		s->cursor = json_integer_value(json_object_get(e, "seq"));
	}
	json_decref(events);
	/* None visible beyond the page, up to what the caller is shown: the
	 * hidden ones between are passed too. */
	if (!rc && !next)
		s->cursor = (int64_t)upto;
	return rc;
}

static long stream_read(void *state, char *buf, size_t max)
{
	struct stream *s = state;
	struct timespec now;
	struct ctx x;
	size_t n;

	if (s->off == s->len) {
		s->off = s->len = 0;
		if (context(s, &x) || next_page(s, &x))
			return HTTP_STREAM_END;
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* A comment now and then keeps proxies from closing a quiet
		 * stream and finds clients that have gone. */
		if (!s->len && now.tv_sec - s->last_sent.tv_sec >= NOTIFY_HEARTBEAT_S &&
		    append(s, ": keep-alive\n\n", 14))
			return HTTP_STREAM_END;
		if (!s->len)
			return 0;
		s->last_sent = now;
	}
	n = s->len - s->off < max ? s->len - s->off : max;
	memcpy(buf, s->text + s->off, n);
	s->off += n;
	return (long)n;
}

static const struct http_stream_ops stream_ops = {stream_read, stream_free};

/* Where a stream starts: after Last-Event-ID, or ?after=, or the head.
 * -1 after answering 400. */
static int start_after(struct ctx *x, uint64_t head, int64_t *after)
{
	const char *v = x->req->header(x->req, "Last-Event-ID");
	const char *what = "header 'Last-Event-ID'";
	char *end;
	long long n;

	if (!v) {
		v = x->req->arg(x->req, "after");
		what = "query argument 'after'";
	}
	if (!v) {
		*after = (int64_t)head;
		return 0;
	}
	n = strtoll(v, &end, 10);
	if (!*v || *end || *v < '0' || *v > '9' || n < 0) {
		reply_error(x, 400, "invalid", "%s must be an event's seq (0 or more)",
			    what);
		return -1;
	}
	if ((uint64_t)n > head) {
		reply_error(x, 400, "invalid", "%s is beyond the log's %llu events",
			    what, (unsigned long long)head);
		return -1;
	}
	*after = n;
	return 0;
}

void h_events_stream(struct ctx *x)
{
	struct cn_err err = {0};
	struct stream *s = NULL;
	char first[64];
	int n;
	uint64_t head;
	int64_t after;
	int rc;

	if (record_size(x, &head, &err)) {
		reply_err(x, &err);
		return;
	}
	if (start_after(x, head, &after))
		return;
	/* The first message gives the client its place, an id with no data:
	 * it reconnects from there even if no event came before (an
	 * EventSource keeps the id of a message it does not dispatch). */
	n = snprintf(first, sizeof(first), "retry: %s\nid: %lld\n\n",
		     STREAM_RETRY_MS, (long long)after);
	if (n < 0 || (size_t)n >= sizeof(first) || !(s = calloc(1, sizeof(*s))) ||
	    (x->req->authorization &&
	     !(s->authorization = strdup(x->req->authorization))) ||
	    append(s, first, (size_t)n)) {
		if (s)
			stream_free(s);
		reply_error(x, 503, "unavailable", "out of memory");
		return;
	}
	s->api = x->api;
	s->cursor = after;
	if ((s->session = x->who.person != 0))
		memcpy(s->session_hash, x->session_hash, CN_HASH_LEN);
	clock_gettime(CLOCK_MONOTONIC, &s->last_sent);
	x->res->status = 200;
	x->res->content_type = "text/event-stream";
	rc = x->req->stream(x->req, x->res, &stream_ops, s);
	if (rc == 0)
		return;
	stream_free(s);
	x->res->retry_after = "5";
	if (rc == HTTP_STREAM_FULL)
		reply_error(x, 503, "unavailable",
			    "too many streams open; try again later");
	else
		reply_error(x, 503, "unavailable", "out of memory");
}
