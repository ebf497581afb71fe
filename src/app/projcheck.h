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

#include "../core/err.h"
#include "../core/world.h"
#include "../store/store.h"

/* Every projection table of st against the rows w gives, inside the
 * caller's read transaction.  0 when they match; CN_ECORRUPT naming the
 * first differing table and row otherwise. */
int cn_projcheck_all(struct cn_store *st, const struct cn_world *w,
		     struct cn_err *err) CN_NODISCARD;

#endif
