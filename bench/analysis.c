/*
 * bench/analysis.c - `make bench`: council's power analysis against brute
 * force and against the textbook pseudo-polynomial dynamic program, on the
 * same games, in one run; prints times and ratios side by side.
 *
 *   EU-27 qualified majority (55% of members and 65% of the 2025 population
 *   shares, or fewer than four against), every index exact, vs brute
 *   force over its 2^27 coalitions in C (the outcomes as a bit set, then
 *   swings by coalition size: Banzhaf and Shapley-Shubik).  The two must
 *   agree on the winning coalitions and every member's swings.
 *
 *   Weighted majority games of n members with total weight W (weights
 *   drawn at random, quota just over half), Banzhaf: council vs the
 *   textbook O(n q) program (the coalitions by weight, each member's
 *   factor divided back out: the method of Python's powerindex and of
 *   Leech's ipgenf, here in doubles as ipgenf has it); Shapley-Shubik:
 *   council vs the textbook O(n^2 q) program (coalitions by size and
 *   weight, as Leech's ssgenf).  The textbook programs exist only here.
 *   And, at n=100, everything the API asks for (indices and coalitions):
 *   council's generating functions against council's decision diagram.
 *
 * Times are CPU seconds, best of a few runs (one for brute force).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/analysis.h"

static double cpu(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- EU-27 --------------------------------------------------------------- */

/* Annex III shares for 2025 as data/eu-council.json holds them. */
static const char *eu_code[27] = {
	"DE", "FR", "IT", "ES", "PL", "RO", "NL", "BE", "CZ", "PT", "SE",
	"GR", "HU", "AT", "BG", "DK", "FI", "SK", "IE", "HR", "LT", "SI",
	"LV", "EE", "CY", "LU", "MT"};
static const char *eu_share[27] = {
	"18.49", "15.17", "13.23", "10.78", "8.33", "4.23", "4.01", "2.62",
	"2.42", "2.36", "2.34", "2.31", "2.13", "2.02", "1.43", "1.32",
	"1.25", "1.21", "1.19", "0.86", "0.64", "0.47", "0.42", "0.30",
	"0.21", "0.15", "0.12"};
static const char eu_rule[] =
	"count(concur) >= 55% of electorate and (weight(concur, "
	"population_share) >= 65% of electorate or count(object|abstain|silent) "
	"< 4)";

static const char *const *g_codes;
static const char *const *g_vals;
static size_t g_n;

static int attr(void *ctx, const char *code, const char *a, const char **v)
{
	(void)ctx;
	(void)a;
	for (size_t i = 0; i < g_n; i++)
		if (!strcmp(g_codes[i], code)) {
			*v = g_vals[i];
			return 0;
		}
	return CN_ENOTFOUND;
}

static struct cn_power *council(const char *rule_src, const char *const *codes,
				const char *const *vals, size_t n, unsigned want,
				double *best, int runs)
{
	struct cn_rule *r;
	struct cn_err err = {0};
	struct cn_power *p = NULL;

	g_codes = codes;
	g_vals = vals;
	g_n = n;
	if (cn_rule_parse(rule_src, &r, &err)) {
		fprintf(stderr, "bench: %s\n", err.msg);
		exit(1);
	}
	*best = INFINITY;
	for (int k = 0; k < runs; k++) {
		struct cn_power_input in = {.rule = r, .codes = codes, .n = n,
					    .attr = attr, .want = want};
		double t0 = cpu();
		cn_power_free(p);
		p = NULL;
		if (cn_power_compute(&in, &p, &err)) {
			fprintf(stderr, "bench: council: %s\n", err.msg);
			cn_rule_free(r);
			return NULL;
		}
		double t = cpu() - t0;
		if (t < *best)
			*best = t;
	}
	cn_rule_free(r);
	return p;
}

/* Brute force: outcomes of all 2^27 coalitions, then swings by size. */
static double eu_brute(uint64_t *winning, uint64_t swings[27],
		       uint64_t by_size[27][27])
{
	const size_t n = 27;
	const uint32_t full = (1u << n) - 1;
	unsigned share[27], total = 0;
	uint8_t *win = calloc((size_t)1 << (n - 3), 1);
	double t0 = cpu();

	for (size_t i = 0; i < n; i++) {
		share[i] = (unsigned)lround(strtod(eu_share[i], NULL) * 100);
		total += share[i];
	}
	*winning = 0;
	for (uint32_t s = 0;; s++) {
		unsigned cnt = (unsigned)__builtin_popcount(s), w = 0;
		for (uint32_t m = s; m; m &= m - 1)
			w += share[__builtin_ctz(m)];
		/* 55% of 27 members (cross-multiplied), and 65% of the shares
		 * or fewer than four not concurring. */
		int ok = 100 * cnt >= 55 * n &&
			 (100 * w >= 65 * total || n - cnt < 4);
		if (ok) {
			win[s >> 3] |= (uint8_t)(1u << (s & 7));
			(*winning)++;
		}
		if (s == full)
			break;
	}
	memset(swings, 0, 27 * sizeof(*swings));
	memset(by_size, 0, 27 * 27 * sizeof(by_size[0][0]));
	for (uint32_t s = 0;; s++) {
		if (win[s >> 3] >> (s & 7) & 1) {
			unsigned size = (unsigned)__builtin_popcount(s);
			for (uint32_t m = s; m; m &= m - 1) {
				uint32_t t = s & ~(m & -m);
				if (!(win[t >> 3] >> (t & 7) & 1)) {
					unsigned i = (unsigned)__builtin_ctz(m);
					swings[i]++;
					by_size[i][size - 1]++;
				}
			}
		}
		if (s == full)
			break;
	}
	free(win);
	return cpu() - t0;
}

