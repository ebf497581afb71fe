/* fuzz_webauthn.c - libFuzzer target for what an authenticator and a
 * browser send in a passkey ceremony (server/webauthn.c): an attestation
 * object (CBOR, through the strict walk and libcbor), authenticator data,
 * and client data JSON.  The first byte chooses, modulo 3: 0 an
 * attestation object, 1 authenticator data, 2 client data; the rest is
 * the input.
 *
 * Properties: a refusal has a reason; a parse is the same twice.  An
 * attestation taken carries an attested credential of 1 to 1023 bytes
 * and a point of P-256.  Authenticator data taken has the rpIdHash,
 * flags and counter of its first 37 bytes, and is exactly 37 bytes when
 * it has neither AT nor ED.  Client data taken has a challenge of 32
 * bytes whose base64url is the JSON's challenge, and the JSON's type and
 * origin as they were. */
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/webauthn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void attested(const struct wa_auth *a)
{
	if (!a->attested || a->cred_len < 1 || a->cred_len > CN_PASSKEY_CRED_MAX ||
	    a->pub[0] != 0x04 || wa_key_check(a->pub))
		abort();
}

static void attestation(const uint8_t *p, size_t n)
{
	struct wa_auth a, b;
	char why[200] = "", why2[200] = "";
	int rc = wa_attestation_parse(p, n, &a, why, sizeof(why));

	if (rc != wa_attestation_parse(p, n, &b, why2, sizeof(why2)))
		abort();
	if (rc) {
		if (!why[0] || strcmp(why, why2))
			abort();
		return;
	}
	if (memcmp(&a, &b, sizeof(a)))
		abort();
	attested(&a);
}

static void auth_data(const uint8_t *p, size_t n)
{
	struct wa_auth a;
	char why[200] = "";

	if (wa_auth_parse(p, n, &a, why, sizeof(why))) {
		if (!why[0])
			abort();
		return;
	}
	if (memcmp(a.rp_id_hash, p, 32) || a.flags != p[32] ||
	    a.sign_count != ((uint32_t)p[33] << 24 | (uint32_t)p[34] << 16 |
			     (uint32_t)p[35] << 8 | p[36]))
		abort();
	if (!(a.flags & (WA_FLAG_AT | WA_FLAG_ED)) && n != 37)
		abort();
	if (a.flags & WA_FLAG_AT)
		attested(&a);
}

static void client(const uint8_t *p, size_t n)
{
	struct wa_client c;
	char why[200] = "", b64[64];
	json_t *o;

	if (wa_client_parse(p, n, &c, why, sizeof(why))) {
		if (!why[0])
			abort();
		return;
	}
	o = json_loadb((const char *)p, n, 0, NULL);
	if (!o)
		abort();
	sodium_bin2base64(b64, sizeof(b64), c.challenge, sizeof(c.challenge),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (strcmp(json_string_value(json_object_get(o, "challenge")), b64) ||
	    strcmp(json_string_value(json_object_get(o, "type")), c.type) ||
	    strcmp(json_string_value(json_object_get(o, "origin")), c.origin))
		abort();
	json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0: attestation(data + 1, size - 1); break;
	case 1: auth_data(data + 1, size - 1); break;
	default: client(data + 1, size - 1); break;
	}
	return 0;
}
