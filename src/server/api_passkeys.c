/*
 * api_passkeys.c - people's passkeys (W3C WebAuthn Level 2; this server
 * is the Relying Party; docs/ARCHITECTURE.md, "Passkeys"):
 *
 *   POST   /api/v1/passkeys/options        a registration's options
 *   POST   /api/v1/passkeys                its answer: the passkey stored
 *   GET    /api/v1/passkeys                the person's passkeys
 *   DELETE /api/v1/passkeys/{id}           remove one
 *   POST   /api/v1/session/passkey/options a sign-in's options
 *   POST   /api/v1/session/passkey         its answer: a session
 *
 * The first four are a signed-in person's own (a session, and its CSRF
 * token on writes; the public 401, a token 403: tokens have no
 * passkeys).  The two sign-in routes need no session and check the
 * origin as password sign-in does (login CSRF).  Without serve's
 * --rp-id and --origin every route is refused, 409 naming them.
 *
 * What is checked, and where: the client data, the attestation object
 * and the authenticator data are parsed by webauthn.c; the challenge is
 * taken (single use, bound to the session for a registration) from
 * challenge.c before anything else of the answer counts.  A sign-in
 * that fails after the credential is looked up (unknown credential,
 * disabled person, wrong user handle, bad signature) answers one and the
 * same 401, so a client learns nothing of which; failures count in the
 * sign-in throttle (session.h) as a wrong password does.  A counter that
 * did not grow is refused saying so: it means two authenticators hold
 * one key.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/timeutil.h"
#include "challenge.h"
#include "handlers.h"
#include "request.h"
#include "session.h"
#include "submit.h"
#include "throttle.h"
#include "webauthn.h"

#define NOT_ACCEPTED "passkey not accepted: sign in otherwise, or try again"

/* base64url without padding of n bytes, into a new JSON string. */
static json_t *b64_json(const uint8_t *b, size_t n)
{
	char out[sodium_base64_ENCODED_LEN(CN_PASSKEY_CRED_MAX,
					   sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

	sodium_bin2base64(out, sizeof(out), b, n,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return json_string(out);
}

/* Field name of o, base64url, decoded into buf (at most cap bytes): 0,
 * or -1 after answering 400 naming it. */
static int b64_field(struct ctx *x, const json_t *o, const char *name,
		     uint8_t *buf, size_t cap, size_t *len)
{
	const char *s;

	if (field_str(x, o, name, 1, &s))
		return -1;
	if (wa_b64url(s, strlen(s), buf, cap, len) || !*len) {
		reply_error(x, 400, "invalid", "field '%s': base64url without"
			    " padding of at most %zu bytes", name, cap);
		return -1;
	}
	return 0;
}

/* 409 when passkeys are off. */
static int passkeys_off(struct ctx *x)
{
	if (x->api->rp_id[0])
		return 0;
	reply_error(x, 409, "refused", "passkeys are off on this server: it"
		    " runs without --rp-id and --origin (council serve)");
	return 1;
}

/* The person's own routes: a session's, never a token's. */
static int not_a_person(struct ctx *x)
{
	if (x->who.person)
		return passkeys_off(x);
	if (x->who.role == CN_ROLE_PUBLIC)
		reply_error(x, 401, "unauthorized", "passkeys are a person's:"
			    " sign in first (POST /api/v1/session)");
	else
		reply_error(x, 403, "forbidden", "passkeys belong to people,"
			    " not to bearer tokens: sign in as a person");
	return 1;
}

/* ---- registration ------------------------------------------------------ */

struct exclude {
	json_t *list;
	uint8_t handle[CN_PASSKEY_HANDLE_LEN];
	int have;
};

static int exclude_one(void *ctx, const struct cn_passkey *k,
		       struct cn_err *err)
{
	struct exclude *e = ctx;

	(void)err;
	json_array_append_new(e->list, json_pack("{s:s, s:o}", "type",
						 "public-key", "id",
						 b64_json(k->cred, k->cred_len)));
	if (!e->have)
		memcpy(e->handle, k->handle, sizeof(e->handle));
	e->have = 1;
	return 0;
}

void h_passkey_options(struct ctx *x)
{
	struct exclude e = {json_array(), {0}, 0};
	struct challenge c = {0};
	struct cn_err err = {0};

	if (not_a_person(x)) {
		json_decref(e.list);
		return;
	}
	if (cn_reader_passkeys(x->rd, x->who.person, exclude_one, &e, &err)) {
		json_decref(e.list);
		reply_err(x, &err);
		return;
	}
	/* One handle per person: its passkeys' (all made with the first),
	 * or a new random one, never its id. */
	if (!e.have)
		randombytes_buf(e.handle, sizeof(e.handle));
	c.kind = CHALLENGE_CREATE;
	c.session = x->who.session_id;
	c.person = x->who.person;
	memcpy(c.handle, e.handle, sizeof(c.handle));
	c.made = x->now;
	c.expires = x->now + x->api->challenge_life;
	challenge_put(x->api->challenges, &c);
	reply_json(x, 200, json_pack(
		"{s:{s:{s:s, s:s}, s:{s:o, s:s, s:s}, s:o, s:[{s:s, s:i}],"
		" s:I, s:o, s:{s:s, s:b, s:s}, s:s}}", "publicKey",
		"rp", "id", x->api->rp_id, "name", "council",
		"user", "id", b64_json(c.handle, sizeof(c.handle)), "name",
		x->who.person_name, "displayName", x->who.person_name,
		"challenge", b64_json(c.bytes, sizeof(c.bytes)),
		"pubKeyCredParams", "type", "public-key", "alg", -7,
		"timeout", (json_int_t)x->api->challenge_life * 1000,
		"excludeCredentials", e.list,
		"authenticatorSelection", "residentKey", "preferred",
		"requireResidentKey", 0, "userVerification", "required",
		"attestation", "none"));
}

/* The client data of a ceremony: parsed, of type `type`, from the
 * configured origin, its challenge taken (kind, session).  0, or -1
 * after answering 400 (malformed), 401 (wrong, replayed, expired) or
 * 500 (out of memory reading it). */
/* A passkey field webauthn.c did not take: the client's (400), or, when
 * memory ran out reading it (WA_NOMEM), the server's (500). */
static void wa_refused(struct ctx *x, int rc, const char *field,
		       const char *why)
{
	if (rc == WA_NOMEM)
		reply_error(x, 500, "internal", "%s", why);
	else
		reply_error(x, 400, "invalid", "field '%s': %s", field, why);
}

static int client_data(struct ctx *x, const uint8_t *cd, size_t len,
		       const char *type, enum challenge_kind kind,
		       int64_t session, struct challenge *c)
{
	struct wa_client wc;
	char why[160];
	int rc;

	if ((rc = wa_client_parse(cd, len, &wc, why, sizeof(why)))) {
		wa_refused(x, rc, "clientDataJSON", why);
		return -1;
	}
	if (strcmp(wc.type, type)) {
		reply_error(x, 401, "unauthorized", "clientDataJSON: type is"
			    " not \"%s\"", type);
		return -1;
	}
	if (strcmp(wc.origin, x->api->origin)) {
		reply_error(x, 401, "unauthorized", "clientDataJSON: origin is"
			    " not this server's (%s)", x->api->origin);
		return -1;
	}
	if ((rc = challenge_take(x->api->challenges, wc.challenge, kind,
				 session, x->now, c))) {
		reply_error(x, 401, "unauthorized", "clientDataJSON: %s",
			    rc == -2 ? "the challenge expired: begin again"
				     : "no such challenge (used already, or"
				       " another session's): begin again");
		return -1;
	}
	return 0;
}

static int store_passkey(struct cn_store *st, int64_t now, void *args,
			 struct cn_err *err)
{
	struct passkey_args *a = args;

	cn_time_format(now, a->key.created);
	return cn_store_passkey_add(st, &a->key, now, &a->key.id, err);
}

static json_t *passkey_json(const struct cn_passkey *k)
{
	return json_pack("{s:I, s:s, s:s, s:s?}", "id", (json_int_t)k->id,
			 "label", k->label, "created", k->created, "used",
			 k->used[0] ? k->used : NULL);
}

static void result_passkey(struct ctx *x, const struct pending *p)
{
	reply_json(x, 201, passkey_json(&p->a.passkey.key));
}

/* A label: 1 to CN_PASSKEY_LABEL_MAX bytes, no control characters. */
static int label_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > CN_PASSKEY_LABEL_MAX)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

void h_passkey_new(struct ctx *x)
{
	static const char *const fields[] = {"clientDataJSON",
					     "attestationObject", "label", NULL};
	uint8_t cd[WA_CLIENT_DATA_MAX], ao[WA_ATTESTATION_MAX];
	size_t cdl, aol;
	const char *label = NULL;
	struct challenge c;
	struct wa_auth wa;
	struct pending *p;
	char why[200];
	json_t *o;
	int rc;

	if (not_a_person(x) || !(o = body_object(x)))
		return;
	if (known_fields(x, o, fields) || field_str(x, o, "label", 0, &label) ||
	    b64_field(x, o, "clientDataJSON", cd, sizeof(cd), &cdl) ||
	    b64_field(x, o, "attestationObject", ao, sizeof(ao), &aol))
		goto done;
	if (label && !label_ok(label)) {
		reply_error(x, 400, "invalid", "field 'label': 1 to %d bytes"
			    " without control characters", CN_PASSKEY_LABEL_MAX);
		goto done;
	}
	if (client_data(x, cd, cdl, "webauthn.create", CHALLENGE_CREATE,
			x->who.session_id, &c))
		goto done;
	if ((rc = wa_attestation_parse(ao, aol, &wa, why, sizeof(why)))) {
		wa_refused(x, rc, "attestationObject", why);
		goto done;
	}
	if (wa_auth_check(&wa, x->api->rp_id, why, sizeof(why))) {
		reply_error(x, 401, "unauthorized", "%s", why);
		goto done;
	}
	if (!(p = pending_new(x, NULL)))
		goto done;
	p->a.passkey.key.person = x->who.person;
	memcpy(p->a.passkey.key.cred, wa.cred, wa.cred_len);
	p->a.passkey.key.cred_len = wa.cred_len;
	memcpy(p->a.passkey.key.pub, wa.pub, sizeof(wa.pub));
	memcpy(p->a.passkey.key.handle, c.handle, sizeof(c.handle));
	p->a.passkey.key.sign_count = wa.sign_count;
	snprintf(p->a.passkey.key.label, sizeof(p->a.passkey.key.label), "%s",
		 label ? label : "passkey");
	pending_submit_store(x, p, store_passkey, result_passkey);
done:
	json_decref(o);
}

/* ---- the person's list ---------------------------------------------------- */

static int list_one(void *ctx, const struct cn_passkey *k, struct cn_err *err)
{
	(void)err;
	json_array_append_new(ctx, passkey_json(k));
	return 0;
}

void h_passkeys(struct ctx *x)
{
	struct cn_err err = {0};
	json_t *arr;

	if (not_a_person(x))
		return;
	arr = json_array();
	if (cn_reader_passkeys(x->rd, x->who.person, list_one, arr, &err)) {
		json_decref(arr);
		reply_err(x, &err);
		return;
	}
	reply_json(x, 200, json_pack("{s:I, s:o}", "count",
				     (json_int_t)json_array_size(arr),
				     "passkeys", arr));
}

static int remove_passkey(struct cn_store *st, int64_t now, void *args,
			  struct cn_err *err)
{
	struct passkey_args *a = args;

	cn_time_format(now, a->when);
	return cn_store_passkey_remove(st, a->key.person, a->key.id, err);
}

static void result_removed(struct ctx *x, const struct pending *p)
{
	reply_json(x, 200, json_pack("{s:I, s:s}", "id",
				     (json_int_t)p->a.passkey.key.id,
				     "removed", p->a.passkey.when));
}

void h_passkey_remove(struct ctx *x)
{
	struct pending *p;

	if (not_a_person(x) || !(p = pending_new(x, NULL)))
		return;
	p->a.passkey.key.person = x->who.person;
	p->a.passkey.key.id = x->id;
	pending_submit_store(x, p, remove_passkey, result_removed);
}

/* ---- sign-in ---------------------------------------------------------------- */

/* Login CSRF and the configuration, as password sign-in checks them. */
static int signin_refused(struct ctx *x)
{
	if (!session_same_origin(x->req)) {
		reply_error(x, 403, "csrf", "sign-in must come from this"
			    " server's own page (Origin, Sec-Fetch-Site)");
		return 1;
	}
	return passkeys_off(x);
}

struct allow {
	json_t *list;
};

static int allow_one(void *ctx, const struct cn_passkey *k, struct cn_err *err)
{
	(void)err;
	json_array_append_new(((struct allow *)ctx)->list,
			      json_pack("{s:s, s:o}", "type", "public-key", "id",
					b64_json(k->cred, k->cred_len)));
	return 0;
}

void h_signin_options(struct ctx *x)
{
	static const char *const fields[] = {"name", NULL};
	struct allow al = {NULL};
	struct challenge c = {0};
	struct cn_person pe;
	struct cn_err err = {0};
	const char *name = NULL;
	json_t *o;
	int rc;

	if (signin_refused(x) || !(o = body_object(x)))
		return;
	if (known_fields(x, o, fields) || field_str(x, o, "name", 0, &name)) {
		json_decref(o);
		return;
	}
	al.list = json_array();
	/* For a name, its passkeys; an unknown or disabled name gets the
	 * empty list a person without passkeys gets.  Without, none: the
	 * authenticator offers the discoverable ones it holds. */
	if (name) {
		rc = cn_reader_person(x->rd, name, &pe, &err);
		if (rc == 0 && !pe.disabled[0])
			rc = cn_reader_passkeys(x->rd, pe.id, allow_one, &al,
						&err);
		if (rc && rc != CN_ENOTFOUND) {
			json_decref(o);
			json_decref(al.list);
			reply_err(x, &err);
			return;
		}
	}
	json_decref(o);
	c.kind = CHALLENGE_GET;
	c.made = x->now;
	c.expires = x->now + x->api->challenge_life;
	challenge_put(x->api->challenges, &c);
	reply_json(x, 200, json_pack("{s:{s:o, s:s, s:I, s:s, s:o}}",
				     "publicKey", "challenge",
				     b64_json(c.bytes, sizeof(c.bytes)), "rpId",
				     x->api->rp_id, "timeout",
				     (json_int_t)x->api->challenge_life * 1000,
				     "userVerification", "required",
				     "allowCredentials", al.list));
}

static int passkey_session(struct cn_store *st, int64_t now, void *args,
			   struct cn_err *err)
{
	struct people_args *a = args;
	int rc;

	/* Checked again here, where no other sign-in with the same key can
	 * come between the check and the new count. */
	if ((rc = cn_store_passkey_used(st, a->passkey, a->sign_count, now,
					err)))
		return rc;
	return cn_store_session_add(st, &a->session, err);
}

/* The answer of an assertion, decoded: 0, or -1 after answering 400. */
struct assertion {
	uint8_t id[CN_PASSKEY_CRED_MAX];
	uint8_t cd[WA_CLIENT_DATA_MAX];
	uint8_t ad[WA_AUTH_DATA_MAX];
	uint8_t sig[WA_SIG_MAX];
	uint8_t handle[CN_PASSKEY_HANDLE_LEN + 1];
	size_t id_len, cd_len, ad_len, sig_len, handle_len;
};

static int assertion_fields(struct ctx *x, const json_t *o,
			    struct assertion *as)
{
	static const char *const fields[] = {"id", "clientDataJSON",
					     "authenticatorData", "signature",
					     "userHandle", NULL};

	if (known_fields(x, o, fields) ||
	    b64_field(x, o, "id", as->id, sizeof(as->id), &as->id_len) ||
	    b64_field(x, o, "clientDataJSON", as->cd, sizeof(as->cd),
		      &as->cd_len) ||
	    b64_field(x, o, "authenticatorData", as->ad, sizeof(as->ad),
		      &as->ad_len) ||
	    b64_field(x, o, "signature", as->sig, sizeof(as->sig),
		      &as->sig_len))
		return -1;
	as->handle_len = 0;
	if (json_is_null(json_object_get(o, "userHandle")) ||
	    !json_object_get(o, "userHandle"))
		return 0;
	return b64_field(x, o, "userHandle", as->handle, sizeof(as->handle),
			 &as->handle_len);
}

void h_signin_passkey(struct ctx *x)
{
	struct assertion *as = NULL;
	struct challenge c;
	struct cn_passkey k;
	struct cn_person pe;
	struct cn_err err = {0};
	struct wa_auth wa;
	struct pending *p;
	char why[200];
	json_t *o;
	int rc, ok;

	if (signin_refused(x) || signin_throttled(x, NULL) ||
	    !(o = body_object(x)))
		return;
	if (!(as = calloc(1, sizeof(*as)))) {
		json_decref(o);
		reply_error(x, 500, "internal", "out of memory");
		return;
	}
	if (assertion_fields(x, o, as) ||
	    client_data(x, as->cd, as->cd_len, "webauthn.get", CHALLENGE_GET, 0,
			&c))
		goto done;
	if ((rc = wa_auth_parse(as->ad, as->ad_len, &wa, why, sizeof(why)))) {
		wa_refused(x, rc, "authenticatorData", why);
		goto done;
	}
	if (wa_auth_check(&wa, x->api->rp_id, why, sizeof(why))) {
		signin_failed(x, NULL);
		reply_error(x, 401, "unauthorized", "%s", why);
		goto done;
	}
	rc = cn_reader_passkey(x->rd, as->id, as->id_len, &k, &pe, &err);
	if (rc && rc != CN_ENOTFOUND) {
		reply_err(x, &err);
		goto done;
	}
	/* One answer for every way this fails, so that none tells a
	 * client whether a credential exists or whose it is. */
	ok = rc == 0 && !pe.disabled[0] &&
	     (!as->handle_len ||
	      (as->handle_len == CN_PASSKEY_HANDLE_LEN &&
	       !sodium_memcmp(as->handle, k.handle, CN_PASSKEY_HANDLE_LEN))) &&
	     wa_verify(k.pub, as->ad, as->ad_len, as->cd, as->cd_len, as->sig,
		       as->sig_len) == 0;
	if (!ok) {
		signin_failed(x, rc == 0 ? pe.name : NULL);
		reply_error(x, 401, "unauthorized", NOT_ACCEPTED);
		goto done;
	}
	if ((wa.sign_count || k.sign_count) && wa.sign_count <= k.sign_count) {
		signin_failed(x, pe.name);
		reply_error(x, 401, "unauthorized", "the passkey's signature"
			    " counter did not grow (%u after %lld): the"
			    " authenticator may have been cloned; sign in"
			    " otherwise and remove this passkey",
			    wa.sign_count, (long long)k.sign_count);
		goto done;
	}
	throttle_clear(x->api->signin_name, pe.name);
	if (!(p = pending_new(x, NULL)))
		goto done;
	signin_prepare(x, p, &pe);
	p->a.people.passkey = k.id;
	p->a.people.sign_count = wa.sign_count;
	pending_submit_store(x, p, passkey_session, result_signed_in);
done:
	free(as);
	json_decref(o);
}
