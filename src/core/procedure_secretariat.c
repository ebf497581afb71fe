/*
 * procedure_secretariat.c - the secretariat's and the chair's actions on
 * a proposal (procedure.h): extending a silence period, recirculating a
 * revised text (a new proposal once silence was broken), concluding, and
 * withdrawing.
 */
#include "procedure.h"

#include <stdio.h>

#include "procedure_step.h"
#include "silence.h"
#include "timeutil.h"
#include "vote.h"

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

	if ((rc = cn_procedure_open(w, id, now, &p, err)) ||
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
	return cn_outbox_emit(box, now, CN_EV_DEADLINE_EXTENDED,
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

	if (!(p && cn_procedure_broken_silence(p)) &&
	    ((rc = cn_procedure_open(w, id, now, &p, err)) ||
	     (rc = silence_only(p, "recirculated", err))))
		return rc;
	if (!text || !*text)
		return cn_err_set(err, CN_EINVAL,
				  "recirculating needs the revised text (field 'text')");
	if (!deadline)
		return cn_err_set(err, CN_EINVAL,
				  "recirculating needs a new deadline (field 'deadline')");
	if (cn_procedure_broken_silence(p))
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
	return cn_outbox_emit(box, now, CN_EV_TEXT_RECIRCULATED,
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

	if ((rc = cn_procedure_open(w, id, now, &p, err)))
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
	rc = cn_procedure_conclude(w, p, p->proc == CN_PROC_SILENCE ? p->deadline : now, &r,
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

	if ((rc = cn_procedure_open(w, id, now, &p, err)))
		return rc;
	snprintf(why, sizeof(why), "withdrawn%s%s", reason ? ": " : "",
		 reason ? reason : "");
	return cn_outbox_emit(box, now, CN_EV_PROCEDURE_CONCLUDED,
		    json_pack("{s:I, s:s, s:s, s:[], s:[]}", "proposal",
			      (json_int_t)id, "outcome", "withdrawn",
			      "explanation", why, "blocking", "holding"), err);
}
