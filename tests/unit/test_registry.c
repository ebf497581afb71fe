/*
 * test_registry.c - the registry as a fold of events and its as-of
 * queries (src/core/world.c, src/core/fold.c, src/core/registry_dates.c,
 * src/core/treaty.c), and the registry of data/nato.json itself on the
 * dates its sources give.
 *
 * Dates are those of data/nato.json, whose records name their public
 * sources: accessions, the DPC without France from 1966 until the 2009
 * return and dissolved in June 2010, the NPG without France, Japan a
 * partner across the globe, NIO Moscow closed 2021-11-01.  Zembla (ZZ) is a
 * made-up state that left, to test exit dates.  Membership is half-open:
 * from accession (inclusive) to exit (exclusive).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/effect.h"
#include "fixture.h"

#define ONE_SEC 1

static struct cn_world *build(void)
{
	struct cn_world *w = calloc(1, sizeof(*w));
	struct cn_err err = {0};
	const int64_t t = fx_t("2024-01-01");
	int rc;

	cn_world_init(w);
	rc = fx_found(w, t, &err);
	if (!rc) rc = fx_member(w, t, "BE", "Belgium", "1949-08-24", NULL, &err);
	if (!rc) rc = fx_member(w, t, "FR", "France", "1949-08-24", NULL, &err);
	if (!rc) rc = fx_member(w, t, "GR", "Greece", "1952-02-18", NULL, &err);
	if (!rc) rc = fx_member(w, t, "US", "United States", "1949-08-24", NULL, &err);
	if (!rc) rc = fx_member(w, t, "ZZ", "Zembla", "1960-01-01", "1970-01-01", &err);
	if (!rc) rc = fx_member(w, t, "FI", "Finland", "2023-04-04", NULL, &err);
	if (!rc) rc = fx_partner(w, t, "JP", "Japan", "partners across the globe",
				 "2018-07-01", &err);
	if (!rc) rc = fx_body(w, t, "NAC", "North Atlantic Council", "consensus",
			      "meeting", "1949-08-24", NULL,
			      json_pack("[o]", fx_clause("all", NULL, NULL, NULL)),
			      &err);
	if (!rc) rc = fx_body(w, t, "NPG", "Nuclear Planning Group", "consensus",
			      "meeting", "1966-12-14", NULL,
			      json_pack("[o]", fx_clause("all-except", "FR", NULL, NULL)),
			      &err);
	if (!rc) rc = fx_body(w, t, "DPC", "Defence Planning Committee", "consensus",
			      "meeting", "1963-10-10", "2010-06",
			      json_pack("[o,o,o]",
					fx_clause("all", NULL, NULL, "1966-07-01"),
					fx_clause("all-except", "FR", "1966-07-01",
						  "2009-04-04"),
					fx_clause("all", NULL, "2009-04-04", "2010-06")),
			      &err);
	if (!rc) rc = fx_body(w, t, "G3", "Group of Three", "unanimity", "meeting",
			      "1949-08-24", NULL,
			      json_pack("[o]", fx_clause("list", "US BE FI", NULL, NULL)),
			      &err);
	if (!rc) rc = fx_office(w, t, "nio-moscow", "RU", "55.7558", "37.6173",
				"2000-12-15", NULL, &err);
	if (rc) {
		print_error("building the registry: %s\n", err.msg);
		cn_world_release(w);
		free(w);
		return NULL;
	}
	return w;
}

static int setup(void **state)
{
	*state = build();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	cn_world_release(*state);
	free(*state);
	return 0;
}

static void test_built(void **state)
{
	struct cn_world *w = *state;
	assert_int_equal(w->last_seq, 13);
	assert_int_equal(w->nmembers, 6);
	assert_int_equal(w->npartners, 1);
	assert_int_equal(w->nbodies, 4);
	assert_int_equal(w->noffices, 1);
	assert_non_null(w->alliance);
	assert_string_equal(cn_world_member(w, "GR")->name, "Greece");
	assert_null(cn_world_member(w, "JP"));
	assert_non_null(cn_world_partner(w, "JP"));
	assert_null(cn_world_partner(w, "FR"));
	assert_null(cn_world_body(w, "NOPE"));
	assert_int_equal(cn_world_member(w, "FI")->accession, fx_t("2023-04-04"));
	assert_int_equal(cn_world_member(w, "FR")->exit, CN_TIME_NONE);

	/* The same events give the same world: same chain head. */
	struct cn_world *again = build();
	assert_non_null(again);
	assert_memory_equal(again->last_hash, w->last_hash, CN_HASH_LEN);
	cn_world_release(again);
	free(again);
}

static void test_member_active_boundaries(void **state)
{
	struct cn_world *w = *state;
	const struct cn_member *fi = cn_world_member(w, "FI");
	const struct cn_member *zz = cn_world_member(w, "ZZ");
	(void)state;

	/* Accession day is inclusive, from its first second. */
	assert_false(cn_member_active(fi, fx_t("2023-04-04") - ONE_SEC));
	assert_true(cn_member_active(fi, fx_t("2023-04-04")));
	assert_true(cn_member_active(fi, fx_t("2030-01-01")));
	/* Exit is exclusive: 1970-01-01T00:00:00Z (epoch 0) is the first
	 * second it is no longer a member. */
	assert_false(cn_member_active(zz, fx_t("1959-12-31T23:59:59Z")));
	assert_true(cn_member_active(zz, fx_t("1960-01-01")));
	assert_true(cn_member_active(zz, -1));
	assert_false(cn_member_active(zz, 0));
	/* Before the epoch: founders on the day the treaty came into force. */
	const struct cn_member *be = cn_world_member(w, "BE");
	assert_false(cn_member_active(be, fx_t("1949-08-23T23:59:59Z")));
	assert_true(cn_member_active(be, fx_t("1949-08-24")));
}

static void assert_members(const struct cn_world *w, const char *body,
			   const char *at, const char *want)
{
	const struct cn_member **v = NULL;
	size_t n = 0;
	char got[128] = "";
	assert_int_equal(cn_body_members(w, cn_world_body(w, body), fx_t(at), &v,
					 &n), 0);
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(got, " ");
		strcat(got, v[i]->code);
	}
	free(v);
	if (strcmp(got, want))
		fail_msg("%s on %s: members '%s', want '%s'", body, at, got, want);
}

