/*
 * writer.c - group commit and the deadline clock; see writer.h.
 */
#include "writer.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app/export.h"
#include "../core/merkle.h"
#include "../core/timeutil.h"

struct qnode {
	struct writer_job *job;
	int64_t proposal;      /* the job's proposal as submitted */
	writer_done_fn done;
	void *ctx;
	struct qnode *next;
};

struct writer {
	struct cn_app *app;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work;   /* signalled when a job arrives or on stop */
	pthread_cond_t done;   /* broadcast after each batch */
	struct qnode *head, *tail;
	size_t queued;         /* jobs from head to tail */
	int stop;
	int64_t last_tick;     /* every deadline up to this was handled */
	/* Told after each batch that committed (writer_on_commit); under mu. */
	void (*on_commit)(void *arg);
	void *on_commit_arg;
	/* Another connection committed (watch.c): fold it between batches,
	 * so the clock knows deadlines another server created. */
	int changed;
	/* This writer's clock wakes for deadlines (see writer.h). */
	int leads;
	int refresh_failed; /* the last refresh failed (said once) */
	/* Read the store's change counter after each commit, for the
	 * jobs' `version` (writer_want_versions); set before any job. */
	int versions;
	/* The change counter as this writer's last commit left it, when the
	 * store knows it (-1: not known, or the last batch committed
	 * nothing): the counter still there means nobody committed since,
	 * and the world, which has that commit, is current. */
	int64_t own_version;
};

/* Seconds of CLOCK_REALTIME.  Not time(): glibc may serve time() from the
 * coarse clock, a tick behind the clock pthread_cond_timedwait uses, and
 * the mismatch once made the writer sleep through a deadline. */
static int64_t wall_clock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}


/* The jobs queued so far, taken out of the queue (under mu). */
static struct qnode *take_queue(struct writer *w)
{
	struct qnode *q = w->head;
	w->head = w->tail = NULL;
	w->queued = 0;
	return q;
}

/* Jobs that came while the writer waited for the write lock join the
 * batch at its end, in their order: with several servers on one
 * database (or the CLI writing beside the server) that wait can be most
 * of a round, and they would otherwise wait for the next round, each
 * with a commit of its own to pay for. */
static void join_queued(struct writer *w, struct qnode **batch)
{
	pthread_mutex_lock(&w->mu);
	struct qnode *more = take_queue(w);
	pthread_mutex_unlock(&w->mu);
	while (*batch)
		batch = &(*batch)->next;
	*batch = more;
}

/* Tell each submitter its job is durable (or refused), in queue order. */
static void finish(struct writer *w, struct qnode *batch)
{
	(void)w;
	while (batch) {
		struct qnode *next = batch->next;
		batch->done(batch->job, batch->ctx);
		free(batch);
		batch = next;
	}
}

/* Add "receipt" to the job's result: the event, the latest signed
 * checkpoint and the inclusion proof, which a delegation keeps as its
 * proof that the statement is on the record (same format as
 * `council respond --receipt`). */
static void add_receipt(struct writer *w, struct writer_job *j)
{
	json_t *out = NULL;
	struct cn_err e;

	if (!j->result || cn_receipt_json(cn_app_store(w->app), j->seq, &out, &e))
		return;
	/* Splice it into the view's text rather than parse and re-dump the
	 * whole view: the result is a JSON object, "{...}". */
	char *rtext = out ? json_dumps(out, JSON_COMPACT) : NULL;
	json_decref(out);
	if (rtext && j->result_len >= 2 && j->result[j->result_len - 1] == '}') {
		static const char key[] = ",\"receipt\":";
		size_t rl = strlen(rtext), n = j->result_len - 1 + sizeof(key) - 1 + rl + 1;
		char *text = malloc(n + 1);
		if (text) {
			memcpy(text, j->result, j->result_len - 1);
			memcpy(text + j->result_len - 1, key, sizeof(key) - 1);
			memcpy(text + j->result_len - 1 + sizeof(key) - 1, rtext, rl);
			text[n - 1] = '}';
			text[n] = '\0';
			free(j->result);
			j->result = text;
			j->result_len = n;
		}
	}
	free(rtext);
}

