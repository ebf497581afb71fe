/*
 * app_snapshot.c - the writer's world from a snapshot; see app_snapshot.h.
 */
#include "app_snapshot.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/snapshot.h"
#include "projection.h"

/* How many events may pass between two snapshots: COUNCIL_SNAPSHOT_EVERY
 * when set to a positive number (the tests take them often), else
 * CN_APP_SNAPSHOT_EVERY. */
static int64_t snapshot_every(void)
{
	const char *v = getenv("COUNCIL_SNAPSHOT_EVERY");
	char *end;
	long long n = v ? strtoll(v, &end, 10) : 0;

	return v && *v && !*end && n > 0 ? (int64_t)n : CN_APP_SNAPSHOT_EVERY;
}

void cn_app_snaps_init(struct cn_app_snaps *s)
{
	memset(s, 0, sizeof(*s));
	s->every = snapshot_every();
}

/* ---- the seal ------------------------------------------------------------ */

static const char SEAL_MAGIC[8] = "CNSEAL01";
#define SEAL_LEN (crypto_auth_BYTES + sizeof(SEAL_MAGIC))

_Static_assert(crypto_auth_KEYBYTES == 32, "the seal's key is 32 bytes");

void cn_app_snaps_seal_with(struct cn_app_snaps *s, const uint8_t *sk)
{
	static const char domain[] = "council/v1/snapshot-seal";
	/* The Ed25519 secret key's first half is its seed: the key proper. */
	crypto_generichash(s->seal_key, sizeof(s->seal_key),
			   (const unsigned char *)domain, sizeof(domain) - 1,
			   sk, 32);
	s->sealing = 1;
}

void cn_app_snaps_release(struct cn_app_snaps *s)
{
	sodium_memzero(s->seal_key, sizeof(s->seal_key));
	s->sealing = 0;
}

_Static_assert(SEAL_LEN == CN_APP_SNAP_TAIL, "the tail is the seal");

/* tail: the last SEAL_LEN bytes of len (all of them when fewer). */
static int has_seal(const uint8_t *tail, size_t len)
{
	return len >= SEAL_LEN + CN_HASH_LEN &&
	       !memcmp(tail + SEAL_LEN - sizeof(SEAL_MAGIC), SEAL_MAGIC,
		       sizeof(SEAL_MAGIC));
}

size_t cn_app_snap_unsealed_len_tail(const uint8_t *tail, size_t len)
{
	return has_seal(tail, len) ? len - SEAL_LEN : len;
}

size_t cn_app_snap_unsealed_len(const uint8_t *bytes, size_t len)
{
	return cn_app_snap_unsealed_len_tail(
		bytes + len - (len < SEAL_LEN ? len : SEAL_LEN), len);
}

/* The seal of snapshot bytes[0..len): a MAC of its digest (its last
 * CN_HASH_LEN bytes), which decoding checks against everything before. */
static void seal_of(const struct cn_app_snaps *s, const uint8_t *bytes,
		    size_t len, unsigned char mac[crypto_auth_BYTES])
{
	assert(len >= CN_HASH_LEN);
	crypto_auth(mac, bytes + len - CN_HASH_LEN, CN_HASH_LEN, s->seal_key);
}

/* Whether a writer may trust stored bytes[0..len): its seal verifies with
 * this log's key.  *n the snapshot's own length.  0, or CN_ECORRUPT. */
static int check_seal(const struct cn_app_snaps *s, const uint8_t *bytes,
		      size_t len, size_t *n, struct cn_err *why)
{
	*n = cn_app_snap_unsealed_len(bytes, len);
	if (!s->sealing)
		return 0;
	if (*n == len)
		return cn_err_set(why, CN_ECORRUPT, "it carries no seal of this "
				  "log's key");
	if (crypto_auth_verify(bytes + *n,
			       bytes + *n - CN_HASH_LEN, CN_HASH_LEN, s->seal_key))
		return cn_err_set(why, CN_ECORRUPT, "its seal does not verify "
				  "with this log's key");
	return 0;
}

int cn_app_fold_next(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct cn_world *w = ctx;
	if (memcmp(ev->prev, w->last_hash, CN_HASH_LEN))
		return cn_err_set(err, CN_ECORRUPT, "event %lld does not follow "
				  "the world's last event", (long long)ev->seq);
	return cn_world_apply(w, ev, err);
}

struct restore {
	struct cn_app_snaps *snaps;
	struct cn_store *st;
	struct cn_pager *pg; /* NULL: the world keeps every proposal */
	struct cn_world w;
	int64_t seq; /* the snapshot restored, 0 while none */
};

/* A snapshot not trusted: say why (the first reason is kept), and have
 * the next snapshot's write drop it. */
static void distrust(struct restore *r, int64_t seq, const char *why)
{
	struct cn_app_snaps *s = r->snaps;

	if (!s->warning[0])
		snprintf(s->warning, sizeof(s->warning),
			 "the snapshot at event %lld is not trusted (%s)",
			 (long long)seq, why);
	if (s->nbad < CN_APP_SNAP_BAD)
		s->bad[s->nbad++] = seq;
}

/* Whether snapshot s names an event of this log: its header and its row
 * agree on seq and hash, and event seq is stored with that hash.  0, or
 * CN_ECORRUPT with the reason (CN_EIO / CN_ENOMEM: the store failed). */
static int names_log_event(struct cn_store *st, const struct cn_snapshot_row *s,
			   struct cn_err *why)
{
	uint8_t hash[CN_HASH_LEN];
	struct cn_event ev;
	int64_t seq;
	int rc;

