/*
 * test_needs.c - each token's need of a standby (src/server/needs.c): a
 * need is never below the highest version raised for its token, through
 * every collision and eviction of the fixed table, and a lower version
 * never lowers it; threads raising and reading at once see the same.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>

#include "server/needs.h"

static void test_unknown_needs_nothing(void **state)
{
	struct needs *n = malloc(sizeof(*n));
	(void)state;
	needs_init(n);
	assert_int_equal(needs_of(n, 0), 0);
	assert_int_equal(needs_of(n, 42), 0);
	needs_destroy(n);
	free(n);
}

static void test_raise_and_never_lower(void **state)
{
	struct needs *n = malloc(sizeof(*n));
	(void)state;
	needs_init(n);
	needs_raise(n, 7, 10);
	assert_int_equal(needs_of(n, 7), 10);
	needs_raise(n, 7, 4);
	assert_int_equal(needs_of(n, 7), 10);
	needs_raise(n, 7, 11);
	assert_int_equal(needs_of(n, 7), 11);
	/* another token is not held to it while both have slots */
	needs_raise(n, 8, 3);
	assert_int_equal(needs_of(n, 8), 3);
	assert_int_equal(needs_of(n, 7), 11);
	needs_destroy(n);
	free(n);
}

/* Ten times more tokens than slots, raised in an order that is not
 * theirs: every token's need is still at least its own highest. */
static void test_never_below_through_evictions(void **state)
{
	enum { TOKENS = 10 * NEEDS_SLOTS };
	struct needs *n = malloc(sizeof(*n));
	int64_t *want = calloc(TOKENS + 1, sizeof(*want));
	(void)state;
	needs_init(n);
	for (int round = 0; round < 3; round++)
		for (int64_t i = 0; i < TOKENS; i++) {
			int64_t t = (i * 7919) % TOKENS + 1;
			int64_t v = (t * 31 + round * 1000) % 100000;
			needs_raise(n, t, v);
			if (v > want[t])
				want[t] = v;
		}
	for (int64_t t = 1; t <= TOKENS; t++)
		assert_true(needs_of(n, t) >= want[t]);
	free(want);
	needs_destroy(n);
	free(n);
}

/* A token among ten times more tokens than slots, each needing more
 * than it (so it is the one its neighbours push out), keeps its need,
 * and so it does when raised again with less. */
static void test_evicted_token_keeps_its_need(void **state)
{
	struct needs *n = malloc(sizeof(*n));
	(void)state;
	needs_init(n);
	needs_raise(n, 1, 100);
	for (int64_t t = 2; t <= 10 * NEEDS_SLOTS; t++)
		needs_raise(n, t, 200 + t);
	assert_true(needs_of(n, -1) >= 200); /* tokens were pushed out */
	assert_true(needs_of(n, 1) >= 100);
	needs_raise(n, 1, 5);
	assert_true(needs_of(n, 1) >= 100);
	needs_destroy(n);
	free(n);
}

/* Tokens as many as half the slots (ids given in order, as the store
 * gives them) all find room: nobody is pushed out, so a token that never
 * wrote needs nothing. */
static void test_room_for_half(void **state)
{
	struct needs *n = malloc(sizeof(*n));
	(void)state;
	needs_init(n);
	for (int64_t t = 1; t <= NEEDS_SLOTS / 2; t++)
		needs_raise(n, t, 1000 + t);
	assert_int_equal(needs_of(n, -1), 0);
	for (int64_t t = 1; t <= NEEDS_SLOTS / 2; t++)
		assert_int_equal(needs_of(n, t), 1000 + t);
	needs_destroy(n);
	free(n);
}

struct worker {
	struct needs *n;
	int64_t token;
	int bad;
};

static void *worker(void *arg)
{
	struct worker *w = arg;
	for (int64_t v = 1; v <= 20000; v++) {
		needs_raise(w->n, w->token, v);
		/* a stranger pushes tokens around meanwhile */
		needs_raise(w->n, w->token + 1000 * NEEDS_SLOTS + v, 0);
		if (needs_of(w->n, w->token) < v)
			w->bad++;
	}
	return NULL;
}

static void test_threads(void **state)
{
	enum { T = 4 };
	struct needs *n = malloc(sizeof(*n));
	struct worker w[T];
	pthread_t th[T];
	(void)state;
	needs_init(n);
	for (int i = 0; i < T; i++) {
		w[i] = (struct worker){n, i + 1, 0};
		assert_int_equal(pthread_create(&th[i], NULL, worker, &w[i]), 0);
	}
	for (int i = 0; i < T; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].bad, 0);
		assert_true(needs_of(n, i + 1) >= 20000);
	}
	needs_destroy(n);
	free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_needs_nothing),
		cmocka_unit_test(test_raise_and_never_lower),
		cmocka_unit_test(test_never_below_through_evictions),
		cmocka_unit_test(test_evicted_token_keeps_its_need),
		cmocka_unit_test(test_room_for_half),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
