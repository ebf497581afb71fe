/*
 * test_event.c - sealing, blinded hashing and decoding of log events
 * (src/core/event.c), and the HMAC-SHA256 they rest on (src/core/sha256.c);
 * the canonical encoding itself: test_canon_dump.c.
 *
 * The expected canonical bytes below are written by hand from the rules in
 * event.h (keys sorted bytewise, no whitespace, non-ASCII as \uXXXX with
 * upper-case hex as jansson writes it, surrogate pairs beyond the BMP).
 * The expected hashes (an event's hash is its RFC 9162 leaf hash over its
 * commitment: SHA-256(0x00 || HMAC-SHA256(salt, bytes))) were computed
 * outside council with OpenSSL's command line and coreutils:
 *     c=$(printf '%s' '<the bytes>' |
 *         openssl dgst -sha256 -mac HMAC -macopt hexkey:<salt> | cut -d' ' -f2)
 *     { printf '\0'; printf '%s' "$c" | xxd -r -p; } | sha256sum
 * and again with Python's hmac and hashlib.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/event.h"
#include "core/sha256.h"
#include "core/world.h"
#include "core/timeutil.h"
#include "fixture.h"

#define ZEROS64 "0000000000000000000000000000000000000000000000000000000000000000"

/* The salts of events 1 and 2: bytes 0x01..0x20 and 0x21..0x40. */
static const uint8_t salt1[CN_SALT_LEN] = {
	1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const uint8_t salt2[CN_SALT_LEN] = {
	33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48,
	49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64};

/* Event 1: a comment by France at 2023-07-07T09:30:00Z. */
static const char ev1_bytes[] =
	"{\"actor\":\"delegation:FR\",\"payload\":{\"member\":\"FR\","
	"\"proposal\":1,\"text\":\"G\\u00E9ographie\"},\"prev\":\"" ZEROS64
	"\",\"seq\":1,\"time\":\"2023-07-07T09:30:00Z\",\"type\":\"comment.made\"}";
/* printf '%s' '<ev1_bytes>' | openssl dgst -sha256 -mac HMAC
 *     -macopt hexkey:0102...1f20 */
static const char ev1_commitment[] =
	"0059bfd12a2306c4f1755f1f68da43fd8e70b8cdd6904e4361ffa353d40f47f6";
/* { printf '\0'; printf '%s' <ev1_commitment> | xxd -r -p; } | sha256sum */
static const char ev1_hash[] =
	"1f2fbb3c2bf493b41832fdb5ecc23343e2210899c938e510ad8a3fddd6f901ed";
/* The leaf of the format before salts, SHA-256(0x00 || bytes): what an
 * outsider could test guesses against. */
static const char ev1_unblinded[] =
	"55b40943946b59d606b55299d4d721447a521a51594cd02f99aabb2d53eec9b6";

/* Event 2 follows event 1 (prev = ev1_hash). */
static const char ev2_bytes[] =
	"{\"actor\":\"secretariat\",\"payload\":{\"proposal\":1},\"prev\":"
	"\"1f2fbb3c2bf493b41832fdb5ecc23343e2210899c938e510ad8a3fddd6f901ed\","
	"\"seq\":2,\"time\":\"2023-07-07T10:00:00Z\",\"type\":\"procedure.concluded\"}";
/* the same, with salt2 */
static const char ev2_hash[] =
	"d2464e43e89956061e987a46426554d9ba13eacf68f3e4ab87e74e49bad94686";

/* 2023-07-07T09:30:00Z: date -u -d '2023-07-07 09:30:00 UTC' +%s */
#define T0930 INT64_C(1688722200)

/* Build event 1 as sealed by council. */
static void make_ev1(struct cn_event *ev)
{
	struct cn_err err = {0};
	uint8_t zero[CN_HASH_LEN] = {0};
	json_t *pl = json_pack("{s:I, s:s, s:s}", "proposal", (json_int_t)1,
			       "member", "FR", "text", "G\xc3\xa9ographie");
	assert_int_equal(cn_event_init(ev, T0930, "delegation:FR", "comment.made",
				       pl, &err), 0);
	json_decref(pl);
	assert_int_equal(cn_event_seal(ev, 1, zero, salt1, &err), 0);
}

static void test_seal_bytes_and_hash(void **state)
{
	struct cn_event ev, again;
	struct cn_err err = {0};
	char hex[CN_HEX_LEN];
	uint8_t h[CN_HASH_LEN];
	(void)state;

	make_ev1(&ev);
	assert_int_equal(ev.seq, 1);
	assert_int_equal(ev.len, strlen(ev1_bytes));
	assert_string_equal(ev.bytes, ev1_bytes);
	cn_hex(ev.hash, CN_HASH_LEN, hex);
	assert_string_equal(hex, ev1_hash);
	assert_memory_equal(ev.salt, salt1, CN_SALT_LEN);
	/* The hash is SHA-256(0x00 || commitment), the RFC 9162 leaf hash
	 * with the commitment as the leaf. */
	{
		uint8_t c[CN_HASH_LEN], pre[1 + CN_HASH_LEN] = {0};
		cn_event_commitment(salt1, ev.bytes, ev.len, c);
		cn_hex(c, CN_HASH_LEN, hex);
		assert_string_equal(hex, ev1_commitment);
		memcpy(pre + 1, c, CN_HASH_LEN);
		cn_sha256(pre, sizeof(pre), h);
		assert_memory_equal(h, ev.hash, CN_HASH_LEN);
		cn_event_hash(salt1, ev.bytes, ev.len, h);
		assert_memory_equal(h, ev.hash, CN_HASH_LEN);
	}
	/* ...and not the old leaf over the bare bytes, nor the same event
	 * under another salt. */
	{
		uint8_t *pre = malloc(ev.len + 1);
		assert_non_null(pre);
		pre[0] = 0x00;
		memcpy(pre + 1, ev.bytes, ev.len);
		cn_sha256(pre, ev.len + 1, h);
		free(pre);
		cn_hex(h, CN_HASH_LEN, hex);
		assert_string_equal(hex, ev1_unblinded);
		assert_memory_not_equal(h, ev.hash, CN_HASH_LEN);
		cn_event_hash(salt2, ev.bytes, ev.len, h);
		assert_memory_not_equal(h, ev.hash, CN_HASH_LEN);
	}

	/* Deterministic: the same event sealed again gives the same bytes. */
	make_ev1(&again);
	assert_string_equal(again.bytes, ev.bytes);
	assert_memory_equal(again.hash, ev.hash, CN_HASH_LEN);
	cn_event_release(&again);

	/* The next event names this one's hash as prev. */
	json_t *pl = json_pack("{s:I}", "proposal", (json_int_t)1);
	struct cn_event ev2;
	assert_int_equal(cn_event_init(&ev2, T0930 + 1800, "secretariat",
				       "procedure.concluded", pl, &err), 0);
	json_decref(pl);
	assert_int_equal(cn_event_seal(&ev2, 2, ev.hash, salt2, &err), 0);
	assert_string_equal(ev2.bytes, ev2_bytes);
	cn_hex(ev2.hash, CN_HASH_LEN, hex);
	assert_string_equal(hex, ev2_hash);

	/* Sealing again at another place changes bytes and hash (and frees
	 * the old bytes: LeakSanitizer watches). */
	uint8_t zero[CN_HASH_LEN] = {0};
	assert_int_equal(cn_event_seal(&ev2, 7, zero, salt2, &err), 0);
	assert_non_null(strstr(ev2.bytes, "\"seq\":7"));
	assert_non_null(strstr(ev2.bytes, ZEROS64));
	cn_hex(ev2.hash, CN_HASH_LEN, hex);
	assert_string_not_equal(hex, ev2_hash);

	cn_event_release(&ev2);
	cn_event_release(&ev);
	/* release zeroes the struct */
	assert_null(ev.bytes);
	assert_null(ev.payload);
}

static void test_init_checks_and_refs(void **state)
{
	struct cn_event ev;
	struct cn_err err = {0};
	json_t *arr = json_array(), *pl = json_object();
	(void)state;

	assert_int_equal(cn_event_init(&ev, 0, "a", "t", arr, &err), CN_EINVAL);
	assert_null(ev.actor);
	json_decref(arr);

	/* The caller keeps its reference; the event holds its own. */
	assert_int_equal(pl->refcount, 1);
	assert_int_equal(cn_event_init(&ev, 0, "a", "t", pl, &err), 0);
	assert_int_equal(pl->refcount, 2);
	cn_event_release(&ev);
	assert_int_equal(pl->refcount, 1);

	/* A real number in the payload makes sealing fail, naming the seq. */
	json_object_set_new(pl, "lat", json_real(35.68));
	assert_int_equal(cn_event_init(&ev, 0, "a", "t", pl, &err), 0);
	uint8_t zero[CN_HASH_LEN] = {0};
	assert_int_equal(cn_event_seal(&ev, 3, zero, salt1, &err), CN_EINVAL);
	assert_non_null(strstr(err.msg, "event 3"));
	cn_event_release(&ev);
	json_decref(pl);
}

static void test_hex(void **state)
{
	uint8_t in[4] = {0x00, 0xab, 0x7f, 0xff}, out[4];
	char hex[9];
	(void)state;
	cn_hex(in, 4, hex);
	assert_string_equal(hex, "00ab7fff");
	assert_int_equal(cn_unhex("00ab7fff", out, 4), 0);
	assert_memory_equal(in, out, 4);
	/* Canonical hex is lower case. */
	assert_int_equal(cn_unhex("00AB7FFF", out, 4), -1);
	assert_int_equal(cn_unhex("00ab7ff", out, 4), -1);
	assert_int_equal(cn_unhex("00ab7fff0", out, 4), -1);
	assert_int_equal(cn_unhex("00ab7fgf", out, 4), -1);
	/* Note key ids are read in either case, as Go's ParseUint does. */
	assert_int_equal(cn_hex_decode("00AB7fFF", 8, out, 4, 1), 0);
	assert_memory_equal(in, out, 4);
	assert_int_equal(cn_hex_decode("00AB7fFF", 8, out, 4, 0), -1);
	assert_int_equal(cn_hex_decode("00ab7fff", 7, out, 4, 1), -1);
	/* every byte value, as a high and as a low digit, in both modes */
	for (int c = 0; c < 256; c++)
		for (int any = 0; any < 2; any++) {
			int v = c >= '0' && c <= '9' ? c - '0'
				: c >= 'a' && c <= 'f' ? c - 'a' + 10
				: any && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
			char hi[2] = {(char)c, '1'}, lo[2] = {'1', (char)c};
			assert_int_equal(cn_hex_decode(hi, 2, out, 1, any), v < 0 ? -1 : 0);
			if (v >= 0)
				assert_int_equal(out[0], v << 4 | 1);
			assert_int_equal(cn_hex_decode(lo, 2, out, 1, any), v < 0 ? -1 : 0);
			if (v >= 0)
				assert_int_equal(out[0], 0x10 | v);
		}
}

/* buf.h: the string builder, and the small JSON and actor helpers. */
static void test_buf(void **state)
{
	struct cn_buf b = CN_BUF_INIT;
	char *s = NULL, actor[16];
	char *codes[] = {"FR", "HU"};
	json_t *o, *a;
	(void)state;

	/* An untouched buffer still gives a string. */
	assert_int_equal(cn_buf_finish(&b, &s), 0);
	assert_string_equal(s, "");
	free(s);
	cn_buf_puts(&b, "count");
	cn_buf_add(&b, "(concur)", 8);
	cn_buf_printf(&b, " >= %d/%d", 2, 3);
	assert_string_equal(b.s, "count(concur) >= 2/3");
	assert_int_equal(b.len, strlen("count(concur) >= 2/3"));
	cn_buf_reset(&b);
	assert_string_equal(b.s, "");
	for (int i = 0; i < 100; i++)
		cn_buf_puts(&b, "0123456789");
	assert_int_equal(b.len, 1000);
	assert_int_equal(cn_buf_finish(&b, &s), 0);
	assert_int_equal(strlen(s), 1000);
	assert_null(b.s); /* the string is the caller's now */
	free(s);
	/* After a failed append the buffer gives nothing and frees itself. */
	cn_buf_puts(&b, "lost");
	b.oom = 1;
	cn_buf_puts(&b, " and more");
	assert_string_equal(b.s, "lost");
	assert_int_equal(cn_buf_finish(&b, &s), CN_ENOMEM);
	assert_null(s);
	assert_null(b.s);

	o = json_pack("{s:s, s:i}", "member", "FR", "n", 1);
	assert_string_equal(cn_jstr(o, "member"), "FR");
	assert_null(cn_jstr(o, "n"));
	assert_null(cn_jstr(o, "absent"));
	assert_null(cn_jstr(NULL, "member"));
	json_decref(o);
	a = cn_jstrings(codes, 2);
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_string_value(json_array_get(a, 1)), "HU");
	json_decref(a);
	cn_actor_delegation(actor, sizeof(actor), "FR");
	assert_string_equal(actor, "delegation:FR");
}

