/*
 * api_session.c - signing in and out (docs/ARCHITECTURE.md, "People and
 * sessions"): POST /api/v1/session (a name and a password: a session
 * cookie and its CSRF token), GET /api/v1/session (who is signed in),
 * DELETE /api/v1/session (sign out: the session ends in the store, so a
 * copy of the cookie is worth nothing after).
 *
 * Sign-in answers the same 401 for a name that does not exist, a person
 * disabled and a wrong password, after the same work (an unknown name is
 * checked against a fixed hash: app/people.h).  Failures are counted per
 * name and per client address (throttle.h): past the limit, 429 with
 * Retry-After, the right password included, until the window ends.  The
 * password is checked on the HTTP thread (Argon2id, a fraction of a
 * second) and never reaches the writer, which stores the session.
 * A passkey's sign-in (api_passkeys.c) ends the same way: the helpers
 * below are the two ways' common part (submit.h).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../app/people.h"
#include "handlers.h"
#include "request.h"
#include "session.h"
#include "submit.h"
#include "throttle.h"

#define NOT_SIGNED_IN "no session: sign in with POST /api/v1/session"

static const char *person_role(const struct cn_principal *who)
{
	return cn_role_name(who->role);
}

static json_t *person_json(int64_t id, const char *name, const char *role,
			   const char *code)
{
	return json_pack("{s:I, s:s, s:s, s:s?}", "id", (json_int_t)id, "name",
			 name, "role", role, "code", code[0] ? code : NULL);
}

static int begin_session(struct cn_store *st, int64_t now, void *args,
			 struct cn_err *err)
{
	struct people_args *a = args;
	int rc;

	(void)now;
	if ((rc = cn_store_session_add(st, &a->session, err)))
		return rc;
	return a->rehash ? cn_store_person_password(st, a->person.id,
						    a->person.pwhash, err)
			 : 0;
}

void result_signed_in(struct ctx *x, const struct pending *p)
{
	const struct people_args *a = &p->a.people;
	const struct cn_person *pe = &a->person;
	char csrf[CSRF_LEN + 1], exp[CN_TIME_BUF], idle[CN_TIME_BUF];

	session_csrf(a->cookie, csrf);
	cn_time_format(a->session.expires, exp);
	cn_time_format(a->session.seen + a->idle, idle);
	session_set_cookie(x->res, a->cookie,
			   a->session.expires - a->session.created);
	reply_json(x, 201, json_pack("{s:o, s:s, s:s, s:s, s:I}", "person",
				     person_json(pe->id, pe->name, pe->role,
						 pe->principal),
				     "csrf", csrf, "expires", exp,
				     "idle_expires", idle, "idle",
				     (json_int_t)a->idle));
}

/* The client's address, as the throttle counts it. */
static const char *client_of(const struct ctx *x)
{
	return x->req->client ? x->req->client : "";
}

int signin_throttled(struct ctx *x, const char *name)
{
	int64_t a = name ? throttle_wait(x->api->signin_name, name, x->now) : 0;
	int64_t b = throttle_wait(x->api->signin_addr, client_of(x), x->now);
	int64_t wait = a > b ? a : b;

	if (!wait)
		return 0;
	snprintf(x->res->retry_after_s, sizeof(x->res->retry_after_s), "%lld",
		 (long long)wait);
	reply_error(x, 429, "too-many-requests", "too many failed sign-ins:"
		    " try again in %lld s", (long long)wait);
	return 1;
}

void h_session_new(struct ctx *x)
{
	const char *name, *pw;
	char why[160];
	struct cn_person pe;
	struct cn_err err = {0};
	struct pending *p;
	size_t pwlen;
	json_t *o;
	int rc, ok;

	/* Signing a browser in to someone else's account is an attack too
	 * (login CSRF): only this server's own page signs in. */
	if (!session_same_origin(x->req)) {
		reply_error(x, 403, "csrf", "sign-in must come from this"
			    " server's own page (Origin, Sec-Fetch-Site)");
		return;
	}
	if (!(o = body_object(x)))
		return;
	if (signin_fields(o, &name, &pw, &pwlen, why, sizeof(why))) {
		json_decref(o);
		reply_error(x, 400, "invalid", "%s", why);
		return;
	}
	if (signin_throttled(x, name)) {
		json_decref(o);
		return;
	}
	rc = cn_reader_person(x->rd, name, &pe, &err);
	if (rc && rc != CN_ENOTFOUND) {
		json_decref(o);
		reply_err(x, &err);
		return;
	}
	/* An unknown name and a disabled person cost what a check costs. */
	ok = cn_password_verify(rc || pe.disabled[0] ? NULL : pe.pwhash, pw,
				pwlen) && !rc && !pe.disabled[0];
	if (!ok) {
		signin_failed(x, name);
		json_decref(o);
		reply_error(x, 401, "unauthorized", "wrong name or password");
		return;
	}
	throttle_clear(x->api->signin_name, name);
	if (!(p = pending_new(x, NULL))) {
		json_decref(o);
		return;
	}
	signin_prepare(x, p, &pe);
	if (cn_password_needs_rehash(pe.pwhash) &&
	    cn_password_hash(pw, pwlen, p->a.people.person.pwhash, &err) == 0)
		p->a.people.rehash = 1;
	json_decref(o);
	pending_submit_store(x, p, begin_session, result_signed_in);
}

void signin_failed(struct ctx *x, const char *name)
{
	if (name)
		throttle_fail(x->api->signin_name, name, x->now);
	throttle_fail(x->api->signin_addr, client_of(x), x->now);
}

void signin_prepare(struct ctx *x, struct pending *p,
		    const struct cn_person *pe)
{
	p->a.people.person = *pe;
	session_new(p->a.people.cookie, p->a.people.session.hash);
	p->a.people.session.person = pe->id;
	p->a.people.session.created = p->a.people.session.seen = x->now;
	p->a.people.session.expires = x->now + x->api->session_max;
	p->a.people.idle = x->api->session_idle;
}

void h_session(struct ctx *x)
{
	if (!x->who.person) {
		reply_error(x, 401, "unauthorized", NOT_SIGNED_IN);
		return;
	}
	reply_json(x, 200, json_pack("{s:o, s:s}", "person",
				     person_json(x->who.person,
						 x->who.person_name,
						 person_role(&x->who),
						 x->who.code),
				     "csrf", x->who.csrf));
}

static int end_session(struct cn_store *st, int64_t now, void *args,
		       struct cn_err *err)
{
	struct people_args *a = args;
	return cn_store_session_end(st, a->session.hash, now, err);
}

static void result_signed_out(struct ctx *x, const struct pending *p)
{
	(void)p;
	session_set_cookie(x->res, NULL, 0);
	reply_json(x, 200, json_pack("{s:b}", "signed_out", 1));
}

void h_session_end(struct ctx *x)
{
	struct pending *p;

	/* session_enter checked the cookie and its CSRF token already. */
	if (!x->who.person) {
		reply_error(x, 401, "unauthorized", NOT_SIGNED_IN);
		return;
	}
	if (!(p = pending_new(x, NULL)))
		return;
	memcpy(p->a.people.session.hash, x->session_hash, CN_HASH_LEN);
	pending_submit_store(x, p, end_session, result_signed_out);
}
