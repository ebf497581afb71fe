/*
 * notice.c - webhooks and the notification outbox above the backends
 * (store.h): the checks every backend would otherwise repeat, then the
 * backend's operation.  What the rows mean (who sees what, what a body
 * holds, when to try again) is decided above the store (server/hooks.c,
 * core/hook.c).
 */
#include "internal.h"

#include <assert.h>
#include <string.h>

#include "../core/timeutil.h"

/* The outbox's states, as the tables' CHECK constraints name them. */
static int known_state(const char *s)
{
	static const char *const states[] = {"pending", "delivered", "failed",
					     "cancelled", NULL};
	for (int i = 0; s && states[i]; i++)
		if (!strcmp(s, states[i]))
			return 1;
	return 0;
}

int cn_store_webhook_add(struct cn_store *st, const struct cn_webhook *w,
			 int64_t *id, struct cn_err *err)
{
	assert(w->owner > 0 && w->url[0] && w->secret[0] && w->created[0]);
	return st->ops->webhook_add(st->b, w, id, err);
}

int cn_store_webhooks(struct cn_store *st, int64_t owner, int64_t id,
		      cn_webhook_fn fn, void *ctx, struct cn_err *err)
{
	return st->ops->webhooks(st->b, owner, id, 0, INT64_MAX, fn, ctx, err);
}

int cn_store_webhook_page(struct cn_store *st, int64_t owner, int64_t after,
			  int64_t limit, cn_webhook_fn fn, void *ctx,
			  struct cn_err *err)
{
	assert(after >= 0 && limit >= 1);
	return st->ops->webhooks(st->b, owner, 0, after, limit, fn, ctx, err);
}

int cn_store_webhook_revoke(struct cn_store *st, int64_t id, int64_t now,
			    struct cn_err *err)
{
	char t[CN_TIME_BUF];
	return st->ops->webhook_revoke(st->b, id, cn_time_format(now, t), err);
}

int cn_store_webhook_advance(struct cn_store *st, int64_t id, int64_t cursor,
			     struct cn_err *err)
{
	return st->ops->webhook_advance(st->b, id, cursor, err);
}

int cn_store_notice_add(struct cn_store *st, const struct cn_notice *it,
			int *added, struct cn_err *err)
{
	int dummy;

	assert(it->channel && it->kind && it->ref && it->body);
	return st->ops->notice_add(st->b, it, added ? added : &dummy, err);
}

int cn_store_notice_next(struct cn_store *st, const char *channel,
			 int64_t *at, struct cn_err *err)
{
	return st->ops->notice_next(st->b, channel, at, err);
}

int cn_store_notice_claim(struct cn_store *st, const char *channel,
			  int64_t now, int64_t until, int limit,
			  cn_notice_fn fn, void *ctx, struct cn_err *err)
{
	assert(until > now && limit > 0);
	return st->ops->notice_claim(st->b, channel, now, until, limit, fn, ctx,
				     err);
}

int cn_store_notice_attempt(struct cn_store *st, const struct cn_attempt *a,
			    struct cn_err *err)
{
	if (!known_state(a->state))
		return cn_err_set(err, CN_EINVAL, "outbox state '%s' unknown",
				  a->state ? a->state : "(none)");
	assert(a->item > 0 && a->attempt > 0);
	return st->ops->notice_attempt(st->b, a, err);
}

int cn_store_notice_log(struct cn_store *st, const char *channel,
			int64_t target, int64_t limit, cn_attempt_fn fn,
			void *ctx, struct cn_err *err)
{
	return st->ops->notice_log(st->b, channel, target, limit, fn, ctx, err);
}

int cn_store_webhook_rows(struct cn_store *st, cn_webhook_fn fn, void *ctx,
			  struct cn_err *err)
{
	return st->ops->webhook_rows(st->b, fn, ctx, err);
}

int cn_store_notice_rows(struct cn_store *st, cn_notice_fn fn, void *ctx,
			 struct cn_err *err)
{
	return st->ops->notice_rows(st->b, fn, ctx, err);
}

int cn_store_attempt_rows(struct cn_store *st, cn_attempt_fn fn, void *ctx,
			  struct cn_err *err)
{
	return st->ops->attempt_rows(st->b, fn, ctx, err);
}

int cn_store_webhook_put(struct cn_store *st, const struct cn_webhook *w,
			 struct cn_err *err)
{
	if (w->id < 1 || w->owner < 1 || !w->url[0] || !w->secret[0] ||
	    !w->created[0])
		return cn_err_set(err, CN_ECORRUPT, "webhook %lld: its id, owner, "
				  "url, secret or date is missing",
				  (long long)w->id);
	return st->ops->webhook_put(st->b, w, err);
}

int cn_store_notice_put(struct cn_store *st, const struct cn_notice *it,
			struct cn_err *err)
{
	if (it->id < 1 || !it->channel || !it->kind || !it->ref || !it->body ||
	    !known_state(it->state))
		return cn_err_set(err, CN_ECORRUPT, "notice %lld: its id, channel, "
				  "kind, ref, body or state is missing or "
				  "unknown", (long long)it->id);
	return st->ops->notice_put(st->b, it, err);
}

int cn_store_attempt_put(struct cn_store *st, const struct cn_attempt *a,
			 struct cn_err *err)
{
	if (a->item < 1 || a->attempt < 1)
		return cn_err_set(err, CN_ECORRUPT, "delivery %lld attempt %lld: "
				  "not a delivery", (long long)a->item,
				  (long long)a->attempt);
	return st->ops->attempt_put(st->b, a, err);
}
