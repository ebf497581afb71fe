/*
 * cmd_analyze.c - `council analyze rule` (who can block and who holds
 * power under a body's rule on a date, and a what-if beside it) and
 * `council analyze proposal ID` (who can still turn it).  The documents
 * are analysis_view.c's; this file prints them for people.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"
#include "../core/analysis_view.h"
#include "../core/proposal_view.h"

enum { AN_BODY, AN_AT, AN_RULE, AN_WITH, AN_WITHOUT, AN_JSON };
const struct cli_opt cli_opts_analyze[] = {
	[AN_BODY] = {.name = "body", .arg = "B", .flags = CLI_OPT_REQUIRED,
		     .only = "rule", .help = "the body (its id)"},
	[AN_AT] = {.name = "at", .arg = "DATE", .flags = CLI_OPT_AT,
		   .only = "rule",
		   .help = "its members, rule and figures on DATE (default "
			   "today)"},
	[AN_RULE] = {.name = "rule", .arg = "R", .only = "rule",
		     .help = "what-if: one of the body's named rules, or a "
			     "rule's text"},
	[AN_WITH] = {.name = "with", .arg = "CODE[=FIGURE],...", .only = "rule",
		     .help = "what-if: members added (FIGURE: what weight()\n"
			     "counts for it; default the registry's)"},
	[AN_WITHOUT] = {.name = "without", .arg = "CODE,...", .only = "rule",
			.help = "what-if: members left out"},
	[AN_JSON] = OPT_JSON,
	OPT_END};

/* "UA,MD" into list[]; returns how many, or -1 when there are too many. */
static int split(char *s, const char **list, size_t max)
{
	size_t n = 0;

	for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		if (n == max)
			return -1;
		list[n++] = tok;
	}
	return (int)n;
}

static double value(const json_t *r)
{
	return json_real_value(json_object_get(r, "value"));
}

static const char *num(char *buf, size_t len, const json_t *r)
{
	if (!r || json_is_null(r))
		return "-";
	snprintf(buf, len, "%.4f", value(r));
	return buf;
}

static const char *count(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "-";
}

static void codes(const char *label, const json_t *a)
{
	size_t i;
	const json_t *v;

	printf("  %-20s ", label);
	if (!json_array_size(a))
		printf("none");
	json_array_foreach(a, i, v)
		printf("%s%s", i ? ", " : "", json_string_value(v));
	printf("\n");
}

/* The summary of one analysis (rule, counts, veto, blocking). */
static void summary(const char *title, const json_t *an)
{
	const json_t *p = json_object_get(an, "power");
	const json_t *b = json_object_get(p, "smallest_blocking");
	const json_t *rn = json_object_get(an, "rule_name");

	printf("%s: %s%s%s%s\n", title, cli_str(an, "rule"),
	       json_is_string(rn) ? " (" : "",
	       json_is_string(rn) ? json_string_value(rn) : "",
	       json_is_string(rn) ? ")" : "");
	printf("  %-20s %zu\n", "members",
	       json_array_size(json_object_get(an, "electorate")));
	printf("  %-20s %s of %s\n", "winning coalitions", count(p, "winning"),
	       count(p, "coalitions"));
	printf("  %-20s %s\n", "minimal winning", count(p, "minimal_winning"));
	printf("  %-20s %s\n", "minimal blocking", count(p, "minimal_blocking"));
	codes("veto players", json_object_get(p, "veto_players"));
	codes("dummies", json_object_get(p, "dummies"));
	if (json_is_object(b) && json_is_integer(json_object_get(b, "size"))) {
		long long size = json_integer_value(json_object_get(b, "size"));
		printf("  %-20s %lld member%s, %s such coalition%s, e.g. ",
		       "smallest blocking", size, size == 1 ? "" : "s",
		       count(b, "count"), strcmp(count(b, "count"), "1") ? "s" : "");
		size_t i;
		const json_t *v;
		json_array_foreach(json_object_get(b, "example"), i, v)
			printf("%s%s", i ? " " : "", json_string_value(v));
		printf("\n");
	} else if (json_is_object(b)) {
		printf("  %-20s nobody can block\n", "smallest blocking");
	}
	if (*cli_str(p, "note"))
		printf("  %-20s %s\n", "note", cli_str(p, "note"));
	printf("  %-20s %s (size %lld)\n", "computed by", cli_str(p, "method"),
	       (long long)json_integer_value(json_object_get(p,
							     "diagram_size")));
}

