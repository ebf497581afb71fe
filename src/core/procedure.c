/*
 * procedure.c - meeting, silence and ratification; see procedure.h.
 */
#include "procedure.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "timeutil.h"

void cn_outbox_release(struct cn_outbox *box)
{
	for (size_t i = 0; i < box->n; i++)
		json_decref(box->items[i].payload);
	free(box->items);
	box->items = NULL;
	box->n = 0;
}

/* Takes the payload reference. */
static int emit(struct cn_outbox *box, int64_t time, const char *type,
		json_t *payload, struct cn_err *err)
{
	struct cn_outbox_item *it;

	if (!payload)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	it = realloc(box->items, (box->n + 1) * sizeof(*it));
	if (!it) {
		json_decref(payload);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	box->items = it;
	it = &box->items[box->n++];
	it->time = time;
	snprintf(it->type, sizeof(it->type), "%s", type);
	it->payload = payload;
	return 0;
}

static const char *const levels[] = {
	"permanent-representatives", "foreign-ministers", "defence-ministers",
	"heads-of-state-and-government",
};

int cn_level_valid(const char *level)
{
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (!strcmp(level, levels[i]))
			return 1;
	return 0;
}

/* ---- effects ------------------------------------------------------------ */

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int effect_dry_run(const json_t *e, size_t idx, int64_t at,
			  struct cn_err *err);

static int effect_check_fields(const struct cn_world *w, int64_t at,
			       size_t idx, const json_t *e, struct cn_err *err);

static int effect_check(const struct cn_world *w, int64_t at, size_t idx,
			const json_t *e, struct cn_err *err)
{
	int rc = effect_check_fields(w, at, idx, e, err);
	return rc ? rc : effect_dry_run(e, idx, at, err);
}

static int effect_check_fields(const struct cn_world *w, int64_t at,
			       size_t idx, const json_t *e, struct cn_err *err)
{
	const char *type = jstr(e, "type");
	int64_t v;

	if (!json_is_object(e) || !type)
		return cn_err_set(err, CN_EINVAL,
				  "effect %zu: needs a type (open-office, "
				  "close-office, admit-member, add-partner)", idx + 1);
	if (!strcmp(type, "open-office")) {
		const char *id = jstr(e, "id"), *c = jstr(e, "country");
		if (!id || !jstr(e, "name") || !jstr(e, "city") || !c)
			return cn_err_set(err, CN_EINVAL,
					  "effect %zu (open-office): needs id, "
					  "name, city and country", idx + 1);
		if (cn_world_office(w, id))
			return cn_err_set(err, CN_EREFUSED,
					  "effect %zu (open-office): office id "
					  "'%s' is already in the registry",
					  idx + 1, id);
		if (strlen(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' ||
		    c[1] > 'Z')
			return cn_err_set(err, CN_EINVAL,
					  "effect %zu (open-office): country "
					  "'%s' is not an ISO 3166 alpha-2 code",
					  idx + 1, c);
		if (json_object_get(e, "opened") &&
		    (!jstr(e, "opened") ||
		     cn_date_parse_partial(jstr(e, "opened"), "opened", &v, NULL, err)))
			return jstr(e, "opened")
				? cn_err_prefix(err, "effect %zu (open-office): ", idx + 1)
				: cn_err_set(err, CN_EINVAL, "effect %zu (open-office): "
					     "opened must be a date", idx + 1);
		if ((jstr(e, "lat") != NULL) != (jstr(e, "lon") != NULL))
			return cn_err_set(err, CN_EINVAL,
					  "effect %zu (open-office): give both "
					  "lat and lon, or neither", idx + 1);
		if (jstr(e, "lat") &&
		    (cn_coord_parse(jstr(e, "lat"), 90, &v, err) ||
		     cn_coord_parse(jstr(e, "lon"), 180, &v, err)))
			return cn_err_prefix(err, "effect %zu (open-office): ",
					     idx + 1);
		return 0;
	}
	if (!strcmp(type, "close-office")) {
		const struct cn_office *o =
			jstr(e, "id") ? cn_world_office(w, jstr(e, "id")) : NULL;
		if (!o)
			return cn_err_set(err, CN_ENOTFOUND,
					  "effect %zu (close-office): no office "
					  "'%s'", idx + 1,
					  jstr(e, "id") ? jstr(e, "id") : "");
		if (!cn_office_open(o, at))
			return cn_err_set(err, CN_EREFUSED,
					  "effect %zu (close-office): office "
					  "'%s' is not open", idx + 1, o->id);
		return 0;
	}
	if (!strcmp(type, "admit-member")) {
		const char *code = jstr(e, "code"), *eff = jstr(e, "effective");
		if (!code || !jstr(e, "name") || !eff)
			return cn_err_set(err, CN_EINVAL,
					  "effect %zu (admit-member): needs "
					  "code, name and effective (date)", idx + 1);
		if (strlen(code) != 2)
			return cn_err_set(err, CN_EINVAL,
					  "effect %zu (admit-member): '%s' is "
					  "not an ISO 3166 alpha-2 code", idx + 1,
					  code);
		if (cn_world_member(w, code))
			return cn_err_set(err, CN_EREFUSED,
					  "effect %zu (admit-member): %s is "
					  "already a member", idx + 1, code);
		if (cn_date_parse_partial(eff, "effective", &v, NULL, err))
			return cn_err_prefix(err, "effect %zu (admit-member): ",
					     idx + 1);
		return 0;
	}
	if (!strcmp(type, "add-partner")) {
		const char *code = jstr(e, "code");
		if (!code || !jstr(e, "name") || !jstr(e, "framework"))
			return cn_err_set(err, CN_EINVAL,
					  "effect %zu (add-partner): needs code, "
					  "name and framework", idx + 1);
		if (cn_world_partner(w, code))
			return cn_err_set(err, CN_EREFUSED,
					  "effect %zu (add-partner): %s is "
					  "already a partner", idx + 1, code);
		if (cn_world_member(w, code))
			return cn_err_set(err, CN_EREFUSED,
					  "effect %zu (add-partner): %s is a "
					  "member", idx + 1, code);
		return 0;
	}
	return cn_err_set(err, CN_EINVAL,
			  "effect %zu: unknown type '%s' (expected open-office, "
			  "close-office, admit-member or add-partner)", idx + 1,
			  type);
}

/* The registry event one effect becomes when proposal pid of body is
 * adopted on `at`: *type and a new payload.  The one place an effect's
 * record is built, so the dry run at proposing and the real event agree. */
static int effect_event(int64_t pid, const char *body, const json_t *e,
			int64_t at, char type[40], json_t **payload,
			struct cn_err *err)
{
	const char *kind = jstr(e, "type");
	char date[CN_TIME_BUF];
	json_t *rec = json_deep_copy(e);

	if (!rec)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	cn_date_format(at, date);
	json_object_del(rec, "type");
	json_object_set_new(rec, "source", json_sprintf("decision %lld of the %s",
							(long long)pid, body));
	if (!strcmp(kind, "open-office")) {
		if (!json_object_get(rec, "opened"))
			json_object_set_new(rec, "opened", json_string(date));
		strcpy(type, "office.opened");
		*payload = json_pack("{s:o, s:I}", "office", rec, "decision",
				     (json_int_t)pid);
	} else if (!strcmp(kind, "close-office")) {
		json_decref(rec);
		strcpy(type, "office.closed");
		*payload = json_pack("{s:s, s:s, s:I}", "office", jstr(e, "id"),
				     "closed", date, "decision", (json_int_t)pid);
	} else if (!strcmp(kind, "admit-member")) {
		json_object_set(rec, "accession", json_object_get(rec, "effective"));
		json_object_del(rec, "effective");
		json_object_set_new(rec, "decision", json_integer(pid));
		strcpy(type, "member.admitted");
		*payload = json_pack("{s:o}", "member", rec);
	} else {
		if (!json_object_get(rec, "since"))
			json_object_set_new(rec, "since", json_string(date));
		json_object_set_new(rec, "decision", json_integer(pid));
		strcpy(type, "partner.added");
		*payload = json_pack("{s:o}", "partner", rec);
	}
	return *payload ? 0 : cn_err_set(err, CN_ENOMEM, "out of memory");
}

/* Fold the event an effect would produce into an empty world: every
 * field the registry will parse (dates, codes, coordinates) is parsed
 * now, so an adoption can never fail on a field nobody checked. */
static int effect_dry_run(const json_t *e, size_t idx, int64_t at,
			  struct cn_err *err)
{
	struct cn_world scratch;
	struct cn_event ev = {0};
	char type[40];
	json_t *pl;
	int rc;

	if (!strcmp(jstr(e, "type"), "close-office"))
		return 0; /* only names an office, checked above */
	if ((rc = effect_event(0, "body", e, at, type, &pl, err)))
		return rc;
	struct cn_err why = {0};
	cn_world_init(&scratch);
	ev.seq = 1;
	ev.time = at;
	ev.actor = (char *)"dry-run";
	ev.type = type;
	ev.et = cn_event_type_find(type);
	ev.payload = pl;
	rc = cn_world_apply(&scratch, &ev, &why);
	cn_world_release(&scratch);
	json_decref(pl);
	if (rc)
		return cn_err_set(err, CN_EINVAL, "effect %zu (%s): %s", idx + 1,
				  jstr(e, "type"), why.msg);
	return 0;
}

/* The registry events an adopted proposal's effects produce. */
static int effect_events(const struct cn_world *w, const struct cn_proposal *p,
			 int64_t at, struct cn_outbox *box, struct cn_err *err)
{
	const json_t *e;
	size_t i;
	int rc;

	json_array_foreach(p->effects, i, e) {
		char type[40];
		json_t *pl;
		struct cn_err why;

		/* conclude() checked them all; the registry cannot have moved
		 * since, but never emit an effect that does not fit. */
		if (effect_check(w, at, i, e, &why))
			return cn_err_set(err, CN_EREFUSED,
					  "proposal %lld cannot be adopted: %s",
					  (long long)p->id, why.msg);
		if ((rc = effect_event(p->id, p->body, e, at, type, &pl, err)) ||
		    (rc = emit(box, at, type, pl, err)))
			return rc;
	}
	return 0;
}

/* ---- propose ------------------------------------------------------------ */

int cn_cmd_propose(const struct cn_world *w, int64_t now,
		   const struct cn_propose_args *a, struct cn_outbox *box,
		   int64_t *new_id, struct cn_err *err)
{
	const struct cn_body *b;
	const struct cn_member **ms = NULL;
	size_t nms = 0, i;
	enum cn_proc proc;
	int64_t deadline = CN_TIME_NONE;
	char d[CN_TIME_BUF];
	json_t *pl, *el, *effects;
	const json_t *e;
	int rc;

	if (!a->body || !*a->body)
		return cn_err_set(err, CN_EINVAL, "a proposal needs a body");
	if (!(b = cn_world_body(w, a->body)))
		return cn_err_set(err, CN_ENOTFOUND, "unknown body '%s'", a->body);
	if (!a->title || !*a->title)
		return cn_err_set(err, CN_EINVAL, "a proposal needs a title");
	if (!cn_body_exists(b, now))
		return cn_err_set(err, CN_EREFUSED,
				  "the %s does not exist on %s", b->name,
				  cn_date_format(now, d));
	const char *ps = a->procedure ? a->procedure : b->procedure;
	if (cn_proc_parse(ps, &proc))
		return cn_err_set(err, CN_EINVAL,
				  "unknown procedure '%s' (expected meeting, "
				  "silence or ratification)", ps);
	if (proc == CN_PROC_SILENCE) {
		if (!a->deadline)
			return cn_err_set(err, CN_EINVAL,
					  "a silence procedure needs --deadline");
		if ((rc = cn_time_parse(a->deadline, "deadline", &deadline, err)))
			return rc;
		if (deadline <= now)
			return cn_err_set(err, CN_EINVAL,
					  "deadline %s is not after the time of "
					  "circulation %s", a->deadline,
					  cn_time_format(now, d));
	} else if (a->deadline)
		return cn_err_set(err, CN_EINVAL,
				  "--deadline applies only to the silence "
				  "procedure (%s has none)", cn_proc_name(proc));
	if (a->level && proc != CN_PROC_MEETING)
		return cn_err_set(err, CN_EINVAL, "--level applies to meetings only");
	if (a->level && !cn_level_valid(a->level))
		return cn_err_set(err, CN_EINVAL,
				  "unknown meeting level '%s' (expected "
				  "permanent-representatives, foreign-ministers, "
				  "defence-ministers or "
				  "heads-of-state-and-government)", a->level);
	if (a->effects && !json_is_array(a->effects))
		return cn_err_set(err, CN_EINVAL, "effects must be a list");
	if (a->effects)
		json_array_foreach(a->effects, i, e) {
			if ((rc = effect_check(w, now, i, e, err)))
				return rc;
			/* Two effects on one office or one state could never
			 * both apply. */
			for (size_t k = 0; k < i; k++) {
				const json_t *f = json_array_get(a->effects, k);
				const char *key = jstr(e, "id") ? "id" : "code";
				if (jstr(e, key) && jstr(f, key) &&
				    !strcmp(jstr(e, key), jstr(f, key)) &&
				    !strcmp(jstr(e, "type"), jstr(f, "type")))
					return cn_err_set(err, CN_EREFUSED,
							  "effects %zu and %zu both "
							  "%s '%s'", k + 1, i + 1,
							  jstr(e, "type"), jstr(e, key));
			}
		}
	if ((rc = cn_body_members(w, b, now, &ms, &nms)))
		return cn_err_set(err, rc, "out of memory");
	if (nms == 0) {
		free(ms);
		return cn_err_set(err, CN_EREFUSED, "the %s has no members on %s",
				  b->name, cn_date_format(now, d));
	}
	el = json_array();
	for (i = 0; el && i < nms; i++)
		json_array_append_new(el, json_string(ms[i]->code));
	free(ms);
	effects = a->effects ? json_deep_copy(a->effects) : json_array();
	pl = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o}",
		       "id", (json_int_t)(w->nproposals + 1), "body", b->id,
		       "title", a->title, "text", a->text ? a->text : "",
		       "procedure", cn_proc_name(proc),
		       /* Ratification needs every member, whatever the
			* body's everyday rule. */
		       "rule", proc == CN_PROC_RATIFICATION ? "unanimity" : b->rule_src,
		       "proposer", a->proposer ? a->proposer : "secretariat",
		       "shared", a->shared, "electorate", el, "effects", effects);
	if (pl && deadline != CN_TIME_NONE)
		json_object_set_new(pl, "deadline",
				    json_string(cn_time_format(deadline, d)));
	if (pl && a->level)
		json_object_set_new(pl, "level", json_string(a->level));
	if (pl && a->place)
		json_object_set_new(pl, "place", json_string(a->place));
	if ((rc = emit(box, now, "proposal.created", pl, err)))
		return rc;
	*new_id = (int64_t)w->nproposals + 1;
	return 0;
}

