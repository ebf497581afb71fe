/*
 * test_hook.c - the pure parts of webhook deliveries (core/hook.h): the
 * signature against an HMAC computed elsewhere (Python's hmac module),
 * the retry schedule's bounds, the addresses a delivery may not reach,
 * the event-type filter, and the reminder offsets (core/remind.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/hook.h"
#include "core/remind.h"

static void test_signature(void **state)
{
	char sig[CN_HOOK_SIG_LEN], sig2[CN_HOOK_SIG_LEN];
	static const char body[] = "{\"seq\":1}";
	(void)state;

	/* python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec_abc",
	 *   b"1700000000.{\"seq\":1}", hashlib.sha256).hexdigest())' */
	cn_hook_signature("whsec_abc", 1700000000, body, strlen(body), sig);
	assert_string_equal(sig, "t=1700000000,v1=8849d11f00ecb77d92f25e53777b7d"
			    "251f24ccc24a3e15674be8d6b61bf6b65f");
	/* The time is signed: another time, another MAC. */
	cn_hook_signature("whsec_abc", 1700000001, body, strlen(body), sig2);
	assert_string_not_equal(sig + 16, sig2 + 16);
	/* And the whole body. */
	cn_hook_signature("whsec_abc", 1700000000, body, strlen(body) - 1, sig2);
	assert_string_not_equal(sig, sig2);
}

static void test_backoff(void **state)
{
	int64_t total = 0;
	(void)state;

	/* Equal jitter: the wait of attempt n lies in [step/2, step], the
	 * step doubling from the base up to the cap. */
	for (int64_t n = 1; n < CN_HOOK_ATTEMPTS; n++) {
		int64_t step = CN_HOOK_BACKOFF_BASE;
		for (int64_t i = 1; i < n && step < CN_HOOK_BACKOFF_CAP; i++)
			step *= 2;
		if (step > CN_HOOK_BACKOFF_CAP)
			step = CN_HOOK_BACKOFF_CAP;
		int64_t lo = cn_hook_backoff(n, CN_HOOK_ATTEMPTS, 0),
			hi = cn_hook_backoff(n, CN_HOOK_ATTEMPTS, UINT32_MAX);
		assert_true(lo >= 1);
		assert_true(lo >= step / 2 && hi <= step);
		assert_true(lo <= hi);
		assert_true(cn_hook_backoff(n, CN_HOOK_ATTEMPTS, 1u << 31) >= lo);
		total += hi;
	}
	assert_int_equal(cn_hook_backoff(1, CN_HOOK_ATTEMPTS, 0), 1);
	/* Given up at the last attempt, and for nonsense. */
	assert_int_equal(cn_hook_backoff(CN_HOOK_ATTEMPTS, CN_HOOK_ATTEMPTS, 0), 0);
	assert_int_equal(cn_hook_backoff(0, CN_HOOK_ATTEMPTS, 0), 0);
	/* Never beyond the cap, and a bounded whole (a few hours). */
	assert_true(cn_hook_backoff(CN_HOOK_ATTEMPTS - 1, CN_HOOK_ATTEMPTS,
				    UINT32_MAX) <= CN_HOOK_BACKOFF_CAP);
	assert_true(total < 24 * 3600);
	/* Another limit (serve --webhook-attempts): given up at it, the same
	 * waits before it; one attempt is never retried. */
	assert_int_equal(cn_hook_backoff(3, 3, 0), 0);
	assert_int_equal(cn_hook_backoff(2, 3, 0), cn_hook_backoff(2, 16, 0));
	assert_int_equal(cn_hook_backoff(1, 1, UINT32_MAX), 0);
	/* The most allowed still ends within a day. */
	total = 0;
	for (int64_t n = 1; n < CN_HOOK_ATTEMPTS_MAX; n++)
		total += cn_hook_backoff(n, CN_HOOK_ATTEMPTS_MAX, UINT32_MAX);
	assert_true(total > 0 && total < 24 * 3600);
	assert_int_equal(cn_hook_backoff(CN_HOOK_ATTEMPTS_MAX,
					 CN_HOOK_ATTEMPTS_MAX, 0), 0);
}

static void test_local_addresses(void **state)
{
	static const struct {
		int family;
		uint8_t a[16];
		int local;
	} cases[] = {
		{4, {127, 0, 0, 1}, 1},
		{4, {10, 1, 2, 3}, 1},
		{4, {172, 16, 0, 1}, 1},
		{4, {172, 31, 255, 255}, 1},
		{4, {172, 32, 0, 1}, 0},
		{4, {192, 168, 1, 1}, 1},
		{4, {169, 254, 169, 254}, 1}, /* cloud metadata */
		{4, {0, 0, 0, 0}, 1},
		{4, {100, 64, 0, 1}, 1},
		{4, {100, 128, 0, 1}, 0},
		{4, {224, 0, 0, 1}, 1},
		{4, {93, 184, 216, 34}, 0},
		{4, {8, 8, 8, 8}, 0},
		{6, {[15] = 1}, 1},                           /* ::1 */
		{6, {0}, 1},                                  /* :: */
		{6, {[10] = 0xff, [11] = 0xff, 127, 0, 0, 1}, 1}, /* ::ffff:127.0.0.1 */
		{6, {[10] = 0xff, [11] = 0xff, 8, 8, 8, 8}, 0},
		{6, {0xfd, 0x12}, 1},                         /* unique local */
		{6, {0xfe, 0x80}, 1},                         /* link local */
		{6, {0xff, 0x02}, 1},                         /* multicast */
		{6, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, 0},   /* 2001:db8::1 */
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = cn_hook_addr_local(cases[i].family, cases[i].a);
		if (cases[i].local != (why != NULL))
			fail_msg("case %zu: %s", i, why ? why : "allowed");
	}
}

