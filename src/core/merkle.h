/*
 * merkle.h - the RFC 9162 (RFC 6962) Merkle tree over SHA-256 that makes
 * the decision log tamper-evident: roots, inclusion and consistency proofs,
 * and their verification.
 *
 * Hashing (RFC 9162 section 2.1.1):
 *     leaf hash   = SHA-256(0x00 || leaf bytes)
 *     node hash   = SHA-256(0x01 || left || right)
 *     empty root  = SHA-256("")
 * A leaf is an event's 32-byte commitment, HMAC-SHA256 of its canonical
 * bytes keyed by its salt (event.h), so a leaf hash reveals nothing of the
 * bytes to whoever lacks the salt.
 *
 * Storage: a tree of size n is kept as its *perfect* nodes.  Node
 * (level, index) is the root of the perfect subtree over leaves
 * [index * 2^level, (index + 1) * 2^level); level 0 holds the leaf hashes.
 * Perfect nodes never change once the last leaf under them exists, so each
 * is stored once (e.g. a SQLite table keyed by (level, index)) and every
 * root or proof is O(log n) lookups: the few "ephemeral" right-edge nodes
 * of a tree whose size is not a power of two are recomputed from perfect
 * nodes on each call.  The caller owns the storage and hands this module a
 * lookup callback; appending leaf n returns the perfect nodes it completes
 * so the caller can store them in the same transaction as the leaf.
 *
 * Ownership: nothing here allocates except struct cn_merkle_mem, which
 * owns its arrays until cn_merkle_mem_release().  Outputs are written into
 * caller-provided fixed-size buffers (a proof has at most 65 nodes).
 *
 * Pure code: no I/O, no clock, no global state.  Sizes and indices are
 * uint64_t; a tree holds at most 2^64 - 1 leaves.
 */
#ifndef CN_MERKLE_H
#define CN_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define CN_MERKLE_HASH_LEN 32
/* Perfect-node levels 0..63 are enough for sizes below 2^64. */
#define CN_MERKLE_LEVELS 64
/* Longest possible proof: an inclusion proof has at most 64 nodes (the
 * tree depth), a consistency proof at most depth + 1 = 65 (RFC 9162
 * section 2.1.4.1: "ceil(log2(n)) + 1"). */
#define CN_MERKLE_PROOF_MAX 65
/* Standard base64 of a hash with padding, plus NUL: 44 + 1. */
#define CN_MERKLE_B64_LEN 45

/* One hash as a value type, so arrays of them carry their element length
 * in their type (a proof element can never be "12 bytes"). */
struct cn_merkle_hash {
	uint8_t b[CN_MERKLE_HASH_LEN];
};

/* A proof: `len` hashes, lowest (closest to the leaves) first, in the
 * order RFC 9162 sends them. */
struct cn_merkle_proof {
	size_t len;
	struct cn_merkle_hash node[CN_MERKLE_PROOF_MAX];
};

/* A perfect node produced by an append: the caller stores it. */
struct cn_merkle_node {
	unsigned level;
	uint64_t index;
	uint8_t hash[CN_MERKLE_HASH_LEN];
};

/* Look up perfect node (level, index) and copy its hash to out.  Returns 0,
 * or a negative CN_E* code (CN_ENOTFOUND when the node is not stored,
 * CN_EIO for a storage failure) which the caller of the module function
 * gets back unchanged; a store that wants a detailed message keeps it in
 * its ctx.  The module only asks for nodes that exist in a tree of the size
 * it was given. */
typedef int (*cn_merkle_get_fn)(void *ctx, unsigned level, uint64_t index,
				uint8_t out[CN_MERKLE_HASH_LEN]);

/* --- hashing ------------------------------------------------------------ */

void cn_merkle_leaf_hash(const void *data, size_t len,
			 uint8_t out[CN_MERKLE_HASH_LEN]);
void cn_merkle_node_hash(const uint8_t left[CN_MERKLE_HASH_LEN],
			 const uint8_t right[CN_MERKLE_HASH_LEN],
			 uint8_t out[CN_MERKLE_HASH_LEN]);
void cn_merkle_empty_root(uint8_t out[CN_MERKLE_HASH_LEN]);

/* --- building and proving from perfect nodes ---------------------------- */

/* Append leaf number `size` (0-based; the tree grows to size + 1).  Writes
 * the perfect nodes this completes to out[0..*nout): always (0, size) =
 * leaf_hash, then one node per level while the new node is a right child
 * (1 + the number of trailing one bits of size; at most 64).  Reads the
 * left siblings through get.  CN_EINVAL when size is 2^64 - 1. */
int cn_merkle_append(cn_merkle_get_fn get, void *ctx, uint64_t size,
		     const uint8_t leaf_hash[CN_MERKLE_HASH_LEN],
		     struct cn_merkle_node out[CN_MERKLE_LEVELS], size_t *nout,
		     struct cn_err *err) CN_NODISCARD;

/* Root of the tree made of the first `size` leaves (the empty root for 0).
 * Every perfect node of that tree must be reachable through get, i.e. size
 * must not exceed the number of leaves appended. */
int cn_merkle_root(cn_merkle_get_fn get, void *ctx, uint64_t size,
		   uint8_t root[CN_MERKLE_HASH_LEN],
		   struct cn_err *err) CN_NODISCARD;

