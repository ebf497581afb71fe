/*
 * cmd_log.c - `council log`: the event log as people and other programs
 * read it.  Alone: the events, one a line (--json: the stored canonical
 * bytes); `key`: the log's public key; `checkpoint`: the latest signed
 * checkpoint; `proof INDEX`: an inclusion proof; `export FILE [--for
 * AUDIENCE]`: events and checkpoints as JSON Lines, for `council verify
 * --export` (for one audience: what it may see in full, the rest as leaf
 * hashes).  Every form reads; main.c opens the store read-only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/export.h"
#include "../core/filebuf.h"
#include "cli.h"
#include "util.h"

enum { LOG_PROPOSAL, LOG_FROM, LOG_LIMIT, LOG_SIZE, LOG_FOR, LOG_JSON };
const struct cli_opt cli_opts_log[] = {
	[LOG_PROPOSAL] = {.name = "proposal", .arg = "ID", .only = "-",
			  .flags = CLI_OPT_ID,
			  .help = "only the events of this proposal (read through\n"
				  "its index: as fast on a long log as a short one)"},
	[LOG_FROM] = {.name = "from", .arg = "SEQ", .only = "-",
		      .flags = CLI_OPT_ID, .help = "from event SEQ on"},
	[LOG_LIMIT] = {.name = "limit", .arg = "N", .only = "-",
		       .flags = CLI_OPT_ID,
		       .help = "at most N events (default: all); when more\n"
			       "follow, the --from that reads them is said last\n"
			       "(--json: on stderr, stdout stays events)"},
	[LOG_SIZE] = {.name = "size", .arg = "N", .only = "proof",
		      .help = "the tree size to prove against (default: the\n"
			      "latest checkpoint's)"},
	[LOG_FOR] = {.name = "for", .arg = "AUDIENCE", .only = "export",
		     .help = "all (default: every event, with its salt),\n"
			     "member:CODE, partner:CODE or public: the events\n"
			     "that principal may see in full, with their salts,\n"
			     "the others as their leaf hashes only"},
	[LOG_JSON] = {.name = "json", .flags = CLI_OPT_JSON, .only = "- checkpoint",
		      .help = "one event per line, exactly the stored canonical\n"
			      "bytes (checkpoint: its size and note)"},
	OPT_END};

struct listing {
	int64_t from;         /* the first event listed */
	int64_t limit;        /* 0: no limit */
	int64_t n;            /* events listed so far */
	int64_t next;         /* the first event not listed, 0: none */
	int raw;              /* the stored bytes, not a summary */
};

/* Stops the scan (1: not an error code, which are negative) at the first
 * event past the limit, remembering it as the next page's start. */
static int log_line(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct listing *l = ctx;
	(void)err;

	if (ev->seq < l->from)
		return 0;
	if (l->limit && l->n == l->limit) {
		l->next = ev->seq;
		return 1;
	}
	l->n++;
	if (l->raw) {
		fwrite(ev->bytes, 1, ev->len, stdout);
		fputc('\n', stdout);
	} else
		cli_print_event(ev);
	return 0;
}

int cmd_log(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct listing l = {.from = a->val[LOG_FROM] ? a->num[LOG_FROM] : 1,
			    .limit = a->val[LOG_LIMIT] ? a->num[LOG_LIMIT] : 0,
			    .raw = c->json};
	struct cn_err err = {0};
	int rc;

	if (a->val[LOG_LIMIT] && l.limit < 1)
		return cli_usage(c, "--limit: '%s' must be at least 1",
				 a->val[LOG_LIMIT]);
	/* One proposal's events through its index, not a scan of the log
	 * (for display, as `show` reads them: the chain is verify's). */
	rc = a->val[LOG_PROPOSAL]
		? cn_store_proposal_events(cn_app_store(app), a->num[LOG_PROPOSAL],
					   log_line, &l, &err)
		: cn_store_scan(cn_app_store(app), l.from, log_line, &l, &err);
	if (rc < 0)
		return cli_fail(c, &err);
	if (l.next) {
		char seq[24];
		snprintf(seq, sizeof(seq), "%lld", (long long)l.next);
		if (c->json) {
			fflush(stdout);
			fprintf(stderr, "council: more events follow: --from %s\n", seq);
		} else {
			cli_say_more("--from", seq);
		}
	}
	return 0;
}

int cmd_log_key(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_err err = {0};
	char *vkey = NULL;
	(void)a;

	if (cn_store_get_meta(cn_app_store(app), "log_vkey", &vkey, &err))
		return cli_fail(c, &err);
	printf("%s\n", vkey);
	free(vkey);
	return 0;
}

int cmd_log_checkpoint(struct cli *c, const struct cli_args *a,
		       struct cn_app *app)
{
	struct cn_err err = {0};
	char *note = NULL;
	uint64_t n;
	(void)a;

	if (cn_store_checkpoint_latest(cn_app_store(app), &note, &n, NULL, &err))
		return cli_fail(c, &err);
	if (c->json)
		cli_print_json(json_pack("{s:I, s:s}", "size", (json_int_t)n,
					 "note", note));
	else
		fputs(note, stdout);
	free(note);
	return 0;
}

int cmd_log_proof(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_store *st = cn_app_store(app);
	struct cn_err err = {0};
	struct cn_merkle_proof pr;
	int64_t idx, n = 0;
	uint64_t latest;
	char *note = NULL;
	int rc;

	if ((rc = cli_number(c, a->pos[0], "INDEX", 0, INT64_MAX, &idx)) ||
	    (a->val[LOG_SIZE] &&
	     (rc = cli_number(c, a->val[LOG_SIZE], "--size", 1, INT64_MAX, &n))))
		return rc;
	rc = cn_store_checkpoint_latest(st, &note, &latest, NULL, &err);
	free(note);
	if (rc)
		return cli_fail(c, &err);
	if (!a->val[LOG_SIZE])
		n = (int64_t)latest;
	if (cn_store_inclusion(st, (uint64_t)idx, (uint64_t)n, &pr, &err))
		return cli_fail(c, &err);
	cli_print_json(json_pack("{s:I, s:I, s:o}", "index", (json_int_t)idx,
				 "size", (json_int_t)n, "proof", cn_proof_json(&pr)));
	return 0;
}

int cmd_log_export(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const char *path = a->pos[0];
	struct cn_audience aud;
	struct cn_err err = {0};
	char *wbuf = NULL;
	FILE *f;
	int rc;

	if (cn_audience_parse(cli_or(a->val[LOG_FOR], "all"), &aud, &err))
		return cli_usage(c, "--for: %s", err.msg);
	if (!(f = strcmp(path, "-") ? fopen(path, "w") : stdout)) {
		cn_err_set(&err, CN_EIO, "%s: cannot create", path);
		return cli_fail(c, &err);
	}
	/* a file written 256 KiB at a time */
	if (f != stdout)
		wbuf = cn_filebuf(f, CN_FILEBUF_SIZE);
	/* Sight is decided with the registry as of now (--at). */
	rc = cn_app_export(app, f, &aud, c->now, &err);
	if (f != stdout && fclose(f) && !rc)
		rc = cn_err_set(&err, CN_EIO, "%s: write failed", path);
	free(wbuf);
	return rc ? cli_fail(c, &err) : 0;
}
