/*
 * procedure.c - the commands of the meeting, silence and ratification
 * procedures: each checks a request against the world and fills an outbox
 * with the events that record it; see procedure.h.
 */
#include "procedure.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "body_decision.h"
#include "buf.h"
#include "checkpoint.h"
#include "effect.h"
#include "silence.h"
#include "timeline.h"
#include "timeutil.h"
#include "vote.h"

void cn_outbox_release(struct cn_outbox *box)
{
	for (size_t i = 0; i < box->n; i++)
		json_decref(box->items[i].payload);
	free(box->items);
	box->items = NULL;
	box->n = 0;
}

/* Add an event to the outbox.  Takes the payload reference (NULL: out of
 * memory building it). */
static int emit(struct cn_outbox *box, int64_t time, enum cn_ev type,
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
	it->type = type;
	it->payload = payload;
	it->actor[0] = '\0';
	return 0;
}

/* Add an event done by proposal p's body: its conclusion, and the
 * registry changes its decision makes. */
static int emit_decision(struct cn_outbox *box, const struct cn_proposal *p,
			 int64_t time, enum cn_ev type, json_t *payload,
			 struct cn_err *err)
{
	int rc = emit(box, time, type, payload, err);

	if (rc == 0)
		snprintf(box->items[box->n - 1].actor, CN_ACTOR_MAX, "body:%s",
			 p->body);
	return rc;
}

/* o[key] = v (taken), or NULL with o released when that fails: a payload
 * is emitted whole or not at all. */
