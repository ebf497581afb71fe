/*
 * test_procedure.c - meeting, silence and ratification as commands over a
 * world (src/core/procedure.c, effect.c, proposal_view.c), with every
 * outbox sealed and folded back into the world in order, as the app does.
 *
 * The world (fixture.h fx_small_world): members BE DE FR TR US, partner JP,
 * bodies COUNCIL (consensus, meeting), UNAN (unanimity, meeting), SIL
 * (consensus, silence), NPG (consensus, all except FR), office "hq".
 * Expected outcomes and explanations follow docs/ARCHITECTURE.md
 * (Procedures) and docs/RULES.md (consensus, unanimity).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/body_decision.h"
#include "core/checkpoint.h"
#include "core/effect.h"
#include "core/iso3166.h"
#include "core/timeline.h"
#include "fixture.h"

#define TYPES 512
#define HOUR 3600
#define DAY 86400

/* 2023-07-07T09:00:00Z, the morning before the Vilnius summit. */
static int64_t T0;

static int setup(void **state)
{
	struct cn_world *w = calloc(1, sizeof(*w));
	struct cn_err err = {0};
	T0 = fx_t("2023-07-07T09:00:00Z");
	if (!w || fx_small_world(w, &err)) {
		print_error("fixture: %s\n", err.msg);
		if (w)
			cn_world_release(w);
		free(w);
		return -1;
	}
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	cn_world_release(*state);
	free(*state);
	return 0;
}

/* After a command: on success fold its outbox into the world; on refusal
 * check the outbox is empty.  types gets the outbox's event types. */
static int finish(struct cn_world *w, int rc, struct cn_outbox *box,
		  char *types, struct cn_err *err)
{
	char buf[TYPES];
	fx_box_types(box, types ? types : buf, TYPES);
	if (rc == 0) {
		rc = fx_apply_box(w, "test", box, err);
	} else if (box->n) {
		print_error("a refused command (%d) left events: %s\n", rc,
			    types ? types : buf);
		rc = 999;
	}
	cn_outbox_release(box);
	return rc;
}

static int propose(struct cn_world *w, int64_t now,
		   const struct cn_propose_args *a, int64_t *id, char *types,
		   struct cn_err *err)
{
	struct cn_outbox box = {0};
	int64_t nid = -1;
	int rc = cn_cmd_propose(w, now, a, &box, &nid, err);
	if (rc == 0 && id)
		*id = nid;
	return finish(w, rc, &box, types, err);
}

/* The simplest proposal on `body` (its default procedure). */
static int64_t open_on(struct cn_world *w, int64_t now, const char *body,
		       const char *procedure, const char *deadline)
{
	struct cn_err err = {0};
	struct cn_propose_args a = {.body = body, .title = "Test proposal",
				    .text = "Draft text.", .procedure = procedure,
				    .deadline = deadline};
	int64_t id = -1;
	if (propose(w, now, &a, &id, NULL, &err))
		fail_msg("proposing on %s: %s", body, err.msg);
	return id;
}

static int respond_full(struct cn_world *w, int64_t now,
			const struct cn_respond_args *a, char *types,
			struct cn_err *err)
{
	struct cn_outbox box = {0};
	int rc = cn_cmd_respond(w, now, a, &box, err);
	return finish(w, rc, &box, types, err);
}

static int respond(struct cn_world *w, int64_t now, int64_t id,
		   const char *member, enum cn_pos pos, const char *text,
		   char *types, struct cn_err *err)
{
	struct cn_respond_args a = {.proposal = id, .member = member,
				    .act = CN_ACT_POSITION, .pos = pos,
				    .text = text};
	return respond_full(w, now, &a, types, err);
}

static int act(struct cn_world *w, int64_t now, int64_t id, const char *member,
	       enum cn_act what, const char *text, char *types,
	       struct cn_err *err)
{
	struct cn_respond_args a = {.proposal = id, .member = member,
				    .act = what, .text = text};
	return respond_full(w, now, &a, types, err);
}

static int conclude(struct cn_world *w, int64_t now, int64_t id, char *types,
		    struct cn_err *err)
{
	struct cn_outbox box = {0};
	int rc = cn_cmd_conclude(w, now, id, &box, err);
	return finish(w, rc, &box, types, err);
}

static int tick(struct cn_world *w, int64_t now, char *types,
		struct cn_err *err)
{
	struct cn_outbox box = {0};
	int rc = cn_cmd_tick(w, now, &box, err);
	return finish(w, rc, &box, types, err);
}

static int extend(struct cn_world *w, int64_t now, int64_t id,
		  const char *deadline, char *types, struct cn_err *err)
{
	struct cn_outbox box = {0};
	int rc = cn_cmd_extend(w, now, id, deadline, &box, err);
	return finish(w, rc, &box, types, err);
}

static int recirculate(struct cn_world *w, int64_t now, int64_t id,
		       const char *text, const char *deadline, char *types,
		       struct cn_err *err)
{
	struct cn_outbox box = {0};
	int rc = cn_cmd_recirculate(w, now, id, text, deadline, &box, err);
	return finish(w, rc, &box, types, err);
}

static int withdraw(struct cn_world *w, int64_t now, int64_t id,
		    const char *reason, char *types, struct cn_err *err)
{
	struct cn_outbox box = {0};
	int rc = cn_cmd_withdraw(w, now, id, reason, &box, err);
	return finish(w, rc, &box, types, err);
}

/* Codes of a JSON array of strings, space-separated. */
static const char *codes(const json_t *a, char *buf, size_t n)
{
	size_t k = 0;
	const json_t *x;
	size_t i;
	buf[0] = '\0';
	json_array_foreach(a, i, x)
		k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? " " : "",
				      json_string_value(x));
	return buf;
}

static void assert_outstanding(const struct cn_world *w, int64_t id,
			       const char *want)
{
	char buf[128];
	json_t *j = cn_proposal_json(w, cn_world_proposal(w, id));
	assert_non_null(j);
	codes(json_object_get(j, "outstanding"), buf, sizeof(buf));
	json_decref(j);
	if (strcmp(buf, want))
		fail_msg("proposal %lld outstanding '%s', want '%s'", (long long)id,
			 buf, want);
}

static const struct cn_ballot *ballot(const struct cn_world *w, int64_t id,
				      const char *code)
{
	const struct cn_proposal *p = cn_world_proposal(w, id);
	for (size_t i = 0; p && i < p->nballots; i++)
		if (!strcmp(p->ballots[i].code, code))
			return &p->ballots[i];
	return NULL;
}

#define OK(call)                                                               \
	do {                                                                   \
		int rc_ = (call);                                              \
		if (rc_)                                                       \
			fail_msg("%s: %d %s", #call, rc_, err.msg);            \
	} while (0)

#define REFUSED(code, call)                                                    \
	do {                                                                   \
		int rc_ = (call);                                              \
		if (rc_ != (code))                                             \
			fail_msg("%s: got %d (%s), want %d", #call, rc_,       \
				 err.msg, (code));                             \
	} while (0)

/* ---- propose ---------------------------------------------------------------- */

static void test_propose_payload(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	struct cn_outbox box = {0};
	struct cn_propose_args a = {.body = "COUNCIL", .title = "Vilnius communique",
				    .text = "Draft.", .level = "heads-of-state-and-government",
				    .place = "Vilnius", .shared = 1};
	int64_t id = 0;
	char buf[128];

	OK(cn_cmd_propose(w, T0, &a, &box, &id, &err));
	assert_int_equal(id, 1);
	assert_int_equal(box.n, 1);
	assert_int_equal(box.items[0].type, CN_EV_PROPOSAL_CREATED);
	assert_int_equal(box.items[0].time, T0);
	json_t *pl = box.items[0].payload;
	assert_int_equal(json_integer_value(json_object_get(pl, "id")), 1);
	assert_string_equal(json_string_value(json_object_get(pl, "body")), "COUNCIL");
	assert_string_equal(json_string_value(json_object_get(pl, "procedure")), "meeting");
	assert_string_equal(json_string_value(json_object_get(pl, "rule")), "consensus");
	assert_string_equal(json_string_value(json_object_get(pl, "proposer")), "secretariat");
	assert_string_equal(codes(json_object_get(pl, "electorate"), buf, sizeof(buf)),
			    "BE DE FR TR US");
	assert_true(json_is_true(json_object_get(pl, "shared")));
	assert_null(json_object_get(pl, "deadline"));
	OK(fx_apply_box(w, "secretariat", &box, &err));
	cn_outbox_release(&box);

	const struct cn_proposal *p = cn_world_proposal(w, 1);
	assert_non_null(p);
	assert_int_equal(p->nballots, 5);
	assert_int_equal(p->opened, T0);
	assert_int_equal(p->deadline, CN_TIME_NONE);
	assert_string_equal(p->level, "heads-of-state-and-government");
	assert_string_equal(p->place, "Vilnius");
	assert_int_equal(p->revision, 1);
	assert_false(p->concluded);
	/* The NPG's electorate leaves France out. */
	int64_t n = open_on(w, T0, "NPG", NULL, NULL);
	assert_int_equal(n, 2);
	assert_int_equal(cn_world_proposal(w, 2)->nballots, 4);
	assert_null(ballot(w, 2, "FR"));
}

static void test_propose_refusals(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	struct cn_propose_args a = {.body = "COUNCIL", .title = "t"};

	a.body = "NOPE";
	REFUSED(CN_ENOTFOUND, propose(w, T0, &a, NULL, NULL, &err));
	a.body = NULL;
	REFUSED(CN_EINVAL, propose(w, T0, &a, NULL, NULL, &err));
	a.body = "COUNCIL";
	a.title = "";
	REFUSED(CN_EINVAL, propose(w, T0, &a, NULL, NULL, &err));
	a.title = "t";
	/* The NPG did not exist in 1960. */
	a.body = "NPG";
	REFUSED(CN_EREFUSED, propose(w, fx_t("1960-01-01"), &a, NULL, NULL, &err));
	a.body = "COUNCIL";
	a.procedure = "vote-by-mail";
	REFUSED(CN_EINVAL, propose(w, T0, &a, NULL, NULL, &err));
	a.procedure = NULL;
	a.level = "ambassadors";
	REFUSED(CN_EINVAL, propose(w, T0, &a, NULL, NULL, &err));
	a.level = "foreign-ministers";
	a.procedure = "silence";
	a.deadline = "2023-07-10T09:00:00Z";
	REFUSED(CN_EINVAL, propose(w, T0, &a, NULL, NULL, &err));
	a.level = NULL;
	a.procedure = "meeting";
	REFUSED(CN_EINVAL, propose(w, T0, &a, NULL, NULL, &err));
	a.procedure = "ratification";
	REFUSED(CN_EINVAL, propose(w, T0, &a, NULL, NULL, &err));
	assert_int_equal(w->nproposals, 0);
	/* Every meeting level is accepted. */
	assert_true(cn_level_valid("permanent-representatives"));
	assert_true(cn_level_valid("foreign-ministers"));
	assert_true(cn_level_valid("defence-ministers"));
	assert_true(cn_level_valid("heads-of-state-and-government"));
	assert_false(cn_level_valid("summit"));
}

/* ---- meeting ---------------------------------------------------------------- */

static void test_meeting_adopted(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES];
	int64_t id = open_on(w, T0, "COUNCIL", NULL, NULL);

	OK(respond(w, T0 + HOUR, id, "BE", CN_POS_CONCUR, NULL, types, &err));
	assert_string_equal(types, "position.stated");
	OK(respond(w, T0 + HOUR, id, "US", CN_POS_FOOTNOTE,
		   "The United States notes...", NULL, &err));
	OK(respond(w, T0 + HOUR, id, "DE", CN_POS_ABSTAIN, NULL, NULL, &err));
	/* Consensus: silence is consent, abstention and footnotes do not
	 * block. */
	OK(conclude(w, T0 + 2 * HOUR, id, types, &err));
	assert_string_equal(types, "procedure.concluded");
	const struct cn_proposal *p = cn_world_proposal(w, id);
	assert_true(p->concluded);
	assert_int_equal(p->concluded_at, T0 + 2 * HOUR);
	assert_string_equal(p->outcome, "adopted");
	assert_string_equal(p->explanation, "adopted: no objection among 5 members");
	assert_int_equal(json_array_size(p->blocking), 0);
	assert_string_equal(ballot(w, id, "US")->text, "The United States notes...");
	assert_int_equal(ballot(w, id, "US")->pos, CN_POS_FOOTNOTE);
}

static void test_meeting_blocked(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES], buf[64];
	int64_t id = open_on(w, T0, "COUNCIL", NULL, NULL);

	OK(respond(w, T0 + HOUR, id, "FR", CN_POS_OBJECT,
		   "geography is stubborn", types, &err));
	/* In a meeting an objection is a position; the chair concludes. */
	assert_string_equal(types, "position.stated");
	assert_false(cn_world_proposal(w, id)->concluded);
	OK(conclude(w, T0 + 2 * HOUR, id, types, &err));
	const struct cn_proposal *p = cn_world_proposal(w, id);
	assert_string_equal(p->outcome, "blocked");
	assert_string_equal(p->explanation, "blocked: FR objects");
	assert_string_equal(codes(p->blocking, buf, sizeof(buf)), "FR");
}

static void test_reservation_holds_then_lift(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES];
	int64_t id = open_on(w, T0, "COUNCIL", NULL, NULL);

	OK(respond(w, T0 + HOUR, id, "TR", CN_POS_RESERVE, "awaiting instructions",
		   NULL, &err));
	assert_outstanding(w, id, "TR");
	REFUSED(CN_EREFUSED, conclude(w, T0 + 2 * HOUR, id, NULL, &err));
	assert_non_null(strstr(err.msg, "pending: reservation by TR"));
	assert_false(cn_world_proposal(w, id)->concluded);
	/* Only the one who holds a reservation can lift it. */
	REFUSED(CN_EREFUSED, act(w, T0 + 2 * HOUR, id, "FR", CN_ACT_LIFT, NULL,
				 NULL, &err));
	OK(act(w, T0 + 3 * HOUR, id, "TR", CN_ACT_LIFT, NULL, types, &err));
	assert_string_equal(types, "reservation.lifted");
	assert_int_equal(ballot(w, id, "TR")->pos, CN_POS_NONE);
	assert_outstanding(w, id, "");
	OK(conclude(w, T0 + 4 * HOUR, id, NULL, &err));
	assert_string_equal(cn_world_proposal(w, id)->outcome, "adopted");
}

static void test_positions_change_before_conclusion(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	struct cn_outbox box = {0};
	int64_t id = open_on(w, T0, "COUNCIL", NULL, NULL);
	const int64_t seq0 = w->last_seq;
	struct cn_respond_args a = {.proposal = id, .member = "FR",
				    .act = CN_ACT_POSITION, .pos = CN_POS_CONCUR};

	OK(cn_cmd_respond(w, T0 + HOUR, &a, &box, &err));
	assert_int_equal(box.n, 1);
	assert_string_equal(json_string_value(json_object_get(box.items[0].payload,
							       "previous")), "silent");
	OK(finish(w, 0, &box, NULL, &err));
	a.pos = CN_POS_OBJECT;
	a.text = "not in favour as a matter of principle";
	OK(cn_cmd_respond(w, T0 + 2 * HOUR, &a, &box, &err));
	assert_string_equal(json_string_value(json_object_get(box.items[0].payload,
							       "previous")), "concur");
	assert_string_equal(json_string_value(json_object_get(box.items[0].payload,
							       "position")), "object");
	OK(finish(w, 0, &box, NULL, &err));
	/* Each change is its own event. */
	assert_int_equal(w->last_seq, seq0 + 2);
	assert_int_equal(ballot(w, id, "FR")->pos, CN_POS_OBJECT);
	assert_int_equal(ballot(w, id, "FR")->at, T0 + 2 * HOUR);
	/* Stating the same position again is refused. */
	a.text = NULL;
	REFUSED(CN_EREFUSED, respond_full(w, T0 + 3 * HOUR, &a, NULL, &err));
	/* And back. */
	a.pos = CN_POS_CONCUR;
	OK(respond_full(w, T0 + 3 * HOUR, &a, NULL, &err));
	assert_int_equal(w->last_seq, seq0 + 3);
	OK(conclude(w, T0 + 4 * HOUR, id, NULL, &err));
	assert_string_equal(cn_world_proposal(w, id)->outcome, "adopted");
}

