/*
 * buf.h - small string tools shared by the core: a growable string
 * builder, the hex and strict base64 decoders, and the few JSON string
 * helpers every module would otherwise write again.
 *
 * The builder (after Redis's sds, much smaller): a struct cn_buf starts
 * zeroed (CN_BUF_INIT); appends grow it geometrically and keep it
 * NUL-terminated.  Running out of memory is sticky: a failed append sets
 * `oom` and every later one does nothing, so a chain of appends needs one
 * check at the end, in cn_buf_finish().
 *
 * Ownership: the buffer owns its string until cn_buf_finish() hands it to
 * the caller (who frees it) or cn_buf_release() frees it.  cn_jstr()
 * returns a string borrowed from the JSON object.  cn_jstrings() returns
 * a new reference.  Pure code: no I/O, no global state.
 */
#ifndef CN_BUF_H
#define CN_BUF_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"

struct cn_buf {
	char *s;      /* NUL-terminated once anything was added; may be NULL */
	size_t len;   /* bytes before the NUL */
	size_t cap;   /* bytes allocated */
	int oom;      /* an append failed; the content is incomplete */
};

#define CN_BUF_INIT {NULL, 0, 0, 0}

/* Append n bytes (which may hold NULs), a C string, or printf output.
 * cn_buf_add is inline where the room is there: the snapshot's writer and
 * the canonical encoder add a few bytes at a time (a proposal's page-out
 * is some two hundred adds), and the call was a fifth of that. */
void cn_buf_add_grow(struct cn_buf *b, const void *data, size_t n);
static inline void cn_buf_add(struct cn_buf *b, const void *data, size_t n)
{
	if (b->cap - b->len > n && !b->oom) {
		if (n)
			memcpy(b->s + b->len, data, n);
		b->len += n;
		b->s[b->len] = '\0';
	} else
		cn_buf_add_grow(b, data, n);
}
void cn_buf_puts(struct cn_buf *b, const char *s);
void cn_buf_printf(struct cn_buf *b, const char *fmt, ...) CN_PRINTF(2, 3);
/* Empty the string, keeping the allocation. */
void cn_buf_reset(struct cn_buf *b);
/* Hand the string to the caller (an untouched buffer gives ""), or, after
 * a failed append, free it, set *out to NULL and return CN_ENOMEM. */
int cn_buf_finish(struct cn_buf *b, char **out) CN_NODISCARD;
/* Free the string and zero the buffer. */
void cn_buf_release(struct cn_buf *b);

/* Lowercase hex of n bytes into out (2n + 1 bytes, NUL-terminated). */
void cn_hex(const uint8_t *in, size_t n, char *out);
/* Decode exactly 2n hex digits from in[0..len) into n bytes: 0, or -1
 * when len != 2n or a digit is bad.  Lowercase only unless any_case:
 * the log's hashes have one spelling, while a note key id is parsed as
 * Go's ParseUint does, in either case. */
int cn_hex_decode(const char *in, size_t len, uint8_t *out, size_t n,
		  int any_case);
/* cn_hex_decode() of a whole NUL-terminated lowercase string. */
int cn_unhex(const char *in, uint8_t *out, size_t n);

/* Standard base64 with padding, decoded strictly into at most max bytes
 * (*got: how many).  0, or -1 on anything that is not canonical base64:
 * a character outside the alphabet, a length not a multiple of 4, '='
 * but as the last one or two, bits left over that are not zero.  It was
 * libsodium's sodium_base642bin behind a check of the alphabet (1.0.18
 * takes bytes >= 0x80 as digits: fuzz_checkpoint), and that was two
 * thirds of parsing a checkpoint: 9 ms of an export's 100 at e100000,
 * which has 6,251.  test_merkle checks it against libsodium's. */
int cn_base64_decode(const char *s, size_t n, uint8_t *out, size_t max,
		     size_t *got);

/* The 44 characters at s (they must be there) as the canonical base64 of a
 * 32-byte value (43 digits and one '=', the last digit's two low bits
 * zero) into out: 0, or -1 where cn_base64_decode would refuse them or
 * not give 32 bytes (it is cn_base64_decode at that size: salts, roots
 * and leaves). */
int cn_base64_decode32(const char *s, uint8_t out[32]);

/* The string value of o[key]; NULL when o is not an object, the key is
 * absent or its value is not a string. */
const char *cn_jstr(const json_t *o, const char *key);
/* A JSON array of the n strings v[0..n) (new reference; NULL when out of
 * memory). */
json_t *cn_jstrings(char *const *v, size_t n);

/* The actor a delegation acts as: "delegation:" + its member code.  out
 * gets it (cut to outlen - 1 bytes). */
void cn_actor_delegation(char out[], size_t outlen, const char *code);

/* A person who acted for a principal (a session, server/session.h) is
 * named in the actor after it by its id, "delegation:FR person:7": a
 * pseudonym, since the log is append-only and partly public, and a name
 * is personal data kept beside it (store/people.h).  What follows
 * CN_ACTOR_PERSON, or NULL for an actor that names nobody (every actor
 * before people, every token's, the clock's). */
#define CN_ACTOR_PERSON " person:"
const char *cn_actor_person(const char *actor);

/* "a, b or c" into buf (n bytes, cut if short): the names of a table's
 * count rows, `stride` bytes apart, each row's name a `const char *` at
 * `offset` (offsetof) in it.  For "expected ..." in error messages.
 * Returns buf. */
const char *cn_names_or(char *buf, size_t n, const void *rows, size_t count,
			size_t stride, size_t offset);

#endif
