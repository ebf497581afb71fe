/*
 * projcheck.c - the projection tables against a replay; see projcheck.h.
 */
#include "projcheck.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../core/sha256.h"
#include "projection.h"

/* ---- the slow way, to name the row that differs --------------------------- */

/* A row whose text values live in its own buffer. */
struct owned_row {
	struct cn_row row;
	char *buf;
};

struct row_set {
	struct owned_row *v;
	size_t n, cap;
};

static void row_set_release(struct row_set *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free(rs->v[i].buf);
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}

static int row_copy(void *ctx, const struct cn_row *row, struct cn_err *err)
{
	struct row_set *rs = ctx;
	const unsigned ncols = cn_tables[row->table].ncols;
	struct owned_row *o;
	size_t total = 1, at = 0;

	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? 2 * rs->cap : 64;
		struct owned_row *v = realloc(rs->v, cap * sizeof(*v));
		if (!v)
			return cn_err_set(err, CN_ENOMEM, "out of memory");
		rs->v = v;
		rs->cap = cap;
	}
	for (unsigned i = 0; i < ncols; i++)
		total += row->v[i].s ? row->v[i].len + 1 : 0;
	o = &rs->v[rs->n];
	o->row = *row;
	if (!(o->buf = malloc(total)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	for (unsigned i = 0; i < ncols; i++) {
		if (!row->v[i].s)
			continue;
		memcpy(o->buf + at, row->v[i].s, row->v[i].len);
		o->buf[at + row->v[i].len] = '\0';
		o->row.v[i].s = o->buf + at;
		at += row->v[i].len + 1;
	}
	rs->n++;
	return 0;
}

static int value_cmp(const struct cn_value *a, const struct cn_value *b)
{
	size_t n;
	int d;

	/* Types first, as SQL orders them: NULL, integers, text. */
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->type == CN_VAL_NULL)
		return 0;
	if (a->type == CN_VAL_INT)
		return a->i < b->i ? -1 : a->i > b->i;
	n = a->len < b->len ? a->len : b->len;
	if ((d = memcmp(a->s, b->s, n)))
		return d < 0 ? -1 : 1;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* Compare columns [0, n) of two rows of the same table. */
static int cols_cmp(const struct cn_row *a, const struct cn_row *b, unsigned n)
{
	int d = 0;
	for (unsigned i = 0; d == 0 && i < n; i++)
		d = value_cmp(&a->v[i], &b->v[i]);
	return d;
}

static int key_order(const void *x, const void *y)
{
	const struct cn_row *a = &((const struct owned_row *)x)->row;
	return cols_cmp(a, &((const struct owned_row *)y)->row,
			cn_tables[a->table].nkey);
}

/* The stored rows, met in key order, against the replay's sorted rows. */
struct merge {
	const struct row_set *replay;
	size_t next;
	char stored_bad[64];   /* first stored row not in the replay */
	char replay_bad[64];   /* first replay row not in the store */
};

/* A row by its whole key ("FR"; "12, FR" for a position), cut to fit. */
static void row_name(const struct cn_row *row, char out[64])
{
	size_t at = 0;

	out[0] = '\0';
	for (unsigned k = 0; k < cn_tables[row->table].nkey && at < 63; k++) {
		const struct cn_value *v = &row->v[k];
		const char *sep = k ? ", " : "";
		if (v->type == CN_VAL_INT)
			snprintf(out + at, 64 - at, "%s%lld", sep, (long long)v->i);
		else
			snprintf(out + at, 64 - at, "%s%.*s", sep,
				 v->s ? (int)(v->len < 60 ? v->len : 60) : 0,
				 v->s ? v->s : "");
		at = strlen(out);
	}
}

static void first(char *slot, const struct cn_row *row)
{
	if (!slot[0])
		row_name(row, slot);
	if (!slot[0])
		strcpy(slot, "(null)");
}

static int merge_stored(void *ctx, const struct cn_row *row, struct cn_err *err)
{
	struct merge *m = ctx;
	const unsigned nkey = cn_tables[row->table].nkey;
	int d = 1;

	(void)err;
	while (m->next < m->replay->n &&
	       (d = cols_cmp(&m->replay->v[m->next].row, row, nkey)) < 0)
		first(m->replay_bad, &m->replay->v[m->next++].row);
	if (m->next < m->replay->n && d == 0) {
		if (cols_cmp(&m->replay->v[m->next].row, row,
			     cn_tables[row->table].ncols))
			first(m->stored_bad, row);
		m->next++;
	} else
		first(m->stored_bad, row);
	return 0;
}

static int compare_named(struct cn_store *st, const struct cn_world *w,
			 enum cn_table t, struct cn_err *err)
{
	struct row_set replay = {0};
	struct merge m = {.replay = &replay};
	int rc;

	if ((rc = cn_projection_rows(w, t, row_copy, &replay, err)) == 0) {
		if (replay.n)
			qsort(replay.v, replay.n, sizeof(*replay.v), key_order);
		rc = cn_store_rows(st, t, CN_ORDER_KEY, merge_stored, &m, err);
	}
	while (rc == 0 && m.next < replay.n)
		first(m.replay_bad, &replay.v[m.next++].row);
	row_set_release(&replay);
	if (rc == 0 && m.stored_bad[0])
		rc = cn_err_set(err, CN_ECORRUPT, "projection %s: row '%s' differs "
				"from (or is absent in) the replay of the log",
				cn_tables[t].name, m.stored_bad);
	else if (rc == 0 && m.replay_bad[0])
		rc = cn_err_set(err, CN_ECORRUPT, "projection %s: row '%s' is "
				"missing or differs in the store",
				cn_tables[t].name, m.replay_bad);
	return rc;
}

/* ---- the collected way: one digest a row ------------------------------------ */

#define DIGEST_LEN 32
_Static_assert(DIGEST_LEN == CN_PROJCHECK_DIGEST, "one digest length");

/* A row's bytes as both ways of comparing read them, in pieces to put():
 * each column's type, then its integer or its length, and a text's bytes,
 * so that no two different rows of a table read the same. */
static void row_bytes(const struct cn_row *row,
		      void (*put)(void *, const void *, size_t), void *ctx)
{
	const unsigned ncols = cn_tables[row->table].ncols;

	for (unsigned i = 0; i < ncols; i++) {
		const struct cn_value *v = &row->v[i];
		uint64_t n = v->type == CN_VAL_INT ? (uint64_t)v->i
			   : v->type == CN_VAL_NULL ? 0 : (uint64_t)v->len;
		uint8_t head[9];

		head[0] = (uint8_t)v->type;
		for (int b = 0; b < 8; b++)
			head[1 + b] = (uint8_t)(n >> (56 - 8 * b));
		put(ctx, head, sizeof(head));
		if (v->type == CN_VAL_TEXT || v->type == CN_VAL_OTHER)
			put(ctx, v->s, v->len);
	}
}

static void blake2b_put(void *h, const void *data, size_t len)
{
	crypto_generichash_update(h, data, len);
}

/* A row's digest (the collected way: the registry tables, and a table
 * whose replay came out of key order). */
static void row_digest(const struct cn_row *row, uint8_t out[DIGEST_LEN])
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, NULL, 0, DIGEST_LEN);
	row_bytes(row, blake2b_put, &h);
	crypto_generichash_final(&h, out, DIGEST_LEN);
}