static uint64_t nat64(const struct cn_nat *a)
{
	return a->n ? a->w[0] : 0;
}

/* ---- weighted games: the textbook programs ------------------------------ */

/* Banzhaf swings in O(n q): c[s], coalitions of weight s < q; member i's
 * factor divided out, its swings are the others' coalitions of weight in
 * [q - w_i, q). */
static void textbook_banzhaf(const unsigned *w, size_t n, unsigned q,
			     double *swings)
{
	double *c = calloc(q, sizeof(*c)), *ci = calloc(q, sizeof(*ci));

	c[0] = 1;
	for (size_t i = 0; i < n; i++)
		for (unsigned s = q; s-- > w[i];)
			c[s] += c[s - w[i]];
	for (size_t i = 0; i < n; i++) {
		double sw = 0;
		for (unsigned s = 0; s < q; s++) {
			ci[s] = c[s] - (s >= w[i] ? ci[s - w[i]] : 0);
			if (s + w[i] >= q)
				sw += ci[s];
		}
		swings[i] = sw;
	}
	free(c);
	free(ci);
}

/* Shapley-Shubik in O(n^2 q): C[k][s], coalitions of k members of weight
 * s < q; member i divided out; its index sums the others' coalitions
 * of weight in [q - w_i, q) by size, weighted k! (n-1-k)! / n!.  The
 * division subtracts, which in doubles cancels catastrophically (at 100
 * members the results are noise), so the counts are exact integers, as
 * in powerindex's Python integers: 128 bits, enough below 128 members. */
__extension__ typedef unsigned __int128 u128;

static int textbook_shapley(const unsigned *w, size_t n, unsigned q,
			    double *ss)
{
	u128 *C = calloc((n + 1) * (size_t)q, sizeof(*C));
	u128 *Ci = calloc((n + 1) * (size_t)q, sizeof(*Ci));
	double *f = calloc(n, sizeof(*f));

	if (!C || !Ci || !f || n >= 128) {
		free(C);
		free(Ci);
		free(f);
		return -1;
	}
#define AT(A, k, s) (A)[(size_t)(k) * q + (s)]
	AT(C, 0, 0) = 1;
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k > 0; k--)
			for (unsigned s = q; s-- > w[i];)
				AT(C, k, s) += AT(C, k - 1, s - w[i]);
	/* f[k] = k! (n-1-k)! / n!, by the ratio of neighbours. */
	f[0] = 1.0 / (double)n;
	for (size_t k = 1; k < n; k++)
		f[k] = f[k - 1] * (double)k / (double)(n - k);
	for (size_t i = 0; i < n; i++) {
		double v = 0;
		for (size_t k = 0; k < n; k++) {
			u128 part = 0;
			for (unsigned s = 0; s < q; s++) {
				AT(Ci, k, s) = AT(C, k, s) -
					(k && s >= w[i] ? AT(Ci, k - 1, s - w[i]) : 0);
				if (s + w[i] >= q)
					part += AT(Ci, k, s);
			}
			v += (double)part * f[k];
		}
		ss[i] = v;
	}
#undef AT
	free(C);
	free(Ci);
	free(f);
	return 0;
}

static uint64_t rng = 88172645463325252ull;

static unsigned rnd(unsigned below)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % below);
}

static void ratio_line(const char *game, const char *what, double council_s,
		       double other_s, const char *other, double maxerr)
{
	printf("%-34s %-15s %10.4f %10.4f  %-22s %8.1fx  %.1e\n", game, what,
	       council_s, other_s, other, other_s / council_s, maxerr);
}

/* shapley: 1, Shapley-Shubik against the textbook too; 2, and everything
 * the API asks for. */
