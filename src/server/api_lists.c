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
 * nowhere.  Each proposal shown is still passed through sight_of, over
 * the stored fields the query returns with it (cn_proposal_row): what
 * the principal sees whole in its whole form is passed on as stored;
 * anything else is parsed, redacted or summarised, and written again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/lists.h"
#include "../app/reader.h"
#include "../core/buf.h"
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

/* A page is made as text: a proposal the principal sees whole, in its
 * whole form, is its stored view passed on as it is (as GET
 * /api/v1/proposals/{id} answers it), not parsed and written again.  That
 * was most of a page's cost (about 70 us of 75 per proposal) and held an
 * HTTP thread long enough to delay the requests queued behind it. */
struct page {
	struct ctx *x;
	struct cn_buf texts; /* each proposal's text, one after another */
	size_t *ends;        /* where each one's text ends in texts */
	int64_t n, limit;
	int64_t last;        /* the id of the last proposal taken */
	int more;
	int summary; /* form=summary */
};

/* A proposal's text in the form asked, through what the principal sees
 * of it (s is SEE_FULL or SEE_REDACTED): its view parsed, redacted, made
 * a summary, and written again. */
static int add_made(struct page *pg, const struct cn_proposal_row *r,
		    enum sight s, struct cn_err *err)
{
	json_t *v;
	char *text;
	int rc;

	if ((rc = cn_proposal_view_parse(r->id, r->doc, r->len, &v, err)))
		return rc;
	if (s == SEE_REDACTED)
		redact(v);
	/* After sight: a summary is made of what the principal sees. */
	if (pg->summary &&
	    (rc = cn_lists_summary(v, pg->x->who.role == CN_ROLE_MEMBER
					  ? pg->x->who.code : NULL, err))) {
		json_decref(v);
		return rc;
	}
	/* As the proposal's own answer writes it (cache.c). */
	text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(v);
	if (!text)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	cn_buf_puts(&pg->texts, text);
	free(text);
	return 0;
}

static int add_doc(void *ctx, const struct cn_proposal_row *r,
		   struct cn_err *err)
{
	struct page *pg = ctx;
	struct cn_proposal_sight p = {.shared = r->shared,
				      .adopted = r->adopted};
	enum sight s;
	int rc;

	if (pg->n == pg->limit) {
		pg->more = 1;
		return STOP_PAGE;
	}
	/* The query selected by sight (lists.h); the rule still decides. */
	memcpy(p.body, r->body, sizeof(p.body));
	if ((s = sight_of(pg->x, &p)) == SEE_NONE)
		return 0;
	/* Passed on unparsed, a view must at least open and close as an
	 * object: a guard against one emptied or cut at a random byte, not
	 * a validation (one cut right after an inner '}' passes).  The
	 * store's views are this program's own writing, and `council
	 * verify` holds every one to the replay of the log. */
	if (s == SEE_FULL && !pg->summary && (r->len < 2 || r->doc[0] != '{' ||
					      r->doc[r->len - 1] != '}'))
		return cn_err_set(err, CN_ECORRUPT, "proposal %lld: its stored "
				  "view is not a JSON object", (long long)r->id);
	if (s == SEE_FULL && !pg->summary)
		cn_buf_add(&pg->texts, r->doc, r->len);
	else if ((rc = add_made(pg, r, s, err)))
		return rc;
	if (pg->texts.oom)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	pg->ends[pg->n++] = pg->texts.len;
	pg->last = r->id;
	return 0;
}

/* {"count", "proposals", "next", "next_href"}: the proposals in id order
 * (a newest-first page was read backwards); NULL when out of memory. */
static char *page_text(struct page *pg, int ascending, json_t *href,
		       size_t *len)
{
	struct cn_buf b = CN_BUF_INIT;
	char *h = href ? json_dumps(href, JSON_COMPACT | JSON_ENCODE_ANY) : NULL,
	     *out;

	if (!h)
		return NULL;
	cn_buf_printf(&b, "{\"count\":%lld,\"proposals\":[",
		      (long long)pg->n);
	for (int64_t k = 0; k < pg->n; k++) {
		const int64_t i = ascending ? k : pg->n - 1 - k;
		const size_t from = i ? pg->ends[i - 1] : 0;
		if (k)
			cn_buf_add(&b, ",", 1);
		cn_buf_add(&b, pg->texts.s + from, pg->ends[i] - from);
	}
	/* The edge of the page, which the next one starts from, is the
	 * proposal read last either way. */
	if (pg->more)
		cn_buf_printf(&b, "],\"next\":%lld", (long long)pg->last);
	else
		cn_buf_puts(&b, "],\"next\":null");
	cn_buf_printf(&b, ",\"next_href\":%s}", h);
	free(h);
	*len = b.len;
	return cn_buf_finish(&b, &out) ? NULL : out;
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
	char times[4][CN_TIME_BUF], *match = NULL, cursor[24], *text;
	struct page pg = {.x = x, .texts = CN_BUF_INIT};
	struct cn_proposal_query q;
	const struct cn_viewer v = {x->who.role, x->who.code, x->reg, x->now};
	struct cn_err err = {0};
	struct cn_store *st;
	json_t *href;
	size_t len = 0;
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
	pg.limit = q.limit;
	if (!(pg.ends = malloc((size_t)q.limit * sizeof(*pg.ends)))) {
		free(match);
		reply_error(x, 503, "unavailable", "out of memory");
		return;
	}
	q.limit++; /* one more: whether a next page holds anything */
	rc = cn_lists_proposals(st, &v, &q, add_doc, &pg, &err);
	free(match);
	if (rc && rc != STOP_PAGE) {
		reply_err(x, &err);
	} else {
		snprintf(cursor, sizeof(cursor), "%lld", (long long)pg.last);
		href = next_href(x, list_args, q.ascending ? "after" : "before",
				 pg.more ? cursor : NULL, NULL);
		text = page_text(&pg, q.ascending, href, &len);
		json_decref(href);
		reply_text(x, 200, text, len);
	}
	cn_buf_release(&pg.texts);
	free(pg.ends);
}

void h_proposals(struct ctx *x)
{
	list(x, 0);
}

void h_search(struct ctx *x)
{
	list(x, 1);
}
