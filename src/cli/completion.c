/*
 * completion.c - bash completion for council, written by `council help
 * --completion bash` from the same tables as --help (main.c's commands
 * and forms, each command's options), so what is offered is what is
 * parsed.  meson.build installs its output as
 * share/bash-completion/completions/council.
 *
 * The script is a fixed function (_council, below) and the tables as bash
 * case statements: per command its subcommand words and its options that
 * take a value; per form (command and subcommand) the options that apply
 * to it and whether its argument is a file.  An option's value is
 * completed as a file when its argument's name says it is one
 * (file_args), as the word itself when that name is a literal word
 * (`--role secretariat`), else not at all.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Argument names whose value is a path (or may be: KEY and NOTE take the
 * text or a file holding it; SRC and DST a store, which may be a file). */
static const char *const file_args[] = {"FILE", "F", "DIR", "KEY", "NOTE",
					"SRC", "DST"};

static int is_file_arg(const char *arg)
{
	for (size_t i = 0; arg && i < sizeof(file_args) / sizeof(file_args[0]); i++)
		if (!strcmp(arg, file_args[i]))
			return 1;
	return 0;
}

/* An argument named by a lowercase word is that word (`--role
 * secretariat`); by words between bars, one of them (`--lang en|fr`). */
static int is_literal_arg(const char *arg)
{
	if (!arg || !*arg || *arg == '|')
		return 0;
	for (const char *p = arg; *p; p++)
		if (!islower((unsigned char)*p) &&
		    !(*p == '|' && p[1] && p[1] != '|'))
			return 0;
	return 1;
}

/* The fixed part: which command and form the line is in, then what to
 * offer.  Options before the command: --db STORE, --help, --version. */
static const char script[] =
	"_council()\n"
	"{\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev='' cmd='' sub='' i w\n"
	"\tlocal subs='' vals='' files='' lits='' opts='' posfile=0\n"
	"\tlocal IFS=$' \\t\\n'\n"
	"\tCOMPREPLY=()\n"
	"\t[ \"$COMP_CWORD\" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	"\t# the command: the first word that is neither an option nor --db's value\n"
	"\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	"\t\tw=${COMP_WORDS[i]}\n"
	"\t\tif [ -n \"$cmd\" ]; then break; fi\n"
	"\t\tcase $w in\n"
	"\t\t--db) ((i++)) ;;\n"
	"\t\t-*) ;;\n"
	"\t\t*) cmd=$w ;;\n"
	"\t\tesac\n"
	"\tdone\n"
	"\tif [ \"$prev\" = --db ]; then\n"
	"\t\t_council_files \"$cur\"\n"
	"\t\treturn 0\n"
	"\tfi\n"
	"\tif [ -z \"$cmd\" ]; then\n"
	"\t\tcase $cur in\n"
	"\t\t-*) COMPREPLY=($(compgen -W '--db --help --version' -- \"$cur\")) ;;\n"
	"\t\t*) COMPREPLY=($(compgen -W \"$_council_commands help\" -- \"$cur\")) ;;\n"
	"\t\tesac\n"
	"\t\treturn 0\n"
	"\tfi\n"
	"\tif [ \"$cmd\" = help ]; then\n"
	"\t\t[ \"$prev\" = help ] && COMPREPLY=($(compgen -W \"$_council_commands\" -- \"$cur\"))\n"
	"\t\treturn 0\n"
	"\tfi\n"
	"\t_council_command \"$cmd\" || return 0\n"
	"\t# the subcommand: the first word after the command that is neither\n"
	"\t# an option nor an option's value\n"
	"\tfor ((; i < COMP_CWORD; i++)); do\n"
	"\t\tw=${COMP_WORDS[i]}\n"
	"\t\tcase \" $vals --db \" in\n"
	"\t\t*\" $w \"*) ((i++)); continue ;;\n"
	"\t\tesac\n"
	"\t\tcase $w in\n"
	"\t\t-*) ;;\n"
	"\t\t*) sub=$w; break ;;\n"
	"\t\tesac\n"
	"\tdone\n"
	"\tcase \" $subs \" in\n"
	"\t*\" $sub \"*) ;;\n"
	"\t*) sub='' ;;\n"
	"\tesac\n"
	"\tcase \" $vals \" in\n"
	"\t*\" $prev \"*)\n"
	"\t\tcase \" $files \" in\n"
	"\t\t*\" $prev \"*) _council_files \"$cur\"; return 0 ;;\n"
	"\t\tesac\n"
	"\t\tfor w in $lits; do\n"
	"\t\t\t[ \"${w%%=*}\" = \"$prev\" ] && w=${w#*=} && COMPREPLY=($(compgen -W \"${w//,/ }\" -- \"$cur\"))\n"
	"\t\tdone\n"
	"\t\treturn 0 ;;\n"
	"\tesac\n"
	"\t_council_form \"$cmd/$sub\"\n"
	"\tcase $cur in\n"
	"\t-*) COMPREPLY=($(compgen -W \"$opts --db --help\" -- \"$cur\")) ;;\n"
	"\t*)\n"
	"\t\tif [ -n \"$subs\" ] && [ -z \"$sub\" ]; then\n"
	"\t\t\tCOMPREPLY=($(compgen -W \"$subs\" -- \"$cur\"))\n"
	"\t\telif [ \"$posfile\" = 1 ]; then\n"
	"\t\t\t_council_files \"$cur\"\n"
	"\t\tfi ;;\n"
	"\tesac\n"
	"\treturn 0\n"
	"}\n"
	"\n"
	"# Paths, one a line, so that names with spaces stay whole.\n"
	"_council_files()\n"
	"{\n"
	"\tlocal IFS=$'\\n'\n"
	"\tCOMPREPLY=($(compgen -f -- \"$1\"))\n"
	"\tcompopt -o filenames 2>/dev/null\n"
	"\treturn 0\n"
	"}\n"
	"\n";

