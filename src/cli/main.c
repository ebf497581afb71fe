/*
 * main.c - the `council` command: global options, the command table, and
 * running one command.
 *
 * git-style: `council [--db STORE] [--lang en|fr] COMMAND [options]`; the
 * language is chosen here, once (util.h, cli_choose_lang).  Each row of the
 * table names a command, its function, its forms (subcommands, with what
 * each needs: no store, the store read-only or read-write, the log's
 * signer) and its help; its options are in the command's own file (see
 * cli.h for which file holds which command).  Running a command: parse its
 * arguments against its tables, open the store as its form needs, run it,
 * close the store.
 */
#include <assert.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>
#include <unistd.h>
#ifdef CN_MIMALLOC
#include <mimalloc.h>
#endif

#include "cli.h"
#include "util.h"
#include "../core/json_alloc.h"

/* A command with one form: positional arguments `args` (n of them). */
#define ONE(a, n, need) \
	((const struct cli_form[]){{.args = (a), .nargs = (n), .needs = (need)}, \
				   CLI_FORM_END})
/* A command on one proposal: `council respond ID ...`. */
#define ON_PROPOSAL(need) \
	((const struct cli_form[]){{.args = "ID", .nargs = 1, .needs = (need), \
				    .id = "proposal id"}, CLI_FORM_END})
#define WRITES (CLI_STORE_RW | CLI_SIGNER)
/* A read answered from the projections (no fold of the log). */
#define READS (CLI_STORE_RO | CLI_VIEWS)
#define READS_STORE (CLI_STORE_RO | CLI_STORE_ONLY)

