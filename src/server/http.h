/*
 * http.h - the server's view of HTTP: one request in, one response out.
 *
 * Only http_mhd.c includes <microhttpd.h>; the API (api.c and the
 * handlers) sees these structs, so the HTTP library can be swapped without
 * touching handlers.
 *
 * Every 404 is released at a floor after the request reached the handler
 * (http_limits.not_found_floor_us), deferred or not.
 *
 * Ownership: the request and everything it points to are borrowed for the
 * duration of the handler call.  The handler fills the response; its body
 * is malloc'd and freed by the HTTP layer after sending.
 */
#ifndef CN_HTTP_H
#define CN_HTTP_H

#include <stddef.h>

struct http_request {
	const char *method;
	const char *path;       /* without the query string */
	const char *authorization; /* NULL when absent, "" when empty */
	const char *content_type;  /* NULL when absent */
	/* A request header by name (case-insensitive), or NULL. */
	const char *(*header)(const struct http_request *req, const char *name);
	const char *body;       /* may be NULL when empty */
	size_t body_len;
	/* Query-string argument, or NULL. */
	const char *(*arg)(const struct http_request *req, const char *name);
	/* For a handler that answers later (a write waiting for its group
	 * commit): returns a handle for http_complete(), after which the
	 * handler must leave res untouched and return.  NULL when out of
	 * memory (then answer at once). */
	struct http_deferred *(*defer)(const struct http_request *req);
	void *impl, *impl2;
};

struct http_response {
	int status;
	const char *content_type; /* static string */
	char *body;               /* malloc'd */
	size_t len;
	const char *allow;        /* for 405: the Allow header, static */
	/* Cache-Control, static; NULL sends "no-store" (nothing kept: the
	 * default for answers that depend on the token or are writes). */
	const char *cache_control;
	const char *content_encoding; /* static, or NULL for none */
	const char *vary;             /* static, or NULL */
	char etag[48];                /* "" for none; quoted, as sent */
};

typedef void (*http_handler)(void *ctx, const struct http_request *req,
			     struct http_response *res);

struct http_limits {
	size_t max_body;        /* 413 above this */
	unsigned max_conns;     /* beyond: a new connection is closed at once */
	unsigned per_ip;        /* connections from one address, likewise */
	unsigned timeout_s;     /* idle: closed after this much silence */
	unsigned headers_s;     /* a request's headers, from its first byte */
	unsigned body_s;        /* its body, from the end of its headers */
	size_t conn_memory;     /* per connection, bounds header size */
	unsigned threads;
	/* A 404 leaves no sooner than this many microseconds after the
	 * request reached the handler, whichever thread decided it: its
	 * timing then cannot show the work that decided it.  0: at once. */
	unsigned not_found_floor_us;
};

struct http_server;

/* Listen on addr:port (IPv4 dotted quad) and serve until http_stop.
 * Returns 0, or -1 with a message in errbuf. */
int http_start(const char *addr, unsigned port, const struct http_limits *lim,
	       http_handler handler, void *ctx, struct http_server **out,
	       char *errbuf, size_t errlen);
/* Stop accepting new connections (existing ones are still served). */
void http_quiesce(struct http_server *srv);
void http_stop(struct http_server *srv);

/* Percent-decode s in place, as the server decodes a request's path and
 * query (libmicrohttpd's unescape, except that "%00" stays encoded: see
 * http_mhd.c); returns the new length.  For tests and fuzzers that build
 * requests without sockets. */
size_t http_unescape(char *s);

struct http_deferred;
/* Send the response of a deferred request; from any thread, exactly once.
 * Takes ownership of res->body. */
void http_complete(struct http_deferred *d, struct http_response *res);

#endif
