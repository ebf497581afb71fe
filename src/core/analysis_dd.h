/*
 * analysis_dd.h - internal to the analysis: a rule's decision diagram as
 * the passes of analysis_count.c (counts and swings, which analysis.c turns
 * into indices) and analysis_coalitions.c (smallest blocking and minimal
 * winning coalitions) walk it.  analysis.c builds and frees it; the coalition functions only read it, and what they
 * return (counts in L words, a coalition by level) is the caller's.
 */
#ifndef CN_ANALYSIS_DD_H
#define CN_ANALYSIS_DD_H

#include <stddef.h>
#include <stdint.h>

#include "analysis_bdd.h"

/* A diagram and what the passes need to walk it. */
struct dd {
	struct cn_bdd b;
	uint32_t root;
	size_t n;
	unsigned L;
	size_t *order;          /* level -> member */
	uint32_t *nodes;        /* reachable non-terminal ids, ascending */
	size_t count;
	uint32_t *index;        /* node id -> position in nodes */
	uint64_t *binom;        /* C(g, j) for 0 <= j <= g <= n, L words each */
	/* The levels are known to be in order of desirability
	 * (cn_game_ordered): the minimal coalitions need no check of it. */
	int ordered;
};

/* The member level of node u. */
static inline uint32_t var_of(const struct dd *d, uint32_t u)
{
	return d->b.nodes[u].var;
}

/* ---- counts (analysis_count.c) ---------------------------------------- */

/* d->nodes, d->count and d->index: the non-terminal nodes reachable from
 * `root`, ascending.  0, or -1 when out of memory. */
int cn_dd_reachable(struct dd *d, uint32_t root);

/* d->binom: C(g, j) for 0 <= j <= g <= n.  0, or -1 when out of memory. */
int cn_dd_make_binom(struct dd *d);

/* Satisfying assignments of all n levels of the function at `root` (L
 * words into out).  0, or -1 when out of memory. */
int cn_dd_count_sat(struct dd *d, uint32_t root, uint64_t *out);

/* Banzhaf alone: swings[l] (L words each) for each level, and the winning
 * coalitions; after cn_dd_reachable and cn_dd_make_binom on d->root.
 * 0, or -1 when out of memory. */
int cn_dd_swings_total(struct dd *d, uint64_t *swings, uint64_t *winning);

/* Shapley-Shubik and Banzhaf: sw[(l * n + k) * L] for each level and size
 * k of the others' coalition, and the winning coalitions; as above. */
int cn_dd_swings_by_size(struct dd *d, uint64_t *sw, uint64_t *winning);

/* ---- coalitions (analysis_coalitions.c) -------------------------------- */

/* The largest losing coalitions (the complements of the smallest blocking
 * ones): how large (-1: none), how many (L words), and one (x, by level).
 * 0, or -1 when out of memory. */
int cn_dd_largest_losing(struct dd *d, long *size, uint64_t *count,
			 unsigned char *x);

/* How many minimal coalitions the function at `root` accepts (L words
 * into out).  0, or -1 when out of memory. */
int cn_dd_count_minimal(struct dd *d, uint32_t root, uint64_t *out);

#endif
