/*
 * analysis_gf.c - Banzhaf and Shapley-Shubik swings of a weighted majority
 * game from its generating function, each member's read off by an
 * alternating sum of prefix sums, and its minimal and blocking coalitions;
 * see analysis_gf.h.
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

static int by_index(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

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

/* Words that hold every coefficient once the product has taken `taken`
 * members: they count subsets of those members, below 2^taken. */
static unsigned need(size_t taken)
{
	return taken > 64 ? (unsigned)((taken + 63) / 64) : 1;
}

/* ---- counts in word planes ------------------------------------------- */

/* The coefficients are kept in M planes: word j of count x at
 * base[j * stride + x].  While the product has taken few members only
 * the low planes are touched, and each is a contiguous run that the
 * memory system streams (with the words of a count side by side, the
 * unused high words would ride along in every cache line).  Words are
 * unsigned long long, the type of the add-with-carry intrinsic. */
typedef unsigned long long limb;
_Static_assert(sizeof(limb) == sizeof(uint64_t), "64-bit limbs");

/* *out = a + b + c; returns the carry out.  The x86-64 intrinsic becomes
 * one adc writing straight to memory; the portable form is what it
 * computes. */
#if defined(__x86_64__)
#include <x86intrin.h>
#define ADDC(c, a, b, out) _addcarry_u64((c), (a), (b), (out))
#else
static inline unsigned char ADDC(unsigned char c, limb a, limb b, limb *out)
{
	limb s = a + b, t = s + c;

	*out = t;
	return (unsigned char)((s < a) | (t < s));
}
#endif

struct planes {
	limb *base;
	size_t stride;
	unsigned M;
};

/* out[0..L) = count x (L >= M; the words above M are zero). */
static void pl_get(const struct planes *pl, size_t x, uint64_t *out,
		   unsigned L)
{
	memset(out, 0, L * sizeof(*out));
	for (unsigned j = 0; j < pl->M; j++)
		out[j] = pl->base[j * pl->stride + x];
}

/* count x += count x - 1, for x = 1..len-1: prefix sums in place. */
static void pl_prefix(const struct planes *pl, size_t first, size_t len)
{
	limb *b = pl->base + first;

	for (size_t x = 1; x < len; x++) {
		unsigned char c = 0;
		for (unsigned j = 0; j < pl->M; j++) {
			limb *v = b + j * pl->stride;
			c = ADDC(c, v[x], v[x - 1], &v[x]);
		}
	}
}

/* count[dst + x] += count[src + x] for x = count-1 down to 0, in the low
 * `words` planes (the others are zero and stay so); returns the OR of the
 * top plane's new words.  Descending, so dst may lie above src in the
 * same run: src + x is read before it is overwritten.  The word counts
 * get their own loops: this is where the time goes. */
static limb add_run(const struct planes *pl, size_t dst, size_t src,
		    size_t count, unsigned words)
{
	size_t st = pl->stride;
	limb *d0 = pl->base + dst, *s0 = pl->base + src, top = 0;
	limb *d1, *s1, *d2, *s2, *d3, *s3;
	unsigned char c;

	/* the planes in use only: a pointer past the array is undefined */
	d1 = words > 1 ? d0 + st : d0;
	s1 = words > 1 ? s0 + st : s0;
	d2 = words > 2 ? d1 + st : d1;
	s2 = words > 2 ? s1 + st : s1;
	d3 = words > 3 ? d2 + st : d2;
	s3 = words > 3 ? s2 + st : s2;
	switch (words) {
	case 1:
		for (size_t x = count; x-- > 0;)
			top |= d0[x] += s0[x];
		return top;
	case 2:
		for (size_t x = count; x-- > 0;) {
			c = ADDC(0, d0[x], s0[x], &d0[x]);
			(void)ADDC(c, d1[x], s1[x], &d1[x]);
			top |= d1[x];
		}
		return top;
	case 3:
		for (size_t x = count; x-- > 0;) {
			c = ADDC(0, d0[x], s0[x], &d0[x]);
			c = ADDC(c, d1[x], s1[x], &d1[x]);
			(void)ADDC(c, d2[x], s2[x], &d2[x]);
			top |= d2[x];
		}
		return top;
	case 4:
		for (size_t x = count; x-- > 0;) {
			c = ADDC(0, d0[x], s0[x], &d0[x]);
			c = ADDC(c, d1[x], s1[x], &d1[x]);
			c = ADDC(c, d2[x], s2[x], &d2[x]);
			(void)ADDC(c, d3[x], s3[x], &d3[x]);
			top |= d3[x];
		}
		return top;
	default:
		for (size_t x = count; x-- > 0;) {
			c = 0;
			for (unsigned j = 0; j < words; j++) {
				limb *d = d0 + j * st;
				c = ADDC(c, d[x], s0[j * st + x], &d[x]);
			}
			top |= d0[(words - 1) * st + x];
		}
		return top;
	}
}

