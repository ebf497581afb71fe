/*
 * test_projcheck.c - the projection check (app/projcheck.h) on a store of
 * several chunks of proposals, which two threads render and the stored
 * rows are digested by: a stored row changed, two members' positions on
 * one proposal exchanged, a row moved to a proposal of another chunk,
 * added beyond the world's proposals, or deleted, in a chunk past the
 * first, is each named by `council verify`'s check, and
 * the untouched store passes, through the replay from the log (with its
 * pager) and the replay from the stored events alike.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "app/projcheck.h"
#include "app/verify.h"
#include "store/store.h"
#include "fixture.h"

#define START 1767225600 /* 2026-01-01 */
/* Proposals: three chunks and a part, FR's position on every odd one. */
#define PROPOSALS (3 * CN_PROJCHECK_CHUNK + 40)

/* The proposal several members answer, in a chunk past the first. */
#define SEVERAL 700
static const struct {
	const char *member;
	enum cn_pos pos;
} several[] = {
	{"PT", CN_POS_ABSTAIN}, {"GB", CN_POS_RESERVE}, {"DE", CN_POS_CONCUR},
	{"FR", CN_POS_CONCUR},
};

static struct {
	char dir[64], db[96];
	struct cn_app *app;
} F;

static void must(int rc, const struct cn_err *err, const char *what)
{
	if (rc)
		fail_msg("%s: %d %s", what, rc, err->msg);
}

