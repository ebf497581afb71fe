/* cache.c - per-thread readers and their caches; see cache.h. */
#include "cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../app/lists.h"
#include "access.h"
#include "standby.h"

#define CACHE_SLOTS 64

/* What one database gives a thread: its reader, its lists' connection
 * and the views rendered from it.  Never mixed: a request reads one side
 * alone. */
struct side {
	struct cn_reader *rd;
	struct cn_store *lists; /* the paged lists' connection, on first use */
	struct cached_view views[CACHE_SLOTS];
	int nviews;
};

struct cache {
	struct side primary;
	struct side replica;    /* --read-db's, opened on first use */
	struct side *cur;       /* the side of this request */
	struct {
		uint8_t hash[CN_HASH_LEN];
		struct cn_principal who;
	} tokens[CACHE_SLOTS];
	int ntokens;
};

static void drop_views(struct side *d)
{
	for (int i = 0; i < d->nviews; i++) {
		free(d->views[i].text);
		free(d->views[i].redacted);
	}
	d->nviews = 0;
}

static void side_close(struct side *d)
{
	drop_views(d);
	cn_reader_close(d->rd);
	cn_store_close(d->lists);
	memset(d, 0, sizeof(*d));
}

/* Bring a side up to date with its database's last commit (opening its
 * reader first); on error the side starts again at its next refresh. */
static int side_refresh(struct side *d, const char *db, unsigned *moved,
			struct cn_err *err)
{
	int rc;

	*moved = 0;
	if (!d->rd && (rc = cn_reader_open(db, &d->rd, err)))
		return rc;
	if ((rc = cn_reader_refresh(d->rd, moved, err))) {
		drop_views(d);
		return rc;
	}
	if (*moved & CN_READER_DATA)
		drop_views(d);
	return 0;
}

void cache_free(void *p)
{
	struct cache *c = p;
	if (!c)
		return;
	side_close(&c->primary);
	side_close(&c->replica);
	free(c);
}

struct cache *cache_get(struct cn_api *api, struct cn_err *err)
{
	struct cache *c = pthread_getspecific(api->cache_key);
	unsigned moved;

	if (!c) {
		if (!(c = calloc(1, sizeof(*c)))) {
			cn_err_set(err, CN_ENOMEM, "out of memory");
			return NULL;
		}
		if (cn_reader_open(api->db, &c->primary.rd, err)) {
			free(c);
			return NULL;
		}
		pthread_setspecific(api->cache_key, c);
	}
	c->cur = &c->primary;
	if (side_refresh(&c->primary, api->db, &moved, err)) {
		/* The reader starts again at its next refresh; so do we. */
		c->ntokens = 0;
		return NULL;
	}
	/* Resolved tokens hold until a token is issued or revoked: a
	 * position written by someone else does not make them stale. */
	if (moved & CN_READER_TOKENS)
		c->ntokens = 0;
	return c;
}

int cache_route(struct cache *c, const struct cn_api *api, int64_t token)
{
	struct cn_err err;
	unsigned moved;

	c->cur = &c->primary;
	if (!api->standby)
		return 0;
	/* A standby that is down or too far behind is not even asked. */
	if (standby_usable(api->standby) &&
	    side_refresh(&c->replica, standby_db(api->standby), &moved,
			 &err) == 0 &&
	    standby_may_read(api->standby, token,
			     cn_reader_version(c->replica.rd))) {
		c->cur = &c->replica;
		return 1;
	}
	/* What this principal saw, it must never see undone. */
	standby_saw(api->standby, token, cn_reader_version(c->primary.rd));
	return 0;
}

struct cn_reader *cache_reader(struct cache *c)
{
	return c->cur->rd;
}

struct cn_store *cache_lists(struct cache *c, const struct cn_api *api,
			     struct cn_err *err)
{
	struct side *d = c->cur;
	const char *db = d == &c->replica ? standby_db(api->standby) : api->db;

	if (!d->lists && cn_lists_open(db, &d->lists, err))
		return NULL;
	return d->lists;
}

int cache_principal(struct cache *c, const char *authorization,
		    struct cn_principal *who, struct cn_err *err)
{
	uint8_t hash[CN_HASH_LEN];
	int rc;

	/* Credentials always from the primary: a token revoked there is
	 * refused at once, one issued there works at once. */
	if (!authorization)
		return cn_auth_resolve(c->primary.rd, authorization, who, err);
	cn_sha256(authorization, strlen(authorization), hash);
	for (int i = 0; i < c->ntokens; i++)
		if (!memcmp(c->tokens[i].hash, hash, CN_HASH_LEN)) {
			*who = c->tokens[i].who;
			return 0;
		}
	if ((rc = cn_auth_resolve(c->primary.rd, authorization, who, err)))
		return rc;
	if (c->ntokens < CACHE_SLOTS) {
		memcpy(c->tokens[c->ntokens].hash, hash, CN_HASH_LEN);
		c->tokens[c->ntokens++].who = *who;
	}
	return 0;
}

int cache_view(struct cache *c, int64_t id, struct cached_view **out,
	       struct cn_err *err)
{
	struct side *d = c->cur;
	struct cached_view *v;
	json_t *doc;
	char *text;
	size_t len;
	int rc;

	for (int i = 0; i < d->nviews; i++)
		if (d->views[i].id == id) {
			*out = &d->views[i];
			return 0;
		}
	if ((rc = cn_reader_proposal_text(d->rd, id, &text, &len, err)))
		return rc;
	if ((rc = cn_proposal_view_parse(id, text, len, &doc, err))) {
		free(text);
		return rc;
	}
	/* Full: start again rather than track ages; a burst over 64
	 * proposals between two commits is rare. */
	if (d->nviews == CACHE_SLOTS)
		drop_views(d);
	v = &d->views[d->nviews++];
	memset(v, 0, sizeof(*v));
	v->id = id;
	v->text = text;
	v->len = len;
	cn_proposal_sight_of(doc, &v->sight);
	json_decref(doc);
	*out = v;
	return 0;
}

int cache_view_redacted(struct cached_view *v, struct cn_err *err)
{
	json_t *doc;
	int rc;

	if (v->redacted)
		return 0;
	if ((rc = cn_proposal_view_parse(v->id, v->text, v->len, &doc, err)))
		return rc;
	redact(doc);
	v->redacted = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	v->rlen = v->redacted ? strlen(v->redacted) : 0;
	json_decref(doc);
	if (!v->redacted)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}