/* ---- evaluation ----------------------------------------------------------- */

int cn_proposal_evaluate(const struct cn_world *w, const struct cn_proposal *p,
			 int final, struct cn_rule_result *res,
			 struct cn_err *err)
{
	struct cn_voter *v = calloc(p->nballots + 1, sizeof(*v));
	struct cn_rule_input in = {0};
	int rc;

	(void)w;
	if (!v)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	for (size_t i = 0; i < p->nballots; i++) {
		v[i].code = p->ballots[i].code;
		v[i].pos = p->ballots[i].pos;
		v[i].declared = p->ballots[i].declared;
		/* Under the silence procedure, not breaking silence by the
		 * deadline is consent. */
		if (final && p->proc == CN_PROC_SILENCE && v[i].pos == CN_POS_NONE)
			v[i].pos = CN_POS_CONCUR;
	}
	in.voters = v;
	in.nvoters = p->nballots;
	in.final = final;
	rc = cn_rule_eval(p->rule, &in, res, err);
	free(v);
	return rc;
}

static json_t *codes_json(char **codes, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(codes[i]));
	return a;
}

/* Conclude p at `at` with the evaluated verdict; adds effect events when
 * adopted. */
static int conclude(const struct cn_world *w, const struct cn_proposal *p,
		    int64_t at, const struct cn_rule_result *r,
		    struct cn_outbox *box, struct cn_err *err)
{
	json_t *pl;
	int rc;

