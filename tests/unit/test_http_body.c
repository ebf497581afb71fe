/*
 * test_http_body.c - the HTTP layer (src/server/http_mhd.c) when memory
 * runs out collecting a request's body: the answer is the server's
 * failure, a 500 that says out of memory, never the client's (400), and
 * never a connection closed without an answer.
 *
 * How.  Like test_server_json, with -Wl,--wrap=realloc (meson.build):
 * every realloc of the statically linked http_mhd.c goes through
 * __wrap_realloc, which fails them all while armed.  libmicrohttpd's own
 * allocations are its shared library's, out of reach, so the only one
 * that fails on a request's way in is the body's buffer; arming a flag,
 * not an Nth allocation, keeps the server's threads out of the count.
 * A real server on 127.0.0.1 answers a real POST, read from the socket.
 *
 * Also the layer's stop (http_quiesce, then http_stop), as `serve` makes
 * it: a server of several threads, at its connection limit and back,
 * stopped again and again, turns new connections away from the quiesce
 * on, and neither aborts (libmicrohttpd's own quiesce could: see
 * http_quiesce) nor races its threads (ThreadSanitizer, `make tsan`).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "server/http.h"

static atomic_int failing;

void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n)
{
	return atomic_load(&failing) ? NULL : __real_realloc(p, n);
}

/* Answers 200 with the length of the body it was given. */
static void handler(void *ctx, const struct http_request *req,
		    struct http_response *res)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "{\"len\":%zu}", req->body_len);
	(void)ctx;

	res->status = 200;
	res->content_type = "application/json";
	res->body = strdup(buf);
	res->len = res->body ? (size_t)n : 0;
}

/* A port free a moment ago on 127.0.0.1. */
static unsigned free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* POST body to the server; the whole answer (the server closes) into
 * out, "" when the connection closed without one. */
static void post(unsigned port, const char *body, char *out, size_t cap)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port)};
	char req[512];
	int fd = socket(AF_INET, SOCK_STREAM, 0), n;
	size_t got = 0;
	ssize_t r;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	n = snprintf(req, sizeof(req),
		     "POST /api/v1/proposals HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		     "Content-Type: application/json\r\nContent-Length: %zu\r\n"
		     "Connection: close\r\n\r\n%s", strlen(body), body);
	assert_int_equal(write(fd, req, (size_t)n), n);
	while (got + 1 < cap && (r = read(fd, out + got, cap - 1 - got)) > 0)
		got += (size_t)r;
	out[got] = '\0';
	close(fd);
}

static void test_body_out_of_memory(void **state)
{
	const struct http_limits lim = {
		.max_body = 1 << 16, .max_conns = 8, .per_ip = 8,
		.timeout_s = 10, .headers_s = 10, .body_s = 10,
		.conn_memory = 32 * 1024, .threads = 2, .max_streams = 1,
	};
	struct http_server *srv = NULL;
	char errbuf[256], answer[4096];
	unsigned port = free_port();
	(void)state;

	if (http_start("127.0.0.1", port, &lim, handler, NULL, &srv, errbuf,
		       sizeof(errbuf)))
		fail_msg("http_start: %s", errbuf);
	/* With memory: the handler's answer. */
	post(port, "{\"title\": \"A title\"}", answer, sizeof(answer));
	if (!strstr(answer, " 200 ") || !strstr(answer, "{\"len\":20}"))
		fail_msg("clean: '%s'", answer);
	/* Without: the server's failure, said. */
	atomic_store(&failing, 1);
	post(port, "{\"title\": \"A title\"}", answer, sizeof(answer));
	atomic_store(&failing, 0);
	if (!strstr(answer, " 500 ") || !strstr(answer, "out of memory"))
		fail_msg("body's buffer not allocated: '%s'", answer);
	http_stop(srv);
}

/* A connection to the port (-1 when refused), left idle. */
static int connect_to(unsigned port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Whether a connection to the port is turned away now: refused, or
 * closed with no answer (and not, within 60 s, left open). */
static int turned_away(unsigned port)
{
	struct timeval wait = {.tv_sec = 60};
	char c;
	int fd = connect_to(port);
	ssize_t n;

	if (fd < 0)
		return 1;
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait,
				    sizeof(wait)), 0);
	n = read(fd, &c, 1);
	close(fd);
	return n == 0 || (n < 0 && errno == ECONNRESET);
}

static void test_quiesce_then_stop(void **state)
{
	const struct http_limits lim = {
		.max_body = 1 << 16, .max_conns = 8, .per_ip = 8,
		.timeout_s = 10, .headers_s = 10, .body_s = 10,
		.conn_memory = 32 * 1024, .threads = 4, .max_streams = 1,
	};
	char errbuf[256], answer[4096];
	(void)state;

	for (int round = 0; round < 400; round++) {
		struct http_server *srv = NULL;
		unsigned port = free_port();

		if (http_start("127.0.0.1", port, &lim, handler, NULL, &srv,
			       errbuf, sizeof(errbuf)))
			fail_msg("round %d: http_start: %s", round, errbuf);
		post(port, "{}", answer, sizeof(answer));
		if (!strstr(answer, " 200 "))
			fail_msg("round %d: '%s'", round, answer);
		/* At its connection limit, a thread takes the listening socket
		 * out of its epoll set, and puts it back as one closes: the
		 * quiesce comes while they do. */
		int idle[8];
		for (int i = 0; i < 8; i++)
			idle[i] = connect_to(port);
		for (int i = 0; i < 8; i++)
			if (idle[i] >= 0)
				close(idle[i]);
		http_quiesce(srv);
		if (!turned_away(port))
			fail_msg("round %d: a connection was taken after the "
				 "quiesce", round);
		http_stop(srv);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body_out_of_memory),
		cmocka_unit_test(test_quiesce_then_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
