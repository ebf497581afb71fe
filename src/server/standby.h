/*
 * standby.h - reads from a hot standby (`council serve --read-db`): how
 * far behind the primary it is, and which reads it may answer.
 *
 * A PostgreSQL store's streaming-replication standby holds the same
 * tables, replayed from the primary's write-ahead log some moments late.
 * The server may answer its read routes (the registry, proposals, lists,
 * the log, checkpoints and proofs) from it; writes, the writer's world,
 * credentials (tokens, feed keys) and event streams stay on the primary.
 *
 * The monitor thread measures, every STANDBY_SAMPLE_MS, the primary's WAL
 * write position and the standby's replay position (store.h,
 * cn_store_wal): the lag in bytes is their difference; the lag in time is
 * how long ago the primary last stood at a position the standby has
 * replayed (from the samples it keeps), an upper bound, and it grows
 * while no measure succeeds.  A read goes to the standby only when
 *
 *   - the standby answers, is a standby (in recovery) of the same store,
 *     and its lag in time is within --max-read-lag;
 *   - for a token, its reader, refreshed for this request, has the
 *     change counter (council.version) the token needs: at least that of
 *     its last acknowledged write, and of the last answer it was given
 *     from the primary.  So a client reads its own writes, and never sees
 *     the record go back (a checkpoint read from the primary, then a
 *     proof of that size from a standby that lacks it).  The public
 *     writes nothing and is not one client: its reads need nothing (after
 *     the standby was down or lagging, a public client may see, for as
 *     long as the lag, an older state than the primary had shown it).
 *
 * Otherwise the primary answers, at once (no pool thread waits for
 * replay).  What each principal needs is kept by token id in a table of
 * fixed size (needs.h), where forgetting only sends reads to the
 * primary, never to a stale standby.  Read-your-writes holds for writes made through this server; a write
 * acknowledged by another server is seen here once the standby has it,
 * or within the lag bound.
 *
 * Ownership: struct standby is made by standby_start and freed by
 * standby_stop; the other functions may be called from any thread.
 */
#ifndef CN_STANDBY_H
#define CN_STANDBY_H

#include <jansson.h>
#include <stdint.h>

#include "../core/err.h"

/* How often the monitor measures, and the longest --max-read-lag its
 * samples can judge (it keeps more than that many seconds of them). */
#define STANDBY_SAMPLE_MS 200
#define STANDBY_MAX_LAG_S 60

struct standby;

/* Open the monitor's connections to the primary (db) and the standby
 * (read_db) and start it.  Refused (CN_EINVAL, saying why) when the
 * primary is not a PostgreSQL store, or the standby answers and is not a
 * standby of the same store; a standby that does not answer yet is
 * tried again at every sample (reads go to the primary meanwhile). */
int standby_start(const char *db, const char *read_db, int64_t max_lag_ms,
		  int quiet, struct standby **out, struct cn_err *err)
	CN_NODISCARD;
void standby_stop(struct standby *s);

/* The standby's connection string, for the readers. */
const char *standby_db(const struct standby *s);

/* Whether the standby is up and within the lag bound now (before its
 * reader is refreshed for a request). */
int standby_usable(struct standby *s);
/* Whether a read by token (0: the public, always) may be answered from a
 * standby reader whose change counter is version. */
int standby_may_read(struct standby *s, int64_t token, int64_t version);
/* Token was answered from the primary, or had a write acknowledged, at
 * version: its later reads need at least that (nothing for token 0). */
void standby_saw(struct standby *s, int64_t token, int64_t version);

/* /healthz's "read_db": state (up, lagging, paused-and-lagging..., see
 * standby.c), where reads go, the lag in bytes and seconds, the bound. */
json_t *standby_health(struct standby *s);

#endif
