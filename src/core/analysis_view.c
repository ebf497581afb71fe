/*
 * analysis_view.c - a body's and a proposal's analyses as JSON, from the
 * registry as of a date or from what the proposal froze; see
 * analysis_view.h.
 */
#include "analysis_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "attribute.h"
#include "body_decision.h"
#include "buf.h"
#include "procedure.h"
#include "timeutil.h"

/* ---- exact values ------------------------------------------------------- */

static json_t *nat_json(const struct cn_nat *a)
{
	char buf[CN_NAT_DIGITS];

	return json_string(cn_nat_str(a, buf));
}

/* {"exact": "num/den", "value": double} */
static json_t *ratio_json(const struct cn_ratio *r)
{
	char *s = malloc(2 * CN_NAT_DIGITS + 1);
	json_t *o;

	if (!s)
		return NULL;
	cn_nat_str(&r->num, s);
	if (cn_nat_cmp_u64(&r->den, 1)) {
		size_t len = strlen(s);
		s[len] = '/';
		cn_nat_str(&r->den, s + len + 1);
	}
	o = json_pack("{s:s, s:f}", "exact", s, "value", cn_ratio_double(r));
	free(s);
	return o;
}

/* o[key] = v (taken); *bad when anything went missing. */
static void put(json_t *o, const char *key, json_t *v, int *bad)
{
	if (!o || !v || json_object_set_new(o, key, v))
		*bad = 1;
}

static void push(json_t *a, json_t *v, int *bad)
{
	if (!a || !v || json_array_append_new(a, v))
		*bad = 1;
}

static json_t *done_or_null(json_t *o, int bad)
{
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* *out = o, built whole; else o released and CN_ENOMEM, *out untouched. */
static int hand_over(json_t *o, int bad, json_t **out, struct cn_err *err)
{
	if (!(o = done_or_null(o, bad)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	*out = o;
	return 0;
}

/* ---- power -------------------------------------------------------------- */

static json_t *power_json(const struct cn_power *p)
{
	json_t *o = json_object(), *ix = json_array(), *veto = json_array(),
	       *dummy = json_array();
	int bad = 0;

	put(o, "method", json_string(p->method), &bad);
	put(o, "diagram_size", json_integer((json_int_t)p->size), &bad);
	put(o, "members", json_integer((json_int_t)p->n), &bad);
	put(o, "monotone", json_boolean(p->monotone), &bad);
	put(o, "proper", p->proper < 0 ? json_null() : json_boolean(p->proper),
	    &bad);
	put(o, "strong", p->strong < 0 ? json_null() : json_boolean(p->strong),
	    &bad);
	put(o, "coalitions", nat_json(&p->coalitions), &bad);
	put(o, "winning", nat_json(&p->winning), &bad);
	put(o, "collective_power", ratio_json(&p->collective), &bad);
	put(o, "minimal_winning", p->computed & CN_AN_MINIMAL
					  ? nat_json(&p->minimal_winning)
					  : json_null(), &bad);
	put(o, "minimal_blocking", p->computed & CN_AN_MINIMAL
					   ? nat_json(&p->minimal_blocking)
					   : json_null(), &bad);
	if (p->computed & CN_AN_BLOCKING) {
		json_t *b = json_object(), *ex = json_array();
		int never = p->blocking_size > p->n;
		put(b, "size", never ? json_null()
				     : json_integer((json_int_t)p->blocking_size),
		    &bad);
		put(b, "count", nat_json(&p->blocking_count), &bad);
		for (size_t k = 0; p->blocking_example && k < p->blocking_size;
		     k++)
			push(ex, json_string(p->members[p->blocking_example[k]]
						     .code), &bad);
		put(b, "example", ex, &bad);
		put(o, "smallest_blocking", b, &bad);
	} else {
		put(o, "smallest_blocking", json_null(), &bad);
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct cn_power_member *m = &p->members[i];
		json_t *e = json_object();

		if (m->veto)
			push(veto, json_string(m->code), &bad);
		if ((p->computed & CN_AN_BANZHAF) && m->dummy)
			push(dummy, json_string(m->code), &bad);
		put(e, "member", json_string(m->code), &bad);
		put(e, "veto", json_boolean(m->veto), &bad);
		if (p->computed & CN_AN_BANZHAF) {
			put(e, "dummy", json_boolean(m->dummy), &bad);
			put(e, "swings", nat_json(&m->swings), &bad);
			put(e, "banzhaf", ratio_json(&m->banzhaf), &bad);
			put(e, "penrose", ratio_json(&m->penrose), &bad);
			put(e, "coleman_prevent", ratio_json(&m->prevent), &bad);
			put(e, "coleman_initiate", ratio_json(&m->initiate), &bad);
		}
		put(e, "shapley_shubik", p->computed & CN_AN_SHAPLEY
						 ? ratio_json(&m->shapley)
						 : json_null(), &bad);
		push(ix, e, &bad);
	}
	put(o, "veto_players", veto, &bad);
	put(o, "dummies", dummy, &bad);
	put(o, "indices", ix, &bad);
	put(o, "value_error", json_string("each 'value' is within a relative "
					  "2^-51 of its exact fraction"), &bad);
	put(o, "note", json_string(p->note), &bad);
	return done_or_null(o, bad);
}

/* ---- a body on a date -------------------------------------------------- */

/* One electorate: codes and where each one's figures come from. */
struct electorate {
	const struct cn_world *w;
	int64_t at;
	const char **codes;
	const char **figure;        /* CODE=FIGURE given, or NULL */
	size_t n;
};

static int registry_figure(void *ctx, const char *code, const char *attr,
			   const char **value)
{
	const struct electorate *e = ctx;
	const struct cn_member *m;

	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->codes[i], code) && e->figure[i]) {
			*value = e->figure[i];
			return 0;
		}
	if (!(m = cn_world_member(e->w, code)))
		return CN_ENOTFOUND;
	return cn_attribute_at(m->record, attr, e->at, value);
}

static int has(const struct electorate *e, const char *code)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->codes[i], code))
			return 1;
	return 0;
}

