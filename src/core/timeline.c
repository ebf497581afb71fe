/*
 * timeline.c - the order of recorded time; see timeline.h.
 */
#include "timeline.h"

#include "timeutil.h"
#include "world.h"

int cn_timeline_not_future(int64_t at, int64_t wall, struct cn_err *err)
{
	char t[CN_TIME_BUF], now[CN_TIME_BUF];

	if (at <= wall)
		return 0;
	return cn_err_set(err, CN_EINVAL,
			  "time %s is in the future (the clock says %s): an "
			  "event is recorded when it happens, so give a time "
			  "at or before now, or none to record it now",
			  cn_time_format(at, t), cn_time_format(wall, now));
}

int cn_timeline_in_order(const struct cn_proposal *p, int64_t at,
			 struct cn_err *err)
{
	char t[CN_TIME_BUF], last[CN_TIME_BUF];

	if (at < p->opened)
		return cn_err_set(err, CN_EINVAL,
				  "time %s is before proposal %lld was opened "
				  "(%s)", cn_time_format(at, t), (long long)p->id,
				  cn_time_format(p->opened, last));
	if (at < p->last_at)
		return cn_err_set(err, CN_EINVAL,
				  "time %s is before the latest event of proposal "
				  "%lld (%s): a proposal's history is recorded in "
				  "the order it happened, so give a time at or "
				  "after %s", cn_time_format(at, t), (long long)p->id,
				  cn_time_format(p->last_at, last), last);
	return 0;
}
