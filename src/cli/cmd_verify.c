/*
 * cmd_verify.c - `council verify`: check the whole record of a store (hash
 * chain, Merkle tree, signed checkpoints, projections against a replay),
 * optionally against a checkpoint kept from earlier; or, with --export, an
 * exported log without any store.  main.c opens the store read-only
 * without folding its log (none with --export): verify folds it itself;
 * a store that does not open fails verification.
 * With --since, only what was added after a trusted checkpoint
 * (app/verify_since.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/export.h"
#include "../core/checkpoint.h"
#include "cli.h"
#include "util.h"

enum { VERIFY_LOG_KEY, VERIFY_CHECKPOINT, VERIFY_SINCE, VERIFY_EXPORT,
       VERIFY_JSON };
const struct cli_opt cli_opts_verify[] = {
	[VERIFY_LOG_KEY] = OPT_VAL("log-key", "KEY",
		"the log's published key (text or file); default:\n"
		"the key the store names (self-consistency only)"),
	[VERIFY_CHECKPOINT] = OPT_VAL("checkpoint", "NOTE",
		"a checkpoint kept from earlier (text or file): the\n"
		"store must still contain it (detects a rollback)"),
	[VERIFY_SINCE] = OPT_VAL("since", "NOTE",
		"a checkpoint you trust (text or file, e.g. from\n"
		"`log checkpoint`): check only what was added since\n"
		"(its root still given, the new events chained from\n"
		"it, the checkpoints since); not the projections"),
	[VERIFY_EXPORT] = {.name = "export", .arg = "FILE",
		.flags = CLI_OPT_NO_STORE,
		.help = "verify an exported log, without any store (an\n"
			"audience's too: the entries it may not see are\n"
			"checked as commitments only, and counted)"},
	[VERIFY_JSON] = OPT_JSON,
	OPT_END};

/* How the checkpoints' signatures were established, after "N signed
 * checkpoints verified": each by its Ed25519 check, or (a log that
 * chains them, checkpoint.h) all but a few through the next one's
 * chain line. */
static const char *by_how(int64_t n, int64_t chained, char *buf, size_t len)
{
	if (!chained)
		return "";
	snprintf(buf, len, " (%lld by their signature, the other %lld by the "
		 "hash of each that the next one signs)",
		 (long long)(n - chained), (long long)chained);
	return buf;
}

/* The store must contain the tree a checkpoint signed: not shorter (a
 * rollback), and giving the same root at its size. */
static int check_against(struct cn_app *app, const char *note, const char *vkey,
			 struct cn_err *err)
{
	struct cn_checkpoint cp;
	uint8_t pk[32], root[32];
	uint64_t size;
	char *name = NULL, *stored = NULL;
	int rc;

	if (!vkey && cn_store_get_meta(cn_app_store(app), "log_vkey", &stored, err))
		return CN_ECORRUPT;
	rc = cn_note_vkey_decode(vkey ? vkey : stored, &name, pk, err);
	if (rc == 0 && (rc = cn_checkpoint_verify(note, strlen(note), name, pk, &cp,
						  err)) == 0) {
		if ((rc = cn_store_tree_size(cn_app_store(app), &size, err)) == 0) {
			if (cp.size > size)
				rc = cn_err_set(err, CN_ECORRUPT,
						"the log has %llu events but a "
						"checkpoint of size %llu was signed: "
						"it was rolled back or truncated",
						(unsigned long long)size,
						(unsigned long long)cp.size);
			else if ((rc = cn_store_root_at(cn_app_store(app), cp.size,
							root, err)) == 0 &&
				 memcmp(root, cp.root, 32))
				rc = cn_err_set(err, CN_ECORRUPT,
						"the log is not consistent with the "
						"checkpoint of size %llu: its first "
						"%llu events were changed",
						(unsigned long long)cp.size,
						(unsigned long long)cp.size);
		}
		cn_checkpoint_release(&cp);
	} else if (rc)
		cn_err_prefix(err, "checkpoint: ");
	free(name);
	free(stored);
	return rc;
}

static int verify_export(const char *path, const char *vkey, int keyed)
{
	struct cn_export_stats stx;
	struct cn_err err = {0};
	char how[160];

	if (cn_verify_export(path, vkey, &stx, &err)) {
		fprintf(stderr, "council: verify failed: %s\n", err.msg);
		return EXIT_REFUSED;
	}
	printf("ok: %lld events (%llu bytes), export for %s, %lld of them "
	       "checked only as commitments; hash chain intact; Merkle tree "
	       "and %lld signed checkpoints verified%s%s\n",
	       (long long)stx.events, (unsigned long long)stx.bytes,
	       stx.audience, (long long)stx.commitments,
	       (long long)stx.checkpoints,
	       by_how(stx.checkpoints, stx.chained, how, sizeof(how)),
	       keyed ? "" : " (against the key the file names: give "
			    "--log-key to check it is the log's)");
	return 0;
}

