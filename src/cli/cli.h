/*
 * cli.h - the `council` command: its command table, option tables and the
 * pieces the commands share.
 *
 * Modelled on git's builtins.  main.c holds one row per command: its name,
 * its function, what it needs before it runs (no store, the store
 * read-only, read-write, read-write with the log's signer) and its help.
 * Each command file holds the command's option table, and every option's
 * help line sits next to its name: options.c parses argv against that
 * table and prints usage and --help from it, so what is documented is
 * what is parsed.  main.c then opens the store as the row says and hands
 * it to the command, which never opens or closes it itself.
 *
 * Files: main.c (command table, dispatch), options.c (parsing, help,
 * argument readers), util.c (shared printing, util.h), cmd_read.c
 * (registry queries, show), cmd_proposals.c (proposals, search), cmd_log.c
 * (log), cmd_verify.c (verify), cmd_receipt.c (receipts), cmd_init.c
 * (init), cmd_replay.c (replay), cmd_propose.c (propose, body
 * add|amend), cmd_respond.c (respond, vote), cmd_secretariat.c (extend,
 * recirculate, conclude, withdraw, tick), cmd_key.c (keygen, key
 * register), cmd_serve.c (serve, token, routes), cmd_analyze.c (analyze
 * rule|proposal), cmd_migrate.c (migrate), cmd_person.c (person); aside.c (a SQLite store built
 * aside and renamed into place: init, migrate); paths.c (the version and
 * the directories of the datasets and the page: the one file built
 * differently for the build tree's binary and the installed one);
 * manpage.c and completion.c (`council help --man`, `--completion bash`:
 * council(1) and bash completion, written from the same tables as --help).
 * Commands depend on util.c and options.c, never on each other, except
 * respond on cmd_receipt.c's receipt writer.
 *
 * Exit status: 0 success; 1 the input was refused or invalid (message on
 * stderr) and nothing was changed; 2 usage error.
 */
#ifndef CN_CLI_H
#define CN_CLI_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "../app/app.h"

#define EXIT_REFUSED 1
#define EXIT_USAGE 2
/* Returned by cli_parse when it printed --help: main exits 0. */
#define CLI_HELP_SHOWN (-1)

/* What a command (or one form of it) needs before it runs. */
enum {
	/* No store, or one the command makes itself (init creates it,
	 * replay may use a private one); serve, which hands the path to
	 * the server, says CLI_SERVES.  A store is opened for a form with
	 * CLI_STORE_RO or CLI_STORE_RW. */
	CLI_NO_STORE = 0,
	CLI_STORE_RO = 1 << 0,  /* the store, opened read-only */
	CLI_STORE_RW = 1 << 1,  /* the store, opened read-write */
	/* Appends events: read-write, and the log's signing key (the
	 * store's .key file) signs the new checkpoint; main.c gives the app
	 * the clock, so no event is dated after it. */
	CLI_SIGNER = 1 << 2,
	/* A store that fails to open is the command's to report: it runs
	 * with no app and the error in cli.open_err (verify: a failed
	 * verification, in its --json form too). */
	CLI_OPEN_ERR_OWN = 1 << 3,
	/* Reads the registry and the stored views only: the store is
	 * opened without folding its log (cn_app_open_registry), so the
	 * command costs the same on a record of any length.  The world
	 * holds no proposal: proposals are read from the store. */
	CLI_VIEWS = 1 << 4,
	/* Reads the store alone (`show`, `log`): not even the registry is
	 * folded (cn_app_open_store); the world is empty. */
	CLI_STORE_ONLY = 1 << 5,
	/* Reads the whole record once, in order (`verify`): CN_STORE_SCAN. */
	CLI_SCAN = 1 << 6,
	/* Runs until stopped (`serve`): its heap keeps the allocator's
	 * 4 KiB pages (main.c, short_heap), its memory being counted. */
	CLI_SERVES = 1 << 7,
};

struct cli;
struct cli_args;
typedef int (*cli_run_fn)(struct cli *c, const struct cli_args *a,
			  struct cn_app *app);