/* The events in the log, counted inside the batch's transaction. */
static int log_size(struct writer *w, uint64_t *n, struct cn_err *err)
{
	return cn_store_tree_size(cn_app_store(w->app), n, err);
}

/* End the batch without committing it; the rollback has nothing more to
 * say (the app folds the store again if it must). */
static void abandon(struct writer *w)
{
	struct cn_err ignore;
	if (cn_app_batch_end(w->app, 0, &ignore))
		(void)0;
}

/* A job that failed and must be answered alone: it appended something
 * before it failed, or the log could not read back an event it made
 * (CN_ECORRUPT from the fold: an input the engine took but cannot
 * represent).  Either way the batch holds a half-applied command. */
static int poisons_batch(const struct writer_job *j, uint64_t before,
			 uint64_t after)
{
	return j->rc == CN_ECORRUPT || after != before;
}

/* Run a store job in a savepoint of its own: refused, whatever it wrote
 * before it failed is undone and the batch goes on as the job found it,
 * whatever the error (a broken constraint, a row gone, CN_EIO from the
 * statement that failed: on PostgreSQL the transaction is usable again
 * only after the savepoint is undone).  0, or the error that fails the
 * batch: the savepoint could not be opened or undone, so the transaction
 * itself is lost. */
static int run_store_job(struct writer *w, int64_t now, struct writer_job *j,
			 struct cn_err *err)
{
	struct cn_store *st = cn_app_store(w->app);
	int rc;

	assert(j->proposal < 0);
	if ((rc = cn_store_savepoint(st, err)))
		return rc;
	j->rc = j->store_fn(st, now, j->store_args, &j->err);
	return cn_store_savepoint_end(st, j->rc == 0, err);
}

/* Run the clock and the jobs of batch in one transaction, and commit.
 * 0 or the error that fails every job (the store cannot be written).  When
 * a job poisons the batch, everything is rolled back and *culprit names it
 * (0 returned): the caller answers it alone and runs the rest again.
 * *now: the batch's time, moved on to the wall clock once the write lock
 * is held.  When `join`, *pbatch grows by the jobs queued meanwhile
 * (join_queued). */
