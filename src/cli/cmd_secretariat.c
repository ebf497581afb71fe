/*
 * cmd_secretariat.c - the commands that run a procedure rather than take
 * part in it: extend, recirculate, conclude and withdraw (the
 * secretariat's, on one proposal, each printing the verdict so far or the
 * outcome), and tick (the clock's: every silence procedure and written
 * vote whose deadline has passed concluded at its deadline).  main.c opens
 * the store read-write with the log's signer.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../core/timeutil.h"
#include "cli.h"
#include "util.h"

/* extend, recirculate, conclude, withdraw: the secretariat's commands on
 * one proposal, each with its own options. */
static int secretariat(struct cli *c, const struct cli_args *a,
		       struct cn_app *app, cn_command_fn fn,
		       struct cn_app_secretariat_args *s)
{
	struct cn_err err = {0};

	s->proposal = a->id;
	const struct cn_world *w = cn_app_world(app);
	size_t before = w->nproposals;
	if (cn_app_run(app, c->now, "secretariat", fn, s, NULL, &err))
		return cli_fail(c, &err);
	/* Recirculating a broken silence takes the matter up in a new
	 * proposal: show that one. */
	w = cn_app_world(app);
	cli_print_after(w, fn == cn_app_cmd_recirculate && w->nproposals > before
			    ? (int64_t)w->nproposals
			    : s->proposal, c->json);
	return 0;
}

enum { EXTEND_DEADLINE, EXTEND_AT, EXTEND_JSON };
const struct cli_opt cli_opts_extend[] = {
	[EXTEND_DEADLINE] = OPT_REQ("deadline", "TIME", "the new end of the silence period"),
	[EXTEND_AT] = OPT_RECORD_AT,
	[EXTEND_JSON] = OPT_JSON,
	OPT_END};

int cmd_extend(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_app_secretariat_args s = {.deadline = a->val[EXTEND_DEADLINE]};
	return secretariat(c, a, app, cn_app_cmd_extend, &s);
}

enum { RECIRC_TEXT, RECIRC_DEADLINE, RECIRC_AT, RECIRC_JSON };
const struct cli_opt cli_opts_recirculate[] = {
	[RECIRC_TEXT] = OPT_REQ("text", "TEXT", "the revised text"),
	[RECIRC_DEADLINE] = OPT_REQ("deadline", "TIME", "end of the new silence period"),
	[RECIRC_AT] = OPT_RECORD_AT,
	[RECIRC_JSON] = OPT_JSON,
	OPT_END};

int cmd_recirculate(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_app_secretariat_args s = {.text = a->val[RECIRC_TEXT],
					    .deadline = a->val[RECIRC_DEADLINE]};
	return secretariat(c, a, app, cn_app_cmd_recirculate, &s);
}

enum { CONCLUDE_AT, CONCLUDE_JSON };
const struct cli_opt cli_opts_conclude[] = {
	[CONCLUDE_AT] = OPT_RECORD_AT,
	[CONCLUDE_JSON] = OPT_JSON,
	OPT_END};

int cmd_conclude(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_app_secretariat_args s = {0};
	return secretariat(c, a, app, cn_app_cmd_conclude, &s);
}

enum { WITHDRAW_REASON, WITHDRAW_AT, WITHDRAW_JSON };
const struct cli_opt cli_opts_withdraw[] = {
	[WITHDRAW_REASON] = OPT_VAL("reason", "TEXT", "why, on record"),
	[WITHDRAW_AT] = OPT_RECORD_AT,
	[WITHDRAW_JSON] = OPT_JSON,
	OPT_END};

int cmd_withdraw(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_app_secretariat_args s = {.reason = a->val[WITHDRAW_REASON]};
	return secretariat(c, a, app, cn_app_cmd_withdraw, &s);
}

enum { TICK_NOW };
const struct cli_opt cli_opts_tick[] = {
	[TICK_NOW] = OPT_AT("now", "TIME", "the time to conclude up to (default the clock)"),
	OPT_END};

static int by_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int cmd_tick(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_err err = {0};
	size_t n = 0;
	int rc;
	(void)a;

	/* What is due is what the clock may conclude: the deadline index
	 * says which, without a look at every proposal. */
	const struct cn_world *w = cn_app_world(app);
	size_t ndue = cn_world_due(w, c->now);
	int64_t *due = malloc((ndue + 1) * sizeof(*due));
	if (!due)
		return cli_fail(c, &(struct cn_err){CN_ENOMEM, "out of memory"});
	for (size_t i = 0; i < ndue; i++)
		due[i] = w->deadlines[i].id;
	qsort(due, ndue, sizeof(*due), by_id); /* told in the order of ids */
	rc = cn_app_run(app, c->now, "clock", cn_app_cmd_tick, NULL, &n,
			&err);
	w = cn_app_world(app);
	for (size_t i = 0; rc == 0 && i < ndue; i++) {
		const struct cn_proposal *p = cn_world_proposal(w, due[i]);
		char t[CN_TIME_BUF];
		if (p && p->concluded)
			printf("proposal %lld concluded at %s: %s\n",
			       (long long)p->id, cn_time_format(p->concluded_at, t),
			       p->explanation);
	}
	free(due);
	if (rc)
		return cli_fail(c, &err);
	printf("tick: %zu event%s recorded\n", n, n == 1 ? "" : "s");
	return 0;
}
