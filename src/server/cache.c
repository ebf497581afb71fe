/* cache.c - per-thread readers and their caches; see cache.h. */
#include "cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../app/lists.h"
#include "access.h"

#define CACHE_SLOTS 64

struct cache {
	struct cn_reader *rd;
	struct cn_store *lists; /* the paged lists' connection, on first use */
	struct {
		uint8_t hash[CN_HASH_LEN];
		struct cn_principal who;
	} tokens[CACHE_SLOTS];
	int ntokens;
	struct cached_view views[CACHE_SLOTS];
	int nviews;
};

static void drop_views(struct cache *c)
{
	for (int i = 0; i < c->nviews; i++) {
		free(c->views[i].text);
		free(c->views[i].redacted);
	}
	c->nviews = 0;
}

void cache_free(void *p)
{
	struct cache *c = p;
	if (!c)
		return;
	drop_views(c);
	cn_reader_close(c->rd);
	cn_store_close(c->lists);
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
		if (cn_reader_open(api->db, &c->rd, err)) {
			free(c);
			return NULL;
		}
		pthread_setspecific(api->cache_key, c);
	}
	if (cn_reader_refresh(c->rd, &moved, err)) {
		/* The reader starts again at its next refresh; so do we. */
		drop_views(c);
		c->ntokens = 0;
		return NULL;
	}
	if (moved & CN_READER_DATA)
		drop_views(c);
	/* Resolved tokens hold until a token is issued or revoked: a
	 * position written by someone else does not make them stale. */
	if (moved & CN_READER_TOKENS)
		c->ntokens = 0;
	return c;
}

struct cn_reader *cache_reader(struct cache *c)
{
	return c->rd;
}

struct cn_store *cache_lists(struct cache *c, const struct cn_api *api,
			     struct cn_err *err)
{
	if (!c->lists && cn_lists_open(api->db, &c->lists, err))
		return NULL;
	return c->lists;
}

int cache_principal(struct cache *c, const char *authorization,
		    struct cn_principal *who, struct cn_err *err)
{
	uint8_t hash[CN_HASH_LEN];
	int rc;

	if (!authorization)
		return cn_auth_resolve(c->rd, authorization, who, err);
	cn_sha256(authorization, strlen(authorization), hash);
	for (int i = 0; i < c->ntokens; i++)
		if (!memcmp(c->tokens[i].hash, hash, CN_HASH_LEN)) {
			*who = c->tokens[i].who;
			return 0;
		}
	if ((rc = cn_auth_resolve(c->rd, authorization, who, err)))
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
	struct cached_view *v;
	json_error_t je;
	json_t *doc;
	char *text;
	size_t len;
	int rc;

	for (int i = 0; i < c->nviews; i++)
		if (c->views[i].id == id) {
			*out = &c->views[i];
			return 0;
		}
	if ((rc = cn_reader_proposal_text(c->rd, id, &text, &len, err)))
		return rc;
	if (!(doc = json_loadb(text, len, 0, &je))) {
		free(text);
		return cn_err_set(err, CN_ECORRUPT, "stored proposal: %s", je.text);
	}
	/* Full: start again rather than track ages; a burst over 64
	 * proposals between two commits is rare. */
	if (c->nviews == CACHE_SLOTS)
		drop_views(c);
	v = &c->views[c->nviews++];
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

	if (v->redacted)
		return 0;
	if ((doc = json_loadb(v->text, v->len, 0, NULL))) {
		redact(doc);
		v->redacted = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
		v->rlen = v->redacted ? strlen(v->redacted) : 0;
		json_decref(doc);
	}
	if (!v->redacted)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}
