/*
 * scenario.c - replaying a historical case from a scenario file.
 *
 * A scenario is data: a JSON object with a title, sources and a list of
 * steps, each a command at a time ("at") or an expectation about the
 * result.  The whole replay is one transaction: if any step fails or an
 * expectation is not met, nothing is kept.  The format is described in
 * docs/ARCHITECTURE.md ("Scenarios").
 *
 * The file is read strictly, because a scenario is a test of the engine:
 * a key it does not know, a key that belongs to another kind of step, or
 * a value of the wrong type would otherwise be ignored, and an `expect`
 * with a misspelt key would check nothing and pass.  Each step kind lists
 * its keys (and their JSON types) in one table, `ops`, which is also the
 * dispatch.  Such a mistake is an error in the scenario, never an
 * "expected refusal" of a step that says `refused`.  A scenario names the
 * alliance it is written for in `dataset` (the dataset's name, which is
 * its alliance's id: "nato" for NATO); it is refused on a store that
 * holds another alliance.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/buf.h"
#include "../core/timeutil.h"
#include "app.h"
#include "json_file.h"

#define MAX_NAMES 32
#define MAX_KEYS 16

/* The JSON types a key may hold: a mask. */
enum {
	J_STR = 1,
	J_INT = 2,
	J_BOOL = 4,
	J_ARRAY = 8,
	J_NULL = 16,
	J_OBJECT = 32,
	J_REF = J_STR | J_INT, /* a proposal: its id or "$name" */
};

struct key {
	const char *name;
	unsigned types;
	const char *needs; /* another key that must be present with it */
};

struct names {
	char name[MAX_NAMES][32];
	int64_t id[MAX_NAMES];
	int n;
	json_t *snapshots; /* name -> ids of the offices open then */
};

/* One replay in progress. */
struct replay {
	struct cn_app *app;
	struct names nm;
	int64_t at;        /* the current step's time */
	json_t *entry;     /* the current step's report entry */
};

struct step_op {
	const char *name;
	int (*run)(const struct step_op *op, struct replay *r,
		   const json_t *step, struct cn_err *err);
	cn_command_fn cmd; /* the command a secretariat step runs */
	const struct key keys[MAX_KEYS + 1]; /* besides step_keys; NULL-ended */
};

/* Keys every step may carry. */
static const struct key step_keys[] = {
	{"do", J_STR, NULL}, {"at", J_STR, NULL}, {"note", J_STR, NULL},
	{"refused", J_STR, NULL}, {NULL, 0, NULL},
};

static const struct key file_keys[] = {
	{"scenario", J_STR, NULL}, {"title", J_STR, NULL},
	{"summary", J_STR, NULL}, {"sources", J_ARRAY, NULL},
	{"modelling_notes", J_ARRAY | J_STR, NULL}, {"dataset", J_STR, NULL},
	{"steps", J_ARRAY, NULL}, {NULL, 0, NULL},
};

static const char *sget(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static const struct key *key_find(const struct key *keys, const char *name)
{
	for (; keys && keys->name; keys++)
		if (!strcmp(keys->name, name))
			return keys;
	return NULL;
}

/* "proposal, outcome, ..." into buf. */
static void key_list(const struct key *keys, char *buf, size_t n)
{
	size_t k = 0;

	buf[0] = '\0';
	for (; keys && keys->name && k < n; keys++)
		k += (size_t)snprintf(buf + k, n - k, "%s%s", k ? ", " : "",
				      keys->name);
}

static int type_ok(const json_t *v, unsigned types)
{
	return ((types & J_STR) && json_is_string(v)) ||
	       ((types & J_INT) && json_is_integer(v)) ||
	       ((types & J_BOOL) && json_is_boolean(v)) ||
	       ((types & J_ARRAY) && json_is_array(v)) ||
	       ((types & J_NULL) && json_is_null(v)) ||
	       ((types & J_OBJECT) && json_is_object(v));
}

static int type_error(const char *name, unsigned types, struct cn_err *err)
{
	static const struct {
		unsigned bit;
		const char *what;
	} names[] = {
		{J_STR, "a string"}, {J_INT, "an integer"},
		{J_BOOL, "a boolean"}, {J_ARRAY, "a list"}, {J_NULL, "null"},
		{J_OBJECT, "an object"},
	};
	char buf[96];
	size_t k = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) &&
			   k < sizeof(buf); i++)
		if (types & names[i].bit)
			k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s",
					      k ? " or " : "", names[i].what);
	return cn_err_set(err, CN_EINVAL, "'%s' must be %s", name, buf);
}