static json_t *with(json_t *o, const char *key, json_t *v)
{
	if (!o) {
		json_decref(v);
		return NULL;
	}
	if (json_object_set_new(o, key, v)) { /* v is released */
		json_decref(o);
		return NULL;
	}
	return o;
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

/* ---- propose ------------------------------------------------------------ */

/* The matter a proposal takes up again: a concluded proposal that was not
 * adopted and that nothing took up before. */
static int superseded(const struct cn_world *w, int64_t now, int64_t id,
		      const struct cn_proposal **out, struct cn_err *err)
{
	const struct cn_proposal *old = cn_world_proposal(w, id);

	if (!old)
		return cn_err_set(err, CN_ENOTFOUND,
				  "no proposal %lld to supersede (field "
				  "'supersedes')", (long long)id);
	if (!old->concluded)
		return cn_err_set(err, CN_EREFUSED,
				  "proposal %lld is still open: a new proposal "
				  "supersedes a concluded one (withdraw it first)",
				  (long long)id);
	if (!strcmp(old->outcome, "adopted"))
		return cn_err_set(err, CN_EREFUSED,
				  "proposal %lld was adopted: only a matter not "
				  "adopted is taken up again", (long long)id);
	if (old->superseded_by)
		return cn_err_set(err, CN_EREFUSED,
				  "proposal %lld was already taken up by proposal "
				  "%lld", (long long)id, (long long)old->superseded_by);
	*out = old;
	return cn_timeline_in_order(old, now, err);
}

/* A rule weighs members by at most this many attributes. */
#define MAX_WEIGHED 8

/* The figures a rule weighs the electorate by, as in force on `now`,
 * frozen into the proposal: {attr: {code: value}} into *out (NULL when the
 * rule weighs nothing). */
static int freeze_weights(const char *rule_src, const struct cn_member **ms,
			  size_t nms, int64_t now, json_t **out,
			  struct cn_err *err)
{
	const char *attrs[MAX_WEIGHED];
	struct cn_rule *rule;
	char d[CN_TIME_BUF];
	size_t na;
	int rc;

	*out = NULL;
	if ((rc = cn_rule_parse(rule_src, &rule, err)))
		return rc;
	na = cn_rule_attributes(rule, attrs, MAX_WEIGHED);
	if (na > MAX_WEIGHED) {
		cn_rule_free(rule);
		return cn_err_set(err, CN_EINVAL,
				  "the rule weighs members by more than %d "
				  "attributes", MAX_WEIGHED);
	}
	json_t *weights = na ? json_object() : NULL;
	for (size_t k = 0; rc == 0 && k < na; k++) {
		json_t *vals = json_object();
		if (!vals || json_object_set_new(weights, attrs[k], vals)) {
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
			break;
		}
		for (size_t i = 0; rc == 0 && i < nms; i++) {
			const char *v;
			if (cn_attribute_at(ms[i]->record, attrs[k], now, &v))
				rc = cn_err_set(err, CN_EREFUSED,
						"the rule weighs members by %s, "
						"and %s has no %s in force on %s "
						"(members[].attributes.%s of the "
						"registry; docs/RULES.md, "
						"\"Attributes\")", attrs[k],
						ms[i]->code, attrs[k],
						cn_date_format(now, d), attrs[k]);
			else if (json_object_set_new(vals, ms[i]->code,
						     json_string(v)))
				rc = cn_err_set(err, CN_ENOMEM, "out of memory");
		}
	}
	cn_rule_free(rule);
	if (rc)
		json_decref(weights);
	else
		*out = weights;
	return rc;
}

/* The body's rule named `name` in force on `now` (its record's `rules`:
 * {name: {rule, source, concerned?}}). */
static int named_rule(const struct cn_body *b, int64_t now, const char *name,
		      const json_t **out, struct cn_err *err)
{
	const json_t *rules = cn_body_field_at(b, "rules", now);
	const json_t *r = json_object_get(rules, name);
	struct cn_buf names = {0};
	const char *k;
	const json_t *v;
	int rc;

	if (r && json_is_object(r) && cn_jstr(r, "rule")) {
		*out = r;
		return 0;
	}
	json_object_foreach((json_t *)rules, k, v)
		cn_buf_printf(&names, "%s%s", names.len ? ", " : "", k);
	rc = cn_err_set(err, r ? CN_ECORRUPT : CN_EINVAL,
			r ? "the %s's rule '%s' has no rule text (field "
			    "'rules.%s.rule' of the registry)"
			  : "the %s has no rule '%s' (field 'rule'; its rules: %s)",
			b->name, name, r ? name : (names.len ? names.s : "none but "
						   "its default"));
	cn_buf_release(&names);
	return rc;
}

/* What breaks the silence of a new proposal: asked for, else the body's,
 * else an objection alone. */
static int silence_breaks(const struct cn_body *b, int64_t now,
			  const json_t *asked, unsigned *bits,
			  struct cn_err *err)
{
	const json_t *dflt = cn_body_field_at(b, "silence_breaks", now);

	*bits = CN_BREAK_OBJECT;
	if (asked)
		return cn_silence_breaks_parse(asked, bits, err);
	if (dflt && cn_silence_breaks_parse(dflt, bits, err))
		return cn_err_prefix(err, "the %s's silence_breaks: ", b->name);
	return 0;
}

int cn_cmd_propose(const struct cn_world *w, int64_t now,
		   const struct cn_propose_args *a, struct cn_outbox *box,
		   int64_t *new_id, struct cn_err *err)
{
	const struct cn_proposal *old = NULL;
	const struct cn_body *b;
	const struct cn_member **ms = NULL;
	size_t nms = 0, i;
	enum cn_proc proc;
	int64_t deadline = CN_TIME_NONE;
	unsigned bits = CN_BREAK_OBJECT;
	char d[CN_TIME_BUF];
	json_t *pl, *el, *effects, *weights = NULL;
	int rc;

	if (a->supersedes && (rc = superseded(w, now, a->supersedes, &old, err)))
		return rc;
	/* A matter taken up again keeps what is not said anew. */
	const char *body = a->body ? a->body : old ? old->body : NULL;
	const char *title = a->title ? a->title : old ? old->title : NULL;
	const char *text = a->text ? a->text : old ? old->text : NULL;
	const char *proposer = a->proposer ? a->proposer
			       : old ? old->proposer : "secretariat";
	const json_t *eff_in = a->effects && json_array_size(a->effects)
				       ? a->effects
				       : old ? old->effects : a->effects;

	if (!body || !*body)
		return cn_err_set(err, CN_EINVAL, "a proposal needs a body");
	if (!(b = cn_world_body(w, body)))
		return cn_err_set(err, CN_ENOTFOUND, "unknown body '%s'", body);
	if (!title || !*title)
		return cn_err_set(err, CN_EINVAL, "a proposal needs a title");
	if (!cn_body_exists(b, now))
		return cn_err_set(err, CN_EREFUSED,
				  "the %s does not exist on %s", b->name,
				  cn_date_format(now, d));
	/* The body's rule and default procedure in force today, which an
	 * amendment may have changed since (or will change later). */
	const char *rule_src = json_string_value(cn_body_field_at(b, "rule", now));
	const char *ps = a->procedure ? a->procedure
			 : json_string_value(cn_body_field_at(b, "procedure", now));
	if (!rule_src || !ps)
		return cn_err_set(err, CN_ECORRUPT,
				  "the %s has no rule or procedure on %s", b->name,
				  cn_date_format(now, d));
	if (cn_proc_parse(ps, &proc))
		return cn_err_set(err, CN_EINVAL,
				  "unknown procedure '%s' (expected meeting, "
				  "silence, ratification, vote or written)", ps);
	const json_t *named = NULL;
	if (a->rule && proc == CN_PROC_RATIFICATION)
		return cn_err_set(err, CN_EINVAL,
				  "ratification needs every member whatever the "
				  "rule: a rule (field 'rule') does not apply");
	if (a->rule && (rc = named_rule(b, now, a->rule, &named, err)))
		return rc;
	if (named)
		rule_src = cn_jstr(named, "rule");
	int needs_concerned = json_is_true(json_object_get(named, "concerned"));
	if (a->concerned && !needs_concerned)
		return cn_err_set(err, CN_EINVAL,
				  "a State concerned (field 'concerned') is left "
				  "out only under a rule applied without it (a "
				  "rule of the body marked 'concerned')");
	if (needs_concerned && (!a->concerned || !*a->concerned))
		return cn_err_set(err, CN_EINVAL,
				  "the %s's rule '%s' is applied without the State "
				  "concerned: name it (field 'concerned')", b->name,
				  a->rule);
	if (proc == CN_PROC_SILENCE || proc == CN_PROC_WRITTEN) {
		if (!a->deadline)
			return cn_err_set(err, CN_EINVAL,
					  "a %s procedure needs a deadline "
					  "(field 'deadline')", cn_proc_name(proc));
		if ((rc = cn_time_parse(a->deadline, "deadline", &deadline, err)))
			return rc;
		if (deadline <= now)
			return cn_err_set(err, CN_EINVAL,
					  "deadline %s is not after the time of "
					  "circulation %s", a->deadline,
					  cn_time_format(now, d));
		if (proc == CN_PROC_SILENCE &&
		    (rc = silence_breaks(b, now, a->breaks, &bits, err)))
			return rc;
	}
	if (a->deadline && deadline == CN_TIME_NONE)
		return cn_err_set(err, CN_EINVAL,
				  "a deadline (field 'deadline') applies only to "
				  "the silence procedure (%s has none)",
				  cn_proc_name(proc));
	else if (a->breaks && proc != CN_PROC_SILENCE)
		return cn_err_set(err, CN_EINVAL,
				  "what breaks silence (field 'breaks') applies "
				  "only to the silence procedure");
	if (a->level && proc != CN_PROC_MEETING && proc != CN_PROC_VOTE)
		return cn_err_set(err, CN_EINVAL,
				  "a level (field 'level') applies to meetings "
				  "(and the votes taken at them) only");
	if (a->level && !cn_level_valid(a->level))
		return cn_err_set(err, CN_EINVAL,
				  "unknown meeting level '%s' (expected "
				  "permanent-representatives, foreign-ministers, "
				  "defence-ministers or "
				  "heads-of-state-and-government)", a->level);
	if (eff_in && (rc = cn_effects_check(w, now, eff_in, err)))
		return rc;
	/* Ratification needs every member, whatever the body's everyday
	 * rule. */
	if (proc == CN_PROC_RATIFICATION)
		rule_src = "unanimity";
	if ((rc = cn_body_members(w, b, now, &ms, &nms)))
		return cn_err_set(err, rc, "out of memory");
	if (a->concerned) {
		/* Decided without the State concerned: it is left out. */
		size_t k = 0;
		for (i = 0; i < nms; i++)
			if (strcmp(ms[i]->code, a->concerned))
				ms[k++] = ms[i];
		if (k == nms) {
			free(ms);
			return cn_explain_not_member(w, b, a->concerned, now, err);
		}
		nms = k;
	}
	if (nms == 0) {
		free(ms);
		return cn_err_set(err, CN_EREFUSED, "the %s has no members on %s",
				  b->name, cn_date_format(now, d));
	}
	if ((rc = freeze_weights(rule_src, ms, nms, now, &weights, err))) {
		free(ms);
		return rc;
	}
	el = json_array();
	for (i = 0; el && i < nms; i++)
		if (json_array_append_new(el, json_string(ms[i]->code))) {
			json_decref(el);
			el = NULL;
		}
	free(ms);
	effects = eff_in ? json_deep_copy(eff_in) : json_array();
	/* Optional fields are added one by one: jansson's "s*" would drop a
	 * string it ran out of memory making, not fail. */
	pl = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o}",
		       "id", (json_int_t)(w->nproposals + 1), "body", b->id,
		       "title", title, "text", text ? text : "",
		       "procedure", cn_proc_name(proc), "rule", rule_src,
		       "proposer", proposer,
		       "shared", a->shared || (old && old->shared), "electorate",
		       el, "effects", effects);
	if (deadline != CN_TIME_NONE)
		pl = with(pl, "deadline", json_string(cn_time_format(deadline, d)));
	if (a->level)
		pl = with(pl, "level", json_string(a->level));
	if (a->place)
		pl = with(pl, "place", json_string(a->place));
	if (weights)
		pl = with(pl, "weights", weights);
	if (bits != CN_BREAK_OBJECT)
		pl = with(pl, "breaks", cn_silence_breaks_json(bits));
	if (old)
		pl = with(pl, "supersedes", json_integer(old->id));
	if (a->rule)
		pl = with(pl, "rule_name", json_string(a->rule));
	if (a->concerned)
		pl = with(pl, "concerned", json_string(a->concerned));
	if ((rc = emit(box, now, CN_EV_PROPOSAL_CREATED, pl, err)))
		return rc;
	*new_id = (int64_t)w->nproposals + 1;
	/* The old proposal's record says which took it up. */
	if (old)
		return emit(box, now, CN_EV_PROPOSAL_SUPERSEDED,
			    json_pack("{s:I, s:I}", "proposal", (json_int_t)old->id,
				      "by", (json_int_t)*new_id), err);
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
		enum cn_ev type;
		json_t *pl;
		struct cn_err why;

		/* conclude() checked them all; the registry cannot have moved
		 * since, but never emit an effect that does not fit. */
		if ((rc = cn_effect_check(w, at, i, e, &why)))
			return cn_err_set(err, rc == CN_ENOMEM ? rc : CN_EREFUSED,
					  "proposal %lld cannot be adopted: %s",
					  (long long)p->id, why.msg);
		if ((rc = cn_effect_event(p->id, p->body, e, at, &type, &pl, err)) ||
		    (rc = emit_decision(box, p, at, type, pl, err)))
			return rc;
	}
	return 0;
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
			rc = cn_effect_check(w, at, i, e, &why);
			if (rc == 0)
				continue;
			/* Running out of memory is no reason to lapse. */
			if (rc == CN_ENOMEM)
				return cn_err_set(err, CN_ENOMEM, "%s", why.msg);
			char text[CN_ERR_MSG_MAX + 64];
			snprintf(text, sizeof(text), "lapsed: adopted under the rule, "
				 "but %s", why.msg);
			return emit_decision(box, p, at, CN_EV_PROCEDURE_CONCLUDED,
				    json_pack("{s:I, s:s, s:s, s:[], s:[]}", "proposal",
					      (json_int_t)p->id, "outcome", "lapsed",
					      "explanation", text, "blocking",
					      "holding"), err);
		}
	}
	pl = json_pack("{s:I, s:s, s:s, s:o, s:o}", "proposal",
		       (json_int_t)p->id, "outcome", cn_verdict_name(r->verdict),
		       "explanation", r->explanation, "blocking",
		       cn_jstrings(r->blocking, r->nblocking), "holding",
		       cn_jstrings(r->holding, r->nholding));
	/* A vote's record says how many voted which way (yes-no-abstain,
	 * as the UN announces it), those who did not vote counted as not
	 * participating. */
	if (cn_proc_votes(p->proc))
		pl = with(pl, "tally", cn_vote_tally(p, 1));
	if ((rc = emit_decision(box, p, at, CN_EV_PROCEDURE_CONCLUDED, pl, err)))
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
	char d[CN_TIME_BUF];

	if (!p)
		return cn_err_set(err, CN_ENOTFOUND, "no proposal %lld",
				  (long long)id);
	if (p->concluded)
		return cn_err_set(err, CN_ECONCLUDED,
				  "proposal %lld was concluded on %s (%s); it "
				  "takes no further action", (long long)id,
				  cn_time_format(p->concluded_at, d), p->explanation);
	*out = p;
	return cn_timeline_in_order(p, now, err);
}

