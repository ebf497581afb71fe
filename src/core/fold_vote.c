/*
 * fold_vote.c - the apply functions of the vote events: vote.cast (a
 * member's answer in a roll-call or written vote) and written.refused (a
 * member not agreeing to the written procedure).  See fold.h, vote.h.
 *
 * Each checks everything it reads before it changes the proposal, so a
 * corrupt event leaves it as it was.
 */
#include "fold.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "vote.h"

static int corrupt(struct cn_err *err, const struct cn_event *ev,
		   const char *what)
{
	return cn_err_set(err, CN_ECORRUPT, "event %lld (%s): %s",
			  (long long)ev->seq, ev->type, what);
}

/* The open proposal and the voter an event names, or NULL (err set). */
static struct cn_ballot *voter_of(struct cn_world *w, const struct cn_event *ev,
				  struct cn_proposal **out, struct cn_err *err,
				  int *rc)
{
	const json_t *pl = ev->payload;
	struct cn_proposal *p = cn_world_proposal(
		w, json_integer_value(json_object_get(pl, "proposal")));
	const char *code = cn_jstr(pl, "member");

	*rc = 0;
	if (!p || p->concluded || !cn_proc_votes(p->proc)) {
		*rc = corrupt(err, ev, "needs an open roll-call or written vote");
		return NULL;
	}
	if (p->proc == CN_PROC_WRITTEN && ev->time >= p->deadline) {
		*rc = corrupt(err, ev, "after the written procedure's deadline");
		return NULL;
	}
	for (size_t i = 0; code && i < p->nballots; i++)
		if (!strcmp(p->ballots[i].code, code)) {
			*out = p;
			return &p->ballots[i];
		}
	*rc = corrupt(err, ev, "the member is not in the electorate");
	return NULL;
}

/* Give ballot b the position, text and extra facts (x taken). */
static int record(struct cn_proposal *p, struct cn_ballot *b, enum cn_pos pos,
		  int declared, const char *text, json_t *x, int64_t at)
{
	char *t = text ? strdup(text) : NULL;

	if (!x || (text && !t)) {
		json_decref(x);
		free(t);
		return CN_ENOMEM;
	}
	free(b->text);
	b->text = t;
	json_decref(b->extra);
	b->extra = x;
	b->pos = pos;
	b->declared = declared;
	b->at = at;
	if (at > p->last_at)
		p->last_at = at;
	return 0;
}

int cn_fold_vote_cast(struct cn_world *w, const struct cn_event *ev,
		      struct cn_err *err)
{
	const json_t *pl = ev->payload, *decl = json_object_get(pl, "declared");
	struct cn_proposal *p = NULL;
	struct cn_ballot *b;
	enum cn_vote v;
	int rc;

	if (!(b = voter_of(w, ev, &p, err, &rc)))
		return rc;
	if (cn_vote_parse(cn_jstr(pl, "vote"), &v))
		return corrupt(err, ev, "the vote is yes, no, abstain or "
			       "not-participating");
	if (decl && (!json_is_true(decl) || v != CN_VOTE_ABSTAIN))
		return corrupt(err, ev, "only an abstention carries a declaration");
	if (json_object_get(pl, "signature"))
		return corrupt(err, ev, "a vote carries no signature");
	return record(p, b, cn_vote_pos(v), decl != NULL, cn_jstr(pl, "text"),
		      json_pack("{s:s}", "vote", cn_vote_name(v)), ev->time);
}

int cn_fold_written_refused(struct cn_world *w, const struct cn_event *ev,
			    struct cn_err *err)
{
	const json_t *pl = ev->payload;
	struct cn_proposal *p = NULL;
	struct cn_ballot *b;
	int rc;

	if (!(b = voter_of(w, ev, &p, err, &rc)))
		return rc;
	if (p->proc != CN_PROC_WRITTEN || !cn_jstr(pl, "reason"))
		return corrupt(err, ev, "a refusal of the written procedure "
			       "needs one, and a reason");
	if (json_object_get(pl, "signature"))
		return corrupt(err, ev, "a refusal carries no signature");
	return record(p, b, CN_POS_OBJECT, 0, cn_jstr(pl, "reason"),
		      json_pack("{s:b}", "refused_procedure", 1), ev->time);
}