/* f[x] = f[W - x] for x = from..to (nothing when to < from), in the low
 * `words` planes; every W - x is below from. */
static void mirror(const struct planes *pl, int64_t from, int64_t to,
		   int64_t W, unsigned words)
{
	for (unsigned j = 0; j < words; j++) {
		limb *f = pl->base + j * pl->stride + 1;
		for (int64_t x = from; x <= to; x++)
			f[x] = f[W - x];
	}
}

/* The words the product's next factor needs.  Each factor at most
 * doubles a count (f[x] + f[x - w], both at most the largest count), so
 * while no count has its top bit set in the top plane in use the sum
 * still fits: `top` is the OR of every word ever written to that plane
 * (counts only grow), and a new plane starts out zero.  Much tighter
 * than 2^taken: coalitions of one weight are a small part of all. */
struct width {
	unsigned words;
	limb top;
};

static unsigned widen(struct width *wd, unsigned M)
{
	if (wd->top >> 63 && wd->words < M) {
		wd->words++;
		wd->top = 0;
	}
	return wd->words;
}

/* ---- cost ------------------------------------------------------------- */

/* Costs saturate: weights reach 2^62, and a wrapped product would look
 * small enough to try. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* kmax: the most members whose weight can stay below q (the lightest,
 * pre[k] = the k lightest's weight). */
static size_t most_below(const int64_t *pre, size_t n, int64_t q)
{
	size_t k = 0;

	while (k < n && pre[k + 1] < q)
		k++;
	return k;
}

/* pre[0..n]: sums of the k lightest of the sorted s. */
static void prefix_weights(const int64_t *s, size_t n, int64_t *pre)
{
	pre[0] = 0;
	for (size_t k = 0; k < n; k++)
		pre[k + 1] = pre[k] + s[k];
}

void cn_gf_cost(const int64_t *w, size_t n, int64_t q, unsigned L,
		int by_size, uint64_t *words, uint64_t *adds)
{
	uint64_t cost = 0;
	int64_t *s = sorted(w, n), *pre = malloc((n + 1) * sizeof(*pre));
	int64_t reach = 0;
	size_t kmax;

	if (!s || !pre) {
		/* Unknown: too large for anyone to try. */
		free(s);
		free(pre);
		*words = *adds = UINT64_MAX;
		return;
	}
	prefix_weights(s, n, pre);
	kmax = by_size ? most_below(pre, n, q) : 0;
	*words = sat_mul(sat_mul((uint64_t)q + 1, L), by_size ? kmax + 1 : 1);
	for (size_t i = 0; i < n; i++) {
		int64_t wi = s[i];
		reach = reach + wi < q - 1 ? reach + wi : q - 1;
		if (!by_size) {
			cost = sat_add(cost, reach >= wi ? (uint64_t)(reach - wi + 1)
							 : 0);
		} else {
			size_t top = i + 1 < kmax ? i + 1 : kmax;
			for (size_t k = 1; k <= top; k++) {
				int64_t lo = pre[k - 1] + wi;
				cost = sat_add(cost, lo <= reach
						     ? (uint64_t)(reach - lo + 1) : 0);
			}
		}
		if (wi)
			cost = sat_add(cost, sat_mul((uint64_t)q / (uint64_t)wi + 1,
						     kmax + 1));
	}
	free(s);
	free(pre);
	*adds = sat_mul(cost, L);
}

