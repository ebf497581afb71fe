/* sha256.c - SHA-256 over one or more parts, and HMAC-SHA256 (nettle);
 * see sha256.h. */
#include "sha256.h"

#include <assert.h>

#include <nettle/hmac.h>
#include <sodium.h>

void cn_sha256_parts(const void *const *parts, const size_t *lens, size_t n,
		     uint8_t out[CN_SHA256_LEN])
{
	struct sha256_ctx c;

	assert(n <= 4);
	sha256_init(&c);
	for (size_t i = 0; i < n; i++)
		sha256_update(&c, lens[i], parts[i]);
	/* The inputs are read before out is written: it may alias one. */
	sha256_digest(&c, CN_SHA256_LEN, out);
}

void cn_sha256_init(struct cn_sha256 *h)
{
	sha256_init(&h->c);
}

void cn_sha256_update(struct cn_sha256 *h, const void *data, size_t len)
{
	sha256_update(&h->c, len, data);
}

void cn_sha256_final(struct cn_sha256 *h, uint8_t out[CN_SHA256_LEN])
{
	sha256_digest(&h->c, CN_SHA256_LEN, out);
}

void cn_hmac_sha256(const void *key, size_t keylen, const void *msg,
		    size_t len, uint8_t out[CN_SHA256_LEN])
{
	struct hmac_sha256_ctx c;

	hmac_sha256_set_key(&c, keylen, key);
	hmac_sha256_update(&c, len, msg);
	hmac_sha256_digest(&c, CN_SHA256_LEN, out);
	/* Its inner and outer states are keyed by an event's salt. */
	sodium_memzero(&c, sizeof(c));
}
