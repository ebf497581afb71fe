/*
 * world.h - the state of one alliance: its registry (members, partners,
 * bodies with dated membership, offices) and its proposals, as a fold of
 * the event log.
 *
 * The world is only ever changed by cn_world_apply(); the same events in
 * the same order always give the same world.  Commands (procedure.h)
 * read the world to validate a request and produce events; they never
 * change it themselves.
 *
 * Every registry query takes a time `at` (seconds since epoch, UTC): "who
 * were the members on 2003-02-16?".  Membership is half-open: a member
 * belongs from its accession (inclusive) until its exit (exclusive).
 *
 * The world's contract is this header; world.c holds its lifetime,
 * lookups and as-of queries, fold.c the fold (cn_world_apply and the apply
 * function of each event type).
 *
 * Ownership: the world owns every entity and every string in it; pointers
 * returned by lookups are borrowed and valid until the next
 * cn_world_apply() or cn_world_free() (and, in a world with a pager, its
 * next sweep).  Not thread-safe: one writer.
 * Pure code: no I/O, no clock.
 */
#ifndef CN_WORLD_H
#define CN_WORLD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "event.h"
#include "rule.h"
/* Not needed here; included so that callers of world.h keep finding the
 * coordinates, the treaty-area check and the signature checks, which
 * lived in world.c before they had modules of their own. */
#include "signature.h"
#include "treaty.h"

#define CN_CODE_MAX 8

enum cn_clause_kind { CN_CLAUSE_ALL, CN_CLAUSE_ALL_EXCEPT, CN_CLAUSE_LIST };

/* One dated clause of a body's membership. */
struct cn_clause {
	enum cn_clause_kind kind;
	char (*codes)[CN_CODE_MAX]; /* the exceptions or the explicit list */
	size_t ncodes;
	int64_t from, to;           /* [from, to); CN_TIME_NONE when open */
};

struct cn_member {
	char code[CN_CODE_MAX];
	const char *name;           /* borrowed from record */
	int64_t accession, exit;    /* exit is CN_TIME_NONE while a member */
	json_t *record;             /* the dataset record, with its source */
	/* The delegation's registered Ed25519 key (key.registered events;
	 * a later registration rotates it).  key_vkey is NULL without one. */
	char *key_vkey;
	char *key_name;
	uint8_t key_pk[32];
};

/* A partner's status on a date (data/README.md, "partners"). */
enum cn_partner_status {
	CN_PARTNER_NONE,            /* not (yet) a partner, or its start is unknown */
	CN_PARTNER_ACTIVE,
	CN_PARTNER_SUSPENDED,       /* cooperation suspended; still a partner */
	CN_PARTNER_ENDED,           /* left, or became a member */
};
const char *cn_partner_status_name(enum cn_partner_status s);

/* One dated status period of a partnership, [from, to). */
struct cn_partner_period {
	enum cn_partner_status status;
	int64_t from, to;           /* to is CN_TIME_NONE while it lasts */
	const json_t *record;       /* the record's period, borrowed; NULL
				     * for the one period of a record that
				     * has no "periods" */
};

struct cn_partner {
	char code[CN_CODE_MAX];
	const char *name, *framework;
	/* The partnership is counted from `since` (its day, or the sourced
	 * bound named by since_bound when the day is unknown; CN_TIME_NONE
	 * when neither is known: never counted) until `until`, when it
	 * ended (CN_TIME_NONE while it lasts).  A state is never a member
	 * and a partner on the same day: the fold refuses a partnership
	 * over a membership, and ends one at the state's accession. */
	int64_t since, until;
	const char *since_bound;    /* record key of the bound, or NULL */
	struct cn_partner_period *periods; /* contiguous, from `since` */
	size_t nperiods;
	json_t *record;
};

struct cn_body {
	char id[16];
	const char *name, *rule_src, *procedure;
	struct cn_rule *rule;
	int64_t established, dissolved;
	struct cn_clause *clauses;
	size_t nclauses;
	json_t *record;
};

