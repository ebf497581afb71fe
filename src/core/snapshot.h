/*
 * snapshot.h - the writer's world as canonical bytes, so that opening a
 * long log folds only the events after the snapshot instead of all of
 * them.
 *
 * A snapshot holds everything cn_world_apply() built: the world's place in
 * the log (last seq and hash), the registry (alliance, members with their
 * keys, partners with their dated periods, bodies, offices) and every
 * proposal with its ballots, revisions, breaks, weights and extra facts.
 * The deadline index and the parsed rules are not stored: decoding
 * rebuilds them, as the fold does.
 *
 * Registry entities are stored as their records and rebuilt by the fold's
 * own functions from those records (so a record is checked exactly as the
 * log's event was); what events changed beside the record (a partnership
 * ended by an accession, an office closed by a decision) is stored too and
 * must agree with what the record allows.  Proposals are stored field by
 * field.  Bytes: the magic "CNSNAP", then the format version, then each
 * field in a fixed order; integers as zigzag LEB128 varints (the shortest
 * form only), strings and JSON (its canonical form, event.h) with a
 * varint length, a nullable one with length + 1 and 0 for NULL; last, the
 * SHA-256 of all the bytes before it, so that a snapshot changed by
 * accident or by hand is refused whole (one rewritten together with its
 * digest decodes, and is found by `council verify`).  The same
 * world always gives the same bytes, so a snapshot is checked by encoding
 * the world replayed to its seq and comparing bytes (app/verify.c).
 *
 * Decoding trusts nothing (but see cn_snapshot_decode_paged): every
 * count, enum, string and JSON value is checked, each rule is parsed
 * again, each record is folded again, and the input must end where the
 * last field does.  A failure is CN_ECORRUPT
 * naming the entity and the field (CN_ENOMEM when out of memory).
 *
 * Ownership: cn_snapshot_encode hands *out (malloc'd) to the caller.
 * cn_snapshot_decode initialises *w, which the caller releases with
 * cn_world_release() on success; on failure *w is left empty.  Pure code:
 * no I/O, no clock.
 */
#ifndef CN_SNAPSHOT_H
#define CN_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "world.h"

#define CN_SNAPSHOT_FORMAT 1
/* The bytes a snapshot starts with (written by snapshot_write.c, checked
 * by snapshot.c). */
#define CN_SNAPSHOT_MAGIC "CNSNAP"
#define CN_SNAPSHOT_MAGIC_LEN 6

/* The canonical bytes of world w.  CN_EINVAL for a world no writer folds
 * (one with proposal holes, see cn_world_skip_proposals), CN_ENOMEM. */
int cn_snapshot_encode(const struct cn_world *w, uint8_t **out, size_t *len,
		       struct cn_err *err) CN_NODISCARD;

/* The same bytes handed to sink a piece at a time (about 64 KiB each),
 * never all held: for a check that needs only their digest (a snapshot
 * of a large world is tens of megabytes).  A sink returns nonzero to
 * fail (reported as CN_ENOMEM). */
typedef int (*cn_snapshot_sink)(void *ctx, const uint8_t *bytes, size_t n);
int cn_snapshot_encode_to(const struct cn_world *w, cn_snapshot_sink sink,
			  void *ctx, struct cn_err *err) CN_NODISCARD;

/* The same bytes as a plan, made now, put together later (on another
 * thread, while the world goes on changing): what the world holds in
 * memory is encoded now, into lit; a proposal its pager holds is named
 * by where its bytes are in the pager's file (struct cn_world_pager's
 * where), which only grows.  So a writer pays for the registry and the
 * open proposals, not for the tens of megabytes of concluded ones.
 * Segments in order: lit[off..off+len) (paged 0) or the pager's file at
 * [off..off+len) (paged 1); the digest is not in it.  CN_EINVAL as
 * cn_snapshot_encode (and for a pager without where), CN_ENOMEM. */
