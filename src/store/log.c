/*
 * log.c - the log above the store's backends (store.h): appending an
 * event with the Merkle nodes it completes, reading events back with the
 * hash chain and every event's salted hash checked, proofs from the
 * stored nodes, and signing checkpoints.  Written once here so that every backend checks and
 * computes the same way; backends only keep bytes, hashes and rows.
 *
 * A writer reads as little as it can (internal.h): the log's size once
 * per transaction, and no Merkle node it stored or read before, since
 * nodes never change.  The frontier it keeps is the one every append
 * needs (the left siblings) and every checkpoint (the subtree roots);
 * scans that continue it move it, so a server that folds what another
 * server committed knows that server's tree without reading it.
 */
#include "internal.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- the Merkle tree from the stored nodes --------------------------------- */

/* Node (level, index) when frontier f holds it: the root of the perfect
 * subtree of bit `level` of its size. */
static int frontier_has(const struct cn_merkle_frontier *f, unsigned level,
			uint64_t index, uint8_t out[CN_MERKLE_HASH_LEN])
{
	if (level >= CN_MERKLE_LEVELS || !(f->size >> level & 1) ||
	    index != (f->size >> level) - 1)
		return 0;
	memcpy(out, f->node[level].b, CN_MERKLE_HASH_LEN);
	return 1;
}

/* A node this store wrote or knows, without asking the backend. */
static int known_node(const struct cn_store *st, unsigned level,
		      uint64_t index, uint8_t out[CN_MERKLE_HASH_LEN])
{
	for (size_t i = st->nnodes; i-- > 0;)
		if (st->nodes[i].level == level && st->nodes[i].index == index) {
			memcpy(out, st->nodes[i].hash, CN_MERKLE_HASH_LEN);
			return 1;
		}
	return (st->front_ok && frontier_has(&st->front, level, index, out)) ||
	       (st->base_set && frontier_has(&st->front_base, level, index, out));
}

/* The cn_merkle_get_fn over the backend; a failure's message is kept in
 * st->node_err, since the callback has no err of its own. */
static int node_get(void *ctx, unsigned level, uint64_t index,
		    uint8_t out[CN_MERKLE_HASH_LEN])
{
	struct cn_store *st = ctx;
	int rc;

	if (known_node(st, level, index, out))
		return 0;
	rc = st->ops->node_get(st->b, level, index, out, &st->node_err);
	/* A node the tree needs and the store lacks is a damaged store. */
	if (rc == CN_ENOTFOUND)
		st->node_err.code = rc = CN_ECORRUPT;
	return rc;
}

static void forget_recent(struct cn_store *st)
{
	for (size_t i = 0; i < st->nrecent; i++)
		free(st->recent[i].bytes);
	st->nrecent = 0;
}

static void forget_checkpoint(struct cn_store *st)
{
	free(st->cp_note);
	st->cp_note = NULL;
	st->cp_state = 0;
}

void cn_store_log_begin(struct cn_store *st)
{
	st->writing = 1;
	st->wsize = -1;
	st->base_set = 0;
	st->nnodes = 0;
	forget_recent(st);
	forget_checkpoint(st);
}

void cn_store_log_release(struct cn_store *st)
{
	forget_recent(st);
	forget_checkpoint(st);
	free(st->own_note);
	st->own_note = NULL;
	free(st->vkey);
	st->vkey = NULL;
}

void cn_store_log_end(struct cn_store *st, int committed)
{
	if (!st->writing)
		return;
	st->writing = 0;
	st->wsize = -1;
	if (committed) {
		if (st->cp_state == 1) {
			st->cp_state = 2;
			free(st->own_note); /* a copy, or none: only a saving */
			st->own_note = strdup(st->cp_note);
		}
		return;
	}
	forget_recent(st);
	forget_checkpoint(st);
	/* What the transaction appended is gone: its nodes, and the
	 * frontier it moved (a failed commit may or may not have kept it:
	 * read again). */
	st->nnodes = 0;
	if (st->base_set)
		st->front = st->front_base;
	st->base_set = 0;
}

/* The store, ready for a Merkle computation over its nodes. */
static struct cn_store *tree(struct cn_store *st)
{
	st->node_err.code = 0;
	return st;
}

