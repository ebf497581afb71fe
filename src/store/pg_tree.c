/*
 * pg_tree.c - the PostgreSQL backend's Merkle nodes and signed
 * checkpoints: two append-only tables (triggers, pg_open.c),
 * merkle_nodes keyed by (level, idx) and checkpoints keyed by size, with
 * an index on the time each was signed.
 */
#include "pg.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int node_hash(void *ctx, const struct cn_pg_row *r, struct cn_err *err)
{
	size_t len;
	const char *h = cn_pg_value(r, 0, &len);
	(void)err;
	if (len != CN_MERKLE_HASH_LEN)
		return CN_ENOTFOUND;
	memcpy(ctx, h, CN_MERKLE_HASH_LEN);
	return 0;
}

int cn_pg_node_get(struct cn_store_backend *b, unsigned level, uint64_t index,
		   uint8_t out[CN_MERKLE_HASH_LEN], struct cn_err *err)
{
	struct cn_pg_params p = {0};
	int rc;

	cn_pg_int(&p, level);
	cn_pg_int(&p, (int64_t)index);
	rc = cn_pg_one(b, "SELECT hash FROM merkle_nodes WHERE level = $1"
		       " AND idx = $2", &p, node_hash, out,
		       "reading the Merkle tree", "no such Merkle node", err);
	if (rc == CN_ENOTFOUND)
		cn_err_set(err, CN_ENOTFOUND, "Merkle node (%u, %llu) is missing"
			   " or malformed", level, (unsigned long long)index);
	return rc;
}

/* ---- storing nodes: held, then one INSERT for all -------------------------------
 *
 * An append stores one node per level it completes, about two per event;
 * a statement each was a fifth of the statements a write sends, each
 * parsed, planned and executed on its own by the server.  The nodes are
 * held until the next statement that waits (pg_exec.c flushes before it)
 * and sent as three arrays, one statement for a whole batch. */

/* Array element types and the array types (pg_type.h). */
#define INT8_ARRAY 1016
#define BYTEA_ARRAY 1001

static unsigned char *put32(unsigned char *p, uint32_t v)
{
	return cn_pg_put_be(p, v, 4);
}

static unsigned char *put64(unsigned char *p, uint64_t v)
{
	return cn_pg_put_be(p, v, 8);
}

/* The binary form of a one-dimensional array of n elements without
 * NULLs (array_send): its header; the elements follow, each its length
 * and its bytes. */
static unsigned char *array_head(unsigned char *p, Oid elem, size_t n)
{
	p = put32(p, 1); /* dimensions */
	p = put32(p, 0); /* has NULLs */
	p = put32(p, elem);
	p = put32(p, (uint32_t)n);
	return put32(p, 1); /* lower bound */
}

#define HEAD 20

int cn_pg_nodes_flush(struct cn_store_backend *b, struct cn_err *err)
{
	/* On the stack (some 16 KB): libpq copies the parameters into its
	 * output buffer when it sends them. */
	unsigned char levels[HEAD + CN_PG_NODES * 12];
	unsigned char idxs[HEAD + CN_PG_NODES * 12];
	unsigned char hashes[HEAD + CN_PG_NODES * (4 + CN_MERKLE_HASH_LEN)];
	unsigned char *l = levels, *x = idxs, *h = hashes;
	struct cn_pg_params p = {0};
	size_t n = b->nnodes;

	if (n == 0)
		return 0;
	assert(n <= CN_PG_NODES);
	/* Emptied first: sending runs exec(), which flushes (outside a
	 * write cn_pg_send waits at once). */
	b->nnodes = 0;
	l = array_head(l, CN_PG_INT8, n);
	x = array_head(x, CN_PG_INT8, n);
	h = array_head(h, CN_PG_BYTEA, n);
	for (size_t i = 0; i < n; i++) {
		const struct cn_merkle_node *nd = &b->nodes[i];
		l = put64(put32(l, 8), nd->level);
		x = put64(put32(x, 8), nd->index);
		h = put32(h, CN_MERKLE_HASH_LEN);
		memcpy(h, nd->hash, CN_MERKLE_HASH_LEN);
		h += CN_MERKLE_HASH_LEN;
	}
	p.n = 3;
	p.types[0] = p.types[1] = INT8_ARRAY;
	p.types[2] = BYTEA_ARRAY;
	p.values[0] = (const char *)levels;
	p.values[1] = (const char *)idxs;
	p.values[2] = (const char *)hashes;
	p.lengths[0] = (int)(l - levels);
	p.lengths[1] = (int)(x - idxs);
	p.lengths[2] = (int)(h - hashes);
	p.formats[0] = p.formats[1] = p.formats[2] = 1;
	return cn_pg_send(b, "INSERT INTO merkle_nodes(level, idx, hash)"
			  " SELECT * FROM unnest($1::int8[], $2::int8[],"
			  " $3::bytea[])", &p, "writing the Merkle tree", err);
}

void cn_pg_nodes_drop(struct cn_store_backend *b)
{
	b->nnodes = 0;
}

int cn_pg_node_put(struct cn_store_backend *b, const struct cn_merkle_node *n,
		   struct cn_err *err)
{
	int rc;

	if (b->nnodes == CN_PG_NODES && (rc = cn_pg_nodes_flush(b, err)))
		return rc;
	b->nodes[b->nnodes++] = *n;
	/* Outside a write nothing would send them: at once. */
	return b->writing ? 0 : cn_pg_nodes_flush(b, err);
}

struct node_scan {
	cn_node_fn fn;
	void *ctx;
};

