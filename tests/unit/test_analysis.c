/*
 * test_analysis.c - the power analysis (src/core/analysis*.c) checked
 * against brute force written here, independently of the analysis code:
 * every coalition of the electorate is enumerated, its outcome taken from
 * an oracle, and every index counted from the definitions (Felsenthal
 * and Machover, The Measurement of Voting Power, 1998):
 *
 *   swings of i      coalitions S without i, S losing, S + i winning
 *   Banzhaf          swings_i / sum_j swings_j
 *   Penrose          swings_i / 2^(n-1)
 *   Shapley-Shubik   sum over swings S of |S|! (n-1-|S|)! / n!
 *   Coleman          prevent: swings_i / winning; initiate: / losing
 *   blocking         B such that N - B loses; minimal: no B - j blocks
 *
 * Oracles: for the rules of the datasets (the files of data/), the engine's own
 * rule evaluator (cn_rule_eval: the game IS "the rule adopts when these
 * concur and the others object"); for random weighted and composite
 * games, a predicate written here from the game's numbers.  Electorates
 * of the datasets larger than 16 are checked on sub-electorates (with
 * their real figures), the whole electorate where a closed form is known
 * (consensus: the unanimity game).  Counts are compared exactly.
 *
 * Also: published values (cited at each test), and the analysis of a
 * proposal (the smallest flip) against brute force over sets of changes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis.h"
#include "core/rule.h"

#ifndef CN_DATADIR
#define CN_DATADIR "data"
#endif

__extension__ typedef unsigned __int128 u128;

#define MAXN 20

/* ---- brute force -------------------------------------------------------- */

struct bf {
	size_t n;
	unsigned char *win;          /* 2^n outcomes, by bit mask */
	u128 winning, minimal_winning, minimal_blocking;
	u128 swings[MAXN], ss_num[MAXN], fact_n;
	int veto[MAXN];
	size_t blocking_size;        /* n + 1: nothing blocks */
	u128 blocking_count;
	int monotone, proper, strong;
};

static u128 fact(unsigned k)
{
	u128 f = 1;
	for (unsigned i = 2; i <= k; i++)
		f *= i;
	return f;
}

/* Fill b from b->win. */
static void brute(struct bf *b)
{
	size_t n = b->n;
	uint32_t full = (uint32_t)((1u << n) - 1);
	u128 w[MAXN];

	for (unsigned k = 0; k < n; k++)
		w[k] = fact(k) * fact((unsigned)(n - 1 - k));
	b->fact_n = fact((unsigned)n);
	b->blocking_size = n + 1;
	b->monotone = b->proper = b->strong = 1;
	for (uint32_t s = 0; s <= full; s++) {
		unsigned size = (unsigned)__builtin_popcount(s);
		int ws = b->win[s], min = ws;
		int blocks = !b->win[full & ~s], minb = blocks;

		b->winning += (u128)ws;
		if (ws && b->win[full & ~s])
			b->proper = 0;
		if (!ws && !b->win[full & ~s])
			b->strong = 0;
		for (size_t i = 0; i < n; i++) {
			uint32_t bit = 1u << i;
			if (s & bit) {
				if (b->win[s & ~bit])
					min = 0;
				if (!b->win[full & ~(s & ~bit)])
					minb = 0;
				continue;
			}
			if (ws && !b->win[s | bit])
				b->monotone = 0;
			if (!ws && b->win[s | bit]) {
				b->swings[i]++;
				b->ss_num[i] += w[size];
			}
		}
		b->minimal_winning += (u128)min;
		b->minimal_blocking += (u128)minb;
		if (blocks && size < b->blocking_size) {
			b->blocking_size = size;
			b->blocking_count = 0;
		}
		if (blocks && size == b->blocking_size)
			b->blocking_count++;
	}
	for (size_t i = 0; i < n; i++)
		b->veto[i] = b->win[full] && !b->win[full & ~(1u << i)];
}

/* ---- comparing ---------------------------------------------------------- */

static u128 as_u128(const struct cn_nat *a)
{
	assert_true(a->n <= 2);
	return (a->n > 0 ? a->w[0] : 0) |
	       (a->n > 1 ? (u128)a->w[1] << 64 : 0);
}