	assert(r->verdict != CN_VERDICT_PENDING);
	if (r->verdict == CN_VERDICT_ADOPTED) {
		/* The registry may have moved since the proposal was made (another
		 * decision opened the same office...).  An effect that can no
		 * longer apply makes the decision lapse: recorded, explained,
		 * and the registry left as it is -- never a half-applied one,
		 * and never a clock that stops on it. */
		const json_t *e;
		size_t i;
		json_array_foreach(p->effects, i, e) {
			struct cn_err why;
			if (effect_check(w, at, i, e, &why) == 0)
				continue;
			char text[CN_ERR_MSG_MAX + 64];
			snprintf(text, sizeof(text), "lapsed: adopted under the rule, "
				 "but %s", why.msg);
			return emit(box, at, "procedure.concluded",
				    json_pack("{s:I, s:s, s:s, s:[], s:[]}", "proposal",
					      (json_int_t)p->id, "outcome", "lapsed",
					      "explanation", text, "blocking",
					      "holding"), err);
		}
	}
	pl = json_pack("{s:I, s:s, s:s, s:o, s:o}", "proposal",
		       (json_int_t)p->id, "outcome", cn_verdict_name(r->verdict),
		       "explanation", r->explanation, "blocking",
		       codes_json(r->blocking, r->nblocking), "holding",
		       codes_json(r->holding, r->nholding));
	if ((rc = emit(box, at, "procedure.concluded", pl, err)))
		return rc;
	if (r->verdict == CN_VERDICT_ADOPTED)
		return effect_events(w, p, at, box, err);
	return 0;
}

