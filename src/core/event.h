/*
 * event.h - one entry of the decision log and its canonical bytes.
 *
 * Every change to an alliance is an event.  Its canonical bytes are the
 * compact JSON object {"actor","payload","prev","seq","time","type"} with
 * keys sorted bytewise, no whitespace, non-ASCII escaped as \uXXXX, and no
 * floating-point numbers anywhere (coordinates travel as strings), so the
 * same event always has the same bytes.  An event's hash is
 * SHA-256(0x00 || its bytes) -- exactly its RFC 9162 Merkle leaf hash, so
 * one hash over the bytes serves both the chain and the tree.  `prev` is
 * the previous event's hash written in lowercase hex (64 zeros for the
 * first event); since the bytes include `prev`, each hash covers the whole
 * history before it.
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
	uint8_t hash[CN_HASH_LEN];
	char *bytes;     /* canonical encoding, NUL-terminated */
	size_t len;
};

/* Fill a new, unsealed event.  payload is increfed (the caller keeps its
 * reference).  seq/prev/hash/bytes are set by cn_event_seal(). */
int cn_event_init(struct cn_event *ev, int64_t time, const char *actor,
		  const char *type, json_t *payload, struct cn_err *err)
	CN_NODISCARD;

/* Give the event its place in the chain and compute bytes and hash. */
int cn_event_seal(struct cn_event *ev, int64_t seq,
		  const uint8_t prev[CN_HASH_LEN], struct cn_err *err)
	CN_NODISCARD;

/* Decode stored bytes into *ev (which must be zeroed).  Fails with
 * CN_ECORRUPT when the bytes are not valid JSON, miss a field, or are not
 * in canonical form (re-encoding them must give the same bytes). */
int cn_event_decode(const char *bytes, size_t len, struct cn_event *ev,
		    struct cn_err *err) CN_NODISCARD;

void cn_event_release(struct cn_event *ev);

/* Canonical encoding of any JSON value (the rules above).  *out is
 * malloc'd and NUL-terminated; fails with CN_EINVAL on a real number. */
int cn_canon_dump(const json_t *v, char **out, size_t *len,
		  struct cn_err *err) CN_NODISCARD;

void cn_sha256(const void *data, size_t len, uint8_t out[CN_HASH_LEN]);
/* An event's hash: SHA-256(0x00 || bytes), its Merkle leaf hash. */
void cn_event_hash(const void *bytes, size_t len, uint8_t out[CN_HASH_LEN]);

#endif
