/*
 * people.c - people and sessions above the backends (store/people.h):
 * the checks every backend would otherwise repeat, then the backend's
 * operation.  What a password or a session's expiry means is decided
 * above the store (app/people.c, server/session.c).
 */
#include "internal.h"

#include <assert.h>
#include <string.h>

#include "../core/timeutil.h"

static inline int known_role(const char *r) /* in assertions only */
{
	return !strcmp(r, "secretariat") || !strcmp(r, "member") ||
	       !strcmp(r, "partner");
}

int cn_store_person_add(struct cn_store *st, const struct cn_person *p,
			int64_t now, int64_t *id, struct cn_err *err)
{
	char t[CN_TIME_BUF];

	int rc;

	assert(p->name[0] && known_role(p->role) && p->pwhash[0]);
	assert(!strcmp(p->role, "secretariat") ? !p->principal[0]
					       : p->principal[0] != '\0');
	/* Names are unique for good, so a disabled person's name never
	 * signs someone else in to what the log says it did. */
	rc = st->ops->people(st->b, p->name, 0, 0, 0, NULL, NULL, err);
	if (rc == 0)
		return cn_err_set(err, CN_EREFUSED,
				  "a person named '%s' exists already", p->name);
	if (rc != CN_ENOTFOUND)
		return rc;
	return st->ops->person_add(st->b, p, cn_time_format(now, t), id, err);
}

int cn_store_people(struct cn_store *st, const char *name, int64_t id,
		    cn_person_fn fn, void *ctx, struct cn_err *err)
{
	assert(name || id > 0);
	return st->ops->people(st->b, name, id, 0, 0, fn, ctx, err);
}

int cn_store_people_list(struct cn_store *st, int64_t after, int64_t limit,
			 cn_person_fn fn, void *ctx, struct cn_err *err)
{
	assert(after >= 0 && limit >= 1);
	return st->ops->people(st->b, NULL, 0, after, limit, fn, ctx, err);
}

int cn_store_person_disable(struct cn_store *st, int64_t id, int64_t now,
			    struct cn_err *err)
{
	char t[CN_TIME_BUF];
	return st->ops->person_disable(st->b, id, cn_time_format(now, t), now,
				       err);
}

int cn_store_person_password(struct cn_store *st, int64_t id,
			     const char *pwhash, struct cn_err *err)
{
	assert(pwhash && pwhash[0] && strlen(pwhash) < CN_PWHASH_MAX);
	return st->ops->person_password(st->b, id, pwhash, err);
}

int cn_store_person_copy(struct cn_store *st, const struct cn_person *p,
			 struct cn_err *err)
{
	assert(p->id > 0 && p->name[0] && known_role(p->role) && p->pwhash[0] &&
	       p->created[0]);
	return st->ops->person_put(st->b, p, err);
}

int cn_store_session_add(struct cn_store *st, const struct cn_session *s,
			 struct cn_err *err)
{
	assert(s->person > 0 && s->created <= s->seen && s->seen <= s->expires);
	return st->ops->session_add(st->b, s, err);
}

int cn_store_session_find(struct cn_store *st, const uint8_t hash[CN_HASH_LEN],
			  struct cn_session *s, struct cn_person *p,
			  struct cn_err *err)
{
	memset(s, 0, sizeof(*s));
	memset(p, 0, sizeof(*p));
	return st->ops->session_find(st->b, hash, s, p, err);
}

int cn_store_session_seen(struct cn_store *st, int64_t id, int64_t seen,
			  struct cn_err *err)
{
	return st->ops->session_seen(st->b, id, seen, err);
}

int cn_store_session_end(struct cn_store *st, const uint8_t hash[CN_HASH_LEN],
			 int64_t now, struct cn_err *err)
{
	return st->ops->session_end(st->b, hash, now, err);
}