	if (s->hashlen != CN_HASH_LEN)
		return cn_err_set(why, CN_ECORRUPT, "its hash is not %d bytes",
				  CN_HASH_LEN);
	if ((rc = cn_snapshot_position(s->bytes, s->len, &seq, hash, why)))
		return rc;
	if (seq != s->seq || memcmp(hash, s->hash, CN_HASH_LEN))
		return cn_err_set(why, CN_ECORRUPT, "its bytes say event %lld with "
				  "another hash", (long long)seq);
	rc = cn_store_event(st, s->seq, &ev, why);
	if (rc == CN_ENOTFOUND)
		return cn_err_set(why, CN_ECORRUPT, "the log holds no event %lld",
				  (long long)s->seq);
	if (rc)
		return rc;
	if (memcmp(ev.hash, s->hash, CN_HASH_LEN))
		rc = cn_err_set(why, CN_ECORRUPT, "its hash is not event %lld's",
				(long long)s->seq);
	cn_event_release(&ev);
	return rc;
}

/* One stored snapshot, newest first: the first that names an event of
 * this log, decodes, and takes the events after it ends the walk. */
static int try_snapshot(void *ctx, const struct cn_snapshot_row *s,
			struct cn_err *err)
{
	struct restore *r = ctx;
	struct cn_err why = {0};
	size_t n = s->len;
	int rc = s->why ? cn_err_set(&why, CN_ECORRUPT, "%s", s->why)
			: names_log_event(r->st, s, &why);

	if (rc == CN_EIO || rc == CN_ENOMEM)
		return cn_err_set(err, rc, "%s", why.msg);
	if (rc == 0)
		rc = check_seal(r->snaps, s->bytes, s->len, &n, &why);
	if (rc == 0 && r->pg) {
		/* A snapshot tried before may have left proposals with it. */
		cn_pager_clear(r->pg);
		cn_pager_attach(r->pg, &r->w);
	}
	if (rc == 0 && (rc = cn_snapshot_decode_paged(s->bytes, n,
						      r->pg ? &r->pg->hook : NULL,
						      &r->w, &why)) == CN_ENOMEM)
		return cn_err_set(err, rc, "%s", why.msg);
	if (rc == 0 &&
	    (rc = cn_store_scan(r->st, s->seq + 1, cn_app_fold_next, &r->w, &why))) {
		cn_world_release(&r->w);
		if (rc == CN_EIO || rc == CN_ENOMEM)
			return cn_err_set(err, rc, "%s", why.msg);
		cn_err_prefix(&why, "the events after it do not fold onto it: ");
	}
	if (rc) {
		distrust(r, s->seq, why.msg);
		return 0;
	}
	r->seq = s->seq;
	return 1;
}

int cn_app_snaps_restore(struct cn_app_snaps *s, struct cn_store *st,
			 struct cn_pager *pg, struct cn_world *w, int64_t *seq,
			 struct cn_err *err)
{
	struct restore r = {s, st, pg, {0}, 0};
	int rc;

	s->warning[0] = '\0';
	s->nbad = 0;
	cn_world_init(&r.w);
	rc = cn_store_snapshots(st, try_snapshot, &r, err);
	if (rc < 0)
		return rc;
	*seq = r.seq;
	if (s->warning[0]) {
		size_t n = strlen(s->warning);
		if (r.seq)
			snprintf(s->warning + n, sizeof(s->warning) - n,
				 "; the world starts from the snapshot at event "
				 "%lld", (long long)r.seq);
		else
			snprintf(s->warning + n, sizeof(s->warning) - n,
				 "; the world is folded from the whole log");
		fprintf(stderr, "council: warning: %s\n", s->warning);
	}
	if (r.seq) {
		*w = r.w;
		return 0;
	}
	if (pg)
		cn_pager_clear(pg);
	if ((rc = cn_projection_replay(st, w, err)) == 0 && pg)
		cn_pager_attach(pg, w);
	return rc;
}

int cn_app_snaps_take(struct cn_app_snaps *s, struct cn_store *st,
		      const struct cn_world *w, struct cn_err *err)
{
	struct cn_err ignore;
	uint8_t *bytes = NULL;
	size_t len;
	int rc;

	s->pending = 0;
	if (!cn_store_has_snapshots(st) || w->last_seq - s->seq < s->every)
		return 0;
	if (cn_snapshot_encode(w, &bytes, &len, &ignore))
		return 0;
	if (s->sealing) {
		uint8_t *sealed = realloc(bytes, len + SEAL_LEN);
		if (!sealed) {
			free(bytes);
			return 0;
		}
		bytes = sealed;
		seal_of(s, bytes, len, bytes + len);
		memcpy(bytes + len + crypto_auth_BYTES, SEAL_MAGIC, sizeof(SEAL_MAGIC));
		len += SEAL_LEN;
	}
	struct cn_snapshot_row row = {w->last_seq, w->last_hash, CN_HASH_LEN,
				      bytes, len, NULL};
	/* After a snapshot was not trusted, its parts are written again: one
	 * of those it shares with this one may be what was wrong. */
	rc = cn_store_snapshot_put(st, &row, CN_APP_SNAPSHOTS_KEPT,
				   s->nbad ? CN_SNAPSHOT_REWRITE : 0, err);
	for (size_t i = 0; rc == 0 && i < s->nbad; i++)
		if (s->bad[i] != w->last_seq)
			rc = cn_store_snapshot_drop(st, s->bad[i], err);
	free(bytes);
	if (rc == 0)
		s->pending = w->last_seq;
	return rc;
}

void cn_app_snaps_committed(struct cn_app_snaps *s)
{
	if (s->pending) {
		s->seq = s->pending;
		s->pending = 0;
		s->nbad = 0;
	}
}
