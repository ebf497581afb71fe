/*
 * app.h - the service layer: every change goes validate -> append events ->
 * update projections, in one transaction; every read goes to the world.
 *
 * An app owns one store and the world folded from it.  cn_app_open loads
 * the world from the newest snapshot that names an event of the log (by
 * seq and hash) plus the events after it, or else by replaying the whole
 * log; either way the hash chain of what it folds is checked, so a changed
 * or foreign tail is refused before anything is written (the whole chain,
 * and every snapshot against the replay, is `council verify`'s).
 *
 * Time is an input: every write takes `now`.  Before a command runs, any
 * silence procedure whose deadline is at or before `now` is concluded (at
 * its deadline), in the same transaction, so a late objection meets a
 * concluded procedure rather than a stale one.
 *
 * A refused or failed command rolls back and reloads the world: nothing
 * already stored is lost or changed.  Should the reload fail too, the
 * world is kept (never emptied) and the next write reloads first.
 *
 * Projection rows are computed here (projection.h) and stored by the
 * store, which only stores; verification is verify.h.
 *
 * Ownership: struct cn_app is opaque; cn_app_world returns a borrowed
 * pointer valid until the next write.  Not thread-safe.
 */
#ifndef CN_APP_H
#define CN_APP_H

#include <jansson.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/note.h"
#include "../core/procedure.h"
#include "../core/world.h"
#include "../store/store.h"

struct cn_app;

/* Open the store and fold its log.  A writable store needs the log's
 * signing key beside it (FILE.key; made on a new store); one opened with
 * CN_STORE_READONLY needs no key and signs nothing, so an auditor holding
 * only a copy of the database can read and verify it. */
int cn_app_open(const char *path, int store_flags, struct cn_app **out,
		struct cn_err *err) CN_NODISCARD;
/* Open the store for reading without folding the log: the world holds
 * the registry (alliance, members, partners, bodies, offices) folded from
 * the projection rows (cn_projection_registry), and no proposal; a reader
 * asks the store for proposals' stored views.  Its cost grows with the
 * registry, not with the log.  No command runs on it (CN_EINVAL) and it
 * signs nothing, so it needs no signing key; flags as cn_app_open's
 * (CN_STORE_CREATE ignored: there is nothing to read in a new store). */
int cn_app_open_registry(const char *path, int flags, struct cn_app **out,
			 struct cn_err *err) CN_NODISCARD;
/* The same with not even the registry folded: the world is empty.  For
 * the commands that read the store alone (`show`, `log`), which then cost
 * what opening the store costs, however large the registry. */
int cn_app_open_store(const char *path, int flags, struct cn_app **out,
		      struct cn_err *err) CN_NODISCARD;
void cn_app_close(struct cn_app *app);

/* The log's signing key file (cn_store_key_path says where): one line,
 * the C2SP note signer key.  read: CN_ENOTFOUND when there is no file;
 * *name is malloc'd.  write: a new file (never over one), mode 0600,
 * synced. */
int cn_app_key_read(const char *path, char **name,
		    uint8_t sk[CN_NOTE_SECKEY_LEN], struct cn_err *err)
	CN_NODISCARD;
int cn_app_key_write(const char *path, const char *name,
		     const uint8_t sk[CN_NOTE_SECKEY_LEN], struct cn_err *err)
	CN_NODISCARD;

const struct cn_world *cn_app_world(const struct cn_app *app);
struct cn_store *cn_app_store(struct cn_app *app);

/* Snapshots of the writer's world (core/snapshot.h, store.h).  A writer
 * (made by a worker thread in a server: cn_app_background_snapshots)
 * stores one in the transaction of a commit once enough events passed
 * since the last (app_snapshot.h, cn_app_snaps_interval: at least
 * CN_APP_SNAPSHOT_EVERY, and one event for each
 * CN_APP_SNAPSHOT_BYTES_PER_EVENT bytes of the last snapshot; exactly
 * COUNCIL_SNAPSHOT_EVERY in the environment, when a positive number),
 * and keeps the newest CN_APP_SNAPSHOTS_KEPT.  Opening (and every
 * rebuild) starts from the newest snapshot that names an event of this
 * log by seq and hash, decodes, and takes the events after it; any other
 * is not trusted: the world is then folded from the whole log, a warning
 * says why (on stderr and through cn_app_warning), and the next snapshot
 * written drops it. */
#define CN_APP_SNAPSHOT_EVERY 10000
/* A snapshot's cost grows with the world and an event's does not: taken
 * every 10,000 events at 1M events, each one (22.5 MB put together,
 * hashed and cut: 60 to 90 ms of the worker) left the durable writes
 * there at 0.82 to 0.86x of a small store's rate.  So a large world's
 * interval grows with its snapshot, as far as start-up allows: an event
 * of the tail folds in about 2.5 us (a position; 13,262 in 23 to 34 ms
 * at 1M events), a snapshot loads in about 3.3 ns a byte (22.5 MB in 60
 * to 97 ms), so a tail of one event per 1,024 bytes folds in about three
 * quarters of the time its snapshot takes to load, and start-up stays
 * within twice an empty store's plus that load (docs/PERFORMANCE.md). */
