/*
 * snapshot_write.c - the world as a snapshot's canonical bytes, whole or
 * streamed to a sink a piece at a time; see snapshot.h.  Reading them
 * back: snapshot.c.
 */
#include "snapshot.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sha256.h"

/* ---- writing -------------------------------------------------------------- */

struct writer {
	struct cn_buf b;
	int rc;           /* first failure: CN_ENOMEM or CN_EINVAL */
	struct cn_err *err;
	/* Streaming (cn_snapshot_encode_to): the bytes so far handed to the
	 * sink a piece at a time, hashed on the way; NULL: all kept in b. */
	cn_snapshot_sink sink;
	void *ctx;
	struct cn_sha256 sha;
	/* Planning (cn_snapshot_plan): b is the plan's lit, and lit_from
	 * where its segment not yet closed starts. */
	struct cn_snapshot_plan *plan;
	size_t lit_from;
};

#define SPILL_AT (64 * 1024)

/* Hand what is buffered to the sink (streaming only), at least `at`; a
 * failed append, in any mode, becomes o->rc. */
static void spill(struct writer *o, size_t at)
{
	if (o->rc)
		return;
	/* Before the length: an append that failed on an empty buffer (the
	 * first, or the first after a spill) leaves it empty, and an empty
	 * buffer must not read as "nothing left to send". */
	if (o->b.oom) {
		o->rc = cn_err_set(o->err, CN_ENOMEM, "out of memory");
		return;
	}
	if (!o->sink || o->b.len < at || !o->b.len)
		return;
	cn_sha256_update(&o->sha, o->b.s, o->b.len);
	if (o->sink(o->ctx, (const uint8_t *)o->b.s, o->b.len))
		o->rc = cn_err_set(o->err, CN_ENOMEM, "snapshot: the sink failed");
	cn_buf_reset(&o->b);
}

/* v in x, 7 bits a byte, the lowest first: how many bytes. */
static size_t varint(uint8_t x[10], uint64_t v)
{
	size_t n = 0;

	do {
		x[n] = v & 0x7f;
		v >>= 7;
		if (v)
			x[n] |= 0x80;
		n++;
	} while (v);
	return n;
}

static void put_u(struct writer *o, uint64_t v)
{
	uint8_t x[10];

	/* Most are below 128 (lengths, flags, positions, 0 for NULL): one
	 * byte, through cn_buf_add's inline path without the loop. */
	if (v < 0x80) {
		const uint8_t c = (uint8_t)v;
		cn_buf_add(&o->b, &c, 1);
		return;
	}
	cn_buf_add(&o->b, x, varint(x, v));
}

