/*
 * store.c - the store above its backends (store.h): opening and closing,
 * transactions, projection rows and the last docs written, the readers'
 * proposal queries, the change signal, tokens and meta.  The log, the
 * Merkle tree and checkpoints are in log.c.
 */
#include "internal.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/json_alloc.h"
#include "../core/timeutil.h"
#include "snapparts.h"

int cn_store_open(const char *path, int flags, struct cn_store **out,
		  struct cn_err *err)
{
	struct cn_store *st = calloc(1, sizeof(*st));
	int rc;

	if (!st)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	/* The backend by the path's form: a connection string or a file (an
	 * in-memory store is SQLite's). */
	st->ops = path && !(flags & CN_STORE_MEMORY) && cn_store_is_database(path)
			  ? &cn_store_pg : &cn_store_sqlite;
	if ((rc = st->ops->open(path, flags, &st->b, err))) {
		free(st);
		return rc;
	}
	st->keep_vkey = !(flags & CN_STORE_READONLY);
	*out = st;
	return 0;
}

int cn_store_is_database(const char *path)
{
	size_t k = 0;

	if (!strncmp(path, "postgresql://", 13) || !strncmp(path, "postgres://", 11))
		return 1;
	while ((path[k] >= 'a' && path[k] <= 'z') || path[k] == '_')
		k++;
	while (k > 0 && path[k] == ' ')
		k++;
	return k > 0 && path[k] == '=';
}

int cn_store_key_path(struct cn_store *st, const char *path, char *out,
		      size_t n, struct cn_err *err)
{
	if (st->ops->key_path)
		return st->ops->key_path(st->b, path, out, n, err);
	if ((size_t)snprintf(out, n, "%s.key", path) >= n)
		return cn_err_set(err, CN_EINVAL, "%s: path too long", path);
	return 0;
}

void cn_store_close(struct cn_store *st)
{
	if (!st)
		return;
	cn_store_docs_reset(st);
	cn_store_log_release(st);
	free(st->signer_name);
	sodium_memzero(st->signer_sk, sizeof(st->signer_sk));
	st->ops->close(st->b);
	free(st);
}

int cn_store_empty(struct cn_store *st, int *empty, struct cn_err *err)
{
	int64_t n = -1;
	int rc = st->ops->last_seq(st->b, &n, err);

	if (rc == 0)
		*empty = n == 0;
	return rc;
}

int cn_store_begin(struct cn_store *st, struct cn_err *err)
{
	int rc = st->ops->begin(st->b, err);
	if (rc == 0)
		cn_store_log_begin(st);
	return rc;
}

int cn_store_commit(struct cn_store *st, struct cn_err *err)
{
	int rc = st->ops->commit(st->b, err);
	cn_store_log_end(st, rc == 0);
	return rc;
}

void cn_store_rollback(struct cn_store *st)
{
	st->ops->rollback(st->b);
	cn_store_log_end(st, 0);
}

int cn_store_savepoint(struct cn_store *st, struct cn_err *err)
{
	return st->ops->savepoint(st->b, CN_SAVEPOINT_OPEN, err);
}

int cn_store_savepoint_end(struct cn_store *st, int keep, struct cn_err *err)
{
	return st->ops->savepoint(st->b, keep ? CN_SAVEPOINT_KEEP
					      : CN_SAVEPOINT_UNDO, err);
}

int cn_store_read_begin(struct cn_store *st, struct cn_err *err)
{
	int rc;

	if (st->reads)
		return st->reads++, 0; /* joins the snapshot already taken */
	if ((rc = st->ops->read_begin(st->b, err)) == 0)
		st->reads = 1;
	return rc;
}

void cn_store_read_end(struct cn_store *st)
{
	assert(st->reads > 0);
	if (--st->reads == 0)
		st->ops->read_end(st->b);
}

/* ---- projection rows ------------------------------------------------------ */

/* Keep a copy of a proposal doc just written, for cn_store_last_doc.  A
 * copy that cannot be made is only a cache miss: the server then builds
 * the view itself. */
