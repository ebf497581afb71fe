/* eventpipe.c - a range of the log read on a second thread, given in
 * order on the caller's; see eventpipe.h. */
#include "eventpipe.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* What the worker's take returns when the caller asked it to stop: above
 * every error code (they are negative), so the scan ends without one. */
enum { EP_STOPPED = 1 };

/* The events of a batch's last round that the worker left to the
 * caller's thread, released there. */
static size_t release_shared(struct cn_ep_batch *b)
{
	const size_t n = b->nshared;

	for (size_t i = 0; i < n; i++)
		cn_event_release(&b->shared[i]);
	b->nshared = 0;
	return n;
}

/* Every event of a batch released, and those the worker left to this
 * thread (on the caller's thread, or with the worker joined). */
static size_t recycle(struct cn_ep_batch *b)
{
	const size_t n = b->n;

	for (size_t i = 0; i < n; i++)
		cn_event_release(&b->ev[i]);
	b->n = 0;
	return n + release_shared(b);
}

/* Whether no part of a payload is held but by the event: each node's
 * count is 1 (jansson's true, false and null, counted -1, are no one's).
 * The fold keeps parts of some payloads by reference (a member's record,
 * a proposal's weights, an outcome's blocking list) and drops them later,
 * on the caller's thread.  A part it still holds counts 2 or more; one it
 * dropped, 1 again, read here with acquire order, so that its last
 * decrement (jansson's json_decref: release order) and every use before
 * it happen before the worker frees it.  A node nobody else holds is one
 * nobody else can reach: the caller's thread no longer touches the
 * event.  Nesting deeper than a payload has is taken as shared. */
#define ALONE_DEPTH 64

static int payload_alone(const json_t *v, int depth)
{
	const size_t n = __atomic_load_n(&((json_t *)v)->refcount,
					 __ATOMIC_ACQUIRE);

	if (n == (size_t)-1)
		return 1;
	if (n != 1 || depth > ALONE_DEPTH)
		return 0;
	/* iterated by hand: json_object_foreach makes five calls a
	 * member */
	if (json_is_object(v)) {
		for (void *it = json_object_iter((json_t *)v); it;
		     it = json_object_iter_next((json_t *)v, it))
			if (!payload_alone(json_object_iter_value(it), depth + 1))
				return 0;
	} else if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++)
			if (!payload_alone(json_array_get(v, i), depth + 1))
				return 0;
	}
	return 1;
}

/* On the worker, the batch given back: each event freed here, where it
 * was allocated, or left to the caller's thread when the fold keeps a
 * part of its payload (payload_alone).  With mimalloc an allocation
 * freed on another thread is freed through the page's shared list, and
 * the allocating thread takes it back later: freeing the events on the
 * caller's thread cost a sixth of a 100,000-event verify's CPU. */
static size_t release_given_back(struct cn_ep_batch *b)
{
	size_t freed = 0;

	assert(b->nshared == 0);
	for (size_t i = 0; i < b->n; i++) {
		struct cn_event *ev = &b->ev[i];
		if (!ev->payload || payload_alone(ev->payload, 0)) {
			cn_event_release(ev);
			freed++;
		} else {
			b->shared[b->nshared++] = *ev;
			memset(ev, 0, sizeof(*ev));
		}
	}
	b->n = 0;
	return freed;
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
	if (!stop)
		p->freed_by_worker += release_given_back(&p->b[p->fill]);
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

/* The caller's batch once the worker handed it over, the events of its
 * last round that the worker left to this thread freed; NULL when the
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
	if (!full)
		return NULL;
	p->freed_by_caller += release_shared(b);
	return b;
}

/* The batch to the worker, which frees its events (release_given_back). */
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
		p->freed_by_caller += recycle(&p->b[k]);
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
