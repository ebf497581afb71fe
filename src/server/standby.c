/*
 * standby.c - the standby's monitor and the read routing rule; see
 * standby.h.
 *
 * The monitor thread owns two read-only connections of its own (the
 * primary's and the standby's) and the samples; everything the HTTP
 * threads ask is under mu.
 */
#include "standby.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/store.h"
#include "needs.h"

/* Samples of the primary's WAL position: twice the longest bound, so a
 * lag within it is always judged from a sample, never guessed. */
#define NSAMPLES (2 * STANDBY_MAX_LAG_S * 1000 / STANDBY_SAMPLE_MS)

enum state {
	ST_DOWN,        /* the standby does not answer */
	ST_UP,          /* a standby of this store, measured */
	ST_NOT_STANDBY, /* it answers, but is no standby (promoted?) */
	ST_OTHER_STORE, /* it answers, with another store's marker */
};
static const char *const state_names[] = {
	[ST_DOWN] = "down",
	[ST_UP] = "up",
	[ST_NOT_STANDBY] = "not-a-standby",
	[ST_OTHER_STORE] = "other-store",
};

struct sample {
	int64_t t; /* CLOCK_MONOTONIC, ms */
	uint64_t lsn;
};

struct standby {
	char read_db[512];
	int64_t max_lag_ms;
	int quiet;
	struct cn_store *primary, *replica; /* the monitor's own */
	struct sample ring[NSAMPLES];       /* the monitor's own */
	int nring, head;
	pthread_t thread;
	int started;

