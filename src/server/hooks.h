/*
 * hooks.h - webhook deliveries: the thread that follows the log for every
 * live webhook and sends what each owner may see (docs/WEBHOOKS.md).
 *
 * Two steps, both durable through the writer (writer.h, store writes that
 * record no event):
 *
 *  fill     for each live webhook, the events after its cursor, as GET
 *           /api/v1/log shows them to its owner token (log_page, the same
 *           sight: no second rule), filtered by its event types, become
 *           notices of the outbox (store.h) in one transaction with the
 *           cursor's move.  The log is the queue of what happened, so an
 *           event committed and not yet passed is found again after a
 *           crash; a notice, once queued, holds the exact bytes to send.
 *  deliver  notices due are claimed (HOOKS_CLAIM_SECONDS, so that another
 *           server on the same database does not send them meanwhile),
 *           sent with libcurl, HOOKS_PARALLEL at a time, each bounded by
 *           HOOKS_CONNECT_SECONDS and HOOKS_TOTAL_SECONDS, and each
 *           attempt recorded with the notice's next attempt (core/hook.h's
 *           backoff) or its end (delivered, failed after the api's
 *           webhook_attempts (serve --webhook-attempts),
 *           cancelled when the webhook or its token was revoked).
 *
 * Between the two, each round queues the reminders due before deadlines
 * (remind.h): notices of the same channel, delivered by the same step.
 *
 * E-mail (mail.h) is the same two steps on a second channel: a row whose
 * url is a mailto URI is filled into channel MAIL_CHANNEL, its notice's
 * body the whole message (hooks_body), and delivered over SMTP to serve
 * --smtp's server; without --smtp it is neither filled nor delivered
 * (hooks_fillable).  A 5xx reply fails a notice at once.
 *
 * At least once: a kill between a POST and the record of its answer sends
 * it again, with the same Council-Delivery id, which receivers use to
 * drop a duplicate.  Addresses: unless allow_local, a delivery never
 * connects to a loopback, private or link-local address, whatever the
 * URL's host name resolves to at the time (an SSRF guard checked on the
 * socket's address, not only on the URL).
 *
 * Threads: one, started by hooks_start after the writer and the HTTP
 * threads' cache key, ended by hooks_stop (before the writer stops).
 * hooks_wake may be called from any thread.
 */
#ifndef CN_HOOKS_H
#define CN_HOOKS_H

#include "../core/err.h"
#include "../store/store.h"
#include "ctx.h"

#define HOOKS_CHANNEL "webhook"
#define HOOKS_PARALLEL 8
#define HOOKS_CONNECT_SECONDS 5
#define HOOKS_TOTAL_SECONDS 10
/* A claim outlives the slowest attempt (connect and total both bounded). */
#define HOOKS_CLAIM_SECONDS 30
/* Events read for one webhook at once. */
#define HOOKS_PAGE 32
/* A look at the store at least this often (others' commits, retries). */
#define HOOKS_POLL_MS 1000
/* A commit wakes the thread, but rounds are at least this far apart
 * unless the last one left work to do: a notice is delivered at most
 * this much later, and a stream of writes costs a round per
 * HOOKS_COALESCE_MS, not one per commit. */
#define HOOKS_COALESCE_MS 50

struct hooks;

int hooks_start(struct cn_api *api, struct hooks **out, struct cn_err *err)
	CN_NODISCARD;
/* Look now: something was committed.  arg: the hooks. */
void hooks_wake(void *arg);
void hooks_stop(struct hooks *h);

/* The outbox channel of subscription w: HOOKS_CHANNEL, or MAIL_CHANNEL
 * for an e-mail subscription (a mailto row; mail.h). */
const char *hooks_channel(const struct cn_webhook *w);

/* Whether the thread fills and reminds for w now: a webhook always; an
 * e-mail subscription when the server has --smtp and its stored URI
 * reads (else it waits, its cursor kept). */
int hooks_fillable(const struct cn_api *api, const struct cn_webhook *w);

/* The body queued for w's notice (kind, ref): *body, a webhook's JSON,
 * as it is for a webhook; for an e-mail subscription, replaced by the
 * message made from it (mail_compose) and *len set.  0, or the error. */
int hooks_body(const struct cn_api *api, const struct cn_webhook *w,
	       const char *kind, const char *ref, int64_t now, char **body,
	       size_t *len, struct cn_err *err) CN_NODISCARD;

/* Whether url may be a webhook's: http or https, a host, no user or
 * password, not over CN_WEBHOOK_URL_MAX; and, unless allow_local, no
 * loopback, private or link-local address literal and no "localhost".
 * 0, or CN_EINVAL with a message that names what is wrong (hook_url.c,
 * with hook_secret_new: what a webhook is made with). */
int hook_url_check(const char *url, int allow_local, struct cn_err *err)
	CN_NODISCARD;

/* Store webhook w (owner, url, secret, types set; inside a write
 * transaction), made at `now`: it follows the log from its end as it is
 * now (what was recorded before is not sent).  Sets w's id, created and
 * cursor. */
int hook_store(struct cn_store *st, int64_t now, struct cn_webhook *w,
	       struct cn_err *err) CN_NODISCARD;

/* One attempt of the delivery log as the API and `council webhook
 * deliveries --json` show it (a new reference; NULL when out of memory). */
json_t *hook_attempt_json(const struct cn_attempt *a);

/* A new secret, "whsec_" and 43 characters of base64url (32 random bytes
 * from libsodium), into out (CN_HOOK_SECRET_LEN + 1 bytes). */
#define CN_HOOK_SECRET_LEN 49
void hook_secret_new(char out[CN_HOOK_SECRET_LEN + 1]);

#endif
