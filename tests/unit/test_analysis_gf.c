/*
 * test_analysis_gf.c - the power analysis of weighted majorities beyond
 * what brute force reaches (test_analysis.c enumerates games of up to 20
 * members): 1 to 130 members, around the boundaries of the 64-bit words
 * the counts are kept in (2^63, 2^64, 2^128 coalitions).
 *
 *   closed forms   m members of weight 1 (and some of weight 0), quota
 *                  k: each member of weight 1 swings in C(m-1, k-1)
 *                  coalitions times 2^(members of weight 0), has
 *                  Shapley-Shubik 1/m, and sum_{j>=k} C(m, j) coalitions
 *                  win (times the same power of 2); unanimity (k = m)
 *                  and a vote of one (k = 1) among them
 *   two methods    random weights (some 0) and quotas: the generating
 *                  functions (analysis_gf.c) and the decision diagram
 *                  (analysis_bdd.c, analysis.c, analysis_coalitions.c),
 *                  independent computations, agree exactly on every
 *                  count, index and coalition count
 *   limits         what the generating functions cannot hold goes to the
 *                  diagram, and the other way round, and the note says
 *                  what was computed; huge figures do not fool the costs
 *
 * Binomials are computed here with the exact naturals of analysis_nat.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis.h"
#include "core/rule.h"

#define BIGN 250

static char big_names[BIGN][24], big_vals[BIGN][24];
static const char *big_codes[BIGN];
static size_t big_n, big_max_nodes;   /* 0: the default */
static const char *const *big_fig;      /* figures by i % 2, if set */

static int big_attr(void *ctx, const char *code, const char *attr,
		    const char **value)
{
	(void)ctx;
	(void)attr;
	for (size_t i = 0; i < big_n; i++)
		if (!strcmp(big_names[i], code)) {
			*value = big_vals[i];
			return 0;
		}
	return CN_ENOTFOUND;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t below)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % below);
}

/* Members M0.. with the given weights; the analysis of `src` by `want`. */
static struct cn_power *big_game(const unsigned *w, size_t n, const char *src,
				 unsigned want)
{
	struct cn_rule *r;
	struct cn_err err = {0};
	struct cn_power *p = NULL;

	assert_true(n <= BIGN);
	for (size_t i = 0; i < n; i++) {
		snprintf(big_names[i], sizeof(big_names[i]), "M%zu", i);
		if (big_fig)
			snprintf(big_vals[i], sizeof(big_vals[i]), "%s",
				 big_fig[i % 2]);
		else
			snprintf(big_vals[i], sizeof(big_vals[i]), "%u", w[i]);
		big_codes[i] = big_names[i];
	}
	big_n = n;
	assert_int_equal(cn_rule_parse(src, &r, &err), 0);
	struct cn_power_input in = {.rule = r, .codes = big_codes, .n = n,
				    .attr = big_attr,
				    .want = want, .max_nodes = big_max_nodes};
	if (cn_power_compute(&in, &p, &err)) {
		fprintf(stderr, "%s: %s\n", src, err.msg);
		fail();
	}
	cn_rule_free(r);
	return p;
}

/* C(m, j), exactly. */
static void binomial(struct cn_nat *r, unsigned m, unsigned j)
{
	cn_nat_set(r, 1);
	for (unsigned i = 0; i < j; i++) {
		cn_nat_mul_u64(r, r, m - i);
		assert_int_equal(cn_nat_divmod_u64(r, r, i + 1), 0);
	}
}

static void nat_is(const struct cn_nat *a, const struct cn_nat *b,
		   const char *what)
{
	if (cn_nat_cmp(a, b)) {
		char x[CN_NAT_DIGITS], y[CN_NAT_DIGITS];
		fprintf(stderr, "%s: %s, expected %s\n", what, cn_nat_str(a, x),
			cn_nat_str(b, y));
		fail();
	}
}

static void ratio_nat_is(const struct cn_ratio *r, const struct cn_nat *num,
			 const struct cn_nat *den, const char *what)
{
	struct cn_ratio e;
	cn_ratio_set(&e, num, den);
	nat_is(&r->num, &e.num, what);
	nat_is(&r->den, &e.den, what);
}

/* m members of weight 1 and `zeros` of weight 0, quota k: a member of
 * weight 1 swings in C(m-1, k-1) coalitions of the others of weight 1,
 * times 2^zeros; Shapley-Shubik 1/m each, 0 for the weight 0 ones. */