/* One way of calling a command: `council log proof INDEX`. */
struct cli_form {
	const char *sub;      /* the subcommand word, or NULL: the command alone */
	const char *args;     /* its positional arguments, for the synopsis */
	int nargs;            /* how many positional arguments it takes */
	unsigned needs;       /* CLI_NO_STORE, or the flags above */
	const char *help;     /* one line beside the synopsis, or NULL */
	cli_run_fn run;       /* what runs it; NULL: the command's run */
	/* Its one positional argument is an id (cli_args.id), checked
	 * before any store is opened: what it names ("proposal id"). */
	const char *id;
};
#define CLI_FORM_END {.nargs = -1}

/* One option of a command's table. */
struct cli_opt {
	const char *name;     /* without the leading "--" */
	const char *arg;      /* its value's name in help ("CODE"); NULL: a switch */
	const char *help;     /* help text; each '\n' starts an indented line */
	unsigned flags;       /* CLI_OPT_* */
	int max;              /* CLI_OPT_LIST: at most this many */
	/* The forms it applies to: subcommand words separated by spaces,
	 * "-" for the command alone; NULL: every form. */
	const char *only;
};

enum {
	CLI_OPT_REQUIRED = 1 << 0, /* must be given */
	CLI_OPT_ONE_OF = 1 << 1,   /* exactly one of the options so marked */
	CLI_OPT_LIST = 1 << 2,     /* may be repeated, up to max */
	CLI_OPT_AT = 1 << 3,       /* a time: sets cli.now (--at, --now) */
	CLI_OPT_JSON = 1 << 4,     /* sets cli.json */
	CLI_OPT_NO_STORE = 1 << 5, /* given, the command opens no store */
	CLI_OPT_ID = 1 << 6,       /* an id or number: cli_args.num */
};

#define OPT_VAL(n, a, h) {.name = (n), .arg = (a), .help = (h)}
#define OPT_REQ(n, a, h) {.name = (n), .arg = (a), .help = (h), \
			  .flags = CLI_OPT_REQUIRED}
#define OPT_FLAG(n, h) {.name = (n), .help = (h)}
#define OPT_ONE(n, a, h) {.name = (n), .arg = (a), .help = (h), \
			  .flags = CLI_OPT_ONE_OF}
#define OPT_LIST(n, a, m, h) {.name = (n), .arg = (a), .help = (h), \
			      .flags = CLI_OPT_LIST, .max = (m)}
#define OPT_AT(n, a, h) {.name = (n), .arg = (a), .help = (h), \
			 .flags = CLI_OPT_AT}
/* --at on a change: when it is recorded as having happened. */
#define OPT_RECORD_AT OPT_AT("at", "TIME", \
			     "record as happening at TIME (default now)")
/* --receipt on a delegation's statement (respond, vote). */
#define OPT_RECEIPT OPT_VAL("receipt", "F", \
	"write a receipt to F: the event, a signed checkpoint\n" \
	"and its inclusion proof (check it with\n" \
	"'council receipt verify'); F is opened first, so a\n" \
	"path that cannot be written refuses the statement")
#define OPT_JSON {.name = "json", .help = "machine-readable output", \
		  .flags = CLI_OPT_JSON}
#define OPT_END {.name = NULL}

#define CLI_MAX_OPTS 20
#define CLI_MAX_POS 2
/* A list option's values: `token issue --member` for every delegation of
 * a body as large as the OSCE's Permanent Council (57 States). */
#define CLI_MAX_LIST 64

/* What cli_parse found, for the command to read. */
struct cli_args {
	const struct cli_form *form;      /* the form called */
	/* Per option of the table, by index: its value, or for a switch its
	 * name; NULL when not given. */
	const char *val[CLI_MAX_OPTS];
	const char *list[CLI_MAX_LIST];   /* the values of the list option */
	int nlist;
	const char *pos[CLI_MAX_POS];     /* positional arguments after the
					     subcommand word */
	int npos;
	int64_t id;                       /* the form's id argument */
	int64_t num[CLI_MAX_OPTS];        /* CLI_OPT_ID options' values */
};