/* A silence that was broken, ending the procedure: allies may still join
 * the break until its deadline. */
static int broken_silence(const struct cn_proposal *p)
{
	return p->concluded && p->proc == CN_PROC_SILENCE &&
	       json_array_size(p->breaks) && !strcmp(p->outcome, "blocked");
}

/* Carry the delegation's signature, when there is one, into the event. */
static json_t *signed_payload(json_t *pl, const struct cn_respond_args *a)
{
	if (a->signature)
		pl = with(pl, "signature", json_string(a->signature));
	if (a->signature && a->declared)
		pl = with(pl, "declared", json_true());
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
	rc = emit(box, now, CN_EV_KEY_REGISTERED,
		  with(json_pack("{s:s, s:s, s:s}", "member", m->code, "vkey",
				 vkey, "key_id", hex), "replaces",
		       m->key_vkey ? json_string(m->key_vkey) : json_null()),
		  err);
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

/* Why `code` cannot state a position on p: outside its frozen
 * electorate, for whichever reason. */
static int not_in_electorate(const struct cn_world *w,
			     const struct cn_proposal *p, const char *code,
			     struct cn_err *err)
{
	const struct cn_body *body = cn_world_body(w, p->body);
	const char *concerned = cn_jstr(p->extra, "concerned");
	char d[CN_TIME_BUF];
	int rc;

	if (concerned && !strcmp(concerned, code))
		return cn_err_set(err, CN_EREFUSED,
				  "%s is the State concerned: proposal %lld is "
				  "decided without it", code, (long long)p->id);
	if (cn_body_has(w, body, code, p->opened))
		/* A member admitted after the procedure opened, with an
		 * accession dated before it: the electorate was frozen
		 * without it. */
		return cn_err_set(err, CN_EREFUSED,
				  "%s is not in the electorate of proposal %lld, "
				  "frozen when it opened on %s (%s was admitted "
				  "afterwards)", code, (long long)p->id,
				  cn_date_format(p->opened, d), code);
	rc = cn_explain_not_member(w, body, code, p->opened, err);
	cn_err_prefix(err, "proposal %lld (electorate frozen on %s): ",
		      (long long)p->id, cn_date_format(p->opened, d));
	return rc;
}

/* The members of a letter breaking silence: the sender, then those who
 * sign it with it; each in the electorate, once, none who broke silence
 * before (new array into *out). */
static int letter_members(const struct cn_world *w,
			  const struct cn_proposal *p, const char *member,
			  const json_t *joint, json_t **out, struct cn_err *err)
{
	json_t *ms = json_pack("[s]", member);
	const json_t *x, *brk;
	size_t i, k;
	int rc = 0;

	if (!ms)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if (joint && !json_is_array(joint))
		rc = cn_err_set(err, CN_EINVAL,
				"the members of a joint letter (field 'joint') "
				"are a list of codes");
	json_array_foreach(joint, i, x) {
		if (rc)
			break;
		if (!json_is_string(x))
			rc = cn_err_set(err, CN_EINVAL, "joint: member codes are "
					"strings");
		else if (!find_ballot(p, json_string_value(x)))
			rc = not_in_electorate(w, p, json_string_value(x), err);
		else if (json_array_append_new(ms, json_string(json_string_value(x))))
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	json_array_foreach(ms, i, x) {
		if (rc)
			break;
		for (k = 0; k < i && rc == 0; k++)
			if (json_equal(json_array_get(ms, k), x))
				rc = cn_err_set(err, CN_EINVAL,
						"%s signs the letter once",
						json_string_value(x));
		if (rc == 0 && (brk = cn_silence_break_of(p, json_string_value(x))))
			rc = cn_err_set(err, CN_EREFUSED,
					"%s broke silence on proposal %lld already "
					"(%s)", json_string_value(x),
					(long long)p->id,
					cn_jstr(brk, "at") ? cn_jstr(brk, "at") : "");
	}
	if (rc)
		json_decref(ms);
	else
		*out = ms;
	return rc;
}

/* A letter breaking silence (an objection, or a proposed amendment where
 * the procedure allows it): recorded, and, unless an earlier break already
 * did, ending the procedure, blocked, naming every member who signed.  A
 * later letter joins the break: the outcome names its members too. */
static int break_silence(const struct cn_world *w, const struct cn_proposal *p,
			 int64_t now, const struct cn_respond_args *a,
			 struct cn_outbox *box, struct cn_err *err)
{
	int amend = a->act == CN_ACT_AMEND;
	json_t *members = NULL, *pl;
	int rc;

	if (!a->text || !*a->text)
		return cn_err_set(err, CN_EINVAL,
				  amend ? "a proposed amendment needs its text "
					  "(field 'text')"
					: "breaking silence needs a reason (field "
					  "'reason'): it is the letter of objection");
	if (amend && !(p->silence_breaks & CN_BREAK_AMEND))
		return cn_err_set(err, CN_EREFUSED,
				  "under the silence procedure of proposal %lld "
				  "only an objection breaks silence: put the "
				  "amendment on record as a comment, or object",
				  (long long)p->id);
	if (a->signature && (amend || json_array_size(a->joint)))
		return cn_err_set(err, CN_EINVAL,
				  "a signature covers one delegation's objection; "
				  "a joint letter or a proposed amendment is "
				  "recorded unsigned");
	if ((rc = letter_members(w, p, a->member, a->joint, &members, err)))
		return rc;
	pl = json_pack("{s:I, s:s, s:s}", "proposal", (json_int_t)p->id,
		       "member", a->member, "reason", a->text);
	if (amend)
		pl = with(pl, "kind", json_string("amend"));
	if (json_array_size(members) > 1)
		pl = with(pl, "members", json_incref(members));
	if ((rc = emit(box, now, CN_EV_SILENCE_BROKEN, signed_payload(pl, a),
		       err)) || p->concluded) {
		json_decref(members);
		return rc;
	}
	struct cn_rule_result r = {.verdict = CN_VERDICT_BLOCKED};
	char why[CN_ERR_MSG_MAX];
	char **who = calloc(json_array_size(members), sizeof(*who));
	const json_t *x;
	size_t i;
	if (!who) {
		json_decref(members);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	json_array_foreach(members, i, x)
		who[i] = (char *)json_string_value(x);
	r.explanation = cn_silence_explanation(members, why, sizeof(why));
	r.blocking = who;
	r.nblocking = json_array_size(members);
	rc = conclude(w, p, now, &r, box, err);
	free(who);
	json_decref(members);
	return rc;
}

int cn_cmd_respond(const struct cn_world *w, int64_t now,
		   const struct cn_respond_args *a, struct cn_outbox *box,
		   struct cn_err *err)
{
	const struct cn_proposal *p = cn_world_proposal(w, a->proposal);
	const struct cn_ballot *b;
	char d[CN_TIME_BUF];
	int breaks, rc;

	breaks = a->act == CN_ACT_AMEND ||
		 (a->act == CN_ACT_POSITION && a->pos == CN_POS_OBJECT);
	/* An ally may join a break of silence until the deadline, though the
	 * first break ended the procedure. */
	if (p && breaks && broken_silence(p) && now < p->deadline) {
		if ((rc = cn_timeline_in_order(p, now, err)))
			return rc;
	} else if ((rc = open_proposal(w, a->proposal, now, &p, err)))
		return rc;
	if (!a->member || !*a->member)
		return cn_err_set(err, CN_EINVAL,
				  "a position needs a member (field 'member')");
	if (!(b = find_ballot(p, a->member)))
		return not_in_electorate(w, p, a->member, err);
	/* After the deadline only a standing reservation keeps a silence
	 * procedure open, and lifting it is the one move left. */
	if (p->proc == CN_PROC_SILENCE && now >= p->deadline &&
	    a->act != CN_ACT_LIFT)
		return cn_err_set(err, CN_EREFUSED,
				  "the silence period of proposal %lld ended at %s",
				  (long long)p->id, cn_time_format(p->deadline, d));
	if (cn_proc_votes(p->proc) && a->act != CN_ACT_COMMENT)
		return cn_err_set(err, CN_EREFUSED,
				  "proposal %lld is put to a %s vote: members "
				  "vote yes, no, abstain or not-participating "
				  "(a comment is still on the record)",
				  (long long)p->id, cn_proc_name(p->proc));
	if (a->act == CN_ACT_AMEND && p->proc != CN_PROC_SILENCE)
		return cn_err_set(err, CN_EREFUSED,
				  "a proposed amendment breaks silence, and "
				  "proposal %lld is under the %s procedure: put "
				  "it on record as a comment", (long long)p->id,
				  cn_proc_name(p->proc));
	if (a->public_note && !(a->act == CN_ACT_POSITION &&
				a->pos == CN_POS_FOOTNOTE))
		return cn_err_set(err, CN_EINVAL,
				  "only a footnote is made public (field 'public')");
	if (a->joint && !(p->proc == CN_PROC_SILENCE && breaks))
		return cn_err_set(err, CN_EINVAL,
				  "a joint letter (field 'joint') breaks silence; "
				  "other positions are each delegation's own");

	if (a->signature && a->act != CN_ACT_AMEND) {
		const char *pn = a->act == CN_ACT_LIFT ? "lift"
				 : a->act == CN_ACT_COMMENT ? "comment"
				 : cn_pos_name(a->pos);
		if ((rc = cn_position_verify(cn_world_member(w, b->code), p->id,
					     p->revision, pn,
					     a->act == CN_ACT_LIFT ? NULL : a->text,
					     a->declared, a->signature, err)))
			return rc;
	}
	if (p->proc == CN_PROC_SILENCE && breaks)
		return break_silence(w, p, now, a, box, err);
	if (a->act == CN_ACT_COMMENT) {
		if (!a->text || !*a->text)
			return cn_err_set(err, CN_EINVAL, "a comment needs text");
		return emit(box, now, CN_EV_COMMENT_MADE,
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
		return emit(box, now, CN_EV_RESERVATION_LIFTED,
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
	if (a->text)
		pl = with(pl, "text", json_string(a->text));
	if (a->declared)
		pl = with(pl, "declared", json_true());
	if (a->public_note)
		pl = with(pl, "public", json_true());
	if ((rc = emit(box, now, CN_EV_POSITION_STATED, signed_payload(pl, a), err)))
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
		return cn_err_set(err, CN_EINVAL,
				  "extending needs a new deadline (field 'deadline')");
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
	return emit(box, now, CN_EV_DEADLINE_EXTENDED,
		    json_pack("{s:I, s:s, s:s}", "proposal", (json_int_t)id,
			      "deadline", cn_time_format(t, d), "previous",
			      cn_time_format(p->deadline, (char[CN_TIME_BUF]){0})),
		    err);
}

/* Once silence is broken the matter returns to the Council: a revised
 * text recirculated takes it up in a new proposal, under silence again,
 * that supersedes the broken one (same body, title, effects and sharing),
 * so the record keeps both. */
static int recirculate_broken(const struct cn_world *w, int64_t now,
			      const struct cn_proposal *p, const char *text,
			      const char *deadline, struct cn_outbox *box,
			      struct cn_err *err)
{
	json_t *breaks = p->silence_breaks != CN_BREAK_OBJECT
				 ? cn_silence_breaks_json(p->silence_breaks)
				 : NULL;
	struct cn_propose_args a = {
		.body = p->body, .title = p->title, .text = text,
		.procedure = "silence", .deadline = deadline,
		.proposer = p->proposer, .shared = p->shared,
		.effects = p->effects, .supersedes = p->id, .breaks = breaks};
	int64_t id;
	int rc;

	if (p->silence_breaks != CN_BREAK_OBJECT && !breaks)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	rc = cn_cmd_propose(w, now, &a, box, &id, err);
	json_decref(breaks);
	return rc;
}

int cn_cmd_recirculate(const struct cn_world *w, int64_t now, int64_t id,
		       const char *text, const char *deadline,
		       struct cn_outbox *box, struct cn_err *err)
{
	const struct cn_proposal *p = cn_world_proposal(w, id);
	int64_t t;
	char d[CN_TIME_BUF];
	int rc;

	if (!(p && broken_silence(p)) &&
	    ((rc = open_proposal(w, id, now, &p, err)) ||
	     (rc = silence_only(p, "recirculated", err))))
		return rc;
	if (!text || !*text)
		return cn_err_set(err, CN_EINVAL,
				  "recirculating needs the revised text (field 'text')");
	if (!deadline)
		return cn_err_set(err, CN_EINVAL,
				  "recirculating needs a new deadline (field 'deadline')");
	if (broken_silence(p))
		return recirculate_broken(w, now, p, text, deadline, box, err);
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
	return emit(box, now, CN_EV_TEXT_RECIRCULATED,
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
	if (p->proc == CN_PROC_WRITTEN && now < p->deadline) {
		json_t *t = cn_vote_tally(p, 0);
		json_int_t waiting = json_integer_value(json_object_get(t, "not_voted"));
		json_decref(t);
		if (!t)
			return cn_err_set(err, CN_ENOMEM, "out of memory");
		if (waiting)
			return cn_err_set(err, CN_EREFUSED,
					  "proposal %lld is a written vote until %s, "
					  "and %lld members have not voted: it is "
					  "closed early only once every member has",
					  (long long)id, cn_time_format(p->deadline, d),
					  (long long)waiting);
	}
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
	return emit(box, now, CN_EV_PROCEDURE_CONCLUDED,
		    json_pack("{s:I, s:s, s:s, s:[], s:[]}", "proposal",
			      (json_int_t)id, "outcome", "withdrawn",
			      "explanation", why, "blocking", "holding"), err);
}

/* ---- votes ---------------------------------------------------------------- */

/* A member refusing the written procedure: its use needs every member's
 * agreement, so the procedure ends at once, not adopted. */
static int refuse_written(const struct cn_world *w, const struct cn_proposal *p,
			  int64_t now, const struct cn_vote_args *a,
			  struct cn_outbox *box, struct cn_err *err)
{
	struct cn_rule_result r = {.verdict = CN_VERDICT_BLOCKED};
	char why[128], *who[1] = {(char *)a->member};
	int rc;

	if (p->proc != CN_PROC_WRITTEN)
		return cn_err_set(err, CN_EINVAL,
				  "only the written procedure is refused (field "
				  "'refuse'); proposal %lld is a %s vote",
				  (long long)p->id, cn_proc_name(p->proc));
	if (!*a->refuse)
		return cn_err_set(err, CN_EINVAL,
				  "refusing the written procedure needs a reason "
				  "(field 'refuse')");
	if (a->vote || a->declared)
		return cn_err_set(err, CN_EINVAL,
				  "a member refusing the written procedure casts "
				  "no vote in it (fields 'vote', 'refuse')");
	if ((rc = emit(box, now, CN_EV_WRITTEN_REFUSED,
		       json_pack("{s:I, s:s, s:s}", "proposal", (json_int_t)p->id,
				 "member", a->member, "reason", a->refuse), err)))
		return rc;
	snprintf(why, sizeof(why), "blocked: %s did not agree to the written "
		 "procedure", a->member);
	r.explanation = why;
	r.blocking = who;
	r.nblocking = 1;
	return conclude(w, p, now, &r, box, err);
}

int cn_cmd_vote(const struct cn_world *w, int64_t now,
		const struct cn_vote_args *a, struct cn_outbox *box,
		struct cn_err *err)
{
	const struct cn_proposal *p = NULL;
	const struct cn_ballot *b;
	enum cn_vote v;
	char d[CN_TIME_BUF];
	int rc;

	if ((rc = open_proposal(w, a->proposal, now, &p, err)))
		return rc;
	if (!cn_proc_votes(p->proc))
		return cn_err_set(err, CN_EREFUSED,
				  "proposal %lld is under the %s procedure: "
				  "members state positions there (respond), not "
				  "votes", (long long)p->id, cn_proc_name(p->proc));
	if (!a->member || !*a->member)
		return cn_err_set(err, CN_EINVAL,
				  "a vote needs a member (field 'member')");
	if (!(b = find_ballot(p, a->member)))
		return not_in_electorate(w, p, a->member, err);
	if (p->proc == CN_PROC_WRITTEN && now >= p->deadline)
		return cn_err_set(err, CN_EREFUSED,
				  "the written procedure of proposal %lld ended "
				  "at %s", (long long)p->id,
				  cn_time_format(p->deadline, d));
	if (a->refuse)
		return refuse_written(w, p, now, a, box, err);
	if (!a->vote)
		return cn_err_set(err, CN_EINVAL,
				  "a vote is yes, no, abstain or not-participating "
				  "(field 'vote')");
	if (cn_vote_parse(a->vote, &v))
		return cn_err_set(err, CN_EINVAL,
				  "unknown vote '%s' (expected yes, no, abstain or "
				  "not-participating)", a->vote);
	if (a->declared && v != CN_VOTE_ABSTAIN)
		return cn_err_set(err, CN_EINVAL,
				  "only an abstention can carry a formal "
				  "declaration (field 'declared')");
	const char *prev = cn_ballot_vote(b);
	if (prev && !strcmp(prev, a->vote) && b->declared == a->declared &&
	    (!a->text || (b->text && !strcmp(a->text, b->text))))
		return cn_err_set(err, CN_EREFUSED,
				  "%s's vote on proposal %lld is already %s",
				  b->code, (long long)p->id, prev);
	json_t *pl = json_pack("{s:I, s:s, s:s, s:s}", "proposal",
			       (json_int_t)p->id, "member", b->code, "vote",
			       cn_vote_name(v), "previous", prev ? prev : "none");
	if (a->text)
		pl = with(pl, "text", json_string(a->text));
	if (a->declared)
		pl = with(pl, "declared", json_true());
	return emit(box, now, CN_EV_VOTE_CAST, pl, err);
}

int cn_cmd_tick(const struct cn_world *w, int64_t now, struct cn_outbox *box,
		struct cn_err *err)
{
	for (size_t i = 0; i < w->nproposals; i++) {
		const struct cn_proposal *p = w->proposals[i];
		struct cn_rule_result r = {0};
		int rc;

		if (p->concluded || (p->proc != CN_PROC_SILENCE &&
				     p->proc != CN_PROC_WRITTEN) ||
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
		/* Never before an event it counts (timeline.h). */
		if (at < p->last_at)
			at = p->last_at;
		if (r.verdict != CN_VERDICT_PENDING)
			rc = conclude(w, p, at, &r, box, err);
		cn_rule_result_release(&r);
		if (rc)
			return rc;
	}
	return 0;
}