static u128 gcd(u128 a, u128 b)
{
	while (b) {
		u128 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* r == num/den (den 0: r is 0, the analysis's convention for 0/0). */
static void ratio_is(const struct cn_ratio *r, u128 num, u128 den,
		     const char *what, const char *code)
{
	u128 g;

	if (den == 0 || num == 0) {
		num = 0;
		den = 1;
	}
	g = gcd(num, den);
	num /= g;
	den /= g;
	if (as_u128(&r->num) != num || as_u128(&r->den) != den) {
		fprintf(stderr, "%s of %s: %g, expected %llu/%llu\n", what, code,
			cn_ratio_double(r), (unsigned long long)num,
			(unsigned long long)den);
		fail();
	}
}

/* p agrees with b on everything p computed. */
static void agree(const struct cn_power *p, const struct bf *b,
		  const char *label)
{
	size_t n = b->n;
	u128 total = 0, losing = ((u128)1 << n) - b->winning;

	if (as_u128(&p->winning) != b->winning) {
		fprintf(stderr, "%s: winning %llu, expected %llu\n", label,
			(unsigned long long)as_u128(&p->winning),
			(unsigned long long)b->winning);
		fail();
	}
	assert_int_equal(p->monotone, b->monotone);
	ratio_is(&p->collective, b->winning, (u128)1 << n, "collective", label);
	if (!b->monotone)
		return;
	for (size_t i = 0; i < n; i++)
		total += b->swings[i];
	assert_true(p->computed & CN_AN_BANZHAF);
	for (size_t i = 0; i < n; i++) {
		const struct cn_power_member *m = &p->members[i];
		if (as_u128(&m->swings) != b->swings[i]) {
			fprintf(stderr, "%s: swings of %s %llu, expected %llu\n",
				label, m->code,
				(unsigned long long)as_u128(&m->swings),
				(unsigned long long)b->swings[i]);
			fail();
		}
		assert_int_equal(m->veto, b->veto[i]);
		assert_int_equal(m->dummy, b->swings[i] == 0);
		ratio_is(&m->banzhaf, b->swings[i], total, "banzhaf", m->code);
		ratio_is(&m->penrose, b->swings[i], (u128)1 << (n - 1), "penrose",
			 m->code);
		ratio_is(&m->prevent, b->swings[i], b->winning, "prevent", m->code);
		ratio_is(&m->initiate, b->swings[i], losing, "initiate", m->code);
		if (p->computed & CN_AN_SHAPLEY)
			ratio_is(&m->shapley, b->ss_num[i], b->fact_n, "shapley",
				 m->code);
	}
	if (p->computed & CN_AN_MINIMAL) {
		assert_true(as_u128(&p->minimal_winning) == b->minimal_winning);
		assert_true(as_u128(&p->minimal_blocking) == b->minimal_blocking);
		assert_int_equal(p->proper, b->proper);
		assert_int_equal(p->strong, b->strong);
	}
	if (p->computed & CN_AN_BLOCKING) {
		assert_int_equal(p->blocking_size, b->blocking_size);
		assert_true(as_u128(&p->blocking_count) == b->blocking_count);
		if (b->blocking_size <= n) {
			/* The example blocks: everyone else together loses. */
			uint32_t rest = (uint32_t)((1u << n) - 1);
			for (size_t k = 0; k < p->blocking_size; k++)
				rest &= ~(1u << p->blocking_example[k]);
			assert_false(b->win[rest]);
		}
	}
}

/* Analyse with every method that applies and compare each to b. */
static void check_all_methods(const struct cn_rule *r, const char **codes,
			      size_t n, cn_game_attr_fn attr, void *ctx,
			      const struct bf *b, const char *label)
{
	static const unsigned wants[] = {
		CN_AN_ALL, CN_AN_BANZHAF, CN_AN_BANZHAF | CN_AN_FORCE_DIAGRAM,
		CN_AN_BANZHAF | CN_AN_FORCE_GF, CN_AN_SHAPLEY | CN_AN_BLOCKING,
		CN_AN_SHAPLEY | CN_AN_FORCE_GF,
		CN_AN_SHAPLEY | CN_AN_BANZHAF | CN_AN_FORCE_DIAGRAM,
	};
	for (size_t k = 0; k < sizeof(wants) / sizeof(wants[0]); k++) {
		struct cn_power_input in = {.rule = r, .codes = codes, .n = n,
					    .attr = attr, .attr_ctx = ctx,
					    .want = wants[k]};
		struct cn_power *p = NULL;
		struct cn_err err = {0};
		if (cn_power_compute(&in, &p, &err)) {
			fprintf(stderr, "%s: %s\n", label, err.msg);
			fail();
		}
		agree(p, b, label);
		cn_power_free(p);
	}
}

/* ---- the engine's rule as the oracle ------------------------------------ */

struct figures {
	const char **codes;
	const char **vals;           /* one attribute's figures, or NULL */
	size_t n;
};

static int fig_str(void *ctx, const char *code, const char *attr,
		   const char **value)
{
	const struct figures *f = ctx;
	(void)attr;
	for (size_t i = 0; f->vals && i < f->n; i++)
		if (!strcmp(f->codes[i], code)) {
			*value = f->vals[i];
			return 0;
		}
	return CN_ENOTFOUND;
}

static int fig_num(void *ctx, const char *code, const char *attr, double *out)
{
	const char *v;
	int rc = fig_str(ctx, code, attr, &v);
	if (!rc)
		*out = strtod(v, NULL);
	return rc;
}

/* b->win from cn_rule_eval: members in the mask concur, the rest object,
 * concluding. */
static void win_by_rule(struct bf *b, const struct cn_rule *r,
			struct figures *f)
{
	struct cn_voter v[MAXN];
	size_t n = f->n;

	b->n = n;
	b->win = malloc((size_t)1 << n);
	assert_non_null(b->win);
	for (uint32_t s = 0; s < (1u << n); s++) {
		struct cn_rule_input in = {.voters = v, .nvoters = n, .final = 1,
					   .attr = fig_num, .attr_ctx = f};
		struct cn_rule_result res;
		struct cn_err err = {0};
		for (size_t i = 0; i < n; i++)
			v[i] = (struct cn_voter){f->codes[i],
						 s >> i & 1 ? CN_POS_CONCUR
							    : CN_POS_OBJECT, 0};
		assert_int_equal(cn_rule_eval(r, &in, &res, &err), 0);
		b->win[s] = res.verdict == CN_VERDICT_ADOPTED;
		cn_rule_result_release(&res);
	}
}

static void cross_check_rule(const char *src, struct figures *f,
			     const char *label)
{
	struct cn_rule *r;
	struct cn_err err = {0};
	struct bf b = {0};

	if (cn_rule_parse(src, &r, &err)) {
		fprintf(stderr, "%s: %s\n", label, err.msg);
		fail();
	}
	win_by_rule(&b, r, f);
	brute(&b);
	check_all_methods(r, f->codes, f->n, fig_str, f, &b, label);
	free(b.win);
	cn_rule_free(r);
}

/* ---- the datasets ------------------------------------------------------- */

/* A member's figure for attr: the period in force on 2025-06-01, else the
 * latest period (the sub-electorates only need real figures). */
static const char *figure(const json_t *member, const char *attr)
{
	const json_t *periods = json_object_get(json_object_get(member,
						"attributes"), attr);
	const char *best = NULL;
	size_t i;
	const json_t *p;

	json_array_foreach(periods, i, p) {
		const char *from = json_string_value(json_object_get(p, "from"));
		best = json_string_value(json_object_get(p, "value"));
		if (from && strncmp(from, "2025", 4) == 0)
			return best;
	}
	return best;
}

/* The attribute a rule weighs by (at most one in the datasets), or NULL. */
static const char *weighed(const char *src)
{
	static char attr[64];
	const char *p = strstr(src, "weight(");
	const char *comma, *close;

	if (!p || !(comma = strchr(p, ',')) || !(close = strchr(comma, ')')))
		return NULL;
	comma++;
	while (*comma == ' ')
		comma++;
	snprintf(attr, sizeof(attr), "%.*s", (int)(close - comma), comma);
	return attr;
}

/* Every rule of every body of `file`, on `count` sub-electorates of at
 * most `max` members, each `step` members further along the list (the
 * members the body had on the date its first clause names, or the whole
 * list).  Returns how many rules were checked. */
static int dataset(const char *file, size_t max, size_t count, size_t step)
{
	char path[512];
	json_error_t je;
	json_t *d;
	const json_t *body, *members;
	size_t bi, checked = 0;

	snprintf(path, sizeof(path), "%s/%s", CN_DATADIR, file);
	d = json_load_file(path, 0, &je);
	assert_non_null(d);
	members = json_object_get(d, "members");
	json_array_foreach(json_object_get(d, "bodies"), bi, body) {
		const char *rules[16];
		size_t nr = 0;
		const json_t *clause = json_array_get(json_object_get(body,
							"membership"), 0);
		const json_t *list = json_object_get(clause, "members");
		const char *codes_all[128];
		const json_t *recs[128];
		size_t nall = 0, k;
		const json_t *m, *named;
		const char *name;

		rules[nr++] = json_string_value(json_object_get(body, "rule"));
		json_object_foreach((json_t *)json_object_get(body, "rules"),
				    name, named)
			if (nr < 16)
				rules[nr++] = json_string_value(
					json_object_get(named, "rule"));
		/* The electorate: the first clause's list, else every member
		 * that has not left. */
		json_array_foreach(members, k, m) {
			const char *c = json_string_value(json_object_get(m, "code"));
			int in = 1;
			if (json_is_array(list)) {
				size_t j;
				const json_t *x;
				in = 0;
				json_array_foreach(list, j, x)
					in |= !strcmp(json_string_value(x), c);
			} else {
				in = json_is_null(json_object_get(m, "exit")) ||
				     !json_object_get(m, "exit");
			}
			if (in && nall < 128) {
				recs[nall] = m;
				codes_all[nall++] = c;
			}
		}
		assert_true(nall > 0);
		for (size_t r = 0; r < nr; r++) {
			const char *attr = weighed(rules[r]);
			for (size_t sub = 0; sub < count; sub++) {
				const char *codes[MAXN], *vals[MAXN];
				struct figures f = {.codes = codes,
						    .vals = attr ? vals : NULL};
				char label[160];
				size_t from = nall <= max ? 0
					      : (sub * step) % (nall - max + 1);
				for (size_t i = from; i < nall && f.n < max; i++) {
					codes[f.n] = codes_all[i];
					vals[f.n] = attr ? figure(recs[i], attr) : NULL;
					assert_true(!attr || vals[f.n]);
					f.n++;
				}
				snprintf(label, sizeof(label), "%s %s rule %zu (%s)",
					 file, json_string_value(json_object_get(
						 body, "id")), r, rules[r]);
				cross_check_rule(rules[r], &f, label);
				if (nall <= max)
					break;  /* the whole electorate, once */
			}
			checked++;
		}
	}
	json_decref(d);
	return (int)checked;
}

static void test_eu_council(void **state)
{
	(void)state;
	/* 27 members: three windows of 14, with their real 2025 shares. */
	assert_true(dataset("eu-council.json", 14, 3, 6) >= 5);
}

static void test_unsc(void **state)
{
	(void)state;
	/* 15 members: the whole Council. */
	assert_true(dataset("unsc.json", 15, 1, 0) >= 2);
}

static void test_osce(void **state)
{
	(void)state;
	assert_true(dataset("osce.json", 12, 2, 20) >= 2);
}

static void test_nato(void **state)
{
	(void)state;
	assert_true(dataset("nato.json", 12, 2, 10) >= 4);
}

/* Consensus on a whole electorate too large to enumerate is the
 * unanimity game, whose values are known in closed form: one winning
 * coalition, every member a veto player with one swing and 1/n of the
 * power, Penrose 1/2^(n-1); one member blocks alone, n ways. */
static void test_consensus_closed_form(void **state)
{
	const char *codes[57];
	char names[57][16];
	struct cn_rule *r;
	struct cn_err err = {0};
	struct cn_power *p;

	(void)state;
	for (int i = 0; i < 57; i++) {
		snprintf(names[i], sizeof(names[i]), "Z%02d", i);
		codes[i] = names[i];
	}
	assert_int_equal(cn_rule_parse("consensus", &r, &err), 0);
	struct cn_power_input in = {.rule = r, .codes = codes, .n = 57,
				    .want = CN_AN_ALL};
	assert_int_equal(cn_power_compute(&in, &p, &err), 0);
	assert_int_equal(cn_nat_cmp_u64(&p->winning, 1), 0);
	assert_int_equal(cn_nat_cmp_u64(&p->minimal_winning, 1), 0);
	assert_int_equal(cn_nat_cmp_u64(&p->minimal_blocking, 57), 0);
	assert_int_equal(p->blocking_size, 1);
	assert_int_equal(cn_nat_cmp_u64(&p->blocking_count, 57), 0);
	for (int i = 0; i < 57; i++) {
		const struct cn_power_member *m = &p->members[i];
		struct cn_nat half;
		assert_true(m->veto);
		assert_int_equal(cn_nat_cmp_u64(&m->swings, 1), 0);
		assert_int_equal(cn_nat_cmp_u64(&m->shapley.num, 1), 0);
		assert_int_equal(cn_nat_cmp_u64(&m->shapley.den, 57), 0);
		assert_int_equal(cn_nat_cmp_u64(&m->banzhaf.den, 57), 0);
		cn_nat_pow2(&half, 56);
		assert_int_equal(cn_nat_cmp(&m->penrose.den, &half), 0);
		assert_int_equal(cn_nat_cmp_u64(&m->prevent.num, 1), 0);
		assert_int_equal(cn_nat_cmp_u64(&m->prevent.den, 1), 0);
	}
	cn_power_free(p);
	cn_rule_free(r);
}

/* ---- random games, with the test's own predicate ------------------------ */

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint32_t rnd(uint32_t below)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % below);
}

/* A game: sum of a >= qa (or >= pa% of all a), count >= c, sum of b >=
 * qb, vetoes; combined as `shape` says. */
struct rgame {
	size_t n;
	unsigned a[MAXN], b[MAXN];
	unsigned long qa, qb, c;
	unsigned pct;                /* nonzero: a as a percentage */
	uint32_t veto;               /* members whose "no" blocks */
	int shape;                   /* 0: a; 1: a and count; 2: (a and
				      * count) or b; 3: a and none(veto) */
};

static int rg_wins(const struct rgame *g, uint32_t s)
{
	unsigned long sa = 0, sb = 0, all = 0, cnt = 0;
	int ok_a;

	for (size_t i = 0; i < g->n; i++) {
		all += g->a[i];
		if (s >> i & 1) {
			sa += g->a[i];
			sb += g->b[i];
			cnt++;
		}
	}
	ok_a = g->pct ? 100 * sa >= (unsigned long)g->pct * all : sa >= g->qa;
	switch (g->shape) {
	case 0: return ok_a;
	case 1: return ok_a && cnt >= g->c;
	case 2: return (ok_a && cnt >= g->c) || sb >= g->qb;
	default: return ok_a && (s & g->veto) == g->veto;
	}
}

static char rg_names[MAXN][8];
static char rg_vals[2][MAXN][12];

static int rg_attr(void *ctx, const char *code, const char *attr,
		   const char **value)
{
	(void)ctx;
	for (size_t i = 0; i < MAXN; i++)
		if (!strcmp(rg_names[i], code)) {
			*value = rg_vals[attr[0] == 'b'][i];
			return 0;
		}
	return CN_ENOTFOUND;
}

static void random_game(size_t n, int shape, unsigned maxw)
{
	struct rgame g = {.n = n, .shape = shape};
	const char *codes[MAXN];
	char src[512], a[64], vetoes[128] = "";
	unsigned long sum = 0, sumb = 0;
	struct cn_rule *r;
	struct cn_err err = {0};
	struct bf b = {.n = n};

	for (size_t i = 0; i < n; i++) {
		snprintf(rg_names[i], sizeof(rg_names[i]), "M%u", (unsigned)(i % 100));
		codes[i] = rg_names[i];
		g.a[i] = rnd(maxw) + (rnd(8) ? 1 : 0);   /* some zeros */
		g.b[i] = rnd(maxw) + 1;
		sum += g.a[i];
		sumb += g.b[i];
		snprintf(rg_vals[0][i], sizeof(rg_vals[0][i]), "%u", g.a[i]);
		snprintf(rg_vals[1][i], sizeof(rg_vals[1][i]), "%u", g.b[i]);
	}
	g.qa = sum / 2 + 1 + rnd((unsigned)(sum / 2 + 1));
	g.qb = sumb / 2 + rnd((unsigned)(sumb / 2 + 1));
	g.c = 1 + rnd((unsigned)n);
	g.pct = shape == 1 && rnd(2) ? 50 + rnd(40) : 0;
	if (g.pct)
		snprintf(a, sizeof(a), "weight(concur, a) >= %u%% of electorate",
			 g.pct);
	else
		snprintf(a, sizeof(a), "weight(concur, a) >= %lu", g.qa);
	switch (shape) {
	case 0:
		snprintf(src, sizeof(src), "%s", a);
		break;
	case 1:
		snprintf(src, sizeof(src), "%s and count(concur) >= %lu", a, g.c);
		break;
	case 2:
		snprintf(src, sizeof(src),
			 "(%s and count(concur) >= %lu) or weight(concur, b) >= %lu",
			 a, g.c, g.qb);
		break;
	default:
		for (int k = 0; k < 3; k++) {
			size_t i = rnd((unsigned)n);
			if (g.veto >> i & 1)
				continue;
			g.veto |= 1u << i;
			strcat(vetoes, " ");
			strcat(vetoes, rg_names[i]);
		}
		snprintf(src, sizeof(src), "%s and none(object in {%s})", a,
			 vetoes + 1);
		break;
	}
	assert_int_equal(cn_rule_parse(src, &r, &err), 0);
	b.win = malloc((size_t)1 << n);
	assert_non_null(b.win);
	for (uint32_t s = 0; s < (1u << n); s++)
		b.win[s] = (unsigned char)rg_wins(&g, s);
	brute(&b);
	check_all_methods(r, codes, n, rg_attr, NULL, &b, src);
	free(b.win);
	cn_rule_free(r);
}

static void test_random_weighted(void **state)
{
	(void)state;
	for (int k = 0; k < 40; k++)
		random_game(1 + rnd(12), 0, 1 + rnd(60));
	random_game(20, 0, 100);
	random_game(20, 0, 5000);
	random_game(18, 0, 3);
}

static void test_random_composite(void **state)
{
	(void)state;
	for (int k = 0; k < 60; k++)
		random_game(2 + rnd(11), 1 + rnd(3), 1 + rnd(40));
	random_game(20, 1, 100);
	random_game(20, 2, 50);
	random_game(19, 3, 200);
}

/* ---- published values --------------------------------------------------- */

static const char *eec[] = {"FR", "DE", "IT", "BE", "NL", "LU"};
static const char *eec_w[] = {"4", "4", "4", "2", "2", "1"};

static int eec_attr(void *ctx, const char *code, const char *attr,
		    const char **value)
{
	(void)ctx;
	(void)attr;
	for (int i = 0; i < 6; i++)
		if (!strcmp(eec[i], code)) {
			*value = eec_w[i];
			return 0;
		}
	return CN_ENOTFOUND;
}

/* The Council of the EEC, 1958-1972: weights 4, 4, 4, 2, 2, 1 (France,
 * Germany, Italy, Belgium, the Netherlands, Luxembourg), 12 of 17 to act
 * on a Commission proposal (Treaty of Rome, Art. 148(2)).  Luxembourg is
 * a null player, the textbook example: Shapley-Shubik and
 * Penrose-Banzhaf both give it zero (Games 9(2), article 29, 2018,
 * https://www.mdpi.com/2073-4336/9/2/29, on Luxembourg's one vote of
 * 17 in the Council of Ministers, 1958-1972).  The other values follow from
 * the 14 winning coalitions: 10 swings for each large state and 6 for
 * Belgium and the Netherlands (Banzhaf 5/21 and 1/7), Shapley-Shubik
 * 7/30 and 3/20. */
static void test_eec_1958(void **state)
{
	struct cn_rule *r;
	struct cn_err err = {0};
	struct cn_power *p;

	(void)state;
	assert_int_equal(cn_rule_parse("weight(concur, votes) >= 12", &r, &err),
			 0);
	struct cn_power_input in = {.rule = r, .codes = eec, .n = 6,
				    .attr = eec_attr, .want = CN_AN_ALL};
	assert_int_equal(cn_power_compute(&in, &p, &err), 0);
	assert_int_equal(cn_nat_cmp_u64(&p->winning, 14), 0);
	assert_true(p->members[5].dummy);
	assert_true(cn_nat_is_zero(&p->members[5].shapley.num));
	assert_true(cn_nat_is_zero(&p->members[5].banzhaf.num));
	ratio_is(&p->members[0].banzhaf, 5, 21, "banzhaf", "FR");
	ratio_is(&p->members[3].banzhaf, 1, 7, "banzhaf", "BE");
	ratio_is(&p->members[0].shapley, 7, 30, "shapley", "FR");
	ratio_is(&p->members[4].shapley, 3, 20, "shapley", "NL");
	/* a weighted majority: all from the generating functions */
	assert_string_equal(p->method, "generating function");
	/* {FR DE IT}, and two large with BE and NL */
	assert_int_equal(cn_nat_cmp_u64(&p->minimal_winning, 4), 0);
	cn_power_free(p);
	cn_rule_free(r);
}

/* The UN Security Council since 1965: a non-permanent member is pivotal
 * only as the ninth vote after all five permanent members, 84 * 6! * 8!
 * orders of 15!, i.e. 4/2145 = 0.001865 each; each permanent member
 * holds the rest, 421/2145 = 0.1963 ("Is it me, or is 'Veto' starting to
 * sound really good", Gonit Sora,
 * https://gonitsora.com/veto-starting-to-sound-really-good/, which gives
 * 4/2145 and 19.6%). */
static void test_unsc_published(void **state)
{
	static const char *un[] = {"CN", "FR", "GB", "RU", "US", "E1", "E2",
				   "E3", "E4", "E5", "E6", "E7", "E8", "E9",
				   "E10"};
	struct cn_rule *r;
	struct cn_err err = {0};
	struct cn_power *p;

	(void)state;
	assert_int_equal(cn_rule_parse("count(concur) >= 9 and none(object in "
				       "{CN FR GB RU US})", &r, &err), 0);
	struct cn_power_input in = {.rule = r, .codes = un, .n = 15,
				    .want = CN_AN_ALL};
	assert_int_equal(cn_power_compute(&in, &p, &err), 0);
	for (int i = 0; i < 15; i++) {
		double v = cn_ratio_double(&p->members[i].shapley);
		if (i < 5) {
			ratio_is(&p->members[i].shapley, 421, 2145, "shapley", un[i]);
			assert_true(v > 0.19627 && v < 0.19628);
			assert_true(p->members[i].veto);
		} else {
			ratio_is(&p->members[i].shapley, 4, 2145, "shapley", un[i]);
			assert_true(v > 0.0018648 && v < 0.0018649);
		}
	}
	/* 848 winning coalitions (the five and at least four of ten),
	 * 210 minimal ones (exactly four). */
	assert_int_equal(cn_nat_cmp_u64(&p->winning, 848), 0);
	assert_int_equal(cn_nat_cmp_u64(&p->minimal_winning, 210), 0);
	cn_power_free(p);
	cn_rule_free(r);
}

/* A rule that is not monotone gets its counts and the reason. */
static void test_not_monotone(void **state)
{
	static const char *c[] = {"AA", "BB", "CC", "DD"};
	struct cn_rule *r;
	struct cn_err err = {0};
	struct cn_power *p;

	(void)state;
	assert_int_equal(cn_rule_parse("count(concur) == 2", &r, &err), 0);
	struct cn_power_input in = {.rule = r, .codes = c, .n = 4,
				    .want = CN_AN_ALL};
	assert_int_equal(cn_power_compute(&in, &p, &err), 0);
	assert_false(p->monotone);
	assert_int_equal(cn_nat_cmp_u64(&p->winning, 6), 0);
	assert_false(p->computed & CN_AN_SHAPLEY);
	assert_non_null(strstr(p->note, "not monotone"));
	cn_power_free(p);
	cn_rule_free(r);
}

/* A diagram over its node budget is refused, not grown without end. */
static void test_node_limit(void **state)
{
	static const char *c[] = {"AA", "BB", "CC", "DD", "EE", "FF"};
	struct cn_rule *r;
	struct cn_err err = {0};
	struct cn_power *p = NULL;

	(void)state;
	assert_int_equal(cn_rule_parse("count(concur) >= 3 and count(object) "
				       "<= 2", &r, &err), 0);
	struct cn_power_input in = {.rule = r, .codes = c, .n = 6,
				    .want = CN_AN_ALL, .max_nodes = 3};
	assert_int_equal(cn_power_compute(&in, &p, &err), CN_EREFUSED);
	assert_null(p);
	assert_non_null(strstr(err.msg, "decision-diagram nodes"));
	cn_rule_free(r);
}

/* ---- a proposal --------------------------------------------------------- */

/* The smallest flip against brute force over every set of changes to
 * the target position, and each pivotal change by evaluating it. */
static void check_proposal(const char *src, struct cn_an_ballot *bal,
			   size_t n, int silence, struct figures *f)
{
	struct cn_rule *r;
	struct cn_err err = {0};
	struct cn_proposal_analysis *a;
	struct cn_voter v[MAXN];
	size_t best = n + 1;
	u128 count = 0;

	assert_int_equal(cn_rule_parse(src, &r, &err), 0);
	struct cn_proposal_input in = {.rule = r, .ballots = bal, .n = n,
				       .silence_consents = silence,
				       .attr = f ? fig_str : NULL,
				       .attr_ctx = f};
	assert_int_equal(cn_proposal_analyse(&in, &a, &err), 0);
	enum cn_pos target = a->adopted ? CN_POS_OBJECT : CN_POS_CONCUR;
	for (uint32_t s = 0; s < (1u << n); s++) {
		struct cn_rule_input ri = {.voters = v, .nvoters = n, .final = 1,
					   .attr = fig_num, .attr_ctx = f};
		struct cn_rule_result res;
		size_t size = 0;
		int skip = 0;
		for (size_t i = 0; i < n; i++) {
			enum cn_pos p = bal[i].pos;
			if (silence && p == CN_POS_NONE)
				p = CN_POS_CONCUR;
			if (s >> i & 1) {
				/* Changing to what it holds is no change. */
				skip |= p == target;
				p = target;
				size++;
			}
			v[i] = (struct cn_voter){bal[i].code, p,
						 p == bal[i].pos && bal[i].declared};
		}
		if (skip || size > best)
			continue;
		assert_int_equal(cn_rule_eval(r, &ri, &res, &err), 0);
		if ((res.verdict == CN_VERDICT_ADOPTED) != a->adopted) {
			if (size < best) {
				best = size;
				count = 0;
			}
			count++;
		}
		cn_rule_result_release(&res);
	}
	assert_int_equal(a->flip_size, best > n ? 0 : best);
	if (best <= n)
		assert_true(as_u128(&a->flip_count) == count);
	cn_proposal_analysis_free(a);
	cn_rule_free(r);
}

static void test_proposal_flip(void **state)
{
	static const char *un[] = {"CN", "FR", "GB", "RU", "US", "E1", "E2",
				   "E3", "E4", "E5", "E6", "E7", "E8", "E9",
				   "E10"};
	struct cn_an_ballot bal[MAXN];
	const char *sub[14], *vals[14];
	static const char *shares[14] = {"18.49", "15.17", "13.23", "10.78",
					 "8.33", "4.23", "4.01", "2.62",
					 "2.42", "2.36", "2.34", "2.31",
					 "2.13", "2.02"};
	static const char *eu[14] = {"DE", "FR", "IT", "ES", "PL", "RO", "NL",
				     "BE", "CZ", "PT", "SE", "GR", "HU", "AT"};
	struct figures f = {.codes = sub, .vals = vals, .n = 14};

	(void)state;
	/* Resolution 1973 (2011): ten for, five abstaining (CN, RU, BR, IN,
	 * DE); here E1..E5 abstain with CN and RU. */
	for (size_t i = 0; i < 15; i++)
		bal[i] = (struct cn_an_ballot){un[i], CN_POS_CONCUR, 0};
	bal[0].pos = bal[3].pos = bal[5].pos = bal[6].pos = bal[7].pos =
		CN_POS_ABSTAIN;
	check_proposal("count(concur) >= 9 and none(object in {CN FR GB RU US})",
		       bal, 15, 0, NULL);
	/* Eight for, seven silent: one concurrence short. */
	for (size_t i = 0; i < 15; i++)
		bal[i] = (struct cn_an_ballot){un[i], i < 8 ? CN_POS_CONCUR
							    : CN_POS_NONE, 0};
	check_proposal("count(concur) >= 9 and none(object in {CN FR GB RU US})",
		       bal, 15, 0, NULL);
	/* A double majority on 14 states with real shares: some object,
	 * some silent, one reserves. */
	for (size_t i = 0; i < 14; i++) {
		sub[i] = eu[i];
		vals[i] = shares[i];
		bal[i] = (struct cn_an_ballot){eu[i], (enum cn_pos)(i % 4), 0};
	}
	check_proposal("count(concur) >= 55% of electorate and "
		       "weight(concur, population_share) >= 65% of electorate",
		       bal, 14, 0, &f);
	check_proposal("consensus", bal, 14, 1, &f);
	for (size_t i = 0; i < 14; i++)
		bal[i].pos = i == 3 ? CN_POS_OBJECT : CN_POS_NONE;
	check_proposal("consensus", bal, 14, 1, &f);
}

/* Pivotal members on the Security Council: with eight for and the rest
 * silent, any silent member's concurrence adopts; and every permanent
 * member can still block alone. */
static void test_proposal_pivotal(void **state)
{
	static const char *un[] = {"CN", "FR", "GB", "RU", "US", "E1", "E2",
				   "E3", "E4", "E5", "E6", "E7", "E8", "E9",
				   "E10"};
	struct cn_an_ballot bal[15];
	struct cn_rule *r;
	struct cn_err err = {0};
	struct cn_proposal_analysis *a;

	(void)state;
	for (size_t i = 0; i < 15; i++)
		bal[i] = (struct cn_an_ballot){un[i], i < 8 ? CN_POS_CONCUR
							    : CN_POS_NONE, 0};
	assert_int_equal(cn_rule_parse("count(concur) >= 9 and none(object in "
				       "{CN FR GB RU US})", &r, &err), 0);
	struct cn_proposal_input in = {.rule = r, .ballots = bal, .n = 15};
	assert_int_equal(cn_proposal_analyse(&in, &a, &err), 0);
	assert_false(a->adopted);
	assert_int_equal(a->stay.verdict, CN_VERDICT_FAILED);
	assert_int_equal(a->all_concur.verdict, CN_VERDICT_ADOPTED);
	assert_int_equal(a->flip_size, 1);
	assert_int_equal(cn_nat_cmp_u64(&a->flip_count, 7), 0);
	for (size_t i = 0; i < 15; i++)
		assert_int_equal(a->can_block[i], i < 5);
	size_t concur = 0;
	for (size_t k = 0; k < a->npivotal; k++) {
		assert_true(a->pivotal[k].member >= 8);
		concur += a->pivotal[k].to.pos == CN_POS_CONCUR;
	}
	assert_int_equal(concur, 7);
	cn_proposal_analysis_free(a);
	cn_rule_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eec_1958),
		cmocka_unit_test(test_unsc_published),
		cmocka_unit_test(test_not_monotone),
		cmocka_unit_test(test_node_limit),
		cmocka_unit_test(test_consensus_closed_form),
		cmocka_unit_test(test_random_weighted),
		cmocka_unit_test(test_random_composite),
		cmocka_unit_test(test_unsc),
		cmocka_unit_test(test_eu_council),
		cmocka_unit_test(test_osce),
		cmocka_unit_test(test_nato),
		cmocka_unit_test(test_proposal_flip),
		cmocka_unit_test(test_proposal_pivotal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
