/*
 * proposal_view.c - the JSON views of proposals and offices, and the
 * evaluation of a proposal's rule they show; see proposal_view.h.
 */
#include "proposal_view.h"

#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "buf.h"
#include "effect.h"
#include "silence.h"
#include "timeutil.h"
#include "vote.h"

/* weight(): the figures frozen into the proposal when it opened. */
static int frozen_weight(void *ctx, const char *member, const char *name,
			 double *out)
{
	const char *v = cn_jstr(json_object_get(ctx, name), member);

	if (!v)
		return CN_ENOTFOUND;
	*out = cn_attribute_number(v);
	return 0;
}

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
	/* The figures of the day the procedure opened, frozen with the
	 * electorate (docs/RULES.md, "Attributes"). */
	if (p->weights) {
		in.attr = frozen_weight;
		in.attr_ctx = p->weights;
	}
	rc = cn_rule_eval(p->rule, &in, res, err);
	free(v);
	return rc;
}


static json_t *time_or_null(int64_t t)
{
	char d[CN_TIME_BUF];
	if (t == CN_TIME_NONE || t == INT64_MIN)
		return json_null();
	return json_string(cn_time_format(t, d));
}

/* o[key] = v (taken); a failure (out of memory) sets *bad, so a view is
 * returned whole or not at all. */
static void set(json_t *o, const char *key, json_t *v, int *bad)
{
	if (json_object_set_new(o, key, v))
		*bad = 1;
}

