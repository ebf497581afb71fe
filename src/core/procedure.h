/*
 * procedure.h - the decision procedures as state machines over events.
 *
 * A command reads the world, checks the request against the procedure's
 * state and the time `now`, and on success fills an outbox with the events
 * that record it.  It never changes the world: the caller appends the
 * events to the log and folds them in (cn_world_apply), all in one
 * transaction, so a refused command changes nothing.
 *
 * Procedures (see docs/ARCHITECTURE.md):
 *   meeting       members state positions; the chair concludes; the body's
 *                 rule decides.  Level and place are recorded.
 *   silence       circulated with a deadline; an objection (and, where the
 *                 procedure allows it, a proposed amendment) breaks
 *                 silence and ends it at once, not adopted, naming who
 *                 broke it; allies writing before the deadline join the
 *                 break, alone or in a joint letter, and the outcome names
 *                 them all.  At the deadline, unbroken, it is adopted
 *                 (silence is consent).  A standing reservation holds it.
 *                 The secretariat may extend the deadline or recirculate
 *                 a revised text, which starts a new silence period; once
 *                 silence is broken, recirculating takes the matter up in
 *                 a new proposal that supersedes the broken one.
 *   ratification  every member of the electorate must ratify (concur); no
 *                 deadline; adopted when the last one ratifies.
 *   vote          a roll-call vote at a meeting: members vote yes, no,
 *                 abstain or not participating (core/vote.h) and may
 *                 change their vote until the chair closes it; the rule
 *                 decides, a member who has not voted counts as not
 *                 participating, and the conclusion records the count.
 *   written       the EU Council's ordinary written procedure: a written
 *                 vote circulated with a deadline.  Its use needs every
 *                 member's agreement, so a member refusing it ends it at
 *                 once, not adopted; otherwise it is counted at the
 *                 deadline, or when the chair closes it once every member
 *                 has voted.  (Its silence variant is `silence`.)
 * A body may name several rules (`rules` in its record: {name: {rule,
 * source, concerned?}}): a proposal chooses one by name, or takes the
 * body's `rule`.  A rule marked `concerned` (the OSCE's consensus minus
 * one) is applied without the State concerned, which the proposal names
 * and which is left out of the frozen electorate.
 * Effects carried by a proposal (effect.h) are turned into registry events
 * only when it is adopted, in the same outbox as the conclusion.
 *
 * The outbox names each event by its type's id (event_type.h).  An event
 * with no actor of its own is recorded with the actor the caller was given
 * for the command (a delegation, the secretariat, the clock); a decision
 * is the body's, so a conclusion and the registry events of its effects
 * carry the actor "body:ID", whoever's statement or clock brought it
 * about.
 *
 * Times are checked against the proposal's history (timeline.h): no
 * command dates an event of a proposal before its latest one.
 *
 * Ownership: the outbox owns its payloads; release it with
 * cn_outbox_release().  Pure code: no I/O, no clock.
 */
#ifndef CN_PROCEDURE_H
#define CN_PROCEDURE_H

#include <jansson.h>
#include <stdint.h>

#include "err.h"
#include "event_type.h"
#include "world.h"
/* Not needed here; included so that modules which showed proposals
 * through this header before proposal_view.h existed keep building. */
#include "proposal_view.h"

#define CN_ACTOR_MAX 32

struct cn_outbox_item {
	int64_t time;
	enum cn_ev type;
	json_t *payload; /* owned */
	char actor[CN_ACTOR_MAX]; /* "": the command's actor */
};

struct cn_outbox {
	struct cn_outbox_item *items;
	size_t n;
};

void cn_outbox_release(struct cn_outbox *box);

