/*
 * rule.c - the decision-rule language: a recursive-descent parser that builds
 * an immutable tree, and an evaluator that turns a frozen electorate's
 * positions into a verdict with a human explanation.  See rule.h for the
 * interface and docs/RULES.md for the grammar and the semantics.
 *
 * Internally every node evaluates to a "part": a verdict, an explanation
 * body without the "verdict: " prefix, and two flag arrays over the
 * electorate (who blocks, who holds).  Flags rather than code lists make the
 * union of several operands' lists trivial and keep it in electorate order;
 * bodies without the prefix let "and"/"or" join several reasons under one
 * prefix ("adopted: 9 concur >= 9; no veto").
 */
#include "rule.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Parentheses may nest this deep; bounds the parser's and evaluator's
 * recursion so hostile input cannot exhaust the stack. */
#define RULE_MAX_DEPTH 64
/* Largest integer literal.  With at most RULE_MAX_VOTERS voters every
 * cross-multiplication below stays under 2^63 (10^9 * 2^32 < 4.3 * 10^18). */
#define RULE_MAX_NUMBER 1000000000u
#define RULE_MAX_VOTERS UINT32_MAX
/* Member codes named in one explanation before "and N more". */
#define RULE_MAX_LISTED 10
/* Member codes in a group literal: 2 to 8 of [A-Z0-9]. */
#define CODE_MIN 2
#define CODE_MAX 8
/* Attribute names are short identifiers; the bound keeps messages short. */
#define ATTR_MAX 32
/* Percentages are held in hundredths of a percent: 65.5% is 6550/10000. */
#define PCT_DEN 10000u

/* Position-set bits: one per enum cn_pos, plus 'declared' (an abstention
 * with a formal declaration, i.e. constructive abstention). */
#define SET_DECLARED (1u << CN_POS_COUNT)

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

static const char *const pos_names[CN_POS_COUNT] = {
	[CN_POS_NONE] = "silent",
	[CN_POS_CONCUR] = "concur",
	[CN_POS_OBJECT] = "object",
	[CN_POS_ABSTAIN] = "abstain",
	[CN_POS_RESERVE] = "reserve",
	[CN_POS_FOOTNOTE] = "footnote",
};

static const char *const cmp_text[] = {
	[CMP_GE] = ">=", [CMP_GT] = ">", [CMP_LE] = "<=",
	[CMP_LT] = "<", [CMP_EQ] = "==", [CMP_NE] = "!=",
};

