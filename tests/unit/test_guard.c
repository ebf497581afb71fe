/*
 * test_guard.c - the connection guard (src/server/guard.c) alone, with its
 * reaper thread, on real TCP connections over 127.0.0.1.
 *
 * A request's headers have a deadline from its first byte.  What the
 * guard must tell apart: a client that is slow (it sends its headers a
 * byte at a time, and the server reads each as it comes) is cut at the
 * deadline; a client whose whole request sits unread in the kernel because
 * the server is too busy to read it (a loaded machine: every HTTP thread
 * occupied) is not the client's fault, and is not cut until the server
 * has read what it sent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/guard.h"

/* A connected pair over loopback TCP: *cl the client's end, *sv the
 * server's (as accept gives it). */
static void tcp_pair(int *cl, int *sv)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(l >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&a, &len), 0);
	*cl = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(*cl, (struct sockaddr *)&a, sizeof(a)), 0);
	*sv = accept(l, NULL, NULL);
	assert_true(*sv >= 0);
	close(l);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Whether the server's end was shut down (the guard's cut): a read on
 * the client's end sees end-of-file. */
static int cut(int cl)
{
	struct pollfd p = {cl, POLLIN, 0};
	char c;

	return poll(&p, 1, 0) == 1 && recv(cl, &c, 1, MSG_DONTWAIT) == 0;
}

static const char request[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

/* The whole request sent, never read by the server: past the 1 s
 * deadline (and ticks after), the connection stands. */
static void test_unread_request_not_cut(void **state)
{
	struct guard *g = guard_start(1, 1);
	struct guard_conn *c;
	int cl, sv;

	(void)state;
	assert_non_null(g);
	tcp_pair(&cl, &sv);
	assert_non_null(c = guard_open(g, sv));
	assert_int_equal(send(cl, request, sizeof(request) - 1, 0),
			 (ssize_t)sizeof(request) - 1);
	sleep_ms(2500);
	assert_false(cut(cl));
	/* Read now, the headers not yet said done: the deadline has passed,
	 * so the next ticks cut it. */
	{
		char buf[256];
		assert_int_equal(recv(sv, buf, sizeof(buf), 0),
				 (ssize_t)sizeof(request) - 1);
	}
	for (int i = 0; i < 300 && !cut(cl); i++)
		sleep_ms(100);
	assert_true(cut(cl)); /* (a bound for a failure only: a tick is 250 ms) */
	guard_close(g, c);
	close(sv);
	close(cl);
	guard_stop(g);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A slow client, each byte read as it comes: cut, and never before the
 * deadline (1 s from its first byte).  Only a lower bound on time is
 * asserted, which the guard gives by construction; the upper one is a
 * failure's bound (the request's 35 bytes, 100 ms apart or slower). */
static void test_slow_client_cut(void **state)
{
	struct guard *g = guard_start(1, 1);
	struct guard_conn *c;
	int cl, sv, n = 0;
	int64_t first;
	char buf[8];

	(void)state;
	assert_non_null(g);
	tcp_pair(&cl, &sv);
	assert_non_null(c = guard_open(g, sv));
	first = now_ms();
	for (; n < (int)sizeof(request) - 2 && !cut(cl); n++) {
		if (send(cl, request + n, 1, MSG_NOSIGNAL) != 1)
			break;
		sleep_ms(100);
		(void)recv(sv, buf, sizeof(buf), MSG_DONTWAIT);
	}
	for (int i = 0; i < 300 && !cut(cl); i++)
		sleep_ms(100);
	assert_true(cut(cl));
	assert_true(now_ms() - first >= 1000);
	guard_close(g, c);
	close(sv);
	close(cl);
	guard_stop(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unread_request_not_cut),
		cmocka_unit_test(test_slow_client_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
