/*
 * notice.h - part of the store contract (store.h, which includes it):
 * webhooks and the notification outbox, the cn_store_* functions
 * store/notice.c implements above the backends (sqlite_hooks.c,
 * pg_hooks.c).  Kept apart so that store.h stays one screenful of
 * concepts; include store.h, not this file.
 *
 * A webhook is a subscription of one bearer token, or of a person's
 * holder (store.h, cn_store_person_holder), its owner, to the log as that
 * owner sees it: a URL, the secret its deliveries are signed
 * with, an optional filter of event types, and a cursor, the last seq the
 * notifier has passed for it.  The log is the queue of what happened;
 * the outbox (table notices; struct cn_notice, since core's procedures
 * call the events a command returns its outbox) is the queue of what is
 * to be sent: one row per notification, made once (unique by channel,
 * target and ref), with the exact body to send, its state and its next attempt, so that nothing is
 * lost across a crash and a retry sends the same bytes.  The outbox knows
 * channels ("webhook", its reminders too; "email", server/mail.h, for a
 * webhook row whose url is a mailto URI), not webhooks;
 * each attempt is a row of the delivery log.  Credentials beside the
 * log, not in it, as tokens are: none of this appends an event.  The
 * tables are made on the first writable open (as snapshots are). */
#ifndef CN_STORE_NOTICE_H
#define CN_STORE_NOTICE_H

/* Included by store.h, after struct cn_store and struct cn_err. */

#define CN_WEBHOOK_URL_MAX 2000
#define CN_WEBHOOK_TYPES_MAX 600
#define CN_WEBHOOK_REMIND_MAX 40

struct cn_webhook {
	int64_t id;
	int64_t owner;         /* the bearer token that made it */
	char role[16];         /* the owner's role and code, as its row says */
	char principal[16];
	char url[CN_WEBHOOK_URL_MAX + 1];
	char secret[64];
	char types[CN_WEBHOOK_TYPES_MAX + 1]; /* "a,b": event types; "": all */
	char remind[CN_WEBHOOK_REMIND_MAX + 1]; /* reminder offsets, seconds,
						 * "86400,7200" (core/remind.h);
						 * "": none */
	char created[32];
	char revoked[32];      /* "" while live */
	int64_t cursor;        /* every event up to here was passed */
};
typedef int (*cn_webhook_fn)(void *ctx, const struct cn_webhook *w,
			     struct cn_err *err);

/* Store a webhook (inside a transaction) from w's owner, url, secret,
 * types, remind, created and cursor; *id gets its id.  CN_ENOTFOUND when
 * owner is no valid bearer token or live holder. */
int cn_store_webhook_add(struct cn_store *st, const struct cn_webhook *w,
			 int64_t *id, struct cn_err *err) CN_NODISCARD;
/* The live webhooks (not revoked, owner token valid, its person if any
 * not disabled), by id: of token `owner`, or every one when owner is 0;
 * id > 0: only that one. */
int cn_store_webhooks(struct cn_store *st, int64_t owner, int64_t id,
		      cn_webhook_fn fn, void *ctx, struct cn_err *err)
	CN_NODISCARD;
/* The same, of owner (0: all), a page: those above id `after` (0: from
 * the first), at most `limit`. */
int cn_store_webhook_page(struct cn_store *st, int64_t owner, int64_t after,
			  int64_t limit, cn_webhook_fn fn, void *ctx,
			  struct cn_err *err) CN_NODISCARD;
/* CN_ENOTFOUND when there is no live webhook with that id. */
int cn_store_webhook_revoke(struct cn_store *st, int64_t id, int64_t now,
			    struct cn_err *err) CN_NODISCARD;
/* Move a webhook's cursor forward to `cursor` (never back). */
int cn_store_webhook_advance(struct cn_store *st, int64_t id, int64_t cursor,
			     struct cn_err *err) CN_NODISCARD;

/* A notification: to `target` of `channel` (a webhook's id), about `ref`
 * (unique per channel and target: for a webhook, the event's seq), of
 * `kind` (the event's type), the body to send as it is. */
struct cn_notice {
	int64_t id;
	const char *channel, *kind, *ref;
	int64_t target;
	const char *body;
	size_t len;
	int64_t created;   /* unix seconds */
	int64_t next_at;   /* the next attempt, unix seconds */
	int64_t attempts;  /* made so far */
	const char *state; /* pending | delivered | failed | cancelled */
};
typedef int (*cn_notice_fn)(void *ctx, const struct cn_notice *it,
			    struct cn_err *err);
