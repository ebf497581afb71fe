/*
 * test_canon_dump.c - the canonical JSON encoding of events and projection
 * rows (cn_canon_dump, cn_canon_same in src/core/event.c): keys sorted
 * bytewise, no whitespace, non-ASCII as \u and four upper-case hex
 * digits as jansson writes them, surrogate pairs beyond the BMP, reals
 * refused, a text whole or nothing.  The expected bytes are written by hand from the
 * rules in event.h.  (Out of test_event.c, which holds the sealing and
 * decoding of events.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "fixture.h"

static char *canon(json_t *v)
{
	char *s = NULL;
	size_t len = 0;
	struct cn_err err = {0};
	int rc = cn_canon_dump(v, &s, &len, &err);
	json_decref(v);
	if (rc)
		fail_msg("canon_dump failed: %s", err.msg);
	assert_int_equal(len, strlen(s));
	return s;
}

static void assert_canon(json_t *v, const char *want)
{
	size_t n = strlen(want);
	char *longer = malloc(n + 2);
	int same = -1;

	/* The comparison without the text agrees: exactly these bytes. */
	assert_non_null(longer);
	memcpy(longer, want, n);
	memcpy(longer + n, " ", 2);
	assert_int_equal(cn_canon_same(v, want, n, &same), 0);
	assert_true(same);
	assert_int_equal(cn_canon_same(v, want, n - 1, &same), 0);
	assert_false(same);
	assert_int_equal(cn_canon_same(v, longer, n + 1, &same), 0);
	assert_false(same);
	longer[n / 2] ^= 0x20;
	assert_int_equal(cn_canon_same(v, longer, n, &same), 0);
	assert_false(same);
	free(longer);

	char *s = canon(v);
	assert_string_equal(s, want);
	free(s);
}

static void test_canon_sorts_keys(void **state)
{
	(void)state;
	assert_canon(json_pack("{s:i, s:i, s:i}", "b", 2, "a", 1, "c", 3),
		     "{\"a\":1,\"b\":2,\"c\":3}");
	/* Bytewise: 'B' (0x42) < '_' (0x5F) < 'a' (0x61); a prefix sorts
	 * before its extensions; nested objects are sorted too; arrays keep
	 * their order. */
	assert_canon(json_pack("{s:i, s:i, s:i, s:i, s:{s:[i,i,i], s:n}}", "a", 1,
			       "_", 2, "B", 3, "ab", 4, "z", "y", 3, 1, 2, "x"),
		     "{\"B\":3,\"_\":2,\"a\":1,\"ab\":4,\"z\":{\"x\":null,\"y\":[3,1,2]}}");
	/* A non-ASCII key sorts by its UTF-8 bytes (0xC3 > 'z') and is
	 * escaped. */
	assert_canon(json_pack("{s:i, s:i}", "\xc3\xa9t\xc3\xa9", 1, "z", 2),
		     "{\"z\":2,\"\\u00E9t\\u00E9\":1}");
	/* No whitespace anywhere, booleans and empty containers. */
	assert_canon(json_pack("{s:b, s:b, s:[], s:{}}", "t", 1, "f", 0, "e", "o"),
		     "{\"e\":[],\"f\":false,\"o\":{},\"t\":true}");
}

static void test_canon_escapes(void **state)
{
	(void)state;
	/* U+00E9 e-acute, U+20AC euro sign, U+00FC u-umlaut. */
	assert_canon(json_string("T\xc3\xbcrkiye \xe2\x82\xac \xc3\xa9"),
		     "\"T\\u00FCrkiye \\u20AC \\u00E9\"");
	/* U+1F600 is beyond the BMP: surrogate pair D83D DE00. */
	assert_canon(json_string("\xf0\x9f\x98\x80"), "\"\\uD83D\\uDE00\"");
	/* Quote, backslash, control characters; '/' is not escaped. */
	assert_canon(json_string("a\"b\\c/d\ne\tf\x01"),
		     "\"a\\\"b\\\\c/d\\ne\\tf\\u0001\"");
	/* Integers, negative and large (no real numbers). */
	assert_canon(json_pack("[I, I, i]", (json_int_t)-642384000,
			       (json_int_t)INT64_C(9007199254740993), 0),
		     "[-642384000,9007199254740993,0]");
}

