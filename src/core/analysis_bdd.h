/*
 * analysis_bdd.h - reduced ordered binary decision diagrams (ROBDDs) of
 * games: the winning coalitions of a rule as one shared, canonical graph
 * over the members, on which analysis.c counts.
 *
 * Variables are levels 0..nvars-1 (the game's members in the order
 * cn_game_order() chose); a node tests its level's variable and goes to
 * `lo` when it is 0 and `hi` when it is 1.  Nodes are unique (one node per
 * (level, lo, hi)) and never redundant (lo != hi), so two functions are
 * equal exactly when their nodes are.  A node's children always have
 * smaller ids than the node: increasing ids are bottom-up.
 *
 * A threshold constraint (sum d_l x_l >= t) is built with the interval
 * method: the function below level l depends on the remaining threshold
 * only through which interval between two subset sums of d_l.. it falls
 * in, so each level keeps the intervals it has seen (a treap per level)
 * and each distinct subfunction is built once.  Rules then combine their
 * constraints with apply (and/or), which keeps the result canonical.
 * This is the approach of S. Bolus (Kiel, 2011-2012) for simple and
 * vector-weighted games; see docs/ANALYSIS.md.
 *
 * Failure: an operation returns CN_BDD_NONE when memory runs out or the
 * diagram would pass max_nodes, and b->failure says which (CN_ENOMEM or
 * CN_EREFUSED); every later operation then fails too.
 *
 * Ownership: struct cn_bdd owns its nodes; cn_bdd_release() frees them.
 * Pure code: no I/O, no clock, no global state.
 */
#ifndef CN_ANALYSIS_BDD_H
#define CN_ANALYSIS_BDD_H

#include <stddef.h>
#include <stdint.h>

#include "analysis_game.h"

#define CN_BDD_FALSE 0u
#define CN_BDD_TRUE 1u
#define CN_BDD_NONE UINT32_MAX

struct cn_bdd_node {
	uint32_t var;           /* level; nvars for the two terminals */
	uint32_t lo, hi;
};

struct cn_bdd {
	size_t nvars;
	struct cn_bdd_node *nodes;
	size_t nnodes, cap;
	uint32_t *table;        /* unique table: open addressing on (var, lo, hi) */
	size_t tcap;
	/* Results of apply, kept for the diagram's life: nodes never
	 * change, so (op, u, v) always has the same answer. */
	uint64_t *ckey;
	uint32_t *cval;
	size_t ccap, cused;
	size_t max_nodes;
	int failure;            /* 0, CN_ENOMEM, or CN_EREFUSED (max_nodes) */
};

int cn_bdd_init(struct cn_bdd *b, size_t nvars, size_t max_nodes)
	CN_NODISCARD;
void cn_bdd_release(struct cn_bdd *b);

/* The node (var, lo, hi), or lo when lo == hi. */
uint32_t cn_bdd_mk(struct cn_bdd *b, uint32_t var, uint32_t lo, uint32_t hi);

enum cn_bdd_op { CN_BDD_AND, CN_BDD_OR, CN_BDD_ANDNOT /* u and not v */ };
uint32_t cn_bdd_apply(struct cn_bdd *b, enum cn_bdd_op op, uint32_t u,
		      uint32_t v);

/* Whether u implies v (every coalition u accepts v accepts): 1 or 0,
 * without building a node (memoised in the apply cache); -1 when memory
 * runs out. */
int cn_bdd_leq(struct cn_bdd *b, uint32_t u, uint32_t v);

/* sum_l d[l] x_l >= t, d indexed by level. */
uint32_t cn_bdd_threshold(struct cn_bdd *b, const int64_t *d, int64_t t);

/* The game's function with member order[l] at level l. */
uint32_t cn_bdd_game(struct cn_bdd *b, const struct cn_game *g,
		     const size_t *order);

/* The dual: not f(not x).  A coalition blocks f exactly when its
 * complement loses, i.e. when it is winning in the dual. */
uint32_t cn_bdd_dual(struct cn_bdd *b, uint32_t u);
/* The monotone closure: x where f(y) for some y <= x.  f is monotone
 * exactly when this is f itself. */
uint32_t cn_bdd_upward(struct cn_bdd *b, uint32_t u);

/* f(x), x indexed by level. */
int cn_bdd_eval(const struct cn_bdd *b, uint32_t u, const unsigned char *x);

#endif
