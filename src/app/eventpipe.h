/*
 * eventpipe.h - a range of the log read on a second thread and handed to
 * the caller's thread in order, for `council verify`'s replay.
 *
 * Reading the log (cn_store_scan_range: each stored event decoded, its
 * bytes checked canonical, hashed and chained to the one before) is about
 * half of a store's replay, and folding what was read the other half;
 * neither needs the other's thread.  So a worker runs the scan and fills
 * batches of events, which the caller's thread takes in log order and
 * gives to its function, while the worker reads on.
 *
 * The store is the worker's alone from cn_eventpipe_scan's start to its
 * end: the caller's function must not use it (the connection is one
 * thread's at a time, SQLite's and libpq's alike), unless it first calls
 * cn_eventpipe_halt, after which the worker has stopped and the rest of
 * the range is read on the caller's thread, from the store, after the
 * last event fn was given.  What the function is given stays in log
 * order, every event once, and
 * the first fault in log order is the one returned: the function's, or
 * the reading's at the event it could not give.
 *
 * Both threads allocate: the worker decodes, the caller folds.  A batch's
 * events are freed on the worker when it takes the batch back, those
 * whose payload is theirs alone (eventpipe.c, payload_alone); those the
 * fold keeps a part of, on the caller's thread, when it next takes the
 * batch (core/world.h says what the fold may keep).  At the end, after a
 * fault or a halt, what is left is freed on the caller's thread, the
 * worker joined.  When no thread can be had, the scan runs on the
 * caller's thread as cn_store_scan_range.
 *
 * Ownership: events given to fn are borrowed for the call.  The pipe owns
 * its batches for the call; nothing outlives it.
 */
#ifndef CN_EVENTPIPE_H
#define CN_EVENTPIPE_H

#include <pthread.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/event.h"
#include "../store/store.h"

#define CN_EP_BATCHES 4   /* in the ring: one filled while others wait */
#define CN_EP_EVENTS 256  /* a batch: a hand-over costs about an event */

struct cn_ep_batch {
	struct cn_event ev[CN_EP_EVENTS];
	size_t n;
	int full;   /* handed to the caller's thread, not yet given back */
	/* the events of its last round that the fold kept a part of: the
	 * caller's thread frees them when it takes the batch */
	struct cn_event shared[CN_EP_EVENTS];
	size_t nshared;
};

struct cn_eventpipe {
	struct cn_ep_batch *b; /* CN_EP_BATCHES of them */
	size_t fill, take;     /* the worker's batch, the caller's */
	pthread_mutex_t lock;
	pthread_cond_t cv;
	pthread_t worker;
	int running;           /* the worker was started and not yet joined */
	int done;              /* the worker's scan returned */
	int stop;              /* the caller asks the worker to stop */
	int halted;            /* fn stopped it (cn_eventpipe_halt) */
	/* the worker's scan and what it needs */
	struct cn_store *st;
	int64_t from, to;
	uint8_t prev[CN_HASH_LEN];
	int rc;
	struct cn_err err;
	/* The events freed on each thread, for the tests: freed_by_worker
	 * is the worker's alone until it is joined, freed_by_caller the
	 * caller's.  Read once cn_eventpipe_scan returned (zero when no
	 * thread could be had). */
	size_t freed_by_worker, freed_by_caller;
};

/* Events from..to of st (the first chained to prev, as
 * cn_store_scan_range) given to fn in order on this thread; 0, or the
 * first fault in log order. */
int cn_eventpipe_scan(struct cn_eventpipe *p, struct cn_store *st,
		      int64_t from, int64_t to, const uint8_t prev[CN_HASH_LEN],
		      cn_event_fn fn, void *ctx, struct cn_err *err)
	CN_NODISCARD;

/* From inside fn: stop the worker and wait for it, so that fn may use the
 * store; the scan then reads the rest on the caller's thread.  Nothing
 * when no worker runs. */
void cn_eventpipe_halt(struct cn_eventpipe *p);

#endif