/* "--a --b" of the options of k that apply to form fm (every option when
 * fm is NULL), those that take a value when vals is set. */
static void opt_words(FILE *f, const struct cmd *k, const struct cli_form *fm,
		      int which)
{
	int first = 1;

	for (const struct cli_opt *o = k->opts; o && o->name; o++) {
		if ((fm && !cli_opt_applies(o, fm)) ||
		    (which == 1 && !o->arg) || (which == 2 && !is_file_arg(o->arg)))
			continue;
		fprintf(f, "%s--%s", first ? "" : " ", o->name);
		first = 0;
	}
}

/* One command's case: its subcommands, its options taking a value (those
 * whose value is a file; those whose value is a word). */
static void command_case(FILE *f, const struct cmd *k)
{
	int first = 1;

	fprintf(f, "\t%s)\n\t\tsubs='", k->name);
	for (const struct cli_form *fm = k->forms; fm->nargs >= 0; fm++)
		if (fm->sub) {
			fprintf(f, "%s%s", first ? "" : " ", fm->sub);
			first = 0;
		}
	fputs("'\n\t\tvals='", f);
	opt_words(f, k, NULL, 1);
	fputs("'\n\t\tfiles='", f);
	opt_words(f, k, NULL, 2);
	fputs("'\n\t\tlits='", f);
	first = 1;
	for (const struct cli_opt *o = k->opts; o && o->name; o++)
		if (is_literal_arg(o->arg)) {
			/* "en|fr" as "en,fr": a bar would end the case. */
			fprintf(f, "%s--%s=", first ? "" : " ", o->name);
			for (const char *p = o->arg; *p; p++)
				fputc(*p == '|' ? ',' : *p, f);
			first = 0;
		}
	fputs("' ;;\n", f);
}

/* One form's case, "cmd/sub" ("cmd/" for the command alone). */
static void form_case(FILE *f, const struct cmd *k, const struct cli_form *fm)
{
	fprintf(f, "\t%s/%s) opts='", k->name, fm->sub ? fm->sub : "");
	opt_words(f, k, fm, 0);
	fprintf(f, "'; posfile=%d ;;\n",
		fm->args && !strcmp(fm->args, "FILE") ? 1 : 0);
}

int cli_completion_bash(FILE *f)
{
	fputs("# bash completion for council(1), written by `council help "
	      "--completion bash`\n# from the command tables: do not edit.\n\n", f);
	fputs("_council_commands='", f);
	for (const struct cmd *k = cli_commands; k->name; k++)
		fprintf(f, "%s%s", k == cli_commands ? "" : " ", k->name);
	fputs("'\n\n", f);
	fputs("# _council_command CMD: its subcommands (subs), the options that "
	      "take a\n# value (vals), a file (files), a literal word (lits: "
	      "--opt=word)\n_council_command()\n{\n\tcase $1 in\n", f);
	for (const struct cmd *k = cli_commands; k->name; k++)
		command_case(f, k);
	fputs("\t*) return 1 ;;\n\tesac\n}\n\n", f);
	/* A command whose forms all have subcommand words, before one is
	 * typed: every option it has. */
	fputs("# _council_form CMD/SUB: the options of that form (opts), whether "
	      "its\n# argument is a file (posfile)\n_council_form()\n{\n"
	      "\tcase $1 in\n", f);
	for (const struct cmd *k = cli_commands; k->name; k++) {
		int bare = 0;
		for (const struct cli_form *fm = k->forms; fm->nargs >= 0; fm++) {
			form_case(f, k, fm);
			bare |= !fm->sub;
		}
		if (!bare) {
			fprintf(f, "\t%s/) opts='", k->name);
			opt_words(f, k, NULL, 0);
			fputs("' ;;\n", f);
		}
	}
	fputs("\tesac\n}\n\n", f);
	fputs(script, f);
	fputs("complete -F _council council\n", f);
	return ferror(f) ? -1 : 0;
}