/* Where an office stands on a date. */
enum cn_office_state {
	CN_OFFICE_NOT_YET,          /* before the day it is counted from */
	CN_OFFICE_OPEN,
	CN_OFFICE_CLOSED,           /* closed, or succeeded by another office */
	CN_OFFICE_SUSPENDED,        /* its work suspended by the host */
	CN_OFFICE_UNKNOWN,          /* after its last attested day, or never
				     * attested open */
};
const char *cn_office_state_name(enum cn_office_state s);

struct cn_office {
	const char *id, *name, *country;
	int has_coords;
	int64_t lat_e6, lon_e6;     /* micro-degrees: no floats in the log */
	/* Open on [opened, closed).  An unknown opening day is counted from
	 * a sourced bound (opened_bound names it), and an office with no
	 * bound is never counted (opened CN_TIME_NONE).  `end` says what
	 * `closed` is; closed_bound names a bound used for it. */
	int64_t opened, closed;
	const char *opened_bound, *closed_bound;
	enum cn_office_state end;   /* CLOSED, SUSPENDED or UNKNOWN; OPEN
				     * while closed is CN_TIME_NONE */
	int64_t decision;           /* proposal that opened it, 0 if none */
	json_t *record;
};

/* vote: a roll-call vote at a meeting (yes, no, abstain, not
 * participating), closed by the chair; written: a written vote with a
 * deadline, which a member may refuse (the EU Council's ordinary written
 * procedure).  See procedure.h and core/vote.h. */
enum cn_proc {
	CN_PROC_MEETING, CN_PROC_SILENCE, CN_PROC_RATIFICATION, CN_PROC_VOTE,
	CN_PROC_WRITTEN,
};
const char *cn_proc_name(enum cn_proc p);
int cn_proc_parse(const char *s, enum cn_proc *out);

/* One member of a frozen electorate and its current position. */
struct cn_ballot {
	char code[CN_CODE_MAX];
	enum cn_pos pos;
	int declared;               /* abstain with formal declaration */
	char *text;                 /* reason or footnote text, owned */
	int64_t at;                 /* when the position was last changed */
	/* What else the record says of the position, shown with it (owned;
	 * NULL when nothing): signed_by (the key that signed it), public (a
	 * footnote the delegation made public), amendment (a break of
	 * silence by a proposed amendment), joint (the members of a joint
	 * letter breaking silence).  See fold_proposal.c. */
	json_t *extra;
};

struct cn_proposal {
	int64_t id;
	char body[16];
	char *title, *text, *proposer, *level, *place;
	enum cn_proc proc;
	char *rule_src;             /* the body's rule, frozen at opening */
	struct cn_rule *rule;
	int shared;                 /* visible to partners */
	int revision;
	int64_t opened, deadline;   /* deadline CN_TIME_NONE if none */
	struct cn_ballot *ballots;  /* the electorate, frozen at opening */
	size_t nballots;
	json_t *effects;            /* array, applied only on adoption */
	json_t *revisions;          /* [{revision,text,at,deadline}] */
	int concluded;
	int64_t concluded_at;
	char *outcome;              /* adopted|blocked|failed|withdrawn|lapsed */
	char *explanation;
	json_t *blocking, *holding; /* arrays of codes */
	/* Added by fold_proposal.c (issue 15). */
	json_t *weights;            /* {attr: {code: "value"}} frozen at opening,
				     * or NULL when the rule weighs nothing */
	json_t *breaks;             /* [{members, at, kind}]: every break of
				     * silence, first to last (owned) */
	unsigned silence_breaks;    /* CN_BREAK_* bits: what breaks silence */
	int64_t supersedes;         /* the proposal this one takes up, or 0 */
	int64_t superseded_by;      /* the one that took it up, or 0 */
	int64_t last_at;            /* time of its latest event */
	/* Where the world's deadline index holds it (deadlines.c): under
	 * indexed_deadline while `indexed`. */
	int indexed;
	int64_t indexed_deadline;
	/* Added by fold_proposal.c (issue 13): the body's named rule chosen
	 * (rule_name) and the State concerned, left out of the electorate
	 * (concerned); NULL when neither was given (owned). */
	json_t *extra;
};