/* ---- Banzhaf ----------------------------------------------------------- */

/* winning = 2^n - below, in L words (2^n needs the L-th word when n is a
 * multiple of 64). */
static void winning_from(uint64_t *winning, const uint64_t *below, size_t n,
			 unsigned L)
{
	memset(winning, 0, L * sizeof(*winning));
	if (n / 64 < L)
		winning[n / 64] = (uint64_t)1 << (n % 64);
	w_sub(winning, below, L);
}

int cn_gf_banzhaf(const int64_t *w, size_t n, int64_t q, unsigned L,
		  uint64_t *winning, uint64_t *swings)
{
	/* P[s] for s = 0..q; first the coefficients f[s] at P[s + 1], then
	 * summed in place.  Every count is below 2^n: M words. */
	struct planes pl = {.stride = (size_t)q + 1, .M = need(n)};
	struct width wd = {1, 1};
	uint64_t *tmp = calloc(4 * L, sizeof(*tmp));
	uint64_t *pos = tmp + L, *neg = tmp + 2 * L, *at = tmp + 3 * L;
	int64_t *s = sorted(w, n);
	int64_t W = 0;

	assert(q > 0 && pl.M <= L);
	pl.base = calloc(pl.stride * pl.M, sizeof(*pl.base));
	if (!pl.base || !tmp || !s) {
		free(pl.base);
		free(tmp);
		free(s);
		return CN_ENOMEM;
	}
	/* The coefficients are symmetric, f[x] = f[W - x] with W the weight
	 * of the members taken so far, so only x <= W / 2 are computed (and
	 * x < q): the upper half of a factor's pass reads its old values
	 * mirrored.  Lightest first, this is about a third less work. */
	pl.base[1] = 1;         /* f[0] */
	for (size_t i = 0; i < n; i++) {
		int64_t wi = s[i], nW = W + wi;
		int64_t held = W / 2 < q - 1 ? W / 2 : q - 1;
		int64_t top = nW / 2 < q - 1 ? nW / 2 : q - 1;
		unsigned words = widen(&wd, pl.M);
		/* New places held < x <= top: f[x] = f[W - x] (0 above W),
		 * then + f[x - wi], which is held. */
		mirror(&pl, held + 1, top < W ? top : W, W, words);
		if (top >= wi && top > held) {
			int64_t lo = held + 1 > wi ? held + 1 : wi;
			wd.top |= add_run(&pl, (size_t)lo + 1,
					  (size_t)(lo - wi) + 1,
					  (size_t)(top - lo + 1), words);
		}
		/* f[x] += f[x - wi] for x = held..wi, top down; (1 + x^0)
		 * doubles every coefficient. */
		if (held >= wi)
			wd.top |= add_run(&pl, (size_t)wi + 1, 1,
					  (size_t)(held - wi + 1), words);
		W = nW;
	}
	/* The upper half, up to q - 1 (q <= W). */
	mirror(&pl, W / 2 + 1, q - 1, W, pl.M);
	pl_prefix(&pl, 0, (size_t)q + 1);
	pl_get(&pl, (size_t)q, at, L);
	winning_from(winning, at, n, L);

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
			pl_get(&pl, (size_t)hi, at, L);
			w_add(acc, at, L);
			pl_get(&pl, (size_t)lo, at, L);
			w_sub(acc, at, L);
		}
		w_add(out, pos, L);
		w_sub(out, neg, L);
	}
	free(pl.base);
	free(tmp);
	free(s);
	return 0;
}

/* ---- Shapley-Shubik: the coalitions by size and weight --------------- */

/* The coalitions of weight below q by size, k <= kmax, of the members
 * s[0..n) (lightest first, pre their prefix sums): f_k[x] at index
 * k * row + x + off, row >= q + off, in planes pl (zeroed). */