/* The rule asked for: a named rule of the body, else a rule's text. */
static int rule_asked(const struct cn_body *b, int64_t at, const char *asked,
		      const char **src, const char **name, struct cn_err *err)
{
	const json_t *named = NULL;
	struct cn_rule *r;
	struct cn_err perr = {0};

	*name = NULL;
	if (cn_named_rule(b, at, asked, &named, err) == 0) {
		*src = cn_jstr(named, "rule");
		*name = asked;
		return 0;
	}
	if (cn_rule_parse(asked, &r, &perr) == 0) {
		cn_rule_free(r);
		*src = asked;
		return 0;
	}
	char named_msg[CN_ERR_MSG_MAX];
	snprintf(named_msg, sizeof(named_msg), "%s", err->msg);
	return cn_err_set(err, CN_EINVAL, "%s; nor is '%s' a rule (%s)",
			  named_msg, asked, perr.msg);
}

/* The analysis of `src` on e: {rule, rule_name, electorate, power}. */
static int one(const char *src, const char *name, struct electorate *e,
	       size_t max_nodes, json_t **out, struct cn_err *err)
{
	struct cn_rule *r;
	struct cn_power *p;
	json_t *o, *codes;
	int bad = 0, rc;

	if ((rc = cn_rule_parse(src, &r, err)))
		return cn_err_prefix(err, "the body's rule: ");
	struct cn_power_input in = {.rule = r, .codes = e->codes, .n = e->n,
				    .attr = registry_figure, .attr_ctx = e,
				    .want = CN_AN_ALL, .max_nodes = max_nodes};
	rc = cn_power_compute(&in, &p, err);
	cn_rule_free(r);
	if (rc == CN_EINVAL) {
		char d[CN_TIME_BUF];
		return cn_err_prefix(err, "the registry on %s: ",
				     cn_date_format(e->at, d));
	}
	if (rc)
		return rc;
	o = json_object();
	codes = json_array();
	put(o, "rule", json_string(src), &bad);
	put(o, "rule_name", name ? json_string(name) : json_null(), &bad);
	for (size_t i = 0; i < e->n; i++)
		push(codes, json_string(e->codes[i]), &bad);
	put(o, "electorate", codes, &bad);
	put(o, "power", power_json(p), &bad);
	cn_power_free(p);
	return hand_over(o, bad, out, err);
}

