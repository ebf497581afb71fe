/*
 * verify.c - checking the record; see verify.h.  cn_app_verify (app.h)
 * is here: the chain, the projections, the tree and the checkpoints of a
 * store, from one streamed replay inside one read transaction, whose
 * concluded proposals are kept on disk (pager.c).
 */
#include "verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "../core/sha256.h"
#include "projcheck.h"
#include "projection.h"
#include "snapcheck.h"

/* ---- a sequence of checkpoints ------------------------------------------- */

void cn_cp_check_init(struct cn_cp_check *c, cn_cp_root_fn root, void *ctx,
		      const char *key_name, const uint8_t pk[32])
{
	memset(c, 0, sizeof(*c));
	c->root_fn = root;
	c->root_ctx = ctx;
	c->key_name = key_name;
	c->pk = pk;
}

int cn_cp_root_mem(void *ctx, uint64_t size, uint8_t root[CN_MERKLE_HASH_LEN],
		   uint64_t *have)
{
	const struct cn_merkle_mem *tree = ctx;

	*have = tree->size;
	if (size > tree->size)
		return CN_ENOTFOUND;
	return cn_merkle_root(cn_merkle_mem_get, (void *)tree, size, root, NULL);
}

static int check_parsed(struct cn_cp_check *c, const struct cn_checkpoint *cp,
			const struct cn_checkpoint_row *stored,
			uint8_t root[CN_MERKLE_HASH_LEN], struct cn_err *err)
{
	const unsigned long long size = cp->size;
	uint64_t have = 0;
	int rc;

	/* A stored size is named signed, as SQL holds it: a changed one
	 * reads as the row does. */
	if (stored && stored->size != cp->size)
		return cn_err_set(err, CN_ECORRUPT, "checkpoint at size %lld: its"
				  " note says size %llu",
				  (long long)stored->size, size);
	/* The roots are the verifier's own, of one sequence of leaves, so
	 * two checkpoints in size order whose roots are those of their sizes
	 * are consistent by construction: no proof between them is needed,
	 * only the order. */
	if (c->count > 1 && cp->size < c->size)
		return cn_err_set(err, CN_ECORRUPT, "checkpoints at sizes %llu and "
				  "%llu are not consistent",
				  (unsigned long long)c->size, size);
	rc = c->root_fn(c->root_ctx, cp->size, root, &have);
	if (rc == CN_ENOTFOUND)
		return cn_err_set(err, CN_ECORRUPT, "checkpoint at size %llu: the "
				  "log has only %llu events (truncated or rolled "
				  "back)", size, (unsigned long long)have);
	if (rc || memcmp(cp->root, root, CN_MERKLE_HASH_LEN) ||
	    (stored && (stored->rootlen != CN_MERKLE_HASH_LEN ||
			memcmp(stored->root, root, CN_MERKLE_HASH_LEN))))
		return cn_err_set(err, CN_ECORRUPT, "checkpoint at size %llu: its "
				  "root is not the root of the first %llu events",
				  size, size);
	return 0;
}

int cn_cp_check_signed(struct cn_cp_check *c, int rc, const char *why,
		       const struct cn_checkpoint *cp,
		       const struct cn_checkpoint_row *stored, struct cn_err *err)
{
	uint8_t root[CN_MERKLE_HASH_LEN];

	c->count++;
	if (rc) {
		/* Whatever the reason (malformed, another key, a bad
		 * signature), a checkpoint that does not verify is a damaged
		 * record; one that could not be checked for lack of memory
		 * says nothing about the record. */
		const int code = rc == CN_ENOMEM ? CN_ENOMEM : CN_ECORRUPT;
		if (stored)
			return cn_err_set(err, code, "checkpoint at size %lld: %s",
					  (long long)stored->size, why);
		return cn_err_set(err, code, "checkpoint %lld: %s",
				  (long long)c->count, why);
	}
	rc = check_parsed(c, cp, stored, root, err);
	if (rc == 0) {
		c->size = cp->size;
		memcpy(c->root, root, CN_MERKLE_HASH_LEN);
	}
	return rc;
}

int cn_cp_check_next(struct cn_cp_check *c, const char *note,
		     const struct cn_checkpoint_row *stored, struct cn_err *err)
{
	struct cn_checkpoint cp;
	struct cn_err why = {0};
	int rc = cn_checkpoint_verify(note, strlen(note), c->key_name, c->pk,
				      &cp, &why);

	rc = cn_cp_check_signed(c, rc, why.msg, &cp, stored, err);
	cn_checkpoint_release(&cp);
	return rc;
}