static void test_decode_roundtrip(void **state)
{
	struct cn_event ev, d;
	struct cn_err err = {0};
	(void)state;

	make_ev1(&ev);
	memset(&d, 0, sizeof(d));
	assert_int_equal(cn_event_decode(ev.bytes, ev.len, &d, &err), 0);
	assert_int_equal(d.seq, 1);
	assert_int_equal(d.time, T0930);
	assert_string_equal(d.actor, "delegation:FR");
	assert_string_equal(d.type, "comment.made");
	assert_true(json_equal(d.payload, ev.payload));
	assert_string_equal(json_string_value(json_object_get(d.payload, "text")),
			    "G\xc3\xa9ographie");
	assert_memory_equal(d.prev, ev.prev, CN_HASH_LEN);
	assert_int_equal(d.len, ev.len);
	assert_string_equal(d.bytes, ev.bytes);
	/* Without the salt there is no leaf: salt and hash are left zero. */
	{
		const uint8_t zero[CN_HASH_LEN] = {0};
		assert_memory_equal(d.salt, zero, CN_SALT_LEN);
		assert_memory_equal(d.hash, zero, CN_HASH_LEN);
	}
	cn_event_release(&d);
	/* With it, opening gives the sealed event's hash. */
	assert_int_equal(cn_event_open(ev.bytes, ev.len, salt1, &d, &err), 0);
	assert_memory_equal(d.salt, salt1, CN_SALT_LEN);
	assert_memory_equal(d.hash, ev.hash, CN_HASH_LEN);
	cn_event_release(&d);

	/* The hand-written event 2 opens, and its prev is event 1's hash. */
	assert_int_equal(cn_event_open(ev2_bytes, strlen(ev2_bytes), salt2, &d,
				       &err), 0);
	assert_memory_equal(d.prev, ev.hash, CN_HASH_LEN);
	assert_int_equal(d.seq, 2);
	assert_int_equal(d.time, T0930 + 1800);
	char hex[CN_HEX_LEN];
	cn_hex(d.hash, CN_HASH_LEN, hex);
	assert_string_equal(hex, ev2_hash);

	/* Re-sealing what was decoded gives the very same bytes. */
	struct cn_event re;
	assert_int_equal(cn_event_init(&re, d.time, d.actor, d.type, d.payload,
				       &err), 0);
	assert_int_equal(cn_event_seal(&re, d.seq, d.prev, d.salt, &err), 0);
	assert_string_equal(re.bytes, ev2_bytes);
	assert_memory_equal(re.hash, d.hash, CN_HASH_LEN);
	cn_event_release(&re);
	cn_event_release(&d);
	cn_event_release(&ev);
}