static void by_size_product(const int64_t *s, const int64_t *pre, size_t n,
			    int64_t q, size_t kmax, const struct planes *pl,
			    size_t row, size_t off)
{
	struct width wd = {1, 1};
	int64_t reach = 0;

#define F(k, x) ((size_t)(k) * row + (size_t)(x) + off)
	pl->base[F(0, 0)] = 1;
	for (size_t i = 0; i < n; i++) {
		int64_t wi = s[i];
		size_t top = i + 1 < kmax ? i + 1 : kmax;
		unsigned words = widen(&wd, pl->M);
		reach = reach + wi < q - 1 ? reach + wi : q - 1;
		/* f_k[x] += f_{k-1}[x - wi], k top down so that row k - 1 is
		 * still the product without member i; row k - 1 is zero below
		 * the weight of the k - 1 lightest, pre[k - 1]. */
		for (size_t k = top; k >= 1; k--) {
			int64_t lo = pre[k - 1] + wi;
			if (lo <= reach)
				wd.top |= add_run(pl, F(k, lo), F(k - 1, lo - wi),
						  (size_t)(reach - lo + 1), words);
		}
	}
#undef F
}

int cn_gf_shapley(const int64_t *w, size_t n, int64_t q, unsigned L,
		  uint64_t *winning, uint64_t *sw)
{
	int64_t *s = sorted(w, n), *pre = malloc((n + 1) * sizeof(*pre));
	uint64_t *tmp = calloc(3 * L, sizeof(*tmp));
	uint64_t *block = tmp + L, *at = tmp + 2 * L, *below = tmp;
	size_t kmax = 0, row = (size_t)q + 1;
	struct planes pl = {.M = need(n)};

	assert(q > 0 && pl.M <= L);
	if (s && pre) {
		prefix_weights(s, n, pre);
		kmax = most_below(pre, n, q);
		pl.stride = (kmax + 1) * row;
		pl.base = calloc(pl.stride * pl.M, sizeof(*pl.base));
	}
	if (!s || !pre || !pl.base || !tmp) {
		free(s);
		free(pre);
		free(pl.base);
		free(tmp);
		return CN_ENOMEM;
	}
	/* Row k: P_k[x] for x = 0..q at index k * row + x; first the
	 * coefficients f_k[x] at P_k[x + 1], then summed in place.  Rows
	 * above kmax would be zero. */
#define PS(k, x) ((size_t)(k) * row + (size_t)(x))
	by_size_product(s, pre, n, q, kmax, &pl, row, 1);
	for (size_t k = 0; k <= kmax; k++) {
		pl_prefix(&pl, PS(k, 0), row);
		pl_get(&pl, PS(k, q), at, L);
		w_add(below, at, L);
	}
	winning_from(winning, below, n, L);
	memset(sw, 0, n * n * L * sizeof(*sw));
	for (size_t i = 0; i < n; i++) {
		uint64_t *out = sw + i * n * L;
		int64_t wi = w[i];

		if (wi == 0)
			continue;   /* weight 0 turns nothing: a dummy */
		/* Block j: the others' coalitions of k - j members and weight
		 * in [q - (j+1) wi, q - j wi), sign (-1)^j, into size k.
		 * Sums wrap modulo 2^(64 L); the total is the true count. */
		for (int64_t hi = q, j = 0; hi > 0 && (size_t)j < n;
		     hi -= wi, j++) {
			int64_t lo = hi - wi > 0 ? hi - wi : 0;
			for (size_t k = 0; k <= kmax && k + (size_t)j < n; k++) {
				pl_get(&pl, PS(k, hi), block, L);
				pl_get(&pl, PS(k, lo), at, L);
				w_sub(block, at, L);
				if (j % 2)
					w_sub(out + (k + (size_t)j) * L, block, L);
				else
					w_add(out + (k + (size_t)j) * L, block, L);
			}
		}
	}
#undef PS
	free(s);
	free(pre);
	free(pl.base);
	free(tmp);
	return 0;
}

/* ---- the coalitions of a weighted majority ---------------------------- */

struct ranked_w {
	int64_t w;
	size_t i;
};

