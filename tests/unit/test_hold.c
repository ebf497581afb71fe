/*
 * test_hold.c - answers held to a deadline (src/server/hold.c): each item
 * is released once, never before its deadline, in the order of the
 * deadlines whatever the order of parking; stopping releases what is left
 * at once and refuses what comes after.
 *
 * Every time assertion is a lower bound (a release is never early), which
 * the timer guarantees by construction; nothing bounds a delay from above.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "server/hold.h"

#define N 200

struct item {
	struct timespec deadline;
	struct timespec released;
	int count;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static struct item *order[N + 1];
static int nreleased;
/* An item whose release waits until the gate opens: the timer thread
 * stays inside it while the test parks the others, so the order of
 * release cannot depend on how fast the test parks. */
static struct item gate;
static int gate_open;

static void on_release(void *p)
{
	struct item *it = p;

	pthread_mutex_lock(&mu);
	while (it == &gate && !gate_open)
		pthread_cond_wait(&done, &mu);
	clock_gettime(CLOCK_MONOTONIC, &it->released);
	it->count++;
	order[nreleased++] = it;
	pthread_cond_broadcast(&done);
	pthread_mutex_unlock(&mu);
}

static int64_t ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static struct timespec in_ms(int64_t ms)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	int64_t v = ns(&t) + ms * 1000000;
	return (struct timespec){v / 1000000000, v % 1000000000};
}

static void wait_for(int n)
{
	pthread_mutex_lock(&mu);
	while (nreleased < n)
		pthread_cond_wait(&done, &mu);
	pthread_mutex_unlock(&mu);
}

static void reset(void)
{
	memset(order, 0, sizeof(order));
	memset(&gate, 0, sizeof(gate));
	nreleased = 0;
	gate_open = 0;
}

static void open_gate(void)
{
	pthread_mutex_lock(&mu);
	gate_open = 1;
	pthread_cond_broadcast(&done);
	pthread_mutex_unlock(&mu);
}

/* Parked in a shuffled order, released in the order of their deadlines,
 * none before its own, each once. */
static void test_order_and_floor(void **state)
{
	static struct item items[N];
	struct hold *h = hold_start(on_release);
	(void)state;

	assert_non_null(h);
	reset();
	memset(items, 0, sizeof(items));
	gate.deadline = in_ms(-1);
	assert_int_equal(hold_park(h, &gate.deadline, &gate), 0);
	for (int i = 0; i < N; i++) {
		int k = (i * 73) % N; /* 73 is prime to N: a permutation */
		items[k].deadline = in_ms(20 + k);
		assert_int_equal(hold_park(h, &items[k].deadline, &items[k]), 0);
	}
	open_gate();
	wait_for(N + 1);
	assert_ptr_equal(order[0], &gate);
	for (int i = 0; i < N; i++) {
		assert_int_equal(items[i].count, 1);
		assert_true(ns(&items[i].released) >= ns(&items[i].deadline));
		if (i)
			assert_true(ns(&order[i]->deadline) <=
				    ns(&order[i + 1]->deadline));
	}
	hold_free(h);
	for (int i = 0; i < N; i++)
		assert_int_equal(items[i].count, 1);
}

/* One parked later but due sooner than the one the timer sleeps towards
 * wakes it; a deadline already past is released at once. */
static void test_earlier_wakes(void **state)
{
	struct item late = {.deadline = in_ms(60000)};
	struct item soon, past, after;
	struct hold *h = hold_start(on_release);
	struct timespec now;
	(void)state;

	assert_non_null(h);
	reset();
	assert_int_equal(hold_park(h, &late.deadline, &late), 0);
	soon = (struct item){.deadline = in_ms(30)};
	assert_int_equal(hold_park(h, &soon.deadline, &soon), 0);
	wait_for(1);
	assert_ptr_equal(order[0], &soon);
	assert_true(ns(&soon.released) >= ns(&soon.deadline));
	past = (struct item){.deadline = in_ms(-5)};
	assert_int_equal(hold_park(h, &past.deadline, &past), 0);
	wait_for(2);
	assert_ptr_equal(order[1], &past);
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (ns(&now) < ns(&late.deadline))
		assert_int_equal(late.count, 0);
	/* Stopping releases the minute-long one now, and refuses more. */
	hold_stop(h);
	assert_int_equal(late.count, 1);
	assert_int_equal(nreleased, 3);
	after = (struct item){.deadline = in_ms(0)};
	assert_int_equal(hold_park(h, &after.deadline, &after), -1);
	assert_int_equal(after.count, 0);
	hold_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_floor),
		cmocka_unit_test(test_earlier_wakes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