/* ev1_bytes with the first occurrence of `from` replaced by `to`. */
static char *edit(const char *from, const char *to)
{
	const char *p = strstr(ev1_bytes, from);
	size_t n = strlen(ev1_bytes) - strlen(from) + strlen(to) + 1;
	char *s = malloc(n);
	assert_non_null(p);
	assert_non_null(s);
	memcpy(s, ev1_bytes, (size_t)(p - ev1_bytes));
	strcpy(s + (p - ev1_bytes), to);
	strcat(s, p + strlen(from));
	return s;
}

/* 1 when decoding `bytes` is refused as it should be; everything is freed
 * before returning, so a failing assertion leaks nothing. */
static int refused(const char *bytes, const char *why)
{
	struct cn_event d;
	struct cn_err err = {0};
	int ok;
	memset(&d, 0, sizeof(d));
	int rc = cn_event_decode(bytes, strlen(bytes), &d, &err);
	ok = rc == CN_ECORRUPT && err.code == CN_ECORRUPT && err.msg[0] != '\0' &&
	     !d.bytes && !d.actor && !d.type && !d.payload;
	if (!ok)
		print_error("%s: decode returned %d (%s), want CN_ECORRUPT with "
			    "nothing left in *ev\n", why, rc, err.msg);
	cn_event_release(&d);
	return ok;
}

