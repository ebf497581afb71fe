/* leafpipe.c - events' leaves hashed on a second thread, in order; see
 * leafpipe.h. */
#include "leafpipe.h"

#include <stdlib.h>
#include <string.h>

/* A batch goes to the worker at this many entries, or this many bytes:
 * a hand-over costs a lock and a wake-up, about a few leaves' hashing. */
#define LP_BATCH 1024
#define LP_BYTES (512 * 1024)

void cn_leafpipe_init(struct cn_leafpipe *p, cn_leaf_sink sink, void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->sink = sink;
	p->ctx = ctx;
}

static void hash_batch(struct cn_lp_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct cn_lp_job *j = &b->jobs[i];
		if (!j->given)
			cn_event_hash(j->salt, b->bytes + j->off, j->len, j->leaf);
	}
}

static void *worker(void *arg)
{
	struct cn_leafpipe *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->busy && !p->stop)
			pthread_cond_wait(&p->cv, &p->lock);
		if (!p->busy) /* stopped, and nothing given */
			break;
		pthread_mutex_unlock(&p->lock);
		hash_batch(&p->b[p->work]);
		pthread_mutex_lock(&p->lock);
		p->busy = 0;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* The batch's leaves to the sink, in order; the batch emptied. */
static int deliver(struct cn_leafpipe *p, struct cn_lp_batch *b,
		   struct cn_err *err)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < b->n; i++)
		rc = p->sink(p->ctx, b->jobs[i].leaf, err);
	b->n = b->used = 0;
	return rc;
}

/* Wait for the worker's batch and deliver it. */
static int collect(struct cn_leafpipe *p, struct cn_err *err)
{
	if (!p->pending)
		return 0;
	pthread_mutex_lock(&p->lock);
	while (p->busy)
		pthread_cond_wait(&p->cv, &p->lock);
	pthread_mutex_unlock(&p->lock);
	p->pending = 0;
	return deliver(p, &p->b[p->work], err);
}

static void start(struct cn_leafpipe *p)
{
	if (pthread_mutex_init(&p->lock, NULL)) {
		p->cannot = 1;
		return;
	}
	if (pthread_cond_init(&p->cv, NULL)) {
		pthread_mutex_destroy(&p->lock);
		p->cannot = 1;
		return;
	}
	if (pthread_create(&p->worker, NULL, worker, p)) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->lock);
		p->cannot = 1;
		return;
	}
	p->started = 1;
}

/* The full batch to the worker (after collecting the one it had), or
 * hashed here when there is no worker. */
static int hand_over(struct cn_leafpipe *p, struct cn_err *err)
{
	int rc;

	if (!p->started && !p->cannot)
		start(p);
	if (!p->started) {
		hash_batch(&p->b[p->fill]);
		return deliver(p, &p->b[p->fill], err);
	}
	if ((rc = collect(p, err)))
		return rc;
	pthread_mutex_lock(&p->lock);
	p->work = p->fill;
	p->busy = p->pending = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->lock);
	p->fill = !p->fill;
	return 0;
}

/* A job at the end of the batch being filled, with room for len bytes. */
static struct cn_lp_job *add(struct cn_leafpipe *p, size_t len,
			     struct cn_err *err)
{
	struct cn_lp_batch *b = &p->b[p->fill];
	struct cn_lp_job *j;

	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 256;
		void *v = realloc(b->jobs, cap * sizeof(*b->jobs));
		if (!v) {
			cn_err_set(err, CN_ENOMEM, "out of memory");
			return NULL;
		}
		b->jobs = v;
		b->cap = cap;
	}
	if (len > b->bcap - b->used) {
		size_t cap = b->bcap ? b->bcap : 64 * 1024;
		char *v;
		while (cap - b->used < len)
			cap *= 2;
		if (!(v = realloc(b->bytes, cap))) {
			cn_err_set(err, CN_ENOMEM, "out of memory");
			return NULL;
		}
		b->bytes = v;
		b->bcap = cap;
	}
	j = &b->jobs[b->n++];
	j->off = b->used;
	j->len = len;
	b->used += len;
	return j;
}

static int added(struct cn_leafpipe *p, struct cn_err *err)
{
	const struct cn_lp_batch *b = &p->b[p->fill];

	return b->n >= LP_BATCH || b->used >= LP_BYTES ? hand_over(p, err) : 0;
}

int cn_leafpipe_event(struct cn_leafpipe *p, const uint8_t salt[CN_SALT_LEN],
		      const void *bytes, size_t len, struct cn_err *err)
{
	struct cn_lp_job *j = add(p, len, err);

	if (!j)
		return CN_ENOMEM;
	if (len)
		memcpy(p->b[p->fill].bytes + j->off, bytes, len);
	memcpy(j->salt, salt, CN_SALT_LEN);
	j->given = 0;
	return added(p, err);
}

int cn_leafpipe_leaf(struct cn_leafpipe *p, const uint8_t leaf[CN_HASH_LEN],
		     struct cn_err *err)
{
	struct cn_lp_job *j = add(p, 0, err);

	if (!j)
		return CN_ENOMEM;
	memcpy(j->leaf, leaf, CN_HASH_LEN);
	j->given = 1;
	return added(p, err);
}

int cn_leafpipe_flush(struct cn_leafpipe *p, struct cn_err *err)
{
	int rc = collect(p, err);

	if (rc == 0) {
		hash_batch(&p->b[p->fill]);
		rc = deliver(p, &p->b[p->fill], err);
	}
	return rc;
}

void cn_leafpipe_release(struct cn_leafpipe *p)
{
	if (p->started) {
		pthread_mutex_lock(&p->lock);
		p->stop = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->worker, NULL);
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->lock);
		p->started = 0;
	}
	for (int i = 0; i < 2; i++) {
		free(p->b[i].jobs);
		free(p->b[i].bytes);
	}
	memset(p->b, 0, sizeof(p->b));
}
