/*
 * people.h - what a person is made of before the store keeps it: a
 * name, the delegation it acts for, and its password as an Argon2id
 * string (libsodium's crypto_pwhash_str, interactive limits).  Shared by
 * `council person add` and POST /api/v1/people, so both refuse the same
 * names and passwords with the same words; and by sign-in, which checks
 * a password here.
 *
 * Passwords are bounded (CN_PASSWORD_MIN..CN_PASSWORD_MAX bytes), never
 * copied beyond the call, never logged; the caller wipes its own copy.
 *
 * Ownership: everything is written into caller-provided structs.
 */
#ifndef CN_APP_PEOPLE_H
#define CN_APP_PEOPLE_H

#include <stddef.h>

#include "../core/err.h"
#include "../core/world.h"
#include "../store/store.h"

#define CN_PASSWORD_MIN 10
#define CN_PASSWORD_MAX 256

/* A sign-in name: 1 to CN_PERSON_NAME_MAX bytes of letters, digits and
 * . _ - @ (so it is safe in a log line, a cookie-free URL, a table). */
int cn_person_name_check(const char *name, struct cn_err *err) CN_NODISCARD;

/* A password's length and bytes (no NUL, no control character). */
int cn_password_check(const char *pw, size_t len, struct cn_err *err)
	CN_NODISCARD;

/* Fill out (its id and times left alone) with name, the principal that
 * `delegation` names in registry w (a member's code: its delegation; a
 * partner's: the partner; NULL: the secretariat) and the hash of pw.
 * CN_EINVAL naming the field (name, delegation, password) when one is
 * wrong; CN_ENOMEM when Argon2id cannot have its memory. */
int cn_person_make(const struct cn_world *w, const char *name,
		   const char *delegation, const char *pw, size_t len,
		   struct cn_person *out, struct cn_err *err) CN_NODISCARD;

/* Whether pw is the password hashed in `hash` (1) or not (0); a
 * malformed hash matches nothing.  Unknown names call it with hash NULL:
 * it then checks against a fixed hash of its own, so a name that does
 * not exist costs what a wrong password costs. */
int cn_password_verify(const char *hash, const char *pw, size_t len);

/* Whether a stored hash was made with other limits than today's (a
 * sign-in then stores a new one). */
int cn_password_needs_rehash(const char *hash);

/* The hash of pw with today's limits into out (CN_ENOMEM when Argon2id
 * cannot have its memory). */
int cn_password_hash(const char *pw, size_t len, char out[CN_PWHASH_MAX],
		     struct cn_err *err) CN_NODISCARD;

#endif
