/*
 * cmd_migrate.c - `council migrate --from SRC --to DST`: a store's record
 * copied into a new store of either backend (app/migrate.h does the copy
 * and its checks), and the log's signing key put where DST's backend looks
 * for it, so old receipts and checkpoints verify and new ones are signed
 * by the same key.
 *
 * DST is new: a SQLite file that does not exist (built aside and renamed
 * into place, aside.h, after `council verify`'s checks pass on it), or a
 * PostgreSQL database or schema holding no events (filled in one
 * transaction, committed only when the copy matches SRC; then verified).
 * The key is never written over a different one: a key file already at
 * DST's key path must be SRC's key, or migrate refuses, changing nothing.
 * Webhooks come along with their secrets, cursors and delivery log (a
 * notice's claim does not: migrate.h), which the output says.
 * main.c opens no store for it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "../app/migrate.h"
#include "aside.h"
#include "cli.h"

enum { MIG_FROM, MIG_TO };
const struct cli_opt cli_opts_migrate[] = {
	[MIG_FROM] = OPT_REQ("from", "SRC",
			     "the store to copy: a file, or a PostgreSQL\n"
			     "connection string (as --db takes them)"),
	[MIG_TO] = OPT_REQ("to", "DST",
			   "the new store: a file that does not exist, or a\n"
			   "PostgreSQL database or schema holding no events"),
	OPT_END};

/* The log's signing key, as SRC's backend finds it. */
struct log_key {
	char path[600];
	char *name;
	uint8_t sk[CN_NOTE_SECKEY_LEN];
};

static void key_release(struct log_key *k)
{
	free(k->name);
	k->name = NULL;
	sodium_memzero(k->sk, sizeof(k->sk));
}

/* SRC's key, which must be the key of the log SRC holds (meta log_vkey:
 * the public half of sk is its last 32 bytes). */
static int src_key(struct cn_store *st, const char *src, struct log_key *k,
		   struct cn_err *err)
{
	char *vkey = NULL, *vname = NULL;
	uint8_t pk[CN_NOTE_PUBKEY_LEN];
	int rc, bad = 0;

	if ((rc = cn_store_key_path(st, src, k->path, sizeof(k->path), err)))
		return rc;
	if ((rc = cn_app_key_read(k->path, &k->name, k->sk, err)))
		return rc == CN_ENOTFOUND
			? cn_err_set(err, CN_EREFUSED, "%s: the log's signing key "
				     "is not at %s; migrate carries it to the new "
				     "store (for a PostgreSQL store, set COUNCIL_KEY "
				     "to its file)", src, k->path)
			: rc;
	if ((rc = cn_store_get_meta(st, "log_vkey", &vkey, err)) == 0 &&
	    (bad = cn_note_vkey_decode(vkey, &vname, pk, NULL)) == CN_ENOMEM)
		rc = cn_err_set(err, CN_ENOMEM, "out of memory reading the log "
				"key %s names (meta log_vkey)", src);
	else if (rc == 0 &&
	    (bad || strcmp(vname, k->name) ||
	     memcmp(pk, k->sk + CN_NOTE_SECKEY_LEN - CN_NOTE_PUBKEY_LEN,
		    sizeof(pk))))
		rc = cn_err_set(err, CN_EREFUSED, "%s: the key at %s is not the "
				"key of this log (meta log_vkey names %s)", src,
				k->path, vkey);
	else if (rc == CN_ENOTFOUND)
		rc = cn_err_set(err, CN_ECORRUPT, "%s: the store names no log key "
				"(meta log_vkey)", src);
	free(vname);
	free(vkey);
	return rc;
}

/* Whether a key may be put at `path`, where DST's backend looks for it:
 * none there (*absent = 1), or SRC's own key.  A different one is never
 * written over. */
static int key_fits(const struct log_key *k, const char *path, int *absent,
		    struct cn_err *err)
{
	struct log_key there = {0};
	int rc = cn_app_key_read(path, &there.name, there.sk, err);

	*absent = rc == CN_ENOTFOUND;
	if (*absent)
		return 0;
	if (rc == 0 && (strcmp(there.name, k->name) ||
			sodium_memcmp(there.sk, k->sk, sizeof(k->sk))))
		rc = cn_err_set(err, CN_EREFUSED, "%s: a different key is there "
				"already; migrate never writes over a key (move it "
				"away, or set COUNCIL_KEY to another file)", path);
	key_release(&there);
	return rc;
}

static void progress(void *ctx, int64_t done, int64_t total)
{
	(void)ctx;
	fprintf(stderr, "council migrate: %lld of %lld events copied\n",
		(long long)done, (long long)total);
}

/* Copy SRC into the store at path (already holding the key), then check
 * the committed store as `council verify` does. */
static int copy_and_verify(struct cn_store *src, const char *path,
			   struct cn_migrate_report *r, struct cn_err *err)
{
	struct cn_app *app = NULL;
	int64_t nev = 0, ncp = 0;
	int rc;

	if ((rc = cn_app_open(path, CN_STORE_CREATE, &app, err)))
		return rc;
	if ((rc = cn_migrate(src, app, progress, NULL, r, err))) {
		cn_app_close(app);
		return rc;
	}
	/* Verify reads only, in a snapshot of what was committed; on this
	 * connection, whose close then folds SQLite's WAL into the file. */
	rc = cn_app_verify(app, NULL, &nev, &ncp, err);
	cn_app_close(app);
	if (rc == 0 && (nev != r->events || ncp != r->checkpoints))
		rc = cn_err_set(err, CN_ECORRUPT, "verify counts %lld events and "
				"%lld checkpoints, not %lld and %lld",
				(long long)nev, (long long)ncp,
				(long long)r->events, (long long)r->checkpoints);
	return rc ? cn_err_prefix(err, "the new store does not verify: ") : 0;
}

