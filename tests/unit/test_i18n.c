/*
 * test_i18n.c - the two languages in C (src/core/i18n.c and the table
 * scripts/gen_i18n.py makes from po/en.po and po/fr.po): which language a
 * tag or locale name names, placeholders filled by name, and French
 * typography in the French table (a narrow no-break space, U+202F,
 * E2 80 AF in UTF-8, before a colon).
 *
 * The expected texts are written here from the catalogues' meaning, not
 * copied from the program's output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event_type.h"
#include "core/i18n.h"

#define NNBSP "\xe2\x80\xaf"

static void tags_and_locales(void **state)
{
	static const struct {
		const char *tag;
		int rc;
		enum cn_lang lang;
	} cases[] = {
		{"fr", 0, CN_LANG_FR}, {"FR", 0, CN_LANG_FR},
		{"fr-CA", 0, CN_LANG_FR}, {"fr_FR.UTF-8", 0, CN_LANG_FR},
		{"fr_BE@euro", 0, CN_LANG_FR}, {"fr.UTF-8", 0, CN_LANG_FR},
		{"en", 0, CN_LANG_EN}, {"en_GB.UTF-8", 0, CN_LANG_EN},
		{"en-US", 0, CN_LANG_EN},
		{"", -1, 0}, {"C", -1, 0}, {"C.UTF-8", -1, 0}, {"POSIX", -1, 0},
		{"de", -1, 0}, {"de_DE.UTF-8", -1, 0}, {"french", -1, 0},
		{"f", -1, 0}, {"fra", -1, 0}, {"-fr", -1, 0}, {"e\x01", -1, 0},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum cn_lang l = (enum cn_lang)7; /* untouched on failure */
		int rc = cn_lang_parse(cases[i].tag, &l);
		if (rc != cases[i].rc)
			fail_msg("'%s': %d, wanted %d", cases[i].tag, rc, cases[i].rc);
		if (rc == 0)
			assert_int_equal(l, cases[i].lang);
		else
			assert_int_equal(l, 7);
	}
	assert_int_equal(cn_lang_parse(NULL, &(enum cn_lang){0}), -1);
	assert_string_equal(cn_lang_code(CN_LANG_EN), "en");
	assert_string_equal(cn_lang_code(CN_LANG_FR), "fr");
}

static char *put(enum cn_lang lang, enum cn_msg msg, const char *k1,
		 const char *v1, const char *k2, const char *v2)
{
	struct cn_buf b = CN_BUF_INIT;
	char *out;

	cn_msg_put(&b, lang, msg, k1, v1, k2, v2, (char *)NULL);
	assert_int_equal(cn_buf_finish(&b, &out), 0);
	return out;
}

static void placeholders_by_name(void **state)
{
	char *s;
	(void)state;
	/* "{outcome}: {title}", the pairs in either order */
	s = put(CN_LANG_EN, CN_M_CAL_SUMMARY_CONCLUDED, "title", "Tokyo",
		"outcome", "Adopted");
	assert_string_equal(s, "Adopted: Tokyo");
	free(s);
	s = put(CN_LANG_FR, CN_M_CAL_SUMMARY_CONCLUDED, "outcome", "Adoptée",
		"title", "Tokyo");
	assert_string_equal(s, "Adoptée" NNBSP ": Tokyo");
	free(s);
	/* a NULL value is empty; a value with braces is not read again */
	s = put(CN_LANG_EN, CN_M_CAL_SUMMARY_CONCLUDED, "outcome", NULL,
		"title", "{outcome}");
	assert_string_equal(s, ": {outcome}");
	free(s);
	/* a placeholder with no pair shows as it stands */
	s = put(CN_LANG_EN, CN_M_CAL_SUMMARY_CONCLUDED, "title", "T", NULL,
		NULL);
	assert_string_equal(s, "{outcome}: T");
	free(s);
	/* a name that only begins like the placeholder's does not fill it */
	s = put(CN_LANG_EN, CN_M_CAL_SUMMARY_CONCLUDED, "out", "x", "titles",
		"y");
	assert_string_equal(s, "{outcome}: {title}");
	free(s);
}

