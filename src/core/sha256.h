/*
 * sha256.h - SHA-256 for the log's hot paths (event hashes, Merkle nodes).
 *
 * Through OpenSSL's EVP, which uses the CPU's SHA extensions where there
 * are any: on this project's machines 3-4x faster than libsodium 1.0.18's
 * portable C for 65- to 300-byte inputs, and hashing is most of what
 * writing and verifying the log costs.  When OpenSSL cannot give a
 * context (out of memory, no provider) the same digest is computed with
 * libsodium, so a result is always produced and always the same.
 *
 * HMAC-SHA256 is built here on the same digest, so an event's commitment
 * (event.h: HMAC keyed by its salt) costs two digests and no MAC object.
 *
 * Setting OpenSSL up costs more than a short command hashes, so one-shot
 * digests go through libsodium until the process has hashed 64 KiB
 * (sha256.c says why), then through OpenSSL.
 *
 * Thread-safe.  The SHA-256 method is fetched once per process and kept
 * (an immutable handle); each thread makes one context on its first
 * digest and reuses it (freed when the thread ends); a streamed digest
 * has a context of its own.
 */
#ifndef CN_SHA256_H
#define CN_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "err.h"

#define CN_SHA256_LEN 32

/* OpenSSL set up as council uses it, once a process, before its first use
 * anywhere (here, and server/webauthn.c's ECDSA): without reading the
 * system's openssl.cnf, since council asks for nothing but the default
 * provider's SHA-256 and P-256, and without OpenSSL's clean-up at exit,
 * since a process's memory goes with it.  The two were 0.7 ms of CPU in a
 * small store's verify (5%).  Safe to call again, from any thread. */
void cn_openssl_setup(void);

/* Whether one-shot digests now go through OpenSSL (1) or still through
 * libsodium (0: fewer than 64 KiB hashed so far, or no OpenSSL). */
int cn_sha256_fast(void);

/* SHA-256 of the concatenation of n parts (at most 4). */
void cn_sha256_parts(const void *const *parts, const size_t *lens, size_t n,
		     uint8_t out[CN_SHA256_LEN]);

/* A digest fed in pieces: for streams whose length is not known up front
 * (verify's digest of the stored Merkle nodes).  Through EVP like the
 * one-shot digest, else libsodium (the same digest).  Not shared between
 * threads; cn_sha256_final ends it, and is
 * -1 when EVP failed on the way (then out is not the digest: a caller
 * comparing digests must not take two failures for agreement). */
struct cn_sha256 {
	struct evp_md_ctx_st *evp;       /* NULL: the libsodium state below */
	crypto_hash_sha256_state sodium;
	int failed;
};

void cn_sha256_init(struct cn_sha256 *h);
void cn_sha256_update(struct cn_sha256 *h, const void *data, size_t len);
int cn_sha256_final(struct cn_sha256 *h, uint8_t out[CN_SHA256_LEN])
	CN_NODISCARD;
/* End a digest without its result; after cn_sha256_final, nothing. */
void cn_sha256_release(struct cn_sha256 *h);

/* HMAC-SHA256 (RFC 2104, FIPS 198-1) of msg under key (any length; a key
 * longer than the 64-byte block is hashed first).  out may alias msg. */
void cn_hmac_sha256(const void *key, size_t keylen, const void *msg,
		    size_t len, uint8_t out[CN_SHA256_LEN]);

#endif
