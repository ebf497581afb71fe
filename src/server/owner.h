/*
 * owner.h - whose a principal's subscriptions are: the webhooks, e-mail
 * subscriptions (api_webhooks.c) and calendar feeds (api_feeds.c) it
 * makes, lists and revokes belong to one row of the tokens table, their
 * owner.  For a bearer token, that token; for a person signed in by a
 * session, the person's holder (store.h, cn_store_person_holder), made
 * with its first subscription.  So a person's subscriptions are its
 * own: another person of the same delegation, or a token of it, owns
 * another row and sees none of them (404, as another token's).  They
 * read what the person's principal may see, as a token's do, and stop
 * when the person is disabled.
 */
#ifndef CN_SERVER_OWNER_H
#define CN_SERVER_OWNER_H

#include "ctx.h"

/* The owner row of x's principal into *owner, read from st: 0; 1 when
 * the principal is a person who owns nothing yet (the caller lists none
 * and finds none); -1 after answering (401 for the public, which owns
 * nothing and may not, with `why`; 500 when the store fails). */
int owner_read(struct ctx *x, struct cn_store *st, const char *why,
	       int64_t *owner);

/* In a store job (submit.h), before a subscription is made: for a
 * person (person > 0), its holder's id into *owner, made if need be
 * (CN_ENOTFOUND when the person was disabled meanwhile); for a token
 * (person 0), *owner stays the token's. */
int owner_job(struct cn_store *st, int64_t person, int64_t now,
	      int64_t *owner, struct cn_err *err) CN_NODISCARD;

#endif