static void symmetric(unsigned m, unsigned zeros, unsigned k, unsigned want)
{
	unsigned w[BIGN] = {0};
	size_t n = m + zeros;
	char src[64], label[64];
	struct cn_nat sw, one, den, win, t;
	struct cn_power *p;

	/* the weight 0 members among the others, every third place, or
	 * last when there is no room */
	for (size_t i = 0, placed = 0; i < n; i++) {
		int zero = placed < zeros &&
			   (i % 3 == 2 || n - i <= zeros - placed);
		w[i] = zero ? 0 : 1;
		placed += zero;
	}
	snprintf(src, sizeof(src), "weight(concur, votes) >= %u", k);
	snprintf(label, sizeof(label), "m=%u zeros=%u k=%u want=%#x", m, zeros,
		 k, want);
	p = big_game(w, n, src, want);
	binomial(&sw, m - 1, k - 1);
	cn_nat_pow2(&t, zeros);
	cn_nat_mul(&sw, &sw, &t);
	cn_nat_zero(&win);
	for (unsigned j = k; j <= m; j++) {
		binomial(&t, m, j);
		cn_nat_add(&win, &win, &t);
	}
	cn_nat_pow2(&t, zeros);
	cn_nat_mul(&win, &win, &t);
	nat_is(&p->winning, &win, label);
	cn_nat_set(&one, 1);
	cn_nat_set(&den, m);
	for (size_t i = 0; i < n; i++) {
		const struct cn_power_member *pm = &p->members[i];
		if (w[i] == 0) {
			assert_true(cn_nat_is_zero(&pm->swings));
			assert_true(pm->dummy);
			if (p->computed & CN_AN_SHAPLEY)
				assert_true(cn_nat_is_zero(&pm->shapley.num));
			continue;
		}
		nat_is(&pm->swings, &sw, label);
		assert_int_equal(pm->veto, k == m);
		if (p->computed & CN_AN_SHAPLEY)
			ratio_nat_is(&pm->shapley, &one, &den, label);
	}
	assert_true(want & CN_AN_SHAPLEY ? (p->computed & CN_AN_SHAPLEY) != 0
					 : 1);
	cn_power_free(p);
}

static void test_weighted_closed_form(void **state)
{
	static const unsigned sizes[] = {1, 2, 62, 63, 64, 65, 66, 127, 128,
					 129};
	(void)state;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		unsigned m = sizes[s];
		/* a majority, unanimity (quota = the total), and one vote */
		symmetric(m, 0, m / 2 + 1, CN_AN_BANZHAF);
		symmetric(m, 0, m / 2 + 1, CN_AN_BANZHAF | CN_AN_SHAPLEY);
		symmetric(m, 0, m, CN_AN_BANZHAF | CN_AN_SHAPLEY);
		symmetric(m, 0, 1, CN_AN_SHAPLEY);
		if (m + 1 <= BIGN)
			symmetric(m, 1, m / 2 + 1, CN_AN_BANZHAF | CN_AN_SHAPLEY);
	}
	symmetric(64, 1, 33, CN_AN_BANZHAF);
	symmetric(63, 2, 63, CN_AN_SHAPLEY);
	symmetric(40, 3, 21, CN_AN_SHAPLEY | CN_AN_FORCE_DIAGRAM);
}

/* Random weights (some 0) on n members: the generating function and the
 * diagram give the same winning coalitions, swings and Shapley-Shubik
 * index for every member. */
static void gf_against_diagram(size_t n, unsigned maxw)
{
	unsigned w[BIGN], sum = 0, q;
	char src[64];
	struct cn_power *a, *b;

	for (size_t i = 0; i < n; i++) {
		w[i] = rnd(maxw + 1);
		sum += w[i];
	}
	q = sum ? 1 + rnd(sum) : 1;
	if (!sum)
		w[0] = sum = 1;
	snprintf(src, sizeof(src), "weight(concur, votes) >= %u", q);
	a = big_game(w, n, src, CN_AN_ALL | CN_AN_FORCE_GF);
	b = big_game(w, n, src, CN_AN_ALL | CN_AN_FORCE_DIAGRAM);
	assert_string_equal(a->method, "generating function");
	assert_string_equal(b->method, "decision diagram");
	assert_int_equal(a->computed, CN_AN_ALL);
	assert_int_equal(b->computed, CN_AN_ALL);
	nat_is(&a->winning, &b->winning, src);
	nat_is(&a->minimal_winning, &b->minimal_winning, src);
	nat_is(&a->minimal_blocking, &b->minimal_blocking, src);
	nat_is(&a->blocking_count, &b->blocking_count, src);
	assert_int_equal(a->blocking_size, b->blocking_size);
	assert_int_equal(a->proper, b->proper);
	assert_int_equal(a->strong, b->strong);
	/* the example blocks: the others together weigh less than q */
	unsigned rest = sum;
	for (size_t k = 0; k < a->blocking_size; k++)
		rest -= w[a->blocking_example[k]];
	assert_true(rest < q);
	for (size_t i = 0; i < n; i++) {
		nat_is(&a->members[i].swings, &b->members[i].swings, src);
		nat_is(&a->members[i].shapley.num, &b->members[i].shapley.num,
		       src);
		nat_is(&a->members[i].shapley.den, &b->members[i].shapley.den,
		       src);
		assert_int_equal(a->members[i].veto, b->members[i].veto);
	}
	cn_power_free(a);
	/* Banzhaf alone, the other generating function. */
	a = big_game(w, n, src, CN_AN_BANZHAF | CN_AN_FORCE_GF);
	assert_string_equal(a->method, "generating function");
	for (size_t i = 0; i < n; i++)
		nat_is(&a->members[i].swings, &b->members[i].swings, src);
	cn_power_free(a);
	cn_power_free(b);
}