/* What breaks a silence procedure: an objection (always), and, where the
 * procedure allows it (the OSCE's), a proposed amendment. */
enum { CN_BREAK_OBJECT = 1 << 0, CN_BREAK_AMEND = 1 << 1 };

/* An entry of the deadline index: an open procedure that concludes at
 * its deadline (silence, written vote). */
struct cn_deadline {
	int64_t deadline;
	int64_t id;
};

/* Where a world may keep proposals outside memory (app/pager.c: a
 * verifier's bounded replay, and the writer's world): such a proposal's
 * slot in w->proposals is NULL, and the pager gives it back.  load: the
 * proposal, malloc'd, whole (CN_ENOTFOUND for a hole, world.h's
 * cn_world_skip_proposals; any other failure is the pager's to report).
 * bytes: its snapshot encoding (core/snapshot.h), borrowed until the
 * pager's next call.  keep (may be NULL): a snapshot's decode hands over
 * a concluded proposal's bytes instead of keeping it in memory
 * (cn_snapshot_decode_paged); nonzero when the pager could not take
 * them.  where (may be NULL): where those bytes are in the pager's own
 * file (*off, *n), for a snapshot planned now and put together later on
 * another thread (cn_snapshot_plan); bytes written there never change. */
struct cn_world_pager {
	int (*load)(void *ctx, int64_t id, struct cn_proposal **out);
	int (*bytes)(void *ctx, int64_t id, const uint8_t **b, size_t *n);
	int (*keep)(void *ctx, int64_t id, const uint8_t *b, size_t n);
	void *ctx;
	int (*where)(void *ctx, int64_t id, uint64_t *off, size_t *n);
};

struct cn_world {
	json_t *alliance;           /* null until alliance.founded */
	struct cn_member *members;   size_t nmembers;
	struct cn_partner *partners; size_t npartners;
	struct cn_body *bodies;      size_t nbodies;
	struct cn_office *offices;   size_t noffices;
	struct cn_proposal **proposals; size_t nproposals; /* id = index+1 */
	size_t cap_proposals;       /* slots allocated (cn_world_room) */
	int64_t last_seq;
	uint8_t last_hash[CN_HASH_LEN];
	/* The deadline index (deadlines.c): every open silence procedure
	 * and written vote with a deadline, by (deadline, id), kept by the
	 * fold, so that the clock finds what is due without looking at
	 * every proposal. */
	struct cn_deadline *deadlines;
	size_t ndeadlines, cap_deadlines;
	/* NULL but for a paged world: see struct cn_world_pager. */
	const struct cn_world_pager *pager;
};

void cn_world_init(struct cn_world *w);
void cn_world_release(struct cn_world *w);
/* Room in w->proposals for `n` proposals in all, grown geometrically (one
 * slot at a time, a record of 100,000 proposals copied its array over and
 * over: a tenth of an export's verify at 10,000): 0, or CN_ENOMEM with the
 * array as it was. */
int cn_world_room(struct cn_world *w, size_t n) CN_NODISCARD;
/* Free a proposal and all it owns (NULL is fine): for cn_world_release(),
 * the fold's failure paths and a pager's proposals. */
void cn_proposal_free(struct cn_proposal *p);

/* ---- the fold (fold.c) ----------------------------------------------- */

/* Fold one event into the world.  The event must be the next in sequence
 * (seq == last_seq + 1).  Fails with CN_ECORRUPT when the payload does not
 * fit its type; the world is then unchanged for registry events and may be
 * partly changed otherwise, so callers discard the world on failure.
 *
 * What the world keeps of the payload it keeps by a counted reference
 * (json_incref, or a node under one), and it never changes a kept part in
 * place (it copies first): verify's reading thread frees an event once
 * every node of its payload counts 1 again (app/eventpipe.c), which is
 * sound only under this rule. */
int cn_world_apply(struct cn_world *w, const struct cn_event *ev,
		   struct cn_err *err) CN_NODISCARD;

/* Take note of an event without folding it: the world's place in the log
 * moves to ev (its seq and hash), whatever came between.  For a verifier
 * that folds only what it must check against (the export verifier folds
 * the registry and proposals' structure, and checks statements without
 * folding them). */
