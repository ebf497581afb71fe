/*
 * cmd_read.c - the registry and proposal queries: members, bodies,
 * partners, offices, show (the list of proposals: cmd_proposals.c).  Each prints a table for people, or
 * JSON with --json.  main.c opens the store read-only for them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/views.h"
#include "../core/timeutil.h"
#include "cli.h"
#include "util.h"

/* ---- registry views as tables --------------------------------------------- */

/* A column of a registry table: its header and the key of the view's rows
 * it shows; an empty cell shows dflt (NULL: nothing), and a boolean key
 * shows yes or no. */
/* A column: its heading, the view's key, and the words shown for an
 * empty value (dflt) or a boolean's (yes, no), all in the command's
 * language; CN_MSG_COUNT for none. */
struct column {
	enum cn_msg header;
	const char *key;
	enum cn_msg dflt, yes, no;
};

/* Print registry view v: as JSON with --json, else its array `list` as a
 * table of ncols columns, and *n the number of rows.  v stays the
 * caller's.  Returns 0 or an exit status. */
static int print_view(struct cli *c, json_t *v, const char *list,
		      const struct column *cols, int ncols, size_t *n)
{
	const char *head[CLI_TABLE_MAXCOLS], *cell[CLI_TABLE_MAXCOLS];
	char align[CLI_TABLE_MAXCOLS + 1] = "";
	struct cn_err err = {0};
	struct cli_table t;
	const json_t *j;
	size_t i;

	*n = 0;
	if (c->json) {
		cli_print_json(json_incref(v));
		return 0;
	}
	enum cn_lang l = cli_lang();

	for (int k = 0; k < ncols; k++) {
		head[k] = cn_msg(l, cols[k].header);
		align[k] = 'l';
	}
	cli_table_init(&t, align, head);
	json_array_foreach(json_object_get(v, list), i, j) {
		for (int k = 0; k < ncols; k++)
			cell[k] = cols[k].yes != CN_MSG_COUNT
				? cn_msg(l, json_is_true(json_object_get(j, cols[k].key))
					  ? cols[k].yes : cols[k].no)
				: cli_or(cli_str(j, cols[k].key),
					 cols[k].dflt == CN_MSG_COUNT
						 ? "" : cn_msg(l, cols[k].dflt));
		cli_table_row(&t, cell);
	}
	*n = i;
	return cli_table_print(&t, &err) ? cli_fail(c, &err) : 0;
}

#define COL(h, k) {(h), (k), CN_MSG_COUNT, CN_MSG_COUNT, CN_MSG_COUNT}
#define COL_OR(h, k, d) {(h), (k), (d), CN_MSG_COUNT, CN_MSG_COUNT}
#define COL_BOOL(h, k, y, n) {(h), (k), CN_MSG_COUNT, (y), (n)}
#define NCOLS(cols) ((int)(sizeof(cols) / sizeof(cols[0])))

/* --limit and --after of a registry list, as the API's ?limit= and
 * ?after= (the same cut: cn_view_page). */
#define OPT_PAGE_LIMIT OPT_VAL("limit", "N", "at most N (default and at most 1000)")
#define OPT_PAGE_AFTER(what) \
	OPT_VAL("after", "KEY", "those after " what " KEY, the last of the page before")

/* View v cut to the page that limit and after (the options' text, or
 * NULL) ask for; *next the next page's key, or NULL.  0 or an exit
 * status. */
static int page(struct cli *c, json_t *v, const char *list, const char *key,
		const char *limit, const char *after, const char **next)
{
	struct cn_err err = {0};
	int64_t n = CN_VIEW_PAGE_MAX;
	int rc;

	if (limit && (rc = cli_number(c, limit, "--limit", 1, CN_VIEW_PAGE_MAX, &n)))
		return rc;
	if (cn_view_page(v, list, key, after, n, next, &err)) {
		if (err.code == CN_EINVAL)
			cn_err_prefix(&err, "--after: ");
		return cli_fail(c, &err);
	}
	return 0;
}