const struct cmd cli_commands[] = {
	{"init", cmd_init, cli_opts_init, ONE(NULL, 0, CLI_NO_STORE),
	 "create a store and seed it with a dataset",
	 "Create the store and seed it with the alliance dataset (default:\n"
	 "the NATO dataset, nato.json of the datasets' directory that\n"
	 "'council --version' names).  Refuses a store that exists.\n"},
	{"migrate", cmd_migrate, cli_opts_migrate, ONE(NULL, 0, CLI_NO_STORE),
	 "copy a store's record into a new store (SQLite <-> PostgreSQL)",
	 "Copy the store SRC into DST, a new store of either backend: a file\n"
	 "that does not exist, or a PostgreSQL database or schema holding no\n"
	 "events.  The events move as their exact stored bytes (each checked\n"
	 "against the hash chain as it is read) and are folded again by DST's\n"
	 "own code; the signed checkpoints, the API tokens (credentials: they\n"
	 "move too, and keep working) and the log's key move as they are.  The\n"
	 "key is put where DST's backend looks for it (DST.key beside a file;\n"
	 "$COUNCIL_KEY or ~/.config/council/STORE_ID.key for a database), mode\n"
	 "0600, never over a different key.  Before DST is committed its tree\n"
	 "size and root must be SRC's, every checkpoint must verify on it and\n"
	 "every projection table and token must equal SRC's, row by row; then\n"
	 "it is verified as `council verify` does.  The first difference is\n"
	 "named and nothing is committed to DST.  SRC is only read, in one\n"
	 "snapshot: stop its servers first, or what they write after it is\n"
	 "not copied.  Progress goes to stderr every 10,000 events.\n"},
	{"members", cmd_members, cli_opts_members, ONE(NULL, 0, READS),
	 "list members, of the alliance or of a body",
	 "Members of the alliance (or of body B) on DATE (default today).\n"},
	{"bodies", cmd_bodies, cli_opts_bodies, ONE(NULL, 0, READS),
	 "list bodies with their rules",
	 "Bodies, their decision rule, default procedure, and size on DATE.\n"},
	{"partners", cmd_partners, cli_opts_partners, ONE(NULL, 0, READS),
	 "list partners by framework",
	 "Partners on DATE (default today), by framework.\n"},
	{"offices", cmd_offices, cli_opts_offices, ONE(NULL, 0, READS),
	 "list offices, open on a date or all",
	 "Offices open on DATE (default today), with the treaty-area check\n"
	 "(North Atlantic Treaty Art. 6; advisory).\n"},
	{"proposals", cmd_proposals, cli_opts_proposals,
	 ONE(NULL, 0, READS), "list proposals, a page at a time",
	 "The proposals that pass every filter given, the newest first.  A page\n"
	 "holds --limit of them; the table's last line (--json: `next`) names\n"
	 "the next page's cursor.  --after ID reads up from ID instead.\n"},
	{"search", cmd_search, cli_opts_search, ONE("WORDS", 1, READS),
	 "find proposals by the words of their title or text",
	 "The proposals whose title or current text holds every word of WORDS\n"
	 "(one argument; without case or diacritics), with the filters and\n"
	 "pages of 'council proposals'.\n"},
	{"propose", cmd_propose, cli_opts_propose, ONE(NULL, 0, WRITES),
	 "put a proposal before a body",
	 "Open a procedure on a proposal; prints its id (--json: the proposal).\n"
	 "The electorate is the body's members at TIME, frozen.  An effect is\n"
	 "applied only on adoption: TYPE:key=value,... or a JSON object:\n"
	 "  open-office:id=ID,name=NAME,city=CITY,country=CC,lat=35.68,lon=139.69[,kind=K]\n"
	 "  close-office:id=ID\n"
	 "  admit-member:code=CC,name=NAME,effective=YYYY-MM-DD\n"
	 "  add-partner:code=CC,name=NAME,framework=F\n"
	 "  establish-body, amend-body: see 'council body --help'\n"},
	{"respond", cmd_respond, cli_opts_respond, ON_PROPOSAL(WRITES),
	 "state, change or lift a member's position",
	 "Record a delegation's position on proposal ID and print the verdict\n"
	 "so far (a procedure still open says so).\n"},
	{"vote", cmd_vote, cli_opts_vote, ON_PROPOSAL(WRITES),
	 "cast a member's vote in a roll-call or written vote",
	 "Record a delegation's vote (yes, no, abstain, not participating) on\n"
	 "proposal ID, put to a vote or a written procedure, and print the\n"
	 "count so far.  A member may change its vote until the vote closes;\n"
	 "one that never votes is counted as not participating.\n"},
	{"extend", cmd_extend, cli_opts_extend, ON_PROPOSAL(WRITES),
	 "extend a silence deadline", NULL},
	{"recirculate", cmd_recirculate, cli_opts_recirculate, ON_PROPOSAL(WRITES),
	 "recirculate a revised text under silence",
	 "Starts a new silence period; earlier positions do not carry over.\n"},
	{"conclude", cmd_conclude, cli_opts_conclude, ON_PROPOSAL(WRITES),
	 "conclude a procedure (the chair)",
	 "Evaluate the rule and record the outcome (a vote: closes it and\n"
	 "records the count).  Refused while a reservation stands, before a\n"
	 "silence deadline, or before a written vote's deadline while a\n"
	 "member has not voted.\n"},
	{"withdraw", cmd_withdraw, cli_opts_withdraw, ON_PROPOSAL(WRITES),
	 "withdraw a proposal", NULL},
	{"tick", cmd_tick, cli_opts_tick, ONE(NULL, 0, WRITES),
	 "conclude procedures whose deadline has passed",
	 "Conclude every silence procedure and written vote whose deadline is at or before\n"
	 "TIME (default now), each at its deadline.\n"},
	{"show", cmd_show, cli_opts_show, ON_PROPOSAL(READS_STORE),
	 "show a proposal, its positions and outcome",
	 "The proposal, its electorate and positions, the rule's verdict and\n"
	 "explanation, effects, and its history.\n"},
	{"log", cmd_log, cli_opts_log,
	 (const struct cli_form[]){
		 {.needs = READS_STORE},
		 {.sub = "key", .needs = READS_STORE, .run = cmd_log_key,
		  .help = "the log's public key (vkey)"},
		 {.sub = "checkpoint", .needs = READS_STORE,
		  .run = cmd_log_checkpoint, .help = "the latest signed checkpoint"},
		 {.sub = "proof", .args = "INDEX", .nargs = 1, .needs = READS_STORE,
		  .run = cmd_log_proof, .help = "proof for event INDEX+1 (0-based)"},
		 {.sub = "export", .args = "FILE", .nargs = 1, .needs = READS,
		  .run = cmd_log_export,
		  .help = "events and checkpoints as JSON Lines"},
		 CLI_FORM_END},
	 "print, export or prove the event log",
	 "Without a subcommand: the events, one a line, with what each did.\n"},
	/* verify reads only: an auditor with a copy of the database and the
	 * published key needs no signing key.  It folds the log itself (or,
	 * with --since, only what was added), so the store is opened alone,
	 * not even the registry folded from its rows: no second world, and a
	 * damaged log or projection is named by verify rather than by the
	 * open (2 ms of a small store's verify). */
	{"verify", cmd_verify, cli_opts_verify,
	 ONE(NULL, 0, READS_STORE | CLI_OPEN_ERR_OWN | CLI_SCAN),
	 "verify the record: chain, tree, checkpoints",
	 "Recompute every event's hash and link, the Merkle tree, every signed\n"
	 "checkpoint (signature and consistency), and compare the projections\n"
	 "and the public record's index with a replay of the log, read once.\n"
	 "Names the first bad event.\n"
	 "With --since, only what was added after a checkpoint you trust.\n"},
	{"keygen", cmd_keygen, cli_opts_keygen, ONE(NULL, 0, CLI_NO_STORE),
	 "make a delegation's Ed25519 signing key",
	 "Write a new secret key to FILE (mode 0600) and its public key to\n"
	 "FILE.pub, and print the public key.  NAME labels it (e.g. FR-2026).\n"},
	{"key", cmd_key, cli_opts_key,
	 (const struct cli_form[]){{.sub = "register", .needs = WRITES},
				   CLI_FORM_END},
	 "register a delegation's public key",
	 "Record (or rotate) the key with which the delegation of CODE signs\n"
	 "its positions ('respond --sign').  KEY is the text or a .pub file.\n"},
	{"body", cmd_body, cli_opts_body,
	 (const struct cli_form[]){
		 {.sub = "add", .args = "ID", .nargs = 1, .needs = WRITES,
		  .help = "propose to establish body ID"},
		 {.sub = "amend", .args = "ID", .nargs = 1, .needs = WRITES,
		  .help = "propose to amend body ID"},
		 CLI_FORM_END},
	 "define or amend a body by decision",
	 "A body and its rule are defined by a decision: this puts to the body\n"
	 "named by --by a proposal carrying an establish-body or amend-body\n"
	 "effect, prints its id, and the registry changes when it is adopted\n"
	 "(respond, conclude).  An amendment applies from --from (default: the\n"
	 "day of adoption); procedures already open keep the rule they froze.\n"},
	{"receipt", cmd_receipt, cli_opts_receipt,
	 (const struct cli_form[]){{.sub = "verify", .args = "FILE", .nargs = 1,
				    .needs = CLI_NO_STORE},
				   CLI_FORM_END},
	 "verify a receipt offline",
	 "Check that the event in a receipt is in the log: the checkpoint is\n"
	 "signed by KEY, and the event's leaf (its bytes hashed with its salt)\n"
	 "leads to its root by the inclusion proof.\n"},
	{"replay", cmd_replay, cli_opts_replay, ONE("FILE", 1, CLI_NO_STORE),
	 "replay a scenario file",
	 "Run a scenario (see scenarios/).  Without --db, it runs on a fresh\n"
	 "in-memory store seeded with the dataset and keeps nothing.  With\n"
	 "--db it is recorded there, all steps or none.\n"},
	{"serve", cmd_serve, cli_opts_serve, ONE(NULL, 0, CLI_SERVES),
	 "serve the HTTP/JSON API",
	 "Serve the API (docs/api.yaml) on ADDR:PORT (default 127.0.0.1:8080)\n"
	 "until SIGINT or SIGTERM.  Writes are committed by one writer thread,\n"
	 "several per fsync; silence deadlines conclude on time.  Several\n"
	 "servers may serve one PostgreSQL database: each hears the others'\n"
	 "commits at once, and one of them (/healthz clock_leader) concludes\n"
	 "deadlines; another takes over within seconds when it stops.\n"
	 "Webhooks are delivered from its own thread (docs/WEBHOOKS.md).\n"},
	{"token", NULL, cli_opts_token,
	 (const struct cli_form[]){
		 {.sub = "issue", .needs = CLI_STORE_RW | CLI_VIEWS,
		  .run = cmd_token_issue},
		 {.sub = "list", .needs = READS, .run = cmd_token_list},
		 {.sub = "revoke", .args = "ID", .nargs = 1, .id = "token id",
		  .needs = CLI_STORE_RW | CLI_VIEWS, .run = cmd_token_revoke},
		 {.sub = "feed", .args = "ID", .nargs = 1, .id = "token id",
		  .needs = CLI_STORE_RW | CLI_VIEWS, .run = cmd_token_feed,
		  .help = "a calendar feed key for token ID"},
		 CLI_FORM_END},
	 "issue, list or revoke API tokens and calendar feed keys",
	 "issue prints a bearer token once; only its hash is stored.\n"
	 "--member repeated issues one for each, all or none, a line each:\n"
	 "CODE TOKEN (--json: an array).\n"
	 "feed ID prints, once, the subscribe URL of a calendar feed\n"
	 "(GET /api/v1/calendar.ics?key=...) that reads what token ID sees;\n"
	 "--url gives the server's address (default http://127.0.0.1:8080).\n"
	 "revoke takes a feed's id too; revoking token ID kills its feeds.\n"},
	{"person", NULL, cli_opts_person,
	 (const struct cli_form[]){
		 {.sub = "add", .needs = CLI_STORE_RW | CLI_VIEWS,
		  .run = cmd_person_add},
		 {.sub = "list", .needs = CLI_STORE_RW | CLI_VIEWS,
		  .run = cmd_person_list},
		 {.sub = "disable", .args = "ID", .nargs = 1, .id = "person id",
		  .needs = CLI_STORE_RW | CLI_VIEWS, .run = cmd_person_disable},
		 {.sub = "passkeys", .args = "ID", .nargs = 1, .id = "person id",
		  .needs = CLI_STORE_RW | CLI_VIEWS, .run = cmd_person_passkeys},
		 CLI_FORM_END},
	 "add, list or disable the people who sign in; their passkeys",
	 "add makes a person who signs in to the page (POST /api/v1/session)\n"
	 "with NAME and the password read from --password-file, and acts for\n"
	 "a delegation (--delegation CODE: a member or a partner) or the\n"
	 "secretariat; only an Argon2id hash of the password is stored.\n"
	 "list shows the people by id, a page at a time (--limit, --after;\n"
	 "never a password); disable ID signs the person out everywhere and\n"
	 "refuses its sign-ins from then on; its webhooks, e-mail\n"
	 "subscriptions and calendar feeds stop.\n"
	 "passkeys ID lists the person's passkeys (never a key); with\n"
	 "--remove PK, removes one (a lost device).\n"},
	{"webhook", NULL, cli_opts_webhook,
	 (const struct cli_form[]){
		 {.sub = "add", .args = "ID", .nargs = 1, .id = "token id",
		  .needs = CLI_STORE_RW | CLI_VIEWS, .run = cmd_webhook_add,
		  .help = "a webhook that receives what token ID sees"},
		 {.sub = "list", .needs = READS, .run = cmd_webhook_list},
		 {.sub = "revoke", .args = "ID", .nargs = 1, .id = "webhook id",
		  .needs = CLI_STORE_RW | CLI_VIEWS, .run = cmd_webhook_revoke},
		 {.sub = "deliveries", .args = "ID", .nargs = 1,
		  .id = "webhook id", .needs = READS,
		  .run = cmd_webhook_deliveries,
		  .help = "the delivery log of webhook ID, newest first"},
		 CLI_FORM_END},
	 "add, list or revoke webhooks; read their delivery logs",
	 "add ID prints, once, the secret of a new webhook that receives\n"
	 "every event token ID may see, from now on, POSTed to --url and\n"
	 "signed (docs/WEBHOOKS.md); a token makes its own with POST\n"
	 "/api/v1/webhooks.  Only `council serve` delivers: retried with\n"
	 "backoff, each attempt logged (deliveries ID).  list shows the\n"
	 "live ones by id, a page at a time (--limit, --after; never a\n"
	 "secret); revoking token ID kills its webhooks.\n"},
	{"analyze", cmd_analyze, cli_opts_analyze,
	 (const struct cli_form[]){
		 {.sub = "rule", .needs = CLI_STORE_RO,
		  .help = "power under a body's rule on a date"},
		 {.sub = "proposal", .args = "ID", .nargs = 1, .id = "proposal id",
		  .needs = CLI_STORE_RO, .help = "who can still turn a proposal"},
		 CLI_FORM_END},
	 "who can block and who holds power",
	 "rule: for the body's members, rule and figures on DATE: veto players,\n"
	 "winning and minimal winning coalitions, the smallest blocking\n"
	 "coalitions, and each member's Shapley-Shubik, Banzhaf (swings,\n"
	 "normalised, Penrose) and Coleman indices, exact (docs/ANALYSIS.md).\n"
	 "--rule, --with and --without add a what-if beside it.\n"
	 "proposal: the verdict now, if the silent stay silent, concur or\n"
	 "object; who is pivotal; the smallest set of changes that flips it.\n"},
	{"routes", cmd_routes, cli_opts_routes, ONE(NULL, 0, CLI_NO_STORE),
	 "print the HTTP routes the server serves", NULL},
	{NULL, NULL, NULL, NULL, NULL, NULL},
};

