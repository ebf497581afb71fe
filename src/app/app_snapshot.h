/*
 * app_snapshot.h - the writer's world from a snapshot, for app.c alone.
 *
 * An app (app.c) starts its world from the newest stored snapshot it can
 * trust (core/snapshot.h: canonical bytes of a world, with its place in
 * the log) and folds the events after it; any other snapshot is not
 * trusted: a warning says why, the world comes from an older one or from
 * the whole log, and the next snapshot written drops it.  Inside a
 * commit's transaction it writes a new one once enough events passed.
 * This module holds that policy and what it remembers between calls;
 * app.c owns the struct (inside struct cn_app) and the store.
 *
 * The seal.  A snapshot's own digest (core/snapshot.h) finds accidents,
 * not someone who can write the database and rewrites a snapshot with its
 * digest: the writer would then fold new events onto a world that is not
 * the log's, and sign what it decides from it.  So a writer seals each
 * snapshot it stores with a key derived from the log's signing key,
 * which lives outside the database (app.c): stored bytes are the
 * snapshot, then a 32-byte HMAC-SHA-512-256 (libsodium crypto_auth) of
 * its digest, then the 8 bytes "CNSEAL01".  A writer trusts only a
 * snapshot whose seal its key verifies (one from before seals is rebuilt
 * once from the log).  A read-only open holds no key and checks no seal:
 * its world only names the registry to the read commands, which answer
 * from the projections, and whoever could forge a snapshot could as well
 * rewrite those; `council verify` compares every snapshot with the
 * replay, which finds both.
 */
#ifndef CN_APP_SNAPSHOT_H
#define CN_APP_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/world.h"
#include "../store/store.h"
#include "app.h"
#include "pager.h"

struct cn_app_snaps {
	/* The seq of the newest snapshot stored and trusted (0: none), the
	 * one a commit in progress writes, and how many events may pass
	 * before the next at least (exactly, when `fixed`: the environment
	 * said). */
	int64_t seq, pending, every;
	int fixed;
	/* The bytes of the snapshot at seq and of the one at pending (less
	 * their seals): the interval grows with them. */
	uint64_t len, pending_len;
	/* How many bytes of a worker's snapshot's new parts one commit
	 * stores at most (past the first part) before the commit that
	 * stores its row: CN_APP_SNAP_AHEAD, or COUNCIL_SNAPSHOT_AHEAD in
	 * the environment, when a positive number (the tests: 1, a part a
	 * commit). */
	size_t ahead;
	/* The seq of the last snapshot the store refused (put): the next is
	 * due an interval after it. */
	int64_t tried;
	/* Those found untrustworthy at open, which the next write drops. */
	int64_t bad[CN_APP_SNAP_BAD];
	size_t nbad;
	/* The seal's key (derived from the log's signing key), when this
	 * app writes. */
	unsigned char seal_key[32];
	int sealing;
	/* Why the last open or rebuild did not start from a snapshot that
	 * was stored ("" when it did, or when there was none). */
	char warning[CN_ERR_MSG_MAX + 64];
	/* NULL: each snapshot is made in its commit (the CLI).  Else the
	 * worker that makes them (cn_app_snaps_background). */
	struct cn_app_snaps_bg *bg;
	/* What the last cn_app_snaps_restore cost (app.h). */
	struct cn_app_opened opened;
};

/* Empty, with the interval: COUNCIL_SNAPSHOT_EVERY when set to a positive
 * number (the tests take them often; fixed), else CN_APP_SNAPSHOT_EVERY
 * (at least). */
void cn_app_snaps_init(struct cn_app_snaps *s);
/* How many events pass after the newest snapshot before the next is
 * due: s->every, or when not fixed by the environment, one for each
 * CN_APP_SNAPSHOT_BYTES_PER_EVENT bytes of that snapshot if that is more
 * (app.h says why). */
int64_t cn_app_snaps_interval(const struct cn_app_snaps *s);

/* Seal the snapshots written and check those read with a key derived
 * from sk, the log's Ed25519 secret key (64 bytes). */
