/*
 * manpage.c - council(1), written by `council help --man` from the same
 * tables as --help (main.c's commands, each command's options), so the
 * manual cannot drift from what is parsed.  meson.build runs the
 * installed binary at build time and installs the page it prints.
 *
 * The page: NAME, SYNOPSIS, DESCRIPTION, GLOBAL OPTIONS, then COMMANDS
 * with a subsection per command (its forms' synopses, its paragraph, its
 * options), ENVIRONMENT, FILES (the directories this binary was built to
 * read, paths.c), EXIT STATUS, SEE ALSO.  Text from the tables is escaped
 * for roff here and nowhere else (roff_text).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* s[0..n) as roff text: a backslash is \e, a minus is \- (which man-db
 * renders as the ASCII hyphen options are typed with), a slash may end a
 * line (\:, for long paths), and a line that would begin with a control
 * character is guarded by \&. */
static void roff_text(FILE *f, const char *s, size_t n, int line_start)
{
	for (size_t i = 0; i < n; i++) {
		if (line_start && (s[i] == '.' || s[i] == '\''))
			fputs("\\&", f);
		line_start = 0;
		if (s[i] == '\\')
			fputs("\\e", f);
		else if (s[i] == '-')
			fputs("\\-", f);
		else if (s[i] == '/')
			fputs("/\\:", f); /* a path may break after a slash */
		else
			fputc(s[i], f);
	}
}

static void roff_line(FILE *f, const char *s)
{
	roff_text(f, s, strlen(s), 1);
	fputc('\n', f);
}

/* A synopsis line: filled, but never broken inside "[--at TIME]" or
 * "--deadline TIME", and in "(--a | --b X)" only after a bar: the other
 * spaces inside brackets, and between an option and its argument, are
 * unbreakable. */
static void roff_synopsis(FILE *f, const char *s)
{
	int depth = 0;
	size_t n;

	for (const char *p = s; *p; p += n) {
		n = strcspn(p, " []()");
		roff_text(f, p, n, p == s);
		if (!p[n])
			break;
		int opt_arg = n > 2 && !strncmp(p, "--", 2) && p[n + 1] >= 'A' &&
			      p[n + 1] <= 'Z';
		int bar = n == 1 && *p == '|'; /* a group breaks after its bars */
		if (p[n] == ' ')
			fputs((depth && !bar) || opt_arg ? "\\ " : " ", f);
		else {
			depth += p[n] == '[' || p[n] == '(' ? 1 : -1;
			fputc(p[n], f);
		}
		n++;
	}
	fputc('\n', f);
}

/* A paragraph of help text, written for an 78-column terminal: its lines
 * are joined again and filled by roff, except lines indented by spaces
 * (examples, lists), which are kept as they are. */
static void roff_para(FILE *f, const char *text)
{
	int kept = 0;

	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		int indented = p[0] == ' ';
		if (indented != kept) {
			fputs(indented ? ".RS 2\n.nf\n" : ".fi\n.RE\n", f);
			kept = indented;
		}
		if (!indented)
			while (n && *p == ' ')
				p++, n--;
		if (n) {
			roff_text(f, p, n, 1);
			fputc('\n', f);
		}
		p += n + (p[n] == '\n');
	}
	if (kept)
		fputs(".fi\n.RE\n", f);
}

/* "--name ARG" as bold name, italic argument. */
static void roff_opt(FILE *f, const char *name, const char *arg)
{
	fputs("\\fB", f);
	roff_text(f, name, strlen(name), 0);
	fputs("\\fR", f);
	if (arg) {
		fputs(" \\fI", f);
		roff_text(f, arg, strlen(arg), 0);
		fputs("\\fR", f);
	}
	fputc('\n', f);
}

/* The forms an option is limited to, as " (issue, feed only)". */
static void roff_only(FILE *f, const struct cli_opt *o)
{
	if (!o->only)
		return;
	fputs(".br\n(", f);
	for (const char *p = o->only; *p;) {
		size_t n = strcspn(p, " ");
		if (n == 1 && *p == '-')
			fputs("the command alone", f);
		else
			roff_text(f, p, n, 0);
		p += n;
		p += strspn(p, " ");
		fputs(*p ? ", " : " only)\n", f);
	}
}

static int command_section(FILE *f, const struct cmd *k)
{
	char buf[128];

	fputs(".SS \"council ", f);
	roff_text(f, k->name, strlen(k->name), 0);
	fputs("\"\n", f);
	for (const struct cli_form *fm = k->forms; fm->nargs >= 0; fm++) {
		char *syn = cli_synopsis(k, fm);
		if (!syn)
			return -1;
		/* The synopsis filled, without justification, each form its
		 * own paragraph; its help beside it on the next line. */
		fputs(".PP\n.ad l\n", f);
		roff_synopsis(f, syn);
		free(syn);
		if (fm->help) {
			fputs(".br\n", f);
			roff_line(f, fm->help);
		}
		fputs(".ad\n", f);
	}
	fputs(".PP\n", f);
	roff_line(f, k->summary);
	if (k->about) {
		fputs(".PP\n", f);
		roff_para(f, k->about);
	}
	for (const struct cli_opt *o = k->opts; o && o->name; o++) {
		fputs(".TP\n", f);
		snprintf(buf, sizeof(buf), "--%s", o->name);
		roff_opt(f, buf, o->arg);
		roff_para(f, o->help);
		roff_only(f, o);
	}
	return 0;
}

