/*
 * analysis.h - who can block and who holds power under a decision rule:
 * the simple game of a body's rule on its electorate, and, on an open
 * proposal, who can still turn the outcome (docs/ANALYSIS.md).
 *
 * The game.  Members in a coalition concur, every other member objects,
 * and the coalition "wins" when the rule, evaluated at conclusion, adopts.
 * This yes/no game is the one the power indices are defined on: an
 * abstention, an absence or silence is not a vote for, so it counts as a
 * "no" of the game (the EU's qualified majority and the Security
 * Council's nine votes count only those who concur).  What abstention
 * changes on a real proposal (a permanent member's abstention is no veto;
 * under consensus it blocks nothing) is the proposal analysis's business,
 * which evaluates the rule on the positions as they are.
 *
 * Power (cn_power_compute): veto players; the numbers of winning and
 * minimal winning coalitions; the smallest blocking coalitions (their
 * size, how many, an example) and the number of minimal blocking ones;
 * per member the Banzhaf swings, the normalised Banzhaf index, the
 * absolute (Penrose) index, the Shapley-Shubik index and Coleman's powers
 * to prevent and to initiate action; Coleman's power of the collectivity
 * to act.  Every count and index is exact (struct cn_nat, cn_ratio).  The
 * indices are defined for monotone games; a rule that is not monotone
 * gets its counts and the reason.
 *
 * Proposal (cn_proposal_analyse): the verdict now, at conclusion if the
 * silent stay silent, if they all concur, if they all object; the members
 * whose one change of position would flip the outcome at conclusion (and
 * to which positions); the smallest set of changes that flips it, with
 * how many such sets there are.
 *
 * Ownership: results are allocated here and freed with cn_power_free() /
 * cn_proposal_analysis_free(); member codes in them are borrowed from
 * the input and must outlive the result.  Pure code: no I/O, no clock, no
 * global state.  A computation bounded by `max_nodes` (decision-diagram
 * nodes) refuses (CN_EREFUSED) rather than exhaust memory.
 */
#ifndef CN_ANALYSIS_H
#define CN_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "analysis_game.h"
#include "analysis_nat.h"
#include "err.h"
#include "rule.h"

/* What to compute (the counts of winning coalitions and the veto players
 * always are). */
enum {
	CN_AN_BANZHAF = 1 << 0,   /* swings, Banzhaf, Penrose, Coleman */
	CN_AN_SHAPLEY = 1 << 1,   /* Shapley-Shubik */
	CN_AN_MINIMAL = 1 << 2,   /* minimal winning and blocking coalitions */
	CN_AN_BLOCKING = 1 << 3,  /* smallest blocking coalitions */
	CN_AN_ALL = 0xf,
	/* Tests: force one method where both apply. */
	CN_AN_FORCE_DIAGRAM = 1 << 8,
	CN_AN_FORCE_GF = 1 << 9,
};

/* Decision-diagram nodes allowed by default (about 12 bytes each, and the
 * counts on top). */
#define CN_AN_DEFAULT_NODES (1u << 21)

struct cn_power_member {
	const char *code;
	int veto;                   /* in every winning coalition (there is one) */
	int dummy;                  /* never turns a coalition */
	struct cn_nat swings;       /* coalitions without it, losing, that win with it */
	struct cn_ratio banzhaf;    /* swings / all members' swings */
	struct cn_ratio penrose;    /* swings / 2^(n-1) */
	struct cn_ratio shapley;    /* Shapley-Shubik */
	struct cn_ratio prevent;    /* Coleman: swings / winning */
	struct cn_ratio initiate;   /* Coleman: swings / losing */
};

struct cn_power {
	size_t n;
	struct cn_power_member *members;   /* electorate order */
	unsigned computed;                 /* CN_AN_* bits done */
	/* "decision diagram", "generating function", or "generating
	 * function and decision diagram" (a weighted majority whose
	 * generating functions could not hold every part) */
	const char *method;
	size_t size;                       /* the diagram's nodes, else the function's terms */
	int monotone;
	int proper;                        /* no two disjoint winning coalitions; -1 unknown */
	int strong;                        /* of a coalition and its complement one wins; -1 */
	struct cn_nat coalitions;          /* 2^n */
	struct cn_nat winning;
	struct cn_ratio collective;        /* Coleman: winning / 2^n */
	struct cn_nat minimal_winning;
	struct cn_nat minimal_blocking;
	/* Smallest coalitions whose "no" defeats the rule whatever the others
	 * do: their size (n + 1 when nothing blocks, 0 when the rule can
	 * never adopt), how many, and one, as member indices. */
	size_t blocking_size;
	struct cn_nat blocking_count;
	size_t *blocking_example;
	/* Why a part asked for was not computed ("" when all were). */
	char note[256];
};

struct cn_power_input {
	const struct cn_rule *rule;
	const char *const *codes;          /* the electorate, in order */
	size_t n;
	cn_game_attr_fn attr;              /* figures for weight(); may be NULL */
	void *attr_ctx;
	unsigned want;                     /* CN_AN_* */
	size_t max_nodes;                  /* 0: CN_AN_DEFAULT_NODES */
};

int cn_power_compute(const struct cn_power_input *in, struct cn_power **out,
		     struct cn_err *err) CN_NODISCARD;
void cn_power_free(struct cn_power *p);

/* ---- a proposal ---------------------------------------------------------- */

/* One member's position on a proposal. */
struct cn_an_ballot {
	const char *code;
	enum cn_pos pos;
	int declared;
};

struct cn_an_verdict {
	enum cn_verdict verdict;
	char *explanation;
	char **blocking, **holding;        /* codes, as cn_rule_result has them */
	size_t nblocking, nholding;
};

/* A change of one member's position that flips the outcome. */
struct cn_an_change {
	size_t member;                     /* index into the ballots */
	struct cn_game_pos to;
	enum cn_verdict verdict;           /* the verdict it gives */
};

struct cn_proposal_analysis {
	size_t n;
	int silence_consents;
	struct cn_an_verdict now;          /* as it stands, not concluding */
	struct cn_an_verdict stay;         /* concluded now: the silent stay silent */
	struct cn_an_verdict all_concur;   /* concluded after the silent concur */
	struct cn_an_verdict all_object;   /* ... after they object */
	int adopted;                       /* stay.verdict is adopted */
	/* Single changes that flip the outcome at conclusion: to every
	 * position but a reservation (which holds, but decides nothing). */
	struct cn_an_change *pivotal;
	size_t npivotal;
	/* n flags: the member's objection alone stops the proposal even if
	 * every silent member concurs ("who can still block it"). */
	unsigned char *can_block;
	/* The fewest members whose change flips it (to concur when it would
	 * not be adopted, to object when it would): how many (0: it cannot
	 * be flipped), how many such sets, and one. */
	size_t flip_size;
	struct cn_nat flip_count;
	struct cn_an_change *flip;
	/* The flip was searched among changes to concur (or to object)
	 * only, and some member could do more by another position: the
	 * size is then an upper bound, not proved smallest. */
	int flip_bound_only;
};

struct cn_proposal_input {
	const struct cn_rule *rule;
	const struct cn_an_ballot *ballots;
	size_t n;
	/* The silence procedure: at the deadline silence is consent. */
	int silence_consents;
	cn_game_attr_fn attr;
	void *attr_ctx;
	size_t max_nodes;
};

int cn_proposal_analyse(const struct cn_proposal_input *in,
			struct cn_proposal_analysis **out, struct cn_err *err)
	CN_NODISCARD;
void cn_proposal_analysis_free(struct cn_proposal_analysis *a);

#endif