/* RFC 9162 PATH(index, D[size]): the inclusion proof of leaf `index` in the
 * tree of the first `size` leaves.  CN_EINVAL unless index < size. */
int cn_merkle_inclusion_proof(cn_merkle_get_fn get, void *ctx,
			      uint64_t index, uint64_t size,
			      struct cn_merkle_proof *proof,
			      struct cn_err *err) CN_NODISCARD;

/* RFC 9162 PROOF(size1, D[size2]): the consistency proof between the trees
 * of the first size1 and size2 leaves (empty when they are equal).
 * CN_EINVAL unless 0 < size1 <= size2: a proof from the empty tree proves
 * nothing, and the verifier rejects it. */
int cn_merkle_consistency_proof(cn_merkle_get_fn get, void *ctx,
				uint64_t size1, uint64_t size2,
				struct cn_merkle_proof *proof,
				struct cn_err *err) CN_NODISCARD;

/* --- verification (RFC 9162 sections 2.1.3.2 and 2.1.4.2) --------------- */

/* Check that leaf_hash is leaf `index` of the tree of `size` leaves whose
 * root is `root`.  Compute leaf_hash yourself with cn_merkle_leaf_hash()
 * from the entry bytes you hold; never trust a leaf hash sent along with a
 * proof.  Returns 0 when the proof holds, CN_EINVAL when index >= size,
 * CN_ECORRUPT when the proof does not lead to the root (wrong length
 * included). */
int cn_merkle_verify_inclusion(uint64_t index, uint64_t size,
			       const uint8_t leaf_hash[CN_MERKLE_HASH_LEN],
			       const struct cn_merkle_hash proof[],
			       size_t nproof,
			       const uint8_t root[CN_MERKLE_HASH_LEN],
			       struct cn_err *err) CN_NODISCARD;

/* Check that the tree of size1 leaves with root1 is a prefix of the tree of
 * size2 leaves with root2.  Equal sizes need an empty proof and equal roots.
 * Returns 0, CN_EINVAL when size1 == 0 or size1 > size2, CN_ECORRUPT when
 * the proof does not hold. */
int cn_merkle_verify_consistency(uint64_t size1, uint64_t size2,
				 const uint8_t root1[CN_MERKLE_HASH_LEN],
				 const uint8_t root2[CN_MERKLE_HASH_LEN],
				 const struct cn_merkle_hash proof[],
				 size_t nproof, struct cn_err *err)
	CN_NODISCARD;

/* --- text forms --------------------------------------------------------- */

enum cn_merkle_enc {
	CN_MERKLE_BASE64, /* RFC 4648 section 4, with padding, canonical */
	CN_MERKLE_HEX,    /* 64 lowercase hex digits, as cn_hex() writes */
};

/* Decode one NUL-terminated hash.  CN_EINVAL unless it decodes to exactly
 * 32 bytes (an empty string, 12 bytes or 33 bytes are all refused). */
int cn_merkle_hash_parse(const char *text, enum cn_merkle_enc enc,
			 uint8_t out[CN_MERKLE_HASH_LEN],
			 struct cn_err *err) CN_NODISCARD;

/* Decode n strings into *proof.  CN_EINVAL when n > CN_MERKLE_PROOF_MAX or
 * any element is not exactly one hash (the message names the element). */
int cn_merkle_proof_parse(const char *const *elems, size_t n,
			  enum cn_merkle_enc enc, struct cn_merkle_proof *proof,
			  struct cn_err *err) CN_NODISCARD;

/* Standard base64 with padding; out is CN_MERKLE_B64_LEN bytes. */
void cn_merkle_hash_b64(const uint8_t hash[CN_MERKLE_HASH_LEN],
			char out[CN_MERKLE_B64_LEN]);

/* --- in-memory node store ----------------------------------------------- */

/* All perfect nodes of a tree in memory: one growable array per level.
 * For tests and for `council verify`, which rebuilds the tree of an
 * exported log from its leaves.  Zero it with cn_merkle_mem_init(); it
 * owns its arrays until cn_merkle_mem_release(). */
struct cn_merkle_mem {
	uint64_t size; /* leaves appended */
	struct cn_merkle_hash *level[CN_MERKLE_LEVELS];
	uint64_t len[CN_MERKLE_LEVELS];
	uint64_t cap[CN_MERKLE_LEVELS];
};

void cn_merkle_mem_init(struct cn_merkle_mem *mem);
void cn_merkle_mem_release(struct cn_merkle_mem *mem);

/* Append one leaf hash and store the perfect nodes it completes. */
int cn_merkle_mem_append(struct cn_merkle_mem *mem,
			 const uint8_t leaf_hash[CN_MERKLE_HASH_LEN],
			 struct cn_err *err) CN_NODISCARD;

/* Append one leaf given with the perfect nodes its append completes, as
 * computed elsewhere (a frontier, frontier.h: nodes[0] is the leaf, (0,
 * mem->size), and each node the next of its level); the same result as
 * cn_merkle_mem_append without hashing here. */
int cn_merkle_mem_append_nodes(struct cn_merkle_mem *mem,
			       const struct cn_merkle_node *nodes, size_t n,
			       struct cn_err *err) CN_NODISCARD;

/* The cn_merkle_get_fn of a struct cn_merkle_mem (pass the mem as ctx). */
int cn_merkle_mem_get(void *ctx, unsigned level, uint64_t index,
		      uint8_t out[CN_MERKLE_HASH_LEN]);

#endif
