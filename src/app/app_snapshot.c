/*
 * app_snapshot.c - the writer's world from a snapshot; see app_snapshot.h.
 */
#include "app_snapshot.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "../core/snapshot.h"
#include "env_count.h"
#include "projection.h"

void cn_app_snaps_init(struct cn_app_snaps *s)
{
	/* The tests take snapshots often, and at exactly their interval. */
	const uint64_t every = cn_env_count("COUNCIL_SNAPSHOT_EVERY", 0);

	memset(s, 0, sizeof(*s));
	s->fixed = every > 0; /* strtoll's: at most INT64_MAX */
	s->every = s->fixed ? (int64_t)every : CN_APP_SNAPSHOT_EVERY;
	s->ahead = (size_t)cn_env_count("COUNCIL_SNAPSHOT_AHEAD",
					CN_APP_SNAP_AHEAD);
}

int64_t cn_app_snaps_interval(const struct cn_app_snaps *s)
{
	const uint64_t by_size = s->len / CN_APP_SNAPSHOT_BYTES_PER_EVENT;

	if (s->fixed || by_size <= (uint64_t)s->every)
		return s->every;
	return by_size > INT64_MAX ? INT64_MAX : (int64_t)by_size;
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

static void bg_stop(struct cn_app_snaps *s);

void cn_app_snaps_release(struct cn_app_snaps *s)
{
	bg_stop(s);
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

/* The seal of a snapshot whose digest (its last CN_HASH_LEN bytes, which
 * decoding checks against everything before) is `digest`: a MAC of it,
 * then SEAL_MAGIC. */
static void seal_of(const unsigned char key[32],
		    const uint8_t digest[CN_HASH_LEN], uint8_t out[SEAL_LEN])
{
	crypto_auth(out, digest, CN_HASH_LEN, key);
	memcpy(out + crypto_auth_BYTES, SEAL_MAGIC, sizeof(SEAL_MAGIC));
}

/* The seal under key appended to *bytes (realloc'd, *len grown): 0, or
 * CN_ENOMEM with *bytes freed. */
static int seal(const unsigned char key[32], uint8_t **bytes, size_t *len)
{
	uint8_t *sealed = realloc(*bytes, *len + SEAL_LEN);

	if (!sealed) {
		free(*bytes);
		*bytes = NULL;
		return CN_ENOMEM;
	}
	assert(*len >= CN_HASH_LEN);
	seal_of(key, sealed + *len - CN_HASH_LEN, sealed + *len);
	*bytes = sealed;
	*len += SEAL_LEN;
	return 0;
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
	int64_t t0;  /* when the restore began (now_us) */
};

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The world is whole: what the events after the snapshot (or the whole
 * log) cost, from t0 (the restore's start, or the replay's). */
static void tail_done(struct cn_app_snaps *s, const struct cn_world *w,
		      int64_t t0)
{
	s->opened.tail = w->last_seq - s->opened.seq;
	s->opened.tail_us = now_us() - t0 - s->opened.load_us;
}

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
	if (rc == 0) {
		r->snaps->opened.seq = s->seq;
		r->snaps->opened.bytes = n;
		r->snaps->opened.load_us = now_us() - r->t0;
	}
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
	struct restore r = {s, st, pg, {0}, 0, now_us()};
	int rc;

	s->warning[0] = '\0';
	s->nbad = 0;
	memset(&s->opened, 0, sizeof(s->opened));
	cn_world_init(&r.w);
	rc = cn_store_snapshots(st, try_snapshot, &r, err);
	if (rc < 0)
		return rc;
	*seq = r.seq;
	if (!r.seq)
		memset(&s->opened, 0, sizeof(s->opened)); /* none was trusted */
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
	s->len = s->opened.bytes; /* 0 when none was trusted */
	if (r.seq) {
		*w = r.w;
		tail_done(s, w, r.t0);
		return 0;
	}
	if (pg)
		cn_pager_clear(pg);
	r.t0 = now_us();
	if ((rc = cn_projection_replay(st, w, err)) == 0 && pg)
		cn_pager_attach(pg, w);
	if (rc == 0)
		tail_done(s, w, r.t0);
	return rc;
}

/* Store snapshot row (its parts made by the worker: parts, NULL to make
 * them here of its bytes, all at once), at most `budget` bytes of its
 * new parts (store.h: *left those still not stored, and then not the
 * row); replacing those found untrustworthy once it is stored. */
static int put_parts(struct cn_app_snaps *s, struct cn_store *st,
		     const struct cn_snapshot_row *row,
		     const struct cn_snapshot_parts *parts, size_t budget,
		     size_t *left, struct cn_err *err)
{
	/* After a snapshot was not trusted, its parts are written again, in
	 * one commit whatever the budget: one of those it shares with this
	 * one may be what was wrong. */
	const unsigned flags = s->nbad ? CN_SNAPSHOT_REWRITE : 0;
	int rc;

	*left = 0;
	rc = parts ? cn_store_snapshot_put_listed(st, row, parts,
						  CN_APP_SNAPSHOTS_KEPT, flags,
						  budget, left, err)
		  : cn_store_snapshot_put(st, row, CN_APP_SNAPSHOTS_KEPT,
					  flags, err);
	for (size_t i = 0; rc == 0 && *left == 0 && i < s->nbad; i++)
		if (s->bad[i] != row->seq)
			rc = cn_store_snapshot_drop(st, s->bad[i], err);
	return rc;
}

/* A snapshot stored in the write transaction, in a savepoint of its own:
 * one the store refuses (full, a constraint, a trigger) is the snapshot's
 * failure, not the write's, whose events stand.  It is said, and not
 * tried again until another interval has passed.  Only a savepoint that
 * could not be opened or undone fails the write (the transaction is then
 * lost).  left NULL: all of it in this commit.  Else (the worker's, with
 * its parts) at most s->ahead bytes of its new parts, and its row only
 * when no more are left; *left what is (0 once it is stored, or
 * refused).  unsealed: the snapshot's length less its seal. */
static int put(struct cn_app_snaps *s, struct cn_store *st,
	       const struct cn_snapshot_row *row,
	       const struct cn_snapshot_parts *parts, size_t unsealed,
	       size_t *left, struct cn_err *err)
{
	struct cn_err why = {0};
	size_t more = 0;
	int rc, end;

	if ((rc = cn_store_savepoint(st, err)))
		return rc;
	rc = put_parts(s, st, row, parts, left ? s->ahead : SIZE_MAX, &more,
		       &why);
	if ((end = cn_store_savepoint_end(st, rc == 0, err)))
		return end;
	if (left)
		*left = rc ? 0 : more;
	/* A part the worker took for stored was dropped since (another
	 * writer's put or drop collected it): no fault, and no reason to
	 * wait an interval.  The job goes, and this commit plans the next,
	 * which keeps the bytes of every part not stored now. */
	if (rc == CN_ENOTFOUND && left)
		return 0;
	if (rc) {
		fprintf(stderr, "council: warning: the snapshot at event %lld "
			"was not stored (the write was): %s\n",
			(long long)row->seq, why.msg);
		s->tried = row->seq;
		return 0;
	}
	if (more == 0) {
		s->pending = row->seq;
		s->pending_len = unsealed;
	}
	return 0;
}

/* ---- the worker (cn_app_snaps_background) -------------------------------- */

enum bg_state {
	BG_IDLE,    /* nothing planned: the writer may plan */
	BG_PLANNED, /* the job is the worker's */
	BG_READY    /* the snapshot is the writer's to store */
};

struct cn_app_snaps_bg {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	enum bg_state state; /* under mu; so is stop */
	int stop;
	/* The job, written by the writer while BG_IDLE, read by the worker
	 * while BG_PLANNED: the plan, the pager's file (-1: none), the parts
	 * stored when it was planned (sorted hashes; NULL: keep every part,
	 * for a rewrite), the event it names, the seal's key. */
	struct cn_snapshot_plan plan;
	int fd;
	uint8_t *known;
	size_t nknown;
	int64_t seq;
	uint8_t hash[CN_HASH_LEN];
	unsigned char seal_key[32];
	int sealing;
	/* The writer's: a warning that snapshots wait was printed. */
	int warned;
	/* The snapshot made (BG_READY): its parts, the new ones' bytes
	 * kept, in maker (NULL when it could not be made), and its length. */
	struct cn_snapshot_maker *maker;
	struct cn_snapshot_parts parts;
	size_t len;
};

static int read_pager(void *ctx, uint64_t off, size_t len, uint8_t *dst,
		      struct cn_err *err)
{
	const int fd = *(const int *)ctx;

	while (len) {
		ssize_t n = pread(fd, dst, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return cn_err_set(err, CN_EIO, "the temporary file of "
					  "concluded proposals: %s",
					  n < 0 ? strerror(errno) : "cut short");
		dst += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* The job's bytes put together, sealed, cut and hashed as they come,
 * only its new parts kept: the worker's.  A world of 100,000 proposals
 * is a snapshot of 49 MB, of which a few hundred kilobytes are new after
 * a few thousand writes. */
static void bg_make(struct cn_app_snaps_bg *b)
{
	struct cn_err why = {0};
	uint8_t digest[CN_HASH_LEN], tail[SEAL_LEN];
	int rc = cn_store_snapshot_maker(b->known, b->nknown, &b->maker, &why);

	if (rc == 0)
		rc = cn_snapshot_plan_to(&b->plan, read_pager, &b->fd,
					 cn_store_snapshot_maker_add, b->maker,
					 digest, &why);
	if (rc == 0 && b->sealing) {
		seal_of(b->seal_key, digest, tail);
		if (cn_store_snapshot_maker_add(b->maker, tail, SEAL_LEN))
			rc = cn_err_set(&why, CN_ENOMEM, "out of memory");
	}
	if (rc == 0)
		rc = cn_store_snapshot_maker_end(b->maker, &b->parts, &b->len,
						 &why);
	if (rc) {
		/* No reason to stop writing: the next commit plans another. */
		fprintf(stderr, "council: warning: the snapshot at event %lld "
			"was not made: %s\n", (long long)b->seq, why.msg);
		cn_store_snapshot_maker_free(b->maker);
		b->maker = NULL;
	}
	cn_snapshot_plan_release(&b->plan);
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}

static void *bg_main(void *arg)
{
	struct cn_app_snaps_bg *b = arg;

	/* Behind the server's threads for the processor: a snapshot is worth
	 * having, never worth a request's wait.  At 1M events one takes this
	 * thread 60 to 90 ms (22 MB put together, hashed and cut) every
	 * 10,000 events, under writes that come every 50 us.  On Linux a
	 * thread has its own nice value, set by its id; elsewhere the call
	 * would set the whole process's, so it is not made.  Named, for
	 * `top -H` and the tests. */
#ifdef __linux__
	(void)pthread_setname_np(pthread_self(), "snapshots");
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), 19);
#endif
	pthread_mutex_lock(&b->mu);
	for (;;) {
		while (!b->stop && b->state != BG_PLANNED)
			pthread_cond_wait(&b->cv, &b->mu);
		if (b->stop)
			break;
		pthread_mutex_unlock(&b->mu);
		bg_make(b);
		pthread_mutex_lock(&b->mu);
		b->state = BG_READY;
		pthread_cond_broadcast(&b->cv);
	}
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

static void bg_drop(struct cn_app_snaps_bg *b)
{
	cn_store_snapshot_maker_free(b->maker);
	b->maker = NULL;
	free(b->known);
	b->known = NULL;
	b->nknown = 0;
	cn_snapshot_plan_release(&b->plan);
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}

int cn_app_snaps_background(struct cn_app_snaps *s, struct cn_err *err)
{
	struct cn_app_snaps_bg *b;

	if (s->bg)
		return 0;
	if (!(b = calloc(1, sizeof(*b))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	b->fd = -1;
	if (pthread_mutex_init(&b->mu, NULL)) {
		free(b);
		return cn_err_set(err, CN_EIO, "snapshots: no mutex");
	}
	if (pthread_cond_init(&b->cv, NULL)) {
		pthread_mutex_destroy(&b->mu);
		free(b);
		return cn_err_set(err, CN_EIO, "snapshots: no condition variable");
	}
	if (pthread_create(&b->thread, NULL, bg_main, b)) {
		pthread_cond_destroy(&b->cv);
		pthread_mutex_destroy(&b->mu);
		free(b);
		return cn_err_set(err, CN_EIO, "snapshots: no thread");
	}
	s->bg = b;
	return 0;
}

static void bg_stop(struct cn_app_snaps *s)
{
	struct cn_app_snaps_bg *b = s->bg;

	if (!b)
		return;
	pthread_mutex_lock(&b->mu);
	b->stop = 1;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->mu);
	pthread_join(b->thread, NULL);
	bg_drop(b);
	sodium_memzero(b->seal_key, sizeof(b->seal_key));
	pthread_cond_destroy(&b->cv);
	pthread_mutex_destroy(&b->mu);
	free(b);
	s->bg = NULL;
}

void cn_app_snaps_settle(struct cn_app_snaps *s)
{
	struct cn_app_snaps_bg *b = s->bg;

	if (!b)
		return;
	pthread_mutex_lock(&b->mu);
	while (b->state == BG_PLANNED)
		pthread_cond_wait(&b->cv, &b->mu);
	pthread_mutex_unlock(&b->mu);
}

/* *logged: whether the store holds event seq with that hash (not: another
 * event, or none).  0, or the store's failure. */
static int still_logged(struct cn_store *st, int64_t seq,
			const uint8_t hash[CN_HASH_LEN], int *logged,
			struct cn_err *err)
{
	struct cn_event ev;
	int rc = cn_store_event(st, seq, &ev, err);

	*logged = 0;
	if (rc == CN_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	*logged = !memcmp(ev.hash, hash, CN_HASH_LEN);
	cn_event_release(&ev);
	return 0;
}

/* The worker's snapshot, when it has one ready: stored now. */
static int bg_put(struct cn_app_snaps *s, struct cn_store *st,
		  struct cn_err *err)
{
	struct cn_app_snaps_bg *b = s->bg;
	enum bg_state state;
	size_t left = 0;
	int rc = 0, logged = 0;

	pthread_mutex_lock(&b->mu);
	state = b->state;
	pthread_mutex_unlock(&b->mu);
	if (state != BG_READY)
		return 0;
	/* BG_READY: the worker does not touch the job until BG_PLANNED.
	 * Stored only if it is still of this log: the store may have gone
	 * back since it was planned (set back from a backup, failed over to
	 * a replica that missed the last commits) and hold another event at
	 * its seq.  Planned before a rebuild found a snapshot untrustworthy,
	 * it kept only the parts not stored then, and its put must now
	 * write every part: the first it does not hold makes the put say
	 * CN_ENOTFOUND, as for a part collected since, and this commit
	 * plans one that keeps them all (put, bg_plan). */
	if (b->maker && b->seq > s->seq &&
	    (rc = still_logged(st, b->seq, b->hash, &logged, err)) == 0 &&
	    logged) {
		struct cn_snapshot_row row = {b->seq, b->hash, CN_HASH_LEN,
					      NULL, b->len, NULL};
		rc = put(s, st, &row, &b->parts,
			 b->sealing ? b->len - SEAL_LEN : b->len, &left, err);
	}
	/* Parts left: still BG_READY, for the next commits to store. */
	if (rc == 0 && left)
		return 0;
	bg_drop(b);
	pthread_mutex_lock(&b->mu);
	b->state = BG_IDLE;
	pthread_mutex_unlock(&b->mu);
	return rc;
}

/* After a commit: the snapshot due planned, for the worker. */
static void bg_plan(struct cn_app_snaps *s, struct cn_store *st,
		    const struct cn_world *w, struct cn_pager *pg)
{
	struct cn_app_snaps_bg *b = s->bg;
	struct cn_err why = {0};
	enum bg_state state;
	int paged = 0;

	pthread_mutex_lock(&b->mu);
	state = b->state;
	pthread_mutex_unlock(&b->mu);
	/* Only this thread leaves BG_IDLE: the job is ours until we do. */
	if (state != BG_IDLE)
		return;
	/* The pager's file first: when it cannot be read (its pager lost a
	 * proposal), no plan is worth its cost, and a warning says so once
	 * (until the next rebuild's new pager, snapshots wait). */
	b->fd = pg ? cn_pager_share(pg, &why) : CN_ENOTFOUND;
	if (b->fd < 0 && b->fd != CN_ENOTFOUND) {
		if (!b->warned)
			fprintf(stderr, "council: warning: no snapshot until the "
				"world is rebuilt: %s\n", why.msg);
		b->warned = 1;
		b->fd = -1;
		return;
	}
	if (b->fd < 0)
		b->fd = -1; /* no file: nothing is paged */
	b->warned = 0;
	/* The parts stored now, whose bytes the worker need not keep: all
	 * but those of the snapshot's few changed parts.  None after a
	 * snapshot was not trusted: its put rewrites every part. */
	if ((!s->nbad &&
	     cn_store_snapshot_stored(st, &b->known, &b->nknown, &why)) ||
	    cn_snapshot_plan(w, &b->plan, &why)) {
		bg_drop(b);
		return;
	}
	for (size_t i = 0; i < b->plan.nseg; i++)
		paged |= b->plan.seg[i].paged;
	/* Paged proposals with no file: a pager's contradiction. */
	assert(!paged || b->fd >= 0);
	if (paged && b->fd < 0) {
		bg_drop(b);
		return;
	}
	b->seq = w->last_seq;
	memcpy(b->hash, w->last_hash, CN_HASH_LEN);
	memcpy(b->seal_key, s->seal_key, sizeof(b->seal_key));
	b->sealing = s->sealing;
	pthread_mutex_lock(&b->mu);
	b->state = BG_PLANNED;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->mu);
}

/* ---- taking one ----------------------------------------------------------- */

static int due(const struct cn_app_snaps *s, struct cn_store *st,
	       const struct cn_world *w)
{
	int64_t from = s->tried > s->seq ? s->tried : s->seq;

	return cn_store_has_snapshots(st) &&
	       w->last_seq - from >= cn_app_snaps_interval(s);
}

int cn_app_snaps_take(struct cn_app_snaps *s, struct cn_store *st,
		      const struct cn_world *w, struct cn_err *err)
{
	uint8_t *bytes = NULL;
	size_t len, unsealed;
	struct cn_err ignore;
	int rc;

	s->pending = 0;
	if (s->bg)
		return bg_put(s, st, err);
	if (!due(s, st, w) || cn_snapshot_encode(w, &bytes, &len, &ignore))
		return 0;
	unsealed = len;
	if (s->sealing && seal(s->seal_key, &bytes, &len))
		return 0;
	struct cn_snapshot_row row = {w->last_seq, w->last_hash, CN_HASH_LEN,
				      bytes, len, NULL};
	rc = put(s, st, &row, NULL, unsealed, NULL, err);
	free(bytes);
	return rc;
}

void cn_app_snaps_committed(struct cn_app_snaps *s, struct cn_store *st,
			    const struct cn_world *w, struct cn_pager *pg)
{
	if (s->pending) {
		s->seq = s->pending;
		s->len = s->pending_len;
		s->pending = 0;
		s->nbad = 0;
	}
	if (s->bg && due(s, st, w))
		bg_plan(s, st, w, pg);
}