static int run_jobs(struct writer *w, struct qnode **pbatch, int join,
		    int64_t *pnow, struct qnode **culprit, struct cn_err *err)
{
	int64_t now;
	int rc;

	*culprit = NULL;
	w->own_version = -1; /* known again only if this batch commits */
	/* Another process (the CLI) may have committed to the store: the app
	 * folds it in at the start of the batch, inside the write lock. */
	if ((rc = cn_app_batch_begin(w->app, err)))
		return rc;
	if (join)
		join_queued(w, pbatch);
	struct qnode *batch = *pbatch;
	/* The time is read once the lock is held: another server may have
	 * committed, while this one waited for the lock, events dated after
	 * the time it had read before, and a proposal's events never go
	 * back in time, so the jobs would be refused.  Read now, it follows
	 * every commit before (on one host; across hosts, up to their
	 * clocks' difference). */
	if ((now = wall_clock()) < *pnow)
		now = *pnow;
	*pnow = now;
	/* Whether the batch changes the store: only then is it committed.  A
	 * batch of refusals commits nothing (on PostgreSQL the write lock's
	 * own update would otherwise move the data version: a refused
	 * request changes nothing, whatever the backend). */
	uint64_t start;
	int changed = 0;
	if ((rc = log_size(w, &start, err))) {
		abandon(w);
		return rc;
	}
	/* Due deadlines first, at their own deadline times. */
	rc = cn_app_run(w->app, now, "clock", cn_app_cmd_tick, NULL, NULL, err);
	for (struct qnode *n = batch; n && !rc; n = n->next) {
		struct writer_job *j = n->job;
		uint64_t before, after;

		/* As submitted, whatever an earlier round of this batch made
		 * of it (the world may have moved between rounds). */
		j->proposal = n->proposal;
		if (j->store_fn) {
			/* Fails alone (run again with the batch if a round
			 * is rolled back). */
			if ((rc = run_store_job(w, now, j, err)))
				break;
			changed |= j->rc == 0;
			continue;
		}
		if ((rc = log_size(w, &before, err)))
			break;
		j->rc = cn_app_run(w->app, now, j->actor, j->fn, j->args, NULL,
				   &j->err);
		if (j->rc == CN_EIO || j->rc == CN_ENOMEM) {
			/* Not this job's doing: the store or the machine. */
			*err = j->err;
			rc = j->rc;
			break;
		}
		if ((rc = log_size(w, &after, err)))
			break;
		if (j->rc && poisons_batch(j, before, after)) {
			*culprit = n;
			abandon(w);
			return 0;
		}
		if (j->rc == 0) {
			const struct cn_world *wo = cn_app_world(w->app);
			/* proposal 0: the one this job created; < 0: the job
			 * is not about a proposal. */
			if (j->proposal == 0)
				j->proposal = (int64_t)wo->nproposals;
			j->seq = cn_app_command_seq(w->app);
		}
	}
	if (rc) {
		abandon(w);
		return rc;
	}
	uint64_t end;
	if ((rc = log_size(w, &end, err))) {
		abandon(w);
		return rc;
	}
	changed |= end != start;
	/* A failed commit has rolled back already. */
	if ((rc = cn_app_batch_end(w->app, changed, err)))
		return rc;
	/* The counter as the commit left it (or later: another server's
	 * commit only raises it): what a reader must have to show these
	 * jobs.  Unknown (0) if it cannot be read; the jobs are durable.
	 * Known without a query where the backend kept it (PostgreSQL),
	 * and then refresh() knows its own commit when the watch tells of
	 * it. */
	int64_t version = 0;
	struct cn_err verr;
	if (!changed || cn_store_commit_version(cn_app_store(w->app),
						&w->own_version))
		w->own_version = -1;
	if (w->versions && (version = w->own_version) < 0 &&
	    cn_store_data_version(cn_app_store(w->app), &version, &verr))
		version = 0;
	/* Each answer is the view as the batch left it (the batch wrote each
	 * touched proposal's view once). */
	for (struct qnode *n = batch; n; n = n->next) {
		struct writer_job *j = n->job;
		const struct cn_world *wo = cn_app_world(w->app);
		const struct cn_proposal *p;
		struct cn_err e2;
		if (j->rc == 0)
			j->version = version;
		if (j->rc || j->proposal < 0)
			continue;
		if (cn_store_last_doc(cn_app_store(w->app), j->proposal,
				      &j->result, &e2) &&
		    (p = cn_world_proposal(wo, j->proposal))) {
			json_t *doc = cn_proposal_json(wo, p);
			j->result = doc ? json_dumps(doc, JSON_COMPACT |
							  JSON_SORT_KEYS)
					: NULL;
			json_decref(doc);
		}
		j->result_len = j->result ? strlen(j->result) : 0;
	}
	return 0;
}

/* A job answered alone because it poisoned its batch.  An event that the
 * log cannot read back came from what the client sent (a time the encoder
 * writes and the decoder refuses, say): refused as invalid, naming the
 * event, not reported as the server's failure. */
static void answer_alone(struct qnode *n)
{
	struct writer_job *j = n->job;

	if (j->rc == CN_ECORRUPT) {
		char msg[CN_ERR_MSG_MAX];
		snprintf(msg, sizeof(msg), "%s", j->err.msg);
		j->rc = cn_err_set(&j->err, CN_EINVAL,
				   "not recorded: the log could not read back "
				   "the event this request makes (%s)",
				   msg);
	}
	n->next = NULL;
	n->done(j, n->ctx);
	free(n);
}