/* After a page's table: how to ask for the next, if another follows. */
static void say_more(const struct cli *c, const char *next)
{
	if (next && !c->json)
		cli_say_more("--after", next);
}

/* ---- members --------------------------------------------------------------- */

enum { MEMBERS_BODY, MEMBERS_ALL, MEMBERS_AT, MEMBERS_LIMIT, MEMBERS_AFTER,
       MEMBERS_JSON };
const struct cli_opt cli_opts_members[] = {
	[MEMBERS_BODY] = OPT_VAL("body", "B", "NAC, NPG, MC, DPC, ..."),
	[MEMBERS_ALL] = OPT_FLAG("all", "every member ever, with dates (ignores --at)"),
	[MEMBERS_AT] = OPT_AT("at", "DATE", "as of this date (ISO 8601)"),
	[MEMBERS_LIMIT] = OPT_PAGE_LIMIT,
	[MEMBERS_AFTER] = OPT_PAGE_AFTER("member"),
	[MEMBERS_JSON] = OPT_JSON,
	OPT_END};

static const struct column member_cols[] = {
	COL(CN_M_CLI_COL_CODE, "code"), COL(CN_M_CLI_COL_NAME, "name"),
	COL(CN_M_CLI_COL_ACCESSION, "accession"), COL(CN_M_CLI_COL_EXIT, "exit")};

int cmd_members(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const char *body = a->val[MEMBERS_BODY];
	int all = a->val[MEMBERS_ALL] != NULL;
	struct cn_err err = {0};
	const struct cn_world *w = cn_app_world(app);
	const char *next = NULL;
	char d[CN_TIME_BUF];
	size_t n;
	int rc;

	json_t *v = cn_view_members(w, body, c->now, all, &err);
	if (!v)
		return cli_fail(c, &err);
	rc = page(c, v, "members", "code", a->val[MEMBERS_LIMIT],
		  a->val[MEMBERS_AFTER], &next);
	if (rc == 0)
		rc = print_view(c, v, "members", member_cols, NCOLS(member_cols), &n);
	if (rc == 0 && !c->json && all)
		printf("%zu members in all\n", n);
	else if (rc == 0 && !c->json)
		printf("%zu members of the %s on %s\n", n,
		       body ? cli_str(v, "body_name") : cli_str(w->alliance, "name"),
		       cn_date_format(c->now, d));
	if (rc == 0)
		say_more(c, next);
	json_decref(v);
	return rc;
}

/* ---- bodies ---------------------------------------------------------------- */

enum { BODIES_AT, BODIES_JSON };
const struct cli_opt cli_opts_bodies[] = {
	[BODIES_AT] = OPT_AT("at", "DATE", "as of this date"),
	[BODIES_JSON] = OPT_JSON,
	OPT_END};

int cmd_bodies(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const struct cn_world *w = cn_app_world(app);
	struct cn_err err = {0};
	char d[CN_TIME_BUF];
	(void)a;

	if (c->json) {
		json_t *v = cn_view_bodies(w, c->now, &err);
		if (!v)
			return cli_fail(c, &err);
		cli_print_json(v);
		return 0;
	}
	struct cli_table t;
	enum cn_lang l = cli_lang();
	cli_table_init(&t, "llllrl", (const char *[]){
		cn_msg(l, CN_M_CLI_LIST_ID), cn_msg(l, CN_M_CLI_COL_NAME),
		cn_msg(l, CN_M_CLI_COL_RULE), cn_msg(l, CN_M_CLI_LIST_PROCEDURE),
		cn_msg(l, CN_M_CLI_COL_MEMBERS), NULL});
	for (size_t i = 0; i < w->nbodies; i++) {
		const struct cn_body *b = &w->bodies[i];
		const struct cn_member **ms;
		size_t n = 0;
		char count[32];
		if (cn_body_members(w, b, c->now, &ms, &n) == 0)
			free(ms);
		snprintf(count, sizeof(count), "%zu", n);
		cli_table_row(&t, (const char *[]){b->id, b->name, b->rule_src,
			b->procedure, count,
			cn_body_exists(b, c->now) ? NULL : "not in existence"});
	}
	if (cli_table_print(&t, &err))
		return cli_fail(c, &err);
	printf("%zu bodies on %s\n", w->nbodies, cn_date_format(c->now, d));
	return 0;
}

