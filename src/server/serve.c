/*
 * serve.c - `council serve`'s lifecycle: open the writer's app, start the
 * writer and the HTTP pool, wait for SIGINT or SIGTERM, then stop in the
 * order that answers every queued write.  See server.h.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

#include "api.h"
#include "cache.h"
#include "ctx.h"
#include "request.h"
#include "writer.h"

int cn_serve(const struct cn_serve_opts *o, struct cn_err *err)
{
	struct cn_api api = {0};
	struct cn_app *app;
	struct http_server *http = NULL;
	struct http_limits lim = {
		.max_body = API_MAX_BODY,
		.max_conns = 512,
		.timeout_s = o->timeout_s ? o->timeout_s : 15,
		.conn_memory = 32 * 1024,
		.threads = o->threads ? o->threads : 2,
	};
	char msg[256];
	int rc;

	/* SIGINT and SIGTERM are taken by sigwait() below: block them before
	 * any thread starts, so every thread inherits the mask and none can
	 * swallow the signal (a handler and pause() could miss one). */
	sigset_t stop;
	int sig;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	snprintf(api.db, sizeof(api.db), "%s", o->db);
	snprintf(api.web, sizeof(api.web), "%s", o->web ? o->web : "");
	api.public_checkpoint_every = o->public_checkpoint_every;
	/* The writer's app is the only read-write connection. */
	if ((rc = cn_app_open(o->db, 0, &app, err)))
		return rc;
	if ((rc = writer_start(app, &api.writer, err))) {
		cn_app_close(app);
		return rc;
	}
	pthread_key_create(&api.cache_key, cache_free);
	signal(SIGPIPE, SIG_IGN);
	if (http_start(o->addr, o->port, &lim, cn_api_handle, &api, &http, msg,
		       sizeof(msg))) {
		writer_stop(api.writer);
		writer_free(api.writer);
		pthread_key_delete(api.cache_key);
		return cn_err_set(err, CN_EIO, "%s", msg);
	}
	if (!o->quiet) {
		fprintf(stderr, "council: serving %s on http://%s:%u/\n", o->db,
			o->addr, o->port);
		fflush(stderr);
	}
	sigwait(&stop, &sig);
	/* Stop taking connections, let the writer answer every queued write
	 * (resuming the suspended connections), then close the rest. */
	http_quiesce(http);
	writer_stop(api.writer);
	http_stop(http);
	writer_free(api.writer);
	pthread_key_delete(api.cache_key);
	if (!o->quiet)
		fprintf(stderr, "council: stopped\n");
	return 0;
}
