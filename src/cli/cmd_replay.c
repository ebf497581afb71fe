/*
 * cmd_replay.c - `council replay FILE`: run a scenario (app/scenario.h).
 * Without --db it runs on a fresh in-memory store seeded with the dataset
 * and keeps nothing; with --db it is recorded in that store, all steps or
 * none.  main.c opens no store for it: it chooses its own.
 */
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "util.h"

enum { REPLAY_DATASET, REPLAY_JSON };
const struct cli_opt cli_opts_replay[] = {
	[REPLAY_DATASET] = OPT_VAL("dataset", "FILE",
		"dataset the in-memory store is seeded with"),
	[REPLAY_JSON] = OPT_JSON,
	OPT_END};

int cmd_replay(struct cli *c, const struct cli_args *a, struct cn_app *unused)
{
	const char *dataset = a->val[REPLAY_DATASET], *file = a->pos[0];
	struct cn_app *app;
	struct cn_err err = {0};
	json_t *report = NULL;
	int rc;
	(void)unused;

	if (cn_app_open(c->db_given ? c->db : NULL,
			c->db_given ? 0 : CN_STORE_MEMORY, &app, &err))
		return cli_fail(c, &err);
	if (!c->db_given && cn_app_seed(app, cli_dataset(dataset),
					c->now, &err)) {
		cn_app_close(app);
		return cli_fail(c, &err);
	}
	/* The real time: a step dated after it is refused (core/timeline.h). */
	cn_app_set_clock(app, (int64_t)time(NULL));
	rc = cn_app_replay(app, file, &report, &err);
	if (c->json && report) {
		json_t *props = json_array();
		const struct cn_world *w = cn_app_world(app);
		for (size_t i = 0; rc == 0 && i < w->nproposals; i++)
			json_array_append_new(props, cn_proposal_json(
							  w, cn_world_proposal(w, (int64_t)i + 1)));
		json_object_set_new(report, "proposals", props);
		json_object_set_new(report, "ok", json_boolean(rc == 0));
		cli_print_json(report);
	} else if (report) {
		const json_t *st;
		size_t i;
		printf("%s\n", json_string_value(json_object_get(report, "title"))
				       ? json_string_value(json_object_get(report, "title"))
				       : file);
		json_array_foreach(json_object_get(report, "steps"), i, st) {
			const char *at = json_string_value(json_object_get(st, "at"));
			printf("  %2zu %-10s %-11s %s", i + 1, at ? at : "",
			       json_string_value(json_object_get(st, "do")),
			       json_string_value(json_object_get(st, "result")));
			if (json_object_get(st, "refused"))
				printf(" (refused as expected: %s)",
				       json_string_value(json_object_get(st, "refused")));
			printf("\n");
			if (json_object_get(st, "note"))
				printf("                         %s\n",
				       json_string_value(json_object_get(st, "note")));
		}
		json_decref(report);
		if (rc == 0) {
			const struct cn_world *w = cn_app_world(app);
			for (size_t k = 0; k < w->nproposals; k++) {
				json_t *doc = cn_proposal_json(
					w, cn_world_proposal(w, (int64_t)k + 1));
				printf("\n");
				cli_print_proposal(doc);
				json_decref(doc);
			}
		}
	}
	cn_app_close(app);
	return rc ? cli_fail(c, &err) : 0;
}