/* The comparison that holds when `c` does not; used to state what is. */
static const enum cmp cmp_negated[] = {
	[CMP_GE] = CMP_LT, [CMP_GT] = CMP_LE, [CMP_LE] = CMP_GT,
	[CMP_LT] = CMP_GE, [CMP_EQ] = CMP_NE, [CMP_NE] = CMP_EQ,
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

static char *str_dup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

/* ---------------------------------------------------------------------- */
/* Tree */

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

static struct cn_rule *node_new(enum kind kind)
{
	struct cn_rule *r = calloc(1, sizeof(*r));

	if (r)
		r->kind = kind;
	return r;
}

/* Append `kid` to an and/or node; on failure `kid` is freed here so the
 * caller has one cleanup path. */
static int node_add(struct cn_rule *r, struct cn_rule *kid)
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

/* ---------------------------------------------------------------------- */
/* Parser: works directly on the characters; "tokens" are only needed to
 * describe what was found in error messages. */

struct parser {
	const char *src;
	size_t pos;
	unsigned depth;
	struct cn_err *err;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       is_digit(c) || c == '_';
}

static void skip_ws(struct parser *p)
{
	while (is_space(p->src[p->pos]))
		p->pos++;
}

/* Length of the word (letters, digits, '_') at the current position. */
static size_t word_len(const struct parser *p)
{
	size_t n = 0;

	while (is_word(p->src[p->pos + n]))
		n++;
	return n;
}

/* Length of the token starting at s, for error messages. */
static size_t token_len(const char *s)
{
	size_t n = 0;

	if (!*s)
		return 0;
	if (is_word(*s)) {
		while (is_word(s[n]))
			n++;
		return n;
	}
	if ((s[0] == '>' || s[0] == '<' || s[0] == '=' || s[0] == '!') &&
	    s[1] == '=')
		return 2;
	return 1;
}

/* Report "rule: column N: <expected>, found '<src[at..end)>'".  Bytes that
 * are not printable ASCII are shown as \xNN so fuzzed input cannot put
 * control characters into a message; long tokens are cut. */
static int fail_span(struct parser *p, size_t at, size_t end,
		     const char *expected)
{
	char found[64];
	size_t n = 0, i;

	if (at == end) {
		return cn_err_set(p->err, CN_EINVAL,
				  "rule: column %zu: %s, found end of rule",
				  at + 1, expected);
	}
	for (i = at; i < end && n < 40; i++) {
		unsigned char c = (unsigned char)p->src[i];

		if (c >= 0x20 && c < 0x7f && c != '\'') {
			found[n++] = (char)c;
		} else {
			snprintf(found + n, sizeof(found) - n, "\\x%02X", c);
			n += 4;
		}
	}
	if (i < end) {
		memcpy(found + n, "...", 3);
		n += 3;
	}
	found[n] = '\0';
	return cn_err_set(p->err, CN_EINVAL, "rule: column %zu: %s, found '%s'",
			  at + 1, expected, found);
}

/* Report an error at the next token. */
static int fail(struct parser *p, const char *expected)
{
	skip_ws(p);
	return fail_span(p, p->pos, p->pos + token_len(p->src + p->pos),
			 expected);
}

/* Consume keyword `kw` if the next word is exactly it. */
static int accept_word(struct parser *p, const char *kw)
{
	size_t n;

	skip_ws(p);
	n = word_len(p);
	if (n != strlen(kw) || memcmp(p->src + p->pos, kw, n) != 0)
		return 0;
	p->pos += n;
	return 1;
}

/* Consume the punctuation `sym` if it comes next. */
static int accept_sym(struct parser *p, const char *sym)
{
	size_t n = strlen(sym);

	skip_ws(p);
	if (strncmp(p->src + p->pos, sym, n) != 0)
		return 0;
	p->pos += n;
	return 1;
}

static int parse_or(struct parser *p, struct cn_rule **out);

/* posset = pos { "|" pos }.  Also builds the label used in explanations
 * (names in source order, each once). */
static int parse_posset(struct parser *p, struct cn_rule *r, struct cn_buf *label)
{
	static const char expected[] =
		"expected a position (concur, object, abstain, reserve, "
		"footnote, silent or declared)";

	do {
		unsigned bit = 0;
		size_t n;

		skip_ws(p);
		n = word_len(p);
		if (n == 8 && memcmp(p->src + p->pos, "declared", 8) == 0) {
			bit = SET_DECLARED;
		} else {
			for (unsigned i = 0; i < CN_POS_COUNT; i++) {
				if (strlen(pos_names[i]) == n &&
				    memcmp(p->src + p->pos, pos_names[i], n) == 0)
					bit = 1u << i;
			}
		}
		if (!bit)
			return fail(p, expected);
		if (!(r->set & bit)) {
			if (r->set)
				cn_buf_puts(label, "|");
			cn_buf_add(label, p->src + p->pos, n);
		}
		r->set |= bit;
		p->pos += n;
	} while (accept_sym(p, "|"));
	return 0;
}

/* group = "{" code { code } "}", after "in" was consumed. */
static int parse_group(struct parser *p, struct cn_rule *r, struct cn_buf *label)
{
	if (!accept_sym(p, "{"))
		return fail(p, "expected '{' after in");
	cn_buf_puts(label, " in {");
	for (;;) {
		char (*g)[CODE_MAX + 1];
		size_t n, at;
		int ok;

		if (r->ngroup > 0 && accept_sym(p, "}"))
			break;
		skip_ws(p);
		at = p->pos;
		n = word_len(p);
		ok = n >= CODE_MIN && n <= CODE_MAX;
		for (size_t i = 0; ok && i < n; i++) {
			char c = p->src[at + i];

			ok = is_digit(c) || (c >= 'A' && c <= 'Z');
		}
		if (!ok)
			return fail(p, r->ngroup ?
				    "expected a member code (2 to 8 of A-Z, 0-9) or '}'" :
				    "expected a member code (2 to 8 of A-Z, 0-9)");
		for (size_t i = 0; i < r->ngroup; i++) {
			/* A repeated code is almost certainly a typo for
			 * another member, so refuse rather than ignore it. */
			if (strlen(r->group[i]) == n &&
			    memcmp(r->group[i], p->src + at, n) == 0)
				return fail_span(p, at, at + n,
						 "expected each member code once");
		}
		g = realloc(r->group, (r->ngroup + 1) * sizeof(*g));
		if (!g)
			return CN_ENOMEM;
		r->group = g;
		memcpy(r->group[r->ngroup], p->src + at, n);
		r->group[r->ngroup][n] = '\0';
		if (r->ngroup)
			cn_buf_puts(label, " ");
		cn_buf_add(label, p->src + at, n);
		r->ngroup++;
		p->pos += n;
	}
	cn_buf_puts(label, "}");
	return 0;
}

/* An unsigned decimal integer no larger than RULE_MAX_NUMBER. */
static int parse_uint(struct parser *p, uint64_t *out)
{
	size_t at, n;
	uint64_t v = 0;

	skip_ws(p);
	at = p->pos;
	/* A number ends at the first non-digit, so "2/3of" reads like
	 * "2/3 of": whitespace is never required between tokens. */
	for (n = 0; is_digit(p->src[at + n]); n++) {
		/* Saturate instead of overflowing; too large either way. */
		if (v <= RULE_MAX_NUMBER)
			v = v * 10 + (uint64_t)(p->src[at + n] - '0');
	}
	if (n == 0)
		return fail(p, "expected a number");
	if (v > RULE_MAX_NUMBER)
		return fail_span(p, at, at + n,
				 "expected a number up to 1000000000");
	p->pos += n;
	*out = v;
	return 0;
}

static int parse_base(struct parser *p, struct cn_rule *r, const char *what)
{
	char expected[64];

	if (!accept_word(p, "of")) {
		snprintf(expected, sizeof(expected), "expected 'of' after the %s",
			 what);
		return fail(p, expected);
	}
	if (accept_word(p, "electorate"))
		r->base = BASE_ELECTORATE;
	else if (accept_word(p, "cast"))
		r->base = BASE_CAST;
	else
		return fail(p, "expected 'electorate' or 'cast'");
	return 0;
}

/* cmp rhs, shared by count() and weight(). */
static int parse_comparison(struct parser *p, struct cn_rule *r)
{
	static const enum cmp order[] = {
		CMP_GE, CMP_GT, CMP_LE, CMP_LT, CMP_EQ, CMP_NE,
	};
	struct cn_buf text = CN_BUF_INIT;
	size_t i, at;
	uint64_t a = 0, b = 0;
	int rc;

	/* Two-character operators come first in `order`, so ">=" is not
	 * taken for ">" followed by garbage. */
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (accept_sym(p, cmp_text[order[i]]))
			break;
	}
	if (i == sizeof(order) / sizeof(order[0]))
		return fail(p, "expected a comparison (>=, >, <=, <, == or !=)");
	r->cmp = order[i];

	skip_ws(p);
	at = p->pos;
	rc = parse_uint(p, &a);
	if (rc)
		return rc;
	if (p->src[p->pos] == '.') {
		/* A decimal is only meaningful as a percentage. */
		uint64_t dec = 0;
		size_t n;

		p->pos++;
		for (n = 0; is_digit(p->src[p->pos + n]); n++)
			;
		if (n == 0 || n > 2)
			return fail_span(p, at, p->pos + n,
					 "expected a percentage with at most 2 decimals");
		for (size_t k = 0; k < n; k++)
			dec = dec * 10 + (uint64_t)(p->src[p->pos + k] - '0');
		if (n == 1)
			dec *= 10;
		p->pos += n;
		if (!accept_sym(p, "%"))
			return fail(p, "expected '%' after a decimal number");
		r->rhs = RHS_PCT;
		r->num = a * 100 + dec;
		r->den = PCT_DEN;
	} else if (accept_sym(p, "%")) {
		r->rhs = RHS_PCT;
		r->num = a * 100;
		r->den = PCT_DEN;
	} else if (accept_sym(p, "/")) {
		rc = parse_uint(p, &b);
		if (rc)
			return rc;
		if (b == 0)
			return fail_span(p, at, p->pos,
					 "expected a denominator above 0");
		if (a > b)
			return fail_span(p, at, p->pos,
					 "expected a fraction of at most 1");
		r->rhs = RHS_FRAC;
		r->num = a;
		r->den = b;
	} else {
		r->rhs = RHS_INT;
		r->num = a;
		r->den = 1;
	}
	if (r->rhs == RHS_PCT && r->num > PCT_DEN)
		return fail_span(p, at, p->pos,
				 "expected a percentage of at most 100%");
	if (r->rhs != RHS_INT) {
		rc = parse_base(p, r, r->rhs == RHS_PCT ? "percentage" : "fraction");
		if (rc)
			return rc;
	}

	switch (r->rhs) {
	case RHS_INT:
		cn_buf_printf(&text, "%llu", (unsigned long long)r->num);
		break;
	case RHS_FRAC:
		cn_buf_printf(&text, "%llu/%llu", (unsigned long long)r->num,
			  (unsigned long long)r->den);
		break;
	case RHS_PCT:
		/* Print as written modulo trailing zeros: 65%, 65.5%, 65.25%. */
		cn_buf_printf(&text, "%llu", (unsigned long long)(r->num / 100));
		if (r->num % 100 % 10)
			cn_buf_printf(&text, ".%02u", (unsigned)(r->num % 100));
		else if (r->num % 100)
			cn_buf_printf(&text, ".%u", (unsigned)(r->num % 100 / 10));
		cn_buf_puts(&text, "%");
		break;
	}
	return cn_buf_finish(&text, &r->rhs_text);
}