static void test_npg_all_except_france(void **state)
{
	struct cn_world *w = *state;
	const struct cn_body *npg = cn_world_body(w, "NPG");

	assert_false(cn_body_has(w, npg, "FR", fx_t("2023-07-07")));
	assert_false(cn_body_has(w, npg, "FR", fx_t("1990-01-01")));
	assert_true(cn_body_has(w, npg, "BE", fx_t("2023-07-07")));
	/* A member sits in an all-except body only while a member. */
	assert_false(cn_body_has(w, npg, "FI", fx_t("2023-04-03")));
	assert_true(cn_body_has(w, npg, "FI", fx_t("2023-04-04")));
	/* Not a member at all, and a partner. */
	assert_false(cn_body_has(w, npg, "XX", fx_t("2023-07-07")));
	assert_false(cn_body_has(w, npg, "JP", fx_t("2023-07-07")));
	/* Before the body was established it has no members. */
	assert_false(cn_body_has(w, npg, "BE", fx_t("1966-12-13")));
	assert_true(cn_body_has(w, npg, "BE", fx_t("1966-12-14")));
	assert_members(w, "NPG", "1966-12-13", "");
	/* In member-list order; ZZ had left by 1970, FI joined in 2023. */
	assert_members(w, "NPG", "1966-12-14", "BE GR US ZZ");
	assert_members(w, "NPG", "2023-07-07", "BE GR US FI");
	assert_members(w, "NAC", "2023-07-07", "BE FR GR US FI");
	assert_members(w, "NAC", "1950-01-01", "BE FR US");
}

static void test_dpc_dated_clauses(void **state)
{
	struct cn_world *w = *state;
	const struct cn_body *dpc = cn_world_body(w, "DPC");
	const int64_t s = ONE_SEC;

	/* First met 1963-10-10. */
	assert_false(cn_body_exists(dpc, fx_t("1963-10-10") - s));
	assert_true(cn_body_exists(dpc, fx_t("1963-10-10")));
	assert_false(cn_body_has(w, dpc, "FR", fx_t("1963-10-10") - s));
	assert_true(cn_body_has(w, dpc, "FR", fx_t("1963-10-10")));
	/* France until 1966-07-01 (exclusive). */
	assert_true(cn_body_has(w, dpc, "FR", fx_t("1966-07-01") - s));
	assert_false(cn_body_has(w, dpc, "FR", fx_t("1966-07-01")));
	assert_true(cn_body_has(w, dpc, "BE", fx_t("1966-07-01")));
	/* Back from 2009-04-04. */
	assert_false(cn_body_has(w, dpc, "FR", fx_t("2009-04-04") - s));
	assert_true(cn_body_has(w, dpc, "FR", fx_t("2009-04-04")));
	/* Dissolved "2010-06": the first day of June 2010. */
	assert_true(cn_body_has(w, dpc, "FR", fx_t("2010-06-01") - s));
	assert_true(cn_body_has(w, dpc, "US", fx_t("2010-05-31")));
	assert_false(cn_body_has(w, dpc, "FR", fx_t("2010-06-01")));
	assert_false(cn_body_has(w, dpc, "US", fx_t("2010-06-01")));
	assert_false(cn_body_exists(dpc, fx_t("2010-06-01")));

	assert_members(w, "DPC", "1963-10-09", "");
	assert_members(w, "DPC", "1965-01-01", "BE FR GR US ZZ");
	assert_members(w, "DPC", "1969-12-31", "BE GR US ZZ");
	assert_members(w, "DPC", "1990-01-01", "BE GR US");
	assert_members(w, "DPC", "2009-04-04", "BE FR GR US");
	assert_members(w, "DPC", "2010-06-01", "");
	assert_members(w, "DPC", "2023-07-07", "");
}

static void test_list_clause(void **state)
{
	struct cn_world *w = *state;
	/* The list is US BE FI, but members come in member-list order. */
	assert_members(w, "G3", "2020-01-01", "BE US");
	assert_members(w, "G3", "2023-04-04", "BE US FI");
	assert_false(cn_body_has(w, cn_world_body(w, "G3"), "FR", fx_t("2023-07-07")));
}

static void explain(const struct cn_world *w, const char *body, const char *code,
		    const char *at, int want_rc, const char *want_msg)
{
	struct cn_err err = {0};
	int rc = cn_explain_not_member(w, cn_world_body(w, body), code, fx_t(at),
				       &err);
	assert_int_equal(rc, want_rc);
	assert_int_equal(err.code, want_rc);
	assert_string_equal(err.msg, want_msg);
}

static void test_explain_not_member(void **state)
{
	struct cn_world *w = *state;
	explain(w, "NPG", "JP", "2023-07-07", CN_EREFUSED,
		"JP (Japan) is a partner (partners across the globe), not a "
		"member: partners never take decisions in the Nuclear Planning "
		"Group");
	explain(w, "NAC", "XX", "2023-07-07", CN_ENOTFOUND,
		"unknown member code 'XX'");
	explain(w, "NAC", "FI", "2023-04-03", CN_EREFUSED,
		"FI (Finland) was not yet a member on 2023-04-03 (accession "
		"2023-04-04)");
	explain(w, "NAC", "ZZ", "1975-01-01", CN_EREFUSED,
		"ZZ (Zembla) was no longer a member on 1975-01-01 (exit "
		"1970-01-01)");
	explain(w, "NPG", "FR", "2023-07-07", CN_EREFUSED,
		"FR (France) is not a member of the Nuclear Planning Group on "
		"2023-07-07");
	explain(w, "DPC", "FR", "1990-06-15", CN_EREFUSED,
		"FR (France) is not a member of the Defence Planning Committee "
		"on 1990-06-15");
}

static void in_area(const struct cn_world *w, const char *country, int has,
		    int64_t lat, const char *at, int want, const char *want_why)
{
	char why[400];
	int got = cn_treaty_in_area(w, country, has, lat, fx_t(at), why,
				    sizeof(why));
	if (got != want)
		fail_msg("%s lat %lld on %s: %d (%s), want %d", country,
			 (long long)lat, at, got, why, want);
	if (strncmp(why, want_why, strlen(want_why)))
		fail_msg("%s lat %lld on %s: why '%s', want it to start '%s'",
			 country, (long long)lat, at, why, want_why);
	/* why may be NULL */
	assert_int_equal(cn_treaty_in_area(w, country, has, lat, fx_t(at), NULL, 0),
			 want);
}

