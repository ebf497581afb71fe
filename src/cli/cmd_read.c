/*
 * cmd_read.c - the registry and proposal queries: members, bodies,
 * partners, offices, proposals, show.  Each prints a table for people, or
 * JSON with --json.  main.c opens the store read-only for them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/views.h"
#include "../core/timeutil.h"
#include "cli.h"
#include "util.h"

/* ---- members --------------------------------------------------------------- */

enum { MEMBERS_BODY, MEMBERS_ALL, MEMBERS_AT, MEMBERS_JSON };
const struct cli_opt cli_opts_members[] = {
	[MEMBERS_BODY] = OPT_VAL("body", "B", "NAC, NPG, MC, DPC, ..."),
	[MEMBERS_ALL] = OPT_FLAG("all", "every member ever, with dates (ignores --at)"),
	[MEMBERS_AT] = OPT_AT("at", "DATE", "as of this date (ISO 8601)"),
	[MEMBERS_JSON] = OPT_JSON,
	OPT_END};

int cmd_members(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const char *body = a->val[MEMBERS_BODY];
	int all = a->val[MEMBERS_ALL] != NULL;
	struct cn_err err = {0};
	const struct cn_world *w = cn_app_world(app);
	char d[CN_TIME_BUF];
	const json_t *m;
	size_t i;

	json_t *v = cn_view_members(w, body, c->now, all, &err);
	if (!v)
		return cli_fail(c, &err);
	if (c->json) {
		cli_print_json(v);
		return 0;
	}
	struct cli_table t;
	cli_table_init(&t, "llll",
		       (const char *[]){"code", "name", "accession", "exit"});
	json_array_foreach(json_object_get(v, "members"), i, m)
		cli_table_row(&t, (const char *[]){cli_str(m, "code"),
			cli_str(m, "name"), cli_str(m, "accession"), cli_str(m, "exit")});
	if (cli_table_print(&t, &err)) {
		json_decref(v);
		return cli_fail(c, &err);
	}
	if (all)
		printf("%zu members in all\n", i);
	else
		printf("%zu members of the %s on %s\n", i,
		       body ? cli_str(v, "body_name") : cli_str(w->alliance, "name"),
		       cn_date_format(c->now, d));
	json_decref(v);
	return 0;
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
	cli_table_init(&t, "llllrl", (const char *[]){"id", "name", "rule",
		       "procedure", "members", NULL});
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

enum { PARTNERS_FRAMEWORK, PARTNERS_AT, PARTNERS_JSON };
const struct cli_opt cli_opts_partners[] = {
	[PARTNERS_FRAMEWORK] = OPT_VAL("framework", "F", "only this framework"),
	[PARTNERS_AT] = OPT_AT("at", "DATE", "as of this date (default today)"),
	[PARTNERS_JSON] = OPT_JSON,
	OPT_END};

int cmd_partners(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const char *fw = a->val[PARTNERS_FRAMEWORK];
	struct cn_err err = {0};
	json_t *v = cn_view_partners(cn_app_world(app), fw, c->now, &err), *j;
	size_t i;
	int rc;

	if (!v)
		return cli_fail(c, &err);
	if (c->json) {
		cli_print_json(v);
		return 0;
	}
	/* The view's status is the one of the date asked. */
	struct cli_table t;
	cli_table_init(&t, "lllll", (const char *[]){"code", "name", "since",
		       "status", "framework"});
	json_array_foreach(json_object_get(v, "partners"), i, j)
		cli_table_row(&t, (const char *[]){cli_str(j, "code"),
			cli_str(j, "name"),
			cli_or(cli_str(j, "since"), "unknown"),
			cli_str(j, "status"), cli_str(j, "framework")});
	rc = cli_table_print(&t, &err) ? cli_fail(c, &err) : 0;
	json_decref(v);
	return rc;
}

/* ---- offices --------------------------------------------------------------- */

enum { OFFICES_AT, OFFICES_ALL, OFFICES_JSON };
const struct cli_opt cli_opts_offices[] = {
	[OFFICES_AT] = OPT_AT("at", "DATE", "as of this date"),
	[OFFICES_ALL] = OPT_FLAG("all", "every office, open or closed"),
	[OFFICES_JSON] = OPT_JSON,
	OPT_END};

int cmd_offices(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	int all = a->val[OFFICES_ALL] != NULL;
	struct cn_err err = {0};
	char d[CN_TIME_BUF];
	json_t *v = cn_view_offices(cn_app_world(app), c->now, all, &err), *j;
	size_t i;

	if (!v)
		return cli_fail(c, &err);
	if (c->json) {
		cli_print_json(v);
		return 0;
	}
	struct cli_table t;
	cli_table_init(&t, "llllll", (const char *[]){"id", "city", "country",
		       "opened", "closed", "treaty area"});
	json_array_foreach(json_object_get(v, "offices"), i, j)
		cli_table_row(&t, (const char *[]){cli_str(j, "id"),
			cli_str(j, "city"), cli_str(j, "country"),
			cli_or(cli_str(j, "opened"), "unknown"),
			cli_or(cli_str(j, "closed"), "-"),
			json_is_true(json_object_get(j, "out_of_area"))
				? "out of area" : "in area"});
	if (cli_table_print(&t, &err)) {
		json_decref(v);
		return cli_fail(c, &err);
	}
	if (all)
		printf("%zu offices in all\n", i);
	else
		printf("%zu offices open on %s\n", i, cn_date_format(c->now, d));
	json_decref(v);
	return 0;
}

/* ---- proposals ------------------------------------------------------------- */

/* The statuses --status takes: open, concluded, or an outcome. */
static const char *const statuses[] = {"open", "concluded", "adopted",
				       "blocked", "failed", "withdrawn",
				       "lapsed", NULL};

enum { PROPOSALS_BODY, PROPOSALS_STATUS, PROPOSALS_JSON };
const struct cli_opt cli_opts_proposals[] = {
	[PROPOSALS_BODY] = OPT_VAL("body", "B", "only this body"),
	[PROPOSALS_STATUS] = OPT_VAL("status", "S", "open, concluded, or an outcome:\n"
				     "adopted, blocked, failed, withdrawn, lapsed"),
	[PROPOSALS_JSON] = OPT_JSON,
	OPT_END};

static int status_matches(const char *status, const struct cn_proposal *p)
{
	if (!strcmp(status, "open"))
		return !p->concluded;
	if (!strcmp(status, "concluded"))
		return p->concluded;
	return p->concluded && !strcmp(status, p->outcome);
}

int cmd_proposals(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const char *body = a->val[PROPOSALS_BODY], *status = a->val[PROPOSALS_STATUS];
	const struct cn_world *w = cn_app_world(app);
	struct cn_err err = {0};
	struct cli_table t;

	if (status) {
		char list[128];
		size_t len = 0;
		int ok = 0;
		for (int i = 0; statuses[i]; i++) {
			ok |= !strcmp(statuses[i], status);
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
						i ? ", " : "", statuses[i]);
		}
		if (!ok)
			return cli_usage(c, "unknown status '%s' (%s)", status, list);
	}
	if (body && !cn_world_body(w, body)) {
		fprintf(stderr, "council: unknown body '%s'\n", body);
		return EXIT_REFUSED;
	}
	json_t *out = c->json ? json_array() : NULL;
	if (!c->json)
		cli_table_init(&t, "rllll", (const char *[]){"id", "body",
			       "procedure", "status", "title"});
	for (size_t i = 0; i < w->nproposals; i++) {
		const struct cn_proposal *p = w->proposals[i];
		char id[32];
		if ((body && strcasecmp(body, p->body)) ||
		    (status && !status_matches(status, p)))
			continue;
		if (c->json) {
			json_array_append_new(out, cn_proposal_json(w, p));
			continue;
		}
		snprintf(id, sizeof(id), "%lld", (long long)p->id);
		cli_table_row(&t, (const char *[]){id, p->body,
			cn_proc_name(p->proc), p->concluded ? p->outcome : "open",
			p->title});
	}
	if (c->json) {
		cli_print_json(out);
		return 0;
	}
	return cli_table_print(&t, &err) ? cli_fail(c, &err) : 0;
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

	if (json_array_size(json_object_get(doc, "silence_breaks")) > 1)
		printf("  silence     broken by an objection or a proposed "
		       "amendment\n");
	json_array_foreach(json_object_get(doc, "breaks"), i, x) {
		printf("  broken      %s by", cli_str(x, "at"));
		json_array_foreach(json_object_get(x, "members"), k, m)
			printf("%s %s", k ? "," : "", json_string_value(m));
		printf("%s%s\n",
		       json_array_size(json_object_get(x, "members")) > 1
			       ? " (joint letter)" : "",
		       !strcmp(cli_str(x, "kind"), "amend") ? " (an amendment)" : "");
	}
	json_array_foreach(json_object_get(doc, "positions"), i, x) {
		if (json_is_true(json_object_get(x, "signed")))
			printf("  signed      %s %s, with key %s\n", cli_str(x, "member"),
			       cli_str(x, "position"), cli_str(x, "key"));
		if (json_is_true(json_object_get(x, "public")))
			printf("  public      %s's footnote, published with the "
			       "decision if adopted\n", cli_str(x, "member"));
	}
	json_object_foreach((json_t *)wts, attr, x)
		printf("  weighed by  %s, the figures in force on %.10s\n", attr,
		       cli_str(doc, "opened"));
	if (json_object_get(doc, "supersedes"))
		printf("  supersedes  proposal %lld\n",
		       (long long)json_integer_value(json_object_get(doc, "supersedes")));
	if (json_object_get(doc, "superseded_by"))
		printf("  taken up by proposal %lld\n",
		       (long long)json_integer_value(
			       json_object_get(doc, "superseded_by")));
}

