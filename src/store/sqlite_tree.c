/*
 * sqlite_tree.c - the SQLite backend's Merkle nodes and signed checkpoints: two
 * append-only tables (triggers, sqlite_open.c), merkle_nodes keyed by
 * (level, idx) and checkpoints keyed by size, with an index on the time
 * each was signed.
 */
#include "sqlite.h"

#include <stdint.h>
#include <string.h>

static int node_hash(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	const void *h;
	size_t n;
	int rc = cn_sq_col_blob(s, 0, "merkle_nodes.hash", CN_SQ_NOT_NULL, &h,
				&n, err);

	if (rc)
		return rc;
	if (n != CN_MERKLE_HASH_LEN)
		return CN_ENOTFOUND;
	memcpy(ctx, h, CN_MERKLE_HASH_LEN);
	return 0;
}

int cn_sq_node_get(struct cn_store_backend *b, unsigned level, uint64_t index,
		   uint8_t out[CN_MERKLE_HASH_LEN], struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "SELECT hash FROM merkle_nodes"
				     " WHERE level = ? AND idx = ?", err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_int(s, 1, (int)level);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)index);
	rc = cn_sq_one(b, s, node_hash, out, "reading the Merkle tree",
		       "no such Merkle node", err);
	if (rc == CN_ENOTFOUND)
		cn_err_set(err, CN_ENOTFOUND, "Merkle node (%u, %llu) is missing"
			   " or malformed", level, (unsigned long long)index);
	return rc;
}

int cn_sq_node_put(struct cn_store_backend *b, const struct cn_merkle_node *n,
		   struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "INSERT INTO merkle_nodes VALUES(?,?,?)",
				     err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_int(s, 1, (int)n->level);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)n->index);
	sqlite3_bind_blob(s, 3, n->hash, CN_MERKLE_HASH_LEN, SQLITE_STATIC);
	return cn_sq_done(b, s, "writing the Merkle tree", err);
}

struct node_scan {
	cn_node_fn fn;
	void *ctx;
};

static int node_row(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct node_scan *ns = ctx;
	const sqlite3_int64 level = sqlite3_column_int64(s, 0);
	/* A level no tree has would be cut to an unsigned and could read as
	 * a node that exists: name the row as stored instead. */
	if (level < 0 || level >= CN_MERKLE_LEVELS)
		return cn_err_set(err, CN_ECORRUPT, "Merkle node (%lld, %lld): "
				  "level %lld is not a level of a Merkle tree",
				  (long long)level,
				  (long long)sqlite3_column_int64(s, 1),
				  (long long)level);
	struct cn_node_row n = {
		.level = (unsigned)level,
		.index = (uint64_t)sqlite3_column_int64(s, 1),
	};
	const void *hash;
	int rc = cn_sq_col_blob(s, 2, "merkle_nodes.hash", CN_SQ_NOT_NULL,
				&hash, &n.hashlen, err);

	if (rc)
		return rc;
	n.hash = hash;
	return ns->fn(ns->ctx, &n, err);
}

int cn_sq_nodes(struct cn_store_backend *b, cn_node_fn fn, void *ctx,
		struct cn_err *err)
{
	struct node_scan ns = {fn, ctx};
	sqlite3_stmt *s = cn_sq_fresh(b, "SELECT level, idx, hash FROM"
				      " merkle_nodes ORDER BY level, idx", err);
	return s ? cn_sq_each(b, s, node_row, &ns, "reading the Merkle tree", err)
		 : CN_EIO;
}

int cn_sq_checkpoint_put(struct cn_store_backend *b,
			 const struct cn_checkpoint_row *cp, struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "INSERT INTO checkpoints(size, root, note,"
				     " time) VALUES(?,?,?,?)", err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)cp->size);
	sqlite3_bind_blob(s, 2, cp->root, (int)cp->rootlen, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, cp->note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, cp->time);
	return cn_sq_done(b, s, "writing a checkpoint", err);
}

struct cp_scan {
	cn_checkpoint_fn fn;
	void *ctx;
};

static int checkpoint_row(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct cp_scan *cs = ctx;
	struct cn_checkpoint_row cp = {
		.size = (uint64_t)sqlite3_column_int64(s, 0),
		.time = sqlite3_column_int64(s, 3),
	};
	const void *root;
	int rc;

	if ((rc = cn_sq_col_blob(s, 1, "checkpoints.root", CN_SQ_NOT_NULL,
				 &root, &cp.rootlen, err)) ||
	    (rc = cn_sq_col_text(s, 2, "checkpoints.note", CN_SQ_NOT_NULL,
				 &cp.note, NULL, err)))
		return rc;
	cp.root = root;
	return cs->fn(cs->ctx, &cp, err);
}

#define CHECKPOINT_COLS "SELECT size, root, note, time FROM checkpoints"

int cn_sq_checkpoint_latest(struct cn_store_backend *b, int64_t until,
			    cn_checkpoint_fn fn, void *ctx, struct cn_err *err)
{
	struct cp_scan cs = {fn, ctx};
	sqlite3_stmt *s;

	/* The largest; or, at a cadence, the last signed by `until`, found
	 * through the time index rather than by walking back from the
	 * largest over every checkpoint signed since. */
	if (until == INT64_MAX)
		s = cn_sq_stmt(b, CHECKPOINT_COLS " ORDER BY size DESC LIMIT 1",
			       err);
	else if ((s = cn_sq_stmt(b, CHECKPOINT_COLS " WHERE time <= ? ORDER BY"
				 " time DESC, size DESC LIMIT 1", err)))
		sqlite3_bind_int64(s, 1, until);
	return s ? cn_sq_one(b, s, checkpoint_row, &cs, "reading checkpoints",
			     "no checkpoint yet", err)
		 : CN_EIO;
}

int cn_sq_checkpoints(struct cn_store_backend *b, int64_t from,
		      cn_checkpoint_fn fn, void *ctx, struct cn_err *err)
{
	struct cp_scan cs = {fn, ctx};
	sqlite3_stmt *s = cn_sq_fresh(b, CHECKPOINT_COLS " WHERE size >= ?"
				      " ORDER BY size", err);
	if (s)
		sqlite3_bind_int64(s, 1, from);
	return s ? cn_sq_each(b, s, checkpoint_row, &cs, "reading checkpoints",
			      err)
		 : CN_EIO;
}
