/*
 * options.c - a command's arguments, read against its tables (cli.h):
 * parsing argv, and the usage and --help text printed from the same
 * tables, so the two cannot disagree.  Also the small argument readers
 * every command uses (ids, numbers, text-or-file, lists of codes).
 *
 * Rules the parser enforces for every command: an option it does not
 * list is a usage error; a single-value option given twice is a usage
 * error naming it; an option of another form of the command (`log key
 * --size 3`) is a usage error; required options and "exactly one of"
 * groups are checked; --at and the like are parsed as times, naming the
 * option that was wrong.  --db and --help are common to every command.
 *
 * --help speaks the command's language (cli_lang): the tables hold the
 * English, which the man page prints as it stands; in French each text
 * is the catalogue's under a key made from the names, cli.help.CMD.summary,
 * .about, .form.SUB (.form.main for the form without a word), .opt.NAME
 * (else cli.help.opt.NAME, the text several commands share), and
 * cli.help.common.db / .help; po/en.po holds the tables' English under
 * the same keys (tests/cli/test_i18n.sh checks that they agree, and that
 * nothing is left English in French).
 */
#include <assert.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/i18n.h"
#include "../core/timeutil.h"
#include "cli.h"
#include "util.h"

/* The help column starts at least here (the widest "--name ARG" + 2
 * otherwise); synopsis lines wrap before this width. */
#define HELP_COL 16
#define WRAP 78

const char *const cli_common_help[CLI_NCOMMON][2] = {
	{"--db STORE", "the store: a SQLite file (default $COUNCIL_DB or\n"
		       "./council.db) or a PostgreSQL connection string"},
	{"--help", "print the command's help and exit"},
};

static int nopts(const struct cli_opt *o)
{
	int n = 0;
	while (o && o[n].name)
		n++;
	return n;
}

int cli_opt_applies(const struct cli_opt *o, const struct cli_form *f)
{
	const char *want = f->sub ? f->sub : "-";
	size_t n = strlen(want);

	if (!o->only)
		return 1;
	for (const char *p = o->only; *p;) {
		size_t len = strcspn(p, " ");
		if (len == n && !strncmp(p, want, n))
			return 1;
		p += len;
		p += strspn(p, " ");
	}
	return 0;
}

const char *cli_opt_text(const struct cli_opt *o, char *buf, size_t n)
{
	snprintf(buf, n, "--%s%s%s", o->name, o->arg ? " " : "",
		 o->arg ? o->arg : "");
	return buf;
}

/* ---- usage and help ------------------------------------------------------ */

/* The text `english` of a table in the command's language: itself in
 * English, else the catalogue's text of the key the arguments print
 * (a '-' of an option's name read as '_'), else of the fallback key
 * (NULL: none), else `english` (a key the catalogue lacks, which
 * test_i18n.sh reports). */
static const char *help_text(const char *english, const char *fallback,
			     const char *fmt, ...) CN_PRINTF(3, 4);
static const char *help_text(const char *english, const char *fallback,
			     const char *fmt, ...)
{
	char key[128];
	enum cn_msg m;
	va_list ap;

	if (cli_lang() == CN_LANG_EN)
		return english;
	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	for (char *p = key; *p; p++)
		if (*p == '-')
			*p = '_';
	if (cn_msg_find(key, &m) == 0 ||
	    (fallback && cn_msg_find(fallback, &m) == 0))
		return cn_msg(cli_lang(), m);
	return english;
}

const char *cli_summary_text(const struct cmd *k)
{
	return help_text(k->summary, NULL, "cli.help.%s.summary", k->name);
}

