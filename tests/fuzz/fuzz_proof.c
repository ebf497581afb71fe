/* fuzz_proof.c - libFuzzer target for Merkle proof parsing, generation and
 * verification with fuzzed sizes and indices.
 *
 * Input: byte 0 = flags, bytes 1..24 = three little-endian uint64 values
 * a, b, c (missing bytes read as zero), the rest = payload.  Each input is
 * used four ways:
 *  1. raw: payload = leaf/root1 (32 bytes), root/root2 (32 bytes), then
 *     32-byte proof nodes; both verifiers run with (a, b) as index/size and
 *     size1/size2 and must return 0, CN_EINVAL or CN_ECORRUPT;
 *  2. text: payload lines parsed as base64 and as hex proofs, then verified;
 *  3. a real 512-leaf tree: proofs for fuzzed (index, size, size1) must
 *     verify, and must stop verifying when the flags flip one bit or pick
 *     another index;
 *  4. a virtual tree of up to 2^64 - 1 equal leaves (perfect node (l, i) is
 *     the same for every i, so any size costs nothing): the same, for
 *     sizes no real tree reaches.
 * Every loop in the verifiers is bounded by the proof length and 64
 * shifts, so fuzzed sizes cannot make them spin. */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/merkle.h"

#define MEM_LEAVES 512
#define MAX_RAW_NODES 80
#define MAX_LINES 70

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_code(int rc)
{
	if (rc != 0 && rc != CN_EINVAL && rc != CN_ECORRUPT)
		abort();
}

static struct cn_merkle_mem *mem_tree(void)
{
	static struct cn_merkle_mem mem;
	static int ready;

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		cn_merkle_mem_init(&mem);
		for (uint32_t i = 0; i < MEM_LEAVES; i++) {
			uint8_t h[CN_MERKLE_HASH_LEN];

			cn_merkle_leaf_hash(&i, sizeof(i), h);
			if (cn_merkle_mem_append(&mem, h, NULL) != 0)
				abort();
		}
		ready = 1;
	}
	return &mem;
}

struct uniform {
	uint64_t size;
	uint8_t p[CN_MERKLE_LEVELS][CN_MERKLE_HASH_LEN];
};

