/*
 * test_ical.c - the RFC 5545 writer (src/core/ical.c): folding at 75
 * octets without splitting a UTF-8 sequence or an escape, TEXT escaping,
 * UTC times.
 *
 * The expected lines are written out by hand from RFC 5545 3.1 (a line
 * is at most 75 octets before its CRLF; a continuation starts with one
 * space) and 3.3.11 (TEXT escapes), counting octets: "é" is C3 A9, two
 * octets; "€" E2 82 AC, three; "𝄞" F0 9D 84 9E, four.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/ical.h"

static char *run_text(const char *name, const char *value)
{
	struct cn_buf b = CN_BUF_INIT;
	char *out;

	cn_ical_text(&b, name, value);
	assert_int_equal(cn_buf_finish(&b, &out), 0);
	return out;
}

/* Octets before the first CR: one physical line's length.  (Also keeps
 * gcc -O2's -Wdangling-pointer quiet, which took `strchr(out, '\r') - out`
 * inside cmocka's macros for a use of a freed pointer.) */
static size_t line_len(const char *s)
{
	return strcspn(s, "\r");
}

static char *repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit);
	char *s = malloc(len * n + 1);

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	s[len * n] = '\0';
	return s;
}

/* Every physical line: at most 75 octets, ends in CRLF, begins (after
 * the first) with one space, and never starts inside a UTF-8 sequence
 * (its first octet after the space is no continuation byte). */
static void assert_folded_well(const char *out)
{
	const char *p = out;
	int first = 1;

	while (*p) {
		const char *eol = strstr(p, "\r\n");
		assert_non_null(eol);
		assert_true(eol - p <= 75);
		if (!first) {
			assert_int_equal(p[0], ' ');
			assert_int_not_equal((unsigned char)p[1] & 0xC0, 0x80);
		}
		first = 0;
		p = eol + 2;
	}
}