/* ---- positions ------------------------------------------------------------ */

static int open_proposal(const struct cn_world *w, int64_t id, int64_t now,
			 const struct cn_proposal **out, struct cn_err *err)
{
	const struct cn_proposal *p = cn_world_proposal(w, id);
	char d[CN_TIME_BUF], d2[CN_TIME_BUF];

	if (!p)
		return cn_err_set(err, CN_ENOTFOUND, "no proposal %lld",
				  (long long)id);
	if (p->concluded)
		return cn_err_set(err, CN_ECONCLUDED,
				  "proposal %lld was concluded on %s (%s); it "
				  "takes no further action", (long long)id,
				  cn_time_format(p->concluded_at, d), p->explanation);
	if (now < p->opened)
		return cn_err_set(err, CN_EINVAL,
				  "time %s is before proposal %lld was opened "
				  "(%s)", cn_time_format(now, d), (long long)id,
				  cn_time_format(p->opened, d2));
	*out = p;
	return 0;
}

/* Carry the delegation's signature, when there is one, into the event. */
static json_t *signed_payload(json_t *pl, const struct cn_respond_args *a)
{
	if (pl && a->signature)
		json_object_set_new(pl, "signature", json_string(a->signature));
	if (pl && a->signature && a->declared)
		json_object_set_new(pl, "declared", json_true());
	return pl;
}

int cn_cmd_register_key(const struct cn_world *w, int64_t now,
			const char *member, const char *vkey,
			struct cn_outbox *box, struct cn_err *err)
{
	const struct cn_member *m = member ? cn_world_member(w, member) : NULL;
	uint8_t pk[32], id[4];
	char *name = NULL, hex[9];
	int rc;