/* e = today's electorate with a's changes. */
static int what_if_electorate(const struct cn_analysis_ask *a,
			      const struct electorate *today,
			      struct electorate *e, char (*codes)[16],
			      struct cn_err *err)
{
	size_t n = 0;

	for (size_t k = 0; k < a->nwithout; k++)
		if (!has(today, a->without[k]))
			return cn_err_set(err, CN_EINVAL,
					  "%s is not in the electorate of the "
					  "%s to leave out (field 'without')",
					  a->without[k], a->body);
	for (size_t i = 0; i < today->n; i++) {
		size_t k;
		for (k = 0; k < a->nwithout && strcmp(a->without[k],
							today->codes[i]); k++)
			;
		if (k == a->nwithout) {
			e->codes[n] = today->codes[i];
			e->figure[n++] = NULL;
		}
	}
	for (size_t k = 0; k < a->nwith; k++) {
		const char *eq = strchr(a->with[k], '=');
		size_t len = eq ? (size_t)(eq - a->with[k]) : strlen(a->with[k]);
		if (len < 2 || len > 8 || strspn(a->with[k],
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != len)
			return cn_err_set(err, CN_EINVAL,
					  "'%s' is not a member code, or CODE="
					  "FIGURE (field 'with')", a->with[k]);
		if (eq && !cn_attribute_value_ok(eq + 1))
			return cn_err_set(err, CN_EINVAL,
					  "the figure of %.*s, '%s', is not a "
					  "decimal number (field 'with')",
					  (int)len, a->with[k], eq + 1);
		memcpy(codes[k], a->with[k], len);
		codes[k][len] = '\0';
		e->n = n;
		if (has(e, codes[k]))
			return cn_err_set(err, CN_EINVAL,
					  "%s is in the electorate already "
					  "(field 'with')", codes[k]);
		e->codes[n] = codes[k];
		e->figure[n++] = eq ? eq + 1 : NULL;
	}
	e->n = n;
	if (n == 0)
		return cn_err_set(err, CN_EINVAL,
				  "the what-if leaves the %s no members",
				  a->body);
	return 0;
}

int cn_analysis_body_json(const struct cn_world *w,
			  const struct cn_analysis_ask *a, json_t **out,
			  struct cn_err *err)
{
	const struct cn_body *b = cn_world_body(w, a->body);
	const struct cn_member **ms = NULL;
	struct electorate today = {.w = w, .at = a->at}, wi = {.w = w,
							      .at = a->at};
	char codes[CN_AN_MAX_CHANGES][16], d[CN_TIME_BUF];
	const char *src, *name = NULL;
	json_t *o = NULL, *t = NULL, *x = NULL;
	size_t nms = 0;
	int bad = 0, rc;

