/*
 * analysis.c - the power of a rule's members: the yes/no game compiled
 * (analysis_game.c), its decision diagram built (analysis_bdd.c), and
 * every count read off the diagram in passes over its nodes; or, for a
 * plain weighted majority, from its generating functions (analysis_gf.c),
 * each part that fits their limits, the diagram giving the rest.  See
 * analysis.h.
 *
 * The counting on the diagram is analysis_count.c's (see there for the
 * formulas); this file turns counts into indices, chooses between the
 * generating functions and the diagram, and notes what it could not do.
 */
#include "analysis.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_dd.h"
#include "analysis_gf.h"
#include "analysis_words.h"

/* The generating function is used only below these (words of memory,
 * additions of L-word counts). */
#define GF_MAX_WORDS (1u << 24)
#define GF_MAX_ADDS ((uint64_t)1 << 31)

/* ---- from counts to indices -------------------------------------------- */

static void nat_words(struct cn_nat *a, const uint64_t *w, unsigned L)
{
	cn_nat_set_words(a, w, L);
}

/* r = a / b, or 0 when b is 0 (then a is 0 too: no swings). */
static void ratio(struct cn_ratio *r, const struct cn_nat *a,
		  const struct cn_nat *b)
{
	struct cn_nat one;

	if (cn_nat_is_zero(b)) {
		cn_nat_set(&one, 1);
		cn_ratio_set(r, b, &one);
		return;
	}
	cn_ratio_set(r, a, b);
}

/* Row r of the swings belongs to member map[r] (map NULL: r). */
static void totals(struct cn_power *p, const uint64_t *sw, const size_t *map,
		   unsigned L)
{
	for (size_t r = 0; r < p->n; r++)
		nat_words(&p->members[map ? map[r] : r].swings, sw + r * L, L);
}

/* Swings and Shapley-Shubik from the swings by size, sw[(r * n + k) * L]
 * for member map[r] (map NULL: r) and k others: a swing into a coalition
 * of k others weighs k! (n-1-k)! orders of arrival (of n!).  0, or -1
 * when out of memory. */
static int by_size(struct cn_power *p, const uint64_t *sw, const size_t *map,
		   unsigned L)
{
	size_t n = p->n;
	struct cn_nat fact_n, t, num, *fact = calloc(n, sizeof(*fact));
	struct cn_nat *orders = calloc(n, sizeof(*orders));

	if (!fact || !orders) {
		free(fact);
		free(orders);
		return -1;
	}
	cn_nat_factorial(&fact_n, (unsigned)n);
	cn_nat_set(&fact[0], 1);
	for (size_t k = 1; k < n; k++)
		cn_nat_mul_u64(&fact[k], &fact[k - 1], k);
	for (size_t k = 0; k < n; k++)
		cn_nat_mul(&orders[k], &fact[k], &fact[n - 1 - k]);
	for (size_t r = 0; r < n; r++) {
		struct cn_power_member *m = &p->members[map ? map[r] : r];
		cn_nat_zero(&m->swings);
		cn_nat_zero(&num);
		for (size_t k = 0; k < n; k++) {
			nat_words(&t, sw + (r * n + k) * L, L);
			if (cn_nat_is_zero(&t))
				continue;
			cn_nat_add(&m->swings, &m->swings, &t);
			cn_nat_mul(&t, &t, &orders[k]);
			cn_nat_add(&num, &num, &t);
		}
		cn_ratio_set(&m->shapley, &num, &fact_n);
	}
	free(fact);
	free(orders);
	p->computed |= CN_AN_SHAPLEY;
	return 0;
}