static void decode_refused(const char *bytes, const char *why)
{
	assert_true(refused(bytes, why));
}

static int refused_edit(const char *from, const char *to, const char *why)
{
	char *s = edit(from, to);
	int ok = refused(s, why);
	free(s);
	return ok;
}

static void decode_refused_edit(const char *from, const char *to,
				const char *why)
{
	assert_true(refused_edit(from, to, why));
}

static void test_decode_refuses_noncanonical(void **state)
{
	(void)state;
	/* Re-spacing keeps the JSON meaning but not the bytes. */
	decode_refused_edit("\"seq\":1", "\"seq\": 1", "space after colon");
	decode_refused_edit(",\"type\"", ", \"type\"", "space after comma");
	decode_refused_edit("{\"actor\"", "{ \"actor\"", "space after brace");
	{
		size_t n = strlen(ev1_bytes);
		char *s = malloc(n + 2);
		memcpy(s, ev1_bytes, n);
		s[n] = '\n';
		s[n + 1] = '\0';
		decode_refused(s, "trailing newline");
		free(s);
	}
	/* Keys out of order. */
	decode_refused_edit("\"member\":\"FR\",\"proposal\":1",
			    "\"proposal\":1,\"member\":\"FR\"", "unsorted keys");
	/* Escapes must be exactly as the encoder writes them. */
	decode_refused_edit("\\u00E9", "\\u00e9", "lower-case escape");
	decode_refused_edit("\\u00E9", "\xc3\xa9", "raw UTF-8");
	decode_refused_edit("\"FR\"", "\"\\u0046R\"", "needless escape");
	/* A real number has no canonical spelling at all. */
	decode_refused_edit("\"proposal\":1,\"text\"", "\"proposal\":1.0,\"text\"",
			    "a real number");
}

