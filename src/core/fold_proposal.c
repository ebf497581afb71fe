/*
 * fold_proposal.c - the apply functions of what issue 15 added to a
 * proposal's record: frozen weights, what breaks silence and the proposal
 * taken up at opening; whether a position was signed or made public;
 * breaks of silence by one ally or several, joined after the first; the
 * link to the proposal that took a matter up; and each proposal's latest
 * time, which keeps its history in order (timeline.h).  See fold.h.
 *
 * Each function checks what it reads before it changes the world, and
 * leaves the rest to fold.c (cn_fold_proposal_created and
 * cn_fold_proposal_event), which it calls first.
 */
#include "fold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "buf.h"
#include "silence.h"
#include "timeutil.h"

static int corrupt(struct cn_err *err, const struct cn_event *ev,
		   const char *what)
{
	return cn_err_set(err, CN_ECORRUPT, "event %lld (%s): %s",
			  (long long)ev->seq, ev->type, what);
}

static struct cn_proposal *proposal_of(const struct cn_world *w,
				       const struct cn_event *ev)
{
	return cn_world_proposal(w, json_integer_value(
					    json_object_get(ev->payload, "proposal")));
}

static struct cn_ballot *ballot_of(struct cn_proposal *p, const char *code)
{
	for (size_t i = 0; code && i < p->nballots; i++)
		if (!strcmp(p->ballots[i].code, code))
			return &p->ballots[i];
	return NULL;
}

static void touch(struct cn_proposal *p, int64_t at)
{
	if (at > p->last_at)
		p->last_at = at;
}

/* Replace a ballot's extra facts with x (taken; an empty object clears
 * them). */
static void set_extra(struct cn_ballot *b, json_t *x)
{
	json_decref(b->extra);
	b->extra = x && json_object_size(x) ? x : NULL;
	if (!b->extra)
		json_decref(x);
}

/* ---- opening ------------------------------------------------------------ */

/* Frozen weights: for each attribute, a value for every member of the
 * electorate. */
static int weights_ok(const json_t *weights, const json_t *electorate)
{
	const char *attr;
	const json_t *vals, *code;
	size_t i;

	if (!json_is_object(weights) || json_object_size(weights) == 0)
		return 0;
	json_object_foreach((json_t *)weights, attr, vals) {
		if (!json_is_object(vals))
			return 0;
		json_array_foreach(electorate, i, code) {
			const char *v = cn_jstr(vals, json_string_value(code));
			if (!json_is_string(code) || !v || !cn_attribute_value_ok(v))
				return 0;
		}
	}
	return 1;
}

int cn_fold_proposal_opened(struct cn_world *w, const struct cn_event *ev,
			    struct cn_err *err)
{
	const json_t *pl = ev->payload, *weights = json_object_get(pl, "weights");
	const json_t *brk = json_object_get(pl, "breaks");
	const json_t *sup = json_object_get(pl, "supersedes");
	unsigned bits = CN_BREAK_OBJECT;
	struct cn_proposal *p;
	json_t *breaks;
	int rc;

	if (weights && !weights_ok(weights, json_object_get(pl, "electorate")))
		return corrupt(err, ev, "weights need a decimal value for every "
			       "member of the electorate");
	if (brk && cn_silence_breaks_parse(brk, &bits, err))
		return cn_err_prefix(err, "event %lld (%s): ", (long long)ev->seq,
				     ev->type);
	/* Earlier: among those folded, a hole of a partial export's world
	 * included (world.h); the one being created is not yet counted. */
	if (sup && (!json_is_integer(sup) || json_integer_value(sup) <= 0 ||
		    (uint64_t)json_integer_value(sup) > w->nproposals))
		return corrupt(err, ev, "supersedes names no earlier proposal");
	if (!(breaks = json_array()))
		return CN_ENOMEM;
	if ((rc = cn_fold_proposal_created(w, ev, err))) {
		json_decref(breaks);
		return rc;
	}
	p = w->proposals[w->nproposals - 1];
	/* The proposal owns breaks from here, whatever fails below. */
	p->breaks = breaks;
	/* The named rule chosen and the State concerned (issue 13). */
	if (cn_jstr(pl, "rule_name") || cn_jstr(pl, "concerned")) {
		p->extra = json_object();
		if (!p->extra ||
		    (cn_jstr(pl, "rule_name") &&
		     json_object_set(p->extra, "rule_name",
				     json_object_get(pl, "rule_name"))) ||
		    (cn_jstr(pl, "concerned") &&
		     json_object_set(p->extra, "concerned",
				     json_object_get(pl, "concerned"))))
			return CN_ENOMEM;
	}
	p->weights = json_incref((json_t *)weights);
	p->silence_breaks = bits;
	p->supersedes = sup ? json_integer_value(sup) : 0;
	p->last_at = ev->time;
	return 0;
}

