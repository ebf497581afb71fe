/* merkle.c - the RFC 9162 Merkle tree over the log: leaf and node
 * hashes, appends, roots, inclusion and consistency proofs; see merkle.h.
 *
 * The proof generators follow the RFC's recursive definitions (PATH and
 * SUBPROOF) as loops that walk down from the root, so each step either
 * takes a perfect left subtree (one node lookup) or the right part of the
 * current range.  Once the walk turns left, every range below it is
 * perfect; so at most one element of any proof is an ephemeral right-edge
 * node, and a proof costs O(log n) lookups and hashes in all. */
#include "merkle.h"

#include <assert.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "event.h"
#include "sha256.h"

/* --- hashing ------------------------------------------------------------ */

/* SHA-256(prefix || a || b) without building the concatenation. */
static void hash_prefixed(uint8_t prefix, const void *a, size_t alen,
			  const void *b, size_t blen,
			  uint8_t out[CN_MERKLE_HASH_LEN])
{
	const void *parts[3] = {&prefix, a, b};
	size_t lens[3] = {1, alen, blen};

	/* Both inputs are consumed before out is written, so out may alias
	 * a or b (the fold loops below rely on it; sha256.c guarantees it). */
	cn_sha256_parts(parts, lens, blen ? 3 : alen ? 2 : 1, out);
}

void cn_merkle_leaf_hash(const void *data, size_t len,
			 uint8_t out[CN_MERKLE_HASH_LEN])
{
	/* 0x00 / 0x01 are RFC 6962's domain separation: without them a leaf
	 * could be passed off as an inner node (second preimage). */
	hash_prefixed(0x00, data, len, NULL, 0, out);
}

void cn_merkle_node_hash(const uint8_t left[CN_MERKLE_HASH_LEN],
			 const uint8_t right[CN_MERKLE_HASH_LEN],
			 uint8_t out[CN_MERKLE_HASH_LEN])
{
	hash_prefixed(0x01, left, CN_MERKLE_HASH_LEN, right,
		      CN_MERKLE_HASH_LEN, out);
}

void cn_merkle_empty_root(uint8_t out[CN_MERKLE_HASH_LEN])
{
	cn_sha256("", 0, out);
}

/* --- building and proving from perfect nodes ---------------------------- */

/* k = the largest power of two strictly below n (n >= 2): the size of the
 * left subtree in the RFC's MTH(D[n]) split.  Written without shifting k
 * past 2^63. */
static uint64_t split_point(uint64_t n)
{
	uint64_t k = 1;

	while (k < n - k)
		k <<= 1;
	return k;
}

static int fetch(cn_merkle_get_fn get, void *ctx, unsigned level,
		 uint64_t index, uint8_t out[CN_MERKLE_HASH_LEN],
		 struct cn_err *err)
{
	int rc = get(ctx, level, index, out);

	if (rc == 0)
		return 0;
	if (rc > 0) /* a callback outside the convention still failed */
		rc = CN_EIO;
	return cn_err_set(err, rc, "merkle node (level %u, index %llu): %s",
			  level, (unsigned long long)index, cn_err_name(rc));
}

/* MTH(D[lo:hi]) for a range that is a subtree of some tree in the RFC's
 * recursion: lo is a multiple of a power of two >= hi - lo.  Such a range
 * splits into perfect nodes following the one bits of hi - lo, largest
 * first (that is exactly the RFC's "largest power of two below n" split
 * applied repeatedly); folding them right to left rebuilds the ephemeral
 * nodes along the right edge. */
static int range_hash(cn_merkle_get_fn get, void *ctx, uint64_t lo,
		      uint64_t hi, uint8_t out[CN_MERKLE_HASH_LEN],
		      struct cn_err *err)
{
	struct cn_merkle_hash part[CN_MERKLE_LEVELS];
	uint64_t len = hi - lo, pos = lo;
	size_t n = 0;
	int rc;

