/*
 * webauthn.c - see webauthn.h.
 *
 * CBOR goes through Debian's libcbor (cbor_load), after a strict walk of
 * the same bytes with libcbor's streaming decoder (cbor_first_item):
 * cbor_load allocates what a container's header declares before it has
 * read the elements, and frees nested items by recursion, so alone it
 * would let a few bytes claiming a huge map ask for gigabytes.  The walk
 * refuses indefinite lengths and tags (CTAP2's canonical CBOR has
 * neither), and any header declaring more elements than bytes remain,
 * so what cbor_load then builds is bounded by the input, itself bounded
 * (WA_ATTESTATION_MAX).  ECDSA is OpenSSL's (EVP_DigestVerify), loaded
 * when first needed (crypto_lib.h).
 */
#include "webauthn.h"

#include <cbor.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../core/event.h"
#include "../core/json_alloc.h"
#include "../core/sha256.h"
#include "crypto_lib.h"

/* ---- the walk before cbor_load -------------------------------------- */

struct walk {
	int bad;         /* an indefinite length or a tag */
	uint64_t adds;   /* elements the item just read declares */
};

static void w_bad(void *c) { ((struct walk *)c)->bad = 1; }
static void w_tag(void *c, uint64_t t) { (void)t; w_bad(c); }
static void w_array(void *c, size_t n) { ((struct walk *)c)->adds = n; }
static void w_map(void *c, size_t n)
{
	/* A key and a value each; n is at most 2^64 - 1. */
	((struct walk *)c)->adds = n > UINT64_MAX / 2 ? UINT64_MAX : 2 * (uint64_t)n;
}

/* The length of the one CBOR item at p (0), or -1 with why. */
static int cbor_first_item(const uint8_t *p, size_t len, size_t *item,
			   char *why, size_t n)
{
	struct cbor_callbacks cb = cbor_empty_callbacks;
	uint64_t need = 1;  /* items still to read to end the first one */
	size_t at = 0;

	cb.indef_array_start = w_bad;
	cb.indef_map_start = w_bad;
	cb.byte_string_start = w_bad;
	cb.string_start = w_bad;
	cb.tag = w_tag;
	cb.array_start = w_array;
	cb.map_start = w_map;
	while (need) {
		struct walk w = {0, 0};
		struct cbor_decoder_result r;

		if (at >= len) {
			snprintf(why, n, "CBOR ends early");
			return -1;
		}
		r = cbor_stream_decode(p + at, len - at, &cb, &w);
		if (r.status != CBOR_DECODER_FINISHED || r.read == 0) {
			snprintf(why, n, "CBOR malformed at byte %zu", at);
			return -1;
		}
		if (w.bad) {
			snprintf(why, n, "CBOR at byte %zu: indefinite lengths"
				 " and tags are not accepted", at);
			return -1;
		}
		at += r.read;
		/* Each element still to come takes a byte at least. */
		if (w.adds > len - at || need - 1 + w.adds > len - at) {
			snprintf(why, n, "CBOR at byte %zu declares more"
				 " elements than there are bytes", at - r.read);
			return -1;
		}
		need = need - 1 + w.adds;
	}
	*item = at;
	return 0;
}

/* The item at p into *it (its length into *used): 0, or -1 with why, or
 * WA_NOMEM when libcbor ran out of memory building it (the walk has
 * taken the bytes, so that is not the authenticator's fault). */
static int cbor_take(const uint8_t *p, size_t len, cbor_item_t **it,
		     size_t *used, char *why, size_t n)
{
	struct cbor_load_result r;

	*it = NULL;
	if (cbor_first_item(p, len, used, why, n))
		return -1;
	*it = cbor_load(p, *used, &r);
	if (!*it && r.error.code == CBOR_ERR_MEMERROR) {
		snprintf(why, n, "out of memory reading CBOR");
		return WA_NOMEM;
	}
	if (!*it || r.read != *used) {
		if (*it)
			cbor_decref(it);
		snprintf(why, n, "CBOR could not be read");
		return -1;
	}
	return 0;
}