	if (!m)
		return cn_err_set(err, CN_ENOTFOUND, "unknown member code '%s'",
				  member ? member : "");
	if (!cn_member_active(m, now))
		return cn_err_set(err, CN_EREFUSED, "%s is not a member now", m->code);
	if (!vkey || (rc = cn_note_vkey_decode(vkey, &name, pk, err)))
		return vkey ? cn_err_prefix(err, "vkey: ")
			    : cn_err_set(err, CN_EINVAL, "a key is required");
	cn_note_key_id(name, pk, id);
	cn_hex(id, 4, hex);
	rc = emit(box, now, "key.registered",
		  json_pack("{s:s, s:s, s:s, s:s?}", "member", m->code, "vkey", vkey,
			    "key_id", hex, "replaces", m->key_vkey), err);
	free(name);
	return rc;
}

static const struct cn_ballot *find_ballot(const struct cn_proposal *p,
					   const char *code)
{
	for (size_t i = 0; i < p->nballots; i++)
		if (!strcmp(p->ballots[i].code, code))
			return &p->ballots[i];
	return NULL;
}

int cn_cmd_respond(const struct cn_world *w, int64_t now,
		   const struct cn_respond_args *a, struct cn_outbox *box,
		   struct cn_err *err)
{
	const struct cn_proposal *p = NULL;
	const struct cn_ballot *b;
	char d[CN_TIME_BUF];
	int rc;

	if ((rc = open_proposal(w, a->proposal, now, &p, err)))
		return rc;
	if (!a->member || !*a->member)
		return cn_err_set(err, CN_EINVAL, "a position needs --member");
	if (!(b = find_ballot(p, a->member))) {
		const struct cn_body *body = cn_world_body(w, p->body);
		if (cn_body_has(w, body, a->member, p->opened))
			/* A member admitted after the procedure opened, with an
			 * accession dated before it: the electorate was frozen
			 * without it. */
			return cn_err_set(err, CN_EREFUSED,
					  "%s is not in the electorate of proposal "
					  "%lld, frozen when it opened on %s (%s was "
					  "admitted afterwards)", a->member,
					  (long long)p->id,
					  cn_date_format(p->opened, d), a->member);
		rc = cn_explain_not_member(w, body, a->member, p->opened, err);
		cn_err_prefix(err, "proposal %lld (electorate frozen on %s): ",
			      (long long)p->id, cn_date_format(p->opened, d));
		return rc;
	}
	/* After the deadline only a standing reservation keeps a silence
	 * procedure open, and lifting it is the one move left. */
	if (p->proc == CN_PROC_SILENCE && now >= p->deadline &&
	    a->act != CN_ACT_LIFT)
		return cn_err_set(err, CN_EREFUSED,
				  "the silence period of proposal %lld ended at %s",
				  (long long)p->id, cn_time_format(p->deadline, d));

	const char *actor = a->actor;
	char actbuf[32];
	if (!actor) {
		snprintf(actbuf, sizeof(actbuf), "delegation:%s", b->code);
		actor = actbuf;
	}
	(void)actor;

