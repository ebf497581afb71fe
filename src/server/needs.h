/*
 * needs.h - what each token's next read needs of a standby (standby.h):
 * the store's change counter (council.version) of its last acknowledged
 * write, or of the last answer it had from the primary, whichever is
 * higher.  A reader on a standby whose counter is lower must not answer
 * it: the client would not read its own write, or would see the record
 * go back.
 *
 * A table of NEEDS_SLOTS by token id (the public, 0, is not kept:
 * standby.h says why), so its memory is fixed whatever the number of
 * tokens.  A token finds room in one of NEEDS_WAYS slots; when all are
 * taken, the one that needs least is pushed out, and every token not in
 * the table falls under the highest need ever pushed out: forgetting only
 * ever raises a need (reads go to the primary), never lowers one (never
 * to a stale standby).  needs_of(t) is thus never
 * below the highest version needs_raise gave t.
 *
 * Ownership: the caller's struct (init, destroy); thread-safe.
 */
#ifndef CN_NEEDS_H
#define CN_NEEDS_H

#include <pthread.h>
#include <stdint.h>

#define NEEDS_BITS 10
#define NEEDS_SLOTS (1 << NEEDS_BITS)
/* A token lives in one of the NEEDS_WAYS slots from its hash's. */
#define NEEDS_WAYS 8

struct needs {
	pthread_mutex_t mu;
	struct {
		int64_t token, version;
		int used;
	} slots[NEEDS_SLOTS];
	int64_t evicted; /* the highest version pushed out of slots */
};

void needs_init(struct needs *n);
void needs_destroy(struct needs *n);
/* The counter token's next read needs (0 when nothing is known). */
int64_t needs_of(struct needs *n, int64_t token);
/* token wrote, or was answered, at version: its need is at least that. */
void needs_raise(struct needs *n, int64_t token, int64_t version);

#endif