/* Every key of obj is in `keys` or `extra` (may be NULL), with a value of
 * its type and the key it needs; `what` names the object's kind in the
 * message, which lists the keys it takes. */
static int check_keys(const json_t *obj, const char *what,
		      const struct key *keys, const struct key *extra,
		      struct cn_err *err)
{
	const char *name;
	const json_t *v;

	json_object_foreach((json_t *)obj, name, v) {
		const struct key *k = key_find(keys, name);
		if (!k)
			k = key_find(extra, name);
		if (!k) {
			char a[256], b[96];
			key_list(keys, a, sizeof(a));
			key_list(extra, b, sizeof(b));
			return cn_err_set(err, CN_EINVAL,
					  "unknown key '%s' (%s takes %s%s%s)",
					  name, what, a, *a && *b ? "; " : "", b);
		}
		if (!type_ok(v, k->types))
			return type_error(name, k->types, err);
		if (k->needs && !json_object_get(obj, k->needs))
			return cn_err_set(err, CN_EINVAL, "'%s' needs '%s'", name,
					  k->needs);
	}
	return 0;
}

/* Ids of the offices open on `at` (new reference). */
static json_t *open_offices(const struct cn_world *w, int64_t at)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < w->noffices; i++)
		/* an office left out for lack of memory would read as one
		 * closed: the whole list or none */
		if (cn_office_open(&w->offices[i], at) &&
		    json_array_append_new(a, json_string(w->offices[i].id))) {
			json_decref(a);
			a = NULL;
		}
	return a;
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

