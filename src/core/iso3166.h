/*
 * iso3166.h - country codes: ISO 3166-1 alpha-2, as the registry writes
 * every member, partner and office host ("FR", "JP").
 *
 * The codes come from the ISO 3166-1 list of Debian's iso-codes package:
 * scripts/gen_iso3166.py turns it into a C table at build time
 * (cn_iso3166_table, in the build directory), so the list follows the
 * installed standard and is never typed by hand.  One code outside the
 * standard is accepted too: XK, the user-assigned code that the European
 * Commission, the IMF and Unicode's CLDR use for Kosovo (iso3166.c says
 * where it is documented); NATO has an office there.
 *
 * Codes are upper case.  A code in lower case is refused, with its upper
 * case form in the message, rather than changed: what the log records is
 * what the caller wrote, and "fr" beside "FR" would be two states.
 *
 * Ownership: names are static strings.  Pure code: no I/O, no allocation.
 */
#ifndef CN_ISO3166_H
#define CN_ISO3166_H

#include <stddef.h>

#include "err.h"

struct cn_iso3166_entry {
	const char *code; /* "FR" */
	const char *name; /* the English short name, UTF-8: "France" */
};

/* The generated table, in ascending order of code. */
extern const struct cn_iso3166_entry cn_iso3166_table[];
extern const size_t cn_iso3166_count;

/* The name of a country code (ISO 3166-1 alpha-2, or XK), or NULL when
 * `code` is not exactly one, upper case. */
const char *cn_country_name(const char *code);

/* 0 when `code` is a country code; else CN_EINVAL with a message that
 * starts with `what` (the field: "code", "country") and, for a code
 * written in lower case, gives its upper case form. */
int cn_country_check(const char *code, const char *what, struct cn_err *err)
	CN_NODISCARD;

#endif