	for (unsigned l = CN_MERKLE_LEVELS; l-- > 0;) {
		uint64_t w = (uint64_t)1 << l;

		if (!(len & w))
			continue;
		rc = fetch(get, ctx, l, pos >> l, part[n].b, err);
		if (rc)
			return rc;
		n++;
		pos += w;
	}
	/* len > 0, so n >= 1. */
	memcpy(out, part[n - 1].b, CN_MERKLE_HASH_LEN);
	for (size_t i = n - 1; i-- > 0;)
		cn_merkle_node_hash(part[i].b, out, out);
	return 0;
}

int cn_merkle_append(cn_merkle_get_fn get, void *ctx, uint64_t size,
		     const uint8_t leaf_hash[CN_MERKLE_HASH_LEN],
		     struct cn_merkle_node out[CN_MERKLE_LEVELS], size_t *nout,
		     struct cn_err *err)
{
	uint64_t idx = size;
	unsigned level = 0;
	size_t n = 1;
	int rc;

	*nout = 0;
	if (size == UINT64_MAX)
		return cn_err_set(err, CN_EINVAL,
				  "merkle tree is full (2^64 - 1 leaves)");
	out[0].level = 0;
	out[0].index = size;
	memcpy(out[0].hash, leaf_hash, CN_MERKLE_HASH_LEN);
	/* A right child completes its parent.  size < 2^64 - 1 has at most
	 * 63 trailing ones, so n stays <= 64. */
	while (idx & 1) {
		uint8_t left[CN_MERKLE_HASH_LEN];

		rc = fetch(get, ctx, level, idx - 1, left, err);
		if (rc)
			return rc;
		cn_merkle_node_hash(left, out[n - 1].hash, out[n].hash);
		idx >>= 1;
		level++;
		out[n].level = level;
		out[n].index = idx;
		n++;
	}
	*nout = n;
	return 0;
}

int cn_merkle_root(cn_merkle_get_fn get, void *ctx, uint64_t size,
		   uint8_t root[CN_MERKLE_HASH_LEN], struct cn_err *err)
{
	if (size == 0) {
		cn_merkle_empty_root(root);
		return 0;
	}
	return range_hash(get, ctx, 0, size, root, err);
}

/* The walks below collect elements root-first; RFC proofs list them
 * leaf-first. */
static void reverse_into(const struct cn_merkle_hash *tmp, size_t n,
			 struct cn_merkle_proof *proof)
{
	for (size_t i = 0; i < n; i++)
		proof->node[i] = tmp[n - 1 - i];
	proof->len = n;
}

int cn_merkle_inclusion_proof(cn_merkle_get_fn get, void *ctx,
			      uint64_t index, uint64_t size,
			      struct cn_merkle_proof *proof,
			      struct cn_err *err)
{
	struct cn_merkle_hash tmp[CN_MERKLE_PROOF_MAX];
	uint64_t lo = 0, hi = size;
	size_t n = 0;
	int rc;

	proof->len = 0;
	if (index >= size)
		return cn_err_set(err, CN_EINVAL,
				  "inclusion proof: leaf %llu is not in a tree "
				  "of size %llu",
				  (unsigned long long)index,
				  (unsigned long long)size);
	/* PATH(m, D[n]): the sibling of the side holding the leaf, then
	 * recurse into that side.  The depth is at most 64. */
	while (hi - lo > 1) {
		uint64_t k = split_point(hi - lo);

		if (index < lo + k) {
			rc = range_hash(get, ctx, lo + k, hi, tmp[n].b, err);
			hi = lo + k;
		} else {
			rc = range_hash(get, ctx, lo, lo + k, tmp[n].b, err);
			lo += k;
		}
		if (rc)
			return rc;
		n++;
	}
	reverse_into(tmp, n, proof);
	return 0;
}

int cn_merkle_consistency_proof(cn_merkle_get_fn get, void *ctx,
				uint64_t size1, uint64_t size2,
				struct cn_merkle_proof *proof,
				struct cn_err *err)
{
	struct cn_merkle_hash tmp[CN_MERKLE_PROOF_MAX];
	uint64_t lo = 0, hi = size2;
	int whole = 1; /* SUBPROOF's b: still at the root of D[size1]'s path */
	size_t n = 0;
	int rc;

