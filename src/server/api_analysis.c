/*
 * api_analysis.c - GET /api/v1/bodies/{key}/analysis (a body's rule on
 * its members and figures of a date, and a what-if beside it) and GET
 * /api/v1/proposals/{id}/analysis (who can still turn a proposal).  The
 * documents are analysis_view.c's, as the CLI prints them.
 *
 * A body's analysis reads only the registry, which every principal may
 * read.  A proposal's goes through sight like the proposal's own route:
 * 404 where the proposal is not visible, and a redacted sight gets the
 * power of its rule and electorate without the positions.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/analysis_view.h"
#include "access.h"
#include "cache.h"
#include "ctx.h"
#include "handlers.h"
#include "request.h"

/* "UA,MD=0.5" into list[]; -1 after answering 400 when there are too
 * many.  The copy lives in buf. */
static int split_arg(struct ctx *x, const char *name, char *buf, size_t cap,
		     const char **list, size_t *n)
{
	const char *v = x->req->arg(x->req, name);

	*n = 0;
	if (!v || !*v)
		return 0;
	if (strlen(v) >= cap) {
		reply_error(x, 400, "invalid", "parameter '%s' is too long", name);
		return -1;
	}
	strcpy(buf, v);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		if (*n == CN_AN_MAX_CHANGES) {
			reply_error(x, 400, "invalid", "parameter '%s' names more "
				    "than %d members", name, CN_AN_MAX_CHANGES);
			return -1;
		}
		list[(*n)++] = t;
	}
	return 0;
}

void h_body_analysis(struct ctx *x)
{
	struct cn_analysis_ask ask = {.body = x->key,
				      .rule = x->req->arg(x->req, "rule")};
	char with[512], without[512];
	struct cn_err err = {0};
	json_t *doc;

	if (arg_at(x, &ask.at) ||
	    split_arg(x, "with", with, sizeof(with), ask.with, &ask.nwith) ||
	    split_arg(x, "without", without, sizeof(without), ask.without,
		      &ask.nwithout))
		return;
	if (ask.rule && !*ask.rule)
		ask.rule = NULL;
	if (cn_analysis_body_json(x->reg, &ask, &doc, &err)) {
		reply_err(x, &err);
		return;
	}
	reply_json(x, 200, doc);
}

void h_proposal_analysis(struct ctx *x)
{
	struct cn_err err = {0};
	struct cached_view *v = NULL;
	enum sight s = SEE_NONE;
	json_t *view, *doc;
	int rc;

	/* A proposal that does not exist answers as one not visible. */
	if ((rc = cache_view(x->cache, x->id, &v, &err)) == 0)
		s = sight_of(x, &v->sight);
	else if (rc != CN_ENOTFOUND) {
		reply_err(x, &err);
		return;
	}
	if (s == SEE_NONE) {
		not_found(x);
		return;
	}
	if ((rc = cn_proposal_view_parse(x->id, v->text, v->len, &view, &err))) {
		reply_err(x, &err);
		return;
	}
	rc = cn_analysis_proposal_json(view, 0, &doc, &err);
	json_decref(view);
	if (rc) {
		reply_err(x, &err);
		return;
	}
	if (s == SEE_REDACTED)
		cn_analysis_redact(doc);
	reply_json(x, 200, doc);
}