/* The index the public's and partners' log pages read (store.h,
 * cn_store_public_record_check) against the log and the proposals table,
 * which the rest of verify checks: an entry missing hides a public event
 * from them, an entry too many would show them a hidden one. */
static int public_record(struct cn_store *st, struct cn_err *err)
{
	int64_t seq;
	int rc = cn_store_public_record_check(st, &seq, err);

	if (rc == 0 && seq)
		rc = cn_err_set(err, CN_ECORRUPT, "the public record index"
				" disagrees with the log at event %lld (the"
				" index the public's and partners' log pages"
				" read)", (long long)seq);
	return rc;
}

int cn_verify_projections(struct cn_store *st, struct cn_world *wout,
			  struct cn_err *err)
{
	struct cn_world w;
	int rc;

	if ((rc = cn_store_read_begin(st, err)))
		return rc;
	if ((rc = cn_projection_replay(st, &w, err)) == 0) {
		rc = cn_projcheck_all(st, &w, err);
		if (rc == 0)
			rc = public_record(st, err);
		if (rc == 0 && wout)
			*wout = w;
		else
			cn_world_release(&w);
	}
	cn_store_read_end(st);
	return rc;
}

/* ---- a whole store ----------------------------------------------------------- *
 * One pass over the log, in seq order, a range of events at a time: the
 * checkpoints are read by size, and before each is checked the events up
 * to its size are read, folded into the world, checked against the
 * snapshots and appended to a Merkle frontier, whose root is then the
 * root at the checkpoint's size.  Nothing kept grows with the log but the
 * world (the projections are compared through digests): the frontier is
 * O(log n), and the stored nodes are compared with the ones the events
 * complete through one digest per level (below). */

/* The perfect nodes of a tree, level by level in index order, folded into
 * one SHA-256 per level: the stored tree is read by (level, index), the
 * events complete nodes in index order within each level, so the two
 * sequences meet without either being kept. */
struct node_digest {
	struct cn_sha256 st[CN_MERKLE_LEVELS];
	uint64_t n[CN_MERKLE_LEVELS];
	int bad; /* a node no tree of 64 levels has (level >= 64, hash length) */
};

static void digest_init(struct node_digest *d)
{
	memset(d, 0, sizeof(*d));
	for (unsigned l = 0; l < CN_MERKLE_LEVELS; l++)
		cn_sha256_init(&d->st[l]);
}

static void digest_add(struct node_digest *d, unsigned level, uint64_t index,
		       const uint8_t *hash, size_t hashlen)
{
	uint8_t node[8 + CN_MERKLE_HASH_LEN]; /* index, big-endian; hash */

	if (level >= CN_MERKLE_LEVELS || hashlen != CN_MERKLE_HASH_LEN) {
		d->bad = 1;
		return;
	}
	for (int i = 0; i < 8; i++)
		node[i] = (uint8_t)(index >> (56 - 8 * i));
	memcpy(node + 8, hash, CN_MERKLE_HASH_LEN);
	cn_sha256_update(&d->st[level], node, sizeof(node));
	d->n[level]++;
}

/* Whether two digests saw the same nodes (finishes both). */
static int digest_same(struct node_digest *a, struct node_digest *b)
{
	int same = !a->bad && !b->bad;

	for (unsigned l = 0; l < CN_MERKLE_LEVELS; l++) {
		uint8_t x[32], y[32];
		cn_sha256_final(&a->st[l], x);
		cn_sha256_final(&b->st[l], y);
		same = same && a->n[l] == b->n[l] && !memcmp(x, y, sizeof(x));
	}
	return same;
}

struct whole {
	struct cn_vstream s;
	struct cn_world w;
	struct cn_pager pg;        /* w's concluded proposals, on disk */
	struct node_digest nodes;  /* the nodes the events complete */
	struct cn_snapcheck snaps; /* the stored snapshots, met on the way */
};

static void quiesce(void *stream)
{
	cn_vstream_quiesce(stream);
}

static int whole_one(void *ctx, const struct cn_event *ev,
		     const struct cn_merkle_node *done, size_t n,
		     struct cn_err *err)
{
	struct whole *v = ctx;
	int rc = cn_world_apply(&v->w, ev, err);

	if (!rc)
		rc = cn_snapcheck_event(&v->snaps, &v->w, ev, err);
	if (!rc)
		rc = cn_pager_maybe(&v->pg, err);
	/* A proposal the pager could not give back reads as no proposal
	 * to the fold: the pager's failure is the one to name. */
	if (rc && v->pg.failed)
		rc = cn_pager_failed(&v->pg, err);
	for (size_t i = 0; i < n; i++)
		digest_add(&v->nodes, done[i].level, done[i].index, done[i].hash,
			   CN_MERKLE_HASH_LEN);
	return rc;
}