/* Columns a UTF-8 text takes (one per character: no wide ones here). */
static size_t columns(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Appends words to a synopsis line, wrapping under its first word. */
struct line {
	FILE *f;
	size_t col, indent;
};

static void word(struct line *l, const char *w)
{
	size_t n = strlen(w);
	if (l->col + 1 + n > WRAP && l->col > l->indent) {
		fprintf(l->f, "\n%*s", (int)l->indent, "");
		l->col = l->indent;
	} else {
		fputc(' ', l->f);
		l->col++;
	}
	fputs(w, l->f);
	l->col += n;
}

/* "council log proof INDEX [--size N]", starting at column col; wrapped
 * under its first argument when wrap is set. */
static void synopsis(const struct cmd *k, const struct cli_form *f, FILE *out,
		     size_t col, int wrap)
{
	size_t start = col + strlen("council ") + strlen(k->name);
	struct line l = {out, start, wrap ? start + 1 : SIZE_MAX / 2};
	char buf[128], word_buf[160];
	int grouped = 0;

	fprintf(out, "council %s", k->name);
	if (f->sub)
		word(&l, f->sub);
	if (f->args && *f->args)
		word(&l, f->args);
	for (const struct cli_opt *o = k->opts; o && o->name; o++) {
		if (!cli_opt_applies(o, f))
			continue;
		cli_opt_text(o, buf, sizeof(buf));
		if (!(o->flags & CLI_OPT_ONE_OF)) {
			if (o->flags & CLI_OPT_REQUIRED)
				snprintf(word_buf, sizeof(word_buf), "%s", buf);
			else
				snprintf(word_buf, sizeof(word_buf), "[%s]%s", buf,
					 (o->flags & CLI_OPT_LIST) ? "..." : "");
			word(&l, word_buf);
			continue;
		}
		/* "(--a | --b X | --c)", written where its first member is;
		 * each member is one word so that a wrap keeps "--b X"
		 * together. */
		if (grouped++)
			continue;
		const struct cli_opt *last = NULL;
		for (const struct cli_opt *g = o; g->name; g++)
			if ((g->flags & CLI_OPT_ONE_OF) && cli_opt_applies(g, f))
				last = g;
		for (const struct cli_opt *g = o; g <= last; g++) {
			if (!(g->flags & CLI_OPT_ONE_OF) || !cli_opt_applies(g, f))
				continue;
			snprintf(word_buf, sizeof(word_buf), "%s%s%s%s",
				 g == o ? "(" : "", cli_opt_text(g, buf, sizeof(buf)),
				 (g->flags & CLI_OPT_LIST) ? "..." : "",
				 g == last ? ")" : " |");
			word(&l, word_buf);
		}
	}
	fputc('\n', out);
}

char *cli_synopsis(const struct cmd *k, const struct cli_form *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		return NULL;
	synopsis(k, f, m, 0, 0);
	if (fclose(m)) {
		free(text);
		return NULL;
	}
	text[strcspn(text, "\n")] = '\0';
	return text;
}

/* "  --name ARG  help", each further line of help under its first: the
 * table's lines as they are (English, wrapped by hand for its column),
 * or, for a translation (reflow), its words filled up to WRAP columns,
 * since the column where the help starts depends on the command. */
static void help_item(FILE *f, const char *opt, const char *help, size_t w,
		      int reflow)
{
	size_t col = w;

	fprintf(f, "  %-*s", (int)w - 2, opt);
	if (!reflow) {
		for (const char *h = help; *h;) {
			size_t n = strcspn(h, "\n");
			fprintf(f, "%.*s\n", (int)n, h);
			h += n;
			if (*h == '\n' && *++h)
				fprintf(f, "%*s", (int)w, "");
		}
		return;
	}
	for (const char *h = help + strspn(help, " \n"); *h;) {
		size_t n = strcspn(h, " \n"), cols = 0;

		for (size_t i = 0; i < n; i++)
			cols += ((unsigned char)h[i] & 0xC0) != 0x80;
		if (col > w && col + 1 + cols > WRAP) {
			fprintf(f, "\n%*s", (int)w, "");
			col = w;
		} else if (col > w) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)n, h);
		col += cols;
		h += n;
		h += strspn(h, " \n");
	}
	fputc('\n', f);
}

