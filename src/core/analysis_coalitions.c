/*
 * analysis_coalitions.c - coalitions read off a rule's decision diagram
 * (analysis_dd.h): the smallest blocking ones (through the largest losing
 * ones) and how many minimal winning and minimal blocking ones there are.
 * Counts are exact, in L-word naturals (analysis_words.h).  Called by
 * analysis.c, which owns the diagram.
 */
#include "analysis_dd.h"

#include <stdlib.h>
#include <string.h>

#include "analysis_nat.h"
#include "analysis_words.h"

/* ---- smallest blocking coalitions ------------------------------------- */

/* The largest losing coalitions (the complements of the smallest
 * blocking ones): how large (-1: none), how many, and one (x by level). */
int cn_dd_largest_losing(struct dd *d, long *size, uint64_t *count,
			 unsigned char *x)
{
	unsigned L = d->L;
	long *best = malloc(d->count * sizeof(*best));
	uint64_t *cnt = calloc(d->count * L, sizeof(*cnt));
	static const uint64_t one[CN_NAT_LIMBS] = {1};

	if (!best || !cnt) {
		free(best);
		free(cnt);
		return -1;
	}
	/* value of a branch: its members "yes" (the skipped ones all yes) */
#define BRANCH(kid, g, bonus, v, c)                                          \
	do {                                                                  \
		if ((kid) == CN_BDD_FALSE) {                                  \
			v = (long)(g) + (bonus);                               \
			c = one;                                              \
		} else if ((kid) == CN_BDD_TRUE || best[d->index[kid]] < 0) { \
			v = -1;                                               \
			c = NULL;                                             \
		} else {                                                      \
			v = best[d->index[kid]] + (long)(g) + (bonus);         \
			c = cnt + d->index[kid] * L;                          \
		}                                                             \
	} while (0)
	for (size_t k = 0; k < d->count; k++) {
		uint32_t u = d->nodes[k], lv = var_of(d, u);
		uint32_t lo = d->b.nodes[u].lo, hi = d->b.nodes[u].hi;
		long v0, v1;
		const uint64_t *c0, *c1;
		BRANCH(lo, var_of(d, lo) - lv - 1, 0, v0, c0);
		BRANCH(hi, var_of(d, hi) - lv - 1, 1, v1, c1);
		best[k] = v0 > v1 ? v0 : v1;
		if (best[k] >= 0 && v0 == best[k])
			w_add(cnt + k * L, c0, L);
		if (best[k] >= 0 && v1 == best[k])
			w_add(cnt + k * L, c1, L);
	}
	/* from the root: levels above it all yes */
	long v;
	const uint64_t *c;
	uint32_t u = d->root;
	BRANCH(u, var_of(d, u), 0, v, c);
	*size = v;
	memset(count, 0, L * sizeof(*count));
	memset(x, 1, d->n);
	if (v >= 0) {
		w_add(count, c, L);
		/* One of them: at each node the better branch, the 0-branch
		 * (the member in the blocking coalition) on a tie. */
		while (u > CN_BDD_TRUE) {
			uint32_t lv = var_of(d, u);
			uint32_t lo = d->b.nodes[u].lo, hi = d->b.nodes[u].hi;
			long v0, v1;
			const uint64_t *c0, *c1;
			BRANCH(lo, var_of(d, lo) - lv - 1, 0, v0, c0);
			BRANCH(hi, var_of(d, hi) - lv - 1, 1, v1, c1);
			(void)c0;
			(void)c1;
			x[lv] = v1 > v0;
			u = v1 > v0 ? hi : lo;
		}
	}
#undef BRANCH
	free(best);
	free(cnt);
	return 0;
}

/* ---- minimal winning coalitions -------------------------------------- */

/* Coalitions T minimal in g (g(T), and g(T - i) false for each i in T)
 * that h rejects, for monotone h <= g, counted on pairs of nodes without
 * building the minimal sets' diagram:
 *   cnt(g, h) = cnt(g0, h0) + cnt(g1, g0 or h1)
 * at the top level x of g and h (T without x; T = x + T' with T' minimal
 * in g1, losing in g0 since removing x must lose, and rejected by h1).  A
 * level g skips holds no minimal coalition's member (removing it changes
 * nothing), so the levels between nodes need no factor. */
struct mincount {
	struct dd *d;
	uint64_t *key;           /* (g << 32 | h), UINT64_MAX: empty */
	uint32_t *slot;          /* index into val */
	size_t cap, used;
	uint64_t *val;           /* L words per entry */
	size_t nval, valcap;
};

