/*
 * http_mhd.c - struct http_request/response over GNU libmicrohttpd.
 *
 * Thread pool with epoll.  The request body arrives over several calls of
 * the access handler; it is collected (up to max_body, beyond which the
 * rest is read and dropped and the answer is 413; likewise 500 when its
 * buffer cannot grow) and the handler runs once, on the final call.
 *
 * A handler may defer its answer (writes wait for their group commit):
 * the connection is suspended, so the pool thread goes on serving others,
 * and http_complete() from the writer thread stores the response and
 * resumes it; MHD then calls the access handler once more and the stored
 * response is sent.
 *
 * A 404 leaves no sooner than a fixed time (http_limits.not_found_floor_us)
 * after the request reached the handler, whichever thread decided it, so
 * its timing cannot tell a resource hidden from the client from one that
 * does not exist (docs/PERFORMANCE.md, "Sight in time").  One sent before
 * its deadline is held the same way: its connection is suspended and
 * parked in the hold (hold.h), whose timer thread resumes it at the
 * deadline; no pool thread waits.
 *
 * Hostile clients: libmicrohttpd bounds connections (in all and per
 * address), header memory and silence; the guard (guard.h) bounds the
 * time a request's headers and body may take, told of each connection's
 * phase here: accepted (NOTIFY_STARTED), headers in (the access handler's
 * first call), request in (its last), answered (NOTIFY_COMPLETED), closed
 * (NOTIFY_CLOSED, which libmicrohttpd 0.9.75 calls before it closes the
 * socket: daemon.c, MHD_cleanup_connections and the failure path of
 * internal_add_connection).  Before the handler, the request must be
 * HTTP/1.1 with one Host (RFC 9112, 3.2), and carry at most one of the
 * headers whose repetition would be ambiguous; and no NUL is decoded into
 * its path or query (see unescape).
 *
 * Streams (http.h): a response of unknown length, sent chunked, whose
 * content-reader callback asks the handler's reader for more whenever the
 * socket can take it.  A reader with nothing to send must not answer 0
 * alone: libmicrohttpd 0.9.75 then parks the connection in
 * CHUNKED_BODY_UNREADY with no event to wait for (connection.c,
 * MHD_connection_update_event_loop_info: EVENT_LOOP_INFO_BLOCK), so it
 * would stall until its timeout.  The callback suspends the connection
 * first (MHD_suspend_connection is allowed there, microhttpd.h), and
 * http_streams_wake resumes it.  MHD_resume_connection is called only on a
 * connection this file suspended: resumed while active, libmicrohttpd
 * cancels the next suspension instead (daemon.c,
 * internal_suspend_connection_) and the stream would stall the same way.
 * So each stream says, under stream_mu, whether it sleeps, and a wake that
 * comes while its reader runs makes the callback ask again rather than
 * sleep.  libmicrohttpd must not be stopped with a connection suspended:
 * http_stop wakes every stream with `stopping` set, and each ends.
 */
#include "http.h"

#include <arpa/inet.h>
#include <assert.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "guard.h"
#include "hold.h"
#include "mhd_lib.h"

struct http_server {
	struct MHD_Daemon *d;
	struct guard *guard;
	struct hold *hold;    /* 404s waiting for their deadline */
	long floor_ns;        /* a 404's least time after the handler began */
	http_handler handler;
	void *ctx;
	size_t max_body;
	char keep_alive[32];  /* "timeout=N": the idle timeout, announced */
	/* libmicrohttpd's messages (see mhd_log) */
	pthread_mutex_t log_mu;
	int starting;
	char start_msg[256];
	time_t log_window;
	unsigned log_shown, log_dropped;
	/* Streams open (http_stream), under stream_mu. */
	pthread_mutex_t stream_mu;
	struct http_stream *streams;
	unsigned nstreams, max_streams;
	int streams_stopping;
	pthread_cond_t streams_gone; /* nstreams fell to 0 while stopping */
	/* Set by http_quiesce: each new connection is turned away. */
	atomic_int quiesced;
};

