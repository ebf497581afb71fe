/*
 * scenario.c - replaying a historical case from a scenario file.
 *
 * A scenario is data: a JSON object with a title, sources and a list of
 * steps, each a command at a time ("at") or an expectation about the
 * result.  The whole replay is one transaction: if any step fails or an
 * expectation is not met, nothing is kept.  The format is described in
 * docs/ARCHITECTURE.md ("Scenarios").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/timeutil.h"
#include "app.h"

#define MAX_NAMES 32

struct names {
	char name[MAX_NAMES][32];
	int64_t id[MAX_NAMES];
	int n;
	json_t *snapshots; /* name -> ids of the offices open then */
};

/* Ids of the offices open on `at` (new reference). */
static json_t *open_offices(const struct cn_world *w, int64_t at)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < w->noffices; i++)
		if (cn_office_open(&w->offices[i], at))
			json_array_append_new(a, json_string(w->offices[i].id));
	return a;
}

static const char *sget(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* step[key]: 3 or "$tokyo". */
static int named_ref(const json_t *step, const char *key,
		     const struct names *nm, int64_t *out, struct cn_err *err)
{
	const json_t *v = json_object_get(step, key);
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_string(v) && json_string_value(v)[0] == '$') {
		for (int i = 0; i < nm->n; i++)
			if (!strcmp(nm->name[i], json_string_value(v) + 1)) {
				*out = nm->id[i];
				return 0;
			}
		return cn_err_set(err, CN_EINVAL, "no earlier step named '%s'",
				  json_string_value(v) + 1);
	}
	return cn_err_set(err, CN_EINVAL,
			  "'%s' must be an id or a $name of an earlier step", key);
}

/* "proposal": 3 or "$tokyo". */
static int proposal_ref(const json_t *step, const struct names *nm,
			int64_t *out, struct cn_err *err)
{
	return named_ref(step, "proposal", nm, out, err);
}

static int step_respond(struct cn_app *app, int64_t at, const json_t *step,
			const struct names *nm, struct cn_err *err)
{
	struct cn_respond_args r = {0};
	const char *pos = sget(step, "position");
	char actor[32];
	int rc;

	if ((rc = proposal_ref(step, nm, &r.proposal, err)))
		return rc;
	r.member = sget(step, "member");
	r.text = sget(step, "text");
	r.declared = json_is_true(json_object_get(step, "declared"));
	/* A joint letter breaking silence; a footnote made public. */
	r.joint = json_object_get(step, "joint");
	r.public_note = json_is_true(json_object_get(step, "public"));
	if (!pos)
		return cn_err_set(err, CN_EINVAL, "respond needs 'position'");
	if (!strcmp(pos, "lift"))
		r.act = CN_ACT_LIFT;
	else if (!strcmp(pos, "comment"))
		r.act = CN_ACT_COMMENT;
	else if (!strcmp(pos, "amend"))
		r.act = CN_ACT_AMEND;
	else if (cn_pos_parse(pos, &r.pos) || r.pos == CN_POS_NONE)
		return cn_err_set(err, CN_EINVAL, "unknown position '%s'", pos);
	snprintf(actor, sizeof(actor), "delegation:%s", r.member ? r.member : "?");
	return cn_app_run(app, at, actor, cn_app_cmd_respond, &r, NULL, err);
}

static int step_expect(struct cn_app *app, int64_t at, const json_t *step,
		       struct names *nm, struct cn_err *err)
{
	const struct cn_world *w = cn_app_world(app);
	const json_t *v;
	int rc;