void cn_world_skip_to(struct cn_world *w, const struct cn_event *ev);

/* For the same verifier of an export that shows only some proposals (an
 * export per audience): the proposals before `id` that it was not shown
 * become holes, so that proposal `id` may be folded next.  A hole is no
 * proposal to lookups (cn_world_proposal answers NULL) but counts as an
 * earlier one where an event names it (supersedes).  Never used on a
 * world folded from a whole log. */
int cn_world_skip_proposals(struct cn_world *w, int64_t id,
			    struct cn_err *err) CN_NODISCARD;

/* ---- the deadline index (deadlines.c) ----------------------------------- */

/* How many procedures are due at `now` (deadline at or before it): they
 * are w->deadlines[0 .. n), by deadline.  O(log n). */
size_t cn_world_due(const struct cn_world *w, int64_t now);
/* The earliest deadline after `after` of an open silence procedure or
 * written vote, or CN_TIME_NONE.  O(log n). */
int64_t cn_world_next_deadline(const struct cn_world *w, int64_t after);

/* Which entity an event changed, for projections: *kind is one of
 * "alliance", "member", "partner", "body", "office", "proposal", and key is
 * its id.  Returns 0, or CN_ENOTFOUND for an unknown type. */
int cn_event_entity(const struct cn_event *ev, const char **kind,
		    char key[64]);

/* ---- lookups and as-of queries (world.c) ------------------------------ */

/* Lookups (NULL when absent). */
const struct cn_member *cn_world_member(const struct cn_world *w,
					const char *code);
const struct cn_partner *cn_world_partner(const struct cn_world *w,
					  const char *code);
const struct cn_body *cn_world_body(const struct cn_world *w, const char *id);
const struct cn_office *cn_world_office(const struct cn_world *w,
					const char *id);
/* A proposal the pager holds is brought back into the world first (it
 * stays until its owner pages it out again): the world is the same, only
 * where it keeps the proposal changed, hence const. */
struct cn_proposal *cn_world_proposal(const struct cn_world *w, int64_t id);
/* The proposal at index i (id i+1) for a walk over all of them that
 * changes nothing: one the pager holds is loaded for the walk alone, and
 * *tmp set to it, for the caller to free (cn_proposal_free) after use;
 * NULL for a hole or when the pager fails. */
const struct cn_proposal *cn_world_proposal_at(const struct cn_world *w,
					       size_t i, struct cn_proposal **tmp);

/* As-of queries. */
int cn_member_active(const struct cn_member *m, int64_t at);
int cn_body_exists(const struct cn_body *b, int64_t at);
int cn_body_has(const struct cn_world *w, const struct cn_body *b,
		const char *code, int64_t at);
int cn_office_open(const struct cn_office *o, int64_t at);
enum cn_office_state cn_office_state_at(const struct cn_office *o, int64_t at);
/* The partner's status on `at`, and the period that gives it (NULL when
 * not a partner that day).  period may be NULL. */
enum cn_partner_status cn_partner_status_at(const struct cn_partner *p,
					    int64_t at,
					    const struct cn_partner_period **period);
/* Active on `at` (a suspended partner is not). */
int cn_partner_active(const struct cn_partner *p, int64_t at);
/* A partner on `at`, active or suspended. */
int cn_partner_on(const struct cn_partner *p, int64_t at);

/* The members of body b on `at`, in the order of the member list.  *out is
 * a malloc'd array of borrowed member pointers.  A body that does not exist
 * on `at` has no members. */
int cn_body_members(const struct cn_world *w, const struct cn_body *b,
		    int64_t at, const struct cn_member ***out, size_t *n)
	CN_NODISCARD;

/* Explain why `code` cannot take part in body b on `at`: unknown code, a
 * partner, not yet (or no longer) a member, or not in this body.  Always
 * returns CN_ENOTFOUND or CN_EREFUSED with the reason in err. */
int cn_explain_not_member(const struct cn_world *w, const struct cn_body *b,
			  const char *code, int64_t at, struct cn_err *err);

#endif