/* ---- partners -------------------------------------------------------------- */

enum { PARTNERS_FRAMEWORK, PARTNERS_AT, PARTNERS_LIMIT, PARTNERS_AFTER,
       PARTNERS_JSON };
const struct cli_opt cli_opts_partners[] = {
	[PARTNERS_FRAMEWORK] = OPT_VAL("framework", "F", "only this framework"),
	[PARTNERS_AT] = OPT_AT("at", "DATE", "as of this date (default today)"),
	[PARTNERS_LIMIT] = OPT_PAGE_LIMIT,
	[PARTNERS_AFTER] = OPT_PAGE_AFTER("partner"),
	[PARTNERS_JSON] = OPT_JSON,
	OPT_END};

/* The view's status is the one of the date asked. */
static const struct column partner_cols[] = {
	COL(CN_M_CLI_COL_CODE, "code"), COL(CN_M_CLI_COL_NAME, "name"),
	COL_OR(CN_M_CLI_COL_SINCE, "since", CN_M_CLI_COL_UNKNOWN),
	COL(CN_M_CLI_LIST_STATUS, "status"), COL(CN_M_CLI_COL_FRAMEWORK, "framework")};

int cmd_partners(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const char *fw = a->val[PARTNERS_FRAMEWORK];
	struct cn_err err = {0};
	json_t *v = cn_view_partners(cn_app_world(app), fw, c->now, &err);
	const char *next = NULL;
	size_t n;
	int rc;

	if (!v)
		return cli_fail(c, &err);
	rc = page(c, v, "partners", "code", a->val[PARTNERS_LIMIT],
		  a->val[PARTNERS_AFTER], &next);
	if (rc == 0 &&
	    (rc = print_view(c, v, "partners", partner_cols, NCOLS(partner_cols), &n)) == 0)
		say_more(c, next);
	json_decref(v);
	return rc;
}

/* ---- offices --------------------------------------------------------------- */

enum { OFFICES_AT, OFFICES_ALL, OFFICES_LIMIT, OFFICES_AFTER, OFFICES_JSON };
const struct cli_opt cli_opts_offices[] = {
	[OFFICES_AT] = OPT_AT("at", "DATE", "as of this date"),
	[OFFICES_ALL] = OPT_FLAG("all", "every office, open or closed"),
	[OFFICES_LIMIT] = OPT_PAGE_LIMIT,
	[OFFICES_AFTER] = OPT_PAGE_AFTER("office"),
	[OFFICES_JSON] = OPT_JSON,
	OPT_END};

static const struct column office_cols[] = {
	COL(CN_M_CLI_LIST_ID, "id"), COL(CN_M_CLI_COL_CITY, "city"),
	COL(CN_M_CLI_COL_COUNTRY, "country"),
	COL_OR(CN_M_CLI_COL_OPENED, "opened", CN_M_CLI_COL_UNKNOWN),
	COL_OR(CN_M_CLI_COL_CLOSED, "closed", CN_M_CLI_COL_NONE),
	COL_BOOL(CN_M_CLI_COL_AREA, "out_of_area", CN_M_CLI_COL_OUT, CN_M_CLI_COL_IN)};