/* An integer item's value, or 0 with *ok unset when it is none. */
static int64_t cbor_int(const cbor_item_t *it, int *ok)
{
	uint64_t v;

	*ok = 0;
	if (!it || !(cbor_isa_uint(it) || cbor_isa_negint(it)))
		return 0;
	v = cbor_get_int(it);
	if (v > INT64_MAX)
		return 0;
	*ok = 1;
	return cbor_isa_uint(it) ? (int64_t)v : -1 - (int64_t)v;
}

/* ---- COSE_Key ------------------------------------------------------- */

/* An EC2 P-256 ES256 key, exactly: {1: 2, 3: -7, -1: 1, -2: x, -3: y}. */
static int cose_key(const cbor_item_t *m, uint8_t pub[CN_PASSKEY_PUB_LEN],
		    char *why, size_t n)
{
	struct cbor_pair *kv;
	unsigned seen = 0;

	if (!cbor_isa_map(m) || cbor_map_size(m) != 5) {
		snprintf(why, n, "credentialPublicKey: a COSE_Key map of five"
			 " entries (an ES256 key) expected");
		return -1;
	}
	kv = cbor_map_handle(m);
	for (size_t i = 0; i < 5; i++) {
		int ok, vok;
		int64_t k = cbor_int(kv[i].key, &ok), v = cbor_int(kv[i].value, &vok);
		unsigned bit;

		if (!ok || k < -3 || k > 3 || k == 0 || k == 2) {
			snprintf(why, n, "credentialPublicKey: unexpected label");
			return -1;
		}
		bit = 1u << (k + 3);
		if (seen & bit) {
			snprintf(why, n, "credentialPublicKey: label %lld twice",
				 (long long)k);
			return -1;
		}
		seen |= bit;
		if (k == 1 && !(vok && v == 2)) {
			snprintf(why, n, "credentialPublicKey: kty must be 2 (EC2)");
			return -1;
		}
		if (k == 3 && !(vok && v == -7)) {
			snprintf(why, n, "credentialPublicKey: alg must be -7"
				 " (ES256); no other is accepted");
			return -1;
		}
		if (k == -1 && !(vok && v == 1)) {
			snprintf(why, n, "credentialPublicKey: crv must be 1"
				 " (P-256)");
			return -1;
		}
		if (k == -2 || k == -3) {
			if (!cbor_isa_bytestring(kv[i].value) ||
			    cbor_bytestring_length(kv[i].value) != 32) {
				snprintf(why, n, "credentialPublicKey: %s must be"
					 " 32 bytes", k == -2 ? "x" : "y");
				return -1;
			}
			memcpy(pub + (k == -2 ? 1 : 33),
			       cbor_bytestring_handle(kv[i].value), 32);
		}
	}
	pub[0] = 0x04;
	if (wa_key_check(pub)) {
		snprintf(why, n, "credentialPublicKey: not a point of P-256");
		return -1;
	}
	return 0;
}

/* ---- authenticator data --------------------------------------------- */

