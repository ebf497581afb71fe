/*
 * frontier.h - the compact Merkle frontier: the right edge of an RFC 9162
 * tree (merkle.h) in O(log n) memory, so a verifier can stream a log of
 * any length, leaf by leaf, and know the root at every size it passes
 * without keeping the tree.
 *
 * A tree of `size` leaves is the sequence of perfect subtrees named by the
 * one bits of size, largest (leftmost) first: bit l set means a perfect
 * subtree of 2^l leaves, node (l, (size >> l) - 1) in merkle.h's naming.
 * The frontier keeps exactly those roots.  Appending a leaf completes the
 * same perfect nodes cn_merkle_append returns (it is that function, its
 * left siblings read from the frontier), so a stream can also compare
 * them with a stored tree; the root is the RFC's, folded from the
 * smallest subtree up.
 *
 * Ownership: a plain value (about 2 KiB), no allocation.  Pure code.
 */
#ifndef CN_FRONTIER_H
#define CN_FRONTIER_H

#include <stdint.h>

#include "err.h"
#include "merkle.h"

struct cn_merkle_frontier {
	uint64_t size;                              /* leaves appended */
	struct cn_merkle_hash node[CN_MERKLE_LEVELS]; /* node[l]: bit l of size */
};

/* The empty tree. */
void cn_merkle_frontier_init(struct cn_merkle_frontier *f);

/* The frontier of the first `size` leaves of a tree whose perfect nodes
 * get reads (a stored tree): one lookup per one bit of size.  Returns
 * get's code unchanged when a node cannot be read. */
int cn_merkle_frontier_load(struct cn_merkle_frontier *f, cn_merkle_get_fn get,
			    void *ctx, uint64_t size) CN_NODISCARD;

/* Append one leaf hash.  When out is not NULL, writes the perfect nodes
 * this completes to out[0..*nout), as cn_merkle_append does.  CN_EINVAL
 * when the tree is full (2^64 - 1 leaves). */
int cn_merkle_frontier_append(struct cn_merkle_frontier *f,
			      const uint8_t leaf_hash[CN_MERKLE_HASH_LEN],
			      struct cn_merkle_node out[CN_MERKLE_LEVELS],
			      size_t *nout, struct cn_err *err) CN_NODISCARD;

/* Whether two frontiers are of the same size with the same subtree roots
 * (only node[l] for the one bits of size count: an append leaves the
 * levels it absorbed as they were). */
int cn_merkle_frontier_equal(const struct cn_merkle_frontier *a,
			     const struct cn_merkle_frontier *b);

/* The root of the tree of f->size leaves (the empty root for 0):
 * O(log size) hashes. */
void cn_merkle_frontier_root(const struct cn_merkle_frontier *f,
			     uint8_t root[CN_MERKLE_HASH_LEN]);

#endif