static void remember_doc(struct cn_store *st, int64_t id, const char *doc,
			 size_t len)
{
	char *text = malloc(len + 1);
	int i;

	if (!text)
		return;
	memcpy(text, doc, len);
	text[len] = '\0';
	for (i = 0; i < st->ndocs && st->docs[i].id != id; i++)
		;
	if (i == CN_STORE_DOCS) {
		free(text);
		return;
	}
	if (i < st->ndocs)
		free(st->docs[i].text);
	else
		st->ndocs++;
	st->docs[i].id = id;
	st->docs[i].text = text;
}

int cn_store_put_row(struct cn_store *st, const struct cn_row *row,
		     struct cn_err *err)
{
	int rc = st->ops->row_put(st->b, row, err);

	if (rc == 0 && row->table == CN_TAB_PROPOSALS) {
		/* The doc is the last column of proposals (tables.c). */
		const struct cn_value *doc =
			&row->v[cn_tables[CN_TAB_PROPOSALS].ncols - 1];
		assert(row->v[0].type == CN_VAL_INT && doc->type == CN_VAL_TEXT);
		remember_doc(st, row->v[0].i, doc->s, doc->len);
	}
	return rc;
}

int cn_store_delete_row(struct cn_store *st, enum cn_table t,
			const struct cn_value *key, struct cn_err *err)
{
	return st->ops->row_delete(st->b, t, key, err);
}

int cn_store_rows(struct cn_store *st, enum cn_table t,
		  enum cn_row_order order, cn_row_fn fn, void *ctx,
		  struct cn_err *err)
{
	return st->ops->rows(st->b, t, order, fn, ctx, err);
}

int cn_store_last_doc(struct cn_store *st, int64_t id, char **text,
		      struct cn_err *err)
{
	for (int i = 0; i < st->ndocs; i++)
		if (st->docs[i].id == id) {
			if (!(*text = strdup(st->docs[i].text)))
				return cn_err_set(err, CN_ENOMEM, "out of memory");
			return 0;
		}
	return cn_err_set(err, CN_ENOTFOUND, "no recent view of %lld",
			  (long long)id);
}

void cn_store_docs_reset(struct cn_store *st)
{
	for (int i = 0; i < st->ndocs; i++)
		free(st->docs[i].text);
	st->ndocs = 0;
}

/* ---- reading proposals ------------------------------------------------------ */

static int parse_doc(const char *text, size_t len, json_t **out,
		     struct cn_err *err)
{
	json_error_t je;
	int oom = 0;

	/* jansson's failed allocation is not bad JSON (core/json_alloc.h) */
	if (!(*out = cn_json_loadb(text, len, 0, &je, &oom)))
		return oom ? cn_err_set(err, CN_ENOMEM, "projection proposals: "
					"out of memory reading a view")
			   : cn_err_set(err, CN_ECORRUPT, "projection proposals: "
					"bad JSON: %s", je.text);
	return 0;
}

int cn_store_proposal_text(struct cn_store *st, int64_t id, char **text,
			   size_t *len, struct cn_err *err)
{
	return st->ops->proposal_doc(st->b, id, text, len, err);
}

int cn_store_proposal_doc(struct cn_store *st, int64_t id, json_t **out,
			  struct cn_err *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc = st->ops->proposal_doc(st->b, id, &text, &len, err);
	if (rc == 0)
		rc = parse_doc(text, len, out, err);
	free(text);
	return rc;
}

static int add_doc(void *ctx, const char *text, size_t len,
		   struct cn_err *err)
{
	json_t *doc;
	int rc = parse_doc(text, len, &doc, err);
	if (rc == 0 && json_array_append_new(ctx, doc))
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	return rc;
}

int cn_store_proposal_docs(struct cn_store *st, json_t **out,
			   struct cn_err *err)
{
	json_t *arr = json_array();
	int rc = arr ? st->ops->proposal_docs(st->b, add_doc, arr, err)
		     : cn_err_set(err, CN_ENOMEM, "out of memory");
	if (rc)
		json_decref(arr);
	else
		*out = arr;
	return rc;
}

