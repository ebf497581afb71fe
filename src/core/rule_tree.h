/*
 * rule_tree.h - internal to the decision-rule language: the node of a
 * parsed rule, which the parser builds (rule_parse.c), the evaluator reads
 * (rule_eval.c) and rule.c owns (names, freeing, the read-only queries of
 * rule.h).  Not for use outside src/core/rule*.c: other modules see the
 * tree only through rule.h (cn_rule_shape and friends).
 *
 * Ownership: a node owns its operands, its group and its strings; the
 * root is freed with cn_rule_free().  After cn_rule_parse() returns, no
 * one writes to a node again, which is what lets one rule be evaluated
 * from several threads at once.
 */
#ifndef CN_RULE_TREE_H
#define CN_RULE_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "rule.h"

/* Parentheses may nest this deep; bounds the parser's and evaluator's
 * recursion so hostile input cannot exhaust the stack. */
#define RULE_MAX_DEPTH 64
/* Largest integer literal.  With at most RULE_MAX_VOTERS voters every
 * cross-multiplication in the evaluator stays under 2^63
 * (10^9 * 2^32 < 4.3 * 10^18). */
#define RULE_MAX_NUMBER 1000000000u
#define RULE_MAX_VOTERS UINT32_MAX
/* Member codes in a group literal: 2 to 8 of [A-Z0-9]. */
#define CODE_MIN 2
#define CODE_MAX 8
/* Percentages are held in hundredths of a percent: 65.5% is 6550/10000. */
#define PCT_DEN 10000u

/* Position-set bits: one per enum cn_pos, plus 'declared' (an abstention
 * with a formal declaration, i.e. constructive abstention). */
#define SET_DECLARED CN_RULE_SET_DECLARED

enum kind { K_CONSENSUS, K_UNANIMITY, K_COUNT, K_WEIGHT, K_NONE, K_AND, K_OR };
enum cmp { CMP_GE, CMP_GT, CMP_LE, CMP_LT, CMP_EQ, CMP_NE };
enum rhs_kind { RHS_INT, RHS_FRAC, RHS_PCT };
enum base { BASE_ELECTORATE, BASE_CAST };

/* A node of the parsed tree; the root is what callers hold. */
struct cn_rule {
	enum kind kind;
	/* K_AND, K_OR: n-ary, so a long chain costs no recursion depth. */
	struct cn_rule **kids;
	size_t nkids;
	/* K_COUNT, K_WEIGHT, K_NONE */
	unsigned set;           /* position-set bits */
	char (*group)[CODE_MAX + 1]; /* NULL: the whole electorate */
	size_t ngroup;
	char *subject;          /* "concur in {CN FR}", "population" */
	/* K_WEIGHT */
	char *attr;
	/* K_COUNT, K_WEIGHT */
	enum cmp cmp;
	enum rhs_kind rhs;
	uint64_t num, den;      /* RHS_INT: num; RHS_FRAC: num/den; RHS_PCT: num/PCT_DEN */
	enum base base;
	char *rhs_text;         /* "9", "2/3", "65%" */
};

/* Each comparison as it is written: the parser reads these, the evaluator
 * writes them into explanations. */
extern const char *const cn_rule_cmp_text[CMP_NE + 1];

/* A new node of that kind with nothing else set (NULL: out of memory). */
struct cn_rule *cn_rule_node_new(enum kind kind);
/* Append `kid` to an and/or node; on failure `kid` is freed here so the
 * caller has one cleanup path. */
int cn_rule_node_add(struct cn_rule *r, struct cn_rule *kid);

#endif
