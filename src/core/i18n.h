/*
 * i18n.h - council's two languages, English and French: which one a tag
 * names, and a message of the catalogue in it with its placeholders
 * filled.
 *
 * The messages are po/en.po and po/fr.po (gettext files whose msgid is a
 * key), made at build time by scripts/gen_i18n.py into i18n_msgs.h (enum
 * cn_msg: CN_M_ and the key in capitals, "cal.summary.silence" is
 * CN_M_CAL_SUMMARY_SILENCE) and its table, with French typography already
 * in the French texts.  No locale, no gettext() at run time: the table is
 * the program's, so a machine without a French locale speaks French too.
 * The page (web/src/i18n.js) reads the same catalogues.
 *
 * A placeholder is {name}; cn_msg_put fills it from name/value pairs.
 * Pure code: no I/O, no environment (the faces choose the language: the
 * CLI from --lang and the environment, the calendar feed from ?lang=).
 * Nothing returned needs freeing: the texts are static.
 */
#ifndef CN_I18N_H
#define CN_I18N_H

#include <stdarg.h>

#include "buf.h"
#include "i18n_msgs.h"

enum cn_lang { CN_LANG_EN = 0, CN_LANG_FR = 1 };
#define CN_LANG_COUNT 2

/* "en" or "fr". */
const char *cn_lang_code(enum cn_lang lang);

/* The language a tag or locale name names: "fr", "FR", "fr-CA",
 * "fr_FR.UTF-8", "fr_BE@euro" give French; "en", "en_GB.UTF-8" English.
 * 0 and *lang set, or -1 for anything else ("", "C", "POSIX", "de",
 * "french"), leaving *lang alone. */
int cn_lang_parse(const char *tag, enum cn_lang *lang);

/* The language an HTTP Accept-Language header prefers (RFC 9110 12.5.4:
 * "fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5"): of the ranges that name en or
 * fr, the one of highest weight (the first of equal weights); a weight 0
 * refuses.  0 and *lang set, or -1 when none names either (NULL, "",
 * "de", "*"), leaving *lang alone. */
int cn_lang_accept(const char *header, enum cn_lang *lang);

/* The text of msg in lang, placeholders unfilled. */
const char *cn_msg(enum cn_lang lang, enum cn_msg msg);

/* The message whose key is key ("cli.help.show.summary"): 0 and *msg
 * set, or -1 when the catalogue has no such key.  For texts whose key is
 * made at run time (the CLI's help, keyed by command and option names);
 * a linear search, for text printed once. */
int cn_msg_find(const char *key, enum cn_msg *msg);

/* The text of msg in lang appended to b, each {name} replaced by the
 * value that follows name in the arguments: name, value pairs ended by
 * NULL (a NULL value prints as "").  A placeholder with no pair is
 * written as it stands, so a missing argument shows instead of vanishing;
 * the catalogue's check (both languages name the same placeholders)
 * keeps that from happening in French only. */
void cn_msg_put(struct cn_buf *b, enum cn_lang lang, enum cn_msg msg, ...)
	__attribute__((sentinel));
/* The same with the pairs in ap (a face's own printing function). */
void cn_msg_vput(struct cn_buf *b, enum cn_lang lang, enum cn_msg msg,
		 va_list ap);

#endif
