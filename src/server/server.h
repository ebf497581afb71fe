/*
 * server.h - `council serve`: the HTTP/JSON API over one store.
 *
 * Threads: libmicrohttpd's pool answers requests; each pool thread reads
 * through its own read-only view of the store (the app's reader,
 * reader.h), with caches kept until another connection commits
 * (cache.h).  Every write goes to the single writer thread (writer.h),
 * which commits waiting writes together and runs the deadline clock.
 *
 * Who may see what (access.h; docs/ARCHITECTURE.md, "Access"): the
 * secretariat sees everything; a member delegation sees the proposals of
 * the bodies its member sits on today, with everyone's positions; a
 * partner sees the proposals shared with partners, without positions; and
 * every principal sees what the public sees, the registry and the adopted
 * decisions, without positions.  What a principal may not see answers
 * 404, so its existence does not leak; and every 404 leaves at the same
 * floor after the request came in (http.h), so neither does its time.
 */
#ifndef CN_SERVER_H
#define CN_SERVER_H

#include <stdint.h>

#include "../core/err.h"

struct cn_serve_opts {
	const char *db;
	const char *addr;     /* "127.0.0.1" */
	unsigned port;
	unsigned threads;     /* HTTP pool size */
	unsigned timeout_s;   /* idle connections are closed after (slow ones:
			       * the guard's deadlines, guard.h) */
	const char *web;      /* directory of the web page (index.html), or NULL */
	/* The public and partners see checkpoints (and proofs, and the log)
	 * only as of the last multiple of this many seconds; 0: every
	 * commit's (access.h). */
	int64_t public_checkpoint_every;
	unsigned max_streams; /* event streams open at most (0: the default) */
	/* A hot standby of db that answers reads (standby.h), or NULL; and
	 * how far behind it may be for them, in milliseconds. */
	const char *read_db;
	int64_t max_read_lag_ms;
	/* Webhooks may name and reach loopback and private addresses (an
	 * SSRF guard lifted: for tests and closed networks; hooks.h). */
	int webhooks_allow_local;
	/* Attempts a webhook delivery gets before it is failed; 0: the
	 * default, CN_HOOK_ATTEMPTS (core/hook.h). */
	int64_t webhook_attempts;
	/* E-mail notifications (mail.h): the SMTP URL, the sender, a file
	 * of credentials, the CAs for its certificate; smtp NULL: no
	 * e-mail. */
	const char *smtp, *mail_from, *smtp_auth, *smtp_ca;
	/* A person's session ends after this many seconds without a
	 * request, and this many after sign-in; 0: the defaults
	 * (session.h). */
	int64_t session_idle, session_max;
	/* Passkeys: the Relying Party id and the page's origin, both NULL
	 * (no passkeys) or both set; a challenge's life in seconds (0: the
	 * default, challenge.h). */
	const char *rp_id, *origin;
	int64_t challenge_life;
	int quiet;
};

/* Serve until SIGINT or SIGTERM.  Returns 0 after a clean shutdown. */
int cn_serve(const struct cn_serve_opts *o, struct cn_err *err) CN_NODISCARD;

#endif