struct digest_set {
	uint8_t (*d)[DIGEST_LEN];
	unsigned char *used; /* a bit a digest, once sorted */
	size_t n, cap, matched;
	int differs;
};

static int digest_keep(void *ctx, const struct cn_row *row, struct cn_err *err)
{
	struct digest_set *s = ctx;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		void *d = realloc(s->d, cap * DIGEST_LEN);
		if (!d)
			return cn_err_set(err, CN_ENOMEM, "out of memory");
		s->d = d;
		s->cap = cap;
	}
	row_digest(row, s->d[s->n++]);
	return 0;
}

static int digest_order(const void *a, const void *b)
{
	return memcmp(a, b, DIGEST_LEN);
}

/* A stored row: its digest must be one of the replay's not yet met. */
static int digest_meet(void *ctx, const struct cn_row *row, struct cn_err *err)
{
	struct digest_set *s = ctx;
	uint8_t d[DIGEST_LEN];
	size_t lo = 0, hi = s->n;

	(void)err;
	if (s->differs)
		return 0;
	row_digest(row, d);
	while (lo < hi) { /* the first digest not below d */
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(s->d[mid], d, DIGEST_LEN) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < s->n && !memcmp(s->d[lo], d, DIGEST_LEN); lo++)
		if (!(s->used[lo / 8] & (1u << (lo % 8)))) {
			s->used[lo / 8] |= (unsigned char)(1u << (lo % 8));
			s->matched++;
			return 0;
		}
	s->differs = 1;
	return 0;
}

/* 0 with *same set when the stored table holds exactly the replay's rows. */
static int compare_digests(struct cn_store *st, const struct cn_world *w,
			   enum cn_table t, int *same, struct cn_err *err)
{
	struct digest_set s = {0};
	int rc;

