/*
 * signature.h - delegation signatures on positions.
 *
 * A delegation may sign what it states (a position, a lift, a comment, the
 * letter breaking silence) with the Ed25519 key it registered
 * (key.registered events).  The signature covers a domain-separated
 * message that names the proposal's revision, so it cannot be replayed on
 * a recirculated text; the fold checks it again whenever the log is
 * folded, so a rewritten signed letter is named even if its hashes were
 * fixed up.
 *
 * Ownership: cn_position_message() returns a malloc'd message the caller
 * frees.  Pure code: no I/O, no clock.
 */
#ifndef CN_SIGNATURE_H
#define CN_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct cn_event;
struct cn_member;
struct cn_world;

/* The bytes a delegation signs for a position (domain-separated):
 * "council/v1/position\n" followed by the canonical JSON of
 * {declared, member, position, proposal, revision, text}.  *out is
 * malloc'd. */
int cn_position_message(int64_t proposal, int revision, const char *member,
			const char *position, const char *text, int declared,
			char **out, size_t *len, struct cn_err *err) CN_NODISCARD;

/* Check a base64 Ed25519 signature over cn_position_message() with the
 * member's registered key: 0, CN_EREFUSED saying why, or CN_ENOMEM. */
int cn_position_verify(const struct cn_member *m, int64_t proposal,
		       int revision, const char *position, const char *text,
		       int declared, const char *signature_b64,
		       struct cn_err *err) CN_NODISCARD;

/* If the event carries a delegation signature, check it against the
 * member's registered key and the proposal's current revision: 0,
 * CN_ECORRUPT naming the event, or CN_ENOMEM.  The fold calls it; so does
 * the verifier of exported logs, which folds only what signatures depend
 * on. */
int cn_event_check_signature(const struct cn_world *w,
			     const struct cn_event *ev, struct cn_err *err)
	CN_NODISCARD;

#endif