static void test_treaty_area(void **state)
{
	struct cn_world *w = *state;
	/* Washington 38.9 N: member territory north of the Tropic. */
	in_area(w, "US", 1, 38897700, "2023-07-07", 1,
		"in area: territory of United States, a member state");
	/* No coordinates: decided by the host alone. */
	in_area(w, "BE", 0, 0, "2023-07-07", 1,
		"in area: territory of Belgium, a member state");
	/* Tokyo: Japan is a partner, not a member. */
	in_area(w, "JP", 1, 35676200, "2023-07-07", 0,
		"out of area: JP is not a member state on 2023-07-07");
	in_area(w, "RU", 1, 55755800, "2023-07-07", 0,
		"out of area: RU is not a member state on 2023-07-07");
	/* Honolulu 21.3 N: a member's territory south of the Tropic. */
	in_area(w, "US", 1, 21306900, "2023-07-07", 0,
		"out of area: south of the Tropic of Cancer (Article 6)");
	in_area(w, "US", 1, -14275600, "2023-07-07", 0,
		"out of area: south of the Tropic of Cancer (Article 6)");
	/* Either side of the Tropic (about 23.44 N): 23.5 in, 23.0 out. */
	in_area(w, "US", 1, 23500000, "2023-07-07", 1, "in area");
	in_area(w, "US", 1, 23000000, "2023-07-07", 0, "out of area");
	/* Helsinki before Finland joined, then after. */
	in_area(w, "FI", 1, 60169900, "2023-04-03", 0,
		"out of area: FI is not a member state on 2023-04-03");
	in_area(w, "FI", 1, 60169900, "2023-04-04", 1,
		"in area: territory of Finland, a member state");
	/* A state that left. */
	in_area(w, "ZZ", 1, 50000000, "1980-01-01", 0, "out of area");
}

static void coord_ok(const char *s, int limit, int64_t want, const char *fmt)
{
	struct cn_err err = {0};
	int64_t v = 0;
	char buf[24];
	if (cn_coord_parse(s, limit, &v, &err))
		fail_msg("'%s' refused: %s", s, err.msg);
	assert_int_equal(v, want);
	assert_string_equal(cn_coord_format(v, buf), fmt);
}

static void coord_bad(const char *s, int limit)
{
	struct cn_err err = {0};
	int64_t v = 42;
	if (cn_coord_parse(s, limit, &v, &err) == 0)
		fail_msg("'%s' accepted as %lld", s, (long long)v);
	assert_int_equal(err.code, CN_EINVAL);
	assert_int_equal(v, 42);
	assert_non_null(strstr(err.msg, s));
}

static void test_coords(void **state)
{
	char buf[24];
	(void)state;
	coord_ok("35.6762", 90, 35676200, "35.6762");
	coord_ok("-139.691706", 180, -139691706, "-139.691706");
	coord_ok("90", 90, 90000000, "90");
	coord_ok("-90", 90, -90000000, "-90");
	coord_ok("90.000000", 90, 90000000, "90");
	coord_ok("180", 180, 180000000, "180");
	coord_ok("-180.0", 180, -180000000, "-180");
	coord_ok("0", 90, 0, "0");
	coord_ok("0.000001", 90, 1, "0.000001");
	coord_ok("-0.5", 90, -500000, "-0.5");
	coord_ok("10", 90, 10000000, "10");
	coord_ok("10.10", 90, 10100000, "10.1");
	coord_bad("90.000001", 90);
	coord_bad("-90.000001", 90);
	coord_bad("180.000001", 180);
	coord_bad("-180.000001", 180);
	coord_bad("181", 180);
	coord_bad("35.", 90);
	coord_bad("1e5", 180);
	coord_bad("35.1234567", 90);
	coord_bad("35,5", 90);
	coord_bad("35.5N", 90);
	coord_bad("", 90);
	coord_bad("-", 90);
	coord_bad("abc", 90);
	coord_bad("12345", 180);
	coord_bad(" 35", 90);
	/* Formatting alone. */
	assert_string_equal(cn_coord_format(-1, buf), "-0.000001");
	assert_string_equal(cn_coord_format(100000000, buf), "100");
	assert_string_equal(cn_coord_format(55755800, buf), "55.7558");
}

static void test_offices(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	const struct cn_office *o = cn_world_office(w, "nio-moscow");

	assert_non_null(o);
	assert_true(o->has_coords);
	assert_int_equal(o->lat_e6, 55755800);
	assert_int_equal(o->lon_e6, 37617300);
	assert_int_equal(o->decision, 0);
	assert_string_equal(o->country, "RU");
	assert_false(cn_office_open(o, fx_t("2000-12-15") - 1));
	assert_true(cn_office_open(o, fx_t("2000-12-15")));
	assert_true(cn_office_open(o, fx_t("2022-01-01")));

	/* Russia ended its activities from 2021-11-01. */
	assert_int_equal(fx_apply(w, fx_t("2021-10-18"), "secretariat",
				  "office.closed",
				  json_pack("{s:s, s:s}", "office", "nio-moscow",
					    "closed", "2021-11-01"), &err), 0);
	o = cn_world_office(w, "nio-moscow");
	assert_true(cn_office_open(o, fx_t("2021-11-01") - 1));
	assert_false(cn_office_open(o, fx_t("2021-11-01")));
	assert_string_equal(json_string_value(json_object_get(o->record, "closed")),
			    "2021-11-01");
	assert_int_equal(w->last_seq, 14);

	/* Closing an unknown office, or without a date, is refused. */
	assert_int_equal(fx_apply(w, 0, "secretariat", "office.closed",
				  json_pack("{s:s, s:s}", "office", "nowhere",
					    "closed", "2021-11-01"), &err),
			 CN_ECORRUPT);
	assert_int_equal(fx_apply(w, 0, "secretariat", "office.closed",
				  json_pack("{s:s}", "office", "nio-moscow"), &err),
			 CN_ECORRUPT);
	/* An office id is used once. */
	assert_int_equal(fx_office(w, 0, "nio-moscow", "RU", NULL, NULL,
				   "2001-01-01", NULL, &err), CN_ECORRUPT);
	assert_int_equal(w->noffices, 1);
	assert_int_equal(w->last_seq, 14);

	/* Partners: active from `since`. */
	const struct cn_partner *jp = cn_world_partner(w, "JP");
	assert_false(cn_partner_active(jp, fx_t("2018-07-01") - 1));
	assert_true(cn_partner_active(jp, fx_t("2018-07-01")));
}

