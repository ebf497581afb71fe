/*
 * ctx.h - what every route handler gets and how it answers: the server's
 * shared state (struct cn_api), one request's context (struct ctx), and
 * the reply builders (reply.c), which fill the response struct of http.h.
 *
 * Ownership: a ctx lives for one handler call and borrows everything it
 * points to.  Each reply_* replaces x->res->body with a new malloc'd body,
 * which the HTTP layer frees after sending.
 */
#ifndef CN_CTX_H
#define CN_CTX_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "../app/reader.h"
#include "../core/err.h"
#include "auth.h"
#include "http.h"
#include "mail.h"

struct writer;
struct cache;
struct standby;

/* A registry key in a path, and its NUL. */
#define CN_KEY_MAX 16

struct challenges;

/* Set up by cn_serve (serve.c), read-only while the server runs. */
struct cn_api {
	char db[512];
	char web[512];          /* directory of the web page, "" for none */
	struct writer *writer;
	pthread_key_t cache_key; /* this thread's struct cache (cache.h) */
	/* --read-db's standby (standby.h), or NULL: reads it may answer. */
	struct standby *standby;
	/* The public and partners see checkpoints only at multiples of
	 * this many seconds (0: every one; access.h). */
	int64_t public_checkpoint_every;
	/* Webhooks may name and reach loopback and private addresses
	 * (serve --webhooks-allow-local; hooks.h). */
	int webhooks_allow_local;
	/* Attempts a delivery gets before it is failed (serve
	 * --webhook-attempts, 1 to CN_HOOK_ATTEMPTS_MAX; hooks.h). */
	int64_t webhook_attempts;
	/* serve --smtp and --mail-from (mail.h); url "": no e-mail. */
	struct mail_conf mail;
	/* Sessions (session.h): idle and absolute lifetimes, in seconds
	 * (serve --session-idle, --session-max); and the failed sign-ins
	 * counted per account and per client address (throttle.h). */
	int64_t session_idle, session_max;
	struct throttle *signin_name, *signin_addr;
	/* Passkeys (api_passkeys.c): the Relying Party's id and the origin
	 * the browser must report (serve --rp-id, --origin; "" when not
	 * set, and the passkey routes refuse), how long a challenge lives
	 * (--passkey-challenge-life), and the challenges out (challenge.h). */
	char rp_id[254];
	char origin[272];
	int64_t challenge_life;
	struct challenges *challenges;
};

struct ctx {
	struct cn_api *api;
	struct cache *cache;        /* this thread's (cache.h) */
	struct cn_reader *rd;       /* the cache's reader */
	const struct cn_world *reg; /* the registry, as of the last commit */
	const struct http_request *req;
	struct http_response *res;
	struct cn_principal who;
	int64_t id;     /* {id} in the path */
	char key[CN_KEY_MAX]; /* {key} in the path (a body's id), or "" */
	int64_t now;    /* the wall clock when the request arrived */
	/* A person's session (session.h): the SHA-256 of its cookie, when
	 * x->who.person is set. */
	uint8_t session_hash[CN_HASH_LEN];
};

/* A JSON answer (takes the reference to v). */
void reply_json(struct ctx *x, int status, json_t *v);
/* A JSON answer already made: takes the malloc'd text (NULL: 500, the
 * answer could not be made). */
void reply_text(struct ctx *x, int status, char *text, size_t len);
/* {"error": {"code", "message"}} with the given status. */
void reply_error(struct ctx *x, int status, const char *code, const char *fmt,
		 ...) CN_PRINTF(4, 5);
/* An engine error, mapped to its HTTP status (docs/ARCHITECTURE.md,
 * "Errors"). */
void reply_err(struct ctx *x, const struct cn_err *e);
/* 200 with JSON text already made (copied). */
void reply_bytes(struct ctx *x, const char *bytes, size_t len);
/* 404: what does not exist, and what the principal may not see, alike. */
void not_found(struct ctx *x);

#endif