/* A Merkle computation's result: a failed lookup is reported with its own
 * message rather than the computation's. */
static int tree_result(struct cn_store *st, int rc, struct cn_err *err)
{
	if (rc && st->node_err.code == rc)
		return cn_err_set(err, rc, "%s", st->node_err.msg);
	return rc;
}

int cn_store_root_at(struct cn_store *st, uint64_t size, uint8_t root[32],
		     struct cn_err *err)
{
	return tree_result(st, cn_merkle_root(node_get, tree(st), size, root,
					      err), err);
}

int cn_store_inclusion(struct cn_store *st, uint64_t index, uint64_t size,
		       struct cn_merkle_proof *proof, struct cn_err *err)
{
	return tree_result(st, cn_merkle_inclusion_proof(node_get, tree(st),
							 index, size, proof,
							 err), err);
}

int cn_store_consistency(struct cn_store *st, uint64_t size1, uint64_t size2,
			 struct cn_merkle_proof *proof, struct cn_err *err)
{
	return tree_result(st, cn_merkle_consistency_proof(node_get, tree(st),
							   size1, size2, proof,
							   err), err);
}

/* The frontier at the log's size before event seq, from memory when it
 * is there, else read (one node per one bit of the size). */
static int front_at(struct cn_store *st, uint64_t size, struct cn_err *err)
{
	int rc;

	if (st->front_ok && st->front.size == size)
		return 0;
	st->front_ok = 0;
	rc = cn_merkle_frontier_load(&st->front, node_get, tree(st), size);
	if (rc)
		return cn_err_set(err, rc, "%s", st->node_err.msg);
	st->front_ok = 1;
	return 0;
}

static int tree_append(struct cn_store *st, const struct cn_event *ev,
		       struct cn_err *err)
{
	struct cn_merkle_node nodes[CN_MERKLE_LEVELS];
	size_t n = 0;
	int rc;

	/* The event's hash is its leaf hash (event.h); leaf i is event
	 * i + 1, so the tree's size before it is seq - 1. */
	if ((rc = front_at(st, (uint64_t)ev->seq - 1, err)))
		return rc;
	if (st->writing && !st->base_set) {
		st->front_base = st->front;
		st->base_set = 1;
	}
	if ((rc = cn_merkle_frontier_append(&st->front, ev->hash, nodes, &n,
					    err))) {
		st->front_ok = 0;
		return rc;
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = st->ops->node_put(st->b, &nodes[i], err);
		if (rc == 0 && st->writing && st->nnodes < CN_STORE_NODES)
			st->nodes[st->nnodes++] = nodes[i];
	}
	if (rc)
		st->front_ok = 0;
	return rc;
}

int cn_store_node(struct cn_store *st, unsigned level, uint64_t index,
		  uint8_t out[CN_MERKLE_HASH_LEN], struct cn_err *err)
{
	int rc = node_get(tree(st), level, index, out);
	return rc ? cn_err_set(err, rc, "%s", st->node_err.msg) : 0;
}

int cn_store_frontier(struct cn_store *st, uint64_t size,
		      struct cn_merkle_frontier *f, struct cn_err *err)
{
	int rc = cn_merkle_frontier_load(f, node_get, tree(st), size);
	return rc ? cn_err_set(err, rc, "%s", st->node_err.msg) : 0;
}

int cn_store_tree_size(struct cn_store *st, uint64_t *size, struct cn_err *err)
{
	int64_t n = 0;
	int rc;

	/* Inside the write lock nobody else appends: read once. */
	if (st->writing && st->wsize >= 0) {
		*size = (uint64_t)st->wsize;
		return 0;
	}
	if ((rc = st->ops->last_seq(st->b, &n, err)) == 0) {
		*size = (uint64_t)n;
		if (st->writing)
			st->wsize = n;
	}
	return rc;
}

int cn_store_nodes(struct cn_store *st, cn_node_fn fn, void *ctx,
		   struct cn_err *err)
{
	return st->ops->nodes(st->b, fn, ctx, err);
}

/* ---- the log ---------------------------------------------------------------- */

