/*
 * analysis_game.c - a decision rule compiled into a Boolean game of
 * threshold constraints; see analysis_game.h.
 *
 * Every primary of docs/RULES.md adds up, over the members, a number that
 * depends only on the member's own position: count() and none() one per
 * member whose position is in the set, weight() the member's figure, and
 * a fraction of the base cross-multiplied as rule_eval.c does (den * count -
 * num * base).  With member i's position chosen by x_i, that sum is
 * K + sum_i d_i x_i, where K is the sum with every x_i = 0 and d_i what
 * member i adds by switching.  Arithmetic is in 128 bits, and a game is
 * kept only if every sum fits in 62 bits, so the diagrams can add and
 * subtract coefficients in int64_t without overflow.
 */
#include "analysis_game.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_nat.h"
#include "attribute.h"

/* GCC and Clang on 64-bit targets; __extension__ keeps -Wpedantic quiet. */
__extension__ typedef __int128 i128;

/* Sums and coefficients of a compiled game stay below this. */
#define GAME_MAX ((i128)1 << 62)
/* Figures have at most this many decimals (attribute.h). */
#define MAX_DECIMALS 6

struct compiler {
	const struct cn_game_member *m;
	size_t n;
	cn_game_attr_fn attr;
	void *ctx;
	struct cn_game *g;
	struct cn_err *err;
	/* scratch, n each */
	unsigned char *in;     /* member in the primary's group */
	i128 *w;               /* member's figure, scaled */
	i128 *d;               /* coefficients being built */
};

static i128 abs128(i128 v)
{
	return v < 0 ? -v : v;
}