struct cn_propose_args {
	const char *body;
	const char *title;
	const char *text;      /* may be NULL */
	const char *procedure; /* NULL: the body's default */
	const char *deadline;  /* ISO 8601; required for silence only */
	const char *level;     /* meeting: permanent-representatives, ... */
	const char *place;
	const char *proposer;  /* NULL: "secretariat" */
	int shared;            /* shared with partners */
	const json_t *effects; /* array of effect objects, may be NULL */
	/* A matter taken up again: the concluded, not adopted, proposal this
	 * one supersedes (0: none).  Body, title, text, effects and proposer
	 * default to its own; shared if it was. */
	int64_t supersedes;
	/* Silence only: what breaks it, ["object"] or ["object", "amend"]
	 * (NULL: the body's silence_breaks, else an objection only). */
	const json_t *breaks;
	/* One of the body's named rules (its `rules`); NULL: the body's
	 * rule. */
	const char *rule;
	/* The State concerned, for a rule marked `concerned`: decided
	 * without it (left out of the electorate). */
	const char *concerned;
};

/* The meeting levels: permanent representatives, foreign or defence
 * ministers, heads of state and government; a decision has the same
 * authority at every level. */
int cn_level_valid(const char *level);

int cn_cmd_propose(const struct cn_world *w, int64_t now,
		   const struct cn_propose_args *a, struct cn_outbox *box,
		   int64_t *new_id, struct cn_err *err) CN_NODISCARD;

enum cn_act {
	CN_ACT_POSITION, /* pos says which */
	CN_ACT_LIFT,     /* lift one's reservation */
	CN_ACT_COMMENT,  /* on the record; never breaks silence */
	/* A proposed amendment (text): breaks silence where the procedure
	 * allows it (the OSCE's). */
	CN_ACT_AMEND,
};

struct cn_respond_args {
	int64_t proposal;
	const char *member;
	enum cn_act act;
	enum cn_pos pos;
	const char *text;  /* reason, footnote text or comment */
	int declared;      /* abstention with formal declaration */
	/* Optional: base64 Ed25519 signature by the delegation's registered
	 * key over cn_position_message(); refused when it does not verify. */
	const char *signature;
	/* Breaking silence: the other members who sign the same letter (a
	 * JSON array of codes, may be NULL). */
	const json_t *joint;
	/* A footnote the delegation makes public with the decision, if the
	 * decision is adopted (default: confidential). */
	int public_note;
};

/* Register (or rotate) a member delegation's public key (a note vkey). */
int cn_cmd_register_key(const struct cn_world *w, int64_t now,
			const char *member, const char *vkey,
			struct cn_outbox *box, struct cn_err *err) CN_NODISCARD;

int cn_cmd_respond(const struct cn_world *w, int64_t now,
		   const struct cn_respond_args *a, struct cn_outbox *box,
		   struct cn_err *err) CN_NODISCARD;

int cn_cmd_extend(const struct cn_world *w, int64_t now, int64_t id,
		  const char *deadline, struct cn_outbox *box,
		  struct cn_err *err) CN_NODISCARD;
int cn_cmd_recirculate(const struct cn_world *w, int64_t now, int64_t id,
		       const char *text, const char *deadline,
		       struct cn_outbox *box, struct cn_err *err) CN_NODISCARD;
int cn_cmd_conclude(const struct cn_world *w, int64_t now, int64_t id,
		    struct cn_outbox *box, struct cn_err *err) CN_NODISCARD;
int cn_cmd_withdraw(const struct cn_world *w, int64_t now, int64_t id,
		    const char *reason, struct cn_outbox *box,
		    struct cn_err *err) CN_NODISCARD;

/* A member's vote in a roll-call or written vote, or (refuse) its
 * refusal of the written procedure. */
struct cn_vote_args {
	int64_t proposal;
	const char *member;
	const char *vote;     /* yes, no, abstain, not-participating */
	const char *text;     /* explanation of vote (optional) */
	int declared;         /* an abstention with a formal declaration */
	const char *refuse;   /* written only: the reason it is refused */
};

int cn_cmd_vote(const struct cn_world *w, int64_t now,
		const struct cn_vote_args *a, struct cn_outbox *box,
		struct cn_err *err) CN_NODISCARD;

/* Conclude every silence procedure and written vote whose deadline is at
 * or before `now`, each at its deadline (not at `now`).  One held by a
 * reservation stays open.  Adds nothing when nothing is due. */
int cn_cmd_tick(const struct cn_world *w, int64_t now, struct cn_outbox *box,
		struct cn_err *err) CN_NODISCARD;

#endif