int cn_store_append(struct cn_store *st, const struct cn_event *ev,
		    struct cn_err *err)
{
	struct cn_raw_event raw = {
		.seq = ev->seq, .bytes = ev->bytes, .len = ev->len,
		.salt = ev->salt, .saltlen = CN_SALT_LEN,
		.hash = ev->hash, .hashlen = CN_HASH_LEN,
		.type = ev->type, .proposal = cn_event_proposal(ev),
	};
	int rc;

	assert(ev->bytes && ev->seq >= 1);
	if ((rc = st->ops->append(st->b, &raw, err)))
		return rc;
	if (st->writing && st->wsize >= 0)
		st->wsize = ev->seq;
	if (st->writing && st->nrecent < CN_STORE_RECENT &&
	    (st->recent[st->nrecent].bytes = malloc(ev->len ? ev->len : 1))) {
		memcpy(st->recent[st->nrecent].bytes, ev->bytes, ev->len);
		st->recent[st->nrecent].len = ev->len;
		st->recent[st->nrecent].seq = ev->seq;
		memcpy(st->recent[st->nrecent].salt, ev->salt, CN_SALT_LEN);
		st->nrecent++;
	}
	return tree_append(st, ev, err);
}

/* Decode an event as stored, with its salt (so ev->hash is its leaf
 * hash); a failure is the corruption of event seq. */
static int decode(const struct cn_raw_event *r, int64_t seq,
		  struct cn_event *ev, struct cn_err *err)
{
	struct cn_err why = {0};
	int rc;

	memset(ev, 0, sizeof(*ev));
	if (r->saltlen != CN_SALT_LEN)
		return cn_err_set(err, CN_ECORRUPT, "event %lld: its stored salt "
				  "is not %d bytes", (long long)seq, CN_SALT_LEN);
	if ((rc = cn_event_open(r->bytes, r->len, r->salt, ev, &why)) == 0)
		return 0;
	return rc == CN_ENOMEM ? cn_err_set(err, rc, "event %lld: %s",
					    (long long)seq, why.msg)
		: cn_err_set(err, CN_ECORRUPT, "event %lld: %s", (long long)seq,
			     why.msg);
}

/* Its bytes, hashed with its salt, must give the recorded hash. */
static int check_hash(const struct cn_raw_event *r, const struct cn_event *ev,
		      struct cn_err *err)
{
	if (r->hashlen != CN_HASH_LEN || memcmp(r->hash, ev->hash, CN_HASH_LEN))
		return cn_err_set(err, CN_ECORRUPT,
				  "event %lld: its bytes and salt do not match its "
				  "recorded hash (changed after it was written)",
				  (long long)r->seq);
	return 0;
}

/* The columns kept beside the bytes for lookups (a proposal's events are
 * selected by them) must say what the bytes say. */
static int check_lookups(const struct cn_raw_event *r, const struct cn_event *ev,
			 struct cn_err *err)
{
	const int64_t proposal = cn_event_proposal(ev);

	if (!r->type || strcmp(r->type, ev->type) ||
	    r->proposal != (proposal > 0 ? proposal : 0))
		return cn_err_set(err, CN_ECORRUPT,
				  "event %lld: its stored type or proposal is not "
				  "what its bytes say (changed after it was "
				  "written)", (long long)r->seq);
	return 0;
}

struct chain {
	struct cn_store *st;
	int64_t from, start, expect;
	int based; /* prev was given: event start links to it too */
	uint8_t prev[CN_HASH_LEN];
	cn_event_fn fn;
	cn_event_take_fn take; /* instead of fn: may keep the event */
	void *ctx;
};

/* One stored event: its place, bytes, recorded hash and link. */
static int chain_step(void *ctx, const struct cn_raw_event *r,
		      struct cn_err *err)
{
	struct chain *c = ctx;
	const int64_t seq = r->seq;
	struct cn_event ev;
	int rc = 0;