/* What the page says beyond the tables: the environment every command
 * reads, and the files. */
static const char *const environment[][2] = {
	{"COUNCIL_DB", "the store when --db is not given (default ./council.db)"},
	{"COUNCIL_DATASET", "the dataset init and replay seed a store with when\n"
			    "--dataset is not given (default nato.json of the\n"
			    "datasets' directory)"},
	{"COUNCIL_DATADIR", "the datasets' directory (default: see FILES)"},
	{"COUNCIL_WEB", "the web page's directory for serve when --web is not\n"
			"given (default: see FILES); empty: the API alone"},
	{"COUNCIL_KEY", "the log's signing key of a PostgreSQL store (default\n"
			"${XDG_CONFIG_HOME:-$HOME/.config}/council/STORE_ID.key);\n"
			"a SQLite store's key is STORE.key beside it"},
	{"COUNCIL_SMTP_USER", "serve --smtp's user, with COUNCIL_SMTP_PASSWORD, when\n"
			      "--smtp-auth is not given (sent only over TLS)"},
	{"COUNCIL_SMTP_PASSWORD", "that user's password"},
	{"TMPDIR", "where verify keeps the concluded proposals of the log it\n"
		   "replays, in a file removed as soon as it is made (default\n"
		   "/tmp): its memory does not grow with the log"},
};

int cli_man(FILE *f)
{
	fprintf(f, ".\\\" council(1), written by `council help --man` from the "
		   "command tables: do not edit.\n"
		   ".TH COUNCIL 1 \"\" \"council %s\" \"User Commands\"\n"
		   /* Options must not be hyphenated where a line breaks. */
		   ".nh\n",
		cli_version);
	fputs(".SH NAME\n"
	      "council \\- a decision engine for bodies that decide by consensus,\n"
	      "unanimity or weighted majority\n"
	      ".SH SYNOPSIS\n"
	      ".B council\n"
	      "[\\fB\\-\\-db\\fR \\fISTORE\\fR] \\fICOMMAND\\fR [\\fIoptions\\fR]\n"
	      ".br\n"
	      ".B council help\n"
	      "[\\fICOMMAND\\fR]\n"
	      ".br\n"
	      ".B council \\-\\-version\n"
	      ".SH DESCRIPTION\n"
	      "council records the proposals, positions and decisions of a body\n"
	      "(first model: NATO's North Atlantic Council) in a Merkle-logged\n"
	      "event store, a SQLite file or a PostgreSQL database, and serves\n"
	      "them over an HTTP/JSON API with a web page.\n"
	      ".PP\n"
	      "\\fBcouncil \\-\\-version\\fR prints the version and the\n"
	      "directories of the datasets and the web page.\n"
	      ".SH GLOBAL OPTIONS\n"
	      "Every command takes these, before or after its name.\n", f);
	for (int i = 0; i < CLI_NCOMMON; i++) {
		const char *sp = strchr(cli_common_help[i][0], ' ');
		char name[64];
		snprintf(name, sizeof(name), "%.*s",
			 (int)(sp ? sp - cli_common_help[i][0]
				  : (long)strlen(cli_common_help[i][0])),
			 cli_common_help[i][0]);
		fputs(".TP\n", f);
		roff_opt(f, name, sp ? sp + 1 : NULL);
		roff_para(f, cli_common_help[i][1]);
	}
	fputs(".SH COMMANDS\n", f);
	for (const struct cmd *k = cli_commands; k->name; k++)
		if (command_section(f, k))
			return -1;
	fputs(".SH ENVIRONMENT\n", f);
	for (size_t i = 0; i < sizeof(environment) / sizeof(environment[0]); i++) {
		fprintf(f, ".TP\n.B %s\n", environment[i][0]);
		roff_para(f, environment[i][1]);
	}
	fputs(".SH FILES\n.TP\n", f);
	roff_line(f, cli_datadir());
	fputs("the datasets (nato.json, eu\\-council.json, osce.json, unsc.json)\n"
	      ".TP\n", f);
	roff_line(f, cli_webdir());
	fputs("the web page council serve serves\n"
	      ".TP\n.I STORE.key\n"
	      "the log's signing key of a SQLite store, mode 0600\n"
	      ".SH EXIT STATUS\n"
	      "0 success; 1 the input was refused or invalid, and nothing was\n"
	      "changed; 2 a usage error.\n"
	      ".SH SEE ALSO\n"
	      "The API is described by docs/api.yaml, deployment by docs/DEPLOY.md\n"
	      "of the source.\n", f);
	return ferror(f) ? -1 : 0;
}
