/*
 * projcheck.h - verify's comparison of the stored projection tables with
 * the rows a replay of the log gives (app/projection.h).
 *
 * Each table is compared in memory that does not hold its rows.  Each
 * side hashes a table's rows in key order into one SHA-256 (every column,
 * with its type and length), checking the order as it goes: the store
 * gives its rows in key order, and the replay gives proposals by id and
 * their positions by member code; the small registry tables, which the
 * world keeps in its own order, are gathered and sorted by key first.  A
 * table whose replay's rows still do not come in key order (two of one
 * key) is compared the collected way: each replay row reduced
 * to a digest (BLAKE2b-256), sorted, and every stored row, read in key
 * order, must find its own there once, none left over (32 bytes and a bit
 * a row).  Only when a table differs is it compared again the slow way,
 * every row copied and merged by key, to name the row that differs (the
 * failure path only).  The world compared is the caller's.
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
 * second thread from start to finish: the registry tables whole, then
 * the proposals and their positions a chunk of CN_PROJCHECK_CHUNK
 * proposals at a time.  start digests every stored table on this thread
 * (proposals and positions chunk by chunk, by proposal id) and returns;
 * the caller may then use the store, not w; finish renders chunks on
 * this thread too until none is left (the two take the next chunk from
 * one counter), joins, and compares table by table in order, a chunk's
 * digest with the same chunk's.  A replay's fault is named before a
 * stored table's.  No thread to be had: the worker's part runs in start,
 * on this thread.  finish must follow every start. */
#define CN_PROJCHECK_CHUNK 256

struct cn_projcheck_part {
	uint8_t d[CN_PROJCHECK_DIGEST];
	int ordered; /* its rows came in key order (else d says nothing) */
};

struct cn_projcheck {
	struct cn_store *st;
	const struct cn_world *w;
	pthread_t thread;
	int threaded;
	/* each side's digest of each registry table */
	struct cn_projcheck_part replay[CN_TAB_COUNT], stored[CN_TAB_COUNT];
	/* and of each chunk of the proposals ([c][0]) and positions ([c][1]) */
	size_t nchunks;
	struct cn_projcheck_part (*replay_chunk)[2], (*stored_chunk)[2];
	int stored_stray[2];  /* a stored row in no chunk, or out of order */
	_Atomic size_t next;  /* the next chunk to render */
	/* first faults: the worker's, this thread's replay, the store's;
	 * the chunk each replay's came at (-1: a registry table's) */
	int worker_rc, main_rc, stored_rc;
	int64_t worker_at, main_at;
	struct cn_err worker_err, main_err, stored_err;
};

void cn_projcheck_start(struct cn_projcheck *pc, struct cn_store *st,
			const struct cn_world *w);
int cn_projcheck_finish(struct cn_projcheck *pc, struct cn_err *err)
	CN_NODISCARD;

#endif
