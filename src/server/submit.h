/*
 * submit.h - the one way a write is queued and answered.
 *
 * A handler parses and checks a write on its HTTP thread, then hands it to
 * the writer (writer.h) as a pending job: the command, its arguments, and
 * a result builder that makes the 2xx answer once the job is durable.  The
 * connection is suspended meanwhile (the pool thread serves others); the
 * writer's callback answers it.  A refused or failed job is answered from
 * its error (reply_err, ctx.h), whatever the builder.
 *
 * Ownership: a pending job owns the parsed request body its arguments
 * point into, since the handler returns before the command runs; it is
 * freed once answered.
 */
#ifndef CN_SUBMIT_H
#define CN_SUBMIT_H

#include <jansson.h>
#include <stdint.h>

#include "../app/app.h"
#include "../core/timeutil.h"
#include "ctx.h"
#include "writer.h"

/* The arguments of a key registration (POST /api/v1/keys). */
struct key_args {
	const char *member, *vkey;
};

/* A calendar feed key made (POST /api/v1/calendar/feeds) or revoked
 * (.../{id}/revoke), for the principal's own token. */
struct feed_args {
	int64_t owner;              /* the principal's token (owner.h) */
	int64_t person;             /* a person's: its id (owner_job) */
	int64_t id;                 /* the feed: made (out) or to revoke */
	const char *label;          /* may be NULL */
	uint8_t hash[CN_HASH_LEN];  /* of the new key */
	char url[400];              /* the subscribe URL, key included */
	char created[CN_TIME_BUF];  /* out */
};

/* A webhook made (POST /api/v1/webhooks) or revoked (.../{id}/revoke)
 * for the principal's own token or person (owner.h): hook.owner, url,
 * secret and types are the request's; id, created and cursor are filled
 * by the job, and for a person (person > 0) hook.owner too. */
struct hook_args {
	struct cn_webhook hook;
	int64_t person;
};

/* A person made or disabled (POST /api/v1/people, .../{id}/disable), or
 * a session begun or ended (POST and DELETE /api/v1/session, or with a
 * passkey: POST /api/v1/session/passkey): the person, its id (out when
 * made), the session and its cookie value, a stronger hash to store
 * (rehash), the passkey signed in with and its new counter, and the
 * time the job ran (out). */
struct people_args {
	struct cn_person person;
	int64_t id;
	int64_t passkey, sign_count;
	struct cn_session session;
	char cookie[48];
	int rehash;
	int64_t idle;               /* the server's session idle time */
	char when[CN_TIME_BUF];
};

/* A passkey registered (POST /api/v1/passkeys: key in, id out) or
 * removed (DELETE /api/v1/passkeys/{id}: key.id and key.person in). */
struct passkey_args {
	struct cn_passkey key;
	char when[CN_TIME_BUF];
};

struct pending;

/* Make the answer of a job that succeeded.  When the answer comes later,
 * x carries only its response: a builder reads p, not the request. */
typedef void (*pending_result_fn)(struct ctx *x, const struct pending *p);

struct pending {
	struct writer_job job;
	union {
		struct key_args key;
		struct feed_args feed;
		struct hook_args hook;
		struct people_args people;
		struct passkey_args passkey;
		struct cn_propose_args propose;
		struct cn_respond_args respond;
		struct cn_app_secretariat_args sec;
		struct cn_vote_args vote;
	} a;                       /* the command's arguments */
	json_t *body;              /* the parsed request; a points into it */
	char actor[CN_ACTOR_LEN];  /* recorded with the events */
	char member[CN_CODE_MAX];  /* the principal's code */
	int64_t token;             /* the principal's token id */
	struct standby *standby;   /* told of the write (standby.h), or NULL */
	pending_result_fn result;
	struct http_deferred *d;
};

/* A pending job for x's principal, owning body (NULL: none).  NULL after
 * answering 500 when out of memory (body is released). */
struct pending *pending_new(struct ctx *x, json_t *body);

/* Queue p to run fn on its arguments (p->a) and answer x once the job is
 * durable or refused.  proposal: the one the job acts on, whose view
 * the writer returns in p->job.result (0: the one it creates; -1: none). */
void pending_submit(struct ctx *x, struct pending *p, cn_command_fn fn,
		    int64_t proposal, pending_result_fn result);

/* Queue p to run a store write (writer.h, writer_store_fn) on p->a, and
 * answer as pending_submit does. */
void pending_submit_store(struct ctx *x, struct pending *p,
			  writer_store_fn fn, pending_result_fn result);

/* Result builders: the proposal as the job left it, 200 or 201. */
void result_view(struct ctx *x, const struct pending *p);
void result_created(struct ctx *x, const struct pending *p);

#endif