	proof->len = 0;
	if (size1 == 0 || size1 > size2)
		return cn_err_set(err, CN_EINVAL,
				  "consistency proof: need 0 < size1 <= size2, "
				  "got %llu and %llu",
				  (unsigned long long)size1,
				  (unsigned long long)size2);
	/* SUBPROOF(m, D[lo:hi], b) with m = size1 - lo; invariant
	 * lo < size1 <= hi.  Depth <= 64, plus the final node: <= 65. */
	for (;;) {
		if (size1 == hi) {
			/* MTH(D[lo:hi]) is a root the verifier already holds
			 * only when b is still true (it is size1's root). */
			if (!whole) {
				rc = range_hash(get, ctx, lo, hi, tmp[n].b, err);
				if (rc)
					return rc;
				n++;
			}
			break;
		}
		uint64_t k = split_point(hi - lo);
		if (size1 <= lo + k) {
			rc = range_hash(get, ctx, lo + k, hi, tmp[n].b, err);
			hi = lo + k;
		} else {
			rc = range_hash(get, ctx, lo, lo + k, tmp[n].b, err);
			lo += k;
			whole = 0;
		}
		if (rc)
			return rc;
		n++;
	}
	reverse_into(tmp, n, proof);
	return 0;
}

/* --- verification ------------------------------------------------------- */

/* One step up the path both proofs walk (RFC 9162 2.1.3.2 and 2.1.4.2):
 * 1 when the proof's next node is the left sibling of what was hashed so
 * far (the path is a right child, or on the right edge, fn == sn), 0 when
 * it is the right one; then fn and sn move up, past the levels where the
 * right edge has no sibling. */
static int path_step(uint64_t *fn, uint64_t *sn)
{
	int left = (*fn & 1) || *fn == *sn;

	/* AND, not OR: "while !(fn & 1) || fn == 0" spins forever at
	 * fn == 0 (one public port has it; here the callers stop once sn
	 * reaches 0, which keeps fn == 0 out). */
	while (left && !(*fn & 1) && *fn != 0) {
		*fn >>= 1;
		*sn >>= 1;
	}
	*fn >>= 1;
	*sn >>= 1;
	return left;
}

int cn_merkle_verify_inclusion(uint64_t index, uint64_t size,
			       const uint8_t leaf_hash[CN_MERKLE_HASH_LEN],
			       const struct cn_merkle_hash proof[],
			       size_t nproof,
			       const uint8_t root[CN_MERKLE_HASH_LEN],
			       struct cn_err *err)
{
	uint8_t r[CN_MERKLE_HASH_LEN];
	uint64_t fn, sn;
	size_t i;

	if (index >= size)
		return cn_err_set(err, CN_EINVAL,
				  "inclusion proof: leaf %llu is not in a tree "
				  "of size %llu",
				  (unsigned long long)index,
				  (unsigned long long)size);
	/* fn walks the leaf's path up, sn the last leaf's; where they meet
	 * (fn == sn) the leaf is on the right edge and levels without a
	 * sibling are skipped.  sn reaching 0 means we are at the root. */
	fn = index;
	sn = size - 1;
	memcpy(r, leaf_hash, sizeof(r));
	for (i = 0; i < nproof && sn != 0; i++) {
		if (path_step(&fn, &sn))
			cn_merkle_node_hash(proof[i].b, r, r);
		else
			cn_merkle_node_hash(r, proof[i].b, r);
	}
	/* The last node of a proof that fits takes the path to the root. */
	if (i < nproof || sn != 0)
		return cn_err_set(err, CN_ECORRUPT,
				  "inclusion proof: %zu nodes is too %s for "
				  "leaf %llu of %llu", nproof,
				  i < nproof ? "many" : "few",
				  (unsigned long long)index,
				  (unsigned long long)size);
	if (memcmp(r, root, sizeof(r)) != 0)
		return cn_err_set(err, CN_ECORRUPT,
				  "inclusion proof: leaf %llu does not lead to "
				  "the root of size %llu",
				  (unsigned long long)index,
				  (unsigned long long)size);
	return 0;
}

