/*
 * timeutil.c - strict ISO 8601 dates and times <-> seconds since the
 * epoch, UTC; see timeutil.h.
 *
 * The calendar arithmetic is Howard Hinnant's days_from_civil /
 * civil_from_days (public domain), which is exact for the proleptic
 * Gregorian calendar and independent of the process's time zone, unlike
 * mktime(); glibc's strptime() is too lenient ("2023-7-4", trailing text).
 */
#include "timeutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned dm[12] = {31, 28, 31, 30, 31, 30,
					31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Read exactly n decimal digits. */
static int digits(const char **p, int n, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (unsigned)(c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int bad(struct cn_err *err, const char *what, const char *s,
	       const char *why)
{
	return cn_err_set(err, CN_EINVAL,
			  "%s: '%s' is not a valid ISO 8601 %s", what, s, why);
}

int cn_time_parse(const char *s, const char *what, int64_t *out,
		  struct cn_err *err)
{
	const char *p = s;
	unsigned y, mo, d, hh = 0, mm = 0, ss = 0;

	if (!s)
		return cn_err_set(err, CN_EINVAL, "%s: missing time", what);
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d))
		return bad(err, what, s, "date (expected YYYY-MM-DD)");
	if (y < 1000 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month(y, mo))
		return bad(err, what, s, "date (no such day)");
	int64_t t = days_from_civil(y, mo, d) * 86400;
	if (*p == '\0') {
		*out = t;
		return 0;
	}
	if (*p != 'T' && *p != 't' && *p != ' ')
		return bad(err, what, s, "time (expected 'T' after the date)");
	p++;
	if (digits(&p, 2, &hh) || *p++ != ':' || digits(&p, 2, &mm))
		return bad(err, what, s, "time (expected HH:MM)");
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &ss))
			return bad(err, what, s, "time (expected seconds)");
	}
	if (hh > 23 || mm > 59 || ss > 59)
		return bad(err, what, s, "time (out of range)");
	t += hh * 3600 + mm * 60 + ss;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '+' ? 1 : -1;
		unsigned oh, om;
		p++;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) ||
		    oh > 23 || om > 59)
			return bad(err, what, s, "offset (expected +HH:MM)");
		t -= sign * (int64_t)(oh * 3600 + om * 60);
	}
	if (*p != '\0')
		return bad(err, what, s, "time (trailing text)");
	/* An offset can carry a time in the first or last year past the
	 * range: it would be written with a year the decoder refuses. */
	if (t < CN_TIME_MIN || t > CN_TIME_MAX)
		return cn_err_set(err, CN_EINVAL,
				  "%s: '%s' is outside the times council records "
				  "(1000-01-01T00:00:00Z to 9999-12-31T23:59:59Z, "
				  "in UTC after the offset)", what, s);
	*out = t;
	return 0;
}

int cn_time_parse_canonical(const char *s, size_t n, int64_t *out)
{
	const char *p = s;
	unsigned y, mo, d, hh, mm, ss;

	/* YYYY-MM-DDTHH:MM:SSZ, every field zero-padded as snprintf's %02u
	 * pads it, and a year of four digits from 1000: the range */
	if (n != 20 || digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d) || *p++ != 'T' ||
	    digits(&p, 2, &hh) || *p++ != ':' || digits(&p, 2, &mm) ||
	    *p++ != ':' || digits(&p, 2, &ss) || *p != 'Z')
		return -1;
	if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    hh > 23 || mm > 59 || ss > 59)
		return -1;
	*out = days_from_civil(y, mo, d) * 86400 + hh * 3600 + mm * 60 + ss;
	return 0;
}

int cn_date_parse_partial(const char *s, const char *what, int64_t *out,
			  enum cn_date_precision *prec, struct cn_err *err)
{
	const char *p = s;
	unsigned y, mo = 1, d = 1;
	enum cn_date_precision pr = CN_PREC_YEAR;

	if (!s || digits(&p, 4, &y) || y < 1000)
		return bad(err, what, s ? s : "", "date (expected YYYY[-MM[-DD]])");
	if (*p == '-') {
		p++;
		if (digits(&p, 2, &mo) || mo < 1 || mo > 12)
			return bad(err, what, s, "date (bad month)");
		pr = CN_PREC_MONTH;
		if (*p == '-') {
			p++;
			if (digits(&p, 2, &d) || d < 1 ||
			    d > days_in_month(y, mo))
				return bad(err, what, s, "date (no such day)");
			pr = CN_PREC_DAY;
		}
	}
	if (*p != '\0')
		return bad(err, what, s, "date (trailing text)");
	*out = days_from_civil(y, mo, d) * 86400;
	if (prec)
		*prec = pr;
	return 0;
}

/* v (below 100) as two digits at p */
static void put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

char *cn_time_format(int64_t t, char *buf)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400, y;
	unsigned m, d, hh, mm, ss;

	civil_from_days(days, &y, &m, &d);
	hh = (unsigned)(secs / 3600);
	mm = (unsigned)(secs / 60 % 60);
	ss = (unsigned)(secs % 60);
	/* Years of four digits written by hand: every event's time and
	 * every view's, where snprintf was a few per cent of a verify.
	 * Other years (never read back) as snprintf pads them. */
	if (y < 0 || y > 9999) {
		snprintf(buf, CN_TIME_BUF,
			 "%04" PRId64 "-%02u-%02uT%02u:%02u:%02uZ", y, m, d, hh,
			 mm, ss);
		return buf;
	}
	put2(buf, (unsigned)y / 100);
	put2(buf + 2, (unsigned)y % 100);
	memcpy(buf + 4, "-MM-DDTHH:MM:SSZ", 17);
	put2(buf + 5, m);
	put2(buf + 8, d);
	put2(buf + 11, hh);
	put2(buf + 14, mm);
	put2(buf + 17, ss);
	return buf;
}

char *cn_date_format(int64_t t, char *buf)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400), y;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(buf, CN_TIME_BUF, "%04" PRId64 "-%02u-%02u", y, m, d);
	return buf;
}