/* `council --help`, in the command's language (po/en.po, po/fr.po: cli.help.intro,
 * the commands' summaries, cli.help.outro). */
static void usage_all(FILE *f)
{
	fprintf(f, "%s %s\n\n%s\n", cn_msg(cli_lang(), CN_M_CLI_HELP_USAGE_WORD),
		"council [--db STORE] [--lang en|fr] COMMAND [options]",
		cn_msg(cli_lang(), CN_M_CLI_HELP_INTRO));
	for (const struct cmd *c = cli_commands; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, cli_summary_text(c));
	fprintf(f, "\n%s\n", cn_msg(cli_lang(), CN_M_CLI_HELP_OUTRO));
}

int cli_fail(const struct cli *c, const struct cn_err *err)
{
	(void)c;
	fprintf(stderr, "council: %s\n", err->msg);
	return err->code == CN_EUSAGE ? EXIT_USAGE : EXIT_REFUSED;
}

static const struct cmd *find(const char *name)
{
	for (const struct cmd *k = cli_commands; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

/* How a form's needs open the store.  The app loads the log's signing
 * key on every read-write open, so CLI_SIGNER opens like CLI_STORE_RW. */
static int store_flags(unsigned needs)
{
	return (needs & (CLI_STORE_RW | CLI_SIGNER) ? 0 : CN_STORE_READONLY) |
	       (needs & CLI_SCAN ? CN_STORE_SCAN : 0);
}

/* A command that runs and exits takes its heap from the kernel in 2 MiB
 * pages: on the machines measured a page fault cost more than most of
 * what a short command does, and mimalloc faulted a 4 KiB page at a time.
 * `verify` of 10,000 events took 1,346 faults and 69.5 ms, with 2 MiB
 * pages 564 and 62.4 ms; `verify --export` of 50,000 events 3,060 and
 * 113 ms, 142 and 84 ms; `proposals` 515 faults and 12 ms, 137 and 7 ms
 * (docs/PERFORMANCE.md).  Not the server (CLI_SERVES): it runs for
 * months, and its memory is counted.
 *
 * mimalloc 2.0's option first asks mmap for pages of the hugetlbfs pool
 * (MAP_HUGETLB), then the kernel's transparent huge pages: on a host that
 * keeps a pool (a PostgreSQL server's huge_pages), a command would hold
 * pages set aside for another program, and hold them to its end (such
 * memory is never given back early).  So only where the pool is empty,
 * and not when the operator set the option in the environment
 * (MIMALLOC_LARGE_OS_PAGES), which mimalloc reads itself. */
#ifdef CN_MIMALLOC
/* Read with open(2), not stdio: the heap is not touched before the
 * option is set.  (A FILE's malloc and free before it took a 10,000-event
 * verify from 735 page faults back to 1,524: measured, not explained.) */
static int hugetlb_pool_empty(void)
{
	char b[32];
	int fd = open("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
		      O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 1; /* no 2 MiB pool in this kernel: MAP_HUGETLB fails */
	n = read(fd, b, sizeof(b) - 1);
	close(fd);
	/* unreadable: taken as a pool */
	return n > 0 && b[0] == '0' && (n == 1 || b[1] == '\n');
}
#endif

static void short_heap(void)
{
#ifdef CN_MIMALLOC
	if (!getenv("MIMALLOC_LARGE_OS_PAGES") && hugetlb_pool_empty())
		mi_option_enable(mi_option_large_os_pages);
#endif
}

/* The real time, in seconds: a writer's clock (cn_app_follow_clock). */
static int64_t wall_clock(void)
{
	return (int64_t)time(NULL);
}

static int run(struct cli *c, const struct cmd *k, int argc, char **argv)
{
	struct cli_args a;
	struct cn_app *app = NULL;
	struct cn_err err = {0};
	int rc;

	c->cmd = k;
	if ((rc = cli_parse(c, argc, argv, &a)))
		return rc == CLI_HELP_SHOWN ? 0 : rc;
	unsigned needs = a.form->needs;
	if (!(needs & CLI_SERVES))
		short_heap();
	for (int i = 0; k->opts && k->opts[i].name; i++)
		if (a.val[i] && (k->opts[i].flags & CLI_OPT_NO_STORE))
			needs = CLI_NO_STORE;
	if (needs & (CLI_STORE_RO | CLI_STORE_RW) &&
	    (needs & CLI_STORE_ONLY
		     ? cn_app_open_store(c->db, store_flags(needs), &app, &err)
	     : needs & CLI_VIEWS
		     ? cn_app_open_registry(c->db, store_flags(needs), &app, &err)
		     : cn_app_open(c->db, store_flags(needs), &app, &err))) {
		if (!(needs & CLI_OPEN_ERR_OWN))
			return cli_fail(c, &err);
		c->open_err = err;
		app = NULL;
	}
	/* Give a writer the real time: an event dated after it is refused
	 * (core/timeline.h), whatever --at says.  Without --at the write is
	 * dated when it holds the store's lock (app.h, cn_app_follow_clock). */
	if (app && (needs & CLI_SIGNER)) {
		cn_app_set_clock(app, wall_clock());
		if (!c->at)
			cn_app_follow_clock(app, wall_clock);
	}
	cli_run_fn fn = a.form->run ? a.form->run : k->run;
	assert(fn);
	rc = fn(c, &a, app);
	cn_app_close(app);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli c = {0};
	const struct cmd *k;
	int i = 1, lang_given = 0;

	/* Before jansson allocates and before any thread: out of memory in
	 * a parse is then told from bad input (core/json_alloc.h). */
	cn_json_alloc_install();
	c.db = getenv("COUNCIL_DB") ? getenv("COUNCIL_DB") : "council.db";
	c.now = (int64_t)time(NULL);
	if (sodium_init() < 0) {
		fprintf(stderr, "council: libsodium failed to initialise\n");
		return EXIT_REFUSED;
	}
	while (i < argc && argv[i][0] == '-') {
		const char *lang_opt = NULL;
		if (!strcmp(argv[i], "--lang") && i + 1 >= argc) {
			fprintf(stderr, "council: --lang needs a language: en or fr\n");
			return EXIT_USAGE;
		}
		if (!strcmp(argv[i], "--lang"))
			lang_opt = argv[++i];
		else if (!strncmp(argv[i], "--lang=", 7))
			lang_opt = argv[i] + 7;
		if (lang_opt) {
			if (cli_choose_lang(lang_opt)) {
				fprintf(stderr, "council: --lang: '%s' is not a "
					"language of council: en or fr\n", lang_opt);
				return EXIT_USAGE;
			}
			lang_given = 1;
			i++;
			continue;
		}
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			if (!lang_given)
				cli_choose_lang(NULL);
			usage_all(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("council %s\ndatasets: %s\nweb page: %s\n",
			       cli_version, cli_datadir(),
			       *cli_webdir() ? cli_webdir() : "(none: COUNCIL_WEB is empty)");
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
	if (!lang_given)
		cli_choose_lang(NULL);
	if (i >= argc) {
		usage_all(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		if (i + 1 >= argc) {
			usage_all(stdout);
			return 0;
		}
		/* What meson.build installs: council(1) and the completion,
		 * from the tables --help prints. */
		if (!strcmp(argv[i + 1], "--man") && i + 2 == argc)
			return cli_man(stdout) || fflush(stdout) ? EXIT_REFUSED : 0;
		if (!strcmp(argv[i + 1], "--completion") && i + 3 == argc &&
		    !strcmp(argv[i + 2], "bash"))
			return cli_completion_bash(stdout) || fflush(stdout)
				? EXIT_REFUSED : 0;
		if (!(k = find(argv[i + 1]))) {
			fprintf(stderr, "council: '%s' is not a council command\n",
				argv[i + 1]);
			return EXIT_USAGE;
		}
		cli_help(k, stdout);
		return 0;
	}
	if ((k = find(argv[i])))
		return run(&c, k, argc - i, argv + i);
	fprintf(stderr, "council: '%s' is not a council command\n", argv[i]);
	usage_all(stderr);
	return EXIT_USAGE;
}
