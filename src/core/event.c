/* event.c - the event record: canonical JSON bytes, sealing into the hash
 * chain with a blinded leaf, strict decoding; see event.h. */
#include "event.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "canon_parse.h"
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

int cn_canon_dump_jansson(const json_t *v, char **out, size_t *len,
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

/* jansson's encoder, as the decoder calls it: the sorted keys and its
 * check for cycles allocate (a hash table keyed by printed addresses),
 * which was a sixth of `council verify`.  canon_walk below does the same
 * without; this is for what it leaves to jansson. */
static int canon_same_jansson(const json_t *v, const void *bytes, size_t len,
			      int *same)
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

/* ---- the canonical text without jansson's encoder ---------------------- *
 * Byte for byte what jansson 2.14's dump.c writes with CANON_FLAGS
 * (compact, sorted keys, ASCII only), compared as it goes or written:
 * literals, integers in decimal, strings with \\ \" \b \f \n \r \t,
 * other characters below 0x20 and all above 0x7F as \u and four hex
 * digits (upper-case, UTF-16 surrogate pairs above the BMP), '/' as
 * is, an object's keys sorted as jansson sorts them.  What it cannot
 * settle as jansson would is left to jansson (CANON_ASK): a string that
 * is not UTF-8 (jansson fails), nesting deeper than jansson's parser
 * allows (perhaps a cycle, which jansson refuses).  tests/fuzz/fuzz_event.c
 * holds both uses to cn_canon_dump_jansson. */
enum { CANON_DIFFERS = 0, CANON_SAME = 1, CANON_ASK = -1 };
#define CANON_MAX_DEPTH 2048 /* jansson's JSON_PARSER_MAX_DEPTH */

/* Comparing with b[0..len), or, with `out`, writing the text there (then
 * every piece is the same, and out's sticky out-of-memory is checked at
 * the end). */
struct canon_walk {
	const char *b;
	size_t len, at;
	struct cn_buf *out;
};

static int walk_bytes(struct canon_walk *w, const char *s, size_t n)
{
	if (w->out) {
		cn_buf_add(w->out, s, n);
		return CANON_SAME;
	}
	if (n > w->len - w->at || memcmp(w->b + w->at, s, n))
		return CANON_DIFFERS;
	w->at += n;
	return CANON_SAME;
}

/* One UTF-8 sequence at s[0..n) as jansson's utf8_iterate reads it:
 * its length, or 0 when it is not a valid one (overlong, a surrogate,
 * above U+10FFFF, cut short). */
static size_t utf8_one(const unsigned char *s, size_t n, int32_t *cp)
{
	size_t k;
	int32_t v;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xC2 || s[0] > 0xF4)
		return 0;
	k = s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
	if (k > n)
		return 0;
	v = s[0] & (k == 2 ? 0x1F : k == 3 ? 0x0F : 0x07);
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) ||
	    (k == 3 && v < 0x800) || (k == 4 && v < 0x10000))
		return 0;
	*cp = v;
	return k;
}

static void hex4(char *out, unsigned v)
{
	static const char digits[] = "0123456789ABCDEF";

	out[0] = '\\';
	out[1] = 'u';
	for (int i = 0; i < 4; i++)
		out[2 + i] = digits[(v >> (12 - 4 * i)) & 0xF];
}

static int walk_string(struct canon_walk *w, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	if (!walk_bytes(w, "\"", 1))
		return CANON_DIFFERS;
	while (i < n) {
		char esc[12];
		size_t elen = 2, k;
		int32_t cp;

		/* a run written as it is */
		size_t j = i + cn_canon_plain_run(s + i, n - i);
		if (j > i) {
			if (!walk_bytes(w, str + i, j - i))
				return CANON_DIFFERS;
			i = j;
			continue;
		}
		if (!(k = utf8_one(s + i, n - i, &cp)))
			return CANON_ASK;
		esc[0] = '\\';
		switch (cp) {
		case '\\': esc[1] = '\\'; break;
		case '"': esc[1] = '"'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			if (cp < 0x10000) {
				hex4(esc, (unsigned)cp);
				elen = 6;
			} else {
				cp -= 0x10000;
				hex4(esc, 0xD800 | ((unsigned)(cp & 0xFFC00) >> 10));
				hex4(esc + 6, 0xDC00 | (unsigned)(cp & 0x3FF));
				elen = 12;
			}
		}
		if (!walk_bytes(w, esc, elen))
			return CANON_DIFFERS;
		i += k;
	}
	return walk_bytes(w, "\"", 1);
}

