/*
 * signature.c - delegation signatures over positions: the signed message,
 * its check against a member's registered key, and the check of a signed
 * event in the log; see signature.h.
 */
#include "signature.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "world.h"

int cn_position_message(int64_t proposal, int revision, const char *member,
			const char *position, const char *text, int declared,
			char **out, size_t *len, struct cn_err *err)
{
	static const char prefix[] = "council/v1/position\n";
	/* Not "s?" for the text: jansson would write null for a text it ran
	 * out of memory copying, and the message would be another one. */
	json_t *o = json_pack("{s:b, s:s, s:s, s:I, s:i, s:o}", "declared",
			      declared, "member", member, "position", position,
			      "proposal", (json_int_t)proposal, "revision",
			      revision, "text",
			      text ? json_string(text) : json_null());
	char *body = NULL, *msg;
	size_t n;
	int rc;

	if (!o)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	rc = cn_canon_dump(o, &body, &n, err);
	json_decref(o);
	if (rc)
		return rc;
	if (!(msg = malloc(sizeof(prefix) - 1 + n + 1))) {
		free(body);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	memcpy(msg, prefix, sizeof(prefix) - 1);
	memcpy(msg + sizeof(prefix) - 1, body, n + 1);
	free(body);
	*out = msg;
	*len = sizeof(prefix) - 1 + n;
	return 0;
}

int cn_position_verify(const struct cn_member *m, int64_t proposal,
		       int revision, const char *position, const char *text,
		       int declared, const char *sig_b64, struct cn_err *err)
{
	unsigned char sig[crypto_sign_BYTES];
	size_t siglen = 0;
	char *msg;
	size_t len;
	int rc;

	if (!m->key_vkey)
		return cn_err_set(err, CN_EREFUSED,
				  "%s has no registered key to check its "
				  "signature against", m->code);
	if (cn_base64_decode(sig_b64, strlen(sig_b64), sig, sizeof(sig), &siglen) ||
	    siglen != sizeof(sig))
		return cn_err_set(err, CN_EREFUSED,
				  "the signature is not 64 bytes of base64");
	if ((rc = cn_position_message(proposal, revision, m->code, position, text,
				      declared, &msg, &len, err)))
		return rc;
	rc = crypto_sign_verify_detached(sig, (const unsigned char *)msg, len,
					 m->key_pk);
	free(msg);
	if (rc)
		return cn_err_set(err, CN_EREFUSED,
				  "the signature of %s does not verify with its "
				  "registered key %s", m->code, m->key_name);
	return 0;
}

int cn_event_check_signature(const struct cn_world *w,
			     const struct cn_event *ev, struct cn_err *err)
{
	const json_t *pl = ev->payload, *sig = json_object_get(pl, "signature");
	const struct cn_event_type *t = ev->et;
	const struct cn_proposal *p;
	const struct cn_member *m;
	const char *ppos, *why;
	struct cn_err e;
	int rc;

	if (!sig)
		return 0;
	if (!t || !(t->flags & CN_EVT_STATEMENT))
		return cn_err_set(err, CN_ECORRUPT,
				  "event %lld (%s): only a delegation's "
				  "statement can carry a signature",
				  (long long)ev->seq, ev->type);
	p = cn_world_proposal(w, json_integer_value(json_object_get(pl, "proposal")));
	m = cn_world_member(w, cn_jstr(pl, "member") ? cn_jstr(pl, "member") : "");
	ppos = t->signed_position ? t->signed_position : cn_jstr(pl, "position");
	/* Each reason is its own text; `e` is read only after the check
	 * that fills it has failed (defect 4 of issue 9: a malformed field
	 * once printed a message nobody had written). */
	if (!json_is_string(sig))
		why = "the signature is not a string";
	else if (!p)
		why = "no such proposal";
	else if (!m)
		why = "no such member";
	else if (!ppos)
		why = "no position";
	else if ((rc = cn_position_verify(m, p->id, p->revision, ppos,
					  cn_jstr(pl, t->signed_text),
					  json_is_true(json_object_get(pl, "declared")),
					  json_string_value(sig), &e)) == 0)
		return 0;
	else if (rc == CN_ENOMEM)
		/* Running out of memory says nothing about the log. */
		return cn_err_set(err, CN_ENOMEM, "event %lld (%s): %s",
				  (long long)ev->seq, ev->type, e.msg);
	else
		why = e.msg;
	return cn_err_set(err, CN_ECORRUPT, "event %lld (%s): delegation signature "
			  "does not verify (%s)", (long long)ev->seq, ev->type, why);
}