/* How long a stopping server waits for its streams to end cleanly. */
#define STREAMS_END_MS 2000

/* One stream's reader and whether its connection sleeps (suspended by
 * stream_read; only then may it be resumed).  Linked in srv->streams from
 * its start until libmicrohttpd destroys its response (stream_free). */
struct http_stream {
	struct http_stream_ops ops;
	void *state;
	struct http_server *srv;
	struct MHD_Connection *conn;
	int asleep;
	int woken;    /* a wake came while the reader ran */
	struct http_stream *prev, *next;
};

/* libmicrohttpd's error log.  While the daemon starts, its first message
 * is kept: if the start fails it becomes http_start's error, so a port in
 * use is reported once, by the caller.  Afterwards it logs a line for
 * every connection it refuses or loses, which under a flood of hostile
 * clients would flood stderr too: at most LOG_BURST lines go out per
 * LOG_WINDOW_S seconds, and the next window says how many were dropped. */
#define LOG_BURST 10
#define LOG_WINDOW_S 60

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http_server *srv = cls;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&srv->log_mu);
	if (srv->starting) {
		if (!srv->start_msg[0]) {
			vsnprintf(srv->start_msg, sizeof(srv->start_msg), fmt, ap);
			srv->start_msg[strcspn(srv->start_msg, "\n")] = '\0';
		}
		pthread_mutex_unlock(&srv->log_mu);
		return;
	}
	if (now.tv_sec - srv->log_window >= LOG_WINDOW_S) {
		if (srv->log_dropped)
			fprintf(stderr,
				"council: http: %u more messages dropped\n",
				srv->log_dropped);
		srv->log_window = now.tv_sec;
		srv->log_shown = srv->log_dropped = 0;
	}
	if (srv->log_shown < LOG_BURST) {
		srv->log_shown++;
		fputs("council: http: ", stderr);
		vfprintf(stderr, fmt, ap);
	} else
		srv->log_dropped++;
	pthread_mutex_unlock(&srv->log_mu);
}

/* Per-request state (MHD's con_cls); also the handle of a deferral. */
struct http_deferred {
	struct guard_conn *gc; /* the connection's guard entry, or NULL */
	char *buf;
	size_t len, cap;
	int too_large;
	int nomem;            /* the body's buffer could not grow */
	int handled;          /* the handler has run */
	int streamed;         /* it answered with a stream: queued already */
	enum MHD_Result stream_queued;
	struct MHD_Connection *conn;
	pthread_mutex_t mu;   /* completed/res are set by another thread */
	int deferred, completed;
	struct http_response res;
	struct http_server *srv;
	/* A 404 leaves no sooner (CLOCK_MONOTONIC): the floor after the
	 * request reached the handler. */
	struct timespec not_before;
};

static const char *mhd_arg(const struct http_request *req, const char *name)
{
	const char *v = NULL;
	size_t len = 0;
	/* A bare key ("?all") is present with no value: answer "". */
	if (MHD_lookup_connection_value_n(req->impl, MHD_GET_ARGUMENT_KIND, name,
					  strlen(name), &v, &len) != MHD_YES)
		return NULL;
	return v ? v : "";
}

static const char *mhd_header(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->impl, MHD_HEADER_KIND, name);
}

static struct http_deferred *mhd_defer(const struct http_request *req)
{
	struct http_deferred *up = req->impl2;
	/* Suspend here, inside the access handler (the one safe place), and
	 * before the job is queued, so a completion can never come first. */
	up->deferred = 1;
	MHD_suspend_connection(up->conn);
	return up;
}

