/*
 * procedure_respond.c - what a delegation states on a proposal
 * (cn_cmd_respond, procedure.h): a position, the lifting of its
 * reservation, a comment, or a letter breaking silence alone or jointly;
 * ratification adopted when the last member ratifies; and the public key
 * that signs its statements (cn_cmd_register_key).
 */
#include "procedure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "note.h"
#include "procedure_step.h"
#include "signature.h"
#include "silence.h"
#include "timeline.h"
#include "timeutil.h"
#include "vote.h"

/* Carry the delegation's signature, when there is one, into the event. */
static json_t *signed_payload(json_t *pl, const struct cn_respond_args *a)
{
	if (a->signature)
		pl = cn_payload_with(pl, "signature", json_string(a->signature));
	if (a->signature && a->declared)
		pl = cn_payload_with(pl, "declared", json_true());
	return pl;
}

int cn_cmd_register_key(const struct cn_world *w, int64_t now,
			const char *member, const char *vkey,
			struct cn_outbox *box, struct cn_err *err)
{
	const struct cn_member *m = member ? cn_world_member(w, member) : NULL;
	uint8_t pk[32], id[4];
	char *name = NULL, hex[9];
	int rc;

	if (!m)
		return cn_err_set(err, CN_ENOTFOUND, "unknown member code '%s'",
				  member ? member : "");
	if (!cn_member_active(m, now))
		return cn_err_set(err, CN_EREFUSED, "%s is not a member now", m->code);
	if (!vkey || (rc = cn_note_vkey_decode(vkey, &name, pk, err)))
		return vkey ? cn_err_prefix(err, "vkey: ")
			    : cn_err_set(err, CN_EINVAL, "a key is required");
	cn_note_key_id(name, pk, id);
	cn_hex(id, 4, hex);
	rc = cn_outbox_emit(box, now, CN_EV_KEY_REGISTERED,
		  cn_payload_with(json_pack("{s:s, s:s, s:s}", "member", m->code, "vkey",
				 vkey, "key_id", hex), "replaces",
		       m->key_vkey ? json_string(m->key_vkey) : json_null()),
		  err);
	free(name);
	return rc;
}



/* The members of a letter breaking silence: the sender, then those who
 * sign it with it; each in the electorate, once, none who broke silence
 * before (new array into *out). */