	*same = 0;
	if ((rc = cn_projection_rows(w, t, digest_keep, &s, err)) == 0) {
		if (s.n)
			qsort(s.d, s.n, DIGEST_LEN, digest_order);
		if (!(s.used = calloc(s.n / 8 + 1, 1)))
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	if (rc == 0)
		rc = cn_store_rows(st, t, CN_ORDER_KEY, digest_meet, &s, err);
	*same = rc == 0 && !s.differs && s.matched == s.n;
	free(s.used);
	free(s.d);
	return rc;
}

/* ---- the fastest way: one digest a table, streamed ------------------------ *
 * The store gives a table's rows in key order (text keys bytewise, on
 * both backends).  The replay gives proposals by id and each proposal's
 * positions by member code (cn_projection_proposal_rows), which is the
 * same order; the registry tables, which the world keeps in its own
 * order, are few rows, gathered and sorted first (replay_registry).  So
 * each side hashes its rows one after the other, each column's type, then
 * its integer or its length and bytes (a table's rows have the same
 * columns, so no two different sequences of rows read the same), and
 * checks that each row's key is above the one before: a side whose rows
 * do not come in key order (two replay rows of one key) has no digest,
 * and its table is compared the collected way above.  One SHA-256 a
 * table, nothing held but the last key: a digest a row was a seventh of
 * verify's CPU, in BLAKE2b's finalisations and the sorts of runs. */
struct stream {
	struct cn_sha256 h;
	struct cn_row key;     /* the last row's key columns */
	char *keybuf;          /* their text */
	size_t keycap;
	uint8_t acc[512];      /* pieces gathered, hashed when full */
	size_t used;
	int have, disordered, failed;
};

static void stream_init(struct stream *r)
{
	memset(r, 0, sizeof(*r));
	cn_sha256_init(&r->h);
}

static void stream_put(void *ctx, const void *data, size_t len)
{
	struct stream *r = ctx;

	if (r->used + len > sizeof(r->acc)) {
		cn_sha256_update(&r->h, r->acc, r->used);
		r->used = 0;
	}
	if (len > sizeof(r->acc)) {
		cn_sha256_update(&r->h, data, len);
		return;
	}
	memcpy(r->acc + r->used, data, len);
	r->used += len;
}

/* The row's key kept as the last one met (its text copied). */
static int keep_key(struct stream *r, const struct cn_row *row)
{
	const unsigned nkey = cn_tables[row->table].nkey;
	size_t total = 0, at = 0;

	for (unsigned i = 0; i < nkey; i++)
		total += row->v[i].s ? row->v[i].len : 0;
	if (total > r->keycap) {
		char *b = realloc(r->keybuf, total);
		if (!b)
			return -1;
		r->keybuf = b;
		r->keycap = total;
	}
	r->key = *row;
	for (unsigned i = 0; i < nkey; i++) {
		if (!row->v[i].s)
			continue;
		memcpy(r->keybuf + at, row->v[i].s, row->v[i].len);
		r->key.v[i].s = r->keybuf + at;
		at += row->v[i].len;
	}
	return 0;
}

static int stream_row(void *ctx, const struct cn_row *row, struct cn_err *err)
{
	struct stream *r = ctx;

	if (r->disordered)
		return 0;
	if (r->have && cols_cmp(&r->key, row, cn_tables[row->table].nkey) >= 0) {
		r->disordered = 1;
		return 0;
	}
	if (keep_key(r, row))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	r->have = 1;
	row_bytes(row, stream_put, r);
	return 0;
}

/* A table's (or a chunk's) digest from one side; ordered 0 when its rows
 * came out of key order (then d says nothing). */
static void side_digest(struct stream *r, struct cn_projcheck_part *out)
{
	cn_sha256_update(&r->h, r->acc, r->used);
	r->used = 0;
	cn_sha256_final(&r->h, out->d);
	out->ordered = !r->disordered;
	free(r->keybuf);
	r->keybuf = NULL;
	r->keycap = 0;
}

static int chunked(unsigned t)
{
	return t == CN_TAB_PROPOSALS || t == CN_TAB_POSITIONS;
}

/* One chunk's proposals and positions from the world, each proposal
 * brought back once for both. */
static int replay_chunk(struct cn_projcheck *pc, size_t c, struct cn_err *err)
{
	struct stream p, q;
	int rc;

	stream_init(&p);
	stream_init(&q);
	rc = cn_projection_proposal_rows(pc->w, c * CN_PROJCHECK_CHUNK,
					 (c + 1) * CN_PROJCHECK_CHUNK, stream_row,
					 &p, stream_row, &q, err);
	side_digest(&p, &pc->replay_chunk[c][0]);
	side_digest(&q, &pc->replay_chunk[c][1]);
	return rc;
}

/* Chunks until none is left; a fault stops both threads' taking, and
 * *at is the chunk it came at. */
static int replay_chunks(struct cn_projcheck *pc, int64_t *at,
			 struct cn_err *err)
{
	size_t c;
	int rc = 0;

