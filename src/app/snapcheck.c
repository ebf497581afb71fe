/*
 * snapcheck.c - verify's check of the stored snapshots; see snapcheck.h.
 */
#include "snapcheck.h"

#include <stdlib.h>
#include <string.h>

#include "../core/sha256.h"
#include "../core/snapshot.h"
#include "app_snapshot.h"

static uint8_t *dup_bytes(const uint8_t *b, size_t n)
{
	uint8_t *out = malloc(n ? n : 1);
	if (out && n)
		memcpy(out, b, n);
	return out;
}

/* A stored snapshot read a piece at a time (cn_store_snapshot_pieces):
 * its bytes are digested as they come but for the last CN_APP_SNAP_TAIL,
 * which may be its seal (not part of the snapshot) and are held until the
 * end says whether they are. */
struct reading {
	struct cn_snapcheck *c;
	struct cn_sha256 h;
	uint8_t tail[CN_APP_SNAP_TAIL];
	size_t len, got, cut; /* its length, bytes seen, where the tail starts */
};

/* The snapshot's bytes all seen: its length and digest. */
static void finish(struct reading *r)
{
	struct cn_snapcheck_item *it = &r->c->s[r->c->n - 1];

	it->len = cn_app_snap_unsealed_len_tail(r->tail, r->len);
	if (it->len > r->cut)
		cn_sha256_update(&r->h, r->tail, it->len - r->cut);
	cn_sha256_final(&r->h, it->digest);
}

static int head(void *ctx, const struct cn_snapshot_row *s, struct cn_err *err)
{
	struct reading *r = ctx;
	struct cn_snapcheck *c = r->c;
	struct cn_snapcheck_item *v, *it;

	if (s->why)
		return cn_err_set(err, CN_ECORRUPT, "snapshot at event %lld: %s",
				  (long long)s->seq, s->why);
	if (!(v = realloc(c->s, (c->n + 1) * sizeof(*v))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	c->s = v;
	it = &c->s[c->n];
	memset(it, 0, sizeof(*it));
	it->seq = s->seq;
	it->hashlen = s->hashlen;
	if (!(it->hash = dup_bytes(s->hash, s->hashlen)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	c->n++;
	r->len = s->len;
	r->got = 0;
	r->cut = s->len < CN_APP_SNAP_TAIL ? 0 : s->len - CN_APP_SNAP_TAIL;
	cn_sha256_init(&r->h);
	if (!s->len)
		finish(r);
	return 0;
}

static int piece(void *ctx, const uint8_t *b, size_t n, struct cn_err *err)
{
	struct reading *r = ctx;

	if (n > r->len - r->got)
		return cn_err_set(err, CN_EIO, "the snapshot at event %lld: more "
				  "bytes than its length", (long long)
				  r->c->s[r->c->n - 1].seq);
	if (r->got < r->cut) { /* before the tail */
		size_t k = r->cut - r->got < n ? r->cut - r->got : n;
		cn_sha256_update(&r->h, b, k);
		r->got += k;
		b += k;
		n -= k;
	}
	if (n) {
		memcpy(r->tail + (r->got - r->cut), b, n);
		r->got += n;
	}
	if (r->got == r->len)
		finish(r);
	return 0;
}

int cn_snapcheck_load(struct cn_snapcheck *c, struct cn_store *st,
		      struct cn_err *err)
{
	struct reading r = {.c = c};
	int rc;

	memset(c, 0, sizeof(*c));
	c->st = st;
	if ((rc = cn_store_snapshot_pieces(st, head, piece, &r, err)))
		return rc;
	/* The store gives them newest first; the replay meets them oldest
	 * first. */
	for (size_t i = 0; i < c->n / 2; i++) {
		struct cn_snapcheck_item t = c->s[i];
		c->s[i] = c->s[c->n - 1 - i];
		c->s[c->n - 1 - i] = t;
	}
	/* One before the log's first event is never met: named at the end. */
	while (c->next < c->n && c->s[c->next].seq < 1)
		c->next++;
	return 0;
}

/* The failure path: the stored snapshot at seq read again (the same read
 * transaction) to name the first byte that differs from bytes[0..len). */
struct differ {
	int64_t seq;
	const uint8_t *bytes;
	size_t len, at;
	int found;
};

static int first_differing(void *ctx, const struct cn_snapshot_row *s,
			   struct cn_err *err)
{
	struct differ *d = ctx;
	size_t n = cn_app_snap_unsealed_len(s->bytes, s->len), at = 0;

	(void)err;
	if (s->seq != d->seq || d->found)
		return 0;
	while (at < d->len && at < n && d->bytes[at] == s->bytes[at])
		at++;
	d->at = at;
	d->found = 1;
	return 0;
}

/* The world's snapshot, streamed: only its length and digest kept. */
struct streamed {
	struct cn_sha256 h;
	size_t len;
};

static int stream_sink(void *ctx, const uint8_t *bytes, size_t n)
{
	struct streamed *s = ctx;

	s->len += n;
	cn_sha256_update(&s->h, bytes, n);
	return 0;
}

int cn_snapcheck_event(struct cn_snapcheck *c, const struct cn_world *w,
		       const struct cn_event *ev, struct cn_err *err)
{
	for (; c->next < c->n && c->s[c->next].seq == ev->seq; c->next++) {
		const struct cn_snapcheck_item *it = &c->s[c->next];
		uint8_t *bytes = NULL, digest[CN_SNAPCHECK_DIGEST];
		size_t len = 0;
		struct differ d = {.seq = ev->seq};
		struct streamed st = {.len = 0};
		int rc;

		if (it->hashlen != CN_HASH_LEN ||
		    memcmp(it->hash, ev->hash, CN_HASH_LEN))
			return cn_err_set(err, CN_ECORRUPT, "snapshot at event %lld: "
					  "its hash is not the event's",
					  (long long)ev->seq);
		cn_sha256_init(&st.h);
		if ((rc = cn_snapshot_encode_to(w, stream_sink, &st, err)))
			return rc;
		cn_sha256_final(&st.h, digest);
		if (st.len == it->len && !memcmp(digest, it->digest, sizeof(digest)))
			continue;
		/* They differ: the world's bytes whole, to name where. */
		if ((rc = cn_snapshot_encode(w, &bytes, &len, err)))
			return rc;
		d.bytes = bytes;
		d.len = len;
		if (c->before_read)
			c->before_read(c->before_ctx);
		rc = cn_store_snapshots(c->st, first_differing, &d, err);
		free(bytes);
		if (rc)
			return rc;
		return cn_err_set(err, CN_ECORRUPT, "snapshot at event %lld: "
				  "differs from the world replayed to it "
				  "from byte %zu on", (long long)ev->seq, d.at);
	}
	return 0;
}

int cn_snapcheck_end(const struct cn_snapcheck *c, struct cn_err *err)
{
	for (size_t i = 0; i < c->n; i++)
		if (i >= c->next || c->s[i].seq < 1)
			return cn_err_set(err, CN_ECORRUPT, "snapshot at event %lld: "
					  "the log holds no such event",
					  (long long)c->s[i].seq);
	return 0;
}

void cn_snapcheck_release(struct cn_snapcheck *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->s[i].hash);
	}
	free(c->s);
	memset(c, 0, sizeof(*c));
}
