/*
 * procedure_step.h - core-internal: the steps the commands of procedure.h
 * share, defined in procedure.c: putting events in the outbox, building
 * their payloads, finding the proposal a command acts on and a member's
 * ballot in it, and concluding a procedure with its decision's effects.
 * The commands themselves live one concept a file: procedure_propose.c
 * (opening a proposal), procedure_respond.c (a delegation's positions,
 * silence breaks and signing key), procedure_secretariat.c (extend,
 * recirculate, conclude, withdraw), procedure_vote.c (votes) and
 * procedure_tick.c (the clock).
 *
 * Not for use outside src/core/procedure*.c: everyone else calls the
 * commands of procedure.h.  Ownership: the outbox owns what is emitted
 * into it; the proposals and ballots found are the world's, borrowed.
 */
#ifndef CN_PROCEDURE_STEP_H
#define CN_PROCEDURE_STEP_H

#include <jansson.h>
#include <stdint.h>

#include "procedure.h"

/* Add an event to the outbox.  Takes the payload reference (NULL: out of
 * memory building it). */
int cn_outbox_emit(struct cn_outbox *box, int64_t time, enum cn_ev type,
		   json_t *payload, struct cn_err *err);

/* Add an event done by proposal p's body: its conclusion, and the
 * registry changes its decision makes. */
int cn_outbox_emit_decision(struct cn_outbox *box,
			    const struct cn_proposal *p, int64_t time,
			    enum cn_ev type, json_t *payload,
			    struct cn_err *err);

/* o[key] = v (taken), or NULL with o released when that fails: a payload
 * is emitted whole or not at all. */
json_t *cn_payload_with(json_t *o, const char *key, json_t *v);

/* The open proposal `id` into *out, checking that `now` comes no earlier
 * than its latest event (timeline.h); CN_ENOTFOUND or CN_ECONCLUDED when
 * there is no such open proposal. */
int cn_procedure_open(const struct cn_world *w, int64_t id, int64_t now,
		      const struct cn_proposal **out, struct cn_err *err);

/* A silence that was broken, ending the procedure: allies may still join
 * the break until its deadline. */
int cn_procedure_broken_silence(const struct cn_proposal *p);

/* Member `code`'s ballot on p, NULL when it is not in the electorate. */
const struct cn_ballot *cn_procedure_ballot(const struct cn_proposal *p,
					    const char *code);

/* Why `code` cannot state a position on p: outside its frozen
 * electorate, for whichever reason.  Always an error status. */
int cn_procedure_not_in_electorate(const struct cn_world *w,
				   const struct cn_proposal *p,
				   const char *code, struct cn_err *err);

/* Conclude p at `at` with the evaluated verdict (not pending); adds the
 * effects' registry events when adopted, or records that the decision
 * lapsed when an effect no longer fits the registry. */
int cn_procedure_conclude(const struct cn_world *w,
			  const struct cn_proposal *p, int64_t at,
			  const struct cn_rule_result *r,
			  struct cn_outbox *box, struct cn_err *err);

#endif
