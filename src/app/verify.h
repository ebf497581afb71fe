/*
 * verify.h - checking the record: a store (`council verify`, through
 * cn_app_verify in app.h) or an exported log (`verify --export`, in
 * export.h) against the events themselves and the published log key.
 *
 * One checker of a checkpoint sequence serves both: given the roots of a
 * Merkle tree the verifier computed itself from the events (a whole tree
 * in memory for an export, a frontier streamed to each checkpoint's size
 * for a store), each signed checkpoint must be signed by the key, give
 * the tree's root at its size (which the tree must reach), and come in
 * size order, which with roots of one sequence of leaves makes each
 * consistent with the one before it.
 *
 * A store is checked through the store contract only (store.h), inside
 * one read transaction, so any backend gets the same checks and a store
 * being written by a running server verifies as the snapshot it was.
 *
 * A store is streamed: memory does not grow with the log but for the
 * world (the projections are compared through digests, projcheck.h, and
 * the stored snapshots held as digests, snapcheck.h); see docs/MERKLE.md,
 * "Verifying".  `verify --since` (verify_since.c) checks only what was
 * added after a checkpoint the auditor trusts.
 *
 * Ownership: the checker borrows the root function's context and the key
 * for its life; it allocates nothing.
 */
#ifndef CN_VERIFY_H
#define CN_VERIFY_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../core/frontier.h"
#include "../core/merkle.h"
#include "../core/world.h"
#include "eventpipe.h"
#include "pager.h"
#include "../store/store.h"

/* The root of the verifier's own tree at `size` (0), or CN_ENOTFOUND with
 * *have the number of leaves it has when that is fewer than size. */
typedef int (*cn_cp_root_fn)(void *ctx, uint64_t size,
			     uint8_t root[CN_MERKLE_HASH_LEN], uint64_t *have);

struct cn_cp_check {
	cn_cp_root_fn root_fn;
	void *root_ctx;
	const char *key_name;
	const uint8_t *pk;
	uint64_t size;                   /* the last one checked (0: none) */
	uint8_t root[CN_MERKLE_HASH_LEN];
	int64_t count;                   /* checkpoints seen */
	int64_t chained;                 /* of them, taken through the next
					    one's chain line (verify_sigs.c) */
};

void cn_cp_check_init(struct cn_cp_check *c, cn_cp_root_fn root, void *ctx,
		      const char *key_name, const uint8_t pk[32]);

/* The cn_cp_root_fn of a whole tree in memory (ctx: a struct
 * cn_merkle_mem). */
int cn_cp_root_mem(void *ctx, uint64_t size, uint8_t root[CN_MERKLE_HASH_LEN],
		   uint64_t *have);

/* Check the next checkpoint of the sequence (by size, oldest first).
 * `stored` (NULL for an export) is what a store keeps beside the note: its
 * size and root must be the note's.  CN_ECORRUPT naming the checkpoint
 * by its size ("checkpoint at size N: ..."), or by its place in the
 * sequence when the note cannot be read. */
int cn_cp_check_next(struct cn_cp_check *c, const char *note,
		     const struct cn_checkpoint_row *stored, struct cn_err *err)
	CN_NODISCARD;
/* cn_cp_check_next for a note already parsed and its signatures checked
 * (cn_checkpoint_verify's way, or in its steps): rc and why are what
 * cn_checkpoint_verify gave, cp the checkpoint when rc is 0 (borrowed). */
int cn_cp_check_signed(struct cn_cp_check *c, int rc, const char *why,
		       const struct cn_checkpoint *cp,
		       const struct cn_checkpoint_row *stored, struct cn_err *err)
	CN_NODISCARD;

/* ---- checkpoint signatures on a second thread (verify_sigs.c) ------------
 *
 * A batch of notes, parsed and the key named by cn_sigs_start (on the
 * caller's thread, which makes every allocation), their Ed25519 checks run
 * by a second thread; cn_sigs_judge(i), for each item in order, checks the
 * item itself if the worker has not reached it (or waits for it) and then
 * is cn_cp_check_next for that note.  cn_sigs_stop ends the worker (early,
 * after a failure) and frees what the items hold; the caller owns the
 * items and their notes.
 *
 * A note whose exact bytes the next note of the batch names in its chain
 * line (checkpoint.h) needs no Ed25519 check of its own: the next one's
 * signature, or its own successor's, vouches for it, back from the
 * batch's last item, whose signature is always checked (as is the
 * first's, so that a wrong key is named at once).  A log whose signer
 * checks each note before it chains it then costs two checks a batch.
 * A note the next does not name (an older store's, or a damaged one) is
 * checked itself, so a fault is named as before; a forged run of notes
 * that name each other is named at its end.  The second thread starts
 * only for a batch with at least 8 signatures to check (an unchained
 * log's): starting it cost more than two checks.
 *
 * The items need no zeroing: cn_sigs_start sets every field read after
 * it (a note's cp and chk only when it parsed).
 * An item holds no message: judging stops at the first fault, so the
 * batch keeps only the first one that failed before its check (a note
 * that does not parse); the others' faults are worded when judged.  With
 * a message each, an item was 660 bytes, and a store's thousand
 * checkpoints' items were a quarter of the pages its verify touched. */