static void run_batch(struct writer *w, struct qnode *batch)
{
	struct cn_err err = {0};
	int64_t now = wall_clock();
	struct qnode *culprit;
	int rc;

	/* A poisoned batch is run again without its culprit: each round
	 * takes one job out, so this ends.  Only the first round takes in
	 * the jobs queued while it waited for the lock: were every round to
	 * take in those queued during the one before, a client sending one
	 * poisoning request per round would hold the batch's other jobs,
	 * and the clock, for as long as it went on
	 * (test_writer_poisoned_rounds_end). */
	int join = 1;
	while ((rc = run_jobs(w, &batch, join, &now, &culprit, &err)) == 0 &&
	       culprit) {
		join = 0;
		struct qnode **pp = &batch;
		while (*pp != culprit)
			pp = &(*pp)->next;
		*pp = culprit->next;
		answer_alone(culprit);
	}
	/* Even when it failed: do not spin on a batch that keeps failing;
	 * its deadlines are tried again with the next write. */
	w->last_tick = now;
	if (rc)
		fprintf(stderr, "council: a write batch failed: %s\n", err.msg);
	/* Receipts need the checkpoint this batch's commit signed. */
	for (struct qnode *n = batch; rc == 0 && n; n = n->next)
		if (n->job->rc == 0 && n->job->want_receipt)
			add_receipt(w, n->job);
	if (rc == 0) {
		void (*fn)(void *);
		void *arg;
		pthread_mutex_lock(&w->mu);
		fn = w->on_commit;
		arg = w->on_commit_arg;
		pthread_mutex_unlock(&w->mu);
		if (fn)
			fn(arg);
	}
	for (struct qnode *n = batch; n; n = n->next) {
		if (rc) {
			/* Not durable: nobody may be told otherwise. */
			n->job->rc = rc;
			n->job->err = err;
			free(n->job->result);
			n->job->result = NULL;
		}
	}
	finish(w, batch);
}

/* Fold what other connections committed since the world's last event.
 * A deadline learnt this way may lie at or before last_tick (its proposal
 * was committed while this writer's last batch ran): the clock must look
 * at it again, so last_tick goes back before the earliest deadline.  Only
 * a fold of others' events does this (this writer's own commits are in
 * its world already), so its own notifications cannot make it spin. */
static void refresh(struct writer *w)
{
	const struct cn_world *wo = cn_app_world(w->app);
	int64_t before = wo->last_seq, version;
	struct cn_err err;

	/* The change signal first: outside a transaction it connects again
	 * a connection the database lost (a restart), which the fold's
	 * reads would not. */
	if (cn_store_data_version(cn_app_store(w->app), &version, &err) ||
	    (version != w->own_version && cn_app_reload(w->app, &err))) {
		/* Once per outage: the watch asks again every few seconds. */
		if (!w->refresh_failed)
			fprintf(stderr, "council: folding other servers' events: "
				"%s\n", err.msg);
		w->refresh_failed = 1;
		return;
	}
	w->refresh_failed = 0;
	wo = cn_app_world(w->app);
	if (wo->last_seq != before && wo->ndeadlines &&
	    wo->deadlines[0].deadline <= w->last_tick)
		w->last_tick = wo->deadlines[0].deadline - 1;
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	int first = 1;

	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		struct qnode *batch = take_queue(w);
		int changed = w->changed, leads = w->leads;
		w->changed = 0;
		pthread_mutex_unlock(&w->mu);

		/* A batch folds others' events itself, inside the lock. */
		if (changed && !batch && !first)
			refresh(w);
		int64_t now = wall_clock();
		/* Due: any deadline after the last tick, even one we woke late
		 * for (a long batch, a paused process, a clock step). */
		int64_t due = cn_world_next_deadline(cn_app_world(w->app),
						     w->last_tick);
		/* A batch with no jobs is just the clock, run by the leading
		 * clock only.  The first round concludes what fell due while
		 * the server was down, each at its own deadline. */
		if (batch || (leads && due <= now) || first) {
			run_batch(w, batch);
		}
		first = 0;

		pthread_mutex_lock(&w->mu);
		if (w->head || w->stop || w->changed || w->leads != leads)
			continue;
		now = wall_clock();
		due = w->leads ? cn_world_next_deadline(cn_app_world(w->app),
							w->last_tick)
			       : CN_TIME_NONE;
		if (due <= now)
			continue; /* due already: go round at once */
		/* Sleep to the next deadline (to the second), or a minute at
		 * most so that a clock jump cannot strand a deadline. */
		struct timespec ts = {.tv_sec = (time_t)(due < now + 60 ? due : now + 60)};
		pthread_cond_timedwait(&w->work, &w->mu, &ts);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

void writer_want_versions(struct writer *w)
{
	pthread_mutex_lock(&w->mu);
	w->versions = 1;
	pthread_mutex_unlock(&w->mu);
}

void writer_on_commit(struct writer *w, void (*fn)(void *arg), void *arg)
{
	pthread_mutex_lock(&w->mu);
	w->on_commit = fn;
	w->on_commit_arg = arg;
	pthread_mutex_unlock(&w->mu);
}

void writer_changed(struct writer *w)
{
	pthread_mutex_lock(&w->mu);
	w->changed = 1;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
}

void writer_set_lead(struct writer *w, int leads)
{
	pthread_mutex_lock(&w->mu);
	if (w->leads != !!leads) {
		w->leads = !!leads;
		pthread_cond_signal(&w->work);
	}
	pthread_mutex_unlock(&w->mu);
}

int writer_leads(struct writer *w)
{
	pthread_mutex_lock(&w->mu);
	int leads = w->leads;
	pthread_mutex_unlock(&w->mu);
	return leads;
}

int writer_start(struct cn_app *app, struct writer **out, struct cn_err *err)
{
	struct writer *w = calloc(1, sizeof(*w));
	pthread_condattr_t ca;

	if (!w)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	w->app = app;
	w->leads = 1;
	w->own_version = -1; /* the first refresh folds what is there */
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_REALTIME);
	pthread_cond_init(&w->work, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&w->done, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w)) {
		free(w);
		return cn_err_set(err, CN_EIO, "cannot start the writer thread");
	}
	*out = w;
	return 0;
}