/* The content reader of a stream: its reader's bytes, or sleep (see the
 * header comment).  On the pool thread that serves the connection. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct http_stream *st = cls;
	struct http_server *srv = st->srv;
	(void)pos;

	for (;;) {
		long n;
		pthread_mutex_lock(&srv->stream_mu);
		if (srv->streams_stopping) {
			pthread_mutex_unlock(&srv->stream_mu);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		st->woken = 0;
		pthread_mutex_unlock(&srv->stream_mu);
		n = st->ops.read(st->state, buf, max);
		assert(n <= (long)max);
		if (n == HTTP_STREAM_END || n < 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (n > 0)
			return (ssize_t)n;
		pthread_mutex_lock(&srv->stream_mu);
		if (!st->woken && !srv->streams_stopping) {
			st->asleep = 1;
			MHD_suspend_connection(st->conn);
			pthread_mutex_unlock(&srv->stream_mu);
			return 0;
		}
		pthread_mutex_unlock(&srv->stream_mu);
	}
}

/* The stream's response is destroyed: the connection is done with it. */
static void stream_free(void *cls)
{
	struct http_stream *st = cls;
	struct http_server *srv = st->srv;

	pthread_mutex_lock(&srv->stream_mu);
	if (st->prev)
		st->prev->next = st->next;
	else if (srv->streams == st)
		srv->streams = st->next;
	if (st->next)
		st->next->prev = st->prev;
	if (--srv->nstreams == 0)
		pthread_cond_signal(&srv->streams_gone);
	pthread_mutex_unlock(&srv->stream_mu);
	st->ops.free(st->state);
	free(st);
}

void http_streams_wake(struct http_server *srv)
{
	pthread_mutex_lock(&srv->stream_mu);
	for (struct http_stream *st = srv->streams; st; st = st->next) {
		if (st->asleep) {
			st->asleep = 0;
			MHD_resume_connection(st->conn);
		} else
			st->woken = 1;
	}
	pthread_mutex_unlock(&srv->stream_mu);
}

static int mhd_stream(const struct http_request *req,
		      struct http_response *res,
		      const struct http_stream_ops *ops, void *state)
{
	struct http_deferred *up = req->impl2;
	struct http_server *srv = up->srv;
	struct http_stream *st;
	struct MHD_Response *r;

	pthread_mutex_lock(&srv->stream_mu);
	if (srv->nstreams >= srv->max_streams || srv->streams_stopping) {
		pthread_mutex_unlock(&srv->stream_mu);
		return HTTP_STREAM_FULL;
	}
	srv->nstreams++;
	pthread_mutex_unlock(&srv->stream_mu);
	if (!(st = calloc(1, sizeof(*st))) ||
	    !(r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
						    stream_read, st,
						    stream_free))) {
		free(st);
		pthread_mutex_lock(&srv->stream_mu);
		srv->nstreams--;
		pthread_mutex_unlock(&srv->stream_mu);
		return HTTP_STREAM_NOMEM;
	}
	st->ops = *ops;
	st->state = state;
	st->srv = srv;
	st->conn = up->conn;
	pthread_mutex_lock(&srv->stream_mu);
	st->next = srv->streams;
	if (st->next)
		st->next->prev = st;
	srv->streams = st;
	pthread_mutex_unlock(&srv->stream_mu);
	MHD_add_response_header(r, "Content-Type", res->content_type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	/* A proxy that buffers would hold each event back. */
	MHD_add_response_header(r, "X-Accel-Buffering", "no");
	up->streamed = 1;
	up->stream_queued = MHD_queue_response(up->conn, (unsigned)res->status, r);
	MHD_destroy_response(r); /* the connection's now; or stream_free */
	return 0;
}

/* Send up's stored answer: its connection, suspended, goes on (MHD calls
 * the access handler again, which sends up->res).  From any thread; the
 * hold's release function. */
static void release(void *item)
{
	struct http_deferred *up = item;

	pthread_mutex_lock(&up->mu);
	up->completed = 1;
	pthread_mutex_unlock(&up->mu);
	MHD_resume_connection(up->conn);
}

/* Whether up's answer res must wait for its deadline: a 404 before it. */
static int held_back(const struct http_deferred *up,
		     const struct http_response *res)
{
	struct timespec now;

	if (res->status != 404)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec < up->not_before.tv_sec ||
	       (now.tv_sec == up->not_before.tv_sec &&
		now.tv_nsec < up->not_before.tv_nsec);
}