/* Give back j, or NULL (releasing j) when anything went missing. */
static json_t *whole(json_t *j, int bad)
{
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

json_t *cn_office_json(const struct cn_world *w, const struct cn_office *o,
		       int64_t at)
{
	json_t *j = json_deep_copy(o->record);
	char why[300];
	int in, bad = 0;

	if (!j)
		return NULL;
	in = cn_treaty_in_area(w, o->country, o->has_coords, o->lat_e6, at, why,
			       sizeof(why));
	set(j, "open", json_boolean(cn_office_open(o, at)), &bad);
	set(j, "opened_known",
	    json_boolean(json_is_string(json_object_get(o->record, "opened"))),
	    &bad);
	set(j, "out_of_area", json_boolean(!in), &bad);
	set(j, "treaty_area", json_string(why), &bad);
	if (o->decision)
		set(j, "decision", json_integer(o->decision), &bad);
	return whole(j, bad);
}

/* The effects, each open-office one with its treaty-area check as of the
 * conclusion (or the opening while open). */
static json_t *effects_json(const struct cn_world *w,
			    const struct cn_proposal *p)
{
	json_t *a = json_array();
	const json_t *e;
	size_t i;
	int bad = !a;

	json_array_foreach(p->effects, i, e) {
		json_t *x = json_deep_copy(e);
		enum cn_effect_kind kind;
		if (x && cn_effect_kind_of(e, &kind) == 0 &&
		    kind == CN_EFFECT_OPEN_OFFICE) {
			int64_t lat = 0;
			int has = cn_jstr(e, "lat") &&
				  cn_coord_parse(cn_jstr(e, "lat"), 90, &lat, NULL) == 0;
			char why[300];
			int in = cn_treaty_in_area(w, cn_jstr(e, "country"), has, lat,
						   p->concluded ? p->concluded_at
								: p->opened,
						   why, sizeof(why));
			set(x, "out_of_area", json_boolean(!in), &bad);
			set(x, "treaty_area", json_string(why), &bad);
		}
		if (json_array_append_new(a, x))
			bad = 1;
	}
	return whole(a, bad);
}

/* One ballot: member, position, and its text, declaration and time. */
static json_t *position_json(const struct cn_ballot *x)
{
	json_t *o = json_pack("{s:s, s:s}", "member", x->code, "position",
			      cn_pos_name(x->pos));
	int bad = !o;

	if (x->text)
		set(o, "text", json_string(x->text), &bad);
	if (x->declared)
		set(o, "declared", json_true(), &bad);
	if (x->pos != CN_POS_NONE)
		set(o, "at", time_or_null(x->at), &bad);
	/* signed and key, public, amendment, joint (world.h) */
	if (o && x->extra && json_object_update(o, x->extra))
		bad = 1;
	return whole(o, bad);
}

/* The footnotes the delegations made public, once the decision is
 * adopted: they are published with it, the rest stay confidential. */
static json_t *public_footnotes(const struct cn_proposal *p)
{
	json_t *a = json_array();
	int bad = !a;

	for (size_t i = 0; a && i < p->nballots; i++) {
		const struct cn_ballot *x = &p->ballots[i];
		if (x->pos != CN_POS_FOOTNOTE ||
		    !json_is_true(json_object_get(x->extra, "public")))
			continue;
		if (json_array_append_new(a, json_pack("{s:s, s:s}", "member",
						       x->code, "text",
						       x->text ? x->text : "")))
			bad = 1;
	}
	return whole(a, bad);
}

/* What issue 15 added to the view: the weights counted, what breaks
 * silence and every break, the link to the matter's other proposal, the
 * public footnotes of an adopted decision. */
static void add_record(json_t *j, const struct cn_proposal *p, int *bad)
{
	if (p->weights)
		set(j, "weights", json_deep_copy(p->weights), bad);
	/* Said only when there is something to say, so the views of
	 * proposals that use none of it read as they always have. */
	if (p->proc == CN_PROC_SILENCE && p->silence_breaks != CN_BREAK_OBJECT)
		set(j, "silence_breaks", cn_silence_breaks_json(p->silence_breaks),
		    bad);
	if (json_array_size(p->breaks))
		set(j, "breaks", json_deep_copy(p->breaks), bad);
	if (p->supersedes)
		set(j, "supersedes", json_integer(p->supersedes), bad);
	if (p->superseded_by)
		set(j, "superseded_by", json_integer(p->superseded_by), bad);
	if (p->concluded && !strcmp(p->outcome, "adopted"))
		set(j, "footnotes", public_footnotes(p), bad);
	/* issue 13: the named rule, the State concerned, and a vote's count
	 * and roll (who voted which way; while open, who has not voted). */
	if (p->extra && json_object_update(j, p->extra))
		*bad = 1;
	if (cn_proc_votes(p->proc)) {
		set(j, "tally", cn_vote_tally(p, p->concluded), bad);
		set(j, "votes", cn_vote_roll(p, p->concluded), bad);
	}
}

json_t *cn_proposal_json(const struct cn_world *w, const struct cn_proposal *p)
{
	struct cn_rule_result r = {0};
	json_t *j, *el = json_array(), *pos = json_array(), *outst = json_array();
	struct cn_err err;
	const struct cn_body *b = cn_world_body(w, p->body);
	int bad = !outst, rc;

	for (size_t i = 0; i < p->nballots; i++) {
		const struct cn_ballot *x = &p->ballots[i];
		if (json_array_append_new(el, json_string(x->code)) ||
		    json_array_append_new(pos, position_json(x)))
			bad = 1;
		/* Outstanding: whose word is still awaited.  Under
		 * ratification and any rule that needs every member's
		 * concurrence, everyone who has not concurred; otherwise
		 * those holding a reservation. */
		int awaited = x->pos == CN_POS_RESERVE;
		if (cn_proc_votes(p->proc))
			awaited = !cn_ballot_vote(x);
		else if (p->proc == CN_PROC_RATIFICATION ||
			 cn_rule_needs_all(p->rule))
			awaited = x->pos != CN_POS_CONCUR &&
				  x->pos != CN_POS_FOOTNOTE;
		if (awaited && !p->concluded &&
		    json_array_append_new(outst, json_string(x->code)))
			bad = 1;
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
	if (!j) {
		json_decref(outst);
		return NULL;
	}
	/* Keys in the order readers have always seen them. */
	set(j, "electorate_size", json_integer((json_int_t)p->nballots), &bad);
	if (p->level)
		set(j, "level", json_string(p->level), &bad);
	if (p->place)
		set(j, "place", json_string(p->place), &bad);
	set(j, "effects", effects_json(w, p), &bad);
	add_record(j, p, &bad);
	if (p->concluded) {
		set(j, "status", json_string("concluded"), &bad);
		set(j, "outcome", json_string(p->outcome), &bad);
		set(j, "explanation", json_string(p->explanation), &bad);
		set(j, "blocked_by", json_deep_copy(p->blocking), &bad);
		set(j, "holding", json_deep_copy(p->holding), &bad);
		set(j, "concluded", time_or_null(p->concluded_at), &bad);
	} else {
		set(j, "status", json_string("open"), &bad);
		set(j, "outcome", json_null(), &bad);
		if ((rc = cn_proposal_evaluate(w, p, 0, &r, &err)) == 0) {
			set(j, "verdict", json_string(cn_verdict_name(r.verdict)),
			    &bad);
			set(j, "explanation", json_string(r.explanation), &bad);
			set(j, "blocked_by", cn_jstrings(r.blocking, r.nblocking),
			    &bad);
			set(j, "holding", cn_jstrings(r.holding, r.nholding), &bad);
			cn_rule_result_release(&r);
		} else if (rc == CN_ENOMEM)
			bad = 1;
		else
			set(j, "explanation", json_string(err.msg), &bad);
	}
	set(j, "outstanding", outst, &bad);
	return whole(j, bad);
}
