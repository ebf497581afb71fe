/* api_lists.c - the proposal list and the search, a page at a time
 * (app/lists.h): GET /api/v1/proposals and GET /api/v1/search?q=WORDS.
 *
 * Both take the same filters (body, status, member, opened_from/_to,
 * concluded_from/_to, and q: words in the title or text) and the same
 * cursor: by default the newest first, `before=ID` for older ones; with
 * `after=ID` the oldest first from there.  A page is in id order either
 * way, at most `limit` (default 100, at most 1000) proposals, with `next`
 * (the cursor of the next page, null at the end) and `next_href` (this
 * request with that cursor).
 *
 * `form=summary` gives each proposal in its summary form (lists.h,
 * cn_lists_summary: what a list shows, a few hundred bytes) instead of
 * its whole view; `form=full`, the default, the whole view.
 *
 * Sight is applied in the query itself, so a proposal the principal may
 * not see is, to a page, to its cursor and to the search, one that does
 * not exist: a page is full whenever more visible proposals follow, and
 * a word found only in hidden proposals answers exactly as a word found
 * nowhere.  Each proposal shown is still passed through sight_of (to
 * redact it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/lists.h"
#include "../core/timeutil.h"
#include "access.h"
#include "cache.h"
#include "handlers.h"
#include "paging.h"
#include "request.h"

static const char *const statuses[] = {"open", "concluded", "adopted",
				       "blocked", "failed", "withdrawn",
				       "lapsed", NULL};
static const char *const forms[] = {"full", "summary", NULL};
/* The arguments a next page repeats. */
static const char *const list_args[] = {
	"q", "body", "status", "member", "opened_from", "opened_to",
	"concluded_from", "concluded_to", "limit", "after", "before", "form",
	NULL};

enum { STOP_PAGE = 1 };

struct page {
	struct ctx *x;
	json_t *items;
	int64_t limit;
	int more;
	int summary; /* form=summary */
};

static int add_doc(void *ctx, int64_t id, const char *doc, size_t len,
		   struct cn_err *err)
{
	struct page *pg = ctx;
	json_t *v;
	int rc;

	if ((int64_t)json_array_size(pg->items) == pg->limit) {
		pg->more = 1;
		return STOP_PAGE;
	}
	if ((rc = visible_view(pg->x, id, doc, len, &v, err)) || !v)
		return rc;
	/* After sight: a summary is made of what the principal sees. */
	if (pg->summary &&
	    (rc = cn_lists_summary(v, pg->x->who.role == CN_ROLE_MEMBER
					  ? pg->x->who.code : NULL, err))) {
		json_decref(v);
		return rc;
	}
	if (json_array_append_new(pg->items, v))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

/* The filters and cursor of a list: 0, or -1 after answering 400. */
static int list_query(struct ctx *x, struct cn_proposal_query *q,
		      char times[4][CN_TIME_BUF], char **match, int *summary)
{
	const char *words = x->req->arg(x->req, "q"), *form;
	struct cn_err err = {0};

	memset(q, 0, sizeof(*q));
	*match = NULL;
	q->body = x->req->arg(x->req, "body");
	q->member = x->req->arg(x->req, "member");
	if (page_limit(x, PAGE_DEFAULT, API_LIST_PAGE_MAX, &q->limit) ||
	    arg_int(x, "after", 0, 1, INT64_MAX, &q->after) ||
	    arg_int(x, "before", 0, 1, INT64_MAX, &q->before) ||
	    arg_enum(x, "status", statuses, &q->status) ||
	    arg_enum(x, "form", forms, &form) ||
	    arg_time(x, "opened_from", times[0], &q->opened_from) ||
	    arg_time(x, "opened_to", times[1], &q->opened_to) ||
	    arg_time(x, "concluded_from", times[2], &q->concluded_from) ||
	    arg_time(x, "concluded_to", times[3], &q->concluded_to))
		return -1;
	/* The registry is everyone's: naming what it does not hold is a
	 * mistake worth saying, not an empty page. */
	if (q->body && !cn_world_body(x->reg, q->body)) {
		reply_error(x, 400, "invalid", "query argument 'body': no body "
			    "'%s'", q->body);
		return -1;
	}
	if (q->member && !cn_world_member(x->reg, q->member)) {
		reply_error(x, 400, "invalid", "query argument 'member': no "
			    "member '%s'", q->member);
		return -1;
	}
	if (words && cn_lists_match(words, "query argument 'q'", match, &err)) {
		reply_error(x, err.code == CN_ENOMEM ? 503 : 400,
			    err.code == CN_ENOMEM ? "unavailable" : "invalid",
			    "%s", err.msg);
		return -1;
	}
	q->match = *match;
	q->ascending = q->after != 0;
	*summary = form && !strcmp(form, "summary");
	return 0;
}

static void list(struct ctx *x, int search)
{
	char times[4][CN_TIME_BUF], *match = NULL, cursor[24];
	struct page pg = {x, NULL, 0, 0, 0};
	struct cn_proposal_query q;
	const struct cn_viewer v = {x->who.role, x->who.code, x->reg, x->now};
	struct cn_err err = {0};
	struct cn_store *st;
	json_t *out, *res, *edge = NULL;
	int rc;

	if (search && !x->req->arg(x->req, "q")) {
		reply_error(x, 400, "invalid", "query argument 'q' is required");
		return;
	}
	if (list_query(x, &q, times, &match, &pg.summary))
		return;
	if (!(st = cache_lists(x->cache, x->api, &err))) {
		free(match);
		reply_error(x, 503, "unavailable", "%s", err.msg);
		return;
	}
	pg.items = json_array();
	pg.limit = q.limit;
	q.limit++; /* one more: whether a next page holds anything */
	rc = cn_lists_proposals(st, &v, &q, add_doc, &pg, &err);
	free(match);
	if (rc && rc != STOP_PAGE) {
		json_decref(pg.items);
		reply_err(x, &err);
		return;
	}
	/* A page is in id order; the newest-first one was read backwards. */
	if (q.ascending) {
		out = json_incref(pg.items);
	} else {
		out = json_array();
		for (size_t i = json_array_size(pg.items); i-- > 0;)
			json_array_append(out, json_array_get(pg.items, i));
	}
	json_decref(pg.items);
	if (pg.more)
		edge = json_object_get(json_array_get(
			out, q.ascending ? json_array_size(out) - 1 : 0), "id");
	snprintf(cursor, sizeof(cursor), "%lld",
		 (long long)json_integer_value(edge));
	res = json_pack("{s:I, s:o, s:O?, s:o}", "count",
			(json_int_t)json_array_size(out), "proposals", out,
			"next", edge, "next_href",
			next_href(x, list_args, q.ascending ? "after" : "before",
				  edge ? cursor : NULL, NULL));
	reply_json(x, 200, res);
}

void h_proposals(struct ctx *x)
{
	list(x, 0);
}

void h_search(struct ctx *x)
{
	list(x, 1);
}
