/*
 * leafpipe.h - events' Merkle leaves, and the tree's nodes above them,
 * hashed on a second thread and handed back in log order (for `verify
 * --export`).
 *
 * Each full event's leaf is HMAC-SHA256 under its salt, then the RFC 9162
 * leaf hash (cn_event_hash): with the checkpoints' signatures chained
 * (checkpoint.h), that hashing is the largest part of an export's check
 * and needs nothing but the bytes.  The caller adds entries in log order,
 * an event's bytes and salt or a leaf already known (a commitment, or
 * zeros for an entry it could not read); a batch at a time goes to a
 * worker thread while the caller reads on.  The worker also appends each
 * leaf to a Merkle frontier (frontier.h), so each leaf comes back with the
 * perfect nodes its append completes, through the caller's sink, in
 * order, on the caller's thread: storing them needs no hashing there.
 *
 * The worker allocates nothing and touches only the batch it was given
 * (and reads the bytes lent with it) and the frontier (which the caller
 * touches only when no batch is out);
 * every allocation (the batches, and whatever the sink does) stays on the
 * caller's thread, so out-of-memory behaves as without a thread.  Fewer
 * entries than a batch, or a thread that cannot start, are hashed on the
 * caller's thread.
 *
 * Ownership: the pipe copies the bytes cn_leafpipe_event is given, and
 * only points at those cn_leafpipe_event_ref is given (the caller keeps
 * them unchanged until cn_leafpipe_flush or cn_leafpipe_release returns);
 * it owns its batches until cn_leafpipe_release.
 */
#ifndef CN_LEAFPIPE_H
#define CN_LEAFPIPE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/event.h"
#include "../core/frontier.h"

/* A leaf's perfect nodes, nodes[0] the leaf itself (cn_merkle_append's
 * order): what cn_merkle_mem_append_nodes stores. */
typedef int (*cn_leaf_sink)(void *ctx, const struct cn_merkle_node *nodes,
			    size_t n, struct cn_err *err);

struct cn_lp_job {
	size_t off, len;          /* the bytes, in the batch's buffer, */
	const char *ref;          /* or the caller's (non-NULL) */
	uint8_t salt[CN_SALT_LEN];
	uint8_t leaf[CN_HASH_LEN];
	int given;                /* the leaf was given, not to hash */
	size_t node0, nnodes;     /* its nodes, in the batch's array */
};

struct cn_lp_batch {
	struct cn_lp_job *jobs;
	size_t n, cap;
	char *bytes;
	size_t used, bcap;
	size_t load;              /* event bytes to hash, copied or borrowed */
	struct cn_merkle_node *nodes; /* room made by the caller */
	size_t nn, ncap;
	int full;                 /* the tree could take no more leaves */
};

struct cn_leafpipe {
	cn_leaf_sink sink;
	void *ctx;
	struct cn_lp_batch b[2];
	struct cn_merkle_frontier tree; /* hashed into by whoever hashes */
	size_t at_n, at_bytes;    /* the next hand-over, in entries or bytes */
	int fill;                 /* the batch the caller fills */
	int work;                 /* the batch the worker was given */
	int pending;              /* b[work]'s leaves not yet delivered */
	int busy;                 /* the worker hashes b[work] (the lock's) */
	int stop;                 /* the lock's */
	int started, cannot;      /* a worker runs; none could start */
	pthread_t worker;
	pthread_mutex_t lock;
	pthread_cond_t cv;
};

void cn_leafpipe_init(struct cn_leafpipe *p, cn_leaf_sink sink, void *ctx);
/* The next entry: an event's bytes and salt, or a leaf as it is.  A sink's
 * error (out of memory) comes back from one of these or from flush. */
int cn_leafpipe_event(struct cn_leafpipe *p, const uint8_t salt[CN_SALT_LEN],
		      const void *bytes, size_t len, struct cn_err *err)
	CN_NODISCARD;
/* The same, without the copy: `bytes` are the caller's, read on the
 * worker's thread until flush or release (an export mapped whole). */
int cn_leafpipe_event_ref(struct cn_leafpipe *p,
			  const uint8_t salt[CN_SALT_LEN], const void *bytes,
			  size_t len, struct cn_err *err) CN_NODISCARD;
int cn_leafpipe_leaf(struct cn_leafpipe *p, const uint8_t leaf[CN_HASH_LEN],
		     struct cn_err *err) CN_NODISCARD;
/* Every leaf added so far delivered to the sink.  After an error from
 * any of these, the only call left is cn_leafpipe_release: the frontier
 * may hold leaves the sink never took. */
int cn_leafpipe_flush(struct cn_leafpipe *p, struct cn_err *err) CN_NODISCARD;
/* Stops the worker (after the batch it has) and frees the batches. */
void cn_leafpipe_release(struct cn_leafpipe *p);

#endif