/* Zigzag: small magnitudes, either sign, take few bytes. */
static void put_i(struct writer *o, int64_t v)
{
	put_u(o, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void put_str(struct writer *o, const char *s)
{
	size_t n = strlen(s);
	put_u(o, n);
	cn_buf_add(&o->b, s, n);
}

/* A string that may be NULL: its length + 1, or 0. */
static void put_nstr(struct writer *o, const char *s)
{
	if (!s) {
		put_u(o, 0);
		return;
	}
	put_u(o, (uint64_t)strlen(s) + 1);
	cn_buf_add(&o->b, s, strlen(s));
}

/* A JSON value that may be NULL, canonical (event.h): its length + 1,
 * then its text.  The text is written in place, after a byte for its
 * length, and moved along when the length takes more (a text of 127
 * bytes or more): a text of its own for each value was an allocation,
 * a copy and a free, seven times for each proposal paged out. */
static void put_json(struct writer *o, const json_t *v)
{
	const size_t at = o->b.len;
	uint8_t x[10];
	size_t len, n;
	int rc;

	if (!v) {
		put_u(o, 0);
		return;
	}
	put_u(o, 0); /* the length's first byte */
	if (o->b.oom)
		return;
	if ((rc = cn_canon_dump_to(v, &o->b, o->err))) {
		if (!o->b.oom) {
			o->b.len = at;
			o->b.s[at] = '\0';
		}
		if (!o->rc)
			o->rc = rc;
		return;
	}
	len = o->b.len - at - 1;
	n = varint(x, (uint64_t)len + 1);
	if (n > 1) {
		cn_buf_add(&o->b, x, n - 1); /* room */
		if (o->b.oom)
			return;
		memmove(o->b.s + at + n, o->b.s + at + 1, len);
	}
	memcpy(o->b.s + at, x, n);
}

static void put_member(struct writer *o, const struct cn_member *m)
{
	put_json(o, m->record);
	put_nstr(o, m->key_vkey);
}

static void put_partner(struct writer *o, const struct cn_partner *p)
{
	put_json(o, p->record);
	put_i(o, p->since);
	put_i(o, p->until);
	put_u(o, p->nperiods);
	for (size_t i = 0; i < p->nperiods; i++) {
		put_u(o, p->periods[i].status);
		put_i(o, p->periods[i].from);
		put_i(o, p->periods[i].to);
	}
}

static void put_office(struct writer *o, const struct cn_office *f)
{
	put_json(o, f->record);
	put_i(o, f->decision);
	put_i(o, f->opened);
	put_i(o, f->closed);
	put_u(o, f->end);
	put_nstr(o, f->closed_bound);
}

static void put_proposal(struct writer *o, const struct cn_proposal *p)
{
	put_i(o, p->id);
	put_str(o, p->body);
	put_str(o, p->title);
	put_str(o, p->text);
	put_str(o, p->proposer);
	put_nstr(o, p->level);
	put_nstr(o, p->place);
	put_u(o, p->proc);
	put_str(o, p->rule_src);
	put_u(o, p->shared ? 1 : 0);
	put_i(o, p->revision);
	put_i(o, p->opened);
	put_i(o, p->deadline);
	put_u(o, p->concluded ? 1 : 0);
	put_i(o, p->concluded_at);
	put_nstr(o, p->outcome);
	put_nstr(o, p->explanation);
	put_u(o, p->silence_breaks);
	put_i(o, p->supersedes);
	put_i(o, p->superseded_by);
	put_i(o, p->last_at);
	put_json(o, p->effects);
	put_json(o, p->revisions);
	put_json(o, p->blocking);
	put_json(o, p->holding);
	put_json(o, p->weights);
	put_json(o, p->breaks);
	put_json(o, p->extra);
	put_u(o, p->nballots);
	for (size_t i = 0; i < p->nballots; i++) {
		const struct cn_ballot *b = &p->ballots[i];
		put_str(o, b->code);
		put_u(o, b->pos);
		put_u(o, b->declared ? 1 : 0);
		put_nstr(o, b->text);
		put_i(o, b->at);
		put_json(o, b->extra);
	}
}

/* ---- planning --------------------------------------------------------- */

static void plan_add(struct writer *o, uint64_t off, uint64_t len, int paged)
{
	struct cn_snapshot_plan *p = o->plan;
	struct cn_snapshot_seg *last = p->nseg ? &p->seg[p->nseg - 1] : NULL;

	if (!len || o->rc)
		return;
	/* Sweeps write proposals in id order: most follow one another. */
	if (last && last->paged == paged && last->off + last->len == off) {
		last->len += len;
		return;
	}
	if (p->nseg == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 64;
		struct cn_snapshot_seg *seg = realloc(p->seg, cap * sizeof(*seg));
		if (!seg) {
			o->rc = cn_err_set(o->err, CN_ENOMEM, "out of memory");
			return;
		}
		p->seg = seg;
		p->cap = cap;
	}
	p->seg[p->nseg++] = (struct cn_snapshot_seg){off, len, paged};
}

/* Close the literal segment encoded since the last one. */
static void plan_lit(struct writer *o)
{
	plan_add(o, o->lit_from, o->b.len - o->lit_from, 0);
	o->lit_from = o->b.len;
}

static void plan_paged(struct writer *o, const struct cn_world *w, int64_t id)
{
	uint64_t off;
	size_t n;

	if (!w->pager->where || w->pager->where(w->pager->ctx, id, &off, &n)) {
		if (!o->rc)
			o->rc = cn_err_set(o->err, CN_EINVAL, "snapshot: proposal "
					   "%lld is a hole, or its pager cannot "
					   "say where it is", (long long)id);
		return;
	}
	plan_lit(o);
	plan_add(o, off, n, 1);
}

/* Everything but the trailing digest into o (spilling as it goes). */
static int encode_body(struct writer *o, const struct cn_world *w)
{
	size_t i;

	for (i = 0; i < w->nproposals; i++)
		if (!w->proposals[i] && !w->pager)
			return cn_err_set(o->err, CN_EINVAL, "snapshot: proposal %zu "
					  "is a hole: only a whole log's world "
					  "has a snapshot", i + 1);
	cn_buf_add(&o->b, CN_SNAPSHOT_MAGIC, CN_SNAPSHOT_MAGIC_LEN);
	put_u(o, CN_SNAPSHOT_FORMAT);
	put_i(o, w->last_seq);
	cn_buf_add(&o->b, w->last_hash, CN_HASH_LEN);
	put_json(o, w->alliance);
	put_u(o, w->nmembers);
	for (i = 0; i < w->nmembers; i++)
		put_member(o, &w->members[i]);
	put_u(o, w->npartners);
	for (i = 0; i < w->npartners; i++)
		put_partner(o, &w->partners[i]);
	put_u(o, w->nbodies);
	for (i = 0; i < w->nbodies; i++)
		put_json(o, w->bodies[i].record);
	put_u(o, w->noffices);
	for (i = 0; i < w->noffices; i++)
		put_office(o, &w->offices[i]);
	put_u(o, w->nproposals);
	for (i = 0; i < w->nproposals && !o->rc; i++) {
		const uint8_t *bytes;
		size_t n;

		if (w->proposals[i])
			put_proposal(o, w->proposals[i]);
		else if (o->plan)
			plan_paged(o, w, (int64_t)i + 1);
		/* One the pager holds: the bytes put_proposal gave it. */
		else if (w->pager->bytes(w->pager->ctx, (int64_t)i + 1, &bytes, &n))
			o->rc = cn_err_set(o->err, CN_EINVAL, "snapshot: proposal "
					   "%zu is a hole, or its pager failed",
					   i + 1);
		else
			cn_buf_add(&o->b, bytes, n);
		spill(o, SPILL_AT);
	}
	spill(o, 0);
	return o->rc;
}

int cn_snapshot_encode_to(const struct cn_world *w, cn_snapshot_sink sink,
			  void *ctx, struct cn_err *err)
{
	struct writer o = {.b = CN_BUF_INIT, .err = err, .sink = sink, .ctx = ctx};
	uint8_t digest[CN_HASH_LEN];
	int rc;

	assert(sink);
	cn_sha256_init(&o.sha);
	if ((rc = encode_body(&o, w)) == 0) {
		cn_sha256_final(&o.sha, digest);
		if (sink(ctx, digest, sizeof(digest)))
			rc = cn_err_set(err, CN_ENOMEM, "snapshot: the sink failed");
	}
	cn_buf_release(&o.b);
	return rc;
}

int cn_snapshot_proposal_encode(const struct cn_proposal *p, struct cn_buf *out,
				struct cn_err *err)
{
	struct writer o = {.b = *out, .err = err};

	put_proposal(&o, p);
	*out = o.b;
	if (!o.rc && out->oom)
		o.rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	return o.rc;
}

int cn_snapshot_encode(const struct cn_world *w, uint8_t **out, size_t *len,
		       struct cn_err *err)
{
	struct writer o = {.b = CN_BUF_INIT, .err = err};
	char *s;
	int rc;

	if ((rc = encode_body(&o, w))) {
		cn_buf_release(&o.b);
		return rc;
	}
	if (!o.b.oom) {
		uint8_t digest[CN_HASH_LEN];
		cn_sha256(o.b.s, o.b.len, digest);
		cn_buf_add(&o.b, digest, sizeof(digest));
	}
	*len = o.b.len;
	if ((rc = cn_buf_finish(&o.b, &s)))
		return cn_err_set(err, rc, "out of memory");
	*out = (uint8_t *)s;
	return 0;
}

int cn_snapshot_plan(const struct cn_world *w, struct cn_snapshot_plan *plan,
		     struct cn_err *err)
{
	struct writer o = {.b = CN_BUF_INIT, .err = err, .plan = plan};
	int rc;

	memset(plan, 0, sizeof(*plan));
	if ((rc = encode_body(&o, w)) == 0)
		plan_lit(&o);
	if (!o.rc && o.b.oom)
		o.rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	plan->lit = o.b;
	if ((rc = o.rc))
		cn_snapshot_plan_release(plan);
	return rc;
}

/* A paged segment is read this much at a time: a buffer that stays in
 * the processor's cache, where the sink's hashing finds it. */
#define PLAN_READ_AT (256 * 1024)

int cn_snapshot_plan_to(const struct cn_snapshot_plan *plan,
			cn_snapshot_read read, void *rctx, cn_snapshot_sink sink,
			void *sctx, uint8_t digest[CN_HASH_LEN],
			struct cn_err *err)
{
	struct cn_sha256 sha;
	uint8_t *buf = NULL;
	int rc = 0;

	cn_sha256_init(&sha);
	for (size_t i = 0; rc == 0 && i < plan->nseg; i++) {
		const struct cn_snapshot_seg *g = &plan->seg[i];
		const uint8_t *p;

		if (!g->paged) {
			assert(g->off + g->len <= plan->lit.len);
			p = (const uint8_t *)plan->lit.s + g->off;
			cn_sha256_update(&sha, p, g->len);
			if (sink(sctx, p, g->len))
				rc = cn_err_set(err, CN_ENOMEM, "snapshot: the "
						"sink failed");
			continue;
		}
		if (!buf && !(buf = malloc(PLAN_READ_AT)))
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
		for (uint64_t at = 0; rc == 0 && at < g->len;) {
			size_t n = g->len - at < PLAN_READ_AT
					   ? (size_t)(g->len - at)
					   : PLAN_READ_AT;

			if ((rc = read(rctx, g->off + at, n, buf, err)))
				break;
			cn_sha256_update(&sha, buf, n);
			if (sink(sctx, buf, n))
				rc = cn_err_set(err, CN_ENOMEM, "snapshot: the "
						"sink failed");
			at += n;
		}
	}
	free(buf);
	if (rc)
		return rc;
	cn_sha256_final(&sha, digest);
	if (sink(sctx, digest, CN_HASH_LEN))
		return cn_err_set(err, CN_ENOMEM, "snapshot: the sink failed");
	return 0;
}

void cn_snapshot_plan_release(struct cn_snapshot_plan *plan)
{
	cn_buf_release(&plan->lit);
	free(plan->seg);
	memset(plan, 0, sizeof(*plan));
}