void cli_help(const struct cmd *k, FILE *f)
{
	const struct cli_form *fm;
	size_t w = HELP_COL, syn = 0;
	char buf[128];

	/* A form with a help line is short: its synopsis on one line, the
	 * help beside it, aligned with the others'. */
	for (fm = k->forms; fm->nargs >= 0; fm++) {
		char *line = fm->help ? cli_synopsis(k, fm) : NULL;
		if (line && strlen(line) > syn)
			syn = strlen(line);
		free(line);
	}
	const char *usage = cn_msg(cli_lang(), CN_M_CLI_HELP_USAGE_WORD);
	size_t ucol = columns(usage) + 1;

	for (fm = k->forms; fm->nargs >= 0; fm++) {
		char *line = fm->help ? cli_synopsis(k, fm) : NULL;
		if (fm == k->forms)
			fprintf(f, "%s ", usage);
		else
			fprintf(f, "%*s", (int)ucol, "");
		if (line)
			fprintf(f, "%-*s  %s\n", (int)syn, line,
				help_text(fm->help, NULL, "cli.help.%s.form.%s",
					  k->name, fm->sub ? fm->sub : "main"));
		else
			synopsis(k, fm, f, ucol, 1);
		free(line);
	}
	if (k->about) {
		/* the catalogue's paragraph lacks the table's last newline
		 * (msgfmt --check wants msgid and msgstr to agree on it) */
		const char *a = help_text(k->about, NULL, "cli.help.%s.about",
					  k->name);
		fputs(a, f);
		if (*a && a[strlen(a) - 1] != '\n')
			fputc('\n', f);
	}
	for (const struct cli_opt *o = k->opts; o && o->name; o++)
		if (strlen(cli_opt_text(o, buf, sizeof(buf))) + 4 > w)
			w = strlen(buf) + 4;
	for (const struct cli_opt *o = k->opts; o && o->name; o++) {
		char shared[96];

		snprintf(shared, sizeof(shared), "cli.help.opt.%s", o->name);
		for (char *p = shared; *p; p++)
			if (*p == '-')
				*p = '_';
		help_item(f, cli_opt_text(o, buf, sizeof(buf)),
			  help_text(o->help, shared, "cli.help.%s.opt.%s",
				    k->name, o->name), w,
			  cli_lang() != CN_LANG_EN);
	}
	for (size_t i = 0; i < CLI_NCOMMON; i++)
		help_item(f, cli_common_help[i][0],
			  help_text(cli_common_help[i][1], NULL,
				    "cli.help.common.%.*s",
				    (int)strcspn(cli_common_help[i][0] + 2, " "),
				    cli_common_help[i][0] + 2),
			  w, cli_lang() != CN_LANG_EN);
}

/* ---- parsing ------------------------------------------------------------- */

