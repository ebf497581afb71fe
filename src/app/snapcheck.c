/*
 * snapcheck.c - verify's check of the stored snapshots; see snapcheck.h.
 */
#include "snapcheck.h"

#include <stdlib.h>
#include <string.h>

#include "../core/snapshot.h"
#include "app_snapshot.h"

static uint8_t *dup_bytes(const uint8_t *b, size_t n)
{
	uint8_t *out = malloc(n ? n : 1);
	if (out && n)
		memcpy(out, b, n);
	return out;
}

static int keep(void *ctx, const struct cn_snapshot_row *s, struct cn_err *err)
{
	struct cn_snapcheck *c = ctx;
	struct cn_snapcheck_item *v = realloc(c->s, (c->n + 1) * sizeof(*v)), *it;

	if (!v)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	c->s = v;
	it = &c->s[c->n];
	it->seq = s->seq;
	it->hashlen = s->hashlen;
	it->len = cn_app_snap_unsealed_len(s->bytes, s->len);
	it->hash = dup_bytes(s->hash, s->hashlen);
	it->bytes = dup_bytes(s->bytes, s->len);
	if (!it->hash || !it->bytes) {
		free(it->hash);
		free(it->bytes);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	c->n++;
	return 0;
}

int cn_snapcheck_load(struct cn_snapcheck *c, struct cn_store *st,
		      struct cn_err *err)
{
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = cn_store_snapshots(st, keep, c, err)))
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

int cn_snapcheck_event(struct cn_snapcheck *c, const struct cn_world *w,
		       const struct cn_event *ev, struct cn_err *err)
{
	for (; c->next < c->n && c->s[c->next].seq == ev->seq; c->next++) {
		const struct cn_snapcheck_item *it = &c->s[c->next];
		uint8_t *bytes = NULL;
		size_t len = 0, at = 0;
		int rc;

		if (it->hashlen != CN_HASH_LEN ||
		    memcmp(it->hash, ev->hash, CN_HASH_LEN))
			return cn_err_set(err, CN_ECORRUPT, "snapshot at event %lld: "
					  "its hash is not the event's",
					  (long long)ev->seq);
		if ((rc = cn_snapshot_encode(w, &bytes, &len, err)))
			return rc;
		while (at < len && at < it->len && bytes[at] == it->bytes[at])
			at++;
		free(bytes);
		if (at < len || at < it->len)
			return cn_err_set(err, CN_ECORRUPT, "snapshot at event %lld: "
					  "differs from the world replayed to it "
					  "from byte %zu on", (long long)ev->seq, at);
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
		free(c->s[i].bytes);
	}
	free(c->s);
	memset(c, 0, sizeof(*c));
}
