/*
 * treaty.h - geography as the engine needs it: map coordinates as exact
 * decimals (micro-degrees; the log holds no floating point), and the North
 * Atlantic Treaty's Article 6 area, an advisory check on where an office
 * lies.
 *
 * Ownership: nothing here allocates; text goes into caller buffers.
 * Pure code: no I/O, no clock.
 */
#ifndef CN_TREATY_H
#define CN_TREATY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct cn_world;

/* Parse "35.68" / "-139.6917" into micro-degrees within [-limit, limit]. */
int cn_coord_parse(const char *s, int limit, int64_t *out_e6,
		   struct cn_err *err) CN_NODISCARD;
/* Format micro-degrees as a decimal string without trailing zeros. */
char *cn_coord_format(int64_t e6, char buf[24]);

/* Treaty area (North Atlantic Treaty Art. 6), advisory: an office is in the
 * area when its host is a member state on `at` and it lies north of the
 * Tropic of Cancer.  Returns 1 in area, 0 out of area; `why` (may be NULL)
 * gets a sentence a person can read. */
int cn_treaty_in_area(const struct cn_world *w, const char *country,
		      int has_coords, int64_t lat_e6, int64_t at, char *why,
		      size_t whylen);

#endif