/* cn_canon_same walks a value whose objects hold their keys in sorted
 * order (any value parsed from canonical bytes) without jansson's encoder:
 * it must say what the encoder's text says, at the edges of every rule. */
static json_t *parsed(const char *text)
{
	json_error_t je;
	json_t *v = json_loadb(text, strlen(text),
			       JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);

	if (!v)
		fail_msg("%s: %s", text, je.text);
	return v;
}

static void assert_not_canon(const char *text)
{
	json_t *v = parsed(text);
	int same = -1;

	assert_int_equal(cn_canon_same(v, text, strlen(text), &same), 0);
	assert_false(same);
	json_decref(v);
}

static void test_canon_walk(void **state)
{
	static const char *canonical[] = {
		"{\"B\":3,\"_\":2,\"a\":1,\"ab\":4,\"z\":{\"x\":null,\"y\":[3,1,2]}}",
		"[-9223372036854775808,9223372036854775807,0,-1,10,true,false,null]",
		"\"\\u0000\\b\\f\\r\\n\\t\\u001F\x7f /\\\\\\\"\"",
		"{\"a\":{\"b\":[{},[]],\"c\":\"\\u00E9\\uD83D\\uDE00\\uFFFF\"},\"b\":\"\"}",
		"{\"\\u00E9\":[[[[\"x\"]]]],\"\\uD83D\\uDE00\":{}}",
		"{}", "[]", "\"\"", "0",
	};
	/* each parses, and is not the canonical spelling of what it holds */
	static const char *other[] = {
		"{\"a\":1, \"b\":2}", "\"\\u00e9\"", "\"\\/\"", "-0", "1E2",
		"\"\xc3\xa9\"", "\"\\u0041\"", "{\"a\":[1,2 ]}", "1.0",
		"{\"a\":{\"c\":1,\"b\":2}}",      /* unsorted, inside sorted */
		"{\"b\":1,\"a\":2}",              /* unsorted: jansson sorts */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(canonical) / sizeof(*canonical); i++)
		assert_canon(parsed(canonical[i]), canonical[i]);
	for (size_t i = 0; i < sizeof(other) / sizeof(*other); i++)
		assert_not_canon(other[i]);
	/* a NUL inside a string, its bytes as jansson writes them */
	assert_canon(json_stringn("a\0b", 3), "\"a\\u0000b\"");
}

static void test_canon_refuses_reals(void **state)
{
	struct cn_err err = {0};
	char *s = (char *)0x1;
	size_t len = 99;
	json_t *v;
	(void)state;

	v = json_pack("{s:f}", "lat", 35.68);
	assert_int_equal(cn_canon_dump(v, &s, &len, &err), CN_EINVAL);
	assert_int_equal(err.code, CN_EINVAL);
	assert_ptr_equal(s, (char *)0x1);
	json_decref(v);

	/* Deep inside arrays and objects too. */
	v = json_pack("{s:[i, {s:[f]}]}", "a", 1, "b", 0.0);
	assert_int_equal(cn_canon_dump(v, &s, &len, &err), CN_EINVAL);
	json_decref(v);

	v = json_real(1.0);
	assert_int_equal(cn_canon_dump(v, &s, &len, NULL), CN_EINVAL);
	json_decref(v);
}

/* cn_canon_dump_to appends what cn_canon_dump makes, or nothing: a real
 * found after members were written takes them back, and a value the walk
 * leaves to jansson comes out the same. */