void http_complete(struct http_deferred *up, struct http_response *res)
{
	pthread_mutex_lock(&up->mu);
	up->res = *res;
	pthread_mutex_unlock(&up->mu);
	/* Decided by the writer: held like a 404 of the pool threads. */
	if (held_back(up, res) &&
	    hold_park(up->srv->hold, &up->not_before, up) == 0)
		return;
	release(up);
}

/* Answer res later, at up's deadline, when it is a 404 decided before
 * then: 1 when held (the connection is suspended, up owns res), 0 to send
 * it now.  Inside the access handler, where suspending is safe. */
static int hold_answer(struct http_deferred *up, struct http_response *res)
{
	if (!held_back(up, res))
		return 0;
	up->res = *res;
	up->deferred = 1;
	/* Suspended before it is parked, so the release, on the timer
	 * thread, always resumes a suspended connection. */
	MHD_suspend_connection(up->conn);
	if (hold_park(up->srv->hold, &up->not_before, up))
		release(up); /* stopping, or out of memory: at once */
	return 1;
}

/* An error this layer answers itself, before any handler; msg is a
 * constant of this file (nothing the client sent), so needs no escaping. */
static void own_error(struct http_response *res, int status, const char *code,
		      const char *msg)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf),
			 "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}", code,
			 msg);
	res->status = status;
	res->body = n > 0 && (size_t)n < sizeof(buf) ? strdup(buf) : NULL;
	res->len = res->body ? (size_t)n : 0;
}

/* Headers a request may carry once at most: a second Host, credential or
 * media type would make the request mean two things (RFC 9110, 5.3). */
static const char *const singletons[] = {"Host", "Authorization",
					 "Content-Type"};
#define NSINGLETONS (sizeof(singletons) / sizeof(singletons[0]))

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind,
				    const char *key, const char *value)
{
	unsigned *counts = cls;
	(void)kind;
	(void)value;
	for (size_t i = 0; i < NSINGLETONS; i++)
		if (!strcasecmp(key, singletons[i]))
			counts[i]++;
	return MHD_YES;
}

/* The protocol's demands on a request, before routing: 0, or the error
 * answered in res. */
static int check_protocol(struct MHD_Connection *conn, const char *version,
			  struct http_response *res)
{
	static const char *const twice[NSINGLETONS] = {
		"more than one Host header",
		"more than one Authorization header",
		"more than one Content-Type header",
	};
	unsigned counts[NSINGLETONS] = {0};

	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header, counts);
	for (size_t i = 0; i < NSINGLETONS; i++)
		if (counts[i] > 1) {
			own_error(res, 400, "invalid", twice[i]);
			return -1;
		}
	if (!counts[0] && !strcmp(version, MHD_HTTP_VERSION_1_1)) {
		own_error(res, 400, "invalid",
			  "an HTTP/1.1 request needs a Host header");
		return -1;
	}
	return 0;
}

/* Percent-decoding of the path and the query (MHD_OPTION_UNESCAPE_CALLBACK),
 * as libmicrohttpd's own, except that "%00" stays as it is: handlers see C
 * strings, and a NUL decoded into one would cut it short unseen, so that
 * /proposals/1%00/x reached /proposals/1 and at=2023-01-01%00 passed for a
 * date.  Left encoded, it is a character no route or argument takes. */
static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t http_unescape(char *s)
{
	char *w = s;

	for (const char *r = s; *r;) {
		int hi, lo;
		if (r[0] == '%' && (hi = hex_digit(r[1])) >= 0 &&
		    (lo = hex_digit(r[2])) >= 0 && (hi || lo)) {
			*w++ = (char)(hi << 4 | lo);
			r += 3;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	return http_unescape(s);
}

/* The guard's entry of a connection (set at NOTIFY_STARTED). */
static struct guard_conn *guard_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* The peer's address as text ("" when unknown): what rate limits count
 * by.  Behind a proxy every request comes from the proxy's address. */
static void client_address(struct MHD_Connection *conn, char *buf, size_t n)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  buf, (socklen_t)n);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
			  buf, (socklen_t)n);
}