void cn_app_snaps_seal_with(struct cn_app_snaps *s, const uint8_t *sk);
/* Forget the seal's key (sodium_memzero); stop the worker, if any: a
 * snapshot it is making is finished (tens of milliseconds at 100k
 * proposals) and dropped, never stored. */
void cn_app_snaps_release(struct cn_app_snaps *s);

/* From now on snapshots are made on a worker thread (a server's writer):
 * a commit that makes one due plans it (core/snapshot.h's
 * cn_snapshot_plan: the registry and the open proposals encoded, the
 * concluded ones named where the pager's file holds them, a few
 * milliseconds), the worker hashes, seals and cuts its bytes as it
 * reads them (core/snapshot.h's cn_snapshot_plan_to into a maker,
 * store.h), keeping only those of the parts the store did not hold at
 * the plan (tens of milliseconds at 100k proposals, which the commit
 * used to pay, holding every write queued behind it), and the first
 * commit after it is ready stores it (cn_app_snaps_take: only the parts
 * not stored yet).  A snapshot still names the event it was planned at,
 * so it is stored after more events are: restoring it folds them, as
 * for any snapshot.  Its new parts (those not stored: a few hundred
 * kilobytes after a few writes, megabytes after a long tail) are stored
 * at most s->ahead bytes a commit before the commit that stores its row
 * (store.h, cn_store_snapshot_put_listed), so that no commit holds the
 * writes behind it for all of them at once.  Until that commit the
 * worker holds its new parts' bytes; none is planned while one is on
 * the way.
 * CN_ENOMEM, CN_EIO (the thread). */
int cn_app_snaps_background(struct cn_app_snaps *s, struct cn_err *err)
	CN_NODISCARD;
/* Wait until the worker has no snapshot to put together (it may hold one
 * ready to store): for the tests.  Without a worker, returns at once. */
void cn_app_snaps_settle(struct cn_app_snaps *s);

/* How many of a stored snapshot's len bytes are the snapshot itself:
 * len less its seal when it has one (for app/snapcheck.c). */
size_t cn_app_snap_unsealed_len(const uint8_t *bytes, size_t len);
/* The same from its last CN_APP_SNAP_TAIL bytes alone (all of them when
 * len is less), for bytes read a piece at a time. */
#define CN_APP_SNAP_TAIL 40 /* a seal: a 32-byte MAC and "CNSEAL01" */
size_t cn_app_snap_unsealed_len_tail(const uint8_t *tail, size_t len);

/* The writer's world into *w (initialised here): from the newest snapshot
 * that can be trusted plus the events after it (*seq its seq), else from
 * the whole log (*seq 0).  Resets and fills s->warning and s->bad.  With
 * a pager (pager.h; NULL: none), a snapshot's concluded proposals go to
 * it as they are decoded, and *w comes back attached to it (the caller
 * attaches it again wherever it copies *w to). */
int cn_app_snaps_restore(struct cn_app_snaps *s, struct cn_store *st,
			 struct cn_pager *pg, struct cn_world *w, int64_t *seq,
			 struct cn_err *err) CN_NODISCARD;

/* Inside the write transaction, before its commit: a snapshot of w when
 * an interval (cn_app_snaps_interval) passed since the last, replacing
 * any found untrustworthy (with a worker: the one it has ready, if any).  A world
 * that cannot be encoded (out of memory) is no reason to refuse the
 * write: the next commit tries again. */
int cn_app_snaps_take(struct cn_app_snaps *s, struct cn_store *st,
		      const struct cn_world *w, struct cn_err *err) CN_NODISCARD;

/* After the commit: the snapshot written is the one to count from.  With
 * a worker, a snapshot of w (kept by pg, NULL for none) is planned now
 * when one is due and none is on the way. */
void cn_app_snaps_committed(struct cn_app_snaps *s, struct cn_store *st,
			    const struct cn_world *w, struct cn_pager *pg);

/* A cn_store_scan callback: fold one event of the store's tail into the
 * world ctx, which it must follow (its prev is the world's last hash). */
int cn_app_fold_next(void *ctx, const struct cn_event *ev, struct cn_err *err);

#endif