static int mc_find(const struct mincount *m, uint64_t key, size_t *at)
{
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & (m->cap - 1);

	while (m->key[i] != UINT64_MAX && m->key[i] != key)
		i = (i + 1) & (m->cap - 1);
	*at = i;
	return m->key[i] == key;
}

static int mc_grow(struct mincount *m)
{
	size_t cap = m->cap * 2, at;
	uint64_t *k = malloc(cap * sizeof(*k)), *ok = m->key;
	uint32_t *s = malloc(cap * sizeof(*s)), *os = m->slot;
	size_t ocap = m->cap;

	if (!k || !s) {
		free(k);
		free(s);
		return -1;
	}
	memset(k, 0xff, cap * sizeof(*k));
	m->key = k;
	m->slot = s;
	m->cap = cap;
	for (size_t i = 0; i < ocap; i++) {
		if (ok[i] == UINT64_MAX)
			continue;
		(void)mc_find(m, ok[i], &at);
		m->key[at] = ok[i];
		m->slot[at] = os[i];
	}
	free(ok);
	free(os);
	return 0;
}

/* h on the empty coalition. */
static int rejects_empty(const struct cn_bdd *b, uint32_t h)
{
	while (h > CN_BDD_TRUE)
		h = b->nodes[h].lo;
	return h == CN_BDD_FALSE;
}

/* The count for (g, h) into out (L words); -1 when memory or the
 * diagram's limit ran out. */
static int mc_rec(struct mincount *m, uint32_t g, uint32_t h, uint64_t *out)
{
	struct dd *d = m->d;
	struct cn_bdd *b = &d->b;
	unsigned L = d->L;
	size_t at;

	memset(out, 0, L * sizeof(*out));
	if (g == CN_BDD_FALSE || h == CN_BDD_TRUE || g == h)
		return 0;
	if (g == CN_BDD_TRUE) {
		out[0] = (uint64_t)rejects_empty(b, h);
		return 0;
	}
	uint64_t key = (uint64_t)g << 32 | h;
	if (mc_find(m, key, &at)) {
		memcpy(out, m->val + (size_t)m->slot[at] * L, L * sizeof(*out));
		return 0;
	}
	const struct cn_bdd_node ng = b->nodes[g], nh = b->nodes[h];
	uint32_t x = ng.var < nh.var ? ng.var : nh.var;
	uint32_t g0 = ng.var == x ? ng.lo : g, g1 = ng.var == x ? ng.hi : g;
	uint32_t h0 = nh.var == x ? nh.lo : h, h1 = nh.var == x ? nh.hi : h;
	uint64_t part[CN_NAT_LIMBS];

	if (mc_rec(m, g0, h0, out))
		return -1;
	if (g0 != g1) {
		uint32_t h2 = cn_bdd_apply(b, CN_BDD_OR, g0, h1);
		if (h2 == CN_BDD_NONE || mc_rec(m, g1, h2, part))
			return -1;
		w_add(out, part, L);
	}
	/* store */
	if (m->nval == m->valcap) {
		size_t cap = m->valcap ? 2 * m->valcap : 1024;
		uint64_t *v = realloc(m->val, cap * L * sizeof(*v));
		if (!v)
			return -1;
		m->val = v;
		m->valcap = cap;
	}
	/* The recursion above may have filled or moved the slot found at
	 * the start: look again. */
	if (2 * (m->used + 1) > m->cap && mc_grow(m))
		return -1;
	(void)mc_find(m, key, &at);
	memcpy(m->val + m->nval * L, out, L * sizeof(*out));
	m->key[at] = key;
	m->slot[at] = (uint32_t)m->nval++;
	m->used++;
	return 0;
}

/* ---- minimal winning coalitions of a complete game ------------------- */

/* v with level m set to `bit`, when v tests level m. */
static uint32_t cofactor(const struct cn_bdd *b, uint32_t v, uint32_t m,
			 int bit)
{
	if (v <= CN_BDD_TRUE || b->nodes[v].var != m)
		return v;
	return bit ? b->nodes[v].hi : b->nodes[v].lo;
}

