/*
 * analysis_game.h - a decision rule on an electorate as a Boolean game:
 * each member i is a variable x_i, and the game says for which x the rule,
 * evaluated at conclusion (docs/RULES.md, `final`), adopts.
 *
 * A "side" gives each member the position it holds when x_i = 1 and when
 * x_i = 0.  The power analysis plays the yes/no game (1: concur, 0:
 * object); the analysis of a proposal plays "these members change to
 * concur (or to object), the others keep their positions".  Every primary
 * of the rule is linear in the members' positions, so each becomes one or
 * two threshold constraints ("atoms")
 *
 *         sum_i d_i x_i >= t          (d_i, t integers, d_i of any sign)
 *
 * joined by and/or as the rule joins them: count() and none() count 1 per
 * member, weight() the member's figure, a fraction of the base is
 * cross-multiplied (den * count - num * base >= 0, as rule_eval.c compares),
 * `==` is ">= and <=", `!=` is "> or <".  A reservation holds every rule,
 * so the game ANDs "nobody reserves" to it.  Constant atoms fold away.
 *
 * Figures (weight()) are decimal strings, as the registry and the frozen
 * proposal keep them; an attribute's figures are scaled by the same power
 * of ten so that they are whole, and the analysis is exact on them.  A
 * game whose sums would pass 2^62 is refused as too large to analyse
 * exactly.
 *
 * Ownership: cn_game_compile() fills a game that owns its arrays, freed by
 * cn_game_release().  Pure code: no I/O, no clock, no global state.
 */
#ifndef CN_ANALYSIS_GAME_H
#define CN_ANALYSIS_GAME_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "rule.h"

/* The decimal string of `attr` for member `code`: 0 and *value (borrowed
 * until the call that asked returns), or CN_ENOTFOUND. */
typedef int (*cn_game_attr_fn)(void *ctx, const char *code, const char *attr,
			       const char **value);

/* A member's position for one value of its variable. */
struct cn_game_pos {
	enum cn_pos pos;
	int declared;
};

struct cn_game_member {
	const char *code;
	struct cn_game_pos one, zero;   /* x = 1, x = 0 */
};

/* sum_i d[i] x_i >= t over the members in electorate order. */
struct cn_game_atom {
	int64_t *d;
	int64_t t;
};

enum cn_game_kind { CN_GAME_FALSE, CN_GAME_TRUE, CN_GAME_ATOM, CN_GAME_AND,
		    CN_GAME_OR };

struct cn_game_node {
	enum cn_game_kind kind;
	size_t atom;                /* CN_GAME_ATOM: index into atoms */
	size_t *kids;               /* AND, OR: indices into nodes */
	size_t nkids;
};

struct cn_game {
	size_t n;                   /* members */
	struct cn_game_atom *atoms;
	size_t natoms;
	struct cn_game_node *nodes;
	size_t nnodes;
	size_t root;                /* index into nodes */
	/* Every atom's coefficients are >= 0: the game is monotone (adding
	 * a member to x never turns adoption into rejection).  0 says only
	 * that this simple test did not show it. */
	int positive;
};

/* Compile `rule` for members m[0..n) under `attr` (may be NULL if the
 * rule weighs nothing).  CN_EINVAL names a missing or unusable figure or
 * a game too large; CN_ENOMEM. */
int cn_game_compile(const struct cn_rule *rule, const struct cn_game_member *m,
		    size_t n, cn_game_attr_fn attr, void *ctx,
		    struct cn_game *g, struct cn_err *err) CN_NODISCARD;
void cn_game_release(struct cn_game *g);

/* Evaluate the game on x[0..n) (0 or 1 each). */
int cn_game_eval(const struct cn_game *g, const unsigned char *x);

/* The variable order of the decision diagrams: members by decreasing
 * share of the atoms' coefficients, heaviest first, ties in electorate
 * order (order[level] = member index).  Deciding the heavy members first
 * leaves few distinct remainders below them; any order gives the same
 * counts, only the diagram's size depends on it. */
void cn_game_order(const struct cn_game *g, size_t *order);

/* Whether the game is positive and every atom's coefficients are
 * non-increasing along `order` (order[level] = member): then each member
 * is at least as desirable as the next (f(S + a) >= f(S + b) for a before
 * b, since every atom, and so every and/or of them, prefers a), and the
 * game is complete in that order.  0 says only that this test did not
 * show it. */
int cn_game_ordered(const struct cn_game *g, const size_t *order);

#endif
