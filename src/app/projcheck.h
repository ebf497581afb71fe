/*
 * projcheck.h - verify's comparison of the stored projection tables with
 * the rows a replay of the log gives (app/projection.h).
 *
 * Each table is compared in memory that does not hold its rows.  Every
 * row is reduced to a digest (BLAKE2b-256 over every column, with its
 * type and length).  A table whose replay gives its rows in runs of the
 * first key column, in that column's order (proposals by id, positions
 * proposal by proposal), is reduced to one digest over its runs, each
 * run's row digests sorted, on both sides: only a run is held.  Any other
 * (the small registry tables, which the world keeps in its own order):
 * the replay's row digests sorted, and every stored row, read in key
 * order, must find its own there once, none left over (32 bytes and a
 * bit a row).  Only when a table differs is it compared again the slow
 * way, every row copied and merged by key, to name the row that differs
 * (the failure path only).  The world compared is the caller's.
 *
 * Ownership: borrows the store and the world; allocates nothing that
 * outlives a call.
 */
#ifndef CN_PROJCHECK_H
#define CN_PROJCHECK_H

#include <pthread.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/world.h"
#include "../store/store.h"

#define CN_PROJCHECK_DIGEST 32

/* Every projection table of st against the rows w gives, inside the
 * caller's read transaction.  0 when they match; CN_ECORRUPT naming the
 * first differing table and row otherwise.  cn_projcheck_start and
 * cn_projcheck_finish in a row. */
int cn_projcheck_all(struct cn_store *st, const struct cn_world *w,
		     struct cn_err *err) CN_NODISCARD;

/* The same check in two halves, for a caller with other work for the
 * store meanwhile.  The replay's rows (rendering a proposal's view costs
 * about twice reading and digesting its stored row) are digested on a
 * second thread, which alone reads w until cn_projcheck_finish; start
 * digests every stored table on this thread and returns, and the caller
 * may then use the store (not w) before finish joins the thread and
 * compares, table by table in order, the replay's fault before the
 * store's, as cn_projcheck_all does.  No thread to be had: the replay's
 * side is digested in start, on this thread.  finish must follow every
 * start. */
struct cn_projcheck {
	struct cn_store *st;
	const struct cn_world *w;
	pthread_t thread;
	int threaded;
	/* each side's digest of each table, and whether its rows came in
	 * key order (else the digest says nothing) */
	uint8_t replay[CN_TAB_COUNT][CN_PROJCHECK_DIGEST];
	uint8_t stored[CN_TAB_COUNT][CN_PROJCHECK_DIGEST];
	int replay_ordered[CN_TAB_COUNT], stored_ordered[CN_TAB_COUNT];
	/* each side's first fault, at table `*_at` (CN_TAB_COUNT: none) */
	int replay_rc, stored_rc;
	unsigned replay_at, stored_at;
	struct cn_err replay_err, stored_err;
};

void cn_projcheck_start(struct cn_projcheck *pc, struct cn_store *st,
			const struct cn_world *w);
int cn_projcheck_finish(struct cn_projcheck *pc, struct cn_err *err)
	CN_NODISCARD;

#endif