/* Banzhaf's family from the swings and the winning coalitions. */
static void banzhaf_family(struct cn_power *p)
{
	struct cn_nat total, half, losing;

	cn_nat_zero(&total);
	for (size_t i = 0; i < p->n; i++)
		cn_nat_add(&total, &total, &p->members[i].swings);
	cn_nat_pow2(&half, (unsigned)p->n - 1);
	cn_nat_sub(&losing, &p->coalitions, &p->winning);
	for (size_t i = 0; i < p->n; i++) {
		struct cn_power_member *m = &p->members[i];
		m->dummy = cn_nat_is_zero(&m->swings);
		ratio(&m->banzhaf, &m->swings, &total);
		ratio(&m->penrose, &m->swings, &half);
		ratio(&m->prevent, &m->swings, &p->winning);
		ratio(&m->initiate, &m->swings, &losing);
	}
	p->computed |= CN_AN_BANZHAF;
}

/* Append to p->note, "; " between parts. */
static void note(struct cn_power *p, const char *fmt, ...) CN_PRINTF(2, 3);
static void note(struct cn_power *p, const char *fmt, ...)
{
	size_t len = strlen(p->note);
	va_list ap;

	if (len && len + 2 < sizeof(p->note)) {
		memcpy(p->note + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(p->note + len, sizeof(p->note) - len, fmt, ap);
	va_end(ap);
}

static const char *too_large(int failure)
{
	return failure == CN_ENOMEM ? "memory ran out"
				    : "the decision diagram passed its size limit";
}

/* "only ... were computed: why", listing what p->computed holds. */
static void note_computed(struct cn_power *p, const char *why)
{
	static const struct {
		unsigned bit;
		const char *what;
	} part[] = {
		{CN_AN_BANZHAF, "the Banzhaf indices"},
		{CN_AN_SHAPLEY, "Shapley-Shubik"},
		{CN_AN_MINIMAL, "the minimal coalitions"},
		{CN_AN_BLOCKING, "the smallest blocking coalitions"},
	};
	const char *got[4];
	size_t k = 0;

	for (size_t i = 0; i < 4; i++)
		if (p->computed & part[i].bit)
			got[k++] = part[i].what;
	/* something is missing: at most three of the four */
	assert(k > 0 && k < 4);
	note(p, "only %s%s%s%s%s were computed: %s", got[0],
	     k > 2 ? ", " : "", k > 2 ? got[1] : "",
	     k > 1 ? " and " : "", k > 1 ? got[k - 1] : "", why);
}

/* Everything on the diagram; `want` as asked, but the counts of winning
 * coalitions, swings and indices not when `indices` says the generating
 * function gave them.  0, or -1 when out of memory outside the diagram
 * (the diagram's own failures are noted). */
static int on_diagram(struct dd *d, struct cn_power *p, unsigned want,
		      int positive, int indices)
{
	size_t n = d->n;
	unsigned L = d->L;
	uint64_t *sw = NULL, win[CN_NAT_LIMBS] = {0};
	unsigned char *x = NULL;
	int rc = -1;

	p->method = indices ? "generating function and decision diagram"
			    : "decision diagram";
	if (!positive) {
		uint32_t up = cn_bdd_upward(&d->b, d->root);
		if (up == CN_BDD_NONE)
			return d->b.failure == CN_ENOMEM ? -1 : 1;
		p->monotone = up == d->root;
	} else {
		p->monotone = 1;
	}
	if (cn_dd_reachable(d, d->root) || cn_dd_make_binom(d))
		return -1;
	p->size = d->count + 2;     /* and the two terminals */
	if (!(x = malloc(n)))
		return -1;
	if (!p->monotone) {
		if (cn_dd_count_sat(d, d->root, win))
			goto done;
		nat_words(&p->winning, win, L);
		note(p, "the rule is not monotone (a member joining a "
			"coalition can turn its adoption into rejection), and "
			"power indices are defined for monotone rules");
		rc = 0;
		goto done;
	}
	/* What the generating functions did not give (want, short of
	 * p->computed): the indices unless given, or Shapley-Shubik alone
	 * missing, which by size gives them all again. */
	if (indices && (want & CN_AN_SHAPLEY & ~p->computed))
		indices = 0;
	if (indices) {
		/* the generating function gave the counts and indices */
	} else if (want & CN_AN_SHAPLEY) {
		if (!(sw = calloc(n * n * L, sizeof(*sw))) ||
		    cn_dd_swings_by_size(d, sw, win))
			goto done;
	} else {
		if (!(sw = calloc(n * L, sizeof(*sw))) ||
		    cn_dd_swings_total(d, sw, win))
			goto done;
	}
	if (!indices) {
		nat_words(&p->winning, win, L);
		if (!(want & CN_AN_SHAPLEY))
			totals(p, sw, d->order, L);
		else if (by_size(p, sw, d->order, L))
			goto done;
		banzhaf_family(p);
	}
	/* Veto players: the coalition of everyone else loses. */
	for (size_t l = 0; l < n; l++) {
		memset(x, 1, n);
		x[l] = 0;
		p->members[d->order[l]].veto =
			!cn_nat_is_zero(&p->winning) &&
			!cn_bdd_eval(&d->b, d->root, x);
	}
	if ((want & CN_AN_BLOCKING) && !(p->computed & CN_AN_BLOCKING)) {
		long size;
		uint64_t cnt[CN_NAT_LIMBS] = {0};
		if (cn_dd_largest_losing(d, &size, cnt, x))
			goto done;
		p->blocking_size = size < 0 ? n + 1 : n - (size_t)size;
		nat_words(&p->blocking_count, cnt, L);
		if (size >= 0) {
			size_t k = 0;
			if (!(p->blocking_example = calloc(n + 1, sizeof(size_t))))
				goto done;
			/* in electorate order */
			for (size_t i = 0; i < n; i++)
				for (size_t l = 0; l < n; l++)
					if (d->order[l] == i && !x[l])
						p->blocking_example[k++] = i;
		}
		p->computed |= CN_AN_BLOCKING;
	}
	/* Last, as they add nodes and may meet the diagram's limit. */
	if ((want & CN_AN_MINIMAL) && !(p->computed & CN_AN_MINIMAL)) {
		uint64_t mw[CN_NAT_LIMBS], mb[CN_NAT_LIMBS];
		uint32_t du = cn_bdd_dual(&d->b, d->root);
		/* Proper: winning implies the complement loses (f <= dual);
		 * strong: the converse. */
		int proper = cn_bdd_leq(&d->b, d->root, du);
		int strong = cn_bdd_leq(&d->b, du, d->root);
		int bad = du == CN_BDD_NONE || proper < 0 || strong < 0 ||
			  cn_dd_count_minimal(d, d->root, mw);
		bad = bad || cn_dd_count_minimal(d, du, mb);

		if (bad && d->b.failure != CN_EREFUSED)
			goto done;      /* out of memory */
		if (bad) {
			note(p, "minimal coalitions not counted: %s",
			     too_large(d->b.failure));
		} else {
			nat_words(&p->minimal_winning, mw, L);
			nat_words(&p->minimal_blocking, mb, L);
			p->proper = proper;
			p->strong = strong;
			p->computed |= CN_AN_MINIMAL;
		}
	}
	rc = 0;
done:
	free(sw);
	free(x);
	return rc;
}

/* The minimal and the blocking coalitions of the weighted majority `a`,
 * as `want` asks, by its generating functions, each unless too large (1
 * when neither fits; the diagram then counts what is missing).  0, or -1
 * when out of memory. */
static int coalitions_by_gf(const struct cn_game_atom *a, size_t n,
			    unsigned L, struct cn_power *p, unsigned want,
			    int forced)
{
	uint64_t words[2], adds[2], mw[CN_NAT_LIMBS] = {0};
	uint64_t mb[CN_NAT_LIMBS] = {0}, bc[CN_NAT_LIMBS] = {0};
	struct cn_gf_coalitions c = {.minimal_winning = mw,
				     .minimal_blocking = mb,
				     .blocking_count = bc};
	unsigned parts = 0;

	cn_gf_coalitions_cost(a->d, n, a->t, L, words, adds);
	for (int k = 0; k < 2; k++)
		if ((want & (k ? CN_AN_BLOCKING : CN_AN_MINIMAL)) &&
		    (forced || (words[k] <= GF_MAX_WORDS &&
				adds[k] <= GF_MAX_ADDS)))
			parts |= k ? CN_GF_BLOCKING : CN_GF_MINIMAL;
	if (!parts)
		return 1;
	if (!(c.blocking_example = calloc(n + 1, sizeof(size_t))))
		return -1;
	if (cn_gf_coalitions(a->d, n, a->t, L, parts, &c)) {
		free(c.blocking_example);
		return -1;
	}
	if (parts & CN_GF_MINIMAL) {
		nat_words(&p->minimal_winning, mw, L);
		nat_words(&p->minimal_blocking, mb, L);
		p->proper = c.proper;
		p->strong = c.strong;
		p->computed |= CN_AN_MINIMAL;
	}
	if (parts & CN_GF_BLOCKING) {
		nat_words(&p->blocking_count, bc, L);
		p->blocking_size = c.blocking_size;
		p->blocking_example = c.blocking_example;
		p->computed |= CN_AN_BLOCKING;
	} else {
		free(c.blocking_example);
	}
	return 0;
}

/* Banzhaf's family, and Shapley-Shubik and the coalitions when `want`
 * asks for them and they are not too large (unless forced), by the
 * generating functions, when the game is one weighted majority.  1 when
 * it does not apply or even Banzhaf's is too large, -1 when out of
 * memory; p->computed says what was done, the rest is the diagram's. */
static int by_gf(const struct cn_game *g, struct cn_power *p, unsigned L,
		 unsigned want, int forced)
{
	const struct cn_game_node *root = &g->nodes[g->root];
	uint64_t words, adds, *sw, win[CN_NAT_LIMBS] = {0};
	const struct cn_game_atom *a;
	int shapley = (want & CN_AN_SHAPLEY) != 0;
	size_t n = g->n;
	int64_t sum = 0;
	int rc;

	if (root->kind != CN_GAME_ATOM || !g->positive)
		return 1;
	a = &g->atoms[root->atom];
	cn_gf_cost(a->d, n, a->t, L, 0, &words, &adds);
	if (!forced && (words > GF_MAX_WORDS || adds > GF_MAX_ADDS))
		return 1;
	if (shapley) {
		/* by size: n times the memory, and less may fit */
		uint64_t w2, a2;
		cn_gf_cost(a->d, n, a->t, L, 1, &w2, &a2);
		shapley = forced || (w2 <= GF_MAX_WORDS && a2 <= GF_MAX_ADDS);
		words = shapley ? w2 : words;
	}
	if (!(sw = calloc((shapley ? n * n : n) * L, sizeof(*sw))))
		return -1;
	rc = shapley ? cn_gf_shapley(a->d, n, a->t, L, win, sw)
		     : cn_gf_banzhaf(a->d, n, a->t, L, win, sw);
	if (rc || (shapley && by_size(p, sw, NULL, L))) {
		free(sw);
		return -1;
	}
	if (!shapley)
		totals(p, sw, NULL, L);
	p->method = "generating function";
	p->size = (size_t)(words / L);
	p->monotone = 1;
	nat_words(&p->winning, win, L);
	for (size_t i = 0; i < n; i++)
		sum += a->d[i];
	for (size_t i = 0; i < n; i++)
		p->members[i].veto = sum - a->d[i] < a->t;
	banzhaf_family(p);
	free(sw);
	if (want & (CN_AN_MINIMAL | CN_AN_BLOCKING))
		return coalitions_by_gf(a, n, L, p, want, forced) < 0 ? -1 : 0;
	return 0;
}

static int attr_none(void *ctx, const char *code, const char *attr,
		     const char **value)
{
	(void)ctx;
	(void)code;
	(void)attr;
	(void)value;
	return CN_ENOTFOUND;
}

int cn_power_compute(const struct cn_power_input *in, struct cn_power **out,
		     struct cn_err *err)
{
	size_t n = in->n;
	unsigned L = (unsigned)(n / 64 + 1);
	unsigned want = in->want & CN_AN_ALL;
	struct cn_game_member *gm = NULL;
	struct cn_game g = {0};
	struct dd d = {0};
	struct cn_power *p = NULL;
	int rc, indices = 0;      /* the indices came from by_gf */

	*out = NULL;
	if (!(gm = calloc(n ? n : 1, sizeof(*gm))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		gm[i].code = in->codes[i];
		gm[i].one.pos = CN_POS_CONCUR;
		gm[i].zero.pos = CN_POS_OBJECT;
	}
	rc = cn_game_compile(in->rule, gm, n, in->attr ? in->attr : attr_none,
			     in->attr_ctx, &g, err);
	free(gm);
	if (rc)
		return rc;
	if (!(p = calloc(1, sizeof(*p))) ||
	    !(p->members = calloc(n, sizeof(*p->members)))) {
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
		goto done;
	}
	p->n = n;
	p->proper = p->strong = -1;
	p->blocking_size = n + 1;
	cn_nat_pow2(&p->coalitions, (unsigned)n);
	for (size_t i = 0; i < n; i++)
		p->members[i].code = in->codes[i];

	/* On one weighted majority the generating functions give what they
	 * can, unless the diagram is forced; the diagram the rest. */
	if (!(in->want & CN_AN_FORCE_DIAGRAM)) {
		rc = by_gf(&g, p, L, want, (in->want & CN_AN_FORCE_GF) != 0);
		if (rc < 0) {
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
			goto done;
		}
		indices = rc == 0;
		if (indices && !(want & ~p->computed))
			goto ratios;
	}
	if (!(d.order = calloc(n, sizeof(*d.order))) ||
	    cn_bdd_init(&d.b, n, in->max_nodes ? in->max_nodes
					       : CN_AN_DEFAULT_NODES)) {
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
		goto done;
	}
	d.n = n;
	d.L = L;
	cn_game_order(&g, d.order);
	d.ordered = cn_game_ordered(&g, d.order);
	d.root = cn_bdd_game(&d.b, &g, d.order);
	if (d.root == CN_BDD_NONE) {
		if (d.b.failure == CN_ENOMEM) {
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
			goto done;
		}
		/* Too large a diagram: what the generating functions give. */
		rc = indices ? 0 : by_gf(&g, p, L, want, 0);
		if (rc < 0) {
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
			goto done;
		}
		if (rc == 0) {
			if (want & ~p->computed)
				note_computed(p, too_large(CN_EREFUSED));
			goto ratios;
		}
		rc = cn_err_set(err, CN_EREFUSED,
				"analysis: the game of this rule on %zu members "
				"needs more than %zu decision-diagram nodes",
				n, d.b.max_nodes);
		goto done;
	}
	rc = on_diagram(&d, p, want, g.positive, indices);
	if (rc < 0) {
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
		goto done;
	}
	if (rc > 0) {
		rc = cn_err_set(err, CN_EREFUSED,
				"analysis: the game of this rule on %zu members "
				"needs more than %zu decision-diagram nodes",
				n, d.b.max_nodes);
		goto done;
	}
ratios:
	ratio(&p->collective, &p->winning, &p->coalitions);
	rc = 0;
done:
	cn_game_release(&g);
	cn_bdd_release(&d.b);
	free(d.order);
	free(d.nodes);
	free(d.index);
	free(d.binom);
	if (rc) {
		cn_power_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void cn_power_free(struct cn_power *p)
{
	if (!p)
		return;
	free(p->members);
	free(p->blocking_example);
	free(p);
}
