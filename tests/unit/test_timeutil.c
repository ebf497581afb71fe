/*
 * test_timeutil.c - strict ISO 8601 parsing and formatting
 * (src/core/timeutil.c).
 *
 * Expected epoch values were computed independently of council with GNU
 * date, e.g. `date -u -d '2023-07-07 09:30:00 UTC' +%s` -> 1688722200,
 * and the day arithmetic between them checked by hand (86400 s a day).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"

/* date -u -d '... UTC' +%s */
#define T_2023_07_07 INT64_C(1688688000)
#define T_2023_07_07_0930 INT64_C(1688722200)
#define T_2024_02_29 INT64_C(1709164800)
#define T_2024_03_01 INT64_C(1709251200)
#define T_2000_02_29 INT64_C(951782400)
#define T_2000_03_01 INT64_C(951868800)
#define T_1949_08_24 INT64_C(-642384000)
#define T_1949_04_04_123456 INT64_C(-654607504)
#define T_2005_01_01 INT64_C(1104537600)
#define T_2010_06_01 INT64_C(1275350400)
#define T_2010_06_15 INT64_C(1276560000)

static int64_t parse_ok(const char *s)
{
	struct cn_err err = {.code = 12345, .msg = "untouched"};
	int64_t t = -1;
	int rc = cn_time_parse(s, "test", &t, &err);
	if (rc)
		fail_msg("'%s' refused: %s", s, err.msg);
	/* On success the error record is left as it was. */
	assert_int_equal(err.code, 12345);
	assert_string_equal(err.msg, "untouched");
	return t;
}

static void parse_bad(const char *s, const char *what)
{
	struct cn_err err = {0};
	int64_t t = 777;
	int rc = cn_time_parse(s, what, &t, &err);
	if (rc == 0)
		fail_msg("'%s' accepted as %lld", s, (long long)t);
	assert_int_equal(rc, CN_EINVAL);
	assert_int_equal(err.code, CN_EINVAL);
	/* Output untouched on failure. */
	assert_int_equal(t, 777);
	/* The message names the field and quotes the input. */
	if (strncmp(err.msg, what, strlen(what)) || err.msg[strlen(what)] != ':')
		fail_msg("message for '%s' does not start with '%s:': %s", s,
			 what, err.msg);
	if (!strstr(err.msg, s))
		fail_msg("message for '%s' does not quote it: %s", s, err.msg);
}

static void test_epoch_and_date_only(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1970-01-01"), 0);
	assert_int_equal(parse_ok("1970-01-02"), 86400);
	assert_int_equal(parse_ok("2023-07-07"), T_2023_07_07);
}

static void test_datetime_forms(void **state)
{
	(void)state;
	/* All of these are the same instant, 2023-07-07 09:30:00 UTC. */
	assert_int_equal(parse_ok("2023-07-07T09:30:00Z"), T_2023_07_07_0930);
	assert_int_equal(parse_ok("2023-07-07T09:30Z"), T_2023_07_07_0930);
	assert_int_equal(parse_ok("2023-07-07T09:30"), T_2023_07_07_0930);
	assert_int_equal(parse_ok("2023-07-07T09:30:00"), T_2023_07_07_0930);
	assert_int_equal(parse_ok("2023-07-07T11:30:00+02:00"), T_2023_07_07_0930);
	assert_int_equal(parse_ok("2023-07-07T04:30:00-05:00"), T_2023_07_07_0930);
	assert_int_equal(parse_ok("2023-07-07T04:30-05:00"), T_2023_07_07_0930);
	assert_int_equal(parse_ok("2023-07-07T09:30:00+00:00"), T_2023_07_07_0930);
	/* Seconds count. */
	assert_int_equal(parse_ok("2023-07-07T09:30:59Z"), T_2023_07_07_0930 + 59);
	/* An offset that crosses midnight backwards: 01:00+02:00 is 23:00Z
	 * the day before. */
	assert_int_equal(parse_ok("2023-07-07T01:00:00+02:00"),
			 T_2023_07_07 - 3600);
	/* Offsets with minutes (India, +05:30). */
	assert_int_equal(parse_ok("2023-07-07T15:00:00+05:30"), T_2023_07_07_0930);
	/* End of day. */
	assert_int_equal(parse_ok("2023-07-07T23:59:59Z"), T_2023_07_07 + 86399);
}

