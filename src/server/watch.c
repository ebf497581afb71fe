/*
 * watch.c - the watch thread; see watch.h.
 */
#include "watch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct watch {
	struct cn_store_watch *sw;
	struct writer *w;
	pthread_t thread;
	int stop[2]; /* a byte written to stop[1] stops the thread */
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *watch_main(void *arg)
{
	struct watch *wt = arg;
	int64_t next_try = 0; /* when to try the lead or the connection */
	int leading = 0, down = 0;

	for (;;) {
		int64_t now = mono_ms();
		int fd = cn_store_watch_fd(wt->sw);
		/* Wake when a notice comes, to try again, or to stop. */
		struct pollfd pf[2] = {{wt->stop[0], POLLIN, 0}, {fd, POLLIN, 0}};
		/* Leading too: every try checks that the lead's session
		 * is still there (a session the server ended may not show
		 * as a readable socket yet). */
		int wait = next_try > now ? (int)(next_try - now) : 0;
		if (poll(pf, fd >= 0 ? 2 : 1, wait) < 0 && errno != EINTR)
			break;
		if (pf[0].revents)
			break;
		now = mono_ms();
		int try_lead = now >= next_try;
		int changed = 0;
		struct cn_err err;

		if (!(fd >= 0 && pf[1].revents) && !try_lead)
			continue;
		if (try_lead)
			next_try = now + WATCH_RETRY_MS;
		if (cn_store_watch_poll(wt->sw, try_lead, &changed, &leading,
					&err)) {
			if (!down)
				fprintf(stderr, "council: the watch lost the database, "
					"the clock runs alone meanwhile: %s\n", err.msg);
			down = 1;
			/* Lead alone and fold the store now and then, as a
			 * server that hears nothing must. */
			writer_set_lead(wt->w, 1);
			writer_changed(wt->w);
			next_try = now + WATCH_RETRY_MS;
			continue;
		}
		if (down)
			fprintf(stderr, "council: the watch is back\n");
		down = 0;
		writer_set_lead(wt->w, leading);
		if (changed)
			writer_changed(wt->w);
	}
	return NULL;
}

int watch_start(struct cn_store_watch *sw, struct writer *w,
		struct watch **out, struct cn_err *err)
{
	struct watch *wt = calloc(1, sizeof(*wt));

	if (!wt) {
		cn_store_watch_close(sw);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	wt->sw = sw;
	wt->w = w;
	if (pipe2(wt->stop, O_CLOEXEC)) {
		free(wt);
		cn_store_watch_close(sw);
		return cn_err_set(err, CN_EIO, "cannot make the watch's pipe");
	}
	/* Until the watch has tried the lead, another server may hold it. */
	writer_set_lead(w, 0);
	if (pthread_create(&wt->thread, NULL, watch_main, wt)) {
		writer_set_lead(w, 1);
		close(wt->stop[0]);
		close(wt->stop[1]);
		free(wt);
		cn_store_watch_close(sw);
		return cn_err_set(err, CN_EIO, "cannot start the watch thread");
	}
	*out = wt;
	return 0;
}

void watch_stop(struct watch *wt)
{
	if (!wt)
		return;
	if (write(wt->stop[1], "x", 1) != 1)
		(void)0; /* a pipe with room: cannot fail */
	pthread_join(wt->thread, NULL);
	close(wt->stop[0]);
	close(wt->stop[1]);
	cn_store_watch_close(wt->sw);
	free(wt);
}