int cn_store_proposal_meta(struct cn_store *st, int64_t id, char body[16],
			   int *shared, int *adopted, struct cn_err *err)
{
	return st->ops->proposal_meta(st->b, id, body, shared, adopted, err);
}

/* ---- the change signal ------------------------------------------------------ */

int cn_store_data_version(struct cn_store *st, int64_t *out, struct cn_err *err)
{
	return st->ops->data_version(st->b, out, err);
}

int cn_store_wal(struct cn_store *st, struct cn_store_wal *out,
		 struct cn_err *err)
{
	memset(out, 0, sizeof(*out));
	if (!st->ops->wal)
		return cn_err_set(err, CN_EINVAL, "a %s store has no standbys "
				  "(replication needs a PostgreSQL store)",
				  st->ops->name);
	return st->ops->wal(st->b, out, err);
}

/* A counter kept in meta: 0 when unset. */
static int meta_counter(struct cn_store *st, const char *key, int64_t *out,
			struct cn_err *err)
{
	char *v = NULL;
	int rc = st->ops->meta_get(st->b, key, &v, err);

	*out = 0;
	if (rc == CN_ENOTFOUND)
		return 0;
	if (rc == 0)
		*out = strtoll(v, NULL, 10);
	free(v);
	return rc;
}

int cn_store_registry_version(struct cn_store *st, int64_t *out,
			      int64_t *tokens, struct cn_err *err)
{
	int rc = meta_counter(st, "registry_seq", out, err);
	return rc ? rc : meta_counter(st, "tokens_seq", tokens, err);
}

int cn_store_versions(struct cn_store *st, int64_t *data, int64_t *registry,
		      int64_t *tokens, struct cn_err *err)
{
	if (st->ops->versions)
		return st->ops->versions(st->b, data, registry, tokens, err);
	*registry = *tokens = -1;
	return st->ops->data_version(st->b, data, err);
}

int cn_store_commit_version(struct cn_store *st, int64_t *out)
{
	return st->ops->commit_version ? st->ops->commit_version(st->b, out)
				       : CN_ENOTFOUND;
}

/* ---- tokens and meta --------------------------------------------------------- */

int cn_store_token_add(struct cn_store *st, const uint8_t hash[CN_HASH_LEN],
		       const char *role, const char *principal,
		       const char *label, int64_t now, int64_t *id,
		       struct cn_err *err)
{
	char t[CN_TIME_BUF];
	return st->ops->token_add(st->b, hash, role, principal, label,
				  cn_time_format(now, t), id, err);
}

int cn_store_token_find(struct cn_store *st, const uint8_t hash[CN_HASH_LEN],
			struct cn_token_info *info, struct cn_err *err)
{
	return st->ops->token_find(st->b, hash, info, err);
}

int cn_store_feed_add(struct cn_store *st, const uint8_t hash[CN_HASH_LEN],
		      int64_t owner, const char *label, int64_t now,
		      int64_t *id, struct cn_err *err)
{
	char t[CN_TIME_BUF];
	return st->ops->feed_add(st->b, hash, owner, label,
				 cn_time_format(now, t), id, err);
}

int cn_store_feed_find(struct cn_store *st, const uint8_t hash[CN_HASH_LEN],
		       struct cn_token_info *info, struct cn_err *err)
{
	return st->ops->feed_find(st->b, hash, info, err);
}

int cn_store_person_holder(struct cn_store *st, int64_t person, int create,
			   int64_t now, int64_t *id, struct cn_err *err)
{
	uint8_t hash[CN_HASH_LEN];
	char t[CN_TIME_BUF];
	int rc = st->ops->holder_find(st->b, person, id, err);

	if (rc != CN_ENOTFOUND || !create)
		return rc;
	/* Random, and the hash itself rather than a token's: no text
	 * hashes to it, so nobody can present it as a bearer token. */
	randombytes_buf(hash, sizeof(hash));
	return st->ops->holder_add(st->b, hash, person, cn_time_format(now, t),
				   id, err);
}

