/* guard.c - deadlines on the parts of a request; see guard.h. */
#include "guard.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

/* <linux/tcp.h>, not <netinet/tcp.h>: glibc's struct tcp_info stops before
 * tcpi_bytes_received (Linux 4.1). */
#include <linux/tcp.h>

enum phase { WAITING, HEADERS, BODY, ANSWERING };

struct guard_conn {
	int fd;
	enum phase phase;
	int64_t deadline_ms;   /* in HEADERS and BODY */
	uint64_t rx_base;      /* bytes received when WAITING began */
	int cut;               /* shut down already */
	struct guard_conn *prev, *next;
};

struct guard {
	pthread_mutex_t mu;
	pthread_cond_t wake;   /* on stop */
	pthread_t thread;
	int stop;
	int64_t headers_ms, body_ms;
	struct guard_conn *head;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The bytes the kernel has received on fd since it was accepted; -1 when
 * the socket cannot say (not TCP, or a kernel before 4.1). */
static int rx_bytes(int fd, uint64_t *out)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) ||
	    len < offsetof(struct tcp_info, tcpi_bytes_received) +
			  sizeof(ti.tcpi_bytes_received))
		return -1;
	*out = ti.tcpi_bytes_received;
	return 0;
}

/* Whether bytes the client sent wait in the kernel, unread by the
 * server (FIONREAD); 0 when none, or when the socket cannot say. */
static int unread(int fd)
{
	int n = 0;

	return ioctl(fd, FIONREAD, &n) == 0 && n > 0;
}

/* Under g->mu: one connection at time now. */
static void inspect(struct guard *g, struct guard_conn *c, int64_t now)
{
	uint64_t rx;

	switch (c->phase) {
	case WAITING:
		/* The first byte came at most a tick ago: its deadline counts
		 * from now, which gives the client up to a tick more.  A socket
		 * that cannot say is taken to have begun: its deadline then
		 * counts from the first look after the last answer. */
		if (rx_bytes(c->fd, &rx) || rx > c->rx_base) {
			c->phase = HEADERS;
			c->deadline_ms = now + g->headers_ms;
		}
		return;
	case HEADERS:
	case BODY:
		/* Bytes the server has not read yet: the delay is the
		 * server's (every HTTP thread busy on a loaded machine), not
		 * the client's, which sent them; looked at again next tick. */
		if (now >= c->deadline_ms && !unread(c->fd)) {
			shutdown(c->fd, SHUT_RDWR);
			c->cut = 1;
		}
		return;
	case ANSWERING:
		return;
	}
}

/* A tick this much later than due: the whole process was held (stopped,
 * its machine paused or starved of every CPU), not a client slow. */
#define GUARD_HELD_MS 1000

static void *reaper(void *arg)
{
	struct guard *g = arg;
	int64_t due = now_ms();

	pthread_mutex_lock(&g->mu);
	while (!g->stop) {
		int64_t now = now_ms(), held = now - due;
		/* A deadline counts the client's time, not the server's
		 * absence: after a hold, the bytes a client sent during it
		 * were read (or not) by threads that were not running, and
		 * every connection past its deadline would be cut at once on
		 * waking, before the HTTP threads could answer any.  So the
		 * deadlines move on by the hold. */
		for (struct guard_conn *c = g->head; c; c = c->next) {
			if (held > GUARD_HELD_MS &&
			    (c->phase == HEADERS || c->phase == BODY))
				c->deadline_ms += held;
			if (!c->cut)
				inspect(g, c, now);
		}
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		due = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
		      GUARD_TICK_MS;
		ts.tv_nsec += GUARD_TICK_MS * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&g->wake, &g->mu, &ts);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

struct guard *guard_start(unsigned headers_s, unsigned body_s)
{
	struct guard *g = calloc(1, sizeof(*g));
	pthread_condattr_t ca;

	if (!g)
		return NULL;
	g->headers_ms = (int64_t)headers_s * 1000;
	g->body_ms = (int64_t)body_s * 1000;
	pthread_mutex_init(&g->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&g->thread, NULL, reaper, g)) {
		pthread_cond_destroy(&g->wake);
		pthread_mutex_destroy(&g->mu);
		free(g);
		return NULL;
	}
	return g;
}

void guard_stop(struct guard *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->mu);
	g->stop = 1;
	pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->thread, NULL);
	/* The HTTP layer closed every connection before: nothing is left,
	 * but free what would be rather than leak it. */
	while (g->head) {
		struct guard_conn *c = g->head;
		g->head = c->next;
		free(c);
	}
	pthread_cond_destroy(&g->wake);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

struct guard_conn *guard_open(struct guard *g, int fd)
{
	struct guard_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = fd;
	c->phase = WAITING; /* rx_base 0: any byte received begins a request */
	pthread_mutex_lock(&g->mu);
	c->next = g->head;
	if (g->head)
		g->head->prev = c;
	g->head = c;
	pthread_mutex_unlock(&g->mu);
	return c;
}

static void set_phase(struct guard *g, struct guard_conn *c, enum phase ph,
		      int64_t deadline_ms)
{
	if (!c)
		return;
	pthread_mutex_lock(&g->mu);
	c->phase = ph;
	c->deadline_ms = deadline_ms;
	pthread_mutex_unlock(&g->mu);
}

void guard_headers_done(struct guard *g, struct guard_conn *c)
{
	set_phase(g, c, BODY, now_ms() + g->body_ms);
}

void guard_request_in(struct guard *g, struct guard_conn *c)
{
	set_phase(g, c, ANSWERING, 0);
}

void guard_answered(struct guard *g, struct guard_conn *c)
{
	uint64_t rx = 0;

	if (!c)
		return;
	/* Read before taking the lock: the descriptor is ours to read
	 * until guard_close, which only this connection's thread calls.
	 * Bytes of a next request already received (pipelined) count as
	 * the base: its deadline starts with the next byte it sends, or it
	 * is complete already and the access handler moves it on. */
	if (rx_bytes(c->fd, &rx))
		rx = 0;
	pthread_mutex_lock(&g->mu);
	c->phase = WAITING;
	c->rx_base = rx;
	pthread_mutex_unlock(&g->mu);
}

void guard_close(struct guard *g, struct guard_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&g->mu);
	if (c->prev)
		c->prev->next = c->next;
	else
		g->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&g->mu);
	free(c);
}