static void test_decode_refuses_bad_events(void **state)
{
	(void)state;
	/* One changed byte that breaks a key name: a field is missing. */
	decode_refused_edit("\"actor\"", "\"bctor\"", "changed key byte");
	/* One changed byte that breaks the JSON. */
	decode_refused_edit("{\"actor\"", "[\"actor\"", "changed brace");
	/* Missing fields. */
	decode_refused_edit("\"actor\":\"delegation:FR\",", "", "no actor");
	decode_refused_edit(",\"type\":\"comment.made\"", "", "no type");
	decode_refused_edit(",\"seq\":1", "", "no seq");
	/* An extra field is not part of an event. */
	decode_refused_edit(",\"type\"", ",\"tz\":\"x\",\"type\"", "extra field");
	/* Duplicate keys, even with the same value. */
	decode_refused_edit("\"actor\":\"delegation:FR\",",
			    "\"actor\":\"delegation:FR\",\"actor\":\"delegation:FR\",",
			    "duplicate top-level key");
	decode_refused_edit("\"member\":\"FR\",",
			    "\"member\":\"FR\",\"member\":\"FR\",",
			    "duplicate payload key");
	/* Wrong types and values. */
	decode_refused_edit("\"seq\":1", "\"seq\":\"1\"", "seq as a string");
	decode_refused_edit("\"payload\":{\"member\":\"FR\",\"proposal\":1,"
			    "\"text\":\"G\\u00E9ographie\"}",
			    "\"payload\":[]", "payload not an object");
	decode_refused_edit("2023-07-07T09:30:00Z", "2023-02-29T09:30:00Z",
			    "impossible time");
	decode_refused_edit(ZEROS64, "00", "short prev");
	decode_refused_edit("0000000000000000000000000000000000000000000000000000000000000000",
			    "000000000000000000000000000000000000000000000000000000000000000A",
			    "upper-case prev");
	decode_refused_edit("\"seq\":1", "\"seq\":1.0", "real seq");
	/* The log counts from 1 (cn_event_seal): no event has a seq below. */
	decode_refused_edit("\"seq\":1", "\"seq\":0", "seq 0");
	decode_refused_edit("\"seq\":1", "\"seq\":-1", "negative seq");
	decode_refused("", "empty");
	decode_refused("null", "null");
	decode_refused("{}", "empty object");
}