static void weighted(size_t n, unsigned total, int shapley)
{
	unsigned *w = calloc(n, sizeof(*w)), sum = 0, q;
	char **codes = calloc(n, sizeof(*codes)), **vals = calloc(n, sizeof(*vals));
	double *tb = calloc(n, sizeof(*tb)), t0, t_tb, t_cn, err = 0;
	char game[64];
	struct cn_power *p;
	char src[64];

	/* Weights of a few large holders and many small, like the IMF's. */
	for (size_t i = 0; i < n; i++) {
		w[i] = 1 + rnd(2 * total / (unsigned)n);
		if (i < n / 20)
			w[i] *= 8;
	}
	for (size_t i = 0; i < n; i++)
		sum += w[i];
	q = sum / 2 + 1;
	for (size_t i = 0; i < n; i++) {
		codes[i] = malloc(24);
		vals[i] = malloc(16);
		snprintf(codes[i], 24, "M%zu", i);
		snprintf(vals[i], 16, "%u", w[i]);
	}
	snprintf(src, sizeof(src), "weight(concur, votes) >= %u", q);
	snprintf(game, sizeof(game), "weighted n=%zu W=%u q=%u", n, sum, q);

	t0 = cpu();
	textbook_banzhaf(w, n, q, tb);
	t_tb = cpu() - t0;
	p = council(src, (const char *const *)codes, (const char *const *)vals,
		    n, CN_AN_BANZHAF, &t_cn, 3);
	if (p) {
		for (size_t i = 0; i < n; i++) {
			double c = cn_nat_double(&p->members[i].swings);
			double e = fabs(c - tb[i]) / (c > 0 ? c : 1);
			if (e > err)
				err = e;
		}
		ratio_line(game, "Banzhaf", t_cn, t_tb, "textbook O(n q)", err);
		cn_power_free(p);
	}
	if (shapley == 2) {
		/* Everything the API asks for: the generating functions
		 * against the decision diagram, both council's, exact. */
		struct cn_power *d;
		double t_d;
		p = council(src, (const char *const *)codes,
			    (const char *const *)vals, n, CN_AN_ALL, &t_cn, 1);
		d = council(src, (const char *const *)codes,
			    (const char *const *)vals, n,
			    CN_AN_ALL | CN_AN_FORCE_DIAGRAM, &t_d, 1);
		if (p && d) {
			int same = !cn_nat_cmp(&p->minimal_winning,
					       &d->minimal_winning) &&
				   !cn_nat_cmp(&p->blocking_count,
					       &d->blocking_count);
			for (size_t i = 0; i < n; i++)
				same &= !cn_nat_cmp(&p->members[i].shapley.num,
						    &d->members[i].shapley.num);
			ratio_line(game, "all (API)", t_cn, t_d,
				   "council's diagram", same ? 0.0 : 1.0);
		}
		cn_power_free(p);
		cn_power_free(d);
	}
	if (shapley) {
		err = 0;
		t0 = cpu();
		if (textbook_shapley(w, n, q, tb) == 0) {
			t_tb = cpu() - t0;
			p = council(src, (const char *const *)codes,
				    (const char *const *)vals, n,
				    CN_AN_SHAPLEY | CN_AN_BANZHAF, &t_cn, 1);
			if (p) {
				for (size_t i = 0; i < n; i++) {
					double c = cn_ratio_double(&p->members[i].shapley);
					double e = fabs(c - tb[i]) / (c > 0 ? c : 1);
					if (e > err)
						err = e;
				}
				ratio_line(game, "Shapley-Shubik", t_cn, t_tb,
					   "textbook O(n^2 q)", err);
				cn_power_free(p);
			} else {
				printf("%-34s %-15s %10s %10.4f  %-22s\n", game,
				       "Shapley-Shubik", "refused", t_tb,
				       "textbook O(n^2 q)");
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(codes[i]);
		free(vals[i]);
	}
	free(codes);
	free(vals);
	free(w);
	free(tb);
}

int main(int argc, char **argv)
{
	uint64_t winning, swings[27], by_size[27][27];
	double t_cn, t_bf;
	int skip_brute = argc > 1 && !strcmp(argv[1], "--no-brute");
	struct cn_power *p;

	printf("%-34s %-15s %10s %10s  %-22s %9s  %s\n", "game", "indices",
	       "council s", "other s", "other", "ratio", "max rel. diff");
	p = council(eu_rule, eu_code, eu_share, 27, CN_AN_ALL, &t_cn, 5);
	if (!p)
		return 1;
	if (!skip_brute) {
		t_bf = eu_brute(&winning, swings, by_size);
		int agree = nat64(&p->winning) == winning;
		for (size_t i = 0; i < 27; i++)
			agree &= nat64(&p->members[i].swings) == swings[i];
		ratio_line("EU-27 QMV 2025 (diagram)", "all, exact", t_cn, t_bf,
			   "brute force 2^27", agree ? 0.0 : 1.0);
		if (!agree) {
			fprintf(stderr, "bench: council and brute force disagree\n");
			return 1;
		}
	} else {
		printf("%-34s %-15s %10.4f\n", "EU-27 QMV 2025 (diagram)",
		       "all, exact", t_cn);
	}
	cn_power_free(p);
	weighted(50, 10000, 1);
	weighted(100, 50000, 2);
	weighted(200, 100000, 0);
	weighted(200, 1000000, 0);
	weighted(256, 1000000, 0);
	return 0;
}