	*out = NULL;
	if (!b)
		return cn_err_set(err, CN_ENOTFOUND, "no body '%s'", a->body);
	if (a->nwith > CN_AN_MAX_CHANGES || a->nwithout > CN_AN_MAX_CHANGES)
		return cn_err_set(err, CN_EINVAL, "at most %d members added and "
				  "%d left out", CN_AN_MAX_CHANGES,
				  CN_AN_MAX_CHANGES);
	if (!cn_body_exists(b, a->at))
		return cn_err_set(err, CN_EREFUSED, "the %s did not exist on %s",
				  b->name, cn_date_format(a->at, d));
	/* The rule in force on the date (an amendment may have changed it
	 * since). */
	{
		const json_t *r = cn_body_field_at(b, "rule", a->at);
		src = json_is_string(r) ? json_string_value(r) : b->rule_src;
	}
	if ((rc = cn_body_members(w, b, a->at, &ms, &nms)))
		return cn_err_set(err, rc, "out of memory");
	if (nms == 0) {
		free(ms);
		return cn_err_set(err, CN_EREFUSED, "the %s has no members on %s",
				  b->name, cn_date_format(a->at, d));
	}
	today.codes = calloc(nms, sizeof(*today.codes));
	today.figure = calloc(nms, sizeof(*today.figure));
	wi.codes = calloc(nms + a->nwith, sizeof(*wi.codes));
	wi.figure = calloc(nms + a->nwith, sizeof(*wi.figure));
	if (!today.codes || !today.figure || !wi.codes || !wi.figure) {
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < nms; i++)
		today.codes[i] = ms[i]->code;
	today.n = nms;
	if ((rc = one(src, NULL, &today, a->max_nodes, &t, err)))
		goto done;
	if (a->rule || a->nwith || a->nwithout) {
		const char *wsrc = src;
		if ((a->rule &&
		     (rc = rule_asked(b, a->at, a->rule, &wsrc, &name, err))) ||
		    (rc = what_if_electorate(a, &today, &wi, codes, err)) ||
		    (rc = one(wsrc, name, &wi, a->max_nodes, &x, err)))
			goto done;
		json_t *with = json_array(), *without = json_array();
		for (size_t k = 0; k < a->nwith; k++)
			push(with, json_string(a->with[k]), &bad);
		for (size_t k = 0; k < a->nwithout; k++)
			push(without, json_string(a->without[k]), &bad);
		put(x, "with", with, &bad);
		put(x, "without", without, &bad);
	}
	o = json_object();
	put(o, "body", json_string(b->id), &bad);
	put(o, "name", json_string(b->name), &bad);
	put(o, "at", json_string(cn_date_format(a->at, d)), &bad);
	put(o, "today", t, &bad);
	t = NULL;
	if (x) {
		put(o, "what_if", x, &bad);
		x = NULL;
	}
	rc = hand_over(o, bad, out, err);
done:
	json_decref(t);
	json_decref(x);
	free(ms);
	free(today.codes);
	free(today.figure);
	free(wi.codes);
	free(wi.figure);
	return rc;
}

/* ---- a proposal --------------------------------------------------------- */

static int frozen_figure(void *ctx, const char *code, const char *attr,
			 const char **value)
{
	const char *v = cn_jstr(json_object_get(ctx, attr), code);

	if (!v)
		return CN_ENOTFOUND;
	*value = v;
	return 0;
}

static json_t *verdict_json(const struct cn_an_verdict *v)
{
	json_t *o = json_object();
	int bad = 0;

	put(o, "verdict", json_string(cn_verdict_name(v->verdict)), &bad);
	put(o, "explanation", json_string(v->explanation), &bad);
	put(o, "blocking", cn_jstrings(v->blocking, v->nblocking), &bad);
	put(o, "holding", cn_jstrings(v->holding, v->nholding), &bad);
	return done_or_null(o, bad);
}

/* "abstain", or "abstain (declared)" for a formal declaration. */
static const char *pos_label(struct cn_game_pos p)
{
	return p.pos == CN_POS_ABSTAIN && p.declared ? "abstain-declared"
						     : cn_pos_name(p.pos);
}

static json_t *change_json(const struct cn_an_ballot *bal,
			   const struct cn_an_change *c)
{
	const struct cn_an_ballot *b = &bal[c->member];

	return json_pack("{s:s, s:s, s:s, s:s}", "member", b->code, "from",
			 pos_label((struct cn_game_pos){b->pos, b->declared}),
			 "to", pos_label(c->to), "verdict",
			 cn_verdict_name(c->verdict));
}

static json_t *flip_json(const struct cn_an_ballot *bal,
			 const struct cn_proposal_analysis *a)
{
	json_t *o, *ex;
	int bad = 0;

	if (!a->flip_size)
		return json_null();
	o = json_object();
	ex = json_array();
	put(o, "to", json_string(a->adopted ? "object" : "concur"), &bad);
	put(o, "size", json_integer((json_int_t)a->flip_size), &bad);
	put(o, "count", nat_json(&a->flip_count), &bad);
	for (size_t k = 0; k < a->flip_size; k++)
		push(ex, change_json(bal, &a->flip[k]), &bad);
	put(o, "example", ex, &bad);
	put(o, "verdict", json_string(cn_verdict_name(a->flip[0].verdict)),
	    &bad);
	/* Searched among changes to the one position: proved smallest
	 * unless another position was seen to do more. */
	put(o, "proved_smallest", json_boolean(!a->flip_bound_only), &bad);
	return done_or_null(o, bad);
}

int cn_analysis_proposal_json(const json_t *view, size_t max_nodes,
			      json_t **out, struct cn_err *err)
{
	const json_t *pos = json_object_get(view, "positions");
	const json_t *weights = json_object_get(view, "weights");
	const char *src = cn_jstr(view, "rule"), *proc = cn_jstr(view,
								  "procedure");
	size_t n = json_array_size(pos);
	struct cn_an_ballot *bal = calloc(n ? n : 1, sizeof(*bal));
	const char **codes = calloc(n ? n : 1, sizeof(*codes));
	struct cn_proposal_analysis *a = NULL;
	struct cn_power *pw = NULL;
	struct cn_rule *r = NULL;
	json_t *o = NULL, *silent, *piv, *blk;
	int bad = 0, rc;

	*out = NULL;
	if (!bal || !codes) {
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
		goto done;
	}
	if (!src || !proc || !n) {
		rc = cn_err_set(err, CN_EINVAL, "the proposal's view has no "
				"rule, procedure or positions");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const json_t *b = json_array_get(pos, i);
		enum cn_pos ps;
		if (!(codes[i] = cn_jstr(b, "member")) ||
		    cn_pos_parse(cn_jstr(b, "position"), &ps)) {
			rc = cn_err_set(err, CN_EINVAL, "the proposal's position "
					"%zu has no member or position", i);
			goto done;
		}
		bal[i] = (struct cn_an_ballot){codes[i], ps,
			json_is_true(json_object_get(b, "declared"))};
	}
	if ((rc = cn_rule_parse(src, &r, err)))
		goto done;
	struct cn_proposal_input in = {
		.rule = r, .ballots = bal, .n = n,
		.silence_consents = !strcmp(proc, "silence"),
		.attr = weights ? frozen_figure : NULL,
		.attr_ctx = (void *)weights, .max_nodes = max_nodes};
	struct cn_power_input pin = {
		.rule = r, .codes = codes, .n = n, .attr = in.attr,
		.attr_ctx = in.attr_ctx, .want = CN_AN_ALL,
		.max_nodes = max_nodes};
	if ((rc = cn_proposal_analyse(&in, &a, err)) ||
	    (rc = cn_power_compute(&pin, &pw, err)))
		goto done;
	o = json_object();
	silent = json_array();
	piv = json_array();
	blk = json_array();
	put(o, "proposal", json_incref(json_object_get(view, "id")), &bad);
	put(o, "body", json_string(cn_jstr(view, "body")), &bad);
	put(o, "procedure", json_string(proc), &bad);
	put(o, "rule", json_string(src), &bad);
	put(o, "status", json_string(cn_jstr(view, "status")), &bad);
	put(o, "outcome", cn_jstr(view, "outcome")
				  ? json_string(cn_jstr(view, "outcome"))
				  : json_null(), &bad);
	put(o, "silence_is_consent", json_boolean(a->silence_consents), &bad);
	put(o, "now", verdict_json(&a->now), &bad);
	put(o, "at_conclusion", verdict_json(&a->stay), &bad);
	put(o, "if_silent_concur", verdict_json(&a->all_concur), &bad);
	put(o, "if_silent_object", verdict_json(&a->all_object), &bad);
	for (size_t i = 0; i < n; i++) {
		if (bal[i].pos == CN_POS_NONE)
			push(silent, json_string(codes[i]), &bad);
		if (a->can_block[i])
			push(blk, json_string(codes[i]), &bad);
	}
	put(o, "silent", silent, &bad);
	put(o, "can_block", blk, &bad);
	for (size_t k = 0; k < a->npivotal; k++)
		push(piv, change_json(bal, &a->pivotal[k]), &bad);
	put(o, "pivotal", piv, &bad);
	put(o, "smallest_flip", flip_json(bal, a), &bad);
	put(o, "power", power_json(pw), &bad);
	rc = hand_over(o, bad, out, err);
done:
	cn_proposal_analysis_free(a);
	cn_power_free(pw);
	cn_rule_free(r);
	free(bal);
	free(codes);
	return rc;
}

void cn_analysis_redact(json_t *analysis)
{
	static const char *const deliberations[] = {
		"now", "at_conclusion", "if_silent_concur", "if_silent_object",
		"silent", "can_block", "pivotal", "smallest_flip",
	};
	for (size_t i = 0; i < sizeof(deliberations) / sizeof(deliberations[0]);
	     i++)
		json_object_del(analysis, deliberations[i]);
	json_object_set_new(analysis, "redacted", json_true());
}
