/*
 * test_emit.c - the app's emit path (src/app/app.c): nothing is appended
 * that the reader cannot read back, and a refused command changes nothing,
 * not even inside a group of commands (the server's batch), so it can be
 * dropped without failing the others.
 *
 * The commands here are written for the test: they put into the outbox
 * what no command of the engine should ever make (a time past the range,
 * a NUL inside a string, a payload without its record, a duplicate), as a
 * bug in a command would, and check that the app refuses it before the
 * store or the world changes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/timeutil.h"

#ifndef CN_DATADIR
#define CN_DATADIR "data"
#endif
#define NOW INT64_C(1688688000) /* 2023-07-07T00:00:00Z */

/* A partner record as the dataset gives one. */
static json_t *partner(const char *code, const char *name)
{
	return json_pack("{s:{s:s, s:s, s:s, s:s}}", "partner", "code", code,
			 "name", name, "framework", "partners-across-the-globe",
			 "source", "test");
}

/* The events a test command puts into its outbox. */
struct spec {
	int64_t time[4];
	json_t *payload[4]; /* borrowed: the command increfs */
	size_t n;
};

static int spec_cmd(const struct cn_world *w, int64_t now, const void *a,
		    struct cn_outbox *box, struct cn_err *err)
{
	const struct spec *s = a;
	(void)w;
	(void)now;
	if (!(box->items = calloc(s->n, sizeof(*box->items))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	for (size_t i = 0; i < s->n; i++) {
		box->items[i].time = s->time[i] ? s->time[i] : NOW;
		box->items[i].type = CN_EV_PARTNER_ADDED;
		box->items[i].payload = json_incref(s->payload[i]);
		box->n++;
	}
	return 0;
}

static struct cn_app *seeded(void)
{
	struct cn_app *app;
	struct cn_err err = {0};
	if (cn_app_open(NULL, CN_STORE_MEMORY | CN_STORE_CREATE, &app, &err) ||
	    cn_app_seed(app, CN_DATADIR "/nato.json", NOW - 86400, &err))
		fail_msg("seeding: %s", err.msg);
	return app;
}

static uint64_t stored(struct cn_app *app)
{
	struct cn_err err = {0};
	uint64_t n = 0;
	if (cn_store_tree_size(cn_app_store(app), &n, &err))
		fail_msg("tree size: %s", err.msg);
	return n;
}

static void verify_ok(struct cn_app *app)
{
	struct cn_err err = {0};
	int64_t ne = 0, nc = 0;
	if (cn_app_verify(app, NULL, &ne, &nc, &err))
		fail_msg("verify: %s", err.msg);
	assert_int_equal(ne, (int64_t)stored(app));
}

/* Run the spec as one command; it must be refused with `code` and a
 * message containing each of the texts, and change nothing. */
static void refused(struct cn_app *app, struct spec *s, int code,
		    const char *text1, const char *text2)
{
	struct cn_err err = {0};
	uint64_t before = stored(app);
	int64_t seq = cn_app_world(app)->last_seq;
	size_t npartners = cn_app_world(app)->npartners;
	int rc = cn_app_run(app, NOW, "secretariat", spec_cmd, s, NULL, &err);

	if (rc != code)
		fail_msg("rc %d, want %d (%s)", rc, code, err.msg);
	if (text1 && !strstr(err.msg, text1))
		fail_msg("message does not say '%s': %s", text1, err.msg);
	if (text2 && !strstr(err.msg, text2))
		fail_msg("message does not say '%s': %s", text2, err.msg);
	assert_int_equal(stored(app), before);
	assert_int_equal(cn_app_world(app)->last_seq, seq);
	assert_int_equal(cn_app_world(app)->npartners, npartners);
	for (size_t i = 0; i < s->n; i++)
		json_decref(s->payload[i]);
}

static void test_time_past_the_range(void **state)
{
	struct cn_app *app = seeded();
	struct spec s = {{CN_TIME_MAX + 1}, {partner("MX", "Mexico")}, 1};
	(void)state;
	/* The encoder would write year 10000; the decoder refuses it. */
	refused(app, &s, CN_EINVAL, "partner.added", "10000-01-01T00:00:00Z");
	struct spec s2 = {{CN_TIME_MIN - 1}, {partner("MX", "Mexico")}, 1};
	refused(app, &s2, CN_EINVAL, "partner.added", "0999-12-31T23:59:59Z");
	verify_ok(app);
	cn_app_close(app);
}

static void test_nul_inside_a_string(void **state)
{
	struct cn_app *app = seeded();
	json_t *pl = partner("MX", "Mexico");
	(void)state;
	/* Encoded as \u0000, which the decoder's parser refuses. */
	json_object_set_new(json_object_get(pl, "partner"), "name",
			    json_stringn("Mex\0ico", 7));
	struct spec s = {{0}, {pl}, 1};
	refused(app, &s, CN_EINVAL, "field 'partner'", "would not read back");
	verify_ok(app);
	cn_app_close(app);
}

static void test_required_field_missing(void **state)
{
	struct cn_app *app = seeded();
	struct spec s = {{0}, {json_pack("{s:s}", "note", "no record")}, 1};
	(void)state;
	refused(app, &s, CN_EINVAL, "partner.added", "field 'partner' is required");
	cn_app_close(app);
}

/* The fold is the reader's last check: an event it refuses is refused
 * as the command's, before it is appended. */
static void test_fold_refuses_the_first_event(void **state)
{
	struct cn_app *app = seeded();
	struct spec s = {{0}, {partner("JP", "Japan")}, 1};
	(void)state;
	refused(app, &s, CN_EINVAL, "partner already added", NULL);
	verify_ok(app);
	cn_app_close(app);
}

/* In a group of commands, a refused one leaves no trace, even when the
 * event it could not write back comes after one it could: the others
 * commit, and the store verifies. */
static void test_group_drops_only_the_refused(void **state)
{
	struct cn_app *app = seeded();
	struct cn_err err = {0};
	uint64_t before = stored(app);
	json_t *bad = partner("BR", "Brazil");
	(void)state;
	json_object_set_new(json_object_get(bad, "partner"), "name",
			    json_stringn("Bra\0zil", 7));
	struct spec good1 = {{0}, {partner("MX", "Mexico")}, 1};
	struct spec mixed = {{0}, {partner("CL", "Chile"), bad}, 2};
	struct spec good2 = {{0}, {partner("AR", "Argentina")}, 1};

	assert_int_equal(cn_app_batch_begin(app, &err), 0);
	assert_int_equal(cn_app_run(app, NOW, "secretariat", spec_cmd, &good1, NULL,
				    &err), 0);
	assert_int_equal(cn_app_run(app, NOW, "secretariat", spec_cmd, &mixed, NULL,
				    &err), CN_EINVAL);
	assert_non_null(strstr(err.msg, "field 'partner'"));
	assert_int_equal(cn_app_run(app, NOW, "secretariat", spec_cmd, &good2, NULL,
				    &err), 0);
	if (cn_app_batch_end(app, 1, &err))
		fail_msg("commit: %s", err.msg);
	assert_int_equal(stored(app), before + 2);
	const struct cn_world *w = cn_app_world(app);
	assert_non_null(cn_world_partner(w, "MX"));
	assert_non_null(cn_world_partner(w, "AR"));
	assert_null(cn_world_partner(w, "CL"));
	verify_ok(app);
	json_decref(good1.payload[0]);
	json_decref(mixed.payload[0]);
	json_decref(mixed.payload[1]);
	json_decref(good2.payload[0]);
	cn_app_close(app);
}

/* When the fold refuses an event after the command's first one has been
 * folded and appended, the failure is not a refusal: a group cannot drop
 * that command alone, and must fail as a whole. */
static void test_failure_midway_is_not_a_refusal(void **state)
{
	struct cn_app *app = seeded();
	struct cn_err err = {0};
	uint64_t before = stored(app);
	struct spec s = {{0}, {partner("MX", "Mexico"), partner("MX", "Mexico")}, 2};
	(void)state;

	assert_int_equal(cn_app_batch_begin(app, &err), 0);
	assert_int_equal(cn_app_run(app, NOW, "secretariat", spec_cmd, &s, NULL, &err),
			 CN_ECORRUPT);
	assert_int_equal(cn_app_batch_end(app, 0, &err), 0);
	assert_int_equal(stored(app), before);
	assert_null(cn_world_partner(cn_app_world(app), "MX"));
	verify_ok(app);
	json_decref(s.payload[0]);
	json_decref(s.payload[1]);
	cn_app_close(app);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_past_the_range),
		cmocka_unit_test(test_nul_inside_a_string),
		cmocka_unit_test(test_required_field_missing),
		cmocka_unit_test(test_fold_refuses_the_first_event),
		cmocka_unit_test(test_group_drops_only_the_refused),
		cmocka_unit_test(test_failure_midway_is_not_a_refusal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
