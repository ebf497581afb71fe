/*
 * snapparts.c - a snapshot stored in parts; see snapparts.h.
 */
#include "snapparts.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/event.h"
#include "../core/sha256.h"
#include "internal.h"

/* ---- cutting ------------------------------------------------------------- */

/* A gear table: 256 fixed pseudo-random words (splitmix64 of the byte),
 * the same on every machine, since where the cuts fall decides which
 * parts two snapshots share. */
static void gear_table(uint64_t g[256])
{
	for (uint64_t i = 0; i < 256; i++) {
		uint64_t z = (i + 1) * 0x9e3779b97f4a7c15ULL;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		g[i] = z ^ (z >> 31);
	}
}

/* The top 16 bits of the gear hash depend on the last 64 bytes alone
 * (each step shifts one bit out): zero once in 65,536 positions, so a
 * part is about CN_SNAPPART_MIN + 64 KiB long. */
#define CUT_MASK 0xffff000000000000ULL

/* Where the cuts fall, found as the bytes come, in pieces of any size:
 * the part being cut is len bytes long so far, and h is the gear hash of
 * its bytes (of the last 64, since the others are shifted out). */
struct cutter {
	uint64_t g[256];
	uint64_t h;
	size_t len;
};

static void cutter_init(struct cutter *c)
{
	gear_table(c->g);
	c->h = 0;
	c->len = 0;
}

/* How many of bytes[0..n) belong to the part being cut: all n, or fewer
 * when it ends after them (*cut then set, and the next part begins).
 * A cut falls after at least CN_SNAPPART_MIN bytes where the hash's top
 * bits are zero, else after CN_SNAPPART_MAX. */
static size_t cutter_next(struct cutter *c, const uint8_t *bytes, size_t n,
			  int *cut)
{
	size_t i = 0;

	*cut = 0;
	if (c->len < CN_SNAPPART_MIN) {
		/* Up to the first place a cut may fall, only the last 64
		 * bytes are hashed: the others would be shifted out. */
		size_t take = CN_SNAPPART_MIN - c->len, from = 0;

		if (take > n)
			take = n;
		if (c->len + 64 < CN_SNAPPART_MIN)
			from = CN_SNAPPART_MIN - 64 - c->len;
		for (i = from; i < take; i++)
			c->h = (c->h << 1) + c->g[bytes[i]];
		i = take;
		c->len += take;
		if (c->len < CN_SNAPPART_MIN)
			return i;
		*cut = !(c->h & CUT_MASK);
	}
	while (!*cut && i < n) {
		c->h = (c->h << 1) + c->g[bytes[i++]];
		*cut = ++c->len == CN_SNAPPART_MAX || !(c->h & CUT_MASK);
	}
	if (*cut) {
		c->h = 0;
		c->len = 0;
	}
	return i;
}

