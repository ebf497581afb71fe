/*
 * util.c - how the `council` command shows things; see util.h.
 */
#include "util.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../core/event_type.h"
#include "../core/proposal_view.h"
#include "../core/timeutil.h"
#include "cli.h"

void cli_print_json(json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
					JSON_ENCODE_ANY);
	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
		free(s);
	}
	json_decref(v);
}

const char *cli_str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

const char *cli_or(const char *v, const char *dflt)
{
	return v && *v ? v : dflt;
}

/* ---- language ------------------------------------------------------------ */

/* One process speaks one language, chosen before any command runs. */
static enum cn_lang lang = CN_LANG_EN;

enum cn_lang cli_lang(void)
{
	return lang;
}

/* The first language of a LANGUAGE list ("fr:en", "de:fr") council has. */
static int from_list(const char *list, enum cn_lang *out)
{
	char one[32];

	while (list && *list) {
		size_t n = strcspn(list, ":");
		if (n < sizeof(one)) {
			memcpy(one, list, n);
			one[n] = '\0';
			if (cn_lang_parse(one, out) == 0)
				return 0;
		}
		list += n + (list[n] == ':');
	}
	return -1;
}

int cli_choose_lang(const char *opt)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	const char *locale = NULL;

	if (opt)
		return cn_lang_parse(opt, &lang) || strlen(opt) != 2 ? -1 : 0;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]) && !locale; i++)
		if (getenv(vars[i]) && *getenv(vars[i]))
			locale = getenv(vars[i]);
	/* gettext ignores LANGUAGE under the C locale. */
	if (locale && strcmp(locale, "C") && strcmp(locale, "POSIX") &&
	    strncmp(locale, "C.", 2) && from_list(getenv("LANGUAGE"), &lang) == 0)
		return 0;
	if (cn_lang_parse(locale, &lang))
		lang = CN_LANG_EN;
	return 0;
}

/* msg filled from the pairs of ap, malloc'd; NULL when out of memory. */
static char *filled(enum cn_msg msg, va_list ap)
{
	struct cn_buf b = CN_BUF_INIT;
	char *s;

	cn_msg_vput(&b, lang, msg, ap);
	return cn_buf_finish(&b, &s) == 0 ? s : NULL;
}

static void say_to(FILE *f, enum cn_msg msg, va_list ap)
{
	char *s = filled(msg, ap);

	if (s)
		fputs(s, f);
	free(s);
}

void cli_say(enum cn_msg msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	say_to(stdout, msg, ap);
	va_end(ap);
}

void cli_say_err(enum cn_msg msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	say_to(stderr, msg, ap);
	va_end(ap);
}

void cli_say_more(const char *option, const char *cursor)
{
	cli_say(CN_M_CLI_LIST_MORE, "option", option, "id", cursor,
		(char *)NULL);
	printf("\n");
}

void cli_page_end(const struct cli *c, json_t *items, const char *list,
		  json_t *next)
{
	if (c->json) {
		cli_print_json(json_pack("{s:I, s:o, s:o}", "count",
					 (json_int_t)json_array_size(items),
					 list, items, "next", next));
		return;
	}
	if (json_is_integer(next)) {
		char id[32];
		snprintf(id, sizeof(id), "%lld",
			 (long long)json_integer_value(next));
		cli_say_more("--after", id);
	}
	json_decref(next);
	json_decref(items);
}

/* "  label" padded to the 12 columns the values of `show` start at
 * (at least one space after a longer one). */
static void pad_label(const char *s)
{
	size_t w = cli_width(s);

	printf("  %s%*s", s, (int)(w < 12 ? 12 - w : 1), "");
}

void cli_label(enum cn_msg msg)
{
	pad_label(cn_msg(lang, msg));
}

/* A label with placeholders ("effect {n}"), filled, then padded. */
static void label_put(enum cn_msg msg, ...) __attribute__((sentinel));
static void label_put(enum cn_msg msg, ...)
{
	va_list ap;
	char *s;

	va_start(ap, msg);
	s = filled(msg, ap);
	va_end(ap);
	if (s)
		pad_label(s);
	free(s);
}

/* An integer member of a JSON object as text, in buf (24 bytes). */
static const char *int_text(const json_t *o, const char *key, char *buf)
{
	snprintf(buf, 24, "%lld",
		 (long long)json_integer_value(json_object_get(o, key)));
	return buf;
}

