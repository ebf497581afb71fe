/*
 * api.h - the route table of the HTTP API, and the dispatcher that answers
 * a request by it.  The table is exposed so that `council routes` can
 * print exactly what the server serves (checked against docs/api.yaml by
 * tests/http/routes.test.mjs).
 */
#ifndef CN_API_H
#define CN_API_H

#include <stdint.h>

#include "ctx.h"
#include "server.h"

struct ctx;
struct http_request;
struct http_response;

struct cn_route {
	const char *method;
	const char *pattern;  /* "/api/v1/proposals/{id}" */
	void (*fn)(struct ctx *x);
	unsigned flags;       /* ROUTE_* */
};

/* A read a standby may answer (serve --read-db, standby.h): it reads
 * the record only through the request's reader and lists.  Writes,
 * credentials (feed keys) and streams stay on the primary. */
#define ROUTE_STANDBY 1u
/* Signing in (POST /api/v1/session): a session cookie the request still
 * carries, stale or not, is not resolved (session.h); the handler checks
 * the request's origin itself. */
#define ROUTE_SIGNIN 2u

/* Ends with a row of NULLs. */
extern const struct cn_route cn_routes[];

/* Whether path matches a route's pattern: {id} takes a positive integer
 * (into *id), {key} a registry key (letters, digits, '-', '_'; into key).
 * 1 or 0. */
int cn_route_match(const char *pattern, const char *path, int64_t *id,
		   char key[CN_KEY_MAX]);

/* Answer one request (an http_handler, http.h; vapi: the struct cn_api,
 * ctx.h): route it, find the thread's reader and the principal, and run
 * the handler; a path no route claims may be a file of the web page. */
void cn_api_handle(void *vapi, const struct http_request *req,
		   struct http_response *res);

#endif
