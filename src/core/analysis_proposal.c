/*
 * analysis_proposal.c - who can still turn an open proposal, and how few
 * changes would; see analysis.h (cn_proposal_analyse).
 *
 * The verdicts (now, at conclusion, if the silent concur, if they object)
 * and the single changes are plain evaluations of the rule by rule_eval.c, so
 * they say exactly what the engine would.  The smallest flip is a
 * question over 2^n sets of changes: the game "member i changes to the
 * target position (x_i = 1) or keeps its own (x_i = 0)" is compiled
 * (analysis_game.c) into a decision diagram, and the fewest ones on a
 * path to the wanted outcome, with how many such paths, are read off in
 * one bottom-up pass (a level a path skips is left at 0: changing that
 * member changes nothing there, so it belongs to no smallest set).
 */
#include "analysis.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_bdd.h"
#include "analysis_words.h"
#include "attribute.h"

/* rule_eval.c's weight() wants numbers; the game keeps the decimal strings. */
struct attr_bridge {
	cn_game_attr_fn attr;
	void *ctx;
};

static int attr_number(void *ctx, const char *member, const char *name,
		       double *out)
{
	const struct attr_bridge *br = ctx;
	const char *v = NULL;
	int rc;

	if (!br->attr)
		return CN_ENOTFOUND;
	if ((rc = br->attr(br->ctx, member, name, &v)))
		return rc;
	if (!v || !cn_attribute_value_ok(v))
		return CN_ENOTFOUND;
	*out = cn_attribute_number(v);
	return 0;
}

struct ctx {
	const struct cn_proposal_input *in;
	struct attr_bridge br;
	struct cn_voter *v;         /* scratch electorate */
	struct cn_err *err;
};

/* The position a member holds at conclusion: under the silence
 * procedure, silence is consent. */
static struct cn_game_pos at_conclusion(const struct cn_proposal_input *in,
					struct cn_game_pos p)
{
	if (in->silence_consents && p.pos == CN_POS_NONE)
		p.pos = CN_POS_CONCUR;
	return p;
}

/* Evaluate with the ballots as they are, member `who` (n: nobody) at
 * `to`, and the silent at `silent` (CN_POS_NONE: as they are). */
static int eval(struct ctx *c, int final, size_t who, struct cn_game_pos to,
		enum cn_pos silent, struct cn_rule_result *res)
{
	const struct cn_proposal_input *in = c->in;
	struct cn_rule_input ri = {.voters = c->v, .nvoters = in->n,
				   .final = final, .attr = attr_number,
				   .attr_ctx = &c->br};

	for (size_t i = 0; i < in->n; i++) {
		struct cn_game_pos p = {in->ballots[i].pos,
					in->ballots[i].declared};
		if (i == who)
			p = to;
		else if (p.pos == CN_POS_NONE && silent != CN_POS_NONE)
			p.pos = silent;
		if (final)
			p = at_conclusion(in, p);
		c->v[i] = (struct cn_voter){in->ballots[i].code, p.pos,
					    p.declared};
	}
	return cn_rule_eval(in->rule, &ri, res, c->err);
}

static int verdict(struct ctx *c, int final, enum cn_pos silent,
		   struct cn_an_verdict *out)
{
	struct cn_rule_result r;
	int rc = eval(c, final, c->in->n, (struct cn_game_pos){0}, silent, &r);

	if (rc)
		return rc;
	out->verdict = r.verdict;
	out->explanation = r.explanation;
	out->blocking = r.blocking;
	out->nblocking = r.nblocking;
	out->holding = r.holding;
	out->nholding = r.nholding;
	return 0;
}

static void verdict_release(struct cn_an_verdict *v)
{
	struct cn_rule_result r = {.explanation = v->explanation,
				   .blocking = v->blocking,
				   .nblocking = v->nblocking,
				   .holding = v->holding,
				   .nholding = v->nholding};

	cn_rule_result_release(&r);
	memset(v, 0, sizeof(*v));
}