/* Heaviest first, ties in electorate order. */
static int heaviest_first(const void *pa, const void *pb)
{
	const struct ranked_w *a = pa, *b = pb;

	if (a->w != b->w)
		return a->w < b->w ? 1 : -1;
	return (a->i > b->i) - (a->i < b->i);
}

/* The minimal winning coalitions of [qq; w] into count (L words), the
 * members r[0..n) heaviest first.  A weighted majority is complete in
 * that order, so T is minimal exactly when T wins and T without its last
 * member j loses: T = S + j, S among those before j, qq - w_j <= w(S) <
 * qq, read off the product of the members before j (a member of weight 0
 * is in none).  *some: a coalition weighs in [lo, qq - 1].  0 or
 * CN_ENOMEM. */
static int minimal_count(const struct ranked_w *r, size_t n, int64_t qq,
			 unsigned L, uint64_t *count, int64_t lo, int *some)
{
	struct planes pl = {.stride = (size_t)qq, .M = need(n)};
	struct width wd = {1, 1};
	uint64_t *at = calloc(L, sizeof(*at));
	int64_t reach = 0;

	pl.base = calloc(pl.stride * pl.M, sizeof(*pl.base));
	if (!pl.base || !at) {
		free(pl.base);
		free(at);
		return CN_ENOMEM;
	}
	memset(count, 0, L * sizeof(*count));
	pl.base[0] = 1;         /* f[x] at x, x < qq */
	for (size_t j = 0; j < n; j++) {
		int64_t wj = r[j].w;
		unsigned words = widen(&wd, pl.M);
		for (int64_t x = qq - wj > 0 ? qq - wj : 0; wj > 0 && x <= reach;
		     x++) {
			pl_get(&pl, (size_t)x, at, L);
			w_add(count, at, L);
		}
		reach = reach + wj < qq - 1 ? reach + wj : qq - 1;
		if (reach >= wj)
			wd.top |= add_run(&pl, (size_t)wj, 0,
					  (size_t)(reach - wj + 1), words);
	}
	*some = 0;
	for (int64_t x = lo > 0 ? lo : 0; x < qq && !*some; x++)
		for (unsigned j = 0; j < pl.M; j++)
			*some |= pl.base[j * pl.stride + (size_t)x] != 0;
	free(pl.base);
	free(at);
	return 0;
}

/* The coalitions of exactly k members weighing below `bound` (L words
 * into out).  0 or CN_ENOMEM. */
static int size_below(const int64_t *w, size_t n, size_t k, int64_t bound,
		      unsigned L, uint64_t *out)
{
	int64_t *s = sorted(w, n), *pre = malloc((n + 1) * sizeof(*pre));
	uint64_t *at = calloc(L, sizeof(*at));
	struct planes pl = {.M = need(n)};
	size_t kmax = 0, row = (size_t)bound;

	memset(out, 0, L * sizeof(*out));
	if (s && pre) {
		prefix_weights(s, n, pre);
		kmax = most_below(pre, n, bound);
		kmax = kmax < k ? kmax : k;
		pl.stride = (kmax + 1) * row;
		pl.base = calloc(pl.stride * pl.M, sizeof(*pl.base));
	}
	if (!s || !pre || !pl.base || !at) {
		free(s);
		free(pre);
		free(pl.base);
		free(at);
		return CN_ENOMEM;
	}
	by_size_product(s, pre, n, bound, kmax, &pl, row, 0);
	for (int64_t x = 0; kmax == k && x < bound; x++) {
		pl_get(&pl, k * row + (size_t)x, at, L);
		w_add(out, at, L);
	}
	free(s);
	free(pre);
	free(pl.base);
	free(at);
	return 0;
}

/* C(n, k) in L words. */
static int binomial_words(size_t n, size_t k, unsigned L, uint64_t *out)
{
	uint64_t *row = calloc((k + 1) * L, sizeof(*row));

	if (!row)
		return CN_ENOMEM;
	row[0] = 1;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = i < k ? i : k; j >= 1; j--)
			w_add(row + j * L, row + (j - 1) * L, L);
	memcpy(out, row + k * L, L * sizeof(*out));
	free(row);
	return 0;
}

