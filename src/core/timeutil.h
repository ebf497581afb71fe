/*
 * timeutil.h - strict ISO 8601 dates and times, as seconds since the Unix
 * epoch in UTC.  Time is an input everywhere in council: core code never
 * reads the clock; callers pass `now` in.
 *
 * Pure functions; no allocation, no global state, no time-zone database
 * (offsets are read from the text itself, so results never depend on TZ).
 */
#ifndef CN_TIMEUTIL_H
#define CN_TIMEUTIL_H

#include <stdint.h>

#include "err.h"

/* No exit date, no deadline, open-ended validity. */
#define CN_TIME_NONE INT64_MAX

enum cn_date_precision { CN_PREC_DAY = 0, CN_PREC_MONTH, CN_PREC_YEAR };

/* Parse "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM|-HH:MM]"
 * (no offset means UTC).  Rejects impossible dates (2023-02-29), trailing
 * text, and years outside 1000..9999.  `what` names the field in the error
 * ("--at", "deadline"). */
int cn_time_parse(const char *s, const char *what, int64_t *out,
		  struct cn_err *err) CN_NODISCARD;

/* Parse a dataset date that may be partial: "YYYY", "YYYY-MM" or
 * "YYYY-MM-DD".  A partial date means its first day (so "2005" is taken as
 * 2005-01-01); *prec says how much was known.  prec may be NULL. */
int cn_date_parse_partial(const char *s, const char *what, int64_t *out,
			  enum cn_date_precision *prec, struct cn_err *err)
	CN_NODISCARD;

/* "2023-07-07T09:30:00Z" into buf, which holds CN_TIME_BUF bytes. */
#define CN_TIME_BUF 64
char *cn_time_format(int64_t t, char *buf);
/* "2023-07-07" into buf, which holds CN_TIME_BUF bytes. */
char *cn_date_format(int64_t t, char *buf);

#endif