/* The positions a member may move to that can decide something (a
 * reservation only holds); from a reservation also back to silence. */
static const struct cn_game_pos moves[] = {
	{CN_POS_CONCUR, 0}, {CN_POS_OBJECT, 0}, {CN_POS_ABSTAIN, 0},
	{CN_POS_ABSTAIN, 1}, {CN_POS_NONE, 0},
};

static int same_pos(struct cn_game_pos a, struct cn_game_pos b)
{
	return a.pos == b.pos &&
	       (a.pos != CN_POS_ABSTAIN || !a.declared == !b.declared);
}

/* Every single change that flips adoption at conclusion. */
static int single_changes(struct ctx *c, struct cn_proposal_analysis *a)
{
	const struct cn_proposal_input *in = c->in;
	const size_t nm = sizeof(moves) / sizeof(moves[0]);
	enum cn_pos target = a->adopted ? CN_POS_OBJECT : CN_POS_CONCUR;

	if (!(a->pivotal = calloc(in->n * nm, sizeof(*a->pivotal))))
		return cn_err_set(c->err, CN_ENOMEM, "out of memory");
	for (size_t i = 0; i < in->n; i++) {
		struct cn_game_pos cur = {in->ballots[i].pos,
					  in->ballots[i].declared};
		enum cn_verdict plain_abstain = CN_VERDICT_PENDING;
		int target_flips = 0, other_flips = 0;

		for (size_t k = 0; k < nm; k++) {
			struct cn_rule_result r;
			int rc;

			if (same_pos(moves[k], cur) ||
			    (moves[k].pos == CN_POS_NONE &&
			     cur.pos != CN_POS_RESERVE))
				continue;
			if ((rc = eval(c, 1, i, moves[k], CN_POS_NONE, &r)))
				return rc;
			enum cn_verdict v = r.verdict;
			cn_rule_result_release(&r);
			if (moves[k].pos == CN_POS_ABSTAIN && !moves[k].declared)
				plain_abstain = v;
			/* A declared abstention is worth listing only when
			 * the rule tells it from a plain one. */
			if (moves[k].pos == CN_POS_ABSTAIN && moves[k].declared &&
			    cur.pos != CN_POS_ABSTAIN && v == plain_abstain)
				continue;
			if ((v == CN_VERDICT_ADOPTED) == a->adopted)
				continue;
			if (moves[k].pos == target)
				target_flips = 1;
			else
				other_flips = 1;
			a->pivotal[a->npivotal++] =
				(struct cn_an_change){i, moves[k], v};
		}
		if (other_flips && !target_flips)
			a->flip_bound_only = 1;
	}
	return 0;
}

/* Who can still block: the member objects, every silent member concurs. */
static int blockers(struct ctx *c, struct cn_proposal_analysis *a)
{
	if (!(a->can_block = calloc(c->in->n, 1)))
		return cn_err_set(c->err, CN_ENOMEM, "out of memory");
	for (size_t i = 0; i < c->in->n; i++) {
		struct cn_rule_result r;
		int rc = eval(c, 1, i, (struct cn_game_pos){CN_POS_OBJECT, 0},
			      CN_POS_CONCUR, &r);
		if (rc)
			return rc;
		a->can_block[i] = r.verdict != CN_VERDICT_ADOPTED;
		cn_rule_result_release(&r);
	}
	return 0;
}

/* Fewest ones on a path of the diagram to TRUE, and how many such
 * assignments (skipped levels at 0).  best[] by node index, -1: none. */
struct fewest {
	const struct cn_bdd *b;
	unsigned L;
	long *best;             /* by node id */
	uint64_t *cnt;          /* L words by node id */
};

static void branch(const struct fewest *f, uint32_t kid, long bonus,
		   long *v, const uint64_t **c)
{
	static const uint64_t one[CN_NAT_LIMBS] = {1};

	if (kid == CN_BDD_TRUE) {
		*v = bonus;
		*c = one;
	} else if (kid == CN_BDD_FALSE || f->best[kid] < 0) {
		*v = -1;
		*c = NULL;
	} else {
		*v = f->best[kid] + bonus;
		*c = f->cnt + (size_t)kid * f->L;
	}
}