static int walk_integer(struct canon_walk *w, json_int_t v)
{
	char d[24];
	size_t n = sizeof(d);
	/* as unsigned, so the most negative value has a magnitude */
	unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v
				     : (unsigned long long)v;

	do
		d[--n] = (char)('0' + m % 10);
	while ((m /= 10));
	if (v < 0)
		d[--n] = '-';
	return walk_bytes(w, d + n, sizeof(d) - n);
}

static int canon_walk(struct canon_walk *w, const json_t *v, int depth);

struct member {
	const char *key;
	size_t klen;
	const json_t *v;
};

static int member_order(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	return cn_canon_key_cmp(x->key, x->klen, y->key, y->klen);
}

#define MEMBERS_ON_STACK 32

/* The members in jansson's sorted order (sorted here when the object
 * does not hold them so, as jansson's encoder would: without its check
 * for cycles, which allocates; the depth limit stands for it). */
static int walk_object(struct canon_walk *w, const json_t *v, int depth)
{
	struct member stack[MEMBERS_ON_STACK], *m = stack;
	size_t n = json_object_size(v), i = 0;
	int sorted = 1, r = CANON_SAME;

	if (n > MEMBERS_ON_STACK && !(m = malloc(n * sizeof(*m))))
		return CANON_ASK; /* jansson then, which names the failure */
	for (void *it = json_object_iter((json_t *)v); it;
	     it = json_object_iter_next((json_t *)v, it), i++) {
		assert(i < n);
		m[i].key = json_object_iter_key(it);
		m[i].klen = json_object_iter_key_len(it);
		m[i].v = json_object_iter_value(it);
		if (i && member_order(&m[i - 1], &m[i]) >= 0)
			sorted = 0;
	}
	assert(i == n);
	if (!sorted)
		qsort(m, n, sizeof(*m), member_order);
	if (!walk_bytes(w, "{", 1))
		r = CANON_DIFFERS;
	for (i = 0; i < n && r == CANON_SAME; i++) {
		if (i && !walk_bytes(w, ",", 1)) {
			r = CANON_DIFFERS;
			break;
		}
		r = walk_string(w, m[i].key, m[i].klen);
		if (r == CANON_SAME && !walk_bytes(w, ":", 1))
			r = CANON_DIFFERS;
		if (r == CANON_SAME)
			r = canon_walk(w, m[i].v, depth + 1);
	}
	if (m != stack)
		free(m);
	return r == CANON_SAME ? walk_bytes(w, "}", 1) : r;
}

static int canon_walk(struct canon_walk *w, const json_t *v, int depth)
{
	int r = CANON_SAME;

	if (depth > CANON_MAX_DEPTH)
		return CANON_ASK;
	switch (json_typeof(v)) {
	case JSON_NULL:
		return walk_bytes(w, "null", 4);
	case JSON_TRUE:
		return walk_bytes(w, "true", 4);
	case JSON_FALSE:
		return walk_bytes(w, "false", 5);
	case JSON_INTEGER:
		return walk_integer(w, json_integer_value(v));
	case JSON_REAL:
		return CANON_DIFFERS; /* no canonical encoding */
	case JSON_STRING:
		return walk_string(w, json_string_value(v), json_string_length(v));
	case JSON_ARRAY:
		if (!walk_bytes(w, "[", 1))
			return CANON_DIFFERS;
		for (size_t i = 0; i < json_array_size(v) && r == CANON_SAME; i++) {
			if (i && !walk_bytes(w, ",", 1))
				return CANON_DIFFERS;
			r = canon_walk(w, json_array_get(v, i), depth + 1);
		}
		return r == CANON_SAME ? walk_bytes(w, "]", 1) : r;
	case JSON_OBJECT:
		return walk_object(w, v, depth);
	}
	return CANON_ASK;
}

int cn_canon_same(const json_t *v, const void *bytes, size_t len, int *same)
{
	struct canon_walk w = {bytes, len, 0, NULL};
	int r = canon_walk(&w, v, 0);

	if (r == CANON_ASK)
		return canon_same_jansson(v, bytes, len, same);
	*same = r == CANON_SAME && w.at == len;
	return 0;
}

/* The same walk, writing: jansson's encoder allocated for its sorted keys
 * and its check for cycles (a hash table keyed by printed addresses), a
 * seventh of `council verify` in the projection check's rows.  Writing,
 * the walk differs only at a real number (walk_bytes always matches), so
 * no walk of its own looks for one first; what it cannot write the same
 * way as jansson goes to jansson, which looks. */
