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

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* No exit date, no deadline, open-ended validity. */
#define CN_TIME_NONE INT64_MAX

/* The times council can record: 1000-01-01T00:00:00Z to
 * 9999-12-31T23:59:59Z, in UTC.  cn_time_format writes every time in this
 * range with a four-digit year, and cn_time_parse (hence the event
 * decoder) reads exactly those back, so a time outside it could be
 * written but never read: the parser refuses it, after applying the
 * offset ("9999-12-31T23:59:59-23:59" is year 10000 in UTC, and
 * "1000-01-01T00:00:00+01:00" is year 999). */
#define CN_TIME_MIN INT64_C(-30610224000)  /* 1000-01-01T00:00:00Z */
#define CN_TIME_MAX INT64_C(253402300799)  /* 9999-12-31T23:59:59Z */

enum cn_date_precision { CN_PREC_DAY = 0, CN_PREC_MONTH, CN_PREC_YEAR };

/* Parse "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM|-HH:MM]"
 * (no offset means UTC; offsets up to 23:59 either way).  Rejects
 * impossible dates (2023-02-29), trailing text, and any time that is
 * outside CN_TIME_MIN..CN_TIME_MAX once its offset is applied.  Whatever
 * it accepts, cn_time_format writes and it reads back to the same
 * second.  `what` names the field in the error ("--at", "deadline"). */
int cn_time_parse(const char *s, const char *what, int64_t *out,
		  struct cn_err *err) CN_NODISCARD;

/* Whether s[0..n) is a time exactly as cn_time_format writes it
 * ("2023-07-07T09:30:00Z") within CN_TIME_MIN..CN_TIME_MAX: 0 and *out,
 * or -1 (no message: the caller that needs one asks cn_time_parse).
 * One spelling per second, checked without writing the text. */
int cn_time_parse_canonical(const char *s, size_t n, int64_t *out);

/* Parse a dataset date that may be partial: "YYYY", "YYYY-MM" or
 * "YYYY-MM-DD".  A partial date means its first day (so "2005" is taken as
 * 2005-01-01); *prec says how much was known.  prec may be NULL. */
int cn_date_parse_partial(const char *s, const char *what, int64_t *out,
			  enum cn_date_precision *prec, struct cn_err *err)
	CN_NODISCARD;

/* "2023-07-07T09:30:00Z" into buf, which holds CN_TIME_BUF bytes.  A time
 * outside CN_TIME_MIN..CN_TIME_MAX is written too (a year of five digits,
 * or below 1000), but no parser of council reads it back. */
#define CN_TIME_BUF 64
char *cn_time_format(int64_t t, char *buf);
/* "2023-07-07" into buf, which holds CN_TIME_BUF bytes. */
char *cn_date_format(int64_t t, char *buf);

#endif