#define CN_APP_SNAPSHOT_BYTES_PER_EVENT 1024
#define CN_APP_SNAPSHOTS_KEPT 2
/* A server's snapshot stores its new parts at most this many bytes a
 * commit, before the commit that stores its row (app_snapshot.h).  At
 * 100,000 proposals the first snapshot after a long tail had 48 new
 * parts (5.6 MB): one commit wrote them in 6 ms, and its COMMIT then
 * took 16 ms (their pages in the WAL, and the checkpoint they set off),
 * the slowest write of its round. */
#define CN_APP_SNAP_AHEAD (1024 * 1024)
#define CN_APP_SNAP_BAD 8
/* Why the last open or rebuild did not start from a stored snapshot, or
 * NULL (borrowed, valid until the next rebuild). */
const char *cn_app_warning(const struct cn_app *app);
/* The seq of the snapshot the world counts from (0: none). */
int64_t cn_app_snapshot_seq(const struct cn_app *app);
/* How many events after it the next snapshot is due (app_snapshot.h's
 * cn_app_snaps_interval). */
int64_t cn_app_snapshot_interval(const struct cn_app *app);
/* What the last open or rebuild of the world cost: the snapshot it
 * started from (seq 0: none, the whole log folded) and the time to read,
 * check and decode it; then the events folded after it and their time.
 * For an operator (`council serve` says it at start-up) and for the
 * benchmark's start-up target, which counts the snapshot's load. */
struct cn_app_opened {
	int64_t seq;          /* the snapshot's event, 0 when none */
	uint64_t bytes;       /* its size */
	int64_t load_us;      /* reading, checking and decoding it */
	int64_t tail;         /* events folded after it (all, without one) */
	int64_t tail_us;
};
const struct cn_app_opened *cn_app_opened(const struct cn_app *app);
/* Snapshots made on a worker thread from now on, so that the commit that
 * makes one due does not pay for it (a server's writer; app_snapshot.h's
 * cn_app_snaps_background says how).  And a wait until that worker has
 * nothing to put together (the tests). */
int cn_app_background_snapshots(struct cn_app *app, struct cn_err *err)
	CN_NODISCARD;
void cn_app_snapshot_settle(struct cn_app *app);
/* Rebuild the world from the store (after another process wrote to it). */
int cn_app_reload(struct cn_app *app, struct cn_err *err) CN_NODISCARD;

/* The real time, read by the face (the CLI's clock): from now on every
 * command dated after it is refused (timeline.h), whatever time it was
 * asked to record.  Without it no time is refused for being late: the
 * server records only the clock's own time. */
void cn_app_set_clock(struct cn_app *app, int64_t wall);
/* And the clock itself, for a write made "now" (no time asked for): a
 * command run outside a batch is dated the later of its `now` and this
 * clock read once the store's write lock is held.  Between the face's
 * first reading and the lock another process (a server on the same
 * PostgreSQL database) may have recorded events on the same proposal a
 * second later, and a proposal's history never goes back in time
 * (timeline.h): the write would be refused for the wait alone. */
void cn_app_follow_clock(struct cn_app *app, int64_t (*clock)(void));

/* The sequence number of the first event the last command (not the clock)
 * appended: for a position, the position itself. */
int64_t cn_app_command_seq(const struct cn_app *app);

/* A command: reads the world, fills the outbox.  See procedure.h. */
typedef int (*cn_command_fn)(const struct cn_world *w, int64_t now,
			     const void *args, struct cn_outbox *box,
			     struct cn_err *err);

/* Run tick(now) and then fn, and commit what they produce (recorded with
 * `actor`).  *nevents (may be NULL) gets how many events were appended. */
int cn_app_run(struct cn_app *app, int64_t now, const char *actor,
	       cn_command_fn fn, const void *args, size_t *nevents,
	       struct cn_err *err) CN_NODISCARD;

/* Group several commands into one transaction (scenario replay): either
 * all of them land or none.  cn_app_batch_end(app, 0) rolls back. */
int cn_app_batch_begin(struct cn_app *app, struct cn_err *err) CN_NODISCARD;
int cn_app_batch_end(struct cn_app *app, int commit, struct cn_err *err)
	CN_NODISCARD;