int cn_merkle_verify_consistency(uint64_t size1, uint64_t size2,
				 const uint8_t root1[CN_MERKLE_HASH_LEN],
				 const uint8_t root2[CN_MERKLE_HASH_LEN],
				 const struct cn_merkle_hash proof[],
				 size_t nproof, struct cn_err *err)
{
	uint8_t fr[CN_MERKLE_HASH_LEN], sr[CN_MERKLE_HASH_LEN];
	uint64_t fn, sn;
	size_t i;

	if (size1 == 0)
		return cn_err_set(err, CN_EINVAL,
				  "consistency proof: from the empty tree "
				  "proves nothing");
	if (size1 > size2)
		return cn_err_set(err, CN_EINVAL,
				  "consistency proof: size1 %llu > size2 %llu",
				  (unsigned long long)size1,
				  (unsigned long long)size2);
	if (size1 == size2) {
		if (nproof != 0)
			return cn_err_set(err, CN_ECORRUPT,
					  "consistency proof: equal sizes need "
					  "an empty proof, got %zu nodes",
					  nproof);
		if (memcmp(root1, root2, CN_MERKLE_HASH_LEN) != 0)
			return cn_err_set(err, CN_ECORRUPT,
					  "consistency proof: equal sizes "
					  "with different roots");
		return 0;
	}
	if (nproof == 0)
		return cn_err_set(err, CN_ECORRUPT,
				  "consistency proof: empty proof for sizes "
				  "%llu and %llu",
				  (unsigned long long)size1,
				  (unsigned long long)size2);
	/* When size1 is a power of two, its root is a node of the new tree
	 * and the prover leaves it out: the verifier puts root1 first
	 * itself (RFC 9162 2.1.4.2 step 2; some ports forgot this). */
	if ((size1 & (size1 - 1)) == 0) {
		memcpy(fr, root1, sizeof(fr));
		i = 0;
	} else {
		memcpy(fr, proof[0].b, sizeof(fr));
		i = 1;
	}
	memcpy(sr, fr, sizeof(sr));
	fn = size1 - 1;
	sn = size2 - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < nproof && sn != 0; i++) {
		const uint8_t *c = proof[i].b;

		if (path_step(&fn, &sn)) {
			cn_merkle_node_hash(c, fr, fr);
			cn_merkle_node_hash(c, sr, sr);
		} else {
			cn_merkle_node_hash(sr, c, sr);
		}
	}
	if (i < nproof || sn != 0)
		return cn_err_set(err, CN_ECORRUPT,
				  "consistency proof: %zu nodes is too %s for "
				  "sizes %llu and %llu", nproof,
				  i < nproof ? "many" : "few",
				  (unsigned long long)size1,
				  (unsigned long long)size2);
	if (memcmp(fr, root1, sizeof(fr)) != 0)
		return cn_err_set(err, CN_ECORRUPT,
				  "consistency proof: does not lead to root1");
	if (memcmp(sr, root2, sizeof(sr)) != 0)
		return cn_err_set(err, CN_ECORRUPT,
				  "consistency proof: does not lead to root2");
	return 0;
}

/* --- text forms --------------------------------------------------------- */


int cn_merkle_hash_parse(const char *text, enum cn_merkle_enc enc,
			 uint8_t out[CN_MERKLE_HASH_LEN], struct cn_err *err)
{
	uint8_t tmp[CN_MERKLE_HASH_LEN];
	size_t len = strlen(text), got = 0;

	if (enc == CN_MERKLE_HEX) {
		if (cn_unhex(text, tmp, sizeof(tmp)) != 0)
			return cn_err_set(err, CN_EINVAL,
					  "hash is not 64 lowercase hex digits");
	} else {
		/* padding required, no spaces, unused bits zero, nothing
		 * past 32 bytes */
		if (cn_base64_decode(text, len, tmp, sizeof(tmp), &got) != 0 ||
		    got != sizeof(tmp))
			return cn_err_set(err, CN_EINVAL,
					  "hash is not the base64 of 32 bytes "
					  "(%zu characters)", len);
	}
	memcpy(out, tmp, sizeof(tmp));
	return 0;
}

