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
 * A handler may instead answer with a stream (Server-Sent Events): a body
 * of unknown length that the HTTP layer pulls from the handler's reader
 * whenever the socket can take more.  A reader with nothing to send says
 * so and its connection sleeps, holding no pool thread, until
 * http_streams_wake(); so a stream costs its connection and the reader's
 * state, whatever the client reads, and never queues anything here.
 *
 * Ownership: the request and everything it points to are borrowed for the
 * duration of the handler call.  The handler fills the response; its body
 * is malloc'd and freed by the HTTP layer after sending.  A stream's state
 * is the HTTP layer's from http_request.stream() on, freed through its
 * ops' free once the connection is done with it.
 */
#ifndef CN_HTTP_H
#define CN_HTTP_H

#include <stddef.h>

struct http_response;

/* A stream's reader.  read fills buf with at most max bytes and returns
 * how many (> 0); 0 when it has nothing to send now (the connection then
 * sleeps until the next http_streams_wake); HTTP_STREAM_END to end the
 * stream.  It runs on the pool thread serving the connection, never two
 * at once for one stream.  free releases the state, on any thread. */
#define HTTP_STREAM_END (-1)
struct http_stream_ops {
	long (*read)(void *state, char *buf, size_t max);
	void (*free)(void *state);
};

/* What http_request.stream() returns besides 0. */
enum { HTTP_STREAM_FULL = 1, HTTP_STREAM_NOMEM = 2 };

struct http_request {
	const char *method;
	const char *path;       /* without the query string */
	const char *authorization; /* NULL when absent, "" when empty */
	const char *client;     /* the peer's address as text, "" unknown */
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
	/* Answer with a stream: res's status and content type go out at
	 * once, then whatever ops->read gives.  0, after which the handler
	 * leaves res untouched and returns; HTTP_STREAM_FULL when
	 * http_limits.max_streams are open, HTTP_STREAM_NOMEM when out of
	 * memory: then the state is not taken and the handler answers. */
	int (*stream)(const struct http_request *req, struct http_response *res,
		      const struct http_stream_ops *ops, void *state);
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
	const char *retry_after;      /* static, or NULL (with a 503) */
	char retry_after_s[24];       /* made for this answer (a 429), or "" */
	char set_cookie[300];         /* a Set-Cookie header, or "" */
	const char *content_language; /* static, or NULL for none */
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
	/* Streams open at most (http_request.stream); the connections
	 * beyond are left to ordinary requests. */
	unsigned max_streams;
};

struct http_server;

/* Listen on addr:port (IPv4 dotted quad) and serve until http_stop.
 * Returns 0, or -1 with a message in errbuf. */
int http_start(const char *addr, unsigned port, const struct http_limits *lim,
	       http_handler handler, void *ctx, struct http_server **out,
	       char *errbuf, size_t errlen);
/* Stop taking new connections: each is closed as soon as it is
 * accepted, with no answer, until http_stop closes the listening socket
 * (existing ones are still served). */
void http_quiesce(struct http_server *srv);
void http_stop(struct http_server *srv);

/* Percent-decode s in place, as the server decodes a request's path and
 * query (libmicrohttpd's unescape, except that "%00" stays encoded: see
 * http_mhd.c); returns the new length.  For tests and fuzzers that build
 * requests without sockets. */
size_t http_unescape(char *s);

/* Wake every sleeping stream: its reader is asked again (after a commit,
 * or at a heartbeat).  From any thread. */
void http_streams_wake(struct http_server *srv);

struct http_deferred;
/* Send the response of a deferred request; from any thread, exactly once.
 * Takes ownership of res->body. */
void http_complete(struct http_deferred *d, struct http_response *res);

#endif