struct cmd {
	const char *name;
	cli_run_fn run;                   /* NULL: each form has its own */
	const struct cli_opt *opts;       /* OPT_END-terminated, or NULL */
	const struct cli_form *forms;     /* CLI_FORM_END-terminated */
	const char *summary;              /* one line, for `council --help` */
	const char *about;                /* the paragraph of `--help`, or NULL */
};

struct cli {
	const char *db;      /* --db, $COUNCIL_DB, or council.db */
	int db_given;        /* --db was on the command line */
	int json;            /* --json */
	const char *at;      /* --at (or --now), as given */
	int64_t now;         /* --at parsed, or the wall clock */
	const struct cmd *cmd;
	struct cn_err open_err; /* see CLI_OPEN_ERR_OWN */
};

extern const struct cmd cli_commands[];

/* Print err to stderr as "council: <msg>" and map its code to an exit
 * status. */
int cli_fail(const struct cli *c, const struct cn_err *err);
/* Print a usage error naming the command; returns EXIT_USAGE. */
int cli_usage(const struct cli *c, const char *fmt, ...) CN_PRINTF(2, 3);

/* options.c: parse argv (argv[0] is the command name) against c->cmd's
 * tables into *a.  Returns 0; CLI_HELP_SHOWN after printing --help; or an
 * exit status after printing what was wrong. */
int cli_parse(struct cli *c, int argc, char **argv, struct cli_args *a);
/* Print `council CMD --help`, generated from the command's tables. */
void cli_help(const struct cmd *k, FILE *f);
/* A command's summary line in the command's language (`council --help`). */
const char *cli_summary_text(const struct cmd *k);
/* The pieces of --help, for the man page and the completion that are
 * written from the same tables: whether option o applies to form f; o as
 * "--name ARG" in buf; form f's synopsis on one line ("council log proof
 * INDEX [--json]"), malloc'd (NULL: no memory); the options every command
 * takes (--db, --help), as {"--name ARG", help}. */
int cli_opt_applies(const struct cli_opt *o, const struct cli_form *f);
const char *cli_opt_text(const struct cli_opt *o, char *buf, size_t n);
char *cli_synopsis(const struct cmd *k, const struct cli_form *f);
#define CLI_NCOMMON 2
extern const char *const cli_common_help[CLI_NCOMMON][2];
/* manpage.c: council(1) in roff, a section per command. */
int cli_man(FILE *f);
/* completion.c: the bash completion script (`complete -F _council`). */
int cli_completion_bash(FILE *f);

/* A whole number in min..max, digits only; else a usage error. */
int cli_number(const struct cli *c, const char *s, const char *what,
	       int64_t min, int64_t max, int64_t *out);
/* A page of a list read by id (tokens, people, webhooks), from the texts
 * of --limit (NULL: CLI_PAGE_DEFAULT; 1..CLI_PAGE_MAX) and --after (NULL:
 * from the first): 0, or the usage error's code once said. */
int cli_page_by_id(const struct cli *c, const char *limit, const char *after,
		   int64_t *limit_out, int64_t *after_out);
/* A key or note given on the command line: the text itself, or the file
 * holding it (its first line for a key, the whole file when whole).
 * Returns a malloc'd string or NULL. */
char *cli_text_or_file(const char *arg, int whole);
/* "FR,BE" into a new JSON array of strings (NULL: none given). */
json_t *cli_code_list(const char *s);

/* paths.c: what ships with this binary, where it was built to find it. */
extern const char cli_version[];
/* The datasets' directory: $COUNCIL_DATADIR, else where this binary's
 * build put them (the source tree's data/, or PREFIX/share/council/data). */
const char *cli_datadir(void);
/* The web page's directory: $COUNCIL_WEB (may be '': no page), else where
 * this binary's build put it. */
