/*
 * people.h - part of the store contract (store.h, which includes it):
 * people and their sessions, the cn_store_* functions store/people.c
 * implements above the backends (sqlite_people.c, pg_people.c).
 *
 * A person signs in with a name and a password and acts for one
 * principal, as a token does: the secretariat, a member's delegation or
 * a partner.  The store keeps the password only as an Argon2id string
 * (app/people.h makes and checks it) and a session only as the SHA-256
 * of its cookie value, so a copy of the database signs nobody in.  Like
 * tokens, people and sessions are credentials beside the log, not in it:
 * none of this appends an event.  Making or disabling a person, and
 * ending a session, move the meta counter "tokens_seq" (readers' caches
 * of principals); marking a session seen does not.  The tables are made
 * on the first writable open of a store without them (as webhooks are).
 */
#ifndef CN_STORE_PEOPLE_H
#define CN_STORE_PEOPLE_H

/* Included by store.h, after struct cn_store and struct cn_err. */

#define CN_PERSON_NAME_MAX 64
#define CN_PWHASH_MAX 128 /* crypto_pwhash_STRBYTES, its NUL included */

struct cn_person {
	int64_t id;
	char name[CN_PERSON_NAME_MAX + 1];
	char role[16];          /* secretariat | member | partner */
	char principal[16];     /* member or partner code; "" for secretariat */
	char pwhash[CN_PWHASH_MAX];
	char created[32];
	char disabled[32];      /* "" while enabled */
};
typedef int (*cn_person_fn)(void *ctx, const struct cn_person *p,
			    struct cn_err *err);

/* A session: the hash of its cookie value, its person, and its times
 * (Unix seconds): made, last seen (the idle expiry counts from it), the
 * absolute end.  A session is valid while not ended and its person is
 * not disabled; whether it has expired is the caller's clock's. */
struct cn_session {
	int64_t id;
	int64_t person;
	uint8_t hash[CN_HASH_LEN];
	int64_t created, seen, expires;
};

/* Make a person (p->id and p->created are ignored; *id gets the new
 * one).  CN_EREFUSED when the name is taken, disabled or not. */
int cn_store_person_add(struct cn_store *st, const struct cn_person *p,
			int64_t now, int64_t *id, struct cn_err *err)
	CN_NODISCARD;
/* The person with that name, or (name NULL) with that id; CN_ENOTFOUND
 * when none. */
int cn_store_people(struct cn_store *st, const char *name, int64_t id,
		    cn_person_fn fn, void *ctx, struct cn_err *err)
	CN_NODISCARD;
/* People by id: those above id `after` (0: from the first), at most
 * `limit` (INT64_MAX: all).  A store from before people has none. */
int cn_store_people_list(struct cn_store *st, int64_t after, int64_t limit,
			 cn_person_fn fn, void *ctx, struct cn_err *err)
	CN_NODISCARD;
/* Disable a person and end its sessions; CN_ENOTFOUND when there is no
 * enabled person with that id. */
int cn_store_person_disable(struct cn_store *st, int64_t id, int64_t now,
			    struct cn_err *err) CN_NODISCARD;
/* Replace a person's password hash (a rehash at sign-in with stronger
 * limits, or a new password). */
int cn_store_person_password(struct cn_store *st, int64_t id,
			     const char *pwhash, struct cn_err *err)
	CN_NODISCARD;

/* Store a person as it is, id, dates and hash included (council migrate;
 * later adds take higher ids); fails when its id or name is taken. */
int cn_store_person_copy(struct cn_store *st, const struct cn_person *p,
			 struct cn_err *err) CN_NODISCARD;

/* Store a new session (s->id ignored). */
int cn_store_session_add(struct cn_store *st, const struct cn_session *s,
			 struct cn_err *err) CN_NODISCARD;
/* A valid session by hash, with its person: CN_ENOTFOUND when there is
 * none, it ended, or its person is disabled. */
int cn_store_session_find(struct cn_store *st, const uint8_t hash[CN_HASH_LEN],
			  struct cn_session *s, struct cn_person *p,
			  struct cn_err *err) CN_NODISCARD;
/* Mark a session seen at `seen` (never earlier than it was). */
int cn_store_session_seen(struct cn_store *st, int64_t id, int64_t seen,
			  struct cn_err *err) CN_NODISCARD;
/* End a session (sign-out): CN_ENOTFOUND when none valid has that hash. */
int cn_store_session_end(struct cn_store *st, const uint8_t hash[CN_HASH_LEN],
			 int64_t now, struct cn_err *err) CN_NODISCARD;

#endif
