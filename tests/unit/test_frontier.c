/*
 * test_frontier.c - the compact Merkle frontier (core/frontier.h) against
 * RFC 9162's definition of the tree head, MTH, written out here, and
 * against the perfect nodes of the in-memory tree (merkle.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/frontier.h"

#define HL CN_MERKLE_HASH_LEN
#define N 70 /* sizes 0..70 cross every shape up to 2^6 + 6 */

static uint8_t leaves[N][HL];

/* RFC 9162 section 2.1.1, literally: MTH({}) = SHA-256(), MTH of one leaf
 * is its leaf hash, else split at the largest power of two below n. */
static void mth(size_t lo, size_t hi, uint8_t out[HL])
{
	uint8_t a[HL], b[HL], buf[1 + 2 * HL];
	size_t k = 1;

	if (hi == lo) {
		crypto_hash_sha256(out, (const unsigned char *)"", 0);
		return;
	}
	if (hi - lo == 1) {
		memcpy(out, leaves[lo], HL);
		return;
	}
	while (2 * k < hi - lo)
		k *= 2;
	mth(lo, lo + k, a);
	mth(lo + k, hi, b);
	buf[0] = 0x01;
	memcpy(buf + 1, a, HL);
	memcpy(buf + 1 + HL, b, HL);
	crypto_hash_sha256(out, buf, sizeof(buf));
}

static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < N; i++) {
		char d[32];
		int len = snprintf(d, sizeof(d), "frontier leaf %zu", i);
		cn_merkle_leaf_hash(d, (size_t)len, leaves[i]);
	}
	return 0;
}

/* At every size the root is MTH, the nodes an append completes are the
 * in-memory tree's, and a frontier loaded from that tree is the same. */
static void test_frontier_matches_tree(void **state)
{
	struct cn_merkle_frontier f, g;
	struct cn_merkle_mem mem;
	struct cn_merkle_node out[CN_MERKLE_LEVELS];
	uint8_t root[HL], want[HL], stored[HL];
	size_t n;

	(void)state;
	cn_merkle_frontier_init(&f);
	cn_merkle_mem_init(&mem);
	cn_merkle_frontier_root(&f, root);
	mth(0, 0, want);
	assert_memory_equal(root, want, HL);
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(cn_merkle_frontier_append(&f, leaves[i], out, &n,
							   NULL), 0);
		assert_int_equal(cn_merkle_mem_append(&mem, leaves[i], NULL), 0);
		assert_int_equal(f.size, i + 1);
		/* 1 + the trailing one bits of i */
		assert_int_equal(n, 1 + (size_t)__builtin_ctzll(~(uint64_t)i));
		for (size_t j = 0; j < n; j++) {
			assert_int_equal(cn_merkle_mem_get(&mem, out[j].level,
							   out[j].index, stored), 0);
			assert_memory_equal(out[j].hash, stored, HL);
		}
		cn_merkle_frontier_root(&f, root);
		mth(0, i + 1, want);
		assert_memory_equal(root, want, HL);
		assert_int_equal(cn_merkle_frontier_load(&g, cn_merkle_mem_get,
							 &mem, i + 1), 0);
		assert_int_equal(g.size, f.size);
		/* the streamed one keeps the levels it absorbed; the loaded
		 * one never had them: equal all the same */
		assert_true(cn_merkle_frontier_equal(&f, &g));
		cn_merkle_frontier_root(&g, root);
		assert_memory_equal(root, want, HL);
	}
	cn_merkle_mem_release(&mem);
}

/* A loaded frontier goes on as the streamed one does: appending the rest
 * gives the same roots (what `verify --since` relies on). */
static void test_frontier_load_then_append(void **state)
{
	struct cn_merkle_frontier f, g;
	struct cn_merkle_mem mem;
	uint8_t root[HL], want[HL];

	(void)state;
	cn_merkle_mem_init(&mem);
	for (size_t i = 0; i < 37; i++)
		assert_int_equal(cn_merkle_mem_append(&mem, leaves[i], NULL), 0);
	assert_int_equal(cn_merkle_frontier_load(&f, cn_merkle_mem_get, &mem, 37),
			 0);
	for (size_t i = 37; i < N; i++) {
		assert_int_equal(cn_merkle_frontier_append(&f, leaves[i], NULL, NULL,
							   NULL), 0);
		cn_merkle_frontier_root(&f, root);
		mth(0, i + 1, want);
		assert_memory_equal(root, want, HL);
	}
	/* Another leaf: another frontier. */
	assert_int_equal(cn_merkle_frontier_load(&g, cn_merkle_mem_get, &mem, 37),
			 0);
	assert_int_equal(cn_merkle_frontier_append(&g, leaves[0], NULL, NULL,
						   NULL), 0);
	assert_int_equal(cn_merkle_frontier_load(&f, cn_merkle_mem_get, &mem, 37),
			 0);
	assert_int_equal(cn_merkle_frontier_append(&f, leaves[37], NULL, NULL,
						   NULL), 0);
	assert_false(cn_merkle_frontier_equal(&f, &g));
	/* A node the tree lacks is the lookup's error, unchanged. */
	assert_int_equal(cn_merkle_frontier_load(&f, cn_merkle_mem_get, &mem, 38),
			 CN_ENOTFOUND);
	cn_merkle_mem_release(&mem);
}

static void test_frontier_full(void **state)
{
	struct cn_merkle_frontier f;
	struct cn_err err = {0};
	size_t n = 7;

	(void)state;
	cn_merkle_frontier_init(&f);
	f.size = UINT64_MAX;
	assert_int_equal(cn_merkle_frontier_append(&f, leaves[0], NULL, &n, &err),
			 CN_EINVAL);
	assert_int_equal(n, 0);
	assert_int_equal(f.size, UINT64_MAX);
	assert_non_null(strstr(err.msg, "full"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frontier_matches_tree),
		cmocka_unit_test(test_frontier_load_then_append),
		cmocka_unit_test(test_frontier_full),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, NULL);
}