int cli_usage(const struct cli *c, const char *fmt, ...)
{
	const char *name = c->cmd ? c->cmd->name : NULL;
	va_list ap;

	fprintf(stderr, "council%s%s: ", name ? " " : "", name ? name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (name)
		fprintf(stderr, "\n(see 'council %s --help')\n", name);
	else
		fputc('\n', stderr);
	return EXIT_USAGE;
}

/* The form a subcommand word names, or NULL. */
static const struct cli_form *find_form(const struct cmd *k, const char *sub)
{
	for (const struct cli_form *f = k->forms; f->nargs >= 0; f++)
		if (sub ? f->sub && !strcmp(f->sub, sub) : !f->sub)
			return f;
	return NULL;
}

/* A proposal or token id, an event number: a plain positive integer
 * (digits only, no sign, no space, no leading zero). */
static int plain_id(const struct cli *c, const char *s, const char *what,
		    int64_t *id)
{
	const char *p = s;

	while (*p >= '0' && *p <= '9')
		p++;
	if (!*s || *p || *s == '0')
		return cli_usage(c, "%s: '%s' is not a plain positive integer",
				 what, s);
	return cli_number(c, s, what, 1, INT64_MAX, id);
}

/* "issue, list, revoke" */
static void sub_list(const struct cmd *k, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	for (const struct cli_form *f = k->forms; f->nargs >= 0 && len < n; f++)
		if (f->sub)
			len += (size_t)snprintf(buf + len, n - len, "%s%s",
						len ? ", " : "", f->sub);
}

/* Pick the form from the first positional argument. */
static int choose_form(struct cli *c, struct cli_args *a, const char **pos,
		       int np)
{
	const struct cmd *k = c->cmd;
	const struct cli_form *f = np ? find_form(k, pos[0]) : NULL;
	const struct cli_form *bare = find_form(k, NULL);
	char subs[256];
	int skip = f != NULL;

	sub_list(k, subs, sizeof(subs));
	if (!f && !bare)
		return np ? cli_usage(c, "'%s' is not a %s subcommand (%s)", pos[0],
				      k->name, subs)
			  : cli_usage(c, "which one? %s", subs);
	if (!f) {
		f = bare;
		if (np && f->nargs == 0 && *subs)
			return cli_usage(c, "'%s' is not a %s subcommand (%s)",
					 pos[0], k->name, subs);
	}
	if (np - skip > f->nargs)
		return cli_usage(c, "unexpected argument '%s'", pos[skip + f->nargs]);
	if (np - skip < f->nargs)
		return cli_usage(c, "missing %s: council %s%s%s %s", f->args, k->name,
				 f->sub ? " " : "", f->sub ? f->sub : "", f->args);
	a->form = f;
	for (int i = skip; i < np; i++)
		a->pos[a->npos++] = pos[i];
	return f->id ? plain_id(c, a->pos[0], f->id, &a->id) : 0;
}

/* After the arguments were read: what the chosen form demands. */
static int check_options(struct cli *c, struct cli_args *a)
{
	const struct cli_opt *opts = c->cmd->opts;
	char buf[128], list[512] = "";
	int ngroup = 0, given = 0;
	size_t len = 0;

	for (int i = 0; i < nopts(opts); i++) {
		const struct cli_opt *o = &opts[i];
		int has = a->val[i] || ((o->flags & CLI_OPT_LIST) && a->nlist);
		if (!cli_opt_applies(o, a->form)) {
			if (has)
				return cli_usage(c, "--%s does not apply to 'council %s%s%s'",
						 o->name, c->cmd->name,
						 a->form->sub ? " " : "",
						 a->form->sub ? a->form->sub : "");
			continue;
		}
		if ((o->flags & CLI_OPT_REQUIRED) && !has)
			return cli_usage(c, "--%s is required", o->name);
		if (o->flags & CLI_OPT_ONE_OF) {
			ngroup++;
			given += has;
			if (len < sizeof(list))
				len += (size_t)snprintf(list + len, sizeof(list) - len,
							"%s%s", len ? ", " : "",
							cli_opt_text(o, buf, sizeof(buf)));
		}
	}
	if (ngroup && given != 1)
		return cli_usage(c, "give exactly one of %s", list);
	for (int i = 0; i < nopts(opts); i++) {
		struct cn_err err = {0};
		int rc;
		if (!a->val[i])
			continue;
		snprintf(buf, sizeof(buf), "--%s", opts[i].name);
		if ((opts[i].flags & CLI_OPT_ID) &&
		    (rc = plain_id(c, a->val[i], buf, &a->num[i])))
			return rc;
		if (opts[i].flags & CLI_OPT_JSON)
			c->json = 1;
		if (opts[i].flags & CLI_OPT_AT) {
			if (cn_time_parse(a->val[i], buf, &c->now, &err)) {
				fprintf(stderr, "council %s: %s\n", c->cmd->name, err.msg);
				return EXIT_REFUSED;
			}
			c->at = a->val[i];
		}
	}
	return 0;
}

int cli_parse(struct cli *c, int argc, char **argv, struct cli_args *a)
{
	const struct cli_opt *opts = c->cmd->opts;
	const char *pos[CLI_MAX_POS + 1], *db = NULL;
	int np = 0, n = nopts(opts), options_end = 0;

	/* The tables' own limits (cli.h): one list option, few arguments. */
	assert(n <= CLI_MAX_OPTS);
#ifndef NDEBUG
	for (int i = 0, lists = 0; i < n; i++)
		assert(!(opts[i].flags & CLI_OPT_LIST) || ++lists == 1);
#endif
	for (const struct cli_form *f = c->cmd->forms; f->nargs >= 0; f++)
		assert(f->nargs <= CLI_MAX_POS);
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			cli_help(c->cmd, stdout);
			return CLI_HELP_SHOWN;
		}
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = NULL, *eq;
		char name[64];
		int k;

		if (options_end || arg[0] != '-' || arg[1] != '-' || !arg[2]) {
			if (!options_end && !strcmp(arg, "--")) {
				options_end = 1;
				continue;
			}
			if (np > CLI_MAX_POS)
				return cli_usage(c, "unexpected argument '%s'", arg);
			pos[np++] = arg;
			continue;
		}
		arg += 2;
		eq = strchr(arg, '=');
		if ((size_t)(eq ? eq - arg : (ptrdiff_t)strlen(arg)) >= sizeof(name))
			return cli_usage(c, "unknown option '--%.40s...'", arg);
		snprintf(name, sizeof(name), "%.*s",
			 (int)(eq ? eq - arg : (ptrdiff_t)strlen(arg)), arg);
		val = eq ? eq + 1 : NULL;
		for (k = 0; k < n && strcmp(opts[k].name, name); k++)
			;
		int is_db = k == n && !strcmp(name, "db");
		if (k == n && !is_db)
			return cli_usage(c, "unknown option '--%s'", name);
		int takes = is_db || opts[k].arg;
		if (takes && !val) {
			if (i + 1 >= argc)
				return cli_usage(c, "--%s needs a value", name);
			val = argv[++i];
		}
		if (!takes && val)
			return cli_usage(c, "--%s takes no value", name);
		if (is_db) {
			if (db)
				return cli_usage(c, "--db given twice ('%s', then "
						 "'%s'): give it once", db, val);
			db = val;
		} else if (opts[k].flags & CLI_OPT_LIST) {
			if (a->nlist >= opts[k].max || a->nlist >= CLI_MAX_LIST)
				return cli_usage(c, "too many --%s (at most %d)", name,
						 opts[k].max);
			a->list[a->nlist++] = val;
			a->val[k] = val;
		} else if (a->val[k]) {
			return takes ? cli_usage(c, "--%s given twice ('%s', then '%s'): "
						 "give it once", name, a->val[k], val)
				     : cli_usage(c, "--%s given twice", name);
		} else
			a->val[k] = takes ? val : opts[k].name;
	}
	if (db) {
		/* --db before the command and again after it must agree. */
		if (c->db_given && strcmp(c->db, db))
			return cli_usage(c, "--db given twice ('%s', then '%s'): "
					 "give it once", c->db, db);
		c->db = db;
		c->db_given = 1;
	}
	int rc = choose_form(c, a, pos, np);
	return rc ? rc : check_options(c, a);
}