static int step_propose(const struct step_op *op, struct replay *r,
			const json_t *step, struct cn_err *err)
{
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
		.rule = sget(step, "rule"),
		.concerned = sget(step, "concerned"),
	};
	const char *as = sget(step, "as");
	struct names *nm = &r->nm;
	int64_t id = (int64_t)cn_app_world(r->app)->nproposals + 1;
	int rc;

	(void)op;
	if (as) {
		if (strlen(as) >= sizeof(nm->name[0]))
			return cn_err_set(err, CN_EINVAL,
					  "'as': name '%s' is longer than %zu "
					  "characters", as, sizeof(nm->name[0]) - 1);
		for (int i = 0; i < nm->n; i++)
			if (!strcmp(nm->name[i], as))
				return cn_err_set(err, CN_EINVAL,
						  "'as': the name '%s' is "
						  "already taken", as);
		if (nm->n == MAX_NAMES)
			return cn_err_set(err, CN_EINVAL,
					  "'as': more than %d names", MAX_NAMES);
	}
	/* A matter taken up again: "supersedes": 3 or "$name". */
	if (json_object_get(step, "supersedes") &&
	    (rc = named_ref(step, "supersedes", nm, &a.supersedes, err)))
		return rc;
	if ((rc = cn_app_run(r->app, r->at, "secretariat", cn_app_cmd_propose,
			     &a, NULL, err)))
		return rc;
	if (json_object_set_new(r->entry, "proposal", json_integer(id)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if (as) {
		snprintf(nm->name[nm->n], sizeof(nm->name[0]), "%s", as);
		nm->id[nm->n++] = id;
	}
	return 0;
}

/* A step naming "members" (a list of codes) instead of "member": the same
 * statement by each in turn, at the step's time. */
static int each_member(const struct step_op *op, struct replay *r,
		       const json_t *step, struct cn_err *err)
{
	const json_t *ms = json_object_get(step, "members"), *m;
	size_t i;
	int rc = 0;

	if (json_object_get(step, "member"))
		return cn_err_set(err, CN_EINVAL,
				  "'member' and 'members' exclude each other");
	json_array_foreach(ms, i, m) {
		json_t *one = json_deep_copy(step);
		if (!one || json_object_del(one, "members") ||
		    json_object_set(one, "member", (json_t *)m))
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
		else
			rc = op->run(op, r, one, err);
		json_decref(one);
		if (rc)
			return cn_err_prefix(err, "%s: ", json_is_string(m)
						     ? json_string_value(m) : "?");
	}
	return 0;
}

/* Run fn as the delegation of member ("?" when the step names none,
 * which the engine refuses as unknown). */
static int as_delegation(struct replay *r, const char *member,
			 cn_command_fn fn, const void *args, struct cn_err *err)
{
	char actor[32];

	cn_actor_delegation(actor, sizeof(actor), member ? member : "?");
	return cn_app_run(r->app, r->at, actor, fn, args, NULL, err);
}

static int step_respond(const struct step_op *op, struct replay *r,
			const json_t *step, struct cn_err *err)
{
	struct cn_respond_args a = {0};
	const char *pos = sget(step, "position");
	int rc;

	if (json_object_get(step, "members"))
		return each_member(op, r, step, err);
	if ((rc = proposal_ref(step, &r->nm, &a.proposal, err)))
		return rc;
	a.member = sget(step, "member");
	a.text = sget(step, "text");
	a.declared = json_is_true(json_object_get(step, "declared"));
	/* A joint letter breaking silence; a footnote made public. */
	a.joint = json_object_get(step, "joint");
	a.public_note = json_is_true(json_object_get(step, "public"));
	if (!pos)
		return cn_err_set(err, CN_EINVAL, "respond needs 'position'");
	if (!strcmp(pos, "lift"))
		a.act = CN_ACT_LIFT;
	else if (!strcmp(pos, "comment"))
		a.act = CN_ACT_COMMENT;
	else if (!strcmp(pos, "amend"))
		a.act = CN_ACT_AMEND;
	else if (cn_pos_parse(pos, &a.pos) || a.pos == CN_POS_NONE)
		return cn_err_set(err, CN_EINVAL, "unknown position '%s'", pos);
	return as_delegation(r, a.member, cn_app_cmd_respond, &a, err);
}

static int vote_fn(const struct cn_world *w, int64_t now, const void *a,
		   struct cn_outbox *box, struct cn_err *err)
{
	return cn_cmd_vote(w, now, a, box, err);
}

/* A vote (core/vote.h): "member" and "vote" (or "refuse"), or "members"
 * all voting the same way. */
static int step_vote(const struct step_op *op, struct replay *r,
		     const json_t *step, struct cn_err *err)
{
	struct cn_vote_args a = {
		.member = sget(step, "member"), .vote = sget(step, "vote"),
		.text = sget(step, "text"), .refuse = sget(step, "refuse"),
		.declared = json_is_true(json_object_get(step, "declared"))};
	int rc;

	if (json_object_get(step, "members"))
		return each_member(op, r, step, err);
	if ((rc = proposal_ref(step, &r->nm, &a.proposal, err)))
		return rc;
	return as_delegation(r, a.member, vote_fn, &a, err);
}

/* extend, recirculate, conclude, withdraw: op->cmd on one proposal. */
static int step_secretariat(const struct step_op *op, struct replay *r,
			    const json_t *step, struct cn_err *err)
{
	struct cn_app_secretariat_args a = {
		.text = sget(step, "text"),
		.deadline = sget(step, "deadline"),
		.reason = sget(step, "reason"),
	};
	int rc;

	if ((rc = proposal_ref(step, &r->nm, &a.proposal, err)))
		return rc;
	return cn_app_run(r->app, r->at, "secretariat", op->cmd, &a, NULL, err);
}

static int step_tick(const struct step_op *op, struct replay *r,
		     const json_t *step, struct cn_err *err)
{
	(void)op;
	(void)step;
	return cn_app_run(r->app, r->at, "clock", cn_app_cmd_tick, NULL, NULL,
			  err);
}

/* The expectations about one proposal, against its JSON view. */
static int expect_proposal(struct replay *r, const json_t *step,
			   struct cn_err *err)
{
	const struct cn_world *w = cn_app_world(r->app);
	const struct cn_proposal *p;
	const json_t *v;
	json_t *doc;
	int64_t id;
	int rc;

	if ((rc = proposal_ref(step, &r->nm, &id, err)))
		return rc;
	if (!(p = cn_world_proposal(w, id)))
		return cn_err_set(err, CN_ENOTFOUND, "no proposal %lld",
				  (long long)id);
	if (!(doc = cn_proposal_json(w, p)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if ((v = json_object_get(step, "outcome")) &&
	    !json_equal(v, json_object_get(doc, "outcome")))
		rc = cn_err_set(err, CN_EREFUSED,
				"expected outcome %s, found %s",
				json_is_null(v) ? "none (still open)"
						: json_string_value(v),
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
	if (!rc && (v = json_object_get(step, "tally")) &&
	    !json_equal(v, json_object_get(doc, "tally")))
		rc = cn_err_set(err, CN_EREFUSED,
				"the tally differs from the expectation");
	if (!rc && (v = json_object_get(step, "explanation")) &&
	    !json_equal(v, json_object_get(doc, "explanation")))
		rc = cn_err_set(err, CN_EREFUSED,
				"expected explanation '%s', found '%s'",
				json_string_value(v), sget(doc, "explanation"));
	if (!rc && (v = json_object_get(step, "effects_out_of_area"))) {
		const json_t *e;
		size_t i;
		json_array_foreach(json_object_get(doc, "effects"), i, e)
			if (!rc && !json_equal(v, json_object_get(e, "out_of_area")))
				rc = cn_err_set(err, CN_EREFUSED,
						"effect %zu: out_of_area differs "
						"from the expectation", i + 1);
	}
	json_decref(doc);
	return rc;
}

static int step_expect(const struct step_op *op, struct replay *r,
		       const json_t *step, struct cn_err *err)
{
	const struct cn_world *w = cn_app_world(r->app);
	const json_t *v;
	int rc;

	(void)op;
	if (json_object_get(step, "proposal") &&
	    (rc = expect_proposal(r, step, err)))
		return rc;
	if ((v = json_object_get(step, "office_absent")) &&
	    cn_world_office(w, json_string_value(v)))
		return cn_err_set(err, CN_EREFUSED,
				  "office '%s' is in the registry",
				  json_string_value(v));
	if ((v = json_object_get(step, "remember_offices")) &&
	    json_object_set_new(r->nm.snapshots, json_string_value(v),
				open_offices(w, r->at)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if ((v = json_object_get(step, "offices_as"))) {
		json_t *now = open_offices(w, r->at);
		const json_t *then =
			json_object_get(r->nm.snapshots, json_string_value(v));
		if (!now)
			return cn_err_set(err, CN_ENOMEM, "out of memory");
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
			n += cn_office_open(&w->offices[i], r->at) != 0;
		if ((json_int_t)n != json_integer_value(v))
			return cn_err_set(err, CN_EREFUSED,
					  "expected %lld open offices, found %zu",
					  (long long)json_integer_value(v), n);
	}
	return 0;
}

/* Every kind of step, with the keys it takes besides step_keys. */
static const struct step_op ops[] = {
	{"propose", step_propose, NULL,
	 {{"as", J_STR, NULL}, {"body", J_STR, NULL}, {"title", J_STR, NULL},
	  {"text", J_STR, NULL}, {"procedure", J_STR, NULL},
	  {"deadline", J_STR, NULL}, {"level", J_STR, NULL},
	  {"place", J_STR, NULL}, {"proposer", J_STR, NULL},
	  {"shared", J_BOOL, NULL}, {"effects", J_ARRAY, NULL},
	  {"supersedes", J_REF, NULL}, {"breaks", J_ARRAY, NULL},
	  {"rule", J_STR, NULL}, {"concerned", J_STR, NULL}}},
	{"respond", step_respond, NULL,
	 {{"proposal", J_REF, NULL}, {"member", J_STR, NULL},
	  {"members", J_ARRAY, NULL},
	  {"position", J_STR, NULL}, {"text", J_STR, NULL},
	  {"declared", J_BOOL, NULL}, {"joint", J_ARRAY, NULL},
	  {"public", J_BOOL, NULL}}},
	{"vote", step_vote, NULL,
	 {{"proposal", J_REF, NULL}, {"member", J_STR, NULL},
	  {"members", J_ARRAY, NULL}, {"vote", J_STR, NULL},
	  {"refuse", J_STR, NULL}, {"text", J_STR, NULL},
	  {"declared", J_BOOL, NULL}}},
	{"extend", step_secretariat, cn_app_cmd_extend,
	 {{"proposal", J_REF, NULL}, {"deadline", J_STR, NULL}}},
	{"recirculate", step_secretariat, cn_app_cmd_recirculate,
	 {{"proposal", J_REF, NULL}, {"text", J_STR, NULL},
	  {"deadline", J_STR, NULL}}},
	{"conclude", step_secretariat, cn_app_cmd_conclude,
	 {{"proposal", J_REF, NULL}}},
	{"withdraw", step_secretariat, cn_app_cmd_withdraw,
	 {{"proposal", J_REF, NULL}, {"reason", J_STR, NULL}}},
	{"tick", step_tick, NULL, {{NULL, 0, NULL}}},
	{"expect", step_expect, NULL,
	 {{"proposal", J_REF, NULL},
	  {"outcome", J_STR | J_NULL, "proposal"},
	  {"blocked_by", J_ARRAY, "proposal"},
	  {"explanation", J_STR, "proposal"},
	  {"electorate_size", J_INT, "proposal"},
	  {"tally", J_OBJECT, "proposal"},
	  {"effects_out_of_area", J_BOOL, "proposal"},
	  {"office_absent", J_STR, NULL}, {"remember_offices", J_STR, NULL},
	  {"offices_as", J_STR, NULL}, {"offices_open", J_INT, NULL}}},
};

#define NOPS (sizeof(ops) / sizeof(ops[0]))

/* The step is well formed: an object with a known `do`, only the keys
 * that `do` takes, each of its type, and a valid `at` (or an earlier
 * step's).  Sets *op and r->at. */
static int check_step(const json_t *step, struct replay *r,
		      const struct step_op **op, struct cn_err *err)
{
	const char *name = sget(step, "do"), *at = sget(step, "at");
	int rc;

	if (!json_is_object(step))
		return cn_err_set(err, CN_EINVAL, "not an object");
	if (!name)
		return cn_err_set(err, CN_EINVAL, "missing 'do'");
	*op = NULL;
	for (size_t i = 0; i < NOPS; i++)
		if (!strcmp(ops[i].name, name))
			*op = &ops[i];
	if (!*op) {
		char known[128];
		cn_names_or(known, sizeof(known), ops, NOPS, sizeof(ops[0]),
			    offsetof(struct step_op, name));
		return cn_err_set(err, CN_EINVAL,
				  "unknown action '%s' (expected %s)", name, known);
	}
	if ((rc = check_keys(step, name, (*op)->keys, step_keys, err)))
		return rc;
	if (at)
		return cn_time_parse(at, "at", &r->at, err);
	if (r->at == INT64_MIN)
		return cn_err_set(err, CN_EINVAL, "the first step needs 'at'");
	return 0;
}

/* The file is well formed, and written for the alliance the store holds
 * (its `dataset`, when given, names that alliance, case aside: dataset
 * "nato" is data/nato.json, whose alliance is NATO). */
static int check_file(const json_t *root, const struct cn_world *w,
		      struct cn_err *err)
{
	const char *dataset = sget(root, "dataset"), *id;
	int rc;

	if (!json_is_object(root))
		return cn_err_set(err, CN_EINVAL, "not a JSON object");
	if ((rc = check_keys(root, "a scenario", file_keys, NULL, err)))
		return rc;
	if (json_array_size(json_object_get(root, "steps")) == 0)
		return cn_err_set(err, CN_EINVAL, "needs a non-empty 'steps' list");
	if (!dataset)
		return 0;
	id = sget(w->alliance, "id");
	if (!id)
		return cn_err_set(err, CN_EREFUSED,
				  "written for dataset '%s', but the store "
				  "holds no alliance: seed it with that "
				  "dataset first", dataset);
	if (strcasecmp(dataset, id))
		return cn_err_set(err, CN_EREFUSED,
				  "written for dataset '%s', but the store "
				  "holds alliance '%s': replay it on a store "
				  "seeded with that dataset", dataset, id);
	return 0;
}

/* Run one well-formed step; a step that says `refused` must be refused
 * by the engine with a message containing that text. */
static int run_step(const struct step_op *op, struct replay *r,
		    const json_t *step, struct cn_err *err)
{
	const char *want = sget(step, "refused");
	int rc = op->run(op, r, step, err);

	if (!json_object_get(step, "refused"))
		return rc;
	if (rc == 0)
		return cn_err_set(err, CN_EREFUSED,
				  "expected a refusal, but it was accepted");
	if (rc != CN_EREFUSED && rc != CN_ENOTFOUND && rc != CN_ECONCLUDED &&
	    rc != CN_EINVAL)
		return rc;
	if (!strstr(err->msg, want)) {
		char why[CN_ERR_MSG_MAX]; /* err->msg is rewritten below */
		snprintf(why, sizeof(why), "%s", err->msg);
		return cn_err_set(err, CN_EREFUSED,
				  "refused, but the reason '%s' does not "
				  "mention '%s'", why, want);
	}
	if (json_object_set_new(r->entry, "refused", json_string(err->msg)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

int cn_app_replay(struct cn_app *app, const char *path, json_t **report,
		  struct cn_err *err)
{
	json_t *root, *rep;
	const json_t *step;
	struct replay r = {.app = app, .at = INT64_MIN};
	size_t i;
	int rc = 0;

	*report = NULL;
	if (!(root = cn_json_file_load(path, "scenario", err)))
		return err->code;
	if ((rc = check_file(root, cn_app_world(app), err))) {
		json_decref(root);
		return cn_err_prefix(err, "%s: ", path);
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
	if (!(r.nm.snapshots = json_object()))
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	json_array_foreach(json_object_get(root, "steps"), i, step) {
		const struct step_op *op = NULL;
		struct cn_err e = {0};
		int full;

		if (rc)
			break;
		/* The report entry: {step, do, note?, at?, result,
		 * proposal? (propose), refused? (an expected refusal)}. */
		r.entry = json_pack("{s:I, s:O, s:O*}", "step", (json_int_t)(i + 1),
				    "do", json_object_get(step, "do") ? json_object_get(step, "do") : json_null(),
				    "note", json_object_get(step, "note"));
		rc = r.entry ? check_step(step, &r, &op, &e)
			     : cn_err_set(&e, CN_ENOMEM, "out of memory");
		if (!rc)
			rc = run_step(op, &r, step, &e);
		/* each call runs: the last one takes the entry, even failing */
		full = !sget(step, "at") ||
		       !json_object_set(r.entry, "at", json_object_get(step, "at"));
		full &= !json_object_set_new(r.entry, "result",
					     json_string(rc ? "error" : "ok"));
		full &= !json_array_append_new(json_object_get(rep, "steps"),
					       r.entry);
		if (!full && !rc)
			rc = cn_err_set(&e, CN_ENOMEM, "out of memory");
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
	json_decref(r.nm.snapshots);
	*report = rep;
	return rc;
}
