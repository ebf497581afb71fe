/* event.c - the event record: canonical JSON bytes, sealing into the hash
 * chain with a blinded leaf, strict decoding; see event.h. */
#include "event.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json_alloc.h"
#include "merkle.h"
#include "sha256.h"
#include "timeutil.h"

static int has_real(const json_t *v)
{
	const char *key;
	const json_t *x;
	size_t i;

	if (json_is_real(v))
		return 1;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, x)
			if (has_real(x))
				return 1;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			if (has_real(x))
				return 1;
	}
	return 0;
}

#define CANON_FLAGS \
	(JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII | JSON_ENCODE_ANY)

/* Each piece jansson writes, appended to our builder.  Not json_dumps:
 * jansson 2.14 ignores a failed write of an object key into its own
 * buffer (akheron/jansson#655) and returns the text without the key, so
 * an event would be sealed, or a projection row stored, with a field
 * missing.  The builder's out-of-memory is sticky, whichever piece it
 * met. */
static int canon_add(const char *buffer, size_t size, void *data)
{
	struct cn_buf *b = data;

	cn_buf_add(b, buffer, size);
	return b->oom ? -1 : 0;
}

int cn_canon_dump(const json_t *v, char **out, size_t *len,
		  struct cn_err *err)
{
	struct cn_buf b = CN_BUF_INIT;
	size_t n;
	char *s;

	if (has_real(v))
		return cn_err_set(err, CN_EINVAL,
				  "canonical JSON may not hold real numbers");
	/* A failure of jansson's own allocations (the sorted keys) is
	 * reported, even one it carried on past (json_alloc.h); then nothing
	 * of the text is kept. */
	cn_json_begin();
	if (json_dump_callback(v, canon_add, &b, CANON_FLAGS) |
	    cn_json_oom(NULL))
		b.oom = 1;
	n = b.len;
	if (cn_buf_finish(&b, &s))
		return cn_err_set(err, CN_ENOMEM, "out of memory encoding JSON");
	*out = s;
	*len = n;
	return 0;
}

/* The canonical encoding compared with bytes as jansson writes it, a
 * piece at a time: nothing allocated for the text, and the first piece
 * that differs stops the encoder. */
struct canon_cmp {
	const char *bytes;
	size_t len, at;
	int differs;
};

static int canon_piece(const char *buffer, size_t size, void *data)
{
	struct canon_cmp *c = data;

	if (size > c->len - c->at || memcmp(c->bytes + c->at, buffer, size)) {
		c->differs = 1;
		return -1;
	}
	c->at += size;
	return 0;
}

int cn_canon_same(const json_t *v, const void *bytes, size_t len, int *same)
{
	struct canon_cmp c = {bytes, len, 0, 0};
	int rc;

	*same = 0;
	if (has_real(v))
		return 0;
	/* The encoder's own allocations (the sorted keys): a failure, or
	 * a difference after one, is out of memory (json_alloc.h). */
	cn_json_begin();
	rc = json_dump_callback(v, canon_piece, &c, CANON_FLAGS);
	if (cn_json_oom(NULL) || (rc && !c.differs))
		return CN_ENOMEM;
	*same = !c.differs && c.at == len;
	return 0;
}

void cn_sha256(const void *data, size_t len, uint8_t out[CN_HASH_LEN])
{
	const void *parts[1] = {data};
	cn_sha256_parts(parts, &len, 1, out);
}

_Static_assert(CN_HASH_LEN == CN_MERKLE_HASH_LEN,
	       "an event's hash is its Merkle leaf hash");
_Static_assert(CN_HASH_LEN == CN_SHA256_LEN,
	       "a commitment is one HMAC-SHA256 output");

void cn_event_commitment(const uint8_t salt[CN_SALT_LEN], const void *bytes,
			 size_t len, uint8_t out[CN_HASH_LEN])
{
	cn_hmac_sha256(salt, CN_SALT_LEN, bytes, len, out);
}

void cn_event_hash(const uint8_t salt[CN_SALT_LEN], const void *bytes,
		   size_t len, uint8_t out[CN_HASH_LEN])
{
	uint8_t c[CN_HASH_LEN];
	cn_event_commitment(salt, bytes, len, c);
	cn_merkle_leaf_hash(c, CN_HASH_LEN, out);
}

