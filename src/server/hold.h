/*
 * hold.h - answers held until a deadline, released by one timer thread.
 *
 * Why: a 404 must not tell, by when it leaves, how much work decided it
 * (a hidden proposal and one that does not exist take different paths
 * through the store: docs/PERFORMANCE.md, "Sight in time").  The HTTP
 * layer (http_mhd.c) suspends the connection of such an answer and parks
 * it here with its deadline, an absolute time on CLOCK_MONOTONIC; the
 * timer thread sleeps to the earliest deadline and then hands the item
 * back through the release function given at start.  No pool thread ever
 * waits: a held answer costs a heap entry, and its connection, which the
 * server's connection limits (in all and per address) already count.
 *
 * Ownership and threads: the hold never owns an item; it passes each one
 * parked to `release` exactly once, on the timer thread (at its deadline,
 * or at hold_stop), or not at all when hold_park fails.  hold_park may be
 * called from any thread.
 */
#ifndef CN_HOLD_H
#define CN_HOLD_H

#include <time.h>

struct hold;

typedef void (*hold_release_fn)(void *item);

/* Start the timer thread.  NULL when out of memory or no thread starts. */
struct hold *hold_start(hold_release_fn release);

/* Park item until `deadline` (CLOCK_MONOTONIC).  0, or -1 when the hold
 * is stopping or out of memory: then the item is not taken and the caller
 * releases it itself, at once. */
int hold_park(struct hold *h, const struct timespec *deadline, void *item);

/* Release every item still parked, at once (the server is stopping), and
 * end the timer thread; hold_park fails from then on.  The hold stays
 * valid for late callers until hold_free. */
void hold_stop(struct hold *h);
void hold_free(struct hold *h);

#endif