/* --since: the events after a trusted checkpoint, and nothing else. */
static int verify_since(struct cli *c, struct cn_app *app, const char *trusted,
			const char *vkey)
{
	struct cn_verify_since vs = {0};
	struct cn_err err = {0};
	char how[160];
	int rc;

	if (!app) {
		err = c->open_err;
		rc = err.code;
	} else
		rc = cn_app_verify_since(app, trusted, vkey, &vs, &err);
	if (c->json) {
		cli_print_json(json_pack("{s:b, s:I, s:I, s:I, s:I, s:s}", "ok",
					 rc == 0, "since", (json_int_t)vs.trusted,
					 "events", (json_int_t)vs.events,
					 "checkpoints", (json_int_t)vs.checkpoints,
					 "chained", (json_int_t)vs.chained,
					 "message",
					 rc ? err.msg : "the events since the trusted "
					 "checkpoint verified"));
		return rc ? EXIT_REFUSED : 0;
	}
	if (rc) {
		fprintf(stderr, "council: verify failed: %s\n", err.msg);
		return EXIT_REFUSED;
	}
	printf("ok: events %llu to %lld since the trusted checkpoint of size "
	       "%llu: its root still given, hash chain intact from it, %lld "
	       "signed checkpoints since verified%s; not checked: the events it "
	       "covers, projections, snapshots and member signatures (verify "
	       "without --since checks them)\n",
	       (unsigned long long)vs.trusted + 1, (long long)vs.events,
	       (unsigned long long)vs.trusted, (long long)vs.checkpoints,
	       by_how(vs.checkpoints, vs.chained, how, sizeof(how)));
	return 0;
}

int cmd_verify(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const char *logkey = a->val[VERIFY_LOG_KEY];
	const char *checkpoint = a->val[VERIFY_CHECKPOINT];
	struct cn_err err = {0};
	struct cn_verify_report rep = {0};
	char *vkey = NULL, *note = NULL, how[160];
	int rc;

	if (a->val[VERIFY_EXPORT] && (checkpoint || a->val[VERIFY_SINCE]))
		return cli_usage(c, "--checkpoint and --since are checked against "
				 "a store; an export carries its own checkpoints");
	if (checkpoint && a->val[VERIFY_SINCE])
		return cli_usage(c, "--since checks from the checkpoint it is "
				 "given; --checkpoint goes with a full verify");
	if (logkey && !(vkey = cli_text_or_file(logkey, 0)))
		return cli_usage(c, "cannot read --log-key %s", logkey);
	if (a->val[VERIFY_EXPORT]) {
		rc = verify_export(a->val[VERIFY_EXPORT], vkey, logkey != NULL);
		free(vkey);
		return rc;
	}
	if (a->val[VERIFY_SINCE]) {
		if (!(note = cli_text_or_file(a->val[VERIFY_SINCE], 1)))
			rc = cli_usage(c, "cannot read --since %s",
				       a->val[VERIFY_SINCE]);
		else
			rc = verify_since(c, app, note, vkey);
		free(vkey);
		free(note);
		return rc;
	}
	if (checkpoint && !(note = cli_text_or_file(checkpoint, 1))) {
		free(vkey);
		return cli_usage(c, "cannot read --checkpoint %s", checkpoint);
	}
	if (!app) {
		err = c->open_err;
		rc = err.code;
	} else
		rc = cn_app_verify_report(app, vkey, &rep, &err);
	if (rc == 0 && note)
		rc = check_against(app, note, vkey, &err);
	free(vkey);
	free(note);
	if (c->json) {
		cli_print_json(json_pack("{s:b, s:I, s:I, s:I, s:s}", "ok",
					 rc == 0, "events", (json_int_t)rep.events,
					 "checkpoints", (json_int_t)rep.checkpoints,
					 "chained", (json_int_t)rep.chained,
					 "message",
					 rc ? err.msg : "chain, tree, checkpoints "
							"and projections verified"));
		return rc ? EXIT_REFUSED : 0;
	}
	if (rc) {
		fprintf(stderr, "council: verify failed: %s\n", err.msg);
		return EXIT_REFUSED;
	}
	printf("ok: %lld events; hash chain intact; Merkle tree and %lld signed "
	       "checkpoints verified%s%s; projections match a replay of the "
	       "log\n", (long long)rep.events, (long long)rep.checkpoints,
	       by_how(rep.checkpoints, rep.chained, how, sizeof(how)),
	       checkpoint ? "; consistent with the given checkpoint" : "");
	return 0;
}
