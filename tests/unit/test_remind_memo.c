/*
 * test_remind_memo.c - what the reminders' rounds remember
 * (src/server/remind_memo.c): a fresh, zeroed memo accepts every call
 * (the first round of a server forgets before it has remembered
 * anything); what is added is found, once, whatever the order of adding;
 * forgetting takes exactly the deadlines at or before now, and what is
 * kept is still found.
 *
 * The first case is the defect of 2026-12-02: forgetting on a fresh memo
 * moved zero bytes from a NULL array, undefined behaviour that UBSan
 * stopped the server on.  Run under the sanitizers (build-check), this
 * test fails if that comes back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "server/remind_memo.h"

static struct remind_memo *fresh(void)
{
	struct remind_memo *m = calloc(1, sizeof(*m));
	assert_non_null(m);
	return m;
}

static void test_fresh_memo_forgets_nothing(void **state)
{
	struct remind_memo *m = fresh();
	struct remind_decided d = {100, 1, 1, 10};
	struct cn_err err = {0};
	(void)state;

	remind_memo_forget(m, 50);
	remind_memo_forget(m, 1000);
	assert_int_equal(m->n, 0);
	assert_null(m->v);
	assert_false(remind_memo_has(m, &d));
	/* and it still works after */
	assert_int_equal(remind_memo_add(m, &d, &err), 0);
	assert_true(remind_memo_has(m, &d));
	remind_memo_free(m);
	remind_memo_free(NULL);
}

/* 200 decisions added in a scrambled order (and each twice) are each
 * found, kept sorted, none twice. */
static void test_add_finds_each_once(void **state)
{
	struct remind_memo *m = fresh();
	struct cn_err err = {0};
	enum { N = 200 };
	(void)state;

	for (int round = 0; round < 2; round++)
		for (int k = 0; k < N; k++) {
			int i = (k * 37) % N; /* 37 is prime to 200 */
			struct remind_decided d = {1000 + i / 4, i % 4, i % 3, i % 2};
			assert_int_equal(remind_memo_add(m, &d, &err), 0);
		}
	assert_int_equal(m->n, N);
	for (int i = 0; i < N; i++) {
		struct remind_decided d = {1000 + i / 4, i % 4, i % 3, i % 2};
		assert_true(remind_memo_has(m, &d));
	}
	for (size_t i = 1; i < m->n; i++)
		assert_true(m->v[i - 1].deadline <= m->v[i].deadline);
	/* a field that differs is another decision */
	struct remind_decided other = {1000, 0, 0, 7};
	assert_false(remind_memo_has(m, &other));
	remind_memo_free(m);
}

static void test_forget_takes_the_due_prefix(void **state)
{
	struct remind_memo *m = fresh();
	struct cn_err err = {0};
	const int64_t deadlines[] = {30, 10, 20, 20, 40};
	(void)state;

	for (size_t i = 0; i < 5; i++) {
		struct remind_decided d = {deadlines[i], (int64_t)i, 1, 0};
		assert_int_equal(remind_memo_add(m, &d, &err), 0);
	}
	remind_memo_forget(m, 9); /* before every deadline: nothing */
	assert_int_equal(m->n, 5);
	remind_memo_forget(m, 20); /* at a deadline: that one goes */
	assert_int_equal(m->n, 2);
	for (size_t i = 0; i < 5; i++) {
		struct remind_decided d = {deadlines[i], (int64_t)i, 1, 0};
		assert_int_equal(remind_memo_has(m, &d), deadlines[i] > 20);
	}
	remind_memo_forget(m, 100); /* all */
	assert_int_equal(m->n, 0);
	remind_memo_forget(m, 200); /* empty again, array kept */
	assert_int_equal(m->n, 0);
	struct remind_decided d = {300, 9, 9, 9};
	assert_int_equal(remind_memo_add(m, &d, &err), 0);
	assert_true(remind_memo_has(m, &d));
	assert_int_equal(m->n, 1);
	remind_memo_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_memo_forgets_nothing),
		cmocka_unit_test(test_add_finds_each_once),
		cmocka_unit_test(test_forget_takes_the_due_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
