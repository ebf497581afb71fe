/* api_proposals.c - the proposal routes: one view (through sight,
 * access.h; the list is api_lists.c), and the writes (through submit.h): propose (a body
 * established or amended is a proposal with that effect; a matter taken
 * up again names what it supersedes), state a position (an objection or
 * amendment under silence breaks it; a footnote may be made public), cast
 * a vote in a roll-call or written vote (or refuse the written
 * procedure), and the secretariat's extend, recirculate, conclude and
 * withdraw. */
#include <string.h>
#include <strings.h>

#include "access.h"
#include "cache.h"
#include "handlers.h"
#include "request.h"
#include "submit.h"

void h_proposal(struct ctx *x)
{
	struct cn_err err = {0};
	struct cached_view *v = NULL;
	enum sight s = SEE_NONE;
	int rc;

	/* A proposal that does not exist answers as one not visible, and in
	 * the same time: the 404 of either leaves at the same floor after
	 * the request came in (http.h).  Below the floor, the work is kept
	 * small and alike: sight is decided by the same uncached lookup for
	 * both (one indexed row, access.c), and only a proposal the
	 * principal may see reaches the per-thread cache of views
	 * (bench/sight_timing.mjs measures it). */
	if ((rc = sight_of_proposal(x, x->id, &s, &err))) {
		reply_err(x, &err);
		return;
	}
	if (s != SEE_NONE && (rc = cache_view(x->cache, x->id, &v, &err))) {
		if (rc == CN_ENOTFOUND)
			not_found(x);
		else
			reply_err(x, &err);
		return;
	}
	switch (s) {
	case SEE_NONE:
		not_found(x);
		return;
	case SEE_FULL:
		reply_bytes(x, v->text, v->len);
		return;
	case SEE_REDACTED:
		if (cache_view_redacted(v, &err))
			reply_err(x, &err);
		else
			reply_bytes(x, v->redacted, v->rlen);
		return;
	}
}

/* What the secretariat alone may do: the answers to anyone else. */
static const char NEEDS_TOKEN[] = "this action needs a token";
static const char SECRETARIAT_ONLY[] = "only the secretariat may do this";

/* A list-valued field (NULL when absent or null); -1 after answering 400
 * when it is not a list. */
static int field_list(struct ctx *x, const json_t *o, const char *name,
		      const json_t **out)
{
	const json_t *v = json_object_get(o, name);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v)) {
		reply_error(x, 400, "invalid", "field '%s' must be a list", name);
		return -1;
	}
	*out = v;
	return 0;
}

void h_propose(struct ctx *x)
{
	static const char *const fields[] = {"body", "title", "text", "procedure",
					     "deadline", "level", "place",
					     "shared", "effects", "supersedes",
					     "breaks", "rule", "concerned", NULL};
	struct cn_propose_args a = {0};
	struct pending *p;
	const json_t *sup;
	json_t *o;
	int fresh;

	if (may_write(x, CN_ROLE_SECRETARIAT, 0, NEEDS_TOKEN,
		      SECRETARIAT_ONLY) ||
	    !(o = body_object(x)))
		return;
	/* A matter taken up again keeps its body and title unless given. */
	sup = json_object_get(o, "supersedes");
	fresh = !sup || json_is_null(sup);
	if (known_fields(x, o, fields) ||
	    field_str(x, o, "body", fresh, &a.body) ||
	    field_str(x, o, "title", fresh, &a.title) ||
	    field_str(x, o, "text", 0, &a.text) ||
	    field_str(x, o, "procedure", 0, &a.procedure) ||
	    field_str(x, o, "deadline", 0, &a.deadline) ||
	    field_str(x, o, "level", 0, &a.level) ||
	    field_str(x, o, "place", 0, &a.place) ||
	    field_str(x, o, "rule", 0, &a.rule) ||
	    field_str(x, o, "concerned", 0, &a.concerned) ||
	    field_bool(x, o, "shared", &a.shared) ||
	    field_list(x, o, "effects", &a.effects) ||
	    field_list(x, o, "breaks", &a.breaks)) {
		json_decref(o);
		return;
	}
	if (!fresh && (!json_is_integer(sup) || json_integer_value(sup) <= 0)) {
		reply_error(x, 400, "invalid",
			    "field 'supersedes' must be a proposal id");
		json_decref(o);
		return;
	}
	a.supersedes = fresh ? 0 : json_integer_value(sup);
	if (!(p = pending_new(x, o)))
		return;
	p->a.propose = a;
	pending_submit(x, p, cn_app_cmd_propose, 0, result_created);
}

