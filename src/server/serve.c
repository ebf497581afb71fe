/*
 * serve.c - `council serve`'s lifecycle: open the writer's app, start the
 * writer, the store's watch (watch.h), the standby's monitor (standby.h,
 * with --read-db), the HTTP pool and the streams' notifier (notify.h), wait for SIGINT or SIGTERM, then stop in the order
 * that answers every queued write.  See server.h.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "../core/hook.h"
#include "api.h"
#include "cache.h"
#include "challenge.h"
#include "crypto_lib.h"
#include "ctx.h"
#include "hooks.h"
#include "notify.h"
#include "request.h"
#include "session.h"
#include "standby.h"
#include "throttle.h"
#include "watch.h"
#include "writer.h"

/* Connections the server takes at most, in all and from one address;
 * enough that a thousand slow clients, each cut off by the guard's
 * deadlines, leave room for everyone else.  Beyond either limit a new
 * connection is closed at once. */
#define CONNS_MAX 4096
#define CONNS_PER_IP 128
/* Descriptors kept for everything but connections: the listening socket,
 * epoll sets, the store and each reader's (database, WAL, shared memory),
 * files of the web page. */
#define FDS_RESERVE 256
/* Streams (GET /api/v1/events/stream) open at most, by default: each
 * holds a connection, so they may take an eighth of them at most, and
 * ordinary requests always find room. */
#define STREAMS_DEFAULT 256

/* Seconds a request's headers may take from its first byte, and its body
 * from the end of the headers (guard.h); the idle timeout is apart. */
#define HEADERS_SECONDS 10
#define BODY_SECONDS 30
/* Every 404 leaves this long after its request reached the handler
 * (http.h), so that its timing cannot tell a proposal hidden from the
 * client from one that does not exist.  Above the 99.9th percentile of
 * the work of a 404 in the release build on a loaded machine (measured:
 * docs/PERFORMANCE.md, "Sight in time"); a client waits this long for a
 * 404, which it meets only when it asks for something it cannot see. */
#define NOT_FOUND_FLOOR_US 2000
/* The environment may raise the floor (in milliseconds), never lower it:
 * the tests raise it to watch 404s held while others are answered. */
#define NOT_FOUND_FLOOR_ENV "COUNCIL_NOT_FOUND_FLOOR_MS"
#define NOT_FOUND_FLOOR_MAX_MS 60000

/* The floor of a 404, in microseconds: NOT_FOUND_FLOOR_US, or more when
 * the environment asks for more. */
static unsigned not_found_floor_us(void)
{
	const char *v = getenv(NOT_FOUND_FLOOR_ENV);
	char *end;
	unsigned long ms;

	if (!v || !*v)
		return NOT_FOUND_FLOOR_US;
	ms = strtoul(v, &end, 10);
	if (*end || ms > NOT_FOUND_FLOOR_MAX_MS || ms * 1000 < NOT_FOUND_FLOOR_US)
		return NOT_FOUND_FLOOR_US;
	return (unsigned)(ms * 1000);
}

/* How many connections the descriptors allow: raise RLIMIT_NOFILE's soft
 * limit towards CONNS_MAX + FDS_RESERVE, within the hard limit. */
static unsigned conn_capacity(int quiet)
{
	struct rlimit rl;
	rlim_t want = CONNS_MAX + FDS_RESERVE;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return CONNS_MAX; /* cannot tell: libmicrohttpd refuses past it */
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want
				      ? want
				      : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return CONNS_MAX;
	unsigned n = rl.rlim_cur > FDS_RESERVE + 16
			     ? (unsigned)(rl.rlim_cur - FDS_RESERVE)
			     : 16;
	if (!quiet)
		fprintf(stderr,
			"council: %u connections at most (RLIMIT_NOFILE %llu)\n",
			n, (unsigned long long)rl.rlim_cur);
	return n;
}