	if (seq != c->expect)
		return cn_err_set(err, CN_ECORRUPT,
				  "event %lld is missing from the log (next "
				  "stored is %lld)", (long long)c->expect,
				  (long long)seq);
	if ((rc = decode(r, seq, &ev, err)))
		return rc;
	if (ev.seq != seq)
		rc = cn_err_set(err, CN_ECORRUPT,
				"event %lld: its bytes say it is event %lld",
				(long long)seq, (long long)ev.seq);
	else if ((rc = check_hash(r, &ev, err)) == 0)
		rc = check_lookups(r, &ev, err);
	if (rc == 0 && (seq == 1 || seq != c->start || c->based) &&
	    memcmp(ev.prev, c->prev, CN_HASH_LEN))
		rc = seq == 1
			? cn_err_set(err, CN_ECORRUPT,
				     "event 1: prev hash is not zero")
			: cn_err_set(err, CN_ECORRUPT,
				     "event %lld: does not follow event %lld "
				     "(its prev hash differs: an event was "
				     "changed, removed or reordered)",
				     (long long)seq, (long long)seq - 1);
	memcpy(c->prev, ev.hash, CN_HASH_LEN);
	/* A checked event that continues the frontier the writer keeps
	 * moves it: the next append needs no node read. */
	if (rc == 0 && c->st->front_ok && c->st->front.size == (uint64_t)seq - 1 &&
	    cn_merkle_frontier_append(&c->st->front, ev.hash, NULL, NULL, NULL))
		c->st->front_ok = 0;
	if (rc == 0 && seq >= c->from && c->take)
		rc = c->take(c->ctx, &ev, err);
	else if (rc == 0 && seq >= c->from && c->fn)
		rc = c->fn(c->ctx, &ev, err);
	cn_event_release(&ev);
	c->expect++;
	return rc;
}

int cn_store_scan(struct cn_store *st, int64_t from, cn_event_fn fn,
		  void *ctx, struct cn_err *err)
{
	struct chain c = {.st = st, .from = from, .fn = fn, .ctx = ctx};

	/* From event from - 1, so event `from` is checked against it. */
	c.start = c.expect = from > 1 ? from - 1 : 1;
	return st->ops->events(st->b, c.start, INT64_MAX, chain_step, &c, err);
}

/* A range from a hash the caller checked, to fn or to take. */
static int scan_range(struct chain *c, int64_t to,
		      const uint8_t prev[CN_HASH_LEN], struct cn_err *err)
{
	assert(c->from >= 1 && to >= c->from);
	c->start = c->expect = c->from;
	c->based = 1;
	memcpy(c->prev, prev, CN_HASH_LEN);
	return c->st->ops->events(c->st->b, c->from, to, chain_step, c, err);
}

int cn_store_scan_range(struct cn_store *st, int64_t from, int64_t to,
			const uint8_t prev[CN_HASH_LEN], cn_event_fn fn,
			void *ctx, struct cn_err *err)
{
	struct chain c = {.st = st, .from = from, .fn = fn, .ctx = ctx};

	return scan_range(&c, to, prev, err);
}

int cn_store_scan_range_take(struct cn_store *st, int64_t from, int64_t to,
			     const uint8_t prev[CN_HASH_LEN],
			     cn_event_take_fn take, void *ctx,
			     struct cn_err *err)
{
	struct chain c = {.st = st, .from = from, .take = take, .ctx = ctx};

	return scan_range(&c, to, prev, err);
}

struct display {
	cn_event_fn fn;
	void *ctx;
};

static int display_step(void *ctx, const struct cn_raw_event *r,
			struct cn_err *err)
{
	struct display *d = ctx;
	struct cn_event ev;
	int rc = decode(r, r->seq, &ev, err);

	if (rc == 0) {
		rc = d->fn(d->ctx, &ev, err);
		cn_event_release(&ev);
	}
	return rc;
}

int cn_store_proposal_events(struct cn_store *st, int64_t proposal,
			     cn_event_fn fn, void *ctx, struct cn_err *err)
{
	struct display d = {fn, ctx};
	return st->ops->proposal_events(st->b, proposal, display_step, &d, err);
}

struct one_event {
	struct cn_event *ev;
	int found;
};

static int one_event(void *ctx, const struct cn_raw_event *r,
		     struct cn_err *err)
{
	struct one_event *o = ctx;
	int rc = decode(r, r->seq, o->ev, err);

