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
/*
 * A day a record does not know is shown, never hidden: such a record gets
 * "date_unknown": {FIELD: {"bound": KEY, "date": VALUE}}, FIELD the
 * unknown one (since, opened, closed), KEY the record field with the
 * sourced bound it is counted from (known_open_by, opened_not_before,
 * closed_by_succession, known_open_until, known_partner_by,
 * since_not_before), or "bound": null when it is counted from nothing and
 * so never listed as of a date.
 */

/* {"at", "count", "partners": [record + status, status_period,
 * date_unknown?, suspended_since?]}: the partners on the date, active or
 * suspended; status and status_period (the record's period that gives
 * it) are those of that day. */
json_t *cn_view_partners(const struct cn_world *w, const char *framework,
			 int64_t at, struct cn_err *err);
/* {"at", "count", "offices": [record + open, status, date_unknown?,
 * out_of_area, treaty_area]}: the offices open on the date, or all; status
 * (open, not-yet-open, closed, suspended, unknown) is that of the date. */
json_t *cn_view_offices(const struct cn_world *w, int64_t at, int all,
			struct cn_err *err);

/* One page of a view's list, for the API and the CLI alike: view[list]
 * (each item keyed by its string field `key`: a member's or partner's
 * code, an office's id) cut to the items after the one keyed `after`
 * (NULL: from the first), at most `limit` (1..CN_VIEW_PAGE_MAX), in the
 * view's order; view's "count" becomes the page's, and "next" the page's
 * last key when more follow, else null (*next the same, borrowed from
 * view, or NULL).  CN_EINVAL when no item is keyed `after` (view
 * unchanged), or CN_ENOMEM.  The API's default page is the whole
 * registry, as the CLI's: a registry is hundreds of records, not the
 * record's millions. */
#define CN_VIEW_PAGE_MAX 1000
int cn_view_page(json_t *view, const char *list, const char *key,
		 const char *after, int64_t limit, const char **next,
		 struct cn_err *err);

/* A page of a list kept by id (people, webhooks, calendar feeds), for the
 * API and the CLI alike, read as limit + 1 items (each an object with an
 * integer "id"): the extra one dropped.  Returns the page's `next`, the
 * id of its last item when the extra was there, else JSON null (a new
 * reference either way). */
json_t *cn_view_cut_by_id(json_t *items, int64_t limit);

#endif