/* What a commit of the writer wakes: the streams and the webhooks. */
struct commit_hooks {
	struct notify *notify;
	struct hooks *hooks;
};

static void committed(void *arg)
{
	struct commit_hooks *c = arg;
	notify_commit(c->notify);
	hooks_wake(c->hooks);
}

/* What the start-up cost, for the operator: the snapshot the world
 * started from and the events folded after it (or the whole log). */
static void say_opened(const struct cn_app_opened *op)
{
	if (op->seq)
		fprintf(stderr, "council: the world from the snapshot at event "
			"%lld (%.1f MB) in %.0f ms, then %lld event%s in %.0f ms\n",
			(long long)op->seq, (double)op->bytes / 1e6,
			(double)op->load_us / 1e3, (long long)op->tail,
			op->tail == 1 ? "" : "s", (double)op->tail_us / 1e3);
	else
		fprintf(stderr, "council: the world folded from the whole log, "
			"%lld events, in %.0f ms (no snapshot yet)\n",
			(long long)op->tail, (double)op->tail_us / 1e3);
}

static int serve_run(const struct cn_serve_opts *o, struct cn_api *sessions,
		     struct cn_err *err)
{
	struct cn_api api = *sessions;
	struct cn_app *app;
	struct http_server *http = NULL;
	struct cn_store_watch *sw = NULL;
	struct watch *watch = NULL;
	struct http_limits lim = {
		.max_body = API_MAX_BODY,
		.max_conns = conn_capacity(o->quiet),
		.per_ip = CONNS_PER_IP,
		.timeout_s = o->timeout_s ? o->timeout_s : 15,
		.headers_s = HEADERS_SECONDS,
		.body_s = BODY_SECONDS,
		.conn_memory = 32 * 1024,
		.threads = o->threads ? o->threads : 2,
		.not_found_floor_us = not_found_floor_us(),
		.max_streams = o->max_streams ? o->max_streams : STREAMS_DEFAULT,
	};
	struct notify *notify = NULL;
	struct hooks *hooks = NULL;
	struct commit_hooks on_commit = {0};
	struct cn_app_opened opened;
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
	api.webhooks_allow_local = o->webhooks_allow_local;
	api.webhook_attempts = o->webhook_attempts ? o->webhook_attempts
						   : CN_HOOK_ATTEMPTS;
	/* libcrypto checks passkeys (crypto_lib.h): one missing stops the
	 * server now, naming it, not at someone's first sign-in. */
	if ((rc = cn_libcrypto_load(err)))
		return rc;
	if ((rc = mail_conf_set(&api.mail, o->smtp, o->mail_from,
				o->smtp_auth, o->smtp_ca, err)))
		return rc;
	/* --read-db is checked before anything starts: a standby of
	 * another store, or a SQLite --db, is refused. */
	if (o->read_db && (rc = standby_start(o->db, o->read_db,
					      o->max_read_lag_ms, o->quiet,
					      &api.standby, err)))
		return rc;
	/* The writer's app is the only read-write connection.  The store's
	 * watch (several servers on one database) is opened from it before
	 * the writer's thread owns it. */
	if ((rc = cn_app_open(o->db, 0, &app, err))) {
		standby_stop(api.standby);
		return rc;
	}
	/* (copied now: once the writer's thread owns the app, a rebuild
	 * there may change it) */
	opened = *cn_app_opened(app);
	/* A snapshot made inside a commit held every write queued behind it
	 * (about 100 ms at 100k proposals): the server makes them on a
	 * thread of their own. */
	if ((rc = cn_app_background_snapshots(app, err)) ||
	    (rc = cn_store_watch_open(cn_app_store(app), &sw, err)) ||
	    (rc = writer_start(app, &api.writer, err))) {
		cn_store_watch_close(sw);
		cn_app_close(app);
		standby_stop(api.standby);
		return rc;
	}
	if (api.standby)
		writer_want_versions(api.writer);
	if (sw && (rc = watch_start(sw, api.writer, &watch, err))) {
		writer_stop(api.writer);
		writer_free(api.writer);
		standby_stop(api.standby);
		return rc;
	}
	pthread_key_create(&api.cache_key, cache_free);
	signal(SIGPIPE, SIG_IGN);
	if (http_start(o->addr, o->port, &lim, cn_api_handle, &api, &http, msg,
		       sizeof(msg))) {
		watch_stop(watch);
		writer_stop(api.writer);
		writer_free(api.writer);
		pthread_key_delete(api.cache_key);
		standby_stop(api.standby);
		return cn_err_set(err, CN_EIO, "%s", msg);
	}
	/* Streams wake at each commit of ours, and at others' (notify.h). */
	if ((rc = notify_start(o->db, http, &notify, err))) {
		http_quiesce(http);
		watch_stop(watch);
		writer_stop(api.writer);
		http_stop(http);
		writer_free(api.writer);
		pthread_key_delete(api.cache_key);
		standby_stop(api.standby);
		return rc;
	}
	/* Webhooks follow the log from their own thread (hooks.h). */
	if ((rc = hooks_start(&api, &hooks, err))) {
		http_quiesce(http);
		watch_stop(watch);
		writer_stop(api.writer);
		notify_stop(notify);
		http_stop(http);
		writer_free(api.writer);
		pthread_key_delete(api.cache_key);
		standby_stop(api.standby);
		return rc;
	}
	on_commit.notify = notify;
	on_commit.hooks = hooks;
	writer_on_commit(api.writer, committed, &on_commit);
	if (!o->quiet) {
		fprintf(stderr, "council: serving %s on http://%s:%u/%s\n", o->db,
			o->addr, o->port,
			api.standby ? " (reads from --read-db when it can)" : "");
		say_opened(&opened);
		fflush(stderr);
	}
	sigwait(&stop, &sig);
	/* Stop taking connections, let the writer answer every queued write
	 * (resuming the suspended connections), then close the rest. */
	http_quiesce(http);
	/* The lead goes first, so another server's clock takes over while
	 * this one answers its last writes. */
	watch_stop(watch);
	/* Deliveries end before the writer, which records their attempts. */
	writer_on_commit(api.writer, notify_commit, notify);
	hooks_stop(hooks);
	writer_stop(api.writer);
	notify_stop(notify);
	http_stop(http);
	writer_free(api.writer);
	pthread_key_delete(api.cache_key);
	standby_stop(api.standby);
	if (!o->quiet)
		fprintf(stderr, "council: stopped\n");
	return 0;
}

