/*
 * test_canon_parse.c - the reader of canonical JSON (src/core/canon_parse.c)
 * at its edges: what it accepts it builds as jansson would, in the text's
 * key order; what is not canonical it declines (the caller then asks
 * jansson); and cn_event_decode through it gives what jansson's path gives.
 * Also cn_time_parse_canonical, the time's one spelling.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/canon_parse.h"
#include "core/event.h"
#include "core/timeutil.h"

/* text is canonical: the reader accepts it, with jansson's tree, and
 * walking its tree gives the text back (so keys are in the text's order) */
static void accepted(const char *text)
{
	json_error_t je;
	json_t *want = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
				  &je);
	json_t *got = NULL;
	int same = 0;

	assert_non_null(want);
	assert_int_equal(cn_canon_parse(text, strlen(text), &got), 1);
	assert_non_null(got);
	assert_true(json_equal(got, want));
	assert_int_equal(cn_canon_same(got, text, strlen(text), &same), 0);
	assert_true(same);
	json_decref(got);
	json_decref(want);
}

static void declined_n(const char *text, size_t len)
{
	json_t *got = (json_t *)1;

	assert_int_equal(cn_canon_parse(text, len, &got), 0);
	assert_null(got);
}

static void declined(const char *text)
{
	declined_n(text, strlen(text));
}

/* cn_canon_plain_run, eight bytes at a time, against the table: every
 * byte value at every place of runs of 0 to 40 plain bytes (so in every
 * lane of the first words and in the tail), each plain byte beside it
 * too, and runs started at every alignment. */
static void test_plain_run(void **state)
{
	unsigned char buf[64];

	(void)state;
	for (size_t len = 0; len <= 40; len++)
		for (size_t off = 0; off < 8; off++) {
			memset(buf, 'a', sizeof(buf));
			assert_int_equal(cn_canon_plain_run(buf + off, len), len);
			for (size_t at = 0; at < len; at++)
				for (int v = 0; v < 256; v++) {
					size_t want = cn_canon_plain[v] ? len : at;

					buf[off + at] = (unsigned char)v;
					if (cn_canon_plain_run(buf + off, len) != want)
						fail_msg("byte 0x%02x at %zu of %zu "
							 "(offset %zu)", v, at, len, off);
					buf[off + at] = 'a';
				}
		}
	/* the first non-plain byte counts when two are in one word */
	memcpy(buf, "abc\\de\"fghijkl", 14);
	assert_int_equal(cn_canon_plain_run(buf, 14), 3);
	/* every plain byte value, in words */
	for (int v = 0x20; v < 0x80; v++)
		if (cn_canon_plain[v]) {
			memset(buf, v, 24);
			assert_int_equal(cn_canon_plain_run(buf, 24), 24);
		}
}

static void test_accepts_canonical(void **state)
{
	(void)state;
	accepted("{}");
	accepted("[]");
	accepted("null");
	accepted("true");
	accepted("false");
	accepted("0");
	accepted("-1");
	accepted("\"\"");
	accepted("{\"a\":[1,-2,{\"b\":null}],\"b\":\"x/y\",\"c\":{}}");
	/* the shorter key first when one is a prefix of the other */
	accepted("{\"a\":1,\"aa\":2,\"b\":3}");
	accepted("\"\x7f\""); /* DEL is written as it is */
}

static void test_declines_spacing(void **state)
{
	(void)state;
	declined(" {}");
	declined("{} ");
	declined("{\"a\": 1}");
	declined("{\"a\":1 }");
	declined("[1, 2]");
	declined("{\n}");
}

static void test_declines_unsorted_keys(void **state)
{
	(void)state;
	declined("{\"b\":1,\"a\":2}");
	declined("{\"a\":1,\"a\":2}"); /* a duplicate: jansson refuses it */
	declined("{\"aa\":1,\"a\":2}");
	declined("{\"x\":{\"b\":1,\"a\":2}}");
	/* ordered by the decoded bytes, not the escaped text: U+00E9 is
	 * C3 A9 in UTF-8, after 'z'; a newline (0x0A) is before 'a' */
	accepted("{\"z\":1,\"\\u00E9\":2}");
	declined("{\"\\u00E9\":2,\"z\":1}");
	accepted("{\"\\n\":1,\"a\":2}");
	declined("{\"a\":2,\"\\n\":1}");
	/* two escaped keys in a row, and an escaped string between them */
	accepted("{\"\\u00E9\":\"\\u00FF\",\"\\u00FF\":1}");
	declined("{\"\\u00FF\":\"\\u00E9\",\"\\u00E9\":1}");
}

