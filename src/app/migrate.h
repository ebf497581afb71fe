/*
 * migrate.h - copying a store's record into a new store of any backend
 * (`council migrate`, cli/cmd_migrate.c), and checking the copy before it
 * is committed.
 *
 * What a store keeps that nothing else can give back is copied as it is:
 * the events (their exact bytes and salts, in order, each chain-checked as
 * it is read), the signed checkpoints (what auditors hold), the tokens
 * (credentials: hashes with their ids and dates), the log's public key,
 * and the webhooks with their secrets and cursors, the outbox (notices)
 * and its delivery log, ids included, so the copy delivers from where
 * the source stopped, no notice twice and none missed (a claim, a running
 * server's lease, is not copied: such a notice is due again).
 * What is derived is made again by the destination's own code: the events
 * are folded and projected by the destination app (cn_app_import_*), its
 * Merkle nodes are those its appends complete, its snapshot is its own.
 *
 * Before the destination's transaction commits, the copy is compared with
 * the source: the tree's size and root, every checkpoint verified against
 * the destination's own tree with the log key, every projection table
 * row by row (in key order, and the registry's in the order first
 * written, which readers fold), the tokens, the webhooks, notices and
 * deliveries, and the registry counter.  The
 * first difference is named (table and key) and nothing is committed.
 * Rows are compared through a temporary file, one table at a time, so
 * memory does not grow with the tables; the events are streamed.
 *
 * Ownership: the caller owns both stores; nothing is kept after return.
 */
#ifndef CN_MIGRATE_H
#define CN_MIGRATE_H

#include <stdint.h>

#include "../core/err.h"
#include "../core/merkle.h"
#include "../store/store.h"
#include "app.h"

struct cn_migrate_report {
	int64_t events, checkpoints, tokens, people;
	int64_t webhooks, notices, deliveries; /* the outbox's rows */
	uint8_t root[CN_MERKLE_HASH_LEN];
};

/* Told of the events copied so far, every CN_MIGRATE_STEP and at the end. */
#define CN_MIGRATE_STEP 10000
typedef void (*cn_migrate_progress_fn)(void *ctx, int64_t done, int64_t total);

/* Copy the record of `src` (read in one snapshot) into `dst`, an app on
 * an empty store opened with the same log key, check the copy, and
 * commit it only when every check passes.  CN_EINVAL when src holds no
 * log or dst is not empty; CN_ECORRUPT naming the event, checkpoint,
 * table and row, or token that is wrong (in src, or different in dst);
 * CN_EIO from either store.  On any failure dst is rolled back. */
int cn_migrate(struct cn_store *src, struct cn_app *dst,
	       cn_migrate_progress_fn progress, void *ctx,
	       struct cn_migrate_report *out, struct cn_err *err) CN_NODISCARD;

#endif