int cn_store_token_list(struct cn_store *st, int64_t after, int64_t limit,
			struct cn_token_info **out, size_t *n,
			struct cn_err *err)
{
	assert(after >= 0 && limit >= 1);
	return st->ops->token_list(st->b, 0, after, limit, out, n, err);
}

int cn_store_feed_list(struct cn_store *st, int64_t owner, int64_t after,
		       int64_t limit, struct cn_token_info **out, size_t *n,
		       struct cn_err *err)
{
	assert(owner > 0 && after >= 0 && limit >= 1);
	return st->ops->token_list(st->b, owner, after, limit, out, n, err);
}

int cn_store_token_revoke(struct cn_store *st, int64_t id, int64_t now,
			  struct cn_err *err)
{
	char t[CN_TIME_BUF];
	return st->ops->token_revoke(st->b, id, cn_time_format(now, t), err);
}

int cn_store_tokens(struct cn_store *st, cn_token_fn fn, void *ctx,
		    struct cn_err *err)
{
	return st->ops->tokens(st->b, fn, ctx, err);
}

int cn_store_token_copy(struct cn_store *st, const struct cn_token_row *t,
			struct cn_err *err)
{
	assert(t->hashlen == CN_HASH_LEN && t->role && t->created);
	return st->ops->token_put(st->b, t, err);
}

/* The log's public key is written once (app.c, with the first signing
 * key): a writer asks for it with every receipt, and reads it once.  A
 * read-only store (a verifier) reads it every time: what it checks is
 * what the store holds now (tests/unit/test_property.c changes it under
 * an open verifier). */
static const char vkey_meta[] = "log_vkey";

int cn_store_get_meta(struct cn_store *st, const char *key, char **value,
		      struct cn_err *err)
{
	int rc;

	if (st->vkey && !strcmp(key, vkey_meta))
		return (*value = strdup(st->vkey)) ? 0
			: cn_err_set(err, CN_ENOMEM, "out of memory");
	rc = st->ops->meta_get(st->b, key, value, err);
	if (rc == 0 && st->keep_vkey && !strcmp(key, vkey_meta))
		st->vkey = strdup(*value); /* none: only not remembered */
	return rc;
}

int cn_store_set_meta(struct cn_store *st, const char *key, const char *value,
		      struct cn_err *err)
{
	if (!strcmp(key, vkey_meta)) {
		free(st->vkey);
		st->vkey = NULL;
	}
	return st->ops->meta_set(st->b, key, value, err);
}

/* ---- paged queries ------------------------------------------------------------ */

int cn_store_proposal_page(struct cn_store *st, const struct cn_proposal_query *q,
			   cn_proposal_fn fn, void *ctx, struct cn_err *err)
{
	assert(st->ops->proposal_page);
	return st->ops->proposal_page(st->b, q, fn, ctx, err);
}

int cn_store_deadline_page(struct cn_store *st, const char *after,
			   int64_t after_id, const char *upto, int64_t limit, cn_doc_fn fn,
			   void *ctx, struct cn_err *err)
{
	assert(st->ops->deadline_page);
	return st->ops->deadline_page(st->b, after, after_id, upto, limit, fn, ctx, err);
}

int cn_store_log_page(struct cn_store *st, const struct cn_log_query *q,
		      int64_t *seqs, size_t *n, struct cn_err *err)
{
	*n = 0;
	assert(st->ops->log_page);
	return st->ops->log_page(st->b, q, seqs, n, err);
}

int cn_store_public_record_check(struct cn_store *st, int64_t *seq,
				 struct cn_err *err)
{
	*seq = 0;
	assert(st->ops->record_check);
	return st->ops->record_check(st->b, seq, err);
}

/* ---- snapshots ---------------------------------------------------------------- */

int cn_store_has_snapshots(struct cn_store *st)
{
	return st->ops->snapshots != NULL;
}

