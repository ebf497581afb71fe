/*
 * event.h - one entry of the decision log, its canonical bytes and its
 * blinded leaf.
 *
 * Every change to an alliance is an event.  Its canonical bytes are the
 * compact JSON object {"actor","payload","prev","seq","time","type"} with
 * keys sorted bytewise, no whitespace, non-ASCII escaped as \u and four
 * hex digits, and no floating-point numbers anywhere (coordinates travel
 * as strings), so the same event always has the same bytes.
 *
 * Blinded leaves (docs/MERKLE.md, "Blinded leaves").  Each event has a
 * salt: 32 random bytes the app draws when it seals the event, stored
 * beside the bytes and never inside them.  Then
 *     commitment = HMAC-SHA256(key = salt, message = bytes)
 *     hash       = SHA-256(0x00 || commitment)
 * The hash is the event's RFC 9162 Merkle leaf hash (the commitment is the
 * leaf's input), and one hash serves both the chain and the tree.  Without
 * the salt the commitment is a PRF output under an unknown 256-bit key, so
 * nobody can test a guess of the bytes against a leaf; with salt and bytes
 * anyone recomputes it.  `prev` is the previous event's hash in lowercase
 * hex (64 zeros for the first event); since the bytes include `prev`, each
 * hash covers the whole history before it.
 *
 * This module draws no randomness (core has no I/O): the caller passes the
 * salt.
 *
 * Ownership: a struct cn_event owns its strings, its payload reference and
 * its bytes; cn_event_release() frees them.  Callers that pass a payload to
 * cn_event_init() keep their own reference (it is increfed).
 */
#ifndef CN_EVENT_H
#define CN_EVENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h" /* cn_hex, cn_unhex, cn_base64_decode: callers of this
                     header found them here before buf.h existed */
#include "err.h"
#include "event_type.h"

#define CN_HASH_LEN 32
#define CN_HEX_LEN (2 * CN_HASH_LEN + 1)
#define CN_SALT_LEN 32
/* Standard base64 of a salt with padding, plus NUL: 44 + 1. */
#define CN_SALT_B64_LEN 45

struct cn_event {
	int64_t seq;     /* 1-based position in the log */
	int64_t time;    /* when it took effect, seconds since epoch, UTC */
	char *actor;     /* who did it: "secretariat", "delegation:FR", ... */
	char *type;      /* "member.admitted", "position.stated", ... */
	/* Its row in the event-type table (event_type.h); NULL for a type
	 * this program does not know (the fold refuses it). */
	const struct cn_event_type *et;
	json_t *payload; /* object */
	uint8_t prev[CN_HASH_LEN];
	uint8_t salt[CN_SALT_LEN]; /* the key of its commitment */
	uint8_t hash[CN_HASH_LEN]; /* its leaf hash (above) */
	char *bytes;     /* canonical encoding, NUL-terminated */
	size_t len;
};

/* Fill a new, unsealed event.  payload is increfed (the caller keeps its
 * reference).  seq/prev/salt/hash/bytes are set by cn_event_seal(). */
int cn_event_init(struct cn_event *ev, int64_t time, const char *actor,
		  const char *type, json_t *payload, struct cn_err *err)
	CN_NODISCARD;

/* Give the event its place in the chain and its salt (fresh random bytes
 * from the caller: a salt used twice, or a guessable one, unblinds), and
 * compute bytes and hash. */
int cn_event_seal(struct cn_event *ev, int64_t seq,
		  const uint8_t prev[CN_HASH_LEN],
		  const uint8_t salt[CN_SALT_LEN], struct cn_err *err)
	CN_NODISCARD;

/* Decode bytes into *ev.  Fails with CN_ECORRUPT when the bytes are not
 * valid JSON, miss a field, or are not in canonical form (re-encoding
 * them must give the same bytes).  Without the salt the leaf cannot be
 * computed: ev->salt and ev->hash are left zero. */
int cn_event_decode(const char *bytes, size_t len, struct cn_event *ev,
		    struct cn_err *err) CN_NODISCARD;

/* cn_event_decode by jansson's parser alone, as it was before
 * canon_parse.h: cn_event_decode reads canonical bytes with that reader
 * and gives anything it declines to this, so the two must agree on every
 * input (tests/fuzz/fuzz_canon.c).  For that comparison; callers use
 * cn_event_decode. */
int cn_event_decode_jansson(const char *bytes, size_t len,
			    struct cn_event *ev, struct cn_err *err)
	CN_NODISCARD;

/* Decode bytes whose salt is known (a stored event, a receipt, an export
 * line): cn_event_decode, then ev->salt and ev->hash set from them. */
int cn_event_open(const char *bytes, size_t len,
		  const uint8_t salt[CN_SALT_LEN], struct cn_event *ev,
		  struct cn_err *err) CN_NODISCARD;

void cn_event_release(struct cn_event *ev);

/* The proposal an event is about (proposal.created's payload.id, the
 * payload.proposal of the others), 0 when it is about none (the registry),
 * -1 when its type is not one this program knows. */
int64_t cn_event_proposal(const struct cn_event *ev);

/* Canonical encoding of any JSON value (the rules above).  *out is
 * malloc'd and NUL-terminated; fails with CN_EINVAL on a real number and
 * CN_ENOMEM when out of memory (never with part of the text), leaving
 * *out and *len as they were. */
int cn_canon_dump(const json_t *v, char **out, size_t *len,
		  struct cn_err *err) CN_NODISCARD;
/* The same appended to out (nothing appended on a failure; CN_ENOMEM at
 * once when out already failed an append): for a writer that encodes
 * many values, without an allocation for each. */
int cn_canon_dump_to(const json_t *v, struct cn_buf *out,
		     struct cn_err *err) CN_NODISCARD;

/* cn_canon_dump by jansson's encoder alone, which cn_canon_dump leaves
 * what it cannot write the same way (a string that is not UTF-8, nesting
 * past 2,048): the reference tests/fuzz/fuzz_event.c holds it to. */
int cn_canon_dump_jansson(const json_t *v, char **out, size_t *len,
			  struct cn_err *err) CN_NODISCARD;

/* *same: whether bytes[0..len) are exactly v's canonical encoding (a
 * value with a real number has none), found without building the text.
 * 0, or CN_ENOMEM. */
int cn_canon_same(const json_t *v, const void *bytes, size_t len,
		  int *same) CN_NODISCARD;

void cn_sha256(const void *data, size_t len, uint8_t out[CN_HASH_LEN]);
/* An event's commitment: HMAC-SHA256(key = salt, message = bytes). */
void cn_event_commitment(const uint8_t salt[CN_SALT_LEN], const void *bytes,
			 size_t len, uint8_t out[CN_HASH_LEN]);
/* An event's hash: SHA-256(0x00 || its commitment), its Merkle leaf hash. */
void cn_event_hash(const uint8_t salt[CN_SALT_LEN], const void *bytes,
		   size_t len, uint8_t out[CN_HASH_LEN]);

#endif