static void test_leap_days(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2024-02-29"), T_2024_02_29);
	assert_int_equal(parse_ok("2024-03-01"), T_2024_03_01);
	assert_int_equal(T_2024_03_01 - T_2024_02_29, 86400);
	/* 2000 is divisible by 400: a leap year. */
	assert_int_equal(parse_ok("2000-02-29"), T_2000_02_29);
	assert_int_equal(parse_ok("2000-03-01"), T_2000_03_01);
	/* 2023 is not a leap year; 1900 is divisible by 100 but not 400. */
	parse_bad("2023-02-29", "deadline");
	parse_bad("1900-02-29", "deadline");
	parse_bad("2100-02-29", "deadline");
	parse_bad("2024-02-30", "deadline");
	parse_bad("2023-02-29T10:00:00Z", "--at");
}

static void test_bad_fields(void **state)
{
	(void)state;
	/* month */
	parse_bad("2023-13-01", "--at");
	parse_bad("2023-00-10", "--at");
	/* day */
	parse_bad("2023-04-31", "--at");
	parse_bad("2023-01-00", "--at");
	parse_bad("2023-01-32", "--at");
	/* hour, minute, second */
	parse_bad("2023-07-07T24:00:00Z", "--at");
	parse_bad("2023-07-07T23:60:00Z", "--at");
	/* offsets */
	parse_bad("2023-07-07T09:30:00+2:00", "--at");
	parse_bad("2023-07-07T09:30:00+02", "--at");
	parse_bad("2023-07-07T09:30:00+0200", "--at");
	parse_bad("2023-07-07T09:30:00+02:60", "--at");
	/* not zero-padded, wrong separators, years out of range */
	parse_bad("2023-7-07", "deadline");
	parse_bad("2023-07-7", "deadline");
	parse_bad("2023/07/07", "deadline");
	parse_bad("23-07-07", "deadline");
	parse_bad("0999-12-31", "deadline");
	parse_bad("10000-01-01", "deadline");
	parse_bad("2023-07-07T9:30", "deadline");
	parse_bad("2023-07-07T09", "deadline");
	parse_bad("2023-07-07T", "deadline");
	parse_bad("", "deadline");
	parse_bad("yesterday", "deadline");
}

static void test_trailing_garbage(void **state)
{
	(void)state;
	parse_bad("2023-07-07x", "deadline");
	parse_bad("2023-07-07T09:30:00Zjunk", "deadline");
	parse_bad("2023-07-07T09:30:00ZZ", "deadline");
	parse_bad("2023-07-07T09:30:00+02:00 ", "deadline");
	parse_bad("2023-07-07T09:30:00.5Z", "deadline");
	parse_bad("2023-07-07T09:30:00:00", "deadline");
	parse_bad("2023-07-070", "deadline");
}

static void test_null_input(void **state)
{
	struct cn_err err = {0};
	int64_t t = 5;
	(void)state;
	assert_int_equal(cn_time_parse(NULL, "deadline", &t, &err), CN_EINVAL);
	assert_int_equal(t, 5);
	assert_non_null(strstr(err.msg, "deadline"));
	/* err may be NULL. */
	assert_int_equal(cn_time_parse("2023-02-29", "x", &t, NULL), CN_EINVAL);
}

static void test_error_names_field(void **state)
{
	struct cn_err err = {0};
	int64_t t;
	(void)state;
	assert_int_equal(cn_time_parse("2023-02-29", "deadline", &t, &err),
			 CN_EINVAL);
	assert_memory_equal(err.msg, "deadline: ", 10);
	assert_non_null(strstr(err.msg, "'2023-02-29'"));
	assert_int_equal(cn_time_parse("2023-07-07T25:00", "--at", &t, &err),
			 CN_EINVAL);
	assert_memory_equal(err.msg, "--at: ", 6);
	assert_non_null(strstr(err.msg, "'2023-07-07T25:00'"));
}

static void partial_ok(const char *s, int64_t want, enum cn_date_precision prec)
{
	struct cn_err err = {0};
	enum cn_date_precision p = (enum cn_date_precision)99;
	int64_t t = -1;
	if (cn_date_parse_partial(s, "exit", &t, &p, &err))
		fail_msg("'%s' refused: %s", s, err.msg);
	assert_int_equal(t, want);
	assert_int_equal(p, prec);
	/* prec may be NULL. */
	t = -1;
	assert_int_equal(cn_date_parse_partial(s, "exit", &t, NULL, &err), 0);
	assert_int_equal(t, want);
}

static void partial_bad(const char *s)
{
	struct cn_err err = {0};
	int64_t t = 9;
	if (cn_date_parse_partial(s, "accession", &t, NULL, &err) == 0)
		fail_msg("partial date '%s' accepted", s);
	assert_int_equal(err.code, CN_EINVAL);
	assert_int_equal(t, 9);
	assert_memory_equal(err.msg, "accession: ", 11);
}

