/*
 * test_sha256.c - SHA-256 and HMAC-SHA256 (core/sha256.h) give the
 * published digests, one-shot, in parts and streamed, also when the
 * digest is written over an input.
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

static void test_vectors(void **state)
{
	(void)state;
	assert_sha(ABC, 3, ABC_SHA);
	assert_sha(M448, strlen(M448), M448_SHA);
	assert_sha_parts(M448, M448_SHA);
	assert_hmacs();
}

static void test_a_million_a(void **state)
{
	char *a = malloc(1000000);
	struct cn_sha256 h;
	uint8_t d[CN_SHA256_LEN];
	char x[2 * CN_SHA256_LEN + 1];

	(void)state;
	assert_non_null(a);
	memset(a, 'a', 1000000);
	assert_sha(a, 1000000, MILLION_A_SHA);
	/* streamed, in pieces that straddle the 64-byte blocks */
	cn_sha256_init(&h);
	for (size_t at = 0, k = 1; at < 1000000; at += k, k = k % 200 + 1)
		cn_sha256_update(&h, a + at, at + k <= 1000000 ? k : 1000000 - at);
	cn_sha256_final(&h, d);
	hex(d, x);
	assert_string_equal(x, MILLION_A_SHA);
	free(a);
}

/* A digest written over one of its inputs (merkle.c folds in place), and
 * an HMAC over its message. */
static void test_out_aliases_an_input(void **state)
{
	uint8_t buf[64], want[CN_SHA256_LEN], key[20];
	const void *parts[2] = {buf, buf + 32};
	const size_t lens[2] = {32, 32};
	const void *one[1] = {buf};
	const size_t len64 = 64;

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	cn_sha256_parts(one, &len64, 1, want);
	cn_sha256_parts(parts, lens, 2, buf);
	assert_memory_equal(buf, want, CN_SHA256_LEN);

	memset(key, 0x0b, sizeof(key));
	memcpy(buf, "Hi There", 8);
	cn_hmac_sha256(key, sizeof(key), buf, 8, buf);
	char h[2 * CN_SHA256_LEN + 1];
	hex(buf, h);
	assert_string_equal(h, HMAC1_SHA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_a_million_a),
		cmocka_unit_test(test_out_aliases_an_input),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