static void test_weighted_methods_agree(void **state)
{
	(void)state;
	gf_against_diagram(63, 3);
	gf_against_diagram(64, 3);
	gf_against_diagram(65, 3);
	gf_against_diagram(65, 1);
	gf_against_diagram(129, 2);
	for (int k = 0; k < 10; k++)
		gf_against_diagram(21 + rnd(30), 1 + rnd(12));
}

/* What the generating functions cannot hold is left to the diagram, and
 * when the diagram passes its limit too the note says what was computed:
 * 250 members of weights 1000 to 1249 and a majority quota (140,563),
 * where Shapley-Shubik by size and the blocking coalitions' count by
 * size would need more than the 2^24 words allowed, Banzhaf's and the
 * minimal coalitions' only about q each. */
static void test_partial(void **state)
{
	unsigned w[BIGN], sum = 0;
	char src[64];
	struct cn_power *p;

	(void)state;
	for (size_t i = 0; i < BIGN; i++)
		sum += w[i] = 1000 + (unsigned)i;
	snprintf(src, sizeof(src), "weight(concur, votes) >= %u", sum / 2 + 1);
	big_max_nodes = 1000;
	p = big_game(w, BIGN, src, CN_AN_ALL);
	big_max_nodes = 0;
	assert_int_equal(p->computed, CN_AN_BANZHAF | CN_AN_MINIMAL);
	assert_string_equal(p->method, "generating function");
	assert_string_equal(p->note, "only the Banzhaf indices and the minimal "
			    "coalitions were computed: the decision diagram "
			    "passed its size limit");
	/* the heaviest member swings at least as often as the lightest */
	assert_true(cn_nat_cmp(&p->members[BIGN - 1].swings,
			       &p->members[0].swings) >= 0);
	assert_false(cn_nat_is_zero(&p->members[0].swings));
	cn_power_free(p);
}

/* Figures near the most a game may sum to (2^62): 40 members of
 * 50000000000.000001 and .000003 in turn, i.e. 5 10^16 + 1 and + 3 once
 * whole, and "> 1/2 of electorate", so a quota near 10^18 and 21 sizes
 * below it: far too large for the generating functions (their cost,
 * past 2^64, saturates).  The game goes to the diagram, and agrees with
 * the same game in weights of 101 and 103 (20 members win when more than
 * 10 of them are of the heavier kind, in both). */
static void test_huge_weights(void **state)
{
	static const char *const huge[2] = {"50000000000.000001",
					    "50000000000.000003"};
	const char *src = "weight(concur, votes) > 1/2 of electorate";
	unsigned w[40];
	struct cn_power *a, *b;

	(void)state;
	for (size_t i = 0; i < 40; i++)
		w[i] = i % 2 ? 103 : 101;
	big_fig = huge;
	a = big_game(w, 40, src, CN_AN_ALL);
	big_fig = NULL;
	b = big_game(w, 40, src, CN_AN_ALL);
	assert_string_equal(a->method, "decision diagram");
	assert_string_equal(b->method, "generating function");
	assert_int_equal(a->computed, CN_AN_ALL);
	nat_is(&a->winning, &b->winning, "huge");
	nat_is(&a->minimal_winning, &b->minimal_winning, "huge");
	nat_is(&a->minimal_blocking, &b->minimal_blocking, "huge");
	nat_is(&a->blocking_count, &b->blocking_count, "huge");
	assert_int_equal(a->blocking_size, b->blocking_size);
	for (size_t i = 0; i < 40; i++) {
		nat_is(&a->members[i].swings, &b->members[i].swings, "huge");
		nat_is(&a->members[i].shapley.num, &b->members[i].shapley.num,
		       "huge");
	}
	cn_power_free(a);
	cn_power_free(b);
}

/* A weighted majority needs no diagram: with a budget of 3 nodes it is
 * analysed all the same, and made to build one, it falls back on the
 * generating functions.  The EEC Council of 1958 (weights 4 4 4 2 2 1,
 * quota 12; test_analysis.c has its published values): France's
 * Shapley-Shubik index is 7/30. */
static void test_diagram_limit(void **state)
{
	static const unsigned w[6] = {4, 4, 4, 2, 2, 1};
	struct cn_power *p;
	struct cn_nat seven, thirty;

	(void)state;
	cn_nat_set(&seven, 7);
	cn_nat_set(&thirty, 30);
	big_max_nodes = 3;
	p = big_game(w, 6, "weight(concur, votes) >= 12", CN_AN_ALL);
	assert_int_equal(p->computed, CN_AN_ALL);
	assert_string_equal(p->note, "");
	cn_power_free(p);
	p = big_game(w, 6, "weight(concur, votes) >= 12",
		     CN_AN_ALL | CN_AN_FORCE_DIAGRAM);
	big_max_nodes = 0;
	assert_int_equal(p->computed, CN_AN_ALL);
	assert_string_equal(p->method, "generating function");
	ratio_nat_is(&p->members[0].shapley, &seven, &thirty, "FR");
	cn_power_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weighted_closed_form),
		cmocka_unit_test(test_weighted_methods_agree),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_huge_weights),
		cmocka_unit_test(test_diagram_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
