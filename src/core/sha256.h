/*
 * sha256.h - SHA-256 for the log's hot paths (event hashes, Merkle nodes),
 * and HMAC-SHA256 for an event's commitment.
 *
 * Through nettle (Debian's nettle-dev, GnuTLS's own hashing; linked from
 * its static archive, meson_options.txt), which picks at start-up the
 * code for the CPU it runs on: SHA extensions where there are
 * any (on this project's machines 1.7 GB/s), else its x86_64 assembly.
 * Most of what the log hashes is 65- to 300-byte inputs, four digests an
 * event (commitment, leaf, Merkle node); nettle's context is a plain
 * struct on the caller's stack, set up by a few stores, so a 100-byte
 * digest takes 68 ns where OpenSSL's EVP, with its method fetch, per-thread
 * contexts and their failures, took 264 ns, and libcrypto's relocations
 * were 0.6 ms of every command's start (docs/PERFORMANCE.md).
 *
 * Nothing here can fail, allocates, or holds state between calls: every
 * function is safe from any thread (a streamed digest is its caller's).
 */
#ifndef CN_SHA256_H
#define CN_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include <nettle/sha2.h>

#define CN_SHA256_LEN 32

/* SHA-256 of the concatenation of n parts (at most 4).  out may alias an
 * input (merkle.c folds in place). */
void cn_sha256_parts(const void *const *parts, const size_t *lens, size_t n,
		     uint8_t out[CN_SHA256_LEN]);

/* A digest fed in pieces: for streams whose length is not known up front
 * (verify's digests of Merkle nodes and projection rows).  Not shared
 * between threads; cn_sha256_final ends it. */
struct cn_sha256 {
	struct sha256_ctx c;
};

void cn_sha256_init(struct cn_sha256 *h);
void cn_sha256_update(struct cn_sha256 *h, const void *data, size_t len);
void cn_sha256_final(struct cn_sha256 *h, uint8_t out[CN_SHA256_LEN]);

/* HMAC-SHA256 (RFC 2104, FIPS 198-1) of msg under key (any length; a key
 * longer than the 64-byte block is hashed first).  out may alias msg. */
void cn_hmac_sha256(const void *key, size_t keylen, const void *msg,
		    size_t len, uint8_t out[CN_SHA256_LEN]);

#endif