	if (rc == 0 && (rc = check_hash(r, o->ev, err)))
		cn_event_release(o->ev);
	o->found = rc == 0;
	return rc;
}

int cn_store_event(struct cn_store *st, int64_t seq, struct cn_event *ev,
		   struct cn_err *err)
{
	struct one_event o = {ev, 0};
	int rc;

	/* One this store appended, as it stored it. */
	for (size_t i = 0; i < st->nrecent; i++)
		if (st->recent[i].seq == seq) {
			struct cn_raw_event r = {
				.seq = seq, .bytes = st->recent[i].bytes,
				.len = st->recent[i].len,
				.salt = st->recent[i].salt,
				.saltlen = CN_SALT_LEN,
			};
			return decode(&r, seq, ev, err);
		}
	memset(ev, 0, sizeof(*ev));
	rc = st->ops->event(st->b, seq, one_event, &o, err);
	if (rc && o.found)
		cn_event_release(ev);
	return rc;
}

/* ---- checkpoints ---------------------------------------------------------- */

int cn_store_set_signer(struct cn_store *st, const char *name,
			const uint8_t sk[CN_NOTE_SECKEY_LEN], struct cn_err *err)
{
	char *copy = strdup(name);
	if (!copy)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	free(st->signer_name);
	st->signer_name = copy;
	memcpy(st->signer_sk, sk, CN_NOTE_SECKEY_LEN);
	return 0;
}

struct latest {
	char **note;
	uint64_t *size;
	uint8_t *root;
};

static int take_latest(void *ctx, const struct cn_checkpoint_row *cp,
		       struct cn_err *err)
{
	struct latest *l = ctx;