/* A word the table does not know is said as it is. */
const char *cli_position_word(const char *pos)
{
	static const struct {
		const char *word;
		enum cn_msg msg;
	} words[] = {
		{"concur", CN_M_CLI_POSITION_CONCUR},
		{"object", CN_M_CLI_POSITION_OBJECT},
		{"abstain", CN_M_CLI_POSITION_ABSTAIN},
		{"reserve", CN_M_CLI_POSITION_RESERVE},
		{"footnote", CN_M_CLI_POSITION_FOOTNOTE},
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(pos, words[i].word))
			return cn_msg(lang, words[i].msg);
	return pos;
}

const char *cli_actor_delegation(const char *member, char buf[CLI_ACTOR_MAX])
{
	/* A member code is two letters; a longer one is refused by the
	 * engine as unknown, so cutting it here loses nothing. */
	snprintf(buf, CLI_ACTOR_MAX, "delegation:%.8s", member);
	return buf;
}

/* ---- tables -------------------------------------------------------------- */

size_t cli_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	for (; *p; p++) {
		if ((*p & 0xC0) == 0x80)
			continue; /* a continuation byte */
		/* U+0300..U+036F, combining diacritics: CC 80..CD AF */
		if ((p[0] == 0xCC && p[1] >= 0x80) ||
		    (p[0] == 0xCD && p[1] >= 0x80 && p[1] <= 0xAF))
			continue;
		n++;
	}
	return n;
}

void cli_table_init(struct cli_table *t, const char *align,
		    const char *const *headers)
{
	memset(t, 0, sizeof(*t));
	t->ncols = (int)strlen(align);
	t->align = align;
	assert(t->ncols > 0 && t->ncols <= CLI_TABLE_MAXCOLS);
	cli_table_row(t, headers);
}

void cli_table_row(struct cli_table *t, const char *const *cells)
{
	if (t->failed)
		return;
	if ((t->nrows + 1) * (size_t)t->ncols > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : (size_t)t->ncols * 64;
		char **p = realloc(t->cells, cap * sizeof(*p));
		if (!p) {
			t->failed = 1;
			return;
		}
		t->cells = p;
		t->cap = cap;
	}
	char **row = t->cells + t->nrows * (size_t)t->ncols;
	for (int i = 0; i < t->ncols; i++)
		if (!(row[i] = strdup(cells[i] ? cells[i] : "")))
			t->failed = 1;
	t->nrows++;
}

int cli_table_print(struct cli_table *t, struct cn_err *err)
{
	size_t width[CLI_TABLE_MAXCOLS] = {0};
	size_t n = t->nrows * (size_t)t->ncols;
	int last = t->ncols - 1;

	for (size_t i = 0; i < n && !t->failed; i++) {
		size_t w = cli_width(t->cells[i]);
		if (w > width[i % (size_t)t->ncols])
			width[i % (size_t)t->ncols] = w;
	}
	for (size_t r = 0; r < t->nrows && !t->failed; r++) {
		char **row = t->cells + r * (size_t)t->ncols;
		/* No trailing blanks: stop after the last non-empty cell. */
		while (last > 0 && !*row[last])
			last--;
		for (int i = 0; i <= last; i++) {
			size_t pad = width[i] - cli_width(row[i]);
			if (i)
				fputs("  ", stdout);
			if (t->align[i] == 'r')
				printf("%*s%s", (int)pad, "", row[i]);
			else if (i == last)
				fputs(row[i], stdout);
			else
				printf("%s%*s", row[i], (int)pad, "");
		}
		last = t->ncols - 1;
		fputc('\n', stdout);
	}
	for (size_t i = 0; i < n && t->cells; i++)
		free(t->cells[i]);
	free(t->cells);
	int failed = t->failed;
	memset(t, 0, sizeof(*t));
	return failed ? cn_err_set(err, CN_ENOMEM, "out of memory") : 0;
}

/* ---- proposals ------------------------------------------------------------ */

