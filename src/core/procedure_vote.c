/*
 * procedure_vote.c - a member's vote in a roll-call or written vote, or
 * its refusal of the written procedure, which ends it (cn_cmd_vote,
 * procedure.h; the votes themselves are vote.h).
 */
#include "procedure.h"

#include <stdio.h>
#include <string.h>

#include "procedure_step.h"
#include "timeutil.h"
#include "vote.h"

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
	if ((rc = cn_outbox_emit(box, now, CN_EV_WRITTEN_REFUSED,
		       json_pack("{s:I, s:s, s:s}", "proposal", (json_int_t)p->id,
				 "member", a->member, "reason", a->refuse), err)))
		return rc;
	snprintf(why, sizeof(why), "blocked: %s did not agree to the written "
		 "procedure", a->member);
	r.explanation = why;
	r.blocking = who;
	r.nblocking = 1;
	return cn_procedure_conclude(w, p, now, &r, box, err);
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

	if ((rc = cn_procedure_open(w, a->proposal, now, &p, err)))
		return rc;
	if (!cn_proc_votes(p->proc))
		return cn_err_set(err, CN_EREFUSED,
				  "proposal %lld is under the %s procedure: "
				  "members state positions there (respond), not "
				  "votes", (long long)p->id, cn_proc_name(p->proc));
	if (!a->member || !*a->member)
		return cn_err_set(err, CN_EINVAL,
				  "a vote needs a member (field 'member')");
	if (!(b = cn_procedure_ballot(p, a->member)))
		return cn_procedure_not_in_electorate(w, p, a->member, err);
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
		pl = cn_payload_with(pl, "text", json_string(a->text));
	if (a->declared)
		pl = cn_payload_with(pl, "declared", json_true());
	return cn_outbox_emit(box, now, CN_EV_VOTE_CAST, pl, err);
}
