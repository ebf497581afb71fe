/*
 * cmd_log.c - the record as others can check it: the log key, the latest
 * signed checkpoint, inclusion proofs, export to a file, offline
 * verification of an export, and receipts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/export.h"
#include "../core/checkpoint.h"
#include "../core/merkle.h"
#include "cli.h"

int cli_log_sub(struct cli *c, int np, const char **pos, const char *size,
		const char *audience)
{
	struct cn_audience aud;
	struct cn_app *app;
	struct cn_err err = {0};
	int rc;

	if ((rc = cli_open(c, CN_STORE_READONLY, &app)))
		return rc;
	struct cn_store *st = cn_app_store(app);
	if (!strcmp(pos[0], "key") && np == 1) {
		char *vkey = NULL;
		if ((rc = cn_store_get_meta(st, "log_vkey", &vkey, &err)) == 0)
			printf("%s\n", vkey);
		free(vkey);
	} else if (!strcmp(pos[0], "checkpoint") && np == 1) {
		char *note = NULL;
		uint64_t n;
		if ((rc = cn_store_checkpoint_latest(st, &note, &n, NULL, &err)) == 0) {
			if (c->json)
				cli_print_json(json_pack("{s:I, s:s}", "size",
							 (json_int_t)n, "note", note));
			else
				fputs(note, stdout);
		}
		free(note);
	} else if (!strcmp(pos[0], "export") && np == 2) {
		FILE *f = NULL;
		if (!(rc = cn_audience_parse(audience ? audience : "all", &aud, &err)) &&
		    !(f = strcmp(pos[1], "-") ? fopen(pos[1], "w") : stdout))
			rc = cn_err_set(&err, CN_EIO, "%s: cannot create", pos[1]);
		else if (f) {
			rc = cn_app_export(app, f, &aud, c->now, &err);
			if (f != stdout && fclose(f) && !rc)
				rc = cn_err_set(&err, CN_EIO, "%s: write failed", pos[1]);
		}
	} else if (!strcmp(pos[0], "proof") && np == 2) {
		struct cn_merkle_proof proof;
		uint64_t n, idx = strtoull(pos[1], NULL, 10);
		char *note = NULL;
		rc = cn_store_checkpoint_latest(st, &note, &n, NULL, &err);
		if (rc == 0 && size)
			n = strtoull(size, NULL, 10);
		if (rc == 0 && (rc = cn_store_inclusion(st, idx, n, &proof, &err)) == 0)
			cli_print_json(json_pack("{s:I, s:I, s:o}", "index",
						 (json_int_t)idx, "size", (json_int_t)n,
						 "proof", cn_proof_json(&proof)));
		free(note);
	} else {
		cn_app_close(app);
		return cli_usage(c, "log", "unknown: try 'council log key', 'log "
				 "checkpoint', 'log export FILE [--for AUDIENCE]', 'log "
				 "proof INDEX'");
	}
	cn_app_close(app);
	return rc ? cli_fail(c, &err) : 0;
}

/* ---- receipts ------------------------------------------------------------ */

struct last_stmt {
	const char *member;
	int64_t seq;
};

static int find_stmt(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct last_stmt *ls = ctx;
	const char *m = json_string_value(json_object_get(ev->payload, "member"));
	(void)err;
	if (m && !strcmp(m, ls->member) && ev->et &&
	    (ev->et->flags & CN_EVT_STATEMENT))
		ls->seq = ev->seq;
	return 0;
}

int cli_write_receipt(struct cn_app *app, int64_t id, const char *member,
		      const char *path, struct cn_err *err)
{
	struct cn_store *st = cn_app_store(app);
	struct last_stmt ls = {member, 0};
	json_t *r = NULL;
	int rc;

	if ((rc = cn_store_proposal_events(st, id, find_stmt, &ls, err)))
		return rc;
	if (!ls.seq)
		return cn_err_set(err, CN_ENOTFOUND, "no statement by %s on %lld",
				  member, (long long)id);
	if ((rc = cn_receipt_json(st, ls.seq, &r, err)) == 0) {
		FILE *f = fopen(path, "w");
		if (!f || json_dumpf(r, f, JSON_INDENT(2)) || fputc('\n', f) == EOF)
			rc = cn_err_set(err, CN_EIO, "%s: cannot write the receipt", path);
		if (f && fclose(f) && !rc)
			rc = cn_err_set(err, CN_EIO, "%s: cannot write the receipt", path);
		json_decref(r);
	}
	return rc;
}