static void test_escapes(void **state)
{
	const char *text = "\"q\\\"b\\\\n\\n\\u001F\\u00E9\\u20AC\\uD83D\\uDE00/\"";
	const char want[] = "q\"b\\n\n\x1f\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80/";
	json_t *got = NULL;

	(void)state;
	accepted(text);
	assert_int_equal(cn_canon_parse(text, strlen(text), &got), 1);
	assert_int_equal(json_string_length(got), sizeof(want) - 1);
	assert_memory_equal(json_string_value(got), want, sizeof(want) - 1);
	json_decref(got);
	accepted("\"\\b\\f\\n\\r\\t\"");

	declined("\"\\/\"");        /* '/' is written as it is */
	declined("\"\\u0041\"");    /* so is 'A' */
	declined("\"\\u007F\"");    /* and DEL */
	declined("\"\\u000A\"");    /* \n has a short form */
	declined("\"\\u00e9\"");    /* lower-case hex */
	declined("\"\\u0000\"");    /* jansson refuses U+0000 */
	declined("\"\\uDE00\"");    /* a low surrogate alone */
	declined("\"\\uD83D\"");    /* a high one alone */
	declined("\"\\uD83Dx\"");
	declined("\"\\uD83D\\u0041\"");
	declined("\"\\x\"");
	declined("\"\\u12\"");
}

static void test_declines_non_ascii(void **state)
{
	(void)state;
	declined("\"\xc3\xa9\"");       /* valid UTF-8, but not escaped */
	declined("\"\xc3\"");           /* invalid UTF-8 */
	declined("\"\xff\"");
	declined("{\"\xc3\xa9\":1}");
	declined("\"a\tb\"");           /* a raw control character */
	declined_n("\"a\0b\"", 5);      /* a raw NUL */
}

static void test_integers(void **state)
{
	(void)state;
	accepted("9223372036854775807");
	accepted("-9223372036854775808");
	declined("9223372036854775808");  /* jansson: too big integer */
	declined("-9223372036854775809");
	declined("99999999999999999999999");
	declined("-0");
	declined("01");
	declined("-");
	declined("+1");
	/* reals have no canonical form */
	declined("1.0");
	declined("1e5");
	declined("1E5");
	declined("0.5");
	declined("[1.5]");
}

static void test_truncated(void **state)
{
	const char *full = "{\"a\":[1,\"x\\u00E9\",{\"b\":true}],\"c\":null}";

	(void)state;
	accepted(full);
	for (size_t n = 0; n < strlen(full); n++)
		declined_n(full, n);
	declined("tru");
	declined("nul");
	declined("{\"a\"}");
	declined("{\"a\":}");
	declined("[1,]");
	declined("{\"a\":1,}");
}

/* As deep as jansson reads, and no deeper: it counts every value,
 * scalars too, against JSON_PARSER_MAX_DEPTH. */
static void test_nesting(void **state)
{
	(void)state;
	for (int n = CN_CANON_MAX_DEPTH - 2; n <= CN_CANON_MAX_DEPTH + 1; n++)
		for (int inner = 0; inner < 2; inner++) {
			/* n arrays around "1", or around nothing */
			size_t len = 2 * (size_t)n + (size_t)inner;
			char *text = malloc(len + 1);
			json_error_t je;
			json_t *j, *got = NULL;
			int rc;

			assert_non_null(text);
			memset(text, '[', (size_t)n);
			if (inner)
				text[n] = '1';
			memset(text + n + inner, ']', (size_t)n);
			text[len] = '\0';
			j = json_loadb(text, len, JSON_DECODE_ANY, &je);
			rc = cn_canon_parse(text, len, &got);
			assert_int_equal(rc, j != NULL);
			json_decref(j);
			json_decref(got);
			free(text);
		}
}

static const char ev_text[] =
	"{\"actor\":\"delegation:FR\",\"payload\":{\"note\":\"caf\\u00E9\","
	"\"proposal\":7,\"stance\":\"object\"},\"prev\":"
	"\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\","
	"\"seq\":12,\"time\":\"2023-07-07T09:30:00Z\",\"type\":\"position.stated\"}";

static void test_event_decode_agrees(void **state)
{
	struct cn_event a, b;
	struct cn_err ea, eb;

	(void)state;
	assert_int_equal(cn_event_decode(ev_text, strlen(ev_text), &a, &ea), 0);
	assert_int_equal(cn_event_decode_jansson(ev_text, strlen(ev_text), &b,
						 &eb), 0);
	assert_int_equal(a.seq, 12);
	assert_int_equal(a.seq, b.seq);
	assert_int_equal(a.time, b.time);
	assert_string_equal(a.actor, b.actor);
	assert_string_equal(a.type, b.type);
	assert_ptr_equal(a.et, b.et);
	assert_non_null(a.et);
	assert_memory_equal(a.prev, b.prev, CN_HASH_LEN);
	assert_true(json_equal(a.payload, b.payload));
	assert_int_equal(a.len, strlen(ev_text));
	assert_string_equal(a.bytes, ev_text);
	cn_event_release(&a);
	cn_event_release(&b);
}

