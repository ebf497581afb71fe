/*
 * paging.h - the query arguments of the lists that grow, alike on every
 * route: a page size (a default and a maximum; beyond it 400 naming
 * `limit`), a cursor (`after`, and `before` on the newest-first lists),
 * switches that are on or off and nothing else, a time range, and the
 * `next_href` link that repeats the request's own arguments with the next
 * page's cursor.
 *
 * Like request.h, every function that finds something wrong has already
 * answered 400 when it returns -1: the handler just returns.
 *
 * Ownership: strings returned are borrowed from the request; next_href's
 * value is a new JSON reference.
 */
#ifndef CN_PAGING_H
#define CN_PAGING_H

#include <jansson.h>
#include <stdint.h>

#include "../app/views.h"
#include "ctx.h"

#define PAGE_DEFAULT 100 /* items in a page when `limit` is not given */

/* ?limit=N in 1..max, dflt when absent. */
int page_limit(struct ctx *x, int64_t dflt, int64_t max, int64_t *out);
/* ?name=yes|no|true|false|1|0, or ?name alone (on); dflt when absent. */
int arg_switch(struct ctx *x, const char *name, int dflt, int *out);
/* ?name=TIME (ISO 8601, timeutil.h) as the canonical UTC text the store
 * compares (buf of CN_TIME_BUF), or NULL when absent. */
int arg_time(struct ctx *x, const char *name, char *buf, const char **out);
/* ?name=one of values (NULL-terminated), or NULL when absent. */
int arg_enum(struct ctx *x, const char *name, const char *const *values,
	     const char **out);

/* The request's path and its arguments among `names` (NULL-terminated),
 * with `cursor` set to value and `drop` (if any) left out: the link to
 * the next page.  JSON null when value is NULL. */
json_t *next_href(struct ctx *x, const char *const *names, const char *cursor,
		  const char *value, const char *drop);

/* A registry list (view[list], each item keyed by its `key` field) cut
 * to one page by cn_view_page (app/views.h): the items after ?after=KEY
 * (400 when no item has that key), at most ?limit= (default and maximum
 * CN_VIEW_PAGE_MAX, so the whole registry unless asked), with count,
 * next and next_href (repeating `names`).  Takes the reference to view;
 * NULL once it has answered (400, or 500 out of memory).  A proposal's
 * events (api_history.c) are paged with the same maximum. */
#define API_REGISTRY_PAGE_MAX CN_VIEW_PAGE_MAX

/* A list read by id, a page at a time (people, webhooks): ?limit= (default
 * PAGE_DEFAULT, at most API_LIST_PAGE_MAX) and ?after=ID (0, the default:
 * from the first).  The caller reads at most limit + 1 items above
 * after; one more than limit says that a page follows.  0, or -1 after
 * answering 400. */
int page_by_id_args(struct ctx *x, int64_t *limit, int64_t *after);
/* Answer 200 {count, LIST: items (each with an integer `id`), next,
 * next_href}, items cut to limit by cn_view_cut_by_id (app/views.h);
 * takes the reference to items.  items NULL (a failed json_array or
 * append) answers out of memory instead. */
void reply_page_by_id(struct ctx *x, json_t *items, int64_t limit,
		      const char *list);
json_t *page_registry(struct ctx *x, json_t *view, const char *list,
		      const char *key, const char *const *names);

#endif