/* ---- positions ---------------------------------------------------------- */

/* What the record says beside a delegation's statement: signed with its
 * key (named as registered), a footnote made public. */
static json_t *statement_extra(const struct cn_world *w,
			       const struct cn_event *ev)
{
	const json_t *pl = ev->payload;
	const struct cn_member *m = cn_world_member(w, cn_jstr(pl, "member"));
	json_t *x = json_object();

	if (x && json_object_get(pl, "signature") && m && m->key_name &&
	    (json_object_set_new(x, "signed", json_true()) ||
	     json_object_set_new(x, "key", json_string(m->key_name)))) {
		json_decref(x);
		return NULL;
	}
	if (x && json_is_true(json_object_get(pl, "public")) &&
	    json_object_set_new(x, "public", json_true())) {
		json_decref(x);
		return NULL;
	}
	return x;
}

int cn_fold_statement(struct cn_world *w, const struct cn_event *ev,
		      struct cn_err *err)
{
	const json_t *pl = ev->payload, *pub = json_object_get(pl, "public");
	struct cn_proposal *p = proposal_of(w, ev);
	json_t *x;
	int rc;

	if (pub && (!json_is_true(pub) || ev->et->id != CN_EV_POSITION_STATED ||
		    !cn_jstr(pl, "position") ||
		    strcmp(cn_jstr(pl, "position"), "footnote")))
		return corrupt(err, ev, "only a footnote can be made public");
	/* The key is read before the fold: a later registration rotates it. */
	if (!(x = statement_extra(w, ev)))
		return CN_ENOMEM;
	if ((rc = cn_fold_proposal_event(w, ev, err))) {
		json_decref(x);
		return rc;
	}
	struct cn_ballot *b = ballot_of(p, cn_jstr(pl, "member"));
	/* A lifted reservation leaves the member silent: nothing to show
	 * beside a position that is no longer there. */
	if (ev->et->id == CN_EV_RESERVATION_LIFTED)
		json_object_clear(x);
	set_extra(b, x);
	touch(p, ev->time);
	return 0;
}

/* ---- breaking silence --------------------------------------------------- */

static int set_text(struct cn_ballot *b, const char *text)
{
	char *t = text ? strdup(text) : NULL;

	if (text && !t)
		return CN_ENOMEM;
	free(b->text);
	b->text = t;
	return 0;
}

/* The members of a letter breaking silence: "members" when joint (the
 * sender first), else "member" alone; each in the electorate, once, and
 * none who broke silence before.  A new array, or NULL with err set. */
static json_t *letter_members(struct cn_proposal *p, const struct cn_event *ev,
			      int *rc, struct cn_err *err)
{
	const json_t *pl = ev->payload, *ms = json_object_get(pl, "members"), *m;
	const char *lead = cn_jstr(pl, "member");
	json_t *out = ms ? json_deep_copy(ms) : json_pack("[s]", lead ? lead : "");
	size_t i, k;

	if (!out) {
		*rc = CN_ENOMEM;
		return NULL;
	}
	if (!json_is_array(out) || json_array_size(out) == 0 || !lead ||
	    !json_equal(json_array_get(out, 0), json_object_get(pl, "member")))
		goto bad;
	json_array_foreach(out, i, m) {
		if (!json_is_string(m) || !ballot_of(p, json_string_value(m)) ||
		    cn_silence_break_of(p, json_string_value(m)))
			goto bad;
		for (k = 0; k < i; k++)
			if (json_equal(json_array_get(out, k), m))
				goto bad;
	}
	return out;
bad:
	json_decref(out);
	*rc = corrupt(err, ev, "a letter breaking silence names its members (the "
		"sender first), each in the electorate, once, and none who "
		"broke silence before");
	return NULL;
}

/* A join: codes added to the outcome's blocking list and explanation. */
static int join_outcome(struct cn_proposal *p, const json_t *codes)
{
	json_t *blocking = json_deep_copy(p->blocking); /* shared with an event */
	char why[CN_ERR_MSG_MAX];
	char *e;

	if (!blocking || json_array_extend(blocking, (json_t *)codes) ||
	    !(e = strdup(cn_silence_explanation(blocking, why, sizeof(why))))) {
		json_decref(blocking);
		return CN_ENOMEM;
	}
	json_decref(p->blocking);
	p->blocking = blocking;
	free(p->explanation);
	p->explanation = e;
	return 0;
}

