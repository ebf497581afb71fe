/*
 * snapcheck.h - `council verify`'s check of the stored snapshots of the
 * writer's world (core/snapshot.h, store.h): each must be, byte for byte,
 * the snapshot of the world replayed to its seq, with that event's hash.
 * A snapshot is not the record (nothing signs it), but a writer opens
 * from it, so one that disagrees with the log is named.
 *
 * Use: load the snapshots before the replay, call cn_snapcheck_event
 * after each event is folded, then cn_snapcheck_end for those at events
 * the log does not hold.  Each snapshot is held as its length and a
 * digest (SHA-256: with the CPU's SHA extensions, which nettle uses, 2.4
 * times as fast as libsodium's BLAKE2b on the measured VM) of its bytes,
 * not the bytes: a snapshot of a large world is tens of megabytes; the
 * stored one is read a piece at a time (cn_store_snapshot_pieces) and the
 * world's streamed (cn_snapshot_encode_to) into their digests, neither
 * held whole.  Only when it differs is the stored one read again, in the
 * same read transaction, to name the first byte that differs.
 * Ownership: the check owns its digests until cn_snapcheck_release and
 * borrows the store (read transaction open) from cn_snapcheck_load to the
 * last cn_snapcheck_event.
 */
#ifndef CN_SNAPCHECK_H
#define CN_SNAPCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/sha256.h"
#include "../core/world.h"
#include "../store/store.h"

#define CN_SNAPCHECK_DIGEST CN_SHA256_LEN

struct cn_snapcheck_item {
	int64_t seq;
	uint8_t *hash;                       /* the event's, as stored */
	uint8_t digest[CN_SNAPCHECK_DIGEST]; /* of the snapshot's len bytes */
	size_t hashlen, len;
};

struct cn_snapcheck {
	struct cn_store *st;
	struct cn_snapcheck_item *s; /* by seq, ascending */
	size_t n, next;
	/* Called, when set, before a snapshot that differs is read again
	 * from the store: the store may be another thread's until then
	 * (verify.c's pipelined replay, cn_vstream_quiesce). */
	void (*before_read)(void *ctx);
	void *before_ctx;
};

int cn_snapcheck_load(struct cn_snapcheck *c, struct cn_store *st,
		      struct cn_err *err) CN_NODISCARD;
/* After event ev is folded into w: the snapshots at ev->seq must be w's.
 * CN_ECORRUPT naming the snapshot by its event. */
int cn_snapcheck_event(struct cn_snapcheck *c, const struct cn_world *w,
		       const struct cn_event *ev, struct cn_err *err)
	CN_NODISCARD;
/* After the last event: any snapshot left names an event not in the log. */
int cn_snapcheck_end(const struct cn_snapcheck *c, struct cn_err *err)
	CN_NODISCARD;
void cn_snapcheck_release(struct cn_snapcheck *c);

#endif
