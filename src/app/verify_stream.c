/*
 * verify_stream.c - the log read once, in seq order, a range at a time,
 * for verify and verify --since (struct cn_vstream, verify.h).  Each event
 * read is chained to the one before (store.h checks it), appended to a
 * Merkle frontier and handed to the caller with the perfect nodes it
 * completed.  The checkpoints are taken a batch at a time (their rows
 * copied), then one range of events is read up to the last of the batch,
 * each checkpoint checked when the stream reaches its size, the frontier
 * giving the root there: one query a batch rather than one a checkpoint
 * (a server signs one a commit).  Nothing here grows with the log.
 *
 * When the range is read, the batch's notes are parsed and their key named
 * here, then a second thread checks their Ed25519 signatures (allocating
 * nothing: cn_note_check_run) while this one reads and folds the events;
 * reaching a checkpoint, this thread waits for its signatures if the
 * worker is behind and judges it as cn_cp_check_next would, so the first
 * fault in log order is the one reported, in the same words.
 */
#include "verify.h"

#include <stdlib.h>
#include <string.h>

/* A checkpoint row kept until the stream reaches its size; from the start
 * of the range that reaches it, its note parsed and signatures checked. */
struct cn_vstream_cp {
	struct cn_checkpoint_row row;
	uint8_t root[CN_MERKLE_HASH_LEN];
	char *note;
	struct cn_checkpoint cp;   /* parsed, when rc is 0 */
	struct cn_note_check chk;  /* its signatures, when rc is 0 */
	int rc;                    /* parsing and naming the key (why says) */
	struct cn_err why;
};

void cn_vstream_init(struct cn_vstream *s, struct cn_store *st,
		     cn_vstream_fn fn, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->st = st;
	s->fn = fn;
	s->ctx = ctx;
	cn_merkle_frontier_init(&s->tree);
}

/* ---- the signatures, on a second thread -------------------------------- */

/* The worker: the batch's signatures in order, from s->checked.  The batch
 * does not change while it runs; it writes only each entry's chk. */