/* count/weight/none "(" posset [ "in" group ] ... ; fills r->subject for
 * count and none (weight adds its attribute first). */
static int parse_scope(struct parser *p, struct cn_rule *r, struct cn_buf *label,
		       const char *close)
{
	char expected[64];
	int rc;

	rc = parse_posset(p, r, label);
	if (rc)
		return rc;
	if (accept_word(p, "in")) {
		rc = parse_group(p, r, label);
		if (rc)
			return rc;
		if (!accept_sym(p, close)) {
			snprintf(expected, sizeof(expected), "expected '%s'",
				 close);
			return fail(p, expected);
		}
		return 0;
	}
	if (!accept_sym(p, close)) {
		snprintf(expected, sizeof(expected),
			 "expected '|', 'in' or '%s'", close);
		return fail(p, expected);
	}
	return 0;
}

static int parse_attr(struct parser *p, struct cn_rule *r)
{
	size_t n;
	int ok;

	skip_ws(p);
	n = word_len(p);
	ok = n > 0 && n <= ATTR_MAX && p->src[p->pos] >= 'a' &&
	     p->src[p->pos] <= 'z';
	for (size_t i = 0; ok && i < n; i++) {
		char c = p->src[p->pos + i];

		ok = (c >= 'a' && c <= 'z') || is_digit(c) || c == '_';
	}
	if (!ok)
		return fail(p, "expected an attribute name (a-z, 0-9, _)");
	r->attr = malloc(n + 1);
	if (!r->attr)
		return CN_ENOMEM;
	memcpy(r->attr, p->src + p->pos, n);
	r->attr[n] = '\0';
	p->pos += n;
	return 0;
}

