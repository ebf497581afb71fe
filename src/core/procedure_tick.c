/*
 * procedure_tick.c - the clock (cn_cmd_tick, procedure.h): every silence
 * procedure and written vote whose deadline has passed is concluded at
 * its deadline, unless a reservation holds it.
 */
#include "procedure.h"

#include <assert.h>
#include <stdlib.h>

#include "procedure_step.h"

static int by_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The due procedures come from the world's deadline index (deadlines.c),
 * not from a look at every proposal; they conclude in id order, as they
 * always have. */
int cn_cmd_tick(const struct cn_world *w, int64_t now, struct cn_outbox *box,
		struct cn_err *err)
{
	size_t n = cn_world_due(w, now);
	int64_t *ids;
	int rc = 0;

	if (n == 0)
		return 0;
	if (!(ids = malloc(n * sizeof(*ids))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		ids[i] = w->deadlines[i].id;
	qsort(ids, n, sizeof(*ids), by_id);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct cn_proposal *p = cn_world_proposal(w, ids[i]);
		struct cn_rule_result r = {0};

		assert(p && !p->concluded && p->deadline <= now);
		if ((rc = cn_proposal_evaluate(w, p, 1, &r, err)))
			break;
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
			rc = cn_procedure_conclude(w, p, at, &r, box, err);
		cn_rule_result_release(&r);
	}
	free(ids);
	return rc;
}
