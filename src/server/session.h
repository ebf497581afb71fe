/*
 * session.h - a person's session in the server: the cookie, the CSRF
 * token, and the principal a session stands for (docs/ARCHITECTURE.md,
 * "People and sessions").
 *
 * Sign-in (api_session.c) gives a browser a cookie `cn_session` whose
 * value is "cs_" and 43 characters of base64url (32 random bytes from
 * libsodium); the store keeps only its SHA-256 (store/people.h).  The
 * cookie is HttpOnly, Secure, SameSite=Strict, Path=/.  A session ends
 * when signed out, when its person is disabled, after `idle` seconds
 * without a request, or `max` seconds after sign-in, whichever comes
 * first.
 *
 * CSRF: every request a cookie authenticates that is not a GET must
 * carry the session's CSRF token in X-CSRF-Token (compared in constant
 * time) and must not come from another site: Sec-Fetch-Site, when sent,
 * is same-origin, and Origin, when sent, is this server's (its Host).
 * The token is derived from the cookie's value (a SHA-256 of it under a
 * label of its own), so it needs no storage and a page that cannot read
 * the HttpOnly cookie learns it only from the sign-in answer or GET
 * /api/v1/session, which another site cannot read.
 *
 * A bearer token (Authorization) wins over a cookie: a request with both
 * is the token's, and tokens stay as they are, for machines.
 */
#ifndef CN_SESSION_H
#define CN_SESSION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../store/store.h"
#include "ctx.h"
#include "http.h"

#define SESSION_COOKIE "cn_session"
#define SESSION_LEN 46  /* "cs_" + 43 */
#define CSRF_LEN 43
#define CSRF_HEADER "X-CSRF-Token"

/* Lifetimes, in seconds (serve --session-idle, --session-max). */
#define SESSION_IDLE_DEFAULT (30 * 60)
#define SESSION_MAX_DEFAULT (12 * 3600)
#define SESSION_LIFE_MAX (30 * 86400)
/* Failed sign-ins allowed per name, and per client address, within a
 * window (throttle.h). */
#define SIGNIN_FAILS_NAME 5
#define SIGNIN_FAILS_ADDR 20
#define SIGNIN_WINDOW (15 * 60)

/* Find the session cookie in a Cookie header: 1 with its value in out
 * (a well-formed "cs_" value), 0 when there is none, -1 when the cookie
 * is there but malformed.  header may be NULL. */
int session_cookie(const char *header, char out[SESSION_LEN + 1]);

/* A new cookie value and its hash. */
void session_new(char out[SESSION_LEN + 1], uint8_t hash[CN_HASH_LEN]);
/* The CSRF token of a cookie value. */
void session_csrf(const char *value, char out[CSRF_LEN + 1]);

/* Whether a request comes from this server's own pages, as far as its
 * Sec-Fetch-Site and Origin headers say (absent headers say nothing: a
 * client that is no browser sends neither). */
int session_same_origin(const struct http_request *req);

/* Set (value, for max_age seconds) or clear (value NULL) the cookie. */
void session_set_cookie(struct http_response *res, const char *value,
			int64_t max_age);

/* The fields of a sign-in body, {"name": "...", "password": "..."} and
 * nothing else, the name well-formed and the password within bounds
 * (app/people.h): 0 with *name and *pw pointing into o, or -1 with the
 * reason, naming the field, in why (never the password itself). */
int signin_fields(const json_t *o, const char **name, const char **pw,
		  size_t *pwlen, char *why, size_t n);

/* Sign-in's common part, by password (api_session.c) or by passkey
 * (api_passkeys.c).  signin_throttled: 429 answered (1) when the client's
 * address, or name when not NULL, failed too often lately; else 0.
 * signin_failed counts a failure against both.  signin_prepare fills a
 * pending job's people_args (submit.h) with pe and a new session;
 * result_signed_in answers its success: the cookie and the CSRF token. */
struct pending;
int signin_throttled(struct ctx *x, const char *name);
void signin_failed(struct ctx *x, const char *name);
void signin_prepare(struct ctx *x, struct pending *p,
		    const struct cn_person *pe);
void result_signed_in(struct ctx *x, const struct pending *p);

/* The principal of the session whose cookie hashes to `hash`, into
 * x->who (its CSRF token left alone): 0; CN_ENOTFOUND with *why the
 * words of a 401 when it is unknown, ended, its person disabled, or
 * expired; another error when the store cannot be read. */
int session_principal(struct ctx *x, const uint8_t hash[CN_HASH_LEN],
		      struct cn_session *s, const char **why,
		      struct cn_err *err) CN_NODISCARD;

/* The request's session, when it carries no Authorization and a session
 * cookie: resolve it into x->who (checking its expiry, marking it seen; its
 * hash into x->session_hash, for a stream to check again),
 * and refuse a write without CSRF token or from another site.  0 when
 * the request goes on (the public without a cookie, or the session's
 * person); -1 after answering (401, clearing the cookie, for one that is
 * malformed, unknown, ended or expired; 403 for CSRF). */
int session_enter(struct ctx *x);

#endif
