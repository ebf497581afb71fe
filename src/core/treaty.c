/*
 * treaty.c - map coordinates as exact decimals, and the North Atlantic
 * Treaty's Article 6 area check; see treaty.h.
 */
#include "treaty.h"

#include <stdio.h>

#include "timeutil.h"
#include "world.h"

int cn_coord_parse(const char *s, int limit, int64_t *out_e6,
		   struct cn_err *err)
{
	const char *p = s;
	int neg = 0, ndig = 0, nfrac = 0;
	int64_t whole = 0, frac = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	while (*p >= '0' && *p <= '9' && ndig < 4) {
		whole = whole * 10 + (*p++ - '0');
		ndig++;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9' && nfrac < 6) {
			frac = frac * 10 + (*p++ - '0');
			nfrac++;
		}
		if (nfrac == 0)
			ndig = 0;
	}
	if (ndig == 0 || *p != '\0')
		return cn_err_set(err, CN_EINVAL,
				  "'%s' is not a decimal coordinate "
				  "(e.g. 35.68, at most 6 decimals)", s);
	for (int i = nfrac; i < 6; i++)
		frac *= 10;
	int64_t v = whole * 1000000 + frac;
	if (v > (int64_t)limit * 1000000)
		return cn_err_set(err, CN_EINVAL,
				  "coordinate '%s' is outside -%d..%d", s,
				  limit, limit);
	*out_e6 = neg ? -v : v;
	return 0;
}

char *cn_coord_format(int64_t e6, char buf[24])
{
	int64_t a = e6 < 0 ? -e6 : e6;
	int n = snprintf(buf, 24, "%s%lld.%06lld", e6 < 0 ? "-" : "",
			 (long long)(a / 1000000), (long long)(a % 1000000));
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	return buf;
}

/* The Tropic of Cancer, 23 deg 26' N (about 23.436 N in 2023; it drifts by
 * less than 0.001 deg a decade, far below the precision that matters here). */
#define TROPIC_OF_CANCER_E6 23436000

int cn_treaty_in_area(const struct cn_world *w, const char *country,
		      int has_coords, int64_t lat_e6, int64_t at, char *why,
		      size_t whylen)
{
	const struct cn_member *m = cn_world_member(w, country);
	char d[CN_TIME_BUF];

	if (!m || !cn_member_active(m, at)) {
		if (why)
			snprintf(why, whylen,
				 "out of area: %s is not a member state on %s; "
				 "Article 6 covers the territory of the "
				 "Parties in Europe and North America and the "
				 "North Atlantic north of the Tropic of Cancer",
				 country, cn_date_format(at, d));
		return 0;
	}
	if (has_coords && lat_e6 < TROPIC_OF_CANCER_E6) {
		if (why)
			snprintf(why, whylen,
				 "out of area: south of the Tropic of Cancer "
				 "(Article 6)");
		return 0;
	}
	if (why)
		snprintf(why, whylen,
			 "in area: territory of %s, a member state", m->name);
	return 1;
}
