/*
 * webauthn.h - what the Relying Party checks of a WebAuthn ceremony (W3C
 * Web Authentication Level 2, sections 7.1 and 7.2), apart from where
 * challenges and credentials are kept (api_passkeys.c, store/passkeys.h).
 *
 * Outside input, all of it: the client data (a JSON object the browser
 * writes and the authenticator signs the hash of), the attestation
 * object (CBOR) of a registration, the authenticator data of both
 * ceremonies, and a DER ECDSA signature.  Each parser takes bytes and a
 * length, checks everything it reads, and on failure says what was
 * wrong in `why` (never echoing more than a bounded piece).  Fuzzed by
 * tests/fuzz/fuzz_webauthn.c.
 *
 * Formats: only ES256 keys (COSE alg -7, P-256) and attestation format
 * "none" (with an empty attStmt).  A passkey here proves that the same
 * authenticator signs again, not which maker built it: council trusts
 * the person who registered it, signed in already, so it asks no
 * attestation ("none" in the options) and a browser that honours that
 * sends "none".  Any other format is refused by name rather than
 * accepted unchecked.
 */
#ifndef CN_WEBAUTHN_H
#define CN_WEBAUTHN_H

#include <stddef.h>
#include <stdint.h>

#include "../store/store.h"

#define WA_CHALLENGE_LEN 32
#define WA_AUTH_DATA_MAX 2048   /* authenticator data we read, at most */
#define WA_ATTESTATION_MAX 4096 /* an attestation object, at most */
#define WA_CLIENT_DATA_MAX 2048 /* client data JSON, at most */
#define WA_SIG_MAX 80           /* DER ECDSA P-256: 72 bytes at most */

/* Authenticator data flags (WebAuthn 6.1). */
#define WA_FLAG_UP 0x01
#define WA_FLAG_UV 0x04
#define WA_FLAG_AT 0x40
#define WA_FLAG_ED 0x80

/* The client data's fields the RP checks. */
struct wa_client {
	char type[24];                   /* webauthn.create | webauthn.get */
	uint8_t challenge[WA_CHALLENGE_LEN];
	char origin[256];
};

/* Authenticator data, and with AT its attested credential. */
struct wa_auth {
	uint8_t rp_id_hash[32];
	uint8_t flags;
	uint32_t sign_count;
	int attested;
	uint8_t cred[CN_PASSKEY_CRED_MAX];
	size_t cred_len;
	uint8_t pub[CN_PASSKEY_PUB_LEN];  /* 0x04 || x || y */
};

/* Decode base64url without padding, strictly: only the 64 characters of
 * its alphabet (libsodium's decoder alone lets some bytes over 0x7f
 * through), at most cap bytes, none left over.  0 with *n, or -1. */
int wa_b64url(const char *s, size_t len, uint8_t *out, size_t cap,
	      size_t *n);

/* Parse client data JSON: an object with string fields type, challenge
 * (base64url of exactly WA_CHALLENGE_LEN bytes) and origin, crossOrigin
 * absent or false; other fields are the browser's and ignored.  0, or
 * -1 with the reason in why; WA_NOMEM (why says so) when memory ran out
 * reading it, which is not the client's fault. */
#define WA_NOMEM (-2)
int wa_client_parse(const uint8_t *json, size_t len, struct wa_client *out,
		    char *why, size_t n);

/* Parse authenticator data (37 bytes and, with AT, the attested
 * credential data whose COSE key must be an ES256 one; with ED, one CBOR
 * map of extensions; nothing after).  0, or -1 with why; WA_NOMEM (why
 * says so) when memory ran out reading its CBOR. */
int wa_auth_parse(const uint8_t *p, size_t len, struct wa_auth *out,
		  char *why, size_t n);

/* Parse an attestation object: a CBOR map of exactly fmt "none",
 * attStmt {} and authData, the latter parsed as wa_auth_parse does and
 * carrying an attested credential.  0, or -1 with why; WA_NOMEM as
 * wa_auth_parse. */
int wa_attestation_parse(const uint8_t *p, size_t len, struct wa_auth *out,
			 char *why, size_t n);

/* The checks of authenticator data every ceremony makes: its rpIdHash
 * is SHA-256(rp_id), and the user was present and verified.  0, or -1
 * with why. */
int wa_auth_check(const struct wa_auth *a, const char *rp_id, char *why,
		  size_t n);

/* Whether rp_id and origin go together as serve's --rp-id and --origin:
 * rp_id a domain name (lower case; not an IP address: browsers refuse
 * one), origin "https://HOST[:PORT]" (or http:// for localhost, which
 * browsers count as secure) whose HOST is rp_id or under it.  0, or -1
 * with why naming the option. */
int wa_rp_check(const char *rp_id, const char *origin, char *why, size_t n);

/* Whether pub is a point of P-256 (0) or not (-1). */
int wa_key_check(const uint8_t pub[CN_PASSKEY_PUB_LEN]);

/* Verify an ES256 assertion: sig (DER) over auth || SHA-256(client
 * data) under pub.  0 when it holds, -1 otherwise. */
int wa_verify(const uint8_t pub[CN_PASSKEY_PUB_LEN], const uint8_t *auth,
	      size_t auth_len, const uint8_t *client, size_t client_len,
	      const uint8_t *sig, size_t sig_len);

#endif
