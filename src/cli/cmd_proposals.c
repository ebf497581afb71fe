/* cmd_proposals.c - council proposals and council search: the proposals,
 * a page at a time, filtered (body, status, member of the electorate,
 * dates opened and concluded) and, for search, found by the words of
 * their title or text.  One query of the store per page (app/lists.h, the
 * same as GET /api/v1/proposals and /api/v1/search), so a page costs what
 * it shows however long the record is.  The command line reads the store
 * itself, so it sees as the secretariat does.
 *
 * A page is the newest first, down from --before; --after reads up, the
 * oldest first from there.  When more follow, the table ends with the
 * option that reads the next page and --json gives its cursor in `next`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/lists.h"
#include "../app/reader.h"
#include "../core/timeutil.h"
#include "cli.h"
#include "util.h"

/* One option table for both commands: search adds its WORDS. */
enum { P_BODY, P_STATUS, P_MEMBER, P_OPENED_FROM, P_OPENED_TO,
       P_CONCLUDED_FROM, P_CONCLUDED_TO, P_LIMIT, P_AFTER, P_BEFORE, P_JSON };
#define PROPOSALS_OPTS                                                         \
	[P_BODY] = OPT_VAL("body", "B", "only this body"),                     \
	[P_STATUS] = OPT_VAL("status", "S", "open, concluded, or an outcome:\n" \
			     "adopted, blocked, failed, withdrawn, lapsed"),   \
	[P_MEMBER] = OPT_VAL("member", "CC", "only those CC may decide\n"      \
			     "(in the electorate)"),                           \
	[P_OPENED_FROM] = OPT_VAL("opened-from", "TIME", "opened at or after TIME"), \
	[P_OPENED_TO] = OPT_VAL("opened-to", "TIME", "opened before TIME"),    \
	[P_CONCLUDED_FROM] = OPT_VAL("concluded-from", "TIME",                 \
				     "concluded at or after TIME"),            \
	[P_CONCLUDED_TO] = OPT_VAL("concluded-to", "TIME",                     \
				   "concluded before TIME"),                   \
	[P_LIMIT] = OPT_VAL("limit", "N", "at most N (default 100, at most 1000)"), \
	[P_AFTER] = OPT_VAL("after", "ID", "those above proposal ID, the oldest\n" \
			    "first (the next page up)"),                       \
	[P_BEFORE] = OPT_VAL("before", "ID", "those below proposal ID, the newest\n" \
			     "first (the next page down)"),                    \
	[P_JSON] = OPT_JSON, OPT_END
const struct cli_opt cli_opts_proposals[] = {PROPOSALS_OPTS};
const struct cli_opt cli_opts_search[] = {PROPOSALS_OPTS};

static const char *const statuses[] = {"open", "concluded", "adopted",
				       "blocked", "failed", "withdrawn",
				       "lapsed", NULL};

struct page {
	const struct cli *c;
	json_t *docs;
	struct cli_table t;
	int64_t limit, n, last;
	int more;
};

enum { STOP_PAGE = 1 };

static int one(void *ctx, const struct cn_proposal_row *r,
	       struct cn_err *err)
{
	const int64_t id = r->id;
	struct page *pg = ctx;
	json_t *v;
	char sid[24];
	int rc;

	if (pg->n == pg->limit) {
		pg->more = 1;
		return STOP_PAGE;
	}
	pg->n++;
	pg->last = id;
	if (pg->c->json) {
		if ((rc = cn_proposal_view_parse(id, r->doc, r->len, &v, err)))
			return rc;
		json_array_append_new(pg->docs, v);
		return 0;
	}
	/* The table's line from the row's columns: no view parsed. */
	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	cli_table_row(&pg->t, (const char *[]){sid, r->body, r->procedure,
		      !strcmp(r->status, "concluded") && r->outcome
			      ? r->outcome : r->status,
		      r->title});
	return 0;
}

/* --opened-from and the like: any time council reads, as its canonical
 * text (what the store's columns hold and compare). */
static int time_opt(const struct cli *c, const char *s, const char *name,
		    char buf[CN_TIME_BUF], const char **out)
{
	struct cn_err err = {0};
	int64_t t;

	*out = NULL;
	if (!s)
		return 0;
	if (cn_time_parse(s, name, &t, &err))
		return cli_usage(c, "%s", err.msg);
	*out = cn_time_format(t, buf);
	return 0;
}

