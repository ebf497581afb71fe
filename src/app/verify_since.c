/*
 * verify_since.c - `council verify --since CHECKPOINT`: only what a store
 * added after a checkpoint the auditor already trusts (cn_app_verify_since,
 * app.h), at a cost proportional to what was added.
 *
 * From the trusted checkpoint (signed by the log key) it checks, inside
 * one read transaction: that the store's tree still gives the trusted
 * root at the trusted size (the frontier of stored nodes there, O(log n)
 * reads); that the last trusted event is the trusted tree's last leaf (an
 * inclusion proof), so the new events chain from the trusted head; every
 * new event (its decoding, salted hash, lookup columns and link, as any
 * scan checks them) and the stored Merkle nodes it completes; every
 * checkpoint signed at or after the trusted size
 * (its signature and its root, computed from the trusted frontier and the
 * new events); the stored consistency proof from the trusted size to the
 * newest checkpoint; and the frontier of stored nodes at the end against
 * the one the new events give.  What it does not check is said in
 * docs/MERKLE.md ("verify --since"): the events the trusted root covers,
 * beyond the last one; the projections and snapshots; and the member
 * signatures inside new events, which need the registry folded from the
 * first event.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "verify.h"

/* A new event: the stored nodes it completes (a lookup each, about two
 * an event: proportional to what was added). */
static int since_one(void *ctx, const struct cn_event *ev,
		     const struct cn_merkle_node *done, size_t n,
		     struct cn_err *err)
{
	struct cn_vstream *s = ctx;
	uint8_t stored[CN_MERKLE_HASH_LEN];
	int rc = 0;

	(void)ev;
	for (size_t i = 0; rc == 0 && i < n; i++)
		if ((rc = cn_store_node(s->st, done[i].level, done[i].index, stored,
					err)) == 0 &&
		    memcmp(stored, done[i].hash, CN_MERKLE_HASH_LEN))
			rc = cn_err_set(err, CN_ECORRUPT, "Merkle node (%u, %llu) "
					"differs from the tree of the events",
					done[i].level,
					(unsigned long long)done[i].index);
	return rc;
}

/* The trusted head in the store: the same root at its size, and the last
 * event it covers is its last leaf (s->prev is then that event's hash). */
static int trusted_head(struct cn_vstream *s, const struct cn_checkpoint *t,
			struct cn_err *err)
{
	uint8_t root[CN_MERKLE_HASH_LEN];
	struct cn_merkle_proof proof;
	struct cn_event ev;
	uint64_t size;
	int rc;

	if ((rc = cn_store_tree_size(s->st, &size, err)))
		return rc;
	if (t->size > size)
		return cn_err_set(err, CN_ECORRUPT, "the log has %llu events but "
				  "the trusted checkpoint is of size %llu: it was "
				  "rolled back or truncated",
				  (unsigned long long)size,
				  (unsigned long long)t->size);
	if ((rc = cn_store_frontier(s->st, t->size, &s->tree, err)))
		return rc;
	cn_merkle_frontier_root(&s->tree, root);
	if (memcmp(root, t->root, CN_MERKLE_HASH_LEN))
		return cn_err_set(err, CN_ECORRUPT, "the log is not consistent with "
				  "the trusted checkpoint of size %llu: the stored "
				  "tree gives another root at that size (its first "
				  "%llu events or their tree were changed)",
				  (unsigned long long)t->size,
				  (unsigned long long)t->size);
	if (t->size == 0)
		return 0;
	if ((rc = cn_store_event(s->st, (int64_t)t->size, &ev, err)))
		return rc;
	memcpy(s->prev, ev.hash, CN_HASH_LEN);
	cn_event_release(&ev);
	if ((rc = cn_store_inclusion(s->st, t->size - 1, t->size, &proof, err)))
		return rc;
	if (cn_merkle_verify_inclusion(t->size - 1, t->size, s->prev, proof.node,
				       proof.len, t->root, NULL))
		return cn_err_set(err, CN_ECORRUPT, "event %llu, the last the "
				  "trusted checkpoint covers, is not its last leaf "
				  "(changed after it was signed)",
				  (unsigned long long)t->size);
	return 0;
}

/* The stored proof that the trusted tree is a prefix of the newest
 * signed one, and the stored nodes at the end are the new events'. */
static int stored_tree(struct cn_vstream *s, const struct cn_checkpoint *t,
		       struct cn_err *err)
{
	struct cn_merkle_frontier stored;
	struct cn_merkle_proof proof;
	int rc;

	/* cps holds the newest checkpoint checked, its root the stream's. */
	if (t->size && s->cps.size > t->size &&
	    ((rc = cn_store_consistency(s->st, t->size, s->cps.size, &proof,
					err)) ||
	     cn_merkle_verify_consistency(t->size, s->cps.size, t->root,
					  s->cps.root, proof.node, proof.len,
					  NULL)))
		return cn_err_set(err, CN_ECORRUPT, "the stored consistency proof "
				  "from the trusted size %llu to the checkpoint of "
				  "size %llu does not hold",
				  (unsigned long long)t->size,
				  (unsigned long long)s->cps.size);
	if ((rc = cn_store_frontier(s->st, s->tree.size, &stored, err)))
		return rc;
	if (!cn_merkle_frontier_equal(&stored, &s->tree))
		return cn_err_set(err, CN_ECORRUPT, "the stored Merkle tree of the "
				  "first %llu events differs from the tree of the "
				  "events", (unsigned long long)s->tree.size);
	return 0;
}

static int since_in(struct cn_vstream *s, const char *note, const char *vkey,
		    struct cn_verify_since *out, struct cn_err *err)
{
	struct cn_checkpoint t;
	struct cn_err why = {0};
	char *name = NULL;
	uint8_t pk[CN_NOTE_PUBKEY_LEN];
	int rc;

	if ((rc = cn_verify_log_key(s->st, vkey, &name, pk, err)))
		return rc;
	if ((rc = cn_checkpoint_verify(note, strlen(note), name, pk, &t, &why))) {
		free(name);
		return cn_err_set(err, rc == CN_ENOMEM ? CN_ENOMEM : CN_EINVAL,
				  "the trusted checkpoint: %s", why.msg);
	}
	out->trusted = t.size;
	if ((rc = trusted_head(s, &t, err)) == 0) {
		cn_cp_check_init(&s->cps, cn_vstream_root, s, name, pk);
		rc = cn_store_checkpoints_from(s->st, t.size,
					       cn_vstream_checkpoint, s, err);
		if (rc == 0)
			rc = cn_vstream_to(s, INT64_MAX, err);
		out->checkpoints = s->cps.count;
		out->chained = s->cps.chained;
	}
	out->events = (int64_t)s->tree.size;
	if (rc == 0)
		rc = stored_tree(s, &t, err);
	if (rc == 0 && vkey)
		rc = cn_verify_named_key_is(s->st, name, pk, err);
	cn_checkpoint_release(&t);
	free(name);
	return rc;
}

int cn_app_verify_since(struct cn_app *app, const char *note, const char *vkey,
			struct cn_verify_since *out, struct cn_err *err)
{
	struct cn_vstream s;
	int rc;

	memset(out, 0, sizeof(*out));
	cn_vstream_init(&s, cn_app_store(app), since_one, &s);
	if ((rc = cn_store_read_begin(s.st, err)))
		return rc;
	rc = since_in(&s, note, vkey, out, err);
	cn_vstream_release(&s);
	cn_store_read_end(s.st);
	return rc;
}
