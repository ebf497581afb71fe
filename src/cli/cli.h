/*
 * cli.h - shared pieces of the `council` command: option parsing helpers,
 * the open-the-store step, and exit statuses.
 *
 * Exit status: 0 success; 1 the input was refused or invalid (message on
 * stderr); 2 usage error.
 */
#ifndef CN_CLI_H
#define CN_CLI_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "../app/app.h"

#define EXIT_REFUSED 1
#define EXIT_USAGE 2

struct cli {
	const char *db;      /* --db, $COUNCIL_DB, or council.db */
	int db_given;        /* --db was on the command line */
	int json;            /* --json */
	const char *at;      /* --at, as given */
	int64_t now;         /* --at parsed, or the wall clock */
	const char *prog;
};

struct cmd {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	const char *summary;
	const char *usage;   /* full --help text */
};

extern const struct cmd cli_commands[];

/* Print err to stderr as "council: <msg>" and map its code to an exit
 * status. */
int cli_fail(const struct cli *c, const struct cn_err *err);
int cli_usage(const struct cli *c, const char *cmd, const char *fmt, ...)
	CN_PRINTF(3, 4);
/* Open the store named by c->db (it must exist). */
int cli_open(struct cli *c, int flags, struct cn_app **app);
/* Print a JSON value to stdout, indented, with a newline; takes the ref. */
void cli_print_json(json_t *v);
/* Set c->at/c->now from a --at value. */
int cli_set_at(struct cli *c, const char *cmd, const char *value);

/* One option of a command.  `value` set: takes an argument (the last one
 * wins, or with `list`, each is appended up to `max`); `flag` set: a
 * switch. --db, --json and --at are common to every command. */
struct cli_opt {
	const char *name;     /* without the leading "--" */
	const char **value;
	int *flag;
	const char **list;
	int *nlist;
	int max;
};

#define OPT_VAL(n, p) {.name = (n), .value = (p)}
#define OPT_FLAG(n, p) {.name = (n), .flag = (p)}
#define OPT_LIST(n, l, c, m) {.name = (n), .list = (l), .nlist = (c), .max = (m)}
#define OPT_END {.name = NULL}

/* Parse argv (argv[0] is the command name).  Positional arguments go to
 * pos[0..maxpos-1]; *npos gets their count.  Returns 0 or EXIT_USAGE after
 * printing what was wrong. */
int cli_parse(struct cli *c, const char *cmd, int argc, char **argv,
	      const struct cli_opt *opts, const char **pos, int maxpos,
	      int *npos);

/* Commands. */
int cmd_init(struct cli *c, int argc, char **argv);
int cmd_members(struct cli *c, int argc, char **argv);
int cmd_bodies(struct cli *c, int argc, char **argv);
int cmd_partners(struct cli *c, int argc, char **argv);
int cmd_offices(struct cli *c, int argc, char **argv);
int cmd_proposals(struct cli *c, int argc, char **argv);
int cmd_show(struct cli *c, int argc, char **argv);
int cmd_log(struct cli *c, int argc, char **argv);
int cmd_verify(struct cli *c, int argc, char **argv);
int cmd_propose(struct cli *c, int argc, char **argv);
int cmd_respond(struct cli *c, int argc, char **argv);
int cmd_extend(struct cli *c, int argc, char **argv);
int cmd_recirculate(struct cli *c, int argc, char **argv);
int cmd_conclude(struct cli *c, int argc, char **argv);
int cmd_withdraw(struct cli *c, int argc, char **argv);
int cmd_tick(struct cli *c, int argc, char **argv);
int cmd_replay(struct cli *c, int argc, char **argv);
int cmd_serve(struct cli *c, int argc, char **argv);
int cmd_token(struct cli *c, int argc, char **argv);
int cmd_routes(struct cli *c, int argc, char **argv);
int cmd_receipt(struct cli *c, int argc, char **argv);
int cmd_keygen(struct cli *c, int argc, char **argv);
int cmd_key(struct cli *c, int argc, char **argv);
/* `council log key | checkpoint | export FILE [--for AUDIENCE] |
 *  proof INDEX [--size N]` */
int cli_log_sub(struct cli *c, int np, const char **pos, const char *size,
		const char *audience);
/* A key or note given on the command line: the text itself, or the file
 * holding it (its first line for a key, the whole file when whole). */
char *cli_text_or_file(const char *arg, int whole);
/* Write the receipt of member's latest statement on proposal id. */
int cli_write_receipt(struct cn_app *app, int64_t id, const char *member,
		      const char *path, struct cn_err *err);

/* Human-readable rendering of a proposal (used by show and replay). */
void cli_print_proposal(const struct cn_world *w, const json_t *doc);

#endif