/* The query the options ask for; 0 or an exit status. */
static int query(struct cli *c, const struct cli_args *a,
		 const struct cn_world *w, struct page *pg,
		 struct cn_proposal_query *q, char times[4][CN_TIME_BUF])
{
	int rc, ok = 0;

	q->body = a->val[P_BODY];
	q->status = a->val[P_STATUS];
	q->member = a->val[P_MEMBER];
	pg->limit = CLI_PAGE_DEFAULT;
	if ((a->val[P_LIMIT] &&
	     (rc = cli_number(c, a->val[P_LIMIT], "--limit", 1, CLI_PAGE_MAX, &pg->limit))) ||
	    (a->val[P_AFTER] &&
	     (rc = cli_number(c, a->val[P_AFTER], "--after", 1, INT64_MAX, &q->after))) ||
	    (a->val[P_BEFORE] &&
	     (rc = cli_number(c, a->val[P_BEFORE], "--before", 1, INT64_MAX, &q->before))) ||
	    (rc = time_opt(c, a->val[P_OPENED_FROM], "--opened-from", times[0],
			   &q->opened_from)) ||
	    (rc = time_opt(c, a->val[P_OPENED_TO], "--opened-to", times[1],
			   &q->opened_to)) ||
	    (rc = time_opt(c, a->val[P_CONCLUDED_FROM], "--concluded-from",
			   times[2], &q->concluded_from)) ||
	    (rc = time_opt(c, a->val[P_CONCLUDED_TO], "--concluded-to", times[3],
			   &q->concluded_to)))
		return rc;
	if (q->after && q->before)
		return cli_usage(c, "--after and --before: give one cursor, not both");
	for (int i = 0; q->status && statuses[i]; i++)
		ok |= !strcmp(statuses[i], q->status);
	if (q->status && !ok)
		return cli_usage(c, "unknown status '%s' (open, concluded, adopted, "
				 "blocked, failed, withdrawn, lapsed)", q->status);
	if (q->body && !cn_world_body(w, q->body)) {
		fprintf(stderr, "council: unknown body '%s'\n", q->body);
		return EXIT_REFUSED;
	}
	q->ascending = q->after != 0;
	q->limit = pg->limit + 1; /* one more: whether a next page holds any */
	return 0;
}

static int list(struct cli *c, const struct cli_args *a, struct cn_app *app,
		const char *words)
{
	const struct cn_viewer v = {CN_ROLE_SECRETARIAT, "", cn_app_world(app),
				    c->now};
	struct page pg = {.c = c};
	struct cn_proposal_query q = {0};
	struct cn_err err = {0};
	char times[4][CN_TIME_BUF], *match = NULL;
	int rc;

	if ((rc = query(c, a, v.reg, &pg, &q, times)))
		return rc;
	if (words && cn_lists_match(words, "WORDS", &match, &err))
		return err.code == CN_EINVAL ? cli_usage(c, "%s", err.msg)
					     : cli_fail(c, &err);
	q.match = match;
	if (c->json)
		pg.docs = json_array();
	else
		cli_table_init(&pg.t, "rllll", (const char *[]){
			cn_msg(cli_lang(), CN_M_CLI_LIST_ID),
			cn_msg(cli_lang(), CN_M_CLI_LIST_BODY),
			cn_msg(cli_lang(), CN_M_CLI_LIST_PROCEDURE),
			cn_msg(cli_lang(), CN_M_CLI_LIST_STATUS),
			cn_msg(cli_lang(), CN_M_CLI_LIST_TITLE)});
	rc = cn_lists_proposals(cn_app_store(app), &v, &q, one, &pg, &err);
	free(match);
	if (rc && rc != STOP_PAGE) {
		json_decref(pg.docs);
		if (!c->json)
			cli_table_print(&pg.t, NULL);
		return cli_fail(c, &err);
	}
	if (c->json) {
		cli_print_json(json_pack("{s:I, s:o, s:o}", "count", (json_int_t)pg.n,
					 "proposals", pg.docs, "next",
					 pg.more ? json_integer(pg.last) : json_null()));
		return 0;
	}
	if (cli_table_print(&pg.t, &err))
		return cli_fail(c, &err);
	if (pg.more) {
		char id[24];
		snprintf(id, sizeof(id), "%lld", (long long)pg.last);
		cli_say_more(q.ascending ? "--after" : "--before", id);
	}
	return 0;
}

int cmd_proposals(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	return list(c, a, app, NULL);
}

int cmd_search(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	return list(c, a, app, a->pos[0]);
}