static void test_canon_dump_to(void **state)
{
	struct cn_buf b = CN_BUF_INIT;
	struct cn_err err = {0};
	json_t *v;
	char *one, *want;
	size_t n;
	(void)state;

	cn_buf_puts(&b, "head:");
	v = json_pack("{s:i, s:[s, n]}", "b", 2, "a", "x");
	one = canon(json_incref(v));
	assert_int_equal(cn_canon_dump_to(v, &b, &err), 0);
	json_decref(v);
	n = strlen("head:") + strlen(one);
	assert_non_null(want = malloc(n + 1));
	snprintf(want, n + 1, "head:%s", one);
	assert_string_equal(b.s, want);
	assert_int_equal(b.len, n);

	/* A real, last of several members: nothing of them stays. */
	v = json_pack("{s:s, s:[i, {s:f}]}", "a", "written first", "b", 1, "c",
		      0.5);
	assert_int_equal(cn_canon_dump_to(v, &b, &err), CN_EINVAL);
	assert_int_equal(err.code, CN_EINVAL);
	json_decref(v);
	assert_string_equal(b.s, want);
	assert_int_equal(b.len, n);

	/* Nested past the walk's depth: jansson writes it, as for
	 * cn_canon_dump. */
	v = json_array();
	for (int i = 0; i < 2100; i++)
		v = json_pack("[o]", v);
	{
		char *whole = NULL;
		size_t len = 0;
		int rc = cn_canon_dump(v, &whole, &len, &err);
		int rc2 = cn_canon_dump_to(v, &b, &err);
		assert_int_equal(rc2, rc);
		if (rc == 0) {
			assert_int_equal(b.len, n + len);
			assert_memory_equal(b.s + n, whole, len);
			free(whole);
		} else {
			assert_int_equal(b.len, n);
		}
	}
	json_decref(v);

	/* A buffer that already failed takes nothing more. */
	b.oom = 1;
	v = json_integer(7);
	assert_int_equal(cn_canon_dump_to(v, &b, &err), CN_ENOMEM);
	json_decref(v);
	b.oom = 0;
	free(one);
	free(want);
	cn_buf_release(&b);
}

/* Out of memory while encoding gives CN_ENOMEM, never shorter bytes:
 * jansson 2.14's json_dumps ignores a failed write of an object key
 * (akheron/jansson#655) and returned the text without it, which an event
 * would have been sealed and a projection row stored with. */
static void test_canon_whole_or_nothing(void **state)
{
	json_t *v = json_object();
	char *want, *got;
	size_t len;
	struct cn_err err;
	(void)state;

	/* Long keys, so that writing one makes the text's buffer grow. */
	for (int i = 0; i < 40; i++) {
		char key[80];
		snprintf(key, sizeof(key), "key-%02d-%s", i,
			 "long-enough-to-outgrow-the-buffer-more-than-once");
		assert_int_equal(json_object_set_new(v, key, json_integer(i)), 0);
	}
	want = canon(json_incref(v));
	for (oom_fail_at = 1;; oom_fail_at++) {
		int rc;
		oom_count = 0;
		oom_fired = 0;
		got = (char *)0x1;
		memset(&err, 0, sizeof(err));
		json_set_alloc_funcs(oom_malloc, free);
		rc = cn_canon_dump(v, &got, &len, &err);
		json_set_alloc_funcs(malloc, free);
		if (rc) {
			assert_int_equal(rc, CN_ENOMEM);
			assert_int_equal(err.code, CN_ENOMEM);
			assert_ptr_equal(got, (char *)0x1);
		} else {
			if (strcmp(got, want))
				fail_msg("allocation %zu failed unnoticed: %s",
					 oom_fail_at, got);
			assert_int_equal(len, strlen(want));
			free(got);
		}
		if (!oom_fired)
			break;
	}
	free(want);
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canon_sorts_keys),
		cmocka_unit_test(test_canon_escapes),
		cmocka_unit_test(test_canon_walk),
		cmocka_unit_test(test_canon_refuses_reals),
		cmocka_unit_test(test_canon_dump_to),
		cmocka_unit_test(test_canon_whole_or_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