/* A SQLite DST: built aside, verified, renamed into place. */
static int to_file(struct cn_store *src, const struct log_key *k,
		   const char *dst, struct cn_migrate_report *r, char *keypath,
		   size_t n, struct cn_err *err)
{
	struct aside as;
	int absent, rc;

	if ((rc = aside_start(&as, dst, "migrate", err)))
		return rc;
	snprintf(keypath, n, "%s", as.key);
	/* A key already at DST's key path must be this one; the built
	 * store's key is a copy beside it, renamed over it at the end. */
	if ((rc = key_fits(k, as.key, &absent, err)) == 0)
		rc = cn_app_key_write(as.tmp_key, k->name, k->sk, err);
	if (rc == 0)
		rc = copy_and_verify(src, as.tmp, r, err);
	if (rc == 0)
		rc = aside_sealed(&as, err);
	if (rc == 0)
		rc = aside_finish(&as, dst, err);
	if (rc)
		aside_abandon(&as);
	else
		aside_end(&as);
	return rc;
}

/* A PostgreSQL DST: empty, and no other log's key recorded in it. */
static int to_database(struct cn_store *src, const struct log_key *k,
		       const char *dst, struct cn_migrate_report *r,
		       char *keypath, size_t n, struct cn_err *err)
{
	struct cn_store *st = NULL;
	char *vkey = NULL, *srcvkey = NULL;
	int absent = 0, rc, empty = 0;

	if ((rc = cn_store_open(dst, CN_STORE_CREATE, &st, err)))
		return rc;
	if ((rc = cn_store_empty(st, &empty, err)) == 0)
		rc = cn_store_key_path(st, dst, keypath, n, err);
	if (rc == 0 && !empty)
		rc = cn_err_set(err, CN_EREFUSED, "%s already holds a council log; "
				"migrate copies into a new store and never into "
				"one that holds events", dst);
	if (rc == 0 && cn_store_get_meta(st, "log_vkey", &vkey, NULL) == 0 &&
	    (cn_store_get_meta(src, "log_vkey", &srcvkey, err) ||
	     strcmp(vkey, srcvkey)))
		rc = cn_err_set(err, CN_EREFUSED, "%s names another log's key "
				"(%s): an init was begun there", dst, vkey);
	free(vkey);
	free(srcvkey);
	cn_store_close(st);
	if (rc == 0 && (rc = key_fits(k, keypath, &absent, err)) == 0 && absent)
		rc = cn_app_key_write(keypath, k->name, k->sk, err);
	if (rc)
		return rc;
	if ((rc = copy_and_verify(src, dst, r, err))) {
		/* Rolled back, unless verify failed after the commit. */
		uint64_t left = 0;
		int gone = cn_store_open(dst, CN_STORE_READONLY, &st, NULL) == 0 &&
			   cn_store_tree_size(st, &left, NULL) == 0 && left == 0;
		cn_store_close(st);
		if (absent && gone)
			unlink(keypath);
		if (!gone)
			cn_err_prefix(err, "%s was written but must not be used "
				      "(drop its tables or schema): ", dst);
	}
	return rc;
}

int cmd_migrate(struct cli *c, const struct cli_args *a, struct cn_app *unused)
{
	const char *from = a->val[MIG_FROM], *to = a->val[MIG_TO];
	struct cn_store *src = NULL;
	struct cn_migrate_report r;
	struct log_key k = {0};
	struct cn_err err = {0};
	char keypath[PATH_MAX + 8], hex[2 * CN_MERKLE_HASH_LEN + 1];
	int rc;
	(void)unused;

	if (!cn_store_is_database(from) && access(from, F_OK)) {
		cn_err_set(&err, CN_ENOTFOUND, "%s: no such store (%s)", from,
			   strerror(errno));
		return cli_fail(c, &err);
	}
	if ((rc = cn_store_open(from, CN_STORE_READONLY, &src, &err)) == 0 &&
	    (rc = src_key(src, from, &k, &err)) == 0)
		rc = cn_store_is_database(to)
			? to_database(src, &k, to, &r, keypath, sizeof(keypath), &err)
			: to_file(src, &k, to, &r, keypath, sizeof(keypath), &err);
	key_release(&k);
	cn_store_close(src);
	if (rc)
		return cli_fail(c, &err);
	sodium_bin2hex(hex, sizeof(hex), r.root, sizeof(r.root));
	printf("migrated %s to %s: %lld events, %lld checkpoints, %lld tokens, "
	       "%lld people, %lld webhooks (%lld notices, %lld deliveries); root "
	       "%s; log key in %s\n", from, to, (long long)r.events,
	       (long long)r.checkpoints, (long long)r.tokens, (long long)r.people,
	       (long long)r.webhooks, (long long)r.notices,
	       (long long)r.deliveries, hex, keypath);
	if (r.webhooks)
		fprintf(stderr, "council migrate: the webhooks' secrets were "
			"copied: guard %s as %s; claims were not (a server's "
			"lease on %s): a delivery in flight there when it "
			"stopped is sent again from %s, with the same "
			"Council-Delivery id\n", to, from, from, to);
	return 0;
}
