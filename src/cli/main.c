/*
 * main.c - the `council` command: global options and the command table.
 *
 * git-style: `council [--db FILE] COMMAND [options]`.  Each command lives in
 * cmd_read.c (queries) or cmd_write.c (changes) and parses its own options.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>

#include "../core/timeutil.h"
#include "cli.h"

#define COMMON "  --db FILE     the store (default $COUNCIL_DB or ./council.db)\n" \
	       "  --help        this text\n"

const struct cmd cli_commands[] = {
	{"init", cmd_init, "create a store and seed it with a dataset",
	 "usage: council init [--db FILE] [--dataset FILE] [--at TIME]\n"
	 "Create the store and seed it with the alliance dataset (default:\n"
	 "the NATO dataset, data/nato.json).  Refuses a store that exists.\n"
	 "  --dataset FILE  dataset to load\n"
	 "  --at TIME       time recorded for the seed events (default now)\n"
	 COMMON},
	{"members", cmd_members, "list members, of the alliance or of a body",
	 "usage: council members [--body B] [--at DATE] [--json]\n"
	 "Members of the alliance (or of body B) on DATE (default today).\n"
	 "  --body B      NAC, NPG, MC, DPC, ...\n"
	 "  --at DATE     as of this date (ISO 8601)\n"
	 "  --all         every member ever, with dates (ignores --at)\n"
	 "  --json        machine-readable output\n" COMMON},
	{"bodies", cmd_bodies, "list bodies with their rules",
	 "usage: council bodies [--at DATE] [--json]\n"
	 "Bodies, their decision rule, default procedure, and size on DATE.\n"
	 "  --at DATE     as of this date\n  --json\n" COMMON},
	{"partners", cmd_partners, "list partners by framework",
	 "usage: council partners [--framework F] [--at DATE] [--json]\n"
	 "  --framework F  only this framework\n"
	 "  --at DATE      as of this date (default today)\n  --json\n" COMMON},
	{"offices", cmd_offices, "list offices, open on a date or all",
	 "usage: council offices [--at DATE | --all] [--json]\n"
	 "Offices open on DATE (default today), with the treaty-area check\n"
	 "(North Atlantic Treaty Art. 6; advisory).\n"
	 "  --at DATE   as of this date\n"
	 "  --all       every office, open or closed\n  --json\n" COMMON},
	{"proposals", cmd_proposals, "list proposals",
	 "usage: council proposals [--body B] [--status S] [--json]\n"
	 "  --body B     only this body\n"
	 "  --status S   open, concluded, adopted, blocked, failed, withdrawn\n"
	 "  --json\n" COMMON},
	{"propose", cmd_propose, "put a proposal before a body",
	 "usage: council propose --body B --title T [--procedure P]\n"
	 "         [--deadline TIME] [--text TEXT] [--level L] [--place P]\n"
	 "         [--effect EFFECT]... [--shared] [--at TIME] [--json]\n"
	 "Open a procedure on a proposal; prints its id (--json: the proposal).\n"
	 "The electorate is the body's members at TIME, frozen.\n"
	 "  --procedure P  meeting, silence or ratification (default: body's)\n"
	 "  --deadline T   end of the silence period (silence only)\n"
	 "  --level L      meeting level: permanent-representatives,\n"
	 "                 foreign-ministers, defence-ministers,\n"
	 "                 heads-of-state-and-government\n"
	 "  --place P      where the meeting is held\n"
	 "  --shared       share with partners\n"
	 "  --effect E     applied only on adoption; TYPE:key=value,... or JSON:\n"
	 "     open-office:id=ID,name=NAME,city=CITY,country=CC,lat=35.68,lon=139.69[,kind=K]\n"
	 "     close-office:id=ID\n"
	 "     admit-member:code=CC,name=NAME,effective=YYYY-MM-DD\n"
	 "     add-partner:code=CC,name=NAME,framework=F\n"
	 "  --at TIME      record as happening at TIME (default now)\n"
	 "  --json\n" COMMON},
	{"respond", cmd_respond, "state, change or lift a member's position",
	 "usage: council respond ID --member M (--concur | --object | --abstain |\n"
	 "         --reserve | --lift | --footnote TEXT | --comment TEXT)\n"
	 "         [--reason TEXT] [--declare] [--at TIME]\n"
	 "  --object     object; under silence this breaks silence and needs\n"
	 "               --reason\n"
	 "  --reserve    a hold pending instructions; --lift removes it\n"
	 "  --footnote   concur, with a statement put on record\n"
	 "  --comment    a comment on record (does not break silence)\n"
	 "  --declare    with --abstain: a formal declaration (constructive)\n"
	 "  --sign KEY   sign the position with the delegation's key (from\n"
	 "               'council keygen'; its public key registered first)\n"
	 "  --receipt F  write a receipt to F: the event, a signed checkpoint\n"
	 "               and its inclusion proof (check it with\n"
	 "               'council receipt verify')\n"
	 "  --at TIME    record as happening at TIME (default now)\n" COMMON},
	{"extend", cmd_extend, "extend a silence deadline",
	 "usage: council extend ID --deadline TIME [--at TIME]\n" COMMON},
	{"recirculate", cmd_recirculate, "recirculate a revised text under silence",
	 "usage: council recirculate ID --text TEXT --deadline TIME [--at TIME]\n"
	 "Starts a new silence period; earlier positions do not carry over.\n"
	 COMMON},
	{"conclude", cmd_conclude, "conclude a procedure (the chair)",
	 "usage: council conclude ID [--at TIME] [--json]\n"
	 "Evaluate the rule and record the outcome.  Refused while a\n"
	 "reservation stands, or before a silence deadline.\n" COMMON},
	{"withdraw", cmd_withdraw, "withdraw a proposal",
	 "usage: council withdraw ID [--reason TEXT] [--at TIME]\n" COMMON},
	{"tick", cmd_tick, "conclude procedures whose deadline has passed",
	 "usage: council tick [--now TIME]\n"
	 "Conclude every silence procedure whose deadline is at or before\n"
	 "TIME (default now), each at its deadline.\n" COMMON},
	{"show", cmd_show, "show a proposal, its positions and outcome",
	 "usage: council show ID [--json]\n"
	 "The proposal, its electorate and positions, the rule's verdict and\n"
	 "explanation, effects, and its history.\n" COMMON},
	{"log", cmd_log, "print, export or prove the event log",
	 "usage: council log [--proposal ID] [--from SEQ] [--json]\n"
	 "       council log key               the log's public key (vkey)\n"
	 "       council log checkpoint [--json]   the latest signed checkpoint\n"
	 "       council log proof INDEX [--size N]  inclusion proof of event\n"
	 "                                      INDEX+1 (0-based leaf index)\n"
	 "       council log export FILE [--for AUDIENCE]\n"
	 "                                     JSON Lines: events + checkpoints\n"
	 "  --json   one event per line, exactly the stored canonical bytes\n"
	 "  --for    all (default: every event with its salt), member:CODE,\n"
	 "           partner:CODE or public: the events that principal may see\n"
	 "           in full with their salts, the others as leaf hashes only\n"
	 COMMON},
	{"verify", cmd_verify, "verify the record: chain, tree, checkpoints",
	 "usage: council verify [--log-key KEY] [--checkpoint NOTE] [--json]\n"
	 "       council verify --export FILE [--log-key KEY]\n"
	 "Recompute every event's hash and link, the Merkle tree, every signed\n"
	 "checkpoint (signature and consistency), and compare the projections\n"
	 "with a replay of the log.  Names the first bad event.\n"
	 "  --log-key KEY     the log's published key (text or file); default:\n"
	 "                    the key the store names (self-consistency only)\n"
	 "  --checkpoint F    a checkpoint kept from earlier: the store must\n"
	 "                    still contain it (detects a rollback)\n"
	 "  --export FILE     verify an exported log, without any store (an\n"
	 "                    audience's export too: entries it may not see\n"
	 "                    are checked as commitments, and counted)\n"
	 COMMON},
	{"keygen", cmd_keygen, "make a delegation's Ed25519 signing key",
	 "usage: council keygen --name NAME --out FILE\n"
	 "Write a new secret key to FILE (mode 0600) and its public key to\n"
	 "FILE.pub, and print the public key.  NAME labels it (e.g. FR-2026).\n"
	 COMMON},
	{"key", cmd_key, "register a delegation's public key",
	 "usage: council key register --member CODE --vkey KEY [--at TIME]\n"
	 "Record (or rotate) the key with which the delegation of CODE signs\n"
	 "its positions ('respond --sign').  KEY is the text or a .pub file.\n"
	 COMMON},
	{"receipt", cmd_receipt, "verify a receipt offline",
	 "usage: council receipt verify FILE --log-key KEY\n"
	 "Check that the event in a receipt is in the log: the checkpoint is\n"
	 "signed by KEY, and the event's leaf (its bytes hashed with its salt)\n"
	 "leads to its root by the inclusion proof.\n" COMMON},
	{"replay", cmd_replay, "replay a scenario file",
	 "usage: council replay FILE [--db FILE] [--dataset FILE] [--json]\n"
	 "Run a scenario (see scenarios/).  Without --db, it runs on a fresh\n"
	 "in-memory store seeded with the dataset and keeps nothing.  With\n"
	 "--db it is recorded there, all steps or none.\n" COMMON},
	{"serve", cmd_serve, "serve the HTTP/JSON API",
	 "usage: council serve [--listen ADDR:PORT] [--threads N] [--timeout S]\n"
	 "                     [--web DIR] [--public-checkpoint-every S] [--quiet]\n"
	 "Serve the API (docs/api.yaml) on ADDR:PORT (default 127.0.0.1:8080)\n"
	 "until SIGINT or SIGTERM.  Writes are committed by one writer thread,\n"
	 "several per fsync; silence deadlines conclude on time.\n"
	 "  --threads N   HTTP worker threads (default 2)\n"
	 "  --timeout S   close a connection after S seconds without traffic (15)\n"
	 "  --web DIR     serve the web page from DIR (default: web/dist of the\n"
	 "                source tree; '' for the API alone)\n"
	 "  --public-checkpoint-every S  the public and partners see the record\n"
	 "                (checkpoints, proofs, the log) only as of the last\n"
	 "                multiple of S seconds, so they learn when it grew only\n"
	 "                to that resolution (default 0: every commit)\n"
	 COMMON},
	{"token", cmd_token, "issue, list or revoke API tokens",
	 "usage: council token issue (--role secretariat | --member CODE |\n"
	 "                            --partner CODE) [--label TEXT] [--json]\n"
	 "       council token list [--json]\n"
	 "       council token revoke ID\n"
	 "issue prints a bearer token once; only its hash is stored.\n" COMMON},
	{"routes", cmd_routes, "print the HTTP routes the server serves",
	 "usage: council routes\n" COMMON},
	{NULL, NULL, NULL, NULL},
};

static void usage_all(FILE *f)
{
	fprintf(f,
		"usage: council [--db FILE] COMMAND [options]\n\n"
		"council: a decision engine for bodies that decide by consensus,\n"
		"unanimity or weighted majority (first model: NATO's North\n"
		"Atlantic Council).\n\ncommands:\n");
	for (const struct cmd *c = cli_commands; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
	fprintf(f, "\n'council COMMAND --help' describes one command.\n"
		   "Exit status: 0 ok, 1 refused or invalid input, 2 usage.\n");
}

int cli_fail(const struct cli *c, const struct cn_err *err)
{
	(void)c;
	fprintf(stderr, "council: %s\n", err->msg);
	return err->code == CN_EUSAGE ? EXIT_USAGE : EXIT_REFUSED;
}

int cli_usage(const struct cli *c, const char *cmd, const char *fmt, ...)
{
	va_list ap;
	(void)c;
	fprintf(stderr, "council %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see 'council %s --help')\n", cmd);
	return EXIT_USAGE;
}

int cli_open(struct cli *c, int flags, struct cn_app **app)
{
	struct cn_err err = {0};
	if (cn_app_open(c->db, flags, app, &err))
		return cli_fail(c, &err);
	return 0;
}

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

int cli_set_at(struct cli *c, const char *cmd, const char *value)
{
	struct cn_err err = {0};
	if (cn_time_parse(value, "--at", &c->now, &err)) {
		fprintf(stderr, "council %s: %s\n", cmd, err.msg);
		return EXIT_REFUSED;
	}
	c->at = value;
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c = {0};
	int i = 1;

	c.prog = "council";
	c.db = getenv("COUNCIL_DB") ? getenv("COUNCIL_DB") : "council.db";
	c.now = (int64_t)time(NULL);
	if (sodium_init() < 0) {
		fprintf(stderr, "council: libsodium failed to initialise\n");
		return EXIT_REFUSED;
	}
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage_all(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--db") && i + 1 < argc) {
			c.db = argv[i + 1];
			c.db_given = 1;
			i += 2;
		} else if (!strncmp(argv[i], "--db=", 5)) {
			c.db = argv[i] + 5;
			c.db_given = 1;
			i++;
		} else {
			fprintf(stderr, "council: unknown option '%s'\n", argv[i]);
			usage_all(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage_all(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		if (i + 1 < argc)
			for (const struct cmd *k = cli_commands; k->name; k++)
				if (!strcmp(k->name, argv[i + 1])) {
					fputs(k->usage, stdout);
					return 0;
				}
		usage_all(stdout);
		return 0;
	}
	for (const struct cmd *k = cli_commands; k->name; k++) {
		if (strcmp(k->name, argv[i]))
			continue;
		for (int j = i + 1; j < argc; j++)
			if (!strcmp(argv[j], "--help") || !strcmp(argv[j], "-h")) {
				fputs(k->usage, stdout);
				return 0;
			}
		return k->run(&c, argc - i, argv + i);
	}
	fprintf(stderr, "council: '%s' is not a council command\n", argv[i]);
	usage_all(stderr);
	return EXIT_USAGE;
}

int cli_parse(struct cli *c, const char *cmd, int argc, char **argv,
	      const struct cli_opt *opts, const char **pos, int maxpos,
	      int *npos)
{
	int np = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		char name[64];
		const char *eq;

		if (a[0] != '-' || a[1] != '-' || a[2] == '\0') {
			if (np >= maxpos)
				return cli_usage(c, cmd, "unexpected argument '%s'", a);
			pos[np++] = a;
			continue;
		}
		a += 2;
		eq = strchr(a, '=');
		snprintf(name, sizeof(name), "%.*s",
			 (int)(eq ? (size_t)(eq - a) : strlen(a)), a);
		if (eq)
			val = eq + 1;
		if (!strcmp(name, "json")) {
			c->json = 1;
			continue;
		}
		const struct cli_opt *o = NULL;
		for (const struct cli_opt *k = opts; k && k->name; k++)
			if (!strcmp(k->name, name))
				o = k;
		int takes = !strcmp(name, "db") || !strcmp(name, "at") ||
			    (o && (o->value || o->list));
		if (!o && strcmp(name, "db") && strcmp(name, "at"))
			return cli_usage(c, cmd, "unknown option '--%s'", name);
		if (takes && !val) {
			if (i + 1 >= argc)
				return cli_usage(c, cmd, "--%s needs a value", name);
			val = argv[++i];
		}
		if (!takes && val)
			return cli_usage(c, cmd, "--%s takes no value", name);
		if (!strcmp(name, "db") && !o) {
			c->db = val;
			c->db_given = 1;
		}
		else if (!strcmp(name, "at") && !o) {
			if (cli_set_at(c, cmd, val))
				return EXIT_REFUSED;
		} else if (o->list) {
			if (*o->nlist >= o->max)
				return cli_usage(c, cmd, "too many --%s", name);
			o->list[(*o->nlist)++] = val;
		} else if (o->value)
			*o->value = val;
		else
			*o->flag = 1;
	}
	*npos = np;
	return 0;
}
