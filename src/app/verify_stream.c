/*
 * verify_stream.c - the log read once, in seq order, a range at a time,
 * for verify and verify --since (struct cn_vstream, verify.h).  Each event
 * read is chained to the one before (store.h checks it), appended to a
 * Merkle frontier and handed to the caller with the perfect nodes it
 * completed; a checkpoint is checked when the stream reaches its size, the
 * frontier giving the root there.  Nothing here grows with the log.
 */
#include "verify.h"

#include <string.h>

void cn_vstream_init(struct cn_vstream *s, struct cn_store *st,
		     cn_vstream_fn fn, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->st = st;
	s->fn = fn;
	s->ctx = ctx;
	cn_merkle_frontier_init(&s->tree);
}

static int vstream_one(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct cn_vstream *s = ctx;
	struct cn_merkle_node done[CN_MERKLE_LEVELS];
	size_t n = 0;
	int rc = cn_merkle_frontier_append(&s->tree, ev->hash, done, &n, err);

	memcpy(s->prev, ev->hash, CN_HASH_LEN);
	return rc ? rc : s->fn(s->ctx, ev, done, n, err);
}

int cn_vstream_to(struct cn_vstream *s, int64_t to, struct cn_err *err)
{
	const int64_t from = (int64_t)s->tree.size + 1;
	return to < from ? 0 : cn_store_scan_range(s->st, from, to, s->prev,
						   vstream_one, s, err);
}

int cn_vstream_root(void *ctx, uint64_t size, uint8_t root[CN_MERKLE_HASH_LEN],
		    uint64_t *have)
{
	struct cn_vstream *s = ctx;

	*have = s->tree.size;
	/* The stream is read up to each checkpoint's size before it is
	 * checked, and checkpoints come in size order: a smaller size is
	 * one the checker has already refused. */
	if (size != s->tree.size)
		return size > s->tree.size ? CN_ENOTFOUND : CN_ECORRUPT;
	cn_merkle_frontier_root(&s->tree, root);
	return 0;
}

int cn_vstream_checkpoint(void *ctx, const struct cn_checkpoint_row *cp,
			  struct cn_err *err)
{
	struct cn_vstream *s = ctx;
	/* Read on to the size the row says; the checker then holds the row
	 * to its note (a row whose size was changed fails there). */
	int rc = cn_vstream_to(s, cp->size <= INT64_MAX ? (int64_t)cp->size
			       : INT64_MAX, err);
	return rc ? rc : cn_cp_check_next(&s->cps, cp->note, cp, err);
}