/* `council receipt verify FILE --log-key KEY`: offline, no store. */
int cmd_receipt(struct cli *c, int argc, char **argv)
{
	const char *logkey = NULL, *pos[2];
	struct cli_opt opts[] = {OPT_VAL("log-key", &logkey), OPT_END};
	struct cn_err err = {0};
	json_error_t je;
	int np, rc;

	if ((rc = cli_parse(c, "receipt", argc, argv, opts, pos, 2, &np)))
		return rc;
	if (np != 2 || strcmp(pos[0], "verify"))
		return cli_usage(c, "receipt", "council receipt verify FILE --log-key KEY");
	json_t *r = json_load_file(pos[1], JSON_REJECT_DUPLICATES, &je);
	if (!r) {
		fprintf(stderr, "council: %s: line %d, column %d: %s\n", pos[1], je.line,
			je.column, je.text);
		return EXIT_REFUSED;
	}
	const char *event = json_string_value(json_object_get(r, "event"));
	const char *salt64 = json_string_value(json_object_get(r, "salt"));
	const char *note = json_string_value(json_object_get(r, "checkpoint"));
	const json_t *pj = json_object_get(r, "proof");
	json_int_t index = json_integer_value(json_object_get(r, "index"));
	char *vkey = logkey ? cli_text_or_file(logkey, 0) : NULL, *name = NULL;
	uint8_t pk[32], leaf[32], salt[CN_SALT_LEN];
	size_t nsalt = 0;
	struct cn_checkpoint cp;
	struct cn_merkle_proof proof;
	const char *elems[CN_MERKLE_PROOF_MAX];
	struct cn_event ev;

	if (json_integer_value(json_object_get(r, "council_receipt")) !=
	    CN_RECEIPT_FORMAT) {
		rc = cn_err_set(&err, CN_EINVAL, "%s: not a council receipt of "
				"format %d (blinded leaves)", pos[1],
				CN_RECEIPT_FORMAT);
		goto out;
	}
	if (!event || !note || !salt64 || !json_is_array(pj) ||
	    json_array_size(pj) > CN_MERKLE_PROOF_MAX || index < 0) {
		rc = cn_err_set(&err, CN_EINVAL, "%s: not a council receipt", pos[1]);
		goto out;
	}
	if (cn_base64_decode(salt64, strlen(salt64), salt, sizeof(salt), &nsalt) ||
	    nsalt != CN_SALT_LEN) {
		rc = cn_err_set(&err, CN_EINVAL, "%s: its salt is not base64 of %d "
				"bytes", pos[1], CN_SALT_LEN);
		goto out;
	}
	if (!vkey) {
		rc = cn_err_set(&err, CN_EINVAL, "--log-key is required: the log's "
				"published key (the receipt's own copy proves nothing)");
		goto out;
	}
	for (size_t i = 0; i < json_array_size(pj); i++)
		elems[i] = json_string_value(json_array_get(pj, i)) ? json_string_value(json_array_get(pj, i)) : "";
	if ((rc = cn_note_vkey_decode(vkey, &name, pk, &err)) ||
	    (rc = cn_checkpoint_verify(note, strlen(note), name, pk, &cp, &err))) {
		cn_err_prefix(&err, "checkpoint: ");
		goto out;
	}
	/* The leaf is computed here, from the bytes and the salt: never
	 * taken from what came with the proof. */
	cn_event_hash(salt, event, strlen(event), leaf);
	rc = cn_merkle_proof_parse(elems, json_array_size(pj), CN_MERKLE_BASE64,
				   &proof, &err);
	if (rc == 0)
		rc = cn_merkle_verify_inclusion((uint64_t)index, cp.size, leaf,
						proof.node, proof.len, cp.root, &err);
	if (rc == 0 && cn_event_decode(event, strlen(event), &ev, &err) == 0) {
		if (ev.seq != index + 1)
			rc = cn_err_set(&err, CN_ECORRUPT, "the event says it is number "
					"%lld, the receipt %lld", (long long)ev.seq,
					(long long)index + 1);
		else
			printf("ok: event %lld (%s by %s) is in the log signed at size "
			       "%llu by %s\n", (long long)ev.seq, ev.type, ev.actor,
			       (unsigned long long)cp.size, name);
		cn_event_release(&ev);
	} else if (rc == 0)
		rc = CN_ECORRUPT;
	cn_checkpoint_release(&cp);
out:
	json_decref(r);
	free(vkey);
	free(name);
	if (rc) {
		fprintf(stderr, "council: receipt does not verify: %s\n", err.msg);
		return EXIT_REFUSED;
	}
	return 0;
}
