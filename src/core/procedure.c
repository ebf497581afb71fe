/*
 * procedure.c - the steps every command of the procedures shares
 * (procedure_step.h): the outbox and the events put in it, finding the
 * open proposal and a member's ballot, and concluding a procedure with
 * the registry events of its decision.  The commands are procedure_*.c;
 * procedure.h is their interface.
 */
#include "procedure.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "effect.h"
#include "procedure_step.h"
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

/* ---- the outbox ----------------------------------------------------------- */

int cn_outbox_emit(struct cn_outbox *box, int64_t time, enum cn_ev type,
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

int cn_outbox_emit_decision(struct cn_outbox *box,
			    const struct cn_proposal *p, int64_t time,
			    enum cn_ev type, json_t *payload,
			    struct cn_err *err)
{
	int rc = cn_outbox_emit(box, time, type, payload, err);

	if (rc == 0)
		snprintf(box->items[box->n - 1].actor, CN_ACTOR_MAX, "body:%s",
			 p->body);
	return rc;
}

json_t *cn_payload_with(json_t *o, const char *key, json_t *v)
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

/* ---- the proposal acted on ------------------------------------------------ */

int cn_procedure_open(const struct cn_world *w, int64_t id, int64_t now,
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

int cn_procedure_broken_silence(const struct cn_proposal *p)
{
	return p->concluded && p->proc == CN_PROC_SILENCE &&
	       json_array_size(p->breaks) && !strcmp(p->outcome, "blocked");
}

const struct cn_ballot *cn_procedure_ballot(const struct cn_proposal *p,
					    const char *code)
{
	for (size_t i = 0; i < p->nballots; i++)
		if (!strcmp(p->ballots[i].code, code))
			return &p->ballots[i];
	return NULL;
}

int cn_procedure_not_in_electorate(const struct cn_world *w,
				   const struct cn_proposal *p,
				   const char *code, struct cn_err *err)
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

/* ---- conclusion ----------------------------------------------------------- */

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

		/* cn_procedure_conclude() checked them all; the registry
		 * cannot have moved since, but never emit an effect that
		 * does not fit. */
		if ((rc = cn_effect_check(w, at, i, e, &why)))
			return cn_err_set(err, rc == CN_ENOMEM ? rc : CN_EREFUSED,
					  "proposal %lld cannot be adopted: %s",
					  (long long)p->id, why.msg);
		if ((rc = cn_effect_event(p->id, p->body, e, at, &type, &pl, err)) ||
		    (rc = cn_outbox_emit_decision(box, p, at, type, pl, err)))
			return rc;
	}
	return 0;
}

int cn_procedure_conclude(const struct cn_world *w,
			  const struct cn_proposal *p, int64_t at,
			  const struct cn_rule_result *r,
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
			return cn_outbox_emit_decision(box, p, at,
				CN_EV_PROCEDURE_CONCLUDED,
				json_pack("{s:I, s:s, s:s, s:[], s:[]}",
					  "proposal", (json_int_t)p->id,
					  "outcome", "lapsed", "explanation",
					  text, "blocking", "holding"), err);
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
		pl = cn_payload_with(pl, "tally", cn_vote_tally(p, 1));
	if ((rc = cn_outbox_emit_decision(box, p, at,
					  CN_EV_PROCEDURE_CONCLUDED, pl, err)))
		return rc;
	if (r->verdict == CN_VERDICT_ADOPTED)
		return effect_events(w, p, at, box, err);
	return 0;
}
