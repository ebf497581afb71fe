/* hold.c - answers held until a deadline; see hold.h.
 *
 * A binary min-heap of (deadline, item) under one mutex, grown by
 * doubling: its size is bounded by the connections the server takes, each
 * of which holds at most one answer.  The timer thread waits on a
 * condition variable clocked by CLOCK_MONOTONIC until the earliest
 * deadline (woken earlier when a park puts a new item on top), and
 * releases items outside the lock, so a release that resumes a connection
 * never waits on a park. */
#include "hold.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>

struct held {
	struct timespec deadline;
	void *item;
};

struct hold {
	pthread_mutex_t mu;
	pthread_cond_t wake;
	pthread_t thread;
	hold_release_fn release;
	struct held *heap;
	size_t n, cap;
	int stopping;
	int joined;
};

static int before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static void swap(struct held *a, struct held *b)
{
	struct held t = *a;
	*a = *b;
	*b = t;
}

/* Under h->mu: the heap's top, removed. */
static struct held pop(struct hold *h)
{
	struct held top = h->heap[0];
	size_t i = 0;

	assert(h->n > 0);
	h->heap[0] = h->heap[--h->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->n && before(&h->heap[l].deadline, &h->heap[m].deadline))
			m = l;
		if (r < h->n && before(&h->heap[r].deadline, &h->heap[m].deadline))
			m = r;
		if (m == i)
			return top;
		swap(&h->heap[i], &h->heap[m]);
		i = m;
	}
}

static void *timer(void *arg)
{
	struct hold *h = arg;
	struct timespec now;

	pthread_mutex_lock(&h->mu);
	for (;;) {
		if (h->n == 0) {
			if (h->stopping)
				break;
			pthread_cond_wait(&h->wake, &h->mu);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!h->stopping && before(&now, &h->heap[0].deadline)) {
			pthread_cond_timedwait(&h->wake, &h->mu,
					       &h->heap[0].deadline);
			continue;
		}
		struct held due = pop(h);
		pthread_mutex_unlock(&h->mu);
		h->release(due.item);
		pthread_mutex_lock(&h->mu);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

struct hold *hold_start(hold_release_fn release)
{
	struct hold *h = calloc(1, sizeof(*h));
	pthread_condattr_t ca;

	if (!h)
		return NULL;
	h->release = release;
	pthread_mutex_init(&h->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&h->thread, NULL, timer, h)) {
		pthread_cond_destroy(&h->wake);
		pthread_mutex_destroy(&h->mu);
		free(h);
		return NULL;
	}
	return h;
}

int hold_park(struct hold *h, const struct timespec *deadline, void *item)
{
	size_t i;

	pthread_mutex_lock(&h->mu);
	if (h->stopping) {
		pthread_mutex_unlock(&h->mu);
		return -1;
	}
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 64;
		struct held *heap = realloc(h->heap, cap * sizeof(*heap));
		if (!heap) {
			pthread_mutex_unlock(&h->mu);
			return -1;
		}
		h->heap = heap;
		h->cap = cap;
	}
	i = h->n++;
	h->heap[i] = (struct held){*deadline, item};
	while (i > 0 && before(&h->heap[i].deadline,
			       &h->heap[(i - 1) / 2].deadline)) {
		swap(&h->heap[i], &h->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	/* A new earliest deadline: the timer sleeps towards a later one. */
	if (i == 0)
		pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->mu);
	return 0;
}

void hold_stop(struct hold *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->stopping = 1;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->mu);
	if (!h->joined) {
		pthread_join(h->thread, NULL);
		h->joined = 1;
	}
}

void hold_free(struct hold *h)
{
	if (!h)
		return;
	hold_stop(h);
	assert(h->n == 0);
	free(h->heap);
	pthread_cond_destroy(&h->wake);
	pthread_mutex_destroy(&h->mu);
	free(h);
}