int wa_auth_parse(const uint8_t *p, size_t len, struct wa_auth *out,
		  char *why, size_t n)
{
	size_t at = 37, used;
	cbor_item_t *it;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len < 37 || len > WA_AUTH_DATA_MAX) {
		snprintf(why, n, "authenticator data: %zu bytes, not 37 to %d",
			 len, WA_AUTH_DATA_MAX);
		return -1;
	}
	memcpy(out->rp_id_hash, p, 32);
	out->flags = p[32];
	out->sign_count = (uint32_t)p[33] << 24 | (uint32_t)p[34] << 16 |
			  (uint32_t)p[35] << 8 | p[36];
	if (out->flags & WA_FLAG_AT) {
		size_t clen;
		if (len < at + 18) {
			snprintf(why, n, "authenticator data: attested"
				 " credential data cut short");
			return -1;
		}
		at += 16; /* the AAGUID: "none" attestation vouches for none */
		clen = (size_t)p[at] << 8 | p[at + 1];
		at += 2;
		if (clen == 0 || clen > CN_PASSKEY_CRED_MAX || len - at < clen) {
			snprintf(why, n, "authenticator data: credential id"
				 " length %zu out of bounds", clen);
			return -1;
		}
		memcpy(out->cred, p + at, clen);
		out->cred_len = clen;
		at += clen;
		if ((rc = cbor_take(p + at, len - at, &it, &used, why, n)))
			return rc;
		rc = cose_key(it, out->pub, why, n);
		cbor_decref(&it);
		if (rc)
			return -1;
		at += used;
		out->attested = 1;
	}
	if (out->flags & WA_FLAG_ED) {
		if ((rc = cbor_take(p + at, len - at, &it, &used, why, n)))
			return rc;
		rc = cbor_isa_map(it);
		cbor_decref(&it);
		if (!rc) {
			snprintf(why, n, "authenticator data: extensions must"
				 " be a CBOR map");
			return -1;
		}
		at += used;
	}
	if (at != len) {
		snprintf(why, n, "authenticator data: %zu bytes left over",
			 len - at);
		return -1;
	}
	return 0;
}

int wa_attestation_parse(const uint8_t *p, size_t len, struct wa_auth *out,
			 char *why, size_t n)
{
	const cbor_item_t *fmt = NULL, *stmt = NULL, *ad = NULL;
	struct cbor_pair *kv;
	cbor_item_t *m;
	size_t used;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (len > WA_ATTESTATION_MAX) {
		snprintf(why, n, "attestationObject: over %d bytes",
			 WA_ATTESTATION_MAX);
		return -1;
	}
	if ((rc = cbor_take(p, len, &m, &used, why, n)))
		return rc;
	rc = -1;
	if (used != len || !cbor_isa_map(m) || cbor_map_size(m) != 3) {
		snprintf(why, n, "attestationObject: a CBOR map of fmt,"
			 " attStmt and authData expected");
		goto out;
	}
	kv = cbor_map_handle(m);
	for (size_t i = 0; i < 3; i++) {
		const cbor_item_t *k = kv[i].key, **slot;
		size_t kl = cbor_isa_string(k) ? cbor_string_length(k) : 0;
		const char *ks = kl ? (const char *)cbor_string_handle(k) : "";

		slot = kl == 3 && !memcmp(ks, "fmt", 3)	       ? &fmt
		       : kl == 7 && !memcmp(ks, "attStmt", 7)  ? &stmt
		       : kl == 8 && !memcmp(ks, "authData", 8) ? &ad
							       : NULL;
		if (!slot || *slot) {
			snprintf(why, n, "attestationObject: unexpected or"
				 " repeated key");
			goto out;
		}
		*slot = kv[i].value;
	}
	if (!cbor_isa_string(fmt) || cbor_string_length(fmt) != 4 ||
	    memcmp(cbor_string_handle(fmt), "none", 4)) {
		snprintf(why, n, "attestationObject: fmt must be \"none\""
			 " (council asks no attestation)");
		goto out;
	}
	if (!cbor_isa_map(stmt) || cbor_map_size(stmt) != 0) {
		snprintf(why, n, "attestationObject: attStmt of \"none\""
			 " must be an empty map");
		goto out;
	}
	if (!cbor_isa_bytestring(ad)) {
		snprintf(why, n, "attestationObject: authData must be bytes");
		goto out;
	}
	if ((rc = wa_auth_parse(cbor_bytestring_handle(ad),
				cbor_bytestring_length(ad), out, why, n)))
		goto out;
	rc = -1;
	if (!out->attested) {
		snprintf(why, n, "authenticator data: no attested credential"
			 " (flag AT)");
		goto out;
	}
	rc = 0;
out:
	cbor_decref(&m);
	return rc;
}