	pthread_mutex_t mu;
	pthread_cond_t cv; /* CLOCK_MONOTONIC: stop is signalled on it */
	int stop;
	enum state state;
	int paused;
	uint64_t lag_bytes;
	int64_t stale_ms;  /* the lag in time when last measured */
	int64_t measured;  /* when (ms; 0: never) */
	struct needs needs; /* each token's (needs.h) */
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The lag in time: how long ago the primary last stood at a position
 * the standby has replayed.  Past every sample: at least the oldest's
 * age (beyond any bound, since the ring spans twice the largest). */
static int64_t staleness(const struct standby *s, uint64_t replayed,
			 int64_t now)
{
	for (int k = 0; k < s->nring; k++) {
		const struct sample *p =
			&s->ring[(s->head - 1 - k + NSAMPLES) % NSAMPLES];
		if (p->lsn <= replayed)
			return now - p->t;
	}
	return s->nring ? now - s->ring[(s->head - s->nring + NSAMPLES) %
					NSAMPLES].t
			: INT64_MAX / 2;
}

/* Say a change of state once, not at every sample. */
static void tell(struct standby *s, enum state was, enum state now,
		 const char *why)
{
	if (s->quiet || was == now)
		return;
	fprintf(stderr, "council: --read-db is %s%s%s\n", state_names[now],
		why ? ": " : "", why ? why : "");
	fflush(stderr);
}

/* One measure: the primary's position, then the standby's. */
static void measure(struct standby *s)
{
	struct cn_store_wal p, r;
	struct cn_err err = {0};
	enum state st, was;
	int64_t t0 = mono_ms(), t1;
	uint64_t bytes;

	if (cn_store_wal(s->primary, &p, &err))
		return; /* nothing measured: the lag in time grows */
	s->ring[s->head] = (struct sample){t0, p.lsn};
	s->head = (s->head + 1) % NSAMPLES;
	if (s->nring < NSAMPLES)
		s->nring++;
	if (!s->replica &&
	    cn_store_open(s->read_db, CN_STORE_READONLY, &s->replica, &err))
		s->replica = NULL;
	if (!s->replica || cn_store_wal(s->replica, &r, &err))
		st = ST_DOWN;
	else if (strcmp(r.store_id, p.store_id))
		st = ST_OTHER_STORE;
	else
		st = r.standby ? ST_UP : ST_NOT_STANDBY;
	t1 = mono_ms();
	bytes = st == ST_UP && p.lsn > r.lsn ? p.lsn - r.lsn : 0;
	pthread_mutex_lock(&s->mu);
	was = s->state;
	s->state = st;
	if (st == ST_UP) {
		s->lag_bytes = bytes;
		s->stale_ms = staleness(s, r.lsn, t1);
		s->paused = r.paused;
		s->measured = t1;
	}
	pthread_mutex_unlock(&s->mu);
	tell(s, was, st, st == ST_DOWN ? err.msg : NULL);
}

static void *monitor(void *arg)
{
	struct standby *s = arg;
	int64_t next = mono_ms();

	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		struct timespec ts;
		next += STANDBY_SAMPLE_MS;
		ts.tv_sec = next / 1000;
		ts.tv_nsec = (next % 1000) * 1000000;
		while (!s->stop && mono_ms() < next)
			if (pthread_cond_timedwait(&s->cv, &s->mu, &ts))
				break;
		if (s->stop)
			break;
		pthread_mutex_unlock(&s->mu);
		measure(s);
		pthread_mutex_lock(&s->mu);
		/* A slow measure does not make the next ones come in a burst. */
		if (next < mono_ms())
			next = mono_ms();
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int standby_start(const char *db, const char *read_db, int64_t max_lag_ms,
		  int quiet, struct standby **out, struct cn_err *err)
{
	struct standby *s = calloc(1, sizeof(*s));
	struct cn_store_wal p, r;
	pthread_condattr_t ca;
	int rc;

	*out = NULL;
	if (!s)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if (max_lag_ms < 0 || max_lag_ms > STANDBY_MAX_LAG_S * 1000) {
		free(s);
		return cn_err_set(err, CN_EINVAL, "--max-read-lag: from 0 to %d "
				  "seconds", STANDBY_MAX_LAG_S);
	}
	if ((size_t)snprintf(s->read_db, sizeof(s->read_db), "%s", read_db) >=
	    sizeof(s->read_db)) {
		free(s);
		return cn_err_set(err, CN_EINVAL, "--read-db: the connection "
				  "string is too long");
	}
	s->max_lag_ms = max_lag_ms;
	s->quiet = quiet;
	if (!cn_store_is_database(db) || !cn_store_is_database(read_db)) {
		free(s);
		return cn_err_set(err, CN_EINVAL, "--read-db takes a PostgreSQL "
				  "standby of a PostgreSQL --db (a connection "
				  "string); a SQLite store has no standbys");
	}
	if ((rc = cn_store_open(db, CN_STORE_READONLY, &s->primary, err)) ||
	    (rc = cn_store_wal(s->primary, &p, err))) {
		cn_store_close(s->primary);
		free(s);
		return rc;
	}
	/* A standby that answers must be one of this store; one that does
	 * not answer yet is looked for at every sample. */
	if (cn_store_open(read_db, CN_STORE_READONLY, &s->replica, err) == 0) {
		if ((rc = cn_store_wal(s->replica, &r, err)) == 0 &&
		    (strcmp(r.store_id, p.store_id) || !r.standby))
			rc = cn_err_set(err, CN_EINVAL, "--read-db: %s",
					strcmp(r.store_id, p.store_id)
						? "another store (its store id "
						  "is not --db's)"
						: "not a standby (the database "
						  "is not in recovery)");
		if (rc) {
			cn_store_close(s->replica);
			cn_store_close(s->primary);
			free(s);
			return rc;
		}
	} else {
		if (!quiet)
			fprintf(stderr, "council: --read-db does not answer yet, "
				"reads go to the primary: %s\n", err->msg);
		s->replica = NULL;
		*err = (struct cn_err){0};
	}
	pthread_mutex_init(&s->mu, NULL);
	needs_init(&s->needs);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	s->state = ST_DOWN;
	measure(s);
	if (pthread_create(&s->thread, NULL, monitor, s)) {
		standby_stop(s);
		return cn_err_set(err, CN_EIO, "cannot start the standby's "
				  "monitor thread");
	}
	s->started = 1;
	*out = s;
	return 0;
}

void standby_stop(struct standby *s)
{
	if (!s)
		return;
	if (s->started) {
		pthread_mutex_lock(&s->mu);
		s->stop = 1;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thread, NULL);
	}
	cn_store_close(s->replica);
	cn_store_close(s->primary);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	needs_destroy(&s->needs);
	free(s);
}

const char *standby_db(const struct standby *s)
{
	return s->read_db;
}

/* The lag in time now: as measured, plus the time since (under mu). */
static int64_t lag_now(const struct standby *s)
{
	return s->measured ? s->stale_ms + (mono_ms() - s->measured)
			   : INT64_MAX / 2;
}

int standby_usable(struct standby *s)
{
	int ok;
	pthread_mutex_lock(&s->mu);
	ok = s->state == ST_UP && lag_now(s) <= s->max_lag_ms;
	pthread_mutex_unlock(&s->mu);
	return ok;
}

/* The public (token 0) writes nothing and is everyone: one need shared
 * by all its readers would pin every public read to the primary under a
 * steady stream of writes once one of them was answered there (each
 * answer raising it past what the standby has replayed). */
int standby_may_read(struct standby *s, int64_t token, int64_t version)
{
	return token == 0 || version >= needs_of(&s->needs, token);
}

void standby_saw(struct standby *s, int64_t token, int64_t version)
{
	if (token != 0)
		needs_raise(&s->needs, token, version);
}

json_t *standby_health(struct standby *s)
{
	json_t *j;
	int64_t lag;
	int up, within;

	pthread_mutex_lock(&s->mu);
	lag = lag_now(s);
	up = s->state == ST_UP;
	within = up && lag <= s->max_lag_ms;
	/* The lag is known only of a standby that answers: null else. */
	j = json_pack("{s:s, s:s, s:o, s:o, s:b, s:I}", "state",
		      up && !within ? "lagging" : state_names[s->state], "reads",
		      within ? "standby" : "primary", "lag_bytes",
		      up ? json_integer((json_int_t)s->lag_bytes) : json_null(),
		      "lag_ms", up ? json_integer((json_int_t)lag) : json_null(),
		      "replay_paused", up && s->paused, "max_lag_ms",
		      (json_int_t)s->max_lag_ms);
	pthread_mutex_unlock(&s->mu);
	return j;
}
