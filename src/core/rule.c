/*
 * rule.c - the decision rule as an object: the names of positions and
 * verdicts, the parsed tree's nodes (made, joined, freed) and the
 * read-only questions rule.h asks of a parsed rule (needs_all, attributes,
 * shape).  The parser is rule_parse.c, the evaluator rule_eval.c; the node
 * they share is rule_tree.h.  See rule.h for the interface and
 * docs/RULES.md for the grammar and the semantics.
 */
#include "rule.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "rule_tree.h"

static const char *const pos_names[CN_POS_COUNT] = {
	[CN_POS_NONE] = "silent",
	[CN_POS_CONCUR] = "concur",
	[CN_POS_OBJECT] = "object",
	[CN_POS_ABSTAIN] = "abstain",
	[CN_POS_RESERVE] = "reserve",
	[CN_POS_FOOTNOTE] = "footnote",
};

const char *const cn_rule_cmp_text[CMP_NE + 1] = {
	[CMP_GE] = ">=", [CMP_GT] = ">", [CMP_LE] = "<=",
	[CMP_LT] = "<", [CMP_EQ] = "==", [CMP_NE] = "!=",
};

const char *cn_pos_name(enum cn_pos pos)
{
	if ((unsigned)pos >= CN_POS_COUNT)
		return "unknown";
	return pos_names[pos];
}

int cn_pos_parse(const char *name, enum cn_pos *out)
{
	if (!name || !out)
		return CN_EINVAL;
	for (unsigned i = 0; i < CN_POS_COUNT; i++) {
		if (strcmp(name, pos_names[i]) == 0) {
			*out = (enum cn_pos)i;
			return 0;
		}
	}
	return CN_EINVAL;
}

const char *cn_verdict_name(enum cn_verdict v)
{
	switch (v) {
	case CN_VERDICT_PENDING: return "pending";
	case CN_VERDICT_ADOPTED: return "adopted";
	case CN_VERDICT_BLOCKED: return "blocked";
	case CN_VERDICT_FAILED: return "failed";
	}
	return "unknown";
}

/* ---------------------------------------------------------------------- */
/* The tree's nodes */

static void rule_free(struct cn_rule *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nkids; i++)
		rule_free(r->kids[i]);
	free(r->kids);
	free(r->group);
	free(r->subject);
	free(r->attr);
	free(r->rhs_text);
	free(r);
}

void cn_rule_free(struct cn_rule *rule)
{
	rule_free(rule);
}

struct cn_rule *cn_rule_node_new(enum kind kind)
{
	struct cn_rule *r = calloc(1, sizeof(*r));

	if (r)
		r->kind = kind;
	return r;
}

int cn_rule_node_add(struct cn_rule *r, struct cn_rule *kid)
{
	struct cn_rule **k;

	/* Grow one at a time: chains are short and parsing happens once. */
	k = realloc(r->kids, (r->nkids + 1) * sizeof(*k));
	if (!k) {
		rule_free(kid);
		return CN_ENOMEM;
	}
	r->kids = k;
	r->kids[r->nkids++] = kid;
	return 0;
}

int cn_rule_needs_all(const struct cn_rule *r)
{
	const unsigned concur = 1u << CN_POS_CONCUR | 1u << CN_POS_FOOTNOTE;
	size_t all = 0;

	switch (r->kind) {
	case K_UNANIMITY:
		return 1;
	case K_COUNT:
		/* Only concurrences count, over the whole electorate, and the
		 * threshold is all of it. */
		return r->set && !(r->set & ~concur) && !r->group &&
		       r->base == BASE_ELECTORATE &&
		       (r->cmp == CMP_GE || r->cmp == CMP_EQ) &&
		       ((r->rhs == RHS_FRAC && r->num == r->den) ||
			(r->rhs == RHS_PCT && r->num == PCT_DEN));
	case K_AND:
		for (size_t i = 0; i < r->nkids; i++)
			if (cn_rule_needs_all(r->kids[i]))
				return 1;
		return 0;
	case K_OR:
		for (size_t i = 0; i < r->nkids; i++)
			all += (size_t)cn_rule_needs_all(r->kids[i]);
		return all == r->nkids;
	case K_CONSENSUS:
	case K_WEIGHT:
	case K_NONE:
		return 0;
	}
	return 0;
}

/* Add r's attributes, and its operands', to names[0..*n) when new; *more
 * when there is no room for one. */
static void collect_attrs(const struct cn_rule *r, const char **names,
			  size_t max, size_t *n, int *more)
{
	if (r->kind == K_WEIGHT) {
		size_t i;
		for (i = 0; i < *n && strcmp(names[i], r->attr); i++)
			;
		if (i == *n && *n < max)
			names[(*n)++] = r->attr;
		else if (i == *n)
			*more = 1;
	}
	for (size_t i = 0; i < r->nkids; i++)
		collect_attrs(r->kids[i], names, max, n, more);
}

size_t cn_rule_attributes(const struct cn_rule *rule, const char **names,
			  size_t max)
{
	size_t n = 0;
	int more = 0;

	collect_attrs(rule, names, max, &n, &more);
	return more ? max + 1 : n;
}

/* The tree as analysis.h reads it; the internal enums map one to one. */
void cn_rule_shape(const struct cn_rule *r, struct cn_rule_shape *out)
{
	static const enum cn_rule_op ops[] = {
		[K_CONSENSUS] = CN_RULE_CONSENSUS, [K_UNANIMITY] = CN_RULE_UNANIMITY,
		[K_COUNT] = CN_RULE_COUNT, [K_WEIGHT] = CN_RULE_WEIGHT,
		[K_NONE] = CN_RULE_NONE, [K_AND] = CN_RULE_AND, [K_OR] = CN_RULE_OR,
	};
	static const enum cn_rule_cmp cmps[] = {
		[CMP_GE] = CN_RULE_GE, [CMP_GT] = CN_RULE_GT, [CMP_LE] = CN_RULE_LE,
		[CMP_LT] = CN_RULE_LT, [CMP_EQ] = CN_RULE_EQ, [CMP_NE] = CN_RULE_NE,
	};

	memset(out, 0, sizeof(*out));
	out->op = ops[r->kind];
	out->noperands = r->nkids;
	out->set = r->set;
	out->ngroup = r->group ? r->ngroup : 0;
	out->attr = r->attr;
	if (r->kind == K_COUNT || r->kind == K_WEIGHT) {
		out->cmp = cmps[r->cmp];
		out->num = r->num;
		out->den = r->rhs == RHS_INT ? 0 : r->den;
		out->base_cast = r->base == BASE_CAST;
	}
}

const struct cn_rule *cn_rule_operand(const struct cn_rule *r, size_t i)
{
	assert(i < r->nkids);
	return r->kids[i];
}

const char *cn_rule_group_code(const struct cn_rule *r, size_t i)
{
	assert(r->group && i < r->ngroup);
	return r->group[i];
}
