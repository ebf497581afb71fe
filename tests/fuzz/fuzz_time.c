/* fuzz_time.c - libFuzzer target for the ISO 8601 and coordinate parsers.
 * A parsed time must format and parse back to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), buf[CN_TIME_BUF];
	struct cn_err err;
	int64_t t, t2, c;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (cn_time_parse(s, "fuzz", &t, &err) == 0) {
		cn_time_format(t, buf);
		if (cn_time_parse(buf, "again", &t2, &err) || t2 != t)
			abort();
	}
	if (cn_date_parse_partial(s, "fuzz", &t, NULL, &err) == 0) {
		cn_date_format(t, buf);
		if (cn_date_parse_partial(buf, "again", &t2, NULL, &err) || t2 != t)
			abort();
	}
	if (cn_coord_parse(s, 180, &c, &err) == 0) {
		char cb[24];
		int64_t c2;
		cn_coord_format(c, cb);
		if (cn_coord_parse(cb, 180, &c2, &err) || c2 != c)
			abort();
	}
	free(s);
	return 0;
}