/* The logical line back: every CRLF followed by a space removed. */
static char *unfold(const char *out)
{
	char *s = strdup(out), *w = s;

	assert_non_null(s);
	for (const char *r = out; *r;) {
		if (r[0] == '\r' && r[1] == '\n' && r[2] == ' ') {
			r += 3;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
	return s;
}

static void short_line_is_one_line(void **state)
{
	(void)state;
	char *out = run_text("SUMMARY", "Tokyo office");
	assert_string_equal(out, "SUMMARY:Tokyo office\r\n");
	free(out);
}

/* 8 octets of "SUMMARY:" and 67 letters fill the first line to exactly
 * 75; the 68th letter starts the continuation. */
static void ascii_folds_at_exactly_75(void **state)
{
	(void)state;
	char *v = repeat("a", 67), *out = run_text("SUMMARY", v);
	char *want = malloc(200);

	assert_string_equal(out + 75, "\r\n");
	free(out);
	free(v);
	v = repeat("a", 68);
	out = run_text("SUMMARY", v);
	strcpy(want, "SUMMARY:");
	strcat(want, v);
	want[75] = '\0';
	strcat(want, "\r\n a\r\n");
	assert_string_equal(out, want);
	free(want);
	free(v);
	free(out);
}

/* A continuation line holds the space and 74 more octets. */
static void long_ascii_continues_at_74(void **state)
{
	(void)state;
	char *v = repeat("b", 67 + 74 + 5), *out = run_text("DESCRIPTION", v);
	char *back;

	/* "DESCRIPTION:" is 12 octets: 63 b on the first line. */
	assert_int_equal(line_len(out), 75);
	assert_int_equal(line_len(out + 77), 75);
	assert_folded_well(out);
	back = unfold(out);
	assert_int_equal(strncmp(back, "DESCRIPTION:", 12), 0);
	assert_int_equal(strncmp(back + 12, v, strlen(v)), 0);
	assert_string_equal(back + 12 + strlen(v), "\r\n");
	free(back);
	free(v);
	free(out);
}

/* "SUMMARY:" and 33 "é" make 74 octets; the 34th "é" (2 octets) would
 * end at 76, so the fold comes before it, at 74, not inside it. */
static void two_octet_sequence_is_not_split(void **state)
{
	(void)state;
	char *v = repeat("\xC3\xA9", 40), *out = run_text("SUMMARY", v);

	assert_int_equal(line_len(out), 74);
	assert_memory_equal(out + 74, "\r\n \xC3\xA9", 5);
	assert_folded_well(out);
	free(v);
	free(out);
}

/* "SUMMARY:" + 22 "€" = 74; the 23rd (3 octets) goes to the next line.
 * "X:" + 18 "𝄞" = 74; the 19th (4 octets) too.  And with one letter
 * before them, "X:a" + 18 "𝄞" = 75 exactly: no fold before the 19th's
 * line. */
static void three_and_four_octet_sequences(void **state)
{
	(void)state;
	char *v = repeat("\xE2\x82\xAC", 30), *out = run_text("SUMMARY", v);

	assert_int_equal(line_len(out), 74);
	assert_memory_equal(out + 74, "\r\n \xE2\x82\xAC", 6);
	assert_folded_well(out);
	free(v);
	free(out);
	v = repeat("\xF0\x9D\x84\x9E", 30);
	out = run_text("X", v);
	assert_int_equal(line_len(out), 74);
	assert_folded_well(out);
	free(out);
	v[18 * 4] = '\0';
	{
		char *w = malloc(strlen(v) + 2);
		w[0] = 'a';
		strcpy(w + 1, v);
		out = run_text("X", w);
		assert_int_equal(strlen(out), 77);
		assert_string_equal(out + 75, "\r\n");
		free(w);
		free(out);
	}
	free(v);
}

/* TEXT: backslash, semicolon, comma escaped; a newline (and CRLF) is
 * "\n"; other control characters dropped; a colon kept. */
static void text_escapes(void **state)
{
	(void)state;
	char *out = run_text("DESCRIPTION",
			     "a\\b;c,d\ne\r\nf:g\x01h\tI");
	assert_string_equal(out,
			    "DESCRIPTION:a\\\\b\\;c\\,d\\ne\\nf:gh\tI\r\n");
	free(out);
}

/* An escape is never split by a fold: "SUMMARY:" and 66 letters are 74
 * octets, and "\," needs 2. */
static void escape_is_not_split(void **state)
{
	(void)state;
	char *v = repeat("a", 67), *out;

	v[66] = ',';
	out = run_text("SUMMARY", v);
	assert_int_equal(line_len(out), 74);
	assert_memory_equal(out + 74, "\r\n \\,", 5);
	free(v);
	free(out);
}

/* A raw value is not escaped: a URL keeps its commas and semicolons. */
static void raw_is_not_escaped(void **state)
{
	(void)state;
	struct cn_buf b = CN_BUF_INIT;
	char *out;

	cn_ical_raw(&b, "URL", "http://h/p?a=1;b=2,3");
	assert_int_equal(cn_buf_finish(&b, &out), 0);
	assert_string_equal(out, "URL:http://h/p?a=1;b=2,3\r\n");
	free(out);
}

/* date -u -d '2023-07-07 09:30:00 UTC' +%s -> 1688722200. */
static void utc_time(void **state)
{
	(void)state;
	struct cn_buf b = CN_BUF_INIT;
	char *out;

	cn_ical_time(&b, "DTSTART", INT64_C(1688722200));
	assert_int_equal(cn_buf_finish(&b, &out), 0);
	assert_string_equal(out, "DTSTART:20230707T093000Z\r\n");
	free(out);
}

/* A byte that starts no valid sequence, or a sequence cut short, is not
 * taken as a longer unit: the writer never reads past the string. */
static void broken_utf8_is_bounded(void **state)
{
	(void)state;
	char *out = run_text("X", "\xE2\x82");
	assert_string_equal(out, "X:\xE2\x82\r\n");
	free(out);
	out = run_text("X", "\xF8z");
	assert_string_equal(out, "X:\xF8z\r\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(short_line_is_one_line),
		cmocka_unit_test(ascii_folds_at_exactly_75),
		cmocka_unit_test(long_ascii_continues_at_74),
		cmocka_unit_test(two_octet_sequence_is_not_split),
		cmocka_unit_test(three_and_four_octet_sequences),
		cmocka_unit_test(text_escapes),
		cmocka_unit_test(escape_is_not_split),
		cmocka_unit_test(raw_is_not_escaped),
		cmocka_unit_test(utc_time),
		cmocka_unit_test(broken_utf8_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
