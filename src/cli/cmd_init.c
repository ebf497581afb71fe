/*
 * cmd_init.c - `council init`: a new store, seeded with a dataset, whole or
 * not at all.  A SQLite store is built aside and renamed into place; a
 * PostgreSQL one is created in its database, which must hold no events.
 * init refuses a store that exists and never overwrites one.  main.c
 * opens no store for it: init creates its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aside.h"
#include "cli.h"

/* Give the app the real time: a seed event dated after it is refused
 * (core/timeline.h). */
static struct cn_app *with_clock(struct cn_app *app)
{
	cn_app_set_clock(app, (int64_t)time(NULL));
	return app;
}

enum { INIT_DATASET, INIT_AT };
const struct cli_opt cli_opts_init[] = {
	[INIT_DATASET] = OPT_VAL("dataset", "FILE", "dataset to load"),
	[INIT_AT] = OPT_AT("at", "TIME", "time recorded for the seed events (default now)"),
	OPT_END};

/* ---- init: a whole store or none ---------------------------------------------
 * A SQLite store is built aside and renamed into place (aside.h). */

/* What init prints of the store it seeded. */
static void init_summary(struct cn_app *app, char *summary, size_t n)
{
	const struct cn_world *w = cn_app_world(app);
	snprintf(summary, n, "%s, %zu members, %zu bodies, %zu partners, "
		 "%zu offices (%lld events)",
		 json_string_value(json_object_get(w->alliance, "name")),
		 w->nmembers, w->nbodies, w->npartners, w->noffices,
		 (long long)w->last_seq);
}

/* Build, seed and close the store at a->tmp; *summary gets what to print. */
static int init_build(struct cli *c, const char *dataset, const struct aside *a,
		      char *summary, size_t n, struct cn_err *err)
{
	struct cn_app *app;
	int rc;

	if ((rc = cn_app_open(a->tmp, CN_STORE_CREATE, &app, err)))
		return rc;
	if ((rc = cn_app_seed(with_clock(app), dataset, c->now, err)) == 0)
		init_summary(app, summary, n);
	cn_app_close(app);
	return rc ? rc : aside_sealed(a, err);
}

/* ---- init of a PostgreSQL store ---------------------------------------------------
 * A database has no directory to build a store aside in: the schema is
 * created in one transaction, the log key made (cn_store_key_path says
 * where), and the seed committed in another.  A database that already
 * holds events is never written to.  A kill in between leaves the schema
 * without events, which the next init seeds.  A key file found for a
 * store that has no log key yet belongs to another log (or to an init
 * killed before it recorded the key): init refuses rather than sign a new
 * log with it. */
static int init_database(struct cli *c, const char *dataset)
{
	struct cn_store *st = NULL;
	struct cn_app *app = NULL;
	struct cn_err err = {0};
	char key[600], summary[512] = "", *vkey = NULL;
	int rc, empty = 0, keyed;

	if (cn_store_open(c->db, CN_STORE_CREATE, &st, &err))
		return cli_fail(c, &err);
	/* Not found: no key yet.  Any other failure must stop init: read
	 * as "no key", a key file there would be called another log's, or
	 * a log with a key be keyed again. */
	rc = cn_store_get_meta(st, "log_vkey", &vkey, &err);
	free(vkey);
	keyed = rc == 0;
	if (rc == CN_ENOTFOUND)
		rc = 0;
	if (rc == 0 && (rc = cn_store_empty(st, &empty, &err)) == 0)
		rc = cn_store_key_path(st, c->db, key, sizeof(key), &err);
	cn_store_close(st);
	if (rc)
		return cli_fail(c, &err);
	if (!empty) {
		fprintf(stderr, "council: %s already holds a council store; init "
			"creates a new store and never overwrites one\n", c->db);
		return EXIT_REFUSED;
	}
	if (!keyed && access(key, F_OK) == 0) {
		fprintf(stderr, "council: %s: a key file is there already, and the "
			"new store has no key yet: it belongs to another log; "
			"move it away or set COUNCIL_KEY to another file\n", key);
		return EXIT_REFUSED;
	}
	if (cn_app_open(c->db, CN_STORE_CREATE, &app, &err))
		return cli_fail(c, &err);
	if ((rc = cn_app_seed(with_clock(app), dataset, c->now, &err)) == 0)
		init_summary(app, summary, sizeof(summary));
	cn_app_close(app);
	if (rc)
		return cli_fail(c, &err);
	printf("created %s: %s; log key in %s\n", c->db, summary, key);
	return 0;
}

int cmd_init(struct cli *c, const struct cli_args *a, struct cn_app *unused)
{
	const char *dataset = a->val[INIT_DATASET];
	struct aside as;
	struct cn_err err = {0};
	char summary[512] = "";
	(void)unused;

	dataset = cli_dataset(dataset);
	if (cn_store_is_database(c->db))
		return init_database(c, dataset);
	if (aside_start(&as, c->db, "init", &err))
		return cli_fail(c, &err);
	if (init_build(c, dataset, &as, summary, sizeof(summary), &err) ||
	    aside_finish(&as, c->db, &err)) {
		aside_abandon(&as);
		return cli_fail(c, &err);
	}
	aside_end(&as);
	printf("created %s: %s; log key in %s\n", c->db, summary, as.key);
	return 0;
}
