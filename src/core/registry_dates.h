/*
 * registry_dates.h - core-internal: the dates of registry records, read
 * for the fold (fold.c).  A record's day may be unknown; it is then
 * counted from a sourced bound, or not at all, never "forever".  A
 * partnership is a list of dated status periods.  An office ends by
 * closing, by the host suspending its work, by a successor, or at its
 * last attested day.  And a state is never a member and a partner on the
 * same day.  The record fields are described in data/README.md.
 *
 * Not for use outside src/core/: everyone else calls cn_world_apply() and
 * the as-of queries of world.h.  Ownership: cn_partner_dates() allocates
 * p->periods, which the world frees with the partner; everything else
 * points into the record, which the caller keeps alive as long as p or o.
 * Pure code: no I/O, no clock.
 */
#ifndef CN_REGISTRY_DATES_H
#define CN_REGISTRY_DATES_H

#include <jansson.h>

#include "err.h"
#include "world.h"

/* rec[key] as a date ("YYYY", "YYYY-MM" or "YYYY-MM-DD", the first day
 * of a partial one): absent or null gives `dflt`.  0, or CN_EINVAL naming
 * the key and quoting the value. */
int cn_record_date(const json_t *rec, const char *key, int64_t dflt,
		   int64_t *out, struct cn_err *err) CN_NODISCARD;

/* A partner's since, since_bound, until and periods, from its record.  0,
 * CN_EINVAL naming the field, or CN_ENOMEM; on failure p->periods is
 * NULL. */
int cn_partner_dates(const json_t *rec, struct cn_partner *p,
		     struct cn_err *err) CN_NODISCARD;

/* An office's opened, closed, their bounds and its end, from its
 * record.  0 or CN_EINVAL naming the field. */
int cn_office_dates(const json_t *rec, struct cn_office *o,
		    struct cn_err *err) CN_NODISCARD;

/* Whether partnership p and membership m may both stand: 0, or
 * CN_EREFUSED naming the day the state would be both.  `admitting` is
 * set when m is the newcomer: a partnership that began before the
 * accession is then ended by it (cn_partner_end_at()), so only one that
 * begins during the membership is refused. */
int cn_partner_member_check(const struct cn_partner *p,
			    const struct cn_member *m, int admitting,
			    struct cn_err *err) CN_NODISCARD;

/* End partnership p at `at` (an accession): its periods stop there and it
 * is ended from then on.  Allocates nothing, so it cannot fail. */
void cn_partner_end_at(struct cn_partner *p, int64_t at);

#endif
