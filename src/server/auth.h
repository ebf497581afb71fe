/*
 * auth.h - bearer tokens and the principals they stand for.
 *
 * A token is "cn_" followed by 43 characters of base64url (32 random bytes
 * from libsodium).  It is shown once, when issued; the store keeps only its
 * SHA-256, so a copy of the database gives nobody a usable token.
 *
 * Principals: the secretariat, a member delegation (one member code), a
 * partner (one partner code), or the public (no token).  Tokens are looked
 * up through the app's reader (reader.h), never in the store itself.
 *
 * Ownership: everything is written into caller-provided buffers.
 */
#ifndef CN_AUTH_H
#define CN_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "../app/reader.h"
#include "../core/err.h"
#include "../core/event.h"
#include "../core/world.h"

/* enum cn_role: app/sight.h (through reader.h), where what each role may
 * see is decided. */

struct cn_principal {
	enum cn_role role;
	char code[CN_CODE_MAX];  /* member or partner code */
	int64_t token_id;
	/* A person signed in by a session cookie (session.h): its id and
	 * name, the session's id and the CSRF token its writes must carry;
	 * person 0 for a bearer token or the public. */
	int64_t person;
	char person_name[65];
	int64_t session_id;
	char csrf[44];
};

#define CN_TOKEN_LEN 46 /* "cn_" + 43 */

/* Make a new token (text into out, CN_TOKEN_LEN + 1 bytes) and its hash. */
void cn_token_new(char out[CN_TOKEN_LEN + 1], uint8_t hash[CN_HASH_LEN]);
void cn_token_hash(const char *token, uint8_t hash[CN_HASH_LEN]);
/* The same with another three-character prefix ("cs_": a session). */
void cn_secret_new(const char prefix[4], char out[CN_TOKEN_LEN + 1],
		   uint8_t hash[CN_HASH_LEN]);

/* Resolve an Authorization header value.  NULL (no header): the public
 * (0).  "Bearer <token>" of a valid token: its principal (0).  Anything
 * else, an empty header too: CN_EREFUSED (the caller answers 401). */
int cn_auth_resolve(struct cn_reader *rd, const char *authorization,
		    struct cn_principal *out, struct cn_err *err) CN_NODISCARD;

/* Resolve a calendar feed key (the `key` of GET /api/v1/calendar.ics,
 * made like a token, store.h "Calendar feed keys"): the principal of the
 * token (or person's holder, store.h) it was made for, with token_id the
 * feed's own id (0).  A missing, malformed, unknown or revoked key, or
 * one whose owner token is revoked or whose person is disabled:
 * CN_ENOTFOUND, all alike. */
int cn_auth_feed(struct cn_reader *rd, const char *key,
		 struct cn_principal *out, struct cn_err *err) CN_NODISCARD;

const char *cn_role_name(enum cn_role r);

/* The actor a principal's events are recorded with: "secretariat",
 * "delegation:FR", and for a person in a session its id after that,
 * "delegation:FR person:7" (core/buf.h; the name is told by
 * person_name.h to those who may know it); "" for a partner or the
 * public, who write nothing.  CN_ACTOR_LEN bytes hold any. */
#define CN_ACTOR_LEN 96
void cn_principal_actor(const struct cn_principal *who, char *buf, size_t len);

#endif