static void test_out_of_sequence(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	struct cn_event ev;
	json_t *pl = json_pack("{s:{s:s, s:s, s:s}}", "member", "code", "DE",
			       "name", "Germany", "accession", "1955-05-06");
	const int64_t last = w->last_seq;
	const uint8_t salt[CN_SALT_LEN] = {0};
	uint8_t head[CN_HASH_LEN];

	memcpy(head, w->last_hash, CN_HASH_LEN);
	assert_int_equal(cn_event_init(&ev, 0, "dataset", "member.admitted", pl,
				       &err), 0);
	json_decref(pl);
	/* Skipping one... */
	assert_int_equal(cn_event_seal(&ev, last + 2, w->last_hash, salt, &err), 0);
	assert_int_equal(cn_world_apply(w, &ev, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "out of sequence"));
	/* ...or repeating the last one. */
	assert_int_equal(cn_event_seal(&ev, last, w->last_hash, salt, &err), 0);
	assert_int_equal(cn_world_apply(w, &ev, &err), CN_ECORRUPT);
	assert_int_equal(w->last_seq, last);
	assert_memory_equal(w->last_hash, head, CN_HASH_LEN);
	assert_null(cn_world_member(w, "DE"));
	/* In sequence it applies. */
	assert_int_equal(cn_event_seal(&ev, last + 1, w->last_hash, salt, &err), 0);
	assert_int_equal(cn_world_apply(w, &ev, &err), 0);
	assert_int_equal(w->last_seq, last + 1);
	assert_memory_equal(w->last_hash, ev.hash, CN_HASH_LEN);
	assert_non_null(cn_world_member(w, "DE"));
	cn_event_release(&ev);
}

static void test_duplicates_refused(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	const int64_t last = w->last_seq;

	assert_int_equal(fx_member(w, 0, "BE", "Belgium again", "1949-08-24",
				   NULL, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "already"));
	assert_int_equal(fx_partner(w, 0, "JP", "Japan", "x", NULL, &err),
			 CN_ECORRUPT);
	assert_int_equal(fx_body(w, 0, "NAC", "Again", "consensus", "meeting",
				 "1949-08-24", NULL,
				 json_pack("[o]", fx_clause("all", NULL, NULL, NULL)),
				 &err), CN_ECORRUPT);
	assert_int_equal(fx_found(w, 0, &err), CN_ECORRUPT);
	assert_int_equal(w->nmembers, 6);
	assert_int_equal(w->npartners, 1);
	assert_int_equal(w->nbodies, 4);
	assert_string_equal(cn_world_member(w, "BE")->name, "Belgium");
	assert_int_equal(w->last_seq, last);
}

static void test_bad_registry_payloads(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	const int64_t last = w->last_seq;

	/* A member needs an accession date that is a date. */
	assert_int_equal(fx_apply(w, 0, "dataset", "member.admitted",
				  json_pack("{s:{s:s, s:s}}", "member", "code",
					    "DE", "name", "Germany"), &err),
			 CN_ECORRUPT);
	assert_int_equal(fx_member(w, 0, "DE", "Germany", "1955-02-30", NULL, &err),
			 CN_ECORRUPT);
	assert_int_equal(fx_member(w, 0, "TOOLONGCODE", "X", "1955-05-06", NULL,
				   &err), CN_ECORRUPT);
	/* Unknown event types are refused. */
	assert_int_equal(fx_apply(w, 0, "x", "member.expelled",
				  json_pack("{s:s}", "member", "BE"), &err),
			 CN_ECORRUPT);
	assert_int_equal(w->last_seq, last);
	assert_int_equal(w->nmembers, 6);
}

/*
 * world.h: cn_world_apply "Fails with CN_ECORRUPT when the payload does
 * not fit its type; the world is then unchanged for registry events".
 * These payloads are well-formed JSON of the right type but carry a bad
 * clause, a bad date or a bad coordinate.
 */
static void test_bad_registry_payloads_are_corrupt(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	const int64_t last = w->last_seq;
	int rc, ok = 1;

#define WANT_CORRUPT(what)                                                     \
	do {                                                                   \
		if (rc != CN_ECORRUPT) {                                       \
			print_error("%s: returned %d (%s), want CN_ECORRUPT "  \
				    "(%d): %s\n", what, rc, cn_err_name(rc),    \
				    CN_ECORRUPT, err.msg);                     \
			ok = 0;                                                \
		}                                                              \
	} while (0)
	rc = fx_body(w, 0, "MC", "Military Committee", "consensus", "meeting",
		     "1949-10", NULL,
		     json_pack("[o]", fx_clause("some", NULL, NULL, NULL)), &err);
	WANT_CORRUPT("body with clause kind 'some'");
	rc = fx_body(w, 0, "MC", "Military Committee", "consensus", "meeting",
		     "1949-13", NULL,
		     json_pack("[o]", fx_clause("all", NULL, NULL, NULL)), &err);
	WANT_CORRUPT("body established '1949-13'");
	rc = fx_body(w, 0, "MC", "Military Committee", "consensus and", "meeting",
		     "1949-10", NULL,
		     json_pack("[o]", fx_clause("all", NULL, NULL, NULL)), &err);
	WANT_CORRUPT("body with rule 'consensus and'");
	rc = fx_office(w, 0, "nlo-x", "GE", "95.0", "44.8", "2010-10-01", NULL, &err);
	WANT_CORRUPT("office at lat 95.0");
	rc = fx_office(w, 0, "nlo-x", "GE", NULL, NULL, "2010-10-32", NULL, &err);
	WANT_CORRUPT("office opened '2010-10-32'");
#undef WANT_CORRUPT
	/* Whatever the code, the registry is unchanged. */
	assert_null(cn_world_body(w, "MC"));
	assert_null(cn_world_office(w, "nlo-x"));
	assert_int_equal(w->last_seq, last);
	assert_true(ok);
}

