/*
 * frontier.c - the compact Merkle frontier; see frontier.h.
 */
#include "frontier.h"

#include <assert.h>
#include <string.h>

void cn_merkle_frontier_init(struct cn_merkle_frontier *f)
{
	memset(f, 0, sizeof(*f));
}

/* cn_merkle_append asks only for the left siblings of a new right child:
 * the roots the frontier holds. */
static int frontier_get(void *ctx, unsigned level, uint64_t index,
			uint8_t out[CN_MERKLE_HASH_LEN])
{
	const struct cn_merkle_frontier *f = ctx;

	assert(level < CN_MERKLE_LEVELS && (f->size >> level & 1) &&
	       index == (f->size >> level) - 1);
	(void)index;
	memcpy(out, f->node[level].b, CN_MERKLE_HASH_LEN);
	return 0;
}

int cn_merkle_frontier_load(struct cn_merkle_frontier *f, cn_merkle_get_fn get,
			    void *ctx, uint64_t size)
{
	int rc;

	cn_merkle_frontier_init(f);
	for (unsigned l = 0; l < CN_MERKLE_LEVELS; l++)
		if ((size >> l & 1) &&
		    (rc = get(ctx, l, (size >> l) - 1, f->node[l].b)))
			return rc;
	f->size = size;
	return 0;
}

int cn_merkle_frontier_append(struct cn_merkle_frontier *f,
			      const uint8_t leaf_hash[CN_MERKLE_HASH_LEN],
			      struct cn_merkle_node out[CN_MERKLE_LEVELS],
			      size_t *nout, struct cn_err *err)
{
	struct cn_merkle_node local[CN_MERKLE_LEVELS];
	struct cn_merkle_node *o = out ? out : local;
	size_t n = 0;
	int rc = cn_merkle_append(frontier_get, f, f->size, leaf_hash, o, &n, err);

	if (nout)
		*nout = rc ? 0 : n;
	if (rc)
		return rc;
	/* The last node completed is the new subtree root; the ones it
	 * absorbed (lower levels, their bits now zero) are forgotten. */
	memcpy(f->node[o[n - 1].level].b, o[n - 1].hash, CN_MERKLE_HASH_LEN);
	f->size++;
	return 0;
}

int cn_merkle_frontier_equal(const struct cn_merkle_frontier *a,
			     const struct cn_merkle_frontier *b)
{
	if (a->size != b->size)
		return 0;
	for (unsigned l = 0; l < CN_MERKLE_LEVELS; l++)
		if ((a->size >> l & 1) &&
		    memcmp(a->node[l].b, b->node[l].b, CN_MERKLE_HASH_LEN))
			return 0;
	return 1;
}

void cn_merkle_frontier_root(const struct cn_merkle_frontier *f,
			     uint8_t root[CN_MERKLE_HASH_LEN])
{
	int have = 0;

	if (f->size == 0) {
		cn_merkle_empty_root(root);
		return;
	}
	for (unsigned l = 0; l < CN_MERKLE_LEVELS; l++) {
		if (!(f->size >> l & 1))
			continue;
		if (have)
			cn_merkle_node_hash(f->node[l].b, root, root);
		else
			memcpy(root, f->node[l].b, CN_MERKLE_HASH_LEN);
		have = 1;
	}
}