static enum MHD_Result send_res(const struct http_server *srv,
				struct MHD_Connection *conn,
				struct http_response *res)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		res->len, res->body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ok;

	if (!r) {
		free(res->body);
		res->body = NULL;
		return MHD_NO;
	}
	res->body = NULL; /* libmicrohttpd's now */
	MHD_add_response_header(r, "Content-Type",
				res->content_type ? res->content_type
						  : "application/json");
	MHD_add_response_header(r, "Cache-Control",
				res->cache_control ? res->cache_control : "no-store");
	if (res->content_encoding)
		MHD_add_response_header(r, "Content-Encoding", res->content_encoding);
	if (res->vary)
		MHD_add_response_header(r, "Vary", res->vary);
	if (res->etag[0])
		MHD_add_response_header(r, "ETag", res->etag);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (res->allow)
		MHD_add_response_header(r, "Allow", res->allow);
	if (res->retry_after)
		MHD_add_response_header(r, "Retry-After", res->retry_after);
	else if (res->retry_after_s[0])
		MHD_add_response_header(r, "Retry-After", res->retry_after_s);
	if (res->set_cookie[0])
		MHD_add_response_header(r, "Set-Cookie", res->set_cookie);
	if (res->content_language)
		MHD_add_response_header(r, "Content-Language",
					res->content_language);
	/* Tell clients how long an idle connection lives (RFC 9112's
	 * Keep-Alive hint), so that one which pools connections stops
	 * reusing it before we close it, instead of sending a request into
	 * a socket that is closing (undici, browsers and curl honour it). */
	MHD_add_response_header(r, "Keep-Alive", srv->keep_alive);
	ok = MHD_queue_response(conn, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *data,
				  size_t *data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct http_deferred *up = *con_cls;

	if (!up) {
		/* The first call: the headers are in. */
		if (!(up = calloc(1, sizeof(*up))))
			return MHD_NO;
		pthread_mutex_init(&up->mu, NULL);
		up->conn = conn;
		up->srv = srv;
		up->gc = guard_of(conn);
		guard_headers_done(srv->guard, up->gc);
		*con_cls = up;
		return MHD_YES;
	}
	if (up->deferred) {
		/* Called again after http_complete resumed us. */
		int done;
		pthread_mutex_lock(&up->mu);
		done = up->completed;
		pthread_mutex_unlock(&up->mu);
		if (!done)
			return MHD_YES;
		up->deferred = 0;
		return send_res(srv, conn, &up->res);
	}
	if (*data_size) {
		if (!up->too_large && up->len + *data_size > srv->max_body)
			up->too_large = 1;
		if (!up->too_large && !up->nomem &&
		    up->len + *data_size + 1 > up->cap) {
			size_t cap = (up->len + *data_size + 1) * 2;
			char *nb = realloc(up->buf, cap);
			/* Out of memory: the rest is read and dropped, as
			 * beyond max_body, and the answer says it was the
			 * server's failure (closing the connection would
			 * leave the client to guess). */
			if (!nb)
				up->nomem = 1;
			else {
				up->buf = nb;
				up->cap = cap;
			}
		}
		if (!up->too_large && !up->nomem) {
			memcpy(up->buf + up->len, data, *data_size);
			up->len += *data_size;
			up->buf[up->len] = '\0';
		}
		*data_size = 0;
		return MHD_YES;
	}
	if (up->handled)
		return MHD_YES;
	up->handled = 1;
	guard_request_in(srv->guard, up->gc);
	/* The floor counts from here: the request is whole and the handler
	 * about to see it.  From its first byte instead, a client that sent
	 * its body late would see the work's time past the floor. */
	clock_gettime(CLOCK_MONOTONIC, &up->not_before);
	up->not_before.tv_nsec += srv->floor_ns % 1000000000L;
	up->not_before.tv_sec += srv->floor_ns / 1000000000L +
				 up->not_before.tv_nsec / 1000000000L;
	up->not_before.tv_nsec %= 1000000000L;
	struct http_response res = {0};
	if (check_protocol(conn, version, &res) == 0) {
		if (up->too_large) {
			own_error(&res, 413, "too-large",
				  "request body over the size limit");
		} else if (up->nomem) {
			own_error(&res, 500, "internal",
				  "out of memory reading the request body");
		} else {
			char client[INET6_ADDRSTRLEN] = "";
			client_address(conn, client, sizeof(client));
			struct http_request req = {
				.method = method,
				.client = client,
				.path = url,
				.authorization = MHD_lookup_connection_value(
					conn, MHD_HEADER_KIND, "Authorization"),
				.content_type = MHD_lookup_connection_value(
					conn, MHD_HEADER_KIND, "Content-Type"),
				.body = up->buf,
				.body_len = up->len,
				.header = mhd_header,
				.arg = mhd_arg,
				.defer = mhd_defer,
				.stream = mhd_stream,
				.impl = conn,
				.impl2 = up,
			};
			srv->handler(srv->ctx, &req, &res);
			if (up->deferred)
				return MHD_YES;
			if (up->streamed)
				return up->stream_queued;
		}
	}
	if (hold_answer(up, &res))
		return MHD_YES;
	return send_res(srv, conn, &res);
}