static void french_table(void **state)
{
	(void)state;
	assert_string_equal(cn_msg(CN_LANG_EN, CN_M_OUTCOME_ADOPTED), "Adopted");
	assert_string_equal(cn_msg(CN_LANG_FR, CN_M_OUTCOME_ADOPTED), "Adoptée");
	assert_string_equal(cn_msg(CN_LANG_FR, CN_M_CAL_NAME_SECRETARIAT),
			    "council" NNBSP ": secrétariat");
	/* the apostrophe is the typographic one */
	assert_string_equal(cn_msg(CN_LANG_FR, CN_M_CAL_PROCEDURE_SILENCE),
			    "procédure d\xe2\x80\x99" "accord tacite");
	/* every message has a text in both languages */
	for (int m = 0; m < CN_MSG_COUNT; m++) {
		const char *fr = cn_msg(CN_LANG_FR, (enum cn_msg)m);
		assert_true(*cn_msg(CN_LANG_EN, (enum cn_msg)m));
		assert_true(*fr);
		/* no ASCII space before : ; ! ? in French */
		for (const char *p = fr; (p = strpbrk(p, ":;!?")); p++)
			if (p > fr && p[-1] == ' ')
				fail_msg("%s: a plain space before '%c': %s",
					 cn_msg_keys[m], *p, fr);
	}
}

/* A key made at run time (the CLI's --help) finds its message; a key the
 * catalogue lacks, or a prefix of one, finds nothing and changes nothing. */
static void find_by_key(void **state)
{
	enum cn_msg m = CN_M_OUTCOME_BLOCKED;

	(void)state;
	assert_int_equal(cn_msg_find("outcome.adopted", &m), 0);
	assert_int_equal(m, CN_M_OUTCOME_ADOPTED);
	assert_int_equal(cn_msg_find("cli.help.respond.summary", &m), 0);
	assert_string_equal(cn_msg(CN_LANG_FR, m),
			    "exprimer, changer ou lever la position d\xe2\x80\x99un membre");
	m = CN_M_OUTCOME_BLOCKED;
	assert_int_equal(cn_msg_find("outcome.adopte", &m), -1);
	assert_int_equal(cn_msg_find("outcome.adopted.x", &m), -1);
	assert_int_equal(cn_msg_find("", &m), -1);
	assert_int_equal(m, CN_M_OUTCOME_BLOCKED);
}

/* Every event type the log can hold has its words for the e-mails
 * (mail.kind.TYPE, server/mail_compose.c), in both languages, and they
 * are words, not the type itself. */
static void event_type_words(void **state)
{
	(void)state;
	for (int i = 0; i < CN_EV_COUNT; i++) {
		const char *type = cn_event_type_get((enum cn_ev)i)->name;
		char key[80];
		enum cn_msg m;

		snprintf(key, sizeof(key), "mail.kind.%s", type);
		if (cn_msg_find(key, &m))
			fail_msg("%s: no key %s in the catalogue", type, key);
		for (int l = 0; l < CN_LANG_COUNT; l++) {
			const char *w = cn_msg((enum cn_lang)l, m);
			if (strchr(w, '.') || !strcmp(w, type))
				fail_msg("%s in %s: '%s' is not words", key,
					 cn_lang_code((enum cn_lang)l), w);
		}
	}
	enum cn_msg m;
	assert_int_equal(cn_msg_find("mail.kind.procedure.concluded", &m), 0);
	assert_string_equal(cn_msg(CN_LANG_FR, m), "Proc\xc3\xa9" "dure conclue");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tags_and_locales),
		cmocka_unit_test(placeholders_by_name),
		cmocka_unit_test(french_table),
		cmocka_unit_test(find_by_key),
		cmocka_unit_test(event_type_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