/* The smallest sets of changes to `target` that give `want` (1: adopted,
 * 0: not) at conclusion. */
static int smallest_flip(struct ctx *c, struct cn_proposal_analysis *a,
			 enum cn_pos target, int want)
{
	const struct cn_proposal_input *in = c->in;
	size_t n = in->n;
	unsigned L = (unsigned)(n / 64 + 1);
	struct cn_game_member *gm = calloc(n, sizeof(*gm));
	size_t *order = calloc(n, sizeof(*order));
	struct fewest f = {.L = L};
	struct cn_game g = {0};
	struct cn_bdd b = {0};
	uint32_t root, u;
	int rc = CN_ENOMEM;

	if (!gm || !order)
		goto done;
	for (size_t i = 0; i < n; i++) {
		gm[i].code = in->ballots[i].code;
		gm[i].zero = at_conclusion(in, (struct cn_game_pos){
			in->ballots[i].pos, in->ballots[i].declared});
		gm[i].one = (struct cn_game_pos){target, 0};
	}
	if ((rc = cn_game_compile(in->rule, gm, n, in->attr, in->attr_ctx, &g,
				  c->err)))
		goto out;
	if (cn_bdd_init(&b, n, in->max_nodes ? in->max_nodes
					     : CN_AN_DEFAULT_NODES))
		goto done;
	cn_game_order(&g, order);
	root = cn_bdd_game(&b, &g, order);
	if (!want)
		root = cn_bdd_apply(&b, CN_BDD_ANDNOT, CN_BDD_TRUE, root);
	if (root == CN_BDD_NONE && b.failure == CN_EREFUSED) {
		rc = cn_err_set(c->err, CN_EREFUSED,
				"analysis: the changes that would turn the "
				"outcome need more than %zu decision-diagram "
				"nodes", b.max_nodes);
		goto out;
	}
	if (root == CN_BDD_NONE)
		goto done;
	f.b = &b;
	f.best = malloc(b.nnodes * sizeof(*f.best));
	f.cnt = calloc(b.nnodes * L, sizeof(*f.cnt));
	if (!f.best || !f.cnt)
		goto done;
	/* Nodes' children have smaller ids: one pass upwards.  Every node
	 * gets a value; only those under the root matter. */
	for (uint32_t k = 2; k < b.nnodes; k++) {
		long v0, v1;
		const uint64_t *c0, *c1;
		branch(&f, b.nodes[k].lo, 0, &v0, &c0);
		branch(&f, b.nodes[k].hi, 1, &v1, &c1);
		f.best[k] = v0 < 0 ? v1 : v1 < 0 ? v0 : v0 < v1 ? v0 : v1;
		if (f.best[k] >= 0 && v0 == f.best[k])
			w_add(f.cnt + (size_t)k * L, c0, L);
		if (f.best[k] >= 0 && v1 == f.best[k])
			w_add(f.cnt + (size_t)k * L, c1, L);
	}
	{
		long v;
		const uint64_t *cc;
		branch(&f, root, 0, &v, &cc);
		/* v == 0: the outcome is already the wanted one (cannot
		 * happen: the caller asks for the other); < 0: no set of
		 * changes gives it. */
		a->flip_size = v > 0 ? (size_t)v : 0;
		if (v > 0)
			cn_nat_set_words(&a->flip_count, cc, L);
	}
	if (a->flip_size) {
		size_t k = 0;
		if (!(a->flip = calloc(a->flip_size, sizeof(*a->flip))))
			goto done;
		/* One of them: the cheaper branch, 0 on a tie. */
		for (u = root; u > CN_BDD_TRUE;) {
			long v0, v1;
			const uint64_t *c0, *c1;
			branch(&f, b.nodes[u].lo, 0, &v0, &c0);
			branch(&f, b.nodes[u].hi, 1, &v1, &c1);
			if (v0 >= 0 && (v1 < 0 || v0 <= v1)) {
				u = b.nodes[u].lo;
				continue;
			}
			assert(k < a->flip_size);
			a->flip[k++] = (struct cn_an_change){
				order[b.nodes[u].var], {target, 0},
				want ? CN_VERDICT_ADOPTED : CN_VERDICT_FAILED};
			u = b.nodes[u].hi;
		}
		assert(k == a->flip_size);
		/* In electorate order, and the verdict the whole set gives. */
		for (size_t i = 1; i < k; i++)
			for (size_t j = i; j > 0 && a->flip[j - 1].member >
							    a->flip[j].member; j--) {
				struct cn_an_change t = a->flip[j];
				a->flip[j] = a->flip[j - 1];
				a->flip[j - 1] = t;
			}
		{
			struct cn_rule_result r;
			for (size_t i = 0; i < n; i++) {
				struct cn_game_pos p = gm[i].zero;
				for (size_t j = 0; j < k; j++)
					if (a->flip[j].member == i)
						p = gm[i].one;
				c->v[i] = (struct cn_voter){gm[i].code, p.pos,
							    p.declared};
			}
			struct cn_rule_input ri = {.voters = c->v, .nvoters = n,
						   .final = 1,
						   .attr = attr_number,
						   .attr_ctx = &c->br};
			if ((rc = cn_rule_eval(in->rule, &ri, &r, c->err)))
				goto out;
			for (size_t j = 0; j < k; j++)
				a->flip[j].verdict = r.verdict;
			cn_rule_result_release(&r);
		}
	}
	rc = 0;
	goto out;
done:
	rc = cn_err_set(c->err, CN_ENOMEM, "out of memory");
out:
	free(f.best);
	free(f.cnt);
	cn_bdd_release(&b);
	cn_game_release(&g);
	free(gm);
	free(order);
	return rc;
}

