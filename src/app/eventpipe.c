/* eventpipe.c - a range of the log read on a second thread, given in
 * order on the caller's; see eventpipe.h. */
#include "eventpipe.h"

#include <stdlib.h>
#include <string.h>

/* What the worker's take returns when the caller asked it to stop: above
 * every error code (they are negative), so the scan ends without one. */
enum { EP_STOPPED = 1 };

/* The events of a batch, released: on the worker's thread, which
 * allocated them, when it takes the batch back to fill it again, so that
 * the allocator's arena is one thread's (freed on the caller's thread,
 * the frees took the worker's arena lock against its mallocs: a sixth of
 * a replay's CPU, and waits).  An event whose payload the caller's fn
 * kept a part of is not among them: the caller released it (owned). */
static void recycle(struct cn_ep_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		cn_event_release(&b->ev[i]);
	b->n = 0;
}

/* Whether some part of j is held by another reference than its parent's
 * (the fold keeps a record, a list, by reference).  Such a payload and
 * its parts share jansson's reference counts with what holds them, and
 * only one thread may touch those once fn has run (jansson's last
 * decrement has no acquire: ThreadSanitizer names the race when the
 * worker releases them), so the caller's thread releases that event.
 * The singletons (true, false, null) count no references. */
static int shared(json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;

	if (j->refcount != 1 && j->refcount != (size_t)-1)
		return 1;
	if (json_is_object(j)) {
		json_object_foreach(j, key, v)
			if (shared(v))
				return 1;
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (shared(v))
				return 1;
	}
	return 0;
}

/* After fn: an event fn kept part of is released here and now, on the
 * caller's thread; the others wait for the worker (recycle). */
static void owned(struct cn_event *ev)
{
	if (ev->payload && shared(ev->payload))
		cn_event_release(ev);
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
	/* given back, or never handed over (stopped): the worker's again */
	if (!stop)
		recycle(&p->b[p->fill]);
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

/* The batch to the worker, which releases its events (recycle). */
static void give_back(struct cn_eventpipe *p, struct cn_ep_batch *b)
{
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
			owned(&b->ev[i]);
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