	if (a->signature) {
		const char *pn = a->act == CN_ACT_LIFT ? "lift"
				 : a->act == CN_ACT_COMMENT ? "comment"
				 : cn_pos_name(a->pos);
		if ((rc = cn_position_verify(cn_world_member(w, b->code), p->id,
					     p->revision, pn,
					     a->act == CN_ACT_LIFT ? NULL : a->text,
					     a->declared, a->signature, err)))
			return rc;
	}
	if (a->act == CN_ACT_COMMENT) {
		if (!a->text || !*a->text)
			return cn_err_set(err, CN_EINVAL, "a comment needs text");
		return emit(box, now, "comment.made",
			    signed_payload(json_pack("{s:I, s:s, s:s}", "proposal",
					   (json_int_t)p->id, "member", b->code,
					   "text", a->text), a), err);
	}
	if (a->act == CN_ACT_LIFT) {
		if (b->pos != CN_POS_RESERVE)
			return cn_err_set(err, CN_EREFUSED,
					  "%s has no reservation on proposal "
					  "%lld to lift (its position is %s)",
					  b->code, (long long)p->id,
					  cn_pos_name(b->pos));
		return emit(box, now, "reservation.lifted",
			    signed_payload(json_pack("{s:I, s:s}", "proposal",
					   (json_int_t)p->id, "member", b->code), a),
			    err);
	}
	if (a->pos == CN_POS_NONE)
		return cn_err_set(err, CN_EINVAL, "no position given");
	if (a->pos == CN_POS_FOOTNOTE && (!a->text || !*a->text))
		return cn_err_set(err, CN_EINVAL,
				  "a footnote needs the statement to put on record");
	if (a->declared && a->pos != CN_POS_ABSTAIN)
		return cn_err_set(err, CN_EINVAL,
				  "only an abstention can carry a formal declaration");
	if (p->proc == CN_PROC_SILENCE && a->pos == CN_POS_OBJECT) {
		/* Breaking silence ends the procedure at once: one objection
		 * stops the text. */
		struct cn_rule_result r = {0};
		if (!a->text || !*a->text)
			return cn_err_set(err, CN_EINVAL,
					  "breaking silence needs a reason "
					  "(--reason): it is the letter of "
					  "objection");
		rc = emit(box, now, "silence.broken",
			  signed_payload(json_pack("{s:I, s:s, s:s}", "proposal",
					 (json_int_t)p->id, "member", b->code,
					 "reason", a->text), a), err);
		if (rc)
			return rc;
		r.verdict = CN_VERDICT_BLOCKED;
		char why[96];
		snprintf(why, sizeof(why), "blocked: %s broke silence", b->code);
		r.explanation = why;
		char *who[1] = {(char *)b->code};
		r.blocking = who;
		r.nblocking = 1;
		return conclude(w, p, now, &r, box, err);
	}
	if (b->pos == a->pos && a->pos != CN_POS_FOOTNOTE &&
	    (!a->text || (b->text && !strcmp(a->text, b->text))) &&
	    b->declared == a->declared)
		return cn_err_set(err, CN_EREFUSED,
				  "%s's position on proposal %lld is already %s",
				  b->code, (long long)p->id, cn_pos_name(a->pos));
	json_t *pl = json_pack("{s:I, s:s, s:s, s:s}", "proposal",
			       (json_int_t)p->id, "member", b->code, "position",
			       cn_pos_name(a->pos), "previous",
			       cn_pos_name(b->pos));
	if (pl && a->text)
		json_object_set_new(pl, "text", json_string(a->text));
	if (pl && a->declared)
		json_object_set_new(pl, "declared", json_true());
	if ((rc = emit(box, now, "position.stated", signed_payload(pl, a), err)))
		return rc;
	if (p->proc == CN_PROC_RATIFICATION &&
	    (a->pos == CN_POS_CONCUR || a->pos == CN_POS_FOOTNOTE)) {
		/* Adopted when the last member ratifies. */
		size_t done = 0;
		for (size_t i = 0; i < p->nballots; i++)
			done += p->ballots[i].pos == CN_POS_CONCUR ||
				p->ballots[i].pos == CN_POS_FOOTNOTE ||
				&p->ballots[i] == b;
		if (done == p->nballots) {
			struct cn_rule_result r = {0};
			char why[96];
			snprintf(why, sizeof(why),
				 "adopted: all %zu members ratified, the last "
				 "%s", p->nballots, b->code);
			r.verdict = CN_VERDICT_ADOPTED;
			r.explanation = why;
			return conclude(w, p, now, &r, box, err);
		}
	}
	return 0;
}

/* ---- secretariat actions -------------------------------------------------- */

static int silence_only(const struct cn_proposal *p, const char *what,
			struct cn_err *err)
{
	if (p->proc != CN_PROC_SILENCE)
		return cn_err_set(err, CN_EREFUSED,
				  "proposal %lld is under the %s procedure; "
				  "only a silence procedure can be %s",
				  (long long)p->id, cn_proc_name(p->proc), what);
	return 0;
}

int cn_cmd_extend(const struct cn_world *w, int64_t now, int64_t id,
		  const char *deadline, struct cn_outbox *box,
		  struct cn_err *err)
{
	const struct cn_proposal *p = NULL;
	int64_t t;
	char d[CN_TIME_BUF];
	int rc;

	if ((rc = open_proposal(w, id, now, &p, err)) ||
	    (rc = silence_only(p, "extended", err)))
		return rc;
	if (!deadline)
		return cn_err_set(err, CN_EINVAL, "extend needs --deadline");
	if ((rc = cn_time_parse(deadline, "deadline", &t, err)))
		return rc;
	if (t <= now)
		return cn_err_set(err, CN_EINVAL,
				  "new deadline %s is not after the time of the "
				  "extension", deadline);
	if (t <= p->deadline)
		return cn_err_set(err, CN_EINVAL,
				  "new deadline %s is not after the current one "
				  "(%s)", deadline, cn_time_format(p->deadline, d));
	return emit(box, now, "deadline.extended",
		    json_pack("{s:I, s:s, s:s}", "proposal", (json_int_t)id,
			      "deadline", cn_time_format(t, d), "previous",
			      cn_time_format(p->deadline, (char[CN_TIME_BUF]){0})),
		    err);
}

int cn_cmd_recirculate(const struct cn_world *w, int64_t now, int64_t id,
		       const char *text, const char *deadline,
		       struct cn_outbox *box, struct cn_err *err)
{
	const struct cn_proposal *p = NULL;
	int64_t t;
	char d[CN_TIME_BUF];
	int rc;