/* An event the reader declines still gets jansson's verdict and message. */
static void refused_alike(const char *text)
{
	struct cn_event a, b;
	struct cn_err ea, eb;

	assert_int_equal(cn_event_decode(text, strlen(text), &a, &ea),
			 CN_ECORRUPT);
	assert_int_equal(cn_event_decode_jansson(text, strlen(text), &b, &eb),
			 CN_ECORRUPT);
	assert_string_equal(ea.msg, eb.msg);
}

static void test_event_decode_declined(void **state)
{
	(void)state;
	/* a time in another spelling, an upper-case prev, a missing field,
	 * a payload that is not an object, a real, a space */
	refused_alike("{\"actor\":\"a\",\"payload\":{},\"prev\":\"" 
		      "0000000000000000000000000000000000000000000000000000000000000000"
		      "\",\"seq\":1,\"time\":\"2023-07-07T09:30Z\",\"type\":\"t\"}");
	refused_alike("{\"actor\":\"a\",\"payload\":{},\"prev\":\""
		      "000000000000000000000000000000000000000000000000000000000000000A"
		      "\",\"seq\":1,\"time\":\"2023-07-07T09:30:00Z\",\"type\":\"t\"}");
	refused_alike("{\"actor\":\"a\",\"payload\":{},\"prev\":\""
		      "0000000000000000000000000000000000000000000000000000000000000000"
		      "\",\"time\":\"2023-07-07T09:30:00Z\",\"type\":\"t\"}");
	refused_alike("{\"actor\":\"a\",\"payload\":[],\"prev\":\""
		      "0000000000000000000000000000000000000000000000000000000000000000"
		      "\",\"seq\":1,\"time\":\"2023-07-07T09:30:00Z\",\"type\":\"t\"}");
	refused_alike("{\"actor\":\"a\",\"payload\":{\"x\":1.5},\"prev\":\""
		      "0000000000000000000000000000000000000000000000000000000000000000"
		      "\",\"seq\":1,\"time\":\"2023-07-07T09:30:00Z\",\"type\":\"t\"}");
	refused_alike("{\"actor\":\"a\", \"payload\":{},\"prev\":\""
		      "0000000000000000000000000000000000000000000000000000000000000000"
		      "\",\"seq\":1,\"time\":\"2023-07-07T09:30:00Z\",\"type\":\"t\"}");
}

static void test_time_canonical(void **state)
{
	int64_t t = 0;
	struct cn_err err;
	int64_t want;

	(void)state;
	assert_int_equal(cn_time_parse_canonical("2023-07-07T09:30:00Z", 20, &t), 0);
	assert_int_equal(cn_time_parse("2023-07-07T09:30:00Z", "t", &want, &err), 0);
	assert_int_equal(t, want);
	assert_int_equal(cn_time_parse_canonical("1000-01-01T00:00:00Z", 20, &t), 0);
	assert_int_equal(t, CN_TIME_MIN);
	assert_int_equal(cn_time_parse_canonical("9999-12-31T23:59:59Z", 20, &t), 0);
	assert_int_equal(t, CN_TIME_MAX);
	assert_int_equal(cn_time_parse_canonical("2024-02-29T00:00:00Z", 20, &t), 0);
	assert_int_equal(cn_time_parse_canonical("2023-02-29T00:00:00Z", 20, &t), -1);
	assert_int_equal(cn_time_parse_canonical("0999-12-31T23:59:59Z", 20, &t), -1);
	assert_int_equal(cn_time_parse_canonical("2023-07-07T24:00:00Z", 20, &t), -1);
	assert_int_equal(cn_time_parse_canonical("2023-07-07T09:60:00Z", 20, &t), -1);
	assert_int_equal(cn_time_parse_canonical("2023-07-07T09:30:60Z", 20, &t), -1);
	assert_int_equal(cn_time_parse_canonical("2023-07-07t09:30:00Z", 20, &t), -1);
	assert_int_equal(cn_time_parse_canonical("2023-07-07T09:30:00z", 20, &t), -1);
	assert_int_equal(cn_time_parse_canonical("2023-07-07T09:30:00+00:00", 25, &t), -1);
	assert_int_equal(cn_time_parse_canonical("2023-07-07T09:30Z", 17, &t), -1);
	assert_int_equal(cn_time_parse_canonical("2023-07-07T09:30:00Z ", 21, &t), -1);
	assert_int_equal(cn_time_parse_canonical("2023-7-07T09:30:00Z", 19, &t), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_run),
		cmocka_unit_test(test_accepts_canonical),
		cmocka_unit_test(test_declines_spacing),
		cmocka_unit_test(test_declines_unsorted_keys),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_declines_non_ascii),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_event_decode_agrees),
		cmocka_unit_test(test_event_decode_declined),
		cmocka_unit_test(test_time_canonical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