int wa_auth_check(const struct wa_auth *a, const char *rp_id, char *why,
		  size_t n)
{
	uint8_t h[32];

	cn_sha256(rp_id, strlen(rp_id), h);
	if (sodium_memcmp(h, a->rp_id_hash, 32)) {
		snprintf(why, n, "authenticator data: rpIdHash is not that of"
			 " '%s'", rp_id);
		return -1;
	}
	if (!(a->flags & WA_FLAG_UP) || !(a->flags & WA_FLAG_UV)) {
		snprintf(why, n, "authenticator data: user %s not set",
			 !(a->flags & WA_FLAG_UP) ? "present (UP)"
						  : "verified (UV)");
		return -1;
	}
	return 0;
}

/* ---- client data ------------------------------------------------------ */

int wa_b64url(const char *s, size_t len, uint8_t *out, size_t cap, size_t *n)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
				       "nopqrstuvwxyz0123456789-_";
	const char *end;

	*n = 0;
	for (size_t i = 0; i < len; i++)
		if (!s[i] || !strchr(alphabet, s[i]))
			return -1;
	if (sodium_base642bin(out, cap, s, len, NULL, n, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
	    end != s + len)
		return -1;
	return 0;
}

int wa_client_parse(const uint8_t *data, size_t len, struct wa_client *out,
		    char *why, size_t n)
{
	json_t *o, *t, *c, *g, *x;
	json_error_t je;
	size_t bin = 0;
	int rc = -1, oom = 0;

	memset(out, 0, sizeof(*out));
	if (len > WA_CLIENT_DATA_MAX) {
		snprintf(why, n, "clientDataJSON: over %d bytes",
			 WA_CLIENT_DATA_MAX);
		return -1;
	}
	o = cn_json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &je,
			  &oom);
	if (oom) {
		snprintf(why, n, "clientDataJSON: out of memory reading it");
		return WA_NOMEM;
	}
	if (!o || !json_is_object(o)) {
		snprintf(why, n, "clientDataJSON: not a JSON object");
		json_decref(o);
		return -1;
	}
	t = json_object_get(o, "type");
	c = json_object_get(o, "challenge");
	g = json_object_get(o, "origin");
	x = json_object_get(o, "crossOrigin");
	if (!json_is_string(t) || !json_is_string(c) || !json_is_string(g)) {
		snprintf(why, n, "clientDataJSON: type, challenge and origin"
			 " must be strings");
		goto out;
	}
	if (json_string_length(t) >= sizeof(out->type) ||
	    json_string_length(g) >= sizeof(out->origin) ||
	    strlen(json_string_value(t)) != json_string_length(t) ||
	    strlen(json_string_value(g)) != json_string_length(g)) {
		snprintf(why, n, "clientDataJSON: type or origin too long");
		goto out;
	}
	if (x && !json_is_false(x)) {
		snprintf(why, n, "clientDataJSON: crossOrigin must be false");
		goto out;
	}
	if (wa_b64url(json_string_value(c), json_string_length(c),
		      out->challenge, sizeof(out->challenge), &bin) ||
	    bin != WA_CHALLENGE_LEN) {
		snprintf(why, n, "clientDataJSON: challenge is not %d bytes"
			 " of base64url", WA_CHALLENGE_LEN);
		goto out;
	}
	snprintf(out->type, sizeof(out->type), "%s", json_string_value(t));
	snprintf(out->origin, sizeof(out->origin), "%s", json_string_value(g));
	rc = 0;
out:
	json_decref(o);
	return rc;
}

/* ---- the Relying Party's configuration ------------------------------- */