int cmd_offices(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	int all = a->val[OFFICES_ALL] != NULL;
	struct cn_err err = {0};
	char d[CN_TIME_BUF];
	json_t *v = cn_view_offices(cn_app_world(app), c->now, all, &err);
	const char *next = NULL;
	size_t n;
	int rc;

	if (!v)
		return cli_fail(c, &err);
	rc = page(c, v, "offices", "id", a->val[OFFICES_LIMIT],
		  a->val[OFFICES_AFTER], &next);
	if (rc == 0)
		rc = print_view(c, v, "offices", office_cols, NCOLS(office_cols), &n);
	if (rc == 0 && !c->json && all)
		printf("%zu offices in all\n", n);
	else if (rc == 0 && !c->json)
		printf("%zu offices open on %s\n", n, cn_date_format(c->now, d));
	if (rc == 0)
		say_more(c, next);
	json_decref(v);
	return rc;
}

/* ---- show ------------------------------------------------------------------ */

enum { SHOW_JSON };
const struct cli_opt cli_opts_show[] = {[SHOW_JSON] = OPT_JSON, OPT_END};

static int collect_event(void *ctx, const struct cn_event *ev,
			 struct cn_err *err)
{
	char t[CN_TIME_BUF];
	json_t *e = json_pack("{s:I, s:s, s:s, s:s, s:O}", "seq",
			      (json_int_t)ev->seq, "time",
			      cn_time_format(ev->time, t), "actor", ev->actor,
			      "type", ev->type, "payload", ev->payload);
	if (!e || json_array_append_new(ctx, e))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

static int print_event(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	(void)ctx;
	(void)err;
	cli_print_event(ev);
	return 0;
}

/* What the view says beyond cli_print_proposal: every break of silence,
 * what breaks it, signed and public positions, the figures weighed, the
 * matter's other proposals. */
static void print_record(const json_t *doc)
{
	const json_t *x, *m, *wts = json_object_get(doc, "weights");
	const char *attr;
	size_t i, k;

	static const struct {
		const char *field;
		enum cn_msg label;
	} links[] = {{"supersedes", CN_M_CLI_REC_SUPERSEDES},
		     {"superseded_by", CN_M_CLI_REC_TAKEN_UP}};
	char n[24], day[11];
	enum cn_lang l = cli_lang();

	if (json_array_size(json_object_get(doc, "silence_breaks")) > 1) {
		cli_label(CN_M_CLI_REC_SILENCE);
		printf("%s\n", cn_msg(l, CN_M_CLI_REC_SILENCE_VALUE));
	}
	json_array_foreach(json_object_get(doc, "breaks"), i, x) {
		cli_label(CN_M_CLI_REC_BROKEN);
		cli_say(CN_M_CLI_REC_BROKEN_VALUE, "at", cli_str(x, "at"),
			(char *)NULL);
		json_array_foreach(json_object_get(x, "members"), k, m)
			printf("%s %s", k ? "," : "", json_string_value(m));
		printf("%s%s\n",
		       json_array_size(json_object_get(x, "members")) > 1
			       ? cn_msg(l, CN_M_CLI_REC_JOINT) : "",
		       !strcmp(cli_str(x, "kind"), "amend")
			       ? cn_msg(l, CN_M_CLI_REC_AMENDMENT) : "");
	}
	json_array_foreach(json_object_get(doc, "positions"), i, x) {
		if (json_is_true(json_object_get(x, "signed"))) {
			cli_label(CN_M_CLI_REC_SIGNED);
			cli_say(CN_M_CLI_REC_SIGNED_VALUE, "member",
				cli_str(x, "member"), "position",
				cli_position_word(cli_str(x, "position")), "key",
				cli_str(x, "key"), (char *)NULL);
			printf("\n");
		}
		if (json_is_true(json_object_get(x, "public"))) {
			cli_label(CN_M_CLI_REC_PUBLIC);
			cli_say(CN_M_CLI_REC_PUBLIC_VALUE, "member",
				cli_str(x, "member"), (char *)NULL);
			printf("\n");
		}
	}
	snprintf(day, sizeof(day), "%.10s", cli_str(doc, "opened"));
	json_object_foreach((json_t *)wts, attr, x) {
		cli_label(CN_M_CLI_REC_WEIGHED);
		cli_say(CN_M_CLI_REC_WEIGHED_VALUE, "attribute", attr, "date", day,
			(char *)NULL);
		printf("\n");
	}
	/* the matter's other proposals: the one taken up, the one taking
	 * it up */
	for (k = 0; k < sizeof(links) / sizeof(links[0]); k++) {
		if (!json_object_get(doc, links[k].field))
			continue;
		snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(
				 json_object_get(doc, links[k].field)));
		cli_label(links[k].label);
		cli_say(CN_M_CLI_REC_PROPOSAL, "id", n, (char *)NULL);
		printf("\n");
	}
}