static int stored_node(void *ctx, const struct cn_node_row *n,
		       struct cn_err *err)
{
	(void)err;
	digest_add(ctx, n->level, n->index, n->hash, n->hashlen);
	return 0;
}

/* The slow way, on the failure path only: the whole tree of the events in
 * memory, each stored node looked up in it, so the message names the
 * node that differs. */
struct node_check {
	struct cn_merkle_mem tree;
	uint64_t stored;
};

static int leaf_one(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	return cn_merkle_mem_append(&((struct node_check *)ctx)->tree, ev->hash,
				    err);
}

static int node_one(void *ctx, const struct cn_node_row *n, struct cn_err *err)
{
	struct node_check *nc = ctx;
	uint8_t h[CN_MERKLE_HASH_LEN];

	nc->stored++;
	if (cn_merkle_mem_get(&nc->tree, n->level, n->index, h) ||
	    n->hashlen != CN_MERKLE_HASH_LEN ||
	    memcmp(h, n->hash, CN_MERKLE_HASH_LEN))
		/* Signed, as SQL stores it: a changed index is named as
		 * the row now reads. */
		return cn_err_set(err, CN_ECORRUPT, "Merkle node (%u, %lld) "
				  "differs from the tree of the events", n->level,
				  (long long)n->index);
	return 0;
}

static int name_bad_node(struct cn_store *st, struct cn_err *err)
{
	struct node_check nc = {.stored = 0};
	uint64_t expected = 0;
	int rc;

	cn_merkle_mem_init(&nc.tree);
	if ((rc = cn_store_scan(st, 1, leaf_one, &nc, err)) == 0 &&
	    (rc = cn_store_nodes(st, node_one, &nc, err)) == 0) {
		for (unsigned l = 0; l < CN_MERKLE_LEVELS; l++)
			expected += nc.tree.len[l];
		rc = cn_err_set(err, CN_ECORRUPT, "the stored Merkle tree has %llu "
				"nodes, the events give %llu",
				(unsigned long long)nc.stored,
				(unsigned long long)expected);
	}
	cn_merkle_mem_release(&nc.tree);
	return rc;
}

static int check_nodes(struct cn_store *st, struct node_digest *events,
		       struct cn_err *err)
{
	struct node_digest stored;
	int rc, same;

	digest_init(&stored);
	if ((rc = cn_store_nodes(st, stored_node, &stored, err)))
		return rc;
	same = digest_same(events, &stored);
	return same ? 0 : name_bad_node(st, err);
}

/* The projections, and the stored Merkle nodes and the public record
 * index while the replay's rows are rendered on the projection check's
 * second thread (the store is this thread's, the world that thread's); a
 * projection's fault is named first, as when the others were checked
 * after, then a node's. */
static int projections_and_nodes(struct cn_store *st, struct whole *v,
				 struct cn_err *err)
{
	struct cn_projcheck pc;
	struct cn_err nerr = {0}, rerr = {0};
	int rc, nrc, rrc;

	cn_projcheck_start(&pc, st, &v->w);
	nrc = check_nodes(st, &v->nodes, &nerr);
	rrc = nrc ? 0 : public_record(st, &rerr);
	if ((rc = cn_projcheck_finish(&pc, err)) == 0 && (nrc || rrc)) {
		*err = nrc ? nerr : rerr;
		rc = nrc ? nrc : rrc;
	}
	return rc;
}

/* The log key to check against: the published key when given, else the
 * one the store names (meta "log_vkey"), which proves only that the log
 * agrees with itself.  *name is malloc'd. */
int cn_verify_log_key(struct cn_store *st, const char *vkey, char **name,
		      uint8_t pk[CN_NOTE_PUBKEY_LEN], struct cn_err *err)
{
	char *stored = NULL;
	struct cn_err why = {0};
	int rc = 0;

	/* Out of memory copying the key's name says nothing of the key:
	 * CN_ENOMEM, never "malformed". */
	if (vkey && (rc = cn_note_vkey_decode(vkey, name, pk, &why)))
		return cn_err_set(err, rc == CN_ENOMEM ? rc : CN_EINVAL,
				  "the published log key: %s", why.msg);
	if (!vkey && (rc = cn_store_get_meta(st, "log_vkey", &stored, err)))
		return rc == CN_ENOTFOUND
			? cn_err_set(err, CN_ECORRUPT, "the store names no log key "
				     "(meta log_vkey)")
			: rc;
	if (!vkey && (rc = cn_note_vkey_decode(stored, name, pk, &why)))
		rc = rc == CN_ENOMEM
			? cn_err_set(err, rc, "reading the log key the store "
				     "names (meta log_vkey): %s", why.msg)
			: cn_err_set(err, CN_ECORRUPT, "the log key the store "
				     "names (meta log_vkey) is malformed: %s",
				     why.msg);
	free(stored);
	return rc;
}