	while (rc == 0 && (c = atomic_fetch_add(&pc->next, 1)) < pc->nchunks)
		if ((rc = replay_chunk(pc, c, err))) {
			atomic_store(&pc->next, pc->nchunks);
			*at = (int64_t)c;
		}
	return rc;
}

/* A registry table of the replay, whose rows come in the world's order:
 * gathered and sorted by key, then streamed as the store gives them.
 * These tables are small (the members, partners, bodies, offices), and
 * comparing them the collected way read each a second time from the
 * store, after the other thread was done: a millisecond of a small
 * store's verify. */
static int replay_registry(struct cn_projcheck *pc, enum cn_table t)
{
	struct row_set rs = {0};
	struct stream r;
	int rc = cn_projection_rows(pc->w, t, row_copy, &rs, &pc->worker_err);

	if (rc == 0 && rs.n)
		qsort(rs.v, rs.n, sizeof(*rs.v), key_order);
	stream_init(&r);
	for (size_t i = 0; rc == 0 && i < rs.n; i++)
		rc = stream_row(&r, &rs.v[i].row, &pc->worker_err);
	side_digest(&r, &pc->replay[t]);
	row_set_release(&rs);
	return rc;
}

/* The worker: the registry tables whole, then chunks. */
static void *replay_side(void *arg)
{
	struct cn_projcheck *pc = arg;

	for (unsigned t = 0; t < CN_TAB_COUNT && !pc->worker_rc; t++)
		if (!chunked(t))
			pc->worker_rc = replay_registry(pc, (enum cn_table)t);
	if (!pc->worker_rc)
		pc->worker_rc = replay_chunks(pc, &pc->worker_at,
					      &pc->worker_err);
	else /* a registry table's fault: before any chunk's */
		atomic_store(&pc->next, pc->nchunks);
	return NULL;
}

/* A stored proposals or positions table read in key order: each row to
 * its proposal's chunk, a chunk's digest taken when the next begins. */
struct stored_chunks {
	struct cn_projcheck *pc;
	int k;        /* 0: proposals, 1: positions */
	size_t cur;   /* the chunk being read */
	int have;
	struct stream r;
};

static void stored_close(struct stored_chunks *s)
{
	if (s->have)
		side_digest(&s->r, &s->pc->stored_chunk[s->cur][s->k]);
	s->have = 0;
}

static int stored_row(void *ctx, const struct cn_row *row, struct cn_err *err)
{
	struct stored_chunks *s = ctx;
	const struct cn_value *id = &row->v[0];
	size_t c;

	/* Keyed by no proposal of the world: a row the replay has not. */
	if (id->type != CN_VAL_INT || id->i < 1 ||
	    (uint64_t)id->i > s->pc->w->nproposals) {
		s->pc->stored_stray[s->k] = 1;
		return 0;
	}
	c = (size_t)(id->i - 1) / CN_PROJCHECK_CHUNK;
	if (!s->have || c != s->cur) {
		/* back to a chunk already read: not in key order */
		if (s->have && c < s->cur)
			s->pc->stored_stray[s->k] = 1;
		stored_close(s);
		stream_init(&s->r);
		s->cur = c;
		s->have = 1;
	}
	return stream_row(&s->r, row, err);
}

static int stored_side(struct cn_projcheck *pc, unsigned t, struct cn_err *err)
{
	struct stored_chunks s = {.pc = pc, .k = t == CN_TAB_POSITIONS};
	struct stream r;
	int rc;

	if (!chunked(t)) {
		stream_init(&r);
		rc = cn_store_rows(pc->st, (enum cn_table)t, CN_ORDER_KEY,
				   stream_row, &r, err);
		/* A stored table out of key order is not the store's
		 * contract: it differs, and the slow way names a row. */
		side_digest(&r, &pc->stored[t]);
		return rc;
	}
	rc = cn_store_rows(pc->st, (enum cn_table)t, CN_ORDER_KEY, stored_row,
			   &s, err);
	stored_close(&s);
	return rc;
}

void cn_projcheck_start(struct cn_projcheck *pc, struct cn_store *st,
			const struct cn_world *w)
{
	struct cn_projcheck_part empty;
	struct stream r;

	memset(pc, 0, sizeof(*pc));
	pc->st = st;
	pc->w = w;
	pc->worker_at = pc->main_at = -1;
	pc->nchunks = (w->nproposals + CN_PROJCHECK_CHUNK - 1) /
		      CN_PROJCHECK_CHUNK;
	atomic_init(&pc->next, 0);
	if (pc->nchunks &&
	    (!(pc->replay_chunk = calloc(pc->nchunks, sizeof(*pc->replay_chunk))) ||
	     !(pc->stored_chunk = calloc(pc->nchunks, sizeof(*pc->stored_chunk))))) {
		pc->stored_rc = cn_err_set(&pc->stored_err, CN_ENOMEM,
					   "out of memory");
		pc->nchunks = 0; /* nothing for finish to render */
		return;
	}
	/* A chunk the store holds no row of has the digest of no rows. */
	stream_init(&r);
	side_digest(&r, &empty);
	for (size_t c = 0; c < pc->nchunks; c++)
		pc->stored_chunk[c][0] = pc->stored_chunk[c][1] = empty;
	pc->threaded = pthread_create(&pc->thread, NULL, replay_side, pc) == 0;
	if (!pc->threaded)
		replay_side(pc);
	for (unsigned t = 0; t < CN_TAB_COUNT && !pc->stored_rc; t++)
		pc->stored_rc = stored_side(pc, t, &pc->stored_err);
}

/* Whether the two sides of table t agree; 0 with *ordered 0 when the
 * replay's rows came out of key order (its digest says nothing). */
static int same_table(const struct cn_projcheck *pc, unsigned t, int *ordered)
{
	int same = 1;

	*ordered = 1;
	if (!chunked(t)) {
		*ordered = pc->replay[t].ordered;
		return pc->stored[t].ordered &&
		       !memcmp(pc->replay[t].d, pc->stored[t].d, DIGEST_LEN);
	}
	const int k = t == CN_TAB_POSITIONS;
	for (size_t c = 0; c < pc->nchunks; c++) {
		const struct cn_projcheck_part *a = &pc->replay_chunk[c][k];
		const struct cn_projcheck_part *b = &pc->stored_chunk[c][k];
		*ordered = *ordered && a->ordered;
		same = same && b->ordered && !memcmp(a->d, b->d, DIGEST_LEN);
	}
	return same && !pc->stored_stray[k];
}

int cn_projcheck_finish(struct cn_projcheck *pc, struct cn_err *err)
{
	int rc = 0, same, ordered;

	pc->main_rc = replay_chunks(pc, &pc->main_at, &pc->main_err);
	if (pc->threaded)
		pthread_join(pc->thread, NULL);
	pc->threaded = 0;
	/* The replay's fault at the lowest chunk (a registry table's, -1,
	 * first), whichever thread met it, as one thread would have. */
	if (pc->worker_rc && (!pc->main_rc || pc->worker_at <= pc->main_at)) {
		*err = pc->worker_err;
		rc = pc->worker_rc;
	} else if (pc->main_rc) {
		*err = pc->main_err;
		rc = pc->main_rc;
	} else if (pc->stored_rc) {
		*err = pc->stored_err;
		rc = pc->stored_rc;
	}
	for (unsigned t = 0; rc == 0 && t < CN_TAB_COUNT; t++) {
		same = same_table(pc, t, &ordered);
		/* The replay's rows out of key order: compared the
		 * collected way. */
		if (!ordered)
			rc = compare_digests(pc->st, pc->w, (enum cn_table)t,
					     &same, err);
		if (rc == 0 && !same &&
		    (rc = compare_named(pc->st, pc->w, (enum cn_table)t,
					err)) == 0)
			/* Digests of two different rows met: not seen. */
			rc = cn_err_set(err, CN_ECORRUPT, "projection %s: its "
					"rows' digests differ from the replay's "
					"but no row does", cn_tables[t].name);
	}
	free(pc->replay_chunk);
	free(pc->stored_chunk);
	pc->replay_chunk = pc->stored_chunk = NULL;
	return rc;
}

int cn_projcheck_all(struct cn_store *st, const struct cn_world *w,
		     struct cn_err *err)
{
	struct cn_projcheck pc;

	cn_projcheck_start(&pc, st, w);
	return cn_projcheck_finish(&pc, err);
}
