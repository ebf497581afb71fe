/*
 * cache.h - each HTTP thread's reader (reader.h) and the caches that live
 * beside it until another connection commits.
 *
 * A thread opens its reader on its first request and keeps it in a
 * thread-specific slot (closed when the thread ends).  Before each request
 * cache_get() refreshes it: while nothing was committed every cache holds;
 * a commit drops the rendered proposals, a token issued or revoked drops
 * the resolved tokens (so a revoked token is refused from the next request
 * on), and the reader rebuilds the registry only when it moved.
 *
 *   tokens     principal by SHA-256 of the Authorization header (64 slots)
 *   lists      a second read-only connection for the paged lists
 *              (app/lists.h), opened on the first list asked for
 *   views      a proposal's stored view text, its sight fields, and its
 *              redacted text once asked for (64 slots; emptied when full)
 *
 * With --read-db (standby.h) a thread keeps a second reader, lists
 * connection and views on the standby, and cache_route picks, for each
 * request, which side it reads: the standby's or the primary's, never
 * both.  Tokens are always resolved on the primary.
 *
 * Ownership: the cache belongs to its thread.  A view returned is
 * borrowed until that thread's next cache_get().
 */
#ifndef CN_CACHE_H
#define CN_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "../app/reader.h"
#include "auth.h"
#include "ctx.h"

struct cache;
struct cn_store;

/* This thread's cache, brought up to date with the last commit; NULL with
 * err when the store cannot be opened or read. */
struct cache *cache_get(struct cn_api *api, struct cn_err *err);
/* The destructor of api->cache_key. */
void cache_free(void *cache);

/* Which side this request reads (after cache_get, which sets the
 * primary's): the standby's when standby.h's rule lets token (0: the
 * public) read it, else the primary's, which the principal then saw.
 * 1 when the standby's. */
int cache_route(struct cache *c, const struct cn_api *api, int64_t token);

/* The reader of this request's side. */
struct cn_reader *cache_reader(struct cache *c);
/* This thread's connection for the paged lists (app/lists.h), opened on
 * first use; NULL with err when it cannot be. */
struct cn_store *cache_lists(struct cache *c, const struct cn_api *api,
			     struct cn_err *err);

/* The principal of an Authorization header (see cn_auth_resolve). */
int cache_principal(struct cache *c, const char *authorization,
		    struct cn_principal *who, struct cn_err *err) CN_NODISCARD;

struct cached_view {
	int64_t id;
	char *text;       /* the stored view, full */
	size_t len;
	char *redacted;   /* the view without deliberations, made on first use */
	size_t rlen;
	struct cn_proposal_sight sight;
};

/* Proposal `id`'s view, loaded on a miss; CN_ENOTFOUND when none. */
int cache_view(struct cache *c, int64_t id, struct cached_view **out,
	       struct cn_err *err) CN_NODISCARD;
/* Its redacted text (redact(), access.h), made once. */
int cache_view_redacted(struct cached_view *v, struct cn_err *err) CN_NODISCARD;

#endif