/* A partner with a bad date: the message names the event and the field,
 * once, and quotes the bad value. */
static void test_bad_partner_date_message(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	const int64_t seq = w->last_seq + 1;
	char prefix[64];
	int rc;

	rc = fx_partner(w, 0, "AU", "Australia", "partners across the globe",
			"2023-13", &err);
	assert_int_equal(rc, CN_ECORRUPT);
	assert_null(cn_world_partner(w, "AU"));
	snprintf(prefix, sizeof(prefix), "event %lld (partner.added): ",
		 (long long)seq);
	if (strncmp(err.msg, prefix, strlen(prefix)) ||
	    strstr(err.msg + 1, "event ") || !strstr(err.msg, "since") ||
	    !strstr(err.msg, "'2023-13'"))
		fail_msg("message '%s' should start '%s' once and name "
			 "since = '2023-13'", err.msg, prefix);
}

static void test_event_entity(void **state)
{
	struct cn_world *w = *state;
	struct cn_event ev;
	struct cn_err err = {0};
	const char *kind = NULL;
	char key[64];
	static const struct {
		const char *type, *payload, *kind, *key;
	} cases[] = {
		{"alliance.founded", "{\"alliance\":{\"id\":\"NATO\"}}", "alliance", "NATO"},
		{"member.admitted", "{\"member\":{\"code\":\"SE\"}}", "member", "SE"},
		{"partner.added", "{\"partner\":{\"code\":\"AU\"}}", "partner", "AU"},
		{"body.established", "{\"body\":{\"id\":\"MC\"}}", "body", "MC"},
		{"office.opened", "{\"office\":{\"id\":\"nlo-jordan\"}}", "office", "nlo-jordan"},
		{"office.closed", "{\"office\":\"nio-moscow\"}", "office", "nio-moscow"},
		{"proposal.created", "{\"id\":3}", "proposal", "3"},
		{"position.stated", "{\"proposal\":12,\"member\":\"FR\"}", "proposal", "12"},
		{"procedure.concluded", "{\"proposal\":7}", "proposal", "7"},
	};
	(void)w;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *pl = json_loads(cases[i].payload, 0, NULL);
		assert_non_null(pl);
		assert_int_equal(cn_event_init(&ev, 0, "x", cases[i].type, pl, &err), 0);
		json_decref(pl);
		assert_int_equal(cn_event_entity(&ev, &kind, key), 0);
		assert_string_equal(kind, cases[i].kind);
		assert_string_equal(key, cases[i].key);
		cn_event_release(&ev);
	}
	json_t *pl = json_pack("{s:s}", "what", "ever");
	assert_int_equal(cn_event_init(&ev, 0, "x", "thing.happened", pl, &err), 0);
	json_decref(pl);
	assert_int_equal(cn_event_entity(&ev, &kind, key), CN_ENOTFOUND);
	cn_event_release(&ev);
}

/* ---- a state is a member or a partner, never both -------------------- */

/* A registry record given as JSON text, folded as a `type` event. */
static int fold_json(struct cn_world *w, const char *type, const char *wrap,
		     const char *json, struct cn_err *err)
{
	json_error_t je;
	json_t *rec = json_loads(json, 0, &je);
	if (!rec)
		fail_msg("bad test JSON '%s': %s", json, je.text);
	return fx_apply(w, 0, "dataset", type, json_pack("{s:o}", wrap, rec), err);
}

static int fold_partner(struct cn_world *w, const char *json, struct cn_err *err)
{
	return fold_json(w, "partner.added", "partner", json, err);
}

static int fold_office(struct cn_world *w, const char *json, struct cn_err *err)
{
	return fold_json(w, "office.opened", "office", json, err);
}

static void want_corrupt(int rc, const struct cn_err *err, const char *what,
			 const char *msg)
{
	if (rc != CN_ECORRUPT || !strstr(err->msg, msg))
		fail_msg("%s: rc %d, message '%s'; want CN_ECORRUPT and '%s'",
			 what, rc, err->msg, msg);
}

static void test_member_and_partner_refused(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	const int64_t last = w->last_seq;

	/* Finland is a member from 2023-04-04: a partnership that runs on
	 * past its accession would make it both. */
	want_corrupt(fold_partner(w, "{\"code\":\"FI\",\"name\":\"Finland\","
				  "\"framework\":\"pfp\",\"since\":\"1994-05-09\","
				  "\"source\":\"t\"}", &err), &err,
		     "partner over a membership",
		     "FI cannot be both a member and a partner: it would be "
		     "both on 2023-04-04");
	assert_null(cn_world_partner(w, "FI"));
	assert_int_equal(w->last_seq, last);
	/* Ended at the accession, it stands. */
	assert_int_equal(fold_partner(w,
		"{\"code\":\"FI\",\"name\":\"Finland\",\"framework\":\"pfp\","
		"\"since\":\"1994-05-09\",\"source\":\"t\",\"periods\":["
		"{\"status\":\"active\",\"from\":\"1994-05-09\",\"to\":\"2023-04-04\"},"
		"{\"status\":\"ended\",\"from\":\"2023-04-04\",\"to\":null}]}",
		&err), 0);
	const struct cn_partner *fi = cn_world_partner(w, "FI");
	const struct cn_member *fim = cn_world_member(w, "FI");
	assert_true(cn_partner_active(fi, fx_t("2010-01-01")));
	assert_false(cn_member_active(fim, fx_t("2010-01-01")));
	assert_true(cn_partner_active(fi, fx_t("2023-04-04") - ONE_SEC));
	assert_int_equal(cn_partner_status_at(fi, fx_t("2023-04-04"), NULL),
			 CN_PARTNER_ENDED);
	assert_true(cn_member_active(fim, fx_t("2024-01-01")));
	assert_false(cn_partner_on(fi, fx_t("2024-01-01")));
	explain(w, "NAC", "FI", "2010-01-01", CN_EREFUSED,
		"FI (Finland) was a partner (pfp), not yet a member, on "
		"2010-01-01 (accession 2023-04-04)");

	/* A member admitted from a day a partnership had already begun on:
	 * both at once. */
	assert_int_equal(fx_partner(w, 0, "XK", "Kosovo", "pfp", "2020-01-01",
				    &err), 0);
	want_corrupt(fx_member(w, 0, "XK", "Kosovo", "2019-01-01", NULL, &err),
		     &err, "member admitted into a partnership",
		     "XK cannot be both a member and a partner");
	assert_null(cn_world_member(w, "XK"));

	/* A partner that joins is a partner no longer: the partnership
	 * ends at the accession. */
	const struct cn_partner *jp = cn_world_partner(w, "JP");
	assert_int_equal(fx_member(w, 0, "JP", "Japan", "2030-01-01", NULL, &err),
			 0);
	assert_true(cn_partner_active(jp, fx_t("2030-01-01") - ONE_SEC));
	assert_int_equal(cn_partner_status_at(jp, fx_t("2030-01-01"), NULL),
			 CN_PARTNER_ENDED);
	assert_true(cn_member_active(cn_world_member(w, "JP"), fx_t("2030-01-01")));
	assert_int_equal(jp->until, fx_t("2030-01-01"));
}