/* When the levels are in order of desirability (the member of level l is
 * at least as desirable as that of l + 1: f(S + l) >= f(S + l + 1) for
 * every S without both, so by transitivity for any two levels), the game
 * is complete, and a winning T is minimal exactly when T without its last
 * member loses (dropping an earlier member leaves a coalition no stronger
 * than that; Taylor and Zwicker 1999, "shift-minimal").  Such T are
 * counted in one pass: for a node u of level l, the paths from the root
 * to u (the members of T above l) times [u's 1-branch accepts with
 * everyone below "no", its 0-branch does not].  The EU's and the Security
 * Council's rules, and every weighted majority, are complete in the
 * heaviest-first order the diagram uses.
 *
 * The order is checked on the diagram: an edge that skips the level just
 * above a node makes that level no more desirable than the node's
 * (monotone: its 1-branch accepts more than its 0-branch there), and a
 * node of level l needs f(10) >= f(01) on levels l, l + 1 (cn_bdd_leq, no
 * node built), unless the game's atoms showed the order (d->ordered).
 * 0 and the count, 1 when the order does not qualify, -1
 * when memory runs out. */
static int count_minimal_complete(struct dd *d, uint32_t root, uint64_t *out)
{
	const struct cn_bdd *b = &d->b;
	size_t nn = b->nnodes;
	unsigned L = d->L;
	unsigned char *reach, *zero;
	uint64_t *up;
	int rc = 1;

	memset(out, 0, L * sizeof(*out));
	if (root <= CN_BDD_TRUE) {
		out[0] = root == CN_BDD_TRUE;   /* the empty coalition */
		return 0;
	}
	if (b->nodes[root].var != 0)
		return 1;
	reach = calloc(nn, 1);
	zero = calloc(nn, 1);
	up = calloc(nn * L, sizeof(*up));
	if (!reach || !zero || !up) {
		rc = -1;
		goto done;
	}
	/* Children have smaller ids: descending ids are top-down. */
	reach[root] = 1;
	up[(size_t)root * L] = 1;
	for (uint32_t u = root; u > CN_BDD_TRUE; u--) {
		if (!reach[u])
			continue;
		const struct cn_bdd_node nu = b->nodes[u];
		uint32_t kid[2] = {nu.lo, nu.hi};
		for (int s = 0; s < 2; s++) {
			if (kid[s] <= CN_BDD_TRUE)
				continue;
			if (b->nodes[kid[s]].var != nu.var + 1)
				goto done;      /* a skipped level: not in order */
			reach[kid[s]] = 1;
			w_add(up + (size_t)kid[s] * L, up + (size_t)u * L, L);
		}
		if (!d->ordered && nu.var + 1 < d->n) {
			int ok = cn_bdd_leq(&d->b, cofactor(b, nu.lo, nu.var + 1, 1),
					    cofactor(b, nu.hi, nu.var + 1, 0));
			if (ok <= 0) {
				rc = ok < 0 ? -1 : 1;
				goto done;
			}
		}
	}
	/* zero[u]: u accepts with everyone "no"; ascending ids are bottom-up. */
	for (uint32_t u = 2; u <= root; u++) {
		if (!reach[u])
			continue;
		uint32_t lo = b->nodes[u].lo;
		zero[u] = lo <= CN_BDD_TRUE ? lo == CN_BDD_TRUE : zero[lo];
	}
	for (uint32_t u = 2; u <= root; u++) {
		if (!reach[u])
			continue;
		uint32_t lo = b->nodes[u].lo, hi = b->nodes[u].hi;
		int z1 = hi <= CN_BDD_TRUE ? hi == CN_BDD_TRUE : zero[hi];
		int z0 = lo <= CN_BDD_TRUE ? lo == CN_BDD_TRUE : zero[lo];
		if (z1 && !z0)
			w_add(out, up + (size_t)u * L, L);
	}
	rc = 0;
done:
	free(reach);
	free(zero);
	free(up);
	return rc;
}

/* Minimal coalitions of the function at `root` (L words into out). */
int cn_dd_count_minimal(struct dd *d, uint32_t root, uint64_t *out)
{
	struct mincount m = {.d = d, .cap = 1024};
	int rc = count_minimal_complete(d, root, out);

	if (rc <= 0)
		return rc;

	m.key = malloc(m.cap * sizeof(*m.key));
	m.slot = malloc(m.cap * sizeof(*m.slot));
	if (!m.key || !m.slot) {
		rc = -1;
		goto done;
	}
	memset(m.key, 0xff, m.cap * sizeof(*m.key));
	rc = mc_rec(&m, root, CN_BDD_FALSE, out);
done:
	free(m.key);
	free(m.slot);
	free(m.val);
	return rc;
}

