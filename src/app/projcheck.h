/*
 * projcheck.h - verify's comparison of the stored projection tables with
 * the rows a replay of the log gives (app/projection.h).
 *
 * Each table is compared in memory that does not hold its rows: the
 * replay's rows are reduced to one keyed digest each (BLAKE2b-256 over
 * every column, with its type and length), sorted, and every stored row
 * read in key order must find its own digest there, each once, with none
 * left over.  Only when they differ is the table compared again the slow
 * way, every row copied and merged by key, to name the row that differs
 * (the failure path only).  32 bytes and a bit per row of the largest
 * table is what the comparison holds (the world it compares is the
 * caller's).
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