/* The proposal that admitted XK and added it as a partner in one
 * adoption is refused when proposed. */
static void test_member_and_partner_effects_refused(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	json_t *effects = json_loads(
		"[{\"type\":\"admit-member\",\"code\":\"XK\",\"name\":\"Kosovo\","
		"\"effective\":\"2025-01-01\"},"
		"{\"type\":\"add-partner\",\"code\":\"XK\",\"name\":\"Kosovo\","
		"\"framework\":\"partnership-for-peace\"}]", 0, NULL);

	assert_non_null(effects);
	assert_int_equal(cn_effects_check(w, fx_t("2025-06-01"), effects, &err),
			 CN_EREFUSED);
	assert_string_equal(err.msg, "effects 1 and 2: XK cannot be both a member "
			    "and a partner");
	/* Either one alone is fine. */
	json_array_remove(effects, 1);
	assert_int_equal(cn_effects_check(w, fx_t("2025-06-01"), effects, &err), 0);
	json_decref(effects);
}

/* ---- dated partner status -------------------------------------------- */

static void test_partner_periods(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	const struct cn_partner_period *per;

	assert_int_equal(fold_partner(w,
		"{\"code\":\"RU\",\"name\":\"Russia\",\"framework\":\"pfp\","
		"\"since\":\"1994-06-22\",\"source\":\"t\",\"periods\":["
		"{\"status\":\"active\",\"from\":\"1994-06-22\",\"to\":\"2014-04-01\"},"
		"{\"status\":\"suspended\",\"from\":\"2014-04-01\",\"to\":null,"
		"\"note\":\"n\"}]}", &err), 0);
	const struct cn_partner *ru = cn_world_partner(w, "RU");
	assert_int_equal(cn_partner_status_at(ru, fx_t("1994-06-21"), &per),
			 CN_PARTNER_NONE);
	assert_null(per);
	assert_int_equal(cn_partner_status_at(ru, fx_t("2010-01-01"), &per),
			 CN_PARTNER_ACTIVE);
	assert_int_equal(per->from, fx_t("1994-06-22"));
	assert_int_equal(cn_partner_status_at(ru, fx_t("2014-04-01"), &per),
			 CN_PARTNER_SUSPENDED);
	assert_string_equal(json_string_value(json_object_get(per->record, "note")),
			    "n");
	/* Suspended: a partner still, but not an active one. */
	assert_false(cn_partner_active(ru, fx_t("2026-11-27")));
	assert_true(cn_partner_on(ru, fx_t("2026-11-27")));
	assert_string_equal(cn_partner_status_name(CN_PARTNER_SUSPENDED),
			    "suspended");

	/* Left and came back: an ended period between two others. */
	assert_int_equal(fold_partner(w,
		"{\"code\":\"MT\",\"name\":\"Malta\",\"framework\":\"pfp\","
		"\"since\":\"1995-04-26\",\"source\":\"t\",\"periods\":["
		"{\"status\":\"active\",\"from\":\"1995-04-26\",\"to\":\"1996-10\"},"
		"{\"status\":\"ended\",\"from\":\"1996-10\",\"to\":\"2008-04-03\"},"
		"{\"status\":\"active\",\"from\":\"2008-04-03\",\"to\":null}]}",
		&err), 0);
	const struct cn_partner *mt = cn_world_partner(w, "MT");
	assert_false(cn_partner_on(mt, fx_t("2000-01-01")));
	assert_true(cn_partner_active(mt, fx_t("2010-01-01")));

	/* Periods that do not follow one another, or say nothing true, are
	 * a corrupt log. */
	static const struct {
		const char *json, *msg;
	} bad[] = {
		{"{\"code\":\"B1\",\"name\":\"B\",\"framework\":\"f\",\"source\":\"t\","
		 "\"since\":\"2000\",\"periods\":[{\"status\":\"active\",\"from\":"
		 "\"2000\",\"to\":\"2005\"},{\"status\":\"suspended\",\"from\":\"2006\","
		 "\"to\":null}]}", "periods[1].from must be periods[0].to"},
		{"{\"code\":\"B2\",\"name\":\"B\",\"framework\":\"f\",\"source\":\"t\","
		 "\"since\":\"2000\",\"periods\":[{\"status\":\"ended\",\"from\":"
		 "\"2000\",\"to\":null}]}", "cannot begin ended"},
		{"{\"code\":\"B3\",\"name\":\"B\",\"framework\":\"f\",\"source\":\"t\","
		 "\"since\":\"2000\",\"periods\":[{\"status\":\"frozen\",\"from\":"
		 "\"2000\",\"to\":null}]}", "'frozen' is not active, suspended or ended"},
		{"{\"code\":\"B4\",\"name\":\"B\",\"framework\":\"f\",\"source\":\"t\","
		 "\"since\":\"2000\",\"periods\":[{\"status\":\"active\",\"from\":"
		 "\"2000\",\"to\":null},{\"status\":\"ended\",\"from\":\"2001\","
		 "\"to\":null}]}", "only the last period is open-ended"},
		{"{\"code\":\"B5\",\"name\":\"B\",\"framework\":\"f\",\"source\":\"t\","
		 "\"since\":\"2000\",\"periods\":[{\"status\":\"active\",\"from\":"
		 "\"1999\",\"to\":null}]}", "periods[0].from must be since"},
		{"{\"code\":\"B6\",\"name\":\"B\",\"framework\":\"f\",\"source\":\"t\","
		 "\"since\":\"2000\",\"until\":\"2001\",\"periods\":[{\"status\":"
		 "\"active\",\"from\":\"2000\",\"to\":null}]}", "the end is an ended"},
		{"{\"code\":\"B7\",\"name\":\"B\",\"framework\":\"f\",\"source\":\"t\","
		 "\"since\":\"2000\",\"periods\":[{\"status\":\"active\",\"from\":"
		 "\"2000\",\"to\":\"1999\"}]}", "periods[0].to is not after its from"},
		{"{\"code\":\"B8\",\"name\":\"B\",\"framework\":\"f\",\"source\":\"t\","
		 "\"since\":\"2000\",\"periods\":[]}", "non-empty list"},
	};
	const int64_t last = w->last_seq;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		want_corrupt(fold_partner(w, bad[i].json, &err), &err, bad[i].json,
			     bad[i].msg);
	assert_int_equal(w->last_seq, last);
}

