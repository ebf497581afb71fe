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
 *   api_keys.c        a delegation's signing key
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
void h_feeds(struct ctx *x);
void h_feed_revoke(struct ctx *x);
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
void h_log_key(struct ctx *x);
void h_log_checkpoint(struct ctx *x);
void h_proof_inclusion(struct ctx *x);
void h_proof_consistency(struct ctx *x);

void h_keys(struct ctx *x);

void h_body_analysis(struct ctx *x);
void h_proposal_analysis(struct ctx *x);

#endif