/* The stored view of proposal id (new reference), or NULL after printing
 * why. */
static json_t *stored_view(const struct cli *c, struct cn_app *app, int64_t id)
{
	struct cn_err err = {0};
	json_t *doc = NULL;
	int rc = cn_store_proposal_doc(cn_app_store(app), id, &doc, &err);
	if (rc == CN_ENOTFOUND)
		fprintf(stderr, "council: no proposal %lld\n", (long long)id);
	else if (rc)
		cli_fail(c, &err);
	return rc ? NULL : doc;
}

/* The proposal a stored view supersedes, 0 when none. */
static int64_t supersedes(const json_t *doc)
{
	return json_integer_value(json_object_get(doc, "supersedes"));
}

/* Answered from the stored view (the proposals projection) and the events
 * indexed under the proposal: nothing here grows with the log. */
int cmd_show(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_err err = {0};
	int64_t id = a->id, q;
	int rc = 0;

	json_t *doc = stored_view(c, app, id);
	if (!doc)
		return EXIT_REFUSED;
	if (c->json) {
		json_t *hist = json_array(), *earlier = json_array();
		rc = cn_store_proposal_events(cn_app_store(app), id, collect_event,
					      hist, &err);
		json_object_set_new(doc, "history", hist);
		/* The matter's history runs through the proposals it
		 * superseded. */
		for (q = supersedes(doc); rc == 0 && q; ) {
			json_t *h = json_array(), *prev = stored_view(c, app, q);
			if (!prev) {
				json_decref(h);
				json_decref(earlier);
				json_decref(doc);
				return EXIT_REFUSED;
			}
			rc = cn_store_proposal_events(cn_app_store(app), q,
						      collect_event, h, &err);
			json_array_append_new(earlier, json_pack("{s:I, s:o}",
					      "proposal", (json_int_t)q,
					      "history", h));
			q = supersedes(prev);
			json_decref(prev);
		}
		if (json_array_size(earlier))
			json_object_set_new(doc, "earlier", earlier);
		else
			json_decref(earlier);
		if (rc) {
			json_decref(doc);
			return cli_fail(c, &err);
		}
		cli_print_json(doc);
		return 0;
	}
	cli_print_proposal(doc);
	print_record(doc);
	q = supersedes(doc);
	json_decref(doc);
	printf("  %s\n", cn_msg(cli_lang(), CN_M_CLI_SHOW_HISTORY));
	rc = cn_store_proposal_events(cn_app_store(app), id, print_event, NULL,
				      &err);
	while (rc == 0 && q) {
		json_t *prev = stored_view(c, app, q);
		if (!prev)
			return EXIT_REFUSED;
		char qs[24];
		snprintf(qs, sizeof(qs), "%lld", (long long)q);
		printf("  ");
		cli_say(CN_M_CLI_REC_EARLIER, "id", qs, (char *)NULL);
		printf("\n");
		rc = cn_store_proposal_events(cn_app_store(app), q, print_event,
					      NULL, &err);
		q = supersedes(prev);
		json_decref(prev);
	}
	return rc ? cli_fail(c, &err) : 0;
}