struct cn_sig_item {
	const char *note;          /* set by the caller; borrowed */
	struct cn_checkpoint cp;   /* parsed, when rc is 0 */
	struct cn_note_check chk;  /* its signatures, when rc is 0 */
	int rc;
	int state;                 /* to check, claimed, checked (the lock's) */
	int vouched;               /* the next item's chain line names it */
};

struct cn_sigs {
	struct cn_sig_item *items;
	size_t n, claim;           /* the worker's next to claim */
	size_t failed;             /* the first item whose rc start set, or n */
	struct cn_err why;         /* and what failed there */
	pthread_t worker;
	pthread_mutex_t lock;
	pthread_cond_t moved;
	int working, stop;
};

void cn_sigs_start(struct cn_sigs *g, struct cn_sig_item *items, size_t n,
		   const char *key_name, const uint8_t *pk);
int cn_sigs_judge(struct cn_sigs *g, size_t i, struct cn_cp_check *c,
		  const struct cn_checkpoint_row *stored, struct cn_err *err)
	CN_NODISCARD;
void cn_sigs_stop(struct cn_sigs *g);

/* ---- the log streamed (verify_stream.c) ----------------------------------
 *
 * One pass in seq order, a range at a time: each event is chained (store.h),
 * appended to a Merkle frontier, then handed to fn with the perfect nodes
 * it completed.  Checkpoints are read by size (cn_store_checkpoints with
 * cn_vstream_checkpoint, the stream as ctx) and kept a batch at a time;
 * the events up to the batch's last size are then read, and cps, set up
 * with cn_vstream_root, checks each against the frontier's root when the
 * stream reaches its size.  After the checkpoints, cn_vstream_to(INT64_MAX)
 * checks the last batch and reads the rest.  O(log n) memory, and one
 * batch of checkpoints.  The batch's signatures are checked on a second
 * thread while this one reads the events (the Ed25519 checks were a
 * quarter of verify); each checkpoint is still judged in order, when the
 * stream reaches it, with the messages of cn_cp_check_next.
 *
 * With `pipelined` set (verify's whole replay), the events themselves are
 * read on another thread (eventpipe.h) while fn runs on this one; fn then
 * must not use the store without cn_vstream_quiesce first.  Off (verify
 * --since, whose fn reads stored nodes), they are read on this thread. */
struct cn_vstream_cp;
typedef int (*cn_vstream_fn)(void *ctx, const struct cn_event *ev,
			     const struct cn_merkle_node *done, size_t ndone,
			     struct cn_err *err);

struct cn_vstream {
	struct cn_store *st;
	struct cn_merkle_frontier tree; /* of the events read */
	uint8_t prev[CN_HASH_LEN];      /* the hash of the last one read */
	struct cn_cp_check cps;
	cn_vstream_fn fn;
	void *ctx;
	struct cn_vstream_cp *pending;   /* the batch of checkpoints */
	size_t npending, next, cap;      /* held; the next to check; room */
	struct cn_sig_item *sig;         /* the batch's notes, checked by */
	struct cn_sigs sigs;             /* a second thread */
	int pipelined;                   /* events read on a thread too */
	struct cn_eventpipe pipe;
};

/* From the first event (a caller may then set tree and prev to start
 * later, from a head it trusts). */
void cn_vstream_init(struct cn_vstream *s, struct cn_store *st,
		     cn_vstream_fn fn, void *ctx);
/* Read on up to event `to` (INT64_MAX: to the end), checking the batch's
 * checkpoints on the way (those beyond the log's end too); the batch is
 * then empty. */
int cn_vstream_to(struct cn_vstream *s, int64_t to, struct cn_err *err)
	CN_NODISCARD;
/* From inside fn: the events are read on this thread from here on, so fn
 * may use the store (a pipelined stream's reader stops; nothing else). */
void cn_vstream_quiesce(struct cn_vstream *s);
/* Free the batch and its room (cn_vstream_to empties the batch, and keeps
 * the room for the next). */
void cn_vstream_release(struct cn_vstream *s);
/* The cn_cp_root_fn of a stream (ctx: the stream). */
int cn_vstream_root(void *ctx, uint64_t size, uint8_t root[CN_MERKLE_HASH_LEN],
		    uint64_t *have);
/* The cn_checkpoint_fn of a stream (ctx: the stream). */
int cn_vstream_checkpoint(void *ctx, const struct cn_checkpoint_row *cp,
			  struct cn_err *err);

/* Replay the log (checking the chain) and compare every projection table
 * with the rows that replay gives (app/projection.h), in one read
 * transaction.  0 when they match; CN_ECORRUPT naming the first
 * differing table and row otherwise.  *w (may be NULL) receives the
 * replayed world. */
int cn_verify_projections(struct cn_store *st, struct cn_world *w,
			  struct cn_err *err) CN_NODISCARD;

/* The log key to check against: the published key `vkey` (text) when
 * given, else the one the store names (meta "log_vkey"), which proves
 * only that the log agrees with itself.  *name is malloc'd. */
int cn_verify_log_key(struct cn_store *st, const char *vkey, char **name,
		      uint8_t pk[CN_NOTE_PUBKEY_LEN], struct cn_err *err)
	CN_NODISCARD;
/* With a published key, the key the store names must be that one. */
int cn_verify_named_key_is(struct cn_store *st, const char *name,
			   const uint8_t pk[CN_NOTE_PUBKEY_LEN],
			   struct cn_err *err) CN_NODISCARD;

#endif