int cn_serve(const struct cn_serve_opts *o, struct cn_err *err)
{
	/* The sign-in throttles outlive every thread that counts in them. */
	struct cn_api api = {
		.session_idle = o->session_idle ? o->session_idle
						: SESSION_IDLE_DEFAULT,
		.session_max = o->session_max ? o->session_max
					      : SESSION_MAX_DEFAULT,
		.signin_name = throttle_new(SIGNIN_FAILS_NAME, SIGNIN_WINDOW),
		.signin_addr = throttle_new(SIGNIN_FAILS_ADDR, SIGNIN_WINDOW),
		.challenge_life = o->challenge_life ? o->challenge_life
						    : CHALLENGE_LIFE_DEFAULT,
		.challenges = challenges_new(),
	};
	int rc;

	snprintf(api.rp_id, sizeof(api.rp_id), "%s", o->rp_id ? o->rp_id : "");
	snprintf(api.origin, sizeof(api.origin), "%s",
		 o->origin ? o->origin : "");
	rc = api.signin_name && api.signin_addr && api.challenges
		     ? serve_run(o, &api, err)
		     : cn_err_set(err, CN_ENOMEM, "out of memory");
	throttle_free(api.signin_name);
	throttle_free(api.signin_addr);
	challenges_free(api.challenges);
	return rc;
}