static void *sig_worker(void *arg)
{
	struct cn_vstream *s = arg;
	size_t i = s->checked;
	int stop = 0;

	for (; !stop && i < s->npending; i++) {
		struct cn_vstream_cp *c = &s->pending[i];
		if (c->rc == 0)
			cn_note_check_run(&c->chk, &c->cp.note);
		pthread_mutex_lock(&s->lock);
		s->checked = i + 1;
		stop = s->stop;
		pthread_cond_signal(&s->moved);
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

/* Fewer than this are checked on this thread, as they are reached: a
 * thread costs about one check to start. */
#define SIG_THREAD_MIN 8

/* Parse the batch's notes from s->next and name the key in each, as
 * cn_checkpoint_verify does; then start the worker on their signatures
 * (if it cannot start, each is checked when reached). */
static void sig_start(struct cn_vstream *s)
{
	for (size_t i = s->next; i < s->npending; i++) {
		struct cn_vstream_cp *c = &s->pending[i];
		memset(&c->cp, 0, sizeof(c->cp));
		c->rc = cn_checkpoint_parse(c->note, strlen(c->note), &c->cp,
					    &c->why);
		if (c->rc == 0 &&
		    (c->rc = cn_note_check_prepare(&c->chk, s->cps.key_name,
						   s->cps.pk, &c->why))) {
			cn_checkpoint_release(&c->cp);
			cn_err_prefix(&c->why, "checkpoint: ");
		}
	}
	s->checked = s->next;
	s->stop = 0;
	if (s->npending - s->next < SIG_THREAD_MIN)
		return;
	if (pthread_mutex_init(&s->lock, NULL))
		return;
	if (pthread_cond_init(&s->moved, NULL)) {
		pthread_mutex_destroy(&s->lock);
		return;
	}
	if (pthread_create(&s->worker, NULL, sig_worker, s)) {
		pthread_cond_destroy(&s->moved);
		pthread_mutex_destroy(&s->lock);
		return;
	}
	s->working = 1;
}

static void sig_stop(struct cn_vstream *s)
{
	if (!s->working)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->worker, NULL);
	pthread_cond_destroy(&s->moved);
	pthread_mutex_destroy(&s->lock);
	s->working = 0;
}

/* Judge pending[i] (reached, in order) as cn_cp_check_next would. */
static int sig_judge(struct cn_vstream *s, size_t i, struct cn_err *err)
{
	struct cn_vstream_cp *c = &s->pending[i];
	int rc;

	if (s->working) {
		pthread_mutex_lock(&s->lock);
		while (s->checked <= i)
			pthread_cond_wait(&s->moved, &s->lock);
		pthread_mutex_unlock(&s->lock);
	} else if (c->rc == 0)
		cn_note_check_run(&c->chk, &c->cp.note);
	if (c->rc == 0 && (c->rc = cn_note_check_result(&c->chk, &c->why))) {
		cn_checkpoint_release(&c->cp);
		cn_err_prefix(&c->why, "checkpoint: ");
	}
	rc = cn_cp_check_signed(&s->cps, c->rc, c->why.msg, &c->cp, &c->row,
				err);
	cn_checkpoint_release(&c->cp);
	return rc;
}

/* ---- the stream ------------------------------------------------------------ */

void cn_vstream_release(struct cn_vstream *s)
{
	sig_stop(s);
	for (size_t i = 0; i < s->npending; i++) {
		free(s->pending[i].note);
		cn_checkpoint_release(&s->pending[i].cp);
	}
	free(s->pending);
	s->pending = NULL;
	s->npending = s->next = 0;
}

/* The pending checkpoints the stream has reached. */
static int check_reached(struct cn_vstream *s, struct cn_err *err)
{
	int rc = 0;

	while (rc == 0 && s->next < s->npending &&
	       s->pending[s->next].row.size <= s->tree.size) {
		rc = sig_judge(s, s->next++, err);
	}
	return rc;
}

static int vstream_one(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct cn_vstream *s = ctx;
	struct cn_merkle_node done[CN_MERKLE_LEVELS];
	size_t n = 0;
	int rc = cn_merkle_frontier_append(&s->tree, ev->hash, done, &n, err);

	memcpy(s->prev, ev->hash, CN_HASH_LEN);
	if (rc == 0)
		rc = s->fn(s->ctx, ev, done, n, err);
	return rc ? rc : check_reached(s, err);
}

int cn_vstream_to(struct cn_vstream *s, int64_t to, struct cn_err *err)
{
	const int64_t from = (int64_t)s->tree.size + 1;
	int rc;

	sig_start(s);
	rc = check_reached(s, err);

	if (rc == 0 && to >= from)
		rc = cn_store_scan_range(s->st, from, to, s->prev, vstream_one, s,
					 err);
	/* Those beyond the log's end, which no event reached: the checker
	 * names them (the log is shorter than they say). */
	while (rc == 0 && s->next < s->npending)
		rc = sig_judge(s, s->next++, err);
	cn_vstream_release(s);
	return rc;
}

int cn_vstream_root(void *ctx, uint64_t size, uint8_t root[CN_MERKLE_HASH_LEN],
		    uint64_t *have)
{
	struct cn_vstream *s = ctx;

	*have = s->tree.size;
	/* A checkpoint is checked when the stream reaches the size its row
	 * says, and the checker holds the row to its note first: a smaller
	 * size is one already refused. */
	if (size != s->tree.size)
		return size > s->tree.size ? CN_ENOTFOUND : CN_ECORRUPT;
	cn_merkle_frontier_root(&s->tree, root);
	return 0;
}

/* Checkpoints a batch holds: about 300 bytes each. */
#define BATCH 1024

int cn_vstream_checkpoint(void *ctx, const struct cn_checkpoint_row *cp,
			  struct cn_err *err)
{
	struct cn_vstream *s = ctx;
	struct cn_vstream_cp *c;

	if (!s->pending && !(s->pending = calloc(BATCH, sizeof(*s->pending))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	c = &s->pending[s->npending];
	c->row = *cp;
	c->row.note = NULL;
	c->row.root = c->root;
	c->row.rootlen = cp->rootlen <= CN_MERKLE_HASH_LEN ? cp->rootlen
			 : CN_MERKLE_HASH_LEN + 1; /* wrong either way */
	if (cp->rootlen)
		memcpy(c->root, cp->root, cp->rootlen < CN_MERKLE_HASH_LEN
		       ? cp->rootlen : CN_MERKLE_HASH_LEN);
	if (!(c->note = strdup(cp->note)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	c->row.note = c->note;
	s->npending++;
	/* A full batch: read on to its last size (a row whose size was
	 * changed is held to its note when reached, or at the end). */
	return s->npending < BATCH ? 0
		: cn_vstream_to(s, cp->size <= INT64_MAX ? (int64_t)cp->size
				: INT64_MAX, err);
}
