/*
 * writer.h - the one thread that writes: a queue of commands, committed in
 * groups (several waiting commands per fsync), and the deadline clock.
 *
 * HTTP worker threads submit a command and are called back (or block)
 * once it is durable (its transaction committed with synchronous=FULL) or
 * refused; they never answer before.  A refused command fails alone: one
 * that appended something before it failed, or whose event the log cannot
 * read back, is answered alone (the latter as invalid input) and its batch
 * runs again without it; a store job runs in a savepoint of its own, so
 * whatever its error it leaves the batch as it found it.  Only a failure
 * of the store (its transaction lost) fails the batch.  The writer owns
 * the app (the store's only read-write connection and the world).
 * Between batches it sleeps until the next silence deadline, so a
 * procedure concludes at its deadline with no request arriving; at start it
 * concludes at once whatever fell due while the server was down, each at
 * its own deadline.  With several servers on one database (watch.h) the
 * writer folds others' commits between batches when told of them, and
 * its clock wakes for deadlines only while it leads.
 *
 * Ownership: the writer owns the app passed to writer_start and closes it
 * in writer_stop.  A job's `result` text is malloc'd and handed to the
 * submitter.
 */
#ifndef CN_WRITER_H
#define CN_WRITER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../app/app.h"

struct writer;

/* A write of the store that records no event (a calendar feed key made
 * or revoked, a webhook's bookkeeping: store.h): run in the batch's
 * transaction, in the batch's order, inside a savepoint of its own (an
 * error undoes what it wrote and fails it alone), its result in its own
 * args.  It may run again, from the start, when a round of its batch is
 * rolled back. */
typedef int (*writer_store_fn)(struct cn_store *st, int64_t now, void *args,
			       struct cn_err *err);

struct writer_job {
	cn_command_fn fn;
	const void *args;
	/* When set, the job is this store write instead of fn (proposal
	 * must be -1: no view to return). */
	writer_store_fn store_fn;
	void *store_args;
	const char *actor;
	/* what to return: the proposal this job acted on (0: the newest, for
	 * propose) */
	int64_t proposal;
	int want_receipt;  /* add a receipt of the job's first event */
	/* out */
	int rc;
	struct cn_err err;
	char *result;   /* the proposal's JSON view after the job (malloc'd) */
	size_t result_len;
	int64_t seq;    /* the job's first event (for its receipt) */
	/* the store's change counter after the job's commit, when asked
	 * for (writer_want_versions); else 0 */
	int64_t version;
};

int writer_start(struct cn_app *app, struct writer **out, struct cn_err *err)
	CN_NODISCARD;
/* Run a job to durability (or refusal); blocks the caller. */
void writer_submit(struct writer *w, struct writer_job *job);

/* Queue a job and return at once; done(job, ctx) is called from the
 * writer thread once the job is durable or refused (or at once, from the
 * caller's thread, when the writer is stopping).  The job must live until
 * then. */
typedef void (*writer_done_fn)(struct writer_job *job, void *ctx);
void writer_submit_async(struct writer *w, struct writer_job *job,
			 writer_done_fn done, void *ctx);
/* Give each job that succeeds its commit's change counter (`version`):
 * a reader on a standby must have it to show the job (standby.h).  One
 * more query per batch; call before submitting. */
void writer_want_versions(struct writer *w);
/* Call fn(arg) on the writer thread after each batch that committed
 * (streams wake at once: notify.h); NULL for none.  From any thread. */
void writer_on_commit(struct writer *w, void (*fn)(void *arg), void *arg);
/* Another connection committed to the store (watch.c): the writer folds
 * it between batches, so its clock knows every deadline, whichever server
 * created it. */
void writer_changed(struct writer *w);
/* Whether this writer's clock leads: when it does (the default), the
 * writer wakes at each deadline and concludes what fell due; when it does
 * not, another server's clock does, and this writer concludes what is due
 * only before the writes it runs.  Either way a deadline concludes once:
 * every batch ticks under the store's write lock after folding all that
 * was committed before, and a concluded procedure has no deadline left. */
void writer_set_lead(struct writer *w, int leads);
int writer_leads(struct writer *w);
/* How many submitted jobs wait for the writer to take them into a batch
 * (0 once it has taken them all, even if their batch still runs). */
size_t writer_queued(struct writer *w);
/* Stop: answer every queued job, close the app.  Later submissions are
 * refused at once ("the server is stopping").  writer_free releases the
 * struct once no thread can submit any more. */
void writer_stop(struct writer *w);
void writer_free(struct writer *w);

#endif
