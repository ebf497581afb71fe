/*
 * projection.h - what the store's projection rows hold, computed from the
 * world, and the worlds built back from the store: the whole log
 * replayed, and the registry a reader checks sight and lists against.
 *
 * The store stores rows (store.h); this module decides them.  Each event
 * the app folds rewrites the rows of the entity it changed.  A proposal's
 * row holds its whole view (cn_proposal_json), and that view reads the
 * registry as well as the proposal, so a registry change also rewrites
 * the views that read the entity it changed (see view_reads() in
 * projection.c): the stored views are then exactly what a replay of the
 * log gives, which `council verify` checks row by row (verify.h).
 *
 * A write writes each touched proposal's view once, when it flushes (the
 * end of a command, or of a server batch: group commit), and the positions
 * rows as each event lands.
 *
 * Ownership: rows handed to callbacks are borrowed for the call.  A
 * struct cn_projector is a plain value, zeroed to start; it owns its
 * pending marks until cn_projector_release().  Not thread-safe.
 */
#ifndef CN_PROJECTION_H
#define CN_PROJECTION_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/world.h"
#include "../store/store.h"

/* Replay the whole log into *w (initialised here; released on failure),
 * checking the hash chain as it goes (cn_store_scan). */
int cn_projection_replay(struct cn_store *st, struct cn_world *w,
			 struct cn_err *err) CN_NODISCARD;

/* The proposal views a write has yet to rewrite. */
struct cn_projector {
	int64_t *dirty;
	size_t ndirty, cap;
};

/* Project one event just folded into w, inside the write transaction:
 * rewrite the registry or positions rows it changed, tell readers when
 * the registry moved (meta "registry_seq"), and mark for rewriting the
 * view of the proposal it touched and of every proposal whose view reads
 * the registry entity it changed. */
int cn_project_event(struct cn_projector *pj, struct cn_store *st,
		     const struct cn_world *w, const struct cn_event *ev,
		     struct cn_err *err) CN_NODISCARD;
/* Write each marked proposal's view once, then forget the marks. */
int cn_projector_flush(struct cn_projector *pj, struct cn_store *st,
		       const struct cn_world *w, struct cn_err *err)
	CN_NODISCARD;
/* Forget the marks (the transaction was rolled back). */
void cn_projector_reset(struct cn_projector *pj);
void cn_projector_release(struct cn_projector *pj);

/* Every row of table t that the world gives, in no particular order; the
 * rows a store written event by event must hold. */
int cn_projection_rows(const struct cn_world *w, enum cn_table t, cn_row_fn fn,
		       void *ctx, struct cn_err *err) CN_NODISCARD;

/* The proposals and positions rows of the world's proposals [lo, hi)
 * (indexes: ids lo + 1 to hi), proposal by proposal, its positions by
 * member code (both in their table's key order), each brought back
 * from the world's pager once for both: to `prop` and to `pos` (either
 * may be NULL).  Two threads may ask for different ranges at once: the
 * world is only read, and its pager's loads take its lock. */
int cn_projection_proposal_rows(const struct cn_world *w, size_t lo, size_t hi,
				cn_row_fn prop, void *pctx, cn_row_fn pos,
				void *posctx, struct cn_err *err) CN_NODISCARD;

/* The registry (alliance, members, bodies, partners, offices), folded from
 * the stored rows in their first-written order, which is the fold's order,
 * in one read transaction.  *w must be initialised (and empty). */
int cn_projection_registry(struct cn_store *st, struct cn_world *w,
			   struct cn_err *err) CN_NODISCARD;

#endif