int cn_canon_dump_to(const json_t *v, struct cn_buf *out, struct cn_err *err)
{
	struct canon_walk w = {NULL, 0, 0, out};
	const size_t start = out->len;
	char *s;
	size_t n;
	int r = CANON_ASK, rc;

	if (!out->oom && (r = canon_walk(&w, v, 0)) == CANON_SAME && !out->oom)
		return 0;
	if (out->oom)
		return cn_err_set(err, CN_ENOMEM, "out of memory encoding JSON");
	out->len = start; /* what the walk wrote, taken back */
	if (out->s)
		out->s[start] = '\0';
	if (r == CANON_DIFFERS)
		return cn_err_set(err, CN_EINVAL,
				  "canonical JSON may not hold real numbers");
	if ((rc = cn_canon_dump_jansson(v, &s, &n, err)))
		return rc;
	cn_buf_add(out, s, n);
	free(s);
	return out->oom ? cn_err_set(err, CN_ENOMEM, "out of memory encoding "
				     "JSON") : 0;
}

int cn_canon_dump(const json_t *v, char **out, size_t *len,
		  struct cn_err *err)
{
	struct cn_buf b = CN_BUF_INIT;
	size_t n;
	char *s;
	int rc;

	if ((rc = cn_canon_dump_to(v, &b, err))) {
		cn_buf_release(&b);
		return rc;
	}
	n = b.len;
	if (cn_buf_finish(&b, &s))
		return cn_err_set(err, CN_ENOMEM, "out of memory encoding JSON");
	*out = s;
	*len = n;
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

/* The bytes read by canon_parse.h's reader, field by field in the order
 * canonical form puts them: 1 and *ev filled, 0 when the reader declined
 * (then *ev is clean and jansson's path decides, with its messages), or
 * CN_ENOMEM.  What it accepts is canonical by construction, and the time
 * and prev are checked as the jansson path checks them, so both paths
 * give the same event (tests/fuzz/fuzz_canon.c). */
static int decode_canonical(const char *bytes, size_t len,
			    struct cn_event *ev)
{
	struct cn_canon_reader r;
	const char *prev, *time;
	size_t prevlen, timelen;
	json_int_t seq = 0;
	int ok;

	cn_canon_reader_init(&r, bytes, len, 1);
	ok = cn_canon_lit(&r, "{\"actor\":", 9) &&
	     cn_canon_strdup(&r, &ev->actor) &&
	     cn_canon_lit(&r, ",\"payload\":", 11) &&
	     cn_canon_object(&r, &ev->payload) &&
	     cn_canon_lit(&r, ",\"prev\":", 8) &&
	     cn_canon_span(&r, &prev, &prevlen) &&
	     cn_canon_lit(&r, ",\"seq\":", 7) && cn_canon_integer(&r, &seq) &&
	     cn_canon_lit(&r, ",\"time\":", 8) &&
	     cn_canon_span(&r, &time, &timelen) &&
	     cn_canon_lit(&r, ",\"type\":", 8) &&
	     cn_canon_strdup(&r, &ev->type) && cn_canon_lit(&r, "}", 1) &&
	     cn_canon_end(&r);
	cn_canon_reader_release(&r);
	/* what jansson's path would refuse, it refuses with its message */
	if (ok && (seq < 1 ||
		   cn_time_parse_canonical(time, timelen, &ev->time) ||
		   cn_hex_decode(prev, prevlen, ev->prev, CN_HASH_LEN, 0)))
		ok = 0;
	if (ok && !(ev->bytes = malloc(len + 1)))
		r.status = CN_ENOMEM, ok = 0;
	if (!ok) {
		cn_event_release(ev);
		return r.status == CN_ENOMEM ? CN_ENOMEM : 0;
	}
	memcpy(ev->bytes, bytes, len);
	ev->bytes[len] = '\0';
	ev->len = len;
	ev->seq = seq;
	ev->et = cn_event_type_find(ev->type);
	return 1;
}

int cn_event_decode(const char *bytes, size_t len, struct cn_event *ev,
		    struct cn_err *err)
{
	int rc;

	memset(ev, 0, sizeof(*ev));
	rc = decode_canonical(bytes, len, ev);
	if (rc == CN_ENOMEM)
		return cn_err_set(err, CN_ENOMEM, "out of memory decoding an "
				  "event");
	return rc ? 0 : cn_event_decode_jansson(bytes, len, ev, err);
}

int cn_event_decode_jansson(const char *bytes, size_t len,
			    struct cn_event *ev, struct cn_err *err)
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
	/* The log counts from 1 (cn_event_seal). */
	rc = seq < 1 ? cn_err_set(err, CN_ECORRUPT, "malformed event: its seq "
				  "is %lld, and a log counts from 1",
				  (long long)seq)
		     : cn_time_parse(time, "event time", &ev->time, err);
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
