/* api_history.c - one proposal with its history, in one answer:
 * GET /api/v1/proposals/{id}/events gives {"proposal": the view, as
 * GET /api/v1/proposals/{id} gives it, "events": [its events, in log
 * order]}, both through the principal's sight (access.h): full sight, the
 * full view and every event; redacted, the redacted view and the public
 * record (the opening and the conclusion); none, 404, as for a proposal
 * that does not exist.
 *
 * The events come through the store's index on their proposal, so the
 * answer costs what that proposal holds, not what the log holds: a
 * proposal's page needs this one request, however long the log grows.
 * An event is the log's (GET /api/v1/log) without its bytes and prev:
 * to check one, read it from the log or keep its receipt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/timeutil.h"
#include "access.h"
#include "cache.h"
#include "handlers.h"

struct history {
	enum sight sight;
	json_t *events;
};

static int add_event(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct history *h = ctx;
	char t[CN_TIME_BUF], hex[CN_HEX_LEN];
	json_t *e;

	if (!sight_shows_event(h->sight, ev))
		return 0;
	cn_hex(ev->hash, CN_HASH_LEN, hex);
	e = json_pack("{s:I, s:s, s:s, s:s, s:O, s:s}", "seq", (json_int_t)ev->seq,
		      "time", cn_time_format(ev->time, t), "actor", ev->actor,
		      "type", ev->type, "payload", ev->payload, "hash", hex);
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

void h_proposal_events(struct ctx *x)
{
	static const char head[] = "{\"proposal\":", mid[] = ",\"events\":";
	struct history h = {SEE_NONE, NULL};
	struct cn_err err = {0};
	const char *view = NULL;
	size_t vlen = 0, elen, n;
	char *events, *out;

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
	if (cn_reader_proposal_events(x->rd, x->id, add_event, &h, &err)) {
		json_decref(h.events);
		reply_err(x, &err);
		return;
	}
	events = json_dumps(h.events, JSON_COMPACT);
	json_decref(h.events);
	/* The view's stored bytes go in as they are: no parse, no re-dump. */
	elen = events ? strlen(events) : 0;
	n = sizeof(head) - 1 + vlen + sizeof(mid) - 1 + elen + 1;
	if (!events || !(out = malloc(n + 1))) {
		free(events);
		reply_error(x, 500, "internal", "out of memory");
		return;
	}
	snprintf(out, n + 1, "%s%.*s%s%s}", head, (int)vlen, view, mid, events);
	free(events);
	x->res->status = 200;
	x->res->content_type = "application/json";
	x->res->body = out;
	x->res->len = n;
}