/* The key the store names is what `council log key` and receipts hand
 * out: with a published key, it must be that one. */
int cn_verify_named_key_is(struct cn_store *st, const char *name,
			   const uint8_t pk[CN_NOTE_PUBKEY_LEN],
			   struct cn_err *err)
{
	char *stored = NULL, *sname = NULL;
	uint8_t spk[CN_NOTE_PUBKEY_LEN];
	int rc = cn_store_get_meta(st, "log_vkey", &stored, err), bad = 0;

	if (rc == 0 && (bad = cn_note_vkey_decode(stored, &sname, spk, NULL)) ==
			       CN_ENOMEM)
		rc = cn_err_set(err, CN_ENOMEM, "out of memory reading the log "
				"key the store names (meta log_vkey)");
	else if (rc == 0 && (bad || strcmp(sname, name) ||
			     memcmp(spk, pk, sizeof(spk))))
		rc = cn_err_set(err, CN_ECORRUPT, "the store names another log key "
				"(meta log_vkey) than the published one");
	else if (rc == CN_ENOTFOUND)
		rc = cn_err_set(err, CN_ECORRUPT, "the store names no log key "
				"(meta log_vkey)");
	free(sname);
	free(stored);
	return rc;
}

int cn_app_verify(struct cn_app *app, const char *vkey, int64_t *nevents,
		  int64_t *ncheckpoints, struct cn_err *err)
{
	struct cn_verify_report r;
	int rc = cn_app_verify_report(app, vkey, &r, err);

	*nevents = r.events;
	*ncheckpoints = r.checkpoints;
	return rc;
}

int cn_app_verify_report(struct cn_app *app, const char *vkey,
			 struct cn_verify_report *out, struct cn_err *err)
{
	struct cn_store *st = cn_app_store(app);
	struct whole *v = calloc(1, sizeof(*v)); /* 64 hash states: 8 KiB */
	char *name = NULL;
	uint8_t pk[CN_NOTE_PUBKEY_LEN];
	int rc;

	memset(out, 0, sizeof(*out));
	if (!v)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if ((rc = cn_store_read_begin(st, err))) {
		free(v);
		return rc;
	}
	cn_vstream_init(&v->s, st, whole_one, v);
	/* The replay's fn uses the store only to name a snapshot that
	 * differs, and quiesces the stream first. */
	v->s.pipelined = 1;
	cn_world_init(&v->w);
	cn_pager_init(&v->pg);
	cn_pager_attach(&v->pg, &v->w);
	digest_init(&v->nodes);
	rc = cn_snapcheck_load(&v->snaps, st, err);
	v->snaps.before_read = quiesce;
	v->snaps.before_ctx = &v->s;
	if (rc == 0 && (rc = cn_verify_log_key(st, vkey, &name, pk, err)) == 0) {
		cn_cp_check_init(&v->s.cps, cn_vstream_root, &v->s, name, pk);
		rc = cn_store_checkpoints(st, cn_vstream_checkpoint, &v->s, err);
		if (rc == 0)
			rc = cn_vstream_to(&v->s, INT64_MAX, err);
		out->checkpoints = v->s.cps.count;
		out->chained = v->s.cps.chained;
		out->events = v->w.last_seq;
		/* No last sweep: the proposals concluded since the one before
		 * (fewer than 1,024 events ago) are rendered where they are;
		 * writing them out to read each straight back was most of a
		 * small log's projection check. */
		if (rc == 0)
			rc = projections_and_nodes(st, v, err);
		if (rc && v->pg.failed)
			rc = cn_pager_failed(&v->pg, err);
		if (rc == 0 && vkey)
			rc = cn_verify_named_key_is(st, name, pk, err);
		if (rc == 0)
			rc = cn_snapcheck_end(&v->snaps, err);
	}
	free(name);
	cn_vstream_release(&v->s);
	cn_snapcheck_release(&v->snaps);
	cn_world_release(&v->w);
	cn_pager_release(&v->pg);
	cn_store_read_end(st);
	free(v);
	return rc;
}
