/*
 * notify.h - what wakes the streams (api_stream.c): the change signal.
 *
 * A stream sleeps until there may be something to send.  Commits of this
 * server's writer wake them at once (notify_commit, the writer's on-commit
 * hook); commits of another process, the CLI beside the server or another
 * server on the same PostgreSQL, show only in the store's change signal
 * (store.h, data_version), which a thread of this module reads every
 * NOTIFY_POLL_MS with a reader of its own.  It also wakes every stream
 * every NOTIFY_PULSE_S seconds, so each can send its heartbeat (after
 * NOTIFY_HEARTBEAT_S quiet seconds) and see its token revoked.
 *
 * Threads: one, started by notify_start, ended by notify_stop, which
 * returns once it has.  notify_commit may be called from any thread.
 */
#ifndef CN_NOTIFY_H
#define CN_NOTIFY_H

#include "../core/err.h"
#include "http.h"

#define NOTIFY_POLL_MS 1000
#define NOTIFY_PULSE_S 5
/* A stream quiet this long sends a comment: within ~20 s, below the
 * minute after which common proxies close a silent connection. */
#define NOTIFY_HEARTBEAT_S 15

struct notify;

int notify_start(const char *db, struct http_server *http, struct notify **out,
		 struct cn_err *err) CN_NODISCARD;
/* Wake the streams now: something was committed.  arg: the notify. */
void notify_commit(void *arg);
void notify_stop(struct notify *n);

#endif
