/*
 * rule.h - decision rules as data: a small expression language, parsed once
 * into a tree and evaluated on the positions of a procedure's electorate.
 *
 * The grammar is documented in docs/RULES.md.  Examples:
 *     consensus
 *     unanimity
 *     count(concur) >= 2/3 of electorate
 *     count(concur) >= 9 and none(object in {CN FR GB RU US})
 *     count(concur) >= 55% of electorate and weight(concur, population) >= 65% of electorate
 *
 * Ownership: cn_rule_parse() returns a new tree owned by the caller, freed
 * with cn_rule_free().  The tree is immutable after parsing, so one parsed
 * rule may be evaluated from several threads at once.  cn_rule_eval() does
 * not keep any pointer into its input; the result owns its strings and is
 * released with cn_rule_result_release().
 *
 * Pure code: no I/O, no clock, no global state.
 */
#ifndef CN_RULE_H
#define CN_RULE_H

#include <stddef.h>

#include "err.h"

/* A member's stance on a proposal.  CN_POS_NONE is "silent": no position
 * stated (under consensus, silence is consent). */
enum cn_pos {
	CN_POS_NONE = 0,
	CN_POS_CONCUR,
	CN_POS_OBJECT,
	CN_POS_ABSTAIN,
	CN_POS_RESERVE,
	CN_POS_FOOTNOTE, /* concur, with a statement put on record */
};
#define CN_POS_COUNT 6

/* "silent", "concur", "object", "abstain", "reserve", "footnote". */
const char *cn_pos_name(enum cn_pos pos);
/* Parse one of the names above; returns 0 or CN_EINVAL. */
int cn_pos_parse(const char *name, enum cn_pos *out);

enum cn_verdict {
	CN_VERDICT_PENDING = 0, /* not decided yet (a hold, or still open) */
	CN_VERDICT_ADOPTED,
	CN_VERDICT_BLOCKED,     /* someone's position stops it (objection, veto) */
	CN_VERDICT_FAILED,      /* a threshold was not met at conclusion */
};

/* "pending", "adopted", "blocked", "failed". */
const char *cn_verdict_name(enum cn_verdict v);

/* Attribute lookup used by weight(): sets *out to the member's numeric
 * attribute `name` (e.g. population) and returns 0, or returns CN_ENOTFOUND
 * when the member has no such attribute. */
typedef int (*cn_attr_fn)(void *ctx, const char *member, const char *name,
			  double *out);

/* One member of the electorate and its current position. */
struct cn_voter {
	const char *code;      /* ISO 3166 alpha-2 (or any short id) */
	enum cn_pos pos;
	int declared;          /* abstain with a formal declaration (constructive) */
};

struct cn_rule_input {
	const struct cn_voter *voters; /* the whole frozen electorate */
	size_t nvoters;
	/* Nonzero when the procedure is concluding now: a threshold not yet met
	 * becomes FAILED instead of PENDING; reservations still hold (PENDING). */
	int final;
	cn_attr_fn attr;               /* may be NULL if the rule uses no weight() */
	void *attr_ctx;
};

struct cn_rule_result {
	enum cn_verdict verdict;
	char *explanation;  /* owned; e.g. "blocked: FR objects" */
	char **blocking;    /* owned codes whose position blocks (objectors, vetoes) */
	size_t nblocking;
	char **holding;     /* owned codes whose reservation keeps it pending */
	size_t nholding;
};

struct cn_rule; /* opaque parsed rule */

/* Parse `src`.  On error returns CN_EINVAL and err names the column and what
 * was expected ("rule: column 7: expected '(' after count"). */
int cn_rule_parse(const char *src, struct cn_rule **out, struct cn_err *err)
	CN_NODISCARD;
void cn_rule_free(struct cn_rule *rule);

/* 1 when the rule can adopt only with every member of the electorate
 * concurring (concur or footnote), whatever its size: unanimity, a count
 * of concurrences at 100% (or 1/1) of the electorate, an "and" with such
 * an operand, an "or" of such operands.  0 otherwise (consensus, where
 * silence is consent; thresholds; weights; vetoes). */
int cn_rule_needs_all(const struct cn_rule *rule);

/* The attributes the rule's weight() operands sum, each once, in the
 * order they appear: up to max names into names[] (borrowed from the
 * rule).  Returns how many, or max + 1 when there are more than max.  A
 * rule without weight() has none. */
size_t cn_rule_attributes(const struct cn_rule *rule, const char **names,
			  size_t max);

/* Evaluate.  Fails (CN_EINVAL) only when the rule needs something the input
 * lacks, e.g. weight(...) on a member without that attribute; err says which.
 * On failure *res is left zeroed. */
int cn_rule_eval(const struct cn_rule *rule, const struct cn_rule_input *in,
		 struct cn_rule_result *res, struct cn_err *err) CN_NODISCARD;
void cn_rule_result_release(struct cn_rule_result *res);

#endif
