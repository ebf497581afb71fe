/*
 * verify.h - checking the record: a store (`council verify`, through
 * cn_app_verify in app.h) or an exported log (`verify --export`, in
 * export.h) against the events themselves and the published log key.
 *
 * One checker of a checkpoint sequence serves both: given a Merkle tree
 * the verifier computed itself from the events, each signed checkpoint
 * must be signed by the key, give the tree's root at its size (which the
 * tree must reach), and be consistent with the checkpoint before it.
 *
 * A store is checked through the store contract only (store.h), inside
 * one read transaction, so any backend gets the same checks and a store
 * being written by a running server verifies as the snapshot it was.
 *
 * Ownership: the checker borrows the tree and the key for its life; it
 * allocates nothing.
 */
#ifndef CN_VERIFY_H
#define CN_VERIFY_H

#include <stdint.h>

#include "../core/err.h"
#include "../core/merkle.h"
#include "../core/world.h"
#include "../store/store.h"

struct cn_cp_check {
	const struct cn_merkle_mem *tree;
	const char *key_name;
	const uint8_t *pk;
	uint64_t size;                   /* the last one checked (0: none) */
	uint8_t root[CN_MERKLE_HASH_LEN];
	int64_t count;                   /* checkpoints seen */
};

void cn_cp_check_init(struct cn_cp_check *c, const struct cn_merkle_mem *tree,
		      const char *key_name, const uint8_t pk[32]);

/* Check the next checkpoint of the sequence (by size, oldest first).
 * `stored` (NULL for an export) is what a store keeps beside the note: its
 * size and root must be the note's.  CN_ECORRUPT naming the checkpoint
 * by its size ("checkpoint at size N: ..."), or by its place in the
 * sequence when the note cannot be read. */
int cn_cp_check_next(struct cn_cp_check *c, const char *note,
		     const struct cn_checkpoint_row *stored, struct cn_err *err)
	CN_NODISCARD;

/* Replay the log (checking the chain) and compare every projection table
 * with the rows that replay gives (app/projection.h), in one read
 * transaction.  0 when they match; CN_ECORRUPT naming the first
 * differing table and row otherwise.  *w (may be NULL) receives the
 * replayed world. */
int cn_verify_projections(struct cn_store *st, struct cn_world *w,
			  struct cn_err *err) CN_NODISCARD;

#endif