static void test_position_rules(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	int64_t id = open_on(w, T0, "COUNCIL", NULL, NULL);
	struct cn_respond_args a = {.proposal = id, .member = "DE",
				    .act = CN_ACT_POSITION};

	/* A footnote needs its statement; a declaration goes only with an
	 * abstention; a position needs a position. */
	a.pos = CN_POS_FOOTNOTE;
	REFUSED(CN_EINVAL, respond_full(w, T0 + 1, &a, NULL, &err));
	a.pos = CN_POS_CONCUR;
	a.declared = 1;
	REFUSED(CN_EINVAL, respond_full(w, T0 + 1, &a, NULL, &err));
	a.pos = CN_POS_NONE;
	a.declared = 0;
	REFUSED(CN_EINVAL, respond_full(w, T0 + 1, &a, NULL, &err));
	a.pos = CN_POS_ABSTAIN;
	a.declared = 1;
	OK(respond_full(w, T0 + 1, &a, NULL, &err));
	assert_true(ballot(w, id, "DE")->declared);
	/* A member is needed; the time may not precede the opening. */
	a.member = "";
	REFUSED(CN_EINVAL, respond_full(w, T0 + 2, &a, NULL, &err));
	a.member = "BE";
	a.declared = 0;
	REFUSED(CN_EINVAL, respond_full(w, T0 - 1, &a, NULL, &err));
	a.proposal = 99;
	REFUSED(CN_ENOTFOUND, respond_full(w, T0 + 2, &a, NULL, &err));
	/* A comment needs text and changes no position. */
	REFUSED(CN_EINVAL, act(w, T0 + 3, id, "BE", CN_ACT_COMMENT, NULL, NULL, &err));
	OK(act(w, T0 + 3, id, "BE", CN_ACT_COMMENT, "On the record.", NULL, &err));
	assert_int_equal(ballot(w, id, "BE")->pos, CN_POS_NONE);
}

static void test_after_conclusion(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	int64_t id = open_on(w, T0, "COUNCIL", NULL, NULL);

	OK(conclude(w, T0 + HOUR, id, NULL, &err));
	REFUSED(CN_ECONCLUDED, respond(w, T0 + 2 * HOUR, id, "FR", CN_POS_OBJECT,
				       "too late", NULL, &err));
	assert_non_null(strstr(err.msg, "proposal 1"));
	REFUSED(CN_ECONCLUDED, respond(w, T0 + 2 * HOUR, id, "BE", CN_POS_CONCUR,
				       NULL, NULL, &err));
	REFUSED(CN_ECONCLUDED, conclude(w, T0 + 2 * HOUR, id, NULL, &err));
	REFUSED(CN_ECONCLUDED, withdraw(w, T0 + 2 * HOUR, id, "x", NULL, &err));
	assert_string_equal(cn_world_proposal(w, id)->outcome, "adopted");
}

static void test_outside_electorate(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	int64_t id = open_on(w, T0, "COUNCIL", NULL, NULL);
	int64_t npg = open_on(w, T0, "NPG", NULL, NULL);

	REFUSED(CN_EREFUSED, respond(w, T0 + 1, id, "JP", CN_POS_CONCUR, NULL,
				     NULL, &err));
	assert_string_equal(err.msg,
			    "proposal 1 (electorate frozen on 2023-07-07): JP "
			    "(Japan) is a partner (partners across the globe), "
			    "not a member: partners never take decisions in the "
			    "Council");
	REFUSED(CN_ENOTFOUND, respond(w, T0 + 1, id, "XX", CN_POS_CONCUR, NULL,
				      NULL, &err));
	assert_non_null(strstr(err.msg, "unknown member code 'XX'"));
	REFUSED(CN_EREFUSED, respond(w, T0 + 1, npg, "FR", CN_POS_OBJECT, "non",
				     NULL, &err));
	assert_string_equal(err.msg,
			    "proposal 2 (electorate frozen on 2023-07-07): FR "
			    "(France) is not a member of the Nuclear Group on "
			    "2023-07-07");
}

static void test_electorate_frozen(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	int64_t id = open_on(w, T0, "COUNCIL", NULL, NULL);

	/* Sweden joins after the proposal opened. */
	OK(fx_member(w, fx_t("2024-03-07"), "SE", "Sweden", "2024-03-07", NULL,
		     &err));
	REFUSED(CN_EREFUSED, respond(w, fx_t("2024-03-08"), id, "SE",
				     CN_POS_CONCUR, NULL, NULL, &err));
	assert_non_null(strstr(err.msg, "SE (Sweden) was not yet a member on "
					"2023-07-07 (accession 2024-03-07)"));
	assert_int_equal(cn_world_proposal(w, id)->nballots, 5);
	/* A proposal opened after that has Sweden in its electorate. */
	int64_t id2 = open_on(w, fx_t("2024-03-08"), "COUNCIL", NULL, NULL);
	assert_int_equal(cn_world_proposal(w, id2)->nballots, 6);
	OK(respond(w, fx_t("2024-03-09"), id2, "SE", CN_POS_CONCUR, NULL, NULL, &err));
}

/* A member admitted after the proposal opened, with an accession date
 * before the opening (history recorded late): it is not in the frozen
 * electorate either, and the refusal says so. */
static void test_electorate_frozen_backdated_member(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	int64_t id = open_on(w, T0, "COUNCIL", NULL, NULL);

	OK(fx_member(w, T0 + DAY, "NO", "Norway", "1949-08-24", NULL, &err));
	REFUSED(CN_EREFUSED, respond(w, T0 + 2 * DAY, id, "NO", CN_POS_CONCUR,
				     NULL, NULL, &err));
	if (!strstr(err.msg, "proposal 1") || !strstr(err.msg, "electorate") ||
	    !strstr(err.msg, "NO"))
		fail_msg("the refusal should name the proposal, its frozen "
			 "electorate and NO: '%s'", err.msg);
}

/* ---- unanimity body --------------------------------------------------------- */

static void test_unanimity_meeting(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	const char *all[] = {"BE", "DE", "FR", "TR", "US"};
	int64_t a = open_on(w, T0, "UNAN", NULL, NULL);
	int64_t b = open_on(w, T0, "UNAN", NULL, NULL);

	for (int i = 0; i < 5; i++)
		OK(respond(w, T0 + 1, a, all[i], CN_POS_CONCUR, NULL, NULL, &err));
	OK(conclude(w, T0 + HOUR, a, NULL, &err));
	assert_string_equal(cn_world_proposal(w, a)->outcome, "adopted");
	assert_string_equal(cn_world_proposal(w, a)->explanation,
			    "adopted: all 5 members concur");

	/* Under unanimity everyone not yet concurring is outstanding. */
	assert_outstanding(w, b, "BE DE FR TR US");
	for (int i = 0; i < 3; i++)
		OK(respond(w, T0 + 1, b, all[i], CN_POS_CONCUR, NULL, NULL, &err));
	OK(respond(w, T0 + 1, b, "TR", CN_POS_ABSTAIN, NULL, NULL, &err));
	assert_outstanding(w, b, "TR US");
	OK(conclude(w, T0 + HOUR, b, NULL, &err));
	assert_string_equal(cn_world_proposal(w, b)->outcome, "failed");
	assert_string_equal(cn_world_proposal(w, b)->explanation,
			    "failed: 2 of 5 members did not concur: TR, US");
}

/* Outstanding follows what the rule means, not how it is written: a body
 * whose rule needs every member's concurrence, spelt otherwise than
 * "unanimity", awaits everyone who has not concurred. */
static void test_outstanding_from_parsed_rule(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	int64_t id = 0;

	OK(fx_body(w, T0, "ALL", "All-in Board",
		   "count(concur|footnote) >= 100% of electorate", "meeting",
		   "1949-08-24", NULL,
		   json_pack("[o]", fx_clause("all", NULL, NULL, NULL)), &err));
	OK(fx_body(w, T0, "PAREN", "Bracketed Board", "(unanimity)", "meeting",
		   "1949-08-24", NULL,
		   json_pack("[o]", fx_clause("all", NULL, NULL, NULL)), &err));
	id = open_on(w, T0, "ALL", NULL, NULL);
	OK(respond(w, T0 + 1, id, "BE", CN_POS_CONCUR, NULL, NULL, &err));
	OK(respond(w, T0 + 1, id, "DE", CN_POS_FOOTNOTE, "noted", NULL, &err));
	assert_outstanding(w, id, "FR TR US");
	id = open_on(w, T0, "PAREN", NULL, NULL);
	OK(respond(w, T0 + 1, id, "US", CN_POS_CONCUR, NULL, NULL, &err));
	assert_outstanding(w, id, "BE DE FR TR");
	/* Under consensus only a reservation is awaited. */
	id = open_on(w, T0, "COUNCIL", NULL, NULL);
	OK(respond(w, T0 + 1, id, "TR", CN_POS_RESERVE, NULL, NULL, &err));
	assert_outstanding(w, id, "TR");
}

/* ---- silence ---------------------------------------------------------------- */

#define DEADLINE "2023-07-10T09:00:00Z"

static void test_silence_deadline_checks(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	struct cn_propose_args a = {.body = "SIL", .title = "t"};

	/* The body's default procedure is silence: a deadline is needed. */
	REFUSED(CN_EINVAL, propose(w, T0, &a, NULL, NULL, &err));
	a.deadline = "2023-07-07T08:00:00Z";
	REFUSED(CN_EINVAL, propose(w, T0, &a, NULL, NULL, &err));
	a.deadline = "2023-07-07T09:00:00Z"; /* == now */
	REFUSED(CN_EINVAL, propose(w, T0, &a, NULL, NULL, &err));
	a.deadline = "2023-07-32T09:00:00Z";
	REFUSED(CN_EINVAL, propose(w, T0, &a, NULL, NULL, &err));
	a.deadline = "2023-07-07T09:00:01Z";
	OK(propose(w, T0, &a, NULL, NULL, &err));
	assert_int_equal(cn_world_proposal(w, 1)->deadline, T0 + 1);
	/* An offset deadline is stored in UTC. */
	a.deadline = "2023-07-10T11:00:00+02:00";
	OK(propose(w, T0, &a, NULL, NULL, &err));
	assert_int_equal(cn_world_proposal(w, 2)->deadline, fx_t(DEADLINE));
}

static void test_silence_broken(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES], buf[64];
	int64_t id = open_on(w, T0, "SIL", NULL, DEADLINE);
	const int64_t t1 = fx_t("2023-07-10T03:00:00Z");

	/* Breaking silence needs the letter of objection. */
	REFUSED(CN_EINVAL, respond(w, t1, id, "FR", CN_POS_OBJECT, NULL, NULL, &err));
	REFUSED(CN_EINVAL, respond(w, t1, id, "FR", CN_POS_OBJECT, "", NULL, &err));
	assert_false(cn_world_proposal(w, id)->concluded);

	OK(respond(w, t1, id, "FR", CN_POS_OBJECT, "letter of objection", types,
		   &err));
	assert_string_equal(types, "silence.broken procedure.concluded");
	const struct cn_proposal *p = cn_world_proposal(w, id);
	assert_true(p->concluded);
	assert_int_equal(p->concluded_at, t1);
	assert_string_equal(p->outcome, "blocked");
	assert_string_equal(p->explanation, "blocked: FR broke silence");
	assert_string_equal(codes(p->blocking, buf, sizeof(buf)), "FR");
	assert_int_equal(ballot(w, id, "FR")->pos, CN_POS_OBJECT);
	assert_string_equal(ballot(w, id, "FR")->text, "letter of objection");
	/* Another ally writing before the deadline joins the break, and the
	 * outcome names both (as on 10 February 2003). */
	OK(respond(w, t1 + 1, id, "DE", CN_POS_OBJECT, "me too", types, &err));
	assert_string_equal(types, "silence.broken");
	p = cn_world_proposal(w, id);
	assert_string_equal(p->explanation, "blocked: FR, DE broke silence");
	assert_string_equal(codes(p->blocking, buf, sizeof(buf)), "FR DE");
	assert_int_equal(p->concluded_at, t1);
	assert_string_equal(ballot(w, id, "DE")->text, "me too");
	assert_int_equal(json_array_size(p->breaks), 2);
	/* Once each, and nothing else is said on a concluded procedure. */
	REFUSED(CN_EREFUSED, respond(w, t1 + 2, id, "DE", CN_POS_OBJECT, "again",
				     NULL, &err));
	REFUSED(CN_ECONCLUDED, respond(w, t1 + 2, id, "BE", CN_POS_CONCUR, NULL,
				       NULL, &err));
	/* The silence period ends at the deadline: no join after it. */
	REFUSED(CN_ECONCLUDED, respond(w, fx_t(DEADLINE), id, "BE", CN_POS_OBJECT,
				       "late", NULL, &err));
	OK(tick(w, fx_t(DEADLINE) + DAY, types, &err));
	assert_string_equal(types, "");
	assert_string_equal(cn_world_proposal(w, id)->explanation,
			    "blocked: FR, DE broke silence");
}

static void test_silence_comment_and_tick(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES];
	int64_t id = open_on(w, T0, "SIL", NULL, DEADLINE);
	const int64_t dl = fx_t(DEADLINE);

	/* A comment goes on the record and does not break silence. */
	OK(act(w, T0 + HOUR, id, "DE", CN_ACT_COMMENT, "We have questions.", types,
	       &err));
	assert_string_equal(types, "comment.made");
	assert_false(cn_world_proposal(w, id)->concluded);
	assert_int_equal(ballot(w, id, "DE")->pos, CN_POS_NONE);
	OK(respond(w, T0 + HOUR, id, "BE", CN_POS_CONCUR, NULL, NULL, &err));
	/* The chair cannot conclude a silence procedure early. */
	REFUSED(CN_EREFUSED, conclude(w, dl - 1, id, NULL, &err));
	/* Before the deadline, a tick does nothing. */
	OK(tick(w, dl - 1, types, &err));
	assert_string_equal(types, "");
	assert_false(cn_world_proposal(w, id)->concluded);
	/* At the deadline, silence is consent. */
	OK(tick(w, dl, types, &err));
	assert_string_equal(types, "procedure.concluded");
	const struct cn_proposal *p = cn_world_proposal(w, id);
	assert_int_equal(p->concluded_at, dl);
	assert_string_equal(p->outcome, "adopted");
	assert_string_equal(p->explanation, "adopted: no objection among 5 members");
	/* Late positions meet a concluded procedure. */
	REFUSED(CN_ECONCLUDED, respond(w, dl + 1, id, "FR", CN_POS_OBJECT, "late",
				       NULL, &err));
}

static void test_silence_tick_late_concludes_at_deadline(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	struct cn_outbox box = {0};
	int64_t id = open_on(w, T0, "SIL", NULL, DEADLINE);
	const int64_t dl = fx_t(DEADLINE);

	/* A tick three days late concludes at the deadline, not at now. */
	OK(cn_cmd_tick(w, dl + 3 * DAY, &box, &err));
	assert_int_equal(box.n, 1);
	assert_int_equal(box.items[0].time, dl);
	OK(finish(w, 0, &box, NULL, &err));
	assert_int_equal(cn_world_proposal(w, id)->concluded_at, dl);
	/* Once concluded, a tick adds nothing. */
	OK(cn_cmd_tick(w, dl + 4 * DAY, &box, &err));
	assert_int_equal(box.n, 0);
	cn_outbox_release(&box);
	/* Positions at or after the deadline are refused even before a tick
	 * has run. */
	int64_t id2 = open_on(w, T0, "SIL", NULL, DEADLINE);
	REFUSED(CN_EREFUSED, respond(w, dl, id2, "BE", CN_POS_CONCUR, NULL, NULL,
				     &err));
	REFUSED(CN_EREFUSED, respond(w, dl + 5, id2, "FR", CN_POS_OBJECT, "late",
				     NULL, &err));
	/* The chair's conclude after the deadline also dates it at the
	 * deadline. */
	OK(conclude(w, dl + DAY, id2, NULL, &err));
	assert_int_equal(cn_world_proposal(w, id2)->concluded_at, dl);
	assert_string_equal(cn_world_proposal(w, id2)->outcome, "adopted");
}

static void test_silence_reservation_holds(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES], buf[64];
	int64_t id = open_on(w, T0, "SIL", NULL, DEADLINE);
	const int64_t dl = fx_t(DEADLINE);

	OK(respond(w, T0 + HOUR, id, "TR", CN_POS_RESERVE, "instructions awaited",
		   types, &err));
	assert_string_equal(types, "position.stated");
	/* The reservation holds it past the deadline. */
	OK(tick(w, dl, types, &err));
	assert_string_equal(types, "");
	OK(tick(w, dl + HOUR, types, &err));
	assert_string_equal(types, "");
	assert_false(cn_world_proposal(w, id)->concluded);
	assert_outstanding(w, id, "TR");
	json_t *j = cn_proposal_json(w, cn_world_proposal(w, id));
	assert_string_equal(json_string_value(json_object_get(j, "verdict")),
			    "pending");
	assert_string_equal(codes(json_object_get(j, "holding"), buf, sizeof(buf)),
			    "TR");
	json_decref(j);
	REFUSED(CN_EREFUSED, conclude(w, dl + HOUR, id, NULL, &err));
	/* After the deadline the only move left is the lift. */
	REFUSED(CN_EREFUSED, respond(w, dl + HOUR, id, "TR", CN_POS_CONCUR, NULL,
				     NULL, &err));
	REFUSED(CN_EREFUSED, act(w, dl + HOUR, id, "DE", CN_ACT_COMMENT, "hm", NULL,
				 &err));
	OK(act(w, dl + 2 * HOUR, id, "TR", CN_ACT_LIFT, NULL, types, &err));
	assert_string_equal(types, "reservation.lifted");
	/* Now it concludes, when the reservation was lifted. */
	OK(tick(w, dl + 2 * HOUR, types, &err));
	assert_string_equal(types, "procedure.concluded");
	assert_int_equal(cn_world_proposal(w, id)->concluded_at, dl + 2 * HOUR);
	assert_string_equal(cn_world_proposal(w, id)->outcome, "adopted");
}