	*l->size = cp->size;
	if (l->root) {
		if (cp->rootlen != CN_MERKLE_HASH_LEN)
			return cn_err_set(err, CN_ECORRUPT, "checkpoint at size "
					  "%llu: its stored root is malformed",
					  (unsigned long long)cp->size);
		memcpy(l->root, cp->root, CN_MERKLE_HASH_LEN);
	}
	if (l->note && !(*l->note = strdup(cp->note)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

int cn_store_checkpoint_until(struct cn_store *st, int64_t until, char **note,
			      uint64_t *size, uint8_t root[32],
			      struct cn_err *err)
{
	struct latest l = {note, size, root};
	return st->ops->checkpoint_latest(st->b, until, take_latest, &l, err);
}

int cn_store_checkpoint_latest(struct cn_store *st, char **note,
			       uint64_t *size, uint8_t root[32],
			       struct cn_err *err)
{
	return cn_store_checkpoint_until(st, INT64_MAX, note, size, root, err);
}

int cn_store_checkpoint_copy(struct cn_store *st,
			     const struct cn_checkpoint_row *cp,
			     struct cn_err *err)
{
	return st->ops->checkpoint_put(st->b, cp, err);
}

int cn_store_checkpoints(struct cn_store *st, cn_checkpoint_fn fn, void *ctx,
			 struct cn_err *err)
{
	/* Every row, whatever its size: one whose size was changed to 0 or
	 * below is for verify to name, not to pass over. */
	return st->ops->checkpoints(st->b, INT64_MIN, fn, ctx, err);
}

int cn_store_checkpoints_from(struct cn_store *st, uint64_t from,
			      cn_checkpoint_fn fn, void *ctx, struct cn_err *err)
{
	return st->ops->checkpoints(st->b, from > INT64_MAX ? INT64_MAX
				    : (int64_t)from, fn, ctx, err);
}

/* The stored note of size prev verifies under the store's own key. */
static int check_own(struct cn_store *st, uint64_t prev, const char *note,
		     struct cn_err *err)
{
	uint8_t pk[CN_NOTE_PUBKEY_LEN];
	struct cn_err why = {0};
	int rc;

	/* The secret key's second half is its public key (note.h). */
	memcpy(pk, st->signer_sk + CN_NOTE_SECKEY_LEN - CN_NOTE_PUBKEY_LEN,
	       CN_NOTE_PUBKEY_LEN);
	rc = cn_checkpoint_verify(note, strlen(note), st->signer_name, pk, NULL,
				  &why);
	if (rc == CN_ENOMEM)
		return cn_err_set(err, rc, "%s", why.msg);
	if (rc)
		return cn_err_set(err, CN_ECORRUPT, "refusing to sign: the "
				  "checkpoint signed last (size %llu) does not "
				  "verify under the log key: %s",
				  (unsigned long long)prev, why.msg);
	return 0;
}

/* The last signed checkpoint (prev_note, of size prev and root prev_root;
 * NULL for none) checked, then the tree of n leaves signed after it. */
static int sign_after(struct cn_store *st, uint64_t prev,
		      const uint8_t *prev_root, const char *prev_note,
		      uint64_t n, int64_t now, struct cn_err *err)
{
	uint8_t root[CN_MERKLE_HASH_LEN];
	char *note = NULL;
	int rc;

	/* Never sign a tree inconsistent with what was signed before: the
	 * stored tree must still give the old root at the old size.  Only a
	 * tree that was read and differs, or lacks a node, says so: a read
	 * that failed (SQLite out of memory, a lost connection) is that
	 * failure, with its own code. */
	if (prev_note) {
		struct cn_err why = {0};

		rc = cn_store_root_at(st, prev, root, &why);
		if (rc && rc != CN_ECORRUPT)
			return cn_err_set(err, rc, "reading the root signed at "
					  "size %llu: %s",
					  (unsigned long long)prev, why.msg);
		if (rc || memcmp(root, prev_root, CN_MERKLE_HASH_LEN))
			return cn_err_set(err, CN_ECORRUPT,
					  "refusing to sign: the tree no longer "
					  "gives the root signed at size %llu%s%s",
					  (unsigned long long)prev,
					  rc ? ": " : "", rc ? why.msg : "");
	}
	/* The new note vouches for the last one's bytes (its chain line,
	 * checkpoint.h), so those must be what the key signed: a note this
	 * store signed itself is, any other (another server's, a CLI
	 * command's) is checked. */
	if (prev_note && !(st->own_note && strcmp(prev_note, st->own_note) == 0) &&
	    (rc = check_own(st, prev, prev_note, err)))
		return rc;
	if ((rc = cn_store_root_at(st, n, root, err)) ||
	    (rc = cn_checkpoint_sign_after(st->signer_name, n, root, prev_note,
					   prev_note ? strlen(prev_note) : 0,
					   st->signer_name, st->signer_sk,
					   &note, err)))
		return rc;
	struct cn_checkpoint_row cp = {n, root, CN_MERKLE_HASH_LEN, note, now};
	if ((rc = st->ops->checkpoint_put(st->b, &cp, err)) || !st->writing) {
		free(note);
		return rc;
	}
	forget_checkpoint(st);
	st->cp_note = note;
	st->cp_size = n;
	st->cp_state = 1;
	return 0;
}

int cn_store_checkpoint_sign(struct cn_store *st, int64_t now,
			     struct cn_err *err)
{
	uint8_t prev_root[CN_MERKLE_HASH_LEN];
	uint64_t prev = 0, n = 0;
	char *prev_note = NULL;
	int rc;

	if (!st->signer_name)
		return 0;
	if ((rc = cn_store_tree_size(st, &n, err)) || n == 0)
		return rc;
	rc = cn_store_checkpoint_latest(st, &prev_note, &prev, prev_root, err);
	if (rc && rc != CN_ENOTFOUND)
		return rc;
	if (rc == 0 && prev == n) {
		free(prev_note);
		return 0; /* nothing new since the last checkpoint */
	}
	/* none yet (CN_ENOTFOUND): prev_note stays NULL */
	rc = sign_after(st, prev, prev_root, prev_note, n, now, err);
	free(prev_note);
	return rc;
}

int cn_store_checkpoint_signed(struct cn_store *st, char **note,
			       uint64_t *size, struct cn_err *err)
{
	if (st->cp_state != 2)
		return cn_err_set(err, CN_ENOTFOUND, "this store signed no "
				  "checkpoint in its last write");
	if (!(*note = strdup(st->cp_note)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	*size = st->cp_size;
	return 0;
}