int cmd_show(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const struct cn_world *w = cn_app_world(app);
	struct cn_err err = {0};
	int64_t id = a->id;
	int rc;

	const struct cn_proposal *p = cn_world_proposal(w, id);
	if (!p) {
		fprintf(stderr, "council: no proposal %lld\n", (long long)id);
		return EXIT_REFUSED;
	}
	json_t *doc = cn_proposal_json(w, p);
	if (c->json) {
		json_t *hist = json_array(), *earlier = json_array();
		rc = cn_store_proposal_events(cn_app_store(app), id, collect_event,
					      hist, &err);
		json_object_set_new(doc, "history", hist);
		/* The matter's history runs through the proposals it
		 * superseded. */
		for (const struct cn_proposal *q = p; rc == 0 && q->supersedes;) {
			json_t *h = json_array();
			q = cn_world_proposal(w, q->supersedes);
			rc = cn_store_proposal_events(cn_app_store(app), q->id,
						      collect_event, h, &err);
			json_array_append_new(earlier, json_pack("{s:I, s:o}",
					      "proposal", (json_int_t)q->id,
					      "history", h));
		}
		if (json_array_size(earlier))
			json_object_set_new(doc, "earlier", earlier);
		else
			json_decref(earlier);
		cli_print_json(doc);
	} else {
		cli_print_proposal(doc);
		print_record(doc);
		json_decref(doc);
		printf("  history\n");
		rc = cn_store_proposal_events(cn_app_store(app), id, print_event,
					      NULL, &err);
		for (const struct cn_proposal *q = p; rc == 0 && q->supersedes;) {
			q = cn_world_proposal(w, q->supersedes);
			printf("  earlier, as proposal %lld\n", (long long)q->id);
			rc = cn_store_proposal_events(cn_app_store(app), q->id,
						      print_event, NULL, &err);
		}
	}
	return rc ? cli_fail(c, &err) : 0;
}
