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

#endif