void writer_submit_async(struct writer *w, struct writer_job *job,
			 writer_done_fn done, void *ctx)
{
	struct qnode *n = calloc(1, sizeof(*n));

	if (!n) {
		job->rc = cn_err_set(&job->err, CN_ENOMEM, "out of memory");
		done(job, ctx);
		return;
	}
	n->job = job;
	n->proposal = job->proposal;
	n->done = done;
	n->ctx = ctx;
	pthread_mutex_lock(&w->mu);
	if (w->stop) {
		pthread_mutex_unlock(&w->mu);
		free(n);
		job->rc = cn_err_set(&job->err, CN_EIO, "the server is stopping");
		done(job, ctx);
		return;
	}
	if (w->tail)
		w->tail->next = n;
	else
		w->head = n;
	w->tail = n;
	w->queued++;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
}

struct sync_wait {
	struct writer *w;
	int done;
};

static void sync_done(struct writer_job *job, void *ctx)
{
	struct sync_wait *sw = ctx;
	(void)job;
	pthread_mutex_lock(&sw->w->mu);
	sw->done = 1;
	pthread_cond_broadcast(&sw->w->done);
	pthread_mutex_unlock(&sw->w->mu);
}

void writer_submit(struct writer *w, struct writer_job *job)
{
	struct sync_wait sw = {w, 0};

	writer_submit_async(w, job, sync_done, &sw);
	pthread_mutex_lock(&w->mu);
	while (!sw.done)
		pthread_cond_wait(&w->done, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

void writer_stop(struct writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	/* Jobs that arrived after the last batch are answered, not lost. */
	pthread_mutex_lock(&w->mu);
	struct qnode *rest = take_queue(w);
	pthread_mutex_unlock(&w->mu);
	if (rest)
		run_batch(w, rest);
	cn_app_close(w->app);
	w->app = NULL;
}

void writer_free(struct writer *w)
{
	if (!w)
		return;
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->done);
	free(w);
}

size_t writer_queued(struct writer *w)
{
	pthread_mutex_lock(&w->mu);
	size_t n = w->queued;
	pthread_mutex_unlock(&w->mu);
	return n;
}
