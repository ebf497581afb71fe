/* cmd_search.c - council search: the proposals whose title or text holds
 * every word given, the newest first, a page at a time (app/lists.h, the
 * same query as GET /api/v1/search).  The command line reads the store
 * itself, so it sees as the secretariat does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/lists.h"
#include "cli.h"
#include "util.h"

enum { SEARCH_BODY, SEARCH_STATUS, SEARCH_LIMIT, SEARCH_BEFORE, SEARCH_JSON };
const struct cli_opt cli_opts_search[] = {
	[SEARCH_BODY] = OPT_VAL("body", "B", "only this body"),
	[SEARCH_STATUS] = OPT_VAL("status", "S", "open, concluded, or an outcome:\n"
				  "adopted, blocked, failed, withdrawn, lapsed"),
	[SEARCH_LIMIT] = OPT_VAL("limit", "N", "at most N (default 100, at most 1000)"),
	[SEARCH_BEFORE] = OPT_VAL("before", "ID", "only those below proposal ID\n"
				  "(the next page: what the last one said)"),
	[SEARCH_JSON] = OPT_JSON,
	OPT_END};

static const char *const statuses[] = {"open", "concluded", "adopted",
				       "blocked", "failed", "withdrawn",
				       "lapsed", NULL};

struct found {
	const struct cli *c;
	json_t *docs;
	struct cli_table t;
	int64_t limit, n, last;
	int more;
};

enum { STOP_PAGE = 1 };

static int found_one(void *ctx, int64_t id, const char *doc, size_t len,
		     struct cn_err *err)
{
	struct found *f = ctx;
	json_t *v;
	char sid[24];

	if (f->n == f->limit) {
		f->more = 1;
		return STOP_PAGE;
	}
	if (!(v = json_loadb(doc, len, 0, NULL)))
		return cn_err_set(err, CN_ECORRUPT, "proposal %lld: its stored "
				  "view is not JSON", (long long)id);
	f->n++;
	f->last = id;
	if (f->c->json) {
		json_array_append_new(f->docs, v);
		return 0;
	}
	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	const char *st = cn_jstr(v, "status"), *oc = cn_jstr(v, "outcome");
	cli_table_row(&f->t, (const char *[]){sid, cn_jstr(v, "body"),
		      st && !strcmp(st, "concluded") && oc ? oc : st,
		      cn_jstr(v, "title")});
	json_decref(v);
	return 0;
}

int cmd_search(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const struct cn_world *w = cn_app_world(app);
	const struct cn_viewer v = {CN_ROLE_SECRETARIAT, "", w, c->now};
	struct found f = {.c = c};
	struct cn_proposal_query q = {0};
	struct cn_err err = {0};
	char *match = NULL;
	int rc, ok = 0;

	q.body = a->val[SEARCH_BODY];
	q.status = a->val[SEARCH_STATUS];
	f.limit = 100;
	if ((a->val[SEARCH_LIMIT] &&
	     (rc = cli_number(c, a->val[SEARCH_LIMIT], "--limit", 1, 1000, &f.limit))) ||
	    (a->val[SEARCH_BEFORE] &&
	     (rc = cli_number(c, a->val[SEARCH_BEFORE], "--before", 1, INT64_MAX,
			      &q.before))))
		return rc;
	for (int i = 0; q.status && statuses[i]; i++)
		ok |= !strcmp(statuses[i], q.status);
	if (q.status && !ok)
		return cli_usage(c, "unknown status '%s' (open, concluded, adopted, "
				 "blocked, failed, withdrawn, lapsed)", q.status);
	if (q.body && !cn_world_body(w, q.body)) {
		fprintf(stderr, "council: unknown body '%s'\n", q.body);
		return EXIT_REFUSED;
	}
	if (cn_lists_match(a->pos[0], "WORDS", &match, &err))
		return err.code == CN_EINVAL ? cli_usage(c, "%s", err.msg)
					     : cli_fail(c, &err);
	q.match = match;
	q.limit = f.limit + 1;
	if (c->json)
		f.docs = json_array();
	else
		cli_table_init(&f.t, "rlll", (const char *[]){"id", "body",
			       "status", "title"});
	rc = cn_lists_proposals(cn_app_store(app), &v, &q, found_one, &f, &err);
	free(match);
	if (rc && rc != STOP_PAGE) {
		json_decref(f.docs);
		if (!c->json)
			cli_table_print(&f.t, NULL);
		return cli_fail(c, &err);
	}
	if (c->json) {
		cli_print_json(json_pack("{s:I, s:o, s:o}", "count", (json_int_t)f.n,
					 "proposals", f.docs, "next",
					 f.more ? json_integer(f.last) : json_null()));
		return 0;
	}
	if (cli_table_print(&f.t, &err))
		return cli_fail(c, &err);
	if (f.more)
		printf("more: --before %lld\n", (long long)f.last);
	return 0;
}
