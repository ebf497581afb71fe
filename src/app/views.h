/*
 * views.h - the registry as JSON, as of a date: the documents that both
 * `council ... --json` and the HTTP API return, built in one place so the
 * two faces cannot drift apart.
 *
 * Each function returns a new reference, or NULL with err set (unknown
 * body, out of memory).  Pure: reads the world only.
 */
#ifndef CN_VIEWS_H
#define CN_VIEWS_H

#include <jansson.h>
#include <stdint.h>

#include "../core/world.h"

/* {"at", "body"?, "count", "members": [records]}; all: every member ever. */
json_t *cn_view_members(const struct cn_world *w, const char *body, int64_t at,
			int all, struct cn_err *err);
/* {"at", "bodies": [record + members_on_date + exists_on_date]} */
json_t *cn_view_bodies(const struct cn_world *w, int64_t at,
		       struct cn_err *err);
/* {"at", "partners": [records active on the date]} */
json_t *cn_view_partners(const struct cn_world *w, const char *framework,
			 int64_t at, struct cn_err *err);
/* {"at", "count", "offices": [record + open, out_of_area, treaty_area]} */
json_t *cn_view_offices(const struct cn_world *w, int64_t at, int all,
			struct cn_err *err);

#endif
