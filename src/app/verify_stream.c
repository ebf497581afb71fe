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
 * When the range is read, a second thread checks the batch's signatures
 * (cn_sigs, verify_sigs.c) while this one reads and folds the events;
 * reaching a checkpoint, this thread judges it as cn_cp_check_next would,
 * so the first fault in log order is the one reported, in the same words.
 */
#include "verify.h"

#include <stdlib.h>
#include <string.h>

/* A checkpoint row kept until the stream reaches its size (its note in
 * the stream's sig[], at the same place). */
struct cn_vstream_cp {
	struct cn_checkpoint_row row;
	uint8_t root[CN_MERKLE_HASH_LEN];
	char *note;
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

/* The batch emptied and its notes freed; its room is kept for the next
 * batch (grow, below), so that a long log's batches do not each grow it
 * again. */
static void batch_done(struct cn_vstream *s)
{
	cn_sigs_stop(&s->sigs);
	for (size_t i = 0; i < s->npending; i++)
		free(s->pending[i].note);
	s->npending = s->next = 0;
}

void cn_vstream_release(struct cn_vstream *s)
{
	batch_done(s);
	free(s->pending);
	free(s->sig);
	s->pending = NULL;
	s->sig = NULL;
	s->cap = 0;
}

/* The pending checkpoints the stream has reached. */
static int check_reached(struct cn_vstream *s, struct cn_err *err)
{
	int rc = 0;

	while (rc == 0 && s->next < s->npending &&
	       s->pending[s->next].row.size <= s->tree.size) {
		const size_t i = s->next++;
		rc = cn_sigs_judge(&s->sigs, i, &s->cps, &s->pending[i].row, err);
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

	/* the batch is whole: its notes are not changed until it is freed */
	for (size_t i = 0; i < s->npending; i++)
		s->sig[i].note = s->pending[i].note;
	cn_sigs_start(&s->sigs, s->sig, s->npending, s->cps.key_name, s->cps.pk);
	rc = check_reached(s, err);

	if (rc == 0 && to >= from)
		rc = s->pipelined
			? cn_eventpipe_scan(&s->pipe, s->st, from, to, s->prev,
					    vstream_one, s, err)
			: cn_store_scan_range(s->st, from, to, s->prev,
					      vstream_one, s, err);
	/* Those beyond the log's end, which no event reached: the checker
	 * names them (the log is shorter than they say). */
	while (rc == 0 && s->next < s->npending) {
		const size_t i = s->next++;
		rc = cn_sigs_judge(&s->sigs, i, &s->cps, &s->pending[i].row, err);
	}
	batch_done(s);
	return rc;
}

void cn_vstream_quiesce(struct cn_vstream *s)
{
	cn_eventpipe_halt(&s->pipe);
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

/* Checkpoints a batch holds: about 250 bytes each, with their
 * signatures' check, and their notes. */
#define BATCH 1024

/* Room for twice as many checkpoints in the batch (16 at first, BATCH at
 * most).  The whole BATCH at once was a megabyte calloc'd, and its pages
 * touched, for a log of 33 checkpoints: a tenth of a small store's
 * verify.  The new room is not zeroed: a row is written whole when taken
 * (cn_vstream_checkpoint), an item by cn_sigs_start. */
static int grow(struct cn_vstream *s)
{
	size_t cap = s->cap ? 2 * s->cap : 16;
	struct cn_vstream_cp *p;
	struct cn_sig_item *g;

	if (cap > BATCH)
		cap = BATCH;
	if (!(p = realloc(s->pending, cap * sizeof(*p))))
		return -1;
	s->pending = p;
	for (size_t i = 0; i < s->npending; i++)
		p[i].row.root = p[i].root; /* each row's root is its own */
	if (!(g = realloc(s->sig, cap * sizeof(*g))))
		return -1;
	s->sig = g;
	s->cap = cap;
	return 0;
}

int cn_vstream_checkpoint(void *ctx, const struct cn_checkpoint_row *cp,
			  struct cn_err *err)
{
	struct cn_vstream *s = ctx;
	struct cn_vstream_cp *c;

	if (s->npending == s->cap && grow(s))
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