static void test_partial_dates(void **state)
{
	(void)state;
	/* A partial date is its period's first day. */
	partial_ok("2005", T_2005_01_01, CN_PREC_YEAR);
	partial_ok("2010-06", T_2010_06_01, CN_PREC_MONTH);
	partial_ok("2010-06-15", T_2010_06_15, CN_PREC_DAY);
	partial_ok("1949-08-24", T_1949_08_24, CN_PREC_DAY);
	partial_ok("2024-02-29", T_2024_02_29, CN_PREC_DAY);
	partial_bad("2023-02-29");
	partial_bad("2010-13");
	partial_bad("2010-00");
	partial_bad("2010-6");
	partial_bad("2010-06-31");
	partial_bad("2010-06-15T00:00");
	partial_bad("2010-");
	partial_bad("201");
	partial_bad("0999");
	partial_bad("2010x");
	partial_bad("");
}

static void roundtrip(const char *iso, int64_t want)
{
	char buf[CN_TIME_BUF];
	int64_t t = parse_ok(iso);
	assert_int_equal(t, want);
	assert_string_equal(cn_time_format(t, buf), iso);
}

static void test_format_roundtrip(void **state)
{
	char buf[CN_TIME_BUF];
	(void)state;
	roundtrip("1970-01-01T00:00:00Z", 0);
	roundtrip("2023-07-07T09:30:00Z", T_2023_07_07_0930);
	roundtrip("2024-02-29T00:00:00Z", T_2024_02_29);
	roundtrip("2000-02-29T00:00:00Z", T_2000_02_29);
	/* Before the epoch: the founding of NATO. */
	roundtrip("1949-08-24T00:00:00Z", T_1949_08_24);
	roundtrip("1949-04-04T12:34:56Z", T_1949_04_04_123456);
	/* One second before the epoch is the last second of 1969. */
	assert_string_equal(cn_time_format(-1, buf), "1969-12-31T23:59:59Z");
	assert_string_equal(cn_time_format(-86400, buf), "1969-12-31T00:00:00Z");
	assert_string_equal(cn_time_format(-86401, buf), "1969-12-30T23:59:59Z");
	/* Offsets normalise to Z. */
	assert_string_equal(cn_time_format(parse_ok("2023-07-07T11:30:00+02:00"), buf),
			    "2023-07-07T09:30:00Z");
	/* The returned pointer is the buffer. */
	assert_ptr_equal(cn_time_format(0, buf), buf);
}

/* Written by hand for four-digit years, by snprintf outside them: both
 * as the C library's calendar and printf would write them, from before
 * year 0 to past 9999 (gmtime_r: 64-bit time_t). */
static void test_format_as_libc(void **state)
{
	const int64_t from = INT64_C(-62325000000); /* year -6 */
	const int64_t to = INT64_C(253750000000);   /* year 10010 */
	char buf[CN_TIME_BUF], want[CN_TIME_BUF + 32];

	(void)state;
	for (int64_t t = from; t < to; t += INT64_C(86400) * 13 + 3727) {
		time_t tt = (time_t)t;
		struct tm tm;

		assert_non_null(gmtime_r(&tt, &tm));
		snprintf(want, sizeof(want), "%04lld-%02d-%02dT%02d:%02d:%02dZ",
			 (long long)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec);
		assert_string_equal(cn_time_format(t, buf), want);
	}
	assert_string_equal(cn_time_format(CN_TIME_MIN, buf), "1000-01-01T00:00:00Z");
	assert_string_equal(cn_time_format(CN_TIME_MAX, buf), "9999-12-31T23:59:59Z");
	assert_string_equal(cn_time_format(CN_TIME_MAX + 1, buf), "10000-01-01T00:00:00Z");
	assert_string_equal(cn_time_format(CN_TIME_MIN - 1, buf), "0999-12-31T23:59:59Z");
}

static void test_date_format(void **state)
{
	char buf[CN_TIME_BUF];
	(void)state;
	assert_string_equal(cn_date_format(0, buf), "1970-01-01");
	assert_string_equal(cn_date_format(T_2023_07_07_0930, buf), "2023-07-07");
	assert_string_equal(cn_date_format(T_2023_07_07 + 86399, buf), "2023-07-07");
	assert_string_equal(cn_date_format(T_1949_08_24, buf), "1949-08-24");
	/* Negative times inside a day belong to that day, not the next. */
	assert_string_equal(cn_date_format(T_1949_04_04_123456, buf), "1949-04-04");
	assert_string_equal(cn_date_format(-1, buf), "1969-12-31");
	assert_string_equal(cn_date_format(-86400, buf), "1969-12-31");
	assert_string_equal(cn_date_format(-86401, buf), "1969-12-30");
	assert_string_equal(cn_date_format(T_2024_02_29, buf), "2024-02-29");
	/* Every day from 1948 to 2001 survives date -> text -> date. */
	for (int64_t d = T_1949_08_24 - 600 * 86400; d < T_2000_03_01 + 400 * 86400;
	     d += 86400) {
		struct cn_err err = {0};
		int64_t back = 0;
		cn_date_format(d, buf);
		assert_int_equal(cn_date_parse_partial(buf, "d", &back, NULL, &err), 0);
		assert_int_equal(back, d);
	}
	assert_ptr_equal(cn_date_format(0, buf), buf);
}

