/*
 * deadlines.c - the world's deadline index: every open procedure that
 * concludes at its deadline (silence, written vote), sorted by (deadline,
 * id), kept by the fold (cn_world_apply calls cn_deadlines_track after
 * each proposal event).  The clock's tick reads the due prefix and the
 * server's alarm the first deadline after now, so neither grows with the
 * number of proposals the record holds, only with the open ones that are
 * due.  A sorted array rather than a heap: tick wants every due entry,
 * and an update is a binary search and one memmove of the open entries.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "timeutil.h"

static int before(const struct cn_deadline *a, int64_t deadline, int64_t id)
{
	return a->deadline < deadline || (a->deadline == deadline && a->id < id);
}

/* The index of the first entry not before (deadline, id). */
static size_t lower_bound(const struct cn_world *w, int64_t deadline,
			  int64_t id)
{
	size_t lo = 0, hi = w->ndeadlines;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (before(&w->deadlines[mid], deadline, id))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int wants_index(const struct cn_proposal *p)
{
	return !p->concluded && p->deadline != CN_TIME_NONE &&
	       (p->proc == CN_PROC_SILENCE || p->proc == CN_PROC_WRITTEN);
}

int cn_deadlines_track(struct cn_world *w, struct cn_proposal *p,
		       struct cn_err *err)
{
	int want = wants_index(p);
	size_t i;

	if (p->indexed && want && p->indexed_deadline == p->deadline)
		return 0;
	if (p->indexed) {
		i = lower_bound(w, p->indexed_deadline, p->id);
		/* The index holds what the proposal says it does. */
		assert(i < w->ndeadlines && w->deadlines[i].id == p->id);
		memmove(&w->deadlines[i], &w->deadlines[i + 1],
			(w->ndeadlines - i - 1) * sizeof(*w->deadlines));
		w->ndeadlines--;
		p->indexed = 0;
	}
	if (!want)
		return 0;
	if (w->ndeadlines == w->cap_deadlines) {
		size_t cap = w->cap_deadlines ? w->cap_deadlines * 2 : 16;
		struct cn_deadline *v = realloc(w->deadlines, cap * sizeof(*v));
		if (!v)
			return cn_err_set(err, CN_ENOMEM, "out of memory");
		w->deadlines = v;
		w->cap_deadlines = cap;
	}
	i = lower_bound(w, p->deadline, p->id);
	memmove(&w->deadlines[i + 1], &w->deadlines[i],
		(w->ndeadlines - i) * sizeof(*w->deadlines));
	w->deadlines[i] = (struct cn_deadline){p->deadline, p->id};
	w->ndeadlines++;
	p->indexed = 1;
	p->indexed_deadline = p->deadline;
	return 0;
}

size_t cn_world_due(const struct cn_world *w, int64_t now)
{
	/* Every entry with deadline <= now comes before (now + 1, 0). */
	return now == INT64_MAX ? w->ndeadlines : lower_bound(w, now + 1, 0);
}

int64_t cn_world_next_deadline(const struct cn_world *w, int64_t after)
{
	size_t i = cn_world_due(w, after);
	return i < w->ndeadlines ? w->deadlines[i].deadline : CN_TIME_NONE;
}
