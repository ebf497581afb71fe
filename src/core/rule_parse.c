/*
 * rule_parse.c - the decision-rule language read: a recursive-descent
 * parser from source text to the immutable tree of rule_tree.h, with
 * errors that name the column and what was expected (cn_rule_parse, see
 * rule.h; the grammar is docs/RULES.md).  It writes each node's labels
 * ("concur in {CN FR}", "65%") once, here, for the evaluator to quote in
 * its explanations.
 */
#include "rule.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rule_tree.h"

/* Attribute names are short identifiers; the bound keeps messages short. */
#define ATTR_MAX 32

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
				const char *name = cn_pos_name((enum cn_pos)i);

				if (strlen(name) == n &&
				    memcmp(p->src + p->pos, name, n) == 0)
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
		if (accept_sym(p, cn_rule_cmp_text[order[i]]))
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
			cn_rule_free(*out);
			*out = NULL;
			return fail(p, "expected 'and', 'or' or ')'");
		}
		return 0;
	}
	for (size_t i = 0; i < sizeof(prims) / sizeof(prims[0]); i++) {
		if (!accept_word(p, prims[i].kw))
			continue;
		r = cn_rule_node_new(prims[i].kind);
		if (!r)
			return CN_ENOMEM;
		if (r->kind == K_COUNT || r->kind == K_WEIGHT ||
		    r->kind == K_NONE) {
			rc = parse_call(p, r, prims[i].kw);
			if (rc) {
				cn_rule_free(r);
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
	node = cn_rule_node_new(kind);
	if (!node) {
		cn_rule_free(first);
		return CN_ENOMEM;
	}
	rc = cn_rule_node_add(node, first);
	while (!rc) {
		rc = sub(p, &kid);
		if (!rc)
			rc = cn_rule_node_add(node, kid);
		if (!rc && !accept_word(p, kw))
			break;
	}
	if (rc) {
		cn_rule_free(node);
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
		cn_rule_free(r);
		return fail(&p, "expected 'and', 'or' or end of rule");
	}
	assert(p.depth == 0);
	*out = r;
	return 0;
}