static int setup(void **state)
{
	struct cn_err err = {0};
	int64_t now = START;

	(void)state;
	snprintf(F.dir, sizeof(F.dir), "/tmp/cn_projcheck_XXXXXX");
	assert_non_null(mkdtemp(F.dir));
	snprintf(F.db, sizeof(F.db), "%s/council.db", F.dir);
	must(cn_app_open(F.db, CN_STORE_CREATE, &F.app, &err), &err, "create");
	must(cn_app_seed(F.app, CN_DATADIR "/nato.json", now, &err), &err,
	     "seed");
	for (int i = 1; i <= PROPOSALS; i++) {
		char title[32];
		struct cn_propose_args p = {.body = "NAC", .title = title,
					    .text = "A text"};
		struct cn_respond_args r = {.proposal = i, .member = "FR",
					    .act = CN_ACT_POSITION,
					    .pos = CN_POS_CONCUR};
		snprintf(title, sizeof(title), "Item %d", i);
		now += 60;
		must(cn_app_run(F.app, now, "secretariat", cn_app_cmd_propose,
				&p, NULL, &err), &err, title);
		if (i % 2)
			must(cn_app_run(F.app, now, "delegation:FR",
					cn_app_cmd_respond, &r, NULL, &err),
			     &err, "respond");
	}
	/* On one proposal, members whose codes' order is not the
	 * electorate's (DE, GB after FR, PT) and positions that differ. */
	for (size_t i = 0; i < sizeof(several) / sizeof(several[0]); i++) {
		struct cn_respond_args r = {.proposal = SEVERAL,
					    .member = several[i].member,
					    .act = CN_ACT_POSITION,
					    .pos = several[i].pos};
		char actor[32];
		snprintf(actor, sizeof(actor), "delegation:%s", r.member);
		must(cn_app_run(F.app, ++now, actor, cn_app_cmd_respond, &r,
				NULL, &err), &err, actor);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cn_app_close(F.app);
	fx_store_remove(F.db, F.dir);
	return 0;
}

static void sql(const char *statements)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(F.db, &db), SQLITE_OK);
	if (sqlite3_exec(db, statements, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", statements, msg);
	sqlite3_close(db);
}

/* Both checks give rc; with a fault, each message holds `want`. */
static void check(int want_rc, const char *want)
{
	struct cn_err err = {0};
	int64_t n, ncp;
	int rc = cn_app_verify(F.app, NULL, &n, &ncp, &err);

	assert_int_equal(rc, want_rc);
	if (want && !strstr(err.msg, want))
		fail_msg("verify: \"%s\" does not name \"%s\"", err.msg, want);
	memset(&err, 0, sizeof(err));
	rc = cn_verify_projections(cn_app_store(F.app), NULL, &err);
	assert_int_equal(rc, want_rc);
	if (want && !strstr(err.msg, want))
		fail_msg("projections: \"%s\" does not name \"%s\"", err.msg,
			 want);
}

static void test_the_store_as_written_passes(void **state)
{
	(void)state;
	check(0, NULL);
}

/* Every table, the registry's too, whose rows the world keeps in its own
 * order, is compared by one digest a side (or a chunk), both sides'
 * rows in key order: the collected way is for a replay with two rows of
 * one key.  The members are the world's in accession order, not by code. */
static void test_every_table_by_one_digest_a_side(void **state)
{
	struct cn_projcheck pc;
	struct cn_err err = {0};

	(void)state;
	cn_projcheck_start(&pc, cn_app_store(F.app), cn_app_world(F.app));
	must(cn_projcheck_finish(&pc, &err), &err, "projections");
	for (unsigned t = 0; t < CN_TAB_COUNT; t++) {
		if (t == CN_TAB_PROPOSALS || t == CN_TAB_POSITIONS)
			continue;
		if (!pc.replay[t].ordered || !pc.stored[t].ordered)
			fail_msg("%s: the replay's rows %sin key order, the "
				 "store's %s", cn_tables[t].name,
				 pc.replay[t].ordered ? "" : "not ",
				 pc.stored[t].ordered ? "too" : "not");
		assert_memory_equal(pc.replay[t].d, pc.stored[t].d,
				    CN_PROJCHECK_DIGEST);
	}
}

static void test_a_changed_row_in_a_later_chunk(void **state)
{
	(void)state;
	sql("UPDATE positions SET position = 'object' WHERE proposal = 601"
	    " AND member = 'FR'");
	check(CN_ECORRUPT, "projection positions: row '601, FR'");
	sql("UPDATE positions SET position = 'concur' WHERE proposal = 601"
	    " AND member = 'FR'");
	check(0, NULL);
}

/* Each side hashes a proposal's positions in member-code order, not the
 * electorate's: two members' positions exchanged is a row that differs. */
static void test_two_members_positions_exchanged(void **state)
{
	(void)state;
	sql("UPDATE positions SET position = 'reserve' WHERE proposal = 700"
	    " AND member = 'PT';"
	    " UPDATE positions SET position = 'abstain' WHERE proposal = 700"
	    " AND member = 'GB'");
	check(CN_ECORRUPT, "projection positions: row '700, GB'");
	sql("UPDATE positions SET position = 'abstain' WHERE proposal = 700"
	    " AND member = 'PT';"
	    " UPDATE positions SET position = 'reserve' WHERE proposal = 700"
	    " AND member = 'GB'");
	check(0, NULL);
}

static void test_a_row_moved_to_another_chunk(void **state)
{
	(void)state;
	sql("UPDATE positions SET proposal = 2 WHERE proposal = 401"
	    " AND member = 'FR'");
	check(CN_ECORRUPT, "projection positions: row '");
	sql("UPDATE positions SET proposal = 401 WHERE proposal = 2"
	    " AND member = 'FR'");
	check(0, NULL);
}

static void test_a_row_beyond_the_worlds_proposals(void **state)
{
	(void)state;
	sql("INSERT INTO positions SELECT 9999, member, position, text, at"
	    " FROM positions WHERE proposal = 1");
	check(CN_ECORRUPT, "projection positions: row '9999, FR'");
	sql("DELETE FROM positions WHERE proposal = 9999");
	check(0, NULL);
}

static void test_a_deleted_proposal_in_the_last_chunk(void **state)
{
	char want[64];

	(void)state;
	sql("CREATE TABLE saved AS SELECT * FROM proposals WHERE id = 790;"
	    " DELETE FROM proposals WHERE id = 790");
	snprintf(want, sizeof(want), "projection proposals: row '%d'", 790);
	check(CN_ECORRUPT, want);
	sql("INSERT INTO proposals SELECT * FROM saved; DROP TABLE saved");
	check(0, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_store_as_written_passes),
		cmocka_unit_test(test_every_table_by_one_digest_a_side),
		cmocka_unit_test(test_a_changed_row_in_a_later_chunk),
		cmocka_unit_test(test_two_members_positions_exchanged),
		cmocka_unit_test(test_a_row_moved_to_another_chunk),
		cmocka_unit_test(test_a_row_beyond_the_worlds_proposals),
		cmocka_unit_test(test_a_deleted_proposal_in_the_last_chunk),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