static void test_silence_extend(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	struct cn_outbox box = {0};
	char types[TYPES];
	int64_t id = open_on(w, T0, "SIL", NULL, DEADLINE);
	int64_t meeting = open_on(w, T0, "COUNCIL", NULL, NULL);
	const int64_t dl = fx_t(DEADLINE), dl2 = fx_t("2023-07-12T09:00:00Z");

	/* Must be later than the current deadline and than now. */
	REFUSED(CN_EINVAL, extend(w, T0 + HOUR, id, DEADLINE, NULL, &err));
	REFUSED(CN_EINVAL, extend(w, T0 + HOUR, id, "2023-07-09T09:00:00Z", NULL, &err));
	REFUSED(CN_EINVAL, extend(w, T0 + HOUR, id, NULL, NULL, &err));
	REFUSED(CN_EINVAL, extend(w, T0 + HOUR, id, "soon", NULL, &err));
	/* Only silence procedures have deadlines. */
	REFUSED(CN_EREFUSED, extend(w, T0 + HOUR, meeting, "2023-07-12T09:00:00Z",
				    NULL, &err));
	REFUSED(CN_ENOTFOUND, extend(w, T0 + HOUR, 99, "2023-07-12T09:00:00Z", NULL,
				     &err));

	OK(cn_cmd_extend(w, T0 + HOUR, id, "2023-07-12T11:00:00+02:00", &box, &err));
	assert_int_equal(box.n, 1);
	assert_int_equal(box.items[0].type, CN_EV_DEADLINE_EXTENDED);
	assert_string_equal(json_string_value(json_object_get(box.items[0].payload,
							       "deadline")),
			    "2023-07-12T09:00:00Z");
	assert_string_equal(json_string_value(json_object_get(box.items[0].payload,
							       "previous")),
			    DEADLINE);
	OK(finish(w, 0, &box, NULL, &err));
	assert_int_equal(cn_world_proposal(w, id)->deadline, dl2);
	/* The old deadline no longer concludes it; the new one does. */
	OK(tick(w, dl, types, &err));
	assert_string_equal(types, "");
	OK(respond(w, dl + HOUR, id, "BE", CN_POS_CONCUR, NULL, NULL, &err));
	OK(tick(w, dl2, types, &err));
	assert_string_equal(types, "procedure.concluded");
	assert_int_equal(cn_world_proposal(w, id)->concluded_at, dl2);
	REFUSED(CN_ECONCLUDED, extend(w, dl2 + 1, id, "2023-08-01", NULL, &err));
}

static void test_silence_recirculate(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES];
	int64_t id = open_on(w, T0, "SIL", NULL, DEADLINE);
	int64_t meeting = open_on(w, T0, "COUNCIL", NULL, NULL);
	const int64_t dl2 = fx_t("2023-07-14T09:00:00Z");

	OK(respond(w, T0 + HOUR, id, "BE", CN_POS_CONCUR, NULL, NULL, &err));
	OK(respond(w, T0 + HOUR, id, "TR", CN_POS_RESERVE, "instructions", NULL, &err));
	REFUSED(CN_EINVAL, recirculate(w, T0 + DAY, id, NULL, "2023-07-14T09:00:00Z",
				       NULL, &err));
	REFUSED(CN_EINVAL, recirculate(w, T0 + DAY, id, "Revised.", NULL, NULL, &err));
	REFUSED(CN_EINVAL, recirculate(w, T0 + DAY, id, "Revised.",
				       "2023-07-08T09:00:00Z", NULL, &err));
	REFUSED(CN_EREFUSED, recirculate(w, T0 + DAY, meeting, "Revised.",
					 "2023-07-14T09:00:00Z", NULL, &err));

	OK(recirculate(w, T0 + DAY, id, "Revised text.", "2023-07-14T09:00:00Z",
		       types, &err));
	assert_string_equal(types, "text.recirculated");
	const struct cn_proposal *p = cn_world_proposal(w, id);
	assert_int_equal(p->revision, 2);
	assert_string_equal(p->text, "Revised text.");
	assert_int_equal(p->deadline, dl2);
	assert_int_equal(json_array_size(p->revisions), 2);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(p->revisions, 0), "text")),
			    "Draft text.");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(p->revisions, 1), "text")),
			    "Revised text.");
	/* Positions on the old text do not carry over. */
	for (size_t i = 0; i < p->nballots; i++)
		assert_int_equal(p->ballots[i].pos, CN_POS_NONE);
	/* The old deadline is gone: a tick there does nothing; at the new
	 * one it is adopted. */
	OK(tick(w, fx_t(DEADLINE), types, &err));
	assert_string_equal(types, "");
	OK(tick(w, dl2, types, &err));
	assert_string_equal(types, "procedure.concluded");
	assert_int_equal(cn_world_proposal(w, id)->concluded_at, dl2);
	assert_string_equal(cn_world_proposal(w, id)->outcome, "adopted");
}

static void test_silence_under_unanimity(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	int64_t a = open_on(w, T0, "UNAN", "silence", DEADLINE);
	int64_t b = open_on(w, T0, "UNAN", "silence", DEADLINE);

	/* Silence counts as concurrence at the deadline; an abstention does
	 * not. */
	OK(respond(w, T0 + 1, b, "DE", CN_POS_ABSTAIN, NULL, NULL, &err));
	OK(tick(w, fx_t(DEADLINE), NULL, &err));
	assert_string_equal(cn_world_proposal(w, a)->outcome, "adopted");
	assert_string_equal(cn_world_proposal(w, a)->explanation,
			    "adopted: all 5 members concur");
	assert_string_equal(cn_world_proposal(w, b)->outcome, "failed");
	assert_string_equal(cn_world_proposal(w, b)->explanation,
			    "failed: 1 of 5 members did not concur: DE");
}

/* ---- ratification ------------------------------------------------------------- */

static void test_ratification(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES];
	struct cn_propose_args pa = {.body = "COUNCIL", .title = "Accession protocol",
				     .procedure = "ratification",
				     .deadline = "2023-08-01"};
	/* No deadline for ratification. */
	REFUSED(CN_EINVAL, propose(w, T0, &pa, NULL, NULL, &err));
	int64_t id = open_on(w, T0, "COUNCIL", "ratification", NULL);
	const struct cn_proposal *p = cn_world_proposal(w, id);
	/* Whatever the body's rule, every member must ratify. */
	assert_string_equal(p->rule_src, "unanimity");
	assert_int_equal(p->deadline, CN_TIME_NONE);

	assert_outstanding(w, id, "BE DE FR TR US");
	OK(respond(w, T0 + DAY, id, "BE", CN_POS_CONCUR, NULL, types, &err));
	assert_string_equal(types, "position.stated");
	assert_outstanding(w, id, "DE FR TR US");
	OK(respond(w, T0 + 2 * DAY, id, "DE", CN_POS_FOOTNOTE, "Bundestag, 2023",
		   NULL, &err));
	assert_outstanding(w, id, "FR TR US");
	OK(respond(w, T0 + 3 * DAY, id, "TR", CN_POS_RESERVE, "parliament", NULL, &err));
	assert_outstanding(w, id, "FR TR US");
	OK(respond(w, T0 + 4 * DAY, id, "FR", CN_POS_CONCUR, NULL, NULL, &err));
	OK(respond(w, T0 + 5 * DAY, id, "US", CN_POS_CONCUR, NULL, NULL, &err));
	assert_outstanding(w, id, "TR");
	assert_false(cn_world_proposal(w, id)->concluded);
	/* The chair does not conclude a ratification. */
	REFUSED(CN_EREFUSED, conclude(w, T0 + 6 * DAY, id, NULL, &err));
	/* Adopted exactly when the last member ratifies. */
	OK(respond(w, T0 + 300 * DAY, id, "TR", CN_POS_CONCUR, NULL, types, &err));
	assert_string_equal(types, "position.stated procedure.concluded");
	p = cn_world_proposal(w, id);
	assert_true(p->concluded);
	assert_int_equal(p->concluded_at, T0 + 300 * DAY);
	assert_string_equal(p->outcome, "adopted");
	assert_string_equal(p->explanation,
			    "adopted: all 5 members ratified, the last TR");
	assert_outstanding(w, id, "");
	REFUSED(CN_ECONCLUDED, respond(w, T0 + 301 * DAY, id, "FR", CN_POS_OBJECT,
				       "changed our mind", NULL, &err));
}

static void test_ratification_objection_does_not_conclude(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES];
	int64_t id = open_on(w, T0, "COUNCIL", "ratification", NULL);

	OK(respond(w, T0 + 1, id, "TR", CN_POS_OBJECT, "not yet", types, &err));
	assert_string_equal(types, "position.stated");
	assert_false(cn_world_proposal(w, id)->concluded);
	assert_outstanding(w, id, "BE DE FR TR US");
	OK(withdraw(w, T0 + DAY, id, NULL, types, &err));
	assert_string_equal(types, "procedure.concluded");
	assert_string_equal(cn_world_proposal(w, id)->outcome, "withdrawn");
	assert_string_equal(cn_world_proposal(w, id)->explanation, "withdrawn");
}

/* ---- effects -------------------------------------------------------------------- */

static json_t *tokyo_office(void)
{
	return json_pack("[{s:s, s:s, s:s, s:s, s:s, s:s, s:s}]", "type",
			 "open-office", "id", "nlo-tokyo", "name",
			 "NATO Liaison Office Tokyo", "city", "Tokyo", "country",
			 "JP", "lat", "35.6762", "lon", "139.6503");
}

static void test_effect_open_office_adopted(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	struct cn_outbox box = {0};
	json_t *eff = tokyo_office();
	struct cn_propose_args a = {.body = "COUNCIL", .title = "Open an office in Tokyo",
				    .effects = eff};
	int64_t id = 0;
	const size_t noffices = w->noffices;
	const int64_t t1 = fx_t("2023-07-12T15:30:00Z");

	OK(propose(w, T0, &a, &id, NULL, &err));
	json_decref(eff);
	/* Nothing changes in the registry before adoption. */
	assert_null(cn_world_office(w, "nlo-tokyo"));
	OK(cn_cmd_conclude(w, t1, id, &box, &err));
	assert_int_equal(box.n, 2);
	assert_int_equal(box.items[0].type, CN_EV_PROCEDURE_CONCLUDED);
	assert_int_equal(box.items[1].type, CN_EV_OFFICE_OPENED);
	assert_int_equal(box.items[1].time, t1);
	json_t *pl = box.items[1].payload, *rec = json_object_get(pl, "office");
	assert_int_equal(json_integer_value(json_object_get(pl, "decision")), id);
	assert_null(json_object_get(rec, "type"));
	assert_string_equal(json_string_value(json_object_get(rec, "id")), "nlo-tokyo");
	assert_string_equal(json_string_value(json_object_get(rec, "opened")),
			    "2023-07-12");
	assert_string_equal(json_string_value(json_object_get(rec, "source")),
			    "decision 1 of the COUNCIL");
	OK(finish(w, 0, &box, NULL, &err));

	const struct cn_office *o = cn_world_office(w, "nlo-tokyo");
	assert_non_null(o);
	assert_int_equal(w->noffices, noffices + 1);
	assert_int_equal(o->decision, id);
	assert_int_equal(o->opened, fx_t("2023-07-12"));
	assert_true(cn_office_open(o, t1));
	assert_true(o->has_coords);
	assert_int_equal(o->lat_e6, 35676200);
	assert_int_equal(o->lon_e6, 139650300);
	/* Japan is not a member: the office is out of the treaty area. */
	json_t *j = cn_office_json(w, o, t1);
	assert_true(json_is_true(json_object_get(j, "out_of_area")));
	assert_true(json_is_true(json_object_get(j, "open")));
	assert_int_equal(json_integer_value(json_object_get(j, "decision")), id);
	json_decref(j);
}

static void test_effect_blocked_changes_nothing(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES];
	json_t *eff = tokyo_office();
	struct cn_propose_args a = {.body = "COUNCIL", .title = "Open an office in Tokyo",
				    .effects = eff};
	int64_t id = 0;
	const size_t noffices = w->noffices, nmembers = w->nmembers;

	OK(propose(w, T0, &a, &id, NULL, &err));
	json_decref(eff);
	/* The proposal view flags the effect as out of area. */
	json_t *j = cn_proposal_json(w, cn_world_proposal(w, id));
	assert_true(json_is_true(json_object_get(json_array_get(
		json_object_get(j, "effects"), 0), "out_of_area")));
	json_decref(j);
	OK(respond(w, T0 + HOUR, id, "FR", CN_POS_OBJECT,
		   "NATO means North Atlantic Treaty Organization", NULL, &err));
	OK(conclude(w, T0 + 2 * HOUR, id, types, &err));
	assert_string_equal(types, "procedure.concluded");
	assert_string_equal(cn_world_proposal(w, id)->outcome, "blocked");
	assert_null(cn_world_office(w, "nlo-tokyo"));
	assert_int_equal(w->noffices, noffices);
	assert_int_equal(w->nmembers, nmembers);

	/* Withdrawn: nothing either. */
	eff = tokyo_office();
	a.effects = eff;
	OK(propose(w, T0, &a, &id, NULL, &err));
	json_decref(eff);
	OK(withdraw(w, T0 + HOUR, id, "no consensus in sight", types, &err));
	assert_string_equal(types, "procedure.concluded");
	assert_string_equal(cn_world_proposal(w, id)->outcome, "withdrawn");
	assert_string_equal(cn_world_proposal(w, id)->explanation,
			    "withdrawn: no consensus in sight");
	assert_null(cn_world_office(w, "nlo-tokyo"));
}

static void test_effects_other_kinds(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES];
	json_t *eff = json_pack(
		"[{s:s, s:s, s:s, s:s}, {s:s, s:s}, {s:s, s:s, s:s, s:s}]",
		"type", "admit-member", "code", "SE", "name", "Sweden", "effective",
		"2024-03-07",
		"type", "close-office", "id", "hq",
		"type", "add-partner", "code", "AU", "name", "Australia",
		"framework", "partners across the globe");
	struct cn_propose_args a = {.body = "COUNCIL", .title = "Several", .effects = eff};
	int64_t id = 0;
	const int64_t t1 = fx_t("2024-03-01T12:00:00Z");

	OK(propose(w, T0, &a, &id, NULL, &err));
	json_decref(eff);
	OK(conclude(w, t1, id, types, &err));
	assert_string_equal(types, "procedure.concluded member.admitted "
				   "office.closed partner.added");
	const struct cn_member *se = cn_world_member(w, "SE");
	assert_non_null(se);
	assert_int_equal(se->accession, fx_t("2024-03-07"));
	assert_false(cn_member_active(se, t1));
	assert_int_equal(json_integer_value(json_object_get(se->record, "decision")), id);
	const struct cn_office *hq = cn_world_office(w, "hq");
	assert_true(cn_office_open(hq, fx_t("2024-03-01") - 1));
	assert_false(cn_office_open(hq, fx_t("2024-03-01")));
	const struct cn_partner *au = cn_world_partner(w, "AU");
	assert_non_null(au);
	assert_int_equal(au->since, fx_t("2024-03-01"));
}

/* 1 when proposing with these effects is refused with `want` and adds no
 * proposal; frees everything before returning. */
static int effect_refused_ok(struct cn_world *w, const char *json, int want,
			     const char *why)
{
	struct cn_err err = {0};
	json_t *eff = json_loads(json, 0, NULL);
	struct cn_propose_args a = {.body = "COUNCIL", .title = "t", .effects = eff};
	const size_t n = w->nproposals;
	if (!eff) {
		print_error("%s: bad test JSON\n", why);
		return 0;
	}
	int rc = propose(w, T0, &a, NULL, NULL, &err);
	json_decref(eff);
	if (rc != want || w->nproposals != n) {
		print_error("%s: propose returned %d (%s), want %d\n", why, rc,
			    err.msg, want);
		return 0;
	}
	return 1;
}

static void effect_refused(struct cn_world *w, const char *json, int want,
			   const char *why)
{
	assert_true(effect_refused_ok(w, json, want, why));
}

