/* api_history.c - one proposal with its history, in one answer:
 * GET /api/v1/proposals/{id}/events gives {"proposal": the view, as
 * GET /api/v1/proposals/{id} gives it, "events": [its events, in log
 * order], "names": {code: name}}, the view and the events through the
 * principal's sight (access.h): full sight, the full view and every
 * event; redacted, the redacted view and the public record (the opening
 * and the conclusion); none, 404, as for a proposal that does not exist.
 * The names are the registry's (public, as GET /api/v1/members?all=1 and
 * /partners give them): every member's and partner's, by code, so that
 * the states the proposal names can be named without reading the
 * registry.
 *
 * The events come through the store's index on their proposal, so the
 * answer costs what that proposal holds, not what the log holds: a
 * proposal's page needs this one request, however long the log grows.
 * An event is the log's (GET /api/v1/log) without its bytes and prev:
 * to check one, read it from the log or keep its receipt.
 *
 * The events come a page at a time: ?limit=N (default and maximum 1000,
 * so a proposal's whole history in all but extreme cases) and
 * ?after=SEQ; `next` is the `after` of the next page (null at the end).
 * The events it does not show (redacted sight) do not shorten a page.
 * Each page says the sight it was read with ("sight": full or redacted):
 * sight follows dates (a seat in a body ends), so a reader's pages can
 * be read with two, and a reader who sees them differ reads again from
 * the first (web/src/api.js, proposalHistory). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/timeutil.h"
#include "access.h"
#include "cache.h"
#include "handlers.h"
#include "person_name.h"
#include "paging.h"
#include "request.h"

struct history {
	struct ctx *x;
	struct person_names names; /* who acted, read on first need */
	enum sight sight;
	json_t *events;
	int64_t after, limit, next; /* next: the after of the next page, 0: none */
};

enum { STOP_PAGE = 1 };

static int add_event(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct history *h = ctx;
	char t[CN_TIME_BUF], hex[CN_HEX_LEN];
	json_t *e;

	if (ev->seq <= h->after || !sight_shows_event(h->sight, ev))
		return 0;
	if ((int64_t)json_array_size(h->events) == h->limit) {
		/* More follow: the next page is after the last one given. */
		h->next = (int64_t)json_integer_value(json_object_get(
			json_array_get(h->events, json_array_size(h->events) - 1),
			"seq"));
		return STOP_PAGE;
	}
	cn_hex(ev->hash, CN_HASH_LEN, hex);
	e = json_pack("{s:I, s:s, s:s, s:s, s:O, s:s}", "seq", (json_int_t)ev->seq,
		      "time", cn_time_format(ev->time, t), "actor", ev->actor,
		      "type", ev->type, "payload", ev->payload, "hash", hex);
	const char *name = NULL;
	if (e && person_name(h->x, &h->names, ev->actor, &name, err)) {
		json_decref(e);
		return err->code;
	}
	if (e && name)
		json_object_set_new(e, "person", json_string(name));
	if (!e || json_array_append_new(h->events, e))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

/* The proposal's view as x->who sees it (borrowed from the cache), and
 * that sight; SEE_NONE for a proposal that does not exist. */
static int seen_view(struct ctx *x, enum sight *s, const char **text,
		     size_t *len, struct cn_err *err)
{
	struct cached_view *v;
	int rc;

	*s = SEE_NONE;
	if ((rc = cache_view(x->cache, x->id, &v, err)))
		return rc == CN_ENOTFOUND ? 0 : rc;
	if ((*s = sight_of(x, &v->sight)) == SEE_REDACTED) {
		if ((rc = cache_view_redacted(v, err)))
			return rc;
		*text = v->redacted;
		*len = v->rlen;
	} else {
		*text = v->text;
		*len = v->len;
	}
	return 0;
}

/* Every member's and partner's name in the registry, by code. */
static json_t *registry_names(const struct cn_world *reg)
{
	json_t *names = json_object();

	for (size_t i = 0; names && i < reg->npartners; i++)
		json_object_set_new(names, reg->partners[i].code,
				    json_string(reg->partners[i].name));
	for (size_t i = 0; names && i < reg->nmembers; i++)
		json_object_set_new(names, reg->members[i].code,
				    json_string(reg->members[i].name));
	return names;
}

void h_proposal_events(struct ctx *x)
{
	static const char head[] = "{\"proposal\":";
	static const char *const args[] = {"limit", "after", NULL};
	struct history h = {.x = x, .sight = SEE_NONE};
	struct cn_err err = {0};
	const char *view = NULL;
	size_t vlen = 0, rlen, n;
	char *rest, *out, cursor[24];
	int rc;

	if (arg_int(x, "after", 0, 0, INT64_MAX, &h.after) ||
	    page_limit(x, API_REGISTRY_PAGE_MAX, API_REGISTRY_PAGE_MAX, &h.limit))
		return;
	if (seen_view(x, &h.sight, &view, &vlen, &err)) {
		reply_err(x, &err);
		return;
	}
	if (h.sight == SEE_NONE) {
		not_found(x);
		return;
	}
	if (!(h.events = json_array())) {
		reply_error(x, 500, "internal", "out of memory");
		return;
	}
	rc = cn_reader_proposal_events(x->rd, x->id, add_event, &h, &err);
	person_names_free(&h.names);
	if (rc && rc != STOP_PAGE) {
		json_decref(h.events);
		reply_err(x, &err);
		return;
	}
	snprintf(cursor, sizeof(cursor), "%lld", (long long)h.next);
	/* {"events": ..., "names": ...} made as JSON; the view's stored bytes
	 * go in front as they are: no parse, no re-dump. */
	json_t *tail = json_pack("{s:o, s:o*, s:o, s:o, s:s}", "events", h.events,
				 "names", registry_names(x->reg), "next",
				 h.next ? json_integer(h.next) : json_null(),
				 "next_href", next_href(x, args, "after",
							h.next ? cursor : NULL, NULL),
				 "sight", h.sight == SEE_FULL ? "full" : "redacted");
	rest = tail ? json_dumps(tail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(tail);
	rlen = rest ? strlen(rest) : 0;
	n = sizeof(head) - 1 + vlen + 1 + (rlen ? rlen - 1 : 0);
	if (!rest || !(out = malloc(n + 1))) {
		free(rest);
		reply_error(x, 500, "internal", "out of memory");
		return;
	}
	snprintf(out, n + 1, "%s%.*s,%s", head, (int)vlen, view, rest + 1);
	free(rest);
	x->res->status = 200;
	x->res->content_type = "application/json";
	x->res->body = out;
	x->res->len = n;
}
