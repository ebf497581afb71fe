/* notify.c - what wakes the streams; see notify.h.
 *
 * The poller sleeps on a condition variable clocked by CLOCK_MONOTONIC,
 * NOTIFY_POLL_MS at a time, so notify_stop ends it at once.  Its reader is
 * opened on the first round and again after an error, so a store that
 * cannot be read for a while does not end it. */
#include "notify.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../app/reader.h"

struct notify {
	char db[512];
	struct http_server *http;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	int stop;
};

void notify_commit(void *arg)
{
	struct notify *n = arg;
	http_streams_wake(n->http);
}

/* Whether another connection committed since the last look. */
static int moved(struct notify *n, struct cn_reader **rd)
{
	struct cn_err err = {0};
	unsigned what = 0;

	if (!*rd && cn_reader_open(n->db, rd, &err))
		return 0;
	if (cn_reader_refresh(*rd, &what, &err)) {
		cn_reader_close(*rd);
		*rd = NULL;
		return 0;
	}
	return (what & CN_READER_DATA) != 0;
}

static void *poller(void *arg)
{
	struct notify *n = arg;
	struct cn_reader *rd = NULL;
	struct timespec at, pulse;

	clock_gettime(CLOCK_MONOTONIC, &pulse);
	(void)moved(n, &rd); /* the first look sees everything moved */
	pthread_mutex_lock(&n->mu);
	while (!n->stop) {
		clock_gettime(CLOCK_MONOTONIC, &at);
		at.tv_nsec += (NOTIFY_POLL_MS % 1000) * 1000000L;
		at.tv_sec += NOTIFY_POLL_MS / 1000 + at.tv_nsec / 1000000000L;
		at.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&n->wake, &n->mu, &at);
		if (n->stop)
			break;
		pthread_mutex_unlock(&n->mu);
		int due = moved(n, &rd);
		clock_gettime(CLOCK_MONOTONIC, &at);
		if (at.tv_sec - pulse.tv_sec >= NOTIFY_PULSE_S) {
			pulse = at;
			due = 1;
		}
		if (due)
			http_streams_wake(n->http);
		pthread_mutex_lock(&n->mu);
	}
	pthread_mutex_unlock(&n->mu);
	cn_reader_close(rd);
	return NULL;
}

int notify_start(const char *db, struct http_server *http, struct notify **out,
		 struct cn_err *err)
{
	struct notify *n = calloc(1, sizeof(*n));
	pthread_condattr_t ca;

	if (!n)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	snprintf(n->db, sizeof(n->db), "%s", db);
	n->http = http;
	pthread_mutex_init(&n->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&n->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&n->thread, NULL, poller, n)) {
		pthread_cond_destroy(&n->wake);
		pthread_mutex_destroy(&n->mu);
		free(n);
		return cn_err_set(err, CN_EIO, "cannot start the streams' poller");
	}
	*out = n;
	return 0;
}

void notify_stop(struct notify *n)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->mu);
	n->stop = 1;
	pthread_cond_signal(&n->wake);
	pthread_mutex_unlock(&n->mu);
	pthread_join(n->thread, NULL);
	pthread_cond_destroy(&n->wake);
	pthread_mutex_destroy(&n->mu);
	free(n);
}