static int node_row(void *ctx, const struct cn_pg_row *r, struct cn_err *err)
{
	struct node_scan *ns = ctx;
	struct cn_node_row n = {
		.level = (unsigned)cn_pg_int64(r, 0),
		.index = (uint64_t)cn_pg_int64(r, 1),
	};
	n.hash = (const uint8_t *)cn_pg_value(r, 2, &n.hashlen);
	return ns->fn(ns->ctx, &n, err);
}

int cn_pg_nodes(struct cn_store_backend *b, cn_node_fn fn, void *ctx,
		struct cn_err *err)
{
	struct node_scan ns = {fn, ctx};
	return cn_pg_each(b, "SELECT level, idx, hash FROM merkle_nodes"
			  " ORDER BY level, idx", NULL, node_row, &ns,
			  "reading the Merkle tree", err);
}

/* ---- the newest checkpoint, kept by a write ------------------------------------
 *
 * Signing asks for the newest checkpoint (to check the tree still gives
 * its root); read with the lock (pg_begin, the same round trip) and
 * replaced by the one the write stores, it costs the write no wait of
 * its own.  Under the lock nobody else stores one. */

void cn_pg_checkpoint_forget(struct cn_store_backend *b)
{
	free(b->wcp_note);
	b->wcp_note = NULL;
	b->wcp = 0;
}

static int keep(struct cn_store_backend *b, int64_t size, const void *root,
		size_t rootlen, const char *note, int64_t time)
{
	char *copy;

	cn_pg_checkpoint_forget(b);
	/* A malformed root is for the reader to name: not kept. */
	if (rootlen != CN_MERKLE_HASH_LEN || !(copy = strdup(note)))
		return 0;
	b->wcp_note = copy;
	b->wcp_size = size;
	b->wcp_time = time;
	memcpy(b->wcp_root, root, CN_MERKLE_HASH_LEN);
	b->wcp = 2;
	return 0;
}

int cn_pg_checkpoint_keep(void *ctx, const struct cn_pg_row *r,
			  struct cn_err *err)
{
	size_t rootlen, notelen;
	const char *root = cn_pg_value(r, 1, &rootlen);
	(void)err;
	return keep(ctx, cn_pg_int64(r, 0), root, rootlen,
		    cn_pg_value(r, 2, &notelen), cn_pg_int64(r, 3));
}

int cn_pg_checkpoint_put(struct cn_store_backend *b,
			 const struct cn_checkpoint_row *cp, struct cn_err *err)
{
	struct cn_pg_params p = {0};
	int rc;

	cn_pg_int(&p, (int64_t)cp->size);
	cn_pg_bytes(&p, cp->root, cp->rootlen);
	cn_pg_str(&p, cp->note);
	cn_pg_int(&p, cp->time);
	rc = cn_pg_send(b, "INSERT INTO checkpoints(size, root, note, time)"
			" VALUES($1, $2, $3, $4)", &p, "writing a checkpoint", err);
	/* Now the newest (a copy may store older ones: migrate). */
	if (rc == 0 && b->writing &&
	    (b->wcp == 1 || (b->wcp == 2 && (int64_t)cp->size > b->wcp_size)))
		keep(b, (int64_t)cp->size, cp->root, cp->rootlen, cp->note,
		     cp->time);
	return rc;
}

struct cp_scan {
	cn_checkpoint_fn fn;
	void *ctx;
};

static int checkpoint_row(void *ctx, const struct cn_pg_row *r,
			  struct cn_err *err)
{
	struct cp_scan *cs = ctx;
	size_t notelen;
	struct cn_checkpoint_row cp = {
		.size = (uint64_t)cn_pg_int64(r, 0),
		.time = cn_pg_int64(r, 3),
	};
	cp.root = (const uint8_t *)cn_pg_value(r, 1, &cp.rootlen);
	cp.note = cn_pg_value(r, 2, &notelen);
	return cs->fn(cs->ctx, &cp, err);
}

#define CHECKPOINT_COLS "SELECT size, root, note, time FROM checkpoints"

const char cn_pg_latest_sql[] = CHECKPOINT_COLS " ORDER BY size DESC LIMIT 1";

int cn_pg_checkpoint_latest(struct cn_store_backend *b, int64_t until,
			    cn_checkpoint_fn fn, void *ctx, struct cn_err *err)
{
	struct cp_scan cs = {fn, ctx};
	struct cn_pg_params p = {0};

	/* The largest (kept by a write); or, at a cadence, the last signed
	 * by `until`, found through the time index. */
	if (until == INT64_MAX && b->writing && b->wcp == 1)
		return cn_err_set(err, CN_ENOTFOUND, "no checkpoint yet");
	if (until == INT64_MAX && b->writing && b->wcp == 2) {
		struct cn_checkpoint_row cp = {
			(uint64_t)b->wcp_size, b->wcp_root, CN_MERKLE_HASH_LEN,
			b->wcp_note, b->wcp_time};
		return fn(ctx, &cp, err);
	}
	if (until == INT64_MAX)
		return cn_pg_one(b, cn_pg_latest_sql,
				 NULL, checkpoint_row, &cs, "reading checkpoints",
				 "no checkpoint yet", err);
	cn_pg_int(&p, until);
	return cn_pg_one(b, CHECKPOINT_COLS " WHERE time <= $1 ORDER BY"
			 " time DESC, size DESC LIMIT 1", &p, checkpoint_row, &cs,
			 "reading checkpoints", "no checkpoint yet", err);
}

int cn_pg_checkpoints(struct cn_store_backend *b, int64_t from,
		      cn_checkpoint_fn fn, void *ctx, struct cn_err *err)
{
	struct cp_scan cs = {fn, ctx};
	struct cn_pg_params p = {0};

	cn_pg_int(&p, from);
	return cn_pg_each(b, CHECKPOINT_COLS " WHERE size >= $1 ORDER BY size",
			  &p, checkpoint_row, &cs, "reading checkpoints", err);
}
