/*
 * watch.h - the server's watch thread: it hears of every commit to the
 * store (any server's, through the store's watch, store.h) and tells the
 * writer, so the writer's clock knows every deadline whoever created it;
 * and it holds, or keeps trying to take, the store's clock lead, which
 * decides whether this server's clock concludes deadlines (writer.h).
 *
 * A store without watches (SQLite) needs no thread: the writer leads its
 * own clock, as the only server of its file.  While the watch cannot
 * reach the database, the writer leads too and folds the store every
 * WATCH_RETRY_MS, as it would with no watch: a deadline is never left to
 * a clock that no longer hears.
 *
 * Ownership: the watch owns the store watch it is given and closes it in
 * watch_stop; it borrows the writer, which must outlive it.
 */
#ifndef CN_WATCH_H
#define CN_WATCH_H

#include "../core/err.h"
#include "../store/store.h"
#include "writer.h"

/* How often a watch that does not lead tries to take the lead, and one
 * that lost its connection tries to connect again. */
#define WATCH_RETRY_MS 2000

struct watch;

/* Start the thread over sw (taken: closed by watch_stop). */
int watch_start(struct cn_store_watch *sw, struct writer *w,
		struct watch **out, struct cn_err *err) CN_NODISCARD;
/* Stop the thread and close the watch (its lead ends); NULL is fine. */
void watch_stop(struct watch *wt);

#endif