int cn_merkle_proof_parse(const char *const *elems, size_t n,
			  enum cn_merkle_enc enc, struct cn_merkle_proof *proof,
			  struct cn_err *err)
{
	proof->len = 0;
	if (n > CN_MERKLE_PROOF_MAX)
		return cn_err_set(err, CN_EINVAL,
				  "proof has %zu nodes, more than %d", n,
				  CN_MERKLE_PROOF_MAX);
	for (size_t i = 0; i < n; i++) {
		int rc = cn_merkle_hash_parse(elems[i], enc, proof->node[i].b,
					      err);

		if (rc) {
			cn_err_prefix(err, "proof[%zu]: ", i);
			return rc;
		}
	}
	proof->len = n;
	return 0;
}

void cn_merkle_hash_b64(const uint8_t hash[CN_MERKLE_HASH_LEN],
			char out[CN_MERKLE_B64_LEN])
{
	sodium_bin2base64(out, CN_MERKLE_B64_LEN, hash, CN_MERKLE_HASH_LEN,
			  sodium_base64_VARIANT_ORIGINAL);
}

/* --- in-memory node store ----------------------------------------------- */

void cn_merkle_mem_init(struct cn_merkle_mem *mem)
{
	memset(mem, 0, sizeof(*mem));
}

void cn_merkle_mem_release(struct cn_merkle_mem *mem)
{
	for (unsigned l = 0; l < CN_MERKLE_LEVELS; l++)
		free(mem->level[l]);
	memset(mem, 0, sizeof(*mem));
}

int cn_merkle_mem_get(void *ctx, unsigned level, uint64_t index,
		      uint8_t out[CN_MERKLE_HASH_LEN])
{
	const struct cn_merkle_mem *mem = ctx;

	if (level >= CN_MERKLE_LEVELS || index >= mem->len[level])
		return CN_ENOTFOUND;
	memcpy(out, mem->level[level][index].b, CN_MERKLE_HASH_LEN);
	return 0;
}

static int mem_reserve(struct cn_merkle_mem *mem, unsigned level,
		       struct cn_err *err)
{
	struct cn_merkle_hash *p;
	uint64_t cap;

	if (mem->len[level] < mem->cap[level])
		return 0;
	cap = mem->cap[level] ? mem->cap[level] * 2 : 16;
	if (cap < mem->cap[level] || cap > SIZE_MAX / sizeof(*p))
		return cn_err_set(err, CN_ENOMEM, "merkle tree too large");
	p = realloc(mem->level[level], (size_t)cap * sizeof(*p));
	if (!p)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	mem->level[level] = p;
	mem->cap[level] = cap;
	return 0;
}

int cn_merkle_mem_append(struct cn_merkle_mem *mem,
			 const uint8_t leaf_hash[CN_MERKLE_HASH_LEN],
			 struct cn_err *err)
{
	struct cn_merkle_node node[CN_MERKLE_LEVELS];
	size_t n;
	int rc;

	rc = cn_merkle_append(cn_merkle_mem_get, mem, mem->size, leaf_hash,
			      node, &n, err);
	return rc ? rc : cn_merkle_mem_append_nodes(mem, node, n, err);
}

int cn_merkle_mem_append_nodes(struct cn_merkle_mem *mem,
			       const struct cn_merkle_node *node, size_t n,
			       struct cn_err *err)
{
	int rc;

	assert(n >= 1 && node[0].level == 0 && node[0].index == mem->size);
	/* Reserve every slot before writing any, so a failed allocation
	 * leaves the store as it was. */
	for (size_t i = 0; i < n; i++) {
		rc = mem_reserve(mem, node[i].level, err);
		if (rc)
			return rc;
	}
	/* Perfect nodes complete left to right, so node (l, i) always lands
	 * at the end of level l: len[l] == size >> l. */
	for (size_t i = 0; i < n; i++) {
		unsigned l = node[i].level;

		assert(node[i].index == mem->len[l]);
		memcpy(mem->level[l][mem->len[l]].b, node[i].hash,
		       CN_MERKLE_HASH_LEN);
		mem->len[l]++;
	}
	mem->size++;
	return 0;
}