int cn_event_init(struct cn_event *ev, int64_t time, const char *actor,
		  const char *type, json_t *payload, struct cn_err *err)
{
	memset(ev, 0, sizeof(*ev));
	if (!json_is_object(payload))
		return cn_err_set(err, CN_EINVAL, "event payload must be an object");
	ev->time = time;
	ev->actor = strdup(actor);
	ev->type = strdup(type);
	if (!ev->actor || !ev->type) {
		cn_event_release(ev);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	ev->payload = json_incref(payload);
	ev->et = cn_event_type_find(type);
	return 0;
}

static json_t *event_object(const struct cn_event *ev)
{
	char prev[CN_HEX_LEN], t[CN_TIME_BUF];

	cn_hex(ev->prev, CN_HASH_LEN, prev);
	return json_pack("{s:s, s:O, s:s, s:I, s:s, s:s}", "actor", ev->actor,
			 "payload", ev->payload, "prev", prev, "seq",
			 (json_int_t)ev->seq, "time", cn_time_format(ev->time, t),
			 "type", ev->type);
}

int cn_event_seal(struct cn_event *ev, int64_t seq,
		  const uint8_t prev[CN_HASH_LEN],
		  const uint8_t salt[CN_SALT_LEN], struct cn_err *err)
{
	json_t *o;
	int rc;

	assert(seq >= 1);
	ev->seq = seq;
	memcpy(ev->prev, prev, CN_HASH_LEN);
	memcpy(ev->salt, salt, CN_SALT_LEN);
	o = event_object(ev);
	if (!o)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	free(ev->bytes);
	ev->bytes = NULL;
	rc = cn_canon_dump(o, &ev->bytes, &ev->len, err);
	json_decref(o);
	if (rc)
		return cn_err_prefix(err, "event %lld: ", (long long)seq);
	cn_event_hash(ev->salt, ev->bytes, ev->len, ev->hash);
	return 0;
}

int cn_event_decode(const char *bytes, size_t len, struct cn_event *ev,
		    struct cn_err *err)
{
	json_error_t je;
	json_t *o, *payload;
	const char *actor, *type, *time, *prev;
	json_int_t seq;
	int same = 0, oom = 0;
	int rc;

	memset(ev, 0, sizeof(*ev));
	/* Out of memory in jansson is told from bad bytes (json_alloc.h):
	 * its parser and its strict unpack name a failed allocation as a
	 * syntax error or a key left unpacked. */
	o = cn_json_loadb(bytes, len, JSON_REJECT_DUPLICATES, &je, &oom);
	if (!o)
		return oom ? cn_err_set(err, CN_ENOMEM, "out of memory parsing "
					"an event")
			   : cn_err_set(err, CN_ECORRUPT, "not valid JSON: %s "
					"(column %d)", je.text, je.column);
	/* json_unpack's strict check counts what it unpacked in a table it
	 * may fail to grow: then a success is not one either */
	cn_json_begin();
	rc = json_unpack_ex(o, &je, JSON_STRICT, "{s:s, s:o, s:s, s:I, s:s, s:s}",
			    "actor", &actor, "payload", &payload, "prev", &prev,
			    "seq", &seq, "time", &time, "type", &type);
	oom = cn_json_oom(rc ? &je : NULL);
	if (rc || oom || !json_is_object(payload)) {
		json_decref(o);
		return oom ? cn_err_set(err, CN_ENOMEM, "out of memory reading an "
					"event's fields")
			   : cn_err_set(err, CN_ECORRUPT, "malformed event: %s",
					rc ? je.text
					   : "its payload is not an object");
	}
	rc = cn_time_parse(time, "event time", &ev->time, err);
	/* One event, one spelling: the time must be written as cn_time_format
	 * writes it, or two byte strings would decode to the same event. */
	if (rc == 0) {
		char canon[CN_TIME_BUF];
		if (strcmp(time, cn_time_format(ev->time, canon)))
			rc = cn_err_set(err, CN_ECORRUPT,
					"event time '%s' is not in canonical form (%s)",
					time, canon);
	}
	if (rc == 0 && cn_unhex(prev, ev->prev, CN_HASH_LEN))
		rc = cn_err_set(err, CN_ECORRUPT, "malformed prev hash");
	if (rc == 0 && cn_canon_same(o, bytes, len, &same))
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	else if (rc == 0 && !same)
		rc = cn_err_set(err, CN_ECORRUPT, "bytes are not canonical");
	if (rc == 0) {
		ev->seq = seq;
		ev->actor = strdup(actor);
		ev->type = strdup(type);
		ev->et = cn_event_type_find(type);
		ev->payload = json_incref(payload);
		ev->bytes = malloc(len + 1);
		if (!ev->actor || !ev->type || !ev->bytes)
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
		else {
			memcpy(ev->bytes, bytes, len);
			ev->bytes[len] = '\0';
			ev->len = len;
		}
	}
	json_decref(o);
	if (rc) {
		if (rc != CN_ENOMEM)
			rc = cn_err_recode(err, CN_ECORRUPT);
		cn_event_release(ev);
	}
	return rc;
}

int cn_event_open(const char *bytes, size_t len,
		  const uint8_t salt[CN_SALT_LEN], struct cn_event *ev,
		  struct cn_err *err)
{
	int rc = cn_event_decode(bytes, len, ev, err);
	if (rc == 0) {
		memcpy(ev->salt, salt, CN_SALT_LEN);
		cn_event_hash(salt, bytes, len, ev->hash);
	}
	return rc;
}

void cn_event_release(struct cn_event *ev)
{
	free(ev->actor);
	free(ev->type);
	free(ev->bytes);
	json_decref(ev->payload);
	memset(ev, 0, sizeof(*ev));
}

int64_t cn_event_proposal(const struct cn_event *ev)
{
	const json_t *id;

	if (!ev->et)
		return -1;
	if (ev->et->entity != CN_ENT_PROPOSAL)
		return 0;
	id = json_object_get(ev->payload, ev->et->key[0]);
	return json_is_integer(id) && json_integer_value(id) > 0
		? (int64_t)json_integer_value(id) : 0;
}