static int letter_members(const struct cn_world *w,
			  const struct cn_proposal *p, const char *member,
			  const json_t *joint, json_t **out, struct cn_err *err)
{
	json_t *ms = json_pack("[s]", member);
	const json_t *x, *brk;
	size_t i, k;
	int rc = 0;

	if (!ms)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if (joint && !json_is_array(joint))
		rc = cn_err_set(err, CN_EINVAL,
				"the members of a joint letter (field 'joint') "
				"are a list of codes");
	json_array_foreach(joint, i, x) {
		if (rc)
			break;
		if (!json_is_string(x))
			rc = cn_err_set(err, CN_EINVAL, "joint: member codes are "
					"strings");
		else if (!cn_procedure_ballot(p, json_string_value(x)))
			rc = cn_procedure_not_in_electorate(w, p, json_string_value(x), err);
		else if (json_array_append_new(ms, json_string(json_string_value(x))))
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	json_array_foreach(ms, i, x) {
		if (rc)
			break;
		for (k = 0; k < i && rc == 0; k++)
			if (json_equal(json_array_get(ms, k), x))
				rc = cn_err_set(err, CN_EINVAL,
						"%s signs the letter once",
						json_string_value(x));
		if (rc == 0 && (brk = cn_silence_break_of(p, json_string_value(x))))
			rc = cn_err_set(err, CN_EREFUSED,
					"%s broke silence on proposal %lld already "
					"(%s)", json_string_value(x),
					(long long)p->id,
					cn_jstr(brk, "at") ? cn_jstr(brk, "at") : "");
	}
	if (rc)
		json_decref(ms);
	else
		*out = ms;
	return rc;
}

/* A letter breaking silence (an objection, or a proposed amendment where
 * the procedure allows it): recorded, and, unless an earlier break already
 * did, ending the procedure, blocked, naming every member who signed.  A
 * later letter joins the break: the outcome names its members too. */
static int break_silence(const struct cn_world *w, const struct cn_proposal *p,
			 int64_t now, const struct cn_respond_args *a,
			 struct cn_outbox *box, struct cn_err *err)
{
	int amend = a->act == CN_ACT_AMEND;
	json_t *members = NULL, *pl;
	int rc;

	if (!a->text || !*a->text)
		return cn_err_set(err, CN_EINVAL,
				  amend ? "a proposed amendment needs its text "
					  "(field 'text')"
					: "breaking silence needs a reason (field "
					  "'reason'): it is the letter of objection");
	if (amend && !(p->silence_breaks & CN_BREAK_AMEND))
		return cn_err_set(err, CN_EREFUSED,
				  "under the silence procedure of proposal %lld "
				  "only an objection breaks silence: put the "
				  "amendment on record as a comment, or object",
				  (long long)p->id);
	if (a->signature && (amend || json_array_size(a->joint)))
		return cn_err_set(err, CN_EINVAL,
				  "a signature covers one delegation's objection; "
				  "a joint letter or a proposed amendment is "
				  "recorded unsigned");
	if ((rc = letter_members(w, p, a->member, a->joint, &members, err)))
		return rc;
	pl = json_pack("{s:I, s:s, s:s}", "proposal", (json_int_t)p->id,
		       "member", a->member, "reason", a->text);
	if (amend)
		pl = cn_payload_with(pl, "kind", json_string("amend"));
	if (json_array_size(members) > 1)
		pl = cn_payload_with(pl, "members", json_incref(members));
	if ((rc = cn_outbox_emit(box, now, CN_EV_SILENCE_BROKEN, signed_payload(pl, a),
		       err)) || p->concluded) {
		json_decref(members);
		return rc;
	}
	struct cn_rule_result r = {.verdict = CN_VERDICT_BLOCKED};
	char why[CN_ERR_MSG_MAX];
	char **who = calloc(json_array_size(members), sizeof(*who));
	const json_t *x;
	size_t i;
	if (!who) {
		json_decref(members);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	json_array_foreach(members, i, x)
		who[i] = (char *)json_string_value(x);
	r.explanation = cn_silence_explanation(members, why, sizeof(why));
	r.blocking = who;
	r.nblocking = json_array_size(members);
	rc = cn_procedure_conclude(w, p, now, &r, box, err);
	free(who);
	json_decref(members);
	return rc;
}

int cn_cmd_respond(const struct cn_world *w, int64_t now,
		   const struct cn_respond_args *a, struct cn_outbox *box,
		   struct cn_err *err)
{
	const struct cn_proposal *p = cn_world_proposal(w, a->proposal);
	const struct cn_ballot *b;
	char d[CN_TIME_BUF];
	int breaks, rc;

	breaks = a->act == CN_ACT_AMEND ||
		 (a->act == CN_ACT_POSITION && a->pos == CN_POS_OBJECT);
	/* An ally may join a break of silence until the deadline, though the
	 * first break ended the procedure. */
	if (p && breaks && cn_procedure_broken_silence(p) && now < p->deadline) {
		if ((rc = cn_timeline_in_order(p, now, err)))
			return rc;
	} else if ((rc = cn_procedure_open(w, a->proposal, now, &p, err)))
		return rc;
	if (!a->member || !*a->member)
		return cn_err_set(err, CN_EINVAL,
				  "a position needs a member (field 'member')");
	if (!(b = cn_procedure_ballot(p, a->member)))
		return cn_procedure_not_in_electorate(w, p, a->member, err);
	/* After the deadline only a standing reservation keeps a silence
	 * procedure open, and lifting it is the one move left. */
	if (p->proc == CN_PROC_SILENCE && now >= p->deadline &&
	    a->act != CN_ACT_LIFT)
		return cn_err_set(err, CN_EREFUSED,
				  "the silence period of proposal %lld ended at %s",
				  (long long)p->id, cn_time_format(p->deadline, d));
	if (cn_proc_votes(p->proc) && a->act != CN_ACT_COMMENT)
		return cn_err_set(err, CN_EREFUSED,
				  "proposal %lld is put to a %s vote: members "
				  "vote yes, no, abstain or not-participating "
				  "(a comment is still on the record)",
				  (long long)p->id, cn_proc_name(p->proc));
	if (a->act == CN_ACT_AMEND && p->proc != CN_PROC_SILENCE)
		return cn_err_set(err, CN_EREFUSED,
				  "a proposed amendment breaks silence, and "
				  "proposal %lld is under the %s procedure: put "
				  "it on record as a comment", (long long)p->id,
				  cn_proc_name(p->proc));
	if (a->public_note && !(a->act == CN_ACT_POSITION &&
				a->pos == CN_POS_FOOTNOTE))
		return cn_err_set(err, CN_EINVAL,
				  "only a footnote is made public (field 'public')");
	if (a->joint && !(p->proc == CN_PROC_SILENCE && breaks))
		return cn_err_set(err, CN_EINVAL,
				  "a joint letter (field 'joint') breaks silence; "
				  "other positions are each delegation's own");

	if (a->signature && a->act != CN_ACT_AMEND) {
		const char *pn = a->act == CN_ACT_LIFT ? "lift"
				 : a->act == CN_ACT_COMMENT ? "comment"
				 : cn_pos_name(a->pos);
		if ((rc = cn_position_verify(cn_world_member(w, b->code), p->id,
					     p->revision, pn,
					     a->act == CN_ACT_LIFT ? NULL : a->text,
					     a->declared, a->signature, err)))
			return rc;
	}
	if (p->proc == CN_PROC_SILENCE && breaks)
		return break_silence(w, p, now, a, box, err);
	if (a->act == CN_ACT_COMMENT) {
		if (!a->text || !*a->text)
			return cn_err_set(err, CN_EINVAL, "a comment needs text");
		return cn_outbox_emit(box, now, CN_EV_COMMENT_MADE,
			    signed_payload(json_pack("{s:I, s:s, s:s}", "proposal",
					   (json_int_t)p->id, "member", b->code,
					   "text", a->text), a), err);
	}
	if (a->act == CN_ACT_LIFT) {
		if (b->pos != CN_POS_RESERVE)
			return cn_err_set(err, CN_EREFUSED,
					  "%s has no reservation on proposal "
					  "%lld to lift (its position is %s)",
					  b->code, (long long)p->id,
					  cn_pos_name(b->pos));
		return cn_outbox_emit(box, now, CN_EV_RESERVATION_LIFTED,
			    signed_payload(json_pack("{s:I, s:s}", "proposal",
					   (json_int_t)p->id, "member", b->code), a),
			    err);
	}
	if (a->pos == CN_POS_NONE)
		return cn_err_set(err, CN_EINVAL, "no position given");
	if (a->pos == CN_POS_FOOTNOTE && (!a->text || !*a->text))
		return cn_err_set(err, CN_EINVAL,
				  "a footnote needs the statement to put on record");
	if (a->declared && a->pos != CN_POS_ABSTAIN)
		return cn_err_set(err, CN_EINVAL,
				  "only an abstention can carry a formal declaration");
	if (b->pos == a->pos && a->pos != CN_POS_FOOTNOTE &&
	    (!a->text || (b->text && !strcmp(a->text, b->text))) &&
	    b->declared == a->declared)
		return cn_err_set(err, CN_EREFUSED,
				  "%s's position on proposal %lld is already %s",
				  b->code, (long long)p->id, cn_pos_name(a->pos));
	json_t *pl = json_pack("{s:I, s:s, s:s, s:s}", "proposal",
			       (json_int_t)p->id, "member", b->code, "position",
			       cn_pos_name(a->pos), "previous",
			       cn_pos_name(b->pos));
	if (a->text)
		pl = cn_payload_with(pl, "text", json_string(a->text));
	if (a->declared)
		pl = cn_payload_with(pl, "declared", json_true());
	if (a->public_note)
		pl = cn_payload_with(pl, "public", json_true());
	if ((rc = cn_outbox_emit(box, now, CN_EV_POSITION_STATED, signed_payload(pl, a), err)))
		return rc;
	if (p->proc == CN_PROC_RATIFICATION &&
	    (a->pos == CN_POS_CONCUR || a->pos == CN_POS_FOOTNOTE)) {
		/* Adopted when the last member ratifies. */
		size_t done = 0;
		for (size_t i = 0; i < p->nballots; i++)
			done += p->ballots[i].pos == CN_POS_CONCUR ||
				p->ballots[i].pos == CN_POS_FOOTNOTE ||
				&p->ballots[i] == b;
		if (done == p->nballots) {
			struct cn_rule_result r = {0};
			char why[96];
			snprintf(why, sizeof(why),
				 "adopted: all %zu members ratified, the last "
				 "%s", p->nballots, b->code);
			r.verdict = CN_VERDICT_ADOPTED;
			r.explanation = why;
			return cn_procedure_conclude(w, p, now, &r, box, err);
		}
	}
	return 0;
}