	if (json_object_get(step, "proposal")) {
		int64_t id;
		const struct cn_proposal *p;
		json_t *doc;
		if ((rc = proposal_ref(step, nm, &id, err)))
			return rc;
		if (!(p = cn_world_proposal(w, id)))
			return cn_err_set(err, CN_ENOTFOUND, "no proposal %lld",
					  (long long)id);
		doc = cn_proposal_json(w, p);
		if (!doc)
			return cn_err_set(err, CN_ENOMEM, "out of memory");
		rc = 0;
		if ((v = json_object_get(step, "outcome")) &&
		    !json_equal(v, json_object_get(doc, "outcome")))
			rc = cn_err_set(err, CN_EREFUSED,
					"expected outcome %s, found %s",
					json_string_value(v),
					sget(doc, "outcome") ? sget(doc, "outcome")
							     : "none (still open)");
		if (!rc && (v = json_object_get(step, "blocked_by")) &&
		    !json_equal(v, json_object_get(doc, "blocked_by")))
			rc = cn_err_set(err, CN_EREFUSED,
					"blocked_by differs from the expectation");
		if (!rc && (v = json_object_get(step, "electorate_size")) &&
		    json_integer_value(v) != (json_int_t)p->nballots)
			rc = cn_err_set(err, CN_EREFUSED,
					"expected an electorate of %lld, found %zu",
					(long long)json_integer_value(v), p->nballots);
		if (!rc && (v = json_object_get(step, "explanation")) &&
		    !json_equal(v, json_object_get(doc, "explanation")))
			rc = cn_err_set(err, CN_EREFUSED,
					"expected explanation '%s', found '%s'",
					json_string_value(v), sget(doc, "explanation"));
		if (!rc && (v = json_object_get(step, "effects_out_of_area"))) {
			const json_t *e;
			size_t i;
			json_array_foreach(json_object_get(doc, "effects"), i, e)
				if (!json_equal(v, json_object_get(e, "out_of_area")))
					rc = cn_err_set(err, CN_EREFUSED,
							"effect %zu: out_of_area "
							"differs from the "
							"expectation", i + 1);
		}
		json_decref(doc);
		if (rc)
			return rc;
	}
	if ((v = json_object_get(step, "office_absent"))) {
		if (cn_world_office(w, json_string_value(v)))
			return cn_err_set(err, CN_EREFUSED,
					  "office '%s' is in the registry",
					  json_string_value(v));
	}
	if ((v = json_object_get(step, "remember_offices")))
		json_object_set_new(nm->snapshots, json_string_value(v),
				    open_offices(w, at));
	if ((v = json_object_get(step, "offices_as"))) {
		json_t *now = open_offices(w, at);
		const json_t *then =
			json_object_get(nm->snapshots, json_string_value(v));
		rc = then && json_equal(now, then) ? 0
			: cn_err_set(err, CN_EREFUSED,
				     "the offices open differ from those "
				     "remembered as '%s' (%zu then, %zu now)",
				     json_string_value(v), json_array_size(then),
				     json_array_size(now));
		json_decref(now);
		if (rc)
			return rc;
	}
	if ((v = json_object_get(step, "offices_open"))) {
		size_t n = 0;
		for (size_t i = 0; i < w->noffices; i++)
			n += cn_office_open(&w->offices[i], at) != 0;
		if ((json_int_t)n != json_integer_value(v))
			return cn_err_set(err, CN_EREFUSED,
					  "expected %lld open offices, found %zu",
					  (long long)json_integer_value(v), n);
	}
	return 0;
}

static int run_step(struct cn_app *app, const json_t *step, struct names *nm,
		    int64_t *last_at, json_t *entry, struct cn_err *err)
{
	const char *op = sget(step, "do");
	const char *at_s = sget(step, "at");
	int64_t at = *last_at;
	int rc;

	if (!op)
		return cn_err_set(err, CN_EINVAL, "missing 'do'");
	if (at_s && (rc = cn_time_parse(at_s, "at", &at, err)))
		return rc;
	if (!at_s && *last_at == INT64_MIN)
		return cn_err_set(err, CN_EINVAL, "the first step needs 'at'");
	*last_at = at;

	if (!strcmp(op, "propose")) {
		struct cn_propose_args a = {
			.body = sget(step, "body"),
			.title = sget(step, "title"),
			.text = sget(step, "text"),
			.procedure = sget(step, "procedure"),
			.deadline = sget(step, "deadline"),
			.level = sget(step, "level"),
			.place = sget(step, "place"),
			.proposer = sget(step, "proposer"),
			.shared = json_is_true(json_object_get(step, "shared")),
			.effects = json_object_get(step, "effects"),
			.breaks = json_object_get(step, "breaks"),
		};
		const struct cn_world *w = cn_app_world(app);
		int64_t id = (int64_t)w->nproposals + 1;
		/* A matter taken up again: "supersedes": 3 or "$name". */
		if (json_object_get(step, "supersedes") &&
		    (rc = named_ref(step, "supersedes", nm, &a.supersedes, err)))
			return rc;
		if ((rc = cn_app_run(app, at, "secretariat", cn_app_cmd_propose,
				     &a, NULL, err)))
			return rc;
		json_object_set_new(entry, "proposal", json_integer(id));
		if (sget(step, "as")) {
			if (nm->n == MAX_NAMES)
				return cn_err_set(err, CN_EINVAL, "too many names");
			snprintf(nm->name[nm->n], sizeof(nm->name[0]), "%s",
				 sget(step, "as"));
			nm->id[nm->n++] = id;
		}
		return 0;
	}
	if (!strcmp(op, "respond"))
		return step_respond(app, at, step, nm, err);
	if (!strcmp(op, "expect"))
		return step_expect(app, at, step, nm, err);
	if (!strcmp(op, "tick"))
		return cn_app_run(app, at, "clock", cn_app_cmd_tick, NULL, NULL, err);
	struct cn_app_secretariat_args s = {
		.text = sget(step, "text"),
		.deadline = sget(step, "deadline"),
		.reason = sget(step, "reason"),
	};
	cn_command_fn fn = !strcmp(op, "extend")        ? cn_app_cmd_extend
			   : !strcmp(op, "recirculate") ? cn_app_cmd_recirculate
			   : !strcmp(op, "conclude")    ? cn_app_cmd_conclude
			   : !strcmp(op, "withdraw")    ? cn_app_cmd_withdraw
							: NULL;
	if (!fn)
		return cn_err_set(err, CN_EINVAL,
				  "unknown action '%s' (expected propose, "
				  "respond, extend, recirculate, conclude, "
				  "withdraw, tick or expect)", op);
	if ((rc = proposal_ref(step, nm, &s.proposal, err)))
		return rc;
	return cn_app_run(app, at, "secretariat", fn, &s, NULL, err);
}