static void test_effects_refused_at_propose(void **state)
{
	struct cn_world *w = *state;
	effect_refused(w, "[{\"type\":\"annex-territory\"}]", CN_EINVAL,
		       "unknown type");
	effect_refused(w, "[{\"id\":\"x\"}]", CN_EINVAL, "no type");
	effect_refused(w, "[\"open-office\"]", CN_EINVAL, "not an object");
	effect_refused(w, "{\"type\":\"open-office\"}", CN_EINVAL, "not a list");
	effect_refused(w, "[{\"type\":\"open-office\",\"id\":\"x\",\"name\":\"X\","
			  "\"country\":\"JP\"}]", CN_EINVAL, "open-office without city");
	effect_refused(w, "[{\"type\":\"open-office\",\"id\":\"hq\",\"name\":\"X\","
			  "\"city\":\"Brussels\",\"country\":\"BE\"}]", CN_EREFUSED,
		       "open-office with an existing id");
	effect_refused(w, "[{\"type\":\"open-office\",\"id\":\"x\",\"name\":\"X\","
			  "\"city\":\"Tokyo\",\"country\":\"Japan\"}]", CN_EINVAL,
		       "open-office country not alpha-2");
	effect_refused(w, "[{\"type\":\"open-office\",\"id\":\"x\",\"name\":\"X\","
			  "\"city\":\"Tokyo\",\"country\":\"JP\",\"lat\":\"35.6\"}]",
		       CN_EINVAL, "lat without lon");
	effect_refused(w, "[{\"type\":\"open-office\",\"id\":\"x\",\"name\":\"X\","
			  "\"city\":\"Tokyo\",\"country\":\"JP\",\"lat\":\"95\","
			  "\"lon\":\"139\"}]", CN_EINVAL, "lat out of range");
	effect_refused(w, "[{\"type\":\"close-office\",\"id\":\"nowhere\"}]",
		       CN_ENOTFOUND, "close an unknown office");
	effect_refused(w, "[{\"type\":\"admit-member\",\"code\":\"FR\",\"name\":"
			  "\"France\",\"effective\":\"2024-01-01\"}]", CN_EREFUSED,
		       "admit an existing member");
	effect_refused(w, "[{\"type\":\"admit-member\",\"code\":\"SE\",\"name\":"
			  "\"Sweden\"}]", CN_EINVAL, "admit without effective date");
	effect_refused(w, "[{\"type\":\"admit-member\",\"code\":\"SE\",\"name\":"
			  "\"Sweden\",\"effective\":\"2024-02-30\"}]", CN_EINVAL,
		       "admit with a bad date");
	effect_refused(w, "[{\"type\":\"add-partner\",\"code\":\"JP\",\"name\":"
			  "\"Japan\",\"framework\":\"x\"}]", CN_EREFUSED,
		       "add an existing partner");
	effect_refused(w, "[{\"type\":\"add-partner\",\"code\":\"FR\",\"name\":"
			  "\"France\",\"framework\":\"x\"}]", CN_EREFUSED,
		       "add a member as partner");
	/* Real numbers never reach the log. */
	effect_refused(w, "[{\"type\":\"open-office\",\"id\":\"x\",\"name\":\"X\","
			  "\"city\":\"Tokyo\",\"country\":\"JP\",\"n\":1.5}]",
		       CN_EINVAL, "a real number in an effect");
}

/*
 * An effect that passes the check at propose must be one the fold accepts
 * at adoption; otherwise the proposal can never be adopted (its conclusion
 * events are refused by cn_world_apply).  Two such effects: an "opened"
 * date that is not a date, and the same office id twice in one proposal.
 */
static void test_effects_that_could_never_apply(void **state)
{
	struct cn_world *w = *state;
	int ok = 1;
	ok &= effect_refused_ok(w, "[{\"type\":\"open-office\",\"id\":\"x\",\"name\":\"X\","
				   "\"city\":\"Tokyo\",\"country\":\"JP\","
				   "\"opened\":\"next spring\"}]", CN_EINVAL,
				"open-office with opened 'next spring'");
	ok &= effect_refused_ok(w, "[{\"type\":\"open-office\",\"id\":\"y\",\"name\":\"Y\","
				   "\"city\":\"Tokyo\",\"country\":\"JP\"},"
				   "{\"type\":\"open-office\",\"id\":\"y\",\"name\":\"Y2\","
				   "\"city\":\"Osaka\",\"country\":\"JP\"}]", CN_EREFUSED,
				"the same office id opened twice");
	ok &= effect_refused_ok(w, "[{\"type\":\"admit-member\",\"code\":\"SE\",\"name\":"
				   "\"Sweden\",\"effective\":\"2024-03-07\"},"
				   "{\"type\":\"admit-member\",\"code\":\"SE\",\"name\":"
				   "\"Sweden\",\"effective\":\"2024-03-07\"}]", CN_EREFUSED,
				"the same member admitted twice");
	assert_true(ok);
}

/* What happens to such a proposal today: adopted by the chair, its
 * conclusion cannot be folded, so it can never be adopted. */
static void test_effect_bad_opened_date_blocks_adoption(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	struct cn_outbox box = {0};
	json_t *eff = json_loads("[{\"type\":\"open-office\",\"id\":\"x\","
				 "\"name\":\"X\",\"city\":\"Tokyo\",\"country\":\"JP\","
				 "\"opened\":\"next spring\"}]", 0, NULL);
	struct cn_propose_args a = {.body = "COUNCIL", .title = "t", .effects = eff};
	int64_t id = 0;
	int rc = cn_cmd_propose(w, T0, &a, &box, &id, &err);
	json_decref(eff);
	if (rc) {
		/* Refused at propose, as it should be. */
		cn_outbox_release(&box);
		return;
	}
	OK(finish(w, 0, &box, NULL, &err));
	OK(cn_cmd_conclude(w, T0 + HOUR, id, &box, &err));
	rc = fx_apply_box(w, "secretariat", &box, &err);
	cn_outbox_release(&box);
	if (rc)
		fail_msg("proposal %lld was accepted but its adoption cannot be "
			 "recorded: %s", (long long)id, err.msg);
}

/* ---- effects: registry codes, required and bounded values, the spec form -- */

/* Proposing with these effects (JSON) gives `want`, and, when refused, a
 * message containing `text` and no proposal. */
static void effect_says(struct cn_world *w, const char *json, int want,
			const char *text)
{
	struct cn_err err = {0};
	json_t *eff = json_loads(json, 0, NULL);
	struct cn_propose_args a = {.body = "COUNCIL", .title = "t", .effects = eff};
	struct cn_outbox box = {0};
	const size_t n = w->nproposals;
	int64_t id = 0;

	if (!eff)
		fail_msg("bad test JSON: %s", json);
	int rc = cn_cmd_propose(w, T0, &a, &box, &id, &err);
	json_decref(eff);
	cn_outbox_release(&box);
	if (rc != want)
		fail_msg("%s: rc %d (%s), want %d", json, rc, err.msg, want);
	if (want && text && !strstr(err.msg, text))
		fail_msg("%s: message does not say \"%s\": %s", json, text, err.msg);
	assert_int_equal(w->nproposals, n);
}

#define ADMIT(code) "[{\"type\":\"admit-member\",\"code\":\"" code "\"," \
	"\"name\":\"N\",\"effective\":\"2024-03-07\"}]"
#define PARTNER(code) "[{\"type\":\"add-partner\",\"code\":\"" code "\"," \
	"\"name\":\"N\",\"framework\":\"pfp\"}]"
#define OFFICE(country) "[{\"type\":\"open-office\",\"id\":\"x\",\"name\":\"X\"," \
	"\"city\":\"C\",\"country\":\"" country "\"}]"

static void test_effect_codes_iso3166(void **state)
{
	struct cn_world *w = *state;
	/* Lower case would make a second France beside FR: refused, with
	 * the code's upper case form. */
	effect_says(w, ADMIT("fr"), CN_EINVAL, "code: 'fr' must be written in upper case: 'FR' (France)");
	effect_says(w, ADMIT("Fr"), CN_EINVAL, "'FR'");
	effect_says(w, ADMIT("FR"), CN_EREFUSED, "FR is already a member");
	effect_says(w, PARTNER("jp"), CN_EINVAL, "upper case: 'JP' (Japan)");
	effect_says(w, PARTNER("JP"), CN_EREFUSED, "JP is already a partner");
	/* Not ISO 3166-1 alpha-2. */
	effect_says(w, ADMIT("ZZ"), CN_EINVAL, "code: 'ZZ' is not an ISO 3166-1 alpha-2");
	effect_says(w, ADMIT("SWE"), CN_EINVAL, "'SWE' is not an ISO 3166-1");
	effect_says(w, ADMIT("S"), CN_EINVAL, "'S' is not");
	effect_says(w, ADMIT("zz"), CN_EINVAL, "'zz' is not an ISO 3166-1");
	effect_says(w, PARTNER("EU"), CN_EINVAL, "'EU' is not an ISO 3166-1");
	effect_says(w, OFFICE("ZZ"), CN_EINVAL, "country: 'ZZ' is not an ISO 3166-1");
	effect_says(w, OFFICE("jp"), CN_EINVAL, "country: 'jp' must be written in upper case");
	effect_says(w, OFFICE("Japan"), CN_EINVAL, "country: 'Japan'");
	/* Real codes, and XK, the user-assigned code for Kosovo. */
	effect_says(w, ADMIT("SE"), 0, NULL);
	effect_says(w, ADMIT("XK"), 0, NULL);
	effect_says(w, PARTNER("QA"), 0, NULL);
	effect_says(w, OFFICE("XK"), 0, NULL);
	effect_says(w, OFFICE("CI"), 0, NULL);
	assert_string_equal(cn_country_name("XK"), "Kosovo");
	assert_string_equal(cn_country_name("FR"), "France");
	assert_string_equal(cn_country_name("CI"), "C\xc3\xb4te d'Ivoire");
	assert_null(cn_country_name("fr"));
	assert_null(cn_country_name("XX"));
	assert_null(cn_country_name(""));
	assert_null(cn_country_name(NULL));
	/* The generated table is the whole standard, in order. */
	assert_true(cn_iso3166_count >= 249);
	for (size_t i = 1; i < cn_iso3166_count; i++)
		assert_true(strcmp(cn_iso3166_table[i - 1].code, cn_iso3166_table[i].code) < 0);
}

/* A JSON string of n copies of c. */
static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_effect_values_required_and_bounded(void **state)
{
	struct cn_world *w = *state;
	/* Empty ids and names, an empty framework: each refused by name. */
	effect_says(w, "[{\"type\":\"open-office\",\"id\":\"\",\"name\":\"\",\"city\":\"C\","
		       "\"country\":\"ZZ\"}]", CN_EINVAL, "id: empty");
	effect_says(w, "[{\"type\":\"open-office\",\"id\":\"x\",\"name\":\"  \",\"city\":\"C\","
		       "\"country\":\"JP\"}]", CN_EINVAL, "name: empty");
	effect_says(w, "[{\"type\":\"open-office\",\"id\":\"x\",\"name\":\"X\",\"city\":\"\\t\","
		       "\"country\":\"JP\"}]", CN_EINVAL, "city: empty");
	effect_says(w, "[{\"type\":\"add-partner\",\"code\":\"QA\",\"name\":\"Qatar\","
		       "\"framework\":\"\"}]", CN_EINVAL, "framework: empty");
	effect_says(w, "[{\"type\":\"admit-member\",\"code\":\"SE\",\"name\":\"\","
		       "\"effective\":\"2024-03-07\"}]", CN_EINVAL, "name: empty");
	effect_says(w, "[{\"type\":\"close-office\",\"id\":\"\"}]", CN_EINVAL, "id: empty");
	/* Values must be strings. */
	effect_says(w, "[{\"type\":\"open-office\",\"id\":\"x\",\"name\":5,\"city\":\"C\","
		       "\"country\":\"JP\"}]", CN_EINVAL, "name: must be a string");
	effect_says(w, "[{\"type\":\"open-office\",\"id\":\"x\",\"name\":\"X\",\"city\":\"C\","
		       "\"country\":\"JP\",\"note\":{\"a\":\"b\"}}]", CN_EINVAL,
		    "note: must be a string");
	/* What the adoption writes is not the proposer's to give. */
	effect_says(w, "[{\"type\":\"open-office\",\"id\":\"x\",\"name\":\"X\",\"city\":\"C\","
		       "\"country\":\"JP\",\"source\":\"me\"}]", CN_EINVAL, "source: set by the adoption");
	effect_says(w, "[{\"type\":\"add-partner\",\"code\":\"QA\",\"name\":\"Qatar\","
		       "\"framework\":\"pfp\",\"decision\":\"7\"}]", CN_EINVAL, "decision: set by the adoption");
	/* close-office names an office and nothing else. */
	effect_says(w, "[{\"type\":\"close-office\",\"id\":\"hq\",\"name\":\"HQ\"}]", CN_EINVAL,
		    "close-office has no field 'name'");
	/* Lengths, at and past each bound (bytes). */
	struct { const char *field; size_t max; } b[] = {
		{"id", CN_EFFECT_ID_MAX}, {"name", CN_EFFECT_TEXT_MAX},
		{"city", CN_EFFECT_TEXT_MAX}, {"kind", CN_EFFECT_TEXT_MAX},
		{"note", CN_EFFECT_NOTE_MAX},
	};
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		for (size_t n = b[i].max; n <= b[i].max + 1; n++) {
			char *v = repeat('a', n), want[64];
			json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", "open-office",
					      "id", "x", "name", "X", "city", "C", "country", "JP");
			json_object_set_new(o, b[i].field, json_string(v));
			json_t *arr = json_pack("[o]", o);
			char *text = json_dumps(arr, 0);
			snprintf(want, sizeof(want), "%s: longer than %zu bytes", b[i].field, b[i].max);
			effect_says(w, text, n > b[i].max ? CN_EINVAL : 0, want);
			free(text);
			json_decref(arr);
			free(v);
		}
}

static void spec_ok(const char *spec, const char *want_json)
{
	struct cn_err err = {0};
	json_t *o = NULL, *want = json_loads(want_json, 0, NULL);
	if (cn_effect_parse(spec, &o, &err))
		fail_msg("'%s' refused: %s", spec, err.msg);
	if (!json_equal(o, want)) {
		char *got = json_dumps(o, JSON_SORT_KEYS);
		fail_msg("'%s' parsed as %s, want %s", spec, got, want_json);
	}
	json_decref(o);
	json_decref(want);
}

static void spec_bad(const char *spec, const char *text)
{
	struct cn_err err = {0};
	json_t *o = NULL;
	if (cn_effect_parse(spec, &o, &err) != CN_EINVAL)
		fail_msg("'%s' accepted", spec);
	assert_null(o);
	if (!strstr(err.msg, text))
		fail_msg("'%s': message does not say \"%s\": %s", spec, text, err.msg);
}

static void test_effect_spec_parse(void **state)
{
	(void)state;
	spec_ok("open-office:id=x,name=Office X,city=Tokyo,country=JP",
		"{\"type\":\"open-office\",\"id\":\"x\",\"name\":\"Office X\","
		"\"city\":\"Tokyo\",\"country\":\"JP\"}");
	spec_ok("close-office:id=hq", "{\"type\":\"close-office\",\"id\":\"hq\"}");
	spec_ok("admit-member:code=SE,name=Sweden,effective=2024-03-07",
		"{\"type\":\"admit-member\",\"code\":\"SE\",\"name\":\"Sweden\","
		"\"effective\":\"2024-03-07\"}");
	spec_ok("add-partner:code=QA,name=Qatar,framework=ici,since=2005",
		"{\"type\":\"add-partner\",\"code\":\"QA\",\"name\":\"Qatar\","
		"\"framework\":\"ici\",\"since\":\"2005\"}");
	/* A value may hold '=' and ':'; an empty one is the check's to refuse. */
	spec_ok("open-office:id=a=b,name=x:y", "{\"type\":\"open-office\",\"id\":\"a=b\",\"name\":\"x:y\"}");
	spec_ok("open-office:id=", "{\"type\":\"open-office\",\"id\":\"\"}");
	spec_ok("close-office", "{\"type\":\"close-office\"}");
	/* The JSON form, strict about duplicates. */
	spec_ok("{\"type\":\"close-office\",\"id\":\"hq\"}", "{\"type\":\"close-office\",\"id\":\"hq\"}");
	spec_bad("{\"type\":\"close-office\",\"id\":\"a\",\"id\":\"b\"}", "duplicate");
	spec_bad("{\"type\":", "not a JSON object");
	spec_bad("[1]", "unknown type '[1]'");
	/* Duplicate keys, unknown keys and kinds: refused, naming them. */
	spec_bad("open-office:id=x,id=y", "duplicate key 'id'");
	spec_bad("open-office:id=x,name=X,name=Y", "duplicate key 'name'");
	spec_bad("open-office:type=close-office,id=x", "unknown key 'type'");
	spec_bad("admit-member:code=SE,nmae=Sweden", "unknown key 'nmae'");
	spec_bad("admit-member:code=SE,nmae=Sweden", "code, name, effective");
	spec_bad("close-office:id=hq,name=HQ", "unknown key 'name'");
	spec_bad("open-office:source=me", "unknown key 'source'");
	spec_bad("launch-rocket:id=a", "unknown type 'launch-rocket'");
	spec_bad(":id=a", "unknown type ''");
	/* Malformed pairs. */
	spec_bad("open-office:id", "expected key=value at 'id'");
	spec_bad("open-office:=x", "expected key=value at '=x'");
	spec_bad("open-office:id=a,,name=b", "expected key=value at ''");
	spec_bad("open-office:id=a,", "expected key=value at ''");
}

