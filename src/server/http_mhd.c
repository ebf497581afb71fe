/*
 * http_mhd.c - struct http_request/response over GNU libmicrohttpd.
 *
 * Thread pool with epoll.  The request body arrives over several calls of
 * the access handler; it is collected (up to max_body, beyond which the
 * rest is read and dropped and the answer is 413) and the handler runs
 * once, on the final call.
 *
 * A handler may defer its answer (writes wait for their group commit):
 * the connection is suspended, so the pool thread goes on serving others,
 * and http_complete() from the writer thread stores the response and
 * resumes it; MHD then calls the access handler once more and the stored
 * response is sent.
 */
#include "http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A request body must arrive within this many seconds. */
#define BODY_SECONDS_MAX 30

struct http_server {
	struct MHD_Daemon *d;
	http_handler handler;
	void *ctx;
	size_t max_body;
	char keep_alive[32];  /* "timeout=N": the idle timeout, announced */
};

/* Per-request state (MHD's con_cls); also the handle of a deferral. */
struct http_deferred {
	struct timespec start; /* when the headers were complete */
	char *buf;
	size_t len, cap;
	int too_large;
	int handled;          /* the handler has run */
	struct MHD_Connection *conn;
	pthread_mutex_t mu;   /* completed/res are set by another thread */
	int deferred, completed;
	struct http_response res;
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

void http_complete(struct http_deferred *up, struct http_response *res)
{
	pthread_mutex_lock(&up->mu);
	up->res = *res;
	up->completed = 1;
	pthread_mutex_unlock(&up->mu);
	MHD_resume_connection(up->conn);
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
		return MHD_NO;
	}
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
	(void)version;

	if (!up) {
		if (!(up = calloc(1, sizeof(*up))))
			return MHD_NO;
		pthread_mutex_init(&up->mu, NULL);
		up->conn = conn;
		clock_gettime(CLOCK_MONOTONIC, &up->start);
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
		/* The idle timeout does not catch a client that trickles its
		 * body a byte at a time: bound the whole upload too. */
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - up->start.tv_sec > BODY_SECONDS_MAX)
			return MHD_NO;
		if (!up->too_large && up->len + *data_size > srv->max_body)
			up->too_large = 1;
		if (!up->too_large) {
			if (up->len + *data_size + 1 > up->cap) {
				size_t cap = (up->len + *data_size + 1) * 2;
				char *nb = realloc(up->buf, cap);
				if (!nb)
					return MHD_NO;
				up->buf = nb;
				up->cap = cap;
			}
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
	struct http_response res = {0};
	if (up->too_large) {
		static const char msg[] =
			"{\"error\":{\"code\":\"too-large\",\"message\":"
			"\"request body over the size limit\"}}";
		res.status = 413;
		res.body = strdup(msg);
		res.len = res.body ? strlen(msg) : 0;
	} else {
		struct http_request req = {
			.method = method,
			.path = url,
			.authorization = MHD_lookup_connection_value(
				conn, MHD_HEADER_KIND, "Authorization"),
			.body = up->buf,
			.body_len = up->len,
			.header = mhd_header,
			.arg = mhd_arg,
			.defer = mhd_defer,
			.impl = conn,
			.impl2 = up,
		};
		srv->handler(srv->ctx, &req, &res);
		if (up->deferred)
			return MHD_YES;
	}
	return send_res(srv, conn, &res);
}

static void on_completed(void *cls, struct MHD_Connection *conn,
			 void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct http_deferred *up = *con_cls;
	(void)cls;
	(void)conn;
	(void)toe;
	if (up) {
		free(up->buf);
		pthread_mutex_destroy(&up->mu);
		free(up);
		*con_cls = NULL;
	}
}

int http_start(const char *addr, unsigned port, const struct http_limits *lim,
	       http_handler handler, void *ctx, struct http_server **out,
	       char *errbuf, size_t errlen)
{
	struct http_server *srv = calloc(1, sizeof(*srv));
	struct sockaddr_in sa = {0};

	if (!srv) {
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
	srv->handler = handler;
	srv->ctx = ctx;
	srv->max_body = lim->max_body;
	snprintf(srv->keep_alive, sizeof(srv->keep_alive), "timeout=%u",
		 lim->timeout_s);
	srv->d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
		(uint16_t)port, NULL, NULL, on_request, srv,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, lim->threads,
		MHD_OPTION_CONNECTION_LIMIT, lim->max_conns,
		MHD_OPTION_CONNECTION_TIMEOUT, lim->timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, lim->conn_memory,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_END);
	if (!srv->d) {
		snprintf(errbuf, errlen, "cannot listen on %s:%u (in use?)", addr,
			 port);
		free(srv);
		return -1;
	}
	*out = srv;
	return 0;
}

void http_quiesce(struct http_server *srv)
{
	MHD_socket fd;
	if (srv && (fd = MHD_quiesce_daemon(srv->d)) != MHD_INVALID_SOCKET)
		close(fd);
}

void http_stop(struct http_server *srv)
{
	if (!srv)
		return;
	MHD_stop_daemon(srv->d);
	free(srv);
}
