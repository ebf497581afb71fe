/*
 * test_mail_addr.c - an e-mail subscription's pure parts: the address
 * check at its bounds (core/mail_addr.h: 64 bytes before the '@', labels
 * of 63, 254 in all), the stored mailto URI both ways, and the language
 * an Accept-Language header prefers (core/i18n.h, cn_lang_accept).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/i18n.h"
#include "core/mail_addr.h"

static int ok(const char *s)
{
	struct cn_err err = {0};
	int rc = cn_mail_addr_check(s, "email", &err);

	if (rc)
		assert_non_null(strstr(err.msg, "field 'email': "));
	return rc == 0;
}

static void test_address(void **state)
{
	char buf[400];
	(void)state;

	assert_true(ok("fr@delegation.example"));
	assert_true(ok("fr.permrep+council@x.example"));
	assert_true(ok("!#$%&'*+-/=?^_`{|}~@x"));
	assert_true(ok("a@localhost"));
	assert_false(ok(""));
	assert_false(ok("@x.example"));
	assert_false(ok("fr@"));
	assert_false(ok("fr"));
	assert_false(ok("a@b@x.example"));
	assert_false(ok("fr.@x.example"));
	assert_false(ok("f..r@x.example"));
	assert_false(ok("f r@x.example"));
	assert_false(ok("fr@x..example"));
	assert_false(ok("fr@x.example."));
	assert_false(ok("fr@-x.example"));
	assert_false(ok("fr@x-.example"));
	assert_false(ok("fr@x_y.example"));
	assert_false(ok("fr@[10.0.0.1]"));
	assert_false(ok("fr@x.example\r\nBcc: y@z"));
	assert_false(ok("fr\n@x.example"));
	assert_false(ok("\"fr\"@x.example"));
	assert_false(ok("fr@d\xc3\xa9l\xc3\xa9gation.example"));
	/* 64 bytes before the '@', not 65. */
	snprintf(buf, sizeof(buf), "%.64s@x.example", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_true(ok(buf));
	snprintf(buf, sizeof(buf), "%.65s@x.example", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_false(ok(buf));
	/* A label of 63, not 64. */
	snprintf(buf, sizeof(buf), "a@%.63s.example", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	assert_true(ok(buf));
	snprintf(buf, sizeof(buf), "a@%.64s.example", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	assert_false(ok(buf));
	/* 254 in all, not 255: "a@" and labels of 63 and 60 with dots. */
	memset(buf, 0, sizeof(buf));
	strcpy(buf, "a@");
	for (int i = 0; i < 3; i++) {
		memset(buf + strlen(buf), 'c', 63);
		strcat(buf, ".");
	}
	memset(buf + strlen(buf), 'd', 254 - strlen(buf));
	assert_int_equal(strlen(buf), 254);
	assert_true(ok(buf));
	strcat(buf, "d");
	assert_false(ok(buf));
}

static void test_uri(void **state)
{
	char uri[CN_MAIL_URI_MAX + 1], addr[CN_MAIL_ADDR_MAX + 1], lang[3];
	struct cn_err err = {0};
	(void)state;

	cn_mail_uri("fr+council@x.example", "fr", uri, sizeof(uri));
	assert_string_equal(uri, "mailto:fr%2Bcouncil@x.example?Content-Language=fr");
	assert_true(cn_mail_is_uri(uri));
	assert_int_equal(cn_mail_uri_parse(uri, addr, lang, &err), 0);
	assert_string_equal(addr, "fr+council@x.example");
	assert_string_equal(lang, "fr");
	/* '?' and '%' in the local part survive the URI. */
	cn_mail_uri("a?b%c@x.example", "en", uri, sizeof(uri));
	assert_string_equal(uri, "mailto:a%3Fb%25c@x.example?Content-Language=en");
	assert_int_equal(cn_mail_uri_parse(uri, addr, lang, &err), 0);
	assert_string_equal(addr, "a?b%c@x.example");
	/* A row this code did not write. */
	assert_false(cn_mail_is_uri("https://x.example/hook"));
	assert_int_not_equal(cn_mail_uri_parse("mailto:a@x.example", addr, lang, &err), 0);
	assert_int_not_equal(cn_mail_uri_parse("mailto:a@x.example?Content-Language=de", addr, lang, &err), 0);
	assert_int_not_equal(cn_mail_uri_parse("mailto:a%4@x.example?Content-Language=en", addr, lang, &err), 0);
	assert_int_not_equal(cn_mail_uri_parse("mailto:a%0D%0A@x.example?Content-Language=en", addr, lang, &err), 0);
}

static int accepts(const char *h, enum cn_lang *l)
{
	*l = (enum cn_lang)9;
	return cn_lang_accept(h, l);
}

static void test_accept_language(void **state)
{
	enum cn_lang l;
	(void)state;

	assert_int_equal(accepts("fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5", &l), 0);
	assert_int_equal(l, CN_LANG_FR);
	assert_int_equal(accepts("de-DE,en;q=0.5,fr;q=0.7", &l), 0);
	assert_int_equal(l, CN_LANG_FR);
	assert_int_equal(accepts("en-GB,fr", &l), 0);
	assert_int_equal(l, CN_LANG_EN); /* equal weights: the first */
	assert_int_equal(accepts("fr;q=0, en", &l), 0);
	assert_int_equal(l, CN_LANG_EN);
	assert_int_equal(accepts(" FR ; Q=1.000 ", &l), 0);
	assert_int_equal(l, CN_LANG_FR);
	assert_int_equal(accepts("fr;q=0.001,en;q=0", &l), 0);
	assert_int_equal(l, CN_LANG_FR);
	/* Nothing that names either: left alone. */
	assert_int_equal(accepts("de", &l), -1);
	assert_int_equal(l, (enum cn_lang)9);
	assert_int_equal(accepts("*", &l), -1);
	assert_int_equal(accepts("", &l), -1);
	assert_int_equal(accepts(NULL, &l), -1);
	assert_int_equal(accepts("fr;q=0", &l), -1);
	assert_int_equal(accepts("fr;q=2", &l), -1);   /* a bad weight counts for nothing */
	assert_int_equal(accepts("fr_FR", &l), -1);    /* a locale name, not a tag */
	assert_int_equal(accepts("french", &l), -1);
	assert_int_equal(l, (enum cn_lang)9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address),
		cmocka_unit_test(test_uri),
		cmocka_unit_test(test_accept_language),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
