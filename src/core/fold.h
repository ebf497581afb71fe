/*
 * fold.h - core-internal: the apply function of each event type, which
 * the event-type table (event_type.c) points at.  Each folds one event
 * into the world; cn_world_apply() (world.h, fold.c) checks the sequence
 * and the required payload fields first, and re-codes any failure but
 * running out of memory as a corrupt log.
 *
 * Not for use outside src/core/: everyone else calls cn_world_apply().
 * Ownership: the apply functions take references to what the world keeps
 * from the event's payload; the event stays the caller's.
 */
#ifndef CN_FOLD_H
#define CN_FOLD_H

#include "event.h"
#include "world.h"

/* deadlines.c: put proposal p in the deadline index, or take it out,
 * as its state now says (called by cn_world_apply after each proposal
 * event).  CN_ENOMEM only. */
int cn_deadlines_track(struct cn_world *w, struct cn_proposal *p,
		       struct cn_err *err);

int cn_fold_alliance(struct cn_world *w, const struct cn_event *ev,
		     struct cn_err *err);
int cn_fold_member(struct cn_world *w, const struct cn_event *ev,
		   struct cn_err *err);
int cn_fold_partner(struct cn_world *w, const struct cn_event *ev,
		    struct cn_err *err);
int cn_fold_body(struct cn_world *w, const struct cn_event *ev,
		 struct cn_err *err);
int cn_fold_office_opened(struct cn_world *w, const struct cn_event *ev,
			  struct cn_err *err);
int cn_fold_office_closed(struct cn_world *w, const struct cn_event *ev,
			  struct cn_err *err);
int cn_fold_key(struct cn_world *w, const struct cn_event *ev,
		struct cn_err *err);
int cn_fold_proposal_created(struct cn_world *w, const struct cn_event *ev,
			     struct cn_err *err);
/* Every event about an existing proposal (position.stated ...
 * procedure.concluded): finds the proposal, checks a delegation
 * signature, then changes the ballot, deadline, text or outcome. */
int cn_fold_proposal_event(struct cn_world *w, const struct cn_event *ev,
			   struct cn_err *err);

/* fold_proposal.c: proposal.created with what fold.c's opening does not
 * read (frozen weights, what breaks silence, the proposal it supersedes);
 * position.stated and reservation.lifted with what the position's record
 * says beside it (signed, public); silence.broken, one ally's letter or
 * a joint one, ending the procedure or joining the break that ended it;
 * proposal.superseded; and the other proposal events, through
 * cn_fold_proposal_event, keeping each proposal's latest time. */
int cn_fold_proposal_opened(struct cn_world *w, const struct cn_event *ev,
			    struct cn_err *err);
int cn_fold_statement(struct cn_world *w, const struct cn_event *ev,
		      struct cn_err *err);
int cn_fold_silence_broken(struct cn_world *w, const struct cn_event *ev,
			   struct cn_err *err);
int cn_fold_superseded(struct cn_world *w, const struct cn_event *ev,
		       struct cn_err *err);
int cn_fold_proposal_step(struct cn_world *w, const struct cn_event *ev,
			  struct cn_err *err);
/* fold_vote.c: vote.cast, a member's vote in a roll-call or written vote;
 * written.refused, a member refusing the written procedure (core/vote.h). */
int cn_fold_vote_cast(struct cn_world *w, const struct cn_event *ev,
		      struct cn_err *err);
int cn_fold_written_refused(struct cn_world *w, const struct cn_event *ev,
			    struct cn_err *err);
/* fold_body.c: body.amended, a body's name, rule, default procedure,
 * silence breaks or membership changed by a decision from a date. */
int cn_fold_body_amended(struct cn_world *w, const struct cn_event *ev,
			 struct cn_err *err);

#endif
