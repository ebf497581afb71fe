/*
 * guard.h - the connection guard: a deadline for each part of a request a
 * client sends, enforced on the socket.
 *
 * The idle timeout counts only silence: a client that sends one header
 * line every few seconds is never idle, and a thousand such clients hold
 * every connection the server has (slowloris).  So each connection also
 * has a deadline for the part of a request it is sending:
 *
 *   waiting    no byte of the next request yet: no deadline here (the idle
 *              timeout closes an idle connection, as the server announces)
 *   headers    from the request's first byte: headers_s to end its headers
 *   body       from the end of its headers: body_s to end its body
 *   answering  the request is in: no deadline (a write waiting for its
 *              commit, an answer being sent)
 *
 * A reaper thread looks at every connection GUARD_TICK_MS apart.  The first
 * byte of a request shows as the kernel's count of bytes received on the
 * socket (TCP_INFO) moving, whatever the HTTP library has read; a
 * connection past its deadline is shut down (shutdown(2), both ways), so
 * the HTTP library reads end-of-file and closes it.  Not while bytes the
 * client sent wait unread in the kernel (FIONREAD): then the delay is the
 * server's, every HTTP thread busy, and the connection is looked at again
 * at the next tick (a slowloris client's bytes are read as they come, so
 * it is cut on time).  A deadline counts the client's time, not the
 * server's absence: when the reaper's tick comes more than a second late
 * (the process stopped, its machine paused or starved of every CPU),
 * every deadline moves on by that delay before it looks, rather than cut
 * at once each request its HTTP threads could not read while held.  The
 * guard never closes a descriptor: it stays the HTTP library's.
 *
 * Threads and ownership: guard_open returns an entry that the guard owns
 * until guard_close.  The HTTP layer calls guard_close before it closes
 * the descriptor (libmicrohttpd's NOTIFY_CLOSED comes before its close());
 * it takes the lock the reaper holds while it touches descriptors, so a
 * descriptor is never shut down once closed and perhaps reused.  Every
 * function may be called from any thread.
 */
#ifndef CN_GUARD_H
#define CN_GUARD_H

#define GUARD_TICK_MS 250

struct guard;
struct guard_conn;

/* Start the reaper.  NULL when out of memory or no thread can start. */
struct guard *guard_start(unsigned headers_s, unsigned body_s);
/* Stop the reaper and free the guard; every connection must be closed. */
void guard_stop(struct guard *g);

/* A connection accepted on socket fd, waiting for its first request.
 * NULL when out of memory (the connection then goes unguarded). */
struct guard_conn *guard_open(struct guard *g, int fd);
/* The request's headers are in: its body has body_s. */
void guard_headers_done(struct guard *g, struct guard_conn *c);
/* The whole request is in. */
void guard_request_in(struct guard *g, struct guard_conn *c);
/* The answer is done: waiting for the next request. */
void guard_answered(struct guard *g, struct guard_conn *c);
/* Before fd is closed; frees c. */
void guard_close(struct guard *g, struct guard_conn *c);

#endif