/* Queue an item (inside a transaction); one with the same channel,
 * target and ref is kept as it was (*added 0, else 1; may pass NULL). */
int cn_store_notice_add(struct cn_store *st, const struct cn_notice *it,
			int *added, struct cn_err *err) CN_NODISCARD;
/* When the next pending item of a channel is due (unix seconds; an item
 * claimed is due when its claim ends), or CN_ENOTFOUND when none is. */
int cn_store_notice_next(struct cn_store *st, const char *channel,
			 int64_t *at, struct cn_err *err) CN_NODISCARD;
/* Claim at most `limit` pending items of a channel due at `now`, oldest
 * due first, until `until` (inside a write transaction, so two claimers
 * never take the same item while the claim holds), and give each to fn. */
int cn_store_notice_claim(struct cn_store *st, const char *channel,
			  int64_t now, int64_t until, int limit,
			  cn_notice_fn fn, void *ctx, struct cn_err *err)
	CN_NODISCARD;

/* One attempt at an item: the delivery log's row. */
struct cn_attempt {
	int64_t item;      /* the outbox item */
	int64_t attempt;   /* 1, 2, ... */
	int64_t time;      /* unix seconds */
	int status;        /* the HTTP status, 0 when none came */
	const char *error; /* what went wrong, NULL when it worked */
	int64_t next_at;   /* the retry, 0 when none */
	const char *state; /* the item's state after it */
	/* read back with cn_store_notice_log: */
	const char *ref, *kind;
};
typedef int (*cn_attempt_fn)(void *ctx, const struct cn_attempt *a,
			     struct cn_err *err);
/* Record an attempt (inside a transaction) and set the item's state,
 * attempts and next attempt from it, ending its claim. */
int cn_store_notice_attempt(struct cn_store *st, const struct cn_attempt *a,
			    struct cn_err *err) CN_NODISCARD;
/* The delivery log of one target of a channel: its attempts, newest
 * first, at most limit. */
int cn_store_notice_log(struct cn_store *st, const char *channel,
			int64_t target, int64_t limit, cn_attempt_fn fn,
			void *ctx, struct cn_err *err) CN_NODISCARD;

/* ---- copying (council migrate, app/migrate.c) ------------------------------
 * Every row as stored and each stored again as given, ids included, so a
 * copied store delivers from where the original stopped: webhooks (revoked
 * ones too: their notices and log name them), their secrets and cursors,
 * the outbox in every state, every attempt of the delivery log.  A claim
 * is not copied: it is a running server's lease on the original, and a
 * notice claimed there is due again on the copy (sent again: at least
 * once). */

/* Every webhook, revoked or not, by id; CN_ENOTFOUND when the store has
 * no webhook tables (made before them and opened read-only). */
int cn_store_webhook_rows(struct cn_store *st, cn_webhook_fn fn, void *ctx,
			  struct cn_err *err) CN_NODISCARD;
/* Every notice, in any state, by id (claims not given). */
int cn_store_notice_rows(struct cn_store *st, cn_notice_fn fn, void *ctx,
			 struct cn_err *err) CN_NODISCARD;
/* Every attempt, by item and attempt (state: its notice's). */
int cn_store_attempt_rows(struct cn_store *st, cn_attempt_fn fn, void *ctx,
			  struct cn_err *err) CN_NODISCARD;
/* Store one as given (inside a transaction); a notice unclaimed, an
 * attempt without touching its notice. */
int cn_store_webhook_put(struct cn_store *st, const struct cn_webhook *w,
			 struct cn_err *err) CN_NODISCARD;
int cn_store_notice_put(struct cn_store *st, const struct cn_notice *it,
			struct cn_err *err) CN_NODISCARD;
int cn_store_attempt_put(struct cn_store *st, const struct cn_attempt *a,
			 struct cn_err *err) CN_NODISCARD;

/* For the backends: the tokens row `t` (a webhook's or feed key's owner)
 * is not a disabled person's holder (cn_store_person_holder).  A bearer
 * token's row names no person and passes. */
#define CN_SQL_HOLDER_LIVE(t)                                                 \
	" NOT EXISTS (SELECT 1 FROM people hp WHERE hp.id = " t ".person"     \
	" AND hp.disabled IS NOT NULL)"

#endif
