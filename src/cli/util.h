/*
 * util.h - how the `council` command shows things: JSON on stdout,
 * aligned tables with headers (widths counted in characters, not bytes, so
 * "Chișinău" and "Türkiye" line up), dates for display, a proposal, one
 * event as one line, a procedure's verdict (after a change too); and the
 * actor name a delegation's statements are recorded under; the language
 * the command speaks (English or French, core/i18n.h).
 *
 * Translated: the words of `show` (its labels and position words), the
 * verdict line after a change, the tables' headings (proposals, members,
 * partners, offices, bodies) and their words for an unknown date or the
 * treaty area, the proposals table's "more:" line.  Left English: --help and usage (options.c's tables), the
 * messages of core and the app (errors, explanations such as "blocked: FR
 * objects"), which the API returns to machines too, the event lines of
 * `log` and every --json output (the API's words).
 *
 * Ownership: the table copies every cell it is given and frees them in
 * cli_table_print; nothing else here keeps a pointer after returning.
 */
#ifndef CN_CLI_UTIL_H
#define CN_CLI_UTIL_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/err.h"
#include "../core/event.h"
#include "../core/i18n.h"
#include "../core/world.h"

struct cli;

/* Print a JSON value to stdout, indented, with a newline; takes the ref. */
void cli_print_json(json_t *v);

/* A string member of a JSON object, or "" (also for null or absent). */
const char *cli_str(const json_t *o, const char *key);
/* v, unless it is NULL or empty: then dflt ("unknown" for a date no
 * source gives). */
const char *cli_or(const char *v, const char *dflt);

/* Characters s takes on a terminal: UTF-8 code points, less combining
 * marks (U+0300..U+036F), which print on the character before them. */
size_t cli_width(const char *s);

/* A table: a header row, then rows, printed with each column as wide as
 * its widest cell and two spaces between columns.  align has one letter
 * per column: 'l' or 'r'.  The last left-aligned column is not padded. */
#define CLI_TABLE_MAXCOLS 8
struct cli_table {
	int ncols;
	const char *align;
	char **cells;         /* nrows * ncols, row 0 the header */
	size_t nrows, cap;
	int failed;           /* out of memory: print reports it */
};
void cli_table_init(struct cli_table *t, const char *align,
		    const char *const *headers);
/* Add a row of t->ncols cells (NULL prints as empty). */
void cli_table_row(struct cli_table *t, const char *const *cells);
/* Print to stdout and free the table.  Returns 0, or CN_ENOMEM when a row
 * could not be kept (then nothing is printed). */
int cli_table_print(struct cli_table *t, struct cn_err *err);

/* A proposal's view (cn_proposal_json) for people: show and replay. */
void cli_print_proposal(const json_t *doc);
/* One event on one line: time, number, type, actor, and what it did
 * ("BE Belgium, member from 1949-08-24"; "FR object ..."). */
void cli_print_event(const struct cn_event *ev);
/* "proposal N: ..." after a change: its outcome once concluded ("blocked:
 * FR objects"); while open, the running verdict said as such ("open;
 * so far pending: reservation by DE", "open: silence holds so far;
 * deadline ..."). */
void cli_print_verdict(const json_t *doc);
/* After a change to proposal id: the proposal's view (json), or its
 * verdict so far. */
void cli_print_after(const struct cn_world *w, int64_t id, int json);

/* The language the command speaks: chosen once by main.c (cli_choose_lang),
 * English until then. */
enum cn_lang cli_lang(void);
/* From --lang (opt, NULL when not given), else the environment as gettext
 * reads it: LANGUAGE (a colon-separated list, its first language council
 * has) unless the locale is C or POSIX, then LC_ALL, LC_MESSAGES, LANG
 * (the first set decides); English when none names en or fr.  -1 when opt
 * names neither (the caller reports the usage error), else 0. */
int cli_choose_lang(const char *opt);
/* The text of msg in the command's language, placeholders filled
 * (cn_msg_put's pairs, NULL-ended), printed to stdout. */
void cli_say(enum cn_msg msg, ...) __attribute__((sentinel));
/* The same to stderr: a verdict for people, such as a receipt that does
 * not verify (the reason in it, core's, stays English). */
void cli_say_err(enum cn_msg msg, ...) __attribute__((sentinel));
/* A page's last line when another page follows: "more: OPTION CURSOR"
 * (cli.list.more), the option that asks for it and its value. */
void cli_say_more(const char *option, const char *cursor);
/* The page of a list that reads from the store (proposals, tokens):
 * its default and largest size, as the API's. */
#define CLI_PAGE_DEFAULT 100
#define CLI_PAGE_MAX 1000
/* A page kept by id (people, webhooks), cut by cn_view_cut_by_id
 * (app/views.h), at its end: with --json, {count, LIST: items, next} printed
 * (taking both references); else "more: --after ID" when next is an id
 * (and both released). */
void cli_page_end(const struct cli *c, json_t *items, const char *list,
		  json_t *next);
/* "  label" padded to the column `show` prints its values at. */
void cli_label(enum cn_msg msg);
/* A position as `show` says it: the API's word ("concur") in English, its
 * French in French. */
const char *cli_position_word(const char *pos);

/* "delegation:FR" into buf: the actor of a delegation's statements. */
#define CLI_ACTOR_MAX 32
const char *cli_actor_delegation(const char *member, char buf[CLI_ACTOR_MAX]);

#endif
