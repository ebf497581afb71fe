/*
 * challenge.h - the WebAuthn challenges a server has handed out and not
 * yet seen back (api_passkeys.c): random, single use, short-lived, and
 * bound to what asked for them.
 *
 * A registration's challenge is bound to the session that began it (a
 * challenge shown to another session is refused) and carries the user
 * handle offered with it; a sign-in's is bound to nothing (no one is
 * signed in yet).  Taking a challenge removes it, whether what follows
 * succeeds or not, so a ceremony's answer replayed finds none.
 *
 * The table is in the server's memory, fixed in size (CHALLENGES), one
 * per server process: a ceremony begun on one server must finish on it,
 * and a restart forgets every challenge, which only costs a retry.  A
 * new challenge takes a free or expired slot, else the oldest, so a flood
 * of sign-in beginnings grows no memory (it may push out a slower
 * person's challenge: that person begins again).  Thread-safe.
 */
#ifndef CN_CHALLENGE_H
#define CN_CHALLENGE_H

#include <stdint.h>

#include "../store/store.h"
#include "webauthn.h"

#define CHALLENGES 512
#define CHALLENGE_LIFE_DEFAULT 300 /* seconds (serve --passkey-challenge-life) */

enum challenge_kind { CHALLENGE_CREATE = 1, CHALLENGE_GET = 2 };

struct challenge {
	uint8_t bytes[WA_CHALLENGE_LEN];
	enum challenge_kind kind;
	int64_t session;       /* CREATE: the session's id; GET: 0 */
	int64_t person;        /* CREATE: its person; GET: 0 */
	uint8_t handle[CN_PASSKEY_HANDLE_LEN]; /* CREATE: the user handle */
	int64_t made, expires;
};

struct challenges;

struct challenges *challenges_new(void);
void challenges_free(struct challenges *t);

/* Remember c (its bytes made here, random) until c->expires. */
void challenge_put(struct challenges *t, struct challenge *c);

/* Take the challenge with these bytes, kind and session: 0 with it in
 * *out (and gone from the table); -1 when there is none (never given,
 * taken already, another kind or session's); -2 when it has expired
 * (gone too). */
int challenge_take(struct challenges *t, const uint8_t bytes[WA_CHALLENGE_LEN],
		   enum challenge_kind kind, int64_t session, int64_t now,
		   struct challenge *out);

#endif
