/*
 * request.h - reading a request: the JSON body, its fields, the query
 * arguments, and the limits on all of them (docs/ARCHITECTURE.md,
 * "Limits").  Parsing is strict: duplicate keys are malformed JSON and an
 * unknown field is refused, so a typo never passes silently.
 *
 * Every function that finds something wrong has already answered (400, or
 * 415 for a body that is not JSON, or 500 when out of memory reading the
 * body) when it returns NULL or -1: the handler
 * just returns.  Strings returned point into the parsed body or the
 * request, borrowed as long as those.
 */
#ifndef CN_REQUEST_H
#define CN_REQUEST_H

#include <jansson.h>
#include <stdint.h>

#include "ctx.h"

#define API_MAX_BODY (64 * 1024) /* bytes; beyond: 413 (http_mhd.c) */
#define API_MAX_JSON_DEPTH 16    /* levels; the top object is 1 */
#define API_LOG_PAGE_MAX 1000    /* events in one page of the log */
#define API_LIST_PAGE_MAX 1000   /* proposals in one page of the list */

/* The body as a JSON object (a new reference), or NULL.  It must come as
 * Content-Type: application/json (a charset parameter, if any, utf-8);
 * anything else is 415, so a form or a text never passes for JSON.  Out
 * of memory parsing it is 500 (the server's failure), never 400. */
json_t *body_object(struct ctx *x);
/* A string field (NULL when absent or null); -1 when required and
 * absent, or not a string. */
int field_str(struct ctx *x, const json_t *o, const char *name, int required,
	      const char **out);
/* An optional boolean field (0 when absent); -1 when not a boolean. */
int field_bool(struct ctx *x, const json_t *o, const char *name, int *out);
/* -1 when o has a field not in names (NULL-terminated). */
int known_fields(struct ctx *x, const json_t *o, const char *const *names);

/* ?at=DATE, the request's time when absent. */
int arg_at(struct ctx *x, int64_t *at);
/* ?name=N in min..max; dflt when absent. */
int arg_int(struct ctx *x, const char *name, int64_t dflt, int64_t min,
	    int64_t max, int64_t *out);

/* "http://HOST" into out (n bytes) from the request's Host header, when
 * it is a plain host[:port]: 0, or -1 (absent, too long, or holding
 * anything else).  The server speaks plain HTTP; a URL it gives out for
 * use elsewhere (a calendar feed's) is built from it. */
int request_origin(const struct ctx *x, char *out, size_t n);

#endif
