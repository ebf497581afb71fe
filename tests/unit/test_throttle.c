/*
 * test_throttle.c - the sign-in throttle (src/server/throttle.c): a key
 * is refused once it has `limit` failures within the window, until the
 * window ends, and not before; another key is not; clearing forgives;
 * a flood of other keys, far past the table's size, neither grows memory
 * (the table is fixed) nor frees a locked key before its window ends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "server/throttle.h"

static void test_limit_and_window(void **state)
{
	struct throttle *t = throttle_new(3, 100);
	(void)state;

	assert_non_null(t);
	assert_int_equal(throttle_wait(t, "anne", 1000), 0);
	throttle_fail(t, "anne", 1000);
	throttle_fail(t, "anne", 1010);
	assert_int_equal(throttle_wait(t, "anne", 1010), 0);
	throttle_fail(t, "anne", 1020);
	/* Locked until the window of the first failure ends. */
	assert_int_equal(throttle_wait(t, "anne", 1020), 80);
	assert_int_equal(throttle_wait(t, "anne", 1099), 1);
	assert_int_equal(throttle_wait(t, "anne", 1100), 0);
	/* Another key is its own. */
	assert_int_equal(throttle_wait(t, "bruno", 1020), 0);
	/* A new window after the old one. */
	throttle_fail(t, "anne", 1100);
	assert_int_equal(throttle_wait(t, "anne", 1100), 0);
	throttle_free(t);
}

static void test_clear(void **state)
{
	struct throttle *t = throttle_new(2, 100);
	(void)state;

	throttle_fail(t, "anne", 0);
	throttle_fail(t, "anne", 1);
	assert_true(throttle_wait(t, "anne", 2) > 0);
	throttle_clear(t, "anne");
	assert_int_equal(throttle_wait(t, "anne", 2), 0);
	throttle_free(t);
}

static void test_flood_keeps_the_locked(void **state)
{
	struct throttle *t = throttle_new(3, 1000);
	char key[32];
	(void)state;

	for (int i = 0; i < 3; i++)
		throttle_fail(t, "target", 10);
	assert_true(throttle_wait(t, "target", 10) > 0);
	/* Ten times the table's entries, one failure each: each new key
	 * takes a free entry or one with fewer failures than the target's. */
	for (int i = 0; i < 10 * THROTTLE_SETS * THROTTLE_WAYS; i++) {
		snprintf(key, sizeof(key), "spray%d", i);
		throttle_fail(t, key, 20);
	}
	assert_int_equal(throttle_wait(t, "target", 20), 990);
	throttle_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_and_window),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_flood_keeps_the_locked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