	if ((rc = open_proposal(w, id, now, &p, err)) ||
	    (rc = silence_only(p, "recirculated", err)))
		return rc;
	if (!text || !*text)
		return cn_err_set(err, CN_EINVAL, "recirculate needs --text");
	if (!deadline)
		return cn_err_set(err, CN_EINVAL, "recirculate needs --deadline");
	if ((rc = cn_time_parse(deadline, "deadline", &t, err)))
		return rc;
	if (t <= now)
		return cn_err_set(err, CN_EINVAL,
				  "deadline %s is not after the time of "
				  "recirculation %s", deadline,
				  cn_time_format(now, d));
	if (now >= p->deadline)
		return cn_err_set(err, CN_EREFUSED,
				  "the silence period of proposal %lld already "
				  "ended at %s", (long long)id,
				  cn_time_format(p->deadline, d));
	return emit(box, now, "text.recirculated",
		    json_pack("{s:I, s:i, s:s, s:s}", "proposal", (json_int_t)id,
			      "revision", p->revision + 1, "text", text,
			      "deadline", cn_time_format(t, d)), err);
}

int cn_cmd_conclude(const struct cn_world *w, int64_t now, int64_t id,
		    struct cn_outbox *box, struct cn_err *err)
{
	const struct cn_proposal *p = NULL;
	struct cn_rule_result r = {0};
	char d[CN_TIME_BUF];
	int rc;

	if ((rc = open_proposal(w, id, now, &p, err)))
		return rc;
	if (p->proc == CN_PROC_SILENCE && now < p->deadline)
		return cn_err_set(err, CN_EREFUSED,
				  "proposal %lld is under silence until %s; it "
				  "concludes at the deadline or when silence "
				  "is broken", (long long)id,
				  cn_time_format(p->deadline, d));
	if (p->proc == CN_PROC_RATIFICATION)
		return cn_err_set(err, CN_EREFUSED,
				  "proposal %lld is under ratification: it is "
				  "adopted when the last member ratifies, or "
				  "withdrawn", (long long)id);
	if ((rc = cn_proposal_evaluate(w, p, 1, &r, err)))
		return rc;
	if (r.verdict == CN_VERDICT_PENDING) {
		rc = cn_err_set(err, CN_EREFUSED,
				"proposal %lld cannot be concluded: %s",
				(long long)id, r.explanation);
		cn_rule_result_release(&r);
		return rc;
	}
	/* A silence procedure concludes at its deadline, not later. */
	rc = conclude(w, p, p->proc == CN_PROC_SILENCE ? p->deadline : now, &r,
		      box, err);
	cn_rule_result_release(&r);
	return rc;
}

int cn_cmd_withdraw(const struct cn_world *w, int64_t now, int64_t id,
		    const char *reason, struct cn_outbox *box,
		    struct cn_err *err)
{
	const struct cn_proposal *p = NULL;
	char why[256];
	int rc;

	if ((rc = open_proposal(w, id, now, &p, err)))
		return rc;
	snprintf(why, sizeof(why), "withdrawn%s%s", reason ? ": " : "",
		 reason ? reason : "");
	return emit(box, now, "procedure.concluded",
		    json_pack("{s:I, s:s, s:s, s:[], s:[]}", "proposal",
			      (json_int_t)id, "outcome", "withdrawn",
			      "explanation", why, "blocking", "holding"), err);
}

