/*
 * analysis_count.c - counts read off a rule's decision diagram in passes
 * over its nodes: the reachable nodes, binomial coefficients, satisfying
 * assignments, and each member's swings, in total or by the size of the
 * coalition.  analysis.c turns them into indices; see analysis_dd.h.
 *
 * Counting on the diagram.  For a node u at level l:
 *   Up(u)[a]  the assignments of levels 0..l-1 with a members "yes" that
 *             lead from the root to u (top-down pass);
 *   Down(u)[b] the assignments of levels l..n-1 with b members "yes"
 *             that u accepts (bottom-up pass).
 * An edge that skips g levels leaves those members free, which multiplies
 * by (1 + x)^g, i.e. convolves with binomial coefficients.  Member l
 * turns a coalition of size k of the others exactly on the paths through
 * a node of level l whose 1-branch accepts and 0-branch does not, so
 *   sw_l[k] = sum over u at level l of sum_{a+b=k} Up(u)[a] (H(u)[b] - L(u)[b])
 * with H and L the branches' Down counts (a level the path skips does
 * not matter to the rule: no swing there).  Then
 *   Banzhaf swings   = sum_k sw_l[k]
 *   Shapley-Shubik   = sum_k sw_l[k] k! (n-1-k)! / n!
 * (the textbook formulas, e.g. Felsenthal and Machover 1998).  Only the
 * swing totals are needed for Banzhaf alone, which saves the factor n.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis_dd.h"
#include "analysis_nat.h"
#include "analysis_words.h"

/* C(g, j), L words. */
static const uint64_t *binom(const struct dd *d, size_t g, size_t j)
{
	return d->binom + ((g * (g + 1)) / 2 + j) * d->L;
}

int cn_dd_make_binom(struct dd *d)
{
	size_t n = d->n, L = d->L;

	d->binom = calloc((n + 1) * (n + 2) / 2 * L, sizeof(uint64_t));
	if (!d->binom)
		return -1;
	for (size_t g = 0; g <= n; g++) {
		uint64_t *row = d->binom + (g * (g + 1)) / 2 * L;
		row[0] = 1;
		row[g * L] = 1;
		for (size_t j = 1; j < g; j++) {
			w_add(row + j * L, binom(d, g - 1, j - 1), d->L);
			w_add(row + j * L, binom(d, g - 1, j), d->L);
		}
	}
	return 0;
}

int cn_dd_reachable(struct dd *d, uint32_t root)
{
	size_t nn = d->b.nnodes, top = 0;
	unsigned char *seen = calloc(nn, 1);
	uint32_t *stack = malloc(nn * sizeof(*stack));

	free(d->nodes);
	free(d->index);
	d->nodes = malloc(nn * sizeof(*d->nodes));
	d->index = malloc(nn * sizeof(*d->index));
	d->count = 0;
	if (!seen || !stack || !d->nodes || !d->index) {
		free(seen);
		free(stack);
		return -1;
	}
	if (root > CN_BDD_TRUE)
		stack[top++] = root;
	while (top) {
		uint32_t u = stack[--top];
		if (u <= CN_BDD_TRUE || seen[u])
			continue;
		seen[u] = 1;
		stack[top++] = d->b.nodes[u].lo;
		stack[top++] = d->b.nodes[u].hi;
	}
	for (uint32_t u = 2; u < nn; u++) {
		if (seen[u]) {
			d->index[u] = (uint32_t)d->count;
			d->nodes[d->count++] = u;
		}
	}
	free(seen);
	free(stack);
	return 0;
}

int cn_dd_count_sat(struct dd *d, uint32_t root, uint64_t *out)
{
	unsigned L = d->L;
	uint64_t *D;

	memset(out, 0, L * sizeof(*out));
	if (root == CN_BDD_FALSE)
		return 0;
	if (root == CN_BDD_TRUE) {
		w_add_shl(out, (uint64_t[CN_NAT_LIMBS]){1}, (unsigned)d->n, L);
		return 0;
	}
	if (cn_dd_reachable(d, root))
		return -1;
	if (!(D = calloc(d->count * L, sizeof(*D))))
		return -1;
	for (size_t k = 0; k < d->count; k++) {
		uint32_t u = d->nodes[k];
		uint32_t lv = var_of(d, u);
		uint32_t kid[2] = {d->b.nodes[u].lo, d->b.nodes[u].hi};
		for (int s = 0; s < 2; s++) {
			unsigned g = var_of(d, kid[s]) - lv - 1;
			if (kid[s] == CN_BDD_TRUE)
				w_add_shl(D + k * L, (uint64_t[CN_NAT_LIMBS]){1}, g, L);
			else if (kid[s] != CN_BDD_FALSE)
				w_add_shl(D + k * L, D + d->index[kid[s]] * L, g, L);
		}
	}
	w_add_shl(out, D + d->index[root] * L, var_of(d, root), L);
	free(D);
	return 0;
}