int cn_snapparts_cut(const uint8_t *bytes, size_t len, size_t **cuts,
		     size_t *n, struct cn_err *err)
{
	size_t cap = len / CN_SNAPPART_MIN + 1, k = 0, at = 0;
	struct cutter c;

	*n = 0;
	if (!(*cuts = malloc(cap * sizeof(**cuts))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	cutter_init(&c);
	while (at < len) {
		int cut;

		at += cutter_next(&c, bytes + at, len - at, &cut);
		if (cut || at == len) {
			assert(k < cap);
			(*cuts)[k++] = at;
		}
	}
	*n = k;
	return 0;
}

/* ---- lists of parts ------------------------------------------------------------ */

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
	       p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Whether bytes[0..len) are a list of parts (how many entries it holds
 * whole in *n), or a snapshot stored whole. */
static int is_list(const uint8_t *bytes, size_t len, size_t *n)
{
	if (len < CN_SNAPPARTS_MAGIC_LEN ||
	    memcmp(bytes, CN_SNAPPARTS_MAGIC, CN_SNAPPARTS_MAGIC_LEN))
		return 0;
	*n = (len - CN_SNAPPARTS_MAGIC_LEN) / CN_SNAPPART_ENTRY;
	return 1;
}

/* Entry i of a list: a part's SHA-256, then its length. */
static const uint8_t *entry(const uint8_t *list, size_t i)
{
	return list + CN_SNAPPARTS_MAGIC_LEN + i * CN_SNAPPART_ENTRY;
}

/* ---- a set of hashes ---------------------------------------------------- */

/* Hashes of CN_HASH_LEN bytes end to end in a cn_buf (core/buf.h). */
static size_t hashes_n(const struct cn_buf *s)
{
	return s->len / CN_HASH_LEN;
}

static const uint8_t *hash_at(const struct cn_buf *s, size_t i)
{
	return (const uint8_t *)s->s + i * CN_HASH_LEN;
}

static int hashes_add(void *ctx, const uint8_t *hash, size_t len,
		      struct cn_err *err)
{
	struct cn_buf *s = ctx;

	if (len != CN_HASH_LEN)
		return 0; /* not a part's name: it names nothing to keep */
	cn_buf_add(s, hash, CN_HASH_LEN);
	return s->oom ? cn_err_set(err, CN_ENOMEM, "out of memory") : 0;
}

static int hash_cmp(const void *a, const void *b)
{
	return memcmp(a, b, CN_HASH_LEN);
}

static void hashes_sort(struct cn_buf *s)
{
	if (hashes_n(s))
		qsort(s->s, hashes_n(s), CN_HASH_LEN, hash_cmp);
}

/* Whether hash is among the n sorted hashes at set. */
static int hashes_have(const void *set, size_t n, const uint8_t *hash)
{
	return n && bsearch(hash, set, n, CN_HASH_LEN, hash_cmp) != NULL;
}

/* ---- collecting parts no snapshot names --------------------------------- */

static int add_named(void *ctx, const struct cn_snapshot_row *s,
		     struct cn_err *err)
{
	size_t n = 0;
	int rc = 0;

	if (is_list(s->bytes, s->len, &n))
		for (size_t i = 0; rc == 0 && i < n; i++)
			rc = hashes_add(ctx, entry(s->bytes, i), CN_HASH_LEN, err);
	return rc;
}

/* Drop every stored part that no stored snapshot's list names.  stored:
 * the stored parts' hashes when the caller has them (a put adds its own
 * to those it read), else NULL to read them. */
static int collect(struct cn_store *st, const struct cn_buf *stored,
		   struct cn_err *err)
{
	struct cn_buf named = CN_BUF_INIT, read = CN_BUF_INIT;
	int rc = st->ops->snapshots(st->b, add_named, &named, err);

	if (rc == 0 && !stored) {
		rc = st->ops->part_hashes(st->b, hashes_add, &read, err);
		stored = &read;
	}
	hashes_sort(&named);
	for (size_t i = 0; rc == 0 && i < hashes_n(stored); i++)
		if (!hashes_have(named.s, hashes_n(&named), hash_at(stored, i)))
			rc = st->ops->part_drop(st->b, hash_at(stored, i), err);
	cn_buf_release(&named);
	cn_buf_release(&read);
	return rc;
}

/* ---- put and drop ------------------------------------------------------ */

/* ---- making a list of parts -------------------------------------------- */

struct cn_snapshot_maker {
	struct cutter c;
	struct cn_sha256 sha; /* of the part being cut */
	size_t plen;          /* its length so far */
	/* Keeping: the bytes of every part not among known (sorted), end
	 * to end in bytes, the part being cut last until it is known;
	 * at_hand one byte a part, 1 when its bytes were kept. */
	int keep;
	const uint8_t *known;
	size_t nknown;
	struct cn_buf list, bytes, at_hand;
	size_t part_at; /* where in bytes the part being cut begins */
	size_t total;
};

int cn_snapparts_maker(const uint8_t *known, size_t nknown, int keep,
		       struct cn_snapshot_maker **out, struct cn_err *err)
{
	struct cn_snapshot_maker *m = calloc(1, sizeof(*m));

	*out = NULL;
	if (!m)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	cutter_init(&m->c);
	cn_sha256_init(&m->sha);
	m->keep = keep;
	m->known = known;
	m->nknown = known ? nknown : 0;
	m->list = m->bytes = m->at_hand = (struct cn_buf)CN_BUF_INIT;
	cn_buf_add(&m->list, CN_SNAPPARTS_MAGIC, CN_SNAPPARTS_MAGIC_LEN);
	if (m->list.oom) {
		cn_snapparts_maker_free(m);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	*out = m;
	return 0;
}

/* The part being cut ends: its entry listed, its bytes kept or let go. */
static void part_end(struct cn_snapshot_maker *m)
{
	uint8_t e[CN_SNAPPART_ENTRY];
	uint8_t kept;

	assert(m->plen > 0 && m->plen <= CN_SNAPPART_MAX);
	cn_sha256_final(&m->sha, e);
	put_be32(e + CN_HASH_LEN, (uint32_t)m->plen);
	cn_buf_add(&m->list, e, sizeof(e));
	if (m->keep) {
		kept = !hashes_have(m->known, m->nknown, e);
		cn_buf_add(&m->at_hand, &kept, 1);
		if (!kept && !m->bytes.oom)
			m->bytes.len = m->part_at;
		m->part_at = m->bytes.len;
	}
	cn_sha256_init(&m->sha);
	m->plen = 0;
}

int cn_snapparts_maker_add(void *ctx, const uint8_t *bytes, size_t n)
{
	struct cn_snapshot_maker *m = ctx;

	while (n) {
		int cut;
		size_t k = cutter_next(&m->c, bytes, n, &cut);

		cn_sha256_update(&m->sha, bytes, k);
		if (m->keep)
			cn_buf_add(&m->bytes, bytes, k);
		m->plen += k;
		m->total += k;
		bytes += k;
		n -= k;
		if (cut)
			part_end(m);
	}
	return m->list.oom || m->bytes.oom || m->at_hand.oom ? CN_ENOMEM : 0;
}

int cn_snapparts_maker_end(struct cn_snapshot_maker *m,
			   struct cn_snapshot_parts *p, size_t *len,
			   struct cn_err *err)
{
	if (m->plen)
		part_end(m);
	if (m->list.oom || m->bytes.oom || m->at_hand.oom)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	p->list = (const uint8_t *)m->list.s;
	p->listlen = m->list.len;
	p->bytes = (const uint8_t *)m->bytes.s;
	p->at_hand = m->keep ? (const uint8_t *)m->at_hand.s : NULL;
	*len = m->total;
	return 0;
}

void cn_snapparts_maker_free(struct cn_snapshot_maker *m)
{
	if (!m)
		return;
	cn_buf_release(&m->list);
	cn_buf_release(&m->bytes);
	cn_buf_release(&m->at_hand);
	free(m);
}

int cn_snapparts_make(const uint8_t *bytes, size_t len, uint8_t **list,
		      size_t *listlen, struct cn_err *err)
{
	struct cn_snapshot_maker *m;
	struct cn_snapshot_parts p;
	size_t total;
	char *s;
	int rc;

	*list = NULL;
	*listlen = 0;
	if ((rc = cn_snapparts_maker(NULL, 0, 0, &m, err)))
		return rc;
	if ((rc = cn_snapparts_maker_add(m, bytes, len)) == 0 &&
	    (rc = cn_snapparts_maker_end(m, &p, &total, err)) == 0) {
		assert(total == len);
		*listlen = m->list.len;
		if (cn_buf_finish(&m->list, &s))
			rc = CN_ENOMEM;
		else
			*list = (uint8_t *)s;
	}
	if (rc == CN_ENOMEM)
		cn_err_set(err, CN_ENOMEM, "out of memory");
	cn_snapparts_maker_free(m);
	return rc;
}

/* The hashes of the parts stored now, sorted: *hashes malloc'd (NULL when
 * there are none), *n of them. */
int cn_snapparts_stored(struct cn_store *st, uint8_t **hashes, size_t *n,
			struct cn_err *err)
{
	struct cn_buf got = CN_BUF_INIT;
	char *s = NULL;
	int rc = st->ops->part_hashes(st->b, hashes_add, &got, err);

	*hashes = NULL;
	*n = 0;
	if (rc == 0) {
		hashes_sort(&got);
		*n = hashes_n(&got);
		if (cn_buf_finish(&got, &s))
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
		*hashes = (uint8_t *)s;
	}
	cn_buf_release(&got);
	return rc;
}

/* Put the n parts of p's list that are not among the first nknown
 * hashes of known (sorted; every part when rewrite): past the first one
 * put, only while they add up to at most budget bytes.  Each part put is
 * added to known (past the sorted ones: stored now, for collect()); *left
 * is the bytes of those not put.  One to put whose bytes are not at hand
 * (the maker took it for stored, and it was dropped since) is
 * CN_ENOTFOUND. */
static int put_missing(struct cn_store *st, const struct cn_snapshot_row *s,
		       const struct cn_snapshot_parts *p, size_t n,
		       struct cn_buf *known, size_t nknown, int rewrite,
		       size_t budget, size_t *left, struct cn_err *err)
{
	size_t at = 0, put = 0;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		const uint8_t *e = entry(p->list, i);
		const size_t len = get_be32(e + CN_HASH_LEN);
		const int here = !p->at_hand || p->at_hand[i];

		at += here ? len : 0;
		if (!rewrite && hashes_have(known->s, nknown, e))
			continue;
		if (put && len > budget - put) {
			*left += len;
			continue;
		}
		if (!here)
			return cn_err_set(err, CN_ENOTFOUND, "snapshot %lld: its "
					  "part %zu of %zu is neither stored nor "
					  "at hand (dropped since the snapshot "
					  "was made)", (long long)s->seq, i + 1, n);
		rc = st->ops->part_put(st->b, e, p->bytes + at - len, len,
				       rewrite, err);
		put += len < budget - put ? len : budget - put;
		if (rc == 0 && !rewrite)
			rc = hashes_add(known, e, CN_HASH_LEN, err);
	}
	return rc;
}

int cn_snapparts_put_listed(struct cn_store *st, const struct cn_snapshot_row *s,
			    const struct cn_snapshot_parts *p, unsigned keep,
			    unsigned flags, size_t budget, size_t *left,
			    struct cn_err *err)
{
	const int rewrite = (flags & CN_SNAPSHOT_REWRITE) != 0;
	struct cn_buf known = CN_BUF_INIT;
	struct cn_snapshot_row m = *s;
	size_t n, total;
	char why[128];
	int rc = 0;

	*left = 0;
	/* Made by a maker of these bytes: anything else is the caller's
	 * mistake, not the store's. */
	if (cn_snapparts_list(p->list, p->listlen, &n, &total, why,
			      sizeof(why)) != 1 ||
	    total != s->len)
		return cn_err_set(err, CN_EINVAL, "snapshot %lld: its list of "
				  "parts is not of its bytes", (long long)s->seq);
	/* Those stored (none, when rewriting: every part is written, in this
	 * commit) are read once: to skip them here, and for collect() after. */
	if (!rewrite)
		rc = st->ops->part_hashes(st->b, hashes_add, &known, err);
	hashes_sort(&known);
	if (rc == 0)
		rc = put_missing(st, s, p, n, &known, hashes_n(&known), rewrite,
				 rewrite ? SIZE_MAX : budget, left, err);
	m.bytes = p->list;
	m.len = p->listlen;
	/* The row once no part is left. */
	if (rc == 0 && *left == 0)
		rc = st->ops->snapshot_put(st->b, &m, keep, err);
	if (rc == 0 && *left == 0)
		rc = collect(st, rewrite ? NULL : &known, err);
	cn_buf_release(&known);
	return rc;
}

int cn_snapparts_put(struct cn_store *st, const struct cn_snapshot_row *s,
		     unsigned keep, unsigned flags, struct cn_err *err)
{
	struct cn_snapshot_parts p = {NULL, 0, s->bytes, NULL};
	uint8_t *list;
	size_t left;
	int rc = cn_snapparts_make(s->bytes, s->len, &list, &p.listlen, err);

	p.list = list;
	if (rc == 0)
		rc = cn_snapparts_put_listed(st, s, &p, keep, flags, SIZE_MAX,
					     &left, err);
	assert(rc || left == 0);
	free(list);
	return rc;
}

int cn_snapparts_drop(struct cn_store *st, int64_t seq, struct cn_err *err)
{
	int rc = st->ops->snapshot_drop(st->b, seq, err);

	return rc ? rc : collect(st, NULL, err);
}

/* ---- reading: the parts put together ------------------------------------ */

struct gather {
	uint8_t *at;     /* where the next part goes */
	size_t want;     /* its length, from the list */
	size_t got;      /* what the store handed */
	cn_snapshot_piece_fn piece; /* or, streaming: hand each part on */
	void *ctx;
};

static int gather_part(void *ctx, const uint8_t *bytes, size_t len,
		       struct cn_err *err)
{
	struct gather *g = ctx;

	g->got = len;
	if (len != g->want)
		return 0; /* the caller says so */
	if (g->piece)
		return g->piece(g->ctx, bytes, len, err);
	memcpy(g->at, bytes, len);
	return 0;
}

/* Each part of list row s in order, into buf (NULL: to piece).  0 with
 * why[0] set when a part is missing or of another length; CN_EIO or
 * CN_ENOMEM when the store failed. */
static int gather(struct cn_store *st, const struct cn_snapshot_row *s,
		  size_t n, uint8_t *buf, cn_snapshot_piece_fn piece,
		  void *ctx, char *why, size_t whylen, struct cn_err *err)
{
	struct gather g = {buf, 0, 0, piece, ctx};
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		const uint8_t *e = entry(s->bytes, i);

		g.want = get_be32(e + CN_HASH_LEN);
		g.got = (size_t)-1;
		rc = st->ops->part_get(st->b, e, gather_part, &g, err);
		if (rc == CN_ENOTFOUND) {
			snprintf(why, whylen, "its part %zu of %zu is not stored",
				 i + 1, n);
			return 0;
		}
		if (rc)
			return rc;
		if (g.got != g.want) {
			snprintf(why, whylen, "its part %zu of %zu is %zu bytes, "
				 "not %zu", i + 1, n, g.got, g.want);
			return 0;
		}
		g.at += buf ? g.want : 0;
	}
	return 0;
}

int cn_snapparts_list(const uint8_t *bytes, size_t len, size_t *n,
		      size_t *total, char *why, size_t whylen)
{
	*total = 0;
	if (!is_list(bytes, len, n))
		return 0;
	if (len != CN_SNAPPARTS_MAGIC_LEN + *n * CN_SNAPPART_ENTRY) {
		snprintf(why, whylen, "its list of parts is cut short");
		return -1;
	}
	for (size_t i = 0; i < *n; i++) {
		uint32_t l = get_be32(entry(bytes, i) + CN_HASH_LEN);
		if (l == 0 || l > CN_SNAPPART_MAX) {
			snprintf(why, whylen, "its part %zu of %zu claims %u bytes",
				 i + 1, *n, (unsigned)l);
			return -1;
		}
		*total += l;
	}
	return 1;
}

struct each {
	struct cn_store *st;
	cn_snapshot_fn fn, head;
	cn_snapshot_piece_fn piece;
	void *ctx;
};

static const uint8_t nothing[1];

/* A row not put together: handed on with no bytes and the reason. */
static int unreadable(const struct each *e, const struct cn_snapshot_row *s,
		      const char *why, struct cn_err *err)
{
	struct cn_snapshot_row r = *s;

	r.bytes = nothing;
	r.len = 0;
	r.why = why;
	if (e->fn)
		return e->fn(e->ctx, &r, err);
	r.bytes = NULL;
	return e->head(e->ctx, &r, err);
}

static int each_row(void *ctx, const struct cn_snapshot_row *s,
		    struct cn_err *err)
{
	const struct each *e = ctx;
	struct cn_snapshot_row r = *s;
	char why[128] = "";
	size_t n, len;
	int rc, list = cn_snapparts_list(s->bytes, s->len, &n, &len, why,
					 sizeof(why));

	if (list == 0) {
		if (e->fn)
			return e->fn(e->ctx, s, err);
		r.bytes = NULL;
		if ((rc = e->head(e->ctx, &r, err)) == 0 && s->len)
			rc = e->piece(e->ctx, s->bytes, s->len, err);
		return rc;
	}
	if (list < 0)
		return unreadable(e, s, why, err);
	if (!e->fn) {
		/* Streaming: a part missing is found only when reached, after
		 * the head; the reader then sees the bytes end early. */
		r.bytes = NULL;
		r.len = len;
		if ((rc = e->head(e->ctx, &r, err)))
			return rc;
		rc = gather(e->st, s, n, NULL, e->piece, e->ctx, why, sizeof(why),
			    err);
		if (rc == 0 && why[0])
			rc = cn_err_set(err, CN_ECORRUPT, "the snapshot at event "
					"%lld: %s", (long long)s->seq, why);
		return rc;
	}
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf)
		return cn_err_set(err, CN_ENOMEM, "out of memory reading the "
				  "snapshot at event %lld", (long long)s->seq);
	rc = gather(e->st, s, n, buf, NULL, NULL, why, sizeof(why), err);
	if (rc == 0 && why[0])
		rc = unreadable(e, s, why, err);
	else if (rc == 0) {
		r.bytes = buf;
		r.len = len;
		rc = e->fn(e->ctx, &r, err);
	}
	free(buf);
	return rc;
}

int cn_snapparts_each(struct cn_store *st, cn_snapshot_fn fn, void *ctx,
		      struct cn_err *err)
{
	struct each e = {st, fn, NULL, NULL, ctx};

	return st->ops->snapshots(st->b, each_row, &e, err);
}

int cn_snapparts_pieces(struct cn_store *st, cn_snapshot_fn head,
			cn_snapshot_piece_fn piece, void *ctx,
			struct cn_err *err)
{
	struct each e = {st, NULL, head, piece, ctx};

	return st->ops->snapshots(st->b, each_row, &e, err);
}