/* ---- the range: what the parser accepts, the formatter writes -------------- */

/* Independent oracle: glibc's timegm(), which never looks at TZ. */
static int64_t oracle(int y, int mo, int d, int hh, int mm, int ss)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			.tm_hour = hh, .tm_min = mm, .tm_sec = ss};
	return (int64_t)timegm(&tm);
}

static void test_range_constants(void **state)
{
	char buf[CN_TIME_BUF];
	(void)state;
	assert_int_equal(CN_TIME_MIN, oracle(1000, 1, 1, 0, 0, 0));
	assert_int_equal(CN_TIME_MAX, oracle(9999, 12, 31, 23, 59, 59));
	roundtrip("1000-01-01T00:00:00Z", CN_TIME_MIN);
	roundtrip("9999-12-31T23:59:59Z", CN_TIME_MAX);
	assert_string_equal(cn_time_format(CN_TIME_MIN, buf), "1000-01-01T00:00:00Z");
	assert_string_equal(cn_time_format(CN_TIME_MAX, buf), "9999-12-31T23:59:59Z");
	assert_int_equal(parse_ok("9999-12-31"), CN_TIME_MAX - 86399);
	assert_int_equal(parse_ok("1000-01-01"), CN_TIME_MIN);
}

/* The two inputs that bricked a store: both are refused, naming the field
 * and quoting the input, and saying why. */
static void test_range_offsets_cross_the_edge(void **state)
{
	struct cn_err err = {0};
	int64_t t;
	(void)state;
	parse_bad("9999-12-31T23:59:59-23:59", "--at");
	parse_bad("1000-01-01T00:00:00+01:00", "deadline");
	parse_bad("9999-12-31T23:59:59-00:01", "deadline");
	parse_bad("9999-12-31T00:01:00-23:59", "deadline");
	parse_bad("1000-01-01T00:00:00+00:01", "deadline");
	parse_bad("1000-01-01T23:58:59+23:59", "deadline");
	assert_int_equal(cn_time_parse("9999-12-31T23:59:59-23:59", "deadline", &t,
				       &err), CN_EINVAL);
	assert_non_null(strstr(err.msg, "1000-01-01T00:00:00Z"));
	assert_non_null(strstr(err.msg, "9999-12-31T23:59:59Z"));
	/* Just inside. */
	assert_int_equal(parse_ok("9999-12-31T00:00:59-23:59"), CN_TIME_MAX);
	assert_int_equal(parse_ok("9999-12-31T23:59:59+23:59"),
			 CN_TIME_MAX - 23 * 3600 - 59 * 60);
	assert_int_equal(parse_ok("1000-01-01T23:59:00+23:59"), CN_TIME_MIN);
	assert_int_equal(parse_ok("1000-01-01T00:00:00-23:59"),
			 CN_TIME_MIN + 23 * 3600 + 59 * 60);
}

/* The property: s is accepted exactly when the instant it names lies in
 * CN_TIME_MIN..CN_TIME_MAX; then its value is the oracle's, and
 * parse -> format -> parse gives the same second and the same text. */