void h_position(struct ctx *x)
{
	static const char *const fields[] = {"member", "position", "text",
					     "reason", "declared", "signature",
					     "public", NULL};
	struct cn_respond_args r = {0};
	const char *pos, *member, *reason;
	struct pending *p;
	json_t *o;

	if (may_write(x, CN_ROLE_MEMBER, 1,
		      "stating a position needs a delegation's token",
		      "only a member delegation states positions") ||
	    !(o = body_object(x)))
		return;
	if (known_fields(x, o, fields) || field_str(x, o, "member", 0, &member) ||
	    field_str(x, o, "position", 1, &pos) ||
	    field_str(x, o, "text", 0, &r.text) ||
	    field_str(x, o, "reason", 0, &reason) ||
	    field_str(x, o, "signature", 0, &r.signature) ||
	    field_bool(x, o, "declared", &r.declared) ||
	    field_bool(x, o, "public", &r.public_note)) {
		json_decref(o);
		return;
	}
	if (member && strcmp(member, x->who.code)) {
		reply_error(x, 403, "forbidden",
			    "the delegation of %s may state positions for %s only",
			    x->who.code, x->who.code);
		json_decref(o);
		return;
	}
	if (!r.text)
		r.text = reason;
	r.proposal = x->id;
	if (!strcmp(pos, "lift"))
		r.act = CN_ACT_LIFT;
	else if (!strcmp(pos, "comment"))
		r.act = CN_ACT_COMMENT;
	else if (!strcmp(pos, "amend"))
		r.act = CN_ACT_AMEND;
	else if (cn_pos_parse(pos, &r.pos) || r.pos == CN_POS_NONE) {
		reply_error(x, 400, "invalid",
			    "field 'position' must be one of concur, object, "
			    "abstain, reserve, footnote, lift, comment, amend");
		json_decref(o);
		return;
	}
	if (!(p = pending_new(x, o)))
		return;
	r.member = p->member;
	p->a.respond = r;
	p->job.want_receipt = 1;
	pending_submit(x, p, cn_app_cmd_respond, x->id, result_view);
}

static int vote_fn(const struct cn_world *w, int64_t now, const void *a,
		   struct cn_outbox *box, struct cn_err *err)
{
	return cn_cmd_vote(w, now, a, box, err);
}

/* A delegation's vote: {member?, vote, text?, declared?}, or {member?,
 * refuse: reason} to refuse a written procedure; answered with the
 * proposal and a receipt. */
void h_vote(struct ctx *x)
{
	static const char *const fields[] = {"member", "vote", "text",
					     "declared", "refuse", NULL};
	struct cn_vote_args v = {0};
	const char *member;
	struct pending *p;
	json_t *o;

	if (may_write(x, CN_ROLE_MEMBER, 1,
		      "voting needs a delegation's token",
		      "only a member delegation votes") ||
	    !(o = body_object(x)))
		return;
	if (known_fields(x, o, fields) || field_str(x, o, "member", 0, &member) ||
	    field_str(x, o, "vote", 0, &v.vote) ||
	    field_str(x, o, "text", 0, &v.text) ||
	    field_str(x, o, "refuse", 0, &v.refuse) ||
	    field_bool(x, o, "declared", &v.declared)) {
		json_decref(o);
		return;
	}
	if (member && strcmp(member, x->who.code)) {
		reply_error(x, 403, "forbidden",
			    "the delegation of %s may vote for %s only",
			    x->who.code, x->who.code);
		json_decref(o);
		return;
	}
	if (!v.vote == !v.refuse) {
		reply_error(x, 400, "invalid",
			    "give field 'vote' (yes, no, abstain or "
			    "not-participating) or field 'refuse', not both");
		json_decref(o);
		return;
	}
	if (!(p = pending_new(x, o)))
		return;
	v.proposal = x->id;
	v.member = p->member;
	p->a.vote = v;
	/* A vote is a delegation's statement as a position is: it gets the
	 * same receipt (of the vote.cast or written.refused event, not of
	 * the conclusion a refusal causes). */
	p->job.want_receipt = 1;
	pending_submit(x, p, vote_fn, x->id, result_view);
}

static void secretariat_action(struct ctx *x, cn_command_fn fn)
{
	static const char *const fields[] = {"text", "deadline", "reason", NULL};
	struct cn_app_secretariat_args a = {.proposal = x->id};
	struct pending *p;
	json_t *o = NULL;

	if (may_write(x, CN_ROLE_SECRETARIAT, 1, NEEDS_TOKEN,
		      SECRETARIAT_ONLY))
		return;
	if (x->req->body_len) {
		if (!(o = body_object(x)))
			return;
		if (known_fields(x, o, fields) || field_str(x, o, "text", 0, &a.text) ||
		    field_str(x, o, "deadline", 0, &a.deadline) ||
		    field_str(x, o, "reason", 0, &a.reason)) {
			json_decref(o);
			return;
		}
	}
	if (!(p = pending_new(x, o)))
		return;
	p->a.sec = a;
	pending_submit(x, p, fn, x->id, result_view);
}

void h_extend(struct ctx *x) { secretariat_action(x, cn_app_cmd_extend); }
void h_recirculate(struct ctx *x) { secretariat_action(x, cn_app_cmd_recirculate); }
void h_conclude(struct ctx *x) { secretariat_action(x, cn_app_cmd_conclude); }
void h_withdraw(struct ctx *x) { secretariat_action(x, cn_app_cmd_withdraw); }