/* Importing another store's log, event by event (council migrate,
 * app/migrate.h): events already sealed elsewhere, appended as their exact
 * bytes and salt, folded and projected by this app's own code, in one
 * write transaction.  cn_app_import_begin needs an empty store; each
 * event must be the next one, linked to the last (CN_ECORRUPT naming it
 * otherwise).  cn_app_import_flush writes the proposal views and the
 * snapshot due, still inside the transaction, so the caller can compare
 * what was written before cn_app_import_end commits it (commit = 1) or
 * rolls it all back.  No checkpoint is signed: the caller copies the
 * record's own. */
int cn_app_import_begin(struct cn_app *app, struct cn_err *err) CN_NODISCARD;
int cn_app_import_event(struct cn_app *app, const struct cn_event *ev,
			struct cn_err *err) CN_NODISCARD;
int cn_app_import_flush(struct cn_app *app, struct cn_err *err) CN_NODISCARD;
int cn_app_import_end(struct cn_app *app, int commit, struct cn_err *err)
	CN_NODISCARD;

/* Command adapters for cn_app_run (args point at the matching struct). */
int cn_app_cmd_propose(const struct cn_world *w, int64_t now, const void *a,
		       struct cn_outbox *box, struct cn_err *err);
int cn_app_cmd_respond(const struct cn_world *w, int64_t now, const void *a,
		       struct cn_outbox *box, struct cn_err *err);
struct cn_app_secretariat_args {
	int64_t proposal;
	const char *text;
	const char *deadline;
	const char *reason;
};
int cn_app_cmd_extend(const struct cn_world *w, int64_t now, const void *a,
		      struct cn_outbox *box, struct cn_err *err);
int cn_app_cmd_recirculate(const struct cn_world *w, int64_t now,
			   const void *a, struct cn_outbox *box,
			   struct cn_err *err);
int cn_app_cmd_conclude(const struct cn_world *w, int64_t now, const void *a,
			struct cn_outbox *box, struct cn_err *err);
int cn_app_cmd_withdraw(const struct cn_world *w, int64_t now, const void *a,
			struct cn_outbox *box, struct cn_err *err);
int cn_app_cmd_tick(const struct cn_world *w, int64_t now, const void *a,
		    struct cn_outbox *box, struct cn_err *err);

/* Seed an empty store from a dataset file (data/nato.json).  Every record
 * is checked first; an error names the file, the record and the field. */
int cn_app_seed(struct cn_app *app, const char *dataset_path, int64_t now,
		struct cn_err *err) CN_NODISCARD;

/* Full verification (verify.c), of one snapshot of the store (one read
 * transaction, so a store being written verifies as it was): the hash
 * chain, the projections against a replay, the Merkle tree against the
 * events, and every checkpoint (root, signature by `vkey` -- the
 * published log key; NULL: the key the store names -- and consistency
 * with the one before).  Reads only: works on a read-only store. */
int cn_app_verify(struct cn_app *app, const char *vkey, int64_t *nevents,
		  int64_t *ncheckpoints, struct cn_err *err) CN_NODISCARD;
/* The same, saying how each checkpoint's signature was established. */
struct cn_verify_report {
	int64_t events;
	int64_t checkpoints;
	int64_t chained; /* of them, through the next one's chain line
			    (checkpoint.h) rather than an Ed25519 check */
};
int cn_app_verify_report(struct cn_app *app, const char *vkey,
			 struct cn_verify_report *out, struct cn_err *err)
	CN_NODISCARD;

/* `verify --since` (verify_since.c): only what was added after `note`, a
 * checkpoint the auditor trusts (signed by `vkey`; NULL: the key the store
 * names), at a cost proportional to the events added: that the store
 * still gives the trusted root, that the new events chain from the
 * trusted tree's last leaf, every checkpoint since (signature, root), and
 * the stored consistency proof from the trusted size to the newest one.
 * Not the events before, nor projections, snapshots or the member
 * signatures inside events (docs/MERKLE.md).  CN_EINVAL when `note` is
 * not a checkpoint signed by the key; CN_ECORRUPT naming what differs. */
struct cn_verify_since {
	uint64_t trusted;    /* the trusted checkpoint's size */
	int64_t events;      /* the log's size */
	int64_t checkpoints; /* checked: those of size >= trusted */
	int64_t chained;     /* of them, through the next one's chain line */
};
int cn_app_verify_since(struct cn_app *app, const char *note, const char *vkey,
			struct cn_verify_since *out, struct cn_err *err)
	CN_NODISCARD;

/* Replay a scenario file (under scenarios/) as one batch.  Returns a report
 * (new reference) with one entry per step; a step that fails its
 * expectation, or fails unexpectedly, stops the replay, rolls everything
 * back and returns an error naming the step.  *report may be set even on
 * failure (the steps run so far). */
int cn_app_replay(struct cn_app *app, const char *scenario_path,
		  json_t **report, struct cn_err *err) CN_NODISCARD;

#endif