int wa_rp_check(const char *rp_id, const char *origin, char *why, size_t n)
{
	size_t len = strlen(rp_id), hl, pl = 0;
	const char *host, *end;
	int digits_only = 1, is_https = !strncmp(origin, "https://", 8);

	if (!len || len > 253 || rp_id[0] == '.' || rp_id[0] == '-' ||
	    rp_id[len - 1] == '.' || rp_id[len - 1] == '-' ||
	    strspn(rp_id, "abcdefghijklmnopqrstuvwxyz0123456789.-") != len ||
	    strstr(rp_id, "..")) {
		snprintf(why, n, "--rp-id takes a domain name in lower case"
			 " (e.g. council.example.org or localhost)");
		return -1;
	}
	for (const char *p = rp_id; *p; p++)
		if (*p != '.' && (*p < '0' || *p > '9'))
			digits_only = 0;
	if (digits_only) {
		snprintf(why, n, "--rp-id: an IP address is no Relying Party"
			 " id; use a domain name (localhost for a test)");
		return -1;
	}
	if (!is_https && strncmp(origin, "http://", 7)) {
		snprintf(why, n, "--origin takes https://HOST[:PORT]");
		return -1;
	}
	host = origin + (is_https ? 8 : 7);
	end = host + strcspn(host, ":/");
	hl = (size_t)(end - host);
	if (*end == ':') {
		pl = strspn(end + 1, "0123456789");
		if (!pl || pl > 5 || end[1 + pl]) {
			snprintf(why, n, "--origin: the port must be digits"
				 " and nothing may follow it");
			return -1;
		}
	} else if (*end) {
		snprintf(why, n, "--origin is scheme and host only, no path");
		return -1;
	}
	if (strlen(origin) > 270 || hl < len ||
	    (hl > len && host[hl - len - 1] != '.') ||
	    strncmp(host + hl - len, rp_id, len) ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyz0123456789.-") < hl) {
		snprintf(why, n, "--origin's host must be --rp-id '%s' or a"
			 " name under it", rp_id);
		return -1;
	}
	if (!is_https && strcmp(rp_id, "localhost") &&
	    (len < 10 || strcmp(rp_id + len - 10, ".localhost"))) {
		snprintf(why, n, "--origin: browsers allow passkeys only on"
			 " https (or http://localhost): serve behind TLS");
		return -1;
	}
	return 0;
}

/* ---- ES256 ------------------------------------------------------------ */

/* NULL when pub is not a P-256 point, or libcrypto could not be loaded
 * (`council serve` loads it before it starts: crypto_lib.h). */
static EVP_PKEY *p256_key(const uint8_t pub[CN_PASSKEY_PUB_LEN])
{
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *c;
	EVP_PKEY *k = NULL;
	struct cn_err err = {0};

	if (cn_libcrypto_load(&err))
		return NULL;
	c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     (char *)"prime256v1", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
						      (void *)pub,
						      CN_PASSKEY_PUB_LEN);
	params[2] = OSSL_PARAM_construct_end();
	if (!c || EVP_PKEY_fromdata_init(c) <= 0 ||
	    EVP_PKEY_fromdata(c, &k, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		k = NULL;
	EVP_PKEY_CTX_free(c);
	return k;
}

int wa_key_check(const uint8_t pub[CN_PASSKEY_PUB_LEN])
{
	EVP_PKEY *k = pub[0] == 0x04 ? p256_key(pub) : NULL;
	EVP_PKEY_CTX *c = k ? EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL) : NULL;
	int ok = c && EVP_PKEY_public_check(c) == 1;

	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(k);
	return ok ? 0 : -1;
}

int wa_verify(const uint8_t pub[CN_PASSKEY_PUB_LEN], const uint8_t *auth,
	      size_t auth_len, const uint8_t *client, size_t client_len,
	      const uint8_t *sig, size_t sig_len)
{
	uint8_t ch[32];
	EVP_PKEY *k = p256_key(pub);
	EVP_MD_CTX *md = k ? EVP_MD_CTX_new() : NULL;
	int ok = 0;

	cn_sha256(client, client_len, ch);
	if (md && sig_len <= WA_SIG_MAX &&
	    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k) == 1 &&
	    EVP_DigestVerifyUpdate(md, auth, auth_len) == 1 &&
	    EVP_DigestVerifyUpdate(md, ch, sizeof(ch)) == 1)
		ok = EVP_DigestVerifyFinal(md, sig, sig_len) == 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
	return ok ? 0 : -1;
}
