/*
 * snapparts.c - a snapshot stored in parts; see snapparts.h.
 */
#include "snapparts.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/event.h"
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

int cn_snapparts_cut(const uint8_t *bytes, size_t len, size_t **cuts,
		     size_t *n, struct cn_err *err)
{
	size_t cap = len / CN_SNAPPART_MIN + 1, k = 0, start = 0;
	uint64_t g[256];

	*n = 0;
	if (!(*cuts = malloc(cap * sizeof(**cuts))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	gear_table(g);
	while (start < len) {
		size_t end = start + CN_SNAPPART_MIN, max = start + CN_SNAPPART_MAX;
		uint64_t h = 0;

		if (end >= len || max > len)
			max = len;
		if (end > max)
			end = max;
		/* The hash restarts 64 bytes before the first place a cut may
		 * fall, so a cut depends on the bytes before it alone. */
		for (size_t i = end >= start + 64 ? end - 64 : start; i < end; i++)
			h = (h << 1) + g[bytes[i]];
		while (end < max && (h & CUT_MASK))
			h = (h << 1) + g[bytes[end++]];
		assert(k < cap);
		(*cuts)[k++] = end;
		start = end;
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

/* Whether hash is among the first n of s, which are sorted. */
static int hashes_have(const struct cn_buf *s, size_t n, const uint8_t *hash)
{
	return n && bsearch(hash, s->s, n, CN_HASH_LEN, hash_cmp) != NULL;
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
		if (!hashes_have(&named, hashes_n(&named), hash_at(stored, i)))
			rc = st->ops->part_drop(st->b, hash_at(stored, i), err);
	cn_buf_release(&named);
	cn_buf_release(&read);
	return rc;
}

/* ---- put and drop ------------------------------------------------------ */

int cn_snapparts_make(const uint8_t *bytes, size_t len, uint8_t **list,
		      size_t *listlen, struct cn_err *err)
{
	size_t *cuts = NULL, n = 0, start = 0;
	uint8_t *l;
	int rc;

	*list = NULL;
	*listlen = 0;
	if ((rc = cn_snapparts_cut(bytes, len, &cuts, &n, err)))
		return rc;
	if (!(l = malloc(CN_SNAPPARTS_MAGIC_LEN + n * CN_SNAPPART_ENTRY))) {
		free(cuts);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	memcpy(l, CN_SNAPPARTS_MAGIC, CN_SNAPPARTS_MAGIC_LEN);
	for (size_t i = 0; i < n; start = cuts[i++]) {
		uint8_t *e = l + CN_SNAPPARTS_MAGIC_LEN + i * CN_SNAPPART_ENTRY;
		size_t plen = cuts[i] - start;

		assert(plen > 0 && plen <= CN_SNAPPART_MAX);
		cn_sha256(bytes + start, plen, e);
		put_be32(e + CN_HASH_LEN, (uint32_t)plen);
	}
	free(cuts);
	*list = l;
	*listlen = CN_SNAPPARTS_MAGIC_LEN + n * CN_SNAPPART_ENTRY;
	return 0;
}

/* Put the n parts of list (of s's bytes) that are not among the first
 * nknown hashes of known (sorted; every part when rewrite): past the
 * first one put, only while they add up to at most budget bytes.  Each
 * part put is added to known (past the sorted ones: stored now, for
 * collect()); *left is the bytes of those not put. */
static int put_missing(struct cn_store *st, const struct cn_snapshot_row *s,
		       const uint8_t *list, size_t n, struct cn_buf *known,
		       size_t nknown, int rewrite, size_t budget, size_t *left,
		       struct cn_err *err)
{
	size_t start = 0, put = 0;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		const uint8_t *e = entry(list, i);
		size_t len = get_be32(e + CN_HASH_LEN);

		start += len;
		if (!rewrite && hashes_have(known, nknown, e))
			continue;
		if (put && len > budget - put) {
			*left += len;
			continue;
		}
		rc = st->ops->part_put(st->b, e, s->bytes + start - len, len,
				       rewrite, err);
		put += len < budget - put ? len : budget - put;
		if (rc == 0 && !rewrite)
			rc = hashes_add(known, e, CN_HASH_LEN, err);
	}
	return rc;
}

int cn_snapparts_put_listed(struct cn_store *st, const struct cn_snapshot_row *s,
			    const uint8_t *list, size_t listlen, unsigned keep,
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
	/* Made by cn_snapparts_make from these bytes: anything else is the
	 * caller's mistake, not the store's. */
	if (cn_snapparts_list(list, listlen, &n, &total, why, sizeof(why)) != 1 ||
	    total != s->len)
		return cn_err_set(err, CN_EINVAL, "snapshot %lld: its list of "
				  "parts is not of its bytes", (long long)s->seq);
	/* Those stored (none, when rewriting: every part is written, in this
	 * commit) are read once: to skip them here, and for collect() after. */
	if (!rewrite)
		rc = st->ops->part_hashes(st->b, hashes_add, &known, err);
	hashes_sort(&known);
	if (rc == 0)
		rc = put_missing(st, s, list, n, &known, hashes_n(&known),
				 rewrite, rewrite ? SIZE_MAX : budget, left, err);
	m.bytes = list;
	m.len = listlen;
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
	uint8_t *list;
	size_t listlen, left;
	int rc = cn_snapparts_make(s->bytes, s->len, &list, &listlen, err);

	if (rc == 0)
		rc = cn_snapparts_put_listed(st, s, list, listlen, keep, flags,
					     SIZE_MAX, &left, err);
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