int cn_cmd_tick(const struct cn_world *w, int64_t now, struct cn_outbox *box,
		struct cn_err *err)
{
	for (size_t i = 0; i < w->nproposals; i++) {
		const struct cn_proposal *p = w->proposals[i];
		struct cn_rule_result r = {0};
		int rc;

		if (p->concluded || p->proc != CN_PROC_SILENCE ||
		    p->deadline > now)
			continue;
		if ((rc = cn_proposal_evaluate(w, p, 1, &r, err)))
			return rc;
		/* At the deadline; or, for one a reservation held past it,
		 * when the last position changed (the lift). */
		int64_t at = p->deadline;
		for (size_t k = 0; k < p->nballots; k++)
			if (p->ballots[k].pos == CN_POS_NONE && p->ballots[k].at > at)
				at = p->ballots[k].at;
		if (r.verdict != CN_VERDICT_PENDING)
			rc = conclude(w, p, at, &r, box, err);
		cn_rule_result_release(&r);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- JSON views ------------------------------------------------------------ */

static json_t *time_or_null(int64_t t)
{
	char d[CN_TIME_BUF];
	if (t == CN_TIME_NONE || t == INT64_MIN)
		return json_null();
	return json_string(cn_time_format(t, d));
}

json_t *cn_office_json(const struct cn_world *w, const struct cn_office *o,
		       int64_t at)
{
	json_t *j = json_deep_copy(o->record);
	char why[300];
	int in;

	if (!j)
		return NULL;
	in = cn_treaty_in_area(w, o->country, o->has_coords, o->lat_e6, at, why,
			       sizeof(why));
	json_object_set_new(j, "open", json_boolean(cn_office_open(o, at)));
	json_object_set_new(j, "opened_known",
			    json_boolean(json_is_string(json_object_get(o->record,
									 "opened"))));
	json_object_set_new(j, "out_of_area", json_boolean(!in));
	json_object_set_new(j, "treaty_area", json_string(why));
	if (o->decision)
		json_object_set_new(j, "decision", json_integer(o->decision));
	return j;
}

static json_t *effects_json(const struct cn_world *w,
			    const struct cn_proposal *p)
{
	json_t *a = json_array();
	const json_t *e;
	size_t i;

	json_array_foreach(p->effects, i, e) {
		json_t *x = json_deep_copy(e);
		if (!x)
			continue;
		if (!strcmp(jstr(e, "type") ? jstr(e, "type") : "", "open-office")) {
			int64_t lat = 0;
			int has = jstr(e, "lat") &&
				  cn_coord_parse(jstr(e, "lat"), 90, &lat, NULL) == 0;
			char why[300];
			int in = cn_treaty_in_area(w, jstr(e, "country"), has, lat,
						   p->concluded ? p->concluded_at
								: p->opened,
						   why, sizeof(why));
			json_object_set_new(x, "out_of_area", json_boolean(!in));
			json_object_set_new(x, "treaty_area", json_string(why));
		}
		json_array_append_new(a, x);
	}
	return a;
}

json_t *cn_proposal_json(const struct cn_world *w, const struct cn_proposal *p)
{
	struct cn_rule_result r = {0};
	json_t *j, *el = json_array(), *pos = json_array(), *outst = json_array();
	struct cn_err err;
	const struct cn_body *b = cn_world_body(w, p->body);

	for (size_t i = 0; i < p->nballots; i++) {
		const struct cn_ballot *x = &p->ballots[i];
		json_array_append_new(el, json_string(x->code));
		json_t *o = json_pack("{s:s, s:s}", "member", x->code, "position",
				      cn_pos_name(x->pos));
		if (x->text)
			json_object_set_new(o, "text", json_string(x->text));
		if (x->declared)
			json_object_set_new(o, "declared", json_true());
		if (x->pos != CN_POS_NONE)
			json_object_set_new(o, "at", time_or_null(x->at));
		json_array_append_new(pos, o);
		/* Outstanding: whose word is still awaited.  Under
		 * ratification and unanimity, everyone who has not concurred;
		 * otherwise those holding a reservation. */
		int awaited = x->pos == CN_POS_RESERVE;
		if (p->proc == CN_PROC_RATIFICATION ||
		    !strcmp(p->rule_src, "unanimity"))
			awaited = x->pos != CN_POS_CONCUR &&
				  x->pos != CN_POS_FOOTNOTE;
		if (awaited && !p->concluded)
			json_array_append_new(outst, json_string(x->code));
	}
	j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:o, "
		      "s:o, s:b, s:o, s:o, s:o}",
		      "id", (json_int_t)p->id, "body", p->body, "body_name",
		      b ? b->name : p->body, "title", p->title, "text", p->text,
		      "procedure", cn_proc_name(p->proc), "rule", p->rule_src,
		      "revision", p->revision, "proposer", p->proposer,
		      "opened", time_or_null(p->opened), "deadline",
		      time_or_null(p->deadline), "shared", p->shared,
		      "revisions", json_deep_copy(p->revisions), "electorate",
		      el, "positions", pos);
	if (!j)
		return NULL;
	json_object_set_new(j, "electorate_size", json_integer((json_int_t)p->nballots));
	if (p->level)
		json_object_set_new(j, "level", json_string(p->level));
	if (p->place)
		json_object_set_new(j, "place", json_string(p->place));
	json_object_set_new(j, "effects", effects_json(w, p));
	if (p->concluded) {
		json_object_set_new(j, "status", json_string("concluded"));
		json_object_set_new(j, "outcome", json_string(p->outcome));
		json_object_set_new(j, "explanation", json_string(p->explanation));
		json_object_set_new(j, "blocked_by", json_deep_copy(p->blocking));
		json_object_set_new(j, "holding", json_deep_copy(p->holding));
		json_object_set_new(j, "concluded", time_or_null(p->concluded_at));
		json_object_set_new(j, "outstanding", outst);
	} else {
		json_object_set_new(j, "status", json_string("open"));
		json_object_set_new(j, "outcome", json_null());
		if (cn_proposal_evaluate(w, p, 0, &r, &err) == 0) {
			json_object_set_new(j, "verdict",
					    json_string(cn_verdict_name(r.verdict)));
			json_object_set_new(j, "explanation",
					    json_string(r.explanation));
			json_object_set_new(j, "blocked_by",
					    codes_json(r.blocking, r.nblocking));
			json_object_set_new(j, "holding",
					    codes_json(r.holding, r.nholding));
			cn_rule_result_release(&r);
		} else
			json_object_set_new(j, "explanation", json_string(err.msg));
		json_object_set_new(j, "outstanding", outst);
	}
	return j;
}