static void test_withdraw(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES];
	int64_t id = open_on(w, T0, "SIL", NULL, DEADLINE);

	REFUSED(CN_ENOTFOUND, withdraw(w, T0 + 1, 42, "x", NULL, &err));
	REFUSED(CN_EINVAL, withdraw(w, T0 - 1, id, "x", NULL, &err));
	OK(withdraw(w, T0 + HOUR, id, "overtaken by events", types, &err));
	assert_string_equal(types, "procedure.concluded");
	const struct cn_proposal *p = cn_world_proposal(w, id);
	assert_string_equal(p->outcome, "withdrawn");
	assert_string_equal(p->explanation, "withdrawn: overtaken by events");
	assert_int_equal(p->concluded_at, T0 + HOUR);
	/* A withdrawn silence procedure is not concluded again at its
	 * deadline. */
	OK(tick(w, fx_t(DEADLINE), types, &err));
	assert_string_equal(types, "");
	REFUSED(CN_ECONCLUDED, respond(w, T0 + 2 * HOUR, id, "BE", CN_POS_CONCUR,
				       NULL, NULL, &err));
	REFUSED(CN_ECONCLUDED, extend(w, T0 + 2 * HOUR, id, "2023-08-01", NULL, &err));
	REFUSED(CN_ECONCLUDED, recirculate(w, T0 + 2 * HOUR, id, "t", "2023-08-01",
					   NULL, &err));
}

static void test_proposal_json(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	int64_t id = open_on(w, T0, "COUNCIL", NULL, NULL);
	char buf[128];

	OK(respond(w, T0 + HOUR, id, "US", CN_POS_FOOTNOTE, "on record", NULL, &err));
	json_t *j = cn_proposal_json(w, cn_world_proposal(w, id));
	assert_int_equal(json_integer_value(json_object_get(j, "id")), id);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "open");
	assert_true(json_is_null(json_object_get(j, "outcome")));
	assert_string_equal(json_string_value(json_object_get(j, "verdict")), "adopted");
	assert_string_equal(json_string_value(json_object_get(j, "explanation")),
			    "adopted: no objection among 5 members");
	assert_string_equal(json_string_value(json_object_get(j, "opened")),
			    "2023-07-07T09:00:00Z");
	assert_true(json_is_null(json_object_get(j, "deadline")));
	assert_int_equal(json_integer_value(json_object_get(j, "electorate_size")), 5);
	assert_string_equal(codes(json_object_get(j, "electorate"), buf, sizeof(buf)),
			    "BE DE FR TR US");
	json_t *us = json_array_get(json_object_get(j, "positions"), 4);
	assert_string_equal(json_string_value(json_object_get(us, "member")), "US");
	assert_string_equal(json_string_value(json_object_get(us, "position")), "footnote");
	assert_string_equal(json_string_value(json_object_get(us, "text")), "on record");
	assert_string_equal(json_string_value(json_object_get(us, "at")),
			    "2023-07-07T10:00:00Z");
	/* The view holds no real numbers: it can be stored canonically. */
	char *s = NULL;
	size_t len;
	assert_int_equal(cn_canon_dump(j, &s, &len, &err), 0);
	free(s);
	json_decref(j);

	OK(respond(w, T0 + HOUR, id, "FR", CN_POS_OBJECT, "non", NULL, &err));
	OK(conclude(w, T0 + 2 * HOUR, id, NULL, &err));
	j = cn_proposal_json(w, cn_world_proposal(w, id));
	assert_string_equal(json_string_value(json_object_get(j, "status")), "concluded");
	assert_string_equal(json_string_value(json_object_get(j, "outcome")), "blocked");
	assert_string_equal(codes(json_object_get(j, "blocked_by"), buf, sizeof(buf)),
			    "FR");
	assert_string_equal(json_string_value(json_object_get(j, "concluded")),
			    "2023-07-07T11:00:00Z");
	json_decref(j);
}

/* Core messages reach API clients as well as the CLI: they name the JSON
 * field, never a command-line flag. */
static void assert_names_field(int rc, const struct cn_err *err,
			       const char *field)
{
	char want[64];
	snprintf(want, sizeof(want), "field '%s'", field);
	if (rc != CN_EINVAL || strstr(err->msg, "--") || !strstr(err->msg, want))
		fail_msg("got %d '%s', want CN_EINVAL naming %s and no flag", rc,
			 err->msg, want);
}

static void test_messages_name_fields(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	struct cn_outbox box = {0};
	struct cn_propose_args a = {.body = "SIL", .title = "t"};
	struct cn_respond_args r = {.act = CN_ACT_POSITION, .pos = CN_POS_OBJECT};
	int64_t id = 0;

	assert_names_field(propose(w, T0, &a, NULL, NULL, &err), &err, "deadline");
	a.body = "COUNCIL";
	a.deadline = "2023-07-10T09:00:00Z";
	assert_names_field(propose(w, T0, &a, NULL, NULL, &err), &err, "deadline");
	a.deadline = NULL;
	a.procedure = "ratification";
	a.level = "foreign-ministers";
	assert_names_field(propose(w, T0, &a, NULL, NULL, &err), &err, "level");
	id = open_on(w, T0, "SIL", NULL, "2023-07-10T09:00:00Z");
	r.proposal = id;
	assert_names_field(respond_full(w, T0 + HOUR, &r, NULL, &err), &err,
			   "member");
	r.member = "FR";
	assert_names_field(respond_full(w, T0 + HOUR, &r, NULL, &err), &err,
			   "reason");
	assert_names_field(cn_cmd_extend(w, T0 + HOUR, id, NULL, &box, &err), &err,
			   "deadline");
	assert_names_field(cn_cmd_recirculate(w, T0 + HOUR, id, NULL,
					      "2023-07-11T09:00:00Z", &box, &err),
			   &err, "text");
	assert_names_field(cn_cmd_recirculate(w, T0 + HOUR, id, "Revised.", NULL,
					      &box, &err),
			   &err, "deadline");
	assert_int_equal(box.n, 0);
}

/* ---- out of memory in the fold ----------------------------------------------- */

/* oom_malloc (fixture.h): a world that differs from the one folded with
 * memory to spare shows a failed allocation ignored. */

/* Everything the fold keeps, as one string (normal allocator). */
static char *world_dump(const struct cn_world *w)
{
	json_t *o = json_pack("{s:I, s:O?, s:[], s:[], s:[], s:[], s:[]}",
			      "last_seq", (json_int_t)w->last_seq, "alliance",
			      w->alliance, "members", "partners", "bodies",
			      "offices", "proposals");
	char *s;
	for (size_t i = 0; i < w->nmembers; i++)
		json_array_append_new(json_object_get(o, "members"),
			json_pack("{s:s, s:I, s:I, s:O, s:s?}", "code",
				  w->members[i].code, "accession",
				  (json_int_t)w->members[i].accession, "exit",
				  (json_int_t)w->members[i].exit, "record",
				  w->members[i].record, "key",
				  w->members[i].key_vkey));
	for (size_t i = 0; i < w->npartners; i++)
		json_array_append(json_object_get(o, "partners"),
				  w->partners[i].record);
	for (size_t i = 0; i < w->nbodies; i++)
		json_array_append_new(json_object_get(o, "bodies"),
			json_pack("{s:O, s:i}", "record", w->bodies[i].record,
				  "clauses", (int)w->bodies[i].nclauses));
	for (size_t i = 0; i < w->noffices; i++)
		json_array_append_new(json_object_get(o, "offices"),
			json_pack("{s:O, s:I, s:I, s:I}", "record",
				  w->offices[i].record, "opened",
				  (json_int_t)w->offices[i].opened, "closed",
				  (json_int_t)w->offices[i].closed, "decision",
				  (json_int_t)w->offices[i].decision));
	for (size_t i = 0; i < w->nproposals; i++)
		json_array_append_new(json_object_get(o, "proposals"),
				      cn_proposal_json(w, cn_world_proposal(w, (int64_t)i + 1)));
	s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(o);
	return s;
}

/* A signed position: FR registers a key, then signs its concurrence. */
static void signed_concur(struct cn_world *w, int64_t now, int64_t id)
{
	struct cn_err err = {0};
	struct cn_outbox box = {0};
	uint8_t pk[CN_NOTE_PUBKEY_LEN], sk[CN_NOTE_SECKEY_LEN];
	unsigned char sig[crypto_sign_BYTES];
	char *vkey = NULL, *msg = NULL;
	char b64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES,
					   sodium_base64_VARIANT_ORIGINAL)];
	size_t len;

	OK(cn_note_keygen("fr-delegation", pk, sk, &err));
	OK(cn_note_vkey_encode("fr-delegation", pk, &vkey, &err));
	OK(cn_cmd_register_key(w, now, "FR", vkey, &box, &err));
	OK(finish(w, 0, &box, NULL, &err));
	free(vkey);
	OK(cn_position_message(id, cn_world_proposal(w, id)->revision, "FR",
			       "concur", NULL, 0, &msg, &len, &err));
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg, len, sk);
	free(msg);
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig),
			  sodium_base64_VARIANT_ORIGINAL);
	struct cn_respond_args a = {.proposal = id, .member = "FR",
				    .act = CN_ACT_POSITION, .pos = CN_POS_CONCUR,
				    .signature = b64};
	OK(respond_full(w, now, &a, NULL, &err));
}

static int eu_member(struct cn_world *w, const char *code, const char *v2024,
		     const char *v2025, struct cn_err *err);

/* What issue 15 added, for the out-of-memory runs: frozen weights, a
 * joint break of silence and a join, a matter taken up again, a break by
 * amendment, a public footnote, a body established and one amended. */
static void fold_issue15_events(struct cn_world *w)
{
	const int64_t t = fx_t("2024-06-01T00:00:00Z");
	struct cn_err err = {0};
	json_t *joint = json_pack("[s]", "BE"), *osce = json_pack("[s, s]",
								  "object", "amend");
	json_t *eff = json_pack("[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:{s:s}}]",
				"type", "establish-body", "id", "EPC", "name",
				"Planning", "rule", "consensus", "type",
				"amend-body", "body", "NPG", "rule", "unanimity",
				"membership", "kind", "all");
	struct cn_propose_args pa = {.body = "SIL", .title = "OSCE",
				     .deadline = "2024-07-01T00:00:00Z",
				     .breaks = osce};
	struct cn_respond_args ra = {.member = "FR", .act = CN_ACT_POSITION,
				     .pos = CN_POS_OBJECT, .text = "joint",
				     .joint = joint};
	int64_t id = 0;

	OK(eu_member(w, "LU", "0.6", "0.7", &err));
	OK(fx_body(w, t, "WB", "Weighed", "weight(concur, population) >= 1/2 "
		   "of electorate", "meeting", "1958-01-01", NULL,
		   json_pack("[o]", fx_clause("list", "LU", NULL, NULL)), &err));
	id = open_on(w, t, "WB", NULL, NULL);
	OK(respond(w, t, id, "LU", CN_POS_CONCUR, NULL, NULL, &err));
	OK(conclude(w, t, id, NULL, &err));
	ra.proposal = open_on(w, t, "SIL", NULL, "2024-07-01T00:00:00Z");
	OK(respond_full(w, t, &ra, NULL, &err));
	OK(respond(w, t + HOUR, ra.proposal, "DE", CN_POS_OBJECT, "too", NULL,
		   &err));
	OK(recirculate(w, t + HOUR, ra.proposal, "v2", "2024-07-01T00:00:00Z",
		       NULL, &err));
	OK(propose(w, t, &pa, &id, NULL, &err));
	OK(act(w, t, id, "TR", CN_ACT_AMEND, "an amendment", NULL, &err));
	pa = (struct cn_propose_args){.body = "COUNCIL", .title = "Bodies",
				      .effects = eff};
	OK(propose(w, t, &pa, &id, NULL, &err));
	ra = (struct cn_respond_args){.proposal = id, .member = "US",
				      .act = CN_ACT_POSITION,
				      .pos = CN_POS_FOOTNOTE, .text = "public",
				      .public_note = 1};
	OK(respond_full(w, t, &ra, NULL, &err));
	OK(conclude(w, t, id, NULL, &err));
	json_decref(joint);
	json_decref(osce);
	json_decref(eff);
}

/* Fold a log touching every event type again and again, failing one more
 * jansson allocation each time: the fold either gives the same world or
 * fails with CN_ENOMEM (then the caller discards the world); never a
 * corrupt-log verdict, a crash, a leak (ASan) or a silently different
 * world.  The world's own arrays grow with realloc, which jansson's
 * allocator does not reach; fold.c keeps them intact by growing them
 * before it takes any reference (see its grow()). */
static void test_fold_out_of_memory(void **state)
{
	struct cn_world *w = calloc(1, sizeof(*w));
	struct cn_err err = {0};
	struct fx_log log = {0};
	struct cn_event *evs;
	char *want, *got;
	int64_t id = 0;
	const int64_t t1 = fx_t("2023-07-12T12:00:00Z");
	json_t *eff = json_pack(
		"[{s:s, s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s},"
		" {s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]",
		"type", "open-office", "id", "nlo-tokyo", "name", "NLO Tokyo",
		"city", "Tokyo", "country", "JP", "lat", "35.6762", "lon",
		"139.6503", "type", "close-office", "id", "hq", "type",
		"admit-member", "code", "SE", "name", "Sweden", "effective",
		"2024-03-07", "type", "add-partner", "code", "AU", "name",
		"Australia", "framework", "partners across the globe");
	struct cn_propose_args a = {.body = "SIL", .title = "Every effect",
				    .text = "Draft.", .deadline =
				    "2023-07-10T12:00:00Z", .effects = eff};

	(void)state;
	T0 = fx_t("2023-07-07T09:00:00Z");
	fx_recording = &log;
	OK(fx_small_world(w, &err));
	OK(propose(w, T0, &a, &id, NULL, &err));
	json_decref(eff);
	signed_concur(w, T0 + HOUR, id);
	OK(act(w, T0 + HOUR, id, "BE", CN_ACT_COMMENT, "a comment", NULL, &err));
	OK(respond(w, T0 + HOUR, id, "DE", CN_POS_RESERVE, NULL, NULL, &err));
	OK(act(w, T0 + 2 * HOUR, id, "DE", CN_ACT_LIFT, NULL, NULL, &err));
	OK(extend(w, T0 + 2 * HOUR, id, "2023-07-11T12:00:00Z", NULL, &err));
	OK(recirculate(w, T0 + 3 * HOUR, id, "Revised.", "2023-07-12T09:00:00Z",
		       NULL, &err));
	OK(tick(w, t1, NULL, &err));
	assert_string_equal(cn_world_proposal(w, id)->outcome, "adopted");
	id = open_on(w, t1, "COUNCIL", NULL, NULL);
	OK(respond(w, t1 + HOUR, id, "TR", CN_POS_OBJECT, "no", NULL, &err));
	OK(conclude(w, t1 + 2 * HOUR, id, NULL, &err));
	fold_issue15_events(w);
	fx_recording = NULL;
	want = world_dump(w);
	cn_world_release(w);

	evs = calloc(log.n, sizeof(*evs));
	assert_non_null(evs);
	for (size_t i = 0; i < log.n; i++)
		OK(cn_event_decode(log.bytes[i], log.len[i], &evs[i], &err));
	for (oom_fail_at = 1;; oom_fail_at++) {
		int rc = 0;
		cn_world_init(w);
		oom_count = 0;
		oom_fired = 0;
		json_set_alloc_funcs(oom_malloc, free);
		for (size_t i = 0; i < log.n && rc == 0; i++)
			rc = cn_world_apply(w, &evs[i], &err);
		json_set_alloc_funcs(malloc, free);
		if (rc) {
			if (rc != CN_ENOMEM || err.code != CN_ENOMEM)
				fail_msg("allocation %zu failed: fold returned %d "
					 "(%s), want CN_ENOMEM", oom_fail_at, rc,
					 err.msg);
		} else {
			got = world_dump(w);
			if (strcmp(got, want))
				fail_msg("allocation %zu failed unnoticed: the "
					 "world differs", oom_fail_at);
			free(got);
		}
		cn_world_release(w);
		if (!oom_fired)
			break; /* every allocation of the fold was failed once */
	}
	assert_true(oom_fail_at > 10);
	for (size_t i = 0; i < log.n; i++)
		cn_event_release(&evs[i]);
	free(evs);
	free(want);
	fx_log_release(&log);
	free(w);
}

