/*
 * event_type.h - the one table of event types.
 *
 * Every kind of event the log can hold is one row here: its name, the
 * payload fields it must carry, the registry entity or proposal it
 * changes (and where in the payload that entity's key is), what kind of
 * statement it is, and the function that folds it into the world.  Every
 * other module asks this table instead of comparing type strings, so
 * adding an event type means adding one row (and its apply function).
 *
 * Ownership: rows are static and live for the program's lifetime.
 * Pure code: no I/O, no allocation.
 */
#ifndef CN_EVENT_TYPE_H
#define CN_EVENT_TYPE_H

#include "err.h"

struct cn_world;
struct cn_event;

enum cn_ev {
	CN_EV_ALLIANCE_FOUNDED,
	CN_EV_MEMBER_ADMITTED,
	CN_EV_PARTNER_ADDED,
	CN_EV_BODY_ESTABLISHED,
	CN_EV_OFFICE_OPENED,
	CN_EV_OFFICE_CLOSED,
	CN_EV_KEY_REGISTERED,
	CN_EV_PROPOSAL_CREATED,
	CN_EV_POSITION_STATED,
	CN_EV_RESERVATION_LIFTED,
	CN_EV_SILENCE_BROKEN,
	CN_EV_COMMENT_MADE,
	CN_EV_DEADLINE_EXTENDED,
	CN_EV_TEXT_RECIRCULATED,
	CN_EV_PROCEDURE_CONCLUDED,
	CN_EV_BODY_AMENDED,
	CN_EV_PROPOSAL_SUPERSEDED,
	CN_EV_VOTE_CAST,
	CN_EV_WRITTEN_REFUSED,
	CN_EV_COUNT
};

/* The entity an event changes; its projection rows are rewritten. */
enum cn_entity {
	CN_ENT_ALLIANCE,
	CN_ENT_MEMBER,
	CN_ENT_PARTNER,
	CN_ENT_BODY,
	CN_ENT_OFFICE,
	CN_ENT_PROPOSAL,
};

/* Flags of a row. */
enum {
	/* Changes the registry (readers that cache it must rebuild). */
	CN_EVT_REGISTRY = 1 << 0,
	/* A delegation's statement on a proposal: it may carry the
	 * delegation's signature (signed_position, signed_text). */
	CN_EVT_STATEMENT = 1 << 1,
	/* On the record only: folds into no state, so nothing to project. */
	CN_EVT_RECORD_ONLY = 1 << 2,
	/* Changes one member's ballot: only that member's positions row is
	 * rewritten. */
	CN_EVT_BALLOT = 1 << 3,
	/* Part of a proposal's public record: shown to a principal who sees
	 * the proposal redacted (its opening and its conclusion). */
	CN_EVT_PUBLIC_RECORD = 1 << 4,
	/* The structure signatures are checked against (registry, keys,
	 * proposals, revisions): a verifier of an export folds it. */
	CN_EVT_STRUCTURE = 1 << 5,
	/* Allowed on a concluded proposal. */
	CN_EVT_AFTER_CONCLUSION = 1 << 6,
};

struct cn_event_type {
	enum cn_ev id;
	const char *name;                /* "member.admitted" */
	enum cn_entity entity;
	/* Where the entity's key is in the payload: key[0], or key[1] inside
	 * the object key[0]; an integer for proposals. */
	const char *key[2];
	const char *const *required;     /* payload fields, NULL-terminated */
	unsigned flags;
	/* Statements: the position name in the signed message (NULL: the
	 * payload's "position") and the payload field of the signed text. */
	const char *signed_position;
	const char *signed_text;
	/* Fold the event into the world (fold.c).  Called only after the
	 * required fields were checked present. */
	int (*apply)(struct cn_world *w, const struct cn_event *ev,
		     struct cn_err *err);
};

/* The row of a type name, or NULL for a type the log does not know. */
const struct cn_event_type *cn_event_type_find(const char *name);
/* The row of an id (id < CN_EV_COUNT). */
const struct cn_event_type *cn_event_type_get(enum cn_ev id);
/* The entity's name, as the projections and messages call it. */
const char *cn_entity_name(enum cn_entity e);

#endif