/* Parse the body of count/weight/none after the keyword. */
static int parse_call(struct parser *p, struct cn_rule *r, const char *kw)
{
	struct cn_buf label = CN_BUF_INIT;
	char expected[48];
	int rc;

	snprintf(expected, sizeof(expected), "expected '(' after %s", kw);
	if (!accept_sym(p, "("))
		return fail(p, expected);
	rc = parse_scope(p, r, &label, r->kind == K_WEIGHT ? "," : ")");
	if (!rc && r->kind == K_WEIGHT) {
		rc = parse_attr(p, r);
		if (!rc && !accept_sym(p, ")"))
			rc = fail(p, "expected ')'");
		if (!rc) {
			/* The share of "yes" (concur, with or without a
			 * footnote) is the common case and reads best bare:
			 * "population 63.20%"; any other set is named. */
			unsigned yes = 1u << CN_POS_CONCUR |
				       1u << CN_POS_FOOTNOTE;

			if (!r->group && (r->set & ~yes) == 0 &&
			    (r->set & (1u << CN_POS_CONCUR))) {
				cn_buf_reset(&label);
			} else {
				cn_buf_puts(&label, " ");
			}
			cn_buf_puts(&label, r->attr);
		}
	}
	if (!rc && r->kind != K_NONE)
		rc = parse_comparison(p, r);
	if (rc) {
		cn_buf_release(&label);
		return rc;
	}
	return cn_buf_finish(&label, &r->subject);
}

static int parse_primary(struct parser *p, struct cn_rule **out)
{
	static const struct {
		const char *kw;
		enum kind kind;
	} prims[] = {
		{ "consensus", K_CONSENSUS }, { "unanimity", K_UNANIMITY },
		{ "count", K_COUNT }, { "weight", K_WEIGHT }, { "none", K_NONE },
	};
	struct cn_rule *r;
	int rc;

	*out = NULL;
	skip_ws(p);
	if (p->src[p->pos] == '(') {
		if (p->depth >= RULE_MAX_DEPTH)
			return fail(p, "expected at most 64 nested parentheses");
		p->pos++;
		p->depth++;
		rc = parse_or(p, out);
		p->depth--;
		if (rc)
			return rc;
		if (!accept_sym(p, ")")) {
			rule_free(*out);
			*out = NULL;
			return fail(p, "expected 'and', 'or' or ')'");
		}
		return 0;
	}
	for (size_t i = 0; i < sizeof(prims) / sizeof(prims[0]); i++) {
		if (!accept_word(p, prims[i].kw))
			continue;
		r = node_new(prims[i].kind);
		if (!r)
			return CN_ENOMEM;
		if (r->kind == K_COUNT || r->kind == K_WEIGHT ||
		    r->kind == K_NONE) {
			rc = parse_call(p, r, prims[i].kw);
			if (rc) {
				rule_free(r);
				return rc;
			}
		}
		*out = r;
		return 0;
	}
	return fail(p, "expected a rule (consensus, unanimity, count, weight, "
		       "none or '(')");
}

/* One level of a left-associative n-ary chain: sub { kw sub }.  A chain of
 * one operand is returned as that operand, so the tree has no idle nodes. */
static int parse_chain(struct parser *p, struct cn_rule **out, enum kind kind,
		       const char *kw,
		       int (*sub)(struct parser *, struct cn_rule **))
{
	struct cn_rule *first, *node, *kid;
	int rc;

	*out = NULL;
	rc = sub(p, &first);
	if (rc)
		return rc;
	if (!accept_word(p, kw)) {
		*out = first;
		return 0;
	}
	node = node_new(kind);
	if (!node) {
		rule_free(first);
		return CN_ENOMEM;
	}
	rc = node_add(node, first);
	while (!rc) {
		rc = sub(p, &kid);
		if (!rc)
			rc = node_add(node, kid);
		if (!rc && !accept_word(p, kw))
			break;
	}
	if (rc) {
		rule_free(node);
		return rc;
	}
	*out = node;
	return 0;
}

static int parse_and(struct parser *p, struct cn_rule **out)
{
	return parse_chain(p, out, K_AND, "and", parse_primary);
}

static int parse_or(struct parser *p, struct cn_rule **out)
{
	return parse_chain(p, out, K_OR, "or", parse_and);
}

