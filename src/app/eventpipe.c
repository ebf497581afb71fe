/* eventpipe.c - a range of the log read on a second thread, given in
 * order on the caller's; see eventpipe.h. */
#include "eventpipe.h"

#include <stdlib.h>
#include <string.h>

/* What the worker's take returns when the caller asked it to stop: above
 * every error code (they are negative), so the scan ends without one. */
enum { EP_STOPPED = 1 };

/* The events of a batch, released.  On the caller's thread: what fn
 * kept of an event (a payload's parts the fold holds by reference) and
 * the event share jansson's reference counts, and only one thread may
 * touch them once fn has run (jansson's last decrement has no acquire;
 * ThreadSanitizer names the race when the worker releases them).  With
 * the C library's malloc, the worker's allocations freed on this thread
 * took the worker's arena lock (9% of a replay's CPU against 2%);
 * mimalloc, which the programs link (meson_options.txt), frees across
 * threads without one, and a release on the worker measured the same. */
static void recycle(struct cn_ep_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		cn_event_release(&b->ev[i]);
	b->n = 0;
}

/* The batch being filled goes to the caller's thread; the worker waits
 * for the next one in the ring to be given back, unless told to stop. */
static int hand_over(struct cn_eventpipe *p)
{
	int stop;

	pthread_mutex_lock(&p->lock);
	p->b[p->fill].full = 1;
	pthread_cond_broadcast(&p->cv);
	p->fill = (p->fill + 1) % CN_EP_BATCHES;
	while (p->b[p->fill].full && !p->stop)
		pthread_cond_wait(&p->cv, &p->lock);
	stop = p->stop;
	pthread_mutex_unlock(&p->lock);
	return stop ? EP_STOPPED : 0;
}

/* An event read and checked: moved into the batch being filled. */
static int take(void *ctx, struct cn_event *ev, struct cn_err *err)
{
	struct cn_eventpipe *p = ctx;
	struct cn_ep_batch *b = &p->b[p->fill];

	(void)err;
	b->ev[b->n++] = *ev;
	memset(ev, 0, sizeof(*ev));
	return b->n == CN_EP_EVENTS ? hand_over(p) : 0;
}

static void *worker_main(void *arg)
{
	struct cn_eventpipe *p = arg;
	int rc = cn_store_scan_range_take(p->st, p->from, p->to, p->prev, take,
					  p, &p->err);

	pthread_mutex_lock(&p->lock);
	p->rc = rc;
	/* The batch being filled is the worker's unless it was stopped
	 * waiting for one: what it holds goes over with the end. */
	if (rc != EP_STOPPED)
		p->b[p->fill].full = 1;
	p->done = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* The worker stopped, or done, and joined. */
static void join_worker(struct cn_eventpipe *p)
{
	if (!p->running)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->worker, NULL);
	p->running = 0;
}

void cn_eventpipe_halt(struct cn_eventpipe *p)
{
	if (!p->running)
		return;
	join_worker(p);
	p->halted = 1;
}

static int start(struct cn_eventpipe *p)
{
	if (!(p->b = calloc(CN_EP_BATCHES, sizeof(*p->b))))
		return -1;
	if (pthread_mutex_init(&p->lock, NULL))
		goto no_lock;
	if (pthread_cond_init(&p->cv, NULL))
		goto no_cv;
	if (pthread_create(&p->worker, NULL, worker_main, p))
		goto no_thread;
	p->running = 1;
	return 0;
no_thread:
	pthread_cond_destroy(&p->cv);
no_cv:
	pthread_mutex_destroy(&p->lock);
no_lock:
	free(p->b);
	p->b = NULL;
	return -1;
}

/* The caller's batch once the worker handed it over; NULL when the
 * worker is done and every batch was taken. */
static struct cn_ep_batch *next_batch(struct cn_eventpipe *p)
{
	struct cn_ep_batch *b = &p->b[p->take];
	int full;

	pthread_mutex_lock(&p->lock);
	while (!b->full && !p->done)
		pthread_cond_wait(&p->cv, &p->lock);
	full = b->full;
	pthread_mutex_unlock(&p->lock);
	return full ? b : NULL;
}

/* The batch to the worker, its events released (recycle). */
static void give_back(struct cn_eventpipe *p, struct cn_ep_batch *b)
{
	recycle(b);
	pthread_mutex_lock(&p->lock);
	b->full = 0;
	p->take = (p->take + 1) % CN_EP_BATCHES;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->lock);
}

int cn_eventpipe_scan(struct cn_eventpipe *p, struct cn_store *st,
		      int64_t from, int64_t to, const uint8_t prev[CN_HASH_LEN],
		      cn_event_fn fn, void *ctx, struct cn_err *err)
{
	struct cn_ep_batch *b;
	int64_t last = from - 1;  /* the last event given to fn */
	uint8_t last_hash[CN_HASH_LEN];
	int rc = 0;

	memset(p, 0, sizeof(*p));
	p->st = st;
	p->from = from;
	p->to = to;
	memcpy(p->prev, prev, CN_HASH_LEN);
	memcpy(last_hash, prev, CN_HASH_LEN);
	if (start(p))
		return cn_store_scan_range(st, from, to, prev, fn, ctx, err);
	while (rc == 0 && !p->halted && (b = next_batch(p))) {
		for (size_t i = 0; i < b->n; i++) {
			/* none given after a fault, or after fn halted */
			if (rc == 0 && !p->halted &&
			    (rc = fn(ctx, &b->ev[i], err)) == 0) {
				last = b->ev[i].seq;
				memcpy(last_hash, b->ev[i].hash, CN_HASH_LEN);
			}
		}
		give_back(p, b);
	}
	/* Stopped by a fault or by fn's halt, or the worker is done. */
	join_worker(p);
	if (rc == 0 && !p->halted && p->rc < 0) {
		/* the reading's fault, after every event before it */
		rc = p->rc;
		*err = p->err;
	}
	for (size_t k = 0; k < CN_EP_BATCHES; k++)
		recycle(&p->b[k]);
	free(p->b);
	p->b = NULL;
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->lock);
	/* fn halted the worker and went on: the rest on this thread, from
	 * the store, after the last event fn was given */
	if (rc == 0 && p->halted && last < to)
		rc = cn_store_scan_range(st, last + 1, to, last_hash, fn, ctx,
					 err);
	return rc;
}
