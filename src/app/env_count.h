/*
 * env_count.h - a positive count from the environment: the knobs the
 * tests turn (COUNCIL_PAGER_SWEEP and COUNCIL_PAGER_BUFFER in pager.c,
 * COUNCIL_SNAPSHOT_EVERY and COUNCIL_SNAPSHOT_AHEAD in app_snapshot.c).
 * Anything else there (unset, empty, not all digits, 0, negative) leaves
 * the default: a knob set wrong is the program as shipped, never a
 * refusal.
 */
#ifndef CN_ENV_COUNT_H
#define CN_ENV_COUNT_H

#include <stdint.h>
#include <stdlib.h>

/* The positive number in environment variable `name`, or `dflt`. */
static inline uint64_t cn_env_count(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	char *end;
	long long n = v ? strtoll(v, &end, 10) : 0;

	return v && *v && !*end && n > 0 ? (uint64_t)n : dflt;
}

#endif