/* The outbox as one string: each item's type, time and payload. */
static char *box_dump(const struct cn_outbox *box)
{
	json_t *a = json_array();
	char *s;
	for (size_t i = 0; i < box->n; i++)
		json_array_append_new(a, json_pack("{s:s, s:I, s:O, s:s}", "type",
			cn_event_type_get(box->items[i].type)->name, "time",
			(json_int_t)box->items[i].time, "payload",
			box->items[i].payload, "actor", box->items[i].actor));
	s = json_dumps(a, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(a);
	return s;
}

typedef int (*command_fn)(const struct cn_world *w, struct cn_outbox *box,
			  struct cn_err *err);

static int cmd_propose_all(const struct cn_world *w, struct cn_outbox *box,
			   struct cn_err *err)
{
	json_t *eff = json_pack("[{s:s, s:s, s:s, s:s, s:s, s:s, s:s}]",
				"type", "open-office", "id", "nlo-tokyo", "name",
				"NLO Tokyo", "city", "Tokyo", "country", "JP",
				"lat", "35.6762", "lon", "139.6503");
	struct cn_propose_args a = {.body = "COUNCIL", .title = "t",
				    .text = "x", .level = "foreign-ministers",
				    .place = "Vilnius", .effects = eff};
	int64_t id = 0;
	int rc;
	if (!eff)
		return cn_err_set(err, CN_ENOMEM, "test: out of memory");
	rc = cn_cmd_propose(w, T0, &a, box, &id, err);
	json_decref(eff);
	return rc;
}

static int cmd_propose_silence(const struct cn_world *w,
			       struct cn_outbox *box, struct cn_err *err)
{
	struct cn_propose_args a = {.body = "SIL", .title = "t",
				    .deadline = "2023-07-10T09:00:00Z"};
	int64_t id = 0;
	return cn_cmd_propose(w, T0, &a, box, &id, err);
}

static int cmd_footnote(const struct cn_world *w, struct cn_outbox *box,
			struct cn_err *err)
{
	struct cn_respond_args a = {.proposal = 1, .member = "US",
				    .act = CN_ACT_POSITION, .pos = CN_POS_FOOTNOTE,
				    .text = "on record"};
	return cn_cmd_respond(w, T0 + HOUR, &a, box, err);
}

static int cmd_break_silence(const struct cn_world *w, struct cn_outbox *box,
			     struct cn_err *err)
{
	struct cn_respond_args a = {.proposal = 2, .member = "FR",
				    .act = CN_ACT_POSITION, .pos = CN_POS_OBJECT,
				    .text = "letter"};
	return cn_cmd_respond(w, T0 + HOUR, &a, box, err);
}

static int cmd_conclude_adopted(const struct cn_world *w,
				struct cn_outbox *box, struct cn_err *err)
{
	return cn_cmd_conclude(w, T0 + DAY, 1, box, err);
}

static int cmd_extend(const struct cn_world *w, struct cn_outbox *box,
		      struct cn_err *err)
{
	return cn_cmd_extend(w, T0 + HOUR, 2, "2023-07-11T09:00:00Z", box, err);
}

static int cmd_recirculate(const struct cn_world *w, struct cn_outbox *box,
			   struct cn_err *err)
{
	return cn_cmd_recirculate(w, T0 + HOUR, 2, "Revised.",
				  "2023-07-11T09:00:00Z", box, err);
}

static int cmd_tick(const struct cn_world *w, struct cn_outbox *box,
		    struct cn_err *err)
{
	return cn_cmd_tick(w, fx_t("2023-07-11T00:00:00Z"), box, err);
}

/* Issue 15's commands: a joint letter, a join, a matter taken up again,
 * a public footnote, bodies established and amended, weights frozen. */
static int cmd_joint_break(const struct cn_world *w, struct cn_outbox *box,
			   struct cn_err *err)
{
	json_t *joint = json_pack("[s, s]", "BE", "DE");
	struct cn_respond_args a = {.proposal = 2, .member = "FR",
				    .act = CN_ACT_POSITION, .pos = CN_POS_OBJECT,
				    .text = "joint letter", .joint = joint};
	int rc = joint ? cn_cmd_respond(w, T0 + HOUR, &a, box, err)
		       : cn_err_set(err, CN_ENOMEM, "test: out of memory");
	json_decref(joint);
	return rc;
}

static int cmd_join_break(const struct cn_world *w, struct cn_outbox *box,
			  struct cn_err *err)
{
	struct cn_respond_args a = {.proposal = 4, .member = "DE",
				    .act = CN_ACT_POSITION, .pos = CN_POS_OBJECT,
				    .text = "joins"};
	return cn_cmd_respond(w, T0 + 2 * HOUR, &a, box, err);
}

static int cmd_recirculate_broken(const struct cn_world *w,
				  struct cn_outbox *box, struct cn_err *err)
{
	return cn_cmd_recirculate(w, T0 + 2 * HOUR, 4, "Revised.",
				  "2023-07-11T09:00:00Z", box, err);
}

static int cmd_public_footnote(const struct cn_world *w, struct cn_outbox *box,
			       struct cn_err *err)
{
	struct cn_respond_args a = {.proposal = 1, .member = "TR",
				    .act = CN_ACT_POSITION, .pos = CN_POS_FOOTNOTE,
				    .text = "published", .public_note = 1};
	return cn_cmd_respond(w, T0 + HOUR, &a, box, err);
}

static json_t *body_effects(void)
{
	return json_pack("[{s:s, s:s, s:s, s:s, s:[s, s]},"
			 " {s:s, s:s, s:s, s:s, s:{s:s}}]",
			 "type", "establish-body", "id", "EPC", "name", "Planning",
			 "rule", "consensus", "silence_breaks", "object", "amend",
			 "type", "amend-body", "body", "NPG", "rule", "unanimity",
			 "effective", "2023-08-01", "membership", "kind", "all");
}

static int cmd_propose_bodies(const struct cn_world *w, struct cn_outbox *box,
			      struct cn_err *err)
{
	json_t *eff = body_effects();
	struct cn_propose_args a = {.body = "COUNCIL", .title = "Bodies",
				    .effects = eff};
	int64_t id = 0;
	int rc = eff ? cn_cmd_propose(w, T0, &a, box, &id, err)
		     : cn_err_set(err, CN_ENOMEM, "test: out of memory");
	json_decref(eff);
	return rc;
}

static int cmd_conclude_bodies(const struct cn_world *w, struct cn_outbox *box,
			       struct cn_err *err)
{
	return cn_cmd_conclude(w, T0 + DAY, 3, box, err);
}

static int cmd_propose_weighted(const struct cn_world *w, struct cn_outbox *box,
				struct cn_err *err)
{
	struct cn_propose_args a = {.body = "WB", .title = "Weighed"};
	int64_t id = 0;
	return cn_cmd_propose(w, fx_t("2024-06-01"), &a, box, &id, err);
}

/* Run each command on the same world while failing the Nth jansson
 * allocation for every N: it either fills the same outbox as with memory
 * to spare or fails with CN_ENOMEM and an empty outbox; never a different
 * event (a field silently missing, a decision lapsed for want of memory)
 * or a refusal. */
static void test_commands_out_of_memory(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	const command_fn cmds[] = {cmd_propose_all, cmd_propose_silence,
				   cmd_footnote, cmd_break_silence,
				   cmd_conclude_adopted, cmd_extend,
				   cmd_recirculate, cmd_tick, cmd_joint_break,
				   cmd_join_break, cmd_recirculate_broken,
				   cmd_public_footnote, cmd_propose_bodies,
				   cmd_conclude_bodies, cmd_propose_weighted};
	const char *names[] = {"propose", "propose silence", "footnote",
			       "break silence", "conclude", "extend",
			       "recirculate", "tick", "joint break", "join",
			       "recirculate broken", "public footnote",
			       "propose bodies", "conclude bodies",
			       "propose weighted"};
	json_t *eff = tokyo_office();
	/* Proposal 1 carries an effect, so concluding it adopts one. */
	struct cn_propose_args a = {.body = "COUNCIL", .title = "Tokyo",
				    .effects = eff};
	int64_t id1 = 0, id2;

	OK(propose(w, T0, &a, &id1, NULL, &err));
	json_decref(eff);
	id2 = open_on(w, T0, "SIL", NULL, "2023-07-10T09:00:00Z");
	assert_int_equal(id1, 1);
	assert_int_equal(id2, 2);
	eff = body_effects();
	a = (struct cn_propose_args){.body = "COUNCIL", .title = "Bodies",
				     .effects = eff};
	OK(propose(w, T0, &a, &id1, NULL, &err));
	json_decref(eff);
	id2 = open_on(w, T0, "SIL", NULL, "2023-07-10T09:00:00Z");
	OK(respond(w, T0 + HOUR, id2, "FR", CN_POS_OBJECT, "non", NULL, &err));
	assert_int_equal(id1, 3);
	assert_int_equal(id2, 4);
	OK(eu_member(w, "LU", "0.6", "0.7", &err));
	OK(fx_body(w, T0, "WB", "Weighed", "weight(concur, population) >= 1/2 "
		   "of electorate", "meeting", "1958-01-01", NULL,
		   json_pack("[o]", fx_clause("list", "LU", NULL, NULL)), &err));
	for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
		struct cn_outbox box = {0};
		char *want, *got;
		OK(cmds[c](w, &box, &err));
		assert_true(box.n > 0);
		want = box_dump(&box);
		cn_outbox_release(&box);
		for (oom_fail_at = 1;; oom_fail_at++) {
			int rc;
			oom_count = 0;
			oom_fired = 0;
			json_set_alloc_funcs(oom_malloc, free);
			rc = cmds[c](w, &box, &err);
			json_set_alloc_funcs(malloc, free);
			if (rc) {
				if (rc != CN_ENOMEM || err.code != CN_ENOMEM)
					fail_msg("%s: allocation %zu failed: got %d "
						 "(%s), want CN_ENOMEM", names[c],
						 oom_fail_at, rc, err.msg);
				/* A failed command's outbox is released unused. */
			} else {
				got = box_dump(&box);
				if (strcmp(got, want))
					fail_msg("%s: allocation %zu failed "
						 "unnoticed:\n%s\nwant\n%s", names[c],
						 oom_fail_at, got, want);
				free(got);
			}
			cn_outbox_release(&box);
			if (!oom_fired)
				break;
		}
		free(want);
	}
}

/* The views under the same regime: whole, or NULL. */
static void assert_view_whole_or_null(json_t *(*view)(const struct cn_world *,
						      const void *),
				      const struct cn_world *w, const void *x,
				      const char *what)
{
	json_t *j = view(w, x);
	char *want = json_dumps(j, JSON_COMPACT), *got;
	json_decref(j);
	assert_non_null(want);
	for (oom_fail_at = 1;; oom_fail_at++) {
		oom_count = 0;
		oom_fired = 0;
		json_set_alloc_funcs(oom_malloc, free);
		j = view(w, x);
		json_set_alloc_funcs(malloc, free);
		if (j) {
			got = json_dumps(j, JSON_COMPACT);
			if (strcmp(got, want))
				fail_msg("%s: allocation %zu failed unnoticed:\n%s",
					 what, oom_fail_at, got);
			free(got);
			json_decref(j);
		}
		if (!oom_fired)
			break;
	}
	free(want);
}

static json_t *proposal_view(const struct cn_world *w, const void *p)
{
	return cn_proposal_json(w, p);
}

static json_t *office_view(const struct cn_world *w, const void *o)
{
	return cn_office_json(w, o, T0);
}

static void test_views_out_of_memory(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	json_t *eff = tokyo_office();
	struct cn_propose_args a = {.body = "COUNCIL", .title = "Tokyo",
				    .level = "foreign-ministers",
				    .place = "Vilnius", .effects = eff};
	int64_t id = 0;

	OK(propose(w, T0, &a, &id, NULL, &err));
	json_decref(eff);
	OK(respond(w, T0 + HOUR, id, "US", CN_POS_FOOTNOTE, "on record", NULL,
		   &err));
	OK(respond(w, T0 + HOUR, id, "TR", CN_POS_RESERVE, NULL, NULL, &err));
	assert_view_whole_or_null(proposal_view, w, cn_world_proposal(w, id),
				  "open meeting");
	OK(act(w, T0 + HOUR, id, "TR", CN_ACT_LIFT, NULL, NULL, &err));
	OK(conclude(w, T0 + 2 * HOUR, id, NULL, &err));
	assert_view_whole_or_null(proposal_view, w, cn_world_proposal(w, id),
				  "adopted meeting");
	assert_view_whole_or_null(office_view, w, cn_world_office(w, "nlo-tokyo"),
				  "office");
	id = open_on(w, T0, "UNAN", NULL, NULL);
	assert_view_whole_or_null(proposal_view, w, cn_world_proposal(w, id),
				  "unanimity");
	id = open_on(w, T0, "SIL", NULL, "2023-07-10T09:00:00Z");
	OK(respond(w, T0 + HOUR, id, "FR", CN_POS_OBJECT, "non", NULL, &err));
	assert_view_whole_or_null(proposal_view, w, cn_world_proposal(w, id),
				  "broken silence");
}

/* ---- issue 15: rules as data, silence as practised, time, who did what ---- */

/* A member whose population is given for 2024 (and, with v2025, from
 * 2025 on). */
static int eu_member(struct cn_world *w, const char *code, const char *v2024,
		     const char *v2025, struct cn_err *err)
{
	json_t *periods = json_pack("[{s:s, s:s, s:s, s:s}]", "value", v2024,
				    "from", "2024-01-01", "to", "2025-01-01",
				    "source", "fixture");
	if (periods && v2025)
		json_array_append_new(periods,
				      json_pack("{s:s, s:s, s:s}", "value", v2025,
						"from", "2025", "source", "fixture"));
	return fx_apply(w, fx_t("2000-01-01"), "dataset", "member.admitted",
			json_pack("{s:{s:s, s:s, s:s, s:s, s:{s:o}}}", "member",
				  "code", code, "name", code, "accession",
				  "1958-01-01", "source", "fixture", "attributes",
				  "population", periods),
			err);
}

#define QMV "count(concur) >= 55% of electorate and " \
	    "(weight(concur, population) >= 65% of electorate or " \
	    "count(object|abstain|silent) < 4)"

/* Seven states weighed by population (millions), under EU qualified
 * majority with the blocking minority of four (docs/RULES.md). */
static void eu_world(struct cn_world *w)
{
	struct cn_err err = {0};

	cn_world_init(w);
	OK(fx_found(w, fx_t("2000-01-01"), &err));
	OK(eu_member(w, "DE", "84", "90", &err));
	OK(eu_member(w, "FR", "68", "68", &err));
	OK(eu_member(w, "IT", "59", "59", &err));
	OK(eu_member(w, "ES", "48", "48", &err));
	OK(eu_member(w, "PL", "37", "37", &err));
	OK(eu_member(w, "NL", "18", "18", &err));
	OK(eu_member(w, "LU", "0.6", NULL, &err));
	OK(fx_body(w, fx_t("2000-01-01"), "EUCO", "Council", QMV, "meeting",
		   "1958-01-01", NULL,
		   json_pack("[o]", fx_clause("all", NULL, NULL, NULL)), &err));
}

static void test_weights_frozen_at_opening(void **state)
{
	struct cn_world w;
	struct cn_err err = {0};
	const int64_t t = fx_t("2024-06-01T09:00:00Z");
	int64_t a, b;

	(void)state;
	eu_world(&w);
	a = open_on(&w, t, "EUCO", NULL, NULL);
	const struct cn_proposal *p = cn_world_proposal(&w, a);
	assert_non_null(p->weights);
	assert_string_equal(cn_jstr(json_object_get(p->weights, "population"),
				    "DE"), "84");
	assert_string_equal(cn_jstr(json_object_get(p->weights, "population"),
				    "LU"), "0.6");
	/* Three large states against: 4 states for, 33% of the population,
	 * but fewer than four against is no blocking minority. */
	OK(respond(&w, t + HOUR, a, "DE", CN_POS_OBJECT, "no", NULL, &err));
	OK(respond(&w, t + HOUR, a, "FR", CN_POS_OBJECT, "no", NULL, &err));
	OK(respond(&w, t + HOUR, a, "IT", CN_POS_OBJECT, "no", NULL, &err));
	for (const char *const *c = (const char *const[]){"ES", "PL", "NL", "LU",
							  NULL}; *c; c++)
		OK(respond(&w, t + HOUR, a, *c, CN_POS_CONCUR, NULL, NULL, &err));
	OK(conclude(&w, t + 2 * HOUR, a, NULL, &err));
	p = cn_world_proposal(&w, a);
	assert_string_equal(p->outcome, "adopted");
	assert_non_null(strstr(p->explanation, "3 object|abstain|silent < 4"));
	/* A fourth state against makes the blocking minority. */
	b = open_on(&w, t, "EUCO", NULL, NULL);
	for (const char *const *c = (const char *const[]){"DE", "FR", "IT", "LU",
							  NULL}; *c; c++)
		OK(respond(&w, t + HOUR, b, *c, CN_POS_OBJECT, "no", NULL, &err));
	for (const char *const *c = (const char *const[]){"ES", "PL", "NL", NULL};
	     *c; c++)
		OK(respond(&w, t + HOUR, b, *c, CN_POS_CONCUR, NULL, NULL, &err));
	OK(conclude(&w, t + 2 * HOUR, b, NULL, &err));
	assert_string_equal(cn_world_proposal(&w, b)->outcome, "failed");
	/* In 2025 Luxembourg has no figure: the rule cannot weigh it, and
	 * the proposal is refused naming it. */
	struct cn_propose_args pa = {.body = "EUCO", .title = "2025"};
	REFUSED(CN_EREFUSED, propose(&w, fx_t("2025-03-01"), &pa, NULL, NULL, &err));
	assert_non_null(strstr(err.msg, "LU has no population in force on "
				       "2025-03-01"));
	cn_world_release(&w);
}