/* ---- swings: totals, or by the size of the coalition ------------------- */

/* A rule that adopts always or never: every coalition wins, or none, and
 * nobody swings (the swing arrays stay zero). */
static int constant_game(const struct dd *d, uint64_t *winning)
{
	static const uint64_t one[CN_NAT_LIMBS] = {1};

	if (d->root == CN_BDD_TRUE)
		w_add_shl(winning, one, (unsigned)d->n, d->L);
	return 0;
}

int cn_dd_swings_total(struct dd *d, uint64_t *swings, uint64_t *winning)
{
	unsigned L = d->L;
	uint64_t *D, *Up, *br;
	static const uint64_t one[CN_NAT_LIMBS] = {1};

	if (d->root <= CN_BDD_TRUE)
		return constant_game(d, winning);
	D = calloc(d->count * L, sizeof(*D));
	Up = calloc(d->count * L, sizeof(*Up));
	br = calloc(2 * L, sizeof(*br));
	if (!D || !Up || !br) {
		free(D);
		free(Up);
		free(br);
		return -1;
	}
	/* Down, bottom-up. */
	for (size_t k = 0; k < d->count; k++) {
		uint32_t u = d->nodes[k], lv = var_of(d, u);
		uint32_t kid[2] = {d->b.nodes[u].lo, d->b.nodes[u].hi};
		for (int s = 0; s < 2; s++) {
			unsigned g = var_of(d, kid[s]) - lv - 1;
			if (kid[s] > CN_BDD_TRUE)
				w_add_shl(D + k * L, D + d->index[kid[s]] * L, g, L);
			else if (kid[s] == CN_BDD_TRUE)
				w_add_shl(D + k * L, one, g, L);
		}
	}
	w_add_shl(winning, D + d->index[d->root] * L, var_of(d, d->root), L);
	/* Up, top-down, and the swings of each node's level. */
	w_add_shl(Up + d->index[d->root] * L, one, var_of(d, d->root), L);
	for (size_t k = d->count; k-- > 0;) {
		uint32_t u = d->nodes[k], lv = var_of(d, u);
		uint32_t kid[2] = {d->b.nodes[u].lo, d->b.nodes[u].hi};
		memset(br, 0, 2 * L * sizeof(*br));
		for (int s = 0; s < 2; s++) {
			unsigned g = var_of(d, kid[s]) - lv - 1;
			if (kid[s] > CN_BDD_TRUE) {
				w_add_shl(Up + d->index[kid[s]] * L, Up + k * L, g, L);
				w_add_shl(br + s * L, D + d->index[kid[s]] * L, g, L);
			} else if (kid[s] == CN_BDD_TRUE) {
				w_add_shl(br + s * L, one, g, L);
			}
		}
		/* monotone: the 1-branch accepts at least what the 0-branch does */
		w_sub(br + L, br, L);
		w_mul_add(swings + (size_t)lv * L, Up + k * L, br + L, L);
	}
	free(D);
	free(Up);
	free(br);
	return 0;
}

/* dst[j + s + off] += src[j] * C(g, s) for j < len, s <= g. */
static void add_binom(const struct dd *d, uint64_t *dst, const uint64_t *src,
		      size_t len, unsigned g, unsigned off)
{
	unsigned L = d->L;

	if (g == 0) {
		for (size_t j = 0; j < len; j++)
			w_add(dst + (j + off) * L, src + j * L, L);
		return;
	}
	for (size_t j = 0; j < len; j++) {
		if (w_is_zero(src + j * L, L))
			continue;
		for (unsigned s = 0; s <= g; s++)
			w_mul_add(dst + (j + s + off) * L, src + j * L,
				  binom(d, g, s), L);
	}
}