static void on_completed(void *cls, struct MHD_Connection *conn,
			 void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct http_deferred *up = *con_cls;
	(void)toe;
	guard_answered(srv->guard, guard_of(conn));
	if (up) {
		/* An answer never sent: a connection closed while its answer
		 * was held or deferred (the daemon stopping with 404s held). */
		free(up->res.body);
		free(up->buf);
		pthread_mutex_destroy(&up->mu);
		free(up);
		*con_cls = NULL;
	}
}

/* A connection just accepted: closed at once, with no answer, once the
 * server is quiesced (http_quiesce). */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr,
				     socklen_t addrlen)
{
	const struct http_server *srv = cls;

	(void)addr;
	(void)addrlen;
	return atomic_load(&srv->quiesced) ? MHD_NO : MHD_YES;
}

static void on_connection(void *cls, struct MHD_Connection *conn,
			  void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct http_server *srv = cls;
	const union MHD_ConnectionInfo *ci;

	switch (code) {
	case MHD_CONNECTION_NOTIFY_STARTED:
		ci = MHD_get_connection_info(conn,
					     MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context = ci ? guard_open(srv->guard, ci->connect_fd)
				     : NULL;
		return;
	case MHD_CONNECTION_NOTIFY_CLOSED:
		guard_close(srv->guard, *socket_context);
		*socket_context = NULL;
		return;
	}
}

int http_start(const char *addr, unsigned port, const struct http_limits *lim,
	       http_handler handler, void *ctx, struct http_server **out,
	       char *errbuf, size_t errlen)
{
	struct http_server *srv;
	struct sockaddr_in sa = {0};
	struct cn_err why = {0};

	/* The first server of the process loads libmicrohttpd (mhd_lib.h). */
	if (cn_libmhd_load(&why)) {
		snprintf(errbuf, errlen, "%s", why.msg);
		return -1;
	}
	if (!(srv = calloc(1, sizeof(*srv)))) {
		snprintf(errbuf, errlen, "out of memory");
		return -1;
	}
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		snprintf(errbuf, errlen, "'%s' is not an IPv4 address", addr);
		free(srv);
		return -1;
	}
	if (!(srv->guard = guard_start(lim->headers_s, lim->body_s))) {
		snprintf(errbuf, errlen, "cannot start the connection guard");
		free(srv);
		return -1;
	}
	if (!(srv->hold = hold_start(release))) {
		snprintf(errbuf, errlen, "cannot start the timer of 404 answers");
		guard_stop(srv->guard);
		free(srv);
		return -1;
	}
	srv->floor_ns = (long)lim->not_found_floor_us * 1000L;
	pthread_mutex_init(&srv->log_mu, NULL);
	pthread_mutex_init(&srv->stream_mu, NULL);
	{
		pthread_condattr_t ca;
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&srv->streams_gone, &ca);
		pthread_condattr_destroy(&ca);
	}
	srv->max_streams = lim->max_streams;
	srv->log_window = -LOG_WINDOW_S; /* the first message opens a window */
	srv->starting = 1;
	srv->handler = handler;
	srv->ctx = ctx;
	srv->max_body = lim->max_body;
	snprintf(srv->keep_alive, sizeof(srv->keep_alive), "timeout=%u",
		 lim->timeout_s);
	srv->d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
		(uint16_t)port, accept_policy, srv, on_request, srv,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv, /* first: see MHD */
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, lim->threads,
		MHD_OPTION_CONNECTION_LIMIT, lim->max_conns,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, lim->per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, lim->timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, lim->conn_memory,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
		MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
		MHD_OPTION_END);
	pthread_mutex_lock(&srv->log_mu);
	srv->starting = 0;
	if (srv->d && srv->start_msg[0])
		fprintf(stderr, "council: http: %s\n", srv->start_msg);
	pthread_mutex_unlock(&srv->log_mu);
	if (!srv->d) {
		snprintf(errbuf, errlen, "cannot listen on %s:%u (%s)", addr, port,
			 srv->start_msg[0] ? srv->start_msg : "in use?");
		hold_free(srv->hold);
		guard_stop(srv->guard);
		pthread_mutex_destroy(&srv->log_mu);
		pthread_mutex_destroy(&srv->stream_mu);
		pthread_cond_destroy(&srv->streams_gone);
		free(srv);
		return -1;
	}
	*out = srv;
	return 0;
}

