/*
 * snapparts.h - a snapshot stored in parts, so that writing the next one
 * writes only what changed (internal to src/store/, used by store.c).
 *
 * Why.  A snapshot is the whole world as bytes (core/snapshot.h): tens of
 * megabytes at 100,000 proposals, written inside a commit's transaction
 * every few thousand events.  Stored whole, each one wrote all of it to
 * the database (its WAL, then the file), and the commit that carried it
 * held every write queued behind it for about a second.  Yet almost all
 * of those bytes are the same from one snapshot to the next: concluded
 * proposals, in id order, do not change.
 *
 * How.  The bytes are cut where their content says (a gear rolling hash
 * over the last 64 bytes, as FastCDC does: a cut after at least
 * CN_SNAPPART_MIN bytes where the hash's top 16 bits are zero, at most
 * CN_SNAPPART_MAX), so a change moves the cuts near it only and every
 * other part is found again, byte for byte.  Each part is stored once,
 * under its SHA-256, in the backend's table of parts; the snapshot's row
 * holds a list of parts instead of the bytes: the 8 bytes "CNPARTS1",
 * then per part its SHA-256 and its length (4 bytes, big-endian).  A part no
 * kept snapshot names is dropped after each put and drop.
 *
 * Trust.  Nothing here is trusted more than a whole snapshot was: the
 * parts put together must still pass the snapshot's own digest and the
 * writer's seal (app/app_snapshot.h), so a part changed or swapped is
 * found there.  A list of parts that cannot be read, or names a part not
 * stored or of another length, hands its row on with no bytes and `why`
 * saying so.  A part stored ahead of its snapshot's row (a large
 * snapshot's new parts spread over several commits) is named by no
 * snapshot until then: a put or drop that comes between drops it like
 * any other, and the row's put stores it again.  A part is shared by
 * several snapshots: after one failed to decode, the writer's next put rewrites every part it names
 * (CN_SNAPSHOT_REWRITE), so that a damaged part is not kept forever by
 * being found "already stored".  Rows stored whole (before parts) are
 * read as they are.
 */
#ifndef CN_STORE_SNAPPARTS_H
#define CN_STORE_SNAPPARTS_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define CN_SNAPPART_MIN (16 * 1024)
#define CN_SNAPPART_MAX (256 * 1024)
#define CN_SNAPPARTS_MAGIC "CNPARTS1"
#define CN_SNAPPARTS_MAGIC_LEN 8
#define CN_SNAPPART_ENTRY (CN_HASH_LEN + 4)

/* Where bytes[0..len) are cut: *cuts (malloc'd) the end of each part, in
 * order, the last one len; *n how many (0 for no bytes).  CN_ENOMEM. */
int cn_snapparts_cut(const uint8_t *bytes, size_t len, size_t **cuts,
		     size_t *n, struct cn_err *err) CN_NODISCARD;

/* Whether a row's bytes[0..len) are a list of parts: 0 when not (a
 * snapshot stored whole), 1 when it can be followed (*n parts, *total
 * bytes in all: each part 1 to CN_SNAPPART_MAX bytes), -1 when it cannot
 * (why says what is wrong, naming the part).  Reads nothing else. */
int cn_snapparts_list(const uint8_t *bytes, size_t len, size_t *n,
		      size_t *total, char *why, size_t whylen);

/* cn_store_snapshot_list, the maker, cn_store_snapshot_stored and
 * cn_store_snapshot_put_listed (store.h).  A maker cuts with the same
 * gear hash as cn_snapparts_cut, as the bytes come: the same cuts,
 * whatever the pieces they come in. */
int cn_snapparts_make(const uint8_t *bytes, size_t len, uint8_t **list,
		      size_t *listlen, struct cn_err *err) CN_NODISCARD;
int cn_snapparts_maker(const uint8_t *known, size_t nknown, int keep,
		       struct cn_snapshot_maker **m, struct cn_err *err)
	CN_NODISCARD;
int cn_snapparts_maker_add(void *m, const uint8_t *bytes, size_t n)
	CN_NODISCARD;
int cn_snapparts_maker_end(struct cn_snapshot_maker *m,
			   struct cn_snapshot_parts *p, size_t *len,
			   struct cn_err *err) CN_NODISCARD;
void cn_snapparts_maker_free(struct cn_snapshot_maker *m);
int cn_snapparts_stored(struct cn_store *st, uint8_t **hashes, size_t *n,
			struct cn_err *err) CN_NODISCARD;
int cn_snapparts_put_listed(struct cn_store *st, const struct cn_snapshot_row *s,
			    const struct cn_snapshot_parts *p, unsigned keep,
			    unsigned flags, size_t budget, size_t *left,
			    struct cn_err *err) CN_NODISCARD;

/* cn_store_snapshot_put, cn_store_snapshot_drop, cn_store_snapshots and
 * cn_store_snapshot_pieces over a backend with parts (store.h). */
int cn_snapparts_put(struct cn_store *st, const struct cn_snapshot_row *s,
		     unsigned keep, unsigned flags, struct cn_err *err)
	CN_NODISCARD;
int cn_snapparts_drop(struct cn_store *st, int64_t seq, struct cn_err *err)
	CN_NODISCARD;
int cn_snapparts_each(struct cn_store *st, cn_snapshot_fn fn, void *ctx,
		      struct cn_err *err) CN_NODISCARD;
int cn_snapparts_pieces(struct cn_store *st, cn_snapshot_fn head,
			cn_snapshot_piece_fn piece, void *ctx,
			struct cn_err *err) CN_NODISCARD;

#endif
