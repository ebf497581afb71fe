/*
 * iso3166.c - country codes: the lookup in the generated ISO 3166-1 table
 * and the one user-assigned code accepted beside it; see iso3166.h.
 */
#include "iso3166.h"

#include <stdlib.h>
#include <string.h>

/* Codes outside ISO 3166-1 that council accepts.  ISO 3166-1 leaves the
 * X* codes to users and will never assign them; XK for Kosovo is the one
 * in wide use: the European Commission's (Eurostat, "Glossary:Country
 * codes", https://ec.europa.eu/eurostat/statistics-explained/index.php?title=Glossary:Country_codes),
 * the IMF's and SWIFT's, and Unicode CLDR's region subtag ("XK XKK 983
 * Kosovo", https://unicode.org/reports/tr35/#unicode_region_subtag_validity).
 * NATO has had an office in Pristina since 2002 (data/nato.json). */
static const struct cn_iso3166_entry user_assigned[] = {
	{"XK", "Kosovo"},
};

static int by_code(const void *key, const void *elem)
{
	return strcmp(key, ((const struct cn_iso3166_entry *)elem)->code);
}

const char *cn_country_name(const char *code)
{
	const struct cn_iso3166_entry *e;

	if (!code || strlen(code) != 2)
		return NULL;
	e = bsearch(code, cn_iso3166_table, cn_iso3166_count,
		    sizeof(cn_iso3166_table[0]), by_code);
	for (size_t i = 0; !e && i < sizeof(user_assigned) / sizeof(user_assigned[0]); i++)
		if (!strcmp(code, user_assigned[i].code))
			e = &user_assigned[i];
	return e ? e->name : NULL;
}

static int ascii_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char ascii_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

int cn_country_check(const char *code, const char *what, struct cn_err *err)
{
	if (cn_country_name(code))
		return 0;
	if (code && strlen(code) == 2 && ascii_letter(code[0]) &&
	    ascii_letter(code[1])) {
		char upper[3] = {ascii_upper(code[0]), ascii_upper(code[1]), '\0'};
		const char *name = cn_country_name(upper);
		if (name)
			return cn_err_set(err, CN_EINVAL,
					  "%s: '%s' must be written in upper case: "
					  "'%s' (%s)", what, code, upper, name);
	}
	return cn_err_set(err, CN_EINVAL,
			  "%s: '%s' is not an ISO 3166-1 alpha-2 country code",
			  what, code ? code : "");
}