static int uniform_get(void *ctx, unsigned level, uint64_t index,
		       uint8_t out[CN_MERKLE_HASH_LEN])
{
	const struct uniform *u = ctx;

	/* only nodes of a tree of u->size leaves exist */
	if (level >= CN_MERKLE_LEVELS || index >= (u->size >> level))
		return CN_ENOTFOUND;
	memcpy(out, u->p[level], CN_MERKLE_HASH_LEN);
	return 0;
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Generate and verify in a tree reached through get; flags pick the
 * mutations.  leaf(i) gives the leaf hash the verifier must start from. */
static void prove(cn_merkle_get_fn get, void *ctx, uint64_t n, uint64_t i,
		  uint64_t m, unsigned flags,
		  void (*leaf)(void *, uint64_t, uint8_t *), int distinct)
{
	struct cn_merkle_proof p;
	uint8_t root[CN_MERKLE_HASH_LEN], r1[CN_MERKLE_HASH_LEN];
	uint8_t lh[CN_MERKLE_HASH_LEN];
	struct cn_err err;

	if (cn_merkle_root(get, ctx, n, root, &err) != 0 ||
	    cn_merkle_root(get, ctx, m, r1, &err) != 0 ||
	    cn_merkle_inclusion_proof(get, ctx, i, n, &p, &err) != 0)
		abort();
	leaf(ctx, i, lh);
	if (p.len > 64 ||
	    cn_merkle_verify_inclusion(i, n, lh, p.node, p.len, root, &err) != 0)
		abort();
	if (p.len) {
		size_t e = (flags >> 8) % p.len;

		p.node[e].b[(flags >> 3) & 31] ^= (uint8_t)(1u << (flags & 7));
		if (cn_merkle_verify_inclusion(i, n, lh, p.node, p.len, root,
					       NULL) == 0)
			abort();
		p.node[e].b[(flags >> 3) & 31] ^= (uint8_t)(1u << (flags & 7));
		if (distinct) {
			uint64_t j = (i + 1 + (flags >> 16)) % n;

			if (j != i && cn_merkle_verify_inclusion(
					      j, n, lh, p.node, p.len, root,
					      NULL) == 0)
				abort();
		}
	}
	if (cn_merkle_consistency_proof(get, ctx, m, n, &p, &err) != 0 ||
	    p.len > CN_MERKLE_PROOF_MAX ||
	    cn_merkle_verify_consistency(m, n, r1, root, p.node, p.len,
					 &err) != 0)
		abort();
	if (p.len) {
		size_t e = (flags >> 8) % p.len;

		p.node[e].b[(flags >> 3) & 31] ^= (uint8_t)(1u << (flags & 7));
		if (cn_merkle_verify_consistency(m, n, r1, root, p.node, p.len,
						 NULL) == 0)
			abort();
	}
}

static void mem_leaf(void *ctx, uint64_t i, uint8_t *out)
{
	if (cn_merkle_mem_get(ctx, 0, i, out) != 0)
		abort();
}

static void uniform_leaf(void *ctx, uint64_t i, uint8_t *out)
{
	const struct uniform *u = ctx;

	(void)i;
	memcpy(out, u->p[0], CN_MERKLE_HASH_LEN);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t head[25] = { 0 };
	const uint8_t *pay = size > 25 ? data + 25 : data + size;
	size_t plen = size > 25 ? size - 25 : 0;
	uint64_t a, b, c;
	unsigned flags;
	struct cn_merkle_mem *mem = mem_tree();

	memcpy(head, data, size < 25 ? size : 25);
	flags = head[0] | (unsigned)head[1] << 8 | (unsigned)head[2] << 16;
	a = get_u64(head + 1);
	b = get_u64(head + 9);
	c = get_u64(head + 17);

	/* 1. raw nodes */
	{
		struct cn_merkle_hash node[MAX_RAW_NODES];
		uint8_t x[CN_MERKLE_HASH_LEN] = { 0 }, y[CN_MERKLE_HASH_LEN] = { 0 };
		size_t n = 0;

		memcpy(x, pay, plen < 32 ? plen : 32);
		if (plen > 32)
			memcpy(y, pay + 32, plen - 32 < 32 ? plen - 32 : 32);
		if (plen > 64) {
			n = (plen - 64) / 32;
			if (n > MAX_RAW_NODES)
				n = MAX_RAW_NODES;
			memcpy(node, pay + 64, n * 32);
		}
		check_code(cn_merkle_verify_inclusion(a, b, x, node, n, y, NULL));
		check_code(cn_merkle_verify_consistency(a, b, x, y, node, n,
							NULL));
		check_code(cn_merkle_verify_consistency(a & 0xffff, b, x, y,
							node, n, NULL));
		check_code(cn_merkle_verify_inclusion(a % (b ? b : 1), b, x,
						      node, n, y, NULL));
	}

	/* 2. text lines as base64 and hex proofs */
	{
		const char *line[MAX_LINES];
		char *buf = malloc(plen + 1);
		size_t nl = 0, start = 0;
		struct cn_merkle_proof p;
		uint8_t zero[CN_MERKLE_HASH_LEN] = { 0 };

		if (!buf)
			return 0;
		memcpy(buf, pay, plen);
		buf[plen] = '\0';
		for (size_t i = 0; i <= plen && nl < MAX_LINES; i++) {
			if (i == plen || buf[i] == '\n') {
				buf[i] = '\0';
				line[nl++] = buf + start;
				start = i + 1;
			}
		}
		for (int enc = 0; enc < 2; enc++) {
			int rc = cn_merkle_proof_parse(
				line, nl, enc ? CN_MERKLE_HEX : CN_MERKLE_BASE64,
				&p, NULL);

			check_code(rc);
			if (rc == 0) {
				if (p.len != nl)
					abort();
				check_code(cn_merkle_verify_inclusion(
					a, b, zero, p.node, p.len, zero, NULL));
				check_code(cn_merkle_verify_consistency(
					a, b, zero, zero, p.node, p.len, NULL));
			}
			for (size_t i = 0; i < nl; i++) {
				uint8_t h[CN_MERKLE_HASH_LEN];
				char again[CN_MERKLE_B64_LEN];

				if (cn_merkle_hash_parse(line[i], CN_MERKLE_BASE64,
							 h, NULL) == 0) {
					/* canonical: re-encodes to itself */
					cn_merkle_hash_b64(h, again);
					if (strcmp(again, line[i]) != 0)
						abort();
				}
			}
		}
		free(buf);
	}

	/* 3. a real tree of up to 512 leaves */
	{
		uint64_t n = b % MEM_LEAVES + 1;

		prove(cn_merkle_mem_get, mem, n, a % n, c % n + 1, flags,
		      mem_leaf, 1);
	}

	/* 4. a virtual tree of any size */
	{
		struct uniform u;
		uint64_t n = b ? b : 1;

		u.size = n;
		cn_merkle_leaf_hash(head, 1, u.p[0]);
		for (unsigned l = 1; l < CN_MERKLE_LEVELS; l++)
			cn_merkle_node_hash(u.p[l - 1], u.p[l - 1], u.p[l]);
		prove(uniform_get, &u, n, a % n, c % n + 1, flags, uniform_leaf,
		      0);
		if (n != UINT64_MAX) {
			struct cn_merkle_node nodes[CN_MERKLE_LEVELS];
			size_t nn;

			if (cn_merkle_append(uniform_get, &u, n, u.p[0], nodes,
					     &nn, NULL) != 0 ||
			    nn < 1 || nn > CN_MERKLE_LEVELS)
				abort();
			for (size_t j = 0; j < nn; j++)
				if (memcmp(nodes[j].hash, u.p[j],
					   CN_MERKLE_HASH_LEN) != 0)
					abort();
		}
	}
	return 0;
}