const char *cli_webdir(void);
/* The dataset a store is seeded with: dataset when given, else
 * $COUNCIL_DATASET, else nato.json of cli_datadir(). */
const char *cli_dataset(const char *dataset);

/* Commands (run functions; their option tables are in the same files). */
#define CLI_COMMAND(name)                                                  \
	extern const struct cli_opt cli_opts_##name[];                     \
	int cmd_##name(struct cli *c, const struct cli_args *a,            \
		       struct cn_app *app)
CLI_COMMAND(init);
CLI_COMMAND(members);
CLI_COMMAND(bodies);
CLI_COMMAND(partners);
CLI_COMMAND(offices);
CLI_COMMAND(proposals);
CLI_COMMAND(search);
CLI_COMMAND(show);
CLI_COMMAND(log);
CLI_COMMAND(verify);
CLI_COMMAND(propose);
CLI_COMMAND(respond);
CLI_COMMAND(vote);
CLI_COMMAND(extend);
CLI_COMMAND(recirculate);
CLI_COMMAND(conclude);
CLI_COMMAND(withdraw);
CLI_COMMAND(tick);
CLI_COMMAND(replay);
CLI_COMMAND(serve);
CLI_COMMAND(routes);
CLI_COMMAND(receipt);
CLI_COMMAND(analyze);
CLI_COMMAND(keygen);
CLI_COMMAND(key);
CLI_COMMAND(body);
CLI_COMMAND(migrate);
#undef CLI_COMMAND
/* Forms with their own function (main.c's table names them). */
extern const struct cli_opt cli_opts_token[];
int cmd_log_key(struct cli *c, const struct cli_args *a, struct cn_app *app);
int cmd_log_checkpoint(struct cli *c, const struct cli_args *a,
		       struct cn_app *app);
int cmd_log_proof(struct cli *c, const struct cli_args *a, struct cn_app *app);
int cmd_log_export(struct cli *c, const struct cli_args *a, struct cn_app *app);
int cmd_token_issue(struct cli *c, const struct cli_args *a,
		    struct cn_app *app);
int cmd_token_list(struct cli *c, const struct cli_args *a, struct cn_app *app);
int cmd_token_feed(struct cli *c, const struct cli_args *a, struct cn_app *app);
int cmd_token_revoke(struct cli *c, const struct cli_args *a,
		     struct cn_app *app);
/* cmd_person.c */
extern const struct cli_opt cli_opts_person[];
int cmd_person_add(struct cli *c, const struct cli_args *a, struct cn_app *app);
int cmd_person_list(struct cli *c, const struct cli_args *a,
		    struct cn_app *app);
int cmd_person_passkeys(struct cli *c, const struct cli_args *a,
			struct cn_app *app);
int cmd_person_disable(struct cli *c, const struct cli_args *a,
		       struct cn_app *app);
/* cmd_webhook.c */
extern const struct cli_opt cli_opts_webhook[];
int cmd_webhook_add(struct cli *c, const struct cli_args *a, struct cn_app *app);
int cmd_webhook_list(struct cli *c, const struct cli_args *a,
		     struct cn_app *app);
int cmd_webhook_revoke(struct cli *c, const struct cli_args *a,
		       struct cn_app *app);
int cmd_webhook_deliveries(struct cli *c, const struct cli_args *a,
			   struct cn_app *app);

/* cmd_receipt.c: a receipt file for respond --receipt, opened before the
 * position is recorded so that a path that cannot be written refuses the
 * command while nothing is changed yet. */
struct cli_receipt {
	const char *path;
	FILE *f;
	int created;          /* the file did not exist: remove it on abandon */
};
int cli_receipt_open(struct cli_receipt *r, const char *path,
		     struct cn_err *err);
/* Write the receipt of member's latest statement on proposal id into the
 * file opened, and close it. */
int cli_receipt_write(struct cli_receipt *r, struct cn_app *app, int64_t id,
		      const char *member, struct cn_err *err);
/* The command was refused: close the file, and remove it if it was new. */
void cli_receipt_abandon(struct cli_receipt *r);

#endif