int cn_rule_parse(const char *src, struct cn_rule **out, struct cn_err *err)
{
	struct parser p = { .src = src, .err = err };
	struct cn_rule *r;
	int rc;

	if (!out)
		return cn_err_set(err, CN_EINVAL, "rule: no output given");
	*out = NULL;
	if (!src)
		return cn_err_set(err, CN_EINVAL, "rule: no rule given");
	rc = parse_or(&p, &r);
	if (rc == CN_ENOMEM)
		return cn_err_set(err, CN_ENOMEM, "rule: out of memory");
	if (rc)
		return rc;
	skip_ws(&p);
	if (p.src[p.pos] != '\0') {
		rule_free(r);
		return fail(&p, "expected 'and', 'or' or end of rule");
	}
	assert(p.depth == 0);
	*out = r;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Evaluator */

struct part {
	enum cn_verdict v;
	char *body;             /* explanation without "verdict: " */
	unsigned char *block;   /* nvoters flags: blocks (objects, vetoes) */
	unsigned char *hold;    /* nvoters flags: holds by reservation */
};

struct eval {
	const struct cn_rule_input *in;
	struct cn_err *err;
};

static int part_init(struct part *pt, size_t n)
{
	memset(pt, 0, sizeof(*pt));
	/* One block for both flag arrays; hold points into it. */
	pt->block = calloc(2 * n, 1);
	if (!pt->block)
		return CN_ENOMEM;
	pt->hold = pt->block + n;
	return 0;
}

static void part_free(struct part *pt)
{
	free(pt->block);
	free(pt->body);
	memset(pt, 0, sizeof(*pt));
}

static int in_group(const struct cn_rule *r, const char *code)
{
	if (!r->group)
		return 1;
	for (size_t i = 0; i < r->ngroup; i++) {
		if (strcmp(r->group[i], code) == 0)
			return 1;
	}
	return 0;
}

static int set_has(unsigned set, const struct cn_voter *v)
{
	if (set & (1u << v->pos))
		return 1;
	return (set & SET_DECLARED) && v->pos == CN_POS_ABSTAIN && v->declared;
}

/* A vote cast is a yes or a no; abstention, silence and a reservation are
 * not. */
static int is_cast(const struct cn_voter *v)
{
	return v->pos == CN_POS_CONCUR || v->pos == CN_POS_FOOTNOTE ||
	       v->pos == CN_POS_OBJECT;
}

static size_t count_flags(const unsigned char *f, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += f[i] != 0;
	return k;
}

/* "FR, HU" in electorate order; after RULE_MAX_LISTED codes, " and N more". */
static void sb_codes(struct cn_buf *b, const struct cn_rule_input *in,
		     const unsigned char *f)
{
	size_t shown = 0, total = count_flags(f, in->nvoters);

	for (size_t i = 0; i < in->nvoters && shown < RULE_MAX_LISTED; i++) {
		if (!f[i])
			continue;
		if (shown++)
			cn_buf_puts(b, ", ");
		cn_buf_puts(b, in->voters[i].code);
	}
	if (total > shown)
		cn_buf_printf(b, " and %zu more", total - shown);
}

static void flags_of(const struct cn_rule_input *in, enum cn_pos pos,
		     unsigned char *f)
{
	for (size_t i = 0; i < in->nvoters; i++)
		f[i] = in->voters[i].pos == pos;
}

/* Objection blocks, else reservation holds; shared by consensus and
 * unanimity.  Returns 1 when it decided the part. */
static int objections_and_holds(const struct cn_rule_input *in,
				struct part *pt, struct cn_buf *b)
{
	size_t n;

	flags_of(in, CN_POS_OBJECT, pt->block);
	n = count_flags(pt->block, in->nvoters);
	if (n) {
		pt->v = CN_VERDICT_BLOCKED;
		sb_codes(b, in, pt->block);
		cn_buf_puts(b, n == 1 ? " objects" : " object");
		return 1;
	}
	flags_of(in, CN_POS_RESERVE, pt->hold);
	n = count_flags(pt->hold, in->nvoters);
	if (n) {
		pt->v = CN_VERDICT_PENDING;
		cn_buf_puts(b, n == 1 ? "reservation by " : "reservations by ");
		sb_codes(b, in, pt->hold);
		return 1;
	}
	return 0;
}

static const char *members(size_t n)
{
	return n == 1 ? "member" : "members";
}

static void eval_consensus(const struct cn_rule_input *in, struct part *pt,
			   struct cn_buf *b)
{
	if (objections_and_holds(in, pt, b))
		return;
	pt->v = CN_VERDICT_ADOPTED;
	cn_buf_printf(b, "no objection among %zu %s", in->nvoters,
		  members(in->nvoters));
}

static void eval_unanimity(const struct cn_rule_input *in, struct part *pt,
			   struct cn_buf *b)
{
	unsigned char *missing = pt->hold; /* scratch: hold is empty here */
	size_t n;

	if (objections_and_holds(in, pt, b))
		return;
	for (size_t i = 0; i < in->nvoters; i++) {
		enum cn_pos pos = in->voters[i].pos;

		missing[i] = pos != CN_POS_CONCUR && pos != CN_POS_FOOTNOTE;
	}
	n = count_flags(missing, in->nvoters);
	if (n == 0) {
		pt->v = CN_VERDICT_ADOPTED;
		if (in->nvoters == 1)
			cn_buf_puts(b, "the only member concurs");
		else
			cn_buf_printf(b, "all %zu members concur", in->nvoters);
	} else if (in->final) {
		pt->v = CN_VERDICT_FAILED;
		cn_buf_printf(b, "%zu of %zu %s did not concur: ", n, in->nvoters,
			  members(in->nvoters));
		sb_codes(b, in, missing);
	} else {
		pt->v = CN_VERDICT_PENDING;
		cn_buf_puts(b, "awaiting concurrence from ");
		sb_codes(b, in, missing);
	}
	/* These members are not holding by reservation; clear the scratch. */
	memset(missing, 0, in->nvoters);
}

static void eval_none(const struct cn_rule *r, const struct cn_rule_input *in,
		      struct part *pt, struct cn_buf *b)
{
	for (size_t i = 0; i < in->nvoters; i++) {
		const struct cn_voter *v = &in->voters[i];

		pt->block[i] = in_group(r, v->code) && set_has(r->set, v);
	}
	if (count_flags(pt->block, in->nvoters)) {
		pt->v = CN_VERDICT_BLOCKED;
		cn_buf_puts(b, "veto by ");
		sb_codes(b, in, pt->block);
	} else {
		pt->v = CN_VERDICT_ADOPTED;
		cn_buf_puts(b, "no veto");
	}
}

/* Whether `c` holds between two values whose order is `sign` (<0, 0, >0);
 * one switch serves both the exact counts and the weights. */
static int cmp_holds(enum cmp c, int sign)
{
	switch (c) {
	case CMP_GE: return sign >= 0;
	case CMP_GT: return sign > 0;
	case CMP_LE: return sign <= 0;
	case CMP_LT: return sign < 0;
	case CMP_EQ: return sign == 0;
	case CMP_NE: return sign != 0;
	}
	assert(0 && "bad comparison");
	return 0;
}

#define ORDER(a, b) (((a) > (b)) - ((a) < (b)))

/* The verdict of a threshold that does not hold: the procedure may still
 * reach it while open, and has failed once it concludes. */
static enum cn_verdict unmet(const struct cn_rule_input *in)
{
	return in->final ? CN_VERDICT_FAILED : CN_VERDICT_PENDING;
}

static void eval_count(const struct cn_rule *r, const struct cn_rule_input *in,
		       struct part *pt, struct cn_buf *b)
{
	uint64_t cnt = 0, base = 0, xn, xd, fl, ce;
	/* `bound` is the integer t such that "cnt <cmp> t" is equivalent to
	 * the rational comparison; `exact` says whether one exists. */
	uint64_t bound = 0;
	int exact = 1, ok;
	char thr[96] = "";

	for (size_t i = 0; i < in->nvoters; i++) {
		const struct cn_voter *v = &in->voters[i];

		if (!in_group(r, v->code))
			continue;
		cnt += set_has(r->set, v);
		base += r->base == BASE_ELECTORATE || is_cast(v);
	}
	/* The threshold as the exact rational xn/xd: integer arithmetic only,
	 * so 2/3 of 31 is 62/3 and 21 concur passes while 20 fails.  Bounds
	 * on literals and electorate size keep every product below 2^63. */
	if (r->rhs == RHS_INT) {
		xn = r->num;
		xd = 1;
	} else {
		xn = r->num * base;
		xd = r->den;
		snprintf(thr, sizeof(thr), "%s of %llu %s", r->rhs_text,
			 (unsigned long long)base,
			 r->base == BASE_ELECTORATE ? "electorate" : "cast");
	}
	ok = cmp_holds(r->cmp, ORDER(cnt * xd, xn));
	fl = xn / xd;
	ce = fl + (xn % xd != 0);
	switch (r->cmp) {
	case CMP_GE: bound = ce; break;
	case CMP_GT: bound = fl; break;
	case CMP_LE: bound = fl; break;
	case CMP_LT: bound = ce; break;
	case CMP_EQ:
	case CMP_NE: bound = fl; exact = xn % xd == 0; break;
	}

	if (ok) {
		pt->v = CN_VERDICT_ADOPTED;
		cn_buf_printf(b, "%llu %s %s ", (unsigned long long)cnt, r->subject,
			  cmp_text[r->cmp]);
		if (r->rhs == RHS_INT)
			cn_buf_puts(b, r->rhs_text);
		else if (exact)
			cn_buf_printf(b, "%s (%llu)", thr, (unsigned long long)bound);
		else
			cn_buf_puts(b, thr);
		return;
	}

	pt->v = unmet(in);
	cn_buf_printf(b, "%llu %s, ", (unsigned long long)cnt, r->subject);
	switch (r->cmp) {
	case CMP_GE:
	case CMP_GT: {
		/* cnt is below the smallest count that passes. */
		uint64_t min = r->cmp == CMP_GE ? ce : fl + 1;

		assert(min > cnt);
		if (pt->v == CN_VERDICT_PENDING)
			cn_buf_printf(b, "needs %llu more",
				  (unsigned long long)(min - cnt));
		else
			cn_buf_printf(b, "needs %llu", (unsigned long long)min);
		break;
	}
	case CMP_LE:
	case CMP_LT:
		if (r->cmp == CMP_LT && ce == 0) {
			/* "< 0": no count can pass. */
			cn_buf_printf(b, "cannot be < %s", thr[0] ? thr : r->rhs_text);
			return;
		} else {
			uint64_t max = r->cmp == CMP_LE ? fl : ce - 1;

			assert(cnt > max);
			if (pt->v == CN_VERDICT_PENDING)
				cn_buf_printf(b, "needs %llu fewer",
					  (unsigned long long)(cnt - max));
			else
				cn_buf_printf(b, "at most %llu allowed",
					  (unsigned long long)max);
		}
		break;
	case CMP_EQ:
		if (!exact) {
			cn_buf_printf(b, "cannot be == %s", thr);
			return;
		}
		cn_buf_printf(b, "needs exactly %llu", (unsigned long long)fl);
		break;
	case CMP_NE:
		/* Fails only when the threshold is a whole number. */
		assert(exact);
		cn_buf_printf(b, "must not be %llu", (unsigned long long)fl);
		break;
	}
	if (thr[0])
		cn_buf_printf(b, " (%s)", thr);
}

/* Sum the attribute over the group: the members in the position set and
 * the base.  Every member of the group is looked up, whatever its
 * position, so a missing attribute is reported however people vote. */
static int eval_weight(const struct eval *ev, const struct cn_rule *r,
		       struct part *pt, struct cn_buf *b)
{
	const struct cn_rule_input *in = ev->in;
	double sum = 0, base = 0, lhs, rhs, share;
	int ok;

	if (!in->attr)
		return cn_err_set(ev->err, CN_EINVAL,
				  "rule: weight(%s) needs an attribute lookup, "
				  "and none was given", r->attr);
	for (size_t i = 0; i < in->nvoters; i++) {
		const struct cn_voter *v = &in->voters[i];
		double w = 0;
		int rc;

		if (!in_group(r, v->code))
			continue;
		rc = in->attr(in->attr_ctx, v->code, r->attr, &w);
		if (rc == CN_ENOTFOUND)
			return cn_err_set(ev->err, CN_EINVAL,
					  "rule: member %s has no attribute '%s'",
					  v->code, r->attr);
		if (rc)
			return cn_err_set(ev->err, rc,
					  "rule: looking up attribute '%s' of "
					  "member %s failed (%s)",
					  r->attr, v->code, cn_err_name(rc));
		if (!isfinite(w) || w < 0)
			return cn_err_set(ev->err, CN_EINVAL,
					  "rule: member %s has attribute '%s' "
					  "%g, expected a number >= 0",
					  v->code, r->attr, w);
		if (set_has(r->set, v))
			sum += w;
		if (r->base == BASE_ELECTORATE || is_cast(v))
			base += w;
	}
	/* Cross-multiplied like counts; exact while the products stay below
	 * 2^53, which holds for whole populations (4.5e8 * 1e4). */
	if (!isfinite(sum * (double)RULE_MAX_NUMBER) ||
	    !isfinite(base * (double)RULE_MAX_NUMBER))
		return cn_err_set(ev->err, CN_EINVAL,
				  "rule: attribute '%s' sums beyond the range "
				  "of a double", r->attr);
	if (r->rhs == RHS_INT) {
		lhs = sum;
		rhs = (double)r->num;
	} else {
		lhs = sum * (double)r->den;
		rhs = (double)r->num * base;
	}
	ok = cmp_holds(r->cmp, ORDER(lhs, rhs));
	pt->v = ok ? CN_VERDICT_ADOPTED : unmet(in);
	/* State what is: the operator shown is the one that holds. */
	if (r->rhs == RHS_INT) {
		cn_buf_printf(b, "%s %.15g %s %s", r->subject, sum,
			  cmp_text[ok ? r->cmp : cmp_negated[r->cmp]],
			  r->rhs_text);
	} else {
		share = base > 0 ? 100.0 * sum / base : 0.0;
		cn_buf_printf(b, "%s %.2f%% %s %s of %s", r->subject, share,
			  cmp_text[ok ? r->cmp : cmp_negated[r->cmp]],
			  r->rhs_text,
			  r->base == BASE_ELECTORATE ? "electorate" : "cast");
	}
	return 0;
}

static int eval_node(const struct eval *ev, const struct cn_rule *r,
		     struct part *out);

/* and/or: evaluate every operand, pick the deciding verdict, and join the
 * deciding operands' explanations and flags. */
static int eval_combo(const struct eval *ev, const struct cn_rule *r,
		      struct part *out)
{
	/* Deciding verdict in order of precedence. */
	static const enum cn_verdict and_order[] = {
		CN_VERDICT_BLOCKED, CN_VERDICT_FAILED, CN_VERDICT_PENDING,
		CN_VERDICT_ADOPTED,
	};
	static const enum cn_verdict or_order[] = {
		CN_VERDICT_ADOPTED, CN_VERDICT_PENDING, CN_VERDICT_FAILED,
		CN_VERDICT_BLOCKED,
	};
	const enum cn_verdict *order = r->kind == K_AND ? and_order : or_order;
	size_t n = ev->in->nvoters;
	struct cn_buf b = CN_BUF_INIT;
	struct part *kids;
	enum cn_verdict v = order[3];
	int rc = 0, first = 1;

	assert(r->nkids >= 2);
	kids = calloc(r->nkids, sizeof(*kids));
	if (!kids)
		return CN_ENOMEM;
	for (size_t i = 0; i < r->nkids && !rc; i++)
		rc = eval_node(ev, r->kids[i], &kids[i]);
	if (!rc)
		rc = part_init(out, n);
	if (rc)
		goto done;

	for (size_t k = 0; k < 3; k++) {
		size_t i;

		for (i = 0; i < r->nkids && kids[i].v != order[k]; i++)
			;
		if (i < r->nkids) {
			v = order[k];
			break;
		}
	}
	out->v = v;
	for (size_t i = 0; i < r->nkids; i++) {
		size_t j;

		if (kids[i].v != v)
			continue;
		for (size_t f = 0; f < n; f++) {
			out->block[f] |= kids[i].block[f];
			out->hold[f] |= kids[i].hold[f];
		}
		/* "consensus and consensus" should not say it twice. */
		for (j = 0; j < i; j++) {
			if (kids[j].v == v &&
			    strcmp(kids[j].body, kids[i].body) == 0)
				break;
		}
		if (j < i)
			continue;
		if (!first)
			cn_buf_puts(&b, "; ");
		cn_buf_puts(&b, kids[i].body);
		first = 0;
	}
	rc = cn_buf_finish(&b, &out->body);
	if (rc)
		part_free(out);
done:
	for (size_t i = 0; i < r->nkids; i++)
		part_free(&kids[i]);
	free(kids);
	return rc;
}

static int eval_node(const struct eval *ev, const struct cn_rule *r,
		     struct part *out)
{
	struct cn_buf b = CN_BUF_INIT;
	int rc;

	if (r->kind == K_AND || r->kind == K_OR)
		return eval_combo(ev, r, out);
	rc = part_init(out, ev->in->nvoters);
	if (rc)
		return rc;
	switch (r->kind) {
	case K_CONSENSUS: eval_consensus(ev->in, out, &b); break;
	case K_UNANIMITY: eval_unanimity(ev->in, out, &b); break;
	case K_COUNT: eval_count(r, ev->in, out, &b); break;
	case K_NONE: eval_none(r, ev->in, out, &b); break;
	case K_WEIGHT: rc = eval_weight(ev, r, out, &b); break;
	case K_AND:
	case K_OR: assert(0 && "handled above"); break;
	}
	if (!rc)
		rc = cn_buf_finish(&b, &out->body);
	else
		cn_buf_release(&b);
	if (rc)
		part_free(out);
	return rc;
}

/* Nothing concludes while a reservation stands: a verdict that would
 * conclude without objection (adopted, or failed at the deadline) is held
 * pending instead.  Blocked stays blocked: an objection stops a proposal
 * whatever else is outstanding, as under consensus. */
static int apply_reservations(const struct cn_rule_input *in, struct part *pt)
{
	size_t n = in->nvoters, nres = 0;

	for (size_t i = 0; i < n; i++)
		nres += in->voters[i].pos == CN_POS_RESERVE;
	if (nres == 0 || pt->v == CN_VERDICT_BLOCKED)
		return 0;
	if (pt->v == CN_VERDICT_PENDING) {
		/* Already open; the reservers are among those it waits on. */
		for (size_t i = 0; i < n; i++)
			pt->hold[i] |= in->voters[i].pos == CN_POS_RESERVE;
		return 0;
	}
	{
		struct cn_buf b = CN_BUF_INIT;
		char *body;
		int rc;

		flags_of(in, CN_POS_RESERVE, pt->hold);
		cn_buf_puts(&b, nres == 1 ? "reservation by " : "reservations by ");
		sb_codes(&b, in, pt->hold);
		rc = cn_buf_finish(&b, &body);
		if (rc)
			return rc;
		free(pt->body);
		pt->body = body;
		pt->v = CN_VERDICT_PENDING;
		memset(pt->block, 0, n);
	}
	return 0;
}

static int codes_out(const struct cn_rule_input *in, const unsigned char *f,
		     char ***out, size_t *nout)
{
	size_t n = count_flags(f, in->nvoters), k = 0;
	char **list;

	*out = NULL;
	*nout = 0;
	if (n == 0)
		return 0;
	list = calloc(n, sizeof(*list));
	if (!list)
		return CN_ENOMEM;
	for (size_t i = 0; i < in->nvoters; i++) {
		if (!f[i])
			continue;
		list[k] = str_dup(in->voters[i].code);
		if (!list[k]) {
			for (size_t j = 0; j < k; j++)
				free(list[j]);
			free(list);
			return CN_ENOMEM;
		}
		k++;
	}
	*out = list;
	*nout = n;
	return 0;
}

static int check_input(const struct cn_rule_input *in, struct cn_err *err)
{
	if (in->nvoters == 0)
		return cn_err_set(err, CN_EINVAL, "rule: the electorate is empty");
	if (!in->voters)
		return cn_err_set(err, CN_EINVAL, "rule: no voters given");
	if (in->nvoters > RULE_MAX_VOTERS)
		return cn_err_set(err, CN_EINVAL,
				  "rule: electorate of %zu is too large",
				  in->nvoters);
	for (size_t i = 0; i < in->nvoters; i++) {
		const struct cn_voter *v = &in->voters[i];

		if (!v->code)
			return cn_err_set(err, CN_EINVAL,
					  "rule: voter %zu has no code", i);
		if ((unsigned)v->pos >= CN_POS_COUNT)
			return cn_err_set(err, CN_EINVAL,
					  "rule: voter %s has an unknown "
					  "position %d", v->code, (int)v->pos);
	}
	return 0;
}

int cn_rule_eval(const struct cn_rule *rule, const struct cn_rule_input *in,
		 struct cn_rule_result *res, struct cn_err *err)
{
	struct eval ev = { .in = in, .err = err };
	struct part pt;
	struct cn_buf b = CN_BUF_INIT;
	int rc;

	if (!res)
		return cn_err_set(err, CN_EINVAL, "rule: no result given");
	memset(res, 0, sizeof(*res));
	if (!rule || !in)
		return cn_err_set(err, CN_EINVAL, "rule: no rule or input given");
	rc = check_input(in, err);
	if (rc)
		return rc;
	rc = eval_node(&ev, rule, &pt);
	if (rc == CN_ENOMEM)
		return cn_err_set(err, CN_ENOMEM, "rule: out of memory");
	if (rc)
		return rc;
	rc = apply_reservations(in, &pt);
	if (!rc) {
		cn_buf_printf(&b, "%s: %s", cn_verdict_name(pt.v), pt.body);
		rc = cn_buf_finish(&b, &res->explanation);
	}
	if (!rc)
		rc = codes_out(in, pt.block, &res->blocking, &res->nblocking);
	if (!rc)
		rc = codes_out(in, pt.hold, &res->holding, &res->nholding);
	res->verdict = pt.v;
	part_free(&pt);
	if (rc) {
		cn_rule_result_release(res);
		return cn_err_set(err, CN_ENOMEM, "rule: out of memory");
	}
	return 0;
}

void cn_rule_result_release(struct cn_rule_result *res)
{
	if (!res)
		return;
	free(res->explanation);
	for (size_t i = 0; i < res->nblocking; i++)
		free(res->blocking[i]);
	free(res->blocking);
	for (size_t i = 0; i < res->nholding; i++)
		free(res->holding[i]);
	free(res->holding);
	memset(res, 0, sizeof(*res));
}
