/*
 * handlers.h - the route handlers, by resource, as the route table in
 * api.c names them.  Each takes the request's context (ctx.h), checks
 * access (access.h) and answers through x->res.
 *
 *   api_registry.c    health, whoami, members, bodies, partners, offices
 *   api_proposals.c   proposals: list, view, propose, positions, the
 *                     secretariat's actions
 *   api_history.c     one proposal with its events, through sight
 *   api_log.c         the log, its key, checkpoints and proofs
 *   api_stream.c      the log as it grows, by Server-Sent Events
 *   api_keys.c        a delegation's signing key
 *   api_webhooks.c    a token's or person's webhooks and their delivery
 *                     logs (owner.h: whose they are)
 *   api_analysis.c    who can block and who holds power: a body's rule
 *                     on a date, a proposal through sight
 */
#ifndef CN_HANDLERS_H
#define CN_HANDLERS_H

#include "ctx.h"

void h_health(struct ctx *x);
void h_whoami(struct ctx *x);
void h_calendar(struct ctx *x);
void h_feed_new(struct ctx *x);
/* api_passkeys.c */
void h_passkey_options(struct ctx *x);
void h_passkey_new(struct ctx *x);
void h_passkeys(struct ctx *x);
void h_passkey_remove(struct ctx *x);
void h_signin_options(struct ctx *x);
void h_signin_passkey(struct ctx *x);
/* api_session.c, api_people.c */
void h_session(struct ctx *x);
void h_session_new(struct ctx *x);
void h_session_end(struct ctx *x);
void h_people(struct ctx *x);
void h_person_new(struct ctx *x);
void h_person_disable(struct ctx *x);
void h_feeds(struct ctx *x);
void h_feed_revoke(struct ctx *x);
void h_webhooks(struct ctx *x);
void h_webhook_new(struct ctx *x);
void h_webhook(struct ctx *x);
void h_webhook_revoke(struct ctx *x);
void h_webhook_deliveries(struct ctx *x);
void h_members(struct ctx *x);
void h_bodies(struct ctx *x);
void h_partners(struct ctx *x);
void h_offices(struct ctx *x);

void h_proposals(struct ctx *x);
void h_search(struct ctx *x);
void h_proposal(struct ctx *x);
void h_propose(struct ctx *x);
void h_position(struct ctx *x);
void h_vote(struct ctx *x);
void h_extend(struct ctx *x);
void h_recirculate(struct ctx *x);
void h_conclude(struct ctx *x);
void h_withdraw(struct ctx *x);

void h_proposal_events(struct ctx *x);

void h_log(struct ctx *x);
void h_events_stream(struct ctx *x);
void h_log_key(struct ctx *x);
void h_log_checkpoint(struct ctx *x);
void h_proof_inclusion(struct ctx *x);
void h_proof_consistency(struct ctx *x);

void h_keys(struct ctx *x);

void h_body_analysis(struct ctx *x);
void h_proposal_analysis(struct ctx *x);

/* The events x->who sees among from..upto, at most limit, as GET
 * /api/v1/log shows each (api_log.c), appended to the array `events`;
 * *next is the next one it sees after them (0: none up to upto).  st is
 * this thread's lists connection (cache_lists).  The stream's messages
 * are made by it, so the stream and the log never differ. */
struct cn_store;
int log_page(struct ctx *x, struct cn_store *st, int64_t from, int64_t upto,
	     int64_t limit, json_t *events, int64_t *next, struct cn_err *err)
	CN_NODISCARD;

#endif