int cn_app_replay(struct cn_app *app, const char *path, json_t **report,
		  struct cn_err *err)
{
	json_error_t je;
	json_t *root, *steps, *rep;
	const json_t *step;
	struct names nm = {0};
	int64_t last_at = INT64_MIN;
	size_t i;
	int rc = 0;

	*report = NULL;
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return cn_err_set(err, CN_EINVAL, "%s: line %d, column %d: %s",
				  path, je.line, je.column, je.text);
	steps = json_object_get(root, "steps");
	if (!json_is_array(steps) || json_array_size(steps) == 0) {
		json_decref(root);
		return cn_err_set(err, CN_EINVAL, "%s: needs a non-empty 'steps' list",
				  path);
	}
	rep = json_pack("{s:O, s:O, s:[]}", "scenario",
			json_object_get(root, "scenario") ? json_object_get(root, "scenario") : json_null(),
			"title",
			json_object_get(root, "title") ? json_object_get(root, "title") : json_null(),
			"steps");
	if (!rep || (rc = cn_app_batch_begin(app, err))) {
		json_decref(rep);
		json_decref(root);
		return rc ? rc : cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	nm.snapshots = json_object();
	json_array_foreach(steps, i, step) {
		json_t *entry = json_pack("{s:I, s:O}", "step", (json_int_t)(i + 1),
					  "do", json_object_get(step, "do") ? json_object_get(step, "do") : json_null());
		const json_t *expect_refused = json_object_get(step, "refused");
		struct cn_err e = {0};

		if (json_object_get(step, "note"))
			json_object_set(entry, "note", json_object_get(step, "note"));
		if (!json_is_object(step))
			rc = cn_err_set(&e, CN_EINVAL, "not an object");
		else
			rc = run_step(app, step, &nm, &last_at, entry, &e);
		if (sget(step, "at"))
			json_object_set(entry, "at", json_object_get(step, "at"));
		if (expect_refused) {
			/* The step must be refused, with a message that says
			 * so (the expected text is a substring). */
			const char *want = json_string_value(expect_refused);
			if (rc == 0)
				rc = cn_err_set(&e, CN_EREFUSED,
						"expected a refusal, but it was accepted");
			else if (rc == CN_EREFUSED || rc == CN_ENOTFOUND ||
				 rc == CN_ECONCLUDED || rc == CN_EINVAL) {
				if (want && !strstr(e.msg, want))
					rc = cn_err_set(&e, CN_EREFUSED,
							"refused, but the reason "
							"'%s' does not mention '%s'",
							e.msg, want);
				else {
					json_object_set_new(entry, "refused",
							    json_string(e.msg));
					rc = 0;
				}
			}
		}
		json_object_set_new(entry, "result",
				    json_string(rc ? "error" : "ok"));
		json_array_append_new(json_object_get(rep, "steps"), entry);
		if (rc) {
			cn_err_set(err, rc, "%s: step %zu (%s): %s", path, i + 1,
				   sget(step, "do") ? sget(step, "do") : "?", e.msg);
			break;
		}
	}
	if (rc) {
		struct cn_err ignore;
		if (cn_app_batch_end(app, 0, &ignore))
			(void)0; /* a rollback has nothing to report */
	} else
		rc = cn_app_batch_end(app, 1, err);
	json_decref(root);
	json_decref(nm.snapshots);
	*report = rep;
	return rc;
}
