/*
 * analysis_gf.c - Banzhaf swings of a weighted majority game from its
 * generating function, each member's read off by an alternating sum of
 * prefix sums; see analysis_gf.h.
 */
#include "analysis_gf.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_words.h"

static int by_weight(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

	return (a > b) - (a < b);
}

/* Weights lightest first, in a new array (NULL when out of memory). */
static int64_t *sorted(const int64_t *w, size_t n)
{
	int64_t *s = malloc((n ? n : 1) * sizeof(*s));

	if (s) {
		memcpy(s, w, n * sizeof(*s));
		qsort(s, n, sizeof(*s), by_weight);
	}
	return s;
}

void cn_gf_cost(const int64_t *w, size_t n, int64_t q, unsigned L,
		uint64_t *words, uint64_t *adds)
{
	uint64_t sum = 0, cost = 0;
	int64_t *s = sorted(w, n);

	*words = ((uint64_t)q + 1) * L;
	for (size_t i = 0; i < n; i++) {
		int64_t wi = s ? s[i] : w[i];
		uint64_t reach;
		sum += (uint64_t)wi;
		reach = sum < (uint64_t)q ? sum : (uint64_t)q;
		cost += (reach >= (uint64_t)wi ? reach - (uint64_t)wi + 1 : 0) +
			(wi == 0 ? reach : 0);
		cost += wi ? (uint64_t)q / (uint64_t)wi + 1 : 0;
	}
	free(s);
	*adds = cost * L;
}

int cn_gf_banzhaf(const int64_t *w, size_t n, int64_t q, unsigned L,
		  uint64_t *winning, uint64_t *swings)
{
	/* P[s] for s = 0..q, L words each; first the coefficients f[s] at
	 * P[s + 1], then summed in place. */
	uint64_t *P = calloc(((size_t)q + 1) * L, sizeof(*P));
	uint64_t *pos = calloc(2 * L, sizeof(*pos)), *neg = pos + L;
	int64_t *s = sorted(w, n);
	int64_t reach = 0;

	assert(q > 0);
	if (!P || !pos || !s) {
		free(P);
		free(pos);
		free(s);
		return CN_ENOMEM;
	}
#define F(x) (P + ((size_t)(x) + 1) * L)  /* f[x], x in 0..q-1 */
	F(0)[0] = 1;
	for (size_t i = 0; i < n; i++) {
		int64_t wi = s[i];
		reach = reach + wi < q - 1 ? reach + wi : q - 1;
		if (wi == 0) {
			/* (1 + x^0) doubles every coefficient. */
			for (int64_t x = 0; x <= reach; x++)
				w_add(F(x), F(x), L);
			continue;
		}
		for (int64_t x = reach; x >= wi; x--)
			w_add(F(x), F(x - wi), L);
	}
#undef F
	for (int64_t x = 1; x <= q; x++)
		w_add(P + (size_t)x * L, P + (size_t)(x - 1) * L, L);
	/* winning = 2^n - P[q], modulo 2^(64 L) which holds 2^n. */
	memset(winning, 0, L * sizeof(*winning));
	if (n / 64 < L)
		winning[n / 64] = (uint64_t)1 << (n % 64);
	w_sub(winning, P + (size_t)q * L, L);

	for (size_t i = 0; i < n; i++) {
		uint64_t *out = swings + i * L;
		int64_t wi = w[i];

		memset(out, 0, L * sizeof(*out));
		if (wi == 0)
			continue;   /* weight 0 turns nothing: a dummy */
		memset(pos, 0, 2 * L * sizeof(*pos));
		/* Blocks [q-(k+1)w, q-kw) of g, with alternating signs. */
		for (int64_t hi = q, k = 0; hi > 0; hi -= wi, k++) {
			int64_t lo = hi - wi > 0 ? hi - wi : 0;
			uint64_t *acc = k % 2 ? neg : pos;
			w_add(acc, P + (size_t)hi * L, L);
			w_sub(acc, P + (size_t)lo * L, L);
		}
		w_add(out, pos, L);
		w_sub(out, neg, L);
	}
	free(P);
	free(pos);
	free(s);
	return 0;
}