/* ---- a day that is not known is not "forever" ------------------------ */

static void test_unknown_days(void **state)
{
	struct cn_world *w = *state;
	struct cn_err err = {0};
	const struct cn_office *o;

	/* No opening day and no bound: open on no date. */
	assert_int_equal(fold_office(w, "{\"id\":\"o1\",\"name\":\"O\",\"country\":"
				     "\"KZ\",\"opened\":null,\"closed\":\"2013-03\","
				     "\"source\":\"t\"}", &err), 0);
	o = cn_world_office(w, "o1");
	assert_false(cn_office_open(o, fx_t("1950-01-01")));
	assert_false(cn_office_open(o, fx_t("2010-01-01")));
	assert_int_equal(cn_office_state_at(o, fx_t("1950-01-01")),
			 CN_OFFICE_UNKNOWN);
	/* With a bound, counted from it. */
	assert_int_equal(fold_office(w, "{\"id\":\"o2\",\"name\":\"O\",\"country\":"
				     "\"KZ\",\"opened\":null,\"opened_not_before\":"
				     "\"2004-06-28\",\"closed\":\"2013-03\","
				     "\"source\":\"t\"}", &err), 0);
	o = cn_world_office(w, "o2");
	assert_false(cn_office_open(o, fx_t("1950-01-01")));
	assert_int_equal(cn_office_state_at(o, fx_t("1950-01-01")),
			 CN_OFFICE_NOT_YET);
	assert_true(cn_office_open(o, fx_t("2004-06-28")));
	assert_string_equal(o->opened_bound, "opened_not_before");
	assert_int_equal(cn_office_state_at(o, fx_t("2013-03-01")),
			 CN_OFFICE_CLOSED);
	/* The day it is first attested comes before the day it cannot
	 * precede. */
	assert_int_equal(fold_office(w, "{\"id\":\"o3\",\"name\":\"O\",\"country\":"
				     "\"AT\",\"opened_not_before\":\"2018-05\","
				     "\"known_open_by\":\"2019-01\",\"source\":\"t\"}",
				     &err), 0);
	o = cn_world_office(w, "o3");
	assert_false(cn_office_open(o, fx_t("2018-12-31")));
	assert_true(cn_office_open(o, fx_t("2019-01-01")));
	assert_string_equal(o->opened_bound, "known_open_by");
	/* Known open on its opening day only: open that day, then unknown. */
	assert_int_equal(fold_office(w, "{\"id\":\"o4\",\"name\":\"O\",\"country\":"
				     "\"RU\",\"opened\":\"1998-02-12\","
				     "\"known_open_until\":\"1998-02-12\","
				     "\"source\":\"t\"}", &err), 0);
	o = cn_world_office(w, "o4");
	assert_true(cn_office_open(o, fx_t("1998-02-12T23:59:59Z")));
	assert_false(cn_office_open(o, fx_t("1998-02-13")));
	assert_int_equal(cn_office_state_at(o, fx_t("2010-01-01")),
			 CN_OFFICE_UNKNOWN);
	assert_string_equal(o->closed_bound, "known_open_until");
	/* Suspended by the host: not open, not closed. */
	assert_int_equal(fold_office(w, "{\"id\":\"o5\",\"name\":\"O\",\"country\":"
				     "\"RU\",\"opened\":\"2002\",\"suspended_from\":"
				     "\"2021-11-01\",\"source\":\"t\"}", &err), 0);
	o = cn_world_office(w, "o5");
	assert_true(cn_office_open(o, fx_t("2021-10-31")));
	assert_int_equal(cn_office_state_at(o, fx_t("2021-11-01")),
			 CN_OFFICE_SUSPENDED);
	assert_string_equal(cn_office_state_name(CN_OFFICE_SUSPENDED), "suspended");

	/* A partner whose start is not known and not bounded is a partner
	 * on no date; with a bound, from it. */
	assert_int_equal(fx_partner(w, 0, "AU", "Australia", "pagl", NULL, &err), 0);
	assert_false(cn_partner_on(cn_world_partner(w, "AU"), fx_t("1960-01-01")));
	assert_false(cn_partner_on(cn_world_partner(w, "AU"), fx_t("2020-01-01")));
	assert_int_equal(fold_partner(w, "{\"code\":\"KW\",\"name\":\"Kuwait\","
				      "\"framework\":\"ici\",\"since\":null,"
				      "\"known_partner_by\":\"2005-04-01\","
				      "\"since_not_before\":\"2004-06-28\","
				      "\"source\":\"t\"}", &err), 0);
	const struct cn_partner *kw = cn_world_partner(w, "KW");
	assert_false(cn_partner_on(kw, fx_t("2005-03-31")));
	assert_true(cn_partner_active(kw, fx_t("2005-04-01")));
	assert_string_equal(kw->since_bound, "known_partner_by");
}

/* ---- the registry of data/nato.json ---------------------------------- */

/* data/nato.json folded as `council init` seeds it: the alliance, then
 * members, bodies, partners and offices in file order. */
static struct cn_world *nato(void)
{
	static const char *const sections[][2] = {
		{"members", "member.admitted"}, {"bodies", "body.established"},
		{"partners", "partner.added"}, {"offices", "office.opened"},
	};
	struct cn_world *w = calloc(1, sizeof(*w));
	struct cn_err err = {0};
	json_error_t je;
	json_t *root = json_load_file(CN_DATADIR "/nato.json", 0, &je), *rec;
	static const char *const wrap[] = {"member", "body", "partner", "office"};
	size_t i;
	int rc;