void cli_print_proposal(const json_t *doc)
{
	const json_t *x;
	size_t i;

	char n[24];

	cli_say(CN_M_CLI_SHOW_PROPOSAL, "id", int_text(doc, "id", n), "title",
		cli_str(doc, "title"), (char *)NULL);
	printf("\n");
	cli_label(CN_M_CLI_SHOW_BODY);
	printf("%s (%s)\n", cli_str(doc, "body_name"), cli_str(doc, "body"));
	cli_label(CN_M_CLI_SHOW_PROCEDURE);
	cli_say(CN_M_CLI_SHOW_PROCEDURE_VALUE, "procedure",
		cli_str(doc, "procedure"), "rule", cli_str(doc, "rule"),
		(char *)NULL);
	printf("\n");
	if (json_object_get(doc, "level")) {
		cli_label(CN_M_CLI_SHOW_MEETING);
		printf("%s%s%s\n", cli_str(doc, "level"),
		       json_object_get(doc, "place") ? ", " : "",
		       cli_str(doc, "place"));
	}
	cli_label(CN_M_CLI_SHOW_OPENED);
	printf("%s\n", cli_str(doc, "opened"));
	if (json_is_string(json_object_get(doc, "deadline"))) {
		cli_label(CN_M_CLI_SHOW_DEADLINE);
		printf("%s\n", cli_str(doc, "deadline"));
	}
	if (*cli_str(doc, "text")) {
		label_put(CN_M_CLI_SHOW_TEXT, "rev",
			  int_text(doc, "revision", n), (char *)NULL);
		printf("%s\n", cli_str(doc, "text"));
	}
	if (!strcmp(cli_str(doc, "status"), "concluded")) {
		cli_label(CN_M_CLI_SHOW_OUTCOME);
		cli_say(CN_M_CLI_SHOW_OUTCOME_VALUE, "explanation",
			cli_str(doc, "explanation"), "at",
			cli_str(doc, "concluded"), (char *)NULL);
	} else {
		cli_label(CN_M_CLI_SHOW_STATUS);
		cli_say(CN_M_CLI_SHOW_STATUS_VALUE, "explanation",
			cli_str(doc, "explanation"), (char *)NULL);
	}
	printf("\n");
	cli_label(CN_M_CLI_SHOW_ELECTORATE);
	cli_say(CN_M_CLI_SHOW_ELECTORATE_VALUE, "n",
		int_text(doc, "electorate_size", n), (char *)NULL);
	json_array_foreach(json_object_get(doc, "electorate"), i, x)
		printf(" %s", json_string_value(x));
	printf("\n");
	json_array_foreach(json_object_get(doc, "positions"), i, x) {
		const char *text = json_string_value(json_object_get(x, "text"));
		const char *pos = cli_position_word(cli_str(x, "position"));
		if (!strcmp(cli_str(x, "position"), "silent"))
			continue;
		printf("    %-3s %s%*s %s%s%s%s\n", cli_str(x, "member"), pos,
		       (int)(cli_width(pos) < 9 ? 9 - cli_width(pos) : 0), "",
		       cli_str(x, "at"), text ? "  \"" : "", text ? text : "",
		       text ? "\"" : "");
	}
	if (json_array_size(json_object_get(doc, "outstanding"))) {
		printf("  %s", cn_msg(lang, CN_M_CLI_SHOW_OUTSTANDING));
		json_array_foreach(json_object_get(doc, "outstanding"), i, x)
			printf(" %s", json_string_value(x));
		printf("\n");
	}
	json_array_foreach(json_object_get(doc, "effects"), i, x) {
		snprintf(n, sizeof(n), "%zu", i + 1);
		label_put(CN_M_CLI_SHOW_EFFECT, "n", n, (char *)NULL);
		printf("%s", cli_str(x, "type"));
		if (json_object_get(x, "name"))
			printf(" %s", cli_str(x, "name"));
		if (json_object_get(x, "city"))
			printf(", %s (%s) %s N %s E", cli_str(x, "city"),
			       cli_str(x, "country"), cli_str(x, "lat"),
			       cli_str(x, "lon"));
		if (json_object_get(x, "code"))
			printf(" %s", cli_str(x, "code"));
		printf("\n");
		if (json_object_get(x, "treaty_area"))
			printf("              %s\n", cli_str(x, "treaty_area"));
	}
}

void cli_print_verdict(const json_t *doc)
{
	const char *deadline = json_string_value(json_object_get(doc, "deadline"));
	long long id = (long long)json_integer_value(json_object_get(doc, "id"));

	char n[24];

	snprintf(n, sizeof(n), "%lld", id);
	if (!strcmp(cli_str(doc, "status"), "concluded"))
		cli_say(CN_M_CLI_VERDICT_CONCLUDED, "id", n, "explanation",
			cli_str(doc, "explanation"), (char *)NULL);
	else if (!strcmp(cli_str(doc, "procedure"), "silence") &&
		 !strcmp(cli_str(doc, "verdict"), "adopted"))
		/* Not adopted yet: adopted at the deadline if nobody breaks
		 * silence first. */
		cli_say(CN_M_CLI_VERDICT_SILENCE_HOLDS, "id", n, "deadline",
			cli_or(deadline, cn_msg(lang, CN_M_CLI_VERDICT_NONE)),
			(char *)NULL);
	else
		cli_say(deadline ? CN_M_CLI_VERDICT_OPEN_DEADLINE
				 : CN_M_CLI_VERDICT_OPEN, "id", n, "explanation",
			cli_str(doc, "explanation"), "deadline", deadline,
			(char *)NULL);
	printf("\n");
}