int cn_dd_swings_by_size(struct dd *d, uint64_t *sw, uint64_t *winning)
{
	size_t n = d->n, L = d->L, *dofs, *uofs, total = 0;
	uint64_t *arena, *tl, *th;
	static const uint64_t one[CN_NAT_LIMBS] = {1};
	int rc = -1;

	if (d->root <= CN_BDD_TRUE)
		return constant_game(d, winning);
	dofs = malloc(d->count * sizeof(*dofs));
	uofs = malloc(d->count * sizeof(*uofs));
	tl = calloc(2 * (n + 1) * L, sizeof(*tl));
	th = tl ? tl + (n + 1) * L : NULL;
	if (!dofs || !uofs || !tl)
		goto done;
	/* Down(u) has n - l + 1 sizes, Up(u) l + 1. */
	for (size_t k = 0; k < d->count; k++) {
		size_t lv = var_of(d, d->nodes[k]);
		dofs[k] = total;
		total += (n - lv + 1) * L;
		uofs[k] = total;
		total += (lv + 1) * L;
	}
	if (!(arena = calloc(total ? total : 1, sizeof(*arena))))
		goto done;

	/* Up, top-down. */
	size_t r = d->index[d->root], rv = var_of(d, d->root);
	add_binom(d, arena + uofs[r], one, 1, (unsigned)rv, 0);
	for (size_t k = d->count; k-- > 0;) {
		uint32_t u = d->nodes[k], lv = var_of(d, u);
		uint32_t kid[2] = {d->b.nodes[u].lo, d->b.nodes[u].hi};
		for (unsigned s = 0; s < 2; s++) {
			if (kid[s] <= CN_BDD_TRUE)
				continue;
			add_binom(d, arena + uofs[d->index[kid[s]]], arena + uofs[k],
				  lv + 1, var_of(d, kid[s]) - lv - 1, s);
		}
	}
	/* Down, bottom-up, and each level's swings by size. */
	for (size_t k = 0; k < d->count; k++) {
		uint32_t u = d->nodes[k], lv = var_of(d, u);
		uint32_t kid[2] = {d->b.nodes[u].lo, d->b.nodes[u].hi};
		size_t len = n - lv;            /* sizes 0..n-l-1 below u */
		uint64_t *t[2] = {tl, th};

		memset(tl, 0, 2 * (n + 1) * L * sizeof(*tl));
		for (int s = 0; s < 2; s++) {
			unsigned g = var_of(d, kid[s]) - lv - 1;
			if (kid[s] == CN_BDD_TRUE)
				add_binom(d, t[s], one, 1, g, 0);
			else if (kid[s] != CN_BDD_FALSE)
				add_binom(d, t[s], arena + dofs[d->index[kid[s]]],
					  n - var_of(d, kid[s]) + 1, g, 0);
		}
		uint64_t *down = arena + dofs[k], *up = arena + uofs[k];
		for (size_t j = 0; j < len; j++) {
			w_add(down + j * L, tl + j * L, L);
			w_add(down + (j + 1) * L, th + j * L, L);
			w_sub(th + j * L, tl + j * L, L);   /* monotone: >= 0 */
		}
		uint64_t *acc = sw + (size_t)lv * n * L;
		for (size_t a = 0; a <= lv; a++) {
			if (w_is_zero(up + a * L, L))
				continue;
			if (L == 1) {
				uint64_t ua = up[a];
				for (size_t b = 0; b < len; b++)
					acc[a + b] += ua * th[b];
			} else {
				for (size_t b = 0; b < len; b++)
					w_mul_add(acc + (a + b) * L, up + a * L,
						  th + b * L, (unsigned)L);
			}
		}
	}
	for (size_t j = 0; j <= n - rv; j++) {
		uint64_t part[CN_NAT_LIMBS] = {0};
		w_add_shl(part, arena + dofs[r] + j * L, (unsigned)rv, (unsigned)L);
		w_add(winning, part, (unsigned)L);
	}
	free(arena);
	rc = 0;
done:
	free(dofs);
	free(uofs);
	free(tl);
	return rc;
}