int cn_fold_silence_broken(struct cn_world *w, const struct cn_event *ev,
			   struct cn_err *err)
{
	const json_t *pl = ev->payload, *m;
	const char *kind = cn_jstr(pl, "kind") ? cn_jstr(pl, "kind") : "object";
	struct cn_proposal *p = proposal_of(w, ev);
	char t[CN_TIME_BUF];
	json_t *members, *entry, *lead_extra;
	size_t i;
	int rc, amend = !strcmp(kind, "amend");

	if (!p)
		return corrupt(err, ev, "no such proposal");
	if (p->proc != CN_PROC_SILENCE)
		return corrupt(err, ev, "not a silence procedure");
	if (p->concluded && !(json_array_size(p->breaks) &&
			      !strcmp(p->outcome, "blocked") &&
			      ev->time < p->deadline))
		return corrupt(err, ev, "proposal already concluded");
	if (!cn_jstr(pl, "reason") || (!amend && strcmp(kind, "object")))
		return corrupt(err, ev, "needs a reason, and a kind object or amend");
	if (amend && !(p->silence_breaks & CN_BREAK_AMEND))
		return corrupt(err, ev, "a proposed amendment does not break "
			       "this silence");
	if ((rc = cn_event_check_signature(w, ev, err)))
		return rc;
	if (!(members = letter_members(p, ev, &rc, err)))
		return rc;
	lead_extra = statement_extra(w, ev);
	entry = json_pack("{s:O, s:s, s:s}", "members", members, "at",
			  cn_time_format(ev->time, t), "kind", kind);
	if (!lead_extra || !entry || json_array_append_new(p->breaks, entry)) {
		if (!lead_extra)
			json_decref(entry); /* not handed to the array */
		json_decref(members);
		json_decref(lead_extra);
		return CN_ENOMEM;
	}
	json_array_foreach(members, i, m) {
		struct cn_ballot *b = ballot_of(p, json_string_value(m));
		json_t *x = i ? json_object() : json_incref(lead_extra);
		if (!x || set_text(b, cn_jstr(pl, "reason")) ||
		    (json_array_size(members) > 1 &&
		     json_object_set(x, "joint", members)) ||
		    (amend && json_object_set_new(x, "amendment", json_true()))) {
			json_decref(x);
			rc = CN_ENOMEM;
			break;
		}
		b->pos = CN_POS_OBJECT;
		b->declared = 0;
		b->at = ev->time;
		set_extra(b, x);
	}
	json_decref(lead_extra);
	if (!rc && p->concluded)
		rc = join_outcome(p, members);
	json_decref(members);
	if (!rc)
		touch(p, ev->time);
	return rc;
}

/* ---- links and the rest ------------------------------------------------- */

int cn_fold_superseded(struct cn_world *w, const struct cn_event *ev,
		       struct cn_err *err)
{
	struct cn_proposal *p = proposal_of(w, ev);
	const json_int_t id = json_integer_value(json_object_get(ev->payload, "by"));
	const struct cn_proposal *by = cn_world_proposal(w, id);
	/* A hole of a partial export's world (world.h) is taken on trust:
	 * what the export does not show cannot be checked against. */
	const int hole = !by && id >= 1 && (uint64_t)id <= w->nproposals;

	if (!p || !(by || hole) || (by && by->supersedes != p->id) ||
	    !p->concluded || p->superseded_by)
		return corrupt(err, ev, "needs a concluded proposal and the one "
			       "that supersedes it");
	p->superseded_by = id;
	touch(p, ev->time);
	return 0;
}

int cn_fold_proposal_step(struct cn_world *w, const struct cn_event *ev,
			  struct cn_err *err)
{
	struct cn_proposal *p;
	int rc;

	if ((rc = cn_fold_proposal_event(w, ev, err)))
		return rc;
	p = proposal_of(w, ev);
	/* A revised text is a new question: nothing said beside the old
	 * positions carries over either. */
	if (ev->et->id == CN_EV_TEXT_RECIRCULATED)
		for (size_t i = 0; i < p->nballots; i++)
			set_extra(&p->ballots[i], NULL);
	touch(p, ev->time);
	return 0;
}