/* The index row of `code` in an analysis, or NULL. */
static const json_t *row_of(const json_t *an, const char *code)
{
	size_t i;
	const json_t *v;

	json_array_foreach(json_object_get(json_object_get(an, "power"),
					   "indices"), i, v)
		if (!strcmp(cli_str(v, "member"), code))
			return v;
	return NULL;
}

static int print_today(const json_t *an, struct cn_err *err)
{
	struct cli_table t;
	size_t i;
	const json_t *v;

	cli_table_init(&t, "lrrrrrrr", (const char *[]){"member", "veto",
		       "Shapley-Shubik", "Banzhaf", "swings", "Penrose",
		       "prevent", "initiate", NULL});
	json_array_foreach(json_object_get(json_object_get(an, "power"),
					   "indices"), i, v) {
		char a[32], b[32], c[32], d[32], e[32];
		cli_table_row(&t, (const char *[]){
			cli_str(v, "member"),
			json_is_true(json_object_get(v, "veto")) ? "veto" : "",
			num(a, sizeof(a), json_object_get(v, "shapley_shubik")),
			num(b, sizeof(b), json_object_get(v, "banzhaf")),
			count(v, "swings"),
			num(c, sizeof(c), json_object_get(v, "penrose")),
			num(d, sizeof(d), json_object_get(v, "coleman_prevent")),
			num(e, sizeof(e), json_object_get(v, "coleman_initiate"))});
	}
	return cli_table_print(&t, err);
}

/* Today's and the what-if's indices side by side, over both electorates. */
static int print_side_by_side(const json_t *today, const json_t *wi,
			      struct cn_err *err)
{
	struct cli_table t;
	const json_t *lists[2] = {json_object_get(today, "electorate"),
				  json_object_get(wi, "electorate")};

	cli_table_init(&t, "lllrrrr", (const char *[]){"member", "veto",
		       "veto if", "Shapley-Shubik", "if", "Banzhaf", "if",
		       NULL});
	for (int k = 0; k < 2; k++) {
		size_t i;
		const json_t *c;
		json_array_foreach(lists[k], i, c) {
			const char *code = json_string_value(c);
			const json_t *a = row_of(today, code), *b = row_of(wi, code);
			char s1[32], s2[32], s3[32], s4[32];
			if (k == 1 && a)
				continue;   /* listed with today's */
			cli_table_row(&t, (const char *[]){code,
				a ? (json_is_true(json_object_get(a, "veto"))
					     ? "veto" : "") : "(absent)",
				b ? (json_is_true(json_object_get(b, "veto"))
					     ? "veto" : "") : "(absent)",
				num(s1, sizeof(s1), a ? json_object_get(a, "shapley_shubik") : NULL),
				num(s2, sizeof(s2), b ? json_object_get(b, "shapley_shubik") : NULL),
				num(s3, sizeof(s3), a ? json_object_get(a, "banzhaf") : NULL),
				num(s4, sizeof(s4), b ? json_object_get(b, "banzhaf") : NULL)});
		}
	}
	return cli_table_print(&t, err);
}

static int analyze_rule(struct cli *c, const struct cli_args *a,
			struct cn_app *app)
{
	struct cn_analysis_ask ask = {.body = a->val[AN_BODY], .at = c->now,
				      .rule = a->val[AN_RULE]};
	char *with = a->val[AN_WITH] ? strdup(a->val[AN_WITH]) : NULL;
	char *without = a->val[AN_WITHOUT] ? strdup(a->val[AN_WITHOUT]) : NULL;
	struct cn_err err = {0};
	json_t *doc = NULL;
	int n, rc = 0;

