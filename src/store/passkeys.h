/*
 * passkeys.h - part of the store contract (store.h, which includes it):
 * people's passkeys (WebAuthn credentials), the cn_store_* functions
 * store/passkeys.c implements above the backends (sqlite_passkeys.c,
 * pg_passkeys.c).
 *
 * A passkey is what the Relying Party keeps of a credential a person
 * registered (server/api_passkeys.c): the credential id the
 * authenticator chose, its ES256 public key (an uncompressed P-256
 * point), the signature counter last seen, the user handle the
 * authenticator gives back at sign-in (random, never the person's id),
 * a label and its dates.  Nothing in it signs anybody in: a copy of the
 * database holds public keys only.  Like people and sessions, passkeys
 * are credentials beside the log: none of this appends an event.  The
 * table is made with the people's (cn_sq_create_people,
 * cn_pg_create_people), on the first writable open of a store without
 * it.
 */
#ifndef CN_STORE_PASSKEYS_H
#define CN_STORE_PASSKEYS_H

/* Included by store.h, after people.h. */

#define CN_PASSKEY_CRED_MAX 1023  /* WebAuthn's bound on a credential id */
#define CN_PASSKEY_PUB_LEN 65     /* 0x04 || x || y */
#define CN_PASSKEY_HANDLE_LEN 32  /* the user handle we make */
#define CN_PASSKEY_LABEL_MAX 64

struct cn_passkey {
	int64_t id;
	int64_t person;
	uint8_t cred[CN_PASSKEY_CRED_MAX];
	size_t cred_len;
	uint8_t pub[CN_PASSKEY_PUB_LEN];
	uint8_t handle[CN_PASSKEY_HANDLE_LEN];
	int64_t sign_count;
	char label[CN_PASSKEY_LABEL_MAX + 1];
	char created[32];
	char used[32];            /* "" until first used to sign in */
};
typedef int (*cn_passkey_fn)(void *ctx, const struct cn_passkey *k,
			     struct cn_err *err);

/* Store a new passkey (k->id, created and used ignored; *id gets the
 * new one).  CN_EREFUSED when its credential id is stored already. */
int cn_store_passkey_add(struct cn_store *st, const struct cn_passkey *k,
			 int64_t now, int64_t *id, struct cn_err *err)
	CN_NODISCARD;
/* A person's passkeys, by id. */
int cn_store_passkeys(struct cn_store *st, int64_t person, cn_passkey_fn fn,
		      void *ctx, struct cn_err *err) CN_NODISCARD;
/* The passkey with that credential id: CN_ENOTFOUND when none. */
int cn_store_passkey_find(struct cn_store *st, const uint8_t *cred,
			  size_t len, struct cn_passkey *k, struct cn_err *err)
	CN_NODISCARD;
/* A sign-in with passkey id: its counter becomes count, when count is
 * above the stored one, or both are 0 (an authenticator that keeps no
 * counter); else CN_EREFUSED, saying the counter did not grow (a cloned
 * authenticator).  CN_ENOTFOUND when there is no such passkey. */
int cn_store_passkey_used(struct cn_store *st, int64_t id, int64_t count,
			  int64_t now, struct cn_err *err) CN_NODISCARD;
/* Remove a person's passkey: CN_ENOTFOUND when that person has none
 * with that id. */
int cn_store_passkey_remove(struct cn_store *st, int64_t person, int64_t id,
			    struct cn_err *err) CN_NODISCARD;

#endif