/* The smallest blocking size k (the fewest heaviest reaching the dual
 * quota), and the cheaper of the two ways to count: the k-coalitions
 * that reach qd directly as C(n, k) minus those below it, or their
 * complements, the (n - k)-coalitions below q.  Work in counts. */
static size_t smallest_blocking(const struct ranked_w *r, size_t n,
				int64_t qd, int64_t q, int *direct,
				uint64_t *work)
{
	int64_t sum = 0;
	size_t k = 0;

	while (k < n && sum < qd)
		sum += r[k++].w;
	uint64_t a = sat_mul((uint64_t)k + 1, (uint64_t)qd);
	uint64_t b = sat_mul((uint64_t)(n - k) + 1, (uint64_t)q);
	*direct = a <= b;
	*work = a <= b ? a : b;
	return k;
}

void cn_gf_coalitions_cost(const int64_t *w, size_t n, int64_t q, unsigned L,
			   uint64_t words[2], uint64_t adds[2])
{
	struct ranked_w *r = malloc((n ? n : 1) * sizeof(*r));
	int64_t W = 0, qd, big;
	uint64_t dp;
	int direct;

	if (!r) {
		words[0] = words[1] = adds[0] = adds[1] = UINT64_MAX;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		r[i] = (struct ranked_w){w[i], i};
		W += w[i];
	}
	qsort(r, n, sizeof(*r), heaviest_first);
	qd = W - q + 1;
	big = q > qd ? q : qd;
	(void)smallest_blocking(r, n, qd, q, &direct, &dp);
	free(r);
	words[0] = sat_mul((uint64_t)big, L);
	adds[0] = sat_mul(sat_mul(n, (uint64_t)q + (uint64_t)qd), L);
	words[1] = sat_mul(dp, L);
	adds[1] = sat_mul(sat_mul(n, dp), L);
}

int cn_gf_coalitions(const int64_t *w, size_t n, int64_t q, unsigned L,
		     unsigned parts, struct cn_gf_coalitions *out)
{
	struct ranked_w *r = malloc((n ? n : 1) * sizeof(*r));
	uint64_t *below = calloc(L, sizeof(*below)), work;
	int64_t W = 0, qd;
	int direct, some, rc = CN_ENOMEM;
	size_t k;

	if (!r || !below)
		goto done;
	for (size_t i = 0; i < n; i++) {
		r[i] = (struct ranked_w){w[i], i};
		W += w[i];
	}
	assert(q > 0 && q <= W);
	qsort(r, n, sizeof(*r), heaviest_first);
	/* The dual game, whose winning coalitions block: B blocks when
	 * w(N - B) < q, i.e. w(B) >= W - q + 1. */
	qd = W - q + 1;
	/* Strong: nothing weighs in [qd, q - 1] (blocks and loses);
	 * proper: nothing weighs in [q, qd - 1] (wins, and so does the
	 * complement). */
	if (parts & CN_GF_MINIMAL) {
		if (minimal_count(r, n, q, L, out->minimal_winning, qd, &some))
			goto done;
		out->strong = !some;
		if (minimal_count(r, n, qd, L, out->minimal_blocking, q, &some))
			goto done;
		out->proper = !some;
	}
	if (parts & CN_GF_BLOCKING) {
		k = smallest_blocking(r, n, qd, q, &direct, &work);
		out->blocking_size = k;
		if (direct) {
			if (binomial_words(n, k, L, out->blocking_count) ||
			    size_below(w, n, k, qd, L, below))
				goto done;
			w_sub(out->blocking_count, below, L);
		} else if (size_below(w, n, n - k, q, L, out->blocking_count)) {
			goto done;
		}
		/* one of them: the k heaviest, in electorate order */
		for (size_t j = 0; j < k; j++)
			out->blocking_example[j] = r[j].i;
		qsort(out->blocking_example, k, sizeof(size_t), by_index);
	}
	rc = 0;
done:
	free(r);
	free(below);
	return rc;
}