/* Not libmicrohttpd's MHD_quiesce_daemon: with epoll and a pool of
 * threads, it takes the listening socket out of each thread's epoll set
 * while the thread may be doing the same (at its connection limit), and
 * the loser's epoll_ctl fails with ENOENT, which libmicrohttpd 0.9.75
 * answers with MHD_PANIC: the process aborts, in the middle of
 * answering its last writes (test_http_body's test_quiesce_then_stop
 * made it abort one run in three; ThreadSanitizer saw the race too).  A
 * connection accepted after the flag is closed at once instead
 * (accept_policy), and the socket goes with the daemon. */
void http_quiesce(struct http_server *srv)
{
	if (srv)
		atomic_store(&srv->quiesced, 1);
}

void http_stop(struct http_server *srv)
{
	if (!srv)
		return;
	/* The 404s still held go now (the server is stopping, and a
	 * suspended connection would outlive the daemon); a 404 made while the
	 * daemon stops goes at once.  Every connection is closed
	 * (NOTIFY_CLOSED) before the daemon stops; only then may the guard
	 * and the hold go. */
	hold_stop(srv->hold);
	/* Streams end likewise: woken with streams_stopping set, each ends
	 * instead of sleeping again, and is given STREAMS_END_MS to send its
	 * last chunk, so that its client sees the stream end rather than
	 * break; one that cannot take it is cut when the daemon stops. */
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += STREAMS_END_MS / 1000;
	pthread_mutex_lock(&srv->stream_mu);
	srv->streams_stopping = 1;
	pthread_mutex_unlock(&srv->stream_mu);
	http_streams_wake(srv);
	pthread_mutex_lock(&srv->stream_mu);
	while (srv->nstreams &&
	       pthread_cond_timedwait(&srv->streams_gone, &srv->stream_mu,
				      &until) == 0)
		;
	pthread_mutex_unlock(&srv->stream_mu);
	MHD_stop_daemon(srv->d);
	assert(!srv->streams);
	hold_free(srv->hold);
	guard_stop(srv->guard);
	pthread_mutex_destroy(&srv->log_mu);
	pthread_mutex_destroy(&srv->stream_mu);
	pthread_cond_destroy(&srv->streams_gone);
	free(srv);
}
