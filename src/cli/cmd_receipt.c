/*
 * cmd_receipt.c - receipts: the file `respond --receipt` writes (the
 * event and its salt, a signed checkpoint and the event's inclusion
 * proof), and
 * `council receipt verify FILE --log-key KEY`, which checks one offline,
 * with no store, and says so in the command's language (cli.receipt.*;
 * the reason a receipt fails is core's, in English, like every error).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../app/export.h"
#include "../app/json_file.h"
#include "../core/checkpoint.h"
#include "../core/event_type.h"
#include "../core/merkle.h"
#include "cli.h"
#include "util.h"

/* ---- writing, for respond -------------------------------------------------- */

int cli_receipt_open(struct cli_receipt *r, const char *path,
		     struct cn_err *err)
{
	/* Create it if new, but truncate nothing yet: if the command is
	 * refused, an existing file is left as it was. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);

	memset(r, 0, sizeof(*r));
	r->path = path;
	r->created = fd >= 0;
	if (fd < 0 && errno == EEXIST)
		fd = open(path, O_WRONLY);
	if (fd < 0 || !(r->f = fdopen(fd, "w"))) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		if (r->created)
			unlink(path);
		return cn_err_set(err, CN_EIO, "%s: cannot write the receipt: %s",
				  path, strerror(e));
	}
	return 0;
}

void cli_receipt_abandon(struct cli_receipt *r)
{
	if (!r->f)
		return;
	fclose(r->f);
	r->f = NULL;
	if (r->created)
		unlink(r->path);
}

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

int cli_receipt_write(struct cli_receipt *r, struct cn_app *app, int64_t id,
		      const char *member, struct cn_err *err)
{
	struct cn_store *st = cn_app_store(app);
	struct last_stmt ls = {member, 0};
	json_t *doc = NULL;
	int rc;

	if ((rc = cn_store_proposal_events(st, id, find_stmt, &ls, err)) == 0 &&
	    !ls.seq)
		rc = cn_err_set(err, CN_ENOTFOUND, "no statement by %s on %lld",
				member, (long long)id);
	if (rc == 0 && (rc = cn_receipt_json(st, ls.seq, &doc, err)) == 0) {
		if (ftruncate(fileno(r->f), 0) ||
		    json_dumpf(doc, r->f, JSON_INDENT(2)) || fputc('\n', r->f) == EOF)
			rc = cn_err_set(err, CN_EIO, "%s: cannot write the receipt",
					r->path);
		json_decref(doc);
	}
	if (fclose(r->f) && !rc)
		rc = cn_err_set(err, CN_EIO, "%s: cannot write the receipt", r->path);
	r->f = NULL;
	return rc;
}

/* ---- council receipt verify ------------------------------------------------ */

enum { RECEIPT_LOG_KEY };
const struct cli_opt cli_opts_receipt[] = {
	/* Not CLI_OPT_REQUIRED: without it the receipt is refused (exit 1)
	 * with the reason, as before the option tables. */
	[RECEIPT_LOG_KEY] = OPT_VAL("log-key", "KEY",
				    "the log's published key (text or file);\n"
				    "needed: the receipt's own copy proves nothing"),
	OPT_END};

/* The checkpoint is signed by vkey and the proof leads from the event's
 * leaf (its bytes hashed with its salt) to its root; prints what it
 * proves. */
static int check(const json_t *r, const char *path, const char *vkey,
		 struct cn_err *err)
{
	const char *event = json_string_value(json_object_get(r, "event"));
	const char *salt64 = json_string_value(json_object_get(r, "salt"));
	const char *note = json_string_value(json_object_get(r, "checkpoint"));
	const json_t *pj = json_object_get(r, "proof");
	json_int_t index = json_integer_value(json_object_get(r, "index"));
	const char *elems[CN_MERKLE_PROOF_MAX];
	uint8_t pk[32], leaf[32], salt[CN_SALT_LEN];
	struct cn_checkpoint cp;
	struct cn_merkle_proof proof;
	struct cn_event ev;
	char *name = NULL;
	size_t nsalt = 0;
	int rc;

	if (json_integer_value(json_object_get(r, "council_receipt")) !=
	    CN_RECEIPT_FORMAT)
		return cn_err_set(err, CN_EINVAL, "%s: not a council receipt of "
				  "format %d (blinded leaves)", path,
				  CN_RECEIPT_FORMAT);
	if (!event || !note || !salt64 || !json_is_array(pj) ||
	    json_array_size(pj) > CN_MERKLE_PROOF_MAX || index < 0)
		return cn_err_set(err, CN_EINVAL, "%s: not a council receipt", path);
	if (cn_base64_decode(salt64, strlen(salt64), salt, sizeof(salt), &nsalt) ||
	    nsalt != CN_SALT_LEN)
		return cn_err_set(err, CN_EINVAL, "%s: its salt is not base64 of %d "
				  "bytes", path, CN_SALT_LEN);
	if (!vkey)
		return cn_err_set(err, CN_EINVAL, "--log-key is required: the log's "
				  "published key (the receipt's own copy proves "
				  "nothing)");
	for (size_t i = 0; i < json_array_size(pj); i++) {
		const char *e = json_string_value(json_array_get(pj, i));
		elems[i] = e ? e : "";
	}
	if ((rc = cn_note_vkey_decode(vkey, &name, pk, err)) ||
	    (rc = cn_checkpoint_verify(note, strlen(note), name, pk, &cp, err))) {
		free(name);
		return cn_err_prefix(err, "checkpoint: ");
	}
	/* The leaf is computed here, from the bytes and the salt: never
	 * taken from what came with the proof. */
	cn_event_hash(salt, event, strlen(event), leaf);
	rc = cn_merkle_proof_parse(elems, json_array_size(pj), CN_MERKLE_BASE64,
				   &proof, err);
	if (rc == 0)
		rc = cn_merkle_verify_inclusion((uint64_t)index, cp.size, leaf,
						proof.node, proof.len, cp.root, err);
	if (rc == 0 && (rc = cn_event_decode(event, strlen(event), &ev, err)) == 0) {
		if (ev.seq != index + 1)
			rc = cn_err_set(err, CN_ECORRUPT, "the event says it is number "
					"%lld, the receipt %lld", (long long)ev.seq,
					(long long)index + 1);
		else {
			char seq[24], size[24];

			snprintf(seq, sizeof(seq), "%lld", (long long)ev.seq);
			snprintf(size, sizeof(size), "%llu",
				 (unsigned long long)cp.size);
			cli_say(CN_M_CLI_RECEIPT_OK, "seq", seq, "type", ev.type,
				"actor", ev.actor, "size", size, "key", name,
				(char *)NULL);
			putchar('\n');
		}
		cn_event_release(&ev);
	}
	cn_checkpoint_release(&cp);
	free(name);
	return rc;
}

int cmd_receipt(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const char *path = a->pos[0], *logkey = a->val[RECEIPT_LOG_KEY];
	struct cn_err err = {0};
	char *vkey = NULL;
	json_t *r;
	int rc;
	(void)app;

	if (!(r = cn_json_file_load(path, "receipt", &err)))
		return cli_fail(c, &err);
	if (logkey && !(vkey = cli_text_or_file(logkey, 0))) {
		json_decref(r);
		return cli_usage(c, "cannot read --log-key %s", logkey);
	}
	rc = check(r, path, vkey, &err);
	json_decref(r);
	free(vkey);
	if (rc) {
		cli_say_err(CN_M_CLI_RECEIPT_FAILED, "reason", err.msg,
			    (char *)NULL);
		fputc('\n', stderr);
		return EXIT_REFUSED;
	}
	return 0;
}
