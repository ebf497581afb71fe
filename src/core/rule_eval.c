/*
 * rule_eval.c - the decision-rule language applied: a parsed tree
 * (rule_tree.h), a frozen electorate and its positions in, a verdict with
 * a human explanation and the members who block or hold out
 * (cn_rule_eval, see rule.h; the semantics are docs/RULES.md).  Reads the
 * tree, never writes it.
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
#include "rule_tree.h"

/* Member codes named in one explanation before "and N more". */
#define RULE_MAX_LISTED 10

/* The comparison that holds when `c` does not; used to state what is. */
static const enum cmp cmp_negated[] = {
	[CMP_GE] = CMP_LT, [CMP_GT] = CMP_LE, [CMP_LE] = CMP_GT,
	[CMP_LT] = CMP_GE, [CMP_EQ] = CMP_NE, [CMP_NE] = CMP_EQ,
};

static char *str_dup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

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
			  cn_rule_cmp_text[r->cmp]);
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
			  cn_rule_cmp_text[ok ? r->cmp : cmp_negated[r->cmp]],
			  r->rhs_text);
	} else {
		share = base > 0 ? 100.0 * sum / base : 0.0;
		cn_buf_printf(b, "%s %.2f%% %s %s of %s", r->subject, share,
			  cn_rule_cmp_text[ok ? r->cmp : cmp_negated[r->cmp]],
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