/*
 * The canonical form of an event's time is what cn_time_format writes
 * ("2023-07-07T09:30:00Z").  Any other spelling of the same instant is a
 * second byte string for the same event, so it is not canonical: re-encoding
 * the decoded event would not give the same bytes.
 */
static void test_decode_refuses_noncanonical_time(void **state)
{
	int ok = 1;
	(void)state;
	ok &= refused_edit("2023-07-07T09:30:00Z", "2023-07-07T11:30:00+02:00",
			   "time with an offset");
	ok &= refused_edit("2023-07-07T09:30:00Z", "2023-07-07T09:30Z",
			   "time without seconds");
	ok &= refused_edit("2023-07-07T09:30:00Z", "2023-07-07T09:30:00",
			   "time without Z");
	assert_true(ok);
}

static void test_decode_changed_content_changes_hash(void **state)
{
	/* A change that stays canonical decodes (decoding alone cannot know
	 * the content), but the hash no longer matches: that is what the log
	 * checks against the recorded hash. */
	struct cn_event d;
	struct cn_err err = {0};
	char hex[CN_HEX_LEN];
	char *s = edit("G\\u00E9ographie", "G\\u00E9ographiE");
	(void)state;
	assert_int_equal(cn_event_open(s, strlen(s), salt1, &d, &err), 0);
	cn_hex(d.hash, CN_HASH_LEN, hex);
	assert_string_not_equal(hex, ev1_hash);
	cn_event_release(&d);
	free(s);
}

/* The event-type table: every row is where its id says, names are unique,
 * and the fold refuses what the table does not know or a payload missing
 * a required field, naming the field. */
static void test_event_type_table(void **state)
{
	(void)state;
	for (int i = 0; i < CN_EV_COUNT; i++) {
		const struct cn_event_type *t = cn_event_type_get((enum cn_ev)i);
		assert_int_equal(t->id, i);
		/* the lookup reads two bytes before comparing */
		assert_true(strlen(t->name) >= 2);
		assert_ptr_equal(cn_event_type_find(t->name), t);
		assert_non_null(t->apply);
		assert_non_null(t->required);
		assert_non_null(t->key[0]);
		if (t->flags & CN_EVT_STATEMENT)
			assert_non_null(t->signed_text);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(cn_event_type_get((enum cn_ev)j)->name,
						t->name);
	}
	assert_null(cn_event_type_find("member.elected"));
	assert_null(cn_event_type_find(NULL));
	/* names cut short or run on, down to none: the lookup compares
	 * the first two bytes before the rest */
	static const char *const near[] = {"", "p", "pr", "po", "proposal.",
		"proposal.create", "proposal.createdx", "vote.cas", "vote.casts",
		"Vote.cast", "xote.cast", "vxte.cast"};
	for (size_t i = 0; i < sizeof(near) / sizeof(near[0]); i++)
		assert_null(cn_event_type_find(near[i]));

	struct cn_world w;
	struct cn_event ev;
	struct cn_err err = {0};
	uint8_t zero[CN_HASH_LEN] = {0};
	json_t *pl = json_pack("{s:{s:s}}", "alliance", "id", "x");

	cn_world_init(&w);
	assert_int_equal(cn_event_init(&ev, 0, "t", "alliance.dissolved", pl, &err), 0);
	assert_null(ev.et);
	assert_int_equal(cn_event_seal(&ev, 1, zero, salt1, &err), 0);
	assert_int_equal(cn_world_apply(&w, &ev, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "unknown event type"));
	cn_event_release(&ev);

	json_t *pl2 = json_pack("{s:s}", "office", "tokyo");
	assert_int_equal(cn_event_init(&ev, 0, "t", "office.closed", pl2, &err), 0);
	assert_ptr_equal(ev.et, cn_event_type_get(CN_EV_OFFICE_CLOSED));
	assert_int_equal(cn_event_seal(&ev, 1, zero, salt1, &err), 0);
	assert_int_equal(cn_world_apply(&w, &ev, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "payload has no 'closed'"));
	assert_int_equal(w.last_seq, 0);
	cn_event_release(&ev);
	json_decref(pl);
	json_decref(pl2);
	cn_world_release(&w);
}

/* HMAC-SHA256, the commitment's function: the RFC 4231 test cases 1-4, 6
 * and 7 (case 5 truncates its output), and agreement with libsodium's
 * HMAC for every key length around the 64-byte block. */