static i128 gcd128(i128 a, i128 b)
{
	a = abs128(a);
	b = abs128(b);
	while (b) {
		i128 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* floor(a / b) for b > 0. */
static i128 floor_div(i128 a, i128 b)
{
	i128 q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

static i128 ceil_div(i128 a, i128 b)
{
	return -floor_div(-a, b);
}

static int node_add(struct compiler *c, struct cn_game_node node,
		    size_t *out)
{
	struct cn_game *g = c->g;
	struct cn_game_node *nn =
		realloc(g->nodes, (g->nnodes + 1) * sizeof(*nn));

	if (!nn) {
		free(node.kids);
		return cn_err_set(c->err, CN_ENOMEM, "out of memory");
	}
	g->nodes = nn;
	g->nodes[g->nnodes] = node;
	*out = g->nnodes++;
	return 0;
}

static int constant(struct compiler *c, int value, size_t *out)
{
	struct cn_game_node node = {.kind = value ? CN_GAME_TRUE
						  : CN_GAME_FALSE};
	return node_add(c, node, out);
}

/* The atom sum_i d_i x_i >= t, folded to a constant when no x can make
 * it hold or fail, and divided by the coefficients' gcd. */
static int atom_ge(struct compiler *c, const i128 *d, i128 t, size_t *out)
{
	struct cn_game *g = c->g;
	struct cn_game_atom *na;
	i128 lo = 0, hi = 0, div = 0;
	int64_t *dd;

	for (size_t i = 0; i < c->n; i++) {
		if (abs128(d[i]) >= GAME_MAX)
			goto too_large;
		if (d[i] < 0)
			lo += d[i];
		else
			hi += d[i];
		div = gcd128(div, d[i]);
	}
	if (hi - lo >= GAME_MAX)
		goto too_large;
	if (t <= lo)
		return constant(c, 1, out);
	if (t > hi)
		return constant(c, 0, out);
	assert(div > 0);
	if (!(dd = malloc(c->n * sizeof(*dd))))
		return cn_err_set(c->err, CN_ENOMEM, "out of memory");
	for (size_t i = 0; i < c->n; i++)
		dd[i] = (int64_t)(d[i] / div);
	na = realloc(g->atoms, (g->natoms + 1) * sizeof(*na));
	if (!na) {
		free(dd);
		return cn_err_set(c->err, CN_ENOMEM, "out of memory");
	}
	g->atoms = na;
	g->atoms[g->natoms].d = dd;
	g->atoms[g->natoms].t = (int64_t)ceil_div(t, div);
	struct cn_game_node node = {.kind = CN_GAME_ATOM, .atom = g->natoms++};
	return node_add(c, node, out);

too_large:
	return cn_err_set(c->err, CN_EINVAL,
			  "analysis: the rule's sums pass 2^62 and cannot be "
			  "analysed exactly");
}

/* sum_i d_i x_i <= t as sum_i (-d_i) x_i >= -t. */
static int atom_le(struct compiler *c, i128 *d, i128 t, size_t *out)
{
	int rc;

	for (size_t i = 0; i < c->n; i++)
		d[i] = -d[i];
	rc = atom_ge(c, d, -t, out);
	for (size_t i = 0; i < c->n; i++)
		d[i] = -d[i];
	return rc;
}

/* AND or OR of kids[0..nk), taking the kids array; constants fold. */
static int combine(struct compiler *c, enum cn_game_kind kind, size_t *kids,
		   size_t nk, size_t *out)
{
	/* Under AND a TRUE operand changes nothing and a FALSE decides;
	 * under OR the other way round. */
	enum cn_game_kind neutral = kind == CN_GAME_AND ? CN_GAME_TRUE
							: CN_GAME_FALSE;
	size_t k = 0;

	for (size_t i = 0; i < nk; i++) {
		enum cn_game_kind ki = c->g->nodes[kids[i]].kind;
		if (ki == neutral)
			continue;
		if (ki == CN_GAME_TRUE || ki == CN_GAME_FALSE) {
			free(kids);
			return constant(c, ki == CN_GAME_TRUE, out);
		}
		kids[k++] = kids[i];
	}
	if (k == 0) {
		free(kids);
		return constant(c, neutral == CN_GAME_TRUE, out);
	}
	if (k == 1) {
		*out = kids[0];
		free(kids);
		return 0;
	}
	struct cn_game_node node = {.kind = kind, .kids = kids, .nkids = k};
	return node_add(c, node, out);
}

static int pair(struct compiler *c, enum cn_game_kind kind, size_t a,
		size_t b, size_t *out)
{
	size_t *kids = malloc(2 * sizeof(*kids));

	if (!kids)
		return cn_err_set(c->err, CN_ENOMEM, "out of memory");
	kids[0] = a;
	kids[1] = b;
	return combine(c, kind, kids, 2, out);
}

/* rule_eval.c's set_has() and is_cast(), on a game position. */
static int in_set(unsigned set, const struct cn_game_pos *p)
{
	if (set & (1u << p->pos))
		return 1;
	return (set & CN_RULE_SET_DECLARED) && p->pos == CN_POS_ABSTAIN &&
	       p->declared;
}

static int is_cast(const struct cn_game_pos *p)
{
	return p->pos == CN_POS_CONCUR || p->pos == CN_POS_FOOTNOTE ||
	       p->pos == CN_POS_OBJECT;
}

static void mark_group(struct compiler *c, const struct cn_rule *r,
		       const struct cn_rule_shape *s)
{
	for (size_t i = 0; i < c->n; i++) {
		c->in[i] = s->ngroup == 0;
		for (size_t k = 0; !c->in[i] && k < s->ngroup; k++)
			c->in[i] = !strcmp(cn_rule_group_code(r, k), c->m[i].code);
	}
}

/* A figure as digits and the count of decimals: "12.5" is 125 and 1. */
static int parse_figure(const char *v, i128 *digits, int *decimals)
{
	i128 x = 0;
	int dec = -1;

	if (!v || !cn_attribute_value_ok(v))
		return -1;
	for (const char *p = v; *p; p++) {
		if (*p == '.') {
			dec = 0;
			continue;
		}
		x = x * 10 + (*p - '0');
		if (dec >= 0)
			dec++;
	}
	*digits = x;
	*decimals = dec < 0 ? 0 : dec;
	return 0;
}

/* c->w[i] = member i's figure for attr, for the members of the group,
 * all scaled by 10^*scale so that they are whole. */
static int figures(struct compiler *c, const char *attr, int *scale)
{
	int dec[CN_NAT_MAX_MEMBERS];
	int top = 0;

	if (!c->attr)
		return cn_err_set(c->err, CN_EINVAL,
				  "analysis: weight(%s) needs the members' "
				  "figures, and none were given", attr);
	for (size_t i = 0; i < c->n; i++) {
		const char *v = NULL;
		int rc;

		c->w[i] = 0;
		dec[i] = 0;
		if (!c->in[i])
			continue;
		rc = c->attr(c->ctx, c->m[i].code, attr, &v);
		if (rc == CN_ENOTFOUND)
			return cn_err_set(c->err, CN_EINVAL,
					  "analysis: member %s has no '%s'",
					  c->m[i].code, attr);
		if (rc)
			return cn_err_set(c->err, rc,
					  "analysis: reading '%s' of member %s "
					  "failed (%s)", attr, c->m[i].code,
					  cn_err_name(rc));
		if (parse_figure(v, &c->w[i], &dec[i]))
			return cn_err_set(c->err, CN_EINVAL,
					  "analysis: member %s has '%s' \"%s\", "
					  "expected a decimal number", c->m[i].code,
					  attr, v ? v : "");
		if (dec[i] > top)
			top = dec[i];
	}
	for (size_t i = 0; i < c->n; i++)
		for (int k = dec[i]; k < top; k++)
			c->w[i] *= 10;
	*scale = top;
	return 0;
}

/* count(), weight() and none() as atoms. */
static int primary(struct compiler *c, const struct cn_rule *r,
		   const struct cn_rule_shape *s, size_t *out)
{
	i128 k = 0, rhs = 0, den = 1, num = 0;
	int scale = 0, rc;
	size_t a, b;

	mark_group(c, r, s);
	if (s->op == CN_RULE_WEIGHT && (rc = figures(c, s->attr, &scale)))
		return rc;
	if (s->op != CN_RULE_NONE && s->den) {
		/* den * sum - num * base CMP 0 */
		den = (i128)s->den;
		num = (i128)s->num;
	} else if (s->op != CN_RULE_NONE) {
		/* sum CMP num, the figures scaled alike */
		rhs = (i128)s->num;
		for (int i = 0; i < scale; i++)
			rhs *= 10;
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct cn_game_pos *p[2] = {&c->m[i].zero, &c->m[i].one};
		i128 e[2];
		i128 unit = s->op == CN_RULE_WEIGHT ? c->w[i] : 1;

		for (int x = 0; x < 2; x++) {
			i128 in = c->in[i] && in_set(s->set, p[x]) ? unit : 0;
			i128 base = c->in[i] && (!s->base_cast || is_cast(p[x]))
					    ? unit : 0;
			e[x] = den * in - num * base;
		}
		k += e[0];
		c->d[i] = e[1] - e[0];
	}
	if (s->op == CN_RULE_NONE)
		return atom_le(c, c->d, -k, out);   /* nobody in scope: sum <= 0 */
	rhs -= k;                                   /* sum_i d_i x_i CMP rhs */
	switch (s->cmp) {
	case CN_RULE_GE: return atom_ge(c, c->d, rhs, out);
	case CN_RULE_GT: return atom_ge(c, c->d, rhs + 1, out);
	case CN_RULE_LE: return atom_le(c, c->d, rhs, out);
	case CN_RULE_LT: return atom_le(c, c->d, rhs - 1, out);
	case CN_RULE_EQ:
		if ((rc = atom_ge(c, c->d, rhs, &a)) ||
		    (rc = atom_le(c, c->d, rhs, &b)))
			return rc;
		return pair(c, CN_GAME_AND, a, b, out);
	case CN_RULE_NE:
		if ((rc = atom_ge(c, c->d, rhs + 1, &a)) ||
		    (rc = atom_le(c, c->d, rhs - 1, &b)))
			return rc;
		return pair(c, CN_GAME_OR, a, b, out);
	}
	assert(0 && "bad comparison");
	return CN_EINVAL;
}

/* Nobody in the electorate holds one of `set`'s positions: consensus
 * (no objection), unanimity (nobody but those who concur), and the
 * reservation that holds every rule. */
static int nobody(struct compiler *c, unsigned set, size_t *out)
{
	i128 k = 0;

	for (size_t i = 0; i < c->n; i++) {
		i128 e0 = in_set(set, &c->m[i].zero);
		i128 e1 = in_set(set, &c->m[i].one);
		k += e0;
		c->d[i] = e1 - e0;
	}
	return atom_le(c, c->d, -k, out);
}

static int compile(struct compiler *c, const struct cn_rule *r, size_t *out)
{
	/* Every position but a concurrence (concur or footnote). */
	const unsigned not_concur = ((1u << CN_POS_COUNT) - 1) &
				    ~(1u << CN_POS_CONCUR | 1u << CN_POS_FOOTNOTE);
	struct cn_rule_shape s;
	size_t *kids;
	int rc;

	cn_rule_shape(r, &s);
	switch (s.op) {
	case CN_RULE_CONSENSUS:
		return nobody(c, 1u << CN_POS_OBJECT, out);
	case CN_RULE_UNANIMITY:
		return nobody(c, not_concur, out);
	case CN_RULE_COUNT:
	case CN_RULE_WEIGHT:
	case CN_RULE_NONE:
		return primary(c, r, &s, out);
	case CN_RULE_AND:
	case CN_RULE_OR:
		if (!(kids = calloc(s.noperands, sizeof(*kids))))
			return cn_err_set(c->err, CN_ENOMEM, "out of memory");
		for (size_t i = 0; i < s.noperands; i++) {
			if ((rc = compile(c, cn_rule_operand(r, i), &kids[i]))) {
				free(kids);
				return rc;
			}
		}
		return combine(c, s.op == CN_RULE_AND ? CN_GAME_AND : CN_GAME_OR,
			       kids, s.noperands, out);
	}
	assert(0 && "bad rule node");
	return CN_EINVAL;
}

int cn_game_compile(const struct cn_rule *rule, const struct cn_game_member *m,
		    size_t n, cn_game_attr_fn attr, void *ctx,
		    struct cn_game *g, struct cn_err *err)
{
	struct compiler c = {.m = m, .n = n, .attr = attr, .ctx = ctx,
			     .g = g, .err = err};
	size_t body, held;
	int rc;

	memset(g, 0, sizeof(*g));
	g->n = n;
	if (n == 0 || n > CN_NAT_MAX_MEMBERS)
		return cn_err_set(err, CN_EINVAL,
				  "analysis: an electorate of %zu members "
				  "(1 to %d can be analysed)", n,
				  CN_NAT_MAX_MEMBERS);
	c.in = malloc(n);
	c.w = calloc(n, sizeof(*c.w));
	c.d = calloc(n, sizeof(*c.d));
	if (!c.in || !c.w || !c.d) {
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = compile(&c, rule, &body)) ||
	    (rc = nobody(&c, 1u << CN_POS_RESERVE, &held)) ||
	    (rc = pair(&c, CN_GAME_AND, body, held, &g->root)))
		goto done;
	g->positive = 1;
	for (size_t a = 0; a < g->natoms; a++)
		for (size_t i = 0; i < n; i++)
			if (g->atoms[a].d[i] < 0)
				g->positive = 0;
done:
	free(c.in);
	free(c.w);
	free(c.d);
	if (rc)
		cn_game_release(g);
	return rc;
}

void cn_game_release(struct cn_game *g)
{
	for (size_t a = 0; a < g->natoms; a++)
		free(g->atoms[a].d);
	for (size_t i = 0; i < g->nnodes; i++)
		free(g->nodes[i].kids);
	free(g->atoms);
	free(g->nodes);
	memset(g, 0, sizeof(*g));
}

static int eval_node(const struct cn_game *g, size_t k, const unsigned char *x)
{
	const struct cn_game_node *node = &g->nodes[k];

	switch (node->kind) {
	case CN_GAME_FALSE: return 0;
	case CN_GAME_TRUE: return 1;
	case CN_GAME_ATOM: {
		const struct cn_game_atom *a = &g->atoms[node->atom];
		int64_t sum = 0;
		for (size_t i = 0; i < g->n; i++)
			sum += x[i] ? a->d[i] : 0;
		return sum >= a->t;
	}
	case CN_GAME_AND:
		for (size_t i = 0; i < node->nkids; i++)
			if (!eval_node(g, node->kids[i], x))
				return 0;
		return 1;
	case CN_GAME_OR:
		for (size_t i = 0; i < node->nkids; i++)
			if (eval_node(g, node->kids[i], x))
				return 1;
		return 0;
	}
	return 0;
}

int cn_game_eval(const struct cn_game *g, const unsigned char *x)
{
	return eval_node(g, g->root, x);
}

struct ranked {
	double score;
	size_t i;
};

static int by_score(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

void cn_game_order(const struct cn_game *g, size_t *order)
{
	struct ranked *r = calloc(g->n, sizeof(*r));

	if (!r) {
		/* Any order is correct; this one only costs size. */
		for (size_t i = 0; i < g->n; i++)
			order[i] = i;
		return;
	}
	for (size_t i = 0; i < g->n; i++)
		r[i].i = i;
	for (size_t a = 0; a < g->natoms; a++) {
		double total = 0;
		for (size_t i = 0; i < g->n; i++)
			total += (double)(g->atoms[a].d[i] < 0 ? -g->atoms[a].d[i]
							      : g->atoms[a].d[i]);
		for (size_t i = 0; total > 0 && i < g->n; i++)
			r[i].score += (double)(g->atoms[a].d[i] < 0
						       ? -g->atoms[a].d[i]
						       : g->atoms[a].d[i]) / total;
	}
	qsort(r, g->n, sizeof(*r), by_score);
	for (size_t i = 0; i < g->n; i++)
		order[i] = r[i].i;
	free(r);
}

int cn_game_ordered(const struct cn_game *g, const size_t *order)
{
	if (!g->positive)
		return 0;
	for (size_t a = 0; a < g->natoms; a++)
		for (size_t l = 1; l < g->n; l++)
			if (g->atoms[a].d[order[l]] > g->atoms[a].d[order[l - 1]])
				return 0;
	return 1;
}
