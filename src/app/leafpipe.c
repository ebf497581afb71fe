/* leafpipe.c - events' leaves hashed on a second thread, in order; see
 * leafpipe.h. */
#include "leafpipe.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* A batch goes to the worker at this many entries, or this many bytes:
 * a hand-over costs a lock and a wake-up, about a few leaves' hashing.
 * The first batch is LP_FIRST_BATCH entries or LP_FIRST_BYTES, and each
 * next one twice the one before, up to these: a small export (p100: 610
 * entries in 0.36 MB) was one batch, hashed on the reading thread after
 * the last line, 0.5 ms that the worker could have spent while the
 * lines were read. */
#define LP_BATCH 1024
#define LP_BYTES (512 * 1024)
#define LP_FIRST_BATCH 64
#define LP_FIRST_BYTES (32 * 1024)

void cn_leafpipe_init(struct cn_leafpipe *p, cn_leaf_sink sink, void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->sink = sink;
	p->ctx = ctx;
	p->at_n = LP_FIRST_BATCH;
	p->at_bytes = LP_FIRST_BYTES;
	cn_merkle_frontier_init(&p->tree);
}

/* A job's bytes: lent, or in the batch's buffer (which an event of no
 * bytes may have none of: no offset is added to NULL). */
static const char *job_bytes(const struct cn_lp_batch *b,
			     const struct cn_lp_job *j)
{
	return j->ref ? j->ref : j->len ? b->bytes + j->off : "";
}

/* Each job's leaf, and the nodes its append to the frontier completes,
 * into the room the caller made (add_room). */
static void hash_batch(struct cn_merkle_frontier *tree, struct cn_lp_batch *b)
{
	for (size_t i = 0; i < b->n && !b->full; i++) {
		struct cn_lp_job *j = &b->jobs[i];
		size_t k = 0;

		if (!j->given)
			cn_event_hash(j->salt, job_bytes(b, j), j->len, j->leaf);
		assert(b->ncap - b->nn >= CN_MERKLE_LEVELS);
		j->node0 = b->nn;
		/* CN_EINVAL only at 2^64 - 1 leaves: said on delivery */
		if (cn_merkle_frontier_append(tree, j->leaf, &b->nodes[b->nn],
					      &k, NULL))
			b->full = 1;
		j->nnodes = k;
		b->nn += k;
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
		hash_batch(&p->tree, &p->b[p->work]);
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

	if (b->full)
		rc = cn_err_set(err, CN_EINVAL, "more entries than a Merkle "
				"tree holds");
	for (size_t i = 0; rc == 0 && i < b->n; i++)
		rc = p->sink(p->ctx, &b->nodes[b->jobs[i].node0],
			     b->jobs[i].nnodes, err);
	b->n = b->used = b->load = b->nn = 0;
	b->full = 0;
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

/* Room in the batch for every node its leaves can complete: an append
 * completes 1 + (trailing one bits of the size) nodes, so n appends
 * complete fewer than 2n + CN_MERKLE_LEVELS, and hash_batch wants room
 * for a whole append's before each. */
static int add_room(struct cn_lp_batch *b, struct cn_err *err)
{
	size_t need = 2 * b->n + 2 * CN_MERKLE_LEVELS;

	if (b->ncap < need) {
		void *v = realloc(b->nodes, need * sizeof(*b->nodes));
		if (!v)
			return cn_err_set(err, CN_ENOMEM, "out of memory");
		b->nodes = v;
		b->ncap = need;
	}
	return 0;
}

/* The batch being filled hashed here, and delivered. */
static int hash_here(struct cn_leafpipe *p, struct cn_err *err)
{
	struct cn_lp_batch *b = &p->b[p->fill];
	int rc = add_room(b, err);

	if (rc) {
		b->n = b->used = b->load = 0;
		return rc;
	}
	hash_batch(&p->tree, b);
	return deliver(p, b, err);
}

/* The full batch to the worker (after collecting the one it had), or
 * hashed here when there is no worker. */
static int hand_over(struct cn_leafpipe *p, struct cn_err *err)
{
	int rc;

	if (!p->started && !p->cannot)
		start(p);
	if (!p->started)
		return hash_here(p, err);
	if ((rc = collect(p, err)) || (rc = add_room(&p->b[p->fill], err)))
		return rc;
	pthread_mutex_lock(&p->lock);
	p->work = p->fill;
	p->busy = p->pending = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->lock);
	p->fill = !p->fill;
	if (p->at_n < LP_BATCH)
		p->at_n *= 2;
	if (p->at_bytes < LP_BYTES)
		p->at_bytes *= 2;
	return 0;
}

/* A job at the end of the batch being filled, with room for len bytes
 * (none for a leaf given or bytes borrowed). */
static struct cn_lp_job *add(struct cn_leafpipe *p, size_t len,
			     struct cn_err *err)
{
	struct cn_lp_batch *b = &p->b[p->fill];
	struct cn_lp_job *j;

	/* Room for a whole batch at the first entry, so that filling one
	 * copies nothing (growing from a quarter of it touched each page
	 * twice: a third of a small export's page faults). */
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : LP_BATCH;
		void *v = realloc(b->jobs, cap * sizeof(*b->jobs));
		if (!v) {
			cn_err_set(err, CN_ENOMEM, "out of memory");
			return NULL;
		}
		b->jobs = v;
		b->cap = cap;
	}
	if (len > b->bcap - b->used) {
		size_t cap = b->bcap ? b->bcap : LP_BYTES;
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
	j->ref = NULL;
	b->used += len;
	b->load += len;
	return j;
}

static int added(struct cn_leafpipe *p, struct cn_err *err)
{
	const struct cn_lp_batch *b = &p->b[p->fill];

	return b->n >= p->at_n || b->load >= p->at_bytes ? hand_over(p, err) : 0;
}

/* An event's job, its bytes in place, to be hashed under salt. */
static int event_added(struct cn_leafpipe *p, struct cn_lp_job *j,
		       const uint8_t salt[CN_SALT_LEN], struct cn_err *err)
{
	memcpy(j->salt, salt, CN_SALT_LEN);
	j->given = 0;
	return added(p, err);
}

int cn_leafpipe_event(struct cn_leafpipe *p, const uint8_t salt[CN_SALT_LEN],
		      const void *bytes, size_t len, struct cn_err *err)
{
	struct cn_lp_job *j = add(p, len, err);

	if (!j)
		return CN_ENOMEM;
	if (len)
		memcpy(p->b[p->fill].bytes + j->off, bytes, len);
	return event_added(p, j, salt, err);
}

/* Borrowed bytes count toward the hand-over (load) as copied ones do:
 * a batch is as much hashing either way. */
int cn_leafpipe_event_ref(struct cn_leafpipe *p,
			  const uint8_t salt[CN_SALT_LEN], const void *bytes,
			  size_t len, struct cn_err *err)
{
	struct cn_lp_job *j = add(p, 0, err);

	if (!j)
		return CN_ENOMEM;
	j->ref = bytes;
	j->len = len;
	p->b[p->fill].load += len;
	return event_added(p, j, salt, err);
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

	return rc ? rc : hash_here(p, err);
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
		free(p->b[i].nodes);
	}
	memset(p->b, 0, sizeof(p->b));
}