void cli_print_after(const struct cn_world *w, int64_t id, int json)
{
	json_t *doc = cn_proposal_json(w, cn_world_proposal(w, id));

	if (json) {
		cli_print_json(doc);
		return;
	}
	cli_print_verdict(doc);
	json_decref(doc);
}

/* ---- events --------------------------------------------------------------- */

/* What one line says of a registry event: the record (the payload's
 * member `obj`, or the payload itself) and its fields to show, each
 * "field" or "label:field"; a field ending in '+' is a note key
 * ("FR-2026+1a2b3c4d+...") shown by its name only. */
static const struct {
	const char *obj;
	const char *fields[5];
} registry_line[CN_EV_COUNT] = {
	[CN_EV_ALLIANCE_FOUNDED] = {"alliance",
		{"id", "name", "treaty in force:treaty_in_force"}},
	[CN_EV_MEMBER_ADMITTED] = {"member",
		{"code", "name", "member from:accession", "until:exit"}},
	[CN_EV_PARTNER_ADDED] = {"partner",
		{"code", "name", "in:framework", "since:since", "status:status"}},
	[CN_EV_BODY_ESTABLISHED] = {"body",
		{"id", "name", "rule:rule", "established:established",
		 "dissolved:dissolved"}},
	[CN_EV_OFFICE_OPENED] = {"office",
		{"id", "city", "country", "opened:opened", "closed:closed"}},
	[CN_EV_OFFICE_CLOSED] = {NULL, {"office", "closed:closed"}},
	[CN_EV_KEY_REGISTERED] = {NULL, {"member", "key:vkey+"}},
	[CN_EV_BODY_AMENDED] = {NULL, {"body", "from:effective"}},
};

static void print_registry(enum cn_ev id, const json_t *payload)
{
	const json_t *rec = registry_line[id].obj
				    ? json_object_get(payload, registry_line[id].obj)
				    : payload;
	int any = 0;

	for (int i = 0; i < 5 && registry_line[id].fields[i]; i++) {
		const char *spec = registry_line[id].fields[i];
		const char *colon = strchr(spec, ':');
		const char *field = colon ? colon + 1 : spec;
		size_t flen = strcspn(field, "+");
		char key[32];
		snprintf(key, sizeof(key), "%.*s", (int)flen, field);
		const char *v = json_string_value(json_object_get(rec, key));
		if (!v || !*v)
			continue;
		/* "BE Belgium, member from 1949-08-24, until ..." */
		if (colon)
			printf("%s%.*s ", any ? ", " : " ", (int)(colon - spec), spec);
		else
			printf(" ");
		printf("%.*s", (int)(field[flen] == '+' ? strcspn(v, "+") : strlen(v)),
		       v);
		any = 1;
	}
}

static void print_proposal_event(const struct cn_event *ev)
{
	const json_t *pl = ev->payload;

	const json_t *m;
	size_t i;

	if (json_object_get(pl, "member"))
		printf(" %s", cli_str(pl, "member"));
	/* A joint letter breaking silence: who signed with the sender. */
	json_array_foreach(json_object_get(pl, "members"), i, m)
		if (i)
			printf("%s%s", i == 1 ? " with " : ", ", json_string_value(m));
	if (json_object_get(pl, "by"))
		printf(" taken up by proposal %lld",
		       (long long)json_integer_value(json_object_get(pl, "by")));
	if (json_object_get(pl, "supersedes"))
		printf(" supersedes proposal %lld",
		       (long long)json_integer_value(json_object_get(pl, "supersedes")));
	if (json_object_get(pl, "position"))
		printf(" %s", cli_str(pl, "position"));
	if (json_object_get(pl, "outcome"))
		printf(" %s", cli_str(pl, "explanation"));
	if (json_is_string(json_object_get(pl, "deadline")))
		printf(" deadline %s", cli_str(pl, "deadline"));
	if (json_is_string(json_object_get(pl, "reason")))
		printf(" \"%s\"", cli_str(pl, "reason"));
	else if (json_is_string(json_object_get(pl, "text")) &&
		 ev->et->id != CN_EV_PROPOSAL_CREATED)
		printf(" \"%s\"", cli_str(pl, "text"));
	else if (json_is_string(json_object_get(pl, "title")))
		printf(" \"%s\"", cli_str(pl, "title"));
}

void cli_print_event(const struct cn_event *ev)
{
	char t[CN_TIME_BUF];

	printf("  %s  #%-5lld %-20s %-16s", cn_time_format(ev->time, t),
	       (long long)ev->seq, ev->type, ev->actor);
	if (!ev->et)
		; /* a type this program does not know: its name says all */
	else if (registry_line[ev->et->id].fields[0])
		print_registry(ev->et->id, ev->payload);
	else
		print_proposal_event(ev);
	printf("\n");
}
