/* sha256.c - SHA-256 over one or more parts (OpenSSL EVP, libsodium as
 * fallback); see sha256.h. */
#include "sha256.h"

#include <assert.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <string.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static EVP_MD *method; /* set once, never changed: not mutable state */

/* Fetching OpenSSL's SHA-256 costs about 1.5 ms of a process's start
 * (its providers are set up on first use), a quarter of a short CLI
 * command, while libsodium's digest needs nothing set up.  So one-shot
 * digests go through libsodium until the process has hashed FETCH_AFTER
 * bytes: more than a CLI read hashes (a proposal's events), and little
 * enough that a long job, verify's, loses about 0.2 ms to libsodium's
 * slower digest before OpenSSL takes over.  A count, not state any result
 * depends on: both give the same digest (test_sha256 holds each to the
 * published vectors). */
#define FETCH_AFTER (64 * 1024)
static _Atomic size_t hashed;
static pthread_key_t ctx_key; /* frees a thread's context when it ends */

/* Each thread's context, made on its first digest and reused: allocating
 * one per digest cost as much as hashing a 300-byte event, and an event
 * now takes four digests (commitment, leaf, a Merkle node). */
static _Thread_local EVP_MD_CTX *thread_ctx;

static void free_ctx(void *ctx)
{
	EVP_MD_CTX_free(ctx);
}

void cn_openssl_setup(void)
{
	/* OpenSSL runs its set-up once, with the flags of the first call:
	 * every use in council comes after this one. */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT,
			    NULL);
}

static void fetch(void)
{
	cn_openssl_setup();
	/* An explicit fetch: EVP_sha256() would fetch again on every init,
	 * which costs more than hashing a Merkle node. */
	method = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (pthread_key_create(&ctx_key, free_ctx))
		method = NULL; /* no way to free contexts: use libsodium */
}

static EVP_MD_CTX *context(void)
{
	if (!thread_ctx && (thread_ctx = EVP_MD_CTX_new()) &&
	    pthread_setspecific(ctx_key, thread_ctx)) {
		EVP_MD_CTX_free(thread_ctx);
		thread_ctx = NULL;
	}
	return thread_ctx;
}

static void sodium_parts(const void *const *parts, const size_t *lens,
			 size_t n, uint8_t out[CN_SHA256_LEN])
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	for (size_t i = 0; i < n; i++)
		crypto_hash_sha256_update(&st, parts[i], lens[i]);
	crypto_hash_sha256_final(&st, out);
}

/* Whether a one-shot digest of these parts goes through OpenSSL.  Past
 * the threshold (every digest of a long job) only one load: the parts'
 * length is summed while the count still runs. */
static int evp_now(const size_t *lens, size_t n)
{
	size_t len = 0;

	if (atomic_load_explicit(&hashed, memory_order_relaxed) < FETCH_AFTER) {
		for (size_t i = 0; i < n; i++)
			len += lens[i];
		if (atomic_fetch_add_explicit(&hashed, len,
					      memory_order_relaxed) < FETCH_AFTER)
			return 0;
	}
	pthread_once(&once, fetch);
	return method != NULL;
}

int cn_sha256_fast(void)
{
	if (atomic_load_explicit(&hashed, memory_order_relaxed) < FETCH_AFTER)
		return 0;
	/* method is read after the fetch, never while it is written */
	pthread_once(&once, fetch);
	return method != NULL;
}

void cn_sha256_parts(const void *const *parts, const size_t *lens, size_t n,
		     uint8_t out[CN_SHA256_LEN])
{
	EVP_MD_CTX *ctx;
	unsigned int len = 0;
	uint8_t tmp[CN_SHA256_LEN];
	int ok;

	assert(n <= 4);
	if (!evp_now(lens, n) || !(ctx = context())) {
		sodium_parts(parts, lens, n, out);
		return;
	}
	ok = EVP_DigestInit_ex(ctx, method, NULL);
	for (size_t i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, parts[i], lens[i]);
	/* Into tmp: out may alias an input (merkle.c folds in place). */
	ok = ok && EVP_DigestFinal_ex(ctx, tmp, &len) && len == CN_SHA256_LEN;
	if (ok)
		memcpy(out, tmp, CN_SHA256_LEN);
	else
		sodium_parts(parts, lens, n, out);
}

void cn_sha256_init(struct cn_sha256 *h)
{
	pthread_once(&once, fetch);
	h->failed = 0;
	h->evp = method ? EVP_MD_CTX_new() : NULL;
	if (h->evp && !EVP_DigestInit_ex(h->evp, method, NULL)) {
		EVP_MD_CTX_free(h->evp);
		h->evp = NULL;
	}
	if (!h->evp)
		crypto_hash_sha256_init(&h->sodium);
}

void cn_sha256_update(struct cn_sha256 *h, const void *data, size_t len)
{
	if (!h->evp)
		crypto_hash_sha256_update(&h->sodium, data, len);
	else if (!h->failed && !EVP_DigestUpdate(h->evp, data, len))
		h->failed = 1; /* the stream so far is lost: sticky */
}

int cn_sha256_final(struct cn_sha256 *h, uint8_t out[CN_SHA256_LEN])
{
	unsigned int len = 0;

	if (!h->evp) {
		crypto_hash_sha256_final(&h->sodium, out);
		return 0;
	}
	if (!h->failed &&
	    (!EVP_DigestFinal_ex(h->evp, out, &len) || len != CN_SHA256_LEN))
		h->failed = 1;
	cn_sha256_release(h);
	return h->failed ? -1 : 0;
}

void cn_sha256_release(struct cn_sha256 *h)
{
	EVP_MD_CTX_free(h->evp);
	h->evp = NULL;
}

#define HMAC_BLOCK 64

void cn_hmac_sha256(const void *key, size_t keylen, const void *msg,
		    size_t len, uint8_t out[CN_SHA256_LEN])
{
	uint8_t k[HMAC_BLOCK] = {0}, ipad[HMAC_BLOCK], opad[HMAC_BLOCK];
	uint8_t inner[CN_SHA256_LEN];

	if (keylen > HMAC_BLOCK) {
		const void *parts[1] = {key};
		cn_sha256_parts(parts, &keylen, 1, k);
	} else if (keylen)
		memcpy(k, key, keylen);
	for (size_t i = 0; i < HMAC_BLOCK; i++) {
		ipad[i] = k[i] ^ 0x36;
		opad[i] = k[i] ^ 0x5c;
	}
	const void *in[2] = {ipad, msg};
	size_t inl[2] = {HMAC_BLOCK, len};
	cn_sha256_parts(in, inl, 2, inner);
	const void *outp[2] = {opad, inner};
	size_t outl[2] = {HMAC_BLOCK, CN_SHA256_LEN};
	cn_sha256_parts(outp, outl, 2, out);
	sodium_memzero(k, sizeof(k));
	sodium_memzero(ipad, sizeof(ipad));
	sodium_memzero(opad, sizeof(opad));
}
