/*
 * gen_store.c - make a council store of a given size through the app's own
 * write path, for the scale benchmark (bench/scale.sh).
 *
 *   gen_store DB PROPOSALS POSITIONS [GROUP] [OPEN] [meeting]
 *
 * Seeds DB with data/nato.json, then writes PROPOSALS proposals alternately
 * before the North Atlantic Council and the Nuclear Planning Group (so that
 * the public, partners and France have hidden items to skip), each with
 * POSITIONS positions of distinct delegations (concur, some objections and
 * footnotes), concluded by the chair.  The last OPEN proposals (default 0)
 * stay open: silence procedures whose deadlines lie after the generated
 * history, so the deadline clock has work to find; with `meeting`, they
 * are meetings instead, which no clock concludes (OPEN = PROPOSALS: a
 * store where nothing but the registry is public).
 *
 * Commands are committed GROUP at a time (default 16), each commit signing
 * a checkpoint: the shape of a log the server writes under load (group
 * commit), not one giant transaction.  Time advances one second a command
 * from 2024-04-01 (all 32 allies are members by then).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/timeutil.h"

static const char *codes[32] = {
	"BE", "CA", "DK", "FR", "IS", "IT", "LU", "NL", "NO", "PT", "GB",
	"US", "GR", "TR", "DE", "ES", "CZ", "HU", "PL", "BG", "EE", "LV",
	"LT", "RO", "SK", "SI", "AL", "HR", "ME", "MK", "FI", "SE"};

struct gen {
	struct cn_app *app;
	long group, pending;
	int64_t now;
};

static void die(const char *what, const struct cn_err *e)
{
	fprintf(stderr, "gen_store: %s: %s\n", what, e->msg);
	exit(1);
}

/* One command; a commit every `group` commands. */
static void run(struct gen *g, const char *actor, cn_command_fn fn,
		const void *args)
{
	struct cn_err err = {0};

	if (g->pending == 0 && cn_app_batch_begin(g->app, &err))
		die("begin", &err);
	if (cn_app_run(g->app, g->now++, actor, fn, args, NULL, &err))
		die(actor, &err);
	if (++g->pending == g->group) {
		if (cn_app_batch_end(g->app, 1, &err))
			die("commit", &err);
		g->pending = 0;
	}
}

int main(int argc, char **argv)
{
	struct gen g = {.group = 16};
	struct cn_err err = {0};
	long nprop, npos, open = 0;
	int meetings = 0;
	char t[CN_TIME_BUF], title[64], deadline[CN_TIME_BUF];

	if (argc < 4 || argc > 7 || (argc == 7 && strcmp(argv[6], "meeting"))) {
		fprintf(stderr, "usage: gen_store DB PROPOSALS POSITIONS [GROUP] [OPEN] "
				"[meeting]\n");
		return 2;
	}
	nprop = atol(argv[2]);
	npos = atol(argv[3]);
	if (argc > 4)
		g.group = atol(argv[4]);
	if (argc > 5)
		open = atol(argv[5]);
	meetings = argc > 6;
	if (nprop < 1 || npos < 0 || npos > 31 || g.group < 1 || open < 0 ||
	    open > nprop) {
		fprintf(stderr, "gen_store: PROPOSALS >= 1, 0 <= POSITIONS <= 31, "
				"GROUP >= 1, 0 <= OPEN <= PROPOSALS\n");
		return 2;
	}
	if (cn_time_parse("2024-04-01T00:00:00Z", "start", &g.now, &err))
		die("start", &err);
	if (cn_app_open(argv[1], CN_STORE_CREATE, &g.app, &err))
		die(argv[1], &err);
	if (cn_app_seed(g.app, CN_DATADIR "/nato.json", g.now, &err))
		die("seed", &err);
	/* Open procedures' deadlines: after the whole generated history. */
	cn_time_format(g.now + nprop * (npos + 2) + 30L * 86400, deadline);

	for (long i = 0; i < nprop; i++) {
		int npg = i % 2;
		int is_open = i >= nprop - open;
		struct cn_propose_args pa = {
			.body = npg ? "NPG" : "NAC",
			.title = title,
			.text = "Generated for the scale benchmark.",
			.procedure = is_open && !meetings ? "silence" : "meeting",
			.deadline = is_open && !meetings ? deadline : NULL,
		};
		snprintf(title, sizeof(title), "Item %ld", i + 1);
		run(&g, "secretariat", cn_app_cmd_propose, &pa);
		int64_t id = (int64_t)cn_app_world(g.app)->nproposals;
		for (long k = 0, m = 0; k < npos; m++) {
			const char *code = codes[(i + m) % 32];
			/* France is not in the NPG; silence takes no concurrence */
			if (npg && !strcmp(code, "FR"))
				continue;
			struct cn_respond_args ra = {
				.proposal = id,
				.member = code,
				.act = is_open ? CN_ACT_COMMENT : CN_ACT_POSITION,
				.pos = k % 7 == 3 ? CN_POS_FOOTNOTE : CN_POS_CONCUR,
				.text = is_open ? "noted" : k % 7 == 3 ? "national position" : NULL,
			};
			char actor[32];
			snprintf(actor, sizeof(actor), "delegation:%s", code);
			run(&g, actor, cn_app_cmd_respond, &ra);
			k++;
		}
		if (!is_open) {
			struct cn_app_secretariat_args sa = {.proposal = id};
			run(&g, "secretariat", cn_app_cmd_conclude, &sa);
		}
	}
	if (g.pending && cn_app_batch_end(g.app, 1, &err))
		die("commit", &err);
	printf("%s: %ld proposals, %lld events, last event at %s\n", argv[1], nprop,
	       (long long)cn_app_world(g.app)->last_seq, cn_time_format(g.now, t));
	cn_app_close(g.app);
	return 0;
}
