/*
 * procedure_propose.c - opening a proposal (cn_cmd_propose, procedure.h):
 * the body, its rule and procedure in force, the electorate frozen with
 * the figures a weight() rule counts, the deadline and what breaks
 * silence, and a matter taken up again superseding the one not adopted.
 */
#include "procedure.h"

#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "body_decision.h"
#include "buf.h"
#include "effect.h"
#include "procedure_step.h"
#include "silence.h"
#include "timeline.h"
#include "timeutil.h"

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

int cn_named_rule(const struct cn_body *b, int64_t now, const char *name,
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
	if (a->rule && (rc = cn_named_rule(b, now, a->rule, &named, err)))
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
		pl = cn_payload_with(pl, "deadline", json_string(cn_time_format(deadline, d)));
	if (a->level)
		pl = cn_payload_with(pl, "level", json_string(a->level));
	if (a->place)
		pl = cn_payload_with(pl, "place", json_string(a->place));
	if (weights)
		pl = cn_payload_with(pl, "weights", weights);
	if (bits != CN_BREAK_OBJECT)
		pl = cn_payload_with(pl, "breaks", cn_silence_breaks_json(bits));
	if (old)
		pl = cn_payload_with(pl, "supersedes", json_integer(old->id));
	if (a->rule)
		pl = cn_payload_with(pl, "rule_name", json_string(a->rule));
	if (a->concerned)
		pl = cn_payload_with(pl, "concerned", json_string(a->concerned));
	if ((rc = cn_outbox_emit(box, now, CN_EV_PROPOSAL_CREATED, pl, err)))
		return rc;
	*new_id = (int64_t)w->nproposals + 1;
	/* The old proposal's record says which took it up. */
	if (old)
		return cn_outbox_emit(box, now, CN_EV_PROPOSAL_SUPERSEDED,
			    json_pack("{s:I, s:I}", "proposal", (json_int_t)old->id,
				      "by", (json_int_t)*new_id), err);
	return 0;
}