static void test_weights_follow_the_date(void **state)
{
	struct cn_world w;
	struct cn_err err = {0};
	json_t *j;

	(void)state;
	/* Two states with figures for 2024 and from 2025: a proposal takes
	 * those in force the day it opens. */
	cn_world_init(&w);
	OK(fx_found(&w, fx_t("2000-01-01"), &err));
	OK(eu_member(&w, "DE", "84", "90", &err));
	OK(eu_member(&w, "FR", "68", "68", &err));
	OK(fx_body(&w, fx_t("2000-01-01"), "EUCO", "Council", QMV, "meeting",
		   "1958-01-01", NULL,
		   json_pack("[o]", fx_clause("all", NULL, NULL, NULL)), &err));
	int64_t a = open_on(&w, fx_t("2024-12-31T23:00:00Z"), "EUCO", NULL, NULL);
	int64_t b = open_on(&w, fx_t("2025-01-01T00:00:00Z"), "EUCO", NULL, NULL);
	assert_string_equal(cn_jstr(json_object_get(cn_world_proposal(&w, a)->weights,
						    "population"), "DE"), "84");
	assert_string_equal(cn_jstr(json_object_get(cn_world_proposal(&w, b)->weights,
						    "population"), "DE"), "90");
	/* The view shows the figures counted. */
	j = cn_proposal_json(&w, cn_world_proposal(&w, b));
	assert_string_equal(cn_jstr(json_object_get(json_object_get(j, "weights"),
						    "population"), "FR"), "68");
	json_decref(j);
	cn_world_release(&w);
}

/* Attributes are checked when the member is folded. */
static void test_attributes_checked(void **state)
{
	struct cn_world w;
	struct cn_err err = {0};
	static const char *const bad[] = {
		"{\"Population\": [{\"value\": \"1\", \"from\": \"2024\", \"source\": \"s\"}]}",
		"{\"population\": {\"2024\": \"1\"}}",
		"{\"population\": [{\"value\": 1, \"from\": \"2024\", \"source\": \"s\"}]}",
		"{\"population\": [{\"value\": \"1e6\", \"from\": \"2024\", \"source\": \"s\"}]}",
		"{\"population\": [{\"value\": \"1\", \"source\": \"s\"}]}",
		"{\"population\": [{\"value\": \"1\", \"from\": \"2024\"}]}",
		"{\"population\": [{\"value\": \"1\", \"from\": \"2024\", \"to\": \"2023\", \"source\": \"s\"}]}",
		"{\"population\": [{\"value\": \"1\", \"from\": \"2024\", \"source\": \"s\"},"
		" {\"value\": \"2\", \"from\": \"2025\", \"source\": \"s\"}]}",
		"[]",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cn_world_init(&w);
		OK(fx_found(&w, fx_t("2000-01-01"), &err));
		int rc = fx_apply(&w, fx_t("2000-01-01"), "dataset", "member.admitted",
				  json_pack("{s:{s:s, s:s, s:s, s:s, s:o}}", "member",
					    "code", "DE", "name", "DE", "accession",
					    "1958-01-01", "source", "fixture",
					    "attributes", json_loads(bad[i], 0, NULL)),
				  &err);
		if (rc != CN_ECORRUPT || !strstr(err.msg, "member DE"))
			fail_msg("attributes %s: got %d (%s)", bad[i], rc, err.msg);
		cn_world_release(&w);
	}
}

static void test_silence_joint_letter(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES], buf[64];
	int64_t id = open_on(w, T0, "SIL", NULL, DEADLINE), m;
	json_t *joint = json_pack("[s, s]", "BE", "DE");
	struct cn_respond_args a = {.proposal = id, .member = "FR",
				    .act = CN_ACT_POSITION, .pos = CN_POS_OBJECT,
				    .text = "joint letter", .joint = joint};

	/* Those who sign must sit in the electorate, once each. */
	json_t *bad = json_pack("[s]", "JP");
	a.joint = bad;
	REFUSED(CN_EREFUSED, respond_full(w, T0 + HOUR, &a, NULL, &err));
	json_decref(bad);
	bad = json_pack("[s]", "FR");
	a.joint = bad;
	REFUSED(CN_EINVAL, respond_full(w, T0 + HOUR, &a, NULL, &err));
	json_decref(bad);
	/* A joint letter breaks silence; a concurrence is each one's own. */
	m = open_on(w, T0, "COUNCIL", NULL, NULL);
	a.proposal = m;
	a.joint = joint;
	REFUSED(CN_EINVAL, respond_full(w, T0 + HOUR, &a, NULL, &err));

	a.proposal = id;
	OK(respond_full(w, T0 + HOUR, &a, types, &err));
	assert_string_equal(types, "silence.broken procedure.concluded");
	const struct cn_proposal *p = cn_world_proposal(w, id);
	assert_string_equal(p->explanation, "blocked: FR, BE, DE broke silence");
	assert_string_equal(codes(p->blocking, buf, sizeof(buf)), "FR BE DE");
	for (const char *const *c = (const char *const[]){"FR", "BE", "DE", NULL};
	     *c; c++) {
		assert_int_equal(ballot(w, id, *c)->pos, CN_POS_OBJECT);
		assert_string_equal(ballot(w, id, *c)->text, "joint letter");
	}
	/* The view names the letter's members, when, and on each position. */
	json_t *j = cn_proposal_json(w, p);
	const json_t *brk = json_array_get(json_object_get(j, "breaks"), 0);
	assert_string_equal(codes(json_object_get(brk, "members"), buf, sizeof(buf)),
			    "FR BE DE");
	assert_string_equal(cn_jstr(brk, "at"), "2023-07-07T10:00:00Z");
	assert_string_equal(cn_jstr(brk, "kind"), "object");
	const json_t *x;
	size_t i;
	json_array_foreach(json_object_get(j, "positions"), i, x)
		if (!strcmp(cn_jstr(x, "member"), "DE"))
			assert_string_equal(codes(json_object_get(x, "joint"), buf,
						  sizeof(buf)), "FR BE DE");
	json_decref(j);
	/* A signatory cannot break it twice; another may join. */
	a.joint = NULL;
	a.member = "BE";
	REFUSED(CN_EREFUSED, respond_full(w, T0 + 2 * HOUR, &a, NULL, &err));
	a.member = "TR";
	OK(respond_full(w, T0 + 2 * HOUR, &a, types, &err));
	assert_string_equal(types, "silence.broken");
	assert_string_equal(cn_world_proposal(w, id)->explanation,
			    "blocked: FR, BE, DE, TR broke silence");
	json_decref(joint);
}

static void test_silence_broken_by_amendment(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES];
	json_t *osce = json_pack("[s, s]", "object", "amend");
	json_t *amend_only = json_pack("[s]", "amend");
	struct cn_propose_args pa = {.body = "SIL", .title = "OSCE decision",
				     .deadline = DEADLINE, .breaks = osce};
	int64_t id = 0, nato = open_on(w, T0, "SIL", NULL, DEADLINE);

	/* Where only an objection breaks silence, an amendment is refused
	 * and the proposal goes on. */
	REFUSED(CN_EREFUSED, act(w, T0 + HOUR, nato, "DE", CN_ACT_AMEND,
				 "insert 'and'", NULL, &err));
	assert_non_null(strstr(err.msg, "only an objection breaks silence"));
	/* What breaks silence is said for silence procedures, and always
	 * includes an objection. */
	pa.breaks = amend_only;
	REFUSED(CN_EINVAL, propose(w, T0, &pa, NULL, NULL, &err));
	pa.breaks = osce;
	pa.procedure = "meeting";
	pa.deadline = NULL;
	REFUSED(CN_EINVAL, propose(w, T0, &pa, NULL, NULL, &err));
	pa.procedure = NULL;
	pa.deadline = DEADLINE;
	OK(propose(w, T0, &pa, &id, NULL, &err));
	assert_int_equal(cn_world_proposal(w, id)->silence_breaks,
			 CN_BREAK_OBJECT | CN_BREAK_AMEND);
	REFUSED(CN_EINVAL, act(w, T0 + HOUR, id, "DE", CN_ACT_AMEND, NULL, NULL,
			       &err));
	OK(act(w, T0 + HOUR, id, "DE", CN_ACT_AMEND, "insert 'and'", types, &err));
	assert_string_equal(types, "silence.broken procedure.concluded");
	const struct cn_proposal *p = cn_world_proposal(w, id);
	assert_string_equal(p->outcome, "blocked");
	assert_string_equal(p->explanation, "blocked: DE broke silence");
	assert_string_equal(cn_jstr(json_array_get(p->breaks, 0), "kind"), "amend");
	assert_true(json_is_true(json_object_get(ballot(w, id, "DE")->extra,
						 "amendment")));
	/* A meeting has no silence to break. */
	int64_t m = open_on(w, T0, "COUNCIL", NULL, NULL);
	REFUSED(CN_EREFUSED, act(w, T0 + HOUR, m, "DE", CN_ACT_AMEND, "x", NULL,
				 &err));
	json_decref(osce);
	json_decref(amend_only);
}

static void test_silence_broken_taken_up_again(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES];
	json_t *eff = tokyo_office();
	struct cn_propose_args pa = {.body = "SIL", .title = "Tokyo",
				     .text = "v1", .deadline = DEADLINE,
				     .effects = eff, .shared = 1};
	int64_t id = 0;

	OK(propose(w, T0, &pa, &id, NULL, &err));
	json_decref(eff);
	OK(respond(w, T0 + HOUR, id, "FR", CN_POS_OBJECT, "non", NULL, &err));
	/* The secretariat revises the text: the matter is taken up in a new
	 * proposal, under silence again, that supersedes the broken one. */
	OK(recirculate(w, T0 + DAY, id, "v2", "2023-07-14T09:00:00Z", types, &err));
	assert_string_equal(types, "proposal.created proposal.superseded");
	const struct cn_proposal *old = cn_world_proposal(w, id);
	const struct cn_proposal *p = cn_world_proposal(w, id + 1);
	assert_int_equal(old->superseded_by, id + 1);
	assert_int_equal(p->supersedes, id);
	assert_int_equal(p->proc, CN_PROC_SILENCE);
	assert_string_equal(p->text, "v2");
	assert_string_equal(p->title, "Tokyo");
	assert_true(p->shared);
	assert_int_equal(json_array_size(p->effects), 1);
	assert_false(p->concluded);
	/* Taken up once. */
	REFUSED(CN_EREFUSED, recirculate(w, T0 + DAY, id, "v3",
					 "2023-07-14T09:00:00Z", NULL, &err));
	json_t *j = cn_proposal_json(w, old);
	assert_int_equal(json_integer_value(json_object_get(j, "superseded_by")),
			 id + 1);
	json_decref(j);
}

static void test_supersedes(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	struct cn_propose_args pa = {.supersedes = 99};
	int64_t open = open_on(w, T0, "COUNCIL", NULL, NULL);
	int64_t adopted = open_on(w, T0, "COUNCIL", NULL, NULL);
	int64_t blocked = open_on(w, T0, "COUNCIL", NULL, NULL), id = 0;

	OK(conclude(w, T0 + HOUR, adopted, NULL, &err));
	OK(respond(w, T0 + HOUR, blocked, "FR", CN_POS_OBJECT, "non", NULL, &err));
	OK(conclude(w, T0 + 2 * HOUR, blocked, NULL, &err));
	REFUSED(CN_ENOTFOUND, propose(w, T0 + DAY, &pa, NULL, NULL, &err));
	pa.supersedes = open;
	REFUSED(CN_EREFUSED, propose(w, T0 + DAY, &pa, NULL, NULL, &err));
	pa.supersedes = adopted;
	REFUSED(CN_EREFUSED, propose(w, T0 + DAY, &pa, NULL, NULL, &err));
	/* Not before what it takes up was concluded. */
	pa.supersedes = blocked;
	REFUSED(CN_EINVAL, propose(w, T0 + HOUR, &pa, NULL, NULL, &err));
	/* In another body (as the Turkey matter went from the NAC to the
	 * DPC in February 2003): the title and text carry over. */
	pa.body = "NPG";
	OK(propose(w, T0 + DAY, &pa, &id, NULL, &err));
	assert_string_equal(cn_world_proposal(w, id)->body, "NPG");
	assert_string_equal(cn_world_proposal(w, id)->title, "Test proposal");
	assert_int_equal(cn_world_proposal(w, blocked)->superseded_by, id);
}

static void test_time_in_order(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	int64_t id = open_on(w, T0, "COUNCIL", NULL, NULL);

	OK(respond(w, T0 + 2 * HOUR, id, "FR", CN_POS_OBJECT, "non", NULL, &err));
	/* A conclusion cannot be dated before a position it counts, nor a
	 * position before the latest event. */
	REFUSED(CN_EINVAL, conclude(w, T0 + HOUR, id, NULL, &err));
	assert_non_null(strstr(err.msg, "before the latest event of proposal"));
	REFUSED(CN_EINVAL, respond(w, T0 + HOUR, id, "DE", CN_POS_CONCUR, NULL,
				   NULL, &err));
	REFUSED(CN_EINVAL, withdraw(w, T0 + HOUR, id, NULL, NULL, &err));
	OK(respond(w, T0 + 2 * HOUR, id, "DE", CN_POS_CONCUR, NULL, NULL, &err));
	OK(conclude(w, T0 + 2 * HOUR, id, NULL, &err));
	assert_int_equal(cn_world_proposal(w, id)->last_at, T0 + 2 * HOUR);
	/* And nothing is recorded after the clock. */
	OK(cn_timeline_not_future(T0, T0, &err));
	REFUSED(CN_EINVAL, cn_timeline_not_future(T0 + 1, T0, &err));
	assert_non_null(strstr(err.msg, "is in the future"));
	assert_null(strstr(err.msg, "--"));
}

/* Run a command and keep its outbox's actors ("-" for the command's). */
static int actors_of(struct cn_world *w, int rc, struct cn_outbox *box,
		     char *out, size_t n, struct cn_err *err)
{
	size_t k = 0;
	out[0] = '\0';
	for (size_t i = 0; rc == 0 && i < box->n && k < n; i++)
		k += (size_t)snprintf(out + k, n - k, "%s%s", i ? " " : "",
				      box->items[i].actor[0] ? box->items[i].actor
							     : "-");
	return finish(w, rc, box, NULL, err);
}

static void test_decisions_are_the_bodys(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	struct cn_outbox box = {0};
	char actors[256];
	json_t *eff = json_pack("[{s:s, s:s, s:s, s:s}]", "type", "admit-member",
				"code", "SE", "name", "Sweden", "effective",
				"2024-03-07");
	struct cn_propose_args pa = {.body = "COUNCIL", .title = "Accession",
				     .procedure = "ratification", .effects = eff};
	int64_t id = 0;
	const char *order[] = {"BE", "DE", "FR", "TR"};

	OK(propose(w, T0, &pa, &id, NULL, &err));
	json_decref(eff);
	for (size_t i = 0; i < 4; i++)
		OK(respond(w, T0 + HOUR, id, order[i], CN_POS_CONCUR, NULL, NULL,
			   &err));
	/* The last ratification is the delegation's; the conclusion and the
	 * admission are the Council's decision. */
	struct cn_respond_args a = {.proposal = id, .member = "US",
				    .act = CN_ACT_POSITION, .pos = CN_POS_CONCUR};
	OK(actors_of(w, cn_cmd_respond(w, T0 + DAY, &a, &box, &err), &box, actors,
		     sizeof(actors), &err));
	assert_string_equal(actors, "- body:COUNCIL body:COUNCIL");
	/* So is a silence procedure's, broken or at its deadline. */
	id = open_on(w, T0 + DAY, "SIL", NULL, "2023-07-10T09:00:00Z");
	a = (struct cn_respond_args){.proposal = id, .member = "FR",
				     .act = CN_ACT_POSITION, .pos = CN_POS_OBJECT,
				     .text = "non"};
	OK(actors_of(w, cn_cmd_respond(w, T0 + DAY, &a, &box, &err), &box, actors,
		     sizeof(actors), &err));
	assert_string_equal(actors, "- body:SIL");
	id = open_on(w, T0 + DAY, "SIL", NULL, "2023-07-10T09:00:00Z");
	OK(actors_of(w, cn_cmd_tick(w, fx_t("2023-07-11"), &box, &err), &box,
		     actors, sizeof(actors), &err));
	assert_string_equal(actors, "body:SIL");
	/* A withdrawal is the secretariat's own act. */
	id = open_on(w, fx_t("2023-07-11"), "COUNCIL", NULL, NULL);
	OK(actors_of(w, cn_cmd_withdraw(w, fx_t("2023-07-11"), id, NULL, &box, &err),
		     &box, actors, sizeof(actors), &err));
	assert_string_equal(actors, "-");
}

