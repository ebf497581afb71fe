/*
 * app.c - the service layer; see app.h.
 */
#include "app.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/timeutil.h"

struct cn_app {
	struct cn_store *st;
	struct cn_world w;
	int batch; /* inside cn_app_batch_begin/end */
};

int cn_app_open(const char *path, int flags, struct cn_app **out,
		struct cn_err *err)
{
	struct cn_app *app = calloc(1, sizeof(*app));
	int rc;

	if (!app)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if ((rc = cn_store_open(path, flags, &app->st, err))) {
		free(app);
		return rc;
	}
	if ((rc = cn_store_load(app->st, &app->w, err))) {
		cn_err_prefix(err, "%s: ", path ? path : ":memory:");
		cn_store_close(app->st);
		free(app);
		return rc;
	}
	*out = app;
	return 0;
}

void cn_app_close(struct cn_app *app)
{
	if (!app)
		return;
	if (app->batch)
		cn_store_rollback(app->st);
	cn_world_release(&app->w);
	cn_store_close(app->st);
	free(app);
}

const struct cn_world *cn_app_world(const struct cn_app *app)
{
	return &app->w;
}

struct cn_store *cn_app_store(struct cn_app *app)
{
	return app->st;
}

/* After a failure the in-memory world may hold events that were rolled
 * back; rebuild it from what is durably stored. */
static void reload(struct cn_app *app)
{
	struct cn_err e;
	cn_world_release(&app->w);
	if (cn_store_load(app->st, &app->w, &e))
		cn_world_init(&app->w);
}

/* Append, fold and project each event of the outbox. */
static int emit_box(struct cn_app *app, const char *actor,
		    struct cn_outbox *box, size_t *count, struct cn_err *err)
{
	for (size_t i = 0; i < box->n; i++) {
		struct cn_outbox_item *it = &box->items[i];
		struct cn_event ev;
		const char *kind;
		char key[64];
		int rc;

		if ((rc = cn_event_init(&ev, it->time, actor, it->type,
					it->payload, err)))
			return rc;
		rc = cn_event_seal(&ev, app->w.last_seq + 1, app->w.last_hash, err);
		if (!rc)
			rc = cn_store_append(app->st, &ev, err);
		if (!rc)
			rc = cn_world_apply(&app->w, &ev, err);
		/* A comment changes no state: nothing to project. */
		if (!rc && strcmp(ev.type, "comment.made") &&
		    cn_event_entity(&ev, &kind, key) == 0) {
			const char *member = NULL;
			if (!strcmp(ev.type, "position.stated") ||
			    !strcmp(ev.type, "silence.broken") ||
			    !strcmp(ev.type, "reservation.lifted"))
				member = json_string_value(
					json_object_get(ev.payload, "member"));
			rc = cn_store_project(app->st, &app->w, kind, key, member,
					      err);
			/* Readers cache the registry; tell them it moved. */
			if (!rc && strcmp(kind, "proposal")) {
				char seq[24];
				snprintf(seq, sizeof(seq), "%lld", (long long)ev.seq);
				rc = cn_store_set_meta(app->st, "registry_seq", seq, err);
			}
		}
		cn_event_release(&ev);
		if (rc)
			return rc;
		if (count)
			(*count)++;
	}
	return 0;
}

int cn_app_run(struct cn_app *app, int64_t now, const char *actor,
	       cn_command_fn fn, const void *args, size_t *nevents,
	       struct cn_err *err)
{
	struct cn_outbox box = {0};
	size_t count = 0;
	int rc;

	if (!app->batch && (rc = cn_store_begin(app->st, err)))
		return rc;
	/* Due deadlines first, recorded by the clock, not by the caller. */
	rc = cn_cmd_tick(&app->w, now, &box, err);
	if (!rc)
		rc = emit_box(app, "clock", &box, &count, err);
	cn_outbox_release(&box);
	if (!rc && fn != cn_app_cmd_tick) {
		rc = fn(&app->w, now, args, &box, err);
		if (!rc)
			rc = emit_box(app, actor, &box, &count, err);
		cn_outbox_release(&box);
		/* And after: lifting the reservation that held a silence
		 * procedure past its deadline lets it conclude now. */
		if (!rc)
			rc = cn_cmd_tick(&app->w, now, &box, err);
		if (!rc)
			rc = emit_box(app, "clock", &box, &count, err);
		cn_outbox_release(&box);
	}
	if (!app->batch) {
		if (!rc)
			rc = cn_store_commit(app->st, err);
		if (rc) {
			cn_store_rollback(app->st);
			reload(app);
		}
	}
	if (!rc && nevents)
		*nevents = count;
	return rc;
}

int cn_app_batch_begin(struct cn_app *app, struct cn_err *err)
{
	int rc;
	assert(!app->batch);
	if ((rc = cn_store_begin(app->st, err)))
		return rc;
	app->batch = 1;
	return 0;
}

int cn_app_batch_end(struct cn_app *app, int commit, struct cn_err *err)
{
	int rc = 0;
	assert(app->batch);
	app->batch = 0;
	if (commit && (rc = cn_store_commit(app->st, err)) == 0)
		return 0;
	cn_store_rollback(app->st);
	reload(app);
	return rc;
}

/* ---- command adapters ------------------------------------------------------ */

int cn_app_cmd_propose(const struct cn_world *w, int64_t now, const void *a,
		       struct cn_outbox *box, struct cn_err *err)
{
	int64_t id;
	return cn_cmd_propose(w, now, a, box, &id, err);
}

int cn_app_cmd_respond(const struct cn_world *w, int64_t now, const void *a,
		       struct cn_outbox *box, struct cn_err *err)
{
	return cn_cmd_respond(w, now, a, box, err);
}

int cn_app_cmd_extend(const struct cn_world *w, int64_t now, const void *a,
		      struct cn_outbox *box, struct cn_err *err)
{
	const struct cn_app_secretariat_args *s = a;
	return cn_cmd_extend(w, now, s->proposal, s->deadline, box, err);
}

int cn_app_cmd_recirculate(const struct cn_world *w, int64_t now,
			   const void *a, struct cn_outbox *box,
			   struct cn_err *err)
{
	const struct cn_app_secretariat_args *s = a;
	return cn_cmd_recirculate(w, now, s->proposal, s->text, s->deadline, box,
				  err);
}

int cn_app_cmd_conclude(const struct cn_world *w, int64_t now, const void *a,
			struct cn_outbox *box, struct cn_err *err)
{
	const struct cn_app_secretariat_args *s = a;
	return cn_cmd_conclude(w, now, s->proposal, box, err);
}

int cn_app_cmd_withdraw(const struct cn_world *w, int64_t now, const void *a,
			struct cn_outbox *box, struct cn_err *err)
{
	const struct cn_app_secretariat_args *s = a;
	return cn_cmd_withdraw(w, now, s->proposal, s->reason, box, err);
}

int cn_app_cmd_tick(const struct cn_world *w, int64_t now, const void *a,
		    struct cn_outbox *box, struct cn_err *err)
{
	(void)a;
	return cn_cmd_tick(w, now, box, err);
}

/* ---- verification ------------------------------------------------------------ */

int cn_app_verify(struct cn_app *app, int64_t *nevents, struct cn_err *err)
{
	struct cn_world w;
	int rc = cn_store_check_projections(app->st, &w, err);
	if (rc == 0) {
		*nevents = w.last_seq;
		cn_world_release(&w);
	}
	return rc;
}