static void test_hmac_sha256(void **state)
{
	static const struct {
		uint8_t kbyte;
		size_t klen;
		const char *msg; /* NULL: mlen bytes of mbyte */
		uint8_t mbyte;
		size_t mlen;
		const char *want;
	} v[] = {
		{0x0b, 20, "Hi There", 0, 0,
		 "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
		{0, 0, "what do ya want for nothing?", 0, 0,
		 "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		{0xaa, 20, NULL, 0xdd, 50,
		 "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
		{0, 25, NULL, 0xcd, 50,
		 "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
		{0xaa, 131, "Test Using Larger Than Block-Size Key - Hash Key First",
		 0, 0,
		 "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
		{0xaa, 131, "This is a test using a larger than block-size key and a "
		 "larger than block-size data. The key needs to be hashed before "
		 "being used by the HMAC algorithm.", 0, 0,
		 "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
	};
	uint8_t key[131], msg[64], out[32], ref[32];
	char hex[CN_HEX_LEN];
	(void)state;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const uint8_t *k = key, *m = msg;
		size_t kl = v[i].klen, ml = v[i].mlen;
		if (i == 1) {
			k = (const uint8_t *)"Jefe";
			kl = 4;
		} else if (i == 3) {
			for (size_t j = 0; j < 25; j++)
				key[j] = (uint8_t)(j + 1);
		} else
			memset(key, v[i].kbyte, kl);
		if (v[i].msg) {
			m = (const uint8_t *)v[i].msg;
			ml = strlen(v[i].msg);
		} else
			memset(msg, v[i].mbyte, ml);
		cn_hmac_sha256(k, kl, m, ml, out);
		cn_hex(out, 32, hex);
		assert_string_equal(hex, v[i].want);
	}
	/* libsodium's HMAC as an independent implementation. */
	for (size_t kl = 0; kl <= sizeof(key); kl++) {
		crypto_auth_hmacsha256_state st;
		for (size_t j = 0; j < kl; j++)
			key[j] = (uint8_t)(j * 7 + kl);
		crypto_auth_hmacsha256_init(&st, key, kl);
		crypto_auth_hmacsha256_update(&st, (const uint8_t *)ev1_bytes,
					      strlen(ev1_bytes));
		crypto_auth_hmacsha256_final(&st, ref);
		cn_hmac_sha256(key, kl, ev1_bytes, strlen(ev1_bytes), out);
		assert_memory_equal(out, ref, 32);
	}
}

/* The proposal an event is about: its payload's id or proposal; none for
 * the registry; -1 for an unknown type (sight.h keeps those to the
 * secretariat). */
static void test_event_proposal(void **state)
{
	struct cn_event ev;
	struct cn_err err = {0};
	(void)state;

	make_ev1(&ev);
	assert_int_equal(cn_event_proposal(&ev), 1);
	cn_event_release(&ev);
	static const struct {
		const char *type, *json;
		int64_t want;
	} v[] = {
		{"proposal.created", "{\"id\":7,\"body\":\"NAC\"}", 7},
		{"position.stated", "{\"proposal\":3,\"member\":\"FR\"}", 3},
		{"member.admitted", "{\"member\":{\"code\":\"FR\"}}", 0},
		{"key.registered", "{\"member\":\"FR\",\"vkey\":\"x\"}", 0},
		{"alliance.dissolved", "{\"proposal\":3}", -1},
		{"position.stated", "{\"proposal\":\"3\"}", 0},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		json_t *pl = json_loads(v[i].json, 0, NULL);
		assert_non_null(pl);
		assert_int_equal(cn_event_init(&ev, 0, "t", v[i].type, pl, &err), 0);
		json_decref(pl);
		assert_int_equal(cn_event_proposal(&ev), v[i].want);
		cn_event_release(&ev);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seal_bytes_and_hash),
		cmocka_unit_test(test_init_checks_and_refs),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_decode_roundtrip),
		cmocka_unit_test(test_decode_refuses_noncanonical),
		cmocka_unit_test(test_decode_refuses_bad_events),
		cmocka_unit_test(test_decode_refuses_noncanonical_time),
		cmocka_unit_test(test_decode_changed_content_changes_hash),
		cmocka_unit_test(test_event_type_table),
		cmocka_unit_test(test_hmac_sha256),
		cmocka_unit_test(test_event_proposal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