static void test_signed_position_shown(void **state)
{
	struct cn_world *w = *state;
	int64_t id = open_on(w, T0, "COUNCIL", NULL, NULL);
	const json_t *x;
	size_t i;
	int seen = 0;

	signed_concur(w, T0 + HOUR, id);
	json_t *j = cn_proposal_json(w, cn_world_proposal(w, id));
	json_array_foreach(json_object_get(j, "positions"), i, x) {
		if (strcmp(cn_jstr(x, "member"), "FR")) {
			assert_null(json_object_get(x, "signed"));
			continue;
		}
		seen = 1;
		assert_true(json_is_true(json_object_get(x, "signed")));
		assert_string_equal(cn_jstr(x, "key"), "fr-delegation");
	}
	assert_true(seen);
	json_decref(j);
}

static void test_public_footnote(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	int64_t id = open_on(w, T0, "COUNCIL", NULL, NULL);
	struct cn_respond_args a = {.proposal = id, .member = "TR",
				    .act = CN_ACT_POSITION, .pos = CN_POS_CONCUR,
				    .public_note = 1};
	json_t *j;

	/* Only a footnote is made public. */
	REFUSED(CN_EINVAL, respond_full(w, T0 + HOUR, &a, NULL, &err));
	a.pos = CN_POS_FOOTNOTE;
	a.text = "Turkey recognises the Republic of Macedonia with its "
		 "constitutional name.";
	OK(respond_full(w, T0 + HOUR, &a, NULL, &err));
	OK(respond(w, T0 + HOUR, id, "US", CN_POS_FOOTNOTE, "kept confidential",
		   NULL, &err));
	/* While open, nothing is published. */
	j = cn_proposal_json(w, cn_world_proposal(w, id));
	assert_null(json_object_get(j, "footnotes"));
	json_decref(j);
	OK(conclude(w, T0 + 2 * HOUR, id, NULL, &err));
	j = cn_proposal_json(w, cn_world_proposal(w, id));
	const json_t *f = json_object_get(j, "footnotes");
	assert_int_equal(json_array_size(f), 1);
	assert_string_equal(cn_jstr(json_array_get(f, 0), "member"), "TR");
	assert_string_equal(cn_jstr(json_array_get(f, 0), "text"), a.text);
	json_decref(j);
	/* A blocked decision publishes none. */
	id = open_on(w, T0 + 2 * HOUR, "COUNCIL", NULL, NULL);
	a.proposal = id;
	OK(respond_full(w, T0 + 3 * HOUR, &a, NULL, &err));
	OK(respond(w, T0 + 3 * HOUR, id, "FR", CN_POS_OBJECT, "non", NULL, &err));
	OK(conclude(w, T0 + 4 * HOUR, id, NULL, &err));
	j = cn_proposal_json(w, cn_world_proposal(w, id));
	assert_null(json_object_get(j, "footnotes"));
	json_decref(j);
}

static void test_body_established_by_decision(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES];
	json_t *eff = json_pack("[{s:s, s:s, s:s, s:s, s:[{s:s, s:[s]}]}]",
				"type", "establish-body", "id", "EPC", "name",
				"Euro-Atlantic Planning Committee", "rule",
				"count(concur) >= 2/3 of electorate", "membership",
				"kind", "all-except", "except", "TR");
	struct cn_propose_args pa = {.body = "COUNCIL", .title = "Establish the EPC",
				     .effects = eff};
	int64_t id = 0;

	OK(propose(w, T0, &pa, &id, NULL, &err));
	json_decref(eff);
	assert_null(cn_world_body(w, "EPC"));
	/* A rule that does not parse is refused when proposed. */
	eff = json_pack("[{s:s, s:s, s:s, s:s}]", "type", "establish-body", "id",
			"BAD", "name", "Bad", "rule", "count(concur) => 2");
	pa.effects = eff;
	REFUSED(CN_EINVAL, propose(w, T0, &pa, NULL, NULL, &err));
	assert_non_null(strstr(err.msg, "rule: column"));
	json_decref(eff);
	eff = json_pack("[{s:s, s:s, s:s, s:s}]", "type", "establish-body", "id",
			"COUNCIL", "name", "Again", "rule", "consensus");
	pa.effects = eff;
	REFUSED(CN_EREFUSED, propose(w, T0, &pa, NULL, NULL, &err));
	json_decref(eff);

	OK(conclude(w, T0 + HOUR, id, types, &err));
	assert_string_equal(types, "procedure.concluded body.established");
	const struct cn_body *b = cn_world_body(w, "EPC");
	assert_non_null(b);
	assert_string_equal(b->rule_src, "count(concur) >= 2/3 of electorate");
	assert_string_equal(b->procedure, "meeting");
	assert_int_equal(json_integer_value(json_object_get(b->record, "decision")),
			 id);
	assert_true(cn_body_has(w, b, "FR", T0 + DAY));
	assert_false(cn_body_has(w, b, "TR", T0 + DAY));
	/* And it decides under its own rule from then on. */
	int64_t p = open_on(w, T0 + DAY, "EPC", NULL, NULL);
	assert_string_equal(cn_world_proposal(w, p)->rule_src,
			    "count(concur) >= 2/3 of electorate");
	assert_int_equal(cn_world_proposal(w, p)->nballots, 4);
}

static void test_body_amended_by_decision(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES];
	const int64_t t1 = fx_t("2024-01-01");
	json_t *eff = json_pack("[{s:s, s:s, s:s, s:s, s:{s:s}}]", "type",
				"amend-body", "body", "NPG", "effective",
				"2024-06-01", "rule", "unanimity", "membership",
				"kind", "all");
	struct cn_propose_args pa = {.body = "COUNCIL", .title = "Amend the NPG",
				     .effects = eff};
	int64_t id = 0;

	OK(propose(w, t1, &pa, &id, NULL, &err));
	json_decref(eff);
	/* Never before the decision, and it changes something. */
	eff = json_pack("[{s:s, s:s, s:s, s:s}]", "type", "amend-body", "body",
			"NPG", "effective", "2023-06-01", "rule", "unanimity");
	pa.effects = eff;
	REFUSED(CN_EREFUSED, propose(w, t1, &pa, NULL, NULL, &err));
	json_decref(eff);
	eff = json_pack("[{s:s, s:s}]", "type", "amend-body", "body", "NPG");
	pa.effects = eff;
	REFUSED(CN_EINVAL, propose(w, t1, &pa, NULL, NULL, &err));
	json_decref(eff);
	eff = json_pack("[{s:s, s:s, s:{s:s}}]", "type", "amend-body", "body",
			"NPG", "membership", "kind", "some");
	pa.effects = eff;
	REFUSED(CN_EINVAL, propose(w, t1, &pa, NULL, NULL, &err));
	json_decref(eff);

	OK(conclude(w, t1 + HOUR, id, types, &err));
	assert_string_equal(types, "procedure.concluded body.amended");
	const struct cn_body *b = cn_world_body(w, "NPG");
	assert_string_equal(b->rule_src, "unanimity");
	/* France joins from the effective date, not before; the rule in
	 * force before it is the old one. */
	assert_false(cn_body_has(w, b, "FR", fx_t("2024-05-31")));
	assert_true(cn_body_has(w, b, "FR", fx_t("2024-06-01")));
	assert_string_equal(json_string_value(cn_body_field_at(b, "rule",
							       fx_t("2024-05-31"))),
			    "consensus");
	assert_string_equal(json_string_value(cn_body_field_at(b, "rule",
							       fx_t("2024-06-01"))),
			    "unanimity");
	int64_t before = open_on(w, fx_t("2024-05-01"), "NPG", NULL, NULL);
	int64_t after = open_on(w, fx_t("2024-07-01"), "NPG", NULL, NULL);
	assert_string_equal(cn_world_proposal(w, before)->rule_src, "consensus");
	assert_int_equal(cn_world_proposal(w, before)->nballots, 4);
	assert_string_equal(cn_world_proposal(w, after)->rule_src, "unanimity");
	assert_int_equal(cn_world_proposal(w, after)->nballots, 5);
	/* The record keeps what changed, when and by which decision. */
	const json_t *am = json_array_get(json_object_get(b->record, "amendments"), 0);
	assert_string_equal(cn_jstr(am, "effective"), "2024-06-01");
	assert_int_equal(json_integer_value(json_object_get(am, "decision")), id);
	assert_string_equal(cn_jstr(json_object_get(am, "before"), "rule"),
			    "consensus");
}

/* ---- issue 13: roll-call and written votes, named rules ------------------- */

static int vote_full(struct cn_world *w, int64_t now,
		     const struct cn_vote_args *a, char *types,
		     struct cn_err *err)
{
	struct cn_outbox box = {0};
	int rc = cn_cmd_vote(w, now, a, &box, err);
	return finish(w, rc, &box, types, err);
}

static int vote(struct cn_world *w, int64_t now, int64_t id,
		const char *member, const char *v, char *types,
		struct cn_err *err)
{
	struct cn_vote_args a = {.proposal = id, .member = member, .vote = v};
	return vote_full(w, now, &a, types, err);
}

static void test_vote_roll_call(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES];
	int64_t id = open_on(w, T0, "COUNCIL", "vote", NULL);

	assert_int_equal(vote(w, T0 + 60, id, "BE", "yes", types, &err), 0);
	assert_string_equal(types, "vote.cast");
	assert_int_equal(vote(w, T0 + 60, id, "DE", "no", NULL, &err), 0);
	assert_int_equal(vote(w, T0 + 60, id, "FR", "not-participating", NULL,
			      &err), 0);
	/* A member may change its vote until the vote closes. */
	assert_int_equal(vote(w, T0 + 90, id, "BE", "abstain", NULL, &err), 0);
	assert_int_equal(vote(w, T0 + 90, id, "BE", "abstain", NULL, &err),
			 CN_EREFUSED);
	/* Positions are not votes. */
	assert_int_equal(respond(w, T0 + 90, id, "TR", CN_POS_CONCUR, NULL, NULL,
				 &err), CN_EREFUSED);
	assert_non_null(strstr(err.msg, "not-participating"));
	json_t *j = cn_proposal_json(w, cn_world_proposal(w, id));
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(j, "tally"), "not_voted")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(
		json_object_get(j, "votes"), "not_participating"), 0)), "FR");
	json_decref(j);
	assert_int_equal(conclude(w, T0 + 120, id, types, &err), 0);
	assert_string_equal(types, "procedure.concluded");
	const struct cn_proposal *p = cn_world_proposal(w, id);
	assert_string_equal(p->outcome, "blocked");
	j = cn_proposal_json(w, p);
	const json_t *t = json_object_get(j, "tally");
	assert_int_equal(json_integer_value(json_object_get(t, "yes")), 0);
	assert_int_equal(json_integer_value(json_object_get(t, "no")), 1);
	assert_int_equal(json_integer_value(json_object_get(t, "abstain")), 1);
	/* FR said so, TR and US never voted: all not participating. */
	assert_int_equal(json_integer_value(json_object_get(t, "not_participating")), 3);
	assert_null(json_object_get(t, "not_voted"));
	json_decref(j);
}

static void test_vote_refusals(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	int64_t m = open_on(w, T0, "COUNCIL", NULL, NULL);
	int64_t v = open_on(w, T0, "COUNCIL", "vote", NULL);
	struct cn_vote_args a = {.proposal = v, .member = "BE", .vote = "yes",
				 .declared = 1};

	assert_int_equal(vote(w, T0 + 1, m, "BE", "yes", NULL, &err), CN_EREFUSED);
	assert_int_equal(vote(w, T0 + 1, v, "BE", "maybe", NULL, &err), CN_EINVAL);
	assert_int_equal(vote(w, T0 + 1, v, "JP", "yes", NULL, &err), CN_EREFUSED);
	assert_int_equal(vote_full(w, T0 + 1, &a, NULL, &err), CN_EINVAL);
	a.declared = 0;
	a.vote = NULL;
	a.refuse = "Not urgent";
	assert_int_equal(vote_full(w, T0 + 1, &a, NULL, &err), CN_EINVAL);
	assert_non_null(strstr(err.msg, "only the written procedure"));
}

static void test_written_procedure(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	char types[TYPES];
	const char *dl = "2023-07-08T09:00:00Z";
	int64_t id = open_on(w, T0, "COUNCIL", "written", dl);
	struct cn_vote_args a = {.proposal = id, .member = "DE",
				 .refuse = "To the Council, not in writing"};

	assert_int_equal(vote(w, T0 + 60, id, "BE", "yes", NULL, &err), 0);
	/* Not closed early while a member has not voted. */
	assert_int_equal(conclude(w, T0 + 90, id, NULL, &err), CN_EREFUSED);
	assert_int_equal(vote_full(w, T0 + 120, &a, types, &err), 0);
	assert_string_equal(types, "written.refused procedure.concluded");
	assert_string_equal(cn_world_proposal(w, id)->explanation,
			    "blocked: DE did not agree to the written procedure");

	/* Every member voted: the chair may close it before the deadline. */
	int64_t all = open_on(w, T0 + 200, "COUNCIL", "written", dl);
	const char *ms[] = {"BE", "DE", "FR", "TR", "US"};
	for (int i = 0; i < 5; i++)
		assert_int_equal(vote(w, T0 + 300, all, ms[i], "yes", NULL, &err), 0);
	assert_int_equal(conclude(w, T0 + 400, all, NULL, &err), 0);
	assert_string_equal(cn_world_proposal(w, all)->outcome, "adopted");

	/* Otherwise it is counted at its deadline, by the clock. */
	int64_t late = open_on(w, T0 + 500, "COUNCIL", "written", dl);
	assert_int_equal(vote(w, T0 + 600, late, "US", "no", NULL, &err), 0);
	assert_int_equal(tick(w, fx_t(dl) + DAY, types, &err), 0);
	assert_string_equal(types, "procedure.concluded");
	assert_true(cn_world_proposal(w, late)->concluded_at == fx_t(dl));
	assert_string_equal(cn_world_proposal(w, late)->outcome, "blocked");
	assert_int_equal(vote(w, fx_t(dl) + DAY, late, "BE", "yes", NULL, &err),
			 CN_ECONCLUDED);
}

static void test_named_rules(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	struct cn_propose_args a = {.body = "COUNCIL", .title = "T",
				    .rule = "qmv"};
	int64_t id;

	assert_int_equal(propose(w, T0, &a, &id, NULL, &err), CN_EINVAL);
	assert_non_null(strstr(err.msg, "has no rule 'qmv'"));
	a.rule = NULL;
	a.concerned = "TR";
	assert_int_equal(propose(w, T0, &a, &id, NULL, &err), CN_EINVAL);
	assert_non_null(strstr(err.msg, "concerned"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_propose_payload),
		T(test_vote_roll_call),
		T(test_vote_refusals),
		T(test_written_procedure),
		T(test_named_rules),
		T(test_propose_refusals),
		T(test_meeting_adopted),
		T(test_meeting_blocked),
		T(test_reservation_holds_then_lift),
		T(test_positions_change_before_conclusion),
		T(test_position_rules),
		T(test_after_conclusion),
		T(test_outside_electorate),
		T(test_electorate_frozen),
		T(test_electorate_frozen_backdated_member),
		T(test_unanimity_meeting),
		T(test_outstanding_from_parsed_rule),
		T(test_silence_deadline_checks),
		T(test_silence_broken),
		T(test_silence_comment_and_tick),
		T(test_silence_tick_late_concludes_at_deadline),
		T(test_silence_reservation_holds),
		T(test_silence_extend),
		T(test_silence_recirculate),
		T(test_silence_under_unanimity),
		T(test_ratification),
		T(test_ratification_objection_does_not_conclude),
		T(test_effect_open_office_adopted),
		T(test_effect_blocked_changes_nothing),
		T(test_effects_other_kinds),
		T(test_effects_refused_at_propose),
		T(test_effects_that_could_never_apply),
		T(test_effect_bad_opened_date_blocks_adoption),
		T(test_effect_codes_iso3166),
		T(test_effect_values_required_and_bounded),
		cmocka_unit_test(test_effect_spec_parse),
		T(test_withdraw),
		T(test_proposal_json),
		T(test_messages_name_fields),
		cmocka_unit_test(test_fold_out_of_memory),
		T(test_commands_out_of_memory),
		T(test_views_out_of_memory),
		cmocka_unit_test(test_weights_frozen_at_opening),
		cmocka_unit_test(test_weights_follow_the_date),
		cmocka_unit_test(test_attributes_checked),
		T(test_silence_joint_letter),
		T(test_silence_broken_by_amendment),
		T(test_silence_broken_taken_up_again),
		T(test_supersedes),
		T(test_time_in_order),
		T(test_decisions_are_the_bodys),
		T(test_signed_position_shown),
		T(test_public_footnote),
		T(test_body_established_by_decision),
		T(test_body_amended_by_decision),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
