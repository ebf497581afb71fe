/* remind_memo.c - what the reminders' rounds already decided; see
 * remind_memo.h. */
#include "remind_memo.h"

#include <stdlib.h>
#include <string.h>

static int cmp_decided(const struct remind_decided *a,
		       const struct remind_decided *b)
{
	const int64_t x[4] = {a->deadline, a->proposal, a->hook, a->offset};
	const int64_t y[4] = {b->deadline, b->proposal, b->hook, b->offset};

	for (int i = 0; i < 4; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

/* Where d is (*found), or would go. */
static size_t find(const struct remind_memo *m, const struct remind_decided *d,
		   int *found)
{
	size_t lo = 0, hi = m->n;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_decided(&m->v[mid], d);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int remind_memo_has(const struct remind_memo *m,
		    const struct remind_decided *d)
{
	int found;

	find(m, d, &found);
	return found;
}

int remind_memo_add(struct remind_memo *m, const struct remind_decided *d,
		    struct cn_err *err)
{
	int found;
	size_t i = find(m, d, &found);

	if (found)
		return 0;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		struct remind_decided *v = realloc(m->v, cap * sizeof(*v));
		if (!v)
			return cn_err_set(err, CN_ENOMEM, "out of memory");
		m->v = v;
		m->cap = cap;
	}
	memmove(&m->v[i + 1], &m->v[i], (m->n - i) * sizeof(*m->v));
	m->v[i] = *d;
	m->n++;
	return 0;
}

void remind_memo_forget(struct remind_memo *m, int64_t now)
{
	size_t k = 0;

	while (k < m->n && m->v[k].deadline <= now)
		k++;
	/* Nothing to forget: m->v may be NULL, and memmove from NULL is
	 * undefined even for zero bytes (it stopped servers under UBSan). */
	if (k == 0)
		return;
	memmove(m->v, m->v + k, (m->n - k) * sizeof(*m->v));
	m->n -= k;
}

void remind_memo_free(struct remind_memo *m)
{
	if (m)
		free(m->v);
	free(m);
}
