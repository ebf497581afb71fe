/*
 * throttle.h - counting failed sign-ins, in bounded memory.
 *
 * A throttle counts failures by key (an account's name, a client's
 * address) over a window: once `limit` failures fall within `window`
 * seconds of the first, the key is refused until that window ends, its
 * right password included, so guessing costs the guesser time and not
 * the server memory.  The table is fixed (THROTTLE_SETS x THROTTLE_WAYS
 * entries, allocated once): keys are hashed with a random key of the
 * throttle's own (BLAKE2b), so no one can aim keys at one set, and a new
 * key takes a free or expired entry of its set, else the one with the
 * fewest failures, so a flood of new keys evicts the idle before the
 * locked.  Thread-safe (a mutex); time is the caller's.
 *
 * Ownership: throttle_new's result is the caller's, freed by
 * throttle_free.
 */
#ifndef CN_THROTTLE_H
#define CN_THROTTLE_H

#include <stdint.h>

#define THROTTLE_SETS 1024
#define THROTTLE_WAYS 4

struct throttle;

/* NULL when out of memory. */
struct throttle *throttle_new(unsigned limit, int64_t window);
void throttle_free(struct throttle *t);

/* 0 when key may try now; else how many seconds until it may (>= 1). */
int64_t throttle_wait(struct throttle *t, const char *key, int64_t now);
/* Count a failure of key at now. */
void throttle_fail(struct throttle *t, const char *key, int64_t now);
/* Forget key's failures (after it succeeded). */
void throttle_clear(struct throttle *t, const char *key);

#endif