static void test_types(void **state)
{
	struct cn_err err = {0};
	(void)state;

	assert_int_equal(cn_hook_types_check("", &err), 0);
	assert_int_equal(cn_hook_types_check("proposal.created", &err), 0);
	assert_int_equal(cn_hook_types_check("proposal.created,procedure.concluded",
					     &err), 0);
	assert_int_equal(cn_hook_types_check("proposal.made", &err), CN_EINVAL);
	assert_non_null(strstr(err.msg, "'proposal.made'"));
	assert_int_equal(cn_hook_types_check("proposal.created,proposal.created",
					     &err), CN_EINVAL);
	assert_non_null(strstr(err.msg, "twice"));
	assert_int_equal(cn_hook_types_check("proposal.created,", &err), CN_EINVAL);
	assert_int_equal(cn_hook_types_check(",proposal.created", &err), CN_EINVAL);
	assert_int_equal(cn_hook_types_check("a,,b", &err), CN_EINVAL);

	assert_true(cn_hook_types_match("", "anything"));
	assert_true(cn_hook_types_match("proposal.created,procedure.concluded",
					"procedure.concluded"));
	assert_false(cn_hook_types_match("proposal.created", "proposal"));
	assert_false(cn_hook_types_match("proposal", "proposal.created"));
}

static void test_remind(void **state)
{
	struct cn_remind r = {0}, back;
	struct cn_err err = {0};
	char text[CN_REMIND_TEXT], word[CN_REMIND_WORD];
	int64_t off = 0;
	(void)state;

	assert_int_equal(cn_remind_add(&r, "2h", "remind", 0, &err), 0);
	assert_int_equal(cn_remind_add(&r, "1d", "remind", 1, &err), 0);
	assert_int_equal(cn_remind_add(&r, "90s", "remind", 2, &err), 0);
	/* Largest first, in seconds. */
	cn_remind_encode(&r, text);
	assert_string_equal(text, "86400,7200,90");
	assert_int_equal(cn_remind_decode(text, &back, &err), 0);
	assert_int_equal(back.n, 3);
	assert_int_equal(back.at[0], 86400);
	assert_int_equal(back.at[2], 90);
	cn_remind_word(86400, word);
	assert_string_equal(word, "24h");
	cn_remind_word(90, word);
	assert_string_equal(word, "90s");
	cn_remind_word(1800, word);
	assert_string_equal(word, "30m");

	/* Bad words name the field and the item. */
	assert_int_equal(cn_remind_add(&r, "2 h", "remind", 3, &err), CN_EINVAL);
	assert_non_null(strstr(err.msg, "field 'remind': item 3"));
	assert_int_equal(cn_remind_add(&r, "h", "remind", 3, &err), CN_EINVAL);
	assert_int_equal(cn_remind_add(&r, "10", "remind", 3, &err), CN_EINVAL);
	assert_int_equal(cn_remind_add(&r, "10w", "remind", 3, &err), CN_EINVAL);
	assert_int_equal(cn_remind_add(&r, "-1h", "remind", 3, &err), CN_EINVAL);
	assert_int_equal(cn_remind_add(&r, "0s", "remind", 3, &err), CN_EINVAL);
	assert_int_equal(cn_remind_add(&r, "31d", "remind", 3, &err), CN_EINVAL);
	assert_int_equal(cn_remind_add(&r, "99999999999999999999d", "remind", 3,
				       &err), CN_EINVAL);
	assert_int_equal(cn_remind_add(&r, "120m", "remind", 3, &err), CN_EINVAL);
	assert_non_null(strstr(err.msg, "twice"));
	assert_int_equal(r.n, 3); /* refused ones changed nothing */
	assert_int_equal(cn_remind_add(&r, "30d", "remind", 3, &err), 0);
	assert_int_equal(cn_remind_add(&r, "1s", "remind", 4, &err), CN_EINVAL);
	assert_non_null(strstr(err.msg, "at most 4"));

	assert_int_equal(cn_remind_decode("", &back, &err), 0);
	assert_int_equal(back.n, 0);
	assert_int_equal(cn_remind_decode("7200,", &back, &err), CN_ECORRUPT);
	assert_int_equal(cn_remind_decode("0", &back, &err), CN_ECORRUPT);
	assert_int_equal(cn_remind_decode("x", &back, &err), CN_ECORRUPT);
	assert_int_equal(cn_remind_decode("5,5", &back, &err), CN_ECORRUPT);

	/* Due: the smallest offset whose time has come, before the deadline. */
	assert_int_equal(cn_remind_decode("86400,7200", &back, &err), 0);
	assert_false(cn_remind_due(&back, 100000, 100000 - 86401, &off));
	assert_true(cn_remind_due(&back, 100000, 100000 - 86400, &off));
	assert_int_equal(off, 86400);
	assert_true(cn_remind_due(&back, 100000, 100000 - 7201, &off));
	assert_int_equal(off, 86400);
	assert_true(cn_remind_due(&back, 100000, 100000 - 7200, &off));
	assert_int_equal(off, 7200);
	assert_true(cn_remind_due(&back, 100000, 99999, &off));
	assert_int_equal(off, 7200);
	assert_false(cn_remind_due(&back, 100000, 100000, &off));
	assert_int_equal(cn_remind_decode("", &back, &err), 0);
	assert_false(cn_remind_due(&back, 100000, 99999, &off));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_local_addresses),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_remind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