int cn_store_snapshot_put(struct cn_store *st, const struct cn_snapshot_row *s,
			  unsigned keep, unsigned flags, struct cn_err *err)
{
	assert(keep > 0 && s->hashlen == CN_HASH_LEN);
	return st->ops->snapshot_put ? cn_snapparts_put(st, s, keep, flags, err)
				     : 0;
}

int cn_store_snapshot_list(const uint8_t *bytes, size_t len, uint8_t **list,
			   size_t *listlen, struct cn_err *err)
{
	return cn_snapparts_make(bytes, len, list, listlen, err);
}

int cn_store_snapshot_stored(struct cn_store *st, uint8_t **hashes,
			     size_t *nhashes, struct cn_err *err)
{
	*hashes = NULL;
	*nhashes = 0;
	return st->ops->part_hashes
		       ? cn_snapparts_stored(st, hashes, nhashes, err)
		       : 0;
}

int cn_store_snapshot_maker(const uint8_t *known, size_t nknown,
			    struct cn_snapshot_maker **m, struct cn_err *err)
{
	return cn_snapparts_maker(known, nknown, 1, m, err);
}

int cn_store_snapshot_maker_add(void *m, const uint8_t *bytes, size_t n)
{
	return cn_snapparts_maker_add(m, bytes, n);
}

int cn_store_snapshot_maker_end(struct cn_snapshot_maker *m,
				struct cn_snapshot_parts *p, size_t *len,
				struct cn_err *err)
{
	return cn_snapparts_maker_end(m, p, len, err);
}

void cn_store_snapshot_maker_free(struct cn_snapshot_maker *m)
{
	cn_snapparts_maker_free(m);
}

int cn_store_snapshot_put_listed(struct cn_store *st,
				 const struct cn_snapshot_row *s,
				 const struct cn_snapshot_parts *p,
				 unsigned keep, unsigned flags, size_t budget,
				 size_t *left, struct cn_err *err)
{
	assert(keep > 0 && s->hashlen == CN_HASH_LEN);
	*left = 0;
	return st->ops->snapshot_put
		       ? cn_snapparts_put_listed(st, s, p, keep, flags, budget,
						 left, err)
		       : 0;
}

int cn_store_snapshot_drop(struct cn_store *st, int64_t seq,
			   struct cn_err *err)
{
	return st->ops->snapshot_drop ? cn_snapparts_drop(st, seq, err) : 0;
}

int cn_store_snapshots(struct cn_store *st, cn_snapshot_fn fn, void *ctx,
		       struct cn_err *err)
{
	return st->ops->snapshots ? cn_snapparts_each(st, fn, ctx, err) : 0;
}

int cn_store_snapshot_pieces(struct cn_store *st, cn_snapshot_fn head,
			     cn_snapshot_piece_fn piece, void *ctx,
			     struct cn_err *err)
{
	return st->ops->snapshots ? cn_snapparts_pieces(st, head, piece, ctx, err)
				  : 0;
}

/* ---- watches ----------------------------------------------------------------- */

struct cn_store_watch {
	const struct cn_store_ops *ops;
	struct cn_watch_backend *b;
};

int cn_store_watch_open(struct cn_store *st, struct cn_store_watch **out,
			struct cn_err *err)
{
	struct cn_store_watch *w;
	int rc;

	*out = NULL;
	if (!st->ops->watch_open)
		return 0;
	if (!(w = calloc(1, sizeof(*w))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	w->ops = st->ops;
	if ((rc = st->ops->watch_open(st->b, &w->b, err))) {
		free(w);
		return rc;
	}
	*out = w;
	return 0;
}

int cn_store_watch_fd(const struct cn_store_watch *w)
{
	return w->ops->watch_fd(w->b);
}

int cn_store_watch_poll(struct cn_store_watch *w, int try_lead, int *changed,
			int *leading, struct cn_err *err)
{
	*changed = *leading = 0;
	return w->ops->watch_poll(w->b, try_lead, changed, leading, err);
}

void cn_store_watch_close(struct cn_store_watch *w)
{
	if (!w)
		return;
	w->ops->watch_close(w->b);
	free(w);
}