int cn_proposal_analyse(const struct cn_proposal_input *in,
			struct cn_proposal_analysis **out, struct cn_err *err)
{
	struct ctx c = {.in = in, .br = {in->attr, in->attr_ctx}, .err = err};
	struct cn_proposal_analysis *a;
	int rc;

	*out = NULL;
	if (in->n == 0 || in->n > CN_NAT_MAX_MEMBERS)
		return cn_err_set(err, CN_EINVAL,
				  "analysis: an electorate of %zu members "
				  "(1 to %d can be analysed)", in->n,
				  CN_NAT_MAX_MEMBERS);
	if (!(a = calloc(1, sizeof(*a))) ||
	    !(c.v = calloc(in->n, sizeof(*c.v)))) {
		free(a);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	a->n = in->n;
	a->silence_consents = in->silence_consents;
	if ((rc = verdict(&c, 0, CN_POS_NONE, &a->now)) ||
	    (rc = verdict(&c, 1, CN_POS_NONE, &a->stay)) ||
	    (rc = verdict(&c, 1, CN_POS_CONCUR, &a->all_concur)) ||
	    (rc = verdict(&c, 1, CN_POS_OBJECT, &a->all_object)))
		goto done;
	a->adopted = a->stay.verdict == CN_VERDICT_ADOPTED;
	if ((rc = single_changes(&c, a)) || (rc = blockers(&c, a)) ||
	    (rc = smallest_flip(&c, a,
				a->adopted ? CN_POS_OBJECT : CN_POS_CONCUR,
				!a->adopted)))
		goto done;
done:
	free(c.v);
	if (rc) {
		cn_proposal_analysis_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void cn_proposal_analysis_free(struct cn_proposal_analysis *a)
{
	if (!a)
		return;
	verdict_release(&a->now);
	verdict_release(&a->stay);
	verdict_release(&a->all_concur);
	verdict_release(&a->all_object);
	free(a->pivotal);
	free(a->can_block);
	free(a->flip);
	free(a);
}
