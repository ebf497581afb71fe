/*
 * timeline.h - the order of recorded time.  History may be recorded after
 * the fact (a time given with the command), but it must stay a history:
 * no event is dated after the moment it is recorded, and no event of a
 * proposal is dated before an earlier event of the same proposal (a
 * conclusion cannot count a position stated after it).
 *
 * The clock is an input here as everywhere in core: the caller passes the
 * real time (`wall`) beside the time the event is recorded at.
 *
 * Pure code: no I/O, no clock, no allocation.
 */
#ifndef CN_TIMELINE_H
#define CN_TIMELINE_H

#include <stdint.h>

#include "err.h"

struct cn_proposal;

/* 0 when `at` is not after `wall`; else CN_EINVAL saying so and what to
 * do instead. */
int cn_timeline_not_future(int64_t at, int64_t wall, struct cn_err *err)
	CN_NODISCARD;

/* 0 when an event of proposal p may be dated `at`: not before p opened
 * nor before its latest event; else CN_EINVAL naming both times. */
int cn_timeline_in_order(const struct cn_proposal *p, int64_t at,
			 struct cn_err *err) CN_NODISCARD;

#endif