struct cn_snapshot_seg {
	uint64_t off, len;
	int paged;
};
struct cn_snapshot_plan {
	struct cn_buf lit;
	struct cn_snapshot_seg *seg;
	size_t nseg, cap;
};
int cn_snapshot_plan(const struct cn_world *w, struct cn_snapshot_plan *plan,
		     struct cn_err *err) CN_NODISCARD;
/* The bytes cn_snapshot_encode would have made of the world planned,
 * digest included, handed to sink a piece at a time (never all held:
 * the sink of a server's snapshot keeps only its new parts), the digest
 * also in *digest: each paged segment read through read(ctx, off, len,
 * dst), at most 256 KiB at a time, which fills dst or fails (its error
 * returned). */
typedef int (*cn_snapshot_read)(void *ctx, uint64_t off, size_t len,
				uint8_t *dst, struct cn_err *err);
int cn_snapshot_plan_to(const struct cn_snapshot_plan *plan,
			cn_snapshot_read read, void *rctx, cn_snapshot_sink sink,
			void *sctx, uint8_t digest[CN_HASH_LEN],
			struct cn_err *err) CN_NODISCARD;
void cn_snapshot_plan_release(struct cn_snapshot_plan *plan);

/* The world of snapshot bytes data[0..len) into *w. */
int cn_snapshot_decode(const uint8_t *data, size_t len, struct cn_world *w,
		       struct cn_err *err) CN_NODISCARD;
/* The same into a world kept by `pager` (w->pager is set to it): a
 * concluded proposal (which awaits no deadline) is skimmed, not decoded
 * (its fields' lengths followed to where it ends, its concluded flag and
 * id read), and its bytes handed to the pager's keep; every other
 * proposal, and every other part, is decoded and checked as above.  So
 * opening costs the open proposals' decode, not every proposal's, and the
 * world in memory never holds them all.  A skimmed proposal is checked
 * whole when the pager gives it back (cn_snapshot_proposal_decode);
 * until then the snapshot's digest (and the writer's seal, app.h) stand
 * for it.  One the pager could not keep (keep nonzero), or whose skim
 * finds anything odd, is decoded whole and stays in memory. */
int cn_snapshot_decode_paged(const uint8_t *data, size_t len,
			     const struct cn_world_pager *pager,
			     struct cn_world *w, struct cn_err *err) CN_NODISCARD;

/* One proposal's part of a snapshot, appended to *out, and back: the
 * decode checks it as cn_snapshot_decode does, against w's registry (its
 * body must be there), and that it is proposal `id`, and ends where the
 * bytes do.  For a verifier that keeps concluded proposals out of memory
 * (struct cn_world_pager, world.h); *out is malloc'd (NULL on failure). */
int cn_snapshot_proposal_encode(const struct cn_proposal *p, struct cn_buf *out,
				struct cn_err *err) CN_NODISCARD;
int cn_snapshot_proposal_decode(const uint8_t *data, size_t len,
				const struct cn_world *w, int64_t id,
				struct cn_proposal **out, struct cn_err *err)
	CN_NODISCARD;

/* Two fields of proposal id's part of a snapshot, read without decoding
 * the rest: its body (NUL-terminated) and its effects (a JSON array, new
 * reference).  For a question asked of every proposal a pager holds
 * (which of them a registry change touches, app/projection.c).  0, or
 * CN_ECORRUPT naming the field (CN_ENOMEM). */
int cn_snapshot_proposal_peek(const uint8_t *data, size_t len, int64_t id,
			      char body[16], json_t **effects,
			      struct cn_err *err) CN_NODISCARD;

/* The seq and hash a snapshot says it was taken at, read from its header
 * alone (without decoding the rest): 0 or CN_ECORRUPT. */
int cn_snapshot_position(const uint8_t *data, size_t len, int64_t *seq,
			 uint8_t hash[CN_HASH_LEN], struct cn_err *err)
	CN_NODISCARD;

#endif