/* ---- argument readers ---------------------------------------------------- */

int cli_number(const struct cli *c, const char *s, const char *what,
	       int64_t min, int64_t max, int64_t *out)
{
	int64_t v = 0;
	const char *p = s;

	for (; *p || p == s; p++) {
		/* v * 10 + d must not pass INT64_MAX: the bound is the
		 * digit's, so INT64_MAX itself is a number. */
		if (*p < '0' || *p > '9' || v > (INT64_MAX - (*p - '0')) / 10)
			return cli_usage(c, "%s: '%s' is not a number in %lld..%lld",
					 what, s, (long long)min, (long long)max);
		v = v * 10 + (*p - '0');
	}
	if (v < min || v > max)
		return cli_usage(c, "%s: '%s' is not a number in %lld..%lld", what, s,
				 (long long)min, (long long)max);
	*out = v;
	return 0;
}

int cli_page_by_id(const struct cli *c, const char *limit, const char *after,
		   int64_t *limit_out, int64_t *after_out)
{
	int rc = 0;

	*limit_out = CLI_PAGE_DEFAULT;
	*after_out = 0;
	if (limit)
		rc = cli_number(c, limit, "--limit", 1, CLI_PAGE_MAX, limit_out);
	if (rc == 0 && after)
		rc = cli_number(c, after, "--after", 0, INT64_MAX, after_out);
	return rc;
}

char *cli_text_or_file(const char *arg, int whole)
{
	FILE *f = fopen(arg, "r");
	char *buf;
	long n;

	if (!f)
		return strdup(arg);
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > 1 << 20 ||
	    fseek(f, 0, SEEK_SET) || !(buf = calloc(1, (size_t)n + 1))) {
		fclose(f);
		return NULL;
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	if (!whole)
		buf[strcspn(buf, "\r\n")] = '\0';
	return buf;
}

json_t *cli_code_list(const char *s)
{
	json_t *a;

	if (!s)
		return NULL;
	a = json_array();
	for (const char *p = s; a && *p;) {
		size_t n = strcspn(p, ",");
		if (n)
			json_array_append_new(a, json_stringn(p, n));
		p += n + (p[n] == ',');
	}
	return a;
}