static void check_property(int y, int mo, int d, int hh, int mm, int ss,
			   int osign, int oh, int om)
{
	char s[64], buf[CN_TIME_BUF], again[CN_TIME_BUF];
	struct cn_err err = {0};
	int64_t t = 0, t2 = 0;
	int64_t want = oracle(y, mo, d, hh, mm, ss) -
		       osign * (int64_t)(oh * 3600 + om * 60);
	int in_range = want >= CN_TIME_MIN && want <= CN_TIME_MAX;

	if (osign)
		snprintf(s, sizeof(s), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, mo,
			 d, hh, mm, ss, osign > 0 ? '+' : '-', oh, om);
	else
		snprintf(s, sizeof(s), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, hh,
			 mm, ss);
	int rc = cn_time_parse(s, "p", &t, &err);
	if (!in_range) {
		if (rc == 0)
			fail_msg("'%s' (%lld, out of range) accepted", s, (long long)want);
		if (strncmp(err.msg, "p: ", 3))
			fail_msg("'%s': message does not name the field: %s", s, err.msg);
		return;
	}
	if (rc)
		fail_msg("'%s' (%lld, in range) refused: %s", s, (long long)want,
			 err.msg);
	if (t != want)
		fail_msg("'%s' parsed as %lld, want %lld", s, (long long)t,
			 (long long)want);
	cn_time_format(t, buf);
	if (cn_time_parse(buf, "again", &t2, &err) || t2 != t)
		fail_msg("'%s' -> '%s' does not read back (%s)", s, buf, err.msg);
	if (strcmp(cn_time_format(t2, again), buf))
		fail_msg("'%s' -> '%s' -> '%s'", s, buf, again);
}

static const int edge_days[][3] = {
	{1000, 1, 1}, {1000, 1, 2}, {1000, 12, 31}, {1001, 1, 1},
	{1004, 2, 29}, {1600, 2, 29}, {1900, 2, 28}, {1900, 3, 1},
	{1969, 12, 31}, {1970, 1, 1}, {2000, 2, 29}, {2024, 2, 29},
	{2100, 2, 28}, {2100, 3, 1}, {9996, 2, 29}, {9998, 12, 31},
	{9999, 1, 1}, {9999, 2, 28}, {9999, 12, 30}, {9999, 12, 31},
};

/* Every offset, minute by minute from -23:59 to +23:59, at the first and
 * last second of days at the year edges, leap days and century turns. */
static void test_range_every_offset(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(edge_days) / sizeof(edge_days[0]); k++) {
		const int *e = edge_days[k];
		for (int off = -(23 * 60 + 59); off <= 23 * 60 + 59; off++) {
			int sign = off < 0 ? -1 : off > 0 ? 1 : 0;
			int a = off < 0 ? -off : off;
			check_property(e[0], e[1], e[2], 0, 0, 0, sign, a / 60, a % 60);
			check_property(e[0], e[1], e[2], 23, 59, 59, sign, a / 60, a % 60);
		}
		check_property(e[0], e[1], e[2], 12, 0, 0, 0, 0, 0);
	}
}

/* A small deterministic generator (splitmix64), so a failure is
 * reproducible from its seed. */
static uint64_t next_rand(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static int days_in(int y, int m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dm[m - 1];
}

static void test_range_random(void **state)
{
	uint64_t x = 20250101;
	char buf[CN_TIME_BUF];
	(void)state;
	/* Random texts, biased to the ends of the range. */
	for (int i = 0; i < 200000; i++) {
		uint64_t r = next_rand(&x);
		int y = (int)(r % 4 == 0 ? 1000 + r / 4 % 3 : r % 4 == 1 ? 9999 - r / 4 % 3
			      : 1000 + r / 4 % 9000);
		r = next_rand(&x);
		int mo = (int)(r % 12) + 1;
		int d = (int)(r / 12 % (uint64_t)days_in(y, mo)) + 1;
		r = next_rand(&x);
		int off = (int)(r % (2 * (23 * 60 + 59) + 1)) - (23 * 60 + 59);
		int a = off < 0 ? -off : off;
		r = next_rand(&x);
		check_property(y, mo, d, (int)(r % 24), (int)(r / 24 % 60),
			       (int)(r / 1440 % 60), off < 0 ? -1 : off > 0 ? 1 : 0,
			       a / 60, a % 60);
	}
	/* Random seconds in the range: format, then parse back exactly. */
	for (int i = 0; i < 200000; i++) {
		int64_t t = CN_TIME_MIN +
			    (int64_t)(next_rand(&x) % (uint64_t)(CN_TIME_MAX - CN_TIME_MIN + 1));
		struct cn_err err = {0};
		int64_t back = 0;
		cn_time_format(t, buf);
		if (cn_time_parse(buf, "t", &back, &err) || back != t)
			fail_msg("%lld -> '%s' -> %lld (%s)", (long long)t, buf,
				 (long long)back, err.msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoch_and_date_only),
		cmocka_unit_test(test_datetime_forms),
		cmocka_unit_test(test_leap_days),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_null_input),
		cmocka_unit_test(test_error_names_field),
		cmocka_unit_test(test_partial_dates),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_format_as_libc),
		cmocka_unit_test(test_date_format),
		cmocka_unit_test(test_range_constants),
		cmocka_unit_test(test_range_offsets_cross_the_edge),
		cmocka_unit_test(test_range_every_offset),
		cmocka_unit_test(test_range_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