	if ((a->val[AN_WITH] && !with) || (a->val[AN_WITHOUT] && !without)) {
		cn_err_set(&err, CN_ENOMEM, "out of memory");
		rc = cli_fail(c, &err);
		goto done;
	}
	if (with) {
		if ((n = split(with, ask.with, CN_AN_MAX_CHANGES)) < 0) {
			rc = cli_usage(c, "--with: at most %d members",
				       CN_AN_MAX_CHANGES);
			goto done;
		}
		ask.nwith = (size_t)n;
	}
	if (without) {
		if ((n = split(without, ask.without, CN_AN_MAX_CHANGES)) < 0) {
			rc = cli_usage(c, "--without: at most %d members",
				       CN_AN_MAX_CHANGES);
			goto done;
		}
		ask.nwithout = (size_t)n;
	}
	if (cn_analysis_body_json(cn_app_world(app), &ask, &doc, &err)) {
		rc = cli_fail(c, &err);
		goto done;
	}
	if (c->json) {
		cli_print_json(doc);
		doc = NULL;
		goto done;
	}
	const json_t *today = json_object_get(doc, "today");
	const json_t *wi = json_object_get(doc, "what_if");
	printf("%s (%s) on %s\n", cli_str(doc, "name"), cli_str(doc, "body"),
	       cli_str(doc, "at"));
	summary("today", today);
	if (wi) {
		printf("\n");
		summary("what if", wi);
		codes("added", json_object_get(wi, "with"));
		codes("left out", json_object_get(wi, "without"));
		printf("\n");
		rc = print_side_by_side(today, wi, &err);
	} else {
		printf("\n");
		rc = print_today(today, &err);
	}
	if (rc)
		rc = cli_fail(c, &err);
done:
	json_decref(doc);
	free(with);
	free(without);
	return rc;
}

static void verdict_line(const char *label, const json_t *v)
{
	printf("  %-30s %s\n", label, cli_str(v, "explanation"));
}

static void changes(const char *label, const json_t *list)
{
	size_t i;
	const json_t *v;

	printf("  %s:", label);
	if (!json_array_size(list))
		printf(" none");
	json_array_foreach(list, i, v)
		printf("%s %s %s->%s (%s)", i ? "," : "", cli_str(v, "member"),
		       cli_str(v, "from"), cli_str(v, "to"), cli_str(v, "verdict"));
	printf("\n");
}

static int analyze_proposal(struct cli *c, const struct cli_args *a,
			    struct cn_app *app)
{
	const struct cn_world *w = cn_app_world(app);
	const struct cn_proposal *p = cn_world_proposal(w, a->id);
	struct cn_err err = {0};
	json_t *doc;
	int rc;

	if (!p) {
		fprintf(stderr, "council: no proposal %lld\n", (long long)a->id);
		return EXIT_REFUSED;
	}
	json_t *view = cn_proposal_json(w, p);
	if (!view) {
		cn_err_set(&err, CN_ENOMEM, "out of memory");
		return cli_fail(c, &err);
	}
	rc = cn_analysis_proposal_json(view, 0, &doc, &err);
	json_decref(view);
	if (rc)
		return cli_fail(c, &err);
	if (c->json) {
		cli_print_json(doc);
		return 0;
	}
	const json_t *f = json_object_get(doc, "smallest_flip");
	printf("proposal %lld (%s, %s): %s\n", (long long)p->id, p->body,
	       cli_str(doc, "procedure"), cli_str(doc, "rule"));
	if (json_is_string(json_object_get(doc, "outcome")))
		printf("  concluded: %s\n", cli_str(doc, "outcome"));
	verdict_line("now", json_object_get(doc, "now"));
	verdict_line(json_is_true(json_object_get(doc, "silence_is_consent"))
			     ? "if the silent stay silent (consent)"
			     : "if the silent stay silent",
		     json_object_get(doc, "at_conclusion"));
	verdict_line("if the silent concur", json_object_get(doc,
							     "if_silent_concur"));
	verdict_line("if the silent object", json_object_get(doc,
							     "if_silent_object"));
	codes("silent", json_object_get(doc, "silent"));
	codes("can still block alone", json_object_get(doc, "can_block"));
	changes("pivotal (one change flips it)", json_object_get(doc, "pivotal"));
	if (json_is_object(f)) {
		printf("  smallest flip: %lld change%s to %s (%s such sets%s), e.g.",
		       (long long)json_integer_value(json_object_get(f, "size")),
		       json_integer_value(json_object_get(f, "size")) == 1 ? ""
									    : "s",
		       cli_str(f, "to"), count(f, "count"),
		       json_is_true(json_object_get(f, "proved_smallest"))
			       ? "" : "; another position may do with fewer");
		size_t i;
		const json_t *v;
		json_array_foreach(json_object_get(f, "example"), i, v)
			printf(" %s", cli_str(v, "member"));
		printf(" -> %s\n", cli_str(f, "verdict"));
	} else {
		printf("  smallest flip: none (no change of positions turns "
		       "the outcome)\n");
	}
	json_decref(doc);
	return 0;
}

int cmd_analyze(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	if (!strcmp(a->form->sub, "rule"))
		return analyze_rule(c, a, app);
	return analyze_proposal(c, a, app);
}