	if (!w || !root)
		fail_msg("data/nato.json: %s", je.text);
	cn_world_init(w);
	rc = fx_apply(w, 0, "dataset", "alliance.founded",
		      json_pack("{s:O}", "alliance", json_object_get(root, "alliance")),
		      &err);
	for (size_t s = 0; !rc && s < 4; s++)
		json_array_foreach(json_object_get(root, sections[s][0]), i, rec)
			if ((rc = fx_apply(w, 0, "dataset", sections[s][1],
					   json_pack("{s:O}", wrap[s], rec), &err)))
				break;
	json_decref(root);
	if (rc)
		fail_msg("folding data/nato.json: %s", err.msg);
	return w;
}

static size_t partners_on(const struct cn_world *w, const char *at)
{
	size_t n = 0;
	for (size_t i = 0; i < w->npartners; i++)
		n += cn_partner_on(&w->partners[i], fx_t(at)) != 0;
	return n;
}

static size_t offices_open(const struct cn_world *w, const char *at)
{
	size_t n = 0;
	for (size_t i = 0; i < w->noffices; i++)
		n += cn_office_open(&w->offices[i], fx_t(at)) != 0;
	return n;
}

static void test_nato_dataset_dates(void **state)
{
	struct cn_world *w = nato();
	const struct cn_body *mc = cn_world_body(w, "MC");
	char day[16];
	(void)state;

	/* Nothing before its day: no partners in 1960, no office in 1950. */
	assert_int_equal(partners_on(w, "1960-01-01"), 0);
	assert_int_equal(offices_open(w, "1950-01-01"), 0);
	assert_false(cn_office_open(cn_world_office(w, "nlo-central-asia-astana"),
				    fx_t("1950-01-01")));
	/* 22 states had joined PfP by 3 August 1994, and Japan's dialogue
	 * dates from 1990. */
	assert_int_equal(partners_on(w, "1994-08-03"), 23);
	/* Today: 38 partners, Russia, Belarus and Afghanistan suspended. */
	assert_int_equal(partners_on(w, "2026-11-27"), 38);
	assert_int_equal(cn_partner_status_at(cn_world_partner(w, "RU"),
					      fx_t("2026-11-27"), NULL),
			 CN_PARTNER_SUSPENDED);
	assert_false(cn_partner_active(cn_world_partner(w, "RU"),
				       fx_t("2026-11-27")));
	assert_true(cn_partner_active(cn_world_partner(w, "RU"),
				      fx_t("2010-01-01")));
	assert_false(cn_partner_active(cn_world_partner(w, "BY"),
				       fx_t("2026-11-27")));
	assert_false(cn_partner_active(cn_world_partner(w, "AF"),
				       fx_t("2026-11-27")));
	/* Finland: a partner in 2010, a member in 2024. */
	assert_true(cn_partner_active(cn_world_partner(w, "FI"), fx_t("2010-01-01")));
	assert_false(cn_member_active(cn_world_member(w, "FI"), fx_t("2010-01-01")));
	assert_false(cn_partner_on(cn_world_partner(w, "FI"), fx_t("2024-01-01")));
	assert_true(cn_member_active(cn_world_member(w, "FI"), fx_t("2024-01-01")));
	/* Never both, for any state, on the first of any month. */
	for (int y = 1949; y <= 2030; y++)
		for (int m = 1; m <= 12; m++) {
			snprintf(day, sizeof(day), "%04d-%02d-01", y % 10000, m % 100);
			for (size_t i = 0; i < w->npartners; i++) {
				const struct cn_partner *p = &w->partners[i];
				const struct cn_member *mm = cn_world_member(w, p->code);
				if (mm && cn_member_active(mm, fx_t(day)) &&
				    cn_partner_on(p, fx_t(day)))
					fail_msg("%s both a member and a partner on %s",
						 p->code, day);
			}
		}
	/* Every PfP partner that joined NATO has its partnership ended. */
	size_t former = 0;
	for (size_t i = 0; i < w->npartners; i++)
		if (cn_world_member(w, w->partners[i].code))
			former++;
	assert_int_equal(former, 16);
	/* France in the Military Committee: until 1966, and again from
	 * 1995-12-05. */
	assert_true(cn_body_has(w, mc, "FR", fx_t("1965-01-01")));
	assert_false(cn_body_has(w, mc, "FR", fx_t("1980-01-01")));
	assert_false(cn_body_has(w, mc, "FR", fx_t("1995-12-04")));
	assert_true(cn_body_has(w, mc, "FR", fx_t("1995-12-05")));
	assert_true(cn_body_has(w, mc, "FR", fx_t("2024-01-01")));
	/* Moscow: the information office closed, the military liaison
	 * mission suspended, the documentation centre unknown after its
	 * inauguration. */
	assert_int_equal(cn_office_state_at(cn_world_office(w, "nio-moscow"),
					    fx_t("2022-01-01")), CN_OFFICE_CLOSED);
	assert_int_equal(cn_office_state_at(cn_world_office(w, "mlm-moscow"),
					    fx_t("2022-01-01")), CN_OFFICE_SUSPENDED);
	assert_int_equal(cn_office_state_at(
				 cn_world_office(w, "nato-documentation-centre-moscow"),
				 fx_t("2010-01-01")), CN_OFFICE_UNKNOWN);
	cn_world_release(w);
	free(w);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_built),
		T(test_member_active_boundaries),
		T(test_npg_all_except_france),
		T(test_dpc_dated_clauses),
		T(test_list_clause),
		T(test_explain_not_member),
		T(test_treaty_area),
		cmocka_unit_test(test_coords),
		T(test_offices),
		T(test_out_of_sequence),
		T(test_duplicates_refused),
		T(test_bad_registry_payloads),
		T(test_bad_registry_payloads_are_corrupt),
		T(test_bad_partner_date_message),
		T(test_event_entity),
		T(test_member_and_partner_refused),
		T(test_member_and_partner_effects_refused),
		T(test_partner_periods),
		T(test_unknown_days),
		cmocka_unit_test(test_nato_dataset_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
