/*
 * test_sha256.c - SHA-256 and HMAC-SHA256 (core/sha256.h) give the
 * published digests both ways a process computes them: through libsodium
 * while it has hashed little, and through OpenSSL once it has hashed
 * 64 KiB.  The tests run in order in one process, so the first sees the
 * libsodium path and the last the OpenSSL one; each asserts which.
 *
 * Vectors: FIPS 180-2, appendix B ("abc", the 448-bit message, a million
 * 'a'); RFC 4231, test cases 1 and 6 (HMAC-SHA256, a key longer than the
 * block in 6).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/sha256.h"

static const char ABC[] = "abc";
static const char ABC_SHA[] =
	"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
static const char M448[] =
	"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char M448_SHA[] =
	"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
static const char MILLION_A_SHA[] =
	"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
static const char HMAC1_SHA[] =
	"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
static const char HMAC6_SHA[] =
	"60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54";

static void hex(const uint8_t d[CN_SHA256_LEN], char out[2 * CN_SHA256_LEN + 1])
{
	sodium_bin2hex(out, 2 * CN_SHA256_LEN + 1, d, CN_SHA256_LEN);
}

static void assert_sha(const void *msg, size_t len, const char *want)
{
	const void *parts[1] = {msg};
	uint8_t d[CN_SHA256_LEN];
	char h[2 * CN_SHA256_LEN + 1];

	cn_sha256_parts(parts, &len, 1, d);
	hex(d, h);
	assert_string_equal(h, want);
}

/* The same message cut into parts gives the same digest. */
static void assert_sha_parts(const char *msg, const char *want)
{
	const size_t n = strlen(msg);
	const void *parts[3] = {msg, msg + 1, msg + n / 2};
	const size_t lens[3] = {1, n / 2 - 1, n - n / 2};
	uint8_t d[CN_SHA256_LEN];
	char h[2 * CN_SHA256_LEN + 1];

	cn_sha256_parts(parts, lens, 3, d);
	hex(d, h);
	assert_string_equal(h, want);
}

static void assert_hmacs(void)
{
	uint8_t key1[20], key6[131], d[CN_SHA256_LEN];
	const char *msg6 = "Test Using Larger Than Block-Size Key - Hash Key First";
	char h[2 * CN_SHA256_LEN + 1];

	memset(key1, 0x0b, sizeof(key1));
	memset(key6, 0xaa, sizeof(key6));
	cn_hmac_sha256(key1, sizeof(key1), "Hi There", 8, d);
	hex(d, h);
	assert_string_equal(h, HMAC1_SHA);
	cn_hmac_sha256(key6, sizeof(key6), msg6, strlen(msg6), d);
	hex(d, h);
	assert_string_equal(h, HMAC6_SHA);
}

static void test_small_through_libsodium(void **state)
{
	(void)state;
	assert_int_equal(cn_sha256_fast(), 0);
	assert_sha(ABC, 3, ABC_SHA);
	assert_sha(M448, strlen(M448), M448_SHA);
	assert_sha_parts(M448, M448_SHA);
	assert_hmacs();
	assert_int_equal(cn_sha256_fast(), 0); /* still: a few hundred bytes */
}

static void test_a_million_a(void **state)
{
	char *a = malloc(1000000);

	(void)state;
	assert_non_null(a);
	memset(a, 'a', 1000000);
	/* the digest that crosses the threshold is still libsodium's */
	assert_sha(a, 1000000, MILLION_A_SHA);
	/* and the next one OpenSSL's */
	assert_sha(a, 1000000, MILLION_A_SHA);
	free(a);
	assert_int_equal(cn_sha256_fast(), 1);
}

static void test_small_through_openssl(void **state)
{
	struct cn_sha256 h;
	uint8_t d[CN_SHA256_LEN];
	char x[2 * CN_SHA256_LEN + 1];

	(void)state;
	assert_int_equal(cn_sha256_fast(), 1);
	assert_sha(ABC, 3, ABC_SHA);
	assert_sha(M448, strlen(M448), M448_SHA);
	assert_sha_parts(M448, M448_SHA);
	assert_hmacs();
	/* the streamed digest, in pieces of every length */
	cn_sha256_init(&h);
	for (size_t at = 0, k = 1; at < strlen(M448); at += k, k++)
		cn_sha256_update(&h, M448 + at,
				 at + k <= strlen(M448) ? k : strlen(M448) - at);
	assert_int_equal(cn_sha256_final(&h, d), 0);
	hex(d, x);
	assert_string_equal(x, M448_SHA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_through_libsodium),
		cmocka_unit_test(test_a_million_a),
		cmocka_unit_test(test_small_through_openssl),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
